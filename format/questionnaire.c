/*
 * questionnaire.c - the questionnaire itself: its memory, its look-ups,
 * the rules every questionnaire follows whatever it came from, and the
 * rules an edition follows to succeed another.
 *
 * The rules are here once, for the two readers to call: the sheet reader
 * (qn_sheets.c) applies them row by row with the line the row starts on,
 * and goes on after a problem, so that the coordinator sees every problem
 * of both sheets at once, each where it can be found; the encoder and the
 * decoder (qn_codec.c) apply qn_validate() to a whole questionnaire and
 * stop at the first.  What only a sheet can get wrong (its header, a name
 * that is no list, a gap among the dimensions, a rollup not written
 * LIST:VALUE) is checked by the sheet reader alone; what only bytes can
 * get wrong (a length, a flag, an index out of range, bytes past the end)
 * by the decoder alone.
 *
 * Problems go through a sink (struct sink, qn_priv.h) that fills in the
 * sheet and line, hands each problem to the caller's callback and keeps
 * the first for the return code: format/ never prints.
 */
#include "questionnaire.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "qn_priv.h"
#include "value_priv.h"

/* published: 2000-01-01 inclusive to 2100-01-01 exclusive, as the record
 * times; anything else is a broken clock or a forged kit. */
#define QN_TIME_MIN     946684800LL
#define QN_TIME_MAX     4102444800LL

/* The built-in lists, in the order every questionnaire has them, with
 * their labels: refdata.h has their values, not a name people read. */
static const struct {
	const enum_table *t;
	const char *fr, *en;
} BUILTIN[QN_BUILTIN_LISTS] = {
	{ &ENUM_STATUS, "Statut des victimes", "Status of the victims" },
	{ &ENUM_EXPLOITATION, "Forme d'exploitation", "Form of exploitation" },
	{ &ENUM_SEX, "Sexe", "Sex" },
	{ &ENUM_AGE, "Âge", "Age" },
};

/* Names no list may take: period and département are on every table, count
 * and table are what a count record holds beside its dimensions, and each
 * dimension is a flag --<list> of `collector add count TABLE`. */
static const char *const RESERVED[] = { "period", "dept", "count", "table" };

/* ------------------------------------------------------------------ */
/* Problems                                                            */

void qn_sink_init(struct sink *s, qn_problem_fn fn, void *ctx, const char *where)
{
	memset(s, 0, sizeof *s);
	s->fn = fn;
	s->ctx = ctx;
	s->where = where;
}

void qn_deliver(struct sink *s, const fmt_error *e)
{
	if (!s->count++)
		s->first = *e;
	if (s->fn)
		s->fn(s->ctx, e);
}

/* The detail of a problem reads "tables.csv line 7: field dim2: ...";
 * where, line, field and reason are set apart for the programs to word
 * their own message. */
void qn_problem(struct sink *s, unsigned line, int code, int reason, const char *field,
		const char *fmt, ...)
{
	char text[256], at[64];
	fmt_error sub, e;
	va_list ap;

	va_start(ap, fmt);
	if (vsnprintf(text, sizeof text, fmt, ap) < 0)
		text[0] = '\0';
	va_end(ap);
	fmt_fail_field(&sub, code, reason, field, "%s", text);
	if (s->where[0] && line)
		snprintf(at, sizeof at, "%s line %u", s->where, line);
	else
		snprintf(at, sizeof at, "%s", s->where);
	if (at[0])
		fmt_fail_in(&e, &sub, at);
	else
		e = sub;
	snprintf(e.where, sizeof e.where, "%s", s->where);
	e.line = line;
	qn_deliver(s, &e);
}

/* ------------------------------------------------------------------ */
/* The model                                                           */

/* Room for cap values in l (which has none yet); -1 when out of memory. */
int qn_list_alloc(qn_list *l, int cap)
{
	l->t.items = calloc((size_t)cap, sizeof *l->t.items);
	l->retired = calloc((size_t)cap, 1);
	return l->t.items && l->retired ? 0 : -1;
}

static void list_clear(qn_list *l)
{
	enum_item *it = items_of(l);
	int i;

	for (i = 0; it && i < l->t.count; i++) {
		free((char *)it[i].code);
		free((char *)it[i].fr);
		free((char *)it[i].en);
	}
	free(it);
	free((char *)l->t.name);
	free(l->label_fr);
	free(l->label_en);
	free(l->retired);
	free(l->rollup_of);
}

void qn_free(questionnaire *q)
{
	int i;

	if (!q)
		return;
	for (i = 0; q->lists && i < q->nlists; i++)
		list_clear(&q->lists[i]);
	for (i = 0; q->tables && i < q->ntables; i++) {
		free(q->tables[i].code);
		free(q->tables[i].title_fr);
		free(q->tables[i].title_en);
		free(q->tables[i].help_fr);
	}
	for (i = 0; q->rules && i < q->nrules; i++) {
		free(q->rules[i].code);
		free(q->rules[i].message_fr);
		free(q->rules[i].message_en);
	}
	free(q->lists);
	free(q->tables);
	free(q->rules);
	free(q);
}

/* A questionnaire with room for nlists lists and ntables tables, none
 * used yet; NULL when out of memory. */
questionnaire *qn_new(int nlists, int ntables)
{
	questionnaire *q = calloc(1, sizeof *q);

	if (!q)
		return NULL;
	q->lists = calloc((size_t)nlists, sizeof *q->lists);
	q->tables = calloc((size_t)ntables, sizeof *q->tables);
	if (!q->lists || !q->tables) {
		qn_free(q);
		return NULL;
	}
	return q;
}

/* The four built-in lists, copied from refdata.h into q's first slots. */
int qn_add_builtins(questionnaire *q)
{
	int i, k;

	for (i = 0; i < QN_BUILTIN_LISTS; i++) {
		const enum_table *b = BUILTIN[i].t;
		qn_list *l = &q->lists[q->nlists++];
		enum_item *it;

		l->builtin = 1;
		l->rollup = -1;
		if (!(l->t.name = copy_str(b->name)) || !(l->label_fr = copy_str(BUILTIN[i].fr)) ||
		    !(l->label_en = copy_str(BUILTIN[i].en)) || qn_list_alloc(l, b->count))
			return -1;
		it = items_of(l);
		for (k = 0; k < b->count; k++) {
			l->t.count++;
			it[k].code = copy_str(b->items[k].code);
			it[k].fr = copy_str(b->items[k].fr);
			it[k].en = copy_str(b->items[k].en);
			if (!it[k].code || !it[k].fr || !it[k].en)
				return -1;
		}
	}
	return 0;
}

int qn_reserved_name(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof RESERVED / sizeof RESERVED[0]; i++)
		if (same_nocase(name, RESERVED[i]))
			return 1;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Look-ups                                                            */

const qn_table *qn_table_find(const questionnaire *q, const char *code)
{
	int i;

	if (!q || !code)
		return NULL;
	for (i = 0; i < q->ntables; i++)
		if (strcmp(q->tables[i].code, code) == 0)
			return &q->tables[i];
	return NULL;
}

int qn_list_find(const questionnaire *q, const char *code)
{
	int i;

	if (!q || !code)
		return -1;
	for (i = 0; i < q->nlists; i++)
		if (strcmp(q->lists[i].t.name, code) == 0)
			return i;
	return -1;
}

int qn_value_find(const qn_list *l, const char *code)
{
	return l ? enum_find(&l->t, code) : -1;
}

/* The NULL checks are for a questionnaire still being built: a valid
 * one has every string. */
const char *qn_list_label(const qn_list *l, int en)
{
	if (!l)
		return "";
	if (en && l->label_en && l->label_en[0])
		return l->label_en;
	if (l->label_fr && l->label_fr[0])
		return l->label_fr;
	return l->t.name ? l->t.name : "";
}

/* ------------------------------------------------------------------ */
/* The rules                                                           */

/* A code: 1..QN_CODE_MAX bytes of ASCII letters, digits, '-' and '_',
 * starting with a letter or a digit.  Codes are typed as flags and
 * written in files and URLs: nothing in them needs quoting anywhere. */
static int check_code(struct sink *s, unsigned line, const char *field, const char *code)
{
	size_t n = strlen(code), i;

	if (n == 0) {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, field,
			"empty: a code is required");
		return -1;
	}
	if (n > QN_CODE_MAX) {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_TOO_LONG, field,
			"code \"%s\" is %zu bytes long, more than %d", show(code).s, n,
			QN_CODE_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = code[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_')) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_CODE, field,
				"code \"%s\": only ASCII letters, digits, - and _ (no space, no "
				"accent)", show(code).s);
			return -1;
		}
	}
	if (code[0] == '-' || code[0] == '_') {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_CODE, field,
			"code \"%s\" must start with a letter or a digit", show(code).s);
		return -1;
	}
	return 0;
}

/* A label, title or help line of `owner`: min..max bytes of UTF-8 text on
 * one line, without control characters. */
static void check_text(struct sink *s, unsigned line, const char *field, const char *owner,
		       const char *text, size_t min, size_t max)
{
	size_t n = strlen(text), at;
	const char *why;

	if (n < min) {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, field, "%s: empty", owner);
		return;
	}
	if (n > max) {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_TOO_LONG, field,
			"%s: %zu bytes, more than %zu", owner, n, max);
		return;
	}
	why = text_check(text, n, 0, &at);
	if (why)
		qn_problem(s, line, FMT_E_FIELD, FMT_R_TEXT, field, "%s: %s at byte %zu", owner,
			why, at + 1);
}

/* The name of list li, one of the sheet's: a code, not reserved, not a
 * built-in list's, not another list's (case aside: flags and labels are
 * matched without case). */
void qn_check_list_name(struct sink *s, unsigned line, const questionnaire *q, int li)
{
	const char *name = q->lists[li].t.name;
	int j;

	if (check_code(s, line, "list", name))
		return;
	if (qn_reserved_name(name)) {
		qn_problem(s, line, FMT_E_FIELD, FMT_R_RESERVED_NAME, "list",
			"\"%s\" is a reserved name (period and département are on every "
			"table; count and table are taken)", show(name).s);
		return;
	}
	for (j = 0; j < QN_BUILTIN_LISTS; j++)
		if (same_nocase(name, BUILTIN[j].t->name)) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_BUILTIN, "list",
				"\"%s\" is a built-in list (status, exploitation, sex, age): "
				"tables use it without a definition, with its own labels",
				show(name).s);
			return;
		}
	for (j = QN_BUILTIN_LISTS; j < li; j++)
		if (same_nocase(name, q->lists[j].t.name)) {
			if (strcmp(name, q->lists[j].t.name) == 0)
				qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "list",
					"list \"%s\" is defined twice", show(name).s);
			else
				qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "list",
					"list \"%s\" differs from list \"%s\" only in case",
					show(name).s, show(q->lists[j].t.name).s);
			return;
		}
}

/* Value vi of list l: a code not already in the list (case aside), a
 * French label, an English label or "". */
void qn_check_value(struct sink *s, unsigned line, const qn_list *l, int vi)
{
	const enum_item *it = &l->t.items[vi];
	char owner[128];
	int j;

	snprintf(owner, sizeof owner, "value \"%s\" of list \"%s\"", show(it->code).s,
		 show(l->t.name).s);
	if (!check_code(s, line, "value", it->code))
		for (j = 0; j < vi; j++)
			if (same_nocase(it->code, l->t.items[j].code)) {
				if (strcmp(it->code, l->t.items[j].code) == 0)
					qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "value",
						"%s is given twice", owner);
				else
					qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "value",
						"%s differs from value \"%s\" only in case", owner,
						show(l->t.items[j].code).s);
				break;
			}
	check_text(s, line, "label_fr", owner, it->fr, 1, QN_LABEL_MAX);
	check_text(s, line, "label_en", owner, it->en, 0, QN_LABEL_MAX);
}

/* The labels of list l: none (both "": its code is shown), or a French
 * label and an English one or "".  An English label alone would be lost
 * to the sheets, whose list row needs its French label. */
void qn_check_list_labels(struct sink *s, unsigned line, const qn_list *l, int row)
{
	char owner[80];

	snprintf(owner, sizeof owner, "list \"%s\"", show(l->t.name).s);
	check_text(s, line, "label_fr", owner, l->label_fr, row || l->label_en[0] ? 1 : 0,
		QN_LABEL_MAX);
	check_text(s, line, "label_en", owner, l->label_en, 0, QN_LABEL_MAX);
}

/* List li against its slot: the first QN_BUILTIN_LISTS are the built-in
 * lists, flagged so, with the compiled codes first (a newer program may
 * have appended values: records hold the index, so codes never move), and
 * no other list is flagged built in.  Only bytes can get this wrong. */
static void check_builtin(struct sink *s, const questionnaire *q, int li)
{
	const qn_list *l = &q->lists[li];
	const enum_table *b;
	int k;

	if (li >= QN_BUILTIN_LISTS) {
		if (l->builtin)
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "list",
				"list %d (\"%s\") is flagged built in: only the first %d are",
				li + 1, show(l->t.name).s, QN_BUILTIN_LISTS);
		return;
	}
	b = BUILTIN[li].t;
	if (!l->builtin || strcmp(l->t.name, b->name) != 0) {
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "list",
			"list %d must be the built-in list \"%s\", not \"%s\"%s", li + 1, b->name,
			show(l->t.name).s, l->builtin ? "" : " (not flagged built in)");
		return;
	}
	if (l->t.count < b->count) {
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "value",
			"built-in list \"%s\" has %d values, fewer than its %d", b->name,
			l->t.count, b->count);
		return;
	}
	for (k = 0; k < b->count; k++)
		if (strcmp(l->t.items[k].code, b->items[k].code) != 0) {
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "value",
				"value %d of built-in list \"%s\" is \"%s\", not \"%s\"", k + 1,
				b->name, show(l->t.items[k].code).s, b->items[k].code);
			return;
		}
	if (l->rollup != -1)
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
			"built-in list \"%s\" cannot roll up", b->name);
}

/* Rollups: a list rolls up into another list of the sheet, which does not
 * itself roll up, and each of its values into a value of that list.
 * list_line gives the line of each list's first row (NULL: no lines). */
void qn_check_rollups(struct sink *s, const questionnaire *q, const unsigned *list_line)
{
	int li, v, r;

	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li], *t;
		unsigned line = list_line ? list_line[li] : 0;

		r = l->rollup;
		if (r < 0 || li < QN_BUILTIN_LISTS)
			continue;       /* none, or check_builtin's to report */
		if (r >= q->nlists || r == li || q->lists[r].builtin) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up into list %d, which is %s", show(l->t.name).s,
				r + 1, r >= q->nlists ? "not there" :
				r == li ? "itself" : "built in");
			continue;
		}
		t = &q->lists[r];
		if (t->rollup != -1) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up into \"%s\", which rolls up itself: a list "
				"that others roll up into cannot roll up", show(l->t.name).s,
				show(t->t.name).s);
			continue;
		}
		if (!l->rollup_of) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up, but its values do not say into what",
				show(l->t.name).s);
			continue;
		}
		for (v = 0; v < l->t.count; v++)
			if (l->rollup_of[v] < 0 || l->rollup_of[v] >= t->t.count) {
				qn_problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
					"value \"%s\" of list \"%s\" rolls up into value %d of "
					"\"%s\", which has %d", show(l->t.items[v].code).s,
					show(l->t.name).s, l->rollup_of[v] + 1, show(t->t.name).s,
					t->t.count);
				break;
			}
	}
}

/* Table ti, but for its dimensions: a code no earlier table has (case
 * aside), a French title, an English title or "", a help line or "". */
void qn_check_table_text(struct sink *s, unsigned line, const questionnaire *q, int ti)
{
	const qn_table *t = &q->tables[ti];
	char owner[80];
	int j;

	snprintf(owner, sizeof owner, "table \"%s\"", show(t->code).s);
	if (!check_code(s, line, "table", t->code))
		for (j = 0; j < ti; j++)
			if (same_nocase(t->code, q->tables[j].code)) {
				if (strcmp(t->code, q->tables[j].code) == 0)
					qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "table",
						"%s is defined twice", owner);
				else
					qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "table",
						"%s differs from table \"%s\" only in case", owner,
						show(q->tables[j].code).s);
				break;
			}
	check_text(s, line, "title_fr", owner, t->title_fr, 1, QN_LABEL_MAX);
	check_text(s, line, "title_en", owner, t->title_en, 0, QN_LABEL_MAX);
	check_text(s, line, "help_fr", owner, t->help_fr, 0, QN_HELP_MAX);
}

/* The dimensions of table ti: 1..QN_DIMS_MAX, each a list, each list at
 * most once.  A negative dimension is a cell the sheet reader could not
 * make a list of (empty before a given one, or an unknown name), which it
 * has reported. */
void qn_check_table_dims(struct sink *s, unsigned line, const questionnaire *q, int ti)
{
	const qn_table *t = &q->tables[ti];
	char field[16];
	int j, k, d;

	if (t->ndims < 1)
		qn_problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, "dim1",
			"table \"%s\" has no dimension: a table has 1 to %d", show(t->code).s,
			QN_DIMS_MAX);
	for (k = 0; k < t->ndims && k < QN_DIMS_MAX; k++) {
		d = t->dims[k];
		snprintf(field, sizeof field, "dim%d", k + 1);
		if (d < 0)
			continue;
		if (d >= q->nlists) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"table \"%s\": list %d is not there (%d lists)", show(t->code).s,
				d + 1, q->nlists);
			continue;
		}
		for (j = 0; j < k; j++)
			if (t->dims[j] == d) {
				qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, field,
					"table \"%s\": list \"%s\" is already dim%d (a dimension "
					"is named after its list: once per table)", show(t->code).s,
					show(q->lists[d].t.name).s, j + 1);
				break;
			}
	}
}

/* One side of rule r: a side with a table restricts only that table's
 * dimensions, each to values of its list in increasing order; a side
 * without one restricts nothing. */
static void check_side(struct sink *s, unsigned line, const questionnaire *q, const qn_rule *r,
		       const qn_side *d, const char *field)
{
	const qn_table *t = d->table >= 0 ? &q->tables[d->table] : NULL;
	int k, i;

	for (k = 0; k < QN_DIMS_MAX; k++) {
		if (!d->nvalues[k])
			continue;
		if (!t || k >= t->ndims) {
			qn_problem(s, line, FMT_E_FIELD, FMT_R_EXTRA, field,
				"rule \"%s\": a restriction to dimension %d, which %s", show(r->code).s,
				k + 1, t ? "its table does not have" : "a side without table cannot have");
			return;
		}
		for (i = 0; i < d->nvalues[k]; i++) {
			if (d->values[k][i] >= q->lists[t->dims[k]].t.count) {
				qn_problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
					"rule \"%s\": value %u of list \"%s\" is not there",
					show(r->code).s, (unsigned)d->values[k][i] + 1,
					show(q->lists[t->dims[k]].t.name).s);
				return;
			}
			if (i && d->values[k][i] <= d->values[k][i - 1]) {
				qn_problem(s, line, FMT_E_FIELD, d->values[k][i] == d->values[k][i - 1] ?
					FMT_R_DUPLICATE : FMT_R_ORDER, field,
					"rule \"%s\": value \"%s\" of list \"%s\" given twice or out of the "
					"list's order", show(r->code).s,
					show(q->lists[t->dims[k]].t.items[d->values[k][i]].code).s,
					show(q->lists[t->dims[k]].t.name).s);
				return;
			}
		}
	}
}

void qn_check_rule(struct sink *s, unsigned line, const questionnaire *q, int ri)
{
	const qn_rule *r = &q->rules[ri];
	int compare = r->kind == QN_RULE_LE || r->kind == QN_RULE_EQ || r->kind == QN_RULE_GE;
	int j;

	if (check_code(s, line, "code", r->code) == 0)
		for (j = 0; j < ri; j++)
			if (same_nocase(q->rules[j].code, r->code)) {
				qn_problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "code",
					"rule \"%s\" is already given (\"%s\")", show(r->code).s,
					show(q->rules[j].code).s);
				break;
			}
	check_text(s, line, "message_fr", "the French message", r->message_fr, compare ? 1 : 0,
		   QN_MESSAGE_MAX);
	check_text(s, line, "message_en", "the English message", r->message_en, 0,
		   QN_MESSAGE_MAX);
	if (!r->message_fr[0] && r->message_en[0])
		qn_problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, "message_fr",
			"rule \"%s\": an English message without a French one", show(r->code).s);
	if (r->left.table < 0 && r->kind != QN_RULE_OUTLIER)
		qn_problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, "left_table",
			"rule \"%s\": no table on the left", show(r->code).s);
	if (compare) {
		if (r->right.table >= 0 && r->constant)
			qn_problem(s, line, FMT_E_FIELD, FMT_R_EXTRA, "constant",
				"rule \"%s\": a table and a constant on the right: give one of them",
				show(r->code).s);
		else if (r->constant > QN_CONSTANT_MAX)
			qn_problem(s, line, FMT_E_FIELD, FMT_R_RANGE, "constant",
				"rule \"%s\": %lu is above %u", show(r->code).s,
				(unsigned long)r->constant, QN_CONSTANT_MAX);
	} else {
		uint32_t max = r->kind == QN_RULE_OUTLIER ? QN_FACTOR_MAX : REC_COUNT_MAX;

		if (r->right.table >= 0)
			qn_problem(s, line, FMT_E_FIELD, FMT_R_EXTRA, "right_table",
				"rule \"%s\": %s compares each count with its constant, not with a "
				"table", show(r->code).s, qn_rule_op(r->kind));
		if (r->severity != QN_WARNING)
			qn_problem(s, line, FMT_E_FIELD, FMT_R_RANGE, "severity",
				"rule \"%s\": %s only flags a count for follow-up: its severity is "
				"warning", show(r->code).s, qn_rule_op(r->kind));
		if (r->constant > max)
			qn_problem(s, line, FMT_E_FIELD, FMT_R_RANGE, "constant",
				"rule \"%s\": %s of %lu, more than %lu", show(r->code).s,
				r->kind == QN_RULE_OUTLIER ? "a factor" : "a threshold",
				(unsigned long)r->constant, (unsigned long)max);
	}
	check_side(s, line, q, r, &r->left, "left_filter");
	check_side(s, line, q, r, &r->right, "right_filter");
}

/* Everything a questionnaire must be, whatever it came from: first its
 * shape (counts within their caps, indexes within their arrays, no NULL),
 * without which the rules could not be looked at safely, then the rules.
 * Problems carry no sheet and no line. */
void qn_validate(const questionnaire *q, struct sink *s)
{
	int li, v, ti, ri;

	if (q->edition == 0 ? q->published != 0 :
	    (q->published < QN_TIME_MIN || q->published >= QN_TIME_MAX))
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "published",
			"edition %u published at %lld: an edition is published between 2000 and "
			"2099, edition 0 never", (unsigned)q->edition, (long long)q->published);
	if (!q->lists || q->nlists < QN_BUILTIN_LISTS || q->nlists > QN_ALL_LISTS) {
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_LIMIT, "list", "%d lists (must be %d to %d)",
			q->nlists, QN_BUILTIN_LISTS, QN_ALL_LISTS);
		return;
	}
	if (!q->tables || q->ntables < 1 || q->ntables > QN_TABLES_MAX) {
		qn_problem(s, 0, FMT_E_FIELD, q->ntables < 1 ? FMT_R_REQUIRED : FMT_R_LIMIT,
			"table", "%d tables (must be 1 to %d)", q->ntables, QN_TABLES_MAX);
		return;
	}
	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li];

		if (!l->t.name || !l->label_fr || !l->label_en || !l->t.items || !l->retired) {
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "list",
				"list %d: missing code, labels or values", li + 1);
			return;
		}
		if (l->t.count < 1 || l->t.count > QN_VALUES_MAX) {
			qn_problem(s, 0, FMT_E_FIELD, l->t.count < 1 ? FMT_R_REQUIRED : FMT_R_LIMIT,
				"value", "list %d: %d values (must be 1 to %d)", li + 1,
				l->t.count, QN_VALUES_MAX);
			return;
		}
		for (v = 0; v < l->t.count; v++)
			if (!l->t.items[v].code || !l->t.items[v].fr || !l->t.items[v].en ||
			    l->retired[v] > 1) {
				qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "value",
					"list %d, value %d: missing text or retired flag %u",
					li + 1, v + 1, l->retired[v]);
				return;
			}
		if (l->builtin < 0 || l->builtin > 1 || l->rollup < -1 || l->rollup >= q->nlists ||
		    (l->rollup >= 0 && !l->rollup_of)) {
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "rollup",
				"list %d: built-in flag %d, rollup %d", li + 1, l->builtin,
				l->rollup);
			return;
		}
	}
	for (ti = 0; ti < q->ntables; ti++) {
		const qn_table *t = &q->tables[ti];
		int k;

		if (!t->code || !t->title_fr || !t->title_en || !t->help_fr || t->ndims < 1 ||
		    t->ndims > QN_DIMS_MAX || t->retired < 0 || t->retired > 1) {
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "table",
				"table %d: missing text, %d dimensions or retired flag %d", ti + 1,
				t->ndims, t->retired);
			return;
		}
		for (k = 0; k < t->ndims; k++)
			if (t->dims[k] < 0 || t->dims[k] >= q->nlists) {
				qn_problem(s, 0, FMT_E_FIELD, FMT_R_UNKNOWN, "table",
					"table %d, dimension %d: list %d is not there (%d lists)",
					ti + 1, k + 1, t->dims[k] + 1, q->nlists);
				return;
			}
	}

	for (li = 0; li < q->nlists; li++) {
		check_builtin(s, q, li);
		if (li >= QN_BUILTIN_LISTS)
			qn_check_list_name(s, 0, q, li);
		qn_check_list_labels(s, 0, &q->lists[li], 0);
		for (v = 0; v < q->lists[li].t.count; v++)
			qn_check_value(s, 0, &q->lists[li], v);
	}
	if (q->nrules < 0 || q->nrules > QN_RULES_MAX || (q->nrules && !q->rules)) {
		qn_problem(s, 0, FMT_E_FIELD, FMT_R_LIMIT, "code", "%d rules (must be 0 to %d)",
			q->nrules, QN_RULES_MAX);
		return;
	}
	for (ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];
		const qn_side *sides[2] = { &r->left, &r->right };
		int k, side;

		if (!r->code || !r->message_fr || !r->message_en || r->kind < QN_RULE_LE ||
		    r->kind > QN_RULE_ABOVE || r->severity < QN_WARNING || r->severity > QN_ERROR) {
			qn_problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "op",
				"rule %d: missing text, kind %d or severity %d", ri + 1, r->kind,
				r->severity);
			return;
		}
		for (side = 0; side < 2; side++) {
			if (sides[side]->table < -1 || sides[side]->table >= q->ntables) {
				qn_problem(s, 0, FMT_E_FIELD, FMT_R_UNKNOWN,
					side ? "right_table" : "left_table",
					"rule %d: table %d is not there", ri + 1,
					sides[side]->table + 1);
				return;
			}
			for (k = 0; k < QN_DIMS_MAX; k++)
				if (sides[side]->nvalues[k] < 0 ||
				    sides[side]->nvalues[k] > QN_FILTER_MAX) {
					qn_problem(s, 0, FMT_E_FIELD, FMT_R_LIMIT,
						side ? "right_filter" : "left_filter",
						"rule %d: %d values of dimension %d (at most %d)",
						ri + 1, sides[side]->nvalues[k], k + 1,
						QN_FILTER_MAX);
					return;
				}
		}
	}

	qn_check_rollups(s, q, NULL);
	for (ti = 0; ti < q->ntables; ti++) {
		qn_check_table_text(s, 0, q, ti);
		qn_check_table_dims(s, 0, q, ti);
	}
	for (ri = 0; ri < q->nrules; ri++)
		qn_check_rule(s, 0, q, ri);
}

/* ------------------------------------------------------------------ */
/* Editions                                                            */

/* The code a list rolls up into, or NULL. */
static const char *rollup_name(const questionnaire *q, const qn_list *l)
{
	return l->rollup >= 0 ? q->lists[l->rollup].t.name : NULL;
}

int qn_evolves(const questionnaire *prev, const questionnaire *next, qn_problem_fn fn,
	       void *ctx, fmt_error *err)
{
	struct sink s;
	char field[16];
	int li, v, ti, k;

	qn_sink_init(&s, fn, ctx, "");
	if (prev->edition && next->edition && next->edition <= prev->edition)
		qn_problem(&s, 0, FMT_E_FIELD, FMT_R_ORDER, "edition",
			"edition %u cannot follow edition %u", (unsigned)next->edition,
			(unsigned)prev->edition);

	s.where = QN_LISTS_SHEET;
	for (li = 0; li < prev->nlists; li++) {
		const qn_list *pl = &prev->lists[li], *nl;
		const char *pr = rollup_name(prev, pl), *nr;
		int ni = qn_list_find(next, pl->t.name);

		if (ni < 0) {
			qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "list",
				"list \"%s\" is gone: an edition may retire values, never remove a "
				"list", show(pl->t.name).s);
			continue;
		}
		nl = &next->lists[ni];
		nr = rollup_name(next, nl);
		if (pr && (!nr || strcmp(pr, nr) != 0)) {
			qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, "rollup",
				"list \"%s\" rolled up into \"%s\", now %s%s%s", show(pl->t.name).s,
				show(pr).s, nr ? "into \"" : "into nothing", nr ? show(nr).s : "",
				nr ? "\"" : "");
			pr = NULL;      /* its values are not compared then */
		}
		for (v = 0; v < pl->t.count; v++) {
			const char *code = pl->t.items[v].code, *pv, *nv;
			int nvi = qn_value_find(nl, code);

			if (nvi < 0) {
				qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "value",
					"value \"%s\" of list \"%s\" is gone: retire it instead "
					"(retired = oui)", show(code).s, show(pl->t.name).s);
				continue;
			}
			if (!pr)
				continue;
			pv = prev->lists[pl->rollup].t.items[pl->rollup_of[v]].code;
			nv = next->lists[nl->rollup].t.items[nl->rollup_of[nvi]].code;
			if (strcmp(pv, nv) != 0)
				qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, "rollup",
					"value \"%s\" of list \"%s\" rolled up into \"%s:%s\", now "
					"into \"%s:%s\"", show(code).s, show(pl->t.name).s,
					show(pr).s, show(pv).s, show(nr).s, show(nv).s);
		}
	}

	s.where = QN_TABLES_SHEET;
	for (ti = 0; ti < prev->ntables; ti++) {
		const qn_table *pt = &prev->tables[ti];
		const qn_table *nt = qn_table_find(next, pt->code);

		if (!nt) {
			qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "table",
				"table \"%s\" is gone: retire it instead (retired = oui)",
				show(pt->code).s);
			continue;
		}
		for (k = 0; k < pt->ndims || k < nt->ndims; k++) {
			const char *pd = k < pt->ndims ? prev->lists[pt->dims[k]].t.name : "";
			const char *nd = k < nt->ndims ? next->lists[nt->dims[k]].t.name : "";

			if (strcmp(pd, nd) == 0)
				continue;
			snprintf(field, sizeof field, "dim%d", k + 1);
			qn_problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, field,
				"table \"%s\": %s was \"%s\", now \"%s\": a table keeps its "
				"dimensions (add a new table instead)", show(pt->code).s, field,
				show(pd).s, show(nd).s);
			break;
		}
	}
	if (s.count && err)
		*err = s.first;
	return s.count ? s.first.code : FMT_OK;
}
