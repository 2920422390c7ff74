#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's main job: install what is needed, build, and evaluate a
# kernel against a base kernel with the series' procedure: fsdax map=dev
# and devdax align=2M, a cold bind and 30 rebinds each, on each kernel,
# then compare them.
#
# Without pmem on this machine it boots each kernel in QEMU with an emulated
# NVDIMM (default 4 GiB) and runs the benchmark there: Debian's 6.1 as the
# base and Debian's 6.12 as the new kernel unless told otherwise.  With pmem
# it never touches a namespace unless named on the command line together
# with --force, since reconfiguring a namespace destroys its data.
#
# usage: scripts/demo.sh [options] [--force NAMESPACE...]
#   --base-kernel K  the base kernel: 6.1 (default) or 6.12 (Debian 12's
#                    current kernel of that series), a Debian release such
#                    as 6.1.0-57-amd64, or the directory of your own build:
#                    its bzImage (DIR/bzImage or DIR/arch/x86/boot/bzImage)
#                    and DIR/lib/modules/<release>/ from
#                    `make modules_install INSTALL_MOD_PATH=DIR`
#   --new-kernel K   the kernel under evaluation, the same forms (default
#                    6.12)
#   --size NG        the emulated NVDIMM (default 4G; 100G is the series'
#                    size: it needs about 4.3 GiB of free memory and 4.1 GiB
#                    free in /dev/shm)
#   --boots K        boot each kernel K times, alternating base and new
#                    (default 1); the comparison takes the boot as its unit
#   --runs N         measured rebinds per configuration (default 30)
#   --results DIR    where results, comparison and logs go
#                    (default ./rebind-bench-results)
#   --build DIR      meson build directory (default <source>/build)
#   --vm             use the VM even if this machine has pmem
#   --icount         VM under TCG only: guest clocks from the instruction
#                    count at a fixed 8 ns per instruction (run-in-vm.sh
#                    --icount-shift 3), so that the host's load does not
#                    stretch one kernel's binds more than the other's
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
runs=30
results=$PWD/rebind-bench-results
build=$top/build
use_vm=0
force=0
base_kernel=6.1
new_kernel=6.12
size=4G
boots=1
icount=()

die()
{
	echo "demo: $*" >&2
	exit 1
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs)		runs=${2:?}; shift 2 ;;
	--results)	results=${2:?}; shift 2 ;;
	--build)	build=${2:?}; shift 2 ;;
	--base-kernel)	base_kernel=${2:?}; shift 2 ;;
	--new-kernel)	new_kernel=${2:?}; shift 2 ;;
	--size)		size=${2:?}; shift 2 ;;
	--boots)	boots=${2:?}; shift 2 ;;
	--vm)		use_vm=1; shift ;;
	--icount)	icount=(--icount-shift 3); shift ;;
	--force)	force=1; shift ;;
	-h|--help)	sed -n '/^# usage/,/^set /p' "$0" | sed '$d; s/^# \?//'
			exit 0 ;;
	-*)		die "unknown option $1 (see --help)" ;;
	*)		break ;;
	esac
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs takes a positive number"
[[ $boots =~ ^[1-9][0-9]*$ ]] || die "--boots takes a positive number"
[[ $size =~ ^[1-9][0-9]*G$ ]] || die "--size takes a size such as 4G"
gib=${size%G}
for k in "$base_kernel" "$new_kernel"; do
	[ -d "$k" ] || [[ $k =~ ^[0-9]+\.[0-9]+(\.[0-9].*-amd64|-[0-9].*-amd64)?$ ]] ||
		die "kernel '$k': want 6.1, 6.12, a Debian release or a build" \
			"directory"
done

"$top/scripts/install-deps.sh" >/dev/null 2>&1 ||
	"$top/scripts/install-deps.sh" || die "installing dependencies failed"
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" >/dev/null || die "meson setup failed"
fi
ninja -C "$build" >/dev/null || ninja -C "$build" || die "build failed"
bench=$build/ndctl-plugin/ndctl-rebind-bench

# The two configurations of the demo, as ndctl-rebind-bench options.
configs=("fsdax-map-dev:--mode fsdax --map dev"
	"devdax-align-2M:--mode devdax --align 2M")

host_has_pmem()
{
	compgen -G '/sys/bus/nd/devices/region*' >/dev/null ||
		[ -n "$(ndctl list -R 2>/dev/null)" ]
}

if [ "$use_vm" = 0 ] && host_has_pmem; then
	if [ $# = 0 ] || [ "$force" = 0 ]; then
		echo "demo: this machine has pmem; the demo would run, for"
		echo "each namespace you name (its data is destroyed):"
		for c in "${configs[@]}"; do
			echo "  $bench --force ${c#*:} --runs $runs" \
				"--output $results/${c%%:*}.json NAMESPACE..."
		done
		echo "Namespaces here:"
		ndctl list -N
		echo "Run: scripts/demo.sh --force NAMESPACE...  (or --vm)"
		echo "To compare kernels on this machine, run it once booted" \
			"into each and then:"
		echo "  $bench compare --format human BASE.json NEW.json"
		exit 2
	fi
	mkdir -p "$results"
	for c in "${configs[@]}"; do
		# shellcheck disable=SC2086 # the options are words
		"$bench" --force ${c#*:} --runs "$runs" \
			--output "$results/${c%%:*}.json" "$@" 2>&1 |
			tee "$results/${c%%:*}.txt"
	done
	echo "demo: results in $results"
	exit 0
fi

[ $# = 0 ] || die "no namespace arguments in the VM (it has namespace0.0)"

# What a guest needs: its RAM (2 GiB above 16G of pmem, see run-in-vm.sh),
# QEMU itself, and the struct pages the map=dev namespaces keep in the
# NVDIMM's backing file (64 bytes per 4 KiB page), which lives in /dev/shm
# (memory) when it fits.
mem_avail_mib()
{
	awk '$1 == "MemAvailable:" { print int($2 / 1024) }' /proc/meminfo
}
shm_avail_mib()
{
	df -m --output=avail /dev/shm 2>/dev/null | tail -n 1 | tr -d ' ' ||
		echo 0
}
check_resources()
{
	local ram=512 memmap need_mem need_shm have_mem have_shm shm_msg

	[ "$gib" -le 16 ] || ram=2048
	memmap=$((gib * 16))
	need_mem=$((ram + 768 + memmap))
	need_shm=0
	[ "$gib" -le 16 ] || need_shm=$((memmap * 2 + 1024))
	have_mem=$(mem_avail_mib)
	have_shm=$(shm_avail_mib)
	if [ "$have_mem" -lt "$need_mem" ] ||
		[ "${have_shm:-0}" -lt "$need_shm" ]; then
		shm_msg=
		[ "$need_shm" = 0 ] ||
			shm_msg=" and $need_shm MiB free in /dev/shm (the"
		[ "$need_shm" = 0 ] ||
			shm_msg+=" NVDIMM's backing file)"
		die "--size $size needs $need_mem MiB of free memory" \
			"(guest RAM $ram MiB, QEMU, $memmap MiB of struct" \
			"pages)$shm_msg; this host has $have_mem MiB free," \
			"${have_shm:-0} MiB in /dev/shm"
	fi
}
check_resources

stamp=$(date -u +%Y%m%dT%H%M%SZ)
logs=$results/logs/$stamp
mkdir -p "$logs"
rm -rf "$results/base" "$results/new" "$results"/comparison.*
timeout=$((300 + gib * runs / 4))

# boot SIDE KERNEL I: one VM of KERNEL; its logs stay in $logs/SIDE-bootI,
# its documents go to $results/SIDE/bootI.
boot()
{
	local side=$1 k=$2 i=$3 out rc t0

	out=$logs/$side-boot$i
	t0=$(date +%s)
	printf 'demo: %s kernel %s, boot %d of %d ... ' "$side" "$k" "$i" \
		"$boots"
	rc=0
	"$top/test/vm/run-in-vm.sh" --build "$build" --kernel "$k" \
		--pmem nvdimm --size "$size" --timeout "$timeout" \
		"${icount[@]}" \
		--out "$out" -- guest-demo.sh "$runs" \
		>"$out.log" 2>&1 || rc=$?
	if [ "$rc" != 0 ]; then
		echo "failed"
		tail -n 15 "$out.log" >&2
		die "the benchmark in the VM failed (logs: $out, $out.log)"
	fi
	echo "$(jq -r .release "$out/vm.json"), $(($(date +%s) - t0)) s"
	mkdir -p "$results/$side/boot$i"
	for c in "${configs[@]}"; do
		cp "$out/${c%%:*}.json" "$out/${c%%:*}.txt" \
			"$results/$side/boot$i/"
	done
	cp "$out/vm.json" "$results/$side/boot$i/"
}

echo "demo: no pmem here: booting each kernel in QEMU with a $size" \
	"emulated NVDIMM; base $base_kernel, new $new_kernel," \
	"$boots boot(s) each, $runs rebinds per configuration"
for i in $(seq 1 "$boots"); do
	boot base "$base_kernel" "$i"
	boot new "$new_kernel" "$i"
done

release()	# SIDE
{
	jq -r .release "$results/$1/boot1/vm.json"
}
accel=$(jq -r .accel "$results/base/boot1/vm.json")

# The human summaries without their warnings, which are printed once at
# the end: the tool says each on stderr as "PROG: warning: TEXT" and again
# in the summary as "warning: [ID] TEXT" wrapped over indented lines.
warnings=$logs/warnings
: >"$warnings"
summary()	# FILE
{
	awk -v w="$warnings" '
		/^[a-z-]+: warning: / {
			sub(/^[a-z-]+: /, ""); print >>w; next }
		/^warning: \[/ { skip = 1; next }
		skip && /^    / { next }
		{ skip = 0; print }' "$1"
}
for side in base new; do
	echo
	echo "=== $side kernel $(release "$side")"
	for i in $(seq 1 "$boots"); do
		for c in "${configs[@]}"; do
			f=$results/$side/boot$i/${c%%:*}.txt
			[ "$boots" = 1 ] || echo "--- boot $i"
			summary "$f"
		done
	done
done

# The comparison, one results document per boot and configuration.
docs()	# SIDE
{
	local i c

	for i in $(seq 1 "$boots"); do
		for c in "${configs[@]}"; do
			echo "$results/$1/boot$i/${c%%:*}.json"
		done
	done
}
mapfile -t base_docs < <(docs base)
mapfile -t new_docs < <(docs new)
"$bench" compare --format json -o "$results/comparison.json" \
	--plot "$results/comparison.svg" "${base_docs[@]}" -- "${new_docs[@]}" \
	2>>"$warnings" || die "compare failed (see $warnings)"
"$bench" compare --format human -o "$results/comparison.txt" \
	"${base_docs[@]}" -- "${new_docs[@]}" 2>/dev/null ||
	die "compare failed"
echo
echo "=== comparison: base $(release base) vs new $(release new)"
cat "$results/comparison.txt"

echo
if [ "$accel" = tcg ]; then
	echo "emulated guest (TCG): absolute times are not those of hardware;" \
		"compare the kernels with each other"
else
	echo "virtual machine (KVM): absolute times are those of a guest"
fi
if [ -s "$warnings" ]; then
	sed 's/^ *//' "$warnings" | sort | uniq
fi
cat <<EOF

Results in $results: base/ and new/ (one results document per boot and
configuration), comparison.json, comparison.txt, comparison.svg;
this run's VM logs in $logs.
Next: your own kernels: scripts/demo.sh --base-kernel BUILD_DIR --new-kernel BUILD_DIR
  (DIR holds bzImage and lib/modules/ from make modules_install INSTALL_MOD_PATH=DIR);
  the series' size: --size 100G; more boots for tighter intervals: --boots 3.
On a machine with pmem: scripts/demo.sh --force NAMESPACE... under each kernel,
  then $bench compare --format human BASE.json -- NEW.json
EOF
