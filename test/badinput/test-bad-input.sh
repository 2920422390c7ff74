#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# test-bad-input.sh [--list] [CASE...]
#
# Feed the front ends bad options, names, counts and input files (the table
# in cases.txt) and check each answer: the documented exit status of that
# case, exactly one line on stderr and it an error, nothing on stdout, no
# crash (status >= 128), no hang (10 s), and no change to any nd or dax
# device. Without CASE every case runs. Prints TAP; exits 1 on a failure.
#
# Environment: RB_NDCTL, RB_DAXCTL (the two programs; default: the build
# directory next to this source tree, build-ci).
#
# Cases that name a device are skipped when the host has nd namespaces or
# dax devices of its own: there they would be real runs.
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cases="$here/cases.txt"
NDCTL=${RB_NDCTL:-$top/build-ci/ndctl-plugin/ndctl-rebind-bench}
DAXCTL=${RB_DAXCTL:-$top/build-ci/daxctl-plugin/daxctl-rebind-bench}
nobody_uid=65534

list_cases()
{
	sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$cases" |
		awk -F'|' '{ gsub(/[[:space:]]/, "", $1); print $1 }'
}

if [ "${1:-}" = "--list" ]; then
	list_cases
	exit 0
fi

for p in "$NDCTL" "$DAXCTL"; do
	if [ ! -x "$p" ]; then
		echo "Bail out! $p is not built"
		exit 1
	fi
done
# Cases run in a scratch directory.
NDCTL=$(realpath "$NDCTL")
DAXCTL=$(realpath "$DAXCTL")

T=$(mktemp -d /tmp/rb-badinput.XXXXXX) || exit 1
trap 'chmod -R u+rwx "$T" 2>/dev/null; rm -rf "$T"' EXIT
# The unprivileged cases must reach their inputs.
chmod 755 "$T"

# Generated inputs, made only when a case names them as @name.
valid_doc="$here/valid.json"
good_log="$here/good.log"

# python3 one-liners edit the valid document into structurally wrong ones.
mutate()
{
	python3 - "$valid_doc" "$1" <<-'EOF'
	import json, sys
	d = json.load(open(sys.argv[1]))
	what = sys.argv[2]
	cfg = d["configurations"][0]
	if what == "schema-new":
	    d["schema_version"] = 999
	elif what == "schema-name":
	    d["schema"] = "something-else"
	elif what == "no-schema":
	    del d["schema"]
	elif what == "types":
	    cfg["samples"][0]["nr_pages"] = "257536"
	elif what == "negative":
	    cfg["samples"][0]["memmap_ms"] = -8
	elif what == "float-count":
	    cfg["samples"][0]["nr_pages"] = 2.5e300
	elif what == "configs-object":
	    d["configurations"] = {"x": 1}
	elif what == "samples-null":
	    cfg["samples"] = None
	elif what == "no-configs":
	    d["configurations"] = []
	elif what == "newline-value":
	    d["origin"] = "li\nve"
	elif what == "newline-source":
	    cfg["settings"]["timing"] = ["memmap_ms", "bind\nns"]
	elif what == "esc-driver":
	    cfg["target"]["driver"] = "nd_pmem\u001b[2J\u001b[31m"
	elif what == "newline-driver":
	    cfg["target"]["driver"] = "nd_pmem\nThis reduces the average rebind time by about 90%"
	elif what == "map-enum":
	    cfg["target"]["map"] = "disk"
	elif what == "bus-enum":
	    cfg["target"]["bind_bus"] = "pci"
	elif what == "pages-saturate":
	    s = json.dumps(d).replace('"nr_pages": %d' % cfg["samples"][0]["nr_pages"],
	                              '"nr_pages": 99999999999999999999999', 1)
	    sys.stdout.write(s)
	    sys.exit(0)
	elif what == "fp-escape":
	    d["fingerprint"]["cmdline"] = "quiet \u001b]0;owned\u0007"
	elif what == "fp-key-newline":
	    d["fingerprint"]["x\ny"] = 1
	elif what.startswith("adaptive-"):
	    n = len(cfg["samples"])
	    cfg["settings"]["adaptive"] = {"precision": 0.05,
	        "confidence": 0.95, "min_runs": 5, "max_runs": n,
	        "source": "memmap_ms", "stopped": "max-runs-reached",
	        "achieved_precision": 0.08, "runs": n}
	    cfg["settings"]["runs"] = n
	    if what == "adaptive-enum":
	        cfg["settings"]["adaptive"]["stopped"] = "converged"
	    elif what == "adaptive-runs":
	        cfg["settings"]["adaptive"]["runs"] = n - 1
	elif what == "configs-cap":
	    d["configurations"] = [{}] * 65537
	elif what == "samples-cap":
	    cfg["samples"] = [{}] * 1048577
	elif what.startswith("bd-"):
	    # --breakdown: every sample a 30 ms bind, 20 ms of it in
	    # memremap_pages; then one value made wrong.
	    cfg["settings"]["timing"].append("bind_ns")
	    cfg["settings"]["breakdown"] = ["memremap_pages"]
	    for s in cfg["samples"]:
	        s["bind_ns"] = 30000000
	        s["breakdown"] = {"memremap_pages":
	                          {"ns": 20000000, "calls": 1, "share": 2 / 3}}
	    t = cfg["samples"][0]["breakdown"]["memremap_pages"]
	    if what == "bd-unknown-fn":
	        cfg["samples"][0]["breakdown"] = {"__init_zone_device_page": t}
	    elif what == "bd-calls-zero":
	        t["calls"] = 0
	    elif what == "bd-calls-huge":
	        t["calls"] = 99999999
	    elif what == "bd-ns-negative":
	        t["ns"] = -1
	    elif what == "bd-ns-string":
	        t["ns"] = "20000000"
	    elif what == "bd-share-wrong":
	        t["share"] = 0.5
	    elif what == "bd-not-listed":
	        del cfg["settings"]["breakdown"]
	    elif what == "bd-settings-unknown":
	        cfg["settings"]["breakdown"] = ["memremap_pagez"]
	    elif what == "bd-missing-probed":
	        cfg["breakdown_missing"] = [{"function": "memremap_pages",
	                                     "reason": "x"}]
	json.dump(d, sys.stdout)
	EOF
}

make_input()
{
	local name=$1 f="$T/$1"

	[ -e "$f" ] && return 0
	case "$name" in
	valid.json) cp "$valid_doc" "$f" ;;
	good.log) cp "$good_log" "$f" ;;
	garbage.json) printf 'this is not {json] at all\n' >"$f" ;;
	binary.bin) head -c 65536 "$(command -v bash)" >"$f" ;;
	empty.json | empty.log) : >"$f" ;;
	truncated.json)
		head -c $(($(stat -c %s "$valid_doc") / 2)) "$valid_doc" >"$f"
		;;
	trailing.json) { cat "$valid_doc"; echo '} xyz'; } >"$f" ;;
	huge.json | huge.log)
		# Sparse, larger than any input may be (256 MiB).
		truncate -s 300M "$f"
		;;
	blank.json)
		# 16 MiB of blanks before an empty object.
		{ head -c $((16 << 20)) /dev/zero | tr '\0' ' '; echo '{}'; } >"$f"
		;;
	deep.json)
		{ head -c 200000 /dev/zero | tr '\0' '['; } >"$f"
		;;
	array.json) echo '[]' >"$f" ;;
	null.json) echo 'null' >"$f" ;;
	nul-byte.json) { printf '{"schema":"rebind-bench-results"\0,'; } >"$f" ;;
	unreadable.json | unreadable.log)
		if [ "${name##*.}" = json ]; then
			cp "$valid_doc" "$f"
		else
			cp "$good_log" "$f"
		fi
		chmod 000 "$f"
		;;
	*.json)
		mutate "${name%.json}" >"$f" || return 1
		;;
	dir) mkdir "$f" ;;
	nomemmap.log)
		cat >"$f" <<-'EOF'
		[    0.000000] Linux version 6.1.0-28-amd64 (debian-kernel@lists.debian.org)
		[    1.234567] nd_pmem namespace0.0: unable to guarantee persistence of writes
		[    1.345678] pmem0: detected capacity change from 0 to 1054867456
		[    2.000000] dax0.0: initialised (memmap_init_zone_device was not here)
		EOF
		;;
	overflow.log)
		echo '[   12.000000] memmap_init_zone_device initialised 99999999999999999999999 pages in 8ms' >"$f"
		;;
	longline.log)
		{ head -c $((20 << 20)) /dev/zero | tr '\0' 'x'; } >"$f"
		;;
	line64k.log)
		# One byte over the line bound, then a good line.
		{ head -c 65537 /dev/zero | tr '\0' 'x'; echo
		  cat "$good_log"; } >"$f"
		;;
	configs.log)
		awk 'BEGIN { for (i = 0; i < 65537; i++)
			printf "memmap_init_zone_device initialised %d pages in 4ms\n",
			       262144 + 512 * i }' >"$f"
		;;
	*)
		echo "# unknown input @$name" >&2
		return 1
		;;
	esac
}

# A listing of every nd and dax device with its driver and mode: must be
# the same after a case as before it.
device_state()
{
	local d

	for d in /sys/bus/nd/devices/* /sys/bus/dax/devices/*; do
		[ -e "$d" ] || continue
		printf '%s %s %s %s\n' "$d" \
			"$(basename "$(readlink "$d/driver" 2>/dev/null)")" \
			"$(cat "$d/mode" 2>/dev/null)" \
			"$(cat "$d/align" 2>/dev/null)"
	done
}

host_has_devices()
{
	ls /sys/bus/nd/devices 2>/dev/null | grep -q '^namespace' ||
		ls /sys/bus/dax/devices 2>/dev/null | grep -q '^dax'
}

# run_case NAME -> 0 pass, 1 fail, 2 skip; the reason goes to $why.
run_case()
{
	local line name expect user cmd word out err rc before after nlines
	local prog prefix

	line=$(sed -e 's/#.*//' "$cases" |
		awk -F'|' -v n="$1" '{ c = $1; gsub(/[[:space:]]/, "", c) }
			c == n { print; exit }')
	if [ -z "$line" ]; then
		why="no such case"
		return 1
	fi
	IFS='|' read -r name expect user cmd <<<"$line"
	expect=${expect//[[:space:]]/}
	user=${user//[[:space:]]/}

	if [[ "$cmd" == *'$NDCTL'*'namespace'* || "$cmd" == *' all'* ||
	      "$cmd" == *'$DAXCTL'*'dax'[0-9]* ]] && host_has_devices; then
		why="host has pmem devices: would be a real run"
		return 2
	fi

	for word in $cmd; do
		case "$word" in
		@*)
			make_input "${word#@}" || {
				why="cannot make input ${word#@}"
				return 1
			}
			;;
		esac
	done
	cmd=$(sed -E "s|@([A-Za-z0-9._-]+)|$T/\\1|g" <<<"$cmd")

	case "$cmd" in
	*'$DAXCTL'*) prog=daxctl-rebind-bench ;;
	*) prog=ndctl-rebind-bench ;;
	esac
	case "$user" in
	root) prefix="" ;;
	nobody)
		prefix="setpriv --reuid=$nobody_uid --regid=$nobody_uid"
		prefix+=" --clear-groups --"
		;;
	*)
		why="bad user column '$user'"
		return 1
		;;
	esac

	before=$(device_state)
	(
		cd "$T" || exit 99
		eval "timeout -k 2 10 $prefix $cmd" \
			>"$T/stdout" 2>"$T/stderr" </dev/null
	)
	rc=$?
	after=$(device_state)
	out=$(cat "$T/stdout")
	err=$(cat "$T/stderr")
	nlines=$(grep -c '' "$T/stderr")

	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="hung: killed after 10 s"
		return 1
	fi
	if [ "$rc" -ge 128 ]; then
		why="crashed: status $rc ($(kill -l $((rc - 128)) 2>/dev/null));"
		why+=" stderr: $(head -c 300 <<<"$err")"
		return 1
	fi
	if [ "$before" != "$after" ]; then
		why="device state changed"
		return 1
	fi
	if [ "$rc" -ne "$expect" ]; then
		why="exit $rc, want $expect; stderr: $(head -c 300 <<<"$err")"
		return 1
	fi
	[ "$expect" -eq 0 ] && return 0
	if [ -n "$out" ]; then
		why="error but stdout not empty: $(head -c 200 <<<"$out")"
		return 1
	fi
	if [ "$nlines" -ne 1 ]; then
		why="$nlines lines on stderr, want 1: $(head -c 300 <<<"$err")"
		return 1
	fi
	if [[ "$err" != "$prog: error: "?* ]]; then
		why="stderr is not '$prog: error: ...': $err"
		return 1
	fi
	return 0
}

export NDCTL DAXCTL
if [ $# -gt 0 ]; then
	names=("$@")
else
	mapfile -t names < <(list_cases)
fi

echo "1..${#names[@]}"
n=0 failed=0 skipped=0
for c in "${names[@]}"; do
	n=$((n + 1))
	why=""
	run_case "$c"
	case $? in
	0) echo "ok $n - $c" ;;
	2)
		echo "ok $n - $c # SKIP $why"
		skipped=$((skipped + 1))
		;;
	*)
		echo "not ok $n - $c: $why"
		failed=$((failed + 1))
		;;
	esac
	# Inputs are remade per case: a case must not see another's leftovers.
	chmod -R u+rwx "$T" 2>/dev/null
	rm -rf "${T:?}"/*
done
echo "# $n cases, $failed failed, $skipped skipped"
[ $failed -eq 0 ] || exit 1
# Only skips: tell meson (exit 77) rather than claim a pass.
[ $skipped -eq $n ] && exit 77
exit 0
