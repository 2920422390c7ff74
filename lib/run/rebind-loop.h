/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measurement loop of one target: for each configuration of the
 * matrix an optional reconfigure (its bind is the cold sample), --warmup
 * rebinds, then --runs measured rebinds; afterwards the target goes back to
 * the configuration and binding state it was found in.
 */
#ifndef RB_REBIND_LOOP_H
#define RB_REBIND_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include "results/document.h"
#include "run/run-state.h"
#include "target/target.h"
#include "run/timing.h"

struct rb_loop_opts {
	unsigned int runs;
	unsigned int warmup;
	const char *method; /* "driver", "namespace", "device" */
	bool progress; /* progress line with ETA on stderr */
	/* --runs auto (runs is its cap), or NULL */
	const struct rb_adaptive *adaptive;
};

/* True when @req changes anything, i.e. needs reconfigure(). */
bool rb_config_req_changes(const struct rb_config_req *req);

/* How a failed rb_rebind_target() failed, beyond its -errno. */
struct rb_rebind_outcome {
	bool rejected; /* reconfigure() refused the request itself */
	bool restore_failed; /* the target could not be put back */
};

/*
 * Measure @t in each of @reqs (one document configuration each), then
 * restore it. Returns 0, -EINTR when a signal stopped the loop, or the
 * -errno of the failed step (reason in t->err; a kernel's errno from a
 * bind is a failure, not a rejected request: see @out).
 */
int rb_rebind_target(struct rb_target *t, const struct rb_config_req *reqs,
		     size_t nr_reqs, struct rb_timing *tm,
		     const struct rb_loop_opts *o, struct rb_run_state *rs,
		     struct rb_document *doc, struct rb_rebind_outcome *out);

#endif /* RB_REBIND_LOOP_H */
