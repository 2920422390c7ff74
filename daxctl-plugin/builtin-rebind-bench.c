// SPDX-License-Identifier: GPL-2.0
#include "rebind-bench.h"

int cmd_rebind_bench(int argc, const char **argv, struct daxctl_ctx *ctx)
{
	/* getopt permutes the pointers, never the strings. */
	return rb_main(&rb_daxctl_prog, argc, (char **)argv);
}
