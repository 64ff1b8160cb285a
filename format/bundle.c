/*
 * bundle.c - writing and reading bundles: records compressed with zlib,
 * signed by the collector (Ed25519ph), encrypted to the coordinator
 * (X25519 sealed file key, XChaCha20-Poly1305 secretstream).
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
 *        inner header (192) | zlib stream (comp_len) | signature (64)
 *
 *        the signature, by the sender, covering inner header || zlib stream.
 *
 * Writer: records are compressed into an unlinked scratch file as they are
 * added; finish() signs the header and that file, then streams header,
 * file and signature through the encryption.  Reader: pass 1 decrypts
 * everything, checks the FINAL tag, the inner header, the declared sizes
 * and the signature, and decompresses nothing; pass 2 (bundle_reader_next)
 * decrypts again, inflates never beyond the declared length, decodes the
 * records one by one, and at the end checks that it saw the same plaintext
 * as pass 1.  Memory stays a few 64 KiB buffers plus zlib's state whatever
 * the size.  The file key and the stream state live in sodium_malloc()
 * memory and are wiped.
 */
#include "bundle.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bundle_internal.h"
#include "bytes.h"
#include "envelope.h"
#include "fileio.h"
#include "format.h"
#include "signed.h"

#define SIG_BYTES     64
#define FILE_KEY      crypto_secretstream_xchacha20poly1305_KEYBYTES   /* 32 */
#define SEALED_KEY    (FILE_KEY + crypto_box_SEALBYTES)                /* 80 */
#define SS_HEADER     crypto_secretstream_xchacha20poly1305_HEADERBYTES /* 24 */
#define SS_ABYTES     crypto_secretstream_xchacha20poly1305_ABYTES     /* 17 */
#define BLOCK_CIPHER  (BUNDLE_CHUNK + SS_ABYTES)
#define STREAM_START  (ENVELOPE_HEADER + SEALED_KEY + SS_HEADER)        /* 112 */
#define INNER         BUNDLE_INNER_HEADER
#define PLAIN_MIN     (INNER + SIG_BYTES)                              /* 256 */
#define BUNDLE_MIN    (STREAM_START + SS_ABYTES + PLAIN_MIN)            /* 385 */
#define INNER_MAGIC   "MLLI"

#define TAG_MESSAGE   crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL     crypto_secretstream_xchacha20poly1305_TAG_FINAL

/* zlib level 9: a bundle holds at most a few megabytes of short records,
 * compressed once on the field laptop and sent by e-mail; the best level
 * costs milliseconds there and gives the smallest attachment.  The
 * reader does not depend on the level. */
#define ZLIB_LEVEL    9

/* The decompressed-record window of the reader: holds any record
 * (REC_ENCODED_MAX) with room to spare, so it never grows. */
#define OUT_WINDOW    65536

/* Everything secret about one bundle: in guarded memory. */
struct bundle_secret {
	uint8_t key[FILE_KEY];
	crypto_secretstream_xchacha20poly1305_state st;
};

/* Inner header layout (offsets). */
enum {
	IH_MAGIC = 0, IH_VERSION = 4, IH_SUITE = 5, IH_RESERVED = 6,
	IH_SENDER_SIGN = 8, IH_SENDER_BOX = 40, IH_RECIP_SIGN = 72, IH_RECIP_BOX = 104,
	IH_ID = 136, IH_SEQ = 152, IH_CREATED = 160, IH_FLAGS = 168, IH_COUNT = 172,
	IH_PLAIN = 176, IH_COMP = 184,
};

/* ====================================================================== */
/* Writer                                                                  */

struct bundle_writer {
	int scratch;                 /* unlinked file holding the zlib stream */
	z_stream z;
	int z_ready;
	int done;                    /* finished or failed: no more use */
	uint32_t count;
	uint64_t plain_len, comp_len;
	struct bundle_forge forge;
	uint8_t zout[BUNDLE_CHUNK];
	uint8_t rec[REC_ENCODED_MAX];
	uint8_t plain[BUNDLE_CHUNK];
	uint8_t cipher[BLOCK_CIPHER];
};

/* See bundle.h.  NULL scratch_dir means $TMPDIR or /tmp. */
int bundle_writer_open(bundle_writer **out, const char *scratch_dir,
		       fmt_error *err)
{
	bundle_writer *w;
	char tmpl[4096];
	int n;

	*out = NULL;
	if (!scratch_dir) {
		scratch_dir = getenv("TMPDIR");
		if (!scratch_dir || !*scratch_dir)
			scratch_dir = "/tmp";
	}
	n = snprintf(tmpl, sizeof tmpl, "%s/maillage-bundle.XXXXXX", scratch_dir);
	if (n < 0 || (size_t)n >= sizeof tmpl)
		return fmt_fail(err, FMT_E_IO, "%s: path too long", scratch_dir);
	w = calloc(1, sizeof *w);
	if (!w)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	w->scratch = mkstemp(tmpl);
	if (w->scratch < 0) {
		n = errno;
		free(w);
		return fmt_fail(err, FMT_E_IO, "%s: cannot create a scratch file: %s",
				scratch_dir, strerror(n));
	}
	/* Unlinked at once: nothing is left behind, whatever happens. */
	unlink(tmpl);
	if (deflateInit(&w->z, ZLIB_LEVEL) != Z_OK) {
		close(w->scratch);
		free(w);
		return fmt_fail(err, FMT_E_NOMEM, "cannot start compression: out of memory");
	}
	w->z_ready = 1;
	*out = w;
	return FMT_OK;
}

/* Compresses data[0..len) (flush: Z_NO_FLUSH, or Z_FINISH to end the
 * stream) and appends the output to the scratch file. */
static int w_deflate(bundle_writer *w, const uint8_t *data, size_t len, int flush,
		     fmt_error *err)
{
	fmt_error sub;
	size_t have;
	int ret;

	w->z.next_in = (Bytef *)(uintptr_t)data;
	w->z.avail_in = (uInt)len;
	do {
		w->z.next_out = w->zout;
		w->z.avail_out = sizeof w->zout;
		ret = deflate(&w->z, flush);
		if (ret == Z_STREAM_ERROR) {
			w->done = 1;
			return fmt_fail(err, FMT_E_DECOMPRESS, "compression failed");
		}
		have = sizeof w->zout - w->z.avail_out;
		if (have && write_all(w->scratch, w->zout, have, &sub) != FMT_OK) {
			w->done = 1;
			return fmt_fail(err, FMT_E_IO, "scratch file: %s", sub.detail);
		}
		w->comp_len += have;
	} while (w->z.avail_out == 0 || (flush == Z_FINISH && ret != Z_STREAM_END));
	return FMT_OK;
}

/* Adds len bytes of record stream that count as n records. */
static int w_append(bundle_writer *w, const uint8_t *data, size_t len, uint32_t n,
		    fmt_error *err)
{
	if (w->done)
		return fmt_fail(err, FMT_E_IO, "bundle writer is finished or failed");
	if (n > BUNDLE_MAX_RECORDS - w->count)
		return fmt_fail(err, FMT_E_LENGTH, "a bundle holds at most %u records",
				BUNDLE_MAX_RECORDS);
	if (len > BUNDLE_MAX_PLAIN - w->plain_len)
		return fmt_fail(err, FMT_E_LENGTH, "a bundle holds at most %llu bytes of records",
				(unsigned long long)BUNDLE_MAX_PLAIN);
	w->count += n;
	w->plain_len += len;
	return w_deflate(w, data, len, Z_NO_FLUSH, err);
}

/* See bundle.h. */
int bundle_writer_add(bundle_writer *w, const record *r, fmt_error *err)
{
	size_t len;
	int rc;

	rc = record_encode(r, w->rec, sizeof w->rec, &len, err);
	if (rc != FMT_OK)
		return rc;
	return w_append(w, w->rec, len, 1, err);
}

/* See bundle_internal.h. */
int bundle_writer_add_raw(bundle_writer *w, const uint8_t *buf, size_t len,
			  uint32_t records, fmt_error *err)
{
	if (w->done)
		return fmt_fail(err, FMT_E_IO, "bundle writer is finished or failed");
	w->count += records;
	w->plain_len += len;
	return w_deflate(w, buf, len, Z_NO_FLUSH, err);
}

/* See bundle_internal.h. */
void bundle_writer_forge(bundle_writer *w, const struct bundle_forge *f)
{
	w->forge = *f;
}

/* The inner header of a bundle. */
static void put_inner(uint8_t h[INNER], const identity *sender, const pubkeys *recipient,
		      const bundle_info *info)
{
	memset(h, 0, INNER);
	memcpy(h + IH_MAGIC, INNER_MAGIC, 4);
	h[IH_VERSION] = FORMAT_VERSION;
	h[IH_SUITE] = FORMAT_SUITE;
	put_u16(h + IH_RESERVED, 0);
	memcpy(h + IH_SENDER_SIGN, sender->pub.sign_pk, KEY_SIGN_PK);
	memcpy(h + IH_SENDER_BOX, sender->pub.box_pk, KEY_BOX_PK);
	memcpy(h + IH_RECIP_SIGN, recipient->sign_pk, KEY_SIGN_PK);
	memcpy(h + IH_RECIP_BOX, recipient->box_pk, KEY_BOX_PK);
	memcpy(h + IH_ID, info->bundle_id, 16);
	put_u64(h + IH_SEQ, info->seq);
	put_i64(h + IH_CREATED, info->created);
	put_u32(h + IH_FLAGS, info->flags);
	put_u32(h + IH_COUNT, info->record_count);
	put_u64(h + IH_PLAIN, info->plain_len);
	put_u64(h + IH_COMP, info->comp_len);
}

/* Output of finish(): writes to fd, hashing and counting what it writes. */
struct w_out {
	int fd;
	crypto_generichash_state hash;
	uint64_t size;
};

static int out_put(struct w_out *o, const uint8_t *p, size_t n, fmt_error *err)
{
	crypto_generichash_update(&o->hash, p, n);
	o->size += n;
	return write_all(o->fd, p, n, err);
}

/* Reads exactly n bytes of fd at off into the caller's buf, retrying short
 * reads and EINTR.  Fails with FMT_E_IO: "<what>: <strerror>" on a read
 * error, or the detail `shrunk` when the file ends first. */
static int pread_exact(int fd, uint8_t *buf, size_t n, uint64_t off, const char *what,
		       const char *shrunk, fmt_error *err)
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

/* Reads scratch[off..off+n) into buf. */
static int scratch_read(int fd, uint8_t *buf, size_t n, uint64_t off, fmt_error *err)
{
	return pread_exact(fd, buf, n, off, "scratch file", "scratch file: shorter than written",
			   err);
}

/* Ed25519ph signature of header || scratch file. */
static int w_sign(bundle_writer *w, const uint8_t hdr[INNER], const identity *signer,
		  uint8_t sig[SIG_BYTES], fmt_error *err)
{
	crypto_sign_state st;
	uint64_t off = 0;
	size_t n;
	int rc;

	crypto_sign_init(&st);
	crypto_sign_update(&st, hdr, INNER);
	while (off < w->comp_len) {
		n = w->comp_len - off > sizeof w->zout ? sizeof w->zout
						       : (size_t)(w->comp_len - off);
		rc = scratch_read(w->scratch, w->zout, n, off, err);
		if (rc != FMT_OK)
			return rc;
		crypto_sign_update(&st, w->zout, n);
		off += n;
	}
	crypto_sign_final_create(&st, sig, NULL, signer->sign_sk);
	return FMT_OK;
}

/* Copies plaintext bytes [pos, pos+n) of hdr || scratch || sig into dst. */
static int plain_fill(bundle_writer *w, const uint8_t *hdr, const uint8_t *sig,
		      uint64_t pos, uint8_t *dst, size_t n, fmt_error *err)
{
	uint64_t comp_end = INNER + w->comp_len;
	size_t k;
	int rc;

	while (n > 0) {
		if (pos < INNER) {
			k = INNER - (size_t)pos < n ? INNER - (size_t)pos : n;
			memcpy(dst, hdr + pos, k);
		} else if (pos < comp_end) {
			k = comp_end - pos < n ? (size_t)(comp_end - pos) : n;
			rc = scratch_read(w->scratch, dst, k, pos - INNER, err);
			if (rc != FMT_OK)
				return rc;
		} else {
			k = n;
			memcpy(dst, sig + (pos - comp_end), k);
		}
		dst += k;
		pos += k;
		n -= k;
	}
	return FMT_OK;
}

/* See bundle.h.  Order: finish compression, inner header, signature,
 * then file key, seal, stream header, and the blocks. */
int bundle_writer_finish(bundle_writer *w, const identity *sender,
			 const pubkeys *recipient, bundle_info *info,
			 int out_fd, fmt_error *err)
{
	uint8_t hdr[INNER], sig[SIG_BYTES], outer[ENVELOPE_HEADER];
	uint8_t sealed[SEALED_KEY], ssh[SS_HEADER];
	struct bundle_secret *sec = NULL;
	struct w_out o;
	uint64_t total, pos = 0;
	unsigned long long clen;
	size_t n;
	uint8_t tag;
	int rc;

	if (w->done)
		return fmt_fail(err, FMT_E_IO, "bundle writer is finished or failed");
	if (info->flags & ~BUNDLE_FLAG_FULL)
		return fmt_fail(err, FMT_E_RESERVED, "unknown bundle flags 0x%x", info->flags);
	rc = w_deflate(w, NULL, 0, Z_FINISH, err);
	if (rc != FMT_OK)
		return rc;
	w->done = 1;

	memcpy(info->sender_sign_pk, sender->pub.sign_pk, KEY_SIGN_PK);
	memcpy(info->sender_box_pk, sender->pub.box_pk, KEY_BOX_PK);
	memcpy(info->recipient_sign_pk, recipient->sign_pk, KEY_SIGN_PK);
	memcpy(info->recipient_box_pk, recipient->box_pk, KEY_BOX_PK);
	info->record_count = w->count;
	info->plain_len = w->plain_len;
	info->comp_len = w->comp_len;

	put_inner(hdr, sender, recipient, info);
	if (w->forge.edit_header)
		w->forge.edit_header(hdr, w->forge.arg);
	rc = w_sign(w, hdr, w->forge.signer ? w->forge.signer : sender, sig, err);
	if (rc != FMT_OK)
		return rc;

	sec = sodium_malloc(sizeof *sec);
	if (!sec)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	randombytes_buf(sec->key, sizeof sec->key);
	if (crypto_box_seal(sealed, sec->key, sizeof sec->key, recipient->box_pk) != 0 ||
	    crypto_secretstream_xchacha20poly1305_init_push(&sec->st, ssh, sec->key) != 0) {
		rc = fmt_fail(err, FMT_E_CRYPTO_INIT, "encryption failed");
		goto out;
	}
	envelope_put_header(outer, FILE_TYPE_BUNDLE);

	o.fd = out_fd;
	o.size = 0;
	crypto_generichash_init(&o.hash, NULL, 0, 32);
	if ((rc = out_put(&o, outer, sizeof outer, err)) != FMT_OK ||
	    (rc = out_put(&o, sealed, sizeof sealed, err)) != FMT_OK ||
	    (rc = out_put(&o, ssh, sizeof ssh, err)) != FMT_OK)
		goto out;

	/* Blocks of BUNDLE_CHUNK plaintext bytes; the last one, 1 to
	 * BUNDLE_CHUNK bytes, is tagged FINAL. */
	total = INNER + w->comp_len + SIG_BYTES;
	while (pos < total) {
		n = total - pos > BUNDLE_CHUNK ? BUNDLE_CHUNK : (size_t)(total - pos);
		rc = plain_fill(w, hdr, sig, pos, w->plain, n, err);
		if (rc != FMT_OK)
			goto out;
		if (w->forge.flip_mask) {
			uint64_t at = w->forge.flip_at >= 0 ? (uint64_t)w->forge.flip_at
				: total - (uint64_t)(-w->forge.flip_at);

			if (at >= pos && at < pos + n)
				w->plain[at - pos] ^= w->forge.flip_mask;
		}
		tag = pos + n == total ? TAG_FINAL : TAG_MESSAGE;
		crypto_secretstream_xchacha20poly1305_push(&sec->st, w->cipher, &clen, w->plain,
							   n, outer, sizeof outer, tag);
		rc = out_put(&o, w->cipher, (size_t)clen, err);
		if (rc != FMT_OK)
			goto out;
		pos += n;
	}
	crypto_generichash_final(&o.hash, info->file_hash, sizeof info->file_hash);
	info->file_size = o.size;
	rc = FMT_OK;
out:
	sodium_free(sec);
	sodium_memzero(w->plain, sizeof w->plain);
	return rc;
}

/* See bundle.h.  Accepts NULL. */
void bundle_writer_free(bundle_writer *w)
{
	if (!w)
		return;
	if (w->z_ready)
		deflateEnd(&w->z);
	if (w->scratch >= 0)
		close(w->scratch);
	sodium_memzero(w, sizeof *w);
	free(w);
}

/* ====================================================================== */
/* Reader                                                                  */

/* How many bytes the reader strips, one at a time, from a last block that
 * fails authentication to tell "bytes were appended" (FMT_E_TRAILING) from
 * "the block was altered" (FMT_E_DECRYPT).  Covers what mail programs and
 * copies typically add (line ends, a signature line) while bounding the
 * work done on a broken file to a few milliseconds. */
#define TRAILING_PROBE 256

struct bundle_reader {
	int fd;
	uint64_t size;                 /* from fstat in pass 1 */
	uint8_t outer[ENVELOPE_HEADER];
	uint8_t ssh[SS_HEADER];
	struct bundle_secret *sec;     /* file key and stream state */
	bundle_info info;
	uint8_t digest1[32];           /* BLAKE2b-256 of pass 1's plaintext */

	/* blocks, both passes */
	uint64_t coff;                 /* file offset of the next block */
	uint64_t block_no;             /* 1-based number of the last block */
	int final_seen;

	/* pass 2 */
	crypto_generichash_state h2;   /* of pass 2's plaintext */
	uint64_t poff;                 /* plaintext offset of plain[0] */
	size_t plen;                   /* plaintext bytes in plain[] */
	uint64_t cpos, cend;           /* next zlib byte to feed; end of the stream */
	z_stream z;
	int z_ready, z_end;
	uint64_t produced;             /* decompressed bytes so far */
	size_t ostart, oend;           /* unread records in out[] */
	uint32_t seen;                 /* records returned */
	int status;                    /* FMT_OK running, FMT_DONE, or the error */
	char detail[sizeof ((fmt_error *)0)->detail];

	uint8_t cipher[BLOCK_CIPHER + TRAILING_PROBE];
	uint8_t plain[BUNDLE_CHUNK];
	uint8_t out[OUT_WINDOW];
};

/* Reads exactly n bytes at off; a short read means the file shrank. */
static int pread_full(int fd, uint8_t *buf, size_t n, uint64_t off, fmt_error *err)
{
	return pread_exact(fd, buf, n, off, "bundle", "bundle changed while it was being read",
			   err);
}

/* After a block failed authentication with at most BLOCK_CIPHER +
 * TRAILING_PROBE bytes left in the file: does the rest of the file,
 * shortened by 1..TRAILING_PROBE bytes, authenticate as the FINAL block?
 * Then bytes were appended to a sound bundle.  A failed pull leaves the
 * stream state unchanged, so trying has no side effect.  Returns the
 * number of appended bytes, or 0. */
static size_t probe_trailing(bundle_reader *r, size_t have, uint64_t left)
{
	crypto_secretstream_xchacha20poly1305_state copy;
	unsigned long long m;
	unsigned char tag;
	size_t cut, len, found = 0;
	fmt_error ignored;

	if (left > have && pread_full(r->fd, r->cipher + have, (size_t)left - have,
				      r->coff + have, &ignored) != FMT_OK)
		return 0;
	for (cut = 1; cut <= TRAILING_PROBE && cut + SS_ABYTES < left; cut++) {
		len = (size_t)left - cut;
		if (len > BLOCK_CIPHER)
			continue;
		copy = r->sec->st;
		if (crypto_secretstream_xchacha20poly1305_pull(&copy, r->plain, &m, &tag,
							       r->cipher, len, r->outer,
							       sizeof r->outer) == 0) {
			if (tag == TAG_FINAL)
				found = cut;
			break;
		}
	}
	sodium_memzero(&copy, sizeof copy);
	sodium_memzero(r->plain, sizeof r->plain);
	return found;
}

/* Reads, authenticates and decrypts the next block into r->plain.  fh,
 * when not NULL, is fed the ciphertext (pass 1's file digest). */
static int read_block(bundle_reader *r, size_t *mlen, crypto_generichash_state *fh,
		      fmt_error *err)
{
	uint64_t left = r->size - r->coff;
	unsigned long long m;
	unsigned char tag;
	size_t n, extra;
	int rc;

	*mlen = 0;
	if (left == 0)
		return fmt_fail(err, FMT_E_NO_FINAL,
				"bundle ends after block %llu without its final block: truncated",
				(unsigned long long)r->block_no);
	n = left > BLOCK_CIPHER ? BLOCK_CIPHER : (size_t)left;
	r->block_no++;
	if (n <= SS_ABYTES)
		return fmt_fail(err, FMT_E_NO_FINAL, "bundle is truncated in block %llu",
				(unsigned long long)r->block_no);
	rc = pread_full(r->fd, r->cipher, n, r->coff, err);
	if (rc != FMT_OK)
		return rc;
	if (fh)
		crypto_generichash_update(fh, r->cipher, n);
	if (crypto_secretstream_xchacha20poly1305_pull(&r->sec->st, r->plain, &m, &tag,
						       r->cipher, n, r->outer,
						       sizeof r->outer) != 0) {
		if (left <= BLOCK_CIPHER + TRAILING_PROBE &&
		    (extra = probe_trailing(r, n, left)) > 0)
			return fmt_fail(err, FMT_E_TRAILING,
					"bundle has %zu unexpected byte%s after its final block",
					extra, extra == 1 ? "" : "s");
		return fmt_fail(err, FMT_E_DECRYPT,
				"block %llu of the bundle fails authentication: altered, damaged%s",
				(unsigned long long)r->block_no,
				n == left ? " or truncated" : "");
	}
	r->coff += n;
	if (tag == TAG_FINAL) {
		if (r->coff != r->size)
			return fmt_fail(err, FMT_E_TRAILING,
					"bundle has %llu unexpected byte%s after its final block",
					(unsigned long long)(r->size - r->coff),
					r->size - r->coff == 1 ? "" : "s");
		if (m == 0)
			return fmt_fail(err, FMT_E_LENGTH, "bundle's final block is empty");
		r->final_seen = 1;
	} else if (tag == TAG_MESSAGE) {
		if (n < BLOCK_CIPHER || r->coff == r->size)
			return fmt_fail(err, FMT_E_NO_FINAL,
					"bundle ends without its final block: truncated");
	} else {
		return fmt_fail(err, FMT_E_DECRYPT, "block %llu of the bundle has unknown tag %u",
				(unsigned long long)r->block_no, tag);
	}
	*mlen = (size_t)m;
	return FMT_OK;
}

/* Pass 1's view of the plaintext: the first INNER bytes are kept, all of
 * it is hashed, and all but the last SIG_BYTES bytes go into the
 * signature check; those last bytes, not known to be last until the end,
 * wait in tail[]. */
struct pass1 {
	crypto_sign_state sign;
	crypto_generichash_state hash;
	uint8_t hdr[INNER];
	size_t hdr_have;
	uint8_t tail[SIG_BYTES];
	size_t tail_len;
	uint64_t total;
};

static void p1_feed(struct pass1 *p, const uint8_t *d, size_t n)
{
	size_t k, out;

	crypto_generichash_update(&p->hash, d, n);
	p->total += n;
	if (p->hdr_have < INNER) {
		k = INNER - p->hdr_have < n ? INNER - p->hdr_have : n;
		memcpy(p->hdr + p->hdr_have, d, k);
		p->hdr_have += k;
	}
	if (n >= SIG_BYTES) {
		crypto_sign_update(&p->sign, p->tail, p->tail_len);
		crypto_sign_update(&p->sign, d, n - SIG_BYTES);
		memcpy(p->tail, d + n - SIG_BYTES, SIG_BYTES);
		p->tail_len = SIG_BYTES;
		return;
	}
	if (p->tail_len + n > SIG_BYTES) {
		out = p->tail_len + n - SIG_BYTES;   /* <= tail_len since n < 64 */
		crypto_sign_update(&p->sign, p->tail, out);
		memmove(p->tail, p->tail + out, p->tail_len - out);
		p->tail_len -= out;
	}
	memcpy(p->tail + p->tail_len, d, n);
	p->tail_len += n;
}

/* The checks on the decrypted inner header, in the documented order. */
static int check_inner(bundle_reader *r, const struct pass1 *p, const identity *recipient,
		       fmt_error *err)
{
	const uint8_t *h = p->hdr;
	bundle_info *in = &r->info;
	char id[KEY_ID_CHARS + 1];
	pubkeys named;

	if (p->total < PLAIN_MIN)
		return fmt_fail(err, FMT_E_LENGTH,
				"bundle content is %llu bytes, shorter than its header and "
				"signature",
				(unsigned long long)p->total);
	if (memcmp(h + IH_MAGIC, INNER_MAGIC, 4) != 0)
		return fmt_fail(err, FMT_E_MAGIC, "bundle content does not start with \"MLLI\"");
	if (h[IH_VERSION] != FORMAT_VERSION)
		return fmt_fail(err, FMT_E_VERSION,
				"bundle content of format version %u; this program reads "
				"version %u",
				h[IH_VERSION], FORMAT_VERSION);
	if (h[IH_SUITE] != FORMAT_SUITE)
		return fmt_fail(err, FMT_E_SUITE,
				"bundle content uses algorithm suite %u; this program knows "
				"suite %u only",
				h[IH_SUITE], FORMAT_SUITE);
	if (get_u16(h + IH_RESERVED) != 0)
		return fmt_fail(err, FMT_E_RESERVED,
				"bundle content: reserved field is 0x%04x, not 0",
				get_u16(h + IH_RESERVED));
	memcpy(in->sender_sign_pk, h + IH_SENDER_SIGN, KEY_SIGN_PK);
	memcpy(in->sender_box_pk, h + IH_SENDER_BOX, KEY_BOX_PK);
	memcpy(in->recipient_sign_pk, h + IH_RECIP_SIGN, KEY_SIGN_PK);
	memcpy(in->recipient_box_pk, h + IH_RECIP_BOX, KEY_BOX_PK);
	memcpy(in->bundle_id, h + IH_ID, 16);
	in->seq = get_u64(h + IH_SEQ);
	in->created = get_i64(h + IH_CREATED);
	in->flags = get_u32(h + IH_FLAGS);
	in->record_count = get_u32(h + IH_COUNT);
	in->plain_len = get_u64(h + IH_PLAIN);
	in->comp_len = get_u64(h + IH_COMP);
	if (in->flags & ~BUNDLE_FLAG_FULL)
		return fmt_fail(err, FMT_E_RESERVED, "bundle content: unknown flags 0x%08x",
				in->flags);
	if (memcmp(in->recipient_sign_pk, recipient->pub.sign_pk, KEY_SIGN_PK) != 0 ||
	    memcmp(in->recipient_box_pk, recipient->pub.box_pk, KEY_BOX_PK) != 0) {
		memcpy(named.sign_pk, in->recipient_sign_pk, KEY_SIGN_PK);
		memcpy(named.box_pk, in->recipient_box_pk, KEY_BOX_PK);
		keys_id(&named, id);
		return fmt_fail(err, FMT_E_NOT_FOR_US,
				"bundle is addressed to another coordinator (key id %s)", id);
	}
	if (in->comp_len != p->total - PLAIN_MIN)
		return fmt_fail(err, FMT_E_LENGTH,
				"bundle declares %llu bytes of compressed records but holds %llu",
				(unsigned long long)in->comp_len,
				(unsigned long long)(p->total - PLAIN_MIN));
	if (in->record_count > BUNDLE_MAX_RECORDS)
		return fmt_fail(err, FMT_E_LENGTH, "bundle declares %u records; at most %u",
				in->record_count, BUNDLE_MAX_RECORDS);
	/* Against decompression bombs: the declared size is capped, and so is
	 * its ratio to the compressed size (real records compress 3 to 10
	 * times; 64 leaves a wide margin).  Pass 2 then never inflates past
	 * the declared size. */
	if (in->plain_len > BUNDLE_MAX_PLAIN)
		return fmt_fail(err, FMT_E_DECLARED_SIZE,
				"bundle declares %llu bytes of records; at most %llu",
				(unsigned long long)in->plain_len,
				(unsigned long long)BUNDLE_MAX_PLAIN);
	if (in->plain_len > BUNDLE_RATIO_FLOOR &&
	    in->plain_len > (uint64_t)BUNDLE_MAX_RATIO * in->comp_len)
		return fmt_fail(err, FMT_E_RATIO,
				"bundle declares %llu bytes of records from %llu compressed bytes: "
				"more than %d times (decompression bomb?)",
				(unsigned long long)in->plain_len,
				(unsigned long long)in->comp_len, BUNDLE_MAX_RATIO);
	return FMT_OK;
}

/* Rewinds to the first block for pass 2. */
static int start_pass2(bundle_reader *r, fmt_error *err)
{
	if (crypto_secretstream_xchacha20poly1305_init_pull(&r->sec->st, r->ssh,
							     r->sec->key) != 0)
		return fmt_fail(err, FMT_E_DECRYPT, "bundle stream header is invalid");
	r->coff = STREAM_START;
	r->block_no = 0;
	r->final_seen = 0;
	crypto_generichash_init(&r->h2, NULL, 0, sizeof r->digest1);
	r->poff = 0;
	r->plen = 0;
	r->cpos = INNER;
	r->cend = INNER + r->info.comp_len;
	if (inflateInit(&r->z) != Z_OK)
		return fmt_fail(err, FMT_E_NOMEM, "cannot start decompression: out of memory");
	r->z_ready = 1;
	r->z.avail_in = 0;
	r->status = FMT_OK;
	return FMT_OK;
}

/* See bundle.h.  Order of checks: docs/FORMAT.md, "Reading a bundle". */
int bundle_reader_open(bundle_reader **out, int fd, const identity *recipient,
		       bundle_info *info, fmt_error *err)
{
	crypto_generichash_state fh;
	uint8_t head[STREAM_START];
	struct pass1 *p = NULL;
	bundle_reader *r;
	struct stat st;
	size_t m, hl;
	int rc;

	*out = NULL;
	memset(info, 0, sizeof *info);
	r = calloc(1, sizeof *r);
	if (!r)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	r->fd = fd;
	if (fstat(fd, &st) < 0) {
		rc = fmt_fail(err, FMT_E_IO, "bundle: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = fmt_fail(err, FMT_E_IO, "bundle is not a regular file");
		goto fail;
	}
	r->size = (uint64_t)st.st_size;
	if (r->size > BUNDLE_MAX_BYTES) {
		rc = fmt_fail(err, FMT_E_TOO_BIG, "bundle is too large: %llu bytes, at most %llu",
			      (unsigned long long)r->size, (unsigned long long)BUNDLE_MAX_BYTES);
		goto fail;
	}
	hl = r->size < STREAM_START ? (size_t)r->size : STREAM_START;
	rc = pread_full(fd, head, hl, 0, err);
	if (rc != FMT_OK)
		goto fail;
	rc = envelope_check_header(head, hl, FILE_TYPE_BUNDLE, err);
	if (rc != FMT_OK)
		goto fail;
	if (r->size < BUNDLE_MIN) {
		rc = fmt_fail(err, FMT_E_TRUNCATED,
			      "truncated bundle: %llu bytes, shorter than the smallest "
			      "possible (%d)",
			      (unsigned long long)r->size, BUNDLE_MIN);
		goto fail;
	}
	crypto_generichash_init(&fh, NULL, 0, sizeof info->file_hash);
	crypto_generichash_update(&fh, head, STREAM_START);
	memcpy(r->outer, head, ENVELOPE_HEADER);
	memcpy(r->ssh, head + ENVELOPE_HEADER + SEALED_KEY, SS_HEADER);

	r->sec = sodium_malloc(sizeof *r->sec);
	if (!r->sec) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		goto fail;
	}
	if (crypto_box_seal_open(r->sec->key, head + ENVELOPE_HEADER, SEALED_KEY,
				 recipient->pub.box_pk, recipient->box_sk) != 0) {
		rc = fmt_fail(err, FMT_E_NOT_FOR_US,
			      "bundle cannot be opened with this coordinator's key: sent to "
			      "another coordinator, or damaged");
		goto fail;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&r->sec->st, r->ssh,
							     r->sec->key) != 0) {
		rc = fmt_fail(err, FMT_E_DECRYPT, "bundle stream header is invalid");
		goto fail;
	}

	p = calloc(1, sizeof *p);
	if (!p) {
		rc = fmt_fail(err, FMT_E_NOMEM, "out of memory");
		goto fail;
	}
	crypto_sign_init(&p->sign);
	crypto_generichash_init(&p->hash, NULL, 0, sizeof r->digest1);
	r->coff = STREAM_START;
	while (!r->final_seen) {
		rc = read_block(r, &m, &fh, err);
		if (rc != FMT_OK)
			goto fail;
		p1_feed(p, r->plain, m);
	}
	crypto_generichash_final(&fh, r->info.file_hash, sizeof r->info.file_hash);
	r->info.file_size = r->size;
	crypto_generichash_final(&p->hash, r->digest1, sizeof r->digest1);

	rc = check_inner(r, p, recipient, err);
	if (rc != FMT_OK)
		goto fail;
	/* The tail holds the last 64 bytes: the signature.  Everything
	 * before it went into the check. */
	if (crypto_sign_final_verify(&p->sign, p->tail, r->info.sender_sign_pk) != 0) {
		rc = fmt_fail(err, FMT_E_SIGNATURE,
			      "bundle signature does not match the sender key it names: altered "
			      "or forged");
		goto fail;
	}
	rc = start_pass2(r, err);
	if (rc != FMT_OK)
		goto fail;
	sodium_memzero(r->plain, sizeof r->plain);
	free(p);
	*info = r->info;
	*out = r;
	return FMT_OK;
fail:
	free(p);
	bundle_reader_free(r);
	memset(info, 0, sizeof *info);
	return rc;
}

/* Points zlib at the next compressed bytes, decrypting blocks as needed.
 * Returns 0 when the compressed stream has no more bytes. */
static int feed_input(bundle_reader *r, int *more, fmt_error *err)
{
	size_t m;
	uint64_t end;
	int rc;

	*more = 0;
	if (r->cpos >= r->cend)
		return FMT_OK;
	while (r->cpos >= r->poff + r->plen) {
		r->poff += r->plen;
		r->plen = 0;
		if (r->final_seen)
			return fmt_fail(err, FMT_E_IO, "bundle changed while it was being read");
		rc = read_block(r, &m, NULL, err);
		if (rc != FMT_OK)
			return rc;
		crypto_generichash_update(&r->h2, r->plain, m);
		r->plen = m;
	}
	end = r->poff + r->plen < r->cend ? r->poff + r->plen : r->cend;
	r->z.next_in = r->plain + (r->cpos - r->poff);
	r->z.avail_in = (uInt)(end - r->cpos);
	r->cpos = end;
	*more = 1;
	return FMT_OK;
}

static int zlib_error(bundle_reader *r, int ret, fmt_error *err)
{
	if (ret == Z_MEM_ERROR)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory while decompressing");
	return fmt_fail(err, FMT_E_DECOMPRESS, "compressed records are invalid: %s",
			r->z.msg ? r->z.msg : "zlib error");
}

/* Inflates into out[oend..], never past the declared length, until some
 * output arrives. */
static int inflate_more(bundle_reader *r, fmt_error *err)
{
	size_t room = sizeof r->out - r->oend, got;
	uint64_t allowed = r->info.plain_len - r->produced;
	int ret, more, rc;

	if (room > allowed)
		room = (size_t)allowed;
	for (;;) {
		if (r->z_end)
			return fmt_fail(err, FMT_E_DECOMPRESS,
					"compressed records end after %llu bytes; %llu declared",
					(unsigned long long)r->produced,
					(unsigned long long)r->info.plain_len);
		if (r->z.avail_in == 0) {
			rc = feed_input(r, &more, err);
			if (rc != FMT_OK)
				return rc;
			if (!more)
				return fmt_fail(err, FMT_E_DECOMPRESS,
						"compressed records are incomplete: %llu of %llu "
						"bytes", (unsigned long long)r->produced,
						(unsigned long long)r->info.plain_len);
		}
		r->z.next_out = r->out + r->oend;
		r->z.avail_out = (uInt)room;
		ret = inflate(&r->z, Z_NO_FLUSH);
		got = room - r->z.avail_out;
		r->oend += got;
		r->produced += got;
		if (ret == Z_STREAM_END)
			r->z_end = 1;
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return zlib_error(r, ret, err);
		if (got > 0)
			return FMT_OK;
	}
}

/* Once the declared length is reached: the zlib stream must end there
 * (a byte more is a bomb or a lie), nothing may follow it, and every
 * remaining block is read so that pass 2 has seen the whole plaintext. */
static int finish_pass2(bundle_reader *r, fmt_error *err)
{
	uint8_t sink, digest2[32];
	size_t m;
	int ret, more, rc;

	while (!r->z_end) {
		if (r->z.avail_in == 0) {
			rc = feed_input(r, &more, err);
			if (rc != FMT_OK)
				return rc;
			if (!more)
				return fmt_fail(err, FMT_E_DECOMPRESS,
						"compressed records are incomplete");
		}
		r->z.next_out = &sink;
		r->z.avail_out = 1;
		ret = inflate(&r->z, Z_NO_FLUSH);
		if (r->z.avail_out == 0)
			return fmt_fail(err, FMT_E_DECOMPRESS,
					"compressed records expand to more than the %llu bytes "
					"declared (decompression bomb?)",
					(unsigned long long)r->info.plain_len);
		if (ret == Z_STREAM_END)
			r->z_end = 1;
		else if (ret != Z_OK && ret != Z_BUF_ERROR)
			return zlib_error(r, ret, err);
	}
	if (r->z.avail_in > 0 || r->cpos < r->cend)
		return fmt_fail(err, FMT_E_DECOMPRESS,
				"%llu unexpected byte(s) after the end of the compressed records",
				(unsigned long long)(r->z.avail_in + (r->cend - r->cpos)));
	if (r->seen != r->info.record_count)
		return fmt_fail(err, FMT_E_COUNT, "bundle holds %u records; it declares %u",
				r->seen, r->info.record_count);
	while (!r->final_seen) {
		rc = read_block(r, &m, NULL, err);
		if (rc != FMT_OK)
			return rc;
		crypto_generichash_update(&r->h2, r->plain, m);
	}
	crypto_generichash_final(&r->h2, digest2, sizeof digest2);
	if (sodium_memcmp(digest2, r->digest1, sizeof digest2) != 0)
		return fmt_fail(err, FMT_E_IO, "bundle changed while it was being read");
	return FMT_DONE;
}

/* One step of pass 2: the next record, or FMT_DONE, or an error. */
static int next_record(bundle_reader *r, record *rec, fmt_error *err)
{
	size_t avail, need;
	uint16_t len;
	fmt_error sub;
	int rc;

	for (;;) {
		avail = r->oend - r->ostart;
		if (avail >= 2) {
			len = get_u16(r->out + r->ostart);
			need = 2 + (size_t)len;
			if (need > REC_ENCODED_MAX)
				return fmt_fail(err, FMT_E_RECORD,
						"record %u declares %u bytes; at most %d",
						r->seen + 1, len, REC_ENCODED_MAX - 2);
			if (avail >= need) {
				if (r->seen >= r->info.record_count)
					return fmt_fail(err, FMT_E_COUNT,
							"bundle holds more records than the %u "
							"it declares", r->info.record_count);
				rc = record_decode(r->out + r->ostart, need, rec, &sub);
				if (rc != FMT_OK)
					return fmt_fail(err, rc, "record %u: %s", r->seen + 1,
							sub.detail);
				r->ostart += need;
				r->seen++;
				return FMT_OK;
			}
		}
		if (r->produced == r->info.plain_len) {
			if (avail > 0)
				return fmt_fail(err, FMT_E_RECORD,
						"record %u is cut short by the declared end of the "
						"records", r->seen + 1);
			return finish_pass2(r, err);
		}
		if (r->ostart > 0) {
			memmove(r->out, r->out + r->ostart, avail);
			r->ostart = 0;
			r->oend = avail;
		}
		rc = inflate_more(r, err);
		if (rc != FMT_OK)
			return rc;
	}
}

/* See bundle.h.  After FMT_DONE or an error, every further call returns
 * the same. */
int bundle_reader_next(bundle_reader *r, record *rec, fmt_error *err)
{
	fmt_error e;
	int rc;

	memset(rec, 0, sizeof *rec);
	if (r->status == FMT_DONE)
		return FMT_DONE;
	if (r->status != FMT_OK)
		return fmt_fail(err, r->status, "%s", r->detail);
	fmt_error_clear(&e);
	rc = next_record(r, rec, &e);
	if (rc == FMT_OK)
		return FMT_OK;
	memset(rec, 0, sizeof *rec);
	r->status = rc;
	if (rc == FMT_DONE)
		return FMT_DONE;
	memcpy(r->detail, e.detail, sizeof r->detail);
	return fmt_fail(err, rc, "%s", r->detail);
}

/* See bundle.h.  Accepts NULL; wipes the key and the plaintext. */
void bundle_reader_free(bundle_reader *r)
{
	if (!r)
		return;
	if (r->z_ready)
		inflateEnd(&r->z);
	sodium_free(r->sec);
	sodium_memzero(r, sizeof *r);
	free(r);
}
