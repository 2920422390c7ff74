// SPDX-License-Identifier: GPL-2.0
/*
 * Plain file reads rather than libtracefs here: the checks only look, must
 * work on a fake tree below a test root, and must not mount anything. The
 * tracefs they look in is the one the probes use (run/tracefs-dir.c).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "run/dyndbg.h"
#include "run/env-warnings.h"
#include "run/tracefs-dir.h"
#include "util/file-io.h"
#include "util/kconfig.h"
#include "util/sysroot.h"
#include "util/util.h"

/* The dynamic-debug control file lists every callsite: a few MiB. */
#define DYNDBG_CONTROL_MAX (64u << 20)

#define PAGE_REF_SET_ENABLE "events/page_ref/page_ref_set/enable"

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
	return rb_warnings_add(w, "page-ref-tracepoint-enabled",
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

/* parameq(): '-' and '_' are the same in a parameter's name. */
static bool param_name_is(const char *tok, size_t len, const char *name)
{
	size_t i;

	if (strlen(name) != len)
		return false;
	for (i = 0; i < len; i++) {
		char a = tok[i] == '-' ? '_' : tok[i];
		char b = name[i] == '-' ? '_' : name[i];

		if (a != b)
			return false;
	}
	return true;
}

/* kstrtobool(): 1, 0, or -1 for what the kernel would not take. */
static int parse_bool(const char *v)
{
	if (strchr("yYtT1", v[0]) && v[0])
		return 1;
	if (strchr("nNfF0", v[0]) && v[0])
		return 0;
	if ((v[0] == 'o' || v[0] == 'O') && (v[1] == 'n' || v[1] == 'N'))
		return 1;
	if ((v[0] == 'o' || v[0] == 'O') && (v[1] == 'f' || v[1] == 'F'))
		return 0;
	return -1;
}

int rb_cmdline_bool(const char *cmdline, const char *name)
{
	const char *p = cmdline;
	int val = -1;

	while (*p) {
		char tok[256], *eq;
		bool quoted = false;
		size_t n = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		/* next_arg(): quotes group, and are not part of the value */
		for (; *p && (quoted || !strchr(" \t\n", *p)); p++) {
			if (*p == '"')
				quoted = !quoted;
			else if (n + 1 < sizeof(tok))
				tok[n++] = *p;
		}
		tok[n] = '\0';
		if (!strcmp(tok, "--"))
			break; /* the rest is init's */
		eq = strchr(tok, '=');
		/* early_param(): a bare name hands kstrtobool() NULL */
		if (!eq || !param_name_is(tok, eq - tok, name))
			continue;
		if (parse_bool(eq + 1) >= 0)
			val = parse_bool(eq + 1);
	}
	return val;
}

/*
 * Is a boot-time debug facility on: built (@config), and switched on by
 * the last @param= or, without one, by its default option @def_on.
 * Appends "what (why)" to @buf.
 */
static bool facility_on(const struct rb_kconfig *kc, const char *cmdline,
			const char *config, const char *param,
			const char *def_on, char *buf, size_t len)
{
	int v = rb_cmdline_bool(cmdline, param);
	size_t used = strlen(buf);

	if (config && !rb_kconfig_enabled(kc, config))
		return false;
	if (v == 0 || (v < 0 && !(def_on && rb_kconfig_enabled(kc, def_on))))
		return false;
	if (used >= len)
		return true;
	if (v > 0)
		snprintf(buf + used, len - used, "%s%s (on the command line)",
			 used ? ", " : "", param);
	else
		snprintf(buf + used, len - used, "%s%s (CONFIG_%s=y)",
			 used ? ", " : "", param, def_on);
	return true;
}

/*
 * Boot-time options that add work to page allocation and freeing, only
 * when the running kernel has them on: CONFIG_PAGE_POISONING and friends
 * are built into stock kernels but off unless enabled at boot.
 */
static void active_debug(const struct rb_kconfig *kc, const char *root,
			 char *buf, size_t len)
{
	char cmdline[4096] = "";
	bool poison, pagealloc;

	buf[0] = '\0';
	if (rb_root_read_line(root, "/proc/cmdline", cmdline,
			      sizeof(cmdline)) < 0)
		cmdline[0] = '\0';
	pagealloc = facility_on(kc, cmdline, "DEBUG_PAGEALLOC",
				"debug_pagealloc",
				"DEBUG_PAGEALLOC_ENABLE_DEFAULT", buf, len);
	poison = facility_on(kc, cmdline, "PAGE_POISONING", "page_poison",
			     NULL, buf, len);
	/* debug_pagealloc poisons where the arch cannot unmap pages */
	poison |= pagealloc && rb_kconfig_enabled(kc, "PAGE_POISONING") &&
		  !rb_kconfig_enabled(kc, "ARCH_SUPPORTS_DEBUG_PAGEALLOC");
	/* init_mem_debugging_and_hardening(): poisoning wins over it */
	if (!poison)
		facility_on(kc, cmdline, NULL, "init_on_free",
			    "INIT_ON_FREE_DEFAULT_ON", buf, len);
}

static int check_kconfig(struct rb_warnings *w, const struct rb_kconfig *kc,
			 const char *root)
{
	static const char *const sanitizers[] = { "KASAN", "KMSAN", "KCSAN" };
	char list[256], active[512];
	bool debug_vm;
	int rc;

	if (!kc)
		return rb_warnings_add(w, "kernel-config-unavailable",
				       "no kernel configuration found (/proc/config.gz, /boot/config-*, /lib/modules/*/config): sanitizer and debug options could not be checked");
	enabled_options(kc, sanitizers, ARRAY_SIZE(sanitizers), list,
			sizeof(list));
	if (*list) {
		rc = rb_warnings_add(w, "sanitized-kernel",
				     "kernel built with %s: sanitized builds keep the series' fast path off and instrument every store; timings are not representative",
				     list);
		if (rc)
			return rc;
	}
	debug_vm = rb_kconfig_enabled(kc, "DEBUG_VM");
	active_debug(kc, root, active, sizeof(active));
	if (debug_vm)
		return rb_warnings_add(w, "debug-vm-kernel",
				       "kernel built with CONFIG_DEBUG_VM: its checks add per-page cost to memmap initialisation%s%s",
				       *active ? "; also on: " : "", active);
	if (*active)
		return rb_warnings_add(w, "debug-vm-kernel",
				       "kernel runs with %s: they add work to every page allocated and freed; timings are not comparable with a kernel without them",
				       active);
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
	return rb_warnings_add(w, "cpufreq-governor",
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
		rc = rb_warnings_add(w, "dyndbg-unavailable",
				     "%s; memmap_ms (the kernel's memmap_init_zone_device line) will be missing",
				     why);
		return rc ? rc : 1;
	}
	text = rb_read_file(control, DYNDBG_CONTROL_MAX, NULL);
	if (!text) {
		rc = rb_warnings_add(w, "dyndbg-unavailable",
			     "%s: %s; memmap_ms will be missing", control,
				     strerror(errno));
		return rc ? rc : 1;
	}
	found = rb_dyndbg_parse_flags(text, flags, sizeof(flags));
	free(text);
	if (found == 0)
		return 0;
	rc = rb_warnings_add(w, "dyndbg-unavailable",
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

	/* Not mounted: the run mounts it (libtracefs) and finds out then. */
	if (!*tracing)
		return 0;
	snprintf(rel, sizeof(rel), "%s/kprobe_events", tracing);
	if (!rb_root_exists(root, rel)) {
		rc = rb_warnings_add(w, "kprobes-unavailable",
				     "%s is missing (CONFIG_KPROBE_EVENTS=n?); memmap_ns (probe timing) will be missing",
				     rel);
		return rc ? rc : 1;
	}
	/* kprobes fall under lockdown's confidentiality level. */
	if (rb_root_read_line(root, "/sys/kernel/security/lockdown", lockdown,
			      sizeof(lockdown)) > 0 &&
	    strstr(lockdown, "[confidentiality]")) {
		rc = rb_warnings_add(w, "kprobes-unavailable",
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
	return rb_warnings_add(w, "other-zone-device-users",
			       "loaded: %s; these ZONE_DEVICE users also run memmap_init_zone_device() and print the same kernel line, which can be mistaken for the target's",
			       list);
}

int rb_env_warnings(struct rb_warnings *w, const char *root,
		    const struct rb_kconfig *kc)
{
	const char *tracing = rb_tracefs_dir(root);
	int lost = 0, rc;

	rc = *tracing ? check_page_ref(w, root, tracing) : 0;
	rc = rc ?: check_kconfig(w, kc, root);
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
