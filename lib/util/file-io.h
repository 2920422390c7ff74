/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole files in and out: one capped reader, and one writer that every
 * output of the programs goes through (documents, reports, plots).
 */
#ifndef RB_FILE_IO_H
#define RB_FILE_IO_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Everything @fd (or the file @path) holds, NUL-terminated, at most @max
 * bytes. Returns NULL with errno set (EFBIG above @max); @lenp may be NULL.
 */
char *rb_read_fd(int fd, size_t max, size_t *lenp);
char *rb_read_file(const char *path, size_t max, size_t *lenp);

/* Write all of @buf to @fd, across short writes and EINTR. 0 or -errno. */
int rb_write_all(int fd, const char *buf, size_t len);

/*
 * Replace the regular file @path by one of mode @mode holding @text: a
 * temporary file beside it (O_EXCL: nothing planted there is followed),
 * fsynced, renamed over @path, the folder fsynced. A reader sees the old
 * file or the new one, never half of one. 0 or -errno.
 */
int rb_file_replace(const char *path, const char *text, size_t len,
		    mode_t mode);

/*
 * fsync() the directory @dir: makes the names created or renamed in it
 * durable (rb_file_replace() does it but ignores a failure). 0 or -errno.
 */
int rb_sync_dir(const char *dir);

/*
 * Write @text to the output @path:
 * - NULL or "-": standard output;
 * - a character device, FIFO or socket (/dev/null, a pipe, a tty), or a
 *   name under /dev/fd, /proc/self/fd, /dev/stdout, /dev/stderr: written
 *   in place, never replaced;
 * - a regular file or a new name: a temporary file beside it (created
 *   with O_EXCL, so nothing planted there is followed), fsynced, renamed
 *   over the name; a symbolic link at the name is replaced, not followed;
 * - a directory or a block device: -EISDIR / -ENOTBLK, nothing written.
 * Returns 0 or -errno.
 */
int rb_output_write(const char *path, const char *text, size_t len);

/*
 * Whether rb_output_write(@path) can succeed, checked before a run
 * changes anything: 0, or -errno with a one-line reason in @why.
 */
int rb_output_check(const char *path, char *why, size_t len);

#endif /* RB_FILE_IO_H */
