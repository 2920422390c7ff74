#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Start-up time the ndctl/daxctl dispatcher adds: many runs of
# "<prog> --version" (and "<prog> --list-cmds", which the dispatcher runs
# as a child to add its line) straight from /usr/bin and through the
# dispatcher, interleaved so that both see the same machine load; prints
# the medians and their difference. A benchmark, not a test.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)

usage()
{
	cat <<USAGE
usage: bench-dispatch.sh [--build DIR] [--runs N] [--real DIR]

  --build DIR   meson build directory with the dispatchers, built when
                missing (default \$RB_BUILD or SRC/build)
  --runs N      runs of each command each way (default 1000, >= 20)
  --real DIR    folder of the distribution's binaries (default /usr/bin)
USAGE
}

build=${RB_BUILD:-$top/build}
runs=1000
real=/usr/bin
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--runs) runs=$2; shift 2 ;;
	--real) real=$2; shift 2 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
[[ $runs =~ ^[0-9]+$ ]] && [ "$runs" -ge 20 ] || {
	echo "bench-dispatch: --runs must be a number >= 20" >&2
	exit 2
}
[ -f "$build/build.ninja" ] || meson setup "$build" "$top" > /dev/null
ninja -C "$build" ndctl-plugin/ndctl daxctl-plugin/daxctl \
	ndctl-plugin/ndctl-rebind-bench daxctl-plugin/daxctl-rebind-bench \
	> /dev/null

# A stand-in "real" binary that does nothing isolates the dispatcher's own
# cost from the tool's start-up, which is 10-30 times larger and noisier.
stand_in=$(mktemp -d)
trap 'rm -rf "$stand_in"' EXIT
cp "$(type -P true)" "$stand_in/ndctl"

python3 - "$build" "$real" "$runs" "$stand_in" <<'PY'
import os, statistics, sys, time

build, real, runs, stand_in = sys.argv[1:5]
runs = int(runs)
null = [(os.POSIX_SPAWN_OPEN, 1, '/dev/null', os.O_WRONLY, 0),
        (os.POSIX_SPAWN_OPEN, 2, '/dev/null', os.O_WRONLY, 0)]


def once(argv, path):
    """Wall and CPU (user + system) ns of one run, found through PATH as
    a user's shell finds it; the CPU time includes the dispatcher's own
    child (--list-cmds). On a loaded machine the wall time is mostly
    waiting for a CPU, so the CPU time is the figure to compare."""
    env = dict(os.environ, PATH=path)
    t = time.perf_counter_ns()
    pid = os.posix_spawnp(argv[0], argv, env, file_actions=null)
    ru = os.wait4(pid, 0)[2]
    return (time.perf_counter_ns() - t,
            (ru.ru_utime + ru.ru_stime) * 1e9)


def bench(label, argv, direct_path, via_path):
    direct, via = [], []
    for _ in range(runs):    # interleaved: both see the same load
        direct.append(once(argv, direct_path))
        via.append(once(argv, via_path))
    cols = []
    for i in (0, 1):
        d = statistics.median(x[i] for x in direct) / 1e6
        v = statistics.median(x[i] for x in via) / 1e6
        cols += [d, v, v - d]
    print('%-26s %8.3f %8.3f %+7.3f   %8.3f %8.3f %+7.3f'
          % tuple([label] + cols))


print('medians of %d runs, ms       wall time                 '
      'CPU time (user+system)' % runs)
print('%-26s %8s %8s %7s   %8s %8s %7s' % ('command', 'direct',
      'dispatch', 'added', 'direct', 'dispatch', 'added'))
for prog in ('ndctl', 'daxctl'):
    disp = os.path.join(build, prog + '-plugin')
    for arg in ('--version', '--list-cmds'):
        bench(prog + ' ' + arg, [prog, arg], real, disp + ':' + real)
disp = os.path.join(build, 'ndctl-plugin')
bench('stand-in ndctl --version', ['ndctl', '--version'], stand_in,
      disp + ':' + stand_in)
PY
