/*
 * refdata.c - the enumerations of the data model and the look-ups over the
 * reference tables.
 *
 * Each enumeration is a table of (code, French label, English label).  The
 * code is what files, flags and CSV columns carry; the French label is what
 * field workers read in menus and reports.  The position of a value in its
 * table is its byte on the wire and its bit in a set, so values are only
 * ever appended (docs/FORMAT.md, Part II).  The départements and regions
 * themselves are generated into refdata_tables.c by tools/gen-refdata.py.
 */
#include "refdata.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "record.h"

#define ENUM_TABLE(var, fieldname, items) \
	const enum_table var = { fieldname, items, (int)(sizeof items / sizeof items[0]) }

static const enum_item org_kinds[] = {
	{ "association",  "Association",                  "Association" },
	{ "barreau",      "Barreau (avocats)",            "Bar association (lawyers)" },
	{ "prefecture",   "Préfecture (référent traite)", "Prefecture (trafficking referent)" },
	{ "justice",      "Justice (parquet, juridiction)", "Justice (prosecution, courts)" },
	{ "police",       "Police, gendarmerie",          "Police, gendarmerie" },
	{ "collectivite", "Collectivité territoriale",    "Local authority" },
	{ "other",        "Autre",                        "Other" },
};
ENUM_TABLE(ENUM_ORG_KIND, "kind", org_kinds);

static const enum_item action_types[] = {
	{ "prevention",     "Prévention",                  "Prevention" },
	{ "awareness",      "Sensibilisation",             "Awareness raising" },
	{ "outreach",       "Repérage, maraude",           "Outreach" },
	{ "identification", "Identification des victimes", "Identification of victims" },
	{ "shelter",        "Hébergement, mise à l'abri",  "Shelter, safe accommodation" },
	{ "social-support", "Accompagnement social",       "Social support" },
	{ "legal-support",  "Accompagnement juridique",    "Legal support" },
	{ "health-support", "Soins, soutien psychologique", "Health and psychological support" },
	{ "administrative-support", "Accès aux droits, droit au séjour",
	  "Access to rights, residence permits" },
	{ "court-support",  "Accompagnement jusqu'au procès", "Support through court proceedings" },
	{ "exit-programme", "Parcours de sortie de prostitution",
	  "Exit-from-prostitution programme" },
	{ "employment",     "Insertion professionnelle",   "Employment, integration" },
	{ "advocacy",       "Plaidoyer",                   "Advocacy" },
	{ "coordination",   "Coordination, travail en réseau", "Coordination, networking" },
	{ "other",          "Autre",                       "Other" },
};
ENUM_TABLE(ENUM_ACTION_TYPE, "type", action_types);

static const enum_item publics[] = {
	{ "minors",         "Mineur·es",         "Minors" },
	{ "young-adults",   "Jeunes majeur·es",  "Young adults" },
	{ "adults",         "Adultes",           "Adults" },
	{ "professionals",  "Professionnel·les", "Professionals" },
	{ "general-public", "Grand public",      "General public" },
};
ENUM_TABLE(ENUM_PUBLIC, "public", publics);

static const enum_item exploitations[] = {
	{ "sexual",             "exploitation sexuelle",             "sexual exploitation" },
	{ "labour",             "exploitation par le travail",       "labour exploitation" },
	{ "domestic-servitude", "servitude domestique",              "domestic servitude" },
	{ "forced-begging",     "mendicité forcée",                  "forced begging" },
	{ "forced-crime",       "contrainte à commettre des délits", "forced criminality" },
	{ "organ-removal",      "prélèvement d'organes",             "organ removal" },
	{ "forced-marriage",    "mariage forcé",                     "forced marriage" },
	{ "other",              "autre forme d'exploitation",        "other form of exploitation" },
	{ "unknown",            "forme non déterminée",              "form not determined" },
};
ENUM_TABLE(ENUM_EXPLOITATION, "exploitation", exploitations);

static const enum_item statuses[] = {
	{ "spotted",   "repérées",     "spotted" },
	{ "supported", "accompagnées", "supported" },
};
ENUM_TABLE(ENUM_STATUS, "status", statuses);

static const enum_item sexes[] = {
	{ "f",       "femme",          "woman" },
	{ "m",       "homme",          "man" },
	{ "trans",   "personne trans", "trans person" },
	{ "unknown", "non renseigné",  "not known" },
};
ENUM_TABLE(ENUM_SEX, "sex", sexes);

static const enum_item ages[] = {
	{ "minor",   "mineur·e",      "minor" },
	{ "adult",   "majeur·e",      "adult" },
	{ "unknown", "âge non connu", "age not known" },
};
ENUM_TABLE(ENUM_AGE, "age", ages);

static const enum_item audiences[] = {
	{ "police",            "Police",                        "Police" },
	{ "gendarmerie",       "Gendarmerie",                   "Gendarmerie" },
	{ "justice",           "Magistrat·es, greffes",
	  "Judges, prosecutors, court staff" },
	{ "lawyers",           "Avocat·es",                     "Lawyers" },
	{ "social-work",       "Travail social",                "Social work" },
	{ "health",            "Santé",                         "Health" },
	{ "labour-inspection", "Inspection du travail",         "Labour inspection" },
	{ "education",         "Éducation, protection de l'enfance",
	  "Education, child protection" },
	{ "associations",      "Associations",                  "Associations" },
	{ "other",             "Autre",                         "Other" },
};
ENUM_TABLE(ENUM_AUDIENCE, "audience", audiences);

/* Index of the département whose code is `code`, or -1.  Computed from
 * the code's shape rather than searched, because every decoded record
 * and every listed row asks for it: the table is in INSEE order, 01-19 at
 * 0-18, 2A and 2B at 19-20 (in place of 20), 21-95 at 21-95, then 971-974
 * at 96-99 and 976 at 100.  The one comparison at the end checks the
 * guess against the table itself. */
int dept_find(const char *code)
{
	int i = -1, a, b;

	if (!code || !code[0] || !code[1])
		return -1;
	a = code[0] - '0';
	b = code[1] - '0';
	if (code[2] == '\0') {
		/* Corsica is the only code with letters; "2a"/"2b" are what
		 * people type, so they are read as "2A"/"2B".  Nothing else is
		 * folded. */
		if (a == 2 && (code[1] == 'A' || code[1] == 'a'))
			return 19;
		if (a == 2 && (code[1] == 'B' || code[1] == 'b'))
			return 20;
		if (a < 0 || a > 9 || b < 0 || b > 9)
			return -1;
		i = 10 * a + b;
		if (i >= 1 && i <= 19)
			i--;
		else if (i < 21 || i > 95)
			return -1;
	} else if (a == 9 && b == 7 && code[3] == '\0') {
		if (code[2] >= '1' && code[2] <= '4')
			i = 96 + (code[2] - '1');
		else if (code[2] == '6')
			i = 100;
	}
	return i >= 0 && strcmp(DEPTS[i].code, code) == 0 ? i : -1;
}

/* Region entry for a region code, or NULL. */
const region_info *region_find(const char *code)
{
	int i;

	if (!code)
		return NULL;
	for (i = 0; i < REGION_COUNT; i++)
		if (strcmp(REGIONS[i].code, code) == 0)
			return &REGIONS[i];
	return NULL;
}

/* Index of `code` in t, or -1. */
int enum_find(const enum_table *t, const char *code)
{
	int i;

	if (!t || !code)
		return -1;
	for (i = 0; i < t->count; i++)
		if (strcmp(t->items[i].code, code) == 0)
			return i;
	return -1;
}

/* Mask with every valid bit of t set. */
uint32_t enum_all_mask(const enum_table *t)
{
	if (t->count >= 32)
		return 0xFFFFFFFFu;
	return ((uint32_t)1 << t->count) - 1;
}

/* "a, b, c": the codes alone, which is what fits in a one-line detail
 * (the labels of the longer tables would not).  Writes into the caller's
 * buf, truncated to cap; cannot fail. */
void enum_list_codes(const enum_table *t, char *buf, size_t cap)
{
	size_t n = 0;
	int i, w;

	buf[0] = '\0';
	for (i = 0; i < t->count && n < cap; i++) {
		w = snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", t->items[i].code);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

/* A list element is a code surrounded by optional blanks: "minors, adults"
 * as typed or pasted from a spreadsheet is read like "minors,adults".  An
 * empty element ("minors,,adults", a trailing comma) is refused rather than
 * guessed at. */
int enum_parse_set(const enum_table *t, const char *list, uint32_t *mask,
		   struct fmt_error *err)
{
	char code[64], allowed[256], shown[170];
	const char *p = list, *start, *end;
	uint32_t m = 0;
	size_t n;
	int i;

	*mask = 0;
	if (!list)
		return FMT_OK;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return FMT_OK;
	for (;;) {
		start = p;
		while (*p && *p != ',')
			p++;
		end = p;
		while (start < end && (*start == ' ' || *start == '\t'))
			start++;
		while (end > start && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		n = (size_t)(end - start);
		if (n == 0) {
			text_show(list, strnlen(list, 60), shown, sizeof shown);
			return fmt_fail(err, FMT_E_FIELD,
					"field %s: empty value in the list \"%s\"",
					t->name, shown);
		}
		i = -1;
		if (n < sizeof code) {
			memcpy(code, start, n);
			code[n] = '\0';
			i = enum_find(t, code);
		}
		if (i < 0) {
			enum_list_codes(t, allowed, sizeof allowed);
			text_show(start, n > 40 ? 40 : n, shown, sizeof shown);
			return fmt_fail(err, FMT_E_FIELD,
					"field %s: unknown value \"%s\" (allowed: %s)",
					t->name, shown, allowed);
		}
		m |= (uint32_t)1 << i;
		if (*p == '\0')
			break;
		p++;    /* the comma */
	}
	*mask = m;
	return FMT_OK;
}

/* Appends s to buf[0..cap) at *n, cutting it when full; buf stays
 * NUL-terminated. */
static void append(char *buf, int cap, int *n, const char *s)
{
	size_t len = strlen(s);

	if (*n >= cap - 1)
		return;
	if (len > (size_t)(cap - 1 - *n)) {
		len = (size_t)(cap - 1 - *n);
		/* never cut a UTF-8 sequence in two */
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(buf + *n, s, len);
	*n += (int)len;
	buf[*n] = '\0';
}

/* Codes of mask in table order, separated by commas without blanks, so
 * that enum_parse_set() reads the result back.  Bits beyond the table are
 * ignored. */
int enum_format_set(const enum_table *t, uint32_t mask, char *buf, int cap)
{
	int i, n = 0, first = 1;

	if (!buf || cap <= 0)
		return 0;
	buf[0] = '\0';
	for (i = 0; i < t->count && i < 32; i++) {
		if (!(mask & ((uint32_t)1 << i)))
			continue;
		if (!first)
			append(buf, cap, &n, ",");
		append(buf, cap, &n, t->items[i].code);
		first = 0;
	}
	return n;
}

/* "code (label), code (label)" in French, cut at cap. */
void enum_describe(const enum_table *t, char *buf, int cap)
{
	int i, n = 0;

	if (!buf || cap <= 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < t->count; i++) {
		if (i)
			append(buf, cap, &n, ", ");
		append(buf, cap, &n, t->items[i].code);
		append(buf, cap, &n, " (");
		append(buf, cap, &n, t->items[i].fr);
		append(buf, cap, &n, ")");
	}
}
