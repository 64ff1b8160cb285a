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
 *
 * The writer speaks RFC 4180 unless a program asks, once, for the dialect
 * a French Excel opens with a double click (csv_set_excel): semicolons
 * between fields, a decimal comma in numbers written by csv_decimal(),
 * and a UTF-8 byte order mark written by csv_start().
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

/* The writer's dialect for every row written from now on: RFC 4180 (0,
 * the default: commas, decimal point, no byte order mark) or Excel's in
 * a French locale (1: semicolons, decimal comma, byte order mark).  A
 * program sets it once, from its command line.  csv_excel() tells which. */
void csv_set_excel(int on);
int csv_excel(void);
/* What a file starts with before its first row: the byte order mark in
 * the Excel dialect, nothing otherwise.  Returns 0 or EOF. */
int csv_start(FILE *f);
/* A number given in tenths as a decimal with one digit after the point
 * ("85.6"), or after the comma in the Excel dialect ("85,6").  Returns
 * buf. */
#define CSV_NUMBUF 32
const char *csv_decimal(long long tenths, char buf[CSV_NUMBUF]);

#endif
