/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside `import`: what the reader collects from the capture (memmap lines
 * and the driver messages around them) and what the attribution passes
 * make of it. import.c reads and builds the document, import-context.c
 * knows the driver messages, import-series.c groups lines into binds,
 * series and configurations.
 */
#ifndef RB_IMPORT_PRIV_H
#define RB_IMPORT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "klog/import.h"
#include "results/document.h"

#define IM_DEV_MAX 40
/* Driver messages this many records away from a line still speak for it. */
#define IM_CTX_RECORDS 4
/* A run of at most this many binds inside a series is another device's. */
#define IM_FOREIGN_RUN_MAX 2

enum im_dir {
	IM_DIR_BEFORE = 1,	/* printed in the probe before the line */
	IM_DIR_AFTER = 2,	/* printed after the line (add_disk, ...) */
	IM_DIR_EITHER = 3,
};

/* A driver message that tells whose memory a nearby line initialised. */
struct im_ctx {
	uint64_t rec;		/* record index in the capture */
	unsigned int boot;
	bool has_ts;
	uint64_t ts;
	uint32_t tid;
	bool pmem;
	unsigned int dir;	/* enum im_dir bits */
	const char *source;	/* "nd_pmem", "amdgpu", ... (static) */
	char dev[IM_DEV_MAX];	/* pfn0.1, 0000:03:00.0, "" */
	char blockdev[IM_DEV_MAX]; /* pmem0 */
	uint64_t capacity;	/* bytes, from "detected capacity change" */
};

enum im_owner {
	IM_OWNER_UNKNOWN,	/* no driver message near it */
	IM_OWNER_PMEM,
	IM_OWNER_FOREIGN,
	IM_OWNER_FILTERED,	/* left out by --pages or --device */
};

#define im_kept(l) ((l)->owner == IM_OWNER_UNKNOWN || \
		    (l)->owner == IM_OWNER_PMEM)

struct im_line {
	unsigned long line_no;
	uint64_t rec;
	unsigned int boot;
	bool has_ts, has_seq, wrapped;
	uint64_t ts, seq;
	uint32_t tid;
	uint64_t pages, ms;
	char name[IM_DEV_MAX];	/* old form: the device the kernel names */
	/* filled by im_attribute() */
	enum im_owner owner;
	const char *source;	/* foreign: the driver, or "device-name" */
	char dev[IM_DEV_MAX];	/* pmem device named by the messages */
	char blockdev[IM_DEV_MAX];
	const char *driver;	/* nd_pmem, dax_pmem when a message says */
	uint64_t capacity;
};

/* A group of lines set aside as another device's. */
struct im_foreign {
	const char *source;
	char dev[IM_DEV_MAX];
	unsigned int boot;
	uint64_t count;
	uint64_t pages[8];
	size_t nr_pages;
	unsigned long first_line;
	bool has_ts;
	uint64_t first_ts;
	uint64_t series_pages;	/* page-count: the series it sat in */
};

struct im_foreigns {
	struct im_foreign *v;
	size_t nr, alloc;
};

/* Counted oddities of the log, turned into warnings at the end. */
struct line_census {
	unsigned int nr;
	unsigned long first_line;
};

struct im_census {
	struct line_census seq_gaps, restarts, truncated, invalid, wrapped;
	struct line_census deferred, cut_memmap, filtered;
	uint64_t lost_records;
	uint64_t ms_gcd;	/* of every memmap_ms value */
	bool pmem_signs;	/* any nvdimm/pmem/namespace message */
};

/* import-context.c */
bool im_ctx_parse(const char *text, size_t len, struct im_ctx *c);
bool im_pmem_sign(const char *text, size_t len);
void im_attribute(struct im_line *lines, size_t nr,
		  const struct im_ctx *ctx, size_t nr_ctx);

/* import-series.c */
int im_foreign_add(struct im_foreigns *f, const char *source,
		   const char *dev, const struct im_line *l,
		   uint64_t series_pages);
/*
 * Binds, series and configurations of the kept lines (owner not
 * foreign) into @doc; lines set aside go to @foreign. Returns 0 or
 * -ENOMEM.
 */
int im_build_configs(struct rb_document *doc, const struct im_line *lines,
		     size_t nr, const struct rb_import_opts *opts,
		     struct im_foreigns *foreign);

/* import-warn.c: the document's warnings and foreign_lines. */
int im_warn(struct rb_document *doc, const struct im_census *c,
	    const struct im_foreigns *f, const struct rb_import_opts *opts);

#endif /* RB_IMPORT_PRIV_H */
