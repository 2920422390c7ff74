// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include "util/log.h"
#include "util/text.h"

static const char *prog_name = "rebind-bench";
static bool verbose;

void rb_log_init(const char *prog)
{
	prog_name = prog;
}

const char *rb_prog(void)
{
	return prog_name;
}

void rb_set_verbose(bool on)
{
	verbose = on;
}

bool rb_verbose(void)
{
	return verbose;
}

/*
 * Messages quote file names, device names and strings from documents the
 * user handed us; escape control bytes so that every message stays one
 * line, as scripts reading stderr expect.
 */
static void vlog(const char *level, const char *fmt, va_list ap)
{
	char buf[1024];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	fprintf(stderr, "%s: %s", prog_name, level);
	rb_put_text(stderr, buf);
	fputc('\n', stderr);
}

void rb_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("error: ", fmt, ap);
	va_end(ap);
}

void rb_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void rb_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void rb_dbg(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog("debug: ", fmt, ap);
	va_end(ap);
}
