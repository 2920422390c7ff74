// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/file-io.h"

char *rb_read_fd(int fd, size_t max, size_t *lenp)
{
	size_t len = 0, alloc = 1 << 16;
	char *buf = malloc(alloc);
	int err = ENOMEM;

	while (buf) {
		ssize_t n;

		/* One byte past @max proves the input too big. */
		if (len > max) {
			err = EFBIG;
			break;
		}
		if (alloc - len < 2) {
			size_t nalloc = alloc * 2 < max + 2 ? alloc * 2 :
							      max + 2;
			char *nbuf = realloc(buf, nalloc);

			if (!nbuf)
				break;
			buf = nbuf;
			alloc = nalloc;
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err = errno;
			break;
		}
		if (n == 0) {
			buf[len] = '\0';
			if (lenp)
				*lenp = len;
			return buf;
		}
		len += n;
	}
	free(buf);
	errno = err;
	return NULL;
}

char *rb_read_file(const char *path, size_t max, size_t *lenp)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *buf;
	int err;

	if (fd < 0)
		return NULL;
	buf = rb_read_fd(fd, max, lenp);
	err = errno;
	close(fd);
	errno = err;
	return buf;
}

int rb_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= n;
	}
	return 0;
}

/* Names of an already open descriptor: reopening them writes in place. */
static bool names_open_fd(const char *path)
{
	return !strncmp(path, "/dev/fd/", 8) ||
	       !strncmp(path, "/proc/self/fd/", 14) ||
	       !strcmp(path, "/dev/stdout") || !strcmp(path, "/dev/stderr");
}

enum out_kind { OUT_STDOUT, OUT_IN_PLACE, OUT_REPLACE };

/* How @path is written, or -errno when it must not be. */
static int out_kind(const char *path)
{
	struct stat st;

	if (!path || !strcmp(path, "-"))
		return OUT_STDOUT;
	if (stat(path, &st) < 0)
		return errno == ENOENT ? OUT_REPLACE : -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	if (S_ISBLK(st.st_mode))
		return -ENOTBLK;
	if (!S_ISREG(st.st_mode) || names_open_fd(path))
		return OUT_IN_PLACE;
	return OUT_REPLACE;
}

static int write_in_place(const char *path, const char *text, size_t len)
{
	struct stat st;
	int fd, rc;

	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	/* A regular file behind /dev/fd/N is rewritten, as a shell would. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0))
		rc = -errno;
	else
		rc = rb_write_all(fd, text, len);
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}

int rb_sync_dir(const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (dfd < 0)
		return -errno;
	if (fsync(dfd) < 0)
		rc = -errno;
	close(dfd);
	return rc;
}

int rb_file_replace(const char *path, const char *text, size_t len,
		    mode_t mode)
{
	char *dir_copy = strdup(path), *tmp = NULL;
	const char *dir;
	int fd, rc;

	if (!dir_copy)
		return -ENOMEM;
	dir = dirname(dir_copy);
	if (asprintf(&tmp, "%s/.rebind-bench.XXXXXX", dir) < 0) {
		free(dir_copy);
		return -ENOMEM;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	rc = fchmod(fd, mode) < 0 ? -errno : 0;
	if (!rc)
		rc = rb_write_all(fd, text, len);
	if (!rc && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	if (!rc && rename(tmp, path) < 0)
		rc = -errno;
	/* Make the rename durable; a results file loses nothing without. */
	if (rc)
		unlink(tmp);
	else
		rb_sync_dir(dir);
out:
	free(tmp);
	free(dir_copy);
	return rc;
}

int rb_output_write(const char *path, const char *text, size_t len)
{
	int kind = out_kind(path);
	mode_t mask;

	switch (kind) {
	case OUT_STDOUT:
		/* Keep anything already printed through stdio in order. */
		if (fflush(stdout))
			return -errno;
		return rb_write_all(STDOUT_FILENO, text, len);
	case OUT_IN_PLACE:
		return write_in_place(path, text, len);
	case OUT_REPLACE:
		/* Results are ordinary files: what the umask leaves of 0666. */
		mask = umask(0);
		umask(mask);
		return rb_file_replace(path, text, len, 0666 & ~mask);
	}
	return kind;
}

int rb_output_check(const char *path, char *why, size_t len)
{
	int kind = out_kind(path);
	char *dir_copy;
	const char *dir;
	int rc = 0;

	if (kind == OUT_STDOUT)
		return 0;
	if (kind < 0) {
		snprintf(why, len, "%s: %s", path,
			 kind == -ENOTBLK ? "a block device is never written" :
					    strerror(-kind));
		return kind;
	}
	if (kind == OUT_IN_PLACE) {
		if (access(path, W_OK) < 0) {
			rc = -errno;
			snprintf(why, len, "%s: %s", path, strerror(errno));
		}
		return rc;
	}
	dir_copy = strdup(path);
	if (!dir_copy)
		return -ENOMEM;
	dir = dirname(dir_copy);
	if (access(dir, W_OK) < 0) {
		rc = -errno;
		snprintf(why, len, "%s: cannot create a file in %s: %s", path,
			 dir, strerror(errno));
	}
	free(dir_copy);
	return rc;
}
