// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark run of both front ends: parse and validate everything
 * before touching a device, take the per-target locks, repair what a killed
 * run left behind, then measure each target and write the document.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/prog.h"
#include "cmd/run-args.h"
#include "results/document.h"
#include "util/exit-codes.h"
#include "run/fingerprint.h"
#include "run/env-warnings.h"
#include "report/human.h"
#include "util/kconfig.h"
#include "util/file-io.h"
#include "util/log.h"
#include "run/rebind-loop.h"
#include "run/run-state.h"
#include "util/sysroot.h"
#include "target/target.h"
#include "run/timing.h"

static int open_targets(const struct rb_prog *prog,
			const struct rb_run_opts *o, struct rb_target ***targets)
{
	struct rb_target_opts topts = {
		.force = o->force,
		.verbose = o->verbose,
		.method = o->method,
	};
	char err[256] = "";
	int rc;

	rc = prog->open_targets(o->names, o->nr_names, &o->filter, &topts,
				targets, err, sizeof(err));
	if (rc > 0)
		return rc;
	rb_error("%s", err[0] ? err : strerror(-rc));
	*targets = NULL;
	return rc == -EINVAL ? -RB_EXIT_USAGE : -RB_EXIT_ENV;
}

/*
 * A run killed by SIGKILL, a crash or a power loss left its record: put
 * the device back as the record says, and dynamic debug and tracefs too
 * when it is from this boot (an earlier boot's went with it). Returns 0
 * or an exit status.
 */
static int repair_stale(const struct rb_run_opts *o, struct rb_run_state *rs,
			const struct rb_state_record *old)
{
	struct rb_target_opts topts = { .force = true, .verbose = o->verbose };
	struct rb_target *t = NULL;
	char err[256] = "";
	int rc;

	if (strcmp(old->boot_id, rs->boot_id)) {
		rb_warning("%s: a run (pid %d) of an earlier boot stopped during '%s' (crash or power loss); restoring the device's configuration",
			   old->dev, old->pid, old->phase);
	} else {
		rb_warning("%s: a run (pid %d) was killed during '%s'; restoring what it changed",
			   old->dev, old->pid, old->phase);
		rb_timing_repair(&old->helpers, rb_sysroot());
	}
	if (old->target) {
		rc = rb_target_from_saved(old->target, &topts, &t, err,
					  sizeof(err));
		if (!rc) {
			rc = t->ops->restore(t);
			if (rc)
				snprintf(err, sizeof(err), "%s",
					 t->err[0] ? t->err : strerror(-rc));
			t->ops->close(t);
		}
		if (rc) {
			rb_error("%s: cannot restore after the killed run: %s; restore it by hand (ndctl/daxctl list shows its state; the original is in %s), then remove that file",
				 old->dev, err, rs->state_path);
			return RB_EXIT_RESTORE;
		}
	}
	rb_run_state_clear(rs);
	return 0;
}

static int save_record(struct rb_run_state *rs, struct rb_target *t,
		       const struct rb_prog *prog)
{
	rs->rec.pid = getpid();
	snprintf(rs->rec.prog, sizeof(rs->rec.prog), "%s", prog->name);
	snprintf(rs->rec.dev, sizeof(rs->rec.dev), "%s", t->name);
	snprintf(rs->rec.phase, sizeof(rs->rec.phase), "start");
	if (t->ops->save) {
		rs->rec.target = json_object_new_object();
		if (!rs->rec.target)
			return -ENOMEM;
		if (t->ops->save(t, rs->rec.target))
			return -EIO;
	}
	return rb_run_state_save(rs);
}

struct run {
	const struct rb_prog *prog;
	struct rb_run_opts o;
	struct rb_target **targets;
	int nr_targets;
	struct rb_host_lock host_lock;
	struct rb_config_req *reqs; /* the matrix, or &keep */
	size_t nr_reqs;
	struct rb_config_req keep; /* no --mode/--map/--align */
	struct rb_run_state *rs;
	struct rb_timing_helpers plan; /* what the sources will change */
	struct rb_timing *tm; /* NULL until open */
	struct rb_document *doc;
};

/*
 * Every entry of the --mode/--map/--align matrix on every target, before
 * the first one runs: a bad last entry must not cost the data of the
 * first ones' reconfigurations. Exit status, 0 when all are accepted.
 */
static int check_matrix(struct run *r)
{
	size_t j;
	int i, rc = 0;

	if (!rb_run_reconfigures(&r->o))
		return 0;
	for (i = 0; i < r->nr_targets && !rc; i++) {
		struct rb_target *t = r->targets[i];

		for (j = 0; j < r->nr_reqs && !rc && t->ops->check_config; j++)
			rc = t->ops->check_config(t, &r->reqs[j]);
		if (rc)
			rb_error("%s", t->err[0] ? t->err : strerror(-rc));
	}
	if (rc == -EINVAL || rc == -EOPNOTSUPP)
		return RB_EXIT_USAGE;
	return rc ? RB_EXIT_ENV : 0;
}

/* Locks, repairs, busy checks and records: nothing is changed yet. */
static int prepare(struct run *r)
{
	struct rb_state_record old;
	char why[512];
	bool repaired = false;
	int i, rc;

	rc = rb_run_lock_host(rb_sysroot(), &r->host_lock, why, sizeof(why));
	if (rc) {
		rb_error("%s", why);
		return rc == -EBUSY ? RB_EXIT_BUSY : RB_EXIT_ENV;
	}
	r->rs = calloc(r->nr_targets, sizeof(*r->rs));
	if (!r->rs)
		return RB_EXIT_FAILURE;
	for (i = 0; i < r->nr_targets; i++)
		r->rs[i].lock_fd = -1;
	for (i = 0; i < r->nr_targets; i++) {
		rc = rb_run_state_lock(&r->rs[i], rb_sysroot(),
				       r->targets[i]->name, why, sizeof(why));
		if (rc) {
			rb_error("%s", why);
			return rc == -EBUSY ? RB_EXIT_BUSY : RB_EXIT_ENV;
		}
		rc = rb_run_state_find_stale(&r->rs[i], &old, why,
					     sizeof(why));
		if (rc < 0) {
			/* Untrusted or unreadable: never acted on. */
			rb_error("%s", why);
			return RB_EXIT_RESTORE;
		}
		if (rc == 1) {
			rc = repair_stale(&r->o, &r->rs[i], &old);
			rb_state_record_release(&old);
			if (rc)
				return rc;
			repaired = true;
		}
	}
	if (repaired) {
		/* restore() puts back the state found at open: reopen. */
		rb_targets_free(r->targets, r->nr_targets);
		r->targets = NULL;
		rc = open_targets(r->prog, &r->o, &r->targets);
		if (rc < 0)
			return -rc;
		if (rc != r->nr_targets) {
			rb_error("the set of devices changed while repairing a killed run; run again");
			return RB_EXIT_ENV;
		}
	}
	for (i = 0; i < r->nr_targets; i++) {
		struct rb_target *t = r->targets[i];

		why[0] = '\0';
		rc = t->ops->check_busy(t, why, sizeof(why));
		if (rc == -EBUSY && !r->o.force) {
			rb_error("%s (use --force to run anyway)",
				 why[0] ? why : t->name);
			return RB_EXIT_BUSY;
		}
		if (rc == -EBUSY)
			rb_warning("%s; going on because of --force", why);
		else if (rc) {
			rb_error("%s", why[0] ? why : strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	rc = check_matrix(r);
	if (rc)
		return rc;
	for (i = 0; i < r->nr_targets; i++) {
		rc = save_record(&r->rs[i], r->targets[i], r->prog);
		if (rc) {
			rb_error("%s: cannot write %s: %s", r->targets[i]->name,
				 r->rs[i].state_path, strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	return 0;
}

/*
 * Tell every record which helpers this run is about to set up, before
 * setting them up: a killed run must be repairable at any point, and
 * undoing something that was not done yet is harmless.
 */
static int note_helpers(struct run *r)
{
	int i, rc;

	rb_timing_plan(r->o.timing, rb_sysroot(), &r->plan);
	for (i = 0; i < r->nr_targets; i++) {
		r->rs[i].rec.helpers = r->plan;
		rc = rb_run_state_save(&r->rs[i]);
		if (rc) {
			rb_error("%s: cannot write %s: %s",
				 r->targets[i]->name, r->rs[i].state_path,
				 strerror(-rc));
			return RB_EXIT_ENV;
		}
	}
	return 0;
}

static int measure(struct run *r)
{
	struct rb_loop_opts lo = {
		.runs = r->o.runs,
		.warmup = r->o.warmup,
		.progress = isatty(STDERR_FILENO),
	};
	int i, rc = 0, status = RB_EXIT_OK;
	struct rb_rebind_outcome out;
	struct rb_adaptive adaptive;

	lo.method = r->prog->method_label[r->o.method];
	rb_adaptive_init(&adaptive, r->o.precision, r->o.runs);
	if (r->o.runs_auto)
		lo.adaptive = &adaptive;
	for (i = 0; i < r->nr_targets; i++) {
		struct rb_target *t = r->targets[i];

		rc = rb_rebind_target(t, r->reqs, r->nr_reqs, r->tm, &lo,
				      &r->rs[i], r->doc, &out);
		if (out.restore_failed) {
			rb_error("%s", t->err);
			status = RB_EXIT_RESTORE;
			break;
		}
		if (rc == -EINTR) {
			status = RB_EXIT_INTERRUPTED;
			break;
		}
		if (rc) {
			rb_error("%s", t->err[0] ? t->err : strerror(-rc));
			if (rc == -ENODATA || rc == -RB_ENOCAP)
				status = RB_EXIT_ENV;
			else if (out.rejected)
				status = RB_EXIT_USAGE;
			else
				status = RB_EXIT_FAILURE;
			break;
		}
	}
	return status;
}

/* Fingerprint and environment warnings of the machine measured on. */
static void describe_environment(struct rb_document *doc)
{
	struct rb_kconfig *kc = rb_kconfig_load(rb_sysroot(), NULL);
	size_t i;

	doc->fingerprint = rb_fingerprint_collect(rb_sysroot(), kc);
	if (rb_env_warnings(&doc->warnings, rb_sysroot(), kc) < 0)
		rb_warning("environment checks ran out of memory");
	rb_kconfig_free(kc);
	for (i = 0; i < doc->warnings.nr; i++)
		rb_warning("%s", doc->warnings.v[i].text);
}

/*
 * JSON to --output (or stdout unless --human); the summary on stderr, or
 * on stdout with --human. Returns 0 or -errno of the document write.
 */
static int write_results(const struct rb_document *doc, const char *output,
			 bool human)
{
	int rc = 0;

	if (output || !human) {
		rc = rb_document_write(doc, output);
		if (rc)
			rb_error("cannot write %s: %s",
				 output ? output : "the document to stdout",
				 strerror(-rc));
	}
	rb_human_summary(human ? stdout : stderr, doc);
	if (human && fflush(stdout) && !rc)
		rc = -errno;
	return rc;
}

static int finish(struct run *r, int status)
{
	int i, rc;
	bool helpers_restored = true;

	if (rb_timing_close(r->tm))
		helpers_restored = false;
	r->tm = NULL;
	for (i = 0; r->rs && i < r->nr_targets; i++) {
		/*
		 * Only our own record, and keep it while something is not
		 * back: the next run repairs from it.
		 */
		if (r->rs[i].saved && status != RB_EXIT_RESTORE &&
		    helpers_restored)
			rb_run_state_clear(&r->rs[i]);
		rb_run_state_unlock(&r->rs[i]);
	}
	rb_run_unlock_host(&r->host_lock);
	if (!helpers_restored && status == RB_EXIT_OK)
		status = RB_EXIT_RESTORE;
	if (!r->doc)
		return status;
	r->doc->complete = status == RB_EXIT_OK;
	rc = write_results(r->doc, r->o.output, r->o.human);
	if (rc && status == RB_EXIT_OK)
		status = RB_EXIT_FAILURE;
	if (status == RB_EXIT_INTERRUPTED)
		rb_info("interrupted by signal %d: devices restored, partial results %s",
			rb_interrupt_signal(),
			r->o.output ? r->o.output : "written");
	return status;
}

/*
 * Everything that can be refused without touching a device: the options,
 * --force, root, the output path. Returns -1 to go on, or the exit status.
 */
static int check_request(struct run *r, int argc, char **argv)
{
	char why[512];
	int rc;

	rc = rb_run_args_parse(r->prog, &r->o, argc, argv);
	if (rc >= 0)
		return rc;
	rb_set_verbose(r->o.verbose);
	if (rb_run_reconfigures(&r->o) && !r->o.force) {
		rb_error("--mode/--map/--align reconfigure %s and destroy its data; add --force",
			 r->prog->reconfigures);
		return RB_EXIT_BUSY;
	}
	if (geteuid() != 0) {
		rb_error("must run as root (it rebinds drivers and reads /dev/kmsg)");
		return RB_EXIT_ENV;
	}
	/* The results must have somewhere to go before anything changes. */
	if (rb_output_check(r->o.output, why, sizeof(why))) {
		rb_error("--output %s", why);
		return RB_EXIT_USAGE;
	}
	return -1;
}

/* Measure with the sources open and the handlers in place. */
static int run_measured(struct run *r)
{
	char err[512];
	int status, rc;

	if (rb_interrupted())
		return RB_EXIT_INTERRUPTED;
	r->doc = rb_document_new(r->prog->name, "live");
	if (!r->doc)
		return RB_EXIT_FAILURE;
	describe_environment(r->doc);
	status = note_helpers(r);
	if (status)
		return status;
	rc = rb_timing_open(&r->tm, r->o.timing, r->o.timing_auto,
			    r->o.breakdown, rb_sysroot(), &r->plan, err,
			    sizeof(err));
	if (rc) {
		rb_error("%s", err);
		return RB_EXIT_ENV;
	}
	status = measure(r);
	if (status == RB_EXIT_OK && rb_interrupted())
		status = RB_EXIT_INTERRUPTED;
	return status;
}

int rb_cmd_run(const struct rb_prog *prog, int argc, char **argv)
{
	struct run r = { .prog = prog, .host_lock = { -1, -1 } };
	int rc, status;

	rc = check_request(&r, argc, argv);
	if (rc >= 0)
		return rc;
	r.reqs = &r.keep;
	r.nr_reqs = 1;
	if (rb_run_reconfigures(&r.o)) {
		r.reqs = rb_run_matrix(&r.o, &r.nr_reqs);
		if (!r.reqs)
			return RB_EXIT_FAILURE;
	}
	/* From here on a signal must not kill us before we restore. */
	signal(SIGPIPE, SIG_IGN);
	if (rb_signals_install()) {
		rb_error("cannot install signal handlers: %s", strerror(errno));
		status = RB_EXIT_FAILURE;
		goto out;
	}
	rc = open_targets(prog, &r.o, &r.targets);
	if (rc < 0) {
		status = -rc;
		goto out;
	}
	r.nr_targets = rc;
	status = prepare(&r);
	if (!status)
		status = run_measured(&r);
out:
	status = finish(&r, status);
	rb_document_free(r.doc);
	rb_targets_free(r.targets, r.nr_targets);
	free(r.rs);
	if (r.reqs != &r.keep)
		free(r.reqs);
	return status;
}
