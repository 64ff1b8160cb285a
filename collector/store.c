/*
 * store.c - the collector's local database, store.db (store.h).
 *
 * Schema (migration 1):
 *
 *   record   one row per record, at its latest version:
 *              id            16-byte random id (unique)
 *              kind          1 organisation, 2 action, 3 support, 4 training
 *              version       grows by one at every change (edit, delete)
 *              recorded_at   unix time of this version
 *              deleted       1 for a tombstone
 *              acked_version highest version the coordinator's receipts
 *                            acknowledged (0: never)
 *              natkey        kinds with a natural key (model.h, FF_KEY): its
 *                            fields in codes, "period|dept|status|...", kept on tombstones so that
 *                            recording the same key again revives the record
 *              body          the canonical encoding (record_encode): the one
 *                            truth, decoded and validated on every read
 *   history  every earlier version (id, version, recorded_at, deleted,
 *            body): nothing typed is ever lost, even when replaced
 *   export   one row per bundle written: seq, bundle id, time, records,
 *            whether --full, path
 *   receipt  one row per receipt applied, keyed by bundle id: a receipt
 *            seen twice is recognised
 *   meta     key/value facts (key ids, creation time)
 *
 * Indexes keep the common commands independent of the size of the store:
 * the unique id (edit, delete, receipts, prefix look-up as a range), the
 * support natural key (add support looks one key up, no scan; a partial
 * unique index guarantees one live record per key), and a partial index
 * on records whose version is not acknowledged (export and status read
 * only the pending ones, so their cost grows with the changes, not with
 * the store).
 *
 * Statements are prepared once per run, on first use, and reused.
 */
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fields.h"

static const db_migration migrations[] = {
	{ /* 1: initial schema */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE record ("
	"  rid           INTEGER PRIMARY KEY,"
	"  id            BLOB NOT NULL UNIQUE CHECK (length(id) = 16),"
	"  kind          INTEGER NOT NULL CHECK (kind BETWEEN 1 AND 4),"
	"  version       INTEGER NOT NULL CHECK (version >= 1),"
	"  recorded_at   INTEGER NOT NULL,"
	"  deleted       INTEGER NOT NULL CHECK (deleted IN (0, 1)),"
	"  acked_version INTEGER NOT NULL DEFAULT 0,"
	"  natkey        TEXT,"
	"  body          BLOB NOT NULL);"
	"CREATE INDEX record_pending ON record(kind) WHERE version > acked_version;"
	"CREATE INDEX record_natkey ON record(natkey) WHERE natkey IS NOT NULL;"
	"CREATE UNIQUE INDEX record_natkey_live ON record(natkey)"
	"  WHERE natkey IS NOT NULL AND deleted = 0;"
	"CREATE INDEX record_kind ON record(kind, deleted);"
	"CREATE TABLE history ("
	"  id          BLOB NOT NULL,"
	"  version     INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  deleted     INTEGER NOT NULL,"
	"  body        BLOB NOT NULL,"
	"  PRIMARY KEY (id, version)) WITHOUT ROWID;"
	"CREATE TABLE export ("
	"  seq       INTEGER PRIMARY KEY,"
	"  bundle_id BLOB NOT NULL UNIQUE,"
	"  created   INTEGER NOT NULL,"
	"  records   INTEGER NOT NULL,"
	"  full      INTEGER NOT NULL,"
	"  path      TEXT NOT NULL);"
	"CREATE TABLE receipt ("
	"  bundle_id   BLOB PRIMARY KEY,"
	"  seq         INTEGER NOT NULL,"
	"  bundle_hash BLOB NOT NULL,"
	"  merged_at   INTEGER NOT NULL,"
	"  applied_at  INTEGER NOT NULL,"
	"  entries     INTEGER NOT NULL,"
	"  acked       INTEGER NOT NULL,"
	"  file        TEXT NOT NULL) WITHOUT ROWID;"
	},
};

enum {
	Q_GET, Q_PREFIX, Q_NATKEY, Q_TABLE_USED, Q_ORG, Q_HISTORY, Q_PUT,
	Q_LIVE, Q_LIVE_KIND, Q_PENDING, Q_PENDING_KIND, Q_ALL, Q_ALL_KIND, Q_COUNTS,
	Q_LIVE_RANGE, Q_PENDING_KEYS,
	Q_NEXT_SEQ, Q_ADD_EXPORT, Q_FORGET_EXPORT, Q_LAST_EXPORT,
	Q_FIND_RECEIPT, Q_ADD_RECEIPT, Q_LAST_RECEIPT, Q_ACK, Q_ACK_GET, Q_META, Q_META_GET,
	Q_COUNT
};

static const char *const sql[Q_COUNT] = {
	[Q_GET] = "SELECT body, acked_version FROM record WHERE id = ?1",
	[Q_PREFIX] = "SELECT id FROM record WHERE id BETWEEN ?1 AND ?2 UNION "
		     "SELECT id FROM record WHERE ?3 < 32 AND substr(id, -length(?5)) = ?5 "
		     "AND substr(hex(id), -?3) = upper(?4) LIMIT 2",
	[Q_NATKEY] = "SELECT body, acked_version FROM record WHERE natkey = ?1 "
		     "ORDER BY deleted, recorded_at DESC, rid DESC LIMIT 1",
	/* A count's natural key starts with its table's code and a '|'
	 * ('|' + 1 is '}'): a range of the natkey index. */
	[Q_TABLE_USED] = "SELECT 1 FROM record WHERE natkey >= ?1 || '|' AND natkey < ?1 || '}' "
			 "AND deleted = 0 LIMIT 1",
	[Q_ORG] = "SELECT body, acked_version FROM record WHERE kind = 1 "
		  "ORDER BY rid LIMIT 1",
	[Q_HISTORY] = "INSERT OR IGNORE INTO history(id, version, recorded_at, deleted, body) "
		      "SELECT id, version, recorded_at, deleted, body FROM record WHERE id = ?1",
	[Q_PUT] = "INSERT INTO record(id, kind, version, recorded_at, deleted, natkey, body) "
		  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
		  "ON CONFLICT(id) DO UPDATE SET version = excluded.version, "
		  "recorded_at = excluded.recorded_at, deleted = excluded.deleted, "
		  "natkey = coalesce(excluded.natkey, record.natkey), body = excluded.body "
		  "WHERE excluded.version > record.version AND excluded.kind = record.kind",
	[Q_LIVE] = "SELECT body, acked_version FROM record WHERE deleted = 0 "
		   "ORDER BY kind, rid",
	[Q_LIVE_KIND] = "SELECT body, acked_version FROM record WHERE kind = ?1 AND deleted = 0 "
			"ORDER BY rid",
	[Q_PENDING] = "SELECT body, acked_version FROM record WHERE version > acked_version "
		      "ORDER BY kind, rid",
	[Q_PENDING_KIND] = "SELECT body, acked_version FROM record "
			   "WHERE version > acked_version AND kind = ?1 ORDER BY rid",
	[Q_ALL] = "SELECT body, acked_version FROM record ORDER BY kind, rid",
	[Q_ALL_KIND] = "SELECT body, acked_version FROM record WHERE kind = ?1 ORDER BY rid",
	[Q_COUNTS] = "SELECT kind, count(*) FROM record WHERE version > acked_version "
		     "GROUP BY kind",
	/* A range of the index of live natural keys. */
	[Q_LIVE_RANGE] = "SELECT body, acked_version FROM record WHERE natkey >= ?1 "
			 "AND natkey < ?2 AND deleted = 0 ORDER BY natkey",
	/* A tombstone keeps the natural key of what it deleted (store_put).
	 * Through the index of pending records, which SQLite's planner would
	 * pass over for the index of kinds: a walk of the whole store. */
	[Q_PENDING_KEYS] = "SELECT natkey FROM record INDEXED BY record_pending "
			   "WHERE version > acked_version AND kind = ?1",
	[Q_NEXT_SEQ] = "SELECT coalesce(max(seq), 0) + 1 FROM export",
	[Q_ADD_EXPORT] = "INSERT INTO export(seq, bundle_id, created, records, full, path) "
			 "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_FORGET_EXPORT] = "DELETE FROM export WHERE seq = ?1",
	[Q_LAST_EXPORT] = "SELECT seq, bundle_id, created, records, full, path FROM export "
			  "ORDER BY seq DESC LIMIT 1",
	[Q_FIND_RECEIPT] = "SELECT bundle_id, seq, bundle_hash, merged_at, applied_at, entries, "
			   "acked, file FROM receipt WHERE bundle_id = ?1",
	[Q_ADD_RECEIPT] = "INSERT INTO receipt(bundle_id, seq, bundle_hash, merged_at, "
			  "applied_at, entries, acked, file) "
			  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[Q_LAST_RECEIPT] = "SELECT bundle_id, seq, bundle_hash, merged_at, applied_at, entries, "
			   "acked, file FROM receipt ORDER BY applied_at DESC, seq DESC LIMIT 1",
	[Q_ACK] = "UPDATE record SET acked_version = min(?2, version) "
		  "WHERE id = ?1 AND acked_version < min(?2, version)",
	[Q_ACK_GET] = "SELECT 1 FROM record WHERE id = ?1",
	[Q_META] = "INSERT INTO meta(key, value) VALUES (?1, ?2) "
		   "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
	[Q_META_GET] = "SELECT value FROM meta WHERE key = ?1",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[Q_COUNT];
	int have_prefix;                        /* id_prefix read from meta */
	uint8_t id_prefix[REC_ID_PREFIX_BYTES];
};

/* The statement q, prepared on first use, reset and ready for binding. */
static int stmt(store *s, int q, sqlite3_stmt **out, fmt_error *err)
{
	int rc;

	if (!s->st[q]) {
		rc = db_prepare(s->db, &s->st[q], sql[q], err);
		if (rc != FMT_OK)
			return rc;
	}
	sqlite3_reset(s->st[q]);
	sqlite3_clear_bindings(s->st[q]);
	*out = s->st[q];
	return FMT_OK;
}

/* Resets st so that it holds no lock, and returns rc. */
static int done(sqlite3_stmt *st, int rc)
{
	sqlite3_reset(st);
	return rc;
}

/* Steps st, a bound statement that returns no row, to its end and resets
 * it.  Fails with the database's error, the detail naming `what` ("saving
 * the record"). */
static int run(store *s, sqlite3_stmt *st, const char *what, fmt_error *err)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, what, err));
	return done(st, FMT_OK);
}

static int open_common(store **out, const char *path, int create, fmt_error *err)
{
	store *s;
	int rc;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (!s)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	rc = db_open(&s->db, path, create, migrations,
		     (int)(sizeof migrations / sizeof migrations[0]), err);
	if (rc != FMT_OK) {
		free(s);
		return rc;
	}
	*out = s;
	return FMT_OK;
}

int store_create(store **s, const char *path, fmt_error *err)
{
	return open_common(s, path, 1, err);
}

int store_open(store **s, const char *path, fmt_error *err)
{
	return open_common(s, path, 0, err);
}

void store_close(store *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	db_close(s->db);
	free(s);
}

int store_begin(store *s, fmt_error *err)
{
	return db_begin(s->db, err);
}

int store_begin_read(store *s, fmt_error *err)
{
	return db_exec(s->db, "BEGIN DEFERRED", err);
}

int store_commit(store *s, fmt_error *err)
{
	return db_commit(s->db, err);
}

void store_rollback(store *s)
{
	if (s)
		db_rollback(s->db);
}

/* Decodes the current row of st (body, acked_version) into *out.  A body
 * that does not decode means the file was damaged or edited by hand. */
static int row_record(sqlite3_stmt *st, stored *out, fmt_error *err)
{
	const void *body = sqlite3_column_blob(st, 0);
	int len = sqlite3_column_bytes(st, 0);
	fmt_error sub;

	if (!body || record_decode(body, (size_t)len, &out->rec, &sub) != FMT_OK)
		return fmt_fail(err, FMT_E_DB, "a record of the store is damaged (%s)",
				body ? sub.detail : "empty");
	out->acked = (uint32_t)sqlite3_column_int64(st, 1);
	return FMT_OK;
}

/* Steps a statement expected to return at most one record row. */
static int one_record(store *s, sqlite3_stmt *st, stored *out, const char *what,
		      fmt_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return done(st, FMT_DONE);
	if (rc != SQLITE_ROW)
		return done(st, db_fail(s->db, rc, what, err));
	return done(st, row_record(st, out, err));
}

int store_get(store *s, const uint8_t id[16], stored *out, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_GET, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	return one_record(s, st, out, "reading a record", err);
}

int store_find_short(store *s, const char *hex, uint8_t id[16], int *ambiguous,
		     fmt_error *err)
{
	uint8_t lo[16], hi[16], tail[16];
	size_t n = strlen(hex), i, k;
	sqlite3_stmt *st;
	int rc, v, found = 0;

	*ambiguous = 0;
	if (n < 6 || n > 32)
		return fmt_fail(err, FMT_E_FIELD, "an id is 6 to 32 hex digits");
	/* The ids starting with the digits are exactly those between the
	 * digits padded with zero bits and the digits padded with one bits:
	 * a range on the unique index, whatever the size of the store.  The
	 * ids ending with them take a scan, which compares the whole bytes
	 * at the end (tail) before spelling any id in hex: 10 ms for 100,000
	 * records.  The end is what `collector list` shows, since ids made
	 * together share their start (their creation time). */
	memset(lo, 0x00, sizeof lo);
	memset(hi, 0xff, sizeof hi);
	for (i = 0; i < n; i++) {
		if ((v = hex_digit(hex[i])) < 0)
			return fmt_fail(err, FMT_E_FIELD, "an id is made of hex digits");
		if (i % 2 == 0) {
			lo[i / 2] = (uint8_t)(v << 4);
			hi[i / 2] = (uint8_t)(v << 4 | 0x0f);
		} else {
			lo[i / 2] = (uint8_t)(lo[i / 2] | v);
			hi[i / 2] = (uint8_t)((hi[i / 2] & 0xf0) | v);
		}
	}
	k = n / 2;
	for (i = 0; i < k; i++)
		tail[i] = (uint8_t)(hex_digit(hex[n - 2 * k + 2 * i]) << 4 |
				    hex_digit(hex[n - 2 * k + 2 * i + 1]));
	if ((rc = stmt(s, Q_PREFIX, &st, err)))
		return rc;
	sqlite3_bind_blob(st, 1, lo, 16, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 2, hi, 16, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, (int)n);
	sqlite3_bind_text(st, 4, hex, (int)n, SQLITE_TRANSIENT);
	sqlite3_bind_blob(st, 5, tail, (int)k, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (found++ == 0 && sqlite3_column_bytes(st, 0) == 16)
			memcpy(id, sqlite3_column_blob(st, 0), 16);
	}
	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "looking an id up", err));
	*ambiguous = found > 1;
	return done(st, found ? FMT_OK : FMT_DONE);
}

int store_find_natkey(store *s, const record *k, stored *out, fmt_error *err)
{
	char key[NATKEY_CAP];
	sqlite3_stmt *st;
	int rc = stmt(s, Q_NATKEY, &st, err);

	if (rc)
		return rc;
	record_natkey(k, key);
	if (!key[0])
		return FMT_DONE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
	return one_record(s, st, out, "looking a count up", err);
}

int store_table_used(store *s, const char *table, int *used, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_TABLE_USED, &st, err);

	*used = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*used = 1;
		return done(st, FMT_OK);
	}
	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "looking for counts", err));
	return done(st, FMT_OK);
}

int store_org(store *s, stored *out, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_ORG, &st, err);

	if (rc)
		return rc;
	rc = one_record(s, st, out, "reading the organisation", err);
	if (rc == FMT_DONE)
		return fmt_fail(err, FMT_E_DB, "the organisation record is missing from the store");
	return rc;
}

int store_put(store *s, const record *r, fmt_error *err)
{
	uint8_t body[REC_ENCODED_MAX];
	char key[NATKEY_CAP];
	sqlite3_stmt *st;
	size_t len;
	int rc;

	rc = record_encode(r, body, sizeof body, &len, err);
	if (rc != FMT_OK)
		return rc;
	if ((rc = stmt(s, Q_HISTORY, &st, err)))
		return rc;
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	if ((rc = run(s, st, "saving the previous version", err)))
		return rc;

	if ((rc = stmt(s, Q_PUT, &st, err)))
		return rc;
	sqlite3_bind_blob(st, 1, r->id, 16, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->kind);
	sqlite3_bind_int64(st, 3, r->version);
	sqlite3_bind_int64(st, 4, r->recorded_at);
	sqlite3_bind_int(st, 5, r->deleted);
	record_natkey(r, key);
	if (key[0] && !r->deleted) {
		sqlite3_bind_text(st, 6, key, -1, SQLITE_TRANSIENT);
	} else {
		sqlite3_bind_null(st, 6);
	}
	sqlite3_bind_blob(st, 7, body, (int)len, SQLITE_STATIC);
	if ((rc = run(s, st, "saving the record", err)))
		return rc;
	/* No row changed: an older or equal version, or a change of kind.
	 * The commands never ask for that; refuse rather than lose a write. */
	if (sqlite3_changes(s->db) != 1)
		return fmt_fail(err, FMT_E_DB, "record version %u is not newer than the stored one",
				r->version);
	return FMT_OK;
}

/* Calls fn for each record row of st (bound, ready), then resets st. */
static int walk(store *s, sqlite3_stmt *st, store_fn fn, void *ctx, fmt_error *err)
{
	stored *sr;
	int rc;

	/* A record is about 3 KiB: on the heap, not on the stack. */
	sr = malloc(sizeof *sr);
	if (!sr)
		return done(st, fmt_fail(err, FMT_E_NOMEM, "out of memory"));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		rc = row_record(st, sr, err);
		if (rc == FMT_OK)
			rc = fn(ctx, sr, err);
		if (rc != FMT_OK) {
			free(sr);
			return done(st, rc);
		}
	}
	free(sr);
	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "reading the records", err));
	return done(st, FMT_OK);
}

int store_each(store *s, int kind, enum store_which which, store_fn fn, void *ctx,
	       fmt_error *err)
{
	static const int q_all[] = { Q_LIVE, Q_PENDING, Q_ALL };
	static const int q_kind[] = { Q_LIVE_KIND, Q_PENDING_KIND, Q_ALL_KIND };
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(s, kind ? q_kind[which] : q_all[which], &st, err)))
		return rc;
	if (kind)
		sqlite3_bind_int(st, 1, kind);
	return walk(s, st, fn, ctx, err);
}

int store_each_natkey(store *s, const char *prefix, store_fn fn, void *ctx, fmt_error *err)
{
	char hi[NATKEY_CAP + 1];
	size_t len = strlen(prefix);
	sqlite3_stmt *st;
	int rc;

	/* Every key starting with prefix sorts before prefix with its last
	 * byte raised by one (a '|', raised to '}'). */
	if (!len || len >= sizeof hi || (unsigned char)prefix[len - 1] == 0xff)
		return fmt_fail(err, FMT_E_FIELD, "not a natural key prefix");
	memcpy(hi, prefix, len + 1);
	hi[len - 1]++;
	if ((rc = stmt(s, Q_LIVE_RANGE, &st, err)))
		return rc;
	sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	return walk(s, st, fn, ctx, err);
}

int store_pending_groups(store *s, qn_groups *g, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if ((rc = stmt(s, Q_PENDING_KEYS, &st, err)))
		return rc;
	sqlite3_bind_int(st, 1, REC_COUNT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* "table|period|dept|value..." */
		const char *k = (const char *)sqlite3_column_text(st, 0);
		const char *p = k ? strchr(k, '|') : NULL;
		const char *d = p ? strchr(p + 1, '|') : NULL;
		const char *e = d ? strchr(d + 1, '|') : NULL;
		char period[REC_PERIOD_MAX + 1], dept[4];
		int di;

		if (!e || d - p - 1 > REC_PERIOD_MAX || e - d - 1 >= (long)sizeof dept)
			return done(st, fmt_fail(err, FMT_E_DB, "a count of the store has a "
						 "damaged natural key"));
		memcpy(period, p + 1, (size_t)(d - p - 1));
		period[d - p - 1] = '\0';
		memcpy(dept, d + 1, (size_t)(e - d - 1));
		dept[e - d - 1] = '\0';
		if ((di = dept_find(dept)) < 0)
			return done(st, fmt_fail(err, FMT_E_DB, "a count of the store has a "
						 "damaged natural key"));
		if (qn_groups_add(g, period, (uint8_t)di) != 0)
			return done(st, fmt_fail(err, FMT_E_NOMEM, "out of memory"));
	}
	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "reading the records", err));
	return done(st, FMT_OK);
}

int store_pending_counts(store *s, unsigned counts[5], fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_COUNTS, &st, err), k;

	if (rc)
		return rc;
	memset(counts, 0, 5 * sizeof counts[0]);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = sqlite3_column_int(st, 0);
		if (k >= 1 && k <= 4)
			counts[k] = (unsigned)sqlite3_column_int64(st, 1);
	}
	if (rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "counting the pending changes", err));
	return done(st, FMT_OK);
}

int store_next_seq(store *s, uint64_t *seq, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_NEXT_SEQ, &st, err);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return done(st, db_fail(s->db, rc, "numbering the export", err));
	*seq = (uint64_t)sqlite3_column_int64(st, 0);
	return done(st, FMT_OK);
}

int store_add_export(store *s, const export_row *e, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_ADD_EXPORT, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)e->seq);
	sqlite3_bind_blob(st, 2, e->bundle_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, e->created);
	sqlite3_bind_int64(st, 4, e->records);
	sqlite3_bind_int(st, 5, e->full);
	sqlite3_bind_text(st, 6, e->path, -1, SQLITE_STATIC);
	return run(s, st, "recording the export", err);
}

int store_forget_export(store *s, uint64_t seq, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = db_begin(s->db, err);

	if (rc == FMT_OK)
		rc = stmt(s, Q_FORGET_EXPORT, &st, err);
	if (rc == FMT_OK) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)seq);
		rc = run(s, st, "forgetting the export", err);
	}
	if (rc == FMT_OK)
		return db_commit(s->db, err);
	db_rollback(s->db);
	return rc;
}

static void copy_text(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

static void copy_blob(uint8_t *dst, size_t n, sqlite3_stmt *st, int col)
{
	memset(dst, 0, n);
	if ((size_t)sqlite3_column_bytes(st, col) == n)
		memcpy(dst, sqlite3_column_blob(st, col), n);
}

int store_last_export(store *s, export_row *e, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_LAST_EXPORT, &st, err);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return done(st, FMT_DONE);
	if (rc != SQLITE_ROW)
		return done(st, db_fail(s->db, rc, "reading the exports", err));
	e->seq = (uint64_t)sqlite3_column_int64(st, 0);
	copy_blob(e->bundle_id, 16, st, 1);
	e->created = sqlite3_column_int64(st, 2);
	e->records = (uint32_t)sqlite3_column_int64(st, 3);
	e->full = sqlite3_column_int(st, 4);
	copy_text(e->path, sizeof e->path, sqlite3_column_text(st, 5));
	return done(st, FMT_OK);
}

static void row_receipt(sqlite3_stmt *st, receipt_row *r)
{
	copy_blob(r->bundle_id, 16, st, 0);
	r->seq = (uint64_t)sqlite3_column_int64(st, 1);
	copy_blob(r->bundle_hash, 32, st, 2);
	r->merged_at = sqlite3_column_int64(st, 3);
	r->applied_at = sqlite3_column_int64(st, 4);
	r->entries = (uint32_t)sqlite3_column_int64(st, 5);
	r->acked = (uint32_t)sqlite3_column_int64(st, 6);
	copy_text(r->file, sizeof r->file, sqlite3_column_text(st, 7));
}

/* Steps a statement expected to return at most one receipt row: FMT_DONE
 * when there is none, *out filled on FMT_OK.  Resets st either way. */
static int one_receipt(store *s, sqlite3_stmt *st, receipt_row *out, fmt_error *err)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_DONE)
		return done(st, FMT_DONE);
	if (rc != SQLITE_ROW)
		return done(st, db_fail(s->db, rc, "reading the receipts", err));
	row_receipt(st, out);
	return done(st, FMT_OK);
}

int store_find_receipt(store *s, const uint8_t bundle_id[16], receipt_row *out,
		       fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_FIND_RECEIPT, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, bundle_id, 16, SQLITE_STATIC);
	return one_receipt(s, st, out, err);
}

int store_add_receipt(store *s, const receipt_row *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_ADD_RECEIPT, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, r->bundle_id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)r->seq);
	sqlite3_bind_blob(st, 3, r->bundle_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->merged_at);
	sqlite3_bind_int64(st, 5, r->applied_at);
	sqlite3_bind_int64(st, 6, r->entries);
	sqlite3_bind_int64(st, 7, r->acked);
	sqlite3_bind_text(st, 8, r->file, -1, SQLITE_STATIC);
	return run(s, st, "recording the receipt", err);
}

int store_last_receipt(store *s, receipt_row *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_LAST_RECEIPT, &st, err);

	if (rc)
		return rc;
	return one_receipt(s, st, r, err);
}

int store_ack(store *s, const uint8_t id[16], uint32_t version, int *changed,
	      int *known, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_ACK, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, version);
	if ((rc = run(s, st, "applying the receipt", err)))
		return rc;
	*changed = sqlite3_changes(s->db) == 1;
	*known = 1;
	if (*changed)
		return FMT_OK;
	if ((rc = stmt(s, Q_ACK_GET, &st, err)))
		return rc;
	sqlite3_bind_blob(st, 1, id, 16, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return done(st, db_fail(s->db, rc, "applying the receipt", err));
	*known = rc == SQLITE_ROW;
	return done(st, FMT_OK);
}

int store_meta_set(store *s, const char *key, const char *value, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = stmt(s, Q_META, &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return run(s, st, "saving the store's details", err);
}

int store_new_id(store *s, record *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	if (!s->have_prefix) {
		if ((rc = stmt(s, Q_META_GET, &st, err)))
			return rc;
		sqlite3_bind_text(st, 1, "collector_key_id", -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return done(st, db_fail(s->db, rc, "reading the store's details", err));
		/* Without a key id (a store damaged by hand), ids start with
		 * zeros: still unique, only less well grouped. */
		record_id_prefix(rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) :
				 NULL, s->id_prefix);
		done(st, FMT_OK);
		s->have_prefix = 1;
	}
	record_new_id(r, s->id_prefix);
	return FMT_OK;
}
