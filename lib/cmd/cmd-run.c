// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark run of both front ends: parse and validate everything
 * before touching a device, take the per-target locks, repair what a killed
 * run left behind, then measure each target and write the document.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "results/document.h"
#include "util/exit-codes.h"
#include "run/fingerprint.h"
#include "run/guards.h"
#include "report/human.h"
#include "run/kconfig.h"
#include "util/log.h"
#include "run/rebind-loop.h"
#include "run/run-state.h"
#include "util/sysroot.h"
#include "target/target.h"
#include "run/timing.h"

#define MAX_LIST 8
#define MAX_RUNS 100000u

struct run_opts {
	enum rb_prog prog;
	struct rb_target_filter filter;
	const char *output;
	bool verbose, human, force;
	const char *modes[MAX_LIST];
	size_t nr_modes;
	const char *maps[MAX_LIST];
	size_t nr_maps;
	uint64_t aligns[MAX_LIST];
	size_t nr_aligns;
	unsigned int runs, warmup;
	unsigned int timing;
	bool timing_auto;
	enum rb_method method;
	char **names;
	int nr_names;
};

enum {
	OPT_MODE = 0x100,
	OPT_MAP,
	OPT_RUNS,
	OPT_WARMUP,
	OPT_TIMING,
	OPT_METHOD,
	OPT_LIST_OPTS,
};

static const struct option nd_longopts[] = {
	{ "bus", required_argument, NULL, 'b' },
	{ "region", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "human", no_argument, NULL, 'u' },
	{ "force", no_argument, NULL, 'f' },
	{ "mode", required_argument, NULL, OPT_MODE },
	{ "map", required_argument, NULL, OPT_MAP },
	{ "align", required_argument, NULL, 'a' },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "timing", required_argument, NULL, OPT_TIMING },
	{ "method", required_argument, NULL, OPT_METHOD },
	{ "output", required_argument, NULL, 'o' },
	{ "list-opts", no_argument, NULL, OPT_LIST_OPTS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static const struct option dax_longopts[] = {
	{ "region", required_argument, NULL, 'r' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "human", no_argument, NULL, 'u' },
	{ "force", no_argument, NULL, 'f' },
	{ "align", required_argument, NULL, 'a' },
	{ "runs", required_argument, NULL, OPT_RUNS },
	{ "warmup", required_argument, NULL, OPT_WARMUP },
	{ "timing", required_argument, NULL, OPT_TIMING },
	{ "output", required_argument, NULL, 'o' },
	{ "list-opts", no_argument, NULL, OPT_LIST_OPTS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Same letters as ndctl create-namespace / daxctl reconfigure-device. */
#define ND_SHORTOPTS ":b:r:vufa:o:h"
#define DAX_SHORTOPTS ":r:vufa:o:h"

static void usage(enum rb_prog prog, FILE *f)
{
	if (prog == RB_PROG_NDCTL)
		fprintf(f,
"usage: ndctl-rebind-bench [options] <namespaceX.Y | X.Y | all>...\n"
"       ndctl-rebind-bench import|compare ...\n"
"\n"
"Rebind the nd_pmem / dax_pmem driver of each namespace N times and time\n"
"memmap_init_zone_device() from the kernel log, a kprobe pair and the wall\n"
"clock. The results document goes to stdout (or --output).\n"
"\n"
"  -b, --bus <bus>          limit to a bus (provider or ndbusN)\n"
"  -r, --region <region>    limit to a region (regionN or N)\n"
"      --mode <list>        fsdax,devdax: reconfigure (destroys data)\n"
"      --map <list>         dev,mem: where the memmap lives\n"
"  -a, --align <list>       e.g. 4K,2M,1G (base 1024, power of two)\n"
"      --runs <n>           measured rebinds per configuration (30)\n"
"      --warmup <n>         unmeasured rebinds first (0)\n"
"      --timing <src>       auto, or a list of kmsg,probe,wall (auto)\n"
"      --method <m>         driver (unbind/bind) or namespace\n"
"                           (disable/enable the namespace) (driver)\n"
"  -o, --output <file>      write the document there, atomically\n"
"  -u, --human              summary on stdout (JSON only to --output)\n"
"  -f, --force              run on busy namespaces; allow reconfigure\n"
"  -v, --verbose            debug messages\n"
"      --list-opts          list the long options\n"
"  -h, --help               this text\n"
"\n"
"The lists form a matrix; without --mode/--map/--align the configuration\n"
"is kept. Exit status: 0 ok, 1 failure, 2 usage, 4 busy, 5 interrupted,\n"
"6 environment, 7 could not restore.\n");
	else
		fprintf(f,
"usage: daxctl-rebind-bench [options] <daxX.Y | X.Y | all>...\n"
"       daxctl-rebind-bench import|compare ...\n"
"\n"
"Rebind device_dax on each dax-bus device N times and time\n"
"memmap_init_zone_device() from the kernel log, a kprobe pair and the wall\n"
"clock. The results document goes to stdout (or --output).\n"
"\n"
"  -r, --region <region>    limit to a region (regionN or N)\n"
"  -a, --align <list>       e.g. 4K,2M,1G; dynamic (hmem/CXL) devices only\n"
"      --runs <n>           measured rebinds per configuration (30)\n"
"      --warmup <n>         unmeasured rebinds first (0)\n"
"      --timing <src>       auto, or a list of kmsg,probe,wall (auto)\n"
"  -o, --output <file>      write the document there, atomically\n"
"  -u, --human              summary on stdout (JSON only to --output)\n"
"  -f, --force              run on busy devices\n"
"  -v, --verbose            debug messages\n"
"      --list-opts          list the long options\n"
"  -h, --help               this text\n"
"\n"
"Exit status: 0 ok, 1 failure, 2 usage, 4 busy, 5 interrupted,\n"
"6 environment, 7 could not restore.\n");
}

static int parse_uint(const char *opt, const char *s, unsigned int min,
		      unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	rb_error("--%s: '%s' is not a number from %u to %u", opt, s, min, max);
	return -EINVAL;
}

/* "4K", "2M", "1G", "4096": base 1024, a power of two >= the page size. */
int rb_parse_align(const char *s, uint64_t *out, char *err, size_t len);
int rb_parse_align(const char *s, uint64_t *out, char *err, size_t len)
{
	unsigned long long v;
	unsigned int shift = 0;
	long page = sysconf(_SC_PAGESIZE);
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		goto bad;
	}
	if (shift && end[1] != '\0')
		goto bad;
	if (v == 0 || v > (~0ull >> shift))
		goto bad;
	v <<= shift;
	if (v & (v - 1)) {
		snprintf(err, len, "align '%s' is not a power of two", s);
		return -EINVAL;
	}
	if (page > 0 && v < (unsigned long long)page) {
		snprintf(err, len, "align '%s' is smaller than the page size (%ld)",
			 s, page);
		return -EINVAL;
	}
	*out = v;
	return 0;
bad:
	snprintf(err, len,
		 "align '%s' is not a size (a number with an optional K, M or G suffix)",
		 s);
	return -EINVAL;
}

/* Split a comma list in place; each item must be in @allowed. */
static int parse_names(const char *opt, char *arg, const char *const *allowed,
		       const char **out, size_t *nr)
{
	char *tok;
	size_t i, k;

	*nr = 0;
	while ((tok = strsep(&arg, ","))) {
		if (!*tok) {
			rb_error("--%s: empty item in the list", opt);
			return -EINVAL;
		}
		if (*nr == MAX_LIST) {
			rb_error("--%s: more than %d values", opt, MAX_LIST);
			return -EINVAL;
		}
		for (i = 0; allowed[i] && strcmp(allowed[i], tok); i++)
			;
		if (!allowed[i]) {
			rb_error("--%s: unknown value '%s'", opt, tok);
			return -EINVAL;
		}
		for (k = 0; k < *nr; k++)
			if (!strcmp(out[k], tok)) {
				rb_error("--%s: '%s' listed twice", opt, tok);
				return -EINVAL;
			}
		out[(*nr)++] = allowed[i];
	}
	if (!*nr) {
		rb_error("--%s: empty list", opt);
		return -EINVAL;
	}
	return 0;
}

static int parse_aligns(char *arg, uint64_t *out, size_t *nr)
{
	char *tok, err[160];
	size_t k;

	*nr = 0;
	while ((tok = strsep(&arg, ","))) {
		if (!*tok) {
			rb_error("--align: empty item in the list");
			return -EINVAL;
		}
		if (*nr == MAX_LIST) {
			rb_error("--align: more than %d values", MAX_LIST);
			return -EINVAL;
		}
		if (rb_parse_align(tok, &out[*nr], err, sizeof(err))) {
			rb_error("--align: %s", err);
			return -EINVAL;
		}
		for (k = 0; k < *nr; k++)
			if (out[k] == out[*nr]) {
				rb_error("--align: '%s' listed twice", tok);
				return -EINVAL;
			}
		(*nr)++;
	}
	if (!*nr) {
		rb_error("--align: empty list");
		return -EINVAL;
	}
	return 0;
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

/* A name from the command line, safe to print on one line. */
static const char *printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		strcpy(buf + i, "...");
	else
		buf[i] = '\0';
	return buf;
}

static void list_opts(const struct option *lo)
{
	for (; lo->name; lo++)
		printf("--%s\n", lo->name);
}

static const char *bad_option(int argc, char **argv)
{
	/* getopt leaves the offending word just before optind. */
	return optind > 0 && optind <= argc ? argv[optind - 1] : "?";
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(struct run_opts *o, int argc, char **argv)
{
	static const char *const modes[] = { "fsdax", "devdax", NULL };
	static const char *const maps[] = { "dev", "mem", NULL };
	static const char *const methods[] = { "driver", "namespace", NULL };
	const struct option *lo = o->prog == RB_PROG_NDCTL ? nd_longopts :
							     dax_longopts;
	const char *so = o->prog == RB_PROG_NDCTL ? ND_SHORTOPTS :
						    DAX_SHORTOPTS;
	const char *method = NULL;
	char err[256];
	size_t nr;
	int c, i;

	o->runs = 30;
	o->timing = RB_SRC_ALL;
	o->timing_auto = true;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
		switch (c) {
		case 'b':
			o->filter.bus = optarg;
			break;
		case 'r':
			o->filter.region = optarg;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'u':
			o->human = true;
			break;
		case 'f':
			o->force = true;
			break;
		case 'o':
			if (!*optarg) {
				rb_error("--output: empty file name");
				return RB_EXIT_USAGE;
			}
			o->output = optarg;
			break;
		case OPT_MODE:
			if (parse_names("mode", optarg, modes, o->modes,
					&o->nr_modes))
				return RB_EXIT_USAGE;
			break;
		case OPT_MAP:
			if (parse_names("map", optarg, maps, o->maps,
					&o->nr_maps))
				return RB_EXIT_USAGE;
			break;
		case 'a':
			if (parse_aligns(optarg, o->aligns, &o->nr_aligns))
				return RB_EXIT_USAGE;
			break;
		case OPT_RUNS:
			if (parse_uint("runs", optarg, 1, MAX_RUNS, &o->runs))
				return RB_EXIT_USAGE;
			break;
		case OPT_WARMUP:
			if (parse_uint("warmup", optarg, 0, MAX_RUNS,
				       &o->warmup))
				return RB_EXIT_USAGE;
			break;
		case OPT_TIMING:
			if (rb_timing_parse(optarg, &o->timing,
					    &o->timing_auto, err,
					    sizeof(err))) {
				rb_error("%s", err);
				return RB_EXIT_USAGE;
			}
			break;
		case OPT_METHOD: {
			const char *m[1];

			if (parse_names("method", optarg, methods, m, &nr))
				return RB_EXIT_USAGE;
			if (nr != 1) {
				rb_error("--method: give one of driver, namespace");
				return RB_EXIT_USAGE;
			}
			method = m[0];
			break;
		}
		case OPT_LIST_OPTS:
			list_opts(lo);
			return RB_EXIT_OK;
		case 'h':
			usage(o->prog, stdout);
			return RB_EXIT_OK;
		case ':':
			rb_error("option '%s' needs a value",
				 bad_option(argc, argv));
			return RB_EXIT_USAGE;
		default:
			if (optopt)
				rb_error("unknown option '-%c' (see --help)",
					 optopt);
			else
				rb_error("unknown option '%s' (see --help)",
					 bad_option(argc, argv));
			return RB_EXIT_USAGE;
		}
	}
	o->method = method && !strcmp(method, "namespace") ?
			    RB_METHOD_NAMESPACE : RB_METHOD_DRIVER;
	o->names = argv + optind;
	o->nr_names = argc - optind;
	if (!o->nr_names) {
		rb_error("missing device argument (%s, X.Y or all; see --help)",
			 o->prog == RB_PROG_NDCTL ? "namespaceX.Y" : "daxX.Y");
		return RB_EXIT_USAGE;
	}
	if (o->filter.region && !valid_region(o->filter.region)) {
		rb_error("--region: '%s' is not a region (regionN or N)",
			 printable(o->filter.region, err, 64));
		return RB_EXIT_USAGE;
	}
	for (i = 0; i < o->nr_names; i++) {
		if (!valid_name(o->names[i], o->prog == RB_PROG_NDCTL ?
					     "namespace" : "dax")) {
			rb_error("'%s' is not a %s name (%s, X.Y or all)",
				 printable(o->names[i], err, 64),
				 o->prog == RB_PROG_NDCTL ? "namespace" :
							    "dax device",
				 o->prog == RB_PROG_NDCTL ? "namespaceX.Y" :
							    "daxX.Y");
			return RB_EXIT_USAGE;
		}
		if (!strcmp(o->names[i], "all") && o->nr_names > 1) {
			rb_error("'all' cannot be combined with device names");
			return RB_EXIT_USAGE;
		}
	}
	if (o->human && o->output && !strcmp(o->output, "-")) {
		rb_error("--human puts the summary on stdout: --output - conflicts with it");
		return RB_EXIT_USAGE;
	}
	return -1;
}

static bool reconfigures(const struct run_opts *o)
{
	return o->nr_modes || o->nr_maps || o->nr_aligns;
}

/* The cartesian product of the lists; an absent list keeps that field. */
static struct rb_config_req *build_matrix(const struct run_opts *o,
					  size_t *nr)
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

static int open_targets(const struct run_opts *o, struct rb_target ***targets)
{
	struct rb_target_opts topts = {
		.force = o->force,
		.verbose = o->verbose,
		.method = o->method,
	};
	char err[256] = "";
	int rc;

	if (o->prog == RB_PROG_NDCTL)
		rc = rb_nd_targets_open(o->names, o->nr_names, &o->filter,
					&topts, targets, err, sizeof(err));
	else
		rc = rb_dax_targets_open(o->names, o->nr_names, &o->filter,
					 &topts, targets, err, sizeof(err));
	if (rc > 0)
		return rc;
	rb_error("%s", err[0] ? err : strerror(-rc));
	*targets = NULL;
	return rc == -EINVAL ? -RB_EXIT_USAGE : -RB_EXIT_ENV;
}

/*
 * A run killed by SIGKILL left its record: put dynamic debug, tracefs and
 * the device back as the record says. Returns 0 or an exit status.
 */
static int repair_stale(const struct run_opts *o, struct rb_run_state *rs,
			const struct rb_state_record *old)
{
	struct rb_target_opts topts = { .force = true, .verbose = o->verbose };
	struct rb_target *t = NULL;
	char err[256] = "";
	int rc;

	rb_warning("%s: a run (pid %d) was killed during '%s'; restoring what it changed",
		   old->dev, old->pid, old->phase);
	if (old->dyndbg_control[0]) {
		rc = rb_dyndbg_repair(rb_sysroot());
		if (rc)
			rb_warning("cannot restore dynamic debug in %s: %s",
				   old->dyndbg_control, strerror(-rc));
	}
	if (old->probe_group[0]) {
		rc = rb_kprobe_remove_stale(old->probe_group, old->probe_inst);
		if (rc)
			rb_warning("cannot remove tracefs instance %s / kprobe group %s: %s",
				   old->probe_inst, old->probe_group,
				   strerror(-rc));
	}
	if (old->target) {
		rc = rb_target_from_saved(old->target, &topts, &t, err,
					  sizeof(err));
		if (!rc) {
			rc = t->ops->restore(t);
			if (rc)
				snprintf(err, sizeof(err), "%s",
					 t->err[0] ? t->err : strerror(-rc));
			t->ops->close(t);
		}
		if (rc) {
			rb_error("%s: cannot restore after the killed run: %s; restore it by hand (ndctl/daxctl list shows its state; the original is in %s), then remove that file",
				 old->dev, err, rs->state_path);
			return RB_EXIT_RESTORE;
		}
	}
	rb_run_state_clear(rs);
	return 0;
}

static int save_record(struct rb_run_state *rs, struct rb_target *t,
		       enum rb_prog prog)
{
	rs->rec.pid = getpid();
	snprintf(rs->rec.prog, sizeof(rs->rec.prog), "%s", rb_prog_name(prog));
	snprintf(rs->rec.dev, sizeof(rs->rec.dev), "%s", t->name);
	snprintf(rs->rec.phase, sizeof(rs->rec.phase), "start");
	if (t->ops->save) {
		rs->rec.target = json_object_new_object();
		if (!rs->rec.target)
			return -ENOMEM;
		if (t->ops->save(t, rs->rec.target))
			return -EIO;
	}
	return rb_run_state_save(rs);
}

struct run {
	struct run_opts o;
	struct rb_target **targets;
	int nr_targets;
	int host_lock; /* fd of run.lock, -1 when not held */
	struct rb_config_req *reqs; /* the matrix, or &keep */
	size_t nr_reqs;
	struct rb_config_req keep; /* no --mode/--map/--align */
	struct rb_run_state *rs;
	struct rb_timing tm;
	bool timing_open;
	struct rb_document *doc;
};

/*
 * Every entry of the --mode/--map/--align matrix on every target, before
 * the first one runs: a bad last entry must not cost the data of the
 * first ones' reconfigurations. Exit status, 0 when all are accepted.
 */
static int check_matrix(struct run *r)
{
	size_t j;
	int i, rc = 0;

	if (!reconfigures(&r->o))
		return 0;
	for (i = 0; i < r->nr_targets && !rc; i++) {
		struct rb_target *t = r->targets[i];

		for (j = 0; j < r->nr_reqs && !rc && t->ops->check_config; j++)
			rc = t->ops->check_config(t, &r->reqs[j]);
		if (rc)
			rb_error("%s", t->err[0] ? t->err : strerror(-rc));
	}
	if (rc == -EINVAL || rc == -EOPNOTSUPP)
		return RB_EXIT_USAGE;
	return rc ? RB_EXIT_ENV : 0;
}

/* Locks, repairs, busy checks and records: nothing is changed yet. */
static int prepare(struct run *r)
{
	struct rb_state_record old;
	char why[512];
	bool repaired = false;
	int i, rc;

	r->host_lock = rb_run_lock_host(rb_sysroot(), why, sizeof(why));
	if (r->host_lock < 0) {
		rb_error("%s", why);
		return r->host_lock == -EBUSY ? RB_EXIT_BUSY : RB_EXIT_ENV;
	}
	r->rs = calloc(r->nr_targets, sizeof(*r->rs));
	if (!r->rs)
		return RB_EXIT_FAILURE;
	for (i = 0; i < r->nr_targets; i++)
		r->rs[i].lock_fd = -1;
	for (i = 0; i < r->nr_targets; i++) {
		rc = rb_run_state_lock(&r->rs[i], rb_sysroot(),
				       r->targets[i]->name, why, sizeof(why));
		if (rc) {
			rb_error("%s", why);
			return rc == -EBUSY ? RB_EXIT_BUSY : RB_EXIT_ENV;
		}
		rc = rb_run_state_find_stale(&r->rs[i], &old);
		if (rc < 0) {
			rb_error("%s: unreadable state record %s (%s); check the device by hand and remove it",
				 r->targets[i]->name, r->rs[i].state_path,
				 strerror(-rc));
			return RB_EXIT_RESTORE;
		}
		if (rc == 1) {
			rc = repair_stale(&r->o, &r->rs[i], &old);
			rb_state_record_release(&old);
			if (rc)
				return rc;
			repaired = true;
		}
	}
	if (repaired) {
		/* restore() puts back the state found at open: reopen. */
		rb_targets_free(r->targets, r->nr_targets);
		r->targets = NULL;
		rc = open_targets(&r->o, &r->targets);
		if (rc < 0)
			return -rc;
		if (rc != r->nr_targets) {
			rb_error("the set of devices changed while repairing a killed run; run again");
			return RB_EXIT_ENV;
		}
	}
	for (i = 0; i < r->nr_targets; i++) {
		struct rb_target *t = r->targets[i];

		why[0] = '\0';
		rc = t->ops->check_busy(t, why, sizeof(why));
		if (rc == -EBUSY && !r->o.force) {
			rb_error("%s (use --force to run anyway)",
				 why[0] ? why : t->name);
			return RB_EXIT_BUSY;
		}
		if (rc == -EBUSY)
			rb_warning("%s; going on because of --force", why);
		else if (rc) {
			rb_error("%s", why[0] ? why : strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	rc = check_matrix(r);
	if (rc)
		return rc;
	for (i = 0; i < r->nr_targets; i++) {
		rc = save_record(&r->rs[i], r->targets[i], r->o.prog);
		if (rc) {
			rb_error("%s: cannot write %s: %s", r->targets[i]->name,
				 r->rs[i].state_path, strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	return 0;
}

/*
 * Tell every record which helpers this run is about to set up, before
 * setting them up: a killed run must be repairable at any point, and
 * undoing something that was not done yet is harmless.
 */
static int note_helpers(struct run *r)
{
	struct rb_dyndbg d;
	char why[256];
	int i, rc;

	for (i = 0; i < r->nr_targets; i++) {
		struct rb_state_record *rec = &r->rs[i].rec;

		if ((r->o.timing & RB_SRC_MEMMAP_MS) &&
		    rb_dyndbg_peek(&d, rb_sysroot(), why, sizeof(why)) == 0 &&
		    !strchr(d.flags, 'p'))
			snprintf(rec->dyndbg_control,
				 sizeof(rec->dyndbg_control), "%s", d.control);
		if (r->o.timing & RB_SRC_MEMMAP_NS)
			rb_kprobe_names(getpid(), rec->probe_group,
				       sizeof(rec->probe_group),
				       rec->probe_inst,
				       sizeof(rec->probe_inst));
		rc = rb_run_state_save(&r->rs[i]);
		if (rc) {
			rb_error("%s: cannot write %s: %s",
				 r->targets[i]->name, r->rs[i].state_path,
				 strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	return 0;
}

static int measure(struct run *r)
{
	struct rb_loop_opts lo = {
		.runs = r->o.runs,
		.warmup = r->o.warmup,
		.progress = isatty(STDERR_FILENO),
	};
	int i, rc = 0, status = RB_EXIT_OK;
	struct rb_rebind_outcome out;

	if (r->o.prog == RB_PROG_DAXCTL)
		lo.method = "device";
	else
		lo.method = r->o.method == RB_METHOD_NAMESPACE ? "namespace" :
								 "driver";
	for (i = 0; i < r->nr_targets; i++) {
		struct rb_target *t = r->targets[i];

		rc = rb_rebind_target(t, r->reqs, r->nr_reqs, &r->tm, &lo,
				      &r->rs[i], r->doc, &out);
		if (out.restore_failed) {
			rb_error("%s", t->err);
			status = RB_EXIT_RESTORE;
			break;
		}
		if (rc == -EINTR) {
			status = RB_EXIT_INTERRUPTED;
			break;
		}
		if (rc) {
			rb_error("%s", t->err[0] ? t->err : strerror(-rc));
			if (rc == -ENODATA)
				status = RB_EXIT_ENV;
			else if (out.rejected)
				status = RB_EXIT_USAGE;
			else
				status = RB_EXIT_FAILURE;
			break;
		}
	}
	return status;
}

/* Fingerprint and environment warnings of the machine measured on. */
static void describe_environment(struct rb_document *doc)
{
	struct rb_kconfig *kc = rb_kconfig_load(rb_sysroot(), NULL);
	size_t i;

	doc->fingerprint = rb_fingerprint_collect(rb_sysroot(), kc);
	if (rb_guards_check(&doc->warnings, rb_sysroot(), kc) < 0)
		rb_warning("environment checks ran out of memory");
	rb_kconfig_free(kc);
	for (i = 0; i < doc->warnings.nr; i++)
		rb_warning("%s", doc->warnings.v[i].text);
}

/*
 * JSON to --output (or stdout unless --human); the summary on stderr, or
 * on stdout with --human. Returns 0 or -errno of the document write.
 */
static int write_results(const struct rb_document *doc, const char *output,
			 bool human)
{
	int rc = 0;

	if (output || !human) {
		rc = rb_document_write(doc, output);
		if (rc)
			rb_error("cannot write %s: %s",
				 output ? output : "the document to stdout",
				 strerror(-rc));
	}
	rb_human_summary(human ? stdout : stderr, doc);
	if (human && fflush(stdout) && !rc)
		rc = -errno;
	return rc;
}

static int finish(struct run *r, int status)
{
	int i, rc;
	bool helpers_restored = true;

	if (r->timing_open && rb_timing_close(&r->tm))
		helpers_restored = false;
	r->timing_open = false;
	for (i = 0; r->rs && i < r->nr_targets; i++) {
		/*
		 * Only our own record, and keep it while something is not
		 * back: the next run repairs from it.
		 */
		if (r->rs[i].saved && status != RB_EXIT_RESTORE &&
		    helpers_restored)
			rb_run_state_clear(&r->rs[i]);
		rb_run_state_unlock(&r->rs[i]);
	}
	if (r->host_lock >= 0)
		close(r->host_lock);
	r->host_lock = -1;
	if (!helpers_restored && status == RB_EXIT_OK)
		status = RB_EXIT_RESTORE;
	if (!r->doc)
		return status;
	r->doc->complete = status == RB_EXIT_OK;
	rc = write_results(r->doc, r->o.output, r->o.human);
	if (rc && status == RB_EXIT_OK)
		status = RB_EXIT_FAILURE;
	if (status == RB_EXIT_INTERRUPTED)
		rb_info("interrupted by signal %d: devices restored, partial results %s",
			rb_interrupt_signal(),
			r->o.output ? r->o.output : "written");
	return status;
}

int rb_cmd_run(enum rb_prog prog, int argc, char **argv)
{
	struct run r = { .o.prog = prog, .host_lock = -1 };
	char err[512];
	int rc, status;

	rc = parse_args(&r.o, argc, argv);
	if (rc >= 0)
		return rc;
	rb_set_verbose(r.o.verbose);
	if (reconfigures(&r.o) && !r.o.force) {
		rb_error("--mode/--map/--align reconfigure %s and destroy its data; add --force",
			 r.o.prog == RB_PROG_NDCTL ? "the namespace" :
						     "the device");
		return RB_EXIT_BUSY;
	}
	if (geteuid() != 0) {
		rb_error("must run as root (it rebinds drivers and reads /dev/kmsg)");
		return RB_EXIT_ENV;
	}

	r.reqs = &r.keep;
	r.nr_reqs = 1;
	if (reconfigures(&r.o)) {
		r.reqs = build_matrix(&r.o, &r.nr_reqs);
		if (!r.reqs)
			return RB_EXIT_FAILURE;
	}
	rc = open_targets(&r.o, &r.targets);
	if (rc < 0) {
		if (r.reqs != &r.keep)
			free(r.reqs);
		return -rc;
	}
	r.nr_targets = rc;

	status = prepare(&r);
	if (status)
		goto out;

	/* From here on a signal must not kill us before we restore. */
	signal(SIGPIPE, SIG_IGN);
	if (rb_signals_install()) {
		rb_error("cannot install signal handlers: %s", strerror(errno));
		status = RB_EXIT_FAILURE;
		goto out;
	}
	r.doc = rb_document_new(rb_prog_name(prog), "live");
	if (!r.doc) {
		status = RB_EXIT_FAILURE;
		goto out;
	}
	describe_environment(r.doc);
	status = note_helpers(&r);
	if (status)
		goto out;
	rc = rb_timing_open(&r.tm, r.o.timing, r.o.timing_auto, rb_sysroot(),
			    err, sizeof(err));
	if (rc) {
		rb_error("%s", err);
		status = RB_EXIT_ENV;
		goto out;
	}
	r.timing_open = true;
	status = measure(&r);
	if (status == RB_EXIT_OK && rb_interrupted())
		status = RB_EXIT_INTERRUPTED;
out:
	status = finish(&r, status);
	rb_document_free(r.doc);
	rb_targets_free(r.targets, r.nr_targets);
	free(r.rs);
	if (r.reqs != &r.keep)
		free(r.reqs);
	return status;
}
