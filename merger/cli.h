/*
 * cli.h - what the merger's own commands share (util.c): the
 * clock, dates as people and files read them, text made safe for a
 * terminal, option errors, and the national database's meta table.
 */
#ifndef MERGER_CLI_H
#define MERGER_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "error.h"
#include "record.h"
#include "shell.h"

/* Default name of the coordination, written into the kits. */
#define MERGER_DEFAULT_NAME "Coordination nationale"

/* err's message without a leading "<path>: " (library details often name
 * their file; messages name it once, in front); in French, a failure only
 * the format library raises (a damaged, forged or foreign file) in
 * error_words()' sentence instead of the library's English.  Never NULL;
 * the text lasts until the next call but one. */
const char *err_detail(const fmt_error *err, const char *path);

/* Reads the meta value of key into buf[0..cap) ("" when absent). */
int meta_get(sqlite3 *db, const char *key, char *buf, size_t cap, fmt_error *err);

/* Binds text, or NULL when s is empty: optional fields are NULL in the
 * database, not "". */
int bind_text_or_null(sqlite3_stmt *st, int i, const char *s);

/* Folds a name for comparison or for a file name: ASCII letters to lower
 * case, the accented Latin letters of French to their base letters ("É"
 * to "e", "œ" to "oe"), runs of anything else that is ASCII to one
 * separator, trimmed.  slug = 0: the separator is a space and other UTF-8
 * is kept verbatim ("Hors-la-Rue " and "hors la rue" compare equal).
 * slug = 1: the separator is '-' and other UTF-8 is a separator too, so
 * the result is only [a-z0-9-].  Cut to cap-1 bytes (UTF-8 kept whole).
 * Can't fail. */
void name_fold(const char *s, char *out, size_t cap, int slug);

#endif
