# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh containers: two runs in two containers (mount and
# pid namespaces, each with its own tmpfs on /run, so their /run locks are
# two files and their pids alike). The second is refused on the lock both
# share, the tracefs root, while the first runs; the first run's dynamic
# debug flag and kprobes stay in place, and it ends as if alone.
# Sourced by guest-reliability.sh after guest-lib.sh and guest-fault-lib.sh.

# in_container CMD...: CMD as pid 1's child in a new mount and pid
# namespace with a fresh /proc and /run.
in_container()
{
	unshare --mount --pid --fork --mount-proc \
		sh -c 'mount -t tmpfs tmpfs /run && exec "$@"' sh "$@"
}

# wait_phase PHASE PID: until the record says PHASE; 1 if PID ended first.
wait_phase()
{
	local i=0

	while [ $i -lt 5000 ]; do
		[ "$(run_phase)" = "$1" ] && return 0
		[ -d /proc/"$2" ] || return 1
		usleep 2000
		i=$((i + 1))
	done
	return 1
}

part_containers()
{
	local ns before during pid rc kprobes

	t_ok "set up an fsdax map=dev namespace" setup_ns fsdax -M dev
	ns=$(first_ns)
	before=$(snapshot)
	t_is "dynamic debug is off before the runs" "$(dyndbg_memmap_flags)" \
		"=_"
	in_container $ND --runs 40 --output "$RB_OUT/first.json" "$ns" \
		>/dev/null 2>"$RB_OUT/first.err" &
	pid=$!
	wait_phase rebind $pid
	t_is "the first container's run is rebinding" "$(run_phase)" rebind
	during=$(helpers_state)
	kprobes=$(cat $TRACING/kprobe_events)
	t_is "... with the callsite printing" "$(dyndbg_memmap_flags)" "=p"
	t_like "... and its kprobes in place" "$kprobes" '^[pr]:'

	in_container $ND --runs 1 --output "$RB_OUT/second.json" "$ns" \
		>/dev/null 2>"$RB_OUT/second.err"
	rc=$?
	t_is "a run in the second container is refused: exit 4" $rc 4
	one_line "second container" "$RB_OUT/second.err"
	t_is "... naming the lock both containers share" \
		"$(cat "$RB_OUT/second.err")" \
		"$ND: error: this host: another rebind-bench run holds the lock on $TRACING (shared by every mount namespace: the run may be in another container); runs take turns, as concurrent rebinds disturb each other's timings"
	t_fails "... leaving no document" test -e "$RB_OUT/second.json"
	t_is "the first run's flag, kprobes and record stay" \
		"$(helpers_state)" "$during"
	t_is "... its kprobe events unchanged" \
		"$(cat $TRACING/kprobe_events)" "$kprobes"

	wait $pid
	rc=$?
	t_is "the first run ends well" $rc 0
	t_diag "$(head -n 3 "$RB_OUT/first.err")"
	t_is "... with all its samples" \
		"$(json '.configurations[0].samples | length' \
			"$RB_OUT/first.json")" 40
	t_is "... and every one has the kernel's figure" \
		"$(json '[.configurations[0].samples[] |
			select(.memmap_ms == null)] | length' \
			"$RB_OUT/first.json")" 0
	t_is "everything as before the runs" "$(snapshot)" "$before"
}
