#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# One host of the Ansible fleet scenario (fleet-ansible.sh boots it with
# run-in-vm.sh --ssh-port): brings up the network and dropbear, lets the
# controller run the playbook, and when the controller writes /out/stop
# checks what the runs left here against this guest's own kernel log and
# ndctl: the results documents the controller fetched (/out/fetched-N.json)
# are the ones written here, its samples are exactly the memmap lines of
# dmesg, and its target is what `ndctl list` shows. With "none" as the
# argument the host was expected to fail: nothing ran, nothing changed.
#
# usage: guest-fleet-host.sh fsdax|none
# Data: authorized_keys, host_key (dropbear), dpkg-status.
# shellcheck source=/dev/null
. "$RB_LIB"
expect=${1:?fsdax or none}

while read -r m; do
	insmod "/rb/ssh/$m" || t_bail "insmod $m"
done </rb/ssh/modules
ip link set lo up && ip link set eth0 up &&
	ip addr add 10.0.2.15/24 dev eth0 || t_bail "no network"

# The namespace as an admin would have set it up: fsdax, map=dev.
ndctl create-namespace -f -e namespace0.0 --mode fsdax --map dev \
	>/dev/null 2>&1 || t_bail "cannot set up namespace0.0"
# Only the package's programs may run here: the controller installs it.
rm -f /usr/bin/ndctl-rebind-bench /usr/bin/daxctl-rebind-bench
# dpkg-deb needs GNU tar (the ssh layer's /usr/bin/tar), not busybox's.
rm -f /bin/tar
cp "$RB_DATA/dpkg-status" /var/lib/dpkg/status
cp "$RB_DATA/authorized_keys" /root/.ssh/authorized_keys
cp "$RB_DATA/host_key" /etc/dropbear/host_key
chmod 600 /root/.ssh/authorized_keys /etc/dropbear/host_key
mkdir -p /dev/pts /var/tmp
mount -t devpts devpts /dev/pts
before=$(binding_state)

# -s -g: keys only; -F -E: ours to stop, its log in the results.
dropbear -F -E -s -g -p 22 -r /etc/dropbear/host_key \
	2>"$RB_OUT/dropbear.log" &
sshd=$!
t_diag "dropbear listening (pid $sshd), guest port 22"

i=0
while [ ! -e "$RB_OUT/stop" ] && [ $i -lt 3000 ]; do
	usleep 200000
	i=$((i + 1))
done
kill "$sshd" 2>/dev/null
t_ok "the controller finished" test -e "$RB_OUT/stop"

mine=$(ls /var/tmp/rebind-bench/*.json 2>/dev/null)
if [ "$expect" = none ]; then
	t_is "no benchmark ran on the failing host" "$mine" ""
	t_is "its devices are as they were" "$(binding_state)" "$before"
	t_done
	exit
fi

t_is "the controller fetched every document written here" \
	"$(cat "$RB_OUT"/fetched-*.json 2>/dev/null | sha256sum)" \
	"$(cat $mine | sha256sum)"
ndctl list -N >"$RB_OUT/ndctl-list.json"
for doc in "$RB_OUT"/fetched-*.json; do
	name=$(basename "$doc" .json)
	t_is "$name: the package's program wrote it" \
		"$(json '.tool.name' "$doc") $(json '.tool.version' "$doc")" \
		"ndctl-rebind-bench $(dpkg-query -W -f='${Version}' rebind-bench)"
	samples_match_dmesg "$name" "$doc"
	t_is "$name: measured binds: the runs of the inventory" \
		"$(json '[.configurations[0].samples[]] | length' "$doc")" \
		"$(json '.configurations[0].settings.runs' "$doc")"
	for k in dev mode map size; do
		t_is "$name: target $k as ndctl list shows it" \
			"$(json ".configurations[0].target.$k" "$doc")" \
			"$(json "[.[]? // . | select(.dev == \"namespace0.0\")][0].$k" \
				"$RB_OUT/ndctl-list.json")"
	done
	t_is "$name: the kernel is this guest's" \
		"$(json '.fingerprint.kernel_release' "$doc")" "$(uname -r)"
done
t_is "the drivers are bound as before the run" "$(binding_state)" "$before"
t_done
