#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel (Debian's 6.1 or 6.12, or your own build) in QEMU with
# emulated pmem and run one guest script in it; see usage() below.  The exit status is the guest script's
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
  --size NG           pmem size (default 1G), of each NVDIMM; above 16G the
                      guest gets 2 GiB of RAM (the struct pages of a
                      map=dev namespace live in the pmem itself)
  --kernel KERNEL     6.1 (default) or 6.12: Debian 12's current kernel of
                      that series; a Debian release (6.1.0-57-amd64); or a
                      directory with your build's bzImage and the tree of
                      make modules_install INSTALL_MOD_PATH=DIR (see
                      fetch-kernel.sh)
  --accel auto|kvm|tcg
                      KVM when /dev/kvm is usable, else TCG (default auto,
                      or \$RB_VM_ACCEL); the guest sees rb_accel=kvm|tcg on
                      its command line, which the results record
  --nvdimms 1|2       nvdimm only: how many NVDIMMs (default 1), each with its
                      own backing file and label area: region0, region1
  --labels            nvdimm only: init-labels before the script, leaving an
                      empty labelled region
  --dyndbg            boot with the memmap_init_zone_device pr_debug enabled
  --disk SIZE         a fresh ext4 image of SIZE (e.g. 16M, mkfs.ext4 -F on
                      a file) as a virtio disk; the guest sees RB_DISK, the
                      device to mount
  --boots 1|2         boot this many times (default 1) with the same pmem
                      backing files and disk, kept between boots: every boot
                      but the last must end in a reset of the guest (e.g.
                      echo b >/proc/sysrq-trigger; -no-reboot makes QEMU
                      exit) after at least one check and none failed, its
                      logs vm-console-bootN.log and vm-results-bootN.log;
                      the last gives the verdict; the guest sees RB_BOOT
                      (1, 2) and --labels applies to the first boot only
  --icount            (TCG only) guest clocks from the instruction count (-icount
                      shift=auto,sleep=off): jiffies, TSC and timer
                      interrupts stay consistent whatever the host's load,
                      so the kernel's jiffies figure can be checked against
                      the kprobe pair; the guest sees rb_clock=icount
  --icount-shift N    --icount with a fixed rate, 2^N ns per instruction (0-10)
                      instead of shift=auto, which doubles or halves the
                      rate to follow real time when the host's load changes
                      and so makes one bind twice or four times another
  --timeout SECONDS   kill the VM after this long (default 120), times
                      \$RB_VM_TIMEOUT_FACTOR (default 1) on a loaded host
                      (with meson test --timeout-multiplier)
  --out DIR           results directory (default BUILD/vm-runs/NAME-PMEM-SIZE);
                      the guest's \$RB_OUT, plus vm-console.log, vm-results.log
                      and vm.json (kernel, release, accelerator, size)
  --build DIR         meson build dir with the executables (default
                      \$RB_BUILD or SRC/build); it also holds the cache
  --cache DIR         kernel/initramfs cache (default \$RB_VM_CACHE or
                      BUILD/vm-cache)
  --append ARGS       extra kernel command line
  --omit-modules LIST leave these modules (comma-separated, e.g.
                      dax_pmem,device_dax) out of the guest: as if the
                      kernel had been built without them
  --data FILE         copy FILE into the guest as \$RB_DATA/NAME (repeatable)
  --prepare           only fetch the kernel and build the cached initramfs
  --ssh-port PORT     a host Ansible can manage: dropbear, Python 3 and dpkg
                      in the initramfs (make-ssh-layer.sh), user networking
                      cut off from everything (restrict=on) but guest port 22
                      forwarded from 127.0.0.1:PORT; the guest sees
                      \$RB_SSH_PORT

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
kernel_spec=6.1
accel=${RB_VM_ACCEL:-auto}
nvdimms=1
labels=0
dyndbg=0
disk_size=
boots=1
boot=1
icount=0
icount_shift=auto
timeout=120
out=
build=${RB_BUILD:-$srcroot/build}
cache=${RB_VM_CACHE:-}
extra_append=
omit_modules=
prepare=0
script=
script_args=()
data=()
ssh_port=
work=
backings=()

# parse_args ARG...: the options into the globals above.
parse_args()
{
	while [ $# -gt 0 ]; do
		case $1 in
		--pmem)		pmem=${2:?}; shift 2 ;;
		--size)		size=${2:?}; shift 2 ;;
		--kernel)	kernel_spec=${2:?}; shift 2 ;;
		--accel)	accel=${2:?}; shift 2 ;;
		--nvdimms)	nvdimms=${2:?}; shift 2 ;;
		--labels)	labels=1; shift ;;
		--dyndbg)	dyndbg=1; shift ;;
		--disk)		disk_size=${2:?}; shift 2 ;;
		--boots)	boots=${2:?}; shift 2 ;;
		--icount)	icount=1; shift ;;
		--icount-shift)	icount=1; icount_shift=${2:?}; shift 2 ;;
		--timeout)	timeout=${2:?}; shift 2 ;;
		--out)		out=${2:?}; shift 2 ;;
		--build)	build=${2:?}; shift 2 ;;
		--cache)	cache=${2:?}; shift 2 ;;
		--append)	extra_append=${2:?}; shift 2 ;;
		--omit-modules)	omit_modules=${2:?}; shift 2 ;;
		--data)		data+=("${2:?}"); shift 2 ;;
		--prepare)	prepare=1; shift ;;
		--ssh-port)	ssh_port=${2:?}; shift 2 ;;
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
		usage_error "--size must be like 1G, 4G or 100G"
	[[ $icount_shift =~ ^(auto|[0-9]|10)$ ]] ||
		usage_error "--icount-shift takes 0 to 10"
	gib=${size%G}
	case $accel in
	auto)	accel=tcg
		kvm_usable && accel=kvm ;;
	kvm)	kvm_usable || die "--accel kvm: /dev/kvm is not usable" ;;
	tcg)	;;
	*)	usage_error "--accel must be auto, kvm or tcg" ;;
	esac
	[[ $nvdimms =~ ^[12]$ ]] || usage_error "--nvdimms must be 1 or 2"
	[[ $boots =~ ^[12]$ ]] || usage_error "--boots must be 1 or 2"
	[[ $disk_size =~ ^([1-9][0-9]*[MG])?$ ]] ||
		usage_error "--disk takes a size like 16M"
	[ -z "$disk_size" ] || command -v mkfs.ext4 >/dev/null ||
		die "mkfs.ext4 missing (run scripts/install-deps.sh)"
	[ "$nvdimms" = 1 ] || [ "$pmem" = nvdimm ] ||
		usage_error "--nvdimms needs --pmem nvdimm"
	for a in "${data[@]}"; do
		[ -f "$a" ] || usage_error "no data file $a"
	done
	[ "$labels" = 0 ] || [ "$pmem" = nvdimm ] ||
		usage_error "--labels needs --pmem nvdimm (e820 has no labels)"
	[[ $timeout =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout takes seconds"
	[[ $ssh_port =~ ^([1-9][0-9]*)?$ ]] || usage_error "--ssh-port takes a port"
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

# kvm_usable: /dev/kvm opens read-write and a KVM guest runs: a 64 KiB
# firmware whose reset vector writes 1 to isa-debug-exit (QEMU exits 3).
# Some hosts (nested set-ups) expose a /dev/kvm whose vCPUs QEMU cannot
# set up.
kvm_usable()
{
	local fw rc=0

	[ -c /dev/kvm ] && (exec 3<>/dev/kvm) 2>/dev/null || return 1
	fw=$(mktemp "${TMPDIR:-/tmp}/rb-kvm-probe.XXXXXX")
	{
		head -c 65520 /dev/zero | tr '\0' '\364'
		printf '\260\001\346\364'
		head -c 12 /dev/zero | tr '\0' '\364'
	} >"$fw"
	# In a subshell that waits for it, so that bash's note of a QEMU
	# that aborts goes to /dev/null too.
	(timeout 20 qemu-system-x86_64 -accel kvm -cpu host -machine pc \
		-nodefaults -display none -no-reboot -bios "$fw" \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04
	 exit $?) >/dev/null 2>&1 || rc=$?
	rm -f "$fw"
	[ "$rc" = 3 ]
}

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup()
{
	[ -z "$work" ] || rm -rf "$work"
	[ "${#backings[@]}" = 0 ] || rm -f "${backings[@]}"
}

# fetch_kernel: kid (its directory in the cache), kver (its release),
# kernel (the image) and the base initramfs.
fetch_kernel()
{
	kid=$("$here/fetch-kernel.sh" "$cache" "$kernel_spec") ||
		die "cannot get the kernel $kernel_spec"
	kver=$(ls "$cache/kernel/$kid/lib/modules")
	kernel=$cache/kernel/$kid/boot/vmlinux-$kver.pvh
	[ -f "$kernel" ] || kernel=$cache/kernel/$kid/boot/vmlinuz-$kver
	base=$("$here/make-initramfs.sh" base "$cache" "$kid") ||
		die "cannot build the base initramfs"
}

# write_vm_json: what ran, for whoever reads the results.
write_vm_json()
{
	local src=

	[ ! -f "$cache/kernel/$kid/.source" ] ||
		src=$(cat "$cache/kernel/$kid/.source")
	jq -n --arg spec "$kernel_spec" --arg release "$kver" \
		--arg build "$src" --arg accel "$accel" --arg pmem "$pmem" \
		--arg size "$size" --argjson nvdimms "$nvdimms" \
		--arg icount "$icount" --arg shift "$icount_shift" \
		'{kernel: $spec, release: $release,
		  build: (if $build == "" then null else $build end),
		  accel: $accel, icount: ($icount == "1"),
		  icount_shift: (if $icount == "1" then $shift else null end),
		  pmem: $pmem,
		  size: $size, nvdimms: $nvdimms}' >"$out/vm.json"
}

# setup_out: name and out, the results directory, emptied if a previous
# run made it.
setup_out()
{
	name=$(basename "$script" .sh)-$pmem-$size
	[ "$nvdimms" = 1 ] || name=$name-x$nvdimms
	[ "$labels" = 1 ] && name=$name-labels
	[ "$kernel_spec" = 6.1 ] || name=$name-$(basename "$kernel_spec")
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
export RB_OMIT_MODULES=$omit_modules
export RB_SSH_PORT=$ssh_port RB_DISK=${disk_size:+/dev/vda}
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
	local ssh_layer=
	if [ -n "$ssh_port" ]; then
		ssh_layer=$("$here/make-ssh-layer.sh" "$cache" "$kver" "$base") ||
			die "cannot build the ssh layer"
	fi
	cat "$base" ${ssh_layer:+"$ssh_layer"} "$work/overlay.cpio" \
		>"$work/initrd.cpio"
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
	append+=" no_timer_check rb_accel=$accel"
	# Hot-added memory (kmem's system-ram) stays offline until daxctl
	# onlines it, movable: Debian's 6.12 onlines it at once by default
	# (MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO), into ZONE_NORMAL, where the
	# kernel's own allocations then refuse the offline (EBUSY).
	append+=" memhp_default_state=offline"
	[ "$dyndbg" = 0 ] ||
		append+=' dyndbg="func memmap_init_zone_device +p"'
	# Unknown to the kernel, so in /init's environment.
	append+=" rb_boot=$boot"

	if [ "$accel" = kvm ]; then
		qemu=(qemu-system-x86_64 -accel kvm -cpu host)
	else
		qemu=(qemu-system-x86_64 -accel tcg -cpu "qemu64,+rdrand")
	fi
	qemu+=(-smp 1
		-display none -no-reboot -nodefaults
		-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
		-kernel "$kernel" -initrd "$work/initrd.cpio"
		-serial "file:$console_log"
		-chardev "stdio,id=res,signal=off,logfile=$results_log"
		-serial chardev:res
		-virtfs "local,path=$out,mount_tag=out,security_model=none")
	if [ "$pmem" = nvdimm ]; then
		# Fresh sparse files: label-less until someone writes labels.
		# In memory when they fit even if filled, twice over for a
		# guest running alongside (a container's /dev/shm may be 64M:
		# running out would kill QEMU), else in $TMPDIR.
		# Large ones fill only with their struct pages (64 bytes
		# per 4 KiB page with map=dev): ask twice that plus 1 GiB.
		shm=$(df -k --output=avail /dev/shm 2>/dev/null | tail -n 1) ||
			shm=0
		need=$((gib * nvdimms * 2048 * 1024))
		ram=512M
		if [ "$gib" -gt 16 ]; then
			need=$((gib * nvdimms * 32 * 1024 + 1024 * 1024))
			ram=2G
		fi
		qemu+=(-machine "pc,nvdimm=on"
			-m "$ram,slots=2,maxmem=$((gib * nvdimms + 3))G")
		for i in $(seq 1 "$nvdimms"); do
			# A later boot finds the media as the last one left it.
			backing=${backings[$((i - 1))]:-}
			if [ -n "$backing" ]; then
				:
			elif [ "${shm:-0}" -gt "$need" ]; then
				backing=$(mktemp /dev/shm/rb-vm-nvdimm.XXXXXX)
			else
				backing=$(mktemp "$work/nvdimm.XXXXXX")
			fi
			[ "$boot" -gt 1 ] || backings+=("$backing")
			[ "$boot" -gt 1 ] ||
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
	if [ -n "$disk_size" ]; then
		if [ "$boot" = 1 ]; then
			truncate -s "$disk_size" "$work/disk.img"
			mkfs.ext4 -q -F "$work/disk.img" ||
				die "mkfs.ext4 failed"
		fi
		qemu+=(-drive "file=$work/disk.img,format=raw,if=virtio")
	fi
	if [ -n "$ssh_port" ]; then
		qemu+=(-nic "user,model=virtio-net-pci,restrict=on,hostfwd=tcp:127.0.0.1:$ssh_port-:22")
	else
		qemu+=(-nic none)
	fi
	if [ "$icount" = 1 ] && [ "$accel" = kvm ]; then
		echo "run-in-vm: --icount needs TCG; KVM's clocks are the" \
			"host's" >&2
		icount=0
	elif [ "$icount" = 1 ]; then
		# Under plain TCG a late host thread delays the guest's tick,
		# so jiffies lag the clocksource by whole ticks; counted
		# instructions drive every guest clock alike. sleep=off: an
		# idle guest jumps to its next timer instead of waiting.
		qemu+=(-icount "shift=$icount_shift,sleep=off")
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
	[ "$boot" = "$boots" ] || {
		judge_reset "$rc"
		return
	}
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
	if grep -q 'Kernel panic' "$console_log" 2>/dev/null; then
		why="$why; kernel panic"
		status=125
	fi
}

# judge_reset QEMU_STATUS: a boot before the last must end in a reset
# (QEMU exits 0, -no-reboot) after a passed check and no failed one.
judge_reset()
{
	status=0
	why="boot $boot reset as planned"
	if [ "$1" != 0 ]; then
		boot=$boots judge "$1"
		[ "$status" != 0 ] || status=1
		why="boot $boot did not end in a reset: $why"
	elif grep -q 'Kernel panic' "$console_log" 2>/dev/null; then
		status=125
		why="boot $boot: kernel panic"
	elif grep -q '^not ok' "$results_log" ||
		! grep -q '^ok' "$results_log"; then
		status=1
		why="boot $boot: a check failed, or none passed, before the reset"
	fi
}

main()
{
	local t0 t1 t2 rc

	parse_args "$@"
	if [ "$prepare" = 1 ]; then
		fetch_kernel
		echo "run-in-vm: kernel $kver ($kid) and initramfs in" \
			"$cache" >&2
		exit 0
	fi
	setup_out
	work=$(mktemp -d "${TMPDIR:-/tmp}/rb-vm.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	t0=$(date +%s.%N)
	fetch_kernel
	build_initrd
	echo "run-in-vm: $name: kernel $kver ($accel), results in $out" >&2
	t1=$(date +%s.%N)
	for boot in $(seq 1 "$boots"); do
		console_log=$out/vm-console.log
		results_log=$out/vm-results.log
		if [ "$boot" != "$boots" ]; then
			console_log=$out/vm-console-boot$boot.log
			results_log=$out/vm-results-boot$boot.log
		fi
		qemu_command
		[ "$boot" != 1 ] || write_vm_json
		rc=0
		timeout -k 5 "$timeout" "${qemu[@]}" </dev/null || rc=$?
		judge "$rc"
		[ "$status" = 0 ] || break
	done
	t2=$(date +%s.%N)

	awk -v n="$name" -v w="$why" -v t0="$t0" -v t1="$t1" -v t2="$t2" \
		'BEGIN { printf "run-in-vm: %s: %s; %.1f s (VM %.1f s)\n",
			n, w, t2 - t0, t2 - t1 }' >&2
	if [ "$status" != 0 ] && [ "$status" != 77 ] &&
		[ -s "$console_log" ]; then
		echo "run-in-vm: last console lines ($console_log):" >&2
		tail -n 25 "$console_log" >&2
	fi
	echo "run-in-vm: logs and results: $out" >&2
	exit "$status"
}

# Everything runs from functions, so bash has read the whole file before
# it starts: editing the file cannot disturb a run in progress.
main "$@"
