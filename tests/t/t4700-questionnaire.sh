#!/bin/sh
# The questionnaire end to end, with neither program rebuilt: the
# coordinator adds a table to the sheets, checks and publishes a new
# edition, writes a kit; a collector updates and records a count in the
# new table; the count merges and appears in every report format.  Editions
# that remove or redefine a code are refused, and so are older kits and
# other coordinators' kits; a count naming a table or a code that no
# edition has refuses its whole bundle.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

C="collector --home a"

test_expect_success 'setup: the default edition, one enrolled collector' '
	coordinator_setup &&
	new_collector a "Ligne Écoute Traite" &&
	enroll a &&
	merger questionnaire show >show.txt &&
	grep -q "^Questionnaire, edition 1 " show.txt &&
	grep -q "^victims: Victimes repérées et accompagnées$" show.txt &&
	$C tables >tables.txt &&
	grep -q "^Questionnaire : édition 1 du " tables.txt &&
	grep -q "^victims-origin — Victimes par pays d'\''origine$" tables.txt &&
	! grep -q helpline tables.txt
'

test_expect_success 'the default sheets come back out as they went in' '
	mkdir sheets &&
	merger questionnaire show --format csv >sheets/tables.csv &&
	merger questionnaire show --format csv --sheet lists >sheets/lists.csv &&
	merger questionnaire check sheets >out 2>err &&
	grep -q "questionnaire valid: 13 tables" out &&
	merger questionnaire show --format json >q.json &&
	python3 -c "import json,sys; q=json.load(open(\"q.json\")); \
assert q[\"edition\"] == 1 and q[\"tables\"][0][\"code\"] == \"victims\", q" 2>/dev/null ||
	{ ! command -v python3 >/dev/null; }
'

test_expect_success 'a table added to the sheets: check, publish, kit' '
	cp -r sheets next &&
	printf "%s\r\n" "helpline-calls,Appels reçus par la ligne d'\''écoute,Calls to the helpline,Comptez chaque appel une fois selon qui appelle.,caller,,,," >>next/tables.csv &&
	printf "%s\r\n" "caller,,Appelant,Caller,," \
		"caller,victim,Victime,Victim,," "caller,relative,Proche,Relative,," \
		"caller,professional,Professionnel·le,Professional,," \
		"caller,other,Autre,Other,," >>next/lists.csv &&
	merger questionnaire check next >out 2>err &&
	grep -q "questionnaire valid: 14 tables" out &&
	merger questionnaire publish next 2>err &&
	grep -q "published edition 2: 14 tables" err &&
	merger kit -o next.kit 2>err &&
	grep -q "questionnaire edition 2" err
'

test_expect_success 'the collector updates; its tables, template and menus know the table' '
	$C update --kit next.kit 2>err &&
	grep -q "questionnaire mis à jour : édition 2 (au lieu de 1)" err &&
	grep -q "1 tableau ajouté : « Appels reçus par la ligne d'\''écoute »" err &&
	$C tables >tables.txt &&
	grep -q "^helpline-calls — Appels reçus par la ligne d'\''écoute$" tables.txt &&
	grep -q "Appelant (--caller)" tables.txt &&
	$C template helpline-calls >tpl.csv &&
	printf "period,dept,caller,count\r\n" >want &&
	test_cmp want tpl.csv &&
	$C update --kit next.kit 2>err &&
	grep -q "déjà l'\''édition 2" err
'

test_expect_success 'an older kit and another coordinator'\''s kit are refused' '
	test_exit_code 1 $C update --kit coord.kit 2>err &&
	test_one_line err "plus ancienne que celle de ce poste" &&
	MERGER_HOME=other merger init >/dev/null 2>&1 &&
	MERGER_HOME=other merger kit -o other.kit 2>/dev/null &&
	test_exit_code 1 $C update --kit other.kit 2>err &&
	test_one_line err "autre coordinateur" &&
	$C tables | grep -q "^helpline-calls"
'

test_expect_success 'a count in the new table: flags, a spreadsheet, unknown values refused' '
	$C add count helpline-calls --period 2026 --dept 75 --caller victim --count 14 >h.id &&
	test -s h.id &&
	printf "period,dept,caller,count\n2026,93,professional,3\n" >calls.csv &&
	$C import calls.csv 2>err &&
	test_exit_code 1 $C add count helpline-calls --period 2026 --dept 75 \
		--caller cousin --count 1 2>err &&
	test_one_line err "Appelant \(caller\) : valeur inconnue « cousin »" &&
	test_exit_code 2 $C add count no-such-table --period 2026 --dept 75 --count 1 2>err &&
	test_one_line err "pas de tableau « no-such-table »" &&
	$C list helpline-calls --format csv >list.csv &&
	grep -q ",2026,75,victim,14" list.csv &&
	grep -q ",2026,93,professional,3" list.csv
'

test_expect_success 'the count merges and is in every report format' '
	export_bundle a b1.bundle &&
	merger merge b1.bundle >out 2>err &&
	grep -q "merged 3 records" out &&
	test "$(sql "SELECT sum(count) FROM count WHERE \"table\" = '\''helpline-calls'\''")" = 17 &&
	merger report --period 2026 --format json >r.json &&
	grep -q "helpline-calls" r.json &&
	merger report --period 2026 --format csv --table tables >r.csv &&
	grep -q "helpline-calls" r.csv &&
	merger report --period 2026 --format text >r.txt &&
	grep -q "Appels reçus par la ligne d.écoute" r.txt &&
	merger report --period 2026 --format html -o r.html &&
	grep -q "Appels reçus par la ligne d&#39;écoute" r.html
'

test_expect_success 'an edition that removes or redefines a code is refused' '
	cp -r next gone &&
	grep -v "^caller,other," next/lists.csv >gone/lists.csv &&
	test_exit_code 1 merger questionnaire publish gone 2>err &&
	grep -q "lists.csv.*other" err &&
	grep -q "nothing was published" err &&
	cp -r next moved &&
	sed "s/^helpline-calls,\\(.*\\),caller,,,,/helpline-calls,\\1,caller,age,,,/" \
		next/tables.csv >moved/tables.csv &&
	test_exit_code 1 merger questionnaire publish moved 2>err &&
	grep -q "helpline-calls" err &&
	merger questionnaire show | grep -q "^Questionnaire, edition 2 "
'

test_expect_success 'broken sheets: every problem with its sheet, line and column' '
	mkdir bad &&
	printf "table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired\n" >bad/tables.csv &&
	printf "victims,Victimes,,,status,pays,,,\nvictims,Encore,,,sex,,,,\n" >>bad/tables.csv &&
	printf "list,value,label_fr,label_en,retired,rollup\n" >bad/lists.csv &&
	test_exit_code 1 merger questionnaire check bad 2>err &&
	grep -q "tables.csv, line 2, column dim2" err &&
	grep -q "tables.csv, line 3, column table" err &&
	grep -q "problems: the questionnaire was not accepted" err &&
	test_exit_code 3 merger questionnaire check nowhere 2>err
'

test_expect_success 'a count of a table no edition has refuses its bundle' '
	MERGER_HOME=m2 merger init >/dev/null 2>&1 &&
	MERGER_HOME=m2 merger kit -o m2.kit 2>/dev/null &&
	collector --home b init --kit m2.kit --org "Autre" --kind association \
		--dept 75 >/dev/null 2>&1 &&
	collector --home b request -o b.request 2>/dev/null &&
	MERGER_HOME=m2 merger enroll --yes b.request >/dev/null 2>&1 &&
	MERGER_HOME=m2 merger questionnaire publish next 2>/dev/null &&
	MERGER_HOME=m2 merger kit -o m2next.kit 2>/dev/null &&
	collector --home b update --kit m2next.kit 2>/dev/null &&
	collector --home b add count helpline-calls --period 2026 --dept 75 --caller victim \
		--count 2 >/dev/null &&
	collector --home b export -o b2.bundle 2>/dev/null &&
	sqlite3 m2/national.db "DELETE FROM questionnaire WHERE edition = 2" &&
	sqlite3 m2/national.db .dump >before &&
	test_exit_code 1 env LC_ALL=en_GB.UTF-8 MERGER_HOME=m2 merger merge b2.bundle >out 2>err &&
	grep -q "helpline-calls" err &&
	sqlite3 m2/national.db .dump >after &&
	test_cmp before after
'

test_done
