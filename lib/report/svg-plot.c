// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/svg-plot.h"
#include "util/file-io.h"
#include "util/text.h"

#define WIDTH 900
#define LEFT 90 /* room for the "base"/"new" row labels */
#define RIGHT 40
#define TOP 70 /* title and legend */
#define PANEL 190
#define BAND 44 /* height of one strip */
#define BASE_COLOUR "#1f77b4"
#define NEW_COLOUR "#d62728"

struct axis {
	double lo, hi, step;
};

#define MAX_TICKS 20

/* 1-2-5 ticks covering [lo, hi] with about six intervals. */
static void nice_axis(double lo, double hi, struct axis *a)
{
	double span = hi - lo, raw, mag, f;

	if (!(span > 0)) {
		span = fabs(lo) > 0 ? fabs(lo) * 0.1 : 1;
		lo -= span / 2;
		hi += span / 2;
	}
	raw = span / 6;
	mag = pow(10, floor(log10(raw)));
	f = raw / mag;
	a->step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
	a->lo = floor(lo / a->step) * a->step;
	a->hi = ceil(hi / a->step) * a->step;
	/* Values so large that the step vanishes in their precision. */
	if (!(a->hi > a->lo)) {
		a->step = fabs(a->lo) * 1e-6 + 1;
		a->hi = a->lo + a->step;
	}
}

static double xpos(const struct axis *a, double v)
{
	return LEFT + (v - a->lo) / (a->hi - a->lo) * (WIDTH - LEFT - RIGHT);
}

/* Deterministic vertical jitter in [-0.5, 0.5): the same file every time. */
static double jitter(size_t i)
{
	uint32_t h = (uint32_t)i * 2654435761u;

	h ^= h >> 15;
	return (double)(h % 1000) / 1000 - 0.5;
}

static void strip(FILE *f, const struct axis *a, double y, const double *v,
		  size_t n, const char *unit, const char *colour,
		  const char *name, double mean)
{
	size_t i;

	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>\n",
		LEFT - 12, y, name);
	fprintf(f, "<g fill=\"%s\" fill-opacity=\"0.55\">\n", colour);
	for (i = 0; i < n; i++)
		fprintf(f, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3.2\"/>\n",
			xpos(a, rb_to_ms(v[i], unit)),
			y + jitter(i) * (BAND - 12));
	fprintf(f, "</g>\n");
	fprintf(f, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"3\"/>\n",
		xpos(a, rb_to_ms(mean, unit)), xpos(a, rb_to_ms(mean, unit)),
		y - BAND / 2.0, y + BAND / 2.0, colour);
}

static void panel(FILE *f, const struct rb_comparison *c,
		  const struct rb_pair *p, double top)
{
	const struct rb_source_cmp *s = &p->src[p->primary];
	const char *unit = s->desc->unit;
	double lo = INFINITY, hi = -INFINITY, y_base, y_new, y_axis, nr_ticks;
	char mb[32], mn[32];
	struct axis a;
	size_t i;
	int k;

	for (i = 0; i < s->base.nr_iterations; i++) {
		lo = fmin(lo, rb_to_ms(s->base_raw[i], unit));
		hi = fmax(hi, rb_to_ms(s->base_raw[i], unit));
	}
	for (i = 0; i < s->newer.nr_iterations; i++) {
		lo = fmin(lo, rb_to_ms(s->new_raw[i], unit));
		hi = fmax(hi, rb_to_ms(s->new_raw[i], unit));
	}
	nice_axis(lo, hi, &a);

	fprintf(f, "<text x=\"%d\" y=\"%.1f\" font-weight=\"bold\">", LEFT,
		top + 16);
	rb_put_xml(f, p->label);
	fprintf(f, "</text>\n<text x=\"%d\" y=\"%.1f\" fill=\"#555\">%s: %+.1f%% change of the mean, %s%s</text>\n",
		LEFT, top + 34, s->desc->key, 100 * s->change_mean,
		c->same_kernel ? "A/A (same kernel): " : "",
		rb_verdict_key(s->verdict));

	y_base = top + 48 + BAND / 2.0;
	y_new = y_base + BAND + 6;
	y_axis = y_new + BAND / 2.0 + 6;
	/* grid and ticks first, so the dots sit on top */
	/*
	 * An integer count of ticks: near 2^53 a step below half an ulp
	 * would never advance x.
	 */
	nr_ticks = (a.hi - a.lo) / a.step;
	if (!(nr_ticks >= 1 && nr_ticks <= MAX_TICKS)) {
		nr_ticks = 1;
		a.step = a.hi - a.lo;
	}
	for (k = 0; k <= (int)(nr_ticks + 0.5); k++) {
		double x = a.lo + k * a.step, px = xpos(&a, x);

		fprintf(f, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n",
			px, px, y_base - BAND / 2.0, y_axis);
		fprintf(f, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			px, px, y_axis, y_axis + 5);
		fprintf(f, "<text x=\"%.2f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n",
			px, y_axis + 18, fabs(x) < a.step / 1e6 ? 0 : x);
	}
	fprintf(f, "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
		LEFT, WIDTH - RIGHT, y_axis, y_axis);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%s (ms)%s</text>\n",
		(WIDTH + LEFT - RIGHT) / 2, y_axis + 36, s->desc->key,
		s->quantised ? ", jiffy-quantised" : "");

	strip(f, &a, y_base, s->base_raw, s->base.nr_iterations, unit,
	      BASE_COLOUR, "base", s->base.st.mean);
	strip(f, &a, y_new, s->new_raw, s->newer.nr_iterations, unit,
	      NEW_COLOUR, "new", s->newer.st.mean);
	rb_format_time(mb, sizeof(mb), s->base.st.mean, s->base.st.mean,
		       unit, 2);
	rb_format_time(mn, sizeof(mn), s->newer.st.mean, s->newer.st.mean,
		       unit, 2);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">mean %s</text>\n",
		WIDTH - RIGHT, top + 16, BASE_COLOUR, mb);
	fprintf(f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"%s\">mean %s</text>\n",
		WIDTH - RIGHT, top + 34, NEW_COLOUR, mn);
}

/* Fingerprint differences under the panels, one line each. */
static void fp_lines(FILE *f, const struct rb_comparison *c, double top)
{
	size_t i;

	for (i = 0; i < c->nr_fp_diffs; i++) {
		fprintf(f, "<text x=\"%d\" y=\"%.1f\" fill=\"#a00\">differs besides the kernel: ",
			LEFT, top + 16 + 18.0 * (double)i);
		rb_put_xml(f, c->fp_diffs[i].key);
		fputs(": base ", f);
		rb_put_xml(f, c->fp_diffs[i].base ?: "(none)");
		fputs(", new ", f);
		rb_put_xml(f, c->fp_diffs[i].newer ?: "(none)");
		fputs("</text>\n", f);
	}
}

int rb_svg_plot(const struct rb_comparison *c, FILE *f)
{
	size_t i, nr = 0, height;
	double top = TOP;
	char tb[160], tn[160];

	for (i = 0; i < c->nr_pairs; i++)
		nr += c->pairs[i].primary >= 0;
	height = TOP + nr * PANEL + 10 + 18 * c->nr_fp_diffs;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\" font-family=\"sans-serif\" font-size=\"13\">\n",
		WIDTH, height, WIDTH, height);
	fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
	rb_comparison_side_title(c, false, tb, sizeof(tb));
	rb_comparison_side_title(c, true, tn, sizeof(tn));
	fprintf(f, "<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%srebind time, ",
		LEFT, c->same_kernel ? "A/A: " : "");
	rb_put_xml(f, tb);
	fputs(" vs ", f);
	rb_put_xml(f, tn);
	fputs(" (every steady-state rebind)</text>\n", f);
	/* legend */
	fprintf(f, "<g transform=\"translate(%d,46)\">\n", LEFT);
	fprintf(f, "<circle cx=\"6\" cy=\"0\" r=\"4\" fill=\"%s\"/><text x=\"16\" y=\"4\">base</text>\n",
		BASE_COLOUR);
	fprintf(f, "<circle cx=\"76\" cy=\"0\" r=\"4\" fill=\"%s\"/><text x=\"86\" y=\"4\">new</text>\n",
		NEW_COLOUR);
	fprintf(f, "<line x1=\"140\" x2=\"140\" y1=\"-8\" y2=\"8\" stroke=\"#333\" stroke-width=\"3\"/><text x=\"150\" y=\"4\">mean</text>\n");
	fprintf(f, "<text x=\"210\" y=\"4\" fill=\"#555\">one dot per rebind, vertical spread is jitter only</text>\n");
	fprintf(f, "</g>\n");
	for (i = 0; i < c->nr_pairs; i++) {
		if (c->pairs[i].primary < 0)
			continue;
		panel(f, c, &c->pairs[i], top);
		top += PANEL;
	}
	fp_lines(f, c, top);
	fprintf(f, "</svg>\n");
	return ferror(f) ? -EIO : 0;
}

int rb_svg_plot_write(const struct rb_comparison *c, const char *path)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return -errno;
	rc = rb_svg_plot(c, f);
	if (fclose(f) && !rc)
		rc = -ENOMEM;
	if (!rc)
		rc = rb_output_write(path, text, len);
	free(text);
	return rc;
}
