/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which functions of the --breakdown set (results/breakdown.h) this kernel
 * has as symbols a kprobe can sit on. A static function the compiler
 * inlined (pagemap_range, in Debian's 6.1 and 6.12) has no symbol: it is
 * skipped and the document says why, never a failure.
 */
#ifndef RB_BD_PROBES_H
#define RB_BD_PROBES_H

#include "results/document.h"

#define RB_BD_SYM_LEN 64
#define RB_BD_WHY_LEN 160

/*
 * Look the set up in <@root>/proc/kallsyms: the exact name, or a whole
 * GCC clone ("name.isra.0", "name.constprop.0"), never a fragment
 * (".part.N", ".cold"). Fills @syms[fn] ("" when absent) and @why[fn]
 * for the absent ones. Returns the mask of functions found, or -errno
 * when kallsyms cannot be read (reason in @why[0]).
 */
int rb_bd_resolve(const char *root, char syms[RB_NR_BD][RB_BD_SYM_LEN],
		  char why[RB_NR_BD][RB_BD_WHY_LEN]);

#endif /* RB_BD_PROBES_H */
