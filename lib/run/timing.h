/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The timing sources of a live run, combined:
 *   kmsg  - memmap_init_zone_device's own line (ms, jiffy resolution),
 *   probe - kprobe/kretprobe pair around it (ns from a us trace clock),
 *   wall  - CLOCK_MONOTONIC around the unbind and bind writes.
 * "auto" uses every source that works and records why the others do not.
 */
#ifndef RB_TIMING_H
#define RB_TIMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include "results/document.h"

#define RB_SRC_WALL (RB_SRC_UNBIND_NS | RB_SRC_BIND_NS)
#define RB_SRC_ALL (RB_SRC_MEMMAP_MS | RB_SRC_MEMMAP_NS | RB_SRC_WALL)

/* The open sources of a run; only timing.c looks inside. */
struct rb_timing;

/*
 * What a run is about to change in the kernel for its sources, written to
 * the run's state record before the change so that the next run can undo
 * it after a SIGKILL.
 */
struct rb_timing_helpers {
	char dyndbg_control[PATH_MAX]; /* "" without dynamic debug */
	char probe_group[32]; /* "" when no kprobes are created */
	char probe_inst[64];
};

/*
 * "auto" or a comma list of kmsg, probe, wall. Returns 0, or -EINVAL with
 * a reason in @err.
 */
int rb_timing_parse(const char *arg, unsigned int *mask, bool *is_auto,
		    char *err, size_t len);

/* CLOCK_MONOTONIC in ns. */
uint64_t rb_now_ns(void);

/* Seconds left after @done of @total steps took @elapsed_ns. */
unsigned int rb_eta_seconds(unsigned int done, unsigned int total,
			    uint64_t elapsed_ns);

/*
 * Set up the sources in @mask below @root (see sysroot.h), with the names
 * @plan chose (rb_timing_plan). @breakdown (with the probe source in
 * @mask) adds a kprobe pair per function of results/breakdown.h that the
 * kernel has, in the probe source's group: the record's group name
 * covers them, so the repair removes them too. Returns 0 when at least
 * one source works, -ENOENT when none does, or -errno when @breakdown
 * cannot be had (reason in @err).
 */
int rb_timing_open(struct rb_timing **out, unsigned int mask, bool is_auto,
		   bool breakdown, const char *root,
		   const struct rb_timing_helpers *plan, char *err,
		   size_t len);

/* The sources asked for, and those that work: masks of enum rb_source. */
unsigned int rb_timing_wanted(const struct rb_timing *t);
unsigned int rb_timing_active(const struct rb_timing *t);

/*
 * Fill @h with what rb_timing_open(@mask, @h) below @root is going to
 * change, new kprobe names included. Changes nothing.
 */
void rb_timing_plan(unsigned int mask, const char *root,
		    struct rb_timing_helpers *h);

/*
 * Undo what a killed run's @h says it changed: dynamic debug flags, the
 * kprobes and the trace instance. Warns about what stays; returns 0 or
 * the -errno of the first failure.
 */
int rb_timing_repair(const struct rb_timing_helpers *h, const char *root);

/*
 * Record the reasons for the missing sources in @cfg, and with
 * --breakdown the functions probed and why the others are not.
 */
void rb_timing_note_missing(const struct rb_timing *t,
			    struct rb_config_result *cfg);

/* Right before a bind. */
int rb_timing_arm(struct rb_timing *t);

/*
 * Right after a bind: fill @s's kernel-side fields (memmap_ms,
 * memmap_ns, nr_pages, nr_ranges, seq, kernel_ts_usec, the breakdown);
 * warnings go to @w.
 */
void rb_timing_collect(struct rb_timing *t, uint64_t expected,
		       struct rb_sample *s, struct rb_warnings *w);

/*
 * Restore dynamic debug, remove the probes and free @t (NULL is fine).
 * Returns 0 or -errno.
 */
int rb_timing_close(struct rb_timing *t);

#endif /* RB_TIMING_H */
