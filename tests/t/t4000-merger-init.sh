#!/bin/sh
# merger: global options, init (a complete home or nothing) and kit.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

test_expect_success '--version and --help' '
	merger --version >out &&
	echo "merger $(cat "$MAILLAGE_SRC/VERSION")" >want &&
	test_cmp want out &&
	merger --help >out &&
	for c in init kit enroll revoke collectors verify merge report gaps directory; do
		grep -q "^  $c" out || { echo "no $c in --help"; exit 1; }
	done
'

test_expect_success 'no command, unknown command and unknown option are usage errors' '
	test_exit_code 2 merger </dev/null >out 2>err &&
	grep -q "^usage: merger" err &&
	test_exit_code 2 merger frobnicate 2>err &&
	test_one_line err "^merger: unknown command \"frobnicate\"" &&
	test_exit_code 2 merger --frob init 2>err &&
	test_one_line err "unknown option --frob" &&
	test_exit_code 2 merger init --frob 2>err &&
	test_one_line err "^merger: init: unknown option --frob" &&
	test_exit_code 2 merger init --name 2>err &&
	test_one_line err "needs a value" &&
	test ! -e "$MERGER_HOME"
'

test_expect_success 'commands on a home that is not initialised' '
	test_exit_code 4 merger kit -o k.kit 2>err &&
	test_one_line err "not initialised: run merger init" &&
	test_exit_code 4 merger collectors 2>err &&
	test_one_line err "not initialised" &&
	test ! -e k.kit && test ! -e "$MERGER_HOME"
'

test_expect_success 'init makes a private home with keys, database and folders' '
	merger init --name "Coordination nationale de test" >out 2>err &&
	test ! -s err &&
	grep -q "^coordinator: Coordination nationale de test$" out &&
	grep -Eq "^key id: +[0-9a-f]{16}$" out &&
	grep -Eq "^fingerprint: +([0-9a-f]{4} ){7}[0-9a-f]{4}$" out &&
	test "$(stat -c %a "$MERGER_HOME")" = 700 &&
	test "$(stat -c %a "$MERGER_HOME/coordinator.key")" = 600 &&
	test -d "$MERGER_HOME/quarantine" && test -d "$MERGER_HOME/receipts" &&
	test "$(sql "SELECT value FROM meta WHERE key = '\''name'\''")" = \
		"Coordination nationale de test" &&
	test "$(sql "PRAGMA user_version")" = 4 &&
	test "$(ls "$TRASH" | grep -c init-)" = 0
'

# The rules after a merge read each group of counts from the index on
# their natural key alone (migration 4, merger/quality.c).
test_expect_success 'the counts of a group are read from the index alone' '
	sql "EXPLAIN QUERY PLAN SELECT dim1, dim2, dim3, dim4, count, recorded_at, id
		FROM count WHERE org_id = 1 AND \"table\" = '\''victims'\''
		AND period = '\''2026'\'' AND dept = '\''75'\''
		ORDER BY dim1, dim2, dim3, dim4" >plan &&
	grep -q "USING COVERING INDEX count_key" plan
'

test_expect_success 'the key id is the start of the fingerprint' '
	merger --home h2 init >out &&
	id=$(sed -n "s/^key id: *//p" out) &&
	fp=$(sed -n "s/^fingerprint: *//p" out | tr -d " ") &&
	case $fp in "$id"*) ;; *) exit 1 ;; esac
'

test_expect_success 'a second init is refused and changes nothing' '
	(cd "$MERGER_HOME" && ls -lR --time-style=full-iso . && sha256sum coordinator.key national.db) >before &&
	test_exit_code 4 merger init --name Other >out 2>err &&
	test_one_line err "already initialised" &&
	test ! -s out &&
	(cd "$MERGER_HOME" && ls -lR --time-style=full-iso . && sha256sum coordinator.key national.db) >after &&
	test_cmp before after
'

test_expect_success 'init refuses a home holding only a key' '
	mkdir -m 700 h3 && cp "$MERGER_HOME/coordinator.key" h3/ &&
	test_exit_code 4 merger --home h3 init 2>err &&
	test_one_line err "already initialised \(coordinator.key exists\)" &&
	test "$(ls h3)" = coordinator.key
'

test_expect_success 'init into an existing empty folder, which becomes private' '
	mkdir -m 755 h4 &&
	merger --home h4 init >/dev/null &&
	test "$(stat -c %a h4)" = 700 &&
	test -f h4/national.db && test -f h4/coordinator.key &&
	test "$(ls "$TRASH" | grep -c init-)" = 0
'

test_expect_success 'init into a folder with other files keeps them' '
	mkdir h5 && echo notes >h5/notes.txt && mkdir h5/receipts && echo r >h5/receipts/old &&
	merger --home h5 init >/dev/null &&
	test "$(cat h5/notes.txt)" = notes && test -f h5/receipts/old &&
	test -f h5/national.db && test -d h5/quarantine
'

test_expect_success 'a failed init leaves nothing behind' '
	echo file >plainfile &&
	test_must_fail merger --home plainfile/home init 2>err &&
	test_one_line err "plainfile" &&
	test "$(cat plainfile)" = file &&
	test_exit_code 4 merger --home plainfile init 2>err &&
	test_one_line err "not a folder" &&
	test "$(ls "$TRASH" | grep -c init-)" = 0
'

test_expect_success 'init --name is checked' '
	long=$(printf "%0201d" 0) &&
	test_exit_code 2 merger --home h6 init --name "$long" 2>err &&
	test_one_line err "name must be 1 to 200 bytes" &&
	test_exit_code 2 merger --home h6 init --name "" 2>err &&
	test_exit_code 2 merger --home h6 init --name "$(printf "a\nb")" 2>err &&
	test ! -e h6
'

test_expect_success 'home from --home, MERGER_HOME and XDG_DATA_HOME' '
	(unset MERGER_HOME; XDG_DATA_HOME="$TRASH/xdg" merger init >/dev/null) &&
	test -f xdg/maillage/merger/national.db &&
	(unset MERGER_HOME; HOME="$TRASH/fakehome" merger init >/dev/null) &&
	test -f fakehome/.local/share/maillage/merger/national.db &&
	MERGER_HOME="$TRASH/h7" merger init >/dev/null && test -f h7/national.db &&
	MERGER_HOME="$TRASH/nowhere" merger --home h8 init >/dev/null &&
	test -f h8/national.db && test ! -e nowhere
'

test_expect_success 'kit -o writes a kit the collector accepts' '
	merger kit -o coord.kit 2>err &&
	test_one_line err "coord.kit: kit written \(coordinator fingerprint [0-9a-f ]{39}, questionnaire edition 1\)" &&
	test "$(head -c 5 coord.kit | od -An -c | tr -d " ")" = MLLGK &&
	fp=$(grep -o "[0-9a-f ]\{39\}" err) &&
	collector init --kit coord.kit --org "Hors la Rue" --kind association --dept 75 >out 2>&1 &&
	grep -q "$fp" out &&
	grep -q "Coordination nationale de test" out
'

test_expect_success 'kit to standard output is the same kind of file' '
	merger kit -o - >stdout.kit 2>err &&
	test ! -s err &&
	collector --home c2 init --kit stdout.kit --org Autre --kind barreau --dept 69 >/dev/null 2>&1
'

test_expect_success 'kit replaces an existing file atomically, no temporary left' '
	echo old >k2.kit &&
	merger kit -o k2.kit 2>/dev/null &&
	test "$(head -c 4 k2.kit)" = MLLG &&
	test "$(ls | grep -c "\.tmp$")" = 0
'

test_expect_success 'kit needs -o and refuses extra arguments' '
	test_exit_code 2 merger kit 2>err &&
	test_one_line err "kit: -o FILE is required" &&
	test_exit_code 2 merger kit -o x.kit extra 2>err &&
	test_one_line err "unexpected argument" &&
	test ! -e x.kit
'

test_expect_success 'kit into a missing folder fails with exit 3' '
	test_exit_code 3 merger kit -o nofolder/x.kit 2>err &&
	test_one_line err "nofolder/x.kit"
'

test_expect_success 'a key file readable by others is refused' '
	cp -a "$MERGER_HOME" h9 && chmod 644 h9/coordinator.key &&
	test_exit_code 4 merger --home h9 kit -o x.kit 2>err &&
	test_one_line err "coordinator.key" &&
	test ! -e x.kit
'

test_done
