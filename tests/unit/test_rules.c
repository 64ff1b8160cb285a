/*
 * test_rules.c - the third sheet of the questionnaire, rules.csv, and the
 * evaluator both programs use (questionnaire.h, "Rules and outliers"):
 * every kind of row is read, encoded canonically and written back; each
 * refusal of a broken row names its sheet, line, column and reason; the
 * rules fail exactly when their sums say so, with the cells concerned, and
 * are skipped when a table has no count; outliers against the previous
 * comparable period and above a threshold; the default edition's rules
 * hold on consistent counts and catch inconsistent ones.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fileio.h"
#include "questionnaire.h"
#include "tap.h"

#define T_HEAD "table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired\r\n"
#define L_HEAD "list,value,label_fr,label_en,retired,rollup\r\n"
#define R_HEAD "code,left_table,left_filter,op,right_table,right_filter,constant,severity," \
	       "message_fr,message_en\r\n"

static const char TABLES[] =
	T_HEAD
	"victims,Victimes,Victims,,status,exploitation,sex,age,\r\n"
	"origin,Origine,Origin,,status,country,,,\r\n"
	"complaints,Plaintes,Complaints,,exploitation,sex,,,\r\n";
static const char LISTS[] =
	L_HEAD
	"country,NG,Nigeria,Nigeria,,\r\n"
	"country,RO,Roumanie,Romania,,\r\n"
	"country,unknown,Inconnu,,,\r\n";

/* One of each kind of row, in every spelling the sheet allows. */
static const char RULES[] =
	R_HEAD
	"origin-same,origin,status=supported,'=,victims,status=supported,,error,"
	"Total par origine différent,Total by origin differs\r\n"
	"complaints-le,complaints,\"exploitation=sexual|labour,sex=f\",<=,victims,"
	"\"status=supported,sex=f\",,ERROR,Trop de plaintes,\r\n"
	"origin-ge,origin,,>=,,,1,warning,Aucune victime par origine,\r\n"
	"max,victims,,<=,,,100 000,avertissement,Plus de 100 000 victimes,\r\n"
	"eq2,complaints,,==,,,0,erreur,Des plaintes,\r\n"
	"factor,,,outlier,,,5,,,\r\n"
	"factor-victims,victims,status=spotted,outlier,,,0,warning,,\r\n"
	"big,complaints,sex=m,above,,,50,,Beaucoup de plaintes,\r\n";

struct problems {
	int n;
	fmt_error p[64];
};

static void collect(void *ctx, const fmt_error *e)
{
	struct problems *ps = ctx;

	if (ps->n < 64)
		ps->p[ps->n] = *e;
	ps->n++;
}

static questionnaire *parse(const char *rules, struct problems *ps, fmt_error *err)
{
	questionnaire *q = NULL;

	memset(ps, 0, sizeof *ps);
	qn_parse_rules(TABLES, strlen(TABLES), LISTS, strlen(LISTS), rules,
		       rules ? strlen(rules) : 0, &q, collect, ps, err);
	return q;
}

static void test_accepts(void)
{
	static struct problems ps;
	questionnaire *q = parse(RULES, &ps, NULL);
	const qn_rule *r;

	if (!ok(q && ps.n == 0, "every kind of row is accepted")) {
		for (int i = 0; i < ps.n && i < 64; i++)
			diag("%s", ps.p[i].detail);
		qn_free(q);
		return;
	}
	is_int(q->nrules, 8, "eight rows");
	r = &q->rules[0];
	ok(r->kind == QN_RULE_EQ && r->severity == QN_ERROR && r->left.table == 1 &&
	   r->left.nvalues[0] == 1 && r->left.values[0][0] == 1 && r->right.table == 0 &&
	   r->right.nvalues[0] == 1 && r->right.nvalues[1] == 0 && r->constant == 0,
	   "'= is =, both sides restricted to supported");
	r = &q->rules[1];
	ok(r->kind == QN_RULE_LE && r->severity == QN_ERROR && r->left.nvalues[0] == 2 &&
	   r->left.values[0][0] == 0 && r->left.values[0][1] == 1 && r->left.nvalues[1] == 1 &&
	   r->right.nvalues[0] == 1 && r->right.nvalues[2] == 1 &&
	   strcmp(r->message_en, "") == 0, "two dimensions, two values, ERROR in capitals");
	r = &q->rules[2];
	ok(r->kind == QN_RULE_GE && r->severity == QN_WARNING && r->right.table == -1 &&
	   r->constant == 1, ">= a constant");
	ok(q->rules[3].constant == 100000 && q->rules[3].severity == QN_WARNING,
	   "100 000 with a space, avertissement");
	ok(q->rules[4].kind == QN_RULE_EQ && q->rules[4].severity == QN_ERROR &&
	   q->rules[4].constant == 0, "== and erreur");
	ok(q->rules[5].kind == QN_RULE_OUTLIER && q->rules[5].left.table == -1 &&
	   q->rules[5].constant == 5 && q->rules[5].message_fr[0] == 0,
	   "a questionnaire-wide outlier factor");
	ok(q->rules[6].kind == QN_RULE_OUTLIER && q->rules[6].left.table == 0 &&
	   q->rules[6].constant == 0, "a factor of 0 for some cells of a table");
	ok(q->rules[7].kind == QN_RULE_ABOVE && q->rules[7].constant == 50, "a threshold");
	qn_free(q);

	q = parse(NULL, &ps, NULL);
	ok(q && q->nrules == 0, "no rules sheet: no rules");
	qn_free(q);
	q = parse(R_HEAD, &ps, NULL);
	ok(q && q->nrules == 0 && ps.n == 0, "a rules sheet with its header only: no rules");
	qn_free(q);
}

/* A rules sheet of one row after the header is refused with one problem,
 * at line 2, in column field, for reason. */
static void refuses(const char *row, const char *field, int reason, const char *name)
{
	static struct problems ps;
	char sheet[2048];
	fmt_error err;
	questionnaire *q;

	snprintf(sheet, sizeof sheet, "%s%s\r\n", R_HEAD, row);
	memset(&err, 0, sizeof err);
	q = parse(sheet, &ps, &err);
	if (!ok(!q && ps.n >= 1 && strcmp(ps.p[0].where, QN_RULES_SHEET) == 0 &&
		ps.p[0].line == 2 && strcmp(ps.p[0].field, field) == 0 &&
		ps.p[0].reason == reason && err.code == FMT_E_FIELD, "refuses %s", name))
		for (int i = 0; i < ps.n && i < 64; i++)
			diag("got %s:%u field %s reason %d: %s", ps.p[i].where, ps.p[i].line,
			     ps.p[i].field, ps.p[i].reason, ps.p[i].detail);
	qn_free(q);
}

static void test_refusals(void)
{
	static struct problems ps;
	questionnaire *q;

	refuses(",victims,,<=,,,1,error,M,", "code", FMT_R_REQUIRED, "an empty code");
	refuses("a b,victims,,<=,,,1,error,M,", "code", FMT_R_CODE, "a code with a space");
	refuses("r,nope,,<=,,,1,error,M,", "left_table", FMT_R_UNKNOWN, "an unknown table");
	refuses("r,Victims,,<=,,,1,error,M,", "left_table", FMT_R_UNKNOWN,
		"a table in other capitals");
	refuses("r,,,<=,,,1,error,M,", "left_table", FMT_R_REQUIRED, "a rule without table");
	refuses("r,victims,status=gone,<=,,,1,error,M,", "left_filter", FMT_R_UNKNOWN,
		"an unknown value");
	refuses("r,victims,country=NG,<=,,,1,error,M,", "left_filter", FMT_R_UNKNOWN,
		"a dimension the table does not have");
	refuses("r,victims,status,<=,,,1,error,M,", "left_filter", FMT_R_CODE,
		"a filter without =");
	refuses("r,victims,status=,<=,,,1,error,M,", "left_filter", FMT_R_CODE,
		"a filter without value");
	refuses("r,victims,\"status=spotted,status=supported\",<=,,,1,error,M,", "left_filter",
		FMT_R_DUPLICATE, "a dimension restricted twice");
	refuses("r,victims,status=spotted|spotted,<=,,,1,error,M,", "left_filter",
		FMT_R_DUPLICATE, "a value given twice");
	refuses("r,,status=spotted,outlier,,,3,,,", "left_filter", FMT_R_EXTRA,
		"a filter without table");
	refuses("r,victims,,<,,,1,error,M,", "op", FMT_R_UNKNOWN, "an unknown op");
	refuses("r,victims,,,,,1,error,M,", "op", FMT_R_REQUIRED, "no op");
	refuses("r,victims,,<=,,,1,fatal,M,", "severity", FMT_R_UNKNOWN, "an unknown severity");
	refuses("r,victims,,<=,,,1,,M,", "severity", FMT_R_REQUIRED, "a rule without severity");
	refuses("r,victims,,outlier,,,3,error,,", "severity", FMT_R_RANGE,
		"an outlier setting as an error");
	refuses("r,victims,,<=,,,,error,M,", "constant", FMT_R_REQUIRED,
		"no right side at all");
	refuses("r,victims,,<=,origin,,2,error,M,", "constant", FMT_R_EXTRA,
		"a table and a constant on the right");
	refuses("r,victims,,<=,,,-1,error,M,", "constant", FMT_R_RANGE, "a negative constant");
	refuses("r,victims,,<=,,,1.5,error,M,", "constant", FMT_R_RANGE, "a decimal constant");
	refuses("r,victims,,<=,,,1000000001,error,M,", "constant", FMT_R_RANGE,
		"a constant too large");
	refuses("r,,,outlier,,,1001,,,", "constant", FMT_R_RANGE, "a factor too large");
	refuses("r,victims,,above,,,100001,,,", "constant", FMT_R_RANGE,
		"a threshold above a count's cap");
	refuses("r,victims,,above,,,,,,", "constant", FMT_R_REQUIRED, "a threshold without number");
	refuses("r,victims,,outlier,origin,,3,,,", "right_table", FMT_R_EXTRA,
		"an outlier setting with a right table");
	refuses("r,victims,,<=,,status=spotted,1,error,M,", "right_filter", FMT_R_EXTRA,
		"a right filter without right table");
	refuses("r,victims,,<=,,,1,error,,", "message_fr", FMT_R_REQUIRED,
		"a rule without French message");
	refuses("r,victims,,above,,,3,,,English only", "message_fr", FMT_R_REQUIRED,
		"an English message without a French one");
	refuses("r,victims,,<=,,,1,error,\"deux\nlignes\",", "message_fr", FMT_R_TEXT,
		"a message on two lines");
	refuses("r,victims,,<=,,,1,error,M,,extra", "K", FMT_R_EXTRA,
		"a cell outside the header");

	memset(&ps, 0, sizeof ps);
	q = parse(R_HEAD "r,victims,,<=,,,1,error,M,\r\nR,victims,,<=,,,1,error,M,\r\n", &ps,
		  NULL);
	ok(!q && ps.n == 1 && ps.p[0].line == 3 && ps.p[0].reason == FMT_R_DUPLICATE &&
	   strcmp(ps.p[0].field, "code") == 0, "refuses a code given twice (case aside)");
	qn_free(q);
	q = parse("code,left_table,op\r\n", &ps, NULL);
	ok(!q && ps.n >= 1 && ps.p[0].reason == FMT_R_HEADER &&
	   strcmp(ps.p[0].where, QN_RULES_SHEET) == 0, "refuses a header without its columns");
	qn_free(q);
	q = parse(R_HEAD "x,nope,,<=,,,1,error,M,\r\ny,victims,,<,,,1,error,M,\r\n", &ps, NULL);
	ok(!q && ps.n == 2 && ps.p[0].line == 2 && ps.p[1].line == 3,
	   "every problem of the sheet is reported");
	qn_free(q);
}

/* ------------------------------------------------------------------ */
/* Encoding, writing back                                              */

static void test_codec(void)
{
	static struct problems ps;
	questionnaire *q = parse(RULES, &ps, NULL), *d = NULL, *back = NULL;
	uint8_t *buf = NULL, *b2 = NULL, *longer;
	size_t len = 0, n2 = 0, n;
	char *text = NULL;
	size_t tlen = 0;
	FILE *f;
	int refused = 1;

	if (!q)
		return;
	ok(qn_encode(q, &buf, &len, NULL) == FMT_OK, "encodes with its rules (%zu bytes)", len);
	ok(qn_decode(buf, len, &d, NULL) == FMT_OK && d && d->nrules == 8 &&
	   qn_encode(d, &b2, &n2, NULL) == FMT_OK && n2 == len && memcmp(b2, buf, len) == 0,
	   "decodes and encodes again to the same bytes");
	ok(d && strcmp(d->rules[1].code, "complaints-le") == 0 &&
	   d->rules[1].left.values[0][1] == 1 && d->rules[7].constant == 50,
	   "the rules decoded are those encoded");
	for (n = 0; n < len; n++) {
		questionnaire *t = NULL;
		int rc = qn_decode(buf, n, &t, NULL);

		/* the one truncation that decodes drops every rule */
		if (rc == FMT_OK && t->nrules != 0)
			refused = 0;
		qn_free(t);
	}
	ok(refused, "no truncation decodes with part of the rules");
	longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	qn_free(back);
	back = NULL;
	ok(qn_decode(longer, len + 1, &back, NULL) == FMT_E_TRAILING && !back,
	   "a byte after the last rule is refused");
	free(longer);
	qn_free(d);
	d = NULL;
	/* the kind and severity bytes of the first rule: after its code and
	 * its two messages */
	for (n = 0; n + 13 < len && memcmp(buf + n, "\x0b\x00origin-same", 13); n++)
		;
	if (ok(n + 13 < len, "the first rule's code is in the encoding")) {
		n += 13;
		n += 2 + (size_t)(buf[n] | buf[n + 1] << 8);
		n += 2 + (size_t)(buf[n] | buf[n + 1] << 8);
		ok(buf[n] == QN_RULE_EQ && buf[n + 1] == QN_ERROR, "then its kind and severity");
		buf[n + 1] = 2;
		ok(qn_decode(buf, len, &d, NULL) == FMT_E_FIELD && !d, "severity 2 is refused");
		buf[n + 1] = QN_ERROR;
		buf[n] = 9;
		ok(qn_decode(buf, len, &d, NULL) == FMT_E_FIELD && !d, "kind 9 is refused");
		buf[n] = QN_RULE_OUTLIER;
		ok(qn_decode(buf, len, &d, NULL) == FMT_E_FIELD && !d,
		   "an outlier setting with a right table and an error severity is refused");
		buf[n] = QN_RULE_EQ;
		ok(qn_decode(buf, len, &d, NULL) == FMT_OK && d, "restored, it decodes");
		qn_free(d);
		d = NULL;
	}
	free(b2);

	f = open_memstream(&text, &tlen);
	ok(f && qn_write_rules_csv(f, q) == 0 && fclose(f) == 0, "written back as a sheet");
	ok(text && strstr(text, "\r\norigin-same,origin,status=supported,'=,victims,"
			  "status=supported,,error,Total par origine différent,"
			  "Total by origin differs\r\n") &&
	   strstr(text, "\r\ncomplaints-le,complaints,\"exploitation=sexual|labour,sex=f\",<=,"
		  "victims,\"status=supported,sex=f\",,error,Trop de plaintes,\r\n") &&
	   strstr(text, "\r\nfactor,,,outlier,,,5,warning,,\r\n"),
	   "cells as a spreadsheet reads them");
	memset(&ps, 0, sizeof ps);
	qn_parse_rules(TABLES, strlen(TABLES), LISTS, strlen(LISTS), text, tlen, &back, collect,
		       &ps, NULL);
	ok(back && qn_encode(back, &b2, &n2, NULL) == FMT_OK && n2 == len &&
	   memcmp(b2, buf, len) == 0, "written then parsed: the same rules");
	free(b2);
	free(text);
	qn_free(back);
	free(buf);
	qn_free(q);
}

/* ------------------------------------------------------------------ */
/* The evaluator                                                       */

static rec_count cell(const char *table, uint32_t count, const char *d1, const char *d2,
		      const char *d3, const char *d4)
{
	rec_count c;
	const char *d[4] = { d1, d2, d3, d4 };

	memset(&c, 0, sizeof c);
	snprintf(c.table, sizeof c.table, "%s", table);
	snprintf(c.period, sizeof c.period, "2026-Q1");
	for (int k = 0; k < 4 && d[k]; k++)
		snprintf(c.dims[c.ndims++], sizeof c.dims[0], "%s", d[k]);
	c.count = count;
	return c;
}

struct seen {
	int n;
	int rule[16];
	uint64_t left[16], right[16];
	size_t ncells[16];
	size_t cell0[16];
};

static void on_failure(void *ctx, const questionnaire *q, const qn_failure *f)
{
	struct seen *s = ctx;

	(void)q;
	if (s->n < 16) {
		s->rule[s->n] = f->rule;
		s->left[s->n] = f->left;
		s->right[s->n] = f->right;
		s->ncells[s->n] = f->ncells;
		s->cell0[s->n] = f->ncells ? f->cells[0] : 99;
	}
	s->n++;
}

static void test_evaluate(void)
{
	static struct problems ps;
	questionnaire *q = parse(RULES, &ps, NULL);
	struct seen s;
	rec_count c[8];
	char text[256];
	uint32_t factor, thr;
	int n;

	if (!q)
		return;
	/* victims supported: 10 (3 f), origin supported 10, complaints 2 f */
	c[0] = cell("victims", 7, "supported", "sexual", "m", "adult");
	c[1] = cell("victims", 3, "supported", "labour", "f", "adult");
	c[2] = cell("victims", 4, "spotted", "sexual", "f", "minor");
	c[3] = cell("origin", 6, "supported", "NG", NULL, NULL);
	c[4] = cell("origin", 4, "supported", "RO", NULL, NULL);
	c[5] = cell("complaints", 0, "sexual", "f", NULL, NULL);
	memset(&s, 0, sizeof s);
	n = qn_rules_check(q, c, 6, on_failure, &s);
	is_int(n, 0, "consistent counts break no rule");

	c[4].count = 5;         /* origin supported: 11, victims supported 10 */
	c[5].count = 4;         /* complaints sexual f: 4, victims supported f: 3 */
	memset(&s, 0, sizeof s);
	n = qn_rules_check(q, c, 6, on_failure, &s);
	ok(n == 3 && s.n == 3, "three rules fail (%d)", n);
	ok(s.rule[0] == 0 && s.left[0] == 11 && s.right[0] == 10 && s.ncells[0] == 4 &&
	   s.cell0[0] == 0, "=: 11 against 10, over the four cells supported");
	ok(s.rule[1] == 1 && s.left[1] == 4 && s.right[1] == 3 && s.ncells[1] == 2,
	   "<=: 4 complaints of women against 3 women supported, two cells");
	ok(s.rule[2] == 4 && s.left[2] == 4 && s.right[2] == 0 && s.ncells[2] == 1,
	   "= 0: a complaint where none should be");

	c[0].count = 100000;
	c[6] = cell("victims", 100000, "spotted", "labour", "m", "adult");
	memset(&s, 0, sizeof s);
	n = qn_rules_check(q, c, 7, on_failure, &s);
	ok(n == 4 && s.rule[2] == 3 && s.left[2] == 200007 && s.right[2] == 100000,
	   "<= a constant: 200 007 victims against 100 000");

	/* without any origin count, the rules on origin are not checked */
	memset(&s, 0, sizeof s);
	n = qn_rules_check(q, c, 3, on_failure, &s);
	ok(n == 1 && s.rule[0] == 3, "a table without count: its rules are skipped");
	is_int(qn_rules_check(q, NULL, 0, NULL, NULL), 0, "no counts, no failure");

	qn_side_describe(q, &q->rules[1], 0, 0, text, sizeof text);
	is_str(text, "complaints (exploitation = sexual ou labour, sex = f)", "a side described");
	qn_side_describe(q, &q->rules[3], 1, 1, text, sizeof text);
	is_str(text, "100000", "a constant side described");

	/* outliers */
	c[0] = cell("victims", 16, "supported", "sexual", "m", "adult");
	is_int(qn_outlier(q, &c[0], 3, &factor, &thr), QN_OUTLIER_RATIO,
	       "16 after 3: more than 5 times");
	ok(factor == 5 && thr == 0, "the questionnaire-wide factor applies");
	is_int(qn_outlier(q, &c[0], 4, NULL, NULL), 0, "16 after 4: not more than 5 times");
	is_int(qn_outlier(q, &c[0], 0, NULL, NULL), 0, "after 0: no ratio");
	is_int(qn_outlier(q, &c[0], -1, NULL, NULL), 0, "no previous period: no ratio");
	c[1] = cell("victims", 100, "spotted", "sexual", "m", "adult");
	ok(qn_outlier(q, &c[1], 1, &factor, NULL) == 0 && factor == 0,
	   "a factor of 0 for spotted victims: never flagged");
	c[2] = cell("complaints", 51, "sexual", "m", NULL, NULL);
	ok(qn_outlier(q, &c[2], 50, &factor, &thr) == QN_OUTLIER_ABOVE && thr == 50,
	   "51 complaints of men: above the threshold of 50");
	c[2].count = 50;
	is_int(qn_outlier(q, &c[2], -1, NULL, NULL), 0, "50: not above 50");
	qn_free(q);

	q = parse(NULL, &ps, NULL);
	ok(q && qn_outlier(q, &c[0], 5, &factor, NULL) == QN_OUTLIER_RATIO && factor == 3,
	   "without rules: the factor is %d", QN_FACTOR_DEFAULT);
	ok(q && qn_outlier(q, &c[0], 6, NULL, NULL) == 0, "16 after 6: not more than 3 times");
	qn_free(q);
}

/* The groups a check covers: each added once, given back in order of
 * period then département, whatever the order they came in. */
static void test_groups(void)
{
	static const char *const periods[] = { "2026-Q3", "2026", "2026-05", "2025-Q4" };
	static struct problems ps;
	questionnaire *q = parse(RULES, &ps, NULL);
	qn_groups g = { 0 };
	uint64_t *keys = NULL;
	size_t n = 0;
	char period[REC_PERIOD_MAX + 1];
	uint8_t dept;
	int ok_all = 1;

	if (q) {
		ok(qn_table_checked(q, 0) && qn_table_checked(q, 1) && qn_table_checked(q, 2),
		   "the tables of the checks are checked");
		qn_free(q);
	}
	q = parse(NULL, &ps, NULL);
	ok(q && !qn_table_checked(q, 0), "without rules, no table is");
	qn_free(q);

	/* 4 periods x 101 départements, each added three times, backwards */
	for (int round = 0; round < 3; round++)
		for (int d = DEPT_COUNT - 1; d >= 0; d--)
			for (int p = 0; p < 4; p++)
				ok_all &= qn_groups_add(&g, periods[p], (uint8_t)d) == 0;
	ok(ok_all && g.n == 4 * DEPT_COUNT, "404 groups, each once (%zu)", g.n);
	ok(qn_groups_sorted(&g, &keys, &n) == 0 && n == g.n, "sorted");
	for (size_t i = 0; keys && i < n; i++) {
		char before[REC_PERIOD_MAX + 1];
		uint8_t bd;

		qn_group_of(keys[i], period, &dept);
		if (i) {
			qn_group_of(keys[i - 1], before, &bd);
			ok_all &= strcmp(before, period) < 0 ||
				  (strcmp(before, period) == 0 && bd < dept);
		}
	}
	ok(ok_all, "in order of period, then département");
	ok(qn_groups_has(&g, "2026-05", 75) && qn_groups_has(&g, "2025-Q4", 0) &&
	   !qn_groups_has(&g, "2026-06", 75) && !qn_groups_has(&g, "2026-Q", 3) &&
	   !qn_groups_has(&g, "2027", 3), "has: the groups added, and only them");
	qn_group_of(keys[0], period, &dept);
	ok(strcmp(period, "2025-Q4") == 0 && dept == 0, "the first: %s, %d", period, dept);
	qn_group_of(keys[n - 1], period, &dept);
	ok(strcmp(period, "2026-Q3") == 0 && dept == DEPT_COUNT - 1, "the last: %s, %d",
	   period, dept);
	free(keys);
	qn_groups_clear(&g);
	ok(g.n == 0 && qn_groups_sorted(&g, &keys, &n) == 0 && n == 0 && !keys &&
	   !qn_groups_has(&g, "2026", 3), "cleared: empty");
	ok(qn_groups_add(&g, "2026", 3) == 0 && g.n == 1, "and used again");
	qn_groups_free(&g);
	ok(!g.slot && !g.n, "freed");
}

static void test_periods(void)
{
	char p[REC_PERIOD_MAX + 1];

	ok(period_previous("2026", p) == 0 && strcmp(p, "2025") == 0, "2026 after 2025");
	ok(period_previous("2026-Q1", p) == 0 && strcmp(p, "2025-Q4") == 0, "Q1 after Q4");
	ok(period_previous("2026-Q3", p) == 0 && strcmp(p, "2026-Q2") == 0, "Q3 after Q2");
	ok(period_previous("2026-01", p) == 0 && strcmp(p, "2025-12") == 0, "January after "
	   "December");
	ok(period_previous("2026-10", p) == 0 && strcmp(p, "2026-09") == 0, "October after "
	   "September");
	ok(period_previous("2000", p) == -1 && period_previous("2000-Q1", p) == -1 &&
	   period_previous("2026-q1", p) == -1, "none before 2000, none for a bad period");
}

/* The default edition: its rules hold on consistent counts. */
static void test_default(void)
{
	static struct problems ps;
	char dir[4200];
	const char *src = getenv("MAILLAGE_SRC");
	questionnaire *q = NULL;
	rec_count c[6];
	struct seen s;

	snprintf(dir, sizeof dir, "%s/samples/questionnaire", src && *src ? src : ".");
	memset(&ps, 0, sizeof ps);
	qn_read_dir(dir, &q, collect, &ps, NULL);
	if (!ok(q && ps.n == 0 && q->nrules >= 5, "the default edition has its rules")) {
		for (int i = 0; i < ps.n && i < 64; i++)
			diag("%s", ps.p[i].detail);
		qn_free(q);
		return;
	}
	{
		char *text = NULL, path[4300];
		size_t tlen = 0, flen = 0;
		uint8_t *file = NULL;
		FILE *f = open_memstream(&text, &tlen);

		snprintf(path, sizeof path, "%s/rules.csv", dir);
		ok(f && qn_write_rules_csv(f, q) == 0 && fclose(f) == 0 &&
		   read_file_capped(path, QN_SHEET_MAX, &file, &flen, NULL) == FMT_OK &&
		   flen == tlen && memcmp(file, text, tlen) == 0,
		   "the default rules written back are rules.csv, byte for byte");
		free(text);
		free(file);
	}
	c[0] = cell("victims", 5, "supported", "sexual", "f", "adult");
	c[1] = cell("victims", 2, "supported", "labour", "m", "minor");
	c[2] = cell("victims-origin", 7, "supported", "NG", NULL, NULL);
	c[3] = cell("minors-at-start", 3, "adult", "f", NULL, NULL);
	c[4] = cell("complaints", 2, "sexual", "f", NULL, NULL);
	memset(&s, 0, sizeof s);
	is_int(qn_rules_check(q, c, 5, on_failure, &s), 0, "consistent counts pass");
	c[3].count = 6;         /* adults today minors at start: 6 > 5 adults supported */
	c[2].count = 8;
	memset(&s, 0, sizeof s);
	ok(qn_rules_check(q, c, 5, on_failure, &s) == 2 &&
	   strcmp(q->rules[s.rule[0]].code, "origin-supported") == 0 &&
	   strcmp(q->rules[s.rule[1]].code, "minors-adults") == 0,
	   "origin and minors rules catch their inconsistencies");
	qn_free(q);
}

int main(void)
{
	test_accepts();
	test_refusals();
	test_codec();
	test_evaluate();
	test_groups();
	test_periods();
	test_default();
	return done_testing();
}
