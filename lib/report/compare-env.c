// SPDX-License-Identifier: GPL-2.0
/*
 * The environment of the two sides: HZ (the jiffy quantum of memmap_ms),
 * fingerprint differences other than the kernel, origins, incomplete
 * documents.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "report/compare-priv.h"
#include "util/util.h"

/*
 * Fingerprint keys that differ between two kernels by design (hz is a
 * mismatch of its own, reported with its consequence).
 */
static bool fp_key_is_kernel_identity(const char *key)
{
	static const char *const skip[] = {
		"kernel_release", "kernel_version", "config_source", "hz",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(skip); i++)
		if (!strcmp(key, skip[i]))
			return true;
	return false;
}

/* Strings as they are, anything else as compact JSON; NULL when absent. */
static char *fp_value_str(struct json_object *v)
{
	if (!v)
		return NULL;
	if (json_object_is_type(v, json_type_string))
		return strdup(json_object_get_string(v));
	return strdup(json_object_to_json_string_ext(v,
			JSON_C_TO_STRING_PLAIN |
			JSON_C_TO_STRING_NOSLASHESCAPE));
}

static int add_fp_diff(struct rb_comparison *c, const char *key,
		       struct json_object *b, struct json_object *n)
{
	struct rb_fp_diff *v, *d;

	v = reallocarray(c->fp_diffs, c->nr_fp_diffs + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	c->fp_diffs = v;
	d = &v[c->nr_fp_diffs++];
	d->key = strdup(key);
	d->base = fp_value_str(b);
	d->newer = fp_value_str(n);
	return d->key ? 0 : -ENOMEM;
}

static bool json_equal(struct json_object *a, struct json_object *b)
{
	if (!a || !b)
		return a == b;
	return json_object_equal(a, b);
}

static int fp_walk_object(struct rb_comparison *c, const char *prefix,
			  struct json_object *b, struct json_object *n);

/*
 * Keys of both fingerprints whose values differ; nested objects (config)
 * by dotted keys. A key absent on one side (imports carry only hz) is
 * unknown, not different.
 */
static int fp_walk(struct rb_comparison *c, const char *prefix,
		   struct json_object *b, struct json_object *n)
{
	if (!json_object_is_type(b, json_type_object) ||
	    !json_object_is_type(n, json_type_object))
		return 0;
	return fp_walk_object(c, prefix, b, n);
}

static int fp_walk_object(struct rb_comparison *c, const char *prefix,
			  struct json_object *b, struct json_object *n)
{
	json_object_object_foreach(b, key, bv) {
		struct json_object *nv = NULL;
		char *full;
		int rc;

		if (!prefix && fp_key_is_kernel_identity(key))
			continue;
		if (!json_object_object_get_ex(n, key, &nv) ||
		    json_equal(bv, nv))
			continue;
		if (asprintf(&full, "%s%s%s", prefix ? prefix : "",
			     prefix ? "." : "", key) < 0)
			return -ENOMEM;
		if (json_object_is_type(bv, json_type_object) &&
		    json_object_is_type(nv, json_type_object))
			rc = fp_walk(c, full, bv, nv);
		else
			rc = add_fp_diff(c, full, bv, nv);
		free(full);
		if (rc)
			return rc;
	}
	return 0;
}

static bool fp_has_machine(const struct rb_document *doc)
{
	return doc->fingerprint &&
	       json_object_object_get_ex(doc->fingerprint, "cpu_model", NULL);
}

static long side_hz(const struct rb_side *s, bool *consistent)
{
	long hz = 0, h;
	size_t i;

	*consistent = true;
	for (i = 0; i < s->nr; i++) {
		h = rb_document_hz(s->docs[i]);
		if (!h)
			continue;
		if (hz && h != hz)
			*consistent = false;
		if (!hz)
			hz = h;
	}
	return hz;
}

static int side_caveats(struct rb_comparison *c, const struct rb_side *s,
			const char *name)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < s->nr && !rc; i++)
		if (!s->docs[i]->complete)
			rc = rb_cmp_add_caveat(c, "%s: %s is incomplete (interrupted or a bind failed)",
					name, s->paths[i]);
	return rc;
}

/* A fingerprint string every document of @s shares, or NULL. */
static const char *side_fp_str(const struct rb_side *s, const char *key)
{
	const char *v = NULL, *d;
	struct json_object *o;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		if (!s->docs[i]->fingerprint ||
		    !json_object_object_get_ex(s->docs[i]->fingerprint, key,
					       &o) ||
		    !json_object_is_type(o, json_type_string))
			return NULL;
		d = json_object_get_string(o);
		if (v && strcmp(v, d))
			return NULL;
		v = d;
	}
	return v;
}

/* The kernel of each side; the same release and version is an A/A. */
static void kernels(struct rb_comparison *c)
{
	const char *vb = side_fp_str(c->base, "kernel_version");
	const char *vn = side_fp_str(c->newer, "kernel_version");

	c->base_release = side_fp_str(c->base, "kernel_release");
	c->new_release = side_fp_str(c->newer, "kernel_release");
	c->same_kernel = c->base_release && c->new_release && vb && vn &&
			 !strcmp(c->base_release, c->new_release) &&
			 !strcmp(vb, vn);
}

int rb_cmp_compare_env(struct rb_comparison *c, bool *hz_differs,
		       double *res_ms)
{
	bool cb, cn;
	long hb = side_hz(c->base, &cb), hn = side_hz(c->newer, &cn);
	char *sb, *sn;
	int rc = 0;

	kernels(c);
	*hz_differs = hb && hn && hb != hn;
	*res_ms = hb ? 1000.0 / hb : hn ? 1000.0 / hn : 1;
	if (*hz_differs) {
		if (asprintf(&sb, "%ld", hb) < 0)
			return -ENOMEM;
		if (asprintf(&sn, "%ld", hn) < 0) {
			free(sb);
			return -ENOMEM;
		}
		rc = rb_cmp_add_mismatch(c, NULL, "hz", sb, sn,
				  "memmap_ms not compared");
	}
	if (!rc && (!cb || !cn))
		rc = rb_cmp_add_caveat(c, "HZ differs between the boots of one side");
	rc = rc ?: fp_walk(c, NULL, c->base->docs[0]->fingerprint,
			   c->newer->docs[0]->fingerprint);
	if (!rc && (!fp_has_machine(c->base->docs[0]) ||
		    !fp_has_machine(c->newer->docs[0])))
		rc = rb_cmp_add_caveat(c, "%s records no machine (an import?): differences in CPU, cmdline or kernel config cannot be checked",
				fp_has_machine(c->base->docs[0]) ? "new" :
								  "base");
	if (!rc && !rb_cmp_str_eq(c->base->docs[0]->origin,
			   c->newer->docs[0]->origin))
		rc = rb_cmp_add_caveat(c, "base origin is %s, new origin is %s: an import has only the kernel line, a live run also probes and wall clock",
				c->base->docs[0]->origin ?: "unknown",
				c->newer->docs[0]->origin ?: "unknown");
	rc = rc ?: side_caveats(c, c->base, "base");
	rc = rc ?: side_caveats(c, c->newer, "new");
	return rc;
}

