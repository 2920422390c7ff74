#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The README's test command: install what is needed, build with -Werror,
# run the unit suite plain, under ASan+UBSan and under valgrind memcheck,
# the install suite, short fuzz runs, then the guest scenarios in QEMU.
# Prints one closing line "N passed, N failed" and exits non-zero on failure.
#
# Usage: scripts/test.sh [--quick]   (--quick: unit suites only, no VM)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
quick=0
[ "${1:-}" = "--quick" ] && quick=1

"$top/scripts/install-deps.sh" || { echo "install-deps failed" >&2; exit 2; }

results=$(mktemp)
trap 'rm -f "$results"' EXIT
failed_steps=""

# Run one meson test invocation and append its per-test results.
run_suite() {
	local label=$1 dir=$2
	shift 2
	echo "=== $label"
	meson test -C "$dir" --print-errorlogs --logbase "$label" "$@"
	local rc=$?
	# meson appends the wrapper's name to the log base: take the newest.
	local log
	log=$(ls -t "$dir/meson-logs/$label"*.json 2>/dev/null | head -n 1)
	python3 "$top/scripts/count-results.py" "$label" "$log" >> "$results"
	[ $rc -eq 0 ] || failed_steps="$failed_steps $label"
}

setup() {
	local dir=$1
	shift
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" -Dwerror=true "$@" >/dev/null || return 1
	fi
	ninja -C "$dir" >/dev/null || ninja -C "$dir"
}

setup build-ci || { echo "build failed" >&2; exit 1; }
run_suite unit build-ci --suite unit
run_suite install build-ci --suite install

setup build-san -Db_sanitize=address,undefined -Db_lundef=false || exit 1
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	run_suite unit-asan-ubsan build-san --suite unit

run_suite unit-memcheck build-ci --suite memcheck \
	--wrapper "valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"

if [ -x "$top/test/fuzz/run-fuzz.sh" ]; then
	"$top/test/fuzz/run-fuzz.sh" --seconds "${RB_FUZZ_SECONDS:-20}" \
		>> "$results" || failed_steps="$failed_steps fuzz"
fi

if [ $quick -eq 0 ]; then
	# Each guest is one TCG thread: run one per core, at most 4 (the
	# NVDIMM backing files live in /dev/shm).
	vms=$(nproc)
	[ "$vms" -gt 4 ] && vms=4
	run_suite vm build-ci --suite vm --num-processes "$vms"
fi

python3 "$top/scripts/count-results.py" --total "$results"
if [ -n "$failed_steps" ]; then
	echo "failed steps:$failed_steps" >&2
	exit 1
fi
exit 0
