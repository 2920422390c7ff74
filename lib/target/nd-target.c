// SPDX-License-Identifier: GPL-2.0
/*
 * nd targets: a namespace whose memmap-carrying device is rebound on the nd
 * bus (fsdax: pfnX.Y on nd_pmem; devdax: the nd daxX.Y on dax_pmem, whose
 * probe creates the dax-bus device that device_dax probes; raw namespace on
 * a pagemap region such as e820: the namespace on nd_pmem).
 *
 * State is read from sysfs on every call rather than cached in libndctl
 * objects: a rebind creates and deletes pfn/dax devices behind the
 * library's back. libndctl is used, on a fresh context each time, for
 * name resolution and for the ndctl-style enable/disable and reconfiguring.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndctl/libndctl.h>
#include "util/log.h"
#include "util/json.h"
#include "target/target-priv.h"


struct nd_target {
	struct rb_target t;
	struct rb_nd_state st; /* refreshed by nd_refresh() */
	struct rb_nd_config orig; /* found at open, put back by restore */
	uint64_t ident_res, ident_size; /* guards a saved record */
};

static const struct rb_target_ops nd_ops;

static struct nd_target *to_nd(struct rb_target *t)
{
	return (struct nd_target *)t;
}

static int nd_refresh(struct nd_target *nt)
{
	int rc = rb_nd_state_read(nt->t.name, &nt->st);

	if (rc < 0)
		return rb_fail(&nt->t, rc, "%s: namespace is gone",
			       nt->t.name);
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s && s[0] ? strdup(s) : NULL;
}

static int nd_describe(struct rb_target *t, struct rb_target_desc *d)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_state *st = &nt->st;
	int rc;

	rc = nd_refresh(nt);
	if (rc < 0)
		return rc;
	d->dev = strdup(t->name);
	d->mode = dup_or_null(st->cfg.mode);
	d->map = dup_or_null(st->cfg.map);
	d->align = st->cfg.align;
	d->size = st->size;
	d->numa_node = st->numa_node;
	d->bind_dev = dup_or_null(st->bind_dev);
	d->bind_bus = strdup("nd");
	d->driver = dup_or_null(st->driver);
	d->region = dup_or_null(st->region);
	d->chardev = dup_or_null(st->chardev);
	d->blockdev = dup_or_null(st->blockdev);
	d->expected_nr_pages = st->nr_pages;
	if (!d->dev || !d->bind_bus)
		return rb_fail(t, -ENOMEM, "%s: out of memory", t->name);
	return 0;
}

static int nd_check_busy(struct rb_target *t, char *why, size_t len)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_state *st = &nt->st;
	int rc;

	rc = nd_refresh(nt);
	if (rc < 0) {
		snprintf(why, len, "%s", t->err);
		return rc;
	}
	if (strcmp(st->chardev_driver, "kmem") == 0) {
		snprintf(why, len,
			 "%s: its dax device %s is in system-ram mode (kmem)",
			 t->name, st->chardev);
		return -EBUSY;
	}
	if (st->blockdev[0]) {
		rc = rb_busy_blockdev(st->blockdev, why, len);
		if (rc < 0)
			return rc;
	}
	if (st->chardev[0])
		return rb_busy_chardev(st->chardev, why, len);
	return 0;
}

/* A fresh library context and the namespace in it, by name. */
static struct ndctl_namespace *nd_lookup(struct ndctl_ctx **ctx,
					 const char *name)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;

	if (ndctl_new(ctx) < 0) {
		*ctx = NULL;
		return NULL;
	}
	rb_ndctl_quiet(*ctx);
	ndctl_bus_foreach(*ctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns)
				if (!strcmp(ndctl_namespace_get_devname(ndns),
					    name))
					return ndns;
	return NULL;
}

static int unbind_namespace_method(struct nd_target *nt)
{
	struct ndctl_namespace *ndns;
	struct ndctl_ctx *ctx;
	int rc;

	ndns = nd_lookup(&ctx, nt->t.name);
	if (!ndns) {
		rc = rb_fail(&nt->t, -ENODEV, "%s: namespace is gone",
			     nt->t.name);
	} else {
		rc = ndctl_namespace_disable_safe(ndns);
		if (rc < 0)
			rb_fail(&nt->t, rc, "%s: disable failed: %s",
				nt->t.name, strerror(-rc));
	}
	if (ctx)
		ndctl_unref(ctx);
	return rc < 0 ? rc : 0;
}

static int nd_unbind(struct rb_target *t)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_state *st = &nt->st;
	int rc;

	if (strcmp(st->chardev_driver, "kmem") == 0)
		return rb_fail(t, -EBUSY,
			       "%s: %s is in system-ram mode (kmem); run daxctl reconfigure-device --mode=devdax %s first",
			       t->name, st->chardev, st->chardev);
	if (t->opts.method == RB_METHOD_NAMESPACE) {
		rc = unbind_namespace_method(nt);
		nd_refresh(nt);
		return rc;
	}
	rc = rb_driver_unbind("nd", st->driver, st->bind_dev);
	if (rc == -ENODEV && !rb_nd_is_bound(st->bind_dev))
		rc = 0; /* was not bound */
	if (rc < 0)
		return rb_fail(t, rc, "%s: unbind %s from %s: %s", t->name,
			       st->bind_dev, st->driver, strerror(-rc));
	st->cfg.bound = false;
	st->chardev[0] = '\0';
	st->chardev_driver[0] = '\0';
	return 0;
}

/*
 * dax_pmem's probe registers the dax-bus device; device_dax normally
 * probes it inside that registration. Make sure it ended up there, as it
 * was before the unbind, since that probe is what runs the memmap init.
 */
static int devdax_child_bind(struct nd_target *nt)
{
	struct rb_nd_state *st = &nt->st;
	char path[PATH_MAX];
	int rc;

	rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s", st->bind_dev);
	rc = rb_first_entry(path, "dax", st->chardev, sizeof(st->chardev));
	if (rc < 0)
		return rb_fail(&nt->t, -ENXIO,
			       "%s: %s bound to dax_pmem but created no dax-bus device",
			       nt->t.name, st->bind_dev);
	rb_sys_path(path, sizeof(path), RB_DAX_DEVICES "/%s", st->chardev);
	if (rb_sysfs_driver(path, st->chardev_driver,
			    sizeof(st->chardev_driver)) == 0)
		return 0;
	rc = rb_driver_bind("dax", "device_dax", st->chardev);
	/* an asynchronous probe may have won the race: fine */
	if (rc < 0 && rb_sysfs_driver(path, st->chardev_driver,
				      sizeof(st->chardev_driver)) == 0 &&
	    !strcmp(st->chardev_driver, "device_dax"))
		rc = 0;
	if (rc < 0)
		return rb_fail(&nt->t, rc,
			       "%s: bind dax-bus %s to device_dax: %s",
			       nt->t.name, st->chardev, strerror(-rc));
	snprintf(st->chardev_driver, sizeof(st->chardev_driver),
		 "device_dax");
	return 0;
}

static int bind_namespace_method(struct nd_target *nt)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_ctx *ctx;
	struct ndctl_pfn *pfn;
	struct ndctl_dax *dax;
	int rc;

	ndns = nd_lookup(&ctx, nt->t.name);
	if (!ndns) {
		rc = rb_fail(&nt->t, -ENODEV, "%s: namespace is gone",
			     nt->t.name);
		goto out;
	}
	/* A personality set up by reconfigure() is enabled directly. */
	region = ndctl_namespace_get_region(ndns);
	rc = -ENOENT;
	ndctl_pfn_foreach(region, pfn)
		if (!strcmp(ndctl_pfn_get_devname(pfn), nt->st.holder))
			rc = ndctl_pfn_enable(pfn);
	ndctl_dax_foreach(region, dax)
		if (!strcmp(ndctl_dax_get_devname(dax), nt->st.holder))
			rc = ndctl_dax_enable(dax);
	if (rc == -ENOENT)
		rc = ndctl_namespace_enable(ndns);
	/* 1: enabled through the pfn/dax device that claims it */
	if (rc < 0)
		rb_fail(&nt->t, rc, "%s: enable failed: %s (see dmesg)",
			nt->t.name, strerror(-rc));
out:
	if (ctx)
		ndctl_unref(ctx);
	return rc < 0 ? rc : 0;
}

/* A failed driver bind; a module that cannot be loaded says why. */
static int bind_failed(struct rb_target *t, int rc, const char *dev,
		       const char *driver)
{
	char why[256];

	if (rc == -ENOENT && rb_cap_driver(driver, why, sizeof(why)) < 0)
		return rb_fail(t, rc, "%s: bind %s to %s: %s", t->name, dev,
			       driver, why);
	return rb_fail(t, rc, "%s: bind %s to %s: %s (see dmesg)", t->name,
		       dev, driver, strerror(-rc));
}

static int nd_bind(struct rb_target *t)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_state *st = &nt->st;
	int rc;

	if (!strcmp(st->cfg.mode, "raw") || !strcmp(st->cfg.mode, "sector"))
		rb_dbg("%s: %s mode has no struct pages to initialise",
		       t->name, st->cfg.mode);
	if (t->opts.method == RB_METHOD_NAMESPACE) {
		rc = bind_namespace_method(nt);
	} else {
		rc = rb_driver_bind("nd", st->driver, st->bind_dev);
		if (rc == -EBUSY && rb_nd_is_bound(st->bind_dev))
			rc = 0; /* already bound */
		if (rc < 0)
			return bind_failed(t, rc, st->bind_dev, st->driver);
		if (!rb_nd_is_bound(st->bind_dev))
			return rb_fail(t, -ENXIO, "%s: %s did not bind to %s",
				       t->name, st->bind_dev, st->driver);
		st->cfg.bound = true;
		rb_nd_wait_probe(st->bus_dev);
		if (!strcmp(st->driver, "dax_pmem"))
			rc = devdax_child_bind(nt);
		return rc;
	}
	rb_nd_wait_probe(st->bus_dev);
	if (rc < 0)
		return rc;
	rc = nd_refresh(nt);
	/* autodetect re-created the nd dax device: check its dax-bus child */
	if (rc == 0 && st->cfg.bound && !strcmp(st->driver, "dax_pmem") &&
	    strcmp(st->chardev_driver, "device_dax"))
		rc = devdax_child_bind(nt);
	return rc;
}

static bool config_equal(const struct rb_nd_config *a,
			 const struct rb_nd_config *b)
{
	if (strcmp(a->mode, b->mode) || a->native != b->native)
		return false;
	if (!strcmp(a->mode, "raw") || a->native || !strcmp(a->mode, "sector"))
		return true;
	return !strcmp(a->map, b->map) && a->align == b->align;
}

/* @r with the kept fields filled in from the current configuration. */
static int nd_resolve_req(struct nd_target *nt, const struct rb_config_req *r,
			  struct rb_nd_req *out)
{
	struct rb_target *t = &nt->t;
	struct rb_nd_config *cur = &nt->st.cfg;
	struct rb_nd_req req = { 0 };

	req.mode = r->mode;
	if (!req.mode && (!strcmp(cur->mode, "fsdax") ||
			  !strcmp(cur->mode, "devdax")))
		req.mode = cur->mode;
	if (!req.mode)
		return rb_fail(t, -EINVAL,
			       "%s is in %s mode: say --mode fsdax or devdax",
			       t->name, cur->mode);
	if (strcmp(req.mode, "fsdax") && strcmp(req.mode, "devdax"))
		return rb_fail(t, -EINVAL,
			       "%s: unsupported mode '%s' (fsdax or devdax)",
			       t->name, req.mode);
	req.map = r->map ? r->map : cur->map[0] ? cur->map : "dev";
	if (strcmp(req.map, "dev") && strcmp(req.map, "mem"))
		return rb_fail(t, -EINVAL,
			       "%s: unsupported map '%s' (dev or mem)",
			       t->name, req.map);
	/* Same mode and no --align: keep the align, as ndctl does. */
	req.align = r->align;
	if (!req.align && !strcmp(req.mode, cur->mode) && !cur->native)
		req.align = cur->align;
	*out = req;
	return 0;
}

static int nd_check_config(struct rb_target *t, const struct rb_config_req *r)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_req req;
	int rc;

	rc = nd_refresh(nt);
	if (rc == 0)
		rc = nd_resolve_req(nt, r, &req);
	if (rc == 0)
		rc = rb_nd_check(t->name, &req, t->err, sizeof(t->err));
	return rc;
}

static int nd_reconfigure(struct rb_target *t, const struct rb_config_req *r)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_req req;
	int rc;

	if (!t->opts.force)
		return rb_fail(t, -EPERM,
			       "reconfiguring %s destroys its data; use --force",
			       t->name);
	rc = nd_refresh(nt);
	if (rc == 0)
		rc = nd_resolve_req(nt, r, &req);
	if (rc < 0)
		return rc;
	rc = rb_nd_apply(t->name, &req, t->err, sizeof(t->err));
	nd_refresh(nt);
	return rc;
}

/* Put the binding state back to @bound without touching the config. */
static int restore_binding(struct nd_target *nt, bool bound)
{
	struct rb_nd_state *st = &nt->st;
	enum rb_method method = nt->t.opts.method;
	int rc = 0;

	/* force_raw left behind by an interrupted info-block zeroing */
	if (st->force_raw && !st->cfg.bound) {
		char path[PATH_MAX];

		rb_sys_path(path, sizeof(path), RB_ND_DEVICES "/%s/force_raw",
			 nt->t.name);
		rb_sysfs_write(path, "0");
	}
	if (bound == st->cfg.bound &&
	    (!bound || strcmp(st->driver, "dax_pmem") ||
	     !strcmp(st->chardev_driver, "device_dax")))
		return 0;
	/* The driver method is exact: it touches only the bind device. */
	nt->t.opts.method = RB_METHOD_DRIVER;
	if (bound && st->cfg.bound)
		rc = devdax_child_bind(nt);
	else if (bound)
		rc = nd_bind(&nt->t);
	else
		rc = nd_unbind(&nt->t);
	nt->t.opts.method = method;
	return rc;
}

static int nd_restore(struct rb_target *t)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_config *o = &nt->orig;
	struct rb_nd_req req = { 0 };
	int rc;

	rc = nd_refresh(nt);
	if (rc < 0)
		return rc;
	if (!config_equal(&nt->st.cfg, o)) {
		if (!strcmp(o->mode, "sector"))
			return rb_fail(t, -EOPNOTSUPP,
				       "%s: cannot restore sector mode; recreate it with ndctl create-namespace -f -e %s -m sector",
				       t->name, t->name);
		rb_dbg("%s: restoring %s map=%s align=%llu", t->name,
		       o->mode, o->map, (unsigned long long)o->align);
		req.mode = o->native ? "raw" : o->mode;
		req.map = o->map;
		req.align = o->align;
		req.native = o->native;
		rc = rb_nd_apply(t->name, &req, t->err, sizeof(t->err));
		if (rc < 0)
			return rc;
		rc = nd_refresh(nt);
		if (rc < 0)
			return rc;
		if (!config_equal(&nt->st.cfg, o) && !o->native)
			return rb_fail(t, -EIO,
				       "%s: restored as %s but reads back as %s",
				       t->name, o->mode, nt->st.cfg.mode);
	}
	rc = restore_binding(nt, o->bound);
	if (rc == 0)
		rc = nd_refresh(nt);
	/* native pagemap mode only shows once the namespace is enabled */
	if (rc == 0 && !config_equal(&nt->st.cfg, o))
		rc = rb_fail(t, -EIO, "%s: restored but reads back as %s%s",
			     t->name, nt->st.cfg.mode,
			     nt->st.cfg.native ? " (pagemap)" : "");
	return rc;
}

static int nd_save(struct rb_target *t, struct json_object *rec)
{
	struct nd_target *nt = to_nd(t);
	struct rb_nd_config *o = &nt->orig;
	int rc;

	rc = rb_json_put_str(rec, "kind", "nd");
	rc = rc ?: rb_json_put_str(rec, "dev", t->name);
	rc = rc ?: rb_json_put_str(rec, "mode", o->mode);
	rc = rc ?: rb_json_put_str(rec, "map", o->map);
	rc = rc ?: rb_json_put_u64(rec, "align", o->align);
	rc = rc ?: rb_json_put(rec, "native",
			       json_object_new_boolean(o->native));
	rc = rc ?: rb_json_put(rec, "bound", json_object_new_boolean(o->bound));
	rc = rc ?: rb_json_put_str(rec, "bind_dev", nt->st.bind_dev);
	rc = rc ?: rb_json_put_str(rec, "driver", nt->st.driver);
	rc = rc ?: rb_json_put_u64(rec, "resource", nt->ident_res);
	rc = rc ?: rb_json_put_u64(rec, "size", nt->ident_size);
	return rc;
}

static void nd_close(struct rb_target *t)
{
	free(to_nd(t));
}

static const struct rb_target_ops nd_ops = {
	.describe = nd_describe,
	.check_busy = nd_check_busy,
	.unbind = nd_unbind,
	.bind = nd_bind,
	.reconfigure = nd_reconfigure,
	.check_config = nd_check_config,
	.restore = nd_restore,
	.close = nd_close,
	.save = nd_save,
};

struct rb_target *rb_nd_target_new(const char *ns,
				   const struct rb_target_opts *opts,
				   char *err, size_t errlen)
{
	struct nd_target *nt = calloc(1, sizeof(*nt));
	int rc;

	if (!nt) {
		snprintf(err, errlen, "%s: out of memory", ns);
		return NULL;
	}
	nt->t.ops = &nd_ops;
	nt->t.opts = *opts;
	nt->t.priv = nt;
	snprintf(nt->t.name, sizeof(nt->t.name), "%s", ns);
	rc = rb_nd_state_read(ns, &nt->st);
	if (rc < 0) {
		snprintf(err, errlen, "%s: cannot read its sysfs state: %s",
			 ns, strerror(-rc));
		free(nt);
		return NULL;
	}
	nt->orig = nt->st.cfg;
	nt->ident_res = nt->st.ns_res;
	nt->ident_size = nt->st.ns_size;
	return &nt->t;
}

int rb_nd_target_from_saved(struct json_object *rec,
			    const struct rb_target_opts *opts,
			    struct rb_target **out, char *err, size_t errlen)
{
	const char *dev = rb_json_get_str(rec, "dev");
	const char *mode = rb_json_get_str(rec, "mode");
	const char *map = rb_json_get_str(rec, "map");
	uint64_t align, res, size;
	bool native, bound;
	struct rb_target *t;
	struct nd_target *nt;

	if (!dev || !mode || !map || !rb_json_get_u64(rec, "align", &align) ||
	    !rb_json_get_u64(rec, "resource", &res) ||
	    !rb_json_get_u64(rec, "size", &size) ||
	    !rb_json_get_bool(rec, "native", &native) ||
	    !rb_json_get_bool(rec, "bound", &bound)) {
		snprintf(err, errlen, "saved nd target record is incomplete");
		return -EINVAL;
	}
	t = rb_nd_target_new(dev, opts, err, errlen);
	if (!t)
		return -ENODEV;
	nt = to_nd(t);
	if (nt->ident_res != res || nt->ident_size != size) {
		snprintf(err, errlen,
			 "%s is no longer the namespace of the saved record (resource or size differ)",
			 dev);
		free(nt);
		return -ENODEV;
	}
	snprintf(nt->orig.mode, sizeof(nt->orig.mode), "%s", mode);
	snprintf(nt->orig.map, sizeof(nt->orig.map), "%s", map);
	nt->orig.align = align;
	nt->orig.native = native;
	nt->orig.bound = bound;
	*out = &nt->t;
	return 0;
}

