/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dynamic-debug callsite of memmap_init_zone_device()'s pr_debug(): turn
 * its 'p' flag on for a run and put the previous flags back afterwards.
 * Only 'p' is ever touched, so restoring means "-p" iff we added it.
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
	bool changed; /* we added 'p': restore writes "-p" */
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
 * Where the control file is and the callsite's flags, changing nothing:
 * lets a run record what it is about to change before changing it.
 * Returns 0, or -ENOENT / -errno with a reason in @why.
 */
int rb_dyndbg_peek(struct rb_dyndbg *d, const char *root, char *why,
		   size_t whylen);

/*
 * Turn printing on for the callsite. 0 when it prints now (d->changed says
 * whether we did it), -ENOENT when dynamic debug or the callsite is missing
 * (a compiled-out pr_debug), other -errno on write failure; reason in @why.
 */
int rb_dyndbg_enable(struct rb_dyndbg *d, const char *root, char *why,
		     size_t whylen);

/* Undo rb_dyndbg_enable(); safe to call twice. Returns 0 or -errno. */
int rb_dyndbg_restore(struct rb_dyndbg *d);

#endif /* RB_DYNDBG_H */
