/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One home for the text forms every report shares: sizes in ndctl's short
 * form, times in milliseconds, and greedy word wrap.
 */
#ifndef RB_FORMAT_H
#define RB_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * ndctl's short form, base 1024: "2M", "100G", "1.50G" when not a whole
 * unit, plain bytes ("4096" is "4K", "512" stays "512") below 1 KiB.
 */
const char *rb_format_size(char *buf, size_t len, uint64_t bytes);

/* Values of @unit ("ns" or "ms") converted to milliseconds. */
double rb_to_ms(double v, const char *unit);

/*
 * A time for reading. @v and @ref are in @unit; @ref picks the unit so
 * that a mean and its standard error print alike: microseconds below
 * 1 ms, else milliseconds. @decimals < 0 is the cover letters' choice:
 * "1456 ms" at or above a second, "244.28 ms" below.
 */
void rb_format_time(char *buf, size_t len, double v, double ref,
		    const char *unit, int decimals);

/* Columns taken by @len bytes of UTF-8 (σ is two bytes, one column). */
size_t rb_columns(const char *s, size_t len);

/*
 * @text word-wrapped at @width columns: the first line indented by
 * @indent, the others by @hang. A word longer than a line is cut.
 * Control characters print escaped (rb_put_text()): a newline in @text
 * never starts a line, only the wrap does.
 */
void rb_wrap(FILE *f, const char *text, size_t width, size_t indent,
	     size_t hang);

#endif /* RB_FORMAT_H */
