/*
 * tr.h - the message catalogues the programs carry, generated
 * from po/fr.po and po/en.po by tools/po2c.c (docs/TRANSLATION.md).
 * Each is sorted by msgid in strcmp order; shell/lang.c searches them.
 */
#ifndef MAILLAGE_TR_H
#define MAILLAGE_TR_H

#include <stddef.h>

typedef struct tr_entry {
	const char *id;         /* the source text, as written in C */
	const char *str;        /* its translation */
} tr_entry;

extern const tr_entry catalogue_fr[];   /* French, for the merger's English */
extern const size_t catalogue_fr_n;
extern const tr_entry catalogue_en[];   /* English, for the collector's French */
extern const size_t catalogue_en_n;

/* The translation of id in the table t of n entries, NULL when absent. */
const char *tr_find(const tr_entry *t, size_t n, const char *id);

#endif
