/*
 * fuzz_csv.c - the CSV reader on arbitrary bytes: it must end (FMT_DONE or
 * an error) without reading out of bounds, and every field it returns must
 * be a NUL-terminated string inside its own buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static csv_reader r;
	int rc, rows = 0;

	csv_reader_init(&r, (const char *)data, size);
	while ((rc = csv_next(&r, NULL)) == FMT_OK) {
		if (r.nfields < 1 || r.nfields > CSV_MAX_FIELDS)
			abort();
		for (int i = 0; i < r.nfields; i++)
			if (r.fields[i] < r.buf || r.fields[i] >= r.buf + sizeof r.buf ||
			    strlen(r.fields[i]) >= sizeof r.buf)
				abort();
		if (++rows > (int)size + 1)
			abort();   /* no progress: the reader must consume input */
	}
	return 0;
}
