#!/bin/sh
# The rules of the questionnaire end to end: the coordinator publishes an
# edition with rules.csv; the collector shows the failed rules with their
# counts, refuses to export on an error rule, lets a warning through, and
# sends despite errors only with a reason, which travels in the bundle;
# the merger re-checks on merge without refusing, and merger quality
# lists the failures, the reason and the outliers per organisation.  A
# broken rules.csv is refused at its line and column.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

C="collector --home a"

test_expect_success 'setup: an edition with rules, one enrolled collector' '
	coordinator_setup &&
	mkdir sheets &&
	merger questionnaire show --format csv >sheets/tables.csv &&
	merger questionnaire show --format csv --sheet lists >sheets/lists.csv &&
	merger questionnaire show --format csv --sheet rules >sheets/rules.csv &&
	test_cmp "$MAILLAGE_SRC/samples/questionnaire/rules.csv" sheets/rules.csv &&
	printf "%s\r\n" \
		"complaints-max,complaints,sex=m,<=,,,5,warning,Beaucoup de plaintes d'\''hommes : vérifiez.," \
		"referrals-above,referrals,,above,,,50,,," \
		"factor,,,outlier,,,4,,," >>sheets/rules.csv &&
	merger questionnaire check sheets >out &&
	grep -q "questionnaire valid: 13 tables, .* 9 rules" out &&
	merger questionnaire publish sheets 2>err &&
	merger kit -o coord.kit 2>/dev/null &&
	new_collector a "Accueil Rules" &&
	enroll a
'

test_expect_success 'a broken rules.csv is refused at its line and column' '
	cp -r sheets bad &&
	printf "%s\r\n" "x,complaints,sex=q,<=,,,5,warning,M," \
		"y,nope,,<=,,,5,warning,M," "z,complaints,,<,,,5,warning,M," >>bad/rules.csv &&
	test_exit_code 1 merger questionnaire check bad 2>err &&
	grep -q "rules.csv, line 11, column left_filter: .*no value \"q\"" err &&
	grep -q "rules.csv, line 12, column left_table: no table \"nope\"" err &&
	grep -q "rules.csv, line 13, column op: " err &&
	grep -q "3 problems" err
'

test_expect_success 'consistent counts: check is happy, export goes' '
	$C add count victims --period 2026-Q1 --dept 75 --status supported --exploitation sexual \
		--sex f --age adult --count 10 >/dev/null &&
	$C add count complaints --period 2026-Q1 --dept 75 --exploitation sexual --sex f \
		--count 4 >/dev/null &&
	$C check >out &&
	grep -q "^Aucune règle en échec (1 période et département vérifié)" out
'

test_expect_success 'an error rule fails: check and status say so, export is refused' '
	$C add count complaints --period 2026-Q1 --dept 75 --exploitation labour --sex f \
		--count 8 >/dev/null &&
	test_exit_code 1 $C check >out &&
	grep -q "^Erreur « complaints-supported », période 2026-Q1, département 75 : Plus de victimes ayant déposé plainte que de victimes accompagnées.$" out &&
	grep -q "complaints = 12, victims (status = supported) = 10" out &&
	grep -q "^      complaints labour/f = 8 ([0-9a-f]\{32\})$" out &&
	grep -q "^      victims supported/sexual/f/adult = 10 " out &&
	LC_ALL=en_GB.UTF-8 test_exit_code 1 $C check >en.txt &&
	grep -q "^Error \"complaints-supported\", period 2026-Q1, département 75: " en.txt &&
	grep -q "^    counts concerned:$" en.txt &&
	grep -q "^Errors: 1, warnings: 0\. Correct the counts" en.txt &&
	$C status >st &&
	grep -q "^Règles du questionnaire en échec dans ce qui reste à envoyer : 1 erreur, 0 avertissement" st &&
	test_exit_code 1 $C export -o refused.bundle 2>err &&
	tail -n 1 err | grep -q "^collector: envoi refusé : 1 règle de gravité « erreur » en échec" &&
	grep -q "^Erreur « complaints-supported »" err &&
	test ! -e refused.bundle
'

test_expect_success 'despite errors: the reason is required, one line' '
	test_exit_code 2 $C export -o x.bundle --despite-errors 2>err &&
	test_one_line err "vont ensemble" &&
	test_exit_code 2 $C export -o x.bundle --reason "pourquoi" 2>err &&
	test_one_line err "vont ensemble" &&
	test_exit_code 2 $C export -o x.bundle --despite-errors --reason "" 2>err &&
	test_one_line err "une ligne, de 1 à 500 octets" &&
	test ! -e x.bundle
'

test_expect_success 'sent despite errors with a reason; the merger records it, refuses nothing' '
	$C export -o q1.bundle --despite-errors \
		--reason "Plaintes déposées avant l'\''accompagnement, vérifié avec la juriste" 2>err &&
	grep -q "envoi n° 1, malgré les erreurs" err &&
	mkdir r && merger merge --receipts r q1.bundle >out &&
	grep -q "q1.bundle: merged 4 records" out &&
	grep -q "q1.bundle: rules failing for \"Accueil Rules\": 1 error, 0 warnings" out &&
	grep -q "q1.bundle: sent despite errors: \"Plaintes déposées avant l'\''accompagnement" out &&
	test "$(sql "SELECT rule_errors, reason FROM bundle")" = \
		"1|Plaintes déposées avant l'\''accompagnement, vérifié avec la juriste" &&
	$C ack r/*.receipt 2>/dev/null
'

test_expect_success 'merger quality lists the failure and the reason' '
	merger quality >q.txt &&
	grep -q "^Data quality (questionnaire edition 2, 9 rules): 1 error, 0 warnings, 0 outliers, 1 bundle sent despite errors$" q.txt &&
	grep -q "^Accueil Rules (organisation 1): 1 error, 0 warnings, 0 outliers$" q.txt &&
	grep -q "^  error complaints-supported, 2026-Q1, dept 75: complaints = 12" q.txt &&
	grep -q "^    counts: .*complaints labour/f = 8" q.txt &&
	grep -q "^  sent despite errors: bundle 1 of key [0-9a-f]*, merged .*: \"Plaintes déposées" q.txt &&
	LC_ALL=fr_FR.UTF-8 command merger quality >fr.txt &&
	grep -q "^Qualité des données (questionnaire, édition 2, 9 règles) : 1 erreur, 0 avertissements, 0 valeurs hors norme, 1 envoi malgré les erreurs$" fr.txt &&
	grep -q "^  erreur complaints-supported, 2026-Q1, dépt 75 : " fr.txt &&
	grep -q "^    effectifs : .*complaints labour/f = 8" fr.txt &&
	! grep -q "error\|warning\|counts" fr.txt &&
	merger quality --format csv >q.csv &&
	head -n 1 q.csv | grep -q "^org_id,organisation,what,code,severity,period,dept,left,right,detail" &&
	grep -q "^1,Accueil Rules,rule,complaints-supported,error,2026-Q1,75,12,10," q.csv &&
	grep -q "^1,Accueil Rules,override,[0-9a-f]*,error,.*vérifié avec la juriste" q.csv &&
	merger quality --format json >q.json &&
	python3 -c "import json; q=json.load(open(\"q.json\")); o=q[\"organisations\"][0]; \
assert q[\"errors\"] == 1 and o[\"failures\"][0][\"rule\"] == \"complaints-supported\", q; \
assert o[\"failures\"][0][\"left\"] == 12 and o[\"overrides\"][0][\"reason\"].startswith(\"Plaintes\"), q"
'

test_expect_success 'a warning lets the export go on, printed; outliers are flagged' '
	$C add count victims --period 2026-Q2 --dept 75 --status supported --exploitation sexual \
		--sex f --age adult --count 41 >/dev/null &&
	$C add count complaints --period 2026-Q2 --dept 75 --exploitation sexual --sex m \
		--count 6 >/dev/null &&
	$C add count referrals --period 2026-Q2 --dept 75 --referral medical-care --age adult \
		--count 60 >/dev/null &&
	$C export -o q2.bundle 2>err &&
	grep -q "^Avertissement « complaints-max », période 2026-Q2, département 75 : Beaucoup de plaintes d'\''hommes : vérifiez.$" err &&
	grep -q "^collector: 1 avertissement (ci-dessus) : vérifiez ces comptages ; l'\''envoi continue$" err &&
	grep -q "envoi n° 2)" err &&
	merger merge --receipts r q2.bundle >out &&
	grep -q "q2.bundle: merged 3 records" out &&
	grep -q "^q2.bundle: rules failing for \"Accueil Rules\": 0 errors, 1 warning (merger quality)$" out &&
	test "$(sql "SELECT rule_errors, rule_warnings FROM bundle ORDER BY merged_at DESC, seq DESC LIMIT 1")" = "0|1" &&
	merger quality >q.txt &&
	grep -q "1 error, 1 warning, 2 outliers" q.txt &&
	grep -q "^  warning complaints-max, 2026-Q2, dept 75: complaints (sex = m) = 6" q.txt &&
	grep -q "^  outlier victims supported/sexual/f/adult = 41, 2026-Q2, dept 75: more than 4 times 10 in 2026-Q1$" q.txt &&
	grep -q "^  outlier referrals medical-care/adult = 60, 2026-Q2, dept 75: above the threshold 50$" q.txt &&
	merger quality --period 2026-Q1 >q1.txt &&
	grep -q "1 error, 0 warnings, 0 outliers" q1.txt
'

test_expect_success 'status looks at what waits to be sent, check at everything' '
	$C ack r/*-2.receipt >/dev/null 2>&1 &&
	$C status >st &&
	! grep -q "Règles du questionnaire" st &&
	test_exit_code 1 $C check >out &&
	grep -q "^1 erreur, 1 avertissement\." out &&
	$C add count victims --period 2026-Q3 --dept 75 --status supported --exploitation sexual \
		--sex f --age adult --count 2 >/dev/null &&
	$C status >st &&
	! grep -q "Règles du questionnaire" st &&
	$C export -o q3.bundle 2>err &&
	! grep -q "Erreur\|Avertissement" err
'

test_expect_success 'merger report has a quality section, not in public' '
	merger report --period 2026 >rep.txt &&
	grep -q "^Qualité des données$" rep.txt &&
	grep -q "^  Règles en échec : 1 erreur, 1 avertissement ; valeurs atypiques : 2 ; envois malgré les erreurs : 1" rep.txt &&
	grep -q "^    - Accueil Rules : 1 erreur, 1 avertissement, 2 valeurs atypiques, 1 envoi malgré les erreurs$" rep.txt &&
	merger report --period 2026 --format json >rep.json &&
	python3 -c "import json; q=json.load(open(\"rep.json\"))[\"quality\"]; \
assert q[\"errors\"] == 1 and q[\"outliers\"] == 2 and q[\"organisations\"][0][\"overrides\"] == 1, q" &&
	merger report --period 2026 --format html >rep.html &&
	grep -q "<section id=\"qualite\">" rep.html &&
	grep -q "<li>Accueil Rules : 1 erreur" rep.html &&
	merger report --period 2026 --public >pub.txt &&
	! grep -q "Qualité des données" pub.txt &&
	merger report --period 2026 --public --format json >pub.json &&
	! grep -q "\"quality\"" pub.json
'

test_expect_success 'usage errors of merger quality' '
	test_exit_code 2 merger quality --format xml 2>err &&
	test_one_line err "unknown format" &&
	test_exit_code 2 merger quality --period 2026-Q5 2>err &&
	test_one_line err "period"
'

test_expect_success 'a new edition may drop a rule; the collector says so' '
	cp -r sheets third &&
	grep -v "^complaints-max," sheets/rules.csv >third/rules.csv &&
	merger questionnaire check third >out &&
	grep -q "8 rules" out &&
	merger questionnaire publish third 2>/dev/null &&
	merger kit -o third.kit 2>/dev/null &&
	$C update --kit third.kit 2>err &&
	grep -q "^collector: 8 règles de contrôle des comptages (au lieu de 9) : collector check$" err &&
	merger quality >q.txt &&
	grep -q "1 error, 0 warnings, 2 outliers" q.txt
'

# Two collectors of one organisation count the same cell: the merge
# checks the rules on the newest value of each cell, as the report counts.
test_expect_success 'the merge checks the newest count of a cell kept by two collectors' '
	new_collector n1 "Deux Postes" --kind association --dept 75 --national-id 987654321 &&
	enroll n1 &&
	new_collector n2 "Deux Postes" --kind association --dept 75 --national-id 987654321 &&
	enroll n2 &&
	test "$(sql "SELECT count(DISTINCT org_id) FROM collector WHERE key_id IN (SELECT key_id FROM collector c JOIN organisation o ON o.id = c.org_id WHERE o.name = '\''Deux Postes'\'')")" = 1 &&
	MAILLAGE_NOW=1790000000 collector --home n1 add count victims --period 2026-Q4 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult --count 10 >/dev/null &&
	MAILLAGE_NOW=1790000000 collector --home n1 add count complaints --period 2026-Q4 \
		--dept 75 --exploitation sexual --sex f --count 8 >/dev/null &&
	MAILLAGE_NOW=1790000000 collector --home n1 export -o n1.bundle 2>/dev/null &&
	merger merge n1.bundle >out &&
	! grep -q "rules failing" out &&
	MAILLAGE_NOW=1790000100 collector --home n2 add count victims --period 2026-Q4 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult --count 5 >/dev/null &&
	MAILLAGE_NOW=1790000100 collector --home n2 export -o n2.bundle 2>/dev/null &&
	merger merge n2.bundle >out &&
	grep -q "^n2.bundle: rules failing for \"Deux Postes\": 1 error, 0 warnings" out &&
	id=$(collector --home n1 list victims --format csv | tail -n 1 | cut -d, -f1) &&
	MAILLAGE_NOW=1790000200 collector --home n1 edit "$id" --count 9 >/dev/null &&
	MAILLAGE_NOW=1790000200 collector --home n1 export -o n1b.bundle 2>/dev/null &&
	merger merge n1b.bundle >out &&
	grep -q "^n1b.bundle: merged" out &&
	! grep -q "rules failing" out
'

# Two live counts of one cell in one bundle, which only a forged bundle
# holds: the rules after the merge see the newest alone, as merger quality
# does.  The group was empty before the bundle, so its counts are taken
# from the bundle itself, not read back (merger/apply.c, applier_new_group).
test_expect_success 'two counts of one cell in one bundle: the rules see the newest' '
	new_collector tw "Jumeaux" --kind association --dept 13 &&
	enroll tw &&
	collector --home tw add count victims --period 2026-Q4 --dept 13 \
		--status supported --exploitation sexual --sex f --age adult --count 10 >/dev/null &&
	collector --home tw add count complaints --period 2026-Q4 --dept 13 \
		--exploitation sexual --sex f --count 8 >/dev/null &&
	collector --home tw export -o tw.bundle 2>/dev/null &&
	forge twin "$MERGER_HOME/coordinator.key" tw.bundle tw/identity.key victims 5 tw5.bundle &&
	merger merge tw5.bundle >out &&
	grep -q "^tw5.bundle: merged 4 records" out &&
	grep -q "^tw5.bundle: rules failing for \"Jumeaux\": 1 error, 0 warnings" out &&
	merger quality >q.txt &&
	grep -q "^Jumeaux (organisation [0-9]*): 1 error, 0 warnings" q.txt
'

# big_grid: a victims spreadsheet filling every cell of 4 periods and 5
# départements, 4,320 counts of 1, in order, but for the very last, the
# last cell of 2027-Q4 in 95, a supported count of 100,000 (the most a
# count may hold), which brings that group's supported total over the
# 100,000 of rule supported-max.
big_grid() {
	awk 'BEGIN {
		print "period,dept,status,exploitation,sex,age,count"
		split("2027-Q1 2027-Q2 2027-Q3 2027-Q4", P, " ")
		split("75 92 93 94 95", D, " ")
		split("spotted supported", S, " ")
		split("sexual labour domestic-servitude forced-begging forced-crime organ-removal forced-marriage other unknown", E, " ")
		split("f m trans unknown", X, " ")
		split("minor adult unknown", A, " ")
		for (p = 1; p <= 4; p++) for (d = 1; d <= 5; d++)
		for (s = 1; s <= 2; s++) for (e = 1; e <= 9; e++)
		for (x = 1; x <= 4; x++) for (a = 1; a <= 3; a++) {
			last = p == 4 && d == 5 && s == 2 && e == 9 && x == 4 && a == 3
			print P[p] "," D[d] "," S[s] "," E[e] "," X[x] "," A[a] "," (last ? 100000 : 1)
		}
	}'
}

# More new counts in one bundle than the merger keeps in memory for the
# rules (4,096, merger/apply.c): every group is then read back from the
# database, so the warning of the last group, which only the bundle's last
# count raises, is found, as merger quality finds it.
test_expect_success 'past 4,096 new counts in one bundle: the rules read every group back' '
	new_collector big "Grand Accueil" --kind association --dept 75,92,93,94,95 &&
	enroll big &&
	big_grid >big.csv &&
	test "$(wc -l <big.csv)" = 4321 &&
	collector --home big import big.csv 2>err &&
	collector --home big export -o big.bundle 2>err &&
	grep -q "^Avertissement « supported-max », période 2027-Q4, département 95 :" err &&
	merger merge big.bundle >out &&
	grep -q "^big.bundle: merged 4321 records" out &&
	grep -q "^big.bundle: rules failing for \"Grand Accueil\": 0 errors, 1 warning" out &&
	test "$(sql "SELECT records, rule_errors, rule_warnings FROM bundle ORDER BY merged_at DESC, seq DESC LIMIT 1")" = "4321|0|1" &&
	merger quality >q.txt &&
	grep -q "^Grand Accueil (organisation [0-9]*): 0 errors, 1 warning" q.txt
'

# A damaged store is said, not checked half: status and export stop at a
# count whose natural key cannot be read, and change nothing.
test_expect_success 'a pending count with a damaged natural key: status and export refuse' '
	cp -r a damaged &&
	sqlite3 damaged/store.db "UPDATE record SET natkey = '\''victims|2026-Q3'\'' WHERE kind = 3 AND version > acked_version" &&
	test "$(sqlite3 damaged/store.db "SELECT count(*) FROM record WHERE natkey = '\''victims|2026-Q3'\''")" -ge 1 &&
	sqlite3 damaged/store.db .dump >before.sql &&
	test_must_fail collector --home damaged status >out 2>err &&
	test_one_line err "^collector: damaged/store.db : base de données illisible ou endommagée \\(a count of the store has a damaged natural key\\)$" &&
	test_must_fail collector --home damaged export -o d.bundle 2>err &&
	grep -q "a count of the store has a damaged natural key" err &&
	test ! -e d.bundle &&
	sqlite3 damaged/store.db .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_done
