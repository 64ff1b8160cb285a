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
 *	format library's own bundle writer; --csv writes the same counts
 *	(of table victims) as CSV, the input of the standard-tools pipeline;
 *   gen import --seed N --records M [--skip S] -o OUT.csv
 *	victims counts as a spreadsheet export for `collector import`;
 *   gen depts --seed N --records M
 *	prints the départements of member N (comma-separated codes), for
 *	`collector init --dept` before importing its counts;
 *   gen fill --db NATIONAL.db --records N [--per-org K] [--seed S]
 *	[--qn DIR [--tables T] [--year Y]]
 *	fills an initialised national database with N counts of N/K
 *	organisations (with their collectors, profiles and bundles), as if
 *	merged, in a few seconds per million rows: counts of table victims
 *	from fleet.c, or with --qn, counts of the first T tables of the
 *	questionnaire in DIR (tables.csv, lists.csv) for year Y, in years,
 *	quarters and months mixed, and some cells sent twice (see qgen).
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
#include <math.h>
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
#include "questionnaire.h"
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
	const char *kit, *key, *out, *csv, *db, *qn;
	uint64_t seed, records, skip, seq, per_org, tables, year;
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
	o->tables = 10;
	o->year = 2025;
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
		else if (!strcmp(a, "--qn"))
			o->qn = v;
		else if (!strcmp(a, "--tables"))
			o->tables = number(a, v);
		else if (!strcmp(a, "--year"))
			o->year = number(a, v);
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

/* The pipeline's CSV: one line per count, codes as text, the id in hex;
 * what a coordinator would ask associations to send without Maillage.
 * The table's code and its dimensions' codes, dim1 to dim4 (empty when
 * the table has fewer), as the national database's count table has them. */
static void csv_header(FILE *f)
{
	fputs("id,version,recorded_at,deleted,collector,table,period,dept,"
	      "dim1,dim2,dim3,dim4,count\n", f);
}

static void csv_row(FILE *f, const record *r, const char *key_id)
{
	char id[33];
	const rec_count *c = &r->u.count;

	id_format(r->id, id);
	if (r->deleted) {
		fprintf(f, "%s,%" PRIu32 ",%" PRId64 ",1,%s,,,,,,,,\n", id, r->version,
			r->recorded_at, key_id);
		return;
	}
	fprintf(f, "%s,%" PRIu32 ",%" PRId64 ",0,%s,%s,%s,%s", id, r->version,
		r->recorded_at, key_id, c->table, c->period, DEPTS[c->dept].code);
	for (int i = 0; i < REC_DIMS_MAX; i++)
		fprintf(f, ",%s", i < c->ndims ? c->dims[i] : "");
	fprintf(f, ",%" PRIu32 "\n", c->count);
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
		die("--csv holds counts only: it cannot be used with --mixed");
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

/* The collector's spreadsheet of victims counts (the header of samples/
 * templates/support.csv, which `collector import` reads as counts of table
 * victims): one row per count, codes as the flags spell them. */
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
		const rec_count *c = &r.u.count;

		if (fleet_next(&g, &r))
			die("seed %" PRIu64 ": grid exhausted", o->seed);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%" PRIu32 "\n", c->period, DEPTS[c->dept].code,
			c->dims[0], c->dims[1], c->dims[2], c->dims[3], c->count);
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

/* Uniform in [0, 1). */
static double unit01(uint64_t *s)
{
	return (double)(fleet_rand(s) >> 11) * (1.0 / 9007199254740992.0);
}

static void random_bytes(uint64_t *s, uint8_t *out, size_t n)
{
	for (size_t i = 0; i < n; i += 8) {
		uint64_t v = fleet_rand(s);
		memcpy(out + i, &v, n - i < 8 ? n - i : 8);
	}
}

/* ------------------------------------------------------------------ */
/* Counts of several questionnaire tables (gen fill --qn)              */

/* One organisation's counts of the tables of a questionnaire for one
 * year, as its collectors would have sent them over the year.  A cell
 * (table, département, one value of each dimension) is drawn at random,
 * the tables weighted by their number of cells, so that the large ones
 * (victims by country) get more rows; then the periods it is counted
 * for, one pattern per cell:
 *
 *   30 %  the year only;
 *   20 %  some quarters;
 *   25 %  some months;
 *   10 %  the year and some months (the year counts, never the months);
 *   15 %  each quarter by its own record, by its months, or both (the
 *         quarter counts then);
 *
 * and 3 % of the cells have one of their periods sent again later with
 * another count (the newer record counts).  A cell drawn twice adds more
 * rows for the same natural keys, like a spreadsheet imported twice:
 * again the newest counts.  Those are the rules of docs/REPORT.md that
 * make a report more than a sum. */
#define QGEN_TABLES_MAX 16
#define QGEN_QUEUE 24

struct qgen {
	const questionnaire *q;
	int tables[QGEN_TABLES_MAX];
	double weight[QGEN_TABLES_MAX];  /* cumulative share of the cells */
	int ntables;
	int year;
	rec_count queue[QGEN_QUEUE];
	int n, next;
};

static void qgen_init(struct qgen *qg, const questionnaire *q, int ntables, int year)
{
	double total = 0;

	memset(qg, 0, sizeof *qg);
	qg->q = q;
	qg->year = year;
	for (int t = 0; t < q->ntables && qg->ntables < ntables; t++) {
		const qn_table *tb = &q->tables[t];
		double cells = 1;

		if (tb->retired)
			continue;
		for (int d = 0; d < tb->ndims; d++)
			cells *= (double)q->lists[tb->dims[d]].t.count;
		qg->tables[qg->ntables] = t;
		total += cells;
		qg->weight[qg->ntables++] = total;
	}
	if (qg->ntables < ntables)
		die("the questionnaire has %d tables in use, %d asked", qg->ntables, ntables);
	for (int i = 0; i < qg->ntables; i++)
		qg->weight[i] /= total;
}

/* Log-uniform count below scale: most cells hold a handful of people. */
static uint32_t small_count(uint64_t *s, double scale)
{
	return (uint32_t)(exp(unit01(s) * log(scale + 1.0)) - 1.0);
}

static void qgen_push(struct qgen *qg, const rec_count *cell, const char *period,
		      uint32_t count)
{
	rec_count *c = &qg->queue[qg->n++];

	*c = *cell;
	snprintf(c->period, sizeof c->period, "%s", period);
	c->count = count;
}

/* Fills the queue with the rows of one new cell. */
static void qgen_cell(struct qgen *qg, fleet_gen *g)
{
	uint64_t *s = &g->rng;
	double w = unit01(s), u = unit01(s);
	const qn_table *tb;
	rec_count cell;
	char p[REC_PERIOD_MAX + 1];
	int t = 0, y = qg->year;

	while (t < qg->ntables - 1 && w >= qg->weight[t])
		t++;
	tb = &qg->q->tables[qg->tables[t]];
	memset(&cell, 0, sizeof cell);
	snprintf(cell.table, sizeof cell.table, "%s", tb->code);
	cell.dept = g->depts[fleet_rand(s) % (uint64_t)g->ndepts];
	cell.ndims = (uint8_t)tb->ndims;
	for (int d = 0; d < tb->ndims; d++) {
		const enum_table *l = &qg->q->lists[tb->dims[d]].t;

		snprintf(cell.dims[d], sizeof cell.dims[d], "%s",
			 l->items[fleet_rand(s) % (uint64_t)l->count].code);
	}
	qg->n = qg->next = 0;
	if (u < 0.30 || (u >= 0.75 && u < 0.85)) {
		snprintf(p, sizeof p, "%d", y);
		qgen_push(qg, &cell, p, small_count(s, 60));
	}
	if (u >= 0.30 && u < 0.50) {
		for (int k = 1; k <= 4; k++)
			if (unit01(s) < 0.8) {
				snprintf(p, sizeof p, "%d-Q%d", y, k);
				qgen_push(qg, &cell, p, small_count(s, 20));
			}
	}
	if (u >= 0.50 && u < 0.85) {
		for (int m = 1; m <= 12; m++)
			if (unit01(s) < 0.6) {
				snprintf(p, sizeof p, "%d-%02d", y, m);
				qgen_push(qg, &cell, p, small_count(s, 8));
			}
	}
	if (u >= 0.85) {
		for (int k = 1; k <= 4; k++) {
			double v = unit01(s);

			if (v < 0.7) {
				snprintf(p, sizeof p, "%d-Q%d", y, k);
				qgen_push(qg, &cell, p, small_count(s, 20));
			}
			if (v >= 0.4)
				for (int m = 3 * k - 2; m <= 3 * k; m++)
					if (unit01(s) < 0.7) {
						snprintf(p, sizeof p, "%d-%02d", y, m);
						qgen_push(qg, &cell, p, small_count(s, 8));
					}
		}
	}
	if (qg->n == 0) {
		snprintf(p, sizeof p, "%d", y);
		qgen_push(qg, &cell, p, small_count(s, 60));
	}
	if (unit01(s) < 0.03) {
		rec_count again = qg->queue[fleet_rand(s) % (uint64_t)qg->n];

		qgen_push(qg, &again, again.period, small_count(s, 20));
	}
}

/* The next count of the organisation whose stream is g into *r (kind,
 * version and the count; the caller sets id and time). */
static void qgen_next(struct qgen *qg, fleet_gen *g, record *r)
{
	if (qg->next >= qg->n)
		qgen_cell(qg, g);
	memset(r, 0, sizeof *r);
	r->kind = REC_COUNT;
	r->version = 1;
	r->u.count = qg->queue[qg->next++];
}

/* Gives g between 3 and 10 départements, as organisations counting many
 * tables tend to be the larger ones. */
static void qgen_depts(fleet_gen *g)
{
	uint8_t used[DEPT_COUNT] = { 0 };
	int want = 3 + (int)(fleet_rand(&g->rng) % 8), n = 0;

	while (n < want) {
		unsigned d = (unsigned)(fleet_rand(&g->rng) % DEPT_COUNT);

		if (!used[d]) {
			used[d] = 1;
			n++;
		}
	}
	g->ndepts = 0;
	for (int i = 0; i < DEPT_COUNT; i++)
		if (used[i])
			g->depts[g->ndepts++] = (uint8_t)i;
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
	sqlite3_stmt *org_st, *dept_st, *col_st, *bun_st, *rec_st, *cnt_st, *prof_st, *ver_st;
	questionnaire *qn = NULL;
	struct qgen qg;
	uint64_t norgs, k = 0, st;
	int64_t now = FLEET_EPOCH + 90 * 86400;
	char index_sql[1024];
	fmt_error err;

	need(o->db, "--db");
	if (o->records == 0 || o->per_org == 0)
		die("--records and --per-org must be positive");
	init_rng("fill", o->seed, 0);
	if (o->qn) {
		if (o->tables < 1 || o->tables > QGEN_TABLES_MAX)
			die("--tables: 1 to %d", QGEN_TABLES_MAX);
		if (o->year < 2000 || o->year > 2099)
			die("--year: 2000 to 2099");
		check(qn_read_dir(o->qn, &qn, NULL, NULL, &err), &err, o->qn);
		qgen_init(&qg, qn, (int)o->tables, (int)o->year);
	}
	norgs = (o->records + o->per_org - 1) / o->per_org;
	st = o->seed ^ 0x66696c6cull;

	sql_check(sqlite3_open_v2(o->db, &fill_db, SQLITE_OPEN_READWRITE, NULL), o->db);
	ver_st = sql_prepare("PRAGMA user_version");
	sql_check(sqlite3_step(ver_st), "user_version");
	if (sqlite3_column_int(ver_st, 0) < 1)
		die("%s: not an initialised national database (run merger init)", o->db);
	sqlite3_finalize(ver_st);

	/* A bulk load, not a merge: no journal, no fsync, a large cache, and
	 * the natural-key index of the counts rebuilt once at the end (with
	 * the schema's own definition) rather than maintained row by row. */
	sql_exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
		 "PRAGMA cache_size=-1048576; PRAGMA locking_mode=EXCLUSIVE;");
	{
		sqlite3_stmt *q = sql_prepare("SELECT sql FROM sqlite_master "
					      "WHERE type='index' AND name='count_key'");

		if (sqlite3_step(q) != SQLITE_ROW)
			die("%s: no count_key index: schema changed, update gen fill", o->db);
		snprintf(index_sql, sizeof index_sql, "%s", sqlite3_column_text(q, 0));
		sqlite3_finalize(q);
	}
	sql_exec("DROP INDEX count_key");

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
	cnt_st = sql_prepare("INSERT INTO count(id, org_id, \"table\", period, dept, dim1, dim2,"
			     " dim3, dim4, count, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)");
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
		fleet_init(&g, o->seed + j, 0, qn ? 0 : n);
		if (qn)
			qgen_depts(&g);
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
			const rec_count *c = &r.u.count;

			if (qn)
				qgen_next(&qg, &g, &r);
			else if (fleet_next(&g, &r))
				die("seed %" PRIu64 ": grid exhausted", o->seed + j);
			filler_id(k, o->records, &st, &g, &r);
			check(record_digest(&r, digest, &err), &err, "digest");
			sqlite3_bind_blob(rec_st, 1, r.id, 16, SQLITE_STATIC);
			sqlite3_bind_text(rec_st, 2, key_id, -1, SQLITE_STATIC);
			sqlite3_bind_int64(rec_st, 3, org_id);
			sqlite3_bind_text(rec_st, 4, record_kind_name(REC_COUNT), -1,
					  SQLITE_STATIC);
			sqlite3_bind_int64(rec_st, 5, r.version);
			sqlite3_bind_int64(rec_st, 6, r.recorded_at);
			sqlite3_bind_blob(rec_st, 7, digest, 16, SQLITE_STATIC);
			sqlite3_bind_blob(rec_st, 8, bundle_id, 16, SQLITE_STATIC);
			sql_step(rec_st, "record");
			sqlite3_bind_blob(cnt_st, 1, r.id, 16, SQLITE_STATIC);
			sqlite3_bind_int64(cnt_st, 2, org_id);
			sqlite3_bind_text(cnt_st, 3, c->table, -1, SQLITE_STATIC);
			sqlite3_bind_text(cnt_st, 4, c->period, -1, SQLITE_STATIC);
			sqlite3_bind_text(cnt_st, 5, DEPTS[c->dept].code, -1, SQLITE_STATIC);
			/* Dimensions a table does not have stay NULL, as the
			 * merger leaves them. */
			for (int d = 0; d < c->ndims; d++)
				sqlite3_bind_text(cnt_st, 6 + d, c->dims[d], -1, SQLITE_STATIC);
			sqlite3_bind_int64(cnt_st, 10, c->count);
			sqlite3_bind_int64(cnt_st, 11, r.recorded_at);
			sql_step(cnt_st, "count");
		}
	}
	sql_exec("COMMIT");
	sql_exec(index_sql);
	sqlite3_finalize(org_st);
	sqlite3_finalize(dept_st);
	sqlite3_finalize(col_st);
	sqlite3_finalize(bun_st);
	sqlite3_finalize(rec_st);
	sqlite3_finalize(cnt_st);
	sqlite3_finalize(prof_st);
	/* Back to what db_open() sets, so the merger finds its usual file. */
	sql_exec("PRAGMA locking_mode=NORMAL; PRAGMA journal_mode=WAL;");
	if (sqlite3_close(fill_db) != SQLITE_OK)
		die("%s: %s", o->db, sqlite3_errmsg(fill_db));
	qn_free(qn);
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
