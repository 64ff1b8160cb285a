/*
 * catalogue.h - what a field worker can record: the built-in kinds
 * (organisation, action, training) and the count tables of the
 * questionnaire edition carried by the pinned kit, each as a kind
 * descriptor (format/model.h) that flags, menus, CSV columns, templates and
 * listings loop over.
 */
#ifndef COLLECTOR_CATALOGUE_H
#define COLLECTOR_CATALOGUE_H

#include "collector.h"
#include "model.h"
#include "questionnaire.h"

/* The table that `add support` and `list support` name: the
 * questionnaire's victims by status, form of exploitation, sex and age. */
#define SUPPORT_TABLE "victims"

typedef struct catalogue catalogue;

/* Reads the pinned kit and makes the descriptors of its tables.  Prints
 * why not in French and returns the exit status; 0 with *out set. */
int catalogue_load(const cctx *ctx, catalogue **out);
/* The same from a kit already read (which must outlive the catalogue). */
int catalogue_make(const kit *k, catalogue **out);
void catalogue_free(catalogue *c);

/* The kind named name: "action"/"actions", "training"/"trainings",
 * "organisation"/"org", a table's code, or "support" (SUPPORT_TABLE).
 * NULL when none. */
const kind_desc *catalogue_find(const catalogue *c, const char *name);
/* The table named code, or NULL (also for a built-in kind's name). */
const kind_desc *catalogue_table(const catalogue *c, const char *code);
/* The kind of a record: its built-in kind, or for a count its table
 * (NULL when this edition does not know it). */
const kind_desc *catalogue_of(const catalogue *c, const record *r);

/* The questionnaire and its tables, in sheet order: n tables, the i-th
 * described by *k (retired tables included). */
const questionnaire *catalogue_questionnaire(const catalogue *c);
int catalogue_ntables(const catalogue *c);
const kind_desc *catalogue_nth(const catalogue *c, int i, const qn_table **t);

/* Empties r and makes it a fresh record of kind k (a count gets its
 * table's code and number of dimensions). */
void catalogue_blank(const kind_desc *k, record *r);

#endif
