#!/bin/sh
# t5060-report-xlsx.sh - the diagnostic as a workbook (--format xlsx) and
# as CSV for a French Excel (--csv-excel).  The workbook is read back
# with python3's zipfile and xml.etree (lib-xlsx.sh): one worksheet per
# table, French headers, the header row frozen, column widths set, codes
# as strings ("01" stays "01"), counts and shares as numbers equal to the
# JSON report's, and in the public version every suppressed count a
# marked string cell.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"
. "$MAILLAGE_SRC/tests/t/lib-xlsx.sh"

export MAILLAGE_NOW=1767268800
CR=$(printf "\r")
BOM=$(printf "\357\273\277")

if ! python3 -c "import zipfile, xml.etree.ElementTree" 2>/dev/null; then
	test_skip "the workbook read back" "no python3 here"
	test_done
fi

test_expect_success 'fixture' '
	report_fixture
'

test_expect_success 'a workbook, one worksheet per table, frozen headers and widths' '
	merger report --format xlsx -o r.xlsx >out 2>err &&
	test ! -s out && test_one_line err "r.xlsx: report for 2025 written" &&
	test "$(stat -c %a r.xlsx)" = 600 &&
	test -z "$(find . -maxdepth 1 -name "*.tmp")" &&
	xlsx_dump r.xlsx >dump &&
	grep "^sheet " dump | cut -d" " -f2 >sheets &&
	head -5 sheets >first &&
	printf "%s\n" Totaux Départements Lacunes Complétude Annuaire >expect &&
	test_cmp expect first &&
	grep -qx victims-origin sheets && ! grep -qx victims sheets &&
	! grep "^sheet " dump | grep -v "frozen=1 " &&
	! grep "^sheet " dump | grep "cols=0 " &&
	! grep -v "^sheet " dump | cut -f2 | grep -qx f
'

test_expect_success 'French headers, the model'"'"'s labels where a column is a field' '
	grep -qx "Départements!A1	s	Période	fill:FFDDE4EE" dump &&
	grep -qx "Départements!C1	s	Département	fill:FFDDE4EE" dump &&
	grep -q "^Départements![A-Z]*1	s	Participant·es	" dump &&
	grep -q "^Complétude!B1	s	Nom de l'"'"'organisation	" dump &&
	grep -q "^Annuaire![A-Z]*1	s	Site web	" dump &&
	grep -q "^victims-origin!F1	s	Nombre	" dump
'

test_expect_success 'codes are strings, numbers are numbers, shares percentages' '
	grep -qx "Départements!B2	s	01	@" dump &&
	grep -qx "Départements!C2	s	Ain	" dump &&
	grep -qx "Départements!F2	n	1	" dump &&
	grep -qx "Lacunes!B2	s	01	@" dump &&
	grep -qx "Totaux!E2	n	25	" dump &&
	grep -qx "Totaux!F3	n	0.6	0.0%" dump &&
	grep -qx "Totaux!H3	n	0.412	0.0%" dump
'

test_expect_success 'every number equals the JSON report'"'"'s' '
	merger report --format json >r.json &&
	xlsx_vs_json r.xlsx r.json
'

test_expect_success 'the check can fail: a changed count is seen' '
	sed "s/\"supported\": 25,/\"supported\": 26,/" r.json >wrong.json &&
	! cmp -s r.json wrong.json &&
	test_must_fail xlsx_vs_json r.xlsx wrong.json >diff &&
	grep -q "totals total all supported" diff
'

test_expect_success 'hostile text stays text: no formula, no markup run' '
	grep -q "^Annuaire![A-Z]*[0-9]*	s	<img src=x onerror=alert(1)>	" dump &&
	grep -q "^Annuaire![A-Z]*[0-9]*	s	=cmd|'"'"' /C calc'"'"'!A0	" dump
'

test_expect_success 'the public workbook: suppressed counts marked, as in JSON' '
	merger report --public --format xlsx -o p.xlsx 2>err &&
	test "$(stat -c %a p.xlsx)" = 644 &&
	merger report --public --format json >p.json &&
	xlsx_vs_json p.xlsx p.json &&
	xlsx_dump p.xlsx >pdump &&
	grep -q "^Départements![A-Z]*[0-9]*	s	s	fill:FFD9D9D9\$" pdump &&
	! grep -E "	s	(<[0-9]+|s)	\$" pdump
'

test_expect_success 'directory and collectors as workbooks' '
	merger directory --format xlsx -o d.xlsx 2>err &&
	test_one_line err "d.xlsx: directory for 2025 written" &&
	xlsx_dump d.xlsx >ddump &&
	test "$(grep -c "^sheet " ddump)" = 1 && grep -q "^sheet Annuaire frozen=1 " ddump &&
	test "$(grep -c "^Annuaire!B[0-9]*	" ddump)" = \
		"$(($(merger directory --format csv | wc -l) - 1 + 1))" &&
	merger directory --dept 75 --format xlsx -o d75.xlsx 2>/dev/null &&
	xlsx_dump d75.xlsx | grep "^Annuaire!B[0-9]*	" | grep -v "!B1	" | cut -f3 | sort -u >codes &&
	echo 75 >expect && test_cmp expect codes &&
	merger collectors --format xlsx -o c.xlsx 2>err &&
	test_one_line err "c.xlsx: 6 collectors written" &&
	xlsx_dump c.xlsx >cdump &&
	grep -q "^sheet Collecteurs frozen=1 " cdump &&
	grep -qx "Collecteurs!B2	n	3	" cdump &&
	grep -qx "Collecteurs!C2	s	k4	@" cdump
'

test_expect_success 'refused: no file given, a table asked, a folder that is not there' '
	test_exit_code 2 merger report --format xlsx >out 2>err &&
	test ! -s out && test_one_line err "give -o FILE.xlsx" &&
	test_exit_code 2 merger report --format xlsx -o - >out 2>err &&
	test ! -s out && test_one_line err "give -o FILE.xlsx" &&
	test_exit_code 2 merger directory --format xlsx 2>err &&
	test_one_line err "give -o FILE.xlsx" &&
	test_exit_code 2 merger collectors --format xlsx 2>err &&
	test_one_line err "give -o FILE.xlsx" &&
	test_exit_code 2 merger report --format xlsx --table totals -o t.xlsx 2>err &&
	test_one_line err "xlsx hold every table" && test ! -e t.xlsx &&
	test_exit_code 2 merger report -o x.xlsx --format ods 2>err &&
	test_one_line err "text, csv, json, html or xlsx" &&
	test_exit_code 3 merger report --format xlsx -o nowhere/r.xlsx 2>err &&
	test_one_line err "nowhere" && test ! -e nowhere
'

test_expect_success 'a workbook is written whole or not at all' '
	cp r.xlsx before.xlsx &&
	mkdir ro && cp r.xlsx ro/r.xlsx &&
	chmod 500 ro &&
	if touch ro/probe 2>/dev/null; then
		rm -f ro/probe
		echo "# running with rights that ignore modes: skipped"
	else
		test_exit_code 3 merger report --format xlsx -o ro/r.xlsx 2>err &&
		test_one_line err "ro/r.xlsx" &&
		cmp ro/r.xlsx before.xlsx
	fi &&
	chmod 700 ro
'

test_expect_success '--csv-excel: semicolons, decimal commas, a byte order mark, CRLF' '
	merger report --csv-excel --table totals >xl.csv &&
	head -c 3 xl.csv >bom && printf "%s" "$BOM" >expect && test_cmp expect bom &&
	head -1 xl.csv | grep -q "^${BOM}period;dimension;code;label;supported;supported_share;spotted;spotted_share${CR}\$" &&
	grep -q "^2025;total;all;Total;25;100,0;34;100,0${CR}\$" xl.csv &&
	grep -q "^2025;exploitation;sexual;exploitation sexuelle;15;60,0;14;41,2${CR}\$" xl.csv &&
	test "$(grep -c "${CR}\$" xl.csv)" = "$(wc -l <xl.csv)" &&
	merger report --format csv --table totals >rfc.csv &&
	head -c 6 rfc.csv | grep -q "^period" &&
	grep -q "^2025,total,all,Total,25,100.0,34,100.0${CR}\$" rfc.csv &&
	tail -c +4 xl.csv | tr ";" "\t" | sed "s/\([0-9]\),\([0-9]\)/\1.\2/g" >a &&
	tr "," "\t" <rfc.csv | sed "s/\([0-9]\)\.\([0-9]\)/\1.\2/g" >b &&
	test_cmp b a
'

test_expect_success '--csv-excel everywhere the merger writes CSV' '
	merger report --csv-excel >xd.csv &&
	head -1 xd.csv | grep -q "^${BOM}period;code;name;region;" &&
	grep -q "^2025;01;Ain;84;Auvergne-Rhône-Alpes;1;" xd.csv &&
	merger report --csv-excel --table tables >xt.csv &&
	head -1 xt.csv | grep -q "^${BOM}period;table;dimension;code;label;count;state${CR}\$" &&
	merger directory --csv-excel >xdir.csv &&
	grep -q "^${BOM}period;dept;dept_name;organisation;" xdir.csv &&
	grep -q "^2025;13;Bouches-du-Rhône;<img src=x onerror=alert(1)>;association;" xdir.csv &&
	merger collectors --csv-excel >xc.csv &&
	grep -q "^${BOM}organisation;organisation_id;key_id;" xc.csv &&
	merger report --csv-excel --format csv --table gaps -o g.csv 2>/dev/null &&
	head -1 g.csv | grep -q "^${BOM}period;code;name;region;region_name${CR}\$" &&
	merger questionnaire show --csv-excel >qt.csv &&
	head -1 qt.csv | grep -q "^${BOM}[a-z_]*;[a-z_]*;" &&
	! head -1 qt.csv | grep -q "," &&
	mkdir xsheets && tail -c +4 qt.csv >xsheets/tables.csv &&
	merger questionnaire show --csv-excel --sheet lists >xsheets/lists.csv &&
	head -c 3 xsheets/lists.csv | cmp -s - bom &&
	merger questionnaire check xsheets >/dev/null 2>err &&
	test_exit_code 2 merger report --csv-excel --format json 2>err &&
	test_one_line err "csv-excel.*--format json" &&
	test_exit_code 2 merger collectors --csv-excel --format text 2>err &&
	test_one_line err "csv-excel"
'

test_done
