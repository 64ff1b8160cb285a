#!/bin/sh
# t8100-portable.sh - portable mode: `collector init --portable` keeps the
# home in maillage-data beside the program (a USB stick), and every later
# command finds it there without --home or COLLECTOR_HOME, wherever the
# stick is mounted and whichever folder the command is run from; --home
# and COLLECTOR_HOME still come first.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW
# The laptop's own home folder: where the collector would go without the
# stick ($HOME/.local/share/maillage/collector).
HOME="$TRASH/laptop"
export HOME
mkdir -p "$HOME"
XDG_HOME="$HOME/.local/share/maillage/collector"
STICK="$TRASH/stick"

# on_stick ARGS...: the stick's collector, with no home named anywhere.
on_stick() {
	env -u COLLECTOR_HOME "$STICK/collector" "$@"
}

test_expect_success 'setup: a coordinator, and a stick holding a copy of the collector' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	mkdir "$STICK" &&
	cp "$MAILLAGE_BUILD/collector" "$STICK/collector" &&
	collector --help >help &&
	grep -q "\[--portable\]" help &&
	grep -q "maillage-data à côté du programme" help
'

test_expect_success 'before init, the stick is not used: the usual home is looked for' '
	test_exit_code 4 on_stick status 2>err &&
	test_one_line err "le dossier de travail $XDG_HOME n.existe pas" &&
	test ! -e "$STICK/maillage-data"
'

test_expect_success 'init --portable with --home or COLLECTOR_HOME: usage error, nothing made' '
	test_exit_code 2 on_stick --home "$TRASH/elsewhere" init --portable \
		--kit national.kit --org "Hors la Rue" --kind association --dept 75 2>err &&
	test_one_line err "init : --portable et --home s.excluent" &&
	test_exit_code 2 env COLLECTOR_HOME="$TRASH/elsewhere" "$STICK/collector" init \
		--portable --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75 2>err &&
	test_one_line err "init --portable : COLLECTOR_HOME est défini \($TRASH/elsewhere\)" &&
	test ! -e "$STICK/maillage-data" && test ! -e "$TRASH/elsewhere" &&
	test -z "$(ls -A "$STICK" | grep -v "^collector$")"
'

test_expect_success 'init --portable: the home is maillage-data beside the program' '
	on_stick init --portable --kit national.kit --org "Hors la Rue" \
		--kind association --dept 75,93 >out 2>err &&
	grep -q "^Poste initialisé : $STICK/maillage-data$" out &&
	grep -q "^Poste portable : " out &&
	test -f "$STICK/maillage-data/identity.key" &&
	test -f "$STICK/maillage-data/store.db" &&
	test -f "$STICK/maillage-data/kit" &&
	test "$(stat -c %a "$STICK/maillage-data")" = 700 &&
	test "$(stat -c %a "$STICK/maillage-data/identity.key")" = 600 &&
	test ! -e "$HOME/.local" && test ! -e "$COLLECTOR_HOME"
'

test_expect_success 'later commands find it without any flag' '
	on_stick request -o hlr.request 2>err &&
	merger enroll --yes hlr.request >/dev/null 2>&1 &&
	on_stick add support --period 2026-Q1 --dept 93 --status supported \
		--exploitation labour --sex m --age adult --count 17 >sup.id &&
	on_stick add action --dept 75 --type outreach --start 2026-03-02 >act.id &&
	on_stick list support --format csv >list &&
	grep -q "$(cat sup.id)" list &&
	on_stick status >out &&
	grep -q "^Dossier de travail : $STICK/maillage-data$" out &&
	test "$(sqlite3 "$STICK/maillage-data/store.db" \
		"SELECT count(*) FROM sqlite_master")" -gt 0 &&
	test ! -e "$HOME/.local" && test ! -e "$COLLECTOR_HOME"
'

test_expect_success 'from another folder, through a symbolic link on PATH' '
	mkdir -p bin work &&
	ln -s "$STICK/collector" bin/collector &&
	(cd work && env -u COLLECTOR_HOME PATH="$TRASH/bin:$PATH" collector status) >out &&
	grep -q "^Dossier de travail : $STICK/maillage-data$" out &&
	(cd work && env -u COLLECTOR_HOME ../stick/collector list action --format csv) >list &&
	grep -q "$(cat act.id)" list &&
	test ! -e work/maillage-data && test ! -e bin/maillage-data
'

test_expect_success 'the stick mounted elsewhere: still found, same data' '
	mv "$STICK" "$TRASH/media-stick" &&
	env -u COLLECTOR_HOME "$TRASH/media-stick/collector" list support --format csv >list &&
	mv "$TRASH/media-stick" "$STICK" &&
	grep -q "$(cat sup.id)" list
'

test_expect_success 'with no environment at all (no HOME): found too' '
	env -i "$STICK/collector" status >out &&
	grep -q "^Dossier de travail : $STICK/maillage-data$" out
'

test_expect_success 'export from the stick; merge; the receipt acked on the stick' '
	on_stick export -o march.bundle 2>err &&
	mkdir receipts &&
	merger merge --receipts receipts march.bundle >out &&
	grep -q "^bundles merged: *1$" out &&
	on_stick ack receipts/*.receipt 2>err &&
	on_stick status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out
'

test_expect_success 'COLLECTOR_HOME and --home still come before the stick' '
	collector init --kit national.kit --org "Barreau de Lyon" --kind barreau \
		--dept 69 >/dev/null &&
	"$STICK/collector" status >out &&
	grep -q "^Dossier de travail : $COLLECTOR_HOME$" out &&
	grep -q "^Organisation : Barreau de Lyon$" out &&
	on_stick --home "$COLLECTOR_HOME" status >out &&
	grep -q "^Organisation : Barreau de Lyon$" out &&
	on_stick status >out &&
	grep -q "^Organisation : Hors la Rue$" out
'

test_expect_success 'init --portable a second time: already initialised, nothing changed' '
	sqlite3 "$STICK/maillage-data/store.db" .dump >before &&
	cp "$STICK/maillage-data/identity.key" key.before &&
	test_exit_code 4 on_stick init --portable --kit national.kit --org Autre \
		--kind association --dept 13 2>err &&
	test_one_line err "$STICK/maillage-data est déjà initialisé" &&
	test_exit_code 4 on_stick init --kit national.kit --org Autre \
		--kind association --dept 13 2>err &&
	sqlite3 "$STICK/maillage-data/store.db" .dump >after &&
	test_cmp before after &&
	cmp key.before "$STICK/maillage-data/identity.key"
'

test_expect_success 'a maillage-data that is not a home is reported, not replaced' '
	mkdir stick2 &&
	cp "$MAILLAGE_BUILD/collector" stick2/collector &&
	mkdir stick2/maillage-data &&
	: >stick2/maillage-data/notes.txt &&
	test_exit_code 4 env -u COLLECTOR_HOME stick2/collector status 2>err &&
	test_one_line err "stick2/maillage-data n.est pas initialisé" &&
	test_exit_code 4 env -u COLLECTOR_HOME stick2/collector init --portable \
		--kit national.kit --org X --kind association --dept 75 2>err &&
	test_one_line err "stick2/maillage-data existe déjà et n.est pas un dossier vide" &&
	test ! -e "$HOME/.local"
'

test_expect_success 'a program without maillage-data beside it keeps the usual home' '
	mkdir plain &&
	cp "$MAILLAGE_BUILD/collector" plain/collector &&
	test_exit_code 4 env -u COLLECTOR_HOME plain/collector status 2>err &&
	test_one_line err "le dossier de travail $XDG_HOME n.existe pas" &&
	test_exit_code 4 env -u COLLECTOR_HOME XDG_DATA_HOME="$TRASH/xdg" \
		plain/collector status 2>err &&
	test_one_line err "le dossier de travail $TRASH/xdg/maillage/collector n.existe pas" &&
	test ! -e plain/maillage-data
'

test_expect_success 'a lost stick: the key shown by status is revoked, a new stick enrolls' '
	key=$(on_stick status | sed -n "s/^Ce poste : clé \([0-9a-f]*\) .*/\1/p") &&
	test -n "$key" &&
	merger revoke "$key" >out 2>&1 &&
	on_stick add action --dept 93 --type awareness --start 2026-03-20 >/dev/null &&
	on_stick export -o lost.bundle 2>/dev/null &&
	test_exit_code 1 merger merge lost.bundle >out 2>err &&
	grep -q "revoked" err &&
	mkdir new-stick &&
	cp "$MAILLAGE_BUILD/collector" new-stick/collector &&
	env -u COLLECTOR_HOME new-stick/collector init --portable --kit national.kit \
		--org "Hors la Rue" --kind association --dept 75,93 >/dev/null &&
	env -u COLLECTOR_HOME new-stick/collector request -o new.request 2>/dev/null &&
	org=$(sqlite3 "$MERGER_HOME/national.db" \
		"SELECT id FROM organisation WHERE name = '\''Hors la Rue'\''") &&
	merger enroll --yes --org "$org" new.request >/dev/null 2>&1 &&
	env -u COLLECTOR_HOME new-stick/collector export -o new.bundle 2>/dev/null &&
	merger merge new.bundle >out &&
	grep -q "^bundles merged: *1$" out
'

test_done
