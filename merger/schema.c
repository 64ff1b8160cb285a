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

#include <stdio.h>
#include <stdlib.h>

#include "model.h"

/* Migration 1, but for the live tables (live_tables() adds them). */
static const char schema_1[] =
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
	"  kind        TEXT NOT NULL,"        /* organisation, action, count, training */
	"  version     INTEGER NOT NULL,"
	"  recorded_at INTEGER NOT NULL,"
	"  deleted     INTEGER NOT NULL,"
	"  digest      BLOB NOT NULL,"        /* of the canonical encoding: conflict check */
	"  bundle      BLOB NOT NULL) WITHOUT ROWID;"

	/* Every published edition of the questionnaire, in its canonical
	 * encoding (docs/QUESTIONNAIRE.md): the latest is what kits carry and
	 * what counts are checked against (codes are never removed, so it
	 * holds every code of the earlier ones). */
	"CREATE TABLE questionnaire ("
	"  edition   INTEGER PRIMARY KEY,"
	"  published INTEGER NOT NULL,"
	"  body      BLOB NOT NULL);"

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
	"  new_value   TEXT NOT NULL);";      /* JSON, or 'deleted' */

/* Live content, one table per built-in kind, one column per field of its
 * descriptor (format/model.c) under the field's SQL name, plus the
 * organisation and the time of the version; a row exists only while its
 * record is not deleted.  A kind with a natural key gets an index on the
 * organisation and the key, for the overlap check of the merge.  The
 * columns are those of the descriptors when this migration was written:
 * a field added later comes with a migration of its own. */
static int live_tables(char *buf, size_t cap, size_t *used)
{
	for (int kind = REC_ORG; kind <= REC_TRAINING; kind++) {
		const kind_desc *k = kind_desc_of(kind);
		int keyed = 0;

		if (db_sql_add(buf, cap, used, "CREATE TABLE %s ("
			"id BLOB PRIMARY KEY REFERENCES record(id), org_id INTEGER NOT NULL",
			k->sql))
			return -1;
		for (int i = 0; i < k->nfields; i++) {
			const field_desc *f = &k->fields[i];
			int many = db_field_columns(f) > 1;

			for (int j = 0; j < db_field_columns(f); j++) {
				char col[32];

				/* of several columns, only the first is always given */
				db_field_column(f, j, col);
				if (db_sql_add(buf, cap, used, ", \"%s\" %s%s", col,
					       db_field_type(f),
					       (f->flags & FF_REQUIRED) && (!many || j == 0) ?
					       " NOT NULL" : ""))
					return -1;
			}
			keyed |= (f->flags & FF_KEY) != 0;
		}
		if (db_sql_add(buf, cap, used, ", recorded_at INTEGER NOT NULL) WITHOUT ROWID;"))
			return -1;
		if (!keyed)
			continue;
		if (db_sql_add(buf, cap, used, "CREATE INDEX %s_key ON %s(org_id", k->sql, k->sql))
			return -1;
		for (int i = 0; i < k->nfields; i++) {
			for (int j = 0; (k->fields[i].flags & FF_KEY) &&
					j < db_field_columns(&k->fields[i]); j++) {
				char col[32];

				db_field_column(&k->fields[i], j, col);
				if (db_sql_add(buf, cap, used, ", \"%s\"", col))
					return -1;
			}
		}
		if (db_sql_add(buf, cap, used, ");"))
			return -1;
	}
	return 0;
}

/* The counts of table `victims` (the questionnaire's first table: status,
 * form of exploitation, sex, age) under the names of its dimensions, for
 * people who read the database with the sqlite3 shell. */
static const char victims_view[] =
	"CREATE VIEW support AS SELECT id, org_id, period, dept, dim1 AS status,"
	" dim2 AS exploitation, dim3 AS sex, dim4 AS age, count, recorded_at"
	" FROM count WHERE \"table\" = 'victims';";

/* Migration 2: reporting rates (docs/REPORT.md, "Reporting rates").
 * The coordinator's deadline for each period, and when each organisation
 * first sent counts for each period.  The first arrival is kept by two
 * triggers, so that the merge needs no statement of its own.  A merge
 * writes a new record's row (naming the bundle bringing it) just before
 * its count row, and the bundle's row last, in the same transaction: a
 * count inserted while its record's bundle has no row yet is new, and
 * that bundle brought it.  A newer version inserts its count row while
 * the record still names the older bundle (which has a row: the count
 * trigger leaves it), then updates the record's bundle: that trigger
 * adds the period if the version brought a new one.  The bundle row gives
 * the time.  Counts merged before this migration are filled in from the
 * bundles that brought their current versions, the earliest first. */
static const char schema_2[] =
	"CREATE TABLE deadline ("
	"  period TEXT PRIMARY KEY,"
	"  due    TEXT NOT NULL,"             /* YYYY-MM-DD: last day on time, UTC */
	"  set_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE submission ("
	"  org_id INTEGER NOT NULL,"
	"  period TEXT NOT NULL,"
	"  bundle BLOB NOT NULL,"             /* the first bundle with a count of it */
	"  PRIMARY KEY (org_id, period)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO submission(org_id, period, bundle)"
	"  SELECT c.org_id, c.period, r.bundle FROM count c"
	"  JOIN record r ON r.id = c.id JOIN bundle b ON b.id = r.bundle"
	"  ORDER BY b.merged_at, r.bundle;"
	"CREATE TRIGGER submission_count AFTER INSERT ON count BEGIN"
	"  INSERT OR IGNORE INTO submission(org_id, period, bundle)"
	"  SELECT NEW.org_id, NEW.period, r.bundle FROM record r WHERE r.id = NEW.id"
	"  AND NOT EXISTS (SELECT 1 FROM bundle b WHERE b.id = r.bundle);"
	" END;"
	"CREATE TRIGGER submission_version AFTER UPDATE OF bundle ON record"
	"  WHEN NEW.kind = 'count' BEGIN"
	"  INSERT OR IGNORE INTO submission(org_id, period, bundle)"
	"  SELECT org_id, period, NEW.bundle FROM count WHERE id = NEW.id;"
	" END;";

/* Migration 3: data quality.  Each bundle keeps the reason its field
 * worker gave for sending despite failed rules of severity error (NULL
 * when none was needed), and how many rules failed for its organisation
 * once it was merged. */
static const char schema_3[] =
	"ALTER TABLE bundle ADD COLUMN reason TEXT;"
	"ALTER TABLE bundle ADD COLUMN rule_errors INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE bundle ADD COLUMN rule_warnings INTEGER NOT NULL DEFAULT 0;";

/* Migration 4: the index on the natural key of counts also holds the
 * value and the time of each row, so that the rules of the questionnaire,
 * re-checked after each merge on the groups it changed (quality.c), read
 * a group from the index alone instead of fetching each row from the
 * table by its id: a third of the time of that check, for index entries
 * some 8 bytes longer.  The overlap check of the merge uses its leading
 * columns as before. */
static const char schema_4[] =
	"DROP INDEX count_key;"
	"CREATE INDEX count_key ON count(org_id, \"table\", period, dept,"
	"  dim1, dim2, dim3, dim4, count, recorded_at);";

const db_migration *merger_migrations(int *n)
{
	static char sql[sizeof schema_1 + 4096];
	static db_migration migrations[4];
	size_t used = 0;

	if (!migrations[0].sql) {
		if (db_sql_add(sql, sizeof sql, &used, "%s", schema_1) ||
		    live_tables(sql, sizeof sql, &used) ||
		    db_sql_add(sql, sizeof sql, &used, "%s", victims_view))
			abort();        /* the buffer is sized for the model */
		migrations[0].sql = sql;
		migrations[1].sql = schema_2;
		migrations[2].sql = schema_3;
		migrations[3].sql = schema_4;
	}
	*n = (int)(sizeof migrations / sizeof migrations[0]);
	return migrations;
}
