# SPDX-License-Identifier: GPL-2.0
#
# guest-reliability.sh gaps: kernel-side gaps: tracefs/debugfs
# unmounted, kprobes off, dynamic debug unavailable, /dev/kmsg overrun, a
# driver bind the kernel refuses.
# Sourced by guest-reliability.sh after guest-lib.sh and guest-fault-lib.sh.

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
