#!/bin/sh
# t5030-report-directory.sh - `merger directory`: per département, the
# organisations active there (listed, or with an action, support count or
# training for the period), their kind, action types and public contact.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800

test_expect_success 'fixture' '
	report_fixture
'

test_expect_success 'every département with an organisation, in INSEE order' '
	merger directory >actual 2>err &&
	test ! -s err &&
	cat >expect <<-\EOF &&
	Annuaire des acteurs, 2025

	01 Ain (Auvergne-Rhône-Alpes)
	  Barreau de Lyon — Barreau (avocats)
	      contact : 04 00 00 00 00

	13 Bouches-du-Rhône (Provence-Alpes-Côte d'"'"'Azur)
	  <img src=x onerror=alert(1)> — Association
	      contact : =cmd|'"'"' /C calc'"'"'!A0

	33 Gironde (Nouvelle-Aquitaine)
	  Silencieuse — Association

	59 Nord (Hauts-de-France)
	  Préfecture du Nord — Préfecture (référent traite)

	69 Rhône (Auvergne-Rhône-Alpes)
	  Barreau de Lyon — Barreau (avocats)
	      actions : Accompagnement juridique
	      contact : 04 00 00 00 00

	75 Paris (Île-de-France)
	  Alpha — Association
	      actions : Hébergement, mise à l'"'"'abri
	      contact : contact@alpha.example | 01 23 45 67 89 | https://alpha.example

	93 Seine-Saint-Denis (Île-de-France)
	  Alpha — Association
	      actions : Repérage, maraude
	      contact : contact@alpha.example | 01 23 45 67 89 | https://alpha.example
	EOF
	test_cmp expect actual
'

test_expect_success '--dept: one département, lower-case Corsica accepted' '
	merger directory --dept 75 >actual &&
	test "$(sed -n 3p actual)" = "75 Paris (Île-de-France)" &&
	test "$(wc -l <actual)" -eq 6 &&
	merger directory --dept 2a >actual &&
	printf "%s\n" "Annuaire des acteurs, 2025" "" "2A Corse-du-Sud (Corse)" \
		"  Aucune organisation active." >expect &&
	test_cmp expect actual
'

test_expect_success 'an unknown département: exit 1, one clear line' '
	for d in 20 975 1 " 75" x; do
		test_exit_code 1 merger directory --dept "$d" >out 2>err &&
		test ! -s out &&
		test_one_line err "unknown département code" || return 1
	done
'

test_expect_success 'the period decides which actions and who is active' '
	merger directory --period 2024 --dept 33 >actual &&
	grep -q "^  Alpha — Association\$" actual &&
	grep -q "^      actions : Prévention\$" actual &&
	grep -q "^  Silencieuse — Association\$" actual &&
	merger directory --dept 33 >actual &&
	! grep -q Alpha actual &&
	merger directory --period 2024 --dept 01 >actual &&
	! grep -q "Barreau" actual
'

test_expect_success 'CSV and JSON' '
	merger directory --format csv --dept 75 >actual &&
	printf "%s\r\n" \
		"period,dept,dept_name,organisation,kind,kind_label,action_types,action_labels,email,phone,website" \
		"2025,75,Paris,Alpha,association,Association,shelter,\"Hébergement, mise à l'"'"'abri\",contact@alpha.example,01 23 45 67 89,https://alpha.example" \
		>expect &&
	test_cmp expect actual &&
	merger directory --format csv >all.csv &&
	test "$(wc -l <all.csv)" -eq 8 &&
	merger directory --format json --dept 93 >actual &&
	cat >expect <<-\EOF &&
	{
	  "period": "2025", "period_start": "2025-01-01", "period_end": "2025-12-31",
	  "generated": "2026-01-01T12:00:00Z", "coordination": "Coordination nationale",
	  "directory": [
	    {"dept": "93", "name": "Seine-Saint-Denis", "organisations": [
	      {"name": "Alpha", "kind": "association", "action_types": ["outreach"],
	       "email": "contact@alpha.example", "phone": "01 23 45 67 89", "website": "https://alpha.example"}
	    ]}
	  ]
	}
	EOF
	test_cmp expect actual &&
	merger directory --format json --dept 2B >actual &&
	grep -qx "    {\"dept\": \"2B\", \"name\": \"Haute-Corse\", \"organisations\": \[\]}" actual &&
	merger directory --format json --dept 01 >actual &&
	grep -qx "       \"email\": null, \"phone\": \"04 00 00 00 00\", \"website\": null}" actual
'

test_expect_success 'the report holds the same directory' '
	merger report --table directory >r.txt &&
	merger directory | sed 1,2d >d.txt &&
	sed "1,/^====/d" r.txt | sed 1d >rd.txt &&
	test_cmp d.txt rd.txt
'

test_expect_success 'usage errors' '
	test_exit_code 2 merger directory --format html 2>err && test_one_line err "--format" &&
	test_exit_code 2 merger directory 75 2>err && test_one_line err "unexpected" &&
	test_exit_code 2 merger directory --dept 2>err && test_one_line err "dept" &&
	merger directory --help >out && grep -q "^usage: merger directory" out
'

test_done
