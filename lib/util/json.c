// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include "util/json.h"

int rb_json_put(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

int rb_json_put_str(struct json_object *o, const char *key, const char *s)
{
	return s ? rb_json_put(o, key, json_object_new_string(s)) : 0;
}

int rb_json_put_u64(struct json_object *o, const char *key, uint64_t v)
{
	return rb_json_put(o, key, json_object_new_uint64(v));
}

int rb_json_append(struct json_object *arr, struct json_object *v)
{
	if (!v || json_object_array_add(arr, v)) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *rb_json_figure(double x, int digits)
{
	char buf[40];

	if (!isfinite(x))
		return NULL;
	snprintf(buf, sizeof(buf), "%.*g", digits, x);
	return json_object_new_double_s(x, buf);
}

/* @key of @o when it has @type, else NULL. */
static struct json_object *typed(struct json_object *o, const char *key,
				 enum json_type type)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, type))
		return NULL;
	return v;
}

const char *rb_json_get_str(struct json_object *o, const char *key)
{
	struct json_object *v = typed(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

bool rb_json_get_u64(struct json_object *o, const char *key, uint64_t *val)
{
	struct json_object *v = typed(o, key, json_type_int);

	if (v)
		*val = json_object_get_uint64(v);
	return v;
}

bool rb_json_get_bool(struct json_object *o, const char *key, bool *val)
{
	struct json_object *v = typed(o, key, json_type_boolean);

	if (v)
		*val = json_object_get_boolean(v);
	return v;
}

int rb_json_copy_str(struct json_object *o, const char *key, char *buf,
		     size_t len)
{
	struct json_object *v = typed(o, key, json_type_string);

	if (!v)
		return -EINVAL;
	if ((size_t)json_object_get_string_len(v) >= len)
		return -ERANGE;
	snprintf(buf, len, "%s", json_object_get_string(v));
	return 0;
}
