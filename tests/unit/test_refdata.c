/*
 * test_refdata.c - the reference tables and enumerations of format/refdata.h:
 * the 101 départements and 18 regions as generated from the INSEE COG, the
 * order of every enumeration (it is the file format), the look-ups and the
 * parsing and formatting of sets.
 */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "record.h"
#include "refdata.h"
#include "tap.h"

static const enum_table *const tables[] = {
	&ENUM_ORG_KIND, &ENUM_ACTION_TYPE, &ENUM_PUBLIC, &ENUM_EXPLOITATION,
	&ENUM_STATUS, &ENUM_SEX, &ENUM_AGE, &ENUM_AUDIENCE,
};

/* The order of each table, as docs/FORMAT.md, Part II lists it: index i is
 * byte i on the wire and bit i in a set.  A reordering must fail here. */
static const char *const want_codes[][16] = {
	{ "association", "barreau", "prefecture", "justice", "police", "collectivite", "other" },
	{ "prevention", "awareness", "outreach", "identification", "shelter", "social-support",
	  "legal-support", "health-support", "administrative-support", "court-support",
	  "exit-programme", "employment", "advocacy", "coordination", "other" },
	{ "minors", "young-adults", "adults", "professionals", "general-public" },
	{ "sexual", "labour", "domestic-servitude", "forced-begging", "forced-crime",
	  "organ-removal", "forced-marriage", "other", "unknown" },
	{ "spotted", "supported" },
	{ "f", "m", "trans", "unknown" },
	{ "minor", "adult", "unknown" },
	{ "police", "gendarmerie", "justice", "lawyers", "social-work", "health",
	  "labour-inspection", "education", "associations", "other" },
};
static const char *const want_names[] = {
	"kind", "type", "public", "exploitation", "status", "sex", "age", "audience",
};

/* dept_find() as a plain scan of the table: what the computed look-up
 * must agree with. */
static int dept_scan(const char *code)
{
	for (int i = 0; i < DEPT_COUNT; i++)
		if (strcmp(DEPTS[i].code, code) == 0)
			return i;
	if (!strcmp(code, "2a") || !strcmp(code, "2b"))
		return code[1] == 'a' ? 19 : 20;
	return -1;
}

/* Every string of up to 4 characters over digits, the Corsican letters in
 * both cases, a neighbour letter, a blank and a line break. */
static void test_dept_exhaustive(void)
{
	static const char alpha[] = "0123456789AaBbCc \n";
	const int k = (int)sizeof alpha - 1;
	char s[5] = { 0 };
	int len, n, total, i, same = 1, tried = 0;

	for (len = 0; len <= 4; len++) {
		for (total = 1, i = 0; i < len; i++)
			total *= k;
		for (n = 0; n < total; n++) {
			int v = n;

			for (i = 0; i < len; i++, v /= k)
				s[i] = alpha[v % k];
			s[len] = '\0';
			tried++;
			if (dept_find(s) != dept_scan(s)) {
				if (same)
					diag("dept_find of bytes %02x %02x %02x %02x (%d long) "
					     "= %d, table says %d", (unsigned char)s[0],
					     (unsigned char)s[1], (unsigned char)s[2],
					     (unsigned char)s[3], len, dept_find(s), dept_scan(s));
				same = 0;
			}
		}
	}
	ok(same && tried > 100000, "dept_find agrees with the table on %d strings", tried);
}

static void test_depts(void)
{
	static const char *const refused[] = {
		"20", "975", "977", "1", " 75", "75 ", "2A ", "", "2c", "2C", "0", "00", "96",
		"2", "9710", "2ab", "2AB", "a2", "97", "100", "7 5", "٧٥",
	};
	int i, j, unique = 1, named = 1, regions_ok = 1, found = 1;

	is_int(DEPT_COUNT, 101, "101 départements");
	is_str(DEPTS[0].code, "01", "first is 01");
	is_str(DEPTS[18].code, "19", "index 18 is 19");
	is_str(DEPTS[19].code, "2A", "2A takes the place of 20");
	is_str(DEPTS[20].code, "2B", "then 2B");
	is_str(DEPTS[21].code, "21", "then 21");
	is_str(DEPTS[95].code, "95", "index 95 is 95");
	is_str(DEPTS[96].code, "971", "then the overseas départements");
	is_str(DEPTS[99].code, "974", "974 at 99");
	is_str(DEPTS[100].code, "976", "976 last (no 975)");
	for (i = 0; i < DEPT_COUNT; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(DEPTS[i].code, DEPTS[j].code) == 0)
				unique = 0;
		if (!DEPTS[i].name[0] || !text_valid(DEPTS[i].name, strlen(DEPTS[i].name), 0))
			named = 0;
		if (!region_find(DEPTS[i].region))
			regions_ok = 0;
		if (dept_find(DEPTS[i].code) != i)
			found = 0;
	}
	ok(unique, "département codes are unique");
	ok(named, "every département has a UTF-8 name");
	ok(regions_ok, "every département's region is listed");
	ok(found, "dept_find finds all 101 codes at their index");

	i = dept_find("2A");
	is_str(DEPTS[i].name, "Corse-du-Sud", "2A is Corse-du-Sud");
	is_str(DEPTS[i].region, "94", "in region 94");
	is_int(dept_find("2a"), 19, "2a read as 2A");
	is_int(dept_find("2b"), 20, "2b read as 2B");
	is_str(DEPTS[dept_find("974")].name, "La Réunion", "974 is La Réunion, with its accent");
	is_str(DEPTS[dept_find("75")].name, "Paris", "75 is Paris");
	is_str(DEPTS[dept_find("976")].region, "06", "976 in region 06");
	for (i = 0; i < (int)(sizeof refused / sizeof refused[0]); i++)
		is_int(dept_find(refused[i]), -1, "dept_find refuses \"%s\"", refused[i]);
	is_int(dept_find("75\n"), -1, "dept_find refuses a code with a line break");
	is_int(dept_find(NULL), -1, "dept_find(NULL) is -1");
	test_dept_exhaustive();
}

static void test_regions(void)
{
	int i, j, unique = 1, used;
	int all_used = 1;

	is_int(REGION_COUNT, 18, "18 regions");
	for (i = 0; i < REGION_COUNT; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(REGIONS[i].code, REGIONS[j].code) == 0)
				unique = 0;
		used = 0;
		for (j = 0; j < DEPT_COUNT; j++)
			if (strcmp(DEPTS[j].region, REGIONS[i].code) == 0)
				used++;
		if (!used)
			all_used = 0;
		if (region_find(REGIONS[i].code) != &REGIONS[i])
			all_used = 0;
	}
	ok(unique, "region codes are unique");
	ok(all_used, "every region found and has a département");
	is_str(region_find("11")->name, "Île-de-France", "region 11");
	is_str(region_find("84")->name, "Auvergne-Rhône-Alpes", "region 84");
	ok(region_find("99") == NULL, "unknown region");
	ok(region_find("") == NULL && region_find(NULL) == NULL, "empty region code");
}

static int code_chars_ok(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '-'))
			return 0;
	return 1;
}

static void test_enums(void)
{
	int t, i, j, good;

	for (t = 0; t < (int)(sizeof tables / sizeof tables[0]); t++) {
		const enum_table *e = tables[t];

		is_str(e->name, want_names[t], "table %d is named %s", t, want_names[t]);
		ok(e->count > 0 && e->count <= 32, "%s: 1..32 values", e->name);
		good = 1;
		for (i = 0; i < 16 && want_codes[t][i]; i++)
			if (i >= e->count || strcmp(e->items[i].code, want_codes[t][i]) != 0)
				good = 0;
		ok(good && i == e->count, "%s: codes in the documented order", e->name);
		good = 1;
		for (i = 0; i < e->count; i++) {
			const enum_item *it = &e->items[i];

			if (!it->code[0] || !it->fr[0] || !it->en[0] || !code_chars_ok(it->code))
				good = 0;
			if (!text_valid(it->fr, strlen(it->fr), 0))
				good = 0;
			for (j = 0; j < i; j++)
				if (strcmp(it->code, e->items[j].code) == 0)
					good = 0;
			if (enum_find(e, it->code) != i)
				good = 0;
		}
		ok(good, "%s: unique lower-case codes, non-empty labels, all found", e->name);
		is_int(enum_all_mask(e), ((uint64_t)1 << e->count) - 1, "%s: full mask", e->name);
	}

	is_str(ENUM_ACTION_TYPE.items[enum_find(&ENUM_ACTION_TYPE, "outreach")].fr,
	       "Repérage, maraude", "outreach label");
	is_str(ENUM_ACTION_TYPE.items[enum_find(&ENUM_ACTION_TYPE, "shelter")].fr,
	       "Hébergement, mise à l'abri", "shelter label");
	is_str(ENUM_ACTION_TYPE.items[enum_find(&ENUM_ACTION_TYPE, "exit-programme")].fr,
	       "Parcours de sortie de prostitution", "exit-programme label");
	is_str(ENUM_ACTION_TYPE.items[enum_find(&ENUM_ACTION_TYPE, "administrative-support")].fr,
	       "Accès aux droits, droit au séjour", "administrative-support label");
	is_str(ENUM_STATUS.items[0].fr, "repérées", "spotted label");
	is_str(ENUM_STATUS.items[1].fr, "accompagnées", "supported label");
	is_str(ENUM_EXPLOITATION.items[0].fr, "exploitation sexuelle", "sexual label");
	is_str(ENUM_EXPLOITATION.items[1].fr, "exploitation par le travail", "labour label");
	is_str(ENUM_EXPLOITATION.items[3].fr, "mendicité forcée", "forced-begging label");
	is_str(ENUM_EXPLOITATION.items[4].fr, "contrainte à commettre des délits",
	       "forced-crime label");
	is_str(ENUM_SEX.items[0].fr, "femme", "f label");
	is_str(ENUM_SEX.items[1].fr, "homme", "m label");
	is_str(ENUM_SEX.items[2].fr, "personne trans", "trans label");
	is_str(ENUM_AGE.items[0].fr, "mineur·e", "minor label");
	is_str(ENUM_ORG_KIND.items[1].fr, "Barreau (avocats)", "barreau label");
	is_str(ENUM_ORG_KIND.items[2].fr, "Préfecture (référent traite)", "prefecture label");
	is_str(ENUM_ORG_KIND.items[5].fr, "Collectivité territoriale", "collectivite label");

	is_int(enum_find(&ENUM_SEX, "F"), -1, "enum_find is case-sensitive");
	is_int(enum_find(&ENUM_SEX, "f "), -1, "enum_find is exact");
	is_int(enum_find(&ENUM_SEX, ""), -1, "empty code");
	is_int(enum_find(&ENUM_SEX, NULL), -1, "NULL code");
	is_int(enum_find(&ENUM_SEX, "unknown"), 3, "unknown is index 3");
}

static void test_sets(void)
{
	fmt_error err;
	uint32_t m, all;
	char buf[256];
	int rc, i, good;

	rc = enum_parse_set(&ENUM_PUBLIC, "minors,adults", &m, &err);
	ok(rc == FMT_OK && m == 0x5, "minors,adults -> 0x5");
	rc = enum_parse_set(&ENUM_PUBLIC, "", &m, &err);
	ok(rc == FMT_OK && m == 0, "empty list -> 0");
	rc = enum_parse_set(&ENUM_PUBLIC, "   ", &m, &err);
	ok(rc == FMT_OK && m == 0, "blank list -> 0");
	rc = enum_parse_set(&ENUM_PUBLIC, "adults,minors,adults", &m, &err);
	ok(rc == FMT_OK && m == 0x5, "duplicates folded, order free");
	rc = enum_parse_set(&ENUM_PUBLIC, " minors , general-public ", &m, &err);
	ok(rc == FMT_OK && m == 0x11, "blanks around codes ignored");

	m = 7;
	rc = enum_parse_set(&ENUM_SEX, "f,x", &m, &err);
	is_int(rc, FMT_E_FIELD, "unknown code refused");
	is_int(err.code, FMT_E_FIELD, "err filled");
	is_str(err.detail, "field sex: unknown value \"x\" (allowed: f, m, trans, unknown)",
	       "detail names field, value and allowed values");
	is_int(m, 0, "mask zeroed on failure");
	rc = enum_parse_set(&ENUM_PUBLIC, "minors,,adults", &m, &err);
	is_int(rc, FMT_E_FIELD, "empty element refused");
	ok(strstr(err.detail, "field public: empty value") != NULL, "detail: %s", err.detail);
	rc = enum_parse_set(&ENUM_PUBLIC, "minors,", &m, &err);
	is_int(rc, FMT_E_FIELD, "trailing comma refused");
	rc = enum_parse_set(&ENUM_PUBLIC, "MINORS", &m, &err);
	is_int(rc, FMT_E_FIELD, "upper-case code refused");
	rc = enum_parse_set(&ENUM_SEX, "\x1b[2Jf", &m, &err);
	is_str(err.detail, "field sex: unknown value \"\\x1b[2Jf\" (allowed: f, m, trans, unknown)",
	       "a control character in the value is shown escaped");
	rc = enum_parse_set(&ENUM_SEX, "femme,é", &m, &err);
	is_str(err.detail, "field sex: unknown value \"femme\" (allowed: f, m, trans, unknown)",
	       "first unknown value reported");
	rc = enum_parse_set(&ENUM_SEX, "é", &m, &err);
	is_str(err.detail, "field sex: unknown value \"é\" (allowed: f, m, trans, unknown)",
	       "accented text shown as is");
	rc = enum_parse_set(&ENUM_ACTION_TYPE, "maraude", &m, &err);
	ok(rc == FMT_E_FIELD && strstr(err.detail, "exit-programme, employment, advocacy, "
				       "coordination, other)") != NULL,
	   "the longest list of allowed values is not cut: %s", err.detail);
	rc = enum_parse_set(&ENUM_SEX, "x", &m, NULL);
	is_int(rc, FMT_E_FIELD, "NULL err allowed");
	rc = enum_parse_set(&ENUM_AUDIENCE, "police,gendarmerie,justice,lawyers,social-work,"
			    "health,labour-inspection,education,associations,other", &m, &err);
	ok(rc == FMT_OK && m == enum_all_mask(&ENUM_AUDIENCE), "every audience");

	is_int(enum_format_set(&ENUM_PUBLIC, 0x5, buf, sizeof buf), 13, "format length");
	is_str(buf, "minors,adults", "format in table order");
	enum_format_set(&ENUM_PUBLIC, 0, buf, sizeof buf);
	is_str(buf, "", "empty set");
	enum_format_set(&ENUM_PUBLIC, 0xFFFFFFFFu, buf, sizeof buf);
	is_str(buf, "minors,young-adults,adults,professionals,general-public",
	       "bits beyond the table ignored");
	is_int(enum_format_set(&ENUM_PUBLIC, 0x5, buf, 5), 4, "truncated length");
	is_str(buf, "mino", "truncated to cap");
	is_int(enum_format_set(&ENUM_PUBLIC, 0x5, buf, 0), 0, "cap 0 writes nothing");

	good = 1;
	for (i = 0; i < (int)(sizeof tables / sizeof tables[0]); i++) {
		all = enum_all_mask(tables[i]);
		for (m = 0; m <= all && m < 4096; m++) {
			uint32_t back = 0xdead;

			enum_format_set(tables[i], m, buf, sizeof buf);
			if (enum_parse_set(tables[i], buf, &back, &err) != FMT_OK || back != m)
				good = 0;
		}
	}
	ok(good, "format then parse gives back every set");

	enum_describe(&ENUM_SEX, buf, sizeof buf);
	is_str(buf, "f (femme), m (homme), trans (personne trans), unknown (non renseigné)",
	       "enum_describe");
	good = 1;
	for (i = 1; i < 80; i++) {
		enum_describe(&ENUM_SEX, buf, i);
		if (strlen(buf) >= (size_t)i || !text_valid(buf, strlen(buf), 0))
			good = 0;
	}
	ok(good, "enum_describe truncates within cap, never in the middle of a character");
	enum_describe(&ENUM_EXPLOITATION, buf, sizeof buf);
	ok(strncmp(buf, "sexual (exploitation sexuelle), labour (exploitation par le travail)",
		   68) == 0, "describe exploitation: %s", buf);
}

int main(void)
{
	test_depts();
	test_regions();
	test_enums();
	test_sets();
	return done_testing();
}
