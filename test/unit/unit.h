/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal check macros for the unit tests: each CHECK() prints one TAP-ish
 * "ok N - ..." / "not ok N - ..." line and counts the result; unit_done()
 * prints the totals and gives the process exit status. Header-only so every
 * test executable stays a single .c file.
 */
#ifndef RB_UNIT_H
#define RB_UNIT_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static unsigned int unit_passed, unit_failed;

static inline __attribute__((format(printf, 4, 5)))
bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		unit_passed++;
	else
		unit_failed++;
	printf("%s %u - ", ok ? "ok" : "not ok", unit_passed + unit_failed);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (!ok)
		printf(" (%s:%d)", file, line);
	putchar('\n');
	return ok;
}

/* CHECK(cond, "what %d", x): evaluates to cond, so tests can bail out. */
#define CHECK(cond, ...) \
	unit_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* Equality of unsigned integers, printing both values when they differ. */
#define CHECK_U64(got, want, what)					\
	CHECK((uint64_t)(got) == (uint64_t)(want),			\
	      "%s: got %" PRIu64 ", want %" PRIu64, (what),		\
	      (uint64_t)(got), (uint64_t)(want))

/* Equality of a (pointer, length) string with a C string. */
#define CHECK_STRN(ptr, len, want, what)				\
	CHECK((len) == strlen(want) &&					\
	      ((len) == 0 || memcmp((ptr), (want), (len)) == 0),	\
	      "%s: got \"%.*s\", want \"%s\"", (what), (int)(len),	\
	      (ptr) ? (ptr) : "", (want))

static inline int unit_done(void)
{
	printf("%u passed, %u failed\n", unit_passed, unit_failed);
	return unit_failed ? 1 : 0;
}

#endif /* RB_UNIT_H */
