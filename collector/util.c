/*
 * util.c - messages in French, the clock, option parsing and the checks
 * every command makes on its home.
 *
 * The format library explains failures in English for the people who
 * maintain it; field workers read French.  french_error() turns a library
 * error into a French sentence: a fixed wording per error code, with the
 * system's reason translated for the common input/output failures.  The
 * English detail is kept, in parentheses, only where it carries facts
 * the French wording does not (a database message, an unusual system
 * error), so that support can still tell what happened.
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

/* The system's reasons for a failed open, read or write, in French. */
static const char *errno_french(int e)
{
	switch (e) {
	case ENOENT:       return _("fichier ou dossier introuvable");
	case EACCES:
	case EPERM:        return _("accès refusé (droits insuffisants)");
	case EISDIR:       return _("c'est un dossier, pas un fichier");
	case ENOTDIR:      return _("une partie du chemin n'est pas un dossier");
	case ENOSPC:       return _("le disque est plein");
	case EROFS:        return _("le support est en lecture seule");
	case EEXIST:       return _("le fichier existe déjà");
	case EDQUOT:       return _("quota du disque dépassé");
	case EIO:          return _("erreur matérielle de lecture ou d'écriture");
	case ENAMETOOLONG: return _("chemin trop long");
	case EPIPE:        return _("la sortie a été fermée");
	}
	return NULL;
}

/* French wording of each library code.  NULL: handled case by case. */
static const char *code_french(int code)
{
	switch (code) {
	case FMT_E_NOMEM:         return _("mémoire insuffisante");
	case FMT_E_EXISTS:        return _("le fichier existe déjà ; il n'a pas été remplacé");
	case FMT_E_CRYPTO_INIT:   return _("la bibliothèque de chiffrement n'a pas pu démarrer");
	case FMT_E_BUSY:          return _("la base est occupée par une autre commande collector ; "
				         "réessayez dans un instant");
	case FMT_E_SCHEMA:        return _("la base a été écrite par une version plus récente de "
				         "collector ; mettez collector à jour");
	case FMT_E_TOO_BIG:       return _("fichier trop gros pour un fichier de ce type");
	case FMT_E_TRUNCATED:     return _("fichier incomplet (tronqué) ; demandez-en une "
				         "nouvelle copie");
	case FMT_E_MAGIC:         return _("ce n'est pas un fichier Maillage du type attendu");
	case FMT_E_VERSION:
	case FMT_E_SUITE:         return _("fichier d'une version inconnue ; mettez collector à jour");
	case FMT_E_RESERVED:
	case FMT_E_TRAILING:
	case FMT_E_LENGTH:
	case FMT_E_RECORD:
	case FMT_E_NONCANONICAL:
	case FMT_E_COUNT:
	case FMT_E_DECOMPRESS:
	case FMT_E_DECLARED_SIZE:
	case FMT_E_RATIO:         return _("fichier endommagé ou modifié ; demandez-en une "
				         "nouvelle copie");
	case FMT_E_NOT_FOR_US:
	case FMT_E_DECRYPT:
	case FMT_E_NO_FINAL:      return _("données chiffrées endommagées ou modifiées");
	case FMT_E_SIGNATURE:     return _("la signature ne correspond pas : fichier modifié ou "
				         "endommagé, refusé");
	case FMT_E_WRONG_SIGNER:  return _("signé par un autre coordinateur que le vôtre, refusé");
	case FMT_E_KEYFILE:       return _("fichier de clé secrète endommagé ou mal protégé");
	}
	return NULL;
}

/* "ligne 7 : guillemet jamais refermé" */
static void csv_french(const fmt_error *err, char *buf, size_t cap)
{
	const char *why = NULL;

	switch (err->reason) {
	case FMT_R_CSV_COLUMNS:      why = _("plus de 32 colonnes"); break;
	case FMT_R_CSV_UNTERMINATED: why = _("guillemet ouvert jamais refermé"); break;
	case FMT_R_CSV_NUL:          why = _("octet nul dans les données (ce n'est pas un "
					   "fichier texte)"); break;
	case FMT_R_CSV_AFTER_QUOTE:  why = _("texte après un guillemet fermant"); break;
	case FMT_R_CSV_QUOTE:        why = _("guillemet au milieu d'une cellule (une cellule "
					   "qui contient des guillemets doit être entre "
					   "guillemets)"); break;
	case FMT_R_CSV_ROW_LONG:     why = _("ligne de plus de 16384 octets"); break;
	}
	if (why && err->line)
		snprintf(buf, cap, _("ligne %u : %s"), err->line, why);
	else
		snprintf(buf, cap, _("fichier CSV mal formé (%s)"), fmt_error_message(err));
}

void french_error(const fmt_error *err, char *buf, size_t cap)
{
	const char *detail = fmt_error_message(err);
	const char *fr;

	if (err->reason == FMT_R_PATH_LONG) {
		snprintf(buf, cap, _("chemin trop long"));
		return;
	}
	switch (err->code) {
	case FMT_E_IO:
		fr = err->reason == FMT_R_DISK_FULL ? _("le disque est plein") :
		     errno_french(err->sys_errno);
		if (fr)
			snprintf(buf, cap, "%s", fr);
		else
			snprintf(buf, cap, _("erreur de lecture ou d'écriture (%s)"), detail);
		return;
	case FMT_E_DB:
		snprintf(buf, cap, _("base de données illisible ou endommagée (%s)"), detail);
		return;
	case FMT_E_FIELD:
		if (err->field[0])
			snprintf(buf, cap, _("champ %s : valeur refusée (%s)"), err->field,
				 fmt_error_bare(err));
		else    /* not a field typed by someone: the content of a file */
			snprintf(buf, cap, _("contenu invalide, fichier refusé (%s)"), detail);
		return;
	case FMT_E_CSV:
		csv_french(err, buf, cap);
		return;
	case FMT_E_TOO_BIG:
		snprintf(buf, cap, "%s (%s)", code_french(err->code), detail);
		return;
	}
	fr = code_french(err->code);
	if (fr)
		snprintf(buf, cap, "%s", fr);
	else
		snprintf(buf, cap, _("erreur interne (%s)"), detail);
}

int fail(const fmt_error *err, const char *what)
{
	char fr[512];

	french_error(err, fr, sizeof fr);
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
