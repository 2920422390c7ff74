// SPDX-License-Identifier: GPL-2.0
#include <math.h>
#include <stdlib.h>
#include <stdbool.h>
#include <string.h>
#include "util/format.h"
#include "util/text.h"

const char *rb_format_size(char *buf, size_t len, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return buf;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, v == floor(v) ? "%.0f%c" : "%.2f%c", v, units[u]);
	return buf;
}

double rb_to_ms(double v, const char *unit)
{
	return strcmp(unit, "ns") == 0 ? v / 1e6 : v;
}

void rb_format_time(char *buf, size_t len, double v, double ref,
		    const char *unit, int decimals)
{
	double ms = rb_to_ms(v, unit), rms = fabs(rb_to_ms(ref, unit));

	if (decimals < 0)
		decimals = rms >= 1000 ? 0 : 2;
	if (rms >= 1 || ms == 0)
		snprintf(buf, len, "%.*f ms", decimals, ms);
	else
		snprintf(buf, len, "%.*f us", decimals, ms * 1e3);
}

size_t rb_columns(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

void rb_wrap(FILE *f, const char *text, size_t width, size_t indent,
	     size_t hang)
{
	char *esc = rb_text_escape(text);
	size_t col = indent, len, w;
	bool line_empty = true;

	if (!esc)
		return;
	text = esc;
	fprintf(f, "%*s", (int)indent, "");
	while (*text) {
		text += strspn(text, " ");
		len = strcspn(text, " ");
		if (!len)
			break;
		w = rb_columns(text, len);
		if (!line_empty && col + 1 + w > width) {
			fprintf(f, "\n%*s", (int)hang, "");
			col = hang;
			line_empty = true;
		}
		if (!line_empty) {
			fputc(' ', f);
			col++;
		}
		/* Cut an over-long word at the margin (byte-wise: paths). */
		while (col + w > width && width > col) {
			size_t room = width - col;

			fprintf(f, "%.*s\n%*s", (int)room, text, (int)hang, "");
			text += room;
			len -= room;
			w = rb_columns(text, len);
			col = hang;
		}
		fwrite(text, 1, len, f);
		col += w;
		text += len;
		line_empty = false;
	}
	fputc('\n', f);
	free(esc);
}
