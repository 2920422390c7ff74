// SPDX-License-Identifier: GPL-2.0
/*
 * Reconfigure a namespace's personality (fsdax/devdax, map, align) through
 * libndctl's public API, following the sequence `ndctl create-namespace -f
 * -e` uses (ndctl-facts.md section 2), with two differences that matter to
 * a benchmark:
 *  - the namespace keeps its name, uuid and size (labelled ones are not
 *    deleted and re-created from the seed), so the loop and restore() keep
 *    talking about the same device;
 *  - the new pfn/dax device is configured but not enabled: the loop's next
 *    bind() is the configuration's cold sample.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uuid/uuid.h>
#include <ndctl/libndctl.h>
#include "util/log.h"
#include "target/target-priv.h"
#include "util/format.h"

#define INFO_BLOCK_ZERO (8 << 10) /* pfn/dax/btt info block lives at 4K */
#define SZ_2M (2UL << 20)

struct nd_ctx {
	struct ndctl_ctx *ctx;
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	char *err;
	size_t errlen;
	const char *name;
};

static int fail(struct nd_ctx *c, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct nd_ctx *c, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static void put(struct nd_ctx *c)
{
	if (c->ctx)
		ndctl_unref(c->ctx);
	c->ctx = NULL;
	c->ndns = NULL;
	c->region = NULL;
}

/*
 * (Re)look the namespace up in a fresh context: enable/disable/delete
 * free or add pfn/dax objects that an older context still caches.
 */
static int get(struct nd_ctx *c)
{
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	struct ndctl_bus *bus;
	int rc;

	put(c);
	rc = ndctl_new(&c->ctx);
	if (rc < 0) {
		c->ctx = NULL;
		return fail(c, rc, "cannot initialise libndctl: %s",
			    strerror(-rc));
	}
	rb_ndctl_quiet(c->ctx);
	ndctl_bus_foreach(c->ctx, bus)
		ndctl_region_foreach(bus, region)
			ndctl_namespace_foreach(region, ndns)
				if (!strcmp(ndctl_namespace_get_devname(ndns),
					    c->name)) {
					c->ndns = ndns;
					c->region = region;
					return 0;
				}
	return fail(c, -ENODEV, "%s: namespace is gone", c->name);
}

/* Check @align against the seed's supported_alignments. */
static int check_align(struct nd_ctx *c, const char *mode, uint64_t align,
		       int num, unsigned long (*get_align)(void *, int),
		       void *seed)
{
	char list[128] = "", one[24];
	size_t used = 0;
	int i;

	for (i = 0; i < num; i++) {
		unsigned long a = get_align(seed, i);

		if (a == align)
			return 0;
		rb_format_size(one, sizeof(one), a);
		used += snprintf(list + used, sizeof(list) - used, "%s%s",
				 i ? " " : "", one);
		if (used >= sizeof(list))
			break;
	}
	return fail(c, -RB_ENOCAP,
		    "%s: %s align %s is not supported by %s (it offers %s)",
		    c->name, mode, rb_format_size(one, sizeof(one), align),
		    ndctl_region_get_devname(c->region),
		    num ? list : "none");
}

static unsigned long pfn_align_at(void *pfn, int i)
{
	return ndctl_pfn_get_supported_alignment(pfn, i);
}

static unsigned long dax_align_at(void *dax, int i)
{
	return ndctl_dax_get_supported_alignment(dax, i);
}

/*
 * Write zeros over the first 8K through the raw block device, so the old
 * personality is not auto-detected again (what ndctl's zero_info_block()
 * does before every reconfiguration).
 */
static int zero_info_block(struct nd_ctx *c)
{
	char path[64];
	void *buf = NULL;
	const char *bdev;
	int fd = -1, rc;
	ssize_t n;

	rc = ndctl_namespace_set_raw_mode(c->ndns, 1);
	if (rc < 0)
		return fail(c, rc, "%s: cannot set force_raw: %s", c->name,
			    strerror(-rc));
	rc = ndctl_namespace_enable(c->ndns);
	if (rc < 0) {
		fail(c, rc, "%s: cannot enable raw to zero its info block: %s",
		     c->name, strerror(-rc));
		goto out;
	}
	bdev = ndctl_namespace_get_block_device(c->ndns);
	snprintf(path, sizeof(path), "/dev/%s", bdev ? bdev : "");
	fd = open(path, O_RDWR | O_DIRECT | O_EXCL | O_CLOEXEC);
	if (fd < 0) {
		rc = fail(c, -errno,
			  "%s: cannot open %s to zero its info block: %s",
			  c->name, path, strerror(errno));
		goto out;
	}
	rc = posix_memalign(&buf, 4096, INFO_BLOCK_ZERO);
	if (rc) {
		rc = fail(c, -rc, "%s: out of memory", c->name);
		buf = NULL;
		goto out;
	}
	memset(buf, 0, INFO_BLOCK_ZERO);
	n = pwrite(fd, buf, INFO_BLOCK_ZERO, 0);
	if (n != INFO_BLOCK_ZERO)
		rc = fail(c, n < 0 ? -errno : -EIO,
			  "%s: cannot zero its info block: %s", c->name,
			  n < 0 ? strerror(errno) : "short write");
	else if (fsync(fd) < 0)
		rc = fail(c, -errno, "%s: fsync %s: %s", c->name, path,
			  strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	ndctl_namespace_set_raw_mode(c->ndns, 0);
	ndctl_namespace_disable_invalidate(c->ndns);
	return rc < 0 ? rc : 0;
}

/* Disable, unclaim and wipe: the namespace ends raw and disabled. */
static int destroy_personality(struct nd_ctx *c)
{
	int rc;

	rc = ndctl_namespace_disable_safe(c->ndns);
	if (rc < 0)
		return fail(c, rc, "%s: cannot disable it: %s", c->name,
			    rc == -EBUSY ? "device busy (mounted or held)" :
			    strerror(-rc));
	ndctl_namespace_set_enforce_mode(c->ndns, NDCTL_NS_MODE_RAW);
	rc = zero_info_block(c);
	if (rc < 0)
		return rc;
	/* The claiming pfn/dax objects were freed: look everything up again */
	return get(c);
}

static int setup_pfn(struct nd_ctx *c, const struct rb_nd_req *req,
		     uint64_t align)
{
	struct ndctl_pfn *pfn = ndctl_region_get_pfn_seed(c->region);
	uuid_t uu;
	int rc;

	if (!pfn)
		return fail(c, -ENXIO, "%s: region has no pfn seed", c->name);
	ndctl_namespace_set_enforce_mode(c->ndns, NDCTL_NS_MODE_FSDAX);
	uuid_generate(uu);
	rc = ndctl_pfn_set_uuid(pfn, uu);
	if (rc == 0)
		rc = ndctl_pfn_set_location(pfn, strcmp(req->map, "mem") ?
					    NDCTL_PFN_LOC_PMEM :
					    NDCTL_PFN_LOC_RAM);
	if (rc == 0 && ndctl_pfn_has_align(pfn))
		rc = ndctl_pfn_set_align(pfn, align);
	if (rc == 0)
		rc = ndctl_pfn_set_namespace(pfn, c->ndns);
	if (rc < 0) {
		ndctl_pfn_set_namespace(pfn, NULL);
		return fail(c, rc, "%s: cannot configure %s: %s", c->name,
			    ndctl_pfn_get_devname(pfn), strerror(-rc));
	}
	rb_dbg("%s: fsdax map=%s align=%llu configured on %s", c->name,
	       req->map, (unsigned long long)align, ndctl_pfn_get_devname(pfn));
	return 0;
}

static int setup_dax(struct nd_ctx *c, const struct rb_nd_req *req,
		     uint64_t align)
{
	struct ndctl_dax *dax = ndctl_region_get_dax_seed(c->region);
	uuid_t uu;
	int rc;

	if (!dax)
		return fail(c, -ENXIO, "%s: region has no dax seed", c->name);
	ndctl_namespace_set_enforce_mode(c->ndns, NDCTL_NS_MODE_DEVDAX);
	uuid_generate(uu);
	rc = ndctl_dax_set_uuid(dax, uu);
	if (rc == 0)
		rc = ndctl_dax_set_location(dax, strcmp(req->map, "mem") ?
					    NDCTL_PFN_LOC_PMEM :
					    NDCTL_PFN_LOC_RAM);
	if (rc == 0)
		rc = ndctl_dax_set_align(dax, align);
	if (rc == 0)
		rc = ndctl_dax_set_namespace(dax, c->ndns);
	if (rc < 0) {
		ndctl_dax_set_namespace(dax, NULL);
		return fail(c, rc, "%s: cannot configure %s: %s", c->name,
			    ndctl_dax_get_devname(dax), strerror(-rc));
	}
	rb_dbg("%s: devdax map=%s align=%llu configured on %s", c->name,
	       req->map, (unsigned long long)align, ndctl_dax_get_devname(dax));
	return 0;
}

/* Validate mode/map/align against the seeds and the geometry. */
static int validate(struct nd_ctx *c, const struct rb_nd_req *req,
		    uint64_t *align)
{
	bool fsdax = !strcmp(req->mode, "fsdax");
	struct ndctl_pfn *pfn = NULL;
	struct ndctl_dax *dax = NULL;
	uint64_t res, size, nr, usable;
	char a[24], s[24];
	int rc;

	if (ndctl_region_get_ro(c->region))
		return fail(c, -EROFS, "%s: its region is read-only", c->name);
	if (fsdax)
		pfn = ndctl_region_get_pfn_seed(c->region);
	else
		dax = ndctl_region_get_dax_seed(c->region);
	if (!pfn && !dax)
		return fail(c, -RB_ENOCAP,
			    "%s: %s offers no %s seed: this kernel cannot set up %s there (it needs CONFIG_%s)",
			    c->name, ndctl_region_get_devname(c->region),
			    fsdax ? "pfn" : "dax", req->mode,
			    fsdax ? "NVDIMM_PFN" : "NVDIMM_DAX");
	*align = req->align;
	if (!*align) {
		/* ndctl's defaults: the seed's align, 2M if it has none */
		if (fsdax)
			*align = ndctl_pfn_has_align(pfn) ?
				 ndctl_pfn_get_align(pfn) : SZ_2M;
		else
			*align = ndctl_dax_get_align(dax);
		if (*align && ndctl_region_get_resource(c->region) % *align)
			*align = sysconf(_SC_PAGESIZE);
	}
	if (fsdax && ndctl_pfn_has_align(pfn))
		rc = check_align(c, req->mode, *align,
				 ndctl_pfn_get_num_alignments(pfn),
				 pfn_align_at, pfn);
	else if (!fsdax)
		rc = check_align(c, req->mode, *align,
				 ndctl_dax_get_num_alignments(dax),
				 dax_align_at, dax);
	else
		rc = 0;
	if (rc < 0)
		return rc;
	res = ndctl_namespace_get_resource(c->ndns);
	size = ndctl_namespace_get_size(c->ndns);
	if (rb_nd_geometry(res, size, strcmp(req->map, "mem") != 0, *align,
			   &nr, &usable) < 0)
		return fail(c, -RB_ENOCAP,
			    "%s: %s map=%s align %s does not fit in %s: the info block%s, rounded up to the align, leaves no data (or its start is not 2M aligned); use a smaller --align%s",
			    c->name, req->mode, req->map,
			    rb_format_size(a, sizeof(a), *align),
			    rb_format_size(s, sizeof(s), size),
			    strcmp(req->map, "mem") ?
			    " and the memmap reserve (64 bytes a page)" : "",
			    strcmp(req->map, "mem") ? " or --map mem" : "");
	return 0;
}

/* Look the namespace up and validate @req; raw needs no validation. */
static int get_checked(struct nd_ctx *c, const struct rb_nd_req *req,
		       uint64_t *align)
{
	int rc = 0;

	/* raw is what restore() goes back to: never refuse it */
	if (strcmp(req->mode, "raw"))
		rc = rb_cap_mode(req->mode, c->err, c->errlen);
	if (rc == 0)
		rc = get(c);
	if (rc == 0 && strcmp(req->mode, "raw"))
		rc = validate(c, req, align);
	return rc;
}

int rb_nd_check(const char *ns, const struct rb_nd_req *req, char *err,
		size_t errlen)
{
	struct nd_ctx c = { .err = err, .errlen = errlen, .name = ns };
	uint64_t align = 0;
	int rc = get_checked(&c, req, &align);

	put(&c);
	return rc;
}

int rb_nd_apply(const char *ns, const struct rb_nd_req *req, char *err,
		size_t errlen)
{
	struct nd_ctx c = { .err = err, .errlen = errlen, .name = ns };
	uint64_t align = 0;
	int rc;

	rc = get_checked(&c, req, &align);
	if (rc == 0)
		rc = destroy_personality(&c);
	if (rc == 0 && !strcmp(req->mode, "fsdax"))
		rc = setup_pfn(&c, req, align);
	else if (rc == 0 && !strcmp(req->mode, "devdax"))
		rc = setup_dax(&c, req, align);
	put(&c);
	return rc;
}
