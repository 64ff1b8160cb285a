/*
 * report_html.c - the national diagnostic as one self-contained HTML
 * page, in French: a map of the départements in three states - shaded by
 * the number of victims supported, hatched where actors are present but
 * support no victim, plain grey where there is no actor - with the same
 * in a list, then the tables - totals, départements (the active ones,
 * the others folded), gaps (with the actors present and the neighbours
 * that support victims), each other count table of the questionnaire,
 * completeness, directory.  Wide tables scroll sideways in their own box
 * with their first column kept in view, so that a phone shows the counts
 * and the page itself never scrolls sideways.
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
#define FILL_ACTORS "url(#maillage-actors)"
#define FILL_NONE   "#ebebeb"
#define FILL_SECRET "#a3a3a3"

/* The three states of a département on the map and in its list. */
enum dept_state { DS_SUPPORTED, DS_ACTORS, DS_NONE };

/* Supported: a victim supported, also when the count is hidden; else
 * actors: an organisation active there; else none. */
static enum dept_state dept_state(const report *r, int d)
{
	if (!report_is_gap(r, d))
		return DS_SUPPORTED;
	return r->dept[d].orgs ? DS_ACTORS : DS_NONE;
}

/* Anything at all for the period: an actor, a victim, a training. */
static int dept_active(const report *r, int d)
{
	return r->dept[d].orgs || r->by_dept[d][ST_SUPPORTED].n ||
	       r->by_dept[d][ST_SPOTTED].n || r->dept[d].trainings;
}

/* Class edges: class k holds [edge[k], edge[k+1]), the last one open.
 * In a public report the first class is exactly the suppressed range,
 * which no département has: hidden counts all take the colour of the
 * mark, so that a colour never tells more than the table. */
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

	if (c->state != CELL_SHOWN)
		return FILL_SECRET;
	switch (dept_state(m->r, d)) {
	case DS_ACTORS:
		return FILL_ACTORS;
	case DS_NONE:
		return FILL_NONE;
	default:
		return class_fill[class_of(&m->cl, c->n)];
	}
}

static const char *dept_title(int d, void *p)
{
	struct map_ctx *m = p;
	const rcount *c = &m->r->by_dept[d][ST_SUPPORTED];
	char num[RPT_NUMBUF];

	if (dept_state(m->r, d) == DS_NONE)
		snprintf(m->buf, sizeof m->buf, "%s %s : aucun acteur, aucune victime accompagnée",
			 DEPTS[d].code, DEPTS[d].name);
	else if (c->state == CELL_SHOWN && c->n == 0)
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
	"color:#1a1a1a;margin:0 auto;max-width:70rem;padding:1rem 1.5rem;line-height:1.4;"
	"overflow-wrap:break-word}\n"
	"h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.25rem;margin-top:2rem;"
	"border-bottom:2px solid #2171b5;padding-bottom:.2rem}h3{font-size:1.05rem;"
	"margin:1.2rem 0 .4rem}\n"
	".meta{color:#555}.public{background:#fff7e0;border-left:4px solid #e0a800;"
	"padding:.4rem .8rem}\n"
	".keys{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}.keys div{border:1px solid #ccc;"
	"border-radius:4px;padding:.5rem 1rem;min-width:0;flex:1 1 10rem}.keys b{display:block;"
	"font-size:1.5rem}.keys small{display:block;color:#444}\n"
	"figure{margin:0}figure svg{width:100%;max-width:56rem;height:auto;display:block;"
	"margin:0 auto}\n"
	".legend{display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;justify-content:center;"
	"margin:.6rem 0;font-size:.95rem}.legend span{display:inline-flex;align-items:center;"
	"gap:.35rem}.legend svg{width:1.3rem;height:1.3rem;border:1px solid #666;flex:none}"
	".legend b{font-weight:600}\n"
	".maplist p{margin:.3rem 0}details{margin:.5rem 0}summary{cursor:pointer;color:#08306b}\n"
	"section{overflow-x:auto}"
	".scroll{overflow-x:auto;max-width:100%;"
	"background:linear-gradient(to left,#fff 40%,rgba(255,255,255,0)) right/2rem 100% no-repeat local,"
	"radial-gradient(farthest-side at 100% 50%,rgba(0,0,0,.3),rgba(0,0,0,0)) right/.9rem 100% "
	"no-repeat scroll}"
	".scroll table{margin:0}.hint{display:none;color:#555;font-size:.85rem;margin:.3rem 0}\n"
	"table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}"
	"th,td{border:1px solid #ccc;padding:.2rem .45rem;text-align:left;vertical-align:top}"
	"th{background:#eef3f8}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
	"white-space:nowrap}"
	".scroll th:first-child,.scroll td:first-child{position:sticky;left:0;z-index:1;"
	"background:#fff;box-shadow:1px 0 0 #ccc}.scroll th:first-child{background:#eef3f8}"
	"tr.gap td{background:#fbeaea}.scroll tr.gap td:first-child{background:#fbeaea}"
	"tr.sub th{background:#f6f6f6;font-weight:600}\n"
	".dims{display:flex;flex-wrap:wrap;gap:0 1.5rem;align-items:flex-start}"
	"p.help{color:#444;font-style:italic}tr.fold td{color:#666}\n"
	"abbr{text-decoration:none}ul.silent{columns:2}footer{margin-top:2rem;color:#666;font-size:.8rem}\n"
	"td.t{min-width:11rem}.short{display:none}\n"
	"@media (max-width:40rem){body{padding:.6rem .8rem}h1{font-size:1.3rem}"
	".keys{gap:.5rem}.keys div{flex-basis:8rem;padding:.4rem .6rem}.keys b{font-size:1.25rem}"
	".legend{justify-content:flex-start}.hint{display:block}.long{display:none}"
	".short{display:inline}ul.silent{columns:1}"
	"table{font-size:.85rem}th,td{padding:.2rem .3rem}}\n"
	"@media print{body{max-width:none;padding:0;font-size:10pt}section,.scroll{overflow:visible}"
	".hint{display:none}"
	"h2{page-break-after:avoid}tr{page-break-inside:avoid}"
	"thead{display:table-header-group}figure{page-break-inside:avoid}"
	"figure svg{max-width:17cm}.keys div{border-color:#999}}\n"
	"</style>\n";

/* The hatching of the départements where actors are present but no
 * victim is supported, in a hidden SVG so that the map and the legend can
 * both refer to it: dark red stripes on white, which neither the blues
 * nor the plain grey of "no actor" resemble, in colour or in grey print. */
static const char actors_pattern[] =
	"<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">"
	"<defs><pattern id=\"maillage-actors\" width=\"6\" height=\"6\""
	" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	"<rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
	"<rect width=\"2.2\" height=\"6\" fill=\"#b2182b\"/></pattern></defs></svg>\n";

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

	fputs("<figcaption class=\"legend\">\n<b>Victimes accompagnées :</b>\n", f);
	for (k = r->public_mode ? 1 : 0; k < cl->n; k++) {
		if (k + 1 < cl->n)
			snprintf(label, sizeof label, "%lld à %lld", cl->edge[k],
				 cl->edge[k + 1] - 1);
		else
			snprintf(label, sizeof label, "%lld et plus", cl->edge[k]);
		swatch(f, class_fill[k], label);
	}
	if (r->public_mode)
		swatch(f, FILL_SECRET, RPT_HIDDEN_MARK " : masqué (secret statistique)");
	swatch(f, FILL_ACTORS, "acteurs présents, aucune victime accompagnée");
	swatch(f, FILL_NONE, "aucun acteur");
	fputs("</figcaption>\n", f);
}

/* The text shown above a table that scrolls sideways on a narrow screen
 * (the stylesheet shows it there only). */
static const char scroll_hint[] =
	"<p class=\"hint\" aria-hidden=\"true\">Faites glisser le tableau vers la gauche "
	"pour voir ses autres colonnes →</p>\n";

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

	fputs("<section id=\"totaux\">\n<h2>Victimes repérées et accompagnées</h2>\n", f);
	fputs(scroll_hint, f);
	/* The short headers replace the long ones on a phone, so that the
	 * five columns fit its width. */
	fputs("<div class=\"scroll\">\n<table>\n<thead><tr><th></th><th class=\"n\">"
	      "<span class=\"long\">Accompagnées</span><span class=\"short\">Accomp.</span></th>"
	      "<th class=\"n\">%</th><th class=\"n\">"
	      "<span class=\"long\">Repérées</span><span class=\"short\">Repér.</span></th>"
	      "<th class=\"n\">%</th>"
	      "</tr></thead>\n<tbody>\n", f);
	victims_row(f, r, "Total", r->total);
	for (k = 0; k < 3; k++) {
		fputs("<tr class=\"sub\"><th colspan=\"5\">", f);
		out_html(f, dims[k].title);
		fputs("</th></tr>\n", f);
		for (i = 0; i < dims[k].t->count; i++)
			victims_row(f, r, dims[k].t->items[i].fr, dims[k].cells[i]);
	}
	fputs("</tbody>\n</table>\n</div>\n<p class=\"meta\">Les parts sont calculées sur le total "
	      "de chaque statut (accompagnées, repérées).</p>\n</section>\n", f);
}

/* "CODE Name" of a département. */
static void dept_name(FILE *f, int d)
{
	out_html(f, DEPTS[d].code);
	fputc(' ', f);
	out_html(f, DEPTS[d].name);
}

/* A comma-separated list of "CODE Name" of the départements in state
 * st, "(N)" after each supported one with its count as published.
 * Returns how many. */
static int state_list(FILE *f, const report *r, enum dept_state st, int with_count)
{
	char num[RPT_NUMBUF];
	int d, n = 0;

	for (d = 0; d < DEPT_COUNT; d++) {
		if (dept_state(r, d) != st)
			continue;
		fputs(n++ ? ", " : "", f);
		dept_name(f, d);
		if (with_count) {
			fputs(" (", f);
			out_html(f, rcount_text(r, &r->by_dept[d][ST_SUPPORTED], num));
			fputc(')', f);
		}
	}
	if (!n)
		fputs("aucun", f);
	return n;
}

static int state_count(const report *r, enum dept_state st)
{
	int d, n = 0;

	for (d = 0; d < DEPT_COUNT; d++)
		n += dept_state(r, d) == st;
	return n;
}

/* The map as text, for screen readers and for screens where the codes on
 * the map are too small to read: the three states, the longest one
 * folded. */
static void map_list(FILE *f, const report *r)
{
	fprintf(f, "<div class=\"maplist\" id=\"carte-liste\">\n<p><b>Victimes accompagnées "
		"(%d départements) :</b> ", state_count(r, DS_SUPPORTED));
	state_list(f, r, DS_SUPPORTED, 1);
	fprintf(f, ".</p>\n<p><b>Acteurs présents, aucune victime accompagnée (%d) :</b> ",
		state_count(r, DS_ACTORS));
	state_list(f, r, DS_ACTORS, 0);
	fprintf(f, ".</p>\n<details><summary>Aucun acteur (%d départements)</summary>\n<p>",
		state_count(r, DS_NONE));
	state_list(f, r, DS_NONE, 0);
	fputs(".</p>\n</details>\n</div>\n", f);
}

/* The départements with anything for the period, in INSEE order; the
 * others, all zeros, folded into one line that opens on their names.
 * The counts come right after the name, so that a phone shows them
 * beside the first column, which stays in view. */
static void write_depts(FILE *f, const report *r)
{
	char buf[512];
	int d, k, first, idle = 0;

	fputs("<section id=\"departements\">\n<h2>Départements</h2>\n", f);
	fputs(scroll_hint, f);
	fputs("<div class=\"scroll\">\n<table>\n<thead><tr>"
	      "<th>Département</th>"
	      "<th class=\"n\"><abbr title=\"Victimes accompagnées\">Accomp.</abbr></th>"
	      "<th class=\"n\"><abbr title=\"Victimes repérées\">Repér.</abbr></th>"
	      "<th class=\"n\">Acteurs</th>"
	      "<th class=\"n\"><abbr title=\"Formations\">Form.</abbr></th>"
	      "<th class=\"n\"><abbr title=\"Participants aux formations\">Part.</abbr></th>"
	      "<th>Par type</th><th>Types d'action</th><th>Région</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (d = 0; d < DEPT_COUNT; d++) {
		const report_dept *p = &r->dept[d];

		if (!dept_active(r, d)) {
			idle++;
			continue;
		}
		fprintf(f, "<tr%s><td>", report_is_gap(r, d) ? " class=\"gap\"" : "");
		dept_name(f, d);
		fputs("</td>", f);
		num_td(f, r, &r->by_dept[d][ST_SUPPORTED]);
		num_td(f, r, &r->by_dept[d][ST_SPOTTED]);
		fprintf(f, "<td class=\"n\">%d</td><td class=\"n\">%lld</td>"
			"<td class=\"n\">%lld</td><td class=\"t\">", p->orgs, p->trainings,
			p->participants);
		for (k = 0, first = 1; k < ENUM_ORG_KIND.count; k++) {
			if (!p->by_kind[k])
				continue;
			fprintf(f, "%s%d&nbsp;", first ? "" : ", ", p->by_kind[k]);
			out_html(f, ENUM_ORG_KIND.items[k].fr);
			first = 0;
		}
		fputs("</td><td class=\"t\">", f);
		out_html(f, types_text(p->types, 1, ", ", buf, sizeof buf));
		fputs("</td><td class=\"t\">", f);
		out_html(f, region_find(DEPTS[d].region)->name);
		fputs("</td></tr>\n", f);
	}
	if (idle == DEPT_COUNT)
		fputs("<tr><td colspan=\"9\">Aucune activité pour la période.</td></tr>\n", f);
	fputs("</tbody>\n</table>\n</div>\n", f);
	if (idle) {
		fprintf(f, "<details class=\"idle\"><summary>%d département%s sans aucune "
			"activité (aucun acteur, aucune victime, aucune formation)</summary>\n<p>",
			idle, idle > 1 ? "s" : "");
		for (d = 0, first = 1; d < DEPT_COUNT; d++) {
			if (dept_active(r, d))
				continue;
			fputs(first ? "" : ", ", f);
			dept_name(f, d);
			first = 0;
		}
		fputs(".</p>\n</details>\n", f);
	}
	fputs("</section>\n", f);
}

/* The organisations active in département d, by name; "aucun". */
static void actors_cell(FILE *f, const report *r, int d)
{
	int i, n = 0;

	for (i = 0; i < r->norgs; i++) {
		if (!r->orgs[i].active[d])
			continue;
		fputs(n++ ? ", " : "", f);
		out_html(f, r->orgs[i].name);
	}
	if (!n)
		fputs("aucun", f);
}

/* The neighbours of d (map.h) that support victims, with their count as
 * published; says when d has no neighbour at all (overseas). */
static void neighbours_cell(FILE *f, const report *r, int d)
{
	char num[RPT_NUMBUF];
	const signed char *nb = MAP_NEIGHBOURS[d];
	int k, n = 0;

	if (nb[0] < 0) {
		fputs("<i>aucun département voisin</i>", f);
		return;
	}
	for (k = 0; nb[k] >= 0; k++) {
		if (report_is_gap(r, nb[k]))
			continue;
		fputs(n++ ? ", " : "", f);
		dept_name(f, nb[k]);
		fputs(" (", f);
		out_html(f, rcount_text(r, &r->by_dept[nb[k]][ST_SUPPORTED], num));
		fputc(')', f);
	}
	if (!n)
		fputs("aucun", f);
}

/* A gap worth a row: actors present, or a neighbour that could help. */
static int gap_listed(const report *r, int d)
{
	const signed char *nb = MAP_NEIGHBOURS[d];
	int k;

	if (r->dept[d].orgs)
		return 1;
	for (k = 0; nb[k] >= 0; k++)
		if (!report_is_gap(r, nb[k]))
			return 1;
	return 0;
}

/* The gaps, each with who is there and who nearby supports victims: why
 * is there no support here, and who could help.  The gaps with neither
 * are folded into one line. */
static void write_gaps(FILE *f, const report *r, int ngaps)
{
	int d, rest = 0, first;

	fprintf(f, "<section id=\"lacunes\">\n<h2>Départements sans aucun accompagnement "
		"de victimes (%d)</h2>\n", ngaps);
	if (!ngaps) {
		fputs("<p>Aucun : chaque département compte au moins une victime "
		      "accompagnée.</p>\n</section>\n", f);
		return;
	}
	for (d = 0; d < DEPT_COUNT; d++)
		rest += report_is_gap(r, d) && !gap_listed(r, d);
	if (rest < ngaps) {
		fputs("<p>Pour chacun : les acteurs présents, et les départements voisins qui "
		      "accompagnent des victimes (entre parenthèses, combien).</p>\n", f);
		fputs("<div class=\"scroll\">\n<table>\n<thead><tr><th>Département</th>"
		      "<th>Acteurs présents</th><th>Voisins accompagnant des victimes</th>"
		      "</tr></thead>\n<tbody>\n", f);
		for (d = 0; d < DEPT_COUNT; d++) {
			if (!report_is_gap(r, d) || !gap_listed(r, d))
				continue;
			fputs("<tr><td>", f);
			dept_name(f, d);
			fputs("</td><td>", f);
			actors_cell(f, r, d);
			fputs("</td><td>", f);
			neighbours_cell(f, r, d);
			fputs("</td></tr>\n", f);
		}
		fputs("</tbody>\n</table>\n</div>\n", f);
	}
	if (rest) {
		fprintf(f, "<details class=\"idle\"><summary>%d département%s sans acteur ni "
			"voisin accompagnant des victimes</summary>\n<p>", rest,
			rest > 1 ? "s" : "");
		for (d = 0, first = 1; d < DEPT_COUNT; d++) {
			if (!report_is_gap(r, d) || gap_listed(r, d))
				continue;
			fputs(first ? "" : ", ", f);
			dept_name(f, d);
			first = 0;
		}
		fputs(".</p>\n</details>\n", f);
	}
	fputs("</section>\n", f);
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
		fputs("</h3>\n<div class=\"scroll\">\n<table>\n<thead><tr><th>Organisation</th><th>Type</th>"
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
		fputs("</tbody>\n</table>\n</div>\n", f);
	}
	if (!any)
		fputs("<p>Aucune organisation active.</p>\n", f);
	fputs("</section>\n", f);
}

/* The change of a key figure since the year before, when there is one to
 * show, then the end of its box. */
static void key_change(FILE *f, const report *r, enum report_key k)
{
	char buf[RPT_CHANGEBUF], period[48];
	long long delta;
	int pct;

	if (report_change(r, k, &delta, &pct)) {
		fputs("<small class=\"change\">", f);
		out_html(f, change_text(delta, pct, buf));
		fputs(" par rapport à ", f);
		out_html(f, period_label(r->prev->period, period, sizeof period));
		fputs("</small>", f);
	}
	fputs("</div>\n", f);
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
			"à %d sont masqués, ainsi que ceux qui permettraient de les "
			"recalculer à partir des totaux ; tous sont marqués « %s ».</p>\n",
			r->threshold - 1, RPT_HIDDEN_MARK);
	fputs("</header>\n<section id=\"synthese\" class=\"keys\">\n", f);
	fprintf(f, "<div>Victimes accompagnées<b>%s</b>",
		rcount_text(r, &r->total[ST_SUPPORTED], num));
	key_change(f, r, KEY_SUPPORTED);
	fprintf(f, "<div>Victimes repérées<b>%s</b>",
		rcount_text(r, &r->total[ST_SPOTTED], num));
	key_change(f, r, KEY_SPOTTED);
	fprintf(f, "<div>Départements sans accompagnement<b>%d / %d</b>", ngaps, DEPT_COUNT);
	key_change(f, r, KEY_GAPS);
	fprintf(f, "<div>Organisations ayant transmis<b>%d / %d</b>", r->reporting,
		r->enrolled);
	key_change(f, r, KEY_REPORTING);
	fputs("</section>\n", f);

	fputs("<section id=\"carte\">\n<h2>Victimes accompagnées par département</h2>\n", f);
	fputs(actors_pattern, f);
	fputs("<figure>\n", f);
	map_svg_write(f, dept_fill, dept_title, &m);
	legend(f, r, &m.cl);
	fputs("</figure>\n", f);
	map_list(f, r);
	fputs("</section>\n", f);

	write_totals(f, r);
	write_depts(f, r);
	write_gaps(f, r, ngaps);
	/* The other count tables of the questionnaire: victims is above, by
	 * status. */
	for (d = 0; d < r->ntables; d++)
		if (d != r->victims)
			count_table(f, r, &r->tables[d]);
	write_completeness(f, r);
	rates_write_html(f, r);
	report_quality_html(f, r);
	write_directory(f, r);
	fprintf(f, "<footer>Maillage %s</footer>\n</body>\n</html>\n", MAILLAGE_VERSION);
	return ferror(f) ? EOF : 0;
}
