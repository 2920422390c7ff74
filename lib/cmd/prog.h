/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What makes ndctl-rebind-bench and daxctl-rebind-bench differ, in one
 * descriptor per program (ndctl-plugin/prog.c, daxctl-plugin/prog.c). The
 * commands in lib/cmd read it instead of asking which program they are.
 */
#ifndef RB_PROG_H
#define RB_PROG_H

#include <getopt.h>
#include <stddef.h>
#include "target/target.h"

typedef int (*rb_targets_open_fn)(char *const *names, int nr_names,
				  const struct rb_target_filter *filter,
				  const struct rb_target_opts *opts,
				  struct rb_target ***out, char *err,
				  size_t len);

struct rb_prog {
	const char *name; /* "ndctl-rebind-bench": messages, documents */
	const char *tool; /* "ndctl": the program it is a subcommand of */
	const char *dev_prefix; /* "namespace": names are <prefix>X.Y */
	const char *dev_noun; /* "namespace", "dax device" */
	const char *reconfigures; /* what --mode/--align destroy */
	const char *about; /* the run's usage: what it does */
	const char *own_usage; /* the run's usage: the options of its own */
	const struct option *longopts; /* its own, then RB_RUN_OPTIONS() */
	const char *shortopts;
	const char *method_label[2]; /* by enum rb_method, in documents */
	rb_targets_open_fn open_targets;
};

/* argv[0] is the program; "import" and "compare" are subcommands. */
int rb_main(const struct rb_prog *prog, int argc, char **argv);

/* Each returns an enum rb_exit; argv[0] is the subcommand's name. */
int rb_cmd_run(const struct rb_prog *prog, int argc, char **argv);
int rb_cmd_import(const struct rb_prog *prog, int argc, char **argv);
int rb_cmd_compare(const struct rb_prog *prog, int argc, char **argv);
int rb_cmd_fleet(const struct rb_prog *prog, int argc, char **argv);

#endif /* RB_PROG_H */
