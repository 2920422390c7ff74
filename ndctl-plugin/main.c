// SPDX-License-Identifier: GPL-2.0
/* ndctl-rebind-bench: namespaces through libndctl; all logic is in lib/. */
#include "cmd/cli.h"

int main(int argc, char **argv)
{
	return rb_main(RB_PROG_NDCTL, argc, argv);
}
