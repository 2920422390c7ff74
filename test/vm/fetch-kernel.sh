#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh CACHE_DIR
#
# Unpack Debian's current linux-image-*-amd64 into CACHE_DIR/kernel/<kver>/
# (never into the host's /boot) and index its modules with depmod.  Prints
# <kver> on stdout.  The version is looked up at run time because Debian
# replaces the package on every security update and the old one disappears
# from the archive; a kernel unpacked earlier is reused, and is the fallback
# when the archive cannot be asked.  Besides the bzImage, the kernel is
# kept uncompressed as boot/vmlinux-<kver>.pvh when it supports PVH boot.
set -eu

cache=${1:?usage: fetch-kernel.sh CACHE_DIR}
mkdir -p "$cache/kernel"
cache=$(cd "$cache" && pwd)

die()
{
	echo "fetch-kernel: $*" >&2
	exit 1
}

# The answer changes only when apt's package lists do, and asking apt
# costs seconds on a busy machine: remember it per state of the lists.
lookup_version()
{
	lists=$(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo none)
	memo="$cache/kernel/.lookup"
	if [ -f "$memo" ] && [ "$(cut -d' ' -f1 "$memo")" = "$lists" ]; then
		cut -d' ' -f2 "$memo"
		return
	fi
	v=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' |
		head -n 1)
	[ -n "$v" ] && echo "$lists $v" >"$memo"
	echo "$v"
}

newest_cached()
{
	for d in "$cache"/kernel/*/.complete; do
		[ -e "$d" ] && basename "$(dirname "$d")"
	done | sort -V | tail -n 1
}

# extract_pvh BOOT_DIR KVER: the uncompressed kernel (an ELF with a PVH
# entry note), which QEMU boots directly.  Under emulation this saves the
# several seconds the bzImage spends unpacking itself with xz.
extract_pvh()
{
	grep -q '^CONFIG_PVH=y' "$1/config-$2" || return 0
	off=$(LC_ALL=C grep -abo "$(printf '\3757zXZ')" "$1/vmlinuz-$2" |
		head -n 1 | cut -d: -f1)
	[ -n "$off" ] || return 0
	elf=$1/vmlinux-$2.pvh
	if ! tail -c +$((off + 1)) "$1/vmlinuz-$2" |
		xz -dc --single-stream >"$elf.tmp" 2>/dev/null ||
		[ "$(od -An -tx1 -N4 "$elf.tmp" | tr -d ' ')" != 7f454c46 ]
	then
		rm -f "$elf.tmp"
		return 0
	fi
	mv "$elf.tmp" "$elf"
}

kver=$(lookup_version)
if [ -z "$kver" ] && [ "$(id -u)" = 0 ]; then
	# A fresh machine may have no package lists yet.
	apt-get update -qq >/dev/null 2>&1 || true
	kver=$(lookup_version)
fi
if [ -z "$kver" ]; then
	kver=$(newest_cached)
	[ -n "$kver" ] ||
		die "cannot find linux-image-amd64 (run apt-get update)"
	echo "fetch-kernel: archive not reachable, using cached $kver" >&2
fi

dest="$cache/kernel/$kver"
if [ -e "$dest/.complete" ] && [ -e "$dest/.pvh-done" ]; then
	echo "$kver"
	exit 0
fi

# Serialise concurrent first runs sharing one cache.
exec 9>"$cache/kernel/.lock"
flock 9
if [ ! -e "$dest/.complete" ]; then
	tmp=$(mktemp -d "$cache/kernel/.dl.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	echo "fetch-kernel: downloading linux-image-$kver" >&2
	# apt-get download writes into the current directory.
	if ! (cd "$tmp" && apt-get download -q "linux-image-$kver") \
		>"$tmp/apt.log" 2>&1; then
		cat "$tmp/apt.log" >&2
		die "apt-get download linux-image-$kver failed"
	fi
	rm -rf "$dest"
	dpkg -x "$tmp"/linux-image-"$kver"_*.deb "$tmp/root"
	[ -f "$tmp/root/boot/vmlinuz-$kver" ] ||
		die "package has no boot/vmlinuz-$kver"
	# Debian ships no modules.dep: the package's postinst runs depmod.
	depmod -b "$tmp/root" "$kver"
	mv "$tmp/root" "$dest"
	touch "$dest/.complete"
fi
if [ ! -e "$dest/.pvh-done" ]; then
	extract_pvh "$dest/boot" "$kver"
	touch "$dest/.pvh-done"
fi
echo "$kver"
