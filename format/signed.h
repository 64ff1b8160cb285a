/*
 * signed.h - the three small signed files: kit, request and receipt.
 *
 * All three share one envelope (docs/FORMAT.md, "Signed files"):
 *
 *   magic "MLLG" | type | version | suite | 0 | body length (u32 LE) | body
 *   | Ed25519ph signature (64 bytes) over everything before it
 *
 * and are refused whole on any deviation: wrong magic or type, unknown
 * version or suite, a length over its cap, trailing bytes, a body that does
 * not parse exactly, or a signature that does not match the key that must
 * have made it.  The body is in clear: these files hold public keys,
 * an organisation's public profile, record ids and versions - no counts.
 */
#ifndef MAILLAGE_SIGNED_H
#define MAILLAGE_SIGNED_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "keys.h"
#include "record.h"

#define FILE_TYPE_KIT     'K'
#define FILE_TYPE_REQUEST 'Q'
#define FILE_TYPE_BUNDLE  'B'
#define FILE_TYPE_RECEIPT 'R'
#define FILE_TYPE_SECRET  'S'
#define FILE_TYPE_BACKUP  'A'

/* Caps: a kit is its keys and the questionnaire (the default edition
 * encodes in about 15 KiB; a kit of 4 MiB still travels by e-mail); a
 * request is a few hundred bytes; a receipt lists 20 bytes per record of
 * one bundle (BUNDLE_MAX_RECORDS). */
#define KIT_MAX_BYTES      (4u << 20)
#define REQUEST_MAX_BYTES  8192
#define RECEIPT_MAX_BYTES  (64u + 20u * 2000000u + 256u)

/* --- kit: coordinator -> field, self-signed by the coordinator --------- */
struct questionnaire;
typedef struct kit {
	pubkeys coord;                 /* coordinator's public keys */
	uint32_t refdata_version;      /* REFDATA_VERSION of the coordinator */
	int64_t created;               /* unix seconds */
	char name[REC_NAME_MAX + 1];   /* coordination name, e.g. "Coordination nationale" */
	struct questionnaire *qn;      /* the current edition (owned after kit_read) */
} kit;

/* Encodes and signs k with coord (whose public keys must equal k->coord);
 * k->qn must be a published edition (edition >= 1).  *out is malloc()ed;
 * caller frees. */
int kit_write(const identity *coord, const kit *k, uint8_t **out, size_t *len,
	      fmt_error *err);
/* Parses and checks the self-signature, then decodes the questionnaire
 * (questionnaire.h), which k then owns: free with kit_free().  On failure
 * *k is zeroed and owns nothing. */
int kit_read(const uint8_t *data, size_t len, kit *k, fmt_error *err);
/* Frees what k owns (its questionnaire) and zeroes it; accepts NULL. */
void kit_free(kit *k);

/* --- request: field -> coordinator, self-signed by the collector -------- */
typedef struct request {
	pubkeys collector;             /* collector's public keys */
	uint8_t coord_sign_pk[KEY_SIGN_PK]; /* the coordinator it is meant for */
	int64_t created;
	record org;                    /* kind REC_ORG, not deleted */
} request;

int request_write(const identity *collector, const request *q, uint8_t **out,
		  size_t *len, fmt_error *err);
/* Parses, validates the organisation record, checks the self-signature. */
int request_read(const uint8_t *data, size_t len, request *q, fmt_error *err);

/* --- receipt: coordinator -> field ---------------------------------------- */
typedef struct receipt_entry {
	uint8_t id[16];
	uint32_t version;
} receipt_entry;

typedef struct receipt {
	uint8_t coord_sign_pk[KEY_SIGN_PK];
	uint8_t collector_sign_pk[KEY_SIGN_PK];
	uint8_t bundle_id[16];
	uint64_t seq;                  /* the bundle's sequence number */
	uint8_t bundle_hash[32];       /* BLAKE2b-256 of the bundle file */
	int64_t merged_at;
	uint32_t count;
	receipt_entry *entries;        /* count entries, malloc()ed by receipt_read */
} receipt;

/* Streaming writer, so that a receipt for a million records needs no
 * memory of its own.  h->count must be the number of entries that will be
 * added; h->entries is ignored. */
typedef struct receipt_writer receipt_writer;
int receipt_writer_open(receipt_writer **w, int fd, const receipt *h,
			fmt_error *err);
int receipt_writer_add(receipt_writer *w, const uint8_t id[16],
		       uint32_t version, fmt_error *err);
/* Checks the count, signs with coord and flushes.  Does not close fd. */
int receipt_writer_finish(receipt_writer *w, const identity *coord,
			  fmt_error *err);
void receipt_writer_free(receipt_writer *w);

/* Parses a receipt and checks that it was signed by coord_sign_pk
 * (FMT_E_WRONG_SIGNER when it names another coordinator, FMT_E_SIGNATURE
 * when the signature does not match).  Free with receipt_free(). */
int receipt_read(const uint8_t *data, size_t len,
		 const uint8_t coord_sign_pk[KEY_SIGN_PK], receipt *r,
		 fmt_error *err);
void receipt_free(receipt *r);

#endif
