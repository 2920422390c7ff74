#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cost of compare's pairing: two results documents of N configurations
# each (default 20000: import-like, 7 rebinds, one page count apiece, all
# paired), compared with --format human; prints the CPU seconds
# (user + system), wall seconds and peak MiB of each of --runs runs.
# A benchmark, not a test: the README's figure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${RB_BUILD:-$top/build}
configs=20000
runs=1

while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--configs) configs=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	-h|--help)
		echo "usage: bench-configs.sh [--build DIR] [--configs N] [--runs K]"
		exit 0 ;;
	*) echo "bench-configs.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
done

[ -f "$build/build.ninja" ] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" ndctl-plugin/ndctl-rebind-bench >/dev/null
bin=$build/ndctl-plugin/ndctl-rebind-bench
T=$(mktemp -d /tmp/rb-bench-configs.XXXXXX)
trap 'rm -rf "$T"' EXIT

python3 - "$top/test/badinput/valid.json" "$configs" "$T" <<'PY'
import copy, json, sys
src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
d = json.load(open(src))
c0 = d["configurations"][0]
for c0k in ("statistics", "normalised"):
    c0.pop(c0k, None)
cfgs = []
for i in range(n):
    c = copy.deepcopy(c0)
    pages = 257536 + 512 * i
    c["target"]["expected_nr_pages"] = c["nr_pages"] = pages
    for s in [c["cold"]] + c["samples"]:
        s["nr_pages"] = pages
    cfgs.append(c)
d["configurations"] = cfgs
for side in ("base", "new"):
    json.dump(d, open("%s/%s.json" % (out, side), "w"))
PY

# rusage of the child itself, as /usr/bin/time would give it.
python3 - "$bin" "$T" "$configs" "$runs" <<'PY'
import os, sys, time
bin, d, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
print("%10s %8s %8s %9s" % ("configs", "CPU s", "wall s", "peak MiB"))
for _ in range(runs):
    t = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.execv(bin, [bin, "compare", "--format", "human",
                       d + "/base.json", d + "/new.json"])
    _, status, ru = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status):
        sys.exit("compare failed")
    print("%10d %8.2f %8.2f %9.1f" % (n, ru.ru_utime + ru.ru_stime,
                                      time.monotonic() - t,
                                      ru.ru_maxrss / 1024))
PY
