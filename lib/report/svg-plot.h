/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A self-contained SVG strip plot of a comparison: one panel per paired
 * configuration, every steady-state iteration of the primary source of
 * both kernels as a dot, means marked. No external references, so the
 * file can be attached to a mail or opened offline.
 */
#ifndef RB_SVG_PLOT_H
#define RB_SVG_PLOT_H

#include <stdio.h>
#include "report/compare.h"

int rb_svg_plot(const struct rb_comparison *c, FILE *f);
/* Write atomically enough for a plot: to @path, 0 or -errno. */
int rb_svg_plot_write(const struct rb_comparison *c, const char *path);

#endif /* RB_SVG_PLOT_H */
