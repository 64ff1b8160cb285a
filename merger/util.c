/*
 * util.c - what every merger command needs: one-line messages on stderr,
 * the mapping from library errors to exit statuses, opening the national
 * database and the coordinator identity of the home, the clock, dates
 * and safe display of text that came from collectors.
 */
#include "merger.h"
#include "cli.h"
#include "schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "textout.h"

/* Codes that only the format library raises, about a file it was given:
 * the merger, in French, says them in error_words()' sentences rather
 * than in the library's English.  The other codes carry the merger's own
 * words (already translated) or facts only the detail holds. */
static int library_worded(int code)
{
	switch (code) {
	case FMT_E_CRYPTO_INIT: case FMT_E_BUSY: case FMT_E_SCHEMA:
	case FMT_E_TRUNCATED: case FMT_E_MAGIC: case FMT_E_VERSION: case FMT_E_SUITE:
	case FMT_E_RESERVED: case FMT_E_TRAILING:
	case FMT_E_NOT_FOR_US: case FMT_E_DECRYPT: case FMT_E_NO_FINAL:
	case FMT_E_SIGNATURE: case FMT_E_WRONG_SIGNER: case FMT_E_KEYFILE:
	case FMT_E_DECLARED_SIZE: case FMT_E_RATIO: case FMT_E_DECOMPRESS:
	case FMT_E_RECORD: case FMT_E_COUNT: case FMT_E_NONCANONICAL: case FMT_E_CSV:
		return 1;
	}
	return 0;
}

const char *err_detail(const fmt_error *err, const char *path)
{
	static char words[2][512];
	static int turn;
	const char *m = fmt_error_message(err);
	size_t n = path ? strlen(path) : 0;

	if (shell_lang() == LANG_FR && library_worded(err->code)) {
		turn ^= 1;
		error_words(err, words[turn], sizeof words[turn]);
		return words[turn];
	}
	if (n && strncmp(m, path, n) == 0 && m[n] == ':' && m[n + 1] == ' ')
		return m + n + 2;
	return m;
}

int fail(const fmt_error *err, const char *what)
{
	int status;

	/* The library's details often start with the file they are about;
	 * the file is named once. */
	if (what)
		msg("%s: %s", what, err_detail(err, what));
	else
		msg("%s", err ? err_detail(err, NULL) : _("internal error"));
	status = err ? shell_exit_status(err->code) : 5;
	/* A failure reported without a code is still a failure. */
	return status ? status : 5;
}

int merger_open_db(const merger_ctx *ctx, sqlite3 **db, fmt_error *err)
{
	const db_migration *m;
	int n;

	*db = NULL;
	/* Never create a database outside `merger init`: a mistyped --home
	 * must not silently start an empty national database. */
	if (!path_exists(ctx->db_path))
		return fmt_fail(err, FMT_E_NOT_SETUP, _("%s: not initialised: run merger init"),
				ctx->home);
	m = merger_migrations(&n);
	return db_open(db, ctx->db_path, 0, m, n, err);
}

int merger_snapshot(sqlite3 *src, sqlite3 **copy, int in_memory, fmt_error *err)
{
	sqlite3_backup *b;
	int rc, waited = 0;

	/* In memory: an empty image deserialized into it puts the copy on
	 * SQLite's memdb VFS, whose image sqlite3_serialize() then hands over
	 * without a second copy.  Otherwise "": a private temporary database
	 * that SQLite keeps in its cache and spills to a temporary file,
	 * deleted on close. */
	rc = sqlite3_open_v2(in_memory ? ":memory:" : "", copy,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK && in_memory)
		rc = sqlite3_deserialize(*copy, "main", NULL, 0, 0,
					 SQLITE_DESERIALIZE_RESIZEABLE |
					 SQLITE_DESERIALIZE_FREEONCLOSE);
	if (rc != SQLITE_OK)
		goto fail;
	b = sqlite3_backup_init(*copy, "main", src, "main");
	if (!b) {
		rc = sqlite3_errcode(*copy);
		goto fail;
	}
	/* One step over the whole file: one read transaction, which in WAL
	 * mode never waits for a writer.  Only a checkpoint that resets the
	 * WAL blocks readers, briefly: wait for it as for a busy database. */
	for (;;) {
		rc = sqlite3_backup_step(b, -1);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || waited >= DB_BUSY_TIMEOUT_MS)
			break;
		sqlite3_sleep(100);
		waited += 100;
	}
	sqlite3_backup_finish(b);
	if (rc == SQLITE_DONE)
		return FMT_OK;
	rc = db_fail(src, rc, "copying the database", err);
	sqlite3_close_v2(*copy);
	*copy = NULL;
	return rc;
fail:
	rc = db_fail(*copy, rc, "copying the database", err);
	sqlite3_close_v2(*copy);
	*copy = NULL;
	return rc;
}

int merger_load_identity(const merger_ctx *ctx, identity **id, fmt_error *err)
{
	*id = NULL;
	if (!path_exists(ctx->key_path))
		return fmt_fail(err, FMT_E_NOT_SETUP, _("%s: not initialised: run merger init"),
				ctx->home);
	return keys_load(id, ctx->key_path, err);
}

int meta_get(sqlite3 *db, const char *key, char *buf, size_t cap, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	buf[0] = '\0';
	rc = db_prepare(db, &st, "SELECT value FROM meta WHERE key = ?1", err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 0);
		snprintf(buf, cap, "%s", v ? v : "");
		rc = FMT_OK;
	} else if (rc == SQLITE_DONE) {
		rc = FMT_OK;
	} else {
		rc = db_fail(db, rc, "reading the database settings", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return sqlite3_bind_null(st, i);
	return sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
}

/* Base letters of U+00C0..U+00FF (UTF-8 0xC3 0x80..0xBF), lower case;
 * "" for the two signs (multiplication, division) among them. */
static const char *const latin1_base[64] = {
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
	"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
	"d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
};

/* Length of the UTF-8 sequence starting with byte c (1 for a stray
 * continuation byte, so that the loop always advances). */
static size_t utf8_seq_len(unsigned char c)
{
	if (c >= 0xF0)
		return 4;
	if (c >= 0xE0)
		return 3;
	if (c >= 0xC0)
		return 2;
	return 1;
}

void name_fold(const char *str, char *out, size_t cap, int slug)
{
	const unsigned char *s = (const unsigned char *)str;
	char sep = slug ? '-' : ' ', one[2] = { 0, 0 };
	size_t n = 0;
	int pending_sep = 0;

	if (cap == 0)
		return;
	while (*s) {
		const char *piece = NULL;   /* what the input becomes */
		size_t len = 1, plen;       /* input bytes consumed, output bytes */
		int verbatim = 0;           /* copy the input bytes as they are */

		if ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')) {
			one[0] = (char)*s;
			piece = one;
		} else if (*s >= 'A' && *s <= 'Z') {
			one[0] = (char)(*s - 'A' + 'a');
			piece = one;
		} else if (*s == 0xC3 && s[1] >= 0x80 && s[1] <= 0xBF) {
			piece = latin1_base[s[1] - 0x80];
			if (!*piece)
				piece = NULL;
			len = 2;
		} else if (*s == 0xC5 && (s[1] == 0x92 || s[1] == 0x93)) {
			piece = "oe";
			len = 2;
		} else if (*s == 0xC5 && s[1] == 0xB8) {
			piece = "y";
			len = 2;
		} else if (*s >= 0x80) {
			len = utf8_seq_len(*s);
			for (size_t i = 1; i < len; i++)
				if (!s[i]) {
					len = i;
					break;
				}
			verbatim = !slug;
		}
		if (!piece && !verbatim) {
			pending_sep = n > 0;
			s += len;
			continue;
		}
		plen = verbatim ? len : strlen(piece);
		if (n + (pending_sep ? 1 : 0) + plen >= cap)
			break;
		if (pending_sep)
			out[n++] = sep;
		pending_sep = 0;
		memcpy(out + n, verbatim ? (const char *)s : piece, plen);
		n += plen;
		s += len;
	}
	out[n] = '\0';
}
