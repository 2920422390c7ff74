/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Many hosts: a results tree holds one folder per host (the inventory
 * name), each with that host's results documents named
 * <timestamp>-<kernel>.json, the newest last in name order. The fleet
 * report takes the newest document of each host, and per configuration
 * (mode, map, align) sets the hosts side by side: one row per host, the
 * spread across hosts with Tukey fences, the hosts whose geometry or
 * kernel differ from the majority, and with a baseline tree each host's
 * verdict against its own earlier results (compare's statistics).
 * Outlying hosts are flagged, never dropped.
 */
#ifndef RB_FLEET_H
#define RB_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "results/document.h"
#include "results/stats.h"
#include "report/compare.h"

#define RB_FLEET_SCHEMA_NAME "rebind-bench-fleet"
#define RB_FLEET_SCHEMA_VERSION 1

/* Row flags; every one is reported, none removes a host. */
enum rb_fleet_flag {
	RB_FLEET_LOW_SEVERE = 1 << 0, /* below Q1 - 3 IQR */
	RB_FLEET_LOW_MILD = 1 << 1, /* below Q1 - 1.5 IQR */
	RB_FLEET_HIGH_MILD = 1 << 2, /* above Q3 + 1.5 IQR */
	RB_FLEET_HIGH_SEVERE = 1 << 3, /* above Q3 + 3 IQR */
	RB_FLEET_GEOMETRY = 1 << 4, /* size or nr_pages not the majority's */
	RB_FLEET_KERNEL = 1 << 5, /* kernel release not the majority's */
	RB_FLEET_NO_SOURCE = 1 << 6, /* lacks the configuration's source */
	RB_FLEET_INCOMPLETE = 1 << 7, /* "complete": false */
};
#define RB_FLEET_NR_FLAGS 8

/* "outlier-low-severe", ...: the JSON and text name of one flag bit. */
const char *rb_fleet_flag_name(enum rb_fleet_flag f);

struct rb_fleet_host {
	char *name; /* the folder's name */
	char *path; /* the newest document, or NULL */
	char *error; /* why the host has no document, or NULL */
	struct rb_document *doc;
	const char *kernel; /* fingerprint kernel_release, or NULL */
	char *base_path; /* newest document of the baseline tree */
	char *base_error; /* why there is no baseline comparison */
	struct rb_document *base_doc;
	struct rb_side base_side, cand_side;
	bool has_cmp;
	struct rb_comparison cmp; /* base_doc against doc */
};

/* A host's own baseline verdict for one configuration. */
struct rb_fleet_verdict {
	bool has;
	const char *why_not; /* "no baseline", "not paired", ... */
	const struct rb_source_cmp *src;
};

struct rb_fleet_row {
	size_t host; /* index into rb_fleet.hosts */
	const struct rb_config_result *cfg;
	unsigned int flags; /* enum rb_fleet_flag */
	bool has_stats;
	struct rb_stats st; /* of the configuration's source */
	bool has_cold;
	double cold; /* in the source's unit */
	bool has_norm;
	double ns_per_page, ms_per_gib;
	double value; /* what the fences judge: ms_per_gib, else the mean */
	uint64_t nr_pages;
	struct rb_fleet_verdict verdict;
};

/* The majority value of one property over a configuration's rows. */
struct rb_fleet_majority {
	bool has; /* false when no value is held by more than any other */
	size_t count, distinct;
};

struct rb_fleet_config {
	char label[160];
	const char *mode, *map; /* borrowed from the first row's document */
	uint64_t align;
	const struct rb_source_desc *src;
	bool by_gib; /* value is ms_per_gib for every row with stats */
	struct rb_fleet_row *rows;
	size_t nr_rows;
	bool has_dist;
	struct rb_stats dist; /* of the rows' values */
	bool has_fences; /* four rows or more */
	double fence_lo, fence_hi; /* mild fences, Q1/Q3 -/+ 1.5 IQR */
	struct rb_fleet_majority geometry;
	uint64_t size, nr_pages; /* the majority's geometry */
	struct rb_fleet_majority kernel;
	const char *kernel_release; /* the majority's kernel */
};

struct rb_fleet {
	struct rb_compare_opts opts;
	struct rb_fleet_host *hosts;
	size_t nr_hosts;
	struct rb_fleet_config *configs;
	size_t nr_configs;
	bool has_baseline;
	size_t nr_flagged; /* rows with any flag */
	bool any_regressed;
};

/*
 * Read @dir (and @baseline_dir, or NULL) and build the report. A host
 * without a readable document is kept with its error. Returns 0, -ENOENT
 * when @dir holds no host folder (with a reason in @err), -ENOTDIR, or
 * -ENOMEM.
 */
int rb_fleet_load(const char *dir, const char *baseline_dir,
		  const struct rb_compare_opts *opts, struct rb_fleet *fl,
		  char *err, size_t errlen);
void rb_fleet_free(struct rb_fleet *fl);

/* Build the configurations of an already loaded fleet (fleet.c). */
int rb_fleet_analyse(struct rb_fleet *fl);

struct json_object *rb_fleet_to_json(const struct rb_fleet *fl);

/* fleet-format.c: json, human or markdown, like compare. */
int rb_fleet_print(const struct rb_fleet *fl, enum rb_compare_format fmt,
		   FILE *f);

#endif /* RB_FLEET_H */
