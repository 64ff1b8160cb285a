#!/bin/sh
# t3010-collector-ui-browser.sh - the collector's window in a real browser
# (Debian's chromium, headless, driven by puppeteer-core): refused without
# the one-time address, opened with it; a count grid filled, an action
# added, a bundle written into a folder and merged by the real merger, its
# receipt uploaded, a CSV with one bad line refused with nothing stored;
# no request leaves 127.0.0.1; then the window started in English.
# Screenshots of each page at 1366x768 and 390x844 go to
# $MAILLAGE_BUILD/ui-screens.
#
# puppeteer-core (pinned below) is installed once with npm into
# build/node; the test is skipped, saying why, without chromium, node or
# that package.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-ui.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW
PUPPETEER=puppeteer-core@22.15.0
NODE_DIR=${MAILLAGE_NODE:-$MAILLAGE_SRC/build/node}

skip_all() {
	echo "ok 1 # skip $1"
	echo "1..1"
	exit 0
}
browser=$(command -v chromium || command -v chromium-browser || true)
[ -n "$browser" ] || skip_all "chromium not installed (apt-get install chromium)"
command -v node >/dev/null 2>&1 || skip_all "node not installed (apt-get install nodejs npm)"
if [ ! -d "$NODE_DIR/node_modules/puppeteer-core" ]; then
	command -v npm >/dev/null 2>&1 || skip_all "npm not installed (apt-get install npm)"
	mkdir -p "$NODE_DIR" &&
	timeout 600 npm install --prefix "$NODE_DIR" --no-audit --no-fund --silent \
		"$PUPPETEER" >"$TRASH/npm.log" 2>&1 ||
		skip_all "npm could not install $PUPPETEER into $NODE_DIR (no network?)"
fi
trap 'cd /; [ -n "${UI_PID:-}" ] && kill "$UI_PID" 2>/dev/null; [ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

SHOTS="$MAILLAGE_BUILD/ui-screens"
rm -rf "$SHOTS"

# A plain name: the screenshots illustrate docs/guide-terrain.md.
ui_setup "Hors la Rue" >setup.log 2>&1 && ui_start
printf 'period,dept,status,exploitation,sex,age,count\n2026-T1,93,supported,labour,m,adult,2\n2026-T1,975,supported,labour,f,adult,4\n2026-T1,93,spotted,sexual,f,minor,1\n' >bad.csv
printf 'period,dept,status,exploitation,sex,age,count\n2026-T2,93,supported,labour,m,adult,2\n2026-T2,93,spotted,sexual,f,minor,1\n' >good.csv
UI_URL=$UI_URL UI_BASE=$UI_BASE WORK=$TRASH SHOTS=$SHOTS CHROMIUM=$browser \
	STORE_DB="$COLLECTOR_HOME/store.db" NODE_PATH="$NODE_DIR/node_modules" \
	timeout 300 node "$MAILLAGE_SRC/tests/browser/ui.js" >results 2>node.err
# Quitter stops the window; when the walk broke off before it, SIGTERM.
i=0
while kill -0 "$UI_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$UI_PID" 2>/dev/null
wait "$UI_PID"; echo $? >ui.rc; UI_PID=

step() {
	grep -q "^ok $1\$" results || { grep "$1" results; cat node.err; return 1; }
}

test_expect_success 'the browser ran the whole walk' '
	test -s results && ! grep -q "^not ok script" results || { cat results node.err; false; }
'
test_expect_success 'refused without the one-time address' 'step refused-without-key'
test_expect_success 'opened with it' 'step open-with-key'
test_expect_success 'a count grid: cells saved on blur, totals' 'step grid-saved && step grid-kept'
test_expect_success 'a refused count shows its error' 'step grid-refused'
test_expect_success 'the grid wrote real counts' '
	collector list victims --format csv | tr -d "\r" >counts.csv &&
	grep -q "2026-Q1,75,.*,5$" counts.csv && grep -q "2026-Q1,75,.*,3$" counts.csv
'
test_expect_success 'an action added, free text shown as text' 'step action-added'
test_expect_success 'a bundle written into a folder, merged by the merger' '
	step bundle-written && step bundle-merged &&
	merger report --period 2026-Q1 --format csv >report.csv 2>/dev/null &&
	test -s report.csv
'
test_expect_success 'its receipt uploaded and applied' 'step receipt-applied && step home-all-received'
test_expect_success 'a CSV with one bad line: every refusal shown, nothing stored' '
	step csv-bad-line-shown && step csv-bad-nothing-stored &&
	! collector list victims --format csv | grep -q "2026-Q1,93"
'
test_expect_success 'a correct CSV: checked, then imported' '
	step csv-imported &&
	test "$(collector list victims --format csv | grep -c "^[^,]*,2026-Q2,93")" = 2
'
test_expect_success 'Quitter closed the window' '
	step quit && test "$(cat ui.rc)" = 0 && grep -q "fenêtre fermée" ui.err
'
test_expect_success 'no console message, no CSP violation' 'step no-console-message'
# data: addresses are the browser's own icons (the date picker's): no
# request is sent for them.
test_expect_success 'no request left 127.0.0.1' '
	test -s requests.txt &&
	! grep -v "^http://127\.0\.0\.1:$UI_PORT/" requests.txt | grep -v "^\$" |
		grep -v "^data:"
'
test_expect_success 'screenshots of each page at both sizes' '
	for p in accueil comptages actions formations organisation envoyer accuses importer; do
		test -s "$SHOTS/$p-1366x768.png" && test -s "$SHOTS/$p-390x844.png" || return 1
	done
'

# The window in English (docs/TRANSLATION.md): started with LANG asking
# for it, the browser's own language (French) not read.
ui_start LC_ALL= LANG=en_GB.UTF-8
WALK=en UI_URL=$UI_URL UI_BASE=$UI_BASE WORK=$TRASH SHOTS=$SHOTS CHROMIUM=$browser \
	NODE_PATH="$NODE_DIR/node_modules" \
	timeout 300 node "$MAILLAGE_SRC/tests/browser/ui.js" >results 2>node.err
i=0
while kill -0 "$UI_PID" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill "$UI_PID" 2>/dev/null
wait "$UI_PID"; echo $? >ui.rc; UI_PID=

test_expect_success 'in English: the home page, a count saved, app.js in English' '
	step en-home && step en-grid-saved && step en-grid-lost &&
	test -s "$SHOTS/accueil-en-1366x768.png" && test -s "$SHOTS/comptages-en-390x844.png"
'
test_expect_success 'in English: Quit, no console message, no request elsewhere' '
	step en-quit && step en-no-console-message && test "$(cat ui.rc)" = 0 &&
	grep -q "window closed" ui.err &&
	! grep -v "^http://127\.0\.0\.1:$UI_PORT/" requests-en.txt | grep -v "^\$" |
		grep -v "^data:"
'

test_done
