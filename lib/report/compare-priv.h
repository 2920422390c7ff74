/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside compare: what the pairing, the per-source statistics, the
 * environment checks, the caveats and the JSON document share.
 */
#ifndef RB_COMPARE_PRIV_H
#define RB_COMPARE_PRIV_H

#include "report/compare.h"
#include "util/u64-index.h"

/* Configurations of one side sharing a key: one member per boot. */
struct rb_cmp_group {
	struct rb_config_key key;
	const char *driver;
	const struct rb_config_result **cfgs;
	size_t nr;
	bool paired;
};

struct rb_cmp_groups {
	struct rb_cmp_group *v;
	size_t nr;
	/* each group under its page count (0: unknown, then also under the
	 * one a later member brought) */
	struct rb_u64_index by_pages;
};

/* compare-key.c: configuration keys and their groups. */
int rb_cmp_groups_build(const struct rb_side *side, struct rb_cmp_groups *g);
void rb_cmp_groups_free(struct rb_cmp_groups *g);
/*
 * The group of @g whose key equals @k (distance 0), @unpaired ones only:
 * the one of the lowest index, or of the highest with @last; NULL when
 * none. Only groups of @k's page count or of none are looked at.
 */
struct rb_cmp_group *rb_cmp_groups_find(struct rb_cmp_groups *g,
					const struct rb_config_key *k,
					bool unpaired, bool last);
size_t rb_cmp_key_distance(const struct rb_config_key *a,
			   const struct rb_config_key *b);
void rb_cmp_key_merge(struct rb_config_key *a, const struct rb_config_key *b);
size_t rb_cmp_key_unverified(char *buf, size_t len,
			     const struct rb_config_key *a,
			     const struct rb_config_key *b);
void rb_cmp_key_label(char *buf, size_t len, const struct rb_config_key *k,
		      const char *driver);
/* compare-notes.c: caveats and mismatches. Takes @base and @newer. */
int rb_cmp_add_mismatch(struct rb_comparison *c, const char *config,
			const char *field, char *base, char *newer,
			const char *action);
int rb_cmp_report_unpaired(struct rb_comparison *c,
			   const struct rb_cmp_group *b,
			   const struct rb_cmp_group *n);

/* compare-source.c: one paired configuration, source by source. */
int rb_cmp_compare_pair(struct rb_comparison *c, const struct rb_cmp_group *b,
			const struct rb_cmp_group *n,
			const struct rb_cmp_group *aa, bool hz_differs,
			double res_ms);

/* compare-breakdown.c: the shares of --breakdown, and their JSON. */
void rb_cmp_pair_breakdown(struct rb_pair *p, const struct rb_cmp_group *b,
			   const struct rb_cmp_group *n);
struct json_object *rb_cmp_breakdown_json(const struct rb_pair *p);

/* compare-env.c: HZ, fingerprints, origins, incomplete documents. */
int rb_cmp_compare_env(struct rb_comparison *c, bool *hz_differs,
		       double *res_ms);

/* compare-caveats.c: what the figures cannot say. */
int rb_cmp_pair_caveats(struct rb_comparison *c);

__attribute__((format(printf, 2, 3)))
int rb_cmp_add_caveat(struct rb_comparison *c, const char *fmt, ...);
bool rb_cmp_str_eq(const char *a, const char *b);

#endif /* RB_COMPARE_PRIV_H */
