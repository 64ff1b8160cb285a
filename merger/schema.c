/*
 * schema.c - the national database: its tables, and the migrations that
 * build them.  docs/SCHEMA.md describes every table for people who read
 * the database with the sqlite3 shell; keep the two in step.
 *
 * Codes (départements, enumerations) are stored as their ASCII codes, not
 * as indexes, so that the database reads plainly and survives a change of
 * the compiled tables.  Record ids are 16-byte blobs; key ids 16 hex chars.
 */
#include "schema.h"

static const db_migration migrations[] = {
	{ /* 1: initial schema */
	"CREATE TABLE meta ("
	"  key   TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);"

	/* An organisation: created at enrollment, its profile then kept up to
	 * date from the newest organisation record its collectors send. */
	"CREATE TABLE organisation ("
	"  id          INTEGER PRIMARY KEY,"
	"  name        TEXT NOT NULL,"
	"  kind        TEXT NOT NULL,"
	"  national_id TEXT,"                 /* SIREN / RNA, NULL when not given */
	"  email       TEXT, phone TEXT, website TEXT,"
	"  profile_at  INTEGER NOT NULL,"     /* recorded_at of the profile in use */
	"  created_at  INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX organisation_national_id ON organisation(national_id)"
	"  WHERE national_id IS NOT NULL;"
	"CREATE TABLE organisation_dept ("
	"  org_id INTEGER NOT NULL REFERENCES organisation(id),"
	"  dept   TEXT NOT NULL,"
	"  PRIMARY KEY (org_id, dept)) WITHOUT ROWID;"

	"CREATE TABLE collector ("
	"  key_id      TEXT PRIMARY KEY,"
	"  sign_pk     BLOB NOT NULL UNIQUE,"
	"  box_pk      BLOB NOT NULL,"
	"  org_id      INTEGER NOT NULL REFERENCES organisation(id),"
	"  enrolled_at INTEGER NOT NULL,"
	"  revoked_at  INTEGER,"
	"  last_seq    INTEGER,"
	"  last_bundle_at INTEGER);"

	/* One row per merged bundle, written in the same transaction as its
	 * records: merging the same bundle again finds it here. */
	"CREATE TABLE bundle ("
	"  id         BLOB PRIMARY KEY,"
	"  collector  TEXT NOT NULL REFERENCES collector(key_id),"
	"  seq        INTEGER NOT NULL,"
	"  file_hash  BLOB NOT NULL,"
	"  created    INTEGER NOT NULL,"
	"  merged_at  INTEGER NOT NULL,"
	"  records    INTEGER NOT NULL,"
	"  inserted   INTEGER NOT NULL, updated INTEGER NOT NULL,"
	"  unchanged  INTEGER NOT NULL, deleted INTEGER NOT NULL) WITHOUT ROWID;"

	/* Every record ever merged, at its newest version (tombstones kept, so
	 * that an older version arriving later is recognised as older). */
	"CREATE TABLE record ("
	"  id          BLOB PRIMARY KEY,"
	"  collector   TEXT NOT NULL REFERENCES collector(key_id),"
	"  org_id      INTEGER NOT NULL REFERENCES organisation(id),"
	"  kind        TEXT NOT NULL,"        /* organisation, action, support, training */
	"  version     INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  deleted     INTEGER NOT NULL,"
	"  digest      BLOB NOT NULL,"        /* of the canonical encoding: conflict check */
	"  bundle      BLOB NOT NULL) WITHOUT ROWID;"

	/* Live content, one table per kind; a row exists only while its
	 * record is not deleted. */
	"CREATE TABLE support ("
	"  id          BLOB PRIMARY KEY REFERENCES record(id),"
	"  org_id      INTEGER NOT NULL,"
	"  period      TEXT NOT NULL,"
	"  dept        TEXT NOT NULL,"
	"  status      TEXT NOT NULL,"
	"  exploitation TEXT NOT NULL,"
	"  sex         TEXT NOT NULL,"
	"  age         TEXT NOT NULL,"
	"  count       INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX support_key ON support(org_id, period, dept, status,"
	"  exploitation, sex, age);"
	"CREATE TABLE action ("
	"  id          BLOB PRIMARY KEY REFERENCES record(id),"
	"  org_id      INTEGER NOT NULL,"
	"  dept        TEXT NOT NULL,"
	"  type        TEXT NOT NULL,"
	"  start_date  TEXT NOT NULL,"        /* YYYY-MM-DD */
	"  end_date    TEXT,"
	"  publics     TEXT NOT NULL,"        /* comma-separated codes */
	"  exploitation TEXT NOT NULL,"
	"  people      INTEGER,"
	"  partners    TEXT NOT NULL,"
	"  note        TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE training ("
	"  id          BLOB PRIMARY KEY REFERENCES record(id),"
	"  org_id      INTEGER NOT NULL,"
	"  date        TEXT NOT NULL,"
	"  dept        TEXT NOT NULL,"
	"  audiences   TEXT NOT NULL,"
	"  participants INTEGER NOT NULL,"
	"  minutes     INTEGER,"
	"  exploitation TEXT NOT NULL,"
	"  note        TEXT NOT NULL) WITHOUT ROWID;"
	/* The organisation records as sent (one per collector). */
	"CREATE TABLE profile ("
	"  id          BLOB PRIMARY KEY REFERENCES record(id),"
	"  org_id      INTEGER NOT NULL,"
	"  name        TEXT NOT NULL,"
	"  kind        TEXT NOT NULL,"
	"  depts       TEXT NOT NULL,"
	"  email TEXT NOT NULL, phone TEXT NOT NULL, website TEXT NOT NULL,"
	"  national_id TEXT NOT NULL,"
	"  recorded_at INTEGER NOT NULL) WITHOUT ROWID;"

	/* Every replaced or deleted value: what it was, what it became, which
	 * bundle did it and when.  A first insertion is not audited: the
	 * record row names the bundle that brought it. */
	"CREATE TABLE audit ("
	"  seq         INTEGER PRIMARY KEY,"
	"  record_id   BLOB NOT NULL,"
	"  bundle      BLOB NOT NULL,"
	"  at          INTEGER NOT NULL,"
	"  old_version INTEGER NOT NULL,"
	"  new_version INTEGER NOT NULL,"
	"  old_value   TEXT NOT NULL,"        /* JSON of the fields */
	"  new_value   TEXT NOT NULL);"       /* JSON, or 'deleted' */
	},
};

const db_migration *merger_migrations(int *n)
{
	*n = (int)(sizeof migrations / sizeof migrations[0]);
	return migrations;
}
