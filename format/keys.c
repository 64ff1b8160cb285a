/*
 * keys.c - identities (one Ed25519 and one X25519 key pair), their secret
 * key file, and the key id and fingerprint people compare.
 *
 * Secret key file, 168 bytes (docs/FORMAT.md, "Secret key file"):
 *
 *     0  header "MLLG" 'S' 1 1 0
 *     8  Ed25519 secret key (64: libsodium's seed || public key)
 *    72  X25519 secret key (32)
 *   104  X25519 public key (32)
 *   136  BLAKE2b-256 of bytes 0..136
 *
 * The checksum catches a damaged file before its keys are used; the two
 * public-key checks catch a file stitched together from two identities.
 * Secret bytes only ever live in sodium_malloc() memory: the identity
 * itself and the file image are allocated there and wiped on free.
 */
#include "keys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "envelope.h"
#include "fileio.h"
#include "signed.h"

#define KEYFILE_BODY (ENVELOPE_HEADER + KEY_SIGN_SK + KEY_BOX_SK + KEY_BOX_PK)
#define KEYFILE_SIZE (KEYFILE_BODY + 32)        /* 168 */

static const char KEY_ID_CONTEXT[] = "maillage key id v1";

/* See keys.h. */
int keys_generate(identity **out, fmt_error *err)
{
	identity *id;

	*out = NULL;
	id = sodium_malloc(sizeof *id);
	if (!id)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory for a new key pair");
	if (crypto_sign_keypair(id->pub.sign_pk, id->sign_sk) != 0 ||
	    crypto_box_keypair(id->pub.box_pk, id->box_sk) != 0) {
		sodium_free(id);
		return fmt_fail(err, FMT_E_CRYPTO_INIT, "key generation failed");
	}
	*out = id;
	return FMT_OK;
}

/* See keys.h.  The file image is built in guarded memory and wiped. */
int keys_save(const identity *id, const char *path, fmt_error *err)
{
	atomic_file f;
	fmt_error sub;
	uint8_t *img;
	int rc;

	img = sodium_malloc(KEYFILE_SIZE);
	if (!img)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	envelope_put_header(img, FILE_TYPE_SECRET);
	memcpy(img + 8, id->sign_sk, KEY_SIGN_SK);
	memcpy(img + 72, id->box_sk, KEY_BOX_SK);
	memcpy(img + 104, id->pub.box_pk, KEY_BOX_PK);
	crypto_generichash(img + KEYFILE_BODY, 32, img, KEYFILE_BODY, NULL, 0);

	rc = atomic_open(&f, path, 0600, 1, err);
	if (rc != FMT_OK)
		goto out;
	rc = write_all(f.fd, img, KEYFILE_SIZE, &sub);
	if (rc != FMT_OK) {
		atomic_abort(&f);
		rc = fmt_fail_in(err, &sub, path);
		goto out;
	}
	rc = atomic_commit(&f, err);
out:
	sodium_free(img);
	return rc;
}

/* Checks the image img[0..n) of the key file at path (img is guarded
 * memory; nothing secret is copied out of it). */
static int check_image(const uint8_t *img, size_t n, const char *path,
		       fmt_error *err)
{
	uint8_t sum[32], pk[KEY_SIGN_PK], *sk;
	fmt_error sub;
	int rc, match;

	rc = envelope_check_header(img, n, FILE_TYPE_SECRET, &sub);
	if (rc == FMT_E_MAGIC || rc == FMT_E_TRUNCATED)
		return fmt_fail(err, FMT_E_KEYFILE, "%s: not a Maillage secret key file (%s)",
				path, sub.detail);
	if (rc != FMT_OK)
		return fmt_fail_in(err, &sub, path);
	if (n != KEYFILE_SIZE)
		return fmt_fail(err, FMT_E_KEYFILE,
				"%s: secret key file has %s bytes; expected %d",
				path, n > KEYFILE_SIZE ? "more than 168" : "fewer than 168",
				KEYFILE_SIZE);
	crypto_generichash(sum, sizeof sum, img, KEYFILE_BODY, NULL, 0);
	if (sodium_memcmp(sum, img + KEYFILE_BODY, sizeof sum) != 0)
		return fmt_fail(err, FMT_E_KEYFILE,
				"%s: secret key file is damaged (checksum mismatch)", path);
	/* A valid checksum over keys of two different identities: the
	 * public halves must be the ones the secret halves give. */
	crypto_scalarmult_base(pk, img + 72);
	if (sodium_memcmp(pk, img + 104, KEY_BOX_PK) != 0)
		return fmt_fail(err, FMT_E_KEYFILE,
				"%s: encryption public key does not match its secret key", path);
	sk = sodium_malloc(KEY_SIGN_SK);
	if (!sk)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	/* libsodium's Ed25519 secret key is seed || public key: derive the
	 * public key from the seed and compare it with the embedded one
	 * (what crypto_sign_ed25519_sk_to_pk returns). */
	match = crypto_sign_seed_keypair(pk, sk, img + 8) == 0 &&
		sodium_memcmp(pk, img + 8 + 32, KEY_SIGN_PK) == 0;
	sodium_free(sk);
	if (!match)
		return fmt_fail(err, FMT_E_KEYFILE,
				"%s: signing public key does not match its secret key", path);
	return FMT_OK;
}

/* File systems that cannot store a file's mode: every file on them shows
 * the mount's mask (often 0755), whatever was asked at creation.  A USB
 * stick in portable mode is usually one of these: there, the mode says
 * nothing about who can read the key, and the stick's physical custody
 * is what protects it (docs/PORTABLE.md). */
#define FS_MSDOS 0x4d44           /* vfat (FAT12/16/32) */
#define FS_EXFAT 0x2011BAB0
#define FS_NTFS  0x5346544e       /* ntfs3 and ntfs-3g (fuseblk shows as FUSE) */

static int fs_has_modes(int fd)
{
	struct statfs fs;

	if (fstatfs(fd, &fs) != 0)
		return 1;
	return fs.f_type != FS_MSDOS && fs.f_type != FS_EXFAT && fs.f_type != FS_NTFS;
}

/* See keys.h.  One extra byte is read so that a longer file is seen as
 * such; the image lives in guarded memory. */
int keys_load(identity **out, const char *path, fmt_error *err)
{
	identity *id = NULL;
	uint8_t *img = NULL;
	struct stat st;
	size_t got;
	fmt_error sub;
	int fd, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fmt_fail_errno(err, errno, "%s", path);
	if (fstat(fd, &st) < 0) {
		rc = fmt_fail_errno(err, errno, "%s", path);
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = fmt_fail(err, FMT_E_KEYFILE, "%s: not a regular file", path);
		goto out;
	}
	/* Like ssh and signify: a secret others can read is no longer
	 * secret, and refusing it is how its owner finds out. */
	if ((st.st_mode & 077) && fs_has_modes(fd)) {
		rc = fmt_fail(err, FMT_E_KEYFILE,
			      "%s is %s by other users (mode %04o); expected 0600", path,
			      (st.st_mode & 044) ? "readable" : "accessible",
			      (unsigned)(st.st_mode & 07777));
		goto out;
	}
	img = sodium_malloc(KEYFILE_SIZE + 1);
	if (!img) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		goto out;
	}
	rc = read_full(fd, img, KEYFILE_SIZE + 1, &got, &sub);
	if (rc != FMT_OK) {
		rc = fmt_fail_in(err, &sub, path);
		goto out;
	}
	rc = check_image(img, got, path, err);
	if (rc != FMT_OK)
		goto out;
	id = sodium_malloc(sizeof *id);
	if (!id) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		goto out;
	}
	memcpy(id->sign_sk, img + 8, KEY_SIGN_SK);
	memcpy(id->box_sk, img + 72, KEY_BOX_SK);
	memcpy(id->pub.box_pk, img + 104, KEY_BOX_PK);
	crypto_sign_ed25519_sk_to_pk(id->pub.sign_pk, id->sign_sk);
	*out = id;
	id = NULL;
out:
	sodium_free(img);       /* wipes; accepts NULL */
	close(fd);
	return rc;
}

/* See keys.h. */
void keys_free(identity *id)
{
	if (id)
		sodium_free(id);
}

/* BLAKE2b-256("maillage key id v1" || sign_pk || box_pk). */
static void key_digest(const pubkeys *pk, uint8_t out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const uint8_t *)KEY_ID_CONTEXT,
				  sizeof KEY_ID_CONTEXT - 1);
	crypto_generichash_update(&st, pk->sign_pk, KEY_SIGN_PK);
	crypto_generichash_update(&st, pk->box_pk, KEY_BOX_PK);
	crypto_generichash_final(&st, out, 32);
}

/* See keys.h.  Can't fail. */
void keys_id(const pubkeys *pk, char buf[KEY_ID_CHARS + 1])
{
	uint8_t d[32];

	key_digest(pk, d);
	sodium_bin2hex(buf, KEY_ID_CHARS + 1, d, KEY_ID_CHARS / 2);
}

/* See keys.h.  Can't fail. */
void keys_fingerprint(const pubkeys *pk, char buf[KEY_FINGERPRINT_CHARS + 1])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t d[32];
	int i, o = 0;

	key_digest(pk, d);
	for (i = 0; i < 16; i++) {
		if (i > 0 && i % 2 == 0)
			buf[o++] = ' ';
		buf[o++] = hex[d[i] >> 4];
		buf[o++] = hex[d[i] & 15];
	}
	buf[o] = '\0';
}
