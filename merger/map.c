/*
 * map.c - writes the map of the départements as one inline SVG element
 * (map.h), from the outlines generated into map_data.c.
 *
 * The element is meant to be pasted into a self-contained HTML report:
 * everything is a presentation attribute (a <style> element inside an
 * inline SVG would apply to the whole page), nothing refers outside the
 * element, and every string that comes from the caller is escaped.  The
 * code labels carry a white halo (paint-order stroke) so that they stay
 * readable on any fill the caller chooses.
 */
#include "map.h"

#include "textout.h"

/* Font sizes in viewBox units: at the width a report is shown or printed
 * (15-20 cm for 1000 units) 11 units is about 6 points; a code label is
 * 12, about 11 pixels on a screen 1280 pixels wide, where the report
 * shows the map some 900 pixels wide.  tools/gen-map.py only marks a label
 * as fitting (map_dept.label) with this size in mind. */
#define LABEL_FONT 12
#define CAPTION_FONT 11
#define CREDIT_FONT 9

static void write_fill(FILE *f, int i, const char *(*fill)(int, void *), void *ctx)
{
	const char *s = fill ? fill(i, ctx) : NULL;

	out_html(f, s ? s : MAP_DEFAULT_FILL);
}

static void write_title(FILE *f, int i, const char *(*title)(int, void *), void *ctx)
{
	const char *s = title ? title(i, ctx) : NULL;

	if (s) {
		out_html(f, s);
	} else {
		out_html(f, DEPTS[i].code);
		fputc(' ', f);
		out_html(f, DEPTS[i].name);
	}
}

/* <path ATTR="CODE" d="..." fill="..."><title>...</title></path> */
static void write_path(FILE *f, const char *attr, int i, const char *d,
		       const char *(*fill)(int, void *),
		       const char *(*title)(int, void *), void *ctx)
{
	fprintf(f, "<path %s=\"%s\" d=\"%s\" fill=\"", attr, DEPTS[i].code, d);
	write_fill(f, i, fill, ctx);
	fputs("\"><title>", f);
	write_title(f, i, title, ctx);
	fputs("</title></path>\n", f);
}

/* dy shifts a code label down by about half its height, to centre it on
 * its point (dy is not inherited from a group, so it goes on each text). */
static void write_text(FILE *f, int x, int y, int centred, const char *text)
{
	fprintf(f, "<text x=\"%d\" y=\"%d\"%s>", x, y, centred ? " dy=\"0.35em\"" : "");
	out_html(f, text);
	fputs("</text>\n", f);
}

void map_svg_write(FILE *f, const char *(*fill)(int dept_index, void *ctx),
		   const char *(*title)(int dept_index, void *ctx), void *ctx)
{
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\""
		" role=\"img\" aria-label=\"Carte des d\xc3\xa9partements\">\n",
		MAP_VIEW_W, MAP_VIEW_H);

	/* Borders drawn as thin white strokes: neighbours share their
	 * outlines exactly, so the stroke is the only line between them.
	 * evenodd because holes (the enclave of Vaucluse in Drôme) are
	 * separate rings of the same path, in either direction. */
	fputs("<g stroke=\"#ffffff\" stroke-width=\"0.6\" stroke-linejoin=\"round\""
	      " fill-rule=\"evenodd\">\n", f);
	for (int i = 0; i < DEPT_COUNT; i++)
		write_path(f, "data-dept", i, MAP_DEPTS[i].d, fill, title, ctx);
	for (int z = 0; z < MAP_ZOOM_COUNT; z++)
		write_path(f, "data-zoom", MAP_ZOOM[z].dept, MAP_ZOOM[z].d, fill, title, ctx);
	fputs("</g>\n", f);

	fputs("<g fill=\"none\" stroke=\"#8c8c8c\" stroke-width=\"0.8\">\n", f);
	for (int k = 0; k < MAP_FRAME_COUNT; k++)
		fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
			MAP_FRAMES[k].x, MAP_FRAMES[k].y, MAP_FRAMES[k].w, MAP_FRAMES[k].h);
	fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n",
		MAP_ZOOM_SOURCE.x, MAP_ZOOM_SOURCE.y, MAP_ZOOM_SOURCE.w, MAP_ZOOM_SOURCE.h);
	fputs("</g>\n", f);

	fprintf(f, "<g font-family=\"sans-serif\" font-size=\"%d\" fill=\"#404040\">\n",
		CAPTION_FONT);
	for (int k = 0; k < MAP_FRAME_COUNT; k++)
		write_text(f, MAP_FRAMES[k].x + 4, MAP_FRAMES[k].y + CAPTION_FONT + 2, 0,
			   MAP_FRAMES[k].caption);
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"%d\" text-anchor=\"end\">",
		MAP_VIEW_W - 8, MAP_VIEW_H - 8, CREDIT_FONT);
	out_html(f, MAP_CREDIT);
	fputs("</text>\n</g>\n", f);

	/* The labels are decoration for sighted readers (the titles carry
	 * the names) and must not catch the pointer over the tooltips. */
	fprintf(f, "<g class=\"map-labels\" font-family=\"sans-serif\" font-size=\"%d\""
		" text-anchor=\"middle\" fill=\"#1a1a1a\" stroke=\"#ffffff\""
		" stroke-width=\"2\" stroke-linejoin=\"round\" paint-order=\"stroke\""
		" pointer-events=\"none\" aria-hidden=\"true\">\n", LABEL_FONT);
	for (int i = 0; i < DEPT_COUNT; i++)
		if (MAP_DEPTS[i].label)
			write_text(f, MAP_DEPTS[i].x, MAP_DEPTS[i].y, 1, MAP_DEPTS[i].code);
	for (int z = 0; z < MAP_ZOOM_COUNT; z++)
		write_text(f, MAP_ZOOM[z].x, MAP_ZOOM[z].y, 1, DEPTS[MAP_ZOOM[z].dept].code);
	fputs("</g>\n</svg>\n", f);
}
