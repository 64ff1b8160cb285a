/*
 * questionnaire.h - the questionnaire: what the coordinator asks the field
 * to count (PRODUCT.md section 3b; the rules in docs/QUESTIONNAIRE.md).
 *
 * A questionnaire is a numbered edition of count tables.  Each table has a
 * permanent code, titles, a help line and 1 to QN_DIMS_MAX dimensions; a
 * dimension names a code list, and is named after it: by the list's code
 * in flags and files (--country NG), by its label where people read it (a
 * column "Pays d'origine", a menu "Lien avec l'exploiteur").  Period and
 * département are on every table without being dimensions.  Four lists are
 * built in (status, exploitation, sex and age, as refdata.h has them); the
 * others are defined by the coordinator (countries, world regions,
 * referrals...).  The coordinator writes the questionnaire as two sheets,
 * tables.csv and lists.csv; the kit carries it in the canonical binary
 * encoding below, which holds every list in full, so that a reader needs
 * no compiled table.
 *
 * A questionnaire owns all its memory: every string is its own copy, the
 * built-in lists' included, and qn_free() releases it all.  Values are
 * referred to by index (lists in q->lists, values in a list's t.items);
 * files and records carry codes.
 */
#ifndef MAILLAGE_QUESTIONNAIRE_H
#define MAILLAGE_QUESTIONNAIRE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "record.h"
#include "refdata.h"

/* Limits.  Each bounds what a hostile or mistaken file can make the
 * programs hold, far above what a real questionnaire needs. */
#define QN_TABLES_MAX     64     /* the national survey's core and annex take 13 */
#define QN_LISTS_MAX      64     /* lists a sheet may define; the built-in ones come on top */
#define QN_BUILTIN_LISTS  4      /* status, exploitation, sex, age, always first, in that order */
#define QN_VALUES_MAX     400    /* values of one list: ISO 3166 has 249 countries */
#define QN_DIMS_MAX       4      /* dimensions of a table: the support table's four */
#define QN_CODE_MAX       32     /* bytes of a code: it is typed as a flag (--country NG) */
#define QN_LABEL_MAX      200    /* bytes of a title or a label, as every name (REC_NAME_MAX) */
#define QN_HELP_MAX       500    /* bytes of a help line: one line a social worker reads */
#define QN_SHEET_MAX      (4u << 20) /* bytes of a sheet file: the default lists.csv is 17 KiB */
#define QN_ENCODED_MAX    (16u << 20) /* no valid encoding is larger (11.6 MiB at every cap) */
#define QN_RULES_MAX      256    /* rows of rules.csv: the default edition has 7 */
#define QN_FILTER_MAX     32     /* values of one dimension a side of a rule names */
#define QN_MESSAGE_MAX    300    /* bytes of a rule's message: one sentence */
#define QN_CONSTANT_MAX   1000000000u /* a rule's constant: a sum of counts is below it */
#define QN_FACTOR_MAX     1000   /* an outlier factor */
#define QN_FACTOR_DEFAULT 3      /* the outlier factor when rules.csv sets none */

/* The two sheets, as their files are named and as fmt_error.where names
 * them in problems. */
#define QN_TABLES_SHEET   "tables.csv"
#define QN_LISTS_SHEET    "lists.csv"
#define QN_RULES_SHEET    "rules.csv"     /* optional: an edition without it has no rules */

/* A code list.  t.name is the list's code, t.items its values (code,
 * French label, English label), t.count how many (1..QN_VALUES_MAX).  An
 * English label or title left empty in the sheet is "": show the French
 * one then.  label_fr and label_en name the list itself: fixed for the
 * built-in lists, from the list's own row of the sheet for the others, ""
 * when it gives none (show them with qn_list_label()).  A list may hold
 * more than 32 values: never give t to the set functions of refdata.h
 * (enum_parse_set, enum_format_set, enum_all_mask), which are for 32 at
 * most; enum_find() and enum_describe() are fine. */
typedef struct qn_list {
	enum_table t;
	char *label_fr, *label_en;  /* the list's own labels; "" when not given */
	uint8_t *retired;        /* t.count flags, 1 when the value is retired */
	int builtin;             /* 1 for status, exploitation, sex, age */
	int rollup;              /* index of the list its values roll up into, or -1 */
	int *rollup_of;          /* per value: its value's index in that list; NULL: no rollup */
} qn_list;

typedef struct qn_table {
	char *code, *title_fr, *title_en, *help_fr;  /* title_en may be "", help_fr too */
	int ndims;               /* 1..QN_DIMS_MAX */
	int dims[QN_DIMS_MAX];   /* indexes into q->lists, all different */
	int retired;             /* 0 or 1 */
} qn_table;

/* What a row of rules.csv is (its op column): a rule comparing two sums
 * of counts of one organisation, period and département, or a setting of
 * the outlier checks. */
enum qn_rule_kind {
	QN_RULE_LE = 1,          /* left <= right */
	QN_RULE_EQ = 2,          /* left = right */
	QN_RULE_GE = 3,          /* left >= right */
	QN_RULE_OUTLIER = 4,     /* a count over constant times its previous value (no table: every table) */
	QN_RULE_ABOVE = 5,       /* a count over constant */
};

enum qn_severity {
	QN_WARNING = 0,          /* shown; the export goes on */
	QN_ERROR = 1,            /* the export stops, unless sent despite errors */
};

/* One side of a rule: the sum of the counts of a table whose value of each
 * dimension k is one of values[k][0..nvalues[k]) (indexes into the
 * dimension's list, increasing); nvalues[k] 0: any value.  table -1: no
 * table (the rule's constant stands there). */
typedef struct qn_side {
	int table;
	int nvalues[QN_DIMS_MAX];
	uint16_t values[QN_DIMS_MAX][QN_FILTER_MAX];
} qn_side;

/* A row of rules.csv.  For QN_RULE_LE, _EQ and _GE, left has a table, and
 * right a table (constant 0) or none (the constant); message_fr is
 * required.  For QN_RULE_OUTLIER the constant is the factor (0: no check),
 * for QN_RULE_ABOVE the threshold; right has no table, the severity is a
 * warning and the messages may be "". */
typedef struct qn_rule {
	char *code, *message_fr, *message_en;
	int kind;                /* enum qn_rule_kind */
	int severity;            /* enum qn_severity */
	qn_side left, right;
	uint32_t constant;
} qn_rule;

typedef struct questionnaire {
	uint32_t edition;        /* 0 until published; set by the merger */
	int64_t published;       /* unix seconds, 0 until published */
	int nlists;              /* the 4 built-in lists first, then the sheet's, in order */
	qn_list *lists;
	int ntables;             /* 1..QN_TABLES_MAX, in sheet order */
	qn_table *tables;
	int nrules;              /* 0..QN_RULES_MAX, in sheet order */
	qn_rule *rules;
} questionnaire;

/* Receives one problem: code (FMT_E_FIELD, FMT_E_CSV, FMT_E_IO...),
 * reason, where (the sheet, "tables.csv" or "lists.csv"; "" when none),
 * line (where the row starts; 0 when none), field (the column) and an
 * English detail.  *problem is valid during the call only. */
typedef void (*qn_problem_fn)(void *ctx, const fmt_error *problem);

/* Parses the two sheets held in memory (comma- or semicolon-separated,
 * UTF-8 with or without a byte order mark) and checks every rule.  Every
 * problem goes to fn (which may be NULL), so that a coordinator sees them
 * all at once.  Returns FMT_OK with *out set (the caller frees it with
 * qn_free), or the code of the first problem, with *out NULL and err (when
 * non-NULL) set to that first problem.  The result has edition 0 and
 * published 0.  FMT_E_NOMEM when memory runs out. */
int qn_parse(const char *tables_csv, size_t tlen, const char *lists_csv, size_t llen,
	     questionnaire **out, qn_problem_fn fn, void *ctx, fmt_error *err);

/* qn_parse(), then the third sheet, rules.csv (NULL: no rules), whose
 * rows name the tables and values of the other two. */
int qn_parse_rules(const char *tables_csv, size_t tlen, const char *lists_csv, size_t llen,
		   const char *rules_csv, size_t rlen, questionnaire **out, qn_problem_fn fn,
		   void *ctx, fmt_error *err);

/* Reads DIR/tables.csv, DIR/lists.csv and, when it exists, DIR/rules.csv
 * (each at most QN_SHEET_MAX bytes), then qn_parse_rules().  A file that
 * cannot be read is a problem like the others (FMT_E_IO with its errno,
 * FMT_E_TOO_BIG), where naming the sheet. */
int qn_read_dir(const char *dir, questionnaire **out, qn_problem_fn fn, void *ctx,
		fmt_error *err);

/* Frees q and everything it holds; accepts NULL. */
void qn_free(questionnaire *q);

/* Whether next may follow prev as a later edition: every table, list and
 * value code of prev is still there (retired is fine), each table keeps
 * the same dimensions in the same order, a list that rolled up still rolls
 * up into the same list and each of its values into the same value.
 * Labels (the lists' own too), titles, help and retired flags may change;
 * tables, lists, values and rollups may be added.  When both editions are
 * numbered, next's must be greater.  Both must be valid (from qn_parse or
 * qn_decode).  Every problem goes to fn (may be NULL): reason
 * FMT_R_REMOVED or FMT_R_REDEFINED (FMT_R_ORDER for the edition number),
 * where the sheet and field the column concerned, line 0.  Returns FMT_OK,
 * or the code of the first problem (FMT_E_FIELD) with err set to it. */
int qn_evolves(const questionnaire *prev, const questionnaire *next, qn_problem_fn fn,
	       void *ctx, fmt_error *err);

/* Canonical binary encoding (docs/QUESTIONNAIRE.md, "The binary
 * encoding"): checks q against every rule qn_parse() applies, then writes
 * it into a malloc'd *buf (the caller frees it) of *len bytes.  Fails with
 * the first problem found in q (FMT_E_FIELD), or FMT_E_NOMEM; *buf is then
 * NULL. */
int qn_encode(const questionnaire *q, uint8_t **buf, size_t *len, fmt_error *err);

/* Decodes exactly one questionnaire filling buf[0..len), checking every
 * rule qn_parse() applies, and refusing what no qn_encode() writes: a
 * length over its cap (FMT_E_LENGTH), reserved flag bits (FMT_E_RESERVED),
 * bytes after the end (FMT_E_TRAILING), an end before it
 * (FMT_E_TRUNCATED), anything that would not encode back to the same
 * bytes (FMT_E_NONCANONICAL).  Never reads outside buf[0..len).  Returns
 * FMT_OK with *out set (free with qn_free), or a code with *out NULL. */
int qn_decode(const uint8_t *buf, size_t len, questionnaire **out, fmt_error *err);

/* Look-ups by code: exact, case-sensitive.  NULL or -1 when absent (or
 * when q, l or code is NULL). */
const qn_table *qn_table_find(const questionnaire *q, const char *code);
int qn_list_find(const questionnaire *q, const char *code);
int qn_value_find(const qn_list *l, const char *code);

/* What to show for list l, the name of a dimension (a column header, a
 * menu's question): its English label when en and it has one, otherwise
 * its French label, otherwise its code.  Never NULL ("" when l is NULL);
 * the string is l's. */
const char *qn_list_label(const qn_list *l, int en);

/* Write the sheets back, comma-separated with CRLF line ends (csv.h's
 * writer), so that qn_parse() of what they write gives q again (edition and
 * published aside, which the sheets do not hold): for `merger questionnaire
 * show --format csv`.  q must be valid.  A retired value or table is
 * written "oui"; a list's own row (its labels) comes first of its rows,
 * when it has labels; the built-in lists are not written.  Return 0, or
 * EOF on a write error. */
int qn_write_tables_csv(FILE *f, const questionnaire *q);
int qn_write_lists_csv(FILE *f, const questionnaire *q);
int qn_write_rules_csv(FILE *f, const questionnaire *q);

/* ------------------------------------------------------------------ */
/* Rules and outliers (qn_rules.c): one evaluator for both programs     */

/* A rule that fails for the counts of one organisation, period and
 * département: left and right are its two sums (right: the constant when
 * the rule has one); cells[0..ncells) the indexes, in the counts given,
 * of the counts either side sums (valid during the call only). */
typedef struct qn_failure {
	int rule;                /* index into q->rules */
	uint64_t left, right;
	const size_t *cells;
	size_t ncells;
} qn_failure;

typedef void (*qn_failure_fn)(void *ctx, const questionnaire *q, const qn_failure *f);

/* Checks the rules of q (QN_RULE_LE, _EQ, _GE) on counts[0..n), which
 * must all be of one organisation, period and département.  A rule is
 * checked only when each of its tables has at least one count among them
 * (a table nobody filled in is not a contradiction).  Each rule that fails
 * goes to fn, in the order of the rules.  Returns how many failed, or -1
 * when memory runs out. */
int qn_rules_check(const questionnaire *q, const rec_count *counts, size_t n,
		   qn_failure_fn fn, void *ctx);

/* Whether a check rule (<=, =, >=) sums counts of table ti: the tables
 * whose counts a check needs. */
int qn_table_checked(const questionnaire *q, int ti);

/* A set of groups, each an organisation's period and département, the
 * unit qn_rules_check() works on: the groups a bundle or an export
 * touches, so that only they are checked again.  A group is a key of 64
 * bits (the period's bytes, then the département), ordered as the
 * periods compare with strcmp(), then the départements.  Zero-initialised
 * it is empty; qn_groups_free() releases it. */
typedef struct qn_groups {
	uint64_t *slot;          /* open addressing; 0 is an empty slot */
	size_t cap, n;
} qn_groups;

/* Adds the group of period (a valid period) and dept.  0, or -1 when
 * memory runs out (the set unchanged). */
int qn_groups_add(qn_groups *g, const char *period, uint8_t dept);
/* Whether g holds the group of period and dept. */
int qn_groups_has(const qn_groups *g, const char *period, uint8_t dept);
/* Empties g, keeping its memory for the next bundle. */
void qn_groups_clear(qn_groups *g);
void qn_groups_free(qn_groups *g);
/* The groups of g in order into a new array *keys (free() it; NULL when
 * g is empty) of *n.  0, or -1 when memory runs out. */
int qn_groups_sorted(const qn_groups *g, uint64_t **keys, size_t *n);
/* The key of the group of period and dept. */
uint64_t qn_group_key(const char *period, uint8_t dept);
/* The period and département of group key. */
void qn_group_of(uint64_t key, char period[REC_PERIOD_MAX + 1], uint8_t *dept);

/* Whether count c is one the side s sums. */
int qn_side_matches(const questionnaire *q, const qn_side *s, const rec_count *c);

/* The side as people read it, in French or English: "victims (status =
 * supported)", or the constant for a side without table. */
void qn_side_describe(const questionnaire *q, const qn_rule *r, int right, int en, char *buf,
		      size_t cap);

/* "<=", "=", ">=", "outlier" or "above". */
const char *qn_rule_op(int kind);

/* What is unusual about count c: QN_OUTLIER_RATIO when prev (its value
 * in the previous comparable period for the same organisation and cell;
 * negative when there is none) is above 0 and c->count is more than the
 * factor times prev; QN_OUTLIER_ABOVE when c->count is above the threshold
 * of an `above` row that applies to it.  *factor and *threshold (may be
 * NULL) receive the values that applied (0: none).  Which row applies: the
 * first, in sheet order, naming c's table and a filter c matches; for the
 * factor, failing that, the first without a table, or QN_FACTOR_DEFAULT. */
#define QN_OUTLIER_RATIO 1
#define QN_OUTLIER_ABOVE 2
int qn_outlier(const questionnaire *q, const rec_count *c, int64_t prev, uint32_t *factor,
	       uint32_t *threshold);

#endif
