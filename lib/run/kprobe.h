/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Entry/exit timestamps of memmap_init_zone_device() from a kprobe and a
 * kretprobe, enabled only in a private tracefs instance with the mono clock.
 * Two events per call: nothing per page, no function_graph, no page_ref
 * events (they would switch off the fast path under test).
 */
#ifndef RB_KPROBE_H
#define RB_KPROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rb_kprobe;

/*
 * Extra kprobe pairs (--breakdown), one per function of a short list:
 * only functions that run once per range, never one that runs per page.
 */
#define RB_KPROBE_MAX_EXTRA 8

/* The calls of one extra function within one bind. */
struct rb_kprobe_calls {
	unsigned int nr_calls;
	uint64_t total_ns;
	unsigned int unpaired;
};

/* Entry/exit pairs of one bind, matched per pid. */
struct rb_kprobe_result {
	unsigned int nr_pairs; /* one per pgmap range */
	uint64_t total_ns; /* sum of exit - entry */
	uint64_t first_entry_ns; /* mono clock of the first entry */
	unsigned int unpaired; /* entries or exits without a partner */
	struct rb_kprobe_calls extra[RB_KPROBE_MAX_EXTRA]; /* as opened */
};

/*
 * Names of one run's kprobe group and tracefs instance:
 * "rebind_bench_<boot>_<nonce>" from the first eight hex digits of the
 * kernel's boot id and a random @nonce, so that runs in two containers
 * (equal pids, own /run) never take each other's events. They are
 * recorded before they are created, so a later run can clean up after a
 * killed one.
 */
void rb_kprobe_names(const char *boot_id, uint32_t nonce, char *group,
		     size_t glen, char *inst, size_t ilen);

/*
 * Create the events @group and the instance @inst and start tracing:
 * the memmap_init_zone_device pair, and one pair per symbol of @extra
 * (@nr_extra of them, at most RB_KPROBE_MAX_EXTRA; NULL and 0 for none)
 * in the same group, so that removing the group removes them all.
 * Returns 0, or -errno with a one-line reason in @why (tracefs not
 * mounted, no CONFIG_KPROBE_EVENTS, lockdown, function not probeable...).
 */
int rb_kprobe_open(struct rb_kprobe **out, const char *group,
		   const char *inst, const char *const *extra,
		   size_t nr_extra, char *why, size_t whylen);

/* Empty the instance's buffer before a bind. */
int rb_kprobe_arm(struct rb_kprobe *p);

/* Read the buffer after the bind and pair the events. */
int rb_kprobe_collect(struct rb_kprobe *p, struct rb_kprobe_result *res);

/* Stop, remove the instance and the events; NULL is fine. */
void rb_kprobe_close(struct rb_kprobe *p);

/*
 * Remove a killed run's instance and events by name; absent ones are not
 * an error. Returns 0 or -errno of the first failure.
 */
int rb_kprobe_remove_stale(const char *group, const char *inst);

/* Pair the text of a trace buffer (exposed for unit tests). */
void rb_kprobe_parse(const char *text, struct rb_kprobe_result *res);

/*
 * The same with the extra pairs of rb_kprobe_open()'s @extra: their
 * events are "bd_<symbol up to a dot>_entry" and "..._exit".
 */
void rb_kprobe_parse_extra(const char *text, const char *const *extra,
			   size_t nr_extra, struct rb_kprobe_result *res);

/* The event name of an extra pair's entry (@exit false) or exit. */
void rb_kprobe_extra_event(const char *sym, bool exit, char *buf,
			   size_t len);

#endif /* RB_KPROBE_H */
