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
	grep -q "^Période (année 2026, trimestre T3 2026 ou mois mars 2026) : " out &&
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
	! grep -q "Période (" out &&
	grep -q "Nombre : " out &&
	collector list support --format csv | grep -q ",2026,75,spotted,labour,m,adult,3"
'

test_expect_success 'a wrong answer is explained and asked again; codes accepted' '
	printf "2026-03-10\n975\n75\n12, 3\n1,3\n0\n6\n\n\n\n" | on_tty "collector add training" >out &&
	grep -q "Département (dept) : département inconnu « 975 »" out &&
	grep -q "collector: choisissez un numéro entre 1 et 10" out &&
	grep -q "Participant·es (participants) : nombre invalide « 0 »" out &&
	collector list training --format csv | grep -q ",2026-03-10,75,\"police,justice\",6,"
'

test_expect_success 'a code instead of a number in a menu' '
	printf "75\nadvocacy\n2026-01-20\n\n\n\n\n\n\n" | on_tty "collector add action" >out &&
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

test_expect_success 'menus take French labels; optional fields offered, Entrée skips' '
	printf "seine saint denis\nmaraude\n15 mars 2026\n\nmineurs, adultes\n\n12\n\nNuit\n" |
		on_tty "collector add action" >out &&
	grep -q "Date de fin (par exemple 15/03/2026, Entrée pour passer) : " out &&
	grep -q "Votre choix (un ou plusieurs numéros séparés par des virgules, Entrée pour passer) : " out &&
	grep -q "Personnes touchées (Entrée pour passer) : " out &&
	grep -q "collector: Action enregistrée : Département : 93 Seine-Saint-Denis ; Type d.action : Repérage, maraude ; Date de début : 15/03/2026 ; Publics touchés : Mineur·es, Adultes ; Personnes touchées : 12 ; Note : Nuit" out &&
	collector list action --format csv |
		grep -q ",93,outreach,2026-03-15,,\"minors,adults\",,12,,Nuit"
'

test_expect_success 'a number outside the menu is asked again' '
	printf "2026\n75\n3\n1\n1\n1\n1\n5\n" | on_tty "collector add support" >out &&
	grep -q "collector: choisissez un numéro entre 1 et 2.$" out &&
	test $(grep -c "Statut des victimes :.$" out) = 2 &&
	collector list support --format csv | grep -q ",2026,75,spotted,sexual,f,minor,5"
'

test_expect_success 'a bad flag value on a terminal: said, then its menu' '
	flags="--period 2026 --dept 75 --exploitation sexual --sex f --age adult --count 9" &&
	printf "2\n" | on_tty "collector add support $flags --status acompagnees" >out &&
	grep -q "Statut des victimes (status) : valeur inconnue « acompagnees » ; vouliez-vous dire « accompagnées » ?" out &&
	grep -q "^  2) Accompagnées" out &&
	! grep -q "Période (" out &&
	collector list support --format csv | grep -q ",2026,75,supported,sexual,f,adult,9"
'

test_expect_success 'a bad flag value without a terminal: refused, no question' '
	before=$(collector list --format csv | wc -l) &&
	test_exit_code 1 collector add support --period 2026 --dept 75 --exploitation sexual \
		--sex f --age adult --count 9 --status acompagnees </dev/null 2>err &&
	test_one_line err "vouliez-vous dire « accompagnées »" &&
	test $(collector list --format csv | wc -l) = $before
'

test_expect_success 'Ctrl-C in a menu: nothing saved, said so, exit 2' '
	before=$(collector list --format json | grep -c "\"record\"") &&
	rm -f in && mkfifo in || return 1
	on_tty "trap : INT; collector add support; echo exit=\$?" <in >out &
	exec 3>in &&
	printf "2026-Q3\n" >&3 &&
	i=0 && while ! grep -q "^Département" out && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done &&
	printf "\003" >&3 &&
	i=0 && while ! grep -q "exit=" out && [ $i -lt 100 ]; do
		sleep 0.1; i=$((i + 1)); done &&
	exec 3>&- &&
	wait &&
	grep -q "saisie interrompue : rien n.a été enregistré" out &&
	grep -q "exit=2" out &&
	test $(collector list --format json | grep -c "\"record\"") = $before
'

test_done
