// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/run-args.h"
#include "results/adaptive.h"
#include "run/timing.h"
#include "util/exit-codes.h"
#include "util/log.h"

static const char run_common_usage[] =
"  -r, --region <region>     limit to a region (regionN or N)\n"
"      --runs <n>            measured rebinds per configuration (30)\n"
"      --runs auto           until --precision <p> (e.g. 1%): 95% interval\n"
"                            of the mean within p of it (5 .. --max-runs)\n"
"      --max-runs <n>        the cap of --runs auto (100)\n"
"      --warmup <n>          unmeasured rebinds first (0)\n"
"      --timing <src>        auto, or a list of kmsg,probe,wall (auto)\n"
"      --breakdown           also time the bind path's functions (kprobes)\n"
"  -o, --output <file>       write the document there, atomically\n"
"  -u, --human               summary on stdout (JSON only to --output)\n"
"  -v, --verbose             debug messages\n"
"      --list-opts           list the long options\n"
"  -h, --help                this text\n"
"\n"
"Exit status: 0 ok, 1 failure, 2 usage, 4 busy, 5 interrupted,\n"
"6 environment, 7 could not restore.\n";

void rb_run_usage(const struct rb_prog *prog, FILE *f)
{
	fprintf(f, "usage: %s [options] <%sX.Y | X.Y | all>...\n"
		"       %s import|compare ...\n\n%s\n%s%s",
		prog->name, prog->dev_prefix, prog->name, prog->about,
		prog->own_usage, run_common_usage);
}

/* Up to 9 digits: what the kernel's ids can be, and no overflow. */
static const char *skip_id(const char *p)
{
	const char *start = p;

	while (*p >= '0' && *p <= '9' && p - start < 10)
		p++;
	return p > start && p - start <= 9 ? p : NULL;
}

/* "<prefix>X.Y", "X.Y" or "all"; the target layer resolves the rest. */
static bool valid_name(const char *name, const char *prefix)
{
	const char *p = name;

	if (!strcmp(name, "all"))
		return true;
	if (!strncmp(p, prefix, strlen(prefix)))
		p += strlen(prefix);
	p = skip_id(p);
	if (!p || *p++ != '.')
		return false;
	p = skip_id(p);
	return p && !*p;
}

/* "regionN" or "N". */
static bool valid_region(const char *s)
{
	const char *p = s;

	if (!strncmp(p, "region", 6))
		p += 6;
	p = skip_id(p);
	return p && !*p;
}

static int parse_method(const char *arg, enum rb_method *method)
{
	static const char *const methods[] = { "driver", "namespace", NULL };
	const char *m[RB_MAX_LIST];
	size_t nr;

	if (rb_parse_names("method", arg, methods, m, RB_MAX_LIST, &nr))
		return -EINVAL;
	if (nr != 1) {
		rb_error("--method: give one of driver, namespace");
		return -EINVAL;
	}
	*method = m[0] == methods[1] ? RB_METHOD_NAMESPACE : RB_METHOD_DRIVER;
	return 0;
}

static int parse_timing(const char *arg, struct rb_run_opts *o)
{
	char err[256];

	if (rb_timing_parse(arg, &o->timing, &o->timing_auto, err,
			    sizeof(err))) {
		rb_error("%s", err);
		return -EINVAL;
	}
	return 0;
}

/* One option of @c with value @arg; 0, or -EINVAL after a message. */
static int take_list(int c, const char *arg, struct rb_run_opts *o)
{
	static const char *const modes[] = { "fsdax", "devdax", NULL };
	static const char *const maps[] = { "dev", "mem", NULL };

	switch (c) {
	case RB_OPT_MODE:
		return rb_parse_names("mode", arg, modes, o->modes,
				      RB_MAX_LIST, &o->nr_modes);
	case RB_OPT_MAP:
		return rb_parse_names("map", arg, maps, o->maps, RB_MAX_LIST,
				      &o->nr_maps);
	case 'a':
		return rb_parse_aligns(arg, sysconf(_SC_PAGESIZE), o->aligns,
				       RB_MAX_LIST, &o->nr_aligns);
	case RB_OPT_RUNS:
		o->runs_auto = !strcmp(arg, "auto");
		if (o->runs_auto)
			return 0;
		return rb_parse_uint("runs", arg, 1, RB_MAX_RUNS, &o->runs);
	case RB_OPT_PRECISION:
		if (!rb_parse_fraction(arg, false, &o->precision))
			return 0;
		rb_error("--precision: '%s' is not a fraction between 0 and 1 (e.g. 1%% or 0.01)",
			 arg);
		return -EINVAL;
	case RB_OPT_MAX_RUNS:
		o->has_max_runs = true;
		return rb_parse_uint("max-runs", arg, RB_ADAPTIVE_MIN_RUNS,
				     RB_MAX_RUNS, &o->max_runs);
	case RB_OPT_WARMUP:
		return rb_parse_uint("warmup", arg, 0, RB_MAX_RUNS,
				     &o->warmup);
	case RB_OPT_TIMING:
		return parse_timing(arg, o);
	case RB_OPT_METHOD:
		return parse_method(arg, &o->method);
	}
	return -EINVAL;
}

/* Returns -1 to go on, or the exit status. */
static int take_option(const struct rb_prog *prog, int c,
		       struct rb_run_opts *o, int argc, char **argv)
{
	switch (c) {
	case 'b':
		o->filter.bus = optarg;
		return -1;
	case 'r':
		o->filter.region = optarg;
		return -1;
	case 'v':
		o->verbose = true;
		return -1;
	case 'u':
		o->human = true;
		return -1;
	case 'f':
		o->force = true;
		return -1;
	case RB_OPT_BREAKDOWN:
		o->breakdown = true;
		return -1;
	case 'o':
		if (!*optarg) {
			rb_error("--output: empty file name");
			return RB_EXIT_USAGE;
		}
		o->output = optarg;
		return -1;
	case RB_OPT_LIST_OPTS:
		rb_list_opts(prog->longopts);
		return RB_EXIT_OK;
	case 'h':
		rb_run_usage(prog, stdout);
		return RB_EXIT_OK;
	case ':':
		rb_error("option '%s' needs a value", rb_bad_option(argc, argv));
		return RB_EXIT_USAGE;
	case '?':
		if (optopt)
			rb_error("unknown option '-%c' (see --help)", optopt);
		else
			rb_error("unknown option '%s' (see --help)",
				 rb_bad_option(argc, argv));
		return RB_EXIT_USAGE;
	}
	return take_list(c, optarg, o) ? RB_EXIT_USAGE : -1;
}

/* --runs auto, --precision and --max-runs come together. */
static int check_adaptive(struct rb_run_opts *o)
{
	if (!o->runs_auto && (o->precision > 0 || o->has_max_runs)) {
		rb_error("--%s needs --runs auto",
			 o->precision > 0 ? "precision" : "max-runs");
		return RB_EXIT_USAGE;
	}
	if (o->runs_auto && !(o->precision > 0)) {
		rb_error("--runs auto needs --precision (e.g. --precision 1%%)");
		return RB_EXIT_USAGE;
	}
	if (o->runs_auto)
		o->runs = o->has_max_runs ? o->max_runs :
					    RB_ADAPTIVE_DEFAULT_MAX_RUNS;
	return -1;
}

/* The device names and the combinations the options cannot express. */
static int check_operands(const struct rb_prog *prog,
			  const struct rb_run_opts *o)
{
	char buf[64];
	int i;

	if (!o->nr_names) {
		rb_error("missing device argument (%sX.Y, X.Y or all; see --help)",
			 prog->dev_prefix);
		return RB_EXIT_USAGE;
	}
	if (o->filter.region && !valid_region(o->filter.region)) {
		rb_error("--region: '%s' is not a region (regionN or N)",
			 rb_printable(o->filter.region, buf, sizeof(buf)));
		return RB_EXIT_USAGE;
	}
	for (i = 0; i < o->nr_names; i++) {
		if (!valid_name(o->names[i], prog->dev_prefix)) {
			rb_error("'%s' is not a %s name (%sX.Y, X.Y or all)",
				 rb_printable(o->names[i], buf, sizeof(buf)),
				 prog->dev_noun, prog->dev_prefix);
			return RB_EXIT_USAGE;
		}
		if (!strcmp(o->names[i], "all") && o->nr_names > 1) {
			rb_error("'all' cannot be combined with device names");
			return RB_EXIT_USAGE;
		}
	}
	/* A share is a probe's time over the bind's wall time. */
	if (o->breakdown && (o->timing & (RB_SRC_MEMMAP_NS | RB_SRC_BIND_NS)) !=
				    (RB_SRC_MEMMAP_NS | RB_SRC_BIND_NS)) {
		rb_error("--breakdown needs the probe and wall timing sources (--timing)");
		return RB_EXIT_USAGE;
	}
	if (o->human && o->output && !strcmp(o->output, "-")) {
		rb_error("--human puts the summary on stdout: --output - conflicts with it");
		return RB_EXIT_USAGE;
	}
	return -1;
}

int rb_run_args_parse(const struct rb_prog *prog, struct rb_run_opts *o,
		      int argc, char **argv)
{
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->runs = 30;
	o->timing = RB_SRC_ALL;
	o->timing_auto = true;
	o->method = RB_METHOD_DRIVER;
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, prog->shortopts, prog->longopts,
				NULL)) != -1) {
		rc = take_option(prog, c, o, argc, argv);
		if (rc >= 0)
			return rc;
	}
	o->names = argv + optind;
	o->nr_names = argc - optind;
	rc = check_adaptive(o);
	return rc >= 0 ? rc : check_operands(prog, o);
}

bool rb_run_reconfigures(const struct rb_run_opts *o)
{
	return o->nr_modes || o->nr_maps || o->nr_aligns;
}

struct rb_config_req *rb_run_matrix(const struct rb_run_opts *o, size_t *nr)
{
	size_t nm = o->nr_modes ? o->nr_modes : 1;
	size_t np = o->nr_maps ? o->nr_maps : 1;
	size_t na = o->nr_aligns ? o->nr_aligns : 1;
	struct rb_config_req *reqs = calloc(nm * np * na, sizeof(*reqs));
	size_t i, j, k, n = 0;

	if (!reqs)
		return NULL;
	for (i = 0; i < nm; i++)
		for (j = 0; j < np; j++)
			for (k = 0; k < na; k++) {
				reqs[n].mode = o->nr_modes ? o->modes[i] : NULL;
				reqs[n].map = o->nr_maps ? o->maps[j] : NULL;
				reqs[n].align = o->nr_aligns ? o->aligns[k] : 0;
				n++;
			}
	*nr = n;
	return reqs;
}
