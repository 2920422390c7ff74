// SPDX-License-Identifier: GPL-2.0
/*
 * Descriptive statistics of one sample set, and the Student t and normal
 * distribution functions that confidence intervals and tests need.
 *
 * Percentiles use linear interpolation between order statistics
 * (Hyndman & Fan type 7, numpy's default), and are reported only when the
 * sample can support them: p25/p75 for n >= 4, p5/p95 for n >= 20 and p99
 * for n >= 100. Below that the extreme ones would just be min or max
 * relabelled. The Tukey census needs the quartiles, so it is empty for
 * n < 4.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "results/stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Doubles as unsigned keys in the same order (NaNs last). */
static uint64_t sort_key(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof(u));
	return u >> 63 ? ~u : u | (1ull << 63);
}

static double key_double(uint64_t u)
{
	double d;

	u = u >> 63 ? u & ~(1ull << 63) : ~u;
	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * LSD radix sort on the keys, 16 bits a pass: linear, so that compare
 * sorts 10^6 samples in milliseconds, not the n log n compares of qsort.
 * Passes whose digit is the same for every key are skipped.
 */
static int radix_sort(double *x, size_t n)
{
	uint64_t *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b)), *t;
	size_t *count = calloc(65536, sizeof(*count)), i, sum, c;
	unsigned int shift;

	if (!a || !b || !count) {
		free(a);
		free(b);
		free(count);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		a[i] = sort_key(x[i]);
	for (shift = 0; shift < 64; shift += 16) {
		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(a[i] >> shift) & 0xffff]++;
		if (count[(a[0] >> shift) & 0xffff] == n)
			continue;
		for (i = 0, sum = 0; i < 65536; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			b[count[(a[i] >> shift) & 0xffff]++] = a[i];
		t = a;
		a = b;
		b = t;
	}
	for (i = 0; i < n; i++)
		x[i] = key_double(a[i]);
	free(a);
	free(b);
	free(count);
	return 0;
}

void rb_sort_doubles(double *x, size_t n)
{
	if (n < 4096 || radix_sort(x, n))
		qsort(x, n, sizeof(*x), cmp_double);
}

double rb_quantile_sorted(const double *s, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return s[0];
	if (q >= 1)
		return s[n - 1];
	h = q * (double)(n - 1);
	lo = (size_t)floor(h);
	frac = h - (double)lo;
	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + frac * (s[lo + 1] - s[lo]);
}

double rb_median_sorted(const double *s, size_t n)
{
	return rb_quantile_sorted(s, n, 0.5);
}

static void tukey_census(const double *s, size_t n, double q1, double q3,
			 struct rb_stats *st)
{
	double iqr = q3 - q1;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < q1 - 3 * iqr)
			st->low_severe++;
		else if (s[i] < q1 - 1.5 * iqr)
			st->low_mild++;
		else if (s[i] > q3 + 3 * iqr)
			st->high_severe++;
		else if (s[i] > q3 + 1.5 * iqr)
			st->high_mild++;
	}
}

int rb_stats_compute(const double *x, size_t n, double resolution,
		     struct rb_stats *st)
{
	double *s, sum = 0, ss = 0, *dev;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (n == 0 || !x)
		return -EINVAL;
	s = malloc(2 * n * sizeof(*s));
	if (!s)
		return -ENOMEM;
	dev = s + n;
	memcpy(s, x, n * sizeof(*s));
	rb_sort_doubles(s, n);

	st->n = n;
	st->resolution = resolution > 0 ? resolution : 0;
	for (i = 0; i < n; i++)
		sum += s[i];
	st->mean = sum / (double)n;
	/* Two-pass variance: benchmark values share many leading digits. */
	for (i = 0; i < n; i++)
		ss += (s[i] - st->mean) * (s[i] - st->mean);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = rb_median_sorted(s, n);
	for (i = 0; i < n; i++)
		dev[i] = fabs(s[i] - st->median);
	rb_sort_doubles(dev, n);
	st->mad = rb_median_sorted(dev, n);

	if (n >= 2) {
		double t = rb_t_quantile(0.975, (double)(n - 1));

		st->stddev = sqrt(ss / (double)(n - 1));
		st->stderr_mean = st->stddev / sqrt((double)n);
		st->has_ci = true;
		st->ci95_lo = st->mean - t * st->stderr_mean;
		st->ci95_hi = st->mean + t * st->stderr_mean;
	}
	if (n >= 4) {
		st->has_p25_p75 = true;
		st->p25 = rb_quantile_sorted(s, n, 0.25);
		st->p75 = rb_quantile_sorted(s, n, 0.75);
		tukey_census(s, n, st->p25, st->p75, st);
	}
	if (n >= 20) {
		st->has_p5_p95 = true;
		st->p5 = rb_quantile_sorted(s, n, 0.05);
		st->p95 = rb_quantile_sorted(s, n, 0.95);
	}
	if (n >= 100) {
		st->has_p99 = true;
		st->p99 = rb_quantile_sorted(s, n, 0.99);
	}
	free(s);
	return 0;
}

static void add_double(struct json_object *o, const char *key, double v)
{
	json_object_object_add(o, key, json_object_new_double(v));
}

struct json_object *rb_stats_to_json(const struct rb_stats *st,
				     const char *unit)
{
	struct json_object *o = json_object_new_object();
	struct json_object *pct, *out, *ci;

	if (!o)
		return NULL;
	json_object_object_add(o, "n", json_object_new_uint64(st->n));
	add_double(o, "mean", st->mean);
	if (st->n >= 2) {
		add_double(o, "stddev", st->stddev);
		add_double(o, "stderr", st->stderr_mean);
	}
	add_double(o, "median", st->median);
	add_double(o, "min", st->min);
	add_double(o, "max", st->max);
	add_double(o, "mad", st->mad);
	if (st->has_ci) {
		ci = json_object_new_array();
		json_object_array_add(ci, json_object_new_double(st->ci95_lo));
		json_object_array_add(ci, json_object_new_double(st->ci95_hi));
		json_object_object_add(o, "ci95_mean", ci);
	}
	if (st->has_p25_p75) {
		pct = json_object_new_object();
		if (st->has_p5_p95)
			add_double(pct, "p5", st->p5);
		add_double(pct, "p25", st->p25);
		add_double(pct, "p75", st->p75);
		if (st->has_p5_p95)
			add_double(pct, "p95", st->p95);
		if (st->has_p99)
			add_double(pct, "p99", st->p99);
		json_object_object_add(o, "percentiles", pct);

		out = json_object_new_object();
		json_object_object_add(out, "low_severe",
				       json_object_new_uint64(st->low_severe));
		json_object_object_add(out, "low_mild",
				       json_object_new_uint64(st->low_mild));
		json_object_object_add(out, "high_mild",
				       json_object_new_uint64(st->high_mild));
		json_object_object_add(out, "high_severe",
				       json_object_new_uint64(st->high_severe));
		json_object_object_add(o, "outliers", out);
	}
	if (unit)
		json_object_object_add(o, "unit", json_object_new_string(unit));
	json_object_object_add(o, "quantised",
			       json_object_new_boolean(st->resolution > 0));
	if (st->resolution > 0)
		add_double(o, "resolution", st->resolution);
	return o;
}

double rb_norm_cdf(double x)
{
	return 0.5 * erfc(-x / M_SQRT2);
}

/*
 * Acklam's rational approximation (relative error 1.15e-9), polished by one
 * Halley step on erfc(), which brings it to full double precision.
 */
double rb_norm_quantile(double p)
{
	static const double a[] = { -3.969683028665376e+01,
		2.209460984245205e+02, -2.759285104469687e+02,
		1.383577518672690e+02, -3.066479806614716e+01,
		2.506628277459239e+00 };
	static const double b[] = { -5.447609879822406e+01,
		1.615858368580409e+02, -1.556989798598866e+02,
		6.680131188771972e+01, -1.328068155288572e+01 };
	static const double c[] = { -7.784894002430293e-03,
		-3.223964580411365e-01, -2.400758277161838e+00,
		-2.549732539343734e+00, 4.374664141464968e+00,
		2.938163982698783e+00 };
	static const double d[] = { 7.784695709041462e-03,
		3.224671290700398e-01, 2.445134137142996e+00,
		3.754408661907416e+00 };
	const double plow = 0.02425;
	double q, r, x, e, u;

	if (isnan(p) || p < 0 || p > 1)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;

	if (p < plow) {
		q = sqrt(-2 * log(p));
		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) *
			     q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	} else if (p <= 1 - plow) {
		q = p - 0.5;
		r = q * q;
		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) *
			     r + a[5]) * q /
		    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) *
			     r + 1);
	} else {
		q = sqrt(-2 * log1p(-p));
		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) *
			      q + c[5]) /
		    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}

	/* Halley refinement; the upper tail by symmetry, for accuracy. */
	if (p > 0.5) {
		e = 0.5 * erfc(x / M_SQRT2) - (1 - p);
		u = -e * sqrt(2 * M_PI) * exp(x * x / 2);
	} else {
		e = 0.5 * erfc(-x / M_SQRT2) - p;
		u = e * sqrt(2 * M_PI) * exp(x * x / 2);
	}
	return x - u / (1 + x * u / 2);
}

/* One modified-Lentz update with partial numerator @num. */
static double lentz_step(double num, double *c, double *d)
{
	const double tiny = 1e-300;

	*d = 1 + num * *d;
	if (fabs(*d) < tiny)
		*d = tiny;
	*c = 1 + num / *c;
	if (fabs(*c) < tiny)
		*c = tiny;
	*d = 1 / *d;
	return *c * *d;
}

/*
 * Continued fraction of the regularized incomplete beta function, evaluated
 * with the modified Lentz method (converges fast for x < (a+1)/(a+b+2)).
 */
static double incbeta_cf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), f, delta;
	int m;

	if (fabs(d) < 1e-300)
		d = 1e-300;
	d = 1 / d;
	f = d;
	for (m = 1; m <= 1000; m++) {
		f *= lentz_step(m * (b - m) * x / ((a + 2 * m - 1) *
						   (a + 2 * m)), &c, &d);
		delta = lentz_step(-(a + m) * (a + b + m) * x /
				   ((a + 2 * m) * (a + 2 * m + 1)), &c, &d);
		f *= delta;
		if (fabs(delta - 1) < 1e-16)
			break;
	}
	return f;
}

double rb_incbeta(double a, double b, double x)
{
	double lbeta, front;

	if (isnan(x) || a <= 0 || b <= 0)
		return NAN;
	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	lbeta = lgamma(a) + lgamma(b) - lgamma(a + b);
	front = exp(a * log(x) + b * log1p(-x) - lbeta);
	if (x < (a + 1) / (a + b + 2))
		return front * incbeta_cf(a, b, x) / a;
	return 1 - front * incbeta_cf(b, a, 1 - x) / b;
}

double rb_t_cdf(double t, double df)
{
	double tail;

	if (isnan(t) || df <= 0)
		return NAN;
	if (isinf(t))
		return t > 0 ? 1 : 0;
	/* lgamma() differences lose digits for huge df; t is normal there */
	if (df > 1e7)
		return rb_norm_cdf(t);
	/* P(|T| > |t|) = I_{df/(df+t^2)}(df/2, 1/2) */
	tail = 0.5 * rb_incbeta(df / 2, 0.5, df / (df + t * t));
	return t > 0 ? 1 - tail : tail;
}

static double t_pdf(double t, double df)
{
	double lc = lgamma((df + 1) / 2) - lgamma(df / 2) -
		    0.5 * log(df * M_PI);

	return exp(lc - (df + 1) / 2 * log1p(t * t / df));
}

/*
 * Safeguarded Newton iteration on rb_t_cdf(): Newton steps from the normal
 * quantile, falling back to bisection whenever a step leaves the bracket.
 */
double rb_t_quantile(double p, double df)
{
	double lo, hi, x, f;
	int i;

	if (isnan(p) || isnan(df) || p < 0 || p > 1 || df <= 0)
		return NAN;
	if (p == 0)
		return -INFINITY;
	if (p == 1)
		return INFINITY;
	if (p == 0.5)
		return 0;
	if (df == 1)
		return tan(M_PI * (p - 0.5));
	if (df > 1e7)
		return rb_norm_quantile(p);
	if (p < 0.5)
		return -rb_t_quantile(1 - p, df);

	/* p > 0.5: the root is positive; grow the bracket until it holds it */
	lo = 0;
	hi = 1;
	while (rb_t_cdf(hi, df) < p && hi < 1e300)
		hi *= 2;
	x = rb_norm_quantile(p);
	if (!(x > lo && x < hi))
		x = (lo + hi) / 2;
	for (i = 0; i < 200; i++) {
		double step, nx;

		f = rb_t_cdf(x, df) - p;
		if (f == 0)
			return x;
		if (f < 0)
			lo = x;
		else
			hi = x;
		step = f / t_pdf(x, df);
		nx = x - step;
		if (!(nx > lo && nx < hi))
			nx = (lo + hi) / 2;
		if (fabs(nx - x) <= 4 * DBL_EPSILON * fabs(nx))
			return nx;
		x = nx;
	}
	return x;
}
