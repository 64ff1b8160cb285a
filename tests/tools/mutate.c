/*
 * mutate.c - byte surgery on real files for the hostile-input tests
 * (tests/t/t71*): bits flipped, files cut short, bytes appended, ranges
 * swapped between two files.  It knows nothing of the format: the tests
 * name the regions (docs/FORMAT.md) and say which refusal each must get.
 *
 *   mutate flip IN OUT OFFSET [MASK]      one byte XORed (MASK default 1)
 *   mutate flips IN DIR STEP [FIRST LAST] DIR/flip-OFFSET.EXT for every
 *                                         STEP-th byte, and every byte of the
 *                                         first FIRST (default 120) and last
 *                                         LAST (default 40); bit OFFSET % 8
 *   mutate cut IN OUT LEN                 the first LEN bytes
 *   mutate cuts IN DIR                    DIR/cut-LEN.EXT for a class of lengths:
 *                                         0..FIRST every byte, then around
 *                                         each 64 KiB+17 block end, half, end-1
 *   mutate append IN OUT N [BYTE]         N bytes (default 0x00) appended
 *   mutate splice A B OUT START END       A with bytes [START, END) taken from B
 *
 * EXT is the extension of IN ("bundle" for a.bundle).  Exit 0, or 2 with a
 * message on a usage or I/O error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fileio.h"

/* Inputs are real files of the project: a few MiB at most. */
#define MUTATE_MAX_INPUT (64u << 20)

/* Block of the bundle's encrypted stream: 64 KiB of plaintext + 17 bytes. */
#define STREAM_BLOCK (65536 + 17)
#define BUNDLE_FIXED 112           /* outer header, sealed key, stream header */

/* "mutate: what arg" on stderr, exit 2. */
static void die(const char *what, const char *arg)
{
	fprintf(stderr, "mutate: %s%s%s\n", what, *arg ? " " : "", arg);
	exit(2);
}

static uint8_t *load(const char *path, size_t *len)
{
	fmt_error err;
	uint8_t *data;

	if (read_file_capped(path, MUTATE_MAX_INPUT, &data, len, &err) != FMT_OK)
		die(fmt_error_message(&err), "");
	return data;
}

static void save(const char *path, const uint8_t *a, size_t alen, const uint8_t *b,
		 size_t blen)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		die("cannot create", path);
	if ((alen && fwrite(a, 1, alen, f) != alen) || (blen && fwrite(b, 1, blen, f) != blen) ||
	    fclose(f) != 0)
		die("cannot write", path);
}

static size_t number(const char *s)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		die("not a number:", s);
	return (size_t)v;
}

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *dot = strrchr(slash ? slash : path, '.');

	return dot ? dot + 1 : "bin";
}

static void flip_one(const uint8_t *data, size_t len, size_t off, uint8_t mask,
		     const char *out)
{
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		die("out of memory", "");
	memcpy(copy, data, len);
	copy[off] ^= mask;
	save(out, copy, len, NULL, 0);
	free(copy);
}

static void cut_one(const uint8_t *data, size_t n, const char *dir, const char *ext)
{
	char out[4096];

	snprintf(out, sizeof out, "%s/cut-%08zu.%s", dir, n, ext);
	save(out, data, n, NULL, 0);
}

int main(int argc, char **argv)
{
	uint8_t *a = NULL, *b = NULL;
	size_t alen, blen, i;
	char out[4096];

	if (argc < 2)
		die("usage: mutate flip|flips|cut|cuts|append|splice ...", "");
	if (strcmp(argv[1], "flip") == 0 && (argc == 5 || argc == 6)) {
		a = load(argv[2], &alen);
		i = number(argv[4]);
		if (i >= alen)
			die("offset past the end of", argv[2]);
		flip_one(a, alen, i, argc == 6 ? (uint8_t)number(argv[5]) : 1, argv[3]);
	} else if (strcmp(argv[1], "flips") == 0 && (argc == 5 || argc == 7)) {
		size_t step = number(argv[4]);
		size_t first = argc == 7 ? number(argv[5]) : 120;
		size_t last = argc == 7 ? number(argv[6]) : 40;

		a = load(argv[2], &alen);
		if (step == 0)
			die("STEP must be at least 1", "");
		for (i = 0; i < alen; i++) {
			if (i >= first && i % step != 0 && i + last < alen)
				continue;
			snprintf(out, sizeof out, "%s/flip-%08zu.%s", argv[3], i, ext_of(argv[2]));
			flip_one(a, alen, i, (uint8_t)(1u << (i % 8)), out);
		}
	} else if (strcmp(argv[1], "cut") == 0 && argc == 5) {
		a = load(argv[2], &alen);
		i = number(argv[4]);
		if (i > alen)
			die("length past the end of", argv[2]);
		save(argv[3], a, i, NULL, 0);
	} else if (strcmp(argv[1], "cuts") == 0 && argc == 4) {
		const char *ext = ext_of(argv[2]);
		size_t end;

		a = load(argv[2], &alen);
		for (i = 0; i < alen && i <= 120; i++)
			cut_one(a, i, argv[3], ext);
		/* Around the end of every encrypted block, and of the last. */
		for (end = BUNDLE_FIXED + STREAM_BLOCK; ; end += STREAM_BLOCK) {
			if (end > alen)
				end = alen;
			for (i = end > 18 ? end - 18 : 0; i <= end + 1 && i < alen; i++)
				if (i > 120)
					cut_one(a, i, argv[3], ext);
			if (end == alen)
				break;
		}
		if (alen / 2 > 120)
			cut_one(a, alen / 2, argv[3], ext);
	} else if (strcmp(argv[1], "append") == 0 && (argc == 5 || argc == 6)) {
		size_t n = number(argv[4]);

		a = load(argv[2], &alen);
		b = malloc(n ? n : 1);
		if (!b)
			die("out of memory", "");
		memset(b, argc == 6 ? (int)number(argv[5]) : 0, n);
		save(argv[3], a, alen, b, n);
	} else if (strcmp(argv[1], "splice") == 0 && argc == 7) {
		size_t start = number(argv[5]), end = number(argv[6]);

		a = load(argv[2], &alen);
		b = load(argv[3], &blen);
		if (start > end || end > alen || end > blen)
			die("range past the end of a file", "");
		memcpy(a + start, b + start, end - start);
		save(argv[4], a, alen, NULL, 0);
	} else {
		die("unknown or incomplete command:", argv[1]);
	}
	free(a);
	free(b);
	return 0;
}
