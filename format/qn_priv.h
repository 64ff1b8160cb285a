/*
 * qn_priv.h - what the questionnaire's three files share: the model and
 * its rules (questionnaire.c), the sheet reader and writer (qn_sheets.c)
 * and the binary encoding (qn_codec.c).  Internal to format/: not part of
 * its interface (that is questionnaire.h).
 *
 * One set of checks serves every way in, so the rules live in
 * questionnaire.c and the two readers call them: the sheet reader row by
 * row with the line each row starts on, qn_validate() on a whole
 * questionnaire for the encoder and the decoder.  Problems go through a
 * sink that fills in the sheet and line, hands each problem to the
 * caller's callback and keeps the first for the return code: format/ never
 * prints.
 */
#ifndef MAILLAGE_QN_PRIV_H
#define MAILLAGE_QN_PRIV_H

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "questionnaire.h"
#include "record.h"

#define QN_ALL_LISTS    (QN_BUILTIN_LISTS + QN_LISTS_MAX)

/* ------------------------------------------------------------------ */
/* Problems (questionnaire.c)                                          */

struct sink {
	qn_problem_fn fn;
	void *ctx;
	const char *where;       /* the sheet, "" for bytes and memory */
	unsigned count;          /* problems so far */
	fmt_error first;         /* the first of them */
};

/* A sink that hands problems to fn (may be NULL), putting them in the
 * sheet where ("" for none). */
void qn_sink_init(struct sink *s, qn_problem_fn fn, void *ctx, const char *where);

/* Hands e, a whole problem, to the sink. */
void qn_deliver(struct sink *s, const fmt_error *e);

/* One problem at line of the current sheet: the detail reads
 * "tables.csv line 7: field dim2: ...", and where, line, field and reason
 * are set apart for the programs to word their own message. */
void qn_problem(struct sink *s, unsigned line, int code, int reason, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Untrusted text made fit for a detail (text_show), by value so that
 * several can be arguments of one call. */
struct shown {
	char s[48];
};

static inline struct shown show(const char *text)
{
	struct shown r;

	text_show(text, strlen(text), r.s, sizeof r.s);
	return r;
}

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */

static inline int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Whether a and b are the same but for the case of ASCII letters. */
static inline int same_nocase(const char *a, const char *b)
{
	while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) {
		a++;
		b++;
	}
	return lower((unsigned char)*a) == lower((unsigned char)*b);
}

/* A NUL-terminated copy of s[0..n) (s itself may hold no NUL), or NULL. */
static inline char *copy_mem(const void *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		if (n)
			memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static inline char *copy_str(const char *s)
{
	return copy_mem(s, strlen(s));
}

/* The strings of a list are the questionnaire's own: enum_table only
 * declares them const for the compiled tables' sake. */
static inline enum_item *items_of(const qn_list *l)
{
	return (enum_item *)l->t.items;
}

/* ------------------------------------------------------------------ */
/* The model (questionnaire.c)                                         */

/* Room for cap values in l (which has none yet); -1 when out of memory. */
int qn_list_alloc(qn_list *l, int cap);

/* A questionnaire with room for nlists lists and ntables tables, none
 * used yet; NULL when out of memory. */
questionnaire *qn_new(int nlists, int ntables);

/* The four built-in lists, copied from refdata.h into q's first slots;
 * -1 when out of memory. */
int qn_add_builtins(questionnaire *q);

/* Whether name is one no list may take (period, dept, count, table),
 * ASCII case aside. */
int qn_reserved_name(const char *name);

/* ------------------------------------------------------------------ */
/* The rules (questionnaire.c)                                         */

/* Each reports what it finds to s, at line (0: none). */

/* The name of list li, one of the sheet's: a code, not reserved, not a
 * built-in list's, not another list's (case aside). */
void qn_check_list_name(struct sink *s, unsigned line, const questionnaire *q, int li);

/* Value vi of list l: a code not already in the list (case aside), a
 * French label, an English label or "". */
void qn_check_value(struct sink *s, unsigned line, const qn_list *l, int vi);

/* The labels of list l: both "" (no label: its code is shown), or a
 * French label and an English one or "".  row: the sheet gives the list's
 * own row, whose French label is then required. */
void qn_check_list_labels(struct sink *s, unsigned line, const qn_list *l, int row);

/* Rollups: a list rolls up into another list of the sheet, which does not
 * itself roll up, and each of its values into a value of that list.
 * list_line gives the line of each list's first row (NULL: no lines). */
void qn_check_rollups(struct sink *s, const questionnaire *q, const unsigned *list_line);

/* Table ti, but for its dimensions: a code no earlier table has (case
 * aside), a French title, an English title or "", a help line or "". */
void qn_check_table_text(struct sink *s, unsigned line, const questionnaire *q, int ti);

/* The dimensions of table ti: 1..QN_DIMS_MAX, each a list, each list at
 * most once; a negative one is a cell the sheet reader has reported. */
void qn_check_table_dims(struct sink *s, unsigned line, const questionnaire *q, int ti);

/* Rule ri, whose tables and value indexes are within q: a code no earlier
 * rule has (case aside), its messages, the sides and constant its kind
 * allows, each restriction to values of the side's table in increasing
 * order. */
void qn_check_rule(struct sink *s, unsigned line, const questionnaire *q, int ri);

/* Everything a questionnaire must be, whatever it came from, shape first
 * (counts, indexes, no NULL), then every rule.  Problems carry no sheet
 * and no line. */
void qn_validate(const questionnaire *q, struct sink *s);

#endif
