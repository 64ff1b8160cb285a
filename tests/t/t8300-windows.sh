#!/bin/sh
# t8300-windows.sh - the Windows programs (make windows: collector.exe and
# merger.exe) under Wine: only Windows system DLLs imported, under 4 MB;
# init, request, add, import, export, ack with collector.exe; init,
# enroll, merge, report with merger.exe; a home whose path has accents
# and spaces, given with backslashes; the default home under
# %LOCALAPPDATA%; portable mode; bundles and receipts crossing between
# the Windows and the Linux programs, both ways; the window (collector.exe
# ui) under Wine, and a start with no argument meaning ui.
#
# Builds nothing: run `make check-windows` (or `make windows` first).
# Skipped, with the reason, when the .exe files, objdump or Wine are
# missing.  One Wine prefix for the whole script, in the scratch folder.

. "$(dirname "$0")/test-lib.sh"

WIN="$MAILLAGE_SRC/build/windows"
OBJDUMP=x86_64-w64-mingw32-objdump
MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

if [ ! -f "$WIN/collector.exe" ] || [ ! -f "$WIN/merger.exe" ]; then
	test_skip 'Windows programs' "no $WIN/*.exe: run make windows (or make check-windows)"
	test_done
fi

if command -v $OBJDUMP >/dev/null 2>&1; then
	test_expect_success 'only Windows system DLLs are imported; each program under 4 MB' '
		for p in collector merger; do
			$OBJDUMP -p "$WIN/$p.exe" >dump || return 1
			grep -q "^Magic.*PE32+" dump || return 1
			sed -n "s/^[[:space:]]*DLL Name: //p" dump | tr A-Z a-z | sort -u >dlls
			test -s dlls || return 1
			grep -v -x -E "kernel32.dll|msvcrt.dll|ucrtbase.dll|api-ms-win-crt-.*\.dll|advapi32.dll|ws2_32.dll|shell32.dll|user32.dll|bcrypt.dll" dlls >other
			if test -s other; then
				echo "$p.exe imports:" && cat other && return 1
			fi
			test "$(stat -c %s "$WIN/$p.exe")" -lt 4194304 || return 1
		done
	'
else
	test_skip 'import table and size' "$OBJDUMP not found (gcc-mingw-w64-x86-64-win32)"
fi

WINE=
for w in /usr/lib/wine/wine64 /usr/bin/wine64 /usr/bin/wine; do
	[ -x "$w" ] && { WINE=$w; break; }
done
if [ -z "$WINE" ]; then
	test_skip 'the programs under Wine' "Wine not found (Debian: apt-get install wine64)"
	test_done
fi
WINEPREFIX="$TRASH/wine"
WINEDEBUG=-all
# No dialog offering to install Mono or Gecko into the new prefix.
WINEDLLOVERRIDES="mscoree,mshtml="
export WINEPREFIX WINEDEBUG WINEDLLOVERRIDES

# The Windows form of a path of this machine: drive Z: is /.
winpath() {
	printf 'Z:%s' "$1" | tr / '\\'
}
# wcollector / wmerger ARGS...: the Windows programs.
wcollector() {
	"$WINE" "$WIN/collector.exe" "$@"
}
wmerger() {
	"$WINE" "$WIN/merger.exe" "$@"
}
# The Windows programs' temporary folder (%TEMP%), as a path of this
# machine: drive C: is the prefix's drive_c.
wintemp() {
	"$WINE" cmd /c echo %TEMP% 2>/dev/null | tr -d '\r' | tr '\\' / |
		sed "s|^[Cc]:|$WINEPREFIX/drive_c|"
}
# wm ARGS...: merger.exe with its home in $WM, named the Windows way.
WM="$TRASH/Coordination nationale"
wm() {
	env LC_ALL=en_GB.UTF-8 MERGER_HOME="$(winpath "$WM")" "$WINE" "$WIN/merger.exe" "$@"
}

VERSION=$(cat "$MAILLAGE_SRC/VERSION")
LEA="$TRASH/Léa Données/CLÉ USB"
LEA_W=$(winpath "$LEA")

test_expect_success 'a new Wine prefix; both programs run and know their version' '
	wcollector --version >out 2>err &&
	test "$(cat out)" = "collector $VERSION" &&
	wmerger --version >out &&
	test "$(cat out)" = "merger $VERSION"
'

test_expect_success 'setup: a Linux coordinator and its kit' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null
'

test_expect_success 'collector.exe init: a home with accents and spaces, given with backslashes' '
	wcollector --home "$LEA_W" init --kit national.kit --org "Hors la Rue" \
		--kind association --dept 75,93 >out 2>err &&
	grep -q "^Poste initialisé : Z:$LEA$" out &&
	test -f "$LEA/identity.key" && test -f "$LEA/store.db" && test -f "$LEA/kit" &&
	test -z "$(ls -A "$TRASH/Léa Données" | grep -v "^CLÉ USB$")" &&
	test "$(sqlite3 "$LEA/store.db" "SELECT count(*) FROM meta")" -gt 0
'

test_expect_success 'an initialised home is refused in French, on one line, nothing changed' '
	cp "$LEA/identity.key" key.before &&
	test_exit_code 4 wcollector --home "$LEA_W" init --kit national.kit \
		--org "Autre" --kind association --dept 75 2>err &&
	test_one_line err "le dossier de travail Z:$LEA est déjà initialisé \(rien n.a été modifié\)" &&
	cmp key.before "$LEA/identity.key"
'

test_expect_success 'request, enrolment by the Linux merger, add, import, list' '
	export COLLECTOR_HOME="$LEA_W" &&
	wcollector request -o hlr.request 2>err &&
	merger enroll --yes hlr.request >/dev/null 2>&1 &&
	wcollector add support --period 2026-Q1 --dept 93 --status supported \
		--exploitation labour --sex m --age adult --count 17 >sup.id &&
	wcollector add action --dept 75 --type outreach --start 2026-03-02 \
		--note "Maraude rue d’Aubervilliers, « été »" >act.id &&
	wcollector import "$MAILLAGE_SRC/tests/data/examples/action.csv" 2>err &&
	grep -q "3 lignes importées (actions)" err &&
	wcollector list action --format csv >list.csv &&
	grep -q "$(cat act.id)" list.csv &&
	grep -q "Maraude rue d’Aubervilliers, « été »" list.csv &&
	test "$(grep -c "^[0-9a-f]\{32\}," list.csv)" = 4 &&
	wcollector list action >list.txt &&
	test "$(grep -c "Maraude rue d’Aubervilliers" list.txt)" = 1 &&
	test "$(grep -c "^[0-9a-f]\{12\}  " list.txt)" = 4
'

test_expect_success 'a bundle of collector.exe merged by the Linux merger; the receipt acked' '
	export COLLECTOR_HOME="$LEA_W" &&
	wcollector export -o "$(winpath "$TRASH/mars.bundle")" 2>err &&
	mkdir receipts &&
	merger merge --receipts receipts mars.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	sqlite3 "$MERGER_HOME/national.db" "SELECT count(*) FROM action" >n &&
	test "$(cat n)" = 4 &&
	wcollector ack receipts/*.receipt 2>err &&
	wcollector status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out
'

test_expect_success 'export to standard output: the bundle bytes are not changed' '
	export COLLECTOR_HOME="$LEA_W" &&
	wcollector edit "$(cat sup.id)" --count 18 >/dev/null &&
	wcollector export -o - >avril.bundle 2>err &&
	rm -f receipts/* &&
	merger merge --receipts receipts avril.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	test "$(sqlite3 "$MERGER_HOME/national.db" "SELECT count FROM support")" = 18
'

test_expect_success 'an existing file: kept by template and export (exit 3)' '
	export COLLECTOR_HOME="$LEA_W" &&
	wcollector template action -o tpl.csv 2>err &&
	echo "mine" >>tpl.csv && cp tpl.csv tpl.before &&
	test_exit_code 3 wcollector template action -o tpl.csv 2>err &&
	test_one_line err "tpl.csv : le fichier existe déjà ; il n.a pas été remplacé$" &&
	cmp tpl.before tpl.csv &&
	cp mars.bundle mars.before &&
	test_exit_code 3 wcollector export --full -o mars.bundle 2>err &&
	test_one_line err "mars.bundle existe déjà" &&
	cmp mars.before mars.bundle &&
	wcollector export --full -o mars2.bundle 2>err &&
	ls >files && ! grep "\.tmp$" files &&
	merger merge mars2.bundle >out &&
	grep -q "^bundles merged: *1$" out
'

test_expect_success 'no home named: the default home is under %LOCALAPPDATA%\\Maillage' '
	env -u COLLECTOR_HOME "$WINE" "$WIN/collector.exe" init --kit national.kit \
		--org "Barreau de Lyon" --kind barreau --dept 69 >out 2>err &&
	grep -q "^Poste initialisé : C:/users/.*/AppData/Local/Maillage/collector$" out &&
	ls "$WINEPREFIX"/drive_c/users/*/AppData/Local/Maillage/collector/identity.key
'

test_expect_success 'portable mode: maillage-data beside collector.exe, found from anywhere' '
	STICK="$TRASH/Clé portable" &&
	mkdir "$STICK" && cp "$WIN/collector.exe" "$STICK/" &&
	env -u COLLECTOR_HOME "$WINE" "$STICK/collector.exe" init --portable \
		--kit national.kit --org "Amicale du Nid" --kind association \
		--dept 13 >out 2>err &&
	grep -q "^Poste initialisé : Z:$STICK/maillage-data$" out &&
	test -f "$STICK/maillage-data/identity.key" &&
	mkdir elsewhere &&
	(cd elsewhere && env -u COLLECTOR_HOME "$WINE" "$STICK/collector.exe" status) >out &&
	grep -q "^Dossier de travail : Z:$STICK/maillage-data$" out &&
	grep -q "^Organisation : Amicale du Nid$" out &&
	test ! -e elsewhere/maillage-data
'

test_expect_success 'merger.exe: init, kit, enrolment of a Linux collector' '
	wm init --name "Coordination Windows" \
		>out 2>err &&
	test -f "$WM/national.db" && test -f "$WM/coordinator.key" &&
	wm kit -o win.kit 2>err &&
	collector --home "$TRASH/linux-home" init --kit win.kit --org "Barreau de Paris" \
		--kind barreau --dept 75 >/dev/null &&
	collector --home "$TRASH/linux-home" request -o linux.request 2>/dev/null &&
	wm enroll --yes linux.request >out 2>err
'

test_expect_success 'a Linux bundle merged by merger.exe; its receipt applied by collector.exe to the same home' '
	collector --home "$TRASH/linux-home" add support --period 2026-Q1 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult --count 12 >/dev/null &&
	collector --home "$TRASH/linux-home" export -o linux.bundle 2>/dev/null &&
	mkdir wr &&
	wm merge --receipts wr linux.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	wcollector --home "$(winpath "$TRASH/linux-home")" ack wr/*.receipt 2>err &&
	collector --home "$TRASH/linux-home" status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out
'

test_expect_success 'collector.exe enrolled by merger.exe: bundle, merge, receipt, report' '
	H=$(winpath "$TRASH/win-home") &&
	wcollector --home "$H" init --kit win.kit --org "Fondation Scelles" \
		--kind association --dept 92 >/dev/null 2>&1 &&
	wcollector --home "$H" request -o w.request 2>/dev/null &&
	wm enroll --yes w.request >/dev/null 2>&1 &&
	wcollector --home "$H" add support --period 2026-Q1 --dept 92 --status supported \
		--exploitation sexual --sex f --age minor --count 3 >/dev/null &&
	wcollector --home "$H" export -o w.bundle 2>/dev/null &&
	rm -f wr/* &&
	wm merge --receipts wr w.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	wcollector --home "$H" ack wr/*.receipt 2>err &&
	wcollector --home "$H" status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out &&
	wm report --format csv --table totals >win.csv &&
	env LC_ALL=en_GB.UTF-8 MERGER_HOME="$WM" merger report --format csv --table totals >linux.csv &&
	test_cmp linux.csv win.csv &&
	grep -q "^2026,total,all,Total,15,100.0,0," win.csv
'

test_expect_success 'merger.exe reads standard input and folders; no temporary file is left' '
	mkdir inbox && cp w.bundle linux.bundle inbox/ &&
	wm merge - <w.bundle >out &&
	grep -q "^bundles already merged: *1$" out &&
	wm merge inbox >out &&
	grep -q "^bundles already merged: *2$" out &&
	t=$(wintemp) && test -d "$t" &&
	ls "$t" >tmpfiles &&
	! grep -E "^(mlg|maillage-input)" tmpfiles
'

test_expect_success 'a damaged bundle is refused by merger.exe, nothing changed' '
	sqlite3 "$WM/national.db" .dump >before.sql &&
	cp linux.bundle bad.bundle &&
	invert_byte bad.bundle 200 &&
	test_must_fail wm merge bad.bundle \
		>out 2>err &&
	sqlite3 "$WM/national.db" .dump >after.sql &&
	test_cmp before.sql after.sql
'

# The window (collector.exe ui --no-browser) under Wine: the address it
# prints, the page with its key and not without, a second window refused
# while the lock is held (its address still readable in ui.lock), and
# Quitter.  The body waits at most 30 s for the program at each step.
if command -v curl >/dev/null 2>&1; then
	test_expect_success 'collector.exe ui: its key only, one window per home, Quitter stops it' '
		export COLLECTOR_HOME="$LEA_W" &&
		{ wcollector ui --no-browser >ui.url 2>ui.err & pid=$!; } &&
		i=0 &&
		while [ $i -lt 300 ] && ! grep -q "^http://" ui.url 2>/dev/null; do
			sleep 0.1; i=$((i + 1))
		done &&
		url=$(sed -n "1p" ui.url | tr -d "\r") &&
		base=${url%%/ouvrir*} &&
		printf "%s\n" "$url" | grep -Eq "^http://127\.0\.0\.1:[0-9]+/ouvrir\?cle=[0-9a-f]{64}$" &&
		test "$(curl -sS -o body -w "%{http_code}" "$base/")" = 403 &&
		grep -q "Accès refusé" body &&
		curl -sS -o /dev/null -c jar "$url" &&
		curl -sS -b jar "$base/" >home.html &&
		grep -q "Hors la Rue" home.html &&
		csrf=$(sed -n "s/.*<meta name=\"csrf\" content=\"\([0-9a-f]*\)\".*/\1/p" home.html) &&
		test ${#csrf} -eq 64 &&
		test_exit_code 4 timeout 60 "$WINE" "$WIN/collector.exe" ui --no-browser \
			>/dev/null 2>err2 &&
		grep -q "déjà ouverte à l.adresse $base/" err2 &&
		test "$(curl -sS -o quit.html -w "%{http_code}" -b jar -d "csrf=$csrf" "$base/quitter")" = 200 &&
		i=0 &&
		while [ $i -lt 300 ] && kill -0 $pid 2>/dev/null; do
			sleep 0.1; i=$((i + 1))
		done &&
		if kill -0 $pid 2>/dev/null; then kill $pid; false; fi &&
		wait $pid &&
		grep -q "fenêtre fermée" ui.err &&
		! ls "$LEA" | grep -q "^ui-"
	'
else
	test_skip 'collector.exe ui' "curl not found (apt-get install curl)"
fi

test_expect_success 'collector.exe with no argument (a double click) means ui, not the usage' '
	test_exit_code 4 env COLLECTOR_HOME="$(winpath "$TRASH/nowhere")" \
		"$WINE" "$WIN/collector.exe" >out 2>err &&
	grep -q "nowhere n.existe pas" err &&
	! grep -q "^Utilisation" err &&
	test_exit_code 2 collector >/dev/null 2>err &&
	grep -q "^Utilisation" err
'

# The prefix's server lingers a few seconds after the last program: stop
# it, so that the scratch folder can go.
"$(dirname "$WINE")/wineserver" -k 2>/dev/null ||
	/usr/lib/wine/wineserver -k 2>/dev/null || true
test_done
