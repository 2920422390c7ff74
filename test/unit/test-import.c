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
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>
#include "cmd/prog.h"
#include "rebind-bench.h"
#include "report/compare.h"
#include "report/human.h"
#include "results/document.h"
#include "util/exit-codes.h"
#include "klog/import.h"
#include "results/stats.h"
#include "util/bounds.h"
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

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : "";
}

static int64_t jint(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_int64(v) : -1;
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
 * boot (8388608 pages, after "amdgpu: HMM registered") that is set aside
 * as another device's.
 * Cold bind 84 ms; the 30 rebinds are eighteen 8s, seven 12s, three 16s,
 * one 20 and one 24: 144 + 84 + 48 + 20 + 24 = 320 ms, mean 320 / 30.
 */
#define FSDAX31_STEADY_SUM 320
#define FSDAX31_MEAN (320.0 / 30.0)

static uint64_t fsdax31_ms[4][31];

static void check_fsdax31(const char *name, int form, bool has_ts,
			  bool has_seq)
{
	struct rb_config_result *cfg;
	struct rb_document *doc = import_fixture(name, NULL);
	struct json_object *g;
	uint64_t sum = 0;
	bool ordered = true, ranges = true, ts = true, seq = true;
	size_t i;

	if (!doc)
		return;
	CHECK(!strcmp(doc->origin, "import") &&
	      !strcmp(doc->import_file, fixture(name)),
	      "%s: origin and import_file", name);
	CHECK_U64(doc->nr_configs, 1, "configurations (fsdax only)");
	g = doc->foreign_lines && json_object_array_length(doc->foreign_lines)
	    == 1 ? json_object_array_get_idx(doc->foreign_lines, 0) : NULL;
	CHECK(g && !strcmp(jstr(g, "source"), "amdgpu") &&
	      jint(g, "count") == 1 && jint(g, "first_line") == 4,
	      "%s: the boot-time HMM line is set aside as amdgpu's", name);
	CHECK(strstr(warning_text(&doc->warnings, "foreign-lines"),
		     "1 of 8388608 pages from amdgpu"),
	      "%s: foreign-lines warning: %s", name,
	      warning_text(&doc->warnings, "foreign-lines"));
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
	size_t big = RB_MAX_LINE_BYTES, n, i;
	struct rb_document *doc;
	char err[256], *text;
	int rc;

	text = malloc(big + 1 + sizeof(tail));
	if (!CHECK(text, "malloc"))
		return;
	memset(text, 'x', big);
	memcpy(text + big, tail, sizeof(tail));
	doc = import_text(text, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].nr_samples == 2,
	      "64 KiB line, overflowing line, last line without newline");
	CHECK(doc && rb_warnings_has(&doc->warnings, "memmap-line-invalid"),
	      "the overflowing line is reported");
	rb_document_free(doc);
	/* one byte more: one error, not a line cut in two */
	text[0] = 'y';
	memmove(text + 1, text, big + sizeof(tail));
	doc = import_text(text, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      !strcmp(err, "<memory>: line 1 is longer than 65536 bytes: not a kernel log"),
	      "a line over the bound: \"%s\"", err);

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


/* The series' shape: cold 1456 ms, then 30 rebinds of 7320 ms in all. */
#define SERIES_PAGES 26214400
#define SERIES_STEADY_SUM 7320

static void check_series(struct rb_document *doc, const char *what)
{
	struct rb_config_result *cfg;
	uint64_t sum = 0;
	size_t i;

	if (!CHECK(doc && doc->nr_configs == 1, "%s: one configuration", what))
		return;
	cfg = &doc->configs[0];
	CHECK(cfg->has_cold && cfg->cold.memmap_ms == 1456 &&
	      cfg->cold.nr_pages == SERIES_PAGES && cfg->boot == 1,
	      "%s: cold bind 1456 ms of boot 1", what);
	CHECK_U64(cfg->nr_samples, 30, "steady samples of the series");
	for (i = 0; i < cfg->nr_samples; i++)
		sum += cfg->samples[i].memmap_ms;
	CHECK_U64(sum, SERIES_STEADY_SUM, "sum of the 30 rebinds");
	CHECK(cfg->target.driver && !strcmp(cfg->target.driver, "nd_pmem") &&
	      cfg->target.bind_dev && !strcmp(cfg->target.bind_dev, "pfn0.1") &&
	      cfg->target.blockdev && !strcmp(cfg->target.blockdev, "pmem0"),
	      "%s: nd_pmem on pfn0.1, pmem0, from the driver messages", what);
}

/* Three 512-page lines of another device between the binds. */
static void test_foreign_series(void)
{
	struct rb_import_opts hz = { .hz = 250 };
	struct rb_document *doc, *clean;
	struct rb_comparison c;
	struct json_object *g;
	const char *pb[1] = { "a" }, *pn[1] = { "b" };
	struct rb_side b = { .paths = pb, .nr = 1 }, n = { .paths = pn, .nr = 1 };
	struct rb_compare_opts copts = { .alpha = 0.05, .noise = 0.02 };
	const struct rb_source_cmp *s;

	doc = import_fixture("import-foreign-31.dmesg.log", &hz);
	clean = import_fixture("import-foreign-31-clean.dmesg.log", &hz);
	check_series(doc, "with foreign lines");
	check_series(clean, "clean");
	if (!doc || !clean)
		goto out;
	g = doc->foreign_lines ? json_object_array_get_idx(doc->foreign_lines,
							    0) : NULL;
	CHECK(g && json_object_array_length(doc->foreign_lines) == 1 &&
	      !strcmp(jstr(g, "source"), "page-count") &&
	      jint(g, "count") == 3 && jint(g, "first_line") == 19 &&
	      jint(g, "first_kernel_ts_usec") == 816048233 &&
	      jint(g, "series_nr_pages") == SERIES_PAGES,
	      "foreign_lines: 3 lines, first at line 19, 816.048233 s");
	CHECK(strstr(warning_text(&doc->warnings, "foreign-lines"),
		     "3 of 512 pages between the binds of the 26214400-page series (first: line 19 at 816.048233 s)"),
	      "warning: %s", warning_text(&doc->warnings, "foreign-lines"));
	{
		size_t i, n240 = 0, n244 = 0, n248 = 0;
		bool same = doc->nr_configs == 1 && clean->nr_configs == 1;

		for (i = 0; same && i < doc->configs[0].nr_samples; i++) {
			uint64_t v = doc->configs[0].samples[i].memmap_ms;

			same &= v == clean->configs[0].samples[i].memmap_ms;
			n240 += v == 240;
			n244 += v == 244;
			n248 += v == 248;
		}
		CHECK(same && n240 == 6 && n244 == 18 && n248 == 6,
		      "every rebind as in the clean capture: 6x240, 18x244, 6x248 ms");
	}
	CHECK(!clean->foreign_lines &&
	      !rb_warnings_has(&clean->warnings, "foreign-lines") &&
	      !rb_warnings_has(&doc->warnings, "no-pmem-signs"),
	      "the clean capture has no foreign lines");

	/* compare: the same statistics and first binding either way */
	b.docs = &doc;
	n.docs = &clean;
	if (CHECK(!rb_compare(&b, &n, &copts, &c) && c.nr_pairs == 1 &&
		  c.pairs[0].primary >= 0, "compare foreign vs clean")) {
		s = &c.pairs[0].src[c.pairs[0].primary];
		CHECK(s->base.st.n == 30 && s->newer.st.n == 30 &&
		      s->base.st.mean == s->newer.st.mean &&
		      s->base.st.stddev == s->newer.st.stddev &&
		      near(s->base.st.mean, 244.0),
		      "identical statistics: n 30, mean 244 ms");
		CHECK(c.pairs[0].nr_cold == 1 &&
		      c.pairs[0].cold[0].base == 1456 &&
		      c.pairs[0].cold[0].newer == 1456 &&
		      c.pairs[0].base_boots == 1,
		      "the same first binding, 1456 ms, one boot");
		rb_comparison_free(&c);
	}
out:
	rb_document_free(doc);
	rb_document_free(clean);
}

/* GPUs only: set aside with their driver messages, warned about without. */
static void test_gpu_lines(void)
{
	static const char bare[] =
		"[    5.157002] memmap_init_zone_device initialised 8388608 pages in 132ms\n"
		"[   61.402217] memmap_init_zone_device initialised 8388608 pages in 132ms\n";
	struct rb_document *doc;
	char err[512] = "";
	int rc;

	rc = rb_import_file(fixture("import-gpu-only.dmesg.log"), "x", NULL,
			    &doc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      strstr(err, "no pmem memmap line in ") &&
	      strstr(err, "2 memmap line(s) come from other ZONE_DEVICE users (amdgpu, nouveau)"),
	      "amdgpu + nouveau only: \"%s\"", err);
	doc = import_text(bare, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      rb_warnings_has(&doc->warnings, "no-pmem-signs") &&
	      strstr(warning_text(&doc->warnings, "no-pmem-signs"),
		     "GPU, HMM, P2PDMA, virtio-fs or Xen"),
	      "no driver message, no pmem: imported with a warning");
	rb_document_free(doc);
}

static void test_deferred_init(void)
{
	static const char mixed[] =
		"[    0.517203] node 0 initialised, 254934 pages in 0ms\n"
		"[   41.2] nd_pmem pfn0.1: unable to guarantee persistence of writes\n"
		"[   41.3] pfn0.1 initialised, 257536 pages in 84ms\n"
		"[   42.0] 0000:03:00.0 initialised, 512 pages in 4ms\n"
		"[   42.3] pfn0.1 initialised, 257536 pages in 8ms\n";
	struct rb_import_opts dev = { .device = "0000:03:00.0" };
	struct rb_document *doc;
	char err[512] = "";
	int rc;

	rc = rb_import_file(fixture("import-deferred-init.dmesg.log"), "x",
			    NULL, &doc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      strstr(err, "its 4 \"node N initialised\" line(s) are deferred struct-page init"),
	      "node N initialised only: \"%s\"", err);
	doc = import_text(mixed, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].cold.memmap_ms == 84 &&
	      doc->configs[0].nr_samples == 1 &&
	      doc->configs[0].samples[0].memmap_ms == 8 &&
	      !strcmp(doc->configs[0].target.dev, "pfn0.1"),
	      "old form: pfn0.1 kept, node 0 and a PCI name not");
	CHECK(doc && strstr(warning_text(&doc->warnings, "foreign-lines"),
			    "1 of 512 pages from device-name 0000:03:00.0"),
	      "the PCI device's line is reported: %s",
	      doc ? warning_text(&doc->warnings, "foreign-lines") : "");
	rb_document_free(doc);
	doc = import_text(mixed, &dev, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].cold.nr_pages == 512 &&
	      rb_warnings_has(&doc->warnings, "lines-filtered"),
	      "--device 0000:03:00.0 keeps that device only");
	rb_document_free(doc);
}

static void test_page_size(void)
{
	struct rb_import_opts k64 = { .page_size = 65536 };
	struct rb_import_opts k4 = { .page_size = 4096 };
	struct rb_document *doc;
	double per_page = 0, per_gib = 0;

	doc = import_fixture("import-ppc64-64k.dmesg.log", NULL);
	if (doc && CHECK(doc->nr_configs == 1, "ppc64: one configuration")) {
		CHECK(rb_document_page_size(doc) == 65536 &&
		      rb_warnings_has(&doc->warnings,
				      "page-size-from-capacity"),
		      "64 KiB pages from the capacity lines");
		CHECK(rb_config_normalised(doc, &doc->configs[0],
					   RB_SRC_MEMMAP_MS, 8, &per_page,
					   &per_gib) && near(per_gib, 0.5),
		      "8 ms for 16 GiB: 0.5 ms/GiB (%.3f)", per_gib);
	}
	rb_document_free(doc);
	doc = import_fixture("import-ppc64-64k.dmesg.log", &k64);
	CHECK(doc && rb_document_page_size(doc) == 65536 &&
	      !rb_warnings_has(&doc->warnings, "page-size-from-capacity") &&
	      !rb_warnings_has(&doc->warnings, "page-size-mismatch"),
	      "--page-size 64K: agreed, no warning");
	rb_document_free(doc);
	doc = import_fixture("import-ppc64-64k.dmesg.log", &k4);
	CHECK(doc && rb_document_page_size(doc) == 4096 &&
	      rb_warnings_has(&doc->warnings, "page-size-mismatch"),
	      "--page-size 4K against 64K capacity lines: warned");
	rb_document_free(doc);
	doc = import_fixture("import-foreign-31-clean.dmesg.log", NULL);
	CHECK(doc && rb_document_page_size(doc) == 4096,
	      "x86 capture: 4096 recorded");
	rb_document_free(doc);
}

/* Boots as the unit: cold 96 and 100 ms, five rebinds each. */
static void test_two_boots(void)
{
	struct rb_document *doc = import_fixture("import-two-boots.journal.log",
						 NULL);
	struct rb_side side = { .docs = &doc, .nr = 1 };
	struct rb_compare_opts copts = { .alpha = 0.05, .noise = 0.02 };
	const char *paths[1] = { "x" };
	struct rb_comparison c;

	side.paths = paths;
	if (!doc || !CHECK(doc->nr_configs == 2, "two boots, two configurations"))
		goto out;
	CHECK(doc->configs[0].boot == 1 && doc->configs[1].boot == 2 &&
	      doc->configs[0].cold.memmap_ms == 96 &&
	      doc->configs[1].cold.memmap_ms == 100 &&
	      doc->configs[0].nr_samples == 5 &&
	      doc->configs[1].nr_samples == 5 &&
	      near(mean_ms(&doc->configs[0]), 236.0 / 5) &&
	      near(mean_ms(&doc->configs[1]), 240.0 / 5),
	      "each boot: its own cold bind and 5 rebinds");
	{
		static const uint64_t want[2][5] = { { 48, 48, 44, 48, 48 },
						     { 44, 48, 48, 48, 52 } };
		bool same = true;
		size_t b, i;

		for (b = 0; b < 2; b++)
			for (i = 0; i < 5; i++)
				same &= doc->configs[b].samples[i].memmap_ms ==
					want[b][i] &&
					doc->configs[b].samples[i].iter == i + 1;
		CHECK(same, "every rebind of both boots, in log order");
	}
	CHECK(strstr(warning_text(&doc->warnings, "log-restarted"),
		     "holds 2 boots"), "log-restarted: %s",
	      warning_text(&doc->warnings, "log-restarted"));
	if (CHECK(!rb_compare(&side, &side, &copts, &c) && c.nr_pairs == 1,
		  "compare the capture with itself")) {
		CHECK(c.pairs[0].by_boot && c.pairs[0].base_boots == 2 &&
		      c.pairs[0].nr_cold == 1 &&
		      near(c.pairs[0].cold[0].base, 98),
		      "the boot is the unit; first binding the mean of 96, 100");
		rb_comparison_free(&c);
	}
out:
	rb_document_free(doc);
}

static void test_pasted(void)
{
	static const uint64_t want[] = { 84, 8, 12, 8, 4, 8, 12, 8 };
	static const char wrapped_only[] =
		"> [   41.316312] memmap_init_zone_device initialised 257536 pages in\n"
		"> [   41.317112] pmem0: detected capacity change from 0 to 1054867456\n";
	struct rb_document *doc = import_fixture("import-pasted.mail.txt",
						 NULL);
	const struct rb_config_result *cfg;
	bool same = true, ts = true;
	char err[512] = "";
	size_t i;
	int rc;

	if (!doc || !CHECK(doc->nr_configs == 1, "pasted: one configuration"))
		goto out;
	cfg = &doc->configs[0];
	CHECK(cfg->cold.memmap_ms == 84 && cfg->cold.has_kernel_ts &&
	      cfg->cold.kernel_ts_usec == 41316312 && cfg->nr_samples == 7,
	      "the wrapped cold line joined, with its stamp");
	for (i = 0; i < cfg->nr_samples; i++) {
		same &= cfg->samples[i].memmap_ms == want[i + 1];
		ts &= cfg->samples[i].has_kernel_ts;
	}
	CHECK(same && ts, "quoted, indented, syslog and logfmt lines: values and stamps");
	CHECK(rb_warnings_has(&doc->warnings, "wrapped-lines") &&
	      !rb_warnings_has(&doc->warnings, "truncated-lines") &&
	      !rb_warnings_has(&doc->warnings, "no-pmem-signs"),
	      "wrapped line reported; the ndctl JSON '[' is no truncation");
out:
	rb_document_free(doc);
	doc = import_text(wrapped_only, NULL, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      strstr(err, "1 were cut short or wrapped (first: line 1)"),
	      "a cut line only: \"%s\"", err);
}

static void test_filters_and_zero(void)
{
	static const char log[] =
		"[    1.000000] memmap_init_zone_device initialised 1000 pages in 0ms\n"
		"[    2.000000] memmap_init_zone_device initialised 2000 pages in 4ms\n"
		"[    3.000000] memmap_init_zone_device initialised 1000 pages in 4ms\n"
		"[    4.000000] memmap_init_zone_device initialised 1000 pages in 0ms\n";
	struct rb_import_opts pages = { .pages = 1000 };
	struct rb_import_opts none = { .pages = 7 };
	struct rb_document *doc;
	char err[512] = "";
	int rc;

	doc = import_text(log, &pages, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].nr_samples == 2 &&
	      doc->configs[0].cold.memmap_ms == 0,
	      "--pages 1000: the 2000-page line left out");
	CHECK(doc && strstr(warning_text(&doc->configs[0].warnings,
					 "below-resolution"),
			    "2 bind(s) read 0 ms: below the kernel line's resolution"),
	      "0 ms reads as below resolution");
	rb_document_free(doc);
	doc = import_text(log, &none, &rc, err, sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && strstr(err, "is left by --pages"),
	      "--pages 7: \"%s\"", err);
}

/*
 * A real capture (our Debian 6.1 guest): 16 binds, 288 ms cold, 3244 ms
 * over the 15 rebinds; only memmap lines, so no sign of pmem.
 */
static void test_vm_capture(void)
{
	struct rb_import_opts hz = { .hz = 250 };
	struct rb_document *doc = import_fixture("import-vm-6.1-fsdax.dmesg.log",
						 &hz);
	const struct rb_config_result *cfg;
	uint64_t sum = 0;
	size_t i;

	if (!doc || !CHECK(doc->nr_configs == 1, "VM capture: one configuration"))
		goto out;
	cfg = &doc->configs[0];
	for (i = 0; i < cfg->nr_samples; i++)
		sum += cfg->samples[i].memmap_ms;
	CHECK(cfg->cold.memmap_ms == 288 && cfg->cold.nr_pages == 257536 &&
	      cfg->nr_samples == 15 && sum == 3244,
	      "VM capture: cold 288 ms, 15 rebinds of 3244 ms in all");
	CHECK(!doc->foreign_lines &&
	      rb_warnings_has(&doc->warnings, "no-pmem-signs") &&
	      !rb_warnings_has(&doc->warnings, "log-restarted") &&
	      !rb_warnings_has(&doc->warnings, "hz-mismatch"),
	      "VM capture: nothing set aside, no pmem message, one boot");
out:
	rb_document_free(doc);
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
	rc = rb_cmd_import(&rb_ndctl_prog, argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return rc;
}

/* A whole file as a string, or NULL. */
static char *slurp(const char *path)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "r");

	if (!f)
		return NULL;
	if (getdelim(&buf, &len, '\0', f) < 0) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static void test_cmd(void)
{
	char tmp[] = "/tmp/rb-test-import-XXXXXX";
	char path[4096], opts_path[4200], out_path[4200], *buf = NULL;
	char a0[] = "import", help[] = "--help", list[] = "--list-opts";
	char hz[] = "--hz", hzbad[] = "4x", hzok[] = "250", o[] = "-o";
	char bogus[] = "--bogus";
	struct json_object *root, *cfgs;

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
		buf = slurp(opts_path);
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
	{
		char u[] = "-u", dash[] = "-", ps[] = "--page-size",
		     k64[] = "64K", k3[] = "3K", pg[] = "--pages", zero[] = "0";
		char *human[] = { a0, u, path, NULL };
		char *clash[] = { a0, u, o, dash, path, NULL };
		char *ps_ok[] = { a0, ps, k64, o, out_path, path, NULL };
		char *ps_bad[] = { a0, ps, k3, path, NULL };
		char *pg_bad[] = { a0, pg, zero, path, NULL };

		CHECK(run_cmd(opts_path, 3, human) == RB_EXIT_OK,
		      "import -u without -o");
		buf = slurp(opts_path);
		CHECK(buf && !strchr(buf, '{') &&
		      strstr(buf, "First binding: 272 ms"),
		      "-u: stdout holds the summary only, as with a live run");
		free(buf);
		CHECK(run_cmd(NULL, 5, clash) == RB_EXIT_USAGE &&
		      run_cmd(NULL, 4, ps_bad) == RB_EXIT_USAGE &&
		      run_cmd(NULL, 4, pg_bad) == RB_EXIT_USAGE,
		      "-u -o -, --page-size 3K, --pages 0: usage errors");
		CHECK(run_cmd(NULL, 6, ps_ok) == RB_EXIT_OK,
		      "--page-size 64K accepted");
		root = json_object_from_file(out_path);
		CHECK(root && json_object_object_get_ex(root, "fingerprint",
							&cfgs) &&
		      json_object_object_get_ex(cfgs, "page_size", &cfgs) &&
		      json_object_get_int64(cfgs) == 65536,
		      "page_size 65536 recorded in the document");
		json_object_put(root);
	}
	unlink(opts_path);
	unlink(out_path);
	rmdir(tmp);
}

/* -o to something that is no regular file writes into it, not over it. */
static void test_output_fifo(void)
{
	char dir[] = "/tmp/rb-test-fifo-XXXXXX", fifo[64], a0[] = "import",
	     o[] = "-o", path[4096], got[512] = "";
	char *argv[] = { a0, o, fifo, path, NULL };
	struct stat st;
	int rd, rc;

	if (!CHECK(mkdtemp(dir), "mkdtemp"))
		return;
	snprintf(fifo, sizeof(fifo), "%s/out", dir);
	snprintf(path, sizeof(path), "%s",
		 fixture("import-two-boots.journal.log"));
	rd = mkfifo(fifo, 0600) ? -1 : open(fifo, O_RDONLY | O_NONBLOCK);
	if (CHECK(rd >= 0, "a FIFO with a reader")) {
		rc = run_cmd(NULL, 4, argv);
		CHECK(rc == RB_EXIT_OK && read(rd, got, sizeof(got) - 1) > 0 &&
		      strstr(got, "\"schema\": \"rebind-bench-results\""),
		      "the document went into the FIFO");
		CHECK(!stat(fifo, &st) && S_ISFIFO(st.st_mode),
		      "the FIFO is still a FIFO, not replaced by a file");
		close(rd);
	}
	unlink(fifo);
	rmdir(dir);
}

/* Import documents of the fixtures, for the schema test. */
static int emit(const char *dir)
{
	/* from the fourth on without --hz: a fingerprint of page_size only */
	static const char *const names[] = {
		"import-fsdax-31.kmsg", "import-two-configs.kmsg",
		"import-multirange.dmesg.log", "import-fsdax-31.journal.log",
		"import-foreign-31.dmesg.log", "import-two-boots.journal.log",
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
	test_foreign_series();
	test_gpu_lines();
	test_deferred_init();
	test_page_size();
	test_two_boots();
	test_pasted();
	test_filters_and_zero();
	test_vm_capture();
	test_output_fifo();
	return unit_done();
}
