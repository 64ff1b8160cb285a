/*
 * schema.h - migrations of the national database (schema.c).
 */
#ifndef MERGER_SCHEMA_H
#define MERGER_SCHEMA_H

#include "db.h"

/* The migrations, in order; *n receives their number (the schema version). */
const db_migration *merger_migrations(int *n);

#endif
