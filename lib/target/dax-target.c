// SPDX-License-Identifier: GPL-2.0
/*
 * dax targets: a dax-bus device (/sys/bus/dax/devices/daxX.Y) rebound on
 * device_dax, whose probe runs devm_memremap_pages() and so
 * memmap_init_zone_device() without re-probing any namespace.
 *
 * Beware the name clash: a pmem-backed ("static") dax-bus device daxX.Y is
 * the child of an nd-bus device that is also called daxX.Z (driver
 * dax_pmem, the devdax personality of a namespace). This file only ever
 * means the dax-bus one; messages name the nd one as "nd daxX.Z".
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <daxctl/libdaxctl.h>
#include "util/log.h"
#include "util/json.h"
#include "target/target-priv.h"

/* memremap_compat_align(): the smallest granule of a device's range. */
#define COMPAT_ALIGN (2ULL << 20)

struct dax_target {
	struct rb_target t;
	bool is_static; /* pmem-backed: align and map fixed by the namespace */
	char parent[32]; /* static: the nd dax device, e.g. dax0.1 */
	bool orig_bound; /* bound to device_dax at open */
	uint64_t orig_align;
	uint64_t ident_size;
};

/* What sysfs says about the device now. */
struct dax_state {
	char driver[16]; /* device_dax, kmem, "" */
	uint64_t align, size;
	int numa_node, target_node;
};

static const struct rb_target_ops dax_ops;

static struct dax_target *to_dax(struct rb_target *t)
{
	return (struct dax_target *)t;
}

static void dax_path(const char *dev, const char *attr, char *buf,
		     size_t len)
{
	rb_sys_path(buf, len, RB_DAX_DEVICES "/%s%s%s", dev, attr ? "/" : "",
		    attr ? attr : "");
}

static int read_int(const char *dev, const char *attr, int def)
{
	char path[PATH_MAX], buf[32];

	dax_path(dev, attr, path, sizeof(path));
	return rb_sysfs_read(path, buf, sizeof(buf)) > 0 ? atoi(buf) : def;
}

static int dax_state_read(const char *dev, struct dax_state *ds)
{
	char path[PATH_MAX];

	memset(ds, 0, sizeof(*ds));
	dax_path(dev, NULL, path, sizeof(path));
	if (access(path, F_OK) != 0)
		return -ENODEV;
	if (rb_sysfs_driver(path, ds->driver, sizeof(ds->driver)) < 0)
		ds->driver[0] = '\0';
	dax_path(dev, "align", path, sizeof(path));
	if (rb_sysfs_read_u64(path, &ds->align) < 0)
		ds->align = 0;
	dax_path(dev, "size", path, sizeof(path));
	if (rb_sysfs_read_u64(path, &ds->size) < 0)
		ds->size = 0;
	ds->numa_node = read_int(dev, "numa_node", -1);
	ds->target_node = read_int(dev, "target_node", -1);
	return 0;
}

/* dax_state_read() of @t, with the reason in t->err when it is gone. */
static int target_state(struct rb_target *t, struct dax_state *ds)
{
	int rc = dax_state_read(t->name, ds);

	if (rc < 0)
		return rb_fail(t, rc, "%s: dax device is gone", t->name);
	return 0;
}

/*
 * The nd-bus parent of a pmem-backed device, or "" for hmem/CXL ones.
 * The kernel makes align (and size) read-only on static regions.
 */
static void dax_parent(const char *dev, bool *is_static, char *parent,
		       size_t len)
{
	char path[PATH_MAX + 16], real[PATH_MAX], link[PATH_MAX], *p;
	struct stat st;
	ssize_t n;

	parent[0] = '\0';
	dax_path(dev, "align", path, sizeof(path));
	*is_static = stat(path, &st) == 0 && !(st.st_mode & 0222);
	dax_path(dev, NULL, path, sizeof(path));
	if (!realpath(path, real))
		return;
	p = strrchr(real, '/');
	if (!p)
		return;
	*p = '\0';
	snprintf(path, sizeof(path), "%s/subsystem", real);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return;
	link[n] = '\0';
	p = strrchr(link, '/');
	if (!p || strcmp(p, "/nd"))
		return;
	p = strrchr(real, '/');
	rb_copy(parent, len, p ? p + 1 : real);
	*is_static = true;
}

/* The namespace of the nd dax device @parent, or "". */
static void parent_namespace(const char *parent, char *ns, size_t len)
{
	char path[PATH_MAX];

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/namespace",
		    parent);
	if (rb_sysfs_read(path, ns, len) < 0)
		ns[0] = '\0';
}

static int dax_describe(struct rb_target *t, struct rb_target_desc *d)
{
	struct dax_target *dt = to_dax(t);
	struct rb_nd_state nd;
	struct dax_state ds;
	char ns[32] = "", region[32];
	const char *map = "mem";
	uint64_t nr_pages;
	int rc;

	rc = target_state(t, &ds);
	if (rc < 0)
		return rc;
	/* dynamic: no altmap, one line per range, all of size counted */
	nr_pages = ds.size / sysconf(_SC_PAGESIZE);
	snprintf(region, sizeof(region), "%s", "");
	if (dt->is_static) {
		parent_namespace(dt->parent, ns, sizeof(ns));
		if (ns[0] && rb_nd_state_read(ns, &nd) == 0) {
			map = nd.cfg.map;
			nr_pages = nd.nr_pages;
			snprintf(region, sizeof(region), "%s", nd.region);
		}
	} else {
		unsigned int rid, id;

		if (rb_parse_devname(t->name, "dax", &rid, &id))
			snprintf(region, sizeof(region), "region%u", rid);
	}
	d->dev = strdup(t->name);
	d->mode = strdup("devdax");
	d->map = strdup(map);
	d->align = ds.align;
	d->size = ds.size;
	d->numa_node = ds.numa_node >= 0 ? ds.numa_node : ds.target_node;
	d->bind_dev = strdup(t->name);
	d->bind_bus = strdup("dax");
	d->driver = strdup("device_dax");
	d->region = region[0] ? strdup(region) : NULL;
	d->namespace = dt->is_static && ns[0] ? strdup(ns) : NULL;
	d->chardev = strdup(t->name);
	d->expected_nr_pages = nr_pages;
	if (!d->dev || !d->mode || !d->map || !d->bind_dev || !d->bind_bus ||
	    !d->driver || !d->chardev)
		return rb_fail(t, -ENOMEM, "%s: out of memory", t->name);
	return 0;
}

static int refuse_kmem(struct rb_target *t, char *why, size_t len)
{
	snprintf(why, len,
		 "%s is in system-ram mode (bound to kmem, its memory hot-added); use daxctl reconfigure-device --mode=devdax %s first",
		 t->name, t->name);
	return -EBUSY;
}

static int dax_check_busy(struct rb_target *t, char *why, size_t len)
{
	struct dax_state ds;
	int rc;

	rc = dax_state_read(t->name, &ds);
	if (rc < 0) {
		snprintf(why, len, "%s: dax device is gone", t->name);
		return rc;
	}
	if (!strcmp(ds.driver, "kmem"))
		return refuse_kmem(t, why, len);
	return rb_busy_chardev(t->name, why, len);
}

static int dax_unbind(struct rb_target *t)
{
	struct dax_state ds;
	int rc;

	rc = target_state(t, &ds);
	if (rc < 0)
		return rc;
	if (!strcmp(ds.driver, "kmem"))
		return refuse_kmem(t, t->err, sizeof(t->err));
	if (!ds.driver[0])
		return 0;
	rc = rb_driver_unbind("dax", ds.driver, t->name);
	if (rc < 0)
		return rb_fail(t, rc, "%s: unbind from %s: %s", t->name,
			       ds.driver, strerror(-rc));
	return 0;
}

static bool on_device_dax(const char *dev)
{
	char path[PATH_MAX], drv[32];

	dax_path(dev, NULL, path, sizeof(path));
	return rb_sysfs_driver(path, drv, sizeof(drv)) == 0 &&
	       !strcmp(drv, "device_dax");
}

static int dax_bind(struct rb_target *t)
{
	struct dax_target *dt = to_dax(t);
	int rc;

	/*
	 * device_dax matches static devices by type; dynamic ones must be
	 * named in new_id first (what daxctl_dev_enable_devdax() does). The
	 * new_id write may already attach the device.
	 */
	if (!dt->is_static) {
		char path[PATH_MAX];

		rb_sys_path(path, sizeof(path),
			    "/sys/bus/dax/drivers/device_dax/new_id");
		rb_sysfs_write(path, t->name);
		if (on_device_dax(t->name))
			return 0;
	}
	rc = rb_driver_bind("dax", "device_dax", t->name);
	if (rc == -EBUSY && on_device_dax(t->name))
		rc = 0;
	if (rc < 0)
		return rb_fail(t, rc, "%s: bind to device_dax: %s (see dmesg)",
			       t->name, strerror(-rc));
	if (!on_device_dax(t->name))
		return rb_fail(t, -ENXIO, "%s: did not bind to device_dax",
			       t->name);
	return 0;
}

/* Dynamic regions only: the kernel makes align read-only on static ones. */
static int set_align(struct rb_target *t, uint64_t align)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	struct daxctl_ctx *ctx;
	int rc = -ENODEV;

	if (daxctl_new(&ctx) < 0)
		return rb_fail(t, -ENOMEM, "cannot initialise libdaxctl");
	rb_daxctl_quiet(ctx);
	daxctl_region_foreach(ctx, region)
		daxctl_dev_foreach(region, dev)
			if (!strcmp(daxctl_dev_get_devname(dev), t->name))
				rc = daxctl_dev_set_align(dev, align);
	daxctl_unref(ctx);
	if (rc < 0)
		return rb_fail(t, rc, "%s: cannot set align %llu: %s", t->name,
			       (unsigned long long)align, strerror(-rc));
	return 0;
}

/*
 * The sum of the lengths of @dev's ranges (mappingN/start..end) that are
 * not multiples of @granule, or -ENOENT when it lists none (static).
 */
static int misaligned_ranges(const char *dev, uint64_t granule)
{
	char path[PATH_MAX];
	uint64_t start, end;
	int i, bad = 0;

	for (i = 0;; i++) {
		rb_sys_path(path, sizeof(path),
			    RB_DAX_DEVICES "/%s/mapping%d/start", dev, i);
		if (rb_sysfs_read_u64(path, &start) < 0)
			break;
		rb_sys_path(path, sizeof(path),
			    RB_DAX_DEVICES "/%s/mapping%d/end", dev, i);
		if (rb_sysfs_read_u64(path, &end) < 0 || end < start)
			break;
		if ((end - start + 1) % granule)
			bad++;
	}
	return i ? bad : -ENOENT;
}

/*
 * The kernel's rule for a dynamic device (dax bus align_store,
 * dax_align_valid(), dev_dax_validate_align()): a page table size, 2M and
 * 1G only with transparent huge pages, and every range a multiple of
 * max(align, 2M). A bad value is refused before the device is unbound.
 */
static int check_dynamic_align(struct rb_target *t, uint64_t align)
{
	uint64_t granule = align > COMPAT_ALIGN ? align : COMPAT_ALIGN;
	char path[PATH_MAX];
	struct dax_state ds;
	int rc;

	if (align != 4096 && align != 2ULL << 20 && align != 1ULL << 30)
		return rb_fail(t, -EINVAL,
			       "%s: align %llu is not a page size the kernel maps (4K, 2M or 1G)",
			       t->name, (unsigned long long)align);
	rb_sys_path(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage");
	if (align > 4096 && access(path, F_OK) != 0)
		return rb_fail(t, -RB_ENOCAP,
			       "%s: align %lluM needs transparent huge pages, which this kernel lacks (CONFIG_TRANSPARENT_HUGEPAGE); use --align 4K",
			       t->name, (unsigned long long)(align >> 20));
	rc = target_state(t, &ds);
	if (rc < 0)
		return rc;
	rc = misaligned_ranges(t->name, granule);
	if (rc > 0 || (rc == -ENOENT && ds.size % granule))
		return rb_fail(t, -RB_ENOCAP,
			       "%s: align %llu does not divide its %s (size %llu); the kernel would refuse it",
			       t->name, (unsigned long long)align,
			       rc > 0 ? "ranges" : "size",
			       (unsigned long long)ds.size);
	return 0;
}

static int dax_check_config(struct rb_target *t,
			    const struct rb_config_req *r)
{
	struct dax_target *dt = to_dax(t);
	int rc;

	rc = rb_cap_mode("dax", t->err, sizeof(t->err));
	if (rc < 0)
		return rc;
	if (r->mode && strcmp(r->mode, "devdax"))
		return rb_fail(t, -EINVAL,
			       "%s: a dax-bus device is always devdax; use ndctl-rebind-bench --mode %s on its namespace",
			       t->name, r->mode);
	if (r->map)
		return rb_fail(t, dt->is_static ? -EOPNOTSUPP : -EINVAL,
			       dt->is_static ?
			       "%s: map is fixed by its pmem namespace; use ndctl-rebind-bench --mode devdax --map" :
			       "%s: map applies to pmem namespaces only",
			       t->name);
	if (r->align && dt->is_static)
		return rb_fail(t, -EOPNOTSUPP,
			       "%s: align is fixed by its pmem namespace; use ndctl-rebind-bench --mode devdax --align",
			       t->name);
	if (r->align)
		return check_dynamic_align(t, r->align);
	return 0;
}

static int dax_reconfigure(struct rb_target *t, const struct rb_config_req *r)
{
	int rc = dax_check_config(t, r);

	if (rc || !r->align)
		return rc;
	rc = dax_unbind(t);
	if (rc == 0)
		rc = set_align(t, r->align);
	return rc;
}

static int dax_restore(struct rb_target *t)
{
	struct dax_target *dt = to_dax(t);
	struct dax_state ds;
	int rc;

	rc = target_state(t, &ds);
	if (rc < 0)
		return rc;
	if (!strcmp(ds.driver, "kmem"))
		return 0; /* never touched: unbind() refuses kmem */
	if (!dt->is_static && ds.align != dt->orig_align) {
		rc = dax_unbind(t);
		if (rc == 0)
			rc = set_align(t, dt->orig_align);
		if (rc < 0)
			return rc;
		ds.driver[0] = '\0';
	}
	if (dt->orig_bound && !on_device_dax(t->name))
		return dax_bind(t);
	if (!dt->orig_bound && ds.driver[0])
		return dax_unbind(t);
	return 0;
}

static int dax_save(struct rb_target *t, struct json_object *rec)
{
	struct dax_target *dt = to_dax(t);
	int rc;

	rc = rb_json_put_str(rec, "kind", "dax");
	rc = rc ?: rb_json_put_str(rec, "dev", t->name);
	rc = rc ?: rb_json_put_str(rec, "mode", "devdax");
	rc = rc ?: rb_json_put_u64(rec, "align", dt->orig_align);
	rc = rc ?: rb_json_put(rec, "bound",
			       json_object_new_boolean(dt->orig_bound));
	rc = rc ?: rb_json_put_str(rec, "bind_dev", t->name);
	rc = rc ?: rb_json_put_str(rec, "driver", "device_dax");
	rc = rc ?: rb_json_put_str(rec, "parent", dt->parent);
	rc = rc ?: rb_json_put_u64(rec, "size", dt->ident_size);
	return rc;
}

static void dax_close(struct rb_target *t)
{
	free(to_dax(t));
}

static const struct rb_target_ops dax_ops = {
	.describe = dax_describe,
	.check_busy = dax_check_busy,
	.unbind = dax_unbind,
	.bind = dax_bind,
	.reconfigure = dax_reconfigure,
	.check_config = dax_check_config,
	.restore = dax_restore,
	.close = dax_close,
	.save = dax_save,
};

static struct dax_target *dax_target_new(const char *dev,
					 const struct rb_target_opts *opts,
					 char *err, size_t errlen)
{
	struct dax_target *dt;
	struct dax_state ds;

	if (dax_state_read(dev, &ds) < 0) {
		snprintf(err, errlen, "%s: no such dax-bus device", dev);
		return NULL;
	}
	dt = calloc(1, sizeof(*dt));
	if (!dt) {
		snprintf(err, errlen, "%s: out of memory", dev);
		return NULL;
	}
	dt->t.ops = &dax_ops;
	dt->t.opts = *opts;
	dt->t.priv = dt;
	snprintf(dt->t.name, sizeof(dt->t.name), "%s", dev);
	dax_parent(dev, &dt->is_static, dt->parent, sizeof(dt->parent));
	dt->orig_bound = !strcmp(ds.driver, "device_dax");
	dt->orig_align = ds.align;
	dt->ident_size = ds.size;
	if (dt->parent[0])
		rb_dbg("%s (dax bus) is the devdax device of nd %s", dev,
		       dt->parent);
	return dt;
}

int rb_dax_target_from_saved(struct json_object *rec,
			     const struct rb_target_opts *opts,
			     struct rb_target **out, char *err, size_t errlen)
{
	const char *dev = rb_json_get_str(rec, "dev");
	uint64_t align, size;
	struct dax_target *dt;
	bool bound;

	if (!dev || !rb_json_get_u64(rec, "align", &align) ||
	    !rb_json_get_u64(rec, "size", &size) ||
	    !rb_json_get_bool(rec, "bound", &bound)) {
		snprintf(err, errlen, "saved dax target record is incomplete");
		return -EINVAL;
	}
	dt = dax_target_new(dev, opts, err, errlen);
	if (!dt)
		return -ENODEV;
	if (dt->ident_size != size) {
		snprintf(err, errlen,
			 "%s is no longer the dax device of the saved record (size differs)",
			 dev);
		free(dt);
		return -ENODEV;
	}
	dt->orig_align = align;
	dt->orig_bound = bound;
	*out = &dt->t;
	return 0;
}

/* An nd-bus daxX.Y was named: say which dax-bus device it carries. */
static void explain_clash(const char *name, char *err, size_t errlen)
{
	char path[PATH_MAX], ns[32], child[32] = "";
	struct rb_nd_state st;

	parent_namespace(name, ns, sizeof(ns));
	if (ns[0] && rb_nd_state_read(ns, &st) == 0 &&
	    !strcmp(st.holder, name))
		snprintf(child, sizeof(child), "%s", st.chardev);
	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", name);
	if (child[0])
		snprintf(err, errlen,
			 "%s is an nd-bus device (devdax personality of %s, driver dax_pmem); its dax-bus device is %s: pass %s, or %s to ndctl-rebind-bench",
			 name, ns, child, child, ns);
	else if (ns[0])
		snprintf(err, errlen,
			 "%s is an nd-bus device (devdax personality of %s) with no dax-bus device bound; enable %s first",
			 name, ns, ns);
	else
		snprintf(err, errlen,
			 "%s: no such dax-bus device (an nd-bus %s exists: it is an unconfigured devdax seed)",
			 name, name);
}

static bool region_matches(struct daxctl_region *region, const char *want)
{
	char a[16], b[24];

	if (!want || !strcmp(want, "all"))
		return true;
	snprintf(a, sizeof(a), "%d", daxctl_region_get_id(region));
	snprintf(b, sizeof(b), "region%d", daxctl_region_get_id(region));
	return !strcmp(want, a) || !strcmp(want, b);
}

static int add_target(struct rb_target ***v, int *nr, const char *dev,
		      const struct rb_target_opts *opts, char *err,
		      size_t errlen)
{
	struct rb_target **nv;
	struct dax_target *dt;
	int i;

	for (i = 0; i < *nr; i++)
		if (!strcmp((*v)[i]->name, dev))
			return 0;
	dt = dax_target_new(dev, opts, err, errlen);
	if (!dt)
		return -ENODEV;
	nv = realloc(*v, (*nr + 1) * sizeof(*nv));
	if (!nv) {
		free(dt);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nv[(*nr)++] = &dt->t;
	*v = nv;
	return 0;
}

static int resolve_one(struct daxctl_ctx *ctx, const char *name,
		       const struct rb_target_filter *f,
		       const struct rb_target_opts *opts,
		       struct rb_target ***v, int *nr, char *err,
		       size_t errlen)
{
	bool all = !strcmp(name, "all");
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	unsigned int rid, id;
	char want[64], path[PATH_MAX];
	int found = 0, rc;

	if (!all) {
		if (!rb_parse_devname(name, "dax", &rid, &id)) {
			snprintf(err, errlen,
				 "'%s' is not a dax device name (daxX.Y, X.Y or all)",
				 name);
			return -EINVAL;
		}
		snprintf(want, sizeof(want), "dax%u.%u", rid, id);
	}
	daxctl_region_foreach(ctx, region) {
		if (!region_matches(region, f ? f->region : NULL))
			continue;
		daxctl_dev_foreach(region, dev) {
			const char *dn = daxctl_dev_get_devname(dev);

			if (all ? daxctl_dev_get_size(dev) == 0 :
				  strcmp(dn, want) != 0)
				continue;
			rc = add_target(v, nr, dn, opts, err, errlen);
			if (rc < 0)
				return rc;
			found++;
		}
	}
	if (found)
		return 0;
	/* No dax-bus device at all may mean no device-dax in this kernel */
	if (rb_cap_mode("dax", err, errlen) < 0)
		return -ENODEV;
	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", want);
	if (!all && access(path, F_OK) == 0)
		explain_clash(want, err, errlen);
	else if (all)
		snprintf(err, errlen, "no dax device matches%s%s",
			 f && f->region ? " --region " : "",
			 f && f->region ? f->region : "");
	else
		snprintf(err, errlen, "%s: no such dax device%s", want,
			 f && f->region ? " (with the --region filter)" : "");
	return -ENODEV;
}

int rb_dax_targets_open(char *const *names, int nr_names,
			const struct rb_target_filter *filter,
			const struct rb_target_opts *opts,
			struct rb_target ***out, char *err, size_t errlen)
{
	struct rb_target **v = NULL;
	struct daxctl_ctx *ctx;
	int i, nr = 0, rc = 0;

	if (nr_names < 1) {
		snprintf(err, errlen, "no dax device given");
		return -EINVAL;
	}
	rc = daxctl_new(&ctx);
	if (rc < 0) {
		snprintf(err, errlen, "cannot initialise libdaxctl: %s",
			 strerror(-rc));
		return -ENODEV;
	}
	rb_daxctl_quiet(ctx);
	for (i = 0; i < nr_names && rc == 0; i++)
		rc = resolve_one(ctx, names[i], filter, opts, &v, &nr, err,
				 errlen);
	daxctl_unref(ctx);
	if (rc < 0) {
		rb_targets_free(v, nr);
		return rc;
	}
	*out = v;
	return nr;
}
