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
 *    of them): report_counts.c, whose rules are those of the victims
 *    before the questionnaire (a period's own record over its
 *    sub-periods, the newest record of an organisation, never a sum).
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
#include "quality.h"
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "db.h"

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
void period_bounds(const char *p, char first[11], char last[11])
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
		return fmt_fail(err, FMT_E_FIELD, _("no data and no usable current year: "
				"give --period"));
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

report_org *report_org_by_id(report *r, long long id)
{
	report_org key;

	key.id = id;
	return bsearch(&key, r->orgs, (size_t)r->norgs, sizeof *r->orgs, cmp_org_id);
}

int report_rows_end(sqlite3 *db, sqlite3_stmt *st, int rc, const char *what, fmt_error *err)
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
						_("out of memory reading organisations"));
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
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory reading organisations"));
		}
		o->collectors = sqlite3_column_int(st, 6);
		o->revoked = sqlite3_column_int(st, 7);
		o->kind = kind ? enum_find(&ENUM_ORG_KIND, kind) : -1;
		if (o->kind < 0)
			o->kind = other;   /* still listed: its data counts all the same */
	}
	return report_rows_end(db, st, rc, "reading the organisations", err);
}

static int load_org_depts(sqlite3 *db, report *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	rc = db_prepare(db, &st, "SELECT org_id, dept FROM organisation_dept", err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = report_org_by_id(r, sqlite3_column_int64(st, 0));
		int d = dept_find((const char *)sqlite3_column_text(st, 1));

		if (!o || d < 0) {
			r->ignored++;
			continue;
		}
		o->active[d] = 1;
		o->listed[d] = 1;
	}
	return report_rows_end(db, st, rc, "reading the départements of intervention", err);
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
		report_org *o = report_org_by_id(r, sqlite3_column_int64(st, 0));
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
	return report_rows_end(db, st, rc, "reading the actions", err);
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
		report_org *o = report_org_by_id(r, sqlite3_column_int64(st, 0));
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
	return report_rows_end(db, st, rc, "reading the trainings", err);
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
		 int flags, fmt_error *err)
{
	int rc;

	memset(r, 0, sizeof *r);
	r->keep_cells = (flags & REPORT_CELLS) != 0;
	r->victims = -1;
	r->threshold = RPT_THRESHOLD_DEFAULT;
	r->generated = generated;
	if (!period_valid(period))
		return fmt_fail(err, FMT_E_FIELD, _("\"%s\" is not a period"), period);
	snprintf(r->period, sizeof r->period, "%s", period);
	period_bounds(r->period, r->first_day, r->last_day);

	/* A deferred transaction: a consistent snapshot for every query
	 * below, without blocking a merge that wants to write. */
	rc = db_exec(db, "BEGIN", err);
	if (rc)
		return rc;
	rc = meta_get(db, "name", r->coordination, sizeof r->coordination, err);
	if (!rc)
		rc = load_orgs(db, r, err);
	if (!rc)
		rc = load_org_depts(db, r, err);
	if (!rc)
		rc = load_actions(db, r, err);
	if (!rc)
		rc = load_trainings(db, r, err);
	if (!rc)
		rc = report_load_counts(db, r, err);
	if (!rc)
		rc = report_load_rates(db, r, err);
	if (!rc && r->qn)
		rc = quality_collect(db, r->qn, 0, r->period, &r->quality, err);
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

/* Some organisation sent anything for the period. */
static int has_data(const report *r)
{
	int i;

	for (i = 0; i < r->norgs; i++)
		if (r->orgs[i].reporting)
			return 1;
	return 0;
}

int report_build_previous(sqlite3 *db, report *r, fmt_error *err)
{
	char p[REC_PERIOD_MAX + 1];
	report *prev;
	int y = period_year(r->period), rc, i;

	r->prev = NULL;
	if (y <= 2000 || y > 9999)          /* periods begin in 2000 */
		return FMT_OK;
	/* The same period with the year before: only the four digits change. */
	snprintf(p, sizeof p, "%s", r->period);
	for (i = 3, y--; i >= 0; i--, y /= 10)
		p[i] = (char)('0' + y % 10);
	if (!period_valid(p))
		return FMT_OK;
	prev = calloc(1, sizeof *prev);
	if (!prev)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	rc = report_build(db, p, r->generated, prev, 0, err);
	if (!rc && has_data(prev)) {
		r->prev = prev;
		return FMT_OK;
	}
	report_free(prev);
	free(prev);
	return rc;
}

void report_free(report *r)
{
	int i;

	if (!r)
		return;
	if (r->prev) {
		report_free(r->prev);
		free(r->prev);
		r->prev = NULL;
	}
	for (i = 0; i < r->norgs; i++) {
		free(r->orgs[i].name);
		free(r->orgs[i].email);
		free(r->orgs[i].phone);
		free(r->orgs[i].website);
	}
	free(r->orgs);
	r->orgs = NULL;
	quality_free(r->quality);
	r->quality = NULL;
	r->norgs = 0;
	free(r->cells);
	r->cells = NULL;
	r->ncells = 0;
	report_counts_free(r);
}

/* ------------------------------------------------------------------ */
/* Shared by the writers                                               */

const char *rcount_state(const rcount *c)
{
	return c->state == CELL_SHOWN ? "shown" : "hidden";
}

const char *rcount_text(const report *r, const rcount *c, char buf[RPT_NUMBUF])
{
	/* One mark for every hidden count, small or hidden beside a small
	 * one: two marks would tell the reader which cells hold 1 to 4. */
	if (c->state != CELL_SHOWN)
		snprintf(buf, RPT_NUMBUF, "%s", RPT_HIDDEN_MARK);
	else
		snprintf(buf, RPT_NUMBUF, "%lld", c->n);
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

int report_key_value(const report *r, enum report_key k, long long *v)
{
	int d;

	switch (k) {
	case KEY_SUPPORTED:
	case KEY_SPOTTED: {
		const rcount *c = &r->total[k == KEY_SUPPORTED ? ST_SUPPORTED : ST_SPOTTED];

		*v = c->n;
		return c->state == CELL_SHOWN;
	}
	case KEY_GAPS:
		for (*v = 0, d = 0; d < DEPT_COUNT; d++)
			*v += report_is_gap(r, d);
		return 1;
	case KEY_REPORTING:
		*v = r->reporting;
		return 1;
	default:
		*v = 0;
		return 0;
	}
}

int report_change(const report *r, enum report_key k, long long *delta, int *pct)
{
	long long now, before;

	*delta = 0;
	*pct = RPT_NO_PCT;
	if (!r->prev || !report_key_value(r, k, &now) || !report_key_value(r->prev, k, &before))
		return 0;
	*delta = now - before;
	if ((k == KEY_SUPPORTED || k == KEY_SPOTTED) && before >= RPT_PCT_MIN)
		*pct = (int)((200 * *delta + (*delta < 0 ? -before : before)) / (2 * before));
	return 1;
}

const char *change_text(long long delta, int pct, char buf[RPT_CHANGEBUF])
{
	/* U+2212 MINUS SIGN, U+00A0 NO-BREAK SPACE */
	const char *sign = delta > 0 ? "+" : delta < 0 ? "\xe2\x88\x92" : "";
	int n = snprintf(buf, RPT_CHANGEBUF, "%s%lld", sign, delta < 0 ? -delta : delta);

	if (pct != RPT_NO_PCT && n > 0 && n < RPT_CHANGEBUF)
		snprintf(buf + n, (size_t)(RPT_CHANGEBUF - n), " (%s%d\xc2\xa0%%)",
			 pct > 0 ? "+" : pct < 0 ? "\xe2\x88\x92" : "", pct < 0 ? -pct : pct);
	return buf;
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
