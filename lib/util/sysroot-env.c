// SPDX-License-Identifier: GPL-2.0
/*
 * rb_sysroot(), built twice: into the programs without RB_TEST_HOOKS, and
 * into the unit tests with it (lib/meson.build).
 */
#include <stdlib.h>
#include "util/sysroot.h"

const char *rb_sysroot(void)
{
#ifdef RB_TEST_HOOKS
	const char *root = getenv("RB_SYSROOT");

	return root ? root : "";
#else
	return "";
#endif
}
