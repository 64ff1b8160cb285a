/*
 * quality.h - data quality in the national database (quality.c): the
 * rules of the questionnaire re-checked on each organisation's counts,
 * the outliers, and the reasons given for bundles sent despite errors.
 * For `merger merge` (each bundle's organisation re-checked), `merger
 * quality` and the quality section of `merger report`.
 */
#ifndef MERGER_QUALITY_H
#define MERGER_QUALITY_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "apply.h"
#include "bundle.h"
#include "error.h"
#include "questionnaire.h"

/* A rule that fails for one organisation, period and département. */
typedef struct q_failure {
	sqlite3_int64 org;
	int rule;                    /* index into the questionnaire's rules */
	char period[REC_PERIOD_MAX + 1];
	char dept[4];
	uint64_t left, right;
	char *cells;                 /* "complaints sexual/f = 12; ..." */
} q_failure;

/* A count flagged for follow-up. */
typedef struct q_outlier {
	sqlite3_int64 org;
	rec_count c;
	char dept[4];
	int flags;                   /* QN_OUTLIER_RATIO, QN_OUTLIER_ABOVE */
	int64_t prev;                /* its value in the previous period, -1: none */
	char prev_period[REC_PERIOD_MAX + 1];
	uint32_t factor, threshold;
} q_outlier;

/* A bundle sent despite failed rules of severity error. */
typedef struct q_override {
	sqlite3_int64 org;
	char collector[KEY_ID_CHARS + 1];
	long long seq;
	int64_t created, merged_at;
	char reason[BUNDLE_REASON_MAX + 1];
} q_override;

typedef struct q_org {
	sqlite3_int64 id;
	char name[REC_NAME_MAX + 1];
	unsigned errors, warnings, outliers, overrides;
} q_org;

typedef struct quality {
	const questionnaire *q;
	q_failure *failures;
	size_t nfailures;
	q_outlier *outliers;
	size_t noutliers;
	q_override *overrides;
	size_t noverrides;
	q_org *orgs;                 /* those with anything above, by name */
	size_t norgs;
	unsigned errors, warnings;
} quality;

/* Everything above over the whole database (org 0) or one organisation,
 * for the counts of period (NULL: every period; a count of another
 * period still serves as the previous value of an outlier).  Returns
 * FMT_OK with *out set (quality_free), or an error. */
int quality_collect(sqlite3 *db, const questionnaire *q, sqlite3_int64 org, const char *period,
		    quality **out, fmt_error *err);
void quality_free(quality *qa);

/* After a bundle of organisation org was applied by ap (in its
 * transaction): the organisation's counts re-checked in the groups
 * (periods and départements) the bundle touched, the failed rules counted
 * and kept in the bundle row with the bundle's reason.  Only those groups
 * are read, one at a time, through the count table's index, and not even
 * those the bundle alone filled (applier_new_group): the time and memory
 * depend on the bundle, not on the size of the database.  Never refuses. */
int quality_after_merge(sqlite3 *db, applier *ap, sqlite3_int64 org, const bundle_info *info,
			unsigned *errors, unsigned *warnings, fmt_error *err);

#endif
