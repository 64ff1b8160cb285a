#!/bin/sh
# t5200-rates.sh - reporting rates: the deadline of a period, who was
# asked, who sent the period's return on time or late, by organisation
# and by département, in every report format, and the organisations that
# never sent anything, listed with their public contact.  The fleet is
# written with the sqlite3 shell (exact merge times); the last tests go
# through real collectors and bundles.
#
# The fleet, for 2026-Q1 with its deadline on 2026-04-15 (on time up to
# 2026-04-15 23:59:59 UTC, 1776297599):
#   Alpha (75, 93)        counts of 2026-Q1 merged at 1776297599: on time
#                         (one of them edited later: its first arrival counts)
#   Barreau de Lyon (69)  a count of 2026-02 merged one second later: late
#   Gamma (13)            sent its 2025 counts, nothing for 2026: missing
#   Silencieuse (33)      enrolled, never sent anything: missing, reminded
#   Sans contact          no département, never sent: missing, reminded
#   Tardive (59)          enrolled in May, sent Q1 then: not asked (unasked)
#   Révoquée (33)         key revoked in 2025: not asked, not reminded
# Expected 5, received 2 (40.0 %), on time 1, late 1, missing 3.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

export MAILLAGE_NOW=1780000000   # 2026-05-28
CR=$(printf "\r")

fleet_sql() {
	cat <<-'EOF'
	BEGIN;
	INSERT INTO organisation(id, name, kind, national_id, email, phone, website,
	                         profile_at, created_at) VALUES
	 (1, 'Alpha', 'association', NULL, 'contact@alpha.example', NULL, NULL, 1, 1),
	 (2, 'Barreau de Lyon', 'barreau', NULL, NULL, '04 00 00 00 00', NULL, 1, 1),
	 (3, 'Gamma', 'association', NULL, NULL, NULL, NULL, 1, 1),
	 (4, 'Silencieuse', 'association', NULL, 'relance@silencieuse.example',
	  '05 00 00 00 00', 'https://silencieuse.example', 1, 1),
	 (5, 'Tardive', 'association', NULL, NULL, NULL, NULL, 1, 1),
	 (6, 'Révoquée', 'association', NULL, 'x@revoquee.example', NULL, NULL, 1, 1),
	 (7, 'Sans contact', 'association', NULL, NULL, NULL, NULL, 1, 1);
	INSERT INTO organisation_dept VALUES
	 (1, '75'), (1, '93'), (2, '69'), (3, '13'), (4, '33'), (5, '59'), (6, '33');
	INSERT INTO collector(key_id, sign_pk, box_pk, org_id, enrolled_at, revoked_at,
	                      last_seq, last_bundle_at) VALUES
	 ('k1', X'01', X'01', 1, 1767614400, NULL, 2, 1777636800),
	 ('k2', X'02', X'02', 2, 1767614400, NULL, 1, 1776297600),
	 ('k3', X'03', X'03', 3, 1748779200, NULL, 1, 1748779200),
	 ('k4', X'04', X'04', 4, 1767614400, NULL, NULL, NULL),
	 ('k5', X'05', X'05', 5, 1777636800, NULL, 1, 1777723200),
	 ('k6', X'06', X'06', 6, 1748779200, 1764590400, NULL, NULL),
	 ('k7', X'07', X'07', 7, 1767614400, NULL, NULL, NULL);
	INSERT INTO record(id, collector, org_id, kind, version, recorded_at, deleted,
	                   digest, bundle) VALUES
	 (X'c1', 'k1', 1, 'count', 1, 1, 0, X'00', X'b1'),
	 (X'c2', 'k1', 1, 'count', 1, 1, 0, X'00', X'b1'),
	 (X'c3', 'k2', 2, 'count', 1, 1, 0, X'00', X'b2'),
	 (X'c4', 'k3', 3, 'count', 1, 1, 0, X'00', X'b3'),
	 (X'c5', 'k5', 5, 'count', 1, 1, 0, X'00', X'b4');
	INSERT INTO count(id, org_id, "table", period, dept, dim1, dim2, dim3, dim4,
	                  count, recorded_at) VALUES
	 (X'c1', 1, 'victims', '2026-Q1', '75', 'supported', 'sexual', 'f', 'adult', 3, 1),
	 (X'c2', 1, 'victims', '2026-Q1', '93', 'spotted', 'labour', 'm', 'adult', 2, 1),
	 (X'c3', 2, 'victims', '2026-02', '69', 'supported', 'sexual', 'f', 'minor', 1, 1),
	 (X'c4', 3, 'victims', '2025', '13', 'supported', 'labour', 'm', 'adult', 4, 1),
	 (X'c5', 5, 'victims', '2026-Q1', '59', 'supported', 'sexual', 'f', 'adult', 6, 1);
	-- as a merge does: records and counts, then their bundles' rows
	INSERT INTO bundle(id, collector, seq, file_hash, created, merged_at, records,
	                   inserted, updated, unchanged, deleted) VALUES
	 (X'b1', 'k1', 1, X'00', 1, 1776297599, 2, 2, 0, 0, 0),
	 (X'b2', 'k2', 1, X'00', 1, 1776297600, 1, 1, 0, 0, 0),
	 (X'b3', 'k3', 1, X'00', 1, 1748779200, 1, 1, 0, 0, 0),
	 (X'b4', 'k5', 1, X'00', 1, 1777723200, 1, 1, 0, 0, 0),
	 (X'b5', 'k1', 2, X'00', 1, 1777636800, 1, 0, 1, 0, 0);
	UPDATE count SET count = 5 WHERE id = X'c2';
	UPDATE record SET version = 2, bundle = X'b5' WHERE id = X'c2';
	COMMIT;
	EOF
}

test_expect_success 'a fleet, and the deadline of 2026-Q1' '
	merger init >/dev/null &&
	fleet_sql | sqlite3 "$MERGER_HOME/national.db" &&
	merger deadline 2026-q1 2026-04-15 2>err &&
	grep -qx "merger: deadline of 2026-Q1: 2026-04-15" err &&
	merger deadline >list &&
	printf "2026-Q1\t2026-04-15\n" >expect &&
	test_cmp expect list &&
	test "$(sql "SELECT due FROM deadline")" = 2026-04-15
'

test_expect_success 'the first arrival of each period is kept, not the latest' '
	sql "SELECT org_id, period, lower(hex(bundle)) FROM submission ORDER BY 1, 2" >actual &&
	printf "%s\n" "1|2026-Q1|b1" "2|2026-02|b2" "3|2025|b3" "5|2026-Q1|b4" >expect &&
	test_cmp expect actual
'

test_expect_success 'a deadline is refused before the end of its period, or malformed' '
	dump before.sql &&
	test_exit_code 1 merger deadline 2026-Q1 2026-03-30 2>err &&
	grep -q "deadline of 2026-Q1 must be on or after its last day, 2026-03-31" err &&
	test_exit_code 2 merger deadline 2026-Q5 2026-04-15 &&
	test_exit_code 2 merger deadline 2026-Q1 2026-02-30 &&
	test_exit_code 2 merger deadline 2026-Q1 &&
	dump after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'rates as JSON: on time, late, missing, not asked, never sent' '
	merger rates --period 2026-Q1 --format json >rates.json &&
	python3 - <<-EOF
	import json
	r = json.load(open("rates.json"))
	assert r["period"] == "2026-Q1", r
	t = r["rates"]
	assert t["deadline"] == "2026-04-15", t
	got = {k: t[k] for k in ("expected", "received", "on_time", "late", "missing",
	                         "unasked", "rate")}
	assert got == {"expected": 5, "received": 2, "on_time": 1, "late": 1,
	               "missing": 3, "unasked": 1, "rate": 40.0}, got
	st = {o["name"]: (o["status"], o["received_at"]) for o in t["organisations"]}
	assert st == {
	    "Alpha": ("on-time", "2026-04-15T23:59:59Z"),
	    "Barreau de Lyon": ("late", "2026-04-16T00:00:00Z"),
	    "Gamma": ("missing", None),
	    "Silencieuse": ("missing", None),
	    "Sans contact": ("missing", None),
	    "Tardive": ("unasked", "2026-05-02T12:00:00Z"),
	}, st
	d = t["departements"]
	assert set(d) == {"13", "33", "59", "69", "75", "93"}, d
	assert d["75"]["on_time"] == 1 and d["75"]["rate"] == 100.0, d["75"]
	assert d["69"]["late"] == 1 and d["69"]["rate"] == 100.0, d["69"]
	assert d["33"]["expected"] == 1 and d["33"]["missing"] == 1, d["33"]
	assert d["13"]["rate"] == 0.0, d["13"]
	assert d["59"]["expected"] == 0 and d["59"]["unasked"] == 1, d["59"]
	assert d["59"]["rate"] is None, d["59"]
	ns = t["never_sent"]
	assert [o["name"] for o in ns] == ["Sans contact", "Silencieuse"], ns
	assert ns[1] == {"id": 4, "name": "Silencieuse", "kind": "association",
	                 "email": "relance@silencieuse.example",
	                 "phone": "05 00 00 00 00",
	                 "website": "https://silencieuse.example"}, ns[1]
	assert ns[0]["email"] is None, ns[0]
	EOF
'

test_expect_success 'the same in the whole report as JSON' '
	merger report --period 2026-Q1 --format json >report.json &&
	python3 -c "
import json
a = json.load(open(\"report.json\"))[\"rates\"]
b = json.load(open(\"rates.json\"))[\"rates\"]
assert a == b, (a, b)
"
'

test_expect_success 'rates as CSV: by organisation, by département, reminders' '
	merger rates --period 2026-Q1 --format csv >orgs.csv &&
	printf "%s\r\n" \
		"period,deadline,organisation_id,organisation,status,received_at,departements" \
		"2026-Q1,2026-04-15,1,Alpha,on-time,2026-04-15T23:59:59Z,75 93" \
		"2026-Q1,2026-04-15,2,Barreau de Lyon,late,2026-04-16T00:00:00Z,69" \
		"2026-Q1,2026-04-15,3,Gamma,missing,,13" \
		"2026-Q1,2026-04-15,7,Sans contact,missing,," \
		"2026-Q1,2026-04-15,4,Silencieuse,missing,,33" \
		"2026-Q1,2026-04-15,5,Tardive,unasked,2026-05-02T12:00:00Z,59" >expect &&
	test_cmp expect orgs.csv &&
	merger report --period 2026-Q1 --format csv --table rates >orgs2.csv &&
	test_cmp expect orgs2.csv &&
	merger rates --period 2026-Q1 --format csv --table rates-departements >depts.csv &&
	test "$(wc -l <depts.csv)" -eq 103 &&
	grep -q "^2026-Q1,2026-04-15,69,Rhône,1,1,100.0,0,1,0,0${CR}\$" depts.csv &&
	grep -q "^2026-Q1,2026-04-15,33,Gironde,1,0,0.0,0,0,1,0${CR}\$" depts.csv &&
	grep -q "^2026-Q1,2026-04-15,01,Ain,0,0,,0,0,0,0${CR}\$" depts.csv &&
	grep -q "^2026-Q1,2026-04-15,FR,France,5,2,40.0,1,1,3,1${CR}\$" depts.csv &&
	merger rates --period 2026-Q1 --format csv --table reminders >rem.csv &&
	printf "%s\r\n" \
		"organisation_id,organisation,kind,email,phone,website,departements" \
		"7,Sans contact,association,,,," \
		"4,Silencieuse,association,relance@silencieuse.example,05 00 00 00 00,https://silencieuse.example,33" >expect &&
	test_cmp expect rem.csv
'

test_expect_success 'rates as text, and the section of the text and HTML reports' '
	merger rates --period 2026-Q1 >rates.txt &&
	grep -q "Échéance de 1er trimestre 2026 : 2026-04-15" rates.txt &&
	grep -q "Réponses attendues : 5 ; reçues : 2 (40,0 %) ; dans les délais : 1 ; en retard : 1 ; manquantes : 3" rates.txt &&
	grep -q "Alpha : dans les délais (le 2026-04-15 23:59 UTC) — 75, 93" rates.txt &&
	grep -q "Barreau de Lyon : en retard" rates.txt &&
	grep -q "N.ont jamais rien transmis (à relancer) : 2" rates.txt &&
	grep -q "  - Silencieuse — relance@silencieuse.example | 05 00 00 00 00 | https://silencieuse.example" rates.txt &&
	grep -q "  - Sans contact — aucun contact public" rates.txt &&
	! grep -q "Révoquée" rates.txt &&
	merger report --period 2026-Q1 >report.txt &&
	grep -q "^Taux de réponse" report.txt &&
	merger report --period 2026-Q1 --format html -o report.html 2>/dev/null &&
	grep -q "<section id=\"taux\">" report.html &&
	grep -q "<td>Barreau de Lyon</td><td>en retard</td>" report.html &&
	grep -q "<li>Silencieuse · relance@silencieuse.example" report.html
'

test_expect_success 'without a deadline: returns are received, neither on time nor late' '
	merger rates --period 2026 >year.txt &&
	grep -q "Aucune échéance fixée pour 2026 (merger deadline)" year.txt &&
	grep -q "Réponses attendues : 6 ; reçues : 3 (50,0 %)" year.txt &&
	merger rates --period 2026 --format json >year.json &&
	python3 - <<-EOF
	import json
	t = json.load(open("year.json"))["rates"]
	assert t["deadline"] is None, t
	got = {k: t[k] for k in ("expected", "received", "on_time", "late", "missing",
	                         "unasked", "rate")}
	# Tardive, enrolled in May, was asked for the year
	assert got == {"expected": 6, "received": 3, "on_time": 0, "late": 0,
	               "missing": 3, "unasked": 0, "rate": 50.0}, got
	st = {o["name"]: o["status"] for o in t["organisations"]}
	assert st["Tardive"] == "received" and st["Alpha"] == "received", st
	EOF
'

test_expect_success 'a deadline set again replaces the first' '
	merger deadline 2026-Q1 2026-04-30 2>/dev/null &&
	merger rates --period 2026-Q1 --format csv | grep -q "^2026-Q1,2026-04-30,2,Barreau de Lyon,on-time," &&
	test "$(sql "SELECT count(*) FROM deadline")" = 1 &&
	merger deadline 2026-Q1 2026-04-15 2>/dev/null
'

test_expect_success 'usage errors of rates' '
	test_exit_code 2 merger rates --period 2026-13 &&
	test_exit_code 2 merger rates --format html &&
	test_exit_code 2 merger rates --table directory --format csv &&
	test_exit_code 2 merger rates --table reminders
'

test_expect_success 'a database of the first schema gets its returns from the bundles' '
	mkdir old && MERGER_HOME=$TRASH/old/h merger init >/dev/null &&
	sqlite3 old/h/national.db "DROP TRIGGER submission_count;
		DROP TRIGGER submission_version; DROP TABLE submission;
		DROP TABLE deadline; ALTER TABLE bundle DROP COLUMN reason;
		ALTER TABLE bundle DROP COLUMN rule_errors;
		ALTER TABLE bundle DROP COLUMN rule_warnings; PRAGMA user_version = 1;" &&
	fleet_sql | sqlite3 old/h/national.db &&
	test "$(sqlite3 old/h/national.db "PRAGMA user_version")" = 1 &&
	MERGER_HOME=$TRASH/old/h merger deadline 2026-Q1 2026-04-15 2>/dev/null &&
	test "$(sqlite3 old/h/national.db "PRAGMA user_version")" = 4 &&
	test "$(sqlite3 old/h/national.db "SELECT group_concat(name) FROM
		pragma_index_info('\''count_key'\'')")" = \
		"org_id,table,period,dept,dim1,dim2,dim3,dim4,count,recorded_at" &&
	MERGER_HOME=$TRASH/old/h merger rates --period 2026-Q1 --format csv >old.csv &&
	test_cmp orgs.csv old.csv
'

test_expect_success 'through real bundles: a return merged after the deadline is late' '
	export MERGER_HOME=$TRASH/real MAILLAGE_NOW=1767614400 &&
	coordinator_setup &&
	new_collector a "Hors la Rue" --kind association --dept 75 && enroll a &&
	new_collector b "Muette" --kind association --dept 13 \
		--email muette@example.org && enroll b &&
	merger deadline 2026-03 2026-04-05 2>/dev/null &&
	collector --home a add support --period 2026-03 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 4 >id &&
	export_bundle a a1.bundle &&
	MAILLAGE_NOW=1775822400 merger merge a1.bundle >/dev/null 2>&1 &&
	collector --home a edit "$(cat id)" --count 5 >/dev/null 2>&1 &&
	export_bundle a a2.bundle &&
	MAILLAGE_NOW=1775900000 merger merge a2.bundle >/dev/null 2>&1 &&
	test "$(sql "SELECT count(*) FROM submission")" = 1 &&
	merger rates --period 2026-03 --format csv >real.csv &&
	grep -q ",Hors la Rue,late,2026-04-10T12:00:00Z,75${CR}\$" real.csv &&
	collector --home a edit "$(cat id)" --period 2026-02 >/dev/null 2>&1 &&
	export_bundle a a3.bundle &&
	MAILLAGE_NOW=1776000000 merger merge a3.bundle >/dev/null 2>&1 &&
	test "$(sql "SELECT period, b.merged_at FROM submission s JOIN bundle b
		ON b.id = s.bundle ORDER BY period" | tr "\n" " ")" = \
		"2026-02|1776000000 2026-03|1775822400 " &&
	grep -q ",Muette,missing,,13${CR}\$" real.csv &&
	merger rates --period 2026-03 --format csv --table reminders >real-rem.csv &&
	grep -q "^[0-9]*,Muette,association,muette@example.org,,,13${CR}\$" real-rem.csv
'

test_done
