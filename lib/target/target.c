// SPDX-License-Identifier: GPL-2.0
/*
 * rb_target_from_saved(): the one place that knows both families, so that
 * neither nd-target.c nor dax-target.c needs the other.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "util/json.h"
#include "target/target-priv.h"

int rb_target_from_saved(struct json_object *rec,
			 const struct rb_target_opts *opts,
			 struct rb_target **out, char *err, size_t errlen)
{
	const char *kind = rec ? rb_json_get_str(rec, "kind") : NULL;

	if (kind && strcmp(kind, "nd") == 0)
		return rb_nd_target_from_saved(rec, opts, out, err, errlen);
	if (kind && strcmp(kind, "dax") == 0)
		return rb_dax_target_from_saved(rec, opts, out, err, errlen);
	snprintf(err, errlen, "saved target record has no valid \"kind\"");
	return -EINVAL;
}
