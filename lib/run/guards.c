// SPDX-License-Identifier: GPL-2.0
/*
 * Plain file reads rather than libtracefs here: the checks only look, must
 * work on a fake tree below a test root, and must not mount anything.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run/dyndbg.h"
#include "run/guards.h"
#include "util/kconfig.h"
#include "util/sysroot.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The dynamic-debug control file lists every callsite: a few MiB. */
#define DYNDBG_CONTROL_MAX (64u << 20)

#define PAGE_REF_SET_ENABLE "events/page_ref/page_ref_set/enable"

/* "" when tracefs is mounted nowhere we look. */
static const char *tracefs_dir(const char *root)
{
	static const char *const dirs[] = {
		"/sys/kernel/tracing",
		"/sys/kernel/debug/tracing",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (rb_root_exists(root, path))
			return dirs[i];
	}
	return "";
}

/*
 * "0" is the only state in which the tracepoint is unregistered: "1" is on,
 * and a trailing '*' (soft mode, from an enable_event trigger) keeps the
 * probe registered even while it reads "0*". Either way the static key
 * behind page_ref_tracepoint_active() is on.
 */
static bool page_ref_set_active(const char *root, const char *rel,
				char *state, size_t len)
{
	return rb_root_read_line(root, rel, state, len) > 0 &&
	       strcmp(state, "0") != 0;
}

static int check_page_ref(struct rb_warnings *w, const char *root,
			  const char *tracing)
{
	char rel[PATH_MAX], first[PATH_MAX] = "", state[16], first_state[16];
	size_t nr_on = 0;
	struct dirent *de;
	char *inst_dir;
	DIR *d;

	/* events/page_ref/ exists only with CONFIG_DEBUG_PAGE_REF=y. */
	snprintf(rel, sizeof(rel), "%s/%s", tracing, PAGE_REF_SET_ENABLE);
	if (page_ref_set_active(root, rel, state, sizeof(state))) {
		snprintf(first, sizeof(first), "%s", rel);
		snprintf(first_state, sizeof(first_state), "%s", state);
		nr_on++;
	}
	inst_dir = rb_root_path(root, "%s/instances", tracing);
	d = inst_dir ? opendir(inst_dir) : NULL;
	free(inst_dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(rel, sizeof(rel), "%s/instances/%s/%s", tracing,
			 de->d_name, PAGE_REF_SET_ENABLE);
		if (!page_ref_set_active(root, rel, state, sizeof(state)))
			continue;
		if (!nr_on++) {
			snprintf(first, sizeof(first), "%s", rel);
			snprintf(first_state, sizeof(first_state), "%s", state);
		}
	}
	if (d)
		closedir(d);
	if (!nr_on)
		return 0;
	return rb_warn(w, "page-ref-tracepoint-enabled",
		       "the page_ref_set tracepoint is enabled in %zu place(s) (%s reads \"%s\"): the patched kernel keeps its fast path off and every struct page emits an event; disable it before measuring",
		       nr_on, first, first_state);
}

/* Comma-separated list of the options of @names that are y or m. */
static void enabled_options(const struct rb_kconfig *kc,
			    const char *const *names, size_t nr, char *buf,
			    size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < nr && used < len; i++)
		if (rb_kconfig_enabled(kc, names[i]))
			used += snprintf(buf + used, len - used, "%sCONFIG_%s",
					 used ? ", " : "", names[i]);
}

static int check_kconfig(struct rb_warnings *w, const struct rb_kconfig *kc)
{
	static const char *const sanitizers[] = { "KASAN", "KMSAN", "KCSAN" };
	static const char *const debug_vm[] = {
		"DEBUG_VM", "PAGE_POISONING", "DEBUG_PAGEALLOC",
	};
	char list[256];
	int rc;

	if (!kc)
		return rb_warn(w, "kernel-config-unavailable",
			       "no kernel configuration found (/proc/config.gz, /boot/config-*, /lib/modules/*/config): sanitizer and debug options could not be checked");
	enabled_options(kc, sanitizers, ARRAY_SIZE(sanitizers), list,
			sizeof(list));
	if (*list) {
		rc = rb_warn(w, "sanitized-kernel",
			     "kernel built with %s: sanitized builds keep the series' fast path off and instrument every store; timings are not representative",
			     list);
		if (rc)
			return rc;
	}
	enabled_options(kc, debug_vm, ARRAY_SIZE(debug_vm), list,
			sizeof(list));
	if (*list)
		return rb_warn(w, "debug-vm-kernel",
			       "kernel built with %s: debug checks add per-page cost to memmap initialisation (poisoning and pagealloc debugging only when enabled at boot)",
			       list);
	return 0;
}

static bool is_cpu_dir(const char *name)
{
	if (strncmp(name, "cpu", 3) || !name[3])
		return false;
	return strspn(name + 3, "0123456789") == strlen(name + 3);
}

static int check_governor(struct rb_warnings *w, const char *root)
{
	char *dir = rb_root_path(root, "/sys/devices/system/cpu");
	char rel[PATH_MAX], gov[64], first_gov[64] = "";
	size_t nr_cpus = 0, nr_bad = 0;
	int cpu, first_cpu = -1;
	struct dirent *de;
	DIR *d;

	d = dir ? opendir(dir) : NULL;
	free(dir);
	while (d && (de = readdir(d))) {
		if (!is_cpu_dir(de->d_name))
			continue;
		snprintf(rel, sizeof(rel),
			 "/sys/devices/system/cpu/%s/cpufreq/scaling_governor",
			 de->d_name);
		/* No cpufreq (typical in a VM): the host decides. */
		if (rb_root_read_line(root, rel, gov, sizeof(gov)) <= 0)
			continue;
		nr_cpus++;
		if (!strcmp(gov, "performance"))
			continue;
		/* Name the lowest-numbered offender; readdir is unordered. */
		cpu = atoi(de->d_name + 3);
		if (!nr_bad++ || cpu < first_cpu) {
			first_cpu = cpu;
			snprintf(first_gov, sizeof(first_gov), "%s", gov);
		}
	}
	if (d)
		closedir(d);
	if (!nr_bad)
		return 0;
	return rb_warn(w, "cpufreq-governor",
		       "%zu of %zu CPUs do not use the performance cpufreq governor (cpu%d: %s): frequency changes add noise",
		       nr_bad, nr_cpus, first_cpu, first_gov);
}

/* Returns 1 when the kernel line cannot be had, 0 when it can, or -errno. */
static int check_dyndbg(struct rb_warnings *w, const char *root)
{
	char control[PATH_MAX], why[512], flags[32];
	int found, rc;
	char *text;

	if (rb_dyndbg_find(root, control, sizeof(control), why,
			   sizeof(why)) < 0) {
		rc = rb_warn(w, "dyndbg-unavailable",
			     "%s; memmap_ms (the kernel's memmap_init_zone_device line) will be missing",
			     why);
		return rc ? rc : 1;
	}
	text = rb_read_file(control, DYNDBG_CONTROL_MAX, NULL);
	if (!text) {
		rc = rb_warn(w, "dyndbg-unavailable",
			     "%s: %s; memmap_ms will be missing", control,
			     strerror(errno));
		return rc ? rc : 1;
	}
	found = rb_dyndbg_parse_flags(text, flags, sizeof(flags));
	free(text);
	if (found == 0)
		return 0;
	rc = rb_warn(w, "dyndbg-unavailable",
		     "%s has no %s callsite (ZONE_DEVICE or its pr_debug compiled out); memmap_ms will be missing",
		     control, RB_DYNDBG_FUNC);
	return rc ? rc : 1;
}

/* Returns 1 when probe timing is impossible, 0 when possible, or -errno. */
static int check_kprobes(struct rb_warnings *w, const char *root,
			 const char *tracing)
{
	char rel[PATH_MAX], lockdown[128];
	int rc;

	if (!*tracing) {
		rc = rb_warn(w, "kprobes-unavailable",
			     "tracefs is not mounted at /sys/kernel/tracing or /sys/kernel/debug/tracing; memmap_ns (probe timing) will be missing");
		return rc ? rc : 1;
	}
	snprintf(rel, sizeof(rel), "%s/kprobe_events", tracing);
	if (!rb_root_exists(root, rel)) {
		rc = rb_warn(w, "kprobes-unavailable",
			     "%s is missing (CONFIG_KPROBE_EVENTS=n?); memmap_ns (probe timing) will be missing",
			     rel);
		return rc ? rc : 1;
	}
	/* kprobes fall under lockdown's confidentiality level. */
	if (rb_root_read_line(root, "/sys/kernel/security/lockdown", lockdown,
			      sizeof(lockdown)) > 0 &&
	    strstr(lockdown, "[confidentiality]")) {
		rc = rb_warn(w, "kprobes-unavailable",
			     "kernel lockdown is at confidentiality, which forbids kprobes; memmap_ns (probe timing) will be missing");
		return rc ? rc : 1;
	}
	return 0;
}

/* They also call memmap_init_zone_device() and print the same line. */
static int check_zone_device_users(struct rb_warnings *w, const char *root)
{
	static const char *const modules[] = { "test_hmm", "amdgpu", "nouveau" };
	char rel[64], list[128] = "";
	size_t i, used = 0;

	for (i = 0; i < ARRAY_SIZE(modules); i++) {
		snprintf(rel, sizeof(rel), "/sys/module/%s", modules[i]);
		if (rb_root_exists(root, rel))
			used += snprintf(list + used, sizeof(list) - used,
					 "%s%s", used ? ", " : "", modules[i]);
	}
	if (!used)
		return 0;
	return rb_warn(w, "other-zone-device-users",
		       "loaded: %s; these ZONE_DEVICE users also run memmap_init_zone_device() and print the same kernel line, which can be mistaken for the target's",
		       list);
}

int rb_guards_check(struct rb_warnings *w, const char *root,
		    const struct rb_kconfig *kc)
{
	const char *tracing = tracefs_dir(root);
	int lost = 0, rc;

	rc = *tracing ? check_page_ref(w, root, tracing) : 0;
	rc = rc ?: check_kconfig(w, kc);
	rc = rc ?: check_governor(w, root);
	if (rc)
		return rc;
	rc = check_dyndbg(w, root);
	if (rc < 0)
		return rc;
	if (rc)
		lost |= RB_SRC_MEMMAP_MS;
	rc = check_kprobes(w, root, tracing);
	if (rc < 0)
		return rc;
	if (rc)
		lost |= RB_SRC_MEMMAP_NS;
	rc = check_zone_device_users(w, root);
	return rc ? rc : lost;
}
