/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memmap_init_zone_device() timing line inside one kernel message:
 *   v5.4+:        "memmap_init_zone_device initialised <N> pages in <M>ms"
 *   v4.20..v5.3:  "<device> initialised, <N> pages in <M>ms"
 * matched anywhere in the text, so dynamic-debug decorations in front
 * ("[<tid>] ", "<module>:<func>:<line>: ") do not get in the way. A text
 * that ends inside the line (a cut record, a mailer's wrap) is
 * RB_MEMMAP_TRUNCATED.
 */
#ifndef RB_MEMMAP_LINE_H
#define RB_MEMMAP_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_memmap_match {
	RB_MEMMAP_NONE,		/* not a memmap line */
	RB_MEMMAP_MATCH,	/* complete line, fields valid */
	RB_MEMMAP_TRUNCATED,	/* started like one, text ends early */
	RB_MEMMAP_INVALID,	/* a number does not fit in 64 bits */
};

/* What the old form's device name is (the new form names none). */
enum rb_memmap_dev {
	RB_MEMMAP_DEV_NONE,	/* new form */
	RB_MEMMAP_DEV_PMEM,	/* pfnX.Y daxX.Y namespaceX.Y bttX.Y pmemN[s] */
	RB_MEMMAP_DEV_NODE,	/* "node N initialised, ...": deferred
				 * struct-page init at boot, not ZONE_DEVICE */
	RB_MEMMAP_DEV_OTHER,	/* any other name: a PCI device, a GPU, ... */
};

struct rb_memmap_line {
	uint64_t nr_pages;
	uint64_t ms;		/* jiffies_to_msecs(): one-tick steps */
	uint32_t tid;		/* from a "[<tid>] " decoration, 0 unknown */
	bool old_form;		/* v4.20..v5.3, names the device */
	const char *dev;	/* old form only: device name, in the text */
	size_t dev_len;
	enum rb_memmap_dev dev_kind;
};

/* Search @text (may hold NULs, need not be terminated) for the line. */
enum rb_memmap_match rb_memmap_line_parse(const char *text, size_t len,
					  struct rb_memmap_line *m);

/* Is @name (@len bytes) a name libnvdimm or device-dax gives a device? */
bool rb_memmap_pmem_name(const char *name, size_t len);

#endif /* RB_MEMMAP_LINE_H */
