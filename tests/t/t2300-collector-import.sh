#!/bin/sh
# t2300-collector-import.sh - `collector import`: the templates of
# samples/templates, all-or-nothing refusal naming the bad line, the
# natural key of support rows, CSV variants spreadsheets write (CRLF,
# byte order mark, semicolons), and edits through an id column.

. "$(dirname "$0")/test-lib.sh"

T="$SAMPLES/templates"
X="$MAILLAGE_SRC/tests/data/examples"     # example rows: test data, never shipped
H="period,dept,status,exploitation,sex,age,count"   # a support header
CR=$(printf "\r")

# live records of a kind (JSON: one "record" key per record, whatever
# line breaks the notes hold)
count() {
	collector list "$1" --format json | grep -c "\"record\"" || true
}

test_expect_success 'setup: coordinator kit, collector home' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	collector init --kit national.kit --org "Hors la Rue" --kind association \
		--dept 75,93,2A,2B,13,971,976 >/dev/null
'

test_expect_success 'the templates are headers only: importing one adds nothing' '
	for t in victims action training; do
		collector import "$T/$t.csv" 2>err || return 1
		test_one_line err "aucune ligne à importer" || return 1
		collector template $t >tpl.csv && cmp tpl.csv "$T/$t.csv" || return 1
	done &&
	test $(count support) = 0 && test $(count action) = 0
'

test_expect_success 'the example spreadsheets import' '
	collector import "$X/victims.csv" 2>err &&
	m="4 lignes importées \(Victimes repérées et accompagnées\)" &&
	test_one_line err "$m : 4 nouveaux, 0 mis à jour, 0 inchangé$" &&
	collector import "$X/action.csv" 2>err &&
	test_one_line err "3 lignes importées \(actions\)" &&
	collector import "$X/training.csv" 2>err &&
	test_one_line err "3 lignes importées \(formations\)" &&
	test $(count support) = 4 && test $(count action) = 3 && test $(count training) = 3
'

test_expect_success 'imported values: quoted lists, notes on two lines, hours' '
	collector list action --format csv >a.csv &&
	m=",13,shelter,2026-01-01,,adults,sexual,6,," &&
	grep -q "$m\"Deux places d.hébergement d.urgence$" a.csv &&
	grep -q "^réservées aux victimes\"" a.csv &&
	collector list training --format csv |
		grep -q ",2026-02-10,75,\"police,gendarmerie\",25,3.5,\"sexual,labour\",Module"
'

test_expect_success 'importing the counts again: rows replace, counted unchanged' '
	collector import "$X/victims.csv" 2>err &&
	test_one_line err "4 lignes importées .* 0 nouveau, 0 mis à jour, 4 inchangés$" &&
	test $(count support) = 4
'

test_expect_success 'a bad row refuses the whole file, naming its line' '
	collector list --format json >before.json &&
	printf "period,dept,status,exploitation,sex,age,count\n" >bad.csv &&
	printf "2026-Q2,75,spotted,sexual,f,adult,1\n" >>bad.csv &&
	printf "\n" >>bad.csv &&
	printf "2026-Q2,93,spotted,labour,m,adult,2\n" >>bad.csv &&
	printf "2026-Q2,975,spotted,sexual,f,adult,1\n" >>bad.csv &&
	test_exit_code 1 collector import bad.csv 2>err &&
	m="^collector: bad.csv : ligne 5 : Département \(dept\) : département" &&
	test_one_line err "$m inconnu « 975 » .* ; rien n.a été importé$" &&
	collector list --format json >after.json &&
	test_cmp before.json after.json
'

test_expect_success 'the bad line number counts lines inside quoted cells' '
	printf "dept,type,start,note\n" >bad2.csv &&
	printf "75,prevention,2026-01-05,\"un\ndeux\ntrois\"\n" >>bad2.csv &&
	printf "75,prevention,2026-13-01,x\n" >>bad2.csv &&
	test_exit_code 1 collector import bad2.csv 2>err &&
	test_one_line err "ligne 5 : Date de début \(start\) : date invalide « 2026-13-01 »" &&
	test $(count action) = 3
'

test_expect_success 'more or fewer cells than columns, broken quoting' '
	printf "$H\n2026,75,spotted,sexual,f,adult\n" >short.csv &&
	test_exit_code 1 collector import short.csv 2>err &&
	test_one_line err "ligne 2 : 6 cellules au lieu de 7" &&
	printf "$H\n2026,75,spotted,sexual,f,adult,\"1\n" >quote.csv &&
	test_exit_code 1 collector import quote.csv 2>err &&
	test_one_line err "ligne 2 : guillemet ouvert jamais refermé ; rien n.a été importé" &&
	test $(count support) = 4
'

test_expect_success 'headers: unknown column, missing required column, duplicate' '
	printf "period,dept,status,exploitation,sex,age,count,colour\n" >h1.csv &&
	test_exit_code 1 collector import h1.csv 2>err &&
	test_one_line err "ligne 1 : colonne « colour » inconnue pour un fichier de type victims" &&
	printf "dept,type,note\n75,prevention,x\n" >h2.csv &&
	test_exit_code 1 collector import h2.csv 2>err &&
	m="ligne 1 : colonnes obligatoires manquantes" &&
	test_one_line err "$m pour un fichier de type action : start" &&
	printf "date,dept,dept,audience,participants\n" >h3.csv &&
	test_exit_code 1 collector import h3.csv 2>err &&
	test_one_line err "la colonne « dept » apparaît deux fois"
'

test_expect_success 'empty file refused; header alone imports nothing' '
	: >empty.csv &&
	test_exit_code 1 collector import empty.csv 2>err &&
	test_one_line err "fichier vide" &&
	printf "period,dept,status,exploitation,sex,age,count\r\n" >header.csv &&
	collector import header.csv 2>err &&
	test_one_line err "aucune ligne à importer"
'

test_expect_success 'CRLF, byte order mark, header case and blank lines are fine' '
	printf "\357\273\277Period,DEPT,status,exploitation,sex,age,count\r\n" >bom.csv &&
	printf "\r\n2026-05,2a,spotted,unknown,unknown,unknown,3\r\n,,,,,,\r\n" >>bom.csv &&
	collector import bom.csv 2>err &&
	test_one_line err "1 ligne importée" &&
	collector list support --format csv |
		grep -q ",2026-05,2A,spotted,unknown,unknown,unknown,3"
'

test_expect_success 'semicolon-separated files from French spreadsheets' '
	printf "dept;type;start;public;note\n" >semi.csv &&
	printf "75;prevention;15/04/2026;minors,adults;\"dit \"\"bonjour\"\"; puis, part\"\n" \
		>>semi.csv &&
	printf "93;awareness;2026-04-16;;\n" >>semi.csv &&
	collector import semi.csv 2>err &&
	test_one_line err "2 lignes importées \(actions\)" &&
	collector list action --format csv >a.csv &&
	m=",75,prevention,2026-04-15,,\"minors,adults\",,,," &&
	grep -q "$m\"dit \"\"bonjour\"\"; puis, part\"" a.csv &&
	grep -q ",93,awareness,2026-04-16,,,,,,$CR$" a.csv &&
	printf "dept;type;start\n75;prevention;2026-02-30\n" >semibad.csv &&
	test_exit_code 1 collector import semibad.csv 2>err &&
	test_one_line err "ligne 2 : Date de début \(start\) : date invalide"
'

test_expect_success 'text in another encoding than UTF-8 is refused with a hint' '
	printf "dept,type,start,note\n75,prevention,2026-01-05,caf\351\n" >latin1.csv &&
	test_exit_code 1 collector import latin1.csv 2>err &&
	test_one_line err "ligne 2 : Note \(note\) : .*UTF-8.*CSV UTF-8"
'

test_expect_success 'import from stdin' '
	printf "date,dept,audience,participants\n2026-06-01,976,associations,9\n" |
		collector import - 2>err &&
	test_one_line err "^collector: entrée standard : 1 ligne importée" &&
	collector list training --format csv | grep -q ",2026-06-01,976,associations,9,"
'

test_expect_success 'list csv -> edit in a spreadsheet -> import: edits by id' '
	collector list support --format csv >s.csv &&
	id=$(sed -n 2p s.csv | cut -d, -f1) &&
	sed "2s/,[0-9]*$CR\$/,77$CR/" s.csv >s2.csv &&
	collector import s2.csv 2>err &&
	test_one_line err "0 nouveau, 1 mis à jour" &&
	collector list support --format csv | grep -q "^$id,.*,77" &&
	collector list support --format json | grep "\"$id\"" | grep -q "\"version\": 2,"
'

test_expect_success 'import: an id that is not in the store is refused' '
	ghost=0123456789abcdef0123456789abcdef &&
	printf "id,$H\n$ghost,2026,75,spotted,sexual,f,adult,1\n" >ghost.csv &&
	test_exit_code 1 collector import ghost.csv 2>err &&
	test_one_line err "ligne 2 : aucun comptage n.a l.identifiant $ghost" &&
	printf "id,$H\nnot-an-id,2026,75,spotted,sexual,f,adult,1\n" >ghost2.csv &&
	test_exit_code 1 collector import ghost2.csv 2>err &&
	test_one_line err "ligne 2 : identifiant invalide « not-an-id »"
'

test_expect_success 'import: same natural key twice in one file, the last row wins' '
	printf "$H\n2027,75,spotted,sexual,f,adult,1\n" >twice.csv &&
	printf "2027,75,spotted,sexual,f,adult,9\n" >>twice.csv &&
	collector import twice.csv 2>err &&
	test_one_line err "1 nouveau, 1 mis à jour" &&
	collector list support --format csv | grep -q ",2027,75,spotted,sexual,f,adult,9"
'

test_expect_success 'import: a file over the size cap is refused without reading it' '
	truncate -s 70M huge.csv &&
	test_exit_code 1 collector import huge.csv 2>err &&
	test_one_line err "huge.csv : fichier trop gros" &&
	test_exit_code 3 collector import missing.csv 2>err &&
	test_one_line err "missing.csv : fichier ou dossier introuvable" &&
	test_exit_code 2 collector import 2>err
'

test_expect_success 'cells in French: labels, names, dates and periods in words' '
	printf "dept;type;start;public;note\n" >fr.csv &&
	printf "Seine-Saint-Denis;Repérage, maraude;15 mars 2026;mineurs, adultes;fr1\n" >>fr.csv &&
	printf "paris;HEBERGEMENT;16/03/26;Grand public;fr2\n" >>fr.csv &&
	collector import fr.csv 2>err &&
	test_one_line err "fr.csv : 2 lignes importées \(actions\) : 2 nouveaux" &&
	collector list action --format csv >a.csv &&
	grep -q ",93,outreach,2026-03-15,,\"minors,adults\",,,,fr1" a.csv &&
	grep -q ",75,shelter,2026-03-16,,general-public,,,,fr2" a.csv &&
	printf "$H\nT3 2026,corse du sud,repérées,mendicité forcée,Homme,mineur,2\n" >frc.csv &&
	collector import frc.csv 2>err &&
	collector list support --format csv | grep -q ",2026-Q3,2A,spotted,forced-begging,m,minor,2"
'

test_expect_success 'an unknown name in a cell: the closest offered, nothing imported' '
	before=$(count action) &&
	printf "dept,type,start\n75,prevention,2026-03-01\nSeine-St-Denis,prevention,2026-03-01\n" >near.csv &&
	test_exit_code 1 collector import near.csv 2>err &&
	m="^collector: near.csv : ligne 3 : Département \(dept\) : département inconnu " &&
	test_one_line err "$m« Seine-St-Denis » ; vouliez-vous dire « 93 Seine-Saint-Denis » \? ; rien n.a été importé$" &&
	test $(count action) = $before
'

# Runs a collector command on a pseudo-terminal, the answers on its input.
on_tty() {
	script -qfec "$1" /dev/null
}

test_expect_success 'rows outside the organisation: warned, imported (no terminal)' '
	before=$(count action) &&
	printf "dept,type,start,note\n75,prevention,2026-04-01,in\n33,prevention,2026-04-01,out1\n" >out.csv &&
	printf "1,prevention,2026-04-02,out2\n" >>out.csv &&
	collector import out.csv 2>err &&
	grep -q "^collector: out.csv : 2 lignes hors des départements de l.organisation (lignes 3, 4, département 01, 33) ; importées quand même : vérifiez le fichier$" err &&
	grep -q "out.csv : 3 lignes importées" err &&
	test $(count action) = $((before + 3)) &&
	collector list action --format csv | grep -q ",01,prevention,2026-04-02,,,,,,out2"
'

test_expect_success 'rows outside the organisation on a terminal: asked, no keeps nothing' '
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >before.sql &&
	printf "dept,type,start,note\n33,prevention,2026-05-01,ask\n" >ask.csv &&
	printf "peut-être\nNon\n" | on_tty "collector import ask.csv; echo exit=\$?" >tty.out &&
	grep -q "1 ligne hors des départements de l.organisation (ligne 2, département 33)" tty.out &&
	grep -q "Importer quand même ? (o/n) : " tty.out &&
	grep -q "répondez o (oui) ou n (non)" tty.out &&
	grep -q "ask.csv : rien n.a été importé" tty.out &&
	grep -q "exit=1" tty.out &&
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >after.sql &&
	test_cmp before.sql after.sql &&
	printf "oui\n" | on_tty "collector import ask.csv; echo exit=\$?" >tty.out &&
	grep -q "exit=0" tty.out &&
	collector list action --format csv | grep -q ",33,prevention,2026-05-01,,,,,,ask"
'

test_expect_success 'import --check: every refused row said, nothing stored' '
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >before &&
	printf "$H\n2028,75,spotted,sexual,f,adult,1\n2028,975,spotted,sexual,f,adult,2\n" >check.csv &&
	printf "2028,75,spotted,nowhere,f,adult,3\n2028,75,supported,labour,m,adult,4\n" >>check.csv &&
	test_exit_code 1 collector import --check check.csv 2>err &&
	test "$(wc -l <err)" = 3 &&
	grep -q "check.csv : ligne 3 : Département (dept) : " err &&
	grep -q "check.csv : ligne 4 : [^:]* (exploitation) : " err &&
	grep -q "check.csv : 2 lignes refusées, 2 correctes ; rien n.a été importé$" err &&
	printf "$H\n2028,75,spotted,sexual,f,adult,1\n2027,75,spotted,sexual,f,adult,9\n" >ok.csv &&
	collector import --check ok.csv 2>err &&
	test_one_line err "ok.csv : 2 lignes correctes \(.*\) : 1 nouveau, 0 mis à jour, 1 inchangé ; rien n.a encore été importé" &&
	sqlite3 "$COLLECTOR_HOME/store.db" .dump >after &&
	test_cmp before after
'

test_done
