/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The memmap_init_zone_device() lines printed during one bind, read from
 * /dev/kmsg: seek to the end before the bind, read until EAGAIN after it.
 * The line does not name the device and fsdax may print it from a kworker,
 * so lines are attributed to the bind by their nr_pages.
 */
#ifndef RB_KMSG_WINDOW_H
#define RB_KMSG_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RB_KMSG_MAX_LINES 64

struct rb_kmsg_line {
	uint64_t nr_pages;
	uint64_t ms;
	bool has_seq;
	uint64_t seq;
	bool has_ts;
	uint64_t ts_usec;
	uint32_t tid; /* 0 unknown */
};

struct rb_kmsg_result {
	unsigned int nr_seen; /* memmap lines in the window */
	unsigned int nr_ranges; /* lines attributed to this bind */
	uint64_t nr_pages; /* their sum */
	uint64_t ms; /* their sum */
	bool has_seq;
	uint64_t seq; /* of the first attributed line */
	bool has_ts;
	uint64_t ts_usec;
	bool matched; /* the sum equals the expected count */
	bool overrun; /* records were lost (EPIPE) */
};

struct rb_kmsg_window {
	int fd;
	bool overrun;
	unsigned int nr_lines;
	struct rb_kmsg_line lines[RB_KMSG_MAX_LINES];
};

/* Open /dev/kmsg below @root. Returns 0 or -errno, reason in @why. */
int rb_kmsg_open(struct rb_kmsg_window *w, const char *root, char *why,
		 size_t whylen);

/* Skip everything printed so far; call right before the bind. */
int rb_kmsg_arm(struct rb_kmsg_window *w);

/*
 * Read what the bind printed and attribute it (see rb_kmsg_attribute).
 * Returns 0 or -errno of a read error other than EAGAIN/EPIPE/EINTR.
 */
int rb_kmsg_collect(struct rb_kmsg_window *w, uint64_t expected,
		    struct rb_kmsg_result *res);

void rb_kmsg_close(struct rb_kmsg_window *w);

/*
 * Feed one /dev/kmsg record (one read()); memmap lines are kept. Returns
 * true when it was a memmap line. Exposed for unit tests.
 */
bool rb_kmsg_feed(struct rb_kmsg_window *w, const char *rec, size_t len);

/*
 * Pick the lines of this bind: all of them when @expected is 0 or they sum
 * to it; else the first single line equal to it; else all (matched false,
 * the caller warns).
 */
void rb_kmsg_attribute(const struct rb_kmsg_line *lines, unsigned int nr,
		       uint64_t expected, struct rb_kmsg_result *res);

#endif /* RB_KMSG_WINDOW_H */
