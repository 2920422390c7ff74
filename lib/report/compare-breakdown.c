// SPDX-License-Identifier: GPL-2.0
/*
 * --breakdown in compare: per side, the mean share of the bind that each
 * probed function took over the steady samples of every boot, as a tree.
 * No test: the shares describe where the time goes, the verdict stays
 * with the timing sources.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/compare-priv.h"
#include "report/compare-text.h"
#include "util/json.h"

#define NESTING_NOTE "a function runs inside the one above it: the shares of nested functions are not additive"

static void side_summary(struct rb_bd_summary *sum,
			 const struct rb_cmp_group *g, int fn)
{
	size_t i;

	memset(sum, 0, sizeof(*sum));
	for (i = 0; i < g->nr; i++)
		rb_bd_summary_add(sum, g->cfgs[i], fn);
}

void rb_cmp_pair_breakdown(struct rb_pair *p, const struct rb_cmp_group *b,
			   const struct rb_cmp_group *n)
{
	int fn;

	p->bd_mask = 0;
	for (fn = 0; fn < RB_NR_BD; fn++) {
		side_summary(&p->bd[fn].base, b, fn);
		side_summary(&p->bd[fn].newer, n, fn);
		if (p->bd[fn].base.n || p->bd[fn].newer.n)
			p->bd_mask |= 1u << fn;
	}
}

/* "91.2% 12.3 ms" or "-" for a side without the function. */
static void side_text(char *buf, size_t len, const struct rb_bd_summary *s)
{
	char t[32];
	double ns = rb_bd_summary_ns(s);

	if (!s->n) {
		snprintf(buf, len, "-");
		return;
	}
	rb_format_time(t, sizeof(t), ns, ns, "ns", -1);
	snprintf(buf, len, "%5.1f%% %s", 100 * rb_bd_summary_share(s), t);
}

void rb_cmp_print_breakdown(FILE *f, const struct rb_pair *p)
{
	char name[64], b[48], n[48];
	int fn, d;

	if (!p->bd_mask)
		return;
	fprintf(f, "  breakdown: share of the bind's wall time, steady-state mean\n");
	fprintf(f, "  (%s)\n", NESTING_NOTE);
	fprintf(f, "    %-34s %-20s %s\n", "function", "base", "new");
	for (fn = 0; fn < RB_NR_BD; fn++) {
		if (!(p->bd_mask & (1u << fn)))
			continue;
		d = rb_bd_depth(fn, p->bd_mask);
		snprintf(name, sizeof(name), "%*s%s", 2 * d, "",
			 rb_bd_fns[fn].func);
		side_text(b, sizeof(b), &p->bd[fn].base);
		side_text(n, sizeof(n), &p->bd[fn].newer);
		fprintf(f, "    %-34s %-20s %s\n", name, b, n);
	}
}

static struct json_object *side_json(const struct rb_bd_summary *s)
{
	double share = rb_bd_summary_share(s), ns = rb_bd_summary_ns(s);
	double calls = rb_bd_summary_calls(s);
	struct json_object *o;

	if (!s->n)
		return NULL;
	o = json_object_new_object();
	if (!o || rb_json_put_u64(o, "n", s->n) ||
	    rb_json_put(o, "share", rb_json_figure(share, 6)) ||
	    rb_json_put(o, "mean_ns", rb_json_figure(ns, 10)) ||
	    rb_json_put(o, "calls", rb_json_figure(calls, 6))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *fn_json(const struct rb_pair *p, int fn)
{
	struct json_object *o = json_object_new_object();
	int parent = rb_bd_parent(fn, p->bd_mask);

	if (!o)
		return NULL;
	rb_json_put_str(o, "function", rb_bd_fns[fn].func);
	rb_json_put_str(o, "parent",
			parent >= 0 ? rb_bd_fns[parent].func : NULL);
	rb_json_put_u64(o, "depth", rb_bd_depth(fn, p->bd_mask));
	if (p->bd[fn].base.n)
		rb_json_put(o, "base", side_json(&p->bd[fn].base));
	if (p->bd[fn].newer.n)
		rb_json_put(o, "new", side_json(&p->bd[fn].newer));
	return o;
}

struct json_object *rb_cmp_breakdown_json(const struct rb_pair *p)
{
	struct json_object *o, *arr;
	int fn;

	if (!p->bd_mask)
		return NULL;
	o = json_object_new_object();
	arr = json_object_new_array();
	if (!o || !arr) {
		json_object_put(o);
		json_object_put(arr);
		return NULL;
	}
	rb_json_put_str(o, "share_of", "bind_ns");
	rb_json_put_str(o, "nesting", NESTING_NOTE);
	for (fn = 0; fn < RB_NR_BD; fn++)
		if (p->bd_mask & (1u << fn))
			rb_json_append(arr, fn_json(p, fn));
	rb_json_put(o, "functions", arr);
	return o;
}
