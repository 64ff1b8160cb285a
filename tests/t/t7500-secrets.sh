#!/bin/sh
# Secrets and privacy: identity key files stay 0600 through every command;
# no secret key byte (raw, hex or base64, even in part) in any output or
# any file the programs write; no core dump possible while keys are
# loaded; bundles, receipts and backups carry no clear text of the records.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

ORG="Zorglub Solidarité Transfrontalière"
NOTE="maraude-confidentielle-quai-de-seine"
PARTNERS="Partenaire-Discret-Lyon"
EMAIL="contact@zorglub-solidarite.example"

# run NAME CMD...: runs CMD, its stdout and stderr kept as outputs/NAME.*;
# then every key file must still be private.
n=0
run() {
	_name=$1
	shift
	"$@" >"outputs/$_name.out" 2>"outputs/$_name.err"
	_rc=$?
	for _k in merger-home/coordinator.key */identity.key; do
		test -e "$_k" || continue
		_mode=$(stat -c %a "$_k")
		test "$_mode" = 600 || { echo "after $_name: $_k has mode $_mode"; return 1; }
	done
	return $_rc
}

test_expect_success 'every command of both programs, outputs kept, key files 0600' '
	mkdir outputs &&
	run m-init merger init --name "Coordination test" &&
	run m-kit merger kit -o coord.kit &&
	run m-kit-stdout merger kit -o - &&
	run c-init collector --home z init --kit coord.kit --org "$ORG" --kind association \
		--dept 971,2A --email "$EMAIL" &&
	run c-init2 collector --home y init --kit coord.kit --org "Autre" --kind barreau \
		--dept 75 &&
	run c-request collector --home z request -o z.request &&
	run c-request2 collector --home y request -o - &&
	cp outputs/c-request2.out y.request &&
	run m-enroll merger enroll --yes z.request y.request &&
	run c-add1 collector --home z add action --dept 971 --type outreach --start 2026-03-01 \
		--note "$NOTE" --partners "$PARTNERS" &&
	run c-add2 collector --home z add support --period 2026-Q1 --dept 2A --status supported \
		--exploitation sexual --sex f --age minor --count 7 &&
	run c-add3 collector --home z add training --date 2026-02-02 --dept 971 \
		--audience police --participants 9 --note "$NOTE" &&
	run c-list collector --home z list &&
	run c-list-json collector --home z list --format json &&
	run c-list-csv collector --home z list action --format csv &&
	id=$(head -1 outputs/c-add2.out) &&
	run c-edit collector --home z edit "$id" --count 8 &&
	run c-status collector --home z status &&
	run c-export collector --home z export -o z1.bundle &&
	run c-delete collector --home z delete "$id" &&
	run c-export2 collector --home z export -o z2.bundle &&
	run c-export-full collector --home z export -o - --full &&
	cp outputs/c-export-full.out z3.bundle &&
	run m-verify merger verify z1.bundle &&
	run m-merge merger merge --receipts rc z1.bundle z2.bundle &&
	run m-merge-again merger merge --receipts rc z1.bundle &&
	run c-ack collector --home z ack rc/* &&
	run m-collectors merger collectors &&
	run m-report merger report &&
	run m-report-json merger report --format json &&
	run m-report-csv merger report --format csv &&
	run m-report-html merger report --format html -o report.html &&
	run m-report-public merger report --public &&
	run m-gaps merger gaps &&
	run m-directory merger directory &&
	run m-history merger history &&
	printf "a passphrase for tests\n" >pass &&
	run m-backup merger backup -o home.backup --passphrase-fd 3 3<pass &&
	run m-restore merger restore home.backup --home restored --passphrase-fd 3 3<pass &&
	test "$(stat -c %a restored/coordinator.key)" = 600 &&
	keyid=$(sed -n "s/^key id: *//p" outputs/m-init.out) &&
	mutate flip z2.bundle bad.bundle 150 &&
	! run m-merge-bad merger merge bad.bundle &&
	! run c-ack-bad collector --home z ack bad.bundle &&
	! run c-init-bad collector --home w init --kit bad.bundle --org X --kind other --dept 01 &&
	ykey=$(sed -n "s/^key id: *//p" outputs/m-enroll.out | tail -1) &&
	run m-revoke merger revoke "$ykey" &&
	figure "$(ls outputs | wc -l) outputs kept"
'

test_expect_success 'the scan finds a secret when there is one' '
	test_exit_code 1 secretscan z/identity.key z/identity.key >/dev/null &&
	od -An -tx1 merger-home/coordinator.key | tr -d " \n" >hex.txt &&
	test_exit_code 1 secretscan merger-home/coordinator.key hex.txt >/dev/null &&
	base64 -w0 z/identity.key >b64.txt &&
	test_exit_code 1 secretscan z/identity.key b64.txt >/dev/null
'

test_expect_success 'no secret key in any output or any file written' '
	find . -type f ! -name "*.key" ! -name hex.txt ! -name b64.txt \
		! -name ".test-*" ! -name ".must-fail.err" >files &&
	figure "$(wc -l <files) files scanned" &&
	for k in merger-home/coordinator.key z/identity.key y/identity.key; do
		secretscan "$k" $(cat files) || exit 1
	done
'

test_expect_success 'bundles, receipts, kits: no clear text of the records' '
	# A kit carries the questionnaire, whose codes ("sexual") are public:
	# only what a field worker typed must not be in it.
	for f in z1.bundle z2.bundle z3.bundle rc/*.receipt coord.kit home.backup; do
		codes="2026-Q1 2026-03-01 outreach sexual"
		test "$f" = coord.kit && codes=
		for s in "$ORG" "Zorglub" "$NOTE" "$PARTNERS" "$EMAIL" $codes; do
			if grep -a -q -F -- "$s" "$f"; then
				echo "$f holds \"$s\" in clear"
				exit 1
			fi
		done
	done &&
	# the check can fail: the request is signed, not encrypted, and names
	# the organisation on purpose (the coordinator reads it at enrollment)
	grep -a -q -F "Zorglub" z.request
'

# limits_of PID: the "Max core file size" line of a running process.
core_limit() {
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_l=$(grep "Max core file size" /proc/$1/limits 2>/dev/null)
		case $_l in *" 0 "*" 0 "*) echo "$_l"; return 0 ;; esac
		sleep 0.1
	done
	echo "$_l"
	return 1
}

# blocked_on_stdin CMD...: runs CMD with its standard input on a FIFO that
# a sleeping writer keeps open and empty, so that CMD waits there with its
# keys loaded; checks its core limit, then lets it end.
blocked_on_stdin() {
	rm -f fifo
	mkfifo fifo || return 1
	(ulimit -c unlimited 2>/dev/null || ulimit -c 1000000
	 exec "$@" <fifo >/dev/null 2>&1) &
	_pid=$!
	sleep 2 >fifo &
	_writer=$!
	sleep 0.3
	core_limit $_pid
	_rc=$?
	kill $_writer 2>/dev/null
	wait $_writer
	wait $_pid
	return $_rc
}

if [ "$(ulimit -H -c)" = 0 ]; then
	test_count=$((test_count + 1))
	echo "ok $test_count # skip core dumps are already forbidden here (hard limit 0)"
else
	test_expect_success 'no core dump possible while the keys are loaded' '
		export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}disable_coredump=0" &&
		# the check can fail: an ordinary program keeps the limit it was given
		! blocked_on_stdin cat >/dev/null &&
		blocked_on_stdin collector --home z ack - &&
		blocked_on_stdin merger merge -
	'
fi

test_done
