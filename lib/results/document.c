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
	for (i = 0; i < RB_NR_BD; i++)
		free(cfg->bd_missing[i]);
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

static int warnings_push(struct rb_warnings *w, const char *id,
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

int rb_warnings_add(struct rb_warnings *w, const char *id, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	rc = warnings_push(w, id, text);
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
		rc = rb_warnings_add(out, "nr-pages-inconsistent",
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
		rc = rb_warnings_add(out, "nr-pages-unexpected",
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
