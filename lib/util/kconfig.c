// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>
#include "util/kconfig.h"
#include "util/sysroot.h"
#include "util/util.h"

/* A distribution .config is ~300 KiB; anything far larger is not one. */
#define KCONFIG_MAX_BYTES (16u << 20)

struct kconfig_entry {
	char *name; /* without the CONFIG_ prefix */
	char *value;
	size_t line; /* order in the file: a later assignment wins */
};

struct rb_kconfig {
	struct kconfig_entry *v;
	size_t nr, alloc;
	char *source;
};

static int entry_cmp(const void *a, const void *b)
{
	const struct kconfig_entry *x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int entry_order_cmp(const void *a, const void *b)
{
	const struct kconfig_entry *x = a, *y = b;
	int rc = strcmp(x->name, y->name);

	if (rc)
		return rc;
	return x->line < y->line ? -1 : x->line > y->line;
}

static int kconfig_add(struct rb_kconfig *kc, const char *name, size_t nlen,
		       const char *value, size_t vlen)
{
	struct kconfig_entry *e;

	if (kc->nr == kc->alloc) {
		size_t alloc = kc->alloc ? 2 * kc->alloc : 256;

		e = realloc(kc->v, alloc * sizeof(*e));
		if (!e)
			return -ENOMEM;
		kc->v = e;
		kc->alloc = alloc;
	}
	e = &kc->v[kc->nr];
	e->name = strndup(name, nlen);
	e->value = strndup(value, vlen);
	if (!e->name || !e->value) {
		free(e->name);
		free(e->value);
		return -ENOMEM;
	}
	e->line = kc->nr++;
	return 0;
}

static bool is_symbol_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* One line, without its newline. Lines that are neither form are skipped. */
static int parse_line(struct rb_kconfig *kc, const char *line, size_t len)
{
	static const char unset_tail[] = " is not set";
	const size_t tail_len = sizeof(unset_tail) - 1;
	const char *name, *value, *end = line + len;
	size_t nlen;

	while (len && (line[len - 1] == '\r' || line[len - 1] == ' '))
		end = line + --len;
	if (len > 9 && !strncmp(line, "# CONFIG_", 9)) {
		name = line + 9;
		for (nlen = 0; name + nlen < end && is_symbol_char(name[nlen]);)
			nlen++;
		if (!nlen || (size_t)(end - name - nlen) != tail_len ||
		    memcmp(name + nlen, unset_tail, tail_len))
			return 0;
		return kconfig_add(kc, name, nlen, "n", 1);
	}
	if (len < 8 || strncmp(line, "CONFIG_", 7))
		return 0;
	name = line + 7;
	for (nlen = 0; name + nlen < end && is_symbol_char(name[nlen]);)
		nlen++;
	if (!nlen || name + nlen == end || name[nlen] != '=')
		return 0;
	value = name + nlen + 1;
	if (end - value >= 2 && value[0] == '"' && end[-1] == '"')
		return kconfig_add(kc, name, nlen, value + 1, end - value - 2);
	return kconfig_add(kc, name, nlen, value, end - value);
}

struct rb_kconfig *rb_kconfig_parse(const char *text, size_t len)
{
	struct rb_kconfig *kc = calloc(1, sizeof(*kc));
	const char *p = text, *end = text + len;
	size_t i, out;

	if (!kc)
		return NULL;
	kc->source = strdup("");
	if (!kc->source)
		goto fail;
	while (p < end) {
		const char *nl = memchr(p, '\n', end - p);
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (parse_line(kc, p, l) < 0)
			goto fail;
		p += l + 1;
	}
	/* Sort, and keep the last assignment of a duplicated symbol. */
	if (kc->nr)
		qsort(kc->v, kc->nr, sizeof(*kc->v), entry_order_cmp);
	for (i = 0, out = 0; i < kc->nr; i++) {
		if (i + 1 < kc->nr &&
		    !strcmp(kc->v[i].name, kc->v[i + 1].name)) {
			free(kc->v[i].name);
			free(kc->v[i].value);
			continue;
		}
		kc->v[out++] = kc->v[i];
	}
	kc->nr = out;
	return kc;
fail:
	rb_kconfig_free(kc);
	return NULL;
}

/* zlib reads plain files transparently, so one reader serves every path. */
static char *read_maybe_gzip(const char *path, size_t *lenp)
{
	size_t len = 0, alloc = 1 << 16;
	char *buf = malloc(alloc);
	gzFile gz;
	int n;

	if (!buf)
		return NULL;
	gz = gzopen(path, "rb");
	if (!gz) {
		free(buf);
		return NULL;
	}
	for (;;) {
		if (alloc - len < 4096) {
			char *nbuf;

			if (alloc >= KCONFIG_MAX_BYTES)
				goto fail;
			nbuf = realloc(buf, alloc * 2);
			if (!nbuf)
				goto fail;
			buf = nbuf;
			alloc *= 2;
		}
		n = gzread(gz, buf + len, alloc - len);
		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		len += n;
	}
	gzclose(gz);
	*lenp = len;
	return buf;
fail:
	gzclose(gz);
	free(buf);
	return NULL;
}

struct rb_kconfig *rb_kconfig_load(const char *root, const char *release)
{
	static const char *const paths[] = {
		"/proc/config.gz",
		"/boot/config-%s",
		"/lib/modules/%s/config",
		"/lib/modules/%s/build/.config",
	};
	struct utsname uts;
	size_t i;

	if (!release) {
		if (uname(&uts) < 0)
			return NULL;
		release = uts.release;
	}
	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		struct rb_kconfig *kc;
		char *path, *text;
		size_t len;

		path = rb_root_path(root, paths[i], release);
		if (!path)
			return NULL;
		text = read_maybe_gzip(path, &len);
		if (!text) {
			free(path);
			continue;
		}
		kc = rb_kconfig_parse(text, len);
		free(text);
		/* An empty or foreign file is not a configuration. */
		if (kc && kc->nr) {
			free(kc->source);
			kc->source = path;
			return kc;
		}
		rb_kconfig_free(kc);
		free(path);
	}
	return NULL;
}

void rb_kconfig_free(struct rb_kconfig *kc)
{
	size_t i;

	if (!kc)
		return;
	for (i = 0; i < kc->nr; i++) {
		free(kc->v[i].name);
		free(kc->v[i].value);
	}
	free(kc->v);
	free(kc->source);
	free(kc);
}

const char *rb_kconfig_source(const struct rb_kconfig *kc)
{
	return kc->source;
}

size_t rb_kconfig_count(const struct rb_kconfig *kc)
{
	return kc->nr;
}

bool rb_kconfig_entry(const struct rb_kconfig *kc, size_t i,
		      const char **name, const char **value)
{
	if (i >= kc->nr)
		return false;
	*name = kc->v[i].name;
	*value = kc->v[i].value;
	return true;
}

const char *rb_kconfig_get(const struct rb_kconfig *kc, const char *name)
{
	struct kconfig_entry key, *e;

	if (!kc || !name)
		return NULL;
	if (!strncmp(name, "CONFIG_", 7))
		name += 7;
	key.name = (char *)name;
	e = bsearch(&key, kc->v, kc->nr, sizeof(*kc->v), entry_cmp);
	return e ? e->value : NULL;
}

bool rb_kconfig_enabled(const struct rb_kconfig *kc, const char *name)
{
	const char *v = rb_kconfig_get(kc, name);

	return v && (!strcmp(v, "y") || !strcmp(v, "m"));
}

long rb_kconfig_long(const struct rb_kconfig *kc, const char *name, long def)
{
	const char *v = rb_kconfig_get(kc, name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtol(v, &end, 0);
	if (errno || *end)
		return def;
	return n;
}
