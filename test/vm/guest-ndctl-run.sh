# SPDX-License-Identifier: GPL-2.0
#
# ndctl-rebind-bench in the guest, one part per VM (the argument):
#   keep           keep the configuration, method driver; cycle times
#   namespace      keep the configuration, method namespace
#   matrix-fsdax   --mode fsdax --map dev,mem
#   matrix-devdax  --mode devdax --align 4K,2M (and 1G on 4G)
#   signals        SIGINT and SIGKILL mid-run
#   auto           --runs auto: stops by the precision rule, and at the cap
# After each run: the document matches `ndctl list` and the raw dmesg
# lines (printk time, pages, ms), the probe hit once per memmap line inside
# each bind write and (with run-in-vm.sh --icount) within a jiffy + 1 ms of
# the kernel's figure, and the namespace, bindings, dyndbg flags and
# tracefs are as before.
. "$RB_LIB"

BENCH=ndctl-rebind-bench
require_tool $BENCH
mount_tracefs

part=${1:-keep}
ns=namespace0.0
case $RB_SIZE in
1G)	devpages=257536 mempages=262144 ;;
4G)	devpages=1031680 mempages=1048576 ;;
esac
if [ "$RB_PMEM" = e820 ]; then
	# A raw namespace on a pagemap region: nd_pmem maps it whole.
	devpages=$mempages
elif [ "$RB_LABELS" = 1 ]; then
	ns=$(ndctl create-namespace -r region0 -s 512M -m fsdax -M dev |
		json '.dev')
	t_like "a labelled 512M fsdax namespace" "$ns" '^namespace[0-9.]+$'
	devpages=128512 mempages=131072
else
	t_ok "set up $ns as fsdax map=dev" \
		ndctl create-namespace -f -e $ns -m fsdax -M dev
fi

case $part in
keep)
# --- A: keep the configuration, method driver ---------------------------
before=$(snapshot)
listed=$(ndctl list -n $ns | jq -c '.. | objects | select(.dev? == "'$ns'")')
t_ok "A: 1 warmup + 6 rebinds of $ns" \
	$BENCH --warmup 1 --runs 6 -o "$RB_OUT/a.json" $ns
check_doc a "$RB_OUT/a.json" 1 7
t_is "A: document's configuration matches ndctl list" \
	"$(json '.configurations[0].target | "\(.dev) \(.mode) \(.map) \(.align) \(.size)"' "$RB_OUT/a.json")" \
	"$(echo "$listed" | jq -r '"\(.dev) \(.mode) \(.map) \(.align) \(.size)"')"
t_is "A: nr_pages of every sample is $devpages" \
	"$(json '[.configurations[0].samples[].nr_pages] | unique | .[]' \
		"$RB_OUT/a.json")" $devpages
bind_dev=$(json '.configurations[0].target.bind_dev' "$RB_OUT/a.json")
if [ "$RB_PMEM" = e820 ]; then
	t_is "A: rebinds the raw namespace itself" "$bind_dev" $ns
else
	t_like "A: rebinds a pfn device" "$bind_dev" '^pfn[0-9]+\.[0-9]+$'
fi
t_is "A: ... which is bound to nd_pmem, as the document says" \
	"$(basename "$(readlink /sys/bus/nd/devices/$bind_dev/driver)")" \
	"$(json '.configurations[0].target.driver' "$RB_OUT/a.json")"
t_is "A: namespace, bindings, dyndbg, tracefs as before" "$(snapshot)" \
	"$before"

# Cycle time per rebind: the median gap between consecutive memmap lines
# (printk time) of the tool's binds, of a loop of raw sysfs unbind/bind
# writes of the same device (the floor), and of a shell loop of ndctl
# disable/enable-namespace + dmesg | grep. Reported for the README's speed
# table (scripts/bench-speed.sh measures it properly), never asserted.
median_gap_ms()
{
	awk 'NR > 1 { print ($1 - prev) / 1000 } { prev = $1 }' |
		sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
memmap_usec_since()
{
	kmsg_since "$1" | sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] memmap_init_zone_device initialised.*/\1\2/p'
}
tool=$(json '.configurations[0] | .warmup[]?, .samples[] | .kernel_ts_usec' \
	"$RB_OUT/a.json" | median_gap_ms)
flags=$(dyndbg_memmap_flags)
dyndbg_memmap on
kmsg_mark floor
for i in 1 2 3 4 5 6 7; do
	echo "$bind_dev" >/sys/bus/nd/drivers/nd_pmem/unbind
	echo "$bind_dev" >/sys/bus/nd/drivers/nd_pmem/bind
done
floor=$(memmap_usec_since floor | median_gap_ms)
kmsg_mark shell
for i in 1 2 3; do
	ndctl disable-namespace $ns >/dev/null 2>&1
	ndctl enable-namespace $ns >/dev/null 2>&1
	dmesg | grep -E "$MEMMAP_RE" | tail -n 1 >/dev/null
done
shell=$(memmap_usec_since shell | median_gap_ms)
[ "$flags" = "=_" ] && dyndbg_memmap off
t_diag "cycle per rebind (median): tool $tool ms, raw sysfs floor $floor ms, ndctl shell loop $shell ms"
t_diag "tool/floor $(awk -v a="$tool" -v b="$floor" 'BEGIN { printf "%.2f", a / b }'), tool/shell $(awk -v a="$tool" -v b="$shell" 'BEGIN { printf "%.2f", a / b }')"
t_is "A: after the timing runs and the raw loop, still as before" \
	"$(snapshot)" "$before"

;;

namespace)
# --- B: keep the configuration, --method namespace (memmap init in a
# kworker) -----------------------------------------------------------------
before=$(snapshot)
t_ok "B: 5 rebinds with --method namespace" \
	$BENCH --method namespace --runs 5 -o "$RB_OUT/b.json" $ns
check_doc b "$RB_OUT/b.json" 1 5
t_is "B: nr_pages of every sample is $devpages" \
	"$(json '[.configurations[0].samples[].nr_pages] | unique | .[]' \
		"$RB_OUT/b.json")" $devpages
t_is "B: everything as before" "$(snapshot)" "$before"
;;

matrix-fsdax)
# --- C: the matrix; each configuration's cold bind, then the runs ------
before=$(snapshot_by_type)
t_fails "C: reconfiguring without --force is refused" \
	$BENCH --mode fsdax --map mem --runs 2 $ns
t_is "C: ... and changed nothing" "$(snapshot_by_type)" "$before"
t_ok "C: fsdax x map dev,mem, 3 rebinds each" \
	$BENCH --force --mode fsdax --map dev,mem --runs 3 \
		-o "$RB_OUT/c1.json" $ns
check_doc c1 "$RB_OUT/c1.json" 2 8
t_is "C: configurations are fsdax/dev then fsdax/mem" \
	"$(json '[.configurations[].target | "\(.mode)/\(.map)"] | join(" ")' \
		"$RB_OUT/c1.json")" "fsdax/dev fsdax/mem"
t_is "C: page counts $devpages (map=dev) and $mempages (map=mem)" \
	"$(json '[.configurations[].nr_pages] | join(" ")' \
		"$RB_OUT/c1.json")" "$devpages $mempages"
t_is "C: back to fsdax map=dev, bindings and helpers as before" \
	"$(snapshot_by_type)" "$before"
;;

matrix-devdax)
aligns=4K,2M runs=3
[ "$RB_SIZE" = 4G ] && aligns=4K,2M,1G runs=2
before=$(snapshot_by_type)
n=$(echo $aligns | tr ',' '\n' | wc -l)
t_ok "C: devdax x align $aligns, 3 rebinds each" \
	$BENCH --force --mode devdax --align $aligns --runs $runs \
		-o "$RB_OUT/c2.json" $ns
check_doc c2 "$RB_OUT/c2.json" "$n" $((n * (runs + 1)))
t_is "C: devdax configurations carry the requested aligns" \
	"$(json '[.configurations[].target | "\(.mode)/\(.align)"] |
		join(" ")' "$RB_OUT/c2.json")" \
	"$(echo $aligns | sed 's/4K/devdax\/4096/; s/2M/devdax\/2097152/;
		s/1G/devdax\/1073741824/; s/,/ /g')"
t_is "C: nr_pages identical within each configuration" \
	"$(json '[.configurations[] | [(.cold // empty), .samples[] |
		.nr_pages] | unique | length] | unique | .[]' \
		"$RB_OUT/c2.json")" 1
t_is "C: back to fsdax map=dev after devdax" "$(snapshot_by_type)" "$before"

if [ "$RB_SIZE" = 1G ]; then
	# A matrix whose last entry cannot fit is refused before its first
	# entry reconfigures anything.
	before=$(snapshot)
	flags=$(dyndbg_memmap_flags)
	dyndbg_memmap on
	kmsg_mark bad
	$BENCH --force --mode devdax --align 4K,1G --runs 1 \
		-o "$RB_OUT/bad.json" $ns 2>"$RB_OUT/bad.err"
	t_is "C: --align 4K,1G on 1G refused: it does not fit (exit 6)" $? 6
	t_is "C: ... with one line" "$(grep -c '' "$RB_OUT/bad.err")" 1
	t_like "C: ... naming the entry" "$(cat "$RB_OUT/bad.err")" \
		'devdax map=dev align 1G does not fit in 1G'
	t_is "C: ... before any bind (no memmap line)" \
		"$(memmap_pages_since bad | wc -l)" 0
	[ "$flags" = "=_" ] && dyndbg_memmap off
	t_is "C: ... and the namespace untouched" "$(snapshot)" "$before"
fi
;;

signals)
# --- D: SIGINT mid-run ------------------------------------------------------
# interrupt NAME SIGNAL: a long run of $ns, SIGNAL after its third memmap
# line; its exit status in $rc.
interrupt()
{
	kmsg_mark "$1"
	$BENCH --runs 100000 -o "$RB_OUT/$1.json" $ns 2>"$RB_OUT/$1.err" &
	pid=$!
	wait_memmap_lines "$1" 3
	kill -"$2" $pid
	wait $pid
	rc=$?
}
before=$(snapshot)
interrupt d INT
t_is "D: SIGINT exits with status 5 (interrupted)" "$rc" 5
t_is "D: the partial document is marked incomplete" \
	"$(json '"\(.complete) \(.configurations[0].complete)"' \
		"$RB_OUT/d.json")" "false false"
t_like "D: it holds the samples taken so far" \
	"$(json '.configurations[0].samples | length' "$RB_OUT/d.json")" \
	'^[1-9][0-9]*$'
t_is "D: namespace, bindings, dyndbg, tracefs restored" "$(snapshot)" \
	"$before"

# --- E: SIGKILL mid-run, repaired by the next invocation --------------------
interrupt e KILL
t_like "E: the killed run left its state record" \
	"$(ls $STATEDIR)" "$ns.json"
t_is "E: ... in $STATEDIR, none in $RUNDIR (the locks)" \
	"$(ls $RUNDIR | grep -c '\.json$')" 0
t_diag "$(cat $STATEDIR/$ns.json)"
$BENCH --runs 2 -o "$RB_OUT/e2.json" $ns 2>"$RB_OUT/e2.err"
t_is "E: the next run repairs it and runs" "$?" 0
t_like "E: ... saying so" "$(cat "$RB_OUT/e2.err")" "was killed"
t_is "E: everything as before the killed run" "$(snapshot)" "$before"
;;
auto)
# --- F: --runs auto ---------------------------------------------------------
# rel_halfwidths: "k rel" for each prefix k >= 2 of the values on stdin:
# the 95% t-interval's half-width over the mean, by hand (t of df 1..40
# from printed tables; busybox awk has no sqrt: Newton's method).
rel_halfwidths()
{
	awk 'function sq(v,  r, i) {
		if (v <= 0) return 0
		r = v > 1 ? v : 1
		for (i = 0; i < 100; i++) r = (r + v / r) / 2
		return r
	}
	BEGIN { split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 " \
		"2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 " \
		"2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 " \
		"2.052 2.048 2.045 2.042 2.040 2.037 2.035 2.032 2.030 " \
		"2.028 2.026 2.024 2.023 2.021", t, " ") }
	{ x[NR] = $1 }
	NR >= 2 { s = 0; for (i = 1; i <= NR; i++) s += x[i]; m = s / NR
		ss = 0; for (i = 1; i <= NR; i++) ss += (x[i] - m) * (x[i] - m)
		printf "%d %.9g\n", NR, t[NR - 1] * sq(ss / (NR - 1)) / sq(NR) / m }'
}
# check_auto NAME PRECISION MAX WHY: the document of --runs auto stopped
# for WHY where the rule recomputed from its samples stops, with that
# figure, each sample one dmesg line, and the summary saying so.
check_auto()
{
	_doc="$RB_OUT/$1.json"
	# one jq: each is seconds in a TCG guest on a loaded host
	json '.configurations[0] | (.settings.adaptive | .stopped, .runs,
		"\(.source) \(.min_runs) \(.max_runs) \(.confidence)",
		.achieved_precision // "none"), (.samples | length),
		.samples[].memmap_ns' \
		"$_doc" >"$RB_OUT/$1.fields"
	_runs=$(sed -n 2p "$RB_OUT/$1.fields")
	t_is "$1: stopped: $4" "$(sed -n 1p "$RB_OUT/$1.fields")" "$4"
	t_is "$1: decided on the probe pair, 5 .. $3 rebinds, 95%" \
		"$(sed -n 3p "$RB_OUT/$1.fields")" "memmap_ns 5 $3 0.95"
	t_is "$1: as many samples as the recorded runs ($_runs)" \
		"$(sed -n 5p "$RB_OUT/$1.fields")" "$_runs"
	sed 1,5d "$RB_OUT/$1.fields" | rel_halfwidths >"$RB_OUT/$1.rel"
	t_diag "$1: k rel: $(tr '\n' ' ' <"$RB_OUT/$1.rel")"
	t_is "$1: recomputed, the rule stops at the same rebind for $4" \
		"$(awk -v p="$2" -v max="$3" '$1 >= 5 && $2 <= p && !k { k = $1 }
			END { print k ? k " precision-reached" :
			NR + 1 == max ? max " max-runs-reached" : "none" }' \
			"$RB_OUT/$1.rel")" "$_runs $4"
	t_is "$1: the recorded precision is the recomputed one (0.1%)" \
		"$(awk -v got="$(sed -n 4p "$RB_OUT/$1.fields")" \
			'END { d = got - $2; if (d < 0) d = -d
			print d <= 1e-3 * $2 ? "same" : got " vs " $2 }' \
			"$RB_OUT/$1.rel")" same
	t_like "$1: the summary says why" "$(cat "$RB_OUT/$1.txt")" \
		"Runs auto: $(echo "$4" | tr - ' ') in $_runs rebinds, memmap_ns 95% CI"
	check_doc "$1" "$_doc" 1 "$_runs"
}
# A TCG guest on a loaded host: the probe's figure of one 1G bind ranges
# from its 13 ms to 500 ms (a coefficient of variation near 1), so 5% is
# out of reach in 40 rebinds there; 50% is reached within them. A quiet
# host's binds differ by microseconds: 50% at the minimum of 5, and never
# 0.0001% (under --icount they would be identical, a precision of 0).
before=$(snapshot)
t_ok "F: --runs auto --precision 50% --max-runs 40" \
	sh -c "$BENCH --runs auto --precision 50% --max-runs 40 -u \
		-o $RB_OUT/f1.json $ns >$RB_OUT/f1.txt"
check_auto f1 0.5 40 precision-reached
t_ok "F: a precision no run reaches, --max-runs 6" \
	sh -c "$BENCH --runs auto --precision 0.0001% --max-runs 6 -u \
		-o $RB_OUT/f2.json $ns >$RB_OUT/f2.txt"
check_auto f2 0.000001 6 max-runs-reached
kmsg_mark f3
$BENCH --runs auto --precision 0.0001% --max-runs 100000 \
	-o "$RB_OUT/f3.json" $ns 2>"$RB_OUT/f3.err" &
pid=$!
wait_memmap_lines f3 3
kill -INT $pid
wait $pid
t_is "F: SIGINT during --runs auto exits with status 5" "$?" 5
t_is "F: ... the document says interrupted, after as many runs as samples" \
	"$(json '.configurations[0].settings.adaptive.stopped' \
		"$RB_OUT/f3.json") $(json '.configurations[0] |
		.settings.adaptive.runs == (.samples | length)' \
		"$RB_OUT/f3.json")" "interrupted true"
t_ok "F: ... and compare reads it" $BENCH compare "$RB_OUT/f2.json" \
	"$RB_OUT/f3.json"
t_is "F: namespace, bindings, dyndbg, tracefs as before" "$(snapshot)" \
	"$before"
;;
*)
	t_bail "unknown part '$part'"
	;;
esac
t_done
