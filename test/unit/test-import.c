// SPDX-License-Identifier: GPL-2.0
/*
 * `import`: captured logs (test/fixtures/import-*) into results documents.
 * The fixtures use the real line formats with a known set of values; the
 * expected counts and means below are worked out by hand from them.
 *
 * With --emit DIR [FIXTURES] it only writes the import documents of the
 * fixtures, for the 'schema-import' test to validate against the schema.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "results/document.h"
#include "util/exit-codes.h"
#include "klog/import.h"
#include "results/stats.h"
#include "unit.h"

static const char *fixtures;

static const char *fixture(const char *name)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", fixtures, name);
	return path;
}

static struct rb_document *import_fixture(const char *name,
					  const struct rb_import_opts *opts)
{
	struct rb_document *doc;
	char err[512] = "";
	int rc;

	rc = rb_import_file(fixture(name), "ndctl-rebind-bench", opts, &doc,
			    err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc, "import %s: rc %d %s", name, rc, err);
	return rc == RB_EXIT_OK ? doc : NULL;
}

static struct rb_document *import_text(const char *text,
				       const struct rb_import_opts *opts,
				       int *rc, char *err, size_t errlen)
{
	struct rb_document *doc;
	FILE *f = fmemopen((void *)text, strlen(text), "r");

	if (!f) {
		*rc = -1;
		return NULL;
	}
	*rc = rb_import_stream(f, "<memory>", "ndctl-rebind-bench", opts,
			       &doc, err, errlen);
	fclose(f);
	return doc;
}

static const char *warning_text(const struct rb_warnings *w, const char *id)
{
	size_t i;

	for (i = 0; i < w->nr; i++)
		if (!strcmp(w->v[i].id, id))
			return w->v[i].text;
	return "";
}

static double mean_ms(const struct rb_config_result *cfg)
{
	double *x = calloc(cfg->nr_samples + 1, sizeof(*x));
	struct rb_stats st = { 0 };
	size_t n;

	if (!x)
		return -1;
	n = rb_config_values(cfg, RB_SRC_MEMMAP_MS, x);
	if (n != cfg->nr_samples || rb_stats_compute(x, n, 4, &st))
		st.mean = -1;
	free(x);
	return st.mean;
}

static bool near(double a, double b)
{
	return a - b < 1e-9 && b - a < 1e-9;
}

static struct rb_config_result *config_with_pages(struct rb_document *doc,
						  uint64_t nr_pages)
{
	size_t i;

	for (i = 0; i < doc->nr_configs; i++)
		if (doc->configs[i].target.expected_nr_pages == nr_pages)
			return &doc->configs[i];
	return NULL;
}

/*
 * The acceptance capture: 31 rebinds of a 1 GiB fsdax map=dev namespace
 * (257536 pages) at HZ=250, noise in between, and one amdgpu HMM line at
 * boot (8388608 pages) that must end up in its own configuration.
 * Cold bind 84 ms; the 30 rebinds are eighteen 8s, seven 12s, three 16s,
 * one 20 and one 24: 144 + 84 + 48 + 20 + 24 = 320 ms, mean 320 / 30.
 */
#define FSDAX31_STEADY_SUM 320
#define FSDAX31_MEAN (320.0 / 30.0)

static uint64_t fsdax31_ms[4][31];

static void check_fsdax31(const char *name, int form, bool has_ts,
			  bool has_seq)
{
	struct rb_config_result *cfg, *hmm;
	struct rb_document *doc = import_fixture(name, NULL);
	uint64_t sum = 0;
	bool ordered = true, ranges = true, ts = true, seq = true;
	size_t i;

	if (!doc)
		return;
	CHECK(!strcmp(doc->origin, "import") &&
	      !strcmp(doc->import_file, fixture(name)),
	      "%s: origin and import_file", name);
	CHECK_U64(doc->nr_configs, 2, "configurations (HMM + fsdax)");
	hmm = config_with_pages(doc, 8388608);
	CHECK(hmm && hmm->has_cold && hmm->nr_samples == 0 &&
	      rb_warnings_has(&hmm->warnings, "single-bind"),
	      "%s: the boot-time HMM line is a single-bind configuration",
	      name);
	cfg = config_with_pages(doc, 257536);
	if (!CHECK(cfg, "%s: a 257536-page configuration", name))
		goto out;
	CHECK(cfg->has_cold && cfg->cold.memmap_ms == 84 &&
	      cfg->cold.iter == 0 && cfg->cold.nr_pages == 257536,
	      "%s: one cold sample (84 ms)", name);
	CHECK_U64(cfg->nr_samples, 30, "steady samples");
	CHECK(!rb_warnings_has(&cfg->warnings, "single-bind"),
	      "%s: no single-bind warning for the fsdax run", name);
	CHECK(!strcmp(cfg->settings.method, "import") &&
	      cfg->settings.runs == 30 &&
	      cfg->settings.sources == RB_SRC_MEMMAP_MS,
	      "%s: settings", name);
	fsdax31_ms[form][0] = cfg->cold.memmap_ms;
	for (i = 0; i < cfg->nr_samples && i < 30; i++) {
		const struct rb_sample *s = &cfg->samples[i];
		const struct rb_sample *prev = i ? &s[-1] : &cfg->cold;

		sum += s->memmap_ms;
		fsdax31_ms[form][i + 1] = s->memmap_ms;
		ordered &= s->iter == i + 1 && (s->have & RB_SRC_MEMMAP_MS);
		ranges &= s->nr_ranges == 1 && s->nr_pages == 257536;
		ts &= s->has_kernel_ts == has_ts &&
		      (!has_ts || s->kernel_ts_usec > prev->kernel_ts_usec);
		seq &= s->has_seq == has_seq &&
		       (!has_seq || s->seq > prev->seq);
	}
	CHECK(ordered, "%s: iterations 1..30 in log order", name);
	CHECK(ranges, "%s: one range of 257536 pages per bind", name);
	CHECK(ts, "%s: kernel timestamps %s", name,
	      has_ts ? "kept and increasing" : "absent");
	CHECK(seq, "%s: kmsg sequence numbers %s", name,
	      has_seq ? "kept and increasing" : "absent");
	CHECK_U64(sum, FSDAX31_STEADY_SUM, "sum of the steady samples");
	CHECK(near(mean_ms(cfg), FSDAX31_MEAN), "%s: mean %.6f == 320/30",
	      name, mean_ms(cfg));
	CHECK(strstr(warning_text(&doc->warnings, "hz-unknown"), "HZ=250"),
	      "%s: hz-unknown warning hints at HZ=250", name);
	CHECK(!rb_warnings_has(&doc->warnings, "truncated-lines") &&
	      !rb_warnings_has(&doc->warnings, "kmsg-records-lost"),
	      "%s: a clean capture has no log warnings", name);
out:
	rb_document_free(doc);
}

static void test_fsdax31(void)
{
	int form;

	check_fsdax31("import-fsdax-31.kmsg", 0, true, true);
	check_fsdax31("import-fsdax-31.dmesg.log", 1, true, false);
	check_fsdax31("import-fsdax-31.dmesg-r.log", 2, true, false);
	check_fsdax31("import-fsdax-31.journal.log", 3, false, false);
	for (form = 1; form < 4; form++)
		CHECK(!memcmp(fsdax31_ms[0], fsdax31_ms[form],
			      sizeof(fsdax31_ms[0])),
		      "container %d gives the same 31 values as kmsg", form);
}

/*
 * 4 GiB fsdax map=dev (1031680 pages: 272 cold, 48 48 [cut] 48 44 48) then
 * map=mem (1048576: 96 cold, 48 48 44 48 48), as /dev/kmsg records with
 * three records lost, one memmap record cut inside its page count and a
 * line of binary garbage.
 */
static void test_two_configs(void)
{
	struct rb_document *doc = import_fixture("import-two-configs.kmsg",
						 NULL);
	struct rb_config_result *a, *b;

	if (!doc)
		return;
	CHECK_U64(doc->nr_configs, 2, "two configurations");
	a = &doc->configs[0];
	b = doc->nr_configs > 1 ? &doc->configs[1] : a;
	CHECK(a->target.expected_nr_pages == 1031680 &&
	      a->cold.memmap_ms == 272 && a->nr_samples == 5,
	      "map=dev: cold 272 ms + 5 (the cut record is skipped)");
	CHECK(near(mean_ms(a), 236.0 / 5), "map=dev mean 236/5");
	CHECK(b->target.expected_nr_pages == 1048576 &&
	      b->cold.memmap_ms == 96 && b->nr_samples == 5,
	      "map=mem: its own cold bind (96 ms) + 5");
	CHECK(near(mean_ms(b), 236.0 / 5), "map=mem mean 236/5");
	CHECK(b->samples[0].iter == 1 && b->cold.iter == 0,
	      "iterations restart per configuration");
	CHECK(rb_warnings_has(&doc->warnings, "kmsg-records-lost"),
	      "lost records are reported");
	CHECK(strstr(warning_text(&doc->warnings, "kmsg-records-lost"),
		     "3 /dev/kmsg records lost in 1 "),
	      "3 records in 1 gap: %s",
	      warning_text(&doc->warnings, "kmsg-records-lost"));
	CHECK(rb_warnings_has(&doc->warnings, "truncated-lines"),
	      "the cut record is reported");
	CHECK(!rb_warnings_has(&doc->warnings, "log-restarted"),
	      "no restart in one boot");
	rb_document_free(doc);
}

/*
 * Dynamic dax, two ranges (131072 + 65536 pages) per bind, dmesg with
 * dyndbg "+pt" decorations: per-bind sums 20 (cold), then
 * 8 8 12 8 4 8 8 12 8 = 76 over 9 rebinds.
 */
static void test_multirange(void)
{
	struct rb_import_opts one = { .ranges_per_bind = 1 };
	struct rb_import_opts two = { .ranges_per_bind = 2 };
	struct rb_document *doc = import_fixture("import-multirange.dmesg.log",
						 NULL);
	struct rb_config_result *cfg;
	bool summed = true;
	size_t i;

	if (!doc)
		return;
	CHECK_U64(doc->nr_configs, 1, "multi-range: one configuration");
	cfg = &doc->configs[0];
	CHECK(cfg->cold.nr_ranges == 2 && cfg->cold.nr_pages == 196608 &&
	      cfg->cold.memmap_ms == 20, "cold bind: 2 ranges summed");
	CHECK_U64(cfg->nr_samples, 9, "multi-range steady samples");
	for (i = 0; i < cfg->nr_samples; i++)
		summed &= cfg->samples[i].nr_ranges == 2 &&
			  cfg->samples[i].nr_pages == 196608;
	CHECK(summed, "every bind sums its two ranges");
	CHECK(near(mean_ms(cfg), 76.0 / 9), "multi-range mean 76/9");
	CHECK_U64(cfg->target.expected_nr_pages, 196608, "expected_nr_pages");
	rb_document_free(doc);

	doc = import_fixture("import-multirange.dmesg.log", &one);
	if (doc)
		CHECK_U64(doc->nr_configs, 20,
			  "--ranges 1: every line its own bind");
	rb_document_free(doc);
	doc = import_fixture("import-multirange.dmesg.log", &two);
	if (doc)
		CHECK(doc->nr_configs == 1 && doc->configs[0].nr_samples == 9,
		      "--ranges 2 agrees with the rule");
	rb_document_free(doc);
}

static void test_no_memmap(void)
{
	struct rb_document *doc;
	char err[512] = "", want[4200];
	int rc;

	rc = rb_import_file(fixture("import-noise-only.dmesg.log"), "x", NULL,
			    &doc, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "no memmap_init_zone_device line found in %s",
		 fixture("import-noise-only.dmesg.log"));
	CHECK(rc == RB_EXIT_USAGE && !doc && !strcmp(err, want),
	      "noise only: usage error \"%s\"", err);
	rc = rb_import_file(fixture("no-such-file.log"), "x", NULL, &doc, err,
			    sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc && strstr(err, "No such file"),
	      "missing file: \"%s\"", err);
	rc = rb_import_file(fixtures, "x", NULL, &doc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc, "a directory: \"%s\"", err);
}

#define KMSG_LINE(seq, usec, tid, pages, ms)				\
	"7," #seq "," #usec ",-,caller=T" #tid				\
	";memmap_init_zone_device initialised " #pages " pages in " #ms "ms\n"

static void test_grouping(void)
{
	/* same tid 6 ms apart: one bind; other tid or 400 ms later: not */
	static const char kmsg[] =
		KMSG_LINE(10, 1000000, 50, 1000, 4)
		KMSG_LINE(11, 1006000, 50, 2000, 4)
		KMSG_LINE(12, 1400000, 50, 1000, 4)
		KMSG_LINE(13, 1406000, 50, 2000, 4)
		KMSG_LINE(14, 1800000, 50, 1000, 4)
		KMSG_LINE(15, 1804000, 51, 2000, 4);
	/* timestamps but no tid: every line is its own bind */
	static const char dmesg[] =
		"[    1.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    1.001000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    1.002000] memmap_init_zone_device initialised 1000 pages in 4ms\n";
	struct rb_document *doc;
	char err[256];
	int rc;

	doc = import_text(kmsg, NULL, &rc, err, sizeof(err));
	if (CHECK(rc == RB_EXIT_OK && doc, "grouping: kmsg imported")) {
		CHECK(doc->nr_configs == 3 &&
		      doc->configs[0].cold.nr_pages == 3000 &&
		      doc->configs[0].nr_samples == 1 &&
		      doc->configs[0].samples[0].memmap_ms == 8 &&
		      doc->configs[0].samples[0].seq == 12,
		      "same caller, 6 ms apart: 2 ranges of one bind");
		CHECK(doc->nr_configs == 3 &&
		      doc->configs[1].cold.nr_pages == 1000 &&
		      doc->configs[2].cold.nr_pages == 2000,
		      "another caller tid starts another bind");
	}
	rb_document_free(doc);

	doc = import_text(dmesg, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].nr_samples == 2 &&
	      doc->configs[0].cold.nr_ranges == 1,
	      "no tid: each line is its own bind");
	rb_document_free(doc);
}

static void test_restarts(void)
{
	static const char dmesg[] =
		"[  100.000000] memmap_init_zone_device initialised 1000 pages in 8ms\n"
		"[  101.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    0.000000] Linux version 6.1.0-56-amd64\n"
		"[   50.000000] memmap_init_zone_device initialised 1000 pages in 8ms\n"
		"[   51.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n";
	static const char kmsg[] =
		KMSG_LINE(10, 100000000, 50, 1000, 8)
		KMSG_LINE(11, 101000000, 50, 1000, 4)
		KMSG_LINE(0, 200000000, 50, 1000, 8)
		KMSG_LINE(1, 201000000, 50, 1000, 4);
	static const char journal[] =
		"Nov 25 18:00:01 h kernel: memmap_init_zone_device initialised 1000 pages in 8ms\n"
		"Nov 25 18:00:02 h kernel: memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"-- Boot 0123456789abcdef0123456789abcdef --\n"
		"Nov 25 18:10:01 h kernel: memmap_init_zone_device initialised 1000 pages in 8ms\n";
	const char *logs[] = { dmesg, kmsg, journal };
	const char *what[] = { "dmesg stamp going back", "kmsg seq going back",
			       "journal boot separator" };
	struct rb_document *doc;
	char err[256];
	int i, rc;

	for (i = 0; i < 3; i++) {
		doc = import_text(logs[i], NULL, &rc, err, sizeof(err));
		CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 2 &&
		      doc->configs[0].nr_samples == 1 &&
		      doc->configs[1].has_cold &&
		      doc->configs[1].cold.memmap_ms == 8 &&
		      rb_warnings_has(&doc->warnings, "log-restarted"),
		      "%s: a new run with its own cold bind", what[i]);
		rb_document_free(doc);
	}
}

static void test_old_form_and_hz(void)
{
	static const char old[] =
		"[   12.000000] pfn0.1 initialised, 257536 pages in 84ms\n"
		"[   13.000000] pfn0.1 initialised, 257536 pages in 8ms\n"
		"[   14.000000] pfn0.2 initialised, 257536 pages in 84ms\n"
		"[   15.000000] pfn0.2 initialised, 257536 pages in 8ms\n";
	struct rb_import_opts hz250 = { .hz = 250 }, hz100 = { .hz = 100 };
	struct rb_document *doc;
	char err[256];
	int rc;

	doc = import_text(old, &hz250, &rc, err, sizeof(err));
	if (CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 2,
		  "old form: a device change separates configurations")) {
		CHECK(doc->configs[0].target.dev &&
		      !strcmp(doc->configs[0].target.dev, "pfn0.1") &&
		      doc->configs[1].target.dev &&
		      !strcmp(doc->configs[1].target.dev, "pfn0.2"),
		      "old form: target.dev from the line");
		CHECK(rb_document_hz(doc) == 250 &&
		      rb_source_resolution(doc, RB_SRC_MEMMAP_MS) == 4.0,
		      "--hz 250: fingerprint hz, 4 ms resolution");
		CHECK(!rb_warnings_has(&doc->warnings, "hz-unknown") &&
		      !rb_warnings_has(&doc->warnings, "hz-mismatch"),
		      "--hz 250 fits values in 4 ms steps");
	}
	rb_document_free(doc);

	doc = import_text(old, &hz100, &rc, err, sizeof(err));
	CHECK(doc && rb_warnings_has(&doc->warnings, "hz-mismatch"),
	      "--hz 100 with 4 ms steps is flagged");
	rb_document_free(doc);
}

static void test_hostile_input(void)
{
	static const char tail[] =
		"\n[    2.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    3.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    4.000000] memmap_init_zone_device initialised 99999999999999999999999 pages in 4ms\n"
		"[    5.000000] memmap_init_zone_device initialised 1000 pages in 4ms";
	size_t big = 3 * RB_IMPORT_LINE_MAX, n, i;
	struct rb_document *doc;
	char err[256], *text;
	int rc;

	text = malloc(big + sizeof(tail));
	if (!CHECK(text, "malloc"))
		return;
	memset(text, 'x', big);
	memcpy(text + big, tail, sizeof(tail));
	doc = import_text(text, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].nr_samples == 2,
	      "192 KiB line, overflowing line, last line without newline");
	CHECK(doc && rb_warnings_has(&doc->warnings, "truncated-lines") &&
	      rb_warnings_has(&doc->warnings, "memmap-line-invalid"),
	      "the over-long and the overflowing line are reported");
	rb_document_free(doc);

	/* random bytes, NULs included: no crash, no memmap line */
	srand(7);
	n = big;
	for (i = 0; i < n; i++)
		text[i] = (char)(rand() & 0xff);
	{
		FILE *f = fmemopen(text, n, "r");

		if (CHECK(f, "fmemopen")) {
			rc = rb_import_stream(f, "garbage", "x", NULL, &doc,
					      err, sizeof(err));
			CHECK(rc == RB_EXIT_USAGE && !doc,
			      "192 KiB of random bytes: \"%s\"", err);
			fclose(f);
		}
	}
	free(text);
}

/* Run the subcommand with stdout sent to @out (or /dev/null). */
static int run_cmd(const char *out, int argc, char **argv)
{
	int saved, fd, rc;

	fflush(stdout);
	saved = dup(1);
	fd = open(out ? out : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC,
		  0644);
	if (saved < 0 || fd < 0)
		return -1;
	dup2(fd, 1);
	close(fd);
	rc = rb_cmd_import(RB_PROG_NDCTL, argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

static void test_cmd(void)
{
	char tmp[] = "/tmp/rb-test-import-XXXXXX";
	char path[4096], opts_path[4200], out_path[4200], *buf = NULL;
	char a0[] = "import", help[] = "--help", list[] = "--list-opts";
	char hz[] = "--hz", hzbad[] = "4x", hzok[] = "250", o[] = "-o";
	char bogus[] = "--bogus";
	struct json_object *root, *cfgs;
	size_t len = 0;
	FILE *f;

	if (!CHECK(mkdtemp(tmp), "mkdtemp"))
		return;
	snprintf(opts_path, sizeof(opts_path), "%s/opts", tmp);
	snprintf(out_path, sizeof(out_path), "%s/out.json", tmp);
	snprintf(path, sizeof(path), "%s", fixture("import-two-configs.kmsg"));
	{
		char *argv[] = { a0, help, NULL };

		CHECK(run_cmd(NULL, 2, argv) == RB_EXIT_OK, "--help exits 0");
	}
	{
		char *argv[] = { a0, list, NULL };

		CHECK(run_cmd(opts_path, 2, argv) == RB_EXIT_OK,
		      "--list-opts exits 0");
		f = fopen(opts_path, "r");
		if (f) {
			getdelim(&buf, &len, '\0', f);
			fclose(f);
		}
		CHECK(buf && strstr(buf, "--hz\n") && strstr(buf, "--output\n") &&
		      strstr(buf, "--human\n"), "--list-opts lists long options");
		free(buf);
	}
	{
		char *argv[] = { a0, NULL };

		CHECK(run_cmd(NULL, 1, argv) == RB_EXIT_USAGE,
		      "no file: usage error");
	}
	{
		char *argv[] = { a0, hz, hzbad, path, NULL };

		CHECK(run_cmd(NULL, 4, argv) == RB_EXIT_USAGE,
		      "--hz 4x: usage error");
	}
	{
		char *argv[] = { a0, bogus, path, NULL };

		CHECK(run_cmd(NULL, 3, argv) == RB_EXIT_USAGE,
		      "unknown option: usage error");
	}
	{
		char *argv[] = { a0, hz, hzok, o, out_path, path, NULL };

		CHECK(run_cmd(NULL, 6, argv) == RB_EXIT_OK,
		      "import --hz 250 -o FILE");
		root = json_object_from_file(out_path);
		CHECK(root && json_object_object_get_ex(root, "configurations",
							&cfgs) &&
		      json_object_array_length(cfgs) == 2,
		      "the written document has 2 configurations");
		json_object_put(root);
	}
	unlink(opts_path);
	unlink(out_path);
	rmdir(tmp);
}

/* Import documents of the fixtures, for the schema test. */
static int emit(const char *dir)
{
	/* the last one without --hz: no fingerprint at all */
	static const char *const names[] = {
		"import-fsdax-31.kmsg", "import-two-configs.kmsg",
		"import-multirange.dmesg.log", "import-fsdax-31.journal.log",
	};
	struct rb_import_opts opts = { .hz = 250 };
	struct rb_document *doc;
	char path[4096], err[512];
	int rc = 0;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (i == 3)
			opts.hz = 0;
		if (rb_import_file(fixture(names[i]), "ndctl-rebind-bench",
				   &opts, &doc, err, sizeof(err))) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		snprintf(path, sizeof(path), "%s/import-%zu.json", dir, i);
		if (rb_document_write(doc, path))
			rc = 1;
		rb_document_free(doc);
	}
	return rc;
}

int main(int argc, char **argv)
{
	fixtures = getenv("RB_FIXTURES");
	if (argc >= 3 && !strcmp(argv[1], "--emit")) {
		if (argc == 4)
			fixtures = argv[3];
		return fixtures ? emit(argv[2]) : 1;
	}
	if (!fixtures) {
		fprintf(stderr, "RB_FIXTURES is not set\n");
		return 1;
	}
	test_fsdax31();
	test_two_configs();
	test_multirange();
	test_no_memmap();
	test_grouping();
	test_restarts();
	test_old_form_and_hz();
	test_hostile_input();
	test_cmd();
	return unit_done();
}
