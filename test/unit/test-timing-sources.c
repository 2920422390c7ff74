// SPDX-License-Identifier: GPL-2.0
/*
 * The pure parts of the live timing sources: dynamic-debug flags, the
 * kprobe pairing of a trace buffer, attribution of /dev/kmsg records to a
 * bind, the --timing list and the ETA. Kernel text is verbatim from the
 * Debian 6.1 guest (vm-notes.md) unless marked otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "run/dyndbg.h"
#include "run/kmsg-window.h"
#include "run/kprobe.h"
#include "run/timing.h"
#include "unit.h"

static void test_dyndbg(void)
{
	char flags[16];

	CHECK(rb_dyndbg_parse_flags(
		"# filename:lineno [module]function flags format\n"
		"init/main.c:1352 [main]run_init_process =_ \"  with arguments:\\012\"\n"
		"mm/mm_init.c:353 [mm_init]memmap_init_zone_device =_ \"%s initialised %lu pages in %ums\\012\"\n",
		flags, sizeof(flags)) == 0 && !strcmp(flags, "_"),
	      "dyndbg: off callsite reads '_' (got '%s')", flags);
	CHECK(rb_dyndbg_parse_flags(
		"mm/mm_init.c:353 [mm_init]memmap_init_zone_device =pt \"%s initialised %lu pages in %ums\\n\"",
		flags, sizeof(flags)) == 0 && !strcmp(flags, "pt"),
	      "dyndbg: decorated callsite reads 'pt' (got '%s')", flags);
	CHECK(rb_dyndbg_parse_flags(
		"mm/page_alloc.c:6810 [page_alloc]memmap_init_zone_device_x =p \"x\"\n",
		flags, sizeof(flags)) == -ENOENT,
	      "dyndbg: a longer function name is not the callsite");
	CHECK(rb_dyndbg_parse_flags("", flags, sizeof(flags)) == -ENOENT,
	      "dyndbg: empty control file has no callsite");
}

#define CALLSITE(f) "mm/mm_init.c:353 [mm_init]memmap_init_zone_device =" \
	f " \"%s initialised %lu pages in %ums\\012\"\n"

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static bool starts(const char *path, const char *prefix)
{
	char buf[128] = "";
	FILE *f = fopen(path, "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return !strncmp(buf, prefix, strlen(prefix));
}

/*
 * Two overlapping runs on a fake control file (the test plays the kernel
 * by rewriting it): the last one to let go restores, and only then.
 */
static void test_dyndbg_shared(void)
{
	char root[] = "/tmp/rb-dyndbg-XXXXXX", control[300], note[300];
	char why[256] = "", path[256];
	struct rb_dyndbg a, b;

	if (!CHECK(mkdtemp(root), "dyndbg share: temporary root"))
		return;
	snprintf(path, sizeof(path), "%s/proc", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/proc/dynamic_debug", root);
	mkdir(path, 0755);
	snprintf(control, sizeof(control), "%s/control", path);
	snprintf(note, sizeof(note), "%s/run/rebind-bench/dyndbg-restore",
		 root);
	put(control, CALLSITE("_"));

	CHECK(rb_dyndbg_enable(&a, root, why, sizeof(why)) == 0 && a.changed,
	      "dyndbg share: first run turns 'p' on %s", why);
	CHECK(starts(control, "func memmap_init_zone_device +p") &&
	      access(note, F_OK) == 0, "dyndbg share: query written, note left");
	put(control, CALLSITE("p"));
	CHECK(rb_dyndbg_enable(&b, root, why, sizeof(why)) == 0 && !b.changed,
	      "dyndbg share: second run finds it on");
	CHECK(rb_dyndbg_restore(&a) == 0 && starts(control, "mm/mm_init.c") &&
	      access(note, F_OK) == 0,
	      "dyndbg share: first run leaves while the second relies on it");
	CHECK(rb_dyndbg_restore(&b) == 0 &&
	      starts(control, "func memmap_init_zone_device -p") &&
	      access(note, F_OK) != 0, "dyndbg share: last run restores");
	CHECK(rb_dyndbg_restore(&b) == 0, "dyndbg share: restore twice");

	put(control, CALLSITE("_"));
	CHECK(rb_dyndbg_repair(root) == 0 && starts(control, "mm/mm_init.c"),
	      "dyndbg share: repair without a note changes nothing");
	put(note, control);
	put(control, CALLSITE("p"));
	CHECK(rb_dyndbg_repair(root) == 0 &&
	      starts(control, "func memmap_init_zone_device -p") &&
	      access(note, F_OK) != 0,
	      "dyndbg share: repair after a killed run restores");

	unlink(control);
	snprintf(path, sizeof(path), "%s/run/rebind-bench/dyndbg.lock", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run/rebind-bench", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/run", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc/dynamic_debug", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/proc", root);
	rmdir(path);
	rmdir(root);
}

/* Trace text in the shape of the 6.1 guest's instance "trace" file. */
static const char trace_two_pids[] =
	"# tracer: nop\n"
	"#\n"
	"# entries-in-buffer/entries-written: 4/4   #P:1\n"
	"#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"#              | |         |   |||||     |         |\n"
	" ndctl-rebind-be-231     [000] .....    42.123456: mizd_in: (memmap_init_zone_device+0x0/0x150)\n"
	" kworker/u2:1-45      [000] .....    42.130000: mizd_in: (memmap_init_zone_device+0x0/0x150)\n"
	" kworker/u2:1-45      [000] .....    42.131000: mizd_out: (pagemap_range+0x2a5/0x410 <- memmap_init_zone_device)\n"
	" ndctl-rebind-be-231     [000] .....    42.133789: mizd_out: (pagemap_range+0x2a5/0x410 <- memmap_init_zone_device)\n";

static void test_probe(void)
{
	struct rb_kprobe_result r;
	char g[32], i[64];

	rb_kprobe_parse(trace_two_pids, &r);
	CHECK_U64(r.nr_pairs, 2, "probe: two calls paired by pid");
	CHECK_U64(r.total_ns, 10333000 + 1000000, "probe: durations summed");
	CHECK_U64(r.first_entry_ns, 42123456000ull, "probe: first entry");
	CHECK_U64(r.unpaired, 0, "probe: nothing unpaired");

	rb_kprobe_parse(" a b-c-7 (  7) [001] d..1.  5.000001: mizd_in: (x)\n"
		       " a b-c-7 (  7) [001] d..1.  5.000101: mizd_out: (y)\n"
		       " other-8 [000] ..... 5.2: mizd_out: (y)\n", &r);
	CHECK(r.nr_pairs == 1 && r.total_ns == 100000 && r.unpaired == 1,
	      "probe: comm with spaces and dashes, tgid column, stray exit");

	rb_kprobe_parse(" t-9 [000] ..... 7.000000: mizd_in: (x)\n", &r);
	CHECK(r.nr_pairs == 0 && r.unpaired == 1, "probe: lost exit counted");
	rb_kprobe_parse("garbage\n[000]\n x-1 [0] 1.0 mizd_in:\n", &r);
	CHECK(r.nr_pairs == 0 && r.unpaired == 0, "probe: garbage ignored");

	rb_kprobe_names(1234, g, sizeof(g), i, sizeof(i));
	CHECK(!strcmp(g, "rb_bench_1234") && !strcmp(i, "rebind_bench_1234"),
	      "probe: names derived from the pid");
}

#define REC(seq, usec, pages, ms) \
	"7," #seq "," #usec ",-;memmap_init_zone_device initialised " \
	#pages " pages in " #ms "ms\n"

static void feed(struct rb_kmsg_window *w, const char *rec)
{
	rb_kmsg_feed(w, rec, strlen(rec));
}

static void test_kmsg(void)
{
	struct rb_kmsg_window w = { .fd = -1 };
	struct rb_kmsg_result r;

	feed(&w, "6,100,5000,-;nd_pmem pfn0.1: unable to guarantee persistence of writes\n");
	feed(&w, REC(101, 5100, 257536, 8));
	feed(&w, "7,102,5200,-,caller=T9;memmap_init_zone_device initialised 262144 pages in 4ms\n SUBSYSTEM=x\n");
	CHECK_U64(w.nr_lines, 2, "kmsg: two memmap records kept, others skipped");

	rb_kmsg_attribute(w.lines, w.nr_lines, 257536, &r);
	CHECK(r.matched && r.nr_ranges == 1 && r.nr_pages == 257536 &&
	      r.ms == 8 && r.seq == 101 && r.ts_usec == 5100,
	      "kmsg: the line with the expected count is the bind's");
	rb_kmsg_attribute(w.lines, w.nr_lines, 257536 + 262144, &r);
	CHECK(r.matched && r.nr_ranges == 2 && r.ms == 12,
	      "kmsg: ranges of one bind are summed");
	rb_kmsg_attribute(w.lines, w.nr_lines, 0, &r);
	CHECK(!r.matched && r.nr_ranges == 2 && r.nr_seen == 2,
	      "kmsg: unknown geometry takes every line");
	rb_kmsg_attribute(w.lines, w.nr_lines, 1031680, &r);
	CHECK(!r.matched && r.nr_ranges == 2,
	      "kmsg: no match takes all and says so");
	rb_kmsg_attribute(w.lines, 0, 1031680, &r);
	CHECK(r.nr_ranges == 0 && !r.matched, "kmsg: no line, no range");
	CHECK(w.lines[1].tid == 9, "kmsg: caller tid kept");
}

static void test_timing_parse(void)
{
	unsigned int m;
	bool a;
	char err[160];

	CHECK(rb_timing_parse("auto", &m, &a, err, sizeof(err)) == 0 && a &&
	      m == RB_SRC_ALL, "timing: auto is every source");
	CHECK(rb_timing_parse("kmsg,wall", &m, &a, err, sizeof(err)) == 0 &&
	      !a && m == (RB_SRC_MEMMAP_MS | RB_SRC_WALL),
	      "timing: a list");
	CHECK(rb_timing_parse("probe", &m, &a, err, sizeof(err)) == 0 &&
	      m == RB_SRC_MEMMAP_NS, "timing: probe alone");
	CHECK(rb_timing_parse("kmsg,bogus", &m, &a, err, sizeof(err)) ==
		      -EINVAL, "timing: unknown source refused: %s", err);
	CHECK(rb_timing_parse("", &m, &a, err, sizeof(err)) == -EINVAL,
	      "timing: empty refused");
	CHECK(rb_timing_parse("kmsg,", &m, &a, err, sizeof(err)) == -EINVAL,
	      "timing: trailing comma refused");
	CHECK(rb_timing_parse("auto,kmsg", &m, &a, err, sizeof(err)) ==
		      -EINVAL, "timing: auto does not mix");
}

static void test_eta(void)
{
	CHECK_U64(rb_eta_seconds(10, 30, 5000000000ull), 10,
		  "eta: 10 of 30 in 5 s leaves 10 s");
	CHECK_U64(rb_eta_seconds(0, 30, 0), 0, "eta: nothing done yet");
	CHECK_U64(rb_eta_seconds(30, 30, 9), 0, "eta: done");
}

int main(void)
{
	test_dyndbg();
	test_dyndbg_shared();
	test_probe();
	test_kmsg();
	test_timing_parse();
	test_eta();
	return unit_done();
}
