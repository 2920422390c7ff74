#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of compare's statistics for one timing source (Mann-Whitney,
# Hodges-Lehmann with its interval, Fieller, Welch on logs, verdict,
# minimum detectable change) at 10^3 .. 10^6 samples a side: CPU seconds
# and peak memory of test/unit/bench-compare, one process per size, and
# the time over n log2 n, which stays flat when the cost is n log n.
# A benchmark, not a test: it prints a table (the README's figures).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${RB_BUILD:-$top/build}
sizes="1000 10000 100000 1000000"

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--sizes) sizes=$2; shift 2 ;;
	-h|--help)
		echo "usage: bench-compare.sh [--build DIR] [--sizes \"N...\"]"
		exit 0 ;;
	*) echo "bench-compare.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" test/unit/bench-compare >/dev/null
bin=$build/test/unit/bench-compare

printf '%10s %10s %12s %12s %16s  %s\n' "n a side" "CPU s" "peak MiB" \
	"input MiB" "ns / (n log2 n)" "verdict"
for n in $sizes; do
	read -r nn secs kib in_kib verdict _ < <("$bin" "$n")
	awk -v n="$nn" -v s="$secs" -v k="$kib" -v i="$in_kib" -v v="$verdict" \
		'BEGIN { printf "%10d %10.3f %12.1f %12.1f %16.2f  %s\n",
			 n, s, k / 1024, i / 1024,
			 s * 1e9 / (2 * n * log(2 * n) / log(2)), v }'
done
