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
#include "shell.h"
#include "keys.h"
#include "paths.h"
#include "signed.h"


typedef struct cctx {
	char home[PATH_CAP];         /* the home folder (may not exist yet) */
	char db_path[PATH_CAP];      /* home/store.db */
	char key_path[PATH_CAP];     /* home/identity.key */
	char kit_path[PATH_CAP];     /* home/kit: the pinned coordinator kit */
	int interactive;             /* stdin and stderr are both terminals */
	const char *home_from;       /* "--home", "COLLECTOR_HOME" or NULL */
	char portable[PATH_CAP];     /* <program's folder>/maillage-data, or "" */
} cctx;

/* Prints err in words (error_words()), prefixed with what (a file or an
 * operation) when not NULL, and returns the exit status for its code. */
int fail(const fmt_error *err, const char *what);

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
int cmd_ui(cctx *ctx, int argc, char **argv);
int cmd_check(cctx *ctx, int argc, char **argv);

#endif
