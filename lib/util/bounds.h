/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bounds on input, all in one place (the README lists them). Each is
 * far beyond real data, so that a file which passes one is no real
 * capture or document: it gets one error line and exit status 2, not a
 * run that eats the machine's memory.
 */
#ifndef RB_BOUNDS_H
#define RB_BOUNDS_H

/*
 * Bytes of one input file of import or compare. A results document of a
 * full day's runs is a few MiB; `journalctl -k` of a year of boots some
 * hundred MiB: cut a capture to the benchmark's boots (-b).
 */
#define RB_MAX_INPUT_BYTES (256u << 20)

/* One line of a capture: printk records are at most 1 KiB of text. */
#define RB_MAX_LINE_BYTES 65536u

/* Configurations of one document (import: opened from one capture). */
#define RB_MAX_CONFIGS 65536u

/*
 * Samples of one document: cold, warm-up and steady binds of every
 * configuration (import: memmap lines of one capture).
 */
#define RB_MAX_SAMPLES (1u << 20)

#endif /* RB_BOUNDS_H */
