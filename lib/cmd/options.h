/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command-line helpers of every subcommand: value parsers that print one
 * line and return -EINVAL, the --list-opts printer the bash completion
 * asks, and the name of the word getopt refused.
 */
#ifndef RB_OPTIONS_H
#define RB_OPTIONS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "util/text.h" /* rb_printable() */

/* The most items a comma list option takes. */
#define RB_MAX_LIST 8

/* "--<opt>: ..." errors: a decimal in [@min, @max]. */
int rb_parse_uint(const char *opt, const char *s, unsigned int min,
		  unsigned int max, unsigned int *out);

/*
 * Split the comma list @arg (not modified) into at most @cap items of
 * @allowed (NULL-terminated), no item twice. @out points into @allowed.
 */
int rb_parse_names(const char *opt, const char *arg,
		   const char *const *allowed, const char **out, size_t cap,
		   size_t *nr);

/* "4K", "2M", "1G", "4096": base 1024, a power of two >= @page_size. */
int rb_parse_align(const char *s, long page_size, uint64_t *out, char *err,
		   size_t len);

/* A comma list of at most @cap alignments, none twice. */
int rb_parse_aligns(const char *arg, long page_size, uint64_t *out,
		    size_t cap, size_t *nr);

/*
 * A fraction in (0, 1), or [0, 1) with @zero_ok; "2%" is 0.02. 0 or
 * -EINVAL; the caller words the message.
 */
int rb_parse_fraction(const char *s, bool zero_ok, double *out);

/* Print each long option as "--name", one a line. */
void rb_list_opts(const struct option *lo);

/* The argv word getopt_long stopped at, for "unknown option" messages. */
const char *rb_bad_option(int argc, char **argv);


#endif /* RB_OPTIONS_H */
