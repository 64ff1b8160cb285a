/*
 * error.c - the error codes of the format library and their messages.
 *
 * Every failing function of format/ returns one of the codes of error.h
 * and, through fmt_fail(), leaves a one-line detail naming the thing that
 * is wrong.  The programs print fmt_error_message(); fmt_strerror() is the
 * fallback when no detail was given.  Nothing here allocates or fails.
 */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Static English description of a code; never NULL, never fails. */
const char *fmt_strerror(int code)
{
	switch (code) {
	case FMT_OK:              return "success";
	case FMT_DONE:            return "no more items";
	case FMT_E_NOMEM:         return "out of memory";
	case FMT_E_IO:            return "input/output error";
	case FMT_E_EXISTS:        return "file already exists; refusing to overwrite it";
	case FMT_E_CRYPTO_INIT:   return "the cryptography library could not be initialised";
	case FMT_E_BUSY:          return "the database is in use by another program";
	case FMT_E_DB:            return "database error";
	case FMT_E_SCHEMA:        return "the database was written by a newer version";
	case FMT_E_NOT_SETUP:     return "not initialised";
	case FMT_E_TOO_BIG:       return "file is larger than allowed for its kind";
	case FMT_E_TRUNCATED:     return "file is truncated";
	case FMT_E_MAGIC:         return "not a Maillage file of the expected kind";
	case FMT_E_VERSION:       return "unknown format version";
	case FMT_E_SUITE:         return "unknown algorithm suite";
	case FMT_E_RESERVED:      return "a reserved field is not zero";
	case FMT_E_TRAILING:      return "unexpected bytes after the end of the file's structure";
	case FMT_E_LENGTH:        return "a declared length is inconsistent or too large";
	case FMT_E_NOT_FOR_US:    return "encrypted for another coordinator, or damaged";
	case FMT_E_DECRYPT:       return "encrypted data was altered or damaged";
	case FMT_E_NO_FINAL:      return "encrypted data ends early: file truncated";
	case FMT_E_SIGNATURE:     return "signature does not match";
	case FMT_E_WRONG_SIGNER:  return "signed by another key than the expected one";
	case FMT_E_KEYFILE:       return "secret key file is damaged or of the wrong kind";
	case FMT_E_DECLARED_SIZE: return "declared decompressed size is over the limit";
	case FMT_E_RATIO:         return "compression ratio over the limit (decompression bomb?)";
	case FMT_E_DECOMPRESS:    return "compressed data is invalid or not of the declared length";
	case FMT_E_RECORD:        return "a record is malformed";
	case FMT_E_FIELD:         return "a field value is invalid";
	case FMT_E_COUNT:         return "number of records differs from the declared one";
	case FMT_E_NONCANONICAL:  return "a record is not in its canonical encoding";
	case FMT_E_CSV:           return "CSV syntax error";
	}
	return "unknown error";
}

/* The detail when set, otherwise the code's description.  Never NULL. */
const char *fmt_error_message(const fmt_error *err)
{
	if (!err)
		return fmt_strerror(FMT_OK);
	if (err->detail[0])
		return err->detail;
	return fmt_strerror(err->code);
}

/* Resets err to code with the formatted detail.  A detail longer than the
 * buffer is cut: the message stays one line whatever it quotes. */
static void set(fmt_error *err, int code, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void set(fmt_error *err, int code, const char *fmt, va_list ap)
{
	memset(err, 0, sizeof *err);
	err->code = code;
	if (fmt && vsnprintf(err->detail, sizeof err->detail, fmt, ap) < 0)
		err->detail[0] = '\0';
}

/* Fills err (when non-NULL) and returns code. */
int fmt_fail(fmt_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	set(err, code, fmt, ap);
	va_end(ap);
	return code;
}

int fmt_fail_field(fmt_error *err, int code, int reason, const char *field,
		   const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!err)
		return code;
	memset(err, 0, sizeof *err);
	err->code = code;
	err->reason = reason;
	if (field) {
		snprintf(err->field, sizeof err->field, "%s", field);
		n = snprintf(err->detail, sizeof err->detail, "field %s: ", field);
		if (n < 0 || (size_t)n >= sizeof err->detail)
			n = 0;
		err->bare = (unsigned)n;
	}
	va_start(ap, fmt);
	if (vsnprintf(err->detail + n, sizeof err->detail - (size_t)n, fmt, ap) < 0)
		err->detail[n] = '\0';
	va_end(ap);
	return code;
}

int fmt_fail_in(fmt_error *err, const fmt_error *sub, const char *prefix)
{
	fmt_error copy = *sub;
	size_t bare;

	if (!err)
		return copy.code;
	*err = copy;
	if (snprintf(err->detail, sizeof err->detail, "%s: %s", prefix, copy.detail) < 0)
		err->detail[0] = '\0';
	/* The bare text starts after the prefix and the cause's own
	 * "field <field>: ".  A detail cut at its end keeps it; when the cut
	 * left none of it, bare is the whole detail. */
	bare = strlen(prefix) + 2 + (copy.bare < sizeof copy.detail ? copy.bare : 0);
	err->bare = bare <= strlen(err->detail) ? (unsigned)bare : 0;
	return copy.code;
}

const char *fmt_error_bare(const fmt_error *err)
{
	if (!err || !err->detail[0])
		return fmt_error_message(err);
	return err->detail + (err->bare < sizeof err->detail ? err->bare : 0);
}

int fmt_fail_errno(fmt_error *err, int e, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err)
		return FMT_E_IO;
	va_start(ap, fmt);
	set(err, FMT_E_IO, fmt, ap);
	va_end(ap);
	err->sys_errno = e;
	n = strlen(err->detail);
	snprintf(err->detail + n, sizeof err->detail - n, "%s%s", n ? ": " : "", strerror(e));
	return FMT_E_IO;
}

/* Clears err (when non-NULL) to FMT_OK with an empty detail. */
void fmt_error_clear(fmt_error *err)
{
	if (err)
		memset(err, 0, sizeof *err);
}
