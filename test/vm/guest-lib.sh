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
#	RB_GUEST	directory of the guest-side scripts (test/vm/guest-*.sh,
#			reliability-*.sh), for the ones that source others
#	RB_BOOT		which boot this is (run-in-vm.sh --boots): 1, 2
#	RB_DISK		the virtio disk with an ext4 file system
#			(run-in-vm.sh --disk), empty without one
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

# require_tool NAME: skip the whole script (exit 77) without NAME.
require_tool()
{
	have_tool "$1" && return 0
	t_skip "$1" "not built"
	t_done
	exit 77
}

# wait_nonempty FILE: wait (at most 5 s) until FILE has content.
wait_nonempty()
{
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 50 ]; do
		usleep 100000
		_i=$((_i + 1))
	done
}

# --- state snapshots: what a run must leave as it found it -------------

TRACING=/sys/kernel/tracing
RUNDIR=/run/rebind-bench		# the locks
STATEDIR=/var/lib/rebind-bench	# the records of runs in progress

# mount_tracefs: tracefs at $TRACING (the tools' kprobe source needs it).
mount_tracefs()
{
	[ -d $TRACING/instances ] || mount -t tracefs nodev $TRACING
}

# ns_state: every namespace's configuration and device names (not the
# uuid: a restore makes a new pfn/dax device, so its uuid may change).
ns_state()
{
	ndctl list -N | jq -c '[.. | objects | select(.dev? // "" |
		startswith("namespace")) |
		{dev, mode, map, align, size, chardev, blockdev}] |
		sort_by(.dev)'
}

# dax_state: every dax device's configuration, as daxctl lists it.
dax_state()
{
	daxctl list -D 2>/dev/null | jq -c '[.. | objects |
		select(.chardev? != null) | {chardev, size, align, mode}] |
		sort_by(.chardev)'
}

# helpers_state: the kernel facilities the tools borrow (dyndbg flags,
# tracefs instances, kprobe events) and the tools' state records.
helpers_state()
{
	echo "dyndbg $(dyndbg_memmap_flags)"
	echo "instances $(ls $TRACING/instances 2>/dev/null | tr '\n' ' ')"
	echo "kprobes $(cat $TRACING/kprobe_events 2>/dev/null | tr '\n' ' ')"
	echo "records $(ls $STATEDIR 2>/dev/null | tr '\n' ' ')"
}

snapshot()
{
	ns_state
	binding_state
	dax_state
	helpers_state
}

# bindings_by_type: binding_state with pfn/dax/btt instance numbers
# dropped. A reconfiguration (or a personality put back after a kill in
# mid-reconfigure) lands on the region's seed device, whose instance name
# (pfn0.N) the kernel picks.
bindings_by_type()
{
	binding_state | sed 's/^\(pfn\|dax\|btt\)[0-9]*\.[0-9]* /\1 /' | sort
}

# snapshot_by_type: snapshot, bindings compared by device type.
snapshot_by_type()
{
	ns_state
	bindings_by_type
	dax_state
	helpers_state
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
	t_is "$1: probe and kmsg agree within 1000/HZ + 1 ms in every bind" \
		"$(jiffy_misses "$RB_OUT/$1.diff" "$2")" 0
}

# jiffy_misses DIFFS DOC: how many differences (ms, one a line) in DIFFS
# exceed one jiffy at DOC's HZ plus 1 ms; "none" when DIFFS is empty.
jiffy_misses()
{
	_hz=$(json '.fingerprint.hz' "$2")
	awk -v tol="$(awk -v hz="${_hz:-250}" 'BEGIN { print 1000 / hz + 1 }')" \
		'$1 > tol || -$1 > tol { bad++ }
		END { print NR ? bad + 0 : "none" }' "$1"
}

# doc_summary DOC: one diagnostic line per configuration (means).
doc_summary()
{
	json '.configurations[] | "\(.target.dev) \(.target.mode) map=\(.target.map) align=\(.target.align) pages=\(.nr_pages): memmap \([.samples[].memmap_ms] | add / length) ms (kmsg), \([.samples[].memmap_ns] | add / length / 1e6) ms (probe), bind \([.samples[].bind_ns] | add / length / 1e6) ms, unbind \([.samples[].unbind_ns] | add / length / 1e6) ms"' "$1" |
		while read -r l; do t_diag "$l"; done
}

# check_doc NAME DOC NCONFIGS NBINDS: a complete document of NCONFIGS
# configurations and NBINDS sampled binds (cold + warmup + runs), each
# with its kmsg, probe and wall values, exactly the raw dmesg lines of the
# run, and the probe in agreement with the kernel line.
check_doc()
{
	_name=$1 _doc=$2 _ncfg=$3 _nsamp=$4
	t_is "$_name: $_ncfg configuration(s)" \
		"$(json '.configurations | length' "$_doc")" "$_ncfg"
	t_is "$_name: $_nsamp binds sampled (cold + warmup + runs)" \
		"$(json '[.configurations[] | (.cold // empty), .warmup[]?,
			.samples[]?] | length' "$_doc")" "$_nsamp"
	t_is "$_name: every bind has kmsg, probe and wall values" \
		"$(json '[.configurations[] | (.cold // empty), .warmup[]?,
			.samples[]? | select(.memmap_ms == null or
			.memmap_ns == null or .bind_ns == null)] | length' \
			"$_doc")" 0

	samples_match_dmesg "$_name" "$_doc"
	t_like "$_name: the window holds the expected number of lines" \
		"$(wc -l <"$RB_OUT/$_name.dmesg-lines")" "^ *$_nsamp\$"

	probe_matches_kmsg "$_name" "$_doc"
	t_is "$_name: the document is complete" \
		"$(json '.complete' "$_doc")" true
	doc_summary "$_doc"
}
