#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Keep the man pages true to the code: the EXIT STATUS section lists exactly
# the codes of lib/util/exit-codes.h, and for each program the options the page
# defines under OPTIONS, IMPORT and COMPARE are exactly the long options the
# run, import and compare commands report with --list-opts, with the short
# letters their --help text pairs with them.
#
# Usage: check-pages.sh SRCDIR BINDIR...   (BINDIRs hold the two programs)
set -u -o pipefail

src=$1
shift
for dir in "$@"; do
	PATH=$dir:$PATH
done
failed=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }

# Two white-space separated lists: report what only one side has.
same_set() {
	local what=$1 code=$2 page=$3 only
	only=$(comm -3 <(tr ' ' '\n' <<< "$code" | grep . | sort -u) \
		<(tr ' ' '\n' <<< "$page" | grep . | sort -u) |
		sed 's/^\t/page only: /; t; s/^/code only: /')
	if [ -n "$only" ]; then
		not_ok "$what"
		sed 's/^/# /' <<< "$only"
	else
		ok "$what"
	fi
}

codes=$(sed -n 's/^[[:space:]]*RB_EXIT_[A-Z_]* = \([0-9]*\),.*/\1/p' \
	"$src/lib/util/exit-codes.h" | tr '\n' ' ')
documented=$(sed -n 's/^\([0-9][0-9]*\)::$/\1/p' "$src/doc/exit-status.txt" |
	tr '\n' ' ')
[ -n "$codes" ] || not_ok "no exit codes found in lib/util/exit-codes.h"
same_set "EXIT STATUS lists lib/util/exit-codes.h exactly" "$codes" "$documented"

# The page with its include:: lines expanded.
expand_page() {
	local line
	while IFS= read -r line; do
		if [[ $line =~ ^include::([^\[]+)\[\]$ ]]; then
			cat "$src/doc/${BASH_REMATCH[1]}"
		else
			printf '%s\n' "$line"
		fi
	done < "$1"
}

# Long options defined ("--name::" or "--name=::") in one section; with
# $3 = short, the "-x::" lines that precede them, as "-x,--name".
page_options() {
	awk -v want="$2" -v short="${3:-}" '
		/^[A-Z][A-Z ]*$/ { title = $0; next }
		/^-+$/ && title != "" { section = title }
		{ title = "" }
		section != want { next }
		/^-[a-zA-Z]::$/ { letter = substr($0, 1, 2); next }
		/^--[a-z0-9-]+=?::$/ {
			sub(/=?::$/, "")
			if (!short)
				print
			else if (letter != "")
				print letter "," $0
		}
		{ letter = "" }' <<< "$1"
}

# The "-x, --name" pairs of the usage text, as "-x,--name".
usage_short_options() {
	"$1" $2 --help 2>/dev/null |
		grep -oE -- '-[a-zA-Z], --[a-z0-9-]+' | tr -d ' ' |
		grep -v -- '^-h,--help$'
}

for prog in ndctl-rebind-bench daxctl-rebind-bench; do
	page=$(expand_page "$src/doc/$prog.txt")
	for pair in ":OPTIONS" "import:IMPORT" "compare:COMPARE"; do
		sub=${pair%%:*}
		section=${pair#*:}
		# --help and --list-opts are described once, in prose.
		code=$("$prog" $sub --list-opts 2>/dev/null | tr -s ' \n' ' ' |
			sed 's/--help\b//; s/--list-opts\b//')
		if [ -z "$code" ]; then
			not_ok "$prog $sub --list-opts prints the options"
			continue
		fi
		same_set "$prog.txt $section matches '$prog $sub'" \
			"$code" "$(page_options "$page" "$section")"
		same_set "$prog.txt $section short options match '$prog $sub'" \
			"$(usage_short_options "$prog" "$sub")" \
			"$(page_options "$page" "$section" short)"
	done
done

echo "# $failed failed"
[ $failed -eq 0 ]
