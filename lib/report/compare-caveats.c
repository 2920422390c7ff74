// SPDX-License-Identifier: GPL-2.0
/* Caveats: what the figures of a comparison cannot say. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"

/* Sources that measure the same thing must not point opposite ways. */
static int check_directions(struct rb_comparison *c, const struct rb_pair *p)
{
	const struct rb_source_cmp *imp = NULL, *reg = NULL;
	size_t i;

	for (i = 0; i < p->nr_src; i++) {
		if (p->src[i].verdict == RB_VERDICT_IMPROVED)
			imp = &p->src[i];
		if (p->src[i].verdict == RB_VERDICT_REGRESSED)
			reg = &p->src[i];
	}
	if (!imp || !reg)
		return 0;
	return rb_cmp_add_caveat(c, "%s: %s improved but %s regressed: the effect lies outside memmap init or a source is wrong",
			  p->label, imp->desc->key, reg->desc->key);
}

/* Two-sided exact MWU p of complete separation: 2 / C(m+n, m). */
static double min_rank_p(size_t m, size_t n)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= m; i++)
		c = c * (double)(n + i) / (double)i;
	return fmin(1, 2 / c);
}

int rb_cmp_pair_caveats(struct rb_comparison *c)
{
	bool single = false;
	size_t i;
	int rc = 0;

	for (i = 0; i < c->nr_pairs && !rc; i++) {
		struct rb_pair *p = &c->pairs[i];
		const struct rb_source_cmp *s;

		if (!p->by_boot)
			single = true;
		rc = check_directions(c, p);
		if (rc || p->primary < 0)
			continue;
		s = &p->src[p->primary];
		p->too_few_boots = p->by_boot &&
				   min_rank_p(s->base.st.n, s->newer.st.n) >=
					   c->opts.alpha;
		if (p->too_few_boots)
			rc = rb_cmp_add_caveat(c, "%s: with %zu/%zu boots the smallest p-value Mann-Whitney can reach is %.3g, not below alpha %.3g: only no_change is possible; measure more boots",
					p->label, s->base.st.n, s->newer.st.n,
					min_rank_p(s->base.st.n,
						   s->newer.st.n),
					c->opts.alpha);
		else if (s->base.st.n < 9 || s->newer.st.n < 9)
			rc = rb_cmp_add_caveat(c, "%s: only %zu/%zu %s per side; 9 or more are needed for a reliable test",
					p->label, s->base.st.n, s->newer.st.n,
					p->by_boot ? "boots" : "iterations");
	}
	if (!rc && single)
		rc = rb_cmp_add_caveat(c, "%s", c->base->nr == 1 &&
						     c->newer->nr == 1 ?
			"1 boot per side: iterations are the unit, so between-boot variance (memory placement, boot-time state) is not captured; repeat on 2 or more boots per kernel" :
			"fewer than 2 boots on one side: iterations are the unit, so between-boot variance is not captured");
	return rc;
}

