/*
 * db.h - the one way both programs open and evolve a SQLite database.
 *
 * db_open() sets what every Maillage database needs: WAL journal,
 * synchronous=FULL (a committed merge survives a power cut), foreign
 * keys, a busy timeout (a second process waits, then gets FMT_E_BUSY),
 * and applies the schema migrations the caller hands it, each in its own
 * transaction, recording the schema version in PRAGMA user_version.
 *
 * Messages carry SQLite's own words (sqlite3_errmsg), never a bare code.
 */
#ifndef MAILLAGE_DB_H
#define MAILLAGE_DB_H

#include <sqlite3.h>

#include "error.h"
#include "model.h"

#define DB_BUSY_TIMEOUT_MS 10000  /* a merge of a large bundle takes seconds, not minutes */

/* A migration takes the schema from version index to index+1. */
typedef struct db_migration {
	const char *sql;          /* one or more statements */
} db_migration;

/* Opens (create = 1: creates) path, applies the pragmas, then the
 * migrations whose index >= the file's user_version.  Refuses a file
 * whose version is newer than n (FMT_E_SCHEMA: "written by a newer
 * Maillage"), or that is not a SQLite database.  On failure *db is NULL. */
int db_open(sqlite3 **db, const char *path, int create,
	    const db_migration *migrations, int n, fmt_error *err);

/* The schema version of db (PRAGMA user_version) into *v. */
int db_user_version(sqlite3 *db, int *v, fmt_error *err);

/* Closes; accepts NULL. */
void db_close(sqlite3 *db);

/* Runs sql (no parameters) and fails with the database's message. */
int db_exec(sqlite3 *db, const char *sql, fmt_error *err);

/* Prepares sql; FMT_E_DB on failure. */
int db_prepare(sqlite3 *db, sqlite3_stmt **st, const char *sql, fmt_error *err);

/* Turns the database's last error into err: FMT_E_BUSY for
 * SQLITE_BUSY/SQLITE_LOCKED ("the database is busy: another ... is
 * running"), FMT_E_IO for SQLITE_FULL/SQLITE_IOERR, FMT_E_DB otherwise.
 * what names the operation ("saving the record"). Returns the code. */
int db_fail(sqlite3 *db, int rc, const char *what, fmt_error *err);

/* The SQL type of the column of field f: "TEXT", "INTEGER" or "REAL". */
const char *db_field_type(const field_desc *f);

/* How many SQL columns hold field f: one, but REC_DIMS_MAX for FT_CODES,
 * one code each, named f->sql then 1, 2, ... ("dim1"), NULL when unused.
 * *name receives the column name of the j-th (0-based). */
int db_field_columns(const field_desc *f);
void db_field_column(const field_desc *f, int j, char name[32]);

/* Binds field f of r to parameters i.. of st (db_field_columns() of them):
 * its canonical text (codes, comma-separated codes for sets, YYYY-MM-DD),
 * whole numbers as integers, hours as a decimal number; NULL when the
 * field is not given.  Text that r or a code list holds is bound where it
 * is, without a copy (SQLITE_STATIC): r must stay as it is until st has
 * been stepped and its bindings cleared or replaced.  Returns SQLite's
 * result code. */
int db_bind_field(sqlite3_stmt *st, int i, const record *r, const field_desc *f);

/* Appends printf-style text to the SQL being built in buf[0..cap) at
 * *used (statements made from the field descriptors).  Returns 0, or -1
 * when it does not fit, buf then holding a cut statement. */
int db_sql_add(char *buf, size_t cap, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK (rollback never fails loudly). */
int db_begin(sqlite3 *db, fmt_error *err);
int db_commit(sqlite3 *db, fmt_error *err);
void db_rollback(sqlite3 *db);

#endif
