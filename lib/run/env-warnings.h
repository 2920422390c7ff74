/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Environment warnings of a live run: conditions that make the numbers
 * unrepresentative or remove a timing source. Each finding becomes a
 * warning with a stable id (listed in the JSON Schema); nothing is changed.
 */
#ifndef RB_ENV_WARNINGS_H
#define RB_ENV_WARNINGS_H

#include "results/document.h"

struct rb_kconfig;

/*
 * Check the system below @root (see sysroot.h) with its kernel
 * configuration @kc (NULL: none was found, which is itself a warning).
 * Appends warnings to @w:
 *   page-ref-tracepoint-enabled  page_ref_set on in tracefs or an instance
 *   sanitized-kernel             KASAN, KMSAN or KCSAN
 *   debug-vm-kernel              DEBUG_VM built in, or on at boot (command
 *                                line or config default): page_poison,
 *                                debug_pagealloc, init_on_free
 *   cpufreq-governor             a CPU's governor is not "performance"
 *   dyndbg-unavailable           no control file or no callsite
 *   kprobes-unavailable          no kprobe_events, or lockdown forbids them
 *   other-zone-device-users      test_hmm, amdgpu or nouveau loaded
 *   kernel-config-unavailable    @kc is NULL
 * Returns the mask of enum rb_source that cannot be measured here, or
 * -ENOMEM.
 */
int rb_env_warnings(struct rb_warnings *w, const char *root,
		    const struct rb_kconfig *kc);

/*
 * The last "@name=value" of the kernel command line @cmdline (as in
 * /proc/cmdline; '-' and '_' alike, quotes honoured, nothing after "--")
 * read the way kstrtobool() reads it: 1, 0, or -1 when absent or not a
 * boolean.
 */
int rb_cmdline_bool(const char *cmdline, const char *name);

#endif /* RB_ENV_WARNINGS_H */
