#!/bin/sh
# t2100-collector-add.sh - `collector add` and `collector list`: the three
# kinds of record, every refusal with the field and the allowed values,
# missing flags in a pipe, the support natural key, and the three output
# formats with untrusted text escaped.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

# A JSON document that SQLite's own parser accepts.
json_ok() {
	test "$(sqlite3 :memory: "SELECT json_valid(readfile('$1'))")" = 1
}

test_expect_success 'setup: coordinator kit, collector home' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75,93 >/dev/null
'

test_expect_success 'add action prints the new id alone' '
	collector add action --dept 93 --type outreach --start 2026-03-02 \
		--public minors,adults --exploitation sexual --people 40 \
		--note "Maraude de nuit" >id 2>err &&
	m="^collector: Action enregistrée : Département : 93 Seine-Saint-Denis ; " &&
	m="${m}Type d.action : Repérage, maraude ; Date de début : 02/03/2026 ; " &&
	m="${m}Publics touchés : Mineur·es, Adultes ; Formes d.exploitation : " &&
	m="${m}exploitation sexuelle ; Personnes touchées : 40 ; Note : Maraude de nuit$" &&
	test_one_line err "$m" &&
	grep -qx "[0-9a-f]\{32\}" id && test $(wc -l <id) = 1
'

test_expect_success 'add support and add training' '
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >sup.id &&
	grep -qx "[0-9a-f]\{32\}" sup.id &&
	collector add training --date 2026-02-10 --dept 2b --audience police,justice \
		--participants 25 --hours 3.5 >tr.id &&
	grep -qx "[0-9a-f]\{32\}" tr.id
'

test_expect_success 'ids start with the collector key id, then sort as made' '
	key=$(sqlite3 "$COLLECTOR_HOME/store.db" \
		"SELECT value FROM meta WHERE key = '\''collector_key_id'\''") &&
	test ${#key} = 16 &&
	prefix=$(echo "$key" | cut -c1-8) &&
	sqlite3 "$COLLECTOR_HOME/store.db" "SELECT lower(hex(id)) FROM record ORDER BY rid" >ids &&
	test $(wc -l <ids) = 4 &&
	test "$(cut -c1-8 ids | sort -u)" = "$prefix" &&
	LC_ALL=C sort -c ids
'

test_expect_success 'a store without its key id (damaged by hand) still gets ids' '
	cp -R "$COLLECTOR_HOME" nokey &&
	sqlite3 nokey/store.db "DELETE FROM meta WHERE key = '\''collector_key_id'\''" &&
	collector --home nokey add support --period 2026-Q2 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 3 >nokey.id 2>err &&
	test_one_line err "^collector: Comptage enregistré : Période : 2026-Q2 ; " &&
	grep -qx "00000000[0-9a-f]\{24\}" nokey.id
'

test_expect_success 'list csv: id first, flag names as columns, codes not labels' '
	collector list training --format csv >tr.csv &&
	printf "id,date,dept,audience,participants,hours,exploitation,note\r\n" >expect &&
	printf "%s,2026-02-10,2B,\"police,justice\",25,3.5,,\r\n" "$(cat tr.id)" >>expect &&
	test_cmp expect tr.csv &&
	collector list support --format csv >sup.csv &&
	printf "id,period,dept,status,exploitation,sex,age,count\r\n" >expect &&
	printf "%s,2026-Q1,75,supported,sexual,f,adult,12\r\n" "$(cat sup.id)" >>expect &&
	test_cmp expect sup.csv
'

test_expect_success 'hours: 3.5, 3,5 and 2h30 are stored as minutes' '
	collector add training --date 2026-02-11 --dept 75 --audience health \
		--participants 3 --hours 3,5 >/dev/null &&
	collector add training --date 2026-02-12 --dept 75 --audience health \
		--participants 3 --hours 2h30 >/dev/null &&
	collector list training --format csv | sed "s/\"[^\"]*\"/A/g" |
		cut -d, -f2,6 | tr -d "\r" >actual &&
	printf "date,hours\n2026-02-10,3.5\n2026-02-11,3.5\n2026-02-12,2.5\n" >expect &&
	test_cmp expect actual &&
	collector list training | grep -q "3 h 30" &&
	collector list training | grep -q "2 h 30"
'

test_expect_success 'list text: French labels, dates in French order' '
	collector list >out &&
	grep -q "^Actions (1)$" out &&
	grep -q "93 Seine-Saint-Denis  *Repérage, maraude  *02/03/2026" out &&
	grep -q "accompagnées  *exploitation sexuelle  *femme  *majeur·e  *12" out &&
	grep -q "10/02/2026  *2B Haute-Corse  *Police ; Magistrat·es" out &&
	grep -q "^  Nom de l.organisation : Hors la Rue$" out &&
	! grep -q " $" out
'

test_expect_success 'list json: valid, with kinds, versions and typed fields' '
	collector list --format json >all.json &&
	json_ok all.json &&
	m="\"record\": \"count\", \"version\": 1," &&
	grep -q "$m \"recorded_at\": \"2026-03-15T10:00:00Z\", \"table\": \"victims\"" all.json &&
	grep -q "\"count\": 12}" all.json &&
	grep -q "\"hours\": 3.5," all.json &&
	grep -q "\"public\": \\[\"minors\", \"adults\"\\]" all.json &&
	grep -q "\"end\": null" all.json &&
	collector list action --format json >a.json && json_ok a.json &&
	test $(grep -c "\"record\"" a.json) = 1
'

test_expect_success 'list: unknown kind or format, csv without a kind: usage errors' '
	test_exit_code 2 collector list things 2>err &&
	test_one_line err "« things » n.est ni un type d.enregistrement" &&
	test_exit_code 2 collector list --format xml 2>err &&
	test_one_line err "format inconnu « xml »" &&
	test_exit_code 2 collector list --format csv 2>err &&
	test_one_line err "en CSV, précisez le type"
'

test_expect_success 'refused values name the field and the allowed values' '
	test_exit_code 1 collector add support --period 2026-Q1 --dept 975 \
		--status supported --exploitation sexual --sex f --age adult \
		--count 1 2>err &&
	m="^collector: Département \(dept\) : département inconnu « 975 » " &&
	test_one_line err "$m\(un code INSEE : 01…95, 2A, 2B, 971…974, 976, ou le nom du département\)$" &&
	test_exit_code 1 collector add support --period 2026-Q1 --dept 75 \
		--status supported --exploitation sexual --sex x --age adult \
		--count 1 2>err &&
	m="^collector: Sexe \(sex\) : valeur inconnue « x » \(valeurs possibles : " &&
	m="${m}f \(femme\), m \(homme\), trans \(personne trans\), " &&
	test_one_line err "${m}unknown \(non renseigné\)\)$" &&
	test_exit_code 1 collector add support --period 2026-Q5 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult \
		--count 1 2>err &&
	test_one_line err "^collector: Période \(period\) : période invalide « 2026-Q5 »" &&
	test_exit_code 1 collector add support --period 2026 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult \
		--count 100001 2>err &&
	m="Nombre \(count\) : nombre invalide « 100001 »" &&
	test_one_line err "$m \(nombre entier de 0 à 100000\)" &&
	test_exit_code 1 collector add action --dept 75 --type dancing \
		--start 2026-01-01 2>err &&
	m="Type d.action \(type\) : valeur inconnue « dancing » " &&
	test_one_line err "$m\(valeurs possibles : prevention \(Prévention\)," &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-02-29 2>err &&
	test_one_line err "Date de début \(start\) : date invalide « 2026-02-29 » \(ce jour n.existe pas\)" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-03-10 --end 2026-03-01 2>err &&
	m="Date de fin \(end\) : la date de fin \(01/03/2026\) précède" &&
	test_one_line err "$m la date de début \(10/03/2026\)" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-03-10 --public minors,pirates 2>err &&
	test_one_line err "Publics touchés \(public\) : valeur inconnue « pirates »" &&
	test_exit_code 1 collector add training --date 2026-03-10 --dept 75 \
		--audience police --participants 0 2>err &&
	test_one_line err "Participant·es \(participants\) : nombre invalide « 0 »" &&
	test_exit_code 1 collector add training --date 2026-03-10 --dept 75 \
		--audience police --participants 4 --hours deux 2>err &&
	test_one_line err "Durée \(hours\) : durée invalide « deux »"
'

test_expect_success 'refused: over-long note, control characters in a one-line field' '
	note=$(head -c 2001 /dev/zero | tr "\0" x) &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-03-10 --note "$note" 2>err &&
	test_one_line err "Note \(note\) : texte trop long \(2001 octets, 2000 au plus\)" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-03-10 --partners "$(printf "a\033[2Jb")" 2>err &&
	test_one_line err "Partenaires \(partners\) : caractère de contrôle" &&
	test $(collector list action --format csv | wc -l) = 2
'

test_expect_success 'missing flags in a pipe: exit 2 at once, naming them, nothing saved' '
	before=$(collector list support --format csv | wc -l) &&
	test_exit_code 2 timeout 10 collector add support --period 2026 --dept 75 \
		</dev/null 2>err &&
	m="^collector: add support : options obligatoires manquantes : " &&
	test_one_line err "$m--status, --exploitation, --sex, --age, --count" &&
	echo 3 | test_exit_code 2 timeout 10 collector add training --date 2026-01-01 \
		--dept 75 --participants 3 2>err &&
	test_one_line err "option obligatoire manquante : --audience" &&
	test $(collector list support --format csv | wc -l) = $before
'

test_expect_success 'add: kind missing or unknown, unknown flag, flag twice' '
	test_exit_code 2 collector add 2>err &&
	test_one_line err "précisez ce qui est enregistré" &&
	test_exit_code 2 collector add victim 2>err &&
	test_exit_code 2 collector add action --dept 75 --type prevention \
		--start 2026-01-01 --colour red 2>err &&
	test_one_line err "option inconnue « --colour »" &&
	test_exit_code 2 collector add action --dept 75 --dept 93 --type prevention \
		--start 2026-01-01 2>err &&
	test_one_line err "option --dept donnée deux fois"
'

test_expect_success 'support natural key: the same key again replaces the count' '
	MAILLAGE_NOW=1773655200 collector add support --period 2026-q1 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult \
		--count 15 >again.id 2>err &&
	test_cmp sup.id again.id &&
	test_one_line err "ce comptage existait déjà : nombre remplacé par 15 \(version 2\)" &&
	collector list support --format json >s.json &&
	grep -q "\"version\": 2, \"recorded_at\": \"2026-03-16T10:00:00Z\"" s.json &&
	grep -q "\"count\": 15}" s.json &&
	test $(grep -c "\"record\"" s.json) = 1
'

test_expect_success 'support natural key: same count again changes nothing' '
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 15 >again.id 2>err &&
	test_cmp sup.id again.id &&
	test_one_line err "déjà enregistré avec ce nombre" &&
	collector list support --format json | grep -q "\"version\": 2,"
'

test_expect_success 'support: another sex is another key, another record' '
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex m --age adult --count 2 >m.id &&
	! cmp -s sup.id m.id &&
	test $(collector list support --format csv | wc -l) = 3
'

test_expect_success 'support natural key: a deleted count is revived, same id' '
	collector delete $(cat m.id) 2>/dev/null &&
	test $(collector list support --format csv | wc -l) = 2 &&
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex m --age adult --count 4 >revived.id 2>err &&
	test_cmp m.id revived.id &&
	test_one_line err \
		"avait été supprimé : il est rétabli avec le nombre 4 \(version 3\)" &&
	collector list support --format csv |
		grep -q "^$(cat m.id),2026-Q1,75,supported,sexual,m,adult,4"
'

test_expect_success 'CSV output neutralises formulas and quotes what must be' '
	collector add action --dept 75 --type advocacy --start 2026-03-01 \
		--partners "=HYPERLINK(\"http://x\")" \
		--note "$(printf "ligne 1, \"citée\"\nligne 2")" >f.id &&
	collector list action --format csv >a.csv &&
	m="$(cat f.id),75,advocacy,2026-03-01,,,,," &&
	m="$m\"'\''=HYPERLINK(\"\"http://x\"\")\",\"ligne 1, \"\"citée\"\"" &&
	grep -q "^$m$" a.csv &&
	grep -q "^ligne 2\"" a.csv
'

test_expect_success 'text output escapes C1 controls (CSI), JSON stays valid' '
	collector add action --dept 75 --type advocacy --start 2026-03-02 \
		--note "$(printf "avant\302\2332Japrès")" >e.id &&
	collector list action >out &&
	grep -q "avant\\\\xc2\\\\x9b2Japrès" out &&
	! grep -q "$(printf "\302\233")" out &&
	collector list action --format json >j.json &&
	json_ok j.json
'

test_expect_success 'French labels and names accepted wherever a code is, codes stored' '
	collector add support --period "mars 2026" --dept "seine saint denis" \
		--status Accompagnées --exploitation "Exploitation sexuelle" --sex Femme \
		--age majeure --count 7 >fr.id 2>err &&
	test_one_line err "^collector: Comptage enregistré : Période : 2026-03 ; Département : 93 " &&
	collector list support --format csv |
		grep -q "^$(cat fr.id),2026-03,93,supported,sexual,f,adult,7" &&
	collector add action --dept "Corse du Sud" --type maraude --start "15 mars 2026" \
		--end 15/03/26 --public "mineurs,adultes" >fra.id 2>/dev/null &&
	collector list action --format csv |
		grep -q "^$(cat fra.id),2A,outreach,2026-03-15,2026-03-15,\"minors,adults\"," &&
	collector add training --date 1/4/2026 --dept 1 --audience "avocats ; Santé" \
		--participants 4 >frt.id 2>/dev/null &&
	collector list training --format csv |
		grep -q "^$(cat frt.id),2026-04-01,01,\"lawyers,health\",4," &&
	collector add support --period "T2 2026" --dept 9 --status repérées \
		--exploitation mendicite-forcee --sex HOMME --age "âge non connu" --count 1 \
		>/dev/null 2>&1 &&
	collector list support --format csv | grep -q ",2026-Q2,09,spotted,forced-begging,m,unknown,1" &&
	collector add support --period 03/2026 --dept 93 --status supported \
		--exploitation sexual --sex f --age adult --count 8 2>err &&
	test_one_line err "ce comptage existait déjà : nombre remplacé par 8"
'

test_expect_success 'an unknown value offers the closest one; nothing stored' '
	before=$(collector list --format csv | wc -l) &&
	test_exit_code 1 collector add action --dept "Seine-St-Denis" --type maraude \
		--start 2026-03-15 2>err &&
	test_one_line err "^collector: Département \(dept\) : département inconnu « Seine-St-Denis » ; vouliez-vous dire « 93 Seine-Saint-Denis » \?$" &&
	test_exit_code 1 collector add support --period 2026 --dept 93 --status acompagnees \
		--exploitation sexual --sex f --age adult --count 1 2>err &&
	test_one_line err "^collector: Statut des victimes \(status\) : valeur inconnue « acompagnees » ; vouliez-vous dire « accompagnées » \?$" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start 2026-03-15 --public "mineurs,adultez" 2>err &&
	test_one_line err "« adultez » ; vouliez-vous dire « Adultes » \?$" &&
	test_exit_code 1 collector add action --dept 0 --type prevention \
		--start 2026-03-15 2>err &&
	test_one_line err "département inconnu « 0 » \(un code INSEE" &&
	test_exit_code 1 collector add support --period "mars 26" --dept 93 --status supported \
		--exploitation sexual --sex f --age adult --count 1 2>err &&
	test_one_line err "période invalide « mars 26 » \(une année : 2026, un trimestre : T3 2026" &&
	test_exit_code 1 collector add support --period "T5 2026" --dept 93 --status supported \
		--exploitation sexual --sex f --age adult --count 1 2>err &&
	test_one_line err "période invalide « T5 2026 »" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start "30 février 2026" 2>err &&
	test_one_line err "date invalide « 30 février 2026 » \(ce jour n.existe pas\)" &&
	test_exit_code 1 collector add action --dept 75 --type prevention \
		--start "15 brumaire 2026" 2>err &&
	test_one_line err "date invalide « 15 brumaire 2026 » \(par exemple 15/03/2026, 15 mars 2026" &&
	test $(collector list --format csv | wc -l) = $before
'

test_done
