#!/bin/sh
# Two processes on one national database: a merge waits for another
# writer, gives up with exit 4 when it holds on past the busy timeout
# (nothing merged, nothing quarantined), verify does not wait (it reads a
# snapshot), and two merges of the same bundle at once merge it once.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

test_expect_success 'setup' '
	coordinator_setup &&
	new_collector a "Alpha" &&
	enroll a &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >/dev/null &&
	export_bundle a a1.bundle
'

test_expect_success 'a merge waits for another writer that finishes' '
	rm -f locked &&
	hold_lock 2 &&
	merger merge a1.bundle >out 2>err &&
	wait "$(cat lock.pid)" ;
	test ! -s err &&
	grep -q "^bundles merged: *1$" out &&
	test "$(sql "SELECT count(*) FROM bundle")" = 1
'

test_expect_success 'a writer that holds on: exit 4, busy, nothing merged or quarantined' '
	collector --home a add support --period 2026 --dept 93 --status supported \
		--exploitation labour --sex m --age adult --count 5 >/dev/null &&
	export_bundle a a2.bundle &&
	dump before.sql &&
	rm -f locked &&
	hold_lock 14 &&
	merger merge a2.bundle a1.bundle >out 2>err
	rc=$?
	wait "$(cat lock.pid)"
	test $rc = 4 &&
	grep -q "^merger: a2.bundle: .*busy" err &&
	grep -q "^merger: stopped: 1 bundle not processed$" err &&
	test "$(wc -l <err)" = 2 &&
	grep -q "^bundles merged: *0$" out &&
	test -z "$(ls -A "$MERGER_HOME/quarantine")" &&
	dump after.sql && test_cmp before.sql after.sql
'

test_expect_success 'verify runs while another writer holds the database' '
	dump before.sql &&
	rm -f locked &&
	hold_lock 12 &&
	merger verify a2.bundle >out 2>err &&
	kill -0 "$(cat lock.pid)" &&
	wait "$(cat lock.pid)" &&
	test ! -s err &&
	grep -q "^a2.bundle: ok (3 records, from \"Alpha\")$" out &&
	dump after.sql && test_cmp before.sql after.sql
'

test_expect_success 'the same bundle merges once the database is free' '
	merger merge a2.bundle >out &&
	grep -q "^bundles merged: *1$" out
'

test_expect_success 'two merges of one bundle at the same time merge it once' '
	collector --home a add support --period 2026 --dept 13 --status spotted \
		--exploitation labour --sex m --age adult --count 2 >/dev/null &&
	export_bundle a a3.bundle || exit 1
	merger merge a3.bundle >out1 2>err1 &
	pid=$!
	merger merge a3.bundle >out2 2>err2
	rc2=$?
	wait $pid
	rc1=$?
	test $rc1 = 0 && test $rc2 = 0 &&
	test ! -s err1 && test ! -s err2 &&
	cat out1 out2 >both &&
	test "$(grep -c "^bundles merged: *1$" both)" = 1 &&
	test "$(grep -c "^bundles already merged: *1$" both)" = 1 &&
	test "$(sql "SELECT count(*) FROM bundle")" = 3 &&
	test "$(sql "SELECT count(*) FROM support")" = 3
'

test_done
