// SPDX-License-Identifier: GPL-2.0
/*
 * The human summary: log-linear histogram buckets, the cover-letter lines per
 * source, warnings, and the 80-column limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/document.h"
#include "report/human.h"
#include "report/histogram.h"
#include "unit.h"

static void test_buckets(void)
{
	static const uint64_t v[] = { 0, 3, 4, 7, 8, 1023, 1024, ~0ull };
	static const size_t want[] = { 0, 3, 4, 7, 8, 35, 36, 251 };
	size_t i;

	/* 4 sub-buckets per power of two: exact below 4, then 4 per octave */
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		CHECK_U64(rb_hist_bucket(v[i], 2), want[i], "bucket at 2 bits");
	CHECK_U64(rb_hist_low(36, 2), 1024, "1024 starts its bucket");
	CHECK_U64(rb_hist_high(35, 2), 1023, "1023 ends the one before");
	CHECK_U64(rb_hist_low(9, 2), 10, "10..11 is bucket 9");
	CHECK_U64(rb_hist_high(9, 2), 11, "10..11 is bucket 9");
	CHECK(rb_hist_high(251, 2) == ~0ull, "UINT64_MAX in the last bucket");
	for (i = 1; i < 4000; i++)
		if (rb_hist_low(rb_hist_bucket(i, 6), 6) > i ||
		    rb_hist_high(rb_hist_bucket(i, 6), 6) < i)
			break;
	CHECK_U64(i, 4000, "every value lies within its bucket at 6 bits");
}

static char *capture_hist(const uint64_t *v, size_t n)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	rb_hist_show(f, v, n, "usecs");
	fclose(f);
	return text;
}

static size_t count_lines(const char *text, const char *needle)
{
	size_t n = 0;

	for (; (text = strstr(text, needle)); text++)
		n++;
	return n;
}

static void test_hist_print(void)
{
	/*
	 * Spread 240 ms .. 1.1 s: 64, 32 and 16 sub-buckets need more than
	 * 24 rows, 8 per octave fit in 19 (229376..1179647 us).
	 */
	static const uint64_t v[] = {
		240000, 241000, 242000, 243000, 244000, 245000,
		300000, 310000, 1100000,
	};
	char *text = capture_hist(v, sizeof(v) / sizeof(v[0]));

	CHECK(strstr(text, "usecs") && strstr(text, ": count    distribution"),
	      "funclatency header");
	CHECK(strstr(text, "    229376 -> 245759     : 6        |"
			   "****************************************|"),
	      "full bar for the biggest bucket");
	CHECK(strstr(text, "    294912 -> 327679     : 2        |"
			   "*************                           |"),
	      "bar scaled 2/6 of 40 = 13 stars");
	CHECK(strstr(text, "    262144 -> 294911     : 0        |"),
	      "empty bucket between used ones is printed");
	CHECK(strstr(text, "   1048576 -> 1179647    : 1        |"),
	      "the slow bind in its own bucket");
	CHECK_U64(count_lines(text, "\n"), 20,
		  "header + rows from first to last used bucket");
	free(text);
}

/* The case: a 100 GiB run, 30 binds of 1.05-1.3 s, has a shape. */
static void test_hist_narrow(void)
{
	struct rb_hist h;
	uint64_t v[30];
	size_t i, used = 0;

	for (i = 0; i < 30; i++)
		v[i] = 1050000 + i * 250000 / 29;
	CHECK(rb_hist_build(&h, v, 30, RB_HIST_ROWS) == 0, "build");
	for (i = h.first; i <= h.last; i++)
		used += h.counts[i] > 0;
	CHECK(h.sub_bits == 6 && h.total == 30, "64 sub-buckets per octave");
	CHECK(used >= 10 && h.last - h.first + 1 <= RB_HIST_ROWS,
	      "1.05-1.3 s spread over %zu buckets, not one", used);
	rb_hist_free(&h);
	CHECK(rb_hist_build(&h, v, 0, RB_HIST_ROWS) == 0 && h.total == 0,
	      "no values, empty histogram");
	rb_hist_free(&h);
}

static void add_config(struct rb_document *doc, bool probe)
{
	struct rb_config_result *cfg = rb_document_add_config(doc);
	unsigned int i;

	cfg->target.dev = strdup("namespace0.0");
	cfg->target.mode = strdup("devdax");
	cfg->target.map = strdup("mem");
	cfg->target.align = 2097152;
	cfg->target.size = 107374182400ull;
	cfg->target.numa_node = 1;
	cfg->target.driver = strdup("dax_pmem");
	cfg->target.bind_dev = strdup("dax0.0");
	cfg->target.region = strdup("region0");
	cfg->settings.runs = 30;
	cfg->settings.sources = RB_SRC_MEMMAP_MS | RB_SRC_BIND_NS |
				(probe ? RB_SRC_MEMMAP_NS : 0);
	cfg->has_cold = true;
	cfg->cold.nr_pages = 26214400;
	rb_sample_set(&cfg->cold, RB_SRC_MEMMAP_MS, 1462);
	rb_sample_set(&cfg->cold, RB_SRC_BIND_NS, 1490000000ull);
	if (probe)
		rb_sample_set(&cfg->cold, RB_SRC_MEMMAP_NS, 1461234567ull);
	for (i = 0; i < 30; i++) {
		struct rb_sample s = { .iter = i + 1, .nr_pages = 26214400 };

		rb_sample_set(&s, RB_SRC_MEMMAP_MS, i % 2 ? 272 : 276);
		rb_sample_set(&s, RB_SRC_BIND_NS, 300000000ull + i * 1000);
		if (probe)
			rb_sample_set(&s, RB_SRC_MEMMAP_NS,
				      i == 29 ? 900000000ull :
						273000000ull + i * 100000);
		rb_config_add_sample(cfg, &s);
	}
	if (!probe)
		rb_config_set_missing(cfg, RB_SRC_MEMMAP_NS,
				      "kprobes unavailable: lockdown is at confidentiality, which forbids kprobes");
}

static char *capture_summary(const struct rb_document *doc)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	rb_human_summary(f, doc);
	fclose(f);
	return text;
}

/* Widest line in columns (UTF-8 continuation bytes do not count). */
static size_t widest(const char *text)
{
	size_t w = 0, max = 0;

	for (; *text; text++) {
		if (*text == '\n') {
			w = 0;
			continue;
		}
		if (((unsigned char)*text & 0xc0) != 0x80 && ++w > max)
			max = w;
	}
	return max;
}

static void test_summary(void)
{
	struct rb_document *doc = rb_document_new("daxctl-rebind-bench",
						  "live");
	struct json_object *fp = json_object_new_object();
	char *text;

	json_object_object_add(fp, "hz", json_object_new_int(250));
	doc->fingerprint = fp;
	add_config(doc, true);
	add_config(doc, false);
	doc->configs[1].samples[4].nr_pages = 26214399;
	rb_warnings_add(&doc->warnings, "page-ref-tracepoint-enabled",
			"the page_ref_set tracepoint is enabled in 1 place(s) (/sys/kernel/tracing/instances/averyveryverylonginstancename/events/page_ref/page_ref_set/enable reads \"1\"): the patched kernel keeps its fast path off");
	text = capture_summary(doc);
	printf("%s", text);
	CHECK(strstr(text, "namespace0.0 [1/2] devdax map=mem align=2M size=100G (dax_pmem on dax0.0) region0 node 1\n") ||
	      strstr(text, "namespace0.0 [1/2] devdax map=mem align=2M size=100G (dax_pmem on dax0.0)\n"),
	      "target line");
	CHECK(strstr(text, "26214400 pages per bind (100.00 GiB of memory), 30 rebinds after 0 warmups"),
	      "pages line");
	CHECK(strstr(text, "memmap_ms (kernel line, resolution 4 ms):\n    First binding: 1462 ms\n    Average of subsequent rebinds: 274.00 ms (σ 2.03 ms, n=30, SE 0.37 ms)"),
	      "memmap_ms in the cover letter's words");
	CHECK(strstr(text, "    First binding: 1461.235 ms\n"),
	      "probe first binding in ms with 3 decimals");
	CHECK(strstr(text, "1 outlier beyond the Tukey fences, kept"),
	      "the slow probe sample is counted as an outlier");
	CHECK(strstr(text, "10.452 ns/page, 2.740 ms/GiB"),
	      "memmap_ms per page: 274 ms / 26214400 pages");
	CHECK_U64(count_lines(text, "First binding:"), 5,
		  "first binding per source (3 + 2)");
	CHECK_U64(count_lines(text, "memmap_ns of the 30 steady-state binds"),
		  1, "probe histogram for the first config");
	CHECK_U64(count_lines(text, "memmap_ms of the 30 steady-state binds"),
		  1, "kernel-line histogram without a probe");
	CHECK(strstr(text, "memmap_ns missing: kprobes unavailable"),
	      "missing source shown");
	CHECK(strstr(text, "warning: [nr-pages-inconsistent]"),
	      "consistency check shown");
	CHECK(strstr(text, "warning: [page-ref-tracepoint-enabled]"),
	      "document warning shown");
	CHECK(widest(text) <= 80, "within 80 columns (widest %zu)",
	      widest(text));
	free(text);
	rb_document_free(doc);

	doc = rb_document_new("ndctl-rebind-bench", "live");
	rb_document_add_config(doc)->settings.sources = RB_SRC_BIND_NS;
	doc->complete = false;
	doc->configs[0].complete = false;
	text = capture_summary(doc);
	CHECK(strstr(text, "No steady-state samples.") &&
	      strstr(text, "results are partial") &&
	      !strstr(text, "distribution"),
	      "empty configuration: no numbers, no histogram");
	free(text);
	rb_document_free(doc);
}

int main(void)
{
	test_buckets();
	test_hist_print();
	test_hist_narrow();
	test_summary();
	return unit_done();
}
