/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `import`: a captured kernel log (any container rb_klog_parse() knows)
 * turned into a results document, one sample per bind. Which lines are
 * samples, which device, bind and boot each belongs to, is described at
 * the top of import.c.
 */
#ifndef RB_IMPORT_H
#define RB_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "results/document.h"

struct rb_import_opts {
	long hz;		/* CONFIG_HZ of the capture, 0 unknown */
	unsigned int ranges_per_bind; /* lines per bind, 0: by the rule */
	long page_size;		/* bytes; 0: 4096, or what the pmem
				 * capacity lines show */
	uint64_t pages;		/* keep only lines of this many pages */
	const char *device;	/* keep only this device's lines */
};

/*
 * Import @path ("-" is stdin) into a new document owned by the caller.
 * Returns RB_EXIT_OK, or an enum rb_exit with a one-line reason in @err
 * (e.g. "no memmap_init_zone_device line found in dmesg.txt") and NULL in
 * *@docp. Input beyond a bound of util/bounds.h (bytes, line length,
 * memmap lines, configurations) is RB_EXIT_USAGE.
 */
int rb_import_file(const char *path, const char *tool_name,
		   const struct rb_import_opts *opts, struct rb_document **docp,
		   char *err, size_t errlen);

/* The same from an open stream; @name goes into messages and import_file. */
int rb_import_stream(FILE *f, const char *name, const char *tool_name,
		     const struct rb_import_opts *opts,
		     struct rb_document **docp, char *err, size_t errlen);

#endif /* RB_IMPORT_H */
