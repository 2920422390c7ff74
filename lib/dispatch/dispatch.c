// SPDX-License-Identifier: GPL-2.0
/*
 * The ndctl / daxctl dispatcher. Installed as <bindir>/ndctl and
 * <bindir>/daxctl, ahead of the distribution's binaries in PATH, it
 *
 *   - runs "<prog> rebind-bench ARGS" as <bindir>/<prog>-rebind-bench ARGS,
 *   - adds "rebind-bench" to "<prog> --list-cmds" (bash completion asks it),
 *   - and execs the next <prog> in PATH for everything else, with argv,
 *     environment and standard streams untouched.
 *
 * ndctl and daxctl dispatch only their built-in command table, so this is
 * the one place where an external command can be hooked in. Like ccache's
 * masquerade directory it finds the real binary by skipping itself in
 * PATH; it only ever searches PATH entries after its own, so a chain of
 * copies (a build tree and an install) ends at the real binary. libc only:
 * every ndctl call pays its start-up time.
 *
 * Built once per program: RB_DISPATCH_PROG is "ndctl" or "daxctl",
 * RB_DISPATCH_BINDIR the install bindir.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RB_DISPATCH_PROG
#error "RB_DISPATCH_PROG must name the program (ndctl or daxctl)"
#endif
#ifndef RB_DISPATCH_BINDIR
#error "RB_DISPATCH_BINDIR must name the install bindir"
#endif

#define SUBCMD "rebind-bench"
#define SUBCMD_PROG RB_DISPATCH_PROG "-" SUBCMD

/* The shell's statuses for "not found" and "found but cannot run". */
enum {
	DISPATCH_EXIT_FAIL = 1,
	DISPATCH_EXIT_NOEXEC = 126,
	DISPATCH_EXIT_NOTFOUND = 127,
};

extern char **environ;

/* Who we are, to skip ourselves in PATH. */
struct self {
	bool known;
	dev_t dev;
	ino_t ino;
	char dir[PATH_MAX];	/* folder of the resolved executable, or "" */
};

__attribute__((format(printf, 1, 2)))
static void err_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs(RB_DISPATCH_PROG ": ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool same_file(const struct self *self, const struct stat *st)
{
	return self->known && st->st_dev == self->dev &&
	       st->st_ino == self->ino;
}

/*
 * The kernel's view of our executable: symlinks and relative argv[0]
 * resolved. Without /proc, argv[0] when it is a path.
 */
static void find_self(struct self *self, const char *argv0)
{
	char exe[PATH_MAX];
	struct stat st;
	ssize_t len;
	char *slash;

	self->known = false;
	self->dir[0] = '\0';
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0) {
		exe[len] = '\0';
	} else if (argv0 && strchr(argv0, '/') &&
		   strlen(argv0) < sizeof(exe)) {
		strcpy(exe, argv0);
	} else {
		return;
	}
	if (stat(exe, &st) == 0) {
		self->known = true;
		self->dev = st.st_dev;
		self->ino = st.st_ino;
	}
	slash = strrchr(exe, '/');
	if (slash && slash != exe) {
		*slash = '\0';
		strcpy(self->dir, exe);
	}
}

/* "<dir>/<name>" into buf; false when it does not fit. */
static bool join(char *buf, size_t size, const char *dir, size_t dirlen,
		 const char *name)
{
	int n;

	if (dirlen == 0) {	/* an empty PATH entry is the current folder */
		dir = ".";
		dirlen = 1;
	}
	n = snprintf(buf, size, "%.*s/%s", (int)dirlen, dir, name);
	return n > 0 && (size_t)n < size;
}

static bool is_exec_file(const char *path, struct stat *st)
{
	return stat(path, st) == 0 && S_ISREG(st->st_mode) &&
	       access(path, X_OK) == 0;
}

/*
 * The real RB_DISPATCH_PROG: the first executable of that name in PATH
 * after the last entry that is this very file (so a folder listed twice or
 * reached through a symlink is skipped too). Entries before it are never
 * taken: another dispatcher there may have run us. Each hop of a chain of
 * copies thus moves further along PATH, and the chain ends. When we are
 * not in PATH at all (run by path) the first match is taken. Without /proc
 * or a path in argv[0], the first match is us: the shell found us there.
 */
static bool find_real(struct self *self, char *buf, size_t size)
{
	const char *path = getenv("PATH");
	bool in_path = false, after = false;
	char first[PATH_MAX] = "";
	char cand[PATH_MAX];
	const char *p, *end;
	struct stat st;

	if (!path)
		path = "/usr/bin:/bin";	/* what execvp() searches then */
	for (p = path; ; p = end + 1) {
		end = strchrnul(p, ':');
		if (join(cand, sizeof(cand), p, end - p, RB_DISPATCH_PROG) &&
		    is_exec_file(cand, &st)) {
			if (!self->known) {
				self->known = true;
				self->dev = st.st_dev;
				self->ino = st.st_ino;
			}
			if (same_file(self, &st)) {
				in_path = true;
				after = false;
			} else if (!in_path && !first[0]) {
				strcpy(first, cand);
			} else if (in_path && !after) {
				after = snprintf(buf, size, "%s", cand) <
					(int)size;
			}
		}
		if (!*end)
			break;
	}
	if (in_path)
		return after;
	return first[0] && snprintf(buf, size, "%s", first) < (int)size;
}

/* Our <prog>-rebind-bench: next to us, else in the configured bindir. */
static bool find_subcmd(const struct self *self, char *buf, size_t size)
{
	struct stat st;

	if (self->dir[0] &&
	    join(buf, size, self->dir, strlen(self->dir), SUBCMD_PROG) &&
	    is_exec_file(buf, &st))
		return true;
	return join(buf, size, RB_DISPATCH_BINDIR,
		    strlen(RB_DISPATCH_BINDIR), SUBCMD_PROG) &&
	       is_exec_file(buf, &st);
}

static int exec_failed(const char *path)
{
	int err = errno;

	err_line("cannot run %s: %s", path, strerror(err));
	return err == ENOENT ? DISPATCH_EXIT_NOTFOUND : DISPATCH_EXIT_NOEXEC;
}

static int run_subcmd(const struct self *self, char **argv)
{
	char path[PATH_MAX];

	if (!find_subcmd(self, path, sizeof(path))) {
		err_line("'%s' needs %s, which is not installed",
			 SUBCMD, RB_DISPATCH_BINDIR "/" SUBCMD_PROG);
		return DISPATCH_EXIT_NOTFOUND;
	}
	/* argv[1..] becomes the program's argv: "<prog>-rebind-bench" ARGS */
	argv[1] = SUBCMD_PROG;
	execv(path, argv + 1);
	return exec_failed(path);
}

/* Pass the child's exit status or fatal signal on as our own. */
static int child_status(int status)
{
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/*
 * "<prog> --list-cmds ...": the real list, then ours. The real binary
 * writes straight to our stdout and has exited before we add a line.
 */
static int list_cmds(const struct self *self, const char *real, char **argv)
{
	static const char line[] = SUBCMD "\n";
	char path[PATH_MAX];
	int rc, status;
	pid_t pid;

	rc = posix_spawn(&pid, real, NULL, NULL, argv, environ);
	if (rc) {
		errno = rc;
		return exec_failed(real);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return DISPATCH_EXIT_FAIL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    !find_subcmd(self, path, sizeof(path)))
		return child_status(status);
	if (write(STDOUT_FILENO, line, sizeof(line) - 1) !=
	    (ssize_t)(sizeof(line) - 1)) {
		err_line("write error: %s", strerror(errno));
		return DISPATCH_EXIT_FAIL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : NULL;
	char real[PATH_MAX];
	struct self self;

	find_self(&self, argc > 0 ? argv[0] : NULL);

	/*
	 * ndctl and daxctl exit on any leading option (--version, --help,
	 * --list-cmds, or an unknown one), so a command is always argv[1].
	 */
	if (cmd && strcmp(cmd, SUBCMD) == 0)
		return run_subcmd(&self, argv);

	if (!find_real(&self, real, sizeof(real))) {
		err_line("no other %s in PATH to run (this is the %s %s)",
			 RB_DISPATCH_PROG, SUBCMD, "dispatcher");
		return DISPATCH_EXIT_NOTFOUND;
	}
	if (cmd && strcmp(cmd, "--list-cmds") == 0)
		return list_cmds(&self, real, argv);

	execv(real, argv);
	return exec_failed(real);
}
