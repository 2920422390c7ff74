// SPDX-License-Identifier: GPL-2.0
/*
 * Typed, bounded access to a document being loaded: each getter checks
 * the type, the range and the characters of one member and, on the first
 * problem, records it with its JSON path.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "results/loader.h"
#include "util/text.h"

bool ld_fail(struct loader *ld, const char *where, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (ld->failed)
		return false;
	ld->failed = true;
	if (!ld->err || !ld->errlen)
		return false;
	if (where && *where)
		n = snprintf(ld->err, ld->errlen, "%s: ", where);
	if (n < ld->errlen) {
		va_start(ap, fmt);
		vsnprintf(ld->err + n, ld->errlen - n, fmt, ap);
		va_end(ap);
	}
	return false;
}

const char *ld_type_name(struct json_object *v)
{
	return json_type_to_name(json_object_get_type(v));
}

/* "where.key" or "where[i]" for error messages. */
void ld_sub_path(char *buf, size_t len, const char *where, const char *key)
{
	snprintf(buf, len, "%s%s%s", where, *where ? "." : "", key);
}

/*
 * Member @key of @o of type @type. Returns the member, or NULL when it is
 * absent (an error only if @required) or of the wrong type (always one).
 */
struct json_object *ld_member(struct loader *ld, struct json_object *o,
			      const char *where, const char *key,
			      enum json_type type, bool required)
{
	struct json_object *v;
	char path[256];

	if (ld->failed)
		return NULL;
	ld_sub_path(path, sizeof(path), where, key);
	if (!json_object_object_get_ex(o, key, &v)) {
		if (required)
			ld_fail(ld, where, "missing required key \"%s\"", key);
		return NULL;
	}
	if (!v) {
		ld_fail(ld, path, "expected %s, got null",
			json_type_to_name(type));
		return NULL;
	}
	if (!json_object_is_type(v, type)) {
		ld_fail(ld, path, "expected %s, got %s",
			json_type_to_name(type), ld_type_name(v));
		return NULL;
	}
	return v;
}

/* An unsigned integer member no larger than @max; false when absent. */
bool ld_get_u64(struct loader *ld, struct json_object *o, const char *where,
		const char *key, bool required, uint64_t max, uint64_t *out)
{
	struct json_object *v =
		ld_member(ld, o, where, key, json_type_int, required);
	char path[256];
	uint64_t u;

	if (!v)
		return false;
	ld_sub_path(path, sizeof(path), where, key);
	/* json-c keeps values above INT64_MAX as unsigned: ask both ways. */
	if (json_object_get_int64(v) < 0)
		return ld_fail(ld, path, "expected a non-negative integer");
	u = json_object_get_uint64(v);
	/* json-c saturates what does not fit: do not print its 2^64 - 1 */
	if (u == UINT64_MAX && max < UINT64_MAX)
		return ld_fail(ld, path, "out of range (at most %llu)",
			       (unsigned long long)max);
	if (u > max)
		return ld_fail(ld, path, "%llu is out of range (at most %llu)",
			       (unsigned long long)u, (unsigned long long)max);
	*out = u;
	return true;
}

bool ld_get_uint(struct loader *ld, struct json_object *o, const char *where,
		 const char *key, bool required, unsigned int *out)
{
	uint64_t u;

	if (!ld_get_u64(ld, o, where, key, required, UINT_MAX, &u))
		return false;
	*out = u;
	return true;
}

/*
 * Strings reach terminals, Markdown and commit messages: no control
 * characters (escape sequences, newlines, NUL, DEL) in anything kept.
 */
bool ld_safe_string(struct loader *ld, const char *where, const char *s,
		    size_t len)
{
	const char *c = rb_find_control(s, len);

	if (c)
		return ld_fail(ld, where,
			       "control character 0x%02x in a string",
			       (unsigned char)*c);
	return true;
}

/* A string member, duplicated into @*out (left alone when absent). */
bool ld_get_str(struct loader *ld, struct json_object *o, const char *where,
		const char *key, bool required, char **out)
{
	struct json_object *v =
		ld_member(ld, o, where, key, json_type_string, required);
	char path[256];
	char *s;

	if (!v)
		return false;
	ld_sub_path(path, sizeof(path), where, key);
	if (!ld_safe_string(ld, path, json_object_get_string(v),
			    json_object_get_string_len(v)))
		return false;
	s = strdup(json_object_get_string(v));
	if (!s)
		return ld_fail(ld, where, "out of memory");
	free(*out);
	*out = s;
	return true;
}

bool ld_get_bool(struct loader *ld, struct json_object *o, const char *where,
		 const char *key, bool *out)
{
	struct json_object *v =
		ld_member(ld, o, where, key, json_type_boolean, true);

	if (!v)
		return false;
	*out = json_object_get_boolean(v);
	return true;
}

/* The schema's enums: @val (NULL when absent) must be one of @allowed. */
bool ld_one_of(struct loader *ld, const char *where, const char *key,
	       const char *val, const char *const *allowed)
{
	size_t i;

	if (!val || ld->failed)
		return !ld->failed;
	for (i = 0; allowed[i]; i++)
		if (!strcmp(val, allowed[i]))
			return true;
	return ld_fail(ld, where, "%s \"%s\" is not one of the schema's values",
		       key, val);
}

/* Every string inside @v, at any depth, passes ld_safe_string(). */
bool ld_safe_tree(struct loader *ld, const char *where, struct json_object *v,
		  int depth)
{
	size_t i, n;

	if (depth > RB_DOC_MAX_DEPTH)
		return ld_fail(ld, where, "nested too deeply");
	switch (json_object_get_type(v)) {
	case json_type_string:
		return ld_safe_string(ld, where, json_object_get_string(v),
				      json_object_get_string_len(v));
	case json_type_array:
		n = json_object_array_length(v);
		for (i = 0; i < n; i++)
			if (!ld_safe_tree(ld, where,
					  json_object_array_get_idx(v, i),
					  depth + 1))
				return false;
		return true;
	case json_type_object: {
		json_object_object_foreach(v, key, val) {
			if (!ld_safe_string(ld, where, key, strlen(key)) ||
			    !ld_safe_tree(ld, where, val, depth + 1))
				return false;
		}
		return true;
	}
	default:
		return true;
	}
}
