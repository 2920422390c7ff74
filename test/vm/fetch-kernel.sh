#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# fetch-kernel.sh CACHE_DIR [KERNEL]
#
# Make a kernel bootable by the test VM and print its id, the name of its
# directory CACHE_DIR/kernel/<id>/ (boot/vmlinuz-<release>, lib/modules/
# <release>/ indexed by depmod, boot/config-<release> when known).
# KERNEL is one of
#   6.1 (the default), 6.12
#	the current Debian 12 kernel of that series: linux-image-amd64
#	names 6.1, linux-image-6.12-amd64 (security suite) names 6.12;
#   a Debian release such as 6.1.0-57-amd64 or 6.12.117+deb12-amd64;
#   a directory: a kernel you built, holding the bzImage (as bzImage,
#	arch/x86/boot/bzImage or boot/vmlinuz-<release>) and the modules
#	tree that `make modules_install INSTALL_MOD_PATH=DIR` writes
#	(DIR/lib/modules/<release>/); its id is build-<hash of the path>.
# A Debian kernel is downloaded with apt-get download and unpacked (never
# into the host's /boot).  Its version is looked up at run time because
# Debian replaces the package on every security update and the old one
# disappears from the archive; a kernel unpacked earlier is reused, and is
# the fallback when the archive cannot be asked.  Besides the bzImage, a
# Debian kernel is kept uncompressed as boot/vmlinux-<release>.pvh when it
# supports PVH boot.
set -eu

cache=${1:?usage: fetch-kernel.sh CACHE_DIR [KERNEL]}
want=${2:-6.1}
mkdir -p "$cache/kernel"
cache=$(cd "$cache" && pwd)

die()
{
	echo "fetch-kernel: $*" >&2
	exit 1
}

# The answer changes only when apt's package lists do, and asking apt
# costs seconds on a busy machine: remember it per state of the lists.
# lookup_version META: the release the meta package META depends on.
lookup_version()
{
	lists=$(stat -c %Y /var/lib/apt/lists 2>/dev/null || echo none)
	memo="$cache/kernel/.lookup-$1"
	if [ -f "$memo" ] && [ "$(cut -d' ' -f1 "$memo")" = "$lists" ]; then
		cut -d' ' -f2 "$memo"
		return
	fi
	v=$(apt-cache depends "$1" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-\([0-9].*-amd64\)$/\1/p' |
		head -n 1)
	[ -n "$v" ] && echo "$lists $v" >"$memo"
	echo "$v"
}

# newest_cached SERIES: the newest Debian kernel of SERIES unpacked here.
newest_cached()
{
	for d in "$cache"/kernel/"$1".*/.complete; do
		[ -e "$d" ] && basename "$(dirname "$d")"
	done | sort -V | tail -n 1
}

# build_tree DIR: a kernel you built, linked into the cache (rebuilt on
# every call, so that a new build of the same tree is picked up).
build_tree()
{
	src=$(cd "$1" && pwd)
	n=$(ls "$src/lib/modules" 2>/dev/null | wc -l)
	[ "$n" = 1 ] || die "$src: want exactly one release in lib/modules/" \
		"(make modules_install INSTALL_MOD_PATH=$src), found $n"
	rel=$(ls "$src/lib/modules")
	img=
	for f in "$src/bzImage" "$src/arch/x86/boot/bzImage" \
		"$src/boot/vmlinuz-$rel"; do
		[ -f "$f" ] && { img=$f; break; }
	done
	[ -n "$img" ] || die "$src: no bzImage, arch/x86/boot/bzImage or" \
		"boot/vmlinuz-$rel"
	id=build-$(printf '%s' "$src" | sha256sum | cut -c1-12)
	dest=$cache/kernel/$id
	sig="$img $(stat -L -c %Y.%s "$img" "$src/lib/modules/$rel" |
		tr '\n' ' ')"
	exec 9>"$cache/kernel/.lock"
	flock 9
	if [ "$(cat "$dest/.sig" 2>/dev/null)" = "$sig" ]; then
		echo "$id"
		return
	fi
	rm -rf "$dest"
	mkdir -p "$dest/boot" "$dest/lib/modules"
	ln -s "$img" "$dest/boot/vmlinuz-$rel"
	for f in "$src/boot/config-$rel" "$src/.config" \
		"$src/lib/modules/$rel/build/.config"; do
		[ -f "$f" ] && { ln -s "$f" "$dest/boot/config-$rel"; break; }
	done
	if [ -f "$src/lib/modules/$rel/modules.dep" ]; then
		ln -s "$src/lib/modules/$rel" "$dest/lib/modules/$rel"
	else
		# Not indexed: index a copy, leaving the tree as it is.
		cp -a "$src/lib/modules/$rel" "$dest/lib/modules/"
		depmod -b "$dest" "$rel"
	fi
	echo "$src" >"$dest/.source"
	echo "$sig" >"$dest/.sig"
	echo "$id"
}

if [ -d "$want" ]; then
	build_tree "$want"
	exit 0
fi
case $want in
6.1)	meta=linux-image-amd64 series=6.1 ;;
[0-9]*.[0-9]*-amd64)
	meta='' series='' kver=$want ;;
[0-9]*.[0-9]*)
	meta=linux-image-$want-amd64 series=$want ;;
*)	die "kernel '$want': want 6.1, 6.12, a Debian release such as" \
		"6.1.0-57-amd64, or a build directory" ;;
esac

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

if [ -n "$meta" ]; then
	kver=$(lookup_version "$meta")
	if [ -z "$kver" ] && [ "$(id -u)" = 0 ]; then
		# A fresh machine may have no package lists yet.
		apt-get update -qq >/dev/null 2>&1 || true
		kver=$(lookup_version "$meta")
	fi
	if [ -z "$kver" ]; then
		kver=$(newest_cached "$series")
		[ -n "$kver" ] || die "cannot find $meta (run apt-get update;" \
			"6.12 needs the bookworm-security suite)"
		echo "fetch-kernel: archive not reachable, using cached" \
			"$kver" >&2
	fi
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
