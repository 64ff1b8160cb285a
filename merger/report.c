/*
 * report.c - computes the national diagnostic for one period from the
 * national database into the in-memory model of report.h.
 *
 * Everything is read in one read transaction, table by table, with plain
 * SELECTs whose only parameters are the period's bounds and a table's
 * code; the arithmetic (which counts count, who is active where) is done
 * here in C, where the rules of docs/REPORT.md can be read as code:
 *
 *  - counts, for every table of the questionnaire alike (victims is one
 *    of them): for each organisation and cell (département and the
 *    table's dimension values), the value for the period is the record
 *    for exactly that period when there is one, otherwise the sum of its
 *    sub-periods (a quarter: its record, else its months).  Of several
 *    records for the same natural key sent by one organisation's
 *    collectors, only the newest counts (recorded_at, then record id).
 *    One query per table, its rows streamed in order; the victims table
 *    also fills the model's tables by status.
 *  - actions count when they overlap the period, trainings when their
 *    date lies within it.
 *  - an organisation is active in a département when it lists it, or has
 *    a count (of any table), action or training there for the period.
 *
 * Rows whose codes this version does not know (a database edited by
 * hand, or written by a newer Maillage) are counted in r->ignored and
 * left out, rather than stopping the whole report.
 */
#include "report.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"
#include "edition.h"

/* ------------------------------------------------------------------ */
/* Periods                                                             */

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

/* First and last day of a canonical period, as "YYYY-MM-DD" (the form the
 * action and training tables store, so that text comparison is date
 * comparison). */
static void period_bounds(const char *p, char first[11], char last[11])
{
	int y = period_year(p), m1 = 1, m2 = 12;
	char buf[32];

	switch (period_granularity(p)) {
	case 1:
		m1 = (p[6] - '1') * 3 + 1;
		m2 = m1 + 2;
		break;
	case 2:
		m1 = m2 = (p[5] - '0') * 10 + (p[6] - '0');
		break;
	default:
		break;
	}
	/* Through a larger buffer: the values always fit, but the compiler
	 * cannot know that y has four digits. */
	snprintf(buf, sizeof buf, "%04d-%02d-01", y, m1);
	memcpy(first, buf, 10);
	first[10] = '\0';
	snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m2, days_in_month(y, m2));
	memcpy(last, buf, 10);
	last[10] = '\0';
}

int report_default_period(sqlite3 *db, int64_t now, char out[REC_PERIOD_MAX + 1],
			  fmt_error *err)
{
	/* Years as text ("2026"): max() of equal-length digit strings is the
	 * latest year. */
	static const char sql[] =
		"SELECT max(y) FROM ("
		" SELECT max(substr(period, 1, 4)) AS y FROM count"
		" UNION ALL SELECT max(substr(\"start\", 1, 4)) FROM action"
		" UNION ALL SELECT max(substr(date, 1, 4)) FROM training)";
	sqlite3_stmt *st;
	const char *y;
	struct tm tm;
	time_t t = (time_t)now;
	int rc;

	out[0] = '\0';
	rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(db, rc, "finding the latest period", err);
		sqlite3_finalize(st);
		return rc;
	}
	y = (const char *)sqlite3_column_text(st, 0);
	if (y && strlen(y) == 4 && period_valid(y))
		memcpy(out, y, 5);
	sqlite3_finalize(st);
	if (out[0])
		return FMT_OK;
	/* No data at all: the current year, so that an empty database still
	 * gives a report (every département a gap). */
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 2000 || tm.tm_year + 1900 > 2099)
		return fmt_fail(err, FMT_E_FIELD, "no data and no usable current year: "
				"give --period");
	snprintf(out, REC_PERIOD_MAX + 1, "%04d", (tm.tm_year + 1900) % 10000);
	return FMT_OK;
}

/* ------------------------------------------------------------------ */
/* Organisations                                                       */

/* *out = a copy of s, or NULL when s is NULL or empty (not given).
 * Returns -1 when out of memory. */
static int dup_or_null(const unsigned char *s, char **out)
{
	*out = NULL;
	if (!s || !*s)
		return 0;
	*out = strdup((const char *)s);
	return *out ? 0 : -1;
}

static int cmp_org_id(const void *a, const void *b)
{
	const report_org *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Name order for people: letters without regard to case first, then
 * exactly, then the id so that the order is total. */
static int cmp_org_name(const void *a, const void *b)
{
	const report_org *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);

	if (!c)
		c = strcmp(x->name, y->name);
	if (!c)
		c = (x->id > y->id) - (x->id < y->id);
	return c;
}

/* The organisation of id (r->orgs is sorted by id while loading), or NULL. */
static report_org *org_by_id(report *r, long long id)
{
	report_org key;

	key.id = id;
	return bsearch(&key, r->orgs, (size_t)r->norgs, sizeof *r->orgs, cmp_org_id);
}

/* Finalizes st, whose last sqlite3_step() returned rc: FMT_OK when its
 * rows ran to their end, else the database's error naming what was read
 * ("reading the actions"). */
static int rows_end(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what, fmt_error *err)
{
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, what, err);
	return FMT_OK;
}

/* Prepares sql into *st (the caller finalizes it) with ?1 and ?2 bound to
 * the first and last day of the report's period, which r keeps alive while
 * st runs.  Fails like db_prepare(). */
static int prepare_period(sqlite3 *db, const report *r, const char *sql, sqlite3_stmt **st,
			  fmt_error *err)
{
	int rc = db_prepare(db, st, sql, err);

	if (rc)
		return rc;
	sqlite3_bind_text(*st, 1, r->first_day, -1, SQLITE_STATIC);
	sqlite3_bind_text(*st, 2, r->last_day, -1, SQLITE_STATIC);
	return FMT_OK;
}

static int load_orgs(sqlite3 *db, report *r, fmt_error *err)
{
	static const char sql[] =
		"SELECT o.id, o.name, o.kind, o.email, o.phone, o.website,"
		" (SELECT count(*) FROM collector c WHERE c.org_id = o.id),"
		" (SELECT count(*) FROM collector c WHERE c.org_id = o.id"
		"   AND c.revoked_at IS NOT NULL)"
		" FROM organisation o ORDER BY o.id";
	sqlite3_stmt *st;
	int rc, cap = 0, other = enum_find(&ENUM_ORG_KIND, "other");

	rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o;
		const unsigned char *name = sqlite3_column_text(st, 1);
		const char *kind = (const char *)sqlite3_column_text(st, 2);

		if (r->norgs == cap) {
			int ncap = cap ? cap * 2 : 64;
			report_org *n = realloc(r->orgs, (size_t)ncap * sizeof *n);

			if (!n) {
				sqlite3_finalize(st);
				return fmt_fail(err, FMT_E_NOMEM,
						"out of memory reading organisations");
			}
			r->orgs = n;
			cap = ncap;
		}
		o = &r->orgs[r->norgs];
		memset(o, 0, sizeof *o);
		r->norgs++;
		o->id = sqlite3_column_int64(st, 0);
		o->name = strdup(name ? (const char *)name : "");
		if (!o->name || dup_or_null(sqlite3_column_text(st, 3), &o->email) ||
		    dup_or_null(sqlite3_column_text(st, 4), &o->phone) ||
		    dup_or_null(sqlite3_column_text(st, 5), &o->website)) {
			sqlite3_finalize(st);
			return fmt_fail(err, FMT_E_NOMEM, "out of memory reading organisations");
		}
		o->collectors = sqlite3_column_int(st, 6);
		o->revoked = sqlite3_column_int(st, 7);
		o->kind = kind ? enum_find(&ENUM_ORG_KIND, kind) : -1;
		if (o->kind < 0)
			o->kind = other;   /* still listed: its data counts all the same */
	}
	return rows_end(db, st, rc, "reading the organisations", err);
}

static int load_org_depts(sqlite3 *db, report *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT org_id, dept FROM organisation_dept", err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = org_by_id(r, sqlite3_column_int64(st, 0));
		int d = dept_find((const char *)sqlite3_column_text(st, 1));

		if (!o || d < 0) {
			r->ignored++;
			continue;
		}
		o->active[d] = 1;
	}
	return rows_end(db, st, rc, "reading the départements of intervention", err);
}

/* ------------------------------------------------------------------ */
/* Actions and trainings                                               */

static int load_actions(sqlite3 *db, report *r, fmt_error *err)
{
	/* Overlapping the period: started by its last day and not ended
	 * before its first. */
	static const char sql[] =
		"SELECT org_id, dept, type FROM action"
		" WHERE \"start\" <= ?2 AND (\"end\" IS NULL OR \"end\" = ''"
		"   OR \"end\" >= ?1)";
	sqlite3_stmt *st;
	int rc;

	rc = prepare_period(db, r, sql, &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = org_by_id(r, sqlite3_column_int64(st, 0));
		int d = dept_find((const char *)sqlite3_column_text(st, 1));
		const char *type = (const char *)sqlite3_column_text(st, 2);
		int t = type ? enum_find(&ENUM_ACTION_TYPE, type) : -1;

		if (!o || d < 0 || t < 0) {
			r->ignored++;
			continue;
		}
		o->active[d] = 1;
		o->reporting = 1;
		o->types[d] |= 1u << t;
	}
	return rows_end(db, st, rc, "reading the actions", err);
}

static int load_trainings(sqlite3 *db, report *r, fmt_error *err)
{
	static const char sql[] =
		"SELECT org_id, dept, participants FROM training"
		" WHERE date >= ?1 AND date <= ?2";
	sqlite3_stmt *st;
	int rc;

	rc = prepare_period(db, r, sql, &st, err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = org_by_id(r, sqlite3_column_int64(st, 0));
		int d = dept_find((const char *)sqlite3_column_text(st, 1));
		long long n = sqlite3_column_int64(st, 2);

		if (!o || d < 0 || n < 0 || n > REC_NUMBER_MAX) {
			r->ignored++;
			continue;
		}
		o->active[d] = 1;
		o->reporting = 1;
		r->dept[d].trainings++;
		r->dept[d].participants += n;
	}
	return rows_end(db, st, rc, "reading the trainings", err);
}

/* ------------------------------------------------------------------ */
/* Count tables                                                        */

/* One organisation's values for one cell of a table, by sub-period of
 * the report's period, while its rows are read. */
struct cell_acc {
	int live;                        /* a cell is being read */
	long long org;
	int dept, val[QN_DIMS_MAX];      /* value indexes, by dimension */
	int has_whole;
	long long whole;                 /* record for exactly the period */
	int has_q[4];
	long long q[4];                  /* quarter records (period is a year) */
	int has_m[12];
	long long m[12];                 /* month records */
};

/* A list's codes sorted, so that a row's code is found by bsearch: the
 * list of countries has 250 values and is looked up on every row. */
struct code_ix {
	const char *code;
	int v;
};

/* What reading the counts needs besides the report: the look-ups, made
 * once for the whole report, and the last code seen in each column (the
 * rows come sorted, so a code is most often the previous row's). */
struct reader {
	report *r;
	rtable *victims;                 /* the table that also fills r->total... */
	int gran;                        /* of the report's period */
	struct code_ix **ix;             /* per list of r->qn, NULL until needed */
	char prev[QN_DIMS_MAX][QN_CODE_MAX + 1];
	int prev_v[QN_DIMS_MAX];
	char prev_dept[8];
	int prev_d;
	long long prev_org_id;
	report_org *prev_org;
};

static int cmp_code_ix(const void *a, const void *b)
{
	return strcmp(((const struct code_ix *)a)->code, ((const struct code_ix *)b)->code);
}

/* The index of list li, made on first use.  NULL when out of memory. */
static const struct code_ix *code_index(struct reader *rd, int li)
{
	const qn_list *l = &rd->r->qn->lists[li];
	struct code_ix *ix;
	int v;

	if (rd->ix[li])
		return rd->ix[li];
	ix = malloc((size_t)l->t.count * sizeof *ix);
	if (!ix)
		return NULL;
	for (v = 0; v < l->t.count; v++) {
		ix[v].code = l->t.items[v].code;
		ix[v].v = v;
	}
	qsort(ix, (size_t)l->t.count, sizeof *ix, cmp_code_ix);
	rd->ix[li] = ix;
	return ix;
}

/* The value index of code in dimension k of t (list li), or -1. */
static int value_of(struct reader *rd, const rtable *t, int k, const char *code)
{
	const struct code_ix *ix = rd->ix[t->t->dims[k]], *hit;
	struct code_ix key;

	if (!code)
		return -1;
	if (strcmp(code, rd->prev[k]) == 0)
		return rd->prev_v[k];
	key.code = code;
	hit = bsearch(&key, ix, (size_t)t->dim[k].list->t.count, sizeof *ix, cmp_code_ix);
	if (!hit || strlen(code) > QN_CODE_MAX)
		return -1;
	memcpy(rd->prev[k], code, strlen(code) + 1);
	rd->prev_v[k] = hit->v;
	return hit->v;
}

/* The département of code, which must be written as the merge writes it
 * ("2A", never "2a": two spellings of one cell would not sort together,
 * and its records would be added instead of one replacing the other). */
static int dept_of(struct reader *rd, const char *code)
{
	int d;

	if (!code)
		return -1;
	if (strcmp(code, rd->prev_dept) == 0)
		return rd->prev_d;
	d = dept_find(code);
	if (d < 0 || strcmp(DEPTS[d].code, code) != 0)
		return -1;
	memcpy(rd->prev_dept, code, strlen(code) + 1);
	rd->prev_d = d;
	return d;
}

static report_org *org_of(struct reader *rd, long long id)
{
	if (!rd->prev_org || rd->prev_org_id != id) {
		rd->prev_org = org_by_id(rd->r, id);
		rd->prev_org_id = id;
	}
	return rd->prev_org;
}

/* The value of the period for one cell of one organisation: the record
 * for the period itself, else the sum of its parts, each part counted at
 * the coarsest granularity the organisation recorded it (a quarter record
 * wins over that quarter's months).  A total and its details are thus
 * never added together. */
static long long cell_value(const struct cell_acc *a, int gran)
{
	long long v = 0;
	int q, i;

	if (a->has_whole)
		return a->whole;
	for (q = 0; q < 4; q++) {
		if (gran == 0 && a->has_q[q]) {
			v += a->q[q];
			continue;
		}
		for (i = q * 3; i < q * 3 + 3; i++)
			if (a->has_m[i])
				v += a->m[i];
	}
	return v;
}

/* The victims table also fills the tables by status of report.h: its
 * dimensions are the built-in lists, in refdata.h's order.  A value that
 * a newer program appended to a built-in list has no place there. */
static void victims_add(report *r, const struct cell_acc *a, long long v)
{
	int s = a->val[0], e = a->val[1], x = a->val[2], g = a->val[3];

	if (s >= ST_COUNT || e >= ENUM_EXPLOITATION.count || x >= ENUM_SEX.count ||
	    g >= ENUM_AGE.count) {
		r->ignored++;
		return;
	}
	r->total[s].n += v;
	r->by_dept[a->dept][s].n += v;
	r->by_expl[e][s].n += v;
	r->by_sex[x][s].n += v;
	r->by_age[g][s].n += v;
}

static void cell_flush(struct reader *rd, rtable *t, struct cell_acc *a)
{
	long long v;
	int k;

	if (!a->live)
		return;
	v = cell_value(a, rd->gran);
	t->reported = 1;
	t->total.n += v;
	t->dept[a->dept].n += v;
	for (k = 0; k < t->ndims; k++)
		t->dim[k].cells[a->val[k]].n += v;
	if (t == rd->victims)
		victims_add(rd->r, a, v);
	a->live = 0;
}

/* Reads the counts of table t for the period with st (prepared once for
 * every table), following the rules of docs/REPORT.md.  The rows come
 * ordered so that each (organisation, cell) is one run of rows, and
 * within it each period's newest record comes first: the records of an
 * organisation's several collectors for the same natural key are never
 * summed, only the newest counts.  No allocation per row. */
static int read_table(struct reader *rd, sqlite3_stmt *st, rtable *t, fmt_error *err)
{
	report *r = rd->r;
	struct cell_acc a;
	char last_period[REC_PERIOD_MAX + 1] = "";
	int rc, k;

	for (k = 0; k < t->ndims; k++) {
		if (!code_index(rd, t->t->dims[k]))
			return fmt_fail(err, FMT_E_NOMEM, "out of memory reading the counts");
		rd->prev[k][0] = '\0';
		rd->prev_v[k] = -1;     /* "" is no value, of this table or another */
	}
	memset(&a, 0, sizeof a);
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, t->t->code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 1);
		long long org = sqlite3_column_int64(st, 0), n = sqlite3_column_int64(st, 7);
		int d, val[QN_DIMS_MAX] = { 0 }, bad = 0, pg;

		if (!p || !period_within(p, r->period))
			continue;
		d = dept_of(rd, (const char *)sqlite3_column_text(st, 2));
		for (k = 0; k < QN_DIMS_MAX; k++) {
			const char *code = (const char *)sqlite3_column_text(st, 3 + k);

			if (k >= t->ndims)
				bad |= code != NULL;     /* a dimension the table has not */
			else if ((val[k] = value_of(rd, t, k, code)) < 0)
				bad = 1;
		}
		if (bad || d < 0 || !org_of(rd, org) || n < 0 || n > REC_COUNT_MAX) {
			r->ignored++;
			continue;
		}
		rd->prev_org->active[d] = 1;
		rd->prev_org->reporting = 1;
		if (!a.live || a.org != org || a.dept != d ||
		    memcmp(a.val, val, sizeof val) != 0) {
			cell_flush(rd, t, &a);
			memset(&a, 0, sizeof a);
			a.live = 1;
			a.org = org;
			a.dept = d;
			memcpy(a.val, val, sizeof val);
			last_period[0] = '\0';
		} else if (strcmp(p, last_period) == 0) {
			continue;       /* an older record of the same key */
		}
		snprintf(last_period, sizeof last_period, "%s", p);
		pg = period_granularity(p);
		if (strcmp(p, r->period) == 0) {
			a.has_whole = 1;
			a.whole = n;
		} else if (pg == 1) {
			a.has_q[p[6] - '1'] = 1;
			a.q[p[6] - '1'] = n;
		} else if (pg == 2) {
			k = (p[5] - '0') * 10 + (p[6] - '0') - 1;
			a.has_m[k] = 1;
			a.m[k] = n;
		}
	}
	cell_flush(rd, t, &a);
	if (rc != SQLITE_DONE)
		return db_fail(sqlite3_db_handle(st), rc, "reading the counts", err);
	return FMT_OK;
}

/* The entry of table qt in *t, its cells zeroed: one allocation for every
 * breakdown, owned by t->dim[0].cells.  Fails only when out of memory. */
static int table_init(const questionnaire *q, const qn_table *qt, rtable *t)
{
	size_t n = 0;
	rcount *cells;
	int k, j;

	memset(t, 0, sizeof *t);
	t->t = qt;
	t->ndims = qt->ndims;
	for (k = 0; k < qt->ndims; k++) {
		const qn_list *l = &q->lists[qt->dims[k]];

		t->dim[k].list = l;
		n += (size_t)l->t.count;
		if (l->rollup < 0 || !l->rollup_of)
			continue;
		/* A rollup into a list that is also a dimension would publish
		 * the same numbers twice, hidden in two different ways. */
		for (j = 0; j < qt->ndims && qt->dims[j] != l->rollup; j++)
			;
		if (j < qt->ndims)
			continue;
		t->rollup[k].list = &q->lists[l->rollup];
		n += (size_t)t->rollup[k].list->t.count;
	}
	cells = calloc(n, sizeof *cells);
	if (!cells)
		return -1;
	for (k = 0; k < qt->ndims; k++) {
		t->dim[k].cells = cells;
		cells += t->dim[k].list->t.count;
		if (t->rollup[k].list) {
			t->rollup[k].cells = cells;
			cells += t->rollup[k].list->t.count;
		}
	}
	return 0;
}

/* Each rollup's cells: the sum of the cells that roll up into them. */
static void table_rollups(rtable *t)
{
	int k, v;

	for (k = 0; k < t->ndims; k++) {
		const qn_list *l = t->dim[k].list;

		if (!t->rollup[k].list)
			continue;
		for (v = 0; v < l->t.count; v++)
			t->rollup[k].cells[l->rollup_of[v]].n += t->dim[k].cells[v].n;
	}
}

static void tables_free(report *r)
{
	int i;

	for (i = 0; i < r->ntables; i++)
		free(r->tables[i].dim[0].cells);
	free(r->tables);
	r->tables = NULL;
	r->ntables = 0;
}

/* How many rows of (table, period) there are: rows of a table that no
 * edition has, left out of the report. */
static int count_rows(sqlite3 *db, const char *table, const char *period, long long *n,
		      fmt_error *err)
{
	static const char sql[] =
		"SELECT count(*) FROM count WHERE \"table\" = ?1 AND period = ?2";
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, period, -1, SQLITE_TRANSIENT);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*n += sqlite3_column_int64(st, 0);
		rc = sqlite3_step(st);
	}
	return rows_end(db, st, rc, "reading the counts", err);
}

/* The tables to report: which tables have records within the period (a
 * retired one is reported only then), and the rows of tables that no
 * edition has, counted as not understood.  One pass over the year's
 * counts: DISTINCT, twice as fast as counting the rows of each group,
 * which only the rare tables no edition has need. */
static int tables_present(sqlite3 *db, report *r, const char *year, uint8_t *present,
			  fmt_error *err)
{
	static const char sql[] =
		"SELECT DISTINCT \"table\", period FROM count WHERE substr(period, 1, 4) = ?1";
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, sql, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, year, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *code = (const char *)sqlite3_column_text(st, 0);
		const char *p = (const char *)sqlite3_column_text(st, 1);
		const qn_table *qt = qn_table_find(r->qn, code);
		int frc;

		if (!code || !p || !period_within(p, r->period))
			continue;
		if (qt) {
			present[qt - r->qn->tables] = 1;
		} else if ((frc = count_rows(db, code, p, &r->ignored, err)) != FMT_OK) {
			sqlite3_finalize(st);
			return frc;
		}
	}
	return rows_end(db, st, rc, "reading the counts", err);
}

static int load_counts(sqlite3 *db, report *r, fmt_error *err)
{
	/* "+org_id": left to itself, SQLite walks the index count_key for
	 * its leading org_id and fetches every row from the table by its
	 * key, twenty times slower on a large database than one pass over
	 * the table and a sort of the table's rows (docs/REPORT.md). */
	static const char sql[] =
		"SELECT org_id, period, dept, dim1, dim2, dim3, dim4, count"
		" FROM count WHERE \"table\" = ?1 AND substr(period, 1, 4) = ?2"
		" ORDER BY +org_id, dept, dim1, dim2, dim3, dim4, period,"
		"  recorded_at DESC, id DESC";
	uint8_t present[QN_TABLES_MAX] = { 0 };
	struct reader rd;
	sqlite3_stmt *st = NULL;
	char year[5];
	int rc, i, n, victims;

	memset(&rd, 0, sizeof rd);
	rd.r = r;
	rd.prev_d = -1;                 /* "" is no département */
	rd.gran = period_granularity(r->period);
	memcpy(year, r->period, 4);
	year[4] = '\0';
	r->tables = calloc((size_t)r->qn->ntables, sizeof *r->tables);
	rd.ix = calloc((size_t)r->qn->nlists, sizeof *rd.ix);
	if (!r->tables || !rd.ix) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory reading the counts");
		goto out;
	}
	rc = tables_present(db, r, year, present, err);
	if (rc)
		goto out;
	for (i = 0; i < r->qn->ntables; i++) {
		const qn_table *qt = &r->qn->tables[i];

		if (qt->retired && !present[i])
			continue;
		if (table_init(r->qn, qt, &r->tables[r->ntables])) {
			rc = fmt_fail(err, FMT_E_NOMEM, "out of memory reading the counts");
			goto out;
		}
		if (strcmp(qt->code, "victims") == 0 && qt->ndims == 4 && qt->dims[0] == 0 &&
		    qt->dims[1] == 1 && qt->dims[2] == 2 && qt->dims[3] == 3)
			r->victims = r->ntables;
		r->ntables++;
	}
	rc = db_prepare(db, &st, sql, err);
	if (rc)
		goto out;
	sqlite3_bind_text(st, 2, year, -1, SQLITE_STATIC);
	if (r->victims >= 0)
		rd.victims = &r->tables[r->victims];
	for (i = 0; i < r->ntables && !rc; i++)
		if (present[r->tables[i].t - r->qn->tables])
			rc = read_table(&rd, st, &r->tables[i], err);
	if (rc)
		goto out;
	/* A retired table is reported when something of it counted. */
	victims = r->victims;
	r->victims = -1;
	for (i = n = 0; i < r->ntables; i++) {
		rtable *t = &r->tables[i];

		if (t->t->retired && !t->reported) {
			free(t->dim[0].cells);
			continue;
		}
		if (i == victims)
			r->victims = n;
		table_rollups(t);
		r->tables[n++] = *t;
	}
	r->ntables = n;
out:
	sqlite3_finalize(st);
	for (i = 0; rd.ix && i < r->qn->nlists; i++)
		free(rd.ix[i]);
	free(rd.ix);
	return rc;
}

/* The latest edition of the questionnaire, or the default one for a
 * database where none was published. */
static int load_questionnaire(sqlite3 *db, report *r, fmt_error *err)
{
	int rc = edition_latest(db, &r->qn, err);

	if (rc == FMT_DONE)
		rc = edition_default(&r->qn, err);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The whole diagnostic                                                */

/* Per-département figures that follow from who is active where. */
static void tally(report *r)
{
	int i, d;

	for (i = 0; i < r->norgs; i++) {
		report_org *o = &r->orgs[i];

		if (o->collectors > 0) {
			r->enrolled++;
			if (o->reporting)
				r->reporting++;
		}
		for (d = 0; d < DEPT_COUNT; d++) {
			if (!o->active[d])
				continue;
			r->dept[d].orgs++;
			r->dept[d].by_kind[o->kind]++;
			r->dept[d].types |= o->types[d];
		}
	}
}

int report_build(sqlite3 *db, const char *period, int64_t generated, report *r,
		 fmt_error *err)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->victims = -1;
	r->threshold = RPT_THRESHOLD_DEFAULT;
	r->generated = generated;
	if (!period_valid(period))
		return fmt_fail(err, FMT_E_FIELD, "\"%s\" is not a period", period);
	snprintf(r->period, sizeof r->period, "%s", period);
	period_bounds(r->period, r->first_day, r->last_day);

	/* A deferred transaction: a consistent snapshot for every query
	 * below, without blocking a merge that wants to write. */
	rc = db_exec(db, "BEGIN", err);
	if (rc)
		return rc;
	rc = meta_get(db, "name", r->coordination, sizeof r->coordination, err);
	if (!rc)
		rc = load_questionnaire(db, r, err);
	if (!rc)
		rc = load_orgs(db, r, err);
	if (!rc)
		rc = load_org_depts(db, r, err);
	if (!rc)
		rc = load_actions(db, r, err);
	if (!rc)
		rc = load_trainings(db, r, err);
	if (!rc)
		rc = load_counts(db, r, err);
	if (rc) {
		db_rollback(db);
		return rc;
	}
	db_rollback(db);        /* nothing was written: ending the read is enough */
	tally(r);
	if (r->norgs > 1)
		qsort(r->orgs, (size_t)r->norgs, sizeof *r->orgs, cmp_org_name);
	return FMT_OK;
}

void report_free(report *r)
{
	int i;

	if (!r)
		return;
	for (i = 0; i < r->norgs; i++) {
		free(r->orgs[i].name);
		free(r->orgs[i].email);
		free(r->orgs[i].phone);
		free(r->orgs[i].website);
	}
	free(r->orgs);
	r->orgs = NULL;
	r->norgs = 0;
	tables_free(r);
	qn_free(r->qn);
	r->qn = NULL;
}

const rtable *report_table_find(const report *r, const char *code)
{
	int i;

	for (i = 0; i < r->ntables; i++)
		if (strcmp(r->tables[i].t->code, code) == 0)
			return &r->tables[i];
	return NULL;
}

int rtable_ranked_depts(const report *r, const rtable *t, int order[DEPT_COUNT])
{
	long long key[DEPT_COUNT];
	int d, i, n = 0;

	for (d = 0; d < DEPT_COUNT; d++) {
		const rcount *c = &t->dept[d];
		long long k = c->state == CELL_SMALL ? 1 : c->state == CELL_SECRET ?
			r->threshold : c->n;

		if (c->n == 0)
			continue;
		/* insertion by key, after the equal ones: INSEE order among them */
		for (i = n; i > 0 && key[i - 1] < k; i--) {
			key[i] = key[i - 1];
			order[i] = order[i - 1];
		}
		key[i] = k;
		order[i] = d;
		n++;
	}
	return n;
}

int rbreak_listed(const rbreak *b, int v)
{
	return !b->list->retired || !b->list->retired[v] || b->cells[v].n != 0;
}

/* ------------------------------------------------------------------ */
/* Shared by the writers                                               */

const char *rcount_text(const report *r, const rcount *c, char buf[RPT_NUMBUF])
{
	switch (c->state) {
	case CELL_SMALL:
		snprintf(buf, RPT_NUMBUF, "<%d", r->threshold);
		break;
	case CELL_SECRET:
		snprintf(buf, RPT_NUMBUF, "s");
		break;
	default:
		snprintf(buf, RPT_NUMBUF, "%lld", c->n);
	}
	return buf;
}

int rcount_share(const report *r, const rcount *c, int status)
{
	const rcount *t = &r->total[status];

	/* A share of a hidden count, or of a hidden total, would give the
	 * hidden number back. */
	if (c->state != CELL_SHOWN || t->state != CELL_SHOWN || t->n <= 0)
		return -1;
	return (int)((c->n * 2000 + t->n) / (2 * t->n));
}

const char *period_label(const char *period, char *buf, size_t cap)
{
	static const char *const months[12] = {
		"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
		"août", "septembre", "octobre", "novembre", "décembre",
	};
	int y = period_year(period);

	switch (period_granularity(period)) {
	case 0:
		snprintf(buf, cap, "%d", y);
		break;
	case 1:
		snprintf(buf, cap, "%s trimestre %d", period[6] == '1' ? "1er" :
			 period[6] == '2' ? "2e" : period[6] == '3' ? "3e" : "4e", y);
		break;
	case 2:
		snprintf(buf, cap, "%s %d",
			 months[((period[5] - '0') * 10 + (period[6] - '0') - 1) % 12], y);
		break;
	default:
		snprintf(buf, cap, "%s", period);
	}
	return buf;
}

int report_is_gap(const report *r, int dept)
{
	return r->by_dept[dept][ST_SUPPORTED].n == 0;
}

const char *types_text(uint32_t mask, int fr, const char *sep, char *buf, size_t cap)
{
	size_t len = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 0; i < ENUM_ACTION_TYPE.count; i++) {
		const enum_item *it = &ENUM_ACTION_TYPE.items[i];

		if (!(mask & (1u << i)))
			continue;
		n = snprintf(buf + len, cap - len, "%s%s", len ? sep : "",
			     fr ? it->fr : it->code);
		if (n < 0 || (size_t)n >= cap - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	return buf;
}
