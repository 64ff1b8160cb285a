/*
 * envelope.h - the 8-byte header that starts every Maillage file, shared
 * by keys.c, signed.c, bundle_write.c and bundle_read.c.  Internal to
 * format/.
 *
 *   0 "MLLG" | 4 type | 5 version (1) | 6 suite (1) | 7 reserved (0)
 */
#ifndef MAILLAGE_ENVELOPE_H
#define MAILLAGE_ENVELOPE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define ENVELOPE_HEADER 8
#define ENVELOPE_MAGIC "MLLG"

/* Writes the header of a file of the given type (FILE_TYPE_*). */
void envelope_put_header(uint8_t out[ENVELOPE_HEADER], uint8_t type);

/* "kit", "enrollment request", "bundle", "receipt", "secret key file",
 * or NULL for an unknown type byte. */
const char *envelope_type_name(uint8_t type);

/* Checks the header at the start of data[0..len), in this order: the
 * magic on as many of its 4 bytes as are present (FMT_E_MAGIC), at least
 * 8 bytes (FMT_E_TRUNCATED), the type (FMT_E_MAGIC, naming the type
 * found: "this is a bundle, not a kit"), version (FMT_E_VERSION), suite
 * (FMT_E_SUITE), reserved byte (FMT_E_RESERVED). */
int envelope_check_header(const uint8_t *data, size_t len, uint8_t type,
			  fmt_error *err);

#endif
