// SPDX-License-Identifier: GPL-2.0
/*
 * --breakdown: the call tree, the share arithmetic and its means, the
 * document round trip and the loader's refusals, the trace pairing of
 * the extra kprobe pairs, and the kallsyms lookup that skips an inlined
 * function.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "report/compare.h"
#include "results/breakdown.h"
#include "results/document.h"
#include "run/bd-probes.h"
#include "run/kprobe.h"
#include "unit.h"
#include "fake-root.h"

#define ALL4 (RB_BD_ALL & ~(1u << RB_BD_PAGEMAP_RANGE))

static void test_tree(void)
{
	CHECK(rb_bd_by_name("move_pfn_range_to_zone") == RB_BD_MOVE_PFN_RANGE &&
		      rb_bd_by_name("memmap_init_zone_device") ==
			      RB_BD_MEMMAP_INIT &&
		      rb_bd_by_name("__init_zone_device_page") == -1 &&
		      rb_bd_by_name(NULL) == -1,
	      "tree: names to indexes, per-page helpers are not in the set");
	CHECK(rb_bd_parent(RB_BD_MEMMAP_INIT, RB_BD_ALL) ==
			      RB_BD_PAGEMAP_RANGE &&
		      rb_bd_depth(RB_BD_MEMMAP_INIT, RB_BD_ALL) == 2,
	      "tree: memmap_init_zone_device is a child of pagemap_range");
	CHECK(rb_bd_parent(RB_BD_ARCH_ADD_MEMORY, ALL4) ==
			      RB_BD_MEMREMAP_PAGES &&
		      rb_bd_depth(RB_BD_MOVE_PFN_RANGE, ALL4) == 1,
	      "tree: without pagemap_range, children of memremap_pages");
	CHECK(rb_bd_parent(RB_BD_MEMREMAP_PAGES, RB_BD_ALL) == -1 &&
		      rb_bd_depth(RB_BD_MEMREMAP_PAGES, RB_BD_ALL) == 0 &&
		      rb_bd_parent(RB_BD_MEMMAP_INIT,
				   1u << RB_BD_MEMMAP_INIT) == -1,
	      "tree: the root, and a lone function, have no parent");
}

static void set_bd(struct rb_sample *s, int fn, uint64_t ns, unsigned int c)
{
	s->bd_have |= 1u << fn;
	s->bd[fn].ns = ns;
	s->bd[fn].calls = c;
}

/* A steady sample: bind of @bind ns, memremap_pages @mp, memmap @mi. */
static struct rb_sample sample(unsigned int iter, uint64_t bind, uint64_t mp,
			       uint64_t mi)
{
	struct rb_sample s;

	memset(&s, 0, sizeof(s));
	s.iter = iter;
	s.nr_ranges = 1;
	rb_sample_set(&s, RB_SRC_BIND_NS, bind);
	rb_sample_set(&s, RB_SRC_MEMMAP_NS, mi);
	set_bd(&s, RB_BD_MEMREMAP_PAGES, mp, 1);
	set_bd(&s, RB_BD_ARCH_ADD_MEMORY, mp / 10, 1);
	set_bd(&s, RB_BD_MOVE_PFN_RANGE, 0, 0);
	set_bd(&s, RB_BD_MEMMAP_INIT, mi, 1);
	return s;
}

static void test_share(void)
{
	struct rb_sample s = sample(1, 40000000, 30000000, 10000000);
	struct rb_config_result a, b;
	struct rb_bd_summary sum;
	double share = -1;

	CHECK(rb_bd_share(&s, RB_BD_MEMREMAP_PAGES, &share) && share == 0.75,
	      "share: 30 ms of a 40 ms bind is 0.75 (%g)", share);
	CHECK(rb_bd_share(&s, RB_BD_MOVE_PFN_RANGE, &share) && share == 0,
	      "share: a probed function not called has share 0");
	CHECK(!rb_bd_share(&s, RB_BD_PAGEMAP_RANGE, &share),
	      "share: none for a function not probed");
	s.bind_ns = 0;
	CHECK(!rb_bd_share(&s, RB_BD_MEMREMAP_PAGES, &share),
	      "share: none for a zero bind time");
	s.have &= ~RB_SRC_BIND_NS;
	s.bind_ns = 40000000;
	CHECK(!rb_bd_share(&s, RB_BD_MEMREMAP_PAGES, &share),
	      "share: none without the wall source");

	/* Two boots: 0.75 and 0.5 in one, 0.25 in the other. */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.samples = calloc(3, sizeof(*a.samples));
	b.samples = calloc(1, sizeof(*b.samples));
	if (!a.samples || !b.samples)
		exit(1);
	a.samples[0] = sample(1, 40000000, 30000000, 10000000);
	a.samples[1] = sample(2, 40000000, 20000000, 10000000);
	a.samples[2] = s; /* no bind time: left out */
	a.nr_samples = 3;
	b.samples[0] = sample(1, 80000000, 20000000, 10000000);
	b.nr_samples = 1;
	memset(&sum, 0, sizeof(sum));
	CHECK(isnan(rb_bd_summary_share(&sum)) && isnan(rb_bd_summary_ns(&sum)),
	      "summary: empty is NAN");
	rb_bd_summary_add(&sum, &a, RB_BD_MEMREMAP_PAGES);
	rb_bd_summary_add(&sum, &b, RB_BD_MEMREMAP_PAGES);
	CHECK_U64(sum.n, 3, "summary: three samples with a bind time");
	CHECK(fabs(rb_bd_summary_share(&sum) - 0.5) < 1e-12,
	      "summary: mean share (0.75 + 0.5 + 0.25) / 3 = 0.5 (%g)",
	      rb_bd_summary_share(&sum));
	CHECK(fabs(rb_bd_summary_ns(&sum) - 70e6 / 3) < 1e-3 &&
		      rb_bd_summary_calls(&sum) == 1,
	      "summary: mean ns and calls");
	free(a.samples);
	free(b.samples);
}

/* A live document of one configuration with three breakdown samples. */
static struct rb_document *make_doc(void)
{
	struct rb_document *doc = rb_document_new("ndctl-rebind-bench", "live");
	struct rb_config_result *cfg = doc ? rb_document_add_config(doc) : NULL;
	struct rb_sample s;
	unsigned int i;

	if (!cfg)
		exit(1);
	cfg->settings.runs = 3;
	cfg->settings.sources = RB_SRC_MEMMAP_NS | RB_SRC_BIND_NS;
	cfg->settings.breakdown = ALL4;
	cfg->bd_missing[RB_BD_PAGEMAP_RANGE] = strdup("inlined");
	for (i = 0; i < 3; i++) {
		s = sample(i + 1, 30000000 + i, 29000000 - i, 9000000 + 7 * i);
		rb_config_add_sample(cfg, &s);
	}
	return doc;
}

static struct json_object *first_sample(struct json_object *root)
{
	struct json_object *cfgs, *cfg, *samples;

	json_object_object_get_ex(root, "configurations", &cfgs);
	cfg = json_object_array_get_idx(cfgs, 0);
	json_object_object_get_ex(cfg, "samples", &samples);
	return json_object_array_get_idx(samples, 0);
}

static struct json_object *bd_of(struct json_object *root, const char *fn)
{
	struct json_object *bd, *t;

	json_object_object_get_ex(first_sample(root), "breakdown", &bd);
	json_object_object_get_ex(bd, fn, &t);
	return t;
}

static void test_round_trip(void)
{
	struct rb_document *doc = make_doc(), *back;
	struct json_object *o = rb_document_to_json(doc), *t, *v;
	const struct rb_config_result *c;
	char err[256] = "";

	t = bd_of(o, "memremap_pages");
	CHECK(t && json_object_object_get_ex(t, "share", &v) &&
		      fabs(json_object_get_double(v) - 29.0 / 30) < 1e-6,
	      "save: the share is written, ns / bind_ns");
	CHECK(!bd_of(o, "pagemap_range"),
	      "save: no time for an absent function");
	back = rb_document_from_json(o, err, sizeof(err));
	CHECK(back, "load: the saved document loads (%s)", err);
	if (back) {
		c = &back->configs[0];
		CHECK(c->settings.breakdown == ALL4 &&
			      c->bd_missing[RB_BD_PAGEMAP_RANGE] &&
			      !strcmp(c->bd_missing[RB_BD_PAGEMAP_RANGE],
				      "inlined"),
		      "load: the probed functions and the missing one");
		CHECK(c->nr_samples == 3 && c->samples[2].bd_have == ALL4 &&
			      c->samples[2].bd[RB_BD_MEMMAP_INIT].ns ==
				      9000014 &&
			      c->samples[2].bd[RB_BD_MOVE_PFN_RANGE].calls == 0,
		      "load: every sample's times and calls");
	}
	rb_document_free(back);
	json_object_put(o);
	rb_document_free(doc);
}

/* Load the document after @edit changed the first sample's breakdown. */
static void refuse(const char *what, const char *want,
		   void (*edit)(struct json_object *root))
{
	struct rb_document *doc = make_doc(), *back;
	struct json_object *o = rb_document_to_json(doc);
	char err[256] = "";

	edit(o);
	back = rb_document_from_json(o, err, sizeof(err));
	CHECK(!back && strstr(err, want) && !strchr(err, '\n'),
	      "refused: %s (%s)", what, err);
	rb_document_free(back);
	json_object_put(o);
	rb_document_free(doc);
}

static void set_member(struct json_object *o, const char *key,
		       struct json_object *v)
{
	json_object_object_add(o, key, v);
}

static void e_unknown_fn(struct json_object *r)
{
	struct json_object *bd;

	json_object_object_get_ex(first_sample(r), "breakdown", &bd);
	set_member(bd, "__init_zone_device_page",
		   json_object_get(bd_of(r, "memremap_pages")));
}

static void e_calls_zero(struct json_object *r)
{
	set_member(bd_of(r, "memremap_pages"), "calls", json_object_new_int(0));
}

static void e_calls_huge(struct json_object *r)
{
	set_member(bd_of(r, "memremap_pages"), "calls",
		   json_object_new_int64(1 << 20));
}

static void e_ns_negative(struct json_object *r)
{
	set_member(bd_of(r, "arch_add_memory"), "ns", json_object_new_int(-5));
}

static void e_ns_string(struct json_object *r)
{
	set_member(bd_of(r, "arch_add_memory"), "ns",
		   json_object_new_string("5"));
}

static void e_share_wrong(struct json_object *r)
{
	set_member(bd_of(r, "memmap_init_zone_device"), "share",
		   json_object_new_double(0.9));
}

static void e_share_no_bind(struct json_object *r)
{
	json_object_object_del(first_sample(r), "bind_ns");
}

static void e_time_array(struct json_object *r)
{
	struct json_object *bd;

	json_object_object_get_ex(first_sample(r), "breakdown", &bd);
	set_member(bd, "memremap_pages", json_object_new_array());
}

static void e_not_probed(struct json_object *r)
{
	struct json_object *bd;

	json_object_object_get_ex(first_sample(r), "breakdown", &bd);
	set_member(bd, "pagemap_range",
		   json_object_get(bd_of(r, "memremap_pages")));
}

static struct json_object *cfg0(struct json_object *r)
{
	struct json_object *cfgs;

	json_object_object_get_ex(r, "configurations", &cfgs);
	return json_object_array_get_idx(cfgs, 0);
}

static void e_settings_twice(struct json_object *r)
{
	struct json_object *set, *arr = json_object_new_array();

	json_object_object_get_ex(cfg0(r), "settings", &set);
	json_object_array_add(arr, json_object_new_string("memremap_pages"));
	json_object_array_add(arr, json_object_new_string("memremap_pages"));
	set_member(set, "breakdown", arr);
}

static void e_missing_probed(struct json_object *r)
{
	struct json_object *arr, *m;

	json_object_object_get_ex(cfg0(r), "breakdown_missing", &arr);
	m = json_object_array_get_idx(arr, 0);
	set_member(m, "function", json_object_new_string("memremap_pages"));
}

static void test_refusals(void)
{
	refuse("an unknown function", "unknown breakdown function",
	       e_unknown_fn);
	refuse("ns in 0 calls", "in 0 calls", e_calls_zero);
	refuse("calls beyond the bound", "out of range", e_calls_huge);
	refuse("a negative time", "non-negative", e_ns_negative);
	refuse("a time as a string", "expected int", e_ns_string);
	refuse("a share that is not ns / bind_ns", "is not ns / bind_ns",
	       e_share_wrong);
	refuse("a share without bind_ns", "without a bind_ns", e_share_no_bind);
	refuse("a time that is no object", "expected an object", e_time_array);
	refuse("a time of a function not probed", "does not list",
	       e_not_probed);
	refuse("a function listed twice", "listed twice", e_settings_twice);
	refuse("a function both probed and missing", "both probed and missing",
	       e_missing_probed);
}

#define TL(pid, ts, ev) "  rb-" #pid " [000] ..... " ts ": " ev ": (x)\n"

static void test_parse(void)
{
	static const char *const extra[] = {
		"memremap_pages", "arch_add_memory", "memmap_init_zone_device",
		"pagemap_range.isra.0",
	};
	/* pid 5 binds (nested pairs); pid 6's memremap_pages loses its exit. */
	static const char trace[] =
		TL(5, "10.000000", "bd_memremap_pages_entry")
		TL(6, "10.000001", "bd_memremap_pages_entry")
		TL(5, "10.000100", "bd_arch_add_memory_entry")
		TL(5, "10.000300", "bd_arch_add_memory_exit")
		TL(5, "10.000400", "memmap_init_zone_device_entry")
		TL(5, "10.000401", "bd_memmap_init_zone_device_entry")
		TL(5, "10.008401", "bd_memmap_init_zone_device_exit")
		TL(5, "10.008402", "memmap_init_zone_device_exit")
		TL(5, "10.009000", "bd_memremap_pages_exit")
		TL(5, "10.009100", "bd_pagemap_range_exit")
		TL(5, "10.009200", "some_other_event");
	struct rb_kprobe_result r;
	char ev[64];

	rb_kprobe_parse_extra(trace, extra, 4, &r);
	CHECK(r.nr_pairs == 1 && r.total_ns == 8002000 && r.unpaired == 0,
	      "parse: the memmap pair as before, among the extra events");
	CHECK(r.extra[0].nr_calls == 1 && r.extra[0].total_ns == 9000000 &&
		      r.extra[0].unpaired == 1,
	      "parse: memremap_pages by pid, the other pid's entry unpaired");
	CHECK(r.extra[1].nr_calls == 1 && r.extra[1].total_ns == 200000,
	      "parse: arch_add_memory nested inside it");
	CHECK(r.extra[2].nr_calls == 1 && r.extra[2].total_ns == 8000000,
	      "parse: the second pair on memmap_init_zone_device");
	CHECK(r.extra[3].nr_calls == 0 && r.extra[3].unpaired == 1,
	      "parse: a clone's events lose the suffix; a stray exit counts");
	rb_kprobe_parse(trace, &r);
	CHECK(r.nr_pairs == 1 && r.extra[0].nr_calls == 0,
	      "parse: without the list only the memmap pair");
	rb_kprobe_extra_event("pagemap_range.constprop.0", true, ev,
			      sizeof(ev));
	CHECK(!strcmp(ev, "bd_pagemap_range_exit"), "parse: event name %s", ev);
}

static void test_resolve(void)
{
	char syms[RB_NR_BD][RB_BD_SYM_LEN], why[RB_NR_BD][RB_BD_WHY_LEN];
	int found;

	fake_root_new("bd");
	fake_mkdir("/proc");
	fake_file("/proc/kallsyms",
		  "ffffffff8135df60 T memremap_pages\n"
		  "ffffffff8135d000 t pagemap_range.part.0\n"
		  "ffffffff810865a0 t arch_add_memory.isra.0\n"
		  "ffffffff810865b0 T arch_add_memory\n"
		  "ffffffff81a4b570 T move_pfn_range_to_zone\n"
		  "ffffffff81a4b600 d memmap_init_zone_device\n"
		  "ffffffff81a4ab90 T memmap_init_zone_device\n"
		  "ffffffffc0001000 t memremap_pages_x [mod]\n");
	found = rb_bd_resolve(fake_root, syms, why);
	CHECK(found == (int)ALL4, "resolve: four of five found (%#x)", found);
	CHECK(!syms[RB_BD_PAGEMAP_RANGE][0] &&
		      strstr(why[RB_BD_PAGEMAP_RANGE], "inlined"),
	      "resolve: a .part fragment is not the function: %s",
	      why[RB_BD_PAGEMAP_RANGE]);
	CHECK(!strcmp(syms[RB_BD_ARCH_ADD_MEMORY], "arch_add_memory"),
	      "resolve: the plain name wins over a clone");
	CHECK(!strcmp(syms[RB_BD_MEMMAP_INIT], "memmap_init_zone_device"),
	      "resolve: only text symbols");
	fake_file("/proc/kallsyms", "0 t pagemap_range.constprop.0\n");
	found = rb_bd_resolve(fake_root, syms, why);
	CHECK(found == 1 << RB_BD_PAGEMAP_RANGE &&
		      !strcmp(syms[RB_BD_PAGEMAP_RANGE],
			      "pagemap_range.constprop.0"),
	      "resolve: a whole clone is probed under its own name");
	fake_root_remove();
	fake_root_new("bd");
	found = rb_bd_resolve(fake_root, syms, why);
	CHECK(found == -ENOENT && strstr(why[0], "kallsyms"),
	      "resolve: no kallsyms is an error: %s", why[0]);
	fake_root_remove();
}

/* compare: the mean shares per side, the tree in text and JSON. */
static void test_compare(void)
{
	static const struct rb_compare_opts opts = { .alpha = 0.05,
						     .noise = 0.02 };
	struct rb_document *b = make_doc(), *n = make_doc();
	const char *paths[] = { "b.json", "n.json" };
	struct rb_side sb = { &b, paths, 1 }, sn = { &n, paths + 1, 1 };
	struct json_object *o, *bd, *fns, *f0, *v;
	struct rb_comparison c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	double want = (29.0 / 30 + 28999999.0 / 30000001 +
		       28999998.0 / 30000002) / 3;

	/* The new side: memmap_init_zone_device twice as long. */
	n->configs[0].samples[1].bd[RB_BD_MEMMAP_INIT].ns *= 2;
	if (rb_compare(&sb, &sn, &opts, &c)) {
		CHECK(0, "compare: runs");
		return;
	}
	CHECK(c.nr_pairs == 1 && c.pairs[0].bd_mask == ALL4,
	      "compare: the four probed functions of both sides");
	CHECK(fabs(rb_bd_summary_share(&c.pairs[0].bd[0].base) - want) < 1e-12,
	      "compare: base share of memremap_pages: the samples' mean");
	CHECK(rb_bd_summary_ns(&c.pairs[0].bd[RB_BD_MEMMAP_INIT].newer) >
		      rb_bd_summary_ns(&c.pairs[0].bd[RB_BD_MEMMAP_INIT].base),
	      "compare: each side its own figures");
	o = rb_comparison_to_json(&c);
	json_object_object_get_ex(o, "comparisons", &v);
	json_object_object_get_ex(json_object_array_get_idx(v, 0), "breakdown",
				  &bd);
	json_object_object_get_ex(bd, "functions", &fns);
	f0 = json_object_array_get_idx(fns, 3);
	CHECK(json_object_array_length(fns) == 4 &&
		      json_object_object_get_ex(f0, "parent", &v) &&
		      !strcmp(json_object_get_string(v), "memremap_pages"),
	      "compare JSON: memmap_init_zone_device under memremap_pages");
	json_object_put(o);
	f = open_memstream(&text, &len);
	if (f) {
		rb_comparison_print(&c, RB_CMP_HUMAN, f);
		fclose(f);
	}
	CHECK(text && strstr(text, "not additive") &&
		      strstr(text, "\n    memremap_pages") &&
		      strstr(text, "\n      memmap_init_zone_device "),
	      "compare text: the tree, children indented, the nesting note");
	free(text);
	rb_comparison_free(&c);
	rb_document_free(b);
	rb_document_free(n);
}

/* Write a breakdown document for the schema test. */
static int emit(const char *dir)
{
	struct rb_document *doc = make_doc();
	char path[512];
	int rc;

	snprintf(path, sizeof(path), "%s/doc-breakdown.json", dir);
	rc = rb_document_write(doc, path);
	rb_document_free(doc);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "--emit"))
		return emit(argv[2]);
	test_tree();
	test_share();
	test_round_trip();
	test_refusals();
	test_parse();
	test_resolve();
	test_compare();
	return unit_done();
}
