// SPDX-License-Identifier: GPL-2.0
/* ndctl-rebind-bench: namespaces, their modes, maps and alignments. */
#include "cmd/run-args.h"
#include "rebind-bench.h"

static const struct option ndctl_longopts[] = {
	{ "bus", required_argument, NULL, 'b' },
	{ "mode", required_argument, NULL, RB_OPT_MODE },
	{ "map", required_argument, NULL, RB_OPT_MAP },
	{ "method", required_argument, NULL, RB_OPT_METHOD },
	RB_RUN_OPTIONS(),
};

const struct rb_prog rb_ndctl_prog = {
	.name = "ndctl-rebind-bench",
	.tool = "ndctl",
	.dev_prefix = "namespace",
	.dev_noun = "namespace",
	.reconfigures = "the namespace",
	.about =
"Rebind the nd_pmem / dax_pmem driver of each namespace N times and time\n"
"memmap_init_zone_device() from the kernel log, a kprobe pair and the wall\n"
"clock. The results document goes to stdout (or --output). The --mode,\n"
"--map and --align lists form a matrix; without them the configuration\n"
"is kept.\n",
	.own_usage =
"  -b, --bus <bus>           limit to a bus (provider or ndbusN)\n"
"      --mode <list>         fsdax,devdax: reconfigure (destroys data)\n"
"      --map <list>          dev,mem: where the memmap lives\n"
"  -a, --align <list>        e.g. 4K,2M,1G (base 1024, power of two)\n"
"      --method <m>          driver (unbind/bind) or namespace\n"
"                            (disable/enable the namespace) (driver)\n"
"  -f, --force               run on busy namespaces; allow reconfigure\n",
	.longopts = ndctl_longopts,
	.shortopts = RB_RUN_SHORTOPTS "b:",
	.method_label = { "driver", "namespace" },
	.open_targets = rb_nd_targets_open,
};
