#!/bin/sh
# t5060-report-change.sh - year over year: when the database holds the
# same period a year earlier, the key figures of the text, JSON and HTML
# reports show their change (docs/REPORT.md, "Year over year"); nothing
# when it does not; a hidden count gives no change in a public report.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800
nbsp=$(printf "\302\240")    # before "%", as French typography has it

# The fixture's 2024: Alpha supported 50 in 75, its actions, the
# prefecture's training; so 2024 has supported 50, spotted 0, 100 gaps,
# 2 organisations reporting.  2025: 25, 34, 97, 4.

test_expect_success 'fixture' '
	report_fixture
'

test_expect_success 'text: the key figures with their change since 2024' '
	merger report >r.txt &&
	sed -n "/^Chiffres clés\$/,/^  Organisations/p" r.txt >keys &&
	grep -q "(−50${nbsp}%)" keys &&
	sed -i "s/$nbsp/ /g" keys &&
	cat >expect <<-\EOF &&
	Chiffres clés
	=============
	(évolution par rapport à 2024)

	  Victimes accompagnées                       25   −25 (−50 %)
	  Victimes repérées                           34   +34
	  Départements sans accompagnement            97   −3
	  Organisations ayant transmis                 4   +2
	EOF
	test_cmp expect keys
'

test_expect_success 'HTML: each key figure with its change' '
	merger report --format html -o r.html 2>/dev/null &&
	grep -q "^<div>Victimes accompagnées<b>25</b><small class=\"change\">−25 (−50${nbsp}%) par rapport à 2024</small></div>\$" r.html &&
	grep -q "^<div>Victimes repérées<b>34</b><small class=\"change\">+34 par rapport à 2024</small></div>\$" r.html &&
	grep -q "^<div>Départements sans accompagnement<b>97 / 101</b><small class=\"change\">−3 par rapport à 2024</small></div>\$" r.html &&
	grep -q "^<div>Organisations ayant transmis<b>4 / 5</b><small class=\"change\">+2 par rapport à 2024</small></div>\$" r.html
'

if command -v python3 >/dev/null 2>&1; then
	test_expect_success 'JSON: the previous period and the changes' '
		merger report --format json >r.json &&
		python3 -c "
import json, sys
p = json.load(open(sys.argv[1]))[\"previous\"]
want = {\"period\": \"2024\", \"supported\": 50, \"spotted\": 0, \"gaps\": 100, \"reporting\": 2,
        \"change\": {\"supported\": -25, \"supported_pct\": -50, \"spotted\": 34,
                   \"spotted_pct\": None, \"gaps\": -3, \"reporting\": 2}}
assert p == want, p
" r.json
	'

	test_expect_success 'JSON: previous is null when the year before is empty' '
		merger report --period 2024 --format json >r2024.json &&
		python3 -c "
import json, sys
assert json.load(open(sys.argv[1]))[\"previous\"] is None
" r2024.json
	'
else
	test_skip 'JSON: the previous period and the changes' 'no python3'
	test_skip 'JSON: previous is null when the year before is empty' 'no python3'
fi

test_expect_success 'no previous year: no change shown' '
	merger report --period 2024 >r2024.txt &&
	grep -q "^  Victimes accompagnées  *50\$" r2024.txt &&
	! grep -q "évolution" r2024.txt &&
	merger report --period 2024 --format html -o r2024.html 2>/dev/null &&
	! grep -q "class=\"change\"" r2024.html &&
	merger report --period 2000 >r2000.txt &&
	! grep -q "évolution" r2000.txt
'

test_expect_success 'a quarter compares with the same quarter' '
	merger report --period 2025-Q3 >q3.txt &&
	grep -q "^(évolution par rapport à 3e trimestre 2024)\$" q3.txt &&
	grep -q "^  Victimes accompagnées  *3   +3\$" q3.txt &&
	grep -q "^  Départements sans accompagnement  *100   −1\$" q3.txt
'

test_expect_success 'a percentage only on a previous figure of 10 or more' '
	sqlite3 "$MERGER_HOME/national.db" "UPDATE count SET count = 9 WHERE id = X'"'"'a00a'"'"'" &&
	merger report >r9.txt &&
	grep -q "^  Victimes accompagnées  *25   +16\$" r9.txt &&
	sqlite3 "$MERGER_HOME/national.db" "UPDATE count SET count = 10 WHERE id = X'"'"'a00a'"'"'" &&
	merger report >r10.txt &&
	grep -q "^  Victimes accompagnées  *25   +15 (+150${nbsp}%)\$" r10.txt &&
	sqlite3 "$MERGER_HOME/national.db" "UPDATE count SET count = 50 WHERE id = X'"'"'a00a'"'"'"
'

test_expect_success 'public: a hidden figure has no change' '
	merger report --public --period 2025-Q3 >pq3.txt 2>/dev/null &&
	grep -q "^  Victimes accompagnées  *  *s\$" pq3.txt &&
	merger report --public --period 2025-Q3 --format json >pq3.json 2>/dev/null &&
	grep -q "\"change\": {\"supported\": null, \"supported_pct\": null," pq3.json &&
	merger report --public >p.txt 2>/dev/null &&
	grep -q "^  Victimes accompagnées  *25   −25 (−50${nbsp}%)\$" p.txt
'

test_done
