/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line diagnostics on stderr, prefixed with the program name, in the
 * shape ndctl uses: "ndctl-rebind-bench: error: namespace9.9: no such
 * namespace". Results never go through here: they belong on stdout.
 */
#ifndef RB_LOG_H
#define RB_LOG_H

#include <stdbool.h>

void rb_log_init(const char *prog);
const char *rb_prog(void);
void rb_set_verbose(bool verbose);
bool rb_verbose(void);

void rb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rb_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rb_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Printed only with --verbose. */
void rb_dbg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* RB_LOG_H */
