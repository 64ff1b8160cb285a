/*
 * records.h - the rules of saving a record, shared by `add`, `edit`,
 * `delete` and `import`: versions, the support natural key, tombstones.
 */
#ifndef COLLECTOR_RECORDS_H
#define COLLECTOR_RECORDS_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum save_outcome {
	SAVED_NEW,                   /* a new record, version 1 */
	SAVED_UPDATED,               /* a new version of an existing record */
	SAVED_REVIVED,               /* a deleted support count recorded again */
	SAVED_UNCHANGED,             /* same content as stored: nothing written */
};

/* Saves r, a new action, support or training whose fields are set.  A
 * support whose natural key (period, dept, status, exploitation, sex, age)
 * is already in the store replaces that record's count instead: same id,
 * next version, revived when it was deleted.  Sets r's id, version and
 * recorded_at (now).  Runs inside the caller's transaction. */
int records_add(store *s, record *r, int64_t now, enum save_outcome *outcome,
		fmt_error *err);

/* Saves r as the next version of old (same id and kind, fields changed).
 * A support may not take the natural key of another live record: then
 * returns FMT_E_FIELD with a French explanation in msg.  Nothing is
 * written when the content is unchanged. */
int records_update(store *s, const stored *old, record *r, int64_t now,
		   enum save_outcome *outcome, char *msg, size_t cap, fmt_error *err);

/* Deletes old (a live action, count or training): r becomes its
 * tombstone, the next version with no fields, stamped now, and is saved.
 * Runs inside the caller's transaction. */
int records_delete(store *s, const stored *old, record *r, int64_t now, fmt_error *err);

/* 1 when a and b hold the same kind, id, deletion and fields (versions
 * and times aside). */
int records_same(const record *a, const record *b);

#endif
