// SPDX-License-Identifier: GPL-2.0
/*
 * Strings from input in every text output: the escapes of util/text.c
 * byte for byte, then a comparison whose driver, kernel release and CPU
 * model hold an escape sequence, a newline followed by the changelog's
 * own sentence, '|' and "# heading", printed in each format. The loader
 * refuses control characters (test/badinput checks its one-line error),
 * so those strings are put into the loaded documents here, as a loader
 * bug would let them through; the Markdown characters pass the loader
 * and go through rb_document_from_json() from a crafted document.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include "report/compare.h"
#include "report/human.h"
#include "report/svg-plot.h"
#include "results/config-label.h"
#include "util/format.h"
#include "util/text.h"
#include "unit.h"

#define FAKE "This reduces the average rebind time by about 90%"
#define U "\xef\xbf\xbd" /* U+FFFD, the replacement character */

typedef void (*putter)(FILE *, const char *);

static void check_put(putter put, const char *in, const char *want,
		      const char *what)
{
	char *got = rb_escape(put, in);

	if (!CHECK(got && !strcmp(got, want), "%s", what))
		printf("# got  \"%s\"\n# want \"%s\"\n", got ? got : "(null)",
		       want);
	free(got);
}

static void test_checks(void)
{
	char s[] = "a\x1b[31m\nb\x7f", buf[16];
	const char *name = "nd_pmem\tx";

	CHECK(rb_find_control(s, strlen(s)) == s + 1, "first control: ESC");
	CHECK(!rb_find_control("nd_pmem namespace0.0", 20), "none in text");
	CHECK(rb_find_control(name, 7) == NULL &&
	      rb_find_control(name, 8) == name + 7, "only within @len");
	CHECK(!strcmp(rb_scrub(s), "a?[31m?b?"), "scrub: each control '?'");
	CHECK(rb_scrub(NULL) == NULL, "scrub of NULL");
	CHECK(!strcmp(rb_printable("dax0.0\n\xc3\xa9", buf, sizeof(buf)),
		      "dax0.0???"), "printable: controls and UTF-8 as '?'");
	CHECK(!strcmp(rb_printable("namespace0.0000000", buf, sizeof(buf)),
		      "namespace0.0..."), "printable: cut with ...");
	CHECK(rb_is_name_byte('a') && !rb_is_name_byte(' ') &&
	      !rb_is_name_byte(0x7f) && !rb_is_name_byte(0x80) &&
	      rb_is_control('\n') && rb_is_control(0x7f) &&
	      !rb_is_control(' '), "byte classes");
}

static void test_escapes(void)
{
	check_put(rb_put_text, "nd\x1b[31m\n" FAKE "\t|\x7f",
		  "nd\\x1b[31m\\n" FAKE "\\x09|\\x7f", "text: \\n and \\xNN");
	check_put(rb_put_text, "Intel(R) Xeon(R) @ 3.00GHz",
		  "Intel(R) Xeon(R) @ 3.00GHz", "text: plain text as it is");
	check_put(rb_put_markdown, "# heading", "\\# heading",
		  "markdown: no heading");
	check_put(rb_put_markdown, "> quote", "\\> quote",
		  "markdown: no quote");
	check_put(rb_put_markdown, "- item", "\\- item", "markdown: no list");
	check_put(rb_put_markdown, "+ item", "\\+ item", "markdown: no list +");
	check_put(rb_put_markdown, "* item", "\\* item", "markdown: no list *");
	check_put(rb_put_markdown, "12. item", "12\\. item",
		  "markdown: no ordered list");
	check_put(rb_put_markdown, "3) x 4. y", "3\\) x 4. y",
		  "markdown: only a leading list number");
	check_put(rb_put_markdown, "| a | b |", "\\| a \\| b \\|",
		  "markdown: no table cell");
	check_put(rb_put_markdown, "`code` <b>&amp; [l](u) ~s~ _e_ \\",
		  "\\`code\\` \\<b\\>\\&amp; \\[l\\](u) \\~s\\~ \\_e\\_ \\\\",
		  "markdown: no code span, HTML, entity, link, emphasis");
	check_put(rb_put_markdown, "CONFIG_DEBUG_VM nd_pmem",
		  "CONFIG_DEBUG_VM nd_pmem", "markdown: '_' inside a word");
	check_put(rb_put_markdown, "x\n# heading\x1b[2J",
		  "x\\n\\# heading\\x1b\\[2J",
		  "markdown: newline and ESC escaped");
	check_put(rb_put_xml, "<a href=\"x\">&'\x1b\n</a>",
		  "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\xef\xbf\xbd"
		  "\xef\xbf\xbd&lt;/a&gt;", "XML: markup and controls");
}

static char *wrap_to_string(const char *text, size_t width, size_t hang)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rb_wrap(f, text, width, 0, hang);
	fclose(f);
	return buf;
}

static void test_wrap_and_label(void)
{
	struct rb_target_desc t = {
		.driver = (char *)"nd pmem \"x\"", .mode = (char *)"fsdax",
		.align = 2 << 20,
	};
	char *got, label[160];

	got = wrap_to_string("Caveat: a\n" FAKE ".", 75, 2);
	CHECK(got && !strcmp(got, "Caveat: a\\n" FAKE ".\n"),
	      "wrap: a newline in the text is escaped, not a line");
	free(got);
	got = wrap_to_string("Caveat: " FAKE, 30, 2);
	CHECK(got && !strcmp(got, "Caveat: This reduces the\n"
			     "  average rebind time by about\n  90%\n"),
	      "wrap: continuation lines indented by @hang");
	free(got);
	rb_config_label(label, sizeof(label), &t, 512, RB_LABEL_DRIVER);
	CHECK(!strcmp(label, "\"nd pmem \\\"x\\\"\" fsdax align=2M 512 pages"),
	      "label: a name that is not one word is quoted (%s)", label);
	t.driver = (char *)"nd_pmem";
	rb_config_label(label, sizeof(label), &t, 0, RB_LABEL_DRIVER);
	CHECK(!strcmp(label, "nd_pmem fsdax align=2M"),
	      "label: a plain name as it is (%s)", label);
}

static void test_compare_escaped(void);
static void test_compare_loaded(void);
static void test_human_summary(void);

static struct rb_document *load_fixture(const char *name)
{
	const char *dir = getenv("RB_FIXTURES");
	char path[512], err[256];
	struct rb_document *d;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "test/fixtures",
		 name);
	d = rb_document_load(path, err, sizeof(err));
	if (!CHECK(d, "load %s", name))
		printf("# %s\n", err);
	return d;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = strdup(s);
}

static void set_fp(struct rb_document *d, const char *key, const char *v)
{
	json_object_object_add(d->fingerprint, key, json_object_new_string(v));
}

static char *format_to_string(const struct rb_comparison *c, int fmt)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (fmt < 0)
		rb_svg_plot(c, f);
	else
		rb_comparison_print(c, fmt, f);
	fclose(f);
	return buf;
}

/* Whether @text has the line @line, whole. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p;

	for (p = text; p && (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[n] == '\n' || !p[n]))
			return true;
	return false;
}

static void check_lines(const char *text, const char *const *want,
			const char *what)
{
	for (; *want; want++)
		if (!CHECK(text && has_line(text, *want), "%s: line \"%s\"",
			   what, *want) && text)
			printf("# output:\n%s\n", text);
}

/* No raw control byte but the newlines, no line the fake sentence. */
static void check_clean(const char *text, const char *what)
{
	const char *p;
	bool raw = false;

	for (p = text; p && *p; p++)
		raw |= *p != '\n' && rb_is_control((unsigned char)*p);
	CHECK(text && !raw, "%s: no control character", what);
	CHECK(text && strncmp(text, FAKE, strlen(FAKE)) &&
	      !strstr(text, "\n" FAKE), "%s: no line starts with the fake",
	      what);
}

int main(void)
{
	test_checks();
	test_escapes();
	test_wrap_and_label();
	test_compare_escaped();
	test_compare_loaded();
	test_human_summary();
	return unit_done();
}

static void test_compare_escaped(void)
{
	struct rb_document *b = load_fixture("compare-upstream-base.json");
	struct rb_document *n = load_fixture("compare-upstream-new.json");
	struct rb_compare_opts o = { .alpha = 0.05, .noise = 0.02 };
	const char *pb = "base.json", *pn = "new.json";
	struct rb_side sb = { &b, &pb, 1 }, sn = { &n, &pn, 1 };
	static const char *const names[] = {
		"SVG", "JSON", "human", "markdown", "commit",
	};
	static const char *const want[][6] = {
		{ "<text x=\"90\" y=\"24\" font-size=\"16\" font-weight=\"bold\">rebind time, Base (7.2.0-rc1" U "]0;x" U ") vs New (7.2.0-rc1+) (every steady-state rebind)</text>",
		  "<text x=\"90\" y=\"86.0\" font-weight=\"bold\">&quot;nd_pmem" U "[31m" U FAKE "&quot; fsdax map=mem align=2M size=100G 26214400 pages</text>",
		  "<text x=\"90\" y=\"276.0\" fill=\"#a00\">differs besides the kernel: cpu_model: base Intel(R) Xeon(R) Gold 6354 CPU @ 3.00GHz, new Xeon | x" U "# heading</text>",
		  NULL },
		{ "    \"title\": \"Base (7.2.0-rc1\\u001b]0;x\\u0007)\"",
		  "        \"driver\": \"nd_pmem\\u001b[31m\\n" FAKE "\",",
		  "      \"new\": \"Xeon | x\\n# heading\"",
		  NULL },
		{ "Base (7.2.0-rc1\\x1b]0;x\\x07) vs New (7.2.0-rc1+)",
		  "\"nd_pmem\\x1b[31m\\n" FAKE "\" fsdax map=mem align=2M size=100G 26214400 pages",
		  "differs: cpu_model: base Intel(R) Xeon(R) Gold 6354 CPU @ 3.00GHz, new Xeon | x\\n# heading",
		  "caveat: \"nd_pmem\\x1b[31m\\n" FAKE "\"",
		  "    fsdax map=mem align=2M size=100G 26214400 pages: 1 boot per kernel:",
		  NULL },
		{ "**Base (7.2.0-rc1\\x1b\\]0;x\\x07) vs New (7.2.0-rc1+)**",
		  "### \"nd_pmem\\x1b\\[31m\\n" FAKE "\" fsdax map=mem align=2M size=100G 26214400 pages",
		  "- differs: cpu_model: base Intel(R) Xeon(R) Gold 6354 CPU @ 3.00GHz, new Xeon \\| x\\n\\# heading",
		  NULL },
		{ "Base (7.2.0-rc1\\x1b]0;x\\x07) vs New (7.2.0-rc1+)",
		  "\"nd_pmem\\x1b[31m\\n" FAKE "\" fsdax",
		  "  map=mem align=2M size=100G 26214400 pages",
		  "Differs besides the kernel: cpu_model: base Intel(R) Xeon(R) Gold 6354 CPU",
		  "  @ 3.00GHz, new Xeon | x\\n# heading.",
		  NULL },
	};
	struct rb_comparison c;
	int fmt;

	if (!b || !n)
		return;
	set_str(&b->configs[0].target.driver, "nd_pmem\x1b[31m\n" FAKE);
	set_str(&n->configs[0].target.driver, "nd_pmem\x1b[31m\n" FAKE);
	set_fp(b, "kernel_release", "7.2.0-rc1\x1b]0;x\x07");
	set_fp(n, "cpu_model", "Xeon | x\n# heading");
	if (!CHECK(rb_compare(&sb, &sn, &o, &c) == 0 && c.nr_pairs == 1,
		   "crafted strings: compared"))
		return;
	for (fmt = -1; fmt <= RB_CMP_COMMIT; fmt++) {
		char *text = format_to_string(&c, fmt);
		struct json_object *root;

		check_lines(text, want[fmt + 1], names[fmt + 1]);
		if (fmt != RB_CMP_JSON) {
			check_clean(text, names[fmt + 1]);
		} else {
			root = text ? json_tokener_parse(text) : NULL;
			CHECK(root && !strcmp(json_object_get_string(json_object_object_get(
				json_object_array_get_idx(json_object_object_get(
				root, "comparisons"), 0), "label")), c.pairs[0].label),
			      "JSON: the label as it is, escaped by json-c");
			json_object_put(root);
		}
		free(text);
	}
	rb_comparison_free(&c);
	rb_document_free(b);
	rb_document_free(n);
}

/* A fixture with crafted strings set in its JSON, then loaded. */
static struct rb_document *crafted(const char *name, const char *driver,
				   const char *cmdline)
{
	const char *dir = getenv("RB_FIXTURES");
	struct json_object *root, *tgt;
	struct rb_document *d;
	char path[512], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "test/fixtures",
		 name);
	root = json_object_from_file(path);
	if (!CHECK(root, "read %s", name))
		return NULL;
	tgt = json_object_object_get(json_object_array_get_idx(
		json_object_object_get(root, "configurations"), 0), "target");
	json_object_object_add(tgt, "driver", json_object_new_string(driver));
	json_object_object_add(json_object_object_get(root, "fingerprint"),
			       "cmdline", json_object_new_string(cmdline));
	d = rb_document_from_json(root, err, sizeof(err));
	if (!CHECK(d, "the loader takes \"%s\"", driver))
		printf("# %s\n", err);
	json_object_put(root);
	return d;
}

/* Compare the crafted upstream fixtures; check @want of format @fmt. */
static void compare_crafted(const char *driver, const char *cmdline_new,
			    int fmt, const char *const *want,
			    const char *what)
{
	struct rb_document *b = crafted("compare-upstream-base.json", driver,
					"> quote");
	struct rb_document *n = crafted("compare-upstream-new.json", driver,
					cmdline_new);
	struct rb_compare_opts o = { .alpha = 0.05, .noise = 0.02 };
	const char *pb = "base.json", *pn = "new.json";
	struct rb_side sb = { &b, &pb, 1 }, sn = { &n, &pn, 1 };
	struct rb_comparison c;
	char *text;

	if (b && n && CHECK(rb_compare(&sb, &sn, &o, &c) == 0 &&
			    c.nr_pairs == 1, "%s: compared", what)) {
		text = format_to_string(&c, fmt);
		check_lines(text, want, what);
		check_clean(text, what);
		free(text);
		rb_comparison_free(&c);
	}
	rb_document_free(b);
	rb_document_free(n);
}

#define X10 "xxxxxxxxxx"

static void test_compare_loaded(void)
{
	static const char *const md[] = {
		"### \"\\# heading \\| x\" fsdax map=mem align=2M size=100G 26214400 pages",
		"- differs: cmdline: base \\> quote, new \\- quiet \\| \\`x\\` \\<b\\>",
		"- \"\\# heading \\| x\" fsdax map=mem align=2M size=100G 26214400 pages: 1 boot per kernel: iterations are the unit, so between-boot variance (memory placement, boot-time state) is not in the interval and the kernel is confounded with the boot; give another boot of the base kernel with --aa to measure it, or measure at least 4 boots per kernel",
		NULL,
	};
	/* 69 x: the fake sentence would begin the label's second line */
	static const char *const commit[] = {
		"\"#" X10 X10 X10 X10 X10 X10 "xxxxxxxxx",
		"  " FAKE "\" fsdax map=mem align=2M",
		"  size=100G 262",
		"Differs besides the kernel: cmdline: base > quote, new - quiet | `x` <b>.",
		NULL,
	};

	compare_crafted("# heading | x", "- quiet | `x` <b>", RB_CMP_MARKDOWN,
			md, "markdown of a loaded document");
	compare_crafted("#" X10 X10 X10 X10 X10 X10 "xxxxxxxxx " FAKE,
			"- quiet | `x` <b>", RB_CMP_COMMIT, commit,
			"commit of a loaded document");
}

/* The summary after a run or an import: device, driver, region, notes. */
static void test_human_summary(void)
{
	static const char *const want[] = {
		"namespace0.0\\x1b[31m\\nThis reduces the average rebind time by about 90% fsdax",
		"    map=mem align=2M size=100G (nd_pmem\\x1b]0;x\\x07) region0\\x1b[2J node 0",
		NULL,
	};
	struct rb_document *d = load_fixture("compare-upstream-base.json");
	char *buf = NULL;
	size_t len;
	FILE *f;

	if (!d)
		return;
	set_str(&d->configs[0].target.dev, "namespace0.0\x1b[31m\n" FAKE);
	set_str(&d->configs[0].target.driver, "nd_pmem\x1b]0;x\x07");
	set_str(&d->configs[0].target.region, "region0\x1b[2J");
	f = open_memstream(&buf, &len);
	if (f) {
		rb_human_summary(f, d);
		fclose(f);
	}
	check_lines(buf, want, "human summary");
	check_clean(buf, "human summary");
	free(buf);
	rb_document_free(d);
}
