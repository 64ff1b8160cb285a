/*
 * ui_pages.c - the pages of the collector's window (ui.h).
 *
 * Every form is drawn from the descriptors of format/model.h and from the
 * questionnaire's tables (catalogue.h): a select list for a code list,
 * checkboxes for a set, a date input for a date.  Every change goes
 * through the functions of the command line: records.c for saving,
 * deleting and counts (the natural-key rule of a count), and the commands
 * export, ack, import and template themselves, whose messages the page
 * shows.  Nothing here writes the store another way.
 *
 * The words are French, each through _() so that the page follows the
 * program's language (docs/TRANSLATION.md); the labels of kinds, fields,
 * tables and values come from the model and the questionnaire in that
 * language (kind_label(), field_label(), value_label()).
 *
 * Free text is HTML-escaped (out_html) wherever it is shown.
 */
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "catalogue.h"
#include "fields.h"
#include "fileio.h"
#include "records.h"
#include "store.h"
#include "textout.h"

#define HTML "text/html; charset=utf-8"

/* ---- the frame of every page ------------------------------------------------ */

static const struct {
	const char *path, *label;
} nav[] = {
	{ "/", N_("Accueil") },
	{ "/comptages", N_("Saisie des comptages") },
	{ "/actions", N_("Actions") },
	{ "/formations", N_("Formations") },
	{ "/organisation", N_("Organisation") },
	{ "/envoyer", N_("Envoyer") },
	{ "/accuses", N_("Accusés de réception") },
	{ "/importer", N_("Importer un tableur") },
};

/* The organisation's record into *org; 0 or -1 (message in the flash). */
static int read_org(ui *u, stored *org)
{
	fmt_error err = { 0 };
	store *s = NULL;
	int rc;

	rc = store_open(&s, u->ctx->db_path, &err);
	if (rc == FMT_OK && (rc = store_begin_read(s, &err)) == FMT_OK) {
		rc = store_org(s, org, &err);
		store_rollback(s);
	}
	store_close(s);
	if (rc != FMT_OK) {
		error_words(&err, u->flash, sizeof u->flash);
		u->flash_bad = 1;
		return -1;
	}
	return 0;
}

static void hidden_csrf(ui *u, FILE *f)
{
	fprintf(f, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", u->csrf);
}

static FILE *page_start(ui *u, ui_resp *r, const char *title, const char *active)
{
	FILE *f = open_memstream(&r->body, &r->len);
	stored *org = malloc(sizeof *org);

	if (!f) {
		free(org);
		return NULL;
	}
	r->type = HTML;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"csrf\" content=\"%s\">\n<title>", ui_lang(), u->csrf);
	ui_html(f, title);
	fputs(" — Maillage</title>\n<link rel=\"stylesheet\" href=\"/style.css\">\n"
	      "<script src=\"/app.js\" defer></script>\n</head><body>\n<header><nav>", f);
	if (org && read_org(u, org) == 0) {
		fputs("<span class=\"org\">", f);
		ui_html(f, org->rec.u.org.name);
		fputs("</span>", f);
	}
	free(org);
	for (size_t i = 0; i < sizeof nav / sizeof nav[0]; i++) {
		fprintf(f, "<a href=\"%s\"%s>%s</a>", nav[i].path,
			strcmp(nav[i].path, active) == 0 ? " aria-current=\"page\"" : "",
			tr(nav[i].label));
	}
	fputs("<form method=\"post\" action=\"/quitter\">", f);
	hidden_csrf(u, f);
	fprintf(f, "<button type=\"submit\">%s</button></form></nav></header>\n<main>\n<h1>",
		_("Quitter"));
	ui_html(f, title);
	fputs("</h1>\n", f);
	if (u->flash[0]) {
		fprintf(f, "<div class=\"flash%s\" role=\"status\">", u->flash_bad ? " bad" : "");
		ui_html(f, u->flash);
		fputs("</div>\n", f);
		u->flash[0] = '\0';
		u->flash_bad = 0;
	}
	return f;
}

static void page_end(FILE *f, ui_resp *r)
{
	fputs("</main>\n</body></html>\n", f);
	if (fclose(f) != 0) {
		free(r->body);
		r->body = NULL;
		r->len = 0;
		r->status = 500;
	}
}

static void flash(ui *u, int bad, const char *text)
{
	snprintf(u->flash, sizeof u->flash, "%s", text);
	u->flash_bad = bad;
}

/* What the last command said, as the flash of the next page. */
static void flash_said(ui *u, int rc)
{
	size_t n = strlen(u->said);

	while (n && u->said[n - 1] == '\n')
		u->said[--n] = '\0';
	flash(u, rc != 0, u->said[0] ? u->said : rc ? _("Échec.") : _("Fait."));
}

static void redirect(ui_resp *r, const char *to)
{
	snprintf(r->location, sizeof r->location, "%s", to);
}

static void not_found(ui *u, ui_resp *r)
{
	FILE *f;

	r->status = 404;
	flash(u, 1, _("Cette page n'existe pas dans la fenêtre de Maillage."));
	if ((f = page_start(u, r, _("Page introuvable"), "")))
		page_end(f, r);
}

/* Opens the store with a write transaction; on failure the reason is in
 * the flash.  0 or -1. */
static int begin_write(ui *u, store **s, fmt_error *err)
{
	if (store_open(s, u->ctx->db_path, err) == FMT_OK && store_begin(*s, err) == FMT_OK)
		return 0;
	error_words(err, u->flash, sizeof u->flash);
	u->flash_bad = 1;
	store_close(*s);
	*s = NULL;
	return -1;
}

/* ---- Accueil ------------------------------------------------------------------ */

/* The time of the latest change not yet acknowledged. */
static int latest_change(void *cls, const stored *sr, fmt_error *err)
{
	int64_t *latest = cls;

	if (sr->rec.recorded_at > *latest)
		*latest = sr->rec.recorded_at;
	return FMT_OK;
}

/* One fact of the home page: its label, its value to follow; the
 * previous fact's value is closed unless this is the first. */
static void fact(FILE *f, const char *label, int first)
{
	fputs(first ? "<dt>" : "</dd>\n<dt>", f);
	ui_html(f, label);
	fputs("</dt><dd>", f);
}

static void page_home(ui *u, ui_resp *r)
{
	fmt_error err = { 0 };
	catalogue *cat = NULL;
	store *s = NULL;
	stored *org = malloc(sizeof *org);
	export_row *e = malloc(sizeof *e);
	receipt_row *rc = malloc(sizeof *rc);
	unsigned counts[5] = { 0 }, n;
	int have_e = 0, have_r = 0;
	int64_t latest = 0;
	char when[64];
	FILE *f;

	if (!org || !e || !rc)
		goto out;
	if (store_open(&s, u->ctx->db_path, &err) || store_begin_read(s, &err) ||
	    store_org(s, org, &err) || store_pending_counts(s, counts, &err)) {
		error_words(&err, u->flash, sizeof u->flash);
		u->flash_bad = 1;
		store_rollback(s);
		if ((f = page_start(u, r, _("Accueil"), "/")))
			page_end(f, r);
		goto out;
	}
	have_e = store_last_export(s, e, &err) == FMT_OK;
	if (store_each(s, 0, STORE_PENDING, latest_change, &latest, &err) != FMT_OK)
		latest = INT64_MAX;
	have_r = store_last_receipt(s, rc, &err) == FMT_OK;
	store_rollback(s);
	if (!(f = page_start(u, r, _("Accueil"), "/")))
		goto out;
	n = counts[1] + counts[2] + counts[3] + counts[4];
	fputs("<p class=\"next\">", f);
	if (n && have_e && e->created >= latest) {
		/* Everything pending is in the last bundle: it must travel. */
		time_format(e->created, TIME_FR, when);
		fprintf(f, _("Fichier d'envoi n° %llu créé le %s : joignez-le à un e-mail à la "
			"coordination (ou remettez-lui la clé USB), puis appliquez son "
			"<a href=\"/accuses\">accusé de réception</a> quand il arrive."),
			(unsigned long long)e->seq, when);
	} else if (n) {
		fprintf(f, _("%u changement%s à envoyer : <a href=\"/envoyer\">créer le fichier "
			"d'envoi</a>"), n, n > 1 ? "s" : "");
	}
	else
		fputs(_("Le coordinateur a tout reçu. Prochaine étape : <a href=\"/comptages\">"
			"saisir les comptages</a>, les <a href=\"/actions\">actions</a> ou les "
			"<a href=\"/formations\">formations</a>."), f);
	fputs("</p>\n<dl class=\"facts\">\n", f);
	fact(f, _("Organisation"), 1);
	ui_html(f, org->rec.u.org.name);
	fact(f, _("Départements"), 0);
	for (int i = 0; i < org->rec.u.org.ndepts; i++) {
		fprintf(f, "%s%s ", i ? ", " : "", DEPTS[org->rec.u.org.depts[i]].code);
		ui_html(f, DEPTS[org->rec.u.org.depts[i]].name);
	}
	fact(f, _("En attente d'envoi"), 0);
	if (!n)
		fputs(_("rien"), f);
	for (int k = REC_ORG, first = 1; k <= REC_TRAINING; k++) {
		if (!counts[k])
			continue;
		fprintf(f, "%s%u %s", first ? "" : ", ", counts[k], kind_french(k, counts[k] > 1));
		first = 0;
	}
	fact(f, _("Dernier envoi"), 0);
	if (have_e) {
		time_format(e->created, TIME_FR, when);
		fprintf(f, _("%s (n° %llu, %u enregistrement%s)"), when,
			(unsigned long long)e->seq, e->records, e->records > 1 ? "s" : "");
	} else {
		fputs(_("aucun"), f);
	}
	fact(f, _("Dernier accusé de réception"), 0);
	if (have_r) {
		time_format(rc->applied_at, TIME_FR, when);
		fprintf(f, _("appliqué le %s (envoi n° %llu)"), when, (unsigned long long)rc->seq);
	} else {
		fputs(_("aucun"), f);
	}
	fact(f, _("Questionnaire"), 0);
	if (catalogue_load(u->ctx, &cat) == 0) {
		const questionnaire *q = catalogue_questionnaire(cat);

		time_format(q->published, TIME_FR_DATE, when);
		fprintf(f, _("édition %u du %s, %d tableau%s"), (unsigned)q->edition, when,
			q->ntables, q->ntables > 1 ? "x" : "");
	}
	fact(f, _("Dossier de travail"), 0);
	ui_html(f, u->ctx->home);
	fputs("</dd>\n</dl>\n", f);
	page_end(f, r);
out:
	catalogue_free(cat);
	store_close(s);
	free(org);
	free(e);
	free(rc);
}

/* ---- form widgets drawn from field descriptors ------------------------------- */

/* Whether set field f of r holds value i (FT_SET) or département i
 * (FT_DEPTS). */
static int set_has(const record *r, const field_desc *f, const char *code)
{
	char text[2048], *p, *save = NULL;

	field_text(r, f, text, sizeof text);
	for (p = strtok_r(text, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (strcmp(p, code) == 0)
			return 1;
	return 0;
}

static void dept_options(FILE *f, const char *current, const record *org)
{
	fputs("<option value=\"\"></option>", f);
	for (int pass = 0; pass < 2; pass++) {
		if (org && pass == 0)
			fprintf(f, "<optgroup label=\"%s\">", _("Départements de l'organisation"));
		if (org && pass == 1)
			fprintf(f, "<optgroup label=\"%s\">", _("Autres départements"));
		for (int i = 0; i < DEPT_COUNT; i++) {
			int ours = 0;

			for (int j = 0; org && j < org->u.org.ndepts; j++)
				ours |= org->u.org.depts[j] == i;
			if (org ? ours != (pass == 0) : pass == 1)
				continue;
			fprintf(f, "<option value=\"%s\"%s>%s ", DEPTS[i].code,
				strcmp(DEPTS[i].code, current) == 0 ? " selected" : "", DEPTS[i].code);
			ui_html(f, DEPTS[i].name);
			fputs("</option>", f);
		}
		if (org)
			fputs("</optgroup>", f);
	}
}

/* One field of a form, named "f_CODE", holding r's value (none when
 * fresh: a new record). */
static void form_field(FILE *f, const field_desc *fd, const record *r, const record *org,
		       int fresh)
{
	char text[4096], id[80];
	int req = fd->flags & FF_REQUIRED;

	if (!fresh && field_given(r, fd) && !(fd->type == FT_DATE && !field_number(r, fd)))
		field_text(r, fd, text, sizeof text);
	else
		text[0] = '\0';
	snprintf(id, sizeof id, "f_%s", fd->code);
	if (fd->type == FT_SET || fd->type == FT_DEPTS) {
		fprintf(f, "<fieldset%s><legend>", fd->type == FT_DEPTS ? " class=\"many\"" : "");
		ui_html(f, field_label(fd));
		if (!req)
			fprintf(f, " <span class=\"opt\">%s</span>", _("(facultatif)"));
		fputs("</legend>", f);
		if (fd->type == FT_SET) {
			for (int i = 0; i < fd->list->count; i++) {
				fprintf(f, "<label><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> ",
					id, fd->list->items[i].code,
					!fresh && set_has(r, fd, fd->list->items[i].code) ?
					" checked" : "");
				ui_html(f, value_label(&fd->list->items[i]));
				fputs("</label>", f);
			}
		} else {
			for (int i = 0; i < DEPT_COUNT; i++) {
				fprintf(f, "<label><input type=\"checkbox\" name=\"%s\" value=\"%s\"%s> "
					"%s ", id, DEPTS[i].code,
					set_has(r, fd, DEPTS[i].code) ? " checked" : "", DEPTS[i].code);
				ui_html(f, DEPTS[i].name);
				fputs("</label>", f);
			}
		}
		fputs("</fieldset>\n", f);
		return;
	}
	fprintf(f, "<div><label for=\"%s\">", id);
	ui_html(f, field_label(fd));
	if (fd->type == FT_HOURS)
		fprintf(f, " %s", _("(heures, par exemple 3 ou 2h30)"));
	if (!req)
		fprintf(f, " <span class=\"opt\">%s</span>", _("(facultatif)"));
	fputs("</label>", f);
	switch (fd->type) {
	case FT_ENUM:
	case FT_CODE:
		fprintf(f, "<select id=\"%s\" name=\"%s\"%s><option value=\"\"></option>", id, id,
			req ? " required" : "");
		for (int i = 0; fd->list && i < fd->list->count; i++) {
			fprintf(f, "<option value=\"%s\"%s>", fd->list->items[i].code,
				strcmp(fd->list->items[i].code, text) == 0 ? " selected" : "");
			ui_html(f, value_label(&fd->list->items[i]));
			fputs("</option>", f);
		}
		fputs("</select>", f);
		break;
	case FT_DEPT:
		fprintf(f, "<select id=\"%s\" name=\"%s\"%s>", id, id, req ? " required" : "");
		dept_options(f, text, org);
		fputs("</select>", f);
		break;
	case FT_DATE:
		fprintf(f, "<input type=\"date\" id=\"%s\" name=\"%s\" value=\"%s\"%s>", id, id,
			text, req ? " required" : "");
		break;
	case FT_NUMBER:
		fprintf(f, "<input type=\"number\" inputmode=\"numeric\" id=\"%s\" name=\"%s\" "
			"min=\"%u\" max=\"%u\" value=\"%s\"%s>", id, id, (unsigned)fd->min,
			(unsigned)fd->max, text, req ? " required" : "");
		break;
	case FT_NOTE:
		fprintf(f, "<textarea id=\"%s\" name=\"%s\" maxlength=\"%u\">", id, id,
			(unsigned)fd->max);
		ui_html(f, text);
		fputs("</textarea>", f);
		break;
	default:
		fprintf(f, "<input type=\"%s\" id=\"%s\" name=\"%s\" value=\"",
			fd->check == FC_EMAIL ? "email" : "text", id, id);
		ui_html(f, text);
		fprintf(f, "\"%s>", req ? " required" : "");
		break;
	}
	fputs("</div>\n", f);
}

/* The value of field fd in the form: its one value, or for a set every
 * box ticked, comma-separated. */
static void form_value(const ui_req *q, const field_desc *fd, char *out, size_t cap)
{
	char name[80];
	const ui_field *v;
	size_t n = 0;

	snprintf(name, sizeof name, "f_%s", fd->code);
	out[0] = '\0';
	for (int i = 0; (v = ui_form_field(q, name, i)); i++) {
		int w = snprintf(out + n, cap - n, "%s%s", i ? "," : "", v->data ? v->data : "");

		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
	}
}

/* ---- Actions, Formations, Organisation ------------------------------------- */

/* The words of each page, marked for the catalogues and printed through
 * tr(). */
typedef struct kind_page {
	int kind;
	const char *path, *title, *new_title, *edit_title, *saved, *deleted;
	const char *listed, *none, *cancel;
} kind_page;

static const kind_page kind_pages[] = {
	{ REC_ACTION, "/actions", N_("Actions"), N_("Nouvelle action"), N_("Modifier l'action"),
	  N_("Action enregistrée."), N_("Action supprimée."), N_("Actions enregistrées"),
	  N_("Aucune action pour l'instant."), N_("Annuler et saisir une nouvelle action") },
	{ REC_TRAINING, "/formations", N_("Formations"), N_("Nouvelle formation"),
	  N_("Modifier la formation"), N_("Formation enregistrée."), N_("Formation supprimée."),
	  N_("Formations enregistrées"), N_("Aucune formation pour l'instant."),
	  N_("Annuler et saisir une nouvelle formation") },
	{ REC_ORG, "/organisation", N_("Organisation"), "",
	  N_("Modifier le profil de l'organisation"), N_("Profil de l'organisation enregistré."),
	  "", "", "", "" },
};

static const kind_page *kind_page_of(int kind)
{
	for (size_t i = 0; i < sizeof kind_pages / sizeof kind_pages[0]; i++)
		if (kind_pages[i].kind == kind)
			return &kind_pages[i];
	return NULL;
}

typedef struct list_ctx {
	FILE *f;
	const kind_desc *k;
	const kind_page *kp;
	ui *u;
	int rows;
} list_ctx;

static int list_row(void *cls, const stored *sr, fmt_error *err)
{
	list_ctx *l = cls;
	char buf[4096], id[33];

	if (!l->rows++) {
		fputs("<div class=\"scroll\"><table class=\"list\"><thead><tr>", l->f);
		for (int i = 0; i < l->k->nfields; i++) {
			fputs("<th>", l->f);
			ui_html(l->f, field_label(&l->k->fields[i]));
			fputs("</th>", l->f);
		}
		fputs("<th></th></tr></thead><tbody>\n", l->f);
	}
	id_format(sr->rec.id, id);
	fputs("<tr>", l->f);
	for (int i = 0; i < l->k->nfields; i++) {
		field_show(&sr->rec, &l->k->fields[i], shell_lang() == LANG_EN, buf, sizeof buf);
		fputs("<td>", l->f);
		ui_html(l->f, buf);
		fputs("</td>", l->f);
	}
	fprintf(l->f, "<td><div class=\"actions\"><a class=\"button secondary\" "
		"href=\"%s?id=%s\">%s</a><form method=\"post\" action=\"/supprimer\" "
		"data-confirm=\"%s\">", l->kp->path, id, _("Modifier"),
		_("Supprimer cet enregistrement ?"));
	hidden_csrf(l->u, l->f);
	fprintf(l->f, "<input type=\"hidden\" name=\"id\" value=\"%s\"><button class=\"danger\" "
		"type=\"submit\">%s</button></form></div></td></tr>\n", id, _("Supprimer"));
	return FMT_OK;
}

/* The list of kind's records and its form: a new record, or the record
 * `edit` (an id) when given, or *shown when the page is drawn again after
 * a refusal. */
static void page_kind(ui *u, ui_req *q, ui_resp *r, const kind_page *kp, const record *shown)
{
	const kind_desc *k = kind_desc_of(kp->kind);
	fmt_error err = { 0 };
	stored *org = malloc(sizeof *org), *old = malloc(sizeof *old);
	record *rec = malloc(sizeof *rec);
	const char *edit = shown ? "" : ui_arg(q, "id");
	store *s = NULL;
	uint8_t id[16];
	int editing = 0;
	char hex[33] = "";
	FILE *f;

	if (!org || !old || !rec)
		goto out;
	if (read_org(u, org) != 0) {
		if ((f = page_start(u, r, tr(kp->title), kp->path)))
			page_end(f, r);
		goto out;
	}
	record_blank(rec, kp->kind);
	if (shown) {
		*rec = *shown;
		static const uint8_t zero[16];

		editing = kp->kind == REC_ORG || memcmp(rec->id, zero, sizeof zero) != 0;
	} else if (kp->kind == REC_ORG) {
		*rec = org->rec;
		editing = 1;
	} else if (edit[0]) {
		if (id_parse(edit, id) == 0 && store_open(&s, u->ctx->db_path, &err) == FMT_OK &&
		    store_get(s, id, old, &err) == FMT_OK && !old->rec.deleted &&
		    old->rec.kind == kp->kind) {
			*rec = old->rec;
			editing = 1;
		} else {
			flash(u, 1, _("Cet enregistrement n'existe pas ou a été supprimé."));
		}
		store_close(s);
		s = NULL;
	}
	if (!(f = page_start(u, r, tr(kp->title), kp->path)))
		goto out;
	if (editing && kp->kind != REC_ORG)
		id_format(rec->id, hex);
	fprintf(f, "<h2>%s</h2>\n<form class=\"fields\" method=\"post\" action=\"/enregistrer\">",
		tr(editing ? kp->edit_title : kp->new_title));
	hidden_csrf(u, f);
	fprintf(f, "<input type=\"hidden\" name=\"genre\" value=\"%s\">"
		"<input type=\"hidden\" name=\"id\" value=\"%s\">\n", k->code, hex);
	for (int i = 0; i < k->nfields; i++)
		form_field(f, &k->fields[i], rec, kp->kind == REC_ORG ? NULL : &org->rec,
			   !editing && !shown);
	fprintf(f, "<div class=\"actions\"><button type=\"submit\">%s</button></div>"
		"</form>\n", _("Enregistrer"));
	if (editing && kp->kind != REC_ORG)
		fprintf(f, "<p><a href=\"%s\">%s</a></p>\n", kp->path, tr(kp->cancel));
	if (kp->kind != REC_ORG) {
		list_ctx l = { f, k, kp, u, 0 };

		fprintf(f, "<h2>%s</h2>\n", tr(kp->listed));
		if (store_open(&s, u->ctx->db_path, &err) == FMT_OK &&
		    store_begin_read(s, &err) == FMT_OK) {
			store_each(s, kp->kind, STORE_LIVE, list_row, &l, &err);
			store_rollback(s);
		}
		if (l.rows)
			fputs("</tbody></table></div>\n", f);
		else
			fprintf(f, "<p>%s</p>\n", tr(kp->none));
	}
	page_end(f, r);
out:
	store_close(s);
	free(org);
	free(old);
	free(rec);
}

/* POST /enregistrer: a new or changed action, training or organisation. */
static void do_save(ui *u, ui_req *q, ui_resp *r)
{
	const kind_desc *k = kind_desc_find(ui_form(q, "genre"));
	const kind_page *kp = k ? kind_page_of(k->kind) : NULL;
	const char *hex = ui_form(q, "id");
	fmt_error err = { 0 };
	enum save_outcome outcome;
	stored *old = malloc(sizeof *old);
	record *rec = malloc(sizeof *rec);
	store *s = NULL;
	char m[1024], *value = malloc(8192);
	uint8_t id[16];
	int64_t now = shell_now();
	int rc;

	if (!kp || !old || !rec || !value) {
		not_found(u, r);
		goto out;
	}
	if (begin_write(u, &s, &err) != 0) {
		page_kind(u, q, r, kp, NULL);
		goto out;
	}
	if (k->kind == REC_ORG) {
		rc = store_org(s, old, &err);
	} else if (hex[0]) {
		rc = id_parse(hex, id) != 0 ? FMT_DONE : store_get(s, id, old, &err);
		if (rc == FMT_OK && (old->rec.deleted || old->rec.kind != k->kind))
			rc = FMT_DONE;
	} else {
		rc = FMT_OK;
	}
	if (rc == FMT_DONE) {
		store_rollback(s);
		flash(u, 1, _("Cet enregistrement n'existe plus (supprimé entre-temps ?) : rien "
			      "n'a été enregistré."));
		redirect(r, kp->path);
		goto out;
	}
	if (rc != FMT_OK)
		goto fail;
	if (k->kind == REC_ORG || hex[0])
		*rec = old->rec;
	else
		record_blank(rec, k->kind);
	for (int i = 0; i < k->nfields; i++) {
		form_value(q, &k->fields[i], value, 8192);
		if (field_set(rec, &k->fields[i], value, m, sizeof m) != 0)
			goto refused;
	}
	if (!(k->kind == REC_ORG || hex[0])) {
		rec->version = 1;
		rec->recorded_at = now;
	}
	if (record_check(rec, m, sizeof m) != 0)
		goto refused;
	if (k->kind == REC_ORG || hex[0]) {
		rc = records_update(s, old, rec, now, &outcome, m, sizeof m, &err);
		if (rc == FMT_E_FIELD)
			goto refused;
	} else {
		rc = records_add(s, rec, now, &outcome, &err);
	}
	if (rc != FMT_OK || (rc = store_commit(s, &err)) != FMT_OK)
		goto fail;
	flash(u, 0, outcome == SAVED_UNCHANGED ? _("Aucun changement : ces valeurs étaient "
	      "déjà enregistrées.") : tr(kp->saved));
	redirect(r, kp->path);
	goto out;
refused:
	store_rollback(s);
	snprintf(u->flash, sizeof u->flash, _("Non enregistré : %s"), m);
	u->flash_bad = 1;
	page_kind(u, q, r, kp, rec);
	goto out;
fail:
	store_rollback(s);
	error_words(&err, m, sizeof m);
	snprintf(u->flash, sizeof u->flash, _("Non enregistré : %s"), m);
	u->flash_bad = 1;
	page_kind(u, q, r, kp, rec);
out:
	store_close(s);
	free(old);
	free(rec);
	free(value);
}

/* POST /supprimer: deletes an action or a training (a tombstone). */
static void do_delete(ui *u, ui_req *q, ui_resp *r)
{
	fmt_error err = { 0 };
	stored *old = malloc(sizeof *old);
	record *rec = malloc(sizeof *rec);
	const kind_page *kp = NULL;
	store *s = NULL;
	uint8_t id[16];
	int rc;

	redirect(r, "/");
	if (!old || !rec || id_parse(ui_form(q, "id"), id) != 0) {
		flash(u, 1, _("Identifiant invalide : rien n'a été supprimé."));
		goto out;
	}
	if (begin_write(u, &s, &err) != 0)
		goto out;
	rc = store_get(s, id, old, &err);
	if (rc == FMT_OK && !old->rec.deleted && (kp = kind_page_of(old->rec.kind)) &&
	    old->rec.kind != REC_ORG) {
		redirect(r, kp->path);
		rc = records_delete(s, old, rec, shell_now(), &err);
		if (rc == FMT_OK)
			rc = store_commit(s, &err);
		if (rc == FMT_OK) {
			flash(u, 0, tr(kp->deleted));
			goto out;
		}
	} else if (rc == FMT_OK || rc == FMT_DONE) {
		store_rollback(s);
		flash(u, 1, _("Cet enregistrement n'existe pas ou a déjà été supprimé."));
		goto out;
	}
	store_rollback(s);
	error_words(&err, u->flash, sizeof u->flash);
	u->flash_bad = 1;
out:
	store_close(s);
	free(old);
	free(rec);
}

/* ---- Saisie des comptages ---------------------------------------------------- */

/* The current quarter, "2026-T1", as people write it. */
static void this_quarter(char *buf, size_t cap)
{
	time_t t = (time_t)shell_now();
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(buf, cap, "%d-T%d", tm.tm_year + 1900, tm.tm_mon / 3 + 1);
}

/* The period as people write it: quarters with T in French, as the
 * format writes them (Q) in English. */
static void period_shown(const char *canon, char *buf, size_t cap)
{
	const char *qq = strstr(canon, "-Q");

	if (qq && shell_lang() != LANG_EN)
		snprintf(buf, cap, "%.*s-T%s", (int)(qq - canon), canon, qq + 2);
	else
		snprintf(buf, cap, "%s", canon);
}

typedef struct grid_ctx {
	const char *table, *period;
	uint8_t dept;
	int ndims;
	char fixed[REC_DIMS_MAX][REC_CODE_MAX + 1];  /* the selected values of dims 2.. */
	/* the counts of the grid shown, by row and column index */
	int rd, cd;                  /* the dimensions in rows and in columns */
	const enum_table *rows, *cols;
	uint32_t *cell;              /* rows->count * cols->count, REC_NONE when none */
} grid_ctx;

static int grid_cell(void *cls, const stored *sr, fmt_error *err)
{
	grid_ctx *g = cls;
	const rec_count *c = &sr->rec.u.count;
	int ri = -1, ci = 0;

	if (strcmp(c->table, g->table) != 0 || strcmp(c->period, g->period) != 0 ||
	    c->dept != g->dept || c->ndims != g->ndims)
		return FMT_OK;
	for (int d = 2; d < g->ndims; d++)
		if (strcmp(c->dims[d], g->fixed[d]) != 0)
			return FMT_OK;
	for (int i = 0; i < g->rows->count; i++)
		if (strcmp(g->rows->items[i].code, c->dims[g->rd]) == 0)
			ri = i;
	if (g->ndims > 1) {
		ci = -1;
		for (int i = 0; i < g->cols->count; i++)
			if (strcmp(g->cols->items[i].code, c->dims[g->cd]) == 0)
				ci = i;
	}
	if (ri >= 0 && ci >= 0)
		g->cell[ri * (g->ndims > 1 ? g->cols->count : 1) + ci] = c->count;
	return FMT_OK;
}

static int value_retired(const questionnaire *qn, const qn_table *t, int d, int i)
{
	const qn_list *l = &qn->lists[t->dims[d]];

	return l->retired && l->retired[i];
}

static void page_counts(ui *u, ui_req *q, ui_resp *r)
{
	catalogue *cat = NULL;
	const kind_desc *k = NULL, *kk;
	const qn_table *t = NULL, *tt;
	const questionnaire *qn;
	fmt_error err = { 0 };
	stored *org = malloc(sizeof *org);
	record *probe = malloc(sizeof *probe);
	grid_ctx g = { 0 };
	store *s = NULL;
	const char *want = ui_arg(q, "tableau");
	char period[32], shown[32], dept[8] = "", m[1024];
	const char *count_label;
	int ncols;
	FILE *f;

	if (!org || !probe || read_org(u, org) != 0 || catalogue_load(u->ctx, &cat) != 0) {
		if (!u->flash[0])
			flash(u, 1, _("Le questionnaire de ce poste est illisible (voir collector "
				      "tables)."));
		if ((f = page_start(u, r, _("Saisie des comptages"), "/comptages")))
			page_end(f, r);
		goto out;
	}
	qn = catalogue_questionnaire(cat);
	for (int i = 0; (kk = catalogue_nth(cat, i, &tt)); i++) {
		if (tt->retired)
			continue;
		if (!k || strcmp(tt->code, want) == 0) {
			if (k && strcmp(t->code, want) == 0)
				continue;
			k = kk;
			t = tt;
		}
	}
	if (!k) {
		flash(u, 1, _("Le questionnaire n'a aucun tableau à remplir."));
		if ((f = page_start(u, r, _("Saisie des comptages"), "/comptages")))
			page_end(f, r);
		goto out;
	}
	/* The period and département asked for, checked by the count's own
	 * fields; the defaults are this quarter and the organisation's first
	 * département. */
	catalogue_blank(k, probe);
	snprintf(period, sizeof period, "%s", ui_arg(q, "periode"));
	if (!period[0])
		this_quarter(period, sizeof period);
	if (field_set(probe, &k->fields[0], period, m, sizeof m) != 0) {
		flash(u, 1, m);
		this_quarter(period, sizeof period);
		field_set(probe, &k->fields[0], period, m, sizeof m);
	}
	snprintf(dept, sizeof dept, "%s", ui_arg(q, "dept"));
	if (!dept[0] && org->rec.u.org.ndepts)
		snprintf(dept, sizeof dept, "%s", DEPTS[org->rec.u.org.depts[0]].code);
	if (field_set(probe, &k->fields[1], dept, m, sizeof m) != 0) {
		flash(u, 1, m);
		snprintf(dept, sizeof dept, "%s", DEPTS[org->rec.u.org.depts[0]].code);
		field_set(probe, &k->fields[1], dept, m, sizeof m);
	}
	g.table = t->code;
	g.period = probe->u.count.period;
	g.dept = probe->u.count.dept;
	g.ndims = t->ndims;
	/* The longer of the first two lists down the page, so that the grid
	 * stays narrow on a phone. */
	g.rd = 0;
	g.cd = 1;
	if (t->ndims > 1 && k->fields[3].list->count > k->fields[2].list->count) {
		g.rd = 1;
		g.cd = 0;
	}
	g.rows = k->fields[2 + g.rd].list;
	g.cols = t->ndims > 1 ? k->fields[2 + g.cd].list : NULL;
	for (int d = 2; d < t->ndims; d++) {
		char name[16];
		const char *v;
		const enum_table *l = k->fields[2 + d].list;

		snprintf(name, sizeof name, "d%d", d);
		v = ui_arg(q, name);
		snprintf(g.fixed[d], sizeof g.fixed[d], "%s", l->items[0].code);
		for (int i = 0; i < l->count; i++)
			if (strcmp(l->items[i].code, v) == 0)
				snprintf(g.fixed[d], sizeof g.fixed[d], "%s", v);
	}
	ncols = g.cols ? g.cols->count : 1;
	g.cell = malloc(sizeof *g.cell * (size_t)g.rows->count * (size_t)ncols);
	if (!g.cell)
		goto out;
	for (int i = 0; i < g.rows->count * ncols; i++)
		g.cell[i] = REC_NONE;
	if (store_open(&s, u->ctx->db_path, &err) == FMT_OK &&
	    store_begin_read(s, &err) == FMT_OK) {
		if (store_each(s, REC_COUNT, STORE_LIVE, grid_cell, &g, &err) != FMT_OK) {
			error_words(&err, u->flash, sizeof u->flash);
			u->flash_bad = 1;
		}
		store_rollback(s);
	}
	if (!(f = page_start(u, r, _("Saisie des comptages"), "/comptages")))
		goto out;

	period_shown(g.period, shown, sizeof shown);
	count_label = field_label(&k->fields[k->nfields - 1]);

	/* The table, the period, the département and the other dimensions:
	 * select lists, which stay one line each on a phone. */
	fputs("<form class=\"pick\" method=\"get\" action=\"/comptages\">", f);
	fputs("<div><label for=\"tableau\">", f);
	ui_html(f, field_label(field_find(REC_COUNT, "table")));
	fputs("</label><select id=\"tableau\" name=\"tableau\" data-autosubmit>", f);
	for (int i = 0; (kk = catalogue_nth(cat, i, &tt)); i++) {
		if (tt->retired)
			continue;
		fprintf(f, "<option value=\"%s\"%s>", tt->code, tt == t ? " selected" : "");
		ui_html(f, kind_label(kk, 0));
		fputs("</option>", f);
	}
	fputs("</select></div>", f);
	fputs("<div><label for=\"periode\">", f);
	ui_html(f, field_label(&k->fields[0]));
	fputs("</label><input type=\"text\" id=\"periode\" name=\"periode\" size=\"10\" "
	      "value=\"", f);
	ui_html(f, shown);
	fprintf(f, "\"><div class=\"opt\">%s</div></div>",
		_("année (2026), trimestre (2026-T1) ou mois (2026-03)"));
	fputs("<div><label for=\"dept\">", f);
	ui_html(f, field_label(&k->fields[1]));
	fputs("</label><select id=\"dept\" name=\"dept\" data-autosubmit>", f);
	dept_options(f, DEPTS[g.dept].code, &org->rec);
	fputs("</select></div>", f);
	for (int d = 2; d < t->ndims; d++) {
		const field_desc *fd = &k->fields[2 + d];

		fprintf(f, "<div><label for=\"d%d\">", d);
		ui_html(f, field_label(fd));
		fprintf(f, "</label><select id=\"d%d\" name=\"d%d\" data-autosubmit>", d, d);
		for (int i = 0; i < fd->list->count; i++) {
			if (value_retired(qn, t, d, i))
				continue;
			fprintf(f, "<option value=\"%s\"%s>", fd->list->items[i].code,
				strcmp(fd->list->items[i].code, g.fixed[d]) == 0 ? " selected" : "");
			ui_html(f, value_label(&fd->list->items[i]));
			fputs("</option>", f);
		}
		fputs("</select></div>", f);
	}
	fprintf(f, "<div><button type=\"submit\">%s</button></div></form>\n", _("Afficher"));

	/* The grid. */
	fputs("<h2>", f);
	ui_html(f, kind_label(k, 0));
	fputs(" — ", f);
	ui_html(f, shown);
	fprintf(f, ", %s ", DEPTS[g.dept].code);
	ui_html(f, DEPTS[g.dept].name);
	fputs("</h2>\n", f);
	if (t->help_fr[0]) {
		fputs("<p class=\"help\">", f);
		ui_html(f, t->help_fr);
		fputs("</p>\n", f);
	}
	fprintf(f, "<p class=\"help\">%s</p>\n", _("Chaque case est enregistrée dès que vous la "
		"quittez (touche Tab ou Entrée). Une case vidée supprime le comptage."));
	fprintf(f, "<div class=\"scroll\"><table class=\"grid\" data-table=\"%s\" "
		"data-period=\"%s\" data-dept=\"%s\"><thead><tr><th>", t->code, g.period,
		DEPTS[g.dept].code);
	ui_html(f, field_label(&k->fields[2 + g.rd]));
	if (g.cols) {
		fputs(" \\ ", f);
		ui_html(f, field_label(&k->fields[2 + g.cd]));
	}
	fputs("</th>", f);
	for (int c = 0; c < ncols; c++) {
		if (g.cols && value_retired(qn, t, g.cd, c))
			continue;
		fputs("<th>", f);
		ui_html(f, g.cols ? value_label(&g.cols->items[c]) : count_label);
		fputs("</th>", f);
	}
	fprintf(f, "<th class=\"total\">%s</th></tr></thead>\n<tbody>\n", _("Total"));
	for (int ri = 0; ri < g.rows->count; ri++) {
		if (value_retired(qn, t, g.rd, ri))
			continue;
		fputs("<tr><th scope=\"row\">", f);
		ui_html(f, value_label(&g.rows->items[ri]));
		fputs("</th>", f);
		for (int c = 0; c < ncols; c++) {
			uint32_t v = g.cell[ri * ncols + c];
			char label[600];

			if (g.cols && value_retired(qn, t, g.cd, c))
				continue;
			snprintf(label, sizeof label, "%s, %s", value_label(&g.rows->items[ri]),
				 g.cols ? value_label(&g.cols->items[c]) : count_label);
			fprintf(f, "<td><input type=\"number\" inputmode=\"numeric\" min=\"0\" "
				"max=\"%u\" data-dims=\"", (unsigned)REC_COUNT_MAX);
			for (int d = 0; d < t->ndims; d++)
				fprintf(f, "%s%s", d ? "|" : "",
					d == g.rd ? g.rows->items[ri].code :
					d == g.cd ? g.cols->items[c].code : g.fixed[d]);
			fputs("\" aria-label=\"", f);
			ui_html(f, label);
			fputs("\" value=\"", f);
			if (v != REC_NONE)
				fprintf(f, "%u", (unsigned)v);
			fputs("\"></td>", f);
		}
		fputs("<td class=\"total\"></td></tr>\n", f);
	}
	fprintf(f, "</tbody><tfoot><tr><th>%s</th>", _("Total"));
	for (int c = 0; c < ncols; c++)
		if (!(g.cols && value_retired(qn, t, g.cd, c)))
			fputs("<td class=\"total coltotal\"></td>", f);
	/* The status line carries the words app.js says itself. */
	fputs("<td class=\"total grandtotal\"></td></tr></tfoot></table></div>\n"
	      "<p id=\"grid-status\" class=\"status\" role=\"status\" aria-live=\"polite\" "
	      "data-saving=\"", f);
	ui_html(f, _("Enregistrement…"));
	fputs("\" data-lost=\"", f);
	ui_html(f, _("Non enregistré : la fenêtre ne répond plus (collector ui est-il "
		     "arrêté ?)"));
	fputs("\"></p>\n", f);
	page_end(f, r);
out:
	catalogue_free(cat);
	store_close(s);
	free(g.cell);
	free(org);
	free(probe);
}

static void json_answer(ui_resp *r, int ok, const char *text)
{
	FILE *f = open_memstream(&r->body, &r->len);

	r->type = "application/json";
	if (!f)
		return;
	fprintf(f, "{\"ok\":%s,\"msg\":", ok ? "true" : "false");
	out_json_string(f, text);
	fputs("}\n", f);
	if (fclose(f) != 0) {
		free(r->body);
		r->body = NULL;
		r->len = 0;
		r->status = 500;
	}
}

/* POST /comptages/cellule: one cell of a grid.  A number records the
 * count (a new version of the same count when its cell was filled
 * before); an empty cell deletes it. */
static void do_cell(ui *u, ui_req *q, ui_resp *r)
{
	catalogue *cat = NULL;
	const kind_desc *k;
	fmt_error err = { 0 };
	enum save_outcome outcome;
	record *rec = malloc(sizeof *rec), *tomb = malloc(sizeof *tomb);
	stored *old = malloc(sizeof *old);
	store *s = NULL;
	const char *count = ui_form(q, "nombre");
	char m[1024], said_buf[1200];
	int64_t now = shell_now();
	int rc;

	if (!rec || !tomb || !old || catalogue_load(u->ctx, &cat) != 0) {
		json_answer(r, 0, _("Non enregistré : questionnaire illisible."));
		goto out;
	}
	k = catalogue_table(cat, ui_form(q, "tableau"));
	if (!k) {
		json_answer(r, 0, _("Non enregistré : tableau inconnu du questionnaire."));
		goto out;
	}
	catalogue_blank(k, rec);
	if (field_set(rec, &k->fields[0], ui_form(q, "periode"), m, sizeof m) != 0 ||
	    field_set(rec, &k->fields[1], ui_form(q, "dept"), m, sizeof m) != 0)
		goto refused;
	for (int d = 0; d < k->nfields - 3; d++) {
		char name[16];

		snprintf(name, sizeof name, "d%d", d);
		if (field_set(rec, &k->fields[2 + d], ui_form(q, name), m, sizeof m) != 0)
			goto refused;
	}
	if (count[0] && field_set(rec, &k->fields[k->nfields - 1], count, m, sizeof m) != 0)
		goto refused;
	rec->version = 1;
	rec->recorded_at = now;
	if (count[0] && record_check(rec, m, sizeof m) != 0)
		goto refused;
	if (store_open(&s, u->ctx->db_path, &err) || store_begin(s, &err))
		goto fail;
	if (count[0]) {
		if ((rc = records_add(s, rec, now, &outcome, &err)) ||
		    (rc = store_commit(s, &err)))
			goto fail;
		snprintf(said_buf, sizeof said_buf, outcome == SAVED_UNCHANGED ?
			 _("Déjà enregistré : %u.") : _("Enregistré : %u."),
			 (unsigned)rec->u.count.count);
		json_answer(r, 1, said_buf);
		goto out;
	}
	rc = store_find_natkey(s, rec, old, &err);
	if (rc == FMT_OK && !old->rec.deleted) {
		if ((rc = records_delete(s, old, tomb, now, &err)) || (rc = store_commit(s, &err)))
			goto fail;
		json_answer(r, 1, _("Case vidée : comptage supprimé."));
		goto out;
	}
	if (rc != FMT_OK && rc != FMT_DONE)
		goto fail;
	store_rollback(s);
	json_answer(r, 1, _("Case vide."));
	goto out;
refused:
	snprintf(said_buf, sizeof said_buf, _("Non enregistré : %s"), m);
	json_answer(r, 0, said_buf);
	goto out;
fail:
	store_rollback(s);
	error_words(&err, m, sizeof m);
	snprintf(said_buf, sizeof said_buf, _("Non enregistré : %s"), m);
	json_answer(r, 0, said_buf);
out:
	store_close(s);
	catalogue_free(cat);
	free(rec);
	free(tomb);
	free(old);
}

/* ---- files in and out ------------------------------------------------------------ */

/* A name for a file of the window's folder made from what the browser
 * sent: letters, digits, dot, dash and underscore; never hidden, never
 * empty. */
static void safe_name(const char *given, const char *fallback, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = given; *p && n + 1 < cap && n < 80; p++) {
		char c = *p;

		out[n++] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' ? c : '_';
	}
	out[n] = '\0';
	if (!n || out[0] == '.')
		snprintf(out, cap, "%s", fallback);
}

/* Writes an uploaded file into the window's folder as name.  0 or -1. */
static int save_upload(ui *u, const ui_field *up, const char *name)
{
	char path[PATH_CAP + 128];
	fmt_error err = { 0 };

	snprintf(path, sizeof path, "%s/%s", u->tmpdir, name);
	unlink(path);
	return atomic_write_file(path, (const uint8_t *)up->data, up->len, 0600, 1, &err) ==
	       FMT_OK ? 0 : -1;
}

/* Runs cmd in the window's folder, where the uploads are, so that its
 * messages name them as the user does. */
static int run_here(ui *u, int (*cmd)(cctx *, int, char **), int argc,
		    const char *const *argv)
{
	int here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (here < 0 || chdir(u->tmpdir) != 0) {
		if (here >= 0)
			close(here);
		snprintf(u->said, sizeof u->said, "%s",
			 _("le dossier de la fenêtre est inaccessible"));
		return EXIT_IO;
	}
	rc = ui_run(u, cmd, argc, argv);
	if (fchdir(here) != 0) {
		/* Nothing depends on the folder after this: the home's paths
		 * are absolute. */
	}
	close(here);
	return rc;
}

/* Reads a file of the window's folder into r as an attachment, then
 * removes it. */
static int send_file(ui *u, ui_resp *r, const char *name, const char *type)
{
	char path[PATH_CAP + 128];
	fmt_error err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;

	snprintf(path, sizeof path, "%s/%s", u->tmpdir, name);
	if (read_file_capped(path, 64u << 20, &data, &len, &err) != FMT_OK) {
		unlink(path);
		return -1;
	}
	unlink(path);
	r->body = (char *)data;
	r->len = len;
	r->type = type;
	snprintf(r->filename, sizeof r->filename, "%s", name);
	return 0;
}

/* ---- Envoyer ----------------------------------------------------------------- */

static void page_send(ui *u, ui_resp *r)
{
	const char *home = getenv("HOME");
	FILE *f = page_start(u, r, _("Envoyer au coordinateur"), "/envoyer");

	if (!f)
		return;
	fprintf(f, "<p class=\"help\">%s</p>\n", _("Le fichier d'envoi contient tout ce que le "
		"coordinateur n'a pas encore confirmé, chiffré pour lui seul. Joignez-le à un "
		"e-mail à la coordination, ou copiez-le sur une clé USB. Quand le coordinateur "
		"renvoie son accusé de réception, appliquez-le dans <a href=\"/accuses\">Accusés "
		"de réception</a>."));
	fprintf(f, "<div class=\"box\"><h2>%s</h2><form method=\"post\" action=\"/envoyer\">",
		_("Enregistrer dans un dossier"));
	hidden_csrf(u, f);
	fprintf(f, "<input type=\"hidden\" name=\"mode\" value=\"dossier\">"
		"<label for=\"dossier\">%s</label>"
		"<input type=\"text\" id=\"dossier\" name=\"dossier\" required value=\"",
		_("Dossier (par exemple celui d'une clé USB)"));
	ui_html(f, home ? home : "");
	fprintf(f, "\"><p><label class=\"opt\"><input type=\"checkbox\" name=\"complet\" "
		"value=\"1\"> %s</label></p><button type=\"submit\">%s</button></form></div>\n",
		_("tout renvoyer, même ce que le coordinateur a déjà confirmé"),
		_("Créer le fichier d'envoi"));
	fprintf(f, "<div class=\"box\"><h2>%s</h2><form method=\"post\" action=\"/envoyer\">",
		_("Ou le télécharger"));
	hidden_csrf(u, f);
	fprintf(f, "<input type=\"hidden\" name=\"mode\" value=\"telecharger\"><p>%s</p>"
		"<button type=\"submit\" class=\"secondary\">%s</button></form></div>\n",
		_("Le navigateur l'enregistre dans son dossier de téléchargements."),
		_("Télécharger le fichier d'envoi"));
	page_end(f, r);
}

static void do_send(ui *u, ui_req *q, ui_resp *r)
{
	char name[96], when[TIME_BUF], out[PATH_CAP + 128];
	const char *folder = ui_form(q, "dossier");
	int download = strcmp(ui_form(q, "mode"), "telecharger") == 0, rc;
	struct stat st;

	time_format(shell_now(), TIME_COMPACT, when);
	snprintf(name, sizeof name, "maillage-envoi-%s.bundle", when);
	if (!download) {
		if (!folder[0] || stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
			flash(u, 1, _("Ce dossier n'existe pas : choisissez un dossier existant "
				      "(par exemple celui de la clé USB)."));
			redirect(r, "/envoyer");
			return;
		}
		snprintf(out, sizeof out, "%s%s%s", folder,
			 folder[strlen(folder) - 1] == '/' ? "" : "/", name);
	} else {
		snprintf(out, sizeof out, "%s", name);
	}
	{
		const char *argv[] = { "export", "-o", out, "--full" };

		rc = download ? run_here(u, cmd_export, 3, argv) :
		     ui_run(u, cmd_export, ui_form(q, "complet")[0] ? 4 : 3, argv);
	}
	if (download && rc == 0 && send_file(u, r, name, "application/octet-stream") == 0)
		return;
	flash_said(u, rc);
	redirect(r, rc == 0 ? "/" : "/envoyer");
}

/* ---- Accusés de réception ------------------------------------------------------ */

static void page_receipts(ui *u, ui_resp *r)
{
	FILE *f = page_start(u, r, _("Accusés de réception"), "/accuses");

	if (!f)
		return;
	fprintf(f, "<p class=\"help\">%s</p>\n<form class=\"fields\" method=\"post\" "
		"action=\"/accuses\" enctype=\"multipart/form-data\">",
		_("Après chaque envoi, le coordinateur vous renvoie un accusé de réception (un "
		  "fichier .receipt). Appliquez-le ici : ce qu'il confirme ne sera plus renvoyé."));
	hidden_csrf(u, f);
	fprintf(f, "<div><label for=\"fichier\">%s</label><input type=\"file\" "
		"id=\"fichier\" name=\"fichier\" accept=\".receipt\" required multiple></div>"
		"<div><button type=\"submit\">%s</button></div></form>\n",
		_("Accusé de réception"), _("Appliquer"));
	page_end(f, r);
}

static void do_receipts(ui *u, ui_req *q, ui_resp *r)
{
	const ui_field *up;
	char name[128], all[sizeof u->said] = "", path[PATH_CAP + 160];
	int worst = 0, n = 0;

	for (int i = 0; (up = ui_form_field(q, "fichier", i)); i++) {
		const char *argv[] = { "ack", name };
		int rc;

		if (!up->filename[0] && !up->len)
			continue;
		n++;
		safe_name(up->filename, "accuse.receipt", name, sizeof name);
		if (save_upload(u, up, name) != 0) {
			flash(u, 1, _("Le fichier reçu n'a pas pu être enregistré (disque "
				      "plein ?)."));
			redirect(r, "/accuses");
			return;
		}
		rc = run_here(u, cmd_ack, 2, argv);
		if (rc > worst)
			worst = rc;
		strncat(all, u->said, sizeof all - strlen(all) - 1);
		snprintf(path, sizeof path, "%s/%s", u->tmpdir, name);
		unlink(path);
	}
	if (!n) {
		flash(u, 1, _("Choisissez un fichier d'accusé de réception."));
		redirect(r, "/accuses");
		return;
	}
	snprintf(u->said, sizeof u->said, "%s", all);
	flash_said(u, worst);
	redirect(r, worst ? "/accuses" : "/");
}

/* ---- Importer un tableur ------------------------------------------------------ */

static void page_import(ui *u, ui_resp *r, const char *checked, int ok)
{
	catalogue *cat = NULL;
	const kind_desc *k;
	const qn_table *t;
	FILE *f = page_start(u, r, _("Importer un tableur"), "/importer");

	if (!f)
		return;
	if (checked) {
		fprintf(f, "<div class=\"box\"><h2>%s</h2><ul class=\"refused\">",
			ok ? _("Vérification : tout est correct") :
			_("Vérification : des lignes sont refusées"));
		for (const char *p = checked; *p;) {
			size_t n = strcspn(p, "\n");
			char line[2048];

			snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1),
				 p);
			fputs("<li>", f);
			ui_html(f, line);
			fputs("</li>", f);
			p += n + (p[n] == '\n');
		}
		fputs("</ul>", f);
		if (ok) {
			fputs("<form method=\"post\" action=\"/importer/confirmer\">", f);
			hidden_csrf(u, f);
			fprintf(f, "<button type=\"submit\">%s</button> "
				"<a href=\"/importer\">%s</a></form>", _("Confirmer l'import"),
				_("Annuler"));
		} else {
			fprintf(f, "<p>%s</p>", _("Rien n'a été enregistré. Corrigez ces lignes "
				"dans le tableur, enregistrez-le en CSV, puis choisissez-le de "
				"nouveau."));
		}
		fputs("</div>\n", f);
	}
	fprintf(f, "<p class=\"help\">%s</p>\n<form class=\"fields\" method=\"post\" "
		"action=\"/importer\" enctype=\"multipart/form-data\">",
		_("Un tableur enregistré en CSV (séparateur virgule ou point-virgule) dont la "
		  "première ligne est celle d'un modèle ci-dessous. Chaque ligne est vérifiée "
		  "avant que rien ne soit enregistré."));
	hidden_csrf(u, f);
	fprintf(f, "<div><label for=\"fichier\">%s</label><input type=\"file\" "
		"id=\"fichier\" name=\"fichier\" accept=\".csv,text/csv\" required></div>"
		"<div><button type=\"submit\">%s</button></div></form>\n"
		"<h2>%s</h2>\n<p class=\"help\">%s</p><ul>", _("Fichier CSV"), _("Vérifier"),
		_("Modèles à remplir"), _("Un modèle n'a que la ligne d'en-tête : ajoutez une "
		  "ligne par enregistrement."));
	fprintf(f, "<li><a href=\"/modele?tableau=action\">%s</a></li>"
		"<li><a href=\"/modele?tableau=training\">%s</a></li>", tr(kind_pages[0].title),
		tr(kind_pages[1].title));
	if (catalogue_load(u->ctx, &cat) == 0)
		for (int i = 0; (k = catalogue_nth(cat, i, &t)); i++) {
			if (t->retired)
				continue;
			fprintf(f, "<li><a href=\"/modele?tableau=%s\">", t->code);
			ui_html(f, kind_label(k, 0));
			fputs("</a></li>", f);
		}
	fputs("</ul>\n", f);
	catalogue_free(cat);
	page_end(f, r);
}

static void do_import(ui *u, ui_req *q, ui_resp *r)
{
	const ui_field *up = ui_form_field(q, "fichier", 0);
	char name[128];
	const char *argv[] = { "import", "--check", name };
	int rc;

	if (!up || (!up->filename[0] && !up->len)) {
		flash(u, 1, _("Choisissez un fichier CSV."));
		page_import(u, r, NULL, 0);
		return;
	}
	if (u->pending[0])
		unlink(u->pending);
	u->pending[0] = '\0';
	safe_name(up->filename, "tableur.csv", name, sizeof name);
	if (save_upload(u, up, name) != 0) {
		flash(u, 1, _("Le fichier reçu n'a pas pu être enregistré (disque plein ?)."));
		page_import(u, r, NULL, 0);
		return;
	}
	rc = run_here(u, cmd_import, 3, argv);
	if (rc == 0 && snprintf(u->pending, sizeof u->pending, "%s/%s", u->tmpdir, name) <
	    (int)sizeof u->pending) {
		/* kept for the confirmation */
	} else {
		char path[PATH_CAP + 128];

		snprintf(path, sizeof path, "%s/%s", u->tmpdir, name);
		unlink(path);
	}
	page_import(u, r, u->said, rc == 0);
}

static void do_import_confirm(ui *u, ui_resp *r)
{
	const char *name = strrchr(u->pending, '/');
	const char *argv[] = { "import", name ? name + 1 : "" };
	int rc;

	if (!name) {
		flash(u, 1, _("Aucun tableur vérifié en attente : choisissez le fichier de "
			      "nouveau."));
		redirect(r, "/importer");
		return;
	}
	rc = run_here(u, cmd_import, 2, argv);
	unlink(u->pending);
	u->pending[0] = '\0';
	flash_said(u, rc);
	redirect(r, "/importer");
}

static void do_template(ui *u, ui_req *q, ui_resp *r)
{
	char name[96];
	const char *argv[] = { "template", "-o", name, ui_arg(q, "tableau") };
	char code[40];
	int rc;

	safe_name(ui_arg(q, "tableau"), "modele", code, sizeof code);
	snprintf(name, sizeof name, "modele-%s.csv", code);
	rc = run_here(u, cmd_template, 4, argv);
	if (rc == 0 && send_file(u, r, name, "text/csv; charset=utf-8") == 0)
		return;
	flash_said(u, rc ? rc : 1);
	redirect(r, "/importer");
}

/* ---- Quitter --------------------------------------------------------------------- */

/* The goodbye page asks nothing more of the server, which is stopping
 * (no style sheet: it might no longer be there to serve it). */
static void do_quit(ui *u, ui_resp *r)
{
	FILE *f = open_memstream(&r->body, &r->len);

	u->quit = 1;
	if (!f)
		return;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
		"<title>%s</title></head><body><main><h1>%s</h1><p>%s</p><p>%s</p>"
		"</main></body></html>\n", ui_lang(), _("Maillage : fenêtre fermée"),
		_("Fenêtre fermée"), _("Tout ce que vous avez saisi est enregistré sur ce poste. "
		  "Vous pouvez fermer cet onglet."),
		_("Pour rouvrir la fenêtre : lancez de nouveau Maillage (collector ui)."));
	if (fclose(f) != 0) {
		free(r->body);
		r->body = NULL;
		r->len = 0;
	}
}

/* ---- routes ----------------------------------------------------------------------- */

void ui_route(ui *u, ui_req *q, ui_resp *r)
{
	const char *p = q->path;

	if (!q->post) {
		if (strcmp(p, "/") == 0)
			page_home(u, r);
		else if (strcmp(p, "/comptages") == 0)
			page_counts(u, q, r);
		else if (strcmp(p, "/actions") == 0)
			page_kind(u, q, r, kind_page_of(REC_ACTION), NULL);
		else if (strcmp(p, "/formations") == 0)
			page_kind(u, q, r, kind_page_of(REC_TRAINING), NULL);
		else if (strcmp(p, "/organisation") == 0)
			page_kind(u, q, r, kind_page_of(REC_ORG), NULL);
		else if (strcmp(p, "/envoyer") == 0)
			page_send(u, r);
		else if (strcmp(p, "/accuses") == 0)
			page_receipts(u, r);
		else if (strcmp(p, "/importer") == 0)
			page_import(u, r, NULL, 0);
		else if (strcmp(p, "/modele") == 0)
			do_template(u, q, r);
		else
			not_found(u, r);
		return;
	}
	if (strcmp(p, "/comptages/cellule") == 0)
		do_cell(u, q, r);
	else if (strcmp(p, "/enregistrer") == 0)
		do_save(u, q, r);
	else if (strcmp(p, "/supprimer") == 0)
		do_delete(u, q, r);
	else if (strcmp(p, "/envoyer") == 0)
		do_send(u, q, r);
	else if (strcmp(p, "/accuses") == 0)
		do_receipts(u, q, r);
	else if (strcmp(p, "/importer") == 0)
		do_import(u, q, r);
	else if (strcmp(p, "/importer/confirmer") == 0)
		do_import_confirm(u, r);
	else if (strcmp(p, "/quitter") == 0)
		do_quit(u, r);
	else
		not_found(u, r);
}
