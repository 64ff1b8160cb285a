#!/bin/sh
# merger against the committed samples: the vectors merge (and the receipt
# is byte for byte the committed one), and every broken bundle is refused
# with the library's message, the database unchanged, a copy and a reason
# in quarantine.  The home uses the sample coordinator's test key.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

V="$SAMPLES/vectors"
BROKEN="$SAMPLES/broken"
MAILLAGE_NOW=1783209600          # the samples' merge time, 2026-07-05T00:00:00Z
export MAILLAGE_NOW
TS=20260705T000000Z
Q="$MERGER_HOME/quarantine"

# The message README.md gives for a broken file.
expected_message() {
	sed -n "s/^| \`$1\` | .* | \`FMT_E_[A-Z_]*\` | \(.*\) |\$/\1/p" "$BROKEN/README.md"
}

# check_broken NAME: merging the broken bundle NAME is refused as the
# samples say, and changes nothing.
check_broken() {
	_f="$BROKEN/$1"
	_msg=$(expected_message "$1")
	test -n "$_msg" || { echo "no message for $1 in README.md"; return 1; }
	dump before.sql &&
	test_exit_code 1 merger merge "$_f" >out 2>err &&
	test_one_line err "^merger: " &&
	grep -qF -- "merger: $_f: $_msg (refused, copy in $Q/$TS-$1)" err &&
	! grep -qF -- "$_f" out &&
	dump after.sql && test_cmp before.sql after.sql &&
	cmp "$_f" "$Q/$TS-$1" &&
	test "$(head -1 "$Q/$TS-$1.reason")" = "$_msg"
}

test_expect_success 'setup: a home with the sample coordinator key' '
	merger init >/dev/null &&
	cp "$V/coordinator.key" "$MERGER_HOME/coordinator.key" &&
	chmod 600 "$MERGER_HOME/coordinator.key" &&
	test "$(ls "$BROKEN"/*.bundle | wc -l)" -ge 20
'

test_expect_success 'broken requests are refused by enroll' '
	dump before.sql &&
	for f in "$BROKEN"/*.request; do
		b=$(basename "$f") &&
		test_exit_code 1 merger enroll --yes "$f" >/dev/null 2>err &&
		test_one_line err "^merger: $f: " &&
		grep -qF -- "$(expected_message "$b")" err || exit 1
	done &&
	dump after.sql && test_cmp before.sql after.sql
'

test_expect_success 'the sample collector is enrolled' '
	merger enroll --yes "$V/collector.request" >out &&
	grep -q "^enrolled: key 4da8543f841d6ce3 of \"Association Exemple — Hors les murs\"" out
'

for f in "$BROKEN"/*.bundle; do
	b=$(basename "$f")
	test_expect_success "broken sample $b is refused, nothing changes" "check_broken $b"
done

test_expect_success 'the whole folder of broken samples: all refused' '
	dump before.sql &&
	n=$(ls "$BROKEN"/*.bundle | wc -l) &&
	test_exit_code 1 merger merge "$BROKEN" >out 2>err &&
	grep -q "^bundles refused: *$n$" out &&
	grep -q "^bundles merged: *0$" out &&
	test "$(wc -l <err)" = "$n" &&
	dump after.sql && test_cmp before.sql after.sql
'

test_expect_success 'verify refuses every broken sample without touching quarantine' '
	ls "$Q" >q.before &&
	test_exit_code 1 merger verify "$BROKEN"/*.bundle >out 2>err &&
	test ! -s out &&
	test "$(grep -c " (refused)\$" err)" = "$(ls "$BROKEN"/*.bundle | wc -l)" &&
	test "$(wc -l <err)" = "$(ls "$BROKEN"/*.bundle | wc -l)" &&
	ls "$Q" >q.after && test_cmp q.before q.after
'

test_expect_success 'the sample bundle merges; its receipt is the committed one' '
	merger merge "$V/records.bundle" >out &&
	grep -q "merged 8 records from \"Association Exemple — Hors les murs\" (7 inserted, 0 updated, 0 unchanged, 1 deleted)$" out &&
	cmp "$V/records.receipt" "$MERGER_HOME"/receipts/association-exemple-hors-les-murs-4da8543f841d6ce3-1.receipt &&
	test "$(sql "SELECT count(*) FROM record WHERE deleted = 1")" = 1 &&
	test "$(sql "SELECT count(*) FROM count")" = 4 &&
	test "$(sql "SELECT group_concat(dept) FROM (SELECT dept FROM organisation_dept ORDER BY dept)")" = "2A,75,93,971"
'

test_expect_success 'broken samples are still refused after the good one' '
	dump before.sql &&
	test_exit_code 1 merger merge "$BROKEN" >out 2>/dev/null &&
	grep -q "^bundles merged: *0$" out &&
	grep -q "^bundles already merged: *0$" out &&
	dump after.sql && test_cmp before.sql after.sql
'

test_done
