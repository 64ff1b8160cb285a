/*
 * format.h - initialisation of the format library, and the one switch that
 * makes its randomness deterministic for test vectors.
 */
#ifndef MAILLAGE_FORMAT_H
#define MAILLAGE_FORMAT_H

#include <stdint.h>

#include "error.h"

#define FORMAT_VERSION 2   /* version byte of every file type */
#define FORMAT_SUITE 1     /* Ed25519ph + X25519 sealed box + XChaCha20-Poly1305 secretstream + zlib */

/* Initialises libsodium.  Call once before anything else; safe to call
 * again.  Fails with FMT_E_CRYPTO_INIT. */
int format_init(fmt_error *err);

/* Test vectors only: replaces libsodium's random generator by
 * randombytes_buf_deterministic() keyed with seed and a counter, so that
 * the same inputs give the same bytes.  Must be called before
 * format_init().  Never used by the programs. */
void format_use_deterministic_rng(const uint8_t seed[32]);

#endif
