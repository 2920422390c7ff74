// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "results/stats.h"
#include "report/stats-compare.h"

int rb_log_values(const double *x, size_t n, bool sort, double **out)
{
	size_t i;

	*out = malloc((n ? n : 1) * sizeof(**out));
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
	if (sort)
		rb_sort_doubles(*out, n);
	return 0;
}

/* Logs of both samples of at least 2 values each. */
static int log_pair(const double *x, size_t m, const double *y, size_t n,
		    bool sort, double **lx, double **ly)
{
	int rc;

	if (m < 2 || n < 2)
		return -EINVAL;
	rc = rb_log_values(x, m, sort, lx);
	if (rc)
		return rc;
	rc = rb_log_values(y, n, sort, ly);
	if (rc) {
		free(*lx);
		*lx = NULL;
	}
	return rc;
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
	r->conf = conf;
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
	rc = log_pair(x, m, y, n, false, &lx, &ly);
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
	r->ratio.conf = conf;
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

/*
 * Trimmed mean and winsorized variance of the sorted @s: g = floor(trim
 * n) values cut at each end. *h is the number kept.
 */
static void trimmed(const double *s, size_t n, double trim, double *tm,
		    double *wvar, size_t *h)
{
	size_t g = (size_t)floor(trim * (double)n), i;
	double sum = 0, wm = 0, ss = 0, w;

	*h = n - 2 * g;
	for (i = g; i < n - g; i++)
		sum += s[i];
	*tm = sum / (double)*h;
	for (i = 0; i < n; i++)
		wm += s[i < g ? g : i >= n - g ? n - g - 1 : i];
	wm /= (double)n;
	for (i = 0; i < n; i++) {
		w = s[i < g ? g : i >= n - g ? n - g - 1 : i] - wm;
		ss += w * w;
	}
	*wvar = ss / (double)(n - 1);
}

int rb_yuen_log_ratio(const double *x, size_t m, const double *y, size_t n,
		      double trim, double conf, struct rb_ratio_ci *r)
{
	double *lx, *ly, tx, ty, wx, wy, dx, dy, q;
	size_t hx, hy;
	int rc;

	memset(r, 0, sizeof(*r));
	rc = log_pair(x, m, y, n, true, &lx, &ly);
	if (rc)
		return rc;
	trimmed(lx, m, trim, &tx, &wx, &hx);
	trimmed(ly, n, trim, &ty, &wy, &hy);
	free(lx);
	free(ly);
	if (hx < 2 || hy < 2)
		return -EINVAL;
	/* Yuen: d = (n - 1) s_w^2 / (h (h - 1)) per side */
	dx = (double)(m - 1) * wx / ((double)hx * (double)(hx - 1));
	dy = (double)(n - 1) * wy / ((double)hy * (double)(hy - 1));
	r->est = exp(ty - tx);
	r->conf = conf;
	r->bounded = true;
	if (dx + dy == 0) {
		r->lo = r->hi = r->est;
		return 0;
	}
	r->df = (dx + dy) * (dx + dy) /
		(dx * dx / (double)(hx - 1) + dy * dy / (double)(hy - 1));
	q = rb_t_quantile(1 - (1 - conf) / 2, r->df);
	r->lo = exp(ty - tx - q * sqrt(dx + dy));
	r->hi = exp(ty - tx + q * sqrt(dx + dy));
	return 0;
}

double rb_ci_log_se(const struct rb_ratio_ci *r)
{
	double q;

	if (!r->bounded || !(r->lo > 0) || !(r->conf > 0 && r->conf < 1))
		return NAN;
	q = r->df > 0 ? rb_t_quantile(1 - (1 - r->conf) / 2, r->df) :
			rb_norm_quantile(1 - (1 - r->conf) / 2);
	return (log(r->hi) - log(r->lo)) / (2 * q);
}

double rb_min_detectable(double se, double df, double alpha, double power,
			 double noise)
{
	double za, zb;

	if (!(se >= 0))
		return NAN;
	za = df > 0 ? rb_t_quantile(1 - alpha / 2, df) :
		      rb_norm_quantile(1 - alpha / 2);
	zb = df > 0 ? rb_t_quantile(power, df) : rb_norm_quantile(power);
	return expm1(log1p(noise) + (za + zb) * se);
}
