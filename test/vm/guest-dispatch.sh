# SPDX-License-Identifier: GPL-2.0
#
# "ndctl rebind-bench" and "daxctl rebind-bench" through the dispatcher,
# installed at its installed paths: the dispatchers (run-in-vm.sh --data)
# as /usr/local/bin/ndctl and /usr/local/bin/daxctl, the tools moved to
# /usr/local/bin, ahead of the distribution's /usr/bin/ndctl and daxctl in
# PATH as for root on Debian. Each subcommand rebinds a namespace or dax
# device 3 times for real: the document's binds are the raw dmesg memmap
# lines, its configuration is what "ndctl list" / "daxctl list" shows; and
# the distribution's commands through the dispatcher (list, create-namespace,
# errors) equal the direct calls. Argument: nd (ndctl, an fsdax namespace)
# or dax (daxctl, a devdax namespace's dax device), one guest each.
. "$RB_LIB"

part=${1:-nd}
case $part in
nd) prog=ndctl ;;
dax) prog=daxctl ;;
*) t_bail "unknown part '$part'" ;;
esac

BIN=/usr/local/bin
have_tool $prog-rebind-bench ||
	{ t_skip "$prog-rebind-bench" "not built"; t_done; exit 77; }
[ -x "$RB_DATA/$prog" ] ||
	{ t_skip "$prog dispatcher" "not built"; t_done; exit 77; }
mkdir -p $BIN
cp "$RB_DATA/$prog" $BIN/$prog
mv "$(command -v $prog-rebind-bench)" $BIN/
export PATH=/usr/local/sbin:$BIN:$PATH

t_is "$prog is the dispatcher in $BIN" "$(command -v $prog)" $BIN/$prog
t_is "$prog-rebind-bench is only in $BIN" \
	"$(command -v $prog-rebind-bench)" $BIN/$prog-rebind-bench
t_like "'$prog rebind-bench --help' prints our usage" \
	"$($prog rebind-bench --help 2>&1)" "^usage: $prog-rebind-bench "
t_is "'$prog --list-cmds' is /usr/bin/$prog's list + rebind-bench" \
	"$($prog --list-cmds)" \
	"$(/usr/bin/$prog --list-cmds; echo rebind-bench)"

# OUT ERR STATUS of a command, for comparing two ways of running it.
outcome()
{
	out=$("$@" 2>/tmp/outcome.err)
	rc=$?
	echo "$out // $(cat /tmp/outcome.err) // $rc"
}

# The dispatcher's answer to "PROG ARGS..." is /usr/bin/PROG's.
same_as_direct()
{
	prog=$1
	shift
	t_is "'$prog $*' through the dispatcher equals /usr/bin/$prog" \
		"$(outcome $prog "$@")" "$(outcome /usr/bin/$prog "$@")"
}

# What to measure, how the distribution lists it, and the fields of the
# document's target that its list must agree with.
if [ $part = nd ]; then
	t_ok "ndctl create-namespace through the dispatcher: fsdax map=dev" \
		ndctl create-namespace -f -e namespace0.0 -m fsdax -M dev
	target=namespace0.0
	list="list -N"
	fields='"\(.dev) \(.mode) \(.map) \(.align) \(.size)"'
	listed=$(/usr/bin/ndctl list -n $target | jq -r '.. | objects |
		select(.dev? == "namespace0.0") | '"$fields")
	# The host test (test/install) compares many more invocations.
	others="list -R -N -D|list --bogus"
else
	t_ok "ndctl create-namespace: devdax align=2M" \
		/usr/bin/ndctl create-namespace -f -e namespace0.0 -m devdax -a 2M
	target=$(daxctl list -D | json '.. | objects | .chardev? // empty' |
		head -n 1)
	t_like "daxctl list through the dispatcher names a dax device" \
		"$target" '^dax[0-9]+\.[0-9]+$'
	list="list -D"
	fields='"\(.dev // .chardev) \(.align) \(.size)"'
	listed=$(/usr/bin/daxctl list -d "$target" | jq -r '.. | objects |
		select(.chardev? != null) | '"$fields")
	others="list -R -D|reconfigure-device --mode=bogus $target"
fi

echo "$others" | tr '|' '\n' > /tmp/others
while read -r args; do
	# shellcheck disable=SC2086
	same_as_direct $prog $args
done < /tmp/others

# shellcheck disable=SC2086
before=$(/usr/bin/$prog $list)
lines0=$(dmesg | grep -c 'memmap_init_zone_device initialised')
t_ok "$prog rebind-bench --runs 3 $target" \
	$prog rebind-bench --runs 3 -o "$RB_OUT/$part.json" "$target"
doc=$RB_OUT/$part.json
t_is "$part: 3 binds sampled" \
	"$(json '[.configurations[] | .samples[]] | length' "$doc")" 3
lines=$(dmesg | grep -c 'memmap_init_zone_device initialised')
t_is "$part: one new memmap line in the raw dmesg per bind of the document" \
	"$((lines - lines0))" "$(json '[.configurations[] | (.cold // empty),
		.warmup[]?, .samples[]?] | length' "$doc")"
samples_match_dmesg $part "$doc"
t_is "$part: the document's configuration is $prog list's" \
	"$(json ".configurations[0].target | $fields" "$doc")" "$listed"
# shellcheck disable=SC2086
t_is "$part: '$prog $list' (dispatcher) after the run is as before (direct)" \
	"$($prog $list)" "$before"
t_done
