/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit status of both front ends; documented in README.md and the man pages.
 * Scripts rely on these numbers: never renumber, only append.
 */
#ifndef RB_EXIT_CODES_H
#define RB_EXIT_CODES_H

enum rb_exit {
	RB_EXIT_OK = 0,
	RB_EXIT_FAILURE = 1, /* a bind, reconfigure or I/O step failed */
	RB_EXIT_USAGE = 2, /* bad option, argument or input file */
	RB_EXIT_REGRESSION = 3, /* compare --fail-on-regression found one */
	RB_EXIT_BUSY = 4, /* device in use, another run, or no --force */
	RB_EXIT_INTERRUPTED = 5, /* signal: restored, partial results written */
	RB_EXIT_ENV = 6, /* not root, no such device, kernel lacks a facility */
	RB_EXIT_RESTORE = 7, /* not restored, or the undo record untrusted */
};

#endif /* RB_EXIT_CODES_H */
