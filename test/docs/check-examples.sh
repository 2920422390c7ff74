#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the example commands of the man pages (AsciiDoc) and the README
# (Markdown), and run the ones that need neither root nor pmem.
#
# Convention: every example is a listing block ("----" in AsciiDoc, a ```
# fence in Markdown) whose command lines start with a prompt, "$ " (no root
# needed) or "# " (root), and which is marked on the line right before it:
#
#   // example: WHERE [exit=N]          (AsciiDoc comment)
#   <!-- example: WHERE [exit=N] -->    (Markdown comment)
#
# WHERE is "host" (runs anywhere: import, compare, help), "vm" (needs root
# and pmem: run in the guest by test/vm) or "ci" (the README's own set-up
# and test commands, which .ci/run runs by definition). exit=N is the
# expected exit status (default 0). A line ending in "\" continues on the
# next one; other lines in the block are sample output. Example blocks hold
# no comments. A block with a prompt but no marker is an error, so no
# example escapes testing.
#
# Usage:
#   check-examples.sh --list [--where WHERE] FILE...
#	Print one example per line: WHERE<TAB>FILE:LINE<TAB>EXIT<TAB>COMMAND
#   check-examples.sh --script WHERE FILE...
#	Print a POSIX sh script (for the busybox guest) that runs the
#	examples of WHERE in order in the current directory, prints
#	"ok"/"not ok" per command and exits 1 if any failed.
#   check-examples.sh --run-host FILE...
#	Run the host examples of each file, in order, in a fresh directory
#	that holds the dmesg captures the examples name. PATH is prefixed with
#	$RB_BIN_DIRS (colon separated); $RB_MAN_PAGES (space separated .1
#	files) are made visible to man(1). Output is TAP-ish.
# A FILE that does not exist is reported and skipped (README.md is only
# merged later).
set -u -o pipefail

die() {
	echo "check-examples: $*" >&2
	exit 2
}

# Print WHERE<TAB>FILE:LINE<TAB>EXIT<TAB>COMMAND for every example in $1;
# fail on a malformed block.
extract() {
	awk -v file="${1##*/}" '
	function bad(msg) {
		printf "check-examples: %s:%d: %s\n", file, NR, msg > "/dev/stderr"
		err = 1
	}
	function is_fence(line) {
		return line ~ /^----$/ || line ~ /^```/
	}
	BEGIN { inblock = 0; marked = 0; err = 0; md = file ~ /\.md$/ }
	{
		# Markdown examples may be indented inside list items.
		if (md)
			sub(/^ +/, "")
		prev = cur; cur = $0
		if (!inblock) {
			if (match($0, /^(\/\/|<!--) *example: */)) {
				spec = substr($0, RSTART + RLENGTH)
				sub(/ *-->$/, "", spec)
				n = split(spec, f, / +/)
				where = f[1]; status = 0
				for (i = 2; i <= n; i++) {
					if (f[i] ~ /^exit=[0-9]+$/)
						status = substr(f[i], 6)
					else
						bad("unknown marker field " f[i])
				}
				if (where !~ /^(host|vm|ci)$/)
					bad("unknown place \"" where "\"")
				marked = NR
				next
			}
			# A "----" under a text line is a section title.
			if (is_fence($0) && prev !~ /[^+ ]/ || \
			    is_fence($0) && marked == NR - 1) {
				inblock = 1
				fence = $0 ~ /^```/ ? "```" : "----"
				blockmarked = (marked == NR - 1)
				ncmd = 0; cmd = ""; blockstart = NR
				nb = 0
				next
			}
			if (marked == NR - 1 && marked)
				bad("marker not followed by a listing")
			next
		}
		if ((fence == "----" && $0 == "----") ||
		    (fence == "```" && $0 ~ /^```$/)) {
			inblock = 0
			if (cmd != "")
				bad("continuation runs past the block")
			if (nb && !blockmarked)
				bad("example block at line " blockstart \
				    " has no marker")
			if (blockmarked && !nb)
				bad("marked block has no command")
			if (blockmarked)
				for (i = 1; i <= nb; i++)
					print where "\t" file ":" bl[i] "\t" \
					      status "\t" bc[i]
			next
		}
		line = $0
		if (cmd == "") {
			if (line !~ /^[$#] /)
				next
			if (blockmarked && where == "host" && line ~ /^#/)
				bad("a host example cannot need root")
			start = NR
			line = substr(line, 3)
		} else {
			sub(/^[ \t]+/, "", line)
		}
		if (line ~ /\\$/) {
			line = substr(line, 1, length(line) - 1)
			sub(/[ \t]+$/, "", line)
			cmd = cmd line " "
			next
		}
		cmd = cmd line
		nb++; bl[nb] = start; bc[nb] = cmd
		cmd = ""
	}
	END {
		if (inblock)
			bad("listing not closed")
		exit err
	}' "$1"
}

# The dmesg captures the host examples name. They are in the kernel's real
# line format (v5.4+, see test/fixtures and vm-notes.md) with unrelated
# lines in between; the numbers are made up for the examples: one cold bind
# and 30 rebinds per capture, the patched kernel faster.
make_capture() {
	local cold=$1 base=$2 step=$3
	awk -v cold="$cold" -v base="$base" -v step="$step" 'BEGIN {
		t = 100.0
		for (i = 0; i <= 30; i++) {
			ms = i == 0 ? cold : base + step * ((i * 7) % 3 - 1)
			printf "[%12.6f] pmem1: detected capacity change " \
			       "from 0 to 4225761280\n", t
			printf "[%12.6f] memmap_init_zone_device initialised " \
			       "1031680 pages in %dms\n", t + ms / 1000.0, ms
			t += 0.5
		}
	}'
}

make_inputs() {
	make_capture 272 48 4 > base-dmesg.txt
	make_capture 256 20 4 > patched-dmesg.txt
	make_capture 280 52 4 > base-dmesg-boot2.txt
	make_capture 248 24 4 > patched-dmesg-boot2.txt
}

run_host() {
	local file=$1 work man failed=0 where loc status cmd rc out
	local ex

	ex=$(extract "$file") || return 1
	work=$(mktemp -d)
	man=$work/.man
	mkdir -p "$man/man1"
	for page in ${RB_MAN_PAGES:-}; do
		cp "$page" "$man/man1/"
	done
	(cd "$work" && make_inputs)

	while IFS=$'\t' read -r where loc status cmd; do
		[ "$where" = host ] || continue
		# Built with -Dsubcommands=false: no ndctl/daxctl dispatcher.
		if [[ $cmd =~ ^(ndctl|daxctl)\ rebind-bench ]] &&
		   ! PATH=${RB_BIN_DIRS:-} command -v "${cmd%% *}" \
				> /dev/null; then
			echo "ok - $loc: $cmd # SKIP no dispatcher built"
			continue
		fi
		# Built with -Ddocs=disabled: there is no page to open.
		if [ -z "${RB_MAN_PAGES:-}" ] &&
		   [[ $cmd =~ ^(ndctl|daxctl)\ help\  ]]; then
			echo "ok - $loc: $cmd # SKIP no man pages built"
			continue
		fi
		out=$(cd "$work" && PATH=${RB_BIN_DIRS:-}:$PATH MANPATH=$man \
			MANPAGER=cat PAGER=cat MANWIDTH=80 LC_ALL=C \
			timeout 120 bash -c "$cmd" 2>&1 < /dev/null)
		rc=$?
		if [ "$rc" != "$status" ]; then
			echo "not ok - $loc: $cmd (exit $rc, expected $status)"
			sed 's/^/# /' <<< "$out" | head -20
			failed=$((failed + 1))
			continue
		fi
		# A results document written by an example must be JSON.
		if [[ $cmd =~ \>\ *([^ ]+\.json)$ ]] &&
		   ! python3 -m json.tool "$work/${BASH_REMATCH[1]}" \
				> /dev/null 2>&1; then
			echo "not ok - $loc: ${BASH_REMATCH[1]} is not JSON"
			failed=$((failed + 1))
			continue
		fi
		echo "ok - $loc: $cmd"
	done <<< "$ex"
	rm -rf "$work"
	return $((failed > 0))
}

# Quote $1 for sh: inside single quotes, ' is written '\''.
sh_quote() {
	local q="'\\''"

	printf "'%s'" "${1//\'/$q}"
}

script_header() {
	cat <<'EOF'
#!/bin/sh
# Generated by test/docs/check-examples.sh: the documented examples.
failed=0
run() {
	sh -c "$3" < /dev/null
	rc=$?
	if [ "$rc" = "$2" ]; then
		echo "ok - $1: $3"
	else
		echo "not ok - $1: $3 (exit $rc, expected $2)"
		failed=$((failed + 1))
	fi
}
EOF
}

# The run() lines for the examples of place $2 in file $1.
script_body() {
	local where loc status cmd ex

	ex=$(extract "$1") || return 1
	while IFS=$'\t' read -r where loc status cmd; do
		[ "$where" = "$2" ] || continue
		echo "run $loc $status $(sh_quote "$cmd")"
	done <<< "$ex"
}

mode=${1:-}
shift || true
want=""
if [ "$mode" = --list ] && [ "${1:-}" = --where ]; then
	want=${2:-}
	shift 2 || die "--where needs an argument"
fi
if [ "$mode" = --script ]; then
	want=${1:-}
	shift || die "--script needs a place"
	script_header
fi
[ $# -gt 0 ] ||
	die "usage: $0 --list [--where WHERE] | --script WHERE | --run-host FILE..."

rc=0
for file in "$@"; do
	if [ ! -f "$file" ]; then
		echo "# $file: not present, skipped"
		continue
	fi
	case $mode in
	--list)
		extract "$file" | awk -F '\t' -v w="$want" \
			'w == "" || $1 == w' || rc=1
		;;
	--script)
		script_body "$file" "$want" || rc=1
		;;
	--run-host)
		run_host "$file" || rc=1
		;;
	*)
		die "unknown mode '$mode'"
		;;
	esac
done
[ "$mode" = --script ] && echo '[ $failed -eq 0 ]'
exit $rc
