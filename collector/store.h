/*
 * store.h - the collector's local database (store.db in its home): every
 * record at its latest version, what the coordinator has acknowledged,
 * the exports made and the receipts applied.  The schema and its reasons
 * are described at the top of store.c.
 *
 * Every function returns FMT_OK or a library error code with err filled
 * (database busy, disk full, damaged file); look-ups return FMT_DONE
 * when there is nothing to find.  Writes happen inside the caller's
 * transaction (store_begin .. store_commit).
 */
#ifndef COLLECTOR_STORE_H
#define COLLECTOR_STORE_H

#include <stdint.h>

#include "error.h"
#include "questionnaire.h"
#include "record.h"

typedef struct store store;

/* A record as the store holds it. */
typedef struct stored {
	record rec;
	uint32_t acked;              /* highest version the coordinator acknowledged */
} stored;

/* One export (bundle written). */
typedef struct export_row {
	uint64_t seq;
	uint8_t bundle_id[16];
	int64_t created;
	uint32_t records;
	int full;
	char path[1024];
} export_row;

/* One receipt applied. */
typedef struct receipt_row {
	uint8_t bundle_id[16];
	uint64_t seq;
	uint8_t bundle_hash[32];
	int64_t merged_at;
	int64_t applied_at;
	uint32_t entries;            /* entries in the receipt */
	uint32_t acked;              /* records whose acknowledged version rose */
	char file[1024];
} receipt_row;

/* Creates a new store at path (which must not exist) with its schema. */
int store_create(store **s, const char *path, fmt_error *err);
/* Opens an existing store, bringing its schema up to date. */
int store_open(store **s, const char *path, fmt_error *err);
/* Closes; accepts NULL. */
void store_close(store *s);

/* BEGIN IMMEDIATE: the write lock is taken at once (store_commit ends). */
int store_begin(store *s, fmt_error *err);
/* A read transaction: one consistent view, writers not blocked. */
int store_begin_read(store *s, fmt_error *err);
int store_commit(store *s, fmt_error *err);
void store_rollback(store *s);

/* The record with this id (live or deleted) into *out; FMT_DONE when
 * there is none. */
int store_get(store *s, const uint8_t id[16], stored *out, fmt_error *err);
/* The id whose hex form starts or ends with hex (6 to 32 hex digits, any
 * case).  FMT_DONE when none matches; *ambiguous is set when two or more
 * do. */
int store_find_short(store *s, const char *hex, uint8_t id[16], int *ambiguous,
		     fmt_error *err);
/* The record with the natural key of k (record_natkey): the live one when
 * there is one, otherwise the most recently deleted.  FMT_DONE when none,
 * and for a kind without a natural key. */
int store_find_natkey(store *s, const record *k, stored *out, fmt_error *err);
/* Whether table holds any live count: *used 1 or 0. */
int store_table_used(store *s, const char *table, int *used, fmt_error *err);
/* The organisation record. */
int store_org(store *s, stored *out, fmt_error *err);

/* Saves r: a new record (version 1) or a new version of an existing one
 * (whose previous version goes to the history table).  The version must
 * be higher than the stored one.  r must validate. */
int store_put(store *s, const record *r, fmt_error *err);

enum store_which {
	STORE_LIVE,                  /* not deleted */
	STORE_PENDING,               /* version not yet acknowledged, tombstones included */
	STORE_ALL,                   /* everything, tombstones included */
};
/* Calls fn for every record of kind (0: every kind) in the set which,
 * ordered by kind then creation.  fn returns FMT_OK to go on, anything
 * else stops the walk and is returned. */
typedef int (*store_fn)(void *ctx, const stored *sr, fmt_error *err);
int store_each(store *s, int kind, enum store_which which, store_fn fn, void *ctx,
	       fmt_error *err);
/* Calls fn, as store_each() does, for every live record whose natural key
 * (record_natkey) starts with prefix, in the order of the keys: through
 * the index of natural keys, so that one table, period and département
 * ("victims|2026-Q1|75|") is read without the rest of the store. */
int store_each_natkey(store *s, const char *prefix, store_fn fn, void *ctx, fmt_error *err);
/* Adds to g the period and département of every count whose change waits
 * to be sent, deletions included. */
int store_pending_groups(store *s, qn_groups *g, fmt_error *err);
/* Number of pending records per kind: counts[REC_ORG..REC_TRAINING]. */
int store_pending_counts(store *s, unsigned counts[5], fmt_error *err);

/* Sequence number for the next export (1 for the first). */
int store_next_seq(store *s, uint64_t *seq, fmt_error *err);
int store_add_export(store *s, const export_row *e, fmt_error *err);
/* Removes the export numbered seq, in a transaction of its own: for an
 * export recorded whose file could not be put in place after all. */
int store_forget_export(store *s, uint64_t seq, fmt_error *err);
/* The latest export, FMT_DONE when none. */
int store_last_export(store *s, export_row *e, fmt_error *err);

/* FMT_OK with *out filled when a receipt for this bundle was applied,
 * FMT_DONE otherwise. */
int store_find_receipt(store *s, const uint8_t bundle_id[16], receipt_row *out,
		       fmt_error *err);
int store_add_receipt(store *s, const receipt_row *r, fmt_error *err);
/* The latest receipt applied, FMT_DONE when none. */
int store_last_receipt(store *s, receipt_row *r, fmt_error *err);
/* Raises the acknowledged version of record id to version (never above
 * the record's own version, never down).  *changed tells whether it rose;
 * *known whether the record exists here. */
int store_ack(store *s, const uint8_t id[16], uint32_t version, int *changed,
	      int *known, fmt_error *err);

/* Gives r a new id, the way docs/FORMAT.md (R8) says collectors make
 * them: record_new_id() with the prefix of this home's collector key id
 * (meta collector_key_id, read once). */
int store_new_id(store *s, record *r, fmt_error *err);

/* Small facts about the home (key ids, creation time) for people who
 * read the database with the sqlite3 shell. */
int store_meta_set(store *s, const char *key, const char *value, fmt_error *err);

#endif
