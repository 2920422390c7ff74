/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one place that says where tracefs is mounted: the environment checks
 * look there, and the kprobe source hands it to libtracefs, so the two can
 * never disagree about which tracefs a run uses.
 */
#ifndef RB_TRACEFS_DIR_H
#define RB_TRACEFS_DIR_H

/*
 * /sys/kernel/tracing or /sys/kernel/debug/tracing (relative to @root,
 * see util/sysroot.h), whichever is mounted first; "" when none is.
 */
const char *rb_tracefs_dir(const char *root);

#endif /* RB_TRACEFS_DIR_H */
