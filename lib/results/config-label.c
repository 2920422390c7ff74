// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "results/config-label.h"
#include "util/format.h"

static __attribute__((format(printf, 4, 5)))
void appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = (size_t)n < len - *off ? *off + (size_t)n : len - 1;
}

/*
 * A name from a document as one word of the label: as it is when it is
 * one (what the kernel names devices, drivers and modes with), else in
 * double quotes, so that no name reads as words of the report.
 */
static void append_name(char *buf, size_t len, size_t *off, const char *s)
{
	const char *p;

	if (*s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789._:+-@/") == strlen(s)) {
		appendf(buf, len, off, "%s ", s);
		return;
	}
	appendf(buf, len, off, "\"");
	for (p = s; *p; p++)
		appendf(buf, len, off, "%s%c", *p == '"' || *p == '\\' ?
			"\\" : "", *p);
	appendf(buf, len, off, "\" ");
}

void rb_config_label(char *buf, size_t len, const struct rb_target_desc *t,
		     uint64_t nr_pages, unsigned int flags)
{
	char tmp[32];
	size_t off = 0;

	buf[0] = 0;
	if ((flags & RB_LABEL_DEV) && t->dev)
		append_name(buf, len, &off, t->dev);
	if ((flags & RB_LABEL_DRIVER) && t->driver)
		append_name(buf, len, &off, t->driver);
	if (t->mode)
		append_name(buf, len, &off, t->mode);
	if (t->map) {
		appendf(buf, len, &off, "map=");
		append_name(buf, len, &off, t->map);
	}
	if (t->align) {
		rb_format_size(tmp, sizeof(tmp), t->align);
		appendf(buf, len, &off, "align=%s ", tmp);
	}
	if (t->size) {
		rb_format_size(tmp, sizeof(tmp), t->size);
		appendf(buf, len, &off, "size=%s ", tmp);
	}
	if (nr_pages)
		appendf(buf, len, &off, "%" PRIu64 " pages", nr_pages);
	while (off && buf[off - 1] == ' ')
		buf[--off] = 0;
	if (!off)
		snprintf(buf, len, "unknown configuration");
}
