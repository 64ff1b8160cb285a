#!/bin/sh
# t2000-collector-init.sh - `collector init` and `collector request`: a new
# home from a coordinator's kit, every refusal leaving nothing behind, and
# the enrollment request the coordinator reads.

. "$(dirname "$0")/test-lib.sh"

# The files of a home with their sizes and contents, to see that a refused
# command changed nothing.
snapshot() {
	(cd "$1" && ls -la --time-style=+ . | sed 1d && cat identity.key kit | od -c |
		tail -n 3) >"$2"
}

# Nothing left next to the home by a refused init (the private folder it
# builds in before the rename).
no_leftovers() {
	test ! -e "$COLLECTOR_HOME" &&
	! ls -a "$(dirname "$COLLECTOR_HOME")" | grep -q '\.init-'
}

test_expect_success 'version and help' '
	collector --version >out &&
	echo "collector $(cat "$MAILLAGE_SRC/VERSION")" >expect &&
	test_cmp expect out &&
	collector --help >out &&
	grep -q "^Utilisation : collector" out &&
	grep -q "export -o FICHIER" out
'

test_expect_success 'no command, unknown command, unknown option: usage errors' '
	test_exit_code 2 collector 2>err &&
	test_exit_code 2 collector frobnicate 2>err &&
	test_one_line err "^collector: commande inconnue « frobnicate »" &&
	test_exit_code 2 collector --frob status 2>err &&
	test_one_line err "option inconnue"
'

test_expect_success 'a coordinator and its kit' '
	merger init --name "Coordination nationale" >merger.out 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	sed -n "s/^fingerprint: *//p" merger.out >coord.fp &&
	test -s coord.fp
'

test_expect_success 'commands before init: home missing (exit 4)' '
	test_exit_code 4 collector status 2>err &&
	test_one_line err "^collector: le dossier de travail .* n.existe pas" &&
	test_exit_code 4 collector add support --period 2026 --dept 75 --status spotted \
		--exploitation sexual --sex f --age adult --count 1 2>err &&
	test_exit_code 4 collector export -o x.bundle 2>err &&
	test ! -e x.bundle
'

test_expect_success 'init: missing flags are a usage error naming them' '
	test_exit_code 2 collector init --kit national.kit --org "Hors la Rue" 2>err &&
	test_one_line err "options obligatoires manquantes : --kind, --dept" &&
	no_leftovers
'

test_expect_success 'init: a département that does not exist is refused, nothing created' '
	test_exit_code 1 collector init --kit national.kit --org "Hors la Rue" \
		--kind association --dept 75,975 2>err &&
	m="^collector: Départements d.intervention \(dept\) : département inconnu « 975 » " &&
	test_one_line err "$m\(un code INSEE : 01…95, 2A, 2B, 971…974, 976, ou le nom du département\)$" &&
	no_leftovers &&
	test_exit_code 1 collector init --kit national.kit --org "Hors la Rue" \
		--kind association --dept 20 2>err &&
	test_one_line err "« 20 ».*la Corse est 2A ou 2B" &&
	no_leftovers
'

test_expect_success 'init: bad kind, e-mail, national id, empty name refused' '
	test_exit_code 1 collector init --kit national.kit --org X --kind club \
		--dept 75 2>err &&
	m="Type de structure \(kind\) : valeur inconnue « club » " &&
	test_one_line err "$m\(valeurs possibles : association \(Association\), barreau" &&
	test_exit_code 1 collector init --kit national.kit --org X --kind association \
		--dept 75 --email "pas une adresse" 2>err &&
	test_one_line err "E-mail de la structure \(email\) : adresse e-mail invalide" &&
	test_exit_code 1 collector init --kit national.kit --org X --kind association \
		--dept 75 --national-id 12345 2>err &&
	test_one_line err "SIREN ou RNA \(national-id\)" &&
	test_exit_code 1 collector init --kit national.kit --org "" --kind association \
		--dept 75 2>err &&
	test_one_line err "^collector: Nom de l.organisation \(--org\) : valeur obligatoire$" &&
	no_leftovers
'

test_expect_success 'init: a missing, truncated, altered or wrong kit is refused' '
	test_exit_code 3 collector init --kit nowhere.kit --org X --kind association \
		--dept 75 2>err &&
	test_one_line err "^collector: nowhere.kit : fichier ou dossier introuvable$" &&
	no_leftovers &&
	size=$(wc -c <national.kit) &&
	head -c $((size - 10)) national.kit >truncated.kit &&
	test_exit_code 1 collector init --kit truncated.kit --org X --kind association \
		--dept 75 2>err &&
	test_one_line err "^collector: truncated.kit : " &&
	no_leftovers &&
	cp national.kit altered.kit &&
	printf "\377" | dd of=altered.kit bs=1 seek=40 conv=notrunc 2>/dev/null &&
	! cmp -s national.kit altered.kit &&
	test_exit_code 1 collector init --kit altered.kit --org X --kind association \
		--dept 75 2>err &&
	test_one_line err "^collector: altered.kit : la signature ne correspond pas" &&
	no_leftovers &&
	echo "period,dept" >notakit.csv &&
	test_exit_code 1 collector init --kit notakit.csv --org X --kind association \
		--dept 75 2>err &&
	test_one_line err "pas un fichier Maillage" &&
	no_leftovers
'

init_args="--kit national.kit --org X --kind association --dept 75"

if test -f "$SHIM"; then
test_expect_success 'init: the disk full midway leaves no home and nothing beside it' '
	for n in 0 150 3000 20000; do
		test_exit_code 3 with_shim FAILIO_PATH=.init- FAILIO_WRITE_AFTER=$n \
			collector init $init_args >out 2>err || return 1
		test_one_line err "le disque est plein" || return 1
		test ! -s out && no_leftovers || return 1
	done
'

test_expect_success 'init: the last step (rename into place) failing leaves nothing' '
	test_must_fail with_shim FAILIO_PATH=.init- FAILIO_RENAME=1 \
		collector init $init_args >out 2>err &&
	test $(wc -l <err) = 1 &&
	no_leftovers
'

test_expect_success 'init killed at any step: never a half-made home' '
	with_shim FAILIO_PATH=.init- FAILIO_COUNT_FILE="$TRASH/steps" \
		collector --home "$TRASH/counted" init $init_args >/dev/null &&
	steps=$(cat steps) && test "$steps" -gt 3 &&
	n=1 &&
	while [ $n -le $steps ]; do
		with_shim FAILIO_PATH=.init- FAILIO_KILL_AT=$n \
			collector init $init_args >/dev/null 2>&1
		test ! -e "$COLLECTOR_HOME" || { echo "home after kill at $n"; return 1; }
		n=$((n + 1))
	done &&
	rm -rf "$(dirname "$COLLECTOR_HOME")"/.collector-home.init-*
'
else
	test_skip 'init: disk full, failed rename, kill midway' "no $SHIM (make check builds it)"
fi

# The French wording expected for each error code of samples/broken/EXPECTED.
french_for() {
	case $1 in
	FMT_E_TRUNCATED) echo "fichier incomplet" ;;
	FMT_E_TRAILING) echo "fichier endommagé ou modifié" ;;
	FMT_E_SIGNATURE) echo "la signature ne correspond pas" ;;
	FMT_E_VERSION) echo "fichier d.une version inconnue" ;;
	FMT_E_MAGIC) echo "ce n.est pas un fichier Maillage du type attendu" ;;
	FMT_E_FIELD) echo "contenu invalide, fichier refusé" ;;
	*) echo "no French wording known for $1" ;;
	esac
}

test_expect_success 'init: every kit of samples/broken is refused in French, exit 1' '
	grep "\.kit " "$SAMPLES/broken/EXPECTED" >kits &&
	test -s kits &&
	while read -r f code; do
		test_exit_code 1 collector init --kit "$SAMPLES/broken/$f" --org X \
			--kind association --dept 75 2>err || return 1
		test_one_line err "^collector: .*$f : $(french_for $code)" || return 1
		no_leftovers || return 1
	done <kits
'

test_expect_success 'init: home, identity, store, kit; both fingerprints printed' '
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 93,2a,75 --email contact@example.org >out 2>err &&
	test ! -s err &&
	grep -q "^Organisation : Hors la Rue$" out &&
	grep -q "^Empreinte de ce poste : [0-9a-f]\{4\}\( [0-9a-f]\{4\}\)\{7\}$" out &&
	echo "Empreinte du coordinateur (Coordination nationale) : $(cat coord.fp)" >expect &&
	grep "^Empreinte du coordinateur" out >actual &&
	test_cmp expect actual &&
	test "$(stat -c %a "$COLLECTOR_HOME")" = 700 &&
	test "$(stat -c %a "$COLLECTOR_HOME/identity.key")" = 600 &&
	test "$(stat -c %a "$COLLECTOR_HOME/store.db")" = 600 &&
	cmp national.kit "$COLLECTOR_HOME/kit" &&
	! ls -a . | grep -q "\.init-"
'

test_expect_success 'init: départements normalised (2a is 2A) and kept in INSEE order' '
	collector list organisation --format csv >org.csv &&
	sed -n 2p org.csv | cut -d, -f3- >actual &&
	echo "association,\"2A,75,93\",contact@example.org,,," | tr -d "\n" >expect &&
	printf "\r\n" >>expect &&
	test_cmp expect actual
'

test_expect_success 'init twice: refused with exit 4, home unchanged' '
	snapshot "$COLLECTOR_HOME" before &&
	test_exit_code 4 collector init --kit national.kit --org "Autre" \
		--kind barreau --dept 13 2>err &&
	m="^collector: le dossier de travail .* est déjà initialisé" &&
	test_one_line err "$m \(rien n.a été modifié\)$" &&
	snapshot "$COLLECTOR_HOME" after &&
	test_cmp before after
'

test_expect_success 'init: a folder that exists and is not empty is refused' '
	mkdir other && echo x >other/notes.txt &&
	test_exit_code 4 collector --home other init --kit national.kit --org X \
		--kind association --dept 75 2>err &&
	test_one_line err "existe déjà et n.est pas un dossier vide" &&
	test "$(ls other)" = notes.txt
'

test_expect_success 'init into an existing empty folder, kit read from stdin' '
	mkdir empty &&
	collector --home empty init --kit - --org "Barreau de Lyon" --kind barreau \
		--dept 69 <national.kit >out &&
	test -f empty/store.db && test "$(stat -c %a empty)" = 700
'

test_expect_success 'the home comes from --home, then COLLECTOR_HOME, then XDG_DATA_HOME' '
	collector --home empty status | grep -q "^Organisation : Barreau de Lyon$" &&
	COLLECTOR_HOME="$TRASH/empty" collector status | grep -q "Barreau de Lyon" &&
	mkdir -p xdg/maillage && cp -r empty xdg/maillage/collector &&
	(unset COLLECTOR_HOME; XDG_DATA_HOME="$TRASH/xdg" collector status) |
		grep -q "Barreau de Lyon"
'

test_expect_success 'request: written atomically, read by the merger' '
	collector request -o hlr.request 2>err &&
	test_one_line err "demande d.inscription écrite dans hlr.request" &&
	keyid=$(collector status | sed -n "s/^Ce poste : clé \([0-9a-f]*\) .*/\1/p") &&
	test -n "$keyid" &&
	{ merger enroll --yes hlr.request >enroll.out 2>&1; true; } &&
	grep -q "^organisation: Hors la Rue$" enroll.out &&
	grep -q "^key id: *$keyid$" enroll.out &&
	merger collectors | grep -q "$keyid.*active" &&
	! ls | grep -q "\.tmp$"
'

test_expect_success 'request: to stdout; -o is required' '
	collector request -o - >stdout.request &&
	head -c 5 stdout.request | grep -q "^MLLGQ" &&
	test_exit_code 2 collector request 2>err &&
	test_one_line err "option -o FICHIER obligatoire"
'

test_expect_success 'request: an unwritable destination fails with exit 3' '
	test_exit_code 3 collector request -o no/such/dir/x.request 2>err &&
	test_one_line err "^collector: no/such/dir/x.request : " &&
	test ! -e no
'

test_done
