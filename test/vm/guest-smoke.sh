# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the VM itself: the oracles see the emulated pmem, an fsdax
# map=dev namespace can be created, and the kernel logs its memmap line.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

ndctl list -B >"$RB_OUT/bus.json"
case $RB_PMEM in
nvdimm)	provider=ACPI.NFIT ;;
e820)	provider=e820 ;;
esac
t_is "ndctl sees the $RB_PMEM bus" \
	"$(json '.. | .provider? // empty' "$RB_OUT/bus.json")" "$provider"
t_ok "daxctl list runs" daxctl list -D -R

region=$(ndctl list -R | json '.. | .dev? // empty' | head -n 1)
t_like "ndctl sees a region" "$region" '^region[0-9]+$'

flags=$(dyndbg_memmap_flags)
t_like "the memmap pr_debug callsite exists" "$flags" '^=.*$'
[ "$flags" = "=_" ] && dyndbg_memmap on

kmsg_mark create
if [ "$RB_LABELS" = 1 ]; then
	size=512M
	t_ok "create a labelled 512M fsdax map=dev namespace" \
		ndctl create-namespace -r "$region" -s "$size" -m fsdax -M dev
	want=128512
else
	size=$RB_SIZE
	t_ok "reconfigure namespace0.0 to fsdax map=dev" \
		ndctl create-namespace -f -e namespace0.0 -m fsdax -M dev
	case $RB_SIZE in
	1G)	want=257536 ;;
	4G)	want=1031680 ;;
	esac
fi
ndctl list -N >"$RB_OUT/namespaces.json"
ns=$(json '.. | objects | select(.mode? == "fsdax") | .dev' \
	"$RB_OUT/namespaces.json" | head -n 1)
t_like "ndctl lists an fsdax namespace" "$ns" '^namespace[0-9]+\.[0-9]+$'
t_is "its map is dev" \
	"$(json ".. | objects | select(.dev? == \"$ns\") | .map" \
		"$RB_OUT/namespaces.json")" dev
t_is "one memmap line for the bind, $want pages ($size map=dev)" \
	"$(memmap_pages_since create | tr '\n' ' ')" "$want "

before=$(binding_state)
kmsg_mark rebind
t_ok "disable-namespace $ns" ndctl disable-namespace "$ns"
t_ok "enable-namespace $ns" ndctl enable-namespace "$ns"
t_is "rebind logs the same page count" \
	"$(memmap_pages_since rebind | tr '\n' ' ')" "$want "
t_is "binding state is back where it started" "$(binding_state)" "$before"

[ "$flags" = "=_" ] && dyndbg_memmap off
t_is "dyndbg flags restored" "$(dyndbg_memmap_flags)" "$flags"

# The tools' own behaviour is for their scenarios; here: the image carries
# every library they need.
for tool in ndctl-rebind-bench daxctl-rebind-bench; do
	if have_tool "$tool"; then
		path=$(command -v "$tool")
		libs=$(/lib64/ld-linux-x86-64.so.2 --list "$path")
		t_is "$tool: no missing library in the image" \
			"$(echo "$libs" | grep 'not found')" ""
	else
		t_skip "$tool: no missing library in the image" "not built"
	fi
done
t_done
