// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>
#include "util/log.h"
#include "run/run-state.h"
#include "util/file-io.h"
#include "util/json.h"
#include "util/sysroot.h"

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
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
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
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
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

/* Create @root's run directory; NULL and @why filled on failure. */
static char *run_dir(const char *root, char *why, size_t len)
{
	char *dir = rb_root_path(root, RB_RUN_DIR);
	int rc;

	if (!dir) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return NULL;
	}
	rc = mkdir_p(dir);
	if (rc) {
		snprintf(why, len, "cannot create %s: %s", dir, strerror(-rc));
		free(dir);
		return NULL;
	}
	return dir;
}

int rb_run_lock_host(const char *root, char *why, size_t len)
{
	char path[PATH_MAX];
	char *dir = run_dir(root, why, len);
	int fd;

	if (!dir)
		return -EIO;
	snprintf(path, sizeof(path), "%s/run.lock", dir);
	free(dir);
	fd = take_lock(path, "this host", why, len);
	if (fd == -EBUSY)
		snprintf(why + strlen(why), len - strlen(why),
			 "; runs take turns, as concurrent rebinds disturb each other's timings");
	return fd;
}

int rb_run_state_lock(struct rb_run_state *rs, const char *root,
		      const char *dev, char *why, size_t len)
{
	char *dir;
	int fd;

	memset(rs, 0, sizeof(*rs));
	rs->lock_fd = -1;
	dir = run_dir(root, why, len);
	if (!dir)
		return -EIO;
	snprintf(rs->dev, sizeof(rs->dev), "%s", dev);
	snprintf(rs->lock_path, sizeof(rs->lock_path), "%s/%s.lock", dir,
		 dev);
	snprintf(rs->state_path, sizeof(rs->state_path), "%s/%s.json", dir,
		 dev);
	free(dir);
	fd = take_lock(rs->lock_path, dev, why, len);
	if (fd < 0)
		return fd;
	rs->lock_fd = fd;
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
	if (rb_json_copy_str(o, "prog", r->prog, sizeof(r->prog)) ||
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

int rb_run_state_find_stale(struct rb_run_state *rs,
			    struct rb_state_record *out)
{
	char buf[8192];
	ssize_t n;
	int fd, rc;

	fd = open(rs->state_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc)
		return rc;
	buf[n] = '\0';
	rc = rb_state_record_from_json(buf, out);
	return rc ? rc : 1;
}

int rb_run_state_save(struct rb_run_state *rs)
{
	char *json = rb_state_record_to_json(&rs->rec), *text = NULL;
	int rc;

	if (!json || asprintf(&text, "%s\n", json) < 0) {
		free(json);
		return -ENOMEM;
	}
	free(json);
	/* Only root reads it: it says how to undo a reconfiguration. */
	rc = rb_file_replace(rs->state_path, text, strlen(text), 0600);
	free(text);
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
	return 0;
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
