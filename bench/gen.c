/*
 * gen.c - the benchmarks' data generator.
 *
 *   gen request --kit KIT --seed N --key OUT.key -o OUT.request
 *	a collector identity (saved like a collector's own key file) and its
 *	enrollment request, for fleet member N, so that `merger enroll`
 *	registers it exactly as it would a real collector;
 *   gen bundle --kit KIT --key K.key --seed N --records M [--seq Q]
 *	[--skip S] [--mixed] [--org] [--csv FILE] -o OUT.bundle
 *	a bundle of M records of member N (after skipping its first S), signed
 *	with K and encrypted to the coordinator of KIT, written with the
 *	format library's own bundle writer; --csv writes the same support
 *	records as CSV, the input of the standard-tools pipeline;
 *   gen import --seed N --records M [--skip S] -o OUT.csv
 *	support counts as a spreadsheet export for `collector import`;
 *   gen depts --seed N --records M
 *	prints the départements of member N (comma-separated codes), for
 *	`collector init --dept` before importing its counts;
 *   gen fill --db NATIONAL.db --records N [--per-org K] [--seed S]
 *	fills an initialised national database with N support records of
 *	N/K organisations (with their collectors, profiles and bundles), as
 *	if merged, in a few seconds per million rows.
 *
 * Everything is deterministic: the records come from fleet.c, and the
 * format library's randomness (keys, file keys, nonces) is seeded from the
 * arguments, so the same command writes the same bytes - which is exactly
 * why these keys and bundles are for benchmarks only, never for real data.  The program is a
 * benchmark tool: it prints a one-line error and exits 1 on any failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bundle.h"
#include "fileio.h"
#include "fleet.h"
#include "format.h"
#include "keys.h"
#include "record.h"
#include "signed.h"

__attribute__((noreturn, format(printf, 1, 2)))
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void check(int rc, const fmt_error *err, const char *what)
{
	if (rc != FMT_OK)
		die("%s: %s", what, fmt_error_message(err));
}

/* Options: "--name value" pairs and "--flag" switches, in any order. */
struct opts {
	const char *kit, *key, *out, *csv, *db;
	uint64_t seed, records, skip, seq, per_org;
	int mixed, org;
};

static uint64_t number(const char *flag, const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end)
		die("%s: \"%s\" is not a number", flag, s);
	return (uint64_t)v;
}

static void parse(struct opts *o, int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->seq = 1;
	o->per_org = 10000;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--mixed")) {
			o->mixed = 1;
			continue;
		}
		if (!strcmp(a, "--org")) {
			o->org = 1;
			continue;
		}
		if (!v)
			die("%s: missing value", a);
		i++;
		if (!strcmp(a, "--kit"))
			o->kit = v;
		else if (!strcmp(a, "--key"))
			o->key = v;
		else if (!strcmp(a, "-o"))
			o->out = v;
		else if (!strcmp(a, "--csv"))
			o->csv = v;
		else if (!strcmp(a, "--db"))
			o->db = v;
		else if (!strcmp(a, "--seed"))
			o->seed = number(a, v);
		else if (!strcmp(a, "--records"))
			o->records = number(a, v);
		else if (!strcmp(a, "--skip"))
			o->skip = number(a, v);
		else if (!strcmp(a, "--seq"))
			o->seq = number(a, v);
		else if (!strcmp(a, "--per-org"))
			o->per_org = number(a, v);
		else
			die("unknown option %s", a);
	}
}

static void need(const char *v, const char *flag)
{
	if (!v)
		die("%s is required", flag);
}

/* Seeds the library's random generator from (mode, seed, seq) before
 * format_init(), so that each command's output is reproducible. */
static void init_rng(const char *mode, uint64_t seed, uint64_t seq)
{
	uint8_t s[32];
	uint64_t st = seed * 1000003u + seq;
	fmt_error err;

	for (const char *p = mode; *p; p++)
		st = st * 131 + (unsigned char)*p;
	for (int i = 0; i < 32; i += 8) {
		uint64_t v = fleet_rand(&st);
		memcpy(s + i, &v, 8);
	}
	format_use_deterministic_rng(s);
	check(format_init(&err), &err, "init");
}

static void load_kit(const char *path, kit *k)
{
	uint8_t *buf;
	size_t len;
	fmt_error err;

	check(read_file_capped(path, KIT_MAX_BYTES, &buf, &len, &err), &err, path);
	check(kit_read(buf, len, k, &err), &err, path);
	free(buf);
}

static void write_file(const char *path, const uint8_t *buf, size_t len)
{
	atomic_file f;
	fmt_error err;

	check(atomic_open(&f, path, 0644, 0, &err), &err, path);
	if (write_all(f.fd, buf, len, &err) != FMT_OK) {
		atomic_abort(&f);
		die("%s: %s", path, fmt_error_message(&err));
	}
	check(atomic_commit(&f, &err), &err, path);
}

static int cmd_request(const struct opts *o)
{
	identity *id;
	request q;
	kit k;
	fleet_gen g;
	uint8_t *buf;
	size_t len;
	fmt_error err;

	need(o->kit, "--kit");
	need(o->key, "--key");
	need(o->out, "-o");
	init_rng("request", o->seed, 0);
	load_kit(o->kit, &k);
	check(keys_generate(&id, &err), &err, "generating keys");
	memset(&q, 0, sizeof q);
	q.collector = id->pub;
	memcpy(q.coord_sign_pk, k.coord.sign_pk, KEY_SIGN_PK);
	q.created = FLEET_EPOCH - 86400;
	fleet_init(&g, o->seed, 0, 0);
	{
		char key_id[KEY_ID_CHARS + 1];

		keys_id(&id->pub, key_id);
		fleet_set_key(&g, key_id);
	}
	fleet_org(&g, &q.org);
	check(request_write(id, &q, &buf, &len, &err), &err, o->out);
	check(keys_save(id, o->key, &err), &err, o->key);
	write_file(o->out, buf, len);
	free(buf);
	keys_free(id);
	return 0;
}

/* The pipeline's CSV: one line per support record, codes as text, the id
 * in hex; what a coordinator would ask associations to send without
 * Maillage. */
static void csv_header(FILE *f)
{
	fputs("id,version,recorded_at,deleted,collector,period,dept,status,exploitation,"
	      "sex,age,count\n", f);
}

static void csv_row(FILE *f, const record *r, const char *key_id)
{
	char id[33];
	const rec_support *s = &r->u.support;

	id_format(r->id, id);
	if (r->deleted) {
		fprintf(f, "%s,%" PRIu32 ",%" PRId64 ",1,%s,,,,,,,\n", id, r->version,
			r->recorded_at, key_id);
		return;
	}
	fprintf(f, "%s,%" PRIu32 ",%" PRId64 ",0,%s,%s,%s,%s,%s,%s,%s,%" PRIu32 "\n", id,
		r->version, r->recorded_at, key_id, s->period, DEPTS[s->dept].code,
		ENUM_STATUS.items[s->status].code, ENUM_EXPLOITATION.items[s->exploitation].code,
		ENUM_SEX.items[s->sex].code, ENUM_AGE.items[s->age].code, s->count);
}

static int cmd_bundle(const struct opts *o)
{
	identity *id;
	kit k;
	fleet_gen g;
	record r;
	bundle_writer *w;
	bundle_info info;
	atomic_file f;
	char key_id[KEY_ID_CHARS + 1], scratch[4096], *slash;
	FILE *csv = NULL;
	uint64_t st = o->seed * 7919 + o->seq;
	fmt_error err;

	need(o->kit, "--kit");
	need(o->key, "--key");
	need(o->out, "-o");
	if (o->csv && o->mixed)
		die("--csv holds support records only: it cannot be used with --mixed");
	init_rng("bundle", o->seed, o->seq);
	load_kit(o->kit, &k);
	check(keys_load(&id, o->key, &err), &err, o->key);
	keys_id(&id->pub, key_id);

	/* The writer's scratch file goes next to the output. */
	snprintf(scratch, sizeof scratch, "%s", o->out);
	slash = strrchr(scratch, '/');
	if (slash)
		*slash = '\0';
	else
		snprintf(scratch, sizeof scratch, ".");
	check(bundle_writer_open(&w, scratch, &err), &err, "scratch file");

	if (o->csv) {
		csv = fopen(o->csv, "w");
		if (!csv)
			die("%s: %s", o->csv, strerror(errno));
		csv_header(csv);
	}
	fleet_init(&g, o->seed, o->mixed, o->skip + o->records);
	fleet_set_key(&g, key_id);
	if (o->org) {
		fleet_org(&g, &r);
		check(bundle_writer_add(w, &r, &err), &err, "organisation record");
	}
	if (fleet_skip(&g, o->skip))
		die("seed %" PRIu64 ": cannot skip %" PRIu64 " records", o->seed, o->skip);
	for (uint64_t i = 0; i < o->records; i++) {
		if (fleet_next(&g, &r))
			die("seed %" PRIu64 ": grid exhausted after %" PRIu64 " records",
			    o->seed, i);
		check(bundle_writer_add(w, &r, &err), &err, "record");
		if (csv)
			csv_row(csv, &r, key_id);
	}
	if (csv && fclose(csv) != 0)
		die("%s: %s", o->csv, strerror(errno));

	memset(&info, 0, sizeof info);
	for (int i = 0; i < 16; i += 8) {
		uint64_t v = fleet_rand(&st);
		memcpy(info.bundle_id + i, &v, 8);
	}
	info.seq = o->seq;
	info.created = FLEET_EPOCH + (int64_t)o->seq * 86400;
	check(atomic_open(&f, o->out, 0644, 0, &err), &err, o->out);
	if (bundle_writer_finish(w, id, &k.coord, &info, f.fd, &err) != FMT_OK) {
		atomic_abort(&f);
		die("%s: %s", o->out, fmt_error_message(&err));
	}
	check(atomic_commit(&f, &err), &err, o->out);
	bundle_writer_free(w);
	keys_free(id);
	return 0;
}

/* The collector's spreadsheet template for support counts (samples/
 * templates/support.csv): one row per count, codes as the flags spell
 * them. */
static int cmd_import(const struct opts *o)
{
	fleet_gen g;
	record r;
	FILE *f;

	need(o->out, "-o");
	f = fopen(o->out, "w");
	if (!f)
		die("%s: %s", o->out, strerror(errno));
	fputs("period,dept,status,exploitation,sex,age,count\n", f);
	fleet_init(&g, o->seed, 0, o->skip + o->records);
	if (fleet_skip(&g, o->skip))
		die("seed %" PRIu64 ": cannot skip %" PRIu64 " records", o->seed, o->skip);
	for (uint64_t i = 0; i < o->records; i++) {
		const rec_support *s = &r.u.support;

		if (fleet_next(&g, &r))
			die("seed %" PRIu64 ": grid exhausted", o->seed);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%" PRIu32 "\n", s->period, DEPTS[s->dept].code,
			ENUM_STATUS.items[s->status].code,
			ENUM_EXPLOITATION.items[s->exploitation].code,
			ENUM_SEX.items[s->sex].code, ENUM_AGE.items[s->age].code, s->count);
	}
	if (fclose(f) != 0)
		die("%s: %s", o->out, strerror(errno));
	return 0;
}

static int cmd_depts(const struct opts *o)
{
	fleet_gen g;

	fleet_init(&g, o->seed, 0, o->records);
	for (int i = 0; i < g.ndepts; i++)
		printf("%s%s", i ? "," : "", DEPTS[g.depts[i]].code);
	putchar('\n');
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ */
/* fill                                                                */

static sqlite3 *fill_db;

static void sql_check(int rc, const char *what)
{
	if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		die("%s: %s", what, sqlite3_errmsg(fill_db));
}

static void sql_exec(const char *sql)
{
	sql_check(sqlite3_exec(fill_db, sql, NULL, NULL, NULL), sql);
}

static sqlite3_stmt *sql_prepare(const char *sql)
{
	sqlite3_stmt *st;

	sql_check(sqlite3_prepare_v2(fill_db, sql, -1, &st, NULL), sql);
	return st;
}

static void sql_step(sqlite3_stmt *st, const char *what)
{
	sql_check(sqlite3_step(st), what);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

static void random_bytes(uint64_t *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = fleet_rand(s);
		memcpy(out + i, &v, n - i < 8 ? n - i : 8);
	}
}

/* The filler's records are older than everything a benchmark then
 * merges, as in a national database grown by years of merges: record k of
 * n was made FILL_YEARS before FLEET_EPOCH plus k / n of that span, and its
 * id carries that time after its collector's prefix (fleet_id, the
 * collectors' layout).  Each organisation's ids thus grow in insertion
 * order, so its rows are appended to its own range of every index keyed
 * by id, and a collector's records merged afterwards (made from
 * FLEET_EPOCH on) come after its earlier ones, as new records do in real
 * life. */
#define FILL_YEARS 2
#define FILL_SPAN_MS ((uint64_t)FILL_YEARS * 365 * 86400 * 1000)

static void filler_id(uint64_t k, uint64_t n, uint64_t *s, const fleet_gen *g, record *r)
{
	uint64_t from = (uint64_t)FLEET_EPOCH * 1000 - FILL_SPAN_MS;
	uint64_t ms = from + (uint64_t)((double)k / (double)n * (double)FILL_SPAN_MS);

	fleet_id(s, g->prefix, ms, r->id);
	r->recorded_at = (int64_t)(ms / 1000);
}

static int cmd_fill(const struct opts *o)
{
	sqlite3_stmt *org_st, *dept_st, *col_st, *bun_st, *rec_st, *sup_st, *prof_st, *ver_st;
	uint64_t norgs, k = 0, st;
	int64_t now = FLEET_EPOCH + 90 * 86400;
	char index_sql[1024];
	fmt_error err;

	need(o->db, "--db");
	if (o->records == 0 || o->per_org == 0)
		die("--records and --per-org must be positive");
	init_rng("fill", o->seed, 0);
	norgs = (o->records + o->per_org - 1) / o->per_org;
	st = o->seed ^ 0x66696c6cull;

	sql_check(sqlite3_open_v2(o->db, &fill_db, SQLITE_OPEN_READWRITE, NULL), o->db);
	ver_st = sql_prepare("PRAGMA user_version");
	sql_check(sqlite3_step(ver_st), "user_version");
	if (sqlite3_column_int(ver_st, 0) < 1)
		die("%s: not an initialised national database (run merger init)", o->db);
	sqlite3_finalize(ver_st);

	/* A bulk load, not a merge: no journal, no fsync, a large cache, and
	 * the natural-key index rebuilt once at the end (with the schema's
	 * own definition) rather than maintained row by row. */
	sql_exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		 "PRAGMA cache_size=-1048576; PRAGMA locking_mode=EXCLUSIVE;");
	{
		sqlite3_stmt *q = sql_prepare("SELECT sql FROM sqlite_master "
					      "WHERE type='index' AND name='support_key'");

		if (sqlite3_step(q) != SQLITE_ROW)
			die("%s: no support_key index: schema changed, update gen fill", o->db);
		snprintf(index_sql, sizeof index_sql, "%s", sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	sql_exec("DROP INDEX support_key");

	org_st = sql_prepare("INSERT INTO organisation(name, kind, national_id, email, phone,"
			     " website, profile_at, created_at) VALUES (?,?,?,?,?,?,?,?)");
	dept_st = sql_prepare("INSERT INTO organisation_dept(org_id, dept) VALUES (?,?)");
	col_st = sql_prepare("INSERT INTO collector(key_id, sign_pk, box_pk, org_id,"
			     " enrolled_at, last_seq, last_bundle_at) VALUES (?,?,?,?,?,1,?)");
	bun_st = sql_prepare("INSERT INTO bundle(id, collector, seq, file_hash, created,"
			     " merged_at, records, inserted, updated, unchanged, deleted)"
			     " VALUES (?,?,1,?,?,?,?,?,0,0,0)");
	rec_st = sql_prepare("INSERT INTO record(id, collector, org_id, kind, version,"
			     " recorded_at, deleted, digest, bundle) VALUES (?,?,?,?,?,?,0,?,?)");
	sup_st = sql_prepare("INSERT INTO support(id, org_id, period, dept, status,"
			     " exploitation, sex, age, count, recorded_at)"
			     " VALUES (?,?,?,?,?,?,?,?,?,?)");
	prof_st = sql_prepare("INSERT INTO profile(id, org_id, name, kind, dept, email, phone,"
			      " website, national_id, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?)");

	sql_exec("BEGIN");
	for (uint64_t j = 0; j < norgs; j++) {
		uint64_t n = o->per_org;
		fleet_gen g;
		record r;
		rec_org *po = &r.u.org;
		uint8_t sign_pk[32], box_pk[32], bundle_id[16], hash[32], digest[16];
		char key_id[KEY_ID_CHARS + 1], depts[DEPT_COUNT * 4];
		pubkeys pk;
		int64_t org_id;
		size_t dl = 0;

		if (j == norgs - 1)
			n = o->records - k;
		fleet_init(&g, o->seed + j, 0, n);
		random_bytes(&st, sign_pk, 32);
		random_bytes(&st, box_pk, 32);
		random_bytes(&st, bundle_id, 16);
		random_bytes(&st, hash, 32);
		memcpy(pk.sign_pk, sign_pk, 32);
		memcpy(pk.box_pk, box_pk, 32);
		keys_id(&pk, key_id);
		fleet_set_key(&g, key_id);
		fleet_org(&g, &r);

		sqlite3_bind_text(org_st, 1, po->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(org_st, 2, ENUM_ORG_KIND.items[po->kind].code, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(org_st, 3, po->national_id, -1, SQLITE_STATIC);
		sqlite3_bind_text(org_st, 4, po->email, -1, SQLITE_STATIC);
		sqlite3_bind_text(org_st, 5, po->phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(org_st, 6, po->website, -1, SQLITE_STATIC);
		sqlite3_bind_int64(org_st, 7, r.recorded_at);
		sqlite3_bind_int64(org_st, 8, now);
		sql_step(org_st, "organisation");
		org_id = sqlite3_last_insert_rowid(fill_db);
		for (int i = 0; i < po->ndepts; i++) {
			sqlite3_bind_int64(dept_st, 1, org_id);
			sqlite3_bind_text(dept_st, 2, DEPTS[po->depts[i]].code, -1,
					  SQLITE_STATIC);
			sql_step(dept_st, "organisation_dept");
			dl += (size_t)snprintf(depts + dl, sizeof depts - dl, "%s%s",
					       i ? "," : "", DEPTS[po->depts[i]].code);
		}
		sqlite3_bind_text(col_st, 1, key_id, -1, SQLITE_STATIC);
		sqlite3_bind_blob(col_st, 2, sign_pk, 32, SQLITE_STATIC);
		sqlite3_bind_blob(col_st, 3, box_pk, 32, SQLITE_STATIC);
		sqlite3_bind_int64(col_st, 4, org_id);
		sqlite3_bind_int64(col_st, 5, now - 86400);
		sqlite3_bind_int64(col_st, 6, now);
		sql_step(col_st, "collector");
		sqlite3_bind_blob(bun_st, 1, bundle_id, 16, SQLITE_STATIC);
		sqlite3_bind_text(bun_st, 2, key_id, -1, SQLITE_STATIC);
		sqlite3_bind_blob(bun_st, 3, hash, 32, SQLITE_STATIC);
		sqlite3_bind_int64(bun_st, 4, now - 3600);
		sqlite3_bind_int64(bun_st, 5, now);
		sqlite3_bind_int64(bun_st, 6, (sqlite3_int64)n + 1);
		sqlite3_bind_int64(bun_st, 7, (sqlite3_int64)n + 1);
		sql_step(bun_st, "bundle");

		/* The organisation record, as a collector sends it. */
		check(record_digest(&r, digest, &err), &err, "digest");
		sqlite3_bind_blob(rec_st, 1, r.id, 16, SQLITE_STATIC);
		sqlite3_bind_text(rec_st, 2, key_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(rec_st, 3, org_id);
		sqlite3_bind_text(rec_st, 4, "organisation", -1, SQLITE_STATIC);
		sqlite3_bind_int64(rec_st, 5, r.version);
		sqlite3_bind_int64(rec_st, 6, r.recorded_at);
		sqlite3_bind_blob(rec_st, 7, digest, 16, SQLITE_STATIC);
		sqlite3_bind_blob(rec_st, 8, bundle_id, 16, SQLITE_STATIC);
		sql_step(rec_st, "record");
		sqlite3_bind_blob(prof_st, 1, r.id, 16, SQLITE_STATIC);
		sqlite3_bind_int64(prof_st, 2, org_id);
		sqlite3_bind_text(prof_st, 3, po->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 4, ENUM_ORG_KIND.items[po->kind].code, -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 5, depts, -1, SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 6, po->email, -1, SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 7, po->phone, -1, SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 8, po->website, -1, SQLITE_STATIC);
		sqlite3_bind_text(prof_st, 9, po->national_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(prof_st, 10, r.recorded_at);
		sql_step(prof_st, "profile");

		for (uint64_t i = 0; i < n; i++, k++) {
			const rec_support *s = &r.u.support;

			if (fleet_next(&g, &r))
				die("seed %" PRIu64 ": grid exhausted", o->seed + j);
			filler_id(k, o->records, &st, &g, &r);
			check(record_digest(&r, digest, &err), &err, "digest");
			sqlite3_bind_blob(rec_st, 1, r.id, 16, SQLITE_STATIC);
			sqlite3_bind_text(rec_st, 2, key_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(rec_st, 3, org_id);
			sqlite3_bind_text(rec_st, 4, "support", -1, SQLITE_STATIC);
			sqlite3_bind_int64(rec_st, 5, r.version);
			sqlite3_bind_int64(rec_st, 6, r.recorded_at);
			sqlite3_bind_blob(rec_st, 7, digest, 16, SQLITE_STATIC);
			sqlite3_bind_blob(rec_st, 8, bundle_id, 16, SQLITE_STATIC);
			sql_step(rec_st, "record");
			sqlite3_bind_blob(sup_st, 1, r.id, 16, SQLITE_STATIC);
			sqlite3_bind_int64(sup_st, 2, org_id);
			sqlite3_bind_text(sup_st, 3, s->period, -1, SQLITE_STATIC);
			sqlite3_bind_text(sup_st, 4, DEPTS[s->dept].code, -1, SQLITE_STATIC);
			sqlite3_bind_text(sup_st, 5, ENUM_STATUS.items[s->status].code, -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(sup_st, 6, ENUM_EXPLOITATION.items[s->exploitation].code,
					  -1, SQLITE_STATIC);
			sqlite3_bind_text(sup_st, 7, ENUM_SEX.items[s->sex].code, -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(sup_st, 8, ENUM_AGE.items[s->age].code, -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(sup_st, 9, s->count);
			sqlite3_bind_int64(sup_st, 10, r.recorded_at);
			sql_step(sup_st, "support");
		}
	}
	sql_exec("COMMIT");
	sql_exec(index_sql);
	sqlite3_finalize(org_st);
	sqlite3_finalize(dept_st);
	sqlite3_finalize(col_st);
	sqlite3_finalize(bun_st);
	sqlite3_finalize(rec_st);
	sqlite3_finalize(sup_st);
	sqlite3_finalize(prof_st);
	/* Back to what db_open() sets, so the merger finds its usual file. */
	sql_exec("PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;");
	if (sqlite3_close(fill_db) != SQLITE_OK)
		die("%s: %s", o->db, sqlite3_errmsg(fill_db));
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (argc < 2)
		die("usage: gen request|bundle|import|depts|fill [options] (see bench/gen.c)");
	parse(&o, argc, argv);
	if (!strcmp(argv[1], "request"))
		return cmd_request(&o);
	if (!strcmp(argv[1], "bundle"))
		return cmd_bundle(&o);
	if (!strcmp(argv[1], "import"))
		return cmd_import(&o);
	if (!strcmp(argv[1], "depts"))
		return cmd_depts(&o);
	if (!strcmp(argv[1], "fill"))
		return cmd_fill(&o);
	die("unknown command \"%s\"", argv[1]);
}
