#!/bin/sh
# The HTML report in a real browser (Debian's chromium, headless): it
# loads with no network request and no console message, the rendered map
# holds the 101 départements, and a hostile organisation name stays inert
# text.  Skipped, saying so, where chromium is not installed.
test_description='HTML report in headless chromium'
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
	echo "ok 1 # skip chromium not installed (apt-get install chromium)"
	echo "1..1"
	exit 0
fi

# Chromium's own background traffic (update checks, time, accounts) goes to
# these hosts whatever the page; everything else in the net log is the page's.
own_hosts='google\.com|googleapis\.com|gvt1\.com|gstatic\.com'

render() {
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$TRASH/profile" \
		--enable-logging=stderr --v=0 --log-net-log="$TRASH/net.json" \
		--dump-dom "file://$TRASH/$1" >dom.html 2>browser.log
}

test_expect_success 'report with a hostile organisation name' '
	report_fixture &&
	merger report --period 2025 --format html -o report.html &&
	grep -q "&lt;img src=x onerror=alert(1)&gt;" report.html
'

test_expect_success 'the report loads in chromium' '
	render report.html &&
	test -s dom.html
'

test_expect_success 'no console message from the page' '
	! grep "CONSOLE" browser.log | grep "file://$TRASH"
'

test_expect_success 'no network request from the page' '
	grep -o "\"url\":\"[a-z]*://[^\"]*\"" net.json | sort -u >urls &&
	! grep -v "file://" urls | grep -Ev "://([a-z0-9.-]+\.)?($own_hosts)[/:]"
'

test_expect_success 'the rendered map holds the 101 départements' '
	grep -o "data-dept=\"[0-9AB]*\"" dom.html | sort -u >depts &&
	test "$(wc -l <depts)" -eq 101 &&
	grep -q "data-dept=\"2A\"" depts && grep -q "data-dept=\"976\"" depts
'

test_expect_success 'the hostile name is text, not an element' '
	! grep -i "<img" dom.html &&
	grep -q "&lt;img src=x onerror=alert(1)&gt;" dom.html
'

test_expect_success 'the checks can fail: injected elements and requests are seen' '
	sed "s|&lt;img src=x onerror=alert(1)&gt;|<img src=x onerror=console.error(1)><img src=http://example.invalid/x.png>|" \
		report.html >broken.html &&
	render broken.html &&
	grep -i "<img" dom.html &&
	grep "CONSOLE" browser.log | grep -q "file://$TRASH" &&
	grep -q "example.invalid" net.json
'
test_done
