/*
 * map-svg.c - test program for the map of the HTML report (merger/map.h):
 * writes the SVG with given fills and titles, or checks the generated
 * outlines geometrically.
 *
 * The map belongs to the merger, and tools are linked with libformat
 * only, so the two merger files are compiled into this program directly.
 *
 *   map-svg                      the SVG with the default fills and titles
 *   map-svg FILL TITLE           every fill FILL, every title "CODE:TITLE"
 *   map-svg --check              checks merger/map_data.c, one line per
 *                                problem on stderr, exit 1 if any
 *   map-svg --neighbours         "CODE: NEIGHBOUR ..." for each département
 *
 * The check parses each path (the grammar gen-map.py writes: "M x y",
 * relative "l dx dy ...", "z"), and verifies what the eye would: every
 * point inside the viewBox, every ring a real polygon, each label point
 * inside its own département, each overseas département inside its frame
 * and the mainland outside every frame, the frames apart from each other,
 * the codes and the zoom's départements as refdata.h and map.h say, and
 * the neighbours table well formed and symmetric.
 */
#include "../../merger/map.c"
#include "../../merger/map_data.c"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Far more than gen-map.py writes (at most 8 rings, 250 points a ring). */
#define RING_CAP 2048
#define RINGS_CAP 64

struct ring {
	int n;
	int x[RING_CAP], y[RING_CAP];
};

struct shape {
	int nrings;
	struct ring rings[RINGS_CAP];
};

static int problems;

static void problem(const char *what, const char *detail)
{
	fprintf(stderr, "map-svg: %s: %s\n", what, detail);
	problems++;
}

/* Reads an optionally signed decimal integer at *s; 0 when there is none. */
static int read_int(const char **s, int *v)
{
	const char *p = *s;
	char *end;
	long n;

	while (*p == ' ')
		p++;
	if (!(isdigit((unsigned char)*p) || (*p == '-' && isdigit((unsigned char)p[1]))))
		return 0;
	n = strtol(p, &end, 10);
	if (n < -100000 || n > 100000)
		return 0;
	*v = (int)n;
	*s = end;
	return 1;
}

/* Parses path data d into sh; 0 with a problem reported when malformed. */
static int parse_path(const char *what, const char *d, struct shape *sh)
{
	const char *s = d;

	sh->nrings = 0;
	while (*s) {
		struct ring *r;
		int x, y, dx, dy;

		if (sh->nrings == RINGS_CAP) {
			problem(what, "too many rings");
			return 0;
		}
		r = &sh->rings[sh->nrings++];
		r->n = 0;
		if (*s++ != 'M' || !read_int(&s, &x) || !read_int(&s, &y)) {
			problem(what, "a ring does not start with M x y");
			return 0;
		}
		r->x[0] = x;
		r->y[0] = y;
		r->n = 1;
		if (*s == 'l') {
			s++;
			while (read_int(&s, &dx)) {
				if (!read_int(&s, &dy)) {
					problem(what, "odd number of coordinates");
					return 0;
				}
				if (r->n == RING_CAP) {
					problem(what, "ring too long");
					return 0;
				}
				x += dx;
				y += dy;
				r->x[r->n] = x;
				r->y[r->n] = y;
				r->n++;
			}
		}
		if (*s++ != 'z') {
			problem(what, "a ring is not closed by z");
			return 0;
		}
	}
	if (sh->nrings == 0) {
		problem(what, "empty path");
		return 0;
	}
	return 1;
}

static long ring_area2(const struct ring *r)
{
	long a = 0;

	for (int i = 0, j = r->n - 1; i < r->n; j = i++)
		a += (long)r->x[j] * r->y[i] - (long)r->x[i] * r->y[j];
	return a < 0 ? -a : a;
}

/* Even-odd rule over every ring, as the SVG is filled (fill-rule evenodd). */
static int inside(const struct shape *sh, double px, double py)
{
	int in = 0;

	for (int k = 0; k < sh->nrings; k++) {
		const struct ring *r = &sh->rings[k];

		for (int i = 0, j = r->n - 1; i < r->n; j = i++) {
			double xi = r->x[i], yi = r->y[i], xj = r->x[j], yj = r->y[j];

			if ((yi > py) != (yj > py) && px < (xj - xi) * (py - yi) / (yj - yi) + xi)
				in = !in;
		}
	}
	return in;
}

/* Every point of sh within the rectangle (inclusive), or outside it. */
static int all_within(const struct shape *sh, int x, int y, int w, int h, int want_in)
{
	for (int k = 0; k < sh->nrings; k++)
		for (int i = 0; i < sh->rings[k].n; i++) {
			int px = sh->rings[k].x[i], py = sh->rings[k].y[i];
			int in = px >= x && px <= x + w && py >= y && py <= y + h;

			if (in != want_in)
				return 0;
		}
	return 1;
}

static void check_shape(const char *what, const struct shape *sh, int lx, int ly)
{
	for (int k = 0; k < sh->nrings; k++)
		if (sh->rings[k].n < 3 || ring_area2(&sh->rings[k]) == 0)
			problem(what, "a ring has no area");
	if (!all_within(sh, 0, 0, MAP_VIEW_W, MAP_VIEW_H, 1))
		problem(what, "a point is outside the viewBox");
	if (!inside(sh, lx, ly))
		problem(what, "the label point is outside the outline");
}

static int check(void)
{
	static struct shape sh;
	char what[64];
	int frame_of[DEPT_COUNT];
	static const char *const zoom_codes[MAP_ZOOM_COUNT] = { "75", "92", "93", "94" };

	for (int i = 0; i < DEPT_COUNT; i++)
		frame_of[i] = -1;
	for (int k = 0; k < MAP_FRAME_COUNT; k++) {
		const struct map_frame *a = &MAP_FRAMES[k];

		snprintf(what, sizeof what, "frame %d", k);
		if (a->x < 0 || a->y < 0 || a->w <= 0 || a->h <= 0 ||
		    a->x + a->w > MAP_VIEW_W || a->y + a->h > MAP_VIEW_H)
			problem(what, "outside the viewBox");
		if (a->dept >= DEPT_COUNT || (a->dept >= 0 && DEPTS[a->dept].code[0] != '9') ||
		    (a->dept >= 0 && strlen(DEPTS[a->dept].code) != 3))
			problem(what, "not an overseas département");
		else if (a->dept >= 0)
			frame_of[a->dept] = k;
		for (int j = k + 1; j < MAP_FRAME_COUNT; j++) {
			const struct map_frame *b = &MAP_FRAMES[j];

			if (a->x < b->x + b->w && b->x < a->x + a->w &&
			    a->y < b->y + b->h && b->y < a->y + a->h)
				problem(what, "overlaps another frame");
		}
	}

	for (int i = 0; i < DEPT_COUNT; i++) {
		const struct map_dept *m = &MAP_DEPTS[i];

		snprintf(what, sizeof what, "département %s", DEPTS[i].code);
		if (strcmp(m->code, DEPTS[i].code) != 0) {
			problem(what, "MAP_DEPTS is not in DEPTS order");
			continue;
		}
		if (!parse_path(what, m->d, &sh))
			continue;
		check_shape(what, &sh, m->x, m->y);
		if (strlen(m->code) == 3 && frame_of[i] < 0)
			problem(what, "overseas département without a frame");
		for (int k = 0; k < MAP_FRAME_COUNT; k++) {
			const struct map_frame *a = &MAP_FRAMES[k];

			if (k == frame_of[i] && !all_within(&sh, a->x, a->y, a->w, a->h, 1))
				problem(what, "leaves its frame");
			if (k != frame_of[i] && !all_within(&sh, a->x, a->y, a->w, a->h, 0))
				problem(what, "drawn inside a frame that is not its own");
		}
	}

	for (int z = 0; z < MAP_ZOOM_COUNT; z++) {
		const struct map_zoom *m = &MAP_ZOOM[z];
		const struct map_frame *a = &MAP_FRAMES[MAP_FRAME_COUNT - 1];

		snprintf(what, sizeof what, "zoom %d", z);
		if (m->dept < 0 || m->dept >= DEPT_COUNT ||
		    strcmp(DEPTS[m->dept].code, zoom_codes[z]) != 0) {
			problem(what, "not the expected département");
			continue;
		}
		if (!parse_path(what, m->d, &sh))
			continue;
		check_shape(what, &sh, m->x, m->y);
		if (a->dept != -1 || !all_within(&sh, a->x, a->y, a->w, a->h, 1))
			problem(what, "leaves the zoom frame");
	}

	/* Neighbours: in range, in DEPTS order, never oneself, ended, and
	 * symmetric (a border has two sides). */
	for (int i = 0; i < DEPT_COUNT; i++) {
		const signed char *n = MAP_NEIGHBOURS[i];
		int k;

		snprintf(what, sizeof what, "neighbours of %s", DEPTS[i].code);
		for (k = 0; k < MAP_NEIGHBOURS_MAX && n[k] >= 0; k++) {
			int j = n[k], back = 0;

			if (j >= DEPT_COUNT || j == i || (k > 0 && j <= n[k - 1])) {
				problem(what, "out of range, out of order or oneself");
				break;
			}
			for (int m = 0; MAP_NEIGHBOURS[j][m] >= 0; m++)
				back |= MAP_NEIGHBOURS[j][m] == i;
			if (!back)
				problem(what, "not symmetric");
		}
		if (n[k] != -1)
			problem(what, "not ended by -1");
	}
	return problems ? 1 : 0;
}

/* One line per département: its code, a colon, its neighbours' codes. */
static int neighbours(void)
{
	for (int i = 0; i < DEPT_COUNT; i++) {
		printf("%s:", DEPTS[i].code);
		for (int k = 0; MAP_NEIGHBOURS[i][k] >= 0; k++)
			printf(" %s", DEPTS[MAP_NEIGHBOURS[i][k]].code);
		putchar('\n');
	}
	return ferror(stdout) ? 1 : 0;
}

/* Both callbacks return the same static buffer, as map.h allows. */
static char buf[512];
static const char *fill_arg, *title_arg;

static const char *fill(int i, void *ctx)
{
	(void)i;
	(void)ctx;
	snprintf(buf, sizeof buf, "%s", fill_arg);
	return buf;
}

static const char *title(int i, void *ctx)
{
	(void)ctx;
	snprintf(buf, sizeof buf, "%s:%s", DEPTS[i].code, title_arg);
	return buf;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--check") == 0)
		return check();
	if (argc == 2 && strcmp(argv[1], "--neighbours") == 0)
		return neighbours();
	if (argc == 1) {
		map_svg_write(stdout, NULL, NULL, NULL);
	} else if (argc == 3) {
		fill_arg = argv[1];
		title_arg = argv[2];
		map_svg_write(stdout, fill, title, NULL);
	} else {
		fprintf(stderr, "usage: map-svg [--check | --neighbours | FILL TITLE]\n");
		return 2;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "map-svg: write error\n");
		return 1;
	}
	return 0;
}
