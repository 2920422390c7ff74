// SPDX-License-Identifier: GPL-2.0
/*
 * The results document in memory and its JSON form. Statistics and the
 * normalised figures are derived here at serialisation time, so a document
 * loaded back and written again yields the same JSON.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "results/document.h"
#include "results/stats.h"

const struct rb_source_desc rb_sources[RB_NR_SOURCES] = {
	{ RB_SRC_MEMMAP_MS, "memmap_ms", "ms" },
	{ RB_SRC_MEMMAP_NS, "memmap_ns", "ns" },
	{ RB_SRC_UNBIND_NS, "unbind_ns", "ns" },
	{ RB_SRC_BIND_NS, "bind_ns", "ns" },
};

/* The kernel line counts struct pages of PAGE_SIZE; x86_64 unless told. */
#define RB_DEFAULT_PAGE_SIZE 4096

const struct rb_source_desc *rb_source_desc(enum rb_source src)
{
	int i;

	for (i = 0; i < RB_NR_SOURCES; i++)
		if (rb_sources[i].bit == src)
			return &rb_sources[i];
	return NULL;
}

const struct rb_source_desc *rb_source_by_key(const char *key)
{
	int i;

	for (i = 0; i < RB_NR_SOURCES; i++)
		if (!strcmp(rb_sources[i].key, key))
			return &rb_sources[i];
	return NULL;
}

uint64_t rb_sample_value(const struct rb_sample *s, enum rb_source src)
{
	switch (src) {
	case RB_SRC_MEMMAP_MS:
		return s->memmap_ms;
	case RB_SRC_MEMMAP_NS:
		return s->memmap_ns;
	case RB_SRC_UNBIND_NS:
		return s->unbind_ns;
	case RB_SRC_BIND_NS:
		return s->bind_ns;
	}
	return 0;
}

void rb_sample_set(struct rb_sample *s, enum rb_source src, uint64_t value)
{
	switch (src) {
	case RB_SRC_MEMMAP_MS:
		s->memmap_ms = value;
		break;
	case RB_SRC_MEMMAP_NS:
		s->memmap_ns = value;
		break;
	case RB_SRC_UNBIND_NS:
		s->unbind_ns = value;
		break;
	case RB_SRC_BIND_NS:
		s->bind_ns = value;
		break;
	default:
		return;
	}
	s->have |= src;
}

/* Allocation helpers. */

static void iso8601_now(char *buf, size_t len)
{
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

struct rb_document *rb_document_new(const char *tool_name, const char *origin)
{
	struct rb_document *doc = calloc(1, sizeof(*doc));
	char ts[32];

	if (!doc)
		return NULL;
	iso8601_now(ts, sizeof(ts));
	doc->tool_name = strdup(tool_name ? tool_name : "rebind-bench");
	doc->tool_version = strdup(RB_VERSION);
	doc->timestamp = strdup(ts);
	doc->origin = strdup(origin ? origin : "live");
	doc->complete = true;
	if (!doc->tool_name || !doc->tool_version || !doc->timestamp ||
	    !doc->origin) {
		rb_document_free(doc);
		return NULL;
	}
	return doc;
}

void rb_warnings_free(struct rb_warnings *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++) {
		free(w->v[i].id);
		free(w->v[i].text);
	}
	free(w->v);
	memset(w, 0, sizeof(*w));
}

void rb_target_desc_clear(struct rb_target_desc *t)
{
	free(t->dev);
	free(t->mode);
	free(t->map);
	free(t->bind_dev);
	free(t->bind_bus);
	free(t->driver);
	free(t->region);
	free(t->namespace);
	free(t->chardev);
	free(t->blockdev);
	memset(t, 0, sizeof(*t));
	t->numa_node = -1;
}

static void config_free(struct rb_config_result *cfg)
{
	size_t i;

	rb_target_desc_clear(&cfg->target);
	free(cfg->settings.method);
	free(cfg->warmups);
	free(cfg->samples);
	for (i = 0; i < cfg->nr_missing; i++)
		free(cfg->missing[i].reason);
	rb_warnings_free(&cfg->warnings);
}

void rb_document_free(struct rb_document *doc)
{
	size_t i;

	if (!doc)
		return;
	free(doc->tool_name);
	free(doc->tool_version);
	free(doc->timestamp);
	free(doc->origin);
	free(doc->import_file);
	json_object_put(doc->fingerprint);
	json_object_put(doc->foreign_lines);
	rb_warnings_free(&doc->warnings);
	for (i = 0; i < doc->nr_configs; i++)
		config_free(&doc->configs[i]);
	free(doc->configs);
	free(doc);
}

/* Grow @*v (of @size-byte elements) so that one more fits. */
static int grow(void **v, size_t *alloc, size_t nr, size_t size)
{
	size_t n;
	void *p;

	if (nr < *alloc)
		return 0;
	n = *alloc ? 2 * *alloc : 8;
	p = reallocarray(*v, n, size);
	if (!p)
		return -ENOMEM;
	*v = p;
	*alloc = n;
	return 0;
}

struct rb_config_result *rb_document_add_config(struct rb_document *doc)
{
	struct rb_config_result *cfg;

	if (grow((void **)&doc->configs, &doc->alloc_configs, doc->nr_configs,
		 sizeof(*doc->configs)))
		return NULL;
	cfg = &doc->configs[doc->nr_configs++];
	memset(cfg, 0, sizeof(*cfg));
	cfg->target.numa_node = -1;
	cfg->complete = true;
	return cfg;
}

int rb_config_add_sample(struct rb_config_result *cfg,
			 const struct rb_sample *s)
{
	if (grow((void **)&cfg->samples, &cfg->alloc_samples, cfg->nr_samples,
		 sizeof(*s)))
		return -ENOMEM;
	cfg->samples[cfg->nr_samples++] = *s;
	return 0;
}

int rb_config_add_warmup(struct rb_config_result *cfg,
			 const struct rb_sample *s)
{
	if (grow((void **)&cfg->warmups, &cfg->alloc_warmups, cfg->nr_warmups,
		 sizeof(*s)))
		return -ENOMEM;
	cfg->warmups[cfg->nr_warmups++] = *s;
	return 0;
}

void rb_config_set_missing(struct rb_config_result *cfg, enum rb_source src,
			   const char *reason)
{
	struct rb_missing *m = NULL;
	size_t i;

	for (i = 0; i < cfg->nr_missing; i++)
		if (cfg->missing[i].source == src)
			m = &cfg->missing[i];
	if (!m) {
		if (cfg->nr_missing == RB_NR_SOURCES || !rb_source_desc(src))
			return;
		m = &cfg->missing[cfg->nr_missing++];
		m->source = src;
		m->reason = NULL;
	}
	free(m->reason);
	m->reason = strdup(reason ? reason : "unavailable");
}

static const struct rb_warning *warning_find(const struct rb_warnings *w,
					     const char *id)
{
	size_t i;

	for (i = 0; i < w->nr; i++)
		if (!strcmp(w->v[i].id, id))
			return &w->v[i];
	return NULL;
}

bool rb_warnings_has(const struct rb_warnings *w, const char *id)
{
	return warning_find(w, id) != NULL;
}

static int warnings_add(struct rb_warnings *w, const char *id,
			const char *text)
{
	const struct rb_warning *old = warning_find(w, id);
	struct rb_warning *nw;

	/* The same finding twice (e.g. two guard passes) is one warning. */
	if (old && !strcmp(old->text, text))
		return 0;
	if (grow((void **)&w->v, &w->alloc, w->nr, sizeof(*w->v)))
		return -ENOMEM;
	nw = &w->v[w->nr];
	nw->id = strdup(id);
	nw->text = strdup(text);
	if (!nw->id || !nw->text) {
		free(nw->id);
		free(nw->text);
		return -ENOMEM;
	}
	w->nr++;
	return 0;
}

int rb_warn(struct rb_warnings *w, const char *id, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	rc = warnings_add(w, id, text);
	free(text);
	return rc;
}

size_t rb_config_values(const struct rb_config_result *cfg,
			enum rb_source src, double *out)
{
	size_t i, n = 0;

	for (i = 0; i < cfg->nr_samples; i++)
		if (cfg->samples[i].have & src)
			out[n++] = (double)rb_sample_value(&cfg->samples[i],
							   src);
	return n;
}

bool rb_config_nr_pages(const struct rb_config_result *cfg,
			uint64_t *nr_pages)
{
	size_t i;

	if (!cfg->nr_samples || !cfg->samples[0].nr_pages)
		return false;
	for (i = 1; i < cfg->nr_samples; i++)
		if (cfg->samples[i].nr_pages != cfg->samples[0].nr_pages)
			return false;
	*nr_pages = cfg->samples[0].nr_pages;
	return true;
}

/* The @i-th bind: the cold one, the warmups, then the steady state. */
static const struct rb_sample *config_sample(const struct rb_config_result *cfg,
					     size_t i)
{
	if (cfg->has_cold) {
		if (i == 0)
			return &cfg->cold;
		i--;
	}
	if (i < cfg->nr_warmups)
		return &cfg->warmups[i];
	i -= cfg->nr_warmups;
	return i < cfg->nr_samples ? &cfg->samples[i] : NULL;
}

int rb_config_check(const struct rb_config_result *cfg,
		    struct rb_warnings *out)
{
	const struct rb_sample *s, *first = NULL, *odd = NULL;
	uint64_t expected = cfg->target.expected_nr_pages;
	const struct rb_sample *unexpected = NULL;
	size_t i, nr_odd = 0, nr_unexpected = 0;
	int added = 0, rc;

	for (i = 0; (s = config_sample(cfg, i)); i++) {
		/* Binds without a kernel line carry no page count. */
		if (!s->nr_pages)
			continue;
		if (!first)
			first = s;
		else if (s->nr_pages != first->nr_pages && !nr_odd++)
			odd = s;
		if (expected && s->nr_pages != expected && !nr_unexpected++)
			unexpected = s;
	}
	if (odd && !rb_warnings_has(&cfg->warnings, "nr-pages-inconsistent")) {
		rc = rb_warn(out, "nr-pages-inconsistent",
			     "nr_pages changed between binds: iteration %u has %llu, iteration %u has %llu; %zu bind(s) differ from the first",
			     first->iter, (unsigned long long)first->nr_pages,
			     odd->iter, (unsigned long long)odd->nr_pages,
			     nr_odd);
		if (rc < 0)
			return rc;
		added++;
	}
	if (unexpected &&
	    !rb_warnings_has(&cfg->warnings, "nr-pages-unexpected")) {
		rc = rb_warn(out, "nr-pages-unexpected",
			     "iteration %u initialised %llu pages where the geometry predicts %llu; %zu bind(s) differ",
			     unexpected->iter,
			     (unsigned long long)unexpected->nr_pages,
			     (unsigned long long)expected, nr_unexpected);
		if (rc < 0)
			return rc;
		added++;
	}
	return added;
}

static long fingerprint_long(const struct rb_document *doc, const char *key)
{
	struct json_object *v;

	if (!doc->fingerprint ||
	    !json_object_object_get_ex(doc->fingerprint, key, &v) ||
	    !json_object_is_type(v, json_type_int))
		return 0;
	return json_object_get_int64(v) > 0 ? json_object_get_int64(v) : 0;
}

long rb_document_hz(const struct rb_document *doc)
{
	return fingerprint_long(doc, "hz");
}

long rb_document_page_size(const struct rb_document *doc)
{
	return fingerprint_long(doc, "page_size");
}

double rb_source_resolution(const struct rb_document *doc,
			    enum rb_source src)
{
	long hz = rb_document_hz(doc);

	if (src != RB_SRC_MEMMAP_MS)
		return 0;
	return hz ? 1000.0 / hz : 1.0;
}

/* Serialisation. */

static int add_str(struct json_object *o, const char *key, const char *val)
{
	struct json_object *v;

	if (!val)
		return 0;
	v = json_object_new_string(val);
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_u64(struct json_object *o, const char *key, uint64_t val)
{
	struct json_object *v = json_object_new_uint64(val);

	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int add_obj(struct json_object *o, const char *key,
		   struct json_object *v)
{
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static int append(struct json_object *arr, struct json_object *v)
{
	if (!v || json_object_array_add(arr, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

/* A derived figure with six significant digits rather than %.17g noise. */
static struct json_object *new_figure(double x)
{
	char buf[32];

	if (!isfinite(x))
		return NULL;
	snprintf(buf, sizeof(buf), "%.6g", x);
	return json_object_new_double_s(x, buf);
}

static struct json_object *sample_to_json(const struct rb_sample *s)
{
	struct json_object *o = json_object_new_object();
	int i, rc;

	if (!o)
		return NULL;
	rc = add_u64(o, "iter", s->iter);
	if (!rc && s->nr_pages)
		rc = add_u64(o, "nr_pages", s->nr_pages);
	if (!rc && s->nr_ranges)
		rc = add_u64(o, "nr_ranges", s->nr_ranges);
	for (i = 0; !rc && i < RB_NR_SOURCES; i++)
		if (s->have & rb_sources[i].bit)
			rc = add_u64(o, rb_sources[i].key,
				     rb_sample_value(s, rb_sources[i].bit));
	if (!rc && s->has_kernel_ts)
		rc = add_u64(o, "kernel_ts_usec", s->kernel_ts_usec);
	if (!rc && s->has_seq)
		rc = add_u64(o, "seq", s->seq);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *samples_to_json(const struct rb_sample *v,
					   size_t nr)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr && i < nr; i++) {
		if (append(arr, sample_to_json(&v[i]))) {
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

static int warnings_append_json(struct json_object *arr,
				const struct rb_warnings *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++) {
		struct json_object *o = json_object_new_object();

		if (!o || add_str(o, "id", w->v[i].id) ||
		    add_str(o, "text", w->v[i].text) || append(arr, o)) {
			json_object_put(o);
			return -ENOMEM;
		}
	}
	return 0;
}

static struct json_object *target_to_json(const struct rb_target_desc *t)
{
	struct json_object *o = json_object_new_object();
	int rc;

	if (!o)
		return NULL;
	rc = add_str(o, "dev", t->dev);
	rc = rc ?: add_str(o, "mode", t->mode);
	rc = rc ?: add_str(o, "map", t->map);
	if (!rc && t->align)
		rc = add_u64(o, "align", t->align);
	if (!rc && t->size)
		rc = add_u64(o, "size", t->size);
	if (!rc && t->numa_node >= 0)
		rc = add_obj(o, "numa_node", json_object_new_int(t->numa_node));
	rc = rc ?: add_str(o, "region", t->region);
	rc = rc ?: add_str(o, "namespace", t->namespace);
	rc = rc ?: add_str(o, "bind_dev", t->bind_dev);
	rc = rc ?: add_str(o, "bind_bus", t->bind_bus);
	rc = rc ?: add_str(o, "driver", t->driver);
	rc = rc ?: add_str(o, "chardev", t->chardev);
	rc = rc ?: add_str(o, "blockdev", t->blockdev);
	if (!rc && t->expected_nr_pages)
		rc = add_u64(o, "expected_nr_pages", t->expected_nr_pages);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *settings_to_json(const struct rb_settings *st)
{
	struct json_object *o = json_object_new_object();
	struct json_object *timing = json_object_new_array();
	int i, rc;

	if (!o || !timing) {
		json_object_put(o);
		json_object_put(timing);
		return NULL;
	}
	rc = add_u64(o, "runs", st->runs);
	rc = rc ?: add_u64(o, "warmup", st->warmup);
	rc = rc ?: add_str(o, "method", st->method);
	for (i = 0; !rc && i < RB_NR_SOURCES; i++)
		if (st->sources & rb_sources[i].bit)
			rc = append(timing,
				    json_object_new_string(rb_sources[i].key));
	if (rc) {
		json_object_put(timing);
		json_object_put(o);
		return NULL;
	}
	if (add_obj(o, "timing", timing)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

int rb_config_stats(const struct rb_document *doc,
		    const struct rb_config_result *cfg, enum rb_source src,
		    struct rb_stats *st)
{
	double *x = calloc(cfg->nr_samples + 1, sizeof(*x));
	size_t n;
	int rc;

	if (!x)
		return -ENOMEM;
	n = rb_config_values(cfg, src, x);
	rc = n ? rb_stats_compute(x, n, rb_source_resolution(doc, src), st) :
		 -ENOENT;
	free(x);
	return rc;
}

bool rb_config_normalised(const struct rb_document *doc,
			  const struct rb_config_result *cfg,
			  enum rb_source src, double mean,
			  double *ns_per_page, double *ms_per_gib)
{
	long page_size = rb_document_page_size(doc);
	uint64_t nr_pages;
	double mean_ns, gib;

	if (!(src & (RB_SRC_MEMMAP_MS | RB_SRC_MEMMAP_NS)) ||
	    !rb_config_nr_pages(cfg, &nr_pages))
		return false;
	if (!page_size)
		page_size = RB_DEFAULT_PAGE_SIZE;
	mean_ns = src == RB_SRC_MEMMAP_MS ? mean * 1e6 : mean;
	gib = (double)nr_pages * page_size / (1024.0 * 1024 * 1024);
	*ns_per_page = mean_ns / nr_pages;
	*ms_per_gib = mean_ns / 1e6 / gib;
	return true;
}

static struct json_object *normalised_to_json(double ns_per_page,
					      double ms_per_gib)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (add_obj(o, "ns_per_page", new_figure(ns_per_page)) ||
	    add_obj(o, "ms_per_gib", new_figure(ms_per_gib))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* "statistics" and "normalised" of one configuration. */
static int config_stats_to_json(const struct rb_document *doc,
				const struct rb_config_result *cfg,
				struct json_object *o)
{
	struct json_object *stats = json_object_new_object();
	struct json_object *norm = json_object_new_object();
	int i, rc = -ENOMEM;

	if (!stats || !norm)
		goto out;
	for (i = 0; i < RB_NR_SOURCES; i++) {
		const struct rb_source_desc *sd = &rb_sources[i];
		double per_page, per_gib;
		struct rb_stats st;

		rc = rb_config_stats(doc, cfg, sd->bit, &st);
		if (rc == -ENOENT)
			continue;
		if (rc || add_obj(stats, sd->key,
				  rb_stats_to_json(&st, sd->unit)))
			goto fail;
		if (rb_config_normalised(doc, cfg, sd->bit, st.mean,
					 &per_page, &per_gib) &&
		    add_obj(norm, sd->key,
			    normalised_to_json(per_page, per_gib)))
			goto fail;
	}
	rc = add_obj(o, "statistics", stats);
	stats = NULL;
	if (!rc)
		rc = add_obj(o, "normalised", norm);
	norm = NULL;
	goto out;
fail:
	rc = -ENOMEM;
out:
	json_object_put(stats);
	json_object_put(norm);
	return rc;
}

static struct json_object *missing_to_json(const struct rb_config_result *cfg)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; arr && i < cfg->nr_missing; i++) {
		const struct rb_source_desc *sd =
			rb_source_desc(cfg->missing[i].source);
		struct json_object *m = json_object_new_object();

		if (!m || !sd || add_str(m, "source", sd->key) ||
		    add_str(m, "reason", cfg->missing[i].reason) ||
		    append(arr, m)) {
			json_object_put(m);
			json_object_put(arr);
			return NULL;
		}
	}
	return arr;
}

/* The configuration's own warnings, then what rb_config_check() finds. */
static struct json_object *config_warnings_to_json(
	const struct rb_config_result *cfg)
{
	struct json_object *arr = json_object_new_array();
	struct rb_warnings found = { 0 };

	if (!arr || rb_config_check(cfg, &found) < 0 ||
	    warnings_append_json(arr, &cfg->warnings) ||
	    warnings_append_json(arr, &found)) {
		json_object_put(arr);
		arr = NULL;
	}
	rb_warnings_free(&found);
	return arr;
}

static struct json_object *config_to_json(const struct rb_document *doc,
					  const struct rb_config_result *cfg)
{
	struct json_object *o = json_object_new_object();
	uint64_t nr_pages;
	int rc;

	if (!o)
		return NULL;
	rc = add_obj(o, "target", target_to_json(&cfg->target));
	rc = rc ?: add_obj(o, "settings", settings_to_json(&cfg->settings));
	if (!rc && rb_config_nr_pages(cfg, &nr_pages))
		rc = add_u64(o, "nr_pages", nr_pages);
	if (!rc && cfg->has_cold)
		rc = add_obj(o, "cold", sample_to_json(&cfg->cold));
	rc = rc ?: add_obj(o, "warmup",
			   samples_to_json(cfg->warmups, cfg->nr_warmups));
	rc = rc ?: add_obj(o, "samples",
			   samples_to_json(cfg->samples, cfg->nr_samples));
	rc = rc ?: config_stats_to_json(doc, cfg, o);
	rc = rc ?: add_obj(o, "missing_sources", missing_to_json(cfg));
	rc = rc ?: add_obj(o, "warnings", config_warnings_to_json(cfg));
	rc = rc ?: add_obj(o, "complete", json_object_new_boolean(cfg->complete));
	if (!rc && cfg->boot)
		rc = add_u64(o, "boot", cfg->boot);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *rb_document_to_json(const struct rb_document *doc)
{
	struct json_object *root = json_object_new_object();
	struct json_object *tool = json_object_new_object();
	struct json_object *warnings = json_object_new_array();
	struct json_object *configs = json_object_new_array();
	size_t i;
	int rc;

	if (!root || !tool || !warnings || !configs)
		goto fail;
	rc = add_str(root, "schema", RB_SCHEMA_NAME);
	rc = rc ?: add_obj(root, "schema_version",
			   json_object_new_int(RB_SCHEMA_VERSION));
	rc = rc ?: add_str(tool, "name", doc->tool_name);
	rc = rc ?: add_str(tool, "version", doc->tool_version);
	if (!rc) {
		rc = add_obj(root, "tool", tool);
		tool = NULL;
	}
	rc = rc ?: add_str(root, "timestamp", doc->timestamp);
	rc = rc ?: add_str(root, "origin", doc->origin);
	rc = rc ?: add_str(root, "import_file", doc->import_file);
	rc = rc ?: add_obj(root, "complete",
			   json_object_new_boolean(doc->complete));
	if (!rc && doc->fingerprint)
		rc = add_obj(root, "fingerprint",
			     json_object_get(doc->fingerprint));
	if (!rc && doc->foreign_lines)
		rc = add_obj(root, "foreign_lines",
			     json_object_get(doc->foreign_lines));
	rc = rc ?: warnings_append_json(warnings, &doc->warnings);
	if (!rc) {
		rc = add_obj(root, "warnings", warnings);
		warnings = NULL;
	}
	for (i = 0; !rc && i < doc->nr_configs; i++)
		rc = append(configs, config_to_json(doc, &doc->configs[i]));
	if (!rc) {
		rc = add_obj(root, "configurations", configs);
		configs = NULL;
	}
	if (!rc)
		return root;
fail:
	json_object_put(root);
	json_object_put(tool);
	json_object_put(warnings);
	json_object_put(configs);
	return NULL;
}

/* Writing. */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/*
 * A reader never sees half a document: write a temporary file next to the
 * target, flush it to disk, then rename it over the target.
 */
/*
 * A path that is not a regular file (/dev/null, a FIFO, /dev/stdout) is
 * written in place: renaming over it would replace a device node.
 */
static int write_special(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -errno;
	rc = write_all(fd, text, len);
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

static int write_atomic(const char *path, const char *text, size_t len)
{
	char *dir_copy, *tmp = NULL;
	const char *dir;
	struct stat st;
	mode_t mask;
	int fd = -1, dfd, rc;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode))
		return write_special(path, text, len);
	dir_copy = strdup(path);
	if (!dir_copy)
		return -ENOMEM;
	dir = dirname(dir_copy);
	if (asprintf(&tmp, "%s/.rebind-bench.XXXXXX", dir) < 0) {
		tmp = NULL;
		rc = -ENOMEM;
		goto out;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		free(tmp);
		tmp = NULL;
		goto out;
	}
	/* mkstemp() creates 0600; results are ordinary files. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) < 0) {
		rc = -errno;
		goto out;
	}
	rc = write_all(fd, text, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (!rc && close(fd) < 0)
		rc = -errno;
	fd = -1;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	if (rc)
		goto out;
	free(tmp);
	tmp = NULL;
	/* Make the rename itself durable; failure here loses nothing. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir_copy);
	return rc;
}

int rb_document_write(const struct rb_document *doc, const char *path)
{
	struct json_object *root = rb_document_to_json(doc);
	const char *text;
	char *buf = NULL;
	size_t len;
	int rc;

	if (!root)
		return -ENOMEM;
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || asprintf(&buf, "%s\n", text) < 0) {
		json_object_put(root);
		return -ENOMEM;
	}
	json_object_put(root);
	len = strlen(buf);
	if (!path || !strcmp(path, "-")) {
		/* Keep anything already printed through stdio in order. */
		fflush(stdout);
		rc = write_all(STDOUT_FILENO, buf, len);
	} else {
		rc = write_atomic(path, buf, len);
	}
	free(buf);
	return rc;
}
