// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "results/document.h"
#include "report/human.h"
#include "report/histogram.h"
#include "results/stats.h"
#include "results/config-label.h"
#include "util/format.h"
#include "util/util.h"

#define COLUMNS 80

static void print_target(FILE *f, const struct rb_document *doc,
			 const struct rb_config_result *cfg, size_t idx)
{
	const struct rb_target_desc *t = &cfg->target;
	char line[512], label[256];
	size_t n = 0;

#define APPEND(...)                                                        \
	(n += snprintf(line + n, n < sizeof(line) ? sizeof(line) - n : 0, \
		       __VA_ARGS__))
	APPEND("%s", t->dev ? t->dev : doc->import_file ? doc->import_file :
			 "target");
	if (doc->nr_configs > 1)
		APPEND(" [%zu/%zu]", idx + 1, doc->nr_configs);
	rb_config_label(label, sizeof(label), t, 0, 0);
	if (t->mode || t->map || t->align || t->size)
		APPEND(" %s", label);
	if (t->driver)
		APPEND(" (%s%s%s)", t->driver, t->bind_dev ? " on " : "",
		       t->bind_dev ? t->bind_dev : "");
	if (t->region)
		APPEND(" %s", t->region);
	if (t->numa_node >= 0)
		APPEND(" node %d", t->numa_node);
#undef APPEND
	rb_wrap(f, line, COLUMNS, 0, 4);
}

static void print_pages(FILE *f, const struct rb_document *doc,
			const struct rb_config_result *cfg)
{
	long page_size = rb_document_page_size(doc);
	char line[256];
	uint64_t nr_pages;

	if (!page_size)
		page_size = 4096;
	if (rb_config_nr_pages(cfg, &nr_pages))
		snprintf(line, sizeof(line),
			 "%llu pages per bind (%.2f GiB of memory), %zu rebinds after %zu warmup%s",
			 (unsigned long long)nr_pages,
			 (double)nr_pages * page_size / 1073741824.0,
			 cfg->nr_samples, cfg->nr_warmups,
			 cfg->nr_warmups == 1 ? "" : "s");
	else
		snprintf(line, sizeof(line),
			 "%zu rebinds after %zu warmup%s%s", cfg->nr_samples,
			 cfg->nr_warmups, cfg->nr_warmups == 1 ? "" : "s",
			 cfg->nr_samples ? ", nr_pages not constant" : "");
	rb_wrap(f, line, COLUMNS, 2, 4);
}

/* --runs auto: why the loop stopped and the interval it had then. */
static void print_adaptive(FILE *f, const struct rb_config_result *cfg)
{
	static const char *const why[] = {
		"still running", "precision reached", "max runs reached",
		"interrupted", "a bind failed",
	};
	const struct rb_adaptive *a = &cfg->settings.adaptive;
	const struct rb_source_desc *sd = rb_source_desc(a->source);
	char line[256], ci[96] = "no interval yet";

	if (!a->on)
		return;
	if (a->has_achieved)
		snprintf(ci, sizeof(ci), "%s %g%% CI ±%.3g%%",
			 sd ? sd->key : "?", a->confidence * 100,
			 a->achieved * 100);
	snprintf(line, sizeof(line),
		 "Runs auto: %s in %zu rebinds, %s, target %g%%",
		 a->stopped <= RB_STOP_FAILED ? why[a->stopped] : "?",
		 cfg->nr_samples, ci, a->precision * 100);
	rb_wrap(f, line, COLUMNS, 2, 4);
}

/* A value of @src in milliseconds, with the precision the source has. */
static void format_ms(char *buf, size_t len, enum rb_source src, double v,
		      bool mean)
{
	const struct rb_source_desc *d = rb_source_desc(src);

	/* always in ms, like the cover letters; INFINITY never picks us */
	rb_format_time(buf, len, v, INFINITY, d ? d->unit : "ms",
		       src != RB_SRC_MEMMAP_MS ? 3 : mean ? 2 : 0);
}

static const char *source_label(const struct rb_document *doc,
				enum rb_source src, char *buf, size_t len)
{
	switch (src) {
	case RB_SRC_MEMMAP_MS:
		snprintf(buf, len,
			 "memmap_ms (kernel line, resolution %.3g ms)",
			 rb_source_resolution(doc, src));
		return buf;
	case RB_SRC_MEMMAP_NS:
		return "memmap_ns (kprobe pair)";
	case RB_SRC_UNBIND_NS:
		return "unbind (wall clock)";
	case RB_SRC_BIND_NS:
		return "bind (wall clock)";
	}
	return "";
}

static void print_source(FILE *f, const struct rb_document *doc,
			 const struct rb_config_result *cfg,
			 enum rb_source src)
{
	static const char avg[] = "Average of subsequent rebinds: ";
	char label[96], a[32], b[32], c[32], line[128];
	double per_page, per_gib;
	size_t outliers;
	struct rb_stats st;

	fprintf(f, "  %s:\n", source_label(doc, src, label, sizeof(label)));
	if (cfg->has_cold && (cfg->cold.have & src)) {
		format_ms(a, sizeof(a), src, rb_sample_value(&cfg->cold, src),
			  false);
		fprintf(f, "    First binding: %s%s\n", a,
			rb_sample_value(&cfg->cold, src) ? "" :
			": below the kernel line's resolution");
	}
	if (rb_config_stats(doc, cfg, src, &st)) {
		fprintf(f, "    No steady-state samples.\n");
		return;
	}
	/* one rebind has no spread, and 0 ms is no measured time */
	if (st.n == 1 || st.max == 0) {
		format_ms(a, sizeof(a), src, st.mean, st.n > 1);
		fprintf(f, "    %s%s (n=%zu%s)\n", avg, a, st.n,
			st.max == 0 ? ": below the kernel line's resolution" :
			", a single rebind: no spread");
		return;
	}
	format_ms(a, sizeof(a), src, st.mean, true);
	format_ms(b, sizeof(b), src, st.stddev, true);
	format_ms(c, sizeof(c), src, st.stderr_mean, true);
	outliers = st.low_mild + st.low_severe + st.high_mild + st.high_severe;
	snprintf(line, sizeof(line), "(σ %s, n=%zu, SE %s)", b, st.n, c);
	/* One line like the cover letters when it fits, else two. */
	if (4 + rb_columns(avg, strlen(avg)) + strlen(a) + 1 +
	    rb_columns(line, strlen(line)) <= COLUMNS)
		fprintf(f, "    %s%s %s\n", avg, a, line);
	else
		fprintf(f, "    %s%s\n      %s\n", avg, a, line);
	if (outliers)
		fprintf(f, "      %zu outlier%s beyond the Tukey fences, kept\n",
			outliers, outliers == 1 ? "" : "s");
	if (rb_config_normalised(doc, cfg, src, st.mean, &per_page, &per_gib))
		fprintf(f, "    %.3f ns/page, %.3f ms/GiB\n", per_page,
			per_gib);
}

/*
 * Histogram of the source with the finest resolution: probe, then kernel
 * line, then the bind wall clock.
 */
static void print_histogram(FILE *f, const struct rb_config_result *cfg)
{
	static const enum rb_source order[] = {
		RB_SRC_MEMMAP_NS, RB_SRC_MEMMAP_MS, RB_SRC_BIND_NS,
	};
	uint64_t *v = calloc(cfg->nr_samples + 1, sizeof(*v));
	size_t i, k, n = 0;

	for (k = 0; v && k < ARRAY_SIZE(order) && !n; k++)
		for (i = 0; i < cfg->nr_samples; i++)
			if (cfg->samples[i].have & order[k])
				v[n++] = rb_sample_value(&cfg->samples[i],
							 order[k]);
	if (n) {
		k--;
		/* funclatency prints usecs; the kernel line is in ms. */
		if (order[k] != RB_SRC_MEMMAP_MS)
			for (i = 0; i < n; i++)
				v[i] /= 1000;
		fprintf(f, "\n  %s of the %zu steady-state binds:\n",
			rb_source_desc(order[k])->key, n);
		rb_hist_show(f, v, n, order[k] == RB_SRC_MEMMAP_MS ? "msecs" :
								     "usecs");
	}
	free(v);
}

static void print_warning(FILE *f, size_t indent, const struct rb_warning *w)
{
	char *line;

	if (asprintf(&line, "warning: [%s] %s", w->id, w->text) < 0)
		return;
	rb_wrap(f, line, COLUMNS, indent, indent + 4);
	free(line);
}

static void print_config(FILE *f, const struct rb_document *doc,
			 const struct rb_config_result *cfg, size_t idx)
{
	struct rb_warnings found = { 0 };
	size_t i;
	int k;

	print_target(f, doc, cfg, idx);
	print_pages(f, doc, cfg);
	print_adaptive(f, cfg);
	for (k = 0; k < RB_NR_SOURCES; k++) {
		enum rb_source src = rb_sources[k].bit;
		bool seen = (cfg->settings.sources & src) ||
			    (cfg->has_cold && (cfg->cold.have & src));

		for (i = 0; i < cfg->nr_samples && !seen; i++)
			seen = cfg->samples[i].have & src;
		if (seen)
			print_source(f, doc, cfg, src);
	}
	for (i = 0; i < cfg->nr_missing; i++) {
		char *line;

		if (asprintf(&line, "%s missing: %s",
			     rb_source_desc(cfg->missing[i].source)->key,
			     cfg->missing[i].reason) < 0)
			continue;
		rb_wrap(f, line, COLUMNS, 2, 6);
		free(line);
	}
	rb_config_check(cfg, &found);
	for (i = 0; i < cfg->warnings.nr; i++)
		print_warning(f, 2, &cfg->warnings.v[i]);
	for (i = 0; i < found.nr; i++)
		print_warning(f, 2, &found.v[i]);
	rb_warnings_free(&found);
	if (!cfg->complete)
		fprintf(f, "  Incomplete: interrupted or a bind failed.\n");
	print_histogram(f, cfg);
}

void rb_human_summary(FILE *f, const struct rb_document *doc)
{
	size_t i;

	for (i = 0; i < doc->nr_configs; i++) {
		if (i)
			fputc('\n', f);
		print_config(f, doc, &doc->configs[i], i);
	}
	if (!doc->nr_configs)
		fprintf(f, "No configuration was measured.\n");
	if (doc->warnings.nr)
		fputc('\n', f);
	for (i = 0; i < doc->warnings.nr; i++)
		print_warning(f, 0, &doc->warnings.v[i]);
	if (!doc->complete)
		fprintf(f, "The run did not complete: results are partial.\n");
}
