#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Initramfs pieces for the test VM.  The kernel unpacks concatenated cpio
# archives in order, later files replacing earlier ones, so the image is
# split in two:
#
#   make-initramfs.sh base CACHE_DIR KERNEL_ID
#	(KERNEL_ID: a directory of CACHE_DIR/kernel/, see fetch-kernel.sh)
#	The part that rarely changes: busybox, kmod, the nvdimm/dax/9p
#	modules with their dependencies, the kernel's config, ndctl, daxctl
#	and jq (oracles) and their libraries.  Cached in CACHE_DIR; rebuilt
#	when the kernel, this script or one of the host packages changes.
#	Prints the archive path.
#
#   make-initramfs.sh overlay STAGE_DIR OUT_FILE BASE [EXECUTABLE...]
#	The part that changes every run: adds each EXECUTABLE (with the
#	shared libraries the BASE archive lacks) under /usr/bin of
#	STAGE_DIR, then archives the whole STAGE_DIR (which the caller
#	filled with /init and the guest script) into OUT_FILE.
set -eu

die()
{
	echo "make-initramfs: $*" >&2
	exit 1
}

# Modules /init loads.  Dependencies are resolved below.
GUEST_MODULES="nfit libnvdimm nd_pmem nd_btt dax_pmem device_dax kmem nd_e820
	dax_hmem virtio_pci 9pnet_virtio 9p ext4 virtio_blk"
# Host binaries copied with their libraries; jq is the guest's JSON oracle,
# mke2fs and ext4 give the busy-device tests a mounted -o dax filesystem.
GUEST_TOOLS="/usr/bin/ndctl /usr/bin/daxctl /usr/bin/jq /bin/kmod /sbin/mke2fs"
# Packages whose upgrade invalidates the cached base archive.
BASE_PACKAGES="busybox-static kmod ndctl daxctl libndctl6 libdaxctl1 jq
	e2fsprogs"

# copy_with_libs STAGE DEST_DIR BINARY [HAVE_LIST]: the binary plus every
# library the dynamic loader resolves for it (and the loader), at the
# host's paths, except those named in the file HAVE_LIST.
copy_with_libs()
{
	stage=$1
	mkdir -p "$stage/$2"
	cp -L "$3" "$stage/$2/"
	ldd "$3" 2>/dev/null | awk '
		$2 == "=>" && $3 ~ /^\// { print $3 }
		$1 ~ /^\// { print $1 }' |
	while read -r lib; do
		[ -e "$stage$lib" ] && continue
		[ -n "${4:-}" ] && grep -qxF "$lib" "$4" && continue
		mkdir -p "$stage$(dirname "$lib")"
		cp -L "$lib" "$stage$lib"
	done
}

# pack STAGE OUT: a newc archive owned by root.  Uncompressed: under
# emulation the guest unpacks it in half the time a gzipped one takes.
pack()
{
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2.tmp"
	mv "$2.tmp" "$2"
}

base_stamp()
{
	echo "kernel $1"
	# A build tree: which image and modules, as of when.
	cat "$cache/kernel/$1/.sig" 2>/dev/null || true
	sha256sum "$0" | cut -d' ' -f1
	# shellcheck disable=SC2086 # a list
	dpkg-query -W -f='${Package} ${Version}\n' $BASE_PACKAGES 2>/dev/null
}

build_base()
{
	cache=$1
	kroot="$cache/kernel/$2"
	kver=$(ls "$kroot/lib/modules")
	stage=$3

	for d in bin sbin usr/bin usr/sbin etc proc sys dev run tmp out rb; do
		mkdir -p "$stage/$d"
	done
	cp /bin/busybox "$stage/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -s busybox "$stage/bin/$a"
	done
	for t in $GUEST_TOOLS; do
		[ -x "$t" ] || die "$t missing (run scripts/install-deps.sh)"
		copy_with_libs "$stage" /usr/bin "$t"
	done
	# The kernel runs /sbin/modprobe for every request_module(); /init
	# installs it (busybox: kmod with its libraries starts slowly under
	# emulation) once the boot, which asks only for built-in crypto, is
	# over.  kmod's other tools come first in PATH; they read the index
	# files libkmod reads.
	for a in insmod rmmod lsmod modinfo depmod; do
		ln -s ../usr/bin/kmod "$stage/sbin/$a"
	done

	mods=$(for m in $GUEST_MODULES; do
		modprobe -C /dev/null -d "$kroot" -S "$kver" \
			--show-depends "$m" ||
			die "cannot resolve module $m"
	done | awk '$1 == "insmod" { print $2 }' | sort -u)
	for m in $mods; do
		rel=${m#"$kroot"}
		mkdir -p "$stage$(dirname "$rel")"
		cp "$m" "$stage$rel"
	done
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$kroot/lib/modules/$kver/$f" ] || continue
		cp "$kroot/lib/modules/$kver/$f" "$stage/lib/modules/$kver/"
	done
	depmod -b "$stage" "$kver"
	# Where tools look for the running kernel's configuration (a build
	# tree may come without one).
	mkdir -p "$stage/boot"
	[ ! -f "$kroot/boot/config-$kver" ] ||
		cp "$kroot/boot/config-$kver" "$stage/boot/"
	echo "$GUEST_MODULES" | tr -s ' \t\n' '\n' | sed '/^$/d' \
		>"$stage/rb/modules"
}

cmd_base()
{
	cache=$(cd "${1:?cache dir}" && pwd)
	kid=${2:?kernel id}
	# Named by this script's version too, so that worktrees with
	# different versions sharing a cache do not rebuild each other's.
	out="$cache/initrd-base-$kid-$(sha256sum "$0" | cut -c1-8).cpio"
	want=$(base_stamp "$kid")

	if [ -f "$out" ] && [ "$(cat "$out.stamp" 2>/dev/null)" = "$want" ]
	then
		echo "$out"
		return
	fi
	exec 9>"$cache/.initrd.lock"
	flock 9
	if [ ! -f "$out" ] || [ "$(cat "$out.stamp" 2>/dev/null)" != "$want" ]
	then
		stage=$(mktemp -d "$cache/.base.XXXXXX")
		build_base "$cache" "$kid" "$stage"
		pack "$stage" "$out"
		# What the overlay need not carry again.
		(cd "$stage" && find . -mindepth 1 | cut -c2-) >"$out.files"
		rm -rf "$stage"
		echo "$want" >"$out.stamp"
	fi
	echo "$out"
}

cmd_overlay()
{
	stage=${1:?stage dir}
	out=${2:?output file}
	have=${3:?base archive}.files
	shift 3
	[ -f "$have" ] || die "$have missing"
	for exe in "$@"; do
		[ -x "$exe" ] || die "$exe is not an executable"
		copy_with_libs "$stage" /usr/bin "$exe" "$have"
	done
	pack "$stage" "$out"
}

case "${1:-}" in
base)	shift; cmd_base "$@" ;;
overlay) shift; cmd_overlay "$@" ;;
*)	die "usage: make-initramfs.sh base CACHE KERNEL_ID |" \
		"overlay STAGE OUT BASE [EXECUTABLE...]" ;;
esac
