// SPDX-License-Identifier: GPL-2.0
/*
 * A results document to JSON and to its output file; the figures derived
 * from the samples are computed here, so a document loaded back and
 * written again yields the same JSON (the reader is document-load.c).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/breakdown.h"
#include "results/document.h"
#include "results/stats.h"
#include "util/file-io.h"
#include "util/json.h"

static struct json_object *sample_to_json(const struct rb_sample *s)
{
	struct json_object *o = json_object_new_object();
	int i, rc;

	if (!o)
		return NULL;
	rc = rb_json_put_u64(o, "iter", s->iter);
	if (!rc && s->nr_pages)
		rc = rb_json_put_u64(o, "nr_pages", s->nr_pages);
	if (!rc && s->nr_ranges)
		rc = rb_json_put_u64(o, "nr_ranges", s->nr_ranges);
	for (i = 0; !rc && i < RB_NR_SOURCES; i++)
		if (s->have & rb_sources[i].bit)
			rc = rb_json_put_u64(o, rb_sources[i].key,
				     rb_sample_value(s, rb_sources[i].bit));
	if (!rc && s->has_kernel_ts)
		rc = rb_json_put_u64(o, "kernel_ts_usec", s->kernel_ts_usec);
	if (!rc && s->has_seq)
		rc = rb_json_put_u64(o, "seq", s->seq);
	if (!rc && s->bd_have)
		rc = rb_json_put(o, "breakdown", rb_bd_sample_to_json(s));
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
		if (rb_json_append(arr, sample_to_json(&v[i]))) {
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

		if (!o || rb_json_put_str(o, "id", w->v[i].id) ||
		    rb_json_put_str(o, "text", w->v[i].text) || rb_json_append(arr, o)) {
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
	rc = rb_json_put_str(o, "dev", t->dev);
	rc = rc ?: rb_json_put_str(o, "mode", t->mode);
	rc = rc ?: rb_json_put_str(o, "map", t->map);
	if (!rc && t->align)
		rc = rb_json_put_u64(o, "align", t->align);
	if (!rc && t->size)
		rc = rb_json_put_u64(o, "size", t->size);
	if (!rc && t->numa_node >= 0)
		rc = rb_json_put(o, "numa_node", json_object_new_int(t->numa_node));
	rc = rc ?: rb_json_put_str(o, "region", t->region);
	rc = rc ?: rb_json_put_str(o, "namespace", t->namespace);
	rc = rc ?: rb_json_put_str(o, "bind_dev", t->bind_dev);
	rc = rc ?: rb_json_put_str(o, "bind_bus", t->bind_bus);
	rc = rc ?: rb_json_put_str(o, "driver", t->driver);
	rc = rc ?: rb_json_put_str(o, "chardev", t->chardev);
	rc = rc ?: rb_json_put_str(o, "blockdev", t->blockdev);
	if (!rc && t->expected_nr_pages)
		rc = rb_json_put_u64(o, "expected_nr_pages", t->expected_nr_pages);
	if (rc) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *settings_to_json(const struct rb_settings *st,
					    size_t nr_samples)
{
	struct json_object *o = json_object_new_object();
	struct json_object *timing = json_object_new_array();
	int i, rc;

	if (!o || !timing) {
		json_object_put(o);
		json_object_put(timing);
		return NULL;
	}
	rc = rb_json_put_u64(o, "runs", st->runs);
	rc = rc ?: rb_json_put_u64(o, "warmup", st->warmup);
	rc = rc ?: rb_json_put_str(o, "method", st->method);
	if (!rc && st->adaptive.on)
		rc = rb_json_put(o, "adaptive",
				 rb_adaptive_to_json(&st->adaptive, nr_samples));
	for (i = 0; !rc && i < RB_NR_SOURCES; i++)
		if (st->sources & rb_sources[i].bit)
			rc = rb_json_append(timing,
				    json_object_new_string(rb_sources[i].key));
	if (rc) {
		json_object_put(timing);
		json_object_put(o);
		return NULL;
	}
	if (rb_json_put(o, "timing", timing) ||
	    (st->breakdown && rb_json_put(o, "breakdown",
				  rb_bd_names_to_json(st->breakdown)))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

static struct json_object *normalised_to_json(double ns_per_page,
					      double ms_per_gib)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	if (rb_json_put(o, "ns_per_page", rb_json_figure(ns_per_page, 6)) ||
	    rb_json_put(o, "ms_per_gib", rb_json_figure(ms_per_gib, 6))) {
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
		if (rc || rb_json_put(stats, sd->key,
				  rb_stats_to_json(&st, sd->unit)))
			goto fail;
		if (rb_config_normalised(doc, cfg, sd->bit, st.mean,
					 &per_page, &per_gib) &&
		    rb_json_put(norm, sd->key,
			    normalised_to_json(per_page, per_gib)))
			goto fail;
	}
	rc = rb_json_put(o, "statistics", stats);
	stats = NULL;
	if (!rc)
		rc = rb_json_put(o, "normalised", norm);
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

		if (!m || !sd || rb_json_put_str(m, "source", sd->key) ||
		    rb_json_put_str(m, "reason", cfg->missing[i].reason) ||
		    rb_json_append(arr, m)) {
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
	rc = rb_json_put(o, "target", target_to_json(&cfg->target));
	rc = rc ?: rb_json_put(o, "settings", settings_to_json(&cfg->settings,
							 cfg->nr_samples));
	if (!rc && rb_config_nr_pages(cfg, &nr_pages))
		rc = rb_json_put_u64(o, "nr_pages", nr_pages);
	if (!rc && cfg->has_cold)
		rc = rb_json_put(o, "cold", sample_to_json(&cfg->cold));
	rc = rc ?: rb_json_put(o, "warmup",
			   samples_to_json(cfg->warmups, cfg->nr_warmups));
	rc = rc ?: rb_json_put(o, "samples",
			   samples_to_json(cfg->samples, cfg->nr_samples));
	rc = rc ?: config_stats_to_json(doc, cfg, o);
	rc = rc ?: rb_json_put(o, "missing_sources", missing_to_json(cfg));
	if (!rc && rb_bd_any_missing(cfg))
		rc = rb_json_put(o, "breakdown_missing",
				 rb_bd_missing_to_json(cfg));
	rc = rc ?: rb_json_put(o, "warnings", config_warnings_to_json(cfg));
	rc = rc ?: rb_json_put(o, "complete", json_object_new_boolean(cfg->complete));
	if (!rc && cfg->boot)
		rc = rb_json_put_u64(o, "boot", cfg->boot);
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
	rc = rb_json_put_str(root, "schema", RB_SCHEMA_NAME);
	rc = rc ?: rb_json_put(root, "schema_version",
			   json_object_new_int(RB_SCHEMA_VERSION));
	rc = rc ?: rb_json_put_str(tool, "name", doc->tool_name);
	rc = rc ?: rb_json_put_str(tool, "version", doc->tool_version);
	if (!rc) {
		rc = rb_json_put(root, "tool", tool);
		tool = NULL;
	}
	rc = rc ?: rb_json_put_str(root, "timestamp", doc->timestamp);
	rc = rc ?: rb_json_put_str(root, "origin", doc->origin);
	rc = rc ?: rb_json_put_str(root, "import_file", doc->import_file);
	rc = rc ?: rb_json_put(root, "complete",
			   json_object_new_boolean(doc->complete));
	if (!rc && doc->fingerprint)
		rc = rb_json_put(root, "fingerprint",
			     json_object_get(doc->fingerprint));
	if (!rc && doc->foreign_lines)
		rc = rb_json_put(root, "foreign_lines",
				 json_object_get(doc->foreign_lines));
	rc = rc ?: warnings_append_json(warnings, &doc->warnings);
	if (!rc) {
		rc = rb_json_put(root, "warnings", warnings);
		warnings = NULL;
	}
	for (i = 0; !rc && i < doc->nr_configs; i++)
		rc = rb_json_append(configs, config_to_json(doc, &doc->configs[i]));
	if (!rc) {
		rc = rb_json_put(root, "configurations", configs);
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
	rc = rb_output_write(path, buf, len);
	free(buf);
	return rc;
}
