# SPDX-License-Identifier: GPL-2.0
#
# Speed of a measured rebind (scripts/bench-speed.sh; a benchmark, not a
# test of the 'vm' suite).  Arguments: MODE [N [METHOD...]]
#   MODE    fsdax (namespace0.0 fsdax map=dev) or devdax (align 2M)
#   N       measured rebinds per method (default 20), run as two blocks
#           of N/2 in mirrored order (A B C C B A) so that a drift of the
#           host's load hits every method alike
#   METHOD  any of (default: all)
#     floor-c   rb-speed-floor: raw sysfs unbind + bind writes, nothing else
#     floor-sh  the same writes from a busybox sh loop (echo is a builtin)
#     tool      ndctl-rebind-bench --runs N/2 (driver method, auto timing)
#     tool-ns   ndctl-rebind-bench --method namespace --runs N/2
#     tool-wall, tool-kmsg, tool-probe  the tool with --timing wall,
#               kmsg,wall or probe,wall: what each timing source costs
#     trace     (not a timing) floor-c and the tool, 8 rebinds each, with
#               their system calls traced to MODE-trace-*.txt
#     probe-ab  (not a timing) floor-c with and without a kprobe pair on
#               memmap_init_zone_device, to MODE-probe-ab.txt
#     shell     ndctl disable-namespace && ndctl enable-namespace &&
#               dmesg | grep memmap_init_zone_device | tail -1
# Cycle time: the spacing of consecutive memmap_init_zone_device lines in
# the kernel log (printk clock, us) within a block: one yardstick for every
# method.  Raw data in $RB_OUT/MODE-METHOD-BLOCK.* (BLOCK 1 or 2):
#   .lines    printk us, nr_pages, ms of each memmap line of the block
#   .own      ms per rebind by the method's own clock, unbind + bind
#             (rb-speed-floor's, the tool's unbind_ns + bind_ns)
# and in $RB_OUT/MODE-METHOD.*:
#   .outside  ms per rebind by a clock around each block, or for the tool
#   .wall-us  its wall time per block and .one-us that of a run of one
#             rebind (the fixed cost: start-up, setup, restore, output)
# scripts/bench-speed.sh makes the table from them.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

BENCH=ndctl-rebind-bench
mode=${1:-fsdax}
n=${2:-20}
methods="floor-c floor-sh tool tool-ns shell"
if [ $# -gt 2 ]; then
	shift 2
	methods=$*
fi
for m in $methods; do
	case $m in
	floor-c|floor-sh|tool|tool-ns|tool-wall|tool-kmsg|tool-probe) ;;
	trace|probe-ab|shell) ;;
	*) t_bail "unknown method '$m'" ;;
	esac
done
ns=namespace0.0
case $mode in
fsdax)	create="-m fsdax -M dev" driver=nd_pmem ;;
devdax)	create="-m devdax -a 2M" driver=dax_pmem ;;
*)	t_bail "mode must be fsdax or devdax, not '$mode'" ;;
esac
case $n in
''|*[!0-9]*|1|?) t_bail "N must be a number >= 10, not '$n'" ;;
esac
k=$(((n + 1) / 2))
n=$((2 * k))
have_tool $BENCH || t_bail "$BENCH not built"
have_tool rb-speed-floor || t_bail "rb-speed-floor not built"

# shellcheck disable=SC2086 # $create is a list of options
t_ok "set up $ns: $create" ndctl create-namespace -f -e $ns $create
dev=$(cat /sys/bus/nd/devices/$ns/holder)
t_like "$ns is held by a pfn/dax device" "$dev" '^(pfn|dax)[0-9]+\.[0-9]+$'
t_is "$dev is bound to $driver" \
	"$(basename "$(readlink "/sys/bus/nd/devices/$dev/driver")")" "$driver"
# Every method needs the line; the tool would switch it on by itself.
flags=$(dyndbg_memmap_flags)
dyndbg_memmap on

now()
{
	rb-speed-floor now
}

# memmap_lines MARK: "<printk us> <nr_pages> <ms>" of each line after MARK.
memmap_lines()
{
	kmsg_since "$1" | sed -n -E \
		-e '/memmap_init_zone_device initialised/!d' \
		-e 's/^\[ *([0-9]+)\.([0-9]+)\] /\1\2 /' \
		-e 's/ .* initialised ([0-9]+) pages in ([0-9]+)ms.*/ \1 \2/p'
}

# ms T0 T1 COUNT: (T1 - T0) / COUNT, nanoseconds to milliseconds.
ms()
{
	awk -v a="$1" -v b="$2" -v c="$3" \
		'BEGIN { printf "%.1f\n", (b - a) / 1e6 / c }'
}

# sample_lines JSON: the tool's samples in memmap_lines' format.
sample_lines()
{
	json '.configurations[0].samples[] |
		"\(.kernel_ts_usec) \(.nr_pages) \(.memmap_ms)"' "$1"
}

# us T0 T1: nanoseconds to microseconds (beyond 32-bit shell arithmetic).
us()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f\n", (b - a) / 1000 }'
}

out()
{
	echo "$RB_OUT/$mode-$1"
}

# --- one block of K rebinds per method, appending to its files -----------

floor_c()	# K ROUND
{
	rb-speed-floor loop nd $driver "$dev" "$1" >"$(out "floor-c-$2.out")"
}

floor_sh()	# K
{
	i=0
	while [ $i -lt "$1" ]; do
		echo "$dev" >/sys/bus/nd/drivers/$driver/unbind
		echo "$dev" >/sys/bus/nd/drivers/$driver/bind
		i=$((i + 1))
	done
}

shell()		# K
{
	i=0
	while [ $i -lt "$1" ]; do
		ndctl disable-namespace $ns >/dev/null 2>&1 &&
		ndctl enable-namespace $ns >/dev/null 2>&1 &&
		dmesg | grep memmap_init_zone_device | tail -1
		i=$((i + 1))
	done >>"$(out shell.out)"
}

tool_args()	# METHOD
{
	case $1 in
	tool)		echo "--method driver" ;;
	tool-ns)	echo "--method namespace" ;;
	tool-wall)	echo "--timing wall" ;;
	tool-kmsg)	echo "--timing kmsg,wall" ;;
	tool-probe)	echo "--timing probe,wall" ;;
	esac
}

tool()		# METHOD K SUFFIX
{
	# shellcheck disable=SC2046 # a list of options
	$BENCH $(tool_args "$1") --runs "$2" -o "$(out "$1$3.json")" $ns \
		2>>"$(out "$1.stderr")"
}

block()		# METHOD ROUND
{
	m=$1
	kmsg_mark "$m-$2"
	t0=$(now)
	case $m in
	floor-c)	floor_c $k "$2" ;;
	floor-sh)	floor_sh $k ;;
	shell)		shell $k ;;
	tool*)		tool "$m" $k "-$2" ;;
	esac
	rc=$?
	t1=$(now)
	t_is "$m, block $2: $k rebinds succeed" "$rc" 0
	memmap_lines "$m-$2" >"$(out "$m-$2.lines")"
	case $m in
	floor-c)
		awk '$1 != "total_ns" { printf "%.3f\n", ($1 + $2) / 1e6 }' \
			"$(out "floor-c-$2.out")" >"$(out "floor-c-$2.own")"
		ms "$t0" "$t1" $k >>"$(out "$m.outside")"
		;;
	tool*)
		doc=$(out "$m-$2.json")
		json '.configurations[0].samples[] |
			(.unbind_ns + .bind_ns) / 1e6' "$doc" \
			>"$(out "$m-$2.own")"
		if [ -n "$(json '.configurations[0].samples[0].kernel_ts_usec' \
			"$doc")" ]; then
			t_is "$m, block $2: the samples are the block's lines" \
				"$(sample_lines "$doc" | md5sum)" \
				"$(md5sum <"$(out "$m-$2.lines")")"
		fi
		# The whole run; bench-speed.sh subtracts the fixed cost.
		us "$t0" "$t1" >>"$(out "$m.wall-us")"
		;;
	*)
		ms "$t0" "$t1" $k >>"$(out "$m.outside")"
		;;
	esac
	t_is "$m, block $2: one memmap line per rebind, $pages pages each" \
		"$(awk '{ print $2 }' "$(out "$m-$2.lines")" | sort | uniq -c |
			awk '{ print $1, $2 }')" "$k $pages"
}

# traced NAME CMD...: run CMD with its system calls and the paths it opens
# recorded in a private trace instance, to $RB_OUT/MODE-trace-NAME.txt:
# where a method's time goes (strace is not in the guest).
traced()
{
	name=$1
	shift
	tr=/sys/kernel/tracing
	in=$tr/instances/rb-speed
	echo 'p:rbspeed/open do_sys_openat2 path=+0(%si):string' \
		>>$tr/kprobe_events
	mkdir $in
	echo 16384 >$in/buffer_size_kb
	echo 1 >$in/options/event-fork
	echo 1 >$in/events/rbspeed/open/enable
	echo 1 >$in/events/raw_syscalls/enable
	# shellcheck disable=SC2016 # $$ and $1 are the inner shell's
	sh -c 'echo $$ >"$1/set_event_pid"; shift; exec "$@"' sh $in "$@"
	rc=$?
	echo 0 >$in/tracing_on
	cat $in/trace >"$(out "trace-$name.txt")"
	echo 0 >$in/events/raw_syscalls/enable
	echo 0 >$in/events/rbspeed/open/enable
	rmdir "$in"
	echo '-:rbspeed/open' >>$tr/kprobe_events
	t_is "traced $name: exits 0" "$rc" 0
}

# probe_ab: does a kprobe/kretprobe pair on memmap_init_zone_device, set
# up as the tool's timing source 'probe' does it, change the kernel-side
# time?  Six rounds of 3 floor rebinds without and 3 with it, in ABBA
# order, to $RB_OUT/MODE-probe-ab.txt: "off|on <memmap ms>" per bind.
probe_on()
{
	tr=/sys/kernel/tracing
	in=$tr/instances/rb-speed-ab
	echo 'p:rbab/mizd_in memmap_init_zone_device' >>$tr/kprobe_events
	echo 'r:rbab/mizd_out memmap_init_zone_device' >>$tr/kprobe_events
	mkdir $in
	echo mono >$in/trace_clock
	echo 1 >$in/events/rbab/mizd_in/enable
	echo 1 >$in/events/rbab/mizd_out/enable
}

probe_off()
{
	echo 0 >"$in/events/rbab/mizd_in/enable"
	echo 0 >"$in/events/rbab/mizd_out/enable"
	rmdir "$in"
	echo '-:rbab/mizd_out' >>"$tr/kprobe_events"
	echo '-:rbab/mizd_in' >>"$tr/kprobe_events"
}

probe_ab_block()	# off|on ROUND
{
	[ "$1" = on ] && probe_on
	kmsg_mark "ab-$1-$2"
	rb-speed-floor loop nd $driver "$dev" 3 >/dev/null
	memmap_lines "ab-$1-$2" | awk -v t="$1" '{ print t, $3 }' \
		>>"$(out probe-ab.txt)"
	[ "$1" = on ] && probe_off
}

probe_ab()
{
	for r in 1 2 3 4 5 6; do
		if [ $((r % 2)) = 1 ]; then
			probe_ab_block off $r
			probe_ab_block on $r
		else
			probe_ab_block on $r
			probe_ab_block off $r
		fi
	done
	t_is "probe-ab: 18 binds with and 18 without the probe" \
		"$(awk '{ print $1 }' "$(out probe-ab.txt)" | sort | uniq -c |
			awk '{ print $1, $2 }' | tr '\n' ' ')" "18 off 18 on "
	t_is "probe-ab: no probe left behind" \
		"$(grep -c rbab /sys/kernel/tracing/kprobe_events)" 0
}

# The tool's fixed cost: a run of one rebind.  Per rebind by the outside
# clock: (mean T(K) - T(1)) / (K - 1).
tool_fixed()	# METHOD
{
	kmsg_mark "$1-one"
	t0=$(now)
	tool "$1" 1 -one
	t1=$(now)
	us "$t0" "$t1" >"$(out "$1.one-us")"
}

# One unmeasured rebind settles the device after the create; its line
# gives the page count every method must reproduce.
kmsg_mark settle
echo "$dev" >/sys/bus/nd/drivers/$driver/unbind
echo "$dev" >/sys/bus/nd/drivers/$driver/bind
pages=$(memmap_lines settle | awk '{ print $2 }')
t_like "settling rebind logs one memmap line" "$pages" '^[0-9]+$'

for m in $methods; do
	case $m in
	tool*)	tool_fixed "$m" ;;
	esac
done
reverse=
for m in $methods; do
	case $m in
	trace)
		traced floor-c rb-speed-floor loop nd $driver "$dev" 8 \
			>/dev/null
		traced tool $BENCH --runs 8 -o "$(out trace-tool.json)" $ns \
			2>/dev/null
		continue ;;
	probe-ab)
		probe_ab
		continue ;;
	esac
	block "$m" 1
	reverse="$m $reverse"
done
for m in $reverse; do
	case $m in
	trace|probe-ab) continue ;;
	esac
	block "$m" 2
done

[ "$flags" = "=_" ] && dyndbg_memmap off

# Means for the log; scripts/bench-speed.sh makes the table (busybox awk
# has no sqrt).
for m in $methods; do
	case $m in
	trace|probe-ab) continue ;;
	esac
	t_diag "$m: $(cat "$(out "$m-1.lines")" "$(out "$m-2.lines")" |
		awk '{ s += $3 } END {
			printf "%d binds, memmap %.1f ms", NR, s / NR }')"
done
t_done
