#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# dpkg-status-for.sh DEB: this host's dpkg status entries of the packages
# DEB depends on and of their dependencies, for a test VM whose initramfs
# carries the libraries the programs load, copied from this host
# (make-initramfs.sh). dpkg checks the whole closure before it installs;
# the guest holds only the files that the programs actually load.
set -eu

# deps PKG...: the installed package each dependency (first installed
# alternative) of the given packages' Depends and Pre-Depends names.
deps()
{
	for p in "$@"; do
		dpkg-query -W -f='${Depends},${Pre-Depends}\n' "$p"
	done | tr ',' '\n' | while read -r alt; do
		echo "$alt" | tr '|' '\n' | sed 's/^ *//; s/[ :(].*//' |
		while read -r name; do
			[ -n "$name" ] || continue
			if dpkg-query -W -f='${Status}\n' "$name" 2>/dev/null |
				grep -q ' installed$'; then
				echo "$name"
				break
			fi
		done
	done | sort -u
}

top=$(dpkg-deb -f "${1:?deb}" Depends | tr ',' '\n' |
	sed 's/^ *//; s/[ :(|].*//' | sed '/^$/d' | sort -u)
have=""
todo=$top
while [ -n "$todo" ]; do
	have=$(printf '%s\n' $have $todo | sort -u)
	# shellcheck disable=SC2086 # lists
	todo=$(deps $todo | grep -vxF "$(printf '%s\n' $have)" || true)
done
for p in $have; do
	dpkg-query -s "$p"
	echo
done
