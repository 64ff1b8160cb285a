/*
 * format.c - initialisation of the format library, and the deterministic
 * random generator used to produce reproducible test vectors.
 *
 * The programs only call format_init().  The sample generator and the
 * tests call format_use_deterministic_rng() first: libsodium then draws
 * every random byte (key pairs, the ephemeral key of crypto_box_seal, file
 * keys, record and bundle ids) from our generator, so that the same seed
 * and inputs give byte-identical files.
 */
#include "format.h"

#include <sodium.h>
#include <sqlite3.h>
#include <string.h>

#include "bytes.h"

/* Deterministic generator state.  The seed is a test value, never a
 * secret, so it lives in ordinary memory. */
static uint8_t det_seed[randombytes_SEEDBYTES];
static uint64_t det_counter;

static const char *det_name(void)
{
	return "maillage-deterministic";
}

/* Call number n fills buf with randombytes_buf_deterministic() keyed with
 * BLAKE2b-256(key = seed, message = n as u64 LE): libsodium 1.0.18's
 * deterministic function has no nonce argument, so the 64-bit counter is
 * folded into its key.  Every call thus gets a fresh, independent stream. */
static void det_buf(void *const buf, const size_t size)
{
	uint8_t n[8], key[randombytes_SEEDBYTES];

	put_u64(n, det_counter++);
	crypto_generichash(key, sizeof key, n, sizeof n, det_seed, sizeof det_seed);
	randombytes_buf_deterministic(buf, size, key);
	sodium_memzero(key, sizeof key);
}

static uint32_t det_random(void)
{
	uint8_t b[4];

	det_buf(b, sizeof b);
	return get_u32(b);
}

static randombytes_implementation det_impl = {
	.implementation_name = det_name,
	.random = det_random,
	.stir = NULL,
	.uniform = NULL,      /* libsodium derives it from random() */
	.buf = det_buf,
	.close = NULL,
};

/* Test vectors only; see format.h.  libsodium wants its generator chosen
 * before sodium_init(), which draws from it (a canary for guarded memory).
 * Calling this again later only re-seeds: the generator keeps no state
 * inside libsodium, so the sample generator re-seeds before each file. */
void format_use_deterministic_rng(const uint8_t seed[32])
{
	memcpy(det_seed, seed, sizeof det_seed);
	det_counter = 0;
	randombytes_set_implementation(&det_impl);
}

/* Initialises libsodium (sodium_init() returns 1 when already done), and
 * turns off SQLite's memory statistics, which nothing here reads: with
 * them on, every allocation of SQLite takes a global mutex, a real atomic
 * operation once the process has a second thread (the merge's reader,
 * the window's server).  sqlite3_config() must come before SQLite's own
 * initialisation; later (a second call) it fails harmlessly. */
int format_init(fmt_error *err)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sodium_init() < 0)
		return fmt_fail(err, FMT_E_CRYPTO_INIT,
				"the cryptography library (libsodium) could not be initialised");
	return FMT_OK;
}
