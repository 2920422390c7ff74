// SPDX-License-Identifier: GPL-2.0
/*
 * Pairing and statistics of `compare`. The rules:
 *
 * - Configurations pair only when mode, map, align, size and nr_pages are
 *   all equal; anything else is reported as a mismatch, never compared.
 * - A source is compared only when both sides have it; memmap_ms is not
 *   compared across different HZ (different jiffy quantum).
 * - The unit of replication is the boot when both sides have at least two
 *   documents (boots) of a configuration: each boot contributes its mean
 *   (Fieller, Welch on logs) and its median (Mann-Whitney, Hodges-Lehmann).
 *   Otherwise iterations are the unit and a caveat says that between-boot
 *   variance is not captured.
 * - Verdict (criterion's, with a rank test): MWU p >= alpha is no_change;
 *   otherwise the 95% CI of the ratio decides: entirely below 1 - noise is
 *   improved, entirely above 1 + noise regressed, else within_noise. The
 *   CI is Hodges-Lehmann's, or Fieller's for jiffy-quantised data, where
 *   ties make Hodges-Lehmann collapse.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"
#include "util/util.h"

const char *rb_verdict_key(enum rb_verdict v)
{
	switch (v) {
	case RB_VERDICT_IMPROVED:
		return "improved";
	case RB_VERDICT_REGRESSED:
		return "regressed";
	case RB_VERDICT_WITHIN_NOISE:
		return "within_noise";
	case RB_VERDICT_NO_CHANGE:
		break;
	}
	return "no_change";
}

const char *rb_verdict_text(enum rb_verdict v)
{
	switch (v) {
	case RB_VERDICT_IMPROVED:
		return "Performance has improved.";
	case RB_VERDICT_REGRESSED:
		return "Performance has regressed.";
	case RB_VERDICT_WITHIN_NOISE:
		return "Change within noise threshold.";
	case RB_VERDICT_NO_CHANGE:
		break;
	}
	return "No change in performance detected.";
}


/* Pair equal keys and compare them; report the rest as mismatches. */
static int pair_equal(struct rb_comparison *c, struct rb_cmp_groups *gb,
		      struct rb_cmp_groups *gn, struct rb_cmp_groups *ga,
		      bool hz_differs, double res_ms)
{
	struct rb_cmp_group *n;
	size_t i;
	int rc = 0;

	/*
	 * Each base group with every unpaired new group of its key, in
	 * order: an import's key (page count only) equals a live run's
	 * fsdax and devdax configurations of that size alike.
	 */
	for (i = 0; i < gb->nr && !rc; i++)
		while (!rc && (n = rb_cmp_groups_find(gn, &gb->v[i].key, true,
						      false))) {
			gb->v[i].paired = n->paired = true;
			rc = rb_cmp_compare_pair(c, &gb->v[i], n,
					rb_cmp_groups_find(ga, &gb->v[i].key,
							   false, false),
					hz_differs, res_ms);
		}
	return rc;
}

/*
 * The unpaired group of @gn nearest to @b (the first of the least
 * distance), or NULL. After pair_equal() no unpaired group is at
 * distance 0, so the first at distance 1 ends the search.
 */
static struct rb_cmp_group *nearest(const struct rb_cmp_group *b,
				    struct rb_cmp_groups *gn)
{
	struct rb_cmp_group *best = NULL;
	size_t j, d, best_d = SIZE_MAX;

	for (j = 0; j < gn->nr && best_d > 1; j++) {
		if (gn->v[j].paired)
			continue;
		d = rb_cmp_key_distance(&b->key, &gn->v[j].key);
		if (d < best_d) {
			best = &gn->v[j];
			best_d = d;
		}
	}
	return best;
}

static int pair_all(struct rb_comparison *c, struct rb_cmp_groups *gb,
		    struct rb_cmp_groups *gn, struct rb_cmp_groups *ga,
		    bool hz_differs, double res_ms)
{
	char label[160];
	size_t i, j;
	int rc = pair_equal(c, gb, gn, ga, hz_differs, res_ms);

	/* Unpaired: report each against its nearest counterpart. */
	for (i = 0; i < gb->nr && !rc; i++) {
		struct rb_cmp_group *best;

		if (gb->v[i].paired)
			continue;
		best = nearest(&gb->v[i], gn);
		if (best) {
			best->paired = true;
			rc = rb_cmp_report_unpaired(c, &gb->v[i], best);
			continue;
		}
		rb_cmp_key_label(label, sizeof(label), &gb->v[i].key,
				 gb->v[i].driver);
		rc = rb_cmp_add_mismatch(c, label, "configuration",
					 strdup(label), NULL, "only in base");
	}
	for (j = 0; j < gn->nr && !rc; j++) {
		if (gn->v[j].paired)
			continue;
		rb_cmp_key_label(label, sizeof(label), &gn->v[j].key,
				 gn->v[j].driver);
		rc = rb_cmp_add_mismatch(c, NULL, "configuration", NULL,
					 strdup(label), "only in new");
	}
	return rc;
}

int rb_compare(const struct rb_side *base, const struct rb_side *newer,
	       const struct rb_compare_opts *opts, struct rb_comparison *c)
{
	struct rb_cmp_groups gb = { 0 }, gn = { 0 }, ga = { 0 };
	bool hz_differs;
	double res_ms;
	int rc;

	memset(c, 0, sizeof(*c));
	c->opts = *opts;
	if (!(c->opts.confidence > 0))
		c->opts.confidence = 1 - c->opts.alpha;
	c->base = base;
	c->newer = newer;
	if (!base->nr || !newer->nr)
		return -EINVAL;
	rc = rb_cmp_groups_build(base, &gb);
	rc = rc ?: rb_cmp_groups_build(newer, &gn);
	if (!rc && opts->aa) {
		rc = rb_cmp_groups_build(opts->aa, &ga);
		c->aa_boots = opts->aa->nr;
	}
	rc = rc ?: rb_cmp_compare_env(c, &hz_differs, &res_ms);

	rc = rc ?: pair_all(c, &gb, &gn, &ga, hz_differs, res_ms);
	rc = rc ?: rb_cmp_pair_caveats(c);
	rb_cmp_groups_free(&gb);
	rb_cmp_groups_free(&gn);
	rb_cmp_groups_free(&ga);
	return rc;
}

void rb_comparison_free(struct rb_comparison *c)
{
	size_t i;

	for (i = 0; i < c->nr_mismatches; i++) {
		free(c->mismatches[i].config);
		free(c->mismatches[i].field);
		free(c->mismatches[i].base);
		free(c->mismatches[i].newer);
		free(c->mismatches[i].action);
	}
	for (i = 0; i < c->nr_fp_diffs; i++) {
		free(c->fp_diffs[i].key);
		free(c->fp_diffs[i].base);
		free(c->fp_diffs[i].newer);
	}
	for (i = 0; i < c->nr_caveats; i++)
		free(c->caveats[i]);
	free(c->mismatches);
	free(c->fp_diffs);
	free(c->caveats);
	for (i = 0; i < c->nr_pairs; i++) {
		size_t k;

		for (k = 0; k < c->pairs[i].nr_src; k++) {
			free(c->pairs[i].src[k].base_raw);
			free(c->pairs[i].src[k].new_raw);
		}
	}
	free(c->pairs);
	memset(c, 0, sizeof(*c));
}

size_t rb_comparison_compared(const struct rb_comparison *c)
{
	size_t i, nr = 0;

	for (i = 0; i < c->nr_pairs; i++)
		nr += c->pairs[i].primary >= 0;
	return nr;
}

char *rb_comparison_mismatch_line(const struct rb_comparison *c)
{
	char *line = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&line, &len);

	if (!f)
		return NULL;
	for (i = 0; i < c->nr_mismatches; i++) {
		const struct rb_mismatch *m = &c->mismatches[i];

		const char *prev = i ? c->mismatches[i - 1].config : NULL;

		/* fields of one configuration share its label */
		if (i && m->config && prev && !strcmp(prev, m->config))
			fprintf(f, ", ");
		else
			fprintf(f, "%s%s%s", i ? "; " : "",
				m->config ? m->config : "",
				m->config ? ": " : "");
		fprintf(f, "%s %s vs %s", m->field, m->base ? m->base : "(none)",
			m->newer ? m->newer : "(none)");
	}
	if (fclose(f))
		return NULL;
	return line;
}


void rb_comparison_side_title(const struct rb_comparison *c, bool newer,
			      char *buf, size_t len)
{
	const char *rel = newer ? c->new_release : c->base_release;

	if (rel)
		snprintf(buf, len, "%s (%s)", newer ? "New" : "Base", rel);
	else
		snprintf(buf, len, "%s", newer ? "New" : "Base");
}

const char *rb_ci_name(const char *key)
{
	static const struct {
		const char *key, *name;
	} names[] = {
		{ "hodges_lehmann", "Hodges-Lehmann" },
		{ "yuen", "trimmed means" },
		{ "fieller", "Fieller" },
		{ "welch_log", "Welch on logs" },
	};
	size_t i;

	for (i = 0; key && i < ARRAY_SIZE(names); i++)
		if (!strcmp(key, names[i].key))
			return names[i].name;
	return "none";
}

/* "-3.2% [95% CI -4.1%, -2.3%, Hodges-Lehmann]" */
static void ci_text(char *buf, size_t len, const struct rb_source_cmp *s)
{
	const struct rb_ratio_ci *r = &s->decisive;

	snprintf(buf, len, "%+.1f%% [%.3g%% CI %+.1f%%, %+.1f%%, %s%s]",
		 100 * (r->est - 1), 100 * r->conf, 100 * (r->lo - 1),
		 100 * (r->hi - 1), rb_ci_name(s->verdict_ci),
		 s->widened ? ", with between-boot variance" : "");
}

void rb_verdict_sentence(const struct rb_comparison *c,
			 const struct rb_source_cmp *s, char *buf, size_t len)
{
	double t = 100 * c->opts.noise;
	char ci[160] = "no interval";

	if (s->has_decisive)
		ci_text(ci, sizeof(ci), s);
	if (s->capped) {
		snprintf(buf, len, "No change can be shown: with %zu/%zu units Mann-Whitney cannot reach p < %g (%s).",
			 s->base.st.n, s->newer.st.n, c->opts.alpha, ci);
		return;
	}
	switch (s->verdict) {
	case RB_VERDICT_IMPROVED:
	case RB_VERDICT_REGRESSED:
		snprintf(buf, len, "%s: %s lies entirely %s %s%.1f%%.",
			 c->same_kernel ? "A/A difference (same kernel)" :
			 s->verdict == RB_VERDICT_IMPROVED ?
				 "Performance has improved" :
				 "Performance has regressed",
			 ci, s->verdict == RB_VERDICT_IMPROVED ? "below" :
								"above",
			 t == 0 ? "" : s->verdict == RB_VERDICT_IMPROVED ?
				 "-" : "+", t);
		return;
	case RB_VERDICT_WITHIN_NOISE:
		snprintf(buf, len, "Change within noise threshold: %s does not lie entirely beyond +-%.1f%%.",
			 ci, t);
		return;
	case RB_VERDICT_NO_CHANGE:
		break;
	}
	if (s->mwu.p >= c->opts.alpha)
		snprintf(buf, len, "No change detected: Mann-Whitney p = %.3g, not below alpha %g; %s.",
			 s->mwu.p, c->opts.alpha, ci);
	else
		snprintf(buf, len, "No change detected: %s holds 0.", ci);
}
