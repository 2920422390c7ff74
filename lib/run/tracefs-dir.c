// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdio.h>
#include "run/tracefs-dir.h"
#include "util/sysroot.h"
#include "util/util.h"

const char *rb_tracefs_dir(const char *root)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (rb_root_exists(root, path))
			return dirs[i];
	}
	return "";
}
