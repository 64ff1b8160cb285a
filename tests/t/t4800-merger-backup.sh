#!/bin/sh
# merger backup and restore: one encrypted file with the coordinator's keys
# and a consistent copy of the national database, taken while another
# process writes; a restored home merges the same collectors' bundles and
# gives the same reports, and its receipts are accepted by the collectors.
# A wrong passphrase, a truncated or altered file, a non-empty home: a clear
# refusal and nothing written.  The file shows no key and no count in clear.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

export MAILLAGE_NOW=1773568800     # 2026-03-15 10:00 UTC

# restore_ok FILE HOME: restores with the good passphrase.
restore_ok() {
	merger restore "$1" --home "$2" --passphrase-fd 3 3<pass >restore.out 2>restore.err
}

# nothing_left: no home and no scratch folder next to where it would be.
nothing_left() {
	test ! -e "$1" && test -z "$(ls -d "$1".restore-* 2>/dev/null)"
}

test_expect_success 'setup: two collectors, merged' '
	coordinator_setup &&
	new_collector a "Alpha" && enroll a &&
	new_collector b "Bravo" --kind association --dept 13 && enroll b &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 4711 >sup.id &&
	collector --home b add support --period 2026 --dept 13 --status spotted \
		--exploitation labour --sex m --age adult --count 23 >/dev/null &&
	export_bundle a a1.bundle && export_bundle b b1.bundle &&
	merger merge --receipts rc a1.bundle b1.bundle >/dev/null &&
	printf "correct horse battery staple\n" >pass &&
	printf "correct horse battery stapler\n" >wrong
'

test_expect_success 'backup while another process writes: no wait, its half-done work left out' '
	rm -f locked &&
	hold_lock 8 &&
	start=$(date +%s) &&
	merger backup -o home.bak --passphrase-fd 3 3<pass 2>err &&
	kill -0 "$(cat lock.pid)" &&
	wait "$(cat lock.pid)" &&
	test_one_line err "^merger: home.bak: backup written \(coordinator key [0-9a-f]{16}, database of .*\)" &&
	test "$(stat -c %a home.bak)" = 600 &&
	restore_ok home.bak snap &&
	test "$(sqlite3 snap/national.db "SELECT count(*) FROM meta WHERE key = '\''lock'\''")" = 0 &&
	test "$(sqlite3 snap/national.db "SELECT count(*) FROM bundle")" = 2
'

test_expect_success 'backup during a merge: the copy holds the merge whole or not at all' '
	collector --home a add support --period 2026 --dept 93 --status supported \
		--exploitation labour --sex f --age minor --count 7 >/dev/null &&
	export_bundle a a2.bundle &&
	merger merge --receipts rc a2.bundle >merge.out 2>&1 &
	pid=$!
	merger backup -o during.bak --passphrase-fd 3 3<pass 2>err
	rc=$?
	wait $pid &&
	test $rc = 0 &&
	restore_ok during.bak during &&
	n=$(sqlite3 during/national.db "SELECT count(*) FROM bundle") &&
	c=$(sqlite3 during/national.db "SELECT count(*) FROM count WHERE dept = '\''93'\''") &&
	{ { test "$n" = 2 && test "$c" = 0; } || { test "$n" = 3 && test "$c" = 1; }; }
'

test_expect_success 'the backup reveals no key and no count in clear' '
	# an edit: the audit trail keeps the old and new counts as text
	collector --home a edit $(cat sup.id) --count 4712 >/dev/null &&
	export_bundle a a2b.bundle &&
	merger merge --receipts rc a2b.bundle >/dev/null &&
	merger backup -o clear.bak --passphrase-fd 3 3<pass 2>/dev/null &&
	secretscan "$MERGER_HOME/coordinator.key" clear.bak &&
	! grep -q -a "4711" clear.bak &&
	! grep -q -a "Alpha" clear.bak &&
	! grep -q -a "CREATE TABLE" clear.bak &&
	# the same needles are there in the database itself: the test can fail
	grep -q -a "4711" "$MERGER_HOME/national.db" &&
	grep -q -a "Alpha" "$MERGER_HOME/national.db" &&
	test_exit_code 1 secretscan "$MERGER_HOME/coordinator.key" \
		"$MERGER_HOME/coordinator.key" >/dev/null
'

test_expect_success 'an existing output file is never replaced' '
	echo keep >taken.bak &&
	test_exit_code 1 merger backup -o taken.bak --passphrase-fd 3 3<pass 2>err &&
	test_one_line err "^merger: taken.bak: already exists; not replacing it$" &&
	test "$(cat taken.bak)" = keep
'

test_expect_success 'a short passphrase, or none on a terminal: refused, no file' '
	printf "short\n" >short &&
	test_exit_code 2 merger backup -o short.bak --passphrase-fd 3 3<short 2>err &&
	test_one_line err "too short: at least 8 characters" &&
	test_exit_code 2 env LC_ALL=en_GB.UTF-8 setsid -w merger backup -o none.bak </dev/null 2>err &&
	test_one_line err "no terminal to ask the passphrase on: give it with --passphrase-fd N" &&
	test ! -e short.bak && test ! -e none.bak
'

test_expect_success 'restore, then the same bundles merge and give the same reports' '
	merger backup -o now.bak --passphrase-fd 3 3<pass 2>/dev/null &&
	restore_ok now.bak "$TRASH/restored" &&
	grep -q "^coordinator: Coordination nationale$" restore.out &&
	cmp "$MERGER_HOME/coordinator.key" restored/coordinator.key &&
	test "$(stat -c %a restored)" = 700 &&
	test "$(stat -c %a restored/coordinator.key)" = 600 &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation labour --sex m --age adult --count 31 >/dev/null &&
	collector --home b add support --period 2026 --dept 13 --status supported \
		--exploitation sexual --sex f --age minor --count 9 >/dev/null &&
	export_bundle a a3.bundle && export_bundle b b2.bundle &&
	merger merge a3.bundle b2.bundle >/dev/null &&
	mkdir rc2 &&
	merger --home restored merge --receipts rc2 a3.bundle b2.bundle >out &&
	grep -q "^bundles merged: *2$" out &&
	merger report --period 2026 --format csv -o orig.csv &&
	merger --home restored report --period 2026 --format csv -o rest.csv &&
	cmp orig.csv rest.csv &&
	merger report --period 2026 >orig.txt &&
	merger --home restored report --period 2026 >rest.txt &&
	cmp orig.txt rest.txt &&
	grep -q "^2026,75,Paris,.*,4743," rest.csv
'

test_expect_success 'receipts of the restored home are accepted by the collectors' '
	for r in rc/*.receipt rc2/*.receipt; do
		collector --home a ack "$r" 2>/dev/null ||
		collector --home b ack "$r" 2>/dev/null || exit 1
	done &&
	collector --home a status | grep -q "^Le coordinateur a tout reçu.$" &&
	collector --home b status | grep -q "^Le coordinateur a tout reçu.$"
'

test_expect_success 'a restored home makes the same kit' '
	merger --home restored kit -o restored.kit 2>/dev/null &&
	merger kit -o orig.kit 2>/dev/null &&
	cmp orig.kit restored.kit
'

test_expect_success 'wrong passphrase: refused, nothing written' '
	test_exit_code 1 merger restore now.bak --home "$TRASH/w" --passphrase-fd 3 3<wrong 2>err &&
	test_one_line err "^merger: now.bak: wrong passphrase, or the backup.s header was altered \(nothing restored\)$" &&
	nothing_left "$TRASH/w"
'

test_expect_success 'truncated backups: refused, nothing written' '
	size=$(stat -c %s now.bak) &&
	for cut in 40 100 $((size / 2)) $((size - 22)) $((size - 1)); do
		head -c $cut now.bak >cut.bak &&
		test_must_fail merger restore cut.bak --home "$TRASH/t" \
			--passphrase-fd 3 3<pass 2>err &&
		test_one_line err "^merger: cut.bak: .*truncated.*\(nothing restored\)$" &&
		nothing_left "$TRASH/t" || exit 1
	done
'

test_expect_success 'altered backups: refused, nothing written' '
	size=$(stat -c %s now.bak) &&
	for at in 20 40 $((size / 2)) $((size - 3)); do
		cp now.bak alt.bak &&
		invert_byte alt.bak $at &&
		test_must_fail merger restore alt.bak --home "$TRASH/x" \
			--passphrase-fd 3 3<pass 2>err &&
		test_one_line err "^merger: alt.bak: .*(altered|damaged).*\(nothing restored\)$" &&
		nothing_left "$TRASH/x" || exit 1
	done &&
	cp now.bak long.bak && printf x >>long.bak &&
	test_must_fail merger restore long.bak --home "$TRASH/x" --passphrase-fd 3 3<pass 2>err &&
	test_one_line err "bytes after the backup.s end mark" &&
	nothing_left "$TRASH/x"
'

test_expect_success 'not a backup: said so before any passphrase' '
	test_exit_code 1 merger restore a1.bundle --home "$TRASH/y" 2>err </dev/null &&
	test_one_line err "^merger: a1.bundle: .*this is a bundle, not a backup" &&
	nothing_left "$TRASH/y"
'

test_expect_success 'restore into a home that is not empty: refused, untouched' '
	mkdir busy && echo mine >busy/notes.txt &&
	test_exit_code 4 merger restore now.bak --home busy --passphrase-fd 3 3<pass 2>err &&
	test_one_line err "^merger: busy: not empty; a backup is restored only into an empty or new folder" &&
	test "$(ls -A busy)" = notes.txt &&
	test_exit_code 4 merger restore now.bak --home "$MERGER_HOME" --passphrase-fd 3 3<pass 2>err &&
	test_one_line err "not empty"
'

test_expect_success 'restore into an existing empty folder' '
	mkdir empty &&
	restore_ok now.bak empty &&
	test -f empty/national.db && test -f empty/coordinator.key &&
	test -d empty/receipts && test -d empty/quarantine &&
	test "$(stat -c %a empty)" = 700
'

test_done
