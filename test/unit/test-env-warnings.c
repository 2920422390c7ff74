// SPDX-License-Identifier: GPL-2.0
/*
 * Environment warnings, kernel-config parsing and the fingerprint, on fake
 * /proc, /sys and /boot trees built below a temporary root.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>
#include "results/document.h"
#include "run/fingerprint.h"
#include "run/env-warnings.h"
#include "util/kconfig.h"
#include "unit.h"

static char root[64];

/* mkdir -p of @path's directory, then write @text to @path below root. */
static void put(const char *path, const char *text)
{
	char full[4096], *slash;
	FILE *f;

	snprintf(full, sizeof(full), "%s%s", root, path);
	for (slash = strchr(full + strlen(root) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(full, 0755);
		*slash = '/';
	}
	f = fopen(full, "w");
	if (!f) {
		CHECK(0, "create %s: %s", full, strerror(errno));
		return;
	}
	fputs(text, f);
	fclose(f);
}

static void put_gzip(const char *path, const char *text)
{
	char full[4096];
	gzFile gz;

	put(path, ""); /* directories */
	snprintf(full, sizeof(full), "%s%s", root, path);
	gz = gzopen(full, "wb");
	gzwrite(gz, text, strlen(text));
	gzclose(gz);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

/* Remove @rel below root, a file or a whole tree. */
static void rm(const char *rel)
{
	char full[4096];

	snprintf(full, sizeof(full), "%s%s", root, rel);
	nftw(full, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void new_root(void)
{
	if (*root)
		rm("");
	snprintf(root, sizeof(root), "/tmp/rb-env-XXXXXX");
	if (!mkdtemp(root))
		CHECK(0, "mkdtemp");
}

/* A healthy machine: everything available, nothing that distorts. */
static const char healthy_config[] =
	"#\n# Automatically generated file; DO NOT EDIT.\n#\n"
	"CONFIG_HZ_250=y\n"
	"CONFIG_HZ=250\n"
	"CONFIG_ZONE_DEVICE=y\n"
	"CONFIG_DYNAMIC_DEBUG=y\n"
	"CONFIG_KPROBE_EVENTS=y\n"
	"# CONFIG_KASAN is not set\n"
	"# CONFIG_DEBUG_VM is not set\n"
	"CONFIG_PREEMPT_NONE=y\n"
	"# CONFIG_PREEMPT is not set\n"
	"CONFIG_PREEMPT_DYNAMIC=y\n"
	"CONFIG_LOCALVERSION=\"-rb\"\n"
	"CONFIG_DEV_DAX=m\n";

static void make_healthy(void)
{
	new_root();
	put_gzip("/proc/config.gz", healthy_config);
	put("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro\n");
	put("/proc/dynamic_debug/control",
	    "# filename:lineno [module]function flags format\n"
	    "mm/mm_init.c:1130 [mm_init]memmap_init_zone_device =_ \"%s initialised %lu pages in %ums\\012\"\n");
	put("/proc/cpuinfo",
	    "processor\t: 0\nmodel name\t: Intel(R) Xeon(R) Platinum 8369B\n"
	    "microcode\t: 0xd0003a5\nflags\t\t: fpu vme de pse tsc msr\n\n"
	    "processor\t: 1\nmodel name\t: Intel(R) Xeon(R) Platinum 8369B\n"
	    "microcode\t: 0xd0003a5\nflags\t\t: fpu vme de pse tsc msr\n\n");
	put("/sys/kernel/tracing/events/enable", "0\n");
	put("/sys/kernel/tracing/kprobe_events", "");
	put("/sys/kernel/tracing/events/page_ref/page_ref_set/enable", "0\n");
	put("/sys/kernel/tracing/instances/other/events/page_ref/page_ref_set/enable",
	    "0\n");
	put("/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	put("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
	    "performance\n");
	put("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
	    "performance\n");
	put("/sys/devices/system/cpu/online", "0-1\n");
	put("/sys/module/dax_pmem/refcnt", "0\n");
}

static struct rb_kconfig *load_config(void)
{
	return rb_kconfig_load(root, NULL);
}

static void test_kconfig_parse(void)
{
	static const char text[] =
		"CONFIG_HZ=300\r\n"
		"# CONFIG_KASAN is not set\n"
		"CONFIG_DEV_DAX=m\n"
		"CONFIG_CMDLINE=\"console=ttyS0 dyndbg=\\\"+p\\\"\"\n"
		"CONFIG_EMPTY=\"\"\n"
		"# CONFIG_BROKEN is not set, really\n"
		"CONFIG_=y\n"
		"CONFIG NOT=y\n"
		"garbage without newline at the end: CONFIG_X=y\n"
		"CONFIG_HZ=1000\n"
		"CONFIG_LAST=y";
	struct rb_kconfig *kc = rb_kconfig_parse(text, strlen(text));

	if (!CHECK(kc != NULL, "parse"))
		return;
	CHECK_U64(rb_kconfig_count(kc), 6, "options recognised");
	CHECK_U64(rb_kconfig_long(kc, "HZ", 0), 1000,
		  "a later assignment wins (HZ)");
	CHECK(!strcmp(rb_kconfig_get(kc, "CONFIG_KASAN"), "n"),
	      "is not set reads n");
	CHECK(rb_kconfig_enabled(kc, "DEV_DAX"), "=m is enabled");
	CHECK(!rb_kconfig_enabled(kc, "KASAN"), "n is not enabled");
	CHECK(!rb_kconfig_enabled(kc, "DEBUG_VM"), "absent is not enabled");
	CHECK(rb_kconfig_get(kc, "DEBUG_VM") == NULL, "absent reads NULL");
	CHECK(!strcmp(rb_kconfig_get(kc, "CMDLINE"),
		      "console=ttyS0 dyndbg=\\\"+p\\\""),
	      "string value without its outer quotes");
	CHECK(!strcmp(rb_kconfig_get(kc, "EMPTY"), ""), "empty string");
	CHECK(rb_kconfig_get(kc, "BROKEN") == NULL,
	      "malformed 'is not set' line ignored");
	CHECK(rb_kconfig_get(kc, "X") == NULL, "mid-line CONFIG_ ignored");
	CHECK(rb_kconfig_enabled(kc, "LAST"), "last line without newline");
	CHECK_U64(rb_kconfig_long(kc, "CMDLINE", -7), -7,
		  "non-numeric value gives the default");
	rb_kconfig_free(kc);

	kc = rb_kconfig_parse("", 0);
	CHECK(kc && rb_kconfig_count(kc) == 0, "empty text parses to nothing");
	rb_kconfig_free(kc);
}

static void test_kconfig_load(void)
{
	struct rb_kconfig *kc;
	struct utsname uts;
	char path[256];

	uname(&uts);
	make_healthy();
	kc = load_config();
	CHECK(kc && strstr(rb_kconfig_source(kc), "/proc/config.gz"),
	      "gzip'd /proc/config.gz read first");
	CHECK(kc && rb_kconfig_long(kc, "HZ", 0) == 250, "HZ from config.gz");
	rb_kconfig_free(kc);

	/* No config.gz: /boot/config-$(uname -r), plain text. */
	rm("/proc/config.gz");
	snprintf(path, sizeof(path), "/boot/config-%s", uts.release);
	put(path, "CONFIG_HZ=1000\n");
	kc = load_config();
	CHECK(kc && strstr(rb_kconfig_source(kc), "/boot/config-"),
	      "falls back to /boot/config-$(uname -r)");
	CHECK(kc && rb_kconfig_long(kc, "HZ", 0) == 1000, "HZ from /boot");
	rb_kconfig_free(kc);

	/* An empty /boot file is skipped for /lib/modules/R/config. */
	put(path, "");
	snprintf(path, sizeof(path), "/lib/modules/%s/config", uts.release);
	put(path, "CONFIG_HZ=100\n");
	kc = load_config();
	CHECK(kc && rb_kconfig_long(kc, "HZ", 0) == 100,
	      "empty /boot config skipped for /lib/modules");
	rb_kconfig_free(kc);

	kc = rb_kconfig_load(root, "0.0.0-none");
	CHECK(kc == NULL, "no configuration for an unknown release");
	/* A corrupt gzip stream is not a configuration. */
	put("/proc/config.gz", "\x1f\x8b\x08\x00garbage");
	kc = rb_kconfig_load(root, "0.0.0-none");
	CHECK(kc == NULL, "corrupt config.gz refused");
	rb_kconfig_free(kc);
}

static int check_env(struct rb_warnings *w, struct rb_kconfig **kcp)
{
	*kcp = load_config();
	rb_warnings_free(w);
	return rb_env_warnings(w, root, *kcp);
}

static void test_env_warnings(void)
{
	struct rb_warnings w = { 0 };
	struct rb_kconfig *kc;
	size_t i;
	int lost;

	make_healthy();
	lost = check_env(&w, &kc);
	CHECK_U64(lost, 0, "healthy tree: no source lost");
	CHECK_U64(w.nr, 0, "healthy tree: no warning");
	for (i = 0; i < w.nr; i++)
		printf("# unexpected: %s: %s\n", w.v[i].id, w.v[i].text);
	rb_kconfig_free(kc);

	/* Soft mode in an instance still registers the tracepoint. */
	put("/sys/kernel/tracing/instances/other/events/page_ref/page_ref_set/enable",
	    "0*\n");
	check_env(&w, &kc);
	CHECK(rb_warnings_has(&w, "page-ref-tracepoint-enabled") &&
	      strstr(w.v[0].text, "instances/other"),
	      "page_ref_set 0* in an instance warned");
	rb_kconfig_free(kc);
	put("/sys/kernel/tracing/instances/other/events/page_ref/page_ref_set/enable",
	    "0\n");
	put("/sys/kernel/tracing/events/page_ref/page_ref_set/enable", "1\n");
	check_env(&w, &kc);
	CHECK(rb_warnings_has(&w, "page-ref-tracepoint-enabled") && w.nr == 1,
	      "page_ref_set 1 at top level warned, once");
	rb_kconfig_free(kc);
	put("/sys/kernel/tracing/events/page_ref/page_ref_set/enable", "0\n");

	put_gzip("/proc/config.gz",
		 "CONFIG_HZ=250\nCONFIG_KASAN=y\nCONFIG_KASAN_GENERIC=y\n"
		 "CONFIG_KCSAN=y\nCONFIG_DEBUG_VM=y\n# CONFIG_KMSAN is not set\n"
		 "CONFIG_DEBUG_PAGEALLOC=y\n");
	check_env(&w, &kc);
	CHECK(rb_warnings_has(&w, "sanitized-kernel") &&
	      strstr(w.v[0].text, "CONFIG_KASAN, CONFIG_KCSAN") &&
	      !strstr(w.v[0].text, "KMSAN"), "sanitizers listed: %s",
	      w.nr ? w.v[0].text : "");
	CHECK(rb_warnings_has(&w, "debug-vm-kernel") && w.nr == 2,
	      "debug-vm-kernel warned");
	rb_kconfig_free(kc);
	put_gzip("/proc/config.gz", healthy_config);

	put("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
	    "powersave\n");
	check_env(&w, &kc);
	CHECK(rb_warnings_has(&w, "cpufreq-governor") &&
	      strstr(w.v[0].text, "1 of 2 CPUs") &&
	      strstr(w.v[0].text, "cpu1: powersave"),
	      "governor warned: %s", w.nr ? w.v[0].text : "");
	rb_kconfig_free(kc);
	put("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor",
	    "performance\n");

	/* Callsite missing: the pr_debug is compiled out. */
	put("/proc/dynamic_debug/control",
	    "mm/memremap.c:10 [memremap]foo =_ \"x\"\n");
	lost = check_env(&w, &kc);
	CHECK(lost == RB_SRC_MEMMAP_MS && rb_warnings_has(&w,
							   "dyndbg-unavailable"),
	      "no callsite: memmap_ms lost");
	rb_kconfig_free(kc);
	rm("/proc/dynamic_debug/control");
	put("/proc/self/mounts", "proc /proc proc rw 0 0\n");
	lost = check_env(&w, &kc);
	CHECK(lost == RB_SRC_MEMMAP_MS && rb_warnings_has(&w,
							   "dyndbg-unavailable"),
	      "no control file: memmap_ms lost");
	rb_kconfig_free(kc);

	make_healthy();
	put("/sys/kernel/security/lockdown", "none integrity [confidentiality]\n");
	lost = check_env(&w, &kc);
	CHECK(lost == RB_SRC_MEMMAP_NS && rb_warnings_has(&w,
							   "kprobes-unavailable"),
	      "lockdown confidentiality: memmap_ns lost");
	rb_kconfig_free(kc);
	put("/sys/kernel/security/lockdown", "[none] integrity confidentiality\n");
	rm("/sys/kernel/tracing/kprobe_events");
	lost = check_env(&w, &kc);
	CHECK(lost == RB_SRC_MEMMAP_NS && strstr(w.v[0].text, "kprobe_events"),
	      "no kprobe_events: memmap_ns lost");
	rb_kconfig_free(kc);

	/* tracefs only under debugfs, with page_ref_set on there. */
	make_healthy();
	rm("/sys/kernel/tracing");
	put("/sys/kernel/debug/tracing/kprobe_events", "");
	put("/sys/kernel/debug/tracing/events/page_ref/page_ref_set/enable",
	    "1*\n");
	lost = check_env(&w, &kc);
	CHECK(lost == 0 && w.nr == 1 &&
	      rb_warnings_has(&w, "page-ref-tracepoint-enabled"),
	      "tracefs below debugfs is checked too");
	rb_kconfig_free(kc);

	make_healthy();
	put("/sys/module/test_hmm/refcnt", "0\n");
	put("/sys/module/amdgpu/refcnt", "1\n");
	check_env(&w, &kc);
	CHECK(rb_warnings_has(&w, "other-zone-device-users") &&
	      strstr(w.v[0].text, "test_hmm, amdgpu"),
	      "other ZONE_DEVICE users named: %s", w.nr ? w.v[0].text : "");
	rb_kconfig_free(kc);

	/* An empty tree: everything unknown, memmap_ms lost. */
	new_root();
	lost = check_env(&w, &kc);
	CHECK(lost == RB_SRC_MEMMAP_MS &&
	      rb_warnings_has(&w, "kernel-config-unavailable") && w.nr == 2 &&
	      !rb_warnings_has(&w, "kprobes-unavailable"),
	      "empty tree: config and dyndbg warned; tracefs, not mounted, is mounted by the run");
	rb_kconfig_free(kc);
	rb_warnings_free(&w);
}

static const char *fp_string(struct json_object *fp, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(fp, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static void test_fingerprint(void)
{
	struct rb_kconfig *kc;
	struct json_object *fp, *cfg, *v;

	make_healthy();
	kc = load_config();
	fp = rb_fingerprint_collect(root, kc);
	CHECK(fp != NULL, "fingerprint collected");
	CHECK(fp_string(fp, "hz") && !strcmp(fp_string(fp, "hz"), "250"),
	      "hz from CONFIG_HZ");
	CHECK(fp_string(fp, "cmdline") &&
	      !strcmp(fp_string(fp, "cmdline"),
		      "BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro"), "cmdline");
	CHECK(fp_string(fp, "cpu_model") &&
	      strstr(fp_string(fp, "cpu_model"), "8369B"), "cpu model");
	CHECK(json_object_object_get_ex(fp, "nr_cpus", &v) &&
	      json_object_get_int(v) == 2, "nr_cpus from cpuinfo");
	CHECK(json_object_object_get_ex(fp, "hypervisor", &v) &&
	      !json_object_get_boolean(v), "no hypervisor flag");
	CHECK(fp_string(fp, "governor") &&
	      !strcmp(fp_string(fp, "governor"), "performance"), "governor");
	json_object_object_get_ex(fp, "config", &cfg);
	CHECK(fp_string(cfg, "CONFIG_KASAN") &&
	      !strcmp(fp_string(cfg, "CONFIG_KASAN"), "n"), "config KASAN n");
	CHECK(fp_string(cfg, "CONFIG_PREEMPT_DYNAMIC") &&
	      fp_string(cfg, "CONFIG_PREEMPT"), "PREEMPT* options by prefix");
	CHECK(!fp_string(cfg, "CONFIG_LOCALVERSION"),
	      "unselected options left out");
	CHECK(!fp_string(cfg, "CONFIG_DEBUG_PAGE_REF"),
	      "options the config does not mention are omitted");
	json_object_put(fp);
	rb_kconfig_free(kc);

	/* A VM without cpufreq and without a kernel config. */
	put("/proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu hypervisor lm\n");
	rm("/sys/devices/system/cpu/cpu0/cpufreq");
	fp = rb_fingerprint_collect(root, NULL);
	CHECK(json_object_object_get_ex(fp, "hypervisor", &v) &&
	      json_object_get_boolean(v), "hypervisor flag seen");
	CHECK(json_object_object_get_ex(fp, "governor", &v) && v == NULL,
	      "governor null without cpufreq");
	CHECK(!json_object_object_get_ex(fp, "hz", NULL) &&
	      !json_object_object_get_ex(fp, "config", NULL),
	      "no hz and no config without a kernel config");
	json_object_put(fp);
}

/* Debian's stock config: poisoning and pagealloc debugging built, off. */
static const char stock_debug_config[] =
	"CONFIG_HZ=250\nCONFIG_DYNAMIC_DEBUG=y\nCONFIG_KPROBE_EVENTS=y\n"
	"CONFIG_PAGE_POISONING=y\nCONFIG_DEBUG_PAGEALLOC=y\n"
	"# CONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT is not set\n"
	"CONFIG_ARCH_SUPPORTS_DEBUG_PAGEALLOC=y\n"
	"# CONFIG_INIT_ON_FREE_DEFAULT_ON is not set\n"
	"CONFIG_INIT_ON_ALLOC_DEFAULT_ON=y\n# CONFIG_DEBUG_VM is not set\n";

/* The one debug-vm-kernel text after booting with @cmdline, or "". */
static const char *boot_debug(struct rb_warnings *w, const char *config,
			      const char *cmdline)
{
	struct rb_kconfig *kc;
	char line[4096];

	put_gzip("/proc/config.gz", config);
	snprintf(line, sizeof(line), "BOOT_IMAGE=/vmlinuz ro %s\n", cmdline);
	put("/proc/cmdline", line);
	check_env(w, &kc);
	rb_kconfig_free(kc);
	if (w->nr == 1 && !strcmp(w->v[0].id, "debug-vm-kernel"))
		return w->v[0].text;
	return w->nr ? "(another warning)" : "";
}

static void test_boot_debug(void)
{
	struct rb_warnings w = { 0 };
	char cfg[1024];
	const char *t;

	CHECK(rb_cmdline_bool("a page_poison=1 b", "page_poison") == 1,
	      "page_poison=1 is on");
	CHECK(rb_cmdline_bool("page_poison=on page-poison=off",
			      "page_poison") == 0, "the last one wins, - is _");
	CHECK(rb_cmdline_bool("page_poison", "page_poison") == -1 &&
	      rb_cmdline_bool("page_poison=maybe", "page_poison") == -1,
	      "a bare name or a non-boolean changes nothing");
	CHECK(rb_cmdline_bool("x=\"a b\" -- page_poison=1",
			      "page_poison") == -1, "after -- it is init's");
	CHECK(rb_cmdline_bool("\"init_on_free=Y\"", "init_on_free") == 1,
	      "a quoted parameter");
	CHECK(rb_cmdline_bool("my_page_poison=1", "page_poison") == -1,
	      "only the whole name matches");

	make_healthy();
	t = boot_debug(&w, stock_debug_config, "quiet");
	CHECK(!*t, "stock kernel, nothing on at boot: no warning (%s)", t);
	t = boot_debug(&w, stock_debug_config, "page_poison=1");
	CHECK(!strcmp(t, "kernel runs with page_poison (on the command line): they add work to every page allocated and freed; timings are not comparable with a kernel without them"),
	      "page_poison=1: %s", t);
	t = boot_debug(&w, stock_debug_config,
		       "debug_pagealloc=on init_on_free=1");
	CHECK(strstr(t, "debug_pagealloc (on the command line), init_on_free (on the command line)") != NULL,
	      "debug_pagealloc and init_on_free named: %s", t);
	t = boot_debug(&w, stock_debug_config, "page_poison=1 init_on_free=1");
	CHECK(strstr(t, "page_poison") && !strstr(t, "init_on_free"),
	      "poisoning overrides init_on_free: %s", t);
	snprintf(cfg, sizeof(cfg), "%sCONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT=y\n"
		 "CONFIG_INIT_ON_FREE_DEFAULT_ON=y\n", stock_debug_config);
	t = boot_debug(&w, cfg, "");
	CHECK(strstr(t, "debug_pagealloc (CONFIG_DEBUG_PAGEALLOC_ENABLE_DEFAULT=y), init_on_free (CONFIG_INIT_ON_FREE_DEFAULT_ON=y)"),
	      "config defaults turn them on: %s", t);
	t = boot_debug(&w, cfg, "debug_pagealloc=off init_on_free=0");
	CHECK(!*t, "the command line turns the defaults off (%s)", t);
	t = boot_debug(&w, "CONFIG_HZ=250\nCONFIG_DYNAMIC_DEBUG=y\n"
		       "CONFIG_KPROBE_EVENTS=y\n",
		       "page_poison=1 debug_pagealloc=on");
	CHECK(!*t, "options the kernel lacks do nothing at boot (%s)", t);
	snprintf(cfg, sizeof(cfg), "%sCONFIG_DEBUG_VM=y\n", stock_debug_config);
	t = boot_debug(&w, cfg, "page_poison=1");
	CHECK(!strcmp(t, "kernel built with CONFIG_DEBUG_VM: its checks add per-page cost to memmap initialisation; also on: page_poison (on the command line)"),
	      "DEBUG_VM still warns, with what is on: %s", t);
	rb_warnings_free(&w);
}

int main(void)
{
	test_kconfig_parse();
	test_kconfig_load();
	test_env_warnings();
	test_boot_debug();
	test_fingerprint();
	rm("");
	return unit_done();
}
