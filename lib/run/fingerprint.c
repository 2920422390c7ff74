// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "run/fingerprint.h"
#include "util/json.h"
#include "util/kconfig.h"
#include "util/sysroot.h"
#include "util/util.h"

/*
 * Options that change the per-page cost of memmap_init_zone_device(), decide
 * whether the series' fast path or the DAX vmemmap optimisation applies, or
 * decide which timing sources exist. Base and patched kernels should agree
 * on all of them.
 */
static const char *const fingerprint_options[] = {
	"HZ",
	"DEBUG_PAGE_REF",
	"KASAN", "KASAN_GENERIC", "KASAN_SW_TAGS", "KASAN_HW_TAGS",
	"KMSAN", "KCSAN", "KFENCE",
	"DEBUG_VM", "DEBUG_VM_PGFLAGS", "PAGE_POISONING",
	"DEBUG_PAGEALLOC", "DEBUG_PAGEALLOC_ENABLE_DEFAULT",
	"DYNAMIC_DEBUG", "DYNAMIC_DEBUG_CORE",
	"KPROBES", "KPROBE_EVENTS", "FPROBE_EVENTS",
	"FUNCTION_GRAPH_TRACER", "FUNCTION_PROFILER",
	"ARCH_WANT_OPTIMIZE_DAX_VMEMMAP",
	"ARCH_WANT_HUGETLB_PAGE_OPTIMIZE_VMEMMAP",
	"ZONE_DEVICE", "SPARSEMEM_VMEMMAP", "MEMORY_HOTPLUG", "NUMA",
	"LIBNVDIMM", "BLK_DEV_PMEM", "ND_PFN", "DEV_DAX", "DEV_DAX_PMEM",
	"FS_DAX", "TRANSPARENT_HUGEPAGE",
};

/* Every option with this prefix: the preempt model is spread over many. */
static const char *const fingerprint_prefixes[] = { "PREEMPT" };

static void add_option(struct json_object *cfg, const char *name,
		       const char *value)
{
	char key[128];

	snprintf(key, sizeof(key), "CONFIG_%s", name);
	rb_json_put_str(cfg, key, value);
}

static struct json_object *config_to_json(const struct rb_kconfig *kc)
{
	struct json_object *cfg = json_object_new_object();
	const char *name, *value;
	size_t i, p;

	if (!cfg)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(fingerprint_options); i++) {
		value = rb_kconfig_get(kc, fingerprint_options[i]);
		if (value)
			add_option(cfg, fingerprint_options[i], value);
	}
	for (i = 0; rb_kconfig_entry(kc, i, &name, &value); i++)
		for (p = 0; p < ARRAY_SIZE(fingerprint_prefixes); p++)
			if (!strncmp(name, fingerprint_prefixes[p],
				     strlen(fingerprint_prefixes[p])))
				add_option(cfg, name, value);
	return cfg;
}

/* "model name", "microcode", the CPU count and the hypervisor flag. */
static void cpuinfo_to_json(const char *root, struct json_object *fp)
{
	char *path = rb_root_path(root, "/proc/cpuinfo");
	char *line = NULL, *model = NULL, *microcode = NULL;
	bool hypervisor = false, have_flags = false;
	size_t cap = 0;
	long nr_cpus = 0;
	FILE *f;

	f = path ? fopen(path, "re") : NULL;
	free(path);
	while (f && getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':'), *val;
		size_t klen;

		if (!colon)
			continue;
		for (klen = colon - line; klen && (line[klen - 1] == ' ' ||
						   line[klen - 1] == '\t');)
			klen--;
		val = colon + 1 + strspn(colon + 1, " \t");
		val[strcspn(val, "\n")] = '\0';
		if (klen == 9 && !strncmp(line, "processor", 9)) {
			nr_cpus++;
		} else if (klen == 10 && !strncmp(line, "model name", 10) &&
			   !model) {
			model = strdup(val);
		} else if (klen == 9 && !strncmp(line, "microcode", 9) &&
			   !microcode) {
			microcode = strdup(val);
		} else if (klen == 5 && !strncmp(line, "flags", 5) &&
			   !have_flags) {
			char *tok, *save = NULL;

			have_flags = true;
			for (tok = strtok_r(val, " ", &save); tok;
			     tok = strtok_r(NULL, " ", &save))
				hypervisor |= !strcmp(tok, "hypervisor");
		}
	}
	if (f)
		fclose(f);
	free(line);
	rb_json_put_str(fp, "cpu_model", model);
	rb_json_put_str(fp, "microcode", microcode);
	if (!nr_cpus)
		nr_cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (nr_cpus > 0)
		json_object_object_add(fp, "nr_cpus",
				       json_object_new_int64(nr_cpus));
	/* Without a flags line (not x86) nothing is known either way. */
	if (have_flags)
		json_object_object_add(fp, "hypervisor",
				       json_object_new_boolean(hypervisor));
	free(model);
	free(microcode);
}

struct json_object *rb_fingerprint_collect(const char *root,
					   const struct rb_kconfig *kc)
{
	struct json_object *fp = json_object_new_object();
	char host[256], buf[4096];
	struct utsname uts;
	long hz, page_size;

	if (!fp)
		return NULL;
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		rb_json_put_str(fp, "hostname", host);
	}
	if (!uname(&uts)) {
		rb_json_put_str(fp, "kernel_release", uts.release);
		rb_json_put_str(fp, "kernel_version", uts.version);
	}
	if (rb_root_read_line(root, "/proc/cmdline", buf, sizeof(buf)) >= 0)
		rb_json_put_str(fp, "cmdline", buf);
	if (kc) {
		/* CONFIG_HZ: sysconf(_SC_CLK_TCK) is USER_HZ, always 100. */
		hz = rb_kconfig_long(kc, "HZ", 0);
		if (hz > 0)
			json_object_object_add(fp, "hz",
					       json_object_new_int64(hz));
		if (*rb_kconfig_source(kc))
			rb_json_put_str(fp, "config_source", rb_kconfig_source(kc));
		json_object_object_add(fp, "config", config_to_json(kc));
	}
	cpuinfo_to_json(root, fp);
	if (rb_root_read_line(root,
			      "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
			      buf, sizeof(buf)) > 0)
		rb_json_put_str(fp, "governor", buf);
	else
		json_object_object_add(fp, "governor", NULL);
	page_size = sysconf(_SC_PAGESIZE);
	if (page_size > 0)
		json_object_object_add(fp, "page_size",
				       json_object_new_int64(page_size));
	return fp;
}
