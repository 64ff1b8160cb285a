/*
 * quality.c - the rules of the questionnaire on the field laptop: which
 * rules the counts break, per period and département, in French with the
 * counts concerned.  `collector check` lists them all; `collector export`
 * checks the periods and départements it sends, goes on over warnings and
 * stops at an error unless the field worker sends anyway with a reason
 * (sync.c); `collector status` counts them.
 *
 * The rules and their evaluation are the questionnaire's (format/,
 * questionnaire.h): the merger checks the same rules the same way.
 */
#include "collector.h"
#include "quality.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "questionnaire.h"

/* One count of the store. */
struct item {
	rec_count c;
	uint8_t id[16];
};

struct gather {
	struct item *items;
	size_t n, cap;
};

static int gather_one(void *ctx, const stored *sr, fmt_error *err)
{
	struct gather *g = ctx;
	struct item *it;

	if (sr->rec.deleted)
		return FMT_OK;
	if (g->n == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 256;

		if (!(it = realloc(g->items, cap * sizeof *it)))
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		g->items = it;
		g->cap = cap;
	}
	it = &g->items[g->n++];
	it->c = sr->rec.u.count;
	memcpy(it->id, sr->rec.id, sizeof it->id);
	return FMT_OK;
}

static int by_group(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	int c = strcmp(x->c.period, y->c.period);

	return c ? c : (int)x->c.dept - (int)y->c.dept;
}

/* What the failures of one group are printed with. */
struct group {
	FILE *out;
	const struct item *items;    /* the group's, in the order of its counts */
	quality_totals *t;
};

/* "victims supported/sexual/f/adult = 7 (id …)" */
static void print_cell(FILE *out, const struct item *it)
{
	char id[33];

	id_format(it->id, id);
	fprintf(out, "      %s ", it->c.table);
	for (int k = 0; k < it->c.ndims; k++)
		fprintf(out, "%s%s", k ? "/" : "", it->c.dims[k]);
	fprintf(out, " = %lu (%s)\n", (unsigned long)it->c.count, id);
}

static void on_failure(void *ctx, const questionnaire *q, const qn_failure *f)
{
	struct group *g = ctx;
	const qn_rule *r = &q->rules[f->rule];
	const rec_count *c = &g->items[f->cells[0]].c;
	char left[512], right[512];
	int en = shell_lang() == LANG_EN;

	if (r->severity == QN_ERROR)
		g->t->errors++;
	else
		g->t->warnings++;
	if (!g->out)
		return;
	qn_side_describe(q, r, 0, en, left, sizeof left);
	qn_side_describe(q, r, 1, en, right, sizeof right);
	fprintf(g->out, _("%s « %s », période %s, département %s : %s\n"),
		r->severity == QN_ERROR ? _("Erreur") : _("Avertissement"), r->code, c->period,
		DEPTS[c->dept].code, esc(en && r->message_en[0] ? r->message_en : r->message_fr));
	fprintf(g->out, _("    %s = %llu, %s = %llu : il faudrait %s %s %s\n"), left,
		(unsigned long long)f->left, right, (unsigned long long)f->right, left,
		qn_rule_op(r->kind), right);
	fprintf(g->out, "%s", _("    comptages concernés :\n"));
	for (size_t i = 0; i < f->ncells; i++)
		print_cell(g->out, &g->items[f->cells[i]]);
}

/* Checks items[0..n), the counts of one period and département. */
static int check_group(const questionnaire *q, const struct item *items, size_t n,
		       rec_count **counts, size_t *cap, FILE *out, quality_totals *t,
		       fmt_error *err)
{
	struct group grp = { out, items, t };

	if (n > *cap) {
		rec_count *c = realloc(*counts, n * sizeof *c);

		if (!c)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		*counts = c;
		*cap = n;
	}
	for (size_t i = 0; i < n; i++)
		(*counts)[i] = items[i].c;
	t->groups++;
	if (qn_rules_check(q, *counts, n, on_failure, &grp) < 0)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	return FMT_OK;
}

/* The groups with a change to send, each read through the index of
 * natural keys, table by table: a store of any size costs what its
 * pending groups hold. */
static int check_pending(const questionnaire *q, store *s, FILE *out, quality_totals *t,
			 fmt_error *err)
{
	struct gather g = { NULL, 0, 0 };
	qn_groups groups = { 0 };
	rec_count *counts = NULL;
	uint64_t *keys = NULL;
	size_t nkeys = 0, cap = 0;
	int rc;

	if ((rc = store_pending_groups(s, &groups, err)))
		goto out;
	if (qn_groups_sorted(&groups, &keys, &nkeys) != 0) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		goto out;
	}
	for (size_t k = 0; rc == FMT_OK && k < nkeys; k++) {
		char period[REC_PERIOD_MAX + 1], prefix[NATKEY_CAP + 1];
		uint8_t dept;

		qn_group_of(keys[k], period, &dept);
		g.n = 0;
		for (int ti = 0; rc == FMT_OK && ti < q->ntables; ti++) {
			if (!qn_table_checked(q, ti))
				continue;
			snprintf(prefix, sizeof prefix, "%s|%s|%s|", q->tables[ti].code, period,
				 DEPTS[dept].code);
			rc = store_each_natkey(s, prefix, gather_one, &g, err);
		}
		if (rc == FMT_OK && g.n)
			rc = check_group(q, g.items, g.n, &counts, &cap, out, t, err);
	}
out:
	free(keys);
	free(counts);
	free(g.items);
	qn_groups_free(&groups);
	return rc;
}

int quality_check(const questionnaire *q, store *s, int pending_only, FILE *out,
		  quality_totals *t, fmt_error *err)
{
	struct gather g = { NULL, 0, 0 };
	rec_count *counts = NULL;
	size_t i, j, cap = 0;
	int rc = FMT_OK;

	memset(t, 0, sizeof *t);
	if (!q->nrules)
		return FMT_OK;
	if (pending_only)
		return check_pending(q, s, out, t, err);
	if ((rc = store_each(s, REC_COUNT, STORE_LIVE, gather_one, &g, err)))
		goto out;
	if (g.n > 1)
		qsort(g.items, g.n, sizeof *g.items, by_group);
	for (i = 0; rc == FMT_OK && i < g.n; i = j) {
		for (j = i; j < g.n && by_group(&g.items[i], &g.items[j]) == 0; j++)
			;
		rc = check_group(q, &g.items[i], j - i, &counts, &cap, out, t, err);
	}
out:
	free(counts);
	free(g.items);
	return rc;
}

int cmd_check(cctx *ctx, int argc, char **argv)
{
	fmt_error err = { 0 };
	quality_totals t;
	store *s = NULL;
	char *pos[1];
	int npos, rc;
	kit k;

	if ((rc = args_parse("check", argc, argv, NULL, 0, pos, 0, &npos)))
		return rc;
	if ((rc = check_home(ctx)) || (rc = load_kit(ctx, &k)))
		return rc;
	if ((rc = store_open(&s, ctx->db_path, &err)) || (rc = store_begin_read(s, &err)) ||
	    (rc = quality_check(k.qn, s, 0, stdout, &t, &err))) {
		store_close(s);
		kit_free(&k);
		return fail(&err, ctx->db_path);
	}
	store_rollback(s);
	store_close(s);
	if (!k.qn->nrules)
		printf(_("Le questionnaire (édition %u) n'a pas de règle.\n"),
		       (unsigned)k.qn->edition);
	else if (!t.errors && !t.warnings)
		printf(_("Aucune règle en échec (%u période%s et département%s vérifié%s).\n"),
		       t.groups, t.groups > 1 ? "s" : "", t.groups > 1 ? "s" : "",
		       t.groups > 1 ? "s" : "");
	else
		printf(_("%u erreur%s, %u avertissement%s.%s\n"), t.errors, t.errors > 1 ? "s" : "",
		       t.warnings, t.warnings > 1 ? "s" : "",
		       t.errors ? _(" Corrigez les comptages (collector edit ID) avant l'envoi.") : "");
	kit_free(&k);
	return t.errors ? EXIT_REFUSED : 0;
}
