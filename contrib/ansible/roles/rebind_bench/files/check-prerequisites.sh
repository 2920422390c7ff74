#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Run on the host by the role (the script module: needs only a POSIX sh,
# no Python). Prints key=value facts, one "missing: ..." line per missing
# prerequisite and "note: ..." for what only limits the run; exits 1 when
# anything is missing, else makes the working directory WORKDIR (here and
# not in a task of its own: every module costs a Python start).
#
# usage: check-prerequisites.sh WORKDIR ndctl|daxctl RECONFIGURE FORCE \
#	TARGET...
workdir=$1
tool=$2
reconf=$3
force=$4
shift 4
missing=0

miss()
{
	echo "missing: $*"
	missing=1
}

echo "kernel=$(uname -r)"
echo "timestamp=$(date -u +%Y%m%dT%H%M%SZ)"
echo "installed=$(dpkg-query -W -f='${Version}' rebind-bench 2>/dev/null)"

[ "$(id -u)" = 0 ] || miss "root (the role needs become: true)"
command -v python3 >/dev/null 2>&1 ||
	miss "python3 (Ansible's modules run with it)"
[ $# -gt 0 ] || miss "rebind_bench_targets is empty in the inventory"
[ "$reconf" = 0 ] || [ "$force" = 1 ] ||
	miss "rebind_bench_force: mode/map/align reconfigure (destroying data)"

if [ "$tool" = ndctl ]; then
	ls /sys/bus/nd/devices/ 2>/dev/null | grep -q '^region' ||
		miss "pmem: no nd region in /sys/bus/nd/devices"
	[ -d /sys/bus/nd/drivers/nd_pmem ] ||
		miss "kernel facility: nd_pmem driver (modprobe nd_pmem)"
	kind=namespace
	dir=/sys/bus/nd/devices
	have=$(ls "$dir" 2>/dev/null | grep '^namespace' | xargs)
else
	ls /sys/bus/dax/devices/ 2>/dev/null | grep -q '^dax' ||
		miss "pmem: no dax device in /sys/bus/dax/devices"
	[ -d /sys/bus/dax/drivers/device_dax ] ||
		miss "kernel facility: device_dax driver (modprobe device_dax)"
	kind="dax device"
	dir=/sys/bus/dax/devices
	have=$(ls "$dir" 2>/dev/null | grep '^dax' | xargs)
fi
for t in "$@"; do
	[ -e "$dir/$t" ] ||
		miss "$kind $t (the host has: ${have:-none})"
done

[ -r /dev/kmsg ] || echo "note: /dev/kmsg unreadable: no kernel-line source"
[ -d /sys/kernel/tracing ] || echo "note: no tracefs: no probe source"
[ -e /proc/dynamic_debug/control ] ||
	[ -e /sys/kernel/debug/dynamic_debug/control ] ||
	echo "note: no dynamic debug control: on v6.4+ kernels no kernel-line source"
[ $missing = 1 ] && exit 1
mkdir -p "$workdir" && chmod 700 "$workdir"
