/*
 * edition.h - the questionnaire's published editions in the national
 * database (edition.c), and `merger questionnaire`.
 */
#ifndef MERGER_EDITION_H
#define MERGER_EDITION_H

#include <sqlite3.h>

#include "error.h"
#include "questionnaire.h"

/* The latest published edition into *q (free with qn_free).  FMT_DONE
 * with *q NULL when none was published. */
int edition_latest(sqlite3 *db, questionnaire **q, fmt_error *err);

/* Publishes q as the next edition at time now, inside the caller's
 * transaction: q must evolve from the latest (qn_evolves: no code removed
 * or redefined), every problem going to fn.  Sets q->edition and
 * q->published. */
int edition_publish(sqlite3 *db, questionnaire *q, int64_t now, qn_problem_fn fn,
		    void *ctx, fmt_error *err);

/* The default edition's sheets, carried inside the merger
 * (samples/questionnaire/), parsed. */
int edition_default(questionnaire **q, fmt_error *err);

/* Checks a count record against q: its table and every value code exist
 * (retired ones included), in the number of the table's dimensions.  On
 * failure err says which (FMT_E_FIELD). */
struct record;
int edition_check_count(const questionnaire *q, const struct record *r, fmt_error *err);

#endif
