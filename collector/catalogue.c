/*
 * catalogue.c - the kinds a field worker can record (catalogue.h).
 *
 * The count tables are not compiled in: they come with the questionnaire
 * edition of the pinned kit, so that a coordinator can add a question
 * without a new program on every laptop.  Each table gets a descriptor
 * made once here (table_desc_make), whose fields are the period, the
 * département, one per dimension (named after its code list, holding one
 * of its values) and the count; every command then treats it like a
 * built-in kind.
 */
#include "catalogue.h"

#include <stdlib.h>
#include <string.h>

#include "fields.h"

struct catalogue {
	const questionnaire *qn;
	questionnaire *owned;        /* qn when catalogue_load() read it */
	int ntables;
	table_desc *tables;
};

int catalogue_make(const kit *k, catalogue **out)
{
	catalogue *c = calloc(1, sizeof *c);
	const questionnaire *q = k->qn;

	*out = NULL;
	if (!c || !q || !(c->tables = calloc((size_t)q->ntables + 1, sizeof *c->tables))) {
		free(c);
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	c->qn = q;
	c->ntables = q->ntables;
	for (int i = 0; i < q->ntables; i++) {
		const qn_table *t = &q->tables[i];
		const enum_table *dims[QN_DIMS_MAX];
		const char *fr[QN_DIMS_MAX], *en[QN_DIMS_MAX];

		for (int d = 0; d < t->ndims; d++) {
			const qn_list *l = &q->lists[t->dims[d]];

			dims[d] = &l->t;
			fr[d] = qn_list_label(l, 0);
			en[d] = qn_list_label(l, 1);
		}
		table_desc_make(&c->tables[i], t->code, t->title_fr,
				t->title_en[0] ? t->title_en : t->title_fr, t->ndims, dims, fr, en);
	}
	*out = c;
	return 0;
}

int catalogue_load(const cctx *ctx, catalogue **out)
{
	kit *k = calloc(1, sizeof *k);
	int rc;

	*out = NULL;
	if (!k) {
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	if ((rc = load_kit(ctx, k)) || (rc = catalogue_make(k, out))) {
		kit_free(k);
		free(k);
		return rc;
	}
	/* The catalogue keeps the kit it was made from: it frees it. */
	(*out)->owned = k->qn;
	k->qn = NULL;
	free(k);
	return 0;
}

void catalogue_free(catalogue *c)
{
	if (!c)
		return;
	qn_free(c->owned);
	free(c->tables);
	free(c);
}

const kind_desc *catalogue_table(const catalogue *c, const char *code)
{
	for (int i = 0; c && code && i < c->ntables; i++)
		if (strcmp(c->tables[i].code, code) == 0)
			return &c->tables[i].k;
	return NULL;
}

const kind_desc *catalogue_find(const catalogue *c, const char *name)
{
	int kind;

	if (!name)
		return NULL;
	if (strcmp(name, "support") == 0)
		return catalogue_table(c, SUPPORT_TABLE);
	kind = kind_from_name(name);
	if (kind && kind != REC_COUNT)
		return kind_desc_of(kind);
	return catalogue_table(c, name);
}

const kind_desc *catalogue_of(const catalogue *c, const record *r)
{
	if (r->kind == REC_COUNT)
		return catalogue_table(c, r->u.count.table);
	return kind_desc_of(r->kind);
}

const questionnaire *catalogue_questionnaire(const catalogue *c)
{
	return c->qn;
}

int catalogue_ntables(const catalogue *c)
{
	return c->ntables;
}

const kind_desc *catalogue_nth(const catalogue *c, int i, const qn_table **t)
{
	if (i < 0 || i >= c->ntables)
		return NULL;
	if (t)
		*t = &c->qn->tables[i];
	return &c->tables[i].k;
}

void catalogue_blank(const kind_desc *k, record *r)
{
	if (k->kind == REC_COUNT)
		table_record_blank((const table_desc *)k, r);
	else
		record_blank(r, k->kind);
}
