/*
 * util.c - messages in French, the clock, option parsing and the checks
 * every command makes on its home.
 *
 * The format library explains failures in English for the people who
 * maintain it; field workers read French (or English), in the words of
 * error_words() (shell.h).
 */
#include "collector.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fileio.h"
#include "textout.h"

int fail(const fmt_error *err, const char *what)
{
	char fr[512];

	error_words(err, fr, sizeof fr);
	if (what)
		msg("%s : %s", esc(what), fr);
	else
		msg("%s", fr);
	return shell_exit_status(err->code);
}

int check_home(const cctx *ctx)
{
	struct stat st;

	if (stat(ctx->home, &st) != 0) {
		msg("le dossier de travail %s n'existe pas : lancez d'abord "
		    "« collector init --kit FICHIER ... »", esc(ctx->home));
		return EXIT_ENV;
	}
	if (!S_ISDIR(st.st_mode)) {
		msg("%s n'est pas un dossier", esc(ctx->home));
		return EXIT_ENV;
	}
	if (!path_exists(ctx->db_path) || !path_exists(ctx->key_path) ||
	    !path_exists(ctx->kit_path)) {
		msg("le dossier de travail %s n'est pas initialisé : lancez d'abord "
		    "« collector init --kit FICHIER ... »", esc(ctx->home));
		return EXIT_ENV;
	}
	return 0;
}

int load_kit(const cctx *ctx, kit *k)
{
	fmt_error err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	int rc;

	rc = read_file_capped(ctx->kit_path, KIT_MAX_BYTES, &data, &len, &err);
	if (rc == FMT_OK)
		rc = kit_read(data, len, k, &err);
	free(data);
	if (rc != FMT_OK) {
		fail(&err, ctx->kit_path);
		/* The pinned kit is part of the home: a damaged one is a broken
		 * environment, not a refused input. */
		return rc == FMT_E_IO ? EXIT_IO : EXIT_ENV;
	}
	return 0;
}

/* The start of the commands that work with the pinned kit (request,
 * export, ack): checks the home, reads the clock into *now and the kit into
 * *k.  Fails with the message already printed; returns the exit status,
 * 0 when all three are there. */
int home_ready(const cctx *ctx, int64_t *now, kit *k)
{
	int rc;

	if ((rc = check_home(ctx)))
		return rc;
	if ((*now = shell_now()) < 0)
		return EXIT_USAGE;
	return load_kit(ctx, k);
}
