/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --breakdown: where the bind time goes. A fixed set of the bind path's
 * functions that run once per pgmap range (never one that runs per page:
 * a probe there would cost about a microsecond per struct page and become
 * the measurement), in the order of the call tree:
 *
 *   memremap_pages                 devm_memremap_pages() calls it
 *     pagemap_range                static, often inlined: then not probed
 *       arch_add_memory            vmemmap population
 *       move_pfn_range_to_zone     zone resize; the altmap's own pages
 *       memmap_init_zone_device    the struct page loop under test
 *
 * (mm/memremap.c of 6.1 and 6.12: memremap_pages() calls pagemap_range()
 * per range, which calls arch_add_memory() - add_pages() instead for
 * device-private memory, so 0 calls there - and move_pfn_range_to_zone()
 * under the hotplug lock, then memmap_init_zone_device() after it.)
 * A child runs inside its parent, so shares of nested functions are not
 * additive: a parent's share already holds its children's; the three
 * siblings run one after the other.
 */
#ifndef RB_BREAKDOWN_H
#define RB_BREAKDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "results/document.h"
#include "results/loader.h"

enum rb_bd_fn {
	RB_BD_MEMREMAP_PAGES,
	RB_BD_PAGEMAP_RANGE,
	RB_BD_ARCH_ADD_MEMORY,
	RB_BD_MOVE_PFN_RANGE,
	RB_BD_MEMMAP_INIT,
};

/* More calls in one bind than any pgmap has ranges: not a real value. */
#define RB_BD_MAX_CALLS 65536u

struct rb_bd_desc {
	const char *func; /* kernel symbol and JSON key */
	int parent; /* index of the caller in the tree, -1 for the root */
};
extern const struct rb_bd_desc rb_bd_fns[RB_NR_BD];
#define RB_BD_ALL ((1u << RB_NR_BD) - 1)

/* Index of @func, or -1. */
int rb_bd_by_name(const char *func);

/* Nearest ancestor of @fn that is in @mask, or -1. */
int rb_bd_parent(int fn, unsigned int mask);

/* Number of ancestors of @fn in @mask: the indentation of a tree. */
int rb_bd_depth(int fn, unsigned int mask);

/*
 * Share of the bind that @fn took in @s: its time over the bind's wall
 * time. False when @s has no time for @fn or no (non-zero) bind time.
 */
bool rb_bd_share(const struct rb_sample *s, int fn, double *share);

/* Steady-state means of one function over one or more configurations. */
struct rb_bd_summary {
	size_t n; /* samples with the function and a bind time */
	double share_sum, ns_sum, calls_sum;
};

/* Add @cfg's steady samples of @fn to @sum (zero it first). */
void rb_bd_summary_add(struct rb_bd_summary *sum,
		       const struct rb_config_result *cfg, int fn);
/* Means; NAN when the summary is empty. */
double rb_bd_summary_share(const struct rb_bd_summary *sum);
double rb_bd_summary_ns(const struct rb_bd_summary *sum);
double rb_bd_summary_calls(const struct rb_bd_summary *sum);

/* Whether --breakdown left out a function of @cfg's set. */
bool rb_bd_any_missing(const struct rb_config_result *cfg);

/* JSON of a sample's "breakdown", of a mask of functions (an array of
 * names) and of a configuration's "breakdown_missing"; NULL on ENOMEM. */
struct json_object *rb_bd_sample_to_json(const struct rb_sample *s);
struct json_object *rb_bd_names_to_json(unsigned int mask);
struct json_object *rb_bd_missing_to_json(const struct rb_config_result *cfg);

/*
 * Loading: the member "breakdown" of sample @o into @s (after its timing
 * sources: the share is checked against bind_ns), an array of names into
 * a mask, "breakdown_missing" into @cfg, and that every sample's functions
 * are among settings.breakdown. False after ld_fail().
 */
bool rb_bd_parse_sample(struct loader *ld, struct json_object *o,
			const char *where, struct rb_sample *s);
bool rb_bd_parse_names(struct loader *ld, struct json_object *arr,
		       const char *where, unsigned int *mask);
bool rb_bd_parse_missing(struct loader *ld, struct json_object *o,
			 const char *where, struct rb_config_result *cfg);
bool rb_bd_check_config(struct loader *ld, const char *where,
			const struct rb_config_result *cfg);

#endif /* RB_BREAKDOWN_H */
