/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths of the running system's /proc, /sys and /boot, below a root that
 * unit tests point at a fake tree. Empty or NULL root means "/".
 */
#ifndef RB_SYSROOT_H
#define RB_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * What live code passes as @root: "" in the programs. Only the test build
 * (RB_TEST_HOOKS, sysroot-env.c) takes it from $RB_SYSROOT, so that no
 * environment variable can redirect a root program's /proc, /sys, /run.
 */
const char *rb_sysroot(void);

/* @root + printf(@fmt); the caller frees. NULL on allocation failure. */
char *rb_root_path(const char *root, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

bool rb_root_exists(const char *root, const char *path);

/*
 * First line of a small file below @root, without the newline. Returns the
 * length, or -errno when it cannot be read.
 */
int rb_root_read_line(const char *root, const char *path, char *buf,
		      size_t len);

#endif /* RB_SYSROOT_H */
