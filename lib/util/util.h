/* SPDX-License-Identifier: GPL-2.0 */
/* Small helpers every layer uses. */
#ifndef RB_UTIL_H
#define RB_UTIL_H

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif /* RB_UTIL_H */
