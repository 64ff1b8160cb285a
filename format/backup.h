/*
 * backup.h - the coordinator's backup file: its identity and a copy of
 * its national database, encrypted with a key derived from a passphrase
 * (docs/FORMAT.md, "Backup file").
 *
 * The file is a header (pwhash salt and limits, secretstream header)
 * followed by length-prefixed secretstream messages: the backup's facts,
 * the keys, the database in chunks, then an end mark carrying the FINAL
 * tag.  Nothing is ever written or read in clear; the keys are only ever
 * in sodium_malloc() memory.  Writer and reader stream: memory does not
 * grow with the database.
 */
#ifndef MAILLAGE_BACKUP_H
#define MAILLAGE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "keys.h"

#define BACKUP_CHUNK (1u << 20)      /* database bytes per message: bounded memory */
#define BACKUP_HEADER 72             /* envelope, kdf, limits, salt, stream header */
#define BACKUP_PASS_MAX 1024         /* a passphrase, not a file */

/* What a backup says about itself (its first message). */
typedef struct backup_info {
	int64_t created;             /* unix seconds */
	uint64_t db_size;            /* bytes of the database image */
	uint32_t schema;             /* the database's schema version */
} backup_info;

typedef struct backup_writer backup_writer;

/* Derives the key from pass[0..passlen) (Argon2id, the moderate limits),
 * then writes to fd the header, the facts of info and the keys of id.
 * On failure *w is NULL. */
int backup_writer_open(backup_writer **w, int fd, const char *pass, size_t passlen,
		       const backup_info *info, const identity *id, fmt_error *err);
/* Appends data[0..len) of the database image, in messages of at most
 * BACKUP_CHUNK bytes. */
int backup_writer_data(backup_writer *w, const uint8_t *data, size_t len,
		       fmt_error *err);
/* Checks that info->db_size bytes were given and writes the end mark.
 * The file descriptor is the caller's to sync and close. */
int backup_writer_finish(backup_writer *w, fmt_error *err);
/* Wipes and frees; accepts NULL. */
void backup_writer_free(backup_writer *w);

typedef struct backup_reader backup_reader;

/* Reads and checks the header from fd (FMT_E_MAGIC, FMT_E_VERSION,
 * FMT_E_TRUNCATED, FMT_E_LENGTH for limits out of range), before any
 * passphrase is asked.  On failure *r is NULL. */
int backup_reader_open(backup_reader **r, int fd, fmt_error *err);
/* Derives the key from the passphrase, reads the facts into *info and
 * the keys into *id (sodium_malloc()ed: free with keys_free()).  A
 * passphrase that does not open the first message is FMT_E_DECRYPT
 * ("wrong passphrase").  On failure *id is NULL. */
int backup_reader_unlock(backup_reader *r, const char *pass, size_t passlen,
			 backup_info *info, identity **id, fmt_error *err);
/* The next piece of the database image in *data[0..*len) (valid until
 * the next call); FMT_DONE after the end mark, once exactly
 * info->db_size bytes were given and nothing follows it.  A message that
 * fails authentication is FMT_E_DECRYPT, a file that stops early
 * FMT_E_TRUNCATED or FMT_E_NO_FINAL. */
int backup_reader_data(backup_reader *r, const uint8_t **data, size_t *len,
		       fmt_error *err);
/* Wipes and frees; accepts NULL. */
void backup_reader_free(backup_reader *r);

#endif
