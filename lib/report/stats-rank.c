// SPDX-License-Identifier: GPL-2.0
/*
 * Rank methods: Mann-Whitney U (exact null distribution whenever its
 * counts fit in int64 without ties, the exact permutation distribution
 * of midranks when ties meet a small sample) and the Hodges-Lehmann ratio,
 * found by selection among the m*n pairwise log-differences without
 * forming them: O((m + n) log) time, O(m + n) memory.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "results/stats.h"
#include "report/stats-compare.h"

/* Below this many units on the smaller side the p-value is exact. */
#define EXACT_MAX_SMALL 10
/* Work bound of the exact distribution: N * k * (2 k N) cells. */
#define EXACT_MAX_CELLS 60000000.0

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
 * Permutation distribution of the sum of @k of the @N doubled midranks
 * @r2 (integers): cnt[s] = number of k-subsets summing to s. The sum
 * is at most 2kN. NULL on allocation failure.
 */
static double *subset_sums(const unsigned int *r2, size_t N, size_t k,
			   size_t *max_sum)
{
	size_t smax = 2 * k * N, i, j, s;
	double *cnt = calloc((k + 1) * (smax + 1), sizeof(*cnt));

	if (!cnt)
		return NULL;
	cnt[0] = 1;
	for (i = 0; i < N; i++)
		for (j = (i + 1 < k ? i + 1 : k); j >= 1; j--) {
			double *dst = cnt + j * (smax + 1);
			const double *src = cnt + (j - 1) * (smax + 1);

			for (s = smax; s >= r2[i]; s--)
				dst[s] += src[s - r2[i]];
		}
	*max_sum = smax;
	memmove(cnt, cnt + k * (smax + 1), (smax + 1) * sizeof(*cnt));
	return cnt;
}

/*
 * Two-sided exact p of U: 2 * P(U >= max(U, mn - U)) under every
 * arrangement of the midranks, as scipy's exact method without ties.
 */
static double exact_p(const unsigned int *r2, const bool *from_x, size_t m,
		      size_t n)
{
	size_t N = m + n, k = m < n ? m : n, smax, s, i;
	double *cnt, obs2 = 0, hi2, tail = 0, total = 0, base2;
	bool small_is_x = m <= n;

	for (i = 0; i < N; i++)
		if (from_x[i] == small_is_x)
			obs2 += r2[i];
	cnt = subset_sums(r2, N, k, &smax);
	if (!cnt)
		return NAN;
	/* doubled U of the small side, mirrored to the upper tail */
	base2 = (double)k * ((double)k + 1);
	hi2 = fmax(obs2 - base2, 2.0 * (double)m * (double)n -
				 (obs2 - base2));
	for (s = 0; s <= smax; s++) {
		total += cnt[s];
		if ((double)s - base2 >= hi2 - 1e-9)
			tail += cnt[s];
	}
	free(cnt);
	return fmin(1, 2 * tail / total);
}

static bool exact_affordable(size_t m, size_t n)
{
	double k = (double)(m < n ? m : n), N = (double)(m + n);

	return k < EXACT_MAX_SMALL && N * k * 2 * k * N <= EXACT_MAX_CELLS;
}

/* Midranks of the pooled sorted sample, doubled; U of x; tie census. */
static double rank_pooled(struct ranked *all, size_t N, unsigned int *r2,
			  struct rb_mwu *r, double *tie_term)
{
	double rank_x = 0;
	size_t i, j, t;

	*tie_term = 0;
	for (i = 0; i < N; i = j) {
		for (j = i + 1; j < N && all[j].v == all[i].v; j++)
			;
		t = j - i;
		if (t > 1) {
			*tie_term += (double)t * (double)t * (double)t -
				     (double)t;
			r->tied_values += t;
		}
		for (t = i; t < j; t++) {
			r2[t] = (unsigned int)(i + 1 + j);
			if (all[t].from_x)
				rank_x += (double)r2[t] / 2;
		}
	}
	return rank_x;
}

/*
 * Number of arrangements of m x's and n y's for each value of U (no
 * ties): the Gaussian binomial [m+n choose m]_q. NULL when the counts
 * would not fit in int64 or memory.
 */
static int64_t *u_counts(size_t m, size_t n)
{
	size_t k = m < n ? m : n, big = m + n - k, deg = m * n, i, j;
	double total = 1;
	int64_t *c;

	for (i = 1; i <= k; i++)
		total = total * (double)(big + i) / (double)i;
	if (total > 1e18 || deg > 4000000)
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

/* Exact two-sided p without ties, as scipy's method='exact'. */
static double exact_p_noties(double u, size_t m, size_t n)
{
	size_t deg = m * n, j, from;
	int64_t *c = u_counts(m, n);
	double tail = 0, total = 0;

	if (!c)
		return NAN;
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

static void normal_p(struct rb_mwu *r, size_t m, size_t n, double tie_term)
{
	double N = (double)(m + n), mn = (double)m * (double)n, sigma, u;

	sigma = sqrt(mn / 12 * (N + 1 - tie_term / (N * (N - 1))));
	u = fmax(r->u, mn - r->u);
	if (!(sigma > 0)) {
		/* every value tied: nothing to tell the samples apart */
		r->p = 1;
		return;
	}
	r->z = (u - mn / 2 - 0.5) / sigma;
	r->p = fmin(1, 2 * rb_norm_cdf(-r->z));
}

int rb_mwu_test(const double *x, size_t m, const double *y, size_t n,
		struct rb_mwu *r)
{
	size_t N = m + n, i;
	struct ranked *all;
	unsigned int *r2;
	bool *from_x;
	double tie_term;

	memset(r, 0, sizeof(*r));
	if (m == 0 || n == 0)
		return -EINVAL;
	all = malloc(N * sizeof(*all));
	r2 = malloc(N * sizeof(*r2));
	from_x = malloc(N * sizeof(*from_x));
	if (!all || !r2 || !from_x) {
		free(all);
		free(r2);
		free(from_x);
		return -ENOMEM;
	}
	for (i = 0; i < m; i++)
		all[i] = (struct ranked){ x[i], true };
	for (i = 0; i < n; i++)
		all[m + i] = (struct ranked){ y[i], false };
	qsort(all, N, sizeof(*all), cmp_ranked);
	r->u = rank_pooled(all, N, r2, r, &tie_term) -
	       (double)m * ((double)m + 1) / 2;
	for (i = 0; i < N; i++)
		from_x[i] = all[i].from_x;
	free(all);
	/* exact whenever it is cheap: always without ties, few with */
	if (!r->tied_values)
		r->p = exact_p_noties(r->u, m, n);
	else if (exact_affordable(m, n))
		r->p = exact_p(r2, from_x, m, n);
	r->exact = (!r->tied_values || exact_affordable(m, n)) &&
		   !isnan(r->p);
	free(r2);
	free(from_x);
	if (!r->exact)
		normal_p(r, m, n, tie_term);
	return 0;
}

double rb_mwu_min_p(size_t m, size_t n)
{
	double c = 1;
	size_t i;

	for (i = 1; i <= m; i++)
		c = c * (double)(n + i) / (double)i;
	return fmin(1, 2 / c);
}

/*
 * Rank k of the Moses interval [d_(k), d_(mn+1-k)]: its coverage is
 * 1 - 2 P(U <= k - 1). The largest k whose coverage is at least @conf,
 * from the exact distribution when it fits, else the normal one; never
 * below 1, and *achieved is then what k = 1 really gives.
 */
static size_t moses_rank(size_t m, size_t n, double conf, double *achieved)
{
	double N = (double)m * (double)n, total = 0, cum = 0, z, sd;
	int64_t *c = u_counts(m, n);
	size_t k, deg = m * n;
	long kk;

	if (c) {
		for (k = 0; k <= deg; k++)
			total += (double)c[k];
		/* coverage with rank k + 1 is 1 - 2 * P(U <= k) */
		for (k = 0; k < deg / 2; k++) {
			if (1 - 2 * (cum + (double)c[k]) / total < conf)
				break;
			cum += (double)c[k];
		}
		*achieved = 1 - 2 * (k ? cum : (double)c[0]) / total;
		free(c);
		return k ? k : 1;
	}
	z = rb_norm_quantile(1 - (1 - conf) / 2);
	sd = sqrt(N * ((double)m + (double)n + 1) / 12);
	kk = (long)floor(N / 2 - z * sd + 0.5);
	if (kk < 1)
		kk = 1;
	*achieved = 1 - 2 * rb_norm_cdf(((double)kk - 0.5 - N / 2) / sd);
	return (size_t)kk;
}

/* Doubles as integers in the same order, for bisection on the bits. */
static int64_t ord_key(double d)
{
	int64_t i;

	memcpy(&i, &d, sizeof(i));
	return i < 0 ? INT64_MIN - i - 1 : i;
}

static double key_ord(int64_t i)
{
	double d;

	if (i < 0)
		i = INT64_MIN - i - 1;
	memcpy(&d, &i, sizeof(d));
	return d;
}

/* Pairs (i, j) with ly[j] - lx[i] <= t, both ascending: one sweep. */
static uint64_t count_le(const double *lx, size_t m, const double *ly,
			 size_t n, double t)
{
	uint64_t nr = 0;
	size_t i, j = 0;

	for (i = 0; i < m; i++) {
		while (j < n && ly[j] - lx[i] <= t)
			j++;
		nr += j;
	}
	return nr;
}

/*
 * The k-th smallest (1-based) of all ly[j] - lx[i]: the smallest double
 * t with count_le(t) >= k, by bisection on the ordered bit patterns
 * between the smallest and the largest difference (at most 64 sweeps).
 */
static double kth_diff(const double *lx, size_t m, const double *ly,
		       size_t n, uint64_t k)
{
	int64_t lo = ord_key(ly[0] - lx[m - 1]);
	int64_t hi = ord_key(ly[n - 1] - lx[0]);

	while (lo < hi) {
		int64_t mid = lo + (int64_t)(((uint64_t)hi - (uint64_t)lo) / 2);

		if (count_le(lx, m, ly, n, key_ord(mid)) >= k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return key_ord(lo);
}

int rb_hodges_lehmann_ratio(const double *x, size_t m, const double *y,
			    size_t n, double conf, struct rb_ratio_ci *r)
{
	uint64_t N = (uint64_t)m * n;
	double *lx, *ly, med;
	size_t k;
	int rc;

	memset(r, 0, sizeof(*r));
	if (m == 0 || n == 0)
		return -EINVAL;
	rc = rb_log_values(x, m, true, &lx);
	if (rc)
		return rc;
	rc = rb_log_values(y, n, true, &ly);
	if (rc) {
		free(lx);
		return rc;
	}
	med = kth_diff(lx, m, ly, n, (N + 1) / 2);
	if (N % 2 == 0)
		med = (med + kth_diff(lx, m, ly, n, N / 2 + 1)) / 2;
	r->est = exp(med);
	k = moses_rank(m, n, conf, &r->conf);
	r->lo = exp(kth_diff(lx, m, ly, n, k));
	r->hi = exp(kth_diff(lx, m, ly, n, N + 1 - k));
	r->bounded = true;
	free(lx);
	free(ly);
	return 0;
}
