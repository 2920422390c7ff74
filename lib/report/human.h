/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -u/--human summary: per configuration, the figures of the upstream
 * cover letters ("First binding", "Average of subsequent rebinds") per
 * timing source, and a log2 histogram of the steady-state samples in the
 * shape of bcc's funclatency. Never wider than 80 columns.
 */
#ifndef RB_HUMAN_H
#define RB_HUMAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rb_document;

#define RB_HIST_BUCKETS 64

void rb_human_summary(FILE *f, const struct rb_document *doc);

/*
 * Count @v into power-of-two buckets: bucket 0 holds 0 and 1, bucket k
 * (k >= 1) holds [2^k, 2^(k+1) - 1]. Returns the highest bucket used + 1
 * (0 when @n is 0).
 */
size_t rb_log2_hist(const uint64_t *v, size_t n,
		    unsigned int buckets[RB_HIST_BUCKETS]);

/*
 * Print the buckets from the first to the last non-empty one, each as
 * "low -> high : count |stars|", under a "@unit : count distribution"
 * header.
 */
void rb_log2_hist_print(FILE *f, const unsigned int *buckets, size_t nr,
			const char *unit);

#endif /* RB_HUMAN_H */
