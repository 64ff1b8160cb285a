/*
 * report.h - the national diagnostic as an in-memory model (report.c),
 * its small-count suppression (suppress.c) and the writers that turn it
 * into text, CSV, JSON, HTML and a workbook (report_*.c; CSV and the
 * workbook through sheet.h).  Internal to the merger.
 *
 * The model is computed once from the national database for one period
 * and is small (101 départements, a few tables of enumerations, one entry
 * per organisation, one per count table of the questionnaire), so every
 * writer reads it as plain arrays and none touches the database.  The
 * counting rules are in docs/REPORT.md.
 */
#ifndef MERGER_REPORT_H
#define MERGER_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "error.h"
#include "questionnaire.h"
#include "record.h"
#include "refdata.h"
#include "sheet.h"

/* Every enumeration fits a 32-bit mask (refdata.h), so 32 slots hold any
 * of them. */
#define RPT_ENUM_MAX 32

/* Index of each status in ENUM_STATUS.  The order of the enumeration
 * tables is part of the file format and never changes (refdata.h). */
#define ST_SPOTTED   0
#define ST_SUPPORTED 1
#define ST_COUNT     2

#define RPT_THRESHOLD_DEFAULT 5
/* Below 3, "<N" on a non-zero count would state the value itself ("<2"
 * can only be 1). */
#define RPT_THRESHOLD_MIN 3
#define RPT_THRESHOLD_MAX 100000

/* How a published count is shown.  CELL_SMALL: 1..threshold-1 (primary
 * suppression).  CELL_SECRET: hidden only so that a small one cannot be
 * recomputed (complementary suppression).  Both are published as the same
 * mark, RPT_HIDDEN_MARK ("secret statistique"), so that the output never
 * tells which hidden cells are the small ones; the suppression itself
 * (suppress.c) still reasons as if a reader could tell them apart, which
 * only makes it stricter. */
enum cell_state { CELL_SHOWN = 0, CELL_SMALL, CELL_SECRET };
#define RPT_HIDDEN_MARK "s"

typedef struct rcount {
	long long n;
	int state;                       /* enum cell_state */
} rcount;

/* One breakdown of a count table: a count for every value of a code list,
 * by value index (retired values included; they are shown only when not
 * zero). */
typedef struct rbreak {
	const qn_list *list;             /* in the report's questionnaire */
	rcount *cells;                   /* list->t.count of them */
} rbreak;

/* One count table of the questionnaire, for the period: the same
 * counting rules as the victims (one value per organisation and cell,
 * docs/REPORT.md), added up along each dimension and each département. */
typedef struct rtable {
	const qn_table *t;               /* code, titles, help: in r->qn */
	int reported;                    /* some record of it counted for the period */
	rcount total;
	int ndims;
	rbreak dim[QN_DIMS_MAX];         /* by each dimension, in the table's order */
	/* By the list dimension k's values roll up into (countries by world
	 * region); list NULL when they do not, or when that list is itself a
	 * dimension of the table. */
	rbreak rollup[QN_DIMS_MAX];
	rcount dept[DEPT_COUNT];
} rtable;

typedef struct report_org {
	long long id;
	char *name;
	char *email, *phone, *website;   /* NULL when not given */
	int kind;                        /* ENUM_ORG_KIND index */
	int collectors, revoked;         /* how many, how many of them revoked */
	int reporting;                   /* any support, action or training for the period */
	uint8_t active[DEPT_COUNT];      /* active there (rule in docs/REPORT.md) */
	uint8_t listed[DEPT_COUNT];      /* the départements it declares */
	uint32_t types[DEPT_COUNT];      /* ENUM_ACTION_TYPE mask of its actions there */
	/* Reporting rates (rates.c) */
	int rate;                        /* enum rate_status */
	int64_t received_at;             /* first counts for the period arrived; 0: none */
	int sent;                        /* some bundle of it was ever merged */
} report_org;

/* Where an organisation stands for the period's return (docs/REPORT.md,
 * "Reporting rates"). */
enum rate_status {
	RATE_NONE = 0,      /* not asked, sent nothing for the period */
	RATE_MISSING,       /* asked, nothing received */
	RATE_ON_TIME,       /* received by the end of the deadline's day */
	RATE_LATE,          /* received after it */
	RATE_RECEIVED,      /* received, no deadline set for the period */
	RATE_UNASKED,       /* received from an organisation not asked */
};

/* Returns expected and received, for the nation or one département. */
typedef struct rate_tally {
	int expected, received, on_time, late, missing, unasked;
} rate_tally;

typedef struct report_rates {
	char due[11];                    /* deadline "YYYY-MM-DD", "" when none set */
	int64_t cutoff;                  /* last second that counts as on time */
	rate_tally all;
	rate_tally dept[DEPT_COUNT];     /* by the départements organisations declare */
	int never;                       /* organisations that never sent anything */
} report_rates;

/* A cell of a count table, for every dimension at once, as the exchange
 * formats need (report_build with REPORT_CELLS): the sum over the
 * organisations of one département, for the period. */
typedef struct rcell {
	const qn_table *t;               /* in r->qn */
	int dept;
	int val[QN_DIMS_MAX];            /* value index by dimension; 0 beyond ndims */
	long long n;
	int state;                       /* enum cell_state (public exports) */
} rcell;

typedef struct report_dept {
	int orgs;                        /* organisations active there */
	int by_kind[RPT_ENUM_MAX];       /* the same, by ENUM_ORG_KIND index */
	uint32_t types;                  /* action types present (mask) */
	long long trainings, participants;
} report_dept;

typedef struct report report;

struct report {
	char period[REC_PERIOD_MAX + 1];
	char first_day[11], last_day[11]; /* "YYYY-MM-DD", the period's bounds */
	int64_t generated;               /* unix seconds */
	char coordination[REC_NAME_MAX + 1]; /* meta "name" of the national database */
	int public_mode;                 /* suppression applied */
	int threshold;

	/* The victims table, by ENUM_STATUS index in the second dimension
	 * (filled from the same counts as tables[victims]). */
	rcount total[ST_COUNT];
	rcount by_expl[RPT_ENUM_MAX][ST_COUNT];
	rcount by_sex[RPT_ENUM_MAX][ST_COUNT];
	rcount by_age[RPT_ENUM_MAX][ST_COUNT];
	rcount by_dept[DEPT_COUNT][ST_COUNT];

	/* Every count table of the latest edition of the questionnaire (qn):
	 * its tables in order, less the retired ones with nothing counted for
	 * the period.  victims is the index of table "victims", or -1. */
	questionnaire *qn;
	rtable *tables;
	int ntables;
	int victims;

	report_dept dept[DEPT_COUNT];
	report_org *orgs;                /* sorted by name */
	int norgs;
	int enrolled, reporting;         /* completeness */
	long long ignored;               /* rows with codes this version does not know */
	report_rates rates;

	/* With REPORT_CELLS: every cell some organisation counted, summed per
	 * département, sorted by table (questionnaire order), département,
	 * then values.  cells_nomem is set when memory ran out reading them. */
	int keep_cells;
	rcell *cells;
	size_t ncells, cells_cap;
	int cells_nomem;

	/* The same period a year earlier, when the database holds anything
	 * for it (report_build_previous), else NULL.  Suppressed with r and
	 * freed with it. */
	struct report *prev;

	/* Data quality for the period (quality.h): failed rules, outliers,
	 * bundles sent despite errors; shown only outside public mode. */
	struct quality *quality;
};

/* The quality section of each format: nothing when the report is public
 * or there is nothing to follow up. */
void report_quality_text(FILE *f, const report *r);
void report_quality_json(FILE *f, const report *r);
void report_quality_html(FILE *f, const report *r);

/* The period used when none is given, into out: the latest year holding
 * any support count, action or training, else the year of `now`. */
int report_default_period(sqlite3 *db, int64_t now, char out[REC_PERIOD_MAX + 1],
			  fmt_error *err);

/* Computes the whole diagnostic for `period` (canonical) from db into *r,
 * inside one read transaction so that every table sees the same data,
 * for the tables of the latest published edition of the questionnaire
 * (the default one when none was published).  generated is stored as the
 * generation time.  flags: REPORT_CELLS also keeps r->cells.  Free with
 * report_free(), also after a failure. */
#define REPORT_CELLS 1
int report_build(sqlite3 *db, const char *period, int64_t generated, report *r,
		 int flags, fmt_error *err);
void report_free(report *r);

/* Sets r->prev to the report of the same period one year earlier ("2024"
 * for "2025", "2024-Q3" for "2025-Q3", "2024-05" for "2025-05"), built
 * with the same rules, when some organisation sent anything for it
 * (a count, an action, a training); leaves it NULL otherwise.  Call it
 * after report_build() and before report_suppress(). */
int report_build_previous(sqlite3 *db, report *r, fmt_error *err);

/* The headline figures of a report, and their change since r->prev. */
enum report_key {
	KEY_SUPPORTED,          /* victims supported */
	KEY_SPOTTED,            /* victims spotted */
	KEY_GAPS,               /* départements without any victim supported */
	KEY_REPORTING,          /* enrolled organisations that sent something */
	KEY_COUNT
};
#define RPT_NO_PCT (-1000000)   /* no percentage: not meaningful */
/* A percentage is given for the victims only, and only when the previous
 * figure is at least this: on fewer, a percentage says more than the
 * numbers do. */
#define RPT_PCT_MIN 10

/* The value of headline figure k as published into *v; 0 when it is
 * hidden (a suppressed count). */
int report_key_value(const report *r, enum report_key k, long long *v);

/* 1 with *delta (this year minus the previous one) and *pct (the change
 * in whole percent of the previous value, rounded half away from zero, or
 * RPT_NO_PCT), when r->prev exists and both values are published; 0
 * otherwise. */
int report_change(const report *r, enum report_key k, long long *delta, int *pct);

/* A change as French text, into buf: "+12 (+8 %)", "−3", "0"; the minus
 * sign is U+2212 and the space before "%" is no-break.  Returns buf. */
#define RPT_CHANGEBUF 48
const char *change_text(long long delta, int pct, char buf[RPT_CHANGEBUF]);

/* Applies small-count suppression with `threshold` (suppress.c) to the
 * victims tables and to every count table: marks cells CELL_SMALL /
 * CELL_SECRET until no hidden count can be deduced from the published
 * ones.  Returns FMT_OK, or FMT_E_NOMEM (err set) when memory runs out:
 * the report must then not be published. */
int report_suppress(report *r, int threshold, fmt_error *err);

/* Reads the latest edition of the questionnaire into r->qn and the count
 * tables for r's period into r->tables (report_counts.c), for
 * report_build(), inside its read transaction and after the organisations
 * are loaded.  Fails with the database's error or FMT_E_NOMEM; what was
 * read is then freed by report_counts_free(), which report_free() calls. */
int report_load_counts(sqlite3 *db, report *r, fmt_error *err);
void report_counts_free(report *r);

/* Reads the reporting rates of r's period (rates.c), for report_build(),
 * inside its read transaction, while r->orgs is sorted by id. */
int report_load_rates(sqlite3 *db, report *r, fmt_error *err);

/* For report_counts.c: the organisation of id (r->orgs is sorted by id
 * while loading), or NULL; and the end of a statement's rows (finalizes
 * st, whose last sqlite3_step() returned rc: FMT_OK when its rows ran to
 * their end, else the database's error naming what was read). */
report_org *report_org_by_id(report *r, long long id);
int report_rows_end(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what, fmt_error *err);

/* The count table of that code in the report, or NULL. */
const rtable *report_table_find(const report *r, const char *code);

/* The départements with a non-zero count in t, the largest first (then
 * in INSEE order), into order[]; returns how many.  In a public report the
 * order uses only what is published, a hidden count ranking as the least
 * it can be (1 for "<t", t for "s"): a ranking by the hidden value would
 * tell it. */
int rtable_ranked_depts(const report *r, const rtable *t, int order[DEPT_COUNT]);

/* Whether value v of breakdown b is listed: every value that is not
 * retired, and a retired one when it holds a count. */
int rbreak_listed(const rbreak *b, int v);

/* The text of a count as published: "12", or RPT_HIDDEN_MARK.  Returns buf. */
#define RPT_NUMBUF 24
const char *rcount_text(const report *r, const rcount *c, char buf[RPT_NUMBUF]);
/* The state of a published count in a file's state column: "shown" or
 * "hidden" (one word for every hidden count, as one mark). */
const char *rcount_state(const rcount *c);

/* Share of c in its status total, in tenths of a percent, rounded half
 * up; -1 when it is not published (c or the total hidden, or total 0). */
int rcount_share(const report *r, const rcount *c, int status);

/* First and last day of canonical period p, as "YYYY-MM-DD". */
void period_bounds(const char *p, char first[11], char last[11]);

/* The period in French words, into buf: "2026", "3e trimestre 2026",
 * "mai 2026".  Returns buf. */
const char *period_label(const char *period, char *buf, size_t cap);

/* 1 when the département has no victim supported for the period (a gap). */
int report_is_gap(const report *r, int dept);

/* Mask of action types as labels (fr = 1) or codes joined by sep, into
 * buf (truncated to cap).  Returns buf. */
const char *types_text(uint32_t mask, int fr, const char *sep, char *buf, size_t cap);

/* The tables a CSV (or text) report can hold. */
enum report_table {
	TABLE_ALL = 0,
	TABLE_TOTALS,
	TABLE_DEPTS,
	TABLE_GAPS,
	TABLE_COMPLETENESS,
	TABLE_DIRECTORY,
	TABLE_COUNTS,       /* the questionnaire's count tables, or only one */
	TABLE_RATES,        /* reporting rates by organisation */
	TABLE_RATES_DEPTS,  /* reporting rates by département */
	TABLE_REMINDERS,    /* organisations that never sent anything */
};

/* Writers.  Each returns 0, or EOF when the stream failed (ferror).  For
 * TABLE_COUNTS, code names the one count table to write, or is NULL for
 * all of them (the victims table aside: it has tables of its own, by
 * status).  report_write_sheet() writes to CSV or a workbook (sheet.h),
 * whose errors sheet_close() tells; TABLE_ALL there is every table, each
 * in a worksheet of its own. */
int report_write_text(FILE *f, const report *r, enum report_table t, const char *code);
int report_write_sheet(sheet_out *o, const report *r, enum report_table t, const char *code);
int report_write_json(FILE *f, const report *r);
int report_write_html(FILE *f, const report *r);

/* The reporting rates section (rates.c), for each format: text (its
 * heading included), tables (CSV or workbook: t is TABLE_RATES,
 * TABLE_RATES_DEPTS or TABLE_REMINDERS), JSON (the "rates" member, without
 * a comma or newline after it), HTML (one <section>).  They write to f (or
 * the sheet) and leave the error to ferror(f) (or sheet_close). */
void rates_write_text(FILE *f, const report *r);
void rates_write_sheet(sheet_out *o, const report *r, enum report_table t);
void rates_write_json(FILE *f, const report *r);
void rates_write_html(FILE *f, const report *r);

/* The directory alone (merger directory): dept is an index, or -1 for
 * every département with at least one organisation. */
int directory_write_text(FILE *f, const report *r, int dept);
int directory_write_sheet(sheet_out *o, const report *r, int dept);
int directory_write_json(FILE *f, const report *r, int dept);

#endif
