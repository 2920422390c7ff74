// SPDX-License-Identifier: GPL-2.0
/* The caveats and mismatches of a comparison, as the stages find them. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"

bool rb_cmp_str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int rb_cmp_add_caveat(struct rb_comparison *c, const char *fmt, ...)
{
	char **v, *s;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	v = reallocarray(c->caveats, c->nr_caveats + 1, sizeof(*v));
	if (!v) {
		free(s);
		return -ENOMEM;
	}
	c->caveats = v;
	c->caveats[c->nr_caveats++] = s;
	return 0;
}

/* Takes ownership of @base and @newer. */
int rb_cmp_add_mismatch(struct rb_comparison *c, const char *config,
			const char *field, char *base, char *newer,
			const char *action)
{
	struct rb_mismatch *v, *m;

	v = reallocarray(c->mismatches, c->nr_mismatches + 1, sizeof(*v));
	if (!v) {
		free(base);
		free(newer);
		return -ENOMEM;
	}
	c->mismatches = v;
	m = &v[c->nr_mismatches++];
	m->config = config ? strdup(config) : NULL;
	m->field = strdup(field);
	m->base = base;
	m->newer = newer;
	m->action = strdup(action);
	return 0;
}

