/*
 * report_cmd.h - what the commands that publish from the national
 * database share (report_cmd.c): the period and format options, the
 * diagnostic loaded for a period, and an output that is standard output
 * or a file written atomically.
 */
#ifndef MERGER_REPORT_CMD_H
#define MERGER_REPORT_CMD_H

#include <stdio.h>

#include "fileio.h"
#include "merger.h"
#include "report.h"

enum report_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON, FORMAT_HTML };

/* --period S of command into out (canonical); prints the usage error and
 * returns EXIT_USAGE when S is not a period. */
int report_parse_period(const char *command, const char *s, char out[REC_PERIOD_MAX + 1]);

/* --threshold V of command (--public) into *out; prints the usage error
 * and returns EXIT_USAGE when V is not a number in range. */
int report_parse_threshold(const char *command, const char *v, int *out);

/* Opens the database and computes the diagnostic for period ("" for the
 * default) with report_build's flags.  table is the code given to
 * --table, or NULL: it must name a table of the questionnaire.  On
 * failure prints the message and returns the exit status; free r with
 * report_free() in every case. */
int report_load(const merger_ctx *ctx, const char *period, const char *table, int flags,
		report *r);

/* Where the output goes: stdout, or an atomic file. */
struct output {
	atomic_file af;
	FILE *f;
	const char *path;     /* NULL for stdout */
};

/* path NULL or "-": standard output; else a new file of that mode,
 * replacing path only at output_close().  Returns 0 or the exit status
 * (message printed). */
int output_open(struct output *o, const char *path, int mode);
/* Finishes the output; wrote is the writer's result (0 or EOF).  Returns
 * the exit status. */
int output_close(struct output *o, int wrote);

#endif
