/*
 * csv.c - RFC 4180 CSV reader and writer, for the spreadsheet templates the
 * collector imports and the tables the merger exports.
 *
 * The reader works on a buffer already in memory and copies the fields of
 * one row into the reader's own arena (CSV_MAX_LINE bytes), so a row can
 * never take more memory than that whatever the file holds.  It is strict
 * where a lenient guess could store something other than what the user
 * typed (a stray quote, an unterminated quoted field, a NUL byte) and
 * accepting where spreadsheets differ harmlessly (CRLF, LF or CR line
 * ends, a UTF-8 byte order mark).
 *
 * The writer quotes only when needed and neutralises cells that a
 * spreadsheet would run as a formula.
 */
#include "csv.h"

#include <string.h>

#define STR_(x) #x
#define STR(x)  STR_(x)

/* Sets up r to read data[0..len); the data must outlive the reader.  A
 * UTF-8 byte order mark (what Excel writes at the start of "CSV UTF-8")
 * is skipped. */
void csv_reader_init(csv_reader *r, const char *data, size_t len)
{
	memset(r, 0, sizeof *r);
	r->data = data ? data : "";
	r->len = data ? len : 0;
	r->line = 1;
	r->sep = ',';
	if (r->len >= 3 && memcmp(r->data, "\xEF\xBB\xBF", 3) == 0)
		r->pos = 3;
}

/* See csv.h. */
void csv_reader_set_separator(csv_reader *r, char sep)
{
	if (sep && !strchr("\"\r\n", sep))
		r->sep = sep;
}

/* The rule `collector import` has always used: only the header line is
 * looked at, since a comma may well appear in the text of later rows of a
 * semicolon file. */
char csv_guess_separator(const char *data, size_t len)
{
	size_t i;
	int semi = 0;

	for (i = 0; data && i < len && data[i] != '\n' && data[i] != '\r'; i++) {
		if (data[i] == ',')
			return ',';
		if (data[i] == ';')
			semi = 1;
	}
	return semi ? ';' : ',';
}

/* Stops the reader after an error: the next call returns FMT_DONE rather
 * than resynchronising in the middle of a broken row. */
static int fail(csv_reader *r, fmt_error *err, unsigned line, int reason, const char *what)
{
	r->pos = r->len;
	r->nfields = 0;
	fmt_fail_field(err, FMT_E_CSV, reason, NULL, "line %u: %s", line, what);
	if (err)
		err->line = line;
	return FMT_E_CSV;
}

/* Consumes a line end at r->pos (CRLF, LF or a lone CR).  Returns 1 when
 * there was one. */
static int eat_newline(csv_reader *r)
{
	if (r->pos < r->len && r->data[r->pos] == '\r') {
		r->pos++;
		if (r->pos < r->len && r->data[r->pos] == '\n')
			r->pos++;
		return 1;
	}
	if (r->pos < r->len && r->data[r->pos] == '\n') {
		r->pos++;
		return 1;
	}
	return 0;
}

/* r->line still names the line where the previous row started: moves it
 * past that row.  Every line break inside the row's fields was kept as one
 * LF, and the row itself ended with a line break unless it ended the data,
 * so the count is exact without a second cursor in the reader. */
static void pass_previous_row(csv_reader *r)
{
	const char *p;
	int i;

	for (i = 0; i < r->nfields; i++)
		for (p = r->fields[i]; *p; p++)
			if (*p == '\n')
				r->line++;
	if (r->nfields && r->pos > 0 &&
	    (r->data[r->pos - 1] == '\n' || r->data[r->pos - 1] == '\r'))
		r->line++;
	r->nfields = 0;
}

/* Reads the next row.  Fields are NUL-terminated strings in r->buf, valid
 * until the next call.  A line break inside a quoted field is kept as one
 * LF whatever its spelling in the file, so that a note typed on two lines
 * in a spreadsheet reads the same on every system.  r->line is the line
 * where the row starts; the line numbers of messages are those a text
 * editor shows.  Fails with FMT_E_CSV on: a quote inside an unquoted
 * field, anything but a separator after a closing quote, a quoted field
 * still open at the end of the data, a NUL byte, more than CSV_MAX_FIELDS
 * fields, a row longer than CSV_MAX_LINE bytes. */
int csv_next(csv_reader *r, fmt_error *err)
{
	const char *d = r->data;
	size_t used = 0;       /* bytes of r->buf taken, NULs included */
	unsigned line, cur, quote_line;
	char ch;
	int quoted;

	pass_previous_row(r);
	/* Blank lines between rows are not rows. */
	while (r->pos < r->len && (d[r->pos] == '\r' || d[r->pos] == '\n')) {
		eat_newline(r);
		r->line++;
	}
	if (r->pos >= r->len)
		return FMT_DONE;

	line = cur = r->line;
	for (;;) {
		/* one field */
		if (r->nfields == CSV_MAX_FIELDS)
			return fail(r, err, line, FMT_R_CSV_COLUMNS, "more than " STR(CSV_MAX_FIELDS) " fields");
		r->fields[r->nfields++] = r->buf + used;
		quoted = 0;
		quote_line = cur;
		if (r->pos < r->len && d[r->pos] == '"') {
			quoted = 1;
			r->pos++;
		}
		for (;;) {
			if (r->pos >= r->len) {
				if (quoted)
					return fail(r, err, quote_line, FMT_R_CSV_UNTERMINATED, "unterminated quote "
						    "(the quoted field never ends)");
				break;
			}
			ch = d[r->pos];
			if (ch == '\0')
				return fail(r, err, cur, FMT_R_CSV_NUL, "NUL byte in the data");
			if (quoted) {
				if (ch == '"') {
					if (r->pos + 1 < r->len && d[r->pos + 1] == '"') {
						r->pos += 2;
					} else {
						r->pos++;
						quoted = 0;
						if (r->pos < r->len && d[r->pos] != r->sep &&
						    d[r->pos] != '\r' && d[r->pos] != '\n')
							return fail(r, err, cur, FMT_R_CSV_AFTER_QUOTE,
								    "text after a closing quote");
						continue;
					}
				} else if (ch == '\r' || ch == '\n') {
					eat_newline(r);
					cur++;
					ch = '\n';
				} else {
					r->pos++;
				}
			} else {
				if (ch == r->sep || ch == '\r' || ch == '\n')
					break;
				if (ch == '"')
					return fail(r, err, cur, FMT_R_CSV_QUOTE, "quote inside an "
						    "unquoted field (a field holding quotes must "
						    "be quoted, its quotes doubled)");
				r->pos++;
			}
			/* one byte for ch, and keep one for this field's NUL */
			if (used + 2 > sizeof r->buf)
				return fail(r, err, line, FMT_R_CSV_ROW_LONG,
					    "row longer than " STR(CSV_MAX_LINE) " bytes");
			r->buf[used++] = ch;
		}
		r->buf[used++] = '\0';
		if (r->pos < r->len && d[r->pos] == r->sep) {
			r->pos++;
			/* a field after the separator, even at the end of the data */
			if (used + 1 > sizeof r->buf)
				return fail(r, err, line, FMT_R_CSV_ROW_LONG,
					    "row longer than " STR(CSV_MAX_LINE) " bytes");
			continue;
		}
		eat_newline(r);
		return FMT_OK;
	}
}

/* A cell that Excel or LibreOffice would evaluate, or that starts with a
 * character some of them strip before evaluating.  Apostrophes in front
 * count too, so that the apostrophe added before such a cell can always
 * be taken off again (csv_unneutralise): "'=x" is written "''=x". */
static int looks_like_formula(const char *s)
{
	while (*s == '\'')
		s++;
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

/* See csv.h. */
const char *csv_unneutralise(const char *cell)
{
	return cell[0] == '\'' && looks_like_formula(cell + 1) ? cell + 1 : cell;
}

/* The writer's dialect (csv_set_excel): the field separator. */
static char write_sep = ',';

void csv_set_excel(int on)
{
	write_sep = on ? ';' : ',';
}

int csv_excel(void)
{
	return write_sep == ';';
}

int csv_start(FILE *f)
{
	/* The UTF-8 byte order mark, by which Excel tells UTF-8 from its
	 * own code page. */
	if (write_sep == ';' && fputs("\xEF\xBB\xBF", f) == EOF)
		return EOF;
	return 0;
}

const char *csv_decimal(long long tenths, char buf[CSV_NUMBUF])
{
	long long a = tenths < 0 ? -tenths : tenths;

	snprintf(buf, CSV_NUMBUF, "%s%lld%c%lld", tenths < 0 ? "-" : "", a / 10,
		 write_sep == ';' ? ',' : '.', a % 10);
	return buf;
}

/* Writes one cell: a leading apostrophe before a would-be formula, then
 * the text, quoted when it holds a separator, a quote or a line break, or
 * starts or ends with a blank (which some readers would trim).  NULL is
 * an empty cell.  Returns 0 or EOF on a write error. */
int csv_write_cell(FILE *f, const char *s)
{
	const char *p;
	size_t n;
	int quote, neutral;

	if (!s)
		s = "";
	n = strlen(s);
	neutral = looks_like_formula(s);
	/* In the Excel dialect a comma is a decimal comma, not quoted. */
	quote = strpbrk(s, write_sep == ';' ? ";\"\r\n" : ",\"\r\n") != NULL ||
		(n && (s[0] == ' ' || s[n - 1] == ' '));
	if (quote && putc('"', f) == EOF)
		return EOF;
	if (neutral && putc('\'', f) == EOF)
		return EOF;
	if (!quote) {
		/* The common case (a code, a number): one write. */
		if (n && fwrite(s, 1, n, f) != n)
			return EOF;
	} else {
		/* Runs up to each quote, then the quote doubled. */
		for (p = s; *p; ) {
			size_t run = strcspn(p, "\"");

			if (run && fwrite(p, 1, run, f) != run)
				return EOF;
			p += run;
			if (*p == '"') {
				if (fputs("\"\"", f) == EOF)
					return EOF;
				p++;
			}
		}
	}
	if (quote && putc('"', f) == EOF)
		return EOF;
	return 0;
}

/* Writes n cells separated by commas (semicolons in the Excel dialect)
 * and ended by CRLF (RFC 4180). */
int csv_write_row(FILE *f, const char *const *cells, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i && putc(write_sep, f) == EOF)
			return EOF;
		if (csv_write_cell(f, cells[i]) == EOF)
			return EOF;
	}
	if (fputs("\r\n", f) == EOF)
		return EOF;
	return 0;
}
