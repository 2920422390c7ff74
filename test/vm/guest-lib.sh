# SPDX-License-Identifier: GPL-2.0
#
# Helpers for guest scripts (test/vm/guest-*.sh), sourced with
#	. "$RB_LIB"
# TAP output: every check prints "ok N - what" or "not ok N - what";
# t_done prints the plan and returns non-zero when a check failed, so a
# script ends with `t_done`, and its exit status becomes the VM's verdict.
#
# Environment set by the VM's /init:
#	RB_OUT		results directory; its files appear in the host's --out
#	RB_PMEM		nvdimm | e820
#	RB_SIZE		pmem size, e.g. 1G (of each NVDIMM)
#	RB_NVDIMMS	how many NVDIMMs (1 or 2: region0, region1)
#	RB_DATA		directory of the files given with run-in-vm.sh --data
#	RB_LABELS	1 when the region was switched to labelled mode
# Tools in the guest: busybox, kmod, ndctl, daxctl, jq, and the project's
# ndctl-rebind-bench / daxctl-rebind-bench when they were built.

T_N=0
T_FAILED=0

t_diag()
{
	echo "$*" | sed 's/^/# /'
}

t_pass()
{
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

t_fail()
{
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

# t_ok WHAT CMD [ARG...]: passes when CMD succeeds; shows its output if not.
t_ok()
{
	_what=$1
	shift
	if _out=$("$@" 2>&1); then
		t_pass "$_what"
	else
		t_fail "$_what"
		t_diag "command: $*" "$_out"
	fi
}

# t_fails WHAT CMD [ARG...]: passes when CMD exits non-zero.
t_fails()
{
	_what=$1
	shift
	if _out=$("$@" 2>&1); then
		t_fail "$_what"
		t_diag "command unexpectedly succeeded: $*" "$_out"
	else
		t_pass "$_what"
	fi
}

# t_is WHAT GOT WANT: string equality.
t_is()
{
	if [ "$2" = "$3" ]; then
		t_pass "$1"
	else
		t_fail "$1"
		t_diag "got:  '$2'" "want: '$3'"
	fi
}

# t_like WHAT STRING EREGEX
t_like()
{
	if printf '%s\n' "$2" | grep -Eq -- "$3"; then
		t_pass "$1"
	else
		t_fail "$1"
		t_diag "'$2'" "does not match /$3/"
	fi
}

t_skip()
{
	T_N=$((T_N + 1))
	echo "ok $T_N - $1 # SKIP $2"
}

# t_bail WHY: abandon the script (e.g. a precondition for every later check
# failed).
t_bail()
{
	echo "Bail out! $*"
	exit 1
}

t_done()
{
	echo "1..$T_N"
	[ "$T_N" -gt 0 ] && [ "$T_FAILED" = 0 ]
}

# json FILTER [FILE]: jq -r on FILE or stdin, empty on null.
json()
{
	jq -r "($1) // empty" ${2:+"$2"}
}

# Kernel log helpers.  The memmap line is a pr_debug on Debian's kernel.

MEMMAP_RE='memmap_init_zone_device initialised [0-9]+ pages in [0-9]+ms'

dyndbg_memmap()	# on | off
{
	case $1 in
	on)	echo 'func memmap_init_zone_device +p' ;;
	off)	echo 'func memmap_init_zone_device -p' ;;
	esac >/proc/dynamic_debug/control
}

# dyndbg_memmap_flags: the callsite's current flags, e.g. "=p" or "=_".
dyndbg_memmap_flags()
{
	awk '$2 ~ /[] ]memmap_init_zone_device$/ { print $3 }' \
		/proc/dynamic_debug/control
}

# kmsg_mark NAME: a marker in the kernel log; kmsg_since NAME prints the
# log after it.
kmsg_mark()
{
	echo "rb-mark $1" >/dev/kmsg
}

kmsg_since()
{
	dmesg | sed -n "/rb-mark $1\$/,\$p" | sed 1d
}

# memmap_pages_since NAME: nr_pages of each memmap line after the marker.
memmap_pages_since()
{
	kmsg_since "$1" | grep -Eo "$MEMMAP_RE" | awk '{ print $3 }'
}

# wait_memmap_lines NAME N: wait (at most 60 s) until N memmap lines follow
# the marker, so that a test interrupts a run by its progress, not by a
# clock that a loaded host stretches.
wait_memmap_lines()
{
	_i=0
	while [ "$(memmap_pages_since "$1" | wc -l)" -lt "$2" ] &&
	      [ $_i -lt 600 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
}

# binding_state: "device driver" for every nd and dax bus device, sorted;
# compare snapshots to check a run left the drivers as it found them.
binding_state()
{
	for d in /sys/bus/nd/devices/* /sys/bus/dax/devices/*; do
		[ -e "$d" ] || continue
		drv=-
		[ -e "$d/driver" ] && drv=$(basename "$(readlink "$d/driver")")
		echo "$(basename "$d") $drv"
	done | sort
}

# have_tool NAME: the project's executable was built into this image.
have_tool()
{
	command -v "$1" >/dev/null 2>&1
}

# samples_match_dmesg NAME DOC: every bind the document sampled (cold,
# warmup, steady) is exactly one memmap line of dmesg in the run's time
# span: same printk time, nr_pages and milliseconds. Leaves
# $RB_OUT/NAME.dmesg-lines.
samples_match_dmesg()
{
	json '.configurations[] | (.cold // empty), .warmup[]?, .samples[]? |
		"\(.kernel_ts_usec) \(.nr_pages) \(.memmap_ms)"' "$2" | sort -n \
		>"$RB_OUT/$1.doc-lines"
	dmesg | sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] .*memmap_init_zone_device initialised \([0-9]*\) pages in \([0-9]*\)ms.*/\1\2 \3 \4/p' |
		awk -v lo="$(head -n 1 "$RB_OUT/$1.doc-lines" | cut -d' ' -f1)" \
		    -v hi="$(tail -n 1 "$RB_OUT/$1.doc-lines" | cut -d' ' -f1)" \
		    '$1 + 0 >= lo + 0 && $1 + 0 <= hi + 0' \
		>"$RB_OUT/$1.dmesg-lines"
	t_is "$1: samples are exactly the dmesg memmap lines of the run" \
		"$(md5sum <"$RB_OUT/$1.dmesg-lines")" \
		"$(md5sum <"$RB_OUT/$1.doc-lines")"
}

# probe_matches_kmsg NAME DOC: the kprobe pair saw the same binds as the
# kernel line: one probe hit per memmap line, inside the bind write, and,
# when the guest's clocks come from the instruction count (run-in-vm.sh
# --icount), the two durations within one jiffy plus 1 ms for every bind.
# Under plain TCG a late host thread delays the guest's tick and the
# jiffies figure strays by whole ticks (25 ms below to 8 ms above the
# probe at HZ=250), so there the differences are only reported.
probe_matches_kmsg()
{
	t_is "$1: one probe hit per memmap line in every bind (no probe warnings)" \
		"$(json '[.. | objects | .warnings? // empty | .[].id |
			select(startswith("probe-"))] | join(" ")' "$2")" ""
	t_is "$1: every probe interval lies inside its bind write" \
		"$(json '[.configurations[] | (.cold // empty), .warmup[]?,
			.samples[]? | select(.memmap_ns == null or
			.bind_ns == null or .memmap_ns >= .bind_ns)] |
			length' "$2")" 0
	json '.configurations[] | (.cold // empty), .warmup[]?, .samples[]? |
		.memmap_ns / 1e6 - .memmap_ms' "$2" | sort -n >"$RB_OUT/$1.diff"
	t_diag "$1: probe - kmsg ms: $(tr '\n' ' ' <"$RB_OUT/$1.diff")"
	if ! grep -qw rb_clock=icount /proc/cmdline; then
		t_diag "$1: guest clocks follow the host's load; not compared"
		return
	fi
	hz=$(json '.fingerprint.hz' "$2")
	t_is "$1: probe and kmsg agree within 1000/HZ + 1 ms in every bind" \
		"$(awk -v tol="$(awk -v hz="${hz:-250}" \
			'BEGIN { print 1000 / hz + 1 }')" \
			'$1 > tol || -$1 > tol { bad++ }
			END { print NR ? bad + 0 : "none" }' \
			"$RB_OUT/$1.diff")" 0
}
