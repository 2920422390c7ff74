/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Descriptive statistics of one sample set (one timing source of one
 * configuration's steady state). Outliers are counted, never dropped.
 */
#ifndef RB_STATS_H
#define RB_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

struct rb_stats {
	size_t n;
	double mean;
	double stddev; /* sample, n - 1; 0 when n < 2 */
	double stderr_mean; /* stddev / sqrt(n) */
	double median;
	double min, max;
	double mad; /* median absolute deviation, unscaled */
	bool has_ci; /* n >= 2 */
	double ci95_lo, ci95_hi; /* of the mean, Student t with n - 1 df */
	/* Each percentile is reported only when n supports it. */
	bool has_p25_p75, has_p5_p95, has_p99;
	double p5, p25, p75, p95, p99;
	/* Tukey fences: mild beyond 1.5 IQR, severe beyond 3 IQR. */
	size_t low_severe, low_mild, high_mild, high_severe;
	double resolution; /* quantum of the values, 0 when continuous */
};

/* Returns 0, or -EINVAL when n == 0. @x is not modified. */
int rb_stats_compute(const double *x, size_t n, double resolution,
		     struct rb_stats *st);

/*
 * {"n","mean","stddev","stderr","median","min","max","mad",
 *  "ci95_mean":[lo,hi], "percentiles":{"p25",...}, "outliers":{...},
 *  "unit", "quantised", "resolution"}; absent parts are omitted.
 */
struct json_object *rb_stats_to_json(const struct rb_stats *st,
				     const char *unit);

/* Student t and standard normal quantiles, used by compare as well. */
double rb_t_quantile(double p, double df);
double rb_norm_quantile(double p);
double rb_norm_cdf(double x);

/* Student t distribution function; rb_t_cdf(-t, df) is the upper tail. */
double rb_t_cdf(double t, double df);
/* Regularized incomplete beta function I_x(a, b). */
double rb_incbeta(double a, double b, double x);

/* Helpers on plain arrays, shared with compare. */
void rb_sort_doubles(double *x, size_t n);
/* Type 7 (linear interpolation) quantile of an ascending array. */
double rb_quantile_sorted(const double *s, size_t n, double q);
double rb_median_sorted(const double *s, size_t n);

#endif /* RB_STATS_H */
