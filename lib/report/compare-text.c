// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-text.h"
#include "report/histogram.h"

const struct rb_source_cmp *rb_cmp_primary(const struct rb_pair *p)
{
	return p->primary >= 0 ? &p->src[p->primary] : NULL;
}

const struct rb_cold_cmp *rb_cmp_cold_of(const struct rb_pair *p,
					 const struct rb_source_cmp *s)
{
	size_t i;

	for (i = 0; i < p->nr_cold; i++)
		if (p->cold[i].desc == s->desc)
			return &p->cold[i];
	return NULL;
}

const char *rb_cmp_source_what(const struct rb_source_desc *d)
{
	switch (d->bit) {
	case RB_SRC_MEMMAP_NS:
		return "memmap_init_zone_device() time, kprobe pair";
	case RB_SRC_MEMMAP_MS:
		return "memmap_init_zone_device() time, kernel line (jiffies)";
	case RB_SRC_BIND_NS:
		return "wall-clock time of the driver bind";
	case RB_SRC_UNBIND_NS:
		return "wall-clock time of the driver unbind";
	}
	return d->key;
}

const struct rb_ratio_ci *rb_cmp_change_ci(const struct rb_source_cmp *s,
					   const char **name)
{
	if (s->has_fieller && s->fieller.bounded) {
		*name = "Fieller";
		return &s->fieller;
	}
	if (s->has_welch_log) {
		*name = "Welch on logs";
		return &s->welch_log.ratio;
	}
	return NULL;
}

void rb_cmp_fmt_p(char *buf, size_t len, double p)
{
	if (p < 1e-4)
		snprintf(buf, len, "%.1e", p);
	else
		snprintf(buf, len, "%.4f", p);
}

void rb_cmp_power_text(const struct rb_comparison *c,
		       const struct rb_source_cmp *s, char *buf, size_t len)
{
	int n;

	if (isnan(s->mdc))
		n = snprintf(buf, len, "With %zu/%zu units no change is detectable.",
			     s->base.st.n, s->newer.st.n);
	else
		n = snprintf(buf, len, "The smallest change these %zu/%zu %s can show with %.0f%% power (alpha %g, noise threshold %.1f%%) is %.1f%%.",
			     s->base.st.n, s->newer.st.n,
			     s->base.nr_boots == s->base.st.n ? "boots" :
								"iterations",
			     100 * RB_POWER, c->opts.alpha,
			     100 * c->opts.noise, 100 * s->mdc);
	if (n > 0 && (size_t)n < len && s->boots_needed)
		snprintf(buf + n, len - (size_t)n, " %u boots per kernel would detect a %.0f%% change.",
			 s->boots_needed, 100 * RB_DETECT_CHANGE);
}

char *rb_cmp_mismatch_text(const struct rb_mismatch *m)
{
	char *s;

	if (asprintf(&s, "mismatch: %s%s%s: base %s, new %s: %s",
		     m->config ? m->config : "", m->config ? ": " : "",
		     m->field, m->base ? m->base : "(none)",
		     m->newer ? m->newer : "(none)", m->action) < 0)
		return NULL;
	return s;
}

/* Every steady iteration of one side, in us (ms for the kernel line). */
static void side_histogram(FILE *f, const char *name, const double *raw,
			   size_t n, const struct rb_source_cmp *s)
{
	bool ms = strcmp(s->desc->unit, "ns");
	uint64_t *v = calloc(n + 1, sizeof(*v));
	size_t i;

	if (!v)
		return;
	for (i = 0; i < n; i++)
		v[i] = raw[i] > 0 ? (uint64_t)(ms ? raw[i] : raw[i] / 1000) :
				    0;
	fprintf(f, "\n  %s, %s: %zu steady-state binds\n", s->desc->key, name,
		n);
	rb_hist_show(f, v, n, ms ? "msecs" : "usecs");
	free(v);
}

void rb_cmp_print_histograms(FILE *f, const struct rb_source_cmp *s)
{
	side_histogram(f, "base", s->base_raw, s->base.nr_iterations, s);
	side_histogram(f, "new", s->new_raw, s->newer.nr_iterations, s);
}
