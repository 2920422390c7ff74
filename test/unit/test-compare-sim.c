// SPDX-License-Identifier: GPL-2.0
/*
 * compare by simulation: the series' rebind times as a lognormal model
 * (244.28 ms, CV 2%, 3.5% slow outliers 3-8% slower, the kernel line's
 * 4 ms jiffies, boot-to-boot spread), seeded so every run draws the same
 * numbers. Asserts the properties the statistics claim: calibrated A/A
 * false alarms, power at -3%, no verdict beyond what the caveat allows,
 * interval coverage at the confidence stated, and a minimum detectable
 * change that matches the simulated one.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare.h"
#include "unit.h"

#define MEAN_NS 244.28e6
#define CV 0.02
#define P_OUTLIER 0.035
#define JIFFY_MS 4.0
#define MAXN 64

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
	/* xorshift64*: fixed seed, the same sequence on every machine */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * 2685821657736338717ull) >> 11) * 0x1.0p-53;
}

static double gauss(void)
{
	double u = uniform(), v = uniform();

	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

/* One boot's rebinds, ns; @boot is the boot's own log offset. */
static void draw(double *x, size_t n, double ratio, double boot)
{
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = MEAN_NS * ratio * exp(boot + CV * gauss());
		if (uniform() < P_OUTLIER)
			x[i] *= 1.03 + 0.05 * uniform();
	}
}

/* The kernel line: jiffies_to_msecs() of the same binds. */
static void jiffies(const double *ns, double *ms, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		ms[i] = floor(ns[i] / 1e6 / JIFFY_MS) * JIFFY_MS;
}

static int cmp_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const struct rb_compare_opts strict = {
	.alpha = 0.05, .noise = 0, .confidence = 0.95,
};

static bool detected(const struct rb_source_cmp *s)
{
	return s->verdict == RB_VERDICT_IMPROVED ||
	       s->verdict == RB_VERDICT_REGRESSED;
}

/* Fraction of @reps pairs of @n a side with a verdict beyond no_change. */
static double rate(size_t n, double ratio, double boot_sd, bool quantised,
		   bool with_aa, size_t reps)
{
	double x[MAXN], y[MAXN], a[MAXN], jx[MAXN], jy[MAXN], ja[MAXN];
	struct rb_source_cmp s;
	size_t r, hits = 0;

	for (r = 0; r < reps; r++) {
		draw(x, n, 1, boot_sd * gauss());
		draw(y, n, ratio, boot_sd * gauss());
		draw(a, n, 1, boot_sd * gauss());
		if (quantised) {
			jiffies(x, jx, n);
			jiffies(y, jy, n);
			jiffies(a, ja, n);
		}
		if (rb_compare_samples(quantised ? jx : x, n,
				       quantised ? jy : y, n,
				       with_aa ? (quantised ? ja : a) : NULL,
				       n, quantised ? JIFFY_MS : 0, &strict,
				       &s))
			return NAN;
		hits += detected(&s);
	}
	return (double)hits / (double)reps;
}

/* At most alpha, give or take two standard errors of @reps draws. */
static bool at_most_alpha(double r, size_t reps)
{
	return r <= 0.05 + 2 * sqrt(0.05 * 0.95 / (double)reps);
}

static void test_false_alarms(void)
{
	double ns = rate(30, 1, 0, false, false, 5000);
	double ms = rate(30, 1, 0, true, false, 5000);
	double confounded = rate(30, 1, 0.025, false, false, 1000);
	double aa = rate(30, 1, 0.025, false, true, 5000);

	CHECK(at_most_alpha(ns, 5000),
	      "A/A within a boot, memmap_ns: %.2f%% false alarms", 100 * ns);
	CHECK(at_most_alpha(ms, 5000),
	      "A/A within a boot, memmap_ms: %.2f%% false alarms", 100 * ms);
	/* the confound the caveat names: the kernel is the boot */
	CHECK(confounded > 0.2,
	      "1 boot per kernel, 2.5%% boot spread, no --aa: %.1f%% alarms",
	      100 * confounded);
	CHECK(at_most_alpha(aa, 5000),
	      "1 boot per kernel with --aa: %.2f%% false alarms", 100 * aa);
}

static void test_power(void)
{
	double ns = rate(30, 0.97, 0, false, false, 1000);
	double ms = rate(30, 0.97, 0, true, false, 1000);

	CHECK(ns >= 0.8, "power at -3%%, n = 30, memmap_ns: %.1f%%", 100 * ns);
	CHECK(ms >= ns - 0.1,
	      "jiffy source within 10 points: %.1f%% vs %.1f%%", 100 * ms,
	      100 * ns);
	/* where power is not saturated: -1.5% */
	ns = rate(30, 0.985, 0, false, false, 1000);
	ms = rate(30, 0.985, 0, true, false, 1000);
	CHECK(ms >= ns - 0.1 && ns > 0.3 && ns < 0.98,
	      "at -1.5%%: jiffy source %.1f%% vs probe %.1f%%", 100 * ms,
	      100 * ns);
}

/* With 2 or 3 units a side the caveat says only no_change is possible. */
static void test_capped(void)
{
	double x[3], y[3];
	struct rb_source_cmp s;
	size_t n, r, beyond = 0, capped = 0;

	for (n = 2; n <= 3; n++)
		for (r = 0; r < 500; r++) {
			draw(x, n, 1, 0);
			draw(y, n, 0.5, 0);
			if (rb_compare_samples(x, n, y, n, NULL, 0, 0, &strict,
					       &s))
				continue;
			capped += s.capped && isnan(s.mdc);
			beyond += s.verdict != RB_VERDICT_NO_CHANGE;
		}
	CHECK(capped == 1000 && beyond == 0,
	      "2 and 3 units, -50%%: capped %zu/1000, beyond no_change %zu",
	      capped, beyond);
}

static void test_coverage(void)
{
	static const size_t sizes[] = { 2, 3, 4, 30 };
	double x[MAXN], y[MAXN], stated = 0;
	struct rb_ratio_ci ci;
	size_t k, r, in, reps;

	for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		reps = sizes[k] < 10 ? 4000 : 2000;
		for (r = in = 0; r < reps; r++) {
			draw(x, sizes[k], 1, 0);
			draw(y, sizes[k], 0.97, 0);
			if (rb_hodges_lehmann_ratio(x, sizes[k], y, sizes[k],
						    0.95, &ci))
				break;
			stated = ci.conf;
			in += ci.lo <= 0.97 && 0.97 <= ci.hi;
		}
		CHECK(fabs((double)in / (double)reps - stated) <= 0.02,
		      "Hodges-Lehmann at %zu a side: covers %.1f%%, states %.1f%%",
		      sizes[k], 100.0 * (double)in / (double)reps,
		      100 * stated);
	}
}

/* Stated minimum detectable change against the simulated power curve. */
static void test_mdc(void)
{
	double x[30], y[30], mdc[200], prev_d = 0, prev_p = 0, sim = NAN;
	struct rb_source_cmp s;
	size_t r, nr = 0;
	double d, p;

	for (r = 0; r < 200; r++) {
		draw(x, 30, 1, 0);
		draw(y, 30, 1, 0);
		if (!rb_compare_samples(x, 30, y, 30, NULL, 0, 0, &strict,
					&s) && !isnan(s.mdc))
			mdc[nr++] = s.mdc;
	}
	qsort(mdc, nr, sizeof(*mdc), cmp_doubles);
	for (d = 0.001; d < 0.05 && isnan(sim); d += 0.001) {
		p = rate(30, 1 - d, 0, false, false, 400);
		if (p >= RB_POWER)
			sim = prev_d + (d - prev_d) * (RB_POWER - prev_p) /
					       (p - prev_p);
		prev_d = d;
		prev_p = p;
	}
	CHECK(nr == 200 && fabs(mdc[nr / 2] - sim) <= 0.25 * sim,
	      "minimum detectable change: stated %.2f%%, simulated %.2f%%",
	      100 * mdc[nr / 2], 100 * sim);
}

int main(void)
{
	test_false_alarms();
	test_power();
	test_capped();
	test_coverage();
	test_mdc();
	return unit_done();
}
