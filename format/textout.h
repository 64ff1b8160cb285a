/*
 * textout.h - writing untrusted text safely to a terminal, JSON or HTML.
 *
 * Free text comes from collectors and is never interpreted: it is stored
 * verbatim and escaped wherever it is shown.  These functions write to a
 * stream the caller owns (they never choose stdout themselves).
 */
#ifndef MAILLAGE_TEXTOUT_H
#define MAILLAGE_TEXTOUT_H

#include <stdio.h>

/* Terminal: control characters (C0, DEL, C1 as UTF-8, and ESC above all,
 * which could move the cursor or retitle the window) are written as
 * \xNN; a newline as "\n" unless keep_newlines; invalid UTF-8 bytes and
 * bidirectional overrides (which reorder the rest of the line) as \xNN.
 * Everything else verbatim. */
void out_term(FILE *f, const char *s, int keep_newlines);

/* JSON string with its quotes: " \ and controls escaped, invalid UTF-8
 * replaced by U+FFFD so that the output is always valid JSON. */
void out_json_string(FILE *f, const char *s);

/* HTML text or attribute value: & < > " ' escaped. */
void out_html(FILE *f, const char *s);

/* Display width of s in terminal columns (one per code point; enough for
 * the Latin text of this project), for aligned tables. */
int text_width(const char *s);

#endif
