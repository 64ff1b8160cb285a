#!/bin/sh
# merger enroll (organisation matching, confirmation), revoke, collectors,
# with requests made by real collectors.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

test_expect_success 'setup: a coordinator and collectors' '
	coordinator_setup &&
	new_collector hlr "Hors la Rue" --kind association --dept 75,93 \
		--national-id W751234567 --email contact@hlr.example &&
	new_collector hlr2 "HLR Paris" --kind association --dept 75 \
		--national-id W751234567 &&
	new_collector same "hors  la RUE" --kind association --dept 13 &&
	new_collector same2 "Hors-la-Rüe" --kind association --dept 13 &&
	new_collector other "Amicale du Nid" --kind association --dept 69 &&
	for h in hlr hlr2 same same2 other; do
		collector --home $h request -o $h.request 2>/dev/null || exit 1
	done
'

test_expect_success 'without --yes and without a terminal: exit 2, nothing enrolled, no wait' '
	LC_ALL=en_GB.UTF-8 timeout 20 merger enroll hlr.request </dev/null >out 2>err
	test $? = 2 &&
	test_one_line err "confirmation needed but there is no terminal.*--yes" &&
	grep -q "^organisation: Hors la Rue$" out &&
	grep -q "^national id:  W751234567$" out &&
	test "$(sql "SELECT count(*) FROM collector")" = 0 &&
	test "$(sql "SELECT count(*) FROM organisation")" = 0
'

test_expect_success 'a pipe on stdin is not a terminal even with a terminal on stderr' '
	echo y | LC_ALL=en_GB.UTF-8 timeout 20 merger enroll hlr.request >out 2>err
	test $? = 2 &&
	test "$(sql "SELECT count(*) FROM collector")" = 0
'

test_expect_success 'enroll --yes shows the request and creates the organisation' '
	merger enroll --yes hlr.request >out 2>err &&
	test ! -s err &&
	keyid=$(collector --home hlr status 2>/dev/null | grep -o "[0-9a-f]\{16\}" | head -1) &&
	grep -q "^key id:       $keyid$" out &&
	grep -Eq "^fingerprint:  ${keyid%????????????}" out &&
	grep -q "^kind:         association" out &&
	grep -q "^départements: 75 93$" out &&
	grep -q "^contact:      contact@hlr.example$" out &&
	grep -q "^enrollment:   new organisation$" out &&
	grep -q "^enrolled: key $keyid of \"Hors la Rue\" (organisation 1, new)$" out &&
	test "$(sql "SELECT name, kind, national_id, email FROM organisation")" = \
		"Hors la Rue|association|W751234567|contact@hlr.example" &&
	test "$(sql "SELECT group_concat(dept) FROM organisation_dept WHERE org_id = 1")" = "75,93" &&
	test "$(sql "SELECT key_id, org_id, revoked_at IS NULL FROM collector")" = "$keyid|1|1"
'

test_expect_success 'enrolling the same key again is a no-op' '
	dump before &&
	merger enroll --yes hlr.request >out 2>err &&
	test_one_line err "already enrolled on .* for organisation 1 \"Hors la Rue\"; nothing changed" &&
	test ! -s out &&
	merger enroll hlr.request </dev/null >out 2>err &&
	test_one_line err "already enrolled" &&
	dump after && test_cmp before after
'

test_expect_success 'same national id: attached to the existing organisation' '
	merger enroll --yes hlr2.request >out 2>err &&
	grep -q "^enrollment:   attach to organisation 1 \"Hors la Rue\" (same national id W751234567)$" out &&
	grep -q "(organisation 1, existing)$" out &&
	test "$(sql "SELECT count(*) FROM organisation")" = 1 &&
	test "$(sql "SELECT count(*) FROM collector WHERE org_id = 1")" = 2 &&
	test "$(sql "SELECT name FROM organisation")" = "Hors la Rue"
'

test_expect_success 'a similar name alone is refused with the hint' '
	dump before &&
	test_exit_code 1 merger enroll --yes same.request >out 2>err &&
	test_one_line err "same.request: not enrolled: an organisation named \"Hors la Rue\" already exists \(organisation 1\): use --org 1 .* or --new-org" &&
	test_exit_code 1 merger enroll --yes same2.request 2>err &&
	test_one_line err "named \"Hors la Rue\" already exists" &&
	dump after && test_cmp before after
'

test_expect_success '--org attaches explicitly' '
	merger enroll --yes --org 1 same.request >out &&
	grep -q "^enrollment:   attach to organisation 1 \"Hors la Rue\" (--org)$" out &&
	test "$(sql "SELECT count(*) FROM collector WHERE org_id = 1")" = 3 &&
	test "$(sql "SELECT count(*) FROM organisation")" = 1
'

test_expect_success '--new-org creates a separate organisation' '
	merger enroll --yes --new-org same2.request >out &&
	grep -q "(organisation 2, new)$" out &&
	test "$(sql "SELECT name FROM organisation WHERE id = 2")" = "Hors-la-Rüe" &&
	test "$(sql "SELECT dept FROM organisation_dept WHERE org_id = 2")" = 13
'

test_expect_success '--org and --new-org are checked' '
	dump before &&
	test_exit_code 1 merger enroll --yes --org 99 other.request 2>err &&
	test_one_line err "there is no organisation 99" &&
	test_exit_code 2 merger enroll --yes --org 1 --new-org other.request 2>err &&
	test_one_line err "exclude each other" &&
	test_exit_code 2 merger enroll --yes --org abc other.request 2>err &&
	test_exit_code 2 merger enroll --yes 2>err &&
	test_one_line err "at least one request" &&
	dump after && test_cmp before after
'

test_expect_success 'a national id cannot be split from its organisation' '
	new_collector hlr3 "Hors la Rue Lyon" --kind association --dept 69 \
		--national-id W751234567 &&
	collector --home hlr3 request -o hlr3.request 2>/dev/null &&
	dump before &&
	test_exit_code 1 merger enroll --yes --new-org hlr3.request 2>err &&
	test_one_line err "national id W751234567 already belongs to organisation 1 .*use --org 1" &&
	test_exit_code 1 merger enroll --yes --org 2 hlr3.request 2>err &&
	test_one_line err "national id W751234567 belongs to organisation 1, not to 2" &&
	dump after && test_cmp before after
'

test_expect_success 'several requests in one command' '
	new_collector x1 "Association X1" --kind association --dept 01 &&
	new_collector x2 "Association X2" --kind other --dept 2A &&
	collector --home x1 request -o x1.request 2>/dev/null &&
	collector --home x2 request -o x2.request 2>/dev/null &&
	merger enroll --yes x1.request x2.request >out &&
	test "$(grep -c "^enrolled:" out)" = 2 &&
	test "$(sql "SELECT kind FROM organisation WHERE name = '\''Association X2'\''")" = other &&
	test "$(sql "SELECT d.dept FROM organisation_dept d JOIN organisation o ON o.id = d.org_id WHERE o.name = '\''Association X2'\''")" = 2A
'

test_expect_success 'a request made for another coordinator is refused' '
	merger --home other-coord init >/dev/null &&
	merger --home other-coord kit -o other.kit 2>/dev/null &&
	collector --home foreign init --kit other.kit --org Foreign --kind police \
		--dept 59 >/dev/null 2>&1 &&
	collector --home foreign request -o foreign.request 2>/dev/null &&
	dump before &&
	test_exit_code 1 merger enroll --yes foreign.request 2>err &&
	test_one_line err "foreign.request: this request was made for another coordinator" &&
	dump after && test_cmp before after
'

test_expect_success 'damaged and wrong files are refused, one line each' '
	dump before &&
	size=$(wc -c <other.request) &&
	cp other.request flipped.request &&
	invert_byte flipped.request $((size - 10)) &&
	test_exit_code 1 merger enroll --yes flipped.request 2>err &&
	test_one_line err "^merger: flipped.request: .*signature" &&
	head -c 50 other.request >short.request &&
	test_exit_code 1 merger enroll --yes short.request 2>err &&
	test_one_line err "^merger: short.request: " &&
	test_exit_code 1 merger enroll --yes coord.kit 2>err &&
	test_one_line err "^merger: coord.kit: .*kit" &&
	test_exit_code 3 merger enroll --yes missing.request 2>err &&
	test_one_line err "^merger: missing.request: No such file" &&
	dump after && test_cmp before after
'

test_expect_success 'a request on standard input' '
	merger enroll --yes - <other.request >out &&
	grep -q "^enrolled: key .* of \"Amicale du Nid\"" out
'

test_expect_success 'confirmation on a terminal: yes enrolls, anything else does not' '
	new_collector t1 "Terminal Un" --kind association --dept 33 &&
	new_collector t2 "Terminal Deux" --kind association --dept 33 &&
	collector --home t1 request -o t1.request 2>/dev/null &&
	collector --home t2 request -o t2.request 2>/dev/null &&
	printf "y\n" | timeout 30 script -qec "LC_ALL=en_GB.UTF-8 merger enroll t1.request" /dev/null >out &&
	grep -q "Enroll? \[y/N\]" out &&
	test "$(sql "SELECT count(*) FROM organisation WHERE name = '\''Terminal Un'\''")" = 1 &&
	printf "n\n" | timeout 30 script -qec "LC_ALL=en_GB.UTF-8 merger enroll t2.request" /dev/null >out
	test $? = 1 &&
	grep -q "not enrolled (not confirmed)" out &&
	test "$(sql "SELECT count(*) FROM organisation WHERE name = '\''Terminal Deux'\''")" = 0
'

test_expect_success 'confirmation in French too: o and oui enroll, non does not, a stray answer asks again' '
	for n in 3 4 5; do
		new_collector t$n "Terminal $n" --kind association --dept 33 &&
		collector --home t$n request -o t$n.request 2>/dev/null || exit 1
	done &&
	printf "o\n" | timeout 30 script -qec "LC_ALL=fr_FR.UTF-8 merger enroll t3.request" /dev/null >out &&
	test "$(sql "SELECT count(*) FROM organisation WHERE name = '\''Terminal 3'\''")" = 1 &&
	printf "peut-etre\n Oui \n" | timeout 30 script -qec "LC_ALL=fr_FR.UTF-8 merger enroll t4.request" /dev/null >out &&
	test "$(grep -c "Inscrire ? \[o/N\]" out)" = 2 &&
	grep -q "répondez o (oui) ou n (non)" out &&
	test "$(sql "SELECT count(*) FROM organisation WHERE name = '\''Terminal 4'\''")" = 1 &&
	printf "NON\n" | timeout 30 script -qec "LC_ALL=fr_FR.UTF-8 merger enroll t5.request" /dev/null >out
	test $? = 1 &&
	grep -q "pas inscrit (non confirmé)" out &&
	test "$(sql "SELECT count(*) FROM organisation WHERE name = '\''Terminal 5'\''")" = 0
'

test_expect_success 'collectors: text table' '
	merger collectors >out &&
	head -1 out | grep -q "^ORGANISATION .* ORG .*KEY ID .*ENROLLED .*LAST BUNDLE .*SEQ .*STATUS$" &&
	test "$(grep -c "active$" out)" = "$(sql "SELECT count(*) FROM collector")" &&
	grep -q "^Hors la Rue  *1  [0-9a-f]\{16\}  [0-9-]\{10\}  -  *-  active$" out
'

test_expect_success 'collectors: CSV and JSON' '
	merger collectors --format csv >out.csv &&
	head -1 out.csv | tr -d "\r" >head &&
	echo "organisation,organisation_id,key_id,enrolled_at,last_bundle_at,last_seq,status,revoked_at" >want &&
	test_cmp want head &&
	test "$(($(wc -l <out.csv) - 1))" = "$(sql "SELECT count(*) FROM collector")" &&
	grep -q "^Hors la Rue,1,[0-9a-f]\{16\},20[0-9-]*T[0-9:]*Z,,,active,.$" out.csv &&
	merger collectors --format json >out.json &&
	test "$(sqlite3 :memory: "SELECT json_valid(readfile('\''out.json'\''))")" = 1 &&
	test "$(sqlite3 :memory: "SELECT json_array_length(readfile('\''out.json'\''))")" = \
		"$(sql "SELECT count(*) FROM collector")" &&
	test "$(sqlite3 :memory: "SELECT json_extract(readfile('\''out.json'\''), '\''$[0].status'\'')")" = active &&
	test_exit_code 2 merger collectors --format xml 2>err &&
	test_one_line err "text, csv, json or xlsx"
'

test_expect_success 'collectors: names with quotes and commas stay whole' '
	new_collector q "Assoc \"Les Amis\", Paris" --kind association --dept 75 &&
	enroll q &&
	merger collectors --format csv | grep -q "^\"Assoc \"\"Les Amis\"\", Paris\",[0-9]*," &&
	merger collectors --format json >out.json &&
	test "$(sqlite3 :memory: "SELECT count(*) FROM json_each(readfile('\''out.json'\'')) WHERE json_extract(value, '\''$.organisation'\'') = '\''Assoc \"Les Amis\", Paris'\''")" = 1
'

test_expect_success 'revoke: unknown, malformed, ambiguous' '
	dump before &&
	test_exit_code 1 merger revoke 0000000000000000 2>err &&
	test_one_line err "no enrolled collector has key id 0000000000000000" &&
	test_exit_code 2 merger revoke xyz 2>err &&
	test_one_line err "is not a key id" &&
	test_exit_code 2 merger revoke 2>err &&
	test_exit_code 2 merger revoke 0123 2>err &&
	dump after && test_cmp before after
'

test_expect_success 'revoke by key id prefix; collectors shows it' '
	keyid=$(sql "SELECT c.key_id FROM collector c JOIN organisation o ON o.id = c.org_id WHERE o.name = '\''Amicale du Nid'\''") &&
	short=$(echo $keyid | cut -c1-8 | tr a-f A-F) &&
	merger revoke $short >out &&
	grep -q "^revoked: key $keyid of \"Amicale du Nid\"" out &&
	test "$(sql "SELECT revoked_at IS NOT NULL FROM collector WHERE key_id = '\''$keyid'\''")" = 1 &&
	merger collectors | grep "^Amicale du Nid " | grep -q "revoked 20" &&
	merger collectors --format csv | grep "^Amicale" | grep -q ",revoked,20" &&
	merger revoke $keyid 2>err &&
	test_one_line err "already revoked on .*; nothing changed"
'

test_expect_success 'a revoked key cannot be enrolled again' '
	dump before &&
	test_exit_code 1 merger enroll --yes other.request 2>err &&
	test_one_line err "revoked on .*cannot be enrolled again" &&
	dump after && test_cmp before after
'

test_done
