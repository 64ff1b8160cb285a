#!/bin/sh
# Crash consistency of the collector: export, ack and import killed with
# SIGKILL at random moments and at chosen system calls.  The store stays
# intact and in a state of before or after the command (never between);
# no partial bundle is left where the output was to be; running the
# command again completes the work and nothing is lost.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

KILLS=$(iterations 6 100)
POINTS=$(iterations 10 150)

# The records of a store (id, version, deleted) and what the coordinator
# acknowledged: what export must never change and import changes whole.
records() {
	sqlite3 "$1" "PRAGMA integrity_check" >"$2" &&
	collector --home "$(dirname "$1")" list --format json >>"$2" 2>/dev/null
}

# kill_after MS CMD...: runs CMD in the background, SIGKILL after MS.
kill_after() {
	_ms=$1
	shift
	"$@" >/dev/null 2>&1 &
	_pid=$!
	sleep_ms "$_ms"
	kill -9 $_pid 2>/dev/null
	wait $_pid
}

test_expect_success 'setup: a collector with 800 support counts and 150 actions' '
	coordinator_setup &&
	new_collector big "Grande association" --kind association --dept 75 &&
	enroll big &&
	support_csv 800 1 >s.csv &&
	action_csv 150 "une note assez longue pour peser dans le paquet" >a.csv &&
	collector --home big import s.csv 2>/dev/null &&
	collector --home big import a.csv 2>/dev/null &&
	cp -R big big.pristine &&
	records big/store.db before &&
	start=$(now_ms) &&
	export_bundle big "$TRASH/ref.bundle" &&
	echo $(($(now_ms) - start)) >export.ms &&
	figure "export: $(cat export.ms) ms, $(wc -c <ref.bundle) bytes" &&
	rm -rf big && cp -R big.pristine big
'

# after_export DIR FILE: the store is intact with its records unchanged;
# FILE is absent or a whole bundle; a new export then succeeds and the
# merger takes every record of the store.
after_export() {
	records "$1/store.db" "$1.records" &&
	test_cmp before "$1.records" &&
	no_temp_files "$TRASH/$2" &&
	if test -e "$2"; then
		merger verify "$2" >/dev/null || { echo "partial bundle left: $2"; return 1; }
	fi &&
	collector --home "$1" export -o "$2.again" 2>/dev/null &&
	merger verify "$2.again" >verify.out &&
	grep -q "ok (951 records" verify.out
}

test_expect_success "export killed at $KILLS random moments" '
	total=$(cat export.ms) &&
	i=0 &&
	while [ $i -lt $KILLS ]; do
		rm -rf k k.bundle* && cp -R big.pristine k &&
		delay=$(( total * i / KILLS + $(rand $((total / KILLS + 1))) ))
		kill_after $delay collector --home k export -o "$TRASH/k.bundle"
		echo "# killed after $delay ms: $(test -e k.bundle && echo file || echo no file)"
		after_export k k.bundle || { echo "failed after a kill at $delay ms"; exit 1; }
		i=$((i + 1))
	done
'

test_expect_success "export killed at $POINTS chosen writes, fsyncs and renames" '
	rm -rf c && cp -R big.pristine c &&
	with_shim FAILIO_PATH="$TRASH/c" FAILIO_COUNT_FILE="$TRASH/events" \
		collector --home "$TRASH/c" export -o "$TRASH/c.bundle" 2>/dev/null &&
	events=$(cat events) && figure "$events changes to files in one export" &&
	at=1 &&
	while [ $at -le $events ]; do
		rm -rf c c.bundle* && cp -R big.pristine c &&
		with_shim FAILIO_PATH="$TRASH/c" FAILIO_KILL_AT=$at \
			collector --home "$TRASH/c" export -o "$TRASH/c.bundle" >/dev/null 2>&1
		test $? = 137 || { echo "not killed at change $at"; exit 1; }
		after_export c c.bundle || { echo "failed after a kill at change $at"; exit 1; }
		at=$((at + (events + POINTS - 1) / POINTS))
	done
'

# wkill AT: a fresh copy of the store in w, its export killed at change AT.
wkill() {
	rm -rf w w.bundle* && cp -R big.pristine w &&
	with_shim FAILIO_PATH="$TRASH/w" FAILIO_KILL_AT=$1 \
		collector --home "$TRASH/w" export -o "$TRASH/w.bundle" >/dev/null 2>&1
	test -e w.bundle
}

test_expect_success 'killed just after its bundle is in place, the export is still sound' '
	rm -rf w && cp -R big.pristine w && rm -f events &&
	with_shim FAILIO_PATH="$TRASH/w" FAILIO_COUNT_FILE="$TRASH/events" \
		collector --home "$TRASH/w" export -o "$TRASH/w.bundle" 2>/dev/null &&
	# the first kill point at which the bundle exists (binary search):
	# the store has not necessarily recorded the export yet
	lo=1 hi=$(cat events) &&
	while [ $lo -lt $hi ]; do
		mid=$(( (lo + hi) / 2 ))
		if wkill $mid; then hi=$mid; else lo=$((mid + 1)); fi
	done &&
	wkill $lo &&
	figure "bundle in place from change $lo; exports recorded:" \
		"$(sqlite3 w/store.db "SELECT count(*) FROM export")" &&
	merger verify w.bundle >/dev/null &&
	collector --home w export -o w2.bundle 2>/dev/null &&
	rm -rf mh2 && cp -R "$MERGER_HOME" mh2 &&
	MERGER_HOME="$TRASH/mh2" merger merge --receipts "$TRASH/w-rc" w.bundle w2.bundle \
		>w.out 2>w.err &&
	grep -q "^bundles merged: *2$" w.out &&
	test $(ls w-rc/*.receipt | wc -l) = 2 &&
	collector --home w ack w-rc/*.receipt 2>w.ack &&
	collector --home w status >w.status 2>&1 &&
	grep -q "Le coordinateur a tout reçu" w.status
'

test_expect_success 'setup: three receipts to apply, the state after each' '
	new_collector a "Petite association" --kind association --dept 75 &&
	enroll a &&
	support_csv 30 2 >s30.csv &&
	collector --home a import s30.csv 2>/dev/null &&
	collector --home a export -o a1.bundle 2>/dev/null &&
	collector --home a add support --period 2026 --dept 93 --status spotted \
		--exploitation labour --sex m --age minor --count 4 >/dev/null 2>&1 &&
	collector --home a export -o a2.bundle 2>/dev/null &&
	collector --home a add training --date 2026-03-02 --dept 75 --audience police \
		--participants 12 >/dev/null 2>&1 &&
	collector --home a export -o a3.bundle 2>/dev/null &&
	merger merge --receipts "$TRASH/arc" a1.bundle a2.bundle a3.bundle >/dev/null 2>&1 &&
	ls arc/*.receipt >receipts && test $(wc -l <receipts) = 3 &&
	cp -R a a.pristine &&
	store_state a/store.db ack.0 &&
	n=1 &&
	for r in $(cat receipts); do
		collector --home a ack "$r" 2>/dev/null || exit 1
		store_state a/store.db ack.$n
		n=$((n + 1))
	done &&
	! test_cmp ack.0 ack.3 >/dev/null
'

# after_ack DIR: the store is in the state of before or after one of the
# receipts (each applies whole), then the same command completes it.
after_ack() {
	store_state "$1/store.db" "$1.state" &&
	{ cmp -s ack.0 "$1.state" || cmp -s ack.1 "$1.state" || cmp -s ack.2 "$1.state" ||
	  cmp -s ack.3 "$1.state" || { echo "store between two states:";
	  diff ack.3 "$1.state"; return 1; }; } &&
	collector --home "$1" ack $(cat receipts) 2>/dev/null &&
	store_state "$1/store.db" "$1.state" &&
	test_cmp ack.3 "$1.state"
}

test_expect_success "ack killed at $POINTS chosen changes" '
	rm -rf c && cp -R a.pristine c &&
	rm -f events &&
	with_shim FAILIO_PATH="$TRASH/c" FAILIO_COUNT_FILE="$TRASH/events" \
		collector --home "$TRASH/c" ack $(cat receipts) 2>/dev/null &&
	events=$(cat events) && figure "$events changes to files in one ack" &&
	at=1 &&
	while [ $at -le $events ]; do
		rm -rf c && cp -R a.pristine c &&
		with_shim FAILIO_PATH="$TRASH/c" FAILIO_KILL_AT=$at \
			collector --home "$TRASH/c" ack $(cat receipts) >/dev/null 2>&1
		test $? = 137 || { echo "not killed at change $at"; exit 1; }
		after_ack c || { echo "failed after a kill at change $at"; exit 1; }
		at=$((at + (events + POINTS - 1) / POINTS))
	done
'

test_expect_success "ack killed at $KILLS random moments" '
	i=0 &&
	while [ $i -lt $KILLS ]; do
		rm -rf k && cp -R a.pristine k &&
		delay=$(( 150 * i / KILLS + $(rand 20) ))
		kill_after $delay collector --home k ack $(cat receipts)
		after_ack k || { echo "failed after a kill at $delay ms"; exit 1; }
		i=$((i + 1))
	done
'

test_expect_success 'setup: an import of 600 rows, its reference' '
	support_csv 600 7 >imp.csv &&
	rm -rf r && cp -R big.pristine r &&
	start=$(now_ms) &&
	collector --home r import imp.csv 2>/dev/null &&
	echo $(($(now_ms) - start)) >import.ms &&
	records r/store.db import.after &&
	! test_cmp before import.after >/dev/null
'

# after_import DIR: all rows or none, then the import again gives the
# reference.
after_import() {
	records "$1/store.db" "$1.records" &&
	{ cmp -s before "$1.records" || cmp -s import.after "$1.records" ||
	  { echo "import left half of its rows"; return 1; }; } &&
	collector --home "$1" import imp.csv 2>/dev/null &&
	records "$1/store.db" "$1.records" &&
	test_cmp import.after "$1.records"
}

test_expect_success "import killed at $KILLS random moments" '
	total=$(cat import.ms) &&
	i=0 &&
	while [ $i -lt $KILLS ]; do
		rm -rf k && cp -R big.pristine k &&
		delay=$(( total * i / KILLS + $(rand $((total / KILLS + 1))) ))
		kill_after $delay collector --home k import imp.csv
		after_import k || { echo "failed after a kill at $delay ms"; exit 1; }
		i=$((i + 1))
	done
'

test_expect_success "import killed at $POINTS chosen changes" '
	rm -rf c && cp -R big.pristine c && rm -f events &&
	with_shim FAILIO_PATH="$TRASH/c" FAILIO_COUNT_FILE="$TRASH/events" \
		collector --home "$TRASH/c" import imp.csv 2>/dev/null &&
	events=$(cat events) && figure "$events changes to files in one import" &&
	at=1 &&
	while [ $at -le $events ]; do
		rm -rf c && cp -R big.pristine c &&
		with_shim FAILIO_PATH="$TRASH/c" FAILIO_KILL_AT=$at \
			collector --home "$TRASH/c" import imp.csv >/dev/null 2>&1
		test $? = 137 || { echo "not killed at change $at"; exit 1; }
		after_import c || { echo "failed after a kill at change $at"; exit 1; }
		at=$((at + (events + POINTS - 1) / POINTS))
	done
'

test_done
