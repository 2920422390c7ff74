# SPDX-License-Identifier: GPL-2.0
#
# The demo's guest side (scripts/demo.sh): the real benchmark on the
# emulated NVDIMM's raw namespace, fsdax map=dev and devdax align=2M, each
# a cold bind (the reconfiguration's) and RUNS rebinds.
# Usage: guest-demo.sh [RUNS]
# For each configuration NAME it leaves in $RB_OUT: NAME.json (the results
# document), NAME.txt (the human summary and any warnings: the tool's
# stdout and stderr) and NAME.ndctl.json (`ndctl list -N` of the namespace in that configuration);
# it checks every sample against the raw dmesg lines and the document's
# configuration against `ndctl list`.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

runs=${1:-30}
ns=namespace0.0

require_tool ndctl-rebind-bench
orig=$(ndctl list -N -n "$ns")
t_diag "$ns before:" "$orig"

# bench NAME NDCTL_OPTIONS -- TOOL_OPTIONS: put $ns in the configuration
# with ndctl (so that `ndctl list` shows it), then let the tool reconfigure
# it to the same and measure: its cold bind and $runs rebinds.
bench()
{
	name=$1
	shift
	nd=
	while [ "$1" != -- ]; do
		nd="$nd $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # options are words
	t_ok "$name: $ns set up with ndctl" \
		ndctl create-namespace -f -e "$ns" $nd
	ndctl list -N -n "$ns" >"$RB_OUT/$name.ndctl.json"
	if ndctl-rebind-bench --force "$@" --runs "$runs" \
		--output "$RB_OUT/$name.json" "$ns" >"$RB_OUT/$name.txt" 2>&1
	then
		t_pass "$name: benchmark completed"
	else
		t_fail "$name: benchmark failed"
		t_diag "$(cat "$RB_OUT/$name.txt")"
	fi
	t_is "$name: a cold bind and $runs rebinds" \
		"$(json '.configurations[0] | "\(.cold != null) \(.samples |
			length)"' "$RB_OUT/$name.json")" "true $runs"
	samples_match_dmesg "$name" "$RB_OUT/$name.json"
	t_is "$name: the configuration measured is what ndctl list says" \
		"$(json '.configurations[0].target |
			"\(.mode) \(.map) \(.align) \(.size)"' \
			"$RB_OUT/$name.json")" \
		"$(json '[.] | flatten | .[0] |
			"\(.mode) \(.map) \(.align) \(.size)"' \
			"$RB_OUT/$name.ndctl.json")"
	t_is "$name: the tool put $ns back as it found it" \
		"$(ndctl list -N -n "$ns" | grep -v '"uuid"')" \
		"$(grep -v '"uuid"' "$RB_OUT/$name.ndctl.json")"
}

bench fsdax-map-dev -m fsdax -M dev -- --mode fsdax --map dev
bench devdax-align-2M -m devdax -a 2M -- --mode devdax --align 2M

t_ok "$ns back to raw" ndctl create-namespace -f -e "$ns" -m raw
t_is "$ns is back in its original configuration" \
	"$(ndctl list -N -n "$ns" | grep -v '"uuid"')" \
	"$(echo "$orig" | grep -v '"uuid"')"
t_done
