/* SPDX-License-Identifier: GPL-2.0 */
/* What the text forms of a comparison (human, markdown, commit, SVG) share. */
#ifndef RB_COMPARE_TEXT_H
#define RB_COMPARE_TEXT_H

#include <stdio.h>
#include "report/compare.h"

const struct rb_source_cmp *rb_cmp_primary(const struct rb_pair *p);
const struct rb_cold_cmp *rb_cmp_cold_of(const struct rb_pair *p,
					 const struct rb_source_cmp *s);
/* What each source times, for readers who do not know the keys. */
const char *rb_cmp_source_what(const struct rb_source_desc *d);
/* The interval of the change of the mean: Fieller, else Welch on logs. */
const struct rb_ratio_ci *rb_cmp_change_ci(const struct rb_source_cmp *s,
					   const char **name);
void rb_cmp_fmt_p(char *buf, size_t len, double p);
/*
 * "The smallest change these data detect with 80% power at alpha 0.05
 * is 1.9%; 4 boots per kernel would detect 3%."
 */
void rb_cmp_power_text(const struct rb_comparison *c,
		       const struct rb_source_cmp *s, char *buf, size_t len);
/* "mismatch: <config>: align: base 2097152, new 4096: not paired" */
char *rb_cmp_mismatch_text(const struct rb_mismatch *m);

/* Log-linear histograms of every steady iteration of both sides. */
void rb_cmp_print_histograms(FILE *f, const struct rb_source_cmp *s);

/* The --breakdown shares of both sides as an indented tree. */
void rb_cmp_print_breakdown(FILE *f, const struct rb_pair *p);

/* compare-commit.c */
void rb_cmp_print_commit(FILE *f, const struct rb_comparison *c);

#endif /* RB_COMPARE_TEXT_H */
