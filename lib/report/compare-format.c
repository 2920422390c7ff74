// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of a comparison: a human report and a Markdown table (the
 * changelog paragraph is compare-commit.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare.h"
#include "report/compare-text.h"
#include "util/text.h"
#include "util/util.h"

int rb_compare_format_parse(const char *s, enum rb_compare_format *fmt)
{
	static const struct {
		const char *name;
		enum rb_compare_format fmt;
	} names[] = {
		{ "json", RB_CMP_JSON },
		{ "human", RB_CMP_HUMAN },
		{ "markdown", RB_CMP_MARKDOWN },
		{ "commit", RB_CMP_COMMIT },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i].name)) {
			*fmt = names[i].fmt;
			return 0;
		}
	return -EINVAL;
}

/* First binds of both sides, in the base's unit. */
static void cold_times(const struct rb_cold_cmp *cc, char *b, char *n,
		       size_t len)
{
	rb_format_time(b, len, cc->base, cc->base, cc->desc->unit, -1);
	rb_format_time(n, len, cc->newer, cc->base, cc->desc->unit, -1);
}

static void print_ratio(FILE *f, const char *name,
			const struct rb_ratio_ci *r, const char *extra)
{
	if (r->bounded)
		fprintf(f, "    %-22s %.4f [%.3g%% CI %.4f, %.4f]%s\n", name,
			r->est, 100 * r->conf, r->lo, r->hi, extra);
	else
		fprintf(f, "    %-22s %.4f [CI unbounded]%s\n", name, r->est,
			extra);
}

static void print_human_side(FILE *f, const char *name,
			     const struct rb_side_summary *s, const char *unit)
{
	char mean[32], se[32], med[32], sd[32];

	rb_format_time(mean, sizeof(mean), s->st.mean, s->st.mean, unit, -1);
	rb_format_time(se, sizeof(se), s->st.stderr_mean, s->st.mean, unit, -1);
	rb_format_time(med, sizeof(med), s->st.median, s->st.mean, unit, -1);
	rb_format_time(sd, sizeof(sd), s->st.stddev, s->st.mean, unit, -1);
	fprintf(f, "    %-5s n=%-4zu mean %s ± %s (SE)  median %s  σ %s\n",
		name, s->st.n, mean, se, med, sd);
}

/* Verdict, power and between-boot figures, wrapped at 80 columns. */
static void print_human_decision(FILE *f, const struct rb_comparison *c,
				 const struct rb_source_cmp *s)
{
	char text[512], *line;

	rb_verdict_sentence(c, s, text, sizeof(text));
	if (asprintf(&line, "verdict: %s", text) >= 0) {
		rb_wrap(f, line, 80, 4, 6);
		free(line);
	}
	rb_cmp_power_text(c, s, text, sizeof(text));
	rb_wrap(f, text, 80, 4, 6);
	if (!isnan(s->between_sd)) {
		snprintf(text, sizeof(text), "between-boot sd of the base kernel: %.2f%% over %zu boots%s",
			 100 * expm1(s->between_sd), s->between_boots,
			 s->widened ? ", added to the interval" : "");
		rb_wrap(f, text, 80, 4, 6);
	}
}

static void print_human_source(FILE *f, const struct rb_comparison *c,
			       const struct rb_pair *p,
			       const struct rb_source_cmp *s)
{
	char pv[32];

	fprintf(f, "  %s: %s%s\n", s->desc->key, rb_cmp_source_what(s->desc),
		(int)(s - p->src) == p->primary ? " (primary)" : "");
	if (s->quantised)
		fprintf(f, "    quantised to %.3g ms: Mann-Whitney and the change of the mean hold,\n"
			"    the median and Hodges-Lehmann do not\n",
			s->resolution);
	print_human_side(f, "base", &s->base, s->desc->unit);
	print_human_side(f, "new", &s->newer, s->desc->unit);
	fprintf(f, "    %-22s %+.2f%%   speedup %.3fx\n", "change of the mean",
		100 * s->change_mean, s->speedup);
	if (s->has_fieller)
		print_ratio(f, "ratio (Fieller)", &s->fieller, "");
	if (s->has_welch_log)
		print_ratio(f, "ratio (Welch, logs)", &s->welch_log.ratio, "");
	if (s->has_yuen)
		print_ratio(f, "ratio (trimmed means)", &s->yuen, "");
	if (s->has_hl)
		print_ratio(f, "Hodges-Lehmann ratio", &s->hl,
			    s->hl_meaningful ? "" : "  (not meaningful: ties)");
	rb_cmp_fmt_p(pv, sizeof(pv), s->mwu.p);
	fprintf(f, "    %-22s p = %s (%s)\n", "Mann-Whitney U", pv,
		s->mwu.exact ? "exact" : "normal approximation");
	print_human_decision(f, c, s);
}

/*
 * "Base (7.2.0-rc1) vs New (7.2.0-rc1+)", "A/A: " first when it is one;
 * the releases are the documents', printed through @put.
 */
static void print_title(FILE *f, const struct rb_comparison *c,
			const char *pre, const char *post,
			void (*put)(FILE *, const char *))
{
	char tb[160], tn[160];

	rb_comparison_side_title(c, false, tb, sizeof(tb));
	rb_comparison_side_title(c, true, tn, sizeof(tn));
	fprintf(f, "%s%s", pre, c->same_kernel ? "A/A: " : "");
	put(f, tb);
	fputs(" vs ", f);
	put(f, tn);
	fprintf(f, "%s\n", post);
}

/* A fingerprint difference: "<pre>key: base X, new Y\n" through @put. */
static void print_fp_diff(FILE *f, const char *pre, const struct rb_fp_diff *d,
			  void (*put)(FILE *, const char *))
{
	fputs(pre, f);
	put(f, d->key);
	fputs(": base ", f);
	put(f, d->base ? d->base : "(none)");
	fputs(", new ", f);
	put(f, d->newer ? d->newer : "(none)");
	fputc('\n', f);
}

/* A first bind of 0 ms (below the line's resolution) has no ratio. */
static const char *cold_change(const struct rb_cold_cmp *cc, bool percent,
			       char *buf, size_t len)
{
	if (!isfinite(cc->ratio))
		snprintf(buf, len, "no ratio: 0 is below the kernel line's resolution");
	else if (percent)
		snprintf(buf, len, "%+.1f%%", 100 * (cc->ratio - 1));
	else
		snprintf(buf, len, "ratio %.3f", cc->ratio);
	return buf;
}

static void print_human_pair(FILE *f, const struct rb_comparison *c,
			     const struct rb_pair *p)
{
	char b[32], n[32], r[64];
	size_t k;

	fputc('\n', f);
	rb_put_text(f, p->label);
	fprintf(f, "\n  unit of replication: %s (boots: %zu base, %zu new%s)\n",
		p->by_boot ? "boot" : "iteration", p->base_boots,
		p->new_boots, p->aa_boots ? ", --aa" : "");
	if (!p->nr_src)
		fprintf(f, "  no steady-state timing source in common\n");
	for (k = 0; k < p->nr_src; k++)
		print_human_source(f, c, p, &p->src[k]);
	for (k = 0; k < p->nr_cold; k++) {
		const struct rb_cold_cmp *cc = &p->cold[k];

		cold_times(cc, b, n, sizeof(b));
		fprintf(f, "  first bind %-10s %s -> %s (%s, n=%zu/%zu, no test)\n",
			cc->desc->key, b, n, cold_change(cc, false, r, sizeof(r)),
			cc->nb, cc->nn);
	}
	rb_cmp_print_breakdown(f, p);
	if (p->primary >= 0)
		rb_cmp_print_histograms(f, &p->src[p->primary]);
}

static void print_human(FILE *f, const struct rb_comparison *c)
{
	size_t i;
	char *line;

	print_title(f, c, "", "", rb_put_text);
	fprintf(f, "ratios are new / base; alpha %.3g, confidence %.3g%%, noise threshold %.3g%%\n",
		c->opts.alpha, 100 * c->opts.confidence, 100 * c->opts.noise);
	for (i = 0; i < c->nr_pairs; i++)
		print_human_pair(f, c, &c->pairs[i]);
	for (i = 0; i < c->nr_mismatches; i++) {
		line = rb_cmp_mismatch_text(&c->mismatches[i]);
		if (i == 0)
			fputc('\n', f);
		if (line)
			rb_wrap(f, line, 80, 0, 4);
		free(line);
	}
	for (i = 0; i < c->nr_fp_diffs; i++)
		print_fp_diff(f, i ? "differs: " : "\ndiffers: ",
			      &c->fp_diffs[i], rb_put_text);
	for (i = 0; i < c->nr_caveats; i++) {
		if (asprintf(&line, "caveat: %s", c->caveats[i]) < 0)
			break;
		if (i == 0)
			fputc('\n', f);
		rb_wrap(f, line, 80, 0, 4);
		free(line);
	}
}

static void md_ci(FILE *f, const struct rb_ratio_ci *r, bool as_change)
{
	if (!r->bounded)
		fprintf(f, " unbounded |");
	else if (as_change)
		fprintf(f, " %+.1f%% [%+.1f%%, %+.1f%%] |", 100 * (r->est - 1),
			100 * (r->lo - 1), 100 * (r->hi - 1));
	else
		fprintf(f, " %.3f [%.3f, %.3f] |", r->est, r->lo, r->hi);
}

static void md_row(FILE *f, const struct rb_source_cmp *s)
{
	double bm = s->base.st.mean, nm = s->newer.st.mean;
	char b[32], n[32], bse[32], nse[32], pv[32];

	rb_format_time(b, sizeof(b), bm, bm, s->desc->unit, -1);
	rb_format_time(n, sizeof(n), nm, nm, s->desc->unit, -1);
	rb_format_time(bse, sizeof(bse), s->base.st.stderr_mean, bm,
		       s->desc->unit, -1);
	rb_format_time(nse, sizeof(nse), s->newer.st.stderr_mean, nm,
		       s->desc->unit, -1);
	fprintf(f, "| `%s`%s | %s ± %s | %s ± %s |", s->desc->key,
		s->quantised ? " (jiffies)" : "", b, bse, n, nse);
	if (s->has_fieller)
		md_ci(f, &s->fieller, true);
	else
		fprintf(f, " %+.1f%% |", 100 * s->change_mean);
	fprintf(f, " %.3f× |", s->speedup);
	if (s->has_decisive)
		md_ci(f, &s->decisive, true);
	else
		fprintf(f, " n/a |");
	rb_cmp_fmt_p(pv, sizeof(pv), s->mwu.p);
	if (isnan(s->mdc))
		fprintf(f, " %s | none |", pv);
	else
		fprintf(f, " %s | %.1f%% |", pv, 100 * s->mdc);
	fprintf(f, " %s |\n", rb_verdict_key(s->verdict));
}

static void print_markdown_pair(FILE *f, const struct rb_comparison *c,
				const struct rb_pair *p, bool first)
{
	char b[32], n[32], r[64], text[512];
	size_t k;

	fprintf(f, "%s### ", first ? "" : "\n");
	rb_put_markdown(f, p->label);
	fputs("\n\n", f);
	fprintf(f, "| source | base mean ± SE | new mean ± SE | change of mean [%.3g%% CI, Fieller] | speedup | deciding interval | p (Mann-Whitney) | min. detectable | verdict |\n",
		100 * c->opts.confidence);
	fprintf(f, "|:---|---:|---:|---:|---:|---:|---:|---:|:---|\n");
	for (k = 0; k < p->nr_src; k++)
		md_row(f, &p->src[k]);
	fputc('\n', f);
	for (k = 0; k < p->nr_src; k++) {
		rb_verdict_sentence(c, &p->src[k], text, sizeof(text));
		fprintf(f, "- `%s`: %s", p->src[k].desc->key, text);
		rb_cmp_power_text(c, &p->src[k], text, sizeof(text));
		fprintf(f, " %s\n", text);
	}
	for (k = 0; k < p->nr_cold; k++) {
		const struct rb_cold_cmp *cc = &p->cold[k];

		cold_times(cc, b, n, sizeof(b));
		fprintf(f, "- first bind, `%s`: %s → %s (%s, n=%zu/%zu, no test)\n",
			cc->desc->key, b, n, cold_change(cc, true, r, sizeof(r)),
			cc->nb, cc->nn);
	}
}

/* "- <text>": @text holds documents' strings, so it is escaped. */
static void md_item(FILE *f, const char *text)
{
	fputs("- ", f);
	rb_put_markdown(f, text);
	fputc('\n', f);
}

static void print_markdown(FILE *f, const struct rb_comparison *c)
{
	size_t i;
	char *line;

	print_title(f, c, "**", "**\n", rb_put_markdown);
	for (i = 0; i < c->nr_pairs; i++)
		print_markdown_pair(f, c, &c->pairs[i], i == 0);
	if (c->nr_mismatches || c->nr_fp_diffs || c->nr_caveats)
		fputc('\n', f);
	for (i = 0; i < c->nr_mismatches; i++) {
		line = rb_cmp_mismatch_text(&c->mismatches[i]);
		if (line)
			md_item(f, line);
		free(line);
	}
	for (i = 0; i < c->nr_fp_diffs; i++)
		print_fp_diff(f, "- differs: ", &c->fp_diffs[i],
			      rb_put_markdown);
	for (i = 0; i < c->nr_caveats; i++)
		md_item(f, c->caveats[i]);
}

int rb_comparison_print(const struct rb_comparison *c,
			enum rb_compare_format fmt, FILE *f)
{
	struct json_object *o;

	switch (fmt) {
	case RB_CMP_HUMAN:
		print_human(f, c);
		break;
	case RB_CMP_MARKDOWN:
		print_markdown(f, c);
		break;
	case RB_CMP_COMMIT:
		rb_cmp_print_commit(f, c);
		break;
	case RB_CMP_JSON:
		o = rb_comparison_to_json(c);
		if (!o)
			return -ENOMEM;
		fprintf(f, "%s\n", json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED |
				JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		break;
	}
	return ferror(f) ? -EIO : 0;
}
