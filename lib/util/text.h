/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One home for what strings from input (results documents, kernel logs,
 * file and device names) may hold, and for how every text format prints
 * them: no such string ever moves the cursor, starts a terminal escape or
 * a new line, or a Markdown block or table cell.
 */
#ifndef RB_TEXT_H
#define RB_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* C0 controls and DEL: newline, carriage return, tab, ESC, NUL, ... */
static inline bool rb_is_control(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* Printable ASCII but the space: the bytes of a kernel device name. */
static inline bool rb_is_name_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

/* The first control character of the @len bytes at @s, or NULL. */
const char *rb_find_control(const char *s, size_t len);

/* Every control character of @s (may be NULL) made '?'; returns @s. */
char *rb_scrub(char *s);

/* @s copied into @buf with all but printable ASCII as '?', cut "...". */
const char *rb_printable(const char *s, char *buf, size_t len);

/*
 * Plain text (terminals, commit messages, log lines): a newline as the
 * two characters "\n", any other control character as "\xNN", all else
 * as it is. rb_text_escape() returns the same as a new string (NULL
 * without memory).
 */
void rb_put_text(FILE *f, const char *s);
char *rb_text_escape(const char *s);

/* What @put prints for @s, as a new string; NULL without memory. */
char *rb_escape(void (*put)(FILE *, const char *), const char *s);

/*
 * Markdown (CommonMark, GitHub's tables): escaped as plain text, then a
 * backslash before \ ` * | < > [ ] & ~ #, a '_' but one inside a word
 * (CONFIG_HZ), and before a leading - + =
 * and the '.' or ')' of a leading "1." : the string stays inline text of
 * the line it is printed on, never a heading, quote, list, rule, table
 * cell, code span, link or HTML.
 */
void rb_put_markdown(FILE *f, const char *s);

/* XML character data and attribute values: &<>"' escaped, controls
 * (XML 1.0 has none but tab and newline) as U+FFFD. */
void rb_put_xml(FILE *f, const char *s);

#endif /* RB_TEXT_H */
