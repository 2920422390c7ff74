// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/sysroot.h"

const char *rb_sysroot(void)
{
	const char *root = getenv("RB_SYSROOT");

	return root ? root : "";
}

char *rb_root_path(const char *root, const char *fmt, ...)
{
	char *rel, *path;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&rel, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return NULL;
	rc = asprintf(&path, "%s%s", root ? root : "", rel);
	free(rel);
	return rc < 0 ? NULL : path;
}

bool rb_root_exists(const char *root, const char *path)
{
	char *p = rb_root_path(root, "%s", path);
	bool ok = p && access(p, F_OK) == 0;

	free(p);
	return ok;
}

int rb_root_read_line(const char *root, const char *path, char *buf,
		      size_t len)
{
	char *p = rb_root_path(root, "%s", path);
	FILE *f;
	int rc;

	if (!p)
		return -ENOMEM;
	f = fopen(p, "re");
	free(p);
	if (!f)
		return -errno;
	if (!fgets(buf, len, f)) {
		rc = ferror(f) ? -EIO : -ENODATA;
		fclose(f);
		return rc;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strlen(buf);
}

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
