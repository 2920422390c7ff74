/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running kernel's build configuration, read from /proc/config.gz,
 * /boot/config-$(uname -r), /lib/modules/$(uname -r)/config or the build
 * tree's .config, whichever is found first.
 */
#ifndef RB_UTIL_KCONFIG_H
#define RB_UTIL_KCONFIG_H

#include <stdbool.h>
#include <stddef.h>

struct rb_kconfig;

/*
 * Load the configuration of kernel @release (NULL: uname -r) below @root
 * (see sysroot.h). Returns NULL when no readable configuration exists.
 */
struct rb_kconfig *rb_kconfig_load(const char *root, const char *release);

/* Parse "CONFIG_X=y" and "# CONFIG_X is not set" lines; NULL on ENOMEM. */
struct rb_kconfig *rb_kconfig_parse(const char *text, size_t len);
void rb_kconfig_free(struct rb_kconfig *kc);

/* File the configuration came from, or "" when parsed from memory. */
const char *rb_kconfig_source(const struct rb_kconfig *kc);
size_t rb_kconfig_count(const struct rb_kconfig *kc);

/* The @i-th option in name order, for walks by prefix; false past the end. */
bool rb_kconfig_entry(const struct rb_kconfig *kc, size_t i,
		      const char **name, const char **value);

/*
 * Value of option @name ("HZ" or "CONFIG_HZ"): "y", "m", "n" for "is not
 * set", a string without its quotes, or the number as written. NULL when
 * the configuration does not mention the option at all.
 */
const char *rb_kconfig_get(const struct rb_kconfig *kc, const char *name);

/* "y" or "m". */
bool rb_kconfig_enabled(const struct rb_kconfig *kc, const char *name);

/* Integer value, or @def when absent or not a number. */
long rb_kconfig_long(const struct rb_kconfig *kc, const char *name, long def);

#endif /* RB_UTIL_KCONFIG_H */
