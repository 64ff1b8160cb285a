/*
 * report_json.c - the national diagnostic as one JSON document, for
 * programs (the shape is documented in docs/REPORT.md; keys are only
 * ever added).  Keys and values are the stable codes; every string goes
 * through out_json_string, so the output is valid JSON whatever a
 * collector typed.  In a public report a hidden count is the string "s"
 * where a number would be, so that no suppressed number appears
 * anywhere in the file.  The count tables of the questionnaire are under
 * "tables", by code; the victims table keeps the shape it had before
 * them, by status ("totals", "departements").
 */
#include "report.h"
#include "cli.h"

#include "textout.h"

static void count(FILE *f, const report *r, const rcount *c)
{
	char buf[RPT_NUMBUF];

	if (c->state == CELL_SHOWN)
		fprintf(f, "%lld", c->n);
	else
		out_json_string(f, rcount_text(r, c, buf));
}

static void share(FILE *f, int tenths)
{
	if (tenths < 0)
		fputs("null", f);
	else
		fprintf(f, "%d.%d", tenths / 10, tenths % 10);
}

static void string_or_null(FILE *f, const char *s)
{
	if (s)
		out_json_string(f, s);
	else
		fputs("null", f);
}

static void types_array(FILE *f, uint32_t mask)
{
	int i, first = 1;

	fputc('[', f);
	for (i = 0; i < ENUM_ACTION_TYPE.count; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (!first)
			fputs(", ", f);
		out_json_string(f, ENUM_ACTION_TYPE.items[i].code);
		first = 0;
	}
	fputc(']', f);
}

/* "supported": N, "spotted": N, and their shares. */
static void status_pair(FILE *f, const report *r, const rcount *c)
{
	fputs("\"supported\": ", f);
	count(f, r, &c[ST_SUPPORTED]);
	fputs(", \"spotted\": ", f);
	count(f, r, &c[ST_SPOTTED]);
	fputs(", \"supported_share\": ", f);
	share(f, rcount_share(r, &c[ST_SUPPORTED], ST_SUPPORTED));
	fputs(", \"spotted_share\": ", f);
	share(f, rcount_share(r, &c[ST_SPOTTED], ST_SPOTTED));
}

static void breakdown(FILE *f, const report *r, const char *key, const enum_table *t,
		      const rcount (*cells)[ST_COUNT], int last)
{
	int i;

	fprintf(f, "    \"%s\": {\n", key);
	for (i = 0; i < t->count; i++) {
		fputs("      ", f);
		out_json_string(f, t->items[i].code);
		fputs(": {", f);
		status_pair(f, r, cells[i]);
		fprintf(f, "}%s\n", i + 1 < t->count ? "," : "");
	}
	fprintf(f, "    }%s\n", last ? "" : ",");
}

static void write_totals(FILE *f, const report *r)
{
	fputs("  \"totals\": {\n    ", f);
	status_pair(f, r, r->total);
	fputs(",\n", f);
	breakdown(f, r, "by_exploitation", &ENUM_EXPLOITATION,
		  (const rcount (*)[ST_COUNT])r->by_expl, 0);
	breakdown(f, r, "by_sex", &ENUM_SEX, (const rcount (*)[ST_COUNT])r->by_sex, 0);
	breakdown(f, r, "by_age", &ENUM_AGE, (const rcount (*)[ST_COUNT])r->by_age, 1);
	fputs("  },\n", f);
}

static void write_depts(FILE *f, const report *r)
{
	int d, k;

	fputs("  \"departements\": [\n", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		fputs("    {\"code\": ", f);
		out_json_string(f, DEPTS[d].code);
		fputs(", \"name\": ", f);
		out_json_string(f, DEPTS[d].name);
		fputs(", \"region\": ", f);
		out_json_string(f, DEPTS[d].region);
		fputs(", \"region_name\": ", f);
		out_json_string(f, region_find(DEPTS[d].region)->name);
		fprintf(f, ",\n     \"organisations\": %d, \"organisations_by_kind\": {", p->orgs);
		for (k = 0; k < ENUM_ORG_KIND.count; k++) {
			out_json_string(f, ENUM_ORG_KIND.items[k].code);
			fprintf(f, ": %d%s", p->by_kind[k],
				k + 1 < ENUM_ORG_KIND.count ? ", " : "");
		}
		fputs("},\n     \"action_types\": ", f);
		types_array(f, p->types);
		fputs(",\n     \"supported\": ", f);
		count(f, r, &r->by_dept[d][ST_SUPPORTED]);
		fputs(", \"spotted\": ", f);
		count(f, r, &r->by_dept[d][ST_SPOTTED]);
		fprintf(f, ", \"trainings\": %lld, \"participants\": %lld,\n", p->trainings,
			p->participants);
		fprintf(f, "     \"no_support\": %s, \"no_organisation\": %s}%s\n",
			report_is_gap(r, d) ? "true" : "false", p->orgs ? "false" : "true",
			d + 1 < DEPT_COUNT ? "," : "");
	}
	fputs("  ],\n", f);
}

static void write_gaps(FILE *f, const report *r)
{
	int d, first = 1;

	fputs("  \"gaps\": [", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!report_is_gap(r, d))
			continue;
		if (!first)
			fputs(", ", f);
		out_json_string(f, DEPTS[d].code);
		first = 0;
	}
	fputs("],\n", f);
}

/* {"code": n, ...} for the listed values of b. */
static void breakdown_object(FILE *f, const report *r, const rbreak *b)
{
	int v, first = 1;

	fputc('{', f);
	for (v = 0; v < b->list->t.count; v++) {
		if (!rbreak_listed(b, v))
			continue;
		if (!first)
			fputs(", ", f);
		first = 0;
		out_json_string(f, b->list->t.items[v].code);
		fputs(": ", f);
		count(f, r, &b->cells[v]);
	}
	fputc('}', f);
}

static void count_table(FILE *f, const report *r, const rtable *t)
{
	int k, d, first;

	out_json_string(f, t->t->code);
	fputs(": {\"title_fr\": ", f);
	out_json_string(f, t->t->title_fr);
	fputs(", \"title_en\": ", f);
	out_json_string(f, t->t->title_en);
	fprintf(f, ", \"retired\": %s,\n     \"total\": ", t->t->retired ? "true" : "false");
	count(f, r, &t->total);
	fputs(",\n     \"dimensions\": {", f);
	for (k = 0; k < t->ndims; k++) {
		fputs(k ? ",\n       " : "\n       ", f);
		out_json_string(f, t->dim[k].list->t.name);
		fputs(": ", f);
		breakdown_object(f, r, &t->dim[k]);
	}
	fputs("},\n     \"rollups\": {", f);
	for (k = 0, first = 1; k < t->ndims; k++) {
		if (!t->rollup[k].list)
			continue;
		fputs(first ? "\n       " : ",\n       ", f);
		first = 0;
		out_json_string(f, t->rollup[k].list->t.name);
		fputs(": ", f);
		breakdown_object(f, r, &t->rollup[k]);
	}
	fputs("},\n     \"departements\": {", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (d)
			fputs(d % 10 ? ", " : ",\n       ", f);
		out_json_string(f, DEPTS[d].code);
		fputs(": ", f);
		count(f, r, &t->dept[d]);
	}
	fputs("}}", f);
}

/* "tables": every count table of the questionnaire but victims, whose
 * numbers are in "totals" and "departements", by status. */
static void write_counts(FILE *f, const report *r)
{
	int i, first = 1;

	fputs("  \"tables\": {", f);
	for (i = 0; i < r->ntables; i++) {
		if (i == r->victims)
			continue;
		fputs(first ? "\n    " : ",\n    ", f);
		first = 0;
		count_table(f, r, &r->tables[i]);
	}
	fputs(first ? "},\n" : "\n  },\n", f);
}

static void write_completeness(FILE *f, const report *r)
{
	int i, first = 1;

	fprintf(f, "  \"completeness\": {\"enrolled\": %d, \"reporting\": %d, \"silent\": [",
		r->enrolled, r->reporting);
	for (i = 0; i < r->norgs; i++) {
		if (!r->orgs[i].collectors || r->orgs[i].reporting)
			continue;
		fputs(first ? "\n    " : ",\n    ", f);
		out_json_string(f, r->orgs[i].name);
		first = 0;
	}
	fputs(first ? "]},\n" : "\n  ]},\n", f);
}

/* "directory": [...] without a trailing comma. */
static void write_directory(FILE *f, const report *r, int dept)
{
	int d, i, first = 1, firstorg;

	fputs("  \"directory\": [", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (dept >= 0 ? d != dept : !r->dept[d].orgs)
			continue;
		fputs(first ? "\n" : ",\n", f);
		first = 0;
		fputs("    {\"dept\": ", f);
		out_json_string(f, DEPTS[d].code);
		fputs(", \"name\": ", f);
		out_json_string(f, DEPTS[d].name);
		fputs(", \"organisations\": [", f);
		firstorg = 1;
		for (i = 0; i < r->norgs; i++) {
			const report_org *o = &r->orgs[i];

			if (!o->active[d])
				continue;
			fputs(firstorg ? "\n      {\"name\": " : ",\n      {\"name\": ", f);
			firstorg = 0;
			out_json_string(f, o->name);
			fputs(", \"kind\": ", f);
			out_json_string(f, ENUM_ORG_KIND.items[o->kind].code);
			fputs(", \"action_types\": ", f);
			types_array(f, o->types[d]);
			fputs(",\n       \"email\": ", f);
			string_or_null(f, o->email);
			fputs(", \"phone\": ", f);
			string_or_null(f, o->phone);
			fputs(", \"website\": ", f);
			string_or_null(f, o->website);
			fputc('}', f);
		}
		fputs(firstorg ? "]}" : "\n    ]}", f);
	}
	fputs(first ? "]\n" : "\n  ]\n", f);
}

static void write_head(FILE *f, const report *r)
{
	char when[TIME_BUF];

	time_format(r->generated, TIME_ISO, when);
	fputs("{\n  \"period\": ", f);
	out_json_string(f, r->period);
	fputs(", \"period_start\": ", f);
	out_json_string(f, r->first_day);
	fputs(", \"period_end\": ", f);
	out_json_string(f, r->last_day);
	fputs(",\n  \"generated\": ", f);
	out_json_string(f, when);
	fputs(", \"coordination\": ", f);
	out_json_string(f, r->coordination);
	fputs(",\n", f);
}

int directory_write_json(FILE *f, const report *r, int dept)
{
	write_head(f, r);
	write_directory(f, r, dept);
	fputs("}\n", f);
	return ferror(f) ? EOF : 0;
}

/* "previous": the key figures of the same period a year earlier and the
 * change of each (null when hidden), or null when the database holds
 * nothing for it. */
static void write_previous(FILE *f, const report *r)
{
	static const char *const key[KEY_COUNT] = {
		"supported", "spotted", "gaps", "reporting",
	};
	const report *p = r->prev;
	long long v, delta;
	int k, pct;

	if (!p) {
		fputs("  \"previous\": null,\n", f);
		return;
	}
	fputs("  \"previous\": {\"period\": ", f);
	out_json_string(f, p->period);
	fputs(",\n    \"supported\": ", f);
	count(f, p, &p->total[ST_SUPPORTED]);
	fputs(", \"spotted\": ", f);
	count(f, p, &p->total[ST_SPOTTED]);
	report_key_value(p, KEY_GAPS, &v);
	fprintf(f, ", \"gaps\": %lld, \"reporting\": %d,\n    \"change\": {", v, p->reporting);
	for (k = 0; k < KEY_COUNT; k++) {
		fprintf(f, "%s\"%s\": ", k ? ", " : "", key[k]);
		if (report_change(r, k, &delta, &pct))
			fprintf(f, "%lld", delta);
		else
			fputs("null", f);
		if (k == KEY_SUPPORTED || k == KEY_SPOTTED) {
			fprintf(f, ", \"%s_pct\": ", key[k]);
			if (report_change(r, k, &delta, &pct) && pct != RPT_NO_PCT)
				fprintf(f, "%d", pct);
			else
				fputs("null", f);
		}
	}
	fputs("}},\n", f);
}

int report_write_json(FILE *f, const report *r)
{
	write_head(f, r);
	if (r->public_mode)
		fprintf(f, "  \"public\": true, \"threshold\": %d,\n", r->threshold);
	else
		fputs("  \"public\": false,\n", f);
	write_previous(f, r);
	write_totals(f, r);
	write_depts(f, r);
	write_gaps(f, r);
	write_counts(f, r);
	write_completeness(f, r);
	rates_write_json(f, r);
	fputs(",\n", f);
	report_quality_json(f, r);
	write_directory(f, r, -1);
	fputs("}\n", f);
	return ferror(f) ? EOF : 0;
}
