# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh signals-*: SIGINT/SIGTERM at random points of
# plain and of reconfiguring runs.
# Sourced by guest-reliability.sh after guest-lib.sh and guest-fault-lib.sh.

# signals-fsdax-rebind | signals-fsdax-reconf: 10 trials each.
part_signals_fsdax()
{
	t_ok "set up an fsdax map=dev namespace" setup_ns fsdax -M dev
	ns=$(first_ns)
	case $1 in
	rebind)	signals fsdax-rebind 10 $ND --runs 3 "$ns" ;;
	reconf)	signals fsdax-reconf 10 $ND --force --map mem --runs 1 "$ns" ;;
	esac
	t_is "fsdax namespace still map=dev" \
		"$(ndctl list -n "$ns" | json '.. | .map? // empty')" dev
	report_phases
}

# signals-devdax-nd (12 trials) | signals-devdax-dax (8 trials).
part_signals_devdax()
{
	t_ok "set up a devdax align=2M namespace" setup_ns devdax -a 2M
	ns=$(first_ns)
	dax=$(ndctl list -n "$ns" | json '.. | .chardev? // empty' |
		head -n 1)
	case $1 in
	nd)
		signals devdax-rebind 6 $ND --runs 3 "$ns"
		signals devdax-reconf 6 $ND --force --align 4K --runs 1 "$ns"
		;;
	dax)
		if have_tool $DAX; then
			signals devdax-daxctl 8 $DAX --runs 3 "$dax"
		else
			t_skip "daxctl-rebind-bench signals" "not built"
		fi
		;;
	esac
	t_is "devdax namespace still align=2M" \
		"$(ndctl list -n "$ns" | json '.. | .align? // empty')" 2097152
	report_phases
}
