#!/bin/sh
# t0100-catalogues: the message catalogues (po/*.po, docs/TRANSLATION.md):
# every text of the sources has its translation, every translation keeps
# its text's printf conversions, and the programs pick their language
# from the locale: French unless LC_ALL, LC_MESSAGES or LANG asks for
# English.

. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

PO="$MAILLAGE_SRC/po"

# The programs themselves, not test-lib's English merger.
unset LC_ALL LC_MESSAGES LANG LANGUAGE
unset -f merger
M="$MAILLAGE_BUILD/merger"
C="$MAILLAGE_BUILD/collector"

# untranslated PO POT: prints the texts of POT that PO leaves
# untranslated or marks fuzzy (which the programs do not use), and fails
# when there is any.
untranslated() {
	msgmerge --quiet --no-wrap --no-fuzzy-matching -o merged.po "$1" "$2" &&
	{ msgattrib --no-wrap --untranslated --no-obsolete merged.po &&
	  msgattrib --no-wrap --only-fuzzy --no-obsolete merged.po; } >missing.po &&
	if grep -q "^#:" missing.po; then
		echo "untranslated in $1:"
		grep -v "^msgstr\|^\"" missing.po | grep -v "^$"
		return 1
	fi
}

if command -v xgettext >/dev/null && command -v msgattrib >/dev/null; then
	test_expect_success 'every merger text has its French translation' '
		(cd "$MAILLAGE_SRC" && tools/po-update --pot "$TRASH/pot") &&
		untranslated "$PO/fr.po" pot/merger.pot
	'
	test_expect_success 'every collector and shell text has its English translation' '
		untranslated "$PO/en.po" pot/collector.pot
	'
	test_expect_success 'a text without translation is reported' '
		sed "s/^msgstr \"voir merger --help\"$/msgstr \"\"/" "$PO/fr.po" >fr-missing.po &&
		! untranslated fr-missing.po pot/merger.pot >out &&
		grep -q "^msgid \"see merger --help\"$" out
	'
else
	test_skip 'catalogue coverage' 'xgettext/msgcmp not found (Debian package gettext)'
fi

if command -v msgfmt >/dev/null; then
	test_expect_success 'msgfmt --check-format: same conversions in every translation' '
		msgfmt --check-format -o /dev/null "$PO/fr.po" &&
		msgfmt --check-format -o /dev/null "$PO/en.po"
	'
else
	test_skip 'msgfmt --check-format' 'msgfmt not found (Debian package gettext)'
fi

# tools/po2c is what builds the programs: it must refuse a translation
# whose conversions differ, whatever gettext says.
test_expect_success 'po2c refuses a translation with other conversions' '
	"$MAILLAGE_BUILD/gen/po2c" "$PO/fr.po" ok.c catalogue_fr &&
	sed "s/^msgstr \"%s : %s\"$/msgstr \"%s : %d\"/" "$PO/fr.po" >bad.po &&
	! cmp -s bad.po "$PO/fr.po" &&
	! "$MAILLAGE_BUILD/gen/po2c" bad.po bad.c catalogue_fr 2>bad.err &&
	grep -q "conversions" bad.err &&
	sed "s/^msgstr \"voir merger --help\"$/msgstr \"voir %s\"/" "$PO/fr.po" >bad2.po &&
	! "$MAILLAGE_BUILD/gen/po2c" bad2.po bad2.c catalogue_fr 2>/dev/null
'

test_expect_success 'the merger speaks French by default' '
	test_exit_code 2 "$M" frob 2>err &&
	grep -q "^merger: commande inconnue « frob » (voir merger --help)$" err &&
	MERGER_HOME="$TRASH/none" test_exit_code 4 "$M" collectors 2>err &&
	grep -q ": pas initialisé : lancez merger init$" err
'

test_expect_success 'the merger speaks English when LANG asks for it' '
	LANG=en_GB.UTF-8 test_exit_code 2 "$M" frob 2>err &&
	grep -q "^merger: unknown command \"frob\" (see merger --help)$" err &&
	LANG=en_US LC_MESSAGES=en_GB.UTF-8 test_exit_code 2 "$M" frob 2>err &&
	grep -q "unknown command" err &&
	LANG=fr_FR.UTF-8 LC_MESSAGES=en_GB.UTF-8 test_exit_code 2 "$M" frob 2>err &&
	grep -q "unknown command" err
'

test_expect_success 'LC_ALL overrides LC_MESSAGES and LANG' '
	LC_ALL=C.UTF-8 LANG=en_GB.UTF-8 test_exit_code 2 "$M" frob 2>err &&
	grep -q "commande inconnue" err &&
	LC_ALL=en_IE.UTF-8 LC_MESSAGES=fr_FR.UTF-8 LANG=fr_FR.UTF-8 \
		test_exit_code 2 "$M" frob 2>err &&
	grep -q "unknown command" err
'

test_expect_success 'the shell words follow the language: an unknown option' '
	MERGER_HOME=m test_exit_code 2 "$M" collectors --frob 2>err &&
	grep -q "collectors : option inconnue « --frob » (voir merger --help)$" err &&
	LANG=en_GB.UTF-8 MERGER_HOME=m test_exit_code 2 "$M" collectors --frob 2>err &&
	grep -q "collectors: unknown option --frob (see merger --help)$" err
'

test_expect_success 'the collector speaks French by default, English when asked' '
	test_exit_code 2 "$C" frob 2>err &&
	grep -q "^collector: commande inconnue « frob » (voir collector --help)$" err &&
	LANG=en_GB.UTF-8 test_exit_code 2 "$C" frob 2>err &&
	grep -q "^collector: unknown command \"frob\" (see collector --help)$" err &&
	LC_ALL=fr_FR.UTF-8 LANG=en_GB.UTF-8 test_exit_code 2 "$C" frob 2>err &&
	grep -q "commande inconnue" err
'

test_expect_success 'a whole merge in French: summary and refusal' '
	LC_ALL=C.UTF-8 &&
	export LC_ALL &&
	"$M" init --name "Coordination" >/dev/null &&
	"$M" kit -o coord.kit 2>/dev/null &&
	new_collector c1 "Hors la Rue" &&
	collector --home c1 add action --type prevention --title "Maraude" \
		--date 2026-03-02 --dept 75 --actors 2 >/dev/null 2>&1 ;
	collector --home c1 export -o c1.bundle 2>/dev/null &&
	test_exit_code 1 "$M" merge c1.bundle >out 2>err &&
	grep -q "^envois refusés : *1$" out &&
	grep -q "signé par une clé qui n.est pas inscrite" err &&
	"$M" history >out &&
	grep -q "^Aucune modification d.effectif enregistrée.$" out &&
	unset LC_ALL
'

# What only the format library finds wrong in a file comes in its
# English detail in English, and in French in the merger's own words.
test_expect_success 'damaged and foreign bundles are refused in French words' '
	"$M" --home other init --name Autre >/dev/null &&
	"$M" --home other kit -o other.kit 2>/dev/null &&
	collector --home foreign init --kit other.kit --org Foreign --kind police \
		--dept 59 >/dev/null 2>&1 &&
	collector --home foreign add support --period 2026 --dept 59 --status spotted \
		--exploitation labour --sex m --age adult --count 4 >/dev/null &&
	collector --home foreign export -o foreign.bundle 2>/dev/null &&
	test_exit_code 1 "$M" merge foreign.bundle >out 2>err &&
	grep -q "^merger: foreign.bundle : ne s.ouvre pas avec la clé de cette coordination : envoyé à un autre coordinateur, ou endommagé (refusé, " err &&
	head -c 40 c1.bundle >cut.bundle &&
	test_exit_code 1 "$M" merge cut.bundle >out 2>err &&
	grep -q "^merger: cut.bundle : fichier incomplet (tronqué) ; demandez-en une nouvelle copie (refusé, " err &&
	grep -q "^fichier incomplet (tronqué)" "$MERGER_HOME"/quarantine/*-cut.bundle.reason &&
	LANG=en_GB.UTF-8 test_exit_code 1 "$M" merge cut.bundle >out 2>err &&
	grep -q "^merger: cut.bundle: truncated bundle: 40 bytes" err
'

test_done
