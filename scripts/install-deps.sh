#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install what building, testing and the emulated-NVDIMM VM need, from
# Debian 12's own archive. Idempotent and quiet when everything is present.
set -eu

pkgs="gcc clang meson ninja-build pkg-config
	libndctl-dev libdaxctl-dev libkmod-dev libjson-c-dev uuid-dev
	libtracefs-dev libtraceevent-dev zlib1g-dev
	ndctl daxctl kmod cpio gzip xz-utils jq busybox-static qemu-system-x86 e2fsprogs
	python3 python3-jsonschema python3-scipy valgrind
	asciidoctor man-db bash-completion sudo
	build-essential debhelper dpkg-dev lintian rsync
	ansible-core openssh-client dropbear-bin"

missing=""
for p in $pkgs; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
