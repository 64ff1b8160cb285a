/*
 * test_error.c - the structured errors of format/error.h: the code, the
 * reason, the field and the detail fmt_fail_field() records, the bare
 * detail, fmt_fail_in() keeping the cause under a prefix, fmt_fail_errno()
 * keeping errno, the messages and the exit statuses.
 *
 * The programs word their own messages from code, reason and field; the
 * English detail is for logs and tests.  So each of those must survive
 * every way an error is passed on.
 */
#include <errno.h>
#include <string.h>

#include "error.h"
#include "tap.h"

/* Every code of enum fmt_code. */
static const int CODES[] = {
	FMT_OK, FMT_DONE, FMT_E_NOMEM, FMT_E_IO, FMT_E_EXISTS, FMT_E_CRYPTO_INIT, FMT_E_BUSY,
	FMT_E_DB, FMT_E_SCHEMA, FMT_E_NOT_SETUP, FMT_E_TOO_BIG, FMT_E_TRUNCATED, FMT_E_MAGIC,
	FMT_E_VERSION, FMT_E_SUITE, FMT_E_RESERVED, FMT_E_TRAILING, FMT_E_LENGTH,
	FMT_E_NOT_FOR_US, FMT_E_DECRYPT, FMT_E_NO_FINAL, FMT_E_SIGNATURE, FMT_E_WRONG_SIGNER,
	FMT_E_KEYFILE, FMT_E_DECLARED_SIZE, FMT_E_RATIO, FMT_E_DECOMPRESS, FMT_E_RECORD,
	FMT_E_FIELD, FMT_E_COUNT, FMT_E_NONCANONICAL, FMT_E_CSV,
};

static int all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

static void test_fail(void)
{
	fmt_error e;

	memset(&e, 0x5A, sizeof e);
	is_int(fmt_fail(&e, FMT_E_MAGIC, "not a Maillage %s", "kit"), FMT_E_MAGIC,
	       "fmt_fail returns its code");
	ok(e.code == FMT_E_MAGIC && e.reason == FMT_R_NONE && e.field[0] == 0 &&
	   e.where[0] == 0 && e.line == 0 && e.sys_errno == 0 && e.value[0] == 0 && e.bare == 0,
	   "and sets the code alone, everything else cleared");
	is_str(e.detail, "not a Maillage kit", "detail formatted");
	is_str(fmt_error_message(&e), "not a Maillage kit", "message: the detail");
	is_str(fmt_error_bare(&e), "not a Maillage kit", "bare: the whole detail (no field)");
	is_int(fmt_fail(NULL, FMT_E_TRAILING, "x"), FMT_E_TRAILING, "fmt_fail(NULL) returns code");

	/* A detail longer than its buffer is cut, and stays a string. */
	{
		char big[600];

		memset(big, 'x', sizeof big - 1);
		big[sizeof big - 1] = '\0';
		fmt_fail(&e, FMT_E_FIELD, "%s", big);
		is_int(strlen(e.detail), sizeof e.detail - 1, "a long detail is cut to the buffer");
	}

	fmt_error_clear(&e);
	ok(all_zero(&e, sizeof e), "fmt_error_clear zeroes everything");
	fmt_error_clear(NULL);
	is_str(fmt_error_message(&e), "success", "no detail: the code's description");
	e.code = FMT_E_NO_FINAL;
	is_str(fmt_error_message(&e), "encrypted data ends early: file truncated",
	       "FMT_E_NO_FINAL without detail");
	is_str(fmt_error_message(NULL), "success", "fmt_error_message(NULL)");
	is_str(fmt_error_bare(&e), "encrypted data ends early: file truncated",
	       "bare without detail: the description too");
	is_str(fmt_error_bare(NULL), "success", "fmt_error_bare(NULL)");
}

static void test_fail_field(void)
{
	fmt_error e;
	char longname[80];

	memset(&e, 0x5A, sizeof e);
	is_int(fmt_fail_field(&e, FMT_E_FIELD, FMT_R_UNKNOWN, "dept",
			      "unknown département code \"%s\"", "975"), FMT_E_FIELD,
	       "fmt_fail_field returns its code");
	ok(e.code == FMT_E_FIELD && e.reason == FMT_R_UNKNOWN && strcmp(e.field, "dept") == 0 &&
	   e.line == 0 && e.sys_errno == 0 && e.where[0] == 0 && e.value[0] == 0,
	   "code, reason and field set; the rest cleared");
	is_str(e.detail, "field dept: unknown département code \"975\"",
	       "detail: \"field <field>: \" then the text");
	is_str(fmt_error_bare(&e), "unknown département code \"975\"", "bare: the text alone");
	is_int(e.bare, strlen("field dept: "), "bare offset after the prefix");

	fmt_fail_field(&e, FMT_E_IO, FMT_R_DISK_FULL, NULL, "saving: the disk is full");
	ok(e.reason == FMT_R_DISK_FULL && e.field[0] == 0 && e.bare == 0,
	   "no field: no prefix, reason kept");
	is_str(e.detail, "saving: the disk is full", "detail as formatted");
	is_str(fmt_error_bare(&e), "saving: the disk is full", "bare: the same");

	/* A field name longer than err->field: the detail names it whole,
	 * the bare text still starts after it. */
	memset(longname, 'f', 60);
	longname[60] = '\0';
	fmt_fail_field(&e, FMT_E_FIELD, FMT_R_RANGE, longname, "too big");
	is_int(strlen(e.field), sizeof e.field - 1, "field cut to its buffer");
	is_str(fmt_error_bare(&e), "too big", "bare text after the whole name");
	is_int(fmt_fail_field(NULL, FMT_E_CSV, FMT_R_CSV_NUL, "x", "y"), FMT_E_CSV,
	       "fmt_fail_field(NULL) returns code");
}

static void test_fail_in(void)
{
	fmt_error sub, e;
	char text[300];

	fmt_fail_field(&sub, FMT_E_FIELD, FMT_R_UNKNOWN, "dim1", "list \"%s\" unknown", "pays");
	snprintf(sub.where, sizeof sub.where, "tables.csv");
	sub.line = 7;
	snprintf(sub.value, sizeof sub.value, "pays");
	memset(&e, 0x5A, sizeof e);
	is_int(fmt_fail_in(&e, &sub, "edition 3"), FMT_E_FIELD, "fmt_fail_in returns the cause's code");
	ok(e.code == FMT_E_FIELD && e.reason == FMT_R_UNKNOWN && strcmp(e.field, "dim1") == 0 &&
	   strcmp(e.where, "tables.csv") == 0 && e.line == 7 && strcmp(e.value, "pays") == 0,
	   "reason, field, where, line and value kept");
	is_str(e.detail, "edition 3: field dim1: list \"pays\" unknown", "detail prefixed");
	is_str(fmt_error_bare(&e), "list \"pays\" unknown", "bare: without prefix nor field");

	/* In place, as `return fmt_fail_in(err, err, path)` does. */
	e = sub;
	fmt_fail_in(&e, &e, "a.kit");
	is_str(e.detail, "a.kit: field dim1: list \"pays\" unknown", "in place: prefixed once");
	is_str(fmt_error_bare(&e), "list \"pays\" unknown", "in place: bare text kept");
	fmt_fail_in(&e, &e, "/home/x");
	is_str(e.detail, "/home/x: a.kit: field dim1: list \"pays\" unknown", "twice: two prefixes");
	is_str(fmt_error_bare(&e), "list \"pays\" unknown", "twice: bare text kept");

	/* errno survives. */
	fmt_fail_errno(&sub, ENOSPC, "writing");
	fmt_fail_in(&e, &sub, "march.bundle");
	ok(e.code == FMT_E_IO && e.sys_errno == ENOSPC, "errno kept under a prefix");

	/* A cause without a field: bare is the cause's detail. */
	fmt_fail(&sub, FMT_E_TRUNCATED, "truncated kit: 5 bytes");
	fmt_fail_in(&e, &sub, "coord.kit");
	is_str(e.detail, "coord.kit: truncated kit: 5 bytes", "prefix on a plain detail");
	is_str(fmt_error_bare(&e), "truncated kit: 5 bytes", "bare: the cause's detail");

	/* A detail that no longer fits once prefixed is cut at its end; its
	 * beginning, the bare text, is still found. */
	memset(text, 'x', 230);
	text[230] = '\0';
	fmt_fail_field(&sub, FMT_E_FIELD, FMT_R_TEXT, "note", "%s", text);
	fmt_fail_in(&e, &sub, "samples/broken/a-rather-long-name.bundle");
	is_int(strlen(e.detail), sizeof e.detail - 1, "the prefixed detail is cut to its buffer");
	ok(strncmp(fmt_error_bare(&e), "xxxxxxxx", 8) == 0,
	   "bare text of a cut detail: the cause's text, without the prefix (\"%.50s\")",
	   fmt_error_bare(&e));
	ok(e.reason == FMT_R_TEXT && strcmp(e.field, "note") == 0, "reason and field kept");

	/* A prefix that fills the buffer: nothing of the bare text is left. */
	memset(text, 'p', 299);
	text[299] = '\0';
	fmt_fail_field(&sub, FMT_E_FIELD, FMT_R_TEXT, "note", "bad");
	fmt_fail_in(&e, &sub, text);
	ok(strlen(e.detail) == sizeof e.detail - 1 && fmt_error_bare(&e)[0] != '\0',
	   "a prefix longer than the buffer: bare is never empty");
	is_int(fmt_fail_in(NULL, &sub, "x"), FMT_E_FIELD, "fmt_fail_in(NULL) returns code");
}

static void test_fail_errno(void)
{
	fmt_error e;
	char want[300];

	memset(&e, 0x5A, sizeof e);
	is_int(fmt_fail_errno(&e, ENOENT, "cannot open %s", "a.kit"), FMT_E_IO,
	       "fmt_fail_errno returns FMT_E_IO");
	ok(e.code == FMT_E_IO && e.sys_errno == ENOENT && e.reason == FMT_R_NONE &&
	   e.field[0] == 0, "code FMT_E_IO, errno kept");
	snprintf(want, sizeof want, "cannot open a.kit: %s", strerror(ENOENT));
	is_str(e.detail, want, "detail: the text, then strerror");
	fmt_fail_errno(&e, EACCES, "%s", "");
	is_str(e.detail, strerror(EACCES), "no text: strerror alone");
	is_int(fmt_fail_errno(NULL, EIO, "x"), FMT_E_IO, "fmt_fail_errno(NULL) returns FMT_E_IO");
}

static void test_codes(void)
{
	int described = 1, distinct = 1;

	for (size_t i = 0; i < sizeof CODES / sizeof CODES[0]; i++) {
		if (strcmp(fmt_strerror(CODES[i]), "unknown error") == 0) {
			diag("code %d has no description", CODES[i]);
			described = 0;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(fmt_strerror(CODES[i]), fmt_strerror(CODES[j])) == 0)
				distinct = 0;
	}
	ok(described, "every code has its description");
	ok(distinct, "no two codes share one");
	is_str(fmt_strerror(999), "unknown error", "an unknown code");
	is_str(fmt_strerror(FMT_E_CSV), "CSV syntax error", "FMT_E_CSV");

}

int main(void)
{
	test_fail();
	test_fail_field();
	test_fail_in();
	test_fail_errno();
	test_codes();
	return done_testing();
}
