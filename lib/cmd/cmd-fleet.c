// SPDX-License-Identifier: GPL-2.0
/*
 * fleet [options] <results-tree>
 *
 * Offline, like compare: the tree holds one folder per host (the Ansible
 * role's results/<inventory_hostname>/<timestamp>-<kernel>.json).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/options.h"
#include "cmd/prog.h"
#include "report/fleet.h"
#include "util/exit-codes.h"
#include "util/file-io.h"
#include "util/log.h"

enum {
	OPT_FORMAT = 256,
	OPT_BASELINE,
	OPT_NOISE,
	OPT_ALPHA,
	OPT_FAIL,
	OPT_LIST,
};

static const struct option fleet_opts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "noise-threshold", required_argument, NULL, OPT_NOISE },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "output", required_argument, NULL, 'o' },
	{ "fail-on-regression", no_argument, NULL, OPT_FAIL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "list-opts", no_argument, NULL, OPT_LIST },
	{ NULL, 0, NULL, 0 },
};

static void fleet_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s fleet [options] <results-tree>\n"
		"\n"
		"Report the results of many hosts: the tree holds one folder per host\n"
		"with its results documents (<timestamp>-<kernel>.json); the newest of\n"
		"each host is used. Per configuration (mode, map, align): one row per\n"
		"host, the spread across hosts with Tukey fences, and the hosts whose\n"
		"geometry or kernel differ from the majority. Flagged hosts stay in.\n"
		"\n"
		"      --format <fmt>        json (default), human or markdown\n"
		"      --baseline <dir>      a reference tree: each host's verdict\n"
		"                            against its own baseline (as compare)\n"
		"  -o, --output <file>       write the report there, not to stdout\n"
		"      --noise-threshold <x> relative change treated as noise (0.02 or 2%%)\n"
		"      --alpha <x>           significance level of the tests (0.05)\n"
		"      --fail-on-regression  exit %d when any host regressed\n"
		"  -v, --verbose             debug messages on stderr\n"
		"  -h, --help                this text\n"
		"      --list-opts           list the long options\n",
		prog, RB_EXIT_REGRESSION);
}

struct fleet_args {
	struct rb_compare_opts opts;
	enum rb_compare_format fmt;
	const char *baseline, *output, *tree;
	bool fail_on_regression;
};

/* Returns -1 to go on, else the exit status. */
static int fleet_option(int c, struct fleet_args *a, const struct rb_prog *prog,
			char **argv)
{
	switch (c) {
	case OPT_FORMAT:
		if (rb_compare_format_parse(optarg, &a->fmt) ||
		    a->fmt == RB_CMP_COMMIT) {
			rb_error("fleet: unknown format '%s' (json, human, markdown)",
				 optarg);
			return RB_EXIT_USAGE;
		}
		return -1;
	case OPT_NOISE:
	case OPT_ALPHA:
		if (rb_parse_fraction(optarg, false,
				      c == OPT_NOISE ? &a->opts.noise :
						       &a->opts.alpha)) {
			rb_error("fleet: %s wants a fraction in (0, 1), got '%s'",
				 c == OPT_NOISE ? "--noise-threshold" :
						  "--alpha", optarg);
			return RB_EXIT_USAGE;
		}
		return -1;
	case OPT_BASELINE:
		a->baseline = optarg;
		return -1;
	case 'o':
		a->output = optarg;
		return -1;
	case OPT_FAIL:
		a->fail_on_regression = true;
		return -1;
	case 'v':
		rb_set_verbose(true);
		return -1;
	case 'h':
		fleet_usage(stdout, prog->name);
		return RB_EXIT_OK;
	case OPT_LIST:
		rb_list_opts(fleet_opts);
		return RB_EXIT_OK;
	case ':':
		rb_error("fleet: option '%s' needs a value", argv[optind - 1]);
		return RB_EXIT_USAGE;
	default:
		rb_error("fleet: unknown option '%s'", argv[optind - 1]);
		return RB_EXIT_USAGE;
	}
}

/* Render first, write last: on failure stdout stays empty. */
static int fleet_emit(const struct rb_fleet *fl, const struct fleet_args *a)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc;

	if (!m) {
		rb_error("fleet: out of memory");
		return RB_EXIT_FAILURE;
	}
	rc = rb_fleet_print(fl, a->fmt, m);
	if (fclose(m) || rc) {
		free(text);
		rb_error("fleet: cannot render the report");
		return RB_EXIT_FAILURE;
	}
	rc = rb_output_write(a->output, text, len);
	free(text);
	if (rc) {
		rb_error("fleet: %s: %s", a->output ? a->output : "stdout",
			 strerror(-rc));
		return RB_EXIT_FAILURE;
	}
	return RB_EXIT_OK;
}

int rb_cmd_fleet(const struct rb_prog *prog, int argc, char **argv)
{
	struct fleet_args a = {
		.opts = { .alpha = 0.05, .noise = 0.02 },
		.fmt = RB_CMP_JSON,
	};
	struct rb_fleet fl;
	char err[512] = "";
	int c, rc;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:vh", fleet_opts, NULL)) != -1) {
		rc = fleet_option(c, &a, prog, argv);
		if (rc >= 0)
			return rc;
	}
	if (argc - optind != 1) {
		rb_error("fleet: want one results tree (see --help)");
		return RB_EXIT_USAGE;
	}
	a.tree = argv[optind];
	rc = rb_fleet_load(a.tree, a.baseline, &a.opts, &fl, err, sizeof(err));
	if (rc) {
		rb_error("fleet: %s", err[0] ? err : strerror(-rc));
		rb_fleet_free(&fl);
		return rc == -ENOMEM ? RB_EXIT_FAILURE : RB_EXIT_USAGE;
	}
	rb_dbg("fleet: %zu hosts, %zu configurations", fl.nr_hosts,
	       fl.nr_configs);
	rc = fleet_emit(&fl, &a);
	if (rc == RB_EXIT_OK && a.fail_on_regression && fl.any_regressed)
		rc = RB_EXIT_REGRESSION;
	rb_fleet_free(&fl);
	return rc;
}
