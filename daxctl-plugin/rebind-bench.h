/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxctl rebind-bench, in the shape of a daxctl builtin (daxctl/builtin.h)
 * so that it could be linked into daxctl's own command table.
 */
#ifndef DAXCTL_REBIND_BENCH_H
#define DAXCTL_REBIND_BENCH_H

#include "cmd/prog.h"

struct daxctl_ctx;

/* What is specific to daxctl: dax devices through libdaxctl. */
extern const struct rb_prog rb_daxctl_prog;

/*
 * The command. @ctx is accepted for the builtin signature; the target
 * layer opens its own context, so NULL is what main() passes.
 */
int cmd_rebind_bench(int argc, const char **argv, struct daxctl_ctx *ctx);

#endif /* DAXCTL_REBIND_BENCH_H */
