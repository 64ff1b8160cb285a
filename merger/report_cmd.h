/*
 * report_cmd.h - what the commands that publish from the national
 * database share (report_cmd.c): the period and format options, the
 * diagnostic loaded for a period (their output: output.h).
 */
#ifndef MERGER_REPORT_CMD_H
#define MERGER_REPORT_CMD_H

#include <stdio.h>

#include "merger.h"
#include "output.h"
#include "report.h"

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

#endif
