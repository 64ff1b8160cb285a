#!/bin/sh
# Two commands at once on one home: two merges of different bundles, a
# merge while reports are read, two `collector add`, two `init`.  Each
# finishes, or says the database is busy with exit 4; nothing is lost,
# nothing is counted twice, and the database stays intact.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

RUNS=$(iterations 3 30)
PAIRS=$(iterations 8 100)

# json_ok FILE: FILE is valid JSON (python3 when present, otherwise a
# non-empty file that starts with { and ends with }).
json_ok() {
	if command -v python3 >/dev/null 2>&1; then
		python3 -c "import json, sys; json.load(open(sys.argv[1]))" "$1"
	else
		test "$(head -c 1 "$1")" = "{" && test "$(tail -c 2 "$1" | head -c 1)" = "}"
	fi
}

test_expect_success 'setup: 12 bundles of three collectors, the reference merge' '
	coordinator_setup &&
	make_bundles bundles 4 &&
	mkdir ab c && mv bundles/*-ca.bundle bundles/*-cb.bundle ab/ && mv bundles/*-cc.bundle c/ &&
	cp -R "$MERGER_HOME" pristine &&
	merger merge --receipts "$TRASH/ref-rc" ab c >/dev/null 2>&1 &&
	state "$MERGER_HOME/national.db" ref.state
'

# one_merge DIR FOLDER TAG: merge FOLDER into DIR/home; exit status in
# DIR/TAG.rc, stderr in DIR/TAG.err.
one_merge() {
	MERGER_HOME="$TRASH/$1/home" merger merge --receipts "$TRASH/$1/rc" "$2" \
		>"$1/$3.out" 2>"$1/$3.err"
	echo $? >"$1/$3.rc"
}

test_expect_success "two merges at once on one home, $RUNS times" '
	i=0 &&
	while [ $i -lt $RUNS ]; do
		rm -rf p && mkdir p && cp -R pristine p/home || exit 1
		one_merge p ab first &
		one_merge p c second &
		wait
		for t in first second; do
			rc=$(cat p/$t.rc)
			case $rc in
			0) test ! -s p/$t.err || { cat p/$t.err; exit 1; } ;;
			4) grep -q "busy" p/$t.err || { cat p/$t.err; exit 1; }
			   echo "# $t said busy; merging again"
			   one_merge p $( [ $t = first ] && echo ab || echo c ) $t.again
			   test "$(cat p/$t.again.rc)" = 0 || exit 1 ;;
			*) echo "$t: exit $rc"; cat p/$t.err; exit 1 ;;
			esac
		done
		integrity p/home/national.db &&
		state p/home/national.db p/state &&
		test_cmp ref.state p/state &&
		test $(ls p/rc | wc -l) = 12 || exit 1
		i=$((i + 1))
	done
'

test_expect_success 'a merge while reports are being read' '
	rm -rf q && mkdir q && cp -R pristine q/home &&
	MERGER_HOME="$TRASH/q/home" merger merge --receipts "$TRASH/q/rc" ab >/dev/null 2>&1 ||
		exit 1
	(
		n=0
		while [ $n -lt 15 ]; do
			MERGER_HOME="$TRASH/q/home" merger report --format json >q/report.$n.json \
				2>q/report.$n.err || echo "report $n failed" >>q/failures
			n=$((n + 1))
		done
	) &
	readers=$!
	one_merge q c merge
	wait $readers
	test "$(cat q/merge.rc)" = 0 &&
	test ! -e q/failures &&
	for j in q/report.*.json; do
		json_ok "$j" || { echo "$j is not JSON"; exit 1; }
	done &&
	state q/home/national.db q/state &&
	test_cmp ref.state q/state
'

test_expect_success "two collector add at once, $PAIRS times: both land or one is busy" '
	new_collector solo "Association seule" --kind association --dept 75 &&
	before=$(collector --home solo list support --format csv 2>/dev/null | wc -l) &&
	ok=0 busy=0 i=0 &&
	while [ $i -lt $PAIRS ]; do
		for side in 1 2; do
			(collector --home solo add support --period 2026-0$((side + 1)) \
				--dept 75 --status supported --exploitation sexual --sex f \
				--age adult --count $((i + 1)) >/dev/null 2>add.$side.err
			 echo $? >add.$side.rc) &
		done
		wait
		for side in 1 2; do
			case $(cat add.$side.rc) in
			0) ok=$((ok + 1)) ;;
			4) grep -q "occupée\|busy" add.$side.err || { cat add.$side.err; exit 1; }
			   busy=$((busy + 1)) ;;
			*) cat add.$side.err; exit 1 ;;
			esac
		done
		i=$((i + 1))
	done &&
	figure "$ok saved, $busy busy" &&
	integrity solo/store.db &&
	# the same two natural keys each time: the last count of each stays
	after=$(collector --home solo list support --format csv 2>/dev/null | wc -l) &&
	test $after = $((before + 2)) &&
	collector --home solo list support --format csv 2>/dev/null | tr -d "\r" |
		grep -q ",$PAIRS$" &&
	test $(sqlite3 solo/store.db "SELECT count(*) FROM history") = $((ok - 2))
'

test_expect_success 'two merger init at once: one home, whole, the other refused' '
	i=0 &&
	while [ $i -lt $RUNS ]; do
		rm -rf ih && mkdir ih || exit 1
		(MERGER_HOME="$TRASH/ih/home" merger init >/dev/null 2>ih/1.err; echo $? >ih/1.rc) &
		(MERGER_HOME="$TRASH/ih/home" merger init >/dev/null 2>ih/2.err; echo $? >ih/2.rc) &
		wait
		rcs=$(cat ih/1.rc ih/2.rc | sort | tr "\n" " ") &&
		echo "# exits: $rcs" &&
		case "$rcs" in "0 4 "|"0 3 ") ;; *) cat ih/*.err; exit 1 ;; esac
		MERGER_HOME="$TRASH/ih/home" merger kit -o ih/k.kit 2>/dev/null &&
		integrity ih/home/national.db &&
		test "$(stat -c %a ih/home/coordinator.key)" = 600 || exit 1
		i=$((i + 1))
	done
'

test_expect_success 'two collector init at once: one home, whole, the other refused' '
	i=0 &&
	while [ $i -lt $RUNS ]; do
		rm -rf ch && mkdir ch || exit 1
		for n in 1 2; do
			(collector --home "$TRASH/ch/home" init --kit coord.kit --org "Org $n" \
				--kind association --dept 75 >/dev/null 2>ch/$n.err
			 echo $? >ch/$n.rc) &
		done
		wait
		rcs=$(cat ch/1.rc ch/2.rc | sort | tr "\n" " ") &&
		echo "# exits: $rcs" &&
		case "$rcs" in "0 4 "|"0 3 ") ;; *) cat ch/*.err; exit 1 ;; esac
		collector --home ch/home status >/dev/null 2>&1 &&
		integrity ch/home/store.db &&
		test "$(ls -A ch)" = "$(printf "1.err\n1.rc\n2.err\n2.rc\nhome")" ||
			{ ls -A ch; exit 1; }
		i=$((i + 1))
	done
'

test_done
