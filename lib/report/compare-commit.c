// SPDX-License-Identifier: GPL-2.0
/*
 * The changelog paragraph: at most 75 columns, in the words the upstream
 * series used ("First binding", "Average of subsequent rebinds", "This
 * reduces the average rebind time by about X%"), and every caveat the
 * other formats print, so that the pasted text loses none of them.
 *
 * Pasted into a cover letter, it must not let a string from a document
 * pose as one of its own lines: such strings are only ever inside a
 * line that starts with the tool's words (a label starts with a driver
 * name, quoted when it is not one word), every block holding one goes
 * on with indented lines, and rb_wrap() escapes newlines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"
#include "report/compare-text.h"

#define COMMIT_COLS 75

/* One row of the cover letter's table: @vb and @vn in @unit. */
static void commit_row(FILE *f, const char *name, double vb, double vn,
		       double ref, const char *unit)
{
	char b[32], n[32];

	rb_format_time(b, sizeof(b), vb, ref ? ref : vb, unit, ref ? 2 : -1);
	rb_format_time(n, sizeof(n), vn, ref ? ref : vn, unit, ref ? 2 : -1);
	fprintf(f, "%-34s%14s%14s\n", name, b, n);
}

/* The cover letter's table: first binding, average, SE, sigma, n. */
static void print_commit_table(FILE *f, const struct rb_pair *p,
			       const struct rb_source_cmp *s)
{
	const struct rb_cold_cmp *cold = rb_cmp_cold_of(p, s);
	const char *unit = s->desc->unit;

	fprintf(f, "\n%-34s%14s%14s\n", "", "base", "new");
	if (cold)
		commit_row(f, "First binding:", cold->base, cold->newer, 0,
			   unit);
	commit_row(f, "Average of subsequent rebinds:", s->base.st.mean,
		   s->newer.st.mean, 0, unit);
	/* spreads in the unit of the mean, two decimals */
	commit_row(f, "  standard error of the mean:", s->base.st.stderr_mean,
		   s->newer.st.stderr_mean, s->base.st.mean, unit);
	commit_row(f, "  standard deviation:", s->base.st.stddev,
		   s->newer.st.stddev, s->base.st.mean, unit);
	fprintf(f, "%-34s%14zu%14zu\n", p->by_boot ? "  boots:" : "  rebinds:",
		s->base.st.n, s->newer.st.n);
	fputc('\n', f);
}

/* The first sentence: what changed, in the words of the series. */
static void commit_change(FILE *m, const struct rb_comparison *c,
			  const struct rb_source_cmp *s,
			  const struct rb_ratio_ci *ci, const char *ci_name)
{
	double conf = 100 * (ci ? ci->conf : c->opts.confidence);

	if (c->same_kernel) {
		fprintf(m, "A/A comparison: both sides ran the same kernel, so no kernel change is measured. The average rebind time differs by %+.1f%%",
			100 * s->change_mean);
		if (ci)
			fprintf(m, " (%.3g%% CI %+.1f%% to %+.1f%%, %s; ", conf,
				100 * (ci->lo - 1), 100 * (ci->hi - 1),
				ci_name);
		return;
	}
	switch (s->verdict) {
	case RB_VERDICT_IMPROVED:
		fprintf(m, "This reduces the average rebind time by about %.1f%%",
			-100 * s->change_mean);
		if (ci)
			fprintf(m, " (%.3g%% CI %.1f%% to %.1f%%, %s; ", conf,
				100 * (1 - ci->hi), 100 * (1 - ci->lo),
				ci_name);
		return;
	case RB_VERDICT_REGRESSED:
		fprintf(m, "This increases the average rebind time by about %.1f%%",
			100 * s->change_mean);
		if (ci)
			fprintf(m, " (%.3g%% CI %.1f%% to %.1f%%, %s; ", conf,
				100 * (ci->lo - 1), 100 * (ci->hi - 1),
				ci_name);
		return;
	default:
		fprintf(m, "%s The average rebind time changes by %+.1f%%",
			s->verdict == RB_VERDICT_NO_CHANGE ?
				"No significant change." :
				"The change is within the noise threshold.",
			100 * s->change_mean);
		if (ci)
			fprintf(m, " (%.3g%% CI %+.1f%% to %+.1f%%, %s; ", conf,
				100 * (ci->lo - 1), 100 * (ci->hi - 1),
				ci_name);
	}
}

/* The paragraph under the table: change, test, unit, verdict, power. */
static void commit_paragraph(FILE *f, const struct rb_comparison *c,
			     const struct rb_pair *p,
			     const struct rb_source_cmp *s)
{
	const char *ci_name = "";
	const struct rb_ratio_ci *ci = rb_cmp_change_ci(s, &ci_name);
	char pv[32], text[512], *para = NULL;
	size_t len;
	FILE *m = open_memstream(&para, &len);

	if (!m)
		return;
	commit_change(m, c, s, ci, ci_name);
	rb_cmp_fmt_p(pv, sizeof(pv), s->mwu.p);
	fprintf(m, "%sMann-Whitney U p = %s, n = %zu/%zu%s, %s).",
		ci ? "" : " (", pv, s->base.st.n, s->newer.st.n,
		p->by_boot ? " boots" : "",
		p->by_boot ? "boot means" :
		p->base_boots == 1 && p->new_boots == 1 ?
			(s->widened ? "1 boot per kernel, between-boot variance from the base kernel's boots added" :
				      "1 boot per kernel: the kernel is confounded with the boot and between-boot variance is not in the interval") :
			"iterations pooled over boots");
	if (s->capped)
		fprintf(m, " With %zu/%zu %s no rank test can reach p < %g: measure at least %u boots per kernel.",
			s->base.st.n, s->newer.st.n,
			p->by_boot ? "boots" : "iterations", c->opts.alpha,
			rb_min_boots(c->opts.alpha));
	rb_verdict_sentence(c, s, text, sizeof(text));
	fprintf(m, " Verdict: %s", text);
	rb_cmp_power_text(c, s, text, sizeof(text));
	fprintf(m, " %s", text);
	fclose(m);
	rb_wrap(f, para, COMMIT_COLS, 0, 0);
	free(para);
}

static void print_commit_pair(FILE *f, const struct rb_comparison *c,
			      const struct rb_pair *p)
{
	const struct rb_source_cmp *s = rb_cmp_primary(p), *o;
	char b[32], n[32];
	size_t i;

	rb_wrap(f, p->label, COMMIT_COLS, 0, 2);
	fprintf(f, "%s\n", rb_cmp_source_what(s->desc));
	print_commit_table(f, p, s);
	commit_paragraph(f, c, p, s);
	if (p->nr_src > 1)
		fprintf(f, "\nOther timing sources, mean base -> new:\n");
	for (i = 0; i < p->nr_src; i++) {
		o = &p->src[i];
		if (o == s)
			continue;
		rb_format_time(b, sizeof(b), o->base.st.mean, o->base.st.mean,
			       o->desc->unit, -1);
		rb_format_time(n, sizeof(n), o->newer.st.mean,
			       o->newer.st.mean, o->desc->unit, -1);
		fprintf(f, "  %-10s %10s -> %10s %+7.1f%%  %s\n", o->desc->key,
			b, n, 100 * o->change_mean, rb_verdict_key(o->verdict));
	}
}

/* Fingerprint differences, mismatches and caveats, each wrapped. */
static void commit_notes(FILE *f, const struct rb_comparison *c)
{
	char *line;
	size_t i;

	if (c->nr_fp_diffs || c->nr_mismatches || c->nr_caveats)
		fputc('\n', f);
	for (i = 0; i < c->nr_fp_diffs; i++) {
		if (asprintf(&line, "Differs besides the kernel: %s: base %s, new %s.",
			     c->fp_diffs[i].key,
			     c->fp_diffs[i].base ?: "(none)",
			     c->fp_diffs[i].newer ?: "(none)") < 0)
			return;
		rb_wrap(f, line, COMMIT_COLS, 0, 2);
		free(line);
	}
	for (i = 0; i < c->nr_mismatches; i++) {
		line = rb_cmp_mismatch_text(&c->mismatches[i]);
		if (!line)
			return;
		rb_wrap(f, line, COMMIT_COLS, 0, 2);
		free(line);
	}
	for (i = 0; i < c->nr_caveats; i++) {
		if (asprintf(&line, "Caveat: %s.", c->caveats[i]) < 0)
			return;
		rb_wrap(f, line, COMMIT_COLS, 0, 2);
		free(line);
	}
}

void rb_cmp_print_commit(FILE *f, const struct rb_comparison *c)
{
	char tb[160], tn[160], *line;
	bool first = true;
	size_t i;

	rb_comparison_side_title(c, false, tb, sizeof(tb));
	rb_comparison_side_title(c, true, tn, sizeof(tn));
	if (asprintf(&line, "%s%s vs %s", c->same_kernel ? "A/A: " : "", tb,
		     tn) >= 0) {
		rb_wrap(f, line, COMMIT_COLS, 0, 2);
		free(line);
		fputc('\n', f);
	}
	for (i = 0; i < c->nr_pairs; i++) {
		if (!rb_cmp_primary(&c->pairs[i]))
			continue;
		if (!first)
			fputc('\n', f);
		first = false;
		print_commit_pair(f, c, &c->pairs[i]);
	}
	commit_notes(f, c);
}
