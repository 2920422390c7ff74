// SPDX-License-Identifier: GPL-2.0
/*
 * Text forms of a comparison: a human report, a Markdown table, and a
 * changelog paragraph of at most 75 columns in the words the upstream
 * series used ("First binding", "Average of subsequent rebinds",
 * "This reduces the average rebind time by about X%").
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare.h"

#define COMMIT_COLS 75

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

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name)) {
			*fmt = names[i].fmt;
			return 0;
		}
	return -EINVAL;
}

/* What each source times, for readers who do not know the keys. */
static const char *source_what(const struct rb_source_desc *d)
{
	switch (d->bit) {
	case RB_SRC_MEMMAP_NS:
		return "memmap_init_zone_device() time, kprobe pair";
	case RB_SRC_MEMMAP_MS:
		return "memmap_init_zone_device() time, kernel line (jiffies)";
	case RB_SRC_BIND_NS:
		return "wall-clock time of the driver bind";
	case RB_SRC_UNBIND_NS:
		return "wall-clock time of the driver unbind";
	}
	return d->key;
}

static void fmt_p(char *buf, size_t len, double p)
{
	if (p < 1e-4)
		snprintf(buf, len, "%.1e", p);
	else
		snprintf(buf, len, "%.4f", p);
}

static const struct rb_source_cmp *primary(const struct rb_pair *p)
{
	return p->primary >= 0 ? &p->src[p->primary] : NULL;
}

/* The interval that the verdict used, as a change of the mean. */
static const struct rb_ratio_ci *change_ci(const struct rb_source_cmp *s,
					   const char **name)
{
	if (s->has_fieller && s->fieller.bounded) {
		*name = "Fieller";
		return &s->fieller;
	}
	if (s->has_welch_log) {
		*name = "Welch on logs";
		return &s->welch_log.ratio;
	}
	return NULL;
}

static const struct rb_cold_cmp *cold_of(const struct rb_pair *p,
					 const struct rb_source_cmp *s)
{
	size_t i;

	for (i = 0; i < p->nr_cold; i++)
		if (p->cold[i].desc == s->desc)
			return &p->cold[i];
	return NULL;
}

/* One row of the cover letter's table: @vb and @vn in @unit. */
static void commit_row(FILE *f, const char *name, double vb, double vn,
		       const char *unit)
{
	char b[32], n[32];

	rb_format_time(b, sizeof(b), vb, vb, unit, -1);
	rb_format_time(n, sizeof(n), vn, vn, unit, -1);
	fprintf(f, "%-34s%14s%14s\n", name, b, n);
}

/* The cover letter's table: first binding, average, SE, sigma, n. */
static void print_commit_table(FILE *f, const struct rb_pair *p,
			       const struct rb_source_cmp *s)
{
	const struct rb_cold_cmp *cold = cold_of(p, s);
	const char *unit = s->desc->unit;

	fprintf(f, "\n%-34s%14s%14s\n", "", "base", "new");
	if (cold)
		commit_row(f, "First binding:", cold->base, cold->newer, unit);
	commit_row(f, "Average of subsequent rebinds:", s->base.st.mean,
		   s->newer.st.mean, unit);
	commit_row(f, "  standard error of the mean:", s->base.st.stderr_mean,
		   s->newer.st.stderr_mean, unit);
	commit_row(f, "  standard deviation:", s->base.st.stddev,
		   s->newer.st.stddev, unit);
	fprintf(f, "%-34s%14zu%14zu\n", p->by_boot ? "  boots:" : "  rebinds:",
		s->base.st.n, s->newer.st.n);
	fputc('\n', f);
}

static void print_commit_pair(FILE *f, const struct rb_comparison *c,
			      const struct rb_pair *p)
{
	const struct rb_source_cmp *s = primary(p), *o;
	const struct rb_ratio_ci *ci;
	const char *ci_name = "";
	char b[32], n[32], pv[32], *para = NULL;
	size_t len, i;
	FILE *m;

	rb_wrap(f, p->label, COMMIT_COLS, 0, 0);
	fprintf(f, "%s\n", source_what(s->desc));
	print_commit_table(f, p, s);

	m = open_memstream(&para, &len);
	if (!m)
		return;
	ci = change_ci(s, &ci_name);
	fmt_p(pv, sizeof(pv), s->mwu.p);
	switch (s->verdict) {
	case RB_VERDICT_IMPROVED:
		fprintf(m, "This reduces the average rebind time by about %.1f%%",
			-100 * s->change_mean);
		if (ci)
			fprintf(m, " (95%% CI %.1f%% to %.1f%%, %s; ",
				100 * (1 - ci->hi), 100 * (1 - ci->lo),
				ci_name);
		break;
	case RB_VERDICT_REGRESSED:
		fprintf(m, "This increases the average rebind time by about %.1f%%",
			100 * s->change_mean);
		if (ci)
			fprintf(m, " (95%% CI %.1f%% to %.1f%%, %s; ",
				100 * (ci->lo - 1), 100 * (ci->hi - 1),
				ci_name);
		break;
	default:
		fprintf(m, "%s The average rebind time changes by %+.1f%%",
			s->verdict == RB_VERDICT_NO_CHANGE ?
				"No significant change." :
				"The change is within the noise threshold.",
			100 * s->change_mean);
		if (ci)
			fprintf(m, " (95%% CI %+.1f%% to %+.1f%%, %s; ",
				100 * (ci->lo - 1), 100 * (ci->hi - 1),
				ci_name);
		break;
	}
	fprintf(m, "%sMann-Whitney U p = %s, n = %zu/%zu%s, %s).",
		ci ? "" : " (", pv, s->base.st.n, s->newer.st.n,
		p->by_boot ? " boots" : "",
		p->by_boot ? "boot means" :
		c->base->nr == 1 && c->newer->nr == 1 ?
			"1 boot per kernel" : "iterations pooled over boots");
	if (p->too_few_boots)
		fprintf(m, " With %zu/%zu boots no rank test can reach p < %g: measure more boots per kernel.",
			s->base.st.n, s->newer.st.n, c->opts.alpha);
	fclose(m);
	rb_wrap(f, para, COMMIT_COLS, 0, 0);
	free(para);

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

static void print_commit(FILE *f, const struct rb_comparison *c)
{
	size_t i, k;
	bool first = true;

	for (i = 0; i < c->nr_pairs; i++) {
		if (!primary(&c->pairs[i]))
			continue;
		if (!first)
			fputc('\n', f);
		first = false;
		print_commit_pair(f, c, &c->pairs[i]);
	}
	if (c->nr_fp_diffs) {
		char *para = NULL;
		size_t len;
		FILE *m = open_memstream(&para, &len);

		if (!m)
			return;
		fprintf(m, "Note: besides the kernel, the runs differ in");
		for (k = 0; k < c->nr_fp_diffs; k++)
			fprintf(m, "%s %s", k ? "," : "", c->fp_diffs[k].key);
		fprintf(m, ".");
		fclose(m);
		fputc('\n', f);
		rb_wrap(f, para, COMMIT_COLS, 0, 0);
		free(para);
	}
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
		fprintf(f, "    %-22s %.4f [95%% CI %.4f, %.4f]%s\n", name,
			r->est, r->lo, r->hi, extra);
	else
		fprintf(f, "    %-22s %.4f [95%% CI unbounded]%s\n", name,
			r->est, extra);
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

static void print_human_source(FILE *f, const struct rb_pair *p,
			       const struct rb_source_cmp *s)
{
	char pv[32];

	fprintf(f, "  %s: %s%s\n", s->desc->key, source_what(s->desc),
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
	if (s->has_hl)
		print_ratio(f, "Hodges-Lehmann ratio", &s->hl,
			    s->hl_meaningful ? "" : "  (not meaningful: ties)");
	fmt_p(pv, sizeof(pv), s->mwu.p);
	fprintf(f, "    %-22s p = %s (%s)\n", "Mann-Whitney U", pv,
		s->mwu.exact ? "exact" : "normal approximation");
	fprintf(f, "    verdict: %s\n", rb_verdict_text(s->verdict));
}

static void print_human(FILE *f, const struct rb_comparison *c)
{
	size_t i, k;
	char b[32], n[32];

	fprintf(f, "ratios are new / base; alpha %.3g, noise threshold %.3g%%\n",
		c->opts.alpha, 100 * c->opts.noise);
	for (i = 0; i < c->nr_pairs; i++) {
		const struct rb_pair *p = &c->pairs[i];

		fprintf(f, "\n%s\n", p->label);
		fprintf(f, "  unit of replication: %s (boots: %zu base, %zu new)\n",
			p->by_boot ? "boot" : "iteration", p->base_boots,
			p->new_boots);
		if (!p->nr_src)
			fprintf(f, "  no steady-state timing source in common\n");
		for (k = 0; k < p->nr_src; k++)
			print_human_source(f, p, &p->src[k]);
		for (k = 0; k < p->nr_cold; k++) {
			const struct rb_cold_cmp *cc = &p->cold[k];

			cold_times(cc, b, n, sizeof(b));
			fprintf(f, "  first bind %-10s %s -> %s (ratio %.3f, n=%zu/%zu, no test)\n",
				cc->desc->key, b, n, cc->ratio, cc->nb, cc->nn);
		}
	}
	for (i = 0; i < c->nr_mismatches; i++) {
		const struct rb_mismatch *m = &c->mismatches[i];

		fprintf(f, "%smismatch: %s%s%s: base %s, new %s: %s\n",
			i ? "" : "\n", m->config ? m->config : "",
			m->config ? ": " : "", m->field,
			m->base ? m->base : "(none)",
			m->newer ? m->newer : "(none)", m->action);
	}
	for (i = 0; i < c->nr_fp_diffs; i++)
		fprintf(f, "%sdiffers: %s: base %s, new %s\n", i ? "" : "\n",
			c->fp_diffs[i].key,
			c->fp_diffs[i].base ? c->fp_diffs[i].base : "(none)",
			c->fp_diffs[i].newer ? c->fp_diffs[i].newer : "(none)");
	for (i = 0; i < c->nr_caveats; i++)
		fprintf(f, "%scaveat: %s\n", i ? "" : "\n", c->caveats[i]);
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

static void print_markdown(FILE *f, const struct rb_comparison *c)
{
	size_t i, k;
	char b[32], n[32], pv[32];

	for (i = 0; i < c->nr_pairs; i++) {
		const struct rb_pair *p = &c->pairs[i];

		fprintf(f, "%s### %s\n\n", i ? "\n" : "", p->label);
		fprintf(f, "| source | base mean ± SE | new mean ± SE | change of mean [95%% CI, Fieller] | speedup | Hodges-Lehmann ratio [95%% CI] | p (Mann-Whitney) | verdict |\n");
		fprintf(f, "|:---|---:|---:|---:|---:|---:|---:|:---|\n");
		for (k = 0; k < p->nr_src; k++) {
			const struct rb_source_cmp *s = &p->src[k];
			char bse[32], nse[32];

			double bm = s->base.st.mean, nm = s->newer.st.mean;

			rb_format_time(b, sizeof(b), bm, bm, s->desc->unit, -1);
			rb_format_time(n, sizeof(n), nm, nm, s->desc->unit, -1);
			rb_format_time(bse, sizeof(bse), s->base.st.stderr_mean,
				       bm, s->desc->unit, -1);
			rb_format_time(nse, sizeof(nse),
				       s->newer.st.stderr_mean, nm,
				       s->desc->unit, -1);
			fprintf(f, "| `%s`%s | %s ± %s | %s ± %s |",
				s->desc->key, s->quantised ? " (jiffies)" : "",
				b, bse, n, nse);
			if (s->has_fieller)
				md_ci(f, &s->fieller, true);
			else
				fprintf(f, " %+.1f%% |", 100 * s->change_mean);
			fprintf(f, " %.3f× |", s->speedup);
			if (s->has_hl && s->hl_meaningful)
				md_ci(f, &s->hl, false);
			else
				fprintf(f, " n/a |");
			fmt_p(pv, sizeof(pv), s->mwu.p);
			fprintf(f, " %s | %s |\n", pv,
				rb_verdict_key(s->verdict));
		}
		for (k = 0; k < p->nr_cold; k++) {
			const struct rb_cold_cmp *cc = &p->cold[k];

			cold_times(cc, b, n, sizeof(b));
			fprintf(f, "%s- first bind, `%s`: %s → %s (%+.1f%%, n=%zu/%zu, no test)\n",
				k ? "" : "\n", cc->desc->key, b, n,
				100 * (cc->ratio - 1), cc->nb, cc->nn);
		}
	}
	if (c->nr_mismatches || c->nr_fp_diffs || c->nr_caveats)
		fputc('\n', f);
	for (i = 0; i < c->nr_mismatches; i++) {
		const struct rb_mismatch *m = &c->mismatches[i];

		fprintf(f, "- mismatch: %s%s`%s` base %s, new %s: %s\n",
			m->config ? m->config : "", m->config ? ": " : "",
			m->field, m->base ? m->base : "(none)",
			m->newer ? m->newer : "(none)", m->action);
	}
	for (i = 0; i < c->nr_fp_diffs; i++)
		fprintf(f, "- differs: `%s`\n", c->fp_diffs[i].key);
	for (i = 0; i < c->nr_caveats; i++)
		fprintf(f, "- %s\n", c->caveats[i]);
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
		print_commit(f, c);
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
