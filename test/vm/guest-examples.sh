# SPDX-License-Identifier: GPL-2.0
#
# Run the documents' examples that need root and pmem, in order, as the
# documents give them.  Usage: guest-examples.sh LIST, where $RB_DATA/LIST
# is the output of `test/docs/check-examples.sh --list --where vm DOC`,
# generated at build time (test/vm/meson.build), so that editing a document
# changes what runs here.  Each example must exit with its documented
# status; a results document it writes must hold the configurations, runs
# and target its command asks for; and every example but create-namespace
# must leave the namespaces as it found them.
# shellcheck source-path=SCRIPTDIR source=guest-lib.sh
. "$RB_LIB"

list=$RB_DATA/${1:?usage: guest-examples.sh LIST}
[ -s "$list" ] || t_bail "no examples in $list"
tab=$(printf '\t')
log=$RB_OUT/examples.log
: >"$log"

# ns_config: every enabled namespace's configuration, one JSON line
# (ndctl prints a lone namespace as an object, several as an array).
ns_config()
{
	ndctl list -N | jq -c '[.] | flatten |
		map({dev, mode, map, align, size}) | sort_by(.dev)'
}

# option_value CMD NAME: the value of --NAME in CMD, empty if absent.
option_value()
{
	printf '%s\n' "$1" | sed -n "s/.*--$2[ =]\([^ ]*\).*/\1/p"
}

# value_count CMD NAME: how many comma separated values --NAME has (1 when
# absent: the target's current setting).
value_count()
{
	_v=$(option_value "$1" "$2")
	if [ -z "$_v" ]; then
		echo 1
	else
		printf '%s\n' "$_v" | awk -F , '{ print NF }'
	fi
}

# results_file CMD: the results document CMD writes, empty if none.
results_file()
{
	_f=$(option_value "$1" output)
	[ -n "$_f" ] ||
		_f=$(printf '%s\n' "$1" | sed -n 's/.*> *\([^ ]*\.json\)$/\1/p')
	echo "$_f"
}

# check_results LOC CMD FILE: the document's facts against the command.
check_results()
{
	_dev=$(printf '%s\n' "$2" |
		grep -Eo '(namespace|dax)[0-9]+\.[0-9]+' | tail -n 1)
	_runs=$(option_value "$2" runs)
	_runs=${_runs:-30}
	_configs=$(($(value_count "$2" map) * $(value_count "$2" align)))

	if ! jq -e . "$3" >/dev/null 2>&1; then
		t_fail "$1: $3 is a JSON document"
		return
	fi
	t_pass "$1: $3 is a JSON document"
	t_is "$1: $3 is complete and live" \
		"$(json '"\(.complete) \(.origin)"' "$3")" "true live"
	t_is "$1: $3 has $_configs configuration(s)" \
		"$(json '.configurations | length' "$3")" "$_configs"
	t_is "$1: $3: $_runs samples each" \
		"$(json '[.configurations[].samples | length] | unique |
			map(tostring) | join(" ")' "$3")" "$_runs"
	t_is "$1: $3: every configuration measured $_dev" \
		"$(json '[.configurations[].target.dev] | unique | join(" ")' \
			"$3")" "$_dev"
	# The bind of a reconfiguration is the configuration's cold sample.
	case $2 in
	*--force*)
		t_is "$1: $3: a cold sample each" "$(json \
			'[.configurations[] | select(.cold == null)] | length' \
			"$3")" 0
		;;
	esac
}

n=0
while IFS=$tab read -r _where loc status cmd <&3; do
	n=$((n + 1))
	before=$(ns_config)
	echo "# $loc: $cmd" >>"$log"
	out=$(sh -c "$cmd" 2>&1 </dev/null)
	rc=$?
	printf '%s\n' "$out" >>"$log"
	if [ "$rc" = "$status" ]; then
		t_pass "$loc: $cmd"
	else
		t_fail "$loc: $cmd"
		t_diag "exit $rc, expected $status; last lines:" \
			"$(printf '%s\n' "$out" | tail -n 15)"
		continue
	fi

	case $cmd in
	*" compare "*)
		t_like "$loc: compare printed its result" "$out" '[a-z]'
		;;
	*"ndctl create-namespace "*)
		ns=$(printf '%s\n' "$cmd" | sed -n 's/.* -e \([^ ]*\).*/\1/p')
		mode=$(ndctl list -N -n "$ns" | json '[.] | flatten | .[].mode')
		t_is "$loc: $ns is in mode $(option_value "$cmd" mode)" \
			"$mode" "$(option_value "$cmd" mode)"
		;;
	*)
		t_is "$loc: namespaces end as they started" \
			"$(ns_config)" "$before"
		;;
	esac

	file=$(results_file "$cmd")
	[ -z "$file" ] || check_results "$loc" "$cmd" "$file"
done 3<"$list"
t_is "ran every listed example" "$n" "$(wc -l <"$list" | tr -d ' ')"
t_diag "final namespaces: $(ns_config)"
t_done
