#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# /init of the test VM (installed by run-in-vm.sh).  Prepares the guest,
# runs the guest script with its output on the second serial port, and
# reports the script's exit status through QEMU's isa-debug-exit device.
# Status 126 means this file failed before the script could run.  Anything
# that stops us from reaching verdict() (panic, hang) leaves no verdict,
# which the host counts as a failure.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=/root

mount -t proc proc /proc
read -r t_init _ </proc/uptime
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mkdir -p /dev/shm /dev/pts /root
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
hostname rb-vm
ln -s /bin/busybox /sbin/modprobe

# The results port: raw, so the host's log has no carriage returns.
RESULTS=/dev/ttyS1
stty -F "$RESULTS" raw -echo 2>/dev/null

# verdict STATUS: isa-debug-exit at 0xf4 makes QEMU exit with
# (STATUS << 1) | 1.
verdict()
{
	v=$1
	# 124-125 are the host's own codes, 126 means setup_failed().
	[ "$v" -gt 123 ] && [ "$v" != 126 ] && v=1
	# The host believes an exit status only next to this line: QEMU's own
	# errors exit with odd statuses too.
	echo "# vm-init: verdict $v" >"$RESULTS"
	sync
	umount /out 2>/dev/null
	# shellcheck disable=SC2059 # the format is the byte itself
	printf "\\$(printf %03o "$v")" |
		dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	# Only reached if the port is missing: the host sees no verdict.
	poweroff -f
}

setup_failed()
{
	echo "vm-init: $*" >"$RESULTS"
	echo "vm-init: $*"
	dmesg | tail -n 30
	verdict 126
}

# shellcheck source=/dev/null # written by run-in-vm.sh
. /rb/run.conf

# run-in-vm.sh --omit-modules: the files go, and the index forgets them.
if [ -n "$RB_OMIT_MODULES" ]; then
	for m in $(echo "$RB_OMIT_MODULES" | tr , ' '); do
		find /lib/modules -name "$m.ko*" -exec rm -f {} +
		sed -i "/^$m\$/d" /rb/modules
	done
	depmod || setup_failed "depmod failed"
fi
# shellcheck disable=SC2046
modprobe -a $(cat /rb/modules) || setup_failed "modprobe failed"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out ||
	setup_failed "cannot mount the results directory"

# Regions and namespaces probe asynchronously; reading wait_probe flushes.
for b in /sys/bus/nd/devices/ndbus*/wait_probe; do
	[ -e "$b" ] && cat "$b" >/dev/null
done
if [ "$RB_PMEM" = hmem ]; then
	[ -n "$(daxctl list -R 2>/dev/null)" ] ||
		setup_failed "no soft-reserved dax region"
else
	[ -n "$(ndctl list -R 2>/dev/null)" ] || setup_failed "no pmem region"
fi

# run-in-vm.sh --boots: which boot this is (rb_boot= on the command line).
export RB_BOOT="${rb_boot:-1}"
# Labels are written once: a later boot finds the media as it was left.
if [ "$RB_LABELS" = 1 ] && [ "$RB_BOOT" = 1 ]; then
	# Label-less (raw) to labelled: the region must be idle to write
	# the label index.
	{
		ndctl destroy-namespace -f all &&
		ndctl disable-region all &&
		ndctl init-labels -f all &&
		ndctl enable-region all
	} >/tmp/labels.log 2>&1 || {
		cat /tmp/labels.log >"$RESULTS"
		setup_failed "init-labels failed"
	}
fi

set --
while IFS= read -r a; do
	set -- "$@" "$a"
done </rb/args

read -r t_ready _ </proc/uptime
echo "# vm-init: uptime $t_init s at /init, $t_ready s when ready" >"$RESULTS"

export RB_OUT=/out RB_LIB=/rb/guest-lib.sh RB_GUEST=/rb/guest
cd /out || setup_failed "cannot enter /out"
# A pipe, so the tools do not take the results port for a terminal.
# shellcheck disable=SC3040 # busybox ash has pipefail
set -o pipefail
sh "/rb/guest/$RB_SCRIPT" "$@" 2>&1 | cat >"$RESULTS"
rc=$?
dmesg >/out/dmesg.log 2>/dev/null
verdict "$rc"
