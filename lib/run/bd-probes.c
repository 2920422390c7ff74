// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/breakdown.h"
#include "run/bd-probes.h"
#include "util/sysroot.h"

/* @sym is @func itself or a whole-function clone of it. */
static bool is_whole(const char *sym, const char *func)
{
	size_t n = strlen(func);

	if (strncmp(sym, func, n))
		return false;
	return !sym[n] || !strncmp(sym + n, ".isra.", 6) ||
	       !strncmp(sym + n, ".constprop.", 11);
}

/* "ffffffff81086510 T arch_add_memory [module]": the text symbol. */
static const char *text_symbol(char *line)
{
	char *type, *name;

	if (!strtok(line, " \t\n"))
		return NULL;
	type = strtok(NULL, " \t\n");
	name = strtok(NULL, " \t\n");
	if (!type || !name || (*type != 't' && *type != 'T') || type[1])
		return NULL;
	return name;
}

int rb_bd_resolve(const char *root, char syms[RB_NR_BD][RB_BD_SYM_LEN],
		  char why[RB_NR_BD][RB_BD_WHY_LEN])
{
	char *path = rb_root_path(root, "/proc/kallsyms");
	char line[512];
	FILE *f = path ? fopen(path, "re") : NULL;
	int fn, found = 0, rc;

	memset(syms, 0, RB_NR_BD * RB_BD_SYM_LEN);
	memset(why, 0, RB_NR_BD * RB_BD_WHY_LEN);
	if (!f) {
		rc = path ? -errno : -ENOMEM;
		snprintf(why[0], RB_BD_WHY_LEN,
			 "cannot read /proc/kallsyms: %s", strerror(-rc));
		free(path);
		return rc;
	}
	free(path);
	while (fgets(line, sizeof(line), f)) {
		const char *name = text_symbol(line);

		for (fn = 0; name && fn < RB_NR_BD; fn++) {
			/* The plain name wins over a clone. */
			if ((found & (1 << fn)) && !strchr(syms[fn], '.'))
				continue;
			if (!is_whole(name, rb_bd_fns[fn].func) ||
			    strlen(name) >= RB_BD_SYM_LEN)
				continue;
			snprintf(syms[fn], RB_BD_SYM_LEN, "%s", name);
			found |= 1 << fn;
		}
	}
	fclose(f);
	for (fn = 0; fn < RB_NR_BD; fn++)
		if (!(found & (1 << fn)))
			snprintf(why[fn], RB_BD_WHY_LEN,
				 "%s is not a symbol of this kernel (/proc/kallsyms): inlined into its caller, so it has no probe point of its own",
				 rb_bd_fns[fn].func);
	return found;
}
