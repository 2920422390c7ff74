/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The results document: every configuration measured in one invocation, with
 * its cold bind, every raw sample and the environment it ran in. Live runs
 * and `import` both fill this model; `compare` loads it back. The JSON form
 * is described by schema/rebind-bench-results.schema.json.
 */
#ifndef RB_DOCUMENT_H
#define RB_DOCUMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "results/adaptive.h"

#define RB_SCHEMA_NAME "rebind-bench-results"
#define RB_SCHEMA_VERSION 1

/*
 * Timing sources of one sample. A bit is set in rb_sample.have only when the
 * source produced a value for that bind; absent values are omitted from the
 * JSON, never written as zero.
 */
enum rb_source {
	RB_SRC_MEMMAP_MS = 1 << 0, /* kernel line, jiffy resolution */
	RB_SRC_MEMMAP_NS = 1 << 1, /* kprobe/kretprobe pair */
	RB_SRC_UNBIND_NS = 1 << 2, /* CLOCK_MONOTONIC around unbind */
	RB_SRC_BIND_NS = 1 << 3, /* CLOCK_MONOTONIC around bind */
};
#define RB_NR_SOURCES 4

/* JSON key and unit of each source, indexed by bit number. */
struct rb_source_desc {
	enum rb_source bit;
	const char *key; /* "memmap_ms", ... */
	const char *unit; /* "ms" or "ns" */
};
extern const struct rb_source_desc rb_sources[RB_NR_SOURCES];

/*
 * --breakdown: the bind path's functions that run once per range, each
 * timed by a kprobe pair of its own (results/breakdown.h).
 */
#define RB_NR_BD 5

/* One function's calls within one bind. */
struct rb_bd_time {
	uint64_t ns; /* sum of exit - entry over the calls */
	unsigned int calls;
};

/* One bind: all memmap_init_zone_device() lines (ranges) of it summed. */
struct rb_sample {
	unsigned int iter; /* 0 is the cold bind, warmups follow, then runs */
	unsigned int have; /* mask of enum rb_source */
	uint64_t nr_pages; /* summed over ranges, 0 if no kernel line */
	unsigned int nr_ranges; /* kernel lines (or probe hits) of this bind */
	uint64_t memmap_ms;
	uint64_t memmap_ns;
	uint64_t unbind_ns;
	uint64_t bind_ns;
	bool has_kernel_ts;
	uint64_t kernel_ts_usec; /* printk timestamp of the first line */
	bool has_seq;
	uint64_t seq; /* /dev/kmsg sequence number of the first line */
	unsigned int bd_have; /* functions timed, bit = index in rb_bd_fns */
	struct rb_bd_time bd[RB_NR_BD];
};

struct rb_warning {
	char *id; /* stable, kebab-case: "page-ref-tracepoint-enabled" */
	char *text; /* one sentence for humans */
};

struct rb_warnings {
	struct rb_warning *v;
	size_t nr, alloc;
};

/* What was measured, in ndctl's key names. Unknown strings are NULL. */
struct rb_target_desc {
	char *dev; /* namespaceX.Y, daxX.Y, or NULL for imports */
	char *mode; /* "fsdax", "devdax", "raw" */
	char *map; /* "dev", "mem" */
	uint64_t align; /* bytes, 0 unknown */
	uint64_t size; /* bytes, 0 unknown */
	int numa_node; /* -1 unknown */
	char *bind_dev; /* device whose driver is rebound: pfn0.1, dax0.1 */
	char *bind_bus; /* "nd" or "dax" */
	char *driver; /* nd_pmem, dax_pmem, device_dax */
	char *region; /* region0 */
	char *namespace; /* a static dax device's pmem namespace */
	char *chardev; /* dax0.0 for devdax */
	char *blockdev; /* pmem0 for fsdax */
	uint64_t expected_nr_pages; /* from geometry; 0 unknown */
};

/* Free the strings of @t and zero it (numa_node -1). */
void rb_target_desc_clear(struct rb_target_desc *t);

struct rb_settings {
	unsigned int runs;
	unsigned int warmup;
	char *method; /* "driver", "namespace", "device", "import" */
	unsigned int sources; /* requested, mask of enum rb_source */
	struct rb_adaptive adaptive; /* --runs auto (runs is the cap) */
	unsigned int breakdown; /* functions probed (--breakdown), by bit */
};

/* Why a source is missing for a whole configuration. */
struct rb_missing {
	enum rb_source source;
	char *reason;
};

struct rb_config_result {
	struct rb_target_desc target;
	struct rb_settings settings;
	bool has_cold;
	struct rb_sample cold;
	struct rb_sample *warmups;
	size_t nr_warmups, alloc_warmups;
	struct rb_sample *samples; /* steady state: what statistics use */
	size_t nr_samples, alloc_samples;
	struct rb_missing missing[RB_NR_SOURCES];
	size_t nr_missing;
	struct rb_warnings warnings;
	char *bd_missing[RB_NR_BD]; /* why a function was not probed */
	bool complete; /* false when interrupted or a bind failed */
	unsigned int boot; /* import: which boot of the capture, 1..; 0 n/a */
};

struct rb_document {
	char *tool_name; /* "ndctl-rebind-bench" */
	char *tool_version;
	char *timestamp; /* ISO 8601 UTC */
	char *origin; /* "live" or "import" */
	char *import_file; /* import only */
	struct json_object *fingerprint; /* owned, may be NULL */
	struct json_object *foreign_lines; /* import: owned array, or NULL */
	struct rb_warnings warnings;
	struct rb_config_result *configs;
	size_t nr_configs, alloc_configs;
	bool complete;
};

/*
 * Allocation helpers: every returned pointer is owned by the document. A new
 * document and a new configuration start with complete = true; a live run
 * clears it when interrupted or when a bind fails. A configuration pointer
 * is valid until the next rb_document_add_config().
 */
struct rb_document *rb_document_new(const char *tool_name, const char *origin);
void rb_document_free(struct rb_document *doc);
struct rb_config_result *rb_document_add_config(struct rb_document *doc);
int rb_config_add_sample(struct rb_config_result *cfg,
			 const struct rb_sample *s);
int rb_config_add_warmup(struct rb_config_result *cfg,
			 const struct rb_sample *s);
void rb_config_set_missing(struct rb_config_result *cfg, enum rb_source src,
			   const char *reason);
int rb_warnings_add(struct rb_warnings *w, const char *id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool rb_warnings_has(const struct rb_warnings *w, const char *id);
void rb_warnings_free(struct rb_warnings *w);

/*
 * Steady-state values of one source, in the source's unit, for statistics.
 * Returns the number written to @out (which holds cfg->nr_samples).
 */
size_t rb_config_values(const struct rb_config_result *cfg,
			enum rb_source src, double *out);

/* Value of @src in @s; meaningful only when (s->have & src). */
uint64_t rb_sample_value(const struct rb_sample *s, enum rb_source src);
void rb_sample_set(struct rb_sample *s, enum rb_source src, uint64_t value);

/* Descriptor of a source by bit or by JSON key; NULL when unknown. */
const struct rb_source_desc *rb_source_desc(enum rb_source src);
const struct rb_source_desc *rb_source_by_key(const char *key);

/*
 * The steady-state nr_pages when every steady sample reports the same
 * non-zero value. Returns false otherwise (none, or it changed).
 */
bool rb_config_nr_pages(const struct rb_config_result *cfg,
			uint64_t *nr_pages);

/*
 * Consistency of one configuration: nr_pages identical across the cold,
 * warmup and steady samples ("nr-pages-inconsistent") and equal to
 * target.expected_nr_pages when that is known ("nr-pages-unexpected").
 * Appends to @out the warnings whose id is not already in cfg->warnings;
 * returns how many it appended, or -ENOMEM. rb_document_to_json() runs it
 * on every configuration.
 */
int rb_config_check(const struct rb_config_result *cfg,
		    struct rb_warnings *out);

/* Kernel HZ and page size recorded in the fingerprint; 0 when unknown. */
long rb_document_hz(const struct rb_document *doc);
long rb_document_page_size(const struct rb_document *doc);

/*
 * Quantum of @src's values: one jiffy (1000/HZ ms) for memmap_ms, 1 ms
 * when HZ is unknown, 0 (continuous) for the nanosecond sources.
 */
double rb_source_resolution(const struct rb_document *doc,
			    enum rb_source src);

struct rb_stats;

/*
 * Statistics of @src over the steady state, with the source's resolution.
 * Returns 0, or -ENOENT when no sample has the source, or -ENOMEM.
 */
int rb_config_stats(const struct rb_document *doc,
		    const struct rb_config_result *cfg, enum rb_source src,
		    struct rb_stats *st);

/*
 * Per-page cost of a memmap source whose steady-state mean is @mean (in
 * the source's unit): nanoseconds per struct page and milliseconds per GiB
 * described (nr_pages * page size, 4096 when the fingerprint has none).
 * False when nr_pages is not constant or @src is not a memmap source.
 */
bool rb_config_normalised(const struct rb_document *doc,
			  const struct rb_config_result *cfg,
			  enum rb_source src, double mean,
			  double *ns_per_page, double *ms_per_gib);

/* Serialise with statistics; the caller owns the returned object. */
struct json_object *rb_document_to_json(const struct rb_document *doc);

/*
 * Write the document atomically (temp file + rename) to @path, or to stdout
 * when @path is NULL or "-". Returns 0 or -errno.
 */
int rb_document_write(const struct rb_document *doc, const char *path);

/*
 * Load a results document. On error returns NULL and puts a one-line reason
 * in @err (e.g. "base.json: schema_version 7 is newer than this tool (1)").
 */
struct rb_document *rb_document_load(const char *path, char *err,
				     size_t errlen);
struct rb_document *rb_document_from_json(struct json_object *root,
					  char *err, size_t errlen);

#endif /* RB_DOCUMENT_H */
