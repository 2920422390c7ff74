/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel configuration reader moved to util/kconfig.h, since the
 * target layer's capability checks read it too; this name stays until
 * its includers switch.
 */
#ifndef RB_KCONFIG_H
#define RB_KCONFIG_H

#include "util/kconfig.h"

#endif /* RB_KCONFIG_H */
