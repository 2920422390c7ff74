/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The document loader's typed getters (loader.c), shared by the parts of
 * document-load.c. Every getter returns false once the loader has failed;
 * the first failure's message, with its JSON path, stays in @ld->err.
 */
#ifndef RB_LOADER_H
#define RB_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>

/* The schema nests seven levels; leave room, refuse pathological input. */
#define RB_DOC_MAX_DEPTH 32
/*
 * What a value can really be; json-c saturates integers that do not fit
 * 64 bits, so the bounds also catch those. 2^52 pages of 4 KiB are 16 EiB;
 * a time of 2^62 ns is 146 years.
 */
#define RB_MAX_PAGES (1ull << 52)
#define RB_MAX_BYTES (1ull << 62)
#define RB_MAX_NS (1ull << 62)

struct loader {
	char *err;
	size_t errlen;
	bool failed;
};

/* Record the first failure ("<where>: <message>"); returns false. */
bool ld_fail(struct loader *ld, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
const char *ld_type_name(struct json_object *v);
/* "<where>.<key>", or "<key>" at the top. */
void ld_sub_path(char *buf, size_t len, const char *where, const char *key);

/* @key of @o when it has @type; NULL when absent (a failure if @required). */
struct json_object *ld_member(struct loader *ld, struct json_object *o,
			      const char *where, const char *key,
			      enum json_type type, bool required);
/* An unsigned integer member no larger than @max; false when absent. */
bool ld_get_u64(struct loader *ld, struct json_object *o, const char *where,
		const char *key, bool required, uint64_t max, uint64_t *out);
bool ld_get_uint(struct loader *ld, struct json_object *o, const char *where,
		 const char *key, bool required, unsigned int *out);
/* A string member without control characters, duplicated into @*out. */
bool ld_get_str(struct loader *ld, struct json_object *o, const char *where,
		const char *key, bool required, char **out);
bool ld_get_bool(struct loader *ld, struct json_object *o, const char *where,
		 const char *key, bool *out);

/* No control characters (escapes, newlines, NUL, DEL) in @s. */
bool ld_safe_string(struct loader *ld, const char *where, const char *s,
		    size_t len);
/* The same for every key and string inside @v, at any depth. */
bool ld_safe_tree(struct loader *ld, const char *where,
		  struct json_object *v, int depth);
/* The schema's enums: @val (NULL when absent) must be one of @allowed. */
bool ld_one_of(struct loader *ld, const char *where, const char *key,
	       const char *val, const char *const *allowed);

#endif /* RB_LOADER_H */
