// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "util/sysroot.h"

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
