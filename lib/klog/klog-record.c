// SPDX-License-Identifier: GPL-2.0
/*
 * Container parser for captured kernel logs. Each recogniser either claims
 * the line completely or leaves @rec untouched, so the order in
 * rb_klog_parse() only decides between forms that could both match.
 * Everything works on (pointer, end) pairs: lines may hold NULs and need
 * not be terminated.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "klog/klog-record.h"
#include "util/util.h"

#define USEC_PER_SEC 1000000ULL
/* Longest "<stamp> <host> kernel: " prefix looked at for journal lines. */
#define JOURNAL_PREFIX_MAX 160
/* Longest "[Wed Nov 25 18:00:01 2026]" (dmesg -T) stamp. */
#define CTIME_STAMP_MAX 40

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static const char *skip_spaces(const char *p, const char *end)
{
	while (p < end && is_space(*p))
		p++;
	return p;
}

static bool has_prefix(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

int rb_scan_u64(const char **pp, const char *end, uint64_t *out)
{
	const char *p = *pp;
	bool overflow = false;
	uint64_t v = 0;

	if (p >= end || !is_digit(*p))
		return -EINVAL;
	for (; p < end && is_digit(*p); p++) {
		unsigned int d = (unsigned int)(*p - '0');

		if (v > (UINT64_MAX - d) / 10)
			overflow = true;
		else
			v = v * 10 + d;
	}
	*pp = p;
	if (overflow)
		return -ERANGE;
	*out = v;
	return 0;
}

static void set_text(struct rb_klog_record *rec, const char *p,
		     const char *end)
{
	rec->text = p;
	rec->text_len = (size_t)(end - p);
}

/*
 * "[   12.345678]" at @p. Returns the byte after ']' and the stamp in
 * @usec, or NULL when @p holds no stamp; *@cut is set when the line ends
 * inside something that started like one.
 */
static const char *parse_stamp(const char *p, const char *end,
			       uint64_t *usec, bool *cut)
{
	unsigned int ndig = 0;
	uint64_t sec, frac = 0;

	if (p >= end || *p != '[')
		return NULL;
	p = skip_spaces(p + 1, end);
	/* "[" alone (a line of pasted JSON) is no stamp, cut or not */
	if (rb_scan_u64(&p, end, &sec))
		return NULL;
	if (p == end || *p != '.')
		goto not_stamp;
	for (p++; p < end && is_digit(*p); p++) {
		/* dmesg prints microseconds; extra digits only add noise */
		if (ndig < 6) {
			frac = frac * 10 + (uint64_t)(*p - '0');
			ndig++;
		}
	}
	if (p == end || *p != ']' || !ndig)
		goto not_stamp;
	for (; ndig < 6; ndig++)
		frac *= 10;
	if (sec > (UINT64_MAX - frac) / USEC_PER_SEC)
		return NULL;
	*usec = sec * USEC_PER_SEC + frac;
	return p + 1;

not_stamp:
	if (p == end)
		*cut = true;
	return NULL;
}

/*
 * The caller id dmesg (and the console) print after the stamp when the
 * kernel has CONFIG_PRINTK_CALLER: "[  T4321]" or "[    C0]". Returns
 * the byte after it, or @p when there is none.
 */
static const char *parse_caller_bracket(const char *p, const char *end,
					uint32_t *tid)
{
	const char *q = p;
	uint64_t id;
	char kind;

	if (q < end && *q == ' ')
		q++;
	if (q >= end || *q != '[')
		return p;
	q = skip_spaces(q + 1, end);
	if (q >= end || (*q != 'T' && *q != 'C'))
		return p;
	kind = *q++;
	if (rb_scan_u64(&q, end, &id) || q >= end || *q != ']')
		return p;
	if (kind == 'T' && id <= UINT32_MAX)
		*tid = (uint32_t)id;
	return q + 1;
}

/*
 * What follows a dmesg prefix: an optional stamp and caller id, then the
 * text after one separating space.
 */
static void parse_stamped_text(const char *p, const char *end,
			       struct rb_klog_record *rec)
{
	const char *q;
	bool cut = false;

	q = parse_stamp(p, end, &rec->ts_usec, &cut);
	if (q) {
		rec->has_ts = true;
		p = parse_caller_bracket(q, end, &rec->tid);
		if (p < end && *p == ' ')
			p++;
	} else if (cut) {
		rec->truncated = true;
		p = end;
	}
	set_text(rec, p, end);
}

/* "caller=T4321", "caller=T12@C3", "caller=C0": only T gives a tid. */
static void parse_kmsg_field(const char *p, const char *end, uint32_t *tid)
{
	uint64_t id;

	if (!has_prefix(p, end, "caller=T"))
		return;
	p += strlen("caller=T");
	if (rb_scan_u64(&p, end, &id) == 0 && id <= UINT32_MAX)
		*tid = (uint32_t)id;
}

/* "<prio>,<seq>,<usec>,<flags>[,<field>...];<text>" */
static bool parse_kmsg(const char *p, const char *end,
		       struct rb_klog_record *rec)
{
	uint64_t prio, seq, usec = 0;
	bool has_usec = false;
	uint32_t tid = 0;
	const char *f;

	if (rb_scan_u64(&p, end, &prio) || prio > INT_MAX)
		return false;
	if (p == end || *p != ',')
		return false;
	p++;
	if (rb_scan_u64(&p, end, &seq))
		return false;
	if (p == end)
		goto cut;
	if (*p != ',')
		return false;
	p++;
	if (p < end) {
		if (rb_scan_u64(&p, end, &usec))
			return false;
		if (p == end)
			goto cut; /* the stamp itself may be cut short */
		if (*p != ',')
			return false;
		has_usec = true;
		p++;
	}
	/* flags, then any further comma fields up to ';' */
	for (f = p; p < end && *p != ';'; p++) {
		if (*p == ',') {
			parse_kmsg_field(f, p, &tid);
			f = p + 1;
		}
	}
	if (p == end)
		goto cut;
	parse_kmsg_field(f, p, &tid);
	rec->form = RB_KLOG_KMSG;
	rec->prio = (int)prio;
	rec->has_seq = true;
	rec->seq = seq;
	rec->has_ts = true;
	rec->ts_usec = usec;
	rec->tid = tid;
	set_text(rec, p + 1, end);
	return true;

cut:
	/* a header cut off before its ';': keep what it told us */
	rec->form = RB_KLOG_KMSG;
	rec->prio = (int)prio;
	rec->has_seq = true;
	rec->seq = seq;
	rec->has_ts = has_usec;
	rec->ts_usec = usec;
	rec->tid = tid;
	rec->truncated = true;
	set_text(rec, end, end);
	return true;
}

/* " KEY=value": dictionary continuation of the previous kmsg record. */
static bool parse_kmsg_dict(const char *p, const char *end,
			    struct rb_klog_record *rec)
{
	const char *q = p + 1;

	if (*p != ' ' || q >= end || !is_upper(*q))
		return false;
	while (q < end && (is_upper(*q) || is_digit(*q) || *q == '_'))
		q++;
	if (q >= end || *q != '=')
		return false;
	rec->form = RB_KLOG_KMSG_DICT;
	set_text(rec, p + 1, end);
	return true;
}

/* "<7>[   12.345678] text" (dmesg -r), also without the stamp. */
static bool parse_dmesg_raw(const char *p, const char *end,
			    struct rb_klog_record *rec)
{
	uint64_t prio;

	p++;
	if (rb_scan_u64(&p, end, &prio) || prio > INT_MAX)
		return false;
	if (p == end || *p != '>')
		return false;
	rec->form = RB_KLOG_DMESG_RAW;
	rec->prio = (int)prio;
	parse_stamped_text(p + 1, end, rec);
	return true;
}

static const char *const facility_names[] = {
	"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news",
	"uucp", "cron", "authpriv", "ftp", "res0", "res1", "res2", "res3",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6",
	"local7",
};

static const char *const level_names[] = {
	"emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
};

/* A word from @names at @p followed by optional spaces and ':'. */
static int match_name(const char **pp, const char *end,
		      const char *const *names, int nr)
{
	const char *p = *pp, *w = p;
	int i;

	while (p < end && (is_lower(*p) || is_digit(*p)))
		p++;
	for (i = 0; i < nr; i++) {
		if (strlen(names[i]) == (size_t)(p - w) &&
		    memcmp(w, names[i], (size_t)(p - w)) == 0)
			break;
	}
	if (i == nr)
		return -1;
	p = skip_spaces(p, end);
	if (p == end || *p != ':')
		return -1;
	*pp = p + 1;
	return i;
}

/* "kern  :debug : [   12.345678] text" (dmesg -x). */
static bool parse_dmesg_decoded(const char *p, const char *end,
				struct rb_klog_record *rec)
{
	int fac, lvl;

	fac = match_name(&p, end, facility_names,
			 (int)(sizeof(facility_names) /
			       sizeof(facility_names[0])));
	if (fac < 0)
		return false;
	lvl = match_name(&p, end, level_names,
			 (int)ARRAY_SIZE(level_names));
	if (lvl < 0)
		return false;
	if (p < end && *p == ' ')
		p++;
	rec->form = RB_KLOG_DMESG;
	rec->prio = (fac << 3) | lvl;
	parse_stamped_text(p, end, rec);
	return true;
}

/* "[Wed Nov 25 18:00:01 2026] text" (dmesg -T): a stamp without ts. */
static bool parse_dmesg_ctime(const char *p, const char *end,
			      struct rb_klog_record *rec)
{
	const char *q;
	size_t max = (size_t)(end - p);

	if (max > CTIME_STAMP_MAX)
		max = CTIME_STAMP_MAX;
	if (max < 5 || !is_upper(p[1]) || !is_lower(p[2]) || !is_lower(p[3]) ||
	    p[4] != ' ')
		return false;
	q = memchr(p, ']', max);
	if (!q || !memchr(p, ':', (size_t)(q - p)))
		return false;
	q = parse_caller_bracket(q + 1, end, &rec->tid);
	if (q < end && *q == ' ')
		q++;
	rec->form = RB_KLOG_DMESG;
	set_text(rec, q, end);
	return true;
}

/*
 * journalctl -k (and syslog files): "<stamp> <host> kernel: text", where
 * the stamp is "Nov 25 18:00:01[.123456]", "Wed 2026-11-25 18:00:01 UTC",
 * an ISO or unix time, or "[   12.345678]" (short-monotonic, the only one
 * kept as a timestamp: wall-clock stamps are not printk time). A printk
 * stamp inside the text ("kernel: [   12.345678] text") is used too.
 */
static bool parse_journal(const char *p, const char *end,
			  struct rb_klog_record *rec)
{
	size_t max = (size_t)(end - p);
	const char *k, *host, *q;
	uint64_t usec;
	bool cut = false;
	bool mono = false;

	if (max > JOURNAL_PREFIX_MAX)
		max = JOURNAL_PREFIX_MAX;
	k = memmem(p, max, " kernel:", strlen(" kernel:"));
	if (!k || k == p)
		return false;
	/* the host name: one word right before " kernel:" */
	for (host = k; host > p && !is_space(host[-1]); host--)
		;
	if (host == k)
		return false;
	/* the stamp: everything before the host name ("host kernel: " alone
	 * is a syslog prefix without one) */
	if (host == p) {
		if (memchr(p, ':', (size_t)(k - p)))
			return false;
	} else if (*p == '[') {
		q = parse_stamp(p, end, &usec, &cut);
		if (!q || skip_spaces(q, end) != host)
			return false;
		mono = true;
	} else if (!is_digit(*p) && !is_upper(*p)) {
		return false;
	} else if (!memchr(p, ':', (size_t)(host - p)) && !is_digit(*p)) {
		return false;
	}
	q = k + strlen(" kernel:");
	if (q < end && *q != ' ')
		return false;
	if (q < end)
		q++;
	rec->form = RB_KLOG_JOURNAL;
	if (mono) {
		rec->has_ts = true;
		rec->ts_usec = usec;
	}
	parse_stamped_text(q, end, rec);
	return true;
}

/* "[   12.345678] text" or "[   12.345678] [  T4321] text" (dmesg). */
static bool parse_dmesg(const char *p, const char *end,
			struct rb_klog_record *rec)
{
	uint64_t usec;
	bool cut = false;

	if (!parse_stamp(p, end, &usec, &cut) && !cut)
		return parse_dmesg_ctime(p, end, rec);
	rec->form = RB_KLOG_DMESG;
	parse_stamped_text(p, end, rec);
	return true;
}

static bool is_key_char(char c)
{
	return is_lower(c) || is_upper(c) || is_digit(c) || c == '_' ||
	       c == '-' || c == '.';
}

/*
 * logfmt: key=value pairs, one of them the kernel line in quotes
 * (vmconsole="[   12.345678] text"). Narrows [*@pp, *@endp) to the first
 * quoted value that starts like a log record ('[', '<' or a digit).
 * Escapes inside are left as they are: kernel lines rarely hold quotes.
 */
static void strip_logfmt(const char **pp, const char **endp)
{
	const char *p = *pp, *end = *endp, *v, *q;

	while (p < end) {
		for (q = p; q < end && is_key_char(*q); q++)
			;
		if (q == p || q == end || *q != '=')
			return;
		v = ++q;
		if (v < end && *v == '"') {
			for (q = ++v; q < end && *q != '"'; q++)
				if (*q == '\\' && q + 1 < end)
					q++;
			if (v < q && (*v == '[' || *v == '<' || is_digit(*v))) {
				*pp = v;
				*endp = q;
				return;
			}
			if (q < end)
				q++;
		} else {
			while (q < end && !is_space(*q))
				q++;
		}
		p = skip_spaces(q, end);
	}
}

/*
 * What a paste adds in front of a log line: indentation, mail quoting
 * ("> ", ">> ", "> > "), a logfmt wrapper and a bare "kernel: ".
 */
static const char *strip_prefixes(const char *p, const char **endp)
{
	for (;;) {
		p = skip_spaces(p, *endp);
		if (p < *endp && *p == '>')
			p++;
		else
			break;
	}
	if (p < *endp && (is_lower(*p) || is_upper(*p)))
		strip_logfmt(&p, endp);
	if (has_prefix(p, *endp, "kernel: "))
		p += strlen("kernel: ");
	return p;
}

void rb_klog_parse(const char *line, size_t len, struct rb_klog_record *rec)
{
	const char *p = line, *end = line + len;

	memset(rec, 0, sizeof(*rec));
	rec->prio = -1;
	rec->form = RB_KLOG_PLAIN;
	while (end > p && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	set_text(rec, p, end);

	if (skip_spaces(p, end) == end) {
		rec->form = RB_KLOG_BLANK;
		return;
	}
	if (parse_kmsg_dict(p, end, rec))
		return;
	p = strip_prefixes(p, &end);
	set_text(rec, p, end);
	if (p == end) {
		rec->form = RB_KLOG_BLANK;
		return;
	}
	switch (*p) {
	case '<':
		parse_dmesg_raw(p, end, rec);
		return;
	case '[':
		if (!parse_journal(p, end, rec))
			parse_dmesg(p, end, rec);
		return;
	case '-':
		if (has_prefix(p, end, "-- Boot ") ||
		    has_prefix(p, end, "-- Reboot --"))
			rec->form = RB_KLOG_BOOT;
		return;
	default:
		break;
	}
	if (is_digit(*p)) {
		if (!parse_kmsg(p, end, rec))
			parse_journal(p, end, rec);
		return;
	}
	if (!parse_dmesg_decoded(p, end, rec))
		parse_journal(p, end, rec);
}

const char *rb_klog_form_name(enum rb_klog_form form)
{
	switch (form) {
	case RB_KLOG_BLANK:
		return "blank";
	case RB_KLOG_KMSG:
		return "kmsg";
	case RB_KLOG_KMSG_DICT:
		return "kmsg-dict";
	case RB_KLOG_DMESG_RAW:
		return "dmesg-raw";
	case RB_KLOG_DMESG:
		return "dmesg";
	case RB_KLOG_JOURNAL:
		return "journal";
	case RB_KLOG_BOOT:
		return "boot";
	case RB_KLOG_PLAIN:
		return "plain";
	}
	return "unknown";
}
