/*
 * record.h - the records of the data model and their canonical encoding.
 *
 * A record is one organisation profile, action, count or training.
 * It has a random 128-bit id, a version that grows with each edit, the time
 * that version was recorded, and may be a tombstone (deleted, no fields).
 *
 * `record` is a plain fixed-size struct with no pointers: it can be copied,
 * zeroed and kept on the stack, and decoding needs no allocation.  Free text
 * is NUL-terminated UTF-8 in fixed arrays sized by the caps below.
 *
 * The canonical encoding (docs/FORMAT.md, Part II) is the only
 * form records take in files; record_decode() refuses any other encoding
 * of the same values, so that equal records always have equal bytes.
 */
#ifndef MAILLAGE_RECORD_H
#define MAILLAGE_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "refdata.h"

/* Limits.  Names and other short texts 200 bytes, notes 2000 bytes
 * (PRODUCT.md section 3): enough for a real entry, small enough that a
 * hostile file cannot make a record large. */
#define REC_NAME_MAX      200
#define REC_TEXT_MAX      200    /* e-mail, phone, website, national id, partners */
#define REC_NOTE_MAX      2000
#define REC_COUNT_MAX     100000 /* support count */
#define REC_NUMBER_MAX    1000000 /* people reached, participants */
#define REC_MINUTES_MAX   (24u * 60u * 365u) /* training duration */
#define REC_ENCODED_MAX   8192   /* no canonical record is larger */
#define REC_NONE          0xFFFFFFFFu /* "not given" for optional numbers */
#define REC_PERIOD_MAX    7      /* "2026-Q3" */
#define REC_CODE_MAX      32     /* a table or value code of the questionnaire */
#define REC_DIMS_MAX      4      /* dimensions of a count table, period and dept aside */

enum rec_kind {
	REC_ORG = 1,
	REC_ACTION = 2,
	REC_COUNT = 3,           /* a cell of a count table of the questionnaire */
	REC_TRAINING = 4,
};

typedef struct rec_org {
	char name[REC_NAME_MAX + 1];
	uint8_t kind;                    /* ENUM_ORG_KIND index */
	uint8_t ndepts;                  /* 1..DEPT_COUNT */
	uint8_t depts[DEPT_COUNT];       /* indexes, strictly increasing */
	char email[REC_TEXT_MAX + 1];    /* optional: "" when not given */
	char phone[REC_TEXT_MAX + 1];
	char website[REC_TEXT_MAX + 1];
	char national_id[REC_TEXT_MAX + 1]; /* SIREN (9 digits) or RNA (W + 9 digits) */
} rec_org;

typedef struct rec_action {
	uint8_t dept;                    /* index */
	uint8_t type;                    /* ENUM_ACTION_TYPE index */
	uint32_t start;                  /* date as yyyymmdd, e.g. 20260315 */
	uint32_t end;                    /* yyyymmdd or 0 when not given; >= start */
	uint32_t publics;                /* ENUM_PUBLIC mask */
	uint32_t exploitation;           /* ENUM_EXPLOITATION mask */
	uint32_t people;                 /* 0..REC_NUMBER_MAX or REC_NONE */
	char partners[REC_TEXT_MAX + 1];
	char note[REC_NOTE_MAX + 1];
} rec_action;

/* An aggregated count of one cell of a count table: the table and its
 * value codes are text, so that a record made under any edition of the
 * questionnaire stays readable under every later one (codes are
 * permanent).  Which codes a table allows is the questionnaire's to say
 * (questionnaire.h); the record alone checks their spelling. */
typedef struct rec_count {
	char table[REC_CODE_MAX + 1];    /* "victims" */
	char period[REC_PERIOD_MAX + 1]; /* "2026", "2026-Q3", "2026-05" */
	uint8_t dept;
	uint8_t ndims;                   /* 1..REC_DIMS_MAX */
	char dims[REC_DIMS_MAX][REC_CODE_MAX + 1]; /* value codes, in the table's order */
	uint32_t count;                  /* 0..REC_COUNT_MAX */
} rec_count;

typedef struct rec_training {
	uint32_t date;                   /* yyyymmdd */
	uint8_t dept;
	uint32_t audiences;              /* ENUM_AUDIENCE mask, not empty */
	uint32_t participants;           /* 1..REC_NUMBER_MAX */
	uint32_t minutes;                /* 1..REC_MINUTES_MAX or REC_NONE */
	uint32_t exploitation;           /* ENUM_EXPLOITATION mask */
	char note[REC_NOTE_MAX + 1];
} rec_training;

typedef struct record {
	uint8_t kind;                    /* enum rec_kind */
	uint8_t deleted;                 /* 1 = tombstone: the union is unused */
	uint8_t id[16];
	uint32_t version;                /* >= 1 */
	int64_t recorded_at;             /* unix seconds, UTC, of this version */
	union {
		rec_org org;
		rec_action action;
		rec_count count;
		rec_training training;
	} u;
} record;

/* The kind's name as files and the national database spell it:
 * "organisation", "action", "count", "training" (its code in model.h);
 * "?" for any other value.  Never NULL. */
const char *record_kind_name(int kind);

/* The layout of an id made by record_new_id(): first the maker's prefix
 * (the first 4 bytes of the collector's key id), then the creation time
 * in milliseconds since the Unix epoch, big-endian (48 bits hold it until
 * the year 10889), then random bytes. */
#define REC_ID_PREFIX_BYTES 4
#define REC_ID_TIME_BYTES   6
#define REC_ID_RANDOM_BYTES (16 - REC_ID_PREFIX_BYTES - REC_ID_TIME_BYTES)

/* Fills r->id: prefix, then the creation time, then random bytes, so that
 * the ids of one collector sort together, in the order they were made.
 * The id is otherwise opaque: nothing may read the maker or the time back
 * out of it, and any 16 bytes remain a valid id.  Can't fail once
 * format_init() ran. */
void record_new_id(record *r, const uint8_t prefix[REC_ID_PREFIX_BYTES]);

/* The id prefix of the collector whose key id (KEY_ID_CHARS hex digits,
 * either case) is key_id: its first REC_ID_PREFIX_BYTES bytes.  Returns
 * FMT_OK, or FMT_E_FIELD with prefix zeroed when key_id does not start
 * with that many hex digit pairs. */
int record_id_prefix(const char *key_id, uint8_t prefix[REC_ID_PREFIX_BYTES]);

/* Checks every field of r against the data model (model.h: enumerations,
 * codes, dates, periods, ranges, UTF-8, lengths).  Returns FMT_OK or
 * FMT_E_FIELD with err's field and reason set and a detail naming the
 * field, e.g. "field dept: no département with index 101". */
int record_validate(const record *r, fmt_error *err);

/* Canonical encoding of r (which must validate) into buf[0..cap).
 * Sets *len.  Fails with FMT_E_FIELD when r is invalid, FMT_E_LENGTH when
 * cap is too small (REC_ENCODED_MAX always suffices). */
int record_encode(const record *r, uint8_t *buf, size_t cap, size_t *len,
		  fmt_error *err);

/* Decodes exactly one record occupying all of buf[0..len) into *r,
 * validating every field and refusing non-canonical encodings.
 * On failure *r is zeroed. */
int record_decode(const uint8_t *buf, size_t len, record *r, fmt_error *err);

/* 16-byte BLAKE2b digest of the canonical encoding: two records with the
 * same id and version but different digests are a conflict. */
int record_digest(const record *r, uint8_t out[16], fmt_error *err);

/* Single values (format/value.c), shared by the programs (flags, CSV
 * import, reports) and by the record checks above. */

/* "YYYY-MM-DD" -> yyyymmdd, checking the calendar (leap years) and a year
 * in 2000..2099.  FMT_E_FIELD on anything else. */
int date_parse(const char *s, uint32_t *out, fmt_error *err);
/* yyyymmdd -> "YYYY-MM-DD" (buf of at least 11 bytes). */
void date_format(uint32_t d, char buf[11]);
/* 1 when d is a valid yyyymmdd date. */
int date_valid(uint32_t d);

/* Period: "YYYY", "YYYY-Qn" (n 1..4) or "YYYY-MM"; "2026-q3" is
 * normalised to "2026-Q3".  Writes the canonical form into out. */
int period_parse(const char *s, char out[REC_PERIOD_MAX + 1], fmt_error *err);
/* 1 when s is a canonical period. */
int period_valid(const char *s);
/* The year of a canonical period and whether the period lies within the
 * canonical period `outer` ("2026-05" lies within "2026-Q2" and "2026"). */
int period_year(const char *p);
int period_within(const char *p, const char *outer);
/* Granularity: 0 year, 1 quarter, 2 month. */
int period_granularity(const char *p);
/* The previous period of the same granularity ("2026" -> "2025",
 * "2026-Q1" -> "2025-Q4", "2026-05" -> "2026-04") into out: 0, or -1
 * when p is not canonical or has none (2000, 2000-Q1, 2000-01). */
int period_previous(const char *p, char out[REC_PERIOD_MAX + 1]);

/* 1 when s[0..len) is a code of the questionnaire: 1 to REC_CODE_MAX
 * ASCII letters, digits, '-' or '_', the first a letter or a digit. */
int code_valid(const char *s, size_t len);

/* 1 when s[0..len) is valid UTF-8 with no NUL and no C0 control other than
 * tab and newline (newline only when allow_newline). */
int text_valid(const char *s, size_t len, int allow_newline);

/* Untrusted bytes data[0..n) made fit for a one-line message: printable
 * text as is, anything else (controls, invalid UTF-8, quotes,
 * backslashes) as \xNN, cut to fit out[0..cap), NUL-terminated. */
void text_show(const void *data, size_t n, char *out, size_t cap);

/* What people type, folded so that spellings of one word compare equal:
 * ASCII letters in lower case, the accented Latin-1 letters of French
 * (and œ, æ, ß, ÿ) without their accents ("É" and "é" are "e", "œ" is
 * "oe"), and the separators people put or leave out (blanks, '-', '_',
 * '\'', the typographic apostrophe U+2019, the middle dot U+00B7) removed:
 * "Seine-Saint-Denis", "seine saint denis" and "SEINE SAINT-DENIS" all
 * fold to "seinesaintdenis", "Côte-d'Or" to "cotedor".  Other bytes are
 * kept as they are.  Writes s[0..len) folded into out[0..cap) (cut to
 * fit, NUL-terminated; cap at least 1) and returns its length. */
size_t text_fold(const char *s, size_t len, char *out, size_t cap);

/* Levenshtein distance between the strings a and b (bytes; each cut at
 * 64), for suggesting the closest value to a mistyped one. */
unsigned text_distance(const char *a, const char *b);

/* A date as people write it, into yyyymmdd: "2026-03-15" (exactly), and
 * day first, "15/03/2026", "15/03/26", "15.3.2026", "15 mars 2026",
 * "1er mars 2026" (month names in French, any case, with or without
 * accents; two-digit years are 20YY).  Checks the calendar like
 * date_parse(); FMT_E_FIELD with FMT_R_DATE, FMT_R_DATE_YEAR or
 * FMT_R_DATE_CALENDAR otherwise. */
int date_read(const char *s, uint32_t *out, fmt_error *err);

/* A period as people write it, into its canonical form: what
 * period_parse() accepts, and "2026-T3", "T3 2026", "Q3 2026", "mars
 * 2026", "03/2026", "3/2026", "2026-3".  FMT_E_FIELD with FMT_R_PERIOD or
 * FMT_R_DATE_YEAR otherwise. */
int period_read(const char *s, char out[REC_PERIOD_MAX + 1], fmt_error *err);

/* Value 0..15 of a hex digit (either case), or -1. */
int hex_digit(char c);

/* Id as 32 lower-case hex characters (buf of 33 bytes) and back. */
void id_format(const uint8_t id[16], char buf[33]);
int id_parse(const char *s, uint8_t id[16]);

#endif
