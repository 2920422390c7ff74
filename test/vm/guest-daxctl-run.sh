# SPDX-License-Identifier: GPL-2.0
#
# daxctl-rebind-bench in the guest: device_dax rebinds of a pmem-backed
# dax device at align 4K and 2M. The document must match `daxctl list` and
# the raw dmesg lines (printk time, pages, ms), the probe hit once per
# memmap line inside each bind write and (with run-in-vm.sh --icount)
# within a jiffy + 1 ms of the kernel's figure, the device ends bound to
# device_dax, dyndbg and tracefs are as before; the read-only align and a
# system-ram device are refused. On an hmem region (run-in-vm.sh --pmem
# hmem) the same for a dynamic device, plus --align 4K,2M and its refusals.
. "$RB_LIB"

BENCH=daxctl-rebind-bench
require_tool $BENCH
mount_tracefs

# hmem: RAM turned soft-reserved at boot (run-in-vm.sh --pmem hmem) is a
# dynamic dax region, as HMAT or CXL memory is: its device's align can be
# set, and nothing else here applies.
if [ "$RB_PMEM" = hmem ]; then
	dev=$(daxctl list -D | json '.. | objects | .chardev? // empty' |
		head -n 1)
	t_like "hmem: daxctl lists a dynamic dax device" "$dev" \
		'^dax[0-9]+\.[0-9]+$'
	align0=$(daxctl list -d "$dev" | json '.. | .align? // empty')
	size=$(daxctl list -d "$dev" | json '.. | .size? // empty')
	before=$(snapshot)
	t_ok "hmem: 1 warmup + 5 rebinds of $dev" \
		$BENCH --warmup 1 --runs 5 -o "$RB_OUT/hmem.json" "$dev"
	check_doc hmem "$RB_OUT/hmem.json" 1 6
	t_is "hmem: configuration matches daxctl list" \
		"$(json '.configurations[0].target |
			"\(.dev) \(.align) \(.size) \(.bind_bus) \(.driver)"' \
			"$RB_OUT/hmem.json")" "$dev $align0 $size dax device_dax"
	t_is "hmem: a dynamic device names no namespace" \
		"$(json '.configurations[0].target.namespace' \
			"$RB_OUT/hmem.json")" ""
	t_is "hmem: nr_pages of every bind is size / 4K" \
		"$(json '[.configurations[0].samples[].nr_pages] | unique |
			.[]' "$RB_OUT/hmem.json")" $((size / 4096))
	t_is "hmem: bound to device_dax, dyndbg and tracefs as before" \
		"$(snapshot)" "$before"

	t_ok "hmem: --align 4K,2M with 2 rebinds each" \
		$BENCH --force --align 4K,2M --runs 2 -o "$RB_OUT/aligns.json" \
			"$dev"
	t_is "hmem: one configuration per align, in order" \
		"$(json '[.configurations[].target.align] | join(" ")' \
			"$RB_OUT/aligns.json")" "4096 2097152"
	t_is "hmem: each has its cold bind and 2 rebinds" \
		"$(json '[.configurations[] | (.cold | length > 0),
			(.samples | length)] | join(" ")' "$RB_OUT/aligns.json")" \
		"true 2 true 2"
	check_doc aligns "$RB_OUT/aligns.json" 2 6
	t_is "hmem: align back to $align0, bound, nothing left" \
		"$(snapshot)" "$before"

	$BENCH --align 4K --runs 1 "$dev" >/dev/null 2>"$RB_OUT/noforce.err"
	t_is "hmem: --align without --force refused (exit 4)" $? 4
	$BENCH --force --align 8K --runs 1 "$dev" >/dev/null \
		2>"$RB_OUT/badalign.err"
	t_is "hmem: --align 8K refused as bad input (exit 2)" $? 2
	t_like "... naming the page sizes" "$(cat "$RB_OUT/badalign.err")" \
		'align 8192 is not a page size the kernel maps \(4K, 2M or 1G\)'
	t_is "... and nothing changed" "$(snapshot)" "$before"
	t_done
	exit
fi

for align in 4K 2M; do
	t_ok "$align: namespace0.0 as devdax align $align" \
		ndctl create-namespace -f -e namespace0.0 -m devdax -a $align
	dev=$(daxctl list -D | json '.. | objects | .chardev? // empty' |
		head -n 1)
	t_like "$align: daxctl lists a dax device" "$dev" '^dax[0-9]+\.[0-9]+$'
	before=$(snapshot)
	start=$(awk '{ printf "%d\n", $1 * 100 }' /proc/uptime)
	t_ok "$align: 1 warmup + 5 rebinds of $dev" \
		$BENCH --warmup 1 --runs 5 -o "$RB_OUT/$align.json" "$dev"
	end=$(awk '{ printf "%d\n", $1 * 100 }' /proc/uptime)
	t_diag "$align: tool cycle $(( (end - start) * 10 / 6 )) ms per rebind (whole run / 6)"
	doc=$RB_OUT/$align.json
	check_doc "$align" "$doc" 1 6
	t_is "$align: configuration matches daxctl list" \
		"$(json '.configurations[0].target | "\(.dev) \(.align) \(.size)"' "$doc")" \
		"$(daxctl list -d "$dev" | jq -r '.. | objects |
			select(.chardev? != null) | "\(.chardev) \(.align) \(.size)"')"
	t_is "$align: names the namespace that ndctl list says carries $dev" \
		"$(json '.configurations[0].target.namespace' "$doc")" \
		"$(ndctl list -N | jq -r --arg d "$dev" '.. | objects |
			select(.chardev? == $d) | .dev')"
	t_is "$align: rebinds $dev on device_dax (dax bus)" \
		"$(json '.configurations[0].target | "\(.bind_bus) \(.bind_dev) \(.driver)"' "$doc")" \
		"dax $dev device_dax"
	t_is "$align: nr_pages identical across binds" \
		"$(json '[.configurations[0].samples[].nr_pages] | unique | length' "$doc")" 1
	t_is "$align: bound to device_dax, dyndbg and tracefs as before" \
		"$(snapshot)" "$before"
done

t_fails "align of a pmem-backed device is read-only" \
	$BENCH --force --align 4K --runs 1 "$dev"
t_like "... with a pointer to ndctl-rebind-bench" \
	"$($BENCH --force --align 4K --runs 1 "$dev" 2>&1 >/dev/null)" \
	'ndctl-rebind-bench --mode devdax --align'
t_is "... and nothing changed" "$(snapshot)" "$before"

# A device whose memory was hot-added as System RAM is refused.
modprobe kmem 2>/dev/null
if daxctl reconfigure-device -m system-ram -f "$dev" >/dev/null 2>&1; then
	ram=$(snapshot)
	$BENCH --runs 1 "$dev" >/dev/null 2>"$RB_OUT/kmem.err"
	t_is "system-ram device refused as busy (exit 4)" "$?" 4
	t_like "... with a clear message" "$(cat "$RB_OUT/kmem.err")" \
		'system-ram'
	t_is "... and nothing changed" "$(snapshot)" "$ram"
	daxctl reconfigure-device -m devdax -f "$dev" >/dev/null 2>&1
else
	t_skip "system-ram device refused" "the guest cannot online $dev as RAM"
fi
t_done
