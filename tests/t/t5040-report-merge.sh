#!/bin/sh
# t5040-report-merge.sh - the diagnostic from data that travelled the
# whole way: field collectors record, export bundles, the coordinator
# merges them, then reports.  Two laptops of one organisation record the
# same count; edits and deletions move the count that is used.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800   # 2026-01-01 12:00 UTC
T1=1750000000 T2=1750000100 T3=1750000200 T4=1750000300

# at TIME HOME add|edit|delete ...: a collector command at a given time.
at() {
	_t=$1 _h=$2
	shift 2
	MAILLAGE_NOW=$_t collector --home "$_h" "$@"
}

# support HOME TIME PERIOD DEPT STATUS FORM SEX AGE COUNT: prints the id.
support() {
	at "$2" "$1" add support --period "$3" --dept "$4" --status "$5" \
		--exploitation "$6" --sex "$7" --age "$8" --count "$9"
}

# cell PERIOD DEPT: "supported,spotted" of a département in the CSV report.
cell() {
	merger report --period "$1" --format csv | tr -d "\r" |
		awk -F, -v d="$2" '$2 == d { print $15 "," $16 }'
}

merge_all() {
	for h in "$@"; do
		export_bundle "$h" "$h-$(date +%s%N).bundle" || return 1
	done &&
	merger merge ./*.bundle >merge.out 2>&1 &&
	mkdir -p merged && mv ./*.bundle merged/
}

test_expect_success 'coordinator, an organisation with two laptops, a barreau, a silent one' '
	coordinator_setup &&
	new_collector a "Hors la Rue" --kind association --dept 75,93 \
		--national-id 123456789 && enroll a &&
	new_collector a2 "Hors la Rue" --kind association --dept 75,93 \
		--national-id 123456789 && enroll a2 &&
	new_collector b "Barreau de Marseille" --kind barreau --dept 13 && enroll b &&
	new_collector c "Silencieuse" --kind association --dept 33 && enroll c &&
	test "$(sql "SELECT count(*), count(DISTINCT org_id) FROM collector")" = "4|3"
'

test_expect_success 'records on the field, bundles merged' '
	support a $T1 2025 75 supported sexual f adult 10 >year-a.id &&
	support a $T1 2025-01 75 supported sexual f adult 3 >/dev/null &&
	support a $T1 2025-02 75 supported sexual f adult 4 >/dev/null &&
	support a $T1 2025-Q1 93 supported labour m adult 2 >/dev/null &&
	support a $T1 2025-01 93 supported labour m adult 1 >/dev/null &&
	support a $T1 2025-04 93 supported labour m adult 5 >/dev/null &&
	support a $T1 2025 93 spotted labour m adult 20 >/dev/null &&
	at $T1 a add action --dept 93 --type outreach --start 2024-05-01 >/dev/null &&
	at $T1 a add action --dept 75 --type shelter --start 2025-03-01 \
		--end 2025-06-30 >/dev/null &&
	support a2 $T2 2025 75 supported sexual f adult 12 >year-a2.id &&
	support b $T1 2025-Q3 13 supported domestic-servitude f minor 3 >/dev/null &&
	at $T1 b add training --date 2025-05-05 --dept 01 --audience lawyers \
		--participants 12 >/dev/null &&
	merge_all a a2 b &&
	grep -q "^bundles merged: *3\$" merge.out &&
	grep -q "^support overlaps: *1\$" merge.out
'

test_expect_success 'the newest of the two laptops counts, the year over its months' '
	test "$(cell 2025 75)" = "12,0" &&
	test "$(cell 2025 93)" = "7,20" &&
	test "$(cell 2025 13)" = "3,0" &&
	merger report --format csv --table totals | tr -d "\r" >totals &&
	grep -qx "2025,total,all,Total,22,100.0,20,100.0" totals &&
	grep -qx "2025,exploitation,sexual,exploitation sexuelle,12,54.5,0,0.0" totals &&
	grep -qx "2025,age,minor,mineur·e,3,13.6,0,0.0" totals
'

test_expect_success 'quarter and month reports' '
	test "$(cell 2025-Q1 75)" = "7,0" &&
	test "$(cell 2025-Q1 93)" = "2,0" &&
	test "$(cell 2025-Q2 93)" = "5,0" &&
	test "$(cell 2025-01 93)" = "1,0"
'

test_expect_success 'gaps, completeness, directory' '
	merger gaps | cut -f1 >gaps &&
	all_dept_codes | grep -vx -e 13 -e 75 -e 93 >expect &&
	test_cmp expect gaps &&
	merger report --format json >r.json &&
	grep -q "^  \"completeness\": {\"enrolled\": 3, \"reporting\": 2, \"silent\": \[\$" r.json &&
	grep -A1 "^  \"completeness\"" r.json | grep -qx "    \"Silencieuse\"" &&
	merger directory --dept 01 >d01 &&
	grep -qx "  Barreau de Marseille — Barreau (avocats)" d01 &&
	merger directory --dept 93 >d93 &&
	grep -qx "      actions : Repérage, maraude" d93
'

test_expect_success 'an edit on the first laptop makes its record the newest' '
	at $T3 a edit "$(cat year-a.id)" --count 15 >/dev/null &&
	merge_all a &&
	test "$(cell 2025 75)" = "15,0"
'

test_expect_success 'deleted there: the other laptop'"'"'s record counts again' '
	at $T4 a delete "$(cat year-a.id)" >/dev/null &&
	merge_all a &&
	test "$(cell 2025 75)" = "12,0"
'

test_expect_success 'no year record left: the months are summed' '
	at $T4 a2 delete "$(cat year-a2.id)" >/dev/null &&
	merge_all a2 &&
	test "$(cell 2025 75)" = "7,0"
'

test_expect_success 'a revoked laptop: what it sent still counts' '
	keyid=$(sql "SELECT key_id FROM collector c JOIN organisation o ON o.id = c.org_id
		WHERE o.name = '"'"'Barreau de Marseille'"'"'") &&
	merger revoke "$keyid" >/dev/null 2>&1 &&
	test "$(sql "SELECT count(*) FROM collector WHERE revoked_at IS NOT NULL")" = 1 &&
	test "$(cell 2025 13)" = "3,0" &&
	! merger gaps | grep -q "^13	"
'

test_done
