// SPDX-License-Identifier: GPL-2.0
/*
 * The expected memmap_init_zone_device() page counts and usable sizes the
 * nd target derives from a namespace's geometry, against what the Debian
 * 6.1 kernel printed and `ndctl list` reported in the VM (vm-notes.md,
 * guest-targets.sh), plus the name parsing of the target resolvers.
 */
#include <errno.h>
#include <stdint.h>
#include "target/target-priv.h"
#include "unit.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define KiB (1ULL << 10)
/* QEMU's emulated NVDIMM and e820 pmem (memmap=NG!4G) both start at 4G */
#define RES (4 * GiB)

struct geo_case {
	uint64_t size;
	bool map_dev;
	uint64_t align;
	uint64_t nr_pages;
	uint64_t usable; /* 0: not checked */
	const char *what;
};

static const struct geo_case cases[] = {
	{ 1 * GiB, true, 2 * MiB, 257536, 1054867456, "1G fsdax map=dev 2M" },
	{ 1 * GiB, true, 4 * KiB, 257536, 1054867456, "1G devdax map=dev 4K" },
	{ 1 * GiB, false, 2 * MiB, 262144, 1071644672, "1G map=mem 2M" },
	{ 4 * GiB, true, 2 * MiB, 1031680, 0, "4G map=dev 2M" },
	{ 4 * GiB, false, 2 * MiB, 1048576, 0, "4G map=mem 2M" },
	{ 4 * GiB, true, 1 * GiB, 786432, 3 * GiB, "4G devdax map=dev 1G" },
	{ 4 * GiB, false, 1 * GiB, 1048576, 3 * GiB, "4G devdax map=mem 1G" },
	{ 1 * GiB, true, 2 * MiB, 257536, 0, "labelled 1G map=dev 2M" },
	{ 512 * MiB, true, 2 * MiB, 128512, 0, "labelled 512M map=dev" },
};

static void check_geometry(void)
{
	uint64_t nr, usable;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct geo_case *c = &cases[i];

		if (!CHECK(rb_nd_geometry(RES, c->size, c->map_dev, c->align,
					  &nr, &usable) == 0, "%s fits",
			   c->what))
			continue;
		CHECK_U64(nr, c->nr_pages, c->what);
		if (c->usable)
			CHECK_U64(usable, c->usable, c->what);
	}
	CHECK(rb_nd_geometry(RES, 1 * GiB, true, 1 * GiB, &nr, &usable) ==
	      -EINVAL, "devdax align=1G does not fit in 1G");
	CHECK(rb_nd_geometry(RES + 4 * KiB, 1 * GiB, true, 2 * MiB, &nr,
			     &usable) == -EINVAL,
	      "a start that is not 2M aligned is refused");
	/* end_trunc: a 1G align on a range ending off a 1G boundary */
	CHECK(rb_nd_geometry(RES, 4 * GiB + 512 * MiB, false, 1 * GiB, &nr,
			     &usable) == 0 && nr == 1048576,
	      "map=mem counts the range up to the last 1G boundary");
}

static void check_names(void)
{
	unsigned int r, id;

	CHECK(rb_parse_devname("namespace3.1", "namespace", &r, &id) &&
	      r == 3 && id == 1, "namespace3.1");
	CHECK(rb_parse_devname("0.2", "namespace", &r, &id) && r == 0 &&
	      id == 2, "X.Y form");
	CHECK(rb_parse_devname("dax1.0", "dax", &r, &id) && r == 1 && id == 0,
	      "dax1.0");
	CHECK(!rb_parse_devname("namespace0", "namespace", &r, &id),
	      "namespace0 is malformed");
	CHECK(!rb_parse_devname("namespace0.0x", "namespace", &r, &id),
	      "trailing junk is malformed");
	CHECK(!rb_parse_devname("pfn0.0", "namespace", &r, &id),
	      "another device type is malformed");
	CHECK(!rb_parse_devname("0.-1", "namespace", &r, &id),
	      "negative ids are malformed");
	CHECK(!rb_parse_devname("", "dax", &r, &id), "empty is malformed");
}

static void check_copy(void)
{
	char buf[6];

	CHECK(!strcmp(rb_copy(buf, sizeof(buf), "pfn0.1"), "pfn0."),
	      "rb_copy truncates to the buffer");
	CHECK(!strcmp(rb_copy(buf, sizeof(buf), "dax"), "dax"),
	      "rb_copy copies short names whole");
}

int main(void)
{
	check_geometry();
	check_names();
	check_copy();
	return unit_done();
}
