// SPDX-License-Identifier: GPL-2.0
/*
 * Lines to binds, binds to series and configurations (rules in import.c).
 *
 * A series is the binds of one device in one boot: the same page count,
 * number of ranges and device (where the old form's name or the driver
 * messages give one). A short run of binds (IM_FOREIGN_RUN_MAX or fewer)
 * of another shape that sits between binds of a series is another
 * device's: it is set aside, and so is every other short run of that
 * shape in the boot, and the series stays whole. A longer run of another
 * shape is a reconfiguration: the next configuration, with its own cold
 * bind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "klog/import-priv.h"
#include "util/log.h"
#include "util/bounds.h"
#include "util/text.h"

#define USEC_PER_MSEC 1000ULL
#define RANGE_SLACK_USEC 10000ULL
#define RANGE_MS_MAX 100000000ULL
/*
 * Bounds that keep the passes linear on any capture: series looked at
 * (per document), shapes found foreign, foreign groups searched.
 */
#define SPANS_MAX 256
#define FOREIGN_SHAPES_MAX 64
#define GROUPS_SEARCHED 32

struct im_bind {
	struct rb_sample s;
	unsigned int boot;
	size_t first;		/* its first line */
	uint32_t tid;
	uint64_t last_ts;
	bool has_last_ts;
	bool foreign;
	const struct im_line *l; /* first line: names and driver */
};

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static const char *line_id(const struct im_line *l)
{
	return l->name[0] ? l->name : l->dev;
}

static bool names_fit(const char *a, const char *b)
{
	return !a[0] || !b[0] || !strcmp(a, b);
}

/* Two binds of one device and configuration? */
static bool same_shape(const struct im_bind *a, const struct im_bind *b)
{
	return a->s.nr_pages == b->s.nr_pages &&
	       a->s.nr_ranges == b->s.nr_ranges &&
	       names_fit(line_id(a->l), line_id(b->l)) &&
	       names_fit(a->l->blockdev, b->l->blockdev);
}

int im_foreign_add(struct im_foreigns *f, const char *source,
		   const char *dev, const struct im_line *l,
		   uint64_t series_pages)
{
	struct im_foreign *g = NULL, *v;
	size_t i;

	/* the recent groups only: linear time on any capture */
	for (i = f->nr; i > 0 && i + GROUPS_SEARCHED > f->nr && !g; i--)
		if (!strcmp(f->v[i - 1].source, source) &&
		    !strcmp(f->v[i - 1].dev, dev) &&
		    f->v[i - 1].boot == l->boot &&
		    f->v[i - 1].series_pages == series_pages)
			g = &f->v[i - 1];
	if (!g) {
		if (f->nr == f->alloc) {
			size_t n = f->alloc ? 2 * f->alloc : 4;

			v = reallocarray(f->v, n, sizeof(*v));
			if (!v)
				return -ENOMEM;
			f->v = v;
			f->alloc = n;
		}
		g = &f->v[f->nr++];
		memset(g, 0, sizeof(*g));
		g->source = source;
		snprintf(g->dev, sizeof(g->dev), "%s", dev);
		g->boot = l->boot;
		g->first_line = l->line_no;
		g->has_ts = l->has_ts;
		g->first_ts = l->ts;
		g->series_pages = series_pages;
	}
	g->count++;
	for (i = 0; i < g->nr_pages && g->pages[i] != l->pages; i++)
		;
	if (i == g->nr_pages && i < sizeof(g->pages) / sizeof(g->pages[0]))
		g->pages[g->nr_pages++] = l->pages;
	return 0;
}

/* The range rule at the top of import.c. */
static bool joins_bind(const struct im_bind *b, const struct im_line *l,
		       const struct rb_import_opts *opts)
{
	uint64_t window;

	if (!b || b->boot != l->boot)
		return false;
	if (opts->ranges_per_bind)
		return b->s.nr_ranges < opts->ranges_per_bind;
	if (!l->tid || l->tid != b->tid || !l->has_ts || !b->has_last_ts)
		return false;
	if (strcmp(l->name, b->l->name) || l->ms > RANGE_MS_MAX ||
	    l->ts < b->last_ts)
		return false;
	window = 2 * l->ms * USEC_PER_MSEC + RANGE_SLACK_USEC;
	return l->ts - b->last_ts <= window;
}

static void bind_open(struct im_bind *b, const struct im_line *l, size_t i)
{
	memset(b, 0, sizeof(*b));
	b->boot = l->boot;
	b->first = i;
	b->tid = l->tid;
	b->l = l;
	b->s.nr_pages = l->pages;
	rb_sample_set(&b->s, RB_SRC_MEMMAP_MS, l->ms);
	b->s.nr_ranges = 1;
	b->s.has_kernel_ts = l->has_ts;
	b->s.kernel_ts_usec = l->ts;
	b->s.has_seq = l->has_seq;
	b->s.seq = l->seq;
}

/* The kept lines summed into binds; *@nrp binds in the returned array. */
static struct im_bind *make_binds(const struct im_line *lines, size_t nr,
				  const struct rb_import_opts *opts,
				  size_t *nrp)
{
	struct im_bind *v = calloc(nr + 1, sizeof(*v)), *b = NULL;
	size_t i, n = 0;

	if (!v)
		return NULL;
	for (i = 0; i < nr; i++) {
		const struct im_line *l = &lines[i];

		if (!im_kept(l))
			continue;
		if (joins_bind(b, l, opts)) {
			b->s.nr_pages = add_sat(b->s.nr_pages, l->pages);
			b->s.memmap_ms = add_sat(b->s.memmap_ms, l->ms);
			b->s.nr_ranges++;
		} else {
			b = &v[n++];
			bind_open(b, l, i);
		}
		b->has_last_ts = l->has_ts;
		b->last_ts = l->ts;
		rb_dbg("line %lu: %llu pages in %llums (tid %u) -> bind of %u range(s)",
		       l->line_no, (unsigned long long)l->pages,
		       (unsigned long long)l->ms, l->tid, b->s.nr_ranges);
	}
	*nrp = n;
	return v;
}

/* End of the run of binds starting at @i (same boot, same shape). */
static size_t run_end(const struct im_bind *v, size_t n, size_t i)
{
	size_t j = i + 1;

	while (j < n && v[j].boot == v[i].boot && same_shape(&v[j], &v[i]))
		j++;
	return j;
}

/* The binds of one series in one boot: a shape with a long run. */
struct span {
	size_t rep, first, last;
};

struct spans {
	struct span *v;
	size_t nr;
};

/* Every shape that has a run longer than IM_FOREIGN_RUN_MAX, per boot. */
static int find_spans(const struct im_bind *v, size_t n, struct spans *sp)
{
	size_t i, j, k;

	sp->nr = 0;
	sp->v = calloc(SPANS_MAX, sizeof(*sp->v));
	if (!sp->v)
		return -ENOMEM;
	for (i = 0; i < n; i = j) {
		j = run_end(v, n, i);
		if (j - i <= IM_FOREIGN_RUN_MAX)
			continue;
		for (k = 0; k < sp->nr; k++)
			if (v[sp->v[k].rep].boot == v[i].boot &&
			    same_shape(&v[sp->v[k].rep], &v[i]))
				break;
		if (k == sp->nr && sp->nr < SPANS_MAX)
			sp->v[sp->nr++] = (struct span){ i, i, j - 1 };
		else if (k == sp->nr)
			continue;
		else
			sp->v[k].last = j - 1;
	}
	/* a series also owns its short runs before the first long one */
	for (k = 0; k < sp->nr; k++)
		for (i = 0; i < sp->v[k].first; i++)
			if (v[i].boot == v[sp->v[k].rep].boot &&
			    same_shape(&v[i], &v[sp->v[k].rep])) {
				sp->v[k].first = i;
				break;
			}
	for (k = 0; k < sp->nr; k++)
		for (i = n; i > sp->v[k].last + 1; i--)
			if (v[i - 1].boot == v[sp->v[k].rep].boot &&
			    same_shape(&v[i - 1], &v[sp->v[k].rep])) {
				sp->v[k].last = i - 1;
				break;
			}
	return 0;
}

/* The series of another shape whose span holds binds @k..@end-1. */
static const struct im_bind *inside_series(const struct im_bind *v,
					   const struct spans *sp, size_t k,
					   size_t end)
{
	size_t i;

	for (i = 0; i < sp->nr; i++) {
		const struct span *s = &sp->v[i];

		if (v[s->rep].boot == v[k].boot && s->first < k &&
		    s->last >= end && !same_shape(&v[s->rep], &v[k]))
			return &v[s->rep];
	}
	return NULL;
}

/* The page counts and ranges of the binds found foreign, per boot. */
struct foreign_shapes {
	struct {
		unsigned int boot, nr_ranges;
		uint64_t nr_pages;
	} v[FOREIGN_SHAPES_MAX];
	size_t nr;
};

static bool shape_known(const struct foreign_shapes *fs,
			const struct im_bind *b)
{
	size_t k;

	for (k = 0; k < fs->nr; k++)
		if (fs->v[k].boot == b->boot &&
		    fs->v[k].nr_pages == b->s.nr_pages &&
		    fs->v[k].nr_ranges == b->s.nr_ranges)
			return true;
	return false;
}

static void shape_add(struct foreign_shapes *fs, const struct im_bind *b)
{
	if (shape_known(fs, b) || fs->nr == FOREIGN_SHAPES_MAX)
		return;
	fs->v[fs->nr].boot = b->boot;
	fs->v[fs->nr].nr_pages = b->s.nr_pages;
	fs->v[fs->nr++].nr_ranges = b->s.nr_ranges;
}

/* Short runs of another shape inside a series: another device's. */
static void mark_foreign(struct im_bind *v, size_t n,
			 const struct spans *sp)
{
	struct foreign_shapes fs = { .nr = 0 };
	size_t i, j, k;

	for (i = 0; i < n; i = j) {
		j = run_end(v, n, i);
		if (j - i > IM_FOREIGN_RUN_MAX || !inside_series(v, sp, i, j))
			continue;
		shape_add(&fs, &v[i]);
		for (k = i; k < j; k++)
			v[k].foreign = true;
	}
	/* the same shape's other short runs in that boot are its too */
	for (i = 0; i < n; i = j) {
		j = run_end(v, n, i);
		if (j - i > IM_FOREIGN_RUN_MAX || v[i].foreign ||
		    !shape_known(&fs, &v[i]))
			continue;
		for (k = i; k < j; k++)
			v[k].foreign = true;
	}
}

/* Names from the log; one with control characters is left out. */
static int set_str(char **dst, const char *src)
{
	if (!src || !src[0] || rb_find_control(src, strlen(src)))
		return 0;
	free(*dst);
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* -EOVERFLOW past RB_MAX_CONFIGS. */
static int open_config(struct rb_document *doc, const struct im_bind *b)
{
	struct rb_config_result *cfg;
	const struct im_line *l = b->l;
	int rc;

	if (doc->nr_configs >= RB_MAX_CONFIGS)
		return -EOVERFLOW;
	cfg = rb_document_add_config(doc);
	if (!cfg)
		return -ENOMEM;
	cfg->boot = b->boot + 1;
	cfg->target.expected_nr_pages = b->s.nr_pages;
	rc = set_str(&cfg->target.dev, l->name[0] ? l->name : NULL);
	rc = rc ?: set_str(&cfg->target.bind_dev, l->dev);
	rc = rc ?: set_str(&cfg->target.blockdev, l->blockdev);
	rc = rc ?: set_str(&cfg->target.driver, l->driver);
	rc = rc ?: set_str(&cfg->settings.method, "import");
	cfg->settings.sources = RB_SRC_MEMMAP_MS;
	cfg->has_cold = true;
	cfg->cold = b->s;
	cfg->cold.iter = 0;
	return rc;
}

static int add_to_config(struct rb_config_result *cfg,
			 const struct im_bind *b)
{
	struct rb_sample s = b->s;

	s.iter = (unsigned int)cfg->nr_samples + 1;
	cfg->settings.runs = (unsigned int)cfg->nr_samples + 1;
	return rb_config_add_sample(cfg, &s);
}

/* The lines of the foreign bind @b, with the series it sat in. */
static int add_foreign_bind(struct im_foreigns *f, const struct im_line *lines,
			    const struct im_bind *v, const struct spans *sp,
			    size_t k)
{
	const struct im_bind *series = inside_series(v, sp, k, k + 1);
	size_t i, left = v[k].s.nr_ranges;
	int rc = 0;

	for (i = v[k].first; left && !rc; i++) {
		if (!im_kept(&lines[i]))
			continue;
		rb_dbg("line %lu: %llu pages between the binds of a series of %llu: set aside",
		       lines[i].line_no, (unsigned long long)lines[i].pages,
		       series ? (unsigned long long)series->s.nr_pages : 0ULL);
		rc = im_foreign_add(f, "page-count", line_id(&lines[i]),
				    &lines[i],
				    series ? series->s.nr_pages : 0);
		left--;
	}
	return rc;
}

int im_build_configs(struct rb_document *doc, const struct im_line *lines,
		     size_t nr, const struct rb_import_opts *opts,
		     struct im_foreigns *foreign)
{
	const struct im_bind *cur = NULL;
	struct spans sp = { 0 };
	struct im_bind *v;
	size_t n, k;
	int rc;

	v = make_binds(lines, nr, opts, &n);
	if (!v)
		return -ENOMEM;
	rc = find_spans(v, n, &sp);
	if (!rc)
		mark_foreign(v, n, &sp);
	for (k = 0; k < n && !rc; k++) {
		if (v[k].foreign) {
			rc = add_foreign_bind(foreign, lines, v, &sp, k);
			continue;
		}
		if (cur && cur->boot == v[k].boot && same_shape(cur, &v[k])) {
			rc = add_to_config(&doc->configs[doc->nr_configs - 1],
					   &v[k]);
			continue;
		}
		cur = &v[k];
		rc = open_config(doc, cur);
	}
	free(sp.v);
	free(v);
	return rc;
}
