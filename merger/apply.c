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
	/* live rows: insert, select, delete, in rec_kind order 1..4 */
	S_PROFILE_INS, S_ACTION_INS, S_SUPPORT_INS, S_TRAINING_INS,
	S_PROFILE_SEL, S_ACTION_SEL, S_SUPPORT_SEL, S_TRAINING_SEL,
	S_PROFILE_DEL, S_ACTION_DEL, S_SUPPORT_DEL, S_TRAINING_DEL,
	S_AUDIT, S_OVERLAP, S_ORG_OTHERS,
	S_ORG_GET, S_ORG_NATID, S_ORG_UPDATE, S_DEPT_DEL, S_DEPT_INS,
	S_BUNDLE_INS, S_COLLECTOR_UPD,
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
	[S_PROFILE_INS] =
	"INSERT INTO profile(id, org_id, name, kind, depts, email, phone, website, "
	"national_id, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_ACTION_INS] =
	"INSERT INTO action(id, org_id, dept, type, start_date, end_date, publics, "
	"exploitation, people, partners, note) "
	"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[S_SUPPORT_INS] =
	"INSERT INTO support(id, org_id, period, dept, status, exploitation, sex, age, "
	"count, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
	[S_TRAINING_INS] =
	"INSERT INTO training(id, org_id, date, dept, audiences, participants, minutes, "
	"exploitation, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[S_PROFILE_SEL] = "SELECT * FROM profile WHERE id = ?1",
	[S_ACTION_SEL] = "SELECT * FROM action WHERE id = ?1",
	[S_SUPPORT_SEL] = "SELECT * FROM support WHERE id = ?1",
	[S_TRAINING_SEL] = "SELECT * FROM training WHERE id = ?1",
	[S_PROFILE_DEL] = "DELETE FROM profile WHERE id = ?1",
	[S_ACTION_DEL] = "DELETE FROM action WHERE id = ?1",
	[S_SUPPORT_DEL] = "DELETE FROM support WHERE id = ?1",
	[S_TRAINING_DEL] = "DELETE FROM training WHERE id = ?1",
	[S_AUDIT] =
	"INSERT INTO audit(record_id, bundle, at, old_version, new_version, old_value, "
	"new_value) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_OVERLAP] =
	"SELECT 1 FROM support s JOIN record r ON r.id = s.id "
	"WHERE s.org_id = ?1 AND s.period = ?2 AND s.dept = ?3 AND s.status = ?4 "
	"AND s.exploitation = ?5 AND s.sex = ?6 AND s.age = ?7 AND r.collector <> ?8 "
	"LIMIT 1",
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
};

struct applier {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	/* the bundle being applied */
	const sender *from;
	uint8_t bundle_id[16];
	int64_t at;
	int org_others;     /* the sender's organisation has other collectors:
			     * 1, 0, or -1 until asked (once per bundle) */
	/* audit JSON: old and new value */
	char json[2][JSON_CAP];
	FILE *jf[2];
};

int applier_open(applier **out, sqlite3 *db, fmt_error *err)
{
	applier *a = calloc(1, sizeof *a);
	int rc = FMT_OK;

	*out = NULL;
	if (!a)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	a->db = db;
	for (int i = 0; rc == FMT_OK && i < S_COUNT; i++)
		rc = db_prepare(db, &a->st[i], sql[i], err);
	for (int i = 0; rc == FMT_OK && i < 2; i++) {
		a->jf[i] = fmemopen(a->json[i], JSON_CAP, "w");
		if (!a->jf[i])
			rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	if (rc) {
		applier_free(a);
		return rc;
	}
	*out = a;
	return FMT_OK;
}

void applier_free(applier *a)
{
	if (!a)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(a->st[i]);
	for (int i = 0; i < 2; i++)
		if (a->jf[i])
			fclose(a->jf[i]);
	free(a);
}

/* The statement, reset and unbound, ready for its next use. */
static sqlite3_stmt *use(applier *a, enum stmt s)
{
	sqlite3_reset(a->st[s]);
	sqlite3_clear_bindings(a->st[s]);
	return a->st[s];
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

static const char *code(const enum_table *t, int i)
{
	return i >= 0 && i < t->count ? t->items[i].code : "?";
}

/* The set of codes of mask, comma-separated, into buf. */
static const char *codes(const enum_table *t, uint32_t mask, char *buf, int cap)
{
	enum_format_set(t, mask, buf, cap);
	return buf;
}

static int insert_profile(applier *a, const record *r, fmt_error *err)
{
	const rec_org *o = &r->u.org;
	sqlite3_stmt *st = use(a, S_PROFILE_INS);
	char depts[DEPT_COUNT * 4 + 1];
	size_t n = 0;

	depts[0] = '\0';
	for (int i = 0; i < o->ndepts && o->depts[i] < DEPT_COUNT; i++)
		n += (size_t)snprintf(depts + n, sizeof depts - n, "%s%s", i ? "," : "",
				      DEPTS[o->depts[i]].code);
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->from->org_id);
	sqlite3_bind_text(st, 3, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, code(&ENUM_ORG_KIND, o->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, depts, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, o->email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, o->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, o->website, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, o->national_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, r->recorded_at);
	return run(a, st, "saving an organisation profile", err);
}

static int insert_action(applier *a, const record *r, fmt_error *err)
{
	const rec_action *x = &r->u.action;
	sqlite3_stmt *st = use(a, S_ACTION_INS);
	char start[11], end[11], pub[512], expl[512];

	date_format(x->start, start);
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->from->org_id);
	sqlite3_bind_text(st, 3, DEPTS[x->dept].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, code(&ENUM_ACTION_TYPE, x->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, start, -1, SQLITE_TRANSIENT);
	if (x->end) {
		date_format(x->end, end);
		sqlite3_bind_text(st, 6, end, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(st, 7, codes(&ENUM_PUBLIC, x->publics, pub, sizeof pub), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 8, codes(&ENUM_EXPLOITATION, x->exploitation, expl,
				       sizeof expl), -1, SQLITE_TRANSIENT);
	if (x->people != REC_NONE)
		sqlite3_bind_int64(st, 9, x->people);
	sqlite3_bind_text(st, 10, x->partners, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, x->note, -1, SQLITE_STATIC);
	return run(a, st, "saving an action", err);
}

static int insert_support(applier *a, const record *r, fmt_error *err)
{
	const rec_support *x = &r->u.support;
	sqlite3_stmt *st = use(a, S_SUPPORT_INS);

	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->from->org_id);
	sqlite3_bind_text(st, 3, x->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, DEPTS[x->dept].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, code(&ENUM_STATUS, x->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, code(&ENUM_EXPLOITATION, x->exploitation), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 7, code(&ENUM_SEX, x->sex), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, code(&ENUM_AGE, x->age), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, x->count);
	sqlite3_bind_int64(st, 10, r->recorded_at);
	return run(a, st, "saving a support count", err);
}

static int insert_training(applier *a, const record *r, fmt_error *err)
{
	const rec_training *x = &r->u.training;
	sqlite3_stmt *st = use(a, S_TRAINING_INS);
	char date[11], aud[512], expl[512];

	date_format(x->date, date);
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, a->from->org_id);
	sqlite3_bind_text(st, 3, date, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, DEPTS[x->dept].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, codes(&ENUM_AUDIENCE, x->audiences, aud, sizeof aud), -1,
			  SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, x->participants);
	if (x->minutes != REC_NONE)
		sqlite3_bind_int64(st, 7, x->minutes);
	sqlite3_bind_text(st, 8, codes(&ENUM_EXPLOITATION, x->exploitation, expl,
				       sizeof expl), -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 9, x->note, -1, SQLITE_STATIC);
	return run(a, st, "saving a training", err);
}

static int insert_live(applier *a, const record *r, fmt_error *err)
{
	switch (r->kind) {
	case REC_ORG:      return insert_profile(a, r, err);
	case REC_ACTION:   return insert_action(a, r, err);
	case REC_SUPPORT:  return insert_support(a, r, err);
	case REC_TRAINING: return insert_training(a, r, err);
	}
	return fmt_fail(err, FMT_E_RECORD, "record of unknown kind %d", r->kind);
}

static int delete_live(applier *a, int kind, const uint8_t id[16], fmt_error *err)
{
	sqlite3_stmt *st = use(a, (enum stmt)(S_PROFILE_DEL + kind - REC_ORG));

	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	return run(a, st, "removing a replaced record", err);
}

/* The live row of id as a JSON object of its fields (without the id and
 * the organisation, which the audit row already names), into
 * a->json[which]; "deleted" when there is no live row. */
static int live_json(applier *a, int which, int kind, const uint8_t id[16],
		     fmt_error *err)
{
	sqlite3_stmt *st = use(a, (enum stmt)(S_PROFILE_SEL + kind - REC_ORG));
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
		return fmt_fail(err, FMT_E_LENGTH, "a record is too large for the audit trail");
	a->json[which][n] = '\0';
	return FMT_OK;
}

/* --- after a live row was written ----------------------------------------- */

/* Counts an overlap when the same natural key is live under another
 * collector of the organisation. */
static int check_overlap(applier *a, const record *r, merge_stats *stats, fmt_error *err)
{
	const rec_support *x = &r->u.support;
	sqlite3_stmt *st;
	int found;

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
	st = use(a, S_OVERLAP);
	sqlite3_bind_int64(st, 1, a->from->org_id);
	sqlite3_bind_text(st, 2, x->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, DEPTS[x->dept].code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, code(&ENUM_STATUS, x->status), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, code(&ENUM_EXPLOITATION, x->exploitation), -1,
			  SQLITE_STATIC);
	sqlite3_bind_text(st, 6, code(&ENUM_SEX, x->sex), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, code(&ENUM_AGE, x->age), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, a->from->key_id, -1, SQLITE_STATIC);
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
			add_problem(pb, r, 0, "gives national id %.20s, which belongs to "
				    "organisation %lld", o->national_id, other);
			return FMT_OK;
		}
	}
	st = use(a, S_ORG_UPDATE);
	sqlite3_bind_int64(st, 1, a->from->org_id);
	sqlite3_bind_text(st, 2, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, code(&ENUM_ORG_KIND, o->kind), -1, SQLITE_STATIC);
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
	if (r->kind == REC_SUPPORT)
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
		st = use(a, S_REC_INSERT);
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
	known k;
	int rc, found = 0;

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
			return fmt_fail(err, FMT_E_DB, "record neither inserted nor found");
	}
	if (!found) {
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
		add_problem(pb, r, 0, "belongs to another collector (key %s)", k.collector);
		return FMT_OK;
	}
	if (strcmp(k.kind, record_kind_name(r->kind)) != 0) {
		add_problem(pb, r, 0, "was merged before as a record of kind %s", k.kind);
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
		add_problem(pb, r, 1, "was already merged at this version with "
			    "different content");
		return FMT_OK;
	}

	/* A newer version: replace, keeping both values in the audit. */
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
