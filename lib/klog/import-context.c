// SPDX-License-Identifier: GPL-2.0
/*
 * Whose memory a memmap line initialised, from the driver messages around
 * it. Every ZONE_DEVICE user prints the same line; what differs is what
 * its driver prints in the same probe (kernel source, v6.1):
 *   nd_pmem:  dev_warn "nd_pmem pfn0.1: unable to guarantee persistence
 *             of writes" before, "pmem0: detected capacity change from 0
 *             to <bytes>" (add_disk) after;
 *   dax_pmem, device_dax: "dax_pmem dax0.1: ...", "dax0.0: ..." messages;
 *   amdgpu/kfd: "amdgpu: HMM registered <N>MB device memory" after;
 *   nouveau:  "nouveau <bdf>: DRM: DMEM: registered 2MB of device memory"
 *             after (one 512-page chunk at a time, whenever it migrates);
 *   P2PDMA:   "<drv> <bdf>: added peer-to-peer DMA memory <range>" after;
 *   virtiofs: "virtiofs virtio1: Cache len: <len> @ <addr>" before;
 *   test_hmm: "added new 256 MB chunk (total 1 chunks, 256 MB) PFNs [...)";
 *   Xen:      "xen:..." / "xen_..." messages.
 * A message speaks for the nearest line within IM_CTX_RECORDS records on
 * its side (before or after), with no other memmap line in between, from
 * the same caller when both have one.
 */
#include <string.h>
#include "klog/import-priv.h"
#include "klog/klog-record.h"
#include "klog/memmap-line.h"
#include "util/text.h"
#include "util/util.h"

#define USEC_PER_MSEC 1000ULL
/* A driver message this much further from its line than the line's own
 * time is somebody else's. */
#define CTX_SLACK_USEC 2000000ULL

struct driver_rule {
	const char *word;	/* the message's first word */
	bool pmem;
	unsigned int dir;
};

static const struct driver_rule drivers[] = {
	{ "nd_pmem", true, IM_DIR_BEFORE },
	{ "dax_pmem", true, IM_DIR_BEFORE },
	{ "device_dax", true, IM_DIR_EITHER },
	{ "amdgpu", false, IM_DIR_EITHER },
	{ "kfd", false, IM_DIR_EITHER },
	{ "nouveau", false, IM_DIR_EITHER },
	{ "nvme", false, IM_DIR_EITHER },
	{ "virtiofs", false, IM_DIR_EITHER },
	{ "virtio-fs", false, IM_DIR_EITHER },
	{ "pci-p2pdma", false, IM_DIR_EITHER },
};

static bool has(const char *text, size_t len, const char *s)
{
	return memmem(text, len, s, strlen(s)) != NULL;
}

/* A device or driver name: printable ASCII only, as the kernel names them. */
static void copy_word(char *dst, const char *p, size_t n)
{
	size_t i;

	if (n >= IM_DEV_MAX)
		n = IM_DEV_MAX - 1;
	for (i = 0; i < n && rb_is_name_byte((unsigned char)p[i]); i++)
		dst[i] = p[i];
	dst[i] = '\0';
}

static size_t word_len(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q != ' ' && *q != ':')
		q++;
	return (size_t)(q - p);
}

/* "pmem0: detected capacity change from 0 to 1054867456" */
static void parse_capacity(const char *p, const char *end, struct im_ctx *c)
{
	const char *hit;
	uint64_t v;

	if (!p || end <= p)
		return;
	hit = memmem(p, (size_t)(end - p), " to ", 4);
	if (!hit || !has(p, (size_t)(end - p), "capacity change"))
		return;
	hit += 4;
	if (!rb_scan_u64(&hit, end, &v))
		c->capacity = v;
}

/* "<dev>: text", a device without a driver name: block and dax devices. */
static bool parse_bare_dev(const char *p, const char *end, size_t n,
			   struct im_ctx *c)
{
	if (p + n >= end || p[n] != ':' || !rb_memmap_pmem_name(p, n))
		return false;
	c->pmem = true;
	c->source = "pmem";
	if (!strncmp(p, "pmem", 4)) {
		c->dir = IM_DIR_AFTER;
		copy_word(c->blockdev, p, n);
		parse_capacity(p + n, end, c);
	} else {
		c->dir = IM_DIR_EITHER;
		copy_word(c->dev, p, n);
	}
	return true;
}

static bool parse_foreign_text(const char *p, const char *end,
			       struct im_ctx *c)
{
	size_t len = (size_t)(end - p);

	c->pmem = false;
	c->dir = IM_DIR_EITHER;
	if (has(p, len, "peer-to-peer DMA memory")) {
		c->source = "p2pdma";
		c->dir = IM_DIR_AFTER;
	} else if (has(p, len, "HMM test module") ||
		   (has(p, len, " chunks, ") && has(p, len, "PFNs ["))) {
		c->source = "hmm";
	} else if (!strncmp(p, "xen", 3) || !strncmp(p, "Xen", 3)) {
		c->source = "xen";
	} else {
		return false;
	}
	return true;
}

bool im_ctx_parse(const char *text, size_t len, struct im_ctx *c)
{
	const char *end = text + len, *p = text;
	size_t n = word_len(p, end), i, m;

	if (!n)
		return false;
	if (parse_bare_dev(p, end, n, c))
		return true;
	for (i = 0; i < ARRAY_SIZE(drivers); i++) {
		if (strlen(drivers[i].word) != n ||
		    memcmp(p, drivers[i].word, n))
			continue;
		c->source = drivers[i].word;
		c->pmem = drivers[i].pmem;
		c->dir = drivers[i].dir;
		/* "<driver> <dev>: ..." names the device */
		if (p + n < end && p[n] == ' ') {
			m = word_len(p + n + 1, end);
			if (m && p + n + 1 + m < end && p[n + 1 + m] == ':')
				copy_word(c->dev, p + n + 1, m);
		}
		/* a P2PDMA resource on an nvme or other PCI device */
		if (!c->pmem && has(p, len, "peer-to-peer DMA memory")) {
			c->source = "p2pdma";
			c->dir = IM_DIR_AFTER;
		}
		return true;
	}
	return parse_foreign_text(p, end, c);
}

bool im_pmem_sign(const char *text, size_t len)
{
	const char *p = text, *end = text + len, *hit;

	if (has(text, len, "pmem") || has(text, len, "nvdimm"))
		return true;
	while ((hit = memmem(p, (size_t)(end - p), "namespace", 9))) {
		p = hit + 9;
		if (p < end && *p >= '0' && *p <= '9')
			return true;
	}
	return false;
}

/* May @c speak for @l? Same boot, same caller when both have one, near. */
static bool ctx_fits(const struct im_ctx *c, const struct im_line *l)
{
	uint64_t dt, window;

	if (c->boot != l->boot)
		return false;
	if (c->tid && l->tid && c->tid != l->tid)
		return false;
	if (!c->has_ts || !l->has_ts)
		return true;
	dt = c->ts > l->ts ? c->ts - l->ts : l->ts - c->ts;
	window = 2 * (l->ms < 100000000 ? l->ms : 100000000) * USEC_PER_MSEC +
		 CTX_SLACK_USEC;
	return dt <= window;
}

/*
 * The nearest message before @l (after @lo) that speaks for the next
 * line, and the nearest after it (before @hi) that speaks for the last.
 */
static const struct im_ctx *find_ctx(const struct im_ctx *ctx, size_t nr,
				     size_t *pos, const struct im_line *l,
				     uint64_t lo, uint64_t hi,
				     const struct im_ctx **after)
{
	const struct im_ctx *before = NULL;
	size_t j;

	while (*pos < nr && ctx[*pos].rec < l->rec)
		(*pos)++;
	for (j = *pos; j > 0; j--) {
		const struct im_ctx *c = &ctx[j - 1];

		if (c->rec <= lo || c->rec + IM_CTX_RECORDS < l->rec)
			break;
		if ((c->dir & IM_DIR_BEFORE) && ctx_fits(c, l)) {
			before = c;
			break;
		}
	}
	*after = NULL;
	for (j = *pos; j < nr; j++) {
		const struct im_ctx *c = &ctx[j];

		if (c->rec >= hi || c->rec > l->rec + IM_CTX_RECORDS)
			break;
		if ((c->dir & IM_DIR_AFTER) && ctx_fits(c, l)) {
			*after = c;
			break;
		}
	}
	return before;
}

static void apply_ctx(struct im_line *l, const struct im_ctx *b,
		      const struct im_ctx *a)
{
	const struct im_ctx *owner = b ? b : a;

	/* they disagree: the nearer one decides (the earlier on a tie) */
	if (b && a && b->pmem != a->pmem && a->rec - l->rec < l->rec - b->rec)
		owner = a;
	if (!owner)
		return;
	if (!owner->pmem) {
		l->owner = IM_OWNER_FOREIGN;
		l->source = owner->source;
		memcpy(l->dev, owner->dev, sizeof(l->dev));
		return;
	}
	l->owner = IM_OWNER_PMEM;
	if (b && b->pmem) {
		memcpy(l->dev, b->dev, sizeof(l->dev));
		if (strcmp(b->source, "pmem"))
			l->driver = b->source;
	}
	if (a && a->pmem) {
		if (!l->dev[0])
			memcpy(l->dev, a->dev, sizeof(l->dev));
		memcpy(l->blockdev, a->blockdev, sizeof(l->blockdev));
		l->capacity = a->capacity;
	}
}

void im_attribute(struct im_line *lines, size_t nr,
		  const struct im_ctx *ctx, size_t nr_ctx)
{
	const struct im_ctx *b, *a;
	size_t i, pos = 0;

	for (i = 0; i < nr; i++) {
		struct im_line *l = &lines[i];
		uint64_t lo = i ? lines[i - 1].rec : 0;
		uint64_t hi = i + 1 < nr ? lines[i + 1].rec : UINT64_MAX;

		b = find_ctx(ctx, nr_ctx, &pos, l, lo, hi, &a);
		if (l->owner == IM_OWNER_UNKNOWN) {
			apply_ctx(l, b, a);
		} else if (l->owner == IM_OWNER_PMEM && a && a->pmem) {
			/* the old form names the device; keep the capacity */
			memcpy(l->blockdev, a->blockdev, sizeof(l->blockdev));
			l->capacity = a->capacity;
		}
	}
}
