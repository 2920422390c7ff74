#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the README's main job (scripts/demo.sh) as a user would, at a small
# size, and check what it promises: for each kernel a results document per
# configuration, complete, with the cold bind and the measured rebinds,
# every sample exactly a memmap line of that guest's raw dmesg, the
# configuration what `ndctl list` said in the guest; a comparison that
# names both kernels with a verdict for both modes, and an SVG plot; an
# output a newcomer can read (no test-harness lines, each warning once,
# the emulation said, the next step), and the logs of earlier runs kept.
#
# usage: check-demo.sh BUILD_DIR RESULTS_DIR BASE NEW
#   BASE, NEW: 6.1 or 6.12 (Debian's kernels by name), or "tree": Debian's
#   6.1 laid out as a build (bzImage, .config and lib/modules/<release>/ as
#   `make modules_install INSTALL_MOD_PATH=DIR` leaves them), passed to the
#   demo as a directory.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$1" && pwd) results=$2 base=$3 new=$4
runs=5
n=0 failed=0
cache=${RB_VM_CACHE:-$build/vm-cache}

check() # DESCRIPTION COMMAND...
{
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=$((failed + 1))
	fi
}

# jq_is FILE FILTER WANT
jq_is()
{
	[ "$(jq -r "$2" "$1" 2>/dev/null)" = "$3" ]
}

# make_tree DIR: Debian's 6.1 as a build tree (hard links where possible).
make_tree()
{
	local kid root rel

	kid=$("$top/test/vm/fetch-kernel.sh" "$cache" 6.1) || return 1
	root=$cache/kernel/$kid
	rel=$(ls "$root/lib/modules")
	rm -rf "$1"
	mkdir -p "$1/lib/modules"
	cp "$root/boot/vmlinuz-$rel" "$1/bzImage"
	cp "$root/boot/config-$rel" "$1/.config"
	cp -al "$root/lib/modules/$rel" "$1/lib/modules/" 2>/dev/null ||
		cp -a "$root/lib/modules/$rel" "$1/lib/modules/"
}

# kernel_arg NAME: what the demo is given for NAME.
kernel_arg()
{
	if [ "$1" = tree ]; then
		echo "$tree"
	else
		echo "$1"
	fi
}

# release_ok NAME VM_JSON: the guest ran the kernel asked for.
release_ok()
{
	case $1 in
	tree)	jq_is "$2" .build "$tree" &&
		jq_is "$2" '.release | startswith("6.1.")' true ;;
	*)	jq_is "$2" .build null &&
		jq_is "$2" ".release | startswith(\"$1.\")" true ;;
	esac
}

# samples_in_dmesg DOC DMESG: every bind of DOC (cold, warmup, steady) is
# exactly one memmap line of the guest's raw dmesg in the run's time span:
# same printk time, nr_pages and milliseconds.
samples_in_dmesg()
{
	local doc dm lo hi

	doc=$(jq -r '.configurations[] | (.cold // empty), .warmup[]?,
		.samples[]? | "\(.kernel_ts_usec) \(.nr_pages) \(.memmap_ms)"' \
		"$1" | sort -n)
	[ -n "$doc" ] || return 1
	lo=$(echo "$doc" | head -n 1 | cut -d' ' -f1)
	hi=$(echo "$doc" | tail -n 1 | cut -d' ' -f1)
	dm=$(sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] .*memmap_init_zone_device initialised \([0-9]*\) pages in \([0-9]*\)ms.*/\1\2 \3 \4/p' \
		"$2" | awk -v lo="$lo" -v hi="$hi" \
		'$1 + 0 >= lo + 0 && $1 + 0 <= hi + 0')
	[ "$doc" = "$dm" ]
}

# config_is_listed DOC NDCTL_JSON: the measured configuration is the one
# `ndctl list -N` showed in the guest.
config_is_listed()
{
	[ "$(jq -r '.configurations[0].target |
		"\(.mode) \(.map) \(.align) \(.size)"' "$1")" = \
	  "$(jq -r '[.] | flatten | .[0] |
		"\(.mode) \(.map) \(.align) \(.size)"' "$2")" ]
}

tree=$build/vm-runs/kernel-tree
if [ "$base" = tree ] || [ "$new" = tree ]; then
	check "Debian's 6.1 laid out as a build tree" make_tree "$tree"
fi

rm -rf "$results"
# An earlier run's logs, which the demo must keep.
mkdir -p "$results/logs/20000101T000000Z"
echo earlier >"$results/logs/20000101T000000Z/marker"
output=$build/vm-runs/$(basename "$results").out
run_demo()
{
	"$top/scripts/demo.sh" --vm --build "$build" --results "$results" \
		--size 1G --runs $runs --base-kernel "$(kernel_arg "$base")" \
		--new-kernel "$(kernel_arg "$new")" >"$output" 2>&1
}
check "scripts/demo.sh runs ($base vs $new)" run_demo
sed 's/^/# /' "$output"
logs=
for d in "$results"/logs/2*/; do
	[ "$d" = "$results/logs/20000101T000000Z/" ] || logs=$d
done

for side in base new; do
	k=$base
	[ $side = new ] && k=$new
	d=$results/$side/boot1
	check "$side: the guest ran kernel $k" release_ok "$k" "$d/vm.json"
	for c in fsdax-map-dev devdax-align-2M; do
		f=$d/$c.json
		check "$side $c: results document copied to the host" test -s "$f"
		check "$side $c: complete" jq_is "$f" .complete true
		check "$side $c: one configuration with a cold bind" \
			jq_is "$f" '[.configurations[] | select(.cold)] | length' 1
		check "$side $c: $runs measured rebinds" \
			jq_is "$f" '.configurations[0].samples | length' $runs
		check "$side $c: every sample is a line of the guest's dmesg" \
			samples_in_dmesg "$f" "$logs/$side-boot1/dmesg.log"
		check "$side $c: the configuration is what ndctl list said" \
			config_is_listed "$f" "$logs/$side-boot1/$c.ndctl.json"
		check "$side $c: human summary saved" \
			grep -q 'Average of subsequent' "$d/$c.txt"
	done
	check "$side: fsdax run measured fsdax map=dev" jq_is \
		"$d/fsdax-map-dev.json" \
		'.configurations[0].target | "\(.mode) \(.map)"' "fsdax dev"
	check "$side: devdax run measured devdax align 2M" jq_is \
		"$d/devdax-align-2M.json" \
		'.configurations[0].target | "\(.mode) \(.align)"' \
		"devdax 2097152"
done

cmp=$results/comparison.json
check "comparison: JSON, text and SVG written" \
	test -s "$cmp" -a -s "$results/comparison.txt" -a \
		-s "$results/comparison.svg"
check "comparison: the SVG is an SVG" grep -q '<svg' "$results/comparison.svg"
check "comparison: a verdict for fsdax and for devdax" jq_is "$cmp" \
	'[.comparisons[] | select(.verdict | IN("improved", "regressed",
		"no_change", "within_noise")) | .target.mode] | sort |
		join(" ")' "devdax fsdax"
rel_base=$(jq -r .release "$results/base/boot1/vm.json")
rel_new=$(jq -r .release "$results/new/boot1/vm.json")
check "comparison: names the base kernel $rel_base" \
	jq_is "$cmp" .base.kernel_release "$rel_base"
check "comparison: names the new kernel $rel_new" \
	jq_is "$cmp" .new.kernel_release "$rel_new"
check "output: the comparison names both kernels" \
	grep -qxF "=== comparison: base $rel_base vs new $rel_new" "$output"
check "output: no test-harness lines" \
	test "$(grep -cE '^(not )?ok [0-9]|^1\.\.[0-9]|vm-init|run-in-vm' \
		"$output")" = 0
check "output: says once that the guest is emulated" \
	test "$(grep -c '^emulated guest (TCG): absolute times are not those of hardware' \
		"$output")" = 1
check "output: each warning once" \
	test -z "$(grep -i 'warning' "$output" | sort | uniq -d)"
check "output: ends with the next step" \
	grep -q '^Next: your own kernels: scripts/demo.sh --base-kernel' "$output"
check "the logs of an earlier run are kept" \
	test -s "$results/logs/20000101T000000Z/marker"
check "this run's logs are apart" test -s "$logs/base-boot1/vm-results.log" \
	-a -s "$logs/new-boot1/vm-results.log"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
