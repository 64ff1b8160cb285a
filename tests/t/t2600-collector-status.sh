#!/bin/sh
# t2600-collector-status.sh - `collector status`: who this collector is,
# what is waiting for the coordinator's receipt, the last export and the
# last receipt, in the words field workers read.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

test_expect_success 'setup: coordinator, enrolled collector' '
	merger init --name "Coordination nationale" >merger.out 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75 >init.out &&
	collector request -o hlr.request 2>/dev/null &&
	{ merger enroll --yes hlr.request >/dev/null 2>&1; true; } &&
	merger collectors | grep -q "Hors la Rue"
'

test_expect_success 'status right after init: the profile waits for its receipt' '
	collector status >out &&
	fp=$(sed -n "s/^Empreinte de ce poste : //p" init.out) &&
	keyid=$(echo "$fp" | tr -d " " | cut -c1-16) &&
	cfp=$(sed -n "s/^fingerprint: *//p" merger.out) &&
	cat >expect <<-EOT &&
	Organisation : Hors la Rue
	Ce poste : clé $keyid (empreinte $fp)
	Coordinateur : Coordination nationale (empreinte $cfp)
	Questionnaire : édition 1 du $(date -u -d @$MAILLAGE_NOW +%d/%m/%Y) (13 tableaux)
	Dossier de travail : $COLLECTOR_HOME
	Dernier envoi : aucun
	Dernier accusé de réception : aucun
	En attente d'\''accusé de réception :
	  profil de l'\''organisation : 1
	  actions : 0
	  comptages : 0
	  formations : 0
	1 modification en attente d'\''accusé de réception.
	EOT
	test_cmp expect out
'

test_expect_success 'pending changes counted by kind' '
	collector add action --dept 75 --type prevention --start 2026-01-10 >/dev/null &&
	collector add action --dept 75 --type awareness --start 2026-01-11 >/dev/null &&
	collector add support --period 2026 --dept 75 --status spotted \
		--exploitation labour --sex m --age adult --count 2 >/dev/null &&
	collector add training --date 2026-01-12 --dept 75 --audience health \
		--participants 4 >/dev/null &&
	collector status | tail -n 6 >out &&
	cat >expect <<-EOT &&
	En attente d'\''accusé de réception :
	  profil de l'\''organisation : 1
	  actions : 2
	  comptages : 1
	  formations : 1
	5 modifications en attente d'\''accusé de réception.
	EOT
	test_cmp expect out
'

test_expect_success 'after an export: its date, number and size; still pending' '
	MAILLAGE_NOW=1775122200 collector export -o april.bundle 2>/dev/null &&
	collector status >out &&
	grep -q "^Dernier envoi : 02/04/2026 à 09:30 (n° 1, 5 enregistrements)$" out &&
	grep -q "^5 modifications en attente" out
'

test_expect_success 'after the receipt: everything received' '
	mkdir r && merger merge --receipts r april.bundle >/dev/null &&
	MAILLAGE_NOW=1775208600 collector ack r/*.receipt 2>/dev/null &&
	collector status | tail -n 3 >out &&
	cat >expect <<-EOT &&
	Dernier envoi : 02/04/2026 à 09:30 (n° 1, 5 enregistrements)
	Dernier accusé de réception : appliqué le 03/04/2026 à 09:30 (envoi n° 1)
	Le coordinateur a tout reçu.
	EOT
	test_cmp expect out
'

test_expect_success 'a deletion is a change waiting for its receipt too' '
	id=$(collector list action --format csv | sed -n 2p | cut -d, -f1) &&
	collector delete $id 2>/dev/null &&
	collector status | tail -n 1 >out &&
	echo "1 modification en attente d'\''accusé de réception." >expect &&
	test_cmp expect out
'

test_expect_success 'status: extra arguments are a usage error; bad MAILLAGE_NOW' '
	test_exit_code 2 collector status now 2>err &&
	test_one_line err "argument en trop « now »" &&
	MAILLAGE_NOW=yesterday test_exit_code 2 collector add action --dept 75 \
		--type prevention --start 2026-01-10 2>err &&
	test_one_line err "MAILLAGE_NOW : « yesterday » n.est pas une date valide"
'

test_expect_success 'a database held by another process: busy, exit 4' '
	(sqlite3 "$COLLECTOR_HOME/store.db" "BEGIN IMMEDIATE; SELECT 1;" \
		".shell sleep 13" "COMMIT;" >/dev/null &) &&
	sleep 1 &&
	test_exit_code 4 collector add action --dept 75 --type prevention \
		--start 2026-01-13 2>err &&
	test_one_line err "la base est occupée par une autre commande collector"
'

test_done
