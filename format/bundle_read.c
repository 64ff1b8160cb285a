/*
 * bundle_read.c - reading a bundle (layout in bundle_priv.h and
 * docs/FORMAT.md, "Bundle"; order of checks in "Reading a bundle").
 *
 * Pass 1 (bundle_reader_open) decrypts everything, checks the FINAL tag,
 * the inner header, the declared sizes and the signature, and decompresses
 * nothing; pass 2 (bundle_reader_next) decrypts again, inflates never
 * beyond the declared length, decodes the records one by one, and at the
 * end checks that it saw the same plaintext as pass 1.  Memory stays a few
 * 64 KiB buffers plus zlib's state whatever the size.  The file key and
 * the stream state live in sodium_malloc() memory and are wiped.
 */
#include "bundle.h"

#include <errno.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "bundle_priv.h"
#include "bytes.h"
#include "envelope.h"
#include "format.h"
#include "signed.h"

/* The decompressed-record window of the reader: holds any record
 * (REC_ENCODED_MAX) with room to spare, so it never grows. */
#define OUT_WINDOW    65536

/* How many bytes the reader strips, one at a time, from a last block that
 * fails authentication to tell "bytes were appended" (FMT_E_TRAILING) from
 * "the block was altered" (FMT_E_DECRYPT).  Covers what mail programs and
 * copies typically add (line ends, a signature line) while bounding the
 * work done on a broken file to a few milliseconds. */
#define TRAILING_PROBE 256

/* One wiped secret block kept from a reader freed for the next one
 * opened.  sodium_malloc() and sodium_free() take four system calls each
 * (guard pages, mlock); in a process with a second thread each of those
 * that changes a mapping interrupts the other processors it runs on, and
 * a merge opens a reader per bundle on one thread and frees it on the
 * other.  Atomic for that reason; the block stays locked in memory,
 * zeroed, until the process ends. */
static _Atomic(struct bundle_secret *) spare_secret;

static struct bundle_secret *secret_take(void)
{
	struct bundle_secret *s = atomic_exchange(&spare_secret, NULL);

	return s ? s : sodium_malloc(sizeof *s);
}

/* Wipes s and keeps it, or frees it when one is kept already. */
static void secret_give(struct bundle_secret *s)
{
	if (!s)
		return;
	sodium_memzero(s, sizeof *s);
	sodium_free(atomic_exchange(&spare_secret, s));
}

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
	size_t last, last_len;         /* the record last returned, in out[] */
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

/* Pass 1's view of the plaintext: the first HEAD_MAX bytes are kept, all of
 * it is hashed, and all but the last SIG_BYTES bytes go into the
 * signature check; those last bytes, not known to be last until the end,
 * wait in tail[]. */
struct pass1 {
	crypto_sign_state sign;
	crypto_generichash_state hash;
	uint8_t hdr[HEAD_MAX];
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
	if (p->hdr_have < HEAD_MAX) {
		k = HEAD_MAX - p->hdr_have < n ? HEAD_MAX - p->hdr_have : n;
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
	unsigned rlen;
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
	/* The reason's length: 0 (a reserved field) unless the bundle is sent
	 * despite errors, then 1 to BUNDLE_REASON_MAX. */
	rlen = get_u16(h + IH_REASON);
	if (!(get_u32(h + IH_FLAGS) & BUNDLE_FLAG_OVERRIDE) && rlen != 0)
		return fmt_fail(err, FMT_E_RESERVED,
				"bundle content: reserved field is 0x%04x, not 0", rlen);
	if ((get_u32(h + IH_FLAGS) & BUNDLE_FLAG_OVERRIDE) &&
	    (rlen == 0 || rlen > BUNDLE_REASON_MAX))
		return fmt_fail(err, FMT_E_LENGTH,
				"bundle content: a reason of %u bytes (1 to %d when sent despite "
				"errors)", rlen, BUNDLE_REASON_MAX);
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
	if (in->flags & ~BUNDLE_FLAGS)
		return fmt_fail(err, FMT_E_RESERVED, "bundle content: unknown flags 0x%08x",
				in->flags);
	if (memcmp(in->recipient_sign_pk, recipient->pub.sign_pk, KEY_SIGN_PK) != 0 ||
	    memcmp(in->recipient_box_pk, recipient->pub.box_pk, KEY_BOX_PK) != 0) {
		memcpy(named.sign_pk, in->recipient_sign_pk, KEY_SIGN_PK);
		memcpy(named.box_pk, in->recipient_box_pk, KEY_BOX_PK);
		keys_id(&named, id);
		fmt_fail(err, FMT_E_NOT_FOR_US,
			 "bundle is addressed to another coordinator (key id %s)", id);
		if (err)        /* the programs name that coordinator in their words */
			snprintf(err->value, sizeof err->value, "%s", id);
		return FMT_E_NOT_FOR_US;
	}
	if (p->total < PLAIN_MIN + rlen || in->comp_len != p->total - PLAIN_MIN - rlen)
		return fmt_fail(err, FMT_E_LENGTH,
				"bundle declares %llu bytes of compressed records but holds %llu",
				(unsigned long long)in->comp_len,
				(unsigned long long)(p->total < PLAIN_MIN + rlen ? 0 :
						     p->total - PLAIN_MIN - rlen));
	memcpy(in->reason, h + INNER, rlen);
	in->reason[rlen] = '\0';
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
	r->cpos = INNER + strlen(r->info.reason);
	r->cend = r->cpos + r->info.comp_len;
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
		rc = fmt_fail_errno(err, errno, "bundle");
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

	r->sec = secret_take();
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
	if (!text_valid(r->info.reason, strlen(r->info.reason), 0) ||
	    strlen(r->info.reason) != get_u16(p->hdr + IH_REASON)) {
		rc = fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, "reason",
				    "bundle content: the reason is not one line of text");
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
				r->last = r->ostart;
				r->last_len = need;
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

/* See bundle.h.  The bytes decoded are the record's canonical encoding
 * (record_decode() compares them with it), so hashing them gives
 * record_digest()'s value without encoding the record again. */
void bundle_reader_digest(const bundle_reader *r, uint8_t out[16])
{
	crypto_generichash(out, 16, r->out + r->last, r->last_len, NULL, 0);
}

/* See bundle.h.  Accepts NULL; wipes the key and the plaintext. */
void bundle_reader_free(bundle_reader *r)
{
	if (!r)
		return;
	if (r->z_ready)
		inflateEnd(&r->z);
	secret_give(r->sec);
	sodium_memzero(r, sizeof *r);
	free(r);
}
