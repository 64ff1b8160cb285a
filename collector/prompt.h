/*
 * prompt.h - asking for a missing value on a terminal: numbered French
 * menus for enumerations, a plain question for free values.
 *
 * Only ever called when stdin and stderr are both terminals (cctx's
 * interactive), so that a pipe never waits for an answer.  Questions go
 * to stderr: stdout stays for the data (the new record's id).
 */
#ifndef COLLECTOR_PROMPT_H
#define COLLECTOR_PROMPT_H

#include "fields.h"

/* Asks for field f until the answer is valid, then sets it in r (an
 * empty answer leaves an optional field empty).  Returns 0, or EXIT_USAGE
 * (after "saisie interrompue : rien n'a été enregistré") when the input
 * ends or on Ctrl-C. */
int prompt_field(record *r, const field_desc *f);

#endif
