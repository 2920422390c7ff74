// SPDX-License-Identifier: GPL-2.0
/*
 * The --breakdown figures of a results document: the call tree, the share
 * arithmetic, and their JSON in both directions. The share is derived
 * (time / bind_ns), so it is checked on load and recomputed on output.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/breakdown.h"
#include "util/json.h"

const struct rb_bd_desc rb_bd_fns[RB_NR_BD] = {
	[RB_BD_MEMREMAP_PAGES] = { "memremap_pages", -1 },
	[RB_BD_PAGEMAP_RANGE] = { "pagemap_range", RB_BD_MEMREMAP_PAGES },
	[RB_BD_ARCH_ADD_MEMORY] = { "arch_add_memory", RB_BD_PAGEMAP_RANGE },
	[RB_BD_MOVE_PFN_RANGE] = { "move_pfn_range_to_zone",
				   RB_BD_PAGEMAP_RANGE },
	[RB_BD_MEMMAP_INIT] = { "memmap_init_zone_device",
				RB_BD_PAGEMAP_RANGE },
};

/* Written with this many significant digits; the load check allows it. */
#define SHARE_DIGITS 6
#define SHARE_TOLERANCE 1e-5

int rb_bd_by_name(const char *func)
{
	int i;

	for (i = 0; func && i < RB_NR_BD; i++)
		if (!strcmp(rb_bd_fns[i].func, func))
			return i;
	return -1;
}

int rb_bd_parent(int fn, unsigned int mask)
{
	int p = rb_bd_fns[fn].parent;

	while (p >= 0 && !(mask & (1u << p)))
		p = rb_bd_fns[p].parent;
	return p;
}

int rb_bd_depth(int fn, unsigned int mask)
{
	int d = 0, p = fn;

	while ((p = rb_bd_parent(p, mask)) >= 0)
		d++;
	return d;
}

bool rb_bd_share(const struct rb_sample *s, int fn, double *share)
{
	if (fn < 0 || fn >= RB_NR_BD || !(s->bd_have & (1u << fn)) ||
	    !(s->have & RB_SRC_BIND_NS) || !s->bind_ns)
		return false;
	*share = (double)s->bd[fn].ns / (double)s->bind_ns;
	return true;
}

void rb_bd_summary_add(struct rb_bd_summary *sum,
		       const struct rb_config_result *cfg, int fn)
{
	size_t i;
	double share;

	for (i = 0; i < cfg->nr_samples; i++) {
		const struct rb_sample *s = &cfg->samples[i];

		if (!rb_bd_share(s, fn, &share))
			continue;
		sum->n++;
		sum->share_sum += share;
		sum->ns_sum += (double)s->bd[fn].ns;
		sum->calls_sum += s->bd[fn].calls;
	}
}

double rb_bd_summary_share(const struct rb_bd_summary *sum)
{
	return sum->n ? sum->share_sum / sum->n : NAN;
}

double rb_bd_summary_ns(const struct rb_bd_summary *sum)
{
	return sum->n ? sum->ns_sum / sum->n : NAN;
}

double rb_bd_summary_calls(const struct rb_bd_summary *sum)
{
	return sum->n ? sum->calls_sum / sum->n : NAN;
}

/* Saving. */

static struct json_object *time_to_json(const struct rb_sample *s, int fn)
{
	struct json_object *o = json_object_new_object();
	double share;
	int rc;

	if (!o)
		return NULL;
	rc = rb_json_put_u64(o, "ns", s->bd[fn].ns);
	rc = rc ?: rb_json_put_u64(o, "calls", s->bd[fn].calls);
	if (!rc && rb_bd_share(s, fn, &share))
		rc = rb_json_put(o, "share",
				 rb_json_figure(share, SHARE_DIGITS));
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *rb_bd_sample_to_json(const struct rb_sample *s)
{
	struct json_object *o = json_object_new_object();
	int i;

	for (i = 0; o && i < RB_NR_BD; i++) {
		if (!(s->bd_have & (1u << i)))
			continue;
		if (rb_json_put(o, rb_bd_fns[i].func, time_to_json(s, i))) {
			json_object_put(o);
			return NULL;
		}
	}
	return o;
}

struct json_object *rb_bd_names_to_json(unsigned int mask)
{
	struct json_object *arr = json_object_new_array();
	int i;

	for (i = 0; arr && i < RB_NR_BD; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (rb_json_append(arr,
				   json_object_new_string(rb_bd_fns[i].func))) {
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

bool rb_bd_any_missing(const struct rb_config_result *cfg)
{
	int i;

	for (i = 0; i < RB_NR_BD; i++)
		if (cfg->bd_missing[i])
			return true;
	return false;
}

struct json_object *rb_bd_missing_to_json(const struct rb_config_result *cfg)
{
	struct json_object *arr = json_object_new_array();
	int i;

	for (i = 0; arr && i < RB_NR_BD; i++) {
		struct json_object *m;

		if (!cfg->bd_missing[i])
			continue;
		m = json_object_new_object();
		if (!m || rb_json_put_str(m, "function", rb_bd_fns[i].func) ||
		    rb_json_put_str(m, "reason", cfg->bd_missing[i]) ||
		    rb_json_append(arr, m)) {
			json_object_put(m);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

/* Loading. */

/* A known function name at @where; its index, or -1 after ld_fail(). */
static int known_fn(struct loader *ld, const char *where, const char *name)
{
	int fn = rb_bd_by_name(name);

	if (fn < 0)
		ld_fail(ld, where, "unknown breakdown function \"%s\"", name);
	return fn;
}

/* The optional "share" of @fn: a number equal to ns / bind_ns. */
static bool check_share(struct loader *ld, struct json_object *t,
			const char *path, const struct rb_sample *s, int fn)
{
	struct json_object *v;
	double got, want;

	if (!json_object_object_get_ex(t, "share", &v))
		return true;
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return ld_fail(ld, path, "share: expected a number, got %s",
			       ld_type_name(v));
	got = json_object_get_double(v);
	if (!rb_bd_share(s, fn, &want))
		return ld_fail(ld, path,
			       "share without a bind_ns to divide by");
	if (!isfinite(got) || got < 0 ||
	    fabs(got - want) > SHARE_TOLERANCE * (want > 1 ? want : 1))
		return ld_fail(ld, path, "share %g is not ns / bind_ns (%g)",
			       got, want);
	return true;
}

static bool parse_time(struct loader *ld, struct json_object *t,
		       const char *path, struct rb_sample *s, int fn)
{
	uint64_t ns = 0, calls = 0;

	if (!json_object_is_type(t, json_type_object))
		return ld_fail(ld, path, "expected an object, got %s",
			       ld_type_name(t));
	ld_get_u64(ld, t, path, "ns", true, RB_MAX_NS, &ns);
	ld_get_u64(ld, t, path, "calls", true, RB_BD_MAX_CALLS, &calls);
	if (ld->failed)
		return false;
	if (!calls && ns)
		return ld_fail(ld, path, "%llu ns in 0 calls",
			       (unsigned long long)ns);
	s->bd[fn].ns = ns;
	s->bd[fn].calls = calls;
	s->bd_have |= 1u << fn;
	return check_share(ld, t, path, s, fn);
}

bool rb_bd_parse_sample(struct loader *ld, struct json_object *o,
			const char *where, struct rb_sample *s)
{
	struct json_object *bd = ld_member(ld, o, where, "breakdown",
					   json_type_object, false);
	char path[256], sub[320];

	if (!bd)
		return !ld->failed;
	ld_sub_path(path, sizeof(path), where, "breakdown");
	{
		json_object_object_foreach(bd, key, val) {
			int fn;

			if (!ld_safe_string(ld, path, key, strlen(key)))
				return false;
			fn = known_fn(ld, path, key);
			if (fn < 0)
				return false;
			ld_sub_path(sub, sizeof(sub), path, key);
			if (!parse_time(ld, val, sub, s, fn))
				return false;
		}
	}
	return true;
}

bool rb_bd_parse_names(struct loader *ld, struct json_object *arr,
		       const char *where, unsigned int *mask)
{
	size_t i, n = json_object_array_length(arr);

	*mask = 0;
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		int fn;

		if (!json_object_is_type(e, json_type_string))
			return ld_fail(ld, where,
				       "[%zu]: expected a string, got %s", i,
				       ld_type_name(e));
		if (!ld_safe_string(ld, where, json_object_get_string(e),
				    json_object_get_string_len(e)))
			return false;
		fn = known_fn(ld, where, json_object_get_string(e));
		if (fn < 0)
			return false;
		if (*mask & (1u << fn))
			return ld_fail(ld, where, "\"%s\" listed twice",
				       rb_bd_fns[fn].func);
		*mask |= 1u << fn;
	}
	return true;
}

bool rb_bd_parse_missing(struct loader *ld, struct json_object *o,
			 const char *where, struct rb_config_result *cfg)
{
	struct json_object *arr = ld_member(ld, o, where, "breakdown_missing",
					    json_type_array, false);
	size_t i, n;
	char path[256];

	if (!arr)
		return !ld->failed;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char *func = NULL, *reason = NULL;
		int fn = -1;

		snprintf(path, sizeof(path), "%s.breakdown_missing[%zu]",
			 where, i);
		if (!json_object_is_type(e, json_type_object))
			return ld_fail(ld, path, "expected an object, got %s",
				       ld_type_name(e));
		ld_get_str(ld, e, path, "function", true, &func);
		ld_get_str(ld, e, path, "reason", true, &reason);
		if (!ld->failed)
			fn = known_fn(ld, path, func);
		if (fn >= 0 && (cfg->bd_missing[fn] ||
				(cfg->settings.breakdown & (1u << fn))))
			ld_fail(ld, path, "\"%s\" is both probed and missing, or missing twice",
				func);
		if (!ld->failed)
			cfg->bd_missing[fn] = reason;
		else
			free(reason);
		free(func);
		if (ld->failed)
			return false;
	}
	return true;
}

static bool check_sample(struct loader *ld, const char *where,
			 const char *what, size_t i,
			 const struct rb_sample *s, unsigned int probed)
{
	unsigned int extra = s->bd_have & ~probed;
	int fn;

	if (!extra)
		return true;
	fn = __builtin_ctz(extra);
	return ld_fail(ld, where, "%s[%zu] has a breakdown of %s, which settings.breakdown does not list",
		       what, i, rb_bd_fns[fn].func);
}

bool rb_bd_check_config(struct loader *ld, const char *where,
			const struct rb_config_result *cfg)
{
	unsigned int probed = cfg->settings.breakdown;
	size_t i;

	if (ld->failed)
		return false;
	if (cfg->has_cold &&
	    !check_sample(ld, where, "cold", 0, &cfg->cold, probed))
		return false;
	for (i = 0; i < cfg->nr_warmups; i++)
		if (!check_sample(ld, where, "warmup", i, &cfg->warmups[i],
				  probed))
			return false;
	for (i = 0; i < cfg->nr_samples; i++)
		if (!check_sample(ld, where, "samples", i, &cfg->samples[i],
				  probed))
			return false;
	return true;
}
