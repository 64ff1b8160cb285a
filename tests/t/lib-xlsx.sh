# lib-xlsx.sh - reading a workbook (.xlsx) back, with python3's zipfile
# and xml.etree only, for the tests of --format xlsx.  Sourced after
# test-lib.sh.
#
#   xlsx_dump FILE      one line per worksheet and per cell:
#                         sheet NAME frozen=ROWS cols=N widths=W,W,...
#                         NAME!REF<TAB>TYPE<TAB>VALUE<TAB>STYLE
#                       TYPE is s (shared string), n (number), f (a
#                       formula, which must never appear) or the XML's t;
#                       STYLE is the number format and "fill:RGB" when
#                       the cell is shaded (headers, suppressed counts).
#   xlsx_vs_json XLSX JSON
#                       checks every département and national total of
#                       the workbook against the JSON report; prints the
#                       differences, fails when there is one.

xlsx_dump() {
	python3 - "$1" <<-'EOF'
	import sys, zipfile, xml.etree.ElementTree as ET
	NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
	      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
	REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
	z = zipfile.ZipFile(sys.argv[1])
	assert z.testzip() is None
	strings = []
	if "xl/sharedStrings.xml" in z.namelist():
	    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
	        strings.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
	styles = ET.fromstring(z.read("xl/styles.xml"))
	fmts = {int(f.get("numFmtId")): f.get("formatCode")
	        for f in styles.findall("m:numFmts/m:numFmt", NS)}
	xfs = styles.findall("m:cellXfs/m:xf", NS)
	fills = styles.findall("m:fills/m:fill", NS)
	def style(s):
	    if s is None:
	        return ""
	    xf = xfs[int(s)]
	    out = []
	    fid = int(xf.get("numFmtId", "0"))
	    if fid:
	        out.append(fmts.get(fid, "builtin%d" % fid))
	    if int(xf.get("fillId", "0")) > 1:
	        fg = fills[int(xf.get("fillId"))].find(".//m:fgColor", NS)
	        out.append("fill:" + (fg.get("rgb", "?") if fg is not None else "?"))
	    return " ".join(out)
	rels = {r.get("Id"): r.get("Target") for r in
	        ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
	wb = ET.fromstring(z.read("xl/workbook.xml"))
	for sh in wb.findall("m:sheets/m:sheet", NS):
	    name = sh.get("name")
	    ws = ET.fromstring(z.read("xl/" + rels[sh.get(REL)]))
	    pane = ws.find("m:sheetViews/m:sheetView/m:pane", NS)
	    frozen = pane.get("ySplit") if pane is not None and pane.get("state") == "frozen" else "0"
	    widths = [c.get("width") for c in ws.findall("m:cols/m:col", NS)]
	    print("sheet %s frozen=%s cols=%d widths=%s" % (name, frozen, len(widths),
	          ",".join("%.0f" % float(w) for w in widths)))
	    for c in ws.iter("{%s}c" % NS["m"]):
	        t = c.get("t", "n")
	        v = c.find("m:v", NS)
	        if c.find("m:f", NS) is not None:
	            t = "f"
	        val = "" if v is None else v.text
	        if t == "s":
	            val = strings[int(val)]
	        print("%s!%s\t%s\t%s\t%s" % (name, c.get("r"), t,
	              val.replace("\n", "\\n").replace("\t", "\\t"), style(c.get("s"))))
	EOF
}

xlsx_vs_json() {
	xlsx_dump "$1" >"$1.dump" &&
	python3 - "$1.dump" "$2" <<-'EOF'
	import sys, json, re
	cells, sheets = {}, {}
	for line in open(sys.argv[1], encoding="utf-8"):
	    line = line.rstrip("\n")
	    if line.startswith("sheet "):
	        continue
	    ref, t, v, st = line.split("\t")
	    sheet, a1 = ref.rsplit("!", 1)
	    col, row = re.match(r"([A-Z]+)(\d+)", a1).groups()
	    sheets.setdefault(sheet, {}).setdefault(int(row), {})[col] = (t, v, st)
	def table(name):
	    rows = sheets[name]
	    head = {v[1]: c for c, v in rows[1].items()}
	    return head, [rows[r] for r in sorted(rows) if r > 1]
	def num(cell):
	    t, v, st = cell
	    if t == "n":
	        return int(float(v)) if float(v).is_integer() else float(v)
	    assert "fill:FFD9D9D9" in st, "a text count not marked: %r" % (cell,)
	    return v
	doc = json.load(open(sys.argv[2], encoding="utf-8"))
	bad = 0
	head, rows = table("Départements")
	if len(rows) != len(doc["departements"]):
	    print("départements: %d rows, JSON %d" % (len(rows), len(doc["departements"])))
	    bad += 1
	for row, d in zip(rows, doc["departements"]):
	    got = {k: row[head[h]] for k, h in (("code", "Code"), ("name", "Département"),
	           ("organisations", "Acteurs"), ("supported", "Victimes accompagnées"),
	           ("spotted", "Victimes repérées"), ("trainings", "Formations"),
	           ("participants", "Participant·es"))}
	    if got["code"][0] != "s" or got["name"][0] != "s":
	        print("%s: code or name not a string" % d["code"]); bad += 1
	    for k in ("organisations", "supported", "spotted", "trainings", "participants"):
	        if num(got[k]) != d[k]:
	            print("%s %s: %r, JSON %r" % (d["code"], k, got[k], d[k])); bad += 1
	    if got["code"][1] != d["code"] or got["name"][1] != d["name"]:
	        print("%s: named %r" % (d["code"], got["name"])); bad += 1
	head, rows = table("Totaux")
	for row in rows:
	    dim, code = row[head["Dimension"]][1], row[head["Code"]][1]
	    j = doc["totals"] if dim == "total" else doc["totals"]["by_" + dim][code]
	    for k, h in (("supported", "Victimes accompagnées"), ("spotted", "Victimes repérées")):
	        if num(row[head[h]]) != j[k]:
	            print("totals %s %s %s: %r, JSON %r" % (dim, code, k, row[head[h]], j[k])); bad += 1
	    for k, h in (("supported_share", "Part des accompagnées"),
	                 ("spotted_share", "Part des repérées")):
	        cell = row.get(head[h])
	        share = None if cell is None else round(float(cell[1]) * 100, 1)
	        if share != j[k]:
	            print("totals %s %s %s: %r, JSON %r" % (dim, code, k, cell, j[k])); bad += 1
	sys.exit(1 if bad else 0)
	EOF
}
