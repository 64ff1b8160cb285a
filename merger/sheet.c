/*
 * sheet.c - tables as CSV or as a workbook (sheet.h).
 *
 * The workbook is libxlsxwriter's: it keeps every worksheet in memory
 * (a report is small) and writes the whole .xlsx file, a zip of XML
 * parts, when it is closed.  Strings go to its shared string table, so a
 * code is a string cell (t="s") and a number a number cell, whatever the
 * spreadsheet's locale.  It prints numbers with the C library, so the
 * numeric locale is "C" while the workbook is written, whatever the
 * program's.  A cell starting with "=" is a string cell like any other:
 * a workbook never runs it.  The library prints its own diagnostics on
 * stderr ("[ERROR][packager.c:...]"); the merger says what failed in one
 * line of its own, so those go to /dev/null while the file is written.
 */
#include "sheet.h"
#include "shell.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "csv.h"
#include "model.h"
#include "textout.h"

/* Columns of one table; the widest table (départements) has 20. */
#define SHEET_COLS_MAX 48
/* Column widths, in characters: at least the code's, at most this. */
#define WIDTH_MIN 6
#define WIDTH_MAX 60
/* A header wraps rather than widen its column past this. */
#define HEADER_WIDTH_MAX 18

struct sheet_out {
	FILE *csv;                       /* CSV, or NULL for a workbook */
	int tables;                      /* tables started */
	int ncols;

	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *head, *code, *share, *hidden;
	lxw_error lerr;                  /* the first error of the workbook */
	unsigned row;                    /* next row of ws */
	int width[SHEET_COLS_MAX];
	char tmpdir[4096];
	char title[256];
};

sheet_cell sheet_text(const char *s)
{
	return (sheet_cell){ s ? SC_TEXT : SC_EMPTY, s, 0 };
}

sheet_cell sheet_code(const char *s)
{
	return (sheet_cell){ s ? SC_CODE : SC_EMPTY, s, 0 };
}

sheet_cell sheet_int(long long n)
{
	return (sheet_cell){ SC_INT, NULL, n };
}

sheet_cell sheet_share(int tenths)
{
	return (sheet_cell){ tenths < 0 ? SC_EMPTY : SC_SHARE, NULL, tenths };
}

sheet_cell sheet_flag(int yes)
{
	return (sheet_cell){ SC_FLAG, NULL, yes != 0 };
}

int sheet_open_csv(sheet_out **o, FILE *f, fmt_error *err)
{
	*o = calloc(1, sizeof **o);
	if (!*o)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	(*o)->csv = f;
	return FMT_OK;
}

/* The folder of path, for libxlsxwriter's temporary files. */
static void folder_of(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(out, cap, ".");
	else if (slash == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

int sheet_open_xlsx(sheet_out **out, const char *path, const char *title, int64_t created,
		    fmt_error *err)
{
	lxw_workbook_options opts = { 0 };
	lxw_doc_properties props = { 0 };
	sheet_out *o = calloc(1, sizeof *o);

	*out = NULL;
	if (!o)
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	folder_of(path, o->tmpdir, sizeof o->tmpdir);
	snprintf(o->title, sizeof o->title, "%s", title);
	opts.tmpdir = o->tmpdir;
	o->wb = workbook_new_opt(path, &opts);
	if (!o->wb) {
		free(o);
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	}
	props.title = o->title;
	props.created = (time_t)created;
	o->lerr = workbook_set_properties(o->wb, &props);

	o->head = workbook_add_format(o->wb);
	format_set_bold(o->head);
	format_set_text_wrap(o->head);
	format_set_align(o->head, LXW_ALIGN_VERTICAL_TOP);
	format_set_bg_color(o->head, 0xDDE4EE);
	format_set_bottom(o->head, LXW_BORDER_THIN);
	/* Text, so that a code typed again stays a code. */
	o->code = workbook_add_format(o->wb);
	format_set_num_format(o->code, "@");
	o->share = workbook_add_format(o->wb);
	format_set_num_format(o->share, "0.0%");
	/* A count that suppression hides: its published text, grey. */
	o->hidden = workbook_add_format(o->wb);
	format_set_italic(o->hidden);
	format_set_align(o->hidden, LXW_ALIGN_RIGHT);
	format_set_bg_color(o->hidden, 0xD9D9D9);
	*out = o;
	return FMT_OK;
}

static void note(sheet_out *o, lxw_error e)
{
	if (e != LXW_NO_ERROR && o->lerr == LXW_NO_ERROR)
		o->lerr = e;
}

/* The French header of column c. */
static const char *col_fr(const sheet_col *c)
{
	const kind_desc *k;
	const field_desc *f;

	if (c->field && (k = kind_desc_of(c->kind)) && (f = kind_field(k, c->field)))
		return f->fr;
	return c->fr ? c->fr : c->code;
}

/* The width and filter of the worksheet being finished. */
static void finish_table(sheet_out *o)
{
	if (!o->ws || !o->ncols)
		return;
	for (int c = 0; c < o->ncols; c++)
		note(o, worksheet_set_column(o->ws, (lxw_col_t)c, (lxw_col_t)c,
					     o->width[c] + 2, NULL));
	note(o, worksheet_autofilter(o->ws, 0, 0, o->row > 1 ? o->row - 1 : 1,
				     (lxw_col_t)(o->ncols - 1)));
	o->ws = NULL;
}

static void grow(sheet_out *o, int c, int w)
{
	if (c < SHEET_COLS_MAX && w > o->width[c])
		o->width[c] = w > WIDTH_MAX ? WIDTH_MAX : w;
}

/* A new worksheet: name, or "Tableau N" when the workbook refuses it
 * (too long, a character it forbids, taken). */
static void add_sheet(sheet_out *o, const char *name)
{
	char alt[32];

	o->ws = NULL;
	if (workbook_validate_sheet_name(o->wb, name) == LXW_NO_ERROR)
		o->ws = workbook_add_worksheet(o->wb, name);
	for (int n = o->tables; !o->ws && n < o->tables + 1000; n++) {
		snprintf(alt, sizeof alt, "Tableau %d", n);
		if (workbook_validate_sheet_name(o->wb, alt) == LXW_NO_ERROR)
			o->ws = workbook_add_worksheet(o->wb, alt);
	}
	if (!o->ws)
		note(o, LXW_ERROR_MEMORY_MALLOC_FAILED);
}

void sheet_table(sheet_out *o, const char *name, const sheet_col *cols, int ncols)
{
	if (ncols > SHEET_COLS_MAX)
		ncols = SHEET_COLS_MAX;
	if (o->csv) {
		const char *head[SHEET_COLS_MAX];

		if (o->tables++ == 0) {
			for (int c = 0; c < ncols; c++)
				head[c] = cols[c].code;
			csv_start(o->csv);
			csv_write_row(o->csv, head, ncols);
		}
		return;
	}
	finish_table(o);
	add_sheet(o, name);
	o->tables++;
	o->ncols = ncols;
	o->row = 0;
	if (!o->ws)
		return;
	for (int c = 0; c < ncols; c++) {
		const char *fr = col_fr(&cols[c]);
		int w = text_width(fr), cw = text_width(cols[c].code);

		o->width[c] = 0;
		grow(o, c, w < HEADER_WIDTH_MAX ? w : HEADER_WIDTH_MAX);
		grow(o, c, cw > WIDTH_MIN ? cw : WIDTH_MIN);
		note(o, worksheet_write_string(o->ws, 0, (lxw_col_t)c, fr, o->head));
	}
	worksheet_freeze_panes(o->ws, 1, 0);
	o->row = 1;
}

static void csv_row(sheet_out *o, const sheet_cell *cells, int n)
{
	char num[SHEET_COLS_MAX][CSV_NUMBUF];
	const char *text[SHEET_COLS_MAX];

	for (int c = 0; c < n; c++) {
		const sheet_cell *x = &cells[c];

		switch (x->kind) {
		case SC_INT:
			snprintf(num[c], sizeof num[c], "%lld", x->n);
			text[c] = num[c];
			break;
		case SC_SHARE:
			text[c] = csv_decimal(x->n, num[c]);
			break;
		case SC_FLAG:
			text[c] = x->n ? "1" : "0";
			break;
		case SC_EMPTY:
			text[c] = "";
			break;
		default:
			text[c] = x->s;
		}
	}
	csv_write_row(o->csv, text, n);
}

void sheet_row(sheet_out *o, const sheet_cell *cells, int n)
{
	if (n > SHEET_COLS_MAX)
		n = SHEET_COLS_MAX;
	if (o->csv) {
		csv_row(o, cells, n);
		return;
	}
	if (!o->ws)
		return;
	for (int c = 0; c < n; c++) {
		const sheet_cell *x = &cells[c];
		lxw_col_t col = (lxw_col_t)c;
		char num[32];

		switch (x->kind) {
		case SC_TEXT:
			note(o, worksheet_write_string(o->ws, o->row, col, x->s, NULL));
			grow(o, c, text_width(x->s));
			break;
		case SC_CODE:
			note(o, worksheet_write_string(o->ws, o->row, col, x->s, o->code));
			grow(o, c, text_width(x->s));
			break;
		case SC_HIDDEN:
			note(o, worksheet_write_string(o->ws, o->row, col, x->s, o->hidden));
			grow(o, c, text_width(x->s));
			break;
		case SC_INT:
			note(o, worksheet_write_number(o->ws, o->row, col, (double)x->n, NULL));
			grow(o, c, snprintf(num, sizeof num, "%lld", x->n));
			break;
		case SC_SHARE:
			note(o, worksheet_write_number(o->ws, o->row, col, (double)x->n / 1000.0,
						       o->share));
			grow(o, c, 7);
			break;
		case SC_FLAG:
			note(o, worksheet_write_string(o->ws, o->row, col, x->n ? "oui" : "non",
						       NULL));
			break;
		default:
			break;
		}
	}
	o->row++;
}

/* workbook_close() with the numeric locale "C" and the library's own
 * diagnostics silenced; errno as the write left it in *sys. */
static lxw_error close_workbook(lxw_workbook *wb, int *sys)
{
	locale_t c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	locale_t old = c_locale ? uselocale(c_locale) : (locale_t)0;
	int saved, null;
	lxw_error e;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (saved >= 0 && null >= 0)
		dup2(null, STDERR_FILENO);
	errno = 0;
	e = workbook_close(wb);      /* frees the workbook, also on error */
	*sys = errno;
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, STDERR_FILENO);
		close(saved);
	}
	if (null >= 0)
		close(null);
	if (c_locale) {
		uselocale(old);
		freelocale(c_locale);
	}
	return e;
}

int sheet_close(sheet_out *o, fmt_error *err)
{
	lxw_error e;
	int sys;

	if (!o)
		return FMT_OK;
	if (o->csv) {
		/* The stream's errors are its owner's to check (ferror). */
		free(o);
		return FMT_OK;
	}
	finish_table(o);
	if (!o->tables)
		add_sheet(o, "Vide");
	e = close_workbook(o->wb, &sys);
	if (o->lerr == LXW_NO_ERROR)
		o->lerr = e;
	e = o->lerr;
	free(o);
	if (e == LXW_ERROR_MEMORY_MALLOC_FAILED || (e != LXW_NO_ERROR && sys == ENOMEM))
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	/* Creating or writing the file or a temporary one: the system's
	 * reason (a full disk) says more than the library's. */
	if (e >= LXW_ERROR_CREATING_XLSX_FILE && e <= LXW_ERROR_ZIP_CLOSE && sys)
		return fmt_fail(err, FMT_E_IO, _("cannot write the workbook: %s; nothing "
				"was written"), strerror(sys));
	if (e != LXW_NO_ERROR)
		return fmt_fail(err, FMT_E_IO, _("cannot write the workbook: %s; nothing "
				"was written"), lxw_strerror(e));
	return FMT_OK;
}
