// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <mntent.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>
#include <tracefs.h>
#include "util/log.h"
#include "run/kprobe.h"
#include "run/tracefs-dir.h"

#define EV_IN "memmap_init_zone_device_entry"
#define EV_OUT "memmap_init_zone_device_exit"
#define FUNC "memmap_init_zone_device"
#define MAX_PENDING 64

struct rb_kprobe {
	char group[32];
	char inst_name[64];
	struct tracefs_instance *inst;
	struct tracefs_dynevent *in, *out;
	bool in_created, out_created;
	int pipe_fd; /* the instance's trace_pipe, non-blocking */
	char *mounted; /* tracefs mount point libtracefs made for us */
};

/*
 * libtracefs mounts tracefs by itself when it finds none; remember that so
 * close() leaves the mount table as the run found it.
 */
static bool tracefs_is_mounted(void)
{
	struct mntent *m;
	bool found = false;
	FILE *f = setmntent("/proc/self/mounts", "r");

	if (!f)
		return true; /* unknown: never unmount */
	while (!found && (m = getmntent(f)))
		found = !strcmp(m->mnt_type, "tracefs");
	endmntent(f);
	return found;
}

void rb_kprobe_names(const char *boot_id, uint32_t nonce, char *group,
		     size_t glen, char *inst, size_t ilen)
{
	char boot[9] = "00000000";
	size_t i, k;

	/* The boot id's first eight hex digits, skipping nothing else. */
	for (i = 0, k = 0; boot_id && boot_id[i] && k < 8; i++)
		if (isxdigit((unsigned char)boot_id[i]))
			boot[k++] = tolower((unsigned char)boot_id[i]);
	snprintf(group, glen, "rebind_bench_%s_%08x", boot, nonce);
	snprintf(inst, ilen, "rebind_bench_%s_%08x", boot, nonce);
}

/* "1234.567890" (any number of fraction digits) to ns. */
static bool parse_ts(const char *s, size_t len, uint64_t *ns)
{
	uint64_t sec = 0, frac = 0;
	size_t i = 0, digits = 0;

	if (!len || !isdigit((unsigned char)s[0]))
		return false;
	while (i < len && isdigit((unsigned char)s[i]))
		sec = sec * 10 + (s[i++] - '0');
	if (i >= len || s[i++] != '.')
		return false;
	while (i < len && isdigit((unsigned char)s[i])) {
		if (digits < 9) {
			frac = frac * 10 + (s[i] - '0');
			digits++;
		}
		i++;
	}
	if (i != len || !digits)
		return false;
	while (digits++ < 9)
		frac *= 10;
	*ns = sec * 1000000000ull + frac;
	return true;
}

/*
 * One line of the "trace" file: "  comm-PID  [CPU] flags  TS: event: ...".
 * The comm may hold '-' and spaces, so the pid is read backwards from the
 * CPU field, skipping the optional "(TGID)" column.
 */
static bool parse_line(const char *line, size_t len, int *pid, uint64_t *ns,
		       bool *entry)
{
	const char *end = line + len, *cpu = NULL, *p, *tok;
	size_t tlen;

	for (p = line; p + 2 < end; p++) {
		const char *q = p + 2;

		if (p[0] == ' ' && p[1] == '[' && isdigit((unsigned char)*q)) {
			while (q < end && isdigit((unsigned char)*q))
				q++;
			if (q < end && *q == ']') {
				cpu = p;
				break;
			}
		}
	}
	if (!cpu)
		return false;
	p = cpu;
	while (p > line && p[-1] == ' ')
		p--;
	if (p > line && p[-1] == ')') {
		while (p > line && p[-1] != '(')
			p--;
		if (p > line)
			p--;
		while (p > line && p[-1] == ' ')
			p--;
	}
	tok = p;
	while (tok > line && isdigit((unsigned char)tok[-1]))
		tok--;
	if (tok == p || tok == line || tok[-1] != '-')
		return false;
	*pid = atoi(tok);

	/* After the CPU field: optional flags, then "TS:", then "event:". */
	p = strchr(cpu, ']') + 1;
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p >= end)
			return false;
		tok = p;
		while (p < end && *p != ' ')
			p++;
		tlen = p - tok;
		if (tlen > 1 && tok[tlen - 1] == ':' &&
		    parse_ts(tok, tlen - 1, ns))
			break;
	}
	while (p < end && *p == ' ')
		p++;
	if ((size_t)(end - p) >= strlen(EV_IN ":") &&
	    !strncmp(p, EV_IN ":", strlen(EV_IN ":"))) {
		*entry = true;
		return true;
	}
	if ((size_t)(end - p) >= strlen(EV_OUT ":") &&
	    !strncmp(p, EV_OUT ":", strlen(EV_OUT ":"))) {
		*entry = false;
		return true;
	}
	return false;
}

void rb_kprobe_parse(const char *text, struct rb_kprobe_result *res)
{
	struct {
		int pid;
		uint64_t ns;
	} pending[MAX_PENDING];
	unsigned int nr_pending = 0, i;
	const char *line = text;

	memset(res, 0, sizeof(*res));
	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		uint64_t ns;
		bool entry;
		int pid;

		if (*line != '#' && parse_line(line, len, &pid, &ns, &entry)) {
			if (entry) {
				if (nr_pending < MAX_PENDING) {
					pending[nr_pending].pid = pid;
					pending[nr_pending++].ns = ns;
				} else {
					res->unpaired++;
				}
			} else {
				/* Innermost open entry of this pid. */
				for (i = nr_pending; i-- > 0;)
					if (pending[i].pid == pid)
						break;
				if (i < nr_pending && ns >= pending[i].ns) {
					if (!res->nr_pairs ||
					    pending[i].ns < res->first_entry_ns)
						res->first_entry_ns =
							pending[i].ns;
					res->total_ns += ns - pending[i].ns;
					res->nr_pairs++;
					pending[i] = pending[--nr_pending];
				} else {
					res->unpaired++;
				}
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	res->unpaired += nr_pending;
}

static int write_file(struct tracefs_instance *inst, const char *file,
		      const char *val)
{
	return tracefs_instance_file_write(inst, file, val) < 0 ?
		       (errno ? -errno : -EIO) : 0;
}

static int enable_event(struct rb_kprobe *p, const char *ev, const char *val)
{
	char file[128];

	snprintf(file, sizeof(file), "events/%s/%s/enable", p->group, ev);
	return write_file(p->inst, file, val);
}

/*
 * tracefs with kprobe_events, mounted by libtracefs if need be. Returns
 * the tracing directory, or NULL with a reason in @why.
 */
static const char *tracing_dir(bool *we_mounted, char *why, size_t whylen)
{
	bool was_mounted = tracefs_is_mounted();
	const char *mounted = rb_tracefs_dir(""), *dir;
	char path[512];

	/* Where the environment checks looked; else libtracefs mounts one. */
	if (*mounted)
		tracefs_set_tracing_dir((char *)mounted);
	dir = tracefs_tracing_dir();

	*we_mounted = dir && !was_mounted && tracefs_is_mounted();
	if (*we_mounted)
		rb_dbg("tracefs was not mounted; mounted it at %s for the run",
		       dir);
	if (!dir) {
		snprintf(why, whylen,
			 "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
		return NULL;
	}
	snprintf(path, sizeof(path), "%s/kprobe_events", dir);
	if (access(path, W_OK)) {
		snprintf(why, whylen, "%s: %s (CONFIG_KPROBE_EVENTS=n?)", path,
			 strerror(errno));
		if (*we_mounted)
			umount(dir);
		return NULL;
	}
	return dir;
}

static int create_events(struct rb_kprobe *p, char *why, size_t whylen)
{
	int rc;

	p->in = tracefs_kprobe_alloc(p->group, EV_IN, FUNC, NULL);
	p->out = tracefs_kretprobe_alloc(p->group, EV_OUT, FUNC, NULL, 0);
	if (!p->in || !p->out) {
		snprintf(why, whylen, "cannot allocate kprobe definitions");
		return -ENOMEM;
	}
	if (tracefs_dynevent_create(p->in)) {
		rc = errno ? -errno : -EIO;
		snprintf(why, whylen, "cannot create kprobe on %s: %s", FUNC,
			 strerror(-rc));
		return rc;
	}
	p->in_created = true;
	if (tracefs_dynevent_create(p->out)) {
		rc = errno ? -errno : -EIO;
		snprintf(why, whylen, "cannot create kretprobe on %s: %s",
			 FUNC, strerror(-rc));
		return rc;
	}
	p->out_created = true;
	return 0;
}

static int start_instance(struct rb_kprobe *p, char *why, size_t whylen)
{
	int rc;

	p->inst = tracefs_instance_create(p->inst_name);
	if (!p->inst) {
		rc = errno ? -errno : -EIO;
		snprintf(why, whylen, "cannot create tracefs instance %s: %s",
			 p->inst_name, strerror(-rc));
		return rc;
	}
	/* Timestamps comparable across CPUs; the call may migrate. */
	rc = write_file(p->inst, "trace_clock", "mono");
	if (!rc)
		rc = enable_event(p, EV_IN, "1");
	if (!rc)
		rc = enable_event(p, EV_OUT, "1");
	if (!rc)
		rc = write_file(p->inst, "tracing_on", "1");
	/*
	 * Consume events through trace_pipe: emptying the "trace" file
	 * instead resets the ring buffer, which waits for an RCU grace
	 * period on every rebind.
	 */
	if (!rc) {
		p->pipe_fd = tracefs_instance_file_open(p->inst, "trace_pipe",
						O_RDONLY | O_NONBLOCK);
		if (p->pipe_fd < 0)
			rc = errno ? -errno : -EIO;
	}
	if (rc)
		snprintf(why, whylen, "cannot enable probes in instance %s: %s",
			 p->inst_name, strerror(-rc));
	return rc;
}

int rb_kprobe_open(struct rb_kprobe **out, const char *group,
		   const char *inst, char *why, size_t whylen)
{
	struct rb_kprobe *p;
	bool we_mounted;
	const char *dir = tracing_dir(&we_mounted, why, whylen);
	int rc;

	*out = NULL;
	if (!dir)
		return -ENOENT;
	p = calloc(1, sizeof(*p));
	if (!p || (we_mounted && !(p->mounted = strdup(dir)))) {
		free(p);
		if (we_mounted)
			umount(dir);
		return -ENOMEM;
	}
	p->pipe_fd = -1;
	snprintf(p->group, sizeof(p->group), "%s", group);
	snprintf(p->inst_name, sizeof(p->inst_name), "%s", inst);
	rc = create_events(p, why, whylen);
	if (!rc)
		rc = start_instance(p, why, whylen);
	if (rc) {
		rb_kprobe_close(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Read what trace_pipe holds now; NULL on error (errno set). */
static char *read_pipe(struct rb_kprobe *p, size_t *len)
{
	size_t alloc = 16384;
	char *buf = malloc(alloc), *nb;
	ssize_t n;

	*len = 0;
	if (!buf)
		return NULL;
	for (;;) {
		if (alloc - *len < 4096) {
			nb = realloc(buf, alloc * 2);
			if (!nb)
				break;
			buf = nb;
			alloc *= 2;
		}
		n = read(p->pipe_fd, buf + *len, alloc - *len - 1);
		if (n > 0) {
			*len += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n == 0 || errno == EAGAIN)
			break;
		free(buf);
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

int rb_kprobe_arm(struct rb_kprobe *p)
{
	size_t len;
	char *old = read_pipe(p, &len);

	/* Whatever another bind left behind is not this bind's. */
	if (!old)
		return errno ? -errno : -EIO;
	free(old);
	return 0;
}

int rb_kprobe_collect(struct rb_kprobe *p, struct rb_kprobe_result *res)
{
	size_t len;
	char *text = read_pipe(p, &len);

	if (!text) {
		memset(res, 0, sizeof(*res));
		return errno ? -errno : -EIO;
	}
	rb_kprobe_parse(text, res);
	free(text);
	return 0;
}

void rb_kprobe_close(struct rb_kprobe *p)
{
	if (!p)
		return;
	if (p->pipe_fd >= 0)
		close(p->pipe_fd);
	if (p->inst) {
		write_file(p->inst, "tracing_on", "0");
		enable_event(p, EV_IN, "0");
		enable_event(p, EV_OUT, "0");
		tracefs_instance_destroy(p->inst);
		tracefs_instance_free(p->inst);
	}
	if (p->out_created)
		tracefs_dynevent_destroy(p->out, true);
	if (p->in_created)
		tracefs_dynevent_destroy(p->in, true);
	tracefs_dynevent_free(p->in);
	tracefs_dynevent_free(p->out);
	if (p->mounted && umount(p->mounted))
		rb_warning("cannot unmount %s, which the run mounted: %s",
			   p->mounted, strerror(errno));
	free(p->mounted);
	free(p);
}

int rb_kprobe_remove_stale(const char *group, const char *inst)
{
	struct tracefs_dynevent **evs;
	struct tracefs_instance *ti;
	int rc = 0, i;

	if (!tracefs_tracing_dir())
		return 0;
	if (tracefs_instance_exists(inst)) {
		ti = tracefs_instance_alloc(NULL, inst);
		if (!ti || tracefs_instance_destroy(ti))
			rc = errno ? -errno : -EIO;
		tracefs_instance_free(ti);
	}
	evs = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE |
				       TRACEFS_DYNEVENT_KRETPROBE, group);
	for (i = 0; evs && evs[i]; i++)
		if (tracefs_dynevent_destroy(evs[i], true) && !rc)
			rc = errno ? -errno : -EIO;
	tracefs_dynevent_list_free(evs);
	return rc;
}
