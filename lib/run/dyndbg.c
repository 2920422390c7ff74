// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "run/dyndbg.h"
#include "util/file-io.h"
#include "util/sysroot.h"

static int debugfs_mount(const char *root, char *dir, size_t len)
{
	char *mounts = rb_root_path(root, "/proc/self/mounts");
	char line[512], src[128], mnt[256], type[64];
	FILE *f;
	int rc = -ENOENT;

	f = mounts ? fopen(mounts, "re") : NULL;
	free(mounts);
	if (!f)
		return -ENOENT;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%127s %255s %63s", src, mnt, type) != 3)
			continue;
		if (strcmp(type, "debugfs") == 0) {
			snprintf(dir, len, "%s", mnt);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

int rb_dyndbg_find(const char *root, char *path, size_t len, char *why,
		   size_t whylen)
{
	char dir[256];
	char *p;

	p = rb_root_path(root, "/proc/dynamic_debug/control");
	if (p && access(p, R_OK | W_OK) == 0) {
		snprintf(path, len, "%s", p);
		free(p);
		return 0;
	}
	free(p);
	if (debugfs_mount(root, dir, sizeof(dir)) == 0) {
		p = rb_root_path(root, "%s/dynamic_debug/control", dir);
		if (p && access(p, R_OK | W_OK) == 0) {
			snprintf(path, len, "%s", p);
			free(p);
			return 0;
		}
		free(p);
		snprintf(why, whylen,
			 "no dynamic debug: neither /proc/dynamic_debug/control nor %s/dynamic_debug/control (CONFIG_DYNAMIC_DEBUG=n?)",
			 dir);
		return -ENOENT;
	}
	snprintf(why, whylen,
		 "no dynamic debug: /proc/dynamic_debug/control missing and debugfs not mounted");
	return -ENOENT;
}

int rb_dyndbg_parse_flags(const char *text, char *flags, size_t len)
{
	const char *line = text;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		const char *fn = memmem(line, n, "]" RB_DYNDBG_FUNC " =",
					strlen("]" RB_DYNDBG_FUNC " ="));

		if (fn) {
			const char *f = fn + strlen("]" RB_DYNDBG_FUNC " =");
			size_t k = 0;

			while (f + k < line + n && f[k] != ' ' && k + 1 < len)
				k++;
			if (k == 0)
				return -ENOENT;
			memcpy(flags, f, k);
			flags[k] = '\0';
			return 0;
		}
		line = end ? end + 1 : NULL;
	}
	return -ENOENT;
}

/* The control file lists every callsite: a few MB on big kernels. */
#define DYNDBG_CONTROL_MAX (64u << 20)

static char *read_all(const char *path)
{
	return rb_read_file(path, DYNDBG_CONTROL_MAX, NULL);
}

static int write_query(const char *path, const char *query)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(query);
	ssize_t n;
	int rc = 0;

	if (fd < 0)
		return -errno;
	do
		n = write(fd, query, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		rc = -errno;
	else if ((size_t)n != len)
		rc = -EIO;
	close(fd);
	return rc;
}

static int current_flags(const char *control, char *flags, size_t len)
{
	char *text = read_all(control);
	int rc;

	if (!text)
		return -errno ? -errno : -EIO;
	rc = rb_dyndbg_parse_flags(text, flags, len);
	free(text);
	return rc;
}

/* <root>/run/rebind-bench/{dyndbg.lock,dyndbg-restore}; 0 or -errno. */
static int share_paths(struct rb_dyndbg *d, const char *root)
{
	char *dir = rb_root_path(root, "/run/rebind-bench");
	char *run = rb_root_path(root, "/run");
	int rc = 0;

	if (!dir || !run) {
		rc = -ENOMEM;
		goto out;
	}
	if ((mkdir(run, 0755) && errno != EEXIST) ||
	    (mkdir(dir, 0700) && errno != EEXIST)) {
		rc = -errno;
		goto out;
	}
	snprintf(d->lock_path, sizeof(d->lock_path), "%s/dyndbg.lock", dir);
	snprintf(d->note_path, sizeof(d->note_path), "%s/dyndbg-restore",
		 dir);
out:
	free(dir);
	free(run);
	return rc;
}

static int lock_share(struct rb_dyndbg *d, int op)
{
	if (d->lock_fd < 0)
		d->lock_fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC,
				  0600);
	if (d->lock_fd < 0)
		return -errno;
	while (flock(d->lock_fd, op)) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static void unlock_share(struct rb_dyndbg *d)
{
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	d->lock_fd = -1;
}

/* The note names the control file a run turned 'p' on in. */
static int write_note(const struct rb_dyndbg *d)
{
	return rb_file_replace(d->note_path, d->control, strlen(d->control),
			       0600);
}

/* With the lock held exclusively: act on a note, if any. */
static int restore_from_note(struct rb_dyndbg *d)
{
	char control[PATH_MAX];
	int rc;

	rc = rb_root_read_line("", d->note_path, control, sizeof(control));
	if (rc == -ENOENT)
		return 0;
	if (rc <= 0)
		return rc ? rc : -EIO;
	rc = write_query(control, "func " RB_DYNDBG_FUNC " -p\n");
	if (rc == 0 && unlink(d->note_path))
		rc = -errno;
	return rc;
}

/* The callsite's flags into d->flags; 0, or -errno with @why filled. */
static int read_flags(struct rb_dyndbg *d, char *why, size_t whylen)
{
	int rc = current_flags(d->control, d->flags, sizeof(d->flags));

	if (rc == -ENOENT)
		snprintf(why, whylen,
			 "no dynamic-debug callsite for %s in %s (pr_debug compiled out?)",
			 RB_DYNDBG_FUNC, d->control);
	else if (rc)
		snprintf(why, whylen, "cannot read %s: %s", d->control,
			 strerror(-rc));
	return rc;
}

int rb_dyndbg_enable(struct rb_dyndbg *d, const char *root, char *why,
		     size_t whylen)
{
	char now[sizeof(d->flags)];
	int rc;

	memset(d, 0, sizeof(*d));
	d->lock_fd = -1;
	rc = rb_dyndbg_find(root, d->control, sizeof(d->control), why,
			    whylen);
	if (rc)
		return rc;
	rc = share_paths(d, root);
	if (!rc)
		rc = lock_share(d, LOCK_SH);
	if (rc) {
		snprintf(why, whylen, "cannot lock %s: %s", d->lock_path,
			 strerror(-rc));
		unlock_share(d);
		return rc;
	}
	/*
	 * The control file lists every callsite: read it once, with the
	 * share held, so that no run restores the flag meanwhile.
	 */
	rc = read_flags(d, why, whylen);
	if (rc)
		unlock_share(d);
	if (rc || strchr(d->flags, 'p'))
		return rc;
	rc = write_note(d);
	if (!rc)
		rc = write_query(d->control, "func " RB_DYNDBG_FUNC " +p\n");
	if (rc) {
		snprintf(why, whylen, "cannot enable %s in %s: %s",
			 RB_DYNDBG_FUNC, d->control, strerror(-rc));
		unlink(d->note_path);
		unlock_share(d);
		return rc;
	}
	d->changed = true;
	/* A fake control file in tests is not a query interface. */
	if (current_flags(d->control, now, sizeof(now)) == 0 &&
	    !strchr(now, 'p') && !(root && *root)) {
		snprintf(why, whylen, "%s ignored '+p' for %s", d->control,
			 RB_DYNDBG_FUNC);
		return -EIO;
	}
	return 0;
}

int rb_dyndbg_restore(struct rb_dyndbg *d)
{
	int rc;

	if (d->lock_fd < 0)
		return 0;
	/* Drop our share first; whoever then gets it alone is last. */
	flock(d->lock_fd, LOCK_UN);
	rc = lock_share(d, LOCK_EX | LOCK_NB);
	if (rc == -EWOULDBLOCK) {
		rc = 0; /* another run still relies on it */
	} else if (rc == 0) {
		rc = restore_from_note(d);
	}
	unlock_share(d);
	d->changed = false;
	return rc;
}

int rb_dyndbg_repair(const char *root)
{
	struct rb_dyndbg d = { .lock_fd = -1 };
	int rc = share_paths(&d, root);

	if (rc)
		return rc;
	rc = lock_share(&d, LOCK_EX | LOCK_NB);
	if (rc == 0)
		rc = restore_from_note(&d);
	else if (rc == -EWOULDBLOCK)
		rc = 0;
	unlock_share(&d);
	return rc;
}
