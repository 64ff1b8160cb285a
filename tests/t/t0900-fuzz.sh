#!/bin/sh
# Every parser against its seed corpus and every past crash (replay
# drivers, any compiler), then a short coverage-guided run of each when
# the libFuzzer binaries were built (make check builds them with clang).
test_description='fuzz targets: replay and short libFuzzer runs'
. "$(dirname "$0")/test-lib.sh"

FUZZ_CHECK_SECONDS=${FUZZ_CHECK_SECONDS:-8}

for t in bundle csv record signed questionnaire; do
	test_expect_success "replay $t corpus and regressions" '
		"$MAILLAGE_SRC/tools/fuzz-seeds" '"$t"' seeds-'"$t"' &&
		test "$(ls seeds-'"$t"' | wc -l)" -gt 0 &&
		"$MAILLAGE_BUILD/fuzz/replay_'"$t"'" seeds-'"$t"'
	'
done

if [ -n "${MAILLAGE_LF:-}" ] && [ -x "$MAILLAGE_LF/fuzz/lf_record" ]; then
	for t in bundle csv record signed questionnaire; do
		test_expect_success "libFuzzer $t for ${FUZZ_CHECK_SECONDS}s finds no crash" '
			mkdir -p crash-'"$t"' &&
			"$MAILLAGE_LF/fuzz/lf_'"$t"'" -max_total_time='"$FUZZ_CHECK_SECONDS"' \
				-rss_limit_mb=2048 -max_len=65536 -artifact_prefix=crash-'"$t"'/ \
				seeds-'"$t"' >lf-'"$t"'.log 2>&1 ||
			{ tail -n 40 lf-'"$t"'.log; false; }
		'
	done
fi
test_done
