/*
 * po2c.c - turns a message catalogue (po/LANG.po, GNU gettext's PO
 * format) into a C table that the programs carry (shell/tr.h):
 * no .mo file is looked up at run time, so the static and Windows
 * programs speak the same languages as the others.  Built and run on the
 * build machine, like tools/embed.c.
 *
 *   po2c IN.po OUT.c NAME
 *
 * gives `const tr_entry NAME[]`, sorted by msgid (strcmp order, for the
 * binary search of shell/lang.c), and `const size_t NAME_n`.  Entries
 * marked fuzzy, left untranslated or obsolete (#~) are left out: the
 * program then prints the source text.
 *
 * Every translation must carry the same printf conversions as its msgid,
 * in the same order (widths and flags may differ: columns are laid out
 * per language); otherwise po2c fails and so does the build, since
 * msg() hands a translation to vfprintf with the msgid's arguments.
 * msgfmt --check-format makes the same check in the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	char *id, *str;
	int line;
} entry;

static const char *in_path;
static int bad;

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p) {
		fprintf(stderr, "po2c: out of memory\n");
		exit(1);
	}
	return p;
}

/* Appends the unescaped content of the quoted string at s to *buf. */
static void append_quoted(char **buf, size_t *len, const char *s, int line)
{
	const char *p = strchr(s, '"');

	if (!p) {
		fprintf(stderr, "%s:%d: a quoted string was expected\n", in_path, line);
		exit(1);
	}
	for (p++; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			switch (*p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			default:
				fprintf(stderr, "%s:%d: unknown escape \\%c\n", in_path, line, *p);
				exit(1);
			}
		}
		*buf = xrealloc(*buf, *len + 2);
		(*buf)[(*len)++] = c;
		(*buf)[*len] = '\0';
	}
	if (*p != '"') {
		fprintf(stderr, "%s:%d: unterminated string\n", in_path, line);
		exit(1);
	}
}

/* The printf conversions of s, one letter group per conversion ("*" for
 * a star width or precision, then length modifiers and the conversion),
 * separated by spaces, into out. */
static void conversions(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	for (; *s; s++) {
		if (*s != '%')
			continue;
		if (s[1] == '%') {
			s++;
			continue;
		}
		s++;
		while (*s && strchr("-+ #0'", *s))
			s++;
		for (; *s && (*s == '*' || (*s >= '0' && *s <= '9') || *s == '.'); s++)
			if (*s == '*' && n + 2 < cap)
				out[n++] = '*';
		while (*s && strchr("hljztL", *s)) {
			if (n + 2 < cap)
				out[n++] = *s;
			s++;
		}
		if (!*s)
			break;
		if (n + 3 < cap) {
			out[n++] = *s;
			out[n++] = ' ';
		}
		out[n] = '\0';
	}
}

static int by_id(const void *a, const void *b)
{
	return strcmp(((const entry *)a)->id, ((const entry *)b)->id);
}

static void put_c_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", out);
		else if (*p == '\t')
			fputs("\\t", out);
		else if (*p < 0x20 || *p == '?' || *p >= 0x7f)
			fprintf(out, "\\%03o", *p);   /* '?': no trigraphs */
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

int main(int argc, char **argv)
{
	entry *e = NULL;
	size_t n = 0;
	char *id = NULL, *str = NULL, line[8192];
	size_t id_len = 0, str_len = 0;
	int lineno = 0, fuzzy = 0, state = 0, id_line = 0;  /* state: 0 none, 1 msgid, 2 msgstr */
	FILE *in, *out;

	if (argc != 4) {
		fprintf(stderr, "usage: po2c IN.po OUT.c NAME\n");
		return 2;
	}
	in_path = argv[1];
	if (!(in = fopen(in_path, "r"))) {
		perror(in_path);
		return 1;
	}
	for (;;) {
		int end = !fgets(line, sizeof line, in);

		lineno++;
		/* An entry ends at a blank line, a comment or a new msgid. */
		if (state == 2 && (end || line[0] == '\n' || line[0] == '#' ||
				   strncmp(line, "msgid ", 6) == 0)) {
			if (id_len && str_len && !fuzzy) {
				char ca[512], cb[512];

				conversions(id, ca, sizeof ca);
				conversions(str, cb, sizeof cb);
				if (strcmp(ca, cb) != 0) {
					fprintf(stderr, "%s:%d: the translation's conversions (%s) "
						"differ from the msgid's (%s)\n", in_path,
						id_line, cb, ca);
					bad = 1;
				}
				e = xrealloc(e, (n + 1) * sizeof *e);
				e[n].id = id;
				e[n].str = str;
				e[n].line = id_line;
				n++;
			} else {
				free(id);
				free(str);
			}
			id = str = NULL;
			id_len = str_len = 0;
			fuzzy = 0;
			state = 0;
		}
		if (end)
			break;
		if (strncmp(line, "#,", 2) == 0 && strstr(line, "fuzzy"))
			fuzzy = 1;
		else if (line[0] == '#' || line[0] == '\n')
			continue;
		else if (strncmp(line, "msgid_plural", 12) == 0 || strncmp(line, "msgctxt", 7) == 0) {
			fprintf(stderr, "%s:%d: plural forms and contexts are not used\n",
				in_path, lineno);
			return 1;
		} else if (strncmp(line, "msgid ", 6) == 0) {
			state = 1;
			id_line = lineno;
			id = xrealloc(NULL, 1);
			id[0] = '\0';
			append_quoted(&id, &id_len, line + 5, lineno);
		} else if (strncmp(line, "msgstr ", 7) == 0 && state == 1) {
			state = 2;
			str = xrealloc(NULL, 1);
			str[0] = '\0';
			append_quoted(&str, &str_len, line + 6, lineno);
		} else if (line[0] == '"' && state == 1) {
			append_quoted(&id, &id_len, line, lineno);
		} else if (line[0] == '"' && state == 2) {
			append_quoted(&str, &str_len, line, lineno);
		} else {
			fprintf(stderr, "%s:%d: not understood: %s", in_path, lineno, line);
			return 1;
		}
	}
	fclose(in);
	qsort(e, n, sizeof *e, by_id);
	for (size_t i = 1; i < n; i++)
		if (strcmp(e[i - 1].id, e[i].id) == 0) {
			fprintf(stderr, "%s:%d: msgid already translated at line %d\n", in_path,
				e[i].line, e[i - 1].line);
			bad = 1;
		}
	if (bad)
		return 1;
	if (!(out = fopen(argv[2], "w"))) {
		perror(argv[2]);
		return 1;
	}
	fprintf(out, "/* Generated from %s by tools/po2c.c: do not edit. */\n"
		"#include \"tr.h\"\n\nconst tr_entry %s[] = {\n", in_path, argv[3]);
	for (size_t i = 0; i < n; i++) {
		fputs("\t{ ", out);
		put_c_string(out, e[i].id);
		fputs(",\n\t  ", out);
		put_c_string(out, e[i].str);
		fputs(" },\n", out);
	}
	if (n == 0)
		fputs("\t{ \"\", \"\" }\n", out);
	fprintf(out, "};\nconst size_t %s_n = %zu;\n", argv[3], n);
	if (fclose(out) != 0) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}
