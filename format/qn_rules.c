/*
 * qn_rules.c - the rules of the questionnaire at work: which counts a side
 * of a rule sums, which rules the counts of one organisation, period and
 * département break, and which counts are outliers.  One evaluator for
 * both programs: the collector checks before it exports, the merger again
 * when it merges and in its quality report (docs/QUESTIONNAIRE.md, "The
 * rules sheet").
 *
 * The rules themselves (their checks, their sheet, their encoding) are
 * with the rest of the questionnaire: questionnaire.c, qn_sheets.c,
 * qn_codec.c.
 */
#include "questionnaire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qn_priv.h"

const char *qn_rule_op(int kind)
{
	switch (kind) {
	case QN_RULE_LE: return "<=";
	case QN_RULE_EQ: return "=";
	case QN_RULE_GE: return ">=";
	case QN_RULE_OUTLIER: return "outlier";
	case QN_RULE_ABOVE: return "above";
	default: return "?";
	}
}

int qn_side_matches(const questionnaire *q, const qn_side *s, const rec_count *c)
{
	const qn_table *t;
	int k, i, v;

	if (s->table < 0 || s->table >= q->ntables)
		return 0;
	t = &q->tables[s->table];
	if (strcmp(c->table, t->code) != 0 || c->ndims != t->ndims)
		return 0;
	for (k = 0; k < t->ndims; k++) {
		if (!s->nvalues[k])
			continue;
		v = qn_value_find(&q->lists[t->dims[k]], c->dims[k]);
		for (i = 0; i < s->nvalues[k] && s->values[k][i] != v; i++)
			;
		if (i == s->nvalues[k])
			return 0;
	}
	return 1;
}

/* Whether counts[0..n) hold a count of table ti. */
static int has_table(const questionnaire *q, int ti, const rec_count *counts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(counts[i].table, q->tables[ti].code) == 0)
			return 1;
	return 0;
}

int qn_rules_check(const questionnaire *q, const rec_count *counts, size_t n,
		   qn_failure_fn fn, void *ctx)
{
	size_t *cells = NULL, i;
	int ri, failed = 0;

	if (n && !(cells = malloc(n * sizeof *cells)))
		return -1;
	for (ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];
		qn_failure f = { ri, 0, 0, cells, 0 };
		int ok;

		if (r->kind != QN_RULE_LE && r->kind != QN_RULE_EQ && r->kind != QN_RULE_GE)
			continue;
		if (!has_table(q, r->left.table, counts, n) ||
		    (r->right.table >= 0 && !has_table(q, r->right.table, counts, n)))
			continue;
		f.right = r->right.table >= 0 ? 0 : r->constant;
		for (i = 0; i < n; i++) {
			int l = qn_side_matches(q, &r->left, &counts[i]);
			int rt = qn_side_matches(q, &r->right, &counts[i]);

			if (l)
				f.left += counts[i].count;
			if (rt)
				f.right += counts[i].count;
			if (l || rt)
				cells[f.ncells++] = i;
		}
		ok = r->kind == QN_RULE_LE ? f.left <= f.right :
		     r->kind == QN_RULE_EQ ? f.left == f.right : f.left >= f.right;
		if (ok)
			continue;
		failed++;
		if (fn)
			fn(ctx, q, &f);
	}
	free(cells);
	return failed;
}

int qn_table_checked(const questionnaire *q, int ti)
{
	for (int ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];

		if ((r->kind == QN_RULE_LE || r->kind == QN_RULE_EQ || r->kind == QN_RULE_GE) &&
		    (r->left.table == ti || r->right.table == ti))
			return 1;
	}
	return 0;
}

/* --- sets of groups ------------------------------------------------------ */

uint64_t qn_group_key(const char *period, uint8_t dept)
{
	uint64_t key = 0;
	size_t i;

	for (i = 0; i < REC_PERIOD_MAX && period[i]; i++)
		key |= (uint64_t)(unsigned char)period[i] << (8 * (REC_PERIOD_MAX - i));
	return key | dept;
}

void qn_group_of(uint64_t key, char period[REC_PERIOD_MAX + 1], uint8_t *dept)
{
	for (size_t i = 0; i < REC_PERIOD_MAX; i++)
		period[i] = (char)(key >> (8 * (REC_PERIOD_MAX - i)));
	period[REC_PERIOD_MAX] = '\0';
	*dept = (uint8_t)key;
}

/* The slot of key in slot[0..cap): where it is, or the empty one where it
 * goes.  cap is a power of two, never full. */
static size_t group_slot(const uint64_t *slot, size_t cap, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15u) >> 32) & (cap - 1);

	while (slot[i] && slot[i] != key)
		i = (i + 1) & (cap - 1);
	return i;
}

int qn_groups_add(qn_groups *g, const char *period, uint8_t dept)
{
	uint64_t key = qn_group_key(period, dept);
	size_t i;

	/* At most half full: probes stay short. */
	if (2 * (g->n + 1) > g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 64;
		uint64_t *slot = calloc(cap, sizeof *slot);

		if (!slot)
			return -1;
		for (i = 0; i < g->cap; i++)
			if (g->slot[i])
				slot[group_slot(slot, cap, g->slot[i])] = g->slot[i];
		free(g->slot);
		g->slot = slot;
		g->cap = cap;
	}
	i = group_slot(g->slot, g->cap, key);
	if (!g->slot[i]) {
		g->slot[i] = key;
		g->n++;
	}
	return 0;
}

int qn_groups_has(const qn_groups *g, const char *period, uint8_t dept)
{
	return g->n && g->slot[group_slot(g->slot, g->cap, qn_group_key(period, dept))] != 0;
}

void qn_groups_clear(qn_groups *g)
{
	if (g->slot)
		memset(g->slot, 0, g->cap * sizeof *g->slot);
	g->n = 0;
}

void qn_groups_free(qn_groups *g)
{
	free(g->slot);
	memset(g, 0, sizeof *g);
}

static int by_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

int qn_groups_sorted(const qn_groups *g, uint64_t **keys, size_t *n)
{
	size_t j = 0;

	*keys = NULL;
	*n = 0;
	if (!g->n)
		return 0;
	if (!(*keys = malloc(g->n * sizeof **keys)))
		return -1;
	for (size_t i = 0; i < g->cap; i++)
		if (g->slot[i])
			(*keys)[j++] = g->slot[i];
	qsort(*keys, j, sizeof **keys, by_key);
	*n = j;
	return 0;
}

void qn_side_describe(const questionnaire *q, const qn_rule *r, int right, int en, char *buf,
		      size_t cap)
{
	const qn_side *s = right ? &r->right : &r->left;
	const qn_table *t;
	size_t used;
	int k, i, first = 1;

	if (s->table < 0) {
		snprintf(buf, cap, "%lu", (unsigned long)r->constant);
		return;
	}
	t = &q->tables[s->table];
	snprintf(buf, cap, "%s", t->code);
	for (k = 0; k < t->ndims; k++) {
		const qn_list *l = &q->lists[t->dims[k]];

		if (!s->nvalues[k])
			continue;
		used = strlen(buf);
		snprintf(buf + used, cap - used, "%s%s = ", first ? " (" : ", ", l->t.name);
		first = 0;
		for (i = 0; i < s->nvalues[k]; i++) {
			used = strlen(buf);
			snprintf(buf + used, cap - used, "%s%s", i ? (en ? " or " : " ou ") : "",
				 l->t.items[s->values[k][i]].code);
		}
	}
	if (!first) {
		used = strlen(buf);
		snprintf(buf + used, cap - used, ")");
	}
}

/* The first row of kind `kind` naming c's table whose filter c matches;
 * for QN_RULE_OUTLIER, failing that, the first naming no table.  NULL
 * when none. */
static const qn_rule *applies(const questionnaire *q, int kind, const rec_count *c)
{
	const qn_rule *any = NULL;
	int ri;

	for (ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];

		if (r->kind != kind)
			continue;
		if (r->left.table < 0) {
			if (!any)
				any = r;
		} else if (qn_side_matches(q, &r->left, c)) {
			return r;
		}
	}
	return kind == QN_RULE_OUTLIER ? any : NULL;
}

int qn_outlier(const questionnaire *q, const rec_count *c, int64_t prev, uint32_t *factor,
	       uint32_t *threshold)
{
	const qn_rule *f = applies(q, QN_RULE_OUTLIER, c), *a = applies(q, QN_RULE_ABOVE, c);
	uint32_t fac = f ? f->constant : QN_FACTOR_DEFAULT, thr = a ? a->constant : 0;
	int flags = 0;

	if (fac && prev > 0 && (uint64_t)c->count > (uint64_t)fac * (uint64_t)prev)
		flags |= QN_OUTLIER_RATIO;
	if (a && c->count > thr)
		flags |= QN_OUTLIER_ABOVE;
	if (factor)
		*factor = fac;
	if (threshold)
		*threshold = a ? thr : 0;
	return flags;
}
