# SPDX-License-Identifier: GPL-2.0
# TAP-ish helpers of the install tests, sourced: "ok"/"not ok" lines and a
# count of failures in $failed.
failed=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # description, command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# COMPREPLY, one per line, for the words given (the last one is being
# completed), after sourcing the completion files in $RB_COMP_FILES.
comp_reply() {
	bash --norc --noprofile -c '
		for f in $RB_COMP_FILES; do . "$f" || exit 1; done
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		fn=$(complete -p "$1" | sed -n "s/.*-F \([^ ]*\) .*/\1/p")
		[ -n "$fn" ] || exit 1
		"$fn"
		printf "%s\n" "${COMPREPLY[@]}"' comp_reply "$@"
}
