/*
 * test_spelling.c - values as people write them: the folding that makes
 * spellings of one word equal (text_fold), the distance behind "vouliez-
 * vous dire" (text_distance), values of a list and départements by their
 * French names (enum_match, dept_match), dates and periods in the forms
 * French people write (date_read, period_read), and field_parse() putting
 * them together, with the closest value offered for an unknown one.
 */
#include <string.h>

#include "error.h"
#include "format.h"
#include "model.h"
#include "record.h"
#include "refdata.h"
#include "tap.h"

static const char *fold(const char *s)
{
	static char buf[128];

	text_fold(s, strlen(s), buf, sizeof buf);
	return buf;
}

static void test_fold(void)
{
	char small[6];
	size_t n;

	is_str(fold("Seine-Saint-Denis"), "seinesaintdenis", "hyphens dropped, lower case");
	is_str(fold("  SEINE saint_denis "), "seinesaintdenis", "blanks and underscores dropped");
	is_str(fold("Côte-d'Or"), "cotedor", "accent and apostrophe");
	is_str(fold("Côte\xE2\x80\x99" "d\xE2\x80\x99Or"), "cotedor", "typographic apostrophe");
	is_str(fold("ÉÈÊËÀÂÄÎÏÔÖÙÛÜÇŸ"), "eeeeaaaiioouuucy", "French capitals without accents");
	is_str(fold("éèêëàâäîïôöùûüçÿ"), "eeeeaaaiioouuucy", "French small letters without accents");
	is_str(fold("Œuvre sœur Æ"), "oeuvresoeurae", "ligatures spelt out");
	is_str(fold("Mineur·es"), "mineures", "middle dot dropped");
	is_str(fold("a\xC2\xA0" "b\xE2\x80\xAF" "c"), "abc", "no-break spaces dropped");
	is_str(fold("Łódź ×"), "Łodź×", "other letters and signs kept as they are");
	is_str(fold("03/2026"), "03/2026", "digits and slashes kept");
	n = text_fold("éééééé", 12, small, sizeof small);
	ok(n == 5 && strcmp(small, "eeeee") == 0, "cut to fit, NUL-terminated");
	n = text_fold("ab\xC3", 3, small, sizeof small);
	ok(n == 3 && strcmp(small, "ab\xC3") == 0, "a cut sequence at the end is copied as is");
}

static void test_distance(void)
{
	is_int(text_distance("", ""), 0, "empty strings");
	is_int(text_distance("accompagnees", "accompagnes"), 1, "one letter missing");
	is_int(text_distance("femme", "homme"), 2, "two letters changed");
	is_int(text_distance("abc", ""), 3, "against empty");
}

static void test_enum_match(void)
{
	int s;

	is_int(enum_match(&ENUM_STATUS, "supported", &s), 1, "the code");
	is_int(enum_match(&ENUM_STATUS, "SUPPORTED", &s), 1, "the code in capitals");
	is_int(enum_match(&ENUM_STATUS, "accompagnées", &s), 1, "the French label");
	is_int(enum_match(&ENUM_STATUS, " Accompagnees ", &s), 1, "label without accent, blanks");
	is_int(enum_match(&ENUM_SEX, "Femme", &s), 0, "Femme");
	is_int(enum_match(&ENUM_SEX, "personne-trans", &s), 2, "hyphen for a blank");
	is_int(enum_match(&ENUM_ACTION_TYPE, "maraude", &s), 2, "a part of the label");
	is_int(enum_match(&ENUM_ACTION_TYPE, "Repérage, maraude", &s), 2, "the whole label");
	is_int(enum_match(&ENUM_ACTION_TYPE, "mise à l'abri", &s), 4, "part with apostrophe");
	is_int(enum_match(&ENUM_ORG_KIND, "Barreau", &s), 1, "label without its brackets");
	is_int(enum_match(&ENUM_PUBLIC, "mineurs", &s), 0, "masculine plural of Mineur·es");
	is_int(enum_match(&ENUM_PUBLIC, "Mineur·es", &s), 0, "inclusive spelling");
	is_int(enum_match(&ENUM_PUBLIC, "mineures", &s), 0, "feminine plural");
	is_int(enum_match(&ENUM_PUBLIC, "jeunes majeurs", &s), 1, "two words, masculine");
	is_int(enum_match(&ENUM_AGE, "majeur", &s), 1, "singular masculine of majeur·e");
	is_int(enum_match(&ENUM_AUDIENCE, "avocats", &s), 3, "Avocat·es");
	is_int(enum_match(&ENUM_AUDIENCE, "magistrats", &s), 2, "part of Magistrat·es, greffes");
	is_int(enum_match(&ENUM_EXPLOITATION, "Mendicité forcée", &s), 3, "two accented words");

	s = 99;
	is_int(enum_match(&ENUM_STATUS, "accompagnes", &s), -1, "a typo is not a value");
	is_int(s, 1, "... but the closest is offered");
	is_int(enum_match(&ENUM_SEX, "x", &s), -1, "unknown one-letter value");
	is_int(s, -1, "nothing offered for a value too short to be a typo");
	is_int(enum_match(&ENUM_ACTION_TYPE, "dancing", &s), -1, "unknown word");
	is_int(s, -1, "nothing offered when nothing is close");
	is_int(enum_match(&ENUM_STATUS, "", &s), -1, "empty");
	is_int(enum_match(&ENUM_STATUS, "   ", NULL), -1, "blank, no suggestion asked");
}

/* No spelling of a built-in list means two values: each form of each
 * label leads back to its own value. */
static void test_enum_unique(void)
{
	const enum_table *tables[] = { &ENUM_ORG_KIND, &ENUM_ACTION_TYPE, &ENUM_PUBLIC,
				       &ENUM_EXPLOITATION, &ENUM_STATUS, &ENUM_SEX, &ENUM_AGE,
				       &ENUM_AUDIENCE };
	int bad = 0;

	for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
		for (int i = 0; i < tables[t]->count; i++)
			if (enum_match(tables[t], tables[t]->items[i].fr, NULL) != i ||
			    enum_match(tables[t], tables[t]->items[i].code, NULL) != i) {
				diag("%s: %s", tables[t]->name, tables[t]->items[i].code);
				bad++;
			}
	is_int(bad, 0, "every code and every label of the built-in lists matches its value");
}

static void test_dept_match(void)
{
	int s;

	is_str(DEPTS[dept_match("93", &s)].code, "93", "a code");
	is_str(DEPTS[dept_match("2a", &s)].code, "2A", "Corsica in small letters");
	is_str(DEPTS[dept_match("1", &s)].code, "01", "one digit: 01");
	is_str(DEPTS[dept_match(" 9 ", &s)].code, "09", "one digit with blanks: 09");
	is_str(DEPTS[dept_match("Seine-Saint-Denis", &s)].code, "93", "a name");
	is_str(DEPTS[dept_match("seine saint denis", &s)].code, "93", "a name as typed");
	is_str(DEPTS[dept_match("Corse du Sud", &s)].code, "2A", "Corse du Sud");
	is_str(DEPTS[dept_match("cote d'or", &s)].code, "21", "Côte-d'Or without accent");
	is_str(DEPTS[dept_match("La Réunion", &s)].code, "974", "an overseas département");
	is_int(dept_match("0", &s), -1, "0 is none");
	is_int(dept_match("20", &s), -1, "20 is none");
	is_int(dept_match("975", &s), -1, "975 is none");
	is_int(s, -1, "no code offered for a code");
	is_int(dept_match("seine st denis", &s), -1, "a near name is not a name");
	ok(s >= 0 && strcmp(DEPTS[s].code, "93") == 0, "... but the closest is offered");
	is_int(dept_match("Atlantide", &s), -1, "unknown name");
	is_int(s, -1, "nothing close");
}

static void date_is(const char *text, uint32_t want)
{
	fmt_error e = { 0 };
	uint32_t d = 1;
	int rc = date_read(text, &d, &e);

	ok(rc == FMT_OK && d == want, "date \"%s\" is %u (got %u, %s)", text, want, d,
	   rc ? e.detail : "ok");
}

static void date_refused(const char *text, int reason)
{
	fmt_error e = { 0 };
	uint32_t d;

	ok(date_read(text, &d, &e) == FMT_E_FIELD && e.reason == reason,
	   "date \"%s\" refused with reason %d (got %d)", text, reason, e.reason);
}

static void test_dates(void)
{
	date_is("2026-03-15", 20260315);
	date_is(" 2026-03-15 ", 20260315);
	date_is("15/03/2026", 20260315);
	date_is("15/03/26", 20260315);
	date_is("5/3/2026", 20260305);
	date_is("15.03.2026", 20260315);
	date_is("15 mars 2026", 20260315);
	date_is("15 MARS 2026", 20260315);
	date_is("1er août 2026", 20260801);
	date_is("1 aout 2026", 20260801);
	date_is("3 févr. 2026", 20260203);
	date_is("31 décembre 2099", 20991231);
	date_refused("2026-3-5", FMT_R_DATE);
	date_refused("2026-03-15 10:00", FMT_R_DATE);
	date_refused("15 mars", FMT_R_DATE);
	date_refused("15 brumaire 2026", FMT_R_DATE);
	date_refused("15/13/2026", FMT_R_DATE);
	date_refused("30/02/2026", FMT_R_DATE_CALENDAR);
	date_refused("29 février 2026", FMT_R_DATE_CALENDAR);
	date_refused("15/03/1999", FMT_R_DATE_YEAR);
	date_refused("15/03/226", FMT_R_DATE);
	date_refused("", FMT_R_DATE);
	date_refused("demain", FMT_R_DATE);
}

static void period_is(const char *text, const char *want)
{
	char out[REC_PERIOD_MAX + 1];
	fmt_error e = { 0 };
	int rc = period_read(text, out, &e);

	ok(rc == FMT_OK && strcmp(out, want) == 0, "period \"%s\" is %s (got %s, %s)", text,
	   want, out, rc ? e.detail : "ok");
}

static void period_refused(const char *text, int reason)
{
	char out[REC_PERIOD_MAX + 1];
	fmt_error e = { 0 };

	ok(period_read(text, out, &e) == FMT_E_FIELD && e.reason == reason && !out[0],
	   "period \"%s\" refused with reason %d (got %d)", text, reason, e.reason);
}

static void test_periods(void)
{
	period_is("2026", "2026");
	period_is("2026-Q3", "2026-Q3");
	period_is("2026-q3", "2026-Q3");
	period_is("2026-T3", "2026-Q3");
	period_is("T1 2026", "2026-Q1");
	period_is("t4-2026", "2026-Q4");
	period_is("Q2 2026", "2026-Q2");
	period_is("2026-05", "2026-05");
	period_is("2026-5", "2026-05");
	period_is("03/2026", "2026-03");
	period_is("3/2026", "2026-03");
	period_is("mars 2026", "2026-03");
	period_is("Décembre 2026", "2026-12");
	period_is("décembre-2026", "2026-12");
	period_refused("2026-Q5", FMT_R_PERIOD);
	period_refused("T5 2026", FMT_R_PERIOD);
	period_refused("13/2026", FMT_R_PERIOD);
	period_refused("mars", FMT_R_PERIOD);
	period_refused("mars 26", FMT_R_PERIOD);
	period_refused("brumaire 2026", FMT_R_PERIOD);
	period_refused("15/03/2026", FMT_R_PERIOD);
	period_refused("mars 1999", FMT_R_DATE_YEAR);
	period_refused("", FMT_R_PERIOD);
}

/* field_parse() over the victims' fields: labels in, codes stored. */
static void test_field_parse(void)
{
	const kind_desc *a = kind_desc_of(REC_ACTION), *o = kind_desc_of(REC_ORG);
	fmt_error e;
	record r;
	char buf[128];

	record_blank(&r, REC_ACTION);
	ok(field_parse(&r, kind_field(a, "type"), "Maraude", &e) == FMT_OK &&
	   r.u.action.type == 2, "action type by a part of its label");
	ok(field_parse(&r, kind_field(a, "public"), "mineurs,adultes", &e) == FMT_OK,
	   "a set of labels");
	field_text(&r, kind_field(a, "public"), buf, sizeof buf);
	is_str(buf, "minors,adults", "stored as codes");
	ok(field_parse(&r, kind_field(a, "public"), "Mineur·es ; Adultes", &e) == FMT_OK,
	   "a set as field_show writes it");
	field_text(&r, kind_field(a, "public"), buf, sizeof buf);
	is_str(buf, "minors,adults", "read back");
	ok(field_parse(&r, kind_field(a, "dept"), "seine saint denis", &e) == FMT_OK &&
	   strcmp(DEPTS[r.u.action.dept].code, "93") == 0, "département by name");
	ok(field_parse(&r, kind_field(a, "start"), "15 mars 2026", &e) == FMT_OK &&
	   r.u.action.start == 20260315, "date in words");

	memset(&e, 0, sizeof e);
	ok(field_parse(&r, kind_field(a, "dept"), "Seine-St-Denis", &e) == FMT_E_FIELD &&
	   e.reason == FMT_R_UNKNOWN, "unknown département name refused");
	is_str(e.suggest, "93 Seine-Saint-Denis", "the closest département offered");
	ok(field_parse(&r, kind_field(a, "type"), "maraudes", &e) == FMT_E_FIELD, "typo refused");
	is_str(e.suggest, "Repérage, maraude", "the closest value offered as its label");
	ok(field_parse(&r, kind_field(a, "public"), "adultes,minuers", &e) == FMT_E_FIELD,
	   "one unknown value of a set");
	is_str(e.value, "minuers", "the value quoted is the item");
	is_str(e.suggest, "Mineur·es", "its closest value offered");
	ok(field_parse(&r, kind_field(a, "type"), "dancing", &e) == FMT_E_FIELD &&
	   !e.suggest[0], "nothing offered when nothing is close");

	record_blank(&r, REC_ORG);
	ok(field_parse(&r, kind_field(o, "dept"), "75; 2;Corse du Sud", &e) == FMT_OK,
	   "a set of départements: code, one digit, name");
	field_text(&r, kind_field(o, "dept"), buf, sizeof buf);
	is_str(buf, "02,2A,75", "in table order, as codes");
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	test_fold();
	test_distance();
	test_enum_match();
	test_enum_unique();
	test_dept_match();
	test_dates();
	test_periods();
	test_field_parse();
	return done_testing();
}
