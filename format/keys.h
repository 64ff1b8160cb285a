/*
 * keys.h - identities: one Ed25519 signing key pair and one X25519
 * encryption key pair, generated together.
 *
 * A coordinator and every collector has one identity.  The secret halves
 * only ever live in sodium_malloc() memory (guarded pages, locked, wiped by
 * sodium_free()) and in one file of mode 0600 created with O_EXCL.  Public
 * halves travel in kits and requests; people compare them through the
 * fingerprint, which is short enough to read over the phone.
 */
#ifndef MAILLAGE_KEYS_H
#define MAILLAGE_KEYS_H

#include <stdint.h>

#include "error.h"

#define KEY_SIGN_PK 32
#define KEY_SIGN_SK 64
#define KEY_BOX_PK 32
#define KEY_BOX_SK 32
#define KEY_ID_CHARS 16          /* hex characters of a key id */
#define KEY_FINGERPRINT_CHARS 39 /* "xxxx xxxx xxxx xxxx xxxx xxxx xxxx xxxx" */

typedef struct pubkeys {
	uint8_t sign_pk[KEY_SIGN_PK];    /* Ed25519 */
	uint8_t box_pk[KEY_BOX_PK];      /* X25519 */
} pubkeys;

typedef struct identity {
	pubkeys pub;
	uint8_t sign_sk[KEY_SIGN_SK];
	uint8_t box_sk[KEY_BOX_SK];
} identity;

/* Generates a fresh identity in sodium_malloc() memory.  Free it with
 * keys_free().  Fails only with FMT_E_NOMEM. */
int keys_generate(identity **out, fmt_error *err);

/* Writes the identity to path: created with O_EXCL and mode 0600 in the
 * same folder, fsynced, then linked into place, so the file appears whole
 * or not at all and an existing file is never replaced (FMT_E_EXISTS). */
int keys_save(const identity *id, const char *path, fmt_error *err);

/* Loads an identity saved by keys_save().  Refuses a file that is not
 * private to its owner (group or other bits set), of the wrong size or
 * kind, or whose public keys do not match its secret keys (FMT_E_KEYFILE).
 * On failure *out is NULL and nothing secret is left in memory. */
int keys_load(identity **out, const char *path, fmt_error *err);

/* Wipes and frees; accepts NULL. */
void keys_free(identity *id);

/* Key id: the first 8 bytes of BLAKE2b-256("maillage key id v1" ||
 * sign_pk || box_pk) in lower-case hex (buf of KEY_ID_CHARS+1 bytes). */
void keys_id(const pubkeys *pk, char buf[KEY_ID_CHARS + 1]);

/* Fingerprint: the first 16 bytes of the same digest as 8 groups of 4 hex
 * characters separated by spaces; its first 16 characters, without the
 * spaces, are the key id (buf of KEY_FINGERPRINT_CHARS+1 bytes). */
void keys_fingerprint(const pubkeys *pk, char buf[KEY_FINGERPRINT_CHARS + 1]);

#endif
