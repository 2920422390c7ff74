/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-linear histogram (HDR style): each power of two is split into
 * 2^sub_bits equal sub-buckets, values below 2^sub_bits count exactly.
 * The number of sub-buckets is chosen from the data, so that a narrow
 * run (1.05-1.3 s) still shows its shape and a wide one fits on screen.
 * Printed in the shape of bcc's funclatency. The one histogram of runs,
 * imports and compare.
 */
#ifndef RB_HISTOGRAM_H
#define RB_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RB_HIST_MIN_SUB_BITS 2 /* at least 4 buckets per power of two */
#define RB_HIST_MAX_SUB_BITS 6 /* at most 64 (1.6% wide) */
#define RB_HIST_ROWS 24 /* rows a histogram aims to fill at most */

struct rb_hist {
	unsigned int sub_bits;
	unsigned int *counts; /* indexed by bucket */
	size_t nr; /* buckets allocated */
	size_t first, last; /* used range; first > last when empty */
	size_t total;
};

/* Bucket of @v, and its bounds, at @sub_bits. */
size_t rb_hist_bucket(uint64_t v, unsigned int sub_bits);
uint64_t rb_hist_low(size_t bucket, unsigned int sub_bits);
uint64_t rb_hist_high(size_t bucket, unsigned int sub_bits);

/*
 * Count @v at the finest resolution whose used range spans at most
 * @rows buckets (and never coarser than RB_HIST_MIN_SUB_BITS).
 * Returns 0 or -ENOMEM.
 */
int rb_hist_build(struct rb_hist *h, const uint64_t *v, size_t n,
		  size_t rows);
void rb_hist_free(struct rb_hist *h);

/*
 * The rows from the first to the last used bucket, "low -> high : count
 * |stars|", under a "@unit : count distribution" header; nothing when
 * empty.
 */
void rb_hist_print(FILE *f, const struct rb_hist *h, const char *unit);

/* Build and print @v in one go (0 or -ENOMEM). */
int rb_hist_show(FILE *f, const uint64_t *v, size_t n, const char *unit);

#endif /* RB_HISTOGRAM_H */
