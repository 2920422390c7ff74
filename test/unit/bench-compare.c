// SPDX-License-Identifier: GPL-2.0
/*
 * bench-compare N [SEED]: the statistics compare computes for one timing
 * source (Mann-Whitney, Hodges-Lehmann with its interval, Fieller, Welch
 * on logs, trimmed means, verdict, minimum detectable change) on N
 * lognormal rebind times a side. Prints "N seconds peak-KiB input-KiB".
 * scripts/bench-compare.sh runs it for N = 10^3 .. 10^6.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>
#include "report/compare.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static double gauss(void)
{
	double u, v;

	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	u = (double)((rng * 2685821657736338717ull) >> 11) * 0x1.0p-53;
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	v = (double)((rng * 2685821657736338717ull) >> 11) * 0x1.0p-53;
	return sqrt(-2 * log(u > 0 ? u : 1e-300)) * cos(2 * M_PI * v);
}

int main(int argc, char **argv)
{
	struct rb_compare_opts o = { .alpha = 0.05, .noise = 0.02 };
	size_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000, i;
	double *x = malloc(n * sizeof(*x)), *y = malloc(n * sizeof(*y));
	struct timespec t0, t1;
	struct rb_source_cmp s;
	struct rusage ru;

	if (argc > 2)
		rng = strtoull(argv[2], NULL, 10) | 1;
	if (!n || !x || !y)
		return 1;
	for (i = 0; i < n; i++) {
		x[i] = 244.28e6 * exp(0.02 * gauss());
		y[i] = 0.97 * 244.28e6 * exp(0.02 * gauss());
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	if (rb_compare_samples(x, n, y, n, NULL, 0, 0, &o, &s))
		return 1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	getrusage(RUSAGE_SELF, &ru);
	printf("%zu %.3f %ld %zu %s %.4f [%.4f, %.4f]\n", n,
	       (double)(t1.tv_sec - t0.tv_sec) +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	       ru.ru_maxrss, 2 * n * sizeof(double) / 1024,
	       rb_verdict_key(s.verdict), s.hl.est, s.hl.lo, s.hl.hi);
	free(x);
	free(y);
	return s.has_hl ? 0 : 1;
}
