// SPDX-License-Identifier: GPL-2.0
/*
 * The leaf helpers every target file uses: name copying and parsing, the
 * one-line error of a target, freeing target arrays, and the routing
 * of the pmem libraries' own messages into the tool's log.
 */
#include <errno.h>
#include <libkmod.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndctl/libndctl.h>
#include <daxctl/libdaxctl.h>
#include "util/log.h"
#include "target/target-priv.h"

/* syslog's LOG_ERR and LOG_DEBUG, as the three libraries count. */
#define PRIO_ERR 3
#define PRIO_DEBUG 7

char *rb_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (!len)
		return dst;
	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return dst;
}

int rb_fail(struct rb_target *t, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->err, sizeof(t->err), fmt, ap);
	va_end(ap);
	return rc;
}

bool rb_parse_devname(const char *name, const char *prefix,
		      unsigned int *region, unsigned int *id)
{
	size_t plen = strlen(prefix);
	int n = -1;

	if (strncmp(name, prefix, plen) == 0)
		name += plen;
	if (name[0] < '0' || name[0] > '9')
		return false;
	if (sscanf(name, "%u.%u%n", region, id, &n) != 2 || n < 0)
		return false;
	return name[n] == '\0' && strchr(name, '-') == NULL;
}

void rb_targets_free(struct rb_target **targets, int nr)
{
	int i;

	if (!targets)
		return;
	for (i = 0; i < nr; i++)
		if (targets[i])
			targets[i]->ops->close(targets[i]);
	free(targets);
}

/* One library message as one debug line: "libndctl: fn: text". */
static void log_line(const char *lib, const char *fn, const char *fmt,
		     va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	rb_dbg("%s: %s%s%s", lib, fn ? fn : "", fn ? ": " : "", msg);
}

static void ndctl_log(struct ndctl_ctx *ctx, int prio, const char *file,
		      int line, const char *fn, const char *fmt, va_list ap)
{
	log_line("libndctl", fn, fmt, ap);
}

static void daxctl_log(struct daxctl_ctx *ctx, int prio, const char *file,
		       int line, const char *fn, const char *fmt, va_list ap)
{
	log_line("libdaxctl", fn, fmt, ap);
}

static void kmod_log(void *data, int prio, const char *file, int line,
		     const char *fn, const char *fmt, va_list ap)
{
	log_line("libkmod", fn, fmt, ap);
}

void rb_ndctl_quiet(struct ndctl_ctx *ctx)
{
	ndctl_set_log_fn(ctx, ndctl_log);
	ndctl_set_log_priority(ctx, rb_verbose() ? PRIO_DEBUG : PRIO_ERR);
	rb_daxctl_quiet(ndctl_get_daxctl_ctx(ctx));
}

void rb_daxctl_quiet(struct daxctl_ctx *ctx)
{
	if (!ctx)
		return;
	daxctl_set_log_fn(ctx, daxctl_log);
	daxctl_set_log_priority(ctx, rb_verbose() ? PRIO_DEBUG : PRIO_ERR);
}

void rb_kmod_quiet(struct kmod_ctx *ctx)
{
	if (!ctx)
		return;
	kmod_set_log_fn(ctx, kmod_log, NULL);
	kmod_set_log_priority(ctx, rb_verbose() ? PRIO_DEBUG : PRIO_ERR);
}
