#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run the README's main job (scripts/demo.sh) as a user would, then check
# what it promises: one results document per configuration on the host,
# complete, with the cold bind and 30 measured rebinds of the right device.
#
# usage: check-demo.sh BUILD_DIR RESULTS_DIR
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
build=$1 results=$2
n=0 failed=0

check() # DESCRIPTION COMMAND...
{
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		failed=$((failed + 1))
	fi
}

# jq_is FILE FILTER WANT
jq_is()
{
	[ "$(jq -r "$2" "$1" 2>/dev/null)" = "$3" ]
}

rm -rf "$results"
check "scripts/demo.sh runs" "$top/scripts/demo.sh" --vm --build "$build" \
	--results "$results"
for c in fsdax-map-dev devdax-align-2M; do
	f=$results/$c.json
	check "$c: results document copied to the host" test -s "$f"
	check "$c: complete" jq_is "$f" .complete true
	check "$c: one configuration with a cold bind" \
		jq_is "$f" '[.configurations[] | select(.cold)] | length' 1
	check "$c: 30 measured rebinds" \
		jq_is "$f" '.configurations[0].samples | length' 30
	check "$c: human summary saved" grep -q 'Average of subsequent' \
		"$results/$c.txt"
done
check "fsdax run measured fsdax map=dev" jq_is \
	"$results/fsdax-map-dev.json" \
	'.configurations[0].target | "\(.mode) \(.map)"' "fsdax dev"
check "devdax run measured devdax align 2M" jq_is \
	"$results/devdax-align-2M.json" \
	'.configurations[0].target | "\(.mode) \(.align)"' "devdax 2097152"
echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
