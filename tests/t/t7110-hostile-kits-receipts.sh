#!/bin/sh
# Hostile files on the way back and at enrollment: broken and mutated kits
# (collector init leaves no home behind), receipts (collector ack changes
# nothing), enrollment requests (merger enroll changes nothing).  Each is
# refused on one line of stderr with exit 1.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

STEP=$(iterations 5 1)

# refused_init KIT: collector init with that kit fails on one line, exit
# 1, and leaves nothing behind (no home, no temporary folder).
refused_init() {
	case $1 in /*) _kit=$1 ;; *) _kit=$TRASH/$1 ;; esac
	rm -rf play && mkdir play &&
	(cd play && collector --home "$TRASH/play/newhome" init --kit "$_kit" --org "Essai" \
		--kind association --dept 75 >/dev/null 2>../init.err)
	_rc=$?
	test $_rc = 1 || { echo "$1: exit $_rc"; cat init.err; return 1; }
	test "$(wc -l <init.err)" = 1 || { echo "$1:"; cat init.err; return 1; }
	test -z "$(ls -A play)" || { echo "$1: left behind:"; ls -A play; return 1; }
}

test_expect_success 'setup: a coordinator, two collectors, receipts for both' '
	coordinator_setup &&
	new_collector ca "Association A" --kind association --dept 75 &&
	new_collector cb "Association B" --kind association --dept 93 &&
	enroll ca && enroll cb &&
	collector --home ca add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >/dev/null 2>&1 &&
	collector --home cb add support --period 2026 --dept 93 --status supported \
		--exploitation sexual --sex f --age adult --count 2 >/dev/null 2>&1 &&
	export_bundle ca a1.bundle && export_bundle cb b1.bundle &&
	merger merge --receipts "$TRASH/rc" a1.bundle b1.bundle >/dev/null 2>&1 &&
	ra=$(ls rc/association-a-*.receipt) && rb=$(ls rc/association-b-*.receipt) &&
	cp "$ra" a.receipt && cp "$rb" b.receipt &&
	figure "kit $(wc -c <coord.kit) bytes, receipt $(wc -c <a.receipt) bytes"
'

test_expect_success 'every broken sample kit: refused, no home left behind' '
	for k in "$SAMPLES"/broken/*.kit "$SAMPLES"/broken/*.bundle; do
		# not-a-bundle.bundle is a sound kit (a kit given as a bundle)
		test "${k##*/}" = not-a-bundle.bundle && continue
		refused_init "$k" || exit 1
	done &&
	! refused_init "$SAMPLES/broken/not-a-bundle.bundle" >/dev/null
'

test_expect_success 'a bit flipped in the kit: refused, no home left behind' '
	mkdir kflips && mutate flips coord.kit kflips $STEP 16 16 &&
	n=0 &&
	for k in kflips/*; do
		refused_init "$k" || exit 1
		n=$((n + 1))
	done &&
	figure "$n kits tried" && test $n -gt 30
'

test_expect_success 'a kit cut short or lengthened: refused, no home left behind' '
	mkdir kcuts && mutate cuts coord.kit kcuts &&
	rm kcuts/cut-$(printf %08d $(wc -c <coord.kit)).kit 2>/dev/null;
	mutate append coord.kit kcuts/plus1.kit 1 &&
	mutate append coord.kit kcuts/plus100.kit 100 65 &&
	head -c 5000 /dev/zero >kcuts/zeros.kit &&
	for k in kcuts/*; do
		refused_init "$k" || exit 1
	done
'

test_expect_success 'a kit that is a folder, a device, missing: no home left behind' '
	mkdir folder.kit &&
	for k in folder.kit /dev/null missing.kit; do
		rm -rf play && mkdir play &&
		(cd play && test_must_fail collector --home "$TRASH/play/newhome" init \
			--kit "$TRASH/$k" --org "Essai" --kind association --dept 75 \
			>/dev/null 2>../err) || exit 1
		test "$(wc -l <err)" = 1 || exit 1
		test -z "$(ls -A play)" || exit 1
	done
'

# refused_acks DIR: collector ack of the files of DIR (a hundred at a
# time) refuses each on its own line, exit 1, and the store does not
# change.
refused_acks() {
	store_state ca/store.db st.before &&
	: >ack.err &&
	ls "$1" | sed "s|^|$1/|" | split -l 100 - batch. &&
	for _b in batch.*; do
		collector --home ca ack $(cat "$_b") >/dev/null 2>>ack.err
		_rc=$?
		rm -f "$_b"
		test $_rc = 1 || { echo "exit $_rc"; tail -3 ack.err; return 1; }
	done &&
	test "$(wc -l <ack.err)" = "$(ls "$1" | wc -l)" || { cat ack.err; return 1; }
	! grep -q Sanitizer ack.err &&
	store_state ca/store.db st.after &&
	test_cmp st.before st.after &&
	figure "$1: $(ls "$1" | wc -l) receipts, each refused, store unchanged"
}

test_expect_success 'a bit flipped in a receipt, cuts, appends: each refused, store unchanged' '
	mkdir rflips && mutate flips a.receipt rflips $STEP 100 80 &&
	mutate cuts a.receipt rflips &&
	rm rflips/cut-$(printf %08d $(wc -c <a.receipt)).receipt 2>/dev/null;
	mutate append a.receipt rflips/plus1.receipt 1 &&
	mutate append a.receipt rflips/plus2.receipt 2 10 &&
	refused_acks rflips
'

test_expect_success 'receipts of another collector, another coordinator, samples: refused' '
	mkdir rother && cp b.receipt rother/ &&
	MERGER_HOME="$TRASH/other" merger init --name "Autre" >/dev/null &&
	MERGER_HOME="$TRASH/other" merger kit -o other.kit 2>/dev/null &&
	cp "$SAMPLES"/broken/*.receipt "$SAMPLES"/vectors/records.receipt rother/ &&
	cp a1.bundle rother/bundle-as.receipt &&
	cp coord.kit rother/kit-as.receipt &&
	refused_acks rother &&
	grep -q "b.receipt : cet accusé de réception concerne un autre poste" ack.err
'

test_expect_success 'the check can fail: the real receipt changes the store' '
	store_state ca/store.db st.before &&
	collector --home ca ack a.receipt 2>/dev/null &&
	store_state ca/store.db st.after &&
	! test_cmp st.before st.after >/dev/null &&
	collector --home ca ack a.receipt 2>err &&
	grep -q "déjà appliqué" err
'

test_expect_success 'broken and mutated enrollment requests: refused, database unchanged' '
	collector --home cc init --kit coord.kit --org "Association C" --kind association \
		--dept 13 >/dev/null 2>&1 &&
	collector --home cc request -o c.request 2>/dev/null &&
	mkdir qbad && mutate flips c.request qbad $((STEP * 3)) 60 40 &&
	mutate cuts c.request qbad &&
	rm qbad/cut-$(printf %08d $(wc -c <c.request)).request 2>/dev/null;
	mutate append c.request qbad/plus1.request 1 &&
	cp "$SAMPLES"/broken/*.request qbad/ && cp a1.bundle qbad/bundle-as.request &&
	cp coord.kit qbad/kit-as.request &&
	dump pre.sql &&
	n=0 &&
	for q in qbad/*; do
		merger enroll --yes "$q" >/dev/null 2>err
		rc=$?
		test $rc = 1 || { echo "$q: exit $rc"; cat err; exit 1; }
		test "$(wc -l <err)" = 1 || { echo "$q:"; cat err; exit 1; }
		n=$((n + 1))
	done &&
	figure "$n requests tried" &&
	dump post.sql && test_cmp pre.sql post.sql &&
	merger enroll --yes c.request >/dev/null 2>&1 &&
	dump post.sql && ! test_cmp pre.sql post.sql >/dev/null
'

test_done
