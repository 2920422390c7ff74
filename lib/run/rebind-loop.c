// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/log.h"
#include "results/config-label.h"
#include "run/rebind-loop.h"

bool rb_config_req_changes(const struct rb_config_req *req)
{
	return req && (req->mode || req->map || req->align);
}

struct progress {
	bool on;
	char label[160];
	unsigned int total;
	uint64_t start_ns;
};

static void progress_show(struct progress *p, unsigned int done)
{
	unsigned int eta;

	if (!p->on)
		return;
	eta = rb_eta_seconds(done, p->total, rb_now_ns() - p->start_ns);
	fprintf(stderr, "\r\033[K%s: %u/%u rebinds, ETA %u:%02u", p->label,
		done, p->total, eta / 60, eta % 60);
	fflush(stderr);
}

static void progress_end(struct progress *p)
{
	if (p->on) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* One bind with every source armed around it. */
static int timed_bind(struct rb_target *t, struct rb_timing *tm,
		      uint64_t expected, struct rb_sample *s,
		      struct rb_warnings *w)
{
	uint64_t t0, t1;
	int rc;

	rc = rb_timing_arm(tm);
	if (rc && !rb_warnings_has(w, "timing-arm-failed"))
		rb_warnings_add(w, "timing-arm-failed",
				"arming the kernel-side timing failed: %s",
				strerror(-rc));
	t0 = rb_now_ns();
	rc = t->ops->bind(t);
	t1 = rb_now_ns();
	if (rc)
		return rc;
	if (rb_timing_active(tm) & RB_SRC_BIND_NS) {
		s->have |= RB_SRC_BIND_NS;
		s->bind_ns = t1 - t0;
	}
	rb_timing_collect(tm, expected, s, w);
	return 0;
}

/*
 * nr_pages identical across binds and equal to the geometry; the document
 * would add these warnings when serialising, but say it now as well.
 */
static void check_pages(struct rb_config_result *cfg)
{
	size_t before = cfg->warnings.nr, i;

	if (rb_config_check(cfg, &cfg->warnings) <= 0)
		return;
	for (i = before; i < cfg->warnings.nr; i++)
		rb_warning("%s: %s", cfg->target.dev ? cfg->target.dev : "?",
			   cfg->warnings.v[i].text);
}

/*
 * A source that was set up but produced nothing for a whole configuration
 * (a compiled-out pr_debug, a probe that never fires) is missing as well.
 */
static void note_silent_sources(const struct rb_timing *tm,
				struct rb_config_result *cfg)
{
	static const struct {
		enum rb_source src;
		const char *why;
	} kernel[] = {
		{ RB_SRC_MEMMAP_MS,
		  "no memmap_init_zone_device line was logged by any bind (pr_debug compiled out, or the log level filters it)" },
		{ RB_SRC_MEMMAP_NS,
		  "the memmap_init_zone_device probe never fired" },
	};
	size_t i, k, n = cfg->nr_warmups + cfg->nr_samples;
	bool seen;

	if (!n && !cfg->has_cold)
		return;
	for (k = 0; k < 2; k++) {
		if (!(rb_timing_active(tm) & kernel[k].src))
			continue;
		seen = cfg->has_cold && (cfg->cold.have & kernel[k].src);
		for (i = 0; !seen && i < cfg->nr_warmups; i++)
			seen = cfg->warmups[i].have & kernel[k].src;
		for (i = 0; !seen && i < cfg->nr_samples; i++)
			seen = cfg->samples[i].have & kernel[k].src;
		if (!seen)
			rb_config_set_missing(cfg, kernel[k].src,
					      kernel[k].why);
	}
}

/*
 * Whether a kernel line is printed can only be known by binding once (a
 * pr_info() needs no dyndbg callsite, a compiled-out pr_debug() has none
 * either). When the first bind yields no value from any source the run
 * could use, measuring on would produce a document without numbers.
 */
static int check_first_bind(struct rb_target *t, const struct rb_timing *tm,
			    const struct rb_sample *s)
{
	if (s->have & rb_timing_active(tm))
		return 0;
	snprintf(t->err, sizeof(t->err),
		 "%s: the first bind produced no value from any requested timing source (no memmap_init_zone_device line, no probe hit)",
		 t->name);
	return -ENODATA;
}

/*
 * Set @req up; the bind that the new personality needs is the
 * configuration's cold sample. @rejected: the request itself was refused.
 */
static int reconfigure(struct rb_target *t, const struct rb_config_req *req,
		       struct rb_timing *tm, struct rb_run_state *rs,
		       struct rb_config_result *cfg, bool *rejected)
{
	struct rb_target_desc pre;
	struct rb_sample s;
	int rc;

	rb_run_state_phase(rs, "reconfigure");
	rc = t->ops->reconfigure(t, req);
	*rejected = rc == -EINVAL || rc == -EOPNOTSUPP;
	if (rc)
		return rc;
	/* The geometry of the new personality attributes its line. */
	memset(&pre, 0, sizeof(pre));
	pre.numa_node = -1;
	if (t->ops->describe(t, &pre))
		pre.expected_nr_pages = 0;
	memset(&s, 0, sizeof(s));
	rb_run_state_phase(rs, "cold-bind");
	rc = timed_bind(t, tm, pre.expected_nr_pages, &s, &cfg->warnings);
	rb_target_desc_clear(&pre);
	if (!rc)
		rc = check_first_bind(t, tm, &s);
	if (rc)
		return rc;
	cfg->has_cold = true;
	cfg->cold = s;
	return 0;
}

/*
 * Rebind number @i into @s. After a signal between the unbind and the
 * bind the device is bound again and @s is no sample (rb_interrupted()).
 */
static int rebind_once(struct rb_target *t, struct rb_timing *tm,
		       struct rb_config_result *cfg, unsigned int i,
		       struct rb_sample *s)
{
	uint64_t t0, t1;
	int rc;

	memset(s, 0, sizeof(*s));
	s->iter = i + 1;
	t0 = rb_now_ns();
	rc = t->ops->unbind(t);
	t1 = rb_now_ns();
	if (rc)
		return rc;
	if (rb_timing_active(tm) & RB_SRC_UNBIND_NS) {
		s->have |= RB_SRC_UNBIND_NS;
		s->unbind_ns = t1 - t0;
	}
	/* Never leave it unbound; this bind is not a sample. */
	if (rb_interrupted())
		return t->ops->bind(t);
	rc = timed_bind(t, tm, cfg->target.expected_nr_pages, s,
			&cfg->warnings);
	if (!rc && i == 0 && !cfg->has_cold)
		rc = check_first_bind(t, tm, s);
	return rc;
}

/*
 * --runs auto, after each steady-state rebind: the finest source the
 * first one produced decides; true when the rule says stop.
 */
static bool adaptive_done(struct rb_config_result *cfg, unsigned int active)
{
	struct rb_adaptive *a = &cfg->settings.adaptive;
	double *x;
	size_t n = 0;

	if (!a->on)
		return false;
	if (!a->source)
		a->source = rb_adaptive_source(
			cfg->samples[cfg->nr_samples - 1].have & active);
	/* without memory no interval: on to the cap */
	x = malloc(cfg->nr_samples * sizeof(*x));
	if (x && a->source)
		n = rb_config_values(cfg, a->source, x);
	rb_adaptive_step(a, x, n, cfg->nr_samples);
	free(x);
	return a->stopped != RB_STOP_NONE;
}

/* Why a loop the rule did not stop ended. */
static void adaptive_end(struct rb_config_result *cfg, int rc)
{
	struct rb_adaptive *a = &cfg->settings.adaptive;

	a->runs = cfg->nr_samples;
	if (a->on && a->stopped == RB_STOP_NONE)
		a->stopped = rc == -EINTR || rb_interrupted() ?
			RB_STOP_INTERRUPTED : RB_STOP_FAILED;
}

static int measure_config(struct rb_target *t, const struct rb_config_req *req,
			  struct rb_timing *tm, const struct rb_loop_opts *o,
			  struct rb_run_state *rs, struct rb_config_result *cfg,
			  bool *rejected)
{
	unsigned int i, total = o->warmup + o->runs;
	struct progress prog = { .on = o->progress, .total = total };
	struct rb_sample s;
	int rc;

	cfg->settings.runs = o->runs;
	cfg->settings.warmup = o->warmup;
	cfg->settings.method = strdup(o->method);
	cfg->settings.sources = rb_timing_wanted(tm);
	if (o->adaptive)
		cfg->settings.adaptive = *o->adaptive;
	rb_timing_note_missing(tm, cfg);

	if (rb_config_req_changes(req)) {
		rc = reconfigure(t, req, tm, rs, cfg, rejected);
		if (rc)
			goto early;
	}
	cfg->target.numa_node = -1;
	rc = t->ops->describe(t, &cfg->target);
	if (rc) {
		snprintf(t->err, sizeof(t->err), "%s: cannot describe: %s",
			 t->name, strerror(-rc));
		goto early;
	}
	rb_config_label(prog.label, sizeof(prog.label), &cfg->target, 0,
			RB_LABEL_DEV);
	rb_dbg("%s: %u warmup + %u measured rebinds of %s on %s",
	       prog.label, o->warmup, o->runs,
	       cfg->target.bind_dev ? cfg->target.bind_dev : t->name,
	       cfg->target.driver ? cfg->target.driver : "?");

	rb_run_state_phase(rs, "rebind");
	prog.start_ns = rb_now_ns();
	progress_show(&prog, 0);
	for (i = 0; i < total; i++) {
		if (rb_interrupted())
			break;
		rc = rebind_once(t, tm, cfg, i, &s);
		if (rc)
			goto out;
		if (rb_interrupted())
			break;
		rc = i < o->warmup ? rb_config_add_warmup(cfg, &s) :
				     rb_config_add_sample(cfg, &s);
		if (rc)
			goto out;
		progress_show(&prog, i + 1);
		if (i >= o->warmup && adaptive_done(cfg, rb_timing_active(tm)))
			break;
	}
	rc = rb_interrupted() ? -EINTR : 0;
out:
	progress_end(&prog);
	adaptive_end(cfg, rc);
	check_pages(cfg);
	note_silent_sources(tm, cfg);
	if (!rc && rb_interrupted())
		rc = -EINTR;
	if (rc && rc != -EINTR && !t->err[0])
		snprintf(t->err, sizeof(t->err), "%s: %s", t->name,
			 strerror(-rc));
	cfg->complete = rc == 0;
	return rc;
early:
	/* Nothing measured: the configuration stays in the document, empty. */
	cfg->complete = false;
	adaptive_end(cfg, rc);
	return rc;
}

int rb_rebind_target(struct rb_target *t, const struct rb_config_req *reqs,
		     size_t nr_reqs, struct rb_timing *tm,
		     const struct rb_loop_opts *o, struct rb_run_state *rs,
		     struct rb_document *doc, struct rb_rebind_outcome *out)
{
	struct rb_config_result *cfg;
	char err[sizeof(t->err)] = "";
	size_t i;
	int rc = 0, rrc;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nr_reqs && !rb_interrupted(); i++) {
		cfg = rb_document_add_config(doc);
		if (!cfg) {
			rc = -ENOMEM;
			break;
		}
		t->err[0] = '\0';
		rc = measure_config(t, &reqs[i], tm, o, rs, cfg,
				    &out->rejected);
		if (rc)
			break;
	}
	if (!rc && rb_interrupted())
		rc = -EINTR;
	/* Keep the reason of the failure; restore may overwrite t->err. */
	snprintf(err, sizeof(err), "%s", t->err);
	t->err[0] = '\0';
	rb_run_state_phase(rs, "restore");
	rrc = t->ops->restore(t);
	if (rrc) {
		out->restore_failed = true;
		if (!t->err[0])
			snprintf(t->err, sizeof(t->err),
				 "%s: restoring the original configuration failed: %s",
				 t->name, strerror(-rrc));
		return rc ? rc : rrc;
	}
	rb_run_state_phase(rs, "restored");
	snprintf(t->err, sizeof(t->err), "%s", err);
	return rc;
}
