/*
 * report_csv.c - the national diagnostic as CSV, one table per file
 * (RFC 4180 through csv.h: UTF-8, CRLF, formulas neutralised), for
 * LibreOffice or Excel.
 *
 * Column names and values are the stable codes ("supported", "sexual"),
 * with a French label column where a person reads the row; every row
 * starts with the period, so that a file keeps its meaning once it is
 * separated from the others.  Shares are in percent with a decimal point
 * and one decimal; a share that is not published is an empty cell.  The
 * count tables of the questionnaire share one long table, `tables`: one
 * row per published number, named by table, dimension and value code.
 */
#include "report.h"

#include <string.h>

#include "csv.h"

/* Lists inside one cell (action types) are separated by a space: codes
 * have none, and neither a comma nor a semicolon (what a French Excel
 * takes for a column separator) can be misread. */
#define LIST_SEP " "

static void share_cell(const report *r, const rcount *c, int status, char buf[16])
{
	int t = rcount_share(r, c, status);

	if (t < 0)
		buf[0] = '\0';
	else
		snprintf(buf, 16, "%d.%d", t / 10, t % 10);
}

static void totals_row(FILE *f, const report *r, const char *dim, const char *code,
		       const char *label, const rcount *c)
{
	char sup[RPT_NUMBUF], spo[RPT_NUMBUF], ssup[16], sspo[16];
	const char *row[8] = { r->period, dim, code, label, sup, ssup, spo, sspo };

	rcount_text(r, &c[ST_SUPPORTED], sup);
	rcount_text(r, &c[ST_SPOTTED], spo);
	share_cell(r, &c[ST_SUPPORTED], ST_SUPPORTED, ssup);
	share_cell(r, &c[ST_SPOTTED], ST_SPOTTED, sspo);
	csv_write_row(f, row, 8);
}

static void write_totals(FILE *f, const report *r)
{
	static const char *const head[8] = {
		"period", "dimension", "code", "label", "supported", "supported_share",
		"spotted", "spotted_share",
	};
	const struct {
		const char *dim;
		const enum_table *t;
		const rcount (*cells)[ST_COUNT];
	} dims[3] = {
		{ "exploitation", &ENUM_EXPLOITATION, (const rcount (*)[ST_COUNT])r->by_expl },
		{ "sex", &ENUM_SEX, (const rcount (*)[ST_COUNT])r->by_sex },
		{ "age", &ENUM_AGE, (const rcount (*)[ST_COUNT])r->by_age },
	};
	int k, i;

	csv_write_row(f, head, 8);
	totals_row(f, r, "total", "all", "Total", r->total);
	for (k = 0; k < 3; k++)
		for (i = 0; i < dims[k].t->count; i++)
			totals_row(f, r, dims[k].dim, dims[k].t->items[i].code,
				   dims[k].t->items[i].fr, dims[k].cells[i]);
}

static void write_depts(FILE *f, const report *r)
{
	static const char *const head_start[6] = {
		"period", "code", "name", "region", "region_name", "organisations",
	};
	static const char *const head_end[7] = {
		"action_types", "supported", "spotted", "trainings", "participants",
		"no_support", "no_organisation",
	};
	char kinds[RPT_ENUM_MAX][40], types[512], sup[RPT_NUMBUF], spo[RPT_NUMBUF];
	char norgs[16], tr[24], pa[24];
	const char *row[6 + RPT_ENUM_MAX + 7];
	int d, k, n;

	n = 0;
	for (k = 0; k < 6; k++)
		row[n++] = head_start[k];
	for (k = 0; k < ENUM_ORG_KIND.count; k++) {
		snprintf(kinds[k], sizeof kinds[k], "org_%s", ENUM_ORG_KIND.items[k].code);
		row[n++] = kinds[k];
	}
	for (k = 0; k < 7; k++)
		row[n++] = head_end[k];
	csv_write_row(f, row, n);

	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		n = 0;
		row[n++] = r->period;
		row[n++] = DEPTS[d].code;
		row[n++] = DEPTS[d].name;
		row[n++] = DEPTS[d].region;
		row[n++] = region_find(DEPTS[d].region)->name;
		snprintf(norgs, sizeof norgs, "%d", p->orgs);
		row[n++] = norgs;
		for (k = 0; k < ENUM_ORG_KIND.count; k++) {
			snprintf(kinds[k], sizeof kinds[k], "%d", p->by_kind[k]);
			row[n++] = kinds[k];
		}
		row[n++] = types_text(p->types, 0, LIST_SEP, types, sizeof types);
		row[n++] = rcount_text(r, &r->by_dept[d][ST_SUPPORTED], sup);
		row[n++] = rcount_text(r, &r->by_dept[d][ST_SPOTTED], spo);
		snprintf(tr, sizeof tr, "%lld", p->trainings);
		row[n++] = tr;
		snprintf(pa, sizeof pa, "%lld", p->participants);
		row[n++] = pa;
		row[n++] = report_is_gap(r, d) ? "1" : "0";
		row[n++] = p->orgs ? "0" : "1";
		csv_write_row(f, row, n);
	}
}

static void write_gaps(FILE *f, const report *r)
{
	static const char *const head[5] = { "period", "code", "name", "region", "region_name" };
	const char *row[5];
	int d;

	csv_write_row(f, head, 5);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!report_is_gap(r, d))
			continue;
		row[0] = r->period;
		row[1] = DEPTS[d].code;
		row[2] = DEPTS[d].name;
		row[3] = DEPTS[d].region;
		row[4] = region_find(DEPTS[d].region)->name;
		csv_write_row(f, row, 5);
	}
}

static void write_completeness(FILE *f, const report *r)
{
	static const char *const head[6] = {
		"period", "organisation", "kind", "reporting", "collectors", "revoked",
	};
	char col[16], rev[16];
	const char *row[6];
	int i;

	csv_write_row(f, head, 6);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (!o->collectors)
			continue;
		snprintf(col, sizeof col, "%d", o->collectors);
		snprintf(rev, sizeof rev, "%d", o->revoked);
		row[0] = r->period;
		row[1] = o->name;
		row[2] = ENUM_ORG_KIND.items[o->kind].code;
		row[3] = o->reporting ? "1" : "0";
		row[4] = col;
		row[5] = rev;
		csv_write_row(f, row, 6);
	}
}

int directory_write_csv(FILE *f, const report *r, int dept)
{
	static const char *const head[11] = {
		"period", "dept", "dept_name", "organisation", "kind", "kind_label",
		"action_types", "action_labels", "email", "phone", "website",
	};
	char types[512], labels[1024];
	const char *row[11];
	int d, i;

	csv_write_row(f, head, 11);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (dept >= 0 && d != dept)
			continue;
		for (i = 0; i < r->norgs; i++) {
			const report_org *o = &r->orgs[i];

			if (!o->active[d])
				continue;
			row[0] = r->period;
			row[1] = DEPTS[d].code;
			row[2] = DEPTS[d].name;
			row[3] = o->name;
			row[4] = ENUM_ORG_KIND.items[o->kind].code;
			row[5] = ENUM_ORG_KIND.items[o->kind].fr;
			row[6] = types_text(o->types[d], 0, LIST_SEP, types, sizeof types);
			row[7] = types_text(o->types[d], 1, " / ", labels, sizeof labels);
			row[8] = o->email;
			row[9] = o->phone;
			row[10] = o->website;
			csv_write_row(f, row, 11);
		}
	}
	return ferror(f) ? EOF : 0;
}

static const char *state_code(const rcount *c)
{
	return c->state == CELL_SHOWN ? "shown" : "hidden";
}

static void count_row(FILE *f, const report *r, const rtable *t, const char *dim,
		      const char *code, const char *label, const rcount *c)
{
	char num[RPT_NUMBUF];
	const char *row[7] = { r->period, t->t->code, dim, code, label, num, state_code(c) };

	rcount_text(r, c, num);
	csv_write_row(f, row, 7);
}

static void breakdown_rows(FILE *f, const report *r, const rtable *t, const rbreak *b)
{
	int v;

	for (v = 0; v < b->list->t.count; v++)
		if (rbreak_listed(b, v))
			count_row(f, r, t, b->list->t.name, b->list->t.items[v].code,
				  b->list->t.items[v].fr, &b->cells[v]);
}

/* One row per published number of a count table: its total, each value
 * of each dimension, of each rollup, and each département. */
static void count_table(FILE *f, const report *r, const rtable *t)
{
	int k, d;

	count_row(f, r, t, "total", "all", "Total", &t->total);
	for (k = 0; k < t->ndims; k++) {
		breakdown_rows(f, r, t, &t->dim[k]);
		if (t->rollup[k].list)
			breakdown_rows(f, r, t, &t->rollup[k]);
	}
	for (d = 0; d < DEPT_COUNT; d++)
		count_row(f, r, t, "dept", DEPTS[d].code, DEPTS[d].name, &t->dept[d]);
}

/* Every count table but victims (the totals and departements tables
 * give it by status), or the one named. */
static void write_counts(FILE *f, const report *r, const char *code)
{
	static const char *const head[7] = {
		"period", "table", "dimension", "code", "label", "count", "state",
	};
	int i;

	csv_write_row(f, head, 7);
	for (i = 0; i < r->ntables; i++) {
		if (code ? strcmp(code, r->tables[i].t->code) != 0 : i == r->victims)
			continue;
		count_table(f, r, &r->tables[i]);
	}
}

int report_write_csv(FILE *f, const report *r, enum report_table t, const char *code)
{
	switch (t) {
	case TABLE_COUNTS:
		write_counts(f, r, code);
		break;
	case TABLE_TOTALS:
		write_totals(f, r);
		break;
	case TABLE_GAPS:
		write_gaps(f, r);
		break;
	case TABLE_COMPLETENESS:
		write_completeness(f, r);
		break;
	case TABLE_DIRECTORY:
		directory_write_csv(f, r, -1);
		break;
	case TABLE_RATES:
	case TABLE_RATES_DEPTS:
	case TABLE_REMINDERS:
		rates_write_csv(f, r, t);
		break;
	default:
		write_depts(f, r);
	}
	return ferror(f) ? EOF : 0;
}
