#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-fuzz.sh [--seconds N] [--build-dir DIR] [--parallel] [--keep-going]
#             [NAME...]
#
# Build the libFuzzer harnesses (clang -fsanitize=fuzzer,address,undefined)
# against lib/ in their own meson build directory (test/fuzz/meson.build
# defines them when c_args carry -fsanitize=fuzzer-no-link) and run each
# for N seconds (default 30). NAME is klog, import or load; all three by default.
# --keep-going (for long runs) fuzzes on after a crash (libFuzzer's fork
# mode), so that one run reports every distinct crash it finds.
#
# stdout carries only the result lines scripts/test.sh appends to its
# results file, one per harness:  fuzz-<name> <passed 0|1> <failed 0|1> 0
# Everything else (build output, fuzzer statistics, CPU time) goes to stderr.
# A crashing input is kept as <build-dir>/fuzz/crashes-<name>/crash-<sha1>;
# the exit status is non-zero when any harness failed to build or crashed.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=30
bdir="$top/build-fuzz"
parallel=0
keep_going=()
names=()

while [ $# -gt 0 ]; do
	case "$1" in
	--seconds)
		seconds=${2:?--seconds needs a value}
		shift 2
		;;
	--seconds=*)
		seconds=${1#--seconds=}
		shift
		;;
	--build-dir)
		bdir=${2:?--build-dir needs a value}
		shift 2
		;;
	--parallel)
		parallel=1
		shift
		;;
	--keep-going)
		keep_going=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1
			-ignore_ooms=1)
		shift
		;;
	klog | import | load)
		names+=("$1")
		shift
		;;
	*)
		echo "run-fuzz: unknown argument '$1'" >&2
		exit 2
		;;
	esac
done
case "$seconds" in
'' | *[!0-9]*)
	echo "run-fuzz: --seconds wants a whole number" >&2
	exit 2
	;;
esac
[ ${#names[@]} -eq 0 ] && names=(klog import load)

fdir="$bdir/fuzz"
mkdir -p "$fdir"

# Coverage instrumentation for lib/ without libFuzzer's main(); UBSan must
# abort so that libFuzzer sees the report as a crash.
san_args="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all"
san_args+=" -fno-omit-frame-pointer"

build_lib()
{
	if [ ! -f "$bdir/build.ninja" ]; then
		CC=clang meson setup "$bdir" "$top" \
			-Dbuildtype=debugoptimized \
			-Db_sanitize=address,undefined -Db_lundef=false \
			-Dc_args="$san_args" >&2 || return 1
	fi
	ninja -C "$bdir" lib/librebind-bench.a >&2
}

build_harness()
{
	ninja -C "$bdir" "test/fuzz/fuzz-$1" >&2 &&
		ln -sf "$bdir/test/fuzz/fuzz-$1" "$fdir/fuzz-$1"
}

# Seeds: the harness's own hand-made inputs plus the matching fixtures
# (kernel logs for klog/import, results documents for load). fuzz-import
# reads its options from the first byte: 0x02 is HZ=250, lines grouped by
# the import's own rule.
seed_corpus()
{
	local name=$1 corpus=$2 f base

	mkdir -p "$corpus"
	for f in "$top/test/fuzz/seeds/$name"/* "$top/test/fixtures"/* \
		"$top/test/fixtures"/*/*; do
		[ -f "$f" ] || continue
		case "$name:$f" in
		*/seeds/*) base=seed-$(basename "$f") ;;
		load:*.json | klog:*.log | klog:*.kmsg | klog:*.txt | \
		import:*.log | import:*.kmsg | import:*.txt)
			base=fixture-$(basename "$f")
			;;
		*) continue ;;
		esac
		if [ "$name" = import ]; then
			{ printf '\002'; cat "$f"; } >"$corpus/$base"
		else
			cp -f "$f" "$corpus/$base"
		fi
	done
}

# Run one harness; prints its result line and returns 0 if it survived.
run_one()
{
	local name=$1
	local corpus="$fdir/corpus-$name" crashes="$fdir/crashes-$name"
	local log="$fdir/fuzz-$name.log" rc cpu dict=klog f

	[ "$name" = load ] && dict=load

	seed_corpus "$name" "$corpus"
	# Inputs that crashed an earlier run stay in the corpus as regression
	# tests; this run's verdict is about what it finds itself.
	mkdir -p "$crashes" "$fdir/old-crashes-$name"
	for f in "$crashes"/*; do
		[ -f "$f" ] || continue
		cp -f "$f" "$corpus/"
		mv -f "$f" "$fdir/old-crashes-$name/"
	done
	# -close_fd_mask=3: the code under test prints one error line per
	# bad input; libFuzzer keeps its own and the sanitizers' reports.
	TIMEFORMAT='%U %S'
	cpu=$( { time "$fdir/fuzz-$name" "$corpus" \
		-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-max_len=65536 -close_fd_mask=3 -print_final_stats=1 \
		-dict="$top/test/fuzz/$dict.dict" \
		-artifact_prefix="$crashes/" "${keep_going[@]}" >"$log" 2>&1; \
		echo "rc=$?" >"$log.rc"; } 2>&1 )
	rc=$(sed -n 's/^rc=//p' "$log.rc")
	rm -f "$log.rc"
	{
		echo "fuzz-$name: exit $rc, cpu user+sys ${cpu// /+} s," \
			"$(grep -c . <(ls "$corpus")) corpus files"
		grep -E '^stat::(number_of_exec|peak_rss|new_units)' "$log" |
			tr '\n' ' '
		echo
	} >&2
	if [ "$rc" = 0 ] && [ -z "$(ls -A "$crashes")" ]; then
		echo "fuzz-$name 1 0 0"
		return 0
	fi
	echo "run-fuzz: fuzz-$name failed (exit $rc); log $log," \
		"inputs in $crashes" >&2
	grep -m 5 -E 'ERROR|SUMMARY|runtime error' "$log" >&2
	echo "fuzz-$name 0 1 0"
	return 1
}

status=0
if ! build_lib; then
	echo "run-fuzz: building lib/ with clang failed" >&2
	for n in "${names[@]}"; do
		echo "fuzz-$n 0 1 0"
	done
	exit 1
fi

runnable=()
for n in "${names[@]}"; do
	if build_harness "$n"; then
		runnable+=("$n")
	else
		echo "run-fuzz: building fuzz-$n failed" >&2
		echo "fuzz-$n 0 1 0"
		status=1
	fi
done

if [ $parallel -eq 1 ]; then
	pids=()
	for n in "${runnable[@]}"; do
		run_one "$n" >"$fdir/result-$n" &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do
		wait "${pids[$i]}" || status=1
		cat "$fdir/result-${runnable[$i]}"
	done
else
	for n in "${runnable[@]}"; do
		run_one "$n" || status=1
	done
fi
exit $status
