/*
 * secretscan.c - looks for the secret halves of an identity in files (the
 * output of every command, the files they write), for the secrets test
 * (tests/t/t7500-*).
 *
 *   secretscan KEYFILE FILE...
 *
 * The secrets are the Ed25519 seed (the first 32 bytes of libsodium's
 * secret key; its other 32 are the public key) and the X25519 secret key.
 * Any 12-byte window of either is searched raw, and any 24-character
 * window of their lower- and upper-case hex, and of their base64 (standard
 * and URL-safe, at the three byte alignments), so that a partial leak is
 * found too.  Exit 0 when nothing is found, 1 (naming file and encoding)
 * when something is, 2 on error.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "format.h"
#include "keys.h"

#define WINDOW_RAW 12
#define WINDOW_TEXT 24
#define SCAN_MAX_FILE (512u << 20)

static const void *find(const uint8_t *hay, size_t hlen, const void *needle, size_t nlen)
{
	const uint8_t *n = needle;

	if (nlen == 0 || hlen < nlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++)
		if (hay[i] == n[0] && memcmp(hay + i, n, nlen) == 0)
			return hay + i;
	return NULL;
}

/* Every WINDOW_TEXT-character window of text, searched in data. */
static int scan_text(const uint8_t *data, size_t len, const char *text, const char *file,
		     const char *what)
{
	size_t tl = strlen(text);

	for (size_t i = 0; i + WINDOW_TEXT <= tl; i++)
		if (find(data, len, text + i, WINDOW_TEXT)) {
			printf("%s: holds the %s (%s)\n", file, what, "text encoding");
			return 1;
		}
	return 0;
}

static int scan_secret(const uint8_t *data, size_t len, const uint8_t *sec, size_t slen,
		       const char *file, const char *what)
{
	char hex[2 * 64 + 1], b64[2 * 64 + 8];
	static const int variants[2] = {
		sodium_base64_VARIANT_ORIGINAL_NO_PADDING, sodium_base64_VARIANT_URLSAFE_NO_PADDING,
	};

	for (size_t i = 0; i + WINDOW_RAW <= slen; i++)
		if (find(data, len, sec + i, WINDOW_RAW)) {
			printf("%s: holds the %s (raw bytes)\n", file, what);
			return 1;
		}
	sodium_bin2hex(hex, sizeof hex, sec, slen);
	if (scan_text(data, len, hex, file, what))
		return 1;
	for (char *p = hex; *p; p++)
		if (*p >= 'a' && *p <= 'f')
			*p = (char)(*p - 'a' + 'A');
	if (scan_text(data, len, hex, file, what))
		return 1;
	for (int v = 0; v < 2; v++)
		for (size_t skip = 0; skip < 3; skip++) {
			sodium_bin2base64(b64, sizeof b64, sec + skip, slen - skip, variants[v]);
			if (scan_text(data, len, b64, file, what))
				return 1;
		}
	return 0;
}

int main(int argc, char **argv)
{
	identity *id = NULL;
	fmt_error err;
	int found = 0;

	if (argc < 3) {
		fprintf(stderr, "usage: secretscan KEYFILE FILE...\n");
		return 2;
	}
	if (format_init(&err) != FMT_OK || keys_load(&id, argv[1], &err) != FMT_OK) {
		fprintf(stderr, "secretscan: %s\n", fmt_error_message(&err));
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		uint8_t *data;
		size_t len;

		if (read_file_capped(argv[i], SCAN_MAX_FILE, &data, &len, &err) != FMT_OK) {
			fprintf(stderr, "secretscan: %s\n", fmt_error_message(&err));
			keys_free(id);
			return 2;
		}
		found |= scan_secret(data, len, id->sign_sk, 32, argv[i], "signing secret key");
		found |= scan_secret(data, len, id->box_sk, KEY_BOX_SK, argv[i],
				     "encryption secret key");
		free(data);
	}
	keys_free(id);
	return found;
}
