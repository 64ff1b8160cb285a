/*
 * test_questionnaire.c - the questionnaire of format/questionnaire.h: the
 * default edition of samples/questionnaire/ parses without a problem; each
 * rule of docs/QUESTIONNAIRE.md refuses a real broken sheet, at the right
 * sheet, line, column and reason, and every problem of a sheet reaches the
 * callback; lists carry their own labels (a list's own row, the built-in
 * lists' fixed ones, qn_list_label's fallbacks); the binary encoding
 * round-trips, is canonical and refuses every truncation, every byte
 * changed into something that would not encode back the same, and trailing
 * bytes; editions may add and retire but never remove or redefine; the
 * sheets written back parse to the same questionnaire.
 *
 * Sheets are written inline, as a coordinator's spreadsheet would save
 * them, so that each refusal is of a file a coordinator could really send.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fileio.h"
#include "questionnaire.h"
#include "refdata.h"
#include "tap.h"

#define T2026 1767225600LL      /* 2026-01-01T00:00:00Z */

#define T_HEAD "table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired\r\n"
#define L_HEAD "list,value,label_fr,label_en,retired,rollup\r\n"
#define T_VICTIMS "victims,Victimes,Victims,Comptez.,status,exploitation,sex,age,\r\n"
#define L_PAYS "pays,FR,France,France,,\r\n"

static char samples[4096];

/* ------------------------------------------------------------------ */
/* Problems, as the callback receives them                             */

struct problems {
	int n;
	fmt_error p[128];
};

static void collect(void *ctx, const fmt_error *e)
{
	struct problems *ps = ctx;

	if (ps->n < (int)(sizeof ps->p / sizeof ps->p[0]))
		ps->p[ps->n] = *e;
	ps->n++;
}

static void show_problems(const struct problems *ps)
{
	int i;

	for (i = 0; i < ps->n && i < 128; i++)
		diag("  got %s:%u field \"%s\" reason %d code %d: %s", ps->p[i].where,
		     ps->p[i].line, ps->p[i].field, ps->p[i].reason, ps->p[i].code,
		     ps->p[i].detail);
}

/* One expected problem. */
struct want {
	const char *where;
	unsigned line;
	const char *field;
	int reason;
};

static int same_problem(const fmt_error *e, const struct want *w)
{
	return strcmp(e->where, w->where) == 0 && e->line == w->line &&
	       strcmp(e->field, w->field) == 0 && e->reason == w->reason && e->detail[0];
}

static int parse(const char *t, const char *l, questionnaire **q, struct problems *ps,
		 fmt_error *err)
{
	memset(ps, 0, sizeof *ps);
	return qn_parse(t, t ? strlen(t) : 0, l, l ? strlen(l) : 0, q, collect, ps, err);
}

/* The sheets t and l are refused with exactly the problems w[0..n), in
 * that order; the return code and err are the first one's. */
static void refuses(const char *name, const char *t, const char *l, int code,
		    const struct want *w, int n)
{
	static struct problems ps;
	questionnaire *q = (questionnaire *)1;
	fmt_error err;
	int rc, i, same;

	memset(&err, 0, sizeof err);
	rc = parse(t, l, &q, &ps, &err);
	same = ps.n == n;
	for (i = 0; same && i < n; i++)
		same = same_problem(&ps.p[i], &w[i]);
	if (!ok(rc == code && q == NULL && same && same_problem(&err, &w[0]) && err.code == code,
		"refuses %s", name)) {
		diag("rc %d, want %d; %d problems, want %d", rc, code, ps.n, n);
		for (i = 0; i < n; i++)
			diag("  want %s:%u field \"%s\" reason %d", w[i].where, w[i].line,
			     w[i].field, w[i].reason);
		show_problems(&ps);
	}
	qn_free(q == (questionnaire *)1 ? NULL : q);
}

#define REFUSES(name, t, l, ...) do { \
	static const struct want w_[] = { __VA_ARGS__ }; \
	refuses(name, t, l, FMT_E_FIELD, w_, (int)(sizeof w_ / sizeof w_[0])); \
} while (0)

#define TS QN_TABLES_SHEET
#define LS QN_LISTS_SHEET

static questionnaire *accepts(const char *name, const char *t, const char *l)
{
	static struct problems ps;
	questionnaire *q = NULL;
	int rc = parse(t, l, &q, &ps, NULL);

	if (!ok(rc == FMT_OK && q && ps.n == 0, "accepts %s", name)) {
		diag("rc %d", rc);
		show_problems(&ps);
	}
	return q;
}

/* ------------------------------------------------------------------ */
/* Equality, field by field                                            */

static int str_eq(const char *what, const char *a, const char *b)
{
	if (a && b && strcmp(a, b) == 0)
		return 1;
	diag("%s: \"%s\" != \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
	return 0;
}

static int q_equal(const questionnaire *a, const questionnaire *b, int editions)
{
	int li, v, ti, k;

	if (editions && (a->edition != b->edition || a->published != b->published)) {
		diag("edition %u/%lld != %u/%lld", a->edition, (long long)a->published,
		     b->edition, (long long)b->published);
		return 0;
	}
	if (a->nlists != b->nlists || a->ntables != b->ntables) {
		diag("%d lists, %d tables != %d lists, %d tables", a->nlists, a->ntables,
		     b->nlists, b->ntables);
		return 0;
	}
	for (li = 0; li < a->nlists; li++) {
		const qn_list *x = &a->lists[li], *y = &b->lists[li];

		if (!str_eq("list", x->t.name, y->t.name) ||
		    !str_eq("list label_fr", x->label_fr, y->label_fr) ||
		    !str_eq("list label_en", x->label_en, y->label_en))
			return 0;
		if (x->t.count != y->t.count || x->builtin != y->builtin ||
		    x->rollup != y->rollup || !x->rollup_of != !y->rollup_of) {
			diag("list %s: count, builtin or rollup differ", x->t.name);
			return 0;
		}
		for (v = 0; v < x->t.count; v++) {
			if (!str_eq("value", x->t.items[v].code, y->t.items[v].code) ||
			    !str_eq("label_fr", x->t.items[v].fr, y->t.items[v].fr) ||
			    !str_eq("label_en", x->t.items[v].en, y->t.items[v].en))
				return 0;
			if (x->retired[v] != y->retired[v] ||
			    (x->rollup_of && x->rollup_of[v] != y->rollup_of[v])) {
				diag("list %s value %s: retired or rollup differ", x->t.name,
				     x->t.items[v].code);
				return 0;
			}
		}
	}
	for (ti = 0; ti < a->ntables; ti++) {
		const qn_table *x = &a->tables[ti], *y = &b->tables[ti];

		if (!str_eq("table", x->code, y->code) ||
		    !str_eq("title_fr", x->title_fr, y->title_fr) ||
		    !str_eq("title_en", x->title_en, y->title_en) ||
		    !str_eq("help_fr", x->help_fr, y->help_fr))
			return 0;
		if (x->ndims != y->ndims || x->retired != y->retired) {
			diag("table %s: ndims or retired differ", x->code);
			return 0;
		}
		for (k = 0; k < x->ndims; k++)
			if (x->dims[k] != y->dims[k]) {
				diag("table %s: dim%d differs", x->code, k + 1);
				return 0;
			}
	}
	return 1;
}

/* ------------------------------------------------------------------ */
/* Samples                                                             */

/* A small questionnaire with every feature: a rollup, retired values and
 * tables, empty English labels and help, a label that looks like a
 * formula and one with a comma and quotes, a list's own row among its
 * values, one with a French label only, a list without one. */
static const char SMALL_T[] =
	T_HEAD
	T_VICTIMS
	"victims-origin,\"Victimes par pays d'origine, « nationalité »\",,,status,country,,,\r\n"
	"referrals,Orientations,Referrals,\"Comptez les \"\"orientations\"\".\",referral,age,,,"
	"oui\r\n";
static const char SMALL_L[] =
	L_HEAD
	"country,NG,Nigeria,Nigeria,,region:africa\r\n"
	"country,,Pays d'origine,Country of origin,,\r\n"
	"country,RO,Roumanie,Romania,,region:europe\r\n"
	"country,unknown,Inconnu,,,region:unknown\r\n"
	"region,africa,Afrique,Africa,,\r\n"
	"region,europe,Europe,Europe,,\r\n"
	"region,unknown,Inconnue,Unknown,,\r\n"
	"region,,Région,,,\r\n"
	"referral,medical,Soins,Medical care,,\r\n"
	"referral,acse,'-18 ans: dispositif Ac.Sé,Ac.Sé,x,\r\n"
	"referral,old,=Ancien,Old,OUI,\r\n";

static questionnaire *small(void)
{
	questionnaire *q = NULL;

	if (qn_parse(SMALL_T, sizeof SMALL_T - 1, SMALL_L, sizeof SMALL_L - 1, &q, NULL, NULL,
		     NULL) != FMT_OK)
		return NULL;
	q->edition = 2;
	q->published = T2026 + 3600;
	return q;
}

static questionnaire *default_edition(struct problems *ps)
{
	questionnaire *q = NULL;

	memset(ps, 0, sizeof *ps);
	qn_read_dir(samples, &q, collect, ps, NULL);
	return q;
}

/* ------------------------------------------------------------------ */
/* The default edition                                                 */

static void test_default_edition(void)
{
	static struct problems ps;
	questionnaire *q = default_edition(&ps);
	const qn_table *t;
	int li, country, region, v, nonempty = 1, named = 1, ng, fr;

	if (!ok(q && ps.n == 0, "the default edition parses without any problem"))
		show_problems(&ps);
	if (!q)
		return;
	is_int(q->edition, 0, "not published yet");
	ok(q->ntables >= 13, "%d tables", q->ntables);
	t = &q->tables[0];
	ok(strcmp(t->code, "victims") == 0 && t->ndims == 4 && t->dims[0] == 0 &&
	   t->dims[1] == 1 && t->dims[2] == 2 && t->dims[3] == 3,
	   "victims is first, with status, exploitation, sex, age");
	for (li = 0; li < QN_BUILTIN_LISTS; li++)
		ok(q->lists[li].builtin, "list %d (%s) is built in", li, q->lists[li].t.name);
	is_str(q->lists[0].t.name, "status", "status is list 0");
	is_str(q->lists[3].t.name, "age", "age is list 3");
	is_int(q->lists[1].t.count, ENUM_EXPLOITATION.count, "exploitation has its values");
	t = qn_table_find(q, "victims-origin");
	country = qn_list_find(q, "country");
	region = qn_list_find(q, "world-region");
	ok(t && t->ndims == 2 && t->dims[0] == 0 && t->dims[1] == country,
	   "victims-origin is status x country");
	ok(country >= QN_BUILTIN_LISTS && q->lists[country].t.count == 250,
	   "country: 249 ISO codes and unknown");
	ok(region >= 0 && q->lists[country].rollup == region,
	   "every country rolls up into a world region");
	ng = qn_value_find(&q->lists[country], "NG");
	fr = qn_value_find(&q->lists[country], "FR");
	ok(ng >= 0 && strcmp(q->lists[region].t.items[q->lists[country].rollup_of[ng]].code,
			     "subsaharan-africa") == 0, "NG rolls up into sub-Saharan Africa");
	ok(fr >= 0 && strcmp(q->lists[region].t.items[q->lists[country].rollup_of[fr]].code,
			     "european-union") == 0, "FR rolls up into the European Union");
	v = qn_value_find(&q->lists[country], "unknown");
	ok(v == 249 && strcmp(q->lists[region].t.items[q->lists[country].rollup_of[v]].code,
			      "unknown") == 0, "unknown comes last, into the region unknown");
	is_int(qn_value_find(&q->lists[country], "ng"), -1, "value look-up is exact");
	for (li = QN_BUILTIN_LISTS; li < q->nlists; li++)
		named &= q->lists[li].label_fr[0] && q->lists[li].label_en[0];
	ok(named, "every list of lists.csv has a French and an English label");
	ok(strcmp(qn_list_label(&q->lists[country], 0), "Pays d'origine") == 0 &&
	   strcmp(qn_list_label(&q->lists[country], 1), "Country of origin") == 0 &&
	   strcmp(qn_list_label(&q->lists[region], 0), "Région du monde") == 0 &&
	   strcmp(qn_list_label(&q->lists[qn_list_find(q, "relation")], 0),
		  "Lien avec l'exploiteur") == 0 &&
	   strcmp(qn_list_label(&q->lists[qn_list_find(q, "referral")], 1), "Referral") == 0,
	   "country, world-region, relation and referral are named");
	for (v = 0; v < q->ntables; v++)
		nonempty &= q->tables[v].help_fr[0] && q->tables[v].title_en[0];
	ok(nonempty, "every table has a help line and an English title");
	ok(qn_table_find(q, "unaccompanied-minors") && qn_table_find(q, "referrals") &&
	   qn_table_find(q, "exploited-abroad") && qn_table_find(q, "long-support"),
	   "the annex tables are there");
	ok(qn_table_find(q, "nope") == NULL && qn_list_find(q, "Country") == -1 &&
	   qn_list_find(NULL, "x") == -1 && qn_value_find(NULL, "x") == -1,
	   "look-ups of what is not there");
	qn_free(q);
}

/* ------------------------------------------------------------------ */
/* Accepted sheets                                                     */

static void test_accepts(void)
{
	questionnaire *a, *b;
	const qn_table *t;

	a = accepts("a minimal questionnaire", T_HEAD T_VICTIMS, L_HEAD);
	if (a) {
		is_int(a->nlists, QN_BUILTIN_LISTS, "only the built-in lists");
		is_int(a->ntables, 1, "one table");
		is_str(a->tables[0].help_fr, "Comptez.", "help kept");
		ok(a->lists[2].t.count == ENUM_SEX.count &&
		   strcmp(a->lists[2].t.items[2].fr, ENUM_SEX.items[2].fr) == 0 &&
		   strcmp(a->lists[2].t.items[2].en, ENUM_SEX.items[2].en) == 0,
		   "built-in lists carry refdata's codes and labels");
	}
	qn_free(a);

	a = small();
	ok(a != NULL, "the small questionnaire parses");
	if (a) {
		int referral = qn_list_find(a, "referral");

		t = qn_table_find(a, "referrals");
		ok(t && t->retired == 1, "a table retired with oui");
		ok(referral > 0 && a->lists[referral].retired[1] == 1 &&
		   a->lists[referral].retired[2] == 1 && a->lists[referral].retired[0] == 0,
		   "values retired with x and OUI");
		is_str(a->lists[referral].t.items[1].fr, "-18 ans: dispositif Ac.Sé",
		       "the apostrophe before a formula is taken off");
		is_str(a->lists[referral].t.items[2].fr, "=Ancien", "a formula-like label kept");
		is_str(a->tables[1].title_fr, "Victimes par pays d'origine, « nationalité »",
		       "a quoted title with a comma");
		is_str(a->tables[1].title_en, "", "an empty English title stays empty");
		is_str(a->tables[2].help_fr, "Comptez les \"orientations\".", "quotes in help");
		ok(a->lists[qn_list_find(a, "region")].rollup == -1, "region does not roll up");
	}

	b = accepts("semicolon sheets (French Excel)",
		    "table;title_fr;title_en;help_fr;dim1;dim2;dim3;dim4;retired\r\n"
		    "victims;Victimes;Victims;Comptez.;status;exploitation;sex;age;\r\n"
		    "victims-origin;Victimes par pays d'origine, « nationalité »;;;status;"
		    "country;;;\r\n"
		    "referrals;Orientations;Referrals;\"Comptez les \"\"orientations\"\".\";"
		    "referral;age;;;oui\r\n",
		    "list;value;label_fr;label_en;retired;rollup\r\n"
		    "country;NG;Nigeria;Nigeria;;region:africa\r\n"
		    "country;;Pays d'origine;Country of origin;;\r\n"
		    "country;RO;Roumanie;Romania;;region:europe\r\n"
		    "country;unknown;Inconnu;;;region:unknown\r\n"
		    "region;africa;Afrique;Africa;;\r\n"
		    "region;europe;Europe;Europe;;\r\n"
		    "region;unknown;Inconnue;Unknown;;\r\n"
		    "region;;Région;;;\r\n"
		    "referral;medical;Soins;Medical care;;\r\n"
		    "referral;acse;'-18 ans: dispositif Ac.Sé;Ac.Sé;x;\r\n"
		    "referral;old;=Ancien;Old;OUI;\r\n");
	ok(a && b && q_equal(a, b, 0), "semicolon sheets read like comma sheets");
	qn_free(b);

	b = accepts("sheets with a byte order mark, LF ends, blank and empty rows",
		    "\xEF\xBB\xBF" "table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired\n"
		    "victims,Victimes,Victims,Comptez.,status,exploitation,sex,age,\n"
		    "\n,,,,,,,,\n"
		    "victims-origin,\"Victimes par pays d'origine, « nationalité »\",,,status,"
		    "country,,,\n"
		    "referrals,Orientations,Referrals,\"Comptez les \"\"orientations\"\".\","
		    "referral,age,,,oui\n",
		    "\xEF\xBB\xBF" "list;value;label_fr;label_en;retired;rollup\n"
		    "country;NG;Nigeria;Nigeria;;region:africa\n"
		    "country;;Pays d'origine;Country of origin;;\n"
		    "country;RO;Roumanie;Romania;;region:europe\n"
		    "country;unknown;Inconnu;;;region:unknown\n"
		    ";;;;;\n"
		    "region;africa;Afrique;Africa;;\n"
		    "region;europe;Europe;Europe;;\n"
		    "region;unknown;Inconnue;Unknown;;\n"
		    "region;;Région;;;\n"
		    "referral;medical;Soins;Medical care;;\n"
		    "referral;acse;'-18 ans: dispositif Ac.Sé;Ac.Sé;x;\n"
		    "referral;old;=Ancien;Old;OUI;\n");
	ok(a && b && q_equal(a, b, 0), "BOM, LF and empty rows change nothing");
	qn_free(b);

	b = accepts("columns in another order, names in capitals, no rollup column, "
		    "empty cells after the last column",
		    "Title_FR,TABLE,dim1,Dim2,Dim3,Dim4,help_fr,title_en,retired,,\r\n"
		    "Victimes,victims,status,exploitation,sex,age,Comptez.,Victims,,,\r\n",
		    "LIST,Value,label_fr,label_en,retired\r\n");
	if (b)
		ok(strcmp(b->tables[0].code, "victims") == 0 && b->tables[0].ndims == 4,
		   "columns found by name");
	qn_free(b);

	b = accepts("retired written 0, non, No, 1, yes, X",
		    T_HEAD
		    "a,A,A,,status,,,,0\r\nb,B,B,,status,,,,non\r\nc,C,C,,status,,,,No\r\n"
		    "d,D,D,,status,,,,1\r\ne,E,E,,status,,,,yes\r\nf,F,F,,status,,,,X\r\n",
		    L_HEAD);
	if (b)
		ok(!b->tables[0].retired && !b->tables[1].retired && !b->tables[2].retired &&
		   b->tables[3].retired && b->tables[4].retired && b->tables[5].retired,
		   "retired words read");
	qn_free(b);

	b = accepts("a list defined but not used, codes with _ and capitals",
		    T_HEAD T_VICTIMS, L_HEAD "unused_List,Val_1,Un,One,,\r\n");
	qn_free(b);
	qn_free(a);
}

/* ------------------------------------------------------------------ */
/* List labels                                                         */

static void test_list_labels(void)
{
	static const char *const builtin[QN_BUILTIN_LISTS][3] = {
		{ "status", "Statut des victimes", "Status of the victims" },
		{ "exploitation", "Forme d'exploitation", "Form of exploitation" },
		{ "sex", "Sexe", "Sex" },
		{ "age", "Âge", "Age" },
	};
	questionnaire *a = small(), *b;
	const qn_list *country, *region, *referral;
	char l[1024], label[256];
	int i;

	b = accepts("a minimal questionnaire", T_HEAD T_VICTIMS, L_HEAD);
	for (i = 0; b && i < QN_BUILTIN_LISTS; i++) {
		const qn_list *x = &b->lists[i];

		ok(strcmp(x->t.name, builtin[i][0]) == 0 &&
		   strcmp(x->label_fr, builtin[i][1]) == 0 &&
		   strcmp(x->label_en, builtin[i][2]) == 0, "built-in list %s is \"%s\" / \"%s\"",
		   x->t.name, x->label_fr, x->label_en);
	}
	if (b) {
		is_str(qn_list_label(&b->lists[3], 0), "Âge", "built-in age, in French");
		is_str(qn_list_label(&b->lists[3], 1), "Age", "built-in age, in English");
	}
	qn_free(b);

	if (!ok(a != NULL, "the small questionnaire parses"))
		return;
	country = &a->lists[qn_list_find(a, "country")];
	region = &a->lists[qn_list_find(a, "region")];
	referral = &a->lists[qn_list_find(a, "referral")];
	ok(strcmp(country->label_fr, "Pays d'origine") == 0 &&
	   strcmp(country->label_en, "Country of origin") == 0,
	   "a list's own row among its values gives its labels");
	ok(country->t.count == 3 && region->t.count == 3,
	   "and is not a value (country and region keep 3 values)");
	ok(strcmp(country->t.items[1].code, "RO") == 0, "the values after it keep their order");
	ok(strcmp(region->label_fr, "Région") == 0 && strcmp(region->label_en, "") == 0,
	   "a list's own row last, with a French label only");
	ok(strcmp(referral->label_fr, "") == 0 && strcmp(referral->label_en, "") == 0,
	   "a list without its own row has empty labels");

	is_str(qn_list_label(country, 1), "Country of origin", "label: English when asked");
	is_str(qn_list_label(country, 0), "Pays d'origine", "label: French when asked");
	is_str(qn_list_label(region, 1), "Région", "label: French when the English is empty");
	is_str(qn_list_label(referral, 1), "referral", "label: the code when there is none");
	is_str(qn_list_label(referral, 0), "referral", "label: the code in French too");
	is_str(qn_list_label(NULL, 1), "", "label of no list: \"\", not NULL");
	qn_free(a);

	b = accepts("a list's own row first, and a list's own row with the English only empty",
		    T_HEAD "a,A,,,pays,,,,\r\n",
		    L_HEAD "pays,,Pays,,,\r\npays,FR,France,,,\r\npays,BE,Belgique,,,\r\n");
	if (b) {
		const qn_list *x = &b->lists[qn_list_find(b, "pays")];

		ok(x->t.count == 2 && strcmp(x->label_fr, "Pays") == 0 &&
		   strcmp(x->t.items[0].code, "FR") == 0, "its labels, then its values");
	}
	qn_free(b);

	memset(label, 'e', 200);
	label[198] = '\0';
	strcat(label, "é");                             /* 200 bytes */
	snprintf(l, sizeof l, L_HEAD "pays,,%s,%s,,\r\npays,FR,France,,,\r\n", label, label);
	qn_free(accepts("list labels of 200 bytes", T_HEAD T_VICTIMS, l));
}

/* ------------------------------------------------------------------ */
/* Refused sheets: one rule each                                       */

static void test_refusals(void)
{
	char t[2048], l[2048], label[256];

	REFUSES("a misspelt column", T_HEAD T_VICTIMS,
		"list,value,libelle_fr,label_en,retired\r\n" L_PAYS,
		{ LS, 1, "libelle_fr", FMT_R_HEADER },
		{ LS, 1, "label_fr", FMT_R_HEADER });
	REFUSES("a column named twice",
		"table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired,Dim1\r\n" T_VICTIMS,
		L_HEAD, { TS, 1, "dim1", FMT_R_HEADER });
	REFUSES("an empty tables.csv", "", L_HEAD, { TS, 1, "", FMT_R_HEADER });
	REFUSES("a tables.csv without a table", T_HEAD "\r\n,,,,,,,,\r\n", L_HEAD,
		{ TS, 0, "table", FMT_R_REQUIRED });
	REFUSES("a duplicate table",
		T_HEAD T_VICTIMS "pays,Pays,,,pays,,,,\r\n" "Pays,Pays 2,,,pays,,,,\r\n"
		"victims,Encore,,,sex,,,,\r\n",
		L_HEAD L_PAYS,
		{ TS, 4, "table", FMT_R_DUPLICATE },
		{ TS, 5, "table", FMT_R_DUPLICATE });
	REFUSES("an unknown list", T_HEAD "a,A,,,status,nationalite,,,\r\n", L_HEAD L_PAYS,
		{ TS, 2, "dim2", FMT_R_UNKNOWN });
	REFUSES("a list named in the wrong case", T_HEAD "a,A,,,Pays,,,,\r\n", L_HEAD L_PAYS,
		{ TS, 2, "dim1", FMT_R_UNKNOWN });
	REFUSES("a reserved name as a dimension", T_HEAD "a,A,,,status,period,Dept,,\r\n",
		L_HEAD,
		{ TS, 2, "dim2", FMT_R_RESERVED_NAME },
		{ TS, 2, "dim3", FMT_R_RESERVED_NAME });
	REFUSES("a reserved name as a list", T_HEAD T_VICTIMS,
		L_HEAD "count,a,A,,,\r\ncount,b,B,,,\r\ntable,x,X,,,\r\n",
		{ LS, 2, "list", FMT_R_RESERVED_NAME },
		{ LS, 4, "list", FMT_R_RESERVED_NAME });
	REFUSES("a built-in list redefined", T_HEAD T_VICTIMS,
		L_HEAD "sex,x,Autre,Other,,\r\nAge,old,Vieux,Old,,\r\n",
		{ LS, 2, "list", FMT_R_BUILTIN },
		{ LS, 3, "list", FMT_R_BUILTIN });
	REFUSES("a gap in the dimensions", T_HEAD "a,A,,,status,,sex,,\r\nb,B,,,,sex,,,\r\n",
		L_HEAD,
		{ TS, 2, "dim3", FMT_R_GAP },
		{ TS, 3, "dim2", FMT_R_GAP });
	REFUSES("no dimension", T_HEAD "a,A,,,,,,,\r\n", L_HEAD, { TS, 2, "dim1", FMT_R_REQUIRED });
	REFUSES("the same list twice in a table", T_HEAD "a,A,,,sex,age,sex,,\r\n", L_HEAD,
		{ TS, 2, "dim3", FMT_R_DUPLICATE });

	memset(label, 'e', 200);
	label[200] = '\0';
	snprintf(l, sizeof l, L_HEAD "pays,FR,%s,%s,,\r\n", label, label);
	qn_free(accepts("labels of 200 bytes", T_HEAD T_VICTIMS, l));
	strcpy(label + 198, "é");                      /* 200 bytes still */
	snprintf(t, sizeof t, T_HEAD "a,%s,%s,,status,,,,\r\n", label, label);
	qn_free(accepts("titles of 200 bytes with an accent", t, L_HEAD));
	strcpy(label + 198, "éé");                     /* 202 bytes */
	snprintf(l, sizeof l, L_HEAD "pays,FR,%s,,,\r\npays,BE,Belgique,%s,,\r\n", label, label);
	REFUSES("a label too long", T_HEAD T_VICTIMS, l,
		{ LS, 2, "label_fr", FMT_R_TOO_LONG },
		{ LS, 3, "label_en", FMT_R_TOO_LONG });
	memset(t, 0, sizeof t);
	strcpy(t, T_HEAD "a,A,,");
	memset(t + strlen(t), 'h', 500);
	strcat(t, ",status,,,,\r\nb,B,,");
	memset(t + strlen(t), 'h', 501);
	strcat(t, ",status,,,,\r\n");
	REFUSES("a help line of 501 bytes (500 is fine)", t, L_HEAD,
		{ TS, 3, "help_fr", FMT_R_TOO_LONG });
	REFUSES("a control character", T_HEAD "a,A\x01,,,status,,,,\r\n",
		L_HEAD "pays,FR,\"Fran\nce\",,,\r\npays,BE,Belgique,Bel\x7fgium,,\r\n",
		{ LS, 2, "label_fr", FMT_R_TEXT },
		{ LS, 4, "label_en", FMT_R_TEXT },
		{ TS, 2, "title_fr", FMT_R_TEXT });
	REFUSES("invalid UTF-8", T_HEAD "a,Fran\xe7" "ais,,,status,,,,\r\n", L_HEAD,
		{ TS, 2, "title_fr", FMT_R_TEXT });
	REFUSES("empty French labels", T_HEAD ",,,,status,,,,\r\n", L_HEAD "pays,FR,,,,\r\n",
		{ LS, 2, "label_fr", FMT_R_REQUIRED },
		{ TS, 2, "table", FMT_R_REQUIRED },
		{ TS, 2, "title_fr", FMT_R_REQUIRED });
	REFUSES("bad codes",
		T_HEAD "victims 2026,A,,,status,,,,\r\n"
		"abcdefghijklmnopqrstuvwxyz0123456,A,,,status,,,,\r\n"
		"abcdefghijklmnopqrstuvwxyz012345,A,,,status,,,,\r\n",
		L_HEAD "pays étrangers,FR,France,,,\r\npays,-FR,France,,,\r\npays,_x,X,,,\r\n"
		"pays,é,E,,,\r\n",
		{ LS, 2, "list", FMT_R_CODE },
		{ LS, 3, "value", FMT_R_CODE },
		{ LS, 4, "value", FMT_R_CODE },
		{ LS, 5, "value", FMT_R_CODE },
		{ TS, 2, "table", FMT_R_CODE },
		{ TS, 3, "table", FMT_R_TOO_LONG });
	REFUSES("a bad retired value", T_HEAD "a,A,,,status,,,,peut-être\r\n",
		L_HEAD "pays,FR,France,,2,\r\n",
		{ LS, 2, "retired", FMT_R_UNKNOWN },
		{ TS, 2, "retired", FMT_R_UNKNOWN });
	REFUSES("a duplicate value", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,\r\npays,BE,Belgique,,,\r\npays,FR,France 2,,,\r\n"
		"pays,be,Belgique 2,,,\r\n",
		{ LS, 4, "value", FMT_R_DUPLICATE },
		{ LS, 5, "value", FMT_R_DUPLICATE });
	REFUSES("lists differing only in case", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,\r\nPays,BE,Belgique,,,\r\n",
		{ LS, 3, "list", FMT_R_DUPLICATE });
	REFUSES("a row without its list", T_HEAD T_VICTIMS, L_HEAD ",FR,France,,,\r\n",
		{ LS, 2, "list", FMT_R_REQUIRED });
	REFUSES("a list's own row with a retired or rollup cell", T_HEAD T_VICTIMS,
		L_HEAD "pays,,Pays,Country,non,\r\npays,FR,France,,,\r\n"
		"r,x,X,,,\r\nr,,Région,,,r:x\r\n",
		{ LS, 2, "retired", FMT_R_EXTRA },
		{ LS, 5, "rollup", FMT_R_EXTRA });
	REFUSES("a list's own row twice", T_HEAD T_VICTIMS,
		L_HEAD "pays,,Pays,,,\r\npays,FR,France,,,\r\npays,,Pays 2,Country,,\r\n"
		"r,,R,,,\r\nr,,R,,,\r\nr,x,X,,,\r\n",
		{ LS, 4, "list", FMT_R_DUPLICATE },
		{ LS, 6, "list", FMT_R_DUPLICATE });
	REFUSES("a list's own row alone, a list without value", T_HEAD "a,A,,,pays,,,,\r\n",
		L_HEAD "r,x,X,,,\r\npays,,Pays,Country,,\r\n",
		{ LS, 3, "value", FMT_R_REQUIRED });
	REFUSES("a built-in list relabelled", T_HEAD T_VICTIMS,
		L_HEAD "sex,,Genre,Gender,,\r\nAge,,Âge,,,\r\n",
		{ LS, 2, "list", FMT_R_BUILTIN },
		{ LS, 3, "list", FMT_R_BUILTIN });
	memset(label, 'e', 201);
	label[201] = '\0';
	snprintf(l, sizeof l, L_HEAD "a,,,Country,,\r\na,x,X,,,\r\nb,x,X,,,\r\nb,,B\x01,,,\r\n"
		 "c,,C,%s,,\r\nc,x,X,,,\r\nd,,\"D\nD\",,,\r\nd,x,X,,,\r\ne,x,X,,,\r\ne,,,,,\r\n",
		 label);
	REFUSES("list labels against the label rules", T_HEAD T_VICTIMS, l,
		{ LS, 2, "label_fr", FMT_R_REQUIRED },
		{ LS, 5, "label_fr", FMT_R_TEXT },
		{ LS, 6, "label_en", FMT_R_TOO_LONG },
		{ LS, 8, "label_fr", FMT_R_TEXT },
		{ LS, 12, "label_fr", FMT_R_REQUIRED });
	/* Rows lost to a CSV error may have been the list's values. */
	refuses("a list's own row before a CSV error, without a list without value",
		T_HEAD T_VICTIMS, L_HEAD "pays,,Pays,,,\r\npays,FR,\"France,,,\r\n", FMT_E_CSV,
		(const struct want[]){ { LS, 3, "", FMT_R_CSV_UNTERMINATED } }, 1);
	REFUSES("a cell outside the header", T_HEAD "a,A,,,status,,,,,,surprise\r\n", L_HEAD,
		{ TS, 2, "K", FMT_R_EXTRA });

	REFUSES("a rollup given to some values only", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,r:eu\r\npays,CH,Suisse,,,\r\nr,eu,UE,,,\r\n",
		{ LS, 3, "rollup", FMT_R_ROLLUP });
	REFUSES("a rollup not written LIST:VALUE", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,eu\r\npays,CH,Suisse,,,r:\r\nr,eu,UE,,,\r\n",
		{ LS, 2, "rollup", FMT_R_CODE },
		{ LS, 3, "rollup", FMT_R_CODE });
	REFUSES("a rollup into an unknown list or value", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,region:eu\r\npays,CH,Suisse,,,r:ch\r\nr,eu,UE,,,\r\n",
		{ LS, 2, "rollup", FMT_R_UNKNOWN },
		{ LS, 3, "rollup", FMT_R_UNKNOWN });
	REFUSES("a rollup into a built-in list or into itself", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,sex:f\r\npays,CH,Suisse,,,pays:FR\r\n",
		{ LS, 2, "rollup", FMT_R_ROLLUP },
		{ LS, 3, "rollup", FMT_R_ROLLUP });
	REFUSES("values rolling up into two lists", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,r:eu\r\npays,CH,Suisse,,,s:ch\r\nr,eu,UE,,,\r\n"
		"s,ch,CH,,,\r\n",
		{ LS, 3, "rollup", FMT_R_ROLLUP });
	REFUSES("a rollup into a list that rolls up", T_HEAD T_VICTIMS,
		L_HEAD "pays,FR,France,,,r:eu\r\nr,eu,UE,,,m:world\r\nm,world,Monde,,,\r\n",
		{ LS, 2, "rollup", FMT_R_ROLLUP });
	refuses("a CSV syntax error", T_HEAD "a,A \"quoted\",,,status,,,,\r\n", L_HEAD,
		FMT_E_CSV, (const struct want[]){ { TS, 2, "", FMT_R_CSV_QUOTE } }, 1);
}

/* The caps, each refused once at the first row over it. */
static void test_limits(void)
{
	static char t[64 * 1024], l[512 * 1024];
	size_t n;
	int i;

	n = (size_t)snprintf(t, sizeof t, T_HEAD);
	for (i = 0; i < QN_TABLES_MAX + 2; i++)
		n += (size_t)snprintf(t + n, sizeof t - n, "t%d,T,,,status,,,,\r\n", i);
	REFUSES("more than 64 tables", t, L_HEAD, { TS, QN_TABLES_MAX + 2, "table", FMT_R_LIMIT });

	n = (size_t)snprintf(l, sizeof l, L_HEAD);
	for (i = 0; i < QN_VALUES_MAX; i++)
		n += (size_t)snprintf(l + n, sizeof l - n, "pays,v%d,V,,,\r\n", i);
	qn_free(accepts("a list of 400 values", T_HEAD T_VICTIMS, l));
	n += (size_t)snprintf(l + n, sizeof l - n, "pays,v400,V,,,\r\npays,v401,V,,,\r\n");
	REFUSES("a list of 402 values", T_HEAD T_VICTIMS, l,
		{ LS, QN_VALUES_MAX + 2, "value", FMT_R_LIMIT });

	n = (size_t)snprintf(l, sizeof l, L_HEAD);
	for (i = 0; i < QN_LISTS_MAX; i++)
		n += (size_t)snprintf(l + n, sizeof l - n, "l%d,v,V,,,\r\n", i);
	qn_free(accepts("64 lists", T_HEAD T_VICTIMS, l));
	n += (size_t)snprintf(l + n, sizeof l - n, "l64,v,V,,,\r\nl65,v,V,,,\r\n");
	REFUSES("66 lists", T_HEAD "a,A,,,l65,,,,\r\n", l,
		{ LS, QN_LISTS_MAX + 2, "list", FMT_R_LIMIT });
}

/* One sheet pair with many problems: the callback gets every one, in
 * sheet order, and the return code and err are the first. */
static void test_all_problems(void)
{
	static struct problems ps;
	questionnaire *q = NULL;
	fmt_error err;
	int rc, i, same;
	static const struct want w[] = {
		{ LS, 3, "label_fr", FMT_R_REQUIRED },
		{ LS, 4, "list", FMT_R_BUILTIN },
		{ LS, 6, "value", FMT_R_DUPLICATE },
		{ LS, 3, "rollup", FMT_R_UNKNOWN },
		{ TS, 3, "table", FMT_R_DUPLICATE },
		{ TS, 3, "dim2", FMT_R_UNKNOWN },
		{ TS, 4, "title_fr", FMT_R_TOO_LONG },
		{ TS, 4, "dim3", FMT_R_GAP },
		{ TS, 4, "dim3", FMT_R_DUPLICATE },
		{ TS, 4, "retired", FMT_R_UNKNOWN },
	};
	char t[1024], title[220];

	memset(title, 'x', 201);
	title[201] = '\0';
	snprintf(t, sizeof t,
		 T_HEAD T_VICTIMS
		 "victims,Encore,,,status,nationality,,,\r\n"
		 "origin,%s,,,country,,country,,peut-être\r\n", title);
	rc = parse(t,
		   L_HEAD
		   "country,NG,Nigeria,,,region:africa\r\n"
		   "country,RO,,,,region:europe\r\n"
		   "sex,x,Autre,,,\r\n"
		   "region,africa,Afrique,,,\r\n"
		   "region,africa,Afrique 2,,,\r\n", &q, &ps, &err);
	same = ps.n == (int)(sizeof w / sizeof w[0]);
	for (i = 0; same && i < ps.n; i++)
		same = same_problem(&ps.p[i], &w[i]);
	if (!ok(rc == FMT_E_FIELD && !q && same, "every problem of both sheets, in order"))
		show_problems(&ps);
	ok(same_problem(&err, &w[0]) && err.code == FMT_E_FIELD, "err is the first problem");
	ok(strstr(err.detail, "lists.csv line 3: field label_fr: ") == err.detail,
	   "its detail names the sheet, line and column: %s", err.detail);
	is_str(fmt_error_bare(&err), "value \"RO\" of list \"country\": empty",
	       "and the problem after them");

	/* fn may be NULL: the first problem still comes back. */
	memset(&err, 0, sizeof err);
	rc = qn_parse(t, strlen(t), "list\r\n", 6, &q, NULL, NULL, &err);
	ok(rc == FMT_E_FIELD && !q && err.reason == FMT_R_HEADER && strcmp(err.where, LS) == 0,
	   "without a callback, err holds the first problem");
}

static void test_read_dir(void)
{
	static struct problems ps;
	questionnaire *q = (questionnaire *)1;
	fmt_error err;
	int rc;

	memset(&ps, 0, sizeof ps);
	rc = qn_read_dir("/nonexistent/maillage", &q, collect, &ps, &err);
	ok(rc == FMT_E_IO && q == NULL && ps.n == 2 && ps.p[0].sys_errno == ENOENT &&
	   strcmp(ps.p[0].where, TS) == 0 && strcmp(ps.p[1].where, LS) == 0 &&
	   err.sys_errno == ENOENT, "a missing folder: both sheets reported, errno kept");
}

/* ------------------------------------------------------------------ */
/* Binary encoding                                                     */

/* Every prefix of buf is refused, and nothing is returned. */
static int refuses_truncations(const uint8_t *buf, size_t len)
{
	questionnaire *q;
	size_t n;
	int rc;

	for (n = 0; n < len; n++) {
		q = (questionnaire *)1;
		rc = qn_decode(buf, n, &q, NULL);
		if (rc == FMT_OK || q != NULL) {
			diag("a truncation to %zu bytes decodes (rc %d)", n, rc);
			qn_free(q == (questionnaire *)1 ? NULL : q);
			return 0;
		}
	}
	return 1;
}

/* Where the rules of q start in its encoding: the length of q's encoding
 * without them. */
static size_t rules_at(questionnaire *q)
{
	uint8_t *b = NULL;
	size_t n = 0;
	int nrules = q->nrules;

	q->nrules = 0;
	qn_encode(q, &b, &n, NULL);
	q->nrules = nrules;
	free(b);
	return n;
}

/* Every truncation of buf is refused, but the one to `but` bytes: a
 * questionnaire without rules ends with its tables. */
static int refuses_truncations_but(const uint8_t *buf, size_t len, size_t but)
{
	questionnaire *q = NULL;
	int good;

	if (!but || !refuses_truncations(buf, but))
		return 0;
	good = qn_decode(buf, but, &q, NULL) == FMT_OK && q->nrules == 0;
	qn_free(q);
	for (size_t n = but + 1; good && n < len; n++) {
		q = NULL;
		if (qn_decode(buf, n, &q, NULL) == FMT_OK) {
			diag("a truncation to %zu bytes decodes", n);
			good = 0;
		}
		qn_free(q);
	}
	return good;
}

/* Each byte of buf changed to each of the values in vals[0..nvals) (or,
 * with xor, xored with them) is refused, or decodes to a questionnaire
 * that encodes to exactly the changed bytes. */
static int flips_canonical(const uint8_t *buf, size_t len, const uint8_t *vals, int nvals,
			   int xor, int *accepted)
{
	uint8_t *c = malloc(len), *again;
	questionnaire *q;
	size_t i, n;
	int k, good = 1;

	*accepted = 0;
	memcpy(c, buf, len);
	for (i = 0; i < len && good; i++) {
		for (k = 0; k < nvals && good; k++) {
			c[i] = xor ? buf[i] ^ vals[k] : vals[k];
			if (c[i] == buf[i])
				continue;
			if (qn_decode(c, len, &q, NULL) != FMT_OK)
				continue;
			++*accepted;
			if (qn_encode(q, &again, &n, NULL) != FMT_OK || n != len ||
			    memcmp(again, c, len) != 0) {
				diag("byte %zu set to 0x%02x decodes, not canonically", i, c[i]);
				good = 0;
			}
			if (again)
				free(again);
			qn_free(q);
		}
		c[i] = buf[i];
	}
	free(c);
	return good;
}

static void test_codec(void)
{
	static struct problems ps;
	questionnaire *q = small(), *d = NULL, *def;
	uint8_t *buf = NULL, *again = NULL, *longer, vals[16];
	size_t len = 0, n = 0;
	fmt_error err;
	int i, rc, accepted = 0;

	if (!ok(q != NULL, "small questionnaire"))
		return;
	rc = qn_encode(q, &buf, &len, &err);
	ok(rc == FMT_OK && buf && len > 0, "encodes (%zu bytes)", len);
	ok(len > 14 && buf[0] == 2 && buf[1] == 0 && buf[4] == 0x10 && buf[12] == 7 &&
	   buf[13] == 0, "edition, published and 7 lists at the start");
	ok(len > 66 && memcmp(buf + 14, "\x06\x00status\x13\x00Statut des victimes"
			      "\x15\x00Status of the victims\x01", 53) == 0,
	   "the first list's code, its labels, then its flags");
	ok(qn_decode(buf, len, &d, &err) == FMT_OK && d, "decodes: %s", err.detail);
	ok(d && q_equal(q, d, 1), "decodes to the same questionnaire, field by field");
	ok(d && qn_encode(d, &again, &n, NULL) == FMT_OK && n == len &&
	   memcmp(again, buf, len) == 0, "re-encodes to the same bytes");
	free(again);
	qn_free(d);

	ok(refuses_truncations(buf, len), "every truncation of the small one is refused");
	for (i = 0; i < 8; i++)
		vals[i] = (uint8_t)(1u << i);
	vals[8] = 0xFF;
	rc = flips_canonical(buf, len, vals, 9, 1, &accepted);
	ok(rc, "every bit of every byte flipped, and every byte inverted: refused or canonical "
	   "(%d accepted)", accepted);
	vals[0] = 0x00;
	vals[1] = 0x7F;
	vals[2] = 0x80;
	rc = flips_canonical(buf, len, vals, 3, 0, &accepted);
	ok(rc, "every byte set to 00, 7F, 80: refused or canonical (%d accepted)", accepted);

	longer = malloc(len + 1);
	memcpy(longer, buf, len);
	longer[len] = 0;
	d = (questionnaire *)1;
	ok(qn_decode(longer, len + 1, &d, &err) == FMT_E_TRAILING && d == NULL,
	   "a trailing byte is refused");
	free(longer);
	ok(qn_decode(NULL, 0, &d, &err) == FMT_E_TRUNCATED && d == NULL, "nothing is truncated");

	def = default_edition(&ps);
	if (def) {
		uint8_t *dbuf = NULL;
		size_t dlen = 0;
		static const uint8_t x[] = { 0xFF };

		def->edition = 1;
		def->published = T2026;
		rc = qn_encode(def, &dbuf, &dlen, &err);
		ok(rc == FMT_OK, "the default edition encodes (%zu bytes)", dlen);
		d = NULL;
		ok(qn_decode(dbuf, dlen, &d, &err) == FMT_OK && q_equal(def, d, 1),
		   "and decodes to itself");
		qn_free(d);
		ok(def->nrules > 0 && refuses_truncations_but(dbuf, dlen, rules_at(def)),
		   "every truncation of it is refused, but the one without its rules");
		rc = flips_canonical(dbuf, dlen, x, 1, 1, &accepted);
		ok(rc, "every byte inverted: refused or canonical (%d accepted)",
		   accepted);
		free(dbuf);
	}
	qn_free(def);
	free(buf);
	qn_free(q);
}

/* Hand-made damage at known places: each refusal has its own code. */
static void test_codec_refusals(void)
{
	questionnaire *q = small(), *d;
	uint8_t *buf = NULL, *c;
	size_t len = 0, at;
	fmt_error err;

	if (!q || qn_encode(q, &buf, &len, NULL) != FMT_OK)
		return;
	c = malloc(len);

#define DAMAGED(what, pos, value, want) do { \
	memcpy(c, buf, len); \
	c[pos] = (uint8_t)(value); \
	d = (questionnaire *)1; \
	if (!ok(qn_decode(c, len, &d, &err) == (want) && d == NULL, "refuses %s", what)) \
		diag("got %d: %s", err.code, err.detail); \
} while (0)

	/* edition 4, published 8, nlists 2; then list "status": len 2, 6 bytes,
	 * its labels: len 2, 19 bytes, len 2, 21 bytes */
	DAMAGED("published without an edition", 0, 0, FMT_E_FIELD);
	memcpy(c, buf, len);
	memset(c + 4, 0, 8);
	d = NULL;
	ok(qn_decode(c, len, &d, &err) == FMT_E_FIELD && err.reason == FMT_R_RANGE,
	   "refuses an edition without its publication time");
	DAMAGED("a list count over the cap", 12, QN_BUILTIN_LISTS + QN_LISTS_MAX + 1,
		FMT_E_LENGTH);
	DAMAGED("fewer lists than the built-in ones", 12, 3, FMT_E_LENGTH);
	DAMAGED("a code length over its cap", 14, QN_CODE_MAX + 1, FMT_E_LENGTH);
	DAMAGED("a built-in list renamed", 16, 'S', FMT_E_FIELD);
	DAMAGED("a list label length over its cap", 22, QN_LABEL_MAX + 1, FMT_E_LENGTH);
	ok(strcmp(err.field, "label_fr") == 0, "as the list's label_fr: %s", err.detail);
	DAMAGED("a NUL in a list label", 24 + 19 + 2 + 3, 0, FMT_E_FIELD);
	ok(err.reason == FMT_R_TEXT && strcmp(err.field, "label_en") == 0,
	   "as a NUL in the list's label_en: %s", err.detail);
	at = 14 + 2 + 6 + 2 + 19 + 2 + 21;      /* status's flags */
	DAMAGED("reserved flag bits", at, 0x03, FMT_E_RESERVED);
	DAMAGED("a built-in list not flagged", at, 0, FMT_E_FIELD);
	DAMAGED("a value count over the cap", at + 4, 0x02, FMT_E_LENGTH);  /* 2 + 512 */
	DAMAGED("a list without values", at + 3, 0, FMT_E_FIELD);
	DAMAGED("a NUL in a code", at + 5 + 2, 0, FMT_E_FIELD);
	ok(err.reason == FMT_R_TEXT, "as a NUL, not as another code");
	for (at = 0; at + 8 < len && memcmp(buf + at, "Roumanie", 8); at++)
		;
	DAMAGED("a NUL in a label", at + 3, 0, FMT_E_FIELD);
	ok(err.reason == FMT_R_TEXT && strcmp(err.field, "label_fr") == 0,
	   "as a NUL in label_fr: %s", err.detail);

	/* country's French label taken out, its English one kept: the bytes
	 * are well formed, the rule is broken. */
	for (at = 0; at + 16 < len && memcmp(buf + at, "\x0e\x00Pays d'origine", 16); at++)
		;
	memcpy(c, buf, at);
	c[at] = c[at + 1] = 0;
	memcpy(c + at + 2, buf + at + 16, len - at - 16);
	d = (questionnaire *)1;
	ok(at + 16 < len && qn_decode(c, len - 14, &d, &err) == FMT_E_FIELD && d == NULL &&
	   err.reason == FMT_R_REQUIRED && strcmp(err.field, "label_fr") == 0,
	   "refuses a list's English label without its French one: %s", err.detail);
	free(c);
	free(buf);

	/* Memory questionnaires are checked before they are encoded. */
	q->tables[1].dims[1] = 0;
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && !buf &&
	   err.reason == FMT_R_DUPLICATE && strcmp(err.field, "dim2") == 0,
	   "encode refuses a list twice in a table");
	q->tables[1].dims[1] = 99;
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_UNKNOWN,
	   "encode refuses a dimension out of range");
	q->tables[1].dims[1] = -1;
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_UNKNOWN,
	   "encode refuses a negative dimension");
	q->tables[1].dims[1] = qn_list_find(q, "country");
	free((char *)q->lists[4].t.items[0].fr);
	((enum_item *)q->lists[4].t.items)[0].fr = calloc(1, 1);
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_REQUIRED &&
	   strcmp(err.field, "label_fr") == 0, "encode refuses an empty label");
	ok(qn_encode(NULL, &buf, &len, &err) == FMT_E_FIELD, "encode refuses NULL");
	free((char *)q->lists[4].t.items[0].fr);
	((enum_item *)q->lists[4].t.items)[0].fr = strdup("Nigeria");
	free(q->lists[4].label_fr);
	q->lists[4].label_fr = calloc(1, 1);
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_REQUIRED &&
	   strcmp(err.field, "label_fr") == 0, "encode refuses an English list label alone");
	free(q->lists[4].label_en);
	q->lists[4].label_en = NULL;
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_RANGE,
	   "encode refuses a list label missing");
	q->lists[4].label_en = calloc(1, 1);
	ok(qn_encode(q, &buf, &len, &err) == FMT_OK, "and takes a list without labels");
	free(buf);
	q->lists[5].t.count = 0;
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_REQUIRED &&
	   strcmp(err.field, "value") == 0, "encode refuses a list without value");
	q->lists[5].t.count = 3;
	q->lists[1].rollup = 4;
	q->lists[1].rollup_of = calloc((size_t)q->lists[1].t.count, sizeof (int));
	ok(qn_encode(q, &buf, &len, &err) == FMT_E_FIELD && err.reason == FMT_R_ROLLUP,
	   "encode refuses a built-in list that rolls up");
	qn_free(q);
}

/* ------------------------------------------------------------------ */
/* Editions                                                            */

static questionnaire *edition(const char *t, const char *l)
{
	questionnaire *q = NULL;

	if (qn_parse(t, strlen(t), l, strlen(l), &q, NULL, NULL, NULL) != FMT_OK)
		diag("edition does not parse");
	return q;
}

static void evolves(const char *name, const questionnaire *a, const char *t, const char *l,
		    int reason, const char *where, const char *field)
{
	static struct problems ps;
	questionnaire *b = edition(t, l);
	fmt_error err;
	int rc;

	memset(&ps, 0, sizeof ps);
	memset(&err, 0, sizeof err);
	rc = b ? qn_evolves(a, b, collect, &ps, &err) : -1;
	if (reason == FMT_R_NONE) {
		if (!ok(rc == FMT_OK && ps.n == 0, "may follow: %s", name))
			show_problems(&ps);
	} else {
		if (!ok(rc == FMT_E_FIELD && ps.n == 1 && ps.p[0].reason == reason &&
			strcmp(ps.p[0].where, where) == 0 && strcmp(ps.p[0].field, field) == 0 &&
			err.reason == reason, "may not follow: %s", name))
			show_problems(&ps);
	}
	qn_free(b);
}

static void test_evolves(void)
{
	static const char t1[] =
		T_HEAD T_VICTIMS "origin,Origine,,,status,country,,,\r\n";
	static const char l1[] =
		L_HEAD "country,NG,Nigeria,,,region:africa\r\n"
		"country,RO,Roumanie,,,region:europe\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n";
	questionnaire *a = edition(t1, l1), *b;
	fmt_error err;

	if (!a)
		return;
	evolves("the same edition", a, t1, l1, FMT_R_NONE, "", "");
	evolves("a table, a list and values added; labels, titles and help changed", a,
		T_HEAD T_VICTIMS "origin,Pays d'origine,Origin,Aide,status,country,,,\r\n"
		"new,Nouveau,,,referral,,,,\r\n",
		L_HEAD "country,NG,Nigéria,Nigeria,,region:africa\r\n"
		"country,RO,Roumanie,,,region:europe\r\ncountry,BR,Brésil,,,region:americas\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n"
		"region,americas,Amériques,,,\r\nreferral,x,X,,,\r\n",
		FMT_R_NONE, "", "");
	evolves("list labels given", a, t1,
		L_HEAD "country,NG,Nigeria,,,region:africa\r\n"
		"country,RO,Roumanie,,,region:europe\r\ncountry,,Pays,Country,,\r\n"
		"region,,Région,,,\r\nregion,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
		FMT_R_NONE, "", "");
	b = edition(t1, L_HEAD "country,,Pays,Country,,\r\ncountry,NG,Nigeria,,,region:africa\r\n"
		    "country,RO,Roumanie,,,region:europe\r\nregion,,Région,,,\r\n"
		    "region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n");
	if (b)
		evolves("list labels changed and taken away", b, t1,
			L_HEAD "country,,Pays d'origine,,,\r\n"
			"country,NG,Nigeria,,,region:africa\r\n"
			"country,RO,Roumanie,,,region:europe\r\n"
			"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
			FMT_R_NONE, "", "");
	qn_free(b);
	evolves("a table and a value retired", a,
		T_HEAD T_VICTIMS "origin,Origine,,,status,country,,,oui\r\n",
		L_HEAD "country,NG,Nigeria,,,region:africa\r\n"
		"country,RO,Roumanie,,x,region:europe\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
		FMT_R_NONE, "", "");
	evolves("a table removed", a, T_HEAD T_VICTIMS, l1, FMT_R_REMOVED, TS, "table");
	b = edition(t1, L_HEAD "spare,x,X,,,\r\n" "country,NG,Nigeria,,,region:africa\r\n"
		    "country,RO,Roumanie,,,region:europe\r\n"
		    "region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n");
	if (b)
		evolves("a list removed", b, t1, l1, FMT_R_REMOVED, LS, "list");
	qn_free(b);
	evolves("a value removed", a, t1,
		L_HEAD "country,NG,Nigeria,,,region:africa\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
		FMT_R_REMOVED, LS, "value");
	evolves("dimensions swapped", a,
		T_HEAD T_VICTIMS "origin,Origine,,,country,status,,,\r\n", l1,
		FMT_R_REDEFINED, TS, "dim1");
	evolves("a dimension added", a,
		T_HEAD T_VICTIMS "origin,Origine,,,status,country,sex,,\r\n", l1,
		FMT_R_REDEFINED, TS, "dim3");
	evolves("a value's rollup changed", a, t1,
		L_HEAD "country,NG,Nigeria,,,region:africa\r\n"
		"country,RO,Roumanie,,,region:africa\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
		FMT_R_REDEFINED, LS, "rollup");
	evolves("a list's rollup dropped", a, t1,
		L_HEAD "country,NG,Nigeria,,,\r\ncountry,RO,Roumanie,,,\r\n"
		"region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n",
		FMT_R_REDEFINED, LS, "rollup");

	b = edition(t1, l1);
	if (b) {
		a->edition = 3;
		a->published = T2026;
		b->edition = 3;
		b->published = T2026 + 60;
		ok(qn_evolves(a, b, NULL, NULL, &err) == FMT_E_FIELD && err.reason == FMT_R_ORDER,
		   "edition 3 cannot follow edition 3");
		b->edition = 4;
		ok(qn_evolves(a, b, NULL, NULL, &err) == FMT_OK, "edition 4 may follow edition 3");
		qn_free(b);
	}
	/* A rollup added to a list that had none is fine: nothing is redefined. */
	qn_free(a);
	a = edition(t1, L_HEAD "country,NG,Nigeria,,,\r\ncountry,RO,Roumanie,,,\r\n"
		    "region,africa,Afrique,,,\r\nregion,europe,Europe,,,\r\n");
	if (a)
		evolves("a rollup added", a, t1, l1, FMT_R_NONE, "", "");
	qn_free(a);
}

/* ------------------------------------------------------------------ */
/* The sheets written back                                             */

static int write_sheets(const questionnaire *q, char **t, size_t *tlen, char **l,
			size_t *llen)
{
	FILE *ft = open_memstream(t, tlen), *fl = open_memstream(l, llen);
	int rc = 0;

	if (!ft || !fl)
		return -1;
	rc |= qn_write_tables_csv(ft, q);
	rc |= qn_write_lists_csv(fl, q);
	rc |= fclose(ft);
	rc |= fclose(fl);
	return rc ? -1 : 0;
}

static void round_trip(const char *name, const questionnaire *q)
{
	static struct problems ps;
	questionnaire *back = NULL;
	char *t = NULL, *l = NULL;
	size_t tlen = 0, llen = 0;
	int rc;

	memset(&ps, 0, sizeof ps);
	rc = write_sheets(q, &t, &tlen, &l, &llen);
	ok(rc == 0 && strncmp(t, T_HEAD, strlen(T_HEAD)) == 0 &&
	   strncmp(l, L_HEAD, strlen(L_HEAD)) == 0, "%s: sheets written with their header", name);
	rc = qn_parse(t, tlen, l, llen, &back, collect, &ps, NULL);
	if (!ok(rc == FMT_OK && back && q_equal(q, back, 0), "%s: written then parsed, the same",
		name))
		show_problems(&ps);
	qn_free(back);
	free(t);
	free(l);
}

/* Whether sheet `which` (0 tables, 1 lists) of q is written exactly as
 * the file name of the default edition holds it: the generator of its
 * country rows writes as the programs do. */
static int same_as_file(const questionnaire *q, int which, const char *name)
{
	char path[4200], *t = NULL, *l = NULL;
	uint8_t *file = NULL;
	size_t tlen = 0, llen = 0, flen = 0;
	int same = 0;

	snprintf(path, sizeof path, "%s/%s", samples, name);
	if (write_sheets(q, &t, &tlen, &l, &llen) == 0 &&
	    read_file_capped(path, QN_SHEET_MAX, &file, &flen, NULL) == FMT_OK) {
		same = which ? llen == flen && memcmp(l, file, flen) == 0 :
			       tlen == flen && memcmp(t, file, flen) == 0;
		if (!same)
			diag("%s written back differs from %s", name, path);
	}
	free(t);
	free(l);
	free(file);
	return same;
}

static void test_write(void)
{
	static struct problems ps;
	questionnaire *q = small();
	char *t = NULL, *l = NULL;
	size_t tlen = 0, llen = 0;

	if (q) {
		round_trip("small", q);
		if (write_sheets(q, &t, &tlen, &l, &llen) == 0)
			ok(strstr(t, "\r\nreferrals,Orientations,Referrals,\"Comptez les "
			       "\"\"orientations\"\".\",referral,age,,,oui\r\n") &&
			   strstr(l, "\r\nreferral,acse,'-18 ans: dispositif Ac.Sé,Ac.Sé,oui,"
				  "\r\n") &&
			   strstr(l, "\r\ncountry,NG,Nigeria,Nigeria,,region:africa\r\n") &&
			   !strstr(l, "\r\nsex,"), "cells as a spreadsheet reads them");
		ok(l && strstr(l, L_HEAD "country,,Pays d'origine,Country of origin,,\r\n"
			       "country,NG,") == l &&
		   strstr(l, "\r\nregion,,Région,,,\r\nregion,africa,") &&
		   !strstr(l, "\r\nreferral,,"),
		   "a list's own row first of its rows, and only for a list with labels");
		free(t);
		free(l);
	}
	qn_free(q);
	q = default_edition(&ps);
	if (q) {
		round_trip("the default edition", q);
		ok(same_as_file(q, 0, "tables.csv") && same_as_file(q, 1, "lists.csv"),
		   "the default edition written back is its sheets, byte for byte");
	}
	qn_free(q);
}

int main(void)
{
	const char *src = getenv("MAILLAGE_SRC");

	snprintf(samples, sizeof samples, "%s/samples/questionnaire", src && *src ? src : ".");
	test_default_edition();
	test_accepts();
	test_list_labels();
	test_refusals();
	test_limits();
	test_all_problems();
	test_read_dir();
	test_codec();
	test_codec_refusals();
	test_evolves();
	test_write();
	return done_testing();
}
