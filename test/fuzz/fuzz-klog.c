// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the kernel-log record parser and the memmap line
 * matcher. Each line goes to rb_klog_parse() in a heap buffer of exactly its
 * length and without a terminating NUL, so that AddressSanitizer catches any
 * read past @len; the record it returns must point inside that buffer, and
 * its text goes on to rb_memmap_line_parse(). A matched line printed again
 * in the kernel's format must parse to the same numbers. rb_scan_u64() is
 * checked against a digit-by-digit oracle.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "klog/klog-record.h"
#include "klog/memmap-line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define fuzz_assert(cond)                                                      \
	do {                                                                   \
		if (!(cond))                                                   \
			__builtin_trap();                                      \
	} while (0)

static void check_record(const char *line, size_t len,
			 const struct rb_klog_record *rec)
{
	fuzz_assert(rec->form >= RB_KLOG_BLANK && rec->form <= RB_KLOG_PLAIN);
	fuzz_assert(rb_klog_form_name(rec->form) != NULL);
	fuzz_assert(rec->prio >= -1);
	if (rec->text_len) {
		fuzz_assert(rec->text >= line);
		fuzz_assert(rec->text + rec->text_len <= line + len);
	}
}

static void check_memmap(const char *text, size_t len)
{
	struct rb_memmap_line m, again;
	enum rb_memmap_match ret;
	char buf[128];
	int n;

	memset(&m, 0xa5, sizeof(m));
	ret = rb_memmap_line_parse(text, len, &m);
	fuzz_assert(ret == RB_MEMMAP_NONE || ret == RB_MEMMAP_MATCH ||
		    ret == RB_MEMMAP_TRUNCATED || ret == RB_MEMMAP_INVALID);
	if (ret != RB_MEMMAP_MATCH)
		return;
	if (m.old_form) {
		fuzz_assert(m.dev >= text && m.dev + m.dev_len <= text + len);
		return;
	}
	n = snprintf(buf, sizeof(buf),
		     "memmap_init_zone_device initialised %" PRIu64
		     " pages in %" PRIu64 "ms",
		     m.nr_pages, m.ms);
	fuzz_assert(n > 0 && (size_t)n < sizeof(buf));
	fuzz_assert(rb_memmap_line_parse(buf, n, &again) == RB_MEMMAP_MATCH);
	fuzz_assert(!again.old_form && again.nr_pages == m.nr_pages &&
		    again.ms == m.ms);
}

static void parse_line(const uint8_t *p, size_t len)
{
	struct rb_klog_record rec;
	char *line;

	/* malloc(0) may return NULL; keep one byte and pass len 0. */
	line = malloc(len ? len : 1);
	if (!line)
		return;
	memcpy(line, p, len);
	memset(&rec, 0xa5, sizeof(rec));
	rb_klog_parse(line, len, &rec);
	check_record(line, len, &rec);
	if (rec.text_len)
		check_memmap(rec.text, rec.text_len);
	check_memmap(line, len);
	free(line);
}

/* rb_scan_u64() against a plain reimplementation of its contract. */
static void check_scan(const uint8_t *data, size_t size)
{
	const char *buf, *p, *end;
	uint64_t got = 0, want = 0;
	bool overflow = false;
	size_t digits = 0;
	char *copy;
	int ret;

	copy = malloc(size ? size : 1);
	if (!copy)
		return;
	memcpy(copy, data, size);
	buf = copy;
	end = buf + size;

	while (digits < size && buf[digits] >= '0' && buf[digits] <= '9') {
		unsigned int d = buf[digits] - '0';

		if (want > (UINT64_MAX - d) / 10)
			overflow = true;
		else if (!overflow)
			want = want * 10 + d;
		digits++;
	}

	p = buf;
	ret = rb_scan_u64(&p, end, &got);
	if (!digits) {
		fuzz_assert(ret == -EINVAL);
		fuzz_assert(p == buf);
	} else if (overflow) {
		fuzz_assert(ret == -ERANGE);
		fuzz_assert(p == buf + digits);
	} else {
		fuzz_assert(ret == 0);
		fuzz_assert(got == want);
		fuzz_assert(p == buf + digits);
	}
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size, *nl;

	/* The whole input as one line, newlines and all, then line by line. */
	parse_line(data, size);
	while (p < end) {
		nl = memchr(p, '\n', end - p);
		parse_line(p, (nl ? nl : end) - p);
		p = nl ? nl + 1 : end;
	}
	check_scan(data, size);
	return 0;
}
