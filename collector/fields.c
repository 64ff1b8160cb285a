/*
 * fields.c - French messages about the fields of records (fields.h).
 *
 * Every value typed by a person goes through field_set(): on a flag, in
 * an interactive answer, in a CSV cell.  format/'s field_parse() reads it
 * and says what is wrong as a reason; the message is worded here, naming
 * the field and what is allowed.  record_check() then runs the library's
 * full validation as the last word, so that nothing the format would
 * refuse is ever stored.
 */
#include "fields.h"

#include <stdio.h>
#include <string.h>

#include "collector.h"

int kind_from_name(const char *name)
{
	const kind_desc *k;

	if (name && strcmp(name, "actions") == 0)
		return REC_ACTION;
	if (name && strcmp(name, "trainings") == 0)
		return REC_TRAINING;
	if (name && strcmp(name, "organization") == 0)
		return REC_ORG;
	k = kind_desc_find(name);
	return k ? k->kind : 0;
}

const char *kind_french(int kind, int plural)
{
	return kind_label(kind_desc_of(kind), plural);
}

/* The model carries both languages' labels; a questionnaire may leave an
 * English one empty. */
static const char *label(const char *fr, const char *en)
{
	return shell_lang() == LANG_EN && en && en[0] ? en : fr;
}

const char *kind_label(const kind_desc *k, int plural)
{
	if (!k)
		return "?";
	return plural ? label(k->fr_plural, k->en_plural) : label(k->fr, k->en);
}

const char *field_label(const field_desc *f)
{
	return label(f->fr, f->en);
}

const char *value_label(const enum_item *it)
{
	return label(it->fr, it->en);
}

const field_desc *fields_of(int kind, int *n)
{
	const kind_desc *k = kind_desc_of(kind);

	*n = k ? k->nfields : 0;
	return k ? k->fields : NULL;
}

const field_desc *field_find(int kind, const char *code)
{
	return kind_field(kind_desc_of(kind), code);
}

/* How messages name field f: its label in the program's language, and
 * its code as the flag and the CSV column spell it: "Département (dept)",
 * "Period (period)". */
static const char *field_name(const field_desc *f, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s (%s)", field_label(f), f->code);
	return buf;
}

/* The French words for a value field_parse() refused. */
static void refusal(const field_desc *f, const fmt_error *e, const char *value, char *msg,
		    size_t cap)
{
	char allowed[1024], name[160];
	const char *N = field_name(f, name, sizeof name);

	if (e->reason == FMT_R_UNKNOWN && e->suggest[0]) {
		snprintf(msg, cap, _("%s : %s « %s » ; vouliez-vous dire « %s » ?"), N,
			 f->type == FT_DEPT || f->type == FT_DEPTS ? _("département inconnu") :
			 _("valeur inconnue"), esc(e->value), e->suggest);
		return;
	}

	switch (e->reason) {
	case FMT_R_REQUIRED:
		if (f->type == FT_SET && value && *value && e->value[0] == '\0') {
			enum_describe(f->list, allowed, sizeof allowed);
			snprintf(msg, cap, _("%s : valeur vide dans la liste « %s » (valeurs "
				 "séparées par des virgules : %s)"), N, esc(value), allowed);
		} else if (f->type == FT_SET) {
			snprintf(msg, cap, _("%s : au moins une valeur est obligatoire"), N);
		} else if (f->type == FT_DEPTS) {
			snprintf(msg, cap, _("%s : au moins un département est obligatoire"), N);
		} else {
			snprintf(msg, cap, _("%s : valeur obligatoire"), N);
		}
		return;
	case FMT_R_TOO_LONG:
		snprintf(msg, cap, _("%s : texte trop long (%zu octets, %u au plus)"), N,
			 strlen(value), (unsigned)f->max);
		return;
	case FMT_R_TEXT:
		snprintf(msg, cap, _("%s : caractère de contrôle%s ou texte mal encodé "
			 "(le texte doit être en UTF-8 ; enregistrez le tableur en « CSV UTF-8 »)"),
			 N, f->type == FT_NOTE ? "" : _(", retour à la ligne"));
		return;
	}
	switch (f->type) {
	case FT_DEPT:
	case FT_DEPTS:
		snprintf(msg, cap, _("%s : département inconnu « %s » (un code INSEE : "
			 "01…95, 2A, 2B, 971…974, 976%s, ou le nom du département)"), N, esc(e->value),
			 strcmp(e->value, "20") == 0 ? _(" ; la Corse est 2A ou 2B") : "");
		return;
	case FT_ENUM:
		enum_describe(f->list, allowed, sizeof allowed);
		snprintf(msg, cap, _("%s : valeur inconnue « %s » (valeurs possibles : %s)"),
			 N, esc(value), allowed);
		return;
	case FT_SET:
		enum_describe(f->list, allowed, sizeof allowed);
		snprintf(msg, cap, _("%s : valeur inconnue « %s » (valeurs possibles, "
			 "séparées par des virgules : %s)"), N, esc(e->value), allowed);
		return;
	case FT_DATE:
		snprintf(msg, cap, _("%s : date invalide « %s » (%s)"), N, esc(value),
			 e->reason == FMT_R_DATE_YEAR ? _("l'année doit être entre 2000 et 2099") :
			 e->reason == FMT_R_DATE_CALENDAR ? _("ce jour n'existe pas") :
			 _("par exemple 15/03/2026, 15 mars 2026 ou 2026-03-15"));
		return;
	case FT_PERIOD:
		snprintf(msg, cap, _("%s : période invalide « %s » (une année : 2026, "
			 "un trimestre : T3 2026 ou 2026-Q3, un mois : mars 2026, 03/2026 ou "
			 "2026-03 ; années 2000 à 2099)"),
			 N, esc(value));
		return;
	case FT_NUMBER:
		snprintf(msg, cap, _("%s : nombre invalide « %s » (nombre entier de %u à %u)"),
			 N, esc(value), (unsigned)f->min, (unsigned)f->max);
		return;
	case FT_CODE:
		if (f->list && f->list->count <= 20) {
			enum_describe(f->list, allowed, sizeof allowed);
			snprintf(msg, cap, _("%s : valeur inconnue « %s » (valeurs possibles : "
				 "%s)"), N, esc(value), allowed);
		} else {
			snprintf(msg, cap, _("%s : valeur inconnue « %s » (%d valeurs possibles : "
				 "voir collector tables)"), N, esc(value),
				 f->list ? f->list->count : 0);
		}
		return;
	case FT_HOURS:
		snprintf(msg, cap, _("%s : durée invalide « %s » (en heures, par exemple 3, "
			 "3.5 ou 2h30 ; au moins une minute, au plus %u heures)"),
			 N, esc(value), (unsigned)f->max / 60);
		return;
	default:
		error_words(e, msg, cap);
	}
}

int field_set(record *r, const field_desc *f, const char *value, char *msg, size_t cap)
{
	fmt_error e = { 0 };

	if (field_parse(r, f, value ? value : "", &e) == FMT_OK)
		return 0;
	refusal(f, &e, value ? value : "", msg, cap);
	return -1;
}

int record_check(const record *r, char *msg, size_t cap)
{
	fmt_error err = { 0 };
	const field_desc *f;
	char value[256], start[16], name[160];
	const char *N = "";

	if (record_validate(r, &err) == FMT_OK)
		return 0;
	f = field_find(r->kind, err.field);
	if (f) {
		field_text(r, f, value, sizeof value);
		N = field_name(f, name, sizeof name);
	}
	switch (f ? err.reason : FMT_R_NONE) {
	case FMT_R_ORDER:
		if (f->type != FT_DATE)
			break;
		field_show(r, f - 1, 0, start, sizeof start);
		field_show(r, f, 0, value, sizeof value);
		snprintf(msg, cap, _("%s : la date de fin (%s) précède la date de début (%s)"),
			 N, value, start);
		return -1;
	case FMT_R_EMAIL:
		snprintf(msg, cap, _("%s : adresse e-mail invalide « %s » (une seule @ avec "
			 "du texte de chaque côté, sans espace)"), N, esc(value));
		return -1;
	case FMT_R_PHONE:
		snprintf(msg, cap, _("%s : numéro invalide « %s » (chiffres, espaces et "
			 "+ . - ( ), au moins 6 chiffres)"), N, esc(value));
		return -1;
	case FMT_R_WEBSITE:
		snprintf(msg, cap, _("%s : adresse invalide « %s » (sans espace)"), N,
			 esc(value));
		return -1;
	case FMT_R_NATIONAL_ID:
		snprintf(msg, cap, _("%s : « %s » n'est ni un SIREN (9 chiffres) ni un "
			 "numéro RNA (W suivi de 9 chiffres)"), N, esc(value));
		return -1;
	case FMT_R_REQUIRED:
		if (f->type == FT_TEXT) {
			snprintf(msg, cap, _("%s : ne peut pas être vide"), N);
			return -1;
		}
		break;
	}
	error_words(&err, msg, cap);
	return -1;
}

/* Values longer than this are cut in the summary of a change. */
#define SHOWN_MAX 60

void say_stored(const kind_desc *k, const record *r, const char *participle,
		const char *extra)
{
	const kind_desc *base = kind_desc_of(r->kind);
	char line[2048], v[REC_NOTE_MAX + 64], *p;
	size_t used;
	int w;

	if (!base)
		return;
	w = snprintf(line, sizeof line, "%c%s %s%s%s :", base->fr[0] >= 'a' && base->fr[0] <= 'z' ?
		     base->fr[0] - 'a' + 'A' : base->fr[0], base->fr + 1, participle,
		     r->kind == REC_ACTION || r->kind == REC_TRAINING ? "e" : "", extra ? extra : "");
	used = w > 0 ? (size_t)w : 0;
	for (int i = 0; i < k->nfields && used < sizeof line; i++) {
		const field_desc *f = &k->fields[i];

		if (!field_given(r, f))
			continue;
		field_show(r, f, 0, v, sizeof v);
		/* A set is shown "a ; b": its values read better with commas
		 * between fields separated by semicolons. */
		while (f->type == FT_SET && (p = strstr(v, " ; ")) != NULL) {
			p[0] = ',';
			memmove(p + 1, p + 2, strlen(p + 2) + 1);
		}
		if (strlen(v) > SHOWN_MAX) {
			size_t cut = SHOWN_MAX;

			while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
				cut--;
			snprintf(v + cut, sizeof v - cut, "…");
		}
		w = snprintf(line + used, sizeof line - used, "%s %s : %s", used > 0 &&
			     line[used - 1] == ':' ? "" : " ;", f->fr,
			     f->type == FT_TEXT || f->type == FT_NOTE ? esc(v) : v);
		if (w < 0)
			break;
		used += (size_t)w;
	}
	msg("%s", line);
}
