/*
 * bundle_priv.h - what the bundle writer (bundle_write.c) and reader
 * (bundle_read.c) share: the byte layout of a bundle, the secrets of one
 * bundle, and reading exactly n bytes at an offset.  Internal to format/:
 * not part of its interface (that is bundle.h; the test hooks are in
 * bundle_internal.h).
 *
 * File (docs/FORMAT.md, "Bundle"):
 *
 *   0    outer header "MLLG" 'B' 1 1 0 (also the additional data of every
 *        encrypted block, so that it cannot be changed unnoticed)
 *   8    crypto_box_seal(file key)                      80 bytes
 *   88   secretstream header                            24 bytes
 *   112  blocks: 65536 + 17 bytes each, the last one 1..65536 + 17 and
 *        tagged FINAL; the plaintext they carry is
 *
 *        inner header (192) | reason (0..500) | zlib stream (comp_len)
 *        | signature (64)
 *
 *        the signature, by the sender, covering all that comes before it.
 */
#ifndef MAILLAGE_BUNDLE_PRIV_H
#define MAILLAGE_BUNDLE_PRIV_H

#include <errno.h>
#include <sodium.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "bundle_internal.h"
#include "envelope.h"
#include "error.h"

#define SIG_BYTES     64
#define FILE_KEY      crypto_secretstream_xchacha20poly1305_KEYBYTES   /* 32 */
#define SEALED_KEY    (FILE_KEY + crypto_box_SEALBYTES)                /* 80 */
#define SS_HEADER     crypto_secretstream_xchacha20poly1305_HEADERBYTES /* 24 */
#define SS_ABYTES     crypto_secretstream_xchacha20poly1305_ABYTES     /* 17 */
#define BLOCK_CIPHER  (BUNDLE_CHUNK + SS_ABYTES)
#define STREAM_START  (ENVELOPE_HEADER + SEALED_KEY + SS_HEADER)        /* 112 */
#define INNER         BUNDLE_INNER_HEADER
#define PLAIN_MIN     (INNER + SIG_BYTES)                              /* 256 */
#define HEAD_MAX      (INNER + BUNDLE_REASON_MAX)       /* inner header and reason */
#define BUNDLE_MIN    (STREAM_START + SS_ABYTES + PLAIN_MIN)            /* 385 */
#define INNER_MAGIC   "MLLI"

#define TAG_MESSAGE   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL     crypto_secretstream_xchacha20poly1305_TAG_FINAL

/* Everything secret about one bundle: in guarded memory. */
struct bundle_secret {
	uint8_t key[FILE_KEY];
	crypto_secretstream_xchacha20poly1305_state st;
};

/* Inner header layout (offsets). */
enum {
	IH_MAGIC = 0, IH_VERSION = 4, IH_SUITE = 5, IH_REASON = 6,
	IH_SENDER_SIGN = 8, IH_SENDER_BOX = 40, IH_RECIP_SIGN = 72, IH_RECIP_BOX = 104,
	IH_ID = 136, IH_SEQ = 152, IH_CREATED = 160, IH_FLAGS = 168, IH_COUNT = 172,
	IH_PLAIN = 176, IH_COMP = 184,
};

/* Reads exactly n bytes of fd at off into the caller's buf, retrying short
 * reads and EINTR.  Fails with FMT_E_IO: "<what>: <strerror>" on a read
 * error, or the detail `shrunk` when the file ends first. */
static inline int pread_exact(int fd, uint8_t *buf, size_t n, uint64_t off,
			      const char *what, const char *shrunk, fmt_error *err)
{
	ssize_t got;
	size_t done = 0;

	while (done < n) {
		got = pread(fd, buf + done, n - done, (off_t)(off + done));
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return fmt_fail(err, FMT_E_IO, "%s: %s", what, strerror(errno));
		if (got == 0)
			return fmt_fail(err, FMT_E_IO, "%s", shrunk);
		done += (size_t)got;
	}
	return FMT_OK;
}

#endif
