#!/bin/sh
# t2700-collector-prompts.sh - `collector add` without its required flags
# on a terminal: numbered French menus and questions, through a pseudo-
# terminal made by script(1); in a pipe, never a question.

. "$(dirname "$0")/test-lib.sh"

MAILLAGE_NOW=1773568800        # 2026-03-15 10:00 UTC
export MAILLAGE_NOW

# Runs a collector command on a pseudo-terminal, the answers on its input.
on_tty() {
	script -qfec "$1" /dev/null
}

test_expect_success 'setup: coordinator kit, collector home' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75 >/dev/null
'

test_expect_success 'add support: every missing value asked, menus numbered' '
	printf "2026-Q3\n93\n2\n1\n1\n2\n42\n" | on_tty "collector add support" >out &&
	grep -q "^Période (année 2026, trimestre 2026-Q3 ou mois 2026-05) : " out &&
	grep -q "Statut des victimes :" out &&
	grep -q "^  1) Repérées" out &&
	grep -q "^  2) Accompagnées" out &&
	grep -q "^  9) Forme non déterminée" out &&
	grep -q "Votre choix : " out &&
	collector list support --format csv | grep -q ",2026-Q3,93,supported,sexual,f,adult,42"
'

test_expect_success 'the new id is printed, as without questions' '
	id=$(collector list support --format csv | sed -n 2p | cut -d, -f1) &&
	grep -q "$id" out
'

test_expect_success 'only the missing flags are asked' '
	flags="--period 2026 --dept 75 --status spotted --exploitation labour --sex m" &&
	printf "3\n" | on_tty "collector add support $flags --age adult" >out &&
	! grep -q "Période" out &&
	grep -q "Nombre : " out &&
	collector list support --format csv | grep -q ",2026,75,spotted,labour,m,adult,3"
'

test_expect_success 'a wrong answer is explained and asked again; codes accepted' '
	printf "2026-03-10\n975\n75\n12, 3\n1,3\n0\n6\n" | on_tty "collector add training" >out &&
	grep -q "champ dept : code de département inconnu « 975 »" out &&
	grep -q "champ audience : valeur inconnue « 12 »" out &&
	grep -q "champ participants : nombre invalide « 0 »" out &&
	collector list training --format csv | grep -q ",2026-03-10,75,\"police,justice\",6,"
'

test_expect_success 'a code instead of a number in a menu' '
	printf "75\nadvocacy\n2026-01-20\n" | on_tty "collector add action" >out &&
	collector list action --format csv | grep -q ",75,advocacy,2026-01-20,"
'

test_expect_success 'input ending before the answers: nothing saved, exit 2' '
	before=$(collector list --format json | grep -c "\"record\"") &&
	printf "2026-Q3\n" | on_tty "collector add support; echo exit=\$?" >out &&
	grep -q "saisie interrompue : rien n.a été enregistré" out &&
	grep -q "exit=2" out &&
	test $(collector list --format json | grep -c "\"record\"") = $before
'

test_expect_success 'stdin a terminal but stderr not: no question, usage error' '
	on_tty "collector add support 2>err.txt; echo exit=\$?" </dev/null >out &&
	grep -q "exit=2" out &&
	grep -q "options obligatoires manquantes" err.txt
'

test_expect_success 'stdin not a terminal: no question even on a terminal' '
	on_tty "collector add support </dev/null; echo exit=\$?" </dev/null >out &&
	grep -q "exit=2" out &&
	! grep -q "Période" out
'

test_done
