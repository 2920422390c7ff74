// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <json-c/json.h>
#include "util/log.h"
#include "run/run-state.h"
#include "run/tracefs-dir.h"
#include "util/file-io.h"
#include "util/json.h"
#include "util/sysroot.h"
#include "util/util.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

int rb_signals_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		if (sigaction(sigs[i], &sa, NULL))
			return -errno;
	return 0;
}

bool rb_interrupted(void)
{
	return got_signal != 0;
}

int rb_interrupt_signal(void)
{
	return got_signal;
}

/*
 * @dir and its missing parents; a new @dir (mode 0700) is made durable in
 * its parent, as the records written into it must be.
 */
static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *p;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0700) == 0) {
		p = strrchr(buf, '/');
		if (p && p != buf) {
			*p = '\0';
			return rb_sync_dir(buf);
		}
		return 0;
	}
	return errno == EEXIST ? 0 : -errno;
}

/*
 * Open @path and flock it exclusively without waiting: the fd, or -EBUSY
 * (another run holds it; its pid, if written, is in @why) or -errno.
 */
static int take_lock(const char *path, const char *who, char *why,
		     size_t len)
{
	char pid[32] = "";
	int fd, rc;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, len, "cannot open %s: %s", path, strerror(-rc));
		return rc;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
		if (pread(fd, pid, sizeof(pid) - 1, 0) > 0)
			pid[strcspn(pid, "\n")] = '\0';
		snprintf(why, len, "%s: another rebind-bench run (pid %s) holds %s",
			 who, *pid ? pid : "?", path);
		close(fd);
		return rc;
	}
	/* The pid is a courtesy for the message above. */
	snprintf(pid, sizeof(pid), "%d\n", getpid());
	if (ftruncate(fd, 0) || pwrite(fd, pid, strlen(pid), 0) < 0)
		rb_dbg("cannot write the pid into %s: %s", path,
		       strerror(errno));
	return fd;
}

/* Create @root's @sub directory, named in @dir; -EIO and @why if not. */
static int make_dir(const char *root, const char *sub, char *dir,
		    size_t dirlen, char *why, size_t len)
{
	char *p = rb_root_path(root, "%s", sub);
	int rc;

	if (!p) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -EIO;
	}
	snprintf(dir, dirlen, "%s", p);
	free(p);
	rc = mkdir_p(dir);
	if (rc) {
		snprintf(why, len, "cannot create %s: %s", dir, strerror(-rc));
		return -EIO;
	}
	return 0;
}

#define TRACEFS_MAGIC 0x74726163
#define DEBUGFS_MAGIC 0x64626720

/*
 * The directory every mount namespace shares: tracefs' root, else
 * debugfs'. Both are single-superblock filesystems (mount_single() or
 * get_tree_single()), so each mount of them shows one root inode, and a
 * flock on it is seen by every run that sees the device. A test sysroot
 * has plain directories in their place. "" when neither is mounted.
 */
static void shared_dir(const char *root, char *path, size_t len)
{
	const char *tracefs = rb_tracefs_dir(root);
	struct statfs sf;
	char *p;

	*path = '\0';
	p = rb_root_path(root, "%s", *tracefs ? tracefs : "/sys/kernel/debug");
	if (!p)
		return;
	if ((root && *root) ||
	    (statfs(p, &sf) == 0 && (sf.f_type == TRACEFS_MAGIC ||
				     sf.f_type == DEBUGFS_MAGIC)))
		snprintf(path, len, "%s", p);
	free(p);
}

static int lock_shared_dir(const char *root, char *why, size_t len)
{
	char dir[PATH_MAX];
	int fd;

	shared_dir(root, dir, sizeof(dir));
	if (!*dir)
		return -ENOENT;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		rb_dbg("cannot open %s to lock it: %s", dir, strerror(errno));
		return -ENOENT;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	close(fd);
	if (errno != EWOULDBLOCK)
		return -ENOENT;
	snprintf(why, len,
		 "this host: another rebind-bench run holds the lock on %s (shared by every mount namespace: the run may be in another container)",
		 dir);
	return -EBUSY;
}

int rb_run_lock_host(const char *root, struct rb_host_lock *hl, char *why,
		     size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	int fd;

	hl->run_fd = hl->ns_fd = -1;
	if (make_dir(root, RB_RUN_DIR, dir, sizeof(dir), why, len))
		return -EIO;
	snprintf(path, sizeof(path), "%s/run.lock", dir);
	fd = take_lock(path, "this host", why, len);
	if (fd >= 0) {
		hl->run_fd = fd;
		/* No tracefs nor debugfs: the /run lock is all there is. */
		fd = lock_shared_dir(root, why, len);
		hl->ns_fd = fd >= 0 ? fd : -1;
		if (fd == -EBUSY)
			rb_run_unlock_host(hl);
		else
			fd = 0;
	}
	if (fd == -EBUSY)
		snprintf(why + strlen(why), len - strlen(why),
			 "; runs take turns, as concurrent rebinds disturb each other's timings");
	return fd;
}

void rb_run_unlock_host(struct rb_host_lock *hl)
{
	if (hl->ns_fd >= 0)
		close(hl->ns_fd);
	if (hl->run_fd >= 0)
		close(hl->run_fd);
	hl->run_fd = hl->ns_fd = -1;
}

int rb_run_state_lock(struct rb_run_state *rs, const char *root,
		      const char *dev, char *why, size_t len)
{
	char dir[sizeof(rs->state_dir)];
	int fd;

	memset(rs, 0, sizeof(*rs));
	rs->lock_fd = -1;
	if (make_dir(root, RB_RUN_DIR, dir, sizeof(dir), why, len))
		return -EIO;
	snprintf(rs->dev, sizeof(rs->dev), "%s", dev);
	snprintf(rs->lock_path, sizeof(rs->lock_path), "%s/%s.lock", dir,
		 dev);
	fd = take_lock(rs->lock_path, dev, why, len);
	if (fd < 0)
		return fd;
	rs->lock_fd = fd;
	if (make_dir(root, RB_STATE_DIR, rs->state_dir, sizeof(rs->state_dir),
		     why, len))
		return -EIO;
	snprintf(rs->state_path, sizeof(rs->state_path), "%s/%s.json",
		 rs->state_dir, dev);
	if (rb_root_read_line(root, "/proc/sys/kernel/random/boot_id",
			      rs->boot_id, sizeof(rs->boot_id)) < 0)
		rs->boot_id[0] = '\0';
	return 0;
}

void rb_state_record_release(struct rb_state_record *rec)
{
	json_object_put(rec->target);
	rec->target = NULL;
}

char *rb_state_record_to_json(const struct rb_state_record *r)
{
	struct json_object *o = json_object_new_object();
	char *text;

	if (!o)
		return NULL;
	json_object_object_add(o, "pid", json_object_new_int(r->pid));
	rb_json_put_str(o, "boot_id", r->boot_id);
	rb_json_put_str(o, "prog", r->prog);
	rb_json_put_str(o, "dev", r->dev);
	if (r->target)
		json_object_object_add(o, "target",
				       json_object_get(r->target));
	rb_json_put_str(o, "dyndbg_control", r->helpers.dyndbg_control);
	rb_json_put_str(o, "probe_group", r->helpers.probe_group);
	rb_json_put_str(o, "probe_instance", r->helpers.probe_inst);
	rb_json_put_str(o, "phase", r->phase);
	text = strdup(json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY |
			JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

int rb_state_record_from_json(const char *text, struct rb_state_record *r)
{
	struct json_object *o = json_tokener_parse(text), *v;
	int rc = -EINVAL;

	memset(r, 0, sizeof(*r));
	if (!o || !json_object_is_type(o, json_type_object))
		goto out;
	if (!json_object_object_get_ex(o, "pid", &v) ||
	    !json_object_is_type(v, json_type_int))
		goto out;
	r->pid = json_object_get_int(v);
	if (rb_json_copy_str(o, "boot_id", r->boot_id, sizeof(r->boot_id)) ||
	    rb_json_copy_str(o, "prog", r->prog, sizeof(r->prog)) ||
	    rb_json_copy_str(o, "dev", r->dev, sizeof(r->dev)) ||
	    rb_json_copy_str(o, "dyndbg_control", r->helpers.dyndbg_control,
		    sizeof(r->helpers.dyndbg_control)) ||
	    rb_json_copy_str(o, "probe_group", r->helpers.probe_group,
		    sizeof(r->helpers.probe_group)) ||
	    rb_json_copy_str(o, "probe_instance", r->helpers.probe_inst,
		    sizeof(r->helpers.probe_inst)) ||
	    rb_json_copy_str(o, "phase", r->phase, sizeof(r->phase)))
		goto out;
	if (json_object_object_get_ex(o, "target", &v)) {
		if (!json_object_is_type(v, json_type_object))
			goto out;
		r->target = json_object_get(v);
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}

/* A record holds a few hundred bytes; anything far bigger is not one. */
#define RECORD_MAX (64u << 10)

/* -EPERM, with the one line of a record (or its folder) not trusted. */
static int refuse(const struct rb_run_state *rs, const char *what,
		  const char *path, const char *problem, char *why, size_t len)
{
	snprintf(why, len,
		 "%s: refusing the state %s %s: %s; not acting on it: check the device by hand (ndctl list / daxctl list) and remove it",
		 rs->dev, what, path, problem);
	return -EPERM;
}

/* What is wrong with the owner or mode of @st, NULL when nothing. */
static const char *untrusted(const struct stat *st, bool dir, char *buf,
			     size_t len)
{
	if (dir ? !S_ISDIR(st->st_mode) : !S_ISREG(st->st_mode))
		return dir ? "not a directory" : "not a regular file";
	if (st->st_uid != geteuid()) {
		snprintf(buf, len, "owned by uid %u, not %u",
			 (unsigned int)st->st_uid, (unsigned int)geteuid());
		return buf;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(buf, len, "writable by group or others (mode %04o)",
			 (unsigned int)(st->st_mode & 07777));
		return buf;
	}
	return NULL;
}

/* @rc (-errno), with the line of a record that cannot be read. */
static int unreadable(const struct rb_run_state *rs, int rc, char *why,
		      size_t len)
{
	snprintf(why, len,
		 "%s: unreadable state record %s (%s); check the device by hand (ndctl list / daxctl list) and remove it",
		 rs->dev, rs->state_path, strerror(-rc));
	return rc;
}

/* @fd when what it opened is trusted; else it is closed, -EPERM/-errno. */
static int trusted_fd(const struct rb_run_state *rs, int fd, bool dir,
		      char *why, size_t len)
{
	const char *bad;
	struct stat st;
	char buf[64];
	int rc;

	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return unreadable(rs, rc, why, len);
	}
	bad = untrusted(&st, dir, buf, sizeof(buf));
	if (!bad)
		return fd;
	close(fd);
	return refuse(rs, dir ? "directory" : "record",
		      dir ? rs->state_dir : rs->state_path, bad, why, len);
}

/*
 * The record's descriptor once it and its folder are trusted, 0 when there
 * is none, or -EPERM / -errno with @why filled. Every check is on what is
 * opened (O_NOFOLLOW, fstat), so nothing can be swapped in between.
 */
static int open_record(struct rb_run_state *rs, char *why, size_t len)
{
	char name[80];
	struct stat st;
	int dfd, fd;

	dfd = open(rs->state_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		   O_CLOEXEC);
	/* O_DIRECTORY wins over O_NOFOLLOW: lstat() tells which it was. */
	if (dfd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return refuse(rs, "directory", rs->state_dir,
			      lstat(rs->state_dir, &st) == 0 &&
					      S_ISLNK(st.st_mode) ?
				      "a symbolic link" : "not a directory",
			      why, len);
	if (dfd < 0)
		return unreadable(rs, -errno, why, len);
	dfd = trusted_fd(rs, dfd, true, why, len);
	if (dfd < 0)
		return dfd;
	snprintf(name, sizeof(name), "%s.json", rs->dev);
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
		    O_CLOEXEC);
	close(dfd);
	if (fd < 0 && errno == ENOENT)
		return 0;
	if (fd < 0 && errno == ELOOP)
		return refuse(rs, "record", rs->state_path, "a symbolic link",
			      why, len);
	if (fd < 0)
		return unreadable(rs, -errno, why, len);
	return trusted_fd(rs, fd, false, why, len);
}

int rb_run_state_find_stale(struct rb_run_state *rs,
			    struct rb_state_record *out, char *why,
			    size_t len)
{
	int fd = open_record(rs, why, len), rc = 0;
	char *text;

	if (fd <= 0)
		return fd;
	text = rb_read_fd(fd, RECORD_MAX, NULL);
	if (!text)
		rc = -errno;
	close(fd);
	if (!rc)
		rc = rb_state_record_from_json(text, out);
	free(text);
	if (!rc && strcmp(out->dev, rs->dev)) {
		rb_state_record_release(out);
		rc = -EINVAL;
	}
	return rc ? unreadable(rs, rc, why, len) : 1;
}

int rb_run_state_save(struct rb_run_state *rs)
{
	char *json, *text = NULL;
	int rc;

	snprintf(rs->rec.boot_id, sizeof(rs->rec.boot_id), "%s", rs->boot_id);
	json = rb_state_record_to_json(&rs->rec);
	if (!json || asprintf(&text, "%s\n", json) < 0) {
		free(json);
		return -ENOMEM;
	}
	free(json);
	/* Only root reads it: it says how to undo a reconfiguration. */
	rc = rb_file_replace(rs->state_path, text, strlen(text), 0600);
	free(text);
	/* On the disk before the change it describes, its name too. */
	if (!rc)
		rc = rb_sync_dir(rs->state_dir);
	if (!rc)
		rs->saved = true;
	return rc;
}

int rb_run_state_phase(struct rb_run_state *rs, const char *phase)
{
	if (!strcmp(rs->rec.phase, phase))
		return 0;
	snprintf(rs->rec.phase, sizeof(rs->rec.phase), "%s", phase);
	return rb_run_state_save(rs);
}

int rb_run_state_clear(struct rb_run_state *rs)
{
	if (unlink(rs->state_path) && errno != ENOENT)
		return -errno;
	rs->saved = false;
	/* Or a crash now would repair what was already put back. */
	return rb_sync_dir(rs->state_dir);
}

void rb_run_state_unlock(struct rb_run_state *rs)
{
	rb_state_record_release(&rs->rec);
	if (rs->lock_fd < 0)
		return;
	/* Leave the lock file: unlinking it would race with a waiter. */
	close(rs->lock_fd);
	rs->lock_fd = -1;
}
