#!/bin/sh
# make demo, end to end in a scratch folder, with its numbers checked: five
# organisations enrolled, the duplicate bundle merged once, the altered one
# quarantined, every receipt applied, and the diagnostic's totals equal to
# the sum of samples/demo by hand.
test_description='make demo'
. "$(dirname "$0")/test-lib.sh"

test_expect_success 'the demo runs to the end' '
	MAILLAGE_DEMO_DIR="$TRASH/demo" "$MAILLAGE_SRC/tools/demo" >out 2>err &&
	test -s demo/diagnostic-2026.html && test -s demo/diagnostic-2026-public.html
'

test_expect_success 'one bundle merged twice is merged once; the altered one is quarantined' '
	grep -q "horizon-2026-06.bundle : .*déjà intégré" out &&
	test "$(ls demo/coordination/quarantine | grep -c "altered.bundle$")" = 1 &&
	test "$(ls demo/coordination/quarantine | grep -c "\.reason$")" = 1 &&
	grep -q "^données chiffrées endommagées ou modifiées$" demo/coordination/quarantine/*.reason
'

test_expect_success 'five collectors, each acknowledged' '
	test "$(MERGER_HOME=demo/coordination merger collectors | grep -c active)" = 5 &&
	for h in horizon lyon marseille nord guyane; do
		collector --home "demo/field/$h" status >st 2>&1 &&
		grep -q "Le coordinateur a tout reçu" st || { cat st; exit 1; }
	done
'

# By hand from samples/demo and tools/demo: supported = Horizon 55 + 48,
# Lyon 9 + 13 (corrected from 11) + 10 + 4 + 1, Marseille 17 + 8 + 2,
# Guyane 6 + 5 + 2 = 180; spotted = Horizon 58 + 7 + 61, Lyon 12,
# Guyane 14 = 152; supported in 7 départements (75 92 93 69 01 13 973).
test_expect_success 'the diagnostic counts what the organisations recorded' '
	MERGER_HOME=demo/coordination merger report --period 2026 --table totals \
		--format csv | tr -d "\r" >totals.csv &&
	grep -q "^2026,total,all,Total,180,100.0,152,100.0$" totals.csv ||
	{ cat totals.csv; false; }
'

test_expect_success 'gaps are the 94 départements without support' '
	MERGER_HOME=demo/coordination merger gaps --period 2026 >gaps &&
	test "$(wc -l <gaps)" = 94 &&
	! grep -E "^(75|92|93|69|01|13|973)	" gaps
'
test_done
