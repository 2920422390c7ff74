/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command dispatch shared by ndctl-rebind-bench and daxctl-rebind-bench.
 * The front ends only say which family they are; everything else is here.
 */
#ifndef RB_CLI_H
#define RB_CLI_H

enum rb_prog {
	RB_PROG_NDCTL,
	RB_PROG_DAXCTL,
};

const char *rb_prog_name(enum rb_prog prog);
int rb_main(enum rb_prog prog, int argc, char **argv);

/*
 * Subcommands. argv[0] is the subcommand name ("import", "compare") or the
 * program name for the default benchmark run. Each returns an enum rb_exit.
 */
int rb_cmd_run(enum rb_prog prog, int argc, char **argv);
int rb_cmd_import(enum rb_prog prog, int argc, char **argv);
int rb_cmd_compare(enum rb_prog prog, int argc, char **argv);
int rb_cmd_fleet(enum rb_prog prog, int argc, char **argv);

#endif /* RB_CLI_H */
