/*
 * output.h - where a command's data goes (standard output, or a file
 * written atomically with -o) and in which format: text, CSV (RFC 4180
 * or, with --csv-excel, Excel's dialect), JSON, HTML or a workbook
 * (.xlsx, only into a file).  Shared by the commands that print tables:
 * report, directory, collectors.
 */
#ifndef MERGER_OUTPUT_H
#define MERGER_OUTPUT_H

#include <stdio.h>

#include "fileio.h"
#include "sheet.h"

enum out_format { OUT_TEXT, OUT_CSV, OUT_JSON, OUT_HTML, OUT_XLSX };
#define OUT_ALLOW(f) (1u << (f))

/* --format (may be NULL: text) and --csv-excel (a switch: CSV in Excel's
 * dialect, set for the whole program) of command cmd, which writes the
 * formats in the mask allowed, into *format; -o's path (NULL: standard
 * output): a workbook is never written to standard output.  0, or
 * EXIT_USAGE after the message. */
int out_format_parse(const char *cmd, const char *format, int csv_excel, const char *path,
		     unsigned allowed, enum out_format *out);

typedef struct output {
	atomic_file af;
	FILE *f;
	const char *path;            /* NULL for standard output */
} output;

/* Opens the output: standard output for path NULL or "-", else a
 * temporary file beside path, created with mode.  0, or the exit status
 * after the message. */
int output_open(output *o, const char *path, int mode);
/* Finishes the output; wrote is the writer's result (non-zero: failed).
 * The file is renamed into place only when everything was written.
 * Returns the exit status. */
int output_close(output *o, int wrote);
/* Drops the output without a message: the file is not written. */
void output_abort(output *o);

/* The table writer of format (OUT_CSV or OUT_XLSX) on an open output:
 * CSV on o->f, or a workbook written into o's temporary file (title in
 * its properties).  0, or the exit status after the message (o is then
 * closed). */
int output_sheet(output *o, enum out_format format, const char *title, sheet_out **s);
/* Writes the tables (sheet_close) and finishes the output; returns the
 * exit status. */
int output_sheet_close(output *o, sheet_out *s);

#endif
