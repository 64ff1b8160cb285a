#!/bin/sh
# t5210-exchange.sh - merger export: the aggregate of a period as DHIS2
# dataValueSets (JSON, CSV) and ADX XML, parsed back with python3's
# parsers and reconciled value by value with merger report --format json;
# the Eurostat-shaped CSV; the open-data CSV with small-count suppression
# and its note; the mapping of every code; the refusals.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800   # 2026-01-01 12:00 UTC

# Beside the victims of lib-report.sh (2025): other tables of the
# questionnaire, with a country of each citizenship group.
more_counts() {
	sqlite3 "$MERGER_HOME/national.db" <<-'EOF'
	INSERT INTO count(id, org_id, "table", period, dept, dim1, dim2, dim3, dim4,
	                  count, recorded_at) VALUES
	 (X'e1', 1, 'victims-origin', '2025', '75', 'supported', 'NG', NULL, NULL, 7, 1),
	 (X'e2', 1, 'victims-origin', '2025', '93', 'supported', 'FR', NULL, NULL, 2, 1),
	 (X'e3', 2, 'victims-origin', '2025-Q3', '69', 'spotted', 'RO', NULL, NULL, 3, 1),
	 (X'e4', 2, 'victims-origin', '2025-Q3', '69', 'supported', 'unknown', NULL, NULL, 1, 1),
	 (X'e5', 1, 'victims-origin', '2025', '75', 'spotted', 'GP', NULL, NULL, 4, 1),
	 (X'e6', 2, 'complaints', '2025', '69', 'sexual', 'f', NULL, NULL, 2, 1),
	 (X'e7', 1, 'complaints', '2025', '75', 'sexual', 'f', NULL, NULL, 9, 1),
	 (X'e8', 1, 'minors-at-start', '2025', '75', 'minor', 'f', NULL, NULL, 1, 1),
	 (X'e9', 3, 'referrals', '2025', '13', 'legal-aid', 'adult', NULL, NULL, 0, 1);
	EOF
}

cat >check.py <<'EOF'
import csv, json, sys, xml.etree.ElementTree as ET
from collections import defaultdict

ADX = "{urn:ihe:qrph:adx:2015}"

def mapping(path):
    m = {"de": {}, "opt": defaultdict(set), "ou": set()}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            if row["type"] == "dataElement":
                m["de"][row["code"]] = row["detail"]
            elif row["type"] == "categoryOption":
                m["opt"][row["detail"]].add(row["code"])
            elif row["type"] == "orgUnit":
                m["ou"].add(row["code"])
    return m

def dhis2_json(path, ou, period):
    d = json.load(open(path))
    assert d["dataSet"] == "maillage" and d["orgUnit"] == ou and d["period"] == period, d
    vals = {}
    for v in d["dataValues"]:
        assert v["orgUnit"] == ou and v["period"] == period, v
        assert isinstance(v["value"], str) and v["value"].isdigit(), v
        key = (v["dataElement"], v["categoryOptionCombo"])
        assert key not in vals, key
        vals[key] = int(v["value"])
    return vals

def dhis2_csv(path, ou, period):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["dataelement", "period", "orgunit", "catoptcombo", "attroptcombo",
                       "value", "storedby", "lastupdated", "comment", "followup"], rows[0]
    vals = {}
    for r in rows[1:]:
        assert r[1] == period and r[2] == ou and r[4] == "" and r[9] == "false", r
        vals[(r[0], r[3])] = int(r[5])
    return vals

def adx(path, ou, interval, m):
    root = ET.parse(path).getroot()
    assert root.tag == ADX + "adx", root.tag
    assert set(root.attrib) == {"exported"}, root.attrib
    assert root.attrib["exported"].endswith("Z") and "T" in root.attrib["exported"]
    groups = list(root)
    assert len(groups) == 1 and groups[0].tag == ADX + "group", groups
    g = groups[0]
    assert g.attrib == {"dataSet": "maillage", "orgUnit": ou, "period": interval}, g.attrib
    vals = {}
    for dv in g:
        assert dv.tag == ADX + "dataValue" and len(dv) == 0, dv.tag
        a = dict(dv.attrib)
        de = a.pop("dataElement")
        value = a.pop("value")
        float(value)   # xs:decimal
        dims = m["de"][de]
        if dims == "default":
            assert a == {}, a
            coc = "default"
        else:
            names = dims.split(".")
            assert set(a) == set(names), (a, names)
            for n in names:
                assert a[n] in m["opt"][n], (n, a[n])
            coc = ".".join(a[n] for n in names)
        vals[(de, coc)] = int(value)
    return vals

def reconcile(vals, report, m, dept=None):
    """Every number of the report is the sum of the export's values."""
    tables = report["tables"]
    sums = defaultdict(int)
    for (de, coc), n in vals.items():
        assert de in m["de"], de
        table, _, status = de.partition(".")
        dims = m["de"][de]
        codes = [] if coc == "default" else coc.split(".")
        names = [] if dims == "default" else dims.split(".")
        assert len(codes) == len(names), (de, coc)
        for n_, c in zip(names, codes):
            assert c in m["opt"][n_], (n_, c)
            sums[(table, status, n_, c)] += n
        sums[(table, status, "total", "all")] += n
        if status:
            # the same value, all statuses together
            sums[(table, "", "status", status)] += n
            sums[(table, "", "total", "all")] += n
            for n_, c in zip(names, codes):
                sums[(table, "", n_, c)] += n
    checked = 0
    for code, t in tables.items():
        if dept is None:
            assert sums[(code, "", "total", "all")] == t["total"], (code, t["total"])
            for list_code, values in t["dimensions"].items():
                for v, n in values.items():
                    assert sums[(code, "", list_code, v)] == n, (code, list_code, v, n)
                    checked += 1
        else:
            assert sums[(code, "", "total", "all")] == t["departements"][dept], code
        checked += 1
    for st in ("supported", "spotted"):
        if dept is None:
            tot = report["totals"]
            assert sums[("victims", st, "total", "all")] == tot[st], st
            for key, list_code in (("by_exploitation", "exploitation"), ("by_sex", "sex"),
                                   ("by_age", "age")):
                for v, cell in tot[key].items():
                    assert sums[("victims", st, list_code, v)] == cell[st], (st, v)
                    checked += 1
        else:
            d = [x for x in report["departements"] if x["code"] == dept][0]
            assert sums[("victims", st, "total", "all")] == d[st], (dept, st)
        checked += 1
    return checked

what = sys.argv[1]
if what == "national":
    m = mapping("map.csv")
    rep = json.load(open("report.json"))
    j = dhis2_json("fr.json", "FR", sys.argv[2])
    c = dhis2_csv("fr.csv", "FR", sys.argv[2])
    x = adx("fr.xml", "FR", sys.argv[3], m)
    assert j == c == x, (j, c, x)
    assert j, "nothing exported"
    print("checked", reconcile(j, rep, m), "numbers of the report")
elif what == "dept":
    m = mapping("map.csv")
    rep = json.load(open("report.json"))
    d = sys.argv[2]
    j = dhis2_json("d.json", d, sys.argv[3])
    assert j == dhis2_csv("d.csv", d, sys.argv[3]) == adx("d.xml", d, sys.argv[4], m)
    reconcile(j, rep, m, d)
    json.dump(sorted([list(k) + [v] for k, v in j.items()]), open("dept-" + d + ".json", "w"))
elif what == "sum":
    # the départements' values add up to the nation's, cell by cell
    total = defaultdict(int)
    for path in sys.argv[2:]:
        for de, coc, n in json.load(open(path)):
            total[(de, coc)] += n
    fr = dhis2_json("fr.json", "FR", "2025")
    assert dict(total) == fr, (dict(total), fr)
EOF

test_expect_success 'fixture' '
	report_fixture && more_counts &&
	merger export --format mapping -o map.csv 2>/dev/null &&
	test "$(stat -c %a map.csv)" = 600
'

test_expect_success 'national DHIS2 JSON, DHIS2 CSV and ADX agree with the report, value by value' '
	merger report --period 2025 --format json >report.json &&
	merger export --period 2025 --format dhis2-json >fr.json &&
	merger export --period 2025 --format dhis2-csv >fr.csv &&
	merger export --period 2025 --format adx -o fr.xml 2>err &&
	grep -q "fr.xml: adx export for 2025 written" err &&
	python3 check.py national 2025 2025-01-01/P1Y >out &&
	cat out && grep -q "^checked [0-9][0-9]* numbers" out
'

test_expect_success 'the codes: data elements, combinations, periods' '
	grep -q "{\"dataElement\": \"victims.supported\", \"period\": \"2025\", \"orgUnit\": \"FR\", \"categoryOptionCombo\": \"sexual.f.adult\", \"value\": \"12\"}" fr.json &&
	grep -q "{\"dataElement\": \"complaints\", \"period\": \"2025\", \"orgUnit\": \"FR\", \"categoryOptionCombo\": \"sexual.f\", \"value\": \"11\"}" fr.json &&
	grep -q "^referrals,2025,FR,legal-aid.adult,,0,,,,false" fr.csv &&
	grep -q "<dataValue dataElement=\"victims-origin.spotted\" country=\"RO\" value=\"3\"/>" fr.xml &&
	grep -q "^dataElement,victims.supported,.*,exploitation.sex.age" map.csv &&
	grep -q "^categoryOption,NG,Nigeria,Nigeria,country" map.csv &&
	grep -q "^orgUnit,2A,Corse-du-Sud,Corse-du-Sud,FR" map.csv
'

test_expect_success 'per département: each agrees with the report, and they add up to the nation' '
	for d in 13 69 75 93; do
		merger export --period 2025 --format dhis2-json --dept $d >d.json &&
		merger export --period 2025 --format dhis2-csv --dept $d >d.csv &&
		merger export --period 2025 --format adx --dept $d >d.xml &&
		python3 check.py dept $d 2025 2025-01-01/P1Y || { echo "dept $d"; return 1; }
	done &&
	python3 check.py sum dept-13.json dept-69.json dept-75.json dept-93.json &&
	merger export --period 2025 --format dhis2-json --dept 2a >empty.json &&
	python3 -c "
import json
d = json.load(open(\"empty.json\"))
assert d[\"orgUnit\"] == \"2A\" and d[\"dataValues\"] == [], d
"
'

test_expect_success 'quarters and months in DHIS2 and ADX notation' '
	merger report --period 2025-Q3 --format json >report.json &&
	merger export --period 2025-q3 --format dhis2-json >fr.json &&
	merger export --period 2025-Q3 --format dhis2-csv >fr.csv &&
	merger export --period 2025-Q3 --format adx >fr.xml &&
	python3 check.py national 2025Q3 2025-07-01/P3M &&
	merger report --period 2025-02 --format json >report.json &&
	merger export --period 2025-02 --format dhis2-json >fr.json &&
	merger export --period 2025-02 --format dhis2-csv >fr.csv &&
	merger export --period 2025-02 --format adx >fr.xml &&
	python3 check.py national 202502 2025-02-01/P1M
'

test_expect_success 'Eurostat: victims by form, by age, by citizenship, with totals' '
	merger export --period 2025 --format eurostat >eu.csv &&
	python3 - <<-EOF
	import csv
	rows = list(csv.DictReader(open("eu.csv", newline="")))
	assert list(rows[0]) == ["DATAFLOW", "freq", "unit", "leg_stat", "sex", "age",
	    "citizen", "exploit", "geo", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"], list(rows[0])
	flows = {}
	for r in rows:
	    assert r["freq"] == "A" and r["unit"] == "NR" and r["leg_stat"] == "VICT", r
	    assert r["geo"] == "FR" and r["TIME_PERIOD"] == "2025", r
	    flows.setdefault(r["DATAFLOW"], {})[(r["sex"], r["age"], r["citizen"],
	        r["exploit"])] = int(r["OBS_VALUE"])
	assert sorted(flows) == ["CRIM_THB_VAGE", "CRIM_THB_VCTZ", "CRIM_THB_VEXP"], flows
	assert len(flows["CRIM_THB_VEXP"]) == 20 and len(flows["CRIM_THB_VAGE"]) == 16
	x, a, c = flows["CRIM_THB_VEXP"], flows["CRIM_THB_VAGE"], flows["CRIM_THB_VCTZ"]
	# supported 25 + spotted 34, from lib-report.sh
	assert x[("T", "TOTAL", "TOTAL", "TOTAL")] == 59 == a[("T", "TOTAL", "TOTAL", "TOTAL")]
	assert x[("F", "TOTAL", "TOTAL", "SEX_EXP")] == 29, x
	# labour 29 and domestic servitude 1 are forced labour
	assert x[("T", "TOTAL", "TOTAL", "LAB_EXP")] == 30, x
	assert a[("F", "Y_LT18", "TOTAL", "TOTAL")] == 9, a
	for e in ("SEX_EXP", "LAB_EXP", "OTH_EXP", "UNK", "TOTAL"):
	    assert sum(x[(s, "TOTAL", "TOTAL", e)] for s in ("F", "M", "UNK")) == \
	        x[("T", "TOTAL", "TOTAL", e)], e
	# FR and Guadeloupe: reporting country; Romania: EU; Nigeria: non-EU
	assert c == {("T", "TOTAL", "NAT", "TOTAL"): 6,
	             ("T", "TOTAL", "EU27_2020_FOR", "TOTAL"): 3,
	             ("T", "TOTAL", "NEU27_2020_FOR", "TOTAL"): 7,
	             ("T", "TOTAL", "UNK", "TOTAL"): 1,
	             ("T", "TOTAL", "TOTAL", "TOTAL"): 17}, c
	EOF
'

test_expect_success 'open data: every exported cell suppressed, with its note' '
	merger export --period 2025 --format csv -o priv.csv 2>/dev/null &&
	merger export --period 2025 --format csv --public -o open.csv 2>err &&
	grep -q "open.csv: csv export for 2025 written (public: small counts suppressed; note in open.csv.txt)" err &&
	test "$(stat -c %a open.csv)" = 644 && test "$(stat -c %a priv.csv)" = 600 &&
	grep -q "every count from 1 to 4 is hidden" open.csv.txt &&
	grep -q "open.csv - Maillage open data, period 2025" open.csv.txt &&
	python3 - <<-EOF
	import csv
	pub = list(csv.DictReader(open("open.csv", newline="")))
	priv = list(csv.DictReader(open("priv.csv", newline="")))
	assert len(pub) == len(priv) > 500, (len(pub), len(priv))
	small = 0
	for p, q in zip(pub, priv):
	    assert [p[k] for k in ("table", "status", "dimension", "code")] == \
	           [q[k] for k in ("table", "status", "dimension", "code")]
	    assert q["state"] == "shown", q
	    if p["state"] == "shown":
	        assert p["count"] == q["count"], (p, q)
	        assert not 1 <= int(p["count"]) <= 4, p
	    else:
	        assert p["count"] == "s" and p["state"] == "hidden", p
	        small += 1
	    assert p["count"] not in ("1", "2", "3", "4"), p
	assert small > 0
	# a small cell of the private file is hidden in the public one
	q = [x for x in priv if x["table"] == "victims-origin" and x["code"] == "RO"][0]
	assert q["count"] == "3"
	EOF
'

test_expect_success 'open data with a higher threshold' '
	merger export --period 2025 --format csv --public --threshold 10 -o open10.csv 2>/dev/null &&
	grep -q "every count from 1 to 9 is hidden" open10.csv.txt &&
	! grep -E ",([1-9]),shown" open10.csv
'

test_expect_success 'refusals leave no file behind' '
	test_exit_code 2 merger export --period 2025 &&
	test_exit_code 2 merger export --format sdmx -o x.out &&
	test_exit_code 2 merger export --format dhis2-json --public -o x.out &&
	test_exit_code 2 merger export --format csv --public &&
	test_exit_code 2 merger export --format csv --threshold 10 -o x.out &&
	test_exit_code 2 merger export --format eurostat --dept 75 -o x.out &&
	test_exit_code 2 merger export --format adx --period 2025-13 -o x.out &&
	test_exit_code 1 merger export --format adx --dept 20 -o x.out 2>err &&
	grep -q "unknown département code \"20\"" err &&
	test ! -e x.out && test ! -e x.out.txt
'

test_expect_success 'ADX refuses a dimension whose code cannot name an attribute' '
	export MERGER_HOME=$TRASH/odd &&
	merger init >/dev/null &&
	cp -r "$SAMPLES/questionnaire" q &&
	printf "value,,Valeur,Value,,\nvalue,v1,Un,One,,\n" >>q/lists.csv &&
	printf "odd,Bizarre,Odd,Aide.,value,,,,\n" >>q/tables.csv &&
	merger questionnaire publish q 2>/dev/null &&
	test_exit_code 1 merger export --format adx -o odd.xml 2>err &&
	grep -qx "merger: export: the list value of table odd cannot name an ADX attribute" err &&
	test ! -e odd.xml &&
	merger export --format dhis2-json >odd.json
'

test_done
