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

/* Few units: no rank test can reach alpha, so the verdict is capped. */
static int capped_caveat(struct rb_comparison *c, const struct rb_pair *p,
			 const struct rb_source_cmp *s)
{
	return rb_cmp_add_caveat(c, "%s: with %zu/%zu %s the smallest p-value Mann-Whitney can reach is %.3g, not below alpha %.3g: the verdict is no_change whatever the data; measure at least %u boots per kernel",
				 p->label, s->base.st.n, s->newer.st.n,
				 p->by_boot ? "boots" : "iterations",
				 rb_mwu_min_p(s->base.st.n, s->newer.st.n),
				 c->opts.alpha, rb_min_boots(c->opts.alpha));
}

/*
 * Iterations as the unit: say plainly what the interval lacks, what
 * was done about it, and how many boots would settle it.
 */
static int single_boot_caveat(struct rb_comparison *c,
			      const struct rb_pair *p,
			      const struct rb_source_cmp *s)
{
	unsigned int k = rb_min_boots(c->opts.alpha);
	const char *what = p->base_boots == 1 && p->new_boots == 1 ?
		"1 boot per kernel" : "fewer than 2 boots on one side";
	char need[160] = "";

	if (s->boots_needed > k)
		snprintf(need, sizeof(need), ", %u to detect a %.0f%% change with %.0f%% power",
			 s->boots_needed, 100 * RB_DETECT_CHANGE,
			 100 * RB_POWER);
	if (s->widened)
		return rb_cmp_add_caveat(c, "%s: %s: the kernel is confounded with the boot; the between-boot spread of the base kernel (sd %.2f%% over %zu boots) is added to the interval; measure at least %u boots per kernel%s",
					 p->label, what,
					 100 * expm1(s->between_sd),
					 s->between_boots, k, need);
	return rb_cmp_add_caveat(c, "%s: %s: iterations are the unit, so between-boot variance (memory placement, boot-time state) is not in the interval and the kernel is confounded with the boot; give another boot of the base kernel with --aa to measure it, or measure at least %u boots per kernel%s",
				 p->label, what, k, need);
}

static int pair_caveat(struct rb_comparison *c, struct rb_pair *p)
{
	const struct rb_source_cmp *s;
	int rc = check_directions(c, p);

	if (rc || p->primary < 0)
		return rc;
	s = &p->src[p->primary];
	p->too_few_boots = s->capped;
	if (s->capped)
		rc = capped_caveat(c, p, s);
	if (!rc && !p->by_boot)
		rc = single_boot_caveat(c, p, s);
	return rc;
}

int rb_cmp_pair_caveats(struct rb_comparison *c)
{
	size_t i;
	int rc = 0;

	if (c->same_kernel)
		rc = rb_cmp_add_caveat(c, "A/A: both sides ran kernel %s (same release and version): any difference is boot-to-boot or run-to-run variation, not a change of the kernel",
				       c->base_release);
	for (i = 0; i < c->nr_pairs && !rc; i++)
		rc = pair_caveat(c, &c->pairs[i]);
	return rc;
}
