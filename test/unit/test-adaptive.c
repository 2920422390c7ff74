// SPDX-License-Identifier: GPL-2.0
/*
 * --runs auto: the stopping rule as a pure function fed whole sequences
 * (where it stops and why), the deciding source, and settings.adaptive
 * through the document and the loader's refusals. "test-adaptive --emit
 * DIR" writes documents for the 'schema-adaptive' tests.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/adaptive.h"
#include "results/document.h"
#include "report/human.h"
#include "unit.h"

/* Student t 0.975 quantiles of df 1..20, from printed tables (3 places). */
static const double t975[] = {
	12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
	2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
};

/* The relative half-width by the textbook formula and the table. */
static double by_hand(const double *x, size_t n)
{
	double sum = 0, ss = 0, mean;
	size_t i;

	for (i = 0; i < n; i++)
		sum += x[i];
	mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return t975[n - 2] * sqrt(ss / (n - 1)) / sqrt(n) / mean;
}

/*
 * Feed @x one value a rebind, as the run loop does; returns the rebinds
 * measured when the rule said stop (0 if it never did within @len).
 */
static size_t feed(struct rb_adaptive *a, const double *x, size_t len)
{
	size_t runs;

	for (runs = 1; runs <= len; runs++)
		if (rb_adaptive_step(a, x, runs, runs) != RB_STOP_NONE)
			return runs;
	return 0;
}

/* 1000 +- 50 * (-2 .. 2), period 5: a spread that shrinks as 1/sqrt(n). */
static void noisy(double *x, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		x[i] = 1000 + 50 * ((double)((i * 7) % 5) - 2);
}

static void test_rule(void)
{
	double x[100], got;
	struct rb_adaptive a;
	size_t i, n;
	bool ok;

	for (i = 0; i < 100; i++)
		x[i] = 250e6;
	rb_adaptive_init(&a, 0.01, 100);
	n = feed(&a, x, 100);
	CHECK(n == RB_ADAPTIVE_MIN_RUNS && a.stopped == RB_STOP_PRECISION &&
		      a.has_achieved && a.achieved == 0 && a.runs == n,
	      "constant: stops at the minimum (%zu), precision reached", n);
	CHECK(!strcmp(rb_adaptive_stop_name(a.stopped), "precision-reached"),
	      "constant: recorded as precision-reached");

	noisy(x, 100);
	rb_adaptive_init(&a, 0.05, 100);
	n = feed(&a, x, 100);
	CHECK(n == 12 && a.stopped == RB_STOP_PRECISION,
	      "noisy, 5%%: stops after 12 rebinds (got %zu)", n);
	CHECK(fabs(a.achieved - by_hand(x, n)) < 1e-3 * a.achieved &&
		      a.achieved <= 0.05 && by_hand(x, n - 1) > 0.05,
	      "noisy, 5%%: achieved %.5f, as by hand, and 11 were not enough",
	      a.achieved);
	rb_adaptive_init(&a, 0.03, 100);
	n = feed(&a, x, 100);
	CHECK(n == 25 && a.stopped == RB_STOP_PRECISION,
	      "noisy, 3%%: stops later, after 25 (got %zu)", n);

	for (i = 0; i < 100; i++)
		x[i] = i % 2 ? 1000 : 1;
	rb_adaptive_init(&a, 0.01, 20);
	n = feed(&a, x, 100);
	CHECK(n == 20 && a.stopped == RB_STOP_MAX_RUNS && a.runs == 20 &&
		      a.has_achieved && a.achieved > 0.01,
	      "never converging: the cap of 20 (got %zu, achieved %.3f)", n,
	      a.achieved);
	CHECK(!strcmp(rb_adaptive_stop_name(a.stopped), "max-runs-reached"),
	      "never converging: recorded as max-runs-reached");

	memset(x, 0, sizeof(x));
	rb_adaptive_init(&a, 0.5, 8);
	n = feed(&a, x, 100);
	CHECK(n == 8 && a.stopped == RB_STOP_MAX_RUNS && !a.has_achieved,
	      "a mean of 0 has no relative interval: the cap (got %zu)", n);

	noisy(x, 100);
	rb_adaptive_init(&a, 0.05, 12);
	CHECK(feed(&a, x, 100) == 12 && a.stopped == RB_STOP_PRECISION,
	      "reached on the cap's rebind: precision wins");

	/* Rebinds without the deciding source count, their values do not. */
	rb_adaptive_init(&a, 0.05, 100);
	CHECK(rb_adaptive_step(&a, x, 11, 30) == RB_STOP_NONE &&
		      rb_adaptive_step(&a, x, 12, 30) == RB_STOP_PRECISION &&
		      rb_adaptive_step(&a, x, 12, 4) == RB_STOP_NONE &&
		      rb_adaptive_step(&a, x, 11, 100) == RB_STOP_MAX_RUNS,
	      "the interval uses the values, the minimum and cap the rebinds");

	x[0] = 1, x[1] = 2, x[2] = 3, x[3] = 4, x[4] = 5;
	got = -1;
	ok = rb_adaptive_precision(x, 5, 0.95, &got);
	CHECK(ok && fabs(got - 2.7764451051977987 * sqrt(0.5) / 3) < 1e-12,
	      "1..5: t(0.975, 4) * SE / mean = %.12f", got);
	CHECK(!rb_adaptive_precision(x, 1, 0.95, &got),
	      "one value: no interval");
}

static void test_source(void)
{
	CHECK(rb_adaptive_source(RB_SRC_MEMMAP_MS | RB_SRC_MEMMAP_NS |
				 RB_SRC_BIND_NS | RB_SRC_UNBIND_NS) ==
		      RB_SRC_MEMMAP_NS,
	      "source: the probe pair first");
	CHECK(rb_adaptive_source(RB_SRC_MEMMAP_MS | RB_SRC_BIND_NS) ==
		      RB_SRC_MEMMAP_MS,
	      "source: else the kernel line");
	CHECK(rb_adaptive_source(RB_SRC_BIND_NS | RB_SRC_UNBIND_NS) ==
		      RB_SRC_BIND_NS,
	      "source: else the bind wall clock");
	CHECK(rb_adaptive_source(RB_SRC_UNBIND_NS) == 0,
	      "source: never the unbind");
}

/* A live configuration that --runs auto stopped after @runs of @cap. */
static struct rb_document *make_doc(size_t runs, unsigned int cap,
				    enum rb_adaptive_stop why)
{
	struct rb_document *doc = rb_document_new("ndctl-rebind-bench", "live");
	struct rb_config_result *cfg = rb_document_add_config(doc);
	double x[100];
	size_t i;

	noisy(x, 100);
	cfg->settings.runs = cap;
	cfg->settings.method = strdup("driver");
	cfg->settings.sources = RB_SRC_MEMMAP_NS | RB_SRC_BIND_NS;
	rb_adaptive_init(&cfg->settings.adaptive, 0.05, cap);
	for (i = 0; i < runs; i++) {
		struct rb_sample s = { .iter = i + 1 };

		rb_sample_set(&s, RB_SRC_MEMMAP_NS, x[i] * 1000);
		rb_sample_set(&s, RB_SRC_BIND_NS, x[i] * 1000 + 5000);
		rb_config_add_sample(cfg, &s);
	}
	cfg->settings.adaptive.source = RB_SRC_MEMMAP_NS;
	rb_adaptive_step(&cfg->settings.adaptive, x, runs, runs);
	cfg->settings.adaptive.stopped = why;
	return doc;
}

static char *doc_text(const struct rb_document *doc)
{
	struct json_object *o = rb_document_to_json(doc);
	char *s = strdup(json_object_to_json_string_ext(o,
						JSON_C_TO_STRING_PLAIN));

	json_object_put(o);
	return s;
}

/* @text through the loader; the reason of a refusal in @err. */
static struct rb_document *load_text(const char *text, char *err)
{
	struct json_object *o = json_tokener_parse(text);
	struct rb_document *doc = rb_document_from_json(o, err, 256);

	json_object_put(o);
	return doc;
}

/* The adaptive part of @doc as the loader reads it back. */
static bool reload(const struct rb_document *doc, struct rb_adaptive *a,
		   char *err)
{
	char *text = doc_text(doc);
	struct rb_document *back = load_text(text, err);

	if (back)
		*a = back->configs[0].settings.adaptive;
	rb_document_free(back);
	free(text);
	return back != NULL;
}

static void test_round_trip(void)
{
	struct rb_document *doc = make_doc(12, 100, RB_STOP_PRECISION);
	char *text = doc_text(doc), err[256] = "";
	struct rb_adaptive a;

	CHECK(strstr(text, "\"adaptive\":{\"precision\":0.05,\"confidence\":0.95,\"min_runs\":5,\"max_runs\":100,\"source\":\"memmap_ns\",\"stopped\":\"precision-reached\",\"achieved_precision\":0.046989"),
	      "document: settings.adaptive as written");
	free(text);
	CHECK(reload(doc, &a, err) && a.on && a.precision == 0.05 &&
		      a.confidence == 0.95 && a.min_runs == 5 &&
		      a.max_runs == 100 && a.source == RB_SRC_MEMMAP_NS &&
		      a.stopped == RB_STOP_PRECISION && a.runs == 12 &&
		      fabs(a.achieved -
			   doc->configs[0].settings.adaptive.achieved) < 1e-9,
	      "document: settings.adaptive loads back (%s)", err);
	rb_document_free(doc);
	doc = make_doc(4, 50, RB_STOP_INTERRUPTED);
	doc->configs[0].settings.adaptive.has_achieved = false;
	CHECK(reload(doc, &a, err) && a.stopped == RB_STOP_INTERRUPTED &&
		      !a.has_achieved && a.runs == 4,
	      "document: interrupted without an interval loads (%s)", err);
	rb_document_free(doc);
	doc = make_doc(2, 50, RB_STOP_PRECISION);
	doc->configs[0].settings.adaptive.on = false;
	text = doc_text(doc);
	CHECK(!strstr(text, "adaptive") && reload(doc, &a, err) && !a.on,
	      "document: fixed runs have none");
	free(text);
	rb_document_free(doc);
}

static void test_summary(void)
{
	struct rb_document *doc = make_doc(12, 100, RB_STOP_PRECISION);
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	rb_human_summary(f, doc);
	fclose(f);
	CHECK(strstr(text, "  Runs auto: precision reached in 12 rebinds, memmap_ns 95% CI ±4.7%, target 5%\n"),
	      "summary: one sentence on why the run stopped");
	free(text);
	rb_document_free(doc);
}

/* The valid document with @from replaced by @to must be refused. */
static void refuse(const char *what, const char *from, const char *to,
		   const char *why)
{
	struct rb_document *doc = make_doc(12, 100, RB_STOP_PRECISION), *back;
	char *text = doc_text(doc), *p = strstr(text, from), *bad;
	char err[256] = "";

	bad = malloc(strlen(text) + strlen(to) + 1);
	if (p) {
		memcpy(bad, text, p - text);
		strcpy(bad + (p - text), to);
		strcat(bad, p + strlen(from));
	}
	back = p ? load_text(bad, err) : NULL;
	CHECK(p && !back && strstr(err, "settings.adaptive") &&
		      strstr(err, why),
	      "refused: %s: %s", what, err);
	rb_document_free(back);
	rb_document_free(doc);
	free(text);
	free(bad);
}

static void test_refusals(void)
{
	static const char *const cases[][4] = {
		{ "stopped outside the enum", "\"precision-reached\"",
		  "\"done\"", "schema's values" },
		{ "source outside the enum", "\"source\":\"memmap_ns\"",
		  "\"source\":\"unbind_ns\"", "schema's values" },
		{ "precision 0", "\"precision\":0.05", "\"precision\":0",
		  "out of range" },
		{ "precision 1", "\"precision\":0.05", "\"precision\":1",
		  "out of range" },
		{ "precision a string", "\"precision\":0.05",
		  "\"precision\":\"5%\"", "expected a number" },
		{ "no stopped", "\"stopped\":\"precision-reached\",", "",
		  "missing" },
		{ "runs not the samples", "\"runs\":12}", "\"runs\":11}",
		  "11 but 12 samples" },
		{ "max_runs not settings.runs", "\"max_runs\":100",
		  "\"max_runs\":99", "not settings.runs" },
		{ "min_runs 1", "\"min_runs\":5", "\"min_runs\":1", "below 2" },
		{ "precision-reached above the precision", "\"precision\":0.05",
		  "\"precision\":0.04", "do not say so" },
		{ "max-runs-reached before the cap", "\"precision-reached\"",
		  "\"max-runs-reached\"", "after 12 of 100" },
		{ "negative achieved", "\"achieved_precision\":0.04",
		  "\"achieved_precision\":-0.04", "out of range" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		refuse(cases[i][0], cases[i][1], cases[i][2], cases[i][3]);
}

/* Two valid documents, and one with a reason outside the schema's enum. */
static int emit(const char *dir)
{
	struct rb_document *docs[] = {
		make_doc(12, 100, RB_STOP_PRECISION),
		make_doc(20, 20, RB_STOP_MAX_RUNS),
		make_doc(12, 100, RB_STOP_PRECISION),
	};
	struct json_object *o, *cfg, *set, *a;
	char path[4096];
	int rc = 0;
	size_t i;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/adaptive-%zu.json", dir, i);
		o = rb_document_to_json(docs[i]);
		cfg = json_object_array_get_idx(
			json_object_object_get(o, "configurations"), 0);
		set = json_object_object_get(cfg, "settings");
		a = json_object_object_get(set, "adaptive");
		if (i == 2)
			json_object_object_add(a, "stopped",
					       json_object_new_string("done"));
		if (!a || json_object_to_file_ext(path, o,
						  JSON_C_TO_STRING_PRETTY))
			rc = 1;
		json_object_put(o);
		rb_document_free(docs[i]);
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--emit"))
		return emit(argv[2]);
	test_rule();
	test_source();
	test_round_trip();
	test_summary();
	test_refusals();
	return unit_done();
}
