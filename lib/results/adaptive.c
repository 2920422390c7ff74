// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "results/adaptive.h"
#include "results/document.h"
#include "results/loader.h"
#include "results/stats.h"
#include "util/json.h"
#include "util/util.h"

/* Indexed by enum rb_adaptive_stop; the schema's enum of "stopped". */
static const char *const stop_names[] = {
	"precision-reached", "max-runs-reached", "interrupted", "failed", NULL,
};

/* The deciding sources, finest first; the schema's enum of "source". */
static const enum rb_source order[] = {
	RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS,
};
#define NR_ORDER ARRAY_SIZE(order)

/* Written with every digit a request has, achieved figures with 10. */
#define REQ_DIGITS 15
#define FIG_DIGITS 10

void rb_adaptive_init(struct rb_adaptive *a, double precision,
		      unsigned int max_runs)
{
	*a = (struct rb_adaptive){
		.on = true,
		.precision = precision,
		.confidence = RB_ADAPTIVE_CONFIDENCE,
		.min_runs = RB_ADAPTIVE_MIN_RUNS,
		.max_runs = max_runs,
	};
}

bool rb_adaptive_precision(const double *x, size_t n, double confidence,
			   double *out)
{
	struct rb_stats st;
	double t;

	if (n < 2 || rb_stats_compute(x, n, 0, &st) || !(st.mean > 0))
		return false;
	t = rb_t_quantile(1 - (1 - confidence) / 2, (double)(n - 1));
	*out = t * st.stderr_mean / st.mean;
	return true;
}

enum rb_adaptive_stop rb_adaptive_step(struct rb_adaptive *a, const double *x,
				       size_t n, size_t runs)
{
	a->runs = runs;
	a->has_achieved = rb_adaptive_precision(x, n, a->confidence,
						&a->achieved);
	if (runs >= a->min_runs && a->has_achieved &&
	    a->achieved <= a->precision)
		a->stopped = RB_STOP_PRECISION;
	else if (runs >= a->max_runs)
		a->stopped = RB_STOP_MAX_RUNS;
	else
		a->stopped = RB_STOP_NONE;
	return a->stopped;
}

unsigned int rb_adaptive_source(unsigned int have)
{
	size_t i;

	for (i = 0; i < NR_ORDER; i++)
		if (have & order[i])
			return order[i];
	return 0;
}

const char *rb_adaptive_stop_name(enum rb_adaptive_stop s)
{
	return s > RB_STOP_NONE && s <= RB_STOP_FAILED ? stop_names[s - 1] :
							  NULL;
}

struct json_object *rb_adaptive_to_json(const struct rb_adaptive *a,
					size_t runs)
{
	struct json_object *o = json_object_new_object();
	const struct rb_source_desc *sd = rb_source_desc(a->source);
	int rc;

	if (!o)
		return NULL;
	rc = rb_json_put(o, "precision", rb_json_figure(a->precision,
							REQ_DIGITS));
	rc = rc ?: rb_json_put(o, "confidence",
			       rb_json_figure(a->confidence, REQ_DIGITS));
	rc = rc ?: rb_json_put_u64(o, "min_runs", a->min_runs);
	rc = rc ?: rb_json_put_u64(o, "max_runs", a->max_runs);
	rc = rc ?: rb_json_put_str(o, "source", sd ? sd->key : NULL);
	rc = rc ?: rb_json_put_str(o, "stopped",
				   rb_adaptive_stop_name(a->stopped));
	if (!rc && a->has_achieved)
		rc = rb_json_put(o, "achieved_precision",
				 rb_json_figure(a->achieved, FIG_DIGITS));
	rc = rc ?: rb_json_put_u64(o, "runs", runs);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* A number member (integer or not) in the open interval (@lo, @hi). */
static bool get_number(struct loader *ld, struct json_object *o,
		       const char *where, const char *key, bool required,
		       double lo, double hi, double *out)
{
	struct json_object *v;

	if (ld->failed)
		return false;
	if (!json_object_object_get_ex(o, key, &v)) {
		if (required)
			ld_fail(ld, where, "missing \"%s\"", key);
		return false;
	}
	if (!json_object_is_type(v, json_type_double) &&
	    !json_object_is_type(v, json_type_int))
		return ld_fail(ld, where, "%s: expected a number, got %s", key,
			       ld_type_name(v));
	*out = json_object_get_double(v);
	if (!(*out > lo && *out < hi))
		return ld_fail(ld, where, "%s %g is out of range", key, *out);
	return true;
}

/* The source and the reason, by name, into @a. */
static bool parse_names(struct loader *ld, struct json_object *o,
			const char *where, struct rb_adaptive *a)
{
	static const char *const sources[] = {
		"memmap_ns", "memmap_ms", "bind_ns", NULL,
	};
	char *source = NULL, *stopped = NULL;
	size_t i;

	ld_get_str(ld, o, where, "source", false, &source);
	ld_get_str(ld, o, where, "stopped", true, &stopped);
	ld_one_of(ld, where, "source", source, sources);
	ld_one_of(ld, where, "stopped", stopped, stop_names);
	for (i = 0; source && !ld->failed && i < NR_ORDER; i++)
		if (!strcmp(source, rb_source_desc(order[i])->key))
			a->source = order[i];
	for (i = 0; stopped && !ld->failed && stop_names[i]; i++)
		if (!strcmp(stopped, stop_names[i]))
			a->stopped = i + 1;
	free(source);
	free(stopped);
	return !ld->failed;
}

/* The reason must follow from the figures it was decided on. */
static bool check_reason(struct loader *ld, const char *where,
			 const struct rb_adaptive *a)
{
	if (a->max_runs < a->min_runs)
		return ld_fail(ld, where, "max_runs %u is below min_runs %u",
			       a->max_runs, a->min_runs);
	if (a->runs > a->max_runs)
		return ld_fail(ld, where, "runs %u exceed max_runs %u",
			       a->runs, a->max_runs);
	if (a->stopped == RB_STOP_PRECISION &&
	    (a->runs < a->min_runs || !a->has_achieved ||
	     a->achieved > a->precision * (1 + 1e-9)))
		return ld_fail(ld, where,
			       "stopped \"precision-reached\" but the achieved precision or the runs do not say so");
	if (a->stopped == RB_STOP_MAX_RUNS && a->runs != a->max_runs)
		return ld_fail(ld, where,
			       "stopped \"max-runs-reached\" after %u of %u runs",
			       a->runs, a->max_runs);
	return true;
}

bool rb_adaptive_parse(struct loader *ld, struct json_object *set,
		       const char *where, unsigned int settings_runs,
		       struct rb_adaptive *a)
{
	struct json_object *o = ld_member(ld, set, where, "adaptive",
					  json_type_object, false);
	char path[256];

	memset(a, 0, sizeof(*a));
	if (!o)
		return !ld->failed;
	ld_sub_path(path, sizeof(path), where, "adaptive");
	a->on = true;
	get_number(ld, o, path, "precision", true, 0, 1, &a->precision);
	get_number(ld, o, path, "confidence", true, 0, 1, &a->confidence);
	ld_get_uint(ld, o, path, "min_runs", true, &a->min_runs);
	ld_get_uint(ld, o, path, "max_runs", true, &a->max_runs);
	ld_get_uint(ld, o, path, "runs", true, &a->runs);
	/* >= 0: zero spread is a precision of 0 */
	a->has_achieved = get_number(ld, o, path, "achieved_precision", false,
				     -1e-300, INFINITY, &a->achieved);
	if (!parse_names(ld, o, path, a))
		return false;
	if (a->min_runs < 2)
		return ld_fail(ld, path, "min_runs %u is below 2", a->min_runs);
	if (a->max_runs != settings_runs)
		return ld_fail(ld, path, "max_runs %u is not settings.runs %u",
			       a->max_runs, settings_runs);
	return check_reason(ld, path, a);
}

bool rb_adaptive_check_runs(struct loader *ld, const char *where,
			    const struct rb_adaptive *a, size_t nr_samples)
{
	if (!a->on || ld->failed)
		return !ld->failed;
	if (a->runs != nr_samples)
		return ld_fail(ld, where,
			       "settings.adaptive.runs %u but %zu samples",
			       a->runs, nr_samples);
	return true;
}
