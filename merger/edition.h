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

/* What edition_check_count() found for the last count it accepted: its
 * table and the index of each of its codes in the dimension's list.  The
 * counts of a bundle come table by table, most with the codes of the one
 * before (a collector fills a grid), so the next check tries these first:
 * one comparison a code instead of a search of each list.  Zero it
 * (`edition_seen s = { 0 }`) before the first check with a questionnaire. */
typedef struct edition_seen {
	const qn_table *t;       /* NULL: nothing accepted yet */
	int v[QN_DIMS_MAX];      /* each code's index in its list */
} edition_seen;

/* Checks a count record against q: its table and every value code exist
 * (retired ones included), in the number of the table's dimensions.  On
 * success *seen describes r; on failure err says which (FMT_E_FIELD) and
 * *seen holds its last table, or nothing. */
struct record;
int edition_check_count(const questionnaire *q, edition_seen *seen, const struct record *r,
			fmt_error *err);

#endif
