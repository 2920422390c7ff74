# SPDX-License-Identifier: GPL-2.0
#
# compare end to end on real runs: two live runs of the same configuration
# (an A/A pair), the raw kernel log of the same binds through import, and a
# map=mem run that compare must refuse to pair with map=dev. The oracles
# are jq over the results documents and the raw dmesg lines.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

ND=ndctl-rebind-bench
RUNS=8
cd "$RB_OUT" || t_bail "no output directory"

flags=$(dyndbg_memmap_flags)
t_ok "reconfigure namespace0.0 to fsdax map=dev" \
	ndctl create-namespace -f -e namespace0.0 -m fsdax -M dev
[ "$flags" = "=_" ] && dyndbg_memmap on

kmsg_mark runs
t_ok "run A: $RUNS rebinds" $ND --runs $RUNS -o a.json namespace0.0
t_ok "run B: $RUNS rebinds" $ND --runs $RUNS -o b.json namespace0.0
[ "$flags" = "=_" ] && dyndbg_memmap off
kmsg_since runs >runs-dmesg.txt
lines=$(memmap_pages_since runs | wc -l)
t_is "the kernel logged one memmap line per rebind" "$lines" $((2 * RUNS))

# A/A: the tool's statistics against jq's own arithmetic on the samples.
t_ok "compare A B" sh -c "$ND compare a.json b.json >ab.json"
t_is "one configuration paired" \
	"$(json '.comparisons | length' ab.json)" 1
for src in memmap_ns memmap_ms bind_ns; do
	t_is "$src: n = $RUNS per side" \
		"$(json ".comparisons[0].sources.$src |
			\"\(.base.n) \(.new.n)\"" ab.json)" "$RUNS $RUNS"
	t_is "$src: base mean equals the mean of A's samples" \
		"$(json ".comparisons[0].sources.$src.base.mean | floor" \
			ab.json)" \
		"$(json "[.configurations[0].samples[].$src] | add / length |
			floor" a.json)"
	t_like "$src: a verdict" \
		"$(json ".comparisons[0].sources.$src.verdict" ab.json)" \
		'^(improved|regressed|no_change|within_noise)$'
done
$ND compare --format commit a.json b.json >ab.txt
t_is "commit text fits 75 columns" \
	"$(awk 'length > 75' ab.txt | wc -l)" 0
t_like "commit text in the series' words" \
	"$(cat ab.txt)" 'Average of subsequent rebinds'

# import of the raw log of the same binds: the same kernel figures.
t_ok "import the dmesg of both runs" \
	sh -c "$ND import runs-dmesg.txt >imp.json"
t_is "import: every memmap line is a bind (cold + steady)" \
	"$(json '[.configurations[] | (.cold // empty), .samples[]] |
		length' imp.json)" "$lines"
t_is "import: the kernel figures are the live runs' ones" \
	"$(json '[.configurations[] | (.cold // empty), .samples[] |
		.memmap_ms] | add' imp.json)" \
	"$(jq -s '[.[].configurations[].samples[].memmap_ms] | add' \
		a.json b.json)"
t_ok "compare import vs live run B" \
	sh -c "$ND compare imp.json b.json >ib.json"
t_is "import vs live: the memmap_ms source is compared" \
	"$(json '.comparisons[0].sources.memmap_ms.base.n' ib.json)" \
	$((2 * RUNS - 1))

# A different geometry is refused, naming what differs.
t_ok "run M: map=mem" \
	$ND --force --mode fsdax --map mem --runs 3 -o m.json namespace0.0
t_is "the namespace is back to map=dev" \
	"$(ndctl list -n namespace0.0 | json '.[0].map // .map')" dev
$ND compare a.json m.json >am.json 2>am.err
t_is "map=dev vs map=mem: refused with exit 2" "$?" 2
t_is "nothing on stdout" "$(wc -c <am.json)" 0
t_like "the refusal names the map" "$(cat am.err)" 'map dev vs mem'
t_is "one error line" "$(wc -l <am.err)" 1

t_done
