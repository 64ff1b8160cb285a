#!/bin/sh
# t5020-report-html.sh - the HTML report: one self-contained page, the map
# in three states (victims supported by class, actors without support
# hatched, no actor), the list that says the same, every table (the idle
# départements folded, the gaps with their actors and neighbours), and
# collector text escaped (a hostile organisation name must stay text).
# Also the other places a hostile name reaches: CSV cells, the terminal.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-report.sh"

export MAILLAGE_NOW=1767268800

test_expect_success 'fixture and report' '
	report_fixture &&
	merger report --format html -o report.html 2>err &&
	test_one_line err "report.html: report for 2025 written" &&
	test -s report.html
'

test_expect_success 'one page, French, with its title and period' '
	test "$(head -n 1 report.html)" = "<!DOCTYPE html>" &&
	grep -q "^<html lang=\"fr\">\$" report.html &&
	grep -q "^<title>Diagnostic national 2025</title>\$" report.html &&
	grep -q "^<p class=\"meta\">Période du 2025-01-01 au 2025-12-31 · généré le 2026-01-01 12:00 UTC par Coordination nationale</p>\$" report.html &&
	test "$(tail -n 1 report.html)" = "</html>"
'

# Three times: the reporting rates (missing, then never sent anything) and
# the directory.
test_expect_success 'the hostile organisation name is text, everywhere' '
	! grep -q "<img" report.html &&
	! grep "onerror" report.html | grep -v "&lt;img src=x onerror=alert(1)&gt;" &&
	test "$(grep -c "&lt;img src=x onerror=alert(1)&gt;" report.html)" -eq 3
'

test_expect_success 'self-contained: no script, no request, no link from data' '
	! grep -Eqi "<script|<link|<iframe|<object|<embed|<img|@import|<[^>]* (src|href|on[a-z]+)=" report.html &&
	grep -o "url([^)]*)" report.html | sort -u >urls &&
	echo "url(#maillage-actors)" >expect &&
	test_cmp expect urls &&
	grep -o "https\?://[^\" <]*" report.html | sort -u >links &&
	printf "%s\n" http://www.w3.org/2000/svg https://alpha.example >expect &&
	test_cmp expect links &&
	grep -q "<br>https://alpha.example</td>" report.html
'

test_expect_success 'the map: supported by class, actors only hatched, no actor grey' '
	test "$(grep -c "^<path data-dept=" report.html)" -eq 101 &&
	grep "^<path data-dept=" report.html |
		sed -n "s/^<path data-dept=\"\([^\"]*\)\" .* fill=\"url(#maillage-actors)\">.*/\1/p" >hatched &&
	printf "01\n33\n59\n" >expect &&
	test_cmp expect hatched &&
	grep "^<path data-dept=" report.html |
		sed -n "s/^<path data-dept=\"\([^\"]*\)\" .* fill=\"#ebebeb\">.*/\1/p" >grey &&
	merger gaps | cut -f1 | grep -vx -e 01 -e 33 -e 59 >expect &&
	test_cmp expect grey &&
	test "$(wc -l <grey)" -eq 94 &&
	grep -q "^<path data-dept=\"02\" .* fill=\"#ebebeb\"><title>02 Aisne : aucun acteur, aucune victime accompagnée</title>" report.html &&
	grep -q "^<path data-dept=\"75\" .* fill=\"#6baed6\"><title>75 Paris : 12 victimes accompagnées, 1 acteur</title>" report.html &&
	grep -q "^<path data-dept=\"93\" .* fill=\"#6baed6\"><title>" report.html &&
	grep -q "^<path data-dept=\"69\" .* fill=\"#c6dbef\"><title>69 Rhône : 3 victimes accompagnées, 1 acteur</title>" report.html &&
	grep -q "^<path data-dept=\"13\" .* fill=\"#c6dbef\"><title>13 Bouches-du-Rhône : 1 victime accompagnée, 1 acteur</title>" report.html &&
	grep -q "^<path data-dept=\"59\" .* fill=\"url(#maillage-actors)\"><title>59 Nord : aucune victime accompagnée, 1 acteur</title>" report.html &&
	grep -q "<pattern id=\"maillage-actors\"" report.html
'

test_expect_success 'the legend names every class and the three states' '
	sed -n "/<figcaption class=\"legend\">/,/<\/figcaption>/p" report.html >legend &&
	grep -q "^<b>Victimes accompagnées :</b>\$" legend &&
	grep -q "fill=\"url(#maillage-actors)\"/></svg>acteurs présents, aucune victime accompagnée</span>" legend &&
	grep -q "fill=\"#ebebeb\"/></svg>aucun acteur</span>" legend &&
	grep -q "fill=\"#c6dbef\"/></svg>1 à 4</span>" legend &&
	grep -q "fill=\"#6baed6\"/></svg>5 à 19</span>" legend &&
	grep -q "fill=\"#2171b5\"/></svg>20 à 49</span>" legend &&
	grep -q "fill=\"#08306b\"/></svg>50 et plus</span>" legend
'

test_expect_success 'the map in words, under it' '
	sed -n "/<div class=\"maplist\"/,/<\/div>/p" report.html >list &&
	grep -q "^<p><b>Victimes accompagnées (4 départements) :</b> 13 Bouches-du-Rhône (1), 69 Rhône (3), 75 Paris (12), 93 Seine-Saint-Denis (9).</p>\$" list &&
	grep -q "^<p><b>Acteurs présents, aucune victime accompagnée (3) :</b> 01 Ain, 33 Gironde, 59 Nord.</p>\$" list &&
	grep -q "^<details><summary>Aucun acteur (94 départements)</summary>\$" list
'

test_expect_success 'the tables: totals, départements, gaps, completeness, directory' '
	for id in synthese carte totaux departements lacunes completude annuaire; do
		grep -q "<section id=\"$id\"" report.html || { echo "no $id"; return 1; }
	done &&
	grep -q "^<tr><td>Total</td><td class=\"n\">25</td><td class=\"n\">100,0&nbsp;%</td><td class=\"n\">34</td>" report.html &&
	grep -q "^<tr><td>75 Paris</td><td class=\"n\">12</td><td class=\"n\">8</td><td class=\"n\">1</td><td class=\"n\">0</td><td class=\"n\">0</td><td class=\"t\">1&nbsp;Association</td><td class=\"t\">Hébergement, mise à l&#39;abri</td><td class=\"t\">Île-de-France</td></tr>\$" report.html &&
	grep -q "Départements sans aucun accompagnement de victimes (97)</h2>" report.html &&
	grep -q "^<li>Silencieuse <i>(toutes ses clés sont révoquées)</i></li>\$" report.html &&
	grep -q "^<tr><td>Alpha</td><td>Association</td><td>Hébergement, mise à l&#39;abri</td><td>contact@alpha.example<br>01 23 45 67 89<br>https://alpha.example</td></tr>\$" report.html
'

test_expect_success 'départements: the active ones, the idle ones folded in one line' '
	sed -n "/<section id=\"departements\">/,/<\/section>/p" report.html >depts &&
	sed -n "s/^<tr[^>]*><td>\([0-9AB]*\) .*/\1/p" depts >active &&
	printf "01\n13\n33\n59\n69\n75\n93\n" >expect &&
	test_cmp expect active &&
	test "$(grep -c "^<tr class=\"gap\"><td>" depts)" -eq 3 &&
	test "$(grep -c "<details" depts)" -eq 1 &&
	grep -q "^<details class=\"idle\"><summary>94 départements sans aucune activité (aucun acteur, aucune victime, aucune formation)</summary>\$" depts &&
	grep -q "^<p>02 Aisne, 03 Allier, .*, 976 Mayotte.</p>\$" depts &&
	! grep -q "<p>.*75 Paris" depts
'

test_expect_success 'gaps: actors present and neighbours that support victims' '
	sed -n "/<section id=\"lacunes\">/,/<\/section>/p" report.html >gaps &&
	grep -q "^<tr><td>01 Ain</td><td>Barreau de Lyon</td><td>69 Rhône (3)</td></tr>\$" gaps &&
	grep -q "^<tr><td>33 Gironde</td><td>Silencieuse</td><td>aucun</td></tr>\$" gaps &&
	grep -q "^<tr><td>59 Nord</td><td>Préfecture du Nord</td><td>aucun</td></tr>\$" gaps &&
	grep -q "^<tr><td>92 Hauts-de-Seine</td><td>aucun</td><td>75 Paris (12), 93 Seine-Saint-Denis (9)</td></tr>\$" gaps &&
	grep -q "^<tr><td>30 Gard</td><td>aucun</td><td>13 Bouches-du-Rhône (1)</td></tr>\$" gaps &&
	! grep -q "^<tr><td>\(13\|69\|75\|93\) " gaps &&
	test "$(grep -c "^<tr><td>" gaps)" -eq 13 &&
	grep -q "^<details class=\"idle\"><summary>84 départements sans acteur ni voisin accompagnant des victimes</summary>\$" gaps &&
	grep -q "^<p>02 Aisne, .*, 2A Corse-du-Sud, 2B Haute-Corse, .*, 971 Guadeloupe, .*976 Mayotte.</p>\$" gaps
'

test_expect_success 'gaps: an overseas gap with actors says it has no neighbour' '
	cp "$MERGER_HOME/national.db" saved.db &&
	sqlite3 "$MERGER_HOME/national.db" "INSERT INTO organisation_dept VALUES (4, '"'"'974'"'"')" &&
	merger report --format html -o oversea.html 2>/dev/null &&
	grep -q "^<tr><td>974 La Réunion</td><td>Silencieuse</td><td><i>aucun département voisin</i></td></tr>\$" oversea.html &&
	grep -q "fill=\"url(#maillage-actors)\"><title>974 La Réunion : aucune victime accompagnée, 1 acteur</title>" oversea.html &&
	cp saved.db "$MERGER_HOME/national.db"
'

if command -v python3 >/dev/null 2>&1; then
	test_expect_success 'balanced markup' '
		python3 -c "
import sys
from html.parser import HTMLParser
void = {\"meta\", \"br\", \"rect\", \"path\", \"line\"}
class P(HTMLParser):
    def __init__(self):
        super().__init__(); self.stack = []
    def handle_starttag(self, tag, attrs):
        if tag not in void: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs): pass
    def handle_endtag(self, tag):
        if tag in void: return
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-3:], self.getpos())
        self.stack.pop()
p = P(); p.feed(open(sys.argv[1], encoding=\"utf-8\").read()); p.close()
assert p.stack == [], p.stack
" report.html
	'
else
	test_skip 'balanced markup' 'no python3'
fi

test_expect_success 'CSV: a formula in a contact is neutralised' '
	merger report --format csv --table directory >dir.csv &&
	grep -q "^2025,13,Bouches-du-Rhône,<img src=x onerror=alert(1)>,association,Association,,,'"'"'=cmd|'"'"' /C calc'"'"'!A0,," dir.csv &&
	! grep -q ",=cmd" dir.csv
'

test_expect_success 'terminal: control characters in a name are shown, not run' '
	sqlite3 "$MERGER_HOME/national.db" \
		"UPDATE organisation SET name = '"'"'Evil'"'"' || char(27) || '"'"'[2J'"'"' WHERE id = 4" &&
	merger directory --dept 33 >dir.txt &&
	! grep -q "$(printf "\033")" dir.txt &&
	grep -qF "  Evil\\x1b[2J — Association" dir.txt &&
	merger report --table completeness >c.txt &&
	grep -qF "    - Evil\\x1b[2J (toutes ses clés sont révoquées)" c.txt &&
	merger report --format json >r.json &&
	grep -qF "\"Evil\\u001b[2J\"" r.json
'

test_expect_success 'public HTML: the legend says what is hidden' '
	merger report --public --format html -o pub.html 2>/dev/null &&
	sed -n "/<figcaption class=\"legend\">/,/<\/figcaption>/p" pub.html >legend &&
	! grep -q "&lt;5\|#c6dbef" legend &&
	grep -q "fill=\"#6baed6\"/></svg>5 à 19</span>" legend &&
	grep -q "fill=\"#a3a3a3\"/></svg>s : masqué (secret statistique)</span>" legend &&
	test "$(stat -c %a pub.html)" = 644
'

test_done
