/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dynamic-debug callsite of memmap_init_zone_device()'s pr_debug(): turn
 * its 'p' flag on for a run and put the previous flags back afterwards.
 * Only 'p' is ever touched, so restoring means "-p" iff we added it.
 *
 * Runs on different targets may overlap: each holds a shared lock on
 * <root>/run/rebind-bench/dyndbg.lock while it relies on the flag, the run
 * that turned it on leaves a note next to it, and the last run to let go
 * (or the next one after a SIGKILL) takes the lock exclusively and
 * restores. That lock is in this mount namespace's /run; runs in two
 * containers are kept apart by the host lock (run-state.h), which also
 * holds the tracefs or debugfs root that every namespace shares.
 */
#ifndef RB_DYNDBG_H
#define RB_DYNDBG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define RB_DYNDBG_FUNC "memmap_init_zone_device"

struct rb_dyndbg {
	char control[PATH_MAX]; /* control file in use */
	char flags[32]; /* flags found before the run, "_" for none */
	bool changed; /* we added 'p' (and left the note) */
	int lock_fd; /* shared lock held while enabled, -1 none */
	char lock_path[PATH_MAX];
	char note_path[PATH_MAX];
};

/*
 * Locate the control file below @root (see sysroot.h): /proc first, then
 * <debugfs>/dynamic_debug. Returns 0, or -ENOENT with a reason in @why.
 */
int rb_dyndbg_find(const char *root, char *path, size_t len, char *why,
		   size_t whylen);

/*
 * Flags of the callsite from the text of a control file: the "=..." field
 * of the first line naming the function. Returns 0, or -ENOENT.
 */
int rb_dyndbg_parse_flags(const char *control_text, char *flags,
			  size_t len);

/*
 * Turn printing on for the callsite. 0 when it prints now (d->changed says
 * whether we did it), -ENOENT when dynamic debug or the callsite is missing
 * (a compiled-out pr_debug), other -errno on write failure; reason in @why.
 */
int rb_dyndbg_enable(struct rb_dyndbg *d, const char *root, char *why,
		     size_t whylen);

/*
 * Let go of the callsite; when no other run holds it and a note says a run
 * turned it on, turn it off. Safe to call twice. Returns 0 or -errno.
 */
int rb_dyndbg_restore(struct rb_dyndbg *d);

/*
 * After a killed run: restore as above if no run holds the callsite now.
 * Returns 0 or -errno.
 */
int rb_dyndbg_repair(const char *root);

#endif /* RB_DYNDBG_H */
