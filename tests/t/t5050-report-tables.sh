#!/bin/sh
# t5050-report-tables.sh - every count table of the questionnaire in every
# report format: the same counting rules as the victims (a period's own
# record over its sub-periods, the newest record of an organisation,
# never summed), breakdowns by dimension and by rollup (countries into
# world regions), retired tables and values, and --public suppression
# over every table, checked by a leak check written independently of
# suppress.c.
#
# Expected values, by hand, for 2025 (on top of lib-report.sh's victims):
#
#   victims-origin (status x country):
#     75 supported NG: 2025 = 10, then 12 recorded later (the newest:
#        12); months 01 = 3, 02 = 4 (the year wins: 12).
#     93 spotted RO: Q1 = 2 and months 01 = 1, 02 = 1 (the quarter: 2),
#        04 = 5: 7.
#     69 (Barreau): supported NG Q3 = 6, spotted ER Q3 = 1, spotted CN
#        2025 = 4 and 9 at the same time (the larger id: 9).
#     13 supported FR = 0 (reported, zero).  75 NG 2024 = 50: not 2025.
#     supported 18 = NG 12 + 6 + FR 0; spotted 17 = RO 7 + ER 1 + CN 9;
#     total 35; subsaharan-africa 19 (NG, ER), european-union 7 (RO,
#     FR), asia 9 (CN); 75: 12, 93: 7, 69: 16.
#     Quarter 2025-Q1: 75 NG = 3 + 4 (the year does not count), 93 RO
#     = 2: 9.
#   referrals (referral x age): 93 legal-aid adult 9, medical-care adult
#     4; 69 acse minor months 05 = 2, 06 = 3: 5.  Total 18.
#   exploiter-relation (relation x exploitation), edition 2 retires the
#     values acquaintance and other: 75 acquaintance sexual 3 (listed:
#     it holds a count), family labour 2 ("other" is not listed).
#   network, retired in edition 2: 13 sexual f 6 (listed: it counts).
#   organised-travel, retired: 2024 only (75 sexual f 4): not in 2025.
#   complaints: 62 labour m 8, by the Préfecture, which is thereby
#     active in 62.
#   Left out: a table no edition has, a country ZZ, a third dimension on
#   a two-dimension table: 3 rows.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

if ! command -v python3 >/dev/null 2>&1; then
	echo "ok 1 # skip python3 not installed"
	echo "1..1"
	exit 0
fi

export MAILLAGE_NOW=1767268800
CR=$(printf "\r")

sql() {
	sqlite3 "$MERGER_HOME/national.db" "$1"
}

# check.py: reads the report's files and checks them, independently of
# the merger's code.  Every check prints what is wrong and exits 1.
cat >check.py <<'EOF'
import csv, json, sys

INF = 10 ** 15

def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))

def tables(path):
    """{table: {dimension: {code: text}}} from a CSV of --table tables."""
    out = {}
    for r in rows(path):
        assert set(r) == {"period", "table", "dimension", "code", "label", "count",
                          "state"}, r
        out.setdefault(r["table"], {}).setdefault(r["dimension"], {})[r["code"]] = r["count"]
    return out

def rollups(path):
    """{list: {value: (rollup list, rollup value)}} from the lists sheet."""
    out = {}
    for r in rows(path):
        if r["value"] and r.get("rollup"):
            l, v = r["rollup"].split(":")
            out.setdefault(r["list"], {})[r["value"]] = (l, v)
    return out

def equations(t, roll):
    """What a reader knows of one table: parent = sum of children, as
    lists of keys (dimension, code); ("total", "all") is the total."""
    eqs = []
    total = ("total", "all")
    for dim, cells in t.items():
        if dim == "total":
            continue
        eqs.append((total, [(dim, c) for c in cells]))
        if dim in roll:
            targets = {}
            for c in cells:
                l, v = roll[dim][c]
                if l in t:
                    targets.setdefault((l, v), []).append((dim, c))
            for parent, kids in targets.items():
                eqs.append((parent, kids))
    return eqs

def bounds(v, th, real):
    """What a reader knows of a published value.  The report marks every
    hidden count "s"; the check takes the better-informed reader who could
    still tell the small ones (1 to th - 1) from the others (at least th):
    from the real value when it is given, else from the marks "<th" and
    "s" of a hand-written table."""
    if v == "s" and real is not None:
        return [1, th - 1] if int(real) < th else [th, INF]
    if v.startswith("<"):
        return [1, th - 1]
    if v == "s":
        return [th, INF]
    return [int(v), int(v)]

def hidden(v):
    return v.startswith("<") or v == "s"

def narrow(t, eqs, th, real=None):
    """Intervals of every number given every equation, to the fixed point."""
    r = {}
    for dim, cells in t.items():
        for c, v in cells.items():
            r[(dim, c)] = bounds(v, th, real[dim][c] if real else None)
    for _ in range(200):
        changed = False
        for parent, kids in eqs:
            p = r.get(parent, [0, 0])
            slo = sum(r.get(k, [0, 0])[0] for k in kids)
            shi = sum(r.get(k, [0, 0])[1] for k in kids)
            if slo > p[0]: p[0] = slo; changed = True
            if shi < p[1]: p[1] = shi; changed = True
            for k in kids:
                if k not in r:
                    continue
                lo = p[0] - (shi - r[k][1])
                hi = p[1] - (slo - r[k][0])
                if lo > r[k][0]: slo += lo - r[k][0]; r[k][0] = lo; changed = True
                if hi < r[k][1]: shi -= r[k][1] - hi; r[k][1] = hi; changed = True
        if not changed:
            return r
    raise SystemExit("no fixed point")

def leaks(th, pub, lists, priv=None):
    """Every hidden number that the published ones pin down (for the
    better-informed reader when the private numbers are given)."""
    roll, bad = rollups(lists), 0
    q = tables(priv) if priv else {}
    for name, t in tables(pub).items():
        r = narrow(t, equations(t, roll), th, q.get(name))
        for dim, cells in t.items():
            for c, v in cells.items():
                if hidden(v) and r[(dim, c)][0] >= r[(dim, c)][1]:
                    print("leak", name, dim, c, "=", r[(dim, c)][0]); bad += 1
    return bad

def truthful(th, pub, priv):
    """Every published number is the real one or a marker true of it, no
    count from 1 to th - 1 is shown, and the same numbers are listed."""
    p, q, bad = tables(pub), tables(priv), 0
    for name in q:
        for dim in q[name]:
            for c, real in q[name][dim].items():
                v = p.get(name, {}).get(dim, {}).get(c)
                n = int(real)
                ok = (v == real and not 1 <= n < th) or (v == "s" and n >= 1)
                if not ok:
                    print("untrue", name, dim, c, v, "for", real); bad += 1
    if sorted((n, d, c) for n in p for d in p[n] for c in p[n][d]) != \
       sorted((n, d, c) for n in q for d in q[n] for c in q[n][d]):
        print("not the same numbers listed"); bad += 1
    return bad

def reconcile(priv, lists):
    """Each breakdown adds up to its table's total, each region to its
    countries."""
    roll, bad = rollups(lists), 0
    for name, t in tables(priv).items():
        for parent, kids in equations(t, roll):
            total = int(t[parent[0]][parent[1]])
            s = sum(int(t[k[0]][k[1]]) for k in kids)
            if s != total:
                print("sum", name, parent, total, "!=", s); bad += 1
    return bad

EXPECT = {
    "victims-origin": {"total": {"all": 35}, "status": {"spotted": 17, "supported": 18},
                       "country": {"NG": 18, "RO": 7, "ER": 1, "CN": 9},
                       "world-region": {"subsaharan-africa": 19, "european-union": 7,
                                        "asia": 9},
                       "dept": {"75": 12, "93": 7, "69": 16}},
    "referrals": {"total": {"all": 18},
                  "referral": {"legal-aid": 9, "medical-care": 4, "acse": 5},
                  "age": {"adult": 13, "minor": 5}, "dept": {"93": 13, "69": 5}},
    "exploiter-relation": {"total": {"all": 5}, "relation": {"acquaintance": 3, "family": 2},
                           "exploitation": {"sexual": 3, "labour": 2}, "dept": {"75": 5}},
    "network": {"total": {"all": 6}, "exploitation": {"sexual": 6}, "sex": {"f": 6},
                "dept": {"13": 6}},
    "complaints": {"total": {"all": 8}, "exploitation": {"labour": 8}, "sex": {"m": 8},
                   "dept": {"62": 8}},
}
ZERO = ["minors-at-start", "unaccompanied-minors", "exploited-abroad", "residence-permit",
        "housed-by-exploiter", "long-support"]

def expect(priv):
    """The hand-computed numbers, and zero everywhere else."""
    t, bad = tables(priv), 0
    if sorted(t) != sorted(list(EXPECT) + ZERO):
        print("tables", sorted(t)); bad += 1
    for name in t:
        for dim, cells in t[name].items():
            for c, v in cells.items():
                want = EXPECT.get(name, {}).get(dim, {}).get(c, 0)
                if int(v) != want:
                    print(name, dim, c, v, "want", want); bad += 1
    for name, dims in EXPECT.items():
        for dim, cells in dims.items():
            for c in cells:
                if c not in t.get(name, {}).get(dim, {}):
                    print("missing", name, dim, c); bad += 1
    return bad

def same_json(path, csvpath):
    """The JSON's tables hold exactly the CSV's numbers, in their shape."""
    j, t, bad = json.load(open(path, encoding="utf-8")), tables(csvpath), 0
    for key in ("totals", "departements", "gaps", "completeness", "directory"):
        if key not in j:
            print("no", key); bad += 1
    if "victims" in j["tables"] or sorted(j["tables"]) != sorted(t):
        print("tables", sorted(j["tables"])); bad += 1
    for name, e in j["tables"].items():
        if sorted(e) != ["departements", "dimensions", "retired", "rollups", "title_en",
                         "title_fr", "total"]:
            print("keys", name, sorted(e)); bad += 1
        got = {"total": {"all": e["total"]}, "dept": e["departements"]}
        got.update(e["dimensions"])
        got.update(e["rollups"])
        got = {d: {c: str(v) for c, v in cells.items()} for d, cells in got.items()}
        if got != t[name]:
            print("differs", name); bad += 1
        if len(e["departements"]) != 101:
            print("departements", name, len(e["departements"])); bad += 1
        if e["retired"] != (name == "network"):
            print("retired", name); bad += 1
    return bad

def public(th, pub, priv, lists):
    return reconcile(priv, lists) + leaks(th, pub, lists, priv) + truthful(th, pub, priv)

cmd = sys.argv[1]
fn = {"public": lambda a: public(int(a[0]), a[1], a[2], a[3]),
      "leaks": lambda a: leaks(int(a[0]), a[1], a[2], a[3] if len(a) > 3 else None),
      "truthful": lambda a: truthful(int(a[0]), a[1], a[2]),
      "reconcile": lambda a: reconcile(a[0], a[1]),
      "expect": lambda a: expect(a[0]),
      "json": lambda a: same_json(a[0], a[1])}[cmd]
sys.exit(1 if fn(sys.argv[2:]) else 0)
EOF

# The counts of the header comment.
count_fixture() {
	sqlite3 "$MERGER_HOME/national.db" <<-\EOF
	BEGIN;
	INSERT INTO count(id, org_id, "table", period, dept, dim1, dim2, dim3, dim4,
	                  count, recorded_at) VALUES
	 (X'7001', 1, 'victims-origin', '2025',    '75', 'supported', 'NG', NULL, NULL, 10, 100),
	 (X'7002', 1, 'victims-origin', '2025',    '75', 'supported', 'NG', NULL, NULL, 12, 200),
	 (X'7003', 1, 'victims-origin', '2025-01', '75', 'supported', 'NG', NULL, NULL,  3, 100),
	 (X'7004', 1, 'victims-origin', '2025-02', '75', 'supported', 'NG', NULL, NULL,  4, 100),
	 (X'7005', 1, 'victims-origin', '2025-Q1', '93', 'spotted',   'RO', NULL, NULL,  2, 100),
	 (X'7006', 1, 'victims-origin', '2025-01', '93', 'spotted',   'RO', NULL, NULL,  1, 100),
	 (X'7007', 1, 'victims-origin', '2025-02', '93', 'spotted',   'RO', NULL, NULL,  1, 100),
	 (X'7008', 1, 'victims-origin', '2025-04', '93', 'spotted',   'RO', NULL, NULL,  5, 100),
	 (X'7009', 2, 'victims-origin', '2025-Q3', '69', 'supported', 'NG', NULL, NULL,  6, 100),
	 (X'700a', 2, 'victims-origin', '2025-Q3', '69', 'spotted',   'ER', NULL, NULL,  1, 100),
	 (X'700b', 3, 'victims-origin', '2025',    '13', 'supported', 'FR', NULL, NULL,  0, 100),
	 (X'700c', 1, 'victims-origin', '2024',    '75', 'supported', 'NG', NULL, NULL, 50, 100),
	 (X'7101', 2, 'victims-origin', '2025',    '69', 'spotted',   'CN', NULL, NULL,  4, 300),
	 (X'7102', 2, 'victims-origin', '2025',    '69', 'spotted',   'CN', NULL, NULL,  9, 300),
	 (X'7201', 1, 'referrals', '2025',    '93', 'legal-aid',    'adult', NULL, NULL, 9, 100),
	 (X'7202', 1, 'referrals', '2025',    '93', 'medical-care', 'adult', NULL, NULL, 4, 100),
	 (X'7203', 2, 'referrals', '2025-05', '69', 'acse',         'minor', NULL, NULL, 2, 100),
	 (X'7204', 2, 'referrals', '2025-06', '69', 'acse',         'minor', NULL, NULL, 3, 100),
	 (X'7301', 1, 'exploiter-relation', '2025', '75', 'acquaintance', 'sexual', NULL, NULL, 3, 100),
	 (X'7302', 1, 'exploiter-relation', '2025', '75', 'family',       'labour', NULL, NULL, 2, 100),
	 (X'7401', 3, 'network',          '2025', '13', 'sexual', 'f', NULL, NULL, 6, 100),
	 (X'7501', 1, 'organised-travel', '2024', '75', 'sexual', 'f', NULL, NULL, 4, 100),
	 (X'7601', 5, 'complaints',       '2025', '62', 'labour', 'm', NULL, NULL, 8, 100),
	 (X'7f01', 1, 'no-such',        '2025', '75', 'x',         NULL,    NULL, NULL, 5, 100),
	 (X'7f02', 1, 'victims-origin', '2025', '75', 'supported', 'ZZ',    NULL, NULL, 5, 100),
	 (X'7f03', 1, 'referrals',      '2025', '75', 'legal-aid', 'adult', 'f',  NULL, 5, 100);
	COMMIT;
	EOF
}

test_expect_success 'fixture: a second edition retires two tables and three values' '
	report_fixture &&
	mkdir sheets &&
	merger questionnaire show --format csv >sheets/tables.csv &&
	merger questionnaire show --format csv --sheet lists >lists.csv &&
	sed -e "/^network,/s/,$CR\$/,oui$CR/" -e "/^organised-travel,/s/,$CR\$/,oui$CR/" \
		sheets/tables.csv >t.csv && mv t.csv sheets/tables.csv &&
	test "$(grep -c ",oui$CR\$" sheets/tables.csv)" -eq 2 &&
	sed -e "/^relation,acquaintance,/s/,,$CR\$/,oui,$CR/" \
		-e "/^relation,other,/s/,,$CR\$/,oui,$CR/" \
		-e "/^country,AQ,/s/,,world-region/,oui,world-region/" lists.csv >sheets/lists.csv &&
	test "$(grep -c ",oui," sheets/lists.csv)" -eq 3 &&
	merger questionnaire publish sheets 2>err &&
	grep -q "published edition 2" err &&
	count_fixture
'

test_expect_success 'CSV: every number as computed by hand, the rows not understood left out' '
	merger report --format csv --table tables >tables.csv 2>err &&
	test_one_line err "left out 3 row\\(s\\) whose codes this version does not know" &&
	head -n 1 tables.csv >head &&
	printf "period,table,dimension,code,label,count,state\r\n" >expect &&
	test_cmp expect head &&
	python3 check.py expect tables.csv
'

test_expect_success 'CSV: each breakdown adds up to its total, each region to its countries' '
	python3 check.py reconcile tables.csv lists.csv &&
	sed "s/^\(2025,victims-origin,world-region,asia,Asie\),9,/\1,8,/" tables.csv >bad.csv &&
	! cmp -s tables.csv bad.csv &&
	test_must_fail python3 check.py reconcile bad.csv lists.csv >out &&
	grep -q "sum victims-origin" out
'

test_expect_success 'CSV: rows with labels, retired values only when they count' '
	grep -q "^2025,victims-origin,country,NG,Nigeria,18,shown${CR}\$" tables.csv &&
	grep -q "^2025,victims-origin,world-region,subsaharan-africa,Afrique subsaharienne,19,shown${CR}\$" tables.csv &&
	grep -q "^2025,victims-origin,dept,2A,Corse-du-Sud,0,shown${CR}\$" tables.csv &&
	grep -q "^2025,exploiter-relation,relation,acquaintance,\"Connaissance, ami·e\",3,shown${CR}\$" tables.csv &&
	! grep -q "^2025,exploiter-relation,relation,other," tables.csv &&
	grep -q "^2025,exploiter-relation,relation,unknown," tables.csv &&
	! grep -q "^2025,victims-origin,country,AQ," tables.csv &&
	test "$(grep -c "^2025,victims-origin,country," tables.csv)" -eq 249 &&
	test "$(grep -c "^2025,referrals,dept," tables.csv)" -eq 101 &&
	grep -q "^2025,network,total,all,Total,6,shown" tables.csv &&
	! grep -q ",organised-travel," tables.csv &&
	! grep -q "^2025,victims," tables.csv
'

test_expect_success 'CSV: --table CODE gives that table alone, victims its own table' '
	merger report --format csv --table victims-origin >vo.csv 2>/dev/null &&
	test "$(sed 1d vo.csv | cut -d, -f2 | sort -u)" = victims-origin &&
	grep ",victims-origin," tables.csv >want && sed 1d vo.csv >got &&
	test_cmp want got &&
	merger report --format csv --table victims >v.csv 2>/dev/null &&
	merger report --format csv --table totals >t.csv 2>/dev/null &&
	test_cmp t.csv v.csv &&
	merger report --format csv --table organised-travel >ot.csv 2>/dev/null &&
	test_cmp head ot.csv &&
	merger report --period 2024 --format csv --table organised-travel >ot24.csv 2>/dev/null &&
	grep -q "^2024,organised-travel,total,all,Total,4,shown" ot24.csv &&
	test_exit_code 2 merger report --format csv --table no-such 2>err &&
	test_one_line err "--table .* not \"no-such\""
'

test_expect_success 'the same rules in a quarter: the year record does not count in it' '
	merger report --period 2025-Q1 --format csv --table victims-origin >q1.csv 2>/dev/null &&
	grep -q "^2025-Q1,victims-origin,total,all,Total,9,shown" q1.csv &&
	grep -q "^2025-Q1,victims-origin,dept,75,Paris,7,shown" q1.csv &&
	grep -q "^2025-Q1,victims-origin,dept,93,Seine-Saint-Denis,2,shown" q1.csv &&
	grep -q "^2025-Q1,victims-origin,status,spotted,repérées,2,shown" q1.csv
'

test_expect_success 'a count of any table makes its organisation active there' '
	merger report --format csv >depts.csv 2>/dev/null &&
	grep -q "^2025,62,Pas-de-Calais,32,Hauts-de-France,1,0,0,1,0,0,0,0,,0,0,0,0,1,0${CR}\$" depts.csv &&
	merger directory --dept 62 2>/dev/null | grep -q "^  Préfecture du Nord — Préfecture"
'

test_expect_success 'JSON: the victims shape as before, every other table under tables' '
	merger report --format json >r.json 2>/dev/null &&
	python3 check.py json r.json tables.csv &&
	grep -q "^    \"supported\": 25, \"spotted\": 34, \"supported_share\": 100.0, \"spotted_share\": 100.0,\$" r.json &&
	grep -q "^    \"victims-origin\": {\"title_fr\": \"Victimes par pays d'"'"'origine\", \"title_en\": \"Victims by country of origin\", \"retired\": false,\$" r.json &&
	sed "s/\"NG\": 18/\"NG\": 17/" r.json >bad.json &&
	! cmp -s r.json bad.json &&
	test_must_fail python3 check.py json bad.json tables.csv
'

test_expect_success 'text: a section per table, zeros folded, the largest départements' '
	merger report >r.txt 2>/dev/null &&
	sed -n "/^Victimes par pays d.origine\$/,/^Victimes mineures/p" r.txt | sed "\$d" >section &&
	cat >expect <<-\EOF &&
	Victimes par pays d'"'"'origine
	===========================
	  Comptez chaque victime une fois, selon son statut et sa nationalité (à
	  défaut, son pays de naissance) ; choisissez « Inconnu » si vous ne la
	  connaissez pas.

	  Total                                       35

	  Statut des victimes
	    repérées                                  17
	    accompagnées                              18

	  Pays d'"'"'origine
	    Chine                                      9
	    Érythrée                                   1
	    Nigeria                                   18
	    Roumanie                                   7
	    autres : 245 valeurs à 0

	  Région du monde
	    Afrique subsaharienne                     19
	    Union européenne                           7
	    Asie                                       9
	    autres : 7 valeurs à 0

	  Départements
	    69   Rhône                                16
	    75   Paris                                12
	    93   Seine-Saint-Denis                     7

	EOF
	test_cmp expect section &&
	grep -q "^Victimes exploitées en réseau (tableau retiré)\$" r.txt &&
	! grep -q "^Voyage organisé" r.txt &&
	grep -q "^    Connaissance, ami·e  *3\$" r.txt &&
	! grep -q "^    Autre lien " r.txt &&
	sed -n "/^Victimes mineures au début/,/^Mineurs non/p" r.txt | grep -q "^  Aucune donnée transmise pour la période.\$" &&
	test "$(grep -c "^Départements sans aucun accompagnement" r.txt)" -eq 1 &&
	merger report --table referrals >ref.txt 2>/dev/null &&
	grep -q "^  Total  *18\$" ref.txt && ! grep -q "^Victimes par pays" ref.txt &&
	merger report --period 2025 --table organised-travel >ot.txt 2>/dev/null &&
	grep -q "Tableau retiré, sans aucune donnée pour la période." ot.txt
'

test_expect_success 'text: more than ten départements, the rest counted' '
	cp -r "$MERGER_HOME" more &&
	for d in 01 02 03 04 05 06 07 08 09 10 11 12; do
		sqlite3 more/national.db "INSERT INTO count VALUES (randomblob(16), 1, '"'"'complaints'"'"', '"'"'2025'"'"', '"'"'$d'"'"', '"'"'sexual'"'"', '"'"'f'"'"', NULL, NULL, 1$d, 1)" || return 1
	done &&
	MERGER_HOME=more merger report --table complaints >c.txt 2>/dev/null &&
	grep -q "^  Départements (les plus nombreux)\$" c.txt &&
	sed -n "/^  Départements/,\$p" c.txt | sed -n "2p;11p;12p" >got &&
	printf "%s\n" "    12   Aveyron                             112" \
		"    03   Allier                              103" \
		"    et 3 autres départements" >expect &&
	test_cmp expect got
'

test_expect_success 'HTML: a section per table with the same numbers' '
	merger report --format html -o r.html 2>/dev/null &&
	sed -n "/<section id=\"tableau-victims-origin\">/,/<\/section>/p" r.html >s.html &&
	grep -q "^<h2>Victimes par pays d&#39;origine</h2>\$" s.html &&
	grep -q "^<p>Total : <b>35</b></p>\$" s.html &&
	grep -q "^<tr><td>Nigeria</td><td class=\"n\">18</td></tr>\$" s.html &&
	grep -q "^<tr><td>Afrique subsaharienne</td><td class=\"n\">19</td></tr>\$" s.html &&
	grep -q "^<tr class=\"fold\"><td>autres : 245 valeurs</td><td class=\"n\">0</td></tr>\$" s.html &&
	grep "^<tr><td>[0-9][0-9AB]* " s.html >depts &&
	printf "%s\n" "<tr><td>69 Rhône</td><td class=\"n\">16</td></tr>" \
		"<tr><td>75 Paris</td><td class=\"n\">12</td></tr>" \
		"<tr><td>93 Seine-Saint-Denis</td><td class=\"n\">7</td></tr>" >expect &&
	test_cmp expect depts &&
	for t in minors-at-start unaccompanied-minors exploited-abroad complaints \
		residence-permit referrals exploiter-relation network housed-by-exploiter \
		long-support; do
		grep -q "<section id=\"tableau-$t\">" r.html || { echo "no $t"; return 1; }
	done &&
	! grep -q "tableau-victims\"\|tableau-organised-travel" r.html &&
	grep -q "^<h2>Victimes exploitées en réseau <small>(tableau retiré)</small></h2>\$" r.html &&
	python3 -c "
import sys
from html.parser import HTMLParser
void = {\"meta\", \"br\", \"rect\", \"path\", \"line\"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in void: self.stack.append(tag)
    def handle_endtag(self, tag):
        if tag in void: return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:], self.getpos())
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding=\"utf-8\").read()); p.close()
assert p.stack == [], p.stack
" r.html
'

# publish ARGS...: the public and private CSV of the count tables.
publish() {
	merger report --period 2025 --public "$@" --format csv --table tables >pub.csv 2>/dev/null &&
	merger report --period 2025 --format csv --table tables >priv.csv 2>/dev/null
}

test_expect_success 'the leak check finds a hidden country that its region gives away' '
	printf "%s\r\n" "period,table,dimension,code,label,count,state" \
		"2025,x,total,all,Total,s,secret" \
		"2025,x,country,NG,Nigeria,9,shown" "2025,x,country,ER,Érythrée,<5,small" \
		"2025,x,country,RO,Roumanie,s,secret" \
		"2025,x,world-region,subsaharan-africa,Afrique subsaharienne,12,shown" \
		"2025,x,world-region,european-union,Union européenne,s,secret" >naive.csv &&
	test_must_fail python3 check.py leaks 5 naive.csv lists.csv >out &&
	grep -q "^leak x country ER = 3\$" out &&
	sed "s/subsaharan-africa,Afrique subsaharienne,12,shown/subsaharan-africa,Afrique subsaharienne,s,secret/" naive.csv >safe.csv &&
	python3 check.py leaks 5 safe.csv lists.csv
'

test_expect_success 'public: small counts hidden in every table, nothing recomputable' '
	publish &&
	python3 check.py leaks 5 pub.csv lists.csv priv.csv &&
	python3 check.py truthful 5 pub.csv priv.csv &&
	grep -q "^2025,referrals,referral,medical-care,Soins médicaux,s,hidden${CR}\$" pub.csv &&
	grep -q "^2025,victims-origin,country,ER,Érythrée,s,hidden${CR}\$" pub.csv &&
	grep -q "^2025,complaints,total,all,Total,8,shown${CR}\$" pub.csv &&
	! grep -q ",<" pub.csv && ! grep -q ",small\|,secret" pub.csv
'

test_expect_success 'public: the check fails on a complement put back' '
	# the first hidden count that is not small: a complement
	paste -d, pub.csv priv.csv | tr -d "\r" |
		awk -F, "\$6 == \"s\" && \$13 >= 5 { print NR; exit }" >line &&
	test -s line &&
	n=$(cat line) &&
	real=$(sed -n "${n}p" priv.csv | cut -d, -f6) &&
	sed "${n}s/,s,hidden/,$real,shown/" pub.csv >naive.csv &&
	test_must_fail python3 check.py leaks 5 naive.csv lists.csv priv.csv >out &&
	grep -q "^leak " out
'

test_expect_success 'public JSON, text and HTML show the same markers' '
	merger report --public --format json >pub.json 2>/dev/null &&
	python3 check.py json pub.json pub.csv &&
	merger report --public --table tables >pub.txt 2>/dev/null &&
	grep -q "^    Soins médicaux  *s\$" pub.txt &&
	! grep -E -q "^    .*[^0-9][1-4]\$" pub.txt &&
	! grep -E -q "^  Total  *[1-4]\$" pub.txt &&
	merger report --public --format html -o pub.html 2>/dev/null &&
	sed -n "/<section id=\"tableau-/,/<\/section>/p" pub.html >sections &&
	grep -q "<td class=\"n\">s</td>" sections &&
	! grep -q "&lt;5" pub.html &&
	! grep -q "<td class=\"n\">[1-4]</td>" sections &&
	! grep -q "<b>[1-4]</b>" sections
'

test_expect_success 'public: départements ranked by what is published, not by hidden values' '
	cp -r "$MERGER_HOME" ranked &&
	sqlite3 ranked/national.db "INSERT INTO count VALUES
		(X'"'"'7701'"'"', 5, '"'"'complaints'"'"', '"'"'2025'"'"', '"'"'01'"'"', '"'"'sexual'"'"', '"'"'f'"'"', NULL, NULL, 1, 1),
		(X'"'"'7702'"'"', 5, '"'"'complaints'"'"', '"'"'2025'"'"', '"'"'02'"'"', '"'"'sexual'"'"', '"'"'f'"'"', NULL, NULL, 3, 1)" &&
	MERGER_HOME=ranked merger report --table complaints >priv.txt 2>/dev/null &&
	sed -n "/^  Départements/,\$p" priv.txt | cut -c5-6 | sed 1d >order &&
	printf "%s\n" 62 02 01 >expect && test_cmp expect order &&
	MERGER_HOME=ranked merger report --public --table complaints >pub.txt 2>/dev/null &&
	sed -n "/^  Départements/,\$p" pub.txt | cut -c5-6 | sed 1d >order &&
	printf "%s\n" 62 01 02 >expect && test_cmp expect order &&
	grep -q "^    01   Ain  *s\$" pub.txt &&
	MERGER_HOME=ranked merger report --public --format html -o pub.html 2>/dev/null &&
	sed -n "/<section id=\"tableau-complaints\">/,/<\/section>/p" pub.html |
		sed -n "s/^<tr><td>\([0-9][0-9]\) .*/\1/p" >order &&
	test_cmp expect order
'

test_expect_success 'public: a higher threshold' '
	publish --threshold 10 &&
	python3 check.py leaks 10 pub.csv lists.csv priv.csv &&
	python3 check.py truthful 10 pub.csv priv.csv &&
	grep -q "^2025,complaints,total,all,Total,s,hidden${CR}\$" pub.csv
'

# random_counts SEED: SQL for random counts in four tables, a share of
# them small, for two organisations in ten départements.
random_counts() {
	awk -v seed="$1" -v q="'" '
	function pick(s,   a, n) { n = split(s, a, " "); return a[1 + int(rand() * n)] }
	BEGIN {
		srand(seed)
		t["victims-origin"] = "spotted supported|NG RO ER CN FR AL"
		t["referrals"] = "legal-aid medical-care acse other|minor adult unknown"
		t["complaints"] = "sexual labour unknown|f m"
		t["exploiter-relation"] = "family acquaintance employer|sexual labour"
		small = pick("0.2 0.4 0.7")
		n = 20 + int(rand() * 100)
		print "BEGIN;"
		for (i = 0; i < n; i++) {
			table = pick("victims-origin referrals complaints exploiter-relation")
			split(t[table], d, "|")
			c = rand() < small ? 1 + int(rand() * 4) : int(rand() * 40)
			printf "INSERT INTO count VALUES (randomblob(16), %d, %s, %s, %s, %s, %s, NULL, NULL, %d, 1);\n",
				1 + int(rand() * 2), q table q, q "2025" q,
				q pick("01 13 2A 33 59 62 69 75 93 976") q, q pick(d[1]) q, q pick(d[2]) q, c
		}
		print "COMMIT;"
	}'
}

# Whatever the data, the published tables must pass the check.
test_expect_success 'public: random data, many seeds, never a leak' '
	for seed in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do
		sql "DELETE FROM count" &&
		random_counts $seed | sqlite3 "$MERGER_HOME/national.db" &&
		publish &&
		python3 check.py public 5 pub.csv priv.csv lists.csv ||
		{ echo "seed $seed"; return 1; }
	done
'

test_done
