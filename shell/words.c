/*
 * words.c - a library failure in the words of the people who read it
 * (error_words(), shell.h).
 *
 * The format library explains failures in English for the people who
 * maintain it.  Here each error code gets a fixed sentence, written in
 * French and translated like every other message, with the system's
 * reason worded for the common input/output failures.  The English detail
 * is kept, in parentheses, only where it carries facts the wording does
 * not (a database message, a refused value, an unusual system error), so
 * that support can still tell what happened.
 */
#include "shell.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* French wording of each library code.  NULL: handled case by case,
 * or worded with the program's name by program_french(). */
static const char *code_french(int code)
{
	switch (code) {
	case FMT_E_NOMEM:         return _("mémoire insuffisante");
	case FMT_E_EXISTS:        return _("le fichier existe déjà ; il n'a pas été remplacé");
	case FMT_E_CRYPTO_INIT:   return _("la bibliothèque de chiffrement n'a pas pu démarrer");
	case FMT_E_TOO_BIG:       return _("fichier trop gros pour un fichier de ce type");
	case FMT_E_TRUNCATED:     return _("fichier incomplet (tronqué) ; demandez-en une "
				         "nouvelle copie");
	case FMT_E_MAGIC:         return _("ce n'est pas un fichier Maillage du type attendu");
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

/* The wordings that name the program ("collector", "merger"). */
static int program_french(const fmt_error *err, char *buf, size_t cap)
{
	const char *p = shell_program();

	switch (err->code) {
	case FMT_E_BUSY:
		snprintf(buf, cap, _("la base est occupée par une autre commande %s ; "
				     "réessayez dans un instant"), p);
		return 1;
	case FMT_E_SCHEMA:
		snprintf(buf, cap, _("la base a été écrite par une version plus récente de "
				     "%s ; mettez %s à jour"), p, p);
		return 1;
	case FMT_E_VERSION:
	case FMT_E_SUITE:
		snprintf(buf, cap, _("fichier d'une version inconnue ; mettez %s à jour"), p);
		return 1;
	case FMT_E_NOT_FOR_US:
		/* The library names the other coordinator's key id. */
		if (err->value[0])
			snprintf(buf, cap, _("chiffré pour un autre coordinateur (identifiant de "
					     "clé %s) : illisible ici"), err->value);
		else
			snprintf(buf, cap, "%s", _("ne s'ouvre pas avec la clé de cette "
						   "coordination : envoyé à un autre "
						   "coordinateur, ou endommagé"));
		return 1;
	}
	return 0;
}

void error_words(const fmt_error *err, char *buf, size_t cap)
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
	if (program_french(err, buf, cap))
		return;
	fr = code_french(err->code);
	if (fr)
		snprintf(buf, cap, "%s", fr);
	else
		snprintf(buf, cap, _("erreur interne (%s)"), detail);
}
