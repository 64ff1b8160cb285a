#!/bin/sh
# t2200-collector-edit.sh - `collector edit` and `collector delete`: new
# versions, ids named by their start or end, the organisation profile, the
# support natural key kept unique, tombstones.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

# version of record $1 (full id) from the JSON listing
version_of() {
	collector list --format json | grep "\"id\": \"$1\"" |
		sed 's/.*"version": \([0-9]*\),.*/\1/'
}

test_expect_success 'setup: coordinator kit, collector home, three records' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75 >/dev/null &&
	collector add action --dept 93 --type outreach --start 2026-03-02 \
		--people 40 --note "Maraude" >act.id &&
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >f.id &&
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex m --age adult --count 2 >m.id
'

test_expect_success 'edit by full id: new version, changed field, id on stdout' '
	MAILLAGE_NOW=1773655200 collector edit $(cat act.id) --people 55 \
		--note "Maraude, deux équipes" >out 2>err &&
	test_cmp act.id out &&
	test_one_line err "^collector: Action modifiée \(version 2\) : Département : 93 Seine-Saint-Denis ; " &&
	test "$(version_of $(cat act.id))" = 2 &&
	collector list action --format csv | grep -q ",55,,\"Maraude, deux équipes\"" &&
	collector list action --format json | grep -q "2026-03-16T10:00:00Z"
'

test_expect_success 'list shows the end of each id; edit by its last 6 characters' '
	collector list action >out &&
	grep -q "^$(cut -c21-32 act.id)  *93 Seine-Saint-Denis" out &&
	tail=$(cut -c27-32 act.id | tr a-f A-F) &&
	collector edit $tail --end 2026-03-09 >out &&
	test_cmp act.id out &&
	test "$(version_of $(cat act.id))" = 3 &&
	collector list action --format csv | grep -q ",2026-03-02,2026-03-09,"
'

test_expect_success 'edit: an empty value clears an optional field' '
	collector edit $(cat act.id) --end "" --people "" >/dev/null &&
	collector list action --format csv | grep -q ",2026-03-02,,,,,," &&
	test_exit_code 1 collector edit $(cat act.id) --dept "" 2>err &&
	test_one_line err "Département \(dept\) : valeur obligatoire"
'

test_expect_success 'edit with the values already there: no new version' '
	v=$(version_of $(cat act.id)) &&
	collector edit $(cat act.id) --dept 93 >/dev/null 2>err &&
	test_one_line err "aucun changement" &&
	test "$(version_of $(cat act.id))" = $v
'

test_expect_success 'edit: refused values are validated like add' '
	test_exit_code 1 collector edit $(cat f.id) --dept 975 2>err &&
	test_one_line err "Département \(dept\) : département inconnu « 975 »" &&
	test_exit_code 1 collector edit $(cat f.id) --count -3 2>err &&
	test_one_line err "Nombre \(count\) : nombre invalide « -3 »" &&
	test "$(version_of $(cat f.id))" = 1
'

test_expect_success 'edit: unknown field for the kind, no field, no id: usage errors' '
	test_exit_code 2 collector edit $(cat f.id) --note hello 2>err &&
	m="champ --note inconnu pour un enregistrement de type victims " &&
	m="$m\(champs possibles : --period, --dept, --status, --exploitation, " &&
	test_one_line err "$m--sex, --age, --count\)" &&
	test_exit_code 2 collector edit $(cat f.id) 2>err &&
	test_one_line err "précisez au moins un champ" &&
	test_exit_code 2 collector edit --count 3 2>err &&
	test_one_line err "précisez l.identifiant"
'

test_expect_success 'edit: ids too short, not hex, unknown' '
	test_exit_code 2 collector edit abcde --count 3 2>err &&
	test_one_line err "identifiant invalide « abcde »" &&
	test_exit_code 2 collector edit zzzzzzzz --count 3 2>err &&
	test_exit_code 1 collector edit 000000000000 --count 3 2>err &&
	test_one_line err "^collector: aucun enregistrement n.a l.identifiant 000000000000$"
'

test_expect_success 'edit: an ambiguous prefix is refused' '
	sqlite3 "$COLLECTOR_HOME/store.db" "SELECT hex(id) FROM record" >ids &&
	a=$(cat f.id) && b=$(cat m.id) &&
	cp "$COLLECTOR_HOME/store.db" store.backup &&
	x=abcdef000000000000000000000000 &&
	sqlite3 "$COLLECTOR_HOME/store.db" \
		"UPDATE record SET id = X'\''${x}01'\'' WHERE id = X'\''$a'\'';
		 UPDATE record SET id = X'\''${x}02'\'' WHERE id = X'\''$b'\'';" &&
	test_exit_code 1 collector edit abcdef --count 3 2>err &&
	m="identifiant ambigu : plusieurs enregistrements commencent ou finissent par" &&
	test_one_line err "$m abcdef" &&
	cp store.backup "$COLLECTOR_HOME/store.db"
'

test_expect_success 'edit by a unique start of an id (one reaching its random part)' '
	start=$(cut -c1-24 f.id) &&
	collector edit $start --count 12 >/dev/null 2>err &&
	test_one_line err "aucun changement"
'

test_expect_success 'edit: a start or an end of an id finds it, not its middle' '
	cp "$COLLECTOR_HOME/store.db" store.backup &&
	a=$(cat f.id) && b=$(cat m.id) &&
	x=0123456789abcdef0123456789fedcba && y=fedcba9876543210000000000077aa11 &&
	sqlite3 "$COLLECTOR_HOME/store.db" \
		"UPDATE record SET id = X'\''$x'\'' WHERE id = X'\''$a'\'';
		 UPDATE record SET id = X'\''$y'\'' WHERE id = X'\''$b'\'';" &&
	test_exit_code 1 collector edit fedcba --count 3 2>err &&
	test_one_line err "identifiant ambigu" &&
	test_exit_code 1 collector edit 89abcdef --count 3 2>err &&
	test_one_line err "aucun enregistrement n.a l.identifiant 89abcdef" &&
	collector edit 0123456 --count 12 >/dev/null 2>err &&
	test_one_line err "aucun changement" &&
	collector edit 0077AA11 --count 2 >/dev/null 2>err &&
	test_one_line err "aucun changement" &&
	collector edit 077aa11 --count 2 >/dev/null 2>err &&
	test_one_line err "aucun changement" &&
	test_exit_code 1 collector edit 177aa11 --count 3 2>err &&
	test_one_line err "aucun enregistrement n.a l.identifiant 177aa11" &&
	cp store.backup "$COLLECTOR_HOME/store.db"
'

test_expect_success 'support: moving to a key another live count has is refused' '
	test_exit_code 1 collector edit $(cat m.id) --sex f 2>err &&
	test_one_line err "un autre comptage a déjà cette période.*\($(cat f.id)\)" &&
	test "$(version_of $(cat m.id))" = 1 &&
	collector edit $(cat m.id) --sex trans --count 3 >/dev/null &&
	collector list support --format csv |
		grep -q "^$(cat m.id),2026-Q1,75,supported,sexual,trans,adult,3"
'

test_expect_success 'support: after a key change, add with the old key makes a new record' '
	collector add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex m --age adult --count 8 >new.id &&
	! cmp -s new.id m.id &&
	test $(collector list support --format csv | wc -l) = 4
'

test_expect_success 'edit the organisation by its alias and by its id' '
	collector edit organisation --name "Hors la Rue (Paris)" --dept 75,93 \
		--phone "01 23 45 67 89" --national-id W123456789 >org.id 2>err &&
	test_one_line err "^collector: Profil de l.organisation modifié \(version 2\) : Nom de l.organisation : " &&
	m="$(cat org.id),Hors la Rue (Paris),association,\"75,93\"" &&
	collector list organisation --format csv |
		grep -q "^$m,,01 23 45 67 89,,W123456789" &&
	collector edit $(cat org.id) --kind collectivite >/dev/null &&
	collector status | grep -q "^Organisation : Hors la Rue (Paris)$" &&
	test_exit_code 1 collector edit organisation --website "a b" 2>err &&
	test_one_line err "Site web \(website\) : adresse invalide « a b »" &&
	test_exit_code 2 collector edit organisation --count 3 2>err
'

test_expect_success 'delete: tombstone, gone from the lists, version grows' '
	collector delete $(cat act.id) 2>err &&
	test_one_line err "action $(cat act.id) supprimée" &&
	! collector list action --format csv | grep -q "$(cat act.id)" &&
	q="SELECT deleted || \",\" || version FROM record" &&
	q="$q WHERE id = X'\''$(cat act.id)'\''" &&
	test "$(sqlite3 "$COLLECTOR_HOME/store.db" "$q")" = "1,5"
'

test_expect_success 'delete again, edit a deleted record' '
	collector delete $(cat act.id) 2>err &&
	test_one_line err "était déjà supprimé" &&
	test_exit_code 1 collector edit $(cat act.id) --people 3 2>err &&
	test_one_line err "a été supprimé : il ne peut plus être modifié"
'

test_expect_success 'delete: the organisation cannot be deleted; usage errors' '
	test_exit_code 1 collector delete organisation 2>err &&
	test_one_line err "le profil de l.organisation ne peut pas être supprimé" &&
	test_exit_code 1 collector delete $(cat org.id) 2>err &&
	test_exit_code 2 collector delete 2>err &&
	test_exit_code 2 collector delete a b 2>err &&
	test_exit_code 1 collector delete 123456 2>err
'

test_expect_success 'every earlier version is kept in the history table' '
	q="SELECT version FROM history WHERE id = X'\''$(cat act.id)'\''" &&
	q="SELECT group_concat(version) FROM ($q ORDER BY version)" &&
	test "$(sqlite3 "$COLLECTOR_HOME/store.db" "$q")" = "1,2,3,4"
'

test_done
