/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one name of a configuration that every report prints:
 * "namespace0.0 nd_pmem fsdax map=dev align=2M size=100G 26214400 pages".
 */
#ifndef RB_CONFIG_LABEL_H
#define RB_CONFIG_LABEL_H

#include <stddef.h>
#include <stdint.h>
#include "results/document.h"

enum {
	RB_LABEL_DEV = 1 << 0, /* lead with the device */
	RB_LABEL_DRIVER = 1 << 1, /* then the driver */
};

/*
 * A name that is not one word of [A-Za-z0-9._:+-@/] prints in double
 * quotes. Fields that are unknown (NULL, 0) are left out; @nr_pages 0 prints no
 * page count. "unknown configuration" when nothing is known.
 */
void rb_config_label(char *buf, size_t len, const struct rb_target_desc *t,
		     uint64_t nr_pages, unsigned int flags);

#endif /* RB_CONFIG_LABEL_H */
