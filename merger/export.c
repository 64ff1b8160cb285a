/*
 * export.c - `merger export`: the national (or one département's)
 * aggregate of a period in the exchange formats of aggregate reporting
 * (docs/EXCHANGE.md): DHIS2 dataValueSets as JSON and CSV, IHE ADX XML,
 * a CSV shaped like Eurostat's trafficking tables (crim_thb), a long CSV
 * of the report's published cells (open data, with --public), and the
 * mapping of every code.
 *
 * Every writer streams: one line per value, straight to the output, from
 * the cells report_build() keeps with REPORT_CELLS (every cell some
 * organisation counted for the period, summed per département, sorted by
 * table, département and values).  No document is built in memory.  The
 * codes are the questionnaire's own, so that a value can be traced back to
 * its table and dimension values without a look-up table:
 *
 *   dataElement          TABLE, or TABLE.STATUS when the table has the
 *                        status dimension ("victims.supported")
 *   categoryOptionCombo  the other dimensions' value codes joined by "."
 *                        in the table's order ("sexual.f.adult"), or
 *                        "default" when there is none
 *   orgUnit              FR, or the département's INSEE code (--dept)
 *   period               DHIS2: 2026, 2026Q1, 202603;
 *                        ADX: 2026-01-01/P1Y, 2026-01-01/P3M, 2026-03-01/P1M
 */
#include "merger.h"
#include "cli.h"
#include "report.h"
#include "report_cmd.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "textout.h"

#define DATASET_CODE "maillage"     /* the data set of every value */
#define COUNTRY_CODE "FR"           /* orgUnit of the nation, Eurostat's geo */

enum export_format {
	EXP_DHIS2_JSON, EXP_DHIS2_CSV, EXP_ADX, EXP_EUROSTAT, EXP_CSV, EXP_MAPPING,
};

static const struct {
	const char *name;
	enum export_format f;
} formats[] = {
	{ "dhis2-json", EXP_DHIS2_JSON },
	{ "dhis2-csv", EXP_DHIS2_CSV },
	{ "adx", EXP_ADX },
	{ "eurostat", EXP_EUROSTAT },
	{ "csv", EXP_CSV },
	{ "mapping", EXP_MAPPING },
};

/* ------------------------------------------------------------------ */
/* Codes                                                               */

/* The index of the status dimension in t, or -1. */
static int status_dim(const qn_table *t)
{
	int k;

	for (k = 0; k < t->ndims; k++)
		if (t->dims[k] == 0)    /* status is always the first built-in list */
			return k;
	return -1;
}

/* The data element of cell c (or of table t, status value s: -1 none). */
static const char *element_code(const report *r, const qn_table *t, int s, char *buf,
				size_t cap)
{
	if (s < 0)
		snprintf(buf, cap, "%s", t->code);
	else
		snprintf(buf, cap, "%s.%s", t->code, r->qn->lists[0].t.items[s].code);
	return buf;
}

/* The other dimensions than status of table t, joined by ".": the value
 * codes of val (a category option combination: "sexual.f.adult"), or,
 * val NULL, the lists' codes (its category combination:
 * "exploitation.sex.age"); "default" when there is none. */
static const char *dims_code(const report *r, const qn_table *t, const int *val, char *buf,
			     size_t cap)
{
	size_t len = 0;
	int k, n, sk = status_dim(t);

	buf[0] = '\0';
	for (k = 0; k < t->ndims; k++) {
		const enum_table *l = &r->qn->lists[t->dims[k]].t;

		if (k == sk)
			continue;
		n = snprintf(buf + len, cap - len, "%s%s", len ? "." : "",
			     val ? l->items[val[k]].code : l->name);
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
	}
	if (!len)
		snprintf(buf, cap, "default");
	return buf;
}

/* The period in DHIS2's notation: 2026, 2026Q1, 202603. */
static const char *dhis2_period(const char *p, char buf[16])
{
	switch (period_granularity(p)) {
	case 1:
		snprintf(buf, 16, "%.4sQ%c", p, p[6]);
		break;
	case 2:
		snprintf(buf, 16, "%.4s%.2s", p, p + 5);
		break;
	default:
		snprintf(buf, 16, "%.4s", p);
	}
	return buf;
}

/* The period as an ISO 8601 interval, as ADX has it: its first day and
 * its duration. */
static const char *adx_period(const report *r, char buf[32])
{
	static const char *const dur[3] = { "P1Y", "P3M", "P1M" };

	snprintf(buf, 32, "%s/%s", r->first_day, dur[period_granularity(r->period) % 3]);
	return buf;
}

/* ------------------------------------------------------------------ */
/* The cells of the export: one département's, or the nation's        */

/* Walks r->cells for one département (dept >= 0: its cells, in order),
 * or for the nation (dept -1): r->cells is sorted by table, then
 * département, then values, so one table's cells are one run; each run
 * is copied, sorted by values, and equal values added up, one table at a
 * time.  Only the largest table's cells are ever held twice. */
struct walk {
	const report *r;
	int dept;
	size_t i;                /* next cell of r->cells */
	rcell *buf;              /* the nation: one table's cells */
	size_t nbuf, capbuf, j;
	int nomem;
};

static int cmp_values(const void *x, const void *y)
{
	const rcell *a = x, *b = y;
	int k;

	for (k = 0; k < QN_DIMS_MAX; k++)
		if (a->val[k] != b->val[k])
			return a->val[k] < b->val[k] ? -1 : 1;
	return 0;
}

/* The next cell, or NULL at the end (or out of memory: w->nomem). */
static const rcell *walk_next(struct walk *w)
{
	const report *r = w->r;

	if (w->dept >= 0) {
		while (w->i < r->ncells && r->cells[w->i].dept != w->dept)
			w->i++;
		return w->i < r->ncells ? &r->cells[w->i++] : NULL;
	}
	if (w->j < w->nbuf)
		return &w->buf[w->j++];
	if (w->i >= r->ncells)
		return NULL;
	/* One table's cells of every département, added up by values. */
	{
		const qn_table *t = r->cells[w->i].t;
		size_t start = w->i, n, k, m = 0;

		while (w->i < r->ncells && r->cells[w->i].t == t)
			w->i++;
		n = w->i - start;
		if (n > w->capbuf) {
			rcell *b = realloc(w->buf, n * sizeof *b);

			if (!b) {
				w->nomem = 1;
				return NULL;
			}
			w->buf = b;
			w->capbuf = n;
		}
		memcpy(w->buf, &r->cells[start], n * sizeof *w->buf);
		qsort(w->buf, n, sizeof *w->buf, cmp_values);
		for (k = 1; k < n; k++) {
			if (cmp_values(&w->buf[m], &w->buf[k]) == 0)
				w->buf[m].n += w->buf[k].n;
			else
				w->buf[++m] = w->buf[k];
		}
		w->nbuf = m + 1;
		w->j = 0;
		for (k = 0; k < w->nbuf; k++)
			w->buf[k].dept = -1;
	}
	return &w->buf[w->j++];
}

static void walk_open(struct walk *w, const report *r, int dept)
{
	memset(w, 0, sizeof *w);
	w->r = r;
	w->dept = dept;
}

static void walk_close(struct walk *w)
{
	free(w->buf);
	w->buf = NULL;
}

/* ------------------------------------------------------------------ */
/* DHIS2 dataValueSets                                                 */

struct dv {
	char de[QN_CODE_MAX * 2 + 2];
	char coc[(QN_CODE_MAX + 1) * QN_DIMS_MAX + 8];
	char value[24];
};

static void dv_of(const report *r, const rcell *c, struct dv *v)
{
	int sk = status_dim(c->t);

	element_code(r, c->t, sk >= 0 ? c->val[sk] : -1, v->de, sizeof v->de);
	dims_code(r, c->t, c->val, v->coc, sizeof v->coc);
	snprintf(v->value, sizeof v->value, "%lld", c->n);
}

static int write_dhis2_json(FILE *f, const report *r, const char *ou, struct walk *w)
{
	char period[16];
	const rcell *c;
	struct dv v;
	int first = 1;

	dhis2_period(r->period, period);
	fputs("{\n  \"dataSet\": \"" DATASET_CODE "\", \"period\": ", f);
	out_json_string(f, period);
	fputs(", \"orgUnit\": ", f);
	out_json_string(f, ou);
	fputs(",\n  \"dataValues\": [", f);
	while ((c = walk_next(w)) != NULL) {
		dv_of(r, c, &v);
		fputs(first ? "\n    {\"dataElement\": " : ",\n    {\"dataElement\": ", f);
		first = 0;
		out_json_string(f, v.de);
		fputs(", \"period\": ", f);
		out_json_string(f, period);
		fputs(", \"orgUnit\": ", f);
		out_json_string(f, ou);
		fputs(", \"categoryOptionCombo\": ", f);
		out_json_string(f, v.coc);
		fputs(", \"value\": ", f);
		out_json_string(f, v.value);
		fputc('}', f);
	}
	fputs(first ? "]\n}\n" : "\n  ]\n}\n", f);
	return 0;
}

static int write_dhis2_csv(FILE *f, const report *r, const char *ou, struct walk *w)
{
	static const char *const head[10] = {
		"dataelement", "period", "orgunit", "catoptcombo", "attroptcombo", "value",
		"storedby", "lastupdated", "comment", "followup",
	};
	char period[16];
	const char *row[10] = { 0 };
	const rcell *c;
	struct dv v;
	int k;

	dhis2_period(r->period, period);
	csv_write_row(f, head, 10);
	for (k = 0; k < 10; k++)
		row[k] = "";
	row[1] = period;
	row[2] = ou;
	row[9] = "false";
	while ((c = walk_next(w)) != NULL) {
		dv_of(r, c, &v);
		row[0] = v.de;
		row[3] = v.coc;
		row[5] = v.value;
		csv_write_row(f, row, 10);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* ADX                                                                 */

/* ADX attribute names: the lists' codes, which are XML names ([A-Za-z0-9]
 * then [A-Za-z0-9_-]) unless they start with a digit or take the name of
 * an attribute of dataValue itself. */
static int adx_name_ok(const char *name)
{
	return !(name[0] >= '0' && name[0] <= '9') && strcmp(name, "dataElement") != 0 &&
	       strcmp(name, "value") != 0 && strncmp(name, "xml", 3) != 0;
}

static int write_adx(FILE *f, const report *r, const char *ou, struct walk *w)
{
	char period[32], when[TIME_BUF];
	const rcell *c;
	struct dv v;
	int k;

	time_format(r->generated, TIME_ISO, when);
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<adx xmlns=\"urn:ihe:qrph:adx:2015\" exported=\"", f);
	out_html(f, when);
	fputs("\">\n  <group dataSet=\"" DATASET_CODE "\" orgUnit=\"", f);
	out_html(f, ou);
	fputs("\" period=\"", f);
	out_html(f, adx_period(r, period));
	fputs("\">\n", f);
	while ((c = walk_next(w)) != NULL) {
		int sk = status_dim(c->t);

		dv_of(r, c, &v);
		fputs("    <dataValue dataElement=\"", f);
		out_html(f, v.de);
		fputc('"', f);
		for (k = 0; k < c->t->ndims; k++) {
			const qn_list *l = &r->qn->lists[c->t->dims[k]];

			if (k == sk)
				continue;
			fprintf(f, " %s=\"", l->t.name);
			out_html(f, l->t.items[c->val[k]].code);
			fputc('"', f);
		}
		fputs(" value=\"", f);
		out_html(f, v.value);
		fputs("\"/>\n", f);
	}
	fputs("  </group>\n</adx>\n", f);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Eurostat: victims as in the crim_thb tables                        */

/* Citizenship from the country of origin.  The reporting country's
 * citizens: France and its overseas territories, whose ISO codes the
 * country list has apart (a person from Guadeloupe is French). */
static const char *const reporting_country[] = {
	"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF",
};

enum { CTZ_NAT, CTZ_EU, CTZ_NEU, CTZ_UNK, CTZ_COUNT };
static const char *const ctz_code[CTZ_COUNT] = {
	"NAT", "EU27_2020_FOR", "NEU27_2020_FOR", "UNK",
};

/* Eurostat's sex and age codes, by index of the built-in lists (f, m,
 * trans, unknown; minor, adult, unknown): Eurostat has no third sex, so
 * trans is counted with unknown (docs/EXCHANGE.md). */
static const char *const sex_code[] = { "F", "M", "UNK", "UNK" };
static const char *const age_code[] = { "Y_LT18", "Y_GE18", "UNK" };
/* Forms of exploitation as Eurostat groups them, by index of the built-in
 * list (refdata.h's order). */
static const char *const expl_code[] = {
	"SEX_EXP",     /* sexual */
	"LAB_EXP",     /* labour */
	"LAB_EXP",     /* domestic-servitude: forced labour or services */
	"OTH_EXP",     /* forced-begging */
	"OTH_EXP",     /* forced-crime */
	"OTH_EXP",     /* organ-removal */
	"OTH_EXP",     /* forced-marriage */
	"OTH_EXP",     /* other */
	"UNK",         /* unknown */
};
#define NSEX 4   /* F M UNK T */
#define NAGE 4   /* Y_LT18 Y_GE18 UNK TOTAL */
#define NEXP 5   /* SEX_EXP LAB_EXP OTH_EXP UNK TOTAL */
static const char *const sex_out[NSEX] = { "F", "M", "UNK", "T" };
static const char *const age_out[NAGE] = { "Y_LT18", "Y_GE18", "UNK", "TOTAL" };
static const char *const exp_out[NEXP] = { "SEX_EXP", "LAB_EXP", "OTH_EXP", "UNK", "TOTAL" };

static int out_index(const char *const *codes, int n, const char *code)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	return n - 1;
}

struct eurostat {
	long long exp_sex[NEXP][NSEX];
	long long age_sex[NAGE][NSEX];
	long long ctz[CTZ_COUNT + 1];       /* + TOTAL */
	int have_victims, have_ctz;
};

/* The citizenship group of country value v of list l (rolling up into
 * world regions, one of which is european-union), or -1 when l cannot
 * tell. */
static int citizenship(const questionnaire *q, const qn_list *l, int v)
{
	const char *code = l->t.items[v].code;
	const qn_list *up;
	size_t i;

	for (i = 0; i < sizeof reporting_country / sizeof reporting_country[0]; i++)
		if (strcmp(code, reporting_country[i]) == 0)
			return CTZ_NAT;
	if (strcmp(code, "unknown") == 0)
		return CTZ_UNK;
	if (l->rollup < 0 || !l->rollup_of)
		return -1;
	up = &q->lists[l->rollup];
	return strcmp(up->t.items[l->rollup_of[v]].code, "european-union") == 0 ? CTZ_EU :
	       CTZ_NEU;
}

static void eurostat_row(FILE *f, const report *r, const char *flow, const char *sex,
			 const char *age, const char *ctz, const char *expl, long long n)
{
	static const char freq[3] = { 'A', 'Q', 'M' };
	char num[24], fr[2] = { freq[period_granularity(r->period) % 3], 0 };
	const char *row[12];

	snprintf(num, sizeof num, "%lld", n);
	row[0] = flow;
	row[1] = fr;
	row[2] = "NR";
	row[3] = "VICT";
	row[4] = sex;
	row[5] = age;
	row[6] = ctz;
	row[7] = expl;
	row[8] = COUNTRY_CODE;
	row[9] = r->period;
	row[10] = num;
	row[11] = "";
	csv_write_row(f, row, 12);
}

/* Adds up the victims and their citizenship for Eurostat into *e.  Fails
 * (FMT_E_FIELD) when the questionnaire lacks what the tables need. */
static int eurostat_tally(const report *r, struct eurostat *e, fmt_error *err)
{
	const qn_table *vt = qn_table_find(r->qn, "victims");
	const qn_table *ot = qn_table_find(r->qn, "victims-origin");
	size_t i;
	int a, s, x, k, v, ck = -1;

	memset(e, 0, sizeof *e);
	/* victims: status, exploitation, sex, age (the built-in lists) */
	if (!vt || vt->ndims != 4 || vt->dims[0] != 0 || vt->dims[1] != 1 ||
	    vt->dims[2] != 2 || vt->dims[3] != 3)
		return fmt_fail(err, FMT_E_FIELD, _("the questionnaire has no table victims "
				"(status, exploitation, sex, age)"));
	for (k = 0; ot && k < ot->ndims; k++)
		if (strcmp(r->qn->lists[ot->dims[k]].t.name, "country") == 0)
			ck = k;
	if (ck < 0)
		return fmt_fail(err, FMT_E_FIELD, _("the questionnaire has no table "
				"victims-origin with a dimension country"));
	for (v = 0; v < r->qn->lists[ot->dims[ck]].t.count; v++)
		if (citizenship(r->qn, &r->qn->lists[ot->dims[ck]], v) < 0)
			return fmt_fail(err, FMT_E_FIELD, _("the list country does not roll up "
					"into a list with the value european-union: "
					"citizenship cannot be told"));
	for (i = 0; i < r->ncells; i++) {
		const rcell *c = &r->cells[i];

		if (c->t == vt) {
			/* spotted and supported victims alike: Eurostat's registered
			 * victims are identified and presumed ones */
			x = out_index(exp_out, NEXP, c->val[1] < (int)(sizeof expl_code /
					sizeof expl_code[0]) ? expl_code[c->val[1]] : "UNK");
			s = out_index(sex_out, NSEX, c->val[2] < 4 ? sex_code[c->val[2]] : "UNK");
			a = out_index(age_out, NAGE, c->val[3] < 3 ? age_code[c->val[3]] : "UNK");
			e->exp_sex[x][s] += c->n;
			e->exp_sex[x][NSEX - 1] += c->n;
			e->exp_sex[NEXP - 1][s] += c->n;
			e->exp_sex[NEXP - 1][NSEX - 1] += c->n;
			e->age_sex[a][s] += c->n;
			e->age_sex[a][NSEX - 1] += c->n;
			e->age_sex[NAGE - 1][s] += c->n;
			e->age_sex[NAGE - 1][NSEX - 1] += c->n;
		} else if (c->t == ot) {
			int g = citizenship(r->qn, &r->qn->lists[ot->dims[ck]], c->val[ck]);

			e->ctz[g] += c->n;
			e->ctz[CTZ_COUNT] += c->n;
		}
	}
	return FMT_OK;
}

static int write_eurostat(FILE *f, const report *r, const struct eurostat *e)
{
	static const char *const head[12] = {
		"DATAFLOW", "freq", "unit", "leg_stat", "sex", "age", "citizen", "exploit",
		"geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG",
	};
	int a, s, x, k;

	csv_write_row(f, head, 12);
	for (x = 0; x < NEXP; x++)
		for (s = 0; s < NSEX; s++)
			eurostat_row(f, r, "CRIM_THB_VEXP", sex_out[s], "TOTAL", "TOTAL",
				     exp_out[x], e->exp_sex[x][s]);
	for (a = 0; a < NAGE; a++)
		for (s = 0; s < NSEX; s++)
			eurostat_row(f, r, "CRIM_THB_VAGE", sex_out[s], age_out[a], "TOTAL",
				     "TOTAL", e->age_sex[a][s]);
	for (k = 0; k <= CTZ_COUNT; k++)
		eurostat_row(f, r, "CRIM_THB_VCTZ", "T", "TOTAL",
			     k < CTZ_COUNT ? ctz_code[k] : "TOTAL", "TOTAL", e->ctz[k]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The report's published cells, one per line (open data)              */

static void cell_row(FILE *f, const report *r, const char *table, const char *status,
		     const char *dim, const char *code, const rcount *c)
{
	char num[RPT_NUMBUF];
	const char *row[7] = {
		r->period, table, status, dim, code, rcount_text(r, c, num), rcount_state(c),
	};

	csv_write_row(f, row, 7);
}

static void breakdown_rows(FILE *f, const report *r, const rtable *t, const rbreak *b)
{
	int v;

	for (v = 0; v < b->list->t.count; v++)
		if (rbreak_listed(b, v))
			cell_row(f, r, t->t->code, "", b->list->t.name, b->list->t.items[v].code,
				 &b->cells[v]);
}

static void status_rows(FILE *f, const report *r, const char *dim, const enum_table *e,
			const rcount (*cells)[ST_COUNT], int n)
{
	int i, s;

	for (s = ST_COUNT - 1; s >= 0; s--)
		for (i = 0; i < n; i++)
			cell_row(f, r, "victims", ENUM_STATUS.items[s].code, dim,
				 e ? e->items[i].code : DEPTS[i].code, &cells[i][s]);
}

static int write_cells(FILE *f, const report *r)
{
	static const char *const head[7] = {
		"period", "table", "status", "dimension", "code", "count", "state",
	};
	int i, k, d, s;

	csv_write_row(f, head, 7);
	/* The victims table by status, as the report publishes it. */
	for (s = ST_COUNT - 1; s >= 0; s--)
		cell_row(f, r, "victims", ENUM_STATUS.items[s].code, "total", "all",
			 &r->total[s]);
	status_rows(f, r, "exploitation", &ENUM_EXPLOITATION,
		    (const rcount (*)[ST_COUNT])r->by_expl, ENUM_EXPLOITATION.count);
	status_rows(f, r, "sex", &ENUM_SEX, (const rcount (*)[ST_COUNT])r->by_sex,
		    ENUM_SEX.count);
	status_rows(f, r, "age", &ENUM_AGE, (const rcount (*)[ST_COUNT])r->by_age,
		    ENUM_AGE.count);
	status_rows(f, r, "dept", NULL, (const rcount (*)[ST_COUNT])r->by_dept, DEPT_COUNT);
	/* Every other count table: total, each dimension, rollup, département. */
	for (i = 0; i < r->ntables; i++) {
		const rtable *t = &r->tables[i];

		if (i == r->victims)
			continue;
		cell_row(f, r, t->t->code, "", "total", "all", &t->total);
		for (k = 0; k < t->ndims; k++) {
			breakdown_rows(f, r, t, &t->dim[k]);
			if (t->rollup[k].list)
				breakdown_rows(f, r, t, &t->rollup[k]);
		}
		for (d = 0; d < DEPT_COUNT; d++)
			cell_row(f, r, t->t->code, "", "dept", DEPTS[d].code, &t->dept[d]);
	}
	return 0;
}

/* The companion note of a public file: what it holds and the rule that
 * hid its small counts. */
static void write_note(FILE *f, const report *r, const char *data_name)
{
	char when[TIME_BUF], period[48];

	time_format(r->generated, TIME_ISO, when);
	fprintf(f, "%s - Maillage open data, period %s (%s to %s), generated %s\n\n",
		data_name, r->period, r->first_day, r->last_day, when);
	fprintf(f, "Diagnostic national de la lutte contre la traite des êtres humains, %s.\n\n",
		period_label(r->period, period, sizeof period));
	fputs("Columns: period, table (code of the questionnaire's table), status (for the\n"
	      "victims table: supported or spotted; empty for the other tables), dimension\n"
	      "(total, a list's code such as exploitation or country, a rollup such as\n"
	      "world-region, or dept), code (the value's code, or the département's INSEE\n"
	      "code), count, state (shown or hidden).\n\n", f);
	fprintf(f, "Small-count suppression: every count from 1 to %d is hidden, so that no\n"
		"victim can be pointed at in a small area.  Where a hidden count could be\n"
		"worked out from a total and the other published counts, further counts are\n"
		"hidden, until none can.  Every hidden count is published as \"%s\" (state\n"
		"hidden), whichever the reason, so that the mark does not tell which ones are\n"
		"small.  Zeros are published.  A hidden total is hidden the same way.\n\n",
		r->threshold - 1, RPT_HIDDEN_MARK);
	fputs("The counting rules and the suppression are described in docs/REPORT.md of\n"
	      "Maillage; the codes in docs/EXCHANGE.md.\n", f);
}

/* ------------------------------------------------------------------ */
/* The mapping                                                         */

static void mapping_row(FILE *f, const char *type, const char *code, const char *fr,
			const char *en, const char *extra)
{
	const char *row[5] = { type, code, fr, en, extra };

	csv_write_row(f, row, 5);
}

static int write_mapping(FILE *f, const report *r)
{
	static const char *const head[5] = {
		"type", "code", "label_fr", "label_en", "detail",
	};
	char de[QN_CODE_MAX * 2 + 2], combo[(QN_CODE_MAX + 1) * QN_DIMS_MAX + 8];
	char fr[QN_LABEL_MAX * 2 + 8], en[QN_LABEL_MAX * 2 + 8];
	const questionnaire *q = r->qn;
	int i, k, v, d, used[QN_LISTS_MAX + QN_BUILTIN_LISTS] = { 0 };

	csv_write_row(f, head, 5);
	mapping_row(f, "dataSet", DATASET_CODE, "Diagnostic national Maillage",
		    "Maillage national diagnostic", "");
	for (i = 0; i < q->ntables; i++) {
		const qn_table *t = &q->tables[i];
		int sk = status_dim(t);
		int ns = sk >= 0 ? q->lists[0].t.count : 1;

		dims_code(r, t, NULL, combo, sizeof combo);
		for (v = 0; v < ns; v++) {
			const char *ten = t->title_en[0] ? t->title_en : t->title_fr;

			if (sk >= 0) {
				snprintf(fr, sizeof fr, "%s (%s)", t->title_fr,
					 q->lists[0].t.items[v].fr);
				snprintf(en, sizeof en, "%s (%s)", ten, q->lists[0].t.items[v].code);
			} else {
				snprintf(fr, sizeof fr, "%s", t->title_fr);
				snprintf(en, sizeof en, "%s", ten);
			}
			mapping_row(f, "dataElement", element_code(r, t, sk >= 0 ? v : -1, de,
								   sizeof de),
				    fr, en, combo);
		}
		for (k = 0; k < t->ndims; k++)
			if (k != sk)
				used[t->dims[k]] = 1;
	}
	for (i = 0; i < q->nlists; i++) {
		const qn_list *l = &q->lists[i];

		if (!used[i])
			continue;
		mapping_row(f, "category", l->t.name, qn_list_label(l, 0), qn_list_label(l, 1),
			    "");
		for (v = 0; v < l->t.count; v++) {
			const enum_item *it = &l->t.items[v];

			mapping_row(f, "categoryOption", it->code, it->fr,
				    it->en && it->en[0] ? it->en : it->fr, l->t.name);
		}
	}
	mapping_row(f, "orgUnit", COUNTRY_CODE, "France", "France", "");
	for (d = 0; d < DEPT_COUNT; d++)
		mapping_row(f, "orgUnit", DEPTS[d].code, DEPTS[d].name, DEPTS[d].name,
			    COUNTRY_CODE);
	return 0;
}

/* ------------------------------------------------------------------ */
/* merger export                                                       */

int cmd_export(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "period", 1, NULL }, { "format", 1, NULL }, { "dept", 1, NULL },
		       { "o", 1, NULL }, { "output", 1, NULL }, { "public", 0, NULL },
		       { "threshold", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "", shown[64], note_path[PATH_CAP];
	const char *out, *ou = COUNTRY_CODE, *v;
	enum export_format format = EXP_DHIS2_JSON;
	int rc, npos, dept = -1, public_mode, threshold = RPT_THRESHOLD_DEFAULT, w = 0;
	output o, note;
	struct eurostat eu;
	const char *fname;
	struct walk wk;
	fmt_error err;
	char *pos[1];
	size_t i;
	report r;

	fmt_error_clear(&err);
	if ((rc = args_parse("export", argc, argv, opts, 9, pos, 0, &npos)))
		return rc;
	if (opts[7].value || opts[8].value) {
		printf("usage: merger export [--period P]\n"
		       "                     [--format dhis2-json|dhis2-csv|adx|eurostat|csv|"
		       "mapping]\n"
		       "                     [--dept CODE] [-o FILE] [--public [--threshold N]]\n");
		return 0;
	}
	if (!opts[1].value)
		return usage_error("export: give --format dhis2-json, dhis2-csv, adx, eurostat, "
				   "csv or mapping");
	for (i = 0; i < sizeof formats / sizeof formats[0]; i++)
		if (strcmp(opts[1].value, formats[i].name) == 0)
			break;
	if (i == sizeof formats / sizeof formats[0])
		return usage_error("export: --format is dhis2-json, dhis2-csv, adx, eurostat, "
				   "csv or mapping, not \"%s\"",
				   term_text(opts[1].value, shown, sizeof shown));
	format = formats[i].f;
	fname = formats[i].name;
	if (opts[0].value && report_parse_period("export", opts[0].value, period))
		return EXIT_USAGE;
	out = opts[3].value ? opts[3].value : opts[4].value;
	public_mode = opts[5].value != NULL;
	if ((v = opts[6].value)) {
		if (report_parse_threshold("export", v, &threshold))
			return EXIT_USAGE;
		if (!public_mode)
			return usage_error("export: --threshold only applies with --public");
	}
	if (public_mode && format != EXP_CSV)
		return usage_error("export: --public is for --format csv (the exchange "
				   "formats carry exact counts, for statisticians)");
	if (public_mode && (!out || strcmp(out, "-") == 0))
		return usage_error("export: --public needs -o FILE, beside which its note "
				   "FILE.txt is written");
	if (opts[2].value) {
		if (format != EXP_DHIS2_JSON && format != EXP_DHIS2_CSV && format != EXP_ADX)
			return usage_error("export: --dept is for dhis2-json, dhis2-csv and adx");
		dept = dept_find(opts[2].value);
		if (dept < 0) {
			msg("export: unknown département code \"%s\" (expected an INSEE code "
			    "such as 01, 2A, 75 or 974)",
			    term_text(opts[2].value, shown, sizeof shown));
			return EXIT_REFUSED;
		}
		ou = DEPTS[dept].code;
	}

	rc = report_load(ctx, period, NULL, REPORT_CELLS, &r);
	/* The lists that name attributes: the dimensions of the tables. */
	for (i = 0; !rc && format == EXP_ADX && i < (size_t)r.ntables; i++) {
		const qn_table *t = r.tables[i].t;
		int k;

		for (k = 0; !rc && k < t->ndims; k++)
			if (k != status_dim(t) && !adx_name_ok(r.qn->lists[t->dims[k]].t.name)) {
				msg("export: the list %s of table %s cannot name an ADX attribute",
				    r.qn->lists[t->dims[k]].t.name, t->code);
				rc = EXIT_REFUSED;
			}
	}
	if (!rc && format == EXP_EUROSTAT && eurostat_tally(&r, &eu, &err))
		rc = fail(&err, "export");
	if (!rc && public_mode && report_suppress(&r, threshold, &err))
		rc = fail(&err, NULL);
	if (rc) {
		report_free(&r);
		return rc;
	}
	rc = output_open(&o, out, public_mode ? 0644 : 0600);
	if (rc) {
		report_free(&r);
		return rc;
	}
	walk_open(&wk, &r, dept);
	switch (format) {
	case EXP_DHIS2_JSON:
		w = write_dhis2_json(o.f, &r, ou, &wk);
		break;
	case EXP_DHIS2_CSV:
		w = write_dhis2_csv(o.f, &r, ou, &wk);
		break;
	case EXP_ADX:
		w = write_adx(o.f, &r, ou, &wk);
		break;
	case EXP_EUROSTAT:
		w = write_eurostat(o.f, &r, &eu);
		break;
	case EXP_CSV:
		w = write_cells(o.f, &r);
		break;
	case EXP_MAPPING:
		w = write_mapping(o.f, &r);
		break;
	}
	walk_close(&wk);
	if (wk.nomem) {
		/* Nothing is written: a part of the file would read as all of it. */
		if (o.path) {
			fclose(o.f);
			atomic_abort(&o.af);
		}
		report_free(&r);
		fmt_fail(&err, FMT_E_NOMEM, _("out of memory adding up the départements"));
		return fail(&err, "export");
	}
	rc = output_close(&o, w || ferror(o.f) ? EOF : 0);
	if (!rc && public_mode) {
		const char *base = strrchr(out, '/');

		if (snprintf(note_path, sizeof note_path, "%s.txt", out) >= (int)sizeof note_path) {
			msg("%s.txt: path too long", out);
			rc = EXIT_USAGE;
		} else if (!(rc = output_open(&note, note_path, 0644))) {
			write_note(note.f, &r, base ? base + 1 : out);
			rc = output_close(&note, ferror(note.f) ? EOF : 0);
		}
	}
	if (!rc && o.path)
		msg("%s: %s export for %s written%s%s%s", o.path, fname, r.period,
		    public_mode ? _(" (public: small counts suppressed; note in ") : "",
		    public_mode ? note_path : "", public_mode ? ")" : "");
	report_free(&r);
	return rc;
}
