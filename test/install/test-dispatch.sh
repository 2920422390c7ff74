#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The ndctl / daxctl dispatcher after a real "meson install": into a
# staging directory always, and as root into /usr/local itself (a CI
# machine, $CI set: for real, then uninstalled; elsewhere inside a private
# mount namespace with an overlay on /usr/local, so that nobody else on the
# machine sees it). It checks that
#   - "<prog> rebind-bench ..." runs our program, and "<prog> --list-cmds"
#     is the distribution's list plus one line "rebind-bench";
#   - every other invocation is the distribution binary's, byte for byte
#     on stdout and stderr and in the exit status, with argv, environment,
#     stdin and the process itself (exec, no fork) passed on;
#   - PATH naming the dispatcher's folder twice, through a symlink, or with
#     a second copy does not loop, and no real binary means exit 127;
#   - ndctl's own completion completes the subcommand and ours takes over;
#   - from "bash -l", sudo's secure_path and a script, "ndctl" is the
#     dispatcher, and uninstalling restores /usr/local exactly;
#   - -Dsubcommands=false installs none of it.
#
# Environment (test/install/meson.build): RB_BUILD_DIR, RB_SOURCE_DIR,
# RB_PREFIX, RB_BINDIR, RB_MANDIR, RB_COMPLETIONSDIR, RB_DOCS.
# Usage: test-dispatch.sh            (the whole test)
#        test-dispatch.sh --overlay  (internal: the /usr/local part, run in
#                                     a private mount namespace)
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/tap.sh"

tools="ndctl daxctl"
distro_dir=/usr/bin

# "<stdout>\n--stderr--\n<stderr>\n--exit N--" of a command.
outcome() {
	local out err rc

	out=$("$@" 2> "$tmp/stderr" < /dev/null)
	rc=$?
	err=$(cat "$tmp/stderr")
	printf '%s\n--stderr--\n%s\n--exit %d--\n' "$out" "$err" "$rc"
}

# Succeeds when two outcomes are equal; shows the difference otherwise.
same_outcome() {
	local what=$1 a=$2 b=$3

	[ "$a" = "$b" ] && return 0
	echo "# $what:"
	diff <(echo "$a") <(echo "$b") | head -20 | sed 's/^/#   /'
	return 1
}

# Run "<prog> args" found through PATH=$1, as a user types it.
via_path() {
	local path=$1

	shift
	PATH=$path MANPAGER=cat PAGER=cat MANWIDTH=80 LC_ALL=C \
		timeout 60 "$@"
}

# The distribution binary with the argv[0] a PATH lookup gives it.
direct() {
	local prog=$1

	shift
	MANPAGER=cat PAGER=cat MANWIDTH=80 LC_ALL=C \
		timeout 60 bash -c 'exec -a "$0" "$@"' "$prog" \
		"$distro_dir/$prog" "$@"
}

# At least 12 invocations per program that the dispatcher must pass on.
invocations() {
	local common='--version|-v|version|--help|-h||help|help list|list|
list -R|list -i -N|list --bogus|list -Z|bogus-command|--bogus|-x|
--rebind-bench|rebind-bench2|rebind|list --help'

	echo "$common" | tr -d '\n' | tr '|' '\n'
	echo
	if [ "$1" = ndctl ]; then
		printf '%s\n' 'create-namespace --bogus' 'disable-namespace' \
			'enable-namespace namespace99.9' 'read-labels'
	else
		printf '%s\n' 'reconfigure-device' 'disable-device dax99.9' \
			'reconfigure-device --mode=bogus dax0.0' \
			'create-device --bogus'
	fi
}

# Dispatcher in folder $1 against the distribution binary.
check_passthrough() {
	local dir=$1 prog args a b n=0 bad=0

	for prog in $tools; do
		while IFS= read -r args; do
			n=$((n + 1))
			# shellcheck disable=SC2086
			a=$(outcome via_path "$dir:$PATH" $prog $args)
			# shellcheck disable=SC2086
			b=$(outcome direct $prog $args)
			same_outcome "$prog $args" "$a" "$b" || bad=$((bad + 1))
		done < <(invocations $prog)
		a=$(outcome via_path "$dir:$PATH" $prog --list-cmds)
		b=$(outcome direct $prog --list-cmds |
			sed '/^--stderr--$/i rebind-bench')
		check "$prog --list-cmds: the distribution's + rebind-bench" \
			same_outcome "$prog --list-cmds" "$a" "$b"
	done
	check "$n other invocations: the distribution's stdout, stderr, exit" \
		test "$bad" -eq 0 -a "$n" -ge 24
}

# "<prog> rebind-bench ARGS" is "<prog>-rebind-bench ARGS".
check_subcommand() {
	local dir=$1 prog args a b

	for prog in $tools; do
		for args in --help "compare --help" "import --help" \
				--list-opts "--bogus" "compare"; do
			# shellcheck disable=SC2086
			a=$(outcome via_path "$dir:$PATH" \
				$prog rebind-bench $args)
			# shellcheck disable=SC2086
			b=$(outcome via_path "$dir:$PATH" \
				$prog-rebind-bench $args)
			check "'$prog rebind-bench $args' = '$prog-rebind-bench ...'" \
				same_outcome "$prog rebind-bench $args" "$a" "$b"
		done
		a=$(via_path "$dir:$PATH" $prog rebind-bench --help 2>&1)
		check "'$prog rebind-bench --help' prints our usage" \
			grep -q "^usage: $prog-rebind-bench " <<< "$a"
	done
}

# A fake real ndctl shows what it was given.
make_fake() {
	mkdir -p "$tmp/fake"
	cat > "$tmp/fake/ndctl" <<'EOF'
#!/bin/bash
PATH=/usr/bin:/bin
echo "pid $$"
for a in "$@"; do echo "arg <$a>"; done
echo "env <$RB_PROBE_VAR>"
echo "stdin <$(cat)>"
echo "to stderr" >&2
exit 42
EOF
	chmod +x "$tmp/fake/ndctl"
}

check_exec() {
	local dir=$1 got expected pid

	make_fake
	got=$(echo in | RB_PROBE_VAR='x y' PATH="$dir:$tmp/fake" \
		ndctl list 'a b' '' 2> "$tmp/fake.err" | grep -v '^pid')
	expected=$(printf '%s\n' 'arg <list>' 'arg <a b>' 'arg <>' \
		'env <x y>' 'stdin <in>')
	check "argv, environment and stdin reach the real binary" \
		test "$got" = "$expected"
	check "its stderr passes through" test "$(cat "$tmp/fake.err")" = \
		"to stderr"
	PATH="$dir:$tmp/fake" ndctl > "$tmp/fake.out" 2>&1 &
	pid=$!
	wait $pid
	check "its exit status passes through" test $? -eq 42
	check "exec, not fork: the real binary runs in the dispatcher's pid" \
		test "$(head -n 1 "$tmp/fake.out")" = "pid $pid"
}

check_path_search() {
	local dir=$1 out rc

	mkdir -p "$tmp/links" "$tmp/copy"
	ln -sfn "$dir" "$tmp/links/bin"
	cp "$dir/ndctl" "$tmp/copy/ndctl"
	for path in "$dir:$dir:$distro_dir" \
			"$dir:$tmp/links/bin:$dir:$distro_dir" \
			"$tmp/links/bin:$dir:$tmp/copy:$distro_dir" \
			"$tmp/copy:$dir:$tmp/copy:$distro_dir"; do
		out=$(timeout 10 env PATH="$path" ndctl --version 2>&1)
		check "PATH=$path: no loop, the real ndctl answers" \
			test "$out" = "$("$distro_dir/ndctl" --version)"
	done
	out=$(timeout 10 env PATH="$dir:$tmp/links/bin:$dir" ndctl list 2>&1)
	rc=$?
	check "no real ndctl in PATH: exit 127" test $rc -eq 127
	check "no real ndctl in PATH: one line" test "$(wc -l <<< "$out")" -eq 1
	echo "# $out"
	out=$(timeout 10 env PATH=/nonexistent "$dir/ndctl" list 2>&1)
	check "run by path with PATH lacking ndctl: exit 127" test $? -eq 127
	check "... and says so" \
		grep -q "^ndctl: no other ndctl in PATH" <<< "$out"
	out=$(env -u PATH timeout 10 "$dir/ndctl" --version 2>&1)
	check "PATH unset: the default search path finds ndctl" \
		test "$out" = "$("$distro_dir/ndctl" --version)"
}

# A dispatcher without our program next to it or in bindir.
check_lone() {
	local dir=$1 out

	if [ -e "$RB_BINDIR/ndctl-rebind-bench" ]; then
		echo "ok - lone dispatcher # SKIP $RB_BINDIR has our programs"
		return
	fi
	mkdir -p "$tmp/lone"
	cp "$dir/ndctl" "$tmp/lone/ndctl"
	out=$(PATH=$tmp/lone:$PATH ndctl rebind-bench --help 2>&1)
	check "without ndctl-rebind-bench: exit 127" test $? -eq 127
	check "without ndctl-rebind-bench: one line" \
		test "$(wc -l <<< "$out")" -eq 1
	check "without ndctl-rebind-bench: --list-cmds is the real list" \
		test "$(PATH=$tmp/lone:$PATH ndctl --list-cmds)" = \
		"$("$distro_dir/ndctl" --list-cmds)"
}

# COMPREPLY, one per line, for words... with the files $RB_COMP_FILES.
complete_words() {
	PATH=$compbin:$PATH comp_reply "$@"
}

reply_is() {
	local expected=$1 got

	shift
	got=$(complete_words "$@" | sort | tr '\n' '|')
	expected=$(printf '%s\n' "$expected" | tr '|' '\n' | sort | tr '\n' '|')
	[ "$got" = "$expected" ] && return 0
	echo "# completing '$*': got '$got', expected '$expected'"
	return 1
}

check_completion() {
	local compdir=$1 prog opts
	local main=/usr/share/bash-completion/bash_completion
	local distro=/usr/share/bash-completion/completions/ndctl

	compbin=$2
	if [ ! -f "$distro" ]; then
		echo "ok - completion # SKIP no $distro"
		return
	fi
	[ -f "$main" ] || main=
	export RB_COMP_FILES="$main $distro"
	check "ndctl's own completion: 'ndctl reb' completes to rebind-bench" \
		reply_is "rebind-bench " ndctl reb
	check "ndctl's own completion: 'daxctl reb' completes to rebind-bench" \
		reply_is "rebind-bench " daxctl reb
	RB_COMP_FILES="$main $compdir/ndctl"
	check "ours (loaded as ndctl): 'ndctl reb' still rebind-bench" \
		reply_is "rebind-bench " ndctl reb
	check "ours: 'ndctl li' still the distribution's list" \
		reply_is "list " ndctl li
	check "ours: 'ndctl list --bu' still the distribution's options" \
		reply_is "--bus=|--buses " ndctl list --bu
	check "ours: 'daxctl reconfigure-device --mo' still the distro's" \
		reply_is "--mode=" daxctl reconfigure-device --mo
	for prog in $tools; do
		opts=$("$compbin/$prog-rebind-bench" --list-opts | tr '\n' '|')
		check "ours: '$prog rebind-bench --' offers our options" \
			reply_is "${opts%|}" $prog rebind-bench --
		check "ours: '$prog rebind-bench --tim' completes --timing" \
			reply_is "--timing" $prog rebind-bench --tim
		check "ours: '$prog rebind-bench compare --format h'" \
			reply_is "human" $prog rebind-bench compare --format h
	done
	check "ours: 'ndctl rebind-bench --mode ' offers the modes" \
		reply_is "fsdax|devdax" ndctl rebind-bench --mode ''
	check "ours: 'ndctl rebind-bench --map=' offers the maps" \
		reply_is "dev|mem" ndctl rebind-bench --map =
	check "ours: 'ndctl rebind-bench im' completes import" \
		reply_is "import" ndctl rebind-bench im
	RB_COMP_FILES="$main $compdir/daxctl"
	check "ours (loaded as daxctl): 'daxctl rebind-bench --ti'" \
		reply_is "--timing" daxctl rebind-bench --ti
}

# What "find /usr/local" sees: type, mode and path of every entry.
snapshot() {
	find /usr/local -xdev -printf '%y %m %p -> %l\n' | sort
}

# As root, with /usr/local/bin/ndctl the dispatcher for real.
check_system() {
	local before after prog out want script

	before=$(snapshot)
	if ! meson install -C "$RB_BUILD_DIR" --no-rebuild --quiet \
			> "$tmp/sysinstall.log" 2>&1; then
		sed 's/^/# /' "$tmp/sysinstall.log"
		not_ok "meson install into $RB_PREFIX"
		return
	fi
	ok "meson install into $RB_PREFIX"
	for prog in $tools; do
		want=$("$RB_BINDIR/$prog-rebind-bench" --help 2>&1)
		out=$(bash -l -c "$prog rebind-bench --help" 2>&1 < /dev/null)
		check "bash -l: '$prog rebind-bench --help' prints our usage" \
			test "$out" = "$want"
		check "bash -l: '$prog' is $RB_BINDIR/$prog" test \
			"$(bash -l -c "type -P $prog" < /dev/null)" = \
			"$RB_BINDIR/$prog"
		script=$tmp/script-$prog.sh
		printf '#!/bin/sh\nexec %s rebind-bench --help\n' "$prog" \
			> "$script"
		chmod +x "$script"
		out=$(bash -l -c "$script" 2>&1 < /dev/null)
		check "a script run from bash -l: '$prog rebind-bench --help'" \
			test "$out" = "$want"
		if command -v sudo > /dev/null; then
			# A PATH without /usr/local: only secure_path finds it.
			out=$(PATH=/usr/bin:/bin sudo $prog rebind-bench \
				--help 2>&1 < /dev/null)
			check "sudo (secure_path): '$prog rebind-bench --help'" \
				test "$out" = "$want"
			out=$(PATH=/usr/bin:/bin sudo $prog --version 2>&1)
			check "sudo: '$prog --version' is the distribution's" \
				test "$out" = "$("$distro_dir/$prog" --version)"
		else
			not_ok "sudo is not installed (scripts/install-deps.sh)"
		fi
		out=$(outcome bash -l -c "$prog list --bogus")
		check "bash -l: '$prog list --bogus' is the distribution's" \
			same_outcome "$prog list --bogus" "$out" \
			"$(outcome direct "$prog" list --bogus)"
	done
	if [ "$RB_DOCS" = true ]; then
		want=$(MANPAGER=cat MANWIDTH=80 LC_ALL=C \
			man ndctl-rebind-bench 2>&1)
		out=$(MANPAGER=cat MANWIDTH=80 LC_ALL=C bash -l -c \
			'ndctl help rebind-bench' 2>&1 < /dev/null)
		check "'ndctl help rebind-bench' is 'man ndctl-rebind-bench'" \
			test "$out" = "$want"
		check "... which is our page" grep -q '^NAME' <<< "$want"
	fi
	check_passthrough "$RB_BINDIR"

	ninja -C "$RB_BUILD_DIR" uninstall > "$tmp/uninstall.log" 2>&1
	check "ninja uninstall" test $? -eq 0
	after=$(snapshot)
	check "uninstalling restores /usr/local exactly" \
		same_outcome "find /usr/local" "$before" "$after"
	check "after uninstalling, bash -l finds $distro_dir/ndctl" test \
		"$(bash -l -c 'type -P ndctl' < /dev/null)" = \
		"$distro_dir/ndctl"
}

# The /usr/local part, in a private mount namespace (see the top).
if [ "${1:-}" = --overlay ]; then
	tmp=$2
	lower=/usr/local,upperdir=$tmp/upper,workdir=$tmp/work
	mount -t overlay overlay -o "lowerdir=$lower" /usr/local || exit 77
	check_system
	echo "# $failed failed in /usr/local"
	[ $failed -eq 0 ]
	exit
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for prog in $tools; do
	[ -x "$distro_dir/$prog" ] || {
		echo "not ok - no $distro_dir/$prog (scripts/install-deps.sh)"
		exit 1
	}
done

stage=$tmp/stage
if ! meson install -C "$RB_BUILD_DIR" --destdir "$stage" --no-rebuild \
		--quiet > "$tmp/install.log" 2>&1; then
	sed 's/^/# /' "$tmp/install.log"
	echo "not ok - meson install --destdir"
	exit 1
fi
ok "meson install --destdir"
bindir=$stage$RB_BINDIR
for prog in $tools; do
	check "$prog dispatcher installed in bindir" test -x "$bindir/$prog"
	check "$prog dispatcher links against libc only" test -z \
		"$(ldd "$bindir/$prog" |
			grep -v -e 'libc\.so' -e vdso -e ld-linux)"
done

check_subcommand "$bindir"
check_passthrough "$bindir"
check_exec "$bindir"
check_path_search "$bindir"
check_lone "$bindir"
check_completion "$stage$RB_COMPLETIONSDIR" "$bindir"

# -Dsubcommands=false: what would be installed, without building.
if meson setup "$tmp/off" "$RB_SOURCE_DIR" -Dsubcommands=false \
		-Ddocs=disabled > "$tmp/off.log" 2>&1; then
	off=$(meson introspect --installed "$tmp/off" | tr ',' '\n')
	check "-Dsubcommands=false installs the programs" \
		grep -q "$RB_BINDIR/ndctl-rebind-bench\"" <<< "$off"
	# The same question to this build, which has them: the check can fail.
	on=$(meson introspect --installed "$RB_BUILD_DIR" | tr ',' '\n')
	check "this build (-Dsubcommands=true) installs the ndctl dispatcher" \
		grep -q "$RB_BINDIR/ndctl\"" <<< "$on"
	for prog in $tools; do
		check "-Dsubcommands=false installs no $prog dispatcher" \
			test -z "$(grep -e "/bin/$prog\"" \
				-e "completions/$prog\"" <<< "$off")"
	done
else
	sed 's/^/# /' "$tmp/off.log" | tail -5
	not_ok "meson setup -Dsubcommands=false"
fi

if [ "$(id -u)" != 0 ] || [ "$RB_PREFIX" != /usr/local ]; then
	echo "ok - install into /usr/local # SKIP not root or prefix $RB_PREFIX"
elif [ -n "${CI:-}" ]; then
	# A throwaway machine: the real thing, undone on the way out.
	trap 'ninja -C "$RB_BUILD_DIR" uninstall > /dev/null 2>&1
		rm -rf "$tmp"' EXIT
	check_system
else
	mkdir -p "$tmp/upper" "$tmp/work"
	unshare --mount --propagation private "$0" --overlay "$tmp"
	rc=$?
	if [ $rc -eq 77 ]; then
		echo "ok - install into /usr/local # SKIP no overlay mount here"
	elif [ $rc -ne 0 ]; then
		failed=$((failed + 1))
	fi
fi

echo "# $failed failed"
[ $failed -eq 0 ]
