#!/bin/sh
# Crash consistency of merger merge: a merge of two dozen bundles killed
# with SIGKILL, at random moments and at chosen system calls, then run
# again to completion, ends in exactly the state of an uninterrupted merge
# (nothing lost, nothing counted twice), with the same receipts.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

KILLS=$(iterations 10 200)
POINTS=$(iterations 8 120)

test_expect_success 'setup: 24 bundles from three collectors, a reference merge' '
	coordinator_setup &&
	make_bundles bundles 8 &&
	test $(ls bundles | wc -l) = 24 &&
	cp -R "$MERGER_HOME" pristine &&
	start=$(now_ms) &&
	merger merge --receipts "$TRASH/ref-rc" bundles >ref.out 2>ref.err &&
	echo $(($(now_ms) - start)) >ref.ms &&
	test ! -s ref.err &&
	grep -q "^bundles merged: *24$" ref.out &&
	state "$MERGER_HOME/national.db" ref.state &&
	merger report --period 2026 --format json >ref.json &&
	merger gaps --period 2026 >ref.gaps &&
	mv "$MERGER_HOME" ref-home &&
	test $(ls ref-rc | wc -l) = 24
'

# attempt DIR: a fresh copy of the pristine home in DIR/home, receipts in
# DIR/rc.
fresh() {
	rm -rf "$1" && mkdir "$1" && cp -R pristine "$1/home"
}

# finish DIR: after a crash, the database is intact; merging the same
# folder again completes the work; the end state, the report and the
# receipts are those of the reference run.
finish() {
	integrity "$1/home/national.db" &&
	MERGER_HOME="$TRASH/$1/home" merger merge --receipts "$TRASH/$1/rc" bundles \
		>"$1/out" 2>"$1/err" || { cat "$1/err"; return 1; }
	test ! -s "$1/err" &&
	grep -q "^bundles refused: *0$" "$1/out" &&
	state "$1/home/national.db" "$1/state" &&
	test_cmp ref.state "$1/state" &&
	MERGER_HOME="$TRASH/$1/home" merger report --period 2026 --format json >"$1/json" &&
	test_cmp ref.json "$1/json" &&
	MERGER_HOME="$TRASH/$1/home" merger gaps --period 2026 >"$1/gaps" &&
	test_cmp ref.gaps "$1/gaps" &&
	ls "$1/rc" | grep -v "\.tmp$" >"$1/receipts" &&
	ls ref-rc >ref.receipts &&
	test_cmp ref.receipts "$1/receipts" &&
	for r in ref-rc/*; do
		cmp "$r" "$1/rc/${r#ref-rc/}" || return 1
	done &&
	test -z "$(ls "$1/home/quarantine")"
}

test_expect_success "merge killed at $KILLS random moments, then completed" '
	total=$(cat ref.ms) && figure "reference merge of 24 bundles: $total ms" &&
	i=0 none=0 some=0 all=0 &&
	while [ $i -lt $KILLS ]; do
		# spread over the whole run, plus jitter; the start-up of the
		# program (before the first bundle) is included on purpose
		delay=$(( total * i / KILLS + $(rand $((total / KILLS + 1))) ))
		fresh k || exit 1
		# "command": the program itself in the background, so that $!
		# is its pid (the merger() wrapper would run in a subshell, and
		# the kill would leave the program running)
		LC_ALL=en_GB.UTF-8 MERGER_HOME="$TRASH/k/home" command merger merge \
			--receipts "$TRASH/k/rc" bundles >k/out1 2>k/err1 &
		pid=$!
		sleep_ms $delay
		kill -9 $pid 2>/dev/null
		wait $pid
		merged=$(sqlite3 k/home/national.db "SELECT count(*) FROM bundle") &&
		echo "# kill after $delay ms: $merged bundles were committed" &&
		finish k || { echo "failed after a kill at $delay ms"; exit 1; }
		case $merged in 0) none=$((none + 1)) ;; 24) all=$((all + 1)) ;;
		*) some=$((some + 1)) ;; esac
		i=$((i + 1))
	done &&
	figure "$KILLS kills at random moments: $none before the first commit," \
		"$some between, $all after the last; every state then completed to the reference"
'

test_expect_success "merge killed at $POINTS chosen writes, fsyncs and renames" '
	fresh c &&
	with_shim FAILIO_PATH="$TRASH/c/" FAILIO_COUNT_FILE="$TRASH/events" \
		env LC_ALL=en_GB.UTF-8 MERGER_HOME="$TRASH/c/home" merger merge --receipts "$TRASH/c/rc" bundles \
		>/dev/null 2>&1 &&
	events=$(cat events) && figure "$events changes to files in an uninterrupted merge" &&
	test "$events" -gt 100 &&
	i=0 &&
	while [ $i -lt $POINTS ]; do
		at=$(( events * i / POINTS + 1 + $(rand $((events / POINTS + 1))) )) &&
		fresh c &&
		with_shim FAILIO_PATH="$TRASH/c/" FAILIO_KILL_AT=$at \
			env LC_ALL=en_GB.UTF-8 MERGER_HOME="$TRASH/c/home" merger merge --receipts "$TRASH/c/rc" \
			bundles >c/out1 2>c/err1
		rc=$?
		test $rc = 137 || { echo "not killed at change $at (exit $rc)"; exit 1; }
		finish c || { echo "failed after a kill at change $at of $events"; exit 1; }
		i=$((i + 1))
	done &&
	figure "$POINTS kills at chosen changes, spread over the $events of a merge"
'

test_expect_success 'the check can fail: a bundle left out changes the state' '
	fresh x && mkdir x/some && cp bundles/* x/some/ && rm x/some/r5-cb.bundle &&
	MERGER_HOME="$TRASH/x/home" merger merge --receipts "$TRASH/x/rc" x/some \
		>/dev/null 2>&1 &&
	state x/home/national.db x/state &&
	! test_cmp ref.state x/state >/dev/null
'

test_done
