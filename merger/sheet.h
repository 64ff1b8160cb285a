/*
 * sheet.h - tables written as CSV or as a workbook (.xlsx), from the same
 * rows.
 *
 * A table's writer (the report's tables, the list of collectors) names
 * its columns once, each with its code (the CSV header) and its French
 * label (the workbook's header, the model's label where the column is a
 * field of the model), then hands rows of typed cells.  CSV writes every
 * cell as text through csv.h, in the dialect the program chose (RFC 4180,
 * or Excel's with --csv-excel); one CSV file holds one table, so its
 * header row is written once.  The workbook (libxlsxwriter) gets one
 * worksheet per table: numbers stay numbers, codes stay text ("01" stays
 * "01"), shares are percentages, a count hidden by suppression is its
 * published mark ("s") in a marked cell, the header row is frozen and
 * filtered, and each column is as wide as its content.
 */
#ifndef MERGER_SHEET_H
#define MERGER_SHEET_H

#include <stdint.h>
#include <stdio.h>

#include "error.h"

/* A column: code (CSV), French header (workbook).  With field set, the
 * French header is the model's label of that field of record kind kind
 * (model.h), and fr is ignored. */
typedef struct sheet_col {
	const char *code;
	const char *fr;
	int kind;                    /* enum rec_kind, with field */
	const char *field;
} sheet_col;

#define SHEET_COL(code, fr) { code, fr, 0, NULL }
#define SHEET_FIELD(code, kind, field) { code, NULL, kind, field }

enum sheet_kind {
	SC_EMPTY,                    /* nothing */
	SC_TEXT,                     /* s: words, names */
	SC_CODE,                     /* s: a code, kept as text ("01") */
	SC_INT,                      /* n: a whole number */
	SC_SHARE,                    /* n: a share in tenths of a percent */
	SC_FLAG,                     /* n: 1 or 0 (CSV), oui or non (workbook) */
	SC_HIDDEN,                   /* s: a suppressed count, as published ("s") */
};

typedef struct sheet_cell {
	int kind;                    /* enum sheet_kind */
	const char *s;
	long long n;
} sheet_cell;

/* Cells, for the rows' initialisers.  Text NULL is an empty cell. */
sheet_cell sheet_text(const char *s);
sheet_cell sheet_code(const char *s);
sheet_cell sheet_int(long long n);
sheet_cell sheet_share(int tenths);   /* < 0: not published, empty */
sheet_cell sheet_flag(int yes);

typedef struct sheet_out sheet_out;

/* CSV on f.  Nothing fails but memory (FMT_E_NOMEM). */
int sheet_open_csv(sheet_out **o, FILE *f, fmt_error *err);
/* A workbook, written to path when closed (libxlsxwriter writes to a
 * file name: give the temporary file of an atomic write, in the folder
 * where its own temporary files go too).  title and created (unix
 * seconds: the workbook is the same file for the same data and clock)
 * go to the workbook's properties. */
int sheet_open_xlsx(sheet_out **o, const char *path, const char *title, int64_t created,
		    fmt_error *err);

/* Starts a table: a new worksheet named name (31 characters at most;
 * another name is found when the workbook refuses it), or, in CSV, the
 * header row when it is the first table. */
void sheet_table(sheet_out *o, const char *name, const sheet_col *cols, int ncols);
/* One row of the current table. */
void sheet_row(sheet_out *o, const sheet_cell *cells, int ncells);

/* Writes what is left (the whole workbook) and frees o (NULL accepted).
 * FMT_OK, FMT_E_IO (write error, err names what) or FMT_E_NOMEM.  The
 * errors of a CSV stream are not checked here: its owner checks ferror
 * when it closes the stream. */
int sheet_close(sheet_out *o, fmt_error *err);

#endif
