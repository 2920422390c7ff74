// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "results/stats.h"
#include "report/stats-compare.h"

struct ranked {
	double v;
	bool from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	double x = ((const struct ranked *)a)->v;
	double y = ((const struct ranked *)b)->v;

	return (x > y) - (x < y);
}

/*
 * Number of arrangements of m x's and n y's for each value of U: the
 * coefficients of the Gaussian binomial [m+n choose k]_q, k = min(m, n),
 * built as prod (1 - q^(m+n-k+i)) / (1 - q^i). Integer arithmetic keeps
 * it exact; NULL when the counts would not fit in int64.
 */
static int64_t *mwu_counts(size_t m, size_t n)
{
	size_t k = m < n ? m : n, big = m + n - k, deg = m * n, i, j;
	double total = 1;
	int64_t *c;

	for (i = 1; i <= k; i++)
		total = total * (double)(big + i) / (double)i;
	if (total > 1e18)
		return NULL;
	c = calloc(deg + 1, sizeof(*c));
	if (!c)
		return NULL;
	c[0] = 1;
	for (i = 1; i <= k; i++) {
		size_t sh = big + i;

		for (j = deg; j >= sh; j--)
			c[j] -= c[j - sh];
		for (j = i; j <= deg; j++)
			c[j] += c[j - i];
	}
	return c;
}

static double mwu_exact_p(double u, size_t m, size_t n)
{
	size_t deg = m * n, j, from;
	int64_t *c = mwu_counts(m, n);
	double tail = 0, total = 0;

	if (!c)
		return NAN;
	/* two-sided: 2 * P(U >= max(U, mn - U)), as scipy does */
	if (u < (double)deg - u)
		u = (double)deg - u;
	from = (size_t)ceil(u);
	for (j = 0; j <= deg; j++) {
		total += (double)c[j];
		if (j >= from)
			tail += (double)c[j];
	}
	free(c);
	return fmin(1, 2 * tail / total);
}

int rb_mwu_test(const double *x, size_t m, const double *y, size_t n,
		struct rb_mwu *r)
{
	size_t N = m + n, i, j;
	double rank_x = 0, tie_term = 0, mu, sigma, u;
	struct ranked *all;

	memset(r, 0, sizeof(*r));
	if (m == 0 || n == 0)
		return -EINVAL;
	all = malloc(N * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (i = 0; i < m; i++)
		all[i] = (struct ranked){ x[i], true };
	for (i = 0; i < n; i++)
		all[m + i] = (struct ranked){ y[i], false };
	qsort(all, N, sizeof(*all), cmp_ranked);

	/* midranks; each tie group of size t adds t^3 - t */
	for (i = 0; i < N; i = j) {
		double mid, t;

		for (j = i + 1; j < N && all[j].v == all[i].v; j++)
			;
		t = (double)(j - i);
		mid = ((double)i + 1 + (double)j) / 2;
		if (j - i > 1) {
			tie_term += t * t * t - t;
			r->tied_values += j - i;
		}
		for (; i < j; i++)
			if (all[i].from_x)
				rank_x += mid;
	}
	free(all);

	r->u = rank_x - (double)m * ((double)m + 1) / 2;
	mu = (double)m * (double)n / 2;
	if (!r->tied_values && (m < 8 || n < 8)) {
		r->p = mwu_exact_p(r->u, m, n);
		if (!isnan(r->p)) {
			r->exact = true;
			return 0;
		}
	}
	sigma = sqrt((double)m * (double)n / 12 *
		     ((double)N + 1 -
		      tie_term / ((double)N * ((double)N - 1))));
	u = fmax(r->u, (double)m * (double)n - r->u);
	if (!(sigma > 0)) {
		/* every value tied: nothing to tell the samples apart */
		r->p = 1;
		return 0;
	}
	r->z = (u - mu - 0.5) / sigma;
	r->p = fmin(1, 2 * rb_norm_cdf(-r->z));
	return 0;
}

static int log_copy(const double *x, size_t n, double **out)
{
	size_t i;

	*out = malloc(n * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!(x[i] > 0)) {
			free(*out);
			*out = NULL;
			return -EDOM;
		}
		(*out)[i] = log(x[i]);
	}
	return 0;
}

/* Logs of both samples, or -EDOM when a value is not positive. */
static int log_pair(const double *x, size_t m, const double *y, size_t n,
		    double **lx, double **ly)
{
	int rc = log_copy(x, m, lx);

	if (rc)
		return rc;
	rc = log_copy(y, n, ly);
	if (rc) {
		free(*lx);
		*lx = NULL;
	}
	return rc;
}

int rb_hodges_lehmann_ratio(const double *x, size_t m, const double *y,
			    size_t n, double conf, struct rb_ratio_ci *r)
{
	double *lx, *ly, *d, z, sd;
	size_t N = m * n, i, j;
	long k;
	int rc;

	memset(r, 0, sizeof(*r));
	if (m == 0 || n == 0)
		return -EINVAL;
	rc = log_pair(x, m, y, n, &lx, &ly);
	if (rc)
		return rc;
	d = malloc(N * sizeof(*d));
	if (!d) {
		free(lx);
		free(ly);
		return -ENOMEM;
	}
	for (i = 0; i < m; i++)
		for (j = 0; j < n; j++)
			d[i * n + j] = ly[j] - lx[i];
	free(lx);
	free(ly);
	rb_sort_doubles(d, N);

	r->est = exp(rb_median_sorted(d, N));
	/*
	 * Moses: the CI runs from the k-th smallest to the k-th largest
	 * difference, k = mn/2 - z * sqrt(mn(m+n+1)/12), rounded to the
	 * nearest integer and kept within 1..mn.
	 */
	z = rb_norm_quantile(1 - (1 - conf) / 2);
	sd = sqrt((double)N * ((double)m + (double)n + 1) / 12);
	k = lround((double)N / 2 - z * sd);
	if (k < 1)
		k = 1;
	if ((size_t)k > N)
		k = (long)N;
	r->lo = exp(d[k - 1]);
	r->hi = exp(d[N - (size_t)k]);
	r->bounded = true;
	free(d);
	return 0;
}

static void mean_var(const double *x, size_t n, double *mean, double *var)
{
	double s = 0, ss = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += x[i];
	*mean = s / (double)n;
	for (i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*var = n > 1 ? ss / (double)(n - 1) : 0;
}

/* Welch-Satterthwaite df of a*X + b*Y from the two mean variances. */
static double welch_df(double va, size_t m, double vb, size_t n)
{
	double den = va * va / (double)(m - 1) + vb * vb / (double)(n - 1);

	return den > 0 ? (va + vb) * (va + vb) / den : INFINITY;
}

int rb_fieller_ratio(const double *x, size_t m, const double *y, size_t n,
		     double conf, struct rb_ratio_ci *r)
{
	double mx, my, vx, vy, t, a, b, c, disc;

	memset(r, 0, sizeof(*r));
	if (m < 2 || n < 2)
		return -EINVAL;
	mean_var(x, m, &mx, &vx);
	mean_var(y, n, &my, &vy);
	if (mx == 0)
		return -EDOM;
	vx /= (double)m; /* variances of the means */
	vy /= (double)n;
	r->est = my / mx;
	if (vx == 0 && vy == 0) {
		r->lo = r->hi = r->est;
		r->bounded = true;
		return 0;
	}
	/* df of my - R mx at R = the point estimate */
	r->df = welch_df(r->est * r->est * vx, m, vy, n);
	t = isinf(r->df) ? rb_norm_quantile(1 - (1 - conf) / 2) :
			   rb_t_quantile(1 - (1 - conf) / 2, r->df);
	/* (my - R mx)^2 = t^2 (vy + R^2 vx), a quadratic in R */
	a = mx * mx - t * t * vx;
	b = mx * my;
	c = my * my - t * t * vy;
	disc = b * b - a * c;
	if (a <= 0 || disc < 0) {
		r->lo = -INFINITY;
		r->hi = INFINITY;
		r->bounded = false;
		return 0;
	}
	r->lo = (b - sqrt(disc)) / a;
	r->hi = (b + sqrt(disc)) / a;
	r->bounded = true;
	return 0;
}

int rb_welch_log_test(const double *x, size_t m, const double *y, size_t n,
		      double conf, struct rb_welch_log *r)
{
	double *lx, *ly, mx, my, vx, vy, se, d, q;
	int rc;

	memset(r, 0, sizeof(*r));
	if (m < 2 || n < 2)
		return -EINVAL;
	rc = log_pair(x, m, y, n, &lx, &ly);
	if (rc)
		return rc;
	mean_var(lx, m, &mx, &vx);
	mean_var(ly, n, &my, &vy);
	free(lx);
	free(ly);
	vx /= (double)m;
	vy /= (double)n;
	se = sqrt(vx + vy);
	d = my - mx;
	r->ratio.est = exp(d);
	r->ratio.bounded = true;
	if (se == 0) {
		r->t = d == 0 ? 0 : copysign(INFINITY, d);
		r->p = d == 0 ? 1 : 0;
		r->ratio.lo = r->ratio.hi = r->ratio.est;
		return 0;
	}
	r->df = welch_df(vx, m, vy, n);
	r->ratio.df = r->df;
	r->t = d / se;
	r->p = fmin(1, 2 * rb_t_cdf(-fabs(r->t), r->df));
	q = rb_t_quantile(1 - (1 - conf) / 2, r->df);
	r->ratio.lo = exp(d - q * se);
	r->ratio.hi = exp(d + q * se);
	return 0;
}
