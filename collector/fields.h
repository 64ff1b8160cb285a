/*
 * fields.h - the fields of each kind of record as the collector's users
 * see them: the flag and CSV column names, their French labels, and the
 * conversions between a typed value and the record.
 *
 * One table serves `add` (flags and interactive questions), `edit`,
 * `import` (CSV columns) and `list` (columns of every output format), so
 * that a value is read, checked and shown the same way everywhere.
 */
#ifndef COLLECTOR_FIELDS_H
#define COLLECTOR_FIELDS_H

#include <stddef.h>

#include "record.h"
#include "refdata.h"

enum field_type {
	F_DEPT,         /* one département code */
	F_DEPTS,        /* a comma-separated list of département codes */
	F_ENUM,         /* one code of an enumeration */
	F_SET,          /* comma-separated codes of an enumeration */
	F_DATE,         /* YYYY-MM-DD */
	F_PERIOD,       /* 2026, 2026-Q3, 2026-05 */
	F_INT,          /* whole number in [min, max] */
	F_HOURS,        /* hours, decimal, stored as minutes */
	F_TEXT,         /* one line of text, at most max bytes */
	F_NOTE,         /* text that may hold line breaks, at most max bytes */
};

typedef struct field_def {
	const char *name;            /* flag and CSV column: "dept", "national-id" */
	enum field_type type;
	const enum_table *table;     /* F_ENUM and F_SET */
	int required;                /* must be given when a record is created */
	unsigned min, max;           /* F_INT range; F_TEXT/F_NOTE byte cap */
	const char *label;           /* French label: questions, table headers */
	size_t off;                  /* where the value lives in a record */
} field_def;

/* Kind from its command-line name ("action", "support", "training",
 * "organisation"); 0 when unknown. */
int kind_from_name(const char *name);
/* French name, singular or plural: "action"/"actions", "comptage"/... */
const char *kind_french(int kind, int plural);

/* The fields of kind, in the order of flags, columns and questions. */
const field_def *fields_of(int kind, int *n);
/* The field of kind named name, or NULL. */
const field_def *field_find(int kind, const char *name);

/* Empties r and makes it a fresh record of kind: optional numbers "not
 * given", nothing else set.  Does not set the id, version or time. */
void record_blank(record *r, int kind);

/* Sets field f of r from the text value, as typed on the command line
 * or found in a CSV cell.  An empty value clears an optional field and
 * is refused for a required one.  On failure returns -1 and writes a
 * French message naming the field and the allowed values into msg
 * ("champ dept : code de département inconnu « 975 » (...)"). */
int field_set(record *r, const field_def *f, const char *value, char *msg,
	      size_t cap);

/* The value of field f of r as it would be typed: codes, ISO dates,
 * "" for an optional field not given.  Written into buf. */
void field_get(const record *r, const field_def *f, char *buf, size_t cap);

/* The value for people to read: French labels instead of codes, dates
 * as 14/03/2026, "75 Paris" for a département.  Free text is returned
 * verbatim (the caller escapes it for its output). */
void field_show(const record *r, const field_def *f, char *buf, size_t cap);

/* Whether field f holds a value in r (optional fields may not). */
int field_given(const record *r, const field_def *f);

/* Validates the whole record (record_validate) and, when it fails, puts
 * a French message naming the field into msg.  Returns 0 or -1. */
int record_check(const record *r, char *msg, size_t cap);

/* Support natural key "period|dept|status|exploitation|sex|age" (codes)
 * into buf of at least NATKEY_CAP bytes. */
#define NATKEY_CAP 96
void support_natkey(const rec_support *s, char buf[NATKEY_CAP]);

#endif
