/*
 * list.c - `collector list`: the live records, as an aligned table with
 * French labels (text), as CSV with codes (for a spreadsheet, and for
 * `import` back), or as JSON.
 *
 * Records are streamed from the store, never all held in memory: CSV and
 * JSON are written row by row; the text table makes two passes, the
 * first to measure its columns.  Free text is escaped for its output
 * (terminal controls shown as \xNN, CSV formulas neutralised, JSON
 * strings escaped): it is never interpreted.
 */
#include "collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "csv.h"
#include "fields.h"
#include "store.h"
#include "textout.h"

#define CELL_WIDTH  28       /* text table: cells cut beyond this many columns */
#define NOTE_WIDTH  40       /* ... and the note, last column, beyond this */
/* Hex digits of the id in the text table: its end, because ids made
 * together start alike (their first 12 digits are the creation time) while
 * their last 20 are random; `collector edit` accepts either end. */
#define SHORT_ID    12
#define VALUE_CAP   (REC_NOTE_MAX * 4 + 64)  /* a note with every byte escaped */
#define CSV_CELL_CAP (REC_NOTE_MAX + 1)      /* field_text's longest: a note */

enum list_format { FMT_TEXT, FMT_CSV, FMT_JSON };

typedef struct listing {
	enum list_format format;
	const kind_desc *kind;       /* a count table lists its own counts only */
	const field_desc *fs;
	int n;
	int pass;                    /* text: 1 measures, 2 prints */
	int width[17];
	unsigned count;
	int first;                   /* json: no comma before the first object */
	char *value, *cell;          /* VALUE_CAP scratch buffers */
	char *row;                   /* csv: 17 cells of CSV_CELL_CAP */
} listing;

/* Cuts s (already escaped) to at most maxw columns, "…" marking the cut. */
static void fit(char *s, int maxw)
{
	int w = 0;
	char *p = s, *cut = NULL;

	if (text_width(s) <= maxw)
		return;
	for (; *p; p++) {
		if (((unsigned char)*p & 0xC0) == 0x80)
			continue;
		if (w == maxw - 1) {
			cut = p;
			break;
		}
		w++;
	}
	if (cut)
		strcpy(cut, "…");
}

static int is_last(const listing *l, int i)
{
	return i == l->n - 1 && l->fs[i].type == FT_NOTE;
}

/* The text cell of column i (0: the id) of r into l->cell. */
static void text_cell(listing *l, const record *r, int i)
{
	char id[33];

	if (i == 0) {
		id_format(r->id, id);
		snprintf(l->cell, VALUE_CAP, "%s", id + 32 - SHORT_ID);
		return;
	}
	field_show(r, &l->fs[i - 1], 0, l->value, VALUE_CAP);
	term_text(l->value, l->cell, VALUE_CAP);
	fit(l->cell, is_last(l, i - 1) ? NOTE_WIDTH : CELL_WIDTH);
}

static void pad(int n)
{
	while (n-- > 0)
		putchar(' ');
}

/* Writes one cell of a table row.  The blanks that align the next
 * column are only written before a cell that has text, so that no line
 * ends in blanks. */
static void put_cell(const char *s, int width, int *pending)
{
	if (*s) {
		pad(*pending);
		fputs(s, stdout);
		*pending = width - text_width(s) + 2;
	} else {
		*pending += width + 2;
	}
}

static void text_header(listing *l)
{
	int i, pending = 0;

	put_cell("Identifiant", l->width[0], &pending);
	for (i = 0; i < l->n; i++)
		put_cell(l->fs[i].fr, l->width[i + 1], &pending);
	putchar('\n');
}

static void text_org(listing *l, const record *r)
{
	char id[33];
	int i;

	id_format(r->id, id);
	printf(_("Organisation\n"));
	for (i = 0; i < l->n; i++) {
		field_show(r, &l->fs[i], 0, l->value, VALUE_CAP);
		term_text(l->value, l->cell, VALUE_CAP);
		printf("  %s : %s\n", l->fs[i].fr, l->cell[0] ? l->cell : "—");
	}
	printf(_("  Identifiant : %s\n"), id);
}

static void json_record(listing *l, const stored *sr)
{
	const record *r = &sr->rec;
	char id[33], when[32];
	time_t t = (time_t)r->recorded_at;
	struct tm tm;
	int i;

	id_format(r->id, id);
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	else
		snprintf(when, sizeof when, "?");
	printf("%s\n  {\"id\": \"%s\", \"record\": \"%s\", \"version\": %u, "
	       "\"recorded_at\": \"%s\"", l->first ? "" : ",", id, record_kind_name(r->kind),
	       r->version, when);
	if (r->kind == REC_COUNT) {
		fputs(", \"table\": ", stdout);
		out_json_string(stdout, r->u.count.table);
	}
	l->first = 0;
	for (i = 0; i < l->n; i++) {
		const field_desc *f = &l->fs[i];

		printf(", \"%s\": ", f->code);
		field_text(r, f, l->value, VALUE_CAP);
		if (f->type == FT_SET || f->type == FT_DEPTS) {
			char *p = l->value, *comma;
			int first = 1;

			putchar('[');
			while (*p) {
				comma = strchr(p, ',');
				if (comma)
					*comma = '\0';
				printf("%s", first ? "" : ", ");
				out_json_string(stdout, p);
				first = 0;
				if (!comma)
					break;
				p = comma + 1;
			}
			putchar(']');
		} else if (!field_given(r, f) && !(f->flags & FF_REQUIRED) && f->type != FT_TEXT &&
			   f->type != FT_NOTE) {
			fputs("null", stdout);
		} else if (f->type == FT_NUMBER || f->type == FT_HOURS) {
			fputs(l->value, stdout);
		} else {
			out_json_string(stdout, l->value);
		}
	}
	putchar('}');
}

static int each_record(void *ctx, const stored *sr, fmt_error *err)
{
	listing *l = ctx;
	const record *r = &sr->rec;
	const char *cells[17];
	int i, w;

	if (r->kind == REC_COUNT && strcmp(r->u.count.table, l->kind->code) != 0)
		return FMT_OK;
	l->count++;
	switch (l->format) {
	case FMT_JSON:
		json_record(l, sr);
		break;
	case FMT_CSV:
		/* Each cell where its text already is, else formatted into
		 * its own part of l->row: csv_write_row takes them all at once. */
		id_format(r->id, l->row);
		cells[0] = l->row;
		for (i = 0; i < l->n; i++) {
			char *own = l->row + (size_t)(i + 1) * CSV_CELL_CAP;

			cells[i + 1] = field_given(r, &l->fs[i]) ?
				       field_text_static(r, &l->fs[i]) : "";
			if (!cells[i + 1]) {
				field_text(r, &l->fs[i], own, CSV_CELL_CAP);
				cells[i + 1] = own;
			}
		}
		csv_write_row(stdout, cells, l->n + 1);
		break;
	case FMT_TEXT:
		if (r->kind == REC_ORG) {
			text_org(l, r);
			break;
		}
		w = 0;          /* pass 2: blanks owed before the next cell */
		for (i = 0; i <= l->n; i++) {
			text_cell(l, r, i);
			if (l->pass == 1) {
				if (text_width(l->cell) > l->width[i])
					l->width[i] = text_width(l->cell);
			} else {
				put_cell(l->cell, l->width[i], &w);
			}
		}
		if (l->pass == 2)
			putchar('\n');
		break;
	}
	if (ferror(stdout))
		return fmt_fail(err, FMT_E_IO, "standard output: write error");
	return FMT_OK;
}

/* One kind (a count table: its counts) in the chosen format. */
static int list_kind(store *s, listing *l, const kind_desc *k, fmt_error *err)
{
	const char *cells[17];
	int i, rc;

	l->kind = k;
	l->fs = k->fields;
	l->n = k->nfields;
	l->count = 0;
	if (l->format == FMT_CSV) {
		cells[0] = "id";
		for (i = 0; i < l->n; i++)
			cells[i + 1] = l->fs[i].code;
		csv_write_row(stdout, cells, l->n + 1);
	}
	if (l->format != FMT_TEXT || k->kind == REC_ORG)
		return store_each(s, k->kind, STORE_LIVE, each_record, l, err);

	l->width[0] = text_width("Identifiant");
	for (i = 0; i < l->n; i++)
		l->width[i + 1] = text_width(l->fs[i].fr);
	l->pass = 1;
	if ((rc = store_each(s, k->kind, STORE_LIVE, each_record, l, err)))
		return rc;
	if (l->count == 0) {
		if (k->kind == REC_COUNT)
			printf(_("%s : aucun comptage enregistré\n"), k->fr);
		else
			printf(_("%s : aucune enregistrée\n"), k->fr_plural);
		return FMT_OK;
	}
	if (k->kind == REC_COUNT)
		printf("%s (%u)\n", k->fr, l->count);
	else
		printf("%c%s (%u)\n", k->fr_plural[0] - 'a' + 'A', k->fr_plural + 1, l->count);
	text_header(l);
	l->pass = 2;
	return store_each(s, k->kind, STORE_LIVE, each_record, l, err);
}

/* Whether table t holds any live count: the full listing shows the
 * tables a field worker filled, not every table of the questionnaire. */
static int table_used(store *s, const kind_desc *t, int *used, fmt_error *err)
{
	return store_table_used(s, t->code, used, err);
}

int cmd_list(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "format", 1, NULL } };
	static const int builtin[] = { REC_ORG, REC_ACTION, REC_TRAINING };
	const kind_desc *kind = NULL, *k;
	catalogue *cat = NULL;
	fmt_error err = { 0 };
	listing l;
	store *s = NULL;
	const char *fmt;
	char *pos[1];
	int npos, rc, used, shown = 0;
	size_t i;

	if ((rc = args_parse("list", argc, argv, opts, 1, pos, 1, &npos)))
		return rc;
	memset(&l, 0, sizeof l);
	fmt = opts[0].value ? opts[0].value : "text";
	if (strcmp(fmt, "text") == 0)
		l.format = FMT_TEXT;
	else if (strcmp(fmt, "csv") == 0)
		l.format = FMT_CSV;
	else if (strcmp(fmt, "json") == 0)
		l.format = FMT_JSON;
	else
		return usage_error("list : format inconnu « %s » (text, csv ou json)", esc(fmt));
	if (l.format == FMT_CSV && !npos)
		return usage_error("list : en CSV, précisez le type : list action|training|"
				   "organisation|TABLEAU --format csv");
	if ((rc = check_home(ctx)) || (rc = catalogue_load(ctx, &cat)))
		return rc;
	if (npos && !(kind = catalogue_find(cat, pos[0]))) {
		rc = usage_error("list : « %s » n'est ni un type d'enregistrement (action, training, "
				 "organisation) ni un tableau du questionnaire (voir collector "
				 "tables)", esc(pos[0]));
		goto out;
	}
	l.value = malloc(VALUE_CAP);
	l.cell = malloc(VALUE_CAP);
	l.row = malloc(17 * CSV_CELL_CAP);
	if (!l.value || !l.cell || !l.row) {
		rc = fmt_fail(&err, FMT_E_NOMEM, "out of memory");
		goto fail;
	}
	l.first = 1;
	if ((rc = store_open(&s, ctx->db_path, &err)))
		goto fail;
	/* A read transaction: every kind is listed from the same state. */
	if ((rc = store_begin_read(s, &err)))
		goto fail;
	if (l.format == FMT_JSON)
		putchar('[');
	if (kind) {
		if ((rc = list_kind(s, &l, kind, &err)))
			goto fail;
	} else {
		for (i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
			if (l.format == FMT_TEXT && shown++)
				putchar('\n');
			if ((rc = list_kind(s, &l, kind_desc_of(builtin[i]), &err)))
				goto fail;
		}
		/* The tables the organisation filled, in the questionnaire's order. */
		for (int t = 0; (k = catalogue_nth(cat, t, NULL)); t++) {
			if ((rc = table_used(s, k, &used, &err)))
				goto fail;
			if (!used)
				continue;
			if (l.format == FMT_TEXT)
				putchar('\n');
			if ((rc = list_kind(s, &l, k, &err)))
				goto fail;
		}
	}
	if (l.format == FMT_JSON)
		printf("%s]\n", l.first ? "" : "\n");
	store_rollback(s);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg("sortie standard : erreur d'écriture");
		rc = EXIT_IO;
		goto out;
	}
	rc = 0;
	goto out;
fail:
	rc = fail(&err, err.code == FMT_E_IO ? NULL : ctx->db_path);
out:
	if (s)
		store_rollback(s);
	store_close(s);
	catalogue_free(cat);
	free(l.value);
	free(l.cell);
	free(l.row);
	return rc;
}
