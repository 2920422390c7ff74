/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Paths of the running system's /proc, /sys and /boot, below a root that
 * unit tests point at a fake tree. Empty or NULL root means "/".
 */
#ifndef RB_SYSROOT_H
#define RB_SYSROOT_H

#include <stdbool.h>
#include <stddef.h>

/* $RB_SYSROOT, or "" when unset: what live code passes as @root. */
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

/*
 * Everything @fd (or the file @path) holds, NUL-terminated, at most @max
 * bytes. Returns NULL with errno set (EFBIG above @max); @lenp may be NULL.
 */
char *rb_read_fd(int fd, size_t max, size_t *lenp);
char *rb_read_file(const char *path, size_t max, size_t *lenp);

#endif /* RB_SYSROOT_H */
