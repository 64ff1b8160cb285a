/*
 * sync.c - the collector's side of the exchange with the coordinator:
 * `export` (a bundle of every change not yet acknowledged), `ack` (a
 * receipt from the coordinator marks versions as received) and `status`.
 *
 * A bundle carries every version the coordinator has not acknowledged,
 * not only what changed since the last export: a lost e-mail or USB
 * stick is healed by the next bundle, and sending a version twice is
 * harmless (the merger ignores what it already has).  Only a receipt,
 * signed by the coordinator pinned at `init`, stops a version from
 * being sent again.
 */
#include "collector.h"

#include "questionnaire.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "fields.h"
#include "fileio.h"
#include "quality.h"
#include "store.h"

static unsigned total(const unsigned counts[5])
{
	return counts[1] + counts[2] + counts[3] + counts[4];
}

static int add_to_bundle(void *ctx, const stored *sr, fmt_error *err)
{
	return bundle_writer_add(ctx, &sr->rec, err);
}

/* Loads this post's identity into *id, then opens the store into *s; the
 * caller frees both, also on failure.  *what names the file that failed,
 * for the caller's message.  Returns FMT_OK or the code, err filled. */
static int open_identity_store(const cctx *ctx, identity **id, store **s, const char **what,
			       fmt_error *err)
{
	int rc;

	*what = ctx->key_path;
	if ((rc = keys_load(id, ctx->key_path, err)))
		return rc;
	*what = ctx->db_path;
	return store_open(s, ctx->db_path, err);
}

int cmd_export(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "o", 1, NULL }, { "output", 1, NULL }, { "full", 0, NULL },
		       { "despite-errors", 0, NULL }, { "reason", 1, NULL } };
	const char *out, *what = NULL, *reason;
	quality_totals qt;
	fmt_error err = { 0 };
	bundle_writer *w = NULL;
	bundle_info info;
	export_row *e = NULL;
	atomic_file f = { .fd = -1 };
	identity *id = NULL;
	unsigned counts[5];
	store *s = NULL;
	char *pos[1];
	int npos, rc, full, opened = 0, replace = 0;
	int64_t now;
	kit k;

	if ((rc = args_parse("export", argc, argv, opts, 5, pos, 0, &npos)))
		return rc;
	out = opts[0].value ? opts[0].value : opts[1].value;
	full = opts[2].value != NULL;
	reason = opts[4].value;
	if (!opts[3].value != !reason)
		return usage_error("export : --despite-errors et --reason \"...\" vont ensemble "
				   "(envoyer malgré les erreurs, en disant pourquoi)");
	if (reason && (!reason[0] || strlen(reason) > BUNDLE_REASON_MAX ||
		       !text_valid(reason, strlen(reason), 0)))
		return usage_error("export : la raison tient sur une ligne, de 1 à %d octets",
				   BUNDLE_REASON_MAX);
	if (!out)
		return usage_error("export : option -o FICHIER obligatoire (par exemple "
				   "-o mars-2026.bundle)");
	if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO))
		return usage_error("export : refus d'écrire un fichier chiffré sur le terminal ; "
				   "utilisez -o FICHIER");
	/* A bundle already there is never replaced silently: it may be the
	 * one not sent yet.  On a terminal the question is asked; otherwise
	 * the export is refused before anything is done. */
	if (strcmp(out, "-") != 0 && path_exists(out)) {
		char q[PATH_CAP + 64];

		if (!ctx->interactive) {
			msg("export : %s existe déjà : choisissez un autre nom de fichier, ou "
			    "supprimez d'abord celui-ci (rien n'a été écrit)", esc(out));
			return EXIT_IO;
		}
		snprintf(q, sizeof q, _("%s existe déjà : le remplacer ? (o/n) : "), esc(out));
		if (!shell_confirm(q)) {
			msg("export : %s n'a pas été remplacé (rien n'a été écrit)", esc(out));
			return EXIT_IO;
		}
		replace = 1;
	}
	if ((rc = home_ready(ctx, &now, &k)))
		return rc;
	e = calloc(1, sizeof *e);
	if (!e) {
		kit_free(&k);
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	/* The write lock for the whole export: the sequence number and the
	 * records sent are those of one state of the store. */
	if ((rc = open_identity_store(ctx, &id, &s, &what, &err)) || (rc = store_begin(s, &err)) ||
	    (rc = store_pending_counts(s, counts, &err)))
		goto fail;
	if (!full && total(counts) == 0) {
		store_rollback(s);
		msg("rien à envoyer : le coordinateur a tout reçu (aucun fichier écrit ; "
		    "--full envoie tout de nouveau)");
		rc = 0;
		goto out;
	}
	/* The rules of the questionnaire, on the periods and départements
	 * this bundle sends: warnings are shown, errors stop the export
	 * unless the field worker sends anyway, saying why. */
	if ((rc = quality_check(k.qn, s, !full, stderr, &qt, &err)))
		goto fail;
	if (qt.errors && !reason) {
		store_rollback(s);
		msg("envoi refusé : %u règle%s de gravité « erreur » en échec (ci-dessus) ; "
		    "corrigez les comptages, ou envoyez quand même avec --despite-errors "
		    "--reason \"...\" (aucun fichier écrit)", qt.errors, qt.errors > 1 ? "s" : "");
		rc = EXIT_REFUSED;
		goto out;
	}
	if (qt.warnings)
		msg("%u avertissement%s (ci-dessus) : vérifiez ces comptages ; l'envoi continue",
		    qt.warnings, qt.warnings > 1 ? "s" : "");
	if ((rc = store_next_seq(s, &e->seq, &err)))
		goto fail;
	what = ctx->home;
	if ((rc = bundle_writer_open(&w, ctx->home, &err)))
		goto fail;
	what = ctx->db_path;
	if ((rc = store_each(s, 0, full ? STORE_ALL : STORE_PENDING, add_to_bundle, w, &err)))
		goto fail;

	memset(&info, 0, sizeof info);
	randombytes_buf(info.bundle_id, sizeof info.bundle_id);
	info.seq = e->seq;
	info.created = now;
	info.flags = full ? BUNDLE_FLAG_FULL : 0;
	if (qt.errors) {
		info.flags |= BUNDLE_FLAG_OVERRIDE;
		snprintf(info.reason, sizeof info.reason, "%s", reason);
	}
	what = out;
	if ((rc = atomic_open(&f, out, 0644, !replace, &err)))
		goto fail;
	opened = 1;
	if ((rc = bundle_writer_finish(w, id, &k.coord, &info, f.fd, &err)))
		goto fail;
	memcpy(e->bundle_id, info.bundle_id, sizeof e->bundle_id);
	e->created = now;
	e->records = info.record_count;
	e->full = full;
	snprintf(e->path, sizeof e->path, "%s", out);
	/* The store records the export before the file is put in place: a
	 * crash between the two leaves a sequence number that no file uses
	 * (harmless, the records are still pending), never a whole bundle
	 * whose number the next export would give to another bundle (two
	 * bundles, one number: their receipts would share a name). */
	what = ctx->db_path;
	if ((rc = store_add_export(s, e, &err)) || (rc = store_commit(s, &err)))
		goto fail;
	what = out;
	if ((rc = atomic_commit(&f, &err))) {
		/* Nothing was put in place (a file there would be ours, the
		 * one we failed to replace, or one made meanwhile that we
		 * would not replace): the export did not happen. */
		if (rc == FMT_E_EXISTS || !path_exists(out))
			store_forget_export(s, e->seq, NULL);
		goto fail;
	}
	opened = 0;
	if (strcmp(out, "-") != 0)
		msg("%s : %u enregistrement%s (envoi n° %llu%s%s) ; joignez ce fichier à un e-mail "
		    "pour le coordinateur", esc(out), info.record_count,
		    info.record_count > 1 ? "s" : "", (unsigned long long)e->seq,
		    full ? _(", complet") : "", qt.errors ? _(", malgré les erreurs") : "");
	else if (reason && !qt.errors)
		msg("aucune règle de gravité « erreur » en échec : la raison n'a pas été jointe");
	rc = 0;
	goto out;
fail:
	store_rollback(s);
	if (opened)
		atomic_abort(&f);
	rc = fail(&err, what);
out:
	bundle_writer_free(w);
	store_close(s);
	keys_free(id);
	kit_free(&k);
	free(e);
	return rc;
}

/* Applies one receipt file.  Returns an exit status. */
static int ack_one(store *s, const identity *id, const kit *k, const char *path,
		   int64_t now)
{
	fmt_error err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	receipt rcpt;
	receipt_row *row = NULL;
	char when[64];
	unsigned known = 0;
	uint32_t i, acked = 0;
	int rc, changed, is_known;
	const char *name = strcmp(path, "-") == 0 ? "entrée standard" : path;

	memset(&rcpt, 0, sizeof rcpt);
	rc = read_file_capped(path, RECEIPT_MAX_BYTES, &data, &len, &err);
	if (rc == FMT_OK)
		rc = receipt_read(data, len, k->coord.sign_pk, &rcpt, &err);
	free(data);
	if (rc != FMT_OK)
		return fail(&err, name);
	if (sodium_memcmp(rcpt.collector_sign_pk, id->pub.sign_pk, KEY_SIGN_PK) != 0) {
		msg("%s : cet accusé de réception concerne un autre poste que celui-ci ; "
		    "refusé, rien n'a changé", esc(name));
		receipt_free(&rcpt);
		return EXIT_REFUSED;
	}
	row = calloc(1, sizeof *row);
	if (!row) {
		receipt_free(&rcpt);
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	if ((rc = store_begin(s, &err)))
		goto fail;
	rc = store_find_receipt(s, rcpt.bundle_id, row, &err);
	if (rc == FMT_OK) {
		store_rollback(s);
		time_format(row->applied_at, TIME_FR, when);
		msg("%s : accusé de réception de l'envoi n° %llu déjà appliqué le %s : rien n'a "
		    "changé", esc(name), (unsigned long long)rcpt.seq, when);
		rc = 0;
		goto out;
	}
	if (rc != FMT_DONE)
		goto fail;
	for (i = 0; i < rcpt.count; i++) {
		if ((rc = store_ack(s, rcpt.entries[i].id, rcpt.entries[i].version, &changed,
				    &is_known, &err)))
			goto fail;
		acked += (uint32_t)changed;
		known += (unsigned)is_known;
	}
	memset(row, 0, sizeof *row);
	memcpy(row->bundle_id, rcpt.bundle_id, sizeof row->bundle_id);
	row->seq = rcpt.seq;
	memcpy(row->bundle_hash, rcpt.bundle_hash, sizeof row->bundle_hash);
	row->merged_at = rcpt.merged_at;
	row->applied_at = now;
	row->entries = rcpt.count;
	row->acked = acked;
	snprintf(row->file, sizeof row->file, "%s", name);
	if ((rc = store_add_receipt(s, row, &err)) || (rc = store_commit(s, &err)))
		goto fail;
	time_format(rcpt.merged_at, TIME_FR, when);
	if (known == rcpt.count)
		msg("%s : envoi n° %llu reçu par le coordinateur le %s ; %u enregistrement%s "
		    "confirmé%s", esc(name), (unsigned long long)rcpt.seq, when, known,
		    known > 1 ? "s" : "", known > 1 ? "s" : "");
	else
		/* Ids this store never had: a receipt for a copy of this home
		 * (a restored backup).  They are harmless, and said. */
		msg("%s : envoi n° %llu reçu par le coordinateur le %s ; %u enregistrement%s "
		    "confirmé%s, %u inconnu%s de ce poste ignoré%s", esc(name),
		    (unsigned long long)rcpt.seq, when, known, known > 1 ? "s" : "",
		    known > 1 ? "s" : "", rcpt.count - known, rcpt.count - known > 1 ? "s" : "",
		    rcpt.count - known > 1 ? "s" : "");
	rc = 0;
	goto out;
fail:
	store_rollback(s);
	rc = fail(&err, name);
out:
	receipt_free(&rcpt);
	free(row);
	return rc;
}

int cmd_ack(cctx *ctx, int argc, char **argv)
{
	fmt_error err = { 0 };
	identity *id = NULL;
	store *s = NULL;
	char *pos[256];
	int npos, rc, i, worst = 0;
	int64_t now;
	kit k;

	if ((rc = args_parse("ack", argc, argv, NULL, 0, pos, 256, &npos)))
		return rc;
	if (npos == 0)
		return usage_error("ack : précisez le ou les accusés de réception reçus du "
				   "coordinateur (fichiers .receipt)");
	if ((rc = home_ready(ctx, &now, &k)))
		return rc;
	if ((rc = keys_load(&id, ctx->key_path, &err))) {
		kit_free(&k);
		return fail(&err, ctx->key_path);
	}
	if ((rc = store_open(&s, ctx->db_path, &err))) {
		kit_free(&k);
		keys_free(id);
		return fail(&err, ctx->db_path);
	}
	/* Each receipt stands alone: a bad one is refused, the others are
	 * still applied.  The exit status is that of the worst. */
	for (i = 0; i < npos; i++) {
		rc = ack_one(s, id, &k, pos[i], now);
		if (rc > worst)
			worst = rc;
	}
	store_close(s);
	keys_free(id);
	kit_free(&k);
	return worst;
}

int cmd_status(cctx *ctx, int argc, char **argv)
{
	fmt_error err = { 0 };
	char fp[KEY_FINGERPRINT_CHARS + 1], keyid[KEY_ID_CHARS + 1], when[64];
	identity *id = NULL;
	stored *org = NULL;
	export_row *e = NULL;
	receipt_row *r = NULL;
	unsigned counts[5], n;
	store *s = NULL;
	const char *what = NULL;
	char *pos[1];
	int npos, rc, k;
	kit kt;

	if ((rc = args_parse("status", argc, argv, NULL, 0, pos, 0, &npos)))
		return rc;
	if ((rc = check_home(ctx)))
		return rc;
	if ((rc = load_kit(ctx, &kt)))
		return rc;
	org = malloc(sizeof *org);
	e = malloc(sizeof *e);
	r = malloc(sizeof *r);
	if (!org || !e || !r) {
		rc = fmt_fail(&err, FMT_E_NOMEM, "out of memory");
		goto fail;
	}
	if ((rc = open_identity_store(ctx, &id, &s, &what, &err)) ||
	    (rc = store_begin_read(s, &err)) ||
	    (rc = store_org(s, org, &err)) || (rc = store_pending_counts(s, counts, &err)))
		goto fail;

	printf(_("Organisation : %s\n"), esc(org->rec.u.org.name));
	keys_id(&id->pub, keyid);
	keys_fingerprint(&id->pub, fp);
	printf(_("Ce poste : clé %s (empreinte %s)\n"), keyid, fp);
	keys_fingerprint(&kt.coord, fp);
	printf(_("Coordinateur : %s (empreinte %s)\n"), esc(kt.name), fp);
	time_format(kt.qn->published, TIME_FR_DATE, when);
	printf(_("Questionnaire : édition %u du %s (%d tableau%s)\n"), (unsigned)kt.qn->edition,
	       when, kt.qn->ntables, kt.qn->ntables > 1 ? "x" : "");
	if (kt.qn->nrules) {
		quality_totals qt;

		/* What the next export checks: quick on a store of any size;
		 * `collector check` goes through everything. */
		if ((rc = quality_check(kt.qn, s, 1, NULL, &qt, &err)))
			goto fail;
		if (qt.errors || qt.warnings)
			printf(_("Règles du questionnaire en échec dans ce qui reste à envoyer : "
				 "%u erreur%s, %u avertissement%s (détail : collector check)\n"),
			       qt.errors, qt.errors > 1 ? "s" : "",
			       qt.warnings, qt.warnings > 1 ? "s" : "");
	}
	printf(_("Dossier de travail : %s\n"), esc(ctx->home));

	rc = store_last_export(s, e, &err);
	if (rc == FMT_OK) {
		time_format(e->created, TIME_FR, when);
		printf(_("Dernier envoi : %s (n° %llu, %u enregistrement%s%s)\n"), when,
		       (unsigned long long)e->seq, e->records, e->records > 1 ? "s" : "",
		       e->full ? _(", complet") : "");
	} else if (rc == FMT_DONE) {
		printf(_("Dernier envoi : aucun\n"));
	} else {
		goto fail;
	}
	rc = store_last_receipt(s, r, &err);
	if (rc == FMT_OK) {
		time_format(r->applied_at, TIME_FR, when);
		printf(_("Dernier accusé de réception : appliqué le %s (envoi n° %llu)\n"), when,
		       (unsigned long long)r->seq);
	} else if (rc == FMT_DONE) {
		printf(_("Dernier accusé de réception : aucun\n"));
	} else {
		goto fail;
	}
	n = total(counts);
	if (n == 0) {
		printf(_("Le coordinateur a tout reçu.\n"));
	} else {
		printf(_("En attente d'accusé de réception :\n"));
		for (k = REC_ORG; k <= REC_TRAINING; k++)
			printf(_("  %s : %u\n"), kind_french(k, k != REC_ORG), counts[k]);
		printf(_("%u modification%s en attente d'accusé de réception.\n"), n,
		       n > 1 ? "s" : "");
	}
	store_rollback(s);
	rc = 0;
	goto out;
fail:
	store_rollback(s);
	rc = fail(&err, what);
out:
	store_close(s);
	keys_free(id);
	kit_free(&kt);
	free(org);
	free(e);
	free(r);
	return rc;
}
