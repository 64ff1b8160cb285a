/*
 * csv.h - RFC 4180 CSV, read and written.
 *
 * The reader parses one record (line) at a time from a memory buffer:
 * quoted fields with "" escapes and embedded newlines, CRLF or LF line
 * ends, a UTF-8 BOM at the start skipped.  Fields are copied into a
 * caller-owned arena, so nothing is allocated per row.  Fields are
 * separated by commas unless the caller asks for another separator (French
 * spreadsheets save "CSV" with semicolons).
 *
 * The writer quotes when needed and neutralises spreadsheet formulas: a
 * cell starting with = + - @ (or tab/CR), after any apostrophes, gets a
 * leading apostrophe, so that LibreOffice or Excel shows it as text
 * instead of running it; csv_unneutralise() takes it off again.
 */
#ifndef MAILLAGE_CSV_H
#define MAILLAGE_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"

#define CSV_MAX_FIELDS 32
#define CSV_MAX_LINE   16384   /* one row, all fields together */

typedef struct csv_reader {
	const char *data;
	size_t len, pos;
	unsigned line;                   /* 1-based line where the current row starts */
	char buf[CSV_MAX_LINE];
	const char *fields[CSV_MAX_FIELDS];
	int nfields;
	char sep;                        /* field separator, ',' unless set */
} csv_reader;

void csv_reader_init(csv_reader *r, const char *data, size_t len);
/* Reads fields separated by sep from now on (',' after csv_reader_init).
 * A quote, CR, LF or NUL cannot separate fields: for those the separator
 * stays what it was.  Cannot fail. */
void csv_reader_set_separator(csv_reader *r, char sep);
/* The separator data[0..len) was most likely saved with: ';' when its
 * first line holds a semicolon and no comma (what LibreOffice and Excel
 * write in a French locale), ',' otherwise.  Cannot fail. */
char csv_guess_separator(const char *data, size_t len);
/* Next row into r->fields / r->nfields.  FMT_OK, FMT_DONE at end, or
 * FMT_E_CSV with a detail naming the line ("line 7: unterminated quote").
 * Blank lines are skipped. */
int csv_next(csv_reader *r, fmt_error *err);

/* Writes one cell (quoted when it holds , " CR LF or leading/trailing
 * space; formula prefixes neutralised).  Returns 0 or EOF. */
int csv_write_cell(FILE *f, const char *s);
/* The text a cell written by csv_write_cell() stands for: cell without
 * the apostrophe put before a would-be formula (a pointer into cell), so
 * that a file written, then read back, gives the same texts. */
const char *csv_unneutralise(const char *cell);
/* Writes n cells and CRLF. */
int csv_write_row(FILE *f, const char *const *cells, int n);

#endif
