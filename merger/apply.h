/*
 * apply.h - the database side of a merge (apply.c): every statement a
 * merge runs, prepared once per run, and the rule that applies one record
 * of a bundle to the national database.  merge.c drives it, one bundle
 * per transaction.
 */
#ifndef MERGER_APPLY_H
#define MERGER_APPLY_H

#include <stdint.h>

#include <sqlite3.h>

#include "bundle.h"
#include "error.h"
#include "keys.h"
#include "questionnaire.h"
#include "record.h"

/* Counts of what records did, for one bundle or a whole run. */
typedef struct merge_stats {
	long inserted, updated, unchanged, deleted;
	long overlaps;           /* support counts also recorded by another
				    collector of the same organisation */
} merge_stats;

/* The problems that refuse a whole bundle once all its records were seen:
 * the first PROBLEMS_MAX are kept for the reason file, the rest counted.
 * A fixed array: a hostile bundle of two million conflicting records
 * costs no memory. */
#define PROBLEMS_MAX 100
#define PROBLEM_TEXT 200

typedef struct problem {
	uint8_t id[16];
	uint8_t kind;             /* enum rec_kind */
	uint8_t conflict;         /* same id and version, different content */
	uint32_t version;
	char text[PROBLEM_TEXT];  /* "belongs to another collector (key ...)" */
} problem;

typedef struct problems {
	long count;               /* all of them */
	problem list[PROBLEMS_MAX];
} problems;

/* The enrolled collector that signed a bundle. */
typedef struct sender {
	int found;
	char key_id[KEY_ID_CHARS + 1];
	uint8_t box_pk[KEY_BOX_PK];
	sqlite3_int64 org_id;
	int revoked;
	int64_t revoked_at;
	char org_name[REC_NAME_MAX + 1];   /* verbatim: escape before showing */
} sender;

/* A bundle already merged. */
typedef struct merged_bundle {
	int found;
	char collector[KEY_ID_CHARS + 1];
	uint8_t file_hash[32];
	int64_t merged_at;
	long records;
} merged_bundle;

typedef struct applier applier;

/* Prepares every statement on db.  Free with applier_free(). */
int applier_open(applier **a, sqlite3 *db, fmt_error *err);
/* Finalizes the statements; accepts NULL. */
void applier_free(applier *a);
/* The edition counts are checked against (the latest). */
const questionnaire *applier_questionnaire(const applier *a);
/* Statements of the rules after a merge (quality.c), run after every
 * bundle: kept with the applier's own, on its connection. */
enum applier_extra { AX_RULES_GROUP, AX_RULES_SAVE, AX_COUNT };
/* Statement `which`, of SQL text, into *st, reset and unbound: prepared
 * at its first use, finalized by applier_free() (text must be the same at
 * each use). */
int applier_statement(applier *a, enum applier_extra which, const char *text,
		      sqlite3_stmt **st, fmt_error *err);

/* The enrolled collector whose signing key is sign_pk (s->found = 0 when
 * none). */
int applier_sender(applier *a, const uint8_t sign_pk[KEY_SIGN_PK], sender *s,
		   fmt_error *err);
/* The organisation's current name (verbatim) into buf[REC_NAME_MAX+1]. */
int applier_org_name(applier *a, sqlite3_int64 org, char *buf, fmt_error *err);
/* The bundle row of bundle_id (m->found = 0 when never merged). */
int applier_bundle_get(applier *a, const uint8_t bundle_id[16], merged_bundle *m,
		       fmt_error *err);

/* Starts applying a bundle from s, recorded as merged at `at`. */
void applier_begin(applier *a, const sender *s, const uint8_t bundle_id[16], int64_t at);
/* Applies one record (see the version rule in apply.c), whose
 * record_digest() is digest, adding to *st.  A record that refuses the bundle (conflict, another collector's id,
 * kind changed, national id of another organisation) is added to *pb and
 * is not an error: the caller refuses the bundle once every record was
 * seen.  Errors are the database's (FMT_E_BUSY, FMT_E_IO, FMT_E_DB). */
int applier_record(applier *a, const record *r, const uint8_t digest[16],
		   merge_stats *st, problems *pb, fmt_error *err);
/* The periods and départements of the organisation whose counts the
 * bundle being applied wrote, replaced or deleted so far: the groups its
 * rules are checked on (quality_after_merge()). */
const qn_groups *applier_groups(const applier *a);
/* The organisation's counts in group (period, dept) after the bundle,
 * of the tables a rule reads, when they are known without reading them
 * back: it had none there when the bundle first wrote there, and the
 * bundle only inserted new records there since (at most 4,096 counts a
 * bundle are kept).  Then 1, with *cells (valid until the next call) the
 * newest count of each cell, as the database would give them; 0 when the
 * group must be read from the database; -1 when memory runs out. */
int applier_new_group(applier *a, const char *period, uint8_t dept, const rec_count **cells,
		      size_t *n);
/* Records the bundle row and the collector's last bundle and sequence. */
int applier_finish(applier *a, const bundle_info *info, const merge_stats *st,
		   fmt_error *err);


#endif
