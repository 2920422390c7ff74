// SPDX-License-Identifier: GPL-2.0
/*
 * Matcher for the memmap_init_zone_device() line (kernel-facts.md §1.2).
 * Other ZONE_DEVICE users (GPU HMM, P2PDMA, virtiofs DAX) print the very
 * same v5.4+ line; telling them apart is the importer's job (driver
 * messages, page count, caller), not this matcher's. The old form's name
 * is classified here, because v4.20..v5.7 kernels with deferred
 * struct-page init print "node 0 initialised, N pages in Mms" at boot in
 * the very same shape.
 */
#include <errno.h>
#include <string.h>
#include "klog/klog-record.h"
#include "klog/memmap-line.h"
#include "util/text.h"
#include "util/util.h"

#define NEW_FORM_FUNC "memmap_init_zone_device "
#define NEW_FORM_VERB "initialised "
#define OLD_FORM_VERB " initialised, "

enum lit_match {
	LIT_MISMATCH,
	LIT_CUT,	/* the text ended while the literal still matched */
	LIT_OK,
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* @lit then digits at *@pp; advances past them. */
static bool word_digits(const char **pp, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	const char *p = *pp;

	if ((size_t)(end - p) <= n || memcmp(p, lit, n) || !is_digit(p[n]))
		return false;
	for (p += n; p < end && is_digit(*p); p++)
		;
	*pp = p;
	return true;
}

bool rb_memmap_pmem_name(const char *name, size_t len)
{
	static const char *const xy[] = { "pfn", "dax", "namespace", "btt" };
	const char *end = name + len, *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xy); i++) {
		p = name;
		if (word_digits(&p, end, xy[i]) && p < end && *p == '.' &&
		    word_digits(&p, end, ".") && p == end)
			return true;
	}
	/* the block device: pmem0, pmem0s (btt), pmem0.1 (a sub-namespace) */
	p = name;
	if (!word_digits(&p, end, "pmem"))
		return false;
	if (p < end && *p == '.' && !word_digits(&p, end, "."))
		return false;
	if (p < end && *p == 's')
		p++;
	return p == end;
}

static enum rb_memmap_dev dev_kind(const char *text, const char *dev,
				   const char *dev_end)
{
	if (rb_memmap_pmem_name(dev, (size_t)(dev_end - dev)))
		return RB_MEMMAP_DEV_PMEM;
	if (dev - text >= 5 && !memcmp(dev - 5, "node ", 5)) {
		for (; dev < dev_end && is_digit(*dev); dev++)
			;
		if (dev == dev_end)
			return RB_MEMMAP_DEV_NODE;
	}
	return RB_MEMMAP_DEV_OTHER;
}

static enum lit_match match_lit(const char **pp, const char *end,
				const char *lit)
{
	const char *p = *pp;

	for (; *lit; lit++, p++) {
		if (p == end)
			return LIT_CUT;
		if (*p != *lit)
			return LIT_MISMATCH;
	}
	*pp = p;
	return LIT_OK;
}

/*
 * A number at *@pp: LIT_OK (with @overflow set when it did not fit),
 * LIT_CUT at the end of the text, LIT_MISMATCH when there is no digit.
 */
static enum lit_match match_number(const char **pp, const char *end,
				   uint64_t *v, bool *overflow)
{
	int rc = rb_scan_u64(pp, end, v);

	if (rc == -EINVAL)
		return *pp == end ? LIT_CUT : LIT_MISMATCH;
	if (rc == -ERANGE)
		*overflow = true;
	/* digits running into the end of the text may be a cut number */
	return *pp == end ? LIT_CUT : LIT_OK;
}

static enum rb_memmap_match failed(enum lit_match r)
{
	return r == LIT_CUT ? RB_MEMMAP_TRUNCATED : RB_MEMMAP_NONE;
}

/*
 * "<N> pages in <M>ms" at @p. With @need_pages, a text that ends before
 * " p" is not called truncated: the old form's "<dev> initialised, <N>"
 * is too generic to claim on its own.
 */
static enum rb_memmap_match parse_tail(const char *p, const char *end,
				       bool need_pages,
				       struct rb_memmap_line *m)
{
	bool overflow = false;
	uint64_t pages, ms;
	const char *after_pages;
	enum lit_match r;

	r = match_number(&p, end, &pages, &overflow);
	if (r == LIT_CUT && need_pages)
		return RB_MEMMAP_NONE;
	if (r != LIT_OK)
		return failed(r);
	after_pages = p;
	r = match_lit(&p, end, " pages in ");
	if (r == LIT_CUT && need_pages && end - after_pages < 2)
		return RB_MEMMAP_NONE;
	if (r != LIT_OK)
		return failed(r);
	r = match_number(&p, end, &ms, &overflow);
	if (r != LIT_OK)
		return failed(r);
	r = match_lit(&p, end, "ms");
	if (r != LIT_OK)
		return failed(r);
	if (p < end && is_alnum(*p))
		return RB_MEMMAP_NONE;
	if (overflow)
		return RB_MEMMAP_INVALID;
	m->nr_pages = pages;
	m->ms = ms;
	return RB_MEMMAP_MATCH;
}

/* dyndbg's "t" decoration comes first: "[4321] " (or "<intr> "). */
static uint32_t decoration_tid(const char *p, const char *end)
{
	uint64_t tid;

	if (p == end || *p != '[')
		return 0;
	p++;
	if (rb_scan_u64(&p, end, &tid) || tid > UINT32_MAX)
		return 0;
	if (end - p < 2 || p[0] != ']' || p[1] != ' ')
		return 0;
	return (uint32_t)tid;
}

/* Keep the more telling of two failed outcomes. */
static enum rb_memmap_match worse(enum rb_memmap_match a,
				  enum rb_memmap_match b)
{
	return a > b ? a : b;
}

static enum rb_memmap_match parse_new_form(const char *text, const char *end,
					   struct rb_memmap_line *m)
{
	enum rb_memmap_match res = RB_MEMMAP_NONE, r;
	const char *p = text, *hit;

	while ((hit = memmem(p, (size_t)(end - p), NEW_FORM_FUNC,
			     strlen(NEW_FORM_FUNC)))) {
		p = hit + strlen(NEW_FORM_FUNC);
		switch (match_lit(&p, end, NEW_FORM_VERB)) {
		case LIT_CUT:
			return worse(res, RB_MEMMAP_TRUNCATED);
		case LIT_MISMATCH:
			continue;
		case LIT_OK:
			break;
		}
		r = parse_tail(p, end, false, m);
		if (r == RB_MEMMAP_MATCH)
			return r;
		res = worse(res, r);
	}
	return res;
}

static enum rb_memmap_match parse_old_form(const char *text, const char *end,
					   struct rb_memmap_line *m)
{
	enum rb_memmap_match res = RB_MEMMAP_NONE, r;
	const char *p = text, *hit, *dev;

	while ((hit = memmem(p, (size_t)(end - p), OLD_FORM_VERB,
			     strlen(OLD_FORM_VERB)))) {
		p = hit + strlen(OLD_FORM_VERB);
		/* dev_name(): one printable word right before the verb */
		for (dev = hit; dev > text && rb_is_name_byte((unsigned char)dev[-1]);
		     dev--)
			;
		if (dev == hit)
			continue;
		r = parse_tail(p, end, true, m);
		if (r == RB_MEMMAP_MATCH) {
			m->old_form = true;
			m->dev = dev;
			m->dev_len = (size_t)(hit - dev);
			m->dev_kind = dev_kind(text, dev, hit);
			return r;
		}
		res = worse(res, r);
	}
	return res;
}

/* A mailer wraps at a space: "... memmap_init_zone_device" ends a line. */
static bool ends_in_func(const char *text, const char *end)
{
	size_t n = strlen(NEW_FORM_FUNC) - 1;

	while (end > text && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	return (size_t)(end - text) >= n && !memcmp(end - n, NEW_FORM_FUNC, n);
}

enum rb_memmap_match rb_memmap_line_parse(const char *text, size_t len,
					  struct rb_memmap_line *m)
{
	const char *end = text + len;
	enum rb_memmap_match r;

	memset(m, 0, sizeof(*m));
	if (!text)
		return RB_MEMMAP_NONE;
	if (ends_in_func(text, end))
		return RB_MEMMAP_TRUNCATED;
	r = parse_new_form(text, end, m);
	if (r != RB_MEMMAP_MATCH)
		r = worse(r, parse_old_form(text, end, m));
	if (r == RB_MEMMAP_MATCH)
		m->tid = decoration_tid(text, end);
	return r;
}
