/*
 * fields.c - reading, checking and showing the fields of records, in the
 * words field workers use (fields.h).
 *
 * Every value typed by a person goes through field_set(): on a flag, in
 * an interactive answer, in a CSV cell.  It is checked here, at the
 * boundary, with a French message that names the field and says what is
 * allowed; record_check() then runs the library's full validation as the
 * last word, so that nothing the format would refuse is ever stored.
 *
 * Accepted spellings beyond the canonical ones, because they are what
 * people and French spreadsheets actually write: "2a" for 2A, codes in
 * any letter case, dates as JJ/MM/AAAA, quarters as 2026-T3, hours as
 * 3,5 or 2h30.  Each is stored in its one canonical form.
 */
#include "fields.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

#define AT(r, f, type) ((type *)((char *)(r) + (f)->off))
#define AT_C(r, f, type) ((const type *)((const char *)(r) + (f)->off))

static const field_def org_fields[] = {
	{ "name", F_TEXT, NULL, 1, 1, REC_NAME_MAX, "Nom de l'organisation",
	  offsetof(record, u.org.name) },
	{ "kind", F_ENUM, &ENUM_ORG_KIND, 1, 0, 0, "Type de structure",
	  offsetof(record, u.org.kind) },
	{ "dept", F_DEPTS, NULL, 1, 0, 0, "Départements d'intervention",
	  offsetof(record, u.org) },
	{ "email", F_TEXT, NULL, 0, 0, REC_TEXT_MAX, "E-mail de la structure",
	  offsetof(record, u.org.email) },
	{ "phone", F_TEXT, NULL, 0, 0, REC_TEXT_MAX, "Téléphone",
	  offsetof(record, u.org.phone) },
	{ "website", F_TEXT, NULL, 0, 0, REC_TEXT_MAX, "Site web",
	  offsetof(record, u.org.website) },
	{ "national-id", F_TEXT, NULL, 0, 0, REC_TEXT_MAX, "SIREN ou RNA",
	  offsetof(record, u.org.national_id) },
};

static const field_def action_fields[] = {
	{ "dept", F_DEPT, NULL, 1, 0, 0, "Département", offsetof(record, u.action.dept) },
	{ "type", F_ENUM, &ENUM_ACTION_TYPE, 1, 0, 0, "Type d'action",
	  offsetof(record, u.action.type) },
	{ "start", F_DATE, NULL, 1, 0, 0, "Date de début", offsetof(record, u.action.start) },
	{ "end", F_DATE, NULL, 0, 0, 0, "Date de fin", offsetof(record, u.action.end) },
	{ "public", F_SET, &ENUM_PUBLIC, 0, 0, 0, "Publics touchés",
	  offsetof(record, u.action.publics) },
	{ "exploitation", F_SET, &ENUM_EXPLOITATION, 0, 0, 0, "Formes d'exploitation",
	  offsetof(record, u.action.exploitation) },
	{ "people", F_INT, NULL, 0, 0, REC_NUMBER_MAX, "Personnes touchées",
	  offsetof(record, u.action.people) },
	{ "partners", F_TEXT, NULL, 0, 0, REC_TEXT_MAX, "Partenaires",
	  offsetof(record, u.action.partners) },
	{ "note", F_NOTE, NULL, 0, 0, REC_NOTE_MAX, "Note", offsetof(record, u.action.note) },
};

static const field_def support_fields[] = {
	{ "period", F_PERIOD, NULL, 1, 0, 0, "Période", offsetof(record, u.support.period) },
	{ "dept", F_DEPT, NULL, 1, 0, 0, "Département", offsetof(record, u.support.dept) },
	{ "status", F_ENUM, &ENUM_STATUS, 1, 0, 0, "Statut des victimes",
	  offsetof(record, u.support.status) },
	{ "exploitation", F_ENUM, &ENUM_EXPLOITATION, 1, 0, 0, "Forme d'exploitation",
	  offsetof(record, u.support.exploitation) },
	{ "sex", F_ENUM, &ENUM_SEX, 1, 0, 0, "Sexe", offsetof(record, u.support.sex) },
	{ "age", F_ENUM, &ENUM_AGE, 1, 0, 0, "Âge", offsetof(record, u.support.age) },
	{ "count", F_INT, NULL, 1, 0, REC_COUNT_MAX, "Nombre de victimes",
	  offsetof(record, u.support.count) },
};

static const field_def training_fields[] = {
	{ "date", F_DATE, NULL, 1, 0, 0, "Date", offsetof(record, u.training.date) },
	{ "dept", F_DEPT, NULL, 1, 0, 0, "Département", offsetof(record, u.training.dept) },
	{ "audience", F_SET, &ENUM_AUDIENCE, 1, 0, 0, "Publics formés",
	  offsetof(record, u.training.audiences) },
	{ "participants", F_INT, NULL, 1, 1, REC_NUMBER_MAX, "Participant·es",
	  offsetof(record, u.training.participants) },
	{ "hours", F_HOURS, NULL, 0, 0, 0, "Durée", offsetof(record, u.training.minutes) },
	{ "exploitation", F_SET, &ENUM_EXPLOITATION, 0, 0, 0, "Formes d'exploitation abordées",
	  offsetof(record, u.training.exploitation) },
	{ "note", F_NOTE, NULL, 0, 0, REC_NOTE_MAX, "Note", offsetof(record, u.training.note) },
};

#define COUNT(a) ((int)(sizeof a / sizeof a[0]))

int kind_from_name(const char *name)
{
	if (!name)
		return 0;
	if (strcmp(name, "action") == 0 || strcmp(name, "actions") == 0)
		return REC_ACTION;
	if (strcmp(name, "support") == 0)
		return REC_SUPPORT;
	if (strcmp(name, "training") == 0 || strcmp(name, "trainings") == 0)
		return REC_TRAINING;
	if (strcmp(name, "organisation") == 0 || strcmp(name, "organization") == 0 ||
	    strcmp(name, "org") == 0)
		return REC_ORG;
	return 0;
}

const char *kind_french(int kind, int plural)
{
	switch (kind) {
	case REC_ORG:      return plural ? "profils d'organisation" : "profil de l'organisation";
	case REC_ACTION:   return plural ? "actions" : "action";
	case REC_SUPPORT:  return plural ? "comptages de victimes" : "comptage de victimes";
	case REC_TRAINING: return plural ? "formations" : "formation";
	}
	return "?";
}

const field_def *fields_of(int kind, int *n)
{
	switch (kind) {
	case REC_ORG:      *n = COUNT(org_fields); return org_fields;
	case REC_ACTION:   *n = COUNT(action_fields); return action_fields;
	case REC_SUPPORT:  *n = COUNT(support_fields); return support_fields;
	case REC_TRAINING: *n = COUNT(training_fields); return training_fields;
	}
	*n = 0;
	return NULL;
}

const field_def *field_find(int kind, const char *name)
{
	int i, n;
	const field_def *fs = fields_of(kind, &n);

	for (i = 0; i < n; i++)
		if (strcmp(fs[i].name, name) == 0)
			return &fs[i];
	return NULL;
}

void record_blank(record *r, int kind)
{
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	if (kind == REC_ACTION)
		r->u.action.people = REC_NONE;
	else if (kind == REC_TRAINING)
		r->u.training.minutes = REC_NONE;
}

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

static void lower_ascii(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

static void dept_refusal(const field_def *f, const char *v, char *msg, size_t cap)
{
	snprintf(msg, cap, "champ %s : code de département inconnu « %s » (codes INSEE : "
		 "01…95, 2A, 2B, 971…974, 976%s)", f->name, esc(v),
		 strcmp(v, "20") == 0 ? " ; la Corse est 2A ou 2B" : "");
}

/* One element of a comma-separated list: [*p, end) without blanks. */
static const char *next_item(const char **p, char *item, size_t cap, int *too_long)
{
	const char *s = *p, *e;
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s;
	while (*e && *e != ',')
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
	return item;
}

static int set_enum(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char code[64], allowed[1024];
	int i = -1;

	if (trimmed(v, code, sizeof code)) {
		lower_ascii(code);
		i = enum_find(f->table, code);
	}
	if (i < 0) {
		enum_describe(f->table, allowed, sizeof allowed);
		snprintf(msg, cap, "champ %s : valeur inconnue « %s » (valeurs possibles : %s)",
			 f->name, esc(v), allowed);
		return -1;
	}
	*AT(r, f, uint8_t) = (uint8_t)i;
	return 0;
}

static int set_set(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char item[64], allowed[1024];
	const char *p = v;
	uint32_t mask = 0;
	int i, too_long;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p) {
		next_item(&p, item, sizeof item, &too_long);
		lower_ascii(item);
		i = too_long || !item[0] ? -1 : enum_find(f->table, item);
		if (i < 0) {
			enum_describe(f->table, allowed, sizeof allowed);
			if (!item[0])
				snprintf(msg, cap, "champ %s : valeur vide dans la liste « %s » "
					 "(valeurs séparées par des virgules : %s)",
					 f->name, esc(v), allowed);
			else
				snprintf(msg, cap, "champ %s : valeur inconnue « %s » "
					 "(valeurs possibles, séparées par des virgules : %s)",
					 f->name, esc(item), allowed);
			return -1;
		}
		mask |= (uint32_t)1 << i;
	}
	if (f->required && !mask) {
		snprintf(msg, cap, "champ %s : au moins une valeur est obligatoire", f->name);
		return -1;
	}
	*AT(r, f, uint32_t) = mask;
	return 0;
}

static int set_depts(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	uint8_t seen[DEPT_COUNT] = { 0 };
	char item[16];
	const char *p = v;
	rec_org *o = &r->u.org;
	int i, too_long, n = 0;

	while (*p) {
		next_item(&p, item, sizeof item, &too_long);
		i = too_long ? -1 : dept_find(item);
		if (i < 0) {
			dept_refusal(f, item, msg, cap);
			return -1;
		}
		seen[i] = 1;
	}
	/* The record keeps them in table order, without repeats. */
	for (i = 0; i < DEPT_COUNT; i++)
		if (seen[i])
			o->depts[n++] = (uint8_t)i;
	if (n == 0) {
		snprintf(msg, cap, "champ %s : au moins un département est obligatoire", f->name);
		return -1;
	}
	o->ndepts = (uint8_t)n;
	return 0;
}

/* "15/03/2026" -> "2026-03-15"; anything else is left to date_parse. */
static void french_date(const char *v, char *out, size_t cap)
{
	if (strlen(v) == 10 && v[2] == '/' && v[5] == '/')
		snprintf(out, cap, "%.4s-%.2s-%.2s", v + 6, v + 3, v);
	else
		snprintf(out, cap, "%s", v);
}

static int set_date(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char t[32], iso[32];
	fmt_error err = { 0 };
	uint32_t d;

	if (!trimmed(v, t, sizeof t))
		t[0] = '?', t[1] = '\0';
	french_date(t, iso, sizeof iso);
	if (date_parse(iso, &d, &err) != FMT_OK) {
		const char *why = err.reason == FMT_R_DATE_YEAR ?
			"l'année doit être entre 2000 et 2099" :
			err.reason == FMT_R_DATE_CALENDAR ? "ce jour n'existe pas" :
			"format AAAA-MM-JJ, par exemple 2026-03-15";
		snprintf(msg, cap, "champ %s : date invalide « %s » (%s)", f->name, esc(v), why);
		return -1;
	}
	*AT(r, f, uint32_t) = d;
	return 0;
}

static int set_period(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char t[16];

	if (trimmed(v, t, sizeof t)) {
		/* "2026-T3": a quarter is a trimestre in French. */
		if (strlen(t) == 7 && t[4] == '-' && (t[5] == 'T' || t[5] == 't'))
			t[5] = 'Q';
		if (period_parse(t, AT(r, f, char), NULL) == FMT_OK)
			return 0;
	}
	snprintf(msg, cap, "champ %s : période invalide « %s » (une année : 2026, "
		 "un trimestre : 2026-Q3 ou un mois : 2026-05 ; années 2000 à 2099)",
		 f->name, esc(v));
	return -1;
}

static int set_int(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char t[32];
	unsigned long n = 0;
	size_t i;

	if (!trimmed(v, t, sizeof t) || !t[0] || strlen(t) > 9)
		goto bad;
	for (i = 0; t[i]; i++) {
		if (t[i] < '0' || t[i] > '9')
			goto bad;
		n = n * 10 + (unsigned long)(t[i] - '0');
	}
	if (n < f->min || n > f->max)
		goto bad;
	*AT(r, f, uint32_t) = (uint32_t)n;
	return 0;
bad:
	snprintf(msg, cap, "champ %s : nombre invalide « %s » (nombre entier de %u à %u)",
		 f->name, esc(v), f->min, f->max);
	return -1;
}

/* "3", "3.5", "3,5" (hours, up to 4 decimals) or "2h30", "2h" -> minutes,
 * rounded to the nearest minute. */
static int parse_hours(const char *t, unsigned long *minutes)
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

static int set_hours(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	char t[32];
	unsigned long minutes;

	if (!trimmed(v, t, sizeof t) || parse_hours(t, &minutes) != 0 || minutes < 1 ||
	    minutes > REC_MINUTES_MAX) {
		snprintf(msg, cap, "champ %s : durée invalide « %s » (en heures, par exemple 3, "
			 "3.5 ou 2h30 ; au moins une minute, au plus %u heures)",
			 f->name, esc(v), REC_MINUTES_MAX / 60);
		return -1;
	}
	*AT(r, f, uint32_t) = (uint32_t)minutes;
	return 0;
}

static int set_text(record *r, const field_def *f, const char *v, char *msg, size_t cap)
{
	size_t len = strlen(v);

	if (len > f->max) {
		snprintf(msg, cap, "champ %s : texte trop long (%zu octets, %u au plus)",
			 f->name, len, f->max);
		return -1;
	}
	if (!text_valid(v, len, f->type == F_NOTE)) {
		snprintf(msg, cap, "champ %s : caractère de contrôle%s ou texte mal encodé "
			 "(le texte doit être en UTF-8 ; enregistrez le tableur en « CSV UTF-8 »)",
			 f->name, f->type == F_NOTE ? "" : ", retour à la ligne");
		return -1;
	}
	if (f->min && len < f->min) {
		snprintf(msg, cap, "champ %s : ne peut pas être vide", f->name);
		return -1;
	}
	memcpy(AT(r, f, char), v, len + 1);
	return 0;
}

/* Whether v is empty once its blanks are removed. */
static int blank(const char *v)
{
	for (; *v; v++)
		if (*v != ' ' && *v != '\t')
			return 0;
	return 1;
}

/* Clears optional field f: the record's "not given". */
static void clear_field(record *r, const field_def *f)
{
	switch (f->type) {
	case F_INT:
	case F_HOURS:
		*AT(r, f, uint32_t) = REC_NONE;
		break;
	case F_DATE:
	case F_SET:
		*AT(r, f, uint32_t) = 0;
		break;
	case F_TEXT:
	case F_NOTE:
		AT(r, f, char)[0] = '\0';
		break;
	default:
		break;
	}
}

int field_set(record *r, const field_def *f, const char *value, char *msg, size_t cap)
{
	if (!value)
		value = "";
	if (blank(value) && f->type != F_NOTE && f->type != F_TEXT) {
		if (f->required) {
			snprintf(msg, cap, "champ %s : valeur obligatoire", f->name);
			return -1;
		}
		clear_field(r, f);
		return 0;
	}
	switch (f->type) {
	case F_DEPT: {
		char t[16];
		int i = trimmed(value, t, sizeof t) ? dept_find(t) : -1;

		if (i < 0) {
			dept_refusal(f, value, msg, cap);
			return -1;
		}
		*AT(r, f, uint8_t) = (uint8_t)i;
		return 0;
	}
	case F_DEPTS:  return set_depts(r, f, value, msg, cap);
	case F_ENUM:   return set_enum(r, f, value, msg, cap);
	case F_SET:    return set_set(r, f, value, msg, cap);
	case F_DATE:   return set_date(r, f, value, msg, cap);
	case F_PERIOD: return set_period(r, f, value, msg, cap);
	case F_INT:    return set_int(r, f, value, msg, cap);
	case F_HOURS:  return set_hours(r, f, value, msg, cap);
	case F_TEXT:
	case F_NOTE:
		if (f->required && blank(value)) {
			snprintf(msg, cap, "champ %s : valeur obligatoire", f->name);
			return -1;
		}
		return set_text(r, f, value, msg, cap);
	}
	snprintf(msg, cap, "champ %s : type de champ inconnu", f->name);
	return -1;
}

int field_given(const record *r, const field_def *f)
{
	switch (f->type) {
	case F_INT:
	case F_HOURS:
		return *AT_C(r, f, uint32_t) != REC_NONE;
	case F_DATE:
	case F_SET:
		return f->required || *AT_C(r, f, uint32_t) != 0;
	case F_TEXT:
	case F_NOTE:
		return AT_C(r, f, char)[0] != '\0';
	default:
		return 1;
	}
}

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

/* The department codes of o joined by sep ("75,93" to be read back, "75, 93"
 * to be shown) into the caller's buf, NUL-terminated and truncated to cap.
 * Cannot fail. */
static void depts_join(const rec_org *o, const char *sep, char *buf, size_t cap)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < o->ndepts && n < cap; i++) {
		int w = snprintf(buf + n, cap - n, "%s%s", i ? sep : "",
				 DEPTS[o->depts[i] % DEPT_COUNT].code);
		if (w < 0)
			break;
		n += (size_t)w;
	}
}

void field_get(const record *r, const field_def *f, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (!field_given(r, f))
		return;
	switch (f->type) {
	case F_DEPT:
		snprintf(buf, cap, "%s", DEPTS[*AT_C(r, f, uint8_t) % DEPT_COUNT].code);
		break;
	case F_DEPTS:
		depts_join(&r->u.org, ",", buf, cap);
		break;
	case F_ENUM: {
		uint8_t i = *AT_C(r, f, uint8_t);

		snprintf(buf, cap, "%s", i < f->table->count ? f->table->items[i].code : "?");
		break;
	}
	case F_SET:
		enum_format_set(f->table, *AT_C(r, f, uint32_t), buf, (int)cap);
		break;
	case F_DATE: {
		char d[11];

		date_format(*AT_C(r, f, uint32_t), d);
		snprintf(buf, cap, "%s", d);
		break;
	}
	case F_PERIOD:
	case F_TEXT:
	case F_NOTE:
		snprintf(buf, cap, "%s", AT_C(r, f, char));
		break;
	case F_INT:
		snprintf(buf, cap, "%u", *AT_C(r, f, uint32_t));
		break;
	case F_HOURS:
		hours_text(*AT_C(r, f, uint32_t), buf, cap);
		break;
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

void field_show(const record *r, const field_def *f, char *buf, size_t cap)
{
	buf[0] = '\0';
	if (!field_given(r, f))
		return;
	switch (f->type) {
	case F_DEPT: {
		const dept_info *d = &DEPTS[*AT_C(r, f, uint8_t) % DEPT_COUNT];

		snprintf(buf, cap, "%s %s", d->code, d->name);
		break;
	}
	case F_DEPTS:
		depts_join(&r->u.org, ", ", buf, cap);
		break;
	case F_ENUM: {
		uint8_t i = *AT_C(r, f, uint8_t);

		snprintf(buf, cap, "%s", i < f->table->count ? f->table->items[i].fr : "?");
		break;
	}
	case F_SET: {
		uint32_t m = *AT_C(r, f, uint32_t);
		size_t n = 0;
		int i, first = 1;

		for (i = 0; i < f->table->count && n < cap; i++) {
			int w;

			if (!(m & ((uint32_t)1 << i)))
				continue;
			w = snprintf(buf + n, cap - n, "%s%s", first ? "" : " ; ",
				     f->table->items[i].fr);
			if (w < 0)
				break;
			n += (size_t)w;
			first = 0;
		}
		break;
	}
	case F_DATE: {
		uint32_t d = *AT_C(r, f, uint32_t);

		snprintf(buf, cap, "%02u/%02u/%04u", d % 100, d / 100 % 100, d / 10000);
		break;
	}
	case F_HOURS: {
		uint32_t m = *AT_C(r, f, uint32_t);

		if (m % 60)
			snprintf(buf, cap, "%u h %02u", m / 60, m % 60);
		else
			snprintf(buf, cap, "%u h", m / 60);
		break;
	}
	default:
		field_get(r, f, buf, cap);
	}
	utf8_trim_end(buf);
}

int record_check(const record *r, char *msg, size_t cap)
{
	fmt_error err = { 0 };
	const field_def *f = NULL;
	char name[32], value[256];
	const char *d, *colon;

	if (record_validate(r, &err) == FMT_OK)
		return 0;
	d = err.detail;
	if (strncmp(d, "field ", 6) == 0 && (colon = strchr(d, ':')) &&
	    (size_t)(colon - d - 6) < sizeof name) {
		snprintf(name, sizeof name, "%.*s", (int)(colon - d - 6), d + 6);
		f = field_find(r->kind, name);
	}
	if (f) {
		field_get(r, f, value, sizeof value);
		if (strcmp(f->name, "end") == 0) {
			char s[16];

			field_show(r, field_find(r->kind, "start"), s, sizeof s);
			field_show(r, f, value, sizeof value);
			snprintf(msg, cap, "champ end : la date de fin (%s) précède la date de "
				 "début (%s)", value, s);
			return -1;
		}
		if (strcmp(f->name, "email") == 0) {
			snprintf(msg, cap, "champ email : adresse e-mail invalide « %s » "
				 "(une seule @ avec du texte de chaque côté, sans espace)",
				 esc(value));
			return -1;
		}
		if (strcmp(f->name, "phone") == 0) {
			snprintf(msg, cap, "champ phone : numéro invalide « %s » (chiffres, "
				 "espaces et + . - ( ), au moins 6 chiffres)", esc(value));
			return -1;
		}
		if (strcmp(f->name, "website") == 0) {
			snprintf(msg, cap, "champ website : adresse invalide « %s » (sans espace)",
				 esc(value));
			return -1;
		}
		if (strcmp(f->name, "national-id") == 0) {
			snprintf(msg, cap, "champ national-id : « %s » n'est ni un SIREN "
				 "(9 chiffres) ni un numéro RNA (W suivi de 9 chiffres)",
				 esc(value));
			return -1;
		}
		if (strcmp(f->name, "name") == 0 && !r->u.org.name[0]) {
			snprintf(msg, cap, "champ name : le nom ne peut pas être vide");
			return -1;
		}
	}
	french_error(&err, msg, cap);
	return -1;
}

void support_natkey(const rec_support *s, char buf[NATKEY_CAP])
{
	snprintf(buf, NATKEY_CAP, "%s|%s|%s|%s|%s|%s", s->period,
		 DEPTS[s->dept % DEPT_COUNT].code,
		 s->status < ENUM_STATUS.count ? ENUM_STATUS.items[s->status].code : "?",
		 s->exploitation < ENUM_EXPLOITATION.count ?
			ENUM_EXPLOITATION.items[s->exploitation].code : "?",
		 s->sex < ENUM_SEX.count ? ENUM_SEX.items[s->sex].code : "?",
		 s->age < ENUM_AGE.count ? ENUM_AGE.items[s->age].code : "?");
}
