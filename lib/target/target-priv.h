/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internals shared by the target implementations, lowest first:
 *   target-util.c    names, errors, target arrays, library log routing
 *   target-sysfs.c   sysfs attribute and driver-file access below the root
 *   target-busy.c    is a block or dax device in use
 *   target-caps.c    does this kernel have a driver, a mode, an align
 *   nd-state.c       what sysfs says about a namespace's personality
 *   nd-target*.c, dax-target.c   the two families of struct rb_target_ops
 *   target.c         rb_target_from_saved(), the one dispatcher
 * Not for the loop: it talks to targets through target.h only.
 */
#ifndef RB_TARGET_PRIV_H
#define RB_TARGET_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "target/target.h"

/* Below rb_sysroot(): see rb_sys_path(). */
#define RB_ND_DEVICES "/sys/bus/nd/devices"
#define RB_DAX_DEVICES "/sys/bus/dax/devices"

struct ndctl_ctx;
struct daxctl_ctx;

/* Copy a NUL-terminated name into @dst, truncating; returns @dst. */
char *rb_copy(char *dst, size_t len, const char *src);

/* Record a one-line reason in t->err; returns @rc for "return rb_fail()". */
int rb_fail(struct rb_target *t, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * rb_sysroot() + printf(@fmt) into @buf (truncated to @len): every path of
 * /sys, /proc and /lib/modules the target layer reads or writes, so that
 * unit tests can point the readers at a fake tree. Returns @buf.
 */
char *rb_sys_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * First line of a sysfs attribute without the newline: its length, or
 * -errno (a disabled pfn's "size" reads as -ENXIO, for instance).
 */
int rb_sysfs_read(const char *path, char *buf, size_t len);
int rb_sysfs_read_u64(const char *path, uint64_t *val);
/* Write @val to a sysfs attribute in one write(); 0 or -errno. */
int rb_sysfs_write(const char *path, const char *val);
/* Name of the driver bound to the device at @devpath; -ENOENT if none. */
int rb_sysfs_driver(const char *devpath, char *buf, size_t len);

/*
 * Write @dev to /sys/bus/@bus/drivers/@driver/{bind,unbind}. bind loads
 * the driver's module first when the driver is not registered. Probing
 * happens inside the write, so a failed probe comes back as its errno.
 */
int rb_driver_bind(const char *bus, const char *driver, const char *dev);
int rb_driver_unbind(const char *bus, const char *driver, const char *dev);

/*
 * Flush the nd bus's asynchronous device registrations and probes (the
 * kernel half of ndctl_bus_wait_probe(), without waiting for udev).
 */
int rb_nd_wait_probe(const char *bus_dev);

/*
 * Busy checks: -EBUSY and a precise one-line reason in @why when a block
 * device (disk name, e.g. "pmem0") is mounted, held or open, or a dax
 * character device (e.g. "dax0.0") is open or mapped by any process.
 */
int rb_busy_blockdev(const char *disk, char *why, size_t len);
int rb_busy_chardev(const char *dax, char *why, size_t len);

/*
 * Route libndctl / libdaxctl / libkmod messages to rb_dbg(): shown with
 * -v only, one line each, never on their own on stderr.
 */
struct kmod_ctx;
void rb_ndctl_quiet(struct ndctl_ctx *ctx);
void rb_daxctl_quiet(struct daxctl_ctx *ctx);
void rb_kmod_quiet(struct kmod_ctx *ctx);

/*
 * Is driver @name (nd_pmem, dax_pmem, device_dax, kmem) registered, built
 * in or loadable? Nothing is loaded. 0, or -RB_ENOCAP with what is missing
 * ("no dax_pmem module: CONFIG_DEV_DAX_PMEM=m, not installed") in @why. Drivers
 * not in its table, and kernels that leave nothing to ask, pass.
 */
int rb_cap_driver(const char *name, char *why, size_t len);

/*
 * The drivers @mode binds: "fsdax" and "raw" nd_pmem, "devdax" dax_pmem and
 * device_dax, "dax" (a dax-bus device) device_dax. 0, or -RB_ENOCAP with
 * one line for the user in @err: "this kernel has no device-dax support
 * (...): devdax cannot be measured; ...".
 */
int rb_cap_mode(const char *mode, char *err, size_t errlen);

/* "namespace3.1", "3.1" -> region 3, id 1 with @prefix "namespace". */
bool rb_parse_devname(const char *name, const char *prefix,
		      unsigned int *region, unsigned int *id);

/* Personality of a namespace as the kernel reports it right now. */
struct rb_nd_config {
	char mode[8]; /* "fsdax", "devdax", "raw" */
	char map[4]; /* "dev", "mem"; "" for raw */
	uint64_t align; /* pfn/dax align; 0 for raw and native */
	/* raw namespace on a pagemap region (e820): fsdax map=mem, no pfn */
	bool native;
	bool bound; /* the memmap-carrying device has its driver */
};

struct rb_nd_state {
	struct rb_nd_config cfg;
	char ns[32]; /* namespace0.0 */
	char region[32]; /* region0 */
	char bus_dev[32]; /* ndbus0 */
	char holder[32]; /* pfn0.1, dax0.1, btt0.1 or "" */
	char bind_dev[32]; /* device whose driver is rebound */
	char driver[16]; /* nd_pmem, dax_pmem */
	char blockdev[32]; /* pmem0 when bound */
	char chardev[32]; /* dax-bus child of the nd dax device, when bound */
	char chardev_driver[16]; /* device_dax, kmem or "" */
	bool force_raw;
	uint64_t ns_res, ns_size; /* raw namespace resource */
	uint64_t size; /* usable size, as `ndctl list` reports it */
	uint64_t nr_pages; /* memmap_init_zone_device's count; 0 unknown */
	int numa_node;
};

/* Read @ns's state from sysfs; -ENODEV when the namespace is gone. */
int rb_nd_state_read(const char *ns, struct rb_nd_state *st);

/* Does the nd-bus device @dev have a driver bound? */
bool rb_nd_is_bound(const char *dev);

/*
 * Name of the first entry of directory @dir (an rb_sys_path()) that starts
 * with @prefix; for "dax", only daxR.N device names. -ENOENT when none.
 */
int rb_first_entry(const char *dir, const char *prefix, char *buf,
		   size_t len);

/*
 * memmap_init_zone_device() page count and usable size of a pfn/dax
 * personality, from the namespace geometry the way the kernel lays out
 * the info block (see the rule in nd-target.c). -EINVAL when @align
 * cannot be satisfied on this namespace.
 */
int rb_nd_geometry(uint64_t ns_res, uint64_t ns_size, bool map_dev,
		   uint64_t align, uint64_t *nr_pages, uint64_t *usable);

/* nd targets: reconfiguration through libndctl (nd-target-reconfig.c). */
struct rb_nd_req {
	const char *mode; /* "fsdax", "devdax", "raw" */
	const char *map; /* "dev", "mem" (fsdax/devdax) */
	uint64_t align; /* 0: default of the seed */
	bool native; /* raw on a pagemap region: leave it claim-less */
};
/*
 * Destroy the old personality and configure @req without enabling it;
 * mode "raw" leaves the namespace claim-less and disabled. Needs the
 * caller's --force. Returns 0 or -errno with a one-line reason in @err.
 */
int rb_nd_apply(const char *ns, const struct rb_nd_req *req, char *err,
		size_t errlen);
/* rb_nd_apply()'s checks of @req against the region and size alone. */
int rb_nd_check(const char *ns, const struct rb_nd_req *req, char *err,
		size_t errlen);

/* An nd target on @ns, its state read now; NULL with a reason in @err. */
struct rb_target *rb_nd_target_new(const char *ns,
				   const struct rb_target_opts *opts,
				   char *err, size_t errlen);

/* Constructors used by rb_target_from_saved(). */
int rb_nd_target_from_saved(struct json_object *rec,
			    const struct rb_target_opts *opts,
			    struct rb_target **out, char *err, size_t errlen);
int rb_dax_target_from_saved(struct json_object *rec,
			     const struct rb_target_opts *opts,
			     struct rb_target **out, char *err, size_t errlen);

#endif /* RB_TARGET_PRIV_H */
