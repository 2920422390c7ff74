// SPDX-License-Identifier: GPL-2.0
/* The one size, time, wrap and configuration-label helper of the reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/config-label.h"
#include "util/format.h"
#include "unit.h"

static void test_size(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} cases[] = {
		{ 512, "512" }, { 4096, "4K" }, { 2097152, "2M" },
		{ 107374182400ull, "100G" }, { 1610612736ull, "1.50G" },
		{ 1ull << 40, "1T" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		rb_format_size(buf, sizeof(buf), cases[i].v);
		CHECK(!strcmp(buf, cases[i].want), "size %s: got %s",
		      cases[i].want, buf);
	}
}

static void test_time(void)
{
	char buf[32];

	rb_format_time(buf, sizeof(buf), 244.28e6, 244.28e6, "ns", -1);
	CHECK(!strcmp(buf, "244.28 ms"), "mean in ms: %s", buf);
	rb_format_time(buf, sizeof(buf), 1456e6, 1456e6, "ns", -1);
	CHECK(!strcmp(buf, "1456 ms"), "a second and more: %s", buf);
	rb_format_time(buf, sizeof(buf), 812400, 812400, "ns", -1);
	CHECK(!strcmp(buf, "812.40 us"), "below 1 ms: %s", buf);
	rb_format_time(buf, sizeof(buf), 0.71e6, 244e6, "ns", 2);
	CHECK(!strcmp(buf, "0.71 ms"), "SE in the mean's unit: %s", buf);
	rb_format_time(buf, sizeof(buf), 274, 274, "ms", 0);
	CHECK(!strcmp(buf, "274 ms"), "jiffy value: %s", buf);
}

static void test_wrap(void)
{
	char *text = NULL;
	size_t len;
	FILE *f = open_memstream(&text, &len);

	rb_wrap(f, "aaa bbb ccc σσσ dddddddddddd", 11, 2, 4);
	fclose(f);
	CHECK(text && !strcmp(text, "  aaa bbb\n    ccc σσσ\n    ddddddd\n    ddddd\n"),
	      "indent, hang, UTF-8 columns, a long word cut:\n%s", text);
	free(text);
}

static void test_label(void)
{
	struct rb_target_desc t = {
		.dev = "namespace0.0", .driver = "nd_pmem", .mode = "fsdax",
		.map = "dev", .align = 2097152, .size = 107374182400ull,
	};
	char buf[160];

	rb_config_label(buf, sizeof(buf), &t, 26214400,
			RB_LABEL_DEV | RB_LABEL_DRIVER);
	CHECK(!strcmp(buf, "namespace0.0 nd_pmem fsdax map=dev align=2M size=100G 26214400 pages"),
	      "full label: %s", buf);
	rb_config_label(buf, sizeof(buf), &t, 0, 0);
	CHECK(!strcmp(buf, "fsdax map=dev align=2M size=100G"),
	      "geometry only: %s", buf);
	memset(&t, 0, sizeof(t));
	rb_config_label(buf, sizeof(buf), &t, 0, RB_LABEL_DEV);
	CHECK(!strcmp(buf, "unknown configuration"), "nothing known: %s", buf);
}

int main(void)
{
	test_size();
	test_time();
	test_wrap();
	test_label();
	return unit_done();
}
