/*
 * model.c - the descriptors of every field of every record kind, and the
 * checks and text conversions that loop over them (model.h).
 *
 * Adding a field to a built-in kind is one line in a table below and one
 * member in its struct (record.h): validation, the wire, the merger's
 * columns, CSV, JSON, flags and menus follow.  The order of each table is
 * the order on the wire (docs/FORMAT.md, Part II) and never changes for a
 * published format version.
 *
 * Accepted spellings beyond the canonical ones, because they are what
 * people and French spreadsheets actually write: codes in any letter case
 * and the French labels of values, without regard to case, accents or
 * hyphens (enum_match), départements by name and "1" for 01 (dept_match),
 * dates as 15/03/2026 or 15 mars 2026 (date_read), periods as mars 2026 or
 * T3 2026 (period_read), hours as 3,5 or 2h30.  Each is stored in its one
 * canonical form: files carry codes.
 */
#include "model.h"

#include <stdio.h>
#include <string.h>

#include "value_priv.h"

#define AT(r, f, type) ((type *)(void *)((char *)(r) + (f)->off))
#define AT_C(r, f, type) ((const type *)(const void *)((const char *)(r) + (f)->off))
#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

/* FT_DEPTS points at rec_org.ndepts, and the indexes follow it. */
_Static_assert(offsetof(rec_org, depts) == offsetof(rec_org, ndepts) + 1,
	       "a département set is its count followed by its indexes");

/* FT_CODES points at rec_count.ndims, and the codes follow it. */
_Static_assert(offsetof(rec_count, dims) == offsetof(rec_count, ndims) + 1,
	       "a set of codes is its count followed by the codes");
#define CODE_CAP (REC_CODE_MAX + 1)
_Static_assert(REC_DIMS_MAX <= 9, "dimension columns are dim1 to dim9");

#define TEXT(code, sql, member, cap, flags, check, fr, en) \
	{ code, sql, FT_TEXT, offsetof(record, member), NULL, 0, cap, flags, check, fr, en }

static const field_desc org_fields[] = {
	TEXT("name", "name", u.org.name, REC_NAME_MAX, FF_REQUIRED, FC_NONE,
	     "Nom de l'organisation", "Name of the organisation"),
	{ "kind", "kind", FT_ENUM, offsetof(record, u.org.kind), &ENUM_ORG_KIND, 0, 0,
	  FF_REQUIRED, FC_NONE, "Type de structure", "Kind of organisation" },
	{ "dept", "dept", FT_DEPTS, offsetof(record, u.org.ndepts), NULL, 1, DEPT_COUNT,
	  FF_REQUIRED, FC_NONE, "Départements d'intervention", "Départements of intervention" },
	TEXT("email", "email", u.org.email, REC_TEXT_MAX, 0, FC_EMAIL,
	     "E-mail de la structure", "E-mail"),
	TEXT("phone", "phone", u.org.phone, REC_TEXT_MAX, 0, FC_PHONE,
	     "Téléphone", "Telephone"),
	TEXT("website", "website", u.org.website, REC_TEXT_MAX, 0, FC_WEBSITE,
	     "Site web", "Website"),
	TEXT("national-id", "national_id", u.org.national_id, REC_TEXT_MAX, 0, FC_NATIONAL_ID,
	     "SIREN ou RNA", "SIREN or RNA number"),
};

static const field_desc action_fields[] = {
	{ "dept", "dept", FT_DEPT, offsetof(record, u.action.dept), NULL, 0, 0, FF_REQUIRED,
	  FC_NONE, "Département", "Département" },
	{ "type", "type", FT_ENUM, offsetof(record, u.action.type), &ENUM_ACTION_TYPE, 0, 0,
	  FF_REQUIRED, FC_NONE, "Type d'action", "Type of action" },
	{ "start", "start", FT_DATE, offsetof(record, u.action.start), NULL, 0, 0, FF_REQUIRED,
	  FC_NONE, "Date de début", "Start date" },
	{ "end", "end", FT_DATE, offsetof(record, u.action.end), NULL, 0, 0, 0,
	  FC_NOT_BEFORE, "Date de fin", "End date" },
	{ "public", "public", FT_SET, offsetof(record, u.action.publics), &ENUM_PUBLIC, 0, 0, 0,
	  FC_NONE, "Publics touchés", "Publics reached" },
	{ "exploitation", "exploitation", FT_SET, offsetof(record, u.action.exploitation),
	  &ENUM_EXPLOITATION, 0, 0, 0, FC_NONE, "Formes d'exploitation",
	  "Forms of exploitation" },
	{ "people", "people", FT_NUMBER, offsetof(record, u.action.people), NULL, 0,
	  REC_NUMBER_MAX, 0, FC_NONE, "Personnes touchées", "People reached" },
	TEXT("partners", "partners", u.action.partners, REC_TEXT_MAX, 0, FC_NONE,
	     "Partenaires", "Partners"),
	{ "note", "note", FT_NOTE, offsetof(record, u.action.note), NULL, 0, REC_NOTE_MAX, 0,
	  FC_NONE, "Note", "Note" },
};

/* The wire form of every count, whatever its table: which codes a table
 * allows is the questionnaire's to say (table_desc_make). */
static const field_desc count_fields[] = {
	{ "table", "table", FT_CODE, offsetof(record, u.count.table), NULL, 0, REC_CODE_MAX,
	  FF_REQUIRED | FF_KEY, FC_NONE, "Tableau", "Table" },
	{ "period", "period", FT_PERIOD, offsetof(record, u.count.period), NULL, 0, 0,
	  FF_REQUIRED | FF_KEY, FC_NONE, "Période", "Period" },
	{ "dept", "dept", FT_DEPT, offsetof(record, u.count.dept), NULL, 0, 0,
	  FF_REQUIRED | FF_KEY, FC_NONE, "Département", "Département" },
	{ "dims", "dim", FT_CODES, offsetof(record, u.count.ndims), NULL, 1, REC_DIMS_MAX,
	  FF_REQUIRED | FF_KEY, FC_NONE, "Valeurs des dimensions", "Dimension values" },
	{ "count", "count", FT_NUMBER, offsetof(record, u.count.count), NULL, 0,
	  REC_COUNT_MAX, FF_REQUIRED, FC_NONE, "Nombre", "Number" },
};

static const field_desc training_fields[] = {
	{ "date", "date", FT_DATE, offsetof(record, u.training.date), NULL, 0, 0, FF_REQUIRED,
	  FC_NONE, "Date", "Date" },
	{ "dept", "dept", FT_DEPT, offsetof(record, u.training.dept), NULL, 0, 0, FF_REQUIRED,
	  FC_NONE, "Département", "Département" },
	{ "audience", "audience", FT_SET, offsetof(record, u.training.audiences),
	  &ENUM_AUDIENCE, 1, 0, FF_REQUIRED, FC_NONE, "Publics formés", "Audiences trained" },
	{ "participants", "participants", FT_NUMBER, offsetof(record, u.training.participants),
	  NULL, 1, REC_NUMBER_MAX, FF_REQUIRED, FC_NONE, "Participant·es", "Participants" },
	/* The flag is --hours; the record keeps minutes so that 1h30 is exact. */
	{ "hours", "hours", FT_HOURS, offsetof(record, u.training.minutes), NULL, 1,
	  REC_MINUTES_MAX, 0, FC_NONE, "Durée", "Duration" },
	{ "exploitation", "exploitation", FT_SET, offsetof(record, u.training.exploitation),
	  &ENUM_EXPLOITATION, 0, 0, 0, FC_NONE, "Formes d'exploitation abordées",
	  "Forms of exploitation covered" },
	{ "note", "note", FT_NOTE, offsetof(record, u.training.note), NULL, 0, REC_NOTE_MAX, 0,
	  FC_NONE, "Note", "Note" },
};

static const kind_desc kinds[] = {
	{ REC_ORG, "organisation", "profile", "profil de l'organisation",
	  "profils d'organisation", "organisation profile", "organisation profiles",
	  org_fields, COUNT(org_fields) },
	{ REC_ACTION, "action", "action", "action", "actions", "action", "actions",
	  action_fields, COUNT(action_fields) },
	{ REC_COUNT, "count", "count", "comptage", "comptages", "count", "counts",
	  count_fields, COUNT(count_fields) },
	{ REC_TRAINING, "training", "training", "formation", "formations", "training",
	  "trainings", training_fields, COUNT(training_fields) },
};

const kind_desc *kind_desc_of(int kind)
{
	for (int i = 0; i < COUNT(kinds); i++)
		if (kinds[i].kind == kind)
			return &kinds[i];
	return NULL;
}

const kind_desc *kind_desc_find(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "org") == 0)
		return kind_desc_of(REC_ORG);
	for (int i = 0; i < COUNT(kinds); i++)
		if (strcmp(kinds[i].code, name) == 0)
			return &kinds[i];
	return NULL;
}

void table_desc_make(table_desc *t, const char *code, const char *fr, const char *en,
		     int ndims, const enum_table *const dims[],
		     const char *const dim_fr[], const char *const dim_en[])
{
	const kind_desc *c = kind_desc_of(REC_COUNT);
	int n = 0;

	memset(t, 0, sizeof *t);
	snprintf(t->code, sizeof t->code, "%s", code);
	if (ndims < 1)
		ndims = 1;
	if (ndims > REC_DIMS_MAX)
		ndims = REC_DIMS_MAX;
	t->fields[n++] = *kind_field(c, "period");
	t->fields[n++] = *kind_field(c, "dept");
	for (int i = 0; i < ndims; i++) {
		field_desc *f = &t->fields[n++];

		t->sql[i][0] = 'd';
		t->sql[i][1] = 'i';
		t->sql[i][2] = 'm';
		t->sql[i][3] = (char)('1' + i);        /* i < REC_DIMS_MAX <= 9 */
		t->sql[i][4] = '\0';
		f->code = dims[i]->name;
		f->sql = t->sql[i];
		f->type = FT_CODE;
		f->off = offsetof(record, u.count.dims[i]);
		f->list = dims[i];
		f->max = REC_CODE_MAX;
		f->flags = FF_REQUIRED | FF_KEY;
		f->fr = dim_fr && dim_fr[i] ? dim_fr[i] : dims[i]->name;
		f->en = dim_en && dim_en[i] ? dim_en[i] : dims[i]->name;
	}
	t->fields[n++] = *kind_field(c, "count");
	t->k = *c;
	t->k.code = t->code;
	t->k.fr = t->k.fr_plural = fr ? fr : t->code;
	t->k.en = t->k.en_plural = en ? en : t->code;
	t->k.fields = t->fields;
	t->k.nfields = n;
}

void table_record_blank(const table_desc *t, record *r)
{
	record_blank(r, REC_COUNT);
	snprintf(r->u.count.table, sizeof r->u.count.table, "%s", t->code);
	r->u.count.ndims = (uint8_t)(t->k.nfields - 3);
}

const field_desc *kind_field(const kind_desc *k, const char *code)
{
	for (int i = 0; k && code && i < k->nfields; i++)
		if (strcmp(k->fields[i].code, code) == 0)
			return &k->fields[i];
	return NULL;
}

/* Optional numbers hold REC_NONE when not given; everything else is 0. */
static void clear_field(record *r, const field_desc *f)
{
	switch (f->type) {
	case FT_NUMBER:
	case FT_HOURS:
		*AT(r, f, uint32_t) = REC_NONE;
		break;
	case FT_DATE:
	case FT_SET:
		*AT(r, f, uint32_t) = 0;
		break;
	case FT_TEXT:
	case FT_NOTE:
		AT(r, f, char)[0] = '\0';
		break;
	default:
		break;
	}
}

void record_blank(record *r, int kind)
{
	const kind_desc *k = kind_desc_of(kind);

	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	for (int i = 0; k && i < k->nfields; i++)
		if (!(k->fields[i].flags & FF_REQUIRED))
			clear_field(r, &k->fields[i]);
}

int field_given(const record *r, const field_desc *f)
{
	switch (f->type) {
	case FT_NUMBER:
	case FT_HOURS:
		return *AT_C(r, f, uint32_t) != REC_NONE;
	case FT_DATE:
	case FT_SET:
		return (f->flags & FF_REQUIRED) || *AT_C(r, f, uint32_t) != 0;
	case FT_TEXT:
	case FT_NOTE:
		return AT_C(r, f, char)[0] != '\0';
	default:
		return 1;
	}
}

uint32_t field_number(const record *r, const field_desc *f)
{
	if ((f->type != FT_NUMBER && f->type != FT_HOURS && f->type != FT_DATE) ||
	    !field_given(r, f))
		return REC_NONE;
	return *AT_C(r, f, uint32_t);
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

static int check_text(const field_desc *f, const char *s, fmt_error *err)
{
	size_t cap = f->max + 1, n = strnlen(s, cap), at;
	const char *why;

	if (n == cap)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TOO_LONG, f->code,
				      "not terminated");
	why = text_check(s, n, f->type == FT_NOTE, &at);
	if (why)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, f->code, "%s at byte %zu",
				      why, at + 1);
	if (!n && (f->flags & FF_REQUIRED))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code, "empty");
	return FMT_OK;
}

/* One '@' with something on both sides, and nothing that could not be in
 * an address as typed: no blank, no control.  Not RFC 5322: enough to
 * catch a phone number or a name typed in the wrong field. */
static int check_email(const field_desc *f, const char *s, fmt_error *err)
{
	const char *at;

	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= 0x20)
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_EMAIL, f->code,
					      "blank or control character");
	at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_EMAIL, f->code,
				      "expected one '@' with text on both sides");
	return FMT_OK;
}

/* Digits, blanks and + . - ( ): the ways French numbers are written
 * ("01 23 45 67 89", "+33 (0)1 23.45.67.89"); at least six digits. */
static int check_phone(const field_desc *f, const char *s, fmt_error *err)
{
	int digits = 0;

	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +.-()", *p))
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PHONE, f->code,
					      "only digits, spaces and + . - ( ) allowed");
	}
	if (digits < 6)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PHONE, f->code,
				      "fewer than 6 digits");
	return FMT_OK;
}

/* SIREN: 9 digits.  RNA (registered associations): W and 9 digits. */
static int check_national_id(const field_desc *f, const char *s, fmt_error *err)
{
	size_t n = strlen(s);

	if ((n == 9 && all_digits(s, 9)) || (n == 10 && s[0] == 'W' && all_digits(s + 1, 9)))
		return FMT_OK;
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_NATIONAL_ID, f->code,
			      "expected a SIREN (9 digits) or an RNA number (W and 9 digits)");
}

static int check_text_field(const record *r, const field_desc *f, fmt_error *err)
{
	const char *s = AT_C(r, f, char);
	int rc = check_text(f, s, err);

	if (rc || !*s)
		return rc;
	switch (f->check) {
	case FC_EMAIL:
		return check_email(f, s, err);
	case FC_PHONE:
		return check_phone(f, s, err);
	case FC_WEBSITE:
		if (strpbrk(s, " \t"))
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_WEBSITE, f->code,
					      "blank in an address");
		return FMT_OK;
	case FC_NATIONAL_ID:
		return check_national_id(f, s, err);
	default:
		return FMT_OK;
	}
}

static int check_list_value(const field_desc *f, unsigned v, fmt_error *err)
{
	char allowed[256];

	if (v < (unsigned)f->list->count)
		return FMT_OK;
	enum_list_codes(f->list, allowed, sizeof allowed);
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, f->code,
			      "unknown value %u (allowed: %s)", v, allowed);
}

static int check_depts(const record *r, const field_desc *f, fmt_error *err)
{
	const uint8_t *n = AT_C(r, f, uint8_t), *d = n + 1;

	if (*n < f->min || *n > f->max)
		return fmt_fail_field(err, FMT_E_FIELD,
				      *n ? FMT_R_RANGE : FMT_R_REQUIRED, f->code,
				      "%u départements (must be %u to %u)", *n,
				      (unsigned)f->min, (unsigned)f->max);
	for (int i = 0; i < *n; i++) {
		if (d[i] >= DEPT_COUNT)
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, f->code,
					      "no département with index %u", d[i]);
		if (i > 0 && d[i] <= d[i - 1])
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_ORDER, f->code,
					      "\"%s\" after \"%s\": départements must be "
					      "listed once each, in table order",
					      DEPTS[d[i]].code, DEPTS[d[i - 1]].code);
	}
	return FMT_OK;
}

/* A code held in a char[CODE_CAP]: its spelling, and with a list, that it
 * is one of the list's values. */
static int check_code(const field_desc *f, const char *s, fmt_error *err)
{
	size_t n = strnlen(s, CODE_CAP);
	char shown[48];

	if (n == CODE_CAP)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TOO_LONG, f->code,
				      "not terminated");
	if (code_valid(s, n) && (!f->list || enum_find(f->list, s) >= 0))
		return FMT_OK;
	/* Shown only when refused: every code of every merged count passes
	 * here. */
	text_show(s, n, shown, sizeof shown);
	if (!code_valid(s, n))
		return fmt_fail_field(err, FMT_E_FIELD, n ? FMT_R_CODE : FMT_R_REQUIRED, f->code,
				      "\"%s\" is not a code (1 to %d letters, digits, - or _)",
				      shown, REC_CODE_MAX);
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, f->code,
			      "unknown value \"%s\"", shown);
}

static int check_codes(const record *r, const field_desc *f, fmt_error *err)
{
	const uint8_t *n = AT_C(r, f, uint8_t);
	const char *codes = (const char *)(n + 1);
	int rc;

	if (*n < f->min || *n > f->max)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
				      "%u codes (must be %u to %u)", *n, (unsigned)f->min,
				      (unsigned)f->max);
	for (int i = 0; i < *n; i++)
		if ((rc = check_code(f, codes + i * CODE_CAP, err)))
			return rc;
	/* Unused slots stay empty, so that equal records have equal bytes
	 * in memory as on the wire. */
	for (int i = *n; i < (int)f->max; i++)
		if (codes[i * CODE_CAP])
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
					      "code %d given beyond the %u declared", i + 1, *n);
	return FMT_OK;
}

int field_validate(const record *r, const field_desc *f, fmt_error *err)
{
	char shown[48], a[11], b[11];
	uint32_t v;

	switch (f->type) {
	case FT_TEXT:
	case FT_NOTE:
		return check_text_field(r, f, err);
	case FT_DEPT:
		if (*AT_C(r, f, uint8_t) < DEPT_COUNT)
			return FMT_OK;
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, f->code,
				      "no département with index %u", *AT_C(r, f, uint8_t));
	case FT_DEPTS:
		return check_depts(r, f, err);
	case FT_ENUM:
		return check_list_value(f, *AT_C(r, f, uint8_t), err);
	case FT_SET:
		v = *AT_C(r, f, uint32_t);
		if (v & ~enum_all_mask(f->list)) {
			char allowed[256];

			enum_list_codes(f->list, allowed, sizeof allowed);
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, f->code,
					      "unknown values in set 0x%08x (allowed: %s)",
					      (unsigned)v, allowed);
		}
		if (!v && f->min)
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code,
					      "at least one value required");
		return FMT_OK;
	case FT_DATE:
		v = *AT_C(r, f, uint32_t);
		if (v == 0 && !(f->flags & FF_REQUIRED))
			return FMT_OK;
		if (!date_valid(v))
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE, f->code,
					      "%u is not a date (yyyymmdd, 2000-01-01 to "
					      "2099-12-31)", (unsigned)v);
		if (f->check == FC_NOT_BEFORE && v < *AT_C(r, f - 1, uint32_t)) {
			date_format(v, a);
			date_format(*AT_C(r, f - 1, uint32_t), b);
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_ORDER, f->code,
					      "%s is before the %s %s", a, f[-1].code, b);
		}
		return FMT_OK;
	case FT_PERIOD:
		if (period_valid(AT_C(r, f, char)))
			return FMT_OK;
		text_show(AT_C(r, f, char), strnlen(AT_C(r, f, char), REC_PERIOD_MAX + 1),
			  shown, sizeof shown);
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PERIOD, f->code,
				      "\"%s\" is not a canonical period (2026, 2026-Q3 or "
				      "2026-05)", shown);
	case FT_NUMBER:
		v = *AT_C(r, f, uint32_t);
		if ((v == REC_NONE && !(f->flags & FF_REQUIRED)) || (v >= f->min && v <= f->max))
			return FMT_OK;
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
				      "%u outside %u..%u%s", (unsigned)v, (unsigned)f->min,
				      (unsigned)f->max,
				      f->flags & FF_REQUIRED ? "" : " (or not given)");
	case FT_HOURS:
		v = *AT_C(r, f, uint32_t);
		if ((v == REC_NONE && !(f->flags & FF_REQUIRED)) || (v >= f->min && v <= f->max))
			return FMT_OK;
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
				      "a duration of %u minutes is not between %u minute and "
				      "%u hours", (unsigned)v, (unsigned)f->min,
				      (unsigned)f->max / 60);
	case FT_CODE:
		return check_code(f, AT_C(r, f, char), err);
	case FT_CODES:
		return check_codes(r, f, err);
	}
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_NONE, f->code, "unknown field type");
}

/* ------------------------------------------------------------------ */
/* Text in                                                             */

/* value without its leading and trailing blanks, into buf; 0 when it
 * does not fit (such a value is wrong for every non-text field). */
static int trimmed(const char *value, char *buf, size_t cap)
{
	const char *s = value, *e;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	if (n >= cap)
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 1;
}

static int blank(const char *v)
{
	for (; *v; v++)
		if (*v != ' ' && *v != '\t')
			return 0;
	return 1;
}

/* The next element of a list separated by commas (or semicolons, as
 * sets are shown), without its blanks, into
 * item; *p moves past it.  *too_long when it did not fit. */
static void next_item(const char **p, char *item, size_t cap, int *too_long)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s;
	while (*e && *e != ',' && *e != ';')
		e++;
	*p = *e ? e + 1 : e;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	n = (size_t)(e - s);
	*too_long = n >= cap;
	if (*too_long)
		n = cap - 1;
	memcpy(item, s, n);
	item[n] = '\0';
}

static void utf8_trim_end(char *buf);

static int bad_value(const field_desc *f, int reason, const char *text, fmt_error *err)
{
	char shown[sizeof err->value];

	text_show(text, strlen(text), shown, sizeof shown);
	fmt_fail_field(err, FMT_E_FIELD, reason, f->code, "\"%s\" refused", shown);
	if (err)
		memcpy(err->value, shown, sizeof err->value);
	return FMT_E_FIELD;
}

/* A value refused as unknown, with the closest one (index sugg of the
 * field's list, or of the départements; -1 for none) for the programs to
 * offer. */
static int unknown_value(const field_desc *f, const char *text, int sugg, fmt_error *err)
{
	bad_value(f, FMT_R_UNKNOWN, text, err);
	if (!err || sugg < 0)
		return FMT_E_FIELD;
	if (f->type == FT_DEPT || f->type == FT_DEPTS)
		snprintf(err->suggest, sizeof err->suggest, "%s %s", DEPTS[sugg].code,
			 DEPTS[sugg].name);
	else
		snprintf(err->suggest, sizeof err->suggest, "%s", f->list->items[sugg].fr[0] ?
			 f->list->items[sugg].fr : f->list->items[sugg].code);
	utf8_trim_end(err->suggest);
	return FMT_E_FIELD;
}

static int parse_set(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	char item[128];
	const char *p = v;
	uint32_t mask = 0;
	int i, too_long, sugg = -1;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		next_item(&p, item, sizeof item, &too_long);
		if (!item[0])
			return bad_value(f, FMT_R_REQUIRED, item, err);
		i = too_long ? -1 : enum_match(f->list, item, &sugg);
		if (i < 0)
			return unknown_value(f, item, sugg, err);
		mask |= (uint32_t)1 << i;
	}
	if (!mask && f->min)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code,
				      "at least one value required");
	*AT(r, f, uint32_t) = mask;
	return FMT_OK;
}

static int parse_depts(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	uint8_t seen[DEPT_COUNT] = { 0 };
	uint8_t *n = AT(r, f, uint8_t), *d = n + 1;
	char item[128];
	const char *p = v;
	int i, too_long, count = 0, sugg = -1;

	while (*p) {
		next_item(&p, item, sizeof item, &too_long);
		i = too_long ? -1 : dept_match(item, &sugg);
		if (i < 0)
			return unknown_value(f, item, sugg, err);
		seen[i] = 1;
	}
	for (i = 0; i < DEPT_COUNT; i++)
		if (seen[i])
			count++;
	if (!count)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code,
				      "at least one département required");
	/* The record keeps them in table order, without repeats. */
	*n = (uint8_t)count;
	for (i = 0, count = 0; i < DEPT_COUNT; i++)
		if (seen[i])
			d[count++] = (uint8_t)i;
	return FMT_OK;
}

/* Dates and periods as people write them: date_read(), period_read(). */
static int parse_date(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	fmt_error sub;
	uint32_t d;

	if (date_read(v, &d, &sub) != FMT_OK)
		return bad_value(f, sub.reason ? sub.reason : FMT_R_DATE, v, err);
	*AT(r, f, uint32_t) = d;
	return FMT_OK;
}

static int parse_period(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	char t[48];
	fmt_error sub;

	if (trimmed(v, t, sizeof t) && period_read(t, AT(r, f, char), &sub) == FMT_OK)
		return FMT_OK;
	return bad_value(f, trimmed(v, t, sizeof t) && sub.reason ? sub.reason : FMT_R_PERIOD,
			 v, err);
}

static int parse_number(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	char t[32];
	unsigned long n = 0;

	if (!trimmed(v, t, sizeof t) || !t[0] || strlen(t) > 9)
		return bad_value(f, FMT_R_RANGE, v, err);
	for (size_t i = 0; t[i]; i++) {
		if (t[i] < '0' || t[i] > '9')
			return bad_value(f, FMT_R_RANGE, v, err);
		n = n * 10 + (unsigned long)(t[i] - '0');
	}
	if (n < f->min || n > f->max)
		return bad_value(f, FMT_R_RANGE, v, err);
	*AT(r, f, uint32_t) = (uint32_t)n;
	return FMT_OK;
}

/* "3", "3.5", "3,5" (hours, up to 4 decimals) or "2h30", "2h" -> minutes,
 * rounded to the nearest minute. */
static int hours_minutes(const char *t, unsigned long *minutes)
{
	unsigned long whole = 0, frac = 0, scale = 1, m;
	const char *p = t;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 6) {
		whole = whole * 10 + (unsigned long)(*p++ - '0');
		digits++;
	}
	if (*p == 'h' || *p == 'H') {
		p++;
		if (*p) {
			if (!(p[0] >= '0' && p[0] <= '5' && p[1] >= '0' && p[1] <= '9' && !p[2]))
				return -1;
			m = (unsigned long)(p[0] - '0') * 10 + (unsigned long)(p[1] - '0');
		} else {
			m = 0;
		}
		if (!digits)
			return -1;
		*minutes = whole * 60 + m;
		return 0;
	}
	if (*p == '.' || *p == ',') {
		p++;
		while (*p >= '0' && *p <= '9' && scale < 10000) {
			frac = frac * 10 + (unsigned long)(*p++ - '0');
			scale *= 10;
			digits++;
		}
	}
	if (*p || !digits)
		return -1;
	*minutes = whole * 60 + (frac * 60 + scale / 2) / scale;
	return 0;
}

static int parse_hours(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	char t[32];
	unsigned long minutes;

	if (!trimmed(v, t, sizeof t) || hours_minutes(t, &minutes) != 0 ||
	    minutes < f->min || minutes > f->max)
		return bad_value(f, FMT_R_RANGE, v, err);
	*AT(r, f, uint32_t) = (uint32_t)minutes;
	return FMT_OK;
}

/* A code: with a list, one of its values by its code or its label
 * (enum_match: the list's own spelling of the code is kept); without, any
 * well-formed code. */
static int parse_code(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	char t[128];
	int i, sugg = -1;

	if (f->list) {
		i = trimmed(v, t, sizeof t) ? enum_match(f->list, t, &sugg) : -1;
		if (i < 0)
			return unknown_value(f, v, sugg, err);
		snprintf(AT(r, f, char), CODE_CAP, "%s", f->list->items[i].code);
		return FMT_OK;
	}
	if (!trimmed(v, t, CODE_CAP + 1) || !code_valid(t, strlen(t)))
		return bad_value(f, FMT_R_CODE, v, err);
	memcpy(AT(r, f, char), t, strlen(t) + 1);    /* code_valid: fits CODE_CAP */
	return FMT_OK;
}

static int parse_text(record *r, const field_desc *f, const char *v, fmt_error *err)
{
	size_t len = strlen(v), at;

	if (len > f->max)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TOO_LONG, f->code,
				      "%zu bytes, more than %u", len, (unsigned)f->max);
	if (text_check(v, len, f->type == FT_NOTE, &at))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, f->code,
				      "control character, line break or invalid UTF-8 at byte "
				      "%zu", at + 1);
	if ((f->flags & FF_REQUIRED) && blank(v))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code, "empty");
	memcpy(AT(r, f, char), v, len + 1);
	return FMT_OK;
}

int field_parse(record *r, const field_desc *f, const char *text, fmt_error *err)
{
	int i, sugg = -1;

	if (!text)
		text = "";
	if (f->type == FT_TEXT || f->type == FT_NOTE)
		return parse_text(r, f, text, err);
	if (blank(text)) {
		if (f->flags & FF_REQUIRED)
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, f->code,
					      "a value is required");
		clear_field(r, f);
		return FMT_OK;
	}
	switch (f->type) {
	case FT_DEPT:
		i = dept_match(text, &sugg);
		if (i < 0)
			return unknown_value(f, text, sugg, err);
		*AT(r, f, uint8_t) = (uint8_t)i;
		return FMT_OK;
	case FT_DEPTS:
		return parse_depts(r, f, text, err);
	case FT_ENUM:
		i = enum_match(f->list, text, &sugg);
		if (i < 0)
			return unknown_value(f, text, sugg, err);
		*AT(r, f, uint8_t) = (uint8_t)i;
		return FMT_OK;
	case FT_SET:
		return parse_set(r, f, text, err);
	case FT_DATE:
		return parse_date(r, f, text, err);
	case FT_PERIOD:
		return parse_period(r, f, text, err);
	case FT_NUMBER:
		return parse_number(r, f, text, err);
	case FT_HOURS:
		return parse_hours(r, f, text, err);
	case FT_CODE:
		return parse_code(r, f, text, err);
	default:
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_NONE, f->code, "unknown field type");
	}
}

/* ------------------------------------------------------------------ */
/* Text out                                                            */

/* Minutes as hours the way they are typed back: "3", "3.5", "0.33". */
static void hours_text(uint32_t minutes, char *buf, size_t cap)
{
	char *p;

	if (minutes % 60 == 0) {
		snprintf(buf, cap, "%u", minutes / 60);
		return;
	}
	snprintf(buf, cap, "%.2f", minutes / 60.0);
	p = buf + strlen(buf);
	while (p > buf && p[-1] == '0')
		*--p = '\0';
}

/* The départements of a set joined by sep into buf, truncated to cap. */
static void depts_join(const record *r, const field_desc *f, const char *sep, char *buf,
		       size_t cap)
{
	const uint8_t *n = AT_C(r, f, uint8_t), *d = n + 1;
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < *n && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s%s", i ? sep : "",
				 DEPTS[d[i] % DEPT_COUNT].code);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The codes of an FT_CODES field joined by ','. */
static void codes_join(const record *r, const field_desc *f, char *buf, size_t cap)
{
	const uint8_t *n = AT_C(r, f, uint8_t);
	const char *codes = (const char *)(n + 1);
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < *n && i < REC_DIMS_MAX && used < cap; i++) {
		int w = snprintf(buf + used, cap - used, "%s%.*s", i ? "," : "", REC_CODE_MAX,
				 codes + i * CODE_CAP);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The labels (or codes) of a set's values joined by sep. */
static void set_join(const enum_table *t, uint32_t m, int en, char *buf, size_t cap)
{
	size_t used = 0;
	int first = 1;

	buf[0] = '\0';
	for (int i = 0; i < t->count && used < cap; i++) {
		int w;

		if (!(m & ((uint32_t)1 << i)))
			continue;
		w = snprintf(buf + used, cap - used, "%s%s", first ? "" : " ; ",
			     en ? t->items[i].en : t->items[i].fr);
		if (w < 0)
			break;
		used += (size_t)w;
		first = 0;
	}
}

/* Removes a UTF-8 sequence cut in two at the end of buf by a truncating
 * snprintf(). */
static void utf8_trim_end(char *buf)
{
	size_t n = strlen(buf), i = n, need;
	unsigned char c;

	while (i > 0 && ((unsigned char)buf[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return;
	c = (unsigned char)buf[i - 1];
	need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	if (n - (i - 1) < need)
		buf[i - 1] = '\0';
}

const char *field_text_static(const record *r, const field_desc *f)
{
	uint8_t i;

	switch (f->type) {
	case FT_DEPT:
		return DEPTS[*AT_C(r, f, uint8_t) % DEPT_COUNT].code;
	case FT_ENUM:
		i = *AT_C(r, f, uint8_t);
		return i < f->list->count ? f->list->items[i].code : "?";
	case FT_PERIOD:
	case FT_TEXT:
	case FT_NOTE:
	case FT_CODE:
		return AT_C(r, f, char);
	default:
		return NULL;
	}
}

void field_text(const record *r, const field_desc *f, char *buf, size_t cap)
{
	const char *text = field_text_static(r, f);
	char d[11];

	buf[0] = '\0';
	if (!field_given(r, f))
		return;
	if (text) {
		snprintf(buf, cap, "%s", text);
		return;
	}
	switch (f->type) {
	case FT_DEPTS:
		depts_join(r, f, ",", buf, cap);
		break;
	case FT_SET:
		enum_format_set(f->list, *AT_C(r, f, uint32_t), buf, (int)cap);
		break;
	case FT_DATE:
		date_format(*AT_C(r, f, uint32_t), d);
		snprintf(buf, cap, "%s", d);
		break;
	case FT_NUMBER:
		snprintf(buf, cap, "%u", *AT_C(r, f, uint32_t));
		break;
	case FT_HOURS:
		hours_text(*AT_C(r, f, uint32_t), buf, cap);
		break;
	case FT_CODES:
		codes_join(r, f, buf, cap);
		break;
	default:
		break;
	}
}

void field_show(const record *r, const field_desc *f, int en, char *buf, size_t cap)
{
	uint32_t v;
	uint8_t i;

	buf[0] = '\0';
	if (!field_given(r, f))
		return;
	switch (f->type) {
	case FT_DEPT: {
		const dept_info *d = &DEPTS[*AT_C(r, f, uint8_t) % DEPT_COUNT];

		snprintf(buf, cap, "%s %s", d->code, d->name);
		break;
	}
	case FT_DEPTS:
		depts_join(r, f, ", ", buf, cap);
		break;
	case FT_ENUM:
		i = *AT_C(r, f, uint8_t);
		snprintf(buf, cap, "%s", i >= f->list->count ? "?" :
			 en ? f->list->items[i].en : f->list->items[i].fr);
		break;
	case FT_SET:
		set_join(f->list, *AT_C(r, f, uint32_t), en, buf, cap);
		break;
	case FT_DATE:
		v = *AT_C(r, f, uint32_t);
		if (en)
			field_text(r, f, buf, cap);
		else
			snprintf(buf, cap, "%02u/%02u/%04u", v % 100, v / 100 % 100, v / 10000);
		break;
	case FT_HOURS:
		v = *AT_C(r, f, uint32_t);
		if (v % 60)
			snprintf(buf, cap, "%u h %02u", v / 60, v % 60);
		else
			snprintf(buf, cap, "%u h", v / 60);
		break;
	case FT_CODE: {
		int k = f->list ? enum_find(f->list, AT_C(r, f, char)) : -1;

		/* A list of the questionnaire may leave a value's English
		 * label empty: the French one is shown then. */
		if (k >= 0)
			snprintf(buf, cap, "%s", en && f->list->items[k].en[0] ?
				 f->list->items[k].en : f->list->items[k].fr);
		else
			field_text(r, f, buf, cap);
		break;
	}
	default:
		field_text(r, f, buf, cap);
	}
	utf8_trim_end(buf);
}

/* Appends part to the key in buf[0..NATKEY_CAP), after a '|' unless it
 * is the first; *used stops at the cap. */
static void natkey_add(char *buf, size_t *used, int first, const char *part, int len)
{
	int w;

	if (*used >= NATKEY_CAP - 1)
		return;
	w = snprintf(buf + *used, NATKEY_CAP - *used, "%s%.*s", first ? "" : "|", len, part);
	if (w > 0)
		*used += (size_t)w;
	if (*used > NATKEY_CAP - 1)
		*used = NATKEY_CAP - 1;
}

void record_natkey(const record *r, char buf[NATKEY_CAP])
{
	const kind_desc *k = kind_desc_of(r->kind);
	size_t used = 0;
	int first = 1;
	char v[48];

	buf[0] = '\0';
	for (int i = 0; k && i < k->nfields; i++) {
		const field_desc *f = &k->fields[i];

		if (!(f->flags & FF_KEY))
			continue;
		if (f->type == FT_CODES) {
			/* Each code a part: a code holds no '|' (code_valid). */
			const uint8_t *n = AT_C(r, f, uint8_t);

			for (int j = 0; j < *n && j < REC_DIMS_MAX; j++, first = 0)
				natkey_add(buf, &used, first, (const char *)(n + 1) + j * CODE_CAP,
					   REC_CODE_MAX);
			continue;
		}
		/* Every other key field's text is short: a code, a period, a
		 * département. */
		field_text(r, f, v, sizeof v);
		natkey_add(buf, &used, first, v, (int)sizeof v);
		first = 0;
	}
}
