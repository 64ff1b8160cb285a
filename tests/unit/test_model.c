/*
 * test_model.c - the field descriptors of format/model.h and what loops
 * over them, for counts above all: the generic count kind (FT_CODE,
 * FT_CODES), a count table's descriptor made from code lists
 * (table_desc_make, table_record_blank), reading values as people type
 * them (field_parse of a code with and without a list), writing them as
 * files and people read them (field_text, field_show), the natural key
 * (record_natkey), and the SQL columns of a set of codes (db.h).
 *
 * The record-level checks and the wire are in test_record.c; this file is
 * about one field at a time.
 */
#include <string.h>

#include "db.h"
#include "error.h"
#include "format.h"
#include "model.h"
#include "record.h"
#include "refdata.h"
#include "tap.h"

#define T2026 1767225600LL      /* 2026-01-01T00:00:00Z */

/* A code list as the questionnaire defines one (questionnaire.h): more
 * values than the built-in lists, codes in capitals, one value without an
 * English label. */
static const enum_item countries[] = {
	{ "FR", "France", "France" },
	{ "NG", "Nigeria", "Nigeria" },
	{ "RO", "Roumanie", "Romania" },
	{ "XK", "Kosovo", "" },
	{ "unknown", "Inconnu", "Unknown" },
};
static const enum_table COUNTRY = { "country", countries, 5 };

static const enum_table *const VICTIMS_DIMS[] = {
	&ENUM_STATUS, &ENUM_EXPLOITATION, &ENUM_SEX, &ENUM_AGE,
};

/* The sample count of test_record.c: victims, 2026-Q1, 93, supported,
 * sexual, f, adult, 12. */
static record sample_count(void)
{
	record r;

	memset(&r, 0, sizeof r);
	r.kind = REC_COUNT;
	r.version = 1;
	r.recorded_at = T2026;
	strcpy(r.u.count.table, "victims");
	strcpy(r.u.count.period, "2026-Q1");
	r.u.count.dept = (uint8_t)dept_find("93");
	r.u.count.ndims = 4;
	strcpy(r.u.count.dims[0], "supported");
	strcpy(r.u.count.dims[1], "sexual");
	strcpy(r.u.count.dims[2], "f");
	strcpy(r.u.count.dims[3], "adult");
	r.u.count.count = 12;
	return r;
}

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* The kinds and the generic count                                     */

static void test_kinds(void)
{
	const kind_desc *c = kind_desc_of(REC_COUNT);
	const field_desc *f;
	int unique = 1;

	ok(c && c->kind == REC_COUNT, "kind 3 has a descriptor");
	is_str(c ? c->code : NULL, "count", "its code is count");
	is_str(record_kind_name(REC_COUNT), "count", "record_kind_name(3)");
	is_str(record_kind_name(9), "?", "record_kind_name of an unknown kind");
	ok(kind_desc_of(0) == NULL && kind_desc_of(5) == NULL, "no descriptor for kinds 0 and 5");
	ok(kind_desc_find("count") == c, "kind_desc_find(\"count\")");
	ok(kind_desc_find("org") == kind_desc_of(REC_ORG) &&
	   kind_desc_find("organisation") == kind_desc_of(REC_ORG), "org and organisation");
	ok(kind_desc_find("support") == NULL, "the support kind is gone");
	ok(kind_desc_find("victims") == NULL && kind_desc_find(NULL) == NULL,
	   "a table's code is not a built-in kind");

	/* The wire order of a count: table, period, dept, dims, count. */
	is_int(c->nfields, 5, "a count has 5 fields");
	is_str(c->fields[0].code, "table", "field 1: table");
	is_str(c->fields[1].code, "period", "field 2: period");
	is_str(c->fields[2].code, "dept", "field 3: dept");
	is_str(c->fields[3].code, "dims", "field 4: dims");
	is_str(c->fields[4].code, "count", "field 5: count");

	f = kind_field(c, "table");
	ok(f && f->type == FT_CODE && f->list == NULL && f->max == REC_CODE_MAX &&
	   f->flags == (FF_REQUIRED | FF_KEY) && f->off == offsetof(record, u.count.table),
	   "table: a code of any table, at most 32 bytes, required, in the key");
	f = kind_field(c, "dims");
	ok(f && f->type == FT_CODES && f->list == NULL && f->min == 1 && f->max == REC_DIMS_MAX &&
	   f->flags == (FF_REQUIRED | FF_KEY) && f->off == offsetof(record, u.count.ndims) &&
	   strcmp(f->sql, "dim") == 0, "dims: 1 to 4 codes, required, in the key, columns dim*");
	f = kind_field(c, "count");
	ok(f && f->type == FT_NUMBER && f->min == 0 && f->max == REC_COUNT_MAX &&
	   f->flags == FF_REQUIRED, "count: 0 to 100000, required, not in the key");
	ok(kind_field(c, "status") == NULL && kind_field(c, NULL) == NULL &&
	   kind_field(NULL, "table") == NULL, "kind_field of what is not there: NULL");

	/* One word per field: no kind names a field twice. */
	for (int k = REC_ORG; k <= REC_TRAINING; k++) {
		const kind_desc *d = kind_desc_of(k);

		for (int i = 0; d && i < d->nfields; i++)
			for (int j = i + 1; j < d->nfields; j++)
				if (strcmp(d->fields[i].code, d->fields[j].code) == 0 ||
				    strcmp(d->fields[i].sql, d->fields[j].sql) == 0)
					unique = 0;
	}
	ok(unique, "field codes and SQL columns unique within each kind");
}

/* ------------------------------------------------------------------ */
/* A count table's descriptor                                          */

static void test_table_desc(void)
{
	static const char *const fr[] = { "Statut", NULL, "Sexe", "Âge" };
	static const char *const en[] = { "Status", NULL, NULL, "Age" };
	const enum_table *origin[] = { &ENUM_STATUS, &COUNTRY };
	table_desc t, u;
	char code[40];
	record r;
	int flags_ok = 1;

	strcpy(code, "victims");
	table_desc_make(&t, code, "Victimes", "Victims", 4, VICTIMS_DIMS, fr, en);
	strcpy(code, "changed");
	is_str(t.k.code, "victims", "the table's code is copied");
	is_int(t.k.kind, REC_COUNT, "a table is of kind count");
	is_int(t.k.nfields, 7, "period, dept, 4 dimensions, count");
	ok(t.k.fields == t.fields, "its fields are its own");
	is_str(t.k.sql, "count", "its rows live in the count table");
	is_str(t.k.fr, "Victimes", "French title");
	is_str(t.k.en_plural, "Victims", "English title");
	is_str(t.fields[0].code, "period", "first the period");
	is_str(t.fields[1].code, "dept", "then the département");
	is_str(t.fields[2].code, "status", "dimension 1 named after its list");
	is_str(t.fields[3].code, "exploitation", "dimension 2");
	is_str(t.fields[4].code, "sex", "dimension 3");
	is_str(t.fields[5].code, "age", "dimension 4");
	is_str(t.fields[6].code, "count", "and the count last");
	for (int i = 2; i < 6; i++)
		flags_ok &= t.fields[i].type == FT_CODE && t.fields[i].list == VICTIMS_DIMS[i - 2] &&
			    t.fields[i].flags == (FF_REQUIRED | FF_KEY) &&
			    t.fields[i].max == REC_CODE_MAX &&
			    t.fields[i].off == offsetof(record, u.count.dims[i - 2]);
	ok(flags_ok, "each dimension: a code of its list, required, in the key, at dims[i]");
	ok(strcmp(t.fields[2].sql, "dim1") == 0 && strcmp(t.fields[5].sql, "dim4") == 0,
	   "SQL columns dim1..dim4");
	is_str(t.fields[2].fr, "Statut", "dimension label as given");
	is_str(t.fields[3].fr, "exploitation", "no label: the list's name");
	is_str(t.fields[4].en, "sex", "no English label: the list's name");
	is_str(t.fields[5].en, "Age", "English label as given");
	ok(kind_field(&t.k, "table") == NULL, "the table is not a field people fill in");

	table_desc_make(&u, "victims-origin", NULL, NULL, 2, origin, NULL, NULL);
	is_int(u.k.nfields, 5, "two dimensions: 5 fields");
	is_str(u.k.fr, "victims-origin", "no title: the code");
	is_str(u.fields[3].code, "country", "a list of the questionnaire as dimension 2");
	ok(u.fields[3].list == &COUNTRY && strcmp(u.fields[3].sql, "dim2") == 0,
	   "its list and column");
	table_desc_make(&u, "x", NULL, NULL, 0, origin, NULL, NULL);
	is_int(u.k.nfields, 4, "0 dimensions asked: clamped to 1");
	table_desc_make(&u, "x", NULL, NULL, 9, VICTIMS_DIMS, NULL, NULL);
	is_int(u.k.nfields, 7, "9 dimensions asked: clamped to 4");

	memset(&r, 0xA5, sizeof r);
	table_record_blank(&t, &r);
	ok(r.kind == REC_COUNT && r.deleted == 0 && r.version == 0 && all_zero(r.id, 16),
	   "a blank count: kind count, no id, no version");
	is_str(r.u.count.table, "victims", "of the table");
	is_int(r.u.count.ndims, 4, "with as many codes as dimensions");
	ok(r.u.count.period[0] == 0 && r.u.count.dims[0][0] == 0 && r.u.count.dims[3][0] == 0 &&
	   r.u.count.count == 0, "and nothing else set");
	table_record_blank(&u, &r);
	ok(r.u.count.ndims == 4 && strcmp(r.u.count.table, "x") == 0, "x: 4 codes");
	table_desc_make(&u, "victims-origin", NULL, NULL, 2, origin, NULL, NULL);
	memset(&r, 0xA5, sizeof r);
	table_record_blank(&u, &r);
	ok(r.u.count.ndims == 2 && all_zero(r.u.count.dims, sizeof r.u.count.dims),
	   "victims-origin: 2 codes, every slot empty");
}

/* ------------------------------------------------------------------ */
/* Reading values as people type them                                  */

/* field_parse() of text into a copy of *r must fail with reason and
 * leave the record unchanged; err->field is the field's code. */
static void parse_refused(const record *r, const field_desc *f, const char *text, int reason,
			  const char *value, const char *name)
{
	record c = *r;
	fmt_error e;
	int rc;

	memset(&e, 0, sizeof e);
	rc = field_parse(&c, f, text, &e);
	if (!ok(rc == FMT_E_FIELD && e.code == FMT_E_FIELD && e.reason == reason &&
		strcmp(e.field, f->code) == 0 && memcmp(&c, r, sizeof c) == 0 &&
		(!value || strcmp(e.value, value) == 0), "refused: %s", name))
		diag("rc %d reason %d (want %d) field \"%s\" value \"%s\" detail \"%s\"", rc,
		     e.reason, reason, e.field, e.value, e.detail);
}

static void test_parse_codes(void)
{
	const enum_table *origin[] = { &ENUM_STATUS, &COUNTRY };
	const kind_desc *c = kind_desc_of(REC_COUNT);
	const field_desc *table = kind_field(c, "table");
	table_desc t, o;
	record r, want = sample_count();
	char long_code[64];
	fmt_error e;
	int rc;

	table_desc_make(&t, "victims", NULL, NULL, 4, VICTIMS_DIMS, NULL, NULL);
	table_desc_make(&o, "victims-origin", NULL, NULL, 2, origin, NULL, NULL);

	/* A whole count, typed as people type it. */
	table_record_blank(&t, &r);
	r.version = 1;
	r.recorded_at = T2026;
	rc = field_parse(&r, kind_field(&t.k, "period"), "2026-t1", &e) |
	     field_parse(&r, kind_field(&t.k, "dept"), " 93 ", &e) |
	     field_parse(&r, kind_field(&t.k, "status"), "SUPPORTED", &e) |
	     field_parse(&r, kind_field(&t.k, "exploitation"), " Sexual\t", &e) |
	     field_parse(&r, kind_field(&t.k, "sex"), "F", &e) |
	     field_parse(&r, kind_field(&t.k, "age"), "adult", &e) |
	     field_parse(&r, kind_field(&t.k, "count"), "12", &e);
	is_int(rc, FMT_OK, "every field of a victims count parses");
	ok(memcmp(&r, &want, sizeof r) == 0, "to the sample count, codes in the list's spelling");
	is_int(record_validate(&r, &e), FMT_OK, "which validates");

	/* A list of the questionnaire, codes in capitals. */
	table_record_blank(&o, &r);
	ok(field_parse(&r, kind_field(&o.k, "country"), "ng", &e) == FMT_OK &&
	   strcmp(r.u.count.dims[1], "NG") == 0, "\"ng\" is stored as the list spells it: NG");
	ok(field_parse(&r, kind_field(&o.k, "country"), "Unknown", &e) == FMT_OK &&
	   strcmp(r.u.count.dims[1], "unknown") == 0, "\"Unknown\" stored as \"unknown\"");

	table_record_blank(&o, &r);
	strcpy(r.u.count.dims[1], "FR");
	parse_refused(&r, kind_field(&o.k, "country"), "Narnia", FMT_R_UNKNOWN, "Narnia",
		      "a value not in the list");
	parse_refused(&r, kind_field(&o.k, "country"), " ZZ ", FMT_R_UNKNOWN, " ZZ ",
		      "another value not in the list, quoted as given");
	ok(field_parse(&r, kind_field(&o.k, "country"), "N G", &e) == FMT_OK &&
	   strcmp(r.u.count.dims[1], "NG") == 0, "blanks and hyphens are no part of a value: "
	   "\"N G\" is NG");
	ok(field_parse(&r, kind_field(&o.k, "country"), "roumanie", &e) == FMT_OK &&
	   strcmp(r.u.count.dims[1], "RO") == 0, "a value by its French label");
	strcpy(r.u.count.dims[1], "FR");
	parse_refused(&r, kind_field(&o.k, "country"), "N\"G", FMT_R_UNKNOWN, "N\\x22G",
		      "a quote, shown escaped in err->value");
	memset(&e, 0, sizeof e);
	field_parse(&r, kind_field(&o.k, "country"), "Roumania", &e);
	is_str(e.suggest, "Roumanie", "the closest value of a questionnaire list offered");
	parse_refused(&r, kind_field(&o.k, "country"), "", FMT_R_REQUIRED, NULL, "empty");
	parse_refused(&r, kind_field(&o.k, "country"), " \t ", FMT_R_REQUIRED, NULL, "blank");
	parse_refused(&r, kind_field(&o.k, "country"), NULL, FMT_R_REQUIRED, NULL, "NULL");
	parse_refused(&r, kind_field(&o.k, "status"), "support", FMT_R_UNKNOWN, "support",
		      "a built-in list: support is not supported");
	memset(&e, 0, sizeof e);
	field_parse(&r, kind_field(&o.k, "country"), "Narnia", &e);
	is_str(e.detail, "field country: \"Narnia\" refused", "detail names field and value");
	is_str(fmt_error_bare(&e), "\"Narnia\" refused", "bare detail");

	/* No list: any well-formed code, kept as typed. */
	r = sample_count();
	ok(field_parse(&r, table, " Victims-Origin_2 ", &e) == FMT_OK &&
	   strcmp(r.u.count.table, "Victims-Origin_2") == 0, "a table code: trimmed, case kept");
	memset(long_code, 'a', 32);
	long_code[32] = '\0';
	ok(field_parse(&r, table, long_code, &e) == FMT_OK && strlen(r.u.count.table) == 32,
	   "a code of 32 bytes");
	long_code[32] = 'a';
	long_code[33] = '\0';
	parse_refused(&r, table, long_code, FMT_R_CODE, NULL, "a code of 33 bytes");
	memset(long_code, 'a', 63);
	long_code[63] = '\0';
	parse_refused(&r, table, long_code, FMT_R_CODE, NULL, "a code of 63 bytes");
	parse_refused(&r, table, "vict ms", FMT_R_CODE, "vict ms", "a blank inside a table code");
	parse_refused(&r, table, "victimes\xc3\xa9", FMT_R_CODE, NULL, "a letter with an accent");
	parse_refused(&r, table, "_x", FMT_R_CODE, NULL, "'_' first");
	parse_refused(&r, table, "a|b", FMT_R_CODE, NULL, "'|' (the key separator)");
	parse_refused(&r, table, "a,b", FMT_R_CODE, NULL, "',' (the list separator)");
	parse_refused(&r, table, "", FMT_R_REQUIRED, NULL, "an empty table code");
}

/* ------------------------------------------------------------------ */
/* Validation of one field                                             */

static void test_validate_codes(void)
{
	const kind_desc *c = kind_desc_of(REC_COUNT);
	table_desc t;
	record r = sample_count();
	fmt_error e;

	table_desc_make(&t, "victims", NULL, NULL, 4, VICTIMS_DIMS, NULL, NULL);
	is_int(field_validate(&r, kind_field(&t.k, "status"), &e), FMT_OK,
	       "supported is a status");
	strcpy(r.u.count.dims[0], "Supported");
	is_int(field_validate(&r, kind_field(c, "dims"), &e), FMT_OK,
	       "the record alone checks the spelling only");
	is_int(record_validate(&r, &e), FMT_OK, "so the record validates");
	memset(&e, 0, sizeof e);
	is_int(field_validate(&r, kind_field(&t.k, "status"), &e), FMT_E_FIELD,
	       "the table's field knows its list: Supported is not in it");
	ok(e.reason == FMT_R_UNKNOWN && strcmp(e.field, "status") == 0 &&
	   strcmp(e.detail, "field status: unknown value \"Supported\"") == 0,
	   "FMT_R_UNKNOWN on field status: %s", e.detail);
	strcpy(r.u.count.dims[0], "sup ported");
	memset(&e, 0, sizeof e);
	is_int(field_validate(&r, kind_field(c, "dims"), &e), FMT_E_FIELD, "a blank in a code");
	ok(e.reason == FMT_R_CODE && strcmp(e.field, "dims") == 0,
	   "FMT_R_CODE on field dims: %s", e.detail);
	r.u.count.dims[0][0] = '\0';
	memset(&e, 0, sizeof e);
	is_int(field_validate(&r, kind_field(c, "dims"), &e), FMT_E_FIELD, "an empty code");
	is_int(e.reason, FMT_R_REQUIRED, "FMT_R_REQUIRED");
	r = sample_count();
	r.u.count.ndims = 0;
	memset(&e, 0, sizeof e);
	field_validate(&r, kind_field(c, "dims"), &e);
	ok(e.reason == FMT_R_RANGE && strcmp(e.detail, "field dims: 0 codes (must be 1 to 4)") == 0,
	   "no code: FMT_R_RANGE, %s", e.detail);
	r = sample_count();
	memset(r.u.count.table, 'a', sizeof r.u.count.table);
	memset(&e, 0, sizeof e);
	field_validate(&r, kind_field(c, "table"), &e);
	ok(e.reason == FMT_R_TOO_LONG && strcmp(e.field, "table") == 0,
	   "a table code filling its array: FMT_R_TOO_LONG");
}

/* ------------------------------------------------------------------ */
/* Writing values                                                      */

static void test_text_and_show(void)
{
	const enum_table *origin[] = { &ENUM_STATUS, &COUNTRY };
	const kind_desc *c = kind_desc_of(REC_COUNT);
	static const char *const want_text[] = { "victims", "2026-Q1", "93",
						 "supported,sexual,f,adult", "12" };
	record r = sample_count();
	table_desc t, o;
	char buf[256], small[16];
	int i;

	for (i = 0; i < c->nfields; i++) {
		field_text(&r, &c->fields[i], buf, sizeof buf);
		is_str(buf, want_text[i], "field_text of a count's %s", c->fields[i].code);
	}
	for (i = 0; i < c->nfields; i++)
		ok(field_given(&r, &c->fields[i]), "a count's %s is always given",
		   c->fields[i].code);
	field_show(&r, kind_field(c, "dims"), 0, buf, sizeof buf);
	is_str(buf, "supported,sexual,f,adult", "field_show of the generic dims: the codes");
	field_show(&r, kind_field(c, "table"), 1, buf, sizeof buf);
	is_str(buf, "victims", "field_show of the table: its code");
	field_text(&r, kind_field(c, "dims"), small, 8);
	is_str(small, "support", "field_text cut to its buffer");
	is_int(field_number(&r, kind_field(c, "count")), 12, "field_number of the count");
	is_int(field_number(&r, kind_field(c, "table")), REC_NONE, "field_number of a code");

	table_desc_make(&t, "victims", NULL, NULL, 4, VICTIMS_DIMS, NULL, NULL);
	field_text(&r, kind_field(&t.k, "exploitation"), buf, sizeof buf);
	is_str(buf, "sexual", "field_text of a dimension: its code");
	field_show(&r, kind_field(&t.k, "status"), 0, buf, sizeof buf);
	is_str(buf, ENUM_STATUS.items[1].fr, "field_show in French: the value's French label");
	field_show(&r, kind_field(&t.k, "status"), 1, buf, sizeof buf);
	is_str(buf, ENUM_STATUS.items[1].en, "in English: its English label");
	field_show(&r, kind_field(&t.k, "age"), 0, buf, sizeof buf);
	is_str(buf, "majeur·e", "age adult in French");
	field_show(&r, kind_field(&t.k, "dept"), 0, buf, sizeof buf);
	is_str(buf, "93 Seine-Saint-Denis", "the département with its name");
	field_show(&r, kind_field(&t.k, "count"), 0, buf, sizeof buf);
	is_str(buf, "12", "the count");
	field_show(&r, kind_field(&t.k, "period"), 0, buf, sizeof buf);
	is_str(buf, "2026-Q1", "the period");
	field_show(&r, kind_field(&t.k, "age"), 0, small, 5);
	is_str(small, "maje", "field_show cut to its buffer");
	field_show(&r, kind_field(&t.k, "age"), 0, small, 8);
	is_str(small, "majeur", "cut inside a two-byte character: dropped whole");
	field_show(&r, kind_field(&t.k, "age"), 0, small, 9);
	is_str(small, "majeur·", "a buffer that holds it: kept");

	/* A code no longer (or not yet) in the list: shown as it is. */
	strcpy(r.u.count.dims[0], "referred");
	field_show(&r, kind_field(&t.k, "status"), 0, buf, sizeof buf);
	is_str(buf, "referred", "a code the list lacks is shown as its code");

	/* A value of the questionnaire without an English label. */
	table_desc_make(&o, "victims-origin", NULL, NULL, 2, origin, NULL, NULL);
	r = sample_count();
	strcpy(r.u.count.table, "victims-origin");
	r.u.count.ndims = 2;
	strcpy(r.u.count.dims[1], "RO");
	memset(r.u.count.dims[2], 0, sizeof r.u.count.dims[2]);
	memset(r.u.count.dims[3], 0, sizeof r.u.count.dims[3]);
	field_show(&r, kind_field(&o.k, "country"), 1, buf, sizeof buf);
	is_str(buf, "Romania", "country RO in English");
	field_show(&r, kind_field(&o.k, "country"), 0, buf, sizeof buf);
	is_str(buf, "Roumanie", "and in French");
	strcpy(r.u.count.dims[1], "XK");
	field_show(&r, kind_field(&o.k, "country"), 1, buf, sizeof buf);
	is_str(buf, "Kosovo", "no English label: the French one");
	field_text(&r, kind_field(c, "dims"), buf, sizeof buf);
	is_str(buf, "supported,XK", "field_text of two codes");
}

/* ------------------------------------------------------------------ */
/* The natural key                                                     */

static void test_natkey(void)
{
	record a = sample_count(), b;
	char ka[NATKEY_CAP], kb[NATKEY_CAP];

	record_natkey(&a, ka);
	is_str(ka, "victims|2026-Q1|93|supported|sexual|f|adult",
	       "a count's key: table, period, dept, then each code");

	/* The longest key is kept whole: codes that differ only in their
	 * last byte give two keys. */
	for (int i = 0; i < REC_DIMS_MAX; i++)
		memset(a.u.count.dims[i], 'a' + i, REC_CODE_MAX);
	memset(a.u.count.table, 't', REC_CODE_MAX);
	strcpy(a.u.count.period, "2026-Q1");
	a.u.count.dept = (uint8_t)dept_find("971");
	b = a;
	b.u.count.dims[3][REC_CODE_MAX - 1] = 'z';
	ok(record_validate(&a, NULL) == FMT_OK && record_validate(&b, NULL) == FMT_OK,
	   "two counts with codes of 32 bytes");
	record_natkey(&a, ka);
	record_natkey(&b, kb);
	is_int(strlen(ka), REC_CODE_MAX + 1 + 7 + 1 + 3 + REC_DIMS_MAX * (1 + REC_CODE_MAX),
	       "the longest key is whole: %zu bytes", strlen(ka));
	ok(strcmp(ka, kb) != 0, "codes differing in their last byte: two keys");
	ok(strncmp(ka, "tttttttttttttttttttttttttttttttt|2026-Q1|971|aaaa", 49) == 0 &&
	   strstr(ka, "a|bbbb") && strstr(ka, "b|cccc") && strstr(ka, "c|dddd"),
	   "and it starts as it should: %.60s", ka);

	/* Kinds without a natural key. */
	record_blank(&a, REC_ACTION);
	record_natkey(&a, ka);
	is_str(ka, "", "an action has no natural key");
	record_blank(&a, REC_TRAINING);
	record_natkey(&a, ka);
	is_str(ka, "", "nor a training");
	a.kind = 0;
	record_natkey(&a, ka);
	is_str(ka, "", "nor an unknown kind");
}

/* ------------------------------------------------------------------ */
/* The SQL columns of a set of codes                                   */

static void test_db_columns(void)
{
	const kind_desc *c = kind_desc_of(REC_COUNT);
	const field_desc *dims = kind_field(c, "dims"), *table = kind_field(c, "table");
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	record r = sample_count();
	char name[32];
	int rc;

	is_int(db_field_columns(dims), REC_DIMS_MAX, "dims: one column per possible code");
	is_int(db_field_columns(table), 1, "table: one column");
	db_field_column(dims, 0, name);
	is_str(name, "dim1", "first column dim1");
	db_field_column(dims, 3, name);
	is_str(name, "dim4", "last column dim4");
	db_field_column(table, 0, name);
	is_str(name, "table", "the table's column");
	is_str(db_field_type(dims), "TEXT", "codes are TEXT");

	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT ?1, ?2, ?3, ?4, ?5", -1, &st, NULL) != SQLITE_OK) {
		ok(0, "in-memory database");
		sqlite3_close(db);
		return;
	}
	r.u.count.ndims = 2;
	r.u.count.dims[2][0] = r.u.count.dims[3][0] = '\0';
	rc = db_bind_field(st, 1, &r, dims);
	is_int(rc, SQLITE_OK, "two codes bound to four columns");
	rc = db_bind_field(st, 5, &r, table);
	ok(rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW &&
	   strcmp((const char *)sqlite3_column_text(st, 0), "supported") == 0 &&
	   strcmp((const char *)sqlite3_column_text(st, 1), "sexual") == 0 &&
	   sqlite3_column_type(st, 2) == SQLITE_NULL && sqlite3_column_type(st, 3) == SQLITE_NULL &&
	   strcmp((const char *)sqlite3_column_text(st, 4), "victims") == 0,
	   "dim1 dim2 hold the codes, dim3 dim4 NULL, then the table");
	sqlite3_finalize(st);
	sqlite3_close(db);
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	test_kinds();
	test_table_desc();
	test_parse_codes();
	test_validate_codes();
	test_text_and_show();
	test_natkey();
	test_db_columns();
	return done_testing();
}
