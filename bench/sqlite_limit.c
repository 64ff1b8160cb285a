/*
 * sqlite_limit.c - the floor under `merger merge`: the same rows written
 * into the same national database, with nothing but SQLite in the way.
 *
 *   sqlite_limit --home MERGER_HOME [--pragmas SQL] BUNDLE...
 *
 * Before the clock starts, every bundle is opened with the coordinator's
 * key and decoded into memory (and each record's digest computed), so
 * that what is timed is only what any correct merge must ask of SQLite:
 * per bundle, one durable transaction (db_open's pragmas: WAL,
 * synchronous=FULL) that
 *
 *   - looks up the sending collector (enrolled, not revoked, its
 *     organisation) and whether this bundle id was already merged;
 *   - for each record, inserts it unless its id is present (one
 *     statement: most records are new), and otherwise looks it up (which
 *     version, digest, owner?) and replaces an older version (with its
 *     audit row), or leaves it;
 *   - writes the count row of a live record, then, when the organisation
 *     has other collectors (asked once per bundle), looks for a live count
 *     of another of them with the same natural key (table, period,
 *     département, dimensions: the overlap a merge must report), as
 *     merger/apply.c does;
 *   - records the bundle and the collector's last sequence number.
 *
 * Statements are prepared once.  The time of that loop is printed as
 * "seconds S records N written W bundles B".  --pragmas runs SQL after
 * db_open() (e.g. "PRAGMA cache_size=-16384"), to show what a tuning of
 * SQLite would be worth to any merge.  Only counts are handled, which is
 * what the throughput benchmark sends.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bundle.h"
#include "db.h"
#include "fileio.h"
#include "format.h"
#include "keys.h"
#include "record.h"
#include "schema.h"

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("sqlite_limit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* One decoded record, reduced to the columns the database receives. */
struct row {
	uint8_t id[16];
	uint8_t digest[16];
	uint32_t version;
	uint8_t deleted;
	int64_t recorded_at;
	rec_count c;
};

struct batch {
	bundle_info info;
	char key_id[KEY_ID_CHARS + 1];
	struct row *rows;
	uint32_t n;
};

static void load_bundle(const char *path, const identity *coord, struct batch *b)
{
	bundle_reader *r;
	record rec;
	fmt_error err;
	int fd, rc;
	pubkeys sender;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (bundle_reader_open(&r, fd, coord, &b->info, &err) != FMT_OK)
		die("%s: %s", path, fmt_error_message(&err));
	memcpy(sender.sign_pk, b->info.sender_sign_pk, KEY_SIGN_PK);
	memcpy(sender.box_pk, b->info.sender_box_pk, KEY_BOX_PK);
	keys_id(&sender, b->key_id);
	b->rows = calloc(b->info.record_count ? b->info.record_count : 1, sizeof *b->rows);
	if (!b->rows)
		die("out of memory");
	b->n = 0;
	while ((rc = bundle_reader_next(r, &rec, &err)) == FMT_OK) {
		struct row *w = &b->rows[b->n];

		if (rec.kind != REC_COUNT)
			die("%s: only counts are handled here", path);
		if (b->n >= b->info.record_count)
			die("%s: more records than declared", path);
		memcpy(w->id, rec.id, 16);
		w->version = rec.version;
		w->deleted = rec.deleted;
		w->recorded_at = rec.recorded_at;
		w->c = rec.u.count;
		if (record_digest(&rec, w->digest, &err) != FMT_OK)
			die("%s: %s", path, fmt_error_message(&err));
		b->n++;
	}
	if (rc != FMT_DONE)
		die("%s: %s", path, fmt_error_message(&err));
	bundle_reader_free(r);
	close(fd);
}

static sqlite3 *db;

static void sql_check(int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("%s: %s", what, sqlite3_errmsg(db));
}

static sqlite3_stmt *prepare(const char *sql)
{
	sqlite3_stmt *st;

	sql_check(sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql);
	return st;
}

/* Runs a statement that returns no row, then resets it. */
static void run(sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		die("%s: %s", what, sqlite3_errmsg(db));
}

static struct {
	sqlite3_stmt *collector, *others, *seen, *rec_get, *rec_ins, *rec_upd, *audit;
	sqlite3_stmt *overlap, *cnt_ins, *cnt_del, *bundle_ins, *collector_upd;
} q;

static void prepare_all(void)
{
	q.collector = prepare("SELECT org_id, revoked_at FROM collector WHERE key_id = ?");
	q.others = prepare("SELECT 1 FROM collector WHERE org_id = ? AND key_id <> ? LIMIT 1");
	q.seen = prepare("SELECT 1 FROM bundle WHERE id = ?");
	q.rec_get = prepare("SELECT version, digest, collector FROM record WHERE id = ?");
	q.rec_ins = prepare("INSERT INTO record(id, collector, org_id, kind, version,"
			    " recorded_at, deleted, digest, bundle)"
			    " VALUES (?1, ?2, ?3, 'count', ?4, ?5, ?6, ?7, ?8)"
			    " ON CONFLICT (id) DO NOTHING");
	q.rec_upd = prepare("UPDATE record SET version = ?2, recorded_at = ?3, deleted = ?4,"
			    " digest = ?5, bundle = ?6 WHERE id = ?1");
	q.audit = prepare("INSERT INTO audit(record_id, bundle, at, old_version, new_version,"
			  " old_value, new_value) VALUES (?, ?, ?, ?, ?, '{}', ?)");
	/* The merger's statements for counts (merger/apply.c, drawn from the
	 * descriptors in format/model.c), written out. */
	q.overlap = prepare("SELECT 1 FROM count s JOIN record r ON r.id = s.id"
			    " WHERE s.org_id = ?1 AND r.collector <> ?2 AND s.\"table\" IS ?3"
			    " AND s.period IS ?4 AND s.dept IS ?5 AND s.dim1 IS ?6"
			    " AND s.dim2 IS ?7 AND s.dim3 IS ?8 AND s.dim4 IS ?9 LIMIT 1");
	q.cnt_ins = prepare("INSERT INTO count(id, org_id, \"table\", period, dept, dim1, dim2,"
			    " dim3, dim4, count, recorded_at)"
			    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	q.cnt_del = prepare("DELETE FROM count WHERE id = ?");
	q.bundle_ins = prepare("INSERT INTO bundle(id, collector, seq, file_hash, created,"
			       " merged_at, records, inserted, updated, unchanged, deleted)"
			       " VALUES (?,?,?,?,?,?,?,?,?,?,?)");
	q.collector_upd = prepare("UPDATE collector SET last_seq = max(coalesce(last_seq, 0), ?),"
				  " last_bundle_at = ? WHERE key_id = ?");
}

/* Binds the count's table, period, département and dimensions from
 * parameter i on (a dimension the table does not have is NULL). */
static void bind_key(sqlite3_stmt *st, int i, const rec_count *c)
{
	sqlite3_bind_text(st, i, c->table, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i + 1, c->period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i + 2, DEPTS[c->dept].code, -1, SQLITE_STATIC);
	for (int d = 0; d < REC_DIMS_MAX; d++)
		if (d < c->ndims)
			sqlite3_bind_text(st, i + 3 + d, c->dims[d], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(st, i + 3 + d);
}

/* Writes the count row of a live record (a replaced one was deleted
 * first, as the merger does), then the overlap look-up. */
static void put_count(const struct batch *b, const struct row *w, int64_t org_id,
		      int others, unsigned *overlaps)
{
	int rc;

	sqlite3_bind_blob(q.cnt_ins, 1, w->id, 16, SQLITE_STATIC);
	sqlite3_bind_int64(q.cnt_ins, 2, org_id);
	bind_key(q.cnt_ins, 3, &w->c);
	sqlite3_bind_int64(q.cnt_ins, 10, w->c.count);
	sqlite3_bind_int64(q.cnt_ins, 11, w->recorded_at);
	run(q.cnt_ins, "count row");
	if (!others)
		return;
	sqlite3_bind_int64(q.overlap, 1, org_id);
	sqlite3_bind_text(q.overlap, 2, b->key_id, -1, SQLITE_STATIC);
	bind_key(q.overlap, 3, &w->c);
	rc = sqlite3_step(q.overlap);
	sqlite3_reset(q.overlap);
	if (rc == SQLITE_ROW)
		(*overlaps)++;
	else if (rc != SQLITE_DONE)
		die("overlap lookup: %s", sqlite3_errmsg(db));
}

struct tally {
	unsigned inserted, updated, unchanged, deleted, conflicts, overlaps;
};

static void merge_row(const struct batch *b, const struct row *w, int64_t org_id,
		      int others, int64_t now, struct tally *t)
{
	int rc;

	sqlite3_bind_blob(q.rec_ins, 1, w->id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q.rec_ins, 2, b->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q.rec_ins, 3, org_id);
	sqlite3_bind_int64(q.rec_ins, 4, w->version);
	sqlite3_bind_int64(q.rec_ins, 5, w->recorded_at);
	sqlite3_bind_int(q.rec_ins, 6, w->deleted);
	sqlite3_bind_blob(q.rec_ins, 7, w->digest, 16, SQLITE_STATIC);
	sqlite3_bind_blob(q.rec_ins, 8, b->info.bundle_id, 16, SQLITE_STATIC);
	run(q.rec_ins, "record insert");
	if (sqlite3_changes(db) == 1) {
		if (w->deleted) {
			t->deleted++;
			return;
		}
		put_count(b, w, org_id, others, &t->overlaps);
		t->inserted++;
		return;
	}

	sqlite3_bind_blob(q.rec_get, 1, w->id, 16, SQLITE_STATIC);
	rc = sqlite3_step(q.rec_get);
	if (rc == SQLITE_ROW) {
		uint32_t have = (uint32_t)sqlite3_column_int64(q.rec_get, 0);
		const void *digest = sqlite3_column_blob(q.rec_get, 1);
		const unsigned char *owner = sqlite3_column_text(q.rec_get, 2);

		if (!owner || strcmp((const char *)owner, b->key_id) != 0)
			die("record owned by another collector");
		if (have > w->version) {
			t->unchanged++;
		} else if (have == w->version) {
			if (!digest || memcmp(digest, w->digest, 16) != 0)
				t->conflicts++;
			else
				t->unchanged++;
		} else {
			sqlite3_reset(q.rec_get);
			sqlite3_bind_blob(q.rec_upd, 1, w->id, 16, SQLITE_STATIC);
			sqlite3_bind_int64(q.rec_upd, 2, w->version);
			sqlite3_bind_int64(q.rec_upd, 3, w->recorded_at);
			sqlite3_bind_int(q.rec_upd, 4, w->deleted);
			sqlite3_bind_blob(q.rec_upd, 5, w->digest, 16, SQLITE_STATIC);
			sqlite3_bind_blob(q.rec_upd, 6, b->info.bundle_id, 16, SQLITE_STATIC);
			run(q.rec_upd, "record update");
			sqlite3_bind_blob(q.audit, 1, w->id, 16, SQLITE_STATIC);
			sqlite3_bind_blob(q.audit, 2, b->info.bundle_id, 16, SQLITE_STATIC);
			sqlite3_bind_int64(q.audit, 3, now);
			sqlite3_bind_int64(q.audit, 4, have);
			sqlite3_bind_int64(q.audit, 5, w->version);
			sqlite3_bind_text(q.audit, 6, w->deleted ? "deleted" : "{}", -1,
					  SQLITE_STATIC);
			run(q.audit, "audit");
			sqlite3_bind_blob(q.cnt_del, 1, w->id, 16, SQLITE_STATIC);
			run(q.cnt_del, "count delete");
			if (w->deleted) {
				t->deleted++;
			} else {
				put_count(b, w, org_id, others, &t->overlaps);
				t->updated++;
			}
			return;
		}
		sqlite3_reset(q.rec_get);
		return;
	}
	sqlite3_reset(q.rec_get);
	die("record neither inserted nor found: %s", sqlite3_errmsg(db));
}

/* One bundle, one durable transaction.  Returns the records written. */
static unsigned merge_batch(const struct batch *b)
{
	struct tally t = { 0 };
	int64_t org_id, now = (int64_t)time(NULL);
	fmt_error err;
	int rc, others;

	if (db_begin(db, &err) != FMT_OK)
		die("%s", fmt_error_message(&err));
	sqlite3_bind_text(q.collector, 1, b->key_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q.collector);
	if (rc != SQLITE_ROW)
		die("collector %s is not enrolled", b->key_id);
	org_id = sqlite3_column_int64(q.collector, 0);
	if (sqlite3_column_type(q.collector, 1) != SQLITE_NULL)
		die("collector %s is revoked", b->key_id);
	sqlite3_reset(q.collector);

	sqlite3_bind_blob(q.seen, 1, b->info.bundle_id, 16, SQLITE_STATIC);
	rc = sqlite3_step(q.seen);
	sqlite3_reset(q.seen);
	if (rc == SQLITE_ROW) {
		db_rollback(db);
		return 0;
	}
	sqlite3_bind_int64(q.others, 1, org_id);
	sqlite3_bind_text(q.others, 2, b->key_id, -1, SQLITE_STATIC);
	others = sqlite3_step(q.others) == SQLITE_ROW;
	sqlite3_reset(q.others);
	for (uint32_t i = 0; i < b->n; i++)
		merge_row(b, &b->rows[i], org_id, others, now, &t);

	sqlite3_bind_blob(q.bundle_ins, 1, b->info.bundle_id, 16, SQLITE_STATIC);
	sqlite3_bind_text(q.bundle_ins, 2, b->key_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(q.bundle_ins, 3, (sqlite3_int64)b->info.seq);
	sqlite3_bind_blob(q.bundle_ins, 4, b->info.file_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(q.bundle_ins, 5, b->info.created);
	sqlite3_bind_int64(q.bundle_ins, 6, now);
	sqlite3_bind_int64(q.bundle_ins, 7, b->n);
	sqlite3_bind_int64(q.bundle_ins, 8, t.inserted);
	sqlite3_bind_int64(q.bundle_ins, 9, t.updated);
	sqlite3_bind_int64(q.bundle_ins, 10, t.unchanged);
	sqlite3_bind_int64(q.bundle_ins, 11, t.deleted);
	run(q.bundle_ins, "bundle row");
	sqlite3_bind_int64(q.collector_upd, 1, (sqlite3_int64)b->info.seq);
	sqlite3_bind_int64(q.collector_upd, 2, now);
	sqlite3_bind_text(q.collector_upd, 3, b->key_id, -1, SQLITE_STATIC);
	run(q.collector_upd, "collector update");
	if (db_commit(db, &err) != FMT_OK)
		die("%s", fmt_error_message(&err));
	return t.inserted + t.updated + t.deleted;
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	const char *home = NULL;
	const char *pragmas = NULL;
	char key_path[4096], db_path[4096];
	identity *coord;
	struct batch *batches;
	const db_migration *mig;
	int nbundles = 0, nmig, first = 1;
	unsigned long long written = 0, total = 0;
	double t0, t1;
	fmt_error err;

	if (argc > 2 && !strcmp(argv[1], "--home")) {
		home = argv[2];
		first = 3;
	}
	if (first + 1 < argc && !strcmp(argv[first], "--pragmas")) {
		pragmas = argv[first + 1];
		first += 2;
	}
	if (!home || first >= argc)
		die("usage: sqlite_limit --home MERGER_HOME [--pragmas SQL] BUNDLE...");
	if (format_init(&err) != FMT_OK)
		die("%s", fmt_error_message(&err));
	snprintf(key_path, sizeof key_path, "%s/coordinator.key", home);
	snprintf(db_path, sizeof db_path, "%s/national.db", home);
	if (keys_load(&coord, key_path, &err) != FMT_OK)
		die("%s: %s", key_path, fmt_error_message(&err));

	batches = calloc((size_t)(argc - first), sizeof *batches);
	if (!batches)
		die("out of memory");
	for (int i = first; i < argc; i++) {
		load_bundle(argv[i], coord, &batches[nbundles]);
		total += batches[nbundles++].n;
	}
	keys_free(coord);

	mig = merger_migrations(&nmig);
	if (db_open(&db, db_path, 0, mig, nmig, &err) != FMT_OK)
		die("%s", fmt_error_message(&err));
	if (pragmas && db_exec(db, pragmas, &err) != FMT_OK)
		die("--pragmas: %s", fmt_error_message(&err));
	prepare_all();

	t0 = now_seconds();
	for (int i = 0; i < nbundles; i++)
		written += merge_batch(&batches[i]);
	t1 = now_seconds();

	printf("seconds %.6f records %llu written %llu bundles %d\n", t1 - t0, total, written,
	       nbundles);
	/* Every statement finalized, so that the close is a real one (its
	 * checkpoint leaves no WAL behind), after the clock. */
	sqlite3_finalize(q.collector);
	sqlite3_finalize(q.others);
	sqlite3_finalize(q.seen);
	sqlite3_finalize(q.rec_get);
	sqlite3_finalize(q.rec_ins);
	sqlite3_finalize(q.rec_upd);
	sqlite3_finalize(q.audit);
	sqlite3_finalize(q.overlap);
	sqlite3_finalize(q.cnt_ins);
	sqlite3_finalize(q.cnt_del);
	sqlite3_finalize(q.bundle_ins);
	sqlite3_finalize(q.collector_upd);
	db_close(db);
	for (int i = 0; i < nbundles; i++)
		free(batches[i].rows);
	free(batches);
	return 0;
}
