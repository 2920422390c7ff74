// SPDX-License-Identifier: GPL-2.0
/*
 * Resolving the namespace names of the command line ("namespaceX.Y",
 * "X.Y", "all", with ndctl's --bus and --region filters) to nd targets,
 * through libndctl's view of the buses and regions.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ndctl/libndctl.h>
#include "target/target-priv.h"

static bool bus_matches(struct ndctl_bus *bus, const char *want)
{
	char id[16];

	if (!want || !strcmp(want, "all"))
		return true;
	snprintf(id, sizeof(id), "%u", ndctl_bus_get_id(bus));
	return !strcmp(want, ndctl_bus_get_provider(bus)) ||
	       !strcmp(want, ndctl_bus_get_devname(bus)) || !strcmp(want, id);
}

static bool region_matches(struct ndctl_region *region, const char *want)
{
	char id[16];

	if (!want || !strcmp(want, "all"))
		return true;
	snprintf(id, sizeof(id), "%u", ndctl_region_get_id(region));
	return !strcmp(want, ndctl_region_get_devname(region)) ||
	       !strcmp(want, id);
}

/* Targets already opened, to skip duplicates ("0.0 namespace0.0"). */
static bool have_target(struct rb_target **v, int nr, const char *name)
{
	int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(v[i]->name, name))
			return true;
	return false;
}

static int add_target(struct rb_target ***v, int *nr, const char *ns,
		      const struct rb_target_opts *opts, char *err,
		      size_t errlen)
{
	struct rb_target **nv;
	struct rb_target *t;

	if (have_target(*v, *nr, ns))
		return 0;
	t = rb_nd_target_new(ns, opts, err, errlen);
	if (!t)
		return -ENODEV;
	nv = realloc(*v, (*nr + 1) * sizeof(*nv));
	if (!nv) {
		t->ops->close(t);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	nv[(*nr)++] = t;
	*v = nv;
	return 0;
}

/* One name: "namespaceX.Y", "X.Y" or "all". */
static int resolve_one(struct ndctl_ctx *ctx, const char *name,
		       const struct rb_target_filter *f,
		       const struct rb_target_opts *opts,
		       struct rb_target ***v, int *nr, char *err,
		       size_t errlen)
{
	bool all = !strcmp(name, "all");
	struct ndctl_namespace *ndns;
	struct ndctl_region *region;
	unsigned int rid, nid;
	struct ndctl_bus *bus;
	char want[64];
	int found = 0, rc;

	if (!all) {
		if (!rb_parse_devname(name, "namespace", &rid, &nid)) {
			snprintf(err, errlen,
				 "'%s' is not a namespace name (namespaceX.Y, X.Y or all)",
				 name);
			return -EINVAL;
		}
		snprintf(want, sizeof(want), "namespace%u.%u", rid, nid);
	}
	ndctl_bus_foreach(ctx, bus) {
		if (!bus_matches(bus, f ? f->bus : NULL))
			continue;
		ndctl_region_foreach(bus, region) {
			if (!region_matches(region, f ? f->region : NULL))
				continue;
			ndctl_namespace_foreach(region, ndns) {
				const char *dev =
					ndctl_namespace_get_devname(ndns);

				if (all ? ndctl_namespace_get_size(ndns) == 0 :
					  strcmp(dev, want) != 0)
					continue;
				rc = add_target(v, nr, dev, opts, err, errlen);
				if (rc < 0)
					return rc;
				found++;
			}
		}
	}
	if (!found) {
		if (all)
			snprintf(err, errlen, "no namespace matches%s%s%s%s",
				 f && f->bus ? " --bus " : "",
				 f && f->bus ? f->bus : "",
				 f && f->region ? " --region " : "",
				 f && f->region ? f->region : "");
		else
			snprintf(err, errlen, "%s: no such namespace%s", want,
				 f && (f->bus || f->region) ?
				 " (with the --bus/--region filter)" : "");
		return -ENODEV;
	}
	return 0;
}

int rb_nd_targets_open(char *const *names, int nr_names,
		       const struct rb_target_filter *filter,
		       const struct rb_target_opts *opts,
		       struct rb_target ***out, char *err, size_t errlen)
{
	struct rb_target **v = NULL;
	struct ndctl_ctx *ctx;
	int i, nr = 0, rc = 0;

	if (nr_names < 1) {
		snprintf(err, errlen, "no namespace given");
		return -EINVAL;
	}
	rc = ndctl_new(&ctx);
	if (rc < 0) {
		snprintf(err, errlen, "cannot initialise libndctl: %s",
			 strerror(-rc));
		return -ENODEV;
	}
	rb_ndctl_quiet(ctx);
	for (i = 0; i < nr_names && rc == 0; i++)
		rc = resolve_one(ctx, names[i], filter, opts, &v, &nr, err,
				 errlen);
	ndctl_unref(ctx);
	if (rc < 0) {
		rb_targets_free(v, nr);
		return rc;
	}
	*out = v;
	return nr;
}
