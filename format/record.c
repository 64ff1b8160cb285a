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
	switch (kind) {
	case REC_ORG:      return "organisation";
	case REC_ACTION:   return "action";
	case REC_SUPPORT:  return "support";
	case REC_TRAINING: return "training";
	}
	return "?";
}

/* ------------------------------------------------------------------ */
/* Validation                                                          */

/* A NUL-terminated string held in a char[cap]: at most max bytes of text. */
static int check_string(const char *field, const char *s, size_t cap, size_t max,
			int allow_newline, fmt_error *err)
{
	size_t n = strnlen(s, cap), at;
	const char *why;

	if (n == cap)
		return fmt_fail(err, FMT_E_FIELD, "field %s: not terminated", field);
	if (n > max)
		return fmt_fail(err, FMT_E_FIELD, "field %s: %zu bytes, more than %zu",
				field, n, max);
	why = text_check(s, n, allow_newline, &at);
	if (why)
		return fmt_fail(err, FMT_E_FIELD, "field %s: %s at byte %zu", field, why, at + 1);
	return FMT_OK;
}

static int check_enum(const enum_table *t, unsigned v, fmt_error *err)
{
	char allowed[256];

	if (v < (unsigned)t->count)
		return FMT_OK;
	enum_list_codes(t, allowed, sizeof allowed);
	return fmt_fail(err, FMT_E_FIELD, "field %s: unknown value %u (allowed: %s)",
			t->name, v, allowed);
}

static int check_mask(const enum_table *t, uint32_t mask, fmt_error *err)
{
	char allowed[256];

	if (!(mask & ~enum_all_mask(t)))
		return FMT_OK;
	enum_list_codes(t, allowed, sizeof allowed);
	return fmt_fail(err, FMT_E_FIELD, "field %s: unknown values in set 0x%08x (allowed: %s)",
			t->name, (unsigned)mask, allowed);
}

static int check_dept(unsigned d, fmt_error *err)
{
	if (d < DEPT_COUNT)
		return FMT_OK;
	return fmt_fail(err, FMT_E_FIELD, "field dept: no département with index %u", d);
}

static int check_date(const char *field, uint32_t d, fmt_error *err)
{
	if (date_valid(d))
		return FMT_OK;
	return fmt_fail(err, FMT_E_FIELD,
			"field %s: %u is not a date (yyyymmdd, 2000-01-01 to 2099-12-31)",
			field, (unsigned)d);
}

static int check_number(const char *field, uint32_t v, uint32_t min, uint32_t max,
			int optional, fmt_error *err)
{
	if ((optional && v == REC_NONE) || (v >= min && v <= max))
		return FMT_OK;
	return fmt_fail(err, FMT_E_FIELD, "field %s: %u outside %u..%u%s", field, (unsigned)v,
			(unsigned)min, (unsigned)max, optional ? " (or not given)" : "");
}

/* One '@' with something on both sides, and nothing that could not be in
 * an address as typed: no blank, no control.  Not RFC 5322: enough to
 * catch a phone number or a name typed in the wrong field. */
static int check_email(const char *s, fmt_error *err)
{
	const char *at, *p;
	int rc = check_string("email", s, REC_TEXT_MAX + 1, REC_TEXT_MAX, 0, err);

	if (rc || !*s)
		return rc;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= 0x20)
			return fmt_fail(err, FMT_E_FIELD,
					"field email: blank or control character");
	at = strchr(s, '@');
	if (!at || at == s || !at[1] || strchr(at + 1, '@'))
		return fmt_fail(err, FMT_E_FIELD,
				"field email: expected one '@' with text on both sides");
	return FMT_OK;
}

/* Digits, blanks and + . - ( ): the ways French numbers are written
 * ("01 23 45 67 89", "+33 (0)1 23.45.67.89"); at least six digits. */
static int check_phone(const char *s, fmt_error *err)
{
	const char *p;
	int rc = check_string("phone", s, REC_TEXT_MAX + 1, REC_TEXT_MAX, 0, err), digits = 0;

	if (rc || !*s)
		return rc;
	for (p = s; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (!strchr(" +.-()", *p))
			return fmt_fail(err, FMT_E_FIELD,
					"field phone: only digits, spaces and + . - ( ) allowed");
	}
	if (digits < 6)
		return fmt_fail(err, FMT_E_FIELD, "field phone: fewer than 6 digits");
	return FMT_OK;
}

static int check_website(const char *s, fmt_error *err)
{
	int rc = check_string("website", s, REC_TEXT_MAX + 1, REC_TEXT_MAX, 0, err);

	if (rc)
		return rc;
	if (strpbrk(s, " \t"))
		return fmt_fail(err, FMT_E_FIELD, "field website: blank in an address");
	return FMT_OK;
}

/* SIREN: 9 digits.  RNA (registered associations): W and 9 digits. */
static int check_national_id(const char *s, fmt_error *err)
{
	size_t n = strnlen(s, REC_TEXT_MAX + 1);

	if (n == 0)
		return FMT_OK;
	if ((n == 9 && all_digits(s, 9)) || (n == 10 && s[0] == 'W' && all_digits(s + 1, 9)))
		return FMT_OK;
	return fmt_fail(err, FMT_E_FIELD,
			"field national-id: expected a SIREN (9 digits) or an RNA number "
			"(W and 9 digits)");
}

static int validate_org(const rec_org *o, fmt_error *err)
{
	int rc, i;

	if ((rc = check_string("name", o->name, sizeof o->name, REC_NAME_MAX, 0, err)))
		return rc;
	if (!o->name[0])
		return fmt_fail(err, FMT_E_FIELD, "field name: empty");
	if ((rc = check_enum(&ENUM_ORG_KIND, o->kind, err)))
		return rc;
	if (o->ndepts < 1 || o->ndepts > DEPT_COUNT)
		return fmt_fail(err, FMT_E_FIELD, "field dept: %u départements (must be 1 to %d)",
				o->ndepts, DEPT_COUNT);
	for (i = 0; i < o->ndepts; i++) {
		if ((rc = check_dept(o->depts[i], err)))
			return rc;
		if (i > 0 && o->depts[i] <= o->depts[i - 1])
			return fmt_fail(err, FMT_E_FIELD,
					"field dept: \"%s\" after \"%s\": départements must be "
					"listed once each, in table order",
					DEPTS[o->depts[i]].code, DEPTS[o->depts[i - 1]].code);
	}
	if ((rc = check_email(o->email, err)) || (rc = check_phone(o->phone, err)) ||
	    (rc = check_website(o->website, err)) ||
	    (rc = check_national_id(o->national_id, err)))
		return rc;
	return FMT_OK;
}

static int validate_action(const rec_action *a, fmt_error *err)
{
	char s[11], e[11];
	int rc;

	if ((rc = check_dept(a->dept, err)) || (rc = check_enum(&ENUM_ACTION_TYPE, a->type, err)) ||
	    (rc = check_date("start", a->start, err)))
		return rc;
	if (a->end != 0) {
		if ((rc = check_date("end", a->end, err)))
			return rc;
		if (a->end < a->start) {
			date_format(a->end, e);
			date_format(a->start, s);
			return fmt_fail(err, FMT_E_FIELD, "field end: %s is before the start %s",
					e, s);
		}
	}
	if ((rc = check_mask(&ENUM_PUBLIC, a->publics, err)) ||
	    (rc = check_mask(&ENUM_EXPLOITATION, a->exploitation, err)) ||
	    (rc = check_number("people", a->people, 0, REC_NUMBER_MAX, 1, err)) ||
	    (rc = check_string("partners", a->partners, sizeof a->partners, REC_TEXT_MAX, 0,
			       err)) ||
	    (rc = check_string("note", a->note, sizeof a->note, REC_NOTE_MAX, 1, err)))
		return rc;
	return FMT_OK;
}

static int validate_support(const rec_support *s, fmt_error *err)
{
	char shown[48];
	int rc;

	if (!period_valid(s->period)) {
		text_show(s->period, strnlen(s->period, sizeof s->period), shown, sizeof shown);
		return fmt_fail(err, FMT_E_FIELD,
				"field period: \"%s\" is not a canonical period "
				"(2026, 2026-Q3 or 2026-05)", shown);
	}
	if ((rc = check_dept(s->dept, err)) || (rc = check_enum(&ENUM_STATUS, s->status, err)) ||
	    (rc = check_enum(&ENUM_EXPLOITATION, s->exploitation, err)) ||
	    (rc = check_enum(&ENUM_SEX, s->sex, err)) ||
	    (rc = check_enum(&ENUM_AGE, s->age, err)) ||
	    (rc = check_number("count", s->count, 0, REC_COUNT_MAX, 0, err)))
		return rc;
	return FMT_OK;
}

static int validate_training(const rec_training *t, fmt_error *err)
{
	int rc;

	if ((rc = check_date("date", t->date, err)) || (rc = check_dept(t->dept, err)) ||
	    (rc = check_mask(&ENUM_AUDIENCE, t->audiences, err)))
		return rc;
	if (!t->audiences)
		return fmt_fail(err, FMT_E_FIELD, "field audience: at least one audience required");
	if ((rc = check_number("participants", t->participants, 1, REC_NUMBER_MAX, 0, err)))
		return rc;
	/* The flag is --hours; the record keeps minutes so that 1h30 is exact. */
	if (t->minutes != REC_NONE && (t->minutes < 1 || t->minutes > REC_MINUTES_MAX))
		return fmt_fail(err, FMT_E_FIELD, "field hours: a duration of %u minutes is not "
				"between 1 minute and %u hours", (unsigned)t->minutes,
				REC_MINUTES_MAX / 60);
	if ((rc = check_mask(&ENUM_EXPLOITATION, t->exploitation, err)) ||
	    (rc = check_string("note", t->note, sizeof t->note, REC_NOTE_MAX, 1, err)))
		return rc;
	return FMT_OK;
}

/* Checks every field of r; the body of a tombstone is not looked at. */
int record_validate(const record *r, fmt_error *err)
{
	if (r->kind < REC_ORG || r->kind > REC_TRAINING)
		return fmt_fail(err, FMT_E_FIELD, "record kind %u unknown", r->kind);
	if (r->deleted > 1)
		return fmt_fail(err, FMT_E_FIELD, "record deleted flag %u (must be 0 or 1)",
				r->deleted);
	if (r->version < 1)
		return fmt_fail(err, FMT_E_FIELD, "field version: must be at least 1");
	if (r->recorded_at < REC_TIME_MIN || r->recorded_at >= REC_TIME_MAX)
		return fmt_fail(err, FMT_E_FIELD,
				"field recorded-at: %lld is not a time between 2000 and 2099",
				(long long)r->recorded_at);
	if (r->deleted)
		return FMT_OK;
	switch (r->kind) {
	case REC_ORG:
		return validate_org(&r->u.org, err);
	case REC_ACTION:
		return validate_action(&r->u.action, err);
	case REC_SUPPORT:
		return validate_support(&r->u.support, err);
	default:
		return validate_training(&r->u.training, err);
	}
}

/* Support natural key: (period, dept, status, exploitation, sex, age). */
int record_same_support_key(const rec_support *a, const rec_support *b)
{
	return strncmp(a->period, b->period, sizeof a->period) == 0 && a->dept == b->dept &&
	       a->status == b->status && a->exploitation == b->exploitation &&
	       a->sex == b->sex && a->age == b->age;
}

/* ------------------------------------------------------------------ */
/* Encoding                                                            */

/* Output that counts what it could not write, so that a short buffer is
 * reported with the size it needed. */
struct enc {
	uint8_t *p;
	size_t cap, n;
};

static void enc_bytes(struct enc *e, const void *src, size_t n)
{
	if (e->n + n <= e->cap && n)
		memcpy(e->p + e->n, src, n);
	e->n += n;
}

static void enc_u8(struct enc *e, unsigned v)
{
	uint8_t b = (uint8_t)v;

	enc_bytes(e, &b, 1);
}

static void enc_u16(struct enc *e, unsigned v)
{
	uint8_t b[2];

	put_u16(b, (uint16_t)v);
	enc_bytes(e, b, 2);
}

static void enc_u32(struct enc *e, uint32_t v)
{
	uint8_t b[4];

	put_u32(b, v);
	enc_bytes(e, b, 4);
}

static void enc_i64(struct enc *e, int64_t v)
{
	uint8_t b[8];

	put_i64(b, v);
	enc_bytes(e, b, 8);
}

/* Strings were validated: their length fits the u16 and their cap. */
static void enc_str(struct enc *e, const char *s)
{
	size_t n = strlen(s);

	enc_u16(e, (unsigned)n);
	enc_bytes(e, s, n);
}

/* The 3-byte code, NUL-padded: "75\0", "2A\0", "971". */
static void enc_dept(struct enc *e, unsigned d)
{
	uint8_t b[DEPT_WIRE_LEN] = { 0 };

	memcpy(b, DEPTS[d].code, strlen(DEPTS[d].code));
	enc_bytes(e, b, sizeof b);
}

static void enc_body(struct enc *e, const record *r)
{
	const rec_org *o = &r->u.org;
	const rec_action *a = &r->u.action;
	const rec_support *s = &r->u.support;
	const rec_training *t = &r->u.training;
	int i;

	switch (r->kind) {
	case REC_ORG:
		enc_str(e, o->name);
		enc_u8(e, o->kind);
		enc_u8(e, o->ndepts);
		for (i = 0; i < o->ndepts; i++)
			enc_dept(e, o->depts[i]);
		enc_str(e, o->email);
		enc_str(e, o->phone);
		enc_str(e, o->website);
		enc_str(e, o->national_id);
		break;
	case REC_ACTION:
		enc_dept(e, a->dept);
		enc_u8(e, a->type);
		enc_u32(e, a->start);
		enc_u32(e, a->end);
		enc_u32(e, a->publics);
		enc_u32(e, a->exploitation);
		enc_u32(e, a->people);
		enc_str(e, a->partners);
		enc_str(e, a->note);
		break;
	case REC_SUPPORT:
		enc_str(e, s->period);
		enc_dept(e, s->dept);
		enc_u8(e, s->status);
		enc_u8(e, s->exploitation);
		enc_u8(e, s->sex);
		enc_u8(e, s->age);
		enc_u32(e, s->count);
		break;
	default:
		enc_u32(e, t->date);
		enc_dept(e, t->dept);
		enc_u32(e, t->audiences);
		enc_u32(e, t->participants);
		enc_u32(e, t->minutes);
		enc_u32(e, t->exploitation);
		enc_str(e, t->note);
		break;
	}
}

/* Canonical encoding: validates r, then writes u16 length, header, body. */
int record_encode(const record *r, uint8_t *buf, size_t cap, size_t *len, fmt_error *err)
{
	struct enc e = { buf, cap, 0 };
	int rc;

	*len = 0;
	if ((rc = record_validate(r, err)))
		return rc;
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
		return fmt_fail(err, FMT_E_FIELD, "field %s: %u bytes, more than %zu",
				field, (unsigned)n, max);
	if (cursor_view(c, &p, n))
		return truncated(field, err);
	why = text_check((const char *)p, n, allow_newline, &at);
	if (why)
		return fmt_fail(err, FMT_E_FIELD, "field %s: %s at byte %zu", field, why, at + 1);
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
			return fmt_fail(err, FMT_E_FIELD,
					"field dept: malformed code \"%s\" (characters after "
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
		return fmt_fail(err, FMT_E_NONCANONICAL,
				"field dept: code \"%s\" must be written in capitals", shown);
	return fmt_fail(err, FMT_E_FIELD, "field dept: unknown département code \"%s\"",
			shown);
}

static int dec_org(struct cursor *c, rec_org *o, fmt_error *err)
{
	int rc, i;

	if ((rc = dec_str(c, "name", o->name, REC_NAME_MAX, 0, err)) ||
	    (rc = dec_u8(c, "kind", &o->kind, err)) ||
	    (rc = dec_u8(c, "dept", &o->ndepts, err)))
		return rc;
	if (o->ndepts < 1 || o->ndepts > DEPT_COUNT)
		return fmt_fail(err, FMT_E_FIELD, "field dept: %u départements (must be 1 to %d)",
				o->ndepts, DEPT_COUNT);
	for (i = 0; i < o->ndepts; i++) {
		if ((rc = dec_dept(c, &o->depts[i], err)))
			return rc;
		if (i > 0 && o->depts[i] <= o->depts[i - 1])
			return fmt_fail(err, FMT_E_NONCANONICAL,
					"field dept: \"%s\" after \"%s\": départements must be "
					"listed once each, in table order",
					DEPTS[o->depts[i]].code, DEPTS[o->depts[i - 1]].code);
	}
	if ((rc = dec_str(c, "email", o->email, REC_TEXT_MAX, 0, err)) ||
	    (rc = dec_str(c, "phone", o->phone, REC_TEXT_MAX, 0, err)) ||
	    (rc = dec_str(c, "website", o->website, REC_TEXT_MAX, 0, err)) ||
	    (rc = dec_str(c, "national-id", o->national_id, REC_TEXT_MAX, 0, err)))
		return rc;
	return FMT_OK;
}

static int dec_action(struct cursor *c, rec_action *a, fmt_error *err)
{
	int rc;

	if ((rc = dec_dept(c, &a->dept, err)) || (rc = dec_u8(c, "type", &a->type, err)) ||
	    (rc = dec_u32(c, "start", &a->start, err)) ||
	    (rc = dec_u32(c, "end", &a->end, err)) ||
	    (rc = dec_u32(c, "public", &a->publics, err)) ||
	    (rc = dec_u32(c, "exploitation", &a->exploitation, err)) ||
	    (rc = dec_u32(c, "people", &a->people, err)) ||
	    (rc = dec_str(c, "partners", a->partners, REC_TEXT_MAX, 0, err)) ||
	    (rc = dec_str(c, "note", a->note, REC_NOTE_MAX, 1, err)))
		return rc;
	return FMT_OK;
}

static int dec_support(struct cursor *c, rec_support *s, fmt_error *err)
{
	char canon[REC_PERIOD_MAX + 1], shown[48];
	int rc;

	if ((rc = dec_str(c, "period", s->period, REC_PERIOD_MAX, 0, err)))
		return rc;
	if (!period_valid(s->period)) {
		text_show(s->period, strlen(s->period), shown, sizeof shown);
		if (period_parse(s->period, canon, NULL) == FMT_OK)
			return fmt_fail(err, FMT_E_NONCANONICAL,
					"field period: \"%s\" must be written \"%s\"",
					shown, canon);
		return fmt_fail(err, FMT_E_FIELD,
				"field period: \"%s\" is not a period (2026, 2026-Q3 or 2026-05)",
				shown);
	}
	if ((rc = dec_dept(c, &s->dept, err)) || (rc = dec_u8(c, "status", &s->status, err)) ||
	    (rc = dec_u8(c, "exploitation", &s->exploitation, err)) ||
	    (rc = dec_u8(c, "sex", &s->sex, err)) || (rc = dec_u8(c, "age", &s->age, err)) ||
	    (rc = dec_u32(c, "count", &s->count, err)))
		return rc;
	return FMT_OK;
}

static int dec_training(struct cursor *c, rec_training *t, fmt_error *err)
{
	int rc;

	if ((rc = dec_u32(c, "date", &t->date, err)) || (rc = dec_dept(c, &t->dept, err)) ||
	    (rc = dec_u32(c, "audience", &t->audiences, err)) ||
	    (rc = dec_u32(c, "participants", &t->participants, err)) ||
	    (rc = dec_u32(c, "hours", &t->minutes, err)) ||
	    (rc = dec_u32(c, "exploitation", &t->exploitation, err)) ||
	    (rc = dec_str(c, "note", t->note, REC_NOTE_MAX, 1, err)))
		return rc;
	return FMT_OK;
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
		switch (r->kind) {
		case REC_ORG:
			rc = dec_org(&c, &r->u.org, err);
			break;
		case REC_ACTION:
			rc = dec_action(&c, &r->u.action, err);
			break;
		case REC_SUPPORT:
			rc = dec_support(&c, &r->u.support, err);
			break;
		default:
			rc = dec_training(&c, &r->u.training, err);
			break;
		}
		if (rc)
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
	if ((rc = record_encode(r, check, sizeof check, &n, err)))
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
