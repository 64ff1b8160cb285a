/*
 * fuzz_questionnaire.c - the questionnaire's two readers on arbitrary
 * bytes.
 *
 * The whole input goes to qn_decode(): whatever it accepts must encode
 * back to the very same bytes (canonical form) and decode again.  Then the
 * input, split at its first NUL byte, goes to qn_parse() as tables.csv and
 * lists.csv (no NUL: lists.csv is empty): whatever the sheets give must
 * pass the encoder's checks and decode back to an equal encoding, and every
 * problem reported must name its sheet.  Every list of an accepted
 * questionnaire has a name to show (qn_list_label).  The seeds in
 * tests/fuzz/corpus/questionnaire/ are small sheet pairs so split, and
 * encodings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "questionnaire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every problem of a sheet says which sheet, and has a detail. */
static void problem(void *ctx, const fmt_error *e)
{
	(void)ctx;
	if (!e->detail[0] || (e->code != FMT_E_NOMEM && strcmp(e->where, QN_TABLES_SHEET) != 0 &&
			      strcmp(e->where, QN_LISTS_SHEET) != 0 &&
			      strcmp(e->where, QN_RULES_SHEET) != 0))
		abort();
}

/* q encodes, decodes, and encodes again to the same bytes; when want is
 * given, the first encoding is exactly want[0..wlen). */
static void round_trip(const questionnaire *q, const uint8_t *want, size_t wlen)
{
	questionnaire *back = NULL;
	uint8_t *buf = NULL, *again = NULL;
	size_t len = 0, alen = 0;
	int i;

	for (i = 0; i < q->nlists; i++)
		if (!qn_list_label(&q->lists[i], 0)[0] || !qn_list_label(&q->lists[i], 1)[0])
			abort();
	if (qn_encode(q, &buf, &len, NULL) != FMT_OK)
		abort();
	if (want && (len != wlen || memcmp(buf, want, len) != 0))
		abort();
	if (qn_decode(buf, len, &back, NULL) != FMT_OK)
		abort();
	if (qn_encode(back, &again, &alen, NULL) != FMT_OK || alen != len ||
	    memcmp(again, buf, len) != 0)
		abort();
	qn_free(back);
	free(buf);
	free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	questionnaire *q = NULL;
	const uint8_t *nul, *nul2 = NULL;
	size_t tlen, llen, rlen = 0;
	int rc;

	if (qn_decode(data, size, &q, NULL) == FMT_OK) {
		round_trip(q, data, size);
		qn_free(q);
	} else if (q) {
		abort();
	}

	nul = memchr(data, 0, size);
	tlen = nul ? (size_t)(nul - data) : size;
	llen = nul ? size - tlen - 1 : 0;
	if (nul && (nul2 = memchr(nul + 1, 0, llen))) {
		rlen = llen - (size_t)(nul2 - nul);
		llen = (size_t)(nul2 - nul - 1);
	}
	q = NULL;
	rc = qn_parse_rules((const char *)data, tlen, nul ? (const char *)nul + 1 : "", llen,
			    nul2 ? (const char *)nul2 + 1 : NULL, rlen, &q, problem, NULL, NULL);
	if ((rc == FMT_OK) != (q != NULL))
		abort();
	if (q) {
		round_trip(q, NULL, 0);
		qn_free(q);
	}
	return 0;
}
