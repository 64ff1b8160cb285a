#!/bin/sh
# Temporary files "<name>.XXXXXX.tmp" that a killed run left behind are
# removed at the next start of the program that owns the folder (merger:
# its home, receipts/, quarantine/; collector: its home), but never a file
# still being written (locked by its writer, or touched within the last
# minute), nor a file of another name, nor anything in a folder that is not
# an initialised home.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

# backdate FILE...: last modified two minutes ago.
backdate() {
	touch -d "@$(($(date +%s) - 120))" "$@"
}

test_expect_success 'setup' '
	coordinator_setup &&
	new_collector a "Alpha" && enroll a &&
	collector --home a add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >/dev/null &&
	export_bundle a a1.bundle
'

test_expect_success 'a merge killed while writing its receipt leaves a temporary file' '
	with_shim LC_ALL=en_GB.UTF-8 FAILIO_PATH="merger-home/receipts/" FAILIO_KILL_AT=1 \
		merger merge a1.bundle >/dev/null 2>&1
	ls "$MERGER_HOME/receipts" >left &&
	grep -q "^alpha-.*\.receipt\.[A-Za-z0-9]\{6\}\.tmp$" left
'

test_expect_success 'the next merger command removes it, once it is old' '
	merger collectors >/dev/null &&
	test -n "$(ls "$MERGER_HOME/receipts")" &&
	backdate "$MERGER_HOME"/receipts/*.tmp &&
	merger collectors >/dev/null &&
	test -z "$(ls "$MERGER_HOME/receipts")"
'

test_expect_success 'strays in the home and quarantine/ too; other names are kept' '
	h=$MERGER_HOME &&
	touch "$h/coordinator.key.Ab3dE9.tmp" "$h/quarantine/x.bundle.zzzzzz.tmp" \
		"$h/notes.tmp" "$h/quarantine/a.b.tmp" "$h/keep.Ab3dE!.tmp" &&
	backdate "$h"/*.tmp "$h"/quarantine/*.tmp &&
	merger collectors >/dev/null &&
	test ! -e "$h/coordinator.key.Ab3dE9.tmp" &&
	test ! -e "$h/quarantine/x.bundle.zzzzzz.tmp" &&
	test -e "$h/notes.tmp" && test -e "$h/quarantine/a.b.tmp" &&
	test -e "$h/keep.Ab3dE!.tmp" &&
	rm "$h/notes.tmp" "$h/quarantine/a.b.tmp" "$h/keep.Ab3dE!.tmp"
'

test_expect_success 'a file its writer still holds is kept' '
	f="$MERGER_HOME/receipts/r.receipt.Held01.tmp"
	touch "$f" && backdate "$f" || exit 1
	flock "$f" sh -c "touch held; sleep 3" &
	while [ ! -e held ]; do sleep 0.1; done
	merger collectors >/dev/null &&
	test -e "$f" &&
	wait &&
	merger collectors >/dev/null &&
	test ! -e "$f"
'

test_expect_success 'the merge then completes and writes its receipt' '
	merger merge a1.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	ls "$MERGER_HOME/receipts" | grep -q "^alpha-.*\.receipt$"
'

test_expect_success 'the collector cleans its own home' '
	touch a/kit.Zz9Yy8.tmp a/other.tmp && backdate a/*.tmp &&
	collector --home a status >/dev/null &&
	test ! -e a/kit.Zz9Yy8.tmp && test -e a/other.tmp
'

test_expect_success 'a folder that is not an initialised home is left alone' '
	mkdir plain && touch plain/file.Ab3dE9.tmp && backdate plain/file.Ab3dE9.tmp &&
	test_must_fail merger --home plain collectors 2>/dev/null &&
	test_must_fail collector --home plain status 2>/dev/null &&
	test -e plain/file.Ab3dE9.tmp
'

test_done
