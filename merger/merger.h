/*
 * merger.h - what the merger's command files share: the context built by
 * main.c from the global options, the commands' entry points, and the
 * one way to print a message.
 *
 * Messages go to stderr, one line each, prefixed "merger: "; data goes to
 * stdout.  Each command returns the process exit status (see merger.1):
 * 0 ok, 1 input refused, 2 usage, 3 I/O, 4 environment, 5 internal.
 */
#ifndef MERGER_MERGER_H
#define MERGER_MERGER_H

#include <sqlite3.h>

#include "error.h"
#include "shell.h"
#include "keys.h"
#include "paths.h"


typedef struct merger_ctx {
	char home[PATH_CAP];         /* the home folder (may not exist yet) */
	char db_path[PATH_CAP];      /* home/national.db */
	char key_path[PATH_CAP];     /* home/coordinator.key */
	int interactive;             /* stdin and stderr are terminals */
} merger_ctx;

/* Prints err's message (prefixed with what, when not NULL) and returns
 * the exit status for its code. */
int fail(const fmt_error *err, const char *what);
/* Opens the national database of an initialised home (FMT_E_IO "not
 * initialised: run merger init" otherwise).  Close with db_close(). */
int merger_open_db(const merger_ctx *ctx, sqlite3 **db, fmt_error *err);
/* A consistent copy of the open database src, taken with SQLite's online
 * backup API while other processes may write to it, in *copy: in memory
 * (in_memory = 1, on the memdb VFS, for sqlite3_serialize()), or in a
 * private temporary database (0).  On failure *copy is NULL. */
int merger_snapshot(sqlite3 *src, sqlite3 **copy, int in_memory, fmt_error *err);
/* Loads the coordinator identity.  Free with keys_free(). */
int merger_load_identity(const merger_ctx *ctx, identity **id, fmt_error *err);

/* A home is built in a scratch folder next to it ("<home>.<what>-XXXXXX",
 * mode 0700) and only then moved into place, the database last, so that
 * an interrupted init or restore leaves no half-made home.
 * home_scratch_make() creates the scratch folder (and the home's parent);
 * *home_exists tells whether the home folder itself exists.
 * home_scratch_place() moves the finished scratch folder into place (its
 * entries into an existing home), or removes it on failure.
 * home_scratch_remove() removes a scratch folder and what init or
 * restore put in it. */
int home_scratch_make(const merger_ctx *ctx, const char *what, char scratch[PATH_CAP],
		      int *home_exists, fmt_error *err);
int home_scratch_place(const merger_ctx *ctx, const char *scratch, int home_exists,
		       fmt_error *err);
void home_scratch_remove(const char *dir);

/* Commands: argv[0] is the command name; options are parsed by each. */
int cmd_init(merger_ctx *ctx, int argc, char **argv);
int cmd_kit(merger_ctx *ctx, int argc, char **argv);
int cmd_enroll(merger_ctx *ctx, int argc, char **argv);
int cmd_revoke(merger_ctx *ctx, int argc, char **argv);
int cmd_collectors(merger_ctx *ctx, int argc, char **argv);
int cmd_verify(merger_ctx *ctx, int argc, char **argv);
int cmd_merge(merger_ctx *ctx, int argc, char **argv);
int cmd_report(merger_ctx *ctx, int argc, char **argv);
int cmd_gaps(merger_ctx *ctx, int argc, char **argv);
int cmd_directory(merger_ctx *ctx, int argc, char **argv);
int cmd_questionnaire(merger_ctx *ctx, int argc, char **argv);
int cmd_deadline(merger_ctx *ctx, int argc, char **argv);
int cmd_rates(merger_ctx *ctx, int argc, char **argv);
int cmd_export(merger_ctx *ctx, int argc, char **argv);
int cmd_history(merger_ctx *ctx, int argc, char **argv);
int cmd_backup(merger_ctx *ctx, int argc, char **argv);
int cmd_restore(merger_ctx *ctx, int argc, char **argv);
int cmd_quality(merger_ctx *ctx, int argc, char **argv);

#endif
