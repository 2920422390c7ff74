# SPDX-License-Identifier: GPL-2.0
#
# --breakdown in the guest: kprobe pairs on the bind path's once-per-range
# functions (memremap_pages > pagemap_range > arch_add_memory,
# move_pfn_range_to_zone, memmap_init_zone_device). Parts (the argument):
#   fsdax     fsdax map=dev (nd_pmem), then compare of it
#   devdax    devdax align=2M (dax_pmem), then a SIGKILL mid-run
# In both the functions this kernel has are probed and the others named
# in breakdown_missing; per sample each function's time is within the
# bind, a child's within its parent's and the siblings' sum too, calls =
# ranges, share = ns / bind_ns, memmap_init_zone_device agrees with the
# existing pair and (with --icount) the kernel line; compare prints the
# tree in text and JSON; the probes are gone after the run, also after a
# SIGKILL once the next run has repaired it.
#   overhead  memmap and bind times with and without --breakdown,
#             alternating (reported only, for the README).
. "$RB_LIB"

BENCH=ndctl-rebind-bench
require_tool $BENCH
mount_tracefs

part=${1:-fsdax}
ns=namespace0.0
cd "$RB_OUT" || t_bail "no output directory"
t_ok "set up $ns as fsdax map=dev" \
	ndctl create-namespace -f -e $ns -m fsdax -M dev

# The set in tree order, and what this kernel has of it (a static
# function the compiler inlined has no symbol).
all="memremap_pages pagemap_range arch_add_memory move_pfn_range_to_zone memmap_init_zone_device"
have= absent=
for f in $all; do
	if grep -qE " [tT] $f(\.isra\.[0-9]+|\.constprop\.[0-9]+)?\$" \
		/proc/kallsyms; then
		have="$have $f"
	else
		absent="$absent $f"
	fi
done
have=${have# } absent=${absent# }
t_diag "probed: $have; not a symbol: ${absent:-none}"

# bd_checks NAME DOC: the per-sample checks. One jq pass (jq is slow in
# an emulated guest) prints one value per line, in the order of the
# t_is lines below; counts are of binds or functions breaking the rule.
bd_checks()
{
	_n=$1 _d=$2
	jq -r '
	def binds: .configurations[] | (.cold // empty), .warmup[]?,
		.samples[]?;
	def count(f): [f] | length;
	([.configurations[].settings.breakdown | join(" ")] | unique |
		join("|")),
	([.configurations[] | [.breakdown_missing[]?.function] |
		join(" ")] | unique | join("|")),
	([binds | .breakdown // {} | keys_unsorted | join(" ")] | unique |
		join("|")),
	count(binds | .nr_ranges as $r | .breakdown[] | select(.calls != $r)),
	count(binds | .bind_ns as $b | .breakdown[] |
		select(.ns <= 0 or .ns > $b)),
	count(binds | .bind_ns as $b | .breakdown[] |
		select((.share - .ns / $b) | fabs > 1e-5)),
	count(binds | .breakdown | select(.pagemap_range != null and
		.pagemap_range.ns > .memremap_pages.ns)),
	# The siblings parent: pagemap_range, else memremap_pages.
	count(binds | .breakdown |
		(.pagemap_range // .memremap_pages).ns as $p |
		[.arch_add_memory.ns, .move_pfn_range_to_zone.ns,
		 .memmap_init_zone_device.ns] as $c |
		select(($c | max) > $p or ($c | add) > $p)),
	count(binds | select((.breakdown.memmap_init_zone_device.ns -
		.memmap_ns) | fabs > 1e6)),
	([.. | objects | .warnings? // empty | .[].id |
		select(startswith("probe-") or startswith("breakdown-"))] |
		join(" "))' "$_d" >"$_n.bd-checks"
	_v() { sed -n "${1}p" "$_n.bd-checks"; }
	t_is "$_n: settings.breakdown is what kallsyms has" "$(_v 1)" "$have"
	t_is "$_n: breakdown_missing names the others" "$(_v 2)" "$absent"
	t_is "$_n: every bind has a breakdown of exactly those functions" \
		"$(_v 3)" "$have"
	t_is "$_n: every function called once per range in every bind" \
		"$(_v 4)" 0
	t_is "$_n: every function's time is within the bind's" "$(_v 5)" 0
	t_is "$_n: share = ns / bind_ns for every function and bind" \
		"$(_v 6)" 0
	t_is "$_n: pagemap_range (if probed) within memremap_pages" \
		"$(_v 7)" 0
	t_is "$_n: each sibling, and their sum, within their parent" \
		"$(_v 8)" 0
	t_is "$_n: memmap_init_zone_device's pair agrees with the memmap probe (1 ms)" \
		"$(_v 9)" 0
	t_is "$_n: no probe or breakdown warnings" "$(_v 10)" ""
	jq -r '.configurations[] | (.cold // empty), .warmup[]?, .samples[]? |
		.breakdown.memmap_init_zone_device.ns / 1e6 - .memmap_ms' \
		"$_d" >"$_n.bd-kmsg"
	t_diag "$_n: breakdown - kmsg ms: $(tr '\n' ' ' <"$_n.bd-kmsg")"
	if grep -qw rb_clock=icount /proc/cmdline; then
		t_is "$_n: ... and with the kernel line within 1000/HZ + 1 ms" \
			"$(jiffy_misses "$_n.bd-kmsg" "$_d")" 0
	fi
}

# bd_gone NAME: no kprobe event, instance or record of the tool is left.
bd_gone()
{
	t_is "$1: no rebind_bench kprobe left in kprobe_events" \
		"$(grep -c rebind_bench $TRACING/kprobe_events)" 0
	t_is "$1: no rebind_bench trace instance left" \
		"$(ls $TRACING/instances | grep -c rebind_bench)" 0
}

case $part in
fsdax)
before=$(snapshot_by_type)
t_ok "fsdax: --breakdown, 1 warmup + 2 rebinds" \
	$BENCH --breakdown --warmup 1 --runs 2 -o fsdax.json $ns
check_doc fsdax fsdax.json 1 3
t_is "fsdax: the rebound driver is nd_pmem" \
	"$(json '.configurations[0].target.driver' fsdax.json)" nd_pmem
bd_checks fsdax fsdax.json
bd_gone fsdax
t_is "fsdax: helpers as before" "$(snapshot_by_type)" "$before"

# compare: the shares of both sides as a tree, in text and JSON.
t_ok "compare fsdax fsdax (JSON)" \
	sh -c "$BENCH compare fsdax.json fsdax.json >cmp.json"
t_is "compare JSON: one function entry per probed function, in order" \
	"$(json '[.comparisons[0].breakdown.functions[].function] |
		join(" ")' cmp.json)" "$have"
t_is "compare JSON: parents follow the tree" \
	"$(json '[.comparisons[0].breakdown.functions[] | .parent // "-"] |
		join(" ")' cmp.json)" \
	"$(for f in $have; do
		case $f in
		memremap_pages) echo - ;;
		pagemap_range) echo memremap_pages ;;
		*) echo "$have" | grep -qw pagemap_range &&
			echo pagemap_range || echo memremap_pages ;;
		esac
	done | tr '\n' ' ' | sed 's/ $//')"
t_is "compare JSON: base share = mean of the samples' shares" \
	"$(json '.comparisons[0].breakdown.functions[0].base.share * 1e4 |
		round' cmp.json)" \
	"$(json '[.configurations[0].samples[].breakdown.memremap_pages.share] |
		add / length * 1e4 | round' fsdax.json)"
t_like "compare JSON: says nesting is not additive" \
	"$(json '.comparisons[0].breakdown.nesting' cmp.json)" "not additive"
t_ok "compare fsdax fsdax (text)" \
	sh -c "$BENCH compare --format human fsdax.json fsdax.json >cmp.txt"
t_like "compare text: the breakdown heading and the nesting note" \
	"$(grep -A1 'breakdown:' cmp.txt | tr '\n' ' ')" "not additive"
t_like "compare text: a child indented under memremap_pages" \
	"$(grep -E '^ +memmap_init_zone_device +[0-9 .]+%' cmp.txt)" \
	'^      +memmap_init_zone_device +[0-9.]+% '
t_diag "$(grep -A7 'breakdown:' cmp.txt | head -n 8)"
;;

devdax)
before=$(snapshot_by_type)
t_ok "devdax: --breakdown --mode devdax --align 2M, 2 rebinds" \
	$BENCH --breakdown --force --mode devdax --align 2M --runs 2 \
		-o devdax.json $ns
check_doc devdax devdax.json 1 3
t_is "devdax: the rebound driver is dax_pmem" \
	"$(json '.configurations[0].target.driver' devdax.json)" dax_pmem
bd_checks devdax devdax.json
bd_gone devdax
t_is "fsdax map=dev again, helpers as before" "$(snapshot_by_type)" \
	"$before"

# SIGKILL mid-run: the probes stay until the next run repairs the record.
kmsg_mark kill
$BENCH --breakdown --runs 100000 -o killed.json $ns 2>killed.err &
pid=$!
wait_memmap_lines kill 2
kill -KILL $pid
wait $pid
t_like "SIGKILL: the killed run left its breakdown kprobes" \
	"$(grep -c 'bd_memremap_pages_entry' $TRACING/kprobe_events)" '^[1-9]'
t_ok "SIGKILL: the next run repairs and runs" \
	$BENCH --runs 1 -o after.json $ns
bd_gone "SIGKILL: after the repair"
t_is "SIGKILL: everything as before" "$(snapshot_by_type)" "$before"
;;

overhead)
# Alternate runs without and with --breakdown: their memmap (probe) and
# bind means, reported for the README.
for i in 1 2 3; do
	for m in plain breakdown; do
		opt=
		[ $m = breakdown ] && opt=--breakdown
		t_ok "overhead: $m run $i, 10 rebinds" \
			$BENCH $opt --runs 10 -o "$m-$i.json" $ns
		t_diag "$m $i: $(json '.configurations[0] |
			"memmap \(.statistics.memmap_ns.mean / 1e6) ms, bind \(.statistics.bind_ns.mean / 1e6) ms"' "$m-$i.json")"
	done
done
for m in plain breakdown; do
	t_diag "$m, all: $(cat "$m"-*.json | jq -s -r '[.[].configurations[0].samples[]] |
		"memmap \([.[].memmap_ns] | add / length / 1e6) ms, bind \([.[].bind_ns] | add / length / 1e6) ms, n \(length)"')"
done
bd_gone overhead
;;
*)
	t_bail "unknown part '$part'"
	;;
esac
t_done
