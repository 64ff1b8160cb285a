/*
 * test_textout.c - escaping of untrusted text for the terminal, JSON and
 * HTML (format/textout.c): what a hostile organisation name or note can
 * never do once written out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "textout.h"

/* Runs fn(f, in) into memory and returns the text (static buffer). */
static const char *render(void (*fn)(FILE *, const char *), const char *in)
{
	static char out[1024];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	fn(f, in);
	fclose(f);
	snprintf(out, sizeof out, "%s", buf);
	free(buf);
	return out;
}

static void term_line(FILE *f, const char *s) { out_term(f, s, 0); }
static void term_text(FILE *f, const char *s) { out_term(f, s, 1); }

int main(void)
{
	is_str(render(term_line, "Hors la Rue"), "Hors la Rue", "plain text verbatim");
	is_str(render(term_line, "Réseau « Ac.Sé »"), "Réseau « Ac.Sé »", "accents verbatim");
	is_str(render(term_line, "a\x1b[2Jb"), "a\\x1b[2Jb", "ESC escaped");
	is_str(render(term_line, "a\xc2\x9b" "2Jb"), "a\\xc2\\x9b2Jb", "C1 CSI escaped");
	is_str(render(term_line, "a\x7f"), "a\\x7f", "DEL escaped");
	is_str(render(term_line, "a\nb"), "a\\nb", "newline shown as \\n on one line");
	is_str(render(term_text, "a\nb"), "a\nb", "newline kept in free text");
	is_str(render(term_line, "a\xff" "b"), "a\\xffb", "invalid UTF-8 escaped");
	is_str(render(term_line, "a\xc0\x80"), "a\\xc0\\x80", "overlong NUL escaped");
	is_str(render(term_line, "abc\xe2\x80\xaeil.exe"), "abc\\xe2\\x80\\xaeil.exe",
	       "right-to-left override escaped");
	is_str(render(term_line, "x\xe2\x81\xa6y"), "x\\xe2\\x81\\xa6y", "bidi isolate escaped");
	is_str(render(term_line, "x\xe2\x80\x94y"), "x\xe2\x80\x94y", "an em dash stays");

	is_str(render(out_json_string, "a\"b\\c\n\t\x01"), "\"a\\\"b\\\\c\\n\\t\\u0001\"",
	       "JSON escapes");
	is_str(render(out_json_string, "\xff"), "\"\\ufffd\"", "invalid UTF-8 becomes U+FFFD");
	is_str(render(out_json_string, "é"), "\"é\"", "UTF-8 verbatim in JSON");

	is_str(render(out_html, "<img src=x onerror=alert(1)>"),
	       "&lt;img src=x onerror=alert(1)&gt;", "HTML element inert");
	is_str(render(out_html, "\"'&"), "&quot;&#39;&amp;", "attribute quotes escaped");

	is_int(text_width("Hérault"), 7, "width counts code points");
	return done_testing();
}
