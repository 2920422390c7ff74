// SPDX-License-Identifier: GPL-2.0
/*
 * What sysfs says about a namespace right now: its topology, its
 * personality (raw, pagemap, fsdax through a pfn device, devdax through an
 * nd dax device, sector), what carries the memmap and what is bound, and
 * the geometry the kernel gives a pfn/dax personality. Read fresh on every
 * call, below rb_sysroot(), so that unit tests can feed it a fake tree; nd
 * and dax targets both use it.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "target/target-priv.h"

#define SZ_8K (8ULL << 10)
#define SZ_2M (2ULL << 20)
/* Upper bound of sizeof(struct page) the kernel reserves per pfn. */
#define MAX_STRUCT_PAGE_SIZE 64ULL
/*
 * memremap_compat_align(): SUBSECTION_SIZE on x86-64 and arm64 (powerpc
 * overrides it with 16M; not handled).
 */
#define COMPAT_ALIGN SZ_2M

#define ALIGN_UP(x, a) (((x) + (a) - 1) / (a) * (a))
#define ALIGN_DOWN(x, a) ((x) / (a) * (a))

static uint64_t page_size(void)
{
	return (uint64_t)sysconf(_SC_PAGESIZE);
}

/*
 * The page count memmap_init_zone_device() prints for one bind. The
 * kernel (nd_pfn_init(), __nvdimm_setup_pfn()) lays a pfn/dax namespace
 * out as:
 *   align'    = max(align, memremap_compat_align())
 *   end_trunc = (res + size) - ALIGN_DOWN(res + size, align')
 *   dataoff   = map=dev: ALIGN(res + 8K + 64 * (size - 8K) / PAGE, align')
 *                        - res
 *               map=mem: ALIGN(res + 8K, align') - res
 * and hands devm_memremap_pages() the range [res, res + size - end_trunc).
 * With map=dev the altmap covers the info block and the memmap, and
 * memmap_init_zone_device() starts after it, so it counts the data pages:
 *   nr_pages = (size - end_trunc - dataoff) / PAGE   (= usable size / PAGE)
 * With map=mem there is no altmap and it counts the whole range:
 *   nr_pages = (size - end_trunc) / PAGE
 * This holds for fsdax (nd_pmem) and static devdax (device_dax reuses the
 * pgmap dax_pmem set up). A raw namespace on a pagemap region is mapped
 * whole without altmap: size / PAGE. Compound devdax pgmaps still count
 * every pfn. Checked in the VM (Debian 6.1): 1 GiB -> 257536 map=dev,
 * 262144 map=mem; 4 GiB -> 1031680 map=dev, 1048576 map=mem, 786432
 * devdax map=dev align=1G.
 */
int rb_nd_geometry(uint64_t ns_res, uint64_t ns_size, bool map_dev,
		   uint64_t align, uint64_t *nr_pages, uint64_t *usable)
{
	uint64_t pg = page_size(), a, end_trunc, dataoff, range;

	a = align > COMPAT_ALIGN ? align : COMPAT_ALIGN;
	if (ns_size < SZ_8K || ns_res % COMPAT_ALIGN)
		return -EINVAL;
	end_trunc = ns_res + ns_size - ALIGN_DOWN(ns_res + ns_size, a);
	if (map_dev)
		dataoff = ALIGN_UP(ns_res + SZ_8K + MAX_STRUCT_PAGE_SIZE *
				   ((ns_size - SZ_8K) / pg), a) - ns_res;
	else
		dataoff = ALIGN_UP(ns_res + SZ_8K, a) - ns_res;
	range = ns_size - end_trunc;
	if (dataoff >= range)
		return -EINVAL;
	*usable = range - dataoff;
	*nr_pages = (map_dev ? *usable : range) / pg;
	return 0;
}

int rb_first_entry(const char *dir, const char *prefix, char *buf,
		   size_t len)
{
	struct dirent *de;
	int rc = -ENOENT;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		unsigned int a, b;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		/* dax children are named daxR.N, skip other dax* files */
		if (strcmp(prefix, "dax") == 0 &&
		    !rb_parse_devname(de->d_name, "dax", &a, &b))
			continue;
		rb_copy(buf, len, de->d_name);
		rc = 0;
		break;
	}
	closedir(d);
	return rc;
}

/* region and bus device names from the namespace's sysfs path. */
static int nd_topology(const char *ns, struct rb_nd_state *st)
{
	char path[PATH_MAX], real[PATH_MAX], *p, *slash;

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", ns);
	if (!realpath(path, real))
		return -ENODEV;
	p = strrchr(real, '/');
	if (!p)
		return -ENODEV;
	*p = '\0';
	slash = strrchr(real, '/');
	rb_copy(st->region, sizeof(st->region), slash ? slash + 1 : real);
	if (slash)
		*slash = '\0';
	slash = strrchr(real, '/');
	rb_copy(st->bus_dev, sizeof(st->bus_dev), slash ? slash + 1 : real);
	if (strncmp(st->bus_dev, "ndbus", 5) != 0)
		return -ENODEV;
	return 0;
}

static void read_attr(const char *dev, const char *attr, char *buf,
		      size_t len)
{
	char path[PATH_MAX];

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/%s", dev, attr);
	if (rb_sysfs_read(path, buf, len) < 0)
		buf[0] = '\0';
}

static int read_u64(const char *dev, const char *attr, uint64_t *val)
{
	char path[PATH_MAX];

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/%s", dev, attr);
	return rb_sysfs_read_u64(path, val);
}

bool rb_nd_is_bound(const char *dev)
{
	char path[PATH_MAX], drv[32];

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", dev);
	return rb_sysfs_driver(path, drv, sizeof(drv)) == 0;
}

/* fsdax / devdax personality carried by the pfn or nd dax @holder. */
static void read_personality(struct rb_nd_state *st)
{
	struct rb_nd_config *c = &st->cfg;
	bool dax = strncmp(st->holder, "dax", 3) == 0;
	uint64_t pg = page_size(), size, res;
	char buf[32], path[PATH_MAX];

	snprintf(c->mode, sizeof(c->mode), dax ? "devdax" : "fsdax");
	read_attr(st->holder, "mode", buf, sizeof(buf));
	snprintf(c->map, sizeof(c->map), "%s",
		 strcmp(buf, "ram") == 0 ? "mem" : "dev");
	if (read_u64(st->holder, "align", &c->align) < 0)
		c->align = 0;
	c->bound = rb_nd_is_bound(st->holder);
	snprintf(st->bind_dev, sizeof(st->bind_dev), "%s", st->holder);
	snprintf(st->driver, sizeof(st->driver), dax ? "dax_pmem" : "nd_pmem");

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", st->holder);
	if (dax && rb_first_entry(path, "dax", st->chardev,
			       sizeof(st->chardev)) == 0) {
		rb_sys_path(path, sizeof(path), RB_DAX_DEVICES "/%s",
			 st->chardev);
		if (rb_sysfs_driver(path, st->chardev_driver,
				    sizeof(st->chardev_driver)) < 0)
			st->chardev_driver[0] = '\0';
	}
	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/block", st->holder);
	if (!dax && rb_first_entry(path, "pmem", st->blockdev,
				sizeof(st->blockdev)) < 0)
		st->blockdev[0] = '\0';

	/* Bound: the kernel's own numbers (size/resource read -ENXIO if not) */
	if (c->bound && read_u64(st->holder, "size", &size) == 0 &&
	    read_u64(st->holder, "resource", &res) == 0 && res >= st->ns_res) {
		st->size = size;
		/*
		 * map=mem: range = dataoff + size, assuming start_pad 0:
		 * nd_pfn_init() refuses unaligned starts rather than pad.
		 */
		st->nr_pages = (strcmp(c->map, "dev") == 0 ? size :
				res - st->ns_res + size) / pg;
		return;
	}
	if (rb_nd_geometry(st->ns_res, st->ns_size,
			   strcmp(c->map, "dev") == 0, c->align,
			   &st->nr_pages, &st->size) < 0) {
		st->nr_pages = 0;
		st->size = 0;
	}
}

int rb_nd_state_read(const char *ns, struct rb_nd_state *st)
{
	struct rb_nd_config *c = &st->cfg;
	char buf[64], path[PATH_MAX];
	int rc;

	memset(st, 0, sizeof(*st));
	st->numa_node = -1;
	snprintf(st->ns, sizeof(st->ns), "%s", ns);
	rc = nd_topology(ns, st);
	if (rc < 0)
		return rc;
	if (read_u64(ns, "size", &st->ns_size) < 0)
		return -ENODEV;
	if (read_u64(ns, "resource", &st->ns_res) < 0)
		st->ns_res = 0;
	read_attr(ns, "numa_node", buf, sizeof(buf));
	if (buf[0])
		st->numa_node = atoi(buf);
	read_attr(ns, "force_raw", buf, sizeof(buf));
	st->force_raw = strcmp(buf, "1") == 0;
	read_attr(ns, "holder", st->holder, sizeof(st->holder));

	if (strncmp(st->holder, "pfn", 3) == 0 ||
	    strncmp(st->holder, "dax", 3) == 0) {
		read_personality(st);
		return 0;
	}
	if (st->holder[0]) {
		/* btt (sector mode): no struct pages, nothing to time */
		snprintf(c->mode, sizeof(c->mode), "sector");
		snprintf(st->bind_dev, sizeof(st->bind_dev), "%s", st->holder);
		snprintf(st->driver, sizeof(st->driver), "nd_pmem");
		c->bound = rb_nd_is_bound(st->holder);
		return 0;
	}

	/* Claim-less: "memory" means pmem_should_map_pages() (pagemap). */
	read_attr(ns, "mode", buf, sizeof(buf));
	c->native = strcmp(buf, "memory") == 0;
	snprintf(c->mode, sizeof(c->mode), c->native ? "fsdax" : "raw");
	snprintf(c->map, sizeof(c->map), c->native ? "mem" : "");
	c->bound = rb_nd_is_bound(ns);
	snprintf(st->bind_dev, sizeof(st->bind_dev), "%s", ns);
	snprintf(st->driver, sizeof(st->driver), "nd_pmem");
	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/block", ns);
	if (rb_first_entry(path, "pmem", st->blockdev,
			   sizeof(st->blockdev)) < 0)
		st->blockdev[0] = '\0';
	st->size = st->ns_size;
	st->nr_pages = c->native ? st->ns_size / page_size() : 0;
	return 0;
}
