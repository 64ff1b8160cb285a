/*
 * tables.c - the questionnaire on the field laptop: `collector tables`
 * (what the current edition asks, in French), `collector template TABLE`
 * (the CSV header of a spreadsheet to fill) and `collector update --kit
 * FILE` (a newer edition from the same coordinator).
 *
 * A template is a header and nothing else: example rows live in the
 * documentation, never in a file that could be imported by mistake and
 * overwrite real counts.
 */
#include "collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue.h"
#include "csv.h"
#include "fileio.h"
#include "signed.h"

int cmd_tables(cctx *ctx, int argc, char **argv)
{
	const questionnaire *q;
	const qn_table *t;
	const kind_desc *k;
	catalogue *cat = NULL;
	char *pos[1], when[64];
	int npos, rc;

	if ((rc = args_parse("tables", argc, argv, NULL, 0, pos, 0, &npos)))
		return rc;
	if ((rc = check_home(ctx)) || (rc = catalogue_load(ctx, &cat)))
		return rc;
	q = catalogue_questionnaire(cat);
	time_format(q->published, TIME_FR_DATE, when);
	printf(_("Questionnaire : édition %u du %s\n"), (unsigned)q->edition, when);
	for (int i = 0; (k = catalogue_nth(cat, i, &t)); i++) {
		if (t->retired)
			continue;
		printf("\n%s — %s\n", esc(t->code), esc(t->title_fr));
		if (t->help_fr[0])
			printf("  %s\n", esc(t->help_fr));
		printf(_("  Colonnes : période, département"));
		for (int f = 0; f < k->nfields; f++)
			if (k->fields[f].type == FT_CODE)
				printf(", %s (--%s)", esc(k->fields[f].fr), esc(k->fields[f].code));
		printf(_(", nombre\n  Saisie : collector add count %s, ou un tableur "
		       "(collector template %s)\n"), esc(t->code), esc(t->code));
	}
	catalogue_free(cat);
	return 0;
}

int cmd_template(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "o", 1, NULL }, { "output", 1, NULL } };
	const char *cells[CSV_MAX_FIELDS], *out;
	const kind_desc *k;
	catalogue *cat = NULL;
	fmt_error err = { 0 };
	char *pos[1], *text = NULL;
	size_t len = 0;
	FILE *f;
	int npos, rc;

	if ((rc = args_parse("template", argc, argv, opts, 2, pos, 1, &npos)))
		return rc;
	if (npos != 1)
		return usage_error("template : précisez le tableau (voir collector tables), ou "
				   "action, training");
	out = opts[0].value ? opts[0].value : opts[1].value;
	if ((rc = check_home(ctx)) || (rc = catalogue_load(ctx, &cat)))
		return rc;
	k = catalogue_find(cat, pos[0]);
	if (!k || k->kind == REC_ORG) {
		rc = usage_error("template : « %s » n'est ni un tableau du questionnaire (voir "
				 "collector tables) ni action ou training", esc(pos[0]));
		goto out;
	}
	for (int i = 0; i < k->nfields; i++)
		cells[i] = k->fields[i].code;
	f = open_memstream(&text, &len);
	if (!f || csv_write_row(f, cells, k->nfields) != 0 || fclose(f) != 0) {
		msg("mémoire insuffisante");
		rc = EXIT_INTERNAL;
		goto out;
	}
	if (!out || strcmp(out, "-") == 0) {
		fputs(text, stdout);
	} else if (atomic_write_file(out, (const uint8_t *)text, len, 0644, 1, &err) != FMT_OK) {
		rc = fail(&err, out);
		goto out;
	} else {
		msg("%s : modèle du tableau « %s » écrit (une ligne d'en-tête ; ajoutez une ligne "
		    "par comptage, puis collector import %s)", esc(out), esc(k->fr), esc(out));
	}
	rc = 0;
out:
	free(text);
	catalogue_free(cat);
	return rc;
}

/* Says in French what the new edition adds or retires. */
static void describe_changes(const questionnaire *old, const questionnaire *nq)
{
	int added = 0, retired = 0, values = 0;

	for (int i = 0; i < nq->ntables; i++) {
		const qn_table *t = &nq->tables[i], *was = qn_table_find(old, t->code);

		if (!was)
			added++;
		else if (t->retired && !was->retired)
			retired++;
	}
	if (added) {
		fprintf(stderr, _("collector: %d tableau%s ajouté%s :"), added, added > 1 ? "x" : "",
			added > 1 ? "s" : "");
		for (int i = 0, n = 0; i < nq->ntables; i++)
			if (!qn_table_find(old, nq->tables[i].code))
				fprintf(stderr, "%s « %s »", n++ ? "," : "",
					esc(nq->tables[i].title_fr));
		fputc('\n', stderr);
	}
	if (retired)
		msg("%d tableau%s retiré%s (les comptages déjà faits restent)", retired,
		    retired > 1 ? "x" : "", retired > 1 ? "s" : "");
	for (int i = 0; i < nq->nlists; i++) {
		int li = qn_list_find(old, nq->lists[i].t.name);

		values += li < 0 ? nq->lists[i].t.count :
			  nq->lists[i].t.count - old->lists[li].t.count;
	}
	if (values)
		msg("%d valeur%s ajoutée%s aux listes de choix", values, values > 1 ? "s" : "",
		    values > 1 ? "s" : "");
	if (nq->nrules != old->nrules)
		msg("%d règle%s de contrôle des comptages (au lieu de %d) : collector check",
		    nq->nrules, nq->nrules > 1 ? "s" : "", old->nrules);
	if (!added && !retired && !values && nq->nrules == old->nrules)
		msg("mêmes tableaux et mêmes listes ; libellés, aides et règles mis à jour");
}

int cmd_update(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "kit", 1, NULL } };
	const char *path;
	fmt_error err = { 0 };
	uint8_t *data = NULL;
	size_t len = 0;
	char *pos[1];
	int npos, rc;
	kit now = { 0 }, next = { 0 };

	if ((rc = args_parse("update", argc, argv, opts, 1, pos, 0, &npos)))
		return rc;
	if (!(path = opts[0].value))
		return usage_error("update : option --kit FICHIER obligatoire (le nouveau kit "
				   "reçu du coordinateur)");
	if ((rc = check_home(ctx)) || (rc = load_kit(ctx, &now)))
		return rc;
	rc = read_file_capped(path, KIT_MAX_BYTES, &data, &len, &err);
	if (rc == FMT_OK)
		rc = kit_read(data, len, &next, &err);
	if (rc != FMT_OK) {
		rc = fail(&err, path);
		goto out;
	}
	/* Only the coordinator this laptop was set up with may change what it
	 * asks: a kit signed by any other key is refused. */
	if (memcmp(&next.coord, &now.coord, sizeof now.coord) != 0) {
		msg("%s : ce kit vient d'un autre coordinateur (« %s ») que celui de ce poste "
		    "(« %s ») : refusé, rien n'a changé", esc(path), esc(next.name), esc(now.name));
		rc = EXIT_REFUSED;
		goto out;
	}
	if (next.qn->edition < now.qn->edition) {
		msg("%s : ce kit porte l'édition %u du questionnaire, plus ancienne que celle de "
		    "ce poste (%u) : refusé, rien n'a changé", esc(path),
		    (unsigned)next.qn->edition, (unsigned)now.qn->edition);
		rc = EXIT_REFUSED;
		goto out;
	}
	if (next.qn->edition == now.qn->edition) {
		msg("%s : ce poste a déjà l'édition %u du questionnaire : rien à faire", esc(path),
		    (unsigned)now.qn->edition);
		rc = 0;
		goto out;
	}
	if (qn_evolves(now.qn, next.qn, NULL, NULL, &err) != FMT_OK) {
		msg("%s : cette édition retire ou change des codes de l'édition %u (%s) : "
		    "refusé, rien n'a changé ; prévenez le coordinateur", esc(path),
		    (unsigned)now.qn->edition, esc(fmt_error_bare(&err)));
		rc = EXIT_REFUSED;
		goto out;
	}
	if ((rc = atomic_write_file(ctx->kit_path, data, len, 0600, 0, &err))) {
		rc = fail(&err, ctx->kit_path);
		goto out;
	}
	msg("questionnaire mis à jour : édition %u (au lieu de %u)", (unsigned)next.qn->edition,
	    (unsigned)now.qn->edition);
	describe_changes(now.qn, next.qn);
	rc = 0;
out:
	free(data);
	kit_free(&now);
	kit_free(&next);
	return rc;
}
