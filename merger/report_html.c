/*
 * report_html.c - the national diagnostic as one self-contained HTML
 * page, in French: a map of the départements coloured by the number of
 * victims supported (gaps hatched), then the tables - totals,
 * départements, gaps, each other count table of the questionnaire,
 * completeness, directory.
 *
 * Self-contained means no request to anything: inline CSS, the map as
 * inline SVG (map.h), no script, no font, no image, and no link built
 * from collector data (a website or e-mail typed by a collector is shown
 * as text, never as an href, so a "javascript:" value stays harmless).
 * Every text goes through out_html.  The page prints on A4: the tables
 * repeat their header on each page and rows are not split.
 */
#include "report.h"
#include "cli.h"
#include "map.h"

#include <string.h>

#include "textout.h"

/* Colours of the map classes, light to dark (ColorBrewer "Blues", safe
 * for colour-blind readers and in grey print). */
static const char *const class_fill[4] = { "#c6dbef", "#6baed6", "#2171b5", "#08306b" };
#define FILL_GAP    "url(#maillage-gap)"
#define FILL_SECRET "#a3a3a3"

/* Class edges: class k holds [edge[k], edge[k+1]), the last one open.
 * In a public report the first class is exactly the suppressed range, so
 * that a colour never tells more than the table. */
struct classes {
	long long edge[4];
	int n;
};

static void make_classes(const report *r, struct classes *c)
{
	static const long long base[] = { 20, 50 };
	long long first = r->public_mode ? r->threshold : 5;
	size_t i;

	c->n = 0;
	c->edge[c->n++] = 1;
	c->edge[c->n++] = first;
	for (i = 0; i < sizeof base / sizeof base[0]; i++)
		if (base[i] > first)
			c->edge[c->n++] = base[i];
}

struct map_ctx {
	const report *r;
	struct classes cl;
	char buf[256];
};

static int class_of(const struct classes *cl, long long n)
{
	int k;

	for (k = cl->n - 1; k > 0; k--)
		if (n >= cl->edge[k])
			return k;
	return 0;
}

static const char *dept_fill(int d, void *p)
{
	struct map_ctx *m = p;
	const rcount *c = &m->r->by_dept[d][ST_SUPPORTED];

	if (c->state == CELL_SECRET)
		return FILL_SECRET;
	if (c->state == CELL_SMALL)
		return class_fill[0];
	if (c->n == 0)
		return FILL_GAP;
	return class_fill[class_of(&m->cl, c->n)];
}

static const char *dept_title(int d, void *p)
{
	struct map_ctx *m = p;
	const rcount *c = &m->r->by_dept[d][ST_SUPPORTED];
	char num[RPT_NUMBUF];

	if (c->state == CELL_SHOWN && c->n == 0)
		snprintf(m->buf, sizeof m->buf, "%s %s : aucune victime accompagnée, %d acteur%s",
			 DEPTS[d].code, DEPTS[d].name, m->r->dept[d].orgs,
			 m->r->dept[d].orgs > 1 ? "s" : "");
	else if (c->state == CELL_SHOWN && c->n == 1)
		snprintf(m->buf, sizeof m->buf, "%s %s : 1 victime accompagnée, %d acteur%s",
			 DEPTS[d].code, DEPTS[d].name, m->r->dept[d].orgs,
			 m->r->dept[d].orgs > 1 ? "s" : "");
	else    /* plural for a hidden count too: the grammar must not tell */
		snprintf(m->buf, sizeof m->buf, "%s %s : %s victimes accompagnées, %d acteur%s",
			 DEPTS[d].code, DEPTS[d].name, rcount_text(m->r, c, num),
			 m->r->dept[d].orgs, m->r->dept[d].orgs > 1 ? "s" : "");
	return m->buf;
}

static const char style[] =
	"<style>\n"
	"body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif;"
	"color:#1a1a1a;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;line-height:1.4}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;"
	"border-bottom:2px solid #2171b5;padding-bottom:.2rem}h3{font-size:1.05rem;"
	"margin:1.2rem 0 .4rem}\n"
	".meta{color:#555}.public{background:#fff7e0;border-left:4px solid #e0a800;"
	"padding:.4rem .8rem}\n"
	".keys{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}.keys div{border:1px solid #ccc;"
	"border-radius:4px;padding:.5rem 1rem;min-width:10rem}.keys b{display:block;"
	"font-size:1.5rem}\n"
	"figure{margin:0}figure svg{width:100%;max-width:46rem;height:auto;display:block;"
	"margin:0 auto}\n"
	".legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;justify-content:center;"
	"margin:.6rem 0;font-size:.9rem}.legend span{display:inline-flex;align-items:center;"
	"gap:.35rem}.legend svg{width:1.1rem;height:1.1rem;border:1px solid #888}\n"
	"section{overflow-x:auto}"
	"table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}"
	"th,td{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}"
	"th{background:#eef3f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"tr.gap td{background:#fbeaea}tr.sub th{background:#f6f6f6;font-weight:600}\n"
	".dims{display:flex;flex-wrap:wrap;gap:0 1.5rem;align-items:flex-start}"
	"p.help{color:#444;font-style:italic}tr.fold td{color:#777}\n"
	"abbr{text-decoration:none}ul.silent{columns:2}footer{margin-top:2rem;color:#777;font-size:.8rem}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}section{overflow:visible}"
	"h2{page-break-after:avoid}tr{page-break-inside:avoid}"
	"thead{display:table-header-group}figure{page-break-inside:avoid}"
	"figure svg{max-width:17cm}.keys div{border-color:#999}}\n"
	"</style>\n";

/* The hatching of the départements without any victim supported, in a
 * hidden SVG so that the map and the legend can both refer to it. */
static const char gap_pattern[] =
	"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">"
	"<defs><pattern id=\"maillage-gap\" width=\"6\" height=\"6\""
	" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	"<rect width=\"6\" height=\"6\" fill=\"#f4f4f4\"/>"
	"<rect width=\"1.6\" height=\"6\" fill=\"#c2433a\"/></pattern></defs></svg>\n";

static void swatch(FILE *f, const char *fill, const char *label)
{
	fputs("<span><svg viewBox=\"0 0 12 12\" aria-hidden=\"true\"><rect width=\"12\""
	      " height=\"12\" fill=\"", f);
	out_html(f, fill);
	fputs("\"/></svg>", f);
	out_html(f, label);
	fputs("</span>\n", f);
}

static void legend(FILE *f, const report *r, const struct classes *cl)
{
	char label[64];
	int k;

	fputs("<figcaption class=\"legend\">\n", f);
	swatch(f, FILL_GAP, "aucune victime accompagnée");
	for (k = 0; k < cl->n; k++) {
		if (k + 1 < cl->n)
			snprintf(label, sizeof label, "%lld à %lld", cl->edge[k],
				 cl->edge[k + 1] - 1);
		else
			snprintf(label, sizeof label, "%lld et plus", cl->edge[k]);
		if (k == 0 && r->public_mode)
			snprintf(label, sizeof label, "<%d (1 à %d)", r->threshold,
				 r->threshold - 1);
		swatch(f, class_fill[k], label);
	}
	if (r->public_mode)
		swatch(f, FILL_SECRET, "s : masqué (secret statistique)");
	fputs("</figcaption>\n", f);
}

static void num_td(FILE *f, const report *r, const rcount *c)
{
	char buf[RPT_NUMBUF];

	fputs("<td class=\"n\">", f);
	out_html(f, rcount_text(r, c, buf));
	fputs("</td>", f);
}

static void share_td(FILE *f, int tenths)
{
	if (tenths < 0)
		fputs("<td class=\"n\"></td>", f);
	else
		fprintf(f, "<td class=\"n\">%d,%d&nbsp;%%</td>", tenths / 10, tenths % 10);
}

static void victims_row(FILE *f, const report *r, const char *label, const rcount *c)
{
	fputs("<tr><td>", f);
	out_html(f, label);
	fputs("</td>", f);
	num_td(f, r, &c[ST_SUPPORTED]);
	share_td(f, rcount_share(r, &c[ST_SUPPORTED], ST_SUPPORTED));
	num_td(f, r, &c[ST_SPOTTED]);
	share_td(f, rcount_share(r, &c[ST_SPOTTED], ST_SPOTTED));
	fputs("</tr>\n", f);
}

static void write_totals(FILE *f, const report *r)
{
	const struct {
		const char *title;
		const enum_table *t;
		const rcount (*cells)[ST_COUNT];
	} dims[3] = {
		{ "Par forme d'exploitation", &ENUM_EXPLOITATION,
		  (const rcount (*)[ST_COUNT])r->by_expl },
		{ "Par sexe", &ENUM_SEX, (const rcount (*)[ST_COUNT])r->by_sex },
		{ "Par âge", &ENUM_AGE, (const rcount (*)[ST_COUNT])r->by_age },
	};
	int k, i;

	fputs("<section id=\"totaux\">\n<h2>Victimes repérées et accompagnées</h2>\n"
	      "<table>\n<thead><tr><th></th><th class=\"n\">Accompagnées</th>"
	      "<th class=\"n\">%</th><th class=\"n\">Repérées</th><th class=\"n\">%</th>"
	      "</tr></thead>\n<tbody>\n", f);
	victims_row(f, r, "Total", r->total);
	for (k = 0; k < 3; k++) {
		fputs("<tr class=\"sub\"><th colspan=\"5\">", f);
		out_html(f, dims[k].title);
		fputs("</th></tr>\n", f);
		for (i = 0; i < dims[k].t->count; i++)
			victims_row(f, r, dims[k].t->items[i].fr, dims[k].cells[i]);
	}
	fputs("</tbody>\n</table>\n<p class=\"meta\">Les parts sont calculées sur le total "
	      "de chaque statut (accompagnées, repérées).</p>\n</section>\n", f);
}

static void write_depts(FILE *f, const report *r)
{
	char buf[512];
	int d, k, first;

	fputs("<section id=\"departements\">\n<h2>Départements</h2>\n<table>\n<thead><tr>"
	      "<th>Code</th><th>Département</th><th>Région</th><th class=\"n\">Acteurs</th>"
	      "<th>Par type</th><th>Types d'action</th>"
	      "<th class=\"n\"><abbr title=\"Victimes accompagnées\">Accomp.</abbr></th>"
	      "<th class=\"n\"><abbr title=\"Victimes repérées\">Repér.</abbr></th>"
	      "<th class=\"n\"><abbr title=\"Formations\">Form.</abbr></th>"
	      "<th class=\"n\"><abbr title=\"Participants aux formations\">Part.</abbr></th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		fprintf(f, "<tr%s><td>", report_is_gap(r, d) ? " class=\"gap\"" : "");
		out_html(f, DEPTS[d].code);
		fputs("</td><td>", f);
		out_html(f, DEPTS[d].name);
		fputs("</td><td>", f);
		out_html(f, region_find(DEPTS[d].region)->name);
		fprintf(f, "</td><td class=\"n\">%d</td><td>", p->orgs);
		for (k = 0, first = 1; k < ENUM_ORG_KIND.count; k++) {
			if (!p->by_kind[k])
				continue;
			fprintf(f, "%s%d&nbsp;", first ? "" : ", ", p->by_kind[k]);
			out_html(f, ENUM_ORG_KIND.items[k].fr);
			first = 0;
		}
		fputs("</td><td>", f);
		out_html(f, types_text(p->types, 1, ", ", buf, sizeof buf));
		fputs("</td>", f);
		num_td(f, r, &r->by_dept[d][ST_SUPPORTED]);
		num_td(f, r, &r->by_dept[d][ST_SPOTTED]);
		fprintf(f, "<td class=\"n\">%lld</td><td class=\"n\">%lld</td></tr>\n",
			p->trainings, p->participants);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

static void write_gaps(FILE *f, const report *r, int ngaps)
{
	int d;

	fprintf(f, "<section id=\"lacunes\">\n<h2>Départements sans aucun accompagnement "
		"de victimes (%d)</h2>\n", ngaps);
	if (!ngaps) {
		fputs("<p>Aucun : chaque département compte au moins une victime "
		      "accompagnée.</p>\n</section>\n", f);
		return;
	}
	fputs("<table>\n<thead><tr><th>Code</th><th>Département</th><th>Région</th>"
	      "<th class=\"n\">Acteurs</th></tr></thead>\n<tbody>\n", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!report_is_gap(r, d))
			continue;
		fputs("<tr><td>", f);
		out_html(f, DEPTS[d].code);
		fputs("</td><td>", f);
		out_html(f, DEPTS[d].name);
		fputs("</td><td>", f);
		out_html(f, region_find(DEPTS[d].region)->name);
		fprintf(f, "</td><td class=\"n\">%d</td></tr>\n", r->dept[d].orgs);
	}
	fputs("</tbody>\n</table>\n</section>\n", f);
}

/* How many départements a count table's section lists, the largest
 * first: the CSV and JSON have them all. */
#define TOP_DEPTS 10

static void count_tr(FILE *f, const report *r, const char *label, const rcount *c)
{
	fputs("<tr><td>", f);
	out_html(f, label);
	fputs("</td>", f);
	num_td(f, r, c);
	fputs("</tr>\n", f);
}

/* A breakdown as a small table: its values with a count, the zeros
 * folded in one row. */
static void breakdown(FILE *f, const report *r, const rbreak *b)
{
	int v, zeros = 0, listed = 0;

	fputs("<table>\n<thead><tr><th>", f);
	out_html(f, qn_list_label(b->list, 0));
	fputs("</th><th class=\"n\">Effectif</th></tr></thead>\n<tbody>\n", f);
	for (v = 0; v < b->list->t.count; v++) {
		if (!rbreak_listed(b, v))
			continue;
		listed++;
		if (b->cells[v].state == CELL_SHOWN && b->cells[v].n == 0)
			zeros++;
		else
			count_tr(f, r, b->list->t.items[v].fr, &b->cells[v]);
	}
	if (zeros)
		fprintf(f, "<tr class=\"fold\"><td>%s%d valeur%s</td><td class=\"n\">0</td>"
			"</tr>\n", zeros == listed ? "" : "autres : ", zeros, zeros > 1 ? "s" : "");
	fputs("</tbody>\n</table>\n", f);
}

static void count_table(FILE *f, const report *r, const rtable *t)
{
	char num[RPT_NUMBUF];
	int order[DEPT_COUNT], n, i, k;

	fputs("<section id=\"tableau-", f);
	out_html(f, t->t->code);
	fputs("\">\n<h2>", f);
	out_html(f, t->t->title_fr);
	if (t->t->retired)
		fputs(" <small>(tableau retiré)</small>", f);
	fputs("</h2>\n", f);
	if (t->t->help_fr[0]) {
		fputs("<p class=\"help\">", f);
		out_html(f, t->t->help_fr);
		fputs("</p>\n", f);
	}
	if (!t->reported) {
		fputs("<p>Aucune donnée transmise pour la période.</p>\n</section>\n", f);
		return;
	}
	fputs("<p>Total : <b>", f);
	out_html(f, rcount_text(r, &t->total, num));
	fputs("</b></p>\n<div class=\"dims\">\n", f);
	for (k = 0; k < t->ndims; k++) {
		breakdown(f, r, &t->dim[k]);
		if (t->rollup[k].list)
			breakdown(f, r, &t->rollup[k]);
	}
	n = rtable_ranked_depts(r, t, order);
	fprintf(f, "<table>\n<thead><tr><th>Département%s</th><th class=\"n\">Effectif</th>"
		"</tr></thead>\n<tbody>\n", n > TOP_DEPTS ? "s (les plus nombreux)" : "s");
	if (!n)
		fputs("<tr><td>aucun</td><td class=\"n\"></td></tr>\n", f);
	for (i = 0; i < n && i < TOP_DEPTS; i++) {
		char label[64];

		snprintf(label, sizeof label, "%s %s", DEPTS[order[i]].code, DEPTS[order[i]].name);
		count_tr(f, r, label, &t->dept[order[i]]);
	}
	if (n > TOP_DEPTS)
		fprintf(f, "<tr class=\"fold\"><td>et %d autre%s</td><td class=\"n\"></td></tr>\n",
			n - TOP_DEPTS, n - TOP_DEPTS > 1 ? "s" : "");
	fputs("</tbody>\n</table>\n</div>\n</section>\n", f);
}

static void write_completeness(FILE *f, const report *r)
{
	char period[48];
	int i, silent = r->enrolled - r->reporting;

	period_label(r->period, period, sizeof period);
	fputs("<section id=\"completude\">\n<h2>Complétude des remontées</h2>\n<p>", f);
	fprintf(f, "Organisations enrôlées : <b>%d</b>. Ont transmis des données pour ",
		r->enrolled);
	out_html(f, period);
	fprintf(f, " : <b>%d</b>. Sans aucune donnée : <b>%d</b>.</p>\n", r->reporting, silent);
	if (!silent) {
		fputs("</section>\n", f);
		return;
	}
	fputs("<ul class=\"silent\">\n", f);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (!o->collectors || o->reporting)
			continue;
		fputs("<li>", f);
		out_html(f, o->name);
		if (o->revoked == o->collectors)
			fputs(" <i>(toutes ses clés sont révoquées)</i>", f);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n</section>\n", f);
}

static void write_directory(FILE *f, const report *r)
{
	char buf[512];
	int d, i, any = 0;

	fputs("<section id=\"annuaire\">\n<h2>Annuaire des acteurs</h2>\n", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!r->dept[d].orgs)
			continue;
		any = 1;
		fputs("<h3>", f);
		out_html(f, DEPTS[d].code);
		fputs(" ", f);
		out_html(f, DEPTS[d].name);
		fputs("</h3>\n<table>\n<thead><tr><th>Organisation</th><th>Type</th>"
		      "<th>Actions</th><th>Contact</th></tr></thead>\n<tbody>\n", f);
		for (i = 0; i < r->norgs; i++) {
			const report_org *o = &r->orgs[i];
			const char *contact[3] = { o->email, o->phone, o->website };
			int k, first = 1;

			if (!o->active[d])
				continue;
			fputs("<tr><td>", f);
			out_html(f, o->name);
			fputs("</td><td>", f);
			out_html(f, ENUM_ORG_KIND.items[o->kind].fr);
			fputs("</td><td>", f);
			out_html(f, types_text(o->types[d], 1, ", ", buf, sizeof buf));
			fputs("</td><td>", f);
			for (k = 0; k < 3; k++) {
				if (!contact[k])
					continue;
				if (!first)
					fputs("<br>", f);
				out_html(f, contact[k]);
				first = 0;
			}
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n", f);
	}
	if (!any)
		fputs("<p>Aucune organisation active.</p>\n", f);
	fputs("</section>\n", f);
}

int report_write_html(FILE *f, const report *r)
{
	struct map_ctx m;
	char period[48], when[TIME_BUF], num[RPT_NUMBUF];
	int d, ngaps = 0;

	for (d = 0; d < DEPT_COUNT; d++)
		ngaps += report_is_gap(r, d);
	memset(&m, 0, sizeof m);
	m.r = r;
	make_classes(r, &m.cl);
	period_label(r->period, period, sizeof period);
	time_format(r->generated, TIME_HUMAN, when);

	fputs("<!DOCTYPE html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>Diagnostic national ", f);
	out_html(f, period);
	fputs("</title>\n", f);
	fputs(style, f);
	fputs("</head>\n<body>\n<header>\n<h1>Diagnostic national de la lutte contre la "
	      "traite des êtres humains — ", f);
	out_html(f, period);
	fputs("</h1>\n<p class=\"meta\">Période du ", f);
	out_html(f, r->first_day);
	fputs(" au ", f);
	out_html(f, r->last_day);
	fputs(" · généré le ", f);
	out_html(f, when);
	if (r->coordination[0]) {
		fputs(" par ", f);
		out_html(f, r->coordination);
	}
	fputs("</p>\n", f);
	if (r->public_mode)
		fprintf(f, "<p class=\"public\">Version publique : les effectifs de victimes de 1 "
			"à %d sont masqués (&lt;%d) ; « s » masque un effectif qui permettrait "
			"de les recalculer à partir des totaux.</p>\n",
			r->threshold - 1, r->threshold);
	fputs("</header>\n<section id=\"synthese\" class=\"keys\">\n", f);
	fprintf(f, "<div>Victimes accompagnées<b>%s</b></div>\n",
		rcount_text(r, &r->total[ST_SUPPORTED], num));
	fprintf(f, "<div>Victimes repérées<b>%s</b></div>\n",
		rcount_text(r, &r->total[ST_SPOTTED], num));
	fprintf(f, "<div>Départements sans accompagnement<b>%d / %d</b></div>\n", ngaps,
		DEPT_COUNT);
	fprintf(f, "<div>Organisations ayant transmis<b>%d / %d</b></div>\n", r->reporting,
		r->enrolled);
	fputs("</section>\n", f);

	fputs("<section id=\"carte\">\n<h2>Victimes accompagnées par département</h2>\n", f);
	fputs(gap_pattern, f);
	fputs("<figure>\n", f);
	map_svg_write(f, dept_fill, dept_title, &m);
	legend(f, r, &m.cl);
	fputs("</figure>\n</section>\n", f);

	write_totals(f, r);
	write_depts(f, r);
	write_gaps(f, r, ngaps);
	/* The other count tables of the questionnaire: victims is above, by
	 * status. */
	for (d = 0; d < r->ntables; d++)
		if (d != r->victims)
			count_table(f, r, &r->tables[d]);
	write_completeness(f, r);
	report_quality_html(f, r);
	write_directory(f, r);
	fprintf(f, "<footer>Maillage %s</footer>\n</body>\n</html>\n", MAILLAGE_VERSION);
	return ferror(f) ? EOF : 0;
}
