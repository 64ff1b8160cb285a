#!/bin/sh
# Hostile bundles against the real merger: real bundles with a bit flipped
# in every byte, cut at every length class, with bytes appended, with
# parts swapped between two bundles; bundles forged with enrolled keys,
# for another coordinator, from a revoked or unknown key, replayed; the
# broken samples (bomb, huge declared lengths...).  Every one is refused
# with its own reason on one stderr line, exit 1, and the database does
# not change by a single byte.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

# Every byte of the small bundle is flipped; in the large one (two
# encrypted blocks) every STEP-th byte and all of its headers.
STEP=$(iterations 97 7)

# refused_all DIR COUNT: merging the folder refused each of its COUNT
# files on one line of stderr (err), exit 1, nothing merged, the database
# unchanged.
refused_all() {
	_n=$(ls "$1" | wc -l)
	test "$_n" -ge "$2" || { echo "only $_n files in $1"; return 1; }
	dump pre.sql &&
	merger merge "$1" >out 2>err
	_rc=$?
	test $_rc = 1 || { echo "exit $_rc"; tail -3 err; return 1; }
	grep -q "^bundles refused: *$_n$" out &&
	grep -q "^bundles merged: *0$" out &&
	test "$(wc -l <err)" = "$_n" &&
	test "$(grep -c "(refused, copy in $MERGER_HOME/quarantine/" err)" = "$_n" &&
	! grep -q Sanitizer err &&
	dump post.sql &&
	test_cmp pre.sql post.sql &&
	figure "$1: $_n files, each refused on its own line, database unchanged"
}

# reason_of OFFSET: what a flipped bit at this offset of a bundle must
# be refused for (docs/FORMAT.md: outer header 8 bytes, sealed file key
# 80, stream header 24, then the encrypted blocks).
reason_of() {
	if [ "$1" -lt 4 ]; then echo "not a Maillage bundle"
	elif [ "$1" = 4 ]; then echo "not a bundle|not a Maillage bundle"
	elif [ "$1" = 5 ]; then echo "of format version [0-9]+; this program reads version 2"
	elif [ "$1" = 6 ]; then echo "uses algorithm suite [0-9]+; this program knows suite 1"
	elif [ "$1" = 7 ]; then echo "reserved byte is 0x[0-9a-f]+, not 0"
	elif [ "$1" -lt 88 ]; then echo "cannot be opened with this coordinator's key"
	else echo "block [0-9]+ of the bundle fails authentication"
	fi
}

# count_of HEX-ID: the count of that support record in the national DB.
count_of() {
	sql "SELECT count FROM support WHERE hex(id) = upper('$1')"
}

# key_of NAME: the key id of the collector of that organisation.
key_of() {
	sql "SELECT c.key_id FROM collector c JOIN organisation o ON o.id = c.org_id
	     WHERE o.name = '$1'"
}

test_expect_success 'setup: two enrolled collectors, merged bundles, bundles to attack' '
	coordinator_setup &&
	new_collector ca "Association A" --kind association --dept 75 &&
	new_collector cb "Association B" --kind association --dept 93 &&
	enroll ca && enroll cb &&
	collector --home ca add support --period 2026 --dept 75 --status supported \
		--exploitation sexual --sex f --age adult --count 12 >/dev/null 2>&1 &&
	export_bundle ca a1.bundle &&
	collector --home cb add action --dept 93 --type outreach --start 2026-02-01 \
		--note "maraude" >/dev/null 2>&1 &&
	export_bundle cb b1.bundle &&
	merger merge a1.bundle b1.bundle >/dev/null 2>&1 &&
	collector --home ca add action --dept 75 --type prevention --start 2026-03-01 \
		--note "atelier" >/dev/null 2>&1 &&
	collector --home cb add support --period 2026 --dept 93 --status spotted \
		--exploitation labour --sex m --age adult --count 3 >/dev/null 2>&1 &&
	export_bundle ca a2.bundle &&
	export_bundle cb b2.bundle &&
	merger verify a2.bundle b2.bundle >/dev/null &&
	figure "a2.bundle: $(wc -c <a2.bundle) bytes"
'

test_expect_success 'a bit flipped in every byte of a bundle: each refused for its region' '
	mkdir flips && mutate flips a2.bundle flips 1 &&
	refused_all flips "$(wc -c <a2.bundle)" &&
	while read -r line; do
		off=$(echo "$line" |
			sed -n "s/^merger: flips\/flip-0*\([0-9][0-9]*\)\.bundle: .*/\1/p")
		test -n "$off" || off=0
		echo "$line" | grep -E -q "flip-[0-9]+\.bundle: .*($(reason_of $off))" ||
			{ echo "offset $off: wrong reason: $line"; exit 1; }
	done <err &&
	test $(ls "$MERGER_HOME/quarantine" | wc -l) = $((2 * $(ls flips | wc -l)))
'

test_expect_success 'refused one at a time: exit 1, exactly one line on stderr' '
	for off in 0 4 5 6 7 8 60 87 88 100 111 112 200 $(($(wc -c <a2.bundle) - 1)); do
		test_exit_code 1 merger merge flips/flip-$(printf %08d $off).bundle \
			>/dev/null 2>one.err &&
		test_one_line one.err "$(reason_of $off)" || exit 1
	done &&
	for f in flips/flip-00000009.bundle flips/flip-00000300.bundle; do
		test_exit_code 1 merger verify "$f" >v.out 2>v.err &&
		test ! -s v.out && test_one_line v.err " \(refused\)\$" || exit 1
	done
'

test_expect_success 'cut at every length class: each refused' '
	mkdir cuts && mutate cuts a2.bundle cuts &&
	refused_all cuts 100 &&
	grep -q "cut-00000000.bundle: truncated bundle: 0 bytes" err &&
	grep -q "cut-00000050.bundle: truncated bundle: 50 bytes" err
'

test_expect_success 'bytes appended, a second bundle appended: each refused as trailing' '
	mkdir app &&
	for n in 1 2 17 4096 65553; do
		mutate append a2.bundle app/app-$n.bundle $n || exit 1
	done &&
	mutate append a2.bundle app/app-lf.bundle 1 10 &&
	cat a2.bundle b2.bundle >app/two.bundle &&
	cat a2.bundle a2.bundle >app/twice.bundle &&
	refused_all app 8 &&
	for f in app-1 app-2 app-lf app-17; do
		grep -q "$f.bundle: bundle has [0-9]* unexpected bytes\? after its final" err ||
			exit 1
	done &&
	# longer tails change where the reader sees the last block: that block
	# then fails authentication, which is just as final
	test $(grep -c -E "unexpected bytes? after its final block|fails authentication" err) = 8
'

test_expect_success 'parts swapped between two bundles: each refused' '
	mkdir swap &&
	len=$(wc -c <a2.bundle) && blen=$(wc -c <b2.bundle) &&
	mutate splice a2.bundle b2.bundle swap/sealed-key.bundle 8 88 &&
	mutate splice a2.bundle b2.bundle swap/stream-header.bundle 88 112 &&
	mutate splice a2.bundle b2.bundle swap/key-and-header.bundle 8 112 &&
	{ head -c 112 a2.bundle; tail -c +113 b2.bundle; } >swap/body-of-b.bundle &&
	{ head -c 112 b2.bundle; tail -c +113 a2.bundle; } >swap/body-of-a.bundle &&
	{ head -c 88 a2.bundle; tail -c +89 b2.bundle; } >swap/header-of-b.bundle &&
	{ head -c $((len - 17)) a2.bundle; tail -c 17 b2.bundle; } >swap/tail-of-b.bundle &&
	refused_all swap 7
'

test_expect_success 'a large bundle (two encrypted blocks): flips, cuts, blocks dropped' '
	new_collector cl "Association L" --kind association --dept 13 && enroll cl &&
	awk "BEGIN { srand(7);
		print \"dept,type,start,end,public,exploitation,people,partners,note\";
		for (i = 0; i < 60; i++) { s = \"\";
			for (j = 0; j < 1900; j++) s = s sprintf(\"%c\", 97 + int(rand() * 26));
			printf \"13,outreach,2026-01-02,,adults,sexual,1,,%s\\n\", s }
	}" >big.csv &&
	collector --home cl import big.csv 2>/dev/null &&
	export_bundle cl big.bundle &&
	len=$(wc -c <big.bundle) && figure "big.bundle: $len bytes" &&
	test $len -gt $((112 + 65553)) &&
	merger verify big.bundle >/dev/null &&
	mkdir bigf && mutate flips big.bundle bigf $STEP 120 40 &&
	mkdir bigc && mutate cuts big.bundle bigc &&
	cp bigc/cut-$(printf %08d $((112 + 65553))).bundle bigf/at-block-end.bundle &&
	{ head -c 112 big.bundle; tail -c +$((112 + 65553 + 1)) big.bundle; } >bigf/drop-1.bundle &&
	head -c $((112 + 65553)) big.bundle >bigf/only-1.bundle &&
	{ head -c 112 big.bundle; tail -c +$((112 + 65553 + 1)) big.bundle;
	  tail -c +113 big.bundle | head -c 65553; } >bigf/swap-blocks.bundle &&
	refused_all bigf 100 &&
	grep -q "at-block-end.bundle: bundle ends without its final block" err &&
	grep -q "only-1.bundle: bundle ends without its final block" err &&
	refused_all bigc 100
'

test_expect_success 'a bundle naming A but signed by B, enrolled both: refused' '
	forge resign "$MERGER_HOME/coordinator.key" a2.bundle ca/identity.key cb/identity.key \
		forged.bundle &&
	dump pre.sql &&
	test_exit_code 1 merger merge forged.bundle >/dev/null 2>err &&
	test_one_line err "forged.bundle: bundle signature does not match the sender key" &&
	dump post.sql && test_cmp pre.sql post.sql
'

test_expect_success "B sending A's records, validly signed: refused, nothing applied" '
	forge resend "$MERGER_HOME/coordinator.key" a2.bundle cb/identity.key stolen.bundle &&
	forge bump "$MERGER_HOME/coordinator.key" a1.bundle cb/identity.key stolen2.bundle &&
	dump pre.sql &&
	test_exit_code 1 merger merge stolen.bundle >/dev/null 2>err &&
	test_one_line err "stolen.bundle: record [0-9a-f]+ .*belongs to another collector" &&
	test_exit_code 1 merger merge stolen2.bundle >/dev/null 2>err &&
	test_one_line err "belongs to another collector" &&
	dump post.sql && test_cmp pre.sql post.sql &&
	grep -q "belongs to another collector" "$MERGER_HOME"/quarantine/*stolen.bundle.reason
'

test_expect_success 'a bundle for another coordinator, from an unknown key: refused' '
	MERGER_HOME="$TRASH/other" merger init --name "Autre coordination" >/dev/null &&
	MERGER_HOME="$TRASH/other" merger kit -o other.kit 2>/dev/null &&
	collector --home cx init --kit other.kit --org "Ailleurs" --kind association \
		--dept 69 >/dev/null 2>&1 &&
	collector --home cx add support --period 2026 --dept 69 --status supported \
		--exploitation sexual --sex f --age adult --count 1 >/dev/null 2>&1 &&
	export_bundle cx elsewhere.bundle &&
	new_collector cu "Pas inscrite" --kind association --dept 69 &&
	export_bundle cu unknown.bundle &&
	dump pre.sql &&
	test_exit_code 1 merger merge elsewhere.bundle >/dev/null 2>err &&
	test_one_line err "cannot be opened with this coordinator.s key" &&
	test_exit_code 1 merger merge unknown.bundle >/dev/null 2>err &&
	test_one_line err "unknown.bundle: signed by a key that is not enrolled" &&
	dump post.sql && test_cmp pre.sql post.sql
'

test_expect_success 'replays: a merged bundle again, an old bundle after a newer one' '
	merger merge a2.bundle >/dev/null 2>&1 &&
	collector --home ca add support --period 2026 --dept 75 --status supported \
		--exploitation labour --sex m --age adult --count 2 >/dev/null 2>&1 &&
	export_bundle ca a3.bundle &&
	id=$(collector --home ca list support --format csv 2>/dev/null | sed -n 2p | cut -d, -f1) &&
	collector --home ca edit "$id" --count 40 >/dev/null 2>&1 &&
	export_bundle ca a4.bundle &&
	merger merge a4.bundle >/dev/null 2>&1 &&
	content c.before &&
	merger merge a1.bundle a2.bundle >out 2>err &&
	test ! -s err && grep -q "^bundles already merged: *2$" out &&
	merger merge a3.bundle >out 2>err &&
	grep -q "^bundles merged: *1$" out &&
	content c.after &&
	test_cmp c.before c.after &&
	test "$(count_of "$id")" = 40
'

test_expect_success 'a revoked key: its next bundle is refused, nothing changes' '
	keyid=$(key_of "Association B") &&
	merger revoke "$keyid" >/dev/null 2>&1 &&
	dump pre.sql &&
	test_exit_code 1 merger merge b2.bundle >/dev/null 2>err &&
	test_one_line err "b2.bundle: signed by key $keyid of \"Association B\", revoked on" &&
	dump post.sql && test_cmp pre.sql post.sql
'

test_expect_success 'files that are not bundles: huge, empty, a folder, a device' '
	truncate -s 300M huge.bundle &&
	: >empty.bundle &&
	dump pre.sql &&
	test_exit_code 1 merger merge huge.bundle >/dev/null 2>err &&
	test_one_line err "huge.bundle: .*too large" &&
	test_exit_code 1 merger merge empty.bundle >/dev/null 2>err &&
	test_one_line err "empty.bundle: truncated bundle: 0 bytes" &&
	test_exit_code 1 merger merge /dev/null >/dev/null 2>err &&
	test_one_line err "truncated bundle" &&
	mkdir -p dir/sub.bundle && cp a2.bundle dir/ &&
	merger merge dir >out 2>err &&
	grep -q "^bundles already merged: *1$" out &&
	dump post.sql && test_cmp pre.sql post.sql &&
	! ls "$MERGER_HOME"/quarantine | grep -q "^[0-9TZ]*-huge.bundle$"
'

test_expect_success 'setup: a home with the coordinator of samples/vectors' '
	MERGER_HOME="$TRASH/sample" merger init >/dev/null &&
	rm -f sample/coordinator.key &&
	cp "$SAMPLES/vectors/coordinator.key" sample/coordinator.key &&
	chmod 600 sample/coordinator.key &&
	MERGER_HOME="$TRASH/sample" merger enroll --yes "$SAMPLES/vectors/collector.request" \
		>/dev/null 2>&1 &&
	MERGER_HOME="$TRASH/sample" merger verify "$SAMPLES/vectors/records.bundle" >/dev/null
'

test_expect_success 'every broken sample bundle: refused with its documented message' '
	pat="^| \`\([a-z0-9-]*\.bundle\)\` | [^|]* |" &&
	pat="$pat \`FMT_E_[A-Z_]*\` | \(.*\) |$" &&
	sed -n "s/$pat/\1	\2/p" \
		"$SAMPLES/broken/README.md" >expected &&
	test $(wc -l <expected) = $(ls "$SAMPLES"/broken/*.bundle | wc -l) &&
	sqlite3 sample/national.db .dump >pre.sql &&
	while IFS="	" read -r file message; do
		MERGER_HOME="$TRASH/sample" merger merge "$SAMPLES/broken/$file" >/dev/null 2>err
		rc=$?
		test $rc = 1 || { echo "$file: exit $rc"; cat err; exit 1; }
		test "$(wc -l <err)" = 1 || { echo "$file:"; cat err; exit 1; }
		grep -q -F -- "$file: $message (refused" err ||
			{ echo "$file: want \"$message\""; cat err; exit 1; }
	done <expected &&
	sqlite3 sample/national.db .dump >post.sql &&
	test_cmp pre.sql post.sql
'

test_expect_success 'the check can fail: a sound bundle changes the database' '
	dump pre.sql &&
	MERGER_HOME="$TRASH/sample" merger merge "$SAMPLES/vectors/records.bundle" >/dev/null &&
	sqlite3 sample/national.db .dump >post2.sql &&
	! test_cmp post.sql post2.sql >/dev/null
'

# All in one run, each behind the sound bundle (merged already: its
# receipt is written again): each broken one is opened, and its first
# records read, by the reading thread while the one before is handled
# (merger/feed.c), and must be refused exactly as when merged alone.
test_expect_success 'in one run, each opened and read ahead: the same messages' '
	cp sample/receipts/*.receipt receipt.before &&
	set -- &&
	while IFS="	" read -r file message; do
		set -- "$@" "$SAMPLES/vectors/records.bundle" "$SAMPLES/broken/$file"
	done <expected &&
	MERGER_HOME="$TRASH/sample" merger merge "$@" >out 2>err
	test $? = 1 &&
	test "$(wc -l <err)" = "$(wc -l <expected)" &&
	while IFS="	" read -r file message; do
		grep -q -F -- "$file: $message (refused" err ||
			{ echo "$file: want \"$message\""; cat err; exit 1; }
	done <expected &&
	test "$(grep -c "records.bundle: already merged on .*; receipt .* written again$" out)" = \
		"$(wc -l <expected)" &&
	cmp receipt.before sample/receipts/*.receipt &&
	sqlite3 sample/national.db .dump >post3.sql &&
	test_cmp post2.sql post3.sql
'

test_done
