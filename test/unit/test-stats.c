// SPDX-License-Identifier: GPL-2.0
/*
 * Known-answer tests for lib/stats.c. Every expected value was computed
 * independently with /usr/bin/python3, scipy 1.10.1 and numpy 1.24.2; the
 * expression that produced it is given next to it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "results/stats.h"
#include "unit.h"

#define check(cond, what) CHECK(cond, "%s", what)

/* Relative tolerance, absolute near zero. */
static void check_near(double got, double want, double tol, const char *what)
{
	double scale = fabs(want) > 1 ? fabs(want) : 1;

	if (!CHECK(fabs(got - want) <= tol * scale, "%s", what))
		printf("# got %.17g, want %.17g\n", got, want);
}

static void test_distributions(void)
{
	/*
	 * scipy.stats.t.ppf(p, df). scipy 1.10's stdtrit is accurate to about
	 * 5e-11 only (its t.cdf at its own df=2 answer is 0.9750000000017),
	 * so these get 1e-10; the closed forms below are checked tightly.
	 */
	check_near(rb_t_quantile(0.975, 29), 2.045229642132703, 1e-10,
		   "t.ppf(0.975, 29)");
	check_near(rb_t_quantile(0.975, 1), 12.706204736432095, 1e-10,
		   "t.ppf(0.975, 1)");
	check_near(rb_t_quantile(0.975, 2), 4.302652729911275, 1e-10,
		   "t.ppf(0.975, 2)");
	/* df=1: 1/math.tan(math.pi/40); df=2: (2p-1)/sqrt(2p(1-p)) in
	 * 40-digit decimal arithmetic = 4.3026527297494638523 */
	check_near(rb_t_quantile(0.975, 1), 12.706204736174707, 1e-14,
		   "t quantile df=1 closed form");
	check_near(rb_t_quantile(0.975, 2), 4.3026527297494638523, 1e-14,
		   "t quantile df=2 closed form");
	check_near(rb_t_cdf(rb_t_quantile(0.975, 29), 29), 0.975, 1e-15,
		   "t cdf inverts t quantile at df=29");
	check_near(rb_t_quantile(0.995, 4), 4.604094871415897, 1e-10,
		   "t.ppf(0.995, 4)");
	check_near(rb_t_quantile(0.9, 100), 1.2900747613398769, 1e-10,
		   "t.ppf(0.9, 100)");
	check_near(rb_t_quantile(0.025, 10), -2.2281388519649385, 1e-10,
		   "t.ppf(0.025, 10)");
	check_near(rb_t_quantile(0.975, 3.5), 2.9400886379827775, 1e-10,
		   "t.ppf(0.975, 3.5) (Welch df are fractional)");
	check_near(rb_t_quantile(0.999, 7), 4.785289628649168, 1e-10,
		   "t.ppf(0.999, 7)");
	check_near(rb_t_quantile(0.975, 1e6), 1.9599663568141066, 1e-10,
		   "t.ppf(0.975, 1e6)");

	/* scipy.stats.norm.ppf(p) */
	check_near(rb_norm_quantile(0.975), 1.959963984540054, 1e-14,
		   "norm.ppf(0.975)");
	check_near(rb_norm_quantile(1e-10), -6.361340902404056, 1e-13,
		   "norm.ppf(1e-10)");
	check_near(rb_norm_quantile(0.999999), 4.753424308817087, 1e-10,
		   "norm.ppf(0.999999)");
	check_near(rb_norm_quantile(0.3), -0.5244005127080409, 1e-14,
		   "norm.ppf(0.3)");
	check_near(rb_norm_quantile(0.02), -2.053748910631823, 1e-14,
		   "norm.ppf(0.02) (lower tail branch)");
	check(rb_norm_quantile(0.5) == 0, "norm.ppf(0.5) == 0");
	check(isnan(rb_norm_quantile(1.5)), "norm.ppf(1.5) is NaN");

	/* scipy.stats.norm.cdf(x) */
	check_near(rb_norm_cdf(1.5), 0.9331927987311419, 1e-15,
		   "norm.cdf(1.5)");
	check_near(rb_norm_cdf(-3.0), 0.0013498980316300933, 1e-15,
		   "norm.cdf(-3)");
	check(fabs(rb_norm_cdf(-8.0) / 6.22096057427174e-16 - 1) < 1e-12,
	      "norm.cdf(-8) = 6.22096057427174e-16 (relative)");

	/* scipy.stats.t.cdf(t, df) */
	check_near(rb_t_cdf(2.0, 5), 0.9490302605850709, 1e-14,
		   "t.cdf(2.0, 5)");
	check_near(rb_t_cdf(-1.3, 12), 0.10900858554175712, 1e-14,
		   "t.cdf(-1.3, 12)");
	check_near(rb_t_cdf(4.5, 29), 0.9999492325559676, 1e-14,
		   "t.cdf(4.5, 29)");
	check(fabs(rb_t_cdf(-10.0, 3) / 0.0010641995292070747 - 1) < 1e-12,
	      "t.cdf(-10, 3) (relative)");

	/* scipy.special.betainc(a, b, x) */
	check_near(rb_incbeta(2.5, 0.5, 0.3), 0.01892712407194565, 1e-14,
		   "betainc(2.5, 0.5, 0.3)");
	check_near(rb_incbeta(10, 3, 0.9), 0.889130022255, 1e-11,
		   "betainc(10, 3, 0.9) (other continued-fraction branch)");
}

/*
 * 30 rebind times in ms with one low mild, one low severe and two high
 * severe outliers.
 */
static const double rebinds[30] = {
	244.9, 243.1, 245.7, 242.8, 244.0, 246.3, 243.5, 244.4, 251.2, 243.9,
	244.7, 242.2, 245.1, 243.3, 244.8, 262.0, 243.0, 244.2, 245.5, 243.8,
	244.6, 239.9, 244.1, 245.0, 243.6, 244.3, 244.9, 236.0, 243.7, 244.5,
};

static void test_descriptive(void)
{
	struct rb_stats st;
	double copy[30];

	memcpy(copy, rebinds, sizeof(copy));
	check(rb_stats_compute(rebinds, 30, 0, &st) == 0, "compute n=30");
	check(memcmp(copy, rebinds, sizeof(copy)) == 0, "input not modified");
	check(st.n == 30, "n");
	/* x.mean(), x.std(ddof=1), scipy.stats.sem(x) */
	check_near(st.mean, 244.63333333333333, 1e-14, "mean");
	check_near(st.stddev, 4.019120965252642, 1e-13, "stddev (n-1)");
	check_near(st.stderr_mean, 0.733787738003603, 1e-13, "stderr");
	/* np.median(x), scipy.stats.median_abs_deviation(x) */
	check_near(st.median, 244.25, 1e-15, "median");
	check_near(st.mad, 0.7000000000000028, 1e-12, "mad (unscaled)");
	check(st.min == 236.0 && st.max == 262.0, "min and max");
	/* np.percentile(x, q), default linear interpolation */
	check(st.has_p25_p75 && st.has_p5_p95 && !st.has_p99,
	      "n=30 reports p5..p95, not p99");
	check_near(st.p5, 240.935, 1e-13, "p5");
	check_near(st.p25, 243.525, 1e-13, "p25");
	check_near(st.p75, 244.9, 1e-13, "p75");
	check_near(st.p95, 248.99499999999998, 1e-13, "p95");
	/* scipy.stats.t.interval(0.95, 29, loc=mean, scale=sem) */
	check(st.has_ci, "has ci");
	check_near(st.ci95_lo, 243.13256890053486, 1e-13, "ci95 lo");
	check_near(st.ci95_hi, 246.1340977661318, 1e-13, "ci95 hi");
	/* fences 239.4 / 241.4625 / 246.9625 / 249.025 from numpy quartiles */
	check(st.low_severe == 1 && st.low_mild == 1 && st.high_mild == 0 &&
	      st.high_severe == 2, "tukey census 1/1/0/2");
	check(st.resolution == 0, "continuous data has no resolution");
}

static void test_small_and_edges(void)
{
	const double four[] = { 3, 1, 2, 10 };
	const double one[] = { 42 };
	struct rb_stats st;

	/* x=[3,1,2,10]: mean 4, std(ddof=1) 4.08248290463863, median 2.5,
	 * mad 1.0, np.percentile 1.75 and 4.75 */
	check(rb_stats_compute(four, 4, 4, &st) == 0, "compute n=4");
	check_near(st.mean, 4.0, 1e-15, "n=4 mean");
	check_near(st.stddev, 4.08248290463863, 1e-13, "n=4 stddev");
	check_near(st.median, 2.5, 1e-15, "n=4 median");
	check_near(st.mad, 1.0, 1e-15, "n=4 mad");
	check(st.has_p25_p75 && !st.has_p5_p95, "n=4 has quartiles only");
	check_near(st.p25, 1.75, 1e-15, "n=4 p25");
	check_near(st.p75, 4.75, 1e-15, "n=4 p75");
	/* fences: 1.75 - 4.5 = -2.75 mild low, 4.75 + 4.5 = 9.25 mild high */
	check(st.high_mild == 1 && st.high_severe == 0,
	      "n=4: 10 is a high mild outlier");
	check(st.resolution == 4, "resolution kept");

	check(rb_stats_compute(one, 1, 0, &st) == 0, "compute n=1");
	check(st.n == 1 && st.mean == 42 && st.median == 42 && st.mad == 0,
	      "n=1 location");
	check(!st.has_ci && st.stddev == 0 && !st.has_p25_p75,
	      "n=1: no ci, no spread, no percentiles");
	check(rb_stats_compute(one, 0, 0, &st) == -EINVAL, "n=0 is -EINVAL");
}

static void test_json(void)
{
	struct json_object *o, *v, *ci, *pct, *out;
	struct rb_stats st;
	double ms[100];
	int i;

	/* 100 values: every percentile is available */
	for (i = 0; i < 100; i++)
		ms[i] = 240 + 4 * (i % 3);
	rb_stats_compute(ms, 100, 4, &st);
	o = rb_stats_to_json(&st, "ms");
	check(o != NULL, "json object");
	check(json_object_object_get_ex(o, "n", &v) &&
	      json_object_get_int64(v) == 100, "json n");
	check(json_object_object_get_ex(o, "ci95_mean", &ci) &&
	      json_object_array_length(ci) == 2, "json ci95_mean pair");
	check(json_object_get_double(json_object_array_get_idx(ci, 0)) <
	      json_object_get_double(json_object_array_get_idx(ci, 1)),
	      "json ci ordered");
	check(json_object_object_get_ex(o, "percentiles", &pct) &&
	      json_object_object_length(pct) == 5, "json five percentiles");
	check(json_object_object_get_ex(o, "outliers", &out) &&
	      json_object_object_length(out) == 4, "json outlier census");
	check(json_object_object_get_ex(o, "quantised", &v) &&
	      json_object_get_boolean(v), "json quantised");
	check(json_object_object_get_ex(o, "resolution", &v) &&
	      json_object_get_double(v) == 4, "json resolution");
	check(json_object_object_get_ex(o, "unit", &v) &&
	      strcmp(json_object_get_string(v), "ms") == 0, "json unit");
	json_object_put(o);

	rb_stats_compute(ms, 1, 0, &st);
	o = rb_stats_to_json(&st, "ns");
	check(!json_object_object_get_ex(o, "ci95_mean", NULL) &&
	      !json_object_object_get_ex(o, "percentiles", NULL) &&
	      !json_object_object_get_ex(o, "stddev", NULL) &&
	      !json_object_object_get_ex(o, "resolution", NULL),
	      "n=1 json omits what it cannot support");
	check(json_object_object_get_ex(o, "quantised", &v) &&
	      !json_object_get_boolean(v), "json not quantised");
	json_object_put(o);
}

int main(void)
{
	test_distributions();
	test_descriptive();
	test_small_and_edges();
	test_json();
	return unit_done();
}
