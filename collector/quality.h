/*
 * quality.h - the rules of the questionnaire checked on the counts of the
 * store (quality.c): by `collector check`, `export` and `status`.
 */
#ifndef COLLECTOR_QUALITY_H
#define COLLECTOR_QUALITY_H

#include <stdio.h>

#include "questionnaire.h"
#include "store.h"

typedef struct quality_totals {
	unsigned errors, warnings;   /* failed rules, by severity */
	unsigned groups;             /* periods and départements checked */
} quality_totals;

/* Checks the rules of q on the live counts of s, each period and
 * département apart (pending_only: only those with a count not yet
 * acknowledged, which the next export sends), printing each failed rule
 * to out (NULL: nothing printed), in French, with the counts concerned
 * and their ids.  s must be in a transaction.  Returns FMT_OK with *t
 * filled, or an error with err set. */
int quality_check(const questionnaire *q, store *s, int pending_only, FILE *out,
		  quality_totals *t, fmt_error *err);

#endif
