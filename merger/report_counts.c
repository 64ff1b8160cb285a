/*
 * report_counts.c - the count tables of the questionnaire for the report's
 * period (report.h's rtable), the victims table among them.
 *
 * The tables are those of the latest published edition; a retired table
 * is kept only when something of it counts for the period.  One pass finds
 * the tables present in the period's year, then one query per table
 * streams its rows, ordered so that each (organisation, cell) is one run,
 * into one accumulator that applies the rules of docs/REPORT.md: for each
 * organisation and cell, the record for exactly the period when there is
 * one, otherwise the sum of its sub-periods (a quarter: its record, else
 * its months); of several records of one organisation for the same
 * natural key, only the newest (recorded_at, then record id), never a
 * sum.  Each cell's value is then added to the table's total, to its
 * value in each dimension and to its département; the victims table's
 * cells also fill the model's tables by status.  No allocation per row.
 *
 * Rows whose codes the edition does not know (a table, a value, a
 * dimension the table has not, a département not written as the merge
 * writes it) are counted in r->ignored and left out.
 */
#include "report.h"
#include "shell.h"

#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "edition.h"

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
		rd->prev_org = report_org_by_id(rd->r, id);
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

/* Keeps one organisation's value of a cell, for the exchange formats
 * (report.h's rcell); cells_merge() then adds up the organisations. */
static void cell_keep(report *r, const rtable *t, const struct cell_acc *a, long long v)
{
	rcell *c;

	if (r->ncells == r->cells_cap) {
		size_t ncap = r->cells_cap ? r->cells_cap * 2 : 1024;
		rcell *n = realloc(r->cells, ncap * sizeof *n);

		if (!n) {
			r->cells_nomem = 1;
			return;
		}
		r->cells = n;
		r->cells_cap = ncap;
	}
	c = &r->cells[r->ncells++];
	memset(c, 0, sizeof *c);
	c->t = t->t;
	c->dept = a->dept;
	memcpy(c->val, a->val, sizeof c->val);
	c->n = v;
}

static int cmp_cell(const void *x, const void *y)
{
	const rcell *a = x, *b = y;
	int k;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->dept != b->dept)
		return a->dept < b->dept ? -1 : 1;
	for (k = 0; k < QN_DIMS_MAX; k++)
		if (a->val[k] != b->val[k])
			return a->val[k] < b->val[k] ? -1 : 1;
	return 0;
}

/* Sorts the kept cells (tables in questionnaire order: their entries are
 * one array) and adds up those of the same table, département and
 * values. */
static void cells_merge(report *r)
{
	size_t i, n = 0;

	if (!r->ncells)
		return;
	qsort(r->cells, r->ncells, sizeof *r->cells, cmp_cell);
	for (i = 1; i < r->ncells; i++) {
		if (cmp_cell(&r->cells[n], &r->cells[i]) == 0)
			r->cells[n].n += r->cells[i].n;
		else
			r->cells[++n] = r->cells[i];
	}
	r->ncells = n + 1;
}

static void cell_flush(struct reader *rd, rtable *t, struct cell_acc *a)
{
	long long v;
	int k;

	if (!a->live)
		return;
	v = cell_value(a, rd->gran);
	if (rd->r->keep_cells)
		cell_keep(rd->r, t, a, v);
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
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory reading the counts"));
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

void report_counts_free(report *r)
{
	int i;

	for (i = 0; i < r->ntables; i++)
		free(r->tables[i].dim[0].cells);
	free(r->tables);
	r->tables = NULL;
	r->ntables = 0;
	qn_free(r->qn);
	r->qn = NULL;
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
	return report_rows_end(db, st, rc, "reading the counts", err);
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
	return report_rows_end(db, st, rc, "reading the counts", err);
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

int report_load_counts(sqlite3 *db, report *r, fmt_error *err)
{
	/* "+org_id": left to itself, SQLite walked the index count_key for
	 * its leading org_id and fetched every row from the table by its
	 * key, twenty times slower on a large database than one pass and a
	 * sort (docs/REPORT.md).  That pass now reads the index, which holds
	 * every column here since migration 4. */
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

	rc = load_questionnaire(db, r, err);
	if (rc)
		return rc;
	memset(&rd, 0, sizeof rd);
	rd.r = r;
	rd.prev_d = -1;                 /* "" is no département */
	rd.gran = period_granularity(r->period);
	memcpy(year, r->period, 4);
	year[4] = '\0';
	r->tables = calloc((size_t)r->qn->ntables, sizeof *r->tables);
	rd.ix = calloc((size_t)r->qn->nlists, sizeof *rd.ix);
	if (!r->tables || !rd.ix) {
		rc = fmt_fail(err, FMT_E_NOMEM, _("out of memory reading the counts"));
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
			rc = fmt_fail(err, FMT_E_NOMEM, _("out of memory reading the counts"));
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
	if (!rc && r->cells_nomem)
		rc = fmt_fail(err, FMT_E_NOMEM, _("out of memory reading the counts"));
	if (rc)
		goto out;
	cells_merge(r);
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
		/* every hidden count ranks as the least it can be, 1: ranking
		 * the small ones apart would tell which they are */
		long long k = c->state != CELL_SHOWN ? 1 : c->n;

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
