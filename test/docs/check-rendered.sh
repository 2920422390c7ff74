#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# What a reader of the rendered man pages copies must work: AsciiDoc turns
# " -- " into an em dash and quotes into curly ones outside listings, which
# the roff then carries (\(em). For each page, rendered by man(1) in UTF-8:
#   - every synopsis line (SYNOPSIS, and the IMPORT and COMPARE sections')
#     is plain ASCII, and each section's synopsis is one of SYNOPSIS;
#   - every import and compare synopsis runs as printed, with its
#     placeholders filled in with real files (exit status 0);
#   - every example of the page's source appears in the rendered page
#     character for character.
#
# Usage: check-rendered.sh SRCDIR PAGE.1...
# Environment: RB_BIN_DIRS, colon separated folders of the programs (and of
# the dispatchers, when built).
set -u -o pipefail

src=$1
shift
PATH=${RB_BIN_DIRS:-}:$PATH
. "$src/test/install/tap.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$src/test/fixtures/compare-upstream-base.json" "$work/base.json"
cp "$src/test/fixtures/compare-upstream-new.json" "$work/new.json"
cp "$src/test/fixtures/import-fsdax-31.dmesg.log" "$work/dmesg.txt"

render() {
	LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$1" 2>/dev/null
}

# The lines of section $2 of rendered page $1, without indentation.
section() {
	awk -v want="$2" '
		/^[A-Z][A-Z ]*$/ { on = ($0 == want); next }
		on && NF { sub(/^ +/, ""); print }' <<< "$1"
}

# The synopsis as a command: placeholders filled in, options left out.
fill_in() {
	sed -e 's/ \[<options>\]//' -e 's/<file>|-/dmesg.txt/' \
		-e 's/<base\.json>\(\.\.\.\)\{0,1\}/base.json/' \
		-e 's/<new\.json>\(\.\.\.\)\{0,1\}/new.json/' <<< "$1"
}

# The rendered page's lines with "\" continuations joined, as
# check-examples.sh joins the source's.
logical_lines() {
	sed 's/^ *//' <<< "$1" | awk '
		/\\$/ { sub(/[ \t]*\\$/, ""); acc = acc $0 " "; next }
		{ print acc $0; acc = "" }'
}

check_synopses() {
	local page=$1 text=$2 name=${1##*/} synopsis line cmd out fam

	synopsis=$(section "$text" SYNOPSIS)
	check "$name: SYNOPSIS rendered" test -n "$synopsis"
	fam=${name%%-*}
	{
		printf '%s\n' "$synopsis"
		section "$text" IMPORT | grep "^$fam rebind-bench import "
		section "$text" COMPARE | grep "^$fam rebind-bench compare "
	} > "$work/synopses"
	while IFS= read -r line; do
		check "$name: synopsis is plain ASCII: $line" \
			test -z "$(LC_ALL=C grep -n '[^ -~]' <<< "$line")"
		case $line in
		"$fam rebind-bench import "*|"$fam rebind-bench compare "*) ;;
		*) continue ;;
		esac
		check "$name: '$line' is in SYNOPSIS" \
			grep -qxF -- "$line" <<< "$synopsis"
		cmd=$(fill_in "$line")
		# Built with -Dsubcommands=false: the program's own name.
		command -v "$fam" > /dev/null &&
			"$fam" --list-cmds 2>/dev/null | grep -qx rebind-bench ||
			cmd=${cmd/#$fam rebind-bench/$fam-rebind-bench}
		if out=$(cd "$work" && bash -c "$cmd" 2>&1 >/dev/null </dev/null)
		then
			ok "$name: as printed, '$cmd' runs"
		else
			not_ok "$name: as printed, '$cmd' runs"
			sed 's/^/# /' <<< "$out" | head -3
		fi
	done < "$work/synopses"
}

check_examples() {
	local page=$1 text=$2 name=${1##*/} lines where loc status cmd n=0

	lines=$(logical_lines "$text")
	while IFS=$'\t' read -r where loc status cmd; do
		[ -n "$cmd" ] || continue
		n=$((n + 1))
		check "$name: example $loc rendered verbatim" \
			grep -qxF -e "\$ $cmd" -e "# $cmd" <<< "$lines"
	done < <("$src/test/docs/check-examples.sh" --list \
		"$src/doc/${name%.1}.txt")
	check "$name: has examples" test $n -gt 0
}

for page in "$@"; do
	text=$(render "$page")
	check "${page##*/} renders" test -n "$text"
	check_synopses "$page" "$text"
	check_examples "$page" "$text"
done

echo "# $failed failed"
[ $failed -eq 0 ]
