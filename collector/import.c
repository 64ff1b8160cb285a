/*
 * import.c - `collector import FILE.csv`: records from a spreadsheet.
 *
 * The kind of record is read from the header: its columns are the flag
 * names of `add` (samples/templates/ has one template per kind), plus an
 * optional `id` column, so that a file written by `list --format csv`,
 * corrected in a spreadsheet, imports back as edits.  A row with an id
 * updates that record; a row without one is a new record (support rows
 * follow the natural-key rule of `add support`).
 *
 * All or nothing: every row is checked and saved in one transaction, and
 * the first bad row refuses the whole file ("ligne 7 : champ dept : ...")
 * with nothing changed, so that a corrected file can simply be imported
 * again.
 *
 * `--check` reads the whole file the same way, in the same transaction,
 * but says every refused row, not only the first, and stores nothing:
 * the window shows the refusals before the user confirms an import.
 *
 * French spreadsheets save CSV with semicolons: a header with semicolons
 * and no comma is read that way.  Cells are read like flags (field_parse):
 * French labels and département names are accepted.
 *
 * Rows about départements the organisation does not work in are said
 * before the commit, and on a terminal asked about: a template's example
 * rows imported by mistake would otherwise join the real figures.
 */
#include "collector.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "csv.h"
#include "fields.h"
#include "fileio.h"
#include "records.h"
#include "store.h"

/* Against a wrong file given by mistake (a video, a disk image): far
 * above a year of entries for one organisation. */
#define IMPORT_MAX_BYTES (64u << 20)
#define IMPORT_MAX_ROWS  500000u

/* A growing output buffer for the semicolon conversion. */
typedef struct outbuf {
	char *p;
	size_t len, cap;
	int failed;
} outbuf;

static void put(outbuf *o, char c)
{
	if (o->failed)
		return;
	if (o->len == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 4096;
		char *np = realloc(o->p, cap);

		if (!np) {
			o->failed = 1;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	o->p[o->len++] = c;
}

/* Whether the first line has semicolons and no comma. */
static int semicolon_file(const char *d, size_t len)
{
	size_t i;
	int semi = 0;

	for (i = 0; i < len && d[i] != '\n' && d[i] != '\r'; i++) {
		if (d[i] == ',')
			return 0;
		if (d[i] == ';')
			semi = 1;
	}
	return semi;
}

/* Rewrites a semicolon-separated file as a comma-separated one with
 * every field quoted, keeping its line breaks, so that the RFC 4180
 * reader reports the same line numbers.  Malformed quoting is copied as
 * is, for the reader to refuse. */
static char *semicolons_to_commas(const char *d, size_t len, size_t *outlen)
{
	outbuf o = { 0 };
	size_t i = 0;
	int line_start = 1;

	while (i < len) {
		char c = d[i];

		if (line_start && (c == '\n' || c == '\r')) {
			put(&o, c);
			i++;
			continue;
		}
		line_start = 0;
		put(&o, '"');
		if (c == '"') {
			i++;
			while (i < len) {
				if (d[i] == '"' && i + 1 < len && d[i + 1] == '"') {
					put(&o, '"');
					put(&o, '"');
					i += 2;
				} else if (d[i] == '"') {
					i++;
					break;
				} else {
					put(&o, d[i++]);
				}
			}
			put(&o, '"');
			/* Text after the closing quote: copied, the reader refuses it. */
			while (i < len && d[i] != ';' && d[i] != '\n' && d[i] != '\r')
				put(&o, d[i++]);
		} else {
			while (i < len && d[i] != ';' && d[i] != '\n' && d[i] != '\r') {
				if (d[i] == '"')
					put(&o, '"');
				put(&o, d[i++]);
			}
			put(&o, '"');
		}
		if (i < len && d[i] == ';') {
			/* The next field, even an empty one before a line end,
			 * is written by the next turn of the loop. */
			put(&o, ',');
			i++;
		} else if (i < len) {
			if (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')
				put(&o, d[i++]);
			put(&o, d[i++]);
			line_start = 1;
		}
	}
	put(&o, '\0');
	if (o.failed) {
		free(o.p);
		return NULL;
	}
	*outlen = o.len - 1;
	return o.p;
}

typedef struct columns {
	const kind_desc *kind;
	int ncols;
	int id_col;                          /* -1 when absent */
	const field_desc *field[CSV_MAX_FIELDS];
} columns;

#define CANDIDATES_MAX (2 + QN_TABLES_MAX)

/* How far the header names[0..n) is from kind k: known columns, and the
 * required ones it lacks (listed into missing when not NULL). */
static void header_fit(const kind_desc *k, char names[][32], int n, int id_col, int *known,
		       int *nmissing, char *missing, size_t cap)
{
	int i, j;

	*known = *nmissing = 0;
	if (missing)
		missing[0] = '\0';
	for (i = 0; i < n; i++)
		if (i == id_col || kind_field(k, names[i]))
			(*known)++;
	for (j = 0; j < k->nfields; j++) {
		if (!(k->fields[j].flags & FF_REQUIRED))
			continue;
		for (i = 0; i < n; i++)
			if (strcmp(names[i], k->fields[j].code) == 0)
				break;
		if (i < n)
			continue;
		(*nmissing)++;
		if (missing && strlen(missing) + strlen(k->fields[j].code) + 3 < cap) {
			strcat(missing, missing[0] ? ", " : "");
			strcat(missing, k->fields[j].code);
		}
	}
}

/* Reads the header row into cols: the kind, among cands[0..ncands), whose
 * fields the columns name.  Writes a French reason into m on failure. */
static int read_header(const csv_reader *r, const kind_desc *const *cands, int ncands,
		       columns *cols, char *m, size_t cap)
{
	char names[CSV_MAX_FIELDS][32], missing[256];
	const kind_desc *best = cands[0], *match = NULL;
	int i, j, c, known, nmissing, best_score = -1000000, matches = 0;

	cols->ncols = r->nfields;
	cols->id_col = -1;
	for (i = 0; i < r->nfields; i++) {
		const char *s = r->fields[i];
		size_t n;

		while (*s == ' ')
			s++;
		n = strlen(s);
		while (n && s[n - 1] == ' ')
			n--;
		if (n >= sizeof names[i])
			n = sizeof names[i] - 1;
		for (j = 0; j < (int)n; j++)
			names[i][j] = (char)tolower((unsigned char)s[j]);
		names[i][n] = '\0';
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				snprintf(m, cap, _("ligne %u : la colonne « %s » apparaît deux fois"),
					 r->line, esc(names[i]));
				return -1;
			}
		if (strcmp(names[i], "id") == 0)
			cols->id_col = i;
	}
	for (c = 0; c < ncands; c++) {
		header_fit(cands[c], names, r->nfields, cols->id_col, &known, &nmissing, NULL, 0);
		if (known == r->nfields && !nmissing) {
			if (!matches++)
				match = cands[c];
			continue;
		}
		/* Resemblance: the columns it knows first, then the fewest
		 * required columns missing. */
		if (known * 100 - nmissing > best_score) {
			best_score = known * 100 - nmissing;
			best = cands[c];
		}
	}
	if (matches > 1) {
		snprintf(m, cap, _("ligne %u : ces colonnes sont celles de plusieurs tableaux du "
			 "questionnaire ; précisez lequel avec --table (voir collector tables)"),
			 r->line);
		return -1;
	}
	if (match) {
		cols->kind = match;
		for (i = 0; i < r->nfields; i++)
			cols->field[i] = i == cols->id_col ? NULL : kind_field(match, names[i]);
		return 0;
	}
	/* Explain against the kind the header resembles most. */
	for (i = 0; i < r->nfields; i++)
		if (i != cols->id_col && !kind_field(best, names[i])) {
			snprintf(m, cap, _("ligne %u : colonne « %s » inconnue pour un fichier "
				 "de type %s (voir collector template %s)"), r->line,
				 esc(names[i]), best->code, best->code);
			return -1;
		}
	header_fit(best, names, r->nfields, cols->id_col, &known, &nmissing, missing,
		   sizeof missing);
	snprintf(m, cap, _("ligne %u : colonnes obligatoires manquantes pour un fichier de "
		 "type %s : %s"), r->line, best->code, missing);
	return -1;
}

/* The kinds a file may hold: actions, trainings and the tables of the
 * questionnaire that are not retired; only `table` when given. */
static int candidates(const catalogue *cat, const char *table, const kind_desc **out)
{
	const qn_table *t;
	int n = 0;

	if (table) {
		out[0] = catalogue_table(cat, strcmp(table, "support") == 0 ? SUPPORT_TABLE :
					 table);
		return out[0] ? 1 : 0;
	}
	out[n++] = kind_desc_of(REC_ACTION);
	out[n++] = kind_desc_of(REC_TRAINING);
	for (int i = 0; i < catalogue_ntables(cat) && n < CANDIDATES_MAX; i++) {
		const kind_desc *k = catalogue_nth(cat, i, &t);

		if (!t->retired)
			out[n++] = k;
	}
	return n;
}

/* Whether every cell of the row is empty: spreadsheets leave such rows. */
static int empty_row(const csv_reader *r)
{
	int i;
	const char *s;

	for (i = 0; i < r->nfields; i++)
		for (s = r->fields[i]; *s; s++)
			if (*s != ' ' && *s != '\t')
				return 0;
	return 1;
}

#define LINES_SHOWN 5

typedef struct tally {
	unsigned rows, added, updated, unchanged;
	uint8_t ours[DEPT_COUNT];        /* the organisation's départements */
	int have_org;
	unsigned outside;                /* rows in none of them */
	unsigned lines[LINES_SHOWN];     /* the first of those rows */
	uint8_t elsewhere[DEPT_COUNT];   /* their départements */
} tally;

/* Notes a row about a département the organisation does not work in. */
static void note_dept(tally *t, const kind_desc *k, const record *r, unsigned line)
{
	const field_desc *f = kind_field(k, "dept");
	char code[8];
	int d;

	if (!t->have_org || !f || f->type != FT_DEPT)
		return;
	field_text(r, f, code, sizeof code);
	d = dept_find(code);
	if (d < 0 || t->ours[d])
		return;
	if (t->outside < LINES_SHOWN)
		t->lines[t->outside] = line;
	t->outside++;
	t->elsewhere[d] = 1;
}

/* "lignes 4, 7 (et 3 autres), départements 93, 94" into buf. */
static void outside_text(const tally *t, char *buf, size_t cap)
{
	size_t n = 0;
	unsigned i;
	int d, first = 1;

	n += (size_t)snprintf(buf, cap, "ligne%s", t->outside > 1 ? "s" : "");
	for (i = 0; i < t->outside && i < LINES_SHOWN && n < cap; i++)
		n += (size_t)snprintf(buf + n, cap - n, "%s%u", i ? ", " : " ", t->lines[i]);
	if (t->outside > LINES_SHOWN && n < cap)
		n += (size_t)snprintf(buf + n, cap - n, " (et %u autres)", t->outside - LINES_SHOWN);
	for (d = 0; d < DEPT_COUNT && n < cap; d++) {
		if (!t->elsewhere[d])
			continue;
		n += (size_t)snprintf(buf + n, cap - n, "%s%s", first ? ", département " : ", ",
				      DEPTS[d].code);
		first = 0;
	}
}

/* One data row.  0, or -1 with a French reason in m (without the line
 * number), or a library error in err (returns 1). */
static int import_row(store *s, const csv_reader *cr, const columns *cols, int64_t now,
		      record *r, stored *old, tally *t, char *m, size_t cap, fmt_error *err)
{
	enum save_outcome outcome;
	uint8_t id[16];
	int i, rc, have_id = 0;

	if (cr->nfields != cols->ncols) {
		snprintf(m, cap, _("%d cellule%s au lieu de %d (une par colonne de l'en-tête)"),
			 cr->nfields, cr->nfields > 1 ? "s" : "", cols->ncols);
		return -1;
	}
	if (cols->id_col >= 0 && cr->fields[cols->id_col][0]) {
		if (id_parse(cr->fields[cols->id_col], id) != 0) {
			snprintf(m, cap, _("identifiant invalide « %s » (32 caractères de 0 à 9 et a "
				 "à f, ou cellule vide pour un nouvel enregistrement)"),
				 esc(cr->fields[cols->id_col]));
			return -1;
		}
		rc = store_get(s, id, old, err);
		if (rc == FMT_DONE || (rc == FMT_OK && (old->rec.kind != cols->kind->kind ||
		    (old->rec.kind == REC_COUNT &&
		     strcmp(old->rec.u.count.table, cols->kind->code) != 0)))) {
			snprintf(m, cap, _("aucun%s %s n'a l'identifiant %s"),
				 cols->kind->kind == REC_COUNT ? "" : "e",
				 kind_french(cols->kind->kind, 0), esc(cr->fields[cols->id_col]));
			return -1;
		}
		if (rc)
			return 1;
		if (old->rec.deleted) {
			snprintf(m, cap, _("l'enregistrement %s a été supprimé"),
				 esc(cr->fields[cols->id_col]));
			return -1;
		}
		*r = old->rec;
		have_id = 1;
	} else {
		catalogue_blank(cols->kind, r);
		r->version = 1;
		r->recorded_at = now;
	}
	for (i = 0; i < cols->ncols; i++)
		/* The apostrophe that `list --format csv` puts before a
		 * would-be formula is not part of the text. */
		if (cols->field[i] && field_set(r, cols->field[i],
						csv_unneutralise(cr->fields[i]), m, cap) != 0)
			return -1;
	if (record_check(r, m, cap) != 0)
		return -1;
	if (have_id) {
		rc = records_update(s, old, r, now, &outcome, m, cap, err);
		if (rc == FMT_E_FIELD)
			return -1;
	} else {
		rc = records_add(s, r, now, &outcome, err);
	}
	if (rc)
		return 1;
	note_dept(t, cols->kind, r, cr->line);
	t->rows++;
	if (outcome == SAVED_NEW)
		t->added++;
	else if (outcome == SAVED_UNCHANGED)
		t->unchanged++;
	else
		t->updated++;
	return 0;
}

int cmd_import(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "table", 1, NULL }, { "check", 0, NULL } };
	const kind_desc *cands[CANDIDATES_MAX];
	catalogue *cat = NULL;
	int ncands;
	fmt_error err = { 0 };
	char *pos[1], m[1024];
	uint8_t *data = NULL;
	char *conv = NULL;
	const char *text, *path, *name;
	size_t len = 0;
	csv_reader *cr = NULL;
	columns cols;
	record *r = NULL;
	stored *old = NULL;
	store *s = NULL;
	tally t = { 0 };
	unsigned refused = 0;
	int npos, rc, check;
	int64_t now;

	if ((rc = args_parse("import", argc, argv, opts, 2, pos, 1, &npos)))
		return rc;
	if (npos != 1)
		return usage_error("import : précisez le fichier CSV à importer (ou - pour "
				   "l'entrée standard)");
	path = pos[0];
	check = opts[1].value != NULL;
	name = strcmp(path, "-") == 0 ? "entrée standard" : path;
	if ((rc = check_home(ctx)))
		return rc;
	if ((now = shell_now()) < 0)
		return EXIT_USAGE;
	if ((rc = catalogue_load(ctx, &cat)))
		return rc;
	ncands = candidates(cat, opts[0].value, cands);
	if (!ncands) {
		rc = usage_error("import : le questionnaire n'a pas de tableau « %s » (voir "
				 "collector tables)", esc(opts[0].value));
		goto out;
	}
	if (read_file_capped(path, IMPORT_MAX_BYTES, &data, &len, &err) != FMT_OK) {
		rc = fail(&err, name);
		goto out;
	}
	text = (const char *)data;
	/* A byte order mark first (Excel's "CSV UTF-8"), then the header. */
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (semicolon_file(text, len)) {
		conv = semicolons_to_commas(text, len, &len);
		if (!conv) {
			msg("mémoire insuffisante");
			rc = EXIT_INTERNAL;
			goto out;
		}
		text = conv;
	}
	cr = malloc(sizeof *cr);
	r = malloc(sizeof *r);
	old = malloc(sizeof *old);
	if (!cr || !r || !old) {
		msg("mémoire insuffisante");
		rc = EXIT_INTERNAL;
		goto out;
	}
	csv_reader_init(cr, text, len);
	rc = csv_next(cr, &err);
	if (rc == FMT_DONE) {
		msg("%s : fichier vide (il faut au moins la ligne d'en-tête ; modèles dans "
		    "samples/templates)", esc(name));
		rc = EXIT_REFUSED;
		goto out;
	}
	if (rc != FMT_OK) {
		rc = fail(&err, name);
		goto out;
	}
	if (read_header(cr, cands, ncands, &cols, m, sizeof m) != 0) {
		msg("%s : %s ; rien n'a été importé", esc(name), m);
		rc = EXIT_REFUSED;
		goto out;
	}

	if ((rc = store_open(&s, ctx->db_path, &err)) || (rc = store_begin(s, &err))) {
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	rc = store_org(s, old, &err);
	if (rc == FMT_OK) {
		t.have_org = 1;
		for (int i = 0; i < old->rec.u.org.ndepts && i < DEPT_COUNT; i++)
			t.ours[old->rec.u.org.depts[i] % DEPT_COUNT] = 1;
	} else if (rc != FMT_DONE) {
		store_rollback(s);
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	for (;;) {
		unsigned line;

		rc = csv_next(cr, &err);
		if (rc == FMT_DONE)
			break;
		if (rc != FMT_OK) {
			char fr[512];

			store_rollback(s);
			error_words(&err, fr, sizeof fr);
			msg("%s : %s ; rien n'a été importé", esc(name), fr);
			rc = shell_exit_status(err.code);
			goto out;
		}
		line = cr->line;
		if (empty_row(cr))
			continue;
		if (t.rows >= IMPORT_MAX_ROWS) {
			store_rollback(s);
			msg("%s : plus de %u lignes : découpez le fichier ; rien n'a été importé",
			    esc(name), IMPORT_MAX_ROWS);
			rc = EXIT_REFUSED;
			goto out;
		}
		rc = import_row(s, cr, &cols, now, r, old, &t, m, sizeof m, &err);
		if (rc < 0 && check) {
			msg("%s : ligne %u : %s", esc(name), line, m);
			refused++;
			continue;
		}
		if (rc < 0) {
			store_rollback(s);
			msg("%s : ligne %u : %s ; rien n'a été importé", esc(name), line, m);
			rc = EXIT_REFUSED;
			goto out;
		}
		if (rc > 0) {
			store_rollback(s);
			rc = fail(&err, ctx->db_path);
			goto out;
		}
	}
	if (check) {
		store_rollback(s);
		if (t.outside) {
			char where[256];

			outside_text(&t, where, sizeof where);
			msg("%s : %u ligne%s hors des départements de l'organisation (%s)",
			    esc(name), t.outside, t.outside > 1 ? "s" : "", where);
		}
		if (refused)
			msg("%s : %u ligne%s refusée%s, %u correcte%s ; rien n'a été importé",
			    esc(name), refused, refused > 1 ? "s" : "", refused > 1 ? "s" : "",
			    t.rows, t.rows > 1 ? "s" : "");
		else
			msg("%s : %u ligne%s correcte%s (%s) : %u nouveau%s, %u mis à jour, "
			    "%u inchangé%s ; rien n'a encore été importé", esc(name), t.rows,
			    t.rows > 1 ? "s" : "", t.rows > 1 ? "s" : "", cols.kind->fr_plural,
			    t.added, t.added > 1 ? "x" : "", t.updated, t.unchanged,
			    t.unchanged > 1 ? "s" : "");
		rc = refused ? EXIT_REFUSED : 0;
		goto out;
	}
	/* Rows about départements the organisation does not work in are
	 * most often a template's examples or another sheet's rows: said,
	 * and on a terminal asked about before anything is stored. */
	char where[256], q[512];

	if (t.outside) {
		outside_text(&t, where, sizeof where);
		snprintf(q, sizeof q, _("%s : %u ligne%s hors des départements de l'organisation "
			 "(%s)"), esc(name), t.outside, t.outside > 1 ? "s" : "", where);
		if (ctx->interactive && strcmp(path, "-") != 0) {
			msg("%s", q);
			if (!shell_confirm(_("Importer quand même ? (o/n) : "))) {
				store_rollback(s);
				msg("%s : rien n'a été importé", esc(name));
				rc = EXIT_REFUSED;
				goto out;
			}
		}
	}
	if ((rc = store_commit(s, &err))) {
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	/* Without a terminal, said once the rows are stored: a failed
	 * import stores nothing and says only why. */
	if (t.outside && !(ctx->interactive && strcmp(path, "-") != 0))
		msg("%s ; importée%s quand même : vérifiez le fichier", q,
		    t.outside > 1 ? "s" : "");
	if (t.rows == 0)
		msg("%s : aucune ligne à importer (seulement l'en-tête)", esc(name));
	else
		msg("%s : %u ligne%s importée%s (%s) : %u nouveau%s, %u mis à jour, %u inchangé%s",
		    esc(name), t.rows, t.rows > 1 ? "s" : "", t.rows > 1 ? "s" : "",
		    cols.kind->fr_plural, t.added, t.added > 1 ? "x" : "", t.updated,
		    t.unchanged, t.unchanged > 1 ? "s" : "");
	rc = 0;
out:
	store_close(s);
	catalogue_free(cat);
	free(data);
	free(conv);
	free(cr);
	free(r);
	free(old);
	return rc;
}
