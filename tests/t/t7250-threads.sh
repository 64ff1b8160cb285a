#!/bin/sh
# The merger's two threads (merger/feed.c) under ThreadSanitizer, on a
# build of its own (build/tsan, made here from the sources): bundles large
# enough for the ring of records to wrap many times and the receipts to be
# flushed while their records are read, verify (no receipt), an old bundle
# merged late, and a receipt that cannot be written, which stops the
# reading thread midway.  Any data race fails the test.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

TS_BUILD="$MAILLAGE_SRC/build/tsan"

# ts NAME [VAR=VALUE...] ARGS...: the ThreadSanitizer merger, with those
# variables in its environment; its reports in ts/NAME.log.  The exit
# status is the merger's, or 66 for a report.
ts() {
	_name=$1
	shift
	_env=
	while [ $# -gt 0 ]; do
		case $1 in
		*=*) _env="$_env $1"; shift ;;
		*) break ;;
		esac
	done
	# shellcheck disable=SC2086 # the assignments are words of their own
	env LC_ALL=en_GB.UTF-8 $_env TSAN_OPTIONS="halt_on_error=1 exitcode=66 log_path=$TRASH/ts/$_name.log" \
		"$TS_BUILD/merger" "$@"
	_rc=$?
	if [ $_rc = 66 ] || ls "$TRASH/ts/$_name.log".* >/dev/null 2>&1; then
		echo "ThreadSanitizer: $_name:" >&2
		cat "$TRASH/ts/$_name.log".* >&2
		return 66
	fi
	return $_rc
}

# A ring of 64 records (1,024 in the programs): these bundles wrap it
# many times.
test_expect_success 'setup: a ThreadSanitizer build of the merger' '
	mkdir ts &&
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$MAILLAGE_SRC" BUILD=build/tsan \
		CFLAGS="-O1 -g -fsanitize=thread -DFEED_SLOTS=64" LDFLAGS="-fsanitize=thread" \
		build/tsan/merger >build.log 2>&1 || { tail -20 build.log; exit 1; }
'

# Some kernels map memory where gcc 12's ThreadSanitizer cannot work.
if ! "$TS_BUILD/merger" --version >/dev/null 2>&1; then
	test_skip 'the threads under ThreadSanitizer' \
		"this system cannot run ThreadSanitizer programs"
	test_done
fi

test_expect_success 'setup: three collectors, 800 to 1,300 records each' '
	coordinator_setup &&
	for c in ca cb cc; do
		new_collector $c "Association $c" --kind association --dept 75 || exit 1
		enroll $c || exit 1
	done &&
	support_csv 1200 1 >s1.csv && support_csv 700 2 >s2.csv &&
	action_csv 100 "notes" >a.csv &&
	collector --home ca import s1.csv 2>/dev/null &&
	collector --home ca import a.csv 2>/dev/null &&
	collector --home cb import s2.csv 2>/dev/null &&
	collector --home cc import s1.csv 2>/dev/null &&
	mkdir in late &&
	for c in ca cb cc; do
		export_bundle $c in/$c-1.bundle || exit 1
	done &&
	id=$(collector --home cb list support --format csv | sed -n 2p | cut -d, -f1) &&
	collector --home cb edit "$id" --count 77 >/dev/null 2>&1 &&
	export_bundle cb in/cb-2.bundle &&
	mv in/cb-1.bundle late/
'

test_expect_success 'verify, then merge: no race, every record in' '
	ts verify verify in >out 2>err &&
	test "$(grep -c ": ok" out)" = 3 &&
	ts merge merge --receipts rc in >out 2>err &&
	grep -q "^bundles merged: *3$" out &&
	test "$(ls rc | wc -l)" = 3 &&
	test "$(sql "SELECT count(*) FROM support")" = $((1200 + 700 + 1200)) &&
	test "$(sql "SELECT count FROM support s JOIN record r ON r.id = s.id
		WHERE r.version = 2")" = 77
'

test_expect_success 'an old bundle merged late, and merged again' '
	ts late merge --receipts rc late >out 2>err &&
	grep -q "^bundles merged: *1$" out && grep -q "^records unchanged: *701$" out &&
	ts again merge --receipts rc in/ca-1.bundle >out 2>err &&
	grep -q "already merged" out
'

# The reading thread opens the next input once the records of a bundle
# are read: a file cut in its header, an altered block and a missing file
# between good bundles are found and reported in their turn, as when each
# is opened by the merge itself.
test_expect_success 'inputs opened ahead: broken ones between good ones' '
	collector --home cc import s2.csv 2>/dev/null &&
	export_bundle cc mix-cc.bundle &&
	collector --home cb import a.csv 2>/dev/null &&
	export_bundle cb mix-cb.bundle &&
	mkdir mix &&
	cp mix-cc.bundle mix/1.bundle &&
	head -c 40 mix-cb.bundle >mix/2.bundle &&
	cp mix-cb.bundle mix/3.bundle && invert_byte mix/3.bundle 300 &&
	cp mix-cb.bundle mix/5.bundle &&
	ts mix merge --receipts rc mix/1.bundle mix/2.bundle mix/3.bundle mix/4.bundle \
		mix/5.bundle >out 2>err
	test $? = 3 &&
	grep -q "^bundles merged: *2$" out && grep -q "^bundles refused: *2$" out &&
	grep -q "^bundles unreadable: *1$" out &&
	grep -q "^merger: mix/2.bundle: truncated bundle: 40 bytes, shorter than the smallest" err &&
	grep -q "^merger: mix/3.bundle: block 1 of the bundle fails authentication" err &&
	grep -q "^merger: mix/4.bundle: No such file or directory$" err &&
	test "$(wc -l <err)" = 3 &&
	test "$(sed -n "s/: merged .*//p" out | tr "\n" " ")" = "mix/1.bundle mix/5.bundle " &&
	test "$(sql "SELECT count(*) FROM action")" = 200
'

if [ -f "$SHIM" ]; then
	test_expect_success 'a receipt that cannot be written stops the reading thread' '
		collector --home ca import s2.csv 2>/dev/null &&
		export_bundle ca ca-2.bundle &&
		dump pre.sql &&
		ts full LD_PRELOAD="$SHIM" FAILIO_PATH="$TRASH/rc2/" FAILIO_WRITE_AFTER=0 \
			merge --receipts "$TRASH/rc2" ca-2.bundle >/dev/null 2>err
		test $? = 3 && grep -q "ca-2.bundle: .*No space left" err &&
		dump post.sql && test_cmp pre.sql post.sql &&
		ts retry merge --receipts "$TRASH/rc2" ca-2.bundle >out 2>&1 &&
		grep -q "^bundles merged: *1$" out
	'
else
	test_skip 'a receipt that cannot be written stops the reading thread' \
		"no $SHIM (make check builds it)"
fi

test_done
