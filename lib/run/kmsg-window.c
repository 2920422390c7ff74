// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "run/kmsg-window.h"
#include "klog/klog-record.h"
#include "klog/memmap-line.h"
#include "util/sysroot.h"

/* The kernel refuses reads into buffers smaller than one record. */
#define KMSG_RECORD_MAX 8192

int rb_kmsg_open(struct rb_kmsg_window *w, const char *root, char *why,
		 size_t whylen)
{
	char *path = rb_root_path(root, "/dev/kmsg");

	memset(w, 0, sizeof(*w));
	w->fd = -1;
	if (!path)
		return -ENOMEM;
	w->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		int rc = -errno;

		snprintf(why, whylen, "cannot open %s: %s", path,
			 strerror(-rc));
		free(path);
		return rc;
	}
	free(path);
	return 0;
}

int rb_kmsg_arm(struct rb_kmsg_window *w)
{
	w->nr_lines = 0;
	w->overrun = false;
	if (lseek(w->fd, 0, SEEK_END) < 0)
		return -errno;
	return 0;
}

bool rb_kmsg_feed(struct rb_kmsg_window *w, const char *rec, size_t len)
{
	const char *nl = memchr(rec, '\n', len);
	struct rb_klog_record kr;
	struct rb_memmap_line m;
	struct rb_kmsg_line *l;

	/* Only the first line: " KEY=value" dictionary lines follow. */
	rb_klog_parse(rec, nl ? (size_t)(nl - rec) : len, &kr);
	if (kr.form != RB_KLOG_KMSG && kr.form != RB_KLOG_PLAIN)
		return false;
	if (rb_memmap_line_parse(kr.text, kr.text_len, &m) != RB_MEMMAP_MATCH)
		return false;
	if (w->nr_lines >= RB_KMSG_MAX_LINES)
		return true;
	l = &w->lines[w->nr_lines++];
	l->nr_pages = m.nr_pages;
	l->ms = m.ms;
	l->has_seq = kr.has_seq;
	l->seq = kr.seq;
	l->has_ts = kr.has_ts;
	l->ts_usec = kr.ts_usec;
	l->tid = m.tid ? m.tid : kr.tid;
	return true;
}

static void take(struct rb_kmsg_result *res, const struct rb_kmsg_line *l)
{
	if (!res->nr_ranges) {
		res->has_seq = l->has_seq;
		res->seq = l->seq;
		res->has_ts = l->has_ts;
		res->ts_usec = l->ts_usec;
	}
	res->nr_ranges++;
	res->nr_pages += l->nr_pages;
	res->ms += l->ms;
}

void rb_kmsg_attribute(const struct rb_kmsg_line *lines, unsigned int nr,
		       uint64_t expected, struct rb_kmsg_result *res)
{
	uint64_t sum = 0;
	unsigned int i;

	memset(res, 0, sizeof(*res));
	res->nr_seen = nr;
	for (i = 0; i < nr; i++)
		sum += lines[i].nr_pages;
	if (!expected || sum == expected) {
		for (i = 0; i < nr; i++)
			take(res, &lines[i]);
		res->matched = expected && nr;
		return;
	}
	/* Another ZONE_DEVICE user printed in the window too. */
	for (i = 0; i < nr; i++) {
		if (lines[i].nr_pages == expected) {
			take(res, &lines[i]);
			res->matched = true;
			return;
		}
	}
	for (i = 0; i < nr; i++)
		take(res, &lines[i]);
}

int rb_kmsg_collect(struct rb_kmsg_window *w, uint64_t expected,
		    struct rb_kmsg_result *res)
{
	char buf[KMSG_RECORD_MAX];
	ssize_t n;
	int rc = 0;

	for (;;) {
		n = read(w->fd, buf, sizeof(buf));
		if (n > 0) {
			rb_kmsg_feed(w, buf, n);
			continue;
		}
		if (n == 0 || errno == EAGAIN)
			break;
		if (errno == EINTR)
			continue;
		if (errno == EPIPE) {
			/* Overwritten before we read them; go on. */
			w->overrun = true;
			continue;
		}
		rc = -errno;
		break;
	}
	rb_kmsg_attribute(w->lines, w->nr_lines, expected, res);
	res->overrun = w->overrun;
	return rc;
}

void rb_kmsg_close(struct rb_kmsg_window *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
