# SPDX-License-Identifier: GPL-2.0
#
# What the kernel, the region and the namespace cannot do is refused up
# front: exit 6, one line naming what is missing, nothing changed (the
# namespaces and bindings as before, no memmap line in the raw kernel log
# although the pr_debug is on). One part per VM (the argument):
#   nodax    run-in-vm.sh --omit-modules dax_pmem,device_dax: no device-dax
#            in this kernel; fsdax alone still runs
#   limits   --labels: a 16M namespace; an align its region does not list,
#            an align whose map=dev reserve does not fit in it
# In every part no library (libkmod, libndctl, libdaxctl) prints a line of
# its own on stderr.
. "$RB_LIB"

ND=ndctl-rebind-bench
DAX=daxctl-rebind-bench
have_tool $ND || { t_skip "$ND" "not built"; t_done; exit 77; }

state()
{
	ndctl list -N | jq -c '[.. | objects | select(.dev? // "" |
		startswith("namespace")) | {dev, mode, map, align, size}] |
		sort_by(.dev)'
	binding_state
}

# no_library_lines WHAT FILE: the libraries spoke only through the tool.
no_library_lines()
{
	t_is "$1: no library line of its own on stderr" \
		"$(grep -cE 'lib(kmod|ndctl|daxctl)|kmod_' "$2")" 0
}

# refused WHAT ERE CMD...: exit 6, one stderr line matching ERE, no stdout,
# and the system as before with no bind in the kernel log.
refused()
{
	what=$1 ere=$2
	shift 2
	before=$(state)
	kmsg_mark "$what"
	rc=0
	"$@" >/tmp/out 2>/tmp/err || rc=$?
	t_is "$what: exit 6 (environment)" "$rc" 6
	t_is "$what: one line on stderr" "$(wc -l </tmp/err)" 1
	t_like "$what: it names what is missing" "$(cat /tmp/err)" "$ere"
	t_is "$what: nothing on stdout" "$(wc -c </tmp/out)" 0
	t_is "$what: namespaces and bindings unchanged" "$(state)" "$before"
	t_is "$what: no memmap line in the kernel log" \
		"$(kmsg_since "$what" | grep -cE "$MEMMAP_RE")" 0
	no_library_lines "$what" /tmp/err
}

part_nodax()
{
	ns=namespace0.0
	t_fails "dax_pmem is not registered" test -e /sys/bus/nd/drivers/dax_pmem
	t_is "no dax_pmem or device_dax file, nor in the module index" \
		"$(find /lib/modules -name 'dax_pmem.ko*' -o -name 'device_dax.ko*';
		   grep -cE '/(dax_pmem|device_dax)\.ko' \
			"/lib/modules/$(uname -r)/modules.dep")" 0
	# Any bind would now print its memmap line.
	dyndbg_memmap on
	nodax="this kernel has no device-dax support \\(no dax_pmem module: CONFIG_DEV_DAX_PMEM=m, not installed; no device_dax module: CONFIG_DEV_DAX=m, not installed\\): devdax cannot be measured; install the modules or boot a kernel built with them\$"
	refused "fsdax,devdax" "^$ND: error: $nodax" \
		$ND --force --mode fsdax,devdax --runs 2 $ns
	refused "devdax" "^$ND: error: $nodax" \
		$ND --force --mode devdax --runs 2 $ns
	refused "daxctl all" \
		"^$DAX: error: this kernel has no device-dax support \\(no device_dax module: CONFIG_DEV_DAX=m, not installed\\): dax devices cannot be measured; install " \
		$DAX --runs 2 all
	refused "daxctl --align" \
		"^$DAX: error: this kernel has no device-dax support .*dax devices cannot be measured" \
		$DAX --force --align 2M --runs 2 dax0.0
	dyndbg_memmap off

	# The run frees the pfn seed it used: the next one is another pfnX.Y.
	before=$(ndctl list -N)
	rc=0
	$ND --force --mode fsdax --runs 2 --output /tmp/fsdax.json $ns \
		2>/tmp/err || rc=$?
	t_is "fsdax alone: runs (exit 0)" "$rc" 0
	[ "$rc" = 0 ] || t_diag "$(cat /tmp/err)"
	t_is "fsdax alone: one configuration, fsdax" \
		"$(json '[.configurations[].target.mode] | join(",")' \
			/tmp/fsdax.json)" fsdax
	t_is "fsdax alone: a cold bind and 2 rebinds" \
		"$(json '[.configurations[] | (.cold // empty), .samples[]?] |
			length' /tmp/fsdax.json)" 3
	t_is "fsdax alone: the namespace is put back" "$(ndctl list -N)" \
		"$before"
	# Debian builds CONFIG_PAGE_POISONING in, off unless page_poison=1.
	t_is "fsdax alone: no debug-vm-kernel warning on a stock kernel" \
		"$(json '[.warnings[] | select(.id == "debug-vm-kernel")] |
			length' /tmp/fsdax.json)" 0
	no_library_lines "fsdax alone" /tmp/err
}

part_limits()
{
	ns=$(ndctl create-namespace -r region0 -s 16M -m raw -f 2>/dev/null |
		json .dev)
	[ -n "$ns" ] || t_bail "cannot create a 16M namespace"
	t_pass "16M raw namespace $ns"
	dyndbg_memmap on
	refused "align not listed" \
		"^$ND: error: $ns: fsdax align 16M is not supported by region0 \\(it offers [0-9KMG ]+\\)$" \
		$ND --force --mode fsdax --align 2M,16M --runs 2 "$ns"
	refused "reserve does not fit" \
		"^$ND: error: $ns: (fsdax|devdax) map=dev align 1G does not fit in 16M" \
		$ND --force --mode fsdax,devdax --map dev --align 1G --runs 2 "$ns"
	dyndbg_memmap off
}

case ${1:-} in
nodax)	part_nodax ;;
limits)	part_limits ;;
*)	t_bail "usage: guest-caps.sh nodax|limits" ;;
esac
t_done
