// SPDX-License-Identifier: GPL-2.0
/*
 * Importing a captured kernel log into a results document.
 *
 * Which lines are samples. The memmap_init_zone_device() line in its two
 * forms (memmap-line.c); the v4.20..v5.3 form only when it names a device
 * libnvdimm or device-dax gives (pfnX.Y, daxX.Y, namespaceX.Y, bttX.Y,
 * pmemN) or the one --device names. "node N initialised, ..." is
 * deferred struct-page init at boot and never a sample. Prefixes of a
 * paste (mail quoting, indentation, "host kernel: ", logfmt key="...")
 * are stripped before the timestamp is read (klog-record.c), and a
 * memmap line a mailer wrapped in two is joined again.
 *
 * Which device. The driver messages next to a line say whose memory it
 * initialised (import-context.c): nd_pmem, dax_pmem, pmemN, daxX.Y speak
 * for pmem; amdgpu, kfd, nouveau, nvme, P2PDMA, virtiofs, test_hmm and
 * Xen messages for another ZONE_DEVICE user, whose lines are set aside
 * (foreign_lines). Lines with no message near them are taken as the
 * capture's pmem device, with a warning when nothing in the capture
 * mentions pmem at all. A few binds of another page count between the
 * binds of a series are another device's too (import-series.c).
 *
 * Which bind. A memmap line joins the bind of the line before it when
 *   - both carry the same known caller tid (/dev/kmsg "caller=T<tid>",
 *     dmesg "[ T<tid>]", or a dyndbg "[<tid>] " decoration), and
 *   - both carry a printk timestamp, and the later one was printed at most
 *     2 * <its own ms> + 10 ms after the earlier one: time for its own init
 *     loop, as much again for that range's set-up (vmemmap population
 *     under the hotplug lock), and slack for one coarse tick.
 * pagemap_range() handles the ranges of one pgmap back to back in the
 * binding task, while two binds are separated by an unbind. Without a
 * tid or timestamps every line is its own bind, which is always right for
 * nd_pmem and dax_pmem (one range per pgmap). opts->ranges_per_bind
 * (--ranges N) replaces the rule: every N consecutive lines are one bind.
 *
 * Which boot. A journalctl "-- Boot" separator, a kernel banner ("Linux
 * version"), a /dev/kmsg sequence number going back, or (without sequence
 * numbers) a printk timestamp going back by more than a second starts a
 * new boot. Each configuration's first bind in each boot is its cold
 * sample; every boot gives its own configurations, so that compare takes
 * the boot as the unit of replication, exactly as with one file per boot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "util/exit-codes.h"
#include "klog/import.h"
#include "klog/import-priv.h"
#include "klog/klog-record.h"
#include "util/log.h"
#include "klog/memmap-line.h"
#include "util/bounds.h"
#include "util/text.h"

/* A printk stamp stepping back this far is a new boot. */
#define RESTART_BACKSTEP_USEC 1000000ULL
#define DEFAULT_PAGE_SIZE 4096

struct importer {
	const struct rb_import_opts *opts;
	struct rb_document *doc;
	unsigned long line_no;
	uint64_t rec;
	size_t bytes;

	unsigned int boot;
	uint64_t boot_records;
	bool has_seq;
	uint64_t last_seq;
	bool has_ts;
	uint64_t last_ts;

	struct im_line *lines;
	size_t nr_lines, alloc_lines;
	struct im_ctx *ctx;
	size_t nr_ctx, alloc_ctx;
	struct im_foreigns foreign;

	/* a memmap line that ended early: maybe wrapped, joined with the
	 * next line when that completes it */
	bool pend;
	struct rb_klog_record pend_rec;
	unsigned long pend_line;
	char *pend_buf;

	long page_size;
	struct im_census c;
	int err; /* -ENOMEM, sticky */
};

static void census_add(struct line_census *c, unsigned long line_no)
{
	if (!c->nr++)
		c->first_line = line_no;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static void set_err(struct importer *im, int rc)
{
	if (rc < 0 && !im->err)
		im->err = rc;
}

/* Room for one more element at the end of *@v; NULL (noted) on ENOMEM. */
static void *push(struct importer *im, void **v, size_t *nr, size_t *alloc,
		  size_t size)
{
	size_t n = *alloc ? 2 * *alloc : 64;
	void *p;

	if (*nr == *alloc) {
		p = reallocarray(*v, n, size);
		if (!p) {
			set_err(im, -ENOMEM);
			return NULL;
		}
		*v = p;
		*alloc = n;
	}
	return (char *)*v + (*nr)++ * size;
}

/* A new boot (or another capture) begins. */
static void note_restart(struct importer *im)
{
	if (!im->boot_records)
		return;
	im->boot++;
	im->boot_records = 0;
	census_add(&im->c.restarts, im->line_no);
}

/* Sequence numbers, timestamps, banners: lost records and boots. */
static void track_order(struct importer *im, const struct rb_klog_record *rec)
{
	static const char banner[] = "Linux version ";

	if (rec->form == RB_KLOG_BOOT) {
		note_restart(im);
		im->has_seq = false;
		im->has_ts = false;
		return;
	}
	if (rec->has_seq) {
		if (im->has_seq && rec->seq <= im->last_seq) {
			note_restart(im);
		} else if (im->has_seq && rec->seq - im->last_seq > 1) {
			census_add(&im->c.seq_gaps, im->line_no);
			im->c.lost_records += rec->seq - im->last_seq - 1;
		}
		im->has_seq = true;
		im->last_seq = rec->seq;
	}
	if (rec->has_ts) {
		if (!rec->has_seq && im->has_ts && rec->ts_usec < im->last_ts &&
		    im->last_ts - rec->ts_usec > RESTART_BACKSTEP_USEC)
			note_restart(im);
		im->has_ts = true;
		im->last_ts = rec->ts_usec;
	}
	if (rec->text_len >= strlen(banner) &&
	    !memcmp(rec->text, banner, strlen(banner)))
		note_restart(im);
}

/* Is an old-form name one import keeps? --device wins over the rule. */
static enum im_owner name_owner(const struct importer *im,
				const struct rb_memmap_line *m)
{
	const char *want = im->opts->device;

	if (want)
		return strlen(want) == m->dev_len &&
		       !memcmp(want, m->dev, m->dev_len) ?
		       IM_OWNER_PMEM : IM_OWNER_FILTERED;
	return m->dev_kind == RB_MEMMAP_DEV_PMEM ? IM_OWNER_PMEM :
	       IM_OWNER_FOREIGN;
}

static void add_memmap_line(struct importer *im,
			    const struct rb_klog_record *rec,
			    const struct rb_memmap_line *m,
			    unsigned long line_no, bool wrapped)
{
	struct im_line *l;

	if (m->old_form && m->dev_kind == RB_MEMMAP_DEV_NODE) {
		census_add(&im->c.deferred, line_no);
		rb_dbg("line %lu: deferred struct-page init, not ZONE_DEVICE",
		       line_no);
		return;
	}
	if (im->nr_lines == RB_MAX_SAMPLES) {
		set_err(im, -ERANGE);
		return;
	}
	l = push(im, (void **)&im->lines, &im->nr_lines, &im->alloc_lines,
		 sizeof(*l));
	if (!l)
		return;
	memset(l, 0, sizeof(*l));
	l->line_no = line_no;
	l->rec = im->rec;
	l->boot = im->boot;
	l->has_ts = rec->has_ts;
	l->ts = rec->ts_usec;
	l->has_seq = rec->has_seq;
	l->seq = rec->seq;
	l->tid = m->tid ? m->tid : rec->tid;
	l->pages = m->nr_pages;
	l->ms = m->ms;
	l->wrapped = wrapped;
	if (m->old_form) {
		snprintf(l->name, sizeof(l->name), "%.*s", (int)m->dev_len,
			 m->dev);
		l->owner = name_owner(im, m);
		if (l->owner == IM_OWNER_FOREIGN)
			l->source = "device-name";
		if (l->owner == IM_OWNER_FILTERED)
			census_add(&im->c.filtered, line_no);
		if (m->dev_kind == RB_MEMMAP_DEV_PMEM)
			im->c.pmem_signs = true;
	}
	if (wrapped)
		census_add(&im->c.wrapped, line_no);
}

static void add_ctx(struct importer *im, const struct rb_klog_record *rec)
{
	struct im_ctx c = { 0 }, *v;

	if (!im_ctx_parse(rec->text, rec->text_len, &c))
		return;
	v = push(im, (void **)&im->ctx, &im->nr_ctx, &im->alloc_ctx,
		 sizeof(*v));
	if (!v)
		return;
	c.rec = im->rec;
	c.boot = im->boot;
	c.has_ts = rec->has_ts;
	c.ts = rec->ts_usec;
	c.tid = rec->tid;
	*v = c;
}

/* The pending cut memmap line, completed by @rec's text? */
static bool join_wrapped(struct importer *im, const struct rb_klog_record *rec)
{
	struct rb_klog_record *p = &im->pend_rec;
	struct rb_memmap_line m;
	size_t n = p->text_len;

	im->pend = false;
	if (rec->form != RB_KLOG_PLAIN || rec->has_ts ||
	    n + 1 + rec->text_len > 2 * RB_MAX_LINE_BYTES)
		goto cut;
	im->pend_buf[n] = ' ';
	memcpy(im->pend_buf + n + 1, rec->text, rec->text_len);
	if (rb_memmap_line_parse(im->pend_buf, n + 1 + rec->text_len, &m) !=
	    RB_MEMMAP_MATCH)
		goto cut;
	add_memmap_line(im, p, &m, im->pend_line, true);
	return true;
cut:
	census_add(&im->c.cut_memmap, im->pend_line);
	census_add(&im->c.truncated, im->pend_line);
	rb_dbg("line %lu: memmap line cut short, skipped", im->pend_line);
	return false;
}

static void hold_cut_line(struct importer *im,
			  const struct rb_klog_record *rec)
{
	im->pend = true;
	im->pend_rec = *rec;
	im->pend_line = im->line_no;
	memcpy(im->pend_buf, rec->text, rec->text_len);
	im->pend_rec.text = im->pend_buf;
}

static void import_line(struct importer *im, const char *line, size_t len)
{
	struct rb_klog_record rec;
	struct rb_memmap_line m;

	rb_klog_parse(line, len, &rec);
	if (rec.form == RB_KLOG_KMSG_DICT || rec.form == RB_KLOG_BLANK)
		return;
	track_order(im, &rec);
	if (im->pend && join_wrapped(im, &rec))
		return;
	if (rec.form == RB_KLOG_BOOT)
		return;
	im->rec++;
	im->boot_records++;
	if (rec.truncated) {
		census_add(&im->c.truncated, im->line_no);
		rb_dbg("line %lu: looks truncated", im->line_no);
	}
	if (!im->c.pmem_signs && im_pmem_sign(rec.text, rec.text_len))
		im->c.pmem_signs = true;
	switch (rb_memmap_line_parse(rec.text, rec.text_len, &m)) {
	case RB_MEMMAP_MATCH:
		im->c.ms_gcd = gcd(im->c.ms_gcd, m.ms);
		add_memmap_line(im, &rec, &m, im->line_no, false);
		break;
	case RB_MEMMAP_TRUNCATED:
		if (rec.truncated) {
			census_add(&im->c.cut_memmap, im->line_no);
			break;
		}
		hold_cut_line(im, &rec);
		break;
	case RB_MEMMAP_INVALID:
		census_add(&im->c.invalid, im->line_no);
		rb_dbg("line %lu: memmap line with an overflowing number, skipped",
		       im->line_no);
		break;
	case RB_MEMMAP_NONE:
		add_ctx(im, &rec);
		break;
	}
}

/*
 * Read lines of at most RB_MAX_LINE_BYTES, RB_MAX_INPUT_BYTES in all;
 * NULs are data. -EFBIG for a larger input, -E2BIG for a longer line
 * (im->line_no is its number), -ERANGE for too many memmap lines.
 */
static int read_lines(struct importer *im, FILE *f)
{
	char *buf = malloc(RB_MAX_LINE_BYTES);
	size_t len = 0;
	int c;

	im->pend_buf = malloc(2 * RB_MAX_LINE_BYTES + 1);
	if (!buf || !im->pend_buf) {
		free(buf);
		return -ENOMEM;
	}
	while ((c = getc_unlocked(f)) != EOF && !im->err) {
		if (++im->bytes > RB_MAX_INPUT_BYTES) {
			free(buf);
			return -EFBIG;
		}
		if (c != '\n') {
			if (len == RB_MAX_LINE_BYTES) {
				im->line_no++;
				free(buf);
				return -E2BIG;
			}
			buf[len++] = (char)c;
			continue;
		}
		im->line_no++;
		import_line(im, buf, len);
		len = 0;
	}
	if (len && !im->err) {
		im->line_no++;
		import_line(im, buf, len);
	}
	if (im->pend) {
		static const struct rb_klog_record end = { .form = RB_KLOG_BLANK };

		join_wrapped(im, &end);
	}
	free(buf);
	if (ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

/* --pages and --device on lines the old form did not already decide. */
static void apply_filters(struct importer *im)
{
	const struct rb_import_opts *o = im->opts;
	size_t i;

	for (i = 0; i < im->nr_lines; i++) {
		struct im_line *l = &im->lines[i];
		bool drop = false;

		if (!im_kept(l))
			continue;
		if (o->pages && l->pages != o->pages)
			drop = true;
		if (o->device && !l->name[0] && strcmp(l->dev, o->device) &&
		    strcmp(l->blockdev, o->device))
			drop = true;
		if (drop) {
			l->owner = IM_OWNER_FILTERED;
			census_add(&im->c.filtered, l->line_no);
		}
	}
}

/* Lines the attribution gave to other ZONE_DEVICE users. */
static int collect_foreign(struct importer *im)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < im->nr_lines && !rc; i++) {
		const struct im_line *l = &im->lines[i];

		if (l->owner != IM_OWNER_FOREIGN)
			continue;
		rb_dbg("line %lu: %llu pages, %s's line: set aside", l->line_no,
		       (unsigned long long)l->pages, l->source);
		rc = im_foreign_add(&im->foreign, l->source,
				    l->name[0] ? l->name : l->dev, l, 0);
	}
	return rc;
}

/* Pages of pmem bytes: capacity / nr_pages of every line that has both. */
static void choose_page_size(struct importer *im)
{
	long seen = 0, want = im->opts->page_size;
	bool conflict = false;
	size_t i;

	for (i = 0; i < im->nr_lines; i++) {
		const struct im_line *l = &im->lines[i];
		uint64_t ps;

		if (!im_kept(l) || !l->capacity || !l->pages ||
		    l->capacity % l->pages)
			continue;
		ps = l->capacity / l->pages;
		if (ps != 4096 && ps != 16384 && ps != 65536)
			continue;
		if (seen && seen != (long)ps)
			conflict = true;
		seen = (long)ps;
	}
	im->page_size = want ? want : DEFAULT_PAGE_SIZE;
	if (!seen || conflict || seen == im->page_size)
		return;
	if (want) {
		set_err(im, rb_warnings_add(&im->doc->warnings, "page-size-mismatch",
					    "--page-size is %ld, but the pmem capacity lines give pages of %ld bytes",
					    want, seen));
		return;
	}
	im->page_size = seen;
	set_err(im, rb_warnings_add(&im->doc->warnings, "page-size-from-capacity",
				    "the pmem capacity lines give pages of %ld KiB: page size taken as %ld KiB (--page-size overrides)",
				    seen / 1024, seen / 1024));
}

/* "amdgpu, nouveau": the sources of the foreign lines, each once. */
static void foreign_sources(const struct im_foreigns *f, char *buf,
			    size_t len)
{
	size_t i, k, o = 0;

	buf[0] = '\0';
	for (i = 0; i < f->nr && o < len; i++) {
		for (k = 0; k < i && strcmp(f->v[k].source, f->v[i].source); k++)
			;
		if (k == i)
			o += (size_t)snprintf(buf + o, len - o, "%s%s",
					      o ? ", " : "", f->v[i].source);
	}
}

/* The one-line reason when no sample is left; 0 when there is one. */
static int no_sample(struct importer *im, const char *name, char *err,
		     size_t errlen)
{
	size_t i, foreign = 0;
	char sources[128];

	if (im->doc->nr_configs)
		return 0;
	for (i = 0; i < im->nr_lines; i++)
		foreign += im->lines[i].owner == IM_OWNER_FOREIGN;
	foreign_sources(&im->foreign, sources, sizeof(sources));
	if (foreign)
		snprintf(err, errlen,
			 "no pmem memmap line in %s: its %zu memmap line(s) come from other ZONE_DEVICE users (%s)",
			 name, foreign, sources);
	else if (im->c.filtered.nr)
		snprintf(err, errlen,
			 "no memmap line in %s is left by %s (%u left out, first: line %lu)",
			 name, im->opts->pages ? "--pages" : "--device",
			 im->c.filtered.nr, im->c.filtered.first_line);
	else if (im->c.cut_memmap.nr)
		snprintf(err, errlen,
			 "no complete memmap_init_zone_device line in %s: %u were cut short or wrapped (first: line %lu)",
			 name, im->c.cut_memmap.nr, im->c.cut_memmap.first_line);
	else if (im->c.deferred.nr)
		snprintf(err, errlen,
			 "no memmap_init_zone_device line found in %s (its %u \"node N initialised\" line(s) are deferred struct-page init, not ZONE_DEVICE)",
			 name, im->c.deferred.nr);
	else
		snprintf(err, errlen,
			 "no memmap_init_zone_device line found in %s", name);
	return RB_EXIT_USAGE;
}

static int set_fingerprint(struct importer *im)
{
	struct json_object *fp = json_object_new_object();
	int rc = fp ? 0 : -ENOMEM;

	if (!rc && im->opts->hz)
		rc = json_object_object_add(fp, "hz",
					    json_object_new_int64(im->opts->hz));
	if (!rc)
		rc = json_object_object_add(fp, "page_size",
					    json_object_new_int64(im->page_size));
	if (rc) {
		json_object_put(fp);
		return -ENOMEM;
	}
	im->doc->fingerprint = fp;
	return 0;
}

static void importer_free(struct importer *im)
{
	free(im->lines);
	free(im->ctx);
	free(im->foreign.v);
	free(im->pend_buf);
}

/* Attribution, configurations, warnings: the document from the lines. */
static int build(struct importer *im, const char *name, char *err,
		 size_t errlen)
{
	int rc;

	im_attribute(im->lines, im->nr_lines, im->ctx, im->nr_ctx);
	apply_filters(im);
	set_err(im, collect_foreign(im));
	set_err(im, im_build_configs(im->doc, im->lines, im->nr_lines,
				     im->opts, &im->foreign));
	if (im->err)
		return RB_EXIT_FAILURE;
	rc = no_sample(im, name, err, errlen);
	if (rc)
		return rc;
	choose_page_size(im);
	im->doc->import_file = strdup(name);
	if (!im->doc->import_file)
		set_err(im, -ENOMEM);
	/* A file name is the user's: keep it on one line in every report. */
	rb_scrub(im->doc->import_file);
	set_err(im, set_fingerprint(im));
	set_err(im, im_warn(im->doc, &im->c, &im->foreign, im->opts));
	return im->err ? RB_EXIT_FAILURE : RB_EXIT_OK;
}

/* The one-line reason when the input passed a bound of util/bounds.h. */
static bool bound_error(const struct importer *im, const char *name,
			char *err, size_t errlen)
{
	switch (im->err) {
	case -EFBIG:
		snprintf(err, errlen, "%s: larger than %u MiB: not one benchmark's capture (keep its boots only, e.g. journalctl -k -b)",
			 name, RB_MAX_INPUT_BYTES >> 20);
		return true;
	case -E2BIG:
		snprintf(err, errlen, "%s: line %lu is longer than %u bytes: not a kernel log",
			 name, im->line_no, RB_MAX_LINE_BYTES);
		return true;
	case -ERANGE:
		snprintf(err, errlen, "%s: more than %u memmap_init_zone_device lines (line %lu): split the capture",
			 name, RB_MAX_SAMPLES, im->line_no);
		return true;
	case -EOVERFLOW:
		snprintf(err, errlen, "%s: more than %u configurations (device, page count and boot): split the capture",
			 name, RB_MAX_CONFIGS);
		return true;
	}
	return false;
}

int rb_import_stream(FILE *f, const char *name, const char *tool_name,
		     const struct rb_import_opts *opts,
		     struct rb_document **docp, char *err, size_t errlen)
{
	static const struct rb_import_opts defaults;
	struct importer im = { .opts = opts ? opts : &defaults };
	int rc;

	*docp = NULL;
	im.doc = rb_document_new(tool_name, "import");
	if (!im.doc) {
		snprintf(err, errlen, "%s: out of memory", name);
		return RB_EXIT_FAILURE;
	}
	errno = 0;
	set_err(&im, read_lines(&im, f));
	rc = im.err ? RB_EXIT_FAILURE : build(&im, name, err, errlen);
	if (bound_error(&im, name, err, errlen)) {
		rc = RB_EXIT_USAGE;
	} else if (im.err == -ENOMEM) {
		snprintf(err, errlen, "%s: out of memory", name);
	} else if (im.err) {
		snprintf(err, errlen, "%s: %s", name, strerror(-im.err));
		rc = RB_EXIT_USAGE;
	}
	importer_free(&im);
	if (rc) {
		rb_document_free(im.doc);
		return rc;
	}
	*docp = im.doc;
	return RB_EXIT_OK;
}

int rb_import_file(const char *path, const char *tool_name,
		   const struct rb_import_opts *opts, struct rb_document **docp,
		   char *err, size_t errlen)
{
	struct stat st;
	FILE *f;
	int rc;

	*docp = NULL;
	if (!strcmp(path, "-"))
		return rb_import_stream(stdin, "stdin", tool_name, opts, docp, err,
					errlen);
	f = fopen(path, "re");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return RB_EXIT_USAGE;
	}
	/* a file known too large is refused before it is read */
	if (!fstat(fileno(f), &st) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size > RB_MAX_INPUT_BYTES) {
		bound_error(&(struct importer){ .err = -EFBIG }, path, err,
			    errlen);
		fclose(f);
		return RB_EXIT_USAGE;
	}
	rc = rb_import_stream(f, path, tool_name, opts, docp, err, errlen);
	fclose(f);
	return rc;
}
