/*
 * model.h - the data model described once: one descriptor per field of
 * each record kind.
 *
 * A field descriptor says everything the programs need to know about a
 * field: its code (the one word used for the flag, the CSV column, the
 * JSON key and, with '-' written '_', the SQL column), its wire type and
 * where its value lives in a `record`, its code list, bounds, whether it
 * is required or part of the natural key, and its French and English
 * labels.  Validation, the canonical encoding and decoding (record.c), the
 * merger's schema and inserts, CSV and JSON, the collector's flags, menus
 * and templates all loop over these tables; no other list of the fields
 * of a kind exists.  The order of the fields is their order on the wire,
 * in flags, columns and questions.
 *
 * Value conversions to and from text live here too, so that a value is
 * read and written the same way by every program: field_parse() reads
 * what a person types (flags, CSV cells, menu answers), field_text() writes
 * the canonical text (codes, ISO dates), field_show() the words people
 * read (labels, dd/mm/yyyy).
 */
#ifndef MAILLAGE_MODEL_H
#define MAILLAGE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "record.h"
#include "refdata.h"

enum field_type {
	FT_TEXT,        /* one line of UTF-8, u16 length + bytes */
	FT_NOTE,        /* the same, line breaks allowed */
	FT_DEPT,        /* one département: its 3-byte code on the wire */
	FT_DEPTS,       /* a set of départements: u8 count, then 3-byte codes in table order */
	FT_ENUM,        /* one value of a code list: u8 index */
	FT_SET,         /* values of a code list: u32 mask, bit i for index i */
	FT_DATE,        /* u32 yyyymmdd */
	FT_PERIOD,      /* a canonical period as text: 2026, 2026-Q3, 2026-05 */
	FT_NUMBER,      /* u32 in [min, max]; REC_NONE when optional and not given */
	FT_HOURS,       /* a duration, u32 minutes on the wire; typed and shown in hours */
	FT_CODE,        /* a code (code_valid), u16 length + bytes; with a list, one of its values */
	FT_CODES,       /* 1..max codes: u8 count then each code; in SQL, one column per code */
};

/* Checks a text field needs beyond being text. */
enum field_check {
	FC_NONE,
	FC_EMAIL,       /* one '@' with text on both sides, no blank */
	FC_PHONE,       /* digits, blanks and + . - ( ); six digits at least */
	FC_WEBSITE,     /* no blank */
	FC_NATIONAL_ID, /* SIREN (9 digits) or RNA (W and 9 digits) */
	FC_NOT_BEFORE,  /* a date not before the previous field's (end after start) */
};

#define FF_REQUIRED 0x01u  /* must be given: never empty, never REC_NONE */
#define FF_KEY      0x02u  /* part of the kind's natural key */

typedef struct field_desc {
	const char *code;          /* "national-id": flag, CSV column, JSON key */
	const char *sql;           /* "national_id": the SQL column */
	enum field_type type;
	size_t off;                /* offsetof(record, ...) of the value */
	const enum_table *list;    /* FT_ENUM and FT_SET */
	uint32_t min, max;         /* FT_NUMBER and FT_HOURS (minutes) bounds; text byte cap */
	unsigned flags;            /* FF_* */
	enum field_check check;
	const char *fr, *en;       /* labels: questions, column headers */
} field_desc;

typedef struct kind_desc {
	int kind;                  /* enum rec_kind */
	const char *code;          /* "action": command-line name and `record.kind` */
	const char *sql;           /* the merger's table of live rows */
	const char *fr, *fr_plural;
	const char *en, *en_plural;
	const field_desc *fields;
	int nfields;
} kind_desc;

/* A count table's fields as the people who fill it see them (made at run
 * time from the questionnaire): the period, the département, one field
 * per dimension, named after its code list and holding one of its values
 * (record.u.count.dims[i]), and the count.  Its kind code is the table's
 * code; its SQL names are those of the generic count kind ("dim1"...). */
typedef struct table_desc {
	kind_desc k;
	field_desc fields[3 + REC_DIMS_MAX];
	char code[REC_CODE_MAX + 1];
	char sql[REC_DIMS_MAX][8];
} table_desc;

/* Fills *t for table `code` whose dimensions are the lists dims[0..ndims)
 * (each list's name is its code) with labels dim_fr[i] and dim_en[i] (may
 * be NULL: the list's name is used).  The pointers are kept: they must
 * outlive *t.  ndims is clamped to 1..REC_DIMS_MAX. */
void table_desc_make(table_desc *t, const char *code, const char *fr, const char *en,
		     int ndims, const enum_table *const dims[],
		     const char *const dim_fr[], const char *const dim_en[]);

/* Empties r and makes it a fresh count of table t. */
void table_record_blank(const table_desc *t, record *r);

/* The descriptor of kind (REC_ORG..REC_TRAINING), or NULL. */
const kind_desc *kind_desc_of(int kind);
/* The descriptor whose code is name ("action"; "organisation" also as
 * "org"), or NULL. */
const kind_desc *kind_desc_find(const char *name);
/* Field code of kind k, or NULL. */
const field_desc *kind_field(const kind_desc *k, const char *code);

/* Empties r and makes it a fresh record of kind: optional numbers "not
 * given", nothing else set.  Does not set the id, version or time. */
void record_blank(record *r, int kind);

/* Whether field f holds a value in r (an optional field may not). */
int field_given(const record *r, const field_desc *f);

/* Sets field f of r from text as a person types it, in a flag, a CSV cell
 * or a menu answer.  Beyond the canonical text (field_text), accepted:
 * codes in any letter case and values by their French label, without
 * regard to case, accents, blanks or hyphens (enum_match: "accompagnées",
 * "Femme", "maraude"); départements by name ("seine saint denis") and
 * "1".."9" for 01..09 (dept_match); lists separated by ';' as well as
 * ','; dates as 15/03/2026, 15/03/26 or 15 mars 2026 (date_read); periods
 * as 2026-T3, T3 2026, mars 2026 or 03/2026 (period_read); hours as 3,5
 * or 2h30; blanks around values and list items.  Blank text clears an
 * optional field and is refused for a required one.  On failure r is
 * unchanged and err says why with a reason (FMT_R_*) and the field's
 * code; the detail quotes the value, and for an unknown value err->suggest
 * names the closest one when one is close. */
int field_parse(record *r, const field_desc *f, const char *text, fmt_error *err);

/* The canonical text of field f of r into buf[0..cap): codes, comma-
 * separated codes for sets, YYYY-MM-DD, whole numbers, hours as "3" or
 * "2.5"; "" when not given.  What field_parse() reads back unchanged. */
void field_text(const record *r, const field_desc *f, char *buf, size_t cap);
/* The same text where it already is, for a field of r given as one string
 * (FT_TEXT, FT_NOTE, FT_PERIOD, FT_CODE, FT_DEPT, FT_ENUM): in r itself,
 * or in the département table or f's code list.  NULL for other types. */
const char *field_text_static(const record *r, const field_desc *f);

/* The value for people to read, in French (en = 0) or English: labels
 * instead of codes ("; "-separated for sets), "75 Paris", dates as
 * 14/03/2026 (French) or 2026-03-14, durations as "2 h 30".  Free text is
 * returned verbatim: the caller escapes it for its output.  "" when not
 * given. */
void field_show(const record *r, const field_desc *f, int en, char *buf, size_t cap);

/* The numeric value of an FT_NUMBER or FT_HOURS field (minutes), and of
 * FT_DATE (yyyymmdd); REC_NONE when not given. */
uint32_t field_number(const record *r, const field_desc *f);

/* The natural key of r (fields flagged FF_KEY, canonical text joined by
 * '|', each code of a set of codes a part of its own: a count's key is
 * "victims|2026-Q1|93|supported|sexual|f|adult") into buf; "" for a kind
 * without one.  NATKEY_CAP holds the longest, a count's table, period,
 * département and REC_DIMS_MAX codes, whole: two keys never share a
 * prefix cut short. */
#define NATKEY_CAP (REC_CODE_MAX + 1 + REC_PERIOD_MAX + 1 + 3 + \
		    REC_DIMS_MAX * (1 + REC_CODE_MAX) + 1)
void record_natkey(const record *r, char buf[NATKEY_CAP]);

/* Validation of one field (record_validate() runs it over every field):
 * FMT_OK or FMT_E_FIELD with reason and field set. */
int field_validate(const record *r, const field_desc *f, fmt_error *err);

#endif
