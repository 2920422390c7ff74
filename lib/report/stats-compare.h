/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Two-sample statistics for base (x) versus new (y) timings. Ratios are
 * always new / base, so a value below 1 means the new kernel is faster.
 * Rank methods (MWU, Hodges-Lehmann) keep their power on skewed, outlier-
 * prone latencies; Fieller and Welch-on-logs give the CI of the change of
 * the mean that changelogs quote.
 */
#ifndef RB_STATS_COMPARE_H
#define RB_STATS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

/* Two-sided Mann-Whitney U test, as scipy.stats.mannwhitneyu(x, y). */
struct rb_mwu {
	double u; /* U of x: pairs with x > y, ties counting one half */
	double z; /* normal approximation (continuity-corrected), or 0 */
	double p; /* two-sided */
	bool exact; /* exact: no ties and C(m+n, m) < 1e18, or ties, min < 10 */
	size_t tied_values; /* values that share their rank with another */
};

/*
 * A ratio estimate with its confidence interval. bounded is false when the
 * interval is not a finite interval (Fieller with a denominator mean not
 * significantly different from zero); lo/hi are then -inf/+inf.
 */
struct rb_ratio_ci {
	double est, lo, hi;
	bool bounded;
	double df; /* degrees of freedom used, 0 when not a t interval */
	double conf; /* the confidence the interval really has */
};

/* Welch's t test on log(values): ratio of geometric means. */
struct rb_welch_log {
	double t, df, p;
	struct rb_ratio_ci ratio;
};

/* Return 0, -EINVAL for too few values, -EDOM for values <= 0 (logs). */
int rb_mwu_test(const double *x, size_t m, const double *y, size_t n,
		struct rb_mwu *r);

/* log(@x) in a new array, sorted if @sort; -EDOM for a value <= 0. */
int rb_log_values(const double *x, size_t n, bool sort, double **out);

/* Smallest two-sided p Mann-Whitney can give: 2 / C(m + n, m). */
double rb_mwu_min_p(size_t m, size_t n);

/*
 * Hodges-Lehmann estimate of the ratio: exp of the median of all
 * log(y_j) - log(x_i); CI from the order statistics of those differences
 * (Moses). The rank comes from the exact null distribution of U when it
 * fits in int64, else the normal one; r->conf is the coverage that rank
 * really has, below @conf when the samples are too small for @conf.
 * Selection, not sorting: O((m + n) log(m + n)) time (the sorts and a
 * handful of sweeps), O(m + n) memory.
 */
int rb_hodges_lehmann_ratio(const double *x, size_t m, const double *y,
			    size_t n, double conf, struct rb_ratio_ci *r);

/* Fieller's interval of mean(y) / mean(x), Welch-Satterthwaite df. */
int rb_fieller_ratio(const double *x, size_t m, const double *y, size_t n,
		     double conf, struct rb_ratio_ci *r);

int rb_welch_log_test(const double *x, size_t m, const double *y, size_t n,
		      double conf, struct rb_welch_log *r);

/*
 * Yuen's trimmed-mean interval on logs (Welch df): the ratio of the
 * trimmed geometric means, robust to a few slow binds. @trim per end.
 */
int rb_yuen_log_ratio(const double *x, size_t m, const double *y, size_t n,
		      double trim, double conf, struct rb_ratio_ci *r);

/* Standard error on the log scale implied by an interval's width. */
double rb_ci_log_se(const struct rb_ratio_ci *r);

/*
 * Smallest relative change (as a fraction) detected with @power by an
 * interval of log-scale standard error @se at @alpha two-sided, beyond a
 * noise threshold @noise: noise + (q(1 - alpha/2) + q(power)) * se,
 * t quantiles with @df (> 0) or normal ones.
 */
double rb_min_detectable(double se, double df, double alpha, double power,
			 double noise);

#endif /* RB_STATS_COMPARE_H */
