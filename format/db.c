/*
 * db.c - opening, migrating and failing with SQLite (db.h).
 */
#include "db.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int db_fail(sqlite3 *db, int rc, const char *what, fmt_error *err)
{
	int prim = rc & 0xff;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);

	if (prim == SQLITE_BUSY || prim == SQLITE_LOCKED)
		return fmt_fail(err, FMT_E_BUSY,
				"%s: the database is busy (another Maillage command is "
				"using it); try again in a moment", what);
	if (prim == SQLITE_FULL)
		return fmt_fail_field(err, FMT_E_IO, FMT_R_DISK_FULL, NULL,
				      "%s: the disk is full (%s)", what, msg);
	if (prim == SQLITE_IOERR || prim == SQLITE_CANTOPEN || prim == SQLITE_READONLY)
		return fmt_fail(err, FMT_E_IO, "%s: %s", what, msg);
	if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
		return fmt_fail(err, FMT_E_DB, "%s: the database file is damaged or "
				"is not a Maillage database (%s)", what, msg);
	return fmt_fail(err, FMT_E_DB, "%s: %s", what, msg);
}

const char *db_field_type(const field_desc *f)
{
	switch (f->type) {
	case FT_NUMBER:
		return "INTEGER";
	case FT_HOURS:
		return "REAL";
	default:
		return "TEXT";
	}
}

int db_field_columns(const field_desc *f)
{
	return f->type == FT_CODES ? REC_DIMS_MAX : 1;
}

void db_field_column(const field_desc *f, int j, char name[32])
{
	if (f->type == FT_CODES)
		snprintf(name, 32, "%s%d", f->sql, j + 1);
	else
		snprintf(name, 32, "%s", f->sql);
}

int db_bind_field(sqlite3_stmt *st, int i, const record *r, const field_desc *f)
{
	/* A département set of 101 codes is the longest text after a note. */
	char buf[REC_NOTE_MAX + 1];
	const char *text;

	if (f->type == FT_CODES) {
		const uint8_t *n = (const uint8_t *)r + f->off;
		const char *codes = (const char *)(n + 1);
		int rc = SQLITE_OK;

		for (int j = 0; j < REC_DIMS_MAX && rc == SQLITE_OK; j++)
			rc = j < *n ? sqlite3_bind_text(st, i + j, codes + j * (REC_CODE_MAX + 1),
							-1, SQLITE_STATIC) :
				      sqlite3_bind_null(st, i + j);
		return rc;
	}
	if (!field_given(r, f))
		return sqlite3_bind_null(st, i);
	switch (f->type) {
	case FT_NUMBER:
		return sqlite3_bind_int64(st, i, field_number(r, f));
	case FT_HOURS:
		return sqlite3_bind_double(st, i, field_number(r, f) / 60.0);
	case FT_DEPTS:
	case FT_SET:
	case FT_DATE:
		field_text(r, f, buf, sizeof buf);
		return sqlite3_bind_text(st, i, buf, -1, SQLITE_TRANSIENT);
	default:
		/* Text held in the record or in the code lists: bound where
		 * it is, without a copy (see db.h). */
		text = field_text_static(r, f);
		return sqlite3_bind_text(st, i, text, -1, SQLITE_STATIC);
	}
}

int db_sql_add(char *buf, size_t cap, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used >= cap)
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(buf + *used, cap - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap - *used)
		return -1;
	*used += (size_t)n;
	return 0;
}

int db_exec(sqlite3 *db, const char *sql, fmt_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? FMT_OK : db_fail(db, rc, "database", err);
}

int db_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql, fmt_error *err)
{
	int rc = sqlite3_prepare_v2(db, sql, -1, st, NULL);

	return rc == SQLITE_OK ? FMT_OK : db_fail(db, rc, "preparing a query", err);
}

int db_begin(sqlite3 *db, fmt_error *err)
{
	/* IMMEDIATE takes the write lock now, so a second writer waits here
	 * (busy timeout) instead of failing halfway through its work. */
	int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);

	return rc == SQLITE_OK ? FMT_OK : db_fail(db, rc, "starting a transaction", err);
}

int db_commit(sqlite3 *db, fmt_error *err)
{
	int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);

	if (rc != SQLITE_OK) {
		int code = db_fail(db, rc, "saving the changes", err);
		db_rollback(db);
		return code;
	}
	return FMT_OK;
}

void db_rollback(sqlite3 *db)
{
	if (db && !sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

void db_close(sqlite3 *db)
{
	if (db)
		sqlite3_close_v2(db);
}

int db_user_version(sqlite3 *db, int *v, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "PRAGMA user_version", err);

	if (rc)
		return rc;
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		rc = db_fail(db, rc, "reading the schema version", err);
		sqlite3_finalize(st);
		return rc;
	}
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return FMT_OK;
}

int db_open(sqlite3 **out, const char *path, int create,
	    const db_migration *migrations, int n, fmt_error *err)
{
	sqlite3 *db = NULL;
	int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) |
		    SQLITE_OPEN_NOMUTEX;
	int rc, v = 0;

	*out = NULL;
	rc = sqlite3_open_v2(path, &db, flags, NULL);
	if (rc != SQLITE_OK) {
		rc = db_fail(db, rc, path, err);
		sqlite3_close_v2(db);
		return rc;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	/* WAL: readers (a report) never block the merge, and a crash leaves
	 * the last committed state.  FULL: fsync at every commit. */
	rc = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
		     "PRAGMA foreign_keys=ON; PRAGMA trusted_schema=OFF;", err);
	if (rc == FMT_OK)
		rc = db_user_version(db, &v, err);
	if (rc == FMT_OK && v > n)
		rc = fmt_fail(err, FMT_E_SCHEMA, "%s: written by a newer version of Maillage "
			      "(schema %d, this program knows %d)", path, v, n);
	for (; rc == FMT_OK && v < n; v++) {
		char sql[64];

		rc = db_begin(db, err);
		if (rc == FMT_OK)
			rc = db_exec(db, migrations[v].sql, err);
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
		if (rc == FMT_OK)
			rc = db_exec(db, sql, err);
		if (rc == FMT_OK)
			rc = db_commit(db, err);
		else
			db_rollback(db);
	}
	if (rc != FMT_OK) {
		sqlite3_close_v2(db);
		return rc;
	}
	*out = db;
	return FMT_OK;
}
