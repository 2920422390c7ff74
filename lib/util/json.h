/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The json-c helpers every layer uses. Setters take ownership of @v even
 * when they fail, so a caller never leaks a value it could not add; a NULL
 * @v (a constructor that ran out of memory) is a failure.
 */
#ifndef RB_JSON_H
#define RB_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

/* Add @v as @key of @o. 0 or -ENOMEM. */
int rb_json_put(struct json_object *o, const char *key, struct json_object *v);
/* A NULL @s adds nothing and succeeds: absent fields stay absent. */
int rb_json_put_str(struct json_object *o, const char *key, const char *s);
int rb_json_put_u64(struct json_object *o, const char *key, uint64_t v);
/* Append @v to the array @arr. 0 or -ENOMEM. */
int rb_json_append(struct json_object *arr, struct json_object *v);

/*
 * A derived figure printed with @digits significant digits rather than
 * %.17g noise; NULL for a non-finite @x (written as null or left out).
 */
struct json_object *rb_json_figure(double x, int digits);

/* Typed members: NULL / false when absent or of another type. */
const char *rb_json_get_str(struct json_object *o, const char *key);
bool rb_json_get_u64(struct json_object *o, const char *key, uint64_t *v);
bool rb_json_get_bool(struct json_object *o, const char *key, bool *v);
/* A string member copied into @buf: -EINVAL absent, -ERANGE too long. */
int rb_json_copy_str(struct json_object *o, const char *key, char *buf,
		     size_t len);

#endif /* RB_JSON_H */
