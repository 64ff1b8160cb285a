/*
 * suppress.c - small-count suppression for `merger report --public`.
 *
 * A published victim count between 1 and threshold-1 could point at a
 * person in a small département, so it is shown as "<threshold" (primary
 * suppression, CELL_SMALL).  Hiding it is not enough when a total is
 * published beside it: national total minus the other départements gives
 * it back.  So a count is also hidden (complementary suppression,
 * CELL_SECRET, shown as "s") until, in every line of every published
 * table, no hidden count can be deduced from what is shown.
 *
 * The published tables all have the two statuses (spotted, supported) as
 * columns, and the national totals of those statuses as the columns'
 * sums: by form of exploitation, by sex, by age, by département.  Two
 * rules, applied until nothing changes:
 *
 *  - columns: for each status, the four tables give four equations
 *    total = sum of the column's cells, sharing the total.  A reader
 *    knows every shown cell, that each "<t" cell is in 1..t-1 and each
 *    "s" cell (a hidden total too) is at least t, else it would read
 *    "<t".  From that, every hidden number (cell or total) can only take
 *    the values of an interval, computed below exactly; when one
 *    interval is a single value, that number could be recomputed, and
 *    the smallest non-zero shown cell of its column is hidden too (when
 *    none is left, the total, and when the total is hidden already, the
 *    smallest non-zero shown cell of the other tables' columns).  One
 *    hidden cell alone in a column is the simplest case of this rule.
 *  - a row (one form of exploitation, one département...) has no total
 *    published, but may have one elsewhere (a département's own figures):
 *    a row with exactly one hidden cell gets its smallest non-zero shown
 *    cell hidden too.
 *
 * A total is primary-suppressed like any count.  Zeros are shown: "no
 * victim supported" is the report's main finding and reveals no one.
 * Shares (percentages) of a hidden count or of a hidden total are not
 * published (rcount_share).
 */
#include "report.h"

/* A reader's knowledge of one number: it lies in [lo, hi]. */
struct range {
	long long lo, hi;
};

/* Above any sum of counts (2 million records of at most 100000 each),
 * small enough that adding two hundred of them cannot overflow. */
#define UNBOUNDED 1000000000000000LL

/* One column of a table: pointers to its cells, and what a reader can
 * know of each. */
struct line {
	rcount *cell[DEPT_COUNT];
	struct range r[DEPT_COUNT];
	int n;
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

/* The smallest non-zero shown cell of the lines (the first of equal ones,
 * so that the result depends on nothing but the data), or NULL. */
static rcount *smallest(struct line *l, int nlines)
{
	rcount *best = NULL;
	int i, j;

	for (j = 0; j < nlines; j++)
		for (i = 0; i < l[j].n; i++) {
			rcount *c = l[j].cell[i];

			if (!hidden(c) && c->n > 0 && (!best || c->n < best->n))
				best = c;
		}
	return best;
}

/* Narrows the ranges of a status's total and of its tables' cells with
 * the equations total = sum of each column, until they hold still.  For
 * one equation with every term in an interval, term k can only take
 *   [max(lo_k, lo_total - sum of the others' hi),
 *    min(hi_k, hi_total - sum of the others' lo)]
 * and the total only the intersection of [sum lo, sum hi] over the
 * columns; the equations share nothing but the total, so these bounds
 * are exact, not merely safe. */
static void narrow(struct line *l, int nlines, struct range *tot)
{
	int i, j, pass, changed;

	/* Two passes reach the fixed point (the second only confirms it);
	 * the cap guards against a mistake, never against the data. */
	for (pass = 0, changed = 1; changed && pass < 16; pass++) {
		changed = 0;
		for (j = 0; j < nlines; j++) {
			long long slo = 0, shi = 0;

			for (i = 0; i < l[j].n; i++) {
				slo += l[j].r[i].lo;
				shi += l[j].r[i].hi;
			}
			if (slo > tot->lo) {
				tot->lo = slo;
				changed = 1;
			}
			if (shi < tot->hi) {
				tot->hi = shi;
				changed = 1;
			}
			for (i = 0; i < l[j].n; i++) {
				struct range *k = &l[j].r[i];
				long long lo = tot->lo - (shi - k->hi);
				long long hi = tot->hi - (slo - k->lo);

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

/* One step of the column rule for one status: when some hidden number
 * can be recomputed, hides one more cell (or the total) and returns 1;
 * returns 0 when nothing leaks, or nothing is left to hide. */
static int protect_columns(report *r, int s)
{
	struct line l[4];
	rcount (*tables[4])[ST_COUNT] = { r->by_expl, r->by_sex, r->by_age, r->by_dept };
	const int rows[4] = { ENUM_EXPLOITATION.count, ENUM_SEX.count, ENUM_AGE.count,
			      DEPT_COUNT };
	rcount *total = &r->total[s], *c;
	struct range tot = known(total, r->threshold);
	int i, j, t = r->threshold;

	for (j = 0; j < 4; j++) {
		l[j].n = rows[j];
		for (i = 0; i < rows[j]; i++) {
			l[j].cell[i] = &tables[j][i][s];
			l[j].r[i] = known(l[j].cell[i], t);
		}
	}
	narrow(l, 4, &tot);
	for (j = 0; j < 4; j++)
		for (i = 0; i < l[j].n; i++) {
			if (!hidden(l[j].cell[i]) || l[j].r[i].lo < l[j].r[i].hi)
				continue;
			if ((c = smallest(&l[j], 1)) != NULL) {
				c->state = CELL_SECRET;
				return 1;
			}
			if (!hidden(total)) {
				total->state = CELL_SECRET;
				return 1;
			}
			goto anywhere;
		}
	if (!hidden(total) || tot.lo < tot.hi)
		return 0;
anywhere:
	/* The total is hidden but still pinned down by the other columns:
	 * loosen them. */
	if ((c = smallest(l, 4)) == NULL)
		return 0;
	c->state = CELL_SECRET;
	return 1;
}

/* The row rule over a table of nrows x ST_COUNT cells.  Returns 1 when
 * it hid something. */
static int protect_rows(rcount (*cells)[ST_COUNT], int nrows)
{
	struct line l;
	rcount *c;
	int i, s, nhidden, changed = 0;

	for (i = 0; i < nrows; i++) {
		l.n = ST_COUNT;
		nhidden = 0;
		for (s = 0; s < ST_COUNT; s++) {
			l.cell[s] = &cells[i][s];
			nhidden += hidden(l.cell[s]);
		}
		if (nhidden == 1 && (c = smallest(&l, 1)) != NULL) {
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

void report_suppress(report *r, int threshold)
{
	int i, s, changed;

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
		for (s = 0; s < ST_COUNT; s++)
			changed |= protect_columns(r, s);
		changed |= protect_rows(&r->total, 1);
		changed |= protect_rows(r->by_expl, ENUM_EXPLOITATION.count);
		changed |= protect_rows(r->by_sex, ENUM_SEX.count);
		changed |= protect_rows(r->by_age, ENUM_AGE.count);
		changed |= protect_rows(r->by_dept, DEPT_COUNT);
	} while (changed);
}
