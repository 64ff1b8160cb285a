#!/bin/sh
# t8200-dist.sh - the release tarball (make dist, tools/mkdist): named
# after the VERSION file, which both programs print; exactly the static
# programs, man pages, field guide, CSV templates, README.md and a
# SHA256SUMS that checks; reproducible; a stale build or a missing file is
# refused without writing anything.

. "$(dirname "$0")/test-lib.sh"

STATIC=${MAILLAGE_STATIC:-$MAILLAGE_SRC/build/static}
MKDIST="$MAILLAGE_SRC/tools/mkdist"
VERSION=$(cat "$MAILLAGE_SRC/VERSION")
NAME=maillage-$VERSION-linux-x86_64

if ! [ -x "$STATIC/collector" ] || ! [ -x "$STATIC/merger" ]; then
	echo "1..0 # SKIP no static build in $STATIC (run make static)"
	exit 0
fi

# A copy of the source tree's shipped files, to break one at a time.
fake_tree() {
	mkdir -p "$1/tools" "$1/docs" "$1/samples/templates" &&
	cp "$MKDIST" "$1/tools/mkdist" &&
	cp "$MAILLAGE_SRC/VERSION" "$MAILLAGE_SRC/README.md" "$1/" &&
	cp "$MAILLAGE_SRC/docs/collector.1" "$MAILLAGE_SRC/docs/merger.1" \
		"$MAILLAGE_SRC/docs/guide-terrain.md" "$1/docs/" &&
	cp "$MAILLAGE_SRC"/samples/templates/*.csv "$1/samples/templates/" &&
	mkdir -p "$1/docs/img" && cp "$MAILLAGE_SRC"/docs/img/*.png "$1/docs/img/"
}

test_expect_success 'the tarball is named after VERSION' '
	SOURCE_DATE_EPOCH=1773568800 "$MKDIST" "$STATIC" out >msg 2>err &&
	test ! -s err &&
	grep -q "^out/$NAME.tar.gz: 16 files and SHA256SUMS, [0-9]* bytes$" msg &&
	ls out >list &&
	printf "%s\n" "$NAME.tar.gz" "$NAME.tar.gz.sha256" >expect &&
	test_cmp expect list &&
	(cd out && sha256sum -c "$NAME.tar.gz.sha256") >/dev/null
'

test_expect_success 'it holds exactly what a field office needs' '
	tar tzf "out/$NAME.tar.gz" | grep -v "/$" | LC_ALL=C sort >list &&
	for f in README.md SHA256SUMS collector docs/collector.1 docs/guide-terrain.md \
		docs/merger.1 merger samples/templates/action.csv \
		samples/templates/victims.csv samples/templates/training.csv \
		$(cd "$MAILLAGE_SRC" && ls docs/img/*.png); do
		echo "$NAME/$f"
	done | LC_ALL=C sort >expect &&
	test_cmp expect list &&
	tar tvzf "out/$NAME.tar.gz" >long &&
	! grep -v " 0/0 " long &&
	grep -q "^-rwxr-xr-x .* $NAME/collector$" long &&
	grep -q "^-rw-r--r-- .* $NAME/docs/guide-terrain.md$" long
'

test_expect_success 'unpacked: SHA256SUMS checks, files are the sources and the static build' '
	tar xzf "out/$NAME.tar.gz" &&
	(cd "$NAME" && sha256sum -c --strict SHA256SUMS) >check &&
	test "$(grep -c ": OK$" check)" = 16 &&
	cmp "$NAME/collector" "$STATIC/collector" &&
	cmp "$NAME/merger" "$STATIC/merger" &&
	cmp "$NAME/docs/guide-terrain.md" "$MAILLAGE_SRC/docs/guide-terrain.md" &&
	cmp "$NAME/samples/templates/victims.csv" "$MAILLAGE_SRC/samples/templates/victims.csv" &&
	cmp "$NAME/README.md" "$MAILLAGE_SRC/README.md"
'

test_expect_success 'both unpacked programs print the version of the tarball name' '
	v=${NAME#maillage-} && v=${v%-linux-x86_64} &&
	test "$("$NAME/collector" --version)" = "collector $v" &&
	test "$("$NAME/merger" --version)" = "merger $v"
'

test_expect_success 'a damaged file is caught by SHA256SUMS' '
	printf "x" >>"$NAME/docs/merger.1" &&
	test_must_fail sh -c "cd $NAME && sha256sum -c --quiet SHA256SUMS" >out.check 2>&1 &&
	grep -q "docs/merger.1: FAILED" out.check
'

test_expect_success 'reproducible: the same inputs give the same bytes' '
	SOURCE_DATE_EPOCH=1773568800 "$MKDIST" "$STATIC" again >/dev/null &&
	cmp "out/$NAME.tar.gz" "again/$NAME.tar.gz" &&
	tar tvzf "out/$NAME.tar.gz" | grep -q " 2026-03-15 10:00 $NAME/collector$"
'

test_expect_success 'programs of another version are refused, nothing written' '
	fake_tree fake &&
	echo 9.9.9 >fake/VERSION &&
	test_exit_code 1 fake/tools/mkdist "$STATIC" fout 2>err &&
	test_one_line err "^mkdist: .*/collector says \"collector $VERSION\", VERSION says 9.9.9" &&
	test ! -e fout
'

test_expect_success 'a missing file is refused, nothing written' '
	rm -rf fake && fake_tree fake &&
	rm fake/docs/guide-terrain.md &&
	test_exit_code 1 fake/tools/mkdist "$STATIC" fout 2>err &&
	test_one_line err "^mkdist: docs/guide-terrain.md: missing$" &&
	test ! -e fout &&
	rm -rf fake && fake_tree fake &&
	rm fake/samples/templates/*.csv &&
	test_exit_code 1 fake/tools/mkdist "$STATIC" fout 2>err &&
	test_one_line err "^mkdist: samples/templates: no CSV template$" &&
	test ! -e fout
'

test_expect_success 'a fake tree with everything gives the same tarball' '
	rm -rf fake && fake_tree fake &&
	SOURCE_DATE_EPOCH=1773568800 fake/tools/mkdist "$STATIC" fout >/dev/null &&
	cmp "out/$NAME.tar.gz" "fout/$NAME.tar.gz"
'

# The Windows zip (make windows): only where the .exe files were built.
WIN="$MAILLAGE_SRC/build/windows"
WNAME=maillage-$VERSION-windows-x86_64
if [ -f "$WIN/collector.exe" ] && [ -f "$WIN/merger.exe" ]; then
	test_expect_success 'with the Windows programs: a zip beside the tarball' '
		SOURCE_DATE_EPOCH=1773568800 "$MKDIST" "$STATIC" wout "$WIN" >msg 2>err &&
		test ! -s err &&
		n=$((9 + $(ls "$MAILLAGE_SRC"/docs/img/*.png | wc -l))) &&
		grep -q "^wout/$WNAME.zip: $n files and SHA256SUMS, [0-9]* bytes$" msg &&
		ls wout >list &&
		printf "%s\n" "$NAME.tar.gz" "$NAME.tar.gz.sha256" "$WNAME.zip" \
			"$WNAME.zip.sha256" >expect &&
		test_cmp expect list &&
		(cd wout && sha256sum -c "$WNAME.zip.sha256") >/dev/null
	'

	test_expect_success 'the zip holds the programs, the guide, the licences; SHA256SUMS checks' '
		python3 -c "import sys, zipfile
for i in zipfile.ZipFile(sys.argv[1]).infolist():
    print(i.filename, \"%04d-%02d-%02d %02d:%02d\" % i.date_time[:5], oct(i.external_attr >> 16))" \
			"wout/$WNAME.zip" >entries &&
		for f in LICENCES/libmicrohttpd.txt LICENCES/libsodium.txt \
			LICENCES/libxlsxwriter.txt LICENCES/mingw-w64.txt LICENCES/sqlite3.txt \
			LICENCES/zlib.txt SHA256SUMS collector.exe guide-terrain.md merger.exe \
			$(cd "$MAILLAGE_SRC/docs" && ls img/*.png); do
			m=0o100644 && case $f in *.exe) m=0o100755 ;; esac &&
			echo "$WNAME/$f 2026-03-15 10:00 $m"
		done | LC_ALL=C sort >expect &&
		test_cmp expect entries &&
		python3 -m zipfile -e "wout/$WNAME.zip" wx &&
		(cd "wx/$WNAME" && sha256sum -c --strict SHA256SUMS) >check &&
		test "$(grep -c ": OK$" check)" = $((9 + $(ls "$MAILLAGE_SRC"/docs/img/*.png | wc -l))) &&
		cmp "wx/$WNAME/img/accueil.png" "$MAILLAGE_SRC/docs/img/accueil.png" &&
		cmp "wx/$WNAME/collector.exe" "$WIN/collector.exe" &&
		cmp "wx/$WNAME/guide-terrain.md" "$MAILLAGE_SRC/docs/guide-terrain.md" &&
		grep -q "Copyright" "wx/$WNAME/LICENCES/libsodium.txt"
	'

	test_expect_success 'the zip is reproducible' '
		SOURCE_DATE_EPOCH=1773568800 "$MKDIST" "$STATIC" wagain "$WIN" >/dev/null &&
		cmp "wout/$WNAME.zip" "wagain/$WNAME.zip"
	'

	test_expect_success 'Windows programs of another version, or a missing licence: refused, nothing written' '
		mkdir -p oldwin deps &&
		cp "$WIN/merger.exe" oldwin/ &&
		printf "MZ not this version\n" >oldwin/collector.exe &&
		test_exit_code 1 "$MKDIST" "$STATIC" fwout oldwin 2>err &&
		test_one_line err "^mkdist: oldwin/collector.exe: not version $VERSION \(rebuild: make windows\)$" &&
		test ! -e fwout &&
		for l in sqlite3 libsodium libmicrohttpd libxlsxwriter zlib; do
			echo "licence $l" >deps/copyright-$l || return 1
		done &&
		test_exit_code 1 env WINDOWS_DEPS="$TRASH/deps" "$MKDIST" "$STATIC" fwout "$WIN" 2>err &&
		test_one_line err "^mkdist: $TRASH/deps/copyright-mingw-w64: missing \(tools/windows-deps\)$" &&
		test ! -e fwout
	'
else
	test_skip 'the Windows zip' "no $WIN/*.exe (make windows)"
fi

test_done
