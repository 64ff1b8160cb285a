#!/bin/sh
# docs/merger.1 renders without a warning and documents every command and
# exit status the program has; docs/SCHEMA.md names every table.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"

MAN="$MAILLAGE_SRC/docs/merger.1"

test_expect_success 'merger.1 renders cleanly' '
	if command -v groff >/dev/null 2>&1; then
		groff -man -ww -z "$MAN" >out 2>&1 && test ! -s out
	else
		echo "groff not installed: rendering not checked"
	fi
'

test_expect_success 'merger.1 documents every command of --help' '
	merger --help | sed -n "s/^  \([a-z][a-z]*\) .*/\1/p" >commands &&
	test "$(wc -l <commands)" = 18 &&
	while read -r c; do
		grep -q "^\.B merger $c\$\|^\.B merger $c " "$MAN" || { echo "synopsis: $c"; exit 1; }
		grep -q "^\.BR* \"$c\|^\.BI* \"$c\|^\.B $c\b" "$MAN" || { echo "commands: $c"; exit 1; }
	done <commands
'

test_expect_success 'merger.1 has the sections and the exit statuses' '
	for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES; do
		grep -q "^\.SH \"*$s\"*$" "$MAN" || { echo "no section $s"; exit 1; }
	done &&
	for n in 0 1 2 3 4 5; do
		sed -n "/^\.SH EXIT STATUS/,/^\.SH ENVIRONMENT/p" "$MAN" | grep -q "^\.B $n$" ||
			{ echo "no exit status $n"; exit 1; }
	done
'

test_expect_success 'SCHEMA.md describes every table of the database' '
	merger init >/dev/null &&
	sql "SELECT name FROM sqlite_master WHERE type = '\''table'\'' ORDER BY name" >tables &&
	test "$(wc -l <tables)" -ge 10 &&
	while read -r t; do
		grep -q "^### \`$t\`" "$MAILLAGE_SRC/docs/SCHEMA.md" ||
			grep -q "^### Live content: .*\`$t\`" "$MAILLAGE_SRC/docs/SCHEMA.md" ||
			{ echo "SCHEMA.md: no section for table $t"; exit 1; }
	done <tables
'

test_done
