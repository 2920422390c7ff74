// SPDX-License-Identifier: GPL-2.0
/* PLACEHOLDER: replaced by the real subcommand; must not be committed. */
#include "cli.h"
#include "exit-codes.h"
#include "log.h"

int rb_cmd_compare(enum rb_prog prog, int argc, char **argv)
{
	rb_error("compare: not built yet");
	return RB_EXIT_ENV;
}
