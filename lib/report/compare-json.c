// SPDX-License-Identifier: GPL-2.0
/* The comparison as a JSON document (schema rebind-bench-compare). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"

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
	put(o, "ci", pair_of(r->lo, r->hi));
	put(o, "change_ci", pair_of(r->lo - 1, r->hi - 1));
	put(o, "confidence", num(r->conf));
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

/* How the verdict was reached, and what the data could detect. */
static void put_decision(struct json_object *o, const struct rb_comparison *c,
			 const struct rb_source_cmp *s)
{
	struct json_object *d, *bb;
	char text[400];

	put_str(o, "verdict", rb_verdict_key(s->verdict));
	put_str(o, "verdict_ci", s->verdict_ci);
	rb_verdict_sentence(c, s, text, sizeof(text));
	put_str(o, "verdict_text", text);
	put(o, "capped", json_object_new_boolean(s->capped));
	if (s->has_decisive) {
		d = ratio_json(&s->decisive);
		put_str(d, "method", s->verdict_ci);
		put(d, "widened", json_object_new_boolean(s->widened));
		put(o, "decisive", d);
	}
	put(o, "minimum_detectable_change", num(s->mdc));
	if (!isnan(s->between_sd)) {
		bb = json_object_new_object();
		put(bb, "sd", num(expm1(s->between_sd)));
		put(bb, "boots", json_object_new_uint64(s->between_boots));
		put(o, "between_boot", bb);
	}
	if (s->boots_needed) {
		bb = json_object_new_object();
		put(bb, "change", num(RB_DETECT_CHANGE));
		put(bb, "power", num(RB_POWER));
		put(bb, "boots", json_object_new_uint64(s->boots_needed));
		put(o, "boots_per_kernel_needed", bb);
	}
}

static struct json_object *source_notes(const struct rb_source_cmp *s)
{
	struct json_object *notes = json_object_new_array();

	if (s->quantised)
		json_object_array_add(notes, json_object_new_string(
			"jiffy-quantised: Mann-Whitney U and the change of the mean (trimmed means, Fieller, Welch on logs) are meaningful; the median and Hodges-Lehmann collapse onto the jiffy grid; prefer memmap_ns"));
	else if (s->has_hl && !s->hl_meaningful)
		json_object_array_add(notes, json_object_new_string(
			"many tied values: the Hodges-Lehmann interval is not reliable"));
	if (!s->has_hl)
		json_object_array_add(notes, json_object_new_string(
			"a value is zero or negative: no ratio on logs (Hodges-Lehmann, Welch on logs, trimmed means)"));
	return notes;
}

static struct json_object *source_json(const struct rb_comparison *c,
				       const struct rb_source_cmp *s,
				       bool primary)
{
	struct json_object *o = json_object_new_object();
	struct json_object *mwu = json_object_new_object();
	struct json_object *ch;

	put_str(o, "unit", s->desc->unit);
	put(o, "primary", json_object_new_boolean(primary));
	put(o, "quantised", json_object_new_boolean(s->quantised));
	if (s->quantised)
		put(o, "resolution", num(s->resolution));
	put(o, "base", side_json(&s->base, s->desc->unit));
	put(o, "new", side_json(&s->newer, s->desc->unit));
	put(o, "change_mean", num(s->change_mean));
	if (s->has_fieller)
		put(o, "fieller", ratio_json(&s->fieller));
	if (s->has_welch_log) {
		ch = ratio_json(&s->welch_log.ratio);
		put(ch, "t", num(s->welch_log.t));
		put(ch, "p", num(s->welch_log.p));
		put(o, "welch_log", ch);
	}
	if (s->has_yuen)
		put(o, "yuen", ratio_json(&s->yuen));
	put(o, "speedup", num(s->speedup));
	if (s->has_hl) {
		ch = ratio_json(&s->hl);
		put(ch, "meaningful", json_object_new_boolean(s->hl_meaningful));
		put(o, "hodges_lehmann", ch);
	}
	put(mwu, "u", num(s->mwu.u));
	put(mwu, "p", num(s->mwu.p));
	put_str(mwu, "method", s->mwu.exact ?
		"exact permutation distribution, ties kept" :
		"normal, tie-corrected, continuity-corrected");
	put(mwu, "tied_values", json_object_new_uint64(s->mwu.tied_values));
	put(o, "mann_whitney", mwu);
	put_decision(o, c, s);
	put(o, "notes", source_notes(s));
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

static struct json_object *pair_json(const struct rb_comparison *c,
				     const struct rb_pair *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *srcs = json_object_new_object();
	struct json_object *cold = json_object_new_object();
	size_t i;

	put_str(o, "label", p->label);
	put(o, "target", key_json(&p->key, p->driver));
	put_str(o, "unit_of_replication", p->by_boot ? "boot" : "iteration");
	put(o, "base_boots", json_object_new_uint64(p->base_boots));
	put(o, "new_boots", json_object_new_uint64(p->new_boots));
	if (p->aa_boots)
		put(o, "aa_boots", json_object_new_uint64(p->aa_boots));
	if (p->primary >= 0) {
		put_str(o, "primary_source", p->src[p->primary].desc->key);
		put_str(o, "verdict",
			rb_verdict_key(p->src[p->primary].verdict));
	}
	for (i = 0; i < p->nr_src; i++)
		put(srcs, p->src[i].desc->key,
		    source_json(c, &p->src[i], (int)i == p->primary));
	put(o, "sources", srcs);
	for (i = 0; i < p->nr_cold; i++) {
		struct json_object *co = json_object_new_object();

		put_str(co, "unit", p->cold[i].desc->unit);
		put(co, "base", num(p->cold[i].base));
		put(co, "new", num(p->cold[i].newer));
		put(co, "base_n", json_object_new_uint64(p->cold[i].nb));
		put(co, "new_n", json_object_new_uint64(p->cold[i].nn));
		put(co, "ratio", num(p->cold[i].ratio));
		put(co, "change", num(p->cold[i].ratio - 1));
		put(cold, p->cold[i].desc->key, co);
	}
	put(o, "cold", cold);
	if (p->bd_mask)
		put(o, "breakdown", rb_cmp_breakdown_json(p));
	return o;
}

static struct json_object *side_files_json(const struct rb_comparison *c,
					   const struct rb_side *s, bool newer)
{
	struct json_object *o = json_object_new_object();
	struct json_object *a = json_object_new_array();
	struct json_object *fp = s->docs[0]->fingerprint, *v;
	char title[160];
	size_t i;

	for (i = 0; i < s->nr; i++)
		json_object_array_add(a, json_object_new_string(s->paths[i]));
	put(o, "files", a);
	put(o, "boots", json_object_new_uint64(s->nr));
	if (fp && json_object_object_get_ex(fp, "kernel_release", &v))
		put(o, "kernel_release", json_object_get(v));
	if (fp && json_object_object_get_ex(fp, "kernel_version", &v))
		put(o, "kernel_version", json_object_get(v));
	rb_comparison_side_title(c, newer, title, sizeof(title));
	put_str(o, "title", title);
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
	put(set, "confidence", num(c->opts.confidence));
	put(set, "power", num(RB_POWER));
	put(set, "min_boots", json_object_new_uint64(rb_min_boots(c->opts.alpha)));
	put(o, "settings", set);
	put(o, "base", side_files_json(c, c->base, false));
	put(o, "new", side_files_json(c, c->newer, true));
	put_str(o, "kind", c->same_kernel ? "A/A" : "A/B");
	put(o, "same_kernel", json_object_new_boolean(c->same_kernel));
	if (c->aa_boots)
		put(o, "aa_boots", json_object_new_uint64(c->aa_boots));
	put(o, "compatible", json_object_new_boolean(c->nr_pairs > 0));

	a = json_object_new_array();
	for (i = 0; i < c->nr_mismatches; i++) {
		const struct rb_mismatch *m = &c->mismatches[i];
		struct json_object *mo = json_object_new_object();

		put_str(mo, "configuration", m->config);
		put_str(mo, "field", m->field);
		put(mo, "base", m->base ? json_object_new_string(m->base) :
					  NULL);
		put(mo, "new", m->newer ? json_object_new_string(m->newer) : NULL);
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
		put(d, "new", c->fp_diffs[i].newer ?
			json_object_new_string(c->fp_diffs[i].newer) : NULL);
		json_object_array_add(a, d);
	}
	put(o, "fingerprint_differences", a);

	a = json_object_new_array();
	for (i = 0; i < c->nr_caveats; i++)
		json_object_array_add(a, json_object_new_string(c->caveats[i]));
	put(o, "caveats", a);

	a = json_object_new_array();
	for (i = 0; i < c->nr_pairs; i++)
		json_object_array_add(a, pair_json(c, &c->pairs[i]));
	put(o, "comparisons", a);
	put(o, "regressed", json_object_new_boolean(c->any_regressed));
	return o;
}

