// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet report's analysis: group the hosts' configurations by mode,
 * map and align (the size may differ: ms/GiB makes hosts comparable), pick
 * the timing source every host has, and flag rows against the fences and
 * the majority. The statistics are results/stats.c's and compare's.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/fleet.h"
#include "util/util.h"

static const char *const flag_names[RB_FLEET_NR_FLAGS] = {
	"outlier-low-severe", "outlier-low", "outlier-high",
	"outlier-high-severe", "geometry-differs", "kernel-differs",
	"source-missing", "incomplete",
};

const char *rb_fleet_flag_name(enum rb_fleet_flag f)
{
	size_t i;

	for (i = 0; i < RB_FLEET_NR_FLAGS; i++)
		if (f == 1u << i)
			return flag_names[i];
	return "unknown";
}

/* Sources in the order the report prefers them. */
static const enum rb_source prefer[] = {
	RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS,
};
#define NR_PREFER ARRAY_SIZE(prefer)

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static struct rb_fleet_config *config_for(struct rb_fleet *fl,
					  const struct rb_config_result *cfg)
{
	const struct rb_target_desc *t = &cfg->target;
	struct rb_fleet_config *c, *v;
	size_t i;

	for (i = 0; i < fl->nr_configs; i++) {
		c = &fl->configs[i];
		if (str_eq(c->mode, t->mode) && str_eq(c->map, t->map) &&
		    c->align == t->align)
			return c;
	}
	v = realloc(fl->configs, (fl->nr_configs + 1) * sizeof(*v));
	if (!v)
		return NULL;
	fl->configs = v;
	c = &v[fl->nr_configs++];
	memset(c, 0, sizeof(*c));
	c->mode = t->mode;
	c->map = t->map;
	c->align = t->align;
	snprintf(c->label, sizeof(c->label), "%s", t->mode ? t->mode : "?");
	if (t->map)
		snprintf(c->label + strlen(c->label),
			 sizeof(c->label) - strlen(c->label), " map=%s",
			 t->map);
	if (t->align)
		snprintf(c->label + strlen(c->label),
			 sizeof(c->label) - strlen(c->label), " align=%lluK",
			 (unsigned long long)(t->align >> 10));
	return c;
}

static int add_rows(struct rb_fleet *fl)
{
	size_t i, j;

	for (i = 0; i < fl->nr_hosts; i++) {
		const struct rb_document *doc = fl->hosts[i].doc;

		for (j = 0; doc && j < doc->nr_configs; j++) {
			struct rb_fleet_config *c;
			struct rb_fleet_row *r;

			c = config_for(fl, &doc->configs[j]);
			if (!c)
				return -ENOMEM;
			r = realloc(c->rows, (c->nr_rows + 1) * sizeof(*r));
			if (!r)
				return -ENOMEM;
			c->rows = r;
			r = &r[c->nr_rows++];
			memset(r, 0, sizeof(*r));
			r->host = i;
			r->cfg = &doc->configs[j];
			if (!r->cfg->complete)
				r->flags |= RB_FLEET_INCOMPLETE;
		}
	}
	return 0;
}

static size_t rows_with(const struct rb_fleet_config *c, enum rb_source src)
{
	size_t i, k, n = 0;

	for (i = 0; i < c->nr_rows; i++)
		for (k = 0; k < c->rows[i].cfg->nr_samples; k++)
			if (c->rows[i].cfg->samples[k].have & src) {
				n++;
				break;
			}
	return n;
}

/*
 * The first preferred source that most rows have, else the most common
 * one; the rows without it are flagged rather than pulling every host
 * down to a coarser source.
 */
static void pick_source(struct rb_fleet_config *c)
{
	size_t i, best = 0, n;

	c->src = NULL;
	for (i = 0; i < NR_PREFER; i++) {
		n = rows_with(c, prefer[i]);
		if (2 * n > c->nr_rows) {
			c->src = rb_source_desc(prefer[i]);
			return;
		}
		if (n > best) {
			best = n;
			c->src = rb_source_desc(prefer[i]);
		}
	}
}

static int row_stats(struct rb_fleet *fl, struct rb_fleet_config *c,
		     struct rb_fleet_row *r)
{
	const struct rb_document *doc = fl->hosts[r->host].doc;
	int rc;

	if (!rb_config_nr_pages(r->cfg, &r->nr_pages))
		r->nr_pages = r->cfg->target.expected_nr_pages;
	if (!c->src) {
		r->flags |= RB_FLEET_NO_SOURCE;
		return 0;
	}
	rc = rb_config_stats(doc, r->cfg, c->src->bit, &r->st);
	if (rc == -ENOENT) {
		r->flags |= RB_FLEET_NO_SOURCE;
		return 0;
	}
	if (rc)
		return rc;
	r->has_stats = true;
	r->value = r->st.mean;
	if (r->cfg->has_cold && (r->cfg->cold.have & c->src->bit)) {
		r->has_cold = true;
		r->cold = (double)rb_sample_value(&r->cfg->cold, c->src->bit);
	}
	r->has_norm = rb_config_normalised(doc, r->cfg, c->src->bit,
					   r->st.mean, &r->ns_per_page,
					   &r->ms_per_gib);
	return 0;
}

/* Tukey fences over the rows' values, as results/stats.c draws them. */
static int distribution(struct rb_fleet_config *c)
{
	double *v, iqr;
	size_t i, n = 0;
	int rc;

	c->by_gib = true;
	for (i = 0; i < c->nr_rows; i++)
		if (c->rows[i].has_stats && !c->rows[i].has_norm)
			c->by_gib = false;
	v = malloc((c->nr_rows ? c->nr_rows : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < c->nr_rows; i++) {
		struct rb_fleet_row *r = &c->rows[i];

		if (!r->has_stats)
			continue;
		if (c->by_gib)
			r->value = r->ms_per_gib;
		v[n++] = r->value;
	}
	rc = n ? rb_stats_compute(v, n, 0, &c->dist) : 0;
	free(v);
	if (rc)
		return rc;
	c->has_dist = n > 0;
	c->has_fences = c->has_dist && c->dist.has_p25_p75;
	if (!c->has_fences)
		return 0;
	iqr = c->dist.p75 - c->dist.p25;
	c->fence_lo = c->dist.p25 - 1.5 * iqr;
	c->fence_hi = c->dist.p75 + 1.5 * iqr;
	for (i = 0; i < c->nr_rows; i++) {
		struct rb_fleet_row *r = &c->rows[i];

		if (!r->has_stats)
			continue;
		if (r->value < c->dist.p25 - 3 * iqr)
			r->flags |= RB_FLEET_LOW_SEVERE;
		else if (r->value < c->fence_lo)
			r->flags |= RB_FLEET_LOW_MILD;
		else if (r->value > c->dist.p75 + 3 * iqr)
			r->flags |= RB_FLEET_HIGH_SEVERE;
		else if (r->value > c->fence_hi)
			r->flags |= RB_FLEET_HIGH_MILD;
	}
	return 0;
}

typedef bool (*same_fn)(const struct rb_fleet *fl,
			const struct rb_fleet_row *a,
			const struct rb_fleet_row *b);

static bool same_geometry(const struct rb_fleet *fl,
			  const struct rb_fleet_row *a,
			  const struct rb_fleet_row *b)
{
	return a->cfg->target.size == b->cfg->target.size &&
	       a->nr_pages == b->nr_pages;
}

static bool same_kernel(const struct rb_fleet *fl,
			const struct rb_fleet_row *a,
			const struct rb_fleet_row *b)
{
	return str_eq(fl->hosts[a->host].kernel, fl->hosts[b->host].kernel);
}

/*
 * The value that more rows hold than any other, and the flag on every row
 * that holds another. Without a strict majority nothing is flagged.
 */
static const struct rb_fleet_row *majority(const struct rb_fleet *fl,
					   struct rb_fleet_config *c,
					   same_fn same, unsigned int flag,
					   struct rb_fleet_majority *m)
{
	const struct rb_fleet_row *best = NULL;
	size_t i, j, count, tie = 0;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < c->nr_rows; i++) {
		for (j = 0; j < i; j++)
			if (same(fl, &c->rows[i], &c->rows[j]))
				break;
		if (j < i)
			continue;
		m->distinct++;
		for (count = 0, j = i; j < c->nr_rows; j++)
			count += same(fl, &c->rows[i], &c->rows[j]);
		if (count > m->count) {
			m->count = count;
			best = &c->rows[i];
			tie = 0;
		} else if (count == m->count) {
			tie++;
		}
	}
	m->has = best && !tie;
	if (!m->has)
		return NULL;
	for (i = 0; i < c->nr_rows; i++)
		if (!same(fl, &c->rows[i], best))
			c->rows[i].flags |= flag;
	return best;
}

static const struct rb_pair *pair_for(const struct rb_comparison *cmp,
				      const struct rb_config_result *cfg)
{
	const struct rb_target_desc *t = &cfg->target;
	size_t i;

	for (i = 0; i < cmp->nr_pairs; i++) {
		const struct rb_config_key *k = &cmp->pairs[i].key;

		if (str_eq(k->mode, t->mode) && str_eq(k->map, t->map) &&
		    k->align == t->align && k->size == t->size)
			return &cmp->pairs[i];
	}
	return NULL;
}

static void row_verdict(struct rb_fleet *fl, const struct rb_fleet_config *c,
			struct rb_fleet_row *r)
{
	const struct rb_fleet_host *h = &fl->hosts[r->host];
	struct rb_fleet_verdict *v = &r->verdict;
	const struct rb_pair *p;
	size_t i;

	if (!h->has_cmp) {
		v->why_not = h->base_error ? h->base_error : "no baseline";
		return;
	}
	p = pair_for(&h->cmp, r->cfg);
	if (!p || p->primary < 0) {
		v->why_not = p ? "nothing compared" :
				 "configuration not in the baseline";
		return;
	}
	v->src = &p->src[p->primary];
	for (i = 0; i < p->nr_src; i++)
		if (c->src && p->src[i].desc == c->src)
			v->src = &p->src[i];
	v->has = true;
	if (v->src->verdict == RB_VERDICT_REGRESSED)
		fl->any_regressed = true;
}

static int analyse_config(struct rb_fleet *fl, struct rb_fleet_config *c)
{
	const struct rb_fleet_row *m;
	size_t i;
	int rc;

	pick_source(c);
	for (i = 0; i < c->nr_rows; i++) {
		rc = row_stats(fl, c, &c->rows[i]);
		if (rc)
			return rc;
	}
	rc = distribution(c);
	if (rc)
		return rc;
	m = majority(fl, c, same_geometry, RB_FLEET_GEOMETRY, &c->geometry);
	if (m) {
		c->size = m->cfg->target.size;
		c->nr_pages = m->nr_pages;
	}
	m = majority(fl, c, same_kernel, RB_FLEET_KERNEL, &c->kernel);
	if (m)
		c->kernel_release = fl->hosts[m->host].kernel;
	for (i = 0; i < c->nr_rows; i++) {
		if (fl->has_baseline)
			row_verdict(fl, c, &c->rows[i]);
		if (c->rows[i].flags)
			fl->nr_flagged++;
	}
	return 0;
}

int rb_fleet_analyse(struct rb_fleet *fl)
{
	size_t i;
	int rc;

	rc = add_rows(fl);
	for (i = 0; i < fl->nr_configs && !rc; i++)
		rc = analyse_config(fl, &fl->configs[i]);
	return rc;
}
