// SPDX-License-Identifier: GPL-2.0
/*
 * Does the running kernel have what a configuration needs, asked before
 * anything is changed: a driver is there when it is registered on its bus,
 * built in (modules.builtin) or loadable (found by libkmod in the module
 * index, without loading it). The kernel's configuration, where readable,
 * tells "not built" from "built as a module that is not installed" and
 * decides when there is no module index to ask.
 */
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>
#include "util/kconfig.h"
#include "util/sysroot.h"
#include "target/target-priv.h"
#include "util/util.h"

struct driver_info {
	const char *name; /* module and driver name */
	const char *bus;
	const char *config; /* the option that builds it */
};

static const struct driver_info drivers[] = {
	{ "nd_pmem", "nd", "BLK_DEV_PMEM" },
	{ "dax_pmem", "nd", "DEV_DAX_PMEM" },
	{ "device_dax", "dax", "DEV_DAX" },
	{ "kmem", "dax", "DEV_DAX_KMEM" },
};

static const struct driver_info *driver_info(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(drivers); i++)
		if (!strcmp(drivers[i].name, name))
			return &drivers[i];
	return NULL;
}

static const char *kernel_release(void)
{
	static struct utsname uts;

	if (!uts.release[0] && uname(&uts) < 0)
		return "";
	return uts.release;
}

/* A modules.builtin line "kernel/drivers/dax/device_dax.ko" names @mod. */
static bool builtin_line_is(const char *line, const char *mod)
{
	const char *base = strrchr(line, '/');
	size_t n = strlen(mod), i;

	base = base ? base + 1 : line;
	if (strcspn(base, "\n") != n + 3 || strncmp(base + n, ".ko", 3))
		return false;
	for (i = 0; i < n; i++) {
		char c = base[i] == '-' ? '_' : base[i];

		if (c != mod[i])
			return false;
	}
	return true;
}

/* 1 built in, 0 not listed, -ENOENT no modules.builtin to ask. */
static int module_builtin(const char *mod)
{
	char path[PATH_MAX], line[512];
	bool found = false;
	FILE *f;

	rb_sys_path(path, sizeof(path), "/lib/modules/%s/modules.builtin",
		    kernel_release());
	f = fopen(path, "re");
	if (!f)
		return -ENOENT;
	while (!found && fgets(line, sizeof(line), f))
		found = builtin_line_is(line, mod);
	fclose(f);
	return found;
}

/* 1 a module file in the index exists, 0 none, -ENOENT no index. */
static int module_loadable(const char *mod)
{
	static const char *const no_config[] = { NULL };
	struct kmod_list *list = NULL, *l;
	char dir[PATH_MAX], idx[PATH_MAX + 16];
	struct kmod_ctx *kctx;
	int found = 0;

	rb_sys_path(dir, sizeof(dir), "/lib/modules/%s", kernel_release());
	snprintf(idx, sizeof(idx), "%s/modules.dep.bin", dir);
	if (access(idx, R_OK) != 0)
		return -ENOENT;
	/* modprobe.d is policy, not presence: the index alone answers. */
	kctx = kmod_new(dir, no_config);
	if (!kctx)
		return -ENOMEM;
	rb_kmod_quiet(kctx);
	if (kmod_module_new_from_lookup(kctx, mod, &list) == 0) {
		kmod_list_foreach(l, list) {
			struct kmod_module *m = kmod_module_get_module(l);
			const char *path = kmod_module_get_path(m);

			if (path && access(path, R_OK) == 0)
				found = 1;
			kmod_module_unref(m);
		}
		kmod_module_unref_list(list);
	}
	kmod_unref(kctx);
	return found;
}

/* "=m", "=y", " is not set" or "" for the option @opt in @kc. */
static const char *config_state(const struct rb_kconfig *kc, const char *opt)
{
	const char *v = kc ? rb_kconfig_get(kc, opt) : NULL;

	if (!v)
		return kc ? " is not set" : "";
	if (!strcmp(v, "m"))
		return "=m";
	if (!strcmp(v, "y"))
		return "=y";
	return " is not set";
}

int rb_cap_driver(const char *name, char *why, size_t len)
{
	const struct driver_info *d = driver_info(name);
	char path[PATH_MAX];
	struct rb_kconfig *kc;
	int builtin, loadable;
	const char *state;

	if (!d)
		return 0;
	rb_sys_path(path, sizeof(path), "/sys/bus/%s/drivers/%s", d->bus,
		    d->name);
	if (access(path, F_OK) == 0)
		return 0;
	builtin = module_builtin(d->name);
	loadable = builtin == 1 ? 1 : module_loadable(d->name);
	/* -ENOMEM and the like: no answer is no evidence against it */
	if (builtin == 1 || loadable == 1 ||
	    (loadable < 0 && loadable != -ENOENT))
		return 0;
	kc = rb_kconfig_load(rb_sysroot(), NULL);
	state = config_state(kc, d->config);
	rb_kconfig_free(kc);
	/* Nothing to ask, or the config says built in: no evidence against */
	if ((!*state && loadable == -ENOENT && builtin == -ENOENT) ||
	    !strcmp(state, "=y"))
		return 0;
	if (!strcmp(state, "=m"))
		snprintf(why, len, "no %s module: CONFIG_%s=m, not installed",
			 d->name, d->config);
	else if (*state)
		snprintf(why, len, "no %s module: CONFIG_%s is not set",
			 d->name, d->config);
	else
		snprintf(why, len, "no %s module, built in or loadable: CONFIG_%s",
			 d->name, d->config);
	return -RB_ENOCAP;
}

/* What a mode binds, and what it is called in a refusal. */
struct mode_info {
	const char *mode;
	const char *feature;
	const char *what;
	const char *drivers[2];
};

static const struct mode_info modes[] = {
	{ "fsdax", "pmem block device", "fsdax", { "nd_pmem" } },
	{ "raw", "pmem block device", "a raw namespace", { "nd_pmem" } },
	{ "devdax", "device-dax", "devdax", { "dax_pmem", "device_dax" } },
	{ "dax", "device-dax", "dax devices", { "device_dax" } },
};

int rb_cap_mode(const char *mode, char *err, size_t errlen)
{
	char why[2][256];
	const struct mode_info *m = NULL;
	int i, nr = 0;
	size_t j;

	for (j = 0; j < ARRAY_SIZE(modes); j++)
		if (!strcmp(modes[j].mode, mode))
			m = &modes[j];
	if (!m)
		return 0;
	for (i = 0; i < 2 && m->drivers[i]; i++)
		if (rb_cap_driver(m->drivers[i], why[nr], sizeof(why[nr])))
			nr++;
	if (!nr)
		return 0;
	snprintf(err, errlen,
		 "this kernel has no %s support (%s%s%s): %s cannot be measured; install the modules or boot a kernel built with them",
		 m->feature, why[0], nr > 1 ? "; " : "", nr > 1 ? why[1] : "",
		 m->what);
	return -RB_ENOCAP;
}
