// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include "cmd/cli.h"
#include "util/exit-codes.h"
#include "util/log.h"

const char *rb_prog_name(enum rb_prog prog)
{
	return prog == RB_PROG_DAXCTL ? "daxctl-rebind-bench" :
					"ndctl-rebind-bench";
}

int rb_main(enum rb_prog prog, int argc, char **argv)
{
	rb_log_init(rb_prog_name(prog));

	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", rb_prog_name(prog), RB_VERSION);
		return RB_EXIT_OK;
	}
	if (argc >= 2 && strcmp(argv[1], "import") == 0)
		return rb_cmd_import(prog, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "compare") == 0)
		return rb_cmd_compare(prog, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "fleet") == 0)
		return rb_cmd_fleet(prog, argc - 1, argv + 1);
	return rb_cmd_run(prog, argc, argv);
}
