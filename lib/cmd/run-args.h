/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of a benchmark run, parsed and checked before anything is
 * touched. Each program's option table is its own entries followed by
 * RB_RUN_OPTIONS(), the ones both programs share.
 */
#ifndef RB_RUN_ARGS_H
#define RB_RUN_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "cmd/options.h"
#include "cmd/prog.h"
#include "target/target.h"

enum {
	RB_OPT_MODE = 0x100,
	RB_OPT_MAP,
	RB_OPT_RUNS,
	RB_OPT_WARMUP,
	RB_OPT_TIMING,
	RB_OPT_METHOD,
	RB_OPT_LIST_OPTS,
	RB_OPT_PRECISION,
	RB_OPT_MAX_RUNS,
	RB_OPT_BREAKDOWN,
};

/* Same letters as ndctl create-namespace / daxctl reconfigure-device. */
#define RB_RUN_OPTIONS()						\
	{ "region", required_argument, NULL, 'r' },			\
	{ "align", required_argument, NULL, 'a' },			\
	{ "runs", required_argument, NULL, RB_OPT_RUNS },		\
	{ "precision", required_argument, NULL, RB_OPT_PRECISION },	\
	{ "max-runs", required_argument, NULL, RB_OPT_MAX_RUNS },	\
	{ "warmup", required_argument, NULL, RB_OPT_WARMUP },		\
	{ "timing", required_argument, NULL, RB_OPT_TIMING },		\
	{ "breakdown", no_argument, NULL, RB_OPT_BREAKDOWN },		\
	{ "output", required_argument, NULL, 'o' },			\
	{ "human", no_argument, NULL, 'u' },				\
	{ "force", no_argument, NULL, 'f' },				\
	{ "verbose", no_argument, NULL, 'v' },				\
	{ "list-opts", no_argument, NULL, RB_OPT_LIST_OPTS },		\
	{ "help", no_argument, NULL, 'h' },				\
	{ NULL, 0, NULL, 0 }
#define RB_RUN_SHORTOPTS ":r:a:o:ufvh"

#define RB_MAX_RUNS 100000u

struct rb_run_opts {
	struct rb_target_filter filter;
	const char *output;
	bool verbose, human, force;
	const char *modes[RB_MAX_LIST];
	size_t nr_modes;
	const char *maps[RB_MAX_LIST];
	size_t nr_maps;
	uint64_t aligns[RB_MAX_LIST];
	size_t nr_aligns;
	unsigned int runs, warmup;
	/* --runs auto: runs is the cap, --max-runs (100) */
	bool runs_auto, has_max_runs;
	unsigned int max_runs;
	double precision; /* --precision, 0 when not given */
	unsigned int timing; /* mask of enum rb_source */
	bool timing_auto;
	bool breakdown; /* kprobe pairs on the bind path's functions */
	enum rb_method method;
	char **names;
	int nr_names;
};

/*
 * Parse @argv into @o. Returns -1 to go on, or the exit status (0 after
 * --help and --list-opts, RB_EXIT_USAGE with one line on stderr).
 */
int rb_run_args_parse(const struct rb_prog *prog, struct rb_run_opts *o,
		      int argc, char **argv);

void rb_run_usage(const struct rb_prog *prog, FILE *f);

/* Whether --mode, --map or --align ask for a reconfiguration. */
bool rb_run_reconfigures(const struct rb_run_opts *o);

/*
 * The cartesian product of the --mode x --map x --align lists (an absent
 * list keeps that field), or NULL without memory.
 */
struct rb_config_req *rb_run_matrix(const struct rb_run_opts *o, size_t *nr);

#endif /* RB_RUN_ARGS_H */
