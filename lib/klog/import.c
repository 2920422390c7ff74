// SPDX-License-Identifier: GPL-2.0
/*
 * Importing a captured kernel log into a results document.
 *
 * Lines to binds. A memmap line joins the bind of the memmap line before
 * it when
 *   - both carry the same known caller tid (/dev/kmsg "caller=T<tid>",
 *     dmesg "[ T<tid>]", or a dyndbg "[<tid>] " decoration), and
 *   - both carry a printk timestamp, and the later one was printed at most
 *     2 * <its own ms> + 10 ms after the earlier one: time for its own init
 *     loop, as much again for that range's set-up (vmemmap population
 *     under the hotplug lock), and slack for one coarse tick.
 * pagemap_range() handles the ranges of one pgmap back to back in the
 * binding task, while two binds are separated by an unbind (percpu_ref
 * drain, memunmap_pages()). Without a tid or timestamps every line is its
 * own bind, which is always right for nd_pmem and dax_pmem (one range per
 * pgmap). opts->ranges_per_bind (--ranges N) replaces the rule: every N
 * consecutive lines are one bind. The lines of a bind are summed.
 *
 * Binds to configurations. Consecutive binds with the same nr_pages, the
 * same number of ranges and (old form) the same device name are one
 * configuration. A configuration ends where one of these changes or where
 * the log restarts: a journalctl "-- Boot" separator, a /dev/kmsg sequence
 * number going back, or (without sequence numbers) a printk timestamp
 * going back by more than a second. The first bind of each configuration
 * is its cold sample; the others are its steady state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "util/exit-codes.h"
#include "klog/import.h"
#include "klog/klog-record.h"
#include "util/log.h"
#include "klog/memmap-line.h"

#define USEC_PER_MSEC 1000ULL
#define RANGE_SLACK_USEC 10000ULL
/* Longer than any plausible init loop; keeps the window arithmetic safe. */
#define RANGE_MS_MAX 100000000ULL
/* A printk stamp stepping back this far is a new boot. */
#define RESTART_BACKSTEP_USEC 1000000ULL
#define DEV_NAME_MAX 64

/* The bind being assembled from its lines. */
struct pending_bind {
	bool open;
	struct rb_sample s;
	uint32_t tid;
	bool has_last_ts;
	uint64_t last_ts;
	char dev[DEV_NAME_MAX]; /* old-form device name, "" without */
};

/* Counted oddities of the log, turned into warnings at the end. */
struct line_census {
	unsigned int nr;
	unsigned long first_line;
};

struct importer {
	const struct rb_import_opts *opts;
	struct rb_document *doc;
	unsigned long line_no;
	struct pending_bind bind;

	/* the configuration the next bind of the same shape goes into */
	bool has_cfg;
	size_t cfg;
	char cfg_dev[DEV_NAME_MAX];
	bool restart; /* the next bind opens a new configuration */

	bool has_seq;
	uint64_t last_seq;
	bool has_ts;
	uint64_t last_ts;

	uint64_t lost_records;
	struct line_census seq_gaps, restarts, truncated, invalid;
	unsigned long memmap_lines;
	uint64_t ms_gcd;
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

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void set_err(struct importer *im, int rc)
{
	if (rc < 0 && !im->err)
		im->err = rc;
}

static int set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = strdup(src);
	return *dst ? 0 : -ENOMEM;
}

/* Open a configuration for the bind @b; @b becomes its cold sample. */
static void open_config(struct importer *im, const struct pending_bind *b)
{
	struct rb_config_result *cfg = rb_document_add_config(im->doc);

	if (!cfg) {
		set_err(im, -ENOMEM);
		return;
	}
	im->has_cfg = true;
	im->cfg = im->doc->nr_configs - 1;
	im->restart = false;
	memcpy(im->cfg_dev, b->dev, sizeof(im->cfg_dev));

	cfg->target.expected_nr_pages = b->s.nr_pages;
	if (b->dev[0])
		set_err(im, set_str(&cfg->target.dev, b->dev));
	set_err(im, set_str(&cfg->settings.method, "import"));
	cfg->settings.sources = RB_SRC_MEMMAP_MS;
	cfg->has_cold = true;
	cfg->cold = b->s;
	cfg->cold.iter = 0;
}

/* Hand the finished bind to its configuration. */
static void finish_bind(struct importer *im)
{
	struct pending_bind *b = &im->bind;
	struct rb_config_result *cfg;
	struct rb_sample s;

	if (!b->open)
		return;
	b->open = false;
	cfg = im->has_cfg ? &im->doc->configs[im->cfg] : NULL;
	if (!cfg || im->restart ||
	    cfg->cold.nr_pages != b->s.nr_pages ||
	    cfg->cold.nr_ranges != b->s.nr_ranges ||
	    strcmp(im->cfg_dev, b->dev)) {
		open_config(im, b);
		return;
	}
	s = b->s;
	s.iter = (unsigned int)cfg->nr_samples + 1;
	set_err(im, rb_config_add_sample(cfg, &s));
	cfg->settings.runs = (unsigned int)cfg->nr_samples;
}

/* A new boot (or another capture) begins: no bind spans it. */
static void note_restart(struct importer *im)
{
	finish_bind(im);
	im->restart = true;
	census_add(&im->restarts, im->line_no);
}

/* Sequence numbers and timestamps: lost records and restarts. */
static void track_order(struct importer *im, const struct rb_klog_record *rec)
{
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
			census_add(&im->seq_gaps, im->line_no);
			im->lost_records = add_sat(im->lost_records,
						   rec->seq - im->last_seq - 1);
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
}

/* The grouping rule at the top of this file. */
static bool joins_bind(const struct importer *im,
		       const struct rb_klog_record *rec,
		       const struct rb_memmap_line *m, uint32_t tid,
		       const char *dev)
{
	const struct pending_bind *b = &im->bind;
	uint64_t window;

	if (!b->open)
		return false;
	if (im->opts->ranges_per_bind)
		return b->s.nr_ranges < im->opts->ranges_per_bind;
	if (!tid || tid != b->tid || !rec->has_ts || !b->has_last_ts)
		return false;
	if (strcmp(dev, b->dev) || m->ms > RANGE_MS_MAX ||
	    rec->ts_usec < b->last_ts)
		return false;
	window = 2 * m->ms * USEC_PER_MSEC + RANGE_SLACK_USEC;
	return rec->ts_usec - b->last_ts <= window;
}

static void add_memmap_line(struct importer *im,
			    const struct rb_klog_record *rec,
			    const struct rb_memmap_line *m)
{
	struct pending_bind *b = &im->bind;
	uint32_t tid = m->tid ? m->tid : rec->tid;
	char dev[DEV_NAME_MAX] = "";

	if (m->old_form)
		snprintf(dev, sizeof(dev), "%.*s", (int)m->dev_len, m->dev);
	im->memmap_lines++;
	im->ms_gcd = gcd(im->ms_gcd, m->ms);

	if (joins_bind(im, rec, m, tid, dev)) {
		b->s.nr_pages = add_sat(b->s.nr_pages, m->nr_pages);
		b->s.memmap_ms = add_sat(b->s.memmap_ms, m->ms);
		b->s.nr_ranges++;
	} else {
		finish_bind(im);
		memset(b, 0, sizeof(*b));
		b->open = true;
		b->tid = tid;
		memcpy(b->dev, dev, sizeof(b->dev));
		b->s.nr_pages = m->nr_pages;
		rb_sample_set(&b->s, RB_SRC_MEMMAP_MS, m->ms);
		b->s.nr_ranges = 1;
		b->s.has_kernel_ts = rec->has_ts;
		b->s.kernel_ts_usec = rec->ts_usec;
		b->s.has_seq = rec->has_seq;
		b->s.seq = rec->seq;
	}
	b->has_last_ts = rec->has_ts;
	b->last_ts = rec->ts_usec;
	rb_dbg("line %lu: %llu pages in %llums (tid %u) -> bind of %u range(s)",
	       im->line_no, (unsigned long long)m->nr_pages,
	       (unsigned long long)m->ms, tid, b->s.nr_ranges);
}

static void import_line(struct importer *im, const char *line, size_t len,
			bool cut)
{
	struct rb_klog_record rec;
	struct rb_memmap_line m;

	rb_klog_parse(line, len, &rec);
	track_order(im, &rec);
	if (rec.form == RB_KLOG_KMSG_DICT || rec.form == RB_KLOG_BLANK)
		return;
	if (rec.truncated || cut) {
		census_add(&im->truncated, im->line_no);
		rb_dbg("line %lu: looks truncated", im->line_no);
	}
	switch (rb_memmap_line_parse(rec.text, rec.text_len, &m)) {
	case RB_MEMMAP_MATCH:
		add_memmap_line(im, &rec, &m);
		break;
	case RB_MEMMAP_TRUNCATED:
		if (!rec.truncated && !cut)
			census_add(&im->truncated, im->line_no);
		rb_dbg("line %lu: memmap line cut short, skipped", im->line_no);
		break;
	case RB_MEMMAP_INVALID:
		census_add(&im->invalid, im->line_no);
		rb_dbg("line %lu: memmap line with an overflowing number, skipped",
		       im->line_no);
		break;
	case RB_MEMMAP_NONE:
		break;
	}
}

/*
 * Read lines of at most RB_IMPORT_LINE_MAX bytes (the rest of a longer
 * line is dropped and the line counted as truncated). NULs are data.
 */
static int read_lines(struct importer *im, FILE *f)
{
	char *buf = malloc(RB_IMPORT_LINE_MAX);
	size_t len = 0;
	bool cut = false;
	int c;

	if (!buf)
		return -ENOMEM;
	while ((c = getc_unlocked(f)) != EOF) {
		if (c != '\n') {
			if (len < RB_IMPORT_LINE_MAX)
				buf[len++] = (char)c;
			else
				cut = true;
			continue;
		}
		im->line_no++;
		import_line(im, buf, len, cut);
		len = 0;
		cut = false;
	}
	if (len || cut) {
		im->line_no++;
		import_line(im, buf, len, cut);
	}
	free(buf);
	if (ferror(f))
		return errno ? -errno : -EIO;
	return 0;
}

static void warn_single_binds(struct importer *im)
{
	size_t i;

	for (i = 0; i < im->doc->nr_configs; i++) {
		struct rb_config_result *cfg = &im->doc->configs[i];

		if (cfg->nr_samples)
			continue;
		set_err(im, rb_warn(&cfg->warnings, "single-bind",
				    "only one bind of %llu pages: it is the cold sample, there is no steady state",
				    (unsigned long long)cfg->cold.nr_pages));
	}
}

/* The HZ the values are consistent with, for the hz-unknown hint. */
static long hz_hint(uint64_t ms_gcd)
{
	switch (ms_gcd) {
	case 4:
		return 250;
	case 10:
		return 100;
	}
	return 0;
}

static void warn_resolution(struct importer *im)
{
	struct rb_warnings *w = &im->doc->warnings;
	long hz = im->opts->hz;

	if (!hz) {
		if (hz_hint(im->ms_gcd))
			set_err(im, rb_warn(w, "hz-unknown",
					    "HZ of the captured kernel is unknown (pass --hz): memmap_ms resolution taken as 1 ms; every value is a multiple of %llu ms, as with HZ=%ld",
					    (unsigned long long)im->ms_gcd,
					    hz_hint(im->ms_gcd)));
		else
			set_err(im, rb_warn(w, "hz-unknown",
					    "HZ of the captured kernel is unknown (pass --hz): memmap_ms resolution taken as 1 ms"));
		return;
	}
	/* jiffies_to_msecs() gives exact multiples when HZ divides 1000 */
	if (1000 % hz == 0 && im->ms_gcd % (uint64_t)(1000 / hz))
		set_err(im, rb_warn(w, "hz-mismatch",
				    "--hz %ld means %ld ms ticks, but the memmap_ms values are not all multiples of it",
				    hz, 1000 / hz));
}

static void warn_log(struct importer *im)
{
	struct rb_warnings *w = &im->doc->warnings;

	if (im->seq_gaps.nr)
		set_err(im, rb_warn(w, "kmsg-records-lost",
				    "%llu /dev/kmsg records lost in %u sequence gap(s) (first at line %lu): binds may be missing",
				    (unsigned long long)im->lost_records,
				    im->seq_gaps.nr, im->seq_gaps.first_line));
	if (im->truncated.nr)
		set_err(im, rb_warn(w, "truncated-lines",
				    "%u line(s) look truncated (first: line %lu); cut memmap lines were skipped",
				    im->truncated.nr,
				    im->truncated.first_line));
	if (im->invalid.nr)
		set_err(im, rb_warn(w, "memmap-line-invalid",
				    "%u memmap line(s) hold numbers that overflow 64 bits (first: line %lu) and were skipped",
				    im->invalid.nr, im->invalid.first_line));
	if (im->restarts.nr)
		set_err(im, rb_warn(w, "log-restarted",
				    "the log restarts %u times (first at line %lu: reboot or concatenated captures); each restart begins a new configuration with its own cold bind",
				    im->restarts.nr, im->restarts.first_line));
}

static int set_fingerprint(struct importer *im)
{
	struct json_object *fp, *hz;

	if (!im->opts->hz)
		return 0;
	fp = json_object_new_object();
	hz = json_object_new_int64(im->opts->hz);
	if (!fp || !hz || json_object_object_add(fp, "hz", hz)) {
		json_object_put(fp);
		json_object_put(hz);
		return -ENOMEM;
	}
	im->doc->fingerprint = fp;
	return 0;
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
	if (!im.doc)
		goto nomem;
	errno = 0;
	rc = read_lines(&im, f);
	if (rc < 0 && rc != -ENOMEM) {
		snprintf(err, errlen, "%s: %s", name, strerror(-rc));
		rb_document_free(im.doc);
		return RB_EXIT_USAGE;
	}
	set_err(&im, rc);
	finish_bind(&im);
	if (!im.err && !im.memmap_lines) {
		snprintf(err, errlen,
			 "no memmap_init_zone_device line found in %s", name);
		rb_document_free(im.doc);
		return RB_EXIT_USAGE;
	}
	set_err(&im, set_str(&im.doc->import_file, name));
	set_err(&im, set_fingerprint(&im));
	warn_single_binds(&im);
	warn_resolution(&im);
	warn_log(&im);
	if (im.err)
		goto nomem;
	*docp = im.doc;
	return RB_EXIT_OK;

nomem:
	rb_document_free(im.doc);
	snprintf(err, errlen, "%s: out of memory", name);
	return RB_EXIT_FAILURE;
}

int rb_import_file(const char *path, const char *tool_name,
		   const struct rb_import_opts *opts, struct rb_document **docp,
		   char *err, size_t errlen)
{
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
	rc = rb_import_stream(f, path, tool_name, opts, docp, err, errlen);
	fclose(f);
	return rc;
}
