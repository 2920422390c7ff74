// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "util/text.h"

const char *rb_find_control(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (rb_is_control((unsigned char)s[i]))
			return s + i;
	return NULL;
}

char *rb_scrub(char *s)
{
	char *p;

	for (p = s; p && *p; p++)
		if (rb_is_control((unsigned char)*p))
			*p = '?';
	return s;
}

const char *rb_printable(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i])
		strcpy(buf + i, "...");
	else
		buf[i] = '\0';
	return buf;
}

void rb_put_text(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n')
			fputs("\\n", f);
		else if (rb_is_control(*p))
			fprintf(f, "\\x%02x", *p);
		else
			fputc(*p, f);
	}
}

char *rb_escape(void (*put)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	put(f, s);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *rb_text_escape(const char *s)
{
	return rb_escape(rb_put_text, s);
}

/* Length of a leading "123." or "123)", an ordered list marker, or 0. */
static size_t list_number(const char *s)
{
	size_t n = strspn(s, "0123456789");

	return n && n <= 9 && (s[n] == '.' || s[n] == ')') ? n + 1 : 0;
}

/* CommonMark takes no '_' between two letters or digits for emphasis. */
static bool intraword(const char *s, size_t i)
{
	return i && isalnum((unsigned char)s[i - 1]) &&
	       isalnum((unsigned char)s[i + 1]);
}

void rb_put_markdown(FILE *f, const char *s)
{
	size_t num = list_number(s), i;
	char one[2] = "";

	if (*s && strchr("-+=", *s))
		fputc('\\', f);
	for (i = 0; s[i]; i++) {
		if ((s[i] == '_' && !intraword(s, i)) ||
		    strchr("\\`*|<>[]&~#", s[i]) || (num && i == num - 1)) {
			fputc('\\', f);
			fputc(s[i], f);
			continue;
		}
		one[0] = s[i];
		rb_put_text(f, one);
	}
}

void rb_put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (rb_is_control((unsigned char)*s)) {
			fputs("\xef\xbf\xbd", f);
			continue;
		}
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}
