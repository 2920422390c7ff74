// SPDX-License-Identifier: GPL-2.0
/*
 * What import tells about a capture: the document's warnings (one
 * sentence each, stable ids) and its foreign_lines, the lines set aside
 * as other devices'.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "klog/import-priv.h"
#include "util/util.h"

/* A group of foreign lines in a few words, appended to @buf. */
static void describe_foreign(char *buf, size_t len, const struct im_foreign *g)
{
	char pages[96] = "", at[48] = "";
	size_t i, o = strlen(buf), n = 0;

	for (i = 0; i < g->nr_pages; i++)
		n += (size_t)snprintf(pages + n, n < sizeof(pages) ?
				      sizeof(pages) - n : 0, "%s%llu",
				      i ? "/" : "",
				      (unsigned long long)g->pages[i]);
	if (g->has_ts)
		snprintf(at, sizeof(at), " at %llu.%06llu s",
			 (unsigned long long)(g->first_ts / 1000000),
			 (unsigned long long)(g->first_ts % 1000000));
	if (o >= len)
		return;
	if (!strcmp(g->source, "page-count"))
		snprintf(buf + o, len - o,
			 "%s%llu of %s pages between the binds of the %llu-page series (first: line %lu%s)",
			 o ? "; " : "", (unsigned long long)g->count, pages,
			 (unsigned long long)g->series_pages, g->first_line,
			 at);
	else
		snprintf(buf + o, len - o,
			 "%s%llu of %s pages from %s%s%s (first: line %lu%s)",
			 o ? "; " : "", (unsigned long long)g->count, pages,
			 g->source, g->dev[0] ? " " : "", g->dev,
			 g->first_line, at);
}

static int warn_foreign(struct rb_document *doc, const struct im_foreigns *f)
{
	char text[1024] = "";
	uint64_t total = 0;
	size_t i;

	if (!f->nr)
		return 0;
	for (i = 0; i < f->nr; i++) {
		total += f->v[i].count;
		if (i < 4)
			describe_foreign(text, sizeof(text), &f->v[i]);
	}
	return rb_warnings_add(&doc->warnings, "foreign-lines",
			       "%llu memmap line(s) of other devices were set aside (foreign_lines): %s%s",
			       (unsigned long long)total, text,
			       f->nr > 4 ? "; and more" : "");
}

static int put(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v)
		return -ENOMEM;
	if (json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *foreign_json(const struct im_foreign *g)
{
	struct json_object *o = json_object_new_object(), *pages;
	size_t i;
	int rc;

	if (!o)
		return NULL;
	rc = put(o, "source", json_object_new_string(g->source));
	if (!rc && g->dev[0])
		rc = put(o, "device", json_object_new_string(g->dev));
	rc = rc ?: put(o, "count", json_object_new_uint64(g->count));
	pages = rc ? NULL : json_object_new_array();
	for (i = 0; pages && i < g->nr_pages; i++)
		if (json_object_array_add(pages,
				json_object_new_uint64(g->pages[i])))
			rc = -ENOMEM;
	rc = rc ?: put(o, "nr_pages", pages);
	rc = rc ?: put(o, "boot", json_object_new_uint64(g->boot + 1));
	rc = rc ?: put(o, "first_line", json_object_new_uint64(g->first_line));
	if (!rc && g->has_ts)
		rc = put(o, "first_kernel_ts_usec",
			 json_object_new_uint64(g->first_ts));
	if (!rc && g->series_pages)
		rc = put(o, "series_nr_pages",
			 json_object_new_uint64(g->series_pages));
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static int set_foreign_json(struct rb_document *doc,
			    const struct im_foreigns *f)
{
	struct json_object *arr;
	size_t i;

	if (!f->nr)
		return 0;
	arr = json_object_new_array();
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < f->nr; i++) {
		struct json_object *o = foreign_json(&f->v[i]);

		if (!o || json_object_array_add(arr, o)) {
			json_object_put(o);
			json_object_put(arr);
			return -ENOMEM;
		}
	}
	doc->foreign_lines = arr;
	return 0;
}

/* Per configuration: one bind only, values below one tick. */
static int warn_configs(struct rb_document *doc)
{
	size_t i, k, zero;
	int rc = 0;

	for (i = 0; i < doc->nr_configs && !rc; i++) {
		struct rb_config_result *cfg = &doc->configs[i];

		zero = cfg->has_cold && !cfg->cold.memmap_ms;
		for (k = 0; k < cfg->nr_samples; k++)
			zero += !cfg->samples[k].memmap_ms;
		if (!cfg->nr_samples)
			rc = rb_warnings_add(&cfg->warnings, "single-bind",
					     "only one bind of %llu pages: it is the cold sample, there is no steady state",
				     (unsigned long long)cfg->cold.nr_pages);
		if (!rc && zero)
			rc = rb_warnings_add(&cfg->warnings, "below-resolution",
					     "%zu bind(s) read 0 ms: below the kernel line's resolution (one jiffy), not a measured zero",
					     zero);
	}
	return rc;
}

/* The HZ the values are consistent with, for the hz-unknown hint. */
static long hz_hint(uint64_t ms_gcd)
{
	switch (ms_gcd) {
	case 4:
		return 250;
	case 10:
		return 100;
	}
	return 0;
}

static int warn_resolution(struct rb_document *doc, uint64_t ms_gcd,
			   long hz)
{
	struct rb_warnings *w = &doc->warnings;

	if (!hz && hz_hint(ms_gcd))
		return rb_warnings_add(w, "hz-unknown",
				       "HZ of the captured kernel is unknown (pass --hz): memmap_ms resolution taken as 1 ms; every value is a multiple of %llu ms, as with HZ=%ld",
			       (unsigned long long)ms_gcd, hz_hint(ms_gcd));
	if (!hz)
		return rb_warnings_add(w, "hz-unknown",
				       "HZ of the captured kernel is unknown (pass --hz): memmap_ms resolution taken as 1 ms");
	/* jiffies_to_msecs() gives exact multiples when HZ divides 1000 */
	if (1000 % hz == 0 && ms_gcd % (uint64_t)(1000 / hz))
		return rb_warnings_add(w, "hz-mismatch",
				       "--hz %ld means %ld ms ticks, but the memmap_ms values are not all multiples of it",
				       hz, 1000 / hz);
	return 0;
}

static int warn_lines(struct rb_warnings *w, const struct im_census *c)
{
	static const struct {
		const char *id, *text;
		size_t off;
	} simple[] = {
		{ "wrapped-lines", "memmap line(s) were wrapped in two and were joined again",
		  offsetof(struct im_census, wrapped) },
		{ "memmap-line-invalid", "memmap line(s) hold numbers that overflow 64 bits and were skipped",
		  offsetof(struct im_census, invalid) },
		{ "lines-filtered", "memmap line(s) left out by --pages or --device",
		  offsetof(struct im_census, filtered) },
	};
	size_t i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(simple) && !rc; i++) {
		const struct line_census *n = (const void *)((const char *)c +
							     simple[i].off);

		if (n->nr)
			rc = rb_warnings_add(w, simple[i].id, "%u %s (first: line %lu)",
				     n->nr, simple[i].text, n->first_line);
	}
	if (!rc && c->truncated.nr)
		rc = rb_warnings_add(w, "truncated-lines",
				     "%u line(s) look truncated (first: line %lu), %u of them memmap lines, which were skipped",
				     c->truncated.nr, c->truncated.first_line,
				     c->cut_memmap.nr);
	return rc;
}

static int warn_log(struct rb_warnings *w, const struct im_census *c)
{
	int rc = 0;

	if (c->seq_gaps.nr)
		rc = rb_warnings_add(w, "kmsg-records-lost",
				     "%llu /dev/kmsg records lost in %u sequence gap(s) (first at line %lu): binds may be missing",
				     (unsigned long long)c->lost_records,
				     c->seq_gaps.nr, c->seq_gaps.first_line);
	if (!rc && c->restarts.nr)
		rc = rb_warnings_add(w, "log-restarted",
				     "the capture holds %u boots (the first restart at line %lu): each boot has its own configurations and cold binds, and compare takes the boots as its units",
			     c->restarts.nr + 1, c->restarts.first_line);
	return rc;
}

int im_warn(struct rb_document *doc, const struct im_census *c,
	    const struct im_foreigns *f, const struct rb_import_opts *opts)
{
	int rc = warn_configs(doc);

	rc = rc ?: warn_resolution(doc, c->ms_gcd, opts->hz);
	rc = rc ?: warn_foreign(doc, f);
	rc = rc ?: set_foreign_json(doc, f);
	if (!rc && !c->pmem_signs)
		rc = rb_warnings_add(&doc->warnings, "no-pmem-signs",
				     "the capture shows no sign of pmem (no nvdimm, nd_pmem, dax_pmem, pmem or namespace messages): its memmap lines may come from a GPU, HMM, P2PDMA, virtio-fs or Xen");
	rc = rc ?: warn_lines(&doc->warnings, c);
	rc = rc ?: warn_log(&doc->warnings, c);
	return rc;
}
