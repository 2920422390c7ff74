# SPDX-License-Identifier: GPL-2.0
#
# The target layer (lib/target/target.h) against the real kernel, driven step by
# step through rb-target-check, with independent oracles after each step:
# `ndctl list -N` / `daxctl list` for the configuration, the sysfs driver
# links for the binding, and the raw memmap_init_zone_device lines of the
# kernel log for every bind's page count.
#
#   guest-targets.sh fsdax    name resolution, --force and align refusals,
#                             fsdax map=mem (and e820 pagemap) rebinds,
#                             block device busy check, namespace method
#   guest-targets.sh restore  devdax 4K, fsdax map=dev, restore from a saved
#                             record (twice) and in-process (cycle)
#   guest-targets.sh devdax   devdax map=mem 2M, map=dev 1G (fits on 4G only)
#   guest-targets.sh dax      devdax 2M with both methods, then the dax-bus
#                             target (daxctl-rebind-bench's layer):
#                             describe, rebind, align refusal, name clash,
#                             busy and system-ram refusal
# Every part starts by saving the namespace's configuration and ends by
# restoring it, checked against what `ndctl list` said before.
. "$RB_LIB"

part=${1:-fsdax}
T=rb-target-check

if ! have_tool $T; then
	t_bail "$T was not built into the image"
fi

flags=$(dyndbg_memmap_flags)
[ "$flags" = "=_" ] && dyndbg_memmap on

# Page counts measured once and recorded in vm-notes.md.
known_pages()	# MAP ALIGN
{
	case $RB_LABELS-$RB_SIZE-$1-$2 in
	0-1G-dev-*)	echo 257536 ;;
	0-1G-mem-*)	echo 262144 ;;
	0-4G-dev-1G)	echo 786432 ;;
	0-4G-dev-*)	echo 1031680 ;;
	0-4G-mem-*)	echo 1048576 ;;
	esac
}

# run NAME ARGS...: rb-target-check ARGS, stdout in NAME.json, stderr in
# NAME.err.
run()
{
	_n=$1
	shift
	$T "$@" >"$RB_OUT/$_n.json" 2>"$RB_OUT/$_n.err"
}

# jfield KEY: value of "KEY" in the flat JSON on stdin (rb-target-check's
# lines, ndctl/daxctl list); empty when absent. Plain sed, because jq
# takes seconds per run under emulation.
jfield()
{
	sed -n "s/.*\"$1\" *: *\"\{0,1\}\([^\",}]*\).*/\1/p" | head -n 1
}

# last NAME KEY: a field of the last line rb-target-check printed.
last()
{
	tail -n 1 "$RB_OUT/$1.json" | jfield "$2"
}

# The namespace's `ndctl list -N` entry on one line, without the
# per-personality uuid (a reconfiguration makes a new one).
ndctl_entry()
{
	ndctl list -N -n "$ns" | grep -v '"uuid"' | tr -d ' \n'
}

# check_nd_desc NAME: the target's description agrees with `ndctl list -N`
# and its bind device is bound to its driver.
check_nd_desc()
{
	ndctl list -N -n "$ns" >"$RB_OUT/$1.ndctl"
	for _k in mode map size align chardev blockdev; do
		_want=$(jfield "$_k" <"$RB_OUT/$1.ndctl")
		_got=$(last "$1" "$_k")
		[ "$_got" = null ] && _got=
		[ -z "$_want" ] && [ "$_k" = align ] && _want=0
		t_is "$1: $_k is what ndctl list says" "$_got" "$_want"
	done
	_dev=$(last "$1" bind_dev)
	_drv=$(last "$1" driver)
	t_is "$1: $_dev is bound to $_drv" \
		"$(basename "$(readlink "/sys/bus/nd/devices/$_dev/driver")")" \
		"$_drv"
}

# check_lines MARK COUNT NAME: COUNT kernel lines since MARK, each with
# the page count NAME's description expects.
check_lines()
{
	_exp=$(last "$3" expected_nr_pages)
	_want=
	_i=0
	while [ $_i -lt "$2" ]; do
		_want="$_want$_exp "
		_i=$((_i + 1))
	done
	t_is "$3: $2 memmap line(s) of $_exp pages" \
		"$(memmap_pages_since "$1" | tr '\n' ' ')" "$_want"
}

# config MODE MAP ALIGN: reconfigure + cold bind, then 3 driver rebinds.
config()
{
	_c=$1-$2-$3
	kmsg_mark "$_c"
	if ! run "$_c" -f nd reconfigure "$ns" "$1" "$2" "$3"; then
		t_fail "reconfigure $ns to $1 map=$2 align=$3"
		t_diag "$(cat "$RB_OUT/$_c.err")"
		return 1
	fi
	t_pass "reconfigure $ns to $1 map=$2 align=$3 and bind it"
	check_nd_desc "$_c"
	_k=$(known_pages "$2" "$3")
	[ -z "$_k" ] || t_is "$_c: expected_nr_pages is the measured $_k" \
		"$(last "$_c" expected_nr_pages)" "$_k"
	check_lines "$_c" 1 "$_c"
	t_is "$_c: expected pages from geometry (before the bind) agree" \
		"$(head -n 1 "$RB_OUT/$_c.json" | jfield expected_nr_pages)" \
		"$(last "$_c" expected_nr_pages)"
	kmsg_mark "$_c-rebind"
	t_ok "$_c: 3 rebinds" run "$_c-rebind" nd rebind "$ns" 3
	check_lines "$_c-rebind" 3 "$_c"
}

# The bound devices' drivers: a restore may rename pfn/dax instances.
bound_drivers()
{
	binding_state | awk '$2 != "-" { print $2 }' | sort | tr '\n' ' '
}

check_restored()	# NAME
{
	t_is "$1: ndctl list shows the original configuration" \
		"$(ndctl_entry)" "$orig_entry"
	t_is "$1: the same drivers are bound as before" \
		"$(bound_drivers)" "$orig_drivers"
}

if [ "$RB_LABELS" = 1 ]; then
	ns=$(ndctl create-namespace -r region0 -s 1G -m fsdax -M dev |
		jfield dev)
	t_like "a labelled 1G fsdax namespace" "$ns" '^namespace0\.[0-9]+$'
else
	ns=namespace0.0
fi
orig_entry=$(ndctl_entry)
orig_drivers=$(bound_drivers)
t_ok "save $ns's original configuration" \
	run save nd save "$ns" "$RB_OUT/saved.json"
t_ok "describe $ns" run orig nd describe "$ns"
check_nd_desc orig

case $part in
fsdax)
	t_ok "resolve all namespaces" run all nd open all
	t_is "'all' finds $ns" "$(grep -c "^$ns\$" "$RB_OUT/all.json")" 1
	t_fails "a malformed name is refused" run bad nd describe namespace0
	t_like "... with one line" "$(cat "$RB_OUT/bad.err")" \
		"^rb-target-check: error: 'namespace0' is not a namespace name"
	t_fails "a missing namespace is refused" run none nd describe 9.9
	t_like "... as no such namespace" "$(cat "$RB_OUT/none.err")" \
		'namespace9\.9: no such namespace'

	t_fails "reconfigure without --force" \
		run noforce nd reconfigure "$ns" fsdax dev 2M
	t_like "... says why" "$(cat "$RB_OUT/noforce.err")" \
		"reconfiguring $ns destroys its data; use --force\$"
	t_fails "an align the kernel does not list" \
		run badalign -f nd reconfigure "$ns" fsdax dev 8K
	t_like "... names the supported ones" \
		"$(cat "$RB_OUT/badalign.err")" 'align 8K is not supported'
	t_is "$ns is untouched by the refusals" "$(ndctl_entry)" "$orig_entry"

	if [ "$(last orig mode)" = fsdax ] && [ "$(last orig map)" = mem ] &&
	   [ "$(last orig bind_dev)" = "$ns" ]; then
		# e820: a raw namespace on a pagemap region, memmap in RAM
		t_is "pagemap namespace: expected pages" \
			"$(last orig expected_nr_pages)" "$(known_pages mem 2M)"
		kmsg_mark native
		t_ok "3 rebinds of the pagemap namespace" \
			run native nd rebind "$ns" 3
		check_lines native 3 native
	fi

	config fsdax mem 2M
	bdev=$(last fsdax-mem-2M blockdev)
	exec 3<"/dev/$bdev"
	run busy nd busy "$ns"
	t_is "busy while /dev/$bdev is open" "$(last busy busy)" true
	t_like "... names the process" "$(last busy why)" \
		"^/dev/$bdev is open by pid $$ "
	exec 3<&-
	run idle nd busy "$ns"
	t_is "not busy once closed" "$(last idle busy)" false

	kmsg_mark nsmethod
	t_ok "2 rebinds with the namespace method" \
		run nsmethod -m namespace nd rebind "$ns" 2
	check_lines nsmethod 2 nsmethod
	check_nd_desc nsmethod

	t_ok "restore from the saved record" \
		run restore nd restore "$RB_OUT/saved.json"
	check_restored restore
	;;
restore)
	config devdax dev 4K
	config fsdax dev 2M
	t_ok "restore from the saved record" \
		run restore nd restore "$RB_OUT/saved.json"
	check_restored restore
	t_ok "restore again (idempotent)" \
		run restore2 nd restore "$RB_OUT/saved.json"
	check_restored restore2
	t_ok "reconfigure, bind and restore in one process" \
		run cycle -f nd cycle "$ns" fsdax dev 4K
	check_restored cycle
	# killed between reconfigure and the cold bind
	t_ok "configure devdax map=mem without binding it" \
		run setup -f nd setup "$ns" devdax mem 2M
	t_is "the new personality is not bound" \
		"$(basename "$(readlink "/sys/bus/nd/devices/$(last setup \
			bind_dev)/driver" || echo unbound)")" unbound
	t_ok "restore it from the saved record" \
		run restore3 nd restore "$RB_OUT/saved.json"
	check_restored restore3
	;;
devdax)
	config devdax mem 2M
	if [ "$RB_SIZE" = 4G ]; then
		config devdax dev 1G
	else
		t_fails "devdax align=1G on $RB_SIZE" \
			run big -f nd reconfigure "$ns" devdax dev 1G
		t_like "... does not fit" "$(cat "$RB_OUT/big.err")" \
			'align 1G does not fit in 1G'
	fi
	t_ok "restore from the saved record" \
		run restore nd restore "$RB_OUT/saved.json"
	check_restored restore
	;;
dax)
	config devdax dev 2M || t_bail "no devdax namespace to go on with"
	kmsg_mark daxnsmethod
	t_ok "2 devdax rebinds with the namespace method" \
		run daxnsmethod -m namespace nd rebind "$ns" 2
	check_lines daxnsmethod 2 daxnsmethod
	check_nd_desc daxnsmethod
	dax=$(last devdax-dev-2M chardev)
	nddax=$(last devdax-dev-2M bind_dev)

	t_ok "resolve all dax devices" run daxall dax open all
	t_is "'all' finds $dax" "$(cat "$RB_OUT/daxall.json")" "$dax"
	t_ok "describe dax-bus $dax" run daxdesc dax describe "$dax"
	daxctl list -d "$dax" >"$RB_OUT/daxctl.json"
	for k in size align mode; do
		t_is "$dax: $k is what daxctl list says" \
			"$(last daxdesc "$k")" \
			"$(jfield "$k" <"$RB_OUT/daxctl.json")"
	done
	t_is "$dax: same expected pages as its namespace" \
		"$(last daxdesc expected_nr_pages)" \
		"$(last devdax-dev-2M expected_nr_pages)"
	kmsg_mark daxrebind
	t_ok "3 device_dax rebinds of $dax" run daxrebind dax rebind "$dax" 3
	check_lines daxrebind 3 daxdesc
	t_is "$dax ends on device_dax" \
		"$(basename "$(readlink "/sys/bus/dax/devices/$dax/driver")")" \
		device_dax
	t_fails "dax align change on a pmem-backed device" \
		run daxalign -f dax reconfigure "$dax" - - 4K
	t_like "... points to ndctl-rebind-bench" \
		"$(cat "$RB_OUT/daxalign.err")" \
		"$dax: align is fixed by its pmem namespace; use ndctl-rebind-bench --mode devdax --align\$"

	if [ "$nddax" != "$dax" ]; then
		t_fails "the nd-bus $nddax is not a dax target" \
			run clash dax describe "$nddax"
		t_like "... and the error names its dax-bus device" \
			"$(cat "$RB_OUT/clash.err")" \
			"$nddax is an nd-bus device .*its dax-bus device is $dax"
	fi
	# An unconfigured nd dax seed may share its name with the dax-bus
	# device, which then wins.
	seed=$(cat /sys/bus/nd/devices/region0/dax_seed)
	if [ "$seed" != "$dax" ]; then
		t_fails "the nd-bus seed $seed is not a dax target" \
			run seed dax describe "$seed"
		t_like "... and the error says so" \
			"$(cat "$RB_OUT/seed.err")" "nd-bus"
	fi

	exec 3<"/dev/$dax"
	run daxbusy dax busy "$dax"
	t_is "$dax busy while open" "$(last daxbusy busy)" true
	t_like "... names the process" "$(last daxbusy why)" \
		"^/dev/$dax is open by pid $$ "
	run ndbusy nd busy "$ns"
	t_is "$ns busy while its $dax is open" "$(last ndbusy busy)" true
	exec 3<&-
	$T dax map "$dax" >"$RB_OUT/map.json" 2>&1 &
	mapper=$!
	i=0
	while [ $i -lt 50 ] && ! grep -q mapped "$RB_OUT/map.json"; do
		sleep 0.1
		i=$((i + 1))
	done
	run mapbusy dax busy "$dax"
	t_is "$dax busy while mapped (fd closed)" "$(last mapbusy busy)" true
	t_like "... names the mapping process" "$(last mapbusy why)" \
		"^/dev/$dax is mapped by pid $mapper "
	kill "$mapper"
	wait "$mapper" 2>/dev/null

	if daxctl reconfigure-device -f -m system-ram "$dax" \
		>"$RB_OUT/kmem.log" 2>&1; then
		run kmembusy dax busy "$dax"
		t_is "system-ram $dax is busy" "$(last kmembusy busy)" true
		t_like "... because of kmem" "$(last kmembusy why)" \
			'system-ram mode'
		t_fails "a system-ram device is not unbound" \
			run kmemrebind dax rebind "$dax" 1
		t_fails "nor its namespace" run kmemns nd rebind "$ns" 1
		t_ok "back to devdax" \
			daxctl reconfigure-device -f -m devdax "$dax"
	else
		t_skip "system-ram refusal" "$(tail -n 1 "$RB_OUT/kmem.log")"
	fi

	t_ok "restore from the saved record" \
		run restore nd restore "$RB_OUT/saved.json"
	check_restored restore
	;;
*)
	t_bail "unknown part '$part'"
	;;
esac

[ "$flags" = "=_" ] && dyndbg_memmap off
t_is "dyndbg flags restored" "$(dyndbg_memmap_flags)" "$flags"
t_done
