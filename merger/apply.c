/*
 * apply.c - applying the records of a bundle to the national database.
 *
 * The rule, for a record of the bundle (id, version, digest of its
 * canonical encoding) against the `record` table:
 *
 *   absent                          insert it (and its live row unless it
 *                                   is a tombstone)
 *   held by another collector       refuse the bundle: records are owned
 *                                   by the collector that made them
 *   of another kind                 refuse the bundle
 *   older version                   unchanged (an old bundle arriving late)
 *   same version, same digest       unchanged (already merged)
 *   same version, other digest      conflict: refuse the bundle (a cloned
 *                                   collector home edited twice)
 *   newer version                   replace the live row, or remove it for
 *                                   a tombstone, and keep old and new
 *                                   values in the audit table
 *
 * Organisation records also update the organisation when they are newer
 * than the profile in use.  A live support count whose natural key is
 * also live under another collector of the same organisation is an
 * overlap: both rows stay, the report counts the newest.
 *
 * Every statement is prepared once per run and reset after each use; the
 * only buffers are two fixed ones for the audit's JSON, so memory does not
 * grow with the number of records or bundles.
 */
#include "apply.h"
#include "cli.h"
#include "edition.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "refdata.h"
#include "textout.h"

/* The JSON of one live row: its longest texts (a 2000-byte note, five
 * 200-byte profile texts) at most double when escaped, since records
 * hold no control characters but tab and newline. */
#define JSON_CAP 16384

enum stmt {
	S_SENDER, S_ORG_NAME, S_BUNDLE_GET,
	S_REC_GET, S_REC_INSERT, S_REC_UPDATE,
	S_AUDIT, S_ORG_OTHERS,
	S_ORG_GET, S_ORG_NATID, S_ORG_UPDATE, S_DEPT_DEL, S_DEPT_INS,
	S_BUNDLE_INS, S_COLLECTOR_UPD, S_COUNT_GROUP, S_GROUP_ANY,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_SENDER] =
	"SELECT c.key_id, c.box_pk, c.org_id, c.revoked_at, o.name FROM collector c "
	"JOIN organisation o ON o.id = c.org_id WHERE c.sign_pk = ?1",
	[S_ORG_NAME] = "SELECT name FROM organisation WHERE id = ?1",
	[S_BUNDLE_GET] =
	"SELECT collector, file_hash, merged_at, records FROM bundle WHERE id = ?1",
	[S_REC_GET] =
	"SELECT collector, kind, version, deleted, digest FROM record WHERE id = ?1",
	[S_REC_INSERT] =
	"INSERT INTO record(id, collector, org_id, kind, version, recorded_at, deleted, "
	"digest, bundle) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
	"ON CONFLICT (id) DO NOTHING",
	[S_REC_UPDATE] =
	"UPDATE record SET version = ?2, recorded_at = ?3, deleted = ?4, digest = ?5, "
	"bundle = ?6 WHERE id = ?1",
	[S_AUDIT] =
	"INSERT INTO audit(record_id, bundle, at, old_version, new_version, old_value, "
	"new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_ORG_OTHERS] =
	"SELECT 1 FROM collector WHERE org_id = ?1 AND key_id <> ?2 LIMIT 1",
	[S_ORG_GET] = "SELECT profile_at FROM organisation WHERE id = ?1",
	[S_ORG_NATID] = "SELECT id FROM organisation WHERE national_id = ?1 AND id <> ?2",
	[S_ORG_UPDATE] =
	"UPDATE organisation SET name = ?2, kind = ?3, national_id = ?4, email = ?5, "
	"phone = ?6, website = ?7, profile_at = ?8 WHERE id = ?1",
	[S_DEPT_DEL] = "DELETE FROM organisation_dept WHERE org_id = ?1",
	[S_DEPT_INS] = "INSERT INTO organisation_dept(org_id, dept) VALUES (?1, ?2)",
	[S_BUNDLE_INS] =
	"INSERT INTO bundle(id, collector, seq, file_hash, created, merged_at, records, "
	"inserted, updated, unchanged, deleted) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_COLLECTOR_UPD] =
	"UPDATE collector SET last_seq = max(coalesce(last_seq, ?1), ?1), "
	"last_bundle_at = ?2 WHERE key_id = ?3",
	[S_COUNT_GROUP] = "SELECT period, dept FROM count WHERE id = ?1",
	[S_GROUP_ANY] =
	"SELECT 1 FROM count WHERE org_id = ?1 AND \"table\" = ?2 AND period = ?3 AND dept = ?4 "
	"LIMIT 1",
};

/* A count a bundle inserted in a fresh group, with what tells the newest
 * of a cell apart.  At most NEW_CELLS_MAX a bundle (about 1 MB): past
 * them, the rules read every group back from the database. */
#define NEW_CELLS_MAX 4096
struct new_cell {
	uint64_t group;     /* qn_group_key() */
	int table;          /* index in the questionnaire */
	int v[QN_DIMS_MAX]; /* index of each code in its list (edition_seen) */
	int64_t at;         /* recorded_at */
	uint8_t id[16];
	rec_count c;
};

/* The statements on the live rows of each built-in kind, made from its
 * descriptor (format/model.h) as merger/schema.c made its table. */
enum live { L_INSERT, L_SELECT, L_DELETE, L_OVERLAP, L_COUNT };
#define KINDS (REC_TRAINING + 1)

struct applier {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	sqlite3_stmt *live[KINDS][L_COUNT];     /* L_OVERLAP: kinds with a natural key */
	sqlite3_stmt *extra[AX_COUNT];          /* applier_statement(), NULL until used */
	questionnaire *qn;  /* the latest edition: counts are checked against it */
	edition_seen seen;  /* what the check of a count found, */
	const record *checked;      /* of this record (NULL: none) */
	/* the bundle being applied */
	const sender *from;
	uint8_t bundle_id[16];
	int64_t at;
	int org_others;     /* the sender's organisation has other collectors:
			     * 1, 0, or -1 until asked (once per bundle) */
	qn_groups groups;   /* the periods and départements whose counts it changed */
	/* The groups whose counts after the bundle are known without reading
	 * them back (applier_new_group): the organisation had no count of a
	 * checked table there when the bundle first wrote there, and the
	 * bundle only inserted new records there since. */
	qn_groups fresh;    /* empty at the bundle's first insert there */
	qn_groups stale;    /* not empty then, or a count replaced or deleted there */
	struct new_cell *cells;     /* the checked counts inserted in fresh groups */
	struct new_cell **order;    /* the same, sorted (by_cell) when first asked */
	size_t ncells, capcells;
	int cells_full;     /* more than NEW_CELLS_MAX: every group is read back */
	int cells_sorted;
	rec_count *group;   /* what applier_new_group() returns */
	size_t capgroup;
	/* audit JSON: old and new value */
	char json[2][JSON_CAP];
	FILE *jf[2];
};

/* Prepares the live-row statements of kind k:
 *   L_INSERT  INSERT INTO t(id, org_id, "field"..., recorded_at) VALUES (?1, ?2, ...)
 *   L_SELECT  SELECT * FROM t WHERE id = ?1
 *   L_DELETE  DELETE FROM t WHERE id = ?1
 *   L_OVERLAP a live row of the same organisation with the same natural
 *             key made by another collector: ?1 org, ?2 collector, then the
 *             key fields in descriptor order. */
static int prepare_live(applier *a, const kind_desc *k, fmt_error *err)
{
	char q[2048], col[32];
	size_t used = 0;
	int rc, key = 0, fail = 0, params = 0;

	fail |= db_sql_add(q, sizeof q, &used, "INSERT INTO %s(id, org_id", k->sql);
	for (int i = 0; i < k->nfields; i++)
		for (int j = 0; j < db_field_columns(&k->fields[i]); j++) {
			db_field_column(&k->fields[i], j, col);
			fail |= db_sql_add(q, sizeof q, &used, ", \"%s\"", col);
			params++;
		}
	fail |= db_sql_add(q, sizeof q, &used, ", recorded_at) VALUES (?1, ?2");
	for (int i = 0; i <= params; i++)
		fail |= db_sql_add(q, sizeof q, &used, ", ?%d", i + 3);
	fail |= db_sql_add(q, sizeof q, &used, ")");
	if (fail)
		return fmt_fail(err, FMT_E_DB, _("the statements of %s do not fit"), k->code);
	if ((rc = db_prepare(a->db, &a->live[k->kind][L_INSERT], q, err)))
		return rc;
	snprintf(q, sizeof q, "SELECT * FROM %s WHERE id = ?1", k->sql);
	if ((rc = db_prepare(a->db, &a->live[k->kind][L_SELECT], q, err)))
		return rc;
	snprintf(q, sizeof q, "DELETE FROM %s WHERE id = ?1", k->sql);
	if ((rc = db_prepare(a->db, &a->live[k->kind][L_DELETE], q, err)))
		return rc;
	used = 0;
	fail |= db_sql_add(q, sizeof q, &used, "SELECT 1 FROM %s s JOIN record r ON r.id = s.id "
			"WHERE s.org_id = ?1 AND r.collector <> ?2", k->sql);
	for (int i = 0; i < k->nfields; i++)
		for (int j = 0; (k->fields[i].flags & FF_KEY) &&
				j < db_field_columns(&k->fields[i]); j++) {
			db_field_column(&k->fields[i], j, col);
			fail |= db_sql_add(q, sizeof q, &used, " AND s.\"%s\" IS ?%d", col,
					   3 + key++);
		}
	fail |= db_sql_add(q, sizeof q, &used, " LIMIT 1");
	if (fail)
		return fmt_fail(err, FMT_E_DB, _("the statements of %s do not fit"), k->code);
	if (key && (rc = db_prepare(a->db, &a->live[k->kind][L_OVERLAP], q, err)))
		return rc;
	return FMT_OK;
}

int applier_open(applier **out, sqlite3 *db, fmt_error *err)
{
	applier *a = calloc(1, sizeof *a);
	int rc = FMT_OK;

	*out = NULL;
	if (!a)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	a->db = db;
	for (int i = 0; rc == FMT_OK && i < S_COUNT; i++)
		rc = db_prepare(db, &a->st[i], sql[i], err);
	for (int kind = REC_ORG; rc == FMT_OK && kind < KINDS; kind++)
		rc = prepare_live(a, kind_desc_of(kind), err);
	if (rc == FMT_OK && (rc = edition_latest(db, &a->qn, err)) == FMT_DONE)
		rc = fmt_fail(err, FMT_E_NOT_SETUP, _("no questionnaire was published"));
	for (int i = 0; rc == FMT_OK && i < 2; i++) {
		a->jf[i] = fmemopen(a->json[i], JSON_CAP, "w");
		if (!a->jf[i])
			rc = fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	}
	if (rc) {
		applier_free(a);
		return rc;
	}
	*out = a;
	return FMT_OK;
}

const questionnaire *applier_questionnaire(const applier *a)
{
	return a->qn;
}

void applier_free(applier *a)
{
	if (!a)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(a->st[i]);
	for (int k = 0; k < KINDS; k++)
		for (int i = 0; i < L_COUNT; i++)
			sqlite3_finalize(a->live[k][i]);
	for (int i = 0; i < AX_COUNT; i++)
		sqlite3_finalize(a->extra[i]);
	qn_free(a->qn);
	qn_groups_free(&a->groups);
	qn_groups_free(&a->fresh);
	qn_groups_free(&a->stale);
	free(a->cells);
	free(a->order);
	free(a->group);
	for (int i = 0; i < 2; i++)
		if (a->jf[i])
			fclose(a->jf[i]);
	free(a);
}

/* A statement, reset and unbound, ready for its next use. */
static sqlite3_stmt *ready(sqlite3_stmt *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return st;
}

static sqlite3_stmt *use(applier *a, enum stmt s)
{
	return ready(a->st[s]);
}

static sqlite3_stmt *use_live(applier *a, int kind, enum live l)
{
	return ready(a->live[kind][l]);
}

/* The two statements of every record, which each use binds in full and
 * leaves reset: as they are, without unbinding 10 to 20 values. */
static sqlite3_stmt *use_bound(sqlite3_stmt *st)
{
	return st;
}

int applier_statement(applier *a, enum applier_extra which, const char *text,
		      sqlite3_stmt **st, fmt_error *err)
{
	int rc;

	if (!a->extra[which] && (rc = db_prepare(a->db, &a->extra[which], text, err)))
		return rc;
	*st = ready(a->extra[which]);
	return FMT_OK;
}

/* Runs a statement that returns no row. */
static int run(applier *a, sqlite3_stmt *st, const char *what, fmt_error *err)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FMT_OK : db_fail(a->db, rc, what, err);
}

/* Steps a query: 1 for a row, 0 for none, or -1 with err set. */
static int row(applier *a, sqlite3_stmt *st, const char *what, fmt_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return 1;
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	db_fail(a->db, rc, what, err);
	return -1;
}

/* Copies a text column into buf[cap] ("" for NULL). */
static void col_text(sqlite3_stmt *st, int i, char *buf, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(buf, cap, "%s", t ? (const char *)t : "");
}

/* Copies a blob column of exactly n bytes into out; 0 when it is not. */
static int col_blob(sqlite3_stmt *st, int i, uint8_t *out, size_t n)
{
	const void *b = sqlite3_column_blob(st, i);

	if (!b || (size_t)sqlite3_column_bytes(st, i) != n)
		return 0;
	memcpy(out, b, n);
	return 1;
}

int applier_sender(applier *a, const uint8_t sign_pk[KEY_SIGN_PK], sender *s,
		   fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_SENDER);
	int r;

	memset(s, 0, sizeof *s);
	sqlite3_bind_blob(st, 1, sign_pk, KEY_SIGN_PK, SQLITE_STATIC);
	r = row(a, st, "reading the collectors", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	if (r == 0)
		return FMT_OK;
	s->found = 1;
	col_text(st, 0, s->key_id, sizeof s->key_id);
	col_blob(st, 1, s->box_pk, KEY_BOX_PK);
	s->org_id = sqlite3_column_int64(st, 2);
	s->revoked = sqlite3_column_type(st, 3) != SQLITE_NULL;
	s->revoked_at = s->revoked ? sqlite3_column_int64(st, 3) : 0;
	col_text(st, 4, s->org_name, sizeof s->org_name);
	sqlite3_reset(st);
	return FMT_OK;
}

int applier_org_name(applier *a, sqlite3_int64 org, char *buf, fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_ORG_NAME);
	int r;

	buf[0] = '\0';
	sqlite3_bind_int64(st, 1, org);
	r = row(a, st, "reading the organisations", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	if (r > 0) {
		col_text(st, 0, buf, REC_NAME_MAX + 1);
		sqlite3_reset(st);
	}
	return FMT_OK;
}

int applier_bundle_get(applier *a, const uint8_t bundle_id[16], merged_bundle *m,
		       fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_BUNDLE_GET);
	int r;

	memset(m, 0, sizeof *m);
	sqlite3_bind_blob(st, 1, bundle_id, 16, SQLITE_STATIC);
	r = row(a, st, "reading the merged bundles", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	if (r == 0)
		return FMT_OK;
	m->found = 1;
	col_text(st, 0, m->collector, sizeof m->collector);
	col_blob(st, 1, m->file_hash, sizeof m->file_hash);
	m->merged_at = sqlite3_column_int64(st, 2);
	m->records = (long)sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return FMT_OK;
}

void applier_begin(applier *a, const sender *s, const uint8_t bundle_id[16], int64_t at)
{
	a->from = s;
	memcpy(a->bundle_id, bundle_id, 16);
	a->at = at;
	a->org_others = -1;
	qn_groups_clear(&a->groups);
	qn_groups_clear(&a->fresh);
	qn_groups_clear(&a->stale);
	a->ncells = 0;
	a->cells_full = 0;
	a->cells_sorted = 0;
}

const qn_groups *applier_groups(const applier *a)
{
	return &a->groups;
}

/* Kept counts x and y by cell: table, then codes in the order of their
 * lists; 0 when they are of the same cell.  A table's dimensions are
 * fixed, so the codes it holds are its ndims first ones. */
static int by_codes(const struct new_cell *x, const struct new_cell *y)
{
	if (x->table != y->table)
		return x->table < y->table ? -1 : 1;
	for (int k = 0; k < QN_DIMS_MAX; k++)
		if (x->v[k] != y->v[k])
			return x->v[k] < y->v[k] ? -1 : 1;
	return 0;
}

/* Order of the kept counts: group (as qn_groups orders them), table,
 * codes (their order in the lists), then the newest of a cell last. */
static int by_cell(const void *pa, const void *pb)
{
	const struct new_cell *x = *(const struct new_cell *const *)pa;
	const struct new_cell *y = *(const struct new_cell *const *)pb;
	int d;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	if ((d = by_codes(x, y)) != 0)
		return d;
	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return memcmp(x->id, y->id, 16);
}

int applier_new_group(applier *a, const char *period, uint8_t dept, const rec_count **cells,
		      size_t *n)
{
	uint64_t key = qn_group_key(period, dept);
	size_t lo = 0, hi = a->ncells, used = 0;

	*cells = NULL;
	*n = 0;
	if (a->cells_full || !qn_groups_has(&a->fresh, period, dept) ||
	    qn_groups_has(&a->stale, period, dept))
		return 0;
	if (!a->cells_sorted) {
		size_t i = 0;

		for (size_t k = 0; k < a->ncells; k++)
			a->order[k] = &a->cells[k];
		/* often in order already: a collector fills a grid in order */
		while (i + 1 < a->ncells && by_cell(&a->order[i], &a->order[i + 1]) <= 0)
			i++;
		if (i + 1 < a->ncells)
			qsort(a->order, a->ncells, sizeof *a->order, by_cell);
		a->cells_sorted = 1;
	}
	while (lo < hi) {                       /* the group's first count */
		size_t mid = lo + (hi - lo) / 2;

		if (a->order[mid]->group < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < a->ncells && a->order[i]->group == key; i++) {
		const struct new_cell *x = a->order[i], *next = i + 1 < a->ncells ? a->order[i + 1] : NULL;

		/* of the counts of one cell, the last is the newest */
		if (next && next->group == key && by_codes(next, x) == 0)
			continue;
		if (used == a->capgroup) {
			size_t cap = a->capgroup ? 2 * a->capgroup : 256;
			rec_count *g = realloc(a->group, cap * sizeof *g);

			if (!g)
				return -1;
			a->group = g;
			a->capgroup = cap;
		}
		a->group[used++] = x->c;
	}
	*cells = a->group;
	*n = used;
	return 1;
}

/* Whether the organisation has a count of a checked table in group
 * (period, dept): into *any. */
static int group_had_counts(applier *a, const char *period, uint8_t dept, int *any,
			    fmt_error *err)
{
	*any = 0;
	for (int t = 0; t < a->qn->ntables && !*any; t++) {
		sqlite3_stmt *st;
		int r;

		if (!qn_table_checked(a->qn, t))
			continue;
		st = use(a, S_GROUP_ANY);
		sqlite3_bind_int64(st, 1, a->from->org_id);
		sqlite3_bind_text(st, 2, a->qn->tables[t].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, DEPTS[dept].code, -1, SQLITE_STATIC);
		r = row(a, st, "reading the counts", err);
		sqlite3_reset(st);
		if (r < 0)
			return err ? err->code : FMT_E_DB;
		*any = r;
	}
	return FMT_OK;
}

/* Keeps count r, just checked (a->seen describes it) and inserted in a
 * fresh group, when a rule reads its table. */
static int keep_cell(applier *a, const record *r, fmt_error *err)
{
	const qn_table *t = a->seen.t;
	struct new_cell *cell;

	if (a->checked != r)
		return fmt_fail(err, FMT_E_RECORD, "count kept before its check");
	if (!qn_table_checked(a->qn, (int)(t - a->qn->tables)) || a->cells_full)
		return FMT_OK;
	if (a->ncells == NEW_CELLS_MAX) {
		a->cells_full = 1;
		return FMT_OK;
	}
	if (a->ncells == a->capcells) {
		size_t cap = a->capcells ? 2 * a->capcells : 256;
		struct new_cell *c = realloc(a->cells, cap * sizeof *c);
		struct new_cell **o;

		if (!c)
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
		a->cells = c;
		if (!(o = realloc(a->order, cap * sizeof *o)))
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
		a->order = o;
		a->capcells = cap;
	}
	cell = &a->cells[a->ncells++];
	cell->group = qn_group_key(r->u.count.period, r->u.count.dept);
	cell->table = (int)(t - a->qn->tables);
	for (int k = 0; k < QN_DIMS_MAX; k++)
		cell->v[k] = k < t->ndims ? a->seen.v[k] : -1;
	cell->at = r->recorded_at;
	memcpy(cell->id, r->id, 16);
	cell->c = r->u.count;
	a->cells_sorted = 0;
	return FMT_OK;
}

/* Notes the group of a count the bundle writes, a new record (inserted)
 * or a newer version of one. */
static int touch(applier *a, const record *r, int inserted, fmt_error *err)
{
	const rec_count *c = &r->u.count;
	int any, rc;

	if (r->kind != REC_COUNT || r->deleted)
		return FMT_OK;
	if (qn_groups_add(&a->groups, c->period, c->dept) != 0)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	if (!inserted) {
		if (qn_groups_add(&a->stale, c->period, c->dept) != 0)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		return FMT_OK;
	}
	if (qn_groups_has(&a->stale, c->period, c->dept))
		return FMT_OK;
	if (!qn_groups_has(&a->fresh, c->period, c->dept)) {
		/* the bundle's first write there: nothing of it is there yet */
		if ((rc = group_had_counts(a, c->period, c->dept, &any, err)))
			return rc;
		if (qn_groups_add(any ? &a->stale : &a->fresh, c->period, c->dept) != 0)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		if (any)
			return FMT_OK;
	}
	return keep_cell(a, r, err);
}

/* Notes the group of the live count of id that a newer version replaces
 * (its period or département may change, or it may be deleted). */
static int touch_old(applier *a, const uint8_t id[16], fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_COUNT_GROUP);
	char period[REC_PERIOD_MAX + 1];
	int r, d;

	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	r = row(a, st, "reading a count", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	if (r == 0)
		return FMT_OK;
	col_text(st, 0, period, sizeof period);
	d = dept_find((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	if (d >= 0 && (qn_groups_add(&a->groups, period, (uint8_t)d) != 0 ||
		       qn_groups_add(&a->stale, period, (uint8_t)d) != 0))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	return FMT_OK;
}

/* Adds a problem to pb (the first PROBLEMS_MAX are kept). */
static void add_problem(problems *pb, const record *r, int conflict, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add_problem(problems *pb, const record *r, int conflict, const char *fmt, ...)
{
	va_list ap;

	if (pb->count < PROBLEMS_MAX) {
		problem *p = &pb->list[pb->count];
		memcpy(p->id, r->id, 16);
		p->kind = r->kind;
		p->conflict = (uint8_t)conflict;
		p->version = r->version;
		va_start(ap, fmt);
		vsnprintf(p->text, sizeof p->text, fmt, ap);
		va_end(ap);
	}
	pb->count++;
}

/* --- live rows ------------------------------------------------------------ */

static int insert_live(applier *a, const record *r, fmt_error *err)
{
	const kind_desc *k = kind_desc_of(r->kind);
	sqlite3_stmt *st;
	char what[64];
	int param = 3, rc;

	if (!k)
		return fmt_fail(err, FMT_E_RECORD, _("record of unknown kind %d"), r->kind);
	st = use_bound(a->live[r->kind][L_INSERT]);
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->from->org_id);
	for (int i = 0; i < k->nfields; i++) {
		db_bind_field(st, param, r, &k->fields[i]);
		param += db_field_columns(&k->fields[i]);
	}
	sqlite3_bind_int64(st, param, r->recorded_at);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return FMT_OK;
	/* As run() does, with the message worded only when it is needed. */
	snprintf(what, sizeof what, "saving a record of kind %s", k->code);
	return db_fail(a->db, rc, what, err);
}

static int delete_live(applier *a, int kind, const uint8_t id[16], fmt_error *err)
{
	sqlite3_stmt *st = use_live(a, kind, L_DELETE);

	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	return run(a, st, "removing a replaced record", err);
}

/* The live row of id as a JSON object of its fields (without the id and
 * the organisation, which the audit row already names), into
 * a->json[which]; "deleted" when there is no live row. */
static int live_json(applier *a, int which, int kind, const uint8_t id[16],
		     fmt_error *err)
{
	sqlite3_stmt *st = use_live(a, kind, L_SELECT);
	FILE *f = a->jf[which];
	long n;
	int r, first = 1;

	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	r = row(a, st, "reading a record", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	if (r == 0) {
		strcpy(a->json[which], "deleted");
		return FMT_OK;
	}
	clearerr(f);
	rewind(f);
	fputc('{', f);
	for (int i = 0; i < sqlite3_column_count(st); i++) {
		const char *name = sqlite3_column_name(st, i);

		if (strcmp(name, "id") == 0 || strcmp(name, "org_id") == 0)
			continue;
		fprintf(f, "%s\"%s\": ", first ? "" : ", ", name);
		first = 0;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_NULL:
			fputs("null", f);
			break;
		case SQLITE_INTEGER:
			fprintf(f, "%lld", (long long)sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			fprintf(f, "%.17g", sqlite3_column_double(st, i));
			break;
		default:
			out_json_string(f, (const char *)sqlite3_column_text(st, i));
			break;
		}
	}
	fputc('}', f);
	sqlite3_reset(st);
	fflush(f);
	n = ftell(f);
	if (ferror(f) || n < 0 || n >= JSON_CAP - 1)
		return fmt_fail(err, FMT_E_LENGTH, _("a record is too large for the audit trail"));
	a->json[which][n] = '\0';
	return FMT_OK;
}

/* --- after a live row was written ----------------------------------------- */

/* Counts an overlap when the same natural key is live under another
 * collector of the organisation. */
static int check_overlap(applier *a, const record *r, merge_stats *stats, fmt_error *err)
{
	const kind_desc *k = kind_desc_of(r->kind);
	sqlite3_stmt *st;
	int found, key = 0;

	/* Only another collector of the same organisation can overlap: for
	 * the usual organisation with one laptop, ask once per bundle
	 * instead of once per count. */
	if (a->org_others < 0) {
		st = use(a, S_ORG_OTHERS);
		sqlite3_bind_int64(st, 1, a->from->org_id);
		sqlite3_bind_text(st, 2, a->from->key_id, -1, SQLITE_STATIC);
		found = row(a, st, "looking for the organisation's collectors", err);
		if (found < 0)
			return err ? err->code : FMT_E_DB;
		if (found)
			sqlite3_reset(st);
		a->org_others = found;
	}
	if (!a->org_others)
		return FMT_OK;
	st = use_live(a, r->kind, L_OVERLAP);
	sqlite3_bind_int64(st, 1, a->from->org_id);
	sqlite3_bind_text(st, 2, a->from->key_id, -1, SQLITE_STATIC);
	for (int i = 0; i < k->nfields; i++)
		if (k->fields[i].flags & FF_KEY) {
			db_bind_field(st, 3 + key, r, &k->fields[i]);
			key += db_field_columns(&k->fields[i]);
		}
	found = row(a, st, "looking for overlapping counts", err);
	if (found < 0)
		return err ? err->code : FMT_E_DB;
	if (found) {
		stats->overlaps++;
		sqlite3_reset(st);
	}
	return FMT_OK;
}

/* Brings the organisation up to date with a profile newer than the one
 * in use.  A national id held by another organisation refuses the bundle
 * rather than be dropped or moved silently. */
static int update_org(applier *a, const record *r, problems *pb, fmt_error *err)
{
	const rec_org *o = &r->u.org;
	sqlite3_stmt *st = use(a, S_ORG_GET);
	int64_t profile_at;
	int rc, found;

	sqlite3_bind_int64(st, 1, a->from->org_id);
	found = row(a, st, "reading the organisation", err);
	if (found < 0)
		return err ? err->code : FMT_E_DB;
	if (!found)
		return FMT_OK;
	profile_at = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	/* Only newer versions reach here, so an equal time is a later edit
	 * made within the same second: it wins. */
	if (r->recorded_at < profile_at)
		return FMT_OK;
	if (o->national_id[0]) {
		st = use(a, S_ORG_NATID);
		sqlite3_bind_text(st, 1, o->national_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, a->from->org_id);
		found = row(a, st, "reading the organisations", err);
		if (found < 0)
			return err ? err->code : FMT_E_DB;
		if (found) {
			long long other = sqlite3_column_int64(st, 0);
			sqlite3_reset(st);
			add_problem(pb, r, 0, _("gives national id %.20s, which belongs to "
				    "organisation %lld"), o->national_id, other);
			return FMT_OK;
		}
	}
	st = use(a, S_ORG_UPDATE);
	sqlite3_bind_int64(st, 1, a->from->org_id);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	db_bind_field(st, 3, r, kind_field(kind_desc_of(REC_ORG), "kind"));
	bind_text_or_null(st, 4, o->national_id);
	bind_text_or_null(st, 5, o->email);
	bind_text_or_null(st, 6, o->phone);
	bind_text_or_null(st, 7, o->website);
	sqlite3_bind_int64(st, 8, r->recorded_at);
	rc = run(a, st, "updating the organisation", err);
	if (rc)
		return rc;
	st = use(a, S_DEPT_DEL);
	sqlite3_bind_int64(st, 1, a->from->org_id);
	rc = run(a, st, "updating the organisation's départements", err);
	for (int i = 0; rc == FMT_OK && i < o->ndepts; i++) {
		st = use(a, S_DEPT_INS);
		sqlite3_bind_int64(st, 1, a->from->org_id);
		sqlite3_bind_text(st, 2, DEPTS[o->depts[i]].code, -1, SQLITE_STATIC);
		rc = run(a, st, "updating the organisation's départements", err);
	}
	return rc;
}

static int after_live(applier *a, const record *r, merge_stats *stats, problems *pb,
		      fmt_error *err)
{
	if (a->live[r->kind][L_OVERLAP])
		return check_overlap(a, r, stats, err);
	if (r->kind == REC_ORG)
		return update_org(a, r, pb, err);
	return FMT_OK;
}

/* --- the rule ------------------------------------------------------------- */

static int write_record_row(applier *a, const record *r, const uint8_t digest[16],
			    int update, fmt_error *err)
{
	sqlite3_stmt *st;

	if (update) {
		st = use(a, S_REC_UPDATE);
		sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, r->version);
		sqlite3_bind_int64(st, 3, r->recorded_at);
		sqlite3_bind_int(st, 4, r->deleted ? 1 : 0);
		sqlite3_bind_blob(st, 5, digest, 16, SQLITE_STATIC);
		sqlite3_bind_blob(st, 6, a->bundle_id, 16, SQLITE_STATIC);
	} else {
		st = use_bound(a->st[S_REC_INSERT]);
		sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, a->from->key_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, a->from->org_id);
		sqlite3_bind_text(st, 4, record_kind_name(r->kind), -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 5, r->version);
		sqlite3_bind_int64(st, 6, r->recorded_at);
		sqlite3_bind_int(st, 7, r->deleted ? 1 : 0);
		sqlite3_bind_blob(st, 8, digest, 16, SQLITE_STATIC);
		sqlite3_bind_blob(st, 9, a->bundle_id, 16, SQLITE_STATIC);
	}
	return run(a, st, "saving a record", err);
}

static int write_audit(applier *a, const record *r, uint32_t old_version, fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_AUDIT);

	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_blob(st, 2, a->bundle_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, a->at);
	sqlite3_bind_int64(st, 4, old_version);
	sqlite3_bind_int64(st, 5, r->version);
	sqlite3_bind_text(st, 6, a->json[0], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, a->json[1], -1, SQLITE_STATIC);
	return run(a, st, "saving the audit trail", err);
}

/* The record row of an id already merged. */
typedef struct known {
	char collector[KEY_ID_CHARS + 1];
	char kind[16];
	uint32_t version;
	int deleted;
	uint8_t digest[16];
} known;

static int get_known(applier *a, const uint8_t id[16], known *k, int *found,
		     fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_REC_GET);
	int64_t v;
	int r;

	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	r = row(a, st, "reading a record", err);
	if (r < 0)
		return err ? err->code : FMT_E_DB;
	*found = r;
	if (!r)
		return FMT_OK;
	col_text(st, 0, k->collector, sizeof k->collector);
	col_text(st, 1, k->kind, sizeof k->kind);
	v = sqlite3_column_int64(st, 2);
	k->version = v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
	k->deleted = sqlite3_column_int(st, 3) != 0;
	if (!col_blob(st, 4, k->digest, 16))
		memset(k->digest, 0, 16);
	sqlite3_reset(st);
	return FMT_OK;
}

int applier_record(applier *a, const record *r, const uint8_t digest[16],
		   merge_stats *stats, problems *pb, fmt_error *err)
{
	fmt_error why;
	known k;
	int rc, found = 0;

	/* A count's table and codes must exist in a published edition: the
	 * latest holds every code of the earlier ones. */
	a->checked = NULL;
	if (r->kind == REC_COUNT && !r->deleted) {
		if (edition_check_count(a->qn, &a->seen, r, &why) != FMT_OK) {
			add_problem(pb, r, 0, "%s", fmt_error_bare(&why));
			return FMT_OK;
		}
		a->checked = r;
	}

	/* Most records of a bundle are new: insert first (the insert does
	 * nothing when the id is known), and look the record up only then. */
	rc = write_record_row(a, r, digest, 0, err);
	if (rc)
		return rc;
	if (sqlite3_changes(a->db) == 0) {
		rc = get_known(a, r->id, &k, &found, err);
		if (rc)
			return rc;
		if (!found)
			return fmt_fail(err, FMT_E_DB, _("record neither inserted nor found"));
	}
	if (!found) {
		if (!r->deleted && (rc = touch(a, r, 1, err)))
			return rc;
		if (!r->deleted)
			rc = insert_live(a, r, err);
		if (rc == FMT_OK && !r->deleted)
			rc = after_live(a, r, stats, pb, err);
		if (r->deleted)
			stats->deleted++;
		else
			stats->inserted++;
		return rc;
	}
	if (strcmp(k.collector, a->from->key_id) != 0) {
		add_problem(pb, r, 0, _("belongs to another collector (key %s)"), k.collector);
		return FMT_OK;
	}
	if (strcmp(k.kind, record_kind_name(r->kind)) != 0) {
		add_problem(pb, r, 0, _("was merged before as a record of kind %s"), k.kind);
		return FMT_OK;
	}
	if (r->version < k.version) {
		stats->unchanged++;         /* an old bundle arriving late */
		return FMT_OK;
	}
	if (r->version == k.version) {
		if (memcmp(digest, k.digest, 16) == 0) {
			stats->unchanged++;
			return FMT_OK;
		}
		add_problem(pb, r, 1, _("was already merged at this version with "
			    "different content"));
		return FMT_OK;
	}

	/* A newer version: replace, keeping both values in the audit. */
	if (r->kind == REC_COUNT && !k.deleted && (rc = touch_old(a, r->id, err)))
		return rc;
	if ((rc = touch(a, r, 0, err)))
		return rc;
	rc = live_json(a, 0, r->kind, r->id, err);
	if (rc == FMT_OK && !k.deleted)
		rc = delete_live(a, r->kind, r->id, err);
	if (rc == FMT_OK && !r->deleted)
		rc = insert_live(a, r, err);
	if (rc == FMT_OK)
		rc = live_json(a, 1, r->kind, r->id, err);
	if (rc == FMT_OK)
		rc = write_record_row(a, r, digest, 1, err);
	if (rc == FMT_OK)
		rc = write_audit(a, r, k.version, err);
	if (rc == FMT_OK && !r->deleted)
		rc = after_live(a, r, stats, pb, err);
	if (!r->deleted)
		stats->updated++;
	else if (!k.deleted)
		stats->deleted++;
	else
		stats->unchanged++;     /* a tombstone replacing a tombstone */
	return rc;
}

int applier_finish(applier *a, const bundle_info *info, const merge_stats *stats,
		   fmt_error *err)
{
	sqlite3_stmt *st = use(a, S_BUNDLE_INS);
	int rc;

	sqlite3_bind_blob(st, 1, info->bundle_id, 16, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, a->from->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)info->seq);
	sqlite3_bind_blob(st, 4, info->file_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, info->created);
	sqlite3_bind_int64(st, 6, a->at);
	sqlite3_bind_int64(st, 7, info->record_count);
	sqlite3_bind_int64(st, 8, stats->inserted);
	sqlite3_bind_int64(st, 9, stats->updated);
	sqlite3_bind_int64(st, 10, stats->unchanged);
	sqlite3_bind_int64(st, 11, stats->deleted);
	rc = run(a, st, "saving the bundle", err);
	if (rc)
		return rc;
	st = use(a, S_COLLECTOR_UPD);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)info->seq);
	sqlite3_bind_int64(st, 2, a->at);
	sqlite3_bind_text(st, 3, a->from->key_id, -1, SQLITE_STATIC);
	return run(a, st, "updating the collector", err);
}
