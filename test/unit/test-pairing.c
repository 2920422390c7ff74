// SPDX-License-Identifier: GPL-2.0
/*
 * compare's pairing through the page-count index (util/u64-index.c):
 * the index against a plain list, then pairs and mismatches of
 * documents built here: thousands of configurations in shuffled order,
 * keys known on one side only (an import knows the page count alone),
 * and configurations that pair with nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare.h"
#include "util/u64-index.h"
#include "unit.h"

static void test_index(void)
{
	struct rb_u64_index x = { 0 };
	size_t i, pos, got, n, bad = 0;
	int rc = 0;

	/* 5000 indices under 1000 keys (i % 1000), index 7 also under 0 */
	for (i = 0; i < 5000 && !rc; i++)
		rc = rb_u64_index_add(&x, (uint64_t)(i % 1000) << 40, i);
	rc = rc ?: rb_u64_index_add(&x, 0, 7);
	CHECK(!rc && x.nr_keys == 1000, "5001 filings under 1000 keys");
	for (i = 0; i < 1000; i++) {
		n = 0;
		pos = 0;
		while ((got = rb_u64_index_walk(&x, (uint64_t)i << 40, &pos)) !=
		       RB_U64_INDEX_END) {
			bad += got != i + 1000 * n - (i == 0 && n == 5 ? 4993 : 0);
			n++;
		}
		bad += n != (i ? 5 : 6);
	}
	CHECK(!bad, "every key walks its indices in filing order");
	pos = 0;
	CHECK(rb_u64_index_walk(&x, 12345, &pos) == RB_U64_INDEX_END,
	      "a key never filed has no index");
	rb_u64_index_free(&x);
	pos = 0;
	CHECK(rb_u64_index_walk(&x, 0, &pos) == RB_U64_INDEX_END,
	      "an empty index has nothing");
}

/* A configuration of @pages pages with @n rebinds of @ms ms. */
static void add_config(struct rb_document *d, const char *mode,
		       uint64_t pages, uint64_t ms, size_t n)
{
	struct rb_config_result *cfg = rb_document_add_config(d);
	struct rb_sample s = { .have = RB_SRC_MEMMAP_NS, .nr_pages = pages,
			       .nr_ranges = 1 };
	size_t i;

	if (!cfg)
		return;
	cfg->target.mode = mode ? strdup(mode) : NULL;
	cfg->target.expected_nr_pages = pages;
	cfg->settings.sources = RB_SRC_MEMMAP_NS;
	for (i = 0; i < n; i++) {
		s.iter = (unsigned int)i + 1;
		s.memmap_ns = ms * 1000000 + i * 1000;
		rb_config_add_sample(cfg, &s);
	}
}

static struct rb_document *doc(void)
{
	struct rb_document *d = rb_document_new("ndctl-rebind-bench", "live");

	if (d)
		d->complete = true;
	return d;
}

#define NR 500 /* keys enough for the table to grow four times */

static void test_pairs(void)
{
	struct rb_document *b = doc(), *n = doc();
	struct rb_compare_opts o = { .alpha = 0.05, .noise = 0.02 };
	const char *pb = "base.json", *pn = "new.json";
	struct rb_side sb = { &b, &pb, 1 }, sn = { &n, &pn, 1 };
	struct rb_comparison c;
	size_t i, bad = 0, only_base = 0, only_new = 0;

	if (!b || !n)
		return;
	/* base in order, new reversed: the index, not the order, pairs */
	for (i = 0; i < NR; i++)
		add_config(b, "fsdax", 1000 + i, 100, 5);
	for (i = NR; i-- > 0;)
		add_config(n, "fsdax", 1000 + i, 50, 5);
	/* only in base; only in new; an import (page count only) that
	 * pairs with the live fsdax and devdax configurations of its size */
	add_config(b, "fsdax", 999999, 100, 5);
	add_config(n, "devdax", 888888, 50, 5);
	add_config(b, NULL, 777777, 100, 5);
	add_config(n, "fsdax", 777777, 50, 5);
	add_config(n, "devdax", 777777, 50, 5);
	if (!CHECK(rb_compare(&sb, &sn, &o, &c) == 0, "compare %d a side",
		   NR))
		return;
	CHECK_U64(c.nr_pairs, NR + 2, "pairs");
	for (i = 0; i < NR; i++)
		bad += c.pairs[i].key.nr_pages != 1000 + i;
	CHECK(!bad, "pairs in the base's order, each of its own page count");
	CHECK(c.nr_pairs == NR + 2 &&
	      c.pairs[NR].key.nr_pages == 777777 &&
	      !strcmp(c.pairs[NR].key.mode, "fsdax") &&
	      c.pairs[NR + 1].key.nr_pages == 777777 &&
	      !strcmp(c.pairs[NR + 1].key.mode, "devdax"),
	      "the import pairs with fsdax, then devdax of its size");
	for (i = 0; i < c.nr_mismatches; i++) {
		only_base += !strcmp(c.mismatches[i].action, "not paired");
		only_new += !strcmp(c.mismatches[i].action, "only in new");
	}
	/* the base leftover is reported against its nearest: devdax 888888 */
	CHECK(c.nr_mismatches == 2 && only_base == 2 && !only_new,
	      "the two leftovers: mode and nr_pages differ (%zu mismatches)",
	      c.nr_mismatches);
	rb_comparison_free(&c);
	rb_document_free(b);
	rb_document_free(n);
}

int main(void)
{
	test_index();
	test_pairs();
	return unit_done();
}
