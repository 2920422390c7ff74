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
#define EV_LEN 64

/* An extra pair of --breakdown: same group, own event names. */
struct extra_pair {
	char sym[64];
	char ev_in[EV_LEN], ev_out[EV_LEN];
	struct tracefs_dynevent *in, *out;
	bool in_created, out_created;
};

struct rb_kprobe {
	char group[32];
	char inst_name[64];
	struct tracefs_instance *inst;
	struct tracefs_dynevent *in, *out;
	bool in_created, out_created;
	struct extra_pair extra[RB_KPROBE_MAX_EXTRA];
	size_t nr_extra;
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

void rb_kprobe_extra_event(const char *sym, bool exit, char *buf,
			   size_t len)
{
	/* A GCC clone's ".isra.0" may not be in an event name. */
	snprintf(buf, len, "bd_%.*s_%s", (int)strcspn(sym, "."), sym,
		 exit ? "exit" : "entry");
}

/*
 * One line of the "trace" file: "  comm-PID  [CPU] flags  TS: event: ...".
 * The comm may hold '-' and spaces, so the pid is read backwards from the
 * CPU field, skipping the optional "(TGID)" column. @ev is the event's
 * name (not terminated, @evlen long).
 */
static bool parse_line(const char *line, size_t len, int *pid, uint64_t *ns,
		       const char **ev, size_t *evlen)
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
	*ev = p;
	while (p < end && *p != ':' && *p != ' ')
		p++;
	*evlen = p - *ev;
	return p < end && *p == ':' && *evlen;
}

static bool is_event(const char *ev, size_t len, const char *name)
{
	return strlen(name) == len && !strncmp(ev, name, len);
}

/*
 * Which pair @ev belongs to: 0 for memmap_init_zone_device's, 1 + i for
 * extra[i]; -1 for none. @entry tells entry from exit.
 */
static int classify(const char *ev, size_t len, const char *const *extra,
		    size_t nr_extra, bool *entry)
{
	char name[EV_LEN];
	size_t i;

	if (is_event(ev, len, EV_IN) || is_event(ev, len, EV_OUT)) {
		*entry = is_event(ev, len, EV_IN);
		return 0;
	}
	for (i = 0; i < nr_extra; i++) {
		rb_kprobe_extra_event(extra[i], false, name, sizeof(name));
		*entry = is_event(ev, len, name);
		rb_kprobe_extra_event(extra[i], true, name, sizeof(name));
		if (*entry || is_event(ev, len, name))
			return 1 + i;
	}
	return -1;
}

struct pending {
	int pid, pair;
	uint64_t ns;
};

/* Close the innermost open entry of @pid in @pair at @ns. */
static void close_pair(struct pending *pend, unsigned int *nr, int pid,
		       int pair, uint64_t ns, struct rb_kprobe_result *res)
{
	struct rb_kprobe_calls *c = pair ? &res->extra[pair - 1] : NULL;
	unsigned int i;

	for (i = *nr; i-- > 0;)
		if (pend[i].pid == pid && pend[i].pair == pair)
			break;
	if (i >= *nr || ns < pend[i].ns) {
		if (c)
			c->unpaired++;
		else
			res->unpaired++;
		return;
	}
	if (c) {
		c->total_ns += ns - pend[i].ns;
		c->nr_calls++;
	} else {
		if (!res->nr_pairs || pend[i].ns < res->first_entry_ns)
			res->first_entry_ns = pend[i].ns;
		res->total_ns += ns - pend[i].ns;
		res->nr_pairs++;
	}
	/* Keep the order: "innermost" is the last one of a pid. */
	memmove(&pend[i], &pend[i + 1], (*nr - i - 1) * sizeof(*pend));
	(*nr)--;
}

void rb_kprobe_parse_extra(const char *text, const char *const *extra,
			   size_t nr_extra, struct rb_kprobe_result *res)
{
	struct pending pending[MAX_PENDING];
	unsigned int nr_pending = 0, i;
	const char *line = text;

	memset(res, 0, sizeof(*res));
	if (nr_extra > RB_KPROBE_MAX_EXTRA)
		nr_extra = RB_KPROBE_MAX_EXTRA;
	while (line && *line) {
		const char *nl = strchr(line, '\n'), *ev;
		size_t len = nl ? (size_t)(nl - line) : strlen(line), evlen;
		uint64_t ns;
		bool entry;
		int pid, pair = -1;

		if (*line != '#' &&
		    parse_line(line, len, &pid, &ns, &ev, &evlen))
			pair = classify(ev, evlen, extra, nr_extra, &entry);
		if (pair >= 0 && entry && nr_pending < MAX_PENDING)
			pending[nr_pending++] =
				(struct pending){ pid, pair, ns };
		else if (pair >= 0 && entry && pair)
			res->extra[pair - 1].unpaired++;
		else if (pair >= 0 && entry)
			res->unpaired++;
		else if (pair >= 0)
			close_pair(pending, &nr_pending, pid, pair, ns, res);
		line = nl ? nl + 1 : NULL;
	}
	for (i = 0; i < nr_pending; i++) {
		if (pending[i].pair)
			res->extra[pending[i].pair - 1].unpaired++;
		else
			res->unpaired++;
	}
}

void rb_kprobe_parse(const char *text, struct rb_kprobe_result *res)
{
	rb_kprobe_parse_extra(text, NULL, 0, res);
}

static int write_file(struct tracefs_instance *inst, const char *file,
		      const char *val)
{
	return tracefs_instance_file_write(inst, file, val) < 0 ?
		       (errno ? -errno : -EIO) : 0;
}

static int enable_event(const struct rb_kprobe *p, const char *ev,
			const char *val)
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

/* Create one kprobe (@ret false) or kretprobe definition; -errno. */
static int create_one(struct tracefs_dynevent *ev, const char *sym, bool ret,
		      char *why, size_t whylen)
{
	int rc;

	if (!tracefs_dynevent_create(ev))
		return 0;
	rc = errno ? -errno : -EIO;
	snprintf(why, whylen, "cannot create %s on %s: %s",
		 ret ? "kretprobe" : "kprobe", sym, strerror(-rc));
	return rc;
}

static int create_extra(struct rb_kprobe *p, char *why, size_t whylen)
{
	size_t i;
	int rc;

	for (i = 0; i < p->nr_extra; i++) {
		struct extra_pair *e = &p->extra[i];

		e->in = tracefs_kprobe_alloc(p->group, e->ev_in, e->sym, NULL);
		e->out = tracefs_kretprobe_alloc(p->group, e->ev_out, e->sym,
						 NULL, 0);
		if (!e->in || !e->out) {
			snprintf(why, whylen,
				 "cannot allocate kprobe definitions");
			return -ENOMEM;
		}
		rc = create_one(e->in, e->sym, false, why, whylen);
		if (rc)
			return rc;
		e->in_created = true;
		rc = create_one(e->out, e->sym, true, why, whylen);
		if (rc)
			return rc;
		e->out_created = true;
	}
	return 0;
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
	return create_extra(p, why, whylen);
}

/* Enable (@val "1") or disable the extra pairs; the first -errno. */
static int enable_extra(const struct rb_kprobe *p, const char *val)
{
	size_t i;
	int rc = 0, r;

	for (i = 0; i < p->nr_extra; i++) {
		r = enable_event(p, p->extra[i].ev_in, val);
		rc = rc ?: r;
		r = enable_event(p, p->extra[i].ev_out, val);
		rc = rc ?: r;
	}
	return rc;
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
		rc = enable_extra(p, "1");
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
		   const char *inst, const char *const *extra,
		   size_t nr_extra, char *why, size_t whylen)
{
	struct rb_kprobe *p;
	bool we_mounted;
	const char *dir;
	size_t i;
	int rc;

	*out = NULL;
	if (nr_extra > RB_KPROBE_MAX_EXTRA) {
		snprintf(why, whylen, "more than %d extra probes",
			 RB_KPROBE_MAX_EXTRA);
		return -EINVAL;
	}
	dir = tracing_dir(&we_mounted, why, whylen);
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
	for (i = 0; i < nr_extra; i++) {
		struct extra_pair *e = &p->extra[i];

		snprintf(e->sym, sizeof(e->sym), "%s", extra[i]);
		rb_kprobe_extra_event(e->sym, false, e->ev_in,
				      sizeof(e->ev_in));
		rb_kprobe_extra_event(e->sym, true, e->ev_out,
				      sizeof(e->ev_out));
	}
	p->nr_extra = nr_extra;
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
	const char *syms[RB_KPROBE_MAX_EXTRA];
	size_t i;

	if (!text) {
		memset(res, 0, sizeof(*res));
		return errno ? -errno : -EIO;
	}
	for (i = 0; i < p->nr_extra; i++)
		syms[i] = p->extra[i].sym;
	rb_kprobe_parse_extra(text, syms, p->nr_extra, res);
	free(text);
	return 0;
}

/* Remove what was created of one pair, exit first; free both. */
static void destroy_pair(struct tracefs_dynevent *in, bool in_created,
			 struct tracefs_dynevent *out, bool out_created)
{
	if (out_created)
		tracefs_dynevent_destroy(out, true);
	if (in_created)
		tracefs_dynevent_destroy(in, true);
	tracefs_dynevent_free(in);
	tracefs_dynevent_free(out);
}

void rb_kprobe_close(struct rb_kprobe *p)
{
	size_t i;

	if (!p)
		return;
	if (p->pipe_fd >= 0)
		close(p->pipe_fd);
	if (p->inst) {
		write_file(p->inst, "tracing_on", "0");
		enable_event(p, EV_IN, "0");
		enable_event(p, EV_OUT, "0");
		enable_extra(p, "0");
		tracefs_instance_destroy(p->inst);
		tracefs_instance_free(p->inst);
	}
	for (i = p->nr_extra; i-- > 0;)
		destroy_pair(p->extra[i].in, p->extra[i].in_created,
			     p->extra[i].out, p->extra[i].out_created);
	destroy_pair(p->in, p->in_created, p->out, p->out_created);
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
