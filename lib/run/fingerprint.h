/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machine and kernel a run happened on, recorded in every live results
 * document so that compare can tell when two runs are not comparable.
 */
#ifndef RB_FINGERPRINT_H
#define RB_FINGERPRINT_H

#include <json-c/json.h>

struct rb_kconfig;

/*
 * {"hostname", "kernel_release", "kernel_version", "cmdline", "hz",
 *  "config_source", "config": {"CONFIG_X": "y"|"m"|"n"|value},
 *  "cpu_model", "microcode", "nr_cpus", "hypervisor", "governor",
 *  "page_size"}. Files are read below @root (see sysroot.h); @kc may be
 * NULL when no kernel configuration was found, which omits "hz" and
 * "config". Facts that cannot be read are omitted ("governor" is null
 * without cpufreq). Returns NULL only on allocation failure.
 */
struct json_object *rb_fingerprint_collect(const char *root,
					   const struct rb_kconfig *kc);

#endif /* RB_FINGERPRINT_H */
