/*
 * backup.c - the coordinator's backup file (backup.h; docs/FORMAT.md,
 * "Backup file").
 *
 *     0  header "MLLG" 'A' 2 1 0
 *     8  kdf: 1 = Argon2id v1.3
 *     9  7 reserved bytes, zero
 *    16  u64 opslimit
 *    24  u64 memlimit (bytes)
 *    32  salt (16)
 *    48  secretstream header (24)
 *    72  messages: u32 length n, then n bytes of secretstream ciphertext
 *
 * Each message's plaintext is a type byte and its payload: INFO, KEYS,
 * DATA..., END (the only one tagged FINAL).  The first message is
 * authenticated with the 72 header bytes as additional data, so that a
 * change of the limits or the salt is caught like a wrong passphrase.
 *
 * Why a passphrase and not a key file: the backup exists for the day the
 * laptop and its key file are gone.  Why Argon2id with libsodium's
 * "moderate" limits (3 passes over 256 MiB, about a second): a backup is
 * made and restored rarely and by hand, and the file may travel on a USB
 * stick, so guessing must cost more than for an interactive login; the
 * "sensitive" limits (1 GiB) would not fit on every field laptop.
 */
#include "backup.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "envelope.h"
#include "fileio.h"
#include "format.h"
#include "signed.h"

#define KDF_ARGON2ID13 1
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES   /* 24 */
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES        /* 17 */
#define KEYS_BYTES (KEY_SIGN_SK + KEY_BOX_SK + KEY_BOX_PK)           /* 128 */
#define INFO_BYTES 20
#define MSG_MAX (1 + BACKUP_CHUNK)                                    /* plaintext */
#define CIPHER_MAX (MSG_MAX + SS_ABYTES)

/* A hostile or damaged header must not make the reader spend minutes or
 * gigabytes: the limits a reader accepts, the writer's well inside. */
#define OPS_MAX 16
#define MEM_MAX ((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)          /* 1 GiB */

enum { M_INFO = 1, M_KEYS = 2, M_DATA = 3, M_END = 4 };

typedef crypto_secretstream_xchacha20poly1305_state stream_state;

struct backup_writer {
	int fd;
	stream_state *st;            /* guarded: holds the key */
	uint8_t *plain;              /* guarded: the keys pass through it */
	uint8_t *cipher;             /* u32 length + ciphertext */
	uint8_t header[BACKUP_HEADER];
	int messages;
	uint64_t expected, written;
};

struct backup_reader {
	int fd;
	stream_state *st;
	uint8_t *plain;
	uint8_t *cipher;
	uint8_t header[BACKUP_HEADER];
	int messages;
	int ended;
	uint64_t ops, mem;            /* key derivation limits of the header */
	uint64_t expected, given;
};

/* Derives the 32-byte stream key into guarded memory. */
static int derive(uint8_t **key, const char *pass, size_t passlen, const uint8_t *salt,
		  uint64_t ops, uint64_t mem, fmt_error *err)
{
	*key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES);
	if (!*key)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	if (crypto_pwhash(*key, crypto_secretstream_xchacha20poly1305_KEYBYTES, pass,
			  passlen, salt, ops, (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(*key);
		*key = NULL;
		return fmt_fail(err, FMT_E_NOMEM, "not enough memory to derive the key from "
				"the passphrase (%llu MiB needed)",
				(unsigned long long)(mem >> 20));
	}
	return FMT_OK;
}

/* --- writing ---------------------------------------------------------------- */

/* Encrypts plain[0..1+len) (type byte already in place) and writes it. */
static int put_message(backup_writer *w, uint8_t type, size_t len, fmt_error *err)
{
	unsigned long long clen;
	uint8_t tag = type == M_END ? crypto_secretstream_xchacha20poly1305_TAG_FINAL :
				      crypto_secretstream_xchacha20poly1305_TAG_MESSAGE;

	w->plain[0] = type;
	crypto_secretstream_xchacha20poly1305_push(w->st, w->cipher + 4, &clen, w->plain,
						   1 + len,
						   w->messages == 0 ? w->header : NULL,
						   w->messages == 0 ? BACKUP_HEADER : 0, tag);
	sodium_memzero(w->plain, 1 + len);
	put_u32(w->cipher, (uint32_t)clen);
	w->messages++;
	return write_all(w->fd, w->cipher, 4 + (size_t)clen, err);
}

int backup_writer_open(backup_writer **out, int fd, const char *pass, size_t passlen,
		       const backup_info *info, const identity *id, fmt_error *err)
{
	const uint64_t ops = crypto_pwhash_OPSLIMIT_MODERATE;
	const uint64_t mem = crypto_pwhash_MEMLIMIT_MODERATE;
	backup_writer *w;
	uint8_t *key = NULL, *h;
	int rc;

	*out = NULL;
	w = calloc(1, sizeof *w);
	if (!w)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	w->fd = fd;
	w->expected = info->db_size;
	w->st = sodium_malloc(sizeof *w->st);
	w->plain = sodium_malloc(MSG_MAX);
	w->cipher = malloc(4 + CIPHER_MAX);
	if (!w->st || !w->plain || !w->cipher) {
		backup_writer_free(w);
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	h = w->header;
	envelope_put_header(h, FILE_TYPE_BACKUP);
	h[8] = KDF_ARGON2ID13;
	put_u64(h + 16, ops);
	put_u64(h + 24, mem);
	randombytes_buf(h + 32, crypto_pwhash_SALTBYTES);
	rc = derive(&key, pass, passlen, h + 32, ops, mem, err);
	if (rc) {
		backup_writer_free(w);
		return rc;
	}
	crypto_secretstream_xchacha20poly1305_init_push(w->st, h + 48, key);
	sodium_free(key);
	rc = write_all(fd, h, BACKUP_HEADER, err);

	if (rc == FMT_OK) {
		put_i64(w->plain + 1, info->created);
		put_u64(w->plain + 9, info->db_size);
		put_u32(w->plain + 17, info->schema);
		rc = put_message(w, M_INFO, INFO_BYTES, err);
	}
	if (rc == FMT_OK) {
		memcpy(w->plain + 1, id->sign_sk, KEY_SIGN_SK);
		memcpy(w->plain + 1 + KEY_SIGN_SK, id->box_sk, KEY_BOX_SK);
		memcpy(w->plain + 1 + KEY_SIGN_SK + KEY_BOX_SK, id->pub.box_pk, KEY_BOX_PK);
		rc = put_message(w, M_KEYS, KEYS_BYTES, err);
	}
	if (rc) {
		backup_writer_free(w);
		return rc;
	}
	*out = w;
	return FMT_OK;
}

int backup_writer_data(backup_writer *w, const uint8_t *data, size_t len,
		       fmt_error *err)
{
	while (len > 0) {
		size_t n = len < BACKUP_CHUNK ? len : BACKUP_CHUNK;
		int rc;

		if (n > w->expected - w->written)
			return fmt_fail(err, FMT_E_LENGTH, "more database bytes than announced");
		memcpy(w->plain + 1, data, n);
		rc = put_message(w, M_DATA, n, err);
		if (rc)
			return rc;
		w->written += n;
		data += n;
		len -= n;
	}
	return FMT_OK;
}

int backup_writer_finish(backup_writer *w, fmt_error *err)
{
	if (w->written != w->expected)
		return fmt_fail(err, FMT_E_LENGTH, "%llu database bytes announced, %llu given",
				(unsigned long long)w->expected,
				(unsigned long long)w->written);
	return put_message(w, M_END, 0, err);
}

void backup_writer_free(backup_writer *w)
{
	if (!w)
		return;
	sodium_free(w->st);
	sodium_free(w->plain);
	free(w->cipher);
	free(w);
}

/* --- reading ---------------------------------------------------------------- */

/* Reads and decrypts the next message into r->plain; *type and *len (of
 * the payload) receive what it holds. */
static int get_message(backup_reader *r, uint8_t *type, size_t *len, fmt_error *err)
{
	unsigned long long plen;
	uint8_t tag;
	uint32_t clen;
	size_t got;
	fmt_error sub;
	int rc;

	rc = read_full(r->fd, r->cipher, 4, &got, &sub);
	if (rc)
		return fmt_fail_in(err, &sub, "reading the backup");
	if (got == 0)
		return fmt_fail(err, FMT_E_NO_FINAL, "truncated: the backup stops before its "
				"end mark (message %d)", r->messages + 1);
	if (got < 4)
		return fmt_fail(err, FMT_E_TRUNCATED, "truncated: the backup stops inside "
				"message %d", r->messages + 1);
	clen = get_u32(r->cipher);
	if (clen < SS_ABYTES + 1 || clen > CIPHER_MAX)
		return fmt_fail(err, r->messages == 0 ? FMT_E_DECRYPT : FMT_E_LENGTH,
				"message %d declares %lu bytes (%d to %d allowed): damaged "
				"or altered", r->messages + 1, (unsigned long)clen,
				SS_ABYTES + 1, CIPHER_MAX);
	rc = read_full(r->fd, r->cipher + 4, clen, &got, &sub);
	if (rc)
		return fmt_fail_in(err, &sub, "reading the backup");
	if (got < clen)
		return fmt_fail(err, FMT_E_TRUNCATED, "truncated: the backup stops inside "
				"message %d", r->messages + 1);
	if (crypto_secretstream_xchacha20poly1305_pull(r->st, r->plain, &plen, &tag,
						       r->cipher + 4, clen,
						       r->messages == 0 ? r->header : NULL,
						       r->messages == 0 ? BACKUP_HEADER : 0) != 0) {
		if (r->messages == 0)
			return fmt_fail(err, FMT_E_DECRYPT, "wrong passphrase, or the "
					"backup's header was altered");
		return fmt_fail(err, FMT_E_DECRYPT, "message %d fails authentication: "
				"the backup was altered or damaged", r->messages + 1);
	}
	r->messages++;
	*type = r->plain[0];
	*len = (size_t)plen - 1;
	if ((*type == M_END) != (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) ||
	    (tag != crypto_secretstream_xchacha20poly1305_TAG_FINAL &&
	     tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE))
		return fmt_fail(err, FMT_E_RECORD, "message %d: unexpected tag %u",
				r->messages, (unsigned)tag);
	return FMT_OK;
}

/* Checks the 72-byte header; *ops and *mem receive the limits. */
static int check_header(const uint8_t *h, size_t got, uint64_t *ops, uint64_t *mem,
			fmt_error *err)
{
	fmt_error sub;
	int rc = envelope_check_header(h, got, FILE_TYPE_BACKUP, &sub);

	if (rc) {
		if (err)
			*err = sub;     /* it names the file's kind already */
		return rc;
	}
	if (got < BACKUP_HEADER)
		return fmt_fail(err, FMT_E_TRUNCATED, "truncated: %zu bytes, shorter than "
				"the backup's header (%d)", got, BACKUP_HEADER);
	if (h[8] != KDF_ARGON2ID13)
		return fmt_fail(err, FMT_E_SUITE, "unknown key derivation %u", h[8]);
	for (int i = 9; i < 16; i++)
		if (h[i])
			return fmt_fail(err, FMT_E_RESERVED, "reserved byte %d is not zero", i);
	*ops = get_u64(h + 16);
	*mem = get_u64(h + 24);
	if (*ops < crypto_pwhash_OPSLIMIT_MIN || *ops > OPS_MAX ||
	    *mem < crypto_pwhash_MEMLIMIT_MIN || *mem > MEM_MAX)
		return fmt_fail(err, FMT_E_LENGTH, "key derivation limits out of range "
				"(%llu passes, %llu bytes): damaged or altered",
				(unsigned long long)*ops, (unsigned long long)*mem);
	return FMT_OK;
}

/* The keys of message KEYS (r->plain + 1) into a new identity. */
static int take_keys(backup_reader *r, identity **out, fmt_error *err)
{
	const uint8_t *p = r->plain + 1;
	uint8_t pk[KEY_BOX_PK];
	identity *id = sodium_malloc(sizeof *id);

	if (!id)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	memcpy(id->sign_sk, p, KEY_SIGN_SK);
	memcpy(id->box_sk, p + KEY_SIGN_SK, KEY_BOX_SK);
	memcpy(id->pub.box_pk, p + KEY_SIGN_SK + KEY_BOX_SK, KEY_BOX_PK);
	crypto_sign_ed25519_sk_to_pk(id->pub.sign_pk, id->sign_sk);
	crypto_scalarmult_base(pk, id->box_sk);
	sodium_memzero(r->plain, 1 + KEYS_BYTES);
	if (sodium_memcmp(pk, id->pub.box_pk, KEY_BOX_PK) != 0) {
		keys_free(id);
		return fmt_fail(err, FMT_E_KEYFILE, "the backup's encryption public key "
				"does not match its secret key");
	}
	*out = id;
	return FMT_OK;
}

int backup_reader_open(backup_reader **out, int fd, fmt_error *err)
{
	backup_reader *r;
	size_t got;
	fmt_error sub;
	int rc;

	*out = NULL;
	r = calloc(1, sizeof *r);
	if (!r)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	r->fd = fd;
	r->st = sodium_malloc(sizeof *r->st);
	r->plain = sodium_malloc(CIPHER_MAX);
	r->cipher = malloc(4 + CIPHER_MAX);
	if (!r->st || !r->plain || !r->cipher) {
		backup_reader_free(r);
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	rc = read_full(fd, r->header, BACKUP_HEADER, &got, &sub);
	if (rc)
		rc = fmt_fail_in(err, &sub, "reading the backup");
	else
		rc = check_header(r->header, got, &r->ops, &r->mem, err);
	if (rc) {
		backup_reader_free(r);
		return rc;
	}
	*out = r;
	return FMT_OK;
}

int backup_reader_unlock(backup_reader *r, const char *pass, size_t passlen,
			 backup_info *info, identity **id, fmt_error *err)
{
	uint8_t *key = NULL, type;
	size_t len;
	int rc;

	*id = NULL;
	rc = derive(&key, pass, passlen, r->header + 32, r->ops, r->mem, err);
	if (rc)
		return rc;
	rc = crypto_secretstream_xchacha20poly1305_init_pull(r->st, r->header + 48, key);
	sodium_free(key);
	if (rc != 0)
		return fmt_fail(err, FMT_E_DECRYPT, "the backup's stream header is invalid");

	rc = get_message(r, &type, &len, err);
	if (rc == FMT_OK && (type != M_INFO || len != INFO_BYTES))
		rc = fmt_fail(err, FMT_E_RECORD, "message 1 is not the backup's facts");
	if (rc)
		return rc;
	info->created = get_i64(r->plain + 1);
	info->db_size = get_u64(r->plain + 9);
	info->schema = get_u32(r->plain + 17);
	r->expected = info->db_size;

	rc = get_message(r, &type, &len, err);
	if (rc == FMT_OK && (type != M_KEYS || len != KEYS_BYTES))
		rc = fmt_fail(err, FMT_E_RECORD, "message 2 is not the coordinator's keys");
	if (rc == FMT_OK)
		rc = take_keys(r, id, err);
	return rc;
}

int backup_reader_data(backup_reader *r, const uint8_t **data, size_t *len,
		       fmt_error *err)
{
	uint8_t type, extra;
	size_t got;
	fmt_error sub;
	int rc;

	if (r->ended)
		return FMT_DONE;
	rc = get_message(r, &type, len, err);
	if (rc)
		return rc;
	if (type == M_DATA && *len > 0 && *len <= BACKUP_CHUNK) {
		if (*len > r->expected - r->given)
			return fmt_fail(err, FMT_E_LENGTH, "the database is longer than the "
					"%llu bytes announced",
					(unsigned long long)r->expected);
		r->given += *len;
		*data = r->plain + 1;
		return FMT_OK;
	}
	if (type != M_END || *len != 0)
		return fmt_fail(err, FMT_E_RECORD, "message %d: unexpected type %u",
				r->messages, (unsigned)type);
	if (r->given != r->expected)
		return fmt_fail(err, FMT_E_LENGTH, "the database has %llu bytes; %llu "
				"announced", (unsigned long long)r->given,
				(unsigned long long)r->expected);
	rc = read_full(r->fd, &extra, 1, &got, &sub);
	if (rc)
		return fmt_fail_in(err, &sub, "reading the backup");
	if (got)
		return fmt_fail(err, FMT_E_TRAILING, "bytes after the backup's end mark");
	r->ended = 1;
	return FMT_DONE;
}

void backup_reader_free(backup_reader *r)
{
	if (!r)
		return;
	sodium_free(r->st);
	sodium_free(r->plain);
	free(r->cipher);
	free(r);
}
