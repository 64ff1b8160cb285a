/*
 * textout.c - escaping untrusted text for a terminal, JSON and HTML
 * (textout.h).
 */
#include "textout.h"

#include <stdint.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when the bytes are
 * not valid UTF-8 (overlong, surrogate, beyond U+10FFFF, truncated). */
static int utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xC0) == 0x80 &&
		       (s[3] & 0xC0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/* U+202A..U+202E (embeddings, overrides) and U+2066..U+2069 (isolates):
 * invisible characters that reorder what follows them on the line. */
static int is_bidi(const unsigned char *s)
{
	return s[0] == 0xE2 && ((s[1] == 0x80 && s[2] >= 0xAA && s[2] <= 0xAE) ||
				(s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9));
}

void out_term(FILE *f, const char *str, int keep_newlines)
{
	const unsigned char *s = (const unsigned char *)str;

	while (*s) {
		int n = utf8_len(s);

		if (*s == '\n' && keep_newlines) {
			fputc('\n', f);
			s++;
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputc(' ', f);
			s++;
		} else if (n == 0 || *s < 0x20 || *s == 0x7F) {
			fprintf(f, "\\x%02x", *s);
			s++;
		} else if ((n == 2 && s[0] == 0xC2 && s[1] < 0xA0) || (n == 3 && is_bidi(s))) {
			/* C1 controls (U+0080..U+009F): CSI is one of them; bidi
			 * overrides would make the rest of the line read
			 * backwards. */
			for (int i = 0; i < n; i++)
				fprintf(f, "\\x%02x", s[i]);
			s += n;
		} else {
			fwrite(s, 1, (size_t)n, f);
			s += n;
		}
	}
}

void out_json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		int n = utf8_len(s);

		if (n == 0) {
			fputs("\\ufffd", f);
			s++;
			continue;
		}
		switch (*s) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		default:
			if (*s < 0x20 || *s == 0x7F)
				fprintf(f, "\\u%04x", *s);
			else if (n == 1)
				fputc(*s, f);
			else
				fwrite(s, 1, (size_t)n, f);
		}
		s += n;
	}
	fputc('"', f);
}

void out_html(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

int text_width(const char *str)
{
	int w = 0;

	for (const unsigned char *s = (const unsigned char *)str; *s; s++)
		if ((*s & 0xC0) != 0x80)
			w++;
	return w;
}
