#!/bin/sh
# merger merge and verify with real collectors: records travel (insert,
# edit, delete), merging is idempotent and order-independent, a lost
# bundle is healed by the next one, receipts are accepted by the
# collector, overlaps are reported.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

C="collector --home a"

test_expect_success 'setup: coordinator, one enrolled collector with records' '
	coordinator_setup &&
	new_collector a "Équipe d'\''Action Sociale" --kind association --dept 75,93 \
		--national-id 123456789 &&
	enroll a &&
	$C add support --period 2026 --dept 75 --status supported --exploitation sexual \
		--sex f --age adult --count 12 >s.id &&
	$C add action --dept 93 --type outreach --start 2026-03-01 --public adults \
		--exploitation sexual,labour --people 40 --note "Maraude \"nuit\", été" >a.id &&
	$C add training --date 2026-04-02 --dept 75 --audience police,justice \
		--participants 18 --hours 3.5 --note "Formation" >t.id &&
	$C list organisation | sed -n "s/.*Identifiant : //p" >o.id &&
	test -s s.id && test -s a.id && test -s t.id && test -s o.id &&
	export_bundle a b1.bundle &&
	keyid=$(sql "SELECT key_id FROM collector") &&
	echo "$keyid" >key.id
'

test_expect_success 'verify: ok line, and nothing changes' '
	dump before &&
	merger verify b1.bundle >out 2>err &&
	echo "b1.bundle: ok (4 records, from \"Équipe d'\''Action Sociale\")" >want &&
	test_cmp want out && test ! -s err &&
	dump after && test_cmp before after &&
	test -z "$(ls -A "$MERGER_HOME/receipts")" &&
	test -z "$(ls -A "$MERGER_HOME/quarantine")"
'

test_expect_success 'merge: records inserted, receipt written' '
	merger merge b1.bundle >out 2>err &&
	test ! -s err &&
	grep -q "^b1.bundle: merged 4 records from \"Équipe d'\''Action Sociale\" (4 inserted, 0 updated, 0 unchanged, 0 deleted)$" out &&
	grep -q "^bundles merged: *1$" out &&
	grep -q "^bundles already merged: *0$" out &&
	grep -q "^bundles refused: *0$" out &&
	grep -q "^records inserted: *4$" out &&
	grep -q "^support overlaps: *0$" out &&
	receipt="$MERGER_HOME/receipts/equipe-d-action-sociale-$(cat key.id)-1.receipt" &&
	test -f "$receipt" &&
	grep -q "^b1.bundle: receipt equipe-d-action-sociale-$(cat key.id)-1.receipt$" out &&
	test "$(sql "SELECT period, dept, status, exploitation, sex, age, count FROM support")" = \
		"2026|75|supported|sexual|f|adult|12" &&
	test "$(sql "SELECT dept, type, \"start\", \"end\" IS NULL, public, exploitation, people, note FROM action")" = \
		"93|outreach|2026-03-01|1|adults|sexual,labour|40|Maraude \"nuit\", été" &&
	test "$(sql "SELECT date, dept, audience, participants, hours FROM training")" = \
		"2026-04-02|75|police,justice|18|3.5" &&
	test "$(sql "SELECT name, kind, dept, national_id FROM profile")" = \
		"Équipe d'\''Action Sociale|association|75,93|123456789" &&
	test "$(sql "SELECT lower(hex(id)) FROM support")" = "$(cat s.id)" &&
	test "$(sql "SELECT count(*), sum(version), sum(deleted) FROM record")" = "4|4|0" &&
	test "$(sql "SELECT seq, records, inserted FROM bundle")" = "1|4|4" &&
	test "$(sql "SELECT last_seq, last_bundle_at IS NOT NULL FROM collector")" = "1|1" &&
	test "$(sql "SELECT count(*) FROM audit")" = 0 &&
	test -z "$(ls "$MERGER_HOME/quarantine")" &&
	test "$(ls "$MERGER_HOME/receipts" | grep -c "\.tmp$")" = 0 &&
	cp "$receipt" r1.saved
'

test_expect_success 'merge again: already merged, database unchanged, same receipt' '
	dump before &&
	merger merge b1.bundle >out 2>err &&
	test ! -s err &&
	grep -q "^b1.bundle: already merged on 20[0-9-]* [0-9:]* UTC; receipt equipe-d-action-sociale-.*-1.receipt written again$" out &&
	grep -q "^bundles merged: *0$" out &&
	grep -q "^bundles already merged: *1$" out &&
	dump after && test_cmp before after &&
	cmp r1.saved "$MERGER_HOME"/receipts/*-1.receipt
'

test_expect_success 'a lost receipt is written again, identical' '
	rm "$MERGER_HOME"/receipts/*-1.receipt &&
	merger merge b1.bundle >/dev/null &&
	cmp r1.saved "$MERGER_HOME"/receipts/*-1.receipt
'

test_expect_success 'verify of a merged bundle: ok, already merged' '
	merger verify b1.bundle >out &&
	grep -q "^b1.bundle: ok (already merged on " out
'

test_expect_success 'the collector accepts the receipt; nothing is left to send' '
	collector --home a ack "$MERGER_HOME"/receipts/*-1.receipt 2>err &&
	collector --home a status >out 2>&1 &&
	grep -q "Le coordinateur a tout reçu" out &&
	collector --home a export -o none.bundle 2>/dev/null &&
	test ! -e none.bundle
'

test_expect_success 'an edit and a deletion travel, with an audit trail' '
	$C edit "$(cat s.id)" --count 15 2>/dev/null &&
	$C delete "$(cat a.id)" 2>/dev/null &&
	export_bundle a b2.bundle &&
	merger merge b2.bundle >out &&
	grep -q "^b2.bundle: merged 2 records from .* (0 inserted, 1 updated, 0 unchanged, 1 deleted)$" out &&
	grep -q "^records updated: *1$" out && grep -q "^records deleted: *1$" out &&
	test "$(sql "SELECT count FROM support")" = 15 &&
	test "$(sql "SELECT count(*) FROM action")" = 0 &&
	test "$(sql "SELECT version, deleted FROM record WHERE lower(hex(id)) = '\''$(cat a.id)'\''")" = "2|1" &&
	test "$(sql "SELECT old_version, new_version, json_extract(old_value, '\''$.count'\''), json_extract(new_value, '\''$.count'\'') FROM audit WHERE lower(hex(record_id)) = '\''$(cat s.id)'\''")" = "1|2|12|15" &&
	test "$(sql "SELECT json_extract(old_value, '\''$.note'\''), new_value FROM audit WHERE lower(hex(record_id)) = '\''$(cat a.id)'\''")" = \
		"Maraude \"nuit\", été|deleted" &&
	test "$(sql "SELECT json_valid(old_value) FROM audit WHERE lower(hex(record_id)) = '\''$(cat a.id)'\''")" = 1 &&
	test "$(sql "SELECT last_seq FROM collector")" = 2 &&
	collector --home a ack "$MERGER_HOME"/receipts/*-2.receipt 2>/dev/null
'

test_expect_success 'a lost bundle is healed by the next one' '
	$C edit "$(cat t.id)" --participants 30 2>/dev/null &&
	export_bundle a b3-lost.bundle &&
	$C edit "$(cat s.id)" --count 20 2>/dev/null &&
	export_bundle a b4.bundle &&
	merger merge b4.bundle >out &&
	grep -q "^b4.bundle: merged 2 records .*(0 inserted, 2 updated, 0 unchanged, 0 deleted)$" out &&
	collector --home a ack "$MERGER_HOME"/receipts/*-4.receipt 2>/dev/null &&
	collector --home a status 2>&1 | grep -q "Le coordinateur a tout reçu" &&
	test "$(sql "SELECT participants FROM training")" = 30 &&
	test "$(sql "SELECT count FROM support")" = 20
'

test_expect_success 'an old bundle merged after a newer one changes nothing' '
	$C edit "$(cat s.id)" --count 21 2>/dev/null &&
	export_bundle a b5-old.bundle &&
	$C edit "$(cat s.id)" --count 22 2>/dev/null &&
	export_bundle a b6.bundle &&
	merger merge b6.bundle >/dev/null &&
	content before &&
	merger merge b5-old.bundle b3-lost.bundle >out &&
	grep -q "^b5-old.bundle: merged 1 record from .*(0 inserted, 0 updated, 1 unchanged, 0 deleted)$" out &&
	grep -q "^b3-lost.bundle: merged 1 record from .*(0 inserted, 0 updated, 1 unchanged, 0 deleted)$" out &&
	content after && test_cmp before after &&
	test "$(sql "SELECT count FROM support")" = 22 &&
	test "$(sql "SELECT last_seq FROM collector")" = 6 &&
	for s in 3 5 6; do test -f "$MERGER_HOME"/receipts/*-$s.receipt || exit 1; done
'

test_expect_success 'receipts of late bundles are accepted too' '
	collector --home a ack "$MERGER_HOME"/receipts/*.receipt >/dev/null 2>&1 &&
	collector --home a status 2>&1 | grep -q "Le coordinateur a tout reçu"
'

test_expect_success 'a folder: every *.bundle in name order, other files ignored' '
	mkdir inbox &&
	$C add support --period 2026-Q1 --dept 93 --status spotted --exploitation labour \
		--sex m --age adult --count 3 >/dev/null &&
	export_bundle a inbox/2-second.bundle &&
	$C add training --date 2026-05-01 --dept 93 --audience health --participants 5 >/dev/null &&
	export_bundle a inbox/1-first.bundle &&
	echo "not a bundle" >inbox/notes.txt &&
	cp inbox/1-first.bundle inbox/.hidden.bundle &&
	merger merge --receipts sent inbox >out 2>err &&
	test ! -s err &&
	printf "1-first.bundle\n2-second.bundle\n" | sed "s|^|inbox/|" >want &&
	grep "^inbox/" out | sed "s/:.*//" | uniq >order &&
	test_cmp want order &&
	grep -q "^bundles merged: *2$" out &&
	test "$(ls sent | wc -l)" = 2 &&
	test "$(sql "SELECT count(*) FROM support")" = 2
'

test_expect_success 'a progress line on a terminal, for more than one bundle' '
	mkdir inbox2 &&
	$C add support --period 2026-Q3 --dept 93 --status spotted --exploitation labour \
		--sex m --age adult --count 4 >/dev/null &&
	export_bundle a inbox2/x.bundle &&
	cp inbox2/x.bundle inbox2/y.bundle &&
	timeout 60 script -qec "LC_ALL=en_GB.UTF-8 merger merge inbox2" /dev/null >tty.out &&
	grep -q "merger: merging 1/2: x.bundle" tty.out &&
	grep -q "merger: merging 2/2: y.bundle" tty.out &&
	grep -q "inbox2/y.bundle: already merged" tty.out
'

test_expect_success 'a bundle on standard input' '
	$C add support --period 2026-05 --dept 75 --status spotted --exploitation domestic-servitude \
		--sex f --age minor --count 1 >/dev/null &&
	export_bundle a - >stdin.bundle &&
	merger merge - <stdin.bundle >out 2>err &&
	grep -q "^-: merged 4 records .*(1 inserted, 0 updated, 3 unchanged, 0 deleted)$" out &&
	grep -q "^-: receipt .*-10.receipt$" out &&
	test "$(sql "SELECT count(*) FROM support WHERE period = '\''2026-05'\''")" = 1
'

test_expect_success 'the organisation profile follows the newest organisation record' '
	MAILLAGE_NOW=2000000000 $C edit "$(cat o.id)" --name "Équipe Action Sociale Paris" \
		--dept 75,92 --email contact@eas.example 2>/dev/null &&
	export_bundle a b-org.bundle &&
	merger merge b-org.bundle >/dev/null &&
	test "$(sql "SELECT name, email, profile_at FROM organisation")" = \
		"Équipe Action Sociale Paris|contact@eas.example|2000000000" &&
	test "$(sql "SELECT group_concat(dept) FROM (SELECT dept FROM organisation_dept ORDER BY dept)")" = "75,92" &&
	test "$(sql "SELECT json_extract(old_value, '\''$.name'\'') FROM audit WHERE lower(hex(record_id)) = '\''$(cat o.id)'\''")" = \
		"Équipe d'\''Action Sociale"
'

test_expect_success 'two collectors of one organisation: same count is an overlap, both kept' '
	new_collector a2 "Équipe Action Sociale Paris" --kind association --dept 75 \
		--national-id 123456789 &&
	enroll a2 &&
	test "$(sql "SELECT count(DISTINCT org_id) FROM collector")" = 1 &&
	collector --home a2 add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 30 >/dev/null &&
	export_bundle a2 a2.bundle &&
	merger merge a2.bundle >out &&
	grep -q "^a2.bundle: merged 2 records .*; 1 support count also recorded by another collector of the organisation)$" out &&
	grep -q "^support overlaps: *1$" out &&
	test "$(sql "SELECT group_concat(count) FROM (SELECT count FROM support WHERE period = '\''2026'\'' ORDER BY count)")" = "22,30"
'

test_expect_success 'an older organisation record from a second collector does not win' '
	test "$(sql "SELECT name FROM organisation")" = "Équipe Action Sociale Paris" &&
	test "$(sql "SELECT count(*) FROM profile")" = 2
'

test_expect_success 'merge checks its arguments' '
	test_exit_code 2 merger merge 2>err &&
	test_one_line err "merge: give bundle files or a folder" &&
	test_exit_code 2 merger verify 2>err &&
	test_exit_code 2 merger merge --receipts 2>err &&
	test_exit_code 2 merger merge --bogus x.bundle 2>err &&
	test_one_line err "unknown option --bogus"
'

test_expect_success 'a missing file: exit 3, the others are merged' '
	$C add support --period 2026-06 --dept 75 --status spotted --exploitation labour \
		--sex f --age adult --count 2 >/dev/null &&
	export_bundle a b-after-missing.bundle &&
	test_exit_code 3 merger merge missing.bundle b-after-missing.bundle >out 2>err &&
	test_one_line err "^merger: missing.bundle: No such file or directory$" &&
	grep -q "^bundles merged: *1$" out &&
	grep -q "^bundles unreadable: *1$" out &&
	test -z "$(ls -A "$MERGER_HOME/quarantine")"
'

test_done
