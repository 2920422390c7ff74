// SPDX-License-Identifier: GPL-2.0
/*
 * The command-line parsers of a run, reached through their headers: list
 * capacities, duplicates, empty items, and the options of each program as
 * its descriptor defines them.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include "cmd/options.h"
#include "cmd/run-args.h"
#include "unit.h"

/* The two descriptors, from ndctl-plugin/prog.c and daxctl-plugin/prog.c. */
extern const struct rb_prog rb_ndctl_prog, rb_daxctl_prog;

static void test_names(void)
{
	static const char *const allowed[] = { "fsdax", "devdax", NULL };
	const char *out[2] = { NULL, NULL };
	const char *guard[4] = { "x", "x", "x", "x" };
	size_t nr = 99;

	CHECK(rb_parse_names("mode", "devdax,fsdax", allowed, out, 2, &nr) ==
			      0 &&
		      nr == 2 && out[0] == allowed[1] && out[1] == allowed[0],
	      "names: two items in order, pointing into the table");
	CHECK(rb_parse_names("mode", "fsdax,devdax", allowed, guard, 1, &nr) ==
			      -EINVAL &&
		      nr == 1 && !strcmp(guard[1], "x"),
	      "names: a list longer than the capacity stops at it");
	CHECK(rb_parse_names("mode", "fsdax,fsdax", allowed, out, 2, &nr) ==
		      -EINVAL,
	      "names: an item twice is refused");
	CHECK(rb_parse_names("mode", "fsdax,", allowed, out, 2, &nr) == -EINVAL,
	      "names: a trailing comma is refused");
	CHECK(rb_parse_names("mode", ",", allowed, out, 2, &nr) == -EINVAL,
	      "names: a lone comma is refused");
	CHECK(rb_parse_names("mode", "", allowed, out, 2, &nr) == -EINVAL,
	      "names: an empty list is refused");
	CHECK(rb_parse_names("mode", "dev", allowed, out, 2, &nr) == -EINVAL,
	      "names: a value of another option is refused");
}

static void test_aligns(void)
{
	uint64_t out[3] = { 0 }, guard[2] = { 7, 7 };
	char err[160];
	size_t nr;

	CHECK(rb_parse_aligns("4K,2M,1G", 4096, out, 3, &nr) == 0 && nr == 3 &&
		      out[0] == 4096 && out[1] == 2u << 20 &&
		      out[2] == 1u << 30,
	      "aligns: K, M and G");
	CHECK(rb_parse_aligns("2M,2048K", 4096, out, 3, &nr) == -EINVAL,
	      "aligns: one size spelled twice is a duplicate");
	CHECK(rb_parse_aligns("4K,8K", 4096, guard, 1, &nr) == -EINVAL &&
		      guard[1] == 7,
	      "aligns: capacity respected");
	CHECK(rb_parse_aligns("2M,", 4096, out, 3, &nr) == -EINVAL,
	      "aligns: trailing comma refused");
	CHECK(rb_parse_align("3K", 4096, out, err, sizeof(err)) == -EINVAL &&
		      strstr(err, "power of two"),
	      "align: 3K: %s", err);
	CHECK(rb_parse_align("2K", 4096, out, err, sizeof(err)) == -EINVAL &&
		      strstr(err, "page size"),
	      "align: below the page: %s", err);
	CHECK(rb_parse_align("99999999999999999999G", 4096, out, err,
			     sizeof(err)) == -EINVAL,
	      "align: overflow refused");
	CHECK(rb_parse_align("64K", 65536, out, err, sizeof(err)) == 0 &&
		      out[0] == 65536,
	      "align: 64K on a 64K-page kernel");
}

static void test_uint(void)
{
	unsigned int v = 0;

	CHECK(rb_parse_uint("runs", "30", 1, 100, &v) == 0 && v == 30,
	      "uint: in range");
	CHECK(rb_parse_uint("runs", "0", 1, 100, &v) == -EINVAL,
	      "uint: below the minimum");
	CHECK(rb_parse_uint("runs", "-1", 0, 100, &v) == -EINVAL,
	      "uint: a sign is refused");
	CHECK(rb_parse_uint("runs", "4294967297", 0, 100, &v) == -EINVAL,
	      "uint: above the maximum");
}

/* Parse a NULL-terminated word list as @prog's command line. */
static int parse(const struct rb_prog *prog, struct rb_run_opts *o, ...)
{
	char *argv[16];
	int argc = 0;
	va_list ap;

	argv[argc++] = (char *)prog->name;
	va_start(ap, o);
	while (argc < 15 && (argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	argv[argc] = NULL;
	return rb_run_args_parse(prog, o, argc, argv);
}

static void test_run_args(void)
{
	struct rb_run_opts o;
	struct rb_config_req *m;
	size_t nr = 0;

	CHECK(parse(&rb_ndctl_prog, &o, "--mode", "fsdax,devdax", "--map",
		    "dev", "--align", "2M,1G", "-f", "namespace0.0",
		    NULL) == -1 &&
		      o.nr_modes == 2 && o.nr_aligns == 2 && o.force &&
		      o.nr_names == 1 && rb_run_reconfigures(&o),
	      "run: a matrix request parses");
	m = rb_run_matrix(&o, &nr);
	CHECK(m && nr == 4 && !strcmp(m[0].mode, "fsdax") &&
		      m[1].align == 1u << 30 && !strcmp(m[3].mode, "devdax") &&
		      !strcmp(m[3].map, "dev"),
	      "run: the matrix is the product, modes outermost");
	free(m);
	CHECK(parse(&rb_ndctl_prog, &o, "--method", "driver,namespace", "0.0",
		    NULL) == 2,
	      "run: --method takes one value");
	CHECK(parse(&rb_ndctl_prog, &o, "--method", "namespace", "0.0", NULL) ==
			      -1 &&
		      o.method == RB_METHOD_NAMESPACE,
	      "run: --method namespace");
	CHECK(parse(&rb_ndctl_prog, &o, "--timing", "kmsg,kmsg", "0.0", NULL) ==
		      2,
	      "run: --timing refuses duplicates");
	CHECK(parse(&rb_ndctl_prog, &o, "--breakdown", "0.0", NULL) == -1 &&
		      o.breakdown,
	      "run: --breakdown with the default sources");
	CHECK(parse(&rb_ndctl_prog, &o, "--breakdown", "--timing", "kmsg,wall",
		    "0.0", NULL) == 2,
	      "run: --breakdown needs the probe source");
	CHECK(parse(&rb_daxctl_prog, &o, "--breakdown", "--timing", "probe",
		    "0.0", NULL) == 2,
	      "run: --breakdown needs the wall source");
	CHECK(parse(&rb_ndctl_prog, &o, "namespace0.0", "all", NULL) == 2,
	      "run: all does not combine with names");
	CHECK(parse(&rb_ndctl_prog, &o, "dax0.0", NULL) == 2,
	      "run: ndctl refuses a dax name");
	CHECK(parse(&rb_daxctl_prog, &o, "--mode", "devdax", "dax0.0", NULL) ==
		      2,
	      "run: daxctl has no --mode");
	CHECK(parse(&rb_daxctl_prog, &o, "-b", "ndbus0", "dax0.0", NULL) == 2,
	      "run: daxctl has no --bus");
	CHECK(parse(&rb_daxctl_prog, &o, "--align", "2M", "--runs", "3",
		    "dax1.0", NULL) == -1 &&
		      o.runs == 3 && o.nr_aligns == 1,
	      "run: daxctl --align and --runs");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "auto", "--precision", "1%",
		    "0.0", NULL) == -1 &&
		      o.runs_auto && o.precision == 0.01 && o.runs == 100,
	      "run: --runs auto --precision 1%%, the cap 100 by default");
	CHECK(parse(&rb_daxctl_prog, &o, "--max-runs", "20", "--precision",
		    "0.05", "--runs", "auto", "dax0.0", NULL) == -1 &&
		      o.runs_auto && o.precision == 0.05 && o.runs == 20,
	      "run: --max-runs is the cap, options in any order");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "auto", "--max-runs", "5",
		    "--precision", "1e-9", "0.0", NULL) == -1 && o.runs == 5,
	      "run: --max-runs at the minimum, a tiny precision");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "auto", "0.0", NULL) == 2,
	      "run: --runs auto without --precision");
	CHECK(parse(&rb_ndctl_prog, &o, "--precision", "1%", "0.0", NULL) == 2,
	      "run: --precision without --runs auto");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "9", "--max-runs", "9", "0.0",
		    NULL) == 2,
	      "run: --max-runs without --runs auto");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "auto", "--precision", "1",
		    "0.0", NULL) == 2,
	      "run: --precision 1 is no fraction below 1");
	CHECK(parse(&rb_ndctl_prog, &o, "--runs", "auto", "--precision", "1%",
		    "--max-runs", "4", "0.0", NULL) == 2,
	      "run: --max-runs below the minimum of 5");
	CHECK(parse(&rb_ndctl_prog, &o, "-u", "-o", "-", "0.0", NULL) == 2,
	      "run: --human with --output - conflicts");
	CHECK(parse(&rb_ndctl_prog, &o, "-o", "", "0.0", NULL) == 2,
	      "run: an empty --output is refused");
}

int main(void)
{
	test_names();
	test_aligns();
	test_uint();
	test_run_args();
	return unit_done();
}
