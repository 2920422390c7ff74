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
#include "results/document.h"
#include "run/dyndbg.h"
#include "run/kmsg-window.h"
#include "run/kprobe.h"

#define RB_SRC_WALL (RB_SRC_UNBIND_NS | RB_SRC_BIND_NS)
#define RB_SRC_ALL (RB_SRC_MEMMAP_MS | RB_SRC_MEMMAP_NS | RB_SRC_WALL)

struct rb_timing {
	unsigned int want; /* requested, mask of enum rb_source */
	unsigned int active; /* working */
	bool is_auto;
	char why[RB_NR_SOURCES][256]; /* by bit number, for missing ones */
	bool dyndbg_on;
	struct rb_dyndbg dyndbg;
	bool kmsg_on;
	struct rb_kmsg_window kmsg;
	struct rb_kprobe *probe;
	char probe_group[32], probe_inst[64];
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
 * Set up the sources in @mask below @root (see sysroot.h). Returns 0 when
 * at least one works, -ENOENT when none does (reason in @err).
 */
int rb_timing_open(struct rb_timing *t, unsigned int mask, bool is_auto,
		   const char *root, char *err, size_t len);

/* Record the reasons for the missing sources in @cfg. */
void rb_timing_note_missing(const struct rb_timing *t,
			    struct rb_config_result *cfg);

/* Right before a bind. */
int rb_timing_arm(struct rb_timing *t);

/*
 * Right after a bind: fill @s's kernel-side fields (memmap_ms,
 * memmap_ns, nr_pages, nr_ranges, seq, kernel_ts_usec); warnings go to @w.
 */
void rb_timing_collect(struct rb_timing *t, uint64_t expected,
		       struct rb_sample *s, struct rb_warnings *w);

/* Restore dynamic debug and remove the probes. Returns 0 or -errno. */
int rb_timing_close(struct rb_timing *t);

#endif /* RB_TIMING_H */
