// SPDX-License-Identifier: GPL-2.0
/*
 * One paired configuration, source by source: the units of replication,
 * the two-sample statistics, the verdict, and the first binds.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"

/*
 * Trimmed per end for the jiffy source: covers the few slow binds (3.5%
 * in the series' data) and keeps the most power (simulated: 10% beats
 * 0, 20 and 25%).
 */
#define YUEN_TRIM 0.1

static const enum rb_source source_order[RB_NR_SOURCES] = {
	RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS, RB_SRC_UNBIND_NS,
};

/* Values of @src in a group: all raw samples, and one mean/median per boot. */
struct units {
	double *raw, *means, *medians;
	double *lmeans, *lvars; /* per boot, of the logs (0 if not > 0) */
	size_t *counts;
	size_t nr_raw, nr_boots;
};

static void units_free(struct units *u)
{
	free(u->raw);
	free(u->means);
	free(u->medians);
	free(u->lmeans);
	free(u->lvars);
	free(u->counts);
}

/* Mean and sample variance of log(@x) (Welford, one log per value);
 * 0, 0 when a value is not > 0. */
static void log_moments(const double *x, size_t n, double *m, double *v)
{
	double mean = 0, ss = 0, l, d;
	size_t i;

	*m = *v = 0;
	for (i = 0; i < n; i++) {
		if (!(x[i] > 0))
			return;
		l = log(x[i]);
		d = l - mean;
		mean += d / (double)(i + 1);
		ss += d * (l - mean);
	}
	*m = mean;
	*v = n > 1 ? ss / (double)(n - 1) : 0;
}

static int units_alloc(struct units *u, size_t total, size_t boots)
{
	memset(u, 0, sizeof(*u));
	u->raw = calloc(total + 1, sizeof(*u->raw));
	u->means = calloc(boots + 1, sizeof(*u->means));
	u->medians = calloc(boots + 1, sizeof(*u->medians));
	u->lmeans = calloc(boots + 1, sizeof(*u->lmeans));
	u->lvars = calloc(boots + 1, sizeof(*u->lvars));
	u->counts = calloc(boots + 1, sizeof(*u->counts));
	if (!u->raw || !u->means || !u->medians || !u->lmeans || !u->lvars ||
	    !u->counts)
		return -ENOMEM;
	return 0;
}

static int units_collect(const struct rb_cmp_group *g, enum rb_source src,
			 struct units *u)
{
	size_t i, total = 0;

	for (i = 0; g && i < g->nr; i++)
		total += g->cfgs[i]->nr_samples;
	if (units_alloc(u, total, g ? g->nr : 0))
		return -ENOMEM;
	for (i = 0; g && i < g->nr; i++) {
		double *x = u->raw + u->nr_raw;
		size_t n = rb_config_values(g->cfgs[i], src, x), b;
		struct rb_stats st;

		if (!n)
			continue;
		u->nr_raw += n;
		if (rb_stats_compute(x, n, 0, &st))
			return -ENOMEM;
		b = u->nr_boots++;
		u->means[b] = st.mean;
		u->medians[b] = st.median;
		u->counts[b] = n;
		log_moments(x, n, &u->lmeans[b], &u->lvars[b]);
	}
	return 0;
}

static double sum_sq_dev(const double *x, size_t n)
{
	double m = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		m += x[i] / (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - m) * (x[i] - m);
	return ss;
}

/*
 * Variance of one boot's mean for one kernel, on the log scale: the
 * spread of the boot means of @a and @b (both the between-boot and the
 * within-boot part). Needs 2 or more boots; NAN otherwise.
 */
static double between_var(const struct units *a, const struct units *b,
			  size_t *boots)
{
	double lm[2 * RB_MAX_AA_BOOTS];
	size_t i, n = 0;

	for (i = 0; i < a->nr_boots && n < 2 * RB_MAX_AA_BOOTS; i++)
		lm[n++] = a->lmeans[i];
	for (i = 0; b && i < b->nr_boots && n < 2 * RB_MAX_AA_BOOTS; i++)
		lm[n++] = b->lmeans[i];
	*boots = n;
	for (i = 0; i < n; i++)
		if (!lm[i])
			return NAN;
	return n < 2 ? NAN : sum_sq_dev(lm, n) / (double)(n - 1);
}

/* The interval that decides: robust for each kind of source. */
static void pick_decisive(struct rb_source_cmp *s)
{
	const struct rb_ratio_ci *ci = NULL;

	if (s->has_hl && s->hl_meaningful) {
		ci = &s->hl;
		s->verdict_ci = "hodges_lehmann";
	} else if (s->has_yuen) {
		ci = &s->yuen;
		s->verdict_ci = "yuen";
	} else if (s->has_fieller && s->fieller.bounded) {
		ci = &s->fieller;
		s->verdict_ci = "fieller";
	} else if (s->has_welch_log) {
		ci = &s->welch_log.ratio;
		s->verdict_ci = "welch_log";
	}
	s->has_decisive = ci != NULL;
	if (ci)
		s->decisive = *ci;
}

/*
 * One boot per kernel: each side's mean carries a between-boot error the
 * iterations do not show. With @bvar, the variance of one boot's mean
 * from boots - 1 degrees of freedom, the difference of two single boots
 * has variance 2 * bvar: the interval becomes Student's with that df
 * (never narrower than the iterations' own), calibrated whatever the
 * between-boot spread is.
 */
static void widen(struct rb_source_cmp *s, double bvar, double conf)
{
	struct rb_ratio_ci *ci = &s->decisive;
	double se = rb_ci_log_se(ci), q, l;

	if (!s->has_decisive || isnan(se) || isnan(bvar) ||
	    s->between_boots < 2)
		return;
	se = fmax(se, sqrt(2 * bvar));
	ci->df = (double)(s->between_boots - 1);
	q = rb_t_quantile(1 - (1 - conf) / 2, ci->df);
	l = log(ci->est);
	ci->lo = exp(l - q * se);
	ci->hi = exp(l + q * se);
	ci->conf = conf;
	s->widened = true;
}

/* Verdict: capped, MWU, then the decisive interval against the threshold. */
static void decide(struct rb_source_cmp *s, const struct rb_compare_opts *o)
{
	const struct rb_ratio_ci *ci = &s->decisive;

	s->verdict = RB_VERDICT_NO_CHANGE;
	/* widened: iterations are not the unit, so their test says nothing */
	if (s->capped || (!s->widened && s->mwu.p >= o->alpha) ||
	    !s->has_decisive)
		return;
	/* an interval that holds 1 has not shown a change either */
	if (!ci->bounded || (ci->lo <= 1 && ci->hi >= 1))
		return;
	s->verdict = RB_VERDICT_WITHIN_NOISE;
	if (ci->hi < 1 - o->noise)
		s->verdict = RB_VERDICT_IMPROVED;
	else if (ci->lo > 1 + o->noise)
		s->verdict = RB_VERDICT_REGRESSED;
}

unsigned int rb_min_boots(double alpha)
{
	unsigned int k = 2;

	while (k < 64 && rb_mwu_min_p(k, k) >= alpha)
		k++;
	return k;
}

/*
 * Boots per kernel that detect RB_DETECT_CHANGE with RB_POWER, from the
 * variance of one boot's mean, @v (log scale): 2 (za + zb)^2 v / d^2,
 * and never fewer than the boot rule.
 */
static unsigned int boots_for(double v, const struct rb_compare_opts *o)
{
	double z = rb_norm_quantile(1 - o->alpha / 2) +
		   rb_norm_quantile(RB_POWER);
	double d = log1p(RB_DETECT_CHANGE), k = ceil(2 * z * z * v / (d * d));
	unsigned int min = rb_min_boots(o->alpha);

	if (isnan(v))
		return 0;
	return k > min ? (k > 1e6 ? 1000000 : (unsigned int)k) : min;
}

/* What the data can detect, and how many boots would detect 3%. */
static void power_figures(struct rb_source_cmp *s, bool by_boot,
			  const struct units *ub, const struct units *un,
			  double bvar, const struct rb_compare_opts *o)
{
	double se = s->has_decisive ? rb_ci_log_se(&s->decisive) : NAN;
	double df = s->decisive.df > 0 ? s->decisive.df :
		    (double)(s->base.st.n + s->newer.st.n - 2);
	size_t n;

	s->mdc = s->capped || isnan(se) ? NAN :
		 rb_min_detectable(se, df, o->alpha, RB_POWER, o->noise);
	if (by_boot) {
		/* boot means already hold both variances: pool them */
		double v = sum_sq_dev(ub->lmeans, ub->nr_boots) +
			   sum_sq_dev(un->lmeans, un->nr_boots);

		n = ub->nr_boots + un->nr_boots;
		s->boots_needed = n > 2 ? boots_for(v / (double)(n - 2), o) : 0;
		return;
	}
	if (!isnan(bvar))
		s->boots_needed = boots_for(bvar, o);
}

static int compare_source(struct rb_source_cmp *s, bool by_boot,
			  const struct units *ub, const struct units *unw,
			  double bvar, const struct rb_compare_opts *o)
{
	const double *bm = by_boot ? ub->means : ub->raw;
	const double *nwm = by_boot ? unw->means : unw->raw;
	const double *br = by_boot ? ub->medians : ub->raw;
	const double *nwr = by_boot ? unw->medians : unw->raw;
	size_t nb = by_boot ? ub->nr_boots : ub->nr_raw;
	size_t nn = by_boot ? unw->nr_boots : unw->nr_raw;
	double conf = o->confidence;
	int rc;

	rc = rb_stats_compute(bm, nb, s->resolution, &s->base.st);
	rc = rc ?: rb_stats_compute(nwm, nn, s->resolution, &s->newer.st);
	if (rc)
		return rc;
	s->base.nr_iterations = ub->nr_raw;
	s->newer.nr_iterations = unw->nr_raw;
	s->base.nr_boots = ub->nr_boots;
	s->newer.nr_boots = unw->nr_boots;
	s->change_mean = s->newer.st.mean / s->base.st.mean - 1;
	s->speedup = s->base.st.mean / s->newer.st.mean;

	rc = rb_mwu_test(br, nb, nwr, nn, &s->mwu);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	s->capped = rb_mwu_min_p(nb, nn) >= o->alpha;
	s->has_fieller = !rb_fieller_ratio(bm, nb, nwm, nn, conf,
					   &s->fieller);
	s->has_welch_log = !rb_welch_log_test(bm, nb, nwm, nn, conf,
					      &s->welch_log);
	rc = rb_hodges_lehmann_ratio(br, nb, nwr, nn, conf, &s->hl);
	if (rc == -ENOMEM)
		return rc;
	s->has_hl = !rc;
	/* With ties on a jiffy grid the log-differences pile up on a few
	 * values and the interval shrinks to a point: do not trust it. */
	s->hl_meaningful = s->has_hl && !s->quantised &&
			   s->mwu.tied_values * 4 < nb + nn;
	s->has_yuen = s->quantised &&
		      !rb_yuen_log_ratio(bm, nb, nwm, nn, YUEN_TRIM, conf,
					  &s->yuen);
	pick_decisive(s);
	s->between_sd = isnan(bvar) ? NAN : sqrt(bvar);
	if (s->between_boots < 2)
		s->between_sd = NAN;
	if (!by_boot)
		widen(s, bvar, conf);
	decide(s, o);
	power_figures(s, by_boot, ub, unw, bvar, o);
	return 0;
}

static void compare_cold(struct rb_pair *p, const struct rb_cmp_group *b,
			 const struct rb_cmp_group *n)
{
	size_t i, k;

	for (i = 0; i < RB_NR_SOURCES; i++) {
		enum rb_source src = source_order[i];
		struct rb_cold_cmp cc = { .desc = rb_source_desc(src) };

		for (k = 0; k < b->nr; k++)
			if (b->cfgs[k]->has_cold &&
			    (b->cfgs[k]->cold.have & src)) {
				cc.base += (double)rb_sample_value(
					&b->cfgs[k]->cold, src);
				cc.nb++;
			}
		for (k = 0; k < n->nr; k++)
			if (n->cfgs[k]->has_cold &&
			    (n->cfgs[k]->cold.have & src)) {
				cc.newer += (double)rb_sample_value(
					&n->cfgs[k]->cold, src);
				cc.nn++;
			}
		if (!cc.nb || !cc.nn || !cc.desc)
			continue;
		cc.base /= (double)cc.nb;
		cc.newer /= (double)cc.nn;
		cc.ratio = cc.base > 0 ? cc.newer / cc.base : NAN;
		p->cold[p->nr_cold++] = cc;
	}
}

static bool group_has(const struct rb_cmp_group *g, enum rb_source src)
{
	size_t i, k;

	for (i = 0; i < g->nr; i++)
		for (k = 0; k < g->cfgs[i]->nr_samples; k++)
			if (g->cfgs[i]->samples[k].have & src)
				return true;
	return false;
}

/* @x as the iterations of one boot, borrowed (units_free not called). */
static void units_of(struct units *u, double *x, size_t n, double *mean,
		     double *median, double *lm, double *lv, size_t *count)
{
	double sum = 0;
	size_t i;

	memset(u, 0, sizeof(*u));
	u->raw = x;
	u->nr_raw = n;
	u->means = mean;
	u->medians = median;
	u->lmeans = lm;
	u->lvars = lv;
	u->counts = count;
	u->nr_boots = 1;
	*count = n;
	/* the boot's median is used only with boots as the unit: not here */
	for (i = 0; i < n; i++)
		sum += x[i];
	*mean = sum / (double)n;
	*median = NAN;
	log_moments(x, n, lm, lv);
}

int rb_compare_samples(const double *x, size_t m, const double *y, size_t n,
		       const double *aa, size_t na, double resolution,
		       const struct rb_compare_opts *o,
		       struct rb_source_cmp *s)
{
	double mean[3], med[3], lm[3], lv[3], bvar = NAN;
	struct rb_compare_opts opts = *o;
	struct units ub, un, ua;
	size_t cnt[3];

	if (!m || !n)
		return -EINVAL;
	if (!(opts.confidence > 0))
		opts.confidence = 1 - opts.alpha;
	memset(s, 0, sizeof(*s));
	s->desc = rb_source_desc(resolution > 0 ? RB_SRC_MEMMAP_MS :
						  RB_SRC_MEMMAP_NS);
	s->quantised = resolution > 0;
	s->resolution = resolution;
	units_of(&ub, (double *)x, m, &mean[0], &med[0], &lm[0], &lv[0],
		 &cnt[0]);
	units_of(&un, (double *)y, n, &mean[1], &med[1], &lm[1], &lv[1],
		 &cnt[1]);
	if (aa && na) {
		units_of(&ua, (double *)aa, na, &mean[2], &med[2], &lm[2],
			 &lv[2], &cnt[2]);
		bvar = between_var(&ub, &ua, &s->between_boots);
	}
	return compare_source(s, false, &ub, &un, bvar, &opts);
}

/* The groups of one pair: base, new, and base boots given with --aa. */
struct trio {
	const struct rb_cmp_group *b, *n, *aa;
};

/* Compare one source both sides have; a mismatch when only one has it. */
static int pair_source(struct rb_comparison *c, struct rb_pair *p,
		       const struct trio *g, enum rb_source src,
		       bool hz_differs, double res_ms)
{
	const struct rb_source_desc *sd = rb_source_desc(src);
	bool hb = group_has(g->b, src), hn = group_has(g->n, src);
	struct units ub = { 0 }, un = { 0 }, ua = { 0 };
	struct rb_source_cmp *s = &p->src[p->nr_src];
	double bvar = NAN;
	char *action;
	int rc;

	if (!sd || (!hb && !hn))
		return 0;
	if (hb != hn || (src == RB_SRC_MEMMAP_MS && hz_differs)) {
		if (asprintf(&action, "%s not compared", sd->key) < 0)
			return -ENOMEM;
		rc = hb == hn ? 0 :
		     rb_cmp_add_mismatch(c, p->label, "sources",
					 hb ? strdup(sd->key) : NULL,
					 hn ? strdup(sd->key) : NULL, action);
		free(action);
		return rc;
	}
	memset(s, 0, sizeof(*s));
	s->desc = sd;
	s->quantised = src == RB_SRC_MEMMAP_MS;
	s->resolution = s->quantised ? res_ms : 0;
	rc = units_collect(g->b, src, &ub);
	rc = rc ?: units_collect(g->n, src, &un);
	rc = rc ?: units_collect(g->aa, src, &ua);
	if (!rc && ub.nr_raw && un.nr_raw) {
		bvar = between_var(&ub, g->aa ? &ua : NULL, &s->between_boots);
		rc = compare_source(s, p->by_boot, &ub, &un, bvar, &c->opts);
	}
	if (!rc && ub.nr_raw && un.nr_raw) {
		/* the plot shows every iteration */
		s->base_raw = ub.raw;
		s->new_raw = un.raw;
		ub.raw = un.raw = NULL;
		if (p->primary < 0)
			p->primary = (int)p->nr_src;
		if (s->verdict == RB_VERDICT_REGRESSED)
			c->any_regressed = true;
		p->nr_src++;
	}
	units_free(&ub);
	units_free(&un);
	units_free(&ua);
	return rc;
}

int rb_cmp_compare_pair(struct rb_comparison *c, const struct rb_cmp_group *b,
			const struct rb_cmp_group *n,
			const struct rb_cmp_group *aa, bool hz_differs,
			double res_ms)
{
	const struct trio g = { b, n, aa };
	struct rb_pair *p, *v;
	char unknown[64];
	size_t i;
	int rc = 0;

	v = reallocarray(c->pairs, c->nr_pairs + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->pairs = v;
	p = &v[c->nr_pairs++];
	memset(p, 0, sizeof(*p));
	p->key = b->key;
	rb_cmp_key_merge(&p->key, &n->key);
	p->driver = b->driver ? b->driver : n->driver;
	p->primary = -1;
	p->base_boots = b->nr;
	p->new_boots = n->nr;
	p->aa_boots = aa ? aa->nr : 0;
	p->by_boot = b->nr >= 2 && n->nr >= 2;
	rb_cmp_key_label(p->label, sizeof(p->label), &p->key, p->driver);
	if (rb_cmp_key_unverified(unknown, sizeof(unknown), &b->key, &n->key))
		rc = rb_cmp_add_caveat(c, "%s: %s known on one side only (an import?): the pairing rests on the other fields",
				       p->label, unknown);
	for (i = 0; i < RB_NR_SOURCES && !rc; i++)
		rc = pair_source(c, p, &g, source_order[i], hz_differs,
				 res_ms);
	compare_cold(p, b, n);
	rb_cmp_pair_breakdown(p, b, n);
	return rc;
}
