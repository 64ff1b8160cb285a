#!/bin/sh
# t5000-report-counts.sh - the numbers of the national diagnostic: totals,
# départements, gaps, completeness, and the counting rules (granularity,
# newest record of an organisation's collectors, periods of actions and
# trainings), checked against values computed by hand (lib-report.sh).

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800   # 2026-01-01 12:00 UTC
CR=$(printf "\r")

test_expect_success 'an empty national database: every département is a gap' '
	merger init >/dev/null &&
	merger gaps >gaps 2>err &&
	test ! -s err &&
	test "$(wc -l <gaps)" -eq 101 &&
	cut -f1 gaps >codes &&
	all_dept_codes >expect &&
	test_cmp expect codes &&
	grep -qx "2A	Corse-du-Sud	Corse" gaps &&
	grep -qx "976	Mayotte	Mayotte" gaps &&
	merger report --format csv --table totals >totals &&
	grep -q "^2026,total,all,Total,0,,0,${CR}\$" totals &&
	rm -rf "$MERGER_HOME"
'

test_expect_success 'fixture' '
	report_fixture
'

test_expect_success 'gaps: exactly the départements without any victim supported' '
	merger gaps >gaps 2>err &&
	test ! -s err &&
	all_dept_codes | grep -vx -e 13 -e 69 -e 75 -e 93 >expect &&
	cut -f1 gaps >codes &&
	test_cmp expect codes &&
	grep -qx "01	Ain	Auvergne-Rhône-Alpes" gaps &&
	grep -qx "59	Nord	Hauts-de-France" gaps
'

test_expect_success 'gaps on a terminal: a title, a header, département names' '
	timeout 30 script -qec "merger gaps" /dev/null >tty.out &&
	tr -d "\r" <tty.out >tty &&
	head -1 tty | grep -qx "Départements sans victime accompagnée, 2025 : 97 sur 101" &&
	grep -q "^Code  Département  *Région$" tty &&
	grep -q "^01    Ain  *Auvergne-Rhône-Alpes$" tty &&
	grep -q "^2A    Corse-du-Sud  *Corse$" tty &&
	test "$(grep -c "^[0-9][0-9AB]*  *[A-Z]" tty)" = 97 &&
	merger gaps | head -1 | grep -qx "01	Ain	Auvergne-Rhône-Alpes"
'

test_expect_success 'the default period is the latest year with data' '
	merger report --format json >r.json &&
	grep -q "^  \"period\": \"2025\", \"period_start\": \"2025-01-01\", \"period_end\": \"2025-12-31\",\$" r.json
'

test_expect_success 'national totals, by form, sex and age, with shares' '
	merger report --format csv --table totals >actual &&
	printf "%s\r\n" \
		"period,dimension,code,label,supported,supported_share,spotted,spotted_share" \
		"2025,total,all,Total,25,100.0,34,100.0" \
		"2025,exploitation,sexual,exploitation sexuelle,15,60.0,14,41.2" \
		"2025,exploitation,labour,exploitation par le travail,9,36.0,20,58.8" \
		"2025,exploitation,domestic-servitude,servitude domestique,1,4.0,0,0.0" \
		"2025,exploitation,forced-begging,mendicité forcée,0,0.0,0,0.0" \
		"2025,exploitation,forced-crime,contrainte à commettre des délits,0,0.0,0,0.0" \
		"2025,exploitation,organ-removal,prélèvement d'"'"'organes,0,0.0,0,0.0" \
		"2025,exploitation,forced-marriage,mariage forcé,0,0.0,0,0.0" \
		"2025,exploitation,other,autre forme d'"'"'exploitation,0,0.0,0,0.0" \
		"2025,exploitation,unknown,forme non déterminée,0,0.0,0,0.0" \
		"2025,sex,f,femme,16,64.0,14,41.2" \
		"2025,sex,m,homme,9,36.0,20,58.8" \
		"2025,sex,trans,personne trans,0,0.0,0,0.0" \
		"2025,sex,unknown,non renseigné,0,0.0,0,0.0" \
		"2025,age,minor,mineur·e,3,12.0,6,17.6" \
		"2025,age,adult,majeur·e,22,88.0,28,82.4" \
		"2025,age,unknown,âge non connu,0,0.0,0,0.0" >expect &&
	test_cmp expect actual
'

test_expect_success 'per département: actors by kind, actions, victims, trainings, flags' '
	merger report --format csv >depts &&
	test "$(wc -l <depts)" -eq 102 &&
	grep -E "^(period|2025,(01|13|33|59|69|75|93|2A)),"  depts >actual &&
	printf "%s\r\n" \
		"period,code,name,region,region_name,organisations,org_association,org_barreau,org_prefecture,org_justice,org_police,org_collectivite,org_other,action_types,supported,spotted,trainings,participants,no_support,no_organisation" \
		"2025,01,Ain,84,Auvergne-Rhône-Alpes,1,0,1,0,0,0,0,0,,0,0,1,12,1,0" \
		"2025,13,Bouches-du-Rhône,93,Provence-Alpes-Côte d'"'"'Azur,1,1,0,0,0,0,0,0,,1,0,0,0,0,0" \
		"2025,2A,Corse-du-Sud,94,Corse,0,0,0,0,0,0,0,0,,0,0,0,0,1,1" \
		"2025,33,Gironde,75,Nouvelle-Aquitaine,1,1,0,0,0,0,0,0,,0,0,0,0,1,0" \
		"2025,59,Nord,32,Hauts-de-France,1,0,0,1,0,0,0,0,,0,0,1,25,1,0" \
		"2025,69,Rhône,84,Auvergne-Rhône-Alpes,1,0,1,0,0,0,0,0,legal-support,3,6,0,0,0,0" \
		"2025,75,Paris,11,Île-de-France,1,1,0,0,0,0,0,0,shelter,12,8,0,0,0,0" \
		"2025,93,Seine-Saint-Denis,11,Île-de-France,1,1,0,0,0,0,0,0,outreach,9,20,0,0,0,0" \
		>expect &&
	test_cmp expect actual
'

test_expect_success 'CSV lines end in CRLF, one table per file' '
	test "$(grep -c "${CR}\$" depts)" -eq 102 &&
	merger report --format csv --table gaps >g.csv &&
	test "$(wc -l <g.csv)" -eq 98
'

test_expect_success 'a year record and months of the same cell: the year counts' '
	grep -q "^2025,75,Paris,.*,shelter,12,8," depts
'

test_expect_success 'quarter: its own record, else the sum of its months' '
	merger report --period 2025-q1 --format csv --table totals >q1 &&
	grep -q "^2025-Q1,total,all,Total,9,100.0,0,${CR}\$" q1 &&
	merger report --period 2025-Q1 --format csv >q1d &&
	grep -q "^2025-Q1,75,.*,7,0,0,0,0,0${CR}\$" q1d &&
	grep -q "^2025-Q1,93,.*,2,0,0,0,0,0${CR}\$" q1d
'

test_expect_success 'month: only that month'"'"'s records' '
	merger report --period 2025-02 --format csv --table totals >m &&
	grep -q "^2025-02,total,all,Total,5,100.0,0,${CR}\$" m &&
	merger report --period 2025-06 --format csv --table totals >m6 &&
	grep -q "^2025-06,total,all,Total,0,,0,${CR}\$" m6
'

test_expect_success 'two collectors of one organisation, same key: the newest only' '
	grep -q "^2025,75,Paris,.*,12,8,0,0,0,0${CR}\$" depts &&
	sqlite3 "$MERGER_HOME/national.db" \
		"UPDATE count SET recorded_at = 301 WHERE id = X'"'"'01'"'"'" &&
	merger report --format csv >depts2 &&
	grep -q "^2025,75,Paris,.*,12,7,0,0,0,0${CR}\$" depts2 &&
	sqlite3 "$MERGER_HOME/national.db" \
		"UPDATE count SET recorded_at = 300 WHERE id = X'"'"'01'"'"'"
'

test_expect_success 'another year: only its own data' '
	merger report --period 2024 --format csv >y2024 &&
	grep -q "^2024,75,Paris,.*,50,0,0,0,0,0${CR}\$" y2024 &&
	grep -q "^2024,59,Nord,.*,1,10,1,0${CR}\$" y2024 &&
	grep -q "^2024,33,Gironde,75,Nouvelle-Aquitaine,2,2,0,0,0,0,0,0,prevention,0,0," y2024
'

test_expect_success 'completeness: enrolled, reporting, silent by name' '
	grep -A2 "^  \"completeness\"" r.json >actual &&
	printf "%s\n" "  \"completeness\": {\"enrolled\": 5, \"reporting\": 4, \"silent\": [" \
		"    \"Silencieuse\"" "  ]}," >expect &&
	test_cmp expect actual &&
	merger report --format csv --table completeness >c.csv &&
	grep -q "^2025,Silencieuse,association,0,1,1${CR}\$" c.csv &&
	grep -q "^2025,Alpha,association,1,2,0${CR}\$" c.csv &&
	merger report --table completeness >c.txt &&
	grep -q "^  Organisations enrôlées : 5\$" c.txt &&
	grep -q "^    - Silencieuse (toutes ses clés sont révoquées)\$" c.txt
'

test_expect_success 'JSON: the documented shape and values' '
	grep -q "^    \"supported\": 25, \"spotted\": 34, \"supported_share\": 100.0, \"spotted_share\": 100.0,\$" r.json &&
	grep -q "^      \"sexual\": {\"supported\": 15, \"spotted\": 14, \"supported_share\": 60.0, \"spotted_share\": 41.2},\$" r.json &&
	grep -q "^      \"f\": {\"supported\": 16, \"spotted\": 14," r.json &&
	grep -q "^      \"minor\": {\"supported\": 3, \"spotted\": 6," r.json &&
	grep -A3 "^    {\"code\": \"75\"" r.json >actual &&
	printf "%s\n" \
		"    {\"code\": \"75\", \"name\": \"Paris\", \"region\": \"11\", \"region_name\": \"Île-de-France\"," \
		"     \"organisations\": 1, \"organisations_by_kind\": {\"association\": 1, \"barreau\": 0, \"prefecture\": 0, \"justice\": 0, \"police\": 0, \"collectivite\": 0, \"other\": 0}," \
		"     \"action_types\": [\"shelter\"]," \
		"     \"supported\": 12, \"spotted\": 8, \"trainings\": 0, \"participants\": 0," >expect &&
	test_cmp expect actual &&
	gaps=$(all_dept_codes | grep -vx -e 13 -e 69 -e 75 -e 93 | sed "s/.*/\"&\"/" |
		paste -sd, - | sed "s/,/, /g") &&
	grep -qxF "  \"gaps\": [$gaps]," r.json &&
	test "$(grep -c "^    {\"code\": " r.json)" -eq 101
'

test_expect_success 'text report: French labels and the same numbers' '
	merger report >r.txt &&
	grep -q "^Période : 2025 (du 2025-01-01 au 2025-12-31)\$" r.txt &&
	grep -q "^Généré le 2026-01-01 12:00 UTC par Coordination nationale\$" r.txt &&
	grep -q "^  Total  *25  *100,0 %  *34  *100,0 %\$" r.txt &&
	grep -q "^  exploitation sexuelle  *15  *60,0 %  *14  *41,2 %\$" r.txt &&
	grep -q "^  75   Paris  *1  *12  *8  *0  *0\$" r.txt &&
	grep -q "^  01   Ain  *1  *0  *0  *1  *12  aucun accompagnement\$" r.txt &&
	grep -q "^  02   Aisne .*aucun accompagnement  aucun acteur\$" r.txt &&
	grep -q "^Départements sans aucun accompagnement de victimes (97)\$" r.txt
'

test_expect_success 'a report period spelled in words' '
	merger report --period 2025-Q3 --table gaps >q3.txt &&
	grep -q "^Période : 3e trimestre 2025 (du 2025-07-01 au 2025-09-30)\$" q3.txt &&
	merger report --period 2024-02 --table gaps >feb.txt &&
	grep -q "^Période : février 2024 (du 2024-02-01 au 2024-02-29)\$" feb.txt
'

test_expect_success 'rows with unknown codes are left out, with one warning' '
	cp "$MERGER_HOME/national.db" saved.db &&
	sqlite3 "$MERGER_HOME/national.db" "INSERT INTO count VALUES (X'"'"'ff'"'"', 1, '"'"'victims'"'"', '"'"'2025'"'"', '"'"'20'"'"', '"'"'supported'"'"', '"'"'sexual'"'"', '"'"'f'"'"', '"'"'adult'"'"', 40, 1)" &&
	merger report --format csv --table totals >t 2>err &&
	test_one_line err "left out 1 row\\(s\\) whose codes this version does not know" &&
	grep -q "^2025,total,all,Total,25," t &&
	cp saved.db "$MERGER_HOME/national.db"
'

test_expect_success 'usage errors exit 2 with one line' '
	test_exit_code 2 merger report --format pdf 2>err && test_one_line err "--format" &&
	test_exit_code 2 merger report --period 2025-13 2>err && test_one_line err "period" &&
	test_exit_code 2 merger report --format json --table totals 2>err &&
	test_one_line err "--table" &&
	test_exit_code 2 merger report --threshold 10 2>err && test_one_line err "--public" &&
	test_exit_code 2 merger report --public --threshold 2 2>err &&
	test_one_line err "threshold" &&
	test_exit_code 2 merger report --table nope 2>err && test_one_line err "--table" &&
	test_exit_code 2 merger report extra 2>err && test_one_line err "unexpected" &&
	test_exit_code 2 merger gaps --period x 2>err && test_one_line err "period" &&
	test_exit_code 2 merger report --bogus 2>err && test_one_line err "bogus"
'

test_expect_success 'a home that was never initialised' '
	test_must_fail merger --home nowhere report 2>err &&
	test_one_line err "not initialised" &&
	test ! -e nowhere
'

test_expect_success '-o writes the file whole, private unless public' '
	merger report --format csv -o out.csv 2>err &&
	test_one_line err "out.csv: report for 2025 written" &&
	merger report --format csv >stdout.csv &&
	test_cmp stdout.csv out.csv &&
	test "$(stat -c %a out.csv)" = 600 &&
	merger report --public --format csv -o pub.csv 2>/dev/null &&
	test "$(stat -c %a pub.csv)" = 644 &&
	merger report -o - --table gaps >dash.txt &&
	grep -q "^Départements sans" dash.txt &&
	ls >listing && ! grep -q "tmp" listing
'

test_expect_success '-o into a missing folder: exit 3, nothing written' '
	test_exit_code 3 merger report -o no/such/dir/r.html --format html 2>err &&
	test_one_line err "no/such/dir/r.html" &&
	test ! -e no
'

test_expect_success 'a full disk is reported, not ignored' '
	if test -w /dev/full; then
		test_exit_code 3 merger report --format json >/dev/full 2>err &&
		test_one_line err "standard output"
	fi
'

test_done
