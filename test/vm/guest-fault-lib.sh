# SPDX-License-Identifier: GPL-2.0
#
# The fault framework of guest-reliability.sh, sourced after guest-lib.sh:
# signals at random points of a run (signal_trial, signals), the run's
# progress read from its state record, and the bookkeeping of what was hit
# and survived (report_phases). The parts are reliability-*.sh.
#
# After every fault: the namespace is enabled in its original mode, map and
# align (a restore makes a new pfn/dax device, so its uuid may change),
# every nd/dax device has the driver it had, dyndbg flags, tracefs
# instances and kprobe events are as before, no state record is left in
# $STATEDIR, and an interrupted run wrote its partial document marked
# incomplete.

ND=ndctl-rebind-bench
DAX=daxctl-rebind-bench

# Last phase the run recorded in its state record, "none" without one.
# Shell builtins only: on the guest's single CPU a forked jq would delay
# the signal that follows by a good part of a rebind.
run_phase()
{
	local f l p=none

	for f in $STATEDIR/*.json; do
		[ -f "$f" ] || continue
		while IFS= read -r l; do
			case $l in
			*'"phase"'*)
				l=${l#*\"phase\"}
				l=${l#*\"}
				p=${l%%\"*}
				;;
			esac
		done <"$f"
	done
	echo "$p"
}

uptime_ms()
{
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

# rand N: 0 .. N-1.
rand()
{
	echo $(( $(od -An -N4 -tu4 /dev/urandom) % $1 ))
}

# one_line WHAT FILE: stderr of a refused run is exactly one error line.
one_line()
{
	t_is "$1: one line on stderr" "$(grep -c '' "$2")" 1
	t_like "$1: it is an error" "$(head -n 1 "$2")" \
		'^(ndctl|daxctl)-rebind-bench: error: '
}

START=$(uptime_ms)
PHASES=""
SURVIVED=0
TRIED=0

# doc_complete DOC: "true", "false" or "" (json's // would hide false).
doc_complete()
{
	jq -r '.complete | tostring' "$1" 2>/dev/null
}

# wait_handler PID: wait until PID catches SIGINT. A background job of a
# non-interactive shell starts with SIGINT ignored, so a signal sent before
# the run installs its handler would test the shell, not the run.
wait_handler()
{
	local i cgt

	i=0
	while [ $i -lt 500 ]; do
		cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/"$1"/status \
			2>/dev/null)
		[ -n "$cgt" ] || return 1
		[ $(( 0x$(echo "$cgt" | tail -c 3) & 2 )) != 0 ] && return 0
		usleep 10000
		i=$((i + 1))
	done
	return 1
}

# has_record: a run's state record exists (shell builtins only).
has_record()
{
	local f

	for f in $STATEDIR/*.json; do
		[ -f "$f" ] && return 0
	done
	return 1
}

# wait_record PID: wait until PID (handlers in place) has written its
# state record, i.e. is about to change something; 1 if it ended first.
wait_record()
{
	local i=0

	wait_handler "$1" || return 1
	while [ $i -lt 1000 ]; do
		has_record && return 0
		[ -d /proc/"$1" ] || return 1
		usleep 5000
		i=$((i + 1))
	done
	return 1
}

INTERRUPTED=0

# signal_trial NAME SIGNAL MAX_DELAY_MS CMD...: start CMD with --output,
# send SIGNAL a random delay after its state record appears, then check
# that everything is as it was and that an interrupted run left an
# incomplete document.
signal_trial()
{
	local name sig max doc before after delay pid phase rc ok killed
	local late

	name=$1 sig=$2 max=$3
	shift 3
	doc=$RB_OUT/$name.json
	rm -f "$doc"
	before=$(snapshot)
	delay=$(rand "$max")
	"$@" --output "$doc" >/dev/null 2>"$RB_OUT/$name.err" &
	pid=$!
	wait_record $pid
	usleep $((delay * 1000))
	phase=$(run_phase)
	kill -"$sig" $pid 2>/dev/null
	killed=$(uptime_ms)
	wait $pid
	rc=$?
	TRIED=$((TRIED + 1))
	after=$(snapshot)
	ok=1
	case $rc in
	5)
		# Interrupted: a partial document, marked incomplete.
		INTERRUPTED=$((INTERRUPTED + 1))
		PHASES="$PHASES $phase"
		if [ "$(doc_complete "$doc")" != false ]; then
			t_fail "$name: $sig after ${delay} ms ($phase): no" \
				"partial document marked incomplete"
			ok=0
		fi
		;;
	0)
		# Only right if every bind was done when the signal came (the
		# guest has one CPU: the phase read above may be stale). The
		# bind in progress may finish after it; a second may not.
		PHASES="$PHASES after-$phase"
		late=$(jq "[.configurations[] | (.cold // empty), .warmup[]?,
			.samples[]? |
			select(.kernel_ts_usec > $killed * 1000)] |
			length" "$doc" 2>/dev/null)
		if [ "$(doc_complete "$doc")" != true ]; then
			t_fail "$name: exit 0 but no complete document"
			ok=0
		elif [ "${late:-0}" -ge 2 ]; then
			t_fail "$name: $sig after ${delay} ms was ignored:" \
				"$late binds after it, exit 0"
			ok=0
		fi
		;;
	*)
		t_fail "$name: $sig after ${delay} ms ($phase): exit $rc," \
			"want 5 (or 0 when already done)"
		t_diag "$(head -n 5 "$RB_OUT/$name.err")"
		ok=0
		;;
	esac
	if [ "$before" != "$after" ]; then
		t_fail "$name: $sig after ${delay} ms ($phase): state changed"
		t_diag "before:" "$before" "after:" "$after"
		ok=0
	fi
	if [ $ok = 1 ]; then
		SURVIVED=$((SURVIVED + 1))
		t_pass "$name: $sig after ${delay} ms ($phase): exit $rc," \
			"all restored"
	fi
}

# calibrate CMD...: how long an uninterrupted run keeps its state record,
# i.e. from its first change to the end of its restore (ms, at least 200).
calibrate()
{
	local cpid s d

	"$@" --output "$RB_OUT/calibrate.json" >/dev/null \
		2>"$RB_OUT/calibrate.err" &
	cpid=$!
	wait_record $cpid
	s=$(uptime_ms)
	while has_record && [ -d /proc/$cpid ]; do
		usleep 5000
	done
	d=$(( $(uptime_ms) - s ))
	wait $cpid || {
		t_fail "uninterrupted run: $*"
		t_diag "$(head -n 5 "$RB_OUT/calibrate.err")"
	}
	[ $d -lt 200 ] && d=200
	echo $d
}

# signals NAME COUNT CMD...: COUNT trials, SIGINT and SIGTERM alternating,
# delays uniform over the part of a run that changes things (the record's
# lifetime; the phases recorded show what was hit).
signals()
{
	local sname count dur i s

	sname=$1 count=$2
	shift 2
	dur=$(calibrate "$@")
	t_diag "$sname: an uninterrupted run changes things for $dur ms"
	i=0
	while [ $i -lt "$count" ]; do
		if [ $((i % 2)) = 0 ]; then s=INT; else s=TERM; fi
		signal_trial "$sname-$i" $s "$dur" "$@"
		i=$((i + 1))
	done
}

report_phases()
{
	[ -z "$PHASES" ] ||
		t_diag "phases hit: $(echo $PHASES | tr ' ' '\n' | sort |
			uniq -c | tr '\n' ' ')"
	t_diag "faults survived: $SURVIVED of $TRIED"
	[ $INTERRUPTED = 0 ] ||
		t_diag "$INTERRUPTED runs were interrupted by the signal, the" \
			"rest were past their last bind when it came"
	t_diag "part $part took $(( $(uptime_ms) - START )) ms of guest time"
}

setup_ns()	# MODE [ndctl create-namespace options]
{
	local mode

	mode=$1
	shift
	if [ "$RB_LABELS" = 1 ]; then
		ndctl create-namespace -r region0 -s 512M -m "$mode" "$@" \
			>/dev/null
	else
		ndctl create-namespace -f -e namespace0.0 -m "$mode" "$@" \
			>/dev/null
	fi
}

first_ns()
{
	ndctl list -N | jq -r '[.. | objects | select(.dev? // "" |
		startswith("namespace")) | select(.mode != "raw")][0].dev'
}
