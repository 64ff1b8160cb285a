#!/bin/sh
# The HTML report in a real browser (Debian's chromium, headless): it
# loads with no network request and no console message, the rendered map
# holds the 101 départements, and a hostile organisation name stays inert
# text.  Then the page as laid out at 1280 and 390 pixels wide: the three
# states of the map in the legend, the hatch on a département with actors
# but no support, the idle départements folded, the neighbours in the gaps,
# the counts in view and no sideways scrolling of the page on a phone.
# Screenshots at both widths are kept in $MAILLAGE_BUILD/screenshots/ for
# a person to look at.  Skipped, saying so, where chromium is not installed.
#
# A headless chromium window is never narrower than 500 pixels, so the page
# is measured inside an iframe of the exact width, from a probe page next
# to it (same folder, file access allowed); the report itself stays
# untouched and script-free.
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

# probe FILE WIDTH [TAG]: the facts the script below measures on FILE laid
# out WIDTH pixels wide, one "key=value" a line, into probe-WIDTH[TAG].txt.
probe() {
	cat >"probe-$2.html" <<-EOF
	<!DOCTYPE html><html><body style="margin:0">
	<iframe id="page" src="$1" style="width:$2px;height:900px;border:0;display:block"></iframe>
	<script>
	document.getElementById("page").onload = function () {
		var doc = this.contentDocument, win = this.contentWindow, out = [];
		var q = function (s) { return doc.querySelector(s); };
		var put = function (k, v) { out.push(k + "=" + v); };
		put("width", win.innerWidth);
		put("scrollwidth", doc.documentElement.scrollWidth);
		Array.prototype.forEach.call(doc.querySelectorAll("figcaption.legend span"), function (s) {
			put("legend", s.querySelector("rect").getAttribute("fill") + " " + s.textContent);
		});
		put("pattern", doc.querySelectorAll("pattern#maillage-actors").length);
		["01", "33", "59", "69", "02"].forEach(function (c) {
			put("fill" + c, win.getComputedStyle(q('path[data-dept="' + c + '"]')).fill);
		});
		var idle = q("#departements details.idle");
		put("folded", idle.open ? "open" : idle.querySelector("summary").textContent);
		put("folded-height", Math.round(idle.getBoundingClientRect().height -
			idle.querySelector("summary").getBoundingClientRect().height));
		put("rows", doc.querySelectorAll("#departements tbody tr").length);
		var box = q("#departements .scroll"), th = box.querySelectorAll("thead th");
		put("count-headers", th[1].textContent + " " + th[2].textContent);
		put("counts-right", Math.ceil(Math.max(th[1].getBoundingClientRect().right,
			th[2].getBoundingClientRect().right)));
		put("table-scrolls", box.scrollWidth > box.clientWidth ? 1 : 0);
		var td = box.querySelector("tbody td"), x = td.getBoundingClientRect().left;
		box.scrollLeft = 100000;
		put("first-column-moved", Math.round(Math.abs(td.getBoundingClientRect().left - x)));
		put("hint", win.getComputedStyle(q("#departements .hint")).display);
		var label = q(".map-labels text").getBoundingClientRect();
		put("label-height", Math.round(label.height));
		document.body.insertAdjacentHTML("beforeend",
			"<pre id='probe'>\n" + out.join("\n") + "\n</pre>");
	};
	</script></body></html>
	EOF
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$TRASH/profile" --allow-file-access-from-files \
		--window-size=1300,900 --dump-dom "file://$TRASH/probe-$2.html" 2>/dev/null |
		sed -n "/^<pre id=.probe.>/,/^<\/pre>/{s/^<pre id=.probe.>//;/^<\/pre>/d;p;}" \
		>"probe-$2${3:-}.txt" &&
	test -s "probe-$2${3:-}.txt"
}

# shoot FILE WIDTH HEIGHT: a screenshot of FILE laid out WIDTH pixels wide,
# into $MAILLAGE_BUILD/screenshots/report-WIDTH.png.
shoot() {
	mkdir -p "$MAILLAGE_BUILD/screenshots" &&
	printf '<!DOCTYPE html><html><body style="margin:0"><iframe src="%s" style="width:%dpx;height:%dpx;border:0;display:block"></iframe></body></html>\n' \
		"$1" "$2" "$3" >"shot-$2.html" &&
	rm -f "$MAILLAGE_BUILD/screenshots/report-$2.png" &&
	timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--disable-background-networking --disable-component-update --disable-sync \
		--no-first-run --user-data-dir="$TRASH/profile" --allow-file-access-from-files \
		--window-size="$2,$3" --screenshot="$MAILLAGE_BUILD/screenshots/report-$2.png" \
		"file://$TRASH/shot-$2.html" >/dev/null 2>&1 &&
	# a PNG of the width asked for (IHDR: width in bytes 17-20)
	test "$(od -An -tu1 -j16 -N4 "$MAILLAGE_BUILD/screenshots/report-$2.png" |
		awk "{ print \$1 * 16777216 + \$2 * 65536 + \$3 * 256 + \$4 }")" -eq "$2"
}

test_expect_success 'screenshots at 1280 and 390 pixels wide, kept under build/' '
	shoot report.html 1280 2400 &&
	shoot report.html 390 4000
'

test_expect_success 'the page measured at 1280 and 390 pixels wide' '
	probe report.html 1280 &&
	probe report.html 390 &&
	grep -qx "width=1280" probe-1280.txt &&
	grep -qx "width=390" probe-390.txt
'

test_expect_success 'the legend names the three states of the map' '
	grep -qx "legend=#c6dbef 1 à 4" probe-1280.txt &&
	grep -qx "legend=#08306b 50 et plus" probe-1280.txt &&
	grep -qx "legend=url(#maillage-actors) acteurs présents, aucune victime accompagnée" probe-1280.txt &&
	grep -qx "legend=#ebebeb aucun acteur" probe-1280.txt
'

test_expect_success 'a département with actors but no support is hatched' '
	grep -qx "pattern=1" probe-1280.txt &&
	for c in 01 33 59; do
		grep -qx "fill$c=url(\"#maillage-actors\")" probe-1280.txt || return 1
	done &&
	grep -qx "fill69=rgb(198, 219, 239)" probe-1280.txt &&
	grep -qx "fill02=rgb(235, 235, 235)" probe-1280.txt
'

test_expect_success 'the idle départements are one folded line' '
	grep -qx "rows=7" probe-1280.txt &&
	grep -qx "folded=94 départements sans aucune activité (aucun acteur, aucune victime, aucune formation)" probe-1280.txt &&
	grep -qx "folded-height=0" probe-1280.txt
'

test_expect_success 'the gaps name their actors and the neighbours that support victims' '
	grep -q "<tr><td>01 Ain</td><td>Barreau de Lyon</td><td>69 Rhône (3)</td></tr>" dom.html &&
	grep -q "<tr><td>92 Hauts-de-Seine</td><td>aucun</td><td>75 Paris (12), 93 Seine-Saint-Denis (9)</td></tr>" dom.html
'

test_expect_success 'the map codes are readable at 1280 pixels' '
	h=$(sed -n "s/^label-height=//p" probe-1280.txt) &&
	test "$h" -ge 11
'

test_expect_success 'at 390 pixels: no sideways scrolling of the page' '
	w=$(sed -n "s/^scrollwidth=//p" probe-390.txt) &&
	test "$w" -le 390
'

test_expect_success 'at 390 pixels: the counts in view, the first column kept, a hint' '
	grep -qx "count-headers=Accomp. Repér." probe-390.txt &&
	r=$(sed -n "s/^counts-right=//p" probe-390.txt) &&
	test "$r" -le 390 &&
	grep -qx "table-scrolls=1" probe-390.txt &&
	m=$(sed -n "s/^first-column-moved=//p" probe-390.txt) &&
	test "$m" -le 2 &&
	grep -qx "hint=block" probe-390.txt &&
	grep -qx "hint=none" probe-1280.txt
'

test_expect_success 'the layout checks can fail: a wide element, a column that scrolls away' '
	sed -e "s|<footer>|<div style=\"width:600px\">x</div><footer>|" \
	    -e "s|position:sticky|position:static|" report.html >wide.html &&
	probe wide.html 390 -wide &&
	w=$(sed -n "s/^scrollwidth=//p" probe-390-wide.txt) &&
	test "$w" -gt 390 &&
	m=$(sed -n "s/^first-column-moved=//p" probe-390-wide.txt) &&
	test "$m" -gt 100
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
