/*
 * bundle.h - the bundle: records, compressed, signed by the collector,
 * encrypted to the coordinator.  Byte layout in docs/FORMAT.md, "Bundle".
 *
 *   outer header (8) | sealed file key (80) | secretstream header (24)
 *   | chunks of 65536+17 bytes, the last one tagged FINAL
 *
 * and inside the encryption:
 *
 *   inner header (192: both identities, version, suite, reason length,
 *   bundle id, sequence, creation time, flags, record count, lengths)
 *   | reason (0..500) | zlib stream of the canonical records
 *   | Ed25519ph signature (64)
 *
 * Both sides stream: the writer compresses into an unlinked scratch file,
 * the reader makes two passes over its input (the first decrypts and
 * checks the signature, the second decompresses and decodes, and checks
 * that it saw the same bytes), so memory stays flat whatever the size.
 * Nothing is decompressed or decoded before the signature is verified.
 */
#ifndef MAILLAGE_BUNDLE_H
#define MAILLAGE_BUNDLE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "keys.h"
#include "record.h"

/* Limits, each against a hostile or broken file. */
#define BUNDLE_MAX_BYTES    (256ull << 20)  /* file size: far above a country's year */
#define BUNDLE_MAX_PLAIN    (1ull << 30)    /* decompressed records, hard cap */
#define BUNDLE_MAX_RATIO    64              /* decompressed / compressed, above 1 MiB */
#define BUNDLE_RATIO_FLOOR  (1ull << 20)    /* below this size the ratio is not checked */
#define BUNDLE_MAX_RECORDS  2000000u
#define BUNDLE_CHUNK        65536           /* plaintext bytes per secretstream chunk */

#define BUNDLE_FLAG_FULL    1u              /* written by `export --full` */
#define BUNDLE_FLAG_OVERRIDE 2u             /* sent despite failed rules: reason given */
#define BUNDLE_FLAGS        (BUNDLE_FLAG_FULL | BUNDLE_FLAG_OVERRIDE)
#define BUNDLE_REASON_MAX   500             /* bytes of the reason, one line of text */

typedef struct bundle_info {
	uint8_t sender_sign_pk[KEY_SIGN_PK];
	uint8_t sender_box_pk[KEY_BOX_PK];
	uint8_t recipient_sign_pk[KEY_SIGN_PK];
	uint8_t recipient_box_pk[KEY_BOX_PK];
	uint8_t bundle_id[16];
	uint64_t seq;
	int64_t created;
	uint32_t flags;
	/* Why the field worker sent despite failed `error` rules: one line of
	 * text, 1..BUNDLE_REASON_MAX bytes, exactly when flags has
	 * BUNDLE_FLAG_OVERRIDE; "" otherwise.  Signed with the records. */
	char reason[BUNDLE_REASON_MAX + 1];
	uint32_t record_count;
	uint64_t plain_len;          /* decompressed length of the records */
	uint64_t comp_len;           /* length of the zlib stream */
	uint8_t file_hash[32];       /* BLAKE2b-256 of the whole file (reader) */
	uint64_t file_size;          /* (reader) */
} bundle_info;

typedef struct bundle_writer bundle_writer;

/* Starts a bundle; the scratch file is created (and unlinked at once) in
 * scratch_dir.  Free with bundle_writer_free(). */
int bundle_writer_open(bundle_writer **w, const char *scratch_dir,
		       fmt_error *err);
/* Encodes (canonically) and compresses one record.  The record must
 * validate. */
int bundle_writer_add(bundle_writer *w, const record *r, fmt_error *err);
/* Signs with sender and encrypts to recipient, writing the whole bundle
 * to out_fd.  info: bundle_id, seq, created, flags, reason are inputs; the
 * identities, record_count and lengths are filled in.  Does not close
 * out_fd. */
int bundle_writer_finish(bundle_writer *w, const identity *sender,
			 const pubkeys *recipient, bundle_info *info,
			 int out_fd, fmt_error *err);
void bundle_writer_free(bundle_writer *w);

typedef struct bundle_reader bundle_reader;

/* First pass over fd (which must be seekable, see open_input()): size cap,
 * outer header, file key, every chunk decrypted, FINAL tag then end of
 * file, inner header, recipient = `recipient`, declared lengths within the
 * caps, signature by the sender named inside.  Fills *info.  On success
 * the reader is positioned for bundle_reader_next(); the caller decides
 * whether it trusts info->sender_sign_pk before reading records. */
int bundle_reader_open(bundle_reader **r, int fd, const identity *recipient,
		       bundle_info *info, fmt_error *err);
/* Second pass: the next record, decoded and validated, in *rec.
 * Returns FMT_OK with a record, FMT_DONE once every record was read and
 * the counts, lengths and the bytes' digest match the first pass, or an
 * error (records already returned must then be discarded). */
int bundle_reader_next(bundle_reader *r, record *rec, fmt_error *err);
/* The digest of the record bundle_reader_next() last returned, as
 * record_digest() computes it. */
void bundle_reader_digest(const bundle_reader *r, uint8_t out[16]);
/* Accepts NULL.  Does not close the fd. */
void bundle_reader_free(bundle_reader *r);

#endif
