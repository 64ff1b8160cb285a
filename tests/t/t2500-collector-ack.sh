#!/bin/sh
# t2500-collector-ack.sh - receipts from the real merger: `collector ack`
# marks versions as received; forged, foreign and repeated receipts change
# nothing; a lost bundle is healed by the next one.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

A="$TRASH/home-a"
B="$TRASH/home-b"

# enroll REQUEST: registers a collector with the merger of $MERGER_HOME.
enroll() {
	merger enroll --yes "$1" >enroll.out 2>&1
	grep -q "key id" enroll.out && merger collectors | grep -q "$2"
}

dump() {
	sqlite3 "$1/store.db" .dump
}

test_expect_success 'setup: coordinator, two enrolled collectors' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector --home "$A" init --kit national.kit --org "Hors la Rue" \
		--kind association --dept 75 >/dev/null &&
	collector --home "$B" init --kit national.kit --org "Barreau de Lyon" \
		--kind barreau --dept 69 >/dev/null &&
	collector --home "$A" request -o a.request 2>/dev/null &&
	collector --home "$B" request -o b.request 2>/dev/null &&
	enroll a.request "Hors la Rue" &&
	enroll b.request "Barreau de Lyon"
'

test_expect_success 'export, merge with receipts, ack: everything received' '
	collector --home "$A" add support --period 2026-Q1 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >sup.id &&
	collector --home "$A" add action --dept 75 --type outreach \
		--start 2026-03-01 >act.id &&
	collector --home "$A" status |
		grep -q "^3 modifications en attente d.accusé de réception.$" &&
	collector --home "$A" export -o a1.bundle 2>/dev/null &&
	mkdir rcpt &&
	merger merge --receipts rcpt a1.bundle >/dev/null &&
	ls rcpt/*.receipt >list && test $(wc -l <list) = 1 &&
	cp rcpt/*.receipt a1.receipt &&
	collector --home "$A" ack a1.receipt 2>err &&
	m="^collector: a1.receipt : envoi n° 1 reçu par le coordinateur le .*" &&
	test_one_line err "$m ; 3 enregistrements confirmés$" &&
	collector --home "$A" status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out &&
	grep -q "^Dernier accusé de réception : appliqué le 15/03/2026 à 10:00 (envoi n° 1)$" out
'

test_expect_success 'the same receipt again: said so, exit 0, nothing changed' '
	dump "$A" >before.sql &&
	collector --home "$A" ack a1.receipt 2>err &&
	m="a1.receipt : accusé de réception de l.envoi n° 1 déjà appliqué" &&
	test_one_line err "$m le 15/03/2026 à 10:00 : rien n.a changé" &&
	dump "$A" >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'a receipt with one byte changed is refused, nothing changed' '
	collector --home "$A" edit $(cat sup.id) --count 13 >/dev/null &&
	collector --home "$A" export -o a2.bundle 2>/dev/null &&
	rm -f rcpt/* &&
	merger merge --receipts rcpt a2.bundle >/dev/null &&
	cp rcpt/*.receipt a2.receipt &&
	dump "$A" >before.sql &&
	for off in 60 120; do
		cp a2.receipt forged.receipt &&
		invert_byte forged.receipt $off &&
		! cmp -s a2.receipt forged.receipt &&
		test_exit_code 1 collector --home "$A" ack forged.receipt 2>err &&
		test_one_line err "^collector: forged.receipt : " || return 1
	done &&
	size=$(wc -c <a2.receipt) &&
	head -c $((size - 1)) a2.receipt >short.receipt &&
	test_exit_code 1 collector --home "$A" ack short.receipt 2>err &&
	test_one_line err "^collector: short.receipt : " &&
	dump "$A" >after.sql &&
	test_cmp before.sql after.sql &&
	collector --home "$A" status | grep -q "^1 modification en attente"
'

test_expect_success 'a receipt for another collector is refused' '
	collector --home "$B" export -o b1.bundle 2>/dev/null &&
	rm -f rcpt/* &&
	merger merge --receipts rcpt b1.bundle >/dev/null &&
	cp rcpt/*.receipt b1.receipt &&
	dump "$A" >before.sql &&
	test_exit_code 1 collector --home "$A" ack b1.receipt 2>err &&
	m="^collector: b1.receipt : cet accusé de réception concerne un autre poste" &&
	test_one_line err "$m que celui-ci ; refusé, rien n.a changé$" &&
	dump "$A" >after.sql &&
	test_cmp before.sql after.sql &&
	collector --home "$B" ack b1.receipt 2>/dev/null &&
	collector --home "$B" status | grep -q "^Le coordinateur a tout reçu.$"
'

test_expect_success 'a receipt signed by another coordinator is refused' '
	MERGER_HOME="$TRASH/other-merger" merger init --name "Autre" >/dev/null 2>&1 &&
	MERGER_HOME="$TRASH/other-merger" merger kit -o other.kit 2>/dev/null &&
	collector --home "$TRASH/home-c" init --kit other.kit --org "Tiers" \
		--kind other --dept 13 >/dev/null &&
	collector --home "$TRASH/home-c" request -o c.request 2>/dev/null &&
	(MERGER_HOME="$TRASH/other-merger" && export MERGER_HOME &&
	 enroll c.request Tiers &&
	 collector --home "$TRASH/home-c" export -o c1.bundle 2>/dev/null &&
	 mkdir other-rcpt && merger merge --receipts other-rcpt c1.bundle >/dev/null) &&
	cp other-rcpt/*.receipt c1.receipt &&
	dump "$A" >before.sql &&
	test_exit_code 1 collector --home "$A" ack c1.receipt 2>err &&
	m="^collector: c1.receipt : signé par un autre coordinateur" &&
	test_one_line err "$m que le vôtre, refusé$" &&
	dump "$A" >after.sql &&
	test_cmp before.sql after.sql
'

test_expect_success 'the sample receipt of samples/vectors, with the sample keys' '
	V="$SAMPLES/vectors" &&
	collector --home "$TRASH/home-v" init --kit "$V/coordinator.kit" --org V \
		--kind other --dept 75 >/dev/null &&
	test_exit_code 1 collector --home "$TRASH/home-v" ack "$V/records.receipt" 2>err &&
	test_one_line err "concerne un autre poste" &&
	rm "$TRASH/home-v/identity.key" &&
	cp "$V/collector.key" "$TRASH/home-v/identity.key" &&
	chmod 600 "$TRASH/home-v/identity.key" &&
	collector --home "$TRASH/home-v" ack "$V/records.receipt" 2>err &&
	m="envoi n° 1 reçu par le coordinateur le 05/07/2026 à 00:00" &&
	test_one_line err "$m ; 0 enregistrement confirmé, 8 inconnus de ce poste ignorés$"
'

test_expect_success 'a file that is not a receipt, a missing file, no file' '
	test_exit_code 1 collector --home "$A" ack a2.bundle 2>err &&
	test_one_line err "a2.bundle : ce n.est pas un fichier Maillage du type attendu" &&
	test_exit_code 3 collector --home "$A" ack nowhere.receipt 2>err &&
	test_one_line err "nowhere.receipt : fichier ou dossier introuvable" &&
	test_exit_code 2 collector --home "$A" ack 2>err
'

test_expect_success 'several receipts at once: the good one applies, the bad one refuses' '
	test_exit_code 1 collector --home "$A" ack forged.receipt a2.receipt 2>err &&
	test $(wc -l <err) = 2 &&
	grep -q "a2.receipt : envoi n° 2 reçu" err &&
	collector --home "$A" status | grep -q "^Le coordinateur a tout reçu.$"
'

test_expect_success 'a receipt read from stdin' '
	collector --home "$A" ack - <a1.receipt 2>err &&
	test_one_line err "entrée standard : accusé de réception de l.envoi n° 1 déjà appliqué"
'

test_expect_success 'an edit after the export stays pending after its receipt' '
	collector --home "$A" edit $(cat sup.id) --count 20 >/dev/null &&
	collector --home "$A" export -o a3.bundle 2>/dev/null &&
	collector --home "$A" edit $(cat sup.id) --count 21 >/dev/null &&
	rm -f rcpt/* &&
	merger merge --receipts rcpt a3.bundle >/dev/null &&
	collector --home "$A" ack rcpt/*.receipt 2>/dev/null &&
	collector --home "$A" status >out &&
	grep -q "^  comptages : 1$" out &&
	grep -q "^1 modification en attente d.accusé de réception.$" out
'

test_expect_success 'a lost bundle is healed by the next one' '
	collector --home "$A" export -o lost.bundle 2>/dev/null &&
	collector --home "$A" add training --date 2026-03-10 --dept 75 \
		--audience police --participants 8 >/dev/null &&
	collector --home "$A" delete $(cat act.id) 2>/dev/null &&
	collector --home "$A" export -o a5.bundle 2>err &&
	test_one_line err "a5.bundle : 3 enregistrements" &&
	rm -f rcpt/* &&
	merger merge --receipts rcpt a5.bundle >merge.out &&
	grep -q "records inserted: *1" merge.out &&
	grep -q "records updated: *1" merge.out &&
	grep -q "records deleted: *1" merge.out &&
	collector --home "$A" ack rcpt/*.receipt 2>/dev/null &&
	collector --home "$A" status | grep -q "^Le coordinateur a tout reçu.$"
'

test_expect_success 'an older receipt applied late lowers nothing' '
	rm -f rcpt/* &&
	merger merge --receipts rcpt lost.bundle >/dev/null &&
	collector --home "$A" ack rcpt/*.receipt 2>err &&
	test_one_line err "reçu par le coordinateur" &&
	collector --home "$A" status | grep -q "^Le coordinateur a tout reçu.$" &&
	collector --home "$A" export -o none.bundle 2>/dev/null &&
	test ! -e none.bundle
'

test_done
