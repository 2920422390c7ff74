// SPDX-License-Identifier: GPL-2.0
/*
 * <prog> import [--hz N] [--ranges N] [-o FILE] [-u] [-v] <file>|-
 *
 * A captured kernel log in, a results document out (stdout or --output).
 * The parsing and grouping rules live in import.c.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/options.h"
#include "cmd/prog.h"
#include "results/document.h"
#include "util/exit-codes.h"
#include "report/human.h"
#include "klog/import.h"
#include "util/log.h"

#define HZ_MAX 100000
#define RANGES_MAX 1024

enum {
	OPT_HZ = 0x100,
	OPT_RANGES,
	OPT_LIST_OPTS,
};

static const struct option import_options[] = {
	{ "hz", required_argument, NULL, OPT_HZ },
	{ "ranges", required_argument, NULL, OPT_RANGES },
	{ "output", required_argument, NULL, 'o' },
	{ "human", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "list-opts", no_argument, NULL, OPT_LIST_OPTS },
	{ NULL, 0, NULL, 0 },
};

static void usage(const struct rb_prog *prog)
{
	printf("usage: %s import [<options>] <file>|-\n"
	       "\n"
	       "Turn a captured kernel log (dmesg, dmesg -r, journalctl -k or\n"
	       "/dev/kmsg records; '-' reads stdin) into a results document.\n"
	       "\n"
	       "    --hz <N>          CONFIG_HZ of the captured kernel (the\n"
	       "                      resolution of memmap_ms is 1000/N ms)\n"
	       "    --ranges <N>      every N consecutive memmap lines are one\n"
	       "                      bind (devices with N ranges)\n"
	       "-o, --output <file>   write the document here, not to stdout\n"
	       "-u, --human           also print the human summary\n"
	       "-v, --verbose         report every memmap line and skipped line\n"
	       "-h, --help            show this help\n",
	       prog->name);
}

/* A decimal number in [1, @max]; false on anything else. */
static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* Echo the document's findings on stderr; they stay in the document too. */
static void echo_warnings(const struct rb_document *doc)
{
	size_t i, j;

	for (i = 0; i < doc->warnings.nr; i++)
		rb_warning("%s", doc->warnings.v[i].text);
	for (i = 0; i < doc->nr_configs; i++) {
		const struct rb_warnings *w = &doc->configs[i].warnings;

		for (j = 0; j < w->nr; j++)
			rb_warning("configuration %zu: %s", i + 1,
				   w->v[j].text);
	}
}

int rb_cmd_import(const struct rb_prog *prog, int argc, char **argv)
{
	struct rb_import_opts opts = { 0 };
	const char *output = NULL;
	struct rb_document *doc;
	bool human = false;
	unsigned long v;
	char err[512];
	int c, rc;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:uvh", import_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_HZ:
			if (!parse_count(optarg, HZ_MAX, &v)) {
				rb_error("import: --hz wants a number from 1 to %d, not '%s'",
					 HZ_MAX, optarg);
				return RB_EXIT_USAGE;
			}
			opts.hz = (long)v;
			break;
		case OPT_RANGES:
			if (!parse_count(optarg, RANGES_MAX, &v)) {
				rb_error("import: --ranges wants a number from 1 to %d, not '%s'",
					 RANGES_MAX, optarg);
				return RB_EXIT_USAGE;
			}
			opts.ranges_per_bind = (unsigned int)v;
			break;
		case 'o':
			output = optarg;
			break;
		case 'u':
			human = true;
			break;
		case 'v':
			rb_set_verbose(true);
			break;
		case 'h':
			usage(prog);
			return RB_EXIT_OK;
		case OPT_LIST_OPTS:
			rb_list_opts(import_options);
			return RB_EXIT_OK;
		case ':':
			rb_error("import: option '%s' needs a value",
				 argv[optind - 1]);
			return RB_EXIT_USAGE;
		default:
			if (optopt)
				rb_error("import: unknown option '-%c' (see --help)",
					 optopt);
			else
				rb_error("import: unknown option '%s' (see --help)",
					 argv[optind - 1]);
			return RB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		rb_error("import: %s (see --help)", argc - optind ?
			 "exactly one <file> or '-' expected" :
			 "missing <file> (or '-' for stdin)");
		return RB_EXIT_USAGE;
	}

	rc = rb_import_file(argv[optind], prog->name, &opts, &doc,
			    err, sizeof(err));
	if (rc != RB_EXIT_OK) {
		rb_error("%s", err);
		return rc;
	}
	rb_dbg("%s: %zu configuration(s)", argv[optind], doc->nr_configs);
	echo_warnings(doc);

	rc = rb_document_write(doc, output);
	if (rc < 0) {
		rb_error("cannot write %s: %s", output ? output : "stdout",
			 strerror(-rc));
		rb_document_free(doc);
		return RB_EXIT_FAILURE;
	}
	/* after the document, so a script reading stdout gets JSON first */
	if (human) {
		fflush(stdout);
		rb_human_summary(stdout, doc);
	}
	rb_document_free(doc);
	return RB_EXIT_OK;
}
