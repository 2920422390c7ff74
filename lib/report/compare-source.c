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

static const enum rb_source source_order[RB_NR_SOURCES] = {
	RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS, RB_SRC_UNBIND_NS,
};

/* Values of @src in a group: all raw samples, and one mean/median per boot. */
struct units {
	double *raw, *means, *medians;
	size_t nr_raw, nr_boots;
};

static void units_free(struct units *u)
{
	free(u->raw);
	free(u->means);
	free(u->medians);
}

static int units_collect(const struct rb_cmp_group *g, enum rb_source src,
			 struct units *u)
{
	size_t i, total = 0;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < g->nr; i++)
		total += g->cfgs[i]->nr_samples;
	u->raw = calloc(total + 1, sizeof(*u->raw));
	u->means = calloc(g->nr + 1, sizeof(*u->means));
	u->medians = calloc(g->nr + 1, sizeof(*u->medians));
	if (!u->raw || !u->means || !u->medians)
		return -ENOMEM;
	for (i = 0; i < g->nr; i++) {
		double *x = u->raw + u->nr_raw;
		size_t n = rb_config_values(g->cfgs[i], src, x);
		struct rb_stats st;

		if (!n)
			continue;
		u->nr_raw += n;
		if (rb_stats_compute(x, n, 0, &st))
			return -ENOMEM;
		u->means[u->nr_boots] = st.mean;
		u->medians[u->nr_boots++] = st.median;
	}
	return 0;
}

/* The CI that decides, its ends against the noise threshold. */
static void decide(struct rb_source_cmp *s, const struct rb_compare_opts *o)
{
	const struct rb_ratio_ci *ci = NULL;

	if (s->mwu.p >= o->alpha) {
		s->verdict = RB_VERDICT_NO_CHANGE;
		return;
	}
	if (s->has_hl && s->hl_meaningful) {
		ci = &s->hl;
		s->verdict_ci = "hl_ratio";
	} else if (s->has_fieller) {
		ci = &s->fieller;
		s->verdict_ci = "fieller";
	} else if (s->has_welch_log) {
		ci = &s->welch_log.ratio;
		s->verdict_ci = "welch_log";
	}
	s->verdict = RB_VERDICT_WITHIN_NOISE;
	if (!ci || !ci->bounded)
		return;
	if (ci->hi < 1 - o->noise)
		s->verdict = RB_VERDICT_IMPROVED;
	else if (ci->lo > 1 + o->noise)
		s->verdict = RB_VERDICT_REGRESSED;
}

static int compare_source(struct rb_source_cmp *s, bool by_boot,
			  const struct units *ub, const struct units *unw,
			  const struct rb_compare_opts *o)
{
	const double *bm = by_boot ? ub->means : ub->raw;
	const double *nwm = by_boot ? unw->means : unw->raw;
	const double *br = by_boot ? ub->medians : ub->raw;
	const double *nwr = by_boot ? unw->medians : unw->raw;
	size_t nb = by_boot ? ub->nr_boots : ub->nr_raw;
	size_t nn = by_boot ? unw->nr_boots : unw->nr_raw;
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
	s->has_fieller = !rb_fieller_ratio(bm, nb, nwm, nn, o->confidence,
					   &s->fieller);
	s->has_welch_log = !rb_welch_log_test(bm, nb, nwm, nn, o->confidence,
					      &s->welch_log);
	s->has_hl = !rb_hodges_lehmann_ratio(br, nb, nwr, nn, o->confidence,
					     &s->hl);
	/* With ties on a jiffy grid the log-differences pile up on a few
	 * values and the interval shrinks to a point: do not trust it. */
	s->hl_meaningful = s->has_hl && !s->quantised &&
			   s->mwu.tied_values * 4 < nb + nn;
	decide(s, o);
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

int rb_cmp_compare_pair(struct rb_comparison *c, const struct rb_cmp_group *b,
			const struct rb_cmp_group *n, bool hz_differs,
			double res_ms)
{
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
	p->by_boot = b->nr >= 2 && n->nr >= 2;
	rb_cmp_key_label(p->label, sizeof(p->label), &p->key, p->driver);
	if (rb_cmp_key_unverified(unknown, sizeof(unknown), &b->key, &n->key))
		rc = rb_cmp_add_caveat(c, "%s: %s known on one side only (an import?): the pairing rests on the other fields",
				p->label, unknown);

	for (i = 0; i < RB_NR_SOURCES && !rc; i++) {
		enum rb_source src = source_order[i];
		const struct rb_source_desc *sd = rb_source_desc(src);
		bool hb = group_has(b, src), hn = group_has(n, src);
		struct rb_source_cmp *s;
		struct units ub = { 0 }, un = { 0 };
		char *action;

		if (!sd || (!hb && !hn))
			continue;
		if (hb != hn || (src == RB_SRC_MEMMAP_MS && hz_differs)) {
			if (asprintf(&action, "%s not compared", sd->key) < 0)
				return -ENOMEM;
			if (hb != hn)
				rc = rb_cmp_add_mismatch(c, p->label, "sources",
						  hb ? strdup(sd->key) : NULL,
						  hn ? strdup(sd->key) : NULL,
						  action);
			free(action);
			continue;
		}
		s = &p->src[p->nr_src];
		memset(s, 0, sizeof(*s));
		s->desc = sd;
		s->quantised = src == RB_SRC_MEMMAP_MS;
		s->resolution = s->quantised ? res_ms : 0;
		rc = units_collect(b, src, &ub);
		rc = rc ?: units_collect(n, src, &un);
		if (!rc && ub.nr_raw && un.nr_raw) {
			rc = compare_source(s, p->by_boot, &ub, &un, &c->opts);
			if (!rc) {
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
		}
		units_free(&ub);
		units_free(&un);
	}
	compare_cold(p, b, n);
	return rc;
}

