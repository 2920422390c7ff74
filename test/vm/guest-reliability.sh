# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh PART: faults a run must survive (issue 8).
#
#   signals-fsdax-rebind, signals-fsdax-reconf
#                   SIGINT/SIGTERM at random points of plain and of
#                   reconfiguring runs on an fsdax namespace (10 each)
#   signals-devdax-nd, signals-devdax-dax
#                   the same on a devdax namespace, through ndctl- (12) and
#                   daxctl-rebind-bench (8)
#   busy            SIGKILL then the next invocation; busy devices: mapped
#                   and open /dev/daxX.Y, system-ram mode, held or mounted
#                   /dev/pmemX; each refused without --force, data unchanged
#   gaps            kernel-side gaps: tracefs/debugfs unmounted, kprobes off,
#                   dynamic debug unavailable, /dev/kmsg overrun, a driver
#                   bind the kernel refuses
#
# After every fault: the namespace is enabled in its original mode, map and
# align (a restore makes a new pfn/dax device, so its uuid may change),
# every nd/dax device has the driver it had, dyndbg flags, tracefs
# instances and kprobe events are as before, no state record is left in
# /run/rebind-bench, and an interrupted run wrote its partial document
# marked incomplete.
. "$RB_LIB"

ND=ndctl-rebind-bench
DAX=daxctl-rebind-bench
TRACING=/sys/kernel/tracing
RUNDIR=/run/rebind-bench
part=${1:-}
have_tool $ND || { t_skip "$ND" "not built"; t_done; exit 77; }
[ -d $TRACING/instances ] || mount -t tracefs nodev $TRACING

# --- state snapshots --------------------------------------------------

ns_state()
{
	ndctl list -N | jq -c '[.. | objects | select(.dev? // "" |
		startswith("namespace")) |
		{dev, mode, map, align, size, chardev, blockdev}] |
		sort_by(.dev)'
}

helpers_state()
{
	echo "dyndbg $(dyndbg_memmap_flags)"
	echo "instances $(ls $TRACING/instances 2>/dev/null | tr '\n' ' ')"
	echo "kprobes $(cat $TRACING/kprobe_events 2>/dev/null | tr '\n' ' ')"
	echo "records $(ls $RUNDIR 2>/dev/null | grep -v '\.lock$' |
		tr '\n' ' ')"
}

snapshot()
{
	ns_state
	binding_state
	daxctl list -D 2>/dev/null | jq -c '[.. | objects |
		select(.chardev? != null) | {chardev, mode, align}]'
	helpers_state
}

# Last phase the run recorded in its state record, "none" without one.
# Shell builtins only: on the guest's single CPU a forked jq would delay
# the signal that follows by a good part of a rebind.
run_phase()
{
	local f l p=none

	for f in $RUNDIR/*.json; do
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

	for f in $RUNDIR/*.json; do
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

# --- parts ------------------------------------------------------------

# signals-fsdax-rebind | signals-fsdax-reconf: 10 trials each.
part_signals_fsdax()
{
	t_ok "set up an fsdax map=dev namespace" setup_ns fsdax -M dev
	ns=$(first_ns)
	case $1 in
	rebind)	signals fsdax-rebind 10 $ND --runs 3 "$ns" ;;
	reconf)	signals fsdax-reconf 10 $ND --force --map mem --runs 1 "$ns" ;;
	esac
	t_is "fsdax namespace still map=dev" \
		"$(ndctl list -n "$ns" | json '.. | .map? // empty')" dev
	report_phases
}

# signals-devdax-nd (12 trials) | signals-devdax-dax (8 trials).
part_signals_devdax()
{
	t_ok "set up a devdax align=2M namespace" setup_ns devdax -a 2M
	ns=$(first_ns)
	dax=$(ndctl list -n "$ns" | json '.. | .chardev? // empty' |
		head -n 1)
	case $1 in
	nd)
		signals devdax-rebind 6 $ND --runs 3 "$ns"
		signals devdax-reconf 6 $ND --force --align 4K --runs 1 "$ns"
		;;
	dax)
		if have_tool $DAX; then
			signals devdax-daxctl 8 $DAX --runs 3 "$dax"
		else
			t_skip "daxctl-rebind-bench signals" "not built"
		fi
		;;
	esac
	t_is "devdax namespace still align=2M" \
		"$(ndctl list -n "$ns" | json '.. | .align? // empty')" 2097152
	report_phases
}

# refused NAME CMD...: the run is refused as busy (exit 4, one line) and
# nothing is rebound (no memmap line, same bindings).
refused()
{
	local rname before rc

	rname=$1
	shift
	before=$(snapshot)
	dyndbg_memmap on
	kmsg_mark "$rname"
	"$@" >"$RB_OUT/$rname.out" 2>"$RB_OUT/$rname.err"
	rc=$?
	t_is "$rname: refused as busy (exit 4)" $rc 4
	[ $rc = 4 ] || t_diag "$(head -n 3 "$RB_OUT/$rname.err")"
	one_line "$rname" "$RB_OUT/$rname.err"
	t_is "$rname: nothing on stdout" "$(wc -c <"$RB_OUT/$rname.out")" 0
	t_is "$rname: no bind happened" \
		"$(memmap_pages_since "$rname" | wc -l)" 0
	dyndbg_memmap off
	t_is "$rname: bindings and configuration unchanged" \
		"$(snapshot)" "$before"
}

sigkill_trial()	# NAME CMD...
{
	local kname want delay pid left rc phase

	kname=$1
	shift
	want=$(ns_state)
	delay=$(rand "$kdur")
	"$@" --output "$RB_OUT/$kname.json" >/dev/null 2>&1 &
	pid=$!
	usleep $((delay * 1000))
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	TRIED=$((TRIED + 1))
	left=$(ls $RUNDIR 2>/dev/null | tr '\n' ' ')
	# The next invocation repairs what it finds, or refuses and says how.
	$ND --runs 1 --output "$RB_OUT/$kname-next.json" "$ns" \
		>/dev/null 2>"$RB_OUT/$kname-next.err"
	rc=$?
	phase=$(sed -n "s/.*killed during '\([^']*\)'.*/\1/p" \
		"$RB_OUT/$kname-next.err")
	PHASES="$PHASES ${phase:-none}"
	t_diag "$kname: SIGKILL after $delay ms, phase ${phase:-none};" \
		"left in $RUNDIR: $left"
	if [ $rc = 0 ]; then
		t_is "$kname: next run repaired; configuration as at start" \
			"$(ns_state)" "$want" && SURVIVED=$((SURVIVED + 1))
	else
		t_fail "$kname: next run failed (exit $rc)"
		t_diag "$(head -n 3 "$RB_OUT/$kname-next.err")"
	fi
	t_is "$kname: no state record left" \
		"$(ls $RUNDIR 2>/dev/null | grep -c -v '\.lock$')" 0
	# A personality put back after a kill in mid-reconfigure lands on the
	# region's seed device, whose instance name (pfn0.N) the kernel picks.
	t_is "$kname: bindings as at start (by device type)" \
		"$(bindings_by_type)" "$bind0"
}

bindings_by_type()
{
	binding_state | sed 's/^\(pfn\|dax\|btt\)[0-9]*\.[0-9]* /\1 /' | sort
}

# concurrent NS DAX: one device under its two names at once. While an
# ndctl-rebind-bench run on NS holds the host lock, daxctl-rebind-bench on
# DAX is refused (exit 4, one line naming the lock) and the first run ends
# as if alone.
concurrent()
{
	local before runner i rc

	before=$(snapshot)
	$ND --runs 30 --output "$RB_OUT/concurrent-nd.json" "$1" \
		>/dev/null 2>"$RB_OUT/concurrent-nd.err" &
	runner=$!
	i=0
	while [ ! -s "$RUNDIR/$1.json" ] && [ $i -lt 100 ]; do
		usleep 50000
		i=$((i + 1))
	done
	$DAX --runs 2 "$2" >"$RB_OUT/concurrent-dax.out" \
		2>"$RB_OUT/concurrent-dax.err"
	rc=$?
	if kill -0 $runner 2>/dev/null; then
		t_is "concurrent: $2 refused while $1 runs (exit 4)" $rc 4
	else
		t_fail "concurrent: the $1 run ended before $2 was tried"
	fi
	one_line concurrent "$RB_OUT/concurrent-dax.err"
	t_like "concurrent: the refusal names the host lock" \
		"$(cat "$RB_OUT/concurrent-dax.err")" "holds $RUNDIR/run.lock"
	t_is "concurrent: nothing on stdout" \
		"$(wc -c <"$RB_OUT/concurrent-dax.out")" 0
	wait $runner
	t_is "concurrent: the $1 run completes (exit 0)" $? 0
	t_is "concurrent: its 30 samples are all there" \
		"$(json '[.configurations[0].samples[]] | length' \
			"$RB_OUT/concurrent-nd.json")" 30
	t_is "concurrent: bindings and configuration as before" \
		"$(snapshot)" "$before"
}

part_busy()
{
	# SIGKILL: fsdax map=dev, killed while reconfiguring to map=mem.
	t_ok "set up an fsdax map=dev namespace" setup_ns fsdax -M dev
	ns=$(first_ns)
	bind0=$(bindings_by_type)
	s=$(uptime_ms)
	$ND --force --map mem --runs 2 --output "$RB_OUT/k.json" "$ns" \
		>/dev/null 2>&1
	kdur=$(( $(uptime_ms) - s ))
	t_diag "uninterrupted reconfiguring run: $kdur ms"
	for i in 0 1 2 3; do
		sigkill_trial "sigkill-$i" $ND --force --map mem --runs 2 "$ns"
	done

	# A process holding /dev/pmemX open.
	blk=/dev/$(ndctl list -n "$ns" | json '.. | .blockdev? // empty')
	dd if=/dev/urandom of="$blk" bs=1M count=4 2>/dev/null
	sum0=$(dd if="$blk" bs=1M count=4 2>/dev/null | sha256sum)
	# shellcheck disable=SC2217 # the open fd is the point
	sleep 600 <"$blk" &
	holder=$!
	refused "fsdax-open" $ND --runs 2 "$ns"
	kill $holder
	wait $holder 2>/dev/null
	t_is "fsdax-open: block data unchanged" \
		"$(dd if="$blk" bs=1M count=4 2>/dev/null | sha256sum)" "$sum0"

	# A mounted -o dax filesystem.
	if modprobe ext4 2>/dev/null && command -v mke2fs >/dev/null; then
		mkdir -p /mnt/pmem
		if mke2fs -q -F -b 4096 "$blk" >/dev/null 2>&1 &&
		   mount -t ext4 -o dax "$blk" /mnt/pmem; then
			dd if=/dev/urandom of=/mnt/pmem/data bs=1M count=4 \
				2>/dev/null
			sync
			fsum=$(sha256sum </mnt/pmem/data)
			refused "fsdax-mounted" $ND --runs 2 "$ns"
			t_is "fsdax-mounted: file data unchanged" \
				"$(sha256sum </mnt/pmem/data)" "$fsum"
			umount /mnt/pmem
		else
			t_fail "mkfs + mount -o dax on $blk"
		fi
	else
		t_skip "fsdax-mounted" "no ext4 module or mke2fs in the guest"
	fi

	# devdax: mapped, open, system-ram.
	t_ok "reconfigure to devdax align=2M" \
		ndctl create-namespace -f -e "$ns" -m devdax -a 2M
	dax=/dev/$(ndctl list -n "$ns" | json '.. | .chardev? // empty')
	if command -v rb-map-hold >/dev/null; then
		t_ok "fill 4M of $dax" rb-map-hold fill "$dax" 0x400000 8
		dsum=$(rb-map-hold sum "$dax" 0x400000)
		rb-map-hold hold "$dax" 0x200000 >"$RB_OUT/hold.out" &
		holder=$!
		i=0
		while [ ! -s "$RB_OUT/hold.out" ] && [ $i -lt 50 ]; do
			usleep 100000
			i=$((i + 1))
		done
		refused "devdax-mapped-nd" $ND --runs 2 "$ns"
		have_tool $DAX && refused "devdax-mapped-dax" $DAX --runs 2 \
			"${dax#/dev/}"
		kill $holder
		wait $holder 2>/dev/null
		t_is "devdax-mapped: data unchanged" \
			"$(rb-map-hold sum "$dax" 0x400000)" "$dsum"
	else
		t_skip "devdax-mapped" "rb-map-hold not in the guest"
	fi
	# shellcheck disable=SC2217 # the open fd is the point
	sleep 600 <"$dax" &
	holder=$!
	refused "devdax-open-nd" $ND --runs 2 "$ns"
	have_tool $DAX && refused "devdax-open-dax" $DAX --runs 2 "${dax#/dev/}"
	kill $holder
	wait $holder 2>/dev/null
	have_tool $DAX && concurrent "$ns" "${dax#/dev/}"

	if daxctl reconfigure-device -m system-ram --no-online \
		"${dax#/dev/}" >/dev/null 2>&1; then
		refused "system-ram-nd" $ND --runs 2 "$ns"
		have_tool $DAX && refused "system-ram-dax" $DAX --runs 2 \
			"${dax#/dev/}"
		t_is "system-ram: still in system-ram mode" \
			"$(daxctl list -d "${dax#/dev/}" |
				json '.. | .mode? // empty')" \
			system-ram
		t_ok "back to devdax mode" \
			daxctl reconfigure-device -m devdax "${dax#/dev/}"
	else
		t_fail "daxctl reconfigure-device -m system-ram"
	fi
	report_phases
}

# lacking DOC KEY1 KEY2: samples of the first configuration without either.
lacking()
{
	jq "[.configurations[0].samples[] | select(.$2 == null or
		.$3 == null)] | length" "$1"
}

# gap_run NAME TIMING WANT_RC CMD...: a run with one kernel facility gone.
gap_run()
{
	local gname timing want before rc

	gname=$1 timing=$2 want=$3
	shift 3
	before=$(snapshot)
	"$@" --timing "$timing" --runs 3 --output "$RB_OUT/$gname.json" \
		>/dev/null 2>"$RB_OUT/$gname.err"
	rc=$?
	TRIED=$((TRIED + 1))
	t_is "$gname: --timing $timing exits $want" $rc "$want"
	[ $rc = "$want" ] || t_diag "$(head -n 3 "$RB_OUT/$gname.err")"
	# Environment warnings may come first; the failure is one error line.
	[ "$want" = 0 ] || t_is "$gname: exactly one error line" \
		"$(grep -c -E '^(ndctl|daxctl)-rebind-bench: error: ' \
			"$RB_OUT/$gname.err")" 1
	t_is "$gname: nothing changed or left behind" "$(snapshot)" "$before" &&
		SURVIVED=$((SURVIVED + 1))
}

part_gaps()
{
	t_ok "set up an fsdax map=dev namespace" setup_ns fsdax -M dev
	ns=$(first_ns)

	# tracefs and debugfs unmounted: libtracefs may mount tracefs again,
	# so the probe source is either there or missing with a reason.
	mounts0=$(grep -c -E ' (tracefs|debugfs) ' /proc/mounts)
	umount /sys/kernel/debug/tracing 2>/dev/null
	umount /sys/kernel/debug
	umount $TRACING
	t_is "tracefs and debugfs are unmounted" \
		"$(grep -c -E ' (tracefs|debugfs) ' /proc/mounts)" 0
	gap_run notracefs auto 0 $ND "$ns"
	t_is "notracefs: probe values, or memmap_ns missing with a reason" \
		"$(json '.configurations[0] | if ([.samples[] |
			select(.memmap_ns == null)] | length) == 0 then "ok"
			elif ([.missing_sources[]? | select(.source ==
			"memmap_ns" and (.reason | length) > 0)] | length) > 0
			then "ok" else "no" end' "$RB_OUT/notracefs.json")" ok
	t_is "notracefs: every sample still has kmsg and wall values" \
		"$(lacking "$RB_OUT/notracefs.json" memmap_ms bind_ns)" 0
	t_diag "notracefs: tracefs/debugfs mounts after the run:" \
		"$(grep -E ' (tracefs|debugfs) ' /proc/mounts | cut -d' ' -f2 |
			tr '\n' ' ')"
	grep -q ' /sys/kernel/debug debugfs' /proc/mounts ||
		mount -t debugfs nodev /sys/kernel/debug
	grep -q " $TRACING tracefs" /proc/mounts ||
		mount -t tracefs nodev $TRACING
	t_is "tracefs and debugfs mounted again" \
		"$(grep -c -E ' (tracefs|debugfs) ' /proc/mounts)" "$mounts0"

	# kprobes switched off globally: the probe pair is created but never
	# fires, so the probe source must come out missing, with a reason.
	if [ -w /sys/kernel/debug/kprobes/enabled ]; then
		echo 0 >/sys/kernel/debug/kprobes/enabled
		gap_run nokprobes auto 0 $ND "$ns"
		echo 1 >/sys/kernel/debug/kprobes/enabled
		t_like "nokprobes: memmap_ns recorded as missing" \
			"$(json '.configurations[0].missing_sources[]? |
				select((.reason | length) > 0) | .source' \
				"$RB_OUT/nokprobes.json")" memmap_ns
		t_is "nokprobes: every sample still has kmsg and wall values" \
			"$(lacking "$RB_OUT/nokprobes.json" memmap_ms bind_ns)" 0
	else
		t_skip "nokprobes" "no /sys/kernel/debug/kprobes/enabled"
	fi

	# Dynamic debug control unavailable.
	: >/tmp/empty-control
	flags0=$(dyndbg_memmap_flags)
	umount /sys/kernel/debug 2>/dev/null
	mount -o bind /tmp/empty-control /proc/dynamic_debug/control
	gap_run nodyndbg auto 0 $ND "$ns"
	t_like "nodyndbg: the kmsg source is recorded as missing" \
		"$(json '.configurations[0].missing_sources[]? | .source' \
			"$RB_OUT/nodyndbg.json")" memmap_ms
	t_is "nodyndbg: every sample still has probe and wall values" \
		"$(lacking "$RB_OUT/nodyndbg.json" memmap_ns bind_ns)" 0
	gap_run nodyndbg-kmsg kmsg 6 $ND "$ns"
	umount /proc/dynamic_debug/control
	mount -t debugfs nodev /sys/kernel/debug
	t_is "nodyndbg: callsite flags as before" "$(dyndbg_memmap_flags)" \
		"$flags0"

	# /dev/kmsg overrun (EPIPE): stop the run at random points, write
	# more than the 4 MiB ring holds, let it go on; a stop inside a bind's
	# window makes its next read of /dev/kmsg fail with EPIPE. Writers to
	# /dev/kmsg are rate-limited unless printk_devkmsg is "on".
	devkmsg0=$(cat /proc/sys/kernel/printk_devkmsg)
	echo on >/proc/sys/kernel/printk_devkmsg
	before=$(snapshot)
	$ND --runs 8 --output "$RB_OUT/overrun.json" "$ns" >/dev/null \
		2>"$RB_OUT/overrun.err" &
	pid=$!
	wait_record $pid
	floods=0
	while [ $floods -lt 4 ] && [ -d /proc/$pid ]; do
		usleep $(( $(rand 160) * 1000 ))
		kill -STOP $pid 2>/dev/null || break
		head -c 5000000 /dev/zero | tr '\0' x |
			dd of=/dev/kmsg bs=900 2>/dev/null
		kill -CONT $pid
		floods=$((floods + 1))
	done
	wait $pid
	rc=$?
	echo "$devkmsg0" >/proc/sys/kernel/printk_devkmsg
	TRIED=$((TRIED + 1))
	t_is "overrun: the run completes (exit 0)" $rc 0
	t_is "overrun: 8 samples" \
		"$(json '.configurations[0].samples | length' \
			"$RB_OUT/overrun.json")" 8
	t_is "overrun: every sample has probe and wall values" \
		"$(lacking "$RB_OUT/overrun.json" memmap_ns bind_ns)" 0
	lost=$(json '[.configurations[0].samples[] |
		select(.memmap_ms == null)] | length' "$RB_OUT/overrun.json")
	t_diag "overrun: $floods floods of 5 MB; $lost of 8 samples lost" \
		"their kernel line"
	if [ "${lost:-0}" -gt 0 ]; then
		t_like "overrun: the loss is reported" \
			"$(cat "$RB_OUT/overrun.err"
			   json '.. | .text? // empty' "$RB_OUT/overrun.json")" \
			'(kmsg|overrun|lost|EPIPE|overwritten)'
	fi
	t_is "overrun: nothing changed or left behind" "$(snapshot)" \
		"$before" && SURVIVED=$((SURVIVED + 1))

	bindfail "$ns"
	report_phases
}

# bindfail NS: a bind the kernel refuses. Debian's kernel has no fault
# injection; instead the unbound pfn device gets an align that differs
# from its info block, so nd_pmem's probe fails ("init failed, settings
# mismatch") every time without touching the data. The run must fail with
# one error line, bind nothing and leave the device as it found it; with
# its own align back it binds again. (--method namespace cannot be made to
# fail this way: enabling the namespace detects the personality afresh
# from the info block.)
bindfail()
{
	local blk sum0 pfn align0 name before rc

	blk=/dev/$(ndctl list -n "$1" | json '.. | .blockdev? // empty')
	dd if=/dev/urandom of="$blk" bs=1M count=2 2>/dev/null
	sum0=$(dd if="$blk" bs=1M count=2 2>/dev/null | sha256sum)
	pfn=$(ls /sys/bus/nd/drivers/nd_pmem | grep '^pfn' | head -n 1)
	align0=$(cat "/sys/bus/nd/devices/$pfn/align")
	echo "$pfn" >/sys/bus/nd/drivers/nd_pmem/unbind
	echo 4096 >"/sys/bus/nd/devices/$pfn/align"
	name=bindfail
	before=$(snapshot)
	kmsg_mark "$name"
	$ND --runs 3 --output "$RB_OUT/$name.json" "$1" >/dev/null \
		2>"$RB_OUT/$name.err"
	rc=$?
	TRIED=$((TRIED + 1))
	t_is "$name: exits 1 (a step failed)" $rc 1
	t_is "$name: exactly one error line" \
		"$(grep -c -E '^ndctl-rebind-bench: error: ' \
			"$RB_OUT/$name.err")" 1
	t_like "$name: it names the device and points to dmesg" \
		"$(grep ': error: ' "$RB_OUT/$name.err")" \
		"error: $1: bind $pfn to nd_pmem: .*\\(see dmesg\\)\$"
	t_like "$name: the kernel refused the probe" \
		"$(kmsg_since "$name")" "$pfn: init failed, settings mismatch"
	t_is "$name: no memmap line" "$(memmap_pages_since "$name" | wc -l)" 0
	t_is "$name: the document is there, marked incomplete" \
		"$(doc_complete "$RB_OUT/$name.json")" false
	t_is "$name: left unbound as found, nothing behind" "$(snapshot)" \
		"$before" && SURVIVED=$((SURVIVED + 1))
	echo "$align0" >"/sys/bus/nd/devices/$pfn/align"
	echo "$pfn" >/sys/bus/nd/drivers/nd_pmem/bind
	t_is "bindfail: with its own align $pfn binds again" \
		"$(basename "$(readlink "/sys/bus/nd/devices/$pfn/driver")")" \
		nd_pmem
	t_is "bindfail: data unchanged" \
		"$(dd if="$blk" bs=1M count=2 2>/dev/null | sha256sum)" "$sum0"
}

case $part in
signals-fsdax-rebind)	part_signals_fsdax rebind ;;
signals-fsdax-reconf)	part_signals_fsdax reconf ;;
signals-devdax-nd)	part_signals_devdax nd ;;
signals-devdax-dax)	part_signals_devdax dax ;;
busy)			part_busy ;;
gaps)			part_gaps ;;
*)
	t_bail "usage: guest-reliability.sh signals-fsdax-rebind|" \
		"signals-fsdax-reconf|signals-devdax-nd|signals-devdax-dax|" \
		"busy|gaps"
	;;
esac
t_done
