# SPDX-License-Identifier: GPL-2.0
#
# The demo's guest side (scripts/demo.sh): the real benchmark on the
# emulated NVDIMM's raw namespace, fsdax map=dev and devdax align=2M.
# Usage: guest-demo.sh [RUNS]
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

# The benchmark's status, not tee's.
# shellcheck disable=SC3040 # busybox ash has pipefail
set -o pipefail
runs=${1:-30}
ns=namespace0.0

have_tool ndctl-rebind-bench || t_bail "ndctl-rebind-bench is not built"
before=$(ndctl list -N -n "$ns")
t_diag "$ns before:" "$before"

# bench NAME OPTION...: one configuration; the human summary goes to the
# console and to NAME.txt, the results document to NAME.json.
bench()
{
	name=$1
	shift
	echo "# ndctl-rebind-bench $* --runs $runs $ns"
	if ndctl-rebind-bench "$@" --runs "$runs" \
		--output "$RB_OUT/$name.json" "$ns" 2>&1 |
		tee "$RB_OUT/$name.txt"; then
		t_pass "$name: benchmark completed"
	else
		t_fail "$name: benchmark failed"
	fi
	t_ok "$name: results are JSON" jq -e . "$RB_OUT/$name.json"
}

bench fsdax-map-dev --force --mode fsdax --map dev
bench devdax-align-2M --force --mode devdax --align 2M

t_is "$ns is back in its original configuration" \
	"$(ndctl list -N -n "$ns")" "$before"
t_done
