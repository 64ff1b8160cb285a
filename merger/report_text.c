/*
 * report_text.c - the national diagnostic as text for a terminal, in
 * French (the coordinator reads French): aligned tables, one section per
 * table, each count table of the questionnaire among them (its help
 * line, total, breakdowns with the zeros folded, and its largest
 * départements), and the directory of actors, which `merger directory`
 * prints alone.
 *
 * Every text that came from a collector (organisation names, contacts)
 * goes through out_term, so that an escape sequence in a name cannot
 * drive the coordinator's terminal.
 */
#include "report.h"
#include "cli.h"

#include <string.h>

#include "textout.h"

#define LABEL_W 34      /* "contrainte à commettre des délits" and a margin */
#define NUM_W 12
#define SHARE_W 8

/* s, then spaces up to width columns (s is trusted: our own labels). */
static void pad_right(FILE *f, const char *s, int width)
{
	int w = text_width(s);

	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}

/* The same for a text from the questionnaire (titles, labels): checked
 * when it was published, escaped all the same, since a database can be
 * edited by hand. */
static void pad_term(FILE *f, const char *s, int width)
{
	int w = text_width(s);

	out_term(f, s, 0);
	for (; w < width; w++)
		fputc(' ', f);
}

static void pad_left(FILE *f, const char *s, int width)
{
	int w = text_width(s);

	for (; w < width; w++)
		fputc(' ', f);
	fputs(s, f);
}

/* A share as "12,5 %" (French decimal comma), or "" when not published. */
static const char *share_text(int tenths, char buf[16])
{
	if (tenths < 0)
		buf[0] = '\0';
	else
		snprintf(buf, 16, "%d,%d %%", tenths / 10, tenths % 10);
	return buf;
}

static void heading(FILE *f, const char *title)
{
	int i, w = text_width(title);

	fputc('\n', f);
	out_term(f, title, 0);
	fputc('\n', f);
	for (i = 0; i < w; i++)
		fputc('=', f);
	fputc('\n', f);
}

static void header(FILE *f, const report *r)
{
	char when[TIME_BUF], period[48];

	fprintf(f, "Diagnostic national de la lutte contre la traite des êtres humains\n");
	fprintf(f, "Période : %s", period_label(r->period, period, sizeof period));
	fprintf(f, " (du %s au %s)\n", r->first_day, r->last_day);
	time_format(r->generated, TIME_HUMAN, when);
	fprintf(f, "Généré le %s", when);
	if (r->coordination[0]) {
		fputs(" par ", f);
		out_term(f, r->coordination, 0);
	}
	fputc('\n', f);
	if (r->public_mode)
		fprintf(f, "Version publique : les effectifs de 1 à %d sont masqués, ainsi que "
			"ceux qui permettraient de les recalculer ; tous sont marqués « %s ».\n",
			r->threshold - 1, RPT_HIDDEN_MARK);
}

/* One row of a victims table: label, then supported and spotted, each
 * with its share. */
static void victims_row(FILE *f, const report *r, const char *label, const rcount *c)
{
	static const int order[2] = { ST_SUPPORTED, ST_SPOTTED };
	char num[RPT_NUMBUF], share[16];
	int k;

	fputs("  ", f);
	pad_right(f, label, LABEL_W);
	for (k = 0; k < 2; k++) {
		pad_left(f, rcount_text(r, &c[order[k]], num), NUM_W);
		share_text(rcount_share(r, &c[order[k]], order[k]), share);
		if (k == 0 || share[0])     /* no trailing blanks */
			pad_left(f, share, SHARE_W + 1);
	}
	fputc('\n', f);
}

static void victims_table(FILE *f, const report *r, const char *title,
			  const enum_table *t, const rcount (*cells)[ST_COUNT])
{
	int i;

	fprintf(f, "\n");
	pad_right(f, title, LABEL_W + 2);
	pad_left(f, "accompagnées", NUM_W);
	pad_left(f, "", SHARE_W + 1);
	pad_left(f, "repérées", NUM_W);
	fputc('\n', f);
	for (i = 0; i < t->count; i++)
		victims_row(f, r, t->items[i].fr, cells[i]);
}

static void write_totals(FILE *f, const report *r)
{
	heading(f, "Victimes repérées et accompagnées");
	fprintf(f, "\n");
	pad_right(f, "", LABEL_W + 2);
	pad_left(f, "accompagnées", NUM_W);
	pad_left(f, "", SHARE_W + 1);
	pad_left(f, "repérées", NUM_W);
	fputc('\n', f);
	victims_row(f, r, "Total", r->total);
	victims_table(f, r, "Par forme d'exploitation", &ENUM_EXPLOITATION,
		      (const rcount (*)[ST_COUNT])r->by_expl);
	victims_table(f, r, "Par sexe", &ENUM_SEX, (const rcount (*)[ST_COUNT])r->by_sex);
	victims_table(f, r, "Par âge", &ENUM_AGE, (const rcount (*)[ST_COUNT])r->by_age);
}

static void write_depts(FILE *f, const report *r)
{
	static const char *const cols[] = {
		"Acteurs", "Accompagnées", "Repérées", "Formations", "Participants",
	};
	char buf[512], num[RPT_NUMBUF];
	size_t len;
	int d, k;

	heading(f, "Départements");
	fprintf(f, "\n  ");
	pad_right(f, "Code", 5);
	pad_right(f, "Département", 24);
	for (k = 0; k < 5; k++)
		pad_left(f, cols[k], 13);
	fputc('\n', f);
	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		fputs("  ", f);
		pad_right(f, DEPTS[d].code, 5);
		pad_right(f, DEPTS[d].name, 24);
		snprintf(num, sizeof num, "%d", p->orgs);
		pad_left(f, num, 13);
		pad_left(f, rcount_text(r, &r->by_dept[d][ST_SUPPORTED], num), 13);
		pad_left(f, rcount_text(r, &r->by_dept[d][ST_SPOTTED], num), 13);
		snprintf(num, sizeof num, "%lld", p->trainings);
		pad_left(f, num, 13);
		snprintf(num, sizeof num, "%lld", p->participants);
		pad_left(f, num, 13);
		if (report_is_gap(r, d))
			fputs("  aucun accompagnement", f);
		if (!p->orgs)
			fputs("  aucun acteur", f);
		fputc('\n', f);
		if (p->orgs) {
			len = 0;
			buf[0] = '\0';
			for (k = 0; k < ENUM_ORG_KIND.count; k++) {
				int n;

				if (!p->by_kind[k])
					continue;
				n = snprintf(buf + len, sizeof buf - len, "%s%d %s",
					     len ? ", " : "", p->by_kind[k],
					     ENUM_ORG_KIND.items[k].fr);
				if (n < 0 || (size_t)n >= sizeof buf - len)
					break;
				len += (size_t)n;
			}
			fprintf(f, "         acteurs : %s\n", buf);
		}
		if (p->types)
			fprintf(f, "         actions : %s\n",
				types_text(p->types, 1, ", ", buf, sizeof buf));
	}
}

static void write_gaps(FILE *f, const report *r)
{
	char title[128];
	int d, n = 0;

	for (d = 0; d < DEPT_COUNT; d++)
		n += report_is_gap(r, d);
	snprintf(title, sizeof title,
		 "Départements sans aucun accompagnement de victimes (%d)", n);
	heading(f, title);
	fputc('\n', f);
	if (!n)
		fprintf(f, "  Aucun : chaque département compte au moins une victime "
			"accompagnée.\n");
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!report_is_gap(r, d))
			continue;
		fputs("  ", f);
		pad_right(f, DEPTS[d].code, 5);
		pad_right(f, DEPTS[d].name, 24);
		fprintf(f, "%s\n", region_find(DEPTS[d].region)->name);
	}
}

/* How many départements a count table's section lists, the largest
 * first: the CSV and JSON have them all. */
#define TOP_DEPTS 10

/* One line of a count table: label, then the count. */
static void count_line(FILE *f, const report *r, const char *indent, const char *label,
		       const rcount *c)
{
	char num[RPT_NUMBUF];
	int w = LABEL_W + 2 - text_width(indent);

	fputs(indent, f);
	if (text_width(label) >= w) {   /* a long label on its own line */
		out_term(f, label, 0);
		fprintf(f, "\n%s", indent);
		label = "";
	}
	pad_term(f, label, w);
	pad_left(f, rcount_text(r, c, num), NUM_W);
	fputc('\n', f);
}

/* A breakdown: its values with a count, the zeros folded in one line. */
static void breakdown(FILE *f, const report *r, const char *title, const rbreak *b)
{
	int v, zeros = 0, listed = 0;

	fputs("\n  ", f);
	out_term(f, title, 0);
	fputc('\n', f);
	for (v = 0; v < b->list->t.count; v++) {
		const rcount *c = &b->cells[v];

		if (!rbreak_listed(b, v))
			continue;
		listed++;
		if (c->state == CELL_SHOWN && c->n == 0)
			zeros++;
		else
			count_line(f, r, "    ", b->list->t.items[v].fr, c);
	}
	if (zeros)
		fprintf(f, "    %s%d valeur%s à 0\n", zeros == listed ? "" : "autres : ", zeros,
			zeros > 1 ? "s" : "");
}

/* text, a help line, folded on spaces into lines of at most LINE_W
 * columns, each indented by two spaces (a word longer than that stays
 * whole). */
#define LINE_W 78
static void paragraph(FILE *f, const char *text)
{
	char word[QN_HELP_MAX + 1];
	int col = 0;

	while (*text) {
		size_t n = strcspn(text, " ");
		int w;

		if (n > QN_HELP_MAX)
			n = QN_HELP_MAX;
		memcpy(word, text, n);
		word[n] = '\0';
		text += n;
		text += strspn(text, " ");
		if (!n)
			continue;
		w = text_width(word);
		if (col && col + 1 + w > LINE_W) {
			fputc('\n', f);
			col = 0;
		}
		fputs(col ? " " : "  ", f);
		out_term(f, word, 0);
		col += (col ? 1 : 2) + w;
	}
	if (col)
		fputc('\n', f);
}

static void count_table(FILE *f, const report *r, const rtable *t)
{
	int order[DEPT_COUNT], n, i, k;
	char title[QN_LABEL_MAX + 32];

	snprintf(title, sizeof title, "%s%s", t->t->title_fr,
		 t->t->retired ? " (tableau retiré)" : "");
	heading(f, title);
	paragraph(f, t->t->help_fr);
	fputc('\n', f);
	if (!t->reported) {
		fputs("  Aucune donnée transmise pour la période.\n", f);
		return;
	}
	count_line(f, r, "  ", "Total", &t->total);
	for (k = 0; k < t->ndims; k++) {
		breakdown(f, r, qn_list_label(t->dim[k].list, 0), &t->dim[k]);
		if (t->rollup[k].list)
			breakdown(f, r, qn_list_label(t->rollup[k].list, 0), &t->rollup[k]);
	}
	n = rtable_ranked_depts(r, t, order);
	fprintf(f, "\n  Départements%s\n", n > TOP_DEPTS ? " (les plus nombreux)" : "");
	if (!n)
		fputs("    aucun\n", f);
	for (i = 0; i < n && i < TOP_DEPTS; i++) {
		char label[64];

		snprintf(label, sizeof label, "%-4s %s", DEPTS[order[i]].code,
			 DEPTS[order[i]].name);
		count_line(f, r, "    ", label, &t->dept[order[i]]);
	}
	if (n > TOP_DEPTS)
		fprintf(f, "    et %d autre%s département%s\n", n - TOP_DEPTS,
			n - TOP_DEPTS > 1 ? "s" : "", n - TOP_DEPTS > 1 ? "s" : "");
}

/* Every count table but victims (the totals section), or the one named. */
static void write_counts(FILE *f, const report *r, const char *code)
{
	int i;

	for (i = 0; i < r->ntables; i++) {
		if (code ? strcmp(code, r->tables[i].t->code) != 0 : i == r->victims)
			continue;
		count_table(f, r, &r->tables[i]);
	}
	if (code && !report_table_find(r, code)) {
		heading(f, qn_table_find(r->qn, code)->title_fr);
		fputs("\n  Tableau retiré, sans aucune donnée pour la période.\n", f);
	}
}

static void write_completeness(FILE *f, const report *r)
{
	char period[48];
	int i;

	period_label(r->period, period, sizeof period);
	heading(f, "Complétude des remontées");
	fprintf(f, "\n  Organisations enrôlées : %d\n", r->enrolled);
	fprintf(f, "  Ont transmis des données pour %s : %d\n", period, r->reporting);
	fprintf(f, "  Sans aucune donnée pour %s : %d\n", period, r->enrolled - r->reporting);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (!o->collectors || o->reporting)
			continue;
		fputs("    - ", f);
		out_term(f, o->name, 0);
		if (o->revoked == o->collectors)
			fputs(" (toutes ses clés sont révoquées)", f);
		fputc('\n', f);
	}
}

/* One organisation's entry in the directory of a département. */
static void directory_entry(FILE *f, const report_org *o, int d)
{
	char buf[512];
	const char *contact[3] = { o->email, o->phone, o->website };
	int k, first = 1;

	fputs("  ", f);
	out_term(f, o->name, 0);
	fprintf(f, " — %s\n", ENUM_ORG_KIND.items[o->kind].fr);
	if (o->types[d])
		fprintf(f, "      actions : %s\n",
			types_text(o->types[d], 1, ", ", buf, sizeof buf));
	for (k = 0; k < 3; k++) {
		if (!contact[k])
			continue;
		fputs(first ? "      contact : " : " | ", f);
		out_term(f, contact[k], 0);
		first = 0;
	}
	if (!first)
		fputc('\n', f);
}

int directory_write_text(FILE *f, const report *r, int dept)
{
	int d, i, n, any = 0;

	for (d = 0; d < DEPT_COUNT; d++) {
		if (dept >= 0 && d != dept)
			continue;
		if (dept < 0 && !r->dept[d].orgs)
			continue;
		fprintf(f, "%s%s %s (%s)\n", any ? "\n" : "", DEPTS[d].code, DEPTS[d].name,
			region_find(DEPTS[d].region)->name);
		any = 1;
		for (i = n = 0; i < r->norgs; i++) {
			if (!r->orgs[i].active[d])
				continue;
			directory_entry(f, &r->orgs[i], d);
			n++;
		}
		if (!n)
			fprintf(f, "  Aucune organisation active.\n");
	}
	if (!any)
		fprintf(f, "Aucune organisation active dans aucun département.\n");
	return ferror(f) ? EOF : 0;
}

/* The key figures, each with its change since the year before when the
 * database holds it. */
static void write_keys(FILE *f, const report *r)
{
	static const char *const label[KEY_COUNT] = {
		"Victimes accompagnées", "Victimes repérées",
		"Départements sans accompagnement", "Organisations ayant transmis",
	};
	char num[RPT_NUMBUF], buf[RPT_CHANGEBUF], period[48];
	long long v, delta;
	int k, pct;

	heading(f, "Chiffres clés");
	if (r->prev)
		fprintf(f, "(évolution par rapport à %s)\n",
			period_label(r->prev->period, period, sizeof period));
	fputc('\n', f);
	for (k = 0; k < KEY_COUNT; k++) {
		fputs("  ", f);
		pad_right(f, label[k], LABEL_W);
		if (k == KEY_SUPPORTED || k == KEY_SPOTTED)
			rcount_text(r, &r->total[k == KEY_SUPPORTED ? ST_SUPPORTED : ST_SPOTTED], num);
		else
			snprintf(num, sizeof num, "%lld", (report_key_value(r, k, &v), v));
		pad_left(f, num, NUM_W);
		if (report_change(r, k, &delta, &pct))
			fprintf(f, "   %s", change_text(delta, pct, buf));
		fputc('\n', f);
	}
}

int report_write_text(FILE *f, const report *r, enum report_table t, const char *code)
{
	header(f, r);
	if (t == TABLE_ALL)
		write_keys(f, r);
	if (t == TABLE_ALL || t == TABLE_TOTALS)
		write_totals(f, r);
	if (t == TABLE_ALL || t == TABLE_DEPTS)
		write_depts(f, r);
	if (t == TABLE_ALL || t == TABLE_GAPS)
		write_gaps(f, r);
	if (t == TABLE_ALL || t == TABLE_COUNTS)
		write_counts(f, r, code);
	if (t == TABLE_ALL || t == TABLE_COMPLETENESS)
		write_completeness(f, r);
	if (t == TABLE_ALL || t == TABLE_RATES || t == TABLE_RATES_DEPTS || t == TABLE_REMINDERS)
		rates_write_text(f, r);
	if (t == TABLE_ALL)
		report_quality_text(f, r);
	if (t == TABLE_ALL || t == TABLE_DIRECTORY) {
		heading(f, "Annuaire des acteurs");
		fputc('\n', f);
		directory_write_text(f, r, -1);
	}
	return ferror(f) ? EOF : 0;
}
