// SPDX-License-Identifier: GPL-2.0
/*
 * <prog> import [--hz N] [--ranges N] [--pages N] [--page-size S]
 *              [--device NAME] [-o FILE] [-u] [-v] <file>|-
 *
 * A captured kernel log in, a results document out. As with a live run:
 * the JSON goes to --output, or to stdout unless --human; with --human
 * the summary goes to stdout. The parsing and grouping rules live in
 * import.c.
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
#define PAGE_SIZE_MAX (1L << 30)

enum {
	OPT_HZ = 0x100,
	OPT_RANGES,
	OPT_PAGES,
	OPT_PAGE_SIZE,
	OPT_DEVICE,
	OPT_LIST_OPTS,
};

static const struct option import_options[] = {
	{ "hz", required_argument, NULL, OPT_HZ },
	{ "ranges", required_argument, NULL, OPT_RANGES },
	{ "pages", required_argument, NULL, OPT_PAGES },
	{ "page-size", required_argument, NULL, OPT_PAGE_SIZE },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "output", required_argument, NULL, 'o' },
	{ "human", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "list-opts", no_argument, NULL, OPT_LIST_OPTS },
	{ NULL, 0, NULL, 0 },
};

static void usage(const struct rb_prog *prog)
{
	printf("usage: %s import [options] <file>|-\n"
	       "\n"
	       "Turn a captured kernel log (dmesg, dmesg -r, journalctl -k or\n"
	       "/dev/kmsg records; '-' reads stdin) into a results document.\n"
	       "\n"
	       "      --hz <n>              CONFIG_HZ of the captured kernel (the\n"
	       "                            resolution of memmap_ms is 1000/N ms)\n"
	       "      --ranges <n>          every N consecutive memmap lines are one\n"
	       "                            bind (devices with N ranges)\n"
	       "      --pages <n>           keep only the memmap lines of N pages\n"
	       "      --page-size <size>    page size of the captured kernel: 4K\n"
	       "                            (default), 16K, 64K (ppc64)\n"
	       "      --device <name>       keep only this device's lines (the\n"
	       "                            old form's name, or the pmem device the\n"
	       "                            driver messages name: pfn0.1, pmem0)\n"
	       "  -o, --output <file>       write the document here\n"
	       "  -u, --human               the summary on stdout (JSON only to -o)\n"
	       "  -v, --verbose             report every memmap line and skipped line\n"
	       "      --list-opts           list the long options\n"
	       "  -h, --help                this text\n",
	       prog->name);
}

/* Leading decimal digits of @s into @v; false without any or on overflow. */
static bool scan_number(const char *s, unsigned long *v, char **end)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	*v = strtoul(s, end, 10);
	return !errno;
}

/* A decimal number in [1, @max]; false on anything else. */
static bool parse_count(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v;
	char *end;

	if (!scan_number(s, &v, &end) || *end || v < 1 || v > max)
		return false;
	*out = v;
	return true;
}

/* "4K", "64k", "65536": a power of two from 4 KiB to 1 GiB. */
static bool parse_page_size(const char *s, long *out)
{
	unsigned long v;
	char *end;

	if (!scan_number(s, &v, &end))
		return false;
	if (*end == 'K' || *end == 'k') {
		v *= 1024;
		end++;
	}
	if (*end || v < 4096 || v > PAGE_SIZE_MAX || (v & (v - 1)))
		return false;
	*out = (long)v;
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

/* The options with a value; false (after the error) on a bad one. */
static bool value_option(int c, struct rb_import_opts *o)
{
	unsigned long v;
	char *end;

	switch (c) {
	case OPT_HZ:
		if (!parse_count(optarg, HZ_MAX, &v)) {
			rb_error("import: --hz wants a number from 1 to %d, not '%s'",
				 HZ_MAX, optarg);
			return false;
		}
		o->hz = (long)v;
		return true;
	case OPT_RANGES:
		if (!parse_count(optarg, RANGES_MAX, &v)) {
			rb_error("import: --ranges wants a number from 1 to %d, not '%s'",
				 RANGES_MAX, optarg);
			return false;
		}
		o->ranges_per_bind = (unsigned int)v;
		return true;
	case OPT_PAGES:
		if (!scan_number(optarg, &v, &end) || *end || !v) {
			rb_error("import: --pages wants a page count, not '%s'",
				 optarg);
			return false;
		}
		o->pages = v;
		return true;
	case OPT_PAGE_SIZE:
		if (!parse_page_size(optarg, &o->page_size)) {
			rb_error("import: --page-size wants 4K, 16K, 64K or another power of two from 4096 bytes, not '%s'",
				 optarg);
			return false;
		}
		return true;
	case OPT_DEVICE:
		if (!*optarg || strlen(optarg) >= 40) {
			rb_error("import: --device wants a device name (pfn0.1, dax0.0, ...), not '%s'",
				 optarg);
			return false;
		}
		o->device = optarg;
		return true;
	}
	return false;
}

/* The live run's rule: stdout holds either the JSON or the summary. */
static int write_outputs(const struct rb_document *doc, const char *output,
			 bool human)
{
	int rc = output || !human ? rb_document_write(doc, output) : 0;

	if (rc < 0) {
		rb_error("cannot write %s: %s", output ? output : "stdout",
			 strerror(-rc));
		return RB_EXIT_FAILURE;
	}
	if (human) {
		rb_human_summary(stdout, doc);
		fflush(stdout);
	}
	return RB_EXIT_OK;
}

int rb_cmd_import(const struct rb_prog *prog, int argc, char **argv)
{
	struct rb_import_opts opts = { 0 };
	const char *output = NULL;
	struct rb_document *doc;
	bool human = false;
	char err[512];
	int c, rc;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:uvh", import_options,
				NULL)) != -1) {
		switch (c) {
		case OPT_HZ:
		case OPT_RANGES:
		case OPT_PAGES:
		case OPT_PAGE_SIZE:
		case OPT_DEVICE:
			if (!value_option(c, &opts))
				return RB_EXIT_USAGE;
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
				 rb_bad_option(argc, argv));
			return RB_EXIT_USAGE;
		default:
			if (optopt)
				rb_error("import: unknown option '-%c' (see --help)",
					 optopt);
			else
				rb_error("import: unknown option '%s' (see --help)",
					 rb_bad_option(argc, argv));
			return RB_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		rb_error("import: %s (see --help)", argc - optind ?
			 "exactly one <file> or '-' expected" :
			 "missing <file> (or '-' for stdin)");
		return RB_EXIT_USAGE;
	}
	if (human && output && !strcmp(output, "-")) {
		rb_error("import: --human puts the summary on stdout: --output - conflicts with it");
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
	rc = write_outputs(doc, output, human);
	rb_document_free(doc);
	return rc;
}
