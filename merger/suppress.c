/*
 * suppress.c - small-count suppression for `merger report --public`.
 *
 * A published victim count between 1 and threshold-1 could point at a
 * person in a small département, so it is shown as "<threshold" (primary
 * suppression, CELL_SMALL).  Hiding it is not enough when a total is
 * published beside it: national total minus the other départements gives
 * it back.  So a count is also hidden (complementary suppression,
 * CELL_SECRET, shown as "s") until no hidden count can be deduced from
 * what is shown.
 *
 * What a reader knows is a set of equations "parent = sum of its
 * children" between published numbers:
 *
 *  - the victims tables by status: for each status, the national total is
 *    the sum of the table by form of exploitation, of the one by sex, by
 *    age and by département (four equations sharing the total);
 *  - every count table of the questionnaire: its total is the sum of
 *    each dimension's breakdown and of the breakdown by département; a
 *    dimension whose values roll up (countries into world regions) gives
 *    instead total = sum of the regions, and each region = sum of its
 *    countries (the sum of the countries is then implied).
 *
 * In each case the equations form a tree: two of them share at most one
 * number and no chain of them comes back to where it started.  A reader
 * knows every shown cell, that each "<t" cell is in 1..t-1 and each "s"
 * cell (a hidden total too) is at least t, else it would read "<t".  From
 * that, narrowing every number's interval with each equation in turn
 * until nothing moves gives, on a tree, exactly the values each hidden
 * number can take (each bound is reached by some solution of the whole
 * system).  When a hidden number has a single possible value it could be
 * recomputed, and a cell is hidden next to it: when its own parts are all
 * shown (a world region and its countries), the smallest non-zero of
 * them; else the smallest non-zero shown cell of its equation; when none
 * is left, the equation's parent (the total); when that is hidden
 * already, the smallest non-zero shown cell of the equations around the
 * two.  This is repeated until nothing leaks.  One hidden cell alone in
 * its equation is the simplest case of this rule.
 *
 * The victims tables also have rows (one form of exploitation, one
 * département...) with no total published here but maybe elsewhere (a
 * département's own figures): a row with exactly one hidden cell gets its
 * smallest non-zero shown cell hidden too.
 *
 * A total is primary-suppressed like any count.  Zeros are shown: "no
 * victim supported" is the report's main finding and reveals no one.
 * Shares (percentages) of a hidden count or of a hidden total are not
 * published (rcount_share).
 */
#include "report.h"
#include "shell.h"

#include <stdlib.h>
#include <string.h>

/* A reader's knowledge of one number: it lies in [lo, hi]. */
struct range {
	long long lo, hi;
};

/* Above any sum of counts (2 million records of at most 100000 each),
 * small enough that adding a thousand of them cannot overflow. */
#define UNBOUNDED 1000000000000000LL

/* parent = the sum of kid[first .. first + n) (node indexes). */
struct eq {
	int parent, first, n;
};

/* The published numbers of one tree of equations, and what a reader can
 * know of each.  The arrays are allocated once for the largest tree of
 * the report and filled again for each. */
struct audit {
	rcount **node;
	struct range *r;
	int *up;                 /* per node: the equation it is a child of, or -1 */
	int nnode;
	struct eq *eq;
	int neq;
	int *kid;
	int nkid;
};

static int hidden(const rcount *c)
{
	return c->state != CELL_SHOWN;
}

static struct range known(const rcount *c, int t)
{
	struct range r;

	switch (c->state) {
	case CELL_SMALL:
		r.lo = 1;
		r.hi = t - 1;
		break;
	case CELL_SECRET:
		r.lo = t;
		r.hi = UNBOUNDED;
		break;
	default:
		r.lo = r.hi = c->n;
	}
	return r;
}

static void audit_reset(struct audit *a)
{
	a->nnode = a->neq = a->nkid = 0;
}

/* Adds c as a number of the tree; returns its index.  The callers size
 * the audit for their largest tree (audit_open), so this can't fail. */
static int audit_node(struct audit *a, rcount *c)
{
	a->node[a->nnode] = c;
	a->up[a->nnode] = -1;
	return a->nnode++;
}

/* Opens the equation parent = sum of the children that audit_kid() adds
 * next. */
static void audit_eq(struct audit *a, int parent)
{
	struct eq *e = &a->eq[a->neq++];

	e->parent = parent;
	e->first = a->nkid;
	e->n = 0;
}

static void audit_kid(struct audit *a, int node)
{
	a->kid[a->nkid++] = node;
	a->eq[a->neq - 1].n++;
	a->up[node] = a->neq - 1;
}

/* A new node for c, as a child of the open equation. */
static int audit_cell(struct audit *a, rcount *c)
{
	int i = audit_node(a, c);

	audit_kid(a, i);
	return i;
}

/* Narrows every number's range with each equation in turn until they
 * hold still.  For one equation with every term in an interval, child k
 * can only take
 *   [max(lo_k, lo_parent - sum of the others' hi),
 *    min(hi_k, hi_parent - sum of the others' lo)]
 * and the parent only [sum lo, sum hi]; on a tree of equations, these
 * bounds at their fixed point are exact, not merely safe. */
static void narrow(struct audit *a, int t)
{
	int i, j, pass, changed;

	for (i = 0; i < a->nnode; i++)
		a->r[i] = known(a->node[i], t);
	/* A few passes reach the fixed point (depth of the tree, plus one to
	 * confirm it); the cap guards against a mistake, never the data. */
	for (pass = 0, changed = 1; changed && pass < 64; pass++) {
		changed = 0;
		for (j = 0; j < a->neq; j++) {
			const struct eq *e = &a->eq[j];
			struct range *p = &a->r[e->parent];
			long long slo = 0, shi = 0;

			for (i = 0; i < e->n; i++) {
				slo += a->r[a->kid[e->first + i]].lo;
				shi += a->r[a->kid[e->first + i]].hi;
			}
			if (slo > p->lo) {
				p->lo = slo;
				changed = 1;
			}
			if (shi < p->hi) {
				p->hi = shi;
				changed = 1;
			}
			for (i = 0; i < e->n; i++) {
				struct range *k = &a->r[a->kid[e->first + i]];
				long long lo = p->lo - (shi - k->hi);
				long long hi = p->hi - (slo - k->lo);

				if (lo > k->lo) {
					slo += lo - k->lo;
					k->lo = lo;
					changed = 1;
				}
				if (hi < k->hi) {
					shi -= k->hi - hi;
					k->hi = hi;
					changed = 1;
				}
			}
		}
	}
}

/* The smallest non-zero shown child of equation e, or NULL; the first of
 * equal ones wins, so that the result depends on nothing but the data. */
static rcount *smallest_kid(const struct audit *a, int e, rcount *best)
{
	int i;

	for (i = 0; i < a->eq[e].n; i++) {
		rcount *c = a->node[a->kid[a->eq[e].first + i]];

		if (!hidden(c) && c->n > 0 && (!best || c->n < best->n))
			best = c;
	}
	return best;
}

/* Whether equation e has a hidden child. */
static int any_hidden_kid(const struct audit *a, int e)
{
	int i;

	for (i = 0; i < a->eq[e].n; i++)
		if (hidden(a->node[a->kid[a->eq[e].first + i]]))
			return 1;
	return 0;
}

/* What to hide so that pinned number x can take more than one value. */
static rcount *complement(const struct audit *a, int x)
{
	rcount *c = NULL;
	int j, p = -1;

	/* A number whose parts are all shown (a region and its countries) is
	 * their sum whatever is hidden elsewhere: one of them must go. */
	for (j = 0; j < a->neq; j++)
		if (a->eq[j].parent == x && !any_hidden_kid(a, j) &&
		    (c = smallest_kid(a, j, NULL)) != NULL)
			return c;
	if (a->up[x] >= 0) {
		p = a->eq[a->up[x]].parent;
		if ((c = smallest_kid(a, a->up[x], NULL)) != NULL)
			return c;
		if (!hidden(a->node[p]))
			return a->node[p];
	}
	/* Its parent is hidden but pinned with it (or it has none): loosen
	 * the equations around them. */
	for (j = 0; j < a->neq; j++)
		if (a->eq[j].parent == x ||
		    (p >= 0 && (a->eq[j].parent == p || j == a->up[p])))
			c = smallest_kid(a, j, c);
	return c;
}

/* One step of the rule: when some hidden number of the tree can be
 * recomputed, hides one more and returns 1; returns 0 when nothing
 * leaks, or nothing is left to hide.  Children are looked at before the
 * numbers that are no one's child (the totals). */
static int protect(struct audit *a, int t)
{
	int pass, i;
	rcount *c;

	narrow(a, t);
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < a->nnode; i++) {
			if ((a->up[i] < 0) != pass || !hidden(a->node[i]) ||
			    a->r[i].lo < a->r[i].hi)
				continue;
			if ((c = complement(a, i)) != NULL) {
				c->state = CELL_SECRET;
				return 1;
			}
		}
	return 0;
}

/* The row rule over a table of nrows x ST_COUNT cells.  Returns 1 when
 * it hid something. */
static int protect_rows(rcount (*cells)[ST_COUNT], int nrows)
{
	rcount *c;
	int i, s, nhidden, changed = 0;

	for (i = 0; i < nrows; i++) {
		nhidden = 0;
		c = NULL;
		for (s = 0; s < ST_COUNT; s++) {
			rcount *x = &cells[i][s];

			nhidden += hidden(x);
			if (!hidden(x) && x->n > 0 && (!c || x->n < c->n))
				c = x;
		}
		if (nhidden == 1 && c) {
			c->state = CELL_SECRET;
			changed = 1;
		}
	}
	return changed;
}

static void mark_small(rcount *c, int t)
{
	if (c->state == CELL_SHOWN && c->n >= 1 && c->n < t)
		c->state = CELL_SMALL;
}

/* The victims' equations for status s: its total, the sum of each of the
 * four tables' column. */
static void victims_tree(struct audit *a, report *r, int s)
{
	rcount (*tables[4])[ST_COUNT] = { r->by_expl, r->by_sex, r->by_age, r->by_dept };
	const int rows[4] = { ENUM_EXPLOITATION.count, ENUM_SEX.count, ENUM_AGE.count,
			      DEPT_COUNT };
	int i, j, total;

	audit_reset(a);
	total = audit_node(a, &r->total[s]);
	for (j = 0; j < 4; j++) {
		audit_eq(a, total);
		for (i = 0; i < rows[j]; i++)
			audit_cell(a, &tables[j][i][s]);
	}
}

/* A count table's equations (the file's opening comment). */
static void table_tree(struct audit *a, rtable *t)
{
	int k, g, v, d, total, first;

	audit_reset(a);
	total = audit_node(a, &t->total);
	for (k = 0; k < t->ndims; k++) {
		const qn_list *l = t->dim[k].list;

		audit_eq(a, total);
		if (!t->rollup[k].list) {
			for (v = 0; v < l->t.count; v++)
				audit_cell(a, &t->dim[k].cells[v]);
			continue;
		}
		first = a->nnode;
		for (g = 0; g < t->rollup[k].list->t.count; g++)
			audit_cell(a, &t->rollup[k].cells[g]);
		for (g = 0; g < t->rollup[k].list->t.count; g++) {
			audit_eq(a, first + g);
			for (v = 0; v < l->t.count; v++)
				if (l->rollup_of[v] == g)
					audit_cell(a, &t->dim[k].cells[v]);
		}
	}
	audit_eq(a, total);
	for (d = 0; d < DEPT_COUNT; d++)
		audit_cell(a, &t->dept[d]);
}

/* Every cell of a count table, for the primary suppression. */
static void table_mark_small(rtable *t, int th)
{
	int k, v, d;

	mark_small(&t->total, th);
	for (k = 0; k < t->ndims; k++) {
		for (v = 0; v < t->dim[k].list->t.count; v++)
			mark_small(&t->dim[k].cells[v], th);
		for (v = 0; t->rollup[k].list && v < t->rollup[k].list->t.count; v++)
			mark_small(&t->rollup[k].cells[v], th);
	}
	for (d = 0; d < DEPT_COUNT; d++)
		mark_small(&t->dept[d], th);
}

/* Allocates a for trees of at most nnode numbers and neq equations. */
static int audit_open(struct audit *a, int nnode, int neq)
{
	memset(a, 0, sizeof *a);
	a->node = malloc((size_t)nnode * sizeof *a->node);
	a->r = malloc((size_t)nnode * sizeof *a->r);
	a->up = malloc((size_t)nnode * sizeof *a->up);
	a->kid = malloc((size_t)nnode * sizeof *a->kid);
	a->eq = malloc((size_t)neq * sizeof *a->eq);
	return a->node && a->r && a->up && a->kid && a->eq ? 0 : -1;
}

static void audit_close(struct audit *a)
{
	free(a->node);
	free(a->r);
	free(a->up);
	free(a->kid);
	free(a->eq);
}

int report_suppress(report *r, int threshold, fmt_error *err)
{
	struct audit a;
	int nnode = 1 + ENUM_EXPLOITATION.count + ENUM_SEX.count + ENUM_AGE.count + DEPT_COUNT;
	int neq = 4, i, k, s, changed;

	/* The year before is published beside this one: the same rules. */
	if (r->prev && (i = report_suppress(r->prev, threshold, err)) != FMT_OK)
		return i;

	/* The largest tree: the victims' by status, or a count table's. */
	for (i = 0; i < r->ntables; i++) {
		const rtable *t = &r->tables[i];
		int n = 1 + DEPT_COUNT, e = 1;

		for (k = 0; k < t->ndims; k++) {
			n += t->dim[k].list->t.count;
			e++;
			if (t->rollup[k].list) {
				n += t->rollup[k].list->t.count;
				e += t->rollup[k].list->t.count;
			}
		}
		nnode = n > nnode ? n : nnode;
		neq = e > neq ? e : neq;
	}
	if (audit_open(&a, nnode, neq)) {
		audit_close(&a);
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory suppressing small counts"));
	}
	r->public_mode = 1;
	r->threshold = threshold;
	for (s = 0; s < ST_COUNT; s++) {
		mark_small(&r->total[s], threshold);
		for (i = 0; i < RPT_ENUM_MAX; i++) {
			mark_small(&r->by_expl[i][s], threshold);
			mark_small(&r->by_sex[i][s], threshold);
			mark_small(&r->by_age[i][s], threshold);
		}
		for (i = 0; i < DEPT_COUNT; i++)
			mark_small(&r->by_dept[i][s], threshold);
	}
	/* Every step hides a shown number, so this ends: at worst with every
	 * non-zero number hidden. */
	do {
		changed = 0;
		for (s = 0; s < ST_COUNT; s++) {
			victims_tree(&a, r, s);
			changed |= protect(&a, threshold);
		}
		changed |= protect_rows(&r->total, 1);
		changed |= protect_rows(r->by_expl, ENUM_EXPLOITATION.count);
		changed |= protect_rows(r->by_sex, ENUM_SEX.count);
		changed |= protect_rows(r->by_age, ENUM_AGE.count);
		changed |= protect_rows(r->by_dept, DEPT_COUNT);
	} while (changed);

	/* The count tables, each on its own: their numbers are tied by no
	 * published equation to another table's.  The victims table's entry
	 * too, though it is published only by status, above. */
	for (i = 0; i < r->ntables; i++) {
		table_mark_small(&r->tables[i], threshold);
		table_tree(&a, &r->tables[i]);
		while (protect(&a, threshold))
			;
	}
	audit_close(&a);
	return FMT_OK;
}
