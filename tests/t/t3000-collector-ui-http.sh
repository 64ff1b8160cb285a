#!/bin/sh
# t3000-collector-ui-http.sh - the collector's window at the HTTP level
# (curl): it answers only the browser it opened (one-time address, then a
# cookie), only to 127.0.0.1 and localhost, only forms carrying the page's
# CSRF key, within size limits; every refusal leaves the store as it was.
# And what it accepts lands in the same store as the command line.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-ui.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

if ! command -v curl >/dev/null 2>&1; then
	echo "ok 1 # skip curl not installed (apt-get install curl)"
	echo "1..1"
	exit 0
fi
trap 'cd /; [ -n "${UI_PID:-}" ] && kill "$UI_PID" 2>/dev/null; [ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT

# HTTP status of a request: code FILE-FOR-BODY CURL-ARGS...
code() {
	_body=$1
	shift
	curl -sS -o "$_body" -w '%{http_code}' "$@"
}

# The window runs in the background of this script (test bodies run in
# subshells: they cannot start it for the others).
ui_setup >setup.log 2>&1 && ui_start

test_expect_success 'setup: a collector home, the window started' '
	test -n "$UI_PORT" &&
	grep -q "fenêtre prête" ui.err &&
	printf "%s\n" "$UI_URL" | grep -Eq "^http://127\.0\.0\.1:[0-9]+/ouvrir\?cle=[0-9a-f]{64}$"
'

test_expect_success 'it listens on 127.0.0.1 only' '
	if command -v ss >/dev/null 2>&1; then
		ss -ltn | grep ":$UI_PORT " >listen &&
		! grep -v "127\.0\.0\.1:$UI_PORT " listen
	fi
'

test_expect_success 'without the address key: refused' '
	test "$(code body "$UI_BASE/")" = 403 &&
	grep -q "Accès refusé" body &&
	test "$(code body "$UI_BASE/comptages")" = 403 &&
	test "$(code body "$UI_BASE/ouvrir")" = 403 &&
	test "$(code body "$UI_BASE/ouvrir?cle=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")" = 403
'

test_expect_success 'a wrong session cookie: refused' '
	test "$(code body -b "maillage_session_$UI_PORT=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" "$UI_BASE/")" = 403
'

curl -sS -D open.head -o /dev/null -c ui.jar "$UI_URL"
UI_CSRF=$(ui_get / | sed -n 's/.*<meta name="csrf" content="\([0-9a-f]*\)".*/\1/p')
test_expect_success 'the one-time address gives an HttpOnly, SameSite=Strict cookie' '
	grep -q "^HTTP/1.1 303" open.head &&
	grep -i "^Set-Cookie: maillage_session_$UI_PORT=[0-9a-f]\{64\}; Path=/; HttpOnly; SameSite=Strict" open.head &&
	test ${#UI_CSRF} -eq 64
'

test_expect_success 'the one-time address does not work twice' '
	test "$(code body "$UI_URL")" = 403 &&
	grep -q "ne sert" body
'

test_expect_success 'the home page: organisation escaped, strict headers' '
	curl -sS -D head -b ui.jar "$UI_BASE/" >home.html &&
	grep -q "Hors &lt;b&gt;la&lt;/b&gt; Rue" home.html &&
	! grep -q "<b>la</b>" home.html &&
	grep -q "1 changement à envoyer" home.html &&
	grep -qi "^Content-Security-Policy: default-src .none.; script-src .self.;.*frame-ancestors .none." head &&
	grep -qi "^X-Frame-Options: DENY" head &&
	grep -qi "^X-Content-Type-Options: nosniff" head &&
	! grep -i "<script>" home.html &&
	! grep -i " on[a-z]*=" home.html
'

test_expect_success 'another Host header (DNS rebinding): refused' '
	test "$(code body -b ui.jar -H "Host: evil.example:$UI_PORT" "$UI_BASE/")" = 403 &&
	grep -q "127.0.0.1 et localhost" body &&
	test "$(code body -b ui.jar -H "Host: 127.0.0.1:1" "$UI_BASE/")" = 403 &&
	session=$(awk "\$6 == \"maillage_session_$UI_PORT\" { print \$7 }" ui.jar) &&
	test "$(code body -b "maillage_session_$UI_PORT=$session" -H "Host: localhost:$UI_PORT" \
		"$UI_BASE/")" = 200
'

cell="tableau=victims&periode=2026-T1&dept=75&d0=supported&d1=sexual&d2=f&d3=adult&nombre=7"

test_expect_success 'a POST without the CSRF key, or a wrong one: refused, store unchanged' '
	ui_store_sum >before &&
	test "$(code body -b ui.jar -d "$cell" "$UI_BASE/comptages/cellule")" = 403 &&
	grep -q "Formulaire refusé" body &&
	test "$(code body -b ui.jar -d "csrf=0000&$cell" "$UI_BASE/comptages/cellule")" = 403 &&
	test "$(code body -b ui.jar -d "csrf=$(echo $UI_CSRF | tr 0-9a-f 1-9a-f0)&$cell" \
		"$UI_BASE/comptages/cellule")" = 403 &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF" "$UI_BASE/quitter" -H "Origin: http://evil.example")" = 403 &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'the check can fail: with the key, the same POST is stored' '
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&$cell" "$UI_BASE/comptages/cellule")" = 200 &&
	grep -q "\"ok\":true" body &&
	collector list victims --format csv >list.csv &&
	grep -q "2026-Q1,75,supported,sexual,f,adult,7" list.csv
'

test_expect_success 'every table of the questionnaire has its grid' '
	collector tables | sed -n "s/^\([a-z0-9-]*\) — .*/\1/p" >tables &&
	test "$(wc -l <tables)" -ge 10 &&
	while read -r t; do
		test "$(code grid.html -b ui.jar "$UI_BASE/comptages?tableau=$t&periode=2026&dept=93")" = 200 &&
		grep -q "<table class=\"grid\" data-table=\"$t\" data-period=\"2026\" data-dept=\"93\">" grid.html &&
		grep -q "data-dims=" grid.html || { echo "table $t"; return 1; }
	done <tables
'

test_expect_success 'a period or département that does not exist: said, the default shown' '
	ui_get "/comptages?tableau=victims&periode=2026-T9&dept=99" >grid.html &&
	grep -q "class=\"flash bad\"" grid.html &&
	grep -q "data-period=\"2026-Q1\"" grid.html
'

test_expect_success 'paths outside the window: not found, nothing served from disk' '
	for p in /../store.db /%2e%2e/store.db /store.db /identity.key /etc/passwd \
		"/style.css/../../identity.key" /ui.lock; do
		c=$(code body -b ui.jar --path-as-is "$UI_BASE$p") &&
		case $c in 403|404) ;; *) echo "$p: $c"; return 1 ;; esac &&
		! grep -q "BEGIN\|root:" body || return 1
	done
'

test_expect_success 'a POST without the cookie, or to another Host: refused, store unchanged' '
	ui_store_sum >before &&
	test "$(code body -d "csrf=$UI_CSRF&$cell" "$UI_BASE/comptages/cellule")" = 403 &&
	test "$(code body -b "maillage_session_$UI_PORT=$UI_CSRF" -d "csrf=$UI_CSRF&$cell" \
		"$UI_BASE/comptages/cellule")" = 403 &&
	test "$(code body -b ui.jar -H "Host: evil.example" -d "csrf=$UI_CSRF&$cell" \
		"$UI_BASE/comptages/cellule")" = 403 &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'a method other than GET and POST: refused' '
	test "$(code body -b ui.jar -X PUT -d x "$UI_BASE/")" = 405 &&
	test "$(code body -b ui.jar -X DELETE "$UI_BASE/actions")" = 405
'

test_expect_success 'an oversized upload or form: refused, store unchanged' '
	ui_store_sum >before &&
	head -c 17000000 /dev/zero | tr "\0" "a" >big.csv &&
	test "$(code body -b ui.jar -F "csrf=$UI_CSRF" -F "fichier=@big.csv" "$UI_BASE/importer")" = 413 &&
	grep -q "trop gros" body &&
	{ code body -b ui.jar -H "Transfer-Encoding: chunked" -F "csrf=$UI_CSRF" \
		-F "fichier=@big.csv" "$UI_BASE/importer" >chunked.code; true; } &&
	! grep -q "^200$" chunked.code &&
	head -c 70000 /dev/zero | tr "\0" "a" >big.form &&
	test "$(code body -b ui.jar --data-binary "csrf=$UI_CSRF&x=@big.form" -d "x=$(cat big.form)" "$UI_BASE/enregistrer")" = 413 &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'a malformed request: refused, the window still answers' '
	ui_store_sum >before &&
	python3 -c "
import socket, sys
port = int(sys.argv[1])
for raw in (b\"GARBAGE\\r\\n\\r\\n\", b\"GET / HTTP/1.1\\r\\nHost: 127.0.0.1:%d\\r\\nContent-Length: -5\\r\\n\\r\\n\" % port,
            b\"POST /enregistrer HTTP/1.1\\r\\nHost: 127.0.0.1:%d\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nZZZ\\r\\n\\r\\n\" % port,
            b\"GET /\" + b\"a\" * 100000 + b\" HTTP/1.1\\r\\n\\r\\n\"):
    s = socket.create_connection((\"127.0.0.1\", port))
    s.settimeout(5)
    try:
        s.sendall(raw)
        s.shutdown(socket.SHUT_WR)
        answer = s.recv(100)
    except OSError:
        answer = b\"\"
    s.close()
    if answer.startswith(b\"HTTP/1.1 200\"):
        print(raw[:30], answer); sys.exit(1)
" "$UI_PORT" &&
	test "$(code body -b ui.jar "$UI_BASE/")" = 200 &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'a second window on the same home: refused, says where the first is' '
	test_exit_code 4 collector ui --no-browser >second.out 2>second.err &&
	test_one_line second.err "déjà ouverte à l.adresse http://127.0.0.1:$UI_PORT/" &&
	! grep -q "cle=" second.err second.out
'

test_expect_success 'the command line and the window share the store' '
	collector add action --dept 93 --type outreach --start 2026-03-02 \
		--note "Note <i>tapée</i> au terminal" >/dev/null &&
	ui_get /actions >actions.html &&
	grep -q "Note &lt;i&gt;tapée&lt;/i&gt; au terminal" actions.html &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&genre=action&id=&f_dept=75&f_type=prevention&f_start=2026-03-10&f_public=minors&f_public=adults&f_note=depuis+la+fenêtre" "$UI_BASE/enregistrer")" = 303 &&
	collector list action --format csv >list.csv &&
	grep -q "prevention" list.csv &&
	grep -q "depuis la fenêtre" list.csv
'

test_expect_success 'a training and the organisation, from their forms' '
	ui_get /formations | grep -q "name=\"f_audience\" value=\"police\"" &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&genre=training&id=&f_date=2026-03-12&f_dept=93&f_audience=police&f_audience=justice&f_participants=12&f_hours=2h30" "$UI_BASE/enregistrer")" = 303 &&
	collector list training --format csv | tr -d "\r" >tr.csv &&
	grep -q "2026-03-12,93,\"\?police,justice\"\?,12,2.5" tr.csv &&
	ui_get /organisation >org.html &&
	grep -q "name=\"f_dept\" value=\"93\" checked" org.html &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&genre=organisation&id=&f_name=Hors+la+Rue&f_kind=association&f_dept=75&f_dept=93&f_dept=94&f_phone=01+23+45+67+89" "$UI_BASE/enregistrer")" = 303 &&
	collector list organisation --format csv | tr -d "\r" >org.csv &&
	grep -q "01 23 45 67 89" org.csv && grep -q "75,93,94" org.csv
'

test_expect_success 'a CSV with a thousand bad lines: the first ones and the summary shown, nothing stored' '
	ui_store_sum >before &&
	{ echo "period,dept,status,exploitation,sex,age,count" &&
	  i=0 && while [ $i -lt 1000 ]; do echo "2026,975,spotted,sexual,f,adult,$i"; i=$((i + 1)); done
	} >many.csv &&
	test "$(code page.html -b ui.jar -F "csrf=$UI_CSRF" -F "fichier=@many.csv" "$UI_BASE/importer")" = 200 &&
	grep -q "many.csv : ligne 2 : Département (dept)" page.html &&
	grep -q "… et [0-9]* autres messages" page.html &&
	grep -q "many.csv : 1000 lignes refusées, 0 correcte ; rien n&#39;a été importé" page.html &&
	! grep -q "Confirmer l&#39;import" page.html &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'a refused field is said, nothing stored' '
	ui_store_sum >before &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&genre=action&id=&f_dept=975&f_type=prevention&f_start=2026-03-10" "$UI_BASE/enregistrer")" = 200 &&
	grep -q "Non enregistré" body &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'an action deleted from the window is a tombstone' '
	id=$(collector list action --format csv | tr -d "\r" | sed -n "/depuis la fenêtre/s/,.*//p") &&
	test ${#id} = 32 &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&id=$id" "$UI_BASE/supprimer")" = 303 &&
	! collector list action --format csv | grep -q "depuis la fenêtre" &&
	ui_get /actions | grep -q "Action supprimée"
'

test_expect_success 'a template downloaded: the header line alone' '
	curl -sS -D head -b ui.jar "$UI_BASE/modele?tableau=victims" >tpl.csv &&
	grep -qi "^Content-Disposition: attachment; filename=\"modele-victims.csv\"" head &&
	test "$(tr -d "\r" <tpl.csv)" = "period,dept,status,exploitation,sex,age,count" &&
	test "$(code body -b ui.jar "$UI_BASE/modele?tableau=nothing")" = 303
'

test_expect_success 'a bundle downloaded: the merger reads it, the home says what next' '
	curl -sS -D head -b ui.jar -d "csrf=$UI_CSRF&mode=telecharger" "$UI_BASE/envoyer" >dl.bundle &&
	grep -qi "^Content-Disposition: attachment; filename=\"maillage-envoi-20260315T100000Z.bundle\"" head &&
	merger verify dl.bundle >out &&
	grep -q ": ok (" out &&
	ui_get / | grep -q "Fichier d.envoi n° 1 créé le" &&
	! ls "$COLLECTOR_HOME"/ui-*/ | grep -q .
'

test_expect_success 'a bundle into a folder that does not exist: refused, store unchanged' '
	ui_store_sum >before &&
	test "$(code body -b ui.jar -d "csrf=$UI_CSRF&mode=dossier&dossier=$TRASH/nowhere" "$UI_BASE/envoyer")" = 303 &&
	ui_get /envoyer | grep -q "Ce dossier n&#39;existe pas" &&
	ui_store_sum >after &&
	test_cmp before after
'

test_expect_success 'two windows of two homes in one browser: each keeps its session' '
	COLLECTOR_HOME="$TRASH/home2" collector init --kit national.kit --org "Barreau" \
		--kind barreau --dept 13 >/dev/null || return 1
	COLLECTOR_HOME="$TRASH/home2" collector ui --no-browser >ui2.url 2>ui2.err &
	pid2=$! i=0
	while [ $i -lt 100 ] && ! grep -q "^http://" ui2.url; do sleep 0.1; i=$((i + 1)); done
	url2=$(head -n 1 ui2.url) && base2=${url2%%/ouvrir*} &&
	test "$base2" != "$UI_BASE" &&
	curl -sS -o /dev/null -b ui.jar -c ui.jar "$url2" &&
	curl -sS -b ui.jar "$base2/" >second.html &&
	ui_get / >first.html
	kill $pid2; wait $pid2 &&
	grep -q "<span class=\"org\">Barreau</span>" second.html &&
	grep -q "<span class=\"org\">Hors la Rue</span>" first.html
'

kill -INT "$UI_PID"; wait "$UI_PID"; echo $? >sigint.rc; UI_PID=
cp ui.err sigint.err
test_expect_success 'Ctrl-C (SIGINT) closes the window' '
	test "$(cat sigint.rc)" = 0 &&
	grep -q "fenêtre fermée" sigint.err &&
	! ls "$COLLECTOR_HOME" | grep -q "^ui-"
'

ui_start && ui_open
test_expect_success 'the next window opens, with a new address' '
	test "$(code body -b ui.jar "$UI_BASE/")" = 200
'

code quit.html -b ui.jar -d "csrf=$UI_CSRF" "$UI_BASE/quitter" >quit.code
wait "$UI_PID"; echo $? >quit.rc; UI_PID=
test_expect_success 'Quitter stops the window' '
	test "$(cat quit.code)" = 200 &&
	grep -q "Fenêtre fermée" quit.html &&
	test "$(cat quit.rc)" = 0 &&
	grep -q "fenêtre fermée" ui.err
'

# The window in English: started with LANG asking for it (the harness's
# LC_ALL emptied, as the first of LC_ALL, LC_MESSAGES and LANG that is
# not empty decides).  The browser's language is not read: curl sends
# none, then a French one.
ui_start LC_ALL= LANG=en_GB.UTF-8 && ui_open
ui_get / >en-home.html
curl -sS -b ui.jar -H "Accept-Language: fr-FR,fr;q=0.9" \
	"$UI_BASE/comptages?tableau=victims&periode=2026-T1&dept=75" >en-grid.html
ui_get "/comptages?tableau=victims&periode=2026-T9&dept=75" >en-bad.html
code en-del.html -b ui.jar -d "csrf=$UI_CSRF&id=nothing" "$UI_BASE/supprimer" >/dev/null
ui_get / >en-del-flash.html
code en-refused.html "$UI_BASE/actions" >en-refused.code
code en-quit.html -b ui.jar -d "csrf=$UI_CSRF" "$UI_BASE/quitter" >/dev/null
wait "$UI_PID"; echo $? >en-quit.rc; UI_PID=

test_expect_success 'in English when the locale asks: the home page' '
	grep -q "^<!DOCTYPE html>" en-home.html &&
	grep -q "<html lang=\"en\">" en-home.html &&
	grep -q "<h1>Home</h1>" en-home.html &&
	grep -q ">Count entry</a>" en-home.html &&
	grep -q "<button type=\"submit\">Quit</button>" en-home.html &&
	grep -q "<dt>Last receipt</dt>" en-home.html &&
	grep -q "edition 1 of .*, [0-9]* table(s)</dd>" en-home.html &&
	! grep -q "lang=\"fr\"\|Accueil\|Saisie des comptages\|Quitter\|Dernier envoi\|changement\|Fichier d.envoi\|tableaux" en-home.html
'

test_expect_success 'in English: the count-entry page, its labels from the questionnaire' '
	grep -q "<html lang=\"en\">" en-grid.html &&
	grep -q "<h1>Count entry</h1>" en-grid.html &&
	grep -q "<button type=\"submit\">Show</button>" en-grid.html &&
	grep -q "<label for=\"periode\">Period</label>" en-grid.html &&
	grep -q "value=\"2026-Q1\"" en-grid.html &&
	grep -q "<h2>Victims spotted and supported — 2026-Q1, 75 Paris</h2>" en-grid.html &&
	grep -q "Status of the victims" en-grid.html &&
	grep -q ">supported</th>" en-grid.html &&
	grep -q "data-lost=\"Not saved: the window no longer answers" en-grid.html &&
	! grep -q "Afficher\|Période\|Saisie\|Chaque case\|Enregistrement\|accompagnées</\|trimestre\|Victimes repérées" en-grid.html
'

test_expect_success 'in English: error flashes and refusals' '
	grep -q "<div class=\"flash bad\" role=\"status\">Period (period): invalid period &quot;2026-T9&quot;" en-bad.html &&
	! grep -q "période invalide" en-bad.html &&
	grep -q "<div class=\"flash bad\" role=\"status\">Invalid id: nothing was deleted.</div>" en-del-flash.html &&
	test "$(cat en-refused.code)" = 403 &&
	grep -q "<html lang=\"en\">.*<h1>Refused</h1><p>Access refused: open the window" en-refused.html &&
	! grep -q "Accès refusé" en-refused.html &&
	grep -q "<h1>Window closed</h1>" en-quit.html &&
	test "$(cat en-quit.rc)" = 0 &&
	grep -q "^collector: window closed$" ui.err
'

# The browser: xdg-open gets the one-time address; when it fails, the
# address is printed instead.  A stand-in xdg-open records what it gets.
mkdir -p fakebin
printf '#!/bin/sh\necho "$1" >"%s/opened.url"\nexit "${FAKE_XDG_EXIT:-0}"\n' "$TRASH" >fakebin/xdg-open
chmod +x fakebin/xdg-open
for mode in 0 3; do
	rm -f opened.url
	FAKE_XDG_EXIT=$mode PATH="$TRASH/fakebin:$PATH" collector ui >browser$mode.out 2>browser$mode.err &
	pid=$!
	i=0
	while [ $i -lt 100 ] && ! grep -q "navigateur" browser$mode.err 2>/dev/null; do
		sleep 0.1; i=$((i + 1))
	done
	code opened$mode.html -c jar$mode "$(cat opened.url)" >opened$mode.code
	kill "$pid"; wait "$pid"
done

test_expect_success 'xdg-open opens the one-time address; nothing on standard output' '
	test "$(cat opened0.code)" = 303 &&
	grep -q "maillage_session" jar0 &&
	grep -q "fenêtre ouverte dans le navigateur" browser0.err &&
	test ! -s browser0.out
'

test_expect_success 'xdg-open failing: the address is printed on the terminal' '
	grep -q "le navigateur n.a pas pu être ouvert ; ouvrez cette adresse .*: http://127\.0\.0\.1:[0-9]*/ouvrir?cle=[0-9a-f]\{64\}$" browser3.err
'

# The ordinary build opens libmicrohttpd only for the window (ui.c,
# MAILLAGE_MHD_DLOPEN): without a usable copy, ui says which package to
# install, and the other commands never needed it.
if ldd "$MAILLAGE_BUILD/collector" 2>/dev/null | grep -q libmicrohttpd ||
   ! ldd "$MAILLAGE_BUILD/collector" >/dev/null 2>&1; then
	test_skip 'without libmicrohttpd, ui names the package' 'libmicrohttpd is linked in'
else
	test_expect_success 'without libmicrohttpd, ui names the package; the rest works' '
		mkdir -p nolib badlib &&
		echo "not a library" >nolib/libmicrohttpd.so.12 &&
		LD_LIBRARY_PATH="$TRASH/nolib" test_exit_code 4 collector ui --no-browser 2>err &&
		test_one_line err "^collector: la fenêtre a besoin de la bibliothèque libmicrohttpd, introuvable ou inutilisable \(paquet Debian libmicrohttpd12\) : " &&
		printf "int not_mhd;\n" >lib.c &&
		cc -shared -fPIC -o badlib/libmicrohttpd.so.12 lib.c &&
		LD_LIBRARY_PATH="$TRASH/badlib" test_exit_code 4 collector ui --no-browser 2>err &&
		test_one_line err "^collector: la bibliothèque libmicrohttpd n.a pas MHD_start_daemon : installez le paquet Debian libmicrohttpd12$" &&
		LD_LIBRARY_PATH="$TRASH/nolib" collector status >out &&
		grep -q "^Organisation : " out
	'
fi

test_done
