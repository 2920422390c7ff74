// SPDX-License-Identifier: GPL-2.0
/* The subcommand dispatch shared by both programs. */
#include <stdio.h>
#include <string.h>
#include "cmd/prog.h"
#include "util/exit-codes.h"
#include "util/log.h"

int rb_main(const struct rb_prog *prog, int argc, char **argv)
{
	rb_log_init(prog->name);

	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("%s %s\n", prog->name, RB_VERSION);
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
