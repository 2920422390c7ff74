// SPDX-License-Identifier: GPL-2.0
/*
 * The fleet report as JSON, a text table or Markdown. Times print in
 * milliseconds whatever the source's unit; the spread across hosts is in
 * ms/GiB when every host has a memmap source, else in the mean's unit.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/fleet.h"
#include "util/text.h"

/* Non-finite numbers are null. */
static struct json_object *num(double x)
{
	return isfinite(x) ? json_object_new_double(x) : NULL;
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

static struct json_object *flags_json(unsigned int flags)
{
	struct json_object *a = json_object_new_array();
	size_t i;

	for (i = 0; i < RB_FLEET_NR_FLAGS; i++)
		if (flags & (1u << i))
			json_object_array_add(a, json_object_new_string(
				rb_fleet_flag_name(1u << i)));
	return a;
}

static struct json_object *verdict_json(const struct rb_fleet_host *h,
					const struct rb_fleet_verdict *v)
{
	struct json_object *o = json_object_new_object();
	const struct rb_source_cmp *s = v->src;

	put_str(o, "file", h->base_path);
	if (!v->has) {
		put_str(o, "verdict", "not_compared");
		put_str(o, "reason", v->why_not);
		return o;
	}
	put_str(o, "verdict", rb_verdict_key(s->verdict));
	put_str(o, "source", s->desc->key);
	put(o, "change_mean", num(s->change_mean));
	if (s->has_fieller && s->fieller.bounded) {
		struct json_object *ci = json_object_new_array();

		json_object_array_add(ci, num(s->fieller.lo - 1));
		json_object_array_add(ci, num(s->fieller.hi - 1));
		put(o, "change_ci95", ci);
	}
	put(o, "p_value", num(s->mwu.p));
	return o;
}

static struct json_object *row_json(const struct rb_fleet *fl,
				    const struct rb_fleet_config *c,
				    const struct rb_fleet_row *r)
{
	const struct rb_fleet_host *h = &fl->hosts[r->host];
	struct json_object *o = json_object_new_object();

	put_str(o, "host", h->name);
	put_str(o, "file", h->path);
	put_str(o, "kernel", h->kernel);
	put_str(o, "dev", r->cfg->target.dev);
	put(o, "size", json_object_new_uint64(r->cfg->target.size));
	put(o, "nr_pages", json_object_new_uint64(r->nr_pages));
	if (r->has_stats)
		put(o, "stats", rb_stats_to_json(&r->st, c->src->unit));
	if (r->has_cold)
		put(o, "cold", num(r->cold));
	if (r->has_norm) {
		put(o, "ns_per_page", num(r->ns_per_page));
		put(o, "ms_per_gib", num(r->ms_per_gib));
	}
	put(o, "flags", flags_json(r->flags));
	if (fl->has_baseline)
		put(o, "baseline", verdict_json(h, &r->verdict));
	return o;
}

static struct json_object *config_json(const struct rb_fleet *fl,
				       const struct rb_fleet_config *c)
{
	struct json_object *o = json_object_new_object(), *rows, *d;
	size_t i;

	put_str(o, "label", c->label);
	put_str(o, "mode", c->mode);
	put_str(o, "map", c->map);
	put(o, "align", json_object_new_uint64(c->align));
	put_str(o, "source", c->src ? c->src->key : NULL);
	put_str(o, "value", c->by_gib ? "ms_per_gib" : "mean");
	if (c->has_dist) {
		d = rb_stats_to_json(&c->dist, c->by_gib ? "ms/GiB" :
					       c->src->unit);
		if (c->has_fences) {
			put(d, "spread_iqr", num(c->dist.p75 - c->dist.p25));
			put(d, "fence_low", num(c->fence_lo));
			put(d, "fence_high", num(c->fence_hi));
		}
		put(o, "distribution", d);
	}
	d = json_object_new_object();
	put(d, "geometry_distinct",
	    json_object_new_uint64(c->geometry.distinct));
	if (c->geometry.has) {
		put(d, "size", json_object_new_uint64(c->size));
		put(d, "nr_pages", json_object_new_uint64(c->nr_pages));
	}
	put(d, "kernel_distinct", json_object_new_uint64(c->kernel.distinct));
	put_str(d, "kernel", c->kernel_release);
	put(o, "majority", d);
	rows = json_object_new_array();
	for (i = 0; i < c->nr_rows; i++)
		json_object_array_add(rows, row_json(fl, c, &c->rows[i]));
	put(o, "hosts", rows);
	return o;
}

struct json_object *rb_fleet_to_json(const struct rb_fleet *fl)
{
	struct json_object *o = json_object_new_object(), *a;
	size_t i;

	put_str(o, "schema", RB_FLEET_SCHEMA_NAME);
	put(o, "schema_version", json_object_new_int(RB_FLEET_SCHEMA_VERSION));
	a = json_object_new_array();
	for (i = 0; i < fl->nr_hosts; i++) {
		const struct rb_fleet_host *h = &fl->hosts[i];
		struct json_object *ho = json_object_new_object();

		put_str(ho, "host", h->name);
		put_str(ho, "file", h->path);
		put_str(ho, "kernel", h->kernel);
		put_str(ho, "error", h->error);
		json_object_array_add(a, ho);
	}
	put(o, "hosts", a);
	a = json_object_new_array();
	for (i = 0; i < fl->nr_configs; i++)
		json_object_array_add(a, config_json(fl, &fl->configs[i]));
	put(o, "configurations", a);
	put(o, "flagged_rows", json_object_new_uint64(fl->nr_flagged));
	put(o, "any_regressed", json_object_new_boolean(fl->any_regressed));
	return o;
}

/* Text forms. */

static void flags_text(char *buf, size_t len, unsigned int flags)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < RB_FLEET_NR_FLAGS && off < len; i++)
		if (flags & (1u << i))
			off += snprintf(buf + off, len - off, "%s%s",
					off ? "," : "",
					rb_fleet_flag_name(1u << i));
}

static void verdict_text(char *buf, size_t len, const struct rb_fleet_row *r)
{
	const struct rb_source_cmp *s = r->verdict.src;

	if (!r->verdict.has)
		snprintf(buf, len, "not compared: %s", r->verdict.why_not);
	else
		snprintf(buf, len, "%s %+.1f%%", rb_verdict_key(s->verdict),
			 100 * s->change_mean);
}

/* The cells of one row, shared by the table and Markdown forms. */
struct cells {
	char cold[24], mean[64], gib[24], flags[160], verdict[96];
};

static void row_cells(const struct rb_fleet_config *c,
		      const struct rb_fleet_row *r, struct cells *x)
{
	const char *u = c->src ? c->src->unit : "ms";

	strcpy(x->cold, "-");
	strcpy(x->mean, "-");
	strcpy(x->gib, "-");
	if (r->has_cold)
		snprintf(x->cold, sizeof(x->cold), "%.2f ms",
			 rb_to_ms(r->cold, u));
	if (r->has_stats && r->st.has_ci)
		snprintf(x->mean, sizeof(x->mean), "%.2f [%.2f, %.2f] ms",
			 rb_to_ms(r->st.mean, u), rb_to_ms(r->st.ci95_lo, u),
			 rb_to_ms(r->st.ci95_hi, u));
	else if (r->has_stats)
		snprintf(x->mean, sizeof(x->mean), "%.2f ms",
			 rb_to_ms(r->st.mean, u));
	if (r->has_norm)
		snprintf(x->gib, sizeof(x->gib), "%.2f", r->ms_per_gib);
	flags_text(x->flags, sizeof(x->flags), r->flags);
	verdict_text(x->verdict, sizeof(x->verdict), r);
}

static void print_summary(FILE *f, const struct rb_fleet_config *c,
			  const char *pre)
{
	const char *unit = c->by_gib ? "ms/GiB" : c->src->unit;

	fprintf(f, "%sacross %zu hosts (%s): median %.2f, IQR %s",
		pre, c->dist.n, unit, c->dist.median,
		c->has_fences ? "" : "n/a (fewer than 4 hosts)");
	if (c->has_fences)
		fprintf(f, "%.2f [%.2f, %.2f], fences [%.2f, %.2f]",
			c->dist.p75 - c->dist.p25, c->dist.p25, c->dist.p75,
			c->fence_lo, c->fence_hi);
	fprintf(f, ", min %.2f, max %.2f\n", c->dist.min, c->dist.max);
}

/* A string of the tree's files (host, kernel) escaped, in @width columns. */
static void put_padded(FILE *f, const char *s, int width)
{
	char *e = rb_text_escape(s);

	fprintf(f, "%-*s", width, e ? e : "?");
	free(e);
}

/* "<pre>host <name>: <error>" for every host that could not be read. */
static void print_errors(FILE *f, const struct rb_fleet *fl, const char *pre,
			 void (*esc)(FILE *, const char *))
{
	size_t i, j;

	for (i = 0, j = 0; i < fl->nr_hosts; i++) {
		if (!fl->hosts[i].error)
			continue;
		fprintf(f, "%s%shost ", j++ ? "" : "\n", pre);
		esc(f, fl->hosts[i].name);
		fputs(": ", f);
		esc(f, fl->hosts[i].error);
		fputc('\n', f);
	}
}

static void print_majority(FILE *f, const struct rb_fleet_config *c,
			   const char *pre, void (*esc)(FILE *, const char *))
{
	if (c->geometry.has)
		fprintf(f, "%smajority geometry: %llu bytes, %llu pages (%zu of %zu hosts)\n",
			pre, (unsigned long long)c->size,
			(unsigned long long)c->nr_pages, c->geometry.count,
			c->nr_rows);
	else
		fprintf(f, "%sgeometry: no majority (%zu distinct)\n", pre,
			c->geometry.distinct);
	if (c->kernel.has) {
		fprintf(f, "%smajority kernel: ", pre);
		esc(f, c->kernel_release ? c->kernel_release : "unknown");
		fprintf(f, " (%zu of %zu hosts)\n", c->kernel.count, c->nr_rows);
	} else
		fprintf(f, "%skernel: no majority (%zu distinct)\n", pre,
			c->kernel.distinct);
}

static void print_human(FILE *f, const struct rb_fleet *fl)
{
	struct cells x;
	size_t i, j;

	for (i = 0; i < fl->nr_configs; i++) {
		const struct rb_fleet_config *c = &fl->configs[i];

		fputs(i ? "\n" : "", f);
		rb_put_text(f, c->label);
		fprintf(f, " (source %s)\n", c->src ? c->src->key : "none");
		fprintf(f, "  %-16s %-18s %10s %-28s %8s  %s\n", "host",
			"kernel", "cold", "mean [95% CI]", "ms/GiB", "flags");
		for (j = 0; j < c->nr_rows; j++) {
			const struct rb_fleet_row *r = &c->rows[j];
			const struct rb_fleet_host *h = &fl->hosts[r->host];

			row_cells(c, r, &x);
			fputs("  ", f);
			put_padded(f, h->name, 16);
			fputc(' ', f);
			put_padded(f, h->kernel ? h->kernel : "?", 18);
			fprintf(f, " %10s %-28s %8s  %s\n", x.cold, x.mean,
				x.gib, x.flags[0] ? x.flags : "-");
			if (fl->has_baseline)
				fprintf(f, "  %-16s baseline: %s\n", "",
					x.verdict);
		}
		if (c->has_dist)
			print_summary(f, c, "  ");
		print_majority(f, c, "  ", rb_put_text);
	}
	print_errors(f, fl, "", rb_put_text);
}

static void print_markdown(FILE *f, const struct rb_fleet *fl)
{
	struct cells x;
	size_t i, j;

	for (i = 0; i < fl->nr_configs; i++) {
		const struct rb_fleet_config *c = &fl->configs[i];

		fprintf(f, "%s### ", i ? "\n" : "");
		rb_put_markdown(f, c->label);
		fprintf(f, " (source `%s`)\n\n", c->src ? c->src->key : "none");
		fprintf(f, "| host | kernel | cold | mean [95%% CI] | ms/GiB | flags |%s\n",
			fl->has_baseline ? " baseline |" : "");
		fprintf(f, "|---|---|---:|---:|---:|---|%s\n",
			fl->has_baseline ? "---|" : "");
		for (j = 0; j < c->nr_rows; j++) {
			const struct rb_fleet_row *r = &c->rows[j];
			const struct rb_fleet_host *h = &fl->hosts[r->host];

			row_cells(c, r, &x);
			fputs("| ", f);
			rb_put_markdown(f, h->name);
			fputs(" | ", f);
			rb_put_markdown(f, h->kernel ? h->kernel : "?");
			fprintf(f, " | %s | %s | %s | %s |", x.cold, x.mean,
				x.gib, x.flags[0] ? x.flags : "");
			if (fl->has_baseline)
				fprintf(f, " %s |", x.verdict);
			fputc('\n', f);
		}
		fputc('\n', f);
		if (c->has_dist)
			print_summary(f, c, "- ");
		print_majority(f, c, "- ", rb_put_markdown);
	}
	print_errors(f, fl, "- ", rb_put_markdown);
}

int rb_fleet_print(const struct rb_fleet *fl, enum rb_compare_format fmt,
		   FILE *f)
{
	struct json_object *o;

	switch (fmt) {
	case RB_CMP_JSON:
		o = rb_fleet_to_json(fl);
		if (!o)
			return -1;
		fprintf(f, "%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
		break;
	case RB_CMP_HUMAN:
		print_human(f, fl);
		break;
	case RB_CMP_MARKDOWN:
		print_markdown(f, fl);
		break;
	default:
		return -1;
	}
	return ferror(f) ? -1 : 0;
}
