# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh busy: SIGKILL then the next invocation; busy
# devices (mapped or open /dev/daxX.Y, system-ram mode, held or mounted
# /dev/pmemX) refused without --force, data unchanged; one device under
# its two names at once.
# Sourced by guest-reliability.sh after guest-lib.sh and guest-fault-lib.sh.

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
	left=$(ls $STATEDIR 2>/dev/null | tr '\n' ' ')
	# The next invocation repairs what it finds, or refuses and says how.
	$ND --runs 1 --output "$RB_OUT/$kname-next.json" "$ns" \
		>/dev/null 2>"$RB_OUT/$kname-next.err"
	rc=$?
	phase=$(sed -n "s/.*killed during '\([^']*\)'.*/\1/p" \
		"$RB_OUT/$kname-next.err")
	PHASES="$PHASES ${phase:-none}"
	t_diag "$kname: SIGKILL after $delay ms, phase ${phase:-none};" \
		"left in $STATEDIR: $left"
	if [ $rc = 0 ]; then
		t_is "$kname: next run repaired; configuration as at start" \
			"$(ns_state)" "$want" && SURVIVED=$((SURVIVED + 1))
	else
		t_fail "$kname: next run failed (exit $rc)"
		t_diag "$(head -n 3 "$RB_OUT/$kname-next.err")"
	fi
	t_is "$kname: no state record left" \
		"$(ls $STATEDIR 2>/dev/null | grep -c '')" 0
	# See bindings_by_type in guest-lib.sh.
	t_is "$kname: bindings as at start (by device type)" \
		"$(bindings_by_type)" "$bind0"
}

# concurrent NS DAX: one device under its two names at once. While an
# ndctl-rebind-bench run on NS holds the host lock, daxctl-rebind-bench on
# DAX is refused (exit 4, one line naming the lock) and the first run ends
# as if alone.
concurrent()
{
	local before runner rc

	before=$(snapshot)
	$ND --runs 30 --output "$RB_OUT/concurrent-nd.json" "$1" \
		>/dev/null 2>"$RB_OUT/concurrent-nd.err" &
	runner=$!
	wait_nonempty "$STATEDIR/$1.json"
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
		wait_nonempty "$RB_OUT/hold.out"
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
