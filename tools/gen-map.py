#!/usr/bin/env python3
"""gen-map.py - writes merger/map_data.c, the outlines of the 101 départements.

Reads departements-avec-outre-mer.geojson (gregoiredavid/france-geojson,
derived from IGN Admin Express, Licence Ouverte: WGS84 longitude/latitude,
one Feature per département with properties code and nom) and
departements.csv (INSEE COG, for the table order), and writes the SVG
outlines used by the HTML report (merger/map.h).  The generated file is
committed: this script is run by developers when the map or its layout
changes, never at build or run time.  Python 3 standard library only.

Usage: tools/gen-map.py [REFERENCE_DIR] [OUTPUT]
  REFERENCE_DIR defaults to ../shared/reference (relative to the source tree),
  OUTPUT to merger/map_data.c.

What it does (docs/MAP.md explains the choices):
  1. Projection.  Metropolitan France (with Corsica) through a spherical
     Lambert conformal conic with the parallels of Lambert-93 (44 and 49
     degrees north, origin 46.5 N 3 E): the shape the French are used to.
     Each overseas département through an equirectangular projection
     scaled by the cosine of its own mean latitude, because it is drawn in
     its own inset at its own scale.
  2. Layout.  Every group is scaled to fit its box in a 1000 x 1000
     viewBox: the mainland at the top, the five overseas départements as
     framed insets along the bottom, and an enlarged "Paris et petite
     couronne" (75, 92, 93, 94) in the empty Channel corner, because at
     the national scale Paris is 10 units wide.
  3. Small islands.  Polygons (and holes) smaller than MIN_AREA square
     units are dropped, except each département's largest polygon, so
     every département stays on the map.
  4. Simplification.  The outlines share their vertices along common
     borders.  Rings are cut into arcs at the junctions (points with more
     than two neighbours), each arc is simplified once with
     Douglas-Peucker at TOLERANCE units and used by both sides, so the
     simplified départements still fit together without gaps or overlaps.
  5. Neighbours.  Two départements are neighbours when their outlines
     share at least one segment in the source (the source's borders are
     shared vertex for vertex); touching at a single point is not a
     border.  Computed on the source, before any simplification.
  6. Output.  Integer coordinates, one path per département: "M x y" then
     relative "l dx dy ..." per ring, "z" to close; holes are separate
     rings drawn with fill-rule evenodd.  A label point per département
     (the pole of inaccessibility of its largest polygon, the point
     farthest inside it), and whether a code label fits there.

The script checks what the C code relies on and stops with one line on
stderr otherwise: exactly the 101 codes of the COG, no inset overlapping
the mainland or another inset, every coordinate inside the viewBox, no
ring collapsed by the simplification.
"""

import csv
import heapq
import json
import math
import os
import sys

DEPT_COUNT = 101

VIEW_W, VIEW_H = 1000, 1000

# The mainland fills this box (x0, y0, x1, y1), centred, aspect kept.  Its
# lowest tenth is sea except Corsica on the right, so the inset row below
# may rise into the box on the left; the overlap check below keeps that honest.
METRO_BOX = (20, 8, 980, 868)

# Overseas insets: code, caption, box (x, y, w, h).  The geometry is fitted
# below the caption band, each at the scale that fills its box.
CAPTION_H = 16
INSETS = [
    ("971", "Guadeloupe", (8, 822, 152, 170)),
    ("972", "Martinique", (168, 822, 118, 170)),
    ("973", "Guyane", (294, 822, 160, 170)),
    ("974", "La Réunion", (462, 822, 170, 170)),
    ("976", "Mayotte", (640, 822, 140, 170)),
]

# Enlarged view of Paris and the petite couronne, in the sea above Brittany.
ZOOM_CODES = ("75", "92", "93", "94")
ZOOM_CAPTION = "Paris et petite couronne"
ZOOM_BOX = (8, 8, 170, 170)
ZOOM_PAD = 6                 # margin inside the zoom box around the shapes

# Douglas-Peucker tolerance in viewBox units (display units, so the insets,
# drawn larger, keep proportionally more detail).  0.8 unit is about 1 km on
# the mainland and gives ~50 kB of path data: below what the eye sees at the
# sizes a report is printed or shown, and small enough for one HTML file.
TOLERANCE = 0.8
# Islands below 3 square units (about 5 km^2 on the mainland) are dots at
# best; dropping them saves hundreds of tiny rings.
MIN_AREA = 3.0
# A code label (two or three characters at font size 12 in merger/map.c)
# needs a circle this large around its point to stay inside its outline.
LABEL_MIN_RADIUS = 7.0

INSET_PAD = 6                # margin inside an inset frame around the shape

# Licence Ouverte asks every reuse to name the source: the map says it
# itself, in the free corner right of the insets.
CREDIT = "Contours : IGN Admin Express, Licence Ouverte"


def die(msg):
    sys.stderr.write("gen-map: %s\n" % msg)
    sys.exit(1)


def insee_order(code):
    """Sort key of the table order: 01..19, 2A, 2B, 21..95, 971..976."""
    if code == "2A":
        return (20, 0)
    if code == "2B":
        return (20, 1)
    return (int(code), 0)


# ---------------------------------------------------------------- input

def read_codes(path):
    try:
        with open(path, encoding="utf-8", newline="") as f:
            rows = list(csv.DictReader(f))
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    codes = [r.get("DEP", "") for r in rows]
    if len(codes) != DEPT_COUNT or len(set(codes)) != DEPT_COUNT:
        die("%s: expected %d distinct départements" % (path, DEPT_COUNT))
    return sorted(codes, key=insee_order)


def clean_ring(ring, what):
    """Ring as a list of (lon, lat) tuples, closing point and repeats removed."""
    pts = []
    for p in ring:
        if len(p) < 2:
            die("%s: malformed coordinate %r" % (what, p))
        t = (float(p[0]), float(p[1]))
        if not pts or pts[-1] != t:
            pts.append(t)
    if len(pts) > 1 and pts[0] == pts[-1]:
        pts.pop()
    if len(pts) < 3:
        die("%s: ring with fewer than 3 points" % what)
    return pts


def read_geojson(path, codes):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    except ValueError as e:
        die("%s: not JSON (%s)" % (path, e))
    shapes = {}
    for feat in doc.get("features", []):
        code = feat.get("properties", {}).get("code")
        geom = feat.get("geometry") or {}
        if code not in codes:
            die("%s: unknown département code %r" % (path, code))
        if code in shapes:
            die("%s: département %s twice" % (path, code))
        if geom.get("type") == "Polygon":
            polys = [geom["coordinates"]]
        elif geom.get("type") == "MultiPolygon":
            polys = geom["coordinates"]
        else:
            die("%s: %s has geometry %r" % (path, code, geom.get("type")))
        shapes[code] = [[clean_ring(r, "%s %s" % (path, code)) for r in poly]
                        for poly in polys]
    missing = [c for c in codes if c not in shapes]
    if missing:
        die("%s: no outline for %s" % (path, ", ".join(missing)))
    return shapes


# ----------------------------------------------------------- projection

def lambert(lat1=44.0, lat2=49.0, lat0=46.5, lon0=3.0):
    """Spherical Lambert conformal conic; returns f(lon, lat) -> (x, y down)."""
    p1, p2, p0, l0 = (math.radians(v) for v in (lat1, lat2, lat0, lon0))

    def t(p):
        return math.tan(math.pi / 4 + p / 2)

    n = math.log(math.cos(p1) / math.cos(p2)) / math.log(t(p2) / t(p1))
    big_f = math.cos(p1) * t(p1) ** n / n
    rho0 = big_f / t(p0) ** n

    def proj(lon, lat):
        rho = big_f / t(math.radians(lat)) ** n
        theta = n * (math.radians(lon) - l0)
        return (rho * math.sin(theta), -(rho0 - rho * math.cos(theta)))
    return proj


def equirectangular(lat_mid):
    k = math.cos(math.radians(lat_mid))
    return lambda lon, lat: (lon * k, -lat)


def fit(points, box):
    """Transform placing the bounding box of points centred in box (x0,y0,x1,y1)."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    bx0, bx1, by0, by1 = min(xs), max(xs), min(ys), max(ys)
    s = min((box[2] - box[0]) / (bx1 - bx0), (box[3] - box[1]) / (by1 - by0))
    ox = box[0] + ((box[2] - box[0]) - (bx1 - bx0) * s) / 2 - bx0 * s
    oy = box[1] + ((box[3] - box[1]) - (by1 - by0) * s) / 2 - by0 * s
    return lambda p: (p[0] * s + ox, p[1] * s + oy)


def all_points(shapes, codes, outer_only=True):
    for c in codes:
        for poly in shapes[c]:
            for ring in (poly[:1] if outer_only else poly):
                yield from ring


# -------------------------------------------------------------- geometry

def area(ring):
    a = 0.0
    for i in range(len(ring)):
        x0, y0 = ring[i - 1]
        x1, y1 = ring[i]
        a += x0 * y1 - x1 * y0
    return abs(a) / 2


def seg_dist2(p, a, b):
    """Squared distance from point p to segment ab."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    if dx == 0 and dy == 0:
        return (p[0] - a[0]) ** 2 + (p[1] - a[1]) ** 2
    t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    x, y = a[0] + t * dx, a[1] + t * dy
    return (p[0] - x) ** 2 + (p[1] - y) ** 2


def douglas_peucker(pts, tol):
    """Indices kept of the open polyline pts (both ends always kept)."""
    keep = {0, len(pts) - 1}
    stack = [(0, len(pts) - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        best, best_d = -1, tol2
        for k in range(i + 1, j):
            d = seg_dist2(pts[k], pts[i], pts[j])
            if d > best_d:
                best, best_d = k, d
        if best >= 0:
            keep.add(best)
            stack.append((i, best))
            stack.append((best, j))
    return sorted(keep)


def farthest(pts, i, j):
    """Index strictly between i and j farthest from segment i-j, or -1."""
    best, best_d = -1, -1.0
    for k in range(i + 1, j):
        d = seg_dist2(pts[k], pts[i], pts[j])
        if d > best_d:
            best, best_d = k, d
    return best


def simplify_arc(pts, tol, force):
    """Simplified copy of the polyline pts.  A closed arc (first == last) is
    cut at its point farthest from the start so that it keeps an area.
    force: keep at least one interior point in every piece (used for the
    arcs of a ring that would otherwise collapse)."""
    if len(pts) <= 2:
        return list(pts)
    if pts[0] == pts[-1]:
        d = [(p[0] - pts[0][0]) ** 2 + (p[1] - pts[0][1]) ** 2 for p in pts]
        m = max(range(len(pts)), key=lambda k: d[k])
        pieces = [(0, m), (m, len(pts) - 1)]
        force = True   # a closed arc with only its two ends is a line
    else:
        pieces = [(0, len(pts) - 1)]
    keep = set()
    for i, j in pieces:
        idx = douglas_peucker(pts[i:j + 1], tol)
        if force and len(idx) == 2 and j - i > 1:
            idx.append(farthest(pts, i, j) - i)
        keep.update(i + k for k in idx)
    return [pts[k] for k in sorted(keep)]


def simplify_layer(rings, proj, tol):
    """Simplifies a list of rings (lists of source points) sharing borders.

    proj maps a source point to its float display position.  Returns the
    rings as lists of integer (x, y) display points, shared arcs simplified
    once so neighbours stay joined."""
    neighbours = {}
    for ring in rings:
        n = len(ring)
        for i, p in enumerate(ring):
            s = neighbours.setdefault(p, set())
            s.add(ring[i - 1])
            s.add(ring[(i + 1) % n])
    junction = {p for p, s in neighbours.items() if len(s) > 2}

    ring_arcs = []
    for ring in rings:
        cuts = [i for i, p in enumerate(ring) if p in junction]
        if not cuts:
            # A loop shared whole (an enclave and the hole around it) must
            # be cut at the same point by both rings: the smallest one.
            start = min(range(len(ring)), key=lambda i: ring[i])
            cuts = [start]
        arcs = []
        for k, c in enumerate(cuts):
            nxt = cuts[(k + 1) % len(cuts)]
            if nxt <= c:
                nxt += len(ring)
            arcs.append(tuple(ring[i % len(ring)] for i in range(c, nxt + 1)))
        ring_arcs.append(arcs)

    def canon(arc):
        rev = arc[::-1]
        return (arc, False) if arc <= rev else (rev, True)

    simplified = {}
    forced = set()

    def assemble():
        out = []
        for arcs in ring_arcs:
            pts = []
            for arc in arcs:
                key, rev = canon(arc)
                if key not in simplified:
                    disp = [proj(p) for p in key]
                    simplified[key] = simplify_arc(disp, tol, key in forced)
                s = simplified[key][::-1] if rev else simplified[key]
                pts.extend(s[:-1])
            ring = []
            for x, y in pts:
                q = (int(round(x)), int(round(y)))
                if not ring or ring[-1] != q:
                    ring.append(q)
            while len(ring) > 1 and ring[0] == ring[-1]:
                ring.pop()
            out.append(ring)
        return out

    out = assemble()
    bad = [i for i, r in enumerate(out) if len(set(r)) < 3 or area(r) == 0]
    if bad:
        for i in bad:
            for arc in ring_arcs[i]:
                key, _ = canon(arc)
                forced.add(key)
                simplified.pop(key, None)
        out = assemble()
    for i, r in enumerate(out):
        if len(set(r)) < 3 or area(r) == 0:
            die("a ring of %d points collapsed when simplified" % len(rings[i]))
    return out


def point_in_rings(x, y, rings):
    inside = False
    for ring in rings:
        n = len(ring)
        for i in range(n):
            ax, ay = ring[i - 1]
            bx, by = ring[i]
            if (ay > y) != (by > y) and x < (bx - ax) * (y - ay) / (by - ay) + ax:
                inside = not inside
    return inside


def signed_dist(x, y, rings):
    """Distance from (x, y) to the outline, negative outside (evenodd)."""
    d2 = min(seg_dist2((x, y), ring[i - 1], ring[i])
             for ring in rings for i in range(len(ring)))
    d = math.sqrt(d2)
    return d if point_in_rings(x, y, rings) else -d


def polylabel(rings, precision=0.25):
    """Pole of inaccessibility of the polygon rings (outer ring first):
    the inside point farthest from the outline (Mapbox's polylabel
    method: best-first search over a quadtree of cells).  Returns
    (x, y, radius)."""
    xs = [p[0] for p in rings[0]]
    ys = [p[1] for p in rings[0]]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    size = min(x1 - x0, y1 - y0)
    if size <= 0:
        return (x0, y0, 0.0)
    h = size / 2
    heap = []
    counter = 0

    def push(cx, cy, ch):
        nonlocal counter
        d = signed_dist(cx, cy, rings)
        heapq.heappush(heap, (-(d + ch * math.sqrt(2)), counter, cx, cy, ch, d))
        counter += 1

    x = x0
    while x < x1:
        y = y0
        while y < y1:
            push(x + h, y + h, h)
            y += size
        x += size
    # Start from the centroid of the outer ring when it is inside.
    a = cx = cy = 0.0
    ring = rings[0]
    for i in range(len(ring)):
        (ax, ay), (bx, by) = ring[i - 1], ring[i]
        f = ax * by - bx * ay
        cx += (ax + bx) * f
        cy += (ay + by) * f
        a += f * 3
    best = ((x0 + x1) / 2, (y0 + y1) / 2)
    if a != 0:
        best = (cx / a, cy / a)
    best_d = signed_dist(best[0], best[1], rings)
    while heap:
        neg_max, _, cx, cy, ch, d = heapq.heappop(heap)
        if d > best_d:
            best, best_d = (cx, cy), d
        if -neg_max - best_d <= precision:
            continue
        ch /= 2
        for dx in (-ch, ch):
            for dy in (-ch, ch):
                push(cx + dx, cy + dy, ch)
    return (best[0], best[1], best_d)


# ------------------------------------------------------------ neighbours

def neighbours(shapes, codes, overseas):
    """{code: [neighbour codes in table order]}: the départements whose
    outlines share at least one segment with it in the source.  The source
    draws a common border with the same vertices on both sides, so a
    shared segment is an exact match; départements meeting at one point
    only (a quadripoint) are not neighbours."""
    edges = {}
    for c in codes:
        for poly in shapes[c]:
            for ring in poly:
                for i, p in enumerate(ring):
                    q = ring[i - 1]
                    edges.setdefault((min(p, q), max(p, q)), set()).add(c)
    near = {c: set() for c in codes}
    for owners in edges.values():
        for a in owners:
            near[a].update(owners - {a})
    for c in codes:
        if c in overseas and near[c]:
            die("overseas département %s shares a border with %s" % (c, sorted(near[c])))
        if c not in overseas and not near[c]:
            die("%s shares a border with no other département" % c)
    return {c: sorted(near[c], key=insee_order) for c in codes}


# ---------------------------------------------------------------- output

def path_data(polys):
    """SVG path data of polygons (lists of integer rings)."""
    parts = []
    for poly in polys:
        for ring in poly:
            s = "M%d %d" % ring[0]
            nums = []
            for (ax, ay), (bx, by) in zip(ring, ring[1:]):
                nums.append(bx - ax)
                nums.append(by - ay)
            if nums:
                s += "l"
                for k, v in enumerate(nums):
                    if k > 0 and v >= 0:
                        s += " "
                    s += str(v)
            parts.append(s + "z")
    return "".join(parts)


def boxes_overlap(a, b):
    """a, b as (x0, y0, x1, y1)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def layer(shapes, codes, proj, place, what):
    """Projects, filters and simplifies the départements codes.  Returns
    {code: [polygon, ...]} with polygons as lists of integer rings."""
    rings, owner = [], []
    for c in codes:
        polys = shapes[c]
        disp = [[[place(proj(*p)) for p in r] for r in poly] for poly in polys]
        largest = max(range(len(polys)), key=lambda k: area(disp[k][0]))
        for k, poly in enumerate(polys):
            if k != largest and area(disp[k][0]) < MIN_AREA:
                continue
            for r, ring in enumerate(poly):
                if r > 0 and area(disp[k][r]) < MIN_AREA:
                    continue
                rings.append(ring)
                owner.append((c, k, r))
    simple = simplify_layer(rings, lambda p: place(proj(*p)), TOLERANCE)
    out = {c: [] for c in codes}
    last = None
    for (c, k, r), ring in zip(owner, simple):
        if r == 0:
            out[c].append([ring])
            last = (c, k)
        elif last == (c, k):
            out[c][-1].append(ring)
    for c in codes:
        for poly in out[c]:
            for ring in poly:
                for x, y in ring:
                    if not (0 <= x <= VIEW_W and 0 <= y <= VIEW_H):
                        die("%s: %s leaves the viewBox at (%d, %d)" % (what, c, x, y))
    return out


def label_point(polys):
    best = max(polys, key=lambda poly: area(poly[0]))
    x, y, r = polylabel(best)
    return (int(round(x)), int(round(y)), r)


def c_string(s):
    if any(ch in s for ch in '"\\') or any(ord(ch) < 0x20 for ch in s):
        die("%r holds a character this script does not escape" % s)
    return '"%s"' % s


def c_lines(s, indent, width=88):
    """A long C string split into adjacent literals of at most width chars."""
    chunks = [s[i:i + width] for i in range(0, len(s), width)] or [""]
    return ["%s%s" % (indent, c_string(ch)) for ch in chunks]


def main():
    src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    refdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(src, "..", "shared", "reference")
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(src, "merger", "map_data.c")

    codes = read_codes(os.path.join(refdir, "departements.csv"))
    shapes = read_geojson(os.path.join(refdir, "departements-avec-outre-mer.geojson"), codes)
    overseas = [c for c, _, _ in INSETS]
    metro = [c for c in codes if c not in overseas]
    if sorted(overseas + metro, key=insee_order) != codes:
        die("the insets do not cover the overseas départements")

    # Mainland and its zoom share one projection.
    lcc = lambert()
    metro_place = fit([lcc(*p) for p in all_points(shapes, metro)], METRO_BOX)
    polys = layer(shapes, metro, lcc, metro_place, "mainland")

    frames = []
    for code, caption, (x, y, w, h) in INSETS:
        pts = list(all_points(shapes, [code]))
        proj = equirectangular(sum(p[1] for p in pts) / len(pts))
        box = (x + INSET_PAD, y + CAPTION_H + INSET_PAD, x + w - INSET_PAD, y + h - INSET_PAD)
        place = fit([proj(*p) for p in pts], box)
        polys.update(layer(shapes, [code], proj, place, caption))
        frames.append((caption, codes.index(code), x, y, w, h))

    zx, zy, zw, zh = ZOOM_BOX
    zbox = (zx + ZOOM_PAD, zy + CAPTION_H + ZOOM_PAD, zx + zw - ZOOM_PAD, zy + zh - ZOOM_PAD)
    zoom_place = fit([lcc(*p) for p in all_points(shapes, ZOOM_CODES)], zbox)
    zoom = layer(shapes, list(ZOOM_CODES), lcc, zoom_place, ZOOM_CAPTION)
    frames.append((ZOOM_CAPTION, -1, zx, zy, zw, zh))

    # Where the zoom comes from, outlined on the mainland.
    src_pts = [p for c in ZOOM_CODES for poly in polys[c] for ring in poly for p in ring]
    marker = (min(p[0] for p in src_pts) - 2, min(p[1] for p in src_pts) - 2,
              max(p[0] for p in src_pts) + 2, max(p[1] for p in src_pts) + 2)

    # The frames must not cover the mainland, nor each other.
    rects = [(x, y, x + w, y + h) for _, _, x, y, w, h in frames]
    for i, a in enumerate(rects):
        for j in range(i + 1, len(rects)):
            if boxes_overlap(a, rects[j]):
                die("insets %s and %s overlap" % (frames[i][0], frames[j][0]))
        for c in metro:
            for poly in polys[c]:
                for px, py in poly[0]:
                    if a[0] - 1 <= px <= a[2] + 1 and a[1] - 1 <= py <= a[3] + 1:
                        die("inset %s covers %s at (%d, %d)" % (frames[i][0], c, px, py))

    near = neighbours(shapes, codes, overseas)
    near_max = max(len(v) for v in near.values())

    depts = []
    total = 0
    for c in codes:
        x, y, r = label_point(polys[c])
        show = 1 if r >= LABEL_MIN_RADIUS and c not in ZOOM_CODES else 0
        d = path_data(polys[c])
        total += len(d)
        depts.append((c, d, x, y, show))
    zooms = []
    for c in ZOOM_CODES:
        x, y, r = label_point(zoom[c])
        if r < LABEL_MIN_RADIUS:
            die("zoom: no room for the label of %s" % c)
        d = path_data(zoom[c])
        total += len(d)
        zooms.append((codes.index(c), d, x, y))

    lines = []
    w = lines.append
    w("/*")
    w(" * map_data.c - the outlines of the 101 départements for the HTML report.")
    w(" *")
    w(" * GENERATED by tools/gen-map.py from departements-avec-outre-mer.geojson")
    w(" * (gregoiredavid/france-geojson, derived from IGN Admin Express, Licence")
    w(" * Ouverte / Etalab) and departements.csv (INSEE COG, for the order).  Do")
    w(" * not edit by hand: change the script, run it, commit both.")
    w(" *")
    w(" * Mainland: spherical Lambert conformal conic (parallels 44 and 49 N,")
    w(" * origin 46.5 N 3 E).  Overseas départements: equirectangular at their own")
    w(" * mean latitude, each in a framed inset at its own scale.  Islands under")
    w(" * %g square units dropped (never a département's largest polygon);" % MIN_AREA)
    w(" * shared borders cut into arcs at the junctions and each arc simplified")
    w(" * once by Douglas-Peucker at %g unit, so neighbours still fit;" % TOLERANCE)
    w(" * integer coordinates in a viewBox of 0 0 %d %d.  docs/MAP.md has the" % (VIEW_W, VIEW_H))
    w(" * details.  Path data: %d bytes." % total)
    w(" */")
    w('#include "map.h"')
    w("")
    w("_Static_assert(MAP_VIEW_W == %d && MAP_VIEW_H == %d && MAP_ZOOM_COUNT == %d &&"
      % (VIEW_W, VIEW_H, len(zooms)))
    w("\t       MAP_FRAME_COUNT == %d && MAP_NEIGHBOURS_MAX == %d,"
      % (len(frames), near_max))
    w("\t       \"map.h does not match tools/gen-map.py\");")
    w("")
    w("const struct map_dept MAP_DEPTS[DEPT_COUNT] = {")
    for c, d, x, y, show in depts:
        w("\t{ %s, %d, %d, %d," % (c_string(c), x, y, show))
        lines.extend(c_lines(d, "\t  "))
        w("\t},")
    w("};")
    w("")
    w("const struct map_zoom MAP_ZOOM[MAP_ZOOM_COUNT] = {")
    for idx, d, x, y in zooms:
        w("\t{ %d, %d, %d," % (idx, x, y))
        lines.extend(c_lines(d, "\t  "))
        w("\t},")
    w("};")
    w("")
    w("const struct map_frame MAP_FRAMES[MAP_FRAME_COUNT] = {")
    for caption, idx, x, y, fw, fh in frames:
        w("\t{ %s, %d, %d, %d, %d, %d }," % (c_string(caption), idx, x, y, fw, fh))
    w("};")
    w("")
    w("const char MAP_CREDIT[] = %s;" % c_string(CREDIT))
    w("")
    w("const struct map_rect MAP_ZOOM_SOURCE = { %d, %d, %d, %d };" % (
        marker[0], marker[1], marker[2] - marker[0], marker[3] - marker[1]))
    w("")
    w("/* Départements whose outlines share a segment in the source, as indices")
    w(" * into DEPTS in DEPTS order, -1 after the last (docs/MAP.md). */")
    w("const signed char MAP_NEIGHBOURS[DEPT_COUNT][MAP_NEIGHBOURS_MAX + 1] = {")
    for c in codes:
        idx = "".join("%d, " % codes.index(n) for n in near[c])
        w("\t{ %s-1 },%s/* %s: %s */" % (idx, " " * max(1, 40 - len(idx)), c,
                                        " ".join(near[c]) or "none"))
    w("};")
    text = "\n".join(lines) + "\n"

    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, out)
    sys.stderr.write("gen-map: %s: %d bytes (%d of path data)\n" % (out, len(text.encode()), total))


if __name__ == "__main__":
    main()
