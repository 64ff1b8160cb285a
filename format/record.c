/*
 * record.c - validation and canonical encoding of records (the single
 * values they are made of, dates, periods, text and ids, are in value.c).
 *
 * The encoding (docs/FORMAT.md, Part II) has exactly one form per record:
 * fixed-width little-endian numbers, strings as a length and their bytes,
 * départements as their 3-byte code, sets as masks, lists in table order.
 * record_decode() refuses every other spelling of the same values, so two
 * equal records always have equal bytes and equal digests; the merger
 * relies on that to tell an edit from a conflict.  Decoding reads through a
 * bounded cursor (bytes.h) and checks each length against its cap before
 * copying anything, so a hostile record cannot overrun the fixed arrays of
 * the struct.
 */
#include "record.h"

#include <sodium.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "model.h"
#include "value_priv.h"

#define REC_FLAG_DELETED 0x01u
/* kind, flags, id, version, recorded_at: what every record starts with */
#define REC_HEADER_LEN   (1 + 1 + 16 + 4 + 8)
/* recorded_at bounds: 2000-01-01T00:00:00Z inclusive, 2100-01-01 exclusive.
 * Anything outside is a broken clock or a forged record, never a real
 * entry of this project. */
#define REC_TIME_MIN     946684800LL
#define REC_TIME_MAX     4102444800LL
#define DEPT_WIRE_LEN    3

/* ------------------------------------------------------------------ */
/* New ids and kind names                                              */

/* Why this layout: the national database keeps records in B-trees keyed
 * by id, and every merge is one durable transaction, whose cost is the
 * number of pages it dirties.  With 16 random bytes each record lands on a
 * page of its own; with the creation time first, records of collectors
 * working over the same weeks still interleave, so the bundles of a
 * national campaign (every organisation sending its year at once) each
 * dirty nearly every page of every table.  With the collector's prefix
 * first, then the time, a bundle's new records follow its collector's
 * earlier ones: a merge touches a few pages per table, wherever the
 * collector's range sits, however large the database.  The random bytes
 * keep two ids made in the same millisecond by the same collector apart
 * (2^-48 per pair, and the store's unique index refuses the rare
 * collision rather than merge two records).  A clock set before 1970 gives
 * a zero time rather than a wrapped one. */
void record_new_id(record *r, const uint8_t prefix[REC_ID_PREFIX_BYTES])
{
	struct timespec ts;
	uint64_t ms = 0;
	uint8_t *t = r->id + REC_ID_PREFIX_BYTES;

	if (clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec >= 0)
		ms = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
	memcpy(r->id, prefix, REC_ID_PREFIX_BYTES);
	for (int i = 0; i < REC_ID_TIME_BYTES; i++)
		t[i] = (uint8_t)(ms >> (8 * (REC_ID_TIME_BYTES - 1 - i)));
	randombytes_buf(t + REC_ID_TIME_BYTES, REC_ID_RANDOM_BYTES);
}

int record_id_prefix(const char *key_id, uint8_t prefix[REC_ID_PREFIX_BYTES])
{
	memset(prefix, 0, REC_ID_PREFIX_BYTES);
	for (int i = 0; i < REC_ID_PREFIX_BYTES; i++) {
		int hi = key_id ? hex_digit(key_id[2 * i]) : -1;
		int lo = hi < 0 ? -1 : hex_digit(key_id[2 * i + 1]);

		if (lo < 0) {
			memset(prefix, 0, REC_ID_PREFIX_BYTES);
			return FMT_E_FIELD;
		}
		prefix[i] = (uint8_t)(hi << 4 | lo);
	}
	return FMT_OK;
}

const char *record_kind_name(int kind)
{
	const kind_desc *k = kind_desc_of(kind);

	return k ? k->code : "?";
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

/* Checks every field of r; the body of a tombstone is not looked at. */
int record_validate(const record *r, fmt_error *err)
{
	const kind_desc *k;
	int rc;

	if (r->kind < REC_ORG || r->kind > REC_TRAINING)
		return fmt_fail(err, FMT_E_FIELD, "record kind %u unknown", r->kind);
	if (r->deleted > 1)
		return fmt_fail(err, FMT_E_FIELD, "record deleted flag %u (must be 0 or 1)",
				r->deleted);
	if (r->version < 1)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, "version",
				      "must be at least 1");
	if (r->recorded_at < REC_TIME_MIN || r->recorded_at >= REC_TIME_MAX)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, "recorded-at",
				      "%lld is not a time between 2000 and 2099",
				      (long long)r->recorded_at);
	if (r->deleted)
		return FMT_OK;
	k = kind_desc_of(r->kind);
	for (int i = 0; i < k->nfields; i++)
		if ((rc = field_validate(r, &k->fields[i], err)))
			return rc;
	return FMT_OK;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */

/* The 3-byte code, NUL-padded: "75\0", "2A\0", "971". */
static void enc_dept(struct enc *e, unsigned d)
{
	uint8_t b[DEPT_WIRE_LEN] = { 0 };

	memcpy(b, DEPTS[d].code, strlen(DEPTS[d].code));
	enc_bytes(e, b, sizeof b);
}

#define AT_C(r, f, type) ((const type *)(const void *)((const char *)(r) + (f)->off))
#define AT(r, f, type) ((type *)(void *)((char *)(r) + (f)->off))

static void enc_field(struct enc *e, const record *r, const field_desc *f)
{
	const uint8_t *n;

	switch (f->type) {
	case FT_TEXT:
	case FT_NOTE:
	case FT_PERIOD:
		enc_str(e, AT_C(r, f, char));
		break;
	case FT_DEPT:
		enc_dept(e, *AT_C(r, f, uint8_t));
		break;
	case FT_DEPTS:
		n = AT_C(r, f, uint8_t);
		enc_u8(e, *n);
		for (int i = 0; i < *n; i++)
			enc_dept(e, n[1 + i]);
		break;
	case FT_ENUM:
		enc_u8(e, *AT_C(r, f, uint8_t));
		break;
	case FT_SET:
	case FT_DATE:
	case FT_NUMBER:
	case FT_HOURS:
		enc_u32(e, *AT_C(r, f, uint32_t));
		break;
	case FT_CODE:
		enc_str(e, AT_C(r, f, char));
		break;
	case FT_CODES:
		n = AT_C(r, f, uint8_t);
		enc_u8(e, *n);
		for (int i = 0; i < *n; i++)
			enc_str(e, (const char *)(n + 1) + i * (REC_CODE_MAX + 1));
		break;
	}
}

static void enc_body(struct enc *e, const record *r)
{
	const kind_desc *k = kind_desc_of(r->kind);

	for (int i = 0; i < k->nfields; i++)
		enc_field(e, r, &k->fields[i]);
}

/* The canonical encoding of a record already validated: u16 length,
 * header, body. */
static int encode_valid(const record *r, uint8_t *buf, size_t cap, size_t *len,
			fmt_error *err)
{
	struct enc e = { buf, cap, 0 };

	*len = 0;
	enc_u16(&e, 0);         /* length, filled in below */
	enc_u8(&e, r->kind);
	enc_u8(&e, r->deleted ? REC_FLAG_DELETED : 0);
	enc_bytes(&e, r->id, sizeof r->id);
	enc_u32(&e, r->version);
	enc_i64(&e, r->recorded_at);
	if (!r->deleted)
		enc_body(&e, r);
	if (e.n > cap)
		return fmt_fail(err, FMT_E_LENGTH, "record needs %zu bytes, buffer holds %zu",
				e.n, cap);
	put_u16(buf, (uint16_t)(e.n - 2));
	*len = e.n;
	return FMT_OK;
}

/* Canonical encoding: validates r, then encodes it. */
int record_encode(const record *r, uint8_t *buf, size_t cap, size_t *len, fmt_error *err)
{
	int rc;

	*len = 0;
	if ((rc = record_validate(r, err)))
		return rc;
	return encode_valid(r, buf, cap, len, err);
}

/* 16-byte BLAKE2b of the whole canonical encoding, length included. */
int record_digest(const record *r, uint8_t out[16], fmt_error *err)
{
	uint8_t buf[REC_ENCODED_MAX];
	size_t len;
	int rc;

	memset(out, 0, 16);
	if ((rc = record_encode(r, buf, sizeof buf, &len, err)))
		return rc;
	crypto_generichash(out, 16, buf, len, NULL, 0);
	return FMT_OK;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */

static int truncated(const char *field, fmt_error *err)
{
	return fmt_fail(err, FMT_E_RECORD, "record truncated in field %s", field);
}

static int dec_u8(struct cursor *c, const char *field, uint8_t *v, fmt_error *err)
{
	return cursor_u8(c, v) ? truncated(field, err) : FMT_OK;
}

static int dec_u32(struct cursor *c, const char *field, uint32_t *v, fmt_error *err)
{
	return cursor_u32(c, v) ? truncated(field, err) : FMT_OK;
}

/* A string into char[max + 1]: its length is checked against max before
 * a byte is copied, its bytes are checked as text before they are kept
 * (a NUL inside would otherwise shorten it silently). */
static int dec_str(struct cursor *c, const char *field, char *out, size_t max,
		   int allow_newline, fmt_error *err)
{
	const uint8_t *p;
	const char *why;
	uint16_t n;
	size_t at;

	if (cursor_u16(c, &n))
		return truncated(field, err);
	if (n > max)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TOO_LONG, field,
				      "%u bytes, more than %zu", (unsigned)n, max);
	if (cursor_view(c, &p, n))
		return truncated(field, err);
	why = text_check((const char *)p, n, allow_newline, &at);
	if (why)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, field, "%s at byte %zu", why,
				      at + 1);
	memcpy(out, p, n);
	out[n] = '\0';
	return FMT_OK;
}

/* The 3-byte code: the code's characters, then NUL padding.  "2a" names
 * a real département but is not how it is written: refused as
 * non-canonical, so that one value has one encoding. */
static int dec_dept(struct cursor *c, uint8_t *d, fmt_error *err)
{
	const uint8_t *p;
	char code[DEPT_WIRE_LEN + 1], shown[20];
	size_t n, i;
	int idx;

	if (cursor_view(c, &p, DEPT_WIRE_LEN))
		return truncated("dept", err);
	n = strnlen((const char *)p, DEPT_WIRE_LEN);
	for (i = n; i < DEPT_WIRE_LEN; i++)
		if (p[i] != 0) {
			text_show(p, DEPT_WIRE_LEN, shown, sizeof shown);
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, "dept",
					      "malformed code \"%s\" (characters after "
					      "the padding)", shown);
		}
	memcpy(code, p, n);
	code[n] = '\0';
	idx = dept_find(code);
	if (idx >= 0 && strcmp(code, "2a") != 0 && strcmp(code, "2b") != 0) {
		*d = (uint8_t)idx;
		return FMT_OK;
	}
	text_show(code, n, shown, sizeof shown);
	if (idx >= 0)
		return fmt_fail_field(err, FMT_E_NONCANONICAL, FMT_R_CODE, "dept",
				      "code \"%s\" must be written in capitals", shown);
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, "dept",
			      "unknown département code \"%s\"", shown);
}

/* A set of départements: the count, checked against the array before
 * anything is read into it, then the codes in table order. */
static int dec_depts(struct cursor *c, const field_desc *f, uint8_t *n, fmt_error *err)
{
	uint8_t *d = n + 1;
	int rc;

	if (cursor_u8(c, n))
		return truncated(f->code, err);
	if (*n < f->min || *n > f->max)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
				      "%u départements (must be %u to %u)", *n,
				      (unsigned)f->min, (unsigned)f->max);
	for (int i = 0; i < *n; i++) {
		if ((rc = dec_dept(c, &d[i], err)))
			return rc;
		if (i > 0 && d[i] <= d[i - 1])
			return fmt_fail_field(err, FMT_E_NONCANONICAL, FMT_R_ORDER, f->code,
					      "\"%s\" after \"%s\": départements must be "
					      "listed once each, in table order",
					      DEPTS[d[i]].code, DEPTS[d[i - 1]].code);
	}
	return FMT_OK;
}

/* A period as text: written "2026-q3" it names a real period but is not
 * how it is written, refused as non-canonical. */
static int dec_period(struct cursor *c, const field_desc *f, char *out, fmt_error *err)
{
	char canon[REC_PERIOD_MAX + 1], shown[48];
	int rc;

	if ((rc = dec_str(c, f->code, out, REC_PERIOD_MAX, 0, err)))
		return rc;
	if (period_valid(out))
		return FMT_OK;
	text_show(out, strlen(out), shown, sizeof shown);
	if (period_parse(out, canon, NULL) == FMT_OK)
		return fmt_fail_field(err, FMT_E_NONCANONICAL, FMT_R_PERIOD, f->code,
				      "\"%s\" must be written \"%s\"", shown, canon);
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PERIOD, f->code,
			      "\"%s\" is not a period (2026, 2026-Q3 or 2026-05)", shown);
}

/* Codes: the count, checked against the array before anything is read
 * into it, then each code (its spelling is checked by validation). */
static int dec_codes(struct cursor *c, const field_desc *f, uint8_t *n, fmt_error *err)
{
	char *codes = (char *)(n + 1);
	int rc;

	if (cursor_u8(c, n))
		return truncated(f->code, err);
	if (*n < f->min || *n > f->max)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, f->code,
				      "%u codes (must be %u to %u)", *n, (unsigned)f->min,
				      (unsigned)f->max);
	for (int i = 0; i < *n; i++)
		if ((rc = dec_str(c, f->code, codes + i * (REC_CODE_MAX + 1), REC_CODE_MAX, 0,
				  err)))
			return rc;
	return FMT_OK;
}

static int dec_field(struct cursor *c, record *r, const field_desc *f, fmt_error *err)
{
	switch (f->type) {
	case FT_TEXT:
	case FT_NOTE:
		return dec_str(c, f->code, AT(r, f, char), f->max, f->type == FT_NOTE, err);
	case FT_PERIOD:
		return dec_period(c, f, AT(r, f, char), err);
	case FT_DEPT:
		return dec_dept(c, AT(r, f, uint8_t), err);
	case FT_DEPTS:
		return dec_depts(c, f, AT(r, f, uint8_t), err);
	case FT_ENUM:
		return dec_u8(c, f->code, AT(r, f, uint8_t), err);
	case FT_SET:
	case FT_DATE:
	case FT_NUMBER:
	case FT_HOURS:
		return dec_u32(c, f->code, AT(r, f, uint32_t), err);
	case FT_CODE:
		return dec_str(c, f->code, AT(r, f, char), REC_CODE_MAX, 0, err);
	case FT_CODES:
		return dec_codes(c, f, AT(r, f, uint8_t), err);
	}
	return fmt_fail(err, FMT_E_RECORD, "field %s of an unknown type", f->code);
}

static int decode(const uint8_t *buf, size_t len, record *r, fmt_error *err)
{
	uint8_t check[REC_ENCODED_MAX];
	struct cursor c;
	uint16_t declared;
	uint8_t flags = 0;
	size_t n;
	int rc;

	if (len < 2)
		return fmt_fail(err, FMT_E_RECORD, "record truncated: %zu bytes, no room for its "
				"length", len);
	declared = get_u16(buf);
	if (declared > len - 2)
		return fmt_fail(err, FMT_E_RECORD, "record truncated: declares %u bytes, has %zu",
				(unsigned)declared, len - 2);
	if (declared < len - 2)
		return fmt_fail(err, FMT_E_RECORD, "%zu byte%s after the end of the record",
				len - 2 - declared, len - 2 - declared == 1 ? "" : "s");
	if (declared < REC_HEADER_LEN)
		return fmt_fail(err, FMT_E_RECORD, "record truncated: %u bytes, less than its "
				"%d-byte header", (unsigned)declared, REC_HEADER_LEN);

	cursor_init(&c, buf + 2, declared);
	/* The header fits (checked above): these reads cannot fail. */
	(void)cursor_u8(&c, &r->kind);
	(void)cursor_u8(&c, &flags);
	(void)cursor_bytes(&c, r->id, sizeof r->id);
	(void)cursor_u32(&c, &r->version);
	(void)cursor_i64(&c, &r->recorded_at);
	if (r->kind < REC_ORG || r->kind > REC_TRAINING)
		return fmt_fail(err, FMT_E_RECORD, "unknown record kind %u", r->kind);
	if (flags & ~REC_FLAG_DELETED)
		return fmt_fail(err, FMT_E_RECORD, "reserved flag bits set (flags 0x%02x)", flags);
	r->deleted = flags & REC_FLAG_DELETED;

	if (r->deleted) {
		n = cursor_left(&c);
		if (n)
			return fmt_fail(err, FMT_E_RECORD, "deleted record carries %zu byte%s "
					"of fields", n, n == 1 ? "" : "s");
	} else {
		const kind_desc *k = kind_desc_of(r->kind);

		for (int i = 0; i < k->nfields; i++)
			if ((rc = dec_field(&c, r, &k->fields[i], err)))
				return rc;
		if (cursor_left(&c))
			return fmt_fail(err, FMT_E_RECORD, "%zu byte%s after the last field",
					cursor_left(&c), cursor_left(&c) == 1 ? "" : "s");
	}
	if ((rc = record_validate(r, err)))
		return rc;

	/* Every field was read in its one canonical form above; encoding the
	 * result again and comparing keeps that promise true should a field
	 * ever be added to one side and not the other. */
	if ((rc = encode_valid(r, check, sizeof check, &n, err)))
		return rc;
	if (n != len || memcmp(check, buf, len) != 0)
		return fmt_fail(err, FMT_E_NONCANONICAL, "record is not in its canonical encoding");
	return FMT_OK;
}

/* Decodes exactly one record filling buf[0..len); *r zeroed on failure. */
int record_decode(const uint8_t *buf, size_t len, record *r, fmt_error *err)
{
	int rc;

	memset(r, 0, sizeof *r);
	if (!buf)
		len = 0;
	rc = decode(buf, len, r, err);
	if (rc)
		memset(r, 0, sizeof *r);
	return rc;
}
