/*
 * fuzz_record.c - record_decode() on arbitrary bytes.  Whatever it accepts
 * must validate, re-encode to the very same bytes (canonical form), and
 * decode again to the same record.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static record r, r2;
	static uint8_t buf[REC_ENCODED_MAX];
	size_t len;

	if (record_decode(data, size, &r, NULL) != FMT_OK)
		return 0;
	if (record_validate(&r, NULL) != FMT_OK)
		abort();
	if (record_encode(&r, buf, sizeof buf, &len, NULL) != FMT_OK)
		abort();
	if (len != size || memcmp(buf, data, size) != 0)
		abort();
	if (record_decode(buf, len, &r2, NULL) != FMT_OK)
		abort();
	return 0;
}
