#!/bin/sh
# t5900-map.sh - the map of the départements in the HTML report: the
# generated outlines (merger/map_data.c) and the SVG that map_svg_write
# makes of them, through the map-svg test program (tests/tools/map-svg.c),
# then the same map inside `merger report --format html`.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

dept_codes() {
	sed -n 's/^<path data-dept="\([^"]*\)".*/\1/p' "$1"
}

test_expect_success 'the outlines pass the geometric check' '
	map-svg --check 2>err &&
	test ! -s err
'

test_expect_success 'neighbours: land borders, Corsica alone, overseas none' '
	map-svg --neighbours >near &&
	test "$(wc -l <near)" -eq 101 &&
	grep -qx "01: 38 39 69 71 73 74" near &&
	grep -qx "29: 22 56" near &&
	grep -qx "75: 92 93 94" near &&
	grep -qx "33: 17 24 40 47" near &&
	grep -qx "2A: 2B" near && grep -qx "2B: 2A" near &&
	for c in 971 972 973 974 976; do grep -qx "$c:" near || return 1; done &&
	grep -qx "14: 27 50 61" near &&
	# every border seen from both sides: each pair twice
	awk "{ for (i = 2; i <= NF; i++) n++ } END { print n }" near >pairs &&
	test "$(cat pairs)" -eq 476
'

test_expect_success 'one inline svg element, described for screen readers' '
	map-svg >map.svg &&
	head -n 1 map.svg >first &&
	printf "<svg %s %s %s %s>\n" "xmlns=\"http://www.w3.org/2000/svg\"" \
		"viewBox=\"0 0 1000 1000\"" "role=\"img\"" \
		"aria-label=\"Carte des départements\"" >expect &&
	test_cmp expect first &&
	test "$(tail -n 1 map.svg)" = "</svg>" &&
	test "$(grep -c "<svg" map.svg)" -eq 1
'

test_expect_success 'one path per département, in INSEE order' '
	all_dept_codes >expect &&
	dept_codes map.svg >actual &&
	test_cmp expect actual
'

test_expect_success 'the zoom repeats Paris and the petite couronne' '
	printf "75\n92\n93\n94\n" >expect &&
	sed -n "s/^<path data-zoom=\"\([^\"]*\)\".*/\1/p" map.svg >actual &&
	test_cmp expect actual
'

test_expect_success 'every path has outline data' '
	test "$(grep -c "^<path data-[a-z]*=\"[0-9AB]*\" d=\"M[0-9]" map.svg)" -eq 105 &&
	! grep "^<path" map.svg | grep -q "d=\"\""
'

test_expect_success 'defaults: grey fill, "CODE Name" titles, escaped' '
	test "$(grep -c "fill=\"#e0e0e0\"><title>" map.svg)" -eq 105 &&
	grep -q "^<path data-dept=\"2A\" .*<title>2A Corse-du-Sud</title></path>$" map.svg &&
	grep -q "^<path data-dept=\"974\" .*<title>974 La Réunion</title></path>$" map.svg &&
	grep -q "^<path data-dept=\"95\" .*<title>95 Val-d&#39;Oise</title></path>$" map.svg &&
	grep -q "^<path data-zoom=\"75\" .*<title>75 Paris</title></path>$" map.svg
'

test_expect_success 'fill and title of each département from the callbacks' '
	map-svg "#123456" "couvert" >cb.svg &&
	rest=" d=\"[^\"]*\" fill=\"#123456\"><title>\1:couvert</title></path>$" &&
	test "$(grep -c "^<path data-dept=\"\([0-9AB]*\)\"$rest" cb.svg)" -eq 101 &&
	test "$(grep -c "^<path data-zoom=\"\([0-9]*\)\"$rest" cb.svg)" -eq 4
'

test_expect_success 'a hostile fill and title are escaped' '
	map-svg "red\" onload=\"alert(1)" "</title><script>alert(1)</script>&amp;" >evil.svg &&
	! grep -qi "<script" evil.svg &&
	! grep -q "onload=\"" evil.svg &&
	test "$(grep -c "fill=\"red&quot; onload=&quot;alert(1)\">" evil.svg)" -eq 105 &&
	t="75:&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;" &&
	grep -q "<title>$t</title>" evil.svg
'

test_expect_success 'no script, style or reference outside the element' '
	grep -v "^<svg xmlns=\"http://www.w3.org/2000/svg\" " map.svg >rest &&
	! grep -Ei "href|url\(|<script|<style|<image|<use|<foreign|https?:|@import| on[a-z]+=" rest
'

test_expect_success 'each code labelled once, on the map or in the zoom' '
	all_dept_codes | sort >expect &&
	sed -n "/class=\"map-labels\"/,/<\/g>/s/^<text [^>]*>\([^<]*\)<\/text>$/\1/p" map.svg |
		sort >actual &&
	test_cmp expect actual
'

test_expect_success 'six framed insets with their captions, and the credit' '
	test "$(grep -c "^<rect " map.svg)" -eq 7 &&
	grep -q ">Contours : IGN Admin Express, Licence Ouverte</text>$" map.svg &&
	for c in Guadeloupe Martinique Guyane "La Réunion" Mayotte "Paris et petite couronne"
	do
		grep -q "^<text [^>]*>$c</text>$" map.svg || return 1
	done
'

test_expect_success 'small enough to inline in a report' '
	test "$(wc -c <map.svg)" -lt 120000
'

if command -v python3 >/dev/null 2>&1; then
	test_expect_success 'well-formed XML, 105 paths each with a title' '
		python3 -c "
import sys, xml.etree.ElementTree as ET
ns = \"{http://www.w3.org/2000/svg}\"
for name in sys.argv[1:]:
    root = ET.parse(name).getroot()
    assert root.tag == ns + \"svg\", root.tag
    paths = list(root.iter(ns + \"path\"))
    assert len(paths) == 105, len(paths)
    for p in paths:
        t = p.find(ns + \"title\")
        assert t is not None and t.text, p.attrib
" map.svg cb.svg evil.svg
	'
else
	test_skip 'well-formed XML, 105 paths each with a title' 'no python3'
fi

# The report embeds the same element; checked once the merger is built.
if [ -x "$MAILLAGE_BUILD/merger" ]; then
	test_expect_success 'merger report --format html holds the map' '
		merger init --name "Coordination nationale" &&
		merger report --format html -o report.html &&
		test "$(grep -c "aria-label=\"Carte des départements\"" report.html)" -eq 1 &&
		all_dept_codes >expect &&
		dept_codes report.html >actual &&
		test_cmp expect actual &&
		! grep "^<path data-dept=" report.html | grep -q "fill=\"\"" &&
		! grep -qi "<script" report.html
	'
else
	test_skip 'merger report --format html holds the map' 'merger not built'
fi

test_done
