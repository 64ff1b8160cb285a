/*
 * signed.c - the common file header, and the three small signed files:
 * kit (coordinator -> field), request (field -> coordinator) and receipt
 * (coordinator -> field).
 *
 * Envelope (docs/FORMAT.md, "Signed files"):
 *
 *   header (8) | body length L (u32) | body (L) | Ed25519ph signature (64)
 *
 * The signature covers every byte before it, header included, so the
 * type, version and suite are signed too.  A reader checks the framing,
 * then the signature, and only then parses the body, strictly: every
 * byte must be consumed and every field valid.  Kits and requests are
 * self-signed (the key is the first field of the body: what it proves is
 * that the sender holds the secret half of the keys it hands over);
 * receipts must be signed by the coordinator the reader expects.
 */
#include "signed.h"

#include "questionnaire.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "bytes.h"
#include "envelope.h"
#include "fileio.h"
#include "format.h"

#define SIG_BYTES 64
#define ENVELOPE_MIN (ENVELOPE_HEADER + 4 + SIG_BYTES)   /* 76 */

#define KIT_FIXED      (32 + 32 + 4 + 8 + 2)             /* 78, then the name */
/* after the name: u32 length of the questionnaire, then its encoding */
#define REQUEST_FIXED  (32 + 32 + 32 + 8)                /* 104, then the record */
#define RECEIPT_FIXED  (32 + 32 + 16 + 8 + 32 + 8 + 4)   /* 132, then the entries */
#define RECEIPT_ENTRY  20

/* --- common header ----------------------------------------------------- */

void envelope_put_header(uint8_t out[ENVELOPE_HEADER], uint8_t type)
{
	memcpy(out, ENVELOPE_MAGIC, 4);
	out[4] = type;
	out[5] = FORMAT_VERSION;
	out[6] = FORMAT_SUITE;
	out[7] = 0;
}

const char *envelope_type_name(uint8_t type)
{
	switch (type) {
	case FILE_TYPE_KIT:     return "kit";
	case FILE_TYPE_REQUEST: return "enrollment request";
	case FILE_TYPE_BUNDLE:  return "bundle";
	case FILE_TYPE_RECEIPT: return "receipt";
	case FILE_TYPE_SECRET:  return "secret key file";
	case FILE_TYPE_BACKUP:  return "backup";
	}
	return NULL;
}

/* See envelope.h.  The magic is checked first, on the bytes present, so
 * that a wrong file of any size is named as such rather than "truncated". */
int envelope_check_header(const uint8_t *data, size_t len, uint8_t type,
			  fmt_error *err)
{
	const char *want = envelope_type_name(type), *got;
	size_t m = len < 4 ? len : 4;

	if (memcmp(data, ENVELOPE_MAGIC, m) != 0)
		return fmt_fail(err, FMT_E_MAGIC, "not a Maillage %s", want);
	if (len < ENVELOPE_HEADER)
		return fmt_fail(err, FMT_E_TRUNCATED,
				"truncated %s: %zu bytes, shorter than its header", want, len);
	if (data[4] != type) {
		got = envelope_type_name(data[4]);
		if (got)
			return fmt_fail(err, FMT_E_MAGIC, "this is a%s %s, not a%s %s",
					strchr("aeiou", got[0]) ? "n" : "", got,
					strchr("aeiou", want[0]) ? "n" : "", want);
		return fmt_fail(err, FMT_E_MAGIC, "not a Maillage %s (unknown file type 0x%02x)",
				want, data[4]);
	}
	if (data[5] != FORMAT_VERSION)
		return fmt_fail(err, FMT_E_VERSION,
				"%s of format version %u; this program reads version %u", want,
				data[5], FORMAT_VERSION);
	if (data[6] != FORMAT_SUITE)
		return fmt_fail(err, FMT_E_SUITE,
				"%s uses algorithm suite %u; this program knows suite %u only",
				want, data[6], FORMAT_SUITE);
	if (data[7] != 0)
		return fmt_fail(err, FMT_E_RESERVED, "%s header: reserved byte is 0x%02x, not 0",
				want, data[7]);
	return FMT_OK;
}

/* --- envelope ---------------------------------------------------------- */

/* Wraps body[0..blen) into a signed file signed with sk.  *out is
 * malloc()ed. */
static int envelope_write(uint8_t type, const uint8_t *body, size_t blen,
			  const uint8_t sk[KEY_SIGN_SK], uint8_t **out, size_t *len,
			  fmt_error *err)
{
	crypto_sign_state st;
	size_t total = ENVELOPE_HEADER + 4 + blen + SIG_BYTES;
	uint8_t *p;

	*out = NULL;
	*len = 0;
	p = malloc(total);
	if (!p)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	envelope_put_header(p, type);
	put_u32(p + ENVELOPE_HEADER, (uint32_t)blen);
	memcpy(p + ENVELOPE_HEADER + 4, body, blen);
	crypto_sign_init(&st);
	crypto_sign_update(&st, p, total - SIG_BYTES);
	crypto_sign_final_create(&st, p + total - SIG_BYTES, NULL, sk);
	sodium_memzero(&st, sizeof st);
	*out = p;
	*len = total;
	return FMT_OK;
}

/* Checks the framing of a signed file of the given type and cap, and
 * points *body at its body (*blen bytes).  Signature not checked. */
static int envelope_open(const uint8_t *data, size_t len, uint8_t type,
			 size_t cap, const uint8_t **body, size_t *blen,
			 fmt_error *err)
{
	const char *name = envelope_type_name(type);
	uint32_t declared;
	int rc;

	/* The header first, over its 8 bytes only: a file of another type
	 * is named as such ("this is a kit, not an enrollment request")
	 * rather than as too large for the type it is not. */
	rc = envelope_check_header(data, len, type, err);
	if (rc != FMT_OK)
		return rc;
	if (len > cap)
		return fmt_fail(err, FMT_E_TOO_BIG, "%s is too large: %zu bytes, at most %zu",
				name, len, cap);
	if (len < ENVELOPE_MIN)
		return fmt_fail(err, FMT_E_TRUNCATED,
				"truncated %s: %zu bytes, shorter than the smallest possible (%d)",
				name, len, ENVELOPE_MIN);
	declared = get_u32(data + ENVELOPE_HEADER);
	if ((uint64_t)declared > len - ENVELOPE_MIN)
		return fmt_fail(err, FMT_E_TRUNCATED,
				"truncated %s: it declares %u bytes of content but holds %zu",
				name, declared, len - ENVELOPE_MIN);
	if ((uint64_t)declared < len - ENVELOPE_MIN)
		return fmt_fail(err, FMT_E_TRAILING, "%s has %zu unexpected byte%s after its end",
				name, (size_t)(len - ENVELOPE_MIN - declared),
				len - ENVELOPE_MIN - declared == 1 ? "" : "s");
	*body = data + ENVELOPE_HEADER + 4;
	*blen = declared;
	return FMT_OK;
}

/* Checks the signature closing data[0..len) with the Ed25519 key pk. */
static int envelope_verify(const uint8_t *data, size_t len, uint8_t type,
			   const uint8_t pk[KEY_SIGN_PK], fmt_error *err)
{
	crypto_sign_state st;
	int ok;

	crypto_sign_init(&st);
	crypto_sign_update(&st, data, len - SIG_BYTES);
	/* final_verify takes a non-const signature in libsodium 1.0.18 but
	 * does not write to it: work on a copy all the same. */
	{
		uint8_t sig[SIG_BYTES];

		memcpy(sig, data + len - SIG_BYTES, SIG_BYTES);
		ok = crypto_sign_final_verify(&st, sig, pk) == 0;
	}
	if (!ok)
		return fmt_fail(err, FMT_E_SIGNATURE,
				"%s signature does not match: altered or damaged",
				envelope_type_name(type));
	return FMT_OK;
}

/* --- kit ---------------------------------------------------------------- */

/* A coordination's name: one line of UTF-8 text, 1 to REC_NAME_MAX bytes,
 * and no control character at all (no tab, no C1 control such as U+0085
 * NEXT LINE): it is shown in every message about the coordinator. */
static int kit_name_check(const char *name, size_t n, fmt_error *err)
{
	const unsigned char *p = (const unsigned char *)name;

	if (n < 1 || n > REC_NAME_MAX)
		return fmt_fail(err, FMT_E_LENGTH, "kit name is %zu bytes long; expected 1 to %d",
				n, REC_NAME_MAX);
	if (!text_valid(name, n, 0))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, NULL,
				      "kit name is not valid UTF-8 text on one line");
	for (size_t i = 0; i < n; i++)
		if (p[i] == '\t' || (p[i] == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 &&
				     p[i + 1] <= 0x9F))
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, NULL,
					      "kit name holds a control character at byte %zu",
					      i + 1);
	return FMT_OK;
}

void kit_free(kit *k)
{
	if (!k)
		return;
	qn_free(k->qn);
	memset(k, 0, sizeof *k);
}

/* See signed.h. */
int kit_write(const identity *coord, const kit *k, uint8_t **out, size_t *len,
	      fmt_error *err)
{
	size_t n = strnlen(k->name, sizeof k->name), qlen = 0;
	uint8_t *body, *q = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	if (memcmp(&coord->pub, &k->coord, sizeof k->coord) != 0)
		return fmt_fail(err, FMT_E_WRONG_SIGNER,
				"kit names other keys than the coordinator's own");
	rc = kit_name_check(k->name, n, err);
	if (rc != FMT_OK)
		return rc;
	if (!k->qn || k->qn->edition < 1)
		return fmt_fail(err, FMT_E_FIELD, "a kit carries a published questionnaire");
	if ((rc = qn_encode(k->qn, &q, &qlen, err)))
		return rc;
	if (KIT_FIXED + n + 4 + qlen + ENVELOPE_MIN > KIT_MAX_BYTES) {
		free(q);
		return fmt_fail(err, FMT_E_TOO_BIG, "kit would be %zu bytes, more than %u",
				KIT_FIXED + n + 4 + qlen + ENVELOPE_MIN, KIT_MAX_BYTES);
	}
	body = malloc(KIT_FIXED + n + 4 + qlen);
	if (!body) {
		free(q);
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	memcpy(body, k->coord.sign_pk, 32);
	memcpy(body + 32, k->coord.box_pk, 32);
	put_u32(body + 64, k->refdata_version);
	put_i64(body + 68, k->created);
	put_u16(body + 76, (uint16_t)n);
	memcpy(body + KIT_FIXED, k->name, n);
	put_u32(body + KIT_FIXED + n, (uint32_t)qlen);
	memcpy(body + KIT_FIXED + n + 4, q, qlen);
	rc = envelope_write(FILE_TYPE_KIT, body, KIT_FIXED + n + 4 + qlen, coord->sign_sk, out,
			    len, err);
	free(body);
	free(q);
	return rc;
}

/* See signed.h.  Order of checks: the envelope, the fixed part's size, the
 * signature, then the name's length and text, the questionnaire's length,
 * trailing bytes, and the questionnaire itself. */
int kit_read(const uint8_t *data, size_t len, kit *k, fmt_error *err)
{
	fmt_error sub;
	const uint8_t *body;
	struct cursor c;
	uint16_t n;
	uint32_t qlen;
	size_t blen;
	int rc;

	memset(k, 0, sizeof *k);
	rc = envelope_open(data, len, FILE_TYPE_KIT, KIT_MAX_BYTES, &body, &blen, err);
	if (rc != FMT_OK)
		return rc;
	if (blen < KIT_FIXED)
		return fmt_fail(err, FMT_E_LENGTH, "kit content is %zu bytes; at least %d expected",
				blen, KIT_FIXED);
	rc = envelope_verify(data, len, FILE_TYPE_KIT, body, err);
	if (rc != FMT_OK)
		return rc;
	cursor_init(&c, body, blen);
	cursor_bytes(&c, k->coord.sign_pk, 32);
	cursor_bytes(&c, k->coord.box_pk, 32);
	cursor_u32(&c, &k->refdata_version);
	cursor_i64(&c, &k->created);
	cursor_u16(&c, &n);
	if (n > cursor_left(&c)) {
		rc = fmt_fail(err, FMT_E_LENGTH, "kit name length %u runs past the end of the kit",
			      n);
		goto fail;
	}
	rc = kit_name_check((const char *)body + c.pos, n, err);
	if (rc != FMT_OK)
		goto fail;
	cursor_bytes(&c, k->name, n);
	k->name[n] = '\0';
	if (cursor_u32(&c, &qlen)) {
		rc = fmt_fail(err, FMT_E_LENGTH, "kit ends before its questionnaire");
		goto fail;
	}
	if (qlen > cursor_left(&c)) {
		rc = fmt_fail(err, FMT_E_LENGTH, "kit questionnaire length %u runs past the end "
			      "of the kit", (unsigned)qlen);
		goto fail;
	}
	if (qlen < cursor_left(&c)) {
		rc = fmt_fail(err, FMT_E_TRAILING, "kit has %zu unexpected byte%s after its "
			      "questionnaire", cursor_left(&c) - qlen,
			      cursor_left(&c) - qlen == 1 ? "" : "s");
		goto fail;
	}
	/* The questionnaire's faults are the file's, not a field someone
	 * typed: its detail is kept, its structure is not. */
	rc = qn_decode(body + c.pos, qlen, &k->qn, &sub);
	if (rc != FMT_OK)
		fmt_fail(err, rc, "kit questionnaire: %s", fmt_error_message(&sub));
	if (rc == FMT_OK && k->qn->edition < 1)
		rc = fmt_fail(err, FMT_E_FIELD, "kit questionnaire has no edition number");
	if (rc != FMT_OK)
		goto fail;
	return FMT_OK;
fail:
	kit_free(k);
	return rc;
}

/* --- request --------------------------------------------------------------- */

static int request_org_check(const record *r, fmt_error *err)
{
	if (r->kind != REC_ORG)
		return fmt_fail(err, FMT_E_RECORD,
				"the request's record is not an organisation profile");
	if (r->deleted)
		return fmt_fail(err, FMT_E_RECORD,
				"the request's organisation profile is a deleted record");
	return FMT_OK;
}

/* See signed.h. */
int request_write(const identity *collector, const request *q, uint8_t **out,
		  size_t *len, fmt_error *err)
{
	uint8_t body[REQUEST_FIXED + REC_ENCODED_MAX];
	size_t rlen;
	int rc;

	*out = NULL;
	*len = 0;
	if (memcmp(&collector->pub, &q->collector, sizeof q->collector) != 0)
		return fmt_fail(err, FMT_E_WRONG_SIGNER,
				"request names other keys than the collector's own");
	rc = request_org_check(&q->org, err);
	if (rc != FMT_OK)
		return rc;
	memcpy(body, q->collector.sign_pk, 32);
	memcpy(body + 32, q->collector.box_pk, 32);
	memcpy(body + 64, q->coord_sign_pk, 32);
	put_i64(body + 96, q->created);
	rc = record_encode(&q->org, body + REQUEST_FIXED, REC_ENCODED_MAX, &rlen, err);
	if (rc != FMT_OK)
		return rc;
	return envelope_write(FILE_TYPE_REQUEST, body, REQUEST_FIXED + rlen,
			      collector->sign_sk, out, len, err);
}

/* See signed.h. */
int request_read(const uint8_t *data, size_t len, request *q, fmt_error *err)
{
	const uint8_t *body;
	size_t blen;
	int rc;

	memset(q, 0, sizeof *q);
	rc = envelope_open(data, len, FILE_TYPE_REQUEST, REQUEST_MAX_BYTES, &body, &blen, err);
	if (rc != FMT_OK)
		return rc;
	if (blen < REQUEST_FIXED + 2)
		return fmt_fail(err, FMT_E_LENGTH,
				"request content is %zu bytes; at least %d expected", blen,
				REQUEST_FIXED + 2);
	rc = envelope_verify(data, len, FILE_TYPE_REQUEST, body, err);
	if (rc != FMT_OK)
		return rc;
	memcpy(q->collector.sign_pk, body, 32);
	memcpy(q->collector.box_pk, body + 32, 32);
	memcpy(q->coord_sign_pk, body + 64, 32);
	q->created = get_i64(body + 96);
	/* The record takes all the rest: record_decode() refuses a record
	 * shorter or longer than the bytes it is given. */
	rc = record_decode(body + REQUEST_FIXED, blen - REQUEST_FIXED, &q->org, err);
	if (rc == FMT_OK)
		rc = request_org_check(&q->org, err);
	if (rc != FMT_OK)
		memset(q, 0, sizeof *q);
	return rc;
}

/* --- receipt ------------------------------------------------------------- */

/* Bytes buffered by the streaming writer before they are signed and
 * written: small, whatever the receipt's size. */
#define RECEIPT_BUF 4096

struct receipt_writer {
	int fd;
	uint8_t coord_sign_pk[KEY_SIGN_PK];
	uint32_t count, added;
	int failed;
	crypto_sign_state st;
	size_t used;
	uint8_t buf[RECEIPT_BUF];
};

/* Signs and writes the buffered bytes. */
static int rw_flush(receipt_writer *w, fmt_error *err)
{
	int rc;

	if (w->used == 0)
		return FMT_OK;
	crypto_sign_update(&w->st, w->buf, w->used);
	rc = write_all(w->fd, w->buf, w->used, err);
	w->used = 0;
	if (rc != FMT_OK)
		w->failed = 1;
	return rc;
}

static int rw_put(receipt_writer *w, const uint8_t *p, size_t n, fmt_error *err)
{
	size_t k;
	int rc;

	while (n > 0) {
		if (w->used == RECEIPT_BUF) {
			rc = rw_flush(w, err);
			if (rc != FMT_OK)
				return rc;
		}
		k = RECEIPT_BUF - w->used;
		if (k > n)
			k = n;
		memcpy(w->buf + w->used, p, k);
		w->used += k;
		p += k;
		n -= k;
	}
	return FMT_OK;
}

/* See signed.h. */
int receipt_writer_open(receipt_writer **out, int fd, const receipt *h,
			fmt_error *err)
{
	uint8_t head[ENVELOPE_HEADER + 4 + RECEIPT_FIXED];
	receipt_writer *w;
	uint8_t *b = head + ENVELOPE_HEADER + 4;
	int rc;

	*out = NULL;
	if (h->count > BUNDLE_MAX_RECORDS)
		return fmt_fail(err, FMT_E_LENGTH, "receipt for %u records; at most %u",
				h->count, BUNDLE_MAX_RECORDS);
	w = calloc(1, sizeof *w);
	if (!w)
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	w->fd = fd;
	w->count = h->count;
	memcpy(w->coord_sign_pk, h->coord_sign_pk, KEY_SIGN_PK);
	crypto_sign_init(&w->st);

	envelope_put_header(head, FILE_TYPE_RECEIPT);
	put_u32(head + ENVELOPE_HEADER, RECEIPT_FIXED + RECEIPT_ENTRY * h->count);
	memcpy(b, h->coord_sign_pk, 32);
	memcpy(b + 32, h->collector_sign_pk, 32);
	memcpy(b + 64, h->bundle_id, 16);
	put_u64(b + 80, h->seq);
	memcpy(b + 88, h->bundle_hash, 32);
	put_i64(b + 120, h->merged_at);
	put_u32(b + 128, h->count);
	rc = rw_put(w, head, sizeof head, err);
	if (rc != FMT_OK) {
		receipt_writer_free(w);
		return rc;
	}
	*out = w;
	return FMT_OK;
}

/* See signed.h. */
int receipt_writer_add(receipt_writer *w, const uint8_t id[16],
		       uint32_t version, fmt_error *err)
{
	uint8_t e[RECEIPT_ENTRY];

	if (w->failed)
		return fmt_fail(err, FMT_E_IO, "receipt: an earlier write failed");
	if (w->added >= w->count)
		return fmt_fail(err, FMT_E_COUNT, "receipt: more than the %u entries announced",
				w->count);
	memcpy(e, id, 16);
	put_u32(e + 16, version);
	w->added++;
	return rw_put(w, e, sizeof e, err);
}

/* See signed.h. */
int receipt_writer_finish(receipt_writer *w, const identity *coord,
			  fmt_error *err)
{
	uint8_t sig[SIG_BYTES];
	int rc;

	if (w->failed)
		return fmt_fail(err, FMT_E_IO, "receipt: an earlier write failed");
	if (w->added != w->count)
		return fmt_fail(err, FMT_E_COUNT, "receipt: %u entries added, %u announced",
				w->added, w->count);
	if (memcmp(coord->pub.sign_pk, w->coord_sign_pk, KEY_SIGN_PK) != 0)
		return fmt_fail(err, FMT_E_WRONG_SIGNER,
				"receipt names another coordinator than the signing key");
	rc = rw_flush(w, err);
	if (rc != FMT_OK)
		return rc;
	crypto_sign_final_create(&w->st, sig, NULL, coord->sign_sk);
	rc = write_all(w->fd, sig, sizeof sig, err);
	if (rc != FMT_OK)
		w->failed = 1;
	return rc;
}

/* See signed.h.  Accepts NULL. */
void receipt_writer_free(receipt_writer *w)
{
	if (!w)
		return;
	sodium_memzero(w, sizeof *w);
	free(w);
}

/* See signed.h.  Order: framing, signer named in the body, signature,
 * then the entries. */
int receipt_read(const uint8_t *data, size_t len,
		 const uint8_t coord_sign_pk[KEY_SIGN_PK], receipt *r,
		 fmt_error *err)
{
	const uint8_t *body;
	struct cursor c;
	size_t blen;
	uint32_t i;
	int rc;

	memset(r, 0, sizeof *r);
	rc = envelope_open(data, len, FILE_TYPE_RECEIPT, RECEIPT_MAX_BYTES, &body, &blen, err);
	if (rc != FMT_OK)
		return rc;
	if (blen < RECEIPT_FIXED)
		return fmt_fail(err, FMT_E_LENGTH,
				"receipt content is %zu bytes; at least %d expected", blen,
				RECEIPT_FIXED);
	if (sodium_memcmp(body, coord_sign_pk, KEY_SIGN_PK) != 0)
		return fmt_fail(err, FMT_E_WRONG_SIGNER,
				"receipt was issued by another coordinator than this kit's");
	rc = envelope_verify(data, len, FILE_TYPE_RECEIPT, coord_sign_pk, err);
	if (rc != FMT_OK)
		return rc;
	cursor_init(&c, body, blen);
	cursor_bytes(&c, r->coord_sign_pk, 32);
	cursor_bytes(&c, r->collector_sign_pk, 32);
	cursor_bytes(&c, r->bundle_id, 16);
	cursor_u64(&c, &r->seq);
	cursor_bytes(&c, r->bundle_hash, 32);
	cursor_i64(&c, &r->merged_at);
	cursor_u32(&c, &r->count);
	if (r->count > BUNDLE_MAX_RECORDS) {
		rc = fmt_fail(err, FMT_E_LENGTH, "receipt lists %u records; at most %u",
			      r->count, BUNDLE_MAX_RECORDS);
		goto fail;
	}
	if ((uint64_t)r->count * RECEIPT_ENTRY > cursor_left(&c)) {
		rc = fmt_fail(err, FMT_E_LENGTH,
			      "receipt declares %u entries but holds room for %zu",
			      r->count, cursor_left(&c) / RECEIPT_ENTRY);
		goto fail;
	}
	if ((uint64_t)r->count * RECEIPT_ENTRY < cursor_left(&c)) {
		rc = fmt_fail(err, FMT_E_TRAILING,
			      "receipt has %zu unexpected bytes after its %u entries",
			      cursor_left(&c) - (size_t)r->count * RECEIPT_ENTRY, r->count);
		goto fail;
	}
	if (r->count > 0) {
		r->entries = malloc((size_t)r->count * sizeof *r->entries);
		if (!r->entries) {
			rc = fmt_fail(err, FMT_E_NOMEM, "out of memory for %u receipt entries",
				      r->count);
			goto fail;
		}
	}
	for (i = 0; i < r->count; i++) {
		cursor_bytes(&c, r->entries[i].id, 16);
		cursor_u32(&c, &r->entries[i].version);
	}
	return FMT_OK;
fail:
	receipt_free(r);
	return rc;
}

/* See signed.h.  Accepts NULL; leaves *r zeroed. */
void receipt_free(receipt *r)
{
	if (!r)
		return;
	free(r->entries);
	memset(r, 0, sizeof *r);
}
