/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A benchmark target: something whose driver rebind runs
 * memmap_init_zone_device(). nd-target.c implements it for namespaces
 * (libndctl), dax-target.c for dax-bus devices (libdaxctl); rebind-loop.c
 * drives either one through these operations only.
 */
#ifndef RB_TARGET_H
#define RB_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "document.h"

struct rb_target;

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
	 * Destroy the old personality and set up @req; the bind this performs
	 * is the configuration's cold sample, so the loop times it like bind.
	 * -EOPNOTSUPP when the target cannot be reconfigured.
	 */
	int (*reconfigure)(struct rb_target *t,
			   const struct rb_config_req *req);
	/* Put back the configuration and binding state found at open. */
	int (*restore)(struct rb_target *t);
	void (*close)(struct rb_target *t);
};

struct rb_target {
	const struct rb_target_ops *ops;
	char name[64]; /* as the user named it: namespace0.0, dax0.0 */
	bool force;
	bool verbose;
	void *priv;
};

#endif /* RB_TARGET_H */
