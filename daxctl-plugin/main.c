// SPDX-License-Identifier: GPL-2.0
/* daxctl-rebind-bench: dax devices through libdaxctl; logic is in lib/. */
#include "cmd/cli.h"

int main(int argc, char **argv)
{
	return rb_main(RB_PROG_DAXCTL, argc, argv);
}
