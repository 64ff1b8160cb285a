/*
 * history.c - `merger history`: the audit trail that every merge keeps
 * (table audit, docs/SCHEMA.md), shown count by count: which count
 * changed, from what to what, by which collector of which organisation,
 * from which bundle, when it was merged.  In the manner of DHIS2's data
 * value audit.
 *
 * An audit row holds the replaced and the new value of a record as the
 * JSON of its live row ("deleted" when there is none); the count's table,
 * period, département and codes are read from it with SQLite's JSON
 * functions, the bundle, collector and organisation by joining the bundle
 * that made the change.  The first value of a count is not a change: it
 * shows as the "from" of its first change.
 */
#include "merger.h"
#include "cli.h"
#include "output.h"
#include "report_cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "db.h"
#include "refdata.h"
#include "textout.h"

/* One row per change of a count, oldest first.  o and n: the old and new
 * JSON, NULL for "deleted" (which is not JSON).  ?1 organisation, ?2
 * département, ?3 period: NULL for any. */
static const char history_sql[] =
	"WITH h AS (SELECT a.seq, a.at, a.record_id, a.bundle,"
	"  CASE WHEN a.old_value = 'deleted' THEN NULL ELSE a.old_value END AS o,"
	"  CASE WHEN a.new_value = 'deleted' THEN NULL ELSE a.new_value END AS n"
	"  FROM audit a JOIN record r ON r.id = a.record_id AND r.kind = 'count'),"
	" k AS (SELECT h.*,"
	"  coalesce(json_extract(n, '$.table'), json_extract(o, '$.table')) AS tbl,"
	"  coalesce(json_extract(n, '$.period'), json_extract(o, '$.period')) AS period,"
	"  coalesce(json_extract(n, '$.dept'), json_extract(o, '$.dept')) AS dept,"
	"  coalesce(json_extract(n, '$.dim1'), json_extract(o, '$.dim1')) AS d1,"
	"  coalesce(json_extract(n, '$.dim2'), json_extract(o, '$.dim2')) AS d2,"
	"  coalesce(json_extract(n, '$.dim3'), json_extract(o, '$.dim3')) AS d3,"
	"  coalesce(json_extract(n, '$.dim4'), json_extract(o, '$.dim4')) AS d4"
	"  FROM h)"
	" SELECT k.at, lower(hex(k.record_id)), lower(hex(k.bundle)), b.seq, c.key_id,"
	"  g.id, g.name, k.tbl, k.period, k.dept, k.d1, k.d2, k.d3, k.d4,"
	"  json_extract(k.o, '$.count'), json_extract(k.n, '$.count'),"
	"  k.o IS NULL, k.n IS NULL"
	" FROM k JOIN bundle b ON b.id = k.bundle"
	"  JOIN collector c ON c.key_id = b.collector"
	"  JOIN organisation g ON g.id = c.org_id"
	" WHERE (?1 IS NULL OR g.id = ?1) AND (?2 IS NULL OR k.dept = ?2)"
	"  AND (?3 IS NULL OR k.period = ?3)"
	" ORDER BY k.seq";

enum col {
	C_AT, C_RECORD, C_BUNDLE, C_SEQ, C_KEY, C_ORG_ID, C_ORG, C_TABLE, C_PERIOD, C_DEPT,
	C_DIM1, C_FROM = C_DIM1 + REC_DIMS_MAX, C_TO, C_WAS_DELETED, C_IS_DELETED
};

/* Column i as text, "" when NULL. */
static const char *col(sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);

	return s ? s : "";
}

/* The value codes of the count, "/" between them. */
static void dims_of(sqlite3_stmt *st, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int j = 0; j < REC_DIMS_MAX; j++) {
		if (sqlite3_column_type(st, C_DIM1 + j) == SQLITE_NULL)
			continue;
		int n = snprintf(buf + used, cap - used, "%s%s", used ? "/" : "",
				 col(st, C_DIM1 + j));
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
	}
}

/* "What it became": the count, or "deleted". */
static const char *value_of(sqlite3_stmt *st, int i, int deleted, char buf[32])
{
	if (deleted)
		return N_("deleted");
	snprintf(buf, 32, "%lld", (long long)sqlite3_column_int64(st, i));
	return buf;
}

static const char *change_of(sqlite3_stmt *st)
{
	if (sqlite3_column_int(st, C_IS_DELETED))
		return "deleted";
	return sqlite3_column_int(st, C_WAS_DELETED) ? "restored" : "updated";
}

static void text_row(sqlite3_stmt *st)
{
	char when[TIME_BUF], dims[160], from[32], to[32];

	time_format(sqlite3_column_int64(st, C_AT), TIME_HUMAN, when);
	dims_of(st, dims, sizeof dims);
	/* tr(): "deleted" in words; a number is no catalogue's text. */
	printf("%s  %s %s %s %s: %s -> %s\n", when, esc(col(st, C_TABLE)),
	       esc(col(st, C_PERIOD)), esc(col(st, C_DEPT)), esc(dims),
	       tr(value_of(st, C_FROM, sqlite3_column_int(st, C_WAS_DELETED), from)),
	       tr(value_of(st, C_TO, sqlite3_column_int(st, C_IS_DELETED), to)));
	printf(_("    by \"%s\" (organisation %lld, key %s), bundle %s (no %lld)\n"),
	       esc(col(st, C_ORG)), (long long)sqlite3_column_int64(st, C_ORG_ID),
	       col(st, C_KEY), col(st, C_BUNDLE), (long long)sqlite3_column_int64(st, C_SEQ));
}

static void csv_row(sqlite3_stmt *st)
{
	char when[TIME_BUF], dims[160], from[32] = "", to[32] = "", org_id[24], seq[24];
	const char *row[14];

	time_format(sqlite3_column_int64(st, C_AT), TIME_ISO, when);
	dims_of(st, dims, sizeof dims);
	if (!sqlite3_column_int(st, C_WAS_DELETED))
		value_of(st, C_FROM, 0, from);
	if (!sqlite3_column_int(st, C_IS_DELETED))
		value_of(st, C_TO, 0, to);
	snprintf(org_id, sizeof org_id, "%lld", (long long)sqlite3_column_int64(st, C_ORG_ID));
	snprintf(seq, sizeof seq, "%lld", (long long)sqlite3_column_int64(st, C_SEQ));
	row[0] = when;
	row[1] = change_of(st);
	row[2] = col(st, C_TABLE);
	row[3] = col(st, C_PERIOD);
	row[4] = col(st, C_DEPT);
	row[5] = dims;
	row[6] = from;
	row[7] = to;
	row[8] = org_id;
	row[9] = col(st, C_ORG);
	row[10] = col(st, C_KEY);
	row[11] = col(st, C_BUNDLE);
	row[12] = seq;
	row[13] = col(st, C_RECORD);
	csv_write_row(stdout, row, 14);
}

/* A count, or null. */
static void json_count(sqlite3_stmt *st, int i, int deleted)
{
	if (deleted)
		fputs("null", stdout);
	else
		printf("%lld", (long long)sqlite3_column_int64(st, i));
}

static void json_row(sqlite3_stmt *st, int first)
{
	char when[TIME_BUF];
	int dims = 0;

	time_format(sqlite3_column_int64(st, C_AT), TIME_ISO, when);
	printf("%s\n  {\"merged_at\": \"%s\", \"change\": \"%s\", \"table\": ", first ? "" : ",",
	       when, change_of(st));
	out_json_string(stdout, col(st, C_TABLE));
	fputs(", \"period\": ", stdout);
	out_json_string(stdout, col(st, C_PERIOD));
	fputs(", \"dept\": ", stdout);
	out_json_string(stdout, col(st, C_DEPT));
	fputs(", \"dimensions\": [", stdout);
	for (int j = 0; j < REC_DIMS_MAX; j++) {
		if (sqlite3_column_type(st, C_DIM1 + j) == SQLITE_NULL)
			continue;
		fputs(dims++ ? ", " : "", stdout);
		out_json_string(stdout, col(st, C_DIM1 + j));
	}
	fputs("], \"from\": ", stdout);
	json_count(st, C_FROM, sqlite3_column_int(st, C_WAS_DELETED));
	fputs(", \"to\": ", stdout);
	json_count(st, C_TO, sqlite3_column_int(st, C_IS_DELETED));
	printf(", \"organisation_id\": %lld, \"organisation\": ",
	       (long long)sqlite3_column_int64(st, C_ORG_ID));
	out_json_string(stdout, col(st, C_ORG));
	printf(", \"collector\": \"%s\", \"bundle\": \"%s\", \"bundle_seq\": %lld, "
	       "\"record\": \"%s\"}", col(st, C_KEY), col(st, C_BUNDLE),
	       (long long)sqlite3_column_int64(st, C_SEQ), col(st, C_RECORD));
}

/* 1 when organisation id exists. */
static int org_exists(sqlite3 *db, long long id, fmt_error *err, int *found)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "SELECT 1 FROM organisation WHERE id = ?1", err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? FMT_OK :
	     db_fail(db, rc, "reading the organisations", err);
	sqlite3_finalize(st);
	return rc;
}

int cmd_history(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "org", 1, NULL }, { "dept", 1, NULL }, { "period", 1, NULL },
		       { "format", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	static const char *const csv_head[] = { "merged_at", "change", "table", "period",
		"dept", "dimensions", "from", "to", "organisation_id", "organisation",
		"collector", "bundle", "bundle_seq", "record" };
	char period[REC_PERIOD_MAX + 1] = "";
	enum out_format f = OUT_TEXT;
	long long org = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	fmt_error err;
	char *pos[1];
	int npos, rc, s, rows = 0, found = 1, dept = -1;

	fmt_error_clear(&err);
	if ((rc = args_parse("history", argc, argv, opts, 6, pos, 0, &npos)))
		return rc;
	if (opts[4].value || opts[5].value) {
		printf("usage: merger history [--org ID] [--dept CODE] [--period P] "
		       "[--format text|csv|json]\n");
		return 0;
	}
	if (opts[0].value) {
		char *end;

		org = strtoll(opts[0].value, &end, 10);
		if (!*opts[0].value || *end || org <= 0)
			return usage_error("history: --org takes an organisation number "
					   "(see merger collectors), not \"%s\"",
					   esc(opts[0].value));
	}
	if (opts[1].value && (dept = dept_find(opts[1].value)) < 0) {
		msg("history: unknown département code \"%s\" (expected an INSEE code "
		    "such as 01, 2A, 75 or 974)", esc(opts[1].value));
		return EXIT_REFUSED;
	}
	if (opts[2].value && report_parse_period("history", opts[2].value, period))
		return EXIT_USAGE;
	if (out_format_parse("history", opts[3].value, 0, NULL,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON), &f))
		return EXIT_USAGE;

	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK && org)
		rc = org_exists(db, org, &err, &found);
	if (rc == FMT_OK && !found) {
		db_close(db);
		msg("history: no organisation %lld (see merger collectors)", org);
		return EXIT_REFUSED;
	}
	if (rc == FMT_OK)
		rc = db_prepare(db, &st, history_sql, &err);
	if (rc) {
		db_close(db);
		return fail(&err, NULL);
	}
	if (org)
		sqlite3_bind_int64(st, 1, org);
	if (dept >= 0)
		sqlite3_bind_text(st, 2, DEPTS[dept].code, -1, SQLITE_STATIC);
	if (period[0])
		sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);

	if (f == OUT_CSV)
		csv_write_row(stdout, csv_head, 14);
	else if (f == OUT_JSON)
		printf("[");
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f == OUT_TEXT)
			text_row(st);
		else if (f == OUT_CSV)
			csv_row(st);
		else
			json_row(st, rows == 0);
		rows++;
	}
	if (f == OUT_JSON)
		printf(rows ? "\n]\n" : "]\n");
	else if (f == OUT_TEXT && rows == 0)
		printf(_("No change of a count recorded%s.\n"),
		       org || dept >= 0 || period[0] ? _(" for this choice") : "");
	if (s != SQLITE_DONE)
		rc = db_fail(db, s, "reading the audit trail", &err);
	sqlite3_finalize(st);
	db_close(db);
	return rc ? fail(&err, NULL) : 0;
}
