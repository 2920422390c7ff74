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

/*
 * The pooled sample in ascending order: each side sorted on its own
 * (radix, linear) and merged, not one comparison sort of pairs.
 */
static int pool_sorted(const double *x, size_t m, const double *y, size_t n,
		       struct ranked *all)
{
	double *sx = malloc(m * sizeof(*sx)), *sy = malloc(n * sizeof(*sy));
	size_t i = 0, j = 0, k = 0;

	if (!sx || !sy) {
		free(sx);
		free(sy);
		return -ENOMEM;
	}
	memcpy(sx, x, m * sizeof(*sx));
	memcpy(sy, y, n * sizeof(*sy));
	rb_sort_doubles(sx, m);
	rb_sort_doubles(sy, n);
	while (i < m || j < n)
		if (j == n || (i < m && sx[i] <= sy[j]))
			all[k++] = (struct ranked){ sx[i++], true };
		else
			all[k++] = (struct ranked){ sy[j++], false };
	free(sx);
	free(sy);
	return 0;
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
	if (!all || !r2 || !from_x || pool_sorted(x, m, y, n, all)) {
		free(all);
		free(r2);
		free(from_x);
		return -ENOMEM;
	}
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

static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

/*
 * The k-th smallest (0-based) of @v, reordering it: quickselect with a
 * three-way partition (ties do not slow it) around a median of three.
 */
static double select_kth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1, lt, gt, i;
	double a, b, c, pivot;

	while (lo < hi) {
		a = v[lo];
		b = v[lo + (hi - lo) / 2];
		c = v[hi];
		pivot = a < b ? (b < c ? b : a < c ? c : a) :
				(a < c ? a : b < c ? c : b);
		lt = i = lo;
		gt = hi;
		while (i <= gt) {
			if (v[i] < pivot) {
				swap_d(&v[lt++], &v[i++]);
			} else if (v[i] > pivot) {
				swap_d(&v[i], &v[gt]);
				gt--; /* the pivot's own value stays above lo */
			} else {
				i++;
			}
		}
		if (k < lt)
			hi = lt - 1;
		else if (k > gt)
			lo = gt + 1;
		else
			return pivot;
	}
	return v[k];
}

/*
 * The differences in (lo, hi], at most @cap of them, into @out; their
 * number. Per i the j with lo < ly[j] - lx[i] <= hi form one run.
 */
static size_t collect(const double *lx, size_t m, const double *ly, size_t n,
		      double lo, double hi, double *out, size_t cap)
{
	size_t i, a = 0, b = 0, nr = 0, j;

	for (i = 0; i < m; i++) {
		/* lx ascending: the differences fall, both run ends rise */
		while (a < n && ly[a] - lx[i] <= lo)
			a++;
		while (b < n && ly[b] - lx[i] <= hi)
			b++;
		for (j = a; j < b && nr < cap; j++)
			out[nr++] = ly[j] - lx[i];
	}
	return nr;
}

/* Differences left for the final selection: a few sweeps more, less work. */
#define HL_CAP(m, n) ((m + n) / 8 + 64)

/* Probit of the fraction @c / @N, kept finite at the ends. */
static double zfrac(uint64_t c, uint64_t N)
{
	double f = (double)c / (double)N, e = 0.5 / (double)N;

	return rb_norm_quantile(f < e ? e : f > 1 - e ? 1 - e : f);
}

/* Mean and sd of ly[j] - lx[i] over all pairs: a first guess. */
static void diff_moments(const double *lx, size_t m, const double *ly,
			 size_t n, double *mu, double *sd)
{
	double sx = 0, sy = 0, vx = 0, vy = 0;
	size_t i;

	for (i = 0; i < m; i++)
		sx += lx[i];
	for (i = 0; i < n; i++)
		sy += ly[i];
	sx /= (double)m;
	sy /= (double)n;
	for (i = 0; i < m; i++)
		vx += (lx[i] - sx) * (lx[i] - sx);
	for (i = 0; i < n; i++)
		vy += (ly[i] - sy) * (ly[i] - sy);
	*mu = sy - sx;
	*sd = sqrt(vx / (double)m + vy / (double)n);
}

/* Bracket of the k-th difference: count(lo) < k <= count(hi). */
struct bracket {
	double lo, hi;
	uint64_t clo, chi;
};

/*
 * Next point to count: the secant through the last two counts on the
 * probit scale (where the counts of a smooth sample are nearly linear;
 * the first step takes the normal guess's slope @sd), the midpoint when
 * that leaves the bracket or the bracket stalls.
 */
static double next_t(const struct bracket *b, double tp, double zp,
		     double t, double z, double zk, double sd, bool stalled)
{
	double slope = isnan(tp) ? sd : (t - tp) / (z - zp);
	double tn = t + (zk - z) * slope;

	if (stalled || !isfinite(tn) || !(tn > b->lo && tn < b->hi))
		tn = b->lo + (b->hi - b->lo) / 2;
	return tn;
}

/*
 * The k-th smallest (1-based) of all ly[j] - lx[i] without forming them:
 * shrink the bracket by secant steps on the probit of the counts, from
 * a normal first guess, until at most m + n differences lie in it, then
 * select among just those. A handful of O(m + n) sweeps; @buf holds
 * HL_CAP(m, n) doubles.
 */
static double kth_diff(const double *lx, size_t m, const double *ly,
		       size_t n, uint64_t k, double *buf)
{
	uint64_t N = (uint64_t)m * n, cap = HL_CAP(m, n), c, width;
	struct bracket b = { ly[0] - lx[m - 1], ly[n - 1] - lx[0], 0, N };
	double zk = zfrac(2 * k - 1, 2 * N), mu, sd, t, z, tn;
	double tp = NAN, zp = NAN;
	bool stalled = false;
	size_t nr;

	if (count_le(lx, m, ly, n, b.lo) >= k)
		return b.lo;
	b.lo = nextafter(b.lo, -INFINITY);
	diff_moments(lx, m, ly, n, &mu, &sd);
	t = mu + sd * zk;
	while (b.chi - b.clo > cap) {
		if (!(t > b.lo && t < b.hi))
			t = b.lo + (b.hi - b.lo) / 2;
		if (!(t > b.lo && t < b.hi))
			break; /* adjacent doubles: (lo, hi] holds one value */
		width = b.chi - b.clo;
		c = count_le(lx, m, ly, n, t);
		if (c >= k) {
			b.hi = t;
			b.chi = c;
		} else {
			b.lo = t;
			b.clo = c;
		}
		/* a step that does not halve the bracket earns a bisection */
		stalled = !stalled && (b.chi - b.clo) * 2 > width;
		z = zfrac(c, N);
		tn = next_t(&b, tp, zp, t, z, zk, sd, stalled);
		tp = t;
		zp = z;
		t = tn;
	}
	if (b.chi - b.clo > cap)
		return b.hi;
	nr = collect(lx, m, ly, n, b.lo, b.hi, buf, cap);
	return select_kth(buf, nr, (size_t)(k - b.clo - 1));
}

int rb_hodges_lehmann_ratio(const double *x, size_t m, const double *y,
			    size_t n, double conf, struct rb_ratio_ci *r)
{
	uint64_t N = (uint64_t)m * n;
	double *lx, *ly, *buf, med;
	size_t k;
	int rc;

	memset(r, 0, sizeof(*r));
	if (m == 0 || n == 0)
		return -EINVAL;
	rc = rb_log_values(x, m, true, &lx);
	if (rc)
		return rc;
	rc = rb_log_values(y, n, true, &ly);
	buf = malloc(HL_CAP(m, n) * sizeof(*buf));
	if (rc || !buf) {
		free(lx);
		free(ly);
		free(buf);
		return rc ? rc : -ENOMEM;
	}
	med = kth_diff(lx, m, ly, n, (N + 1) / 2, buf);
	if (N % 2 == 0)
		med = (med + kth_diff(lx, m, ly, n, N / 2 + 1, buf)) / 2;
	r->est = exp(med);
	k = moses_rank(m, n, conf, &r->conf);
	r->lo = exp(kth_diff(lx, m, ly, n, k, buf));
	r->hi = exp(kth_diff(lx, m, ly, n, N + 1 - k, buf));
	r->bounded = true;
	free(lx);
	free(ly);
	free(buf);
	return 0;
}
