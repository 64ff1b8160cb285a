/*
 * bundle_write.c - writing a bundle: records compressed with zlib, signed
 * by the collector (Ed25519ph), encrypted to the coordinator (X25519
 * sealed file key, XChaCha20-Poly1305 secretstream).  The layout is in
 * bundle_priv.h and docs/FORMAT.md, "Bundle".
 *
 * Records are compressed into an unlinked scratch file as they are added;
 * finish() signs the header and that file, then streams header, file and
 * signature through the encryption, so memory stays a few 64 KiB buffers
 * plus zlib's state whatever the size.  The file key and the stream state
 * live in sodium_malloc() memory and are wiped.  The forge hooks of
 * bundle_internal.h let tests sign a bundle that is wrong inside.
 */
#include "bundle.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "bundle_internal.h"
#include "bundle_priv.h"
#include "bytes.h"
#include "envelope.h"
#include "fileio.h"
#include "format.h"
#include "signed.h"

/* zlib level 9: a bundle holds at most a few megabytes of short records,
 * compressed once on the field laptop and sent by e-mail; the best level
 * costs milliseconds there and gives the smallest attachment.  The
 * reader does not depend on the level. */
#define ZLIB_LEVEL    9

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
		return fmt_fail_field(err, FMT_E_IO, FMT_R_PATH_LONG, NULL, "%s: path too long", scratch_dir);
	w = calloc(1, sizeof *w);
	if (!w)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	w->scratch = mkstemp(tmpl);
	if (w->scratch < 0) {
		n = errno;
		free(w);
		return fmt_fail_errno(err, n, "%s: cannot create a scratch file", scratch_dir);
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
		      const bundle_info *info, size_t reason_len)
{
	memset(h, 0, INNER);
	memcpy(h + IH_MAGIC, INNER_MAGIC, 4);
	h[IH_VERSION] = FORMAT_VERSION;
	h[IH_SUITE] = FORMAT_SUITE;
	put_u16(h + IH_REASON, (uint16_t)reason_len);
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

/* Reads scratch[off..off+n) into buf. */
static int scratch_read(int fd, uint8_t *buf, size_t n, uint64_t off, fmt_error *err)
{
	return pread_exact(fd, buf, n, off, "scratch file", "scratch file: shorter than written",
			   err);
}

/* Ed25519ph signature of head[0..hlen) (inner header and reason) ||
 * scratch file. */
static int w_sign(bundle_writer *w, const uint8_t *hdr, size_t hlen, const identity *signer,
		  uint8_t sig[SIG_BYTES], fmt_error *err)
{
	crypto_sign_state st;
	uint64_t off = 0;
	size_t n;
	int rc;

	crypto_sign_init(&st);
	crypto_sign_update(&st, hdr, hlen);
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

/* Copies plaintext bytes [pos, pos+n) of hdr[0..hlen) || scratch || sig
 * into dst. */
static int plain_fill(bundle_writer *w, const uint8_t *hdr, size_t hlen, const uint8_t *sig,
		      uint64_t pos, uint8_t *dst, size_t n, fmt_error *err)
{
	uint64_t comp_end = hlen + w->comp_len;
	size_t k;
	int rc;

	while (n > 0) {
		if (pos < hlen) {
			k = hlen - (size_t)pos < n ? hlen - (size_t)pos : n;
			memcpy(dst, hdr + pos, k);
		} else if (pos < comp_end) {
			k = comp_end - pos < n ? (size_t)(comp_end - pos) : n;
			rc = scratch_read(w->scratch, dst, k, pos - hlen, err);
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
	uint8_t hdr[HEAD_MAX], sig[SIG_BYTES], outer[ENVELOPE_HEADER];
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
	size_t rlen = strnlen(info->reason, sizeof info->reason);

	if (info->flags & ~BUNDLE_FLAGS)
		return fmt_fail(err, FMT_E_RESERVED, "unknown bundle flags 0x%x", info->flags);
	if ((info->flags & BUNDLE_FLAG_OVERRIDE) ?
	    (rlen == 0 || rlen > BUNDLE_REASON_MAX || !text_valid(info->reason, rlen, 0)) :
	    rlen != 0)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, "reason",
				      "a bundle sent despite errors gives its reason, one line of "
				      "1 to %d bytes of text; any other bundle none",
				      BUNDLE_REASON_MAX);
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

	put_inner(hdr, sender, recipient, info, rlen);
	memcpy(hdr + INNER, info->reason, rlen);
	if (w->forge.edit_header)
		w->forge.edit_header(hdr, w->forge.arg);
	rc = w_sign(w, hdr, INNER + rlen, w->forge.signer ? w->forge.signer : sender, sig, err);
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
	total = INNER + rlen + w->comp_len + SIG_BYTES;
	while (pos < total) {
		n = total - pos > BUNDLE_CHUNK ? BUNDLE_CHUNK : (size_t)(total - pos);
		rc = plain_fill(w, hdr, INNER + rlen, sig, pos, w->plain, n, err);
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
