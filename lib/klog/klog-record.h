/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One line of a captured kernel log, in whatever container it came in:
 * /dev/kmsg records, dmesg (with or without stamps, -r, -x, -T),
 * journalctl -k / syslog short lines, or plain message text. The parser
 * never allocates and never reads past @len; the message text it returns
 * points into the caller's buffer.
 */
#ifndef RB_KLOG_RECORD_H
#define RB_KLOG_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rb_klog_form {
	RB_KLOG_BLANK,		/* empty or whitespace-only line */
	RB_KLOG_KMSG,		/* "<prio>,<seq>,<usec>,<flags>[,...];text" */
	RB_KLOG_KMSG_DICT,	/* " KEY=value" continuation of a kmsg record */
	RB_KLOG_DMESG_RAW,	/* dmesg -r: "<7>[   12.345678] text" */
	RB_KLOG_DMESG,		/* dmesg: "[   12.345678] text", -x, -T */
	RB_KLOG_JOURNAL,	/* "Nov 25 18:00:01 host kernel: text" */
	RB_KLOG_BOOT,		/* journalctl "-- Boot <id> --" separator */
	RB_KLOG_PLAIN,		/* anything else: all of it is text */
};

struct rb_klog_record {
	enum rb_klog_form form;
	int prio;		/* (facility << 3) | level, -1 unknown */
	bool has_seq;
	uint64_t seq;		/* /dev/kmsg sequence number */
	bool has_ts;
	uint64_t ts_usec;	/* printk timestamp (local_clock), usec */
	uint32_t tid;		/* caller thread id, 0 unknown */
	bool truncated;		/* the container looks cut off */
	const char *text;	/* message text, not NUL-terminated */
	size_t text_len;
};

/*
 * Parse one line (without or with its trailing newline). Always fills
 * @rec; a line that fits no container is RB_KLOG_PLAIN.
 */
void rb_klog_parse(const char *line, size_t len, struct rb_klog_record *rec);

const char *rb_klog_form_name(enum rb_klog_form form);

/*
 * Decimal digits at *@pp (not past @end) into @out. Returns 0, -EINVAL when
 * there is no digit, or -ERANGE when the number does not fit in 64 bits;
 * on success and on -ERANGE *@pp is advanced past all the digits.
 */
int rb_scan_u64(const char **pp, const char *end, uint64_t *out);

#endif /* RB_KLOG_RECORD_H */
