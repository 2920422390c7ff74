/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --runs auto: after each steady-state rebind the run recomputes the
 * confidence interval of the mean of one timing source and stops once its
 * half-width relative to the mean is at most the requested precision, or
 * at the cap. The rule is a pure function of the values so far; the
 * document records the request, the deciding source and why it stopped
 * (settings.adaptive).
 */
#ifndef RB_ADAPTIVE_H
#define RB_ADAPTIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

/* A t-interval on fewer samples says nothing; the rule waits for these. */
#define RB_ADAPTIVE_MIN_RUNS 5u
#define RB_ADAPTIVE_DEFAULT_MAX_RUNS 100u
#define RB_ADAPTIVE_CONFIDENCE 0.95

enum rb_adaptive_stop {
	RB_STOP_NONE, /* still measuring */
	RB_STOP_PRECISION,
	RB_STOP_MAX_RUNS,
	RB_STOP_INTERRUPTED,
	RB_STOP_FAILED, /* a bind failed */
};

struct rb_adaptive {
	bool on;
	double precision; /* target half-width / mean, in (0, 1) */
	double confidence; /* of the interval, in (0, 1) */
	unsigned int min_runs, max_runs;
	unsigned int source; /* deciding enum rb_source, 0 until one is seen */
	enum rb_adaptive_stop stopped;
	bool has_achieved; /* false while n < 2 or the mean is not > 0 */
	double achieved; /* half-width / mean at the last step */
	unsigned int runs; /* steady-state rebinds at the last step */
};

/* A request: @precision with the default confidence and minimum. */
void rb_adaptive_init(struct rb_adaptive *a, double precision,
		      unsigned int max_runs);

/*
 * Half-width of the @confidence interval (Student t, n - 1 df) of the mean
 * of @x relative to that mean. False when n < 2 or the mean is not > 0.
 */
bool rb_adaptive_precision(const double *x, size_t n, double confidence,
			   double *out);

/*
 * The rule after a rebind: @runs steady-state rebinds so far, of which the
 * @n values @x have the deciding source. Updates the achieved precision;
 * returns (and records in a->stopped) RB_STOP_PRECISION once runs >=
 * min_runs and the precision is reached, else RB_STOP_MAX_RUNS at
 * max_runs, else RB_STOP_NONE.
 */
enum rb_adaptive_stop rb_adaptive_step(struct rb_adaptive *a, const double *x,
				       size_t n, size_t runs);

/* The finest source of the mask @have: probe, kernel line, bind clock. */
unsigned int rb_adaptive_source(unsigned int have);

/* "precision-reached", ...; NULL for RB_STOP_NONE. */
const char *rb_adaptive_stop_name(enum rb_adaptive_stop s);

/* settings.adaptive of a configuration of @runs steady-state samples. */
struct json_object *rb_adaptive_to_json(const struct rb_adaptive *a,
					size_t runs);

struct loader;

/*
 * settings.adaptive of @set, when present, into @a (schema enums and
 * ranges, the reason consistent with the figures); @settings_runs must be
 * the cap. rb_adaptive_check_runs() then matches "runs" to the samples.
 */
bool rb_adaptive_parse(struct loader *ld, struct json_object *set,
		       const char *where, unsigned int settings_runs,
		       struct rb_adaptive *a);
bool rb_adaptive_check_runs(struct loader *ld, const char *where,
			    const struct rb_adaptive *a, size_t nr_samples);

#endif /* RB_ADAPTIVE_H */
