// SPDX-License-Identifier: GPL-2.0
/*
 * compare [options] <base.json> <new.json>
 * compare [options] <base1.json> <base2.json>... -- <new1.json>...
 *
 * Offline: needs no root and no pmem. One document per boot; with several
 * boots per side the boot is the unit of replication.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/options.h"
#include "cmd/prog.h"
#include "report/compare.h"
#include "util/exit-codes.h"
#include "util/file-io.h"
#include "util/log.h"
#include "report/svg-plot.h"

enum {
	OPT_FORMAT = 256,
	OPT_NOISE,
	OPT_ALPHA,
	OPT_PLOT,
	OPT_FAIL,
	OPT_LIST,
	OPT_CONFIDENCE,
	OPT_AA,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "noise-threshold", required_argument, NULL, OPT_NOISE },
	{ "alpha", required_argument, NULL, OPT_ALPHA },
	{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
	{ "aa", required_argument, NULL, OPT_AA },
	{ "output", required_argument, NULL, 'o' },
	{ "plot", required_argument, NULL, OPT_PLOT },
	{ "fail-on-regression", no_argument, NULL, OPT_FAIL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "list-opts", no_argument, NULL, OPT_LIST },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s compare [options] <base.json> <new.json>\n"
		"       %s compare [options] <base.json>... -- <new.json>...\n"
		"\n"
		"Compare results of a base and a new kernel: one results document per\n"
		"boot; configurations pair by mode, map, align, size and nr_pages.\n"
		"\n"
		"      --format <fmt>        json (default), human, markdown or commit\n"
		"  -o, --output <file>       write the report there, not to stdout\n"
		"      --noise-threshold <x> relative change treated as noise (0.02 or 2%%;\n"
		"                            0 is allowed)\n"
		"      --alpha <x>           significance level of the tests (0.05)\n"
		"      --confidence <x>      level of every interval (1 - alpha)\n"
		"      --aa <file>           another boot of the base kernel: with 1 boot\n"
		"                            per kernel, its spread widens the interval\n"

		"      --plot <file.svg>     write a strip plot of both distributions\n"
		"      --fail-on-regression  exit %d when any verdict is 'regressed'\n"
		"  -v, --verbose             debug messages on stderr\n"
		"  -h, --help                this text\n"
		"      --list-opts           list the long options\n"
		"\n"
		"Ratios are new / base. Verdicts: improved, regressed, no_change\n"
		"(Mann-Whitney p >= alpha), within_noise. Measure at least %u boots\n"
		"per kernel: the fewest with which Mann-Whitney can reach p < 0.05.\n"
		"Exit status: 0, %d bad usage or input, %d regression with\n"
		"--fail-on-regression.\n",
		prog, prog, RB_EXIT_REGRESSION, rb_min_boots(0.05),
		RB_EXIT_USAGE, RB_EXIT_REGRESSION);
}

static void side_free(struct rb_side *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		rb_document_free(s->docs[i]);
	free(s->docs);
	s->docs = NULL;
	s->nr = 0;
}

static int side_load(struct rb_side *s, char **paths, size_t nr)
{
	char err[512];
	size_t i;

	s->docs = calloc(nr, sizeof(*s->docs));
	s->paths = (const char **)paths;
	if (!s->docs) {
		rb_error("compare: out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < nr; i++) {
		err[0] = 0;
		s->docs[i] = rb_document_load(paths[i], err, sizeof(err));
		if (!s->docs[i]) {
			rb_error("compare: %s", err[0] ? err : paths[i]);
			return -EINVAL;
		}
		s->nr++;
	}
	return 0;
}

/* Where the results go: the report, and optionally a plot. */
struct outputs {
	enum rb_compare_format fmt;
	const char *output; /* NULL or "-": stdout */
	const char *plot;
};

/*
 * Render everything first and print last, so a failure (an unwritable
 * plot or output) leaves stdout empty and the exit status alone says it.
 */
static int emit(const struct rb_comparison *c, const struct outputs *out)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int rc;

	if (!m) {
		rb_error("compare: out of memory");
		return RB_EXIT_FAILURE;
	}
	rc = rb_comparison_print(c, out->fmt, m);
	if (fclose(m) || rc) {
		free(text);
		rb_error("compare: cannot render the report");
		return RB_EXIT_FAILURE;
	}
	if (out->plot) {
		rc = rb_svg_plot_write(c, out->plot);
		if (rc) {
			rb_error("compare: %s: %s", out->plot, strerror(-rc));
			free(text);
			return RB_EXIT_FAILURE;
		}
	}
	rc = rb_output_write(out->output, text, len);
	if (rc)
		rb_error("compare: %s: %s", out->output && strcmp(out->output,
			 "-") ? out->output : "standard output", strerror(-rc));
	free(text);
	return rc ? RB_EXIT_FAILURE : RB_EXIT_OK;
}

static int run_compare(struct rb_side *base, struct rb_side *newer,
		       const struct rb_compare_opts *opts,
		       const struct outputs *out, bool fail_on_regression)
{
	struct rb_comparison c;
	char *line;
	int rc;

	rc = rb_compare(base, newer, opts, &c);
	if (rc) {
		rb_error("compare: %s", strerror(-rc));
		rb_comparison_free(&c);
		return RB_EXIT_FAILURE;
	}
	if (!rb_comparison_compared(&c)) {
		line = rb_comparison_mismatch_line(&c);
		rb_error("compare: no common configuration%s%s%s",
			 c.nr_pairs ? " with a common timing source" : "",
			 line && *line ? ": " : "", line ? line : "");
		free(line);
		rb_comparison_free(&c);
		return RB_EXIT_USAGE;
	}
	rc = emit(&c, out);
	if (rc == RB_EXIT_OK && fail_on_regression && c.any_regressed)
		rc = RB_EXIT_REGRESSION;
	rb_comparison_free(&c);
	return rc;
}

/* What the options ask for: statistics, outputs, exit policy. */
struct cli {
	struct rb_compare_opts opts;
	struct outputs out;
	bool fail_on_regression;
	const char *aa; /* a second boot of the base kernel, or NULL */
};

/* A fraction option; 1 with the message printed when it is not one. */
static int fraction_opt(const char *name, const char *arg, double *v,
			bool zero_ok)
{
	if (!rb_parse_fraction(arg, zero_ok, v))
		return 0;
	rb_error("compare: --%s wants a fraction in %s, got '%s'", name,
		 zero_ok ? "[0, 1)" : "(0, 1)", arg);
	return 1;
}

/* 0 to go on, else the exit status (help and --list-opts give 0 too). */
static int parse_opts(struct cli *o, int nopt, char **argv, bool *done,
		      const struct rb_prog *prog)
{
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(nopt, argv, ":o:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!rb_compare_format_parse(optarg, &o->out.fmt))
				break;
			rb_error("compare: unknown format '%s' (json, human, markdown, commit)",
				 optarg);
			return RB_EXIT_USAGE;
		case OPT_NOISE:
			if (fraction_opt("noise-threshold", optarg,
					 &o->opts.noise, true))
				return RB_EXIT_USAGE;
			break;
		case OPT_ALPHA:
			if (fraction_opt("alpha", optarg, &o->opts.alpha, false))
				return RB_EXIT_USAGE;
			break;
		case OPT_CONFIDENCE:
			if (fraction_opt("confidence", optarg,
					 &o->opts.confidence, false))
				return RB_EXIT_USAGE;
			break;
		case OPT_AA:
			o->aa = optarg;
			break;
		case OPT_PLOT:
			o->out.plot = optarg;
			break;
		case 'o':
			o->out.output = optarg;
			break;
		case OPT_FAIL:
			o->fail_on_regression = true;
			break;
		case 'v':
			rb_set_verbose(true);
			break;
		case 'h':
			usage(stdout, prog->name);
			*done = true;
			return RB_EXIT_OK;
		case OPT_LIST:
			rb_list_opts(long_opts);
			*done = true;
			return RB_EXIT_OK;
		case ':':
			rb_error("compare: option '%s' needs a value",
				 argv[optind - 1]);
			return RB_EXIT_USAGE;
		default:
			rb_error("compare: unknown option '%s'",
				 argv[optind - 1]);
			return RB_EXIT_USAGE;
		}
	}
	return 0;
}

/*
 * The operands: two files, or base files "--" new files. getopt_long
 * moved the operands before "--" to argv[optind..]; the new files after
 * "--" are moved to follow them. 0, or the exit status.
 */
static int split_files(int argc, char **argv, int nopt, int sep,
		       size_t *nr_files, size_t *nr_base)
{
	*nr_files = (size_t)(nopt - optind);
	if (sep < 0) {
		if (*nr_files != 2) {
			rb_error("compare: want <base.json> <new.json>, or base files -- new files (see --help)");
			return RB_EXIT_USAGE;
		}
		*nr_base = 1;
		return 0;
	}
	*nr_base = *nr_files;
	if (!*nr_base || sep + 1 >= argc) {
		rb_error("compare: want at least one file on each side of '--'");
		return RB_EXIT_USAGE;
	}
	memmove(argv + optind + *nr_base, argv + sep + 1,
		(size_t)(argc - sep - 1) * sizeof(*argv));
	*nr_files = *nr_base + (size_t)(argc - sep - 1);
	return 0;
}

int rb_cmd_compare(const struct rb_prog *prog, int argc, char **argv)
{
	struct cli o = {
		.opts = { .alpha = 0.05, .noise = 0.02 },
		.out = { .fmt = RB_CMP_JSON },
	};
	struct rb_side base = { 0 }, newer = { 0 }, aa = { 0 };
	bool done = false;
	int i, sep = -1, nopt, rc;
	size_t nr_files, nr_base;

	/* Options end at "--"; it splits base files from new files. */
	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			sep = i;
			break;
		}
	nopt = sep < 0 ? argc : sep;
	rc = parse_opts(&o, nopt, argv, &done, prog);
	if (rc || done)
		return rc;
	rc = split_files(argc, argv, nopt, sep, &nr_files, &nr_base);
	if (rc)
		return rc;

	rc = side_load(&base, argv + optind, nr_base);
	rc = rc ?: side_load(&newer, argv + optind + nr_base,
			     nr_files - nr_base);
	rc = rc ?: o.aa ? side_load(&aa, (char **)&o.aa, 1) : 0;
	if (!rc) {
		rb_dbg("compare: %zu base and %zu new documents", base.nr,
		       newer.nr);
		o.opts.aa = aa.nr ? &aa : NULL;
		rc = run_compare(&base, &newer, &o.opts, &o.out,
				 o.fail_on_regression);
	} else {
		rc = rc == -ENOMEM ? RB_EXIT_FAILURE : RB_EXIT_USAGE;
	}
	side_free(&base);
	side_free(&newer);
	side_free(&aa);
	return rc;
}
