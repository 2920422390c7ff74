// SPDX-License-Identifier: GPL-2.0
/*
 * The bounds of util/bounds.h, each at its value and one past it: import
 * of a generated capture (bytes, memmap lines, configurations) and the
 * loader of compare (configurations, samples). Past a bound is one error
 * line and RB_EXIT_USAGE; at the bound the input is taken (but for the
 * bytes: 256 MiB twice would take long). Not in the memcheck suite: it
 * reads 256 MiB.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "klog/import.h"
#include "results/document.h"
#include "util/bounds.h"
#include "util/exit-codes.h"
#include "unit.h"

/* A capture made on the fly: @lines lines, line i from @make. */
struct gen {
	size_t line, lines;
	void (*make)(size_t i, char *buf, size_t len);
	char buf[8200];
	size_t off, len;
};

static ssize_t gen_read(void *cookie, char *out, size_t size)
{
	struct gen *g = cookie;
	size_t n = 0, k;

	while (n < size) {
		if (g->off == g->len) {
			if (g->line == g->lines)
				break;
			g->make(g->line++, g->buf, sizeof(g->buf));
			g->len = strlen(g->buf);
			g->off = 0;
		}
		k = g->len - g->off < size - n ? g->len - g->off : size - n;
		memcpy(out + n, g->buf + g->off, k);
		g->off += k;
		n += k;
	}
	return (ssize_t)n;
}

static int import_gen(size_t lines, void (*make)(size_t, char *, size_t),
		      struct rb_document **doc, char *err, size_t errlen)
{
	static const cookie_io_functions_t io = { .read = gen_read };
	struct gen g = { .lines = lines, .make = make };
	struct rb_import_opts o = { .hz = 250 };
	FILE *f = fopencookie(&g, "r", io);
	int rc;

	if (!f)
		return -1;
	rc = rb_import_stream(f, "gen", "ndctl-rebind-bench", &o, doc, err,
			      errlen);
	fclose(f);
	return rc;
}

/* 8 KiB a line (few lines: a quick 256 MiB), no memmap line. */
static void filler(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "[%12zu.000000] %-8169s\n", i, "nd_pmem: filler");
}

/* One bind of one device: every line one more rebind. */
static void same_bind(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "memmap_init_zone_device initialised 262144 pages in 4ms\n");
}

/* Every line another page count: every line its own configuration. */
static void new_config(size_t i, char *buf, size_t len)
{
	snprintf(buf, len, "memmap_init_zone_device initialised %zu pages in 4ms\n",
		 262144 + 512 * i);
}

static void test_import_bounds(void)
{
	struct rb_document *doc = NULL;
	char err[256] = "";
	int rc;

	rc = import_gen((RB_MAX_INPUT_BYTES >> 13) + 1, filler, &doc, err,
			sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      !strcmp(err, "gen: larger than 256 MiB: not one benchmark's capture (keep its boots only, e.g. journalctl -k -b)"),
	      "256 MiB + 8 KiB: \"%s\"", err);

	rc = import_gen(RB_MAX_SAMPLES, same_bind, &doc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == 1 &&
	      doc->configs[0].nr_samples == RB_MAX_SAMPLES - 1,
	      "%u memmap lines: a cold bind and %u rebinds", RB_MAX_SAMPLES,
	      RB_MAX_SAMPLES - 1);
	rb_document_free(doc);
	rc = import_gen(RB_MAX_SAMPLES + 1, same_bind, &doc, err,
			sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      !strcmp(err, "gen: more than 1048576 memmap_init_zone_device lines (line 1048577): split the capture"),
	      "one memmap line more: \"%s\"", err);

	rc = import_gen(RB_MAX_CONFIGS, new_config, &doc, err, sizeof(err));
	CHECK(rc == RB_EXIT_OK && doc && doc->nr_configs == RB_MAX_CONFIGS,
	      "%u page counts: as many configurations", RB_MAX_CONFIGS);
	rb_document_free(doc);
	rc = import_gen(RB_MAX_CONFIGS + 1, new_config, &doc, err,
			sizeof(err));
	CHECK(rc == RB_EXIT_USAGE && !doc &&
	      !strcmp(err, "gen: more than 65536 configurations (device, page count and boot): split the capture"),
	      "one configuration more: \"%s\"", err);
}

/*
 * The upstream base document with @nr configurations (copies of its
 * first, without steady samples), or with @nr samples in all (copies of
 * its first steady one); copies are references, so this is cheap.
 */
static struct rb_document *copies(bool samples, size_t nr, char *err,
				  size_t errlen)
{
	const char *dir = getenv("RB_FIXTURES");
	struct json_object *root, *cfgs, *cfg, *list, *v;
	struct rb_document *d;
	char path[512];
	size_t i;

	snprintf(path, sizeof(path), "%s/compare-upstream-base.json",
		 dir ? dir : "test/fixtures");
	root = json_object_from_file(path);
	if (!root)
		return NULL;
	cfgs = json_object_object_get(root, "configurations");
	cfg = json_object_array_get_idx(cfgs, 0);
	if (!samples) /* within RB_MAX_SAMPLES: only the cold bind */
		json_object_object_add(cfg, "samples", json_object_new_array());
	list = samples ? json_object_object_get(cfg, "samples") : cfgs;
	v = json_object_array_get_idx(list, 0);
	/* samples: the cold bind, 1 warm-up and the 30 already there */
	for (i = json_object_array_length(list) + (samples ? 2 : 0); i < nr;
	     i++)
		json_object_array_add(list, json_object_get(v));
	d = rb_document_from_json(root, err, errlen);
	json_object_put(root);
	return d;
}

static void test_load_bounds(void)
{
	struct rb_document *d;
	char err[256] = "";

	d = copies(false, RB_MAX_CONFIGS, err, sizeof(err));
	CHECK(d && d->nr_configs == RB_MAX_CONFIGS,
	      "a document of %u configurations loads (%s)", RB_MAX_CONFIGS,
	      err);
	rb_document_free(d);
	d = copies(false, RB_MAX_CONFIGS + 1, err, sizeof(err));
	CHECK(!d && !strcmp(err, "configurations: 65537 configurations, more than 65536"),
	      "one configuration more: \"%s\"", err);
	d = copies(true, RB_MAX_SAMPLES, err, sizeof(err));
	CHECK(d && d->configs[0].nr_samples == RB_MAX_SAMPLES - 2,
	      "a document of %u samples loads (%s)", RB_MAX_SAMPLES, err);
	rb_document_free(d);
	d = copies(true, RB_MAX_SAMPLES + 1, err, sizeof(err));
	CHECK(!d && !strcmp(err, "configurations: more than 1048576 samples"),
	      "one sample more: \"%s\"", err);
}

/* A count beyond 64 bits: json-c saturates it, the loader refuses it. */
static void test_overflow(void)
{
	const char *dir = getenv("RB_FIXTURES");
	static const char key[] = "\"nr_pages\": 26214400";
	struct json_object *root;
	struct rb_document *d;
	char path[512], err[256] = "", *text, *at, *big;
	FILE *f;
	long n = 0;

	snprintf(path, sizeof(path), "%s/compare-upstream-base.json",
		 dir ? dir : "test/fixtures");
	f = fopen(path, "r");
	if (!CHECK(f && !fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0,
		   "read %s", path))
		return;
	rewind(f);
	text = calloc(1, (size_t)n + 64);
	big = calloc(1, (size_t)n + 64);
	if (text && big && fread(text, 1, (size_t)n, f) == (size_t)n &&
	    (at = strstr(text, key))) {
		/* the first in the file: its cold bind's */
		snprintf(big, (size_t)n + 64, "%.*s\"nr_pages\": 99999999999999999999999%s",
			 (int)(at - text), text, at + strlen(key));
		root = json_tokener_parse(big);
		d = root ? rb_document_from_json(root, err, sizeof(err)) : NULL;
		CHECK(root && !d && !strcmp(err, "configurations[0].cold.nr_pages: out of range (at most 4503599627370496)"),
		      "nr_pages 99999999999999999999999: \"%s\"", err);
		json_object_put(root);
	}
	free(text);
	free(big);
	fclose(f);
}

int main(void)
{
	test_overflow();
	test_import_bounds();
	test_load_bounds();
	return unit_done();
}
