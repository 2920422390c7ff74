// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a results document back, strictly: a document that does not match
 * schema/rebind-bench-results.schema.json is refused with the JSON path of
 * the first problem. Unknown keys are ignored so that later minor additions
 * stay readable. Derived parts ("statistics", "normalised", "nr_pages") are
 * type-checked and then recomputed on output rather than trusted.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "results/breakdown.h"
#include "results/document.h"
#include "results/loader.h"
#include "util/file-io.h"
#include "util/sysroot.h"
#include "util/bounds.h"
#include "util/text.h"
#include "util/util.h"

#define RB_DOC_MAX_BYTES RB_MAX_INPUT_BYTES

static bool parse_sample(struct loader *ld, struct json_object *o,
			 const char *where, struct rb_sample *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	if (!json_object_is_type(o, json_type_object))
		return ld_fail(ld, where, "expected a sample object, got %s",
			    ld_type_name(o));
	ld_get_uint(ld, o, where, "iter", true, &s->iter);
	ld_get_u64(ld, o, where, "nr_pages", false, RB_MAX_PAGES, &s->nr_pages);
	ld_get_uint(ld, o, where, "nr_ranges", false, &s->nr_ranges);
	for (i = 0; i < RB_NR_SOURCES; i++) {
		uint64_t v;

		if (ld_get_u64(ld, o, where, rb_sources[i].key, false,
			    RB_MAX_NS, &v))
			rb_sample_set(s, rb_sources[i].bit, v);
	}
	s->has_kernel_ts = ld_get_u64(ld, o, where, "kernel_ts_usec", false,
				   UINT64_MAX, &s->kernel_ts_usec);
	s->has_seq = ld_get_u64(ld, o, where, "seq", false, UINT64_MAX, &s->seq);
	rb_bd_parse_sample(ld, o, where, s);
	return !ld->failed;
}

static bool parse_samples(struct loader *ld, struct json_object *o,
			  const char *where, const char *key,
			  struct rb_config_result *cfg,
			  int (*add)(struct rb_config_result *,
				     const struct rb_sample *))
{
	struct json_object *arr = ld_member(ld, o, where, key, json_type_array,
					 true);
	size_t i, n;

	if (!arr)
		return false;
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct rb_sample s;
		char path[256];

		snprintf(path, sizeof(path), "%s.%s[%zu]", where, key, i);
		if (!parse_sample(ld, json_object_array_get_idx(arr, i), path,
				  &s))
			return false;
		if (add(cfg, &s))
			return ld_fail(ld, path, "out of memory");
	}
	return true;
}

/* Called with the two strings of each element of a parse_pairs() array. */
typedef bool (*pair_fn)(struct loader *ld, const char *path, const char *a,
			const char *b, void *ctx);

/* Array @key of objects that each have the string members @ka and @kb. */
static bool parse_pairs(struct loader *ld, struct json_object *o,
			const char *where, const char *key, const char *ka,
			const char *kb, pair_fn fn, void *ctx)
{
	struct json_object *arr = ld_member(ld, o, where, key, json_type_array,
					 true);
	size_t i, n;

	if (!arr)
		return false;
	n = json_object_array_length(arr);
	for (i = 0; i < n && !ld->failed; i++) {
		struct json_object *e = json_object_array_get_idx(arr, i);
		char *a = NULL, *b = NULL;
		char path[256];

		snprintf(path, sizeof(path), "%s%s%s[%zu]", where,
			 *where ? "." : "", key, i);
		if (!json_object_is_type(e, json_type_object))
			return ld_fail(ld, path, "expected an object, got %s",
				    ld_type_name(e));
		ld_get_str(ld, e, path, ka, true, &a);
		ld_get_str(ld, e, path, kb, true, &b);
		if (!ld->failed)
			fn(ld, path, a, b, ctx);
		free(a);
		free(b);
	}
	return !ld->failed;
}

static bool add_warning(struct loader *ld, const char *path, const char *id,
			const char *text, void *ctx)
{
	if (!*id)
		return ld_fail(ld, path, "empty warning id");
	if (rb_warnings_add(ctx, id, "%s", text))
		return ld_fail(ld, path, "out of memory");
	return true;
}

static bool parse_warnings(struct loader *ld, struct json_object *o,
			   const char *where, struct rb_warnings *w)
{
	return parse_pairs(ld, o, where, "warnings", "id", "text",
			   add_warning, w);
}

static const char *const maps[] = { "dev", "mem", NULL };
static const char *const buses[] = { "nd", "dax", NULL };

static bool parse_target(struct loader *ld, struct json_object *o,
			 const char *where, struct rb_target_desc *t)
{
	struct json_object *tgt = ld_member(ld, o, where, "target",
					 json_type_object, true);
	struct json_object *node;
	char path[256];

	if (!tgt)
		return false;
	ld_sub_path(path, sizeof(path), where, "target");
	ld_get_str(ld, tgt, path, "dev", false, &t->dev);
	ld_get_str(ld, tgt, path, "mode", false, &t->mode);
	ld_get_str(ld, tgt, path, "map", false, &t->map);
	ld_get_u64(ld, tgt, path, "align", false, RB_MAX_BYTES, &t->align);
	ld_get_u64(ld, tgt, path, "size", false, RB_MAX_BYTES, &t->size);
	node = ld_member(ld, tgt, path, "numa_node", json_type_int, false);
	if (node) {
		int64_t n = json_object_get_int64(node);

		if (n < 0 || n > INT_MAX)
			return ld_fail(ld, path, "numa_node %lld is out of range",
				    (long long)n);
		t->numa_node = n;
	}
	ld_get_str(ld, tgt, path, "region", false, &t->region);
	ld_get_str(ld, tgt, path, "namespace", false, &t->namespace);
	ld_get_str(ld, tgt, path, "bind_dev", false, &t->bind_dev);
	ld_get_str(ld, tgt, path, "bind_bus", false, &t->bind_bus);
	ld_get_str(ld, tgt, path, "driver", false, &t->driver);
	ld_one_of(ld, path, "map", t->map, maps);
	ld_one_of(ld, path, "bind_bus", t->bind_bus, buses);
	ld_get_str(ld, tgt, path, "chardev", false, &t->chardev);
	ld_get_str(ld, tgt, path, "blockdev", false, &t->blockdev);
	ld_get_u64(ld, tgt, path, "expected_nr_pages", false, RB_MAX_PAGES,
		&t->expected_nr_pages);
	return !ld->failed;
}

static bool parse_settings(struct loader *ld, struct json_object *o,
			   const char *where, struct rb_settings *st)
{
	struct json_object *set = ld_member(ld, o, where, "settings",
					 json_type_object, true);
	struct json_object *timing;
	char path[256];
	size_t i, n;

	if (!set)
		return false;
	ld_sub_path(path, sizeof(path), where, "settings");
	ld_get_uint(ld, set, path, "runs", true, &st->runs);
	ld_get_uint(ld, set, path, "warmup", true, &st->warmup);
	ld_get_str(ld, set, path, "method", false, &st->method);
	rb_adaptive_parse(ld, set, path, st->runs, &st->adaptive);
	timing = ld_member(ld, set, path, "timing", json_type_array, true);
	if (!timing)
		return false;
	n = json_object_array_length(timing);
	for (i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(timing, i);
		const struct rb_source_desc *sd;

		if (!json_object_is_type(e, json_type_string))
			return ld_fail(ld, path, "timing[%zu]: expected a string, got %s",
				    i, ld_type_name(e));
		sd = rb_source_by_key(json_object_get_string(e));
		if (!sd)
			return ld_fail(ld, path, "timing[%zu]: unknown source \"%s\"",
				    i, json_object_get_string(e));
		st->sources |= sd->bit;
	}
	timing = ld_member(ld, set, path, "breakdown", json_type_array, false);
	if (timing) {
		char sub[300];

		ld_sub_path(sub, sizeof(sub), path, "breakdown");
		rb_bd_parse_names(ld, timing, sub, &st->breakdown);
	}
	return !ld->failed;
}

static bool add_missing(struct loader *ld, const char *path,
			const char *source, const char *reason, void *ctx)
{
	const struct rb_source_desc *sd = rb_source_by_key(source);

	if (!sd)
		return ld_fail(ld, path, "unknown source \"%s\"", source);
	rb_config_set_missing(ctx, sd->bit, reason);
	return true;
}

static bool parse_config(struct loader *ld, struct json_object *o,
			 const char *where, struct rb_config_result *cfg)
{
	struct json_object *cold;
	char path[256];
	uint64_t unused;

	if (!json_object_is_type(o, json_type_object))
		return ld_fail(ld, where, "expected an object, got %s",
			    ld_type_name(o));
	parse_target(ld, o, where, &cfg->target);
	parse_settings(ld, o, where, &cfg->settings);
	ld_get_u64(ld, o, where, "nr_pages", false, RB_MAX_PAGES, &unused);
	cold = ld_member(ld, o, where, "cold", json_type_object, false);
	if (cold) {
		ld_sub_path(path, sizeof(path), where, "cold");
		cfg->has_cold = parse_sample(ld, cold, path, &cfg->cold);
	}
	parse_samples(ld, o, where, "warmup", cfg, rb_config_add_warmup);
	parse_samples(ld, o, where, "samples", cfg, rb_config_add_sample);
	rb_adaptive_check_runs(ld, where, &cfg->settings.adaptive,
			       cfg->nr_samples);
	ld_member(ld, o, where, "statistics", json_type_object, false);
	ld_member(ld, o, where, "normalised", json_type_object, false);
	parse_pairs(ld, o, where, "missing_sources", "source", "reason",
		    add_missing, cfg);
	rb_bd_parse_missing(ld, o, where, cfg);
	rb_bd_check_config(ld, where, cfg);
	parse_warnings(ld, o, where, &cfg->warnings);
	ld_get_bool(ld, o, where, "complete", &cfg->complete);
	ld_get_uint(ld, o, where, "boot", false, &cfg->boot);
	return !ld->failed;
}

/* "2026-11-25T18:04:00Z", optionally with fractional seconds. */
static bool valid_timestamp(const char *ts)
{
	struct tm tm;
	const char *p;

	memset(&tm, 0, sizeof(tm));
	p = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p || p - ts != 19)
		return false;
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return false;
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	}
	return !strcmp(p, "Z");
}

static bool parse_fingerprint(struct loader *ld, struct json_object *root,
			      struct rb_document *doc)
{
	static const char *const positive[] = { "hz", "page_size", "nr_cpus" };
	struct json_object *fp = ld_member(ld, root, "", "fingerprint",
					json_type_object, false);
	size_t i;

	if (!fp)
		return !ld->failed;
	for (i = 0; i < ARRAY_SIZE(positive); i++) {
		uint64_t v;

		if (ld_get_u64(ld, fp, "fingerprint", positive[i], false,
			    INT_MAX, &v) && !v)
			return ld_fail(ld, "fingerprint", "%s must be positive",
				    positive[i]);
	}
	if (ld->failed || !ld_safe_tree(ld, "fingerprint", fp, 0))
		return false;
	if (json_object_deep_copy(fp, &doc->fingerprint, NULL))
		return ld_fail(ld, "fingerprint", "out of memory");
	return true;
}

/* RB_MAX_CONFIGS and RB_MAX_SAMPLES, counted before anything is parsed. */
static bool within_bounds(struct loader *ld, struct json_object *configs)
{
	static const char *const lists[] = { "samples", "warmup" };
	size_t n = json_object_array_length(configs), i, k, nr = 0;
	struct json_object *v;

	if (n > RB_MAX_CONFIGS)
		return ld_fail(ld, "configurations", "%zu configurations, more than %u",
			       n, RB_MAX_CONFIGS);
	for (i = 0; i < n; i++) {
		nr++; /* the cold bind */
		for (k = 0; k < ARRAY_SIZE(lists); k++)
			if (json_object_object_get_ex(json_object_array_get_idx(
					configs, i), lists[k], &v) &&
			    json_object_is_type(v, json_type_array))
				nr += json_object_array_length(v);
	}
	if (nr > RB_MAX_SAMPLES)
		return ld_fail(ld, "configurations", "more than %u samples",
			       RB_MAX_SAMPLES);
	return true;
}

static bool parse_document(struct loader *ld, struct json_object *root,
			   struct rb_document *doc)
{
	struct json_object *v, *tool, *configs;
	size_t i, n;

	if (!json_object_is_type(root, json_type_object))
		return ld_fail(ld, NULL, "not a JSON object but %s",
			    ld_type_name(root));
	v = ld_member(ld, root, "", "schema", json_type_string, true);
	if (v && strcmp(json_object_get_string(v), RB_SCHEMA_NAME))
		return ld_fail(ld, NULL, "schema \"%s\" is not \"%s\"",
			    json_object_get_string(v), RB_SCHEMA_NAME);
	v = ld_member(ld, root, "", "schema_version", json_type_int, true);
	if (v && json_object_get_int64(v) > RB_SCHEMA_VERSION)
		return ld_fail(ld, NULL,
			    "schema_version %lld is newer than this tool (%d)",
			    (long long)json_object_get_int64(v),
			    RB_SCHEMA_VERSION);
	if (v && json_object_get_int64(v) < 1)
		return ld_fail(ld, NULL, "schema_version %lld is invalid",
			    (long long)json_object_get_int64(v));
	tool = ld_member(ld, root, "", "tool", json_type_object, true);
	if (tool) {
		ld_get_str(ld, tool, "tool", "name", true, &doc->tool_name);
		ld_get_str(ld, tool, "tool", "version", true, &doc->tool_version);
	}
	ld_get_str(ld, root, "", "timestamp", true, &doc->timestamp);
	if (!ld->failed && !valid_timestamp(doc->timestamp))
		return ld_fail(ld, "timestamp", "\"%s\" is not ISO 8601 UTC",
			    doc->timestamp);
	ld_get_str(ld, root, "", "origin", true, &doc->origin);
	if (!ld->failed && strcmp(doc->origin, "live") &&
	    strcmp(doc->origin, "import"))
		return ld_fail(ld, "origin", "\"%s\" is neither live nor import",
			    doc->origin);
	ld_get_str(ld, root, "", "import_file", false, &doc->import_file);
	ld_get_bool(ld, root, "", "complete", &doc->complete);
	parse_fingerprint(ld, root, doc);
	v = ld_member(ld, root, "", "foreign_lines", json_type_array, false);
	if (v && !ld_safe_tree(ld, "foreign_lines", v, 0))
		return false;
	if (v && json_object_deep_copy(v, &doc->foreign_lines, NULL))
		return ld_fail(ld, NULL, "out of memory");
	parse_warnings(ld, root, "", &doc->warnings);
	configs = ld_member(ld, root, "", "configurations", json_type_array,
			 true);
	if (!configs || !within_bounds(ld, configs))
		return false;
	n = json_object_array_length(configs);
	for (i = 0; i < n && !ld->failed; i++) {
		struct rb_config_result *cfg = rb_document_add_config(doc);
		char path[64];

		if (!cfg)
			return ld_fail(ld, NULL, "out of memory");
		snprintf(path, sizeof(path), "configurations[%zu]", i);
		parse_config(ld, json_object_array_get_idx(configs, i), path,
			     cfg);
	}
	return !ld->failed;
}

static struct rb_document *document_from_json(struct json_object *root,
						char *err, size_t errlen)
{
	struct loader ld = { .err = err, .errlen = errlen };
	struct rb_document *doc = calloc(1, sizeof(*doc));

	if (err && errlen)
		err[0] = '\0';
	if (!doc) {
		ld_fail(&ld, NULL, "out of memory");
		return NULL;
	}
	if (!parse_document(&ld, root, doc)) {
		rb_document_free(doc);
		return NULL;
	}
	return doc;
}

static struct json_object *parse_text(const char *buf, size_t len,
				      char *err, size_t errlen,
				      const char *name)
{
	struct json_tokener *tok = json_tokener_new_ex(RB_DOC_MAX_DEPTH);
	enum json_tokener_error jerr;
	struct json_object *root;
	size_t end;

	if (!tok) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
			       JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!root) {
		if (jerr == json_tokener_continue ||
		    jerr == json_tokener_success)
			snprintf(err, errlen, "%s: truncated JSON (%zu bytes)",
				 name, len);
		else
			snprintf(err, errlen, "%s: invalid JSON at byte %zu: %s",
				 name, end, json_tokener_error_desc(jerr));
		return NULL;
	}
	for (; end < len; end++) {
		if (!strchr(" \t\r\n", buf[end])) {
			snprintf(err, errlen,
				 "%s: trailing data after the JSON document at byte %zu",
				 name, end);
			json_object_put(root);
			return NULL;
		}
	}
	return root;
}

static struct rb_document *load_document(const char *path, char *err,
					 size_t errlen)
{
	bool is_stdin = !path || !strcmp(path, "-");
	const char *name = is_stdin ? "<stdin>" : path;
	struct rb_document *doc;
	struct json_object *root;
	char reason[512];
	struct stat st;
	size_t len;
	char *buf;
	int fd, e;

	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		return NULL;
	}
	/* Refuse an oversized regular file without reading it. */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > RB_DOC_MAX_BYTES) {
		buf = NULL;
		e = EFBIG;
	} else {
		buf = rb_read_fd(fd, RB_DOC_MAX_BYTES, &len);
		e = errno;
	}
	if (!is_stdin)
		close(fd);
	if (!buf) {
		if (e == EFBIG)
			snprintf(err, errlen, "%s: larger than %u MiB", name,
				 RB_DOC_MAX_BYTES >> 20);
		else
			snprintf(err, errlen, "%s: %s", name, strerror(e));
		return NULL;
	}
	if (strlen(buf) != len) {
		snprintf(err, errlen, "%s: NUL byte in the document", name);
		free(buf);
		return NULL;
	}
	if (len == 0 || strspn(buf, " \t\r\n") == len) {
		snprintf(err, errlen, "%s: empty file", name);
		free(buf);
		return NULL;
	}
	root = parse_text(buf, len, err, errlen, name);
	free(buf);
	if (!root)
		return NULL;
	doc = document_from_json(root, reason, sizeof(reason));
	json_object_put(root);
	if (!doc)
		snprintf(err, errlen, "%s: %s", name, reason);
	return doc;
}

/*
 * Reasons quote strings from the document and the file name; keep them to
 * one line whatever those hold.
 */
struct rb_document *rb_document_from_json(struct json_object *root,
					  char *err, size_t errlen)
{
	struct rb_document *doc = document_from_json(root, err, errlen);

	if (!doc && errlen)
		rb_scrub(err);
	return doc;
}

struct rb_document *rb_document_load(const char *path, char *err,
				     size_t errlen)
{
	struct rb_document *doc = load_document(path, err, errlen);

	if (!doc && errlen)
		rb_scrub(err);
	return doc;
}
