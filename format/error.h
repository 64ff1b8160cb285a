/*
 * error.h - error codes and messages of the format library.
 *
 * The library never prints and never exits: every function that can fail
 * returns an int code (FMT_OK on success) and, when given a non-NULL
 * fmt_error, fills it with the same code and a one-line detail in plain
 * English that names the thing that is wrong ("unknown département code
 * \"975\"", "record 12: count 100001 exceeds 100000").  The programs turn
 * that into their own message with fmt_error_message().
 */
#ifndef MAILLAGE_ERROR_H
#define MAILLAGE_ERROR_H

#include <stddef.h>

enum fmt_code {
	FMT_OK = 0,
	FMT_DONE = 1,           /* not an error: an iterator reached its end */

	/* environment */
	FMT_E_NOMEM = 10,       /* out of memory */
	FMT_E_IO,               /* read/write/open failed (detail has strerror) */
	FMT_E_EXISTS,           /* refusing to overwrite an existing file */
	FMT_E_CRYPTO_INIT,      /* libsodium could not be initialised */
	FMT_E_BUSY,             /* database locked by another process past the timeout */
	FMT_E_DB,               /* database error (detail has SQLite's message) */
	FMT_E_SCHEMA,           /* database written by a newer version */
	FMT_E_NOT_SETUP,        /* the home folder has not been initialised */

	/* framing of a file */
	FMT_E_TOO_BIG = 30,     /* file larger than the cap for its type */
	FMT_E_TRUNCATED,        /* file ends before its structure does */
	FMT_E_MAGIC,            /* not a Maillage file, or not of the expected type */
	FMT_E_VERSION,          /* unknown format version */
	FMT_E_SUITE,            /* unknown algorithm suite */
	FMT_E_RESERVED,         /* a reserved field is not zero */
	FMT_E_TRAILING,         /* bytes after the end of the structure */
	FMT_E_LENGTH,           /* a declared length is inconsistent or over its cap */

	/* cryptography */
	FMT_E_NOT_FOR_US = 50,  /* encrypted to another coordinator (or key block damaged) */
	FMT_E_DECRYPT,          /* a chunk failed authentication: altered or damaged */
	FMT_E_NO_FINAL,         /* encrypted stream ends without its FINAL tag: truncated */
	FMT_E_SIGNATURE,        /* signature does not match */
	FMT_E_WRONG_SIGNER,     /* signed by a key other than the expected one */
	FMT_E_KEYFILE,          /* secret key file damaged or of the wrong kind */

	/* content */
	FMT_E_DECLARED_SIZE = 70, /* declared decompressed size over the hard cap */
	FMT_E_RATIO,            /* declared size / compressed size over the ratio cap */
	FMT_E_DECOMPRESS,       /* zlib stream invalid or not of the declared length */
	FMT_E_RECORD,           /* a record is malformed (structure) */
	FMT_E_FIELD,            /* a field value is invalid (detail names it) */
	FMT_E_COUNT,            /* record count differs from the declared one */
	FMT_E_NONCANONICAL,     /* encoding is not the canonical one */
	FMT_E_CSV,              /* CSV syntax error */
};

/* Finer causes inside a code, for the programs to word their own message
 * without reading the detail (which is English, for logs and tests).
 * 0 when the failing function gives none. */
enum fmt_reason {
	FMT_R_NONE = 0,
	FMT_R_REQUIRED,         /* a required value is missing or empty */
	FMT_R_UNKNOWN,          /* a code not in its list (or a département unknown) */
	FMT_R_RANGE,            /* a number outside its bounds */
	FMT_R_TOO_LONG,         /* text longer than its cap */
	FMT_R_TEXT,             /* text with a control character or invalid UTF-8 */
	FMT_R_DATE,             /* not a date written YYYY-MM-DD */
	FMT_R_DATE_YEAR,        /* a date whose year is outside 2000..2099 */
	FMT_R_DATE_CALENDAR,    /* a day that does not exist (2026-02-30) */
	FMT_R_PERIOD,           /* not a period (2026, 2026-Q3, 2026-05) */
	FMT_R_ORDER,            /* a value before the one it must follow (end < start) */
	FMT_R_EMAIL,            /* not an e-mail address */
	FMT_R_PHONE,            /* not a telephone number */
	FMT_R_WEBSITE,          /* not a web address */
	FMT_R_NATIONAL_ID,      /* neither a SIREN nor an RNA number */
	FMT_R_DUPLICATE,        /* the same code or key given twice */
	FMT_R_CODE,             /* a code not made of ASCII letters, digits, '-' and '_',
	                         * starting with a letter or a digit; or not written as it
	                         * must be (a rollup LIST:VALUE, a département in capitals) */
	FMT_R_HEADER,           /* a sheet's header line is not the expected one */
	FMT_R_REMOVED,          /* a new edition drops a code an earlier one had */
	FMT_R_REDEFINED,        /* a new edition changes what a code means */
	FMT_R_LIMIT,            /* more items than the format allows */
	FMT_R_RESERVED_NAME,    /* a name the model keeps for itself */
	/* CSV syntax (FMT_E_CSV), line set */
	FMT_R_CSV_COLUMNS,      /* more columns than a row may hold */
	FMT_R_CSV_UNTERMINATED, /* a quoted cell never ends */
	FMT_R_CSV_NUL,          /* a NUL byte: not a text file */
	FMT_R_CSV_AFTER_QUOTE,  /* text after a closing quote */
	FMT_R_CSV_QUOTE,        /* a quote inside an unquoted cell */
	FMT_R_CSV_ROW_LONG,     /* a row longer than allowed */
	/* I/O (FMT_E_IO) that is not one system call's errno */
	FMT_R_PATH_LONG,        /* a path longer than the program handles */
	FMT_R_DISK_FULL,        /* the disk (or the database) is full */
	/* the questionnaire's sheets (format/questionnaire.h) */
	FMT_R_BUILTIN,          /* a sheet defines a list the model has built in */
	FMT_R_GAP,              /* a value given after an empty one (dim3 without dim2) */
	FMT_R_ROLLUP,           /* a rollup against its rules (partial, two lists, chained) */
	FMT_R_EXTRA,            /* a value in a column the header does not name */
};

typedef struct fmt_error {
	int code;               /* enum fmt_code */
	int reason;             /* enum fmt_reason, FMT_R_NONE when not given */
	char field[32];         /* the field (or sheet column) concerned, "" when none */
	char where[32];         /* the file or sheet concerned ("tables.csv"), "" when none */
	unsigned line;          /* its line (CSV, sheet), 0 when none */
	int sys_errno;          /* errno of the failed system call, 0 when none */
	char value[80];         /* the refused value as given (one item of a list),
				 * made safe to quote (text_show), "" when none */
	char suggest[80];       /* for a value not in its list (FMT_R_UNKNOWN): the
				 * closest value, as people read it ("93
				 * Seine-Saint-Denis", "accompagnées"), for the
				 * programs to offer in their own words; "" when
				 * none is close */
	char detail[256];       /* one line of English naming the problem; when
				 * field is set it starts "field <field>: " */
	unsigned bare;          /* offset in detail of the text after that prefix */
} fmt_error;

/* Static English description of a code; never NULL, never fails. */
const char *fmt_strerror(int code);

/* The best one-line message for err: its detail when set, otherwise
 * fmt_strerror(err->code).  Never NULL. */
const char *fmt_error_message(const fmt_error *err);

/* Sets err (when non-NULL) to code with a printf-style detail, and
 * returns code, so that callers can write `return fmt_fail(err, ...)`. */
int fmt_fail(fmt_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* fmt_fail() that also records the structured cause: reason (enum
 * fmt_reason) and the field concerned (may be NULL).  With a field, the
 * detail is "field <field>: " then the formatted text, and
 * fmt_error_bare() gives the text alone.  Returns code. */
int fmt_fail_field(fmt_error *err, int code, int reason, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* fmt_fail() for a failed system call: records errno e, and appends
 * strerror(e) to the detail.  Returns FMT_E_IO. */
int fmt_fail_errno(fmt_error *err, int e, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Sets err to the cause sub (code, reason, field, line, errno kept) with
 * its detail prefixed by "<prefix>: ", typically the file concerned.
 * Returns sub's code. */
int fmt_fail_in(fmt_error *err, const fmt_error *sub, const char *prefix);

/* The detail without its "field <field>: " prefix.  Never NULL. */
const char *fmt_error_bare(const fmt_error *err);

/* Clears err (when non-NULL) to FMT_OK with an empty detail. */
void fmt_error_clear(fmt_error *err);

#endif
