/*
 * questionnaire.c - the questionnaire: the coordinator's two sheets read
 * and checked, the canonical binary encoding the kit carries, the rules an
 * edition follows to succeed another, and the sheets written back.
 *
 * One set of checks serves every way in: the sheets (qn_parse), the bytes
 * of a kit (qn_decode) and a questionnaire built in memory (qn_encode).
 * The sheet reader calls them row by row with the line the row starts on,
 * and goes on after a problem, so that the coordinator sees every problem
 * of both sheets at once, each where it can be found; the decoder calls
 * them all on what it read and stops at the first.  What only a sheet can
 * get wrong (its header, a name that is no list, a gap among the
 * dimensions, a rollup not written LIST:VALUE) is checked by the sheet
 * reader alone; what only bytes can get wrong (a length, a flag, an index
 * out of range, bytes past the end) by the decoder alone.
 *
 * Problems go through a sink (struct sink) that fills in the sheet and
 * line, hands each problem to the caller's callback and keeps the first
 * for the return code: format/ never prints.
 */
#include "questionnaire.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "csv.h"
#include "fileio.h"
#include "paths.h"
#include "record.h"
#include "value_priv.h"

/* published: 2000-01-01 inclusive to 2100-01-01 exclusive, as the record
 * times; anything else is a broken clock or a forged kit. */
#define QN_TIME_MIN     946684800LL
#define QN_TIME_MAX     4102444800LL
#define QN_NO_ROLLUP    0xFFFFu  /* a list's rollup on the wire when it has none */
#define QN_FLAG         0x01u    /* the one defined bit of a flags byte */
#define QN_ALL_LISTS    (QN_BUILTIN_LISTS + QN_LISTS_MAX)

/* The largest valid encoding, every count and length at its cap: a
 * value is 3 strings, a flags byte and a rollup index; a list its code,
 * flags, rollup, count and values; a table 4 strings, flags, the number of
 * dimensions and their indexes. */
#define QN_VALUE_WIRE_MAX (2 + QN_CODE_MAX + 2 * (2 + QN_LABEL_MAX) + 1 + 2)
#define QN_LIST_WIRE_MAX  (2 + QN_CODE_MAX + 1 + 2 + 2 + QN_VALUES_MAX * QN_VALUE_WIRE_MAX)
#define QN_TABLE_WIRE_MAX (2 + QN_CODE_MAX + 2 * (2 + QN_LABEL_MAX) + 2 + QN_HELP_MAX + 2 + \
			   2 * QN_DIMS_MAX)
_Static_assert(4 + 8 + 2 + (size_t)QN_ALL_LISTS * QN_LIST_WIRE_MAX + 2 +
	       (size_t)QN_TABLES_MAX * QN_TABLE_WIRE_MAX <= QN_ENCODED_MAX,
	       "QN_ENCODED_MAX must bound every valid encoding");

/* The built-in lists, in the order every questionnaire has them. */
static const enum_table *const BUILTIN[QN_BUILTIN_LISTS] = {
	&ENUM_STATUS, &ENUM_EXPLOITATION, &ENUM_SEX, &ENUM_AGE,
};

/* Names no list may take: period and département are on every table, count
 * and table are what a count record holds beside its dimensions, and each
 * dimension is a flag --<list> of `collector add count TABLE`. */
static const char *const RESERVED[] = { "period", "dept", "count", "table" };

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
_Static_assert(sizeof TABLE_COLUMNS / sizeof TABLE_COLUMNS[0] == TC_COUNT, "table columns");
_Static_assert(sizeof LIST_COLUMNS / sizeof LIST_COLUMNS[0] == LC_COUNT, "list columns");

/* ------------------------------------------------------------------ */
/* Problems                                                            */

struct sink {
	qn_problem_fn fn;
	void *ctx;
	const char *where;       /* the sheet, "" for bytes and memory */
	unsigned count;          /* problems so far */
	fmt_error first;         /* the first of them */
};

static void sink_init(struct sink *s, qn_problem_fn fn, void *ctx, const char *where)
{
	memset(s, 0, sizeof *s);
	s->fn = fn;
	s->ctx = ctx;
	s->where = where;
}

static void deliver(struct sink *s, const fmt_error *e)
{
	if (!s->count++)
		s->first = *e;
	if (s->fn)
		s->fn(s->ctx, e);
}

/* One problem at line of the current sheet: the detail reads
 * "tables.csv line 7: field dim2: ...", and where, line, field and reason
 * are set apart for the programs to word their own message. */
static void problem(struct sink *s, unsigned line, int code, int reason, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void problem(struct sink *s, unsigned line, int code, int reason, const char *field,
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
	deliver(s, &e);
}

/* Untrusted text made fit for a detail (text_show), by value so that
 * several can be arguments of one call. */
struct shown {
	char s[48];
};

static struct shown show(const char *text)
{
	struct shown r;

	text_show(text, strlen(text), r.s, sizeof r.s);
	return r;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether a and b are the same but for the case of ASCII letters. */
static int same_nocase(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return lower((unsigned char)*a) == lower((unsigned char)*b);
}

/* A NUL-terminated copy of s[0..n) (s itself may hold no NUL), or NULL. */
static char *copy_mem(const void *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static char *copy_str(const char *s)
{
	return copy_mem(s, strlen(s));
}

/* The strings of a list are the questionnaire's own: enum_table only
 * declares them const for the compiled tables' sake. */
static enum_item *items_of(const qn_list *l)
{
	return (enum_item *)l->t.items;
}

/* Room for cap values in l (which has none yet); -1 when out of memory. */
static int list_alloc(qn_list *l, int cap)
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
	free(q->lists);
	free(q->tables);
	free(q);
}

/* A questionnaire with room for nlists lists and ntables tables, none
 * used yet; NULL when out of memory. */
static questionnaire *q_new(int nlists, int ntables)
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
static int add_builtins(questionnaire *q)
{
	int i, k;

	for (i = 0; i < QN_BUILTIN_LISTS; i++) {
		const enum_table *b = BUILTIN[i];
		qn_list *l = &q->lists[q->nlists++];
		enum_item *it;

		l->builtin = 1;
		l->rollup = -1;
		if (!(l->t.name = copy_str(b->name)) || list_alloc(l, b->count))
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

/* ------------------------------------------------------------------ */
/* The rules                                                           */

/* A code: 1..QN_CODE_MAX bytes of ASCII letters, digits, '-' and '_',
 * starting with a letter or a digit.  Codes are typed as flags and
 * written in files and URLs: nothing in them needs quoting anywhere. */
static int check_code(struct sink *s, unsigned line, const char *field, const char *code)
{
	size_t n = strlen(code), i;

	if (n == 0) {
		problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, field, "empty: a code is required");
		return -1;
	}
	if (n > QN_CODE_MAX) {
		problem(s, line, FMT_E_FIELD, FMT_R_TOO_LONG, field,
			"code \"%s\" is %zu bytes long, more than %d", show(code).s, n,
			QN_CODE_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		char c = code[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_')) {
			problem(s, line, FMT_E_FIELD, FMT_R_CODE, field,
				"code \"%s\": only ASCII letters, digits, - and _ (no space, no "
				"accent)", show(code).s);
			return -1;
		}
	}
	if (code[0] == '-' || code[0] == '_') {
		problem(s, line, FMT_E_FIELD, FMT_R_CODE, field,
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
		problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, field, "%s: empty", owner);
		return;
	}
	if (n > max) {
		problem(s, line, FMT_E_FIELD, FMT_R_TOO_LONG, field, "%s: %zu bytes, more than %zu",
			owner, n, max);
		return;
	}
	why = text_check(text, n, 0, &at);
	if (why)
		problem(s, line, FMT_E_FIELD, FMT_R_TEXT, field, "%s: %s at byte %zu", owner, why,
			at + 1);
}

/* The name of list li, one of the sheet's: a code, not reserved, not a
 * built-in list's, not another list's (case aside: flags and labels are
 * matched without case). */
static void check_list_name(struct sink *s, unsigned line, const questionnaire *q, int li)
{
	const char *name = q->lists[li].t.name;
	size_t i;
	int j;

	if (check_code(s, line, "list", name))
		return;
	for (i = 0; i < sizeof RESERVED / sizeof RESERVED[0]; i++)
		if (same_nocase(name, RESERVED[i])) {
			problem(s, line, FMT_E_FIELD, FMT_R_RESERVED_NAME, "list",
				"\"%s\" is a reserved name (period and département are on every "
				"table; count and table are taken)", show(name).s);
			return;
		}
	for (j = 0; j < QN_BUILTIN_LISTS; j++)
		if (same_nocase(name, BUILTIN[j]->name)) {
			problem(s, line, FMT_E_FIELD, FMT_R_BUILTIN, "list",
				"\"%s\" is a built-in list (status, exploitation, sex, age): "
				"tables use it without a definition", show(name).s);
			return;
		}
	for (j = QN_BUILTIN_LISTS; j < li; j++)
		if (same_nocase(name, q->lists[j].t.name)) {
			if (strcmp(name, q->lists[j].t.name) == 0)
				problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "list",
					"list \"%s\" is defined twice", show(name).s);
			else
				problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "list",
					"list \"%s\" differs from list \"%s\" only in case",
					show(name).s, show(q->lists[j].t.name).s);
			return;
		}
}

/* Value vi of list l: a code not already in the list (case aside), a
 * French label, an English label or "". */
static void check_value(struct sink *s, unsigned line, const qn_list *l, int vi)
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
					problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "value",
						"%s is given twice", owner);
				else
					problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "value",
						"%s differs from value \"%s\" only in case", owner,
						show(l->t.items[j].code).s);
				break;
			}
	check_text(s, line, "label_fr", owner, it->fr, 1, QN_LABEL_MAX);
	check_text(s, line, "label_en", owner, it->en, 0, QN_LABEL_MAX);
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
			problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "list",
				"list %d (\"%s\") is flagged built in: only the first %d are",
				li + 1, show(l->t.name).s, QN_BUILTIN_LISTS);
		return;
	}
	b = BUILTIN[li];
	if (!l->builtin || strcmp(l->t.name, b->name) != 0) {
		problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "list",
			"list %d must be the built-in list \"%s\", not \"%s\"%s", li + 1, b->name,
			show(l->t.name).s, l->builtin ? "" : " (not flagged built in)");
		return;
	}
	if (l->t.count < b->count) {
		problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "value",
			"built-in list \"%s\" has %d values, fewer than its %d", b->name,
			l->t.count, b->count);
		return;
	}
	for (k = 0; k < b->count; k++)
		if (strcmp(l->t.items[k].code, b->items[k].code) != 0) {
			problem(s, 0, FMT_E_FIELD, FMT_R_BUILTIN, "value",
				"value %d of built-in list \"%s\" is \"%s\", not \"%s\"", k + 1,
				b->name, show(l->t.items[k].code).s, b->items[k].code);
			return;
		}
	if (l->rollup != -1)
		problem(s, 0, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
			"built-in list \"%s\" cannot roll up", b->name);
}

/* Rollups: a list rolls up into another list of the sheet, which does not
 * itself roll up, and each of its values into a value of that list.
 * list_line gives the line of each list's first row (NULL: no lines). */
static void check_rollups(struct sink *s, const questionnaire *q, const unsigned *list_line)
{
	int li, v, r;

	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li], *t;
		unsigned line = list_line ? list_line[li] : 0;

		r = l->rollup;
		if (r < 0 || li < QN_BUILTIN_LISTS)
			continue;       /* none, or check_builtin's to report */
		if (r >= q->nlists || r == li || q->lists[r].builtin) {
			problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up into list %d, which is %s", show(l->t.name).s,
				r + 1, r >= q->nlists ? "not there" :
				r == li ? "itself" : "built in");
			continue;
		}
		t = &q->lists[r];
		if (t->rollup != -1) {
			problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up into \"%s\", which rolls up itself: a list "
				"that others roll up into cannot roll up", show(l->t.name).s,
				show(t->t.name).s);
			continue;
		}
		if (!l->rollup_of) {
			problem(s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"list \"%s\" rolls up, but its values do not say into what",
				show(l->t.name).s);
			continue;
		}
		for (v = 0; v < l->t.count; v++)
			if (l->rollup_of[v] < 0 || l->rollup_of[v] >= t->t.count) {
				problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
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
static void check_table_text(struct sink *s, unsigned line, const questionnaire *q, int ti)
{
	const qn_table *t = &q->tables[ti];
	char owner[80];
	int j;

	snprintf(owner, sizeof owner, "table \"%s\"", show(t->code).s);
	if (!check_code(s, line, "table", t->code))
		for (j = 0; j < ti; j++)
			if (same_nocase(t->code, q->tables[j].code)) {
				if (strcmp(t->code, q->tables[j].code) == 0)
					problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "table",
						"%s is defined twice", owner);
				else
					problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, "table",
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
static void check_table_dims(struct sink *s, unsigned line, const questionnaire *q, int ti)
{
	const qn_table *t = &q->tables[ti];
	char field[16];
	int j, k, d;

	if (t->ndims < 1)
		problem(s, line, FMT_E_FIELD, FMT_R_REQUIRED, "dim1",
			"table \"%s\" has no dimension: a table has 1 to %d", show(t->code).s,
			QN_DIMS_MAX);
	for (k = 0; k < t->ndims && k < QN_DIMS_MAX; k++) {
		d = t->dims[k];
		snprintf(field, sizeof field, "dim%d", k + 1);
		if (d < 0)
			continue;
		if (d >= q->nlists) {
			problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"table \"%s\": list %d is not there (%d lists)", show(t->code).s,
				d + 1, q->nlists);
			continue;
		}
		for (j = 0; j < k; j++)
			if (t->dims[j] == d) {
				problem(s, line, FMT_E_FIELD, FMT_R_DUPLICATE, field,
					"table \"%s\": list \"%s\" is already dim%d (a dimension "
					"is named after its list: once per table)", show(t->code).s,
					show(q->lists[d].t.name).s, j + 1);
				break;
			}
	}
}

/* Everything a questionnaire must be, whatever it came from: first its
 * shape (counts within their caps, indexes within their arrays, no NULL),
 * without which the rules could not be looked at safely, then the rules.
 * Problems carry no sheet and no line. */
static void validate(const questionnaire *q, struct sink *s)
{
	int li, v, ti;

	if (q->edition == 0 ? q->published != 0 :
	    (q->published < QN_TIME_MIN || q->published >= QN_TIME_MAX))
		problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "published",
			"edition %u published at %lld: an edition is published between 2000 and "
			"2099, edition 0 never", (unsigned)q->edition, (long long)q->published);
	if (!q->lists || q->nlists < QN_BUILTIN_LISTS || q->nlists > QN_ALL_LISTS) {
		problem(s, 0, FMT_E_FIELD, FMT_R_LIMIT, "list", "%d lists (must be %d to %d)",
			q->nlists, QN_BUILTIN_LISTS, QN_ALL_LISTS);
		return;
	}
	if (!q->tables || q->ntables < 1 || q->ntables > QN_TABLES_MAX) {
		problem(s, 0, FMT_E_FIELD, q->ntables < 1 ? FMT_R_REQUIRED : FMT_R_LIMIT, "table",
			"%d tables (must be 1 to %d)", q->ntables, QN_TABLES_MAX);
		return;
	}
	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li];

		if (!l->t.name || !l->t.items || !l->retired || l->t.count < 1 ||
		    l->t.count > QN_VALUES_MAX) {
			problem(s, 0, FMT_E_FIELD, FMT_R_LIMIT, "value",
				"list %d: %d values (must be 1 to %d)", li + 1, l->t.count,
				QN_VALUES_MAX);
			return;
		}
		for (v = 0; v < l->t.count; v++)
			if (!l->t.items[v].code || !l->t.items[v].fr || !l->t.items[v].en ||
			    l->retired[v] > 1) {
				problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "value",
					"list %d, value %d: missing text or retired flag %u",
					li + 1, v + 1, l->retired[v]);
				return;
			}
		if (l->builtin < 0 || l->builtin > 1 || l->rollup < -1 || l->rollup >= q->nlists ||
		    (l->rollup >= 0 && !l->rollup_of)) {
			problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "rollup",
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
			problem(s, 0, FMT_E_FIELD, FMT_R_RANGE, "table",
				"table %d: missing text, %d dimensions or retired flag %d", ti + 1,
				t->ndims, t->retired);
			return;
		}
		for (k = 0; k < t->ndims; k++)
			if (t->dims[k] < 0 || t->dims[k] >= q->nlists) {
				problem(s, 0, FMT_E_FIELD, FMT_R_UNKNOWN, "table",
					"table %d, dimension %d: list %d is not there (%d lists)",
					ti + 1, k + 1, t->dims[k] + 1, q->nlists);
				return;
			}
	}

	for (li = 0; li < q->nlists; li++) {
		check_builtin(s, q, li);
		if (li >= QN_BUILTIN_LISTS)
			check_list_name(s, 0, q, li);
		for (v = 0; v < q->lists[li].t.count; v++)
			check_value(s, 0, &q->lists[li], v);
	}
	check_rollups(s, q, NULL);
	for (ti = 0; ti < q->ntables; ti++) {
		check_table_text(s, 0, q, ti);
		check_table_dims(s, 0, q, ti);
	}
}

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
	unsigned *value_line[QN_ALL_LISTS];  /* line of each value's row */
	char **rollup[QN_ALL_LISTS];         /* each value's rollup cell, NULL when empty */
	uint8_t full[QN_ALL_LISTS];          /* values beyond QN_VALUES_MAX dropped */
	int lists_full, tables_full;         /* lists or tables beyond their cap dropped */
	int lists_complete;                  /* every list of lists.csv was read */
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
	deliver(s, &p);
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
		problem(s, 1, FMT_E_FIELD, FMT_R_HEADER, NULL,
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
			problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, show(name).s,
				"unknown column, in column %s (the columns are: %s)", letter,
				expected);
			bad = 1;
		} else if (sh->pos[c] >= 0) {
			problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, names[c],
				"named twice, the second time in column %s", letter);
			bad = 1;
		} else {
			sh->pos[c] = i;
			sh->named[i] = 1;
		}
	}
	for (c = 0; c < ncols; c++)
		if (sh->pos[c] < 0 && c != optional) {
			problem(s, r->line, FMT_E_FIELD, FMT_R_HEADER, names[c],
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
			problem(sh->s, r->line, FMT_E_FIELD, FMT_R_EXTRA, letter,
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
	problem(s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "retired",
		"\"%s\" is neither yes nor no: leave the cell empty (or 0, non, no) for what "
		"is in use, write oui (or 1, yes, x) for what is retired", show(text).s);
	return 0;
}

/* One row of lists.csv: a value of the list it names, which its first row
 * creates. */
static void lists_row(struct draft *d, const struct sheet *sh)
{
	questionnaire *q = d->q;
	const char *name = cell(sh, LC_LIST), *roll = cell(sh, LC_ROLLUP);
	unsigned line = sh->r->line;
	enum_item *it;
	qn_list *l;
	int li, vi;

	if (!name[0]) {
		problem(&d->s, line, FMT_E_FIELD, FMT_R_REQUIRED, "list",
			"empty: every row names the list its value belongs to");
		return;
	}
	for (li = QN_BUILTIN_LISTS; li < q->nlists && strcmp(q->lists[li].t.name, name); li++)
		;
	if (li == q->nlists) {
		if (q->nlists == QN_ALL_LISTS) {
			if (!d->lists_full)
				problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "list",
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
		if (!(l->t.name = copy_str(name)) || list_alloc(l, QN_VALUES_MAX) ||
		    !d->value_line[li] || !d->rollup[li]) {
			d->nomem = 1;
			return;
		}
		check_list_name(&d->s, line, q, li);
	}
	l = &q->lists[li];
	if (l->t.count == QN_VALUES_MAX) {
		if (!d->full[li])
			problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "value",
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
	check_value(&d->s, line, l, vi);
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
			problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"value \"%s\" of list \"%s\" has no rollup, but others of the list "
				"have one: give one to every value, or to none", show(code).s,
				show(l->t.name).s);
			ok = 0;
			continue;
		}
		colon = strchr(cellv, ':');
		n = colon ? (size_t)(colon - cellv) : 0;
		if (!colon || n == 0 || !colon[1]) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_CODE, "rollup",
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
				problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
					"\"%s\": no list \"%s\" in lists.csv", show(cellv).s,
					show(lname).s);
			ok = 0;
			continue;
		}
		if (ti == li || q->lists[ti].builtin) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
				"\"%s\": list \"%s\" cannot roll up into %s", show(cellv).s,
				show(l->t.name).s, ti == li ? "itself" :
				"a built-in list (only into one of lists.csv)");
			ok = 0;
			continue;
		}
		if (target >= 0 && ti != target) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_ROLLUP, "rollup",
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
				problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, "rollup",
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
	for (li = QN_BUILTIN_LISTS; li < d->q->nlists && !d->nomem; li++)
		resolve_rollup(d, li);
	if (!d->nomem)
		check_rollups(&d->s, d->q, d->list_line);
}

/* The list a dimension names: its index, or -1 (reported, unless lists.csv
 * could not be read to its end and the name may be of a list lost there). */
static int dim_list(struct draft *d, unsigned line, const char *field, const char *name)
{
	const questionnaire *q = d->q;
	size_t i;
	int li;

	for (i = 0; i < sizeof RESERVED / sizeof RESERVED[0]; i++)
		if (same_nocase(name, RESERVED[i])) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_RESERVED_NAME, field,
				"\"%s\" is a reserved name, not a list (period and département "
				"are on every table without being dimensions)", show(name).s);
			return -1;
		}
	if ((li = qn_list_find(q, name)) >= 0)
		return li;
	for (li = 0; li < q->nlists; li++)
		if (same_nocase(name, q->lists[li].t.name)) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				"no list \"%s\"; codes are case-sensitive: \"%s\"?", show(name).s,
				show(q->lists[li].t.name).s);
			return -1;
		}
	if (d->lists_complete)
		problem(&d->s, line, FMT_E_FIELD, FMT_R_UNKNOWN, field,
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
			problem(&d->s, line, FMT_E_FIELD, FMT_R_LIMIT, "table",
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
	check_table_text(&d->s, line, q, q->ntables - 1);
	for (k = 0; k < QN_DIMS_MAX; k++) {
		const char *name = cell(sh, TC_DIM1 + k);

		snprintf(field, sizeof field, "dim%d", k + 1);
		if (!name[0]) {
			if (!empty)
				empty = k + 1;
			continue;
		}
		if (empty && !gap) {
			problem(&d->s, line, FMT_E_FIELD, FMT_R_GAP, field,
				"%s is given but dim%d is empty: dimensions go from dim1 on, "
				"without a gap", field, empty);
			gap = 1;
		}
		while (t->ndims < k)
			t->dims[t->ndims++] = -1;
		t->dims[t->ndims++] = dim_list(d, line, field, name);
	}
	check_table_dims(&d->s, line, q, q->ntables - 1);
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
	if (rc == 0 && !d->nomem && d->q->ntables == 0)
		problem(&d->s, 0, FMT_E_FIELD, FMT_R_REQUIRED, "table",
			"no table: a questionnaire has at least one");
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
	struct draft *d = calloc(1, sizeof *d);
	csv_reader *r = malloc(sizeof *r);   /* a 16 KiB arena: not on the stack */
	struct sink check;
	int rc;

	*out = NULL;
	if (!d || !r || !(d->q = q_new(QN_ALL_LISTS, QN_TABLES_MAX)) || add_builtins(d->q)) {
		draft_free(d);
		free(r);
		sink_init(&check, fn, ctx, "");
		problem(&check, 0, FMT_E_NOMEM, FMT_R_NONE, NULL, "out of memory");
		if (err)
			*err = check.first;
		return FMT_E_NOMEM;
	}
	sink_init(&d->s, fn, ctx, QN_LISTS_SHEET);
	read_lists(d, r, lists_csv, lists_csv ? llen : 0);
	if (!d->nomem)
		read_tables(d, r, tables_csv, tables_csv ? tlen : 0);
	free(r);
	if (d->nomem) {
		d->s.where = "";
		problem(&d->s, 0, FMT_E_NOMEM, FMT_R_NONE, NULL, "out of memory");
	}
	/* The rows passed the same checks as they were read; validate() is
	 * what qn_encode() and qn_decode() apply, and must agree. */
	if (!d->s.count) {
		sink_init(&check, NULL, NULL, "");
		validate(d->q, &check);
		if (check.count)
			deliver(&d->s, &check.first);
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
	static const char *const sheets[2] = { QN_TABLES_SHEET, QN_LISTS_SHEET };
	char path[PATH_CAP];
	uint8_t *data[2] = { NULL, NULL };
	size_t len[2] = { 0, 0 };
	struct sink s;
	fmt_error sub;
	int i, rc;

	*out = NULL;
	sink_init(&s, fn, ctx, "");
	for (i = 0; i < 2; i++)
		if (path_join(path, dir, sheets[i], &sub) ||
		    read_file_capped(path, QN_SHEET_MAX, &data[i], &len[i], &sub)) {
			snprintf(sub.where, sizeof sub.where, "%s", sheets[i]);
			deliver(&s, &sub);
		}
	if (s.count) {
		rc = s.first.code;
		if (err)
			*err = s.first;
	} else {
		rc = qn_parse((const char *)data[0], len[0], (const char *)data[1], len[1], out,
			      fn, ctx, err);
	}
	free(data[0]);
	free(data[1]);
	return rc;
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

	sink_init(&s, fn, ctx, "");
	if (prev->edition && next->edition && next->edition <= prev->edition)
		problem(&s, 0, FMT_E_FIELD, FMT_R_ORDER, "edition",
			"edition %u cannot follow edition %u", (unsigned)next->edition,
			(unsigned)prev->edition);

	s.where = QN_LISTS_SHEET;
	for (li = 0; li < prev->nlists; li++) {
		const qn_list *pl = &prev->lists[li], *nl;
		const char *pr = rollup_name(prev, pl), *nr;
		int ni = qn_list_find(next, pl->t.name);

		if (ni < 0) {
			problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "list",
				"list \"%s\" is gone: an edition may retire values, never remove a "
				"list", show(pl->t.name).s);
			continue;
		}
		nl = &next->lists[ni];
		nr = rollup_name(next, nl);
		if (pr && (!nr || strcmp(pr, nr) != 0)) {
			problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, "rollup",
				"list \"%s\" rolled up into \"%s\", now %s%s%s", show(pl->t.name).s,
				show(pr).s, nr ? "into \"" : "into nothing", nr ? show(nr).s : "",
				nr ? "\"" : "");
			pr = NULL;      /* its values are not compared then */
		}
		for (v = 0; v < pl->t.count; v++) {
			const char *code = pl->t.items[v].code, *pv, *nv;
			int nvi = qn_value_find(nl, code);

			if (nvi < 0) {
				problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "value",
					"value \"%s\" of list \"%s\" is gone: retire it instead "
					"(retired = oui)", show(code).s, show(pl->t.name).s);
				continue;
			}
			if (!pr)
				continue;
			pv = prev->lists[pl->rollup].t.items[pl->rollup_of[v]].code;
			nv = next->lists[nl->rollup].t.items[nl->rollup_of[nvi]].code;
			if (strcmp(pv, nv) != 0)
				problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, "rollup",
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
			problem(&s, 0, FMT_E_FIELD, FMT_R_REMOVED, "table",
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
			problem(&s, 0, FMT_E_FIELD, FMT_R_REDEFINED, field,
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

/* ------------------------------------------------------------------ */
/* Binary encoding                                                     */

/* Output that counts what it could not write: a first pass with no
 * buffer gives the size. */
struct enc {
	uint8_t *p;
	size_t cap, n;
};

static void enc_bytes(struct enc *e, const void *src, size_t n)
{
	if (e->n + n <= e->cap && n)
		memcpy(e->p + e->n, src, n);
	e->n += n;
}

static void enc_u8(struct enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	enc_bytes(e, &b, 1);
}

static void enc_u16(struct enc *e, unsigned v)
{
	uint8_t b[2];

	put_u16(b, (uint16_t)v);
	enc_bytes(e, b, 2);
}

static void enc_str(struct enc *e, const char *s)
{
	size_t n = strlen(s);

	enc_u16(e, (unsigned)n);
	enc_bytes(e, s, n);
}

/* q was validated: every count and length fits its field. */
static void encode(struct enc *e, const questionnaire *q)
{
	uint8_t b[8];
	int li, v, ti, k;

	put_u32(b, q->edition);
	enc_bytes(e, b, 4);
	put_i64(b, q->published);
	enc_bytes(e, b, 8);
	enc_u16(e, (unsigned)q->nlists);
	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li];

		enc_str(e, l->t.name);
		enc_u8(e, l->builtin ? QN_FLAG : 0);
		enc_u16(e, l->rollup < 0 ? QN_NO_ROLLUP : (unsigned)l->rollup);
		enc_u16(e, (unsigned)l->t.count);
		for (v = 0; v < l->t.count; v++) {
			enc_str(e, l->t.items[v].code);
			enc_str(e, l->t.items[v].fr);
			enc_str(e, l->t.items[v].en);
			enc_u8(e, l->retired[v] ? QN_FLAG : 0);
			if (l->rollup >= 0)
				enc_u16(e, (unsigned)l->rollup_of[v]);
		}
	}
	enc_u16(e, (unsigned)q->ntables);
	for (ti = 0; ti < q->ntables; ti++) {
		const qn_table *t = &q->tables[ti];

		enc_str(e, t->code);
		enc_str(e, t->title_fr);
		enc_str(e, t->title_en);
		enc_str(e, t->help_fr);
		enc_u8(e, t->retired ? QN_FLAG : 0);
		enc_u8(e, (unsigned)t->ndims);
		for (k = 0; k < t->ndims; k++)
			enc_u16(e, (unsigned)t->dims[k]);
	}
}

/* encode() into a buffer of the size a first pass measured. */
static int encode_alloc(const questionnaire *q, uint8_t **buf, size_t *len, fmt_error *err)
{
	struct enc e = { NULL, 0, 0 };

	encode(&e, q);
	e.cap = e.n;
	e.n = 0;
	if (!(e.p = malloc(e.cap)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory (%zu bytes)", e.cap);
	encode(&e, q);
	*buf = e.p;
	*len = e.n;
	return FMT_OK;
}

/* q is any questionnaire from memory: validated before a byte is written. */
int qn_encode(const questionnaire *q, uint8_t **buf, size_t *len, fmt_error *err)
{
	struct sink s;

	*buf = NULL;
	*len = 0;
	if (!q)
		return fmt_fail(err, FMT_E_FIELD, "no questionnaire");
	sink_init(&s, NULL, NULL, "");
	validate(q, &s);
	if (s.count) {
		if (err)
			*err = s.first;
		return s.first.code;
	}
	return encode_alloc(q, buf, len, err);
}

/* ------------------------------------------------------------------ */
/* Binary decoding                                                     */

static int truncated(fmt_error *err, const char *what)
{
	return fmt_fail(err, FMT_E_TRUNCATED, "questionnaire truncated in %s", what);
}

static int dec_u16(struct cursor *c, const char *what, uint16_t *v, fmt_error *err)
{
	return cursor_u16(c, v) ? truncated(err, what) : FMT_OK;
}

/* A flags byte: bit 0 into *v, the other bits reserved. */
static int dec_flag(struct cursor *c, const char *what, int *v, fmt_error *err)
{
	uint8_t b;

	if (cursor_u8(c, &b))
		return truncated(err, what);
	if (b & ~QN_FLAG)
		return fmt_fail_field(err, FMT_E_RESERVED, FMT_R_NONE, what,
				      "flags 0x%02x: only bit 0 is defined", b);
	*v = b & QN_FLAG;
	return FMT_OK;
}

/* A string of at most max bytes, checked as text before it is copied (a
 * NUL inside would shorten it silently). */
static int dec_str(struct cursor *c, const char *what, size_t max, char **out, fmt_error *err)
{
	const uint8_t *p;
	const char *why;
	uint16_t n;
	size_t at;

	if (cursor_u16(c, &n))
		return truncated(err, what);
	if (n > max)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_TOO_LONG, what,
				      "%u bytes, more than %zu", (unsigned)n, max);
	if (cursor_view(c, &p, n))
		return truncated(err, what);
	why = text_check((const char *)p, n, 0, &at);
	if (why)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, what, "%s at byte %zu", why,
				      at + 1);
	if (!(*out = copy_mem(p, n)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	return FMT_OK;
}

/* dec_str() into a field that enum_table declares const. */
static int dec_cstr(struct cursor *c, const char *what, size_t max, const char **out,
		    fmt_error *err)
{
	char *p = NULL;
	int rc = dec_str(c, what, max, &p, err);

	*out = p;
	return rc;
}

/* One list into l (zeroed, already counted in q->nlists so that qn_free
 * releases whatever was read). */
static int dec_list(struct cursor *c, qn_list *l, fmt_error *err)
{
	uint16_t rollup = 0, n = 0, idx = 0;
	enum_item *it;
	int rc, flag, v;
	size_t least;

	l->rollup = -1;
	if ((rc = dec_cstr(c, "list", QN_CODE_MAX, &l->t.name, err)) ||
	    (rc = dec_flag(c, "list", &l->builtin, err)) ||
	    (rc = dec_u16(c, "rollup", &rollup, err)) || (rc = dec_u16(c, "value", &n, err)))
		return rc;
	if (n == 0)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, "value",
				      "list without value");
	if (n > QN_VALUES_MAX)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "value",
				      "%u values, more than %d", (unsigned)n, QN_VALUES_MAX);
	/* Nothing is allocated for values the bytes cannot hold: each takes
	 * at least three lengths, a code byte, a label byte and its flags. */
	least = (size_t)n * (2 + 1 + 2 + 1 + 2 + 1 + (rollup != QN_NO_ROLLUP ? 2 : 0));
	if (cursor_left(c) < least)
		return truncated(err, "values");
	if (list_alloc(l, n))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	if (rollup != QN_NO_ROLLUP) {
		l->rollup = rollup;
		if (!(l->rollup_of = calloc(n, sizeof *l->rollup_of)))
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	it = items_of(l);
	for (v = 0; v < n; v++) {
		l->t.count++;
		if ((rc = dec_cstr(c, "value", QN_CODE_MAX, &it[v].code, err)) ||
		    (rc = dec_cstr(c, "label_fr", QN_LABEL_MAX, &it[v].fr, err)) ||
		    (rc = dec_cstr(c, "label_en", QN_LABEL_MAX, &it[v].en, err)) ||
		    (rc = dec_flag(c, "retired", &flag, err)))
			return rc;
		l->retired[v] = (uint8_t)flag;
		if (l->rollup_of) {
			if ((rc = dec_u16(c, "rollup", &idx, err)))
				return rc;
			l->rollup_of[v] = idx;
		}
	}
	return FMT_OK;
}

static int dec_table(struct cursor *c, qn_table *t, fmt_error *err)
{
	uint16_t d = 0;
	uint8_t n = 0;
	int rc, k;

	if ((rc = dec_str(c, "table", QN_CODE_MAX, &t->code, err)) ||
	    (rc = dec_str(c, "title_fr", QN_LABEL_MAX, &t->title_fr, err)) ||
	    (rc = dec_str(c, "title_en", QN_LABEL_MAX, &t->title_en, err)) ||
	    (rc = dec_str(c, "help_fr", QN_HELP_MAX, &t->help_fr, err)) ||
	    (rc = dec_flag(c, "retired", &t->retired, err)))
		return rc;
	if (cursor_u8(c, &n))
		return truncated(err, "dim1");
	if (n == 0)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, "dim1",
				      "table without dimension");
	if (n > QN_DIMS_MAX)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "dim1",
				      "%u dimensions, more than %d", (unsigned)n, QN_DIMS_MAX);
	for (k = 0; k < n; k++) {
		if ((rc = dec_u16(c, "dims", &d, err)))
			return rc;
		t->dims[t->ndims++] = d;
	}
	return FMT_OK;
}

static int decode(struct cursor *c, questionnaire *q, fmt_error *err)
{
	uint16_t n = 0;
	int rc, i;

	if (cursor_u32(c, &q->edition) || cursor_i64(c, &q->published))
		return truncated(err, "edition");
	if ((rc = dec_u16(c, "lists", &n, err)))
		return rc;
	if (n < QN_BUILTIN_LISTS || n > QN_ALL_LISTS)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "list",
				      "%u lists (must be %d to %d)", (unsigned)n, QN_BUILTIN_LISTS,
				      QN_ALL_LISTS);
	if (!(q->lists = calloc(n, sizeof *q->lists)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		q->nlists++;
		if ((rc = dec_list(c, &q->lists[i], err)))
			return rc;
	}
	if ((rc = dec_u16(c, "tables", &n, err)))
		return rc;
	if (n < 1 || n > QN_TABLES_MAX)
		return fmt_fail_field(err, n ? FMT_E_LENGTH : FMT_E_FIELD,
				      n ? FMT_R_LIMIT : FMT_R_REQUIRED, "table",
				      "%u tables (must be 1 to %d)", (unsigned)n, QN_TABLES_MAX);
	if (!(q->tables = calloc(n, sizeof *q->tables)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		q->ntables++;
		if ((rc = dec_table(c, &q->tables[i], err)))
			return rc;
	}
	if (cursor_left(c))
		return fmt_fail(err, FMT_E_TRAILING,
				"%zu byte%s after the end of the questionnaire", cursor_left(c),
				cursor_left(c) == 1 ? "" : "s");
	return FMT_OK;
}

int qn_decode(const uint8_t *buf, size_t len, questionnaire **out, fmt_error *err)
{
	questionnaire *q;
	struct cursor c;
	struct sink s;
	uint8_t *again = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!buf)
		len = 0;
	if (len > QN_ENCODED_MAX)
		return fmt_fail(err, FMT_E_TOO_BIG, "questionnaire of %zu bytes, more than %u", len,
				QN_ENCODED_MAX);
	if (!(q = calloc(1, sizeof *q)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	cursor_init(&c, buf, len);
	rc = decode(&c, q, err);
	if (!rc) {
		sink_init(&s, NULL, NULL, "");
		validate(q, &s);
		if (s.count) {
			rc = s.first.code;
			if (err)
				*err = s.first;
		}
	}
	/* Every field was read in its one form above; encoding the result
	 * again and comparing keeps that true should a field ever be added to
	 * one side and not the other. */
	if (!rc && !(rc = encode_alloc(q, &again, &n, err)) &&
	    (n != len || memcmp(again, buf, len) != 0))
		rc = fmt_fail(err, FMT_E_NONCANONICAL,
			      "questionnaire is not in its canonical encoding");
	free(again);
	if (rc) {
		qn_free(q);
		return rc;
	}
	*out = q;
	return FMT_OK;
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
