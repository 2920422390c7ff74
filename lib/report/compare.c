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
#include "report/compare.h"

#define CONF 0.95

/* Configurations of one side sharing a key: one member per boot. */
struct group {
	struct rb_config_key key;
	const char *driver;
	const struct rb_config_result **cfgs;
	size_t nr;
	bool paired;
};

struct groups {
	struct group *v;
	size_t nr;
};

static const enum rb_source source_order[RB_NR_SOURCES] = {
	RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS, RB_SRC_UNBIND_NS,
};

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

double rb_to_ms(double v, const char *unit)
{
	return strcmp(unit, "ns") == 0 ? v / 1e6 : v;
}

void rb_format_time(char *buf, size_t len, double v, double ref,
		    const char *unit)
{
	if (fabs(rb_to_ms(ref, unit)) >= 1)
		snprintf(buf, len, "%.2f ms", rb_to_ms(v, unit));
	else
		snprintf(buf, len, "%.2f us", rb_to_ms(v, unit) * 1e3);
}

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

static bool str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
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
		return str_eq(a->mode, b->mode);
	case KF_MAP:
		return str_eq(a->map, b->map);
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
static void key_merge(struct rb_config_key *a, const struct rb_config_key *b)
{
	a->mode = a->mode ?: b->mode;
	a->map = a->map ?: b->map;
	a->align = a->align ?: b->align;
	a->size = a->size ?: b->size;
	a->nr_pages = a->nr_pages ?: b->nr_pages;
}

/* Fields known on one side only, as "mode, map" in @buf; 0 when none. */
static size_t key_unverified(char *buf, size_t len,
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

static size_t key_distance(const struct rb_config_key *a,
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

/* ndctl's short form: "2M", "100G", "1.50G" when not a whole unit. */
static void size_str(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "BKMGTP";
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v == floor(v) ? "%.0f%c" : "%.2f%c", v,
		 u ? units[u] : 'B');
}

static __attribute__((format(printf, 4, 5)))
void appendf(char *buf, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, len - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off = (size_t)n < len - *off ? *off + (size_t)n : len - 1;
}

/* "nd_pmem fsdax map=dev align=2M size=100G 26214400 pages" */
static void key_label(char *buf, size_t len, const struct rb_config_key *k,
		      const char *driver)
{
	char tmp[32];
	size_t off = 0;

	buf[0] = 0;
	if (driver)
		appendf(buf, len, &off, "%s ", driver);
	if (k->mode)
		appendf(buf, len, &off, "%s ", k->mode);
	if (k->map)
		appendf(buf, len, &off, "map=%s ", k->map);
	if (k->align) {
		size_str(tmp, sizeof(tmp), k->align);
		appendf(buf, len, &off, "align=%s ", tmp);
	}
	if (k->size) {
		size_str(tmp, sizeof(tmp), k->size);
		appendf(buf, len, &off, "size=%s ", tmp);
	}
	if (k->nr_pages)
		appendf(buf, len, &off, "%" PRIu64 " pages", k->nr_pages);
	while (off && buf[off - 1] == ' ')
		buf[--off] = 0;
	if (!off)
		snprintf(buf, len, "unknown configuration");
}

static int groups_add(struct groups *g, const struct rb_config_result *cfg)
{
	struct rb_config_key k;
	struct group *gr = NULL;
	const struct rb_config_result **v;
	size_t i;

	config_key(cfg, &k);
	for (i = 0; i < g->nr; i++)
		if (key_distance(&g->v[i].key, &k) == 0)
			gr = &g->v[i];
	if (!gr) {
		struct group *nv = reallocarray(g->v, g->nr + 1, sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		g->v = nv;
		gr = &g->v[g->nr++];
		memset(gr, 0, sizeof(*gr));
		gr->key = k;
	}
	key_merge(&gr->key, &k);
	if (!gr->driver)
		gr->driver = cfg->target.driver;
	v = reallocarray(gr->cfgs, gr->nr + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	gr->cfgs = v;
	gr->cfgs[gr->nr++] = cfg;
	return 0;
}

static int groups_build(const struct rb_side *side, struct groups *g)
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

static void groups_free(struct groups *g)
{
	size_t i;

	for (i = 0; i < g->nr; i++)
		free(g->v[i].cfgs);
	free(g->v);
}

static __attribute__((format(printf, 2, 3)))
int add_caveat(struct rb_comparison *c, const char *fmt, ...)
{
	char **v, *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	v = reallocarray(c->caveats, c->nr_caveats + 1, sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	c->caveats = v;
	c->caveats[c->nr_caveats++] = s;
	return 0;
}

/* Takes ownership of @base and @cand. */
static int add_mismatch(struct rb_comparison *c, const char *config,
			const char *field, char *base, char *cand,
			const char *action)
{
	struct rb_mismatch *v, *m;

	v = reallocarray(c->mismatches, c->nr_mismatches + 1, sizeof(*v));
	if (!v) {
		free(base);
		free(cand);
		return -ENOMEM;
	}
	c->mismatches = v;
	m = &v[c->nr_mismatches++];
	m->config = config ? strdup(config) : NULL;
	m->field = strdup(field);
	m->base = base;
	m->cand = cand;
	m->action = strdup(action);
	return 0;
}

/* Report every differing field of two configurations that did not pair. */
static int report_unpaired(struct rb_comparison *c, const struct group *b,
			   const struct group *n)
{
	char label[160];
	size_t f;
	int rc;

	key_label(label, sizeof(label), &b->key, b->driver);
	for (f = 0; f < KF_NR; f++) {
		if (key_field_eq(&b->key, &n->key, f))
			continue;
		rc = add_mismatch(c, label, key_field_name[f],
				  key_field_str(&b->key, f),
				  key_field_str(&n->key, f), "not paired");
		if (rc)
			return rc;
	}
	return 0;
}

/*
 * Fingerprint keys that differ between two kernels by design (hz is a
 * mismatch of its own, reported with its consequence).
 */
static bool fp_key_is_kernel_identity(const char *key)
{
	static const char *const skip[] = {
		"kernel_release", "kernel_version", "config_source", "hz",
	};
	size_t i;

	for (i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strcmp(key, skip[i]))
			return true;
	return false;
}

/* Strings as they are, anything else as compact JSON; NULL when absent. */
static char *fp_value_str(struct json_object *v)
{
	if (!v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return strdup(json_object_get_string(v));
	return strdup(json_object_to_json_string_ext(v,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int add_fp_diff(struct rb_comparison *c, const char *key,
		       struct json_object *b, struct json_object *n)
{
	struct rb_fp_diff *v, *d;

	v = reallocarray(c->fp_diffs, c->nr_fp_diffs + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->fp_diffs = v;
	d = &v[c->nr_fp_diffs++];
	d->key = strdup(key);
	d->base = fp_value_str(b);
	d->cand = fp_value_str(n);
	return d->key ? 0 : -ENOMEM;
}

static bool json_equal(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return a == b;
	return json_object_equal(a, b);
}

static int fp_walk_object(struct rb_comparison *c, const char *prefix,
			  struct json_object *b, struct json_object *n);

/*
 * Keys of both fingerprints whose values differ; nested objects (config)
 * by dotted keys. A key absent on one side (imports carry only hz) is
 * unknown, not different.
 */
static int fp_walk(struct rb_comparison *c, const char *prefix,
		   struct json_object *b, struct json_object *n)
{
	if (!json_object_is_type(b, json_type_object) ||
	    !json_object_is_type(n, json_type_object))
		return 0;
	return fp_walk_object(c, prefix, b, n);
}

static int fp_walk_object(struct rb_comparison *c, const char *prefix,
			  struct json_object *b, struct json_object *n)
{
	json_object_object_foreach(b, key, bv) {
		struct json_object *nv = NULL;
		char *full;
		int rc;

		if (!prefix && fp_key_is_kernel_identity(key))
			continue;
		if (!json_object_object_get_ex(n, key, &nv) ||
		    json_equal(bv, nv))
			continue;
		if (asprintf(&full, "%s%s%s", prefix ? prefix : "",
			     prefix ? "." : "", key) < 0)
			return -ENOMEM;
		if (json_object_is_type(bv, json_type_object) &&
		    json_object_is_type(nv, json_type_object))
			rc = fp_walk(c, full, bv, nv);
		else
			rc = add_fp_diff(c, full, bv, nv);
		free(full);
		if (rc)
			return rc;
	}
	return 0;
}

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

static int units_collect(const struct group *g, enum rb_source src,
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
			  const struct units *ub, const struct units *uc,
			  const struct rb_compare_opts *o)
{
	const double *bm = by_boot ? ub->means : ub->raw;
	const double *cm = by_boot ? uc->means : uc->raw;
	const double *br = by_boot ? ub->medians : ub->raw;
	const double *cr = by_boot ? uc->medians : uc->raw;
	size_t nb = by_boot ? ub->nr_boots : ub->nr_raw;
	size_t nc = by_boot ? uc->nr_boots : uc->nr_raw;
	int rc;

	rc = rb_stats_compute(bm, nb, s->resolution, &s->base.st);
	rc = rc ?: rb_stats_compute(cm, nc, s->resolution, &s->cand.st);
	if (rc)
		return rc;
	s->base.nr_iterations = ub->nr_raw;
	s->cand.nr_iterations = uc->nr_raw;
	s->base.nr_boots = ub->nr_boots;
	s->cand.nr_boots = uc->nr_boots;
	s->change_mean = s->cand.st.mean / s->base.st.mean - 1;
	s->speedup = s->base.st.mean / s->cand.st.mean;

	rc = rb_mwu_test(br, nb, cr, nc, &s->mwu);
	if (rc)
		return rc == -ENOMEM ? rc : 0;
	s->has_fieller = !rb_fieller_ratio(bm, nb, cm, nc, CONF, &s->fieller);
	s->has_welch_log = !rb_welch_log_test(bm, nb, cm, nc, CONF,
					      &s->welch_log);
	s->has_hl = !rb_hodges_lehmann_ratio(br, nb, cr, nc, CONF, &s->hl);
	/* With ties on a jiffy grid the log-differences pile up on a few
	 * values and the interval shrinks to a point: do not trust it. */
	s->hl_meaningful = s->has_hl && !s->quantised &&
			   s->mwu.tied_values * 4 < nb + nc;
	decide(s, o);
	return 0;
}

static void compare_cold(struct rb_pair *p, const struct group *b,
			 const struct group *n)
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
				cc.cand += (double)rb_sample_value(
					&n->cfgs[k]->cold, src);
				cc.nc++;
			}
		if (!cc.nb || !cc.nc || !cc.desc)
			continue;
		cc.base /= (double)cc.nb;
		cc.cand /= (double)cc.nc;
		cc.ratio = cc.base > 0 ? cc.cand / cc.base : NAN;
		p->cold[p->nr_cold++] = cc;
	}
}

static bool group_has(const struct group *g, enum rb_source src)
{
	size_t i, k;

	for (i = 0; i < g->nr; i++)
		for (k = 0; k < g->cfgs[i]->nr_samples; k++)
			if (g->cfgs[i]->samples[k].have & src)
				return true;
	return false;
}

static int compare_pair(struct rb_comparison *c, const struct group *b,
			const struct group *n, bool hz_differs, double res_ms)
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
	key_merge(&p->key, &n->key);
	p->driver = b->driver ? b->driver : n->driver;
	p->primary = -1;
	p->base_boots = b->nr;
	p->cand_boots = n->nr;
	p->by_boot = b->nr >= 2 && n->nr >= 2;
	key_label(p->label, sizeof(p->label), &p->key, p->driver);
	if (key_unverified(unknown, sizeof(unknown), &b->key, &n->key))
		rc = add_caveat(c, "%s: %s known on one side only (an import?): the pairing rests on the other fields",
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
				rc = add_mismatch(c, p->label, "sources",
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
				s->cand_raw = un.raw;
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
	return add_caveat(c, "%s: %s improved but %s regressed: the effect lies outside memmap init or a source is wrong",
			  p->label, imp->desc->key, reg->desc->key);
}

static bool fp_has_machine(const struct rb_document *doc)
{
	return doc->fingerprint &&
	       json_object_object_get_ex(doc->fingerprint, "cpu_model", NULL);
}

static long side_hz(const struct rb_side *s, bool *consistent)
{
	long hz = 0, h;
	size_t i;

	*consistent = true;
	for (i = 0; i < s->nr; i++) {
		h = rb_document_hz(s->docs[i]);
		if (!h)
			continue;
		if (hz && h != hz)
			*consistent = false;
		if (!hz)
			hz = h;
	}
	return hz;
}

static int side_caveats(struct rb_comparison *c, const struct rb_side *s,
			const char *name)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nr && !rc; i++)
		if (!s->docs[i]->complete)
			rc = add_caveat(c, "%s: %s is incomplete (interrupted or a bind failed)",
					name, s->paths[i]);
	return rc;
}

static int compare_env(struct rb_comparison *c, bool *hz_differs,
		       double *res_ms)
{
	bool cb, cn;
	long hb = side_hz(c->base, &cb), hn = side_hz(c->cand, &cn);
	char *sb, *sn;
	int rc = 0;

	*hz_differs = hb && hn && hb != hn;
	*res_ms = hb ? 1000.0 / hb : hn ? 1000.0 / hn : 1;
	if (*hz_differs) {
		if (asprintf(&sb, "%ld", hb) < 0)
			return -ENOMEM;
		if (asprintf(&sn, "%ld", hn) < 0) {
			free(sb);
			return -ENOMEM;
		}
		rc = add_mismatch(c, NULL, "hz", sb, sn,
				  "memmap_ms not compared");
	}
	if (!rc && (!cb || !cn))
		rc = add_caveat(c, "HZ differs between the boots of one side");
	rc = rc ?: fp_walk(c, NULL, c->base->docs[0]->fingerprint,
			   c->cand->docs[0]->fingerprint);
	if (!rc && (!fp_has_machine(c->base->docs[0]) ||
		    !fp_has_machine(c->cand->docs[0])))
		rc = add_caveat(c, "%s records no machine (an import?): differences in CPU, cmdline or kernel config cannot be checked",
				fp_has_machine(c->base->docs[0]) ? "new" :
								  "base");
	if (!rc && !str_eq(c->base->docs[0]->origin,
			   c->cand->docs[0]->origin))
		rc = add_caveat(c, "base origin is %s, new origin is %s: an import has only the kernel line, a live run also probes and wall clock",
				c->base->docs[0]->origin ?: "unknown",
				c->cand->docs[0]->origin ?: "unknown");
	rc = rc ?: side_caveats(c, c->base, "base");
	rc = rc ?: side_caveats(c, c->cand, "new");
	return rc;
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

static int pair_caveats(struct rb_comparison *c)
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
				   min_rank_p(s->base.st.n, s->cand.st.n) >=
					   c->opts.alpha;
		if (p->too_few_boots)
			rc = add_caveat(c, "%s: with %zu/%zu boots the smallest p-value Mann-Whitney can reach is %.3g, not below alpha %.3g: only no_change is possible; measure more boots",
					p->label, s->base.st.n, s->cand.st.n,
					min_rank_p(s->base.st.n,
						   s->cand.st.n),
					c->opts.alpha);
		else if (s->base.st.n < 9 || s->cand.st.n < 9)
			rc = add_caveat(c, "%s: only %zu/%zu %s per side; 9 or more are needed for a reliable test",
					p->label, s->base.st.n, s->cand.st.n,
					p->by_boot ? "boots" : "iterations");
	}
	if (!rc && single)
		rc = add_caveat(c, c->base->nr == 1 && c->cand->nr == 1 ?
			"1 boot per side: iterations are the unit, so between-boot variance (memory placement, boot-time state) is not captured; repeat on 2 or more boots per kernel" :
			"fewer than 2 boots on one side: iterations are the unit, so between-boot variance is not captured");
	return rc;
}

int rb_compare(const struct rb_side *base, const struct rb_side *cand,
	       const struct rb_compare_opts *opts, struct rb_comparison *c)
{
	struct groups gb = { 0 }, gn = { 0 };
	bool hz_differs;
	double res_ms;
	size_t i, j;
	int rc;

	memset(c, 0, sizeof(*c));
	c->opts = *opts;
	c->base = base;
	c->cand = cand;
	if (!base->nr || !cand->nr)
		return -EINVAL;
	rc = groups_build(base, &gb);
	rc = rc ?: groups_build(cand, &gn);
	rc = rc ?: compare_env(c, &hz_differs, &res_ms);

	for (i = 0; i < gb.nr && !rc; i++)
		for (j = 0; j < gn.nr && !rc; j++) {
			if (gn.v[j].paired ||
			    key_distance(&gb.v[i].key, &gn.v[j].key))
				continue;
			gb.v[i].paired = gn.v[j].paired = true;
			rc = compare_pair(c, &gb.v[i], &gn.v[j], hz_differs,
					  res_ms);
		}
	/* Unpaired: report each against its nearest counterpart. */
	for (i = 0; i < gb.nr && !rc; i++) {
		struct group *best = NULL;
		char label[160];

		if (gb.v[i].paired)
			continue;
		for (j = 0; j < gn.nr; j++)
			if (!gn.v[j].paired &&
			    (!best || key_distance(&gb.v[i].key, &gn.v[j].key) <
					      key_distance(&gb.v[i].key,
							   &best->key)))
				best = &gn.v[j];
		if (best) {
			best->paired = true;
			rc = report_unpaired(c, &gb.v[i], best);
			continue;
		}
		key_label(label, sizeof(label), &gb.v[i].key, gb.v[i].driver);
		rc = add_mismatch(c, label, "configuration", strdup(label),
				  NULL, "only in base");
	}
	for (j = 0; j < gn.nr && !rc; j++) {
		char label[160];

		if (gn.v[j].paired)
			continue;
		key_label(label, sizeof(label), &gn.v[j].key, gn.v[j].driver);
		rc = add_mismatch(c, NULL, "configuration", NULL,
				  strdup(label), "only in new");
	}
	rc = rc ?: pair_caveats(c);
	groups_free(&gb);
	groups_free(&gn);
	return rc;
}

void rb_comparison_free(struct rb_comparison *c)
{
	size_t i;

	for (i = 0; i < c->nr_mismatches; i++) {
		free(c->mismatches[i].config);
		free(c->mismatches[i].field);
		free(c->mismatches[i].base);
		free(c->mismatches[i].cand);
		free(c->mismatches[i].action);
	}
	for (i = 0; i < c->nr_fp_diffs; i++) {
		free(c->fp_diffs[i].key);
		free(c->fp_diffs[i].base);
		free(c->fp_diffs[i].cand);
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
			free(c->pairs[i].src[k].cand_raw);
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
			m->cand ? m->cand : "(none)");
	}
	if (fclose(f))
		return NULL;
	return line;
}

/* JSON. Numbers get ten significant digits; non-finite ones are null. */

static struct json_object *num(double x)
{
	char buf[40];

	if (!isfinite(x))
		return NULL;
	snprintf(buf, sizeof(buf), "%.10g", x);
	return json_object_new_double_s(x, buf);
}

static void put(struct json_object *o, const char *key, struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static void put_str(struct json_object *o, const char *key, const char *s)
{
	if (s)
		put(o, key, json_object_new_string(s));
}

static struct json_object *pair_of(double lo, double hi)
{
	struct json_object *a = json_object_new_array();

	json_object_array_add(a, num(lo));
	json_object_array_add(a, num(hi));
	return a;
}

static struct json_object *ratio_json(const struct rb_ratio_ci *r)
{
	struct json_object *o = json_object_new_object();

	put(o, "estimate", num(r->est));
	put(o, "ci95", pair_of(r->lo, r->hi));
	put(o, "bounded", json_object_new_boolean(r->bounded));
	if (r->df > 0)
		put(o, "df", num(r->df));
	return o;
}

static struct json_object *side_json(const struct rb_side_summary *s,
				     const char *unit)
{
	struct json_object *o = rb_stats_to_json(&s->st, unit);

	put(o, "iterations", json_object_new_uint64(s->nr_iterations));
	put(o, "boots", json_object_new_uint64(s->nr_boots));
	return o;
}

static struct json_object *source_json(const struct rb_source_cmp *s,
				       bool primary)
{
	struct json_object *o = json_object_new_object();
	struct json_object *mwu = json_object_new_object();
	struct json_object *notes = json_object_new_array();
	struct json_object *ch;

	put_str(o, "unit", s->desc->unit);
	put(o, "primary", json_object_new_boolean(primary));
	put(o, "quantised", json_object_new_boolean(s->quantised));
	if (s->quantised)
		put(o, "resolution", num(s->resolution));
	put(o, "base", side_json(&s->base, s->desc->unit));
	put(o, "new", side_json(&s->cand, s->desc->unit));

	put(o, "change_mean", num(s->change_mean));
	if (s->has_fieller) {
		ch = ratio_json(&s->fieller);
		put(ch, "change_ci95", pair_of(s->fieller.lo - 1,
					       s->fieller.hi - 1));
		put(o, "fieller", ch);
	}
	if (s->has_welch_log) {
		ch = ratio_json(&s->welch_log.ratio);
		put(ch, "change_ci95", pair_of(s->welch_log.ratio.lo - 1,
					       s->welch_log.ratio.hi - 1));
		put(ch, "t", num(s->welch_log.t));
		put(ch, "p", num(s->welch_log.p));
		put(o, "welch_log", ch);
	}
	put(o, "speedup", num(s->speedup));
	if (s->has_hl) {
		ch = ratio_json(&s->hl);
		put(ch, "meaningful", json_object_new_boolean(s->hl_meaningful));
		put(o, "hodges_lehmann", ch);
	}
	put(mwu, "u", num(s->mwu.u));
	put(mwu, "p", num(s->mwu.p));
	put_str(mwu, "method", s->mwu.exact ? "exact" :
			       "normal, tie-corrected, continuity-corrected");
	put(mwu, "tied_values", json_object_new_uint64(s->mwu.tied_values));
	put(o, "mann_whitney", mwu);
	put_str(o, "verdict", rb_verdict_key(s->verdict));
	put_str(o, "verdict_ci", s->verdict_ci);

	if (s->quantised)
		json_object_array_add(notes, json_object_new_string(
			"jiffy-quantised: Mann-Whitney U and the change of the mean (Fieller, Welch on logs) are meaningful; the median and Hodges-Lehmann collapse onto the jiffy grid; prefer memmap_ns"));
	else if (s->has_hl && !s->hl_meaningful)
		json_object_array_add(notes, json_object_new_string(
			"many tied values: the Hodges-Lehmann interval is not reliable"));
	if (!s->has_hl)
		json_object_array_add(notes, json_object_new_string(
			"zero values: no ratio on logs (Hodges-Lehmann, Welch on logs)"));
	put(o, "notes", notes);
	return o;
}

static struct json_object *key_json(const struct rb_config_key *k,
				    const char *driver)
{
	struct json_object *o = json_object_new_object();

	put_str(o, "driver", driver);
	put_str(o, "mode", k->mode);
	put_str(o, "map", k->map);
	if (k->align)
		put(o, "align", json_object_new_uint64(k->align));
	if (k->size)
		put(o, "size", json_object_new_uint64(k->size));
	if (k->nr_pages)
		put(o, "nr_pages", json_object_new_uint64(k->nr_pages));
	return o;
}

static struct json_object *pair_json(const struct rb_pair *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *srcs = json_object_new_object();
	struct json_object *cold = json_object_new_object();
	size_t i;

	put_str(o, "label", p->label);
	put(o, "target", key_json(&p->key, p->driver));
	put_str(o, "unit_of_replication", p->by_boot ? "boot" : "iteration");
	put(o, "base_boots", json_object_new_uint64(p->base_boots));
	put(o, "new_boots", json_object_new_uint64(p->cand_boots));
	if (p->primary >= 0) {
		put_str(o, "primary_source", p->src[p->primary].desc->key);
		put_str(o, "verdict",
			rb_verdict_key(p->src[p->primary].verdict));
	}
	for (i = 0; i < p->nr_src; i++)
		put(srcs, p->src[i].desc->key,
		    source_json(&p->src[i], (int)i == p->primary));
	put(o, "sources", srcs);
	for (i = 0; i < p->nr_cold; i++) {
		struct json_object *c = json_object_new_object();

		put_str(c, "unit", p->cold[i].desc->unit);
		put(c, "base", num(p->cold[i].base));
		put(c, "new", num(p->cold[i].cand));
		put(c, "base_n", json_object_new_uint64(p->cold[i].nb));
		put(c, "new_n", json_object_new_uint64(p->cold[i].nc));
		put(c, "ratio", num(p->cold[i].ratio));
		put(c, "change", num(p->cold[i].ratio - 1));
		put(cold, p->cold[i].desc->key, c);
	}
	put(o, "cold", cold);
	return o;
}

static struct json_object *files_json(const struct rb_side *s)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	struct json_object *fp = s->docs[0]->fingerprint, *v;
	size_t i;

	for (i = 0; i < s->nr; i++)
		json_object_array_add(a, json_object_new_string(s->paths[i]));
	put(o, "files", a);
	put(o, "boots", json_object_new_uint64(s->nr));
	if (fp && json_object_object_get_ex(fp, "kernel_release", &v))
		put(o, "kernel_release", json_object_get(v));
	return o;
}

struct json_object *rb_comparison_to_json(const struct rb_comparison *c)
{
	struct json_object *o = json_object_new_object();
	struct json_object *set = json_object_new_object();
	struct json_object *a;
	size_t i;

	put_str(o, "schema", RB_COMPARE_SCHEMA_NAME);
	put(o, "schema_version", json_object_new_int(RB_COMPARE_SCHEMA_VERSION));
	put_str(o, "ratio", "new / base");
	put(set, "alpha", num(c->opts.alpha));
	put(set, "noise_threshold", num(c->opts.noise));
	put(set, "confidence", num(CONF));
	put(o, "settings", set);
	put(o, "base", files_json(c->base));
	put(o, "new", files_json(c->cand));
	put(o, "compatible", json_object_new_boolean(c->nr_pairs > 0));

	a = json_object_new_array();
	for (i = 0; i < c->nr_mismatches; i++) {
		const struct rb_mismatch *m = &c->mismatches[i];
		struct json_object *mo = json_object_new_object();

		put_str(mo, "configuration", m->config);
		put_str(mo, "field", m->field);
		put(mo, "base", m->base ? json_object_new_string(m->base) :
					  NULL);
		put(mo, "new", m->cand ? json_object_new_string(m->cand) : NULL);
		put_str(mo, "action", m->action);
		json_object_array_add(a, mo);
	}
	put(o, "mismatches", a);

	a = json_object_new_array();
	for (i = 0; i < c->nr_fp_diffs; i++) {
		struct json_object *d = json_object_new_object();

		put_str(d, "key", c->fp_diffs[i].key);
		put(d, "base", c->fp_diffs[i].base ?
			json_object_new_string(c->fp_diffs[i].base) : NULL);
		put(d, "new", c->fp_diffs[i].cand ?
			json_object_new_string(c->fp_diffs[i].cand) : NULL);
		json_object_array_add(a, d);
	}
	put(o, "fingerprint_differences", a);

	a = json_object_new_array();
	for (i = 0; i < c->nr_caveats; i++)
		json_object_array_add(a, json_object_new_string(c->caveats[i]));
	put(o, "caveats", a);

	a = json_object_new_array();
	for (i = 0; i < c->nr_pairs; i++)
		json_object_array_add(a, pair_json(&c->pairs[i]));
	put(o, "comparisons", a);
	put(o, "regressed", json_object_new_boolean(c->any_regressed));
	return o;
}
