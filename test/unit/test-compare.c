// SPDX-License-Identifier: GPL-2.0
/*
 * compare: two-sample statistics against values computed independently with
 * /usr/bin/python3, scipy 1.10.1 and numpy 1.24.2 (the expressions are given
 * next to each value), then pairing, verdicts and output on the
 * test/fixtures/compare-*.json documents.
 *
 * The upstream fixtures hold 30 steady rebinds per kernel whose memmap_ns
 * means are exactly 244.28 ms and 96.79 ms (the v5 cover letter's
 * "average of subsequent rebinds" for nd_pmem), built as lognormal jitter
 * (CV 1.2%) with two +3..8% delays each, the residual spread so the sum is
 * exact; first binds 1456 and 1272 ms. compare-aa.json is the base kernel
 * again (other seed), compare-mismatch.json a devdax align=4K
 * configuration on another CPU, compare-hz1000.json a HZ=1000 kernel,
 * compare-import-live.json a live run on the 257536-page namespace of
 * import-fsdax-31.dmesg.log, which the test imports with the real command.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "report/compare.h"
#include "util/exit-codes.h"
#include "util/log.h"
#include "report/svg-plot.h"
#include "unit.h"

static void check_near(double got, double want, double tol, const char *what)
{
	double scale = fabs(want) > 1 ? fabs(want) : 1;

	if (!CHECK(fabs(got - want) <= tol * scale, "%s", what))
		printf("# got %.17g, want %.17g\n", got, want);
}

/* x: base, y: new; distinct values, both samples of 8 or more. */
static const double kx[] = { 101.2, 99.8, 100.5, 103.9, 98.7, 100.1, 102.3,
			     99.5, 100.9 };
static const double ky[] = { 98.1, 99.0, 97.6, 100.2, 96.9, 98.8, 101.5,
			     97.3, 98.4, 99.7, 112.0 };
#define NX (sizeof(kx) / sizeof(kx[0]))
#define NY (sizeof(ky) / sizeof(ky[0]))

static void test_mwu(void)
{
	static const double a[] = { 5.1, 4.9, 5.6, 5.3, 5.0 };
	static const double b[] = { 5.2, 5.8, 6.1, 5.5, 5.9, 6.3 };
	/* jiffy-quantised (HZ=250) values: many ties */
	static const double q1[] = { 244, 248, 244, 240, 244, 248, 244,
				     244, 252, 244, 240, 244, 248, 244 };
	static const double q2[] = { 240, 244, 240, 240, 236, 244, 240,
				     240, 244, 240, 236, 240, 244, 240 };
	static const double same[] = { 4, 4, 4 };
	struct rb_mwu r;

	/* scipy.stats.mannwhitneyu(kx, ky, alternative='two-sided'):
	 * statistic=75.0, pvalue=0.057519400395638395 (asymptotic) */
	CHECK(rb_mwu_test(kx, NX, ky, NY, &r) == 0, "mwu runs");
	check_near(r.u, 75.0, 0, "mwu U of base");
	check_near(r.p, 0.057519400395638395, 1e-12, "mwu p, normal approx");
	CHECK(!r.exact && r.tied_values == 0, "mwu: no ties, asymptotic");

	/* mannwhitneyu(a, b): statistic=3.0, pvalue=0.030303030303030304,
	 * exact because min(m, n) < 8 and there are no ties */
	CHECK(rb_mwu_test(a, 5, b, 6, &r) == 0, "mwu small runs");
	CHECK(r.exact, "mwu small is exact");
	check_near(r.u, 3.0, 0, "mwu small U");
	check_near(r.p, 0.030303030303030304, 1e-14, "mwu exact p");

	/* mannwhitneyu(q1, q2): statistic=164.0, pvalue=0.001295423804502882
	 * (tie-corrected variance, continuity correction) */
	CHECK(rb_mwu_test(q1, 14, q2, 14, &r) == 0, "mwu ties runs");
	/* 236 x2, 240 x11, 244 x11, 248 x3; 252 alone */
	CHECK(!r.exact && r.tied_values == 27, "mwu ties: 27 tied values");
	check_near(r.u, 164.0, 0, "mwu ties U");
	check_near(r.p, 0.001295423804502882, 1e-12, "mwu tie-corrected p");

	CHECK(rb_mwu_test(same, 3, same, 3, &r) == 0 && r.p == 1,
	      "mwu of identical constant samples is p = 1");
	CHECK(rb_mwu_test(same, 0, same, 3, &r) == -EINVAL, "mwu n=0");
}

static void test_ratio_cis(void)
{
	static const double zero[] = { 0, 4, 4 };
	struct rb_ratio_ci r;
	struct rb_welch_log w;

	/*
	 * Hodges-Lehmann on logs, Moses CI: d = sorted(log y_j - log x_i),
	 * exp(np.median(d)); k = floor(N/2 - norm.ppf(0.975) *
	 * sqrt(N(m+n+1)/12) + 0.5) = 24; CI exp(d[k-1]), exp(d[N-k]).
	 */
	CHECK(rb_hodges_lehmann_ratio(kx, NX, ky, NY, 0.95, &r) == 0, "hl");
	check_near(r.est, 0.9829659318637277, 1e-13, "hl estimate");
	check_near(r.lo, 0.9680319680319684, 1e-13, "hl ci lo (96.9/100.1)");
	check_near(r.hi, 1.000999000999001, 1e-13, "hl ci hi (100.2/100.1)");

	/*
	 * Fieller, Welch df at R = mean(y)/mean(x): vx, vy variances of the
	 * means, df = (R^2 vx + vy)^2 / ((R^2 vx)^2/(m-1) + vy^2/(n-1)),
	 * t = t.ppf(0.975, df), roots of (mx^2 - t^2 vx) R^2 - 2 mx my R +
	 * (my^2 - t^2 vy). (t.ppf is good to ~5e-11, hence 1e-9.)
	 */
	CHECK(rb_fieller_ratio(kx, NX, ky, NY, 0.95, &r) == 0, "fieller");
	check_near(r.est, 0.9919405767900641, 1e-13, "fieller estimate");
	check_near(r.df, 13.1552850547821, 1e-10, "fieller welch df");
	check_near(r.lo, 0.9626707458671565, 1e-9, "fieller ci lo");
	check_near(r.hi, 1.0214593416556648, 1e-9, "fieller ci hi");
	CHECK(r.bounded, "fieller bounded");

	/* scipy.stats.ttest_ind(log(ky), log(kx), equal_var=False):
	 * t=-0.6620495958883077, p=0.5191750014669878; CI exp(d -+
	 * t.ppf(0.975, df) se) */
	CHECK(rb_welch_log_test(kx, NX, ky, NY, 0.95, &w) == 0, "welch log");
	check_near(w.t, -0.6620495958883077, 1e-12, "welch log t");
	check_near(w.p, 0.5191750014669878, 1e-12, "welch log p");
	check_near(w.df, 13.386182573586552, 1e-10, "welch log df");
	check_near(w.ratio.est, 0.9912914600071552, 1e-13,
		   "ratio of geometric means");
	check_near(w.ratio.lo, 0.9634786442814418, 1e-9, "welch log ci lo");
	check_near(w.ratio.hi, 1.0199071505274306, 1e-9, "welch log ci hi");

	CHECK(rb_welch_log_test(zero, 3, kx, NX, 0.95, &w) == -EDOM &&
	      rb_hodges_lehmann_ratio(zero, 3, kx, NX, 0.95, &r) == -EDOM,
	      "no logs of zero");
	CHECK(rb_fieller_ratio(zero, 3, kx, NX, 0.95, &r) == 0,
	      "fieller takes a zero value");
}

/* Documents loaded from fixtures, one per boot. */
struct loaded {
	struct rb_document *docs[4];
	const char *paths[4];
	char names[4][512];
	struct rb_side side;
};

static bool load(struct loaded *l, const char *a, const char *b)
{
	const char *dir = getenv("RB_FIXTURES");
	const char *names[2] = { a, b };
	char err[512];
	int i;

	memset(l, 0, sizeof(*l));
	for (i = 0; i < 2 && names[i]; i++) {
		snprintf(l->names[i], sizeof(l->names[i]), "%s/%s",
			 dir ? dir : "test/fixtures", names[i]);
		l->paths[i] = l->names[i];
		l->docs[i] = rb_document_load(l->names[i], err, sizeof(err));
		if (!CHECK(l->docs[i], "load %s", names[i])) {
			printf("# %s\n", err);
			return false;
		}
		l->side.nr++;
	}
	l->side.docs = l->docs;
	l->side.paths = l->paths;
	return true;
}

static void unload(struct loaded *l)
{
	size_t i;

	for (i = 0; i < l->side.nr; i++)
		rb_document_free(l->docs[i]);
}

static const struct rb_compare_opts defaults = { .alpha = 0.05,
						 .noise = 0.02 };

static const struct rb_source_cmp *find_src(const struct rb_pair *p,
					    const char *key)
{
	size_t i;

	for (i = 0; i < p->nr_src; i++)
		if (!strcmp(p->src[i].desc->key, key))
			return &p->src[i];
	return NULL;
}

static char *print_to_string(const struct rb_comparison *c,
			     enum rb_compare_format fmt)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	rb_comparison_print(c, fmt, f);
	fclose(f);
	return buf;
}

static size_t longest_line(const char *s)
{
	size_t max = 0, n;

	while (*s) {
		n = strcspn(s, "\n");
		if (n > max)
			max = n;
		s += n + (s[n] == '\n');
	}
	return max;
}

static void test_upstream(void)
{
	struct loaded b, n;
	struct rb_comparison c;
	const struct rb_source_cmp *s;
	const struct rb_pair *p;
	char *text;

	if (!load(&b, "compare-upstream-base.json", NULL) ||
	    !load(&n, "compare-upstream-new.json", NULL))
		return;
	CHECK(rb_compare(&b.side, &n.side, &defaults, &c) == 0, "compare");
	CHECK(c.nr_pairs == 1 && c.nr_mismatches == 0, "one pair, no mismatch");
	p = &c.pairs[0];
	CHECK(p->primary >= 0 && !strcmp(p->src[p->primary].desc->key,
					  "memmap_ns"),
	      "the probe source is primary");
	CHECK(!p->by_boot, "1 boot per side: iterations are the unit");
	CHECK(c.nr_caveats >= 1 && strstr(c.caveats[c.nr_caveats - 1],
					  "1 boot per side"),
	      "1 boot per side caveat");
	s = &p->src[p->primary];
	CHECK(s->base.st.n == 30 && s->cand.st.n == 30, "n = 30/30");
	check_near(s->base.st.mean, 244.28e6, 1e-15, "base mean 244.28 ms");
	check_near(s->cand.st.mean, 96.79e6, 1e-15, "new mean 96.79 ms");
	check_near(s->change_mean, 96.79 / 244.28 - 1, 1e-13,
		   "change of the mean");
	CHECK(s->verdict == RB_VERDICT_IMPROVED, "upstream numbers: improved");
	CHECK(s->fieller.lo < 1 + s->change_mean &&
	      1 + s->change_mean < s->fieller.hi, "fieller CI holds the ratio");
	/* scipy.stats.mannwhitneyu(base memmap_ns, new memmap_ns)
	 * .pvalue = 3.019859359162157e-11 (complete separation) */
	check_near(s->mwu.p, 3.019859359162157e-11, 1e-9, "p of separation");
	CHECK(p->nr_cold == 3 && p->cold[0].base == 1456e6 &&
	      p->cold[0].cand == 1272e6, "first binds compared apart");

	s = find_src(p, "memmap_ms");
	CHECK(s && s->quantised && !s->hl_meaningful &&
	      s->verdict_ci && !strcmp(s->verdict_ci, "fieller"),
	      "jiffy source: Hodges-Lehmann marked, Fieller decides");
	s = find_src(p, "unbind_ns");
	CHECK(s && s->verdict == RB_VERDICT_NO_CHANGE,
	      "unbind did not change: no_change");

	text = print_to_string(&c, RB_CMP_COMMIT);
	CHECK(text && strstr(text, "This reduces the average rebind time by about 60.4%"),
	      "commit: \"reduces the average rebind time by about 60.4%%\"");
	CHECK(text && strstr(text, "First binding:") &&
	      strstr(text, "Average of subsequent rebinds:") &&
	      strstr(text, "244.28 ms") && strstr(text, "96.79 ms"),
	      "commit: the upstream series' words and numbers");
	CHECK(text && strstr(text, "95% CI") && strstr(text, "p = 3.0e-11"),
	      "commit: CI and p-value");
	CHECK(text && longest_line(text) <= 75, "commit: at most 75 columns (%zu)",
	      text ? longest_line(text) : 0);
	free(text);

	text = print_to_string(&c, RB_CMP_MARKDOWN);
	CHECK(text && strstr(text, "| `memmap_ns` |") &&
	      strstr(text, "| improved |"), "markdown row");
	free(text);
	text = print_to_string(&c, RB_CMP_HUMAN);
	CHECK(text && strstr(text, "Performance has improved."),
	      "human verdict sentence");
	free(text);
	rb_comparison_free(&c);

	/* swapped: the same data is a regression */
	CHECK(rb_compare(&n.side, &b.side, &defaults, &c) == 0 &&
	      c.nr_pairs == 1 && c.any_regressed &&
	      c.pairs[0].src[c.pairs[0].primary].verdict ==
		      RB_VERDICT_REGRESSED, "swapped sides: regressed");
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

static void test_json_and_plot(void)
{
	struct json_object *o, *cmp, *v;
	struct rb_comparison c;
	struct loaded b, n;
	char *svg = NULL;
	const char *s;
	size_t len, dots = 0;
	FILE *f;

	if (!load(&b, "compare-upstream-base.json", NULL) ||
	    !load(&n, "compare-upstream-new.json", NULL))
		return;
	rb_compare(&b.side, &n.side, &defaults, &c);
	o = rb_comparison_to_json(&c);
	CHECK(o && json_object_object_get_ex(o, "comparisons", &cmp) &&
	      json_object_array_length(cmp) == 1, "json comparisons");
	v = json_object_array_get_idx(cmp, 0);
	CHECK(json_object_object_get_ex(v, "verdict", &v) &&
	      !strcmp(json_object_get_string(v), "improved"), "json verdict");
	CHECK(json_object_object_get_ex(o, "regressed", &v) &&
	      !json_object_get_boolean(v), "json regressed false");
	json_object_put(o);

	f = open_memstream(&svg, &len);
	CHECK(f && rb_svg_plot(&c, f) == 0, "svg written");
	if (f)
		fclose(f);
	for (s = svg; s && (s = strstr(s, "<circle")); s++)
		dots++;
	/* 30 + 30 rebinds and the two legend markers */
	CHECK(dots == 62, "svg: one dot per rebind (%zu)", dots);
	CHECK(svg && strstr(svg, "<svg") && strstr(svg, "</svg>\n") &&
	      !strstr(svg, "href") && !strstr(svg, "<image") &&
	      !strstr(svg, "@import"), "svg self-contained");
	CHECK(svg && strstr(svg, "memmap_ns (ms)") && strstr(svg, ">mean<"),
	      "svg axis label and legend");
	free(svg);
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

static void test_aa(void)
{
	struct loaded b, n;
	struct rb_comparison c;
	size_t i;
	bool all = true;

	if (!load(&b, "compare-upstream-base.json", NULL) ||
	    !load(&n, "compare-aa.json", NULL))
		return;
	CHECK(rb_compare(&b.side, &n.side, &defaults, &c) == 0 &&
	      c.nr_pairs == 1, "A/A pairs");
	for (i = 0; i < c.pairs[0].nr_src; i++)
		all = all && c.pairs[0].src[i].verdict == RB_VERDICT_NO_CHANGE;
	CHECK(c.pairs[0].nr_src == 4 && all, "A/A: no_change on every source");
	CHECK(!c.any_regressed, "A/A: nothing regressed");
	rb_comparison_free(&c);

	/* the very same file on both sides */
	CHECK(rb_compare(&b.side, &b.side, &defaults, &c) == 0 &&
	      c.pairs[0].src[0].mwu.p == 1 &&
	      c.pairs[0].src[0].verdict == RB_VERDICT_NO_CHANGE &&
	      c.pairs[0].src[0].change_mean == 0, "same file: p = 1");
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

static bool has_mismatch(const struct rb_comparison *c, const char *field)
{
	size_t i;

	for (i = 0; i < c->nr_mismatches; i++)
		if (!strcmp(c->mismatches[i].field, field))
			return true;
	return false;
}

static bool has_fp_diff(const struct rb_comparison *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nr_fp_diffs; i++)
		if (!strcmp(c->fp_diffs[i].key, key))
			return true;
	return false;
}

static void test_mismatch(void)
{
	struct loaded b, n;
	struct rb_comparison c;
	char *line;

	if (!load(&b, "compare-upstream-base.json", NULL) ||
	    !load(&n, "compare-mismatch.json", NULL))
		return;
	CHECK(rb_compare(&b.side, &n.side, &defaults, &c) == 0, "compare");
	CHECK(c.nr_pairs == 0, "mismatched geometry is not paired");
	CHECK(c.nr_mismatches == 4 && has_mismatch(&c, "mode") &&
	      has_mismatch(&c, "map") && has_mismatch(&c, "align") &&
	      has_mismatch(&c, "nr_pages") && !has_mismatch(&c, "size"),
	      "every differing field reported, equal ones not");
	CHECK(has_fp_diff(&c, "cpu_model") &&
	      !has_fp_diff(&c, "kernel_release"),
	      "other CPU flagged, kernel version not");
	line = rb_comparison_mismatch_line(&c);
	CHECK(line && strstr(line, "align 2097152 vs 4096") &&
	      !strchr(line, '\n'), "one error line names the mismatches");
	free(line);
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);

	/* other HZ: paired, but the jiffy source is not compared */
	if (!load(&b, "compare-upstream-new.json", NULL) ||
	    !load(&n, "compare-hz1000.json", NULL))
		return;
	CHECK(rb_compare(&b.side, &n.side, &defaults, &c) == 0 &&
	      c.nr_pairs == 1, "HZ 250 vs 1000 pairs");
	CHECK(has_mismatch(&c, "hz") && !find_src(&c.pairs[0], "memmap_ms") &&
	      find_src(&c.pairs[0], "memmap_ns"),
	      "memmap_ms not compared across HZ, memmap_ns is");
	CHECK(has_fp_diff(&c, "cmdline") && has_fp_diff(&c, "config.CONFIG_HZ"),
	      "cmdline and config differences flagged");
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

static void test_boots(void)
{
	struct loaded b, n;
	struct rb_comparison c;
	const struct rb_pair *p;
	size_t i;
	bool caveat = false;

	if (!load(&b, "compare-upstream-base.json",
		  "compare-upstream-base-boot2.json") ||
	    !load(&n, "compare-upstream-new.json",
		  "compare-upstream-new-boot2.json"))
		return;
	CHECK(rb_compare(&b.side, &n.side, &defaults, &c) == 0 &&
	      c.nr_pairs == 1, "2 boots per side pair");
	p = &c.pairs[0];
	CHECK(p->by_boot && p->base_boots == 2 && p->cand_boots == 2,
	      "the boot is the unit");
	CHECK(p->src[p->primary].base.st.n == 2 &&
	      p->src[p->primary].base.nr_iterations == 60,
	      "2 boot means from 60 rebinds");
	/* exact two-sided p of 2 vs 2 completely separated: 2/C(4,2) */
	check_near(p->src[p->primary].mwu.p, 1.0 / 3, 1e-15,
		   "2 vs 2 boots: p = 1/3");
	CHECK(p->src[p->primary].verdict == RB_VERDICT_NO_CHANGE,
	      "2 boots cannot be significant: no_change");
	for (i = 0; i < c.nr_caveats; i++)
		caveat = caveat || strstr(c.caveats[i], "smallest p-value");
	CHECK(caveat, "caveat says why");
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

/*
 * The base run against itself made exactly 1% faster: significant
 * (scipy.stats.mannwhitneyu(x, np.round(x * 0.99)).pvalue =
 * 0.0022657813274275305), yet inside a 2% noise threshold.
 */
static void test_noise_threshold(void)
{
	struct rb_compare_opts tight = { .alpha = 0.05, .noise = 0.001 };
	const struct rb_source_cmp *s;
	struct rb_comparison c;
	struct loaded b, n;
	size_t i;

	if (!load(&b, "compare-upstream-base.json", NULL) ||
	    !load(&n, "compare-upstream-base.json", NULL))
		return;
	for (i = 0; i < n.docs[0]->configs[0].nr_samples; i++) {
		struct rb_sample *x = &n.docs[0]->configs[0].samples[i];

		x->memmap_ns = (uint64_t)llround(x->memmap_ns * 0.99);
	}
	rb_compare(&b.side, &n.side, &defaults, &c);
	s = find_src(&c.pairs[0], "memmap_ns");
	check_near(s->mwu.p, 0.0022657813274275305, 1e-9, "1% faster: p");
	CHECK(s->verdict == RB_VERDICT_WITHIN_NOISE,
	      "1%% faster with a 2%% threshold: within_noise");
	rb_comparison_free(&c);
	rb_compare(&b.side, &n.side, &tight, &c);
	s = find_src(&c.pairs[0], "memmap_ns");
	CHECK(s->verdict == RB_VERDICT_IMPROVED,
	      "1%% faster with a 0.1%% threshold: improved");
	rb_comparison_free(&c);
	unload(&b);
	unload(&n);
}

/* import-fsdax-31.dmesg.log through `import`, against a live run. */
static void test_import(void)
{
	const char *dir = getenv("RB_FIXTURES") ?: "test/fixtures";
	char log[512], out[] = "/tmp/rb-test-import-XXXXXX", err[512];
	const char *argv[] = { "import", "--hz", "250", log, "-o", out, NULL };
	struct rb_comparison c;
	struct loaded n;
	struct rb_document *doc;
	const struct rb_source_cmp *s;
	const char *paths[1] = { out };
	struct rb_side b = { .docs = &doc, .paths = paths, .nr = 1 };
	int fd = mkstemp(out);

	if (fd >= 0)
		close(fd);
	snprintf(log, sizeof(log), "%s/import-fsdax-31.dmesg.log", dir);
	if (!CHECK(rb_cmd_import(RB_PROG_NDCTL, 6, (char **)argv) ==
		   RB_EXIT_OK, "import the captured log"))
		return;
	doc = rb_document_load(out, err, sizeof(err));
	unlink(out);
	if (!CHECK(doc, "load the imported document") ||
	    !load(&n, "compare-import-live.json", NULL)) {
		rb_document_free(doc);
		return;
	}
	CHECK(rb_compare(&b, &n.side, &defaults, &c) == 0 && c.nr_pairs == 1,
	      "import pairs with the live run on nr_pages");
	s = c.nr_pairs ? &c.pairs[0].src[c.pairs[0].primary] : NULL;
	CHECK(s && !strcmp(s->desc->key, "memmap_ms") && c.pairs[0].nr_src == 1,
	      "only the kernel line is common");
	/* scipy.stats.mannwhitneyu(import memmap_ms, live memmap_ms)
	 * .pvalue = 4.7115712646334565e-07 */
	CHECK(s && fabs(s->mwu.p / 4.7115712646334565e-07 - 1) < 1e-9,
	      "import vs live p");
	CHECK(s && s->verdict == RB_VERDICT_IMPROVED, "import vs live improved");
	CHECK(has_mismatch(&c, "sources") && has_mismatch(&c, "configuration"),
	      "probe sources and the cold-only configuration reported");
	CHECK(c.nr_caveats >= 3, "unverified geometry and machine caveats");
	rb_comparison_free(&c);
	rb_document_free(doc);
	unload(&n);
}

/* Run the subcommand with stdout discarded; returns its exit status. */
static int run(int argc, const char **argv)
{
	int saved = dup(STDOUT_FILENO), null = open("/dev/null", O_WRONLY);
	int rc;

	fflush(stdout);
	dup2(null, STDOUT_FILENO);
	rc = rb_cmd_compare(RB_PROG_NDCTL, argc, (char **)argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	close(null);
	return rc;
}

static void test_cli(void)
{
	const char *dir = getenv("RB_FIXTURES") ?: "test/fixtures";
	char base[512], cand[512], garbage[512], v2[512], mm[512], b2[512];
	char n2[512], plot[] = "/tmp/rb-test-plot-XXXXXX";
	int fd;

	snprintf(base, sizeof(base), "%s/compare-upstream-base.json", dir);
	snprintf(cand, sizeof(cand), "%s/compare-upstream-new.json", dir);
	snprintf(b2, sizeof(b2), "%s/compare-upstream-base-boot2.json", dir);
	snprintf(n2, sizeof(n2), "%s/compare-upstream-new-boot2.json", dir);
	snprintf(garbage, sizeof(garbage), "%s/compare-garbage.json", dir);
	snprintf(v2, sizeof(v2), "%s/compare-schema-v2.json", dir);
	snprintf(mm, sizeof(mm), "%s/compare-mismatch.json", dir);
	fd = mkstemp(plot);
	if (fd >= 0)
		close(fd);

	{
		const char *a[] = { "compare", base, cand, NULL };
		CHECK(run(3, a) == RB_EXIT_OK, "base new: exit 0");
	}
	{
		const char *a[] = { "compare", "--fail-on-regression", cand,
				    base, NULL };
		CHECK(run(4, a) == RB_EXIT_REGRESSION,
		      "--fail-on-regression on a regression: exit %d",
		      RB_EXIT_REGRESSION);
	}
	{
		const char *a[] = { "compare", "--fail-on-regression", base,
				    cand, NULL };
		CHECK(run(4, a) == RB_EXIT_OK, "improvement: exit 0");
	}
	{
		const char *a[] = { "compare", "--format", "commit", base, b2,
				    "--", cand, n2, NULL };
		CHECK(run(8, a) == RB_EXIT_OK, "base1 base2 -- new1 new2");
	}
	{
		const char *a[] = { "compare", "--plot", plot, base, cand,
				    NULL };
		FILE *f;
		char head[64] = "";

		CHECK(run(5, a) == RB_EXIT_OK, "--plot");
		f = fopen(plot, "r");
		if (f) {
			if (!fgets(head, sizeof(head), f))
				head[0] = 0;
			fclose(f);
		}
		CHECK(!strncmp(head, "<?xml", 5), "--plot wrote an SVG");
		unlink(plot);
	}
	{
		const char *a[] = { "compare", "--format", "commit", "-o", plot,
				    base, cand, NULL };
		char text[4096] = "";
		FILE *f;
		size_t n = 0;

		CHECK(run(7, a) == RB_EXIT_OK, "-o FILE");
		f = fopen(plot, "r");
		if (f) {
			n = fread(text, 1, sizeof(text) - 1, f);
			fclose(f);
		}
		text[n] = 0;
		CHECK(strstr(text, "by about 60.4%"), "-o wrote the report");
		unlink(plot);
	}
	{
		const char *a[] = { "compare", base, garbage, NULL };
		CHECK(run(3, a) == RB_EXIT_USAGE, "garbage: usage exit");
	}
	{
		const char *a[] = { "compare", v2, cand, NULL };
		CHECK(run(3, a) == RB_EXIT_USAGE, "schema_version 2: usage exit");
	}
	{
		const char *a[] = { "compare", base, "/nonexistent/x.json", NULL };
		CHECK(run(3, a) == RB_EXIT_USAGE, "unreadable: usage exit");
	}
	{
		const char *a[] = { "compare", base, mm, NULL };
		CHECK(run(3, a) == RB_EXIT_USAGE,
		      "no common configuration: usage exit");
	}
	{
		const char *a[] = { "compare", "--format", "pdf", base, cand,
				    NULL };
		CHECK(run(5, a) == RB_EXIT_USAGE, "unknown format");
	}
	{
		const char *a[] = { "compare", "--noise-threshold", "2%", base,
				    cand, NULL };
		CHECK(run(5, a) == RB_EXIT_OK, "--noise-threshold 2%%");
	}
	{
		const char *a[] = { "compare", base, NULL };
		CHECK(run(2, a) == RB_EXIT_USAGE, "one file: usage exit");
	}
	{
		const char *a[] = { "compare", base, "--", NULL };
		CHECK(run(3, a) == RB_EXIT_USAGE, "nothing after --");
	}
}

int main(void)
{
	rb_log_init("test-compare");
	test_mwu();
	test_ratio_cis();
	test_upstream();
	test_json_and_plot();
	test_aa();
	test_mismatch();
	test_boots();
	test_noise_threshold();
	test_import();
	test_cli();
	return unit_done();
}
