#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make-ssh-layer.sh CACHE_DIR KVER BASE_CPIO
#
# The initramfs layer that makes a test VM a host Ansible can manage
# (run-in-vm.sh --ssh-port): dropbear, Python 3 (the standard library
# without its tests, IDLE, Tk, the build configuration and the 2to3/pydoc
# data: what Ansible's modules import stays), dpkg (with GNU tar, which
# dpkg-deb calls with options busybox lacks) to install the package,
# and the virtio network modules. Built from the host's own files once,
# cached in CACHE_DIR next to the base archive, rebuilt when this script,
# the kernel or one of the packages changes. Prints the archive path.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
PY=python3.11
TOOLS="/usr/sbin/dropbear /usr/bin/$PY /usr/bin/dpkg /usr/bin/dpkg-deb /usr/bin/tar
	/usr/bin/dpkg-query /usr/bin/dpkg-split /sbin/ldconfig"
PACKAGES="dropbear-bin $PY-minimal lib$PY-stdlib dpkg libc-bin tar"
NET_MODULES="failover net_failover virtio_net"
PY_SKIP="test idlelib tkinter turtledemo lib2to3 pydoc_data ensurepip
	distutils config-3.11-x86_64-linux-gnu dist-packages site-packages"

die()
{
	echo "make-ssh-layer: $*" >&2
	exit 1
}

stamp()
{
	echo "kernel $1"
	sha256sum "$0" | cut -d' ' -f1
	# shellcheck disable=SC2086 # a list
	dpkg-query -W -f='${Package} ${Version}\n' $PACKAGES 2>/dev/null
}

build()
{
	kroot=$cache/kernel/$kver
	stage=$1
	mkdir -p "$stage/etc" "$stage/root/.ssh" "$stage/var/lib/dpkg/info" \
		"$stage/var/lib/dpkg/updates" "$stage/var/lib/dpkg/triggers" \
		"$stage/var/log" "$stage/etc/dropbear" "$stage/rb/ssh" \
		"$stage/usr/lib"
	echo 'root:x:0:0:root:/root:/bin/sh' >"$stage/etc/passwd"
	echo 'root:x:0:' >"$stage/etc/group"
	echo /bin/sh >"$stage/etc/shells"
	: >"$stage/var/lib/dpkg/status"
	: >"$stage/var/lib/dpkg/available"
	chmod 700 "$stage/root" "$stage/root/.ssh"

	# The standard library with its compiled files (no compiling under
	# emulation), less what no module of Ansible's imports.
	skip=$(for d in $PY_SKIP; do printf -- "--exclude=./%s " "$d"; done)
	# shellcheck disable=SC2086 # a list of options
	tar -C "/usr/lib/$PY" $skip -cf - . |
		(mkdir -p "$stage/usr/lib/$PY" && tar -C "$stage/usr/lib/$PY" -xf -)

	for m in $NET_MODULES; do
		f=$(find "$kroot/lib/modules/$kver" -name "$m.ko*" | head -n 1)
		[ -n "$f" ] || die "module $m missing"
		cp "$f" "$stage/rb/ssh/"
		echo "$(basename "$f")" >>"$stage/rb/ssh/modules"
	done

	for t in $TOOLS; do
		[ -x "$t" ] || die "$t missing (run scripts/install-deps.sh)"
	done
	# Python finds its library from the name it runs under.
	mkdir -p "$stage/usr/bin"
	ln -s "$PY" "$stage/usr/bin/python3"
	# shellcheck disable=SC2086 # a list
	"$here/make-initramfs.sh" overlay "$stage" "$out.tmp" "$base" $TOOLS
	mv "$out.tmp" "$out"
}

cache=$(cd "${1:?cache dir}" && pwd)
kver=${2:?kernel version}
# The base initramfs of that kernel, as run-in-vm.sh has it built.
base=${3:?base initramfs}
out=$cache/initrd-ssh-$kver.cpio
want=$(stamp "$kver")
[ -f "$base" ] || die "$base missing (run-in-vm.sh --prepare)"

exec 9>"$cache/.initrd-ssh.lock"
flock 9
if [ ! -f "$out" ] || [ "$(cat "$out.stamp" 2>/dev/null)" != "$want" ]; then
	stage=$(mktemp -d "$cache/.ssh.XXXXXX")
	build "$stage"
	rm -rf "$stage"
	echo "$want" >"$out.stamp"
fi
echo "$out"
