#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot Debian's kernel in QEMU (TCG) with emulated pmem and run one guest
# script in it; see usage() below.  The exit status is the guest script's
# status, so the VM can be used as a meson test.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
srcroot=$(cd "$here/../.." && pwd)

usage()
{
	cat <<USAGE
usage: run-in-vm.sh [options] -- GUEST_SCRIPT [ARG...]

  --pmem nvdimm|e820|hmem
                      emulated NVDIMM with a 128K label area, label-less at
                      boot (default), legacy e820 pmem via memmap=, or RAM
                      above 4G turned soft-reserved by memmap= (dax_hmem:
                      a dynamic dax region, as HMAT/CXL memory gives)
  --size 1G|4G        pmem size (default 1G), of each NVDIMM
  --nvdimms 1|2       nvdimm only: how many NVDIMMs (default 1), each with its
                      own backing file and label area: region0, region1
  --labels            nvdimm only: init-labels before the script, leaving an
                      empty labelled region
  --dyndbg            boot with the memmap_init_zone_device pr_debug enabled
  --icount            guest clocks from the instruction count (-icount
                      shift=auto,sleep=off): jiffies, TSC and timer
                      interrupts stay consistent whatever the host's load,
                      so the kernel's jiffies figure can be checked against
                      the kprobe pair; the guest sees rb_clock=icount
  --timeout SECONDS   kill the VM after this long (default 120), times
                      \$RB_VM_TIMEOUT_FACTOR (default 1) on a loaded host
                      (with meson test --timeout-multiplier)
  --out DIR           results directory (default BUILD/vm-runs/NAME-PMEM-SIZE);
                      the guest's \$RB_OUT, plus vm-console.log, vm-results.log
  --build DIR         meson build dir with the executables (default
                      \$RB_BUILD or SRC/build); it also holds the cache
  --cache DIR         kernel/initramfs cache (default \$RB_VM_CACHE or
                      BUILD/vm-cache)
  --append ARGS       extra kernel command line
  --data FILE         copy FILE into the guest as \$RB_DATA/NAME (repeatable)
  --prepare           only fetch the kernel and build the cached initramfs

GUEST_SCRIPT is a path or a file name in test/vm/; it runs under busybox sh
with the helpers of test/vm/guest-lib.sh at \$RB_LIB and the other
guest-side scripts of test/vm/ in \$RB_GUEST.  The executables of
BUILD/ndctl-plugin, BUILD/daxctl-plugin and BUILD/test/vm are on its PATH.

Exit status: the guest script's (0 pass, 77 skip), 124 timeout,
125 the VM failed (boot, guest setup, panic or no verdict), 2 bad usage.
USAGE
}

die()
{
	echo "run-in-vm: $*" >&2
	exit 125
}

usage_error()
{
	echo "run-in-vm: $*" >&2
	usage >&2
	exit 2
}

pmem=nvdimm
size=1G
nvdimms=1
labels=0
dyndbg=0
icount=0
timeout=120
out=
build=${RB_BUILD:-$srcroot/build}
cache=${RB_VM_CACHE:-}
extra_append=
prepare=0
script=
script_args=()
data=()
work=
backings=()

# parse_args ARG...: the options into the globals above.
parse_args()
{
	while [ $# -gt 0 ]; do
		case $1 in
		--pmem)		pmem=${2:?}; shift 2 ;;
		--size)		size=${2:?}; shift 2 ;;
		--nvdimms)	nvdimms=${2:?}; shift 2 ;;
		--labels)	labels=1; shift ;;
		--dyndbg)	dyndbg=1; shift ;;
		--icount)	icount=1; shift ;;
		--timeout)	timeout=${2:?}; shift 2 ;;
		--out)		out=${2:?}; shift 2 ;;
		--build)	build=${2:?}; shift 2 ;;
		--cache)	cache=${2:?}; shift 2 ;;
		--append)	extra_append=${2:?}; shift 2 ;;
		--data)		data+=("${2:?}"); shift 2 ;;
		--prepare)	prepare=1; shift ;;
		-h|--help)	usage; exit 0 ;;
		--)		shift; break ;;
		*)		usage_error "unknown option $1" ;;
		esac
	done
	if [ "$prepare" = 0 ]; then
		[ $# -ge 1 ] || usage_error "no guest script"
		script=$1
		shift
		script_args=("$@")
		[ -f "$script" ] || script=$here/$script
		[ -f "$script" ] || usage_error "no guest script $1"
	fi

	case $pmem in
	nvdimm|e820|hmem) ;;
	*) usage_error "--pmem must be nvdimm, e820 or hmem" ;;
	esac
	[[ $size =~ ^[1-9][0-9]*G$ ]] ||
		usage_error "--size must be like 1G or 4G"
	gib=${size%G}
	[[ $nvdimms =~ ^[12]$ ]] || usage_error "--nvdimms must be 1 or 2"
	[ "$nvdimms" = 1 ] || [ "$pmem" = nvdimm ] ||
		usage_error "--nvdimms needs --pmem nvdimm"
	for a in "${data[@]}"; do
		[ -f "$a" ] || usage_error "no data file $a"
	done
	[ "$labels" = 0 ] || [ "$pmem" = nvdimm ] ||
		usage_error "--labels needs --pmem nvdimm (e820 has no labels)"
	[[ $timeout =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout takes seconds"
	[[ ${RB_VM_TIMEOUT_FACTOR:-1} =~ ^[1-9][0-9]*$ ]] ||
		usage_error "RB_VM_TIMEOUT_FACTOR must be a whole number"
	timeout=$((timeout * ${RB_VM_TIMEOUT_FACTOR:-1}))

	command -v qemu-system-x86_64 >/dev/null ||
		die "qemu-system-x86_64 missing (run scripts/install-deps.sh)"
	[ -d "$build" ] || die "no build directory $build (use --build)"
	build=$(cd "$build" && pwd)
	cache=${cache:-$build/vm-cache}
	mkdir -p "$cache"
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup()
{
	[ -z "$work" ] || rm -rf "$work"
	[ "${#backings[@]}" = 0 ] || rm -f "${backings[@]}"
}

# fetch_kernel: kver, kernel and the base initramfs, from the cache.
fetch_kernel()
{
	kver=$("$here/fetch-kernel.sh" "$cache") || die "cannot get a kernel"
	kernel=$cache/kernel/$kver/boot/vmlinux-$kver.pvh
	[ -f "$kernel" ] || kernel=$cache/kernel/$kver/boot/vmlinuz-$kver
	base=$("$here/make-initramfs.sh" base "$cache" "$kver") ||
		die "cannot build the base initramfs"
}

# setup_out: name and out, the results directory, emptied if a previous
# run made it.
setup_out()
{
	name=$(basename "$script" .sh)-$pmem-$size
	[ "$nvdimms" = 1 ] || name=$name-x$nvdimms
	[ "$labels" = 1 ] && name=$name-labels
	out=${out:-$build/vm-runs/$name}
	# Only ever empty a directory this script created.
	if [ -d "$out" ] && [ -n "$(ls -A "$out")" ] &&
		[ ! -e "$out/.rb-vm-out" ]; then
		die "$out is not empty and not a previous run-in-vm output"
	fi
	mkdir -p "$out"
	out=$(cd "$out" && pwd)
	find "$out" -mindepth 1 -delete
	touch "$out/.rb-vm-out"
}

# build_initrd: $work/initrd.cpio, the base plus this run's part: /init,
# its settings, the guest script and the project's executables.
build_initrd()
{
	local stage=$work/stage a e exes=()

	mkdir -p "$stage/rb/guest" "$stage/rb/data"
	install -m 755 "$here/vm-init.sh" "$stage/init"
	cp "$here/guest-lib.sh" "$stage/rb/guest-lib.sh"
	# The guest-side scripts, for the ones that source others.
	cp "$here"/guest-*.sh "$here"/reliability-*.sh "$stage/rb/guest/"
	cp "$script" "$stage/rb/guest/"
	for a in "${data[@]}"; do
		cp "$a" "$stage/rb/data/"
	done
	cat >"$stage/rb/run.conf" <<CONF
export RB_SCRIPT=$(basename "$script") RB_PMEM=$pmem RB_SIZE=$size
export RB_NVDIMMS=$nvdimms RB_LABELS=$labels RB_DATA=/rb/data
CONF
	: >"$stage/rb/args"
	for a in "${script_args[@]}"; do
		printf '%s\n' "$a" >>"$stage/rb/args"
	done
	# The tools, and any helper executable built from test/vm/.
	for e in "$build/ndctl-plugin/ndctl-rebind-bench" \
		"$build/daxctl-plugin/daxctl-rebind-bench" \
		"$build"/test/vm/*; do
		[ -f "$e" ] && [ -x "$e" ] && exes+=("$e")
	done
	"$here/make-initramfs.sh" overlay "$stage" "$work/overlay.cpio" \
		"$base" "${exes[@]}" || die "cannot build the initramfs overlay"
	cat "$base" "$work/overlay.cpio" >"$work/initrd.cpio"
}

# qemu_command: the command line, in the array qemu.
qemu_command()
{
	local append shm memdev backing dimm i

	append="console=ttyS0,115200 panic=-1 oops=panic mitigations=off"
	# No crypto self-tests: they cost a second of boot under emulation.
	append+=" log_buf_len=4M cryptomgr.notests quiet"
	# A loaded host delays the emulated timer; without this the guest
	# sometimes panics with "IO-APIC + timer doesn't work".
	append+=" no_timer_check"
	[ "$dyndbg" = 0 ] ||
		append+=' dyndbg="func memmap_init_zone_device +p"'

	qemu=(qemu-system-x86_64 -accel tcg -cpu "qemu64,+rdrand" -smp 1
		-display none -no-reboot -nic none -nodefaults
		-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
		-kernel "$kernel" -initrd "$work/initrd.cpio"
		-serial "file:$out/vm-console.log"
		-chardev "stdio,id=res,signal=off,logfile=$out/vm-results.log"
		-serial chardev:res
		-virtfs "local,path=$out,mount_tag=out,security_model=none")
	if [ "$pmem" = nvdimm ]; then
		# Fresh sparse files: label-less until someone writes labels.
		# In memory when they fit even if filled, twice over for a
		# guest running alongside (a container's /dev/shm may be 64M:
		# running out would kill QEMU), else in $TMPDIR.
		shm=$(df -k --output=avail /dev/shm 2>/dev/null | tail -n 1) ||
			shm=0
		qemu+=(-machine "pc,nvdimm=on"
			-m "512M,slots=2,maxmem=$((gib * nvdimms + 2))G")
		for i in $(seq 1 "$nvdimms"); do
			if [ "${shm:-0}" -gt $((gib * nvdimms * 2048 * 1024)) ]
			then
				backing=$(mktemp /dev/shm/rb-vm-nvdimm.XXXXXX)
			else
				backing=$(mktemp "$work/nvdimm.XXXXXX")
			fi
			backings+=("$backing")
			truncate -s $(((gib << 30) + (128 << 10))) "$backing"
			memdev="id=mem$i,share=on,mem-path=$backing"
			memdev+=",size=$(stat -c %s "$backing")"
			dimm="id=nvdimm$i,memdev=mem$i,label-size=128K"
			qemu+=(-object "memory-backend-file,$memdev"
				-device "nvdimm,$dimm")
		done
	else
		# Guest RAM below 4G, and exactly the pmem range above it.
		qemu+=(-machine "pc,max-ram-below-4g=1G" -m "$((gib + 1))G")
		if [ "$pmem" = e820 ]; then
			append+=" memmap=${gib}G!4G"
		else
			# RAM (type 1) -> soft reserved (E820_TYPE_SOFT_RESERVED)
			append+=" memmap=${gib}G%4G-1+0xefffffff"
		fi
	fi
	if [ "$icount" = 1 ]; then
		# Under plain TCG a late host thread delays the guest's tick,
		# so jiffies lag the clocksource by whole ticks; counted
		# instructions drive every guest clock alike. sleep=off: an
		# idle guest jumps to its next timer instead of waiting.
		qemu+=(-icount "shift=auto,sleep=off")
		append+=" rb_clock=icount"
	fi
	[ -z "$extra_append" ] || append+=" $extra_append"
	qemu+=(-append "$append")
}

# judge QEMU_STATUS: status and why, from QEMU's exit status, the verdict
# line and the console.
judge()
{
	local rc=$1 said

	status=125
	case $rc in
	124|137)
		why="timeout after $timeout s"
		status=124 ;;
	0)	why="no verdict (guest powered off or rebooted)" ;;
	253)	why="guest setup failed (see vm-results.log)" ;;
	*)	said=$(sed -n 's/^# vm-init: verdict \([0-9]*\)$/\1/p' \
			"$out/vm-results.log" | tail -n 1)
		if [ $((rc % 2)) = 1 ] && [ "$said" = $(((rc - 1) / 2)) ]
		then
			status=$said
			why="guest script exit status $status"
		else
			why="qemu failed with status $rc"
		fi ;;
	esac
	if grep -q 'Kernel panic' "$out/vm-console.log" 2>/dev/null; then
		why="$why; kernel panic"
		status=125
	fi
}

main()
{
	local t0 t1 t2 rc

	parse_args "$@"
	if [ "$prepare" = 1 ]; then
		fetch_kernel
		echo "run-in-vm: kernel $kver and initramfs in $cache" >&2
		exit 0
	fi
	setup_out
	work=$(mktemp -d "${TMPDIR:-/tmp}/rb-vm.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	t0=$(date +%s.%N)
	fetch_kernel
	build_initrd
	qemu_command
	echo "run-in-vm: $name: kernel $kver, results in $out" >&2
	t1=$(date +%s.%N)
	rc=0
	timeout -k 5 "$timeout" "${qemu[@]}" </dev/null || rc=$?
	t2=$(date +%s.%N)
	judge "$rc"

	awk -v n="$name" -v w="$why" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
		'BEGIN { printf "run-in-vm: %s: %s; %.1f s (VM %.1f s)\n",
			n, w, t2 - t0, t2 - t1 }' >&2
	if [ "$status" != 0 ] && [ "$status" != 77 ] &&
		[ -s "$out/vm-console.log" ]; then
		echo "run-in-vm: last console lines ($out/vm-console.log):" >&2
		tail -n 25 "$out/vm-console.log" >&2
	fi
	echo "run-in-vm: logs and results: $out" >&2
	exit "$status"
}

# Everything runs from functions, so bash has read the whole file before
# it starts: editing the file cannot disturb a run in progress.
main "$@"
