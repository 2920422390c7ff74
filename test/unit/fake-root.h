/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake system tree for the readers that follow rb_sysroot(): a temporary
 * directory that $RB_SYSROOT points at, and files, directories and symbolic
 * links made below it by relative path. Header-only, like unit.h.
 */
#ifndef RB_FAKE_ROOT_H
#define RB_FAKE_ROOT_H

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "unit.h"

static char fake_root[64];

static inline const char *fake_path(char *buf, size_t len, const char *rel)
{
	snprintf(buf, len, "%s%s", fake_root, rel);
	return buf;
}

/* Every directory of @rel (a path below the root), the last one included. */
static inline void fake_mkdir(const char *rel)
{
	char full[PATH_MAX];
	size_t i, base = strlen(fake_root);

	fake_path(full, sizeof(full), rel);
	for (i = base + 1; full[i]; i++) {
		if (full[i] != '/')
			continue;
		full[i] = '\0';
		mkdir(full, 0755);
		full[i] = '/';
	}
	mkdir(full, 0755);
}

/* The file @rel with @text; its directories are made first. */
static inline void fake_file(const char *rel, const char *text)
{
	char full[PATH_MAX], dir[PATH_MAX], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		fake_mkdir(dir);
	}
	f = fopen(fake_path(full, sizeof(full), rel), "w");
	if (!f) {
		CHECK(0, "create %s: %s", full, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
}

/* The symbolic link @rel pointing at @target, as the kernel's sysfs has. */
static inline void fake_link(const char *rel, const char *target)
{
	char full[PATH_MAX], dir[PATH_MAX], *slash;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		fake_mkdir(dir);
	}
	fake_path(full, sizeof(full), rel);
	unlink(full);
	if (symlink(target, full) < 0)
		CHECK(0, "symlink %s: %s", full, strerror(errno));
}

static inline int fake_rm_one(const char *path, const struct stat *st,
			      int flag, struct FTW *ftw)
{
	return remove(path);
}

static inline void fake_root_remove(void)
{
	if (fake_root[0])
		nftw(fake_root, fake_rm_one, 16, FTW_DEPTH | FTW_PHYS);
	fake_root[0] = '\0';
}

/* A new empty root, and $RB_SYSROOT pointing at it. */
static inline void fake_root_new(const char *tag)
{
	fake_root_remove();
	snprintf(fake_root, sizeof(fake_root), "/tmp/rb-%s-XXXXXX", tag);
	if (!mkdtemp(fake_root)) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		exit(1);
	}
	setenv("RB_SYSROOT", fake_root, 1);
}

#endif /* RB_FAKE_ROOT_H */
