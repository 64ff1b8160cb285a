/*
 * quality.c - data quality in the national database: the rules of the
 * questionnaire re-checked on each organisation's counts (the collector
 * checked them before it exported, but a field worker may send despite
 * errors, and an edition may bring new rules), the outliers, and the
 * reasons given for bundles sent despite errors.  Nothing here refuses a
 * bundle: failures are recorded and listed for follow-up.
 *
 * The evaluation is the questionnaire's own (format/qn_rules.c), the one
 * the collector uses.  Counts are read as the report reads them: of two
 * rows of the same organisation and cell (two collectors of one
 * organisation), the newest.
 */
#include "merger.h"
#include "quality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "db.h"
#include "edition.h"
#include "report.h"
#include "textout.h"

/* The live counts, the newest of each organisation and cell. */
#define COUNTS_SQL \
	"SELECT org_id, \"table\", period, dept, dim1, dim2, dim3, dim4, count FROM (" \
	" SELECT *, row_number() OVER (PARTITION BY org_id, \"table\", period, dept, dim1," \
	"  dim2, dim3, dim4 ORDER BY recorded_at DESC, id DESC) AS newest FROM count)" \
	" WHERE newest = 1 AND (?1 = 0 OR org_id = ?1) ORDER BY org_id, period, dept"

struct row {
	sqlite3_int64 org;
	rec_count c;
	char dept[4];
};

static int load(sqlite3 *db, sqlite3_int64 org, struct row **rows, size_t *n, fmt_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t cap = 0;
	int rc;

	*rows = NULL;
	*n = 0;
	if ((rc = db_prepare(db, &st, COUNTS_SQL, err)))
		return rc;
	sqlite3_bind_int64(st, 1, org);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct row *r;
		int d;

		if (*n == cap) {
			cap = cap ? 2 * cap : 1024;
			if (!(r = realloc(*rows, cap * sizeof *r))) {
				sqlite3_finalize(st);
				return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
			}
			*rows = r;
		}
		r = &(*rows)[(*n)++];
		memset(r, 0, sizeof *r);
		r->org = sqlite3_column_int64(st, 0);
		snprintf(r->c.table, sizeof r->c.table, "%s", sqlite3_column_text(st, 1));
		snprintf(r->c.period, sizeof r->c.period, "%s", sqlite3_column_text(st, 2));
		snprintf(r->dept, sizeof r->dept, "%s", sqlite3_column_text(st, 3));
		d = dept_find(r->dept);
		r->c.dept = (uint8_t)(d < 0 ? 0 : d);
		for (int k = 0; k < REC_DIMS_MAX && sqlite3_column_type(st, 4 + k) != SQLITE_NULL;
		     k++)
			snprintf(r->c.dims[r->c.ndims++], sizeof r->c.dims[0], "%s",
				 sqlite3_column_text(st, 4 + k));
		r->c.count = (uint32_t)sqlite3_column_int64(st, 8);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? FMT_OK : db_fail(db, rc, "reading the counts", err);
}

/* "complaints sexual/f = 12" */
static void cell_text(const rec_count *c, char *buf, size_t cap)
{
	size_t used;

	snprintf(buf, cap, "%s ", c->table);
	for (int k = 0; k < c->ndims; k++) {
		used = strlen(buf);
		snprintf(buf + used, cap - used, "%s%s", k ? "/" : "", c->dims[k]);
	}
	used = strlen(buf);
	snprintf(buf + used, cap - used, " = %lu", (unsigned long)c->count);
}

/* The failures of one group go here. */
struct collecting {
	quality *qa;
	const struct row *rows;      /* the group's */
	unsigned errors, warnings;
	int nomem;
};

static void on_failure(void *ctx, const questionnaire *q, const qn_failure *f)
{
	struct collecting *cl = ctx;
	quality *qa = cl->qa;
	q_failure *x;
	size_t cap = 1, used = 0;
	char cell[160];

	if (q->rules[f->rule].severity == QN_ERROR)
		cl->errors++;
	else
		cl->warnings++;
	if (!qa)
		return;
	x = realloc(qa->failures, (qa->nfailures + 1) * sizeof *x);
	if (!x) {
		cl->nomem = 1;
		return;
	}
	qa->failures = x;
	x = &qa->failures[qa->nfailures];
	memset(x, 0, sizeof *x);
	x->org = cl->rows[0].org;
	x->rule = f->rule;
	snprintf(x->period, sizeof x->period, "%s", cl->rows[0].c.period);
	snprintf(x->dept, sizeof x->dept, "%s", cl->rows[0].dept);
	x->left = f->left;
	x->right = f->right;
	cap = f->ncells * sizeof cell + 1;
	if (!(x->cells = malloc(cap))) {
		cl->nomem = 1;
		return;
	}
	x->cells[0] = '\0';
	for (size_t i = 0; i < f->ncells; i++) {
		cell_text(&cl->rows[f->cells[i]].c, cell, sizeof cell);
		used += (size_t)snprintf(x->cells + used, cap - used, "%s%s", i ? "; " : "", cell);
	}
	qa->nfailures++;
	if (q->rules[f->rule].severity == QN_ERROR)
		qa->errors++;
	else
		qa->warnings++;
}

/* Checks the rules on rows[0..n), ordered by organisation, period and
 * département, group by group (only those of period when given). */
static int check_groups(const questionnaire *q, const struct row *rows, size_t n,
			const char *period, struct collecting *cl, fmt_error *err)
{
	rec_count *counts;
	size_t i, j;

	if (!n || !q->nrules)
		return FMT_OK;
	if (!(counts = malloc(n * sizeof *counts)))
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	for (i = 0; i < n; i++)
		counts[i] = rows[i].c;
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && rows[j].org == rows[i].org &&
			    strcmp(rows[j].c.period, rows[i].c.period) == 0 &&
			    rows[j].c.dept == rows[i].c.dept; j++)
			;
		if (period && !period_within(rows[i].c.period, period))
			continue;
		cl->rows = &rows[i];
		if (qn_rules_check(q, &counts[i], j - i, on_failure, cl) < 0 || cl->nomem) {
			free(counts);
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
		}
	}
	free(counts);
	return FMT_OK;
}

/* Order of a cell across periods: organisation, table, département,
 * values, then period. */
static int by_cell(const void *a, const void *b)
{
	const struct row *x = *(const struct row *const *)a, *y = *(const struct row *const *)b;
	int c;

	if (x->org != y->org)
		return x->org < y->org ? -1 : 1;
	if ((c = strcmp(x->c.table, y->c.table)) || (c = strcmp(x->dept, y->dept)))
		return c;
	if (x->c.ndims != y->c.ndims)
		return x->c.ndims - y->c.ndims;
	for (int k = 0; k < x->c.ndims; k++)
		if ((c = strcmp(x->c.dims[k], y->c.dims[k])))
			return c;
	return strcmp(x->c.period, y->c.period);
}

static int find_outliers(quality *qa, const struct row *rows, size_t n, const char *period,
			 fmt_error *err)
{
	const struct row **by = malloc((n ? n : 1) * sizeof *by);
	int rc = FMT_OK;

	if (!by)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	for (size_t i = 0; i < n; i++)
		by[i] = &rows[i];
	qsort(by, n, sizeof *by, by_cell);
	for (size_t i = 0; i < n; i++) {
		const struct row *r = by[i], **hit = NULL;
		struct row key;
		const struct row *kp = &key;
		uint32_t factor, thr;
		int64_t prev = -1;
		int flags;
		q_outlier *x;

		if (period && !period_within(r->c.period, period))
			continue;
		key = *r;
		if (period_previous(r->c.period, key.c.period) == 0)
			hit = bsearch(&kp, by, n, sizeof *by, by_cell);
		if (hit)
			prev = (*hit)->c.count;
		if (!(flags = qn_outlier(qa->q, &r->c, prev, &factor, &thr)))
			continue;
		if (!(x = realloc(qa->outliers, (qa->noutliers + 1) * sizeof *x))) {
			rc = fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
			break;
		}
		qa->outliers = x;
		x = &qa->outliers[qa->noutliers++];
		x->org = r->org;
		x->c = r->c;
		snprintf(x->dept, sizeof x->dept, "%s", r->dept);
		x->flags = flags;
		x->prev = prev;
		snprintf(x->prev_period, sizeof x->prev_period, "%s", key.c.period);
		x->factor = factor;
		x->threshold = thr;
	}
	free(by);
	return rc;
}

static int load_overrides(sqlite3 *db, quality *qa, sqlite3_int64 org, fmt_error *err)
{
	static const char sql[] =
		"SELECT c.org_id, b.collector, b.seq, b.created, b.merged_at, b.reason"
		" FROM bundle b JOIN collector c ON c.key_id = b.collector"
		" WHERE b.reason IS NOT NULL AND (?1 = 0 OR c.org_id = ?1)"
		" ORDER BY c.org_id, b.merged_at, b.seq";
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(db, &st, sql, err)))
		return rc;
	sqlite3_bind_int64(st, 1, org);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		q_override *x = realloc(qa->overrides, (qa->noverrides + 1) * sizeof *x);

		if (!x) {
			sqlite3_finalize(st);
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
		}
		qa->overrides = x;
		x = &qa->overrides[qa->noverrides++];
		x->org = sqlite3_column_int64(st, 0);
		snprintf(x->collector, sizeof x->collector, "%s", sqlite3_column_text(st, 1));
		x->seq = sqlite3_column_int64(st, 2);
		x->created = sqlite3_column_int64(st, 3);
		x->merged_at = sqlite3_column_int64(st, 4);
		snprintf(x->reason, sizeof x->reason, "%s", sqlite3_column_text(st, 5));
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? FMT_OK : db_fail(db, rc, "reading the bundles", err);
}

static int by_name(const void *a, const void *b)
{
	const q_org *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

/* The organisations concerned, named, with their totals. */
static int name_orgs(sqlite3 *db, quality *qa, fmt_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc;

	if ((rc = db_prepare(db, &st, "SELECT id, name FROM organisation ORDER BY id", err)))
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(st, 0);
		q_org o = { id, "", 0, 0, 0, 0 }, *x;

		for (size_t i = 0; i < qa->nfailures; i++)
			if (qa->failures[i].org == id) {
				if (qa->q->rules[qa->failures[i].rule].severity == QN_ERROR)
					o.errors++;
				else
					o.warnings++;
			}
		for (size_t i = 0; i < qa->noutliers; i++)
			o.outliers += qa->outliers[i].org == id;
		for (size_t i = 0; i < qa->noverrides; i++)
			o.overrides += qa->overrides[i].org == id;
		if (!o.errors && !o.warnings && !o.outliers && !o.overrides)
			continue;
		snprintf(o.name, sizeof o.name, "%s", sqlite3_column_text(st, 1));
		if (!(x = realloc(qa->orgs, (qa->norgs + 1) * sizeof *x))) {
			sqlite3_finalize(st);
			return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
		}
		qa->orgs = x;
		qa->orgs[qa->norgs++] = o;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, "reading the organisations", err);
	if (qa->norgs > 1)
		qsort(qa->orgs, qa->norgs, sizeof *qa->orgs, by_name);
	return FMT_OK;
}

int quality_collect(sqlite3 *db, const questionnaire *q, sqlite3_int64 org, const char *period,
		    quality **out, fmt_error *err)
{
	quality *qa = calloc(1, sizeof *qa);
	struct collecting cl = { qa, NULL, 0, 0, 0 };
	struct row *rows = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!qa)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	qa->q = q;
	if ((rc = load(db, org, &rows, &n, err)) ||
	    (rc = check_groups(q, rows, n, period, &cl, err)) ||
	    (rc = find_outliers(qa, rows, n, period, err)) ||
	    (rc = load_overrides(db, qa, org, err)) || (rc = name_orgs(db, qa, err))) {
		free(rows);
		quality_free(qa);
		return rc;
	}
	free(rows);
	*out = qa;
	return FMT_OK;
}

void quality_free(quality *qa)
{
	if (!qa)
		return;
	for (size_t i = 0; i < qa->nfailures; i++)
		free(qa->failures[i].cells);
	free(qa->failures);
	free(qa->outliers);
	free(qa->overrides);
	free(qa->orgs);
	free(qa);
}

/* The live rows of one organisation, table, period and département, in
 * the order of the count table's key index (their cells, then nothing to
 * sort), read from that index alone (it holds count and recorded_at since
 * migration 4, and id as every index of the table): load_group() keeps
 * the newest of each cell, as COUNTS_SQL's window does over the whole
 * table. */
#define GROUP_SQL \
	"SELECT dim1, dim2, dim3, dim4, count, recorded_at, id FROM count" \
	" WHERE org_id = ?1 AND \"table\" = ?2 AND period = ?3 AND dept = ?4" \
	" ORDER BY dim1, dim2, dim3, dim4"

/* Copies s, cut to cap - 1 bytes, into out. */
static void copy_code(char *out, size_t cap, const char *s)
{
	size_t n = strnlen(s, cap - 1);

	memcpy(out, s, n);
	out[n] = '\0';
}

/* Whether cell c has the ndims codes dim. */
static int same_cell(const rec_count *c, const char *const *dim, int ndims)
{
	if (c->ndims != ndims)
		return 0;
	for (int k = 0; k < ndims; k++)
		if (strcmp(c->dims[k], dim[k]) != 0)
			return 0;
	return 1;
}

/* Appends the counts of table t in one group to *counts (*n of *cap),
 * the newest row of each cell: the latest recorded_at, then the greatest
 * id.  The codes are compared where SQLite holds them, and copied only
 * for a new cell: this runs on every row a merge touched. */
static int load_group(sqlite3_stmt *st, const qn_table *t, const char *period, uint8_t dept,
		      rec_count **counts, size_t *n, size_t *cap, fmt_error *err)
{
	size_t first = *n;         /* this table's cells start here */
	int64_t at = 0;            /* the newest row of the last cell: its time and id */
	uint8_t id[16] = { 0 };
	int rc;

	sqlite3_reset(st);
	sqlite3_bind_text(st, 2, t->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, period, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, DEPTS[dept].code, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *dim[REC_DIMS_MAX];
		int64_t row_at = sqlite3_column_int64(st, 5);
		const void *row_id = sqlite3_column_blob(st, 6);
		uint8_t rid[16] = { 0 };
		rec_count *c = *n > first ? &(*counts)[*n - 1] : NULL;
		int nd = 0;

		if (row_id && sqlite3_column_bytes(st, 6) == 16)
			memcpy(rid, row_id, 16);
		while (nd < REC_DIMS_MAX &&
		       (dim[nd] = (const char *)sqlite3_column_text(st, nd)) != NULL)
			nd++;
		if (c && same_cell(c, dim, nd)) {
			/* another row of the same cell: keep the newest */
			if (row_at > at || (row_at == at && memcmp(rid, id, 16) > 0)) {
				c->count = (uint32_t)sqlite3_column_int64(st, 4);
				at = row_at;
				memcpy(id, rid, 16);
			}
			continue;
		}
		if (*n == *cap) {
			size_t more = *cap ? 2 * *cap : 256;

			if (!(c = realloc(*counts, more * sizeof *c)))
				return fmt_fail(err, FMT_E_NOMEM, "out of memory");
			*counts = c;
			*cap = more;
		}
		c = &(*counts)[(*n)++];
		memset(c, 0, sizeof *c);
		copy_code(c->table, sizeof c->table, t->code);
		copy_code(c->period, sizeof c->period, period);
		c->dept = dept;
		c->ndims = (uint8_t)nd;
		for (int k = 0; k < nd; k++)
			copy_code(c->dims[k], sizeof c->dims[k], dim[k]);
		c->count = (uint32_t)sqlite3_column_int64(st, 4);
		at = row_at;
		memcpy(id, rid, 16);
	}
	return rc == SQLITE_DONE ? FMT_OK : db_fail(sqlite3_db_handle(st), rc,
						    "reading the counts", err);
}

int quality_after_merge(sqlite3 *db, applier *ap, sqlite3_int64 org, const bundle_info *info,
			unsigned *errors, unsigned *warnings, fmt_error *err)
{
	const questionnaire *q = applier_questionnaire(ap);
	const qn_groups *groups = applier_groups(ap);
	static const char sql[] =
		"UPDATE bundle SET reason = ?2, rule_errors = ?3, rule_warnings = ?4 WHERE id = ?1";
	struct collecting cl = { NULL, NULL, 0, 0, 0 };
	sqlite3_stmt *st = NULL;
	rec_count *counts = NULL;
	uint64_t *keys = NULL;
	size_t nkeys = 0, n, cap = 0;
	int rc = FMT_OK;

	if (q->nrules && qn_groups_sorted(groups, &keys, &nkeys) != 0)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	if (nkeys && (rc = applier_statement(ap, AX_RULES_GROUP, GROUP_SQL, &st, err)))
		goto out;
	if (st)
		sqlite3_bind_int64(st, 1, org);
	for (size_t g = 0; rc == FMT_OK && g < nkeys; g++) {
		char period[REC_PERIOD_MAX + 1];
		uint8_t dept;

		const rec_count *cells = counts;
		int known;

		qn_group_of(keys[g], period, &dept);
		n = 0;
		known = applier_new_group(ap, period, dept, &cells, &n);
		if (known < 0)
			rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		for (int t = 0; !known && rc == FMT_OK && t < q->ntables; t++)
			if (qn_table_checked(q, t))
				rc = load_group(st, &q->tables[t], period, dept, &counts, &n, &cap,
						err);
		if (!known)
			cells = counts;
		if (rc == FMT_OK && n && qn_rules_check(q, cells, n, on_failure, &cl) < 0)
			rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	if (st)
		sqlite3_reset(st);
	if (rc)
		goto out;
	*errors = cl.errors;
	*warnings = cl.warnings;
	if ((rc = applier_statement(ap, AX_RULES_SAVE, sql, &st, err)))
		goto out;
	sqlite3_bind_blob(st, 1, info->bundle_id, 16, SQLITE_STATIC);
	if (info->reason[0])
		sqlite3_bind_text(st, 2, info->reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, cl.errors);
	sqlite3_bind_int64(st, 4, cl.warnings);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? FMT_OK : db_fail(db, rc, "saving the bundle's rules", err);
	sqlite3_reset(st);
out:
	free(counts);
	free(keys);
	return rc;
}

/* ------------------------------------------------------------------ */
/* merger quality                                                      */

static const char *severity_name(int s)
{
	/* A code in the files; tr() words it for the terminal. */
	return s == QN_ERROR ? N_("error") : N_("warning");
}

/* What an outlier is, in words: "40, more than 3 times 10 in 2026-Q1";
 * in the language of messages when local, in English for the files. */
static void outlier_text(const q_outlier *o, int local, char *buf, size_t cap)
{
	size_t used = 0;

	buf[0] = '\0';
	if (o->flags & QN_OUTLIER_RATIO)
		used = (size_t)snprintf(buf, cap, local ? _("more than %lu times %lld in %s") :
					"more than %lu times %lld in %s",
					(unsigned long)o->factor, (long long)o->prev,
					o->prev_period);
	if ((o->flags & QN_OUTLIER_ABOVE) && used < cap)
		snprintf(buf + used, cap - used, local ? _("%sabove the threshold %lu") :
			 "%sabove the threshold %lu", used ? "; " : "",
			 (unsigned long)o->threshold);
}

static void print_text(const quality *qa)
{
	const questionnaire *q = qa->q;
	int en = shell_lang() == LANG_EN;
	char text[1024], left[512], right[512], when[TIME_BUF];

	printf(_("Data quality (questionnaire edition %u, %d rule%s): %u error%s, %u warning%s, "
		 "%zu outlier%s, %zu bundle%s sent despite errors\n"), (unsigned)q->edition,
	       q->nrules, q->nrules == 1 ? "" : "s", qa->errors, qa->errors == 1 ? "" : "s",
	       qa->warnings, qa->warnings == 1 ? "" : "s", qa->noutliers,
	       qa->noutliers == 1 ? "" : "s", qa->noverrides, qa->noverrides == 1 ? "" : "s");
	for (size_t o = 0; o < qa->norgs; o++) {
		const q_org *g = &qa->orgs[o];

		printf(_("\n%s (organisation %lld): %u error%s, %u warning%s, %u outlier%s\n"),
		       term_text(g->name, text, sizeof text), (long long)g->id, g->errors,
		       g->errors == 1 ? "" : "s", g->warnings, g->warnings == 1 ? "" : "s",
		       g->outliers, g->outliers == 1 ? "" : "s");
		for (size_t i = 0; i < qa->nfailures; i++) {
			const q_failure *f = &qa->failures[i];
			const qn_rule *r = &q->rules[f->rule];
			const char *why = en && r->message_en[0] ? r->message_en :
					  r->message_fr[0] ? r->message_fr : r->message_en;

			if (f->org != g->id)
				continue;
			qn_side_describe(q, r, 0, en, left, sizeof left);
			qn_side_describe(q, r, 1, en, right, sizeof right);
			printf(_("  %s %s, %s, dept %s: %s = %llu, %s = %llu (expected %s %s %s)\n"),
			       tr(severity_name(r->severity)), r->code, f->period, f->dept, left,
			       (unsigned long long)f->left, right, (unsigned long long)f->right,
			       left, qn_rule_op(r->kind), right);
			printf("    %s\n", term_text(why, text, sizeof text));
			printf(_("    counts: %s\n"), term_text(f->cells, text, sizeof text));
		}
		for (size_t i = 0; i < qa->noutliers; i++) {
			const q_outlier *x = &qa->outliers[i];

			if (x->org != g->id)
				continue;
			cell_text(&x->c, left, sizeof left);
			outlier_text(x, 1, right, sizeof right);
			printf(_("  outlier %s, %s, dept %s: %s\n"), left, x->c.period, x->dept, right);
		}
		for (size_t i = 0; i < qa->noverrides; i++) {
			const q_override *x = &qa->overrides[i];

			if (x->org != g->id)
				continue;
			time_format(x->merged_at, TIME_HUMAN, when);
			printf(_("  sent despite errors: bundle %lld of key %s, merged %s: \"%s\"\n"),
			       x->seq, x->collector, when, term_text(x->reason, text, sizeof text));
		}
	}
}

static void print_csv(const quality *qa)
{
	static const char *const head[] = {
		"org_id", "organisation", "what", "code", "severity", "period", "dept", "left",
		"right", "detail",
	};
	const questionnaire *q = qa->q;
	const char *cells[10];
	char id[24], l[32], r[32], detail[2048], when[TIME_BUF];

	csv_write_row(stdout, head, 10);
	for (size_t o = 0; o < qa->norgs; o++) {
		const q_org *g = &qa->orgs[o];

		snprintf(id, sizeof id, "%lld", (long long)g->id);
		cells[0] = id;
		cells[1] = g->name;
		for (size_t i = 0; i < qa->nfailures; i++) {
			const q_failure *f = &qa->failures[i];

			if (f->org != g->id)
				continue;
			snprintf(l, sizeof l, "%llu", (unsigned long long)f->left);
			snprintf(r, sizeof r, "%llu", (unsigned long long)f->right);
			cells[2] = "rule";
			cells[3] = q->rules[f->rule].code;
			cells[4] = severity_name(q->rules[f->rule].severity);
			cells[5] = f->period;
			cells[6] = f->dept;
			cells[7] = l;
			cells[8] = r;
			cells[9] = f->cells;
			csv_write_row(stdout, cells, 10);
		}
		for (size_t i = 0; i < qa->noutliers; i++) {
			const q_outlier *x = &qa->outliers[i];
			char cell[256], why[256];

			if (x->org != g->id)
				continue;
			cell_text(&x->c, cell, sizeof cell);
			outlier_text(x, 0, why, sizeof why);
			snprintf(detail, sizeof detail, "%s: %s", cell, why);
			snprintf(l, sizeof l, "%lu", (unsigned long)x->c.count);
			if (x->prev >= 0)
				snprintf(r, sizeof r, "%lld", (long long)x->prev);
			else
				r[0] = '\0';
			cells[2] = "outlier";
			cells[3] = x->c.table;
			cells[4] = "warning";
			cells[5] = x->c.period;
			cells[6] = x->dept;
			cells[7] = l;
			cells[8] = r;
			cells[9] = detail;
			csv_write_row(stdout, cells, 10);
		}
		for (size_t i = 0; i < qa->noverrides; i++) {
			const q_override *x = &qa->overrides[i];

			if (x->org != g->id)
				continue;
			time_format(x->merged_at, TIME_ISO, when);
			snprintf(l, sizeof l, "%lld", x->seq);
			cells[2] = "override";
			cells[3] = x->collector;
			cells[4] = "error";
			cells[5] = when;
			cells[6] = "";
			cells[7] = l;
			cells[8] = "";
			cells[9] = x->reason;
			csv_write_row(stdout, cells, 10);
		}
	}
}

static void print_json(const quality *qa)
{
	const questionnaire *q = qa->q;
	char text[512];

	printf("{\"edition\": %u, \"errors\": %u, \"warnings\": %u, \"outliers\": %zu, "
	       "\"overrides\": %zu, \"organisations\": [", (unsigned)q->edition, qa->errors,
	       qa->warnings, qa->noutliers, qa->noverrides);
	for (size_t o = 0; o < qa->norgs; o++) {
		const q_org *g = &qa->orgs[o];
		int n = 0;

		printf("%s\n {\"id\": %lld, \"name\": ", o ? "," : "", (long long)g->id);
		out_json_string(stdout, g->name);
		fputs(", \"failures\": [", stdout);
		for (size_t i = 0; i < qa->nfailures; i++) {
			const q_failure *f = &qa->failures[i];
			const qn_rule *r = &q->rules[f->rule];

			if (f->org != g->id)
				continue;
			printf("%s\n  {\"rule\": ", n++ ? "," : "");
			out_json_string(stdout, r->code);
			printf(", \"severity\": \"%s\", \"op\": \"%s\", \"period\": \"%s\", "
			       "\"dept\": \"%s\", \"left\": %llu, \"right\": %llu, \"message_fr\": ",
			       severity_name(r->severity), qn_rule_op(r->kind), f->period, f->dept,
			       (unsigned long long)f->left, (unsigned long long)f->right);
			out_json_string(stdout, r->message_fr);
			fputs(", \"cells\": ", stdout);
			out_json_string(stdout, f->cells);
			putchar('}');
		}
		fputs("], \"outliers\": [", stdout);
		n = 0;
		for (size_t i = 0; i < qa->noutliers; i++) {
			const q_outlier *x = &qa->outliers[i];

			if (x->org != g->id)
				continue;
			cell_text(&x->c, text, sizeof text);
			printf("%s\n  {\"cell\": ", n++ ? "," : "");
			out_json_string(stdout, text);
			printf(", \"table\": \"%s\", \"period\": \"%s\", \"dept\": \"%s\", \"count\": %lu, "
			       "\"previous\": ", x->c.table, x->c.period, x->dept,
			       (unsigned long)x->c.count);
			if (x->prev >= 0)
				printf("%lld", (long long)x->prev);
			else
				fputs("null", stdout);
			printf(", \"ratio\": %s, \"factor\": %lu, \"above\": %s, \"threshold\": %lu}",
			       x->flags & QN_OUTLIER_RATIO ? "true" : "false", (unsigned long)x->factor,
			       x->flags & QN_OUTLIER_ABOVE ? "true" : "false",
			       (unsigned long)x->threshold);
		}
		fputs("], \"overrides\": [", stdout);
		n = 0;
		for (size_t i = 0; i < qa->noverrides; i++) {
			const q_override *x = &qa->overrides[i];

			if (x->org != g->id)
				continue;
			printf("%s\n  {\"collector\": \"%s\", \"seq\": %lld, \"merged_at\": %lld, "
			       "\"reason\": ", n++ ? "," : "", x->collector, x->seq,
			       (long long)x->merged_at);
			out_json_string(stdout, x->reason);
			putchar('}');
		}
		fputs("]}", stdout);
	}
	fputs("]}\n", stdout);
}

int cmd_quality(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "format", 1, NULL }, { "period", 1, NULL }, { "help", 0, NULL },
		       { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1];
	const char *format;
	questionnaire *q = NULL;
	quality *qa = NULL;
	fmt_error err = { 0 };
	sqlite3 *db = NULL;
	char *pos[1];
	int npos, rc;

	if ((rc = args_parse("quality", argc, argv, opts, 4, pos, 0, &npos)))
		return rc;
	if (opts[2].value || opts[3].value) {
		printf("usage: merger quality [--format text|csv|json] [--period P]\n");
		return 0;
	}
	format = opts[0].value ? opts[0].value : "text";
	if (strcmp(format, "text") && strcmp(format, "csv") && strcmp(format, "json"))
		return usage_error("quality: unknown format \"%s\" (text, csv or json)",
				   esc(format));
	if (opts[1].value && period_parse(opts[1].value, period, &err) != FMT_OK)
		return usage_error("quality: --period %s: %s", esc(opts[1].value),
				   fmt_error_bare(&err));
	if ((rc = merger_open_db(ctx, &db, &err)))
		return fail(&err, NULL);
	rc = edition_latest(db, &q, &err);
	if (rc == FMT_DONE) {
		db_close(db);
		msg("no questionnaire was published: merger questionnaire publish DIR");
		return EXIT_ENV;
	}
	if (rc || (rc = quality_collect(db, q, 0, opts[1].value ? period : NULL, &qa, &err))) {
		db_close(db);
		qn_free(q);
		return fail(&err, ctx->db_path);
	}
	db_close(db);
	if (strcmp(format, "json") == 0)
		print_json(qa);
	else if (strcmp(format, "csv") == 0)
		print_csv(qa);
	else
		print_text(qa);
	quality_free(qa);
	qn_free(q);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The quality section of merger report                                */

static const quality *shown_quality(const report *r)
{
	return r->public_mode || !r->quality || !r->quality->norgs ? NULL : r->quality;
}

static const char *plural(unsigned n)
{
	return n > 1 ? "s" : "";
}

void report_quality_text(FILE *f, const report *r)
{
	const quality *qa = shown_quality(r);

	if (!qa)
		return;
	fputs("\nQualité des données\n===================\n", f);
	fprintf(f, "\n  Règles en échec : %u erreur%s, %u avertissement%s ; valeurs atypiques : "
		"%zu ; envois malgré les erreurs : %zu (détail : merger quality)\n", qa->errors,
		plural(qa->errors), qa->warnings, plural(qa->warnings), qa->noutliers,
		qa->noverrides);
	for (size_t i = 0; i < qa->norgs; i++) {
		const q_org *o = &qa->orgs[i];

		fputs("    - ", f);
		out_term(f, o->name, 0);
		fprintf(f, " : %u erreur%s, %u avertissement%s, %u valeur%s atypique%s, %u envoi%s "
			"malgré les erreurs\n", o->errors, plural(o->errors), o->warnings,
			plural(o->warnings), o->outliers, plural(o->outliers), plural(o->outliers),
			o->overrides, plural(o->overrides));
	}
}

void report_quality_json(FILE *f, const report *r)
{
	const quality *qa = r->public_mode ? NULL : r->quality;

	if (!qa)
		return;
	fprintf(f, "  \"quality\": {\"errors\": %u, \"warnings\": %u, \"outliers\": %zu, "
		"\"overrides\": %zu, \"organisations\": [", qa->errors, qa->warnings,
		qa->noutliers, qa->noverrides);
	for (size_t i = 0; i < qa->norgs; i++) {
		const q_org *o = &qa->orgs[i];

		fputs(i ? ",\n    {\"name\": " : "\n    {\"name\": ", f);
		out_json_string(f, o->name);
		fprintf(f, ", \"errors\": %u, \"warnings\": %u, \"outliers\": %u, \"overrides\": %u}",
			o->errors, o->warnings, o->outliers, o->overrides);
	}
	fputs(qa->norgs ? "\n  ]},\n" : "]},\n", f);
}

void report_quality_html(FILE *f, const report *r)
{
	const quality *qa = shown_quality(r);

	if (!qa)
		return;
	fputs("<section id=\"qualite\">\n<h2>Qualité des données</h2>\n", f);
	fprintf(f, "<p>Règles en échec : %u erreur%s, %u avertissement%s ; valeurs atypiques : "
		"%zu ; envois malgré les erreurs : %zu (détail : <code>merger quality</code>).</p>\n"
		"<ul>\n", qa->errors, plural(qa->errors), qa->warnings, plural(qa->warnings),
		qa->noutliers, qa->noverrides);
	for (size_t i = 0; i < qa->norgs; i++) {
		const q_org *o = &qa->orgs[i];

		fputs("<li>", f);
		out_html(f, o->name);
		fprintf(f, " : %u erreur%s, %u avertissement%s, %u valeur%s atypique%s, %u envoi%s "
			"malgré les erreurs</li>\n", o->errors, plural(o->errors), o->warnings,
			plural(o->warnings), o->outliers, plural(o->outliers), plural(o->outliers),
			o->overrides, plural(o->overrides));
	}
	fputs("</ul>\n</section>\n", f);
}
