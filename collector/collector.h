/*
 * collector.h - what the collector's command files share: the context
 * built by main.c from the global options, the commands' entry points,
 * the one way to print a message, and the small functions every command
 * needs (the clock, option parsing, terminal-safe names).
 *
 * Field workers are the users: every message is one line of plain French
 * on stderr, prefixed "collector: "; data goes to stdout.  Each command
 * returns the process exit status (see collector.1): 0 ok, 1 input
 * refused, 2 usage, 3 I/O, 4 environment (home missing, not initialised
 * or already initialised, database busy), 5 internal.
 */
#ifndef COLLECTOR_COLLECTOR_H
#define COLLECTOR_COLLECTOR_H

#include <stdint.h>

#include "error.h"
#include "keys.h"
#include "paths.h"
#include "signed.h"

#define EXIT_REFUSED  1
#define EXIT_USAGE    2
#define EXIT_IO       3
#define EXIT_ENV      4
#define EXIT_INTERNAL 5

typedef struct cctx {
	char home[PATH_CAP];         /* the home folder (may not exist yet) */
	char db_path[PATH_CAP];      /* home/store.db */
	char key_path[PATH_CAP];     /* home/identity.key */
	char kit_path[PATH_CAP];     /* home/kit: the pinned coordinator kit */
	int interactive;             /* stdin and stderr are both terminals */
	const char *home_from;       /* "--home", "COLLECTOR_HOME" or NULL */
	char portable[PATH_CAP];     /* <program's folder>/maillage-data, or "" */
} cctx;

/* "collector: <message>\n" on stderr. */
void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints err in French, prefixed with what (a file or an operation) when
 * not NULL, and returns the exit status for its code. */
int fail(const fmt_error *err, const char *what);
/* Prints a usage error and returns EXIT_USAGE. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* French wording of err, without prefix, into buf (one line). */
void french_error(const fmt_error *err, char *buf, size_t cap);

/* A copy of s safe to print on a terminal (control characters shown as
 * \xNN), cut to fit.  Points into one of a few static buffers reused in
 * turn, so that a message can quote several names. */
const char *esc(const char *s);

/* Current time in unix seconds.  The environment variable MAILLAGE_NOW
 * (unix seconds) replaces the clock, for tests; it is read here and
 * nowhere else.  Returns -1 (after a message) when it is malformed. */
int64_t collector_now(void);

/* Local date and time "14/03/2026 à 10:32" (or the date alone when
 * with_time is 0) into buf. */
void format_when(int64_t t, int with_time, char *buf, size_t cap);

/* Command-line options of one command.  Each command fills a table of
 * these; args_parse() sets value (the last argument of a flag taking one,
 * "1" for a switch) and collects the other arguments as positionals.
 * "--name value", "--name=value" and "-o value" are accepted; "--" ends
 * the options; "-" alone is a positional (standard input/output). */
typedef struct opt {
	const char *name;            /* without the dashes: "org", "o" */
	int has_arg;
	const char *value;           /* NULL when absent */
} opt;

/* Returns 0, or EXIT_USAGE after printing which option is wrong.  pos
 * receives at most max_pos arguments (more is a usage error). */
int args_parse(const char *cmd, int argc, char **argv, opt *opts, int nopts,
	       char **pos, int max_pos, int *npos);
/* The option named name in opts (which must hold it). */
const char *opt_value(const opt *opts, int nopts, const char *name);

/* Reads the kit pinned in the home.  Fails with a French message already
 * printed; returns the exit status. */
int load_kit(const cctx *ctx, kit *k);
/* Checks that the home exists and was initialised (store, identity,
 * kit).  Prints why not and returns EXIT_ENV; 0 when it is. */
int check_home(const cctx *ctx);
/* check_home(), then the clock into *now and the pinned kit into *k: the
 * start of request, export and ack.  Prints why not and returns the exit
 * status; 0 when all are there. */
int home_ready(const cctx *ctx, int64_t *now, kit *k);

/* Commands: argv[0] is the command name; options are parsed by each. */
int cmd_init(cctx *ctx, int argc, char **argv);
int cmd_request(cctx *ctx, int argc, char **argv);
int cmd_add(cctx *ctx, int argc, char **argv);
int cmd_edit(cctx *ctx, int argc, char **argv);
int cmd_delete(cctx *ctx, int argc, char **argv);
int cmd_list(cctx *ctx, int argc, char **argv);
int cmd_import(cctx *ctx, int argc, char **argv);
int cmd_export(cctx *ctx, int argc, char **argv);
int cmd_ack(cctx *ctx, int argc, char **argv);
int cmd_status(cctx *ctx, int argc, char **argv);
int cmd_tables(cctx *ctx, int argc, char **argv);
int cmd_template(cctx *ctx, int argc, char **argv);
int cmd_update(cctx *ctx, int argc, char **argv);

#endif
