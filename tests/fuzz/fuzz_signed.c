/*
 * fuzz_signed.c - the three signed-file parsers (kit, request, receipt) on
 * arbitrary bytes.  The first byte chooses the parser, so one corpus
 * covers all three; the receipt is checked against the key it names, so
 * that its signature is reached.  A kit read must carry a published
 * questionnaire, which is freed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "questionnaire.h"
#include "signed.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	kit k;
	request q;
	receipt r;

	if (!ready) {
		if (format_init(NULL) != FMT_OK)
			abort();
		ready = 1;
	}
	if (size < 1)
		return 0;
	switch (data[0] % 3) {
	case 0:
		/* A kit read owns its questionnaire; a failed read owns
		 * nothing and is zeroed (kit_free of it is harmless). */
		if (kit_read(data + 1, size - 1, &k, NULL) == FMT_OK && (!k.qn || k.qn->edition < 1))
			abort();
		kit_free(&k);
		break;
	case 1:
		(void)request_read(data + 1, size - 1, &q, NULL);
		break;
	default:
		/* The expected signer is whatever the receipt names, so that the
		 * parser gets past the signer check and reaches the signature. */
		if (size > 1 + 12 + KEY_SIGN_PK) {
			uint8_t pk[KEY_SIGN_PK];
			memcpy(pk, data + 1 + 12, sizeof pk);
			if (receipt_read(data + 1, size - 1, pk, &r, NULL) == FMT_OK)
				receipt_free(&r);
		}
		break;
	}
	return 0;
}
