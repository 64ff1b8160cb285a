/*
 * report_csv.c - the national diagnostic as tables (sheet.h): CSV, one
 * table per file (RFC 4180 through csv.h: UTF-8, CRLF, formulas
 * neutralised; or Excel's dialect), for LibreOffice or Excel, and the
 * workbook, every table in a worksheet of its own.
 *
 * Column names and values are the stable codes ("supported", "sexual"),
 * with a French label column where a person reads the row; the workbook
 * heads its columns in French.  Every row starts with the period, so
 * that a table keeps its meaning once it is separated from the others.
 * Shares are in percent with one decimal (a percentage in the workbook);
 * a share that is not published is an empty cell.  The count tables of
 * the questionnaire share one long CSV table, `tables`: one row per
 * published number, named by table, dimension and value code; in the
 * workbook each count table has its own worksheet with those columns.
 */
#include "report.h"
#include "sheet.h"

#include <string.h>

#include "csv.h"
#include "model.h"

/* Lists inside one cell (action types) are separated by a space: codes
 * have none, and neither a comma nor a semicolon (what a French Excel
 * takes for a column separator) can be misread. */
#define LIST_SEP " "

#define PERIOD_COL SHEET_FIELD("period", REC_COUNT, "period")

/* A published count: a number, or its published text when hidden. */
static sheet_cell count_cell(const report *r, const rcount *c, char buf[RPT_NUMBUF])
{
	if (c->state == CELL_SHOWN)
		return sheet_int(c->n);
	return (sheet_cell){ SC_HIDDEN, rcount_text(r, c, buf), 0 };
}

static void totals_row(sheet_out *o, const report *r, const char *dim, const char *code,
		       const char *label, const rcount *c)
{
	char sup[RPT_NUMBUF], spo[RPT_NUMBUF];
	const sheet_cell row[8] = {
		sheet_code(r->period), sheet_code(dim), sheet_code(code), sheet_text(label),
		count_cell(r, &c[ST_SUPPORTED], sup),
		sheet_share(rcount_share(r, &c[ST_SUPPORTED], ST_SUPPORTED)),
		count_cell(r, &c[ST_SPOTTED], spo),
		sheet_share(rcount_share(r, &c[ST_SPOTTED], ST_SPOTTED)),
	};

	sheet_row(o, row, 8);
}

static void write_totals(sheet_out *o, const report *r)
{
	static const sheet_col head[8] = {
		PERIOD_COL, SHEET_COL("dimension", "Dimension"), SHEET_COL("code", "Code"),
		SHEET_COL("label", "Libellé"),
		SHEET_COL("supported", "Victimes accompagnées"),
		SHEET_COL("supported_share", "Part des accompagnées"),
		SHEET_COL("spotted", "Victimes repérées"),
		SHEET_COL("spotted_share", "Part des repérées"),
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

	sheet_table(o, "Totaux", head, 8);
	totals_row(o, r, "total", "all", "Total", r->total);
	for (k = 0; k < 3; k++)
		for (i = 0; i < dims[k].t->count; i++)
			totals_row(o, r, dims[k].dim, dims[k].t->items[i].code,
				   dims[k].t->items[i].fr, dims[k].cells[i]);
}

static void write_depts(sheet_out *o, const report *r)
{
	static const sheet_col head_start[6] = {
		PERIOD_COL, SHEET_COL("code", "Code"),
		SHEET_COL("name", "Département"), SHEET_COL("region", "Région"),
		SHEET_COL("region_name", "Nom de la région"),
		SHEET_COL("organisations", "Acteurs"),
	};
	static const sheet_col head_end[7] = {
		SHEET_COL("action_types", "Types d'action"),
		SHEET_COL("supported", "Victimes accompagnées"),
		SHEET_COL("spotted", "Victimes repérées"),
		SHEET_COL("trainings", "Formations"),
		SHEET_FIELD("participants", REC_TRAINING, "participants"),
		SHEET_COL("no_support", "Sans victime accompagnée"),
		SHEET_COL("no_organisation", "Sans acteur"),
	};
	char kinds[RPT_ENUM_MAX][40], kinds_fr[RPT_ENUM_MAX][80], types[512];
	char sup[RPT_NUMBUF], spo[RPT_NUMBUF];
	sheet_col head[6 + RPT_ENUM_MAX + 7];
	sheet_cell row[6 + RPT_ENUM_MAX + 7];
	int d, k, n;

	n = 0;
	for (k = 0; k < 6; k++)
		head[n++] = head_start[k];
	for (k = 0; k < ENUM_ORG_KIND.count; k++) {
		snprintf(kinds[k], sizeof kinds[k], "org_%s", ENUM_ORG_KIND.items[k].code);
		snprintf(kinds_fr[k], sizeof kinds_fr[k], "Acteurs : %s",
			 ENUM_ORG_KIND.items[k].fr);
		head[n++] = (sheet_col)SHEET_COL(kinds[k], kinds_fr[k]);
	}
	for (k = 0; k < 7; k++)
		head[n++] = head_end[k];
	sheet_table(o, "Départements", head, n);

	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		n = 0;
		row[n++] = sheet_code(r->period);
		row[n++] = sheet_code(DEPTS[d].code);
		row[n++] = sheet_text(DEPTS[d].name);
		row[n++] = sheet_code(DEPTS[d].region);
		row[n++] = sheet_text(region_find(DEPTS[d].region)->name);
		row[n++] = sheet_int(p->orgs);
		for (k = 0; k < ENUM_ORG_KIND.count; k++)
			row[n++] = sheet_int(p->by_kind[k]);
		row[n++] = sheet_code(types_text(p->types, 0, LIST_SEP, types, sizeof types));
		row[n++] = count_cell(r, &r->by_dept[d][ST_SUPPORTED], sup);
		row[n++] = count_cell(r, &r->by_dept[d][ST_SPOTTED], spo);
		row[n++] = sheet_int(p->trainings);
		row[n++] = sheet_int(p->participants);
		row[n++] = sheet_flag(report_is_gap(r, d));
		row[n++] = sheet_flag(!p->orgs);
		sheet_row(o, row, n);
	}
}

static void write_gaps(sheet_out *o, const report *r)
{
	static const sheet_col head[5] = {
		PERIOD_COL, SHEET_COL("code", "Code"), SHEET_COL("name", "Département"),
		SHEET_COL("region", "Région"), SHEET_COL("region_name", "Nom de la région"),
	};
	int d;

	sheet_table(o, "Lacunes", head, 5);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!report_is_gap(r, d))
			continue;
		const sheet_cell row[5] = {
			sheet_code(r->period), sheet_code(DEPTS[d].code),
			sheet_text(DEPTS[d].name), sheet_code(DEPTS[d].region),
			sheet_text(region_find(DEPTS[d].region)->name),
		};
		sheet_row(o, row, 5);
	}
}

static void write_completeness(sheet_out *o, const report *r)
{
	static const sheet_col head[6] = {
		PERIOD_COL, SHEET_FIELD("organisation", REC_ORG, "name"),
		SHEET_FIELD("kind", REC_ORG, "kind"),
		SHEET_COL("reporting", "A transmis des données"),
		SHEET_COL("collectors", "Postes de saisie"),
		SHEET_COL("revoked", "Postes révoqués"),
	};
	int i;

	sheet_table(o, "Complétude", head, 6);
	for (i = 0; i < r->norgs; i++) {
		const report_org *g = &r->orgs[i];

		if (!g->collectors)
			continue;
		const sheet_cell row[6] = {
			sheet_code(r->period), sheet_text(g->name),
			sheet_code(ENUM_ORG_KIND.items[g->kind].code),
			sheet_flag(g->reporting), sheet_int(g->collectors),
			sheet_int(g->revoked),
		};
		sheet_row(o, row, 6);
	}
}

int directory_write_sheet(sheet_out *o, const report *r, int dept)
{
	static const sheet_col head[11] = {
		PERIOD_COL, SHEET_COL("dept", "Code"),
		SHEET_COL("dept_name", "Département"),
		SHEET_FIELD("organisation", REC_ORG, "name"),
		SHEET_COL("kind", "Type (code)"),
		SHEET_FIELD("kind_label", REC_ORG, "kind"),
		SHEET_COL("action_types", "Types d'action (codes)"),
		SHEET_COL("action_labels", "Types d'action"),
		SHEET_FIELD("email", REC_ORG, "email"),
		SHEET_FIELD("phone", REC_ORG, "phone"),
		SHEET_FIELD("website", REC_ORG, "website"),
	};
	char types[512], labels[1024];
	int d, i;

	sheet_table(o, "Annuaire", head, 11);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (dept >= 0 && d != dept)
			continue;
		for (i = 0; i < r->norgs; i++) {
			const report_org *g = &r->orgs[i];

			if (!g->active[d])
				continue;
			const sheet_cell row[11] = {
				sheet_code(r->period), sheet_code(DEPTS[d].code),
				sheet_text(DEPTS[d].name), sheet_text(g->name),
				sheet_code(ENUM_ORG_KIND.items[g->kind].code),
				sheet_text(ENUM_ORG_KIND.items[g->kind].fr),
				sheet_code(types_text(g->types[d], 0, LIST_SEP, types,
						      sizeof types)),
				sheet_text(types_text(g->types[d], 1, " / ", labels,
						      sizeof labels)),
				sheet_text(g->email), sheet_text(g->phone),
				sheet_text(g->website),
			};
			sheet_row(o, row, 11);
		}
	}
	return 0;
}

static void count_row(sheet_out *o, const report *r, const rtable *t, const char *dim,
		      const char *code, const char *label, const rcount *c)
{
	char num[RPT_NUMBUF];
	const sheet_cell row[7] = {
		sheet_code(r->period), sheet_code(t->t->code), sheet_code(dim),
		sheet_code(code), sheet_text(label), count_cell(r, c, num),
		sheet_code(rcount_state(c)),
	};

	sheet_row(o, row, 7);
}

static void breakdown_rows(sheet_out *o, const report *r, const rtable *t, const rbreak *b)
{
	int v;

	for (v = 0; v < b->list->t.count; v++)
		if (rbreak_listed(b, v))
			count_row(o, r, t, b->list->t.name, b->list->t.items[v].code,
				  b->list->t.items[v].fr, &b->cells[v]);
}

/* One row per published number of a count table: its total, each value
 * of each dimension, of each rollup, and each département. */
static const sheet_col count_head[7] = {
	PERIOD_COL, SHEET_FIELD("table", REC_COUNT, "table"),
	SHEET_COL("dimension", "Dimension"), SHEET_COL("code", "Code"),
	SHEET_COL("label", "Libellé"), SHEET_FIELD("count", REC_COUNT, "count"),
	SHEET_COL("state", "État"),
};

static void count_table(sheet_out *o, const report *r, const rtable *t)
{
	int k, d;

	sheet_table(o, t->t->code, count_head, 7);
	count_row(o, r, t, "total", "all", "Total", &t->total);
	for (k = 0; k < t->ndims; k++) {
		breakdown_rows(o, r, t, &t->dim[k]);
		if (t->rollup[k].list)
			breakdown_rows(o, r, t, &t->rollup[k]);
	}
	for (d = 0; d < DEPT_COUNT; d++)
		count_row(o, r, t, "dept", DEPTS[d].code, DEPTS[d].name, &t->dept[d]);
}

/* Every count table but victims (the totals and departements tables
 * give it by status), or the one named; the header alone when there is
 * none. */
static void write_counts(sheet_out *o, const report *r, const char *code)
{
	int i, n = 0;

	for (i = 0; i < r->ntables; i++) {
		if (code ? strcmp(code, r->tables[i].t->code) != 0 : i == r->victims)
			continue;
		count_table(o, r, &r->tables[i]);
		n++;
	}
	if (!n)
		sheet_table(o, "Tableaux", count_head, 7);
}

int report_write_sheet(sheet_out *o, const report *r, enum report_table t, const char *code)
{
	switch (t) {
	case TABLE_ALL:
		write_totals(o, r);
		write_depts(o, r);
		write_gaps(o, r);
		write_completeness(o, r);
		directory_write_sheet(o, r, -1);
		rates_write_sheet(o, r, TABLE_RATES);
		rates_write_sheet(o, r, TABLE_RATES_DEPTS);
		rates_write_sheet(o, r, TABLE_REMINDERS);
		write_counts(o, r, NULL);
		break;
	case TABLE_COUNTS:
		write_counts(o, r, code);
		break;
	case TABLE_TOTALS:
		write_totals(o, r);
		break;
	case TABLE_GAPS:
		write_gaps(o, r);
		break;
	case TABLE_COMPLETENESS:
		write_completeness(o, r);
		break;
	case TABLE_DIRECTORY:
		directory_write_sheet(o, r, -1);
		break;
	case TABLE_RATES:
	case TABLE_RATES_DEPTS:
	case TABLE_REMINDERS:
		rates_write_sheet(o, r, t);
		break;
	default:
		write_depts(o, r);
	}
	return 0;
}
