/*
 * records.c - `collector add`, `edit` and `delete`, and the saving rules
 * they share with `import` (records.h).
 *
 * Every change is a new version of the record, stamped with the time it
 * was made; a deletion is a version too (a tombstone), so that the
 * coordinator learns of it.  Within one organisation a support count is
 * identified by its natural key: recording the same key again replaces
 * the count of the record already there (last write wins).
 */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "catalogue.h"
#include "fields.h"
#include "prompt.h"

int records_same(const record *a, const record *b)
{
	uint8_t ea[REC_ENCODED_MAX], eb[REC_ENCODED_MAX];
	size_t la, lb;
	record *ca, *cb;
	int same = 0;

	ca = malloc(sizeof *ca);
	cb = malloc(sizeof *cb);
	if (ca && cb) {
		*ca = *a;
		*cb = *b;
		ca->version = cb->version = 1;
		ca->recorded_at = cb->recorded_at = 946684800;
		same = record_encode(ca, ea, sizeof ea, &la, NULL) == FMT_OK &&
		       record_encode(cb, eb, sizeof eb, &lb, NULL) == FMT_OK &&
		       la == lb && memcmp(ea, eb, la) == 0;
	}
	free(ca);
	free(cb);
	return same;
}

int records_add(store *s, record *r, int64_t now, enum save_outcome *outcome,
		fmt_error *err)
{
	char key[NATKEY_CAP];
	stored *old = NULL;
	int rc;

	r->recorded_at = now;
	r->deleted = 0;
	record_natkey(r, key);
	if (key[0]) {   /* recording a natural key again replaces its value */
		old = malloc(sizeof *old);
		if (!old)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		rc = store_find_natkey(s, r, old, err);
		if (rc == FMT_OK) {
			memcpy(r->id, old->rec.id, sizeof r->id);
			r->version = old->rec.version + 1;
			if (!old->rec.deleted && records_same(&old->rec, r)) {
				*outcome = SAVED_UNCHANGED;
				r->version = old->rec.version;
				r->recorded_at = old->rec.recorded_at;
				free(old);
				return FMT_OK;
			}
			*outcome = old->rec.deleted ? SAVED_REVIVED : SAVED_UPDATED;
			free(old);
			return store_put(s, r, err);
		}
		free(old);
		if (rc != FMT_DONE)
			return rc;
	}
	if ((rc = store_new_id(s, r, err)))
		return rc;
	r->version = 1;
	*outcome = SAVED_NEW;
	return store_put(s, r, err);
}

int records_update(store *s, const stored *old, record *r, int64_t now,
		   enum save_outcome *outcome, char *msg, size_t cap, fmt_error *err)
{
	char id[33], old_key[NATKEY_CAP], new_key[NATKEY_CAP];
	stored *other;
	int rc;

	if (records_same(&old->rec, r)) {
		*outcome = SAVED_UNCHANGED;
		return FMT_OK;
	}
	record_natkey(&old->rec, old_key);
	record_natkey(r, new_key);
	if (new_key[0] && !r->deleted && strcmp(old_key, new_key) != 0) {
		other = malloc(sizeof *other);
		if (!other)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		rc = store_find_natkey(s, r, other, err);
		if (rc == FMT_OK && !other->rec.deleted &&
		    memcmp(other->rec.id, r->id, sizeof r->id) != 0) {
			id_format(other->rec.id, id);
			snprintf(msg, cap, _("un autre comptage a déjà cette période, ce "
				 "département, ce statut, cette forme d'exploitation, ce sexe et "
				 "cet âge (%s) : modifiez plutôt celui-ci"), id);
			free(other);
			return fmt_fail(err, FMT_E_FIELD, "natural key taken");
		}
		free(other);
		if (rc != FMT_OK && rc != FMT_DONE)
			return rc;
	}
	r->version = old->rec.version + 1;
	r->recorded_at = now;
	*outcome = SAVED_UPDATED;
	return store_put(s, r, err);
}

int records_delete(store *s, const stored *old, record *r, int64_t now, fmt_error *err)
{
	record_blank(r, old->rec.kind);
	memcpy(r->id, old->rec.id, sizeof r->id);
	r->deleted = 1;
	r->version = old->rec.version + 1;
	r->recorded_at = now;
	return store_put(s, r, err);
}

/* ---- add --------------------------------------------------------------- */

/* The kind `add` records, from its arguments: "action", "training",
 * "count TABLE", or "support" for the table of victims.  *used: how many
 * arguments name it.  NULL after a usage message (*rc set). */
static const kind_desc *add_kind(const catalogue *cat, int argc, char **argv, int *used,
				 int *rc)
{
	const kind_desc *k = NULL;

	*used = 1;
	if (argc > 2 && strcmp(argv[1], "count") == 0) {
		*used = 2;
		k = catalogue_table(cat, argv[2]);
		if (!k) {
			*rc = usage_error("add count : le questionnaire n'a pas de tableau « %s » "
					  "(voir collector tables)", esc(argv[2]));
			return NULL;
		}
		return k;
	}
	if (argc > 1 && strcmp(argv[1], "count") != 0)
		k = catalogue_find(cat, argv[1]);
	if (!k || k->kind == REC_ORG || (k->kind == REC_COUNT && strcmp(argv[1], "support"))) {
		*rc = usage_error("add : précisez ce qui est enregistré : action, training "
				  "(formation), count TABLEAU (un comptage) ou support (comptage "
				  "de victimes)%s%s%s", argc > 1 ? ", pas « " : "",
				  argc > 1 ? esc(argv[1]) : "", argc > 1 ? " »" : "");
		return NULL;
	}
	return k;
}

int cmd_add(cctx *ctx, int argc, char **argv)
{
	opt opts[16];
	const field_desc *fs;
	const kind_desc *k;
	catalogue *cat = NULL;
	fmt_error err = { 0 };
	enum save_outcome outcome;
	char *pos[1], m[1024], missing[256] = "", id[33], asked[16] = { 0 };
	record *r = NULL;
	store *s = NULL;
	int n, i, npos, rc = 0, nmissing = 0, nasked = 0, used;
	int64_t now;

	/* The tables, and so the flags of a count, are the questionnaire's. */
	if (argc < 2)
		return usage_error("add : précisez ce qui est enregistré : action, training "
				   "(formation), count TABLEAU (un comptage) ou support "
				   "(comptage de victimes)");
	if ((rc = check_home(ctx)) || (rc = catalogue_load(ctx, &cat)))
		return rc;
	if (!(k = add_kind(cat, argc, argv, &used, &rc)))
		goto out;
	fs = k->fields;
	n = k->nfields;
	for (i = 0; i < n; i++) {
		opts[i].name = fs[i].code;
		opts[i].has_arg = 1;
		opts[i].value = NULL;
	}
	if ((rc = args_parse("add", argc - used, argv + used, opts, n, pos, 0, &npos)))
		goto out;
	if ((now = shell_now()) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}

	r = malloc(sizeof *r);
	if (!r) {
		msg("mémoire insuffisante");
		rc = EXIT_INTERNAL;
		goto out;
	}
	catalogue_blank(k, r);
	for (i = 0; i < n; i++) {
		if (!opts[i].value)
			continue;
		if (field_set(r, &fs[i], opts[i].value, m, sizeof m) != 0) {
			msg("%s", m);
			if (!ctx->interactive) {
				rc = EXIT_REFUSED;
				goto out;
			}
			/* On a terminal, the menu of that field instead. */
			opts[i].value = NULL;
			asked[i] = 1;
		}
	}
	for (i = 0; i < n; i++) {
		if (!(fs[i].flags & FF_REQUIRED) || opts[i].value)
			continue;
		nmissing++;
		if (strlen(missing) + strlen(fs[i].code) + 5 < sizeof missing) {
			strcat(missing, nmissing > 1 ? ", --" : "--");
			strcat(missing, fs[i].code);
		}
	}
	/* Ask only on a terminal: in a pipe or a script, nobody answers. */
	if (nmissing && !ctx->interactive) {
		rc = usage_error("add %s : option%s obligatoire%s manquante%s : %s",
				 used == 2 ? k->code : argv[1], nmissing > 1 ? "s" : "",
				 nmissing > 1 ? "s" : "",
				 nmissing > 1 ? "s" : "", missing);
		goto out;
	}
	/* Someone answering questions is offered the optional fields too
	 * (Entrée passes), in the order of the form. */
	for (i = 0; i < n; i++)
		nasked += asked[i];
	for (i = 0; i < n && (nmissing || nasked); i++)
		if (!opts[i].value && (nmissing || asked[i]) && (rc = prompt_field(r, &fs[i])))
			goto out;

	/* The version and time are those of a new record until the store
	 * says otherwise (records_add); validation needs them set. */
	r->version = 1;
	r->recorded_at = now;
	if (record_check(r, m, sizeof m) != 0) {
		msg("%s", m);
		rc = EXIT_REFUSED;
		goto out;
	}

	if ((rc = store_open(&s, ctx->db_path, &err)) || (rc = store_begin(s, &err)))
		goto fail;
	if ((rc = records_add(s, r, now, &outcome, &err))) {
		store_rollback(s);
		goto fail;
	}
	if ((rc = store_commit(s, &err)))
		goto fail;
	id_format(r->id, id);
	printf("%s\n", id);
	if (outcome == SAVED_NEW)
		say_stored(k, r, "enregistré", NULL);
	else if (outcome == SAVED_UPDATED)
		msg("ce comptage existait déjà : nombre remplacé par %u (version %u)",
		    r->u.count.count, r->version);
	else if (outcome == SAVED_REVIVED)
		msg("ce comptage avait été supprimé : il est rétabli avec le nombre %u "
		    "(version %u)", r->u.count.count, r->version);
	else if (outcome == SAVED_UNCHANGED)
		msg("ce comptage est déjà enregistré avec ce nombre : rien n'a changé");
	rc = 0;
	goto out;
fail:
	rc = fail(&err, ctx->db_path);
out:
	store_close(s);
	catalogue_free(cat);
	free(r);
	return rc;
}

/* ---- edit and delete ----------------------------------------------------- */

/* Finds the record named by arg (an id, a unique start or end of at
 * least 6 hex digits, or "organisation").  Returns 0 or an exit status
 * after a message. */
static int resolve(store *s, const char *arg, stored *out)
{
	fmt_error err = { 0 };
	uint8_t id[16];
	size_t i, n = strlen(arg);
	int ambiguous, rc;

	if (kind_from_name(arg) == REC_ORG) {
		rc = store_org(s, out, &err);
		return rc ? fail(&err, NULL) : 0;
	}
	for (i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", arg[i]))
			break;
	if (n < 6 || n > 32 || i < n)
		return usage_error("identifiant invalide « %s » : donnez l'identifiant affiché par "
				   "collector list (32 caractères, ou au moins ses 6 derniers)",
				   esc(arg));
	rc = store_find_short(s, arg, id, &ambiguous, &err);
	if (rc == FMT_DONE) {
		msg("aucun enregistrement n'a l'identifiant %s", esc(arg));
		return EXIT_REFUSED;
	}
	if (rc)
		return fail(&err, NULL);
	if (ambiguous) {
		msg("identifiant ambigu : plusieurs enregistrements commencent ou finissent "
		    "par %s ; donnez plus de caractères", esc(arg));
		return EXIT_REFUSED;
	}
	rc = store_get(s, id, out, &err);
	if (rc == FMT_DONE) {
		msg("aucun enregistrement n'a l'identifiant %s", esc(arg));
		return EXIT_REFUSED;
	}
	return rc ? fail(&err, NULL) : 0;
}

/* The start that edit and delete share: checks the home folder and reads
 * the clock into *now, allocates *old and *r (the caller frees both, also
 * on failure; they may be NULL then), opens the store into *s (the caller
 * closes it) in a write transaction and finds target into *old, with its
 * printable id in id.  Returns 0, or an exit status after a message; the
 * transaction is then rolled back. */
static int begin_on_record(cctx *ctx, const char *target, int64_t *now, store **s,
			   stored **old, record **r, char id[33])
{
	fmt_error err = { 0 };
	int rc;

	if ((rc = check_home(ctx)))
		return rc;
	if ((*now = shell_now()) < 0)
		return EXIT_USAGE;
	*old = malloc(sizeof **old);
	*r = malloc(sizeof **r);
	if (!*old || !*r) {
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	if ((rc = store_open(s, ctx->db_path, &err)) || (rc = store_begin(*s, &err)))
		return fail(&err, ctx->db_path);
	if ((rc = resolve(*s, target, *old))) {
		store_rollback(*s);
		return rc;
	}
	id_format((*old)->rec.id, id);
	return 0;
}

#define EDIT_MAX 32

int cmd_edit(cctx *ctx, int argc, char **argv)
{
	const char *names[EDIT_MAX], *values[EDIT_MAX], *target = NULL;
	fmt_error err = { 0 };
	enum save_outcome outcome;
	const kind_desc *kd;
	catalogue *cat = NULL;
	char m[1024], id[33];
	stored *old = NULL;
	record *r = NULL;
	store *s = NULL;
	int nf = 0, i, j, rc;
	int64_t now;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;

		if (strncmp(a, "--", 2) != 0 || !a[2]) {
			if (target)
				return usage_error("edit : un seul identifiant à la fois "
						   "(« %s » en trop)", esc(a));
			target = a;
			continue;
		}
		if (nf == EDIT_MAX)
			return usage_error("edit : trop de champs");
		eq = strchr(a, '=');
		if (eq) {
			static char namebuf[EDIT_MAX][32];

			snprintf(namebuf[nf], sizeof namebuf[nf], "%.*s", (int)(eq - a - 2), a + 2);
			names[nf] = namebuf[nf];
			values[nf++] = eq + 1;
			continue;
		}
		if (i + 1 >= argc)
			return usage_error("edit : il manque la valeur de l'option %s", esc(a));
		names[nf] = a + 2;
		values[nf++] = argv[++i];
	}
	if (!target)
		return usage_error("edit : précisez l'identifiant de l'enregistrement à modifier");
	if (!nf)
		return usage_error("edit : précisez au moins un champ à modifier "
				   "(par exemple --count 12)");
	for (i = 0; i < nf; i++)
		for (j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0)
				return usage_error("edit : option --%s donnée deux fois",
						   esc(names[i]));
	if ((rc = begin_on_record(ctx, target, &now, &s, &old, &r, id)))
		goto out;
	if (old->rec.deleted) {
		msg("l'enregistrement %s a été supprimé : il ne peut plus être modifié", id);
		rc = EXIT_REFUSED;
		goto rollback;
	}
	*r = old->rec;
	if ((rc = catalogue_load(ctx, &cat)))
		goto rollback;
	if (!(kd = catalogue_of(cat, r))) {
		msg("le comptage %s est d'un tableau (« %s ») que le questionnaire actuel ne "
		    "connaît pas : il ne peut pas être modifié", id, esc(r->u.count.table));
		rc = EXIT_REFUSED;
		goto rollback;
	}
	for (i = 0; i < nf; i++) {
		const field_desc *f = kind_field(kd, names[i]);

		if (!f) {
			char list[512] = "";

			for (j = 0; j < kd->nfields; j++) {
				strcat(list, j ? ", --" : "--");
				strcat(list, kd->fields[j].code);
			}
			rc = usage_error("edit : champ --%s inconnu pour un enregistrement de "
					 "type %s (champs possibles : %s)", esc(names[i]),
					 kd->code, list);
			goto rollback;
		}
		if (field_set(r, f, values[i], m, sizeof m) != 0) {
			msg("%s", m);
			rc = EXIT_REFUSED;
			goto rollback;
		}
	}
	if (record_check(r, m, sizeof m) != 0) {
		msg("%s", m);
		rc = EXIT_REFUSED;
		goto rollback;
	}
	rc = records_update(s, old, r, now, &outcome, m, sizeof m, &err);
	if (rc == FMT_E_FIELD) {
		msg("%s", m);
		rc = EXIT_REFUSED;
		goto rollback;
	}
	if (rc || (rc = store_commit(s, &err))) {
		store_rollback(s);
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	printf("%s\n", id);
	if (outcome == SAVED_UNCHANGED)
		msg("aucun changement : les valeurs données sont celles déjà enregistrées");
	else {
		snprintf(m, sizeof m, " (version %u)", r->version);
		say_stored(kd, r, "modifié", m);
	}
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	store_close(s);
	catalogue_free(cat);
	free(old);
	free(r);
	return rc;
}

int cmd_delete(cctx *ctx, int argc, char **argv)
{
	fmt_error err = { 0 };
	char *pos[1], id[33];
	stored *old = NULL;
	record *r = NULL;
	store *s = NULL;
	int npos, rc;
	int64_t now;

	if ((rc = args_parse("delete", argc, argv, NULL, 0, pos, 1, &npos)))
		return rc;
	if (npos != 1)
		return usage_error("delete : précisez l'identifiant de l'enregistrement "
				   "à supprimer");
	if ((rc = begin_on_record(ctx, pos[0], &now, &s, &old, &r, id)))
		goto out;
	if (old->rec.kind == REC_ORG) {
		msg("le profil de l'organisation ne peut pas être supprimé ; modifiez-le avec "
		    "« collector edit organisation --CHAMP VALEUR »");
		rc = EXIT_REFUSED;
		goto rollback;
	}
	if (old->rec.deleted) {
		msg("l'enregistrement %s était déjà supprimé : rien n'a changé", id);
		rc = 0;
		goto rollback;
	}
	if ((rc = records_delete(s, old, r, now, &err)) || (rc = store_commit(s, &err))) {
		store_rollback(s);
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	msg("%s %s supprimé%s", kind_french(r->kind, 0), id,
	    r->kind == REC_ACTION || r->kind == REC_TRAINING ? "e" : "");
	rc = 0;
	goto out;
rollback:
	store_rollback(s);
out:
	store_close(s);
	free(old);
	free(r);
	return rc;
}
