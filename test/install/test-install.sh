#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install into a staging directory and check what a user gets from it: the
# man pages render without warnings and document every long option the
# programs report, "ndctl help rebind-bench" (and "ndctl rebind-bench
# --help" without the dispatcher; the daxctl forms too) open our pages, the
# bash completion offers the long options, option values, namespaces and
# dax devices, and the JSON Schema is installed. Namespaces and dax devices
# come from a fake "ndctl list -N" and a fake sysfs tree, since the host has
# no pmem.
#
# Environment (set by test/install/meson.build): RB_BUILD_DIR, the absolute
# install paths RB_PREFIX, RB_BINDIR, RB_MANDIR, RB_COMPLETIONSDIR and
# RB_SCHEMA, RB_DOCS (true when the man pages are built) and
# RB_SUBCOMMANDS (true when the ndctl/daxctl dispatcher is installed).
set -u

. "$(dirname "$0")/tap.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
stage=$tmp/stage

if ! meson install -C "$RB_BUILD_DIR" --destdir "$stage" --no-rebuild \
		--quiet > "$tmp/install.log" 2>&1; then
	cat "$tmp/install.log"
	echo "not ok - meson install --destdir"
	exit 1
fi
ok "meson install --destdir"

bindir=$stage$RB_BINDIR
mandir=$stage$RB_MANDIR
compdir=$stage$RB_COMPLETIONSDIR
export PATH=$bindir:$PATH

# Long options of "<prog> [subcommand] --list-opts", one per line.
list_opts() {
	"$bindir/$1" $2 --list-opts 2>/dev/null | tr ' ' '\n' | grep -- '^--'
}

# COMPREPLY for the words given; the last word is the one being completed.
complete_words() {
	RB_COMP_FILES=$compdir/$1 comp_reply "$@"
}

# Succeeds when the reply to "words..." is exactly the expected list.
reply_is() {
	local expected=$1
	shift
	local got
	got=$(complete_words "$@" | sort | tr '\n' ' ')
	expected=$(printf '%s\n' $expected | sort | tr '\n' ' ')
	if [ "$got" != "$expected" ]; then
		echo "# completing '$*': got '$got', expected '$expected'"
		return 1
	fi
}

# Succeeds when the reply contains every expected word.
reply_has() {
	local expected=$1 word reply
	shift
	reply=$(complete_words "$@")
	for word in $expected; do
		if ! grep -qx -- "$word" <<< "$reply"; then
			echo "# completing '$*': '$word' missing"
			return 1
		fi
	done
}

# Run a command with the completion's ndctl replaced.
with_ndctl() {
	local RB_COMP_NDCTL=$1
	export RB_COMP_NDCTL
	shift
	"$@"
}

quiet() { "$@" > /dev/null 2>&1; }

# A fake host: sysfs with one NFIT bus and dax devices, and an ndctl whose
# "list -N" prints what ndctl prints for two namespaces.
sys=$tmp/sys
mkdir -p "$sys/bus/nd/devices/ndbus0" "$sys/bus/dax/devices"
echo ACPI.NFIT > "$sys/bus/nd/devices/ndbus0/provider"
for dev in region0 region1 namespace0.0 namespace0.1 namespace1.0 pfn1.0; do
	mkdir -p "$sys/bus/nd/devices/$dev"
done
mkdir -p "$sys/bus/dax/devices/dax0.0" "$sys/bus/dax/devices/dax3.1"
cat > "$tmp/ndctl" <<'EOF'
#!/bin/sh
[ "$1 $2" = "list -N" ] || exit 1
cat <<'JSON'
[
  {
    "dev":"namespace1.0",
    "mode":"fsdax",
    "map":"dev",
    "size":1054867456,
    "uuid":"2fbd8eb9-dbc8-4e87-b7a3-2b1c5a6c3a53",
    "sector_size":512,
    "align":2097152,
    "blockdev":"pmem1"
  },
  {
    "dev":"namespace0.0",
    "mode":"devdax",
    "map":"dev",
    "size":1054867456,
    "uuid":"b6b7e2f1-60a7-4fd2-a4f4-6a1f7f0b39ac",
    "chardev":"dax0.0",
    "align":2097152
  }
]
JSON
EOF
chmod +x "$tmp/ndctl"
export RB_COMP_SYSFS=$sys
# File name completion looks here.
mkdir "$tmp/work"
touch "$tmp/work/base.json"
cd "$tmp/work" || exit 1

for fam in ndctl daxctl; do
	prog=$fam-rebind-bench
	page=$mandir/man1/$prog.1

	check "$prog installed and runs" quiet "$bindir/$prog" --version

	rendered=""
	[ "$RB_DOCS" = true ] &&
		rendered=$(LC_ALL=C MANWIDTH=80 man -l "$page" 2>/dev/null)
	for sub in "" import compare; do
		opts=$(list_opts "$prog" "$sub")
		check "$prog $sub --list-opts lists options" test -n "$opts"
		[ -n "$opts" ] || continue
		check "completion: $prog $sub -- offers every long option" \
			reply_is "$opts" "$prog" $sub --

		[ "$RB_DOCS" = true ] || continue
		missing=""
		for opt in $opts; do
			grep -qw -- "$opt" <<< "$rendered" ||
				missing="$missing $opt"
		done
		[ -z "$missing" ] || echo "# $prog.1 lacks:$missing"
		check "$prog.1 documents every $sub option" test -z "$missing"
	done

	check "completion: $prog --ti completes to --timing" \
		reply_is "--timing" "$prog" --ti
	check "completion: $prog --timing kmsg,p" \
		reply_is "kmsg,probe" "$prog" --timing kmsg,p
	check "completion: $prog --timing=a (split at =)" \
		reply_is "auto" "$prog" --timing = a
	check "completion: $prog --timing=w (unsplit)" \
		reply_is "--timing=wall" "$prog" --timing=w
	check "completion: $prog compare --format offers formats" \
		reply_is "json human markdown commit" "$prog" compare --format ''
	check "completion: $prog import offers files and -" \
		reply_has "- base.json" "$prog" import ''
	check "completion: $prog first word offers subcommands" \
		reply_has "import compare all" "$prog" ''

	[ "$RB_DOCS" = true ] || {
		echo "ok - $prog man page checks # SKIP docs disabled"
		continue
	}
	check "$page installed" test -f "$page"
	check "$prog.1 renders with man -l without warnings" \
		test -z "$(LC_ALL=C MANWIDTH=80 man --warnings -l "$page" 2>&1 \
			>/dev/null)"

	expected=$(LC_ALL=C MANWIDTH=80 man -l "$page" 2>&1)
	hows=("help rebind-bench")
	# With the dispatcher (test-dispatch.sh) --help prints our usage.
	[ "$RB_SUBCOMMANDS" = true ] || hows+=("rebind-bench --help")
	for how in "${hows[@]}"; do
		got=$(LC_ALL=C MANWIDTH=80 MANPATH=$mandir MANPAGER=cat \
			PAGER=cat $fam $how 2>&1)
		check "'$fam $how' opens $prog(1)" test "$got" = "$expected"
	done
done

check "completion: namespaces from ndctl list -N" \
	with_ndctl "$tmp/ndctl" reply_is \
	"all import compare namespace0.0 namespace1.0" ndctl-rebind-bench ''
check "completion: namespaces from sysfs without ndctl" \
	with_ndctl false reply_is \
	"namespace0.0 namespace0.1 namespace1.0" ndctl-rebind-bench --force n
check "completion: dax devices from sysfs" \
	reply_is "dax0.0 dax3.1" daxctl-rebind-bench -v d
check "completion: ndctl --region from sysfs" \
	reply_is "region0 region1" ndctl-rebind-bench --region ''
check "completion: ndctl --bus names and providers" \
	reply_is "ndbus0 ACPI.NFIT" ndctl-rebind-bench --bus ''
check "completion: daxctl --region from dax devices" \
	reply_is "region0 region3" daxctl-rebind-bench --region ''
check "completion: --mode fsdax,d" \
	reply_is "fsdax,devdax" ndctl-rebind-bench --mode fsdax,d
check "completion: --map=m (split at =)" \
	reply_is "mem" ndctl-rebind-bench --map = m
check "completion: --runs takes a number, offers nothing" \
	reply_is "" ndctl-rebind-bench --runs ''

schema=$stage$RB_SCHEMA
check "schema installed as $RB_SCHEMA" test -f "$schema"
[ -f "$schema" ] && check "installed schema is valid JSON" \
	python3 -m json.tool "$schema" > /dev/null

outside=$(cd "$stage" && find . -type f | grep -v "^\.$RB_PREFIX/")
[ -z "$outside" ] || echo "# outside the prefix: $outside"
check "nothing installed outside the prefix" test -z "$outside"

echo "# $failed failed"
[ $failed -eq 0 ]
