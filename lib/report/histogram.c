// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report/histogram.h"

#define HIST_STARS 40

size_t rb_hist_bucket(uint64_t v, unsigned int sub_bits)
{
	uint64_t S = 1ull << sub_bits;
	unsigned int e;

	if (v < S)
		return (size_t)v;
	e = 63 - (unsigned int)__builtin_clzll(v);
	return (size_t)(S + (e - sub_bits) * S + ((v >> (e - sub_bits)) - S));
}

uint64_t rb_hist_low(size_t bucket, unsigned int sub_bits)
{
	uint64_t S = 1ull << sub_bits, b = bucket;

	if (b < S)
		return b;
	return (S + (b - S) % S) << ((b - S) / S);
}

uint64_t rb_hist_high(size_t bucket, unsigned int sub_bits)
{
	uint64_t S = 1ull << sub_bits, b = bucket, sh;

	if (b < S)
		return b;
	sh = (b - S) / S;
	/* the last bucket of 2^63 ends at the top of uint64 */
	if (sh == 63 - sub_bits && (b - S) % S == S - 1)
		return ~0ull;
	return ((S + (b - S) % S + 1) << sh) - 1;
}

static void span(const uint64_t *v, size_t n, unsigned int sub_bits,
		 size_t *first, size_t *last)
{
	size_t i, b;

	*first = SIZE_MAX;
	*last = 0;
	for (i = 0; i < n; i++) {
		b = rb_hist_bucket(v[i], sub_bits);
		if (b < *first)
			*first = b;
		if (b > *last)
			*last = b;
	}
}

int rb_hist_build(struct rb_hist *h, const uint64_t *v, size_t n,
		  size_t rows)
{
	unsigned int sb = RB_HIST_MAX_SUB_BITS;
	size_t i;

	memset(h, 0, sizeof(*h));
	/* finest resolution that fits in @rows */
	for (; n && sb > RB_HIST_MIN_SUB_BITS; sb--) {
		span(v, n, sb, &h->first, &h->last);
		if (h->last - h->first + 1 <= rows)
			break;
	}
	h->sub_bits = sb;
	h->nr = (size_t)(1u << sb) * (65 - sb);
	h->counts = calloc(h->nr, sizeof(*h->counts));
	if (!h->counts)
		return -ENOMEM;
	h->first = 1;
	h->last = 0;
	for (i = 0; i < n; i++) {
		size_t b = rb_hist_bucket(v[i], sb);

		h->counts[b]++;
		if (!h->total || b < h->first)
			h->first = b;
		if (!h->total || b > h->last)
			h->last = b;
		h->total++;
	}
	return 0;
}

void rb_hist_free(struct rb_hist *h)
{
	free(h->counts);
	memset(h, 0, sizeof(*h));
}

void rb_hist_print(FILE *f, const struct rb_hist *h, const char *unit)
{
	static const char bar[HIST_STARS + 1] =
		"****************************************";
	unsigned int max = 0;
	int width = 10;
	size_t i;

	if (!h->total)
		return;
	for (i = h->first; i <= h->last; i++)
		if (h->counts[i] > max)
			max = h->counts[i];
	/* as funclatency: wider numbers past 2^32 */
	if (rb_hist_high(h->last, h->sub_bits) > 0xffffffffull)
		width = 20;
	fprintf(f, "  %*s%-*s : count    distribution\n", width - 5, "",
		width + 9, unit);
	for (i = h->first; i <= h->last; i++) {
		int stars = (int)((unsigned long long)h->counts[i] *
				  HIST_STARS / max);

		fprintf(f, "  %*llu -> %-*llu : %-8u |%s%*s|\n", width,
			(unsigned long long)rb_hist_low(i, h->sub_bits), width,
			(unsigned long long)rb_hist_high(i, h->sub_bits),
			h->counts[i], &bar[HIST_STARS - stars],
			HIST_STARS - stars, "");
	}
}

int rb_hist_show(FILE *f, const uint64_t *v, size_t n, const char *unit)
{
	struct rb_hist h;
	int rc = rb_hist_build(&h, v, n, RB_HIST_ROWS);

	if (!rc)
		rb_hist_print(f, &h, unit);
	rb_hist_free(&h);
	return rc;
}
