// SPDX-License-Identifier: GPL-2.0
/*
 * The target layer's sysfs readers on fake trees below $RB_SYSROOT: a
 * namespace's personality (raw, pagemap, fsdax, devdax, sector), what is
 * bound and what carries the memmap, a dax device's state behind a saved
 * record, the busy checks (mounts, holders, open and mapped device files)
 * and the capability checks (drivers registered, built in, configured).
 * The trees copy the layout of Debian 6.1 in the VM: a 1 GiB NVDIMM at 4G.
 */
#include <errno.h>
#include <stdint.h>
#include <sys/utsname.h>
#include <json-c/json.h>
#include "target/target-priv.h"
#include "fake-root.h"

#define GiB (1ULL << 30)
#define MiB (1ULL << 20)
#define RES (4 * GiB)
/* The VM's 1 GiB map=dev fsdax: usable size and memmap pages. */
#define FSDAX_DEV_SIZE 1054867456ULL
#define FSDAX_DEV_PAGES 257536
#define REGION_DIR "/sys/devices/platform/ACPI0012:00/ndbus0/region0"

static char release[65];

/* An nd-bus device directory in region0 and its /sys/bus/nd link. */
static void nd_dev(const char *dev)
{
	char real[256], link[256], target[256];

	snprintf(real, sizeof(real), REGION_DIR "/%s", dev);
	fake_mkdir(real);
	snprintf(link, sizeof(link), "/sys/bus/nd/devices/%s", dev);
	snprintf(target, sizeof(target),
		 "../../../devices/platform/ACPI0012:00/ndbus0/region0/%s", dev);
	fake_link(link, target);
}

static void nd_attr(const char *dev, const char *attr, const char *val)
{
	char rel[256];

	snprintf(rel, sizeof(rel), REGION_DIR "/%s/%s", dev, attr);
	fake_file(rel, val);
}

static void nd_bind(const char *dev, const char *driver)
{
	char rel[256], target[128];

	snprintf(rel, sizeof(rel), REGION_DIR "/%s/driver", dev);
	snprintf(target, sizeof(target), "../../../../../../bus/nd/drivers/%s",
		 driver);
	fake_link(rel, target);
}

/* namespace0.0, 1 GiB at 4G, claimed by @holder ("" for none). */
static void make_namespace(const char *holder, const char *mode)
{
	fake_root_new("target");
	nd_dev("namespace0.0");
	nd_attr("namespace0.0", "size", "1073741824\n");
	nd_attr("namespace0.0", "resource", "0x100000000\n");
	nd_attr("namespace0.0", "numa_node", "0\n");
	nd_attr("namespace0.0", "force_raw", "0\n");
	nd_attr("namespace0.0", "holder", holder);
	nd_attr("namespace0.0", "mode", mode);
}

static void test_fsdax_bound(void)
{
	struct rb_nd_state st;
	char val[32], p[PATH_MAX];

	make_namespace("pfn0.1\n", "fsdax\n");
	nd_dev("pfn0.1");
	nd_attr("pfn0.1", "mode", "pmem\n");
	nd_attr("pfn0.1", "align", "2097152\n");
	snprintf(val, sizeof(val), "%llu\n", FSDAX_DEV_SIZE);
	nd_attr("pfn0.1", "size", val);
	snprintf(val, sizeof(val), "0x%llx\n", RES + GiB - FSDAX_DEV_SIZE);
	nd_attr("pfn0.1", "resource", val);
	nd_bind("pfn0.1", "nd_pmem");
	fake_mkdir(REGION_DIR "/pfn0.1/block/pmem0");

	if (!CHECK(rb_nd_state_read("namespace0.0", &st) == 0,
		   "fsdax: state read"))
		return;
	CHECK(!strcmp(st.cfg.mode, "fsdax") && !strcmp(st.cfg.map, "dev"),
	      "fsdax: mode %s map %s", st.cfg.mode, st.cfg.map);
	CHECK_U64(st.cfg.align, 2 * MiB, "fsdax: align");
	CHECK(st.cfg.bound && !st.cfg.native, "fsdax: bound, not native");
	CHECK(!strcmp(st.bind_dev, "pfn0.1") && !strcmp(st.driver, "nd_pmem"),
	      "fsdax: rebinds %s on %s", st.bind_dev, st.driver);
	CHECK(!strcmp(st.blockdev, "pmem0"), "fsdax: block device %s",
	      st.blockdev);
	CHECK(!strcmp(st.region, "region0") && !strcmp(st.bus_dev, "ndbus0"),
	      "fsdax: topology %s %s", st.region, st.bus_dev);
	CHECK_U64(st.ns_res, RES, "fsdax: namespace resource");
	CHECK_U64(st.ns_size, GiB, "fsdax: namespace size");
	CHECK_U64(st.size, FSDAX_DEV_SIZE, "fsdax: the kernel's usable size");
	CHECK_U64(st.nr_pages, FSDAX_DEV_PAGES, "fsdax: memmap pages");
	CHECK(st.numa_node == 0 && !st.force_raw, "fsdax: node 0, not raw");

	/* Unbound: size/resource read -ENXIO; the geometry gives the same. */
	unlink(fake_path(p, sizeof(p), REGION_DIR "/pfn0.1/driver"));
	unlink(fake_path(p, sizeof(p), REGION_DIR "/pfn0.1/size"));
	CHECK(rb_nd_state_read("namespace0.0", &st) == 0 && !st.cfg.bound,
	      "fsdax unbound: state read, not bound");
	CHECK_U64(st.nr_pages, FSDAX_DEV_PAGES, "fsdax unbound: geometry pages");
	CHECK_U64(st.size, FSDAX_DEV_SIZE, "fsdax unbound: geometry size");
	CHECK(!rb_nd_is_bound("pfn0.1"), "pfn0.1 has no driver");
}

/* The dax-bus child of nd dax0.1, with its /sys/bus/dax link. */
static void make_dax_child(const char *driver)
{
	char p[PATH_MAX];

	fake_mkdir(REGION_DIR "/dax0.1/dax0.0");
	fake_link(REGION_DIR "/dax0.1/subsystem", "../../../../../bus/nd");
	fake_file(REGION_DIR "/dax0.1/dax0.0/align", "2097152\n");
	/* static: the kernel makes align read-only */
	chmod(fake_path(p, sizeof(p), REGION_DIR "/dax0.1/dax0.0/align"),
	      0444);
	fake_file(REGION_DIR "/dax0.1/dax0.0/size", "1071644672\n");
	fake_file(REGION_DIR "/dax0.1/dax0.0/numa_node", "0\n");
	fake_file(REGION_DIR "/dax0.1/dax0.0/target_node", "0\n");
	fake_file(REGION_DIR "/dax0.1/dax0.0/dev", "1:3\n");
	snprintf(p, sizeof(p), "../../../../../../../bus/dax/drivers/%s",
		 driver);
	fake_link(REGION_DIR "/dax0.1/dax0.0/driver", p);
	fake_link("/sys/bus/dax/devices/dax0.0",
		  "../../../devices/platform/ACPI0012:00/ndbus0/region0/dax0.1/dax0.0");
}

static void make_devdax(const char *dax_driver)
{
	make_namespace("dax0.1\n", "devdax\n");
	nd_dev("dax0.1");
	nd_attr("dax0.1", "mode", "ram\n");
	nd_attr("dax0.1", "align", "2097152\n");
	nd_attr("dax0.1", "namespace", "namespace0.0\n");
	nd_attr("dax0.1", "size", "1071644672\n");
	nd_attr("dax0.1", "resource", "0x100200000\n");
	nd_bind("dax0.1", "dax_pmem");
	make_dax_child(dax_driver);
}

static void test_devdax(void)
{
	struct rb_nd_state st;
	char p[PATH_MAX];

	make_devdax("device_dax");
	if (!CHECK(rb_nd_state_read("namespace0.0", &st) == 0,
		   "devdax: state read"))
		return;
	CHECK(!strcmp(st.cfg.mode, "devdax") && !strcmp(st.cfg.map, "mem"),
	      "devdax: mode %s map %s", st.cfg.mode, st.cfg.map);
	CHECK(!strcmp(st.bind_dev, "dax0.1") && !strcmp(st.driver, "dax_pmem"),
	      "devdax: rebinds %s on %s", st.bind_dev, st.driver);
	CHECK(!strcmp(st.chardev, "dax0.0") &&
	      !strcmp(st.chardev_driver, "device_dax"),
	      "devdax: dax-bus child %s on %s", st.chardev, st.chardev_driver);
	CHECK(st.blockdev[0] == '\0', "devdax: no block device");
	/* map=mem counts the info block's 2M as well: the whole GiB */
	CHECK_U64(st.nr_pages, 262144, "devdax map=mem: memmap pages");

	unlink(fake_path(p, sizeof(p), REGION_DIR "/dax0.1/driver"));
	unlink(fake_path(p, sizeof(p), REGION_DIR "/dax0.1/size"));
	CHECK(rb_nd_state_read("namespace0.0", &st) == 0 && !st.cfg.bound,
	      "devdax unbound: not bound");
	CHECK_U64(st.nr_pages, 262144, "devdax unbound: geometry pages");
	CHECK_U64(st.size, GiB - 2 * MiB, "devdax unbound: geometry size");
}

static void test_other_modes(void)
{
	struct rb_nd_state st;

	make_namespace("\n", "memory\n");
	nd_bind("namespace0.0", "nd_pmem");
	fake_mkdir(REGION_DIR "/namespace0.0/block/pmem0");
	CHECK(rb_nd_state_read("namespace0.0", &st) == 0 && st.cfg.native &&
	      !strcmp(st.cfg.mode, "fsdax") && !strcmp(st.cfg.map, "mem"),
	      "pagemap raw namespace reads as native fsdax map=mem");
	CHECK(!strcmp(st.bind_dev, "namespace0.0") && st.cfg.bound &&
	      !strcmp(st.blockdev, "pmem0"),
	      "native: the namespace itself is rebound (%s)", st.bind_dev);
	CHECK_U64(st.nr_pages, 262144, "native: whole namespace in pages");

	make_namespace("\n", "raw\n");
	CHECK(rb_nd_state_read("namespace0.0", &st) == 0 &&
	      !strcmp(st.cfg.mode, "raw") && !st.cfg.native &&
	      !st.cfg.bound && st.nr_pages == 0,
	      "raw namespace: mode raw, unbound, no memmap");

	make_namespace("btt0.1\n", "safe\n");
	nd_dev("btt0.1");
	nd_bind("btt0.1", "nd_pmem");
	CHECK(rb_nd_state_read("namespace0.0", &st) == 0 &&
	      !strcmp(st.cfg.mode, "sector") && st.cfg.bound &&
	      !strcmp(st.bind_dev, "btt0.1"),
	      "btt holder: sector mode on %s", st.bind_dev);

	CHECK(rb_nd_state_read("namespace9.9", &st) == -ENODEV,
	      "missing namespace: -ENODEV");
}

static struct rb_target *from_saved(const char *json, char *err, size_t len,
				    int *rc)
{
	struct rb_target_opts opts = { .method = RB_METHOD_DRIVER };
	struct json_object *rec = json_tokener_parse(json);
	struct rb_target *t = NULL;

	*rc = rb_target_from_saved(rec, &opts, &t, err, len);
	json_object_put(rec);
	return *rc ? NULL : t;
}

static void test_dax_device(void)
{
	static const char rec[] =
		"{\"kind\":\"dax\",\"dev\":\"dax0.0\",\"align\":2097152,"
		"\"size\":1071644672,\"bound\":true}";
	struct rb_target_desc d = { .numa_node = -1 };
	char err[256] = "", why[256] = "";
	struct rb_target *t;
	int rc;

	make_devdax("device_dax");
	t = from_saved(rec, err, sizeof(err), &rc);
	if (!CHECK(t != NULL, "dax record opens dax0.0 (%s)", err))
		return;
	CHECK(t->ops->describe(t, &d) == 0, "dax0.0: describe");
	CHECK(d.mode && !strcmp(d.mode, "devdax") && d.map &&
	      !strcmp(d.map, "mem"), "dax0.0: devdax, map from its namespace");
	CHECK_U64(d.align, 2 * MiB, "dax0.0: align");
	CHECK_U64(d.size, 1071644672, "dax0.0: size");
	CHECK_U64(d.expected_nr_pages, 262144, "dax0.0: pages of the namespace");
	CHECK(d.namespace && !strcmp(d.namespace, "namespace0.0") &&
	      d.region && !strcmp(d.region, "region0"),
	      "dax0.0: namespace0.0 in region0");
	CHECK(d.driver && !strcmp(d.driver, "device_dax") &&
	      !strcmp(d.bind_bus, "dax"), "dax0.0: rebinds device_dax");
	rb_target_desc_clear(&d);
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == 0,
	      "dax0.0: idle (%s)", why);
	/* pid 4242 holds /dev/null, whose 1:3 the fake dax0.0 claims */
	fake_link("/proc/4242/fd/5", "/dev/null");
	fake_file("/proc/4242/comm", "holder\n");
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == -EBUSY &&
	      !strcmp(why, "/dev/dax0.0 is open by pid 4242 (holder)"),
	      "dax0.0 open: %s", why);
	unlink(fake_path(err, sizeof(err), "/proc/4242/fd/5"));
	fake_file("/proc/4242/maps",
		  "7f0000000000-7f0000200000 rw-s 00000000 00:05 4 /dev/null\n");
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == -EBUSY &&
	      !strcmp(why, "/dev/dax0.0 is mapped by pid 4242 (holder)"),
	      "dax0.0 mapped: %s", why);
	t->ops->close(t);

	make_devdax("kmem");
	t = from_saved(rec, err, sizeof(err), &rc);
	CHECK(t && t->ops->check_busy(t, why, sizeof(why)) == -EBUSY &&
	      strstr(why, "system-ram mode"), "dax0.0 on kmem: %s", why);
	if (t)
		t->ops->close(t);
	t = from_saved("{\"kind\":\"dax\",\"dev\":\"dax0.0\",\"align\":4096,"
		       "\"size\":2097152,\"bound\":true}", err, sizeof(err),
		       &rc);
	CHECK(!t && rc == -ENODEV && strstr(err, "size differs"),
	      "a record of another size is refused: %s", err);
}

static void test_blockdev_busy(void)
{
	static const char rec[] =
		"{\"kind\":\"nd\",\"dev\":\"namespace0.0\",\"mode\":\"raw\","
		"\"map\":\"\",\"align\":0,\"resource\":4294967296,"
		"\"size\":1073741824,\"native\":false,\"bound\":true}";
	char err[256] = "", why[256] = "";
	struct rb_target *t;
	int rc;

	make_namespace("\n", "raw\n");
	nd_bind("namespace0.0", "nd_pmem");
	fake_mkdir(REGION_DIR "/namespace0.0/block/pmem0");
	fake_file("/sys/class/block/pmem0/dev", "259:0\n");
	fake_mkdir("/sys/class/block/pmem0/holders");
	fake_file("/sys/class/block/pmem0/pmem0p1/dev", "259:1\n");
	fake_file("/proc/self/mountinfo",
		  "22 1 0:21 / /proc rw,relatime - proc proc rw\n");
	t = from_saved(rec, err, sizeof(err), &rc);
	if (!CHECK(t != NULL, "nd record opens namespace0.0 (%s)", err))
		return;
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == 0,
	      "pmem0 idle (%s)", why);
	fake_file("/proc/self/mountinfo",
		  "22 1 0:21 / /proc rw,relatime - proc proc rw\n"
		  "36 25 259:1 / /mnt/pmem rw,relatime - ext4 /dev/pmem0p1 rw,dax=always\n");
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == -EBUSY &&
	      !strcmp(why, "/dev/pmem0 is mounted on /mnt/pmem"),
	      "partition mounted: %s", why);
	fake_file("/proc/self/mountinfo", "");
	fake_mkdir("/sys/class/block/pmem0/holders/dm-0");
	CHECK(t->ops->check_busy(t, why, sizeof(why)) == -EBUSY &&
	      !strcmp(why, "/dev/pmem0 is held by dm-0"), "held: %s", why);
	t->ops->close(t);
	t = from_saved("{\"kind\":\"nd\",\"dev\":\"namespace0.0\","
		       "\"mode\":\"raw\",\"map\":\"\",\"align\":0,"
		       "\"resource\":0,\"size\":1073741824,\"native\":false,"
		       "\"bound\":true}", err, sizeof(err), &rc);
	CHECK(!t && rc == -ENODEV && strstr(err, "no longer the namespace"),
	      "a record of another resource is refused: %s", err);
}

/* dax0.0 of a dynamic (hmem) region: one 1 GiB range, align writable. */
static void make_dynamic_dax(uint64_t range_len)
{
	char val[32];

	fake_root_new("dyndax");
	fake_mkdir("/sys/devices/platform/hmem.0/dax0.0");
	fake_link("/sys/bus/dax/devices/dax0.0",
		  "../../../devices/platform/hmem.0/dax0.0");
	fake_link("/sys/devices/platform/hmem.0/dax0.0/driver",
		  "../../../../bus/dax/drivers/device_dax");
	fake_mkdir("/sys/bus/dax/drivers/device_dax");
	fake_file("/sys/devices/platform/hmem.0/dax0.0/align", "4096\n");
	fake_file("/sys/devices/platform/hmem.0/dax0.0/size", "1073741824\n");
	fake_file("/sys/devices/platform/hmem.0/dax0.0/mapping0/start",
		  "0x140000000\n");
	snprintf(val, sizeof(val), "0x%llx\n",
		 (unsigned long long)(0x140000000ULL + range_len - 1));
	fake_file("/sys/devices/platform/hmem.0/dax0.0/mapping0/end", val);
}

static void test_dynamic_align(void)
{
	static const char rec[] =
		"{\"kind\":\"dax\",\"dev\":\"dax0.0\",\"align\":4096,"
		"\"size\":1073741824,\"bound\":true}";
	struct rb_config_req two_m = { .align = 2 * MiB };
	struct rb_config_req odd = { .align = 3 * 4096 };
	char err[256];
	struct rb_target *t;
	int rc;

	make_dynamic_dax(GiB);
	t = from_saved(rec, err, sizeof(err), &rc);
	if (!CHECK(t != NULL, "dynamic dax0.0 opens (%s)", err))
		return;
	rc = t->ops->check_config(t, &two_m);
	CHECK(rc == -RB_ENOCAP && strstr(t->err, "transparent huge pages"),
	      "2M without THP: %s", t->err);
	fake_mkdir("/sys/kernel/mm/transparent_hugepage");
	CHECK(t->ops->check_config(t, &two_m) == 0,
	      "2M with THP on a 1 GiB range (%s)", t->err);
	CHECK(t->ops->check_config(t, &odd) == -EINVAL,
	      "12K is no page size: a usage error");
	t->ops->close(t);

	make_dynamic_dax(GiB - 4096);
	fake_mkdir("/sys/kernel/mm/transparent_hugepage");
	t = from_saved("{\"kind\":\"dax\",\"dev\":\"dax0.0\","
		       "\"align\":4096,\"size\":1073741824,\"bound\":true}",
		       err, sizeof(err), &rc);
	rc = t ? t->ops->check_config(t, &two_m) : -1;
	CHECK(rc == -RB_ENOCAP && strstr(t->err, "does not divide its ranges"),
	      "a range that 2M does not divide: %s", t ? t->err : err);
	if (t)
		t->ops->close(t);
}

static void put_config(const char *text)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "/boot/config-%s", release);
	fake_file(rel, text);
}

static void put_builtin(const char *text)
{
	char rel[128];

	snprintf(rel, sizeof(rel), "/lib/modules/%s/modules.builtin", release);
	fake_file(rel, text);
}

static void test_caps(void)
{
	char err[512] = "", want[512];
	int rc;

	fake_root_new("caps");
	CHECK(rb_cap_mode("devdax", err, sizeof(err)) == 0,
	      "no config, no module index: nothing refuted (%s)", err);
	put_config("CONFIG_BLK_DEV_PMEM=m\nCONFIG_DEV_DAX=m\n"
		   "CONFIG_DEV_DAX_PMEM=m\n");
	put_builtin("kernel/drivers/acpi/nfit/nfit.ko\n");
	rc = rb_cap_mode("devdax", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "this kernel has no device-dax support (no dax_pmem module: CONFIG_DEV_DAX_PMEM=m, not installed; no device_dax module: CONFIG_DEV_DAX=m, not installed): devdax cannot be measured; install the modules or boot a kernel built with them");
	CHECK(rc == -RB_ENOCAP && !strcmp(err, want) && strlen(want) < 256,
	      "modules left out: rc %d, %s", rc, err);
	CHECK(RB_ENOCAP != EINVAL && RB_ENOCAP != EOPNOTSUPP,
	      "the capability errno is not a usage errno");

	fake_mkdir("/sys/bus/dax/drivers/device_dax");
	rc = rb_cap_mode("devdax", err, sizeof(err));
	CHECK(rc == -RB_ENOCAP && strstr(err, "(no dax_pmem module: ") &&
	      !strstr(err, "device_dax"),
	      "device_dax registered: only dax_pmem is named (%s)", err);
	rc = rb_cap_mode("dax", err, sizeof(err));
	CHECK(rc == 0, "daxctl side: device_dax registered is enough");

	put_builtin("kernel/drivers/dax/dax_pmem.ko\n");
	CHECK(rb_cap_mode("devdax", err, sizeof(err)) == 0,
	      "dax_pmem built in, device_dax registered: devdax is possible");

	put_config("# CONFIG_BLK_DEV_PMEM is not set\n");
	rc = rb_cap_mode("fsdax", err, sizeof(err));
	snprintf(want, sizeof(want),
		 "this kernel has no pmem block device support (no nd_pmem module: CONFIG_BLK_DEV_PMEM is not set): fsdax cannot be measured; install the modules or boot a kernel built with them");
	CHECK(rc == -RB_ENOCAP && !strcmp(err, want), "not configured: %s",
	      err);
	put_config("CONFIG_BLK_DEV_PMEM=y\n");
	CHECK(rb_cap_mode("fsdax", err, sizeof(err)) == 0,
	      "configured built in: no evidence against it");
	put_config("CONFIG_HZ=250\n");
	rc = rb_cap_mode("raw", err, sizeof(err));
	CHECK(rc == -RB_ENOCAP && strstr(err, "CONFIG_BLK_DEV_PMEM is not set"),
	      "an option the config omits is not set: %s", err);
	CHECK(rb_cap_driver("nd_btt", err, sizeof(err)) == 0,
	      "drivers outside the table pass");
	CHECK(rb_cap_mode("sector", err, sizeof(err)) == 0,
	      "modes outside the table pass");
}

int main(void)
{
	struct utsname uts;

	if (uname(&uts) == 0)
		snprintf(release, sizeof(release), "%s", uts.release);
	test_fsdax_bound();
	test_devdax();
	test_other_modes();
	test_dax_device();
	test_blockdev_busy();
	test_dynamic_align();
	test_caps();
	fake_root_remove();
	return unit_done();
}
