/*
 * fuzz_bundle.c - the bundle reader on arbitrary bytes, with the test
 * coordinator identity of samples/vectors as the recipient.  Most inputs
 * die at the sealed file key; the corpus seeded from samples/ (valid and
 * broken bundles) lets the fuzzer mutate the structure around it.  Every
 * record the reader returns must validate.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static identity *coord;

/* A git checkout leaves the test key world-readable, which keys_load()
 * rightly refuses: load a private copy instead. */
static void load_coordinator(void)
{
	const char *src = getenv("MAILLAGE_SRC");
	char path[4096], copy[] = "/tmp/maillage-fuzz-key.XXXXXX";
	uint8_t buf[4096];
	size_t n;
	FILE *in;
	int fd;

	if (format_init(NULL) != FMT_OK)
		abort();
	snprintf(path, sizeof path, "%s/samples/vectors/coordinator.key", src ? src : ".");
	in = fopen(path, "rb");
	fd = mkstemp(copy);
	if (!in || fd < 0) {
		fprintf(stderr, "fuzz_bundle: cannot read %s (set MAILLAGE_SRC)\n", path);
		abort();
	}
	n = fread(buf, 1, sizeof buf, in);
	fclose(in);
	if (write(fd, buf, n) != (ssize_t)n)
		abort();
	close(fd);
	if (keys_load(&coord, copy, NULL) != FMT_OK) {
		fprintf(stderr, "fuzz_bundle: %s is not a valid key file\n", path);
		abort();
	}
	unlink(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static record rec;
	bundle_reader *r = NULL;
	bundle_info info;
	FILE *f;
	int rc;

	if (!coord)
		load_coordinator();
	/* The reader wants a seekable descriptor: an unlinked temporary file. */
	f = tmpfile();
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fflush(f);
	rewind(f);
	rc = bundle_reader_open(&r, fileno(f), coord, &info, NULL);
	if (rc == FMT_OK) {
		while ((rc = bundle_reader_next(r, &rec, NULL)) == FMT_OK)
			if (record_validate(&rec, NULL) != FMT_OK)
				abort();
	}
	bundle_reader_free(r);
	fclose(f);
	return 0;
}
