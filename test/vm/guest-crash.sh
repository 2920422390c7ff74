# SPDX-License-Identifier: GPL-2.0
#
# guest-crash.sh: a reset of the guest in the middle of a reconfiguring run,
# and the repair on the next boot (run-in-vm.sh --labels --disk 16M
# --boots 2). /var/lib is the ext4 disk, the NVDIMM's backing file holds
# its labels and info blocks: both survive the reset, as a server's disk
# and pmem survive a crash or a power loss.
#   boot 1  an fsdax map=dev namespace; a --mode devdax run stopped once
#           it has reconfigured and bound it; its record on the disk; then
#           the reset
#   boot 2  the namespace still devdax; records that fail the checks
#           (group-writable, a symbolic link) refused with exit status 7
#           and not acted on; then the next run restores fsdax map=dev
#           and removes the record, leaving dynamic debug and tracefs
#           alone (an earlier boot's helpers are gone with it)
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"
# shellcheck source=guest-fault-lib.sh
. "$RB_GUEST/guest-fault-lib.sh"

require_tool $ND
mount_tracefs
[ -n "$RB_DISK" ] || t_bail "needs run-in-vm.sh --disk"
mkdir -p /var/lib
t_ok "boot $RB_BOOT: the disk is /var/lib" mount -t ext4 "$RB_DISK" /var/lib
CONF=/var/lib/crash-test.conf
FIX="not acting on it: check the device by hand (ndctl list / daxctl list) and remove it"

# ns_conf NS: "MODE MAP ALIGN" as ndctl lists them (disabled ones too).
ns_conf()
{
	ndctl list -N -i -n "$1" | jq -r '.. | objects |
		select(.dev? == "'"$1"'") |
		"\(.mode) \(.map // "-") \(.align // "-")"'
}

# wait_rebinding PID: the phase once PID's record says rebind, else the
# last one seen. Only the first bind after the reconfiguration writes the
# new info block (devdax's), so a crash before it leaves a raw namespace.
wait_rebinding()
{
	local i=0 p

	while [ $i -lt 5000 ]; do
		p=$(run_phase)
		[ "$p" = rebind ] && break
		[ -d /proc/"$1" ] || break
		usleep 2000
		i=$((i + 1))
	done
	echo "$p"
}

boot1()
{
	local ns orig pid phase

	ns=$(ndctl create-namespace -r region0 -s 512M -m fsdax -M dev |
		json '.dev')
	t_like "a labelled fsdax map=dev namespace" "$ns" '^namespace[0-9.]+$'
	orig=$(ns_conf "$ns")
	t_like "... listed as such" "$orig" '^fsdax dev [0-9]+$'
	echo "$ns $orig" >$CONF
	sync
	# From here only an fsync takes anything to the disk before the
	# reset: no periodic writeback, no ext4 commit in time.
	echo 0 >/proc/sys/vm/dirty_writeback_centisecs
	echo 60000 >/proc/sys/vm/dirty_expire_centisecs
	mount -o remount,commit=600 /var/lib
	$ND --force --mode devdax --runs 40 -o "$RB_OUT/crash.json" "$ns" \
		>/dev/null 2>"$RB_OUT/crash.err" &
	pid=$!
	phase=$(wait_rebinding $pid)
	kill -STOP $pid
	t_is "the run got past its reconfiguration and first bind" \
		"$phase" rebind
	t_like "the namespace is devdax now" "$(ns_conf "$ns")" '^devdax '
	t_is "the run's record is in $STATEDIR" "$(ls $STATEDIR)" "$ns.json"
	t_diag "$(cat "$STATEDIR/$ns.json")"
	[ "$T_FAILED" = 0 ] || { t_done; exit 1; }
	t_diag "resetting the guest"
	# Let the results port drain: the reset cuts it off.
	sleep 1
	echo b >/proc/sysrq-trigger
	sleep 5
	t_bail "the guest did not reset"
}

# refused WHAT PROBLEM: a run refuses the record with exit status 7 and
# one line, and leaves the namespace devdax.
refused()
{
	local rc

	$ND --runs 1 -o "$RB_OUT/refused.json" "$ns" >/dev/null \
		2>"$RB_OUT/refused.err"
	rc=$?
	t_is "$1: exit status 7" $rc 7
	t_is "$1: the one line" "$(cat "$RB_OUT/refused.err")" \
		"$ND: error: $ns: refusing the state $2; $FIX"
	t_like "$1: not acted on: still devdax" "$(ns_conf "$ns")" '^devdax '
}

boot2()
{
	local ns orig rec rc helpers

	read -r ns orig <$CONF
	rec=$STATEDIR/$ns.json
	t_ok "the record survived the reset" test -s "$rec"
	t_diag "$(cat "$rec")"
	t_like "... written in another boot" \
		"$(json '.boot_id' "$rec") $(cat /proc/sys/kernel/random/boot_id)" \
		'^([0-9a-f-]{36}) ([0-9a-f-]{36})$'
	t_fails "... not this one" grep -q \
		"$(cat /proc/sys/kernel/random/boot_id)" "$rec"
	t_like "after the reset the namespace is still devdax" \
		"$(ns_conf "$ns")" '^devdax '

	chmod 0660 "$rec"
	refused "group-writable record" \
		"record $rec: writable by group or others (mode 0660)"
	chmod 0600 "$rec"
	mv "$rec" "$rec.real" && ln -s "$rec.real" "$rec"
	refused "record a symbolic link" "record $rec: a symbolic link"
	rm "$rec" && mv "$rec.real" "$rec"
	mv $STATEDIR $STATEDIR.real && ln -s $STATEDIR.real $STATEDIR
	refused "record in a symlinked directory" \
		"directory $STATEDIR: a symbolic link"
	rm $STATEDIR && mv $STATEDIR.real $STATEDIR

	helpers=$(helpers_state | grep -v '^records')
	$ND --runs 2 -o "$RB_OUT/repair.json" "$ns" >/dev/null \
		2>"$RB_OUT/repair.err"
	rc=$?
	t_is "the next run repairs and runs" $rc 0
	t_like "... saying what it repairs" "$(cat "$RB_OUT/repair.err")" \
		"$ns: a run \(pid [0-9]+\) of an earlier boot stopped during 'rebind' \(crash or power loss\); restoring the device's configuration"
	t_is "... and nothing about dynamic debug or tracefs" \
		"$(grep -c -e 'dynamic debug' -e 'tracefs' "$RB_OUT/repair.err")" 0
	t_is "the namespace is back in its mode, map and align" \
		"$(ns_conf "$ns")" "$orig"
	t_is "the run measured that configuration" \
		"$(json '.configurations[0].target | "\(.mode) \(.map) \(.align)"' \
			"$RB_OUT/repair.json")" "$orig"
	t_is "the record is gone" "$(ls $STATEDIR)" ""
	t_is "dynamic debug and tracefs as the run found them" \
		"$(helpers_state | grep -v '^records')" "$helpers"
}

case $RB_BOOT in
1)	boot1 ;;
2)	boot2 ;;
*)	t_bail "needs run-in-vm.sh --boots 2 (RB_BOOT is '$RB_BOOT')" ;;
esac
t_done
