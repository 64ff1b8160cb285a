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
#include <stdlib.h>
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

/* ------------------------------------------------------------------ */
/* Values as people write them                                         */

#define KEY_CAP 128

/* text without its surrounding blanks, folded into key; 0 when empty. */
static size_t fold_key(const char *text, char key[KEY_CAP])
{
	size_t n;

	if (!text)
		return 0;
	while (*text == ' ' || *text == '\t')
		text++;
	n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\t'))
		n--;
	return text_fold(text, n, key, KEY_CAP);
}

/* Whether a folded form is close enough to the folded key to be offered
 * as what was meant: a few letters off, in a word long enough for that
 * to mean something.  *best holds the smallest distance so far. */
static int closer(const char *key, const char *form, unsigned *best)
{
	size_t kl = strlen(key), fl = strlen(form);
	unsigned d, limit;

	if (kl < 3 || fl < 3)
		return 0;
	d = text_distance(key, form);
	limit = (unsigned)(fl < kl ? fl : kl) / 3;
	if (limit < 1)
		limit = 1;
	if (d > limit || d >= *best)
		return 0;
	*best = d;
	return 1;
}

int dept_match(const char *text, int *suggest)
{
	char key[KEY_CAP], code[4], name[KEY_CAP];
	unsigned best = ~0u;
	const char *t = text;
	size_t n;
	int i;

	if (suggest)
		*suggest = -1;
	if (!text)
		return -1;
	while (*t == ' ' || *t == '\t')
		t++;
	n = strlen(t);
	while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		n--;
	if (n == 0)
		return -1;
	if (n <= 3) {
		memcpy(code, t, n);
		code[n] = '\0';
		if (n == 1 && code[0] >= '1' && code[0] <= '9') {
			code[1] = code[0];
			code[0] = '0';
			code[2] = '\0';
		}
		if ((i = dept_find(code)) >= 0)
			return i;
	}
	fold_key(t, key);
	for (i = 0; i < DEPT_COUNT; i++) {
		text_fold(DEPTS[i].name, strlen(DEPTS[i].name), name, sizeof name);
		if (strcmp(name, key) == 0)
			return i;
	}
	/* A number is a code: a close one is another place, not a typo. */
	if (suggest && !(key[0] >= '0' && key[0] <= '9'))
		for (i = 0; i < DEPT_COUNT; i++) {
			text_fold(DEPTS[i].name, strlen(DEPTS[i].name), name, sizeof name);
			if (closer(key, name, &best))
				*suggest = i;
		}
	return -1;
}

#define FORMS_MAX 16

typedef struct forms {
	char s[FORMS_MAX][KEY_CAP];
	int whole[FORMS_MAX];          /* of the whole label, not one of its parts */
	int n;
} forms;

/* Adds the folded form of raw[0..len), and its masculine form when it
 * has inclusive words ("Mineur·es": "mineures", then "mineurs"). */
static void add_form(forms *f, const char *raw, size_t len, int whole)
{
	char masc[KEY_CAP];
	size_t i = 0, o = 0;
	int dotted = 0;

	while (len && (raw[0] == ' ' || raw[0] == '\t')) {
		raw++;
		len--;
	}
	while (len && (raw[len - 1] == ' ' || raw[len - 1] == '\t'))
		len--;
	if (!len || f->n == FORMS_MAX)
		return;
	f->whole[f->n] = whole;
	text_fold(raw, len, f->s[f->n++], KEY_CAP);
	while (i < len && o + 2 < sizeof masc) {
		if (i + 1 < len && (unsigned char)raw[i] == 0xC2 &&
		    (unsigned char)raw[i + 1] == 0xB7) {
			/* the middle dot and the feminine ending after it */
			size_t e = i + 2;

			while (e < len && raw[e] >= 'a' && raw[e] <= 'z')
				e++;
			if (e > i + 2 && raw[e - 1] == 's')
				masc[o++] = 's';
			dotted = 1;
			i = e;
			continue;
		}
		masc[o++] = raw[i++];
	}
	if (dotted && f->n < FORMS_MAX) {
		f->whole[f->n] = whole;
		text_fold(masc, o, f->s[f->n++], KEY_CAP);
	}
}

/* The spellings label stands for: itself, itself without its part in
 * brackets, and each of its parts between commas and brackets. */
static void label_forms(const char *label, forms *f)
{
	const char *p = label, *b;

	f->n = 0;
	add_form(f, label, strlen(label), 1);
	b = strchr(label, '(');
	if (b)
		add_form(f, label, (size_t)(b - label), 1);
	if (!strpbrk(label, ",()"))
		return;
	while (*p) {
		b = p;
		while (*p && !strchr(",()", *p))
			p++;
		add_form(f, b, (size_t)(p - b), 0);
		if (*p)
			p++;
	}
}

int enum_match(const enum_table *t, const char *text, int *suggest)
{
	char key[KEY_CAP], code[KEY_CAP];
	unsigned best = ~0u;
	int i, j, k = -1, tier, found, at = -1;
	forms *f;

	if (suggest)
		*suggest = -1;
	if (!t || !text)
		return -1;
	i = enum_find(t, text);
	if (i >= 0)
		return i;
	if (!fold_key(text, key))
		return -1;
	f = malloc(sizeof *f * (size_t)t->count);
	if (!f)
		return -1;
	for (i = 0; i < t->count; i++)
		label_forms(t->items[i].fr, &f[i]);
	/* The code, then the whole label, then one of its parts: the first
	 * of these that one value alone matches. */
	for (tier = 0; tier < 3 && at < 0; tier++) {
		found = 0;
		for (i = 0; i < t->count; i++) {
			int hit = 0;

			if (tier == 0) {
				text_fold(t->items[i].code, strlen(t->items[i].code), code,
					  sizeof code);
				hit = strcmp(code, key) == 0;
			}
			for (j = 0; tier > 0 && j < f[i].n && !hit; j++)
				hit = f[i].whole[j] == (tier == 1) && strcmp(f[i].s[j], key) == 0;
			if (hit && !found++)
				k = i;
		}
		if (found == 1)
			at = k;
		else if (found > 1)
			break;
	}
	if (at < 0 && suggest)
		for (i = 0; i < t->count; i++) {
			text_fold(t->items[i].code, strlen(t->items[i].code), code, sizeof code);
			if (closer(key, code, &best))
				*suggest = i;
			for (j = 0; j < f[i].n; j++)
				if (closer(key, f[i].s[j], &best))
					*suggest = i;
		}
	free(f);
	return at;
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
