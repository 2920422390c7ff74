#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fleet-ansible.sh BUILD_DIR [OUT_DIR]
#
# The fleet workflow for real: build the Debian package and run lintian on
# it, boot three guests of the VM harness as SSH hosts (run-in-vm.sh
# --ssh-port: user networking with only 127.0.0.1:PORT forwarded to the
# guest's port 22, the guest cut off from everything else), and run
# contrib/ansible's playbook against them from here with a generated key:
#   fleet-a  1 GiB NVDIMM, fsdax map=dev namespace0.0
#   fleet-b  4 GiB NVDIMM, the same configuration
#   fleet-c  1 GiB NVDIMM, but the inventory names namespace1.0: it fails
#            alone with the missing namespace in the recap
# Then: each host's document is in results/<host>/<timestamp>-<kernel>
# .json and matches the schema, each guest checks it against its own
# dmesg and `ndctl list` (guest-fleet-host.sh), a second run is idempotent
# where it should be (the install) and honest where not (the benchmark),
# and the fleet report lists every host. TAP output; exit 0 when all pass.
set -u
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?build dir}" && pwd)
out=${2:-$build/vm-runs/fleet-ansible}
prog=$build/ndctl-plugin/ndctl-rebind-bench
hosts=(fleet-a fleet-b fleet-c)
sizes=(1G 4G 1G)
expect=(fsdax fsdax none)
n=0
failed=0
pids=()

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() { # WHAT CMD...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
quiet() { "$@" >/dev/null; }
bail() { echo "Bail out! $*"; stop_guests; exit 1; }
elapsed() { echo $(($(date +%s) - t0)); }

stop_guests()
{
	local h
	for h in "${hosts[@]}"; do
		[ -d "$out/$h" ] && touch "$out/$h/stop"
	done
}

# Only ever empty a directory this script made.
[ ! -e "$out" ] || [ -e "$out/.rb-fleet-out" ] ||
	{ echo "fleet-ansible: $out is not ours" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/pkg" "$out/ssh"
touch "$out/.rb-fleet-out"
t0=$(date +%s)
for t in ansible-playbook dpkg-buildpackage lintian dropbearkey ssh-keygen; do
	command -v "$t" >/dev/null || bail "$t missing (scripts/install-deps.sh)"
done

# Keys: the controller's, and the guests' host key, known in advance so
# that host keys are checked strictly.
ssh-keygen -q -t ed25519 -N '' -C fleet-ansible -f "$out/ssh/id" || bail keygen
cp "$out/ssh/id.pub" "$out/ssh/authorized_keys"
dropbearkey -t ed25519 -f "$out/ssh/host_key" >/dev/null 2>&1 || bail hostkey
hostpub=$(dropbearkey -y -f "$out/ssh/host_key" | grep '^ssh-ed25519' |
	cut -d' ' -f1,2)

# Three free loopback ports.
mapfile -t ports < <(/usr/bin/python3 - <<'PY'
import socket
ss = [socket.socket() for _ in range(3)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print("\n".join(str(s.getsockname()[1]) for s in ss))
PY
)
[ "${#ports[@]}" = 3 ] || bail "no free ports"

# The package, from a copy of the source (the unit suite ran already:
# nocheck). RB_FLEET_DEB names an already built package to skip this.
if [ -n "${RB_FLEET_DEB:-}" ]; then
	deb=$RB_FLEET_DEB
	echo "# using $deb: package build and lintian not run"
else
	rsync -a --exclude '/build*' --exclude '/.git' --exclude '/obj-*' \
		"$src/" "$out/pkg/src/"
	(cd "$out/pkg/src" && DEB_BUILD_OPTIONS=nocheck \
		dpkg-buildpackage -b -us -uc) >"$out/pkg/build.log" 2>&1
	deb=$(ls "$out"/pkg/rebind-bench_*_amd64.deb 2>/dev/null | head -n 1)
	check "dpkg-buildpackage -b builds the package ($(elapsed) s)" \
		test -n "$deb"
	[ -n "$deb" ] || bail "no package: see $out/pkg/build.log"
	lintian --fail-on error,warning "$out"/pkg/*.changes \
		>"$out/pkg/lintian.log" 2>&1
	check "lintian: no error, no warning ($(elapsed) s)" test $? = 0
fi
check "the package installs programs, man pages, completion, schema" \
	test "$(dpkg-deb -c "$deb" | grep -cE \
	'usr/bin/(nd|dax)ctl-rebind-bench$|man1/(nd|dax)ctl-rebind-bench.1.gz$|completions/(nd|dax)ctl-rebind-bench$|rebind-bench-results.schema.json$')" = 7
"$here/dpkg-status-for.sh" "$deb" >"$out/ssh/dpkg-status" ||
	bail "cannot write the guests' dpkg status"

for i in 0 1 2; do
	"$here/run-in-vm.sh" --build "$build" --pmem nvdimm --size "${sizes[i]}" \
		--ssh-port "${ports[i]}" --timeout 1500 --out "$out/${hosts[i]}" \
		--data "$out/ssh/authorized_keys" --data "$out/ssh/host_key" \
		--data "$out/ssh/dpkg-status" \
		-- guest-fleet-host.sh "${expect[i]}" \
		>"$out/${hosts[i]}.tap" 2>"$out/${hosts[i]}.log" &
	pids+=($!)
done
trap 'stop_guests' EXIT

for i in 0 1 2; do
	echo "[127.0.0.1]:${ports[i]} $hostpub"
done >"$out/ssh/known_hosts"
ssh_opts="-o UserKnownHostsFile=$out/ssh/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes -o BatchMode=yes"
up=0
for i in 0 1 2; do
	for _ in $(seq 1 180); do
		# shellcheck disable=SC2086 # options
		ssh $ssh_opts -o ConnectTimeout=5 -i "$out/ssh/id" \
			-p "${ports[i]}" root@127.0.0.1 true 2>/dev/null && break
		sleep 1
	done && up=$((up + 1))
done
check "three guests answer SSH on 127.0.0.1 only ($(elapsed) s)" test $up = 3

cat >"$out/inventory.yml" <<INV
pmem_hosts:
  vars:
    ansible_user: root
    ansible_host: 127.0.0.1
    ansible_python_interpreter: /usr/bin/python3
    ansible_ssh_private_key_file: $out/ssh/id
    ansible_ssh_common_args: $ssh_opts
    # dropbear has no sftp or scp server: dd over the pipe
    ansible_ssh_transfer_method: piped
    rebind_bench_deb: $deb
    rebind_bench_install_with: dpkg
    rebind_bench_runs: 5
    rebind_bench_results_dir: $out/results
  hosts:
    fleet-a: {ansible_port: ${ports[0]}, rebind_bench_targets: [namespace0.0]}
    fleet-b: {ansible_port: ${ports[1]}, rebind_bench_targets: [namespace0.0]}
    fleet-c: {ansible_port: ${ports[2]}, rebind_bench_targets: [namespace1.0]}
INV
play()
{
	ANSIBLE_CONFIG=$src/contrib/ansible/ansible.cfg ANSIBLE_NOCOLOR=1 \
		ansible-playbook -i "$out/inventory.yml" \
		"$src/contrib/ansible/site.yml" "$@"
}
# recap HOST FIELD LOG: the number in HOST's line of the play recap.
recap()
{
	sed -n "s/^$1 *:.* $2=\([0-9]*\).*/\1/p" "$3"
}

play >"$out/play1.log" 2>&1
rc=$?
check "the playbook reports the failed host: exit 2 (got $rc, $(elapsed) s)" \
	test $rc = 2
for h in fleet-a fleet-b; do
	check "$h: ok in the recap, nothing failed" \
		test "$(recap $h failed "$out/play1.log")" = 0 -a \
		"$(recap $h ok "$out/play1.log")" -gt 0
	check "$h: one results document, named <timestamp>-<kernel>.json" \
		test "$(ls "$out/results/$h" | grep -cE \
		'^[0-9]{8}T[0-9]{6}Z-6\.1\.0-[0-9]+-amd64\.json$')" = 1
done
check "fleet-c: failed alone in the recap" \
	test "$(recap fleet-c failed "$out/play1.log")" = 1
check "fleet-c: the missing namespace is named in the play's output" \
	grep -q 'fleet-c lacks: namespace namespace1.0 (the host has: namespace0.0' \
	"$out/play1.log"
check "fleet-c: its error is in its results folder" \
	grep -qs 'namespace namespace1.0' "$out"/results/fleet-c/*.error
"$src/test/validate-schema.py" "$out"/results/fleet-*/*.json \
	>"$out/schema.log" 2>&1
check "the fetched documents match the schema" test $? = 0

# Again on one host: the install is idempotent, the benchmark is not.
play -l fleet-a >"$out/play2.log" 2>&1
# task_result TASK LOG: fleet-a's result line ("ok", "changed", ...).
task_result()
{
	grep -A1 "TASK \[rebind_bench : $1\]" "$2" | sed -n 's/: \[fleet-a\].*//p'
}
check "second run: fleet-a ok; two changes: the benchmark, its new document" \
	test "$(recap fleet-a changed "$out/play2.log")" = 2 -a \
	"$(recap fleet-a failed "$out/play2.log")" = 0 -a \
	"$(task_result 'Run the benchmark' "$out/play2.log")" = changed -a \
	"$(task_result 'Fetch the results document' "$out/play2.log")" = changed
check "second run: the package is neither copied nor installed again" \
	test "$(task_result 'Copy the package to the host' "$out/play2.log")" = ok \
	-a "$(task_result 'Install the package with dpkg' "$out/play2.log")" = \
	skipping
check "second run: a second document for fleet-a" \
	test "$(ls "$out"/results/fleet-a/*.json | wc -l)" = 2

"$prog" fleet --format json "$out/results" >"$out/fleet.json" 2>"$out/fleet.err"
check "fleet report: exit 0" test $? = 0
check "fleet report: every host listed" test "$(jq -r '[.hosts[].host] |
	join(" ")' "$out/fleet.json")" = "fleet-a fleet-b fleet-c"
check "fleet report: fleet-c with its error" \
	quiet jq -e '.hosts[2].error | test("namespace1.0")' "$out/fleet.json"
check "fleet report: fsdax map=dev with rows for fleet-a and fleet-b" \
	test "$(jq -r '.configurations[] | select(.mode == "fsdax" and
	.map == "dev") | [.hosts[].host] | join(" ")' "$out/fleet.json")" = \
	"fleet-a fleet-b"
check "fleet report: 1 GiB and 4 GiB hosts, two geometries" \
	test "$(jq '.configurations[0].majority.geometry_distinct' \
	"$out/fleet.json")" = 2
check "fleet report: ms/GiB for both hosts" \
	test "$(jq '[.configurations[0].hosts[] | select(.ms_per_gib > 0)] |
	length' "$out/fleet.json")" = 2
"$prog" fleet --format human "$out/results" >"$out/fleet.txt"
cat "$out/fleet.txt" | sed 's/^/# /'

# Each guest checks its document against its own dmesg and ndctl list.
for h in fleet-a fleet-b; do
	i=0
	for f in "$out/results/$h"/*.json; do
		i=$((i + 1))
		cp "$f" "$out/$h/fetched-$i.json"
	done
done
stop_guests
for i in 0 1 2; do
	wait "${pids[i]}"
	rc=$?
	sed 's/^/# /' "$out/${hosts[i]}.tap"
	check "${hosts[i]}: the guest's own checks pass (run-in-vm status $rc)" \
		test $rc = 0
done
trap - EXIT
echo "# fleet-ansible: $(elapsed) s in all"
echo "1..$n"
[ $failed = 0 ]
