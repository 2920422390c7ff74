/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A benchmark target: something whose driver rebind runs
 * memmap_init_zone_device(). nd-target.c implements it for namespaces
 * (libndctl), dax-target.c for dax-bus devices (libdaxctl); rebind-loop.c
 * drives either one through these operations only.
 */
#ifndef RB_TARGET_H
#define RB_TARGET_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "results/document.h"

struct rb_target;

/*
 * What a target op returns for a capability the kernel, the region or the
 * namespace lacks: the run refuses it with RB_EXIT_ENV, while -EINVAL and
 * -EOPNOTSUPP are the user's mistakes (RB_EXIT_USAGE).
 */
#define RB_ENOCAP ENOPKG

/* One configuration of the --mode x --map x --align matrix. */
struct rb_config_req {
	const char *mode; /* NULL: keep */
	const char *map; /* NULL: keep */
	uint64_t align; /* 0: keep */
};

struct rb_target_ops {
	/*
	 * Fill @desc with the current configuration (dev, mode, map, align,
	 * size, numa_node, bind_dev, driver, expected_nr_pages).
	 */
	int (*describe)(struct rb_target *t, struct rb_target_desc *desc);
	/*
	 * Refuse when in use (mounted, held, mapped, system-ram). Returns 0,
	 * or -EBUSY with a one-line reason in @why.
	 */
	int (*check_busy)(struct rb_target *t, char *why, size_t len);
	/* Timed steps of one rebind; each returns 0 or -errno. */
	int (*unbind)(struct rb_target *t);
	int (*bind)(struct rb_target *t); /* returns once probing is done */
	/*
	 * Destroy the old personality and set up @req, leaving the new one
	 * configured but NOT bound: the loop's next bind() is the
	 * configuration's cold sample. Needs t->force (data is destroyed).
	 * -EINVAL for an unsupported align/map/mode (reason in t->err),
	 * -EOPNOTSUPP when the target cannot be reconfigured at all.
	 */
	int (*reconfigure)(struct rb_target *t,
			   const struct rb_config_req *req);
	/*
	 * Would reconfigure() take @req? Changes nothing, so that a matrix
	 * with one bad entry is refused before its first entry runs. Same
	 * returns as reconfigure(), plus -RB_ENOCAP when this kernel, the
	 * region or the namespace cannot do @req (a driver a mode binds is
	 * neither registered, built in nor loadable; no pfn/dax seed; an
	 * align the seed does not list; no room for the info block and the
	 * map=dev reserve; a dynamic align the device's ranges refuse), with
	 * the one-line reason in t->err. NULL when there is nothing to check.
	 */
	int (*check_config)(struct rb_target *t,
			    const struct rb_config_req *req);
	/* Put back the configuration and binding state found at open. */
	int (*restore)(struct rb_target *t);
	void (*close)(struct rb_target *t);
	/*
	 * Add to @rec (a JSON object) what restore() would put back, so a run
	 * killed by SIGKILL can be repaired by the next invocation through
	 * rb_target_from_saved(). Keys: "kind" ("nd"/"dax"), "dev", "mode",
	 * "map", "align", "bound", "bind_dev", "driver", plus identity keys
	 * that make a stale record fail to match another device.
	 */
	int (*save)(struct rb_target *t, struct json_object *rec);
};

enum rb_method {
	RB_METHOD_DRIVER, /* sysfs unbind/bind of the memmap-carrying device */
	RB_METHOD_NAMESPACE, /* disable/enable the namespace (ndctl-style) */
};

struct rb_target_opts {
	bool force;
	bool verbose;
	enum rb_method method;
};

struct rb_target_filter {
	const char *bus; /* ndctl --bus: provider or ndbusN, NULL any */
	const char *region; /* regionN or N, NULL any */
};

struct rb_target {
	const struct rb_target_ops *ops;
	char name[64]; /* as the kernel names it: namespace0.0, dax0.0 */
	struct rb_target_opts opts;
	char err[256]; /* one-line reason for the last failed op */
	void *priv;
};

/*
 * Resolve @names ("namespaceX.Y", "X.Y", "all"; daxctl: "daxX.Y", "X.Y",
 * "all") to targets. Returns the number found (>= 1) and an array in
 * *@out, or -EINVAL (malformed name), -ENODEV (no such device) with a
 * one-line reason in @err.
 */
int rb_nd_targets_open(char *const *names, int nr_names,
		       const struct rb_target_filter *filter,
		       const struct rb_target_opts *opts,
		       struct rb_target ***out, char *err, size_t errlen);
int rb_dax_targets_open(char *const *names, int nr_names,
			const struct rb_target_filter *filter,
			const struct rb_target_opts *opts,
			struct rb_target ***out, char *err, size_t errlen);
/* ops->close() each target and free the array. */
void rb_targets_free(struct rb_target **targets, int nr);

/*
 * Open the device named in a record written by ops->save(); its restore()
 * puts back the recorded configuration and binding state, not the current
 * one. Returns 0, or -EINVAL (malformed record), -ENODEV (the device is
 * gone or no longer the one recorded) with a one-line reason in @err.
 */
int rb_target_from_saved(struct json_object *rec,
			 const struct rb_target_opts *opts,
			 struct rb_target **out, char *err, size_t errlen);

#endif /* RB_TARGET_H */
