#!/bin/sh
# Memory errors and leaks under valgrind's memcheck, on a build without
# sanitizers (build/vg, made here from the sources): a representative
# run of both programs, from init to the report, with refusals on the way.
# Any invalid access, use of uninitialised memory or leak fails it.
. "$(dirname "$0")/test-lib.sh"
. "$MAILLAGE_SRC/tests/t/lib-merger.sh"
. "$MAILLAGE_SRC/tests/t/lib-reliability.sh"

if ! command -v valgrind >/dev/null 2>&1; then
	echo "ok 1 # skip valgrind not installed"
	echo "1..1"
	exit 0
fi

VG_BUILD="$MAILLAGE_SRC/build/vg"

# vg NAME CMD...: CMD (collector or merger) under memcheck; its log in
# vg/NAME.log.  The exit status is CMD's, or 99 for a memcheck error.
vg() {
	_name=$1
	shift
	_prog=$1
	shift
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --track-origins=yes \
		--log-file="$TRASH/vg/$_name.log" "$VG_BUILD/$_prog" "$@"
	_rc=$?
	if [ $_rc = 99 ] || [ -s "$TRASH/vg/$_name.log" ]; then
		echo "memcheck: $_name:" >&2
		cat "$TRASH/vg/$_name.log" >&2
		return 99
	fi
	return $_rc
}

test_expect_success 'setup: a plain build for valgrind' '
	mkdir vg &&
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$MAILLAGE_SRC" BUILD=build/vg \
		CFLAGS="-O1 -g" all >build.log 2>&1 || { tail -20 build.log; exit 1; }
'

test_expect_success 'the coordinator and a collector, from init to enrollment' '
	vg m-init merger init --name "Coordination" >/dev/null &&
	vg m-kit merger kit -o coord.kit 2>/dev/null &&
	vg c-init collector --home ca init --kit coord.kit --org "Association A" \
		--kind association --dept 75,93 >/dev/null 2>&1 &&
	vg c-request collector --home ca request -o ca.request 2>/dev/null &&
	vg m-enroll merger enroll --yes ca.request >/dev/null
'

test_expect_success 'records: add, import, edit, delete, list' '
	id=$(vg c-add-s collector --home ca add support --period 2026 --dept 75 \
		--status supported --exploitation sexual --sex f --age adult --count 4 \
		2>/dev/null) &&
	vg c-add-a collector --home ca add action --dept 93 --type outreach --start 2026-02-01 \
		--note "maraude, \"nuit\"" >/dev/null 2>&1 &&
	vg c-add-t collector --home ca add training --date 2026-03-01 --dept 75 \
		--audience police,justice --participants 12 --hours 3.5 >/dev/null 2>&1 &&
	support_csv 40 1 >s.csv &&
	vg c-import collector --home ca import s.csv 2>/dev/null &&
	vg c-edit collector --home ca edit "$id" --count 5 >/dev/null 2>&1 &&
	vg c-list collector --home ca list >/dev/null &&
	vg c-list-json collector --home ca list --format json >/dev/null &&
	vg c-list-csv collector --home ca list support --format csv >list.csv &&
	vg c-import-back collector --home ca import list.csv 2>/dev/null &&
	id2=$(collector --home ca add support --period 2026 --dept 13 --status spotted \
		--exploitation labour --sex m --age minor --count 1 2>/dev/null) &&
	vg c-delete collector --home ca delete "$id2" >/dev/null 2>&1 &&
	test_exit_code 1 vg c-bad-add collector --home ca add support --period 2026 --dept 975 \
		--status supported --exploitation sexual --sex f --age adult --count 1 2>/dev/null
'

test_expect_success 'export, verify, merge (with refusals), ack, status' '
	vg c-export collector --home ca export -o a1.bundle 2>/dev/null &&
	vg m-verify merger verify a1.bundle >/dev/null &&
	mutate flip a1.bundle bad.bundle 300 &&
	mutate cut a1.bundle cut.bundle 200 &&
	test_exit_code 1 vg m-merge merger merge --receipts rc a1.bundle bad.bundle cut.bundle \
		"$SAMPLES/broken/bomb.bundle" >/dev/null 2>&1 &&
	vg m-merge-again merger merge --receipts rc a1.bundle >/dev/null &&
	vg c-ack collector --home ca ack rc/*.receipt 2>/dev/null &&
	test_exit_code 1 vg c-ack-bad collector --home ca ack bad.bundle 2>/dev/null &&
	vg c-status collector --home ca status >/dev/null
'

test_expect_success 'the national diagnostic in every format' '
	vg m-report merger report --period 2026 >/dev/null &&
	vg m-report-json merger report --period 2026 --format json >/dev/null &&
	vg m-report-csv merger report --period 2026 --format csv >/dev/null &&
	vg m-report-html merger report --period 2026 --format html -o r.html &&
	vg m-report-public merger report --period 2026 --public >/dev/null &&
	vg m-gaps merger gaps --period 2026 >/dev/null &&
	vg m-directory merger directory >/dev/null &&
	vg m-collectors merger collectors >/dev/null &&
	keyid=$(sql "SELECT key_id FROM collector") &&
	vg m-revoke merger revoke "$keyid" >/dev/null 2>&1
'

test_expect_success 'refusals of broken kits and requests' '
	test_exit_code 1 vg c-init-bad collector --home cb init --kit \
		"$SAMPLES/broken/kit-flip-signature.kit" --org X --kind other --dept 01 \
		2>/dev/null &&
	test_exit_code 1 vg m-enroll-bad merger enroll --yes \
		"$SAMPLES/broken/request-flip.request" 2>/dev/null &&
	figure "$(ls vg | wc -l) runs of collector and merger under memcheck:" \
		"no invalid access, no uninitialised value, no leak"
'

test_expect_success 'the check can fail: a leak is reported' '
	cat >leak.c <<-\EOF &&
	#include <stdlib.h>
	int main(void) { char *p = malloc(64); p[0] = 1; p = NULL; return 0; }
	EOF
	cc -g -O0 -o leak leak.c &&
	! valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect ./leak 2>/dev/null
'

test_done
