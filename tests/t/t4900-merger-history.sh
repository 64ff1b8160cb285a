#!/bin/sh
# merger history: every change of a count that the merges recorded, from
# what to what, by which collector, from which bundle, when; filtered by
# organisation, département and period; as text, CSV and JSON.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

export MAILLAGE_NOW=1773568800     # 2026-03-15 10:00 UTC
CR=$(printf "\r")

# bundle_hex HOME SEQ: the id of that bundle of that collector, as history
# shows it.
bundle_hex() {
	sql "SELECT lower(hex(b.id)) FROM bundle b JOIN collector c ON c.key_id = b.collector
	     JOIN organisation o ON o.id = c.org_id WHERE o.name = '$1' AND b.seq = $2"
}

test_expect_success 'setup: two organisations, their first counts' '
	coordinator_setup &&
	new_collector a "Alpha" && enroll a &&
	new_collector b "Bravo" --kind association --dept 13 && enroll b &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >a.id &&
	collector --home a add action --dept 75 --type outreach --start 2026-03-02 >act.id &&
	collector --home b add support --period 2026-Q1 --dept 13 --status spotted \
		--exploitation labour --sex m --age minor --count 7 >b.id &&
	export_bundle a a1.bundle && export_bundle b b1.bundle &&
	merger merge a1.bundle b1.bundle >/dev/null
'

test_expect_success 'no change yet: said so' '
	merger history >out &&
	test "$(cat out)" = "No change of a count recorded." &&
	merger history --format csv >out.csv &&
	test "$(wc -l <out.csv)" = 1 &&
	test "$(merger history --format json)" = "[]"
'

test_expect_success 'an edit, a deletion, an action edit' '
	MAILLAGE_NOW=1773655200 && export MAILLAGE_NOW &&    # 2026-03-16 10:00 UTC
	collector --home a edit $(cat a.id) --count 13 >/dev/null &&
	collector --home a edit $(cat act.id) --type training >/dev/null 2>&1
	collector --home b delete $(cat b.id) >/dev/null 2>&1 &&
	export_bundle a a2.bundle && export_bundle b b2.bundle &&
	merger merge a2.bundle b2.bundle >/dev/null &&
	test "$(sql "SELECT count(*) FROM audit")" -ge 2
'

test_expect_success 'text: which count, from what to what, who, which bundle, when' '
	merger history >out &&
	cat >expect <<-EOF &&
	2026-03-16 10:00 UTC  victims 2026 75 supported/sexual/f/adult: 12 -> 13
	    by "Alpha" (organisation 1, key $(sql "SELECT key_id FROM collector WHERE org_id = 1")), bundle $(bundle_hex Alpha 2) (no 2)
	2026-03-16 10:00 UTC  victims 2026-Q1 13 spotted/labour/m/minor: 7 -> deleted
	    by "Bravo" (organisation 2, key $(sql "SELECT key_id FROM collector WHERE org_id = 2")), bundle $(bundle_hex Bravo 2) (no 2)
	EOF
	test_cmp expect out
'

test_expect_success 'filters: organisation, département, period' '
	merger history --org 1 >out && grep -q "12 -> 13" out && ! grep -q deleted out &&
	merger history --org 2 >out && grep -q "7 -> deleted" out && ! grep -q "12 -> 13" out &&
	merger history --dept 75 >out && grep -q "12 -> 13" out && ! grep -q deleted out &&
	merger history --dept 13 --period 2026-Q1 >out && grep -q "7 -> deleted" out &&
	merger history --period 2026 >out && grep -q "12 -> 13" out && ! grep -q deleted out &&
	merger history --dept 93 >out &&
	test "$(cat out)" = "No change of a count recorded for this choice."
'

test_expect_success 'CSV: one row per change, codes as codes' '
	merger history --format csv >out.csv &&
	head -n 1 out.csv >head &&
	echo "merged_at,change,table,period,dept,dimensions,from,to,organisation_id,organisation,collector,bundle,bundle_seq,record${CR}" >expect &&
	test_cmp expect head &&
	grep -q "^2026-03-16T10:00:00Z,updated,victims,2026,75,supported/sexual/f/adult,12,13,1,Alpha,[0-9a-f]\{16\},$(bundle_hex Alpha 2),2,[0-9a-f]\{32\}${CR}\$" out.csv &&
	grep -q "^2026-03-16T10:00:00Z,deleted,victims,2026-Q1,13,spotted/labour/m/minor,7,,2,Bravo,[0-9a-f]\{16\},$(bundle_hex Bravo 2),2,[0-9a-f]\{32\}${CR}\$" out.csv &&
	test "$(wc -l <out.csv)" = 3
'

test_expect_success 'JSON: the same changes' '
	merger history --format json >out.json &&
	python3 -c "
import json, sys
h = json.load(open(\"out.json\"))
assert len(h) == 2, h
a, b = h
assert (a[\"change\"], a[\"from\"], a[\"to\"], a[\"organisation\"]) == (\"updated\", 12, 13, \"Alpha\"), a
assert a[\"dimensions\"] == [\"supported\", \"sexual\", \"f\", \"adult\"], a
assert (a[\"table\"], a[\"period\"], a[\"dept\"], a[\"bundle_seq\"]) == (\"victims\", \"2026\", \"75\", 2), a
assert (b[\"change\"], b[\"from\"], b[\"to\"], b[\"organisation_id\"]) == (\"deleted\", 7, None, 2), b
assert a[\"merged_at\"] == \"2026-03-16T10:00:00Z\"
"
'

test_expect_success 'a name with control characters is shown escaped' '
	sql "UPDATE organisation SET name = '\''Evil'\'' || char(27) || '\''[2J'\'' WHERE id = 1" &&
	merger history --org 1 >out &&
	! grep -q "$(printf "\033")" out &&
	grep -qF "by \"Evil\\x1b[2J\"" out
'

test_expect_success 'wrong arguments: refused' '
	test_exit_code 1 merger history --org 9 2>err &&
	test_one_line err "^merger: history: no organisation 9 \(see merger collectors\)$" &&
	test_exit_code 2 merger history --org x 2>err &&
	test_exit_code 1 merger history --dept 999 2>err &&
	test_one_line err "unknown département code \"999\"" &&
	test_exit_code 2 merger history --period 2026-13 2>err &&
	test_exit_code 2 merger history --format xml 2>err &&
	test_one_line err "--format is text, csv or json, not \"xml\""
'

test_done
