#!/bin/sh
# docs/collector.1 renders without a warning, documents every command of
# --help and every exit status; the French guide names every command a
# field worker needs.
. "$(dirname "$0")/test-lib.sh"

MAN="$MAILLAGE_SRC/docs/collector.1"
GUIDE="$MAILLAGE_SRC/docs/guide-terrain.md"

test_expect_success 'collector.1 renders cleanly' '
	if command -v groff >/dev/null 2>&1; then
		groff -man -ww -z "$MAN" >out 2>&1 && test ! -s out
	else
		echo "groff not installed: rendering not checked"
	fi
'

test_expect_success 'collector.1 documents every command of --help' '
	collector --help | sed -n "s/^  \([a-z][a-z]*\)\( .*\)*$/\1/p" | sort -u >commands &&
	test "$(wc -l <commands)" -ge 10 &&
	while read -r c; do
		grep -q "^\.B[RI]* *\"*$c\b\|^\.B collector $c\b\|collector $c\b" "$MAN" || { echo "not in collector.1: $c"; exit 1; }
	done <commands
'

test_expect_success 'collector.1 has the sections and the exit statuses' '
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" ENVIRONMENT FILES; do
		grep -q "^\.SH \"*$s\"*" "$MAN" || { echo "no section $s"; exit 1; }
	done &&
	for n in 0 1 2 3 4 5; do
		sed -n "/^\.SH \"*EXIT STATUS/,/^\.SH /p" "$MAN" | grep -q "^\.B $n" ||
			{ echo "no exit status $n"; exit 1; }
	done
'

test_expect_success 'the French guide walks from the kit to the receipt' '
	for c in "collector init" "collector request" "collector ui" "collector add" "collector export" \
		"collector ack" "collector status"; do
		grep -q "$c" "$GUIDE" || { echo "not in the guide: $c"; exit 1; }
	done
'
test_done
