/*
 * fields.h - the fields of each kind of record in the words field workers
 * use: the messages about a value typed on a flag, in a menu or in a CSV
 * cell, in the program's language (French, or English when asked).  The
 * fields themselves, their codes, labels and conversions, are described
 * once in format/model.h.
 */
#ifndef COLLECTOR_FIELDS_H
#define COLLECTOR_FIELDS_H

#include <stddef.h>

#include "model.h"
#include "record.h"

/* Kind from its command-line name ("action", "actions", "support",
 * "training", "trainings", "organisation", "org"); 0 when unknown. */
int kind_from_name(const char *name);
/* French name, singular or plural: "action"/"actions", "comptage"/...;
 * the English one when the program speaks English (shell_lang()). */
const char *kind_french(int kind, int plural);

/* The labels people read, in the program's language: the English one
 * where the model or the questionnaire gives it, else the French one.
 * kind_label() names a kind descriptor (a count table by its title),
 * field_label() a field, value_label() a value of a list. */
const char *kind_label(const kind_desc *k, int plural);
const char *field_label(const field_desc *f);
const char *value_label(const enum_item *it);

/* The fields of kind, in the order of flags, columns and questions. */
const field_desc *fields_of(int kind, int *n);
/* The field of kind named code, or NULL. */
const field_desc *field_find(int kind, const char *code);

/* Sets field f of r from the text value (field_parse).  On failure
 * returns -1 and writes a message naming the field by its label
 * (field_label()) and its code, and the allowed values or the closest
 * one, into msg ("Département (dept) : département inconnu « 975 » (...)",
 * "Statut (status) : valeur inconnue « acompagnées » ; vouliez-vous dire
 * « accompagnées » ?"). */
int field_set(record *r, const field_desc *f, const char *value, char *msg, size_t cap);

/* Validates the whole record (record_validate) and, when it fails, puts
 * a message naming the field into msg.  Returns 0 or -1. */
int record_check(const record *r, char *msg, size_t cap);

/* Says on stderr, in French, what a change stored: "Action enregistrée :
 * Département : 75 Paris ; Type d'action : Prévention ; ...", every field
 * r holds shown as people read it (field_show), free text escaped and cut.
 * participle is "enregistré" or "modifié" (made feminine for actions and
 * trainings), followed by extra when not NULL (" (version 2)"); k is the
 * descriptor r was made with (a count's table). */
void say_stored(const kind_desc *k, const record *r, const char *participle,
		const char *extra);

#endif
