// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration keys: what pairs configurations (mode, map, align, size,
 * nr_pages), their groups per side, and the fields that differ.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/config-label.h"
#include "report/compare-priv.h"

static void config_key(const struct rb_config_result *cfg,
		       struct rb_config_key *k)
{
	k->mode = cfg->target.mode;
	k->map = cfg->target.map;
	k->align = cfg->target.align;
	k->size = cfg->target.size;
	if (!rb_config_nr_pages(cfg, &k->nr_pages))
		k->nr_pages = cfg->target.expected_nr_pages;
}

enum key_field { KF_MODE, KF_MAP, KF_ALIGN, KF_SIZE, KF_NR_PAGES, KF_NR };
static const char *const key_field_name[KF_NR] = {
	"mode", "map", "align", "size", "nr_pages",
};

static bool key_field_known(const struct rb_config_key *k, enum key_field f)
{
	switch (f) {
	case KF_MODE:
		return k->mode;
	case KF_MAP:
		return k->map;
	case KF_ALIGN:
		return k->align;
	case KF_SIZE:
		return k->size;
	case KF_NR_PAGES:
	case KF_NR:
		break;
	}
	return k->nr_pages;
}

/*
 * A field unknown on either side (an import knows only nr_pages) does not
 * count as a mismatch; the pair then carries an "unverified" caveat.
 */
static bool key_field_eq(const struct rb_config_key *a,
			 const struct rb_config_key *b, enum key_field f)
{
	if (!key_field_known(a, f) || !key_field_known(b, f))
		return true;
	switch (f) {
	case KF_MODE:
		return rb_cmp_str_eq(a->mode, b->mode);
	case KF_MAP:
		return rb_cmp_str_eq(a->map, b->map);
	case KF_ALIGN:
		return a->align == b->align;
	case KF_SIZE:
		return a->size == b->size;
	case KF_NR_PAGES:
	case KF_NR:
		break;
	}
	return a->nr_pages == b->nr_pages;
}

/* @a with the fields it lacks taken from @b. */
void rb_cmp_key_merge(struct rb_config_key *a, const struct rb_config_key *b)
{
	a->mode = a->mode ?: b->mode;
	a->map = a->map ?: b->map;
	a->align = a->align ?: b->align;
	a->size = a->size ?: b->size;
	a->nr_pages = a->nr_pages ?: b->nr_pages;
}

/* Fields known on one side only, as "mode, map" in @buf; 0 when none. */
size_t rb_cmp_key_unverified(char *buf, size_t len,
			     const struct rb_config_key *a,
			     const struct rb_config_key *b)
{
	size_t f, nr = 0, off = 0;

	buf[0] = 0;
	for (f = 0; f < KF_NR; f++) {
		if (key_field_known(a, f) == key_field_known(b, f))
			continue;
		off += snprintf(buf + off, off < len ? len - off : 0, "%s%s",
				nr++ ? ", " : "", key_field_name[f]);
	}
	return nr;
}

size_t rb_cmp_key_distance(const struct rb_config_key *a,
			   const struct rb_config_key *b)
{
	size_t f, d = 0;

	for (f = 0; f < KF_NR; f++)
		d += !key_field_eq(a, b, f);
	return d;
}

/* The field's value as text, or NULL when unknown. */
static char *key_field_str(const struct rb_config_key *k, enum key_field f)
{
	uint64_t v = 0;
	char *s;

	switch (f) {
	case KF_MODE:
		return k->mode ? strdup(k->mode) : NULL;
	case KF_MAP:
		return k->map ? strdup(k->map) : NULL;
	case KF_ALIGN:
		v = k->align;
		break;
	case KF_SIZE:
		v = k->size;
		break;
	case KF_NR_PAGES:
	case KF_NR:
		v = k->nr_pages;
		break;
	}
	if (!v || asprintf(&s, "%" PRIu64, v) < 0)
		return NULL;
	return s;
}

/* "nd_pmem fsdax map=dev align=2M size=100G 26214400 pages" */
void rb_cmp_key_label(char *buf, size_t len, const struct rb_config_key *k,
		      const char *driver)
{
	struct rb_target_desc t = {
		.driver = (char *)driver,
		.mode = (char *)k->mode,
		.map = (char *)k->map,
		.align = k->align,
		.size = k->size,
	};

	rb_config_label(buf, len, &t, k->nr_pages, RB_LABEL_DRIVER);
}

static bool usable(const struct rb_cmp_groups *g, size_t i,
		   const struct rb_config_key *k, bool unpaired)
{
	return !(unpaired && g->v[i].paired) &&
	       rb_cmp_key_distance(&g->v[i].key, k) == 0;
}

static bool better(size_t i, size_t best, bool last)
{
	return best == SIZE_MAX || (last ? i > best : i < best);
}

struct rb_cmp_group *rb_cmp_groups_find(struct rb_cmp_groups *g,
					const struct rb_config_key *k,
					bool unpaired, bool last)
{
	const uint64_t keys[2] = { k->nr_pages, 0 };
	size_t best = SIZE_MAX, i, pos, pass;

	/* a key without a page count may equal any group's */
	for (i = 0; !k->nr_pages && i < g->nr; i++)
		if (usable(g, i, k, unpaired) && better(i, best, last))
			best = i;
	for (pass = 0; k->nr_pages && pass < 2; pass++)
		for (pos = 0; (i = rb_u64_index_walk(&g->by_pages, keys[pass],
						     &pos)) != RB_U64_INDEX_END;)
			if (usable(g, i, k, unpaired) && better(i, best, last))
				best = i;
	return best == SIZE_MAX ? NULL : &g->v[best];
}

/* A new group for @k, filed under its page count. */
static struct rb_cmp_group *group_new(struct rb_cmp_groups *g,
				      const struct rb_config_key *k)
{
	struct rb_cmp_group *nv, *gr;

	if (g->nr % 64 == 0) {
		nv = reallocarray(g->v, g->nr + 64, sizeof(*nv));
		if (!nv)
			return NULL;
		g->v = nv;
	}
	if (rb_u64_index_add(&g->by_pages, k->nr_pages, g->nr))
		return NULL;
	gr = &g->v[g->nr++];
	memset(gr, 0, sizeof(*gr));
	gr->key = *k;
	return gr;
}

static int groups_add(struct rb_cmp_groups *g,
		      const struct rb_config_result *cfg)
{
	struct rb_config_key k;
	struct rb_cmp_group *gr;
	const struct rb_config_result **v;

	config_key(cfg, &k);
	/* the last group of this key, as a scan of all would find */
	gr = rb_cmp_groups_find(g, &k, false, true);
	if (!gr)
		gr = group_new(g, &k);
	if (!gr)
		return -ENOMEM;
	if (!gr->key.nr_pages && k.nr_pages &&
	    rb_u64_index_add(&g->by_pages, k.nr_pages, (size_t)(gr - g->v)))
		return -ENOMEM;
	rb_cmp_key_merge(&gr->key, &k);
	if (!gr->driver)
		gr->driver = cfg->target.driver;
	if ((gr->nr & (gr->nr - 1)) == 0) { /* 0, 1, 2, 4, ...: double */
		v = reallocarray(gr->cfgs, gr->nr ? 2 * gr->nr : 1,
				 sizeof(*v));
		if (!v)
			return -ENOMEM;
		gr->cfgs = v;
	}
	gr->cfgs[gr->nr++] = cfg;
	return 0;
}

int rb_cmp_groups_build(const struct rb_side *side, struct rb_cmp_groups *g)
{
	size_t d, i;
	int rc;

	memset(g, 0, sizeof(*g));
	for (d = 0; d < side->nr; d++)
		for (i = 0; i < side->docs[d]->nr_configs; i++) {
			rc = groups_add(g, &side->docs[d]->configs[i]);
			if (rc)
				return rc;
		}
	return 0;
}

void rb_cmp_groups_free(struct rb_cmp_groups *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		free(g->v[i].cfgs);
	free(g->v);
	rb_u64_index_free(&g->by_pages);
}

/* Report every differing field of two configurations that did not pair. */
int rb_cmp_report_unpaired(struct rb_comparison *c,
			   const struct rb_cmp_group *b,
			   const struct rb_cmp_group *n)
{
	char label[160];
	size_t f;
	int rc;

	rb_cmp_key_label(label, sizeof(label), &b->key, b->driver);
	for (f = 0; f < KF_NR; f++) {
		if (key_field_eq(&b->key, &n->key, f))
			continue;
		rc = rb_cmp_add_mismatch(c, label, key_field_name[f],
				  key_field_str(&b->key, f),
				  key_field_str(&n->key, f), "not paired");
		if (rc)
			return rc;
	}
	return 0;
}

