/*
 * shell.h - what both programs share around the format library: their
 * one way to speak (a message, a usage error), their exit statuses, the
 * clock (MAILLAGE_NOW), times as people and files read them, text made
 * safe for a terminal, the home folder, and option parsing.
 *
 * format/ never prints or exits; the shell is where a library result
 * becomes a line on stderr and an exit status.  Each program calls
 * shell_init() first with its name.
 */
#ifndef MAILLAGE_SHELL_H
#define MAILLAGE_SHELL_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "paths.h"

/* Exit statuses, as both man pages document them. */
#define EXIT_REFUSED  1      /* an input was refused */
#define EXIT_USAGE    2      /* a wrong command line */
#define EXIT_IO       3      /* reading or writing failed */
#define EXIT_ENV      4      /* home missing or not initialised, database busy or newer */
#define EXIT_INTERNAL 5      /* out of memory, a library that would not start */

/* Sets the program's name ("collector"), which prefixes every message,
 * and the hint a usage error ends with ("voir collector --help"). */
void shell_init(const char *program, const char *help_hint);
/* That name. */
const char *shell_program(void);

/* The language of messages (lang.c): French, unless the first of LC_ALL,
 * LC_MESSAGES and LANG that is set starts with "en".  shell_init()
 * reads the environment; shell_lang_of() is the rule itself. */
enum shell_lang { LANG_FR, LANG_EN };
enum shell_lang shell_lang(void);
void shell_lang_init(void);
enum shell_lang shell_lang_of(const char *lc_all, const char *lc_messages, const char *lang);

/* Text in the active language: the translation of the source text id
 * from the catalogue the program carries (po/fr.po, po/en.po), or id
 * itself when it has none.  msg() and usage_error() translate their
 * format this way; every other user-facing text goes through _().  N_()
 * marks a text for the catalogues where it is written (a table of
 * words), tr() translating it where it is printed. */
const char *tr(const char *id) __attribute__((format_arg(1)));
#define _(s) tr(s)
#define N_(s) (s)

/* "<program>: <message>\n" on stderr (standard output flushed first, so
 * that data and messages keep their order on a terminal); fmt is
 * translated through tr(). */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A message ending with the help hint; returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Sends what msg() and usage_error() say to fn, one call per message,
 * without the program's prefix and the help hint, instead of stderr: the
 * collector's window shows the commands' messages on its pages.  NULL
 * gives them back to stderr. */
void shell_msg_sink(void (*fn)(void *ctx, const char *line), void *ctx);

/* A library failure as a sentence for the people who read the program
 * (words.c): a fixed wording per code, in the language of messages, with
 * the system's reason worded for input/output failures and the library's
 * English detail in parentheses only where it carries facts (a database
 * message, a refused value).  Into buf[0..cap); can't fail. */
void error_words(const fmt_error *err, char *buf, size_t cap);

/* The exit status of a failure with the library code `code`. */
int shell_exit_status(int code);

/* The current time in unix seconds.  MAILLAGE_NOW (unix seconds, 2000 to
 * 2099: the range of every record) replaces the clock for tests; it is
 * read here and nowhere else.  -1, after a message, when it is malformed:
 * the programs check it once, at start. */
int64_t shell_now(void);

/* Time t (unix seconds, UTC) into buf:
 *   TIME_HUMAN   "2026-03-15 14:02 UTC"
 *   TIME_ISO     "2026-03-15T14:02:11Z"
 *   TIME_COMPACT "20260315T140211Z" (for file names)
 *   TIME_DATE    "2026-03-15"
 *   TIME_FR      "15/03/2026 à 14:02" (local time)
 *   TIME_FR_DATE "15/03/2026" (local time)
 * A time out of the calendar's range gives "?".  Can't fail. */
enum time_style { TIME_HUMAN, TIME_ISO, TIME_COMPACT, TIME_DATE, TIME_FR, TIME_FR_DATE };
#define TIME_BUF 32
void time_format(int64_t t, enum time_style style, char buf[TIME_BUF]);

/* s escaped for a terminal (textout.h's out_term: controls, bidi
 * overrides shown as \xNN) into buf[0..cap), cut when too long.  Returns
 * buf. */
const char *term_text(const char *s, char *buf, size_t cap);
/* The same into one of a few static buffers used in turn, so that one
 * message can quote several texts.  Never NULL. */
const char *esc(const char *s);

/* Resolves the home folder into out[PATH_CAP]: flag (may be NULL), then
 * the environment variable envname ("MERGER_HOME"), then
 * $XDG_DATA_HOME/maillage/<program>, then ~/.local/share/maillage/<program>.
 * FMT_E_IO when there is no candidate (no HOME either); nothing created. */
int home_resolve(const char *flag, const char *envname, const char *program,
		 char out[PATH_CAP], fmt_error *err);

/* Reads one line of standard input (the answer to a question on the
 * terminal) into buf[0..cap) without its line end (LF or CRLF); a longer
 * line is cut and the rest of it read and dropped.  Standard error is
 * flushed first, so the question shows.  -1 at end of input or when
 * Ctrl-C interrupts the wait (SIGINT then only ends the read). */
int shell_read_line(char *buf, size_t cap);

/* Asks question ("Enroll? [y/N] ") on stderr and reads the answer: 1 for
 * yes (o, oui, y, yes, in any case), 0 for no (n, non, no, an empty
 * answer, end of input); anything else asks again.  For a terminal: the
 * caller checks that there is one. */
int shell_confirm(const char *question);

/* Command-line options of one command.  Each command fills a table of
 * these; args_parse() sets value (the argument of a flag taking one, "1"
 * for a switch) and collects the other arguments as positionals.
 * "--name value", "--name=value" and "-o value" are accepted; "--" ends
 * the options; "-" alone is a positional (standard input or output). */
typedef struct opt {
	const char *name;            /* without the dashes: "org", "o" */
	int has_arg;
	const char *value;           /* NULL when absent */
} opt;

/* Returns 0, or EXIT_USAGE after naming the wrong option.  argv[0] is the
 * command's name; pos receives at most max_pos arguments (more is a
 * usage error). */
int args_parse(const char *cmd, int argc, char **argv, opt *opts, int nopts,
	       char **pos, int max_pos, int *npos);
/* The value of the option named name in opts (which must hold it). */
const char *opt_value(const opt *opts, int nopts, const char *name);

#endif
