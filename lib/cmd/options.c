// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/options.h"
#include "util/log.h"

int rb_parse_uint(const char *opt, const char *s, unsigned int min,
		  unsigned int max, unsigned int *out)
{
	unsigned long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	rb_error("--%s: '%s' is not a number from %u to %u", opt, s, min, max);
	return -EINVAL;
}

/*
 * Walk the comma list @arg; @item gets each non-empty item, at most @cap
 * of them, and returns 0 or -EINVAL. Empty items and lists are refused.
 */
static int each_item(const char *opt, const char *arg, size_t cap, size_t *nr,
		     int (*item)(const char *tok, void *ctx), void *ctx)
{
	char *copy = strdup(arg), *p = copy, *tok;
	int rc = 0;

	*nr = 0;
	if (!copy) {
		rb_error("--%s: out of memory", opt);
		return -ENOMEM;
	}
	while (!rc && (tok = strsep(&p, ","))) {
		if (!*tok) {
			rb_error("--%s: empty item in the list", opt);
			rc = -EINVAL;
		} else if (*nr == cap) {
			rb_error("--%s: more than %zu values", opt, cap);
			rc = -EINVAL;
		} else {
			rc = item(tok, ctx);
			if (!rc)
				(*nr)++;
		}
	}
	free(copy);
	return rc;
}

struct names_ctx {
	const char *opt;
	const char *const *allowed;
	const char **out;
	size_t *nr;
};

static int name_item(const char *tok, void *arg)
{
	struct names_ctx *c = arg;
	size_t i, k;

	for (i = 0; c->allowed[i] && strcmp(c->allowed[i], tok); i++)
		;
	if (!c->allowed[i]) {
		rb_error("--%s: unknown value '%s'", c->opt, tok);
		return -EINVAL;
	}
	for (k = 0; k < *c->nr; k++)
		if (c->out[k] == c->allowed[i]) {
			rb_error("--%s: '%s' listed twice", c->opt, tok);
			return -EINVAL;
		}
	c->out[*c->nr] = c->allowed[i];
	return 0;
}

int rb_parse_names(const char *opt, const char *arg, const char *const *allowed,
		   const char **out, size_t cap, size_t *nr)
{
	struct names_ctx c = { opt, allowed, out, nr };

	return each_item(opt, arg, cap, nr, name_item, &c);
}

int rb_parse_align(const char *s, long page_size, uint64_t *out, char *err,
		   size_t len)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 10);
	if (errno)
		goto bad;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		break;
	case 'm':
	case 'M':
		shift = 20;
		break;
	case 'g':
	case 'G':
		shift = 30;
		break;
	case '\0':
		break;
	default:
		goto bad;
	}
	if (shift && end[1] != '\0')
		goto bad;
	if (v == 0 || v > (~0ull >> shift))
		goto bad;
	v <<= shift;
	if (v & (v - 1)) {
		snprintf(err, len, "align '%s' is not a power of two", s);
		return -EINVAL;
	}
	if (page_size > 0 && v < (unsigned long long)page_size) {
		snprintf(err, len,
			 "align '%s' is smaller than the page size (%ld)", s,
			 page_size);
		return -EINVAL;
	}
	*out = v;
	return 0;
bad:
	snprintf(
		err, len,
		"align '%s' is not a size (a number with an optional K, M or G suffix)",
		s);
	return -EINVAL;
}

struct aligns_ctx {
	long page_size;
	uint64_t *out;
	size_t *nr;
};

static int align_item(const char *tok, void *arg)
{
	struct aligns_ctx *c = arg;
	char err[160];
	uint64_t v;
	size_t k;

	if (rb_parse_align(tok, c->page_size, &v, err, sizeof(err))) {
		rb_error("--align: %s", err);
		return -EINVAL;
	}
	for (k = 0; k < *c->nr; k++)
		if (c->out[k] == v) {
			rb_error("--align: '%s' listed twice", tok);
			return -EINVAL;
		}
	c->out[*c->nr] = v;
	return 0;
}

int rb_parse_aligns(const char *arg, long page_size, uint64_t *out, size_t cap,
		    size_t *nr)
{
	struct aligns_ctx c = { page_size, out, nr };

	return each_item("align", arg, cap, nr, align_item, &c);
}

int rb_parse_fraction(const char *s, bool zero_ok, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno)
		return -EINVAL;
	if (*end == '%') {
		v /= 100;
		end++;
	}
	if (*end || !((v > 0 || (zero_ok && v == 0)) && v < 1))
		return -EINVAL;
	*out = v;
	return 0;
}

void rb_list_opts(const struct option *lo)
{
	for (; lo->name; lo++)
		printf("--%s\n", lo->name);
}

const char *rb_bad_option(int argc, char **argv)
{
	/* getopt leaves the offending word just before optind. */
	return optind > 0 && optind <= argc ? argv[optind - 1] : "?";
}
