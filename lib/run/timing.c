// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "results/breakdown.h"
#include "run/bd-probes.h"
#include "run/dyndbg.h"
#include "run/kmsg-window.h"
#include "run/kprobe.h"
#include "run/timing.h"
#include "util/log.h"
#include "util/sysroot.h"

struct rb_timing {
	unsigned int want; /* requested, mask of enum rb_source */
	unsigned int active; /* working */
	bool is_auto;
	char why[RB_NR_SOURCES][256]; /* by bit number, for missing ones */
	bool dyndbg_on;
	struct rb_dyndbg dyndbg;
	bool kmsg_on;
	struct rb_kmsg_window kmsg;
	struct rb_kprobe *probe;
	bool breakdown; /* --breakdown asked for */
	unsigned int bd_probed; /* functions with a pair, by bit */
	int bd_slot[RB_NR_BD]; /* index in the probe's extra pairs */
	char bd_why[RB_NR_BD][RB_BD_WHY_LEN]; /* for the absent ones */
};

static int bitno(unsigned int bit)
{
	return __builtin_ctz(bit);
}

int rb_timing_parse(const char *arg, unsigned int *mask, bool *is_auto,
		    char *err, size_t len)
{
	const char *p = arg;

	*mask = 0;
	*is_auto = false;
	if (!strcmp(arg, "auto")) {
		*mask = RB_SRC_ALL;
		*is_auto = true;
		return 0;
	}
	while (*p) {
		size_t n = strcspn(p, ",");
		unsigned int bit;

		if (n == 4 && !strncmp(p, "kmsg", n))
			bit = RB_SRC_MEMMAP_MS;
		else if (n == 5 && !strncmp(p, "probe", n))
			bit = RB_SRC_MEMMAP_NS;
		else if (n == 4 && !strncmp(p, "wall", n))
			bit = RB_SRC_WALL;
		else {
			snprintf(err, len,
				 "--timing: unknown source '%.*s' (auto, or a list of kmsg,probe,wall)",
				 (int)n, p);
			return -EINVAL;
		}
		if (*mask & bit) {
			snprintf(err, len, "--timing: '%.*s' listed twice",
				 (int)n, p);
			return -EINVAL;
		}
		*mask |= bit;
		p += n;
		if (*p == ',' && *++p == '\0')
			break;
	}
	if (!*mask || p[-1] == ',') {
		snprintf(err, len,
			 "--timing: empty source list (auto, or a list of kmsg,probe,wall)");
		return -EINVAL;
	}
	return 0;
}

uint64_t rb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

unsigned int rb_eta_seconds(unsigned int done, unsigned int total,
			    uint64_t elapsed_ns)
{
	if (!done || done >= total)
		return 0;
	return (unsigned int)((elapsed_ns / done) * (total - done) /
			      1000000000ull);
}

static void set_why(struct rb_timing *t, unsigned int bit, const char *why)
{
	snprintf(t->why[bitno(bit)], sizeof(t->why[0]), "%s", why);
}

static void open_kmsg(struct rb_timing *t, const char *root)
{
	char why[256] = "";
	int rc;

	rc = rb_kmsg_open(&t->kmsg, root, why, sizeof(why));
	if (rc) {
		set_why(t, RB_SRC_MEMMAP_MS, why);
		return;
	}
	t->kmsg_on = true;
	rc = rb_dyndbg_enable(&t->dyndbg, root, why, sizeof(why));
	t->dyndbg_on = t->dyndbg.lock_fd >= 0;
	if (rc == -ENOENT) {
		/*
		 * No dyndbg: the line is either a plain printk (pr_info on
		 * v5.4..v6.3, or DEBUG defined) or compiled out. Keep
		 * reading; the first bind tells which.
		 */
		rb_dbg("%s; relying on the line being printed unconditionally",
		       why);
	} else if (rc) {
		rb_kmsg_close(&t->kmsg);
		t->kmsg_on = false;
		set_why(t, RB_SRC_MEMMAP_MS, why);
		return;
	} else if (t->dyndbg.changed) {
		rb_dbg("enabled dynamic debug for %s (flags were '%s')",
		       RB_DYNDBG_FUNC, t->dyndbg.flags);
	}
	t->active |= RB_SRC_MEMMAP_MS;
}

/*
 * The --breakdown pairs to create next to the memmap pair: the functions
 * of the set this kernel has. Returns how many went into @syms.
 */
static int plan_breakdown(struct rb_timing *t, const char *root,
			  char syms[RB_NR_BD][RB_BD_SYM_LEN],
			  const char *list[RB_NR_BD], char *err, size_t len)
{
	int found = rb_bd_resolve(root, syms, t->bd_why), fn, n = 0;

	if (found < 0) {
		snprintf(err, len, "--breakdown: %s", t->bd_why[0]);
		return found;
	}
	for (fn = 0; fn < RB_NR_BD; fn++) {
		t->bd_slot[fn] = -1;
		if (!(found & (1 << fn))) {
			rb_dbg("--breakdown: %s", t->bd_why[fn]);
			continue;
		}
		t->bd_slot[fn] = n;
		list[n++] = syms[fn];
	}
	t->bd_probed = found;
	return n;
}

static int open_probe(struct rb_timing *t, const char *root,
		      const struct rb_timing_helpers *plan, char *err,
		      size_t len)
{
	char syms[RB_NR_BD][RB_BD_SYM_LEN], why[256] = "";
	const char *list[RB_NR_BD];
	int n = 0, rc;

	if (t->breakdown) {
		n = plan_breakdown(t, root, syms, list, err, len);
		if (n < 0)
			return n;
	}
	rc = rb_kprobe_open(&t->probe, plan->probe_group, plan->probe_inst,
			    list, n, why, sizeof(why));
	if (!rc) {
		t->active |= RB_SRC_MEMMAP_NS;
		return 0;
	}
	set_why(t, RB_SRC_MEMMAP_NS, why);
	t->bd_probed = 0;
	if (!t->breakdown)
		return 0;
	/* Asked for by name: no breakdown is no run. */
	snprintf(err, len, "--breakdown: %s", why);
	return rc;
}

int rb_timing_open(struct rb_timing **out, unsigned int mask, bool is_auto,
		   bool breakdown, const char *root,
		   const struct rb_timing_helpers *plan, char *err, size_t len)
{
	struct rb_timing *t = calloc(1, sizeof(*t));
	unsigned int bit;
	int rc;

	*out = NULL;
	if (!t) {
		snprintf(err, len, "out of memory");
		return -ENOMEM;
	}
	t->kmsg.fd = -1;
	t->dyndbg.lock_fd = -1;
	t->want = mask;
	t->is_auto = is_auto;
	t->breakdown = breakdown && (mask & RB_SRC_MEMMAP_NS);
	if (mask & RB_SRC_MEMMAP_MS)
		open_kmsg(t, root);
	if (mask & RB_SRC_MEMMAP_NS) {
		rc = open_probe(t, root, plan, err, len);
		if (rc) {
			rb_timing_close(t);
			return rc;
		}
	}
	t->active |= mask & RB_SRC_WALL;

	for (bit = 1; bit & RB_SRC_ALL; bit <<= 1) {
		if (!(mask & bit) || (t->active & bit))
			continue;
		/* Asked for by name: say so; auto just records it. */
		if (is_auto)
			rb_dbg("timing source unavailable: %s",
			       t->why[bitno(bit)]);
		else
			rb_warning("timing source unavailable: %s",
				   t->why[bitno(bit)]);
	}
	if (!t->active) {
		snprintf(err, len, "no timing source available: %s",
			 t->why[bitno(RB_SRC_MEMMAP_MS)][0] ?
				 t->why[bitno(RB_SRC_MEMMAP_MS)] :
				 t->why[bitno(RB_SRC_MEMMAP_NS)]);
		rb_timing_close(t);
		return -ENOENT;
	}
	*out = t;
	return 0;
}

unsigned int rb_timing_wanted(const struct rb_timing *t)
{
	return t->want;
}

unsigned int rb_timing_active(const struct rb_timing *t)
{
	return t->active;
}

void rb_timing_plan(unsigned int mask, const char *root,
		    struct rb_timing_helpers *h)
{
	char why[256], boot_id[64] = "";
	uint32_t nonce = 0;

	memset(h, 0, sizeof(*h));
	/* The repair acts only on the note of a run that turned 'p' on. */
	if (mask & RB_SRC_MEMMAP_MS)
		rb_dyndbg_find(root, h->dyndbg_control,
			       sizeof(h->dyndbg_control), why, sizeof(why));
	if (!(mask & RB_SRC_MEMMAP_NS))
		return;
	rb_root_read_line(root, "/proc/sys/kernel/random/boot_id", boot_id,
			  sizeof(boot_id));
	if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		nonce = (uint32_t)rb_now_ns() ^ (uint32_t)getpid();
	rb_kprobe_names(boot_id, nonce, h->probe_group, sizeof(h->probe_group),
			h->probe_inst, sizeof(h->probe_inst));
}

int rb_timing_repair(const struct rb_timing_helpers *h, const char *root)
{
	int rc, first = 0;

	if (h->dyndbg_control[0]) {
		rc = rb_dyndbg_repair(root);
		if (rc)
			rb_warning("cannot restore dynamic debug in %s: %s",
				   h->dyndbg_control, strerror(-rc));
		first = rc;
	}
	if (h->probe_group[0]) {
		rc = rb_kprobe_remove_stale(h->probe_group, h->probe_inst);
		if (rc)
			rb_warning("cannot remove tracefs instance %s / kprobe group %s: %s",
				   h->probe_inst, h->probe_group,
				   strerror(-rc));
		if (!first)
			first = rc;
	}
	return first;
}

void rb_timing_note_missing(const struct rb_timing *t,
			    struct rb_config_result *cfg)
{
	unsigned int bit;
	int fn;

	cfg->settings.breakdown = t->bd_probed;
	for (fn = 0; t->breakdown && fn < RB_NR_BD; fn++)
		if (!(t->bd_probed & (1u << fn)) && !cfg->bd_missing[fn])
			cfg->bd_missing[fn] = strdup(t->bd_why[fn]);

	for (bit = 1; bit & RB_SRC_ALL; bit <<= 1) {
		if (t->active & bit)
			continue;
		rb_config_set_missing(cfg, bit, t->want & bit ?
				      t->why[bitno(bit)] :
				      "not requested (--timing)");
	}
}

int rb_timing_arm(struct rb_timing *t)
{
	int rc = 0;

	if (t->kmsg_on)
		rc = rb_kmsg_arm(&t->kmsg);
	if (t->probe) {
		int prc = rb_kprobe_arm(t->probe);

		if (!rc)
			rc = prc;
	}
	return rc;
}

static void collect_kmsg(struct rb_timing *t, uint64_t expected,
			 struct rb_sample *s, struct rb_warnings *w)
{
	struct rb_kmsg_result kr;
	int rc = rb_kmsg_collect(&t->kmsg, expected, &kr);

	if (rc) {
		rb_warnings_add(w, "kmsg-read-failed", "reading /dev/kmsg failed: %s",
				strerror(-rc));
		return;
	}
	if (kr.overrun && !rb_warnings_has(w, "kmsg-overrun"))
		rb_warnings_add(w, "kmsg-overrun",
				"/dev/kmsg overran during a bind; kernel log records were lost (LOG_BUF_SHIFT too small or a noisy kernel)");
	if (!kr.nr_ranges) {
		if (!rb_warnings_has(w, "kmsg-no-memmap-line"))
			rb_warnings_add(w, "kmsg-no-memmap-line",
					"a bind printed no memmap_init_zone_device line");
		return;
	}
	if (!kr.matched && expected &&
	    !rb_warnings_has(w, "kmsg-unattributed"))
		rb_warnings_add(w, "kmsg-unattributed",
				"memmap lines of a bind sum to %llu pages, expected %llu; all %u taken",
				(unsigned long long)kr.nr_pages,
				(unsigned long long)expected, kr.nr_ranges);
	s->have |= RB_SRC_MEMMAP_MS;
	s->memmap_ms = kr.ms;
	s->nr_pages = kr.nr_pages;
	s->nr_ranges = kr.nr_ranges;
	s->has_seq = kr.has_seq;
	s->seq = kr.seq;
	s->has_kernel_ts = kr.has_ts;
	s->kernel_ts_usec = kr.ts_usec;
}

/* Every probed function of --breakdown, also one a bind did not call. */
static void collect_breakdown(const struct rb_timing *t,
			      const struct rb_kprobe_result *pr,
			      struct rb_sample *s, struct rb_warnings *w)
{
	unsigned int unpaired = 0;
	int fn;

	for (fn = 0; fn < RB_NR_BD; fn++) {
		const struct rb_kprobe_calls *c;

		if (!(t->bd_probed & (1u << fn)))
			continue;
		c = &pr->extra[t->bd_slot[fn]];
		s->bd_have |= 1u << fn;
		s->bd[fn].ns = c->total_ns;
		s->bd[fn].calls = c->nr_calls;
		unpaired += c->unpaired;
	}
	if (unpaired && !rb_warnings_has(w, "breakdown-unpaired"))
		rb_warnings_add(w, "breakdown-unpaired",
				"%u --breakdown entries/exits without a partner in a bind (events lost?)",
				unpaired);
}

static void collect_probe(struct rb_timing *t, struct rb_sample *s,
			  struct rb_warnings *w)
{
	struct rb_kprobe_result pr;
	int rc = rb_kprobe_collect(t->probe, &pr);

	if (rc) {
		rb_warnings_add(w, "probe-read-failed",
			"reading the trace instance failed: %s", strerror(-rc));
		return;
	}
	collect_breakdown(t, &pr, s, w);
	if (pr.unpaired && !rb_warnings_has(w, "probe-unpaired"))
		rb_warnings_add(w, "probe-unpaired",
				"%u kprobe entries/exits without a partner in a bind (events lost?)",
				pr.unpaired);
	if (!pr.nr_pairs) {
		if (!rb_warnings_has(w, "probe-no-hit"))
			rb_warnings_add(w, "probe-no-hit",
					"a bind did not hit the memmap_init_zone_device probe");
		return;
	}
	s->have |= RB_SRC_MEMMAP_NS;
	s->memmap_ns = pr.total_ns;
	/* Without a kernel line the probe counts the ranges. */
	if (!(s->have & RB_SRC_MEMMAP_MS))
		s->nr_ranges = pr.nr_pairs;
	else if (pr.nr_pairs != s->nr_ranges &&
		 !rb_warnings_has(w, "probe-kmsg-ranges-differ"))
		rb_warnings_add(w, "probe-kmsg-ranges-differ",
				"a bind hit the probe %u times but printed %u attributed memmap lines",
				pr.nr_pairs, s->nr_ranges);
}

void rb_timing_collect(struct rb_timing *t, uint64_t expected,
		       struct rb_sample *s, struct rb_warnings *w)
{
	if (t->kmsg_on)
		collect_kmsg(t, expected, s, w);
	if (t->probe)
		collect_probe(t, s, w);
}

int rb_timing_close(struct rb_timing *t)
{
	int rc = 0;

	if (!t)
		return 0;
	if (t->kmsg_on) {
		rb_kmsg_close(&t->kmsg);
		t->kmsg_on = false;
	}
	if (t->dyndbg_on) {
		rc = rb_dyndbg_restore(&t->dyndbg);
		if (rc)
			rb_warning("cannot restore dynamic debug flags of %s in %s: %s",
				   RB_DYNDBG_FUNC, t->dyndbg.control,
				   strerror(-rc));
		t->dyndbg_on = false;
	}
	rb_kprobe_close(t->probe);
	free(t);
	return rc;
}
