#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Cycle time of a measured rebind: ndctl-rebind-bench against the raw sysfs
# floor and an ndctl shell loop, in the VM (emulated NVDIMMs of 1, 4 and
# 16 GiB, fsdax map=dev and devdax align=2M); see doc/speed.md.  How the
# cost grows with the work: per size, the memmap time, the bind time and
# the tool's own time per cycle over the raw sysfs floor.  The series'
# 100 GiB is a separate step (--sizes 100G: about 4.3 GiB of free memory
# and 4.1 GiB free in /dev/shm, and some 10 minutes under TCG).  A benchmark,
# not a test: it prints tables and fails only when a VM or a guest check
# fails.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

usage()
{
	cat <<USAGE
usage: bench-speed.sh [--build DIR] [--runs N] [--modes LIST] [--no-diag]
                      [--timeout S] [--icount] [--sizes LIST]
                      [--kernel K] [--methods LIST] [--results DIR]

  --build DIR    meson build directory, set up when missing
                 (default \$RB_BUILD or SRC/build-bench)
  --runs N       measured rebinds per method and mode (default 20, >= 10)
  --modes LIST   fsdax,devdax (default both; one VM each)
  --sizes LIST   NVDIMM sizes (default 1G,4G,16G; 100G as its own step)
  --kernel K     the guest kernel, as run-in-vm.sh --kernel (default 6.1)
  --methods LIST guest-speed.sh methods per VM (default all; floor-c,tool
                 is enough for the growth table and quicker at 100G)
  --no-diag      skip the third VM (system-call breakdown of a tool cycle,
                 kernel time with and without the kprobe pair)
  --timeout S    per VM at 4G (default 240; TCG on a busy host is slow),
                 scaled with the size
  --icount       guest time from the instruction count at a fixed 8 ns
                 per instruction (run-in-vm.sh --icount-shift 3): cycle
                 times in emulated time, which the host's load does not
                 stretch; the tool/floor ratio then compares work done,
                 not the luck of scheduling

Results: RESULTS/speed-{fsdax,devdax}-SIZE/ and speed-diag/ (--results,
default DIR/vm-runs), the tables on stdout.
USAGE
}

build=${RB_BUILD:-$top/build-bench}
runs=20
modes=fsdax,devdax
sizes=1G,4G,16G
diag=1
timeout=240
icount=()
kernel=6.1
methods=
results=
while [ $# -gt 0 ]; do
	case $1 in
	--build)	build=${2:?}; shift 2 ;;
	--runs)		runs=${2:?}; shift 2 ;;
	--modes)	modes=${2:?}; shift 2 ;;
	--sizes)	sizes=${2:?}; shift 2 ;;
	--no-diag)	diag=0; shift ;;
	--timeout)	timeout=${2:?}; shift 2 ;;
	--icount)	icount=(--icount-shift 3); shift ;;
	--kernel)	kernel=${2:?}; shift 2 ;;
	--methods)	methods=${2:?}; shift 2 ;;
	--results)	results=${2:?}; shift 2 ;;
	-h|--help)	usage; exit 0 ;;
	*)		usage >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]+$ ]] || { usage >&2; exit 2; }
[[ $sizes =~ ^[1-9][0-9]*G(,[1-9][0-9]*G)*$ ]] || { usage >&2; exit 2; }
[[ $methods =~ ^([a-z-]+(,[a-z-]+)*)?$ ]] || { usage >&2; exit 2; }

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" -Dwerror=true >/dev/null
fi
ninja -C "$build" ndctl-plugin/ndctl-rebind-bench test/vm/rb-speed-floor \
	>/dev/null
build=$(cd "$build" && pwd)
results=${results:-$build/vm-runs}
mkdir -p "$results"
results=$(cd "$results" && pwd)

vm()		# NAME SIZE GUEST-ARGS...
{
	local name=$1 size=$2 gib=${2%G}

	shift 2
	"$top/test/vm/run-in-vm.sh" --build "$build" --size "$size" \
		--kernel "$kernel" "${icount[@]}" --timeout $((timeout + timeout * gib / 8)) \
		--out "$results/speed-$name" \
		-- guest-speed.sh "$@" >"$results/speed-$name.tap" || {
		echo "bench-speed: the $name VM failed;" \
			"see $results/speed-$name.tap" >&2
		return 1
	}
}

dirs=()
for size in ${sizes//,/ }; do
	for m in ${modes//,/ }; do
		# shellcheck disable=SC2086 # the methods are words
		vm "$m-$size" "$size" "$m" "$runs" ${methods//,/ }
		dirs+=("$results/speed-$m-$size")
	done
done
if [ "$diag" = 1 ]; then
	vm diag 4G fsdax "$runs" trace probe-ab
	dirs+=("$results/speed-diag")
fi

python3 - "${dirs[@]}" <<'PY'
import collections
import json
import math
import os
import re
import sys

METHODS = ["floor-c", "floor-sh", "tool", "tool-ns", "tool-wall", "tool-kmsg",
           "tool-probe", "shell"]


def nums(path, col=0):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(l.split()[col]) for l in f if l.strip()]


def stats(v):
    n = len(v)
    if not n:
        return None
    m = sum(v) / n
    sd = math.sqrt(sum((x - m) ** 2 for x in v) / (n - 1)) if n > 1 else 0
    s = sorted(v)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return n, m, sd, med


def fmt(st, med=False):
    if not st:
        return "-"
    n, m, sd, md = st
    return "%.1f ± %.1f" % (m, sd) + (" (%.1f)" % md if med else "")


def ratio(a, b):
    """Ratio of means, with a 95% interval by the delta method."""
    if not a or not b:
        return "-"
    r = a[1] / b[1]
    se = r * math.sqrt(a[2] ** 2 / a[0] / a[1] ** 2 +
                       b[2] ** 2 / b[0] / b[1] ** 2)
    return "%.2f [%.2f, %.2f]" % (r, r - 1.96 * se, r + 1.96 * se)


def block(d, mode, m, b):
    """Steady state of one block: lines 2..k, cycles between them, and
    the own-clock rebinds they span (3..k); the first cycle of a block
    also pays for the method's start (TCG translates new code)."""
    f = os.path.join(d, "%s-%s-%d." % (mode, m, b))
    if not os.path.exists(f + "lines"):
        return None
    with open(f + "lines") as fl:
        lines = [[int(x) for x in l.split()] for l in fl if l.strip()]
    cyc = [(b2[0] - a[0]) / 1000 for a, b2 in zip(lines[1:], lines[2:])]
    return lines, cyc, nums(f + "own")[2:]


GROWTH = []


def table(d, mode, size):
    p = lambda m, ext: os.path.join(d, "%s-%s.%s" % (mode, m, ext))
    print("\n%s, %s: steady-state cycle time per rebind (ms)" % (mode, size))
    print("%-9s %3s %-23s %-15s %-7s %-6s %-15s %-5s %s" % (
        "method", "n", "cycle mean ± σ (med)", "own clock", "outside",
        "gap", "memmap ms", "fixed", "pages"))
    cyc, mms = {}, {}
    for m in METHODS:
        blocks = [x for x in (block(d, mode, m, 1), block(d, mode, m, 2))
                  if x]
        if not blocks:
            continue
        c = stats([x for bl in blocks for x in bl[1]])
        cyc[m] = c
        own = stats([x for bl in blocks for x in bl[2]])
        # Time per cycle outside the method's own clock, per block: the
        # same rebinds on both sides, so the load's swings cancel.
        gap = "-"
        if own:
            g = [sum(bl[1]) / len(bl[1]) - sum(bl[2]) / len(bl[2])
                 for bl in blocks]
            gap = "%.1f" % (sum(g) / len(g))
        fixed = "-"
        if m.startswith("tool"):
            walls = nums(p(m, "wall-us"))
            one = nums(p(m, "one-us"))[0]
            k = len(blocks[0][0])
            out = (sum(walls) / len(walls) - one) / 1000 / (k - 1)
            fixed = "%.1fs" % (one / 1e6 - c[1] / 1000)
        else:
            out = stats(nums(p(m, "outside")))[1]
        lines = [l for bl in blocks for l in bl[0][1:]]
        mm = stats([l[2] for l in lines])
        mms[m] = mm
        pages = sorted(set(l[1] for l in lines))
        print("%-9s %3d %-23s %-15s %-7.1f %-6s %-15s %-5s %s" % (
            m, c[0], fmt(c, True), fmt(own), out, gap, fmt(mm), fixed,
            ",".join(map(str, pages))))
    if "tool" in cyc and "floor-c" in cyc:
        tb, tm, pg = [], [], set()
        for b in (1, 2):
            f = os.path.join(d, "%s-tool-%d.json" % (mode, b))
            if os.path.exists(f):
                with open(f) as fd:
                    smp = json.load(fd)["configurations"][0]["samples"]
                tb += [x["bind_ns"] / 1e6 for x in smp]
                # The kprobe pair's figure when the tool had it; the
                # kernel line's (whole jiffies) otherwise.
                tm += [x.get("memmap_ns", x["memmap_ms"] * 1e6) / 1e6
                       for x in smp]
                pg |= set(x["nr_pages"] for x in smp)
        GROWTH.append((size, mode, ",".join(map(str, sorted(pg))),
                       stats(tm), stats(tb), cyc["tool"][1] -
                       cyc["floor-c"][1], cyc["tool"][1] / cyc["floor-c"][1]))
    print("ratios of mean cycle times, 95% interval:")
    for a, b, target in (("tool", "floor-c", "<= 1.10"),
                         ("tool", "shell", "<= 0.50"),
                         ("tool-ns", "shell", ""),
                         ("floor-sh", "floor-c", "")):
        if a in cyc and b in cyc:
            print("  %-8s / %-8s %-20s %s" % (a, b, ratio(cyc[a], cyc[b]),
                  "target " + target if target else ""))


SYS = {0: "read", 1: "write", 3: "close", 8: "lseek", 21: "access",
       89: "readlink", 257: "openat", 262: "newfstatat"}
EV = re.compile(r"^\s*(\S+)-(\d+)\s+\[\d+\]\s+\S+\s+([\d.]+): (\w+): (.*)$")


def syscalls(path, comm):
    """(start, end, name, path) of each system call of @comm."""
    out, pend, opened, fds = [], None, None, {}
    for line in open(path):
        m = EV.match(line)
        if not m or not m.group(1).startswith(comm):
            continue
        ts, ev, rest = float(m.group(3)), m.group(4), m.group(5)
        if ev == "open":
            opened = re.search(r'path="([^"]*)"', rest).group(1)
        elif ev == "sys_enter":
            nr = int(rest.split()[1])
            args = re.search(r"\((.*)\)", rest).group(1).split(", ")
            pend = (nr, ts, args)
        elif ev == "sys_exit" and pend:
            nr, t0, args = pend
            pend = None
            name = SYS.get(nr, "nr%d" % nr)
            ret = int(rest.split("=")[-1])
            if name == "openat":
                target = opened or "?"
                if ret >= 0:
                    fds[ret] = target
            elif name in ("read", "write", "close", "lseek"):
                target = fds.get(int(args[0], 16), "?")
                if name == "close":
                    fds.pop(int(args[0], 16), None)
            else:
                target = ""
            out.append((t0, ts, name, re.sub(r"\d+", "N", target)))
    return out


def breakdown(path, comm, label):
    """Per cycle: total, in system calls, outside them, and the calls by
    kind; returns (cycle ms, outside ms, {(call, path): ms})."""
    ev = syscalls(path, comm)
    starts = [i for i, e in enumerate(ev)
              if e[2] == "write" and e[3].endswith("/unbind")]
    if len(starts) < 2:
        return None
    n = len(starts) - 1
    agg = collections.defaultdict(lambda: [0, 0.0])
    total = (ev[starts[-1]][0] - ev[starts[0]][0]) * 1e3 / n
    for e in ev[starts[0]:starts[-1]]:
        agg[(e[2], e[3])][0] += 1
        agg[(e[2], e[3])][1] += (e[1] - e[0]) * 1e3 / n
    insys = sum(t for _, t in agg.values())
    print("%s: %d cycles of %.1f ms: %.1f ms in system calls, %.1f ms "
          "outside them" % (label, n, total, insys, total - insys))
    for (name, target), (cnt, t) in sorted(agg.items(),
                                           key=lambda x: -x[1][1]):
        if t >= 0.2:
            print("  %4.1f x %-9s %7.2f ms  %s" % (cnt / n, name, t, target))
    return total, total - insys, {k: v[1] for k, v in agg.items()}


def compare(floor, tool):
    """What the tool does per cycle that the floor does not."""
    if not floor or not tool:
        return
    extra = sum(t for k, t in tool[2].items() if k not in floor[2])
    user = tool[1] - floor[1]
    est = (floor[0] + extra + user) / floor[0]
    print("tool - floor: %.1f ms in calls the floor does not make, %+.1f ms "
          "outside system calls;\n  on the floor's %.1f ms cycle: "
          "tool/floor ~ %.3f" % (extra, user, floor[0], est))


for d in sys.argv[1:]:
    if os.path.basename(d) == "speed-diag":
        print("\nWhere a cycle's time goes (fsdax; tracing slows each "
              "system call a little)")
        compare(breakdown(os.path.join(d, "fsdax-trace-floor-c.txt"),
                          "rb-speed-floor", "floor-c"),
                breakdown(os.path.join(d, "fsdax-trace-tool.txt"),
                          "ndctl-rebind-be", "tool"))
        ab = collections.defaultdict(list)
        with open(os.path.join(d, "fsdax-probe-ab.txt")) as f:
            for line in f:
                k, v = line.split()
                ab[k].append(float(v))
        off, on = stats(ab["off"]), stats(ab["on"])
        print("memmap ms of floor binds, kprobe pair off: %s (n=%d), "
              "on: %s (n=%d), on/off %s" % (fmt(off), off[0], fmt(on),
                                            on[0], ratio(on, off)))
        continue
    mode, size = os.path.basename(d)[len("speed-"):].split("-")
    table(d, mode, size)

if GROWTH:
    print("\nCost as the work grows (tool, steady state; ms per rebind;"
          " tool - floor: its cycle time over the raw sysfs floor's)")
    print("%-6s %-7s %-9s %-17s %-8s %-17s %-14s %s" % (
        "size", "mode", "pages", "memmap ms", "ns/page", "bind ms",
        "tool - floor", "tool / floor"))
    key = lambda g: (int(g[0][:-1]), g[1])
    for size, mode, pg, mm, bind, over, r in sorted(GROWTH, key=key):
        npg = int(pg.split(",")[0])
        print("%-6s %-7s %-9s %-17s %-8.1f %-17s %-14s %.3f" % (
            size, mode, pg, fmt(mm), mm[1] * 1e6 / npg, fmt(bind),
            "%+.1f ms" % over, r))
PY
