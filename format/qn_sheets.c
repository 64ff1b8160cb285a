/*
 * qn_sheets.c - the coordinator's two sheets, tables.csv and lists.csv:
 * read into a questionnaire (qn_parse, qn_read_dir) and written back
 * (qn_write_tables_csv, qn_write_lists_csv).
 *
 * The reader reads lists.csv first, then tables.csv (a table names
 * lists), row by row, applying the rules of questionnaire.c to each row
 * with the line it starts on, and goes on after a problem so that every
 * problem of both sheets is reported.  What only a sheet can get wrong is
 * checked here: its header, a cell outside it, a retired cell that is no
 * yes or no, a name that is no list, a gap among the dimensions, a rollup
 * not written LIST:VALUE.  At the end, qn_validate() must agree.
 */
#include "questionnaire.h"

#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "fileio.h"
#include "paths.h"
#include "qn_priv.h"

/* The columns of the sheets, in the order the writer puts them. */
static const char *const TABLE_COLUMNS[] = {
	"table", "title_fr", "title_en", "help_fr", "dim1", "dim2", "dim3", "dim4", "retired",
};
enum { TC_TABLE, TC_TITLE_FR, TC_TITLE_EN, TC_HELP_FR, TC_DIM1,
       TC_RETIRED = TC_DIM1 + QN_DIMS_MAX, TC_COUNT };
static const char *const LIST_COLUMNS[] = {
	"list", "value", "label_fr", "label_en", "retired", "rollup",
};
enum { LC_LIST, LC_VALUE, LC_LABEL_FR, LC_LABEL_EN, LC_RETIRED, LC_ROLLUP, LC_COUNT };
static const char *const RULE_COLUMNS[] = {
	"code", "left_table", "left_filter", "op", "right_table", "right_filter", "constant",
	"severity", "message_fr", "message_en",
};
enum { RC_CODE, RC_LEFT_TABLE, RC_LEFT_FILTER, RC_OP, RC_RIGHT_TABLE, RC_RIGHT_FILTER,
       RC_CONSTANT, RC_SEVERITY, RC_MESSAGE_FR, RC_MESSAGE_EN, RC_COUNT };
_Static_assert(sizeof RULE_COLUMNS / sizeof RULE_COLUMNS[0] == RC_COUNT, "rule columns");
_Static_assert(sizeof TABLE_COLUMNS / sizeof TABLE_COLUMNS[0] == TC_COUNT, "table columns");
_Static_assert(sizeof LIST_COLUMNS / sizeof LIST_COLUMNS[0] == LC_COUNT, "list columns");

/* ------------------------------------------------------------------ */
/* The sheets                                                          */

/* A sheet being read: its reader, and where each column is. */
struct sheet {
	struct sink *s;
	csv_reader *r;
	int pos[CSV_MAX_FIELDS];             /* cell of each column, -1 when absent */
	int named[CSV_MAX_FIELDS];           /* whether the header names cell i */
};

/* What parsing keeps beside the questionnaire until the end. */
struct draft {
	questionnaire *q;
	struct sink s;
	unsigned list_line[QN_ALL_LISTS];    /* line of each list's first row */
	unsigned own_line[QN_ALL_LISTS];     /* line of each list's own row, 0: none yet */
	uint8_t bad_name[QN_ALL_LISTS];      /* the list's name was refused */
	unsigned *value_line[QN_ALL_LISTS];  /* line of each value's row */
	char **rollup[QN_ALL_LISTS];         /* each value's rollup cell, NULL when empty */
	uint8_t full[QN_ALL_LISTS];          /* values beyond QN_VALUES_MAX dropped */
	int lists_full, tables_full;         /* lists or tables beyond their cap dropped */
	int lists_complete;                  /* every list of lists.csv was read */
	int tables_complete;                 /* every table of tables.csv was read */
	int rules_full;                      /* rules beyond QN_RULES_MAX dropped */
	int nomem;
};

/* "A".."Z", "AA".."AF": the column of cell i as a spreadsheet names it. */
static void column_letter(int i, char out[4])
{
	if (i < 26) {
		out[0] = (char)('A' + i);
		out[1] = '\0';
	} else {
		out[0] = (char)('A' + i / 26 - 1);
		out[1] = (char)('A' + i % 26);
		out[2] = '\0';
	}
}

/* The text of column c of the current row: "" when the column or the cell
 * is absent, and without the apostrophe the writer puts before a would-be
 * formula (csv_unneutralise). */
static const char *cell(const struct sheet *sh, int c)
{
	int i = sh->pos[c];

	if (i < 0 || i >= sh->r->nfields)
		return "";
	return csv_unneutralise(sh->r->fields[i]);
}

/* A CSV syntax error, as the reader gave it, put in its sheet. */
static void csv_problem(struct sink *s, const fmt_error *e)
{
	fmt_error p;

	fmt_fail_in(&p, e, s->where);
	snprintf(p.where, sizeof p.where, "%s", s->where);
	qn_deliver(s, &p);
}

/* Sets up sh to read a sheet and reads its header: every name it holds
 * must be a column of names (ASCII case aside), each once, and every column
 * but `optional` (-1: none) must be there.  Returns 0, or -1 when the rows
 * cannot be read (problems reported). */
static int sheet_open(struct sheet *sh, struct sink *s, csv_reader *r, const char *data,
		      size_t len, const char *const *names, int ncols, int optional)
{
	char expected[160] = "", letter[4];
	fmt_error e;
	int rc, i, c, bad = 0;

	memset(sh->named, 0, sizeof sh->named);
	sh->s = s;
	sh->r = r;
	for (c = 0; c < ncols; c++) {
		sh->pos[c] = -1;
		strcat(expected, c ? ", " : "");
		strcat(expected, names[c]);
	}
	csv_reader_init(r, data, len);
	csv_reader_set_separator(r, csv_guess_separator(data, len));
	rc = csv_next(r, &e);
	if (rc == FMT_DONE) {
		qn_problem(s, 1, FMT_E_FIELD, FMT_R_HEADER, NULL,
			"empty sheet: its first line names the columns: %s", expected);
		return -1;
	}
	if (rc) {
		csv_problem(s, &e);
		return -1;
	}
	for (i = 0; i < r->nfields; i++) {
		const char *name = r->fields[i];

		if (!name[0])
			continue;       /* spreadsheets leave empty cells after the last column */
		for (c = 0; c < ncols && !same_nocase(name, names[c]); c++)
			;
		column_letter(i, letter);
		if (c == ncols) {
			qn_problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, show(name).s,
				"unknown column, in column %s (the columns are: %s)", letter,
				expected);
			bad = 1;
		} else if (sh->pos[c] >= 0) {
			qn_problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, names[c],
				"named twice, the second time in column %s", letter);
			bad = 1;
		} else {
			sh->pos[c] = i;
			sh->named[i] = 1;
		}
	}
	for (c = 0; c < ncols; c++)
		if (sh->pos[c] < 0 && c != optional) {
			qn_problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, names[c],
				"missing column (the columns are: %s)", expected);
			bad = 1;
		}
	return bad ? -1 : 0;
}

/* The next row that holds anything: 1, or 0 at the end of the sheet, or
 * -1 after a CSV syntax error (reported), which ends the sheet.  A value
 * in a column the header does not name is reported, and the row read. */
static int sheet_next(struct sheet *sh)
{
	csv_reader *r = sh->r;
	char letter[4];
	fmt_error e;
	int rc, i;

	for (;;) {
		rc = csv_next(r, &e);
		if (rc == FMT_DONE)
			return 0;
		if (rc) {
			csv_problem(sh->s, &e);
			return -1;
		}
		for (i = 0; i < r->nfields && !r->fields[i][0]; i++)
			;
		if (i < r->nfields)
			break;          /* a row of empty cells is no row */
	}
	for (i = 0; i < r->nfields; i++)
		if (r->fields[i][0] && !sh->named[i]) {
			column_letter(i, letter);
			qn_problem(sh->s, r->line, FMT_E_FIELD, FMT_R_EXTRA, letter,
				"\"%s\" is in a column the header does not name",
				show(r->fields[i]).s);
		}
	return 1;
}

/* The retired column: 0 for "", 0, non, no; 1 for 1, oui, yes, x (case
 * aside); anything else is reported and read as 0. */
static int retired_cell(struct sink *s, unsigned line, const char *text)
{
	static const char *const no[] = { "", "0", "non", "no" };
	static const char *const yes[] = { "1", "oui", "yes", "x" };
	size_t i;

	for (i = 0; i < sizeof no / sizeof no[0]; i++)
		if (same_nocase(text, no[i]))
			return 0;
	for (i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (same_nocase(text, yes[i]))
			return 1;
	qn_problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "retired",
		"\"%s\" is neither yes nor no: leave the cell empty (or 0, non, no) for what "
		"is in use, write oui (or 1, yes, x) for what is retired", show(text).s);
	return 0;
}

/* The list's own row of list li, the row whose value cell is empty: it
 * gives the list's labels, once.  Its retired and rollup cells stay empty:
 * values are retired and rolled up, a list is not. */
static void list_own_row(struct draft *d, const struct sheet *sh, int li, unsigned line)
{
	static const int values_only[] = { LC_RETIRED, LC_ROLLUP };
	qn_list *l = &d->q->lists[li];
	char *fr, *en;
	size_t i;

	for (i = 0; i < sizeof values_only / sizeof values_only[0]; i++) {
		const char *text = cell(sh, values_only[i]);

		if (text[0])
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_EXTRA,
				LIST_COLUMNS[values_only[i]],
				"\"%s\" on the own row of list \"%s\" (its value cell is empty, "
				"so the row gives the list's labels): only values have a %s "
				"cell", show(text).s, show(l->t.name).s,
				LIST_COLUMNS[values_only[i]]);
	}
	if (d->own_line[li]) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "list",
			"list \"%s\" has its own row (value cell empty) twice, on line %u and "
			"here: one row gives the list's labels", show(l->t.name).s,
			d->own_line[li]);
		return;
	}
	d->own_line[li] = line;
	fr = copy_str(cell(sh, LC_LABEL_FR));
	en = copy_str(cell(sh, LC_LABEL_EN));
	if (!fr || !en) {
		free(fr);
		free(en);
		d->nomem = 1;
		return;
	}
	free(l->label_fr);
	free(l->label_en);
	l->label_fr = fr;
	l->label_en = en;
	qn_check_list_labels(&d->s, line, l, 1);
}

/* One row of lists.csv: a value of the list it names, or with its value
 * cell empty the list's own row; the first row of a list creates it. */
static void lists_row(struct draft *d, const struct sheet *sh)
{
	questionnaire *q = d->q;
	const char *name = cell(sh, LC_LIST), *roll = cell(sh, LC_ROLLUP);
	unsigned line = sh->r->line, before;
	enum_item *it;
	qn_list *l;
	int li, vi;

	if (!name[0]) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_REQUIRED, "list",
			"empty: every row names the list its value belongs to");
		return;
	}
	for (li = QN_BUILTIN_LISTS; li < q->nlists && strcmp(q->lists[li].t.name, name); li++)
		;
	if (li == q->nlists) {
		if (q->nlists == QN_ALL_LISTS) {
			if (!d->lists_full)
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "list",
					"list \"%s\": more than %d lists", show(name).s,
					QN_LISTS_MAX);
			d->lists_full = 1;
			d->lists_complete = 0;
			return;
		}
		l = &q->lists[q->nlists++];
		l->rollup = -1;
		d->list_line[li] = line;
		d->value_line[li] = calloc(QN_VALUES_MAX, sizeof *d->value_line[li]);
		d->rollup[li] = calloc(QN_VALUES_MAX, sizeof *d->rollup[li]);
		if (!(l->t.name = copy_str(name)) || !(l->label_fr = copy_str("")) ||
		    !(l->label_en = copy_str("")) || qn_list_alloc(l, QN_VALUES_MAX) ||
		    !d->value_line[li] || !d->rollup[li]) {
			d->nomem = 1;
			return;
		}
		before = d->s.count;
		qn_check_list_name(&d->s, line, q, li);
		d->bad_name[li] = d->s.count != before;
	}
	l = &q->lists[li];
	if (!cell(sh, LC_VALUE)[0]) {
		list_own_row(d, sh, li, line);
		return;
	}
	if (l->t.count == QN_VALUES_MAX) {
		if (!d->full[li])
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "value",
				"list \"%s\" has more than %d values", show(name).s, QN_VALUES_MAX);
		d->full[li] = 1;
		return;
	}
	vi = l->t.count++;
	it = &items_of(l)[vi];
	it->code = copy_str(cell(sh, LC_VALUE));
	it->fr = copy_str(cell(sh, LC_LABEL_FR));
	it->en = copy_str(cell(sh, LC_LABEL_EN));
	if (roll[0] && !(d->rollup[li][vi] = copy_str(roll)))
		d->nomem = 1;
	if (!it->code || !it->fr || !it->en || d->nomem) {
		d->nomem = 1;
		return;
	}
	d->value_line[li][vi] = line;
	qn_check_value(&d->s, line, l, vi);
	l->retired[vi] = (uint8_t)retired_cell(&d->s, line, cell(sh, LC_RETIRED));
}

/* The rollup cells of list li, once every list is known: all empty, or
 * all LIST:VALUE into one list of the sheet.  Only a list whose cells all
 * hold gets its rollup; problems are reported on the cells. */
static void resolve_rollup(struct draft *d, int li)
{
	questionnaire *q = d->q;
	qn_list *l = &q->lists[li];
	char lname[QN_CODE_MAX + 1];
	int v, given = 0, target = -1, ok = 1, *of;

	for (v = 0; v < l->t.count; v++)
		given += d->rollup[li][v] != NULL;
	if (!given)
		return;
	if (!(of = calloc((size_t)l->t.count, sizeof *of))) {
		d->nomem = 1;
		return;
	}
	for (v = 0; v < l->t.count; v++) {
		const char *cellv = d->rollup[li][v], *colon, *code = l->t.items[v].code;
		unsigned line = d->value_line[li][v];
		size_t n;
		int ti, vi;

		if (!cellv) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"value \"%s\" of list \"%s\" has no rollup, but others of the list "
				"have one: give one to every value, or to none", show(code).s,
				show(l->t.name).s);
			ok = 0;
			continue;
		}
		colon = strchr(cellv, ':');
		n = colon ? (size_t)(colon - cellv) : 0;
		if (!colon || n == 0 || !colon[1]) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_CODE, "rollup",
				"\"%s\" is not LIST:VALUE (e.g. world-region:subsaharan-africa)",
				show(cellv).s);
			ok = 0;
			continue;
		}
		ti = -1;
		if (n <= QN_CODE_MAX) {
			memcpy(lname, cellv, n);
			lname[n] = '\0';
			ti = qn_list_find(q, lname);
		} else {
			snprintf(lname, sizeof lname, "%s", cellv);
		}
		if (ti < 0) {
			if (d->lists_complete)
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
					"\"%s\": no list \"%s\" in lists.csv", show(cellv).s,
					show(lname).s);
			ok = 0;
			continue;
		}
		if (ti == li || q->lists[ti].builtin) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"\"%s\": list \"%s\" cannot roll up into %s", show(cellv).s,
				show(l->t.name).s, ti == li ? "itself" :
				"a built-in list (only into one of lists.csv)");
			ok = 0;
			continue;
		}
		if (target >= 0 && ti != target) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"\"%s\": the values of list \"%s\" roll up into \"%s\" above: all "
				"values of a list roll up into the same list", show(cellv).s,
				show(l->t.name).s, show(q->lists[target].t.name).s);
			ok = 0;
			continue;
		}
		target = ti;
		vi = qn_value_find(&q->lists[ti], colon + 1);
		if (vi < 0) {
			if (!d->full[ti])
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
					"\"%s\": list \"%s\" has no value \"%s\"", show(cellv).s,
					show(q->lists[ti].t.name).s, show(colon + 1).s);
			ok = 0;
			continue;
		}
		of[v] = vi;
	}
	if (ok) {
		l->rollup = target;
		l->rollup_of = of;
	} else {
		free(of);
	}
}

static void read_lists(struct draft *d, csv_reader *r, const char *data, size_t len)
{
	struct sheet sh;
	int rc = 0, li;

	d->s.where = QN_LISTS_SHEET;
	if (sheet_open(&sh, &d->s, r, data, len, LIST_COLUMNS, LC_COUNT, LC_ROLLUP))
		return;
	d->lists_complete = 1;
	while (!d->nomem && (rc = sheet_next(&sh)) == 1)
		lists_row(d, &sh);
	if (rc < 0)
		d->lists_complete = 0;
	/* A list's own row alone makes a list without values.  Not said of a
	 * list whose name was refused (a built-in list relabelled has
	 * values), nor when rows were lost to a CSV error. */
	for (li = QN_BUILTIN_LISTS; li < d->q->nlists && d->lists_complete; li++) {
		const qn_list *l = &d->q->lists[li];

		if (l->t.count == 0 && !d->bad_name[li])
			qn_problem(&d->s, d->list_line[li], FMT_E_FIELD, FMT_R_REQUIRED, "value",
				"list \"%s\" without value: its own row (value cell empty) "
				"gives its labels, the other rows its values", show(l->t.name).s);
	}
	for (li = QN_BUILTIN_LISTS; li < d->q->nlists && !d->nomem; li++)
		resolve_rollup(d, li);
	if (!d->nomem)
		qn_check_rollups(&d->s, d->q, d->list_line);
}

/* The list a dimension names: its index, or -1 (reported, unless lists.csv
 * could not be read to its end and the name may be of a list lost there). */
static int dim_list(struct draft *d, unsigned line, const char *field, const char *name)
{
	const questionnaire *q = d->q;
	int li;

	if (qn_reserved_name(name)) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_RESERVED_NAME, field,
			"\"%s\" is a reserved name, not a list (period and département "
			"are on every table without being dimensions)", show(name).s);
		return -1;
	}
	if ((li = qn_list_find(q, name)) >= 0)
		return li;
	for (li = 0; li < q->nlists; li++)
		if (same_nocase(name, q->lists[li].t.name)) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"no list \"%s\"; codes are case-sensitive: \"%s\"?", show(name).s,
				show(q->lists[li].t.name).s);
			return -1;
		}
	if (d->lists_complete)
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
			"no list \"%s\": a dimension names a built-in list (status, exploitation, "
			"sex, age) or a list of lists.csv", show(name).s);
	return -1;
}

/* One row of tables.csv: one table.  Its dimensions keep the places of
 * their cells: an empty cell before a given one is a gap, reported, and
 * left as -1. */
static void tables_row(struct draft *d, const struct sheet *sh)
{
	questionnaire *q = d->q;
	unsigned line = sh->r->line;
	char field[16];
	qn_table *t;
	int k, empty = 0, gap = 0;

	if (q->ntables == QN_TABLES_MAX) {
		if (!d->tables_full)
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "table",
				"more than %d tables", QN_TABLES_MAX);
		d->tables_full = 1;
		return;
	}
	t = &q->tables[q->ntables++];
	t->code = copy_str(cell(sh, TC_TABLE));
	t->title_fr = copy_str(cell(sh, TC_TITLE_FR));
	t->title_en = copy_str(cell(sh, TC_TITLE_EN));
	t->help_fr = copy_str(cell(sh, TC_HELP_FR));
	if (!t->code || !t->title_fr || !t->title_en || !t->help_fr) {
		d->nomem = 1;
		return;
	}
	qn_check_table_text(&d->s, line, q, q->ntables - 1);
	for (k = 0; k < QN_DIMS_MAX; k++) {
		const char *name = cell(sh, TC_DIM1 + k);

		snprintf(field, sizeof field, "dim%d", k + 1);
		if (!name[0]) {
			if (!empty)
				empty = k + 1;
			continue;
		}
		if (empty && !gap) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_GAP, field,
				"%s is given but dim%d is empty: dimensions go from dim1 on, "
				"without a gap", field, empty);
			gap = 1;
		}
		while (t->ndims < k)
			t->dims[t->ndims++] = -1;
		t->dims[t->ndims++] = dim_list(d, line, field, name);
	}
	qn_check_table_dims(&d->s, line, q, q->ntables - 1);
	t->retired = retired_cell(&d->s, line, cell(sh, TC_RETIRED));
}

static void read_tables(struct draft *d, csv_reader *r, const char *data, size_t len)
{
	struct sheet sh;
	int rc = 0;

	d->s.where = QN_TABLES_SHEET;
	if (sheet_open(&sh, &d->s, r, data, len, TABLE_COLUMNS, TC_COUNT, -1))
		return;
	while (!d->nomem && (rc = sheet_next(&sh)) == 1)
		tables_row(d, &sh);
	d->tables_complete = rc == 0 && !d->tables_full;
	if (rc == 0 && !d->nomem && d->q->ntables == 0)
		qn_problem(&d->s, 0, FMT_E_FIELD, FMT_R_REQUIRED, "table",
			"no table: a questionnaire has at least one");
}

/* ------------------------------------------------------------------ */
/* rules.csv                                                           */

/* The table a rule names in column field: its index, or -1 (reported,
 * unless tables.csv could not be read to its end). */
static int rule_table(struct draft *d, unsigned line, const char *field, const char *name)
{
	const questionnaire *q = d->q;
	int ti;

	for (ti = 0; ti < q->ntables; ti++)
		if (strcmp(q->tables[ti].code, name) == 0)
			return ti;
	for (ti = 0; ti < q->ntables; ti++)
		if (same_nocase(name, q->tables[ti].code)) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"no table \"%s\"; codes are case-sensitive: \"%s\"?", show(name).s,
				show(q->tables[ti].code).s);
			return -1;
		}
	if (d->tables_complete)
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
			"no table \"%s\" in tables.csv", show(name).s);
	return -1;
}

static int cmp_u16(const void *a, const void *b)
{
	return (int)*(const uint16_t *)a - (int)*(const uint16_t *)b;
}

/* A filter cell, "dim=value|value,dim=value", restricting side sd (whose
 * table is known) to those values.  Each dimension names a list of the
 * table, once; each value a value of it, once.  Returns -1 when reported. */
static int rule_filter(struct draft *d, unsigned line, const char *field, const char *text,
		       qn_side *sd)
{
	const questionnaire *q = d->q;
	const qn_table *t = &q->tables[sd->table];
	char part[256], *eq, *val, *bar;
	const char *p = text, *comma;
	size_t n;
	int k, v, i;

	while (*p) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof part) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_TOO_LONG, field,
				"\"%s\": a restriction of more than %zu bytes", show(p).s,
				sizeof part - 1);
			return -1;
		}
		memcpy(part, p, n);
		part[n] = '\0';
		p += n + (comma != NULL);
		if (!(eq = strchr(part, '=')) || eq == part || !eq[1]) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_CODE, field,
				"\"%s\" is not LIST=VALUE or LIST=VALUE|VALUE (e.g. status=supported)",
				show(part).s);
			return -1;
		}
		*eq = '\0';
		val = eq + 1;
		/* A dimension whose list the tables sheet did not know is
		 * negative here (already reported): it matches nothing. */
		for (k = 0; k < t->ndims &&
			    (t->dims[k] < 0 || strcmp(q->lists[t->dims[k]].t.name, part)); k++)
			;
		if (k == t->ndims) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"table \"%s\" has no dimension \"%s\"", show(t->code).s, show(part).s);
			return -1;
		}
		if (sd->nvalues[k]) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_DUPLICATE, field,
				"dimension \"%s\" is restricted twice: list its values once, "
				"separated by |", show(part).s);
			return -1;
		}
		for (;;) {
			bar = strchr(val, '|');
			if (bar)
				*bar = '\0';
			v = qn_value_find(&q->lists[t->dims[k]], val);
			if (v < 0) {
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
					"list \"%s\" has no value \"%s\"", show(part).s, show(val).s);
				return -1;
			}
			for (i = 0; i < sd->nvalues[k] && sd->values[k][i] != v; i++)
				;
			if (i < sd->nvalues[k]) {
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_DUPLICATE, field,
					"value \"%s\" of \"%s\" given twice", show(val).s,
					show(part).s);
				return -1;
			}
			if (sd->nvalues[k] == QN_FILTER_MAX) {
				qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, field,
					"more than %d values of \"%s\"", QN_FILTER_MAX, show(part).s);
				return -1;
			}
			sd->values[k][sd->nvalues[k]++] = (uint16_t)v;
			if (!bar)
				break;
			val = bar + 1;
		}
		qsort(sd->values[k], (size_t)sd->nvalues[k], sizeof sd->values[k][0], cmp_u16);
	}
	return 0;
}

/* A side: its table cell and its filter cell. */
static int rule_side(struct draft *d, unsigned line, const struct sheet *sh, int tcol,
		     int fcol, qn_side *sd)
{
	const char *table = cell(sh, tcol), *filter = cell(sh, fcol);

	sd->table = -1;
	if (!table[0]) {
		if (filter[0]) {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_EXTRA, RULE_COLUMNS[fcol],
				"\"%s\" restricts no table: %s is empty", show(filter).s,
				RULE_COLUMNS[tcol]);
			return -1;
		}
		return 0;
	}
	if ((sd->table = rule_table(d, line, RULE_COLUMNS[tcol], table)) < 0)
		return -1;
	return rule_filter(d, line, RULE_COLUMNS[fcol], filter, sd);
}

/* A constant: digits, spaces (plain, no-break, narrow no-break) between
 * groups of them as a French spreadsheet shows them; at most max. */
static int rule_constant(struct draft *d, unsigned line, const char *text, uint32_t max,
			 uint32_t *out)
{
	const unsigned char *p = (const unsigned char *)text;
	uint64_t v = 0;
	int digits = 0;

	while (*p) {
		if (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint64_t)(*p++ - '0');
			digits++;
			if (v > max)
				break;
		} else if (*p == ' ' && digits) {
			p++;
		} else if (p[0] == 0xC2 && p[1] == 0xA0 && digits) {
			p += 2;
		} else if (p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0xAF && digits) {
			p += 3;
		} else {
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_RANGE, "constant",
				"\"%s\" is not a whole number (digits only: 100000, or 100 000)",
				show(text).s);
			return -1;
		}
	}
	if (v > max) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_RANGE, "constant",
			"\"%s\" is above %lu", show(text).s, (unsigned long)max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* One row of rules.csv: a rule, or a setting of the outlier checks. */
static void rules_row(struct draft *d, const struct sheet *sh)
{
	static const struct { const char *op; int kind; } OPS[] = {
		{ "<=", QN_RULE_LE }, { "=", QN_RULE_EQ }, { "==", QN_RULE_EQ },
		{ ">=", QN_RULE_GE }, { "outlier", QN_RULE_OUTLIER }, { "above", QN_RULE_ABOVE },
	};
	questionnaire *q = d->q;
	unsigned line = sh->r->line, before = d->s.count;
	const char *op = cell(sh, RC_OP), *sev = cell(sh, RC_SEVERITY);
	const char *constant = cell(sh, RC_CONSTANT);
	qn_rule *r;
	size_t i;
	int compare, bad = 0;

	if (q->nrules == QN_RULES_MAX) {
		if (!d->rules_full)
			qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "code",
				"more than %d rules", QN_RULES_MAX);
		d->rules_full = 1;
		return;
	}
	r = &q->rules[q->nrules];
	memset(r, 0, sizeof *r);
	r->code = copy_str(cell(sh, RC_CODE));
	r->message_fr = copy_str(cell(sh, RC_MESSAGE_FR));
	r->message_en = copy_str(cell(sh, RC_MESSAGE_EN));
	q->nrules++;
	if (!r->code || !r->message_fr || !r->message_en) {
		d->nomem = 1;
		return;
	}
	for (i = 0; i < sizeof OPS / sizeof OPS[0] && !same_nocase(op, OPS[i].op); i++)
		;
	if (i == sizeof OPS / sizeof OPS[0]) {
		qn_problem(&d->s, line, FMT_E_FIELD, op[0] ? FMT_R_UNKNOWN : FMT_R_REQUIRED, "op",
			"\"%s\" is not <=, =, >=, outlier or above", show(op).s);
		bad = 1;
		r->kind = QN_RULE_LE;
	} else {
		r->kind = OPS[i].kind;
	}
	compare = r->kind <= QN_RULE_GE;
	if (same_nocase(sev, "error") || same_nocase(sev, "erreur")) {
		r->severity = QN_ERROR;
	} else if (same_nocase(sev, "warning") || same_nocase(sev, "avertissement") ||
		   (!compare && !sev[0])) {
		r->severity = QN_WARNING;
	} else {
		qn_problem(&d->s, line, FMT_E_FIELD, sev[0] ? FMT_R_UNKNOWN : FMT_R_REQUIRED,
			"severity", "\"%s\" is neither warning nor error", show(sev).s);
		bad = 1;
	}
	if (rule_side(d, line, sh, RC_LEFT_TABLE, RC_LEFT_FILTER, &r->left))
		bad = 1;
	if (rule_side(d, line, sh, RC_RIGHT_TABLE, RC_RIGHT_FILTER, &r->right))
		bad = 1;
	if (compare && !cell(sh, RC_RIGHT_TABLE)[0] && !constant[0]) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_REQUIRED, "constant",
			"rule \"%s\": the right side is a table (right_table) or a number "
			"(constant): neither is given", show(r->code).s);
		bad = 1;
	} else if (!compare && !constant[0]) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_REQUIRED, "constant",
			"rule \"%s\": %s needs its number in constant", show(r->code).s,
			qn_rule_op(r->kind));
		bad = 1;
	} else if (constant[0] &&
		   rule_constant(d, line, constant, r->kind == QN_RULE_OUTLIER ? QN_FACTOR_MAX :
				 r->kind == QN_RULE_ABOVE ? REC_COUNT_MAX : QN_CONSTANT_MAX,
				 &r->constant)) {
		bad = 1;
	} else if (compare && constant[0] && cell(sh, RC_RIGHT_TABLE)[0]) {
		qn_problem(&d->s, line, FMT_E_FIELD, FMT_R_EXTRA, "constant",
			"rule \"%s\": a table and a constant on the right: give one of them",
			show(r->code).s);
		bad = 1;
	}
	/* The model's checks, on what the cells gave; a row whose cells were
	 * refused is not looked at twice. */
	if (!bad && d->s.count == before)
		qn_check_rule(&d->s, line, q, q->nrules - 1);
}

static void read_rules(struct draft *d, csv_reader *r, const char *data, size_t len)
{
	struct sheet sh;
	int rc = 0;

	d->s.where = QN_RULES_SHEET;
	if (!(d->q->rules = calloc(QN_RULES_MAX, sizeof *d->q->rules))) {
		d->nomem = 1;
		return;
	}
	if (sheet_open(&sh, &d->s, r, data, len, RULE_COLUMNS, RC_COUNT, RC_MESSAGE_EN))
		return;
	while (!d->nomem && (rc = sheet_next(&sh)) == 1)
		rules_row(d, &sh);
}

static void draft_free(struct draft *d)
{
	int li, v;

	if (!d)
		return;
	for (li = 0; li < QN_ALL_LISTS; li++) {
		for (v = 0; d->rollup[li] && v < QN_VALUES_MAX; v++)
			free(d->rollup[li][v]);
		free(d->rollup[li]);
		free(d->value_line[li]);
	}
	qn_free(d->q);
	free(d);
}

int qn_parse(const char *tables_csv, size_t tlen, const char *lists_csv, size_t llen,
	     questionnaire **out, qn_problem_fn fn, void *ctx, fmt_error *err)
{
	return qn_parse_rules(tables_csv, tlen, lists_csv, llen, NULL, 0, out, fn, ctx, err);
}

int qn_parse_rules(const char *tables_csv, size_t tlen, const char *lists_csv, size_t llen,
		   const char *rules_csv, size_t rlen, questionnaire **out, qn_problem_fn fn,
		   void *ctx, fmt_error *err)
{
	struct draft *d = calloc(1, sizeof *d);
	csv_reader *r = malloc(sizeof *r);   /* a 16 KiB arena: not on the stack */
	struct sink check;
	int rc;

	*out = NULL;
	if (!d || !r || !(d->q = qn_new(QN_ALL_LISTS, QN_TABLES_MAX)) || qn_add_builtins(d->q)) {
		draft_free(d);
		free(r);
		qn_sink_init(&check, fn, ctx, "");
		qn_problem(&check, 0, FMT_E_NOMEM, FMT_R_NONE, NULL, "out of memory");
		if (err)
			*err = check.first;
		return FMT_E_NOMEM;
	}
	qn_sink_init(&d->s, fn, ctx, QN_LISTS_SHEET);
	read_lists(d, r, lists_csv, lists_csv ? llen : 0);
	if (!d->nomem)
		read_tables(d, r, tables_csv, tables_csv ? tlen : 0);
	if (!d->nomem && rules_csv)
		read_rules(d, r, rules_csv, rlen);
	free(r);
	if (d->nomem) {
		d->s.where = "";
		qn_problem(&d->s, 0, FMT_E_NOMEM, FMT_R_NONE, NULL, "out of memory");
	}
	/* The rows passed the same checks as they were read; qn_validate() is
	 * what qn_encode() and qn_decode() apply, and must agree. */
	if (!d->s.count) {
		qn_sink_init(&check, NULL, NULL, "");
		qn_validate(d->q, &check);
		if (check.count)
			qn_deliver(&d->s, &check.first);
	}
	rc = d->s.count ? d->s.first.code : FMT_OK;
	if (rc) {
		if (err)
			*err = d->s.first;
	} else {
		*out = d->q;
		d->q = NULL;
	}
	draft_free(d);
	return rc;
}

int qn_read_dir(const char *dir, questionnaire **out, qn_problem_fn fn, void *ctx,
		fmt_error *err)
{
	static const char *const sheets[3] = { QN_TABLES_SHEET, QN_LISTS_SHEET, QN_RULES_SHEET };
	char path[PATH_CAP];
	uint8_t *data[3] = { NULL, NULL, NULL };
	size_t len[3] = { 0, 0, 0 };
	struct sink s;
	fmt_error sub;
	int i, rc;

	*out = NULL;
	qn_sink_init(&s, fn, ctx, "");
	for (i = 0; i < 3; i++) {
		if (path_join(path, dir, sheets[i], &sub) == FMT_OK) {
			if (i == 2 && !path_exists(path))
				continue;       /* no rules.csv: no rules */
			if (read_file_capped(path, QN_SHEET_MAX, &data[i], &len[i], &sub) == FMT_OK)
				continue;
		}
		snprintf(sub.where, sizeof sub.where, "%s", sheets[i]);
		qn_deliver(&s, &sub);
	}
	if (s.count) {
		rc = s.first.code;
		if (err)
			*err = s.first;
	} else {
		rc = qn_parse_rules((const char *)data[0], len[0], (const char *)data[1], len[1],
				    data[2] ? (const char *)data[2] : NULL, len[2], out, fn, ctx,
				    err);
	}
	free(data[0]);
	free(data[1]);
	free(data[2]);
	return rc;
}

/* ------------------------------------------------------------------ */
/* The sheets written back                                             */

int qn_write_tables_csv(FILE *f, const questionnaire *q)
{
	const char *cells[TC_COUNT];
	int ti, k;

	if (csv_write_row(f, TABLE_COLUMNS, TC_COUNT) == EOF)
		return EOF;
	for (ti = 0; ti < q->ntables; ti++) {
		const qn_table *t = &q->tables[ti];

		cells[TC_TABLE] = t->code;
		cells[TC_TITLE_FR] = t->title_fr;
		cells[TC_TITLE_EN] = t->title_en;
		cells[TC_HELP_FR] = t->help_fr;
		for (k = 0; k < QN_DIMS_MAX; k++)
			cells[TC_DIM1 + k] = k < t->ndims && t->dims[k] >= 0 &&
					     t->dims[k] < q->nlists ?
					     q->lists[t->dims[k]].t.name : "";
		cells[TC_RETIRED] = t->retired ? "oui" : "";
		if (csv_write_row(f, cells, TC_COUNT) == EOF)
			return EOF;
	}
	return 0;
}

int qn_write_lists_csv(FILE *f, const questionnaire *q)
{
	const char *cells[LC_COUNT];
	char roll[2 * QN_CODE_MAX + 2];
	int li, v;

	if (csv_write_row(f, LIST_COLUMNS, LC_COUNT) == EOF)
		return EOF;
	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li];

		if (l->builtin)
			continue;
		if (l->label_fr[0] || l->label_en[0]) {
			cells[LC_LIST] = l->t.name;
			cells[LC_VALUE] = "";
			cells[LC_LABEL_FR] = l->label_fr;
			cells[LC_LABEL_EN] = l->label_en;
			cells[LC_RETIRED] = "";
			cells[LC_ROLLUP] = "";
			if (csv_write_row(f, cells, LC_COUNT) == EOF)
				return EOF;
		}
		for (v = 0; v < l->t.count; v++) {
			roll[0] = '\0';
			if (l->rollup >= 0 && l->rollup_of)
				snprintf(roll, sizeof roll, "%s:%s", q->lists[l->rollup].t.name,
					 q->lists[l->rollup].t.items[l->rollup_of[v]].code);
			cells[LC_LIST] = l->t.name;
			cells[LC_VALUE] = l->t.items[v].code;
			cells[LC_LABEL_FR] = l->t.items[v].fr;
			cells[LC_LABEL_EN] = l->t.items[v].en;
			cells[LC_RETIRED] = l->retired[v] ? "oui" : "";
			cells[LC_ROLLUP] = roll;
			if (csv_write_row(f, cells, LC_COUNT) == EOF)
				return EOF;
		}
	}
	return 0;
}

/* A side's filter cell, "dim=value|value,dim=value", dimensions in the
 * table's order and values in their list's. */
static void filter_text(const questionnaire *q, const qn_side *sd, char *buf, size_t cap)
{
	const qn_table *t;
	size_t used;
	int k, i, first = 1;

	buf[0] = '\0';
	if (sd->table < 0)
		return;
	t = &q->tables[sd->table];
	for (k = 0; k < t->ndims; k++) {
		const qn_list *l;

		if (!sd->nvalues[k])
			continue;
		l = &q->lists[t->dims[k]];
		used = strlen(buf);
		snprintf(buf + used, cap - used, "%s%s=", first ? "" : ",", l->t.name);
		first = 0;
		for (i = 0; i < sd->nvalues[k]; i++) {
			used = strlen(buf);
			snprintf(buf + used, cap - used, "%s%s", i ? "|" : "",
				 l->t.items[sd->values[k][i]].code);
		}
	}
}

int qn_write_rules_csv(FILE *f, const questionnaire *q)
{
	/* a filter: 4 dimensions of 32 values of 32 bytes, with their names */
	char lf[QN_DIMS_MAX * (QN_CODE_MAX + 2 + QN_FILTER_MAX * (QN_CODE_MAX + 1))];
	char rf[sizeof lf];
	const char *cells[RC_COUNT];
	char constant[16];
	int ri;

	if (csv_write_row(f, RULE_COLUMNS, RC_COUNT) == EOF)
		return EOF;
	for (ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];

		filter_text(q, &r->left, lf, sizeof lf);
		filter_text(q, &r->right, rf, sizeof rf);
		constant[0] = '\0';
		if (r->right.table < 0)
			snprintf(constant, sizeof constant, "%lu", (unsigned long)r->constant);
		cells[RC_CODE] = r->code;
		cells[RC_LEFT_TABLE] = r->left.table >= 0 ? q->tables[r->left.table].code : "";
		cells[RC_LEFT_FILTER] = lf;
		cells[RC_OP] = qn_rule_op(r->kind);
		cells[RC_RIGHT_TABLE] = r->right.table >= 0 ? q->tables[r->right.table].code : "";
		cells[RC_RIGHT_FILTER] = rf;
		cells[RC_CONSTANT] = constant;
		cells[RC_SEVERITY] = r->severity == QN_ERROR ? "error" : "warning";
		cells[RC_MESSAGE_FR] = r->message_fr;
		cells[RC_MESSAGE_EN] = r->message_en;
		if (csv_write_row(f, cells, RC_COUNT) == EOF)
			return EOF;
	}
	return 0;
}
