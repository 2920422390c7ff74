/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Base kernel versus new kernel: pair the configurations of two sets of
 * results documents (one document per boot), compare every timing source
 * both sides have, and give each a verdict. Ratios are new / base.
 */
#ifndef RB_COMPARE_H
#define RB_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <json-c/json.h>
#include "results/breakdown.h"
#include "results/document.h"
#include "results/stats.h"
#include "report/stats-compare.h"
#include "util/format.h"

#define RB_COMPARE_SCHEMA_NAME "rebind-bench-compare"
#define RB_COMPARE_SCHEMA_VERSION 2

enum rb_verdict {
	RB_VERDICT_NO_CHANGE, /* MWU p >= alpha */
	RB_VERDICT_WITHIN_NOISE, /* significant, CI not beyond the threshold */
	RB_VERDICT_IMPROVED, /* CI of the ratio entirely below 1 - noise */
	RB_VERDICT_REGRESSED, /* CI of the ratio entirely above 1 + noise */
};

const char *rb_verdict_key(enum rb_verdict v); /* "no_change", ... */
const char *rb_verdict_text(enum rb_verdict v); /* criterion's sentences */

/* One side: the documents of one kernel, one per boot. */
struct rb_side {
	struct rb_document **docs;
	const char **paths;
	size_t nr;
};

struct rb_compare_opts {
	double alpha; /* 0.05 */
	double noise; /* 0.02: relative change treated as noise, may be 0 */
	double confidence; /* of every interval; 0 means 1 - alpha */
	/* Another boot of the base kernel, for between-boot variance. */
	const struct rb_side *aa;
};

/* What pairs configurations across the sides. NULL strings are unknown. */
struct rb_config_key {
	const char *mode, *map;
	uint64_t align, size, nr_pages;
};

/* Descriptive figures of one side of one source, over the units. */
struct rb_side_summary {
	struct rb_stats st;
	size_t nr_iterations; /* raw steady samples behind the units */
	size_t nr_boots;
};

struct rb_source_cmp {
	const struct rb_source_desc *desc;
	bool quantised;
	double resolution; /* in the source's unit; 0 when continuous */
	struct rb_side_summary base, newer;
	double *base_raw, *new_raw; /* every steady iteration, for plots */
	double change_mean; /* mean(new) / mean(base) - 1 */
	double speedup; /* mean(base) / mean(new) */
	bool has_fieller, has_welch_log, has_hl;
	struct rb_ratio_ci fieller;
	struct rb_welch_log welch_log;
	struct rb_ratio_ci hl;
	bool hl_meaningful; /* false with jiffy ties: it collapses */
	bool has_yuen; /* trimmed means on logs: the jiffy source's interval */
	struct rb_ratio_ci yuen;
	struct rb_mwu mwu;
	enum rb_verdict verdict;
	const char *verdict_ci; /* "hodges_lehmann", "yuen", "fieller", ... */
	struct rb_ratio_ci decisive; /* that interval, widened if widened */
	bool has_decisive;
	bool capped; /* too few units for p < alpha: only no_change */
	bool widened; /* between-boot variance added to the interval */
	double between_sd; /* log sd of one kernel's boot means, or NAN */
	size_t between_boots; /* boots of one kernel behind between_sd */
	double mdc; /* minimum detectable change (fraction), NAN: none */
	unsigned int boots_needed; /* per kernel to detect RB_DETECT_CHANGE */
};

/* Boot means of one kernel kept for the between-boot spread. */
#define RB_MAX_AA_BOOTS 64

/* The change the boot-count advice is for, and the power of MDCs. */
#define RB_DETECT_CHANGE 0.03
#define RB_POWER 0.8

/* The one boot rule: fewest boots per kernel with which MWU can reach
 * p < @alpha (4 at 0.05). */
unsigned int rb_min_boots(double alpha);

/* First binds: one per boot, so only a ratio of their means. */
struct rb_cold_cmp {
	const struct rb_source_desc *desc;
	size_t nb, nn;
	double base, newer; /* means over boots */
	double ratio; /* newer / base */
};

struct rb_pair {
	struct rb_config_key key;
	const char *driver;
	char label[160];
	bool by_boot; /* unit of replication: boot (else iteration) */
	bool too_few_boots; /* no rank test can reach alpha with so few */
	size_t base_boots, new_boots;
	size_t aa_boots; /* --aa boots of the base kernel on this pair */
	struct rb_source_cmp src[RB_NR_SOURCES];
	size_t nr_src;
	int primary; /* index into src, -1 when nothing was compared */
	struct rb_cold_cmp cold[RB_NR_SOURCES];
	size_t nr_cold;
	/* --breakdown: share of the bind per function, on either side. */
	unsigned int bd_mask;
	struct {
		struct rb_bd_summary base, newer;
	} bd[RB_NR_BD];
};

/* A reason two configurations (or a source of them) were not compared. */
struct rb_mismatch {
	char *config; /* label of the base configuration, or NULL */
	char *field; /* "align", "hz", "sources", "configuration", ... */
	char *base, *newer; /* values as text, NULL when absent */
	char *action; /* "not paired", "memmap_ms not compared", ... */
};

/* Environment difference other than the kernel version: flagged only. */
struct rb_fp_diff {
	char *key; /* "cmdline", "config.CONFIG_DEBUG_VM", ... */
	char *base, *newer;
};

struct rb_comparison {
	struct rb_compare_opts opts;
	const struct rb_side *base, *newer;
	struct rb_pair *pairs;
	size_t nr_pairs;
	struct rb_mismatch *mismatches;
	size_t nr_mismatches;
	struct rb_fp_diff *fp_diffs;
	size_t nr_fp_diffs;
	char **caveats;
	size_t nr_caveats;
	bool any_regressed;
	/* Kernel of each side from the fingerprints (NULL: unknown). */
	const char *base_release, *new_release;
	bool same_kernel; /* release and version equal: an A/A comparison */
	size_t aa_boots; /* documents given with --aa */
};

/*
 * The verdict with the interval and the threshold that decided it:
 * "Change within noise threshold: -3.2% [95% CI -4.1%, -2.3%,
 * Hodges-Lehmann] does not lie entirely beyond +-2.0%."
 */
void rb_verdict_sentence(const struct rb_comparison *c,
			 const struct rb_source_cmp *s, char *buf, size_t len);
/* "Hodges-Lehmann" for "hodges_lehmann", ... */
const char *rb_ci_name(const char *key);

/* "Base (7.2.0-rc1)", "New (7.2.0-rc1+)", or plain "Base", "New". */
void rb_comparison_side_title(const struct rb_comparison *c, bool newer,
			      char *buf, size_t len);

/*
 * Pair and compare. Returns 0 (check nr_pairs: zero means no common
 * configuration), or -ENOMEM. @base and @newer must outlive @c.
 */
int rb_compare(const struct rb_side *base, const struct rb_side *newer,
	       const struct rb_compare_opts *opts, struct rb_comparison *c);
void rb_comparison_free(struct rb_comparison *c);

/*
 * One source of one configuration from plain arrays, iterations as the
 * unit (one boot a side): every statistic, verdict and power figure
 * rb_compare() gives it. @aa (NULL or @na values) is another boot of the
 * base kernel, as --aa. @resolution > 0 makes it the jiffy source.
 * s->base_raw/new_raw stay NULL. For simulation and benchmarks.
 */
int rb_compare_samples(const double *x, size_t m, const double *y, size_t n,
		       const double *aa, size_t na, double resolution,
		       const struct rb_compare_opts *o,
		       struct rb_source_cmp *s);

/* Number of pairs with at least one source compared. */
size_t rb_comparison_compared(const struct rb_comparison *c);

/* One line naming every mismatch, for the "nothing to compare" error. */
char *rb_comparison_mismatch_line(const struct rb_comparison *c);

struct json_object *rb_comparison_to_json(const struct rb_comparison *c);

/* compare-format.c: text forms. */
enum rb_compare_format {
	RB_CMP_JSON,
	RB_CMP_HUMAN,
	RB_CMP_MARKDOWN,
	RB_CMP_COMMIT, /* at most 75 columns, for changelogs */
};

int rb_compare_format_parse(const char *s, enum rb_compare_format *fmt);
int rb_comparison_print(const struct rb_comparison *c,
			enum rb_compare_format fmt, FILE *f);

#endif /* RB_COMPARE_H */
