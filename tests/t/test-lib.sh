# test-lib.sh - the harness of the end-to-end tests, in the manner of git's
# t/test-lib.sh.  Each tNNNN-area-what.sh sources it, then calls
#
#   test_expect_success 'title' 'commands'   commands must succeed
#   test_must_fail CMD...                    CMD must exit non-zero (not crash)
#   test_exit_code N CMD...                  CMD must exit with N
#   test_cmp expected actual                 diff -u
#   test_done                                prints the TAP plan
#
# Every script runs in its own fresh scratch folder ($TRASH), with the
# collector and merger of $MAILLAGE_BUILD on PATH and their homes inside
# the scratch folder.  Nothing outside it is touched.

set -u
: "${MAILLAGE_BUILD:?run the tests through make check}"
: "${MAILLAGE_SRC:=$(cd "$(dirname "$0")/../.." && pwd)}"
SAMPLES="$MAILLAGE_SRC/samples"
TEST_NAME=$(basename "$0" .sh)
TRASH=$(mktemp -d "${TMPDIR:-/tmp}/maillage-$TEST_NAME.XXXXXX")
trap 'cd /; [ -n "${KEEP_TRASH:-}" ] || rm -rf "$TRASH"' EXIT
cd "$TRASH" || exit 1

PATH="$MAILLAGE_BUILD:$MAILLAGE_BUILD/tools:$PATH"
export PATH
export COLLECTOR_HOME="$TRASH/collector-home"
export MERGER_HOME="$TRASH/merger-home"
export LC_ALL=C.UTF-8 TZ=UTC
# The programs speak French unless the locale asks for English; the
# merger's tests read its messages in English, the collector's in French.
merger() { LC_ALL=en_GB.UTF-8 command merger "$@"; }
unset XDG_DATA_HOME

test_count=0
test_failures=0

test_expect_success() {
	test_count=$((test_count + 1))
	_title=$1
	_out="$TRASH/.test-$test_count.log"
	if (eval "$2") >"$_out" 2>&1; then
		echo "ok $test_count - $_title"
	else
		test_failures=$((test_failures + 1))
		echo "not ok $test_count - $_title"
		sed 's/^/#   /' "$_out"
		printf '#   commands:\n'
		printf '%s\n' "$2" | sed 's/^/#     /'
	fi
}

# Exits non-zero but not through a signal or a sanitizer report (those
# exit with 128+ or with the sanitizers' code 1 plus a report on stderr).
test_must_fail() {
	_err="$TRASH/.must-fail.err"
	"$@" 2>"$_err"
	_rc=$?
	cat "$_err" >&2
	if [ $_rc -eq 0 ]; then
		echo "test_must_fail: command succeeded: $*" >&2
		return 1
	elif [ $_rc -gt 128 ]; then
		echo "test_must_fail: command died with signal $((_rc - 128)): $*" >&2
		return 1
	elif grep -q 'Sanitizer' "$_err"; then
		echo "test_must_fail: sanitizer report: $*" >&2
		return 1
	fi
	return 0
}

test_exit_code() {
	_want=$1
	shift
	"$@"
	_rc=$?
	if [ $_rc -ne "$_want" ]; then
		echo "test_exit_code: want exit $_want, got $_rc: $*" >&2
		return 1
	fi
	return 0
}

test_cmp() {
	diff -u "$1" "$2"
}

# Exactly one line on stderr file $1, containing $2 (grep -E pattern).
# invert_byte FILE OFFSET: inverts one byte of FILE in place (a fixed
# value would leave the file intact when the byte already held it).
invert_byte() {
	_b=$(od -An -tu1 -j "$2" -N1 "$1" | tr -d " ") &&
	printf "\\$(printf %o $((255 - _b)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}

test_one_line() {
	_lines=$(wc -l <"$1")
	if [ "$_lines" -ne 1 ]; then
		echo "want one line on stderr, got $_lines:" >&2
		cat "$1" >&2
		return 1
	fi
	grep -E -q -- "$2" "$1" || {
		echo "stderr does not match '$2':" >&2
		cat "$1" >&2
		return 1
	}
}

# The I/O failure shim (tests/shim/failio.c), built by make check: makes
# writes, syncs and renames fail, or kills the process, in the files whose
# path holds FAILIO_PATH.  with_shim VAR=VALUE... CMD... runs CMD with the
# shim preloaded and the variables set.  ASan wants to be the first
# library loaded; the shim only wraps libc calls, so that check is off.
SHIM="$MAILLAGE_BUILD/tools/libfailio.so"
with_shim() {
	env LD_PRELOAD="$SHIM" \
	    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" "$@"
}

# test_skip TITLE REASON: a test that cannot run here, counted as skipped.
test_skip() {
	test_count=$((test_count + 1))
	echo "ok $test_count - $1 # skip $2"
}

test_done() {
	echo "1..$test_count"
	[ $test_failures -eq 0 ]
	exit $?
}
