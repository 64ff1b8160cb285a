/*
 * test_csv.c - the RFC 4180 reader and writer of format/csv.h: quoting,
 * embedded line breaks, line ends, the byte order mark, every syntax
 * error with its line number, the caps on fields and row length, formula
 * neutralisation, and writer-to-reader round trips.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "error.h"
#include "tap.h"

/* Reads all of data; returns the rows as "a|b|c" lines joined by "/" in
 * out, and the final code (FMT_DONE, or the error). */
static int read_all(const char *data, size_t len, char *out, size_t cap, fmt_error *err)
{
	static csv_reader r;   /* 16 KiB arena: not on the stack */
	size_t n = 0;
	int rc, i;

	out[0] = '\0';
	csv_reader_init(&r, data, len);
	while ((rc = csv_next(&r, err)) == FMT_OK) {
		if (n)
			n += (size_t)snprintf(out + n, cap - n, "/");
		for (i = 0; i < r.nfields && n < cap; i++)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "", r.fields[i]);
	}
	return rc;
}

#define READS(data, want) do { \
	char got_[4096]; \
	fmt_error e_; \
	int rc_ = read_all(data, sizeof data - 1, got_, sizeof got_, &e_); \
	if (!ok(rc_ == FMT_DONE && strcmp(got_, want) == 0, "reads %s", #data)) \
		diag("rc %d \"%s\", got \"%s\", want \"%s\"", rc_, e_.detail, got_, want); \
} while (0)

#define FAILS(data, want_detail) do { \
	char got_[4096]; \
	fmt_error e_; \
	int rc_ = read_all(data, sizeof data - 1, got_, sizeof got_, &e_); \
	if (!ok(rc_ == FMT_E_CSV && strcmp(e_.detail, want_detail) == 0, "refuses %s", #data)) \
		diag("rc %d, detail \"%s\", want \"%s\"", rc_, e_.detail, want_detail); \
} while (0)

static void test_reader(void)
{
	READS("a,b,c\n", "a|b|c");
	READS("a,b,c", "a|b|c");
	READS("a,b\r\nc,d\r\n", "a|b/c|d");
	READS("a,b\rc,d\r", "a|b/c|d");
	READS("", "");
	READS("\n\r\n\n", "");
	READS("a\n\n\nb\n", "a/b");
	READS("a,,c\n", "a||c");
	READS(",\n", "|");
	READS("a,b,\n", "a|b|");
	READS("a,b,", "a|b|");
	READS("\"\"\n", "");
	READS("\"\",x\n", "|x");
	READS("\"a,b\",c\n", "a,b|c");
	READS("\"say \"\"hi\"\"\",x\n", "say \"hi\"|x");
	READS("\"\"\"\"\n", "\"");
	READS("\"line 1\nline 2\",x\n", "line 1\nline 2|x");
	READS("\"line 1\r\nline 2\",x\r\n", "line 1\nline 2|x");
	READS("\"line 1\rline 2\",x\r\n", "line 1\nline 2|x");
	READS("\"a\n\nb\"\n", "a\n\nb");
	READS("\xEF\xBB\xBF" "code,label\n", "code|label");
	READS("\xEF\xBB\xBF", "");
	READS("x,\xEF\xBB\xBF\n", "x|\xEF\xBB\xBF");
	READS(" a , b \n", " a | b ");
	READS("Hébergement,mise à l'abri\n", "Hébergement|mise à l'abri");
	READS("'=1+1,x\n", "'=1+1|x");
	READS("\"quoted\"\r\n\"end\"", "quoted/end");

	FAILS("a,\"b\n", "line 1: unterminated quote (the quoted field never ends)");
	FAILS("a\nb\n\"c\nd\ne", "line 3: unterminated quote (the quoted field never ends)");
	FAILS("\"ab\"c,d\n", "line 1: text after a closing quote");
	FAILS("x\n\"ab\" ,d\n", "line 2: text after a closing quote");
	FAILS("a,b\"c\n", "line 1: quote inside an unquoted field (a field holding quotes must "
	      "be quoted, its quotes doubled)");
	FAILS("a, \"b\"\n", "line 1: quote inside an unquoted field (a field holding quotes must "
	      "be quoted, its quotes doubled)");
	FAILS("a\nb\0c\n", "line 2: NUL byte in the data");
	FAILS("\"a\nb\",x\ny,\"z\"w\n", "line 3: text after a closing quote");
	FAILS("\"a\r\nb\"c\n", "line 2: text after a closing quote");
	FAILS("x,\"a\nb\nc\",d\"\n", "line 3: quote inside an unquoted field (a field holding "
	      "quotes must be quoted, its quotes doubled)");
}

static void test_lines(void)
{
	static csv_reader r;
	static const char data[] = "h1,h2\r\n\r\n\"multi\nline\nfield\",x\n\ny,z\n";
	fmt_error err;

	csv_reader_init(&r, data, sizeof data - 1);
	ok(csv_next(&r, &err) == FMT_OK && r.line == 1 && r.nfields == 2, "row 1 on line 1");
	ok(csv_next(&r, &err) == FMT_OK && r.line == 3 && strcmp(r.fields[0], "multi\nline\nfield")
	   == 0, "row 2 on line 3, after a blank line");
	ok(csv_next(&r, &err) == FMT_OK && r.line == 7 && strcmp(r.fields[1], "z") == 0,
	   "row 3 on line 7: lines inside quotes counted");
	is_int(csv_next(&r, &err), FMT_DONE, "then done");
	is_int(csv_next(&r, &err), FMT_DONE, "and done again");

	csv_reader_init(&r, "a\n\"b,c\n", 7);
	ok(csv_next(&r, &err) == FMT_OK, "row before the error is read");
	is_int(csv_next(&r, &err), FMT_E_CSV, "error");
	is_int(r.nfields, 0, "no fields after an error");
	is_int(csv_next(&r, &err), FMT_DONE, "reader stops after an error");

	csv_reader_init(&r, NULL, 0);
	is_int(csv_next(&r, &err), FMT_DONE, "NULL data is empty");
	csv_reader_init(&r, "a,b", 1);
	ok(csv_next(&r, &err) == FMT_OK && r.nfields == 1 && strcmp(r.fields[0], "a") == 0,
	   "only len bytes read");
}

static void test_limits(void)
{
	static csv_reader r;
	static char data[CSV_MAX_LINE * 2 + 16];
	fmt_error err;
	size_t n;
	int i;

	/* 32 fields are fine, 33 are not */
	n = 0;
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		n += (size_t)sprintf(data + n, "%s%d", i ? "," : "", i);
	n += (size_t)sprintf(data + n, "\n");
	csv_reader_init(&r, data, n);
	ok(csv_next(&r, &err) == FMT_OK && r.nfields == 32 && strcmp(r.fields[31], "31") == 0,
	   "32 fields");
	n = 0;
	for (i = 0; i <= CSV_MAX_FIELDS; i++)
		n += (size_t)sprintf(data + n, "%s%d", i ? "," : "", i);
	csv_reader_init(&r, data, n);
	ok(csv_next(&r, &err) == FMT_E_CSV && strcmp(err.detail, "line 1: more than 32 fields")
	   == 0, "33 fields refused: %s", err.detail);
	n = 0;
	for (i = 0; i < CSV_MAX_FIELDS; i++)
		n += (size_t)sprintf(data + n, ",");
	csv_reader_init(&r, data, n);
	ok(csv_next(&r, &err) == FMT_E_CSV, "33 empty fields refused");

	/* one field of CSV_MAX_LINE - 1 bytes plus its NUL fills the arena */
	memset(data, 'x', CSV_MAX_LINE - 1);
	data[CSV_MAX_LINE - 1] = '\n';
	csv_reader_init(&r, data, CSV_MAX_LINE);
	ok(csv_next(&r, &err) == FMT_OK && strlen(r.fields[0]) == CSV_MAX_LINE - 1,
	   "row of 16383 bytes read");
	memset(data, 'x', CSV_MAX_LINE);
	data[CSV_MAX_LINE] = '\n';
	csv_reader_init(&r, data, CSV_MAX_LINE + 1);
	ok(csv_next(&r, &err) == FMT_E_CSV &&
	   strcmp(err.detail, "line 1: row longer than 16384 bytes") == 0,
	   "row of 16384 bytes refused: %s", err.detail);
	/* the same in a quoted field, on line 2 */
	n = (size_t)sprintf(data, "ok\n\"");
	memset(data + n, 'y', CSV_MAX_LINE * 2);
	n += CSV_MAX_LINE * 2;
	data[n++] = '"';
	csv_reader_init(&r, data, n);
	ok(csv_next(&r, &err) == FMT_OK, "first row");
	ok(csv_next(&r, &err) == FMT_E_CSV &&
	   strcmp(err.detail, "line 2: row longer than 16384 bytes") == 0,
	   "long quoted field refused: %s", err.detail);
	/* many short fields: their NULs count too */
	n = 0;
	for (i = 0; i < CSV_MAX_FIELDS; i++) {
		if (i)
			data[n++] = ',';
		memset(data + n, 'z', 512);
		n += 512;
	}
	csv_reader_init(&r, data, n);
	ok(csv_next(&r, &err) == FMT_E_CSV && strstr(err.detail, "row longer") != NULL,
	   "32 fields of 512 bytes refused: %s", err.detail);
}

/* What fn wrote into a temporary file. */
static char *captured(FILE *f)
{
	static char buf[8192];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* s with its control characters shown as \xNN, for a one-line test name. */
static const char *shown(const char *s)
{
	static char buf[256];
	size_t o = 0;

	for (; s && *s && o + 5 < sizeof buf; s++) {
		if ((unsigned char)*s < 0x20)
			o += (size_t)snprintf(buf + o, sizeof buf - o, "\\x%02x",
					      (unsigned char)*s);
		else
			buf[o++] = *s;
	}
	buf[o] = '\0';
	return buf;
}

static void cell(const char *in, const char *want)
{
	char name[256];
	FILE *f = tmpfile();
	int rc;

	if (!f) {
		ok(0, "tmpfile");
		return;
	}
	rc = csv_write_cell(f, in);
	snprintf(name, sizeof name, "%s", in ? shown(in) : "(null)");
	is_str(captured(f), want, "cell \"%s\" written as %s", name, shown(want));
	is_int(rc, 0, "csv_write_cell returns 0");
}

static void test_writer(void)
{
	static const char *const row[] = { "a", "b,c", "=HYPERLINK(\"x\")", NULL, "" };
	FILE *f;

	cell("plain", "plain");
	cell("", "");
	cell(NULL, "");
	cell("a,b", "\"a,b\"");
	cell("say \"hi\"", "\"say \"\"hi\"\"\"");
	cell("\"", "\"\"\"\"");
	cell("line 1\nline 2", "\"line 1\nline 2\"");
	cell("a\r\nb", "\"a\r\nb\"");
	cell(" lead", "\" lead\"");
	cell("trail ", "\"trail \"");
	cell("in side", "in side");
	cell("=1+1", "'=1+1");
	cell("+33 1 23 45 67 89", "'+33 1 23 45 67 89");
	cell("-5", "'-5");
	cell("@SUM(A1)", "'@SUM(A1)");
	cell("\tx", "'\tx");
	cell("\rx", "\"'\rx\"");
	cell("=a,b", "\"'=a,b\"");
	cell("=\"x\"", "\"'=\"\"x\"\"\"");
	cell("a=b", "a=b");
	cell("Hébergement", "Hébergement");
	cell("'quoted", "'quoted");

	f = tmpfile();
	ok(f && csv_write_row(f, row, 5) == 0, "csv_write_row returns 0");
	if (f)
		is_str(captured(f), "a,\"b,c\",\"'=HYPERLINK(\"\"x\"\")\",,\r\n", "row with CRLF");
	f = tmpfile();
	ok(f && csv_write_row(f, row, 0) == 0, "empty row");
	if (f)
		is_str(captured(f), "\r\n", "empty row is CRLF");

	/* A full device: every write fails, and the failure is reported. */
	f = fopen("/dev/full", "w");
	if (f) {
		setvbuf(f, NULL, _IONBF, 0);
		is_int(csv_write_cell(f, "x"), EOF, "write error reported by csv_write_cell");
		is_int(csv_write_cell(f, "\"q\""), EOF, "write error on a quoted cell");
		is_int(csv_write_row(f, row, 5), EOF, "write error reported by csv_write_row");
		fclose(f);
	} else {
		ok(1, "# SKIP no /dev/full");
	}
}

/* What the writer writes, the reader reads back (formula cells with their
 * apostrophe, which is the point). */
static void test_round_trip(void)
{
	static const char *const cells[] = {
		"plain", "", "a,b", "say \"hi\"", "two\nlines", "crlf\r\nkept", " lead", "trail ",
		"Hébergement, mise à l'abri", "\"", ",", "\n", "x\"y\"z",
	};
	static csv_reader r;
	const int n = (int)(sizeof cells / sizeof cells[0]);
	char *text;
	fmt_error err;
	FILE *f = tmpfile();
	int i, same = 1, rows = 0;

	if (!f) {
		ok(0, "tmpfile");
		return;
	}
	csv_write_row(f, cells, n);
	csv_write_row(f, cells + 3, n - 3);
	text = captured(f);
	csv_reader_init(&r, text, strlen(text));
	while (csv_next(&r, &err) == FMT_OK) {
		int off = rows ? 3 : 0;

		if (r.nfields != n - off)
			same = 0;
		for (i = 0; i < r.nfields && i + off < n; i++) {
			/* a CRLF inside a field is read back as LF */
			const char *want = strcmp(cells[i + off], "crlf\r\nkept") == 0 ?
				"crlf\nkept" : cells[i + off];
			if (strcmp(r.fields[i], want) != 0) {
				diag("field %d: \"%s\" vs \"%s\"", i, r.fields[i], want);
				same = 0;
			}
		}
		rows++;
	}
	ok(same && rows == 2, "two rows written then read back unchanged");

	f = tmpfile();
	if (f) {
		const char *formula[] = { "=1+1", "-2" };

		csv_write_row(f, formula, 2);
		text = captured(f);
		csv_reader_init(&r, text, strlen(text));
		ok(csv_next(&r, &err) == FMT_OK && strcmp(r.fields[0], "'=1+1") == 0 &&
		   strcmp(r.fields[1], "'-2") == 0, "neutralised cells read back as text");
	}
}

/* What the writer neutralises, the reader's caller gets back verbatim,
 * and a text that merely starts with an apostrophe is left alone. */
static void test_unneutralise(void)
{
	static const char *const texts[] = {
		"=1+1", "+33 1 23", "-5", "@SUM(A1)", "'=x", "''=x", "'plain", "plain", "",
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char out[256] = "";
		char *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		csv_reader r;
		int rc;

		csv_write_cell(f, texts[i]);
		fputs(",end\r\n", f);
		fclose(f);
		csv_reader_init(&r, buf, len);
		rc = csv_next(&r, NULL);
		if (rc == FMT_OK && r.nfields == 2)
			snprintf(out, sizeof out, "%s", csv_unneutralise(r.fields[0]));
		is_str(out, texts[i], "text %zu written then read back unchanged", i);
		free(buf);
	}
	is_str(csv_unneutralise("'hello"), "'hello", "an apostrophe before plain text stays");
	is_str(csv_unneutralise("'=1"), "=1", "the formula apostrophe goes");
}

/* The Excel dialect: semicolons, decimal comma, byte order mark; the
 * reader reads it back. */
static void test_excel(void)
{
	static const char *const row[4] = { "01", "a;b", "85,6", "x,y" };
	static csv_reader r;
	char num[CSV_NUMBUF], *text;
	fmt_error err;
	FILE *f;

	is_str(csv_decimal(856, num), "85.6", "decimal point by default");
	is_str(csv_decimal(-5, num), "-0.5", "a negative decimal");
	ok(!csv_excel(), "RFC 4180 by default");
	f = tmpfile();
	ok(f && csv_start(f) == 0 && csv_write_row(f, row, 4) == 0, "RFC 4180 row");
	if (f)
		is_str(captured(f), "01,a;b,\"85,6\",\"x,y\"\r\n", "no mark, commas quoted");
	csv_set_excel(1);
	ok(csv_excel(), "the Excel dialect is set");
	is_str(csv_decimal(856, num), "85,6", "decimal comma");
	is_str(csv_decimal(1000, num), "100,0", "a whole share keeps its decimal");
	f = tmpfile();
	ok(f && csv_start(f) == 0 && csv_write_row(f, row, 4) == 0, "Excel row");
	if (f) {
		text = captured(f);
		is_str(text, "\xEF\xBB\xBF" "01;\"a;b\";85,6;x,y\r\n",
		       "mark, semicolons, semicolons quoted, commas not");
		csv_reader_init(&r, text, strlen(text));
		csv_reader_set_separator(&r, ';');
		fmt_error_clear(&err);
		ok(csv_next(&r, &err) == FMT_OK && r.nfields == 4 &&
		   strcmp(r.fields[0], "01") == 0 && strcmp(r.fields[1], "a;b") == 0 &&
		   strcmp(r.fields[2], "85,6") == 0, "read back whole");
	}
	csv_set_excel(0);
	ok(!csv_excel(), "back to RFC 4180");
}

int main(void)
{
	test_unneutralise();
	test_reader();
	test_lines();
	test_limits();
	test_writer();
	test_round_trip();
	test_excel();
	return done_testing();
}
