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

typedef struct fmt_error {
	int code;
	char detail[256];
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

/* Exit status the programs use for a failure with this code (see the
 * man pages): 1 input refused, 3 I/O, 4 environment (busy, schema, home),
 * 5 internal (out of memory).  Usage errors (2) are the programs' own. */
int fmt_exit_status(int code);

/* Clears err (when non-NULL) to FMT_OK with an empty detail. */
void fmt_error_clear(fmt_error *err);

#endif
