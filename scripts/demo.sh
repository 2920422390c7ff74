#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main job: install what is needed, build, and run the real
# benchmark (fsdax map=dev and devdax align=2M, 30 rebinds each).
#
# Without pmem on this machine it boots Debian's kernel in QEMU with a 4 GiB
# emulated NVDIMM and runs the benchmark there.  With pmem it never touches a
# namespace unless named on the command line together with --force, since
# reconfiguring a namespace destroys its data.
#
# usage: scripts/demo.sh [--runs N] [--results DIR] [--build DIR] [--vm]
#                        [--force NAMESPACE...]
#   --runs N       measured rebinds per configuration (default 30)
#   --results DIR  where the JSON results and summaries go
#                  (default ./rebind-bench-results)
#   --build DIR    meson build directory (default <source>/build)
#   --vm           use the VM even if this machine has pmem
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=30
results=$PWD/rebind-bench-results
build=$top/build
use_vm=0
force=0

die()
{
	echo "demo: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs)		runs=${2:?}; shift 2 ;;
	--results)	results=${2:?}; shift 2 ;;
	--build)	build=${2:?}; shift 2 ;;
	--vm)		use_vm=1; shift ;;
	--force)	force=1; shift ;;
	-h|--help)	sed -n '/^# usage/,/^set /p' "$0" | sed '$d; s/^# \?//'
			exit 0 ;;
	-*)		die "unknown option $1 (see --help)" ;;
	*)		break ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number"

"$top/scripts/install-deps.sh" || die "installing dependencies failed"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" >/dev/null || die "meson setup failed"
fi
ninja -C "$build" >/dev/null || ninja -C "$build" || die "build failed"
bench=$build/ndctl-plugin/ndctl-rebind-bench

# The two configurations of the demo, as ndctl-rebind-bench options.
configs=("fsdax-map-dev:--mode fsdax --map dev"
	"devdax-align-2M:--mode devdax --align 2M")

host_has_pmem()
{
	compgen -G '/sys/bus/nd/devices/region*' >/dev/null ||
		[ -n "$(ndctl list -R 2>/dev/null)" ]
}

if [ "$use_vm" = 0 ] && host_has_pmem; then
	if [ $# = 0 ] || [ "$force" = 0 ]; then
		echo "demo: this machine has pmem; the demo would run, for"
		echo "each namespace you name (its data is destroyed):"
		for c in "${configs[@]}"; do
			echo "  $bench --force ${c#*:} --runs $runs" \
				"--output $results/${c%%:*}.json NAMESPACE..."
		done
		echo "Namespaces here:"
		ndctl list -N
		echo "Run: scripts/demo.sh --force NAMESPACE...  (or --vm)"
		exit 2
	fi
	mkdir -p "$results"
	for c in "${configs[@]}"; do
		# shellcheck disable=SC2086 # the options are words
		"$bench" --force ${c#*:} --runs "$runs" \
			--output "$results/${c%%:*}.json" "$@" 2>&1 |
			tee "$results/${c%%:*}.txt"
	done
	echo "demo: results in $results"
	exit 0
fi

[ $# = 0 ] || die "no namespace arguments in the VM (it has namespace0.0)"
echo "demo: no pmem here; booting a VM with a 4 GiB emulated NVDIMM" >&2
out=$build/vm-runs/demo
set +e
"$top/test/vm/run-in-vm.sh" --build "$build" --pmem nvdimm --size 4G \
	--timeout 600 --out "$out" -- guest-demo.sh "$runs"
rc=$?
set -e
mkdir -p "$results"
for c in "${configs[@]}"; do
	for f in "$out/${c%%:*}.json" "$out/${c%%:*}.txt"; do
		[ -f "$f" ] && cp "$f" "$results/"
	done
done
[ "$rc" = 0 ] || die "the benchmark in the VM failed (logs: $out)"
echo "demo: results in $results:"
ls -l "$results"
