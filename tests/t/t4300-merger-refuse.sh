#!/bin/sh
# merger merge refusals with real collectors: unknown and revoked signers,
# another coordinator, damaged files, a conflict from a copied collector
# home, a record claimed by another collector.  A refused bundle changes
# nothing in the database, is copied into quarantine/ with a reason file,
# and stays where it was.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

# Fixed clock: quarantine names are predictable.
MAILLAGE_NOW=1782864000          # 2026-07-01T00:00:00Z
export MAILLAGE_NOW
TS=20260701T000000Z
Q="$MERGER_HOME/quarantine"

# refused FILE REASON-PATTERN: merge FILE, which must be refused (exit 1)
# with one line on stderr naming it, the database unchanged, the input in
# place, and a copy plus reason in quarantine.
refused() {
	_f=$1 _why=$2 _base=$(basename "$1")
	dump before.sql &&
	cp "$_f" input.copy &&
	test_exit_code 1 merger merge "$_f" >out 2>err &&
	test_one_line err "^merger: $_f: $_why \(refused, copy in $Q/$TS-$_base\)$" &&
	! grep -q "^$_f" out &&
	grep -q "^bundles refused: *1$" out &&
	grep -qx "quarantine: *$Q" out &&
	dump after.sql && test_cmp before.sql after.sql &&
	cmp "$_f" input.copy &&
	cmp "$_f" "$Q/$TS-$_base" &&
	head -1 "$Q/$TS-$_base.reason" | grep -Eq "^$_why$" &&
	grep -q "^file: $_f$" "$Q/$TS-$_base.reason" &&
	test "$(stat -c %a "$Q/$TS-$_base")" = 600 &&
	test "$(ls "$MERGER_HOME/receipts" | grep -c "\.tmp$")" = 0
}

test_expect_success 'setup: coordinator, an enrolled collector, a first merge' '
	coordinator_setup &&
	new_collector a "Alpha" --kind association --dept 75 &&
	enroll a &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >s.id &&
	export_bundle a a1.bundle &&
	merger merge a1.bundle >/dev/null &&
	collector --home a ack "$MERGER_HOME"/receipts/*.receipt 2>/dev/null &&
	ls "$MERGER_HOME/receipts" >receipts.before
'

test_expect_success 'a collector that is not enrolled is refused' '
	new_collector stranger "Inconnue" --kind association --dept 13 &&
	collector --home stranger add support --period 2026 --dept 13 --status spotted \
		--exploitation labour --sex m --age adult --count 4 >/dev/null &&
	export_bundle stranger stranger.bundle &&
	keyid=$(collector --home stranger status 2>/dev/null | grep -o "[0-9a-f]\{16\}" | head -1) &&
	enrol="to enroll this collector, get its request \(collector request -o demande.request\) and run: merger enroll demande.request" &&
	refused stranger.bundle "signed by a key that is not enrolled \(key id $keyid, from \"Inconnue\" according to the bundle, unverified\); $enrol" &&
	grep -q "^sender key: $keyid$" "$Q/$TS-stranger.bundle.reason" &&
	grep -q "^bundle: id [0-9a-f]\{32\}, sequence 1, created " "$Q/$TS-stranger.bundle.reason" &&
	ls "$MERGER_HOME/receipts" >receipts.after && test_cmp receipts.before receipts.after
'

test_expect_success 'the same file refused again in the same second gets a second name' '
	test_exit_code 1 merger merge stranger.bundle >/dev/null 2>err &&
	test_one_line err "copy in $Q/$TS-2-stranger.bundle\)$" &&
	test -f "$Q/$TS-2-stranger.bundle.reason" &&
	test -f "$Q/$TS-stranger.bundle.reason"
'

# Behind another bundle, the stranger's is opened by the reading thread
# with its first records, the profile among them (merger/feed.c).
test_expect_success 'not enrolled, opened and read ahead behind another: the same reason' '
	test_exit_code 1 merger merge a1.bundle stranger.bundle >out 2>err &&
	grep -q "^a1.bundle: already merged on .*; receipt .* written again$" out &&
	test_one_line err "^merger: stranger.bundle: signed by a key that is not enrolled \(key id [0-9a-f]*, from \"Inconnue\" according to the bundle, unverified\); "
'

test_expect_success 'verify says refused and changes nothing, not even quarantine' '
	ls "$Q" >q.before && dump before.sql &&
	test_exit_code 1 merger verify stranger.bundle a1.bundle >out 2>err &&
	test_one_line err "^merger: stranger.bundle: signed by a key that is not enrolled .* \(refused\)$" &&
	! grep -q "^stranger.bundle" out &&
	grep -q "^a1.bundle: ok (already merged on " out &&
	ls "$Q" >q.after && test_cmp q.before q.after &&
	dump after.sql && test_cmp before.sql after.sql
'

test_expect_success 'a revoked collector is refused, whatever the bundle declares' '
	new_collector r "Revoquee" --kind association --dept 69 &&
	enroll r &&
	collector --home r add support --period 2026 --dept 69 --status spotted \
		--exploitation labour --sex m --age adult --count 4 >/dev/null &&
	export_bundle r before-revoke.bundle &&
	keyid=$(sql "SELECT c.key_id FROM collector c JOIN organisation o ON o.id = c.org_id WHERE o.name = '\''Revoquee'\''") &&
	merger revoke $keyid >/dev/null &&
	refused before-revoke.bundle "signed by key $keyid of \"Revoquee\", revoked on 2026-07-01 00:00 UTC"
'

test_expect_success 'data merged before a revocation stays' '
	new_collector r2 "Revoquee Deux" --kind association --dept 69 &&
	enroll r2 &&
	collector --home r2 add support --period 2026 --dept 69 --status supported \
		--exploitation labour --sex m --age adult --count 7 >/dev/null &&
	export_bundle r2 r2.bundle &&
	merger merge r2.bundle >/dev/null &&
	keyid=$(sql "SELECT c.key_id FROM collector c JOIN organisation o ON o.id = c.org_id WHERE o.name = '\''Revoquee Deux'\''") &&
	merger revoke $keyid >/dev/null &&
	test "$(sql "SELECT count FROM support WHERE dept = '\''69'\''")" = 7 &&
	refused r2.bundle "signed by key $keyid of \"Revoquee Deux\", revoked on .*"
'

test_expect_success 'a bundle for another coordinator is refused' '
	merger --home other-coord init >/dev/null &&
	merger --home other-coord kit -o other.kit 2>/dev/null &&
	collector --home foreign init --kit other.kit --org Foreign --kind police \
		--dept 59 >/dev/null 2>&1 &&
	collector --home foreign add support --period 2026 --dept 59 --status spotted \
		--exploitation labour --sex m --age adult --count 4 >/dev/null &&
	export_bundle foreign foreign.bundle &&
	refused foreign.bundle "bundle cannot be opened with this coordinator.s key: sent to another coordinator, or damaged"
'

test_expect_success 'damaged copies of a real bundle are refused' '
	collector --home a add support --period 2026-Q2 --dept 75 --status spotted \
		--exploitation sexual --sex f --age adult --count 3 >/dev/null &&
	export_bundle a good.bundle &&
	size=$(wc -c <good.bundle) &&
	head -c $((size - 1)) good.bundle >cut.bundle &&
	refused cut.bundle "block 1 of the bundle fails authentication: altered, damaged or truncated" &&
	cp good.bundle flip.bundle &&
	invert_byte flip.bundle 200 &&
	refused flip.bundle ".*(altered|damaged).*" &&
	: >empty.bundle &&
	refused empty.bundle "truncated bundle: 0 bytes, shorter than its header" &&
	refused coord.kit "this is a kit, not a bundle"
'

test_expect_success 'the undamaged bundle still merges afterwards' '
	merger merge good.bundle >out &&
	grep -q "^good.bundle: merged 1 record from \"Alpha\" (1 inserted" out
'

test_expect_success 'a conflict: a copied collector home edits the same record' '
	collector --home a ack "$MERGER_HOME"/receipts/alpha-*.receipt >/dev/null 2>&1 &&
	cp -a a a-clone &&
	collector --home a edit "$(cat s.id)" --count 13 2>/dev/null &&
	collector --home a-clone edit "$(cat s.id)" --count 14 2>/dev/null &&
	export_bundle a first.bundle &&
	export_bundle a-clone second.bundle &&
	merger merge first.bundle >/dev/null &&
	test "$(sql "SELECT count FROM support WHERE period = '\''2026'\'' AND dept = '\''75'\''")" = 13 &&
	refused second.bundle "conflict: record $(cat s.id) \(count, version 2\) was already merged at this version with different content" &&
	grep -q "^conflict: record $(cat s.id) (count, version 2) was already merged" "$Q/$TS-second.bundle.reason" &&
	test "$(sql "SELECT count FROM support WHERE period = '\''2026'\'' AND dept = '\''75'\''")" = 13
'

test_expect_success 'verify reports the conflict too' '
	test_exit_code 1 merger verify second.bundle >out 2>err &&
	test_one_line err "^merger: second.bundle: conflict: record $(cat s.id) \(count, version 2\)" &&
	test ! -s out
'

test_expect_success 'a record claimed by another collector refuses the whole bundle' '
	new_collector b "Beta" --kind association --dept 31 &&
	enroll b &&
	cp -a a thief &&
	cp b/identity.key thief/identity.key &&
	collector --home thief edit "$(cat s.id)" --count 99 2>/dev/null &&
	collector --home thief add support --period 2026 --dept 31 --status spotted \
		--exploitation labour --sex m --age adult --count 4 >/dev/null &&
	export_bundle thief thief.bundle &&
	owner=$(sql "SELECT key_id FROM collector c JOIN organisation o ON o.id = c.org_id WHERE o.name = '\''Alpha'\''") &&
	refused thief.bundle "record $(cat s.id) \(count, version 3\) belongs to another collector \(key $owner\)" &&
	test "$(sql "SELECT count(*) FROM support WHERE dept = '\''31'\''")" = 0
'

test_expect_success 'good and refused bundles in one run: exit 1, the good ones merged' '
	collector --home b add support --period 2026 --dept 31 --status supported \
		--exploitation labour --sex m --age adult --count 6 >/dev/null &&
	export_bundle b b1.bundle &&
	test_exit_code 1 merger merge stranger.bundle b1.bundle >out 2>err &&
	grep -q "^bundles merged: *1$" out &&
	grep -q "^bundles refused: *1$" out &&
	test "$(wc -l <err)" = 1 &&
	test "$(sql "SELECT count FROM support WHERE dept = '\''31'\''")" = 6
'

test_expect_success 'no quarantine folder to write to: nothing is merged, exit 3' '
	dump before.sql &&
	mv "$Q" "$Q.moved" && echo file >"$Q" &&
	merger merge b1.bundle stranger.bundle >out 2>err
	rc=$?
	rm "$Q" && mv "$Q.moved" "$Q" &&
	test $rc = 3 &&
	test_one_line err "quarantine: not a folder" &&
	dump after.sql && test_cmp before.sql after.sql
'

test_done
