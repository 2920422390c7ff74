/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ndctl rebind-bench, in the shape of an ndctl builtin (ndctl/builtin.h)
 * so that it could be linked into ndctl's own command table.
 */
#ifndef NDCTL_REBIND_BENCH_H
#define NDCTL_REBIND_BENCH_H

#include "cmd/prog.h"

struct ndctl_ctx;

/* What is specific to ndctl: namespaces through libndctl. */
extern const struct rb_prog rb_ndctl_prog;

/*
 * The command. @ctx is accepted for the builtin signature; the target
 * layer opens its own context, so NULL is what main() passes.
 */
int cmd_rebind_bench(int argc, const char **argv, struct ndctl_ctx *ctx);

#endif /* NDCTL_REBIND_BENCH_H */
