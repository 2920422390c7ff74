// SPDX-License-Identifier: GPL-2.0
/* daxctl-rebind-bench: dax-bus devices, and the align of dynamic ones. */
#include "cmd/run-args.h"
#include "rebind-bench.h"

static const struct option daxctl_longopts[] = {
	RB_RUN_OPTIONS(),
};

const struct rb_prog rb_daxctl_prog = {
	.name = "daxctl-rebind-bench",
	.tool = "daxctl",
	.dev_prefix = "dax",
	.dev_noun = "dax device",
	.reconfigures = "the device",
	.about =
"Rebind device_dax on each dax-bus device N times and time\n"
"memmap_init_zone_device() from the kernel log, a kprobe pair and the wall\n"
"clock. The results document goes to stdout (or --output).\n",
	.own_usage =
"  -a, --align <list>        e.g. 4K,2M,1G; dynamic (hmem/CXL) devices only\n"
"  -f, --force               run on busy devices\n",
	.longopts = daxctl_longopts,
	.shortopts = RB_RUN_SHORTOPTS,
	.method_label = { "device", "device" },
	.open_targets = rb_dax_targets_open,
};
