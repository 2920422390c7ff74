// SPDX-License-Identifier: GPL-2.0
/*
 * The results document: layout of the JSON, absent sources, the nr_pages
 * consistency check, round trips through the loader, atomic writes and the
 * loader's refusals. "test-document --emit DIR" writes the example
 * documents that the 'schema' test validates against the JSON Schema.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "results/document.h"
#include "util/file-io.h"
#include "util/sysroot.h"
#include "unit.h"

#define PAGES_100G 26214400ull /* 100 GiB of 4 KiB pages */

static struct json_object *fake_fingerprint(void)
{
	struct json_object *fp = json_object_new_object();

	json_object_object_add(fp, "kernel_release",
			       json_object_new_string("7.2.0-rc1+"));
	json_object_object_add(fp, "hz", json_object_new_int(250));
	json_object_object_add(fp, "page_size", json_object_new_int(4096));
	json_object_object_add(fp, "nr_cpus", json_object_new_int(8));
	json_object_object_add(fp, "hypervisor", json_object_new_boolean(1));
	json_object_object_add(fp, "governor", NULL);
	return fp;
}

/* Steady-state bind @i with every source, in the range of the v5 cover. */
static struct rb_sample full_sample(unsigned int iter, unsigned int i)
{
	struct rb_sample s = {
		.iter = iter,
		.nr_pages = PAGES_100G,
		.nr_ranges = 1,
		.has_kernel_ts = true,
		.kernel_ts_usec = 1000000ull * (100 + iter),
		.has_seq = true,
		.seq = 4000 + iter,
	};

	rb_sample_set(&s, RB_SRC_MEMMAP_MS, 244 + 4 * (i % 3));
	rb_sample_set(&s, RB_SRC_MEMMAP_NS, 244000000ull + 1234567ull * i);
	rb_sample_set(&s, RB_SRC_UNBIND_NS, 91000000ull + 1000ull * i);
	rb_sample_set(&s, RB_SRC_BIND_NS, 251000000ull + 1234567ull * i);
	return s;
}

/* A live fsdax run: cold bind, 2 warmups, 30 rebinds, every source. */
static void fill_live(struct rb_config_result *cfg)
{
	struct rb_sample s;
	unsigned int i;

	cfg->target.dev = strdup("namespace0.0");
	cfg->target.mode = strdup("fsdax");
	cfg->target.map = strdup("dev");
	cfg->target.align = 2097152;
	cfg->target.size = 107374182400ull;
	cfg->target.numa_node = 0;
	cfg->target.region = strdup("region0");
	cfg->target.bind_dev = strdup("pfn0.1");
	cfg->target.bind_bus = strdup("nd");
	cfg->target.driver = strdup("nd_pmem");
	cfg->target.blockdev = strdup("pmem0");
	cfg->target.expected_nr_pages = PAGES_100G;
	cfg->settings.runs = 30;
	cfg->settings.warmup = 2;
	cfg->settings.method = strdup("driver");
	cfg->settings.sources = RB_SRC_MEMMAP_MS | RB_SRC_MEMMAP_NS |
				RB_SRC_UNBIND_NS | RB_SRC_BIND_NS;
	cfg->has_cold = true;
	cfg->cold = full_sample(0, 0);
	cfg->cold.memmap_ms = 1456;
	cfg->cold.memmap_ns = 1456123456;
	for (i = 1; i <= 2; i++) {
		s = full_sample(i, i);
		rb_config_add_warmup(cfg, &s);
	}
	for (i = 0; i < 30; i++) {
		s = full_sample(3 + i, i);
		rb_config_add_sample(cfg, &s);
	}
}

/* An imported devdax capture: kernel lines only, two ranges per bind. */
static void fill_import(struct rb_config_result *cfg, unsigned int n)
{
	unsigned int i;

	cfg->settings.runs = n;
	cfg->settings.method = strdup("import");
	cfg->settings.sources = RB_SRC_MEMMAP_MS;
	cfg->has_cold = true;
	cfg->cold = (struct rb_sample){ .iter = 0, .nr_pages = 1000000,
					.nr_ranges = 2 };
	rb_sample_set(&cfg->cold, RB_SRC_MEMMAP_MS, 1462);
	for (i = 0; i < n; i++) {
		struct rb_sample s = { .iter = i + 1, .nr_pages = 1000000,
				       .nr_ranges = 2 };

		rb_sample_set(&s, RB_SRC_MEMMAP_MS, 272 + 4 * (i % 2));
		rb_config_add_sample(cfg, &s);
	}
	rb_config_set_missing(cfg, RB_SRC_MEMMAP_NS,
			      "imported kernel log has no probe timestamps");
}

static struct rb_document *make_live(void)
{
	struct rb_document *doc = rb_document_new("ndctl-rebind-bench", "live");

	doc->fingerprint = fake_fingerprint();
	rb_warnings_add(&doc->warnings, "cpufreq-governor",
			"cpu0 uses the powersave governor, not performance");
	fill_live(rb_document_add_config(doc));
	return doc;
}

static struct rb_document *make_import(void)
{
	struct rb_document *doc = rb_document_new("daxctl-rebind-bench",
						  "import");

	doc->import_file = strdup("dmesg-base.txt");
	fill_import(rb_document_add_config(doc), 30);
	fill_import(rb_document_add_config(doc), 5);
	/* The second capture changed geometry half-way through. */
	doc->configs[1].samples[3].nr_pages = 999999;
	return doc;
}

/* Interrupted after the cold bind: no steady samples at all. */
static struct rb_document *make_partial(void)
{
	struct rb_document *doc = rb_document_new("ndctl-rebind-bench", "live");
	struct rb_config_result *cfg = rb_document_add_config(doc);

	doc->fingerprint = fake_fingerprint();
	cfg->settings.runs = 30;
	cfg->settings.sources = RB_SRC_BIND_NS | RB_SRC_UNBIND_NS;
	cfg->has_cold = true;
	rb_sample_set(&cfg->cold, RB_SRC_BIND_NS, 1500000000);
	cfg->complete = false;
	doc->complete = false;
	return doc;
}

static char *to_text(const struct rb_document *doc)
{
	struct json_object *o = rb_document_to_json(doc);
	char *s;

	if (!o)
		return NULL;
	s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
	return s;
}

static struct json_object *path_get(struct json_object *o, const char *a,
				    int idx, const char *b)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, a, &v))
		return NULL;
	if (idx >= 0)
		v = json_object_array_get_idx(v, idx);
	if (v && b && !json_object_object_get_ex(v, b, &v))
		return NULL;
	return v;
}

static void test_layout(void)
{
	struct rb_document *doc = make_live();
	struct json_object *o = rb_document_to_json(doc), *cfg, *v, *st;

	CHECK(o != NULL, "live document serialises");
	v = path_get(o, "schema", -1, NULL);
	CHECK(v && !strcmp(json_object_get_string(v), RB_SCHEMA_NAME),
	      "schema name");
	CHECK_U64(json_object_get_int(path_get(o, "schema_version", -1, NULL)),
		  1, "schema_version");
	CHECK(path_get(o, "import_file", -1, NULL) == NULL,
	      "no import_file in a live document");
	cfg = path_get(o, "configurations", 0, NULL);
	CHECK_U64(json_object_array_length(path_get(cfg, "samples", -1, NULL)),
		  30, "steady samples");
	CHECK_U64(json_object_array_length(path_get(cfg, "warmup", -1, NULL)),
		  2, "warmup samples");
	CHECK_U64(json_object_get_int64(path_get(cfg, "nr_pages", -1, NULL)),
		  PAGES_100G, "constant nr_pages at configuration level");
	CHECK_U64(json_object_get_int64(path_get(cfg, "cold", -1,
						 "memmap_ms")),
		  1456, "cold memmap_ms");
	st = path_get(cfg, "statistics", -1, NULL);
	CHECK_U64(json_object_object_length(st), 4, "statistics per source");
	CHECK_U64(json_object_get_int64(path_get(st, "memmap_ns", -1, "n")),
		  30, "memmap_ns n");
	v = path_get(st, "memmap_ms", -1, "resolution");
	CHECK(v && json_object_get_double(v) == 4.0,
	      "memmap_ms resolution is one jiffy at HZ=250");
	v = path_get(cfg, "normalised", -1, "memmap_ns");
	CHECK(v && json_object_object_length(v) == 2,
	      "normalised memmap_ns has ns_per_page and ms_per_gib");
	v = path_get(path_get(cfg, "normalised", -1, NULL), "memmap_ms", -1,
		     "ms_per_gib");
	/* mean memmap_ms is (244*10 + 248*10 + 252*10)/30 = 248, 100 GiB */
	CHECK(v && json_object_get_double(v) > 2.479 &&
	      json_object_get_double(v) < 2.481, "ms_per_gib = 248 / 100");
	v = path_get(cfg, "warnings", -1, NULL);
	CHECK_U64(json_object_array_length(v), 0,
		  "consistent nr_pages gives no warning");
	v = path_get(cfg, "settings", -1, "timing");
	CHECK(v && json_object_array_length(v) == 4 &&
	      !strcmp(json_object_get_string(json_object_array_get_idx(v, 0)),
		      "memmap_ms"), "timing lists the sources in order");
	json_object_put(o);
	rb_document_free(doc);
}

static void test_absent_sources(void)
{
	struct rb_document *doc = make_import();
	struct json_object *o = rb_document_to_json(doc), *cfg, *s, *v;
	size_t i, n, with_ns = 0, with_ms = 0;

	cfg = path_get(o, "configurations", 0, NULL);
	v = path_get(cfg, "samples", -1, NULL);
	n = json_object_array_length(v);
	for (i = 0; i < n; i++) {
		s = json_object_array_get_idx(v, i);
		with_ns += json_object_object_get_ex(s, "memmap_ns", NULL) ||
			   json_object_object_get_ex(s, "bind_ns", NULL) ||
			   json_object_object_get_ex(s, "unbind_ns", NULL) ||
			   json_object_object_get_ex(s, "seq", NULL) ||
			   json_object_object_get_ex(s, "kernel_ts_usec", NULL);
		with_ms += json_object_object_get_ex(s, "memmap_ms", NULL);
	}
	CHECK_U64(with_ns, 0, "samples without probe/wall/ts carry no such key");
	CHECK_U64(with_ms, 30, "every sample has memmap_ms");
	CHECK_U64(json_object_object_length(path_get(cfg, "statistics", -1,
						     NULL)),
		  1, "statistics only for memmap_ms");
	CHECK(path_get(path_get(cfg, "normalised", -1, NULL), "memmap_ns", -1,
		       NULL) == NULL, "no normalised memmap_ns");
	v = path_get(cfg, "missing_sources", 0, "source");
	CHECK(v && !strcmp(json_object_get_string(v), "memmap_ns"),
	      "missing source recorded");
	v = path_get(path_get(cfg, "statistics", -1, NULL), "memmap_ms", -1,
		     "resolution");
	CHECK(v && json_object_get_double(v) == 1.0,
	      "without HZ, memmap_ms resolution is 1 ms");
	v = path_get(o, "import_file", -1, NULL);
	CHECK(v && !strcmp(json_object_get_string(v), "dmesg-base.txt"),
	      "import_file kept");
	json_object_put(o);
	rb_document_free(doc);
}

static void test_consistency(void)
{
	struct rb_document *doc = make_import();
	struct rb_config_result *cfg0 = &doc->configs[0];
	struct rb_config_result *cfg1 = &doc->configs[1];
	struct rb_warnings w = { 0 };
	struct json_object *o, *v;
	uint64_t pages = 0;

	CHECK_U64(rb_config_check(cfg0, &w), 0, "consistent config: no warning");
	CHECK(rb_config_nr_pages(cfg0, &pages) && pages == 1000000,
	      "steady nr_pages of a consistent config");
	CHECK(!rb_config_nr_pages(cfg1, &pages),
	      "no steady nr_pages when it changed");
	CHECK_U64(rb_config_check(cfg1, &w), 1, "changed nr_pages: one warning");
	CHECK(rb_warnings_has(&w, "nr-pages-inconsistent"),
	      "id nr-pages-inconsistent");
	cfg0->target.expected_nr_pages = 1048576;
	CHECK_U64(rb_config_check(cfg0, &w), 1, "unexpected nr_pages warned");
	CHECK(rb_warnings_has(&w, "nr-pages-unexpected"),
	      "id nr-pages-unexpected");
	CHECK(strstr(w.v[1].text, "1048576") != NULL,
	      "text names the expected count");
	rb_warnings_free(&w);

	o = rb_document_to_json(doc);
	v = path_get(o, "configurations", 1, "warnings");
	CHECK(v && json_object_array_length(v) == 1,
	      "serialised config carries the check's warning");
	v = path_get(o, "configurations", 1, "nr_pages");
	CHECK(v == NULL, "no configuration nr_pages when it changed");
	v = path_get(o, "configurations", 1, "normalised");
	CHECK(v && json_object_object_length(v) == 0,
	      "no normalised figures without a constant nr_pages");
	json_object_put(o);

	/* A warning already recorded is not added a second time. */
	rb_warnings_add(&cfg1->warnings, "nr-pages-inconsistent", "recorded by import");
	CHECK_U64(rb_config_check(cfg1, &w), 0, "recorded warning not repeated");
	rb_warnings_free(&w);
	CHECK_U64(rb_warnings_add(&w, "a", "x"), 0, "rb_warn");
	rb_warnings_add(&w, "a", "x");
	rb_warnings_add(&w, "a", "y");
	CHECK_U64(w.nr, 2, "identical warnings are merged");
	rb_warnings_free(&w);
	rb_document_free(doc);
}

static void check_round_trip(struct rb_document *doc, const char *what)
{
	char *a = to_text(doc), *b = NULL, err[256] = "";
	struct json_object *o = json_tokener_parse(a);
	struct rb_document *back = rb_document_from_json(o, err, sizeof(err));

	if (!CHECK(back != NULL, "%s loads back (%s)", what, err))
		goto out;
	b = to_text(back);
	CHECK(a && b && !strcmp(a, b), "%s: to_json(from_json(x)) == x", what);
out:
	json_object_put(o);
	rb_document_free(back);
	free(a);
	free(b);
}

static void test_round_trip(void)
{
	struct rb_document *doc = make_live();

	check_round_trip(doc, "live document");
	rb_document_free(doc);
	/* A pmem-backed dax device names the namespace that carries it. */
	doc = make_live();
	doc->configs[0].target.namespace = strdup("namespace0.0");
	check_round_trip(doc, "document naming a dax device's namespace");
	{
		char *text = to_text(doc);
		struct json_object *o = json_tokener_parse(text), *v = NULL;
		struct json_object *cfgs = NULL, *tgt = NULL;

		if (json_object_object_get_ex(o, "configurations", &cfgs))
			json_object_object_get_ex(
				json_object_array_get_idx(cfgs, 0), "target",
				&tgt);
		json_object_object_get_ex(tgt, "namespace", &v);
		CHECK(v && !strcmp(json_object_get_string(v), "namespace0.0"),
		      "target.namespace is written");
		json_object_put(o);
		free(text);
	}
	rb_document_free(doc);
	doc = make_import();
	check_round_trip(doc, "import document");
	rb_document_free(doc);
	doc = make_partial();
	check_round_trip(doc, "partial document");
	/* Values above INT64_MAX travel as unsigned JSON integers. */
	doc->configs[0].cold.has_seq = true;
	doc->configs[0].cold.seq = UINT64_MAX;
	check_round_trip(doc, "document with a 2^64 - 1 value");
	rb_document_free(doc);
}

static size_t count_temp_files(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, ".rebind-bench.", 14);
	if (d)
		closedir(d);
	return n;
}

static void test_write(void)
{
	char dir[] = "/tmp/rb-doc-XXXXXX", path[64], err[256], *a, *b;
	struct rb_document *doc = make_live(), *back;
	struct stat st;
	mode_t old = umask(022);
	FILE *f;

	CHECK(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/base.json", dir);
	/* Something to replace: the rename must swap it whole. */
	f = fopen(path, "w");
	fputs("old", f);
	fclose(f);
	CHECK_U64(rb_document_write(doc, path), 0, "atomic write");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0644,
	      "written file is 0644 under umask 022");
	CHECK_U64(count_temp_files(dir), 0, "no temporary file left");
	back = rb_document_load(path, err, sizeof(err));
	CHECK(back != NULL, "written file loads (%s)", back ? "ok" : err);
	a = to_text(doc);
	b = back ? to_text(back) : NULL;
	CHECK(b && !strcmp(a, b), "file round trip");
	free(a);
	free(b);
	rb_document_free(back);

	snprintf(path, sizeof(path), "%s/missing/x.json", dir);
	CHECK(rb_document_write(doc, path) == -ENOENT,
	      "write into a missing directory fails with -ENOENT");
	CHECK_U64(count_temp_files(dir), 0, "failed write leaves no temp file");
	snprintf(path, sizeof(path), "%s/base.json", dir);
	unlink(path);
	rmdir(dir);
	umask(old);
	rb_document_free(doc);
}

/* A valid live document with @from replaced by @to in its plain text. */
static char *mutate(const char *from, const char *to)
{
	struct rb_document *doc = make_live();
	char *text = to_text(doc), *pos = strstr(text, from), *out;

	rb_document_free(doc);
	if (!pos) {
		printf("# mutation target %s not found\n", from);
		free(text);
		return NULL;
	}
	out = malloc(strlen(text) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(pos - text), text, to,
		pos + strlen(from));
	free(text);
	return out;
}

static void expect_refusal(const char *what, const char *text, size_t len,
			   const char *needle)
{
	char path[] = "/tmp/rb-bad-XXXXXX", err[512] = "";
	struct rb_document *doc;
	int fd = mkstemp(path);

	if (!text || fd < 0 || write(fd, text, len) != (ssize_t)len) {
		CHECK(0, "%s: fixture written", what);
		if (fd >= 0)
			close(fd);
		return;
	}
	close(fd);
	doc = rb_document_load(path, err, sizeof(err));
	CHECK(doc == NULL && *err && !strchr(err, '\n') &&
	      strstr(err, needle), "refuses %s: %s", what, err);
	rb_document_free(doc);
	unlink(path);
}

static void refuse(const char *what, const char *from, const char *to,
		   const char *needle)
{
	char *text = mutate(from, to);

	expect_refusal(what, text, text ? strlen(text) : 0, needle);
	free(text);
}

/* A sparse file over the 256 MiB cap, and a stream of one byte over. */
static void test_oversized(void)
{
	char path[] = "/tmp/rb-big-XXXXXX", err[256] = "";
	int fd = mkstemp(path);
	int pipefd[2];
	size_t len;
	char *buf;

	CHECK(fd >= 0 && ftruncate(fd, (off_t)257 << 20) == 0,
	      "sparse 257 MiB file");
	close(fd);
	CHECK(rb_document_load(path, err, sizeof(err)) == NULL &&
	      strstr(err, "larger than 256 MiB"), "refuses %s", err);
	unlink(path);

	/* The reader stops one byte past its limit, file or pipe. */
	if (pipe(pipefd))
		return;
	CHECK(write(pipefd[1], "0123456789", 10) == 10, "pipe filled");
	close(pipefd[1]);
	errno = 0;
	buf = rb_read_fd(pipefd[0], 9, &len);
	CHECK(buf == NULL && errno == EFBIG, "10 bytes refused with a 9 cap");
	close(pipefd[0]);
	if (pipe(pipefd))
		return;
	CHECK(write(pipefd[1], "0123456789", 10) == 10, "pipe filled");
	close(pipefd[1]);
	buf = rb_read_fd(pipefd[0], 10, &len);
	CHECK(buf && len == 10 && !strcmp(buf, "0123456789"),
	      "10 bytes read with a 10 cap");
	free(buf);
	close(pipefd[0]);
}

static void test_refusals(void)
{
	struct rb_document *doc = make_live();
	char *good = to_text(doc), *deep;
	char err[256];
	size_t i;

	rb_document_free(doc);
	expect_refusal("an empty file", "", 0, "empty");
	expect_refusal("garbage", "\x7f" "ELF\x01\x02", 6, "invalid JSON");
	expect_refusal("a truncated document", good, strlen(good) / 2,
		       "truncated");
	expect_refusal("a JSON array", "[1, 2]", 6, "not a JSON object");
	expect_refusal("trailing data", "{} {}", 5, "at byte 3");
	expect_refusal("a NUL byte", "{\"a\":\0}", 7, "NUL");
	deep = malloc(20001);
	for (i = 0; i < 10000; i++) {
		deep[i] = '[';
		deep[10000 + i] = ']';
	}
	deep[20000] = '\0';
	expect_refusal("10000 nested arrays", deep, 20000, "invalid JSON");
	free(deep);
	free(good);

	refuse("another schema", "\"rebind-bench-results\"",
	       "\"ndctl-rebind-bench\"", "schema");
	refuse("a newer schema_version", "\"schema_version\":1",
	       "\"schema_version\":7", "newer than this tool (1)");
	refuse("a string schema_version", "\"schema_version\":1",
	       "\"schema_version\":\"1\"", "expected int");
	refuse("a missing configurations key", "\"configurations\"",
	       "\"configuratoins\"", "missing required key \"configurations\"");
	refuse("a negative memmap_ns", "\"memmap_ns\":244000000",
	       "\"memmap_ns\":-244000000", "samples[0].memmap_ns");
	refuse("a fractional memmap_ms", "\"memmap_ms\":244",
	       "\"memmap_ms\":244.5", "expected int");
	refuse("an unknown timing source", "[\"memmap_ms\"",
	       "[\"memmap_us\"", "unknown source \"memmap_us\"");
	refuse("an invalid origin", "\"origin\":\"live\"",
	       "\"origin\":\"guess\"", "origin");
	refuse("a local-time timestamp", "Z\",\"origin\"",
	       "+02:00\",\"origin\"", "timestamp");
	refuse("a target that is a string", "\"target\":{",
	       "\"target\":\"ns0\",\"x\":{", "configurations[0].target");
	refuse("a null complete flag", "\"complete\":true",
	       "\"complete\":null", "got null");
	refuse("an iteration beyond 32 bits", "\"iter\":3,",
	       "\"iter\":4294967296,", "out of range");
	refuse("a sample that is a number", "\"samples\":[{",
	       "\"samples\":[7,{", "samples[0]");
	refuse("hz of zero", "\"hz\":250", "\"hz\":0", "hz must be positive");
	refuse("a warning without text", "\"id\":\"cpufreq-governor\",\"text\"",
	       "\"id\":\"cpufreq-governor\",\"txt\"", "warnings[0]");

	test_oversized();
	CHECK(rb_document_load("/nonexistent/x.json", err, sizeof(err)) ==
	      NULL && strstr(err, "No such file"), "missing file: %s", err);
}

static void test_unknown_keys(void)
{
	char *text = mutate("\"schema\":", "\"x-extra\":{\"a\":[1]},\"schema\":");
	char *text2, err[256] = "";
	struct json_object *o;
	struct rb_document *doc;

	text2 = text ? strstr(text, "\"iter\":") : NULL;
	if (text2)
		memcpy(text2, "\"ITER\"", 6); /* cold sample loses iter */
	o = text ? json_tokener_parse(text) : NULL;
	doc = o ? rb_document_from_json(o, err, sizeof(err)) : NULL;
	CHECK(doc == NULL && strstr(err, "cold: missing required key \"iter\""),
	      "required sample key: %s", err);
	json_object_put(o);
	rb_document_free(doc);
	free(text);

	text = mutate("\"iter\":3,", "\"iter\":3,\"cpu\":5,\"phase\":\"x\",");
	o = text ? json_tokener_parse(text) : NULL;
	doc = o ? rb_document_from_json(o, err, sizeof(err)) : NULL;
	CHECK(doc != NULL && doc->configs[0].samples[0].iter == 3,
	      "unknown keys are ignored");
	json_object_put(o);
	rb_document_free(doc);
	free(text);
}

/* The documents the 'schema' test validates, and one it must reject. */
static int emit(const char *dir)
{
	struct rb_document *docs[] = { make_live(), make_import(),
				       make_partial() };
	const char *names[] = { "doc-live.json", "doc-import.json",
				"doc-partial.json" };
	char path[4096];
	int rc = 0;
	size_t i;
	FILE *f;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rb_document_write(docs[i], path))
			rc = 1;
		rb_document_free(docs[i]);
	}
	snprintf(path, sizeof(path), "%s/doc-invalid.json", dir);
	f = fopen(path, "w");
	if (!f)
		return 1;
	/* Well-formed JSON, but a sample with a negative, unit-less time. */
	fputs("{\"schema\":\"rebind-bench-results\",\"schema_version\":1,"
	      "\"tool\":{\"name\":\"x\",\"version\":\"0\"},"
	      "\"timestamp\":\"2026-11-25T18:00:00Z\",\"origin\":\"live\","
	      "\"complete\":true,\"warnings\":[],\"configurations\":[{"
	      "\"target\":{},\"settings\":{\"runs\":1,\"warmup\":0,"
	      "\"timing\":[\"memmap_ms\"]},\"warmup\":[],"
	      "\"samples\":[{\"iter\":1,\"memmap_ms\":-3,\"time\":5}],"
	      "\"missing_sources\":[],\"warnings\":[],\"complete\":true}]}\n",
	      f);
	return fclose(f) ? 1 : rc;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--emit"))
		return emit(argv[2]);
	test_layout();
	test_absent_sources();
	test_consistency();
	test_round_trip();
	test_write();
	test_refusals();
	test_unknown_keys();
	return unit_done();
}
