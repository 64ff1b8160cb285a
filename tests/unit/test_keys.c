/*
 * test_keys.c - identities: generation, the secret key file (0600, O_EXCL,
 * checksum, consistency checks, every damaged or truncated variant
 * refused), key id and fingerprint.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "envelope.h"
#include "format.h"
#include "keys.h"
#include "signed.h"
#include "tap.h"
#include "scratch.h"

static int write_bytes(const char *path, const uint8_t *b, size_t n, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	if (fd < 0)
		return -1;
	if (write(fd, b, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	fchmod(fd, (mode_t)mode);
	return close(fd);
}

static size_t read_bytes(const char *path, uint8_t *b, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, b, cap);
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

/* Loads path, expecting code; returns 1 when it matched. */
static int load_fails(const char *path, int code)
{
	identity *id = (identity *)1;
	fmt_error e;
	int rc;

	fmt_error_clear(&e);
	rc = keys_load(&id, path, &e);
	if (rc != code)
		diag("keys_load: got %d (%s), want %d", rc, fmt_error_message(&e), code);
	return rc == code && id == NULL && e.code == code && e.detail[0] != '\0';
}

/* Rewrites a key image's checksum so that only the deeper checks can
 * catch what was changed. */
static void fix_checksum(uint8_t img[168])
{
	crypto_generichash(img + 136, 32, img, 136, NULL, 0);
}

static void test_generate_save_load(void)
{
	identity *a = NULL, *b = NULL;
	uint8_t img[200], pk[32];
	struct stat st;
	fmt_error e;
	int rc;

	is_int(keys_generate(&a, &e), FMT_OK, "keys_generate");
	crypto_sign_ed25519_sk_to_pk(pk, a->sign_sk);
	ok(memcmp(pk, a->pub.sign_pk, 32) == 0, "Ed25519 public key matches the secret key");
	crypto_scalarmult_base(pk, a->box_sk);
	ok(memcmp(pk, a->pub.box_pk, 32) == 0, "X25519 public key matches the secret key");

	rc = keys_save(a, scratch_path("id.key"), &e);
	is_int(rc, FMT_OK, "keys_save");
	ok(stat(scratch_path("id.key"), &st) == 0, "key file exists");
	is_int(st.st_mode & 07777, 0600, "key file has mode 0600");
	is_int(st.st_size, 168, "key file is 168 bytes");
	is_int(scratch_entries(), 1, "no temporary file left behind");
	is_int(read_bytes(scratch_path("id.key"), img, sizeof img), 168, "read the key file back");
	ok(memcmp(img, "MLLGS\x02\x01\x00", 8) == 0, "header MLLG S 2 1 0");
	ok(memcmp(img + 8, a->sign_sk, 64) == 0, "Ed25519 secret key at offset 8");
	ok(memcmp(img + 72, a->box_sk, 32) == 0, "X25519 secret key at offset 72");
	ok(memcmp(img + 104, a->pub.box_pk, 32) == 0, "X25519 public key at offset 104");
	crypto_generichash(pk, 32, img, 136, NULL, 0);
	ok(memcmp(pk, img + 136, 32) == 0, "BLAKE2b-256 checksum at offset 136");

	rc = keys_save(a, scratch_path("id.key"), &e);
	is_int(rc, FMT_E_EXISTS, "keys_save refuses to replace an existing file");
	ok(strstr(e.detail, "id.key") != NULL, "the message names the file: %s", e.detail);
	is_int(scratch_entries(), 1, "refused save leaves no temporary file");
	is_int(read_bytes(scratch_path("id.key"), img, sizeof img), 168, "existing file untouched");

	rc = keys_load(&b, scratch_path("id.key"), &e);
	is_int(rc, FMT_OK, "keys_load");
	ok(b && memcmp(b, a, sizeof *a) == 0, "loaded identity equals the saved one");
	keys_free(b);

	rc = keys_save(a, "/nonexistent-dir/x.key", &e);
	is_int(rc, FMT_E_IO, "keys_save into a missing folder fails");
	ok(strstr(e.detail, "/nonexistent-dir/x.key") && strstr(e.detail, "No such file"),
	   "message names the file and the cause: %s", e.detail);
	keys_free(a);
	keys_free(NULL);
	ok(1, "keys_free(NULL) is harmless");
}

static void test_modes(void)
{
	static const int modes[] = { 0644, 0640, 0604, 0620, 0602, 0660, 0666, 0700 };
	identity *a = NULL, *b = NULL;
	fmt_error e;
	char want[64];
	size_t i;

	keys_generate(&a, NULL);
	keys_save(a, scratch_path("mode.key"), NULL);
	for (i = 0; i < sizeof modes / sizeof modes[0]; i++) {
		chmod(scratch_path("mode.key"), (mode_t)modes[i]);
		if (modes[i] == 0700) {
			/* Owner bits only: accepted. */
			is_int(keys_load(&b, scratch_path("mode.key"), &e), FMT_OK,
			       "mode 0700 is private: accepted");
			keys_free(b);
			continue;
		}
		ok(load_fails(scratch_path("mode.key"), FMT_E_KEYFILE), "mode %04o refused", modes[i]);
		keys_load(&b, scratch_path("mode.key"), &e);
		snprintf(want, sizeof want, "(mode %04o); expected 0600", modes[i]);
		ok(strstr(e.detail, want) != NULL, "message gives the mode: %s", e.detail);
	}
	chmod(scratch_path("mode.key"), 0644);
	keys_load(&b, scratch_path("mode.key"), &e);
	ok(strstr(e.detail, "is readable by other users (mode 0644); expected 0600") != NULL &&
	   strstr(e.detail, "mode.key") != NULL, "0644: \"%s\"", e.detail);
	keys_free(a);
}

static void test_damaged(void)
{
	identity *a = NULL, *c = NULL, *b = NULL;
	uint8_t good[168], img[400];
	fmt_error e;
	int rc, all = 1, off, bit, n;

	keys_generate(&a, NULL);
	keys_generate(&c, NULL);
	keys_save(a, scratch_path("good.key"), NULL);
	read_bytes(scratch_path("good.key"), good, sizeof good);

	/* Every bit of the file, flipped on its own, is caught. */
	for (off = 0; off < 168; off++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(img, good, 168);
			img[off] ^= (uint8_t)(1 << bit);
			write_bytes(scratch_path("flip.key"), img, 168, 0600);
			rc = keys_load(&b, scratch_path("flip.key"), &e);
			if (rc == FMT_OK || b != NULL) {
				all = 0;
				diag("flipping bit %d of byte %d was accepted", bit, off);
				keys_free(b);
			}
		}
	}
	ok(all, "every single-bit change of the key file is refused");

	/* Every truncation, and a longer file. */
	all = 1;
	for (n = 0; n < 168; n++) {
		write_bytes(scratch_path("short.key"), good, (size_t)n, 0600);
		rc = keys_load(&b, scratch_path("short.key"), &e);
		if (rc != FMT_E_KEYFILE) {
			all = 0;
			diag("length %d: got %d", n, rc);
		}
	}
	ok(all, "every truncated key file is refused with FMT_E_KEYFILE");
	memcpy(img, good, 168);
	img[168] = 0;
	write_bytes(scratch_path("long.key"), img, 169, 0600);
	ok(load_fails(scratch_path("long.key"), FMT_E_KEYFILE), "169-byte key file refused");

	/* Consistent checksum, inconsistent keys. */
	memcpy(img, good, 168);
	memcpy(img + 104, c->pub.box_pk, 32);
	fix_checksum(img);
	write_bytes(scratch_path("box.key"), img, 168, 0600);
	ok(load_fails(scratch_path("box.key"), FMT_E_KEYFILE), "X25519 public key of another identity");
	keys_load(&b, scratch_path("box.key"), &e);
	ok(strstr(e.detail, "does not match") != NULL, "message: %s", e.detail);

	memcpy(img, good, 168);
	memcpy(img + 8 + 32, c->pub.sign_pk, 32);     /* seed of a, public key of c */
	fix_checksum(img);
	write_bytes(scratch_path("sign.key"), img, 168, 0600);
	ok(load_fails(scratch_path("sign.key"), FMT_E_KEYFILE),
	   "Ed25519 secret key whose embedded public key is another's");

	/* Header checks behind a valid checksum. */
	memcpy(img, good, 168);
	img[5] = 3;
	fix_checksum(img);
	write_bytes(scratch_path("v3.key"), img, 168, 0600);
	ok(load_fails(scratch_path("v3.key"), FMT_E_VERSION), "key file of version 3");
	memcpy(img, good, 168);
	img[6] = 9;
	fix_checksum(img);
	write_bytes(scratch_path("s9.key"), img, 168, 0600);
	ok(load_fails(scratch_path("s9.key"), FMT_E_SUITE), "key file of suite 9");
	memcpy(img, good, 168);
	img[7] = 1;
	fix_checksum(img);
	write_bytes(scratch_path("r1.key"), img, 168, 0600);
	ok(load_fails(scratch_path("r1.key"), FMT_E_RESERVED), "key file with reserved byte set");
	memcpy(img, good, 168);
	img[4] = 'K';
	fix_checksum(img);
	write_bytes(scratch_path("kit.key"), img, 168, 0600);
	ok(load_fails(scratch_path("kit.key"), FMT_E_KEYFILE), "a kit is not a key file");
	keys_load(&b, scratch_path("kit.key"), &e);
	ok(strstr(e.detail, "this is a kit") != NULL, "message says what it is: %s", e.detail);

	write_bytes(scratch_path("text.key"), (const uint8_t *)"hello\n", 6, 0600);
	ok(load_fails(scratch_path("text.key"), FMT_E_KEYFILE), "a text file is not a key file");

	ok(load_fails(scratch_path("missing.key"), FMT_E_IO), "missing file");
	keys_load(&b, scratch_path("missing.key"), &e);
	ok(strstr(e.detail, "missing.key: No such file or directory") != NULL,
	   "message: %s", e.detail);
	ok(load_fails(scratch_dir, FMT_E_KEYFILE), "a folder is not a key file");

	keys_free(a);
	keys_free(c);
}

static void test_ids(void)
{
	identity *a = NULL, *c = NULL;
	char id[KEY_ID_CHARS + 1], fp[KEY_FINGERPRINT_CHARS + 1], hex[65], joined[33];
	crypto_generichash_state st;
	uint8_t d[32];
	int i, j, shape = 1;

	keys_generate(&a, NULL);
	keys_generate(&c, NULL);
	memset(id, 'x', sizeof id);
	memset(fp, 'x', sizeof fp);
	keys_id(&a->pub, id);
	keys_fingerprint(&a->pub, fp);

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)"maillage key id v1", 18);
	crypto_generichash_update(&st, a->pub.sign_pk, 32);
	crypto_generichash_update(&st, a->pub.box_pk, 32);
	crypto_generichash_final(&st, d, 32);
	sodium_bin2hex(hex, sizeof hex, d, 32);

	is_int(strlen(id), KEY_ID_CHARS, "key id has 16 characters");
	ok(strncmp(id, hex, 16) == 0, "key id = first 8 bytes of the digest in hex (%s)", id);
	is_int(strlen(fp), KEY_FINGERPRINT_CHARS, "fingerprint has 39 characters");
	for (i = 0, j = 0; i < KEY_FINGERPRINT_CHARS; i++) {
		if (i % 5 == 4) {
			shape &= fp[i] == ' ';
		} else {
			shape &= (fp[i] >= '0' && fp[i] <= '9') || (fp[i] >= 'a' && fp[i] <= 'f');
			joined[j++] = fp[i];
		}
	}
	joined[j] = '\0';
	ok(shape, "fingerprint is 8 groups of 4 lower-case hex digits: \"%s\"", fp);
	ok(strncmp(joined, hex, 32) == 0, "fingerprint = first 16 bytes of the digest");
	ok(strncmp(joined, id, 16) == 0, "fingerprint starts with the key id");
	keys_id(&c->pub, joined);
	ok(strcmp(joined, id) != 0, "two identities have different ids");
	keys_free(a);
	keys_free(c);
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	umask(022);
	scratch_make("keys");
	test_generate_save_load();
	test_modes();
	test_damaged();
	test_ids();
	scratch_remove();
	return done_testing();
}
