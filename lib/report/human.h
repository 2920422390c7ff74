/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -u/--human summary: per configuration, the figures of the upstream
 * cover letters ("First binding", "Average of subsequent rebinds") per
 * timing source, and a log-linear histogram of the steady-state samples
 * (report/histogram.h). Never wider than 80 columns.
 */
#ifndef RB_HUMAN_H
#define RB_HUMAN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct rb_document;

void rb_human_summary(FILE *f, const struct rb_document *doc);

#endif /* RB_HUMAN_H */
