#!/bin/sh
# t2400-collector-export.sh - `collector export`: a bundle carries every
# change not yet acknowledged, is unreadable without the coordinator's
# key, numbers itself, and leaves nothing behind when it fails.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

# Merger output line "records inserted: N" etc. for bundle $1.
verify_count() {
	merger verify "$1" | sed -n "s/.*: ok (\([0-9]*\) records.*/\1/p"
}

test_expect_success 'setup: coordinator, enrolled collector' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75 >/dev/null &&
	collector request -o hlr.request 2>/dev/null &&
	{ merger enroll --yes hlr.request >/dev/null 2>&1; true; } &&
	merger collectors | grep -q "Hors la Rue"
'

test_expect_success 'export right after init carries the organisation profile' '
	collector export -o first.bundle 2>err &&
	m="^collector: first.bundle : 1 enregistrement \(envoi n° 1\)" &&
	test_one_line err "$m ; joignez ce fichier" &&
	test "$(verify_count first.bundle)" = 1
'

test_expect_success 'export -o is required; refused on a terminal' '
	test_exit_code 2 collector export 2>err &&
	test_one_line err "option -o FICHIER obligatoire" &&
	script -qfec "collector export -o -" /dev/null >tty.out 2>&1
	test $? = 2 &&
	grep -q "refus d.écrire un fichier chiffré sur le terminal" tty.out
'

test_expect_success 'records with distinctive text' '
	collector edit organisation --name "Association Zéphyrine Quokka" >/dev/null &&
	collector add action --dept 971 --type shelter --start 2026-03-01 \
		--note "Note confidentielle Xylophone" >act.id &&
	collector add support --period 2026-Q1 --dept 971 --status supported \
		--exploitation labour --sex f --age minor --count 7 >sup.id &&
	collector add training --date 2026-03-03 --dept 971 --audience police \
		--participants 12 >tr.id
'

test_expect_success 'the bundle reveals nothing in clear' '
	collector export -o march.bundle 2>err &&
	test_one_line err "march.bundle : 4 enregistrements \(envoi n° 2\)" &&
	for s in "Zéphyrine" "Quokka" "Xylophone" "confidentielle" "2026-Q1" "971" "labour"; do
		if grep -a -q "$s" march.bundle; then
			echo "found in clear: $s"; return 1
		fi
	done &&
	test "$(verify_count march.bundle)" = 4
'

test_expect_success 'nothing acknowledged yet: the next export sends it all again' '
	collector export -o again.bundle 2>err &&
	test_one_line err "again.bundle : 4 enregistrements \(envoi n° 3\)" &&
	! cmp -s march.bundle again.bundle
'

test_expect_success 'status shows the last export' '
	collector status >out &&
	grep -q "^Dernier envoi : 15/03/2026 à 10:00 (n° 3, 4 enregistrements)$" out
'

test_expect_success 'after the receipt: nothing pending, no file written, exit 0' '
	mkdir receipts &&
	merger merge --receipts receipts again.bundle >/dev/null &&
	collector ack receipts/*.receipt 2>/dev/null &&
	collector export -o nothing.bundle 2>err &&
	test_one_line err "^collector: rien à envoyer : le coordinateur a tout reçu" &&
	test ! -e nothing.bundle &&
	! ls | grep -q "\.tmp$" &&
	collector status | grep -q "(n° 3, 4 enregistrements)"
'

test_expect_success 'only unacknowledged changes travel: an edit and a delete' '
	collector edit $(cat sup.id) --count 9 >/dev/null &&
	collector delete $(cat tr.id) 2>/dev/null &&
	collector export -o april.bundle 2>err &&
	test_one_line err "april.bundle : 2 enregistrements \(envoi n° 4\)" &&
	merger merge --receipts receipts april.bundle >merge.out &&
	grep -q "records updated: *1" merge.out &&
	grep -q "records deleted: *1" merge.out
'

test_expect_success '--full sends everything, tombstones included' '
	collector export --full -o full.bundle 2>err &&
	test_one_line err "full.bundle : 4 enregistrements \(envoi n° 5, complet\)" &&
	test "$(verify_count full.bundle)" = 4 &&
	collector status | grep -q "(n° 5, 4 enregistrements, complet)"
'

test_expect_success 'export to stdout' '
	collector export --full -o - >stdout.bundle 2>err &&
	test ! -s err &&
	test "$(verify_count stdout.bundle)" = 4
'

test_expect_success 'an existing file is never replaced silently' '
	echo old >replace.bundle &&
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >before.sql &&
	test_exit_code 3 collector export --full -o replace.bundle 2>err &&
	m="^collector: export : replace.bundle existe déjà : choisissez un autre nom" &&
	test_one_line err "$m de fichier, ou supprimez d.abord celui-ci \(rien n.a été écrit\)$" &&
	test "$(cat replace.bundle)" = old &&
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'on a terminal, replacing is asked: no keeps it, yes replaces it whole' '
	printf "n\n" | script -qfec "collector export --full -o replace.bundle; echo exit=\$?" \
		/dev/null >tty.out &&
	grep -q "replace.bundle existe déjà : le remplacer ? (o/n) : " tty.out &&
	grep -q "replace.bundle n.a pas été remplacé (rien n.a été écrit)" tty.out &&
	grep -q "exit=3" tty.out &&
	test "$(cat replace.bundle)" = old &&
	printf "yes\n" | script -qfec "collector export --full -o replace.bundle; echo exit=\$?" \
		/dev/null >tty.out &&
	grep -q "exit=0" tty.out &&
	test "$(verify_count replace.bundle)" = 4
'

test_expect_success 'a failed export leaves no file and the store unchanged' '
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >before.sql &&
	test_exit_code 3 collector export --full -o no/such/dir/x.bundle 2>err &&
	test_one_line err "^collector: no/such/dir/x.bundle : " &&
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >after.sql &&
	test_cmp before.sql after.sql &&
	test ! -e no &&
	! ls "$COLLECTOR_HOME" | grep -v "^identity.key$\|^kit$\|^store.db$"
'

test_expect_success 'sequence numbers keep growing' '
	collector export --full -o six.bundle 2>err &&
	test_one_line err "envoi n° 8, complet" &&
	q="SELECT group_concat(seq) FROM (SELECT seq FROM export ORDER BY seq)" &&
	test "$(sqlite3 "$COLLECTOR_HOME/store.db" "$q")" = "1,2,3,4,5,6,7,8"
'

test_expect_success 'a damaged pinned kit is an environment error' '
	cp "$COLLECTOR_HOME/kit" kit.backup &&
	printf "\377" | dd of="$COLLECTOR_HOME/kit" bs=1 seek=40 conv=notrunc 2>/dev/null &&
	test_exit_code 4 collector export --full -o x.bundle 2>err &&
	test_one_line err "kit : la signature ne correspond pas" &&
	test ! -e x.bundle &&
	cp kit.backup "$COLLECTOR_HOME/kit"
'

test_done
