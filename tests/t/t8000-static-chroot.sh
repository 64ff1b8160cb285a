#!/bin/sh
# t8000-static-chroot.sh - the static collector of `make static` works
# where nothing is installed: alone in an otherwise empty root (no libc,
# no /proc, no /tmp, no /etc), with only dev/null and dev/urandom, and an
# empty environment.  A field post is made there from a kit of the normal
# merger, records are added, listed and exported, and the bundle merges on
# the coordinator's side; the receipt comes back and is applied.
#
# The root is entered with chroot as root, or inside a user namespace
# (unshare -r -m) with the two devices bind-mounted, otherwise the script
# is skipped saying why.  make check builds the static programs first.

. "$(dirname "$0")/test-lib.sh"

STATIC=${MAILLAGE_STATIC:-$MAILLAGE_SRC/build/static}
ROOT="$TRASH/root"
NOW=1773568800                 # 2026-03-15 10:00 UTC
MAILLAGE_NOW=$NOW
export MAILLAGE_NOW

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

[ -x "$STATIC/collector" ] && [ -x "$STATIC/merger" ] ||
	skip_all "no static build in $STATIC (run make static)"
command -v readelf >/dev/null 2>&1 || skip_all "readelf not found (binutils)"
CHROOT=$(command -v chroot || echo /usr/sbin/chroot)
[ -x "$CHROOT" ] || skip_all "chroot not found"

# The root: the program, two devices, a folder for the home.
mkdir -p "$ROOT/dev" "$ROOT/home" && cp "$STATIC/collector" "$ROOT/collector" || exit 1
if [ "$(id -u)" = 0 ]; then
	MODE=root
	mknod -m 666 "$ROOT/dev/null" c 1 3 2>/dev/null &&
	mknod -m 444 "$ROOT/dev/urandom" c 1 9 2>/dev/null ||
		skip_all "mknod not permitted here"
else
	MODE=userns
	: >"$ROOT/dev/null" && : >"$ROOT/dev/urandom" || exit 1
fi

# in_root ARGS...: runs /collector ARGS... in the root with an empty
# environment (but the clock of the tests).
in_root() {
	if [ $MODE = root ]; then
		env -i MAILLAGE_NOW=$NOW "$CHROOT" "$ROOT" /collector "$@"
	else
		unshare -r -m /bin/sh -c '
			r=$1 c=$2 now=$3; shift 3
			mount --bind /dev/null "$r/dev/null" &&
			mount --bind /dev/urandom "$r/dev/urandom" &&
			exec env -i MAILLAGE_NOW=$now "$c" "$r" /collector "$@"' \
			sh "$ROOT" "$CHROOT" $NOW "$@"
	fi
}

in_root --version >/dev/null 2>&1 ||
	skip_all "cannot enter an empty root here ($MODE: chroot or user namespaces not permitted)"

# The national database, for the merge checks.
sql() {
	sqlite3 "$MERGER_HOME/national.db" "$1"
}

test_expect_success 'static, stripped x86_64 programs; the collector under 4 MB' '
	for p in collector merger; do
		readelf -hW "$STATIC/$p" >hdr &&
		grep -q "Machine:.*X86-64" hdr &&
		readelf -lW "$STATIC/$p" >segs &&
		grep -q LOAD segs &&
		! grep -q INTERP segs &&
		readelf -SW "$STATIC/$p" >sects &&
		! grep -q "\.dynamic " sects &&
		! grep -q "\.symtab " sects || return 1
	done &&
	test "$(stat -c %s "$STATIC/collector")" -lt 4000000 &&
	"$MAILLAGE_SRC/tools/check-static" "$STATIC/collector" "$STATIC/merger" >out &&
	test "$(grep -c ": static, stripped, " out)" = 2
'

test_expect_success 'check-static refuses a dynamic program' '
	test_must_fail "$MAILLAGE_SRC/tools/check-static" "$MAILLAGE_BUILD/collector" 2>err &&
	grep -q "collector: " err
'

test_expect_success 'both print the version of the VERSION file' '
	echo "collector $(cat "$MAILLAGE_SRC/VERSION")" >expect &&
	"$STATIC/collector" --version >out && test_cmp expect out &&
	echo "merger $(cat "$MAILLAGE_SRC/VERSION")" >expect &&
	"$STATIC/merger" --version >out && test_cmp expect out
'

test_expect_success 'the root holds nothing but the program and two devices' '
	(cd "$ROOT" && find . | sort) >found &&
	printf "%s\n" . ./collector ./dev ./dev/null ./dev/urandom ./home >expect &&
	test_cmp expect found
'

test_expect_success 'a dynamically linked collector cannot even start there' '
	cp "$MAILLAGE_BUILD/collector" "$ROOT/collector" &&
	if in_root --version >out 2>err; then started=yes; else started=no; fi &&
	cp "$STATIC/collector" "$ROOT/collector" &&
	test $started = no && grep -q "No such file" err &&
	in_root --version >out && grep -q "^collector " out
'

test_expect_success 'coordinator: a normal merger and its kit' '
	merger init --name "Coordination nationale" >/dev/null 2>&1 &&
	merger kit -o national.kit 2>/dev/null &&
	cp national.kit "$ROOT/national.kit"
'

test_expect_success 'init in the empty root' '
	in_root --home /home/terrain init --kit /national.kit --org "Hors la Rue" \
		--kind association --dept 75,93 >out 2>err &&
	grep -q "^Poste initialisé : /home/terrain$" out &&
	test -f "$ROOT/home/terrain/identity.key" &&
	test -f "$ROOT/home/terrain/store.db" &&
	test "$(stat -c %a "$ROOT/home/terrain")" = 700 &&
	test "$(stat -c %a "$ROOT/home/terrain/identity.key")" = 600
'

test_expect_success 'request, enrolled by the normal merger' '
	in_root --home /home/terrain request -o /hlr.request 2>err &&
	merger enroll --yes "$ROOT/hlr.request" >out 2>&1 &&
	merger collectors >out &&
	grep -q "Hors la Rue" out
'

test_expect_success 'add, list, edit and delete in the empty root' '
	in_root --home /home/terrain add support --period 2026-Q1 --dept 93 \
		--status supported --exploitation labour --sex m --age adult --count 17 >sup.id &&
	in_root --home /home/terrain add action --dept 75 --type outreach \
		--start 2026-03-02 --public adults --note "Maraude du mardi" >act.id &&
	in_root --home /home/terrain add training --date 2026-03-10 --dept 93 \
		--audience police,justice --participants 11 >trn.id &&
	in_root --home /home/terrain add support --period 2026-Q1 --dept 75 \
		--status spotted --exploitation sexual --sex f --age minor --count 2 >gone.id &&
	in_root --home /home/terrain delete "$(cat gone.id)" 2>err &&
	in_root --home /home/terrain edit "$(cat act.id)" --people 25 2>err &&
	in_root --home /home/terrain list support --format csv >sup.csv &&
	grep -q "$(cat sup.id)" sup.csv && ! grep -q "$(cat gone.id)" sup.csv &&
	in_root --home /home/terrain list action --format json >act.json &&
	grep -q "Maraude du mardi" act.json &&
	in_root --home /home/terrain list >all &&
	grep -q "Maraude du mardi" all
'

test_expect_success 'export; the bundle merges on the coordinator side' '
	in_root --home /home/terrain export -o /march.bundle 2>err &&
	grep -q "march.bundle : " err &&
	merger verify "$ROOT/march.bundle" >out &&
	grep -q ": ok (" out &&
	mkdir receipts &&
	merger merge --receipts receipts "$ROOT/march.bundle" >out 2>err &&
	grep -q "^bundles merged: *1$" out &&
	test "$(sql "SELECT period, dept, status, exploitation, sex, age, count
		     FROM support")" = "2026-Q1|93|supported|labour|m|adult|17" &&
	test "$(sql "SELECT dept, type, people, note FROM action")" = \
		"75|outreach|25|Maraude du mardi" &&
	test "$(sql "SELECT dept, participants FROM training")" = "93|11" &&
	merger gaps --period 2026 >gaps &&
	! grep -q "^93	" gaps && grep -q "^75	" gaps
'

test_expect_success 'the receipt is applied in the root: nothing left to send' '
	cp receipts/*.receipt "$ROOT/march.receipt" &&
	in_root --home /home/terrain ack /march.receipt 2>err &&
	grep -q "reçu par le coordinateur" err &&
	in_root --home /home/terrain status >out &&
	grep -q "^Le coordinateur a tout reçu.$" out
'

test_expect_success 'portable mode without /proc: the home beside /collector' '
	in_root init --portable --kit /national.kit --org "Barreau de Paris" \
		--kind barreau --dept 75 >out 2>err &&
	grep -q "^Poste initialisé : /maillage-data$" out &&
	test -f "$ROOT/maillage-data/identity.key" &&
	in_root add support --period 2026 --dept 75 --status spotted \
		--exploitation sexual --sex f --age adult --count 4 >p.id &&
	in_root list support --format csv >p.csv &&
	grep -q "$(cat p.id)" p.csv &&
	in_root status >out &&
	grep -q "^Dossier de travail : /maillage-data$" out &&
	in_root --home /home/terrain status >out &&
	grep -q "^Dossier de travail : /home/terrain$" out
'

# The window: the static libmicrohttpd of tools/static-deps, its post
# processor included, serving from the empty root (the network is shared).
test_expect_success 'the window of the static collector answers from the root' '
	if ! command -v curl >/dev/null 2>&1; then echo "curl not installed"; exit 0; fi
	in_root --home /home/terrain ui --no-browser >ui.url 2>ui.err &
	pid=$! i=0
	while [ $i -lt 50 ] && ! grep -q "^http://" ui.url; do sleep 0.1; i=$((i + 1)); done
	url=$(head -n 1 ui.url) && base=${url%%/ouvrir*} &&
	curl -sS -c jar -o /dev/null "$url" &&
	curl -sS -b jar "$base/" >home.html &&
	csrf=$(sed -n "s/.*<meta name=\"csrf\" content=\"\([0-9a-f]*\)\".*/\1/p" home.html) &&
	curl -sS -b jar -d "csrf=$csrf&tableau=victims&periode=2026-T2&dept=93&d0=supported&d1=labour&d2=m&d3=adult&nombre=4" \
		"$base/comptages/cellule" >cell.json
	curl -sS -b jar -d "csrf=$csrf" -o /dev/null "$base/quitter"
	wait $pid &&
	grep -q "Hors la Rue" home.html && grep -q "\"ok\":true" cell.json &&
	grep -q "fenêtre fermée" ui.err &&
	in_root --home /home/terrain list support --format csv | grep -q "2026-Q2,93,supported,labour,m,adult,4"
'

test_done
