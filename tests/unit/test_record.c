/*
 * test_record.c - records of format/record.h: validation of every field,
 * the canonical encoding (round trips, a known-answer vector of a count
 * that docs/FORMAT.md, Part II shows byte for byte), refusal of every
 * broken or non-canonical buffer, and the date, period, text, code and id
 * functions.
 *
 * Broken buffers are built byte by byte with a small writer below, or by
 * patching a real encoding, so each refusal is of a buffer a hostile or
 * damaged file could really hold.
 */
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "error.h"
#include "format.h"
#include "model.h"
#include "record.h"
#include "refdata.h"
#include "tap.h"

#define T2026 1767225600LL      /* 2026-01-01T00:00:00Z */

static const uint8_t ID[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

/* ------------------------------------------------------------------ */
/* Samples                                                             */

static void header(record *r, int kind)
{
	memset(r, 0, sizeof *r);
	r->kind = (uint8_t)kind;
	memcpy(r->id, ID, 16);
	r->version = 1;
	r->recorded_at = T2026;
}

static record sample_org(void)
{
	record r;

	header(&r, REC_ORG);
	strcpy(r.u.org.name, "Hors la Rue — Paris");
	r.u.org.kind = 0;
	r.u.org.ndepts = 3;
	r.u.org.depts[0] = (uint8_t)dept_find("2A");
	r.u.org.depts[1] = (uint8_t)dept_find("75");
	r.u.org.depts[2] = (uint8_t)dept_find("971");
	strcpy(r.u.org.email, "contact@example.org");
	strcpy(r.u.org.phone, "+33 (0)1 23.45.67.89");
	strcpy(r.u.org.website, "https://example.org/");
	strcpy(r.u.org.national_id, "W751234567");
	return r;
}

static record sample_action(void)
{
	record r;

	header(&r, REC_ACTION);
	r.u.action.dept = (uint8_t)dept_find("93");
	r.u.action.type = 2;
	r.u.action.start = 20260315;
	r.u.action.end = 20260316;
	r.u.action.publics = 0x5;
	r.u.action.exploitation = 0x3;
	r.u.action.people = 40;
	strcpy(r.u.action.partners, "ASE 93, police");
	strcpy(r.u.action.note, "Maraude de nuit.\nDeux mineures orientées.");
	return r;
}

/* A cell of the questionnaire's table victims. */
static record sample_count(void)
{
	record r;

	header(&r, REC_COUNT);
	strcpy(r.u.count.table, "victims");
	strcpy(r.u.count.period, "2026-Q1");
	r.u.count.dept = (uint8_t)dept_find("93");
	r.u.count.ndims = 4;
	strcpy(r.u.count.dims[0], "supported");
	strcpy(r.u.count.dims[1], "sexual");
	strcpy(r.u.count.dims[2], "f");
	strcpy(r.u.count.dims[3], "adult");
	r.u.count.count = 12;
	return r;
}

/* A cell of a table of one dimension, whose codes are at their cap. */
static record sample_count_long(void)
{
	record r;

	header(&r, REC_COUNT);
	memset(r.u.count.table, 't', REC_CODE_MAX);
	strcpy(r.u.count.period, "2026-05");
	r.u.count.dept = (uint8_t)dept_find("976");
	r.u.count.ndims = 1;
	memset(r.u.count.dims[0], 'C', REC_CODE_MAX);
	r.u.count.count = REC_COUNT_MAX;
	return r;
}

static record sample_training(void)
{
	record r;

	header(&r, REC_TRAINING);
	r.u.training.date = 20260210;
	r.u.training.dept = (uint8_t)dept_find("2B");
	r.u.training.audiences = 0x7;
	r.u.training.participants = 25;
	r.u.training.minutes = 180;
	r.u.training.exploitation = 0x1;
	strcpy(r.u.training.note, "Module traite des êtres humains");
	return r;
}

static record sample_tombstone(void)
{
	record r;

	header(&r, REC_ACTION);
	r.deleted = 1;
	r.version = 3;
	return r;
}

/* The known-answer vector of docs/FORMAT.md, Part II: sample_count(). */
static const uint8_t COUNT_VECTOR[] = {
	0x55, 0x00,                                     /* length 85 */
	0x03,                                           /* kind count */
	0x00,                                           /* flags */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, /* id */
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
	0x01, 0x00, 0x00, 0x00,                         /* version 1 */
	0x00, 0xb9, 0x55, 0x69, 0x00, 0x00, 0x00, 0x00, /* 2026-01-01T00:00:00Z */
	0x07, 0x00, 'v', 'i', 'c', 't', 'i', 'm', 's',  /* table */
	0x07, 0x00, '2', '0', '2', '6', '-', 'Q', '1',  /* period */
	'9', '3', 0x00,                                 /* dept */
	0x04,                                           /* 4 codes */
	0x09, 0x00, 's', 'u', 'p', 'p', 'o', 'r', 't', 'e', 'd',
	0x06, 0x00, 's', 'e', 'x', 'u', 'a', 'l',
	0x01, 0x00, 'f',
	0x05, 0x00, 'a', 'd', 'u', 'l', 't',
	0x0c, 0x00, 0x00, 0x00,                         /* count 12 */
};
#define COUNT_BODY (sizeof COUNT_VECTOR - 32)       /* 55 bytes after the header */

/* ------------------------------------------------------------------ */
/* A byte writer for hand-made buffers                                 */

struct wb {
	uint8_t b[REC_ENCODED_MAX * 2];
	size_t n;
};

static void w_bytes(struct wb *w, const void *p, size_t n)
{
	memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void w_u8(struct wb *w, unsigned v)
{
	w->b[w->n++] = (uint8_t)v;
}

static void w_u16(struct wb *w, unsigned v)
{
	w_u8(w, v & 0xFF);
	w_u8(w, v >> 8 & 0xFF);
}

static void w_u32(struct wb *w, uint32_t v)
{
	w_u16(w, v & 0xFFFF);
	w_u16(w, v >> 16);
}

static void w_i64(struct wb *w, int64_t v)
{
	uint64_t u = (uint64_t)v;

	w_u32(w, (uint32_t)u);
	w_u32(w, (uint32_t)(u >> 32));
}

static void w_str(struct wb *w, const char *s, size_t n)
{
	w_u16(w, (unsigned)n);
	w_bytes(w, s, n);
}

static void w_head(struct wb *w, unsigned kind, unsigned flags, uint32_t version, int64_t t)
{
	w->n = 0;
	w_u16(w, 0);
	w_u8(w, kind);
	w_u8(w, flags);
	w_bytes(w, ID, 16);
	w_u32(w, version);
	w_i64(w, t);
}

/* Sets the length prefix to what follows it. */
static void w_end(struct wb *w)
{
	w->b[0] = (uint8_t)((w->n - 2) & 0xFF);
	w->b[1] = (uint8_t)((w->n - 2) >> 8);
}

/* The fields of a count as they go on the wire, each byte string with
 * its length so that a NUL or a length over the cap can be written.
 * count_wire() gives sample_count(); a test changes one thing. */
struct bstr {
	const char *p;
	size_t n;
	int lie;                /* 1: the length written is `declared`, not n */
	unsigned declared;
};
#define B(s) ((struct bstr){ (s), sizeof(s) - 1, 0, 0 })
#define LIE(b, d) ((b).lie = 1, (b).declared = (d))

struct count_wire {
	struct bstr table, period, dept;    /* dept: its 3 bytes */
	unsigned ndims;                     /* the count byte as written */
	unsigned ncodes;                    /* how many codes follow it */
	struct bstr codes[8];
	uint32_t count;
};

static struct count_wire count_wire(void)
{
	struct count_wire c;

	memset(&c, 0, sizeof c);
	c.table = B("victims");
	c.period = B("2026-Q1");
	c.dept = B("93\0");
	c.ndims = c.ncodes = 4;
	c.codes[0] = B("supported");
	c.codes[1] = B("sexual");
	c.codes[2] = B("f");
	c.codes[3] = B("adult");
	c.count = 12;
	return c;
}

static void w_bstr(struct wb *w, struct bstr b)
{
	w_u16(w, b.lie ? b.declared : (unsigned)b.n);
	w_bytes(w, b.p, b.n);
}

static void build_count(struct wb *w, const struct count_wire *c)
{
	w_head(w, REC_COUNT, 0, 1, T2026);
	w_bstr(w, c->table);
	w_bstr(w, c->period);
	w_bytes(w, c->dept.p, 3);
	w_u8(w, c->ndims);
	for (unsigned i = 0; i < c->ncodes; i++)
		w_bstr(w, c->codes[i]);
	w_u32(w, c->count);
	w_end(w);
}

static void build_action(struct wb *w, const char dept[3], uint32_t start, uint32_t end,
			 uint32_t publics, uint32_t people, const char *partners, size_t plen,
			 const char *note, size_t nlen)
{
	w_head(w, REC_ACTION, 0, 1, T2026);
	w_bytes(w, dept, 3);
	w_u8(w, 2);
	w_u32(w, start);
	w_u32(w, end);
	w_u32(w, publics);
	w_u32(w, 0x3);
	w_u32(w, people);
	w_str(w, partners, plen);
	w_str(w, note, nlen);
	w_end(w);
}

static void build_note(struct wb *w, const char *note, size_t nlen)
{
	build_action(w, "93\0", 20260315, 0, 0x5, REC_NONE, "", 0, note, nlen);
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

/* Decoding buf must fail with code, leave *r zeroed, and (when part is not
 * NULL) give a detail containing part. */
static void refused(const uint8_t *buf, size_t len, int code, const char *part,
		    const char *name)
{
	record r;
	fmt_error err;
	int rc;

	memset(&r, 0xA5, sizeof r);
	memset(&err, 0, sizeof err);
	rc = record_decode(buf, len, &r, &err);
	if (!ok(rc == code && err.code == code && all_zero(&r, sizeof r) &&
		(!part || strstr(err.detail, part)), "refused: %s", name))
		diag("rc %d (want %d), detail \"%s\", want \"%s\"", rc, code, err.detail,
		     part ? part : "");
}

static void accepted(const uint8_t *buf, size_t len, const char *name)
{
	uint8_t again[REC_ENCODED_MAX];
	record r;
	fmt_error err;
	size_t n = 0;
	int rc;

	rc = record_decode(buf, len, &r, &err);
	if (rc == FMT_OK)
		rc = record_encode(&r, again, sizeof again, &n, &err);
	if (!ok(rc == FMT_OK && n == len && memcmp(again, buf, len) == 0, "accepted: %s", name))
		diag("rc %d, detail \"%s\"", rc, err.detail);
}

static void invalid(const record *r, const char *part, const char *name)
{
	uint8_t buf[REC_ENCODED_MAX];
	fmt_error err;
	size_t len = 99;
	int rc;

	memset(&err, 0, sizeof err);
	rc = record_validate(r, &err);
	if (!ok(rc == FMT_E_FIELD && strstr(err.detail, part), "invalid: %s", name))
		diag("rc %d, detail \"%s\", want \"%s\"", rc, err.detail, part);
	rc = record_encode(r, buf, sizeof buf, &len, &err);
	ok(rc == FMT_E_FIELD && len == 0, "encode refuses: %s", name);
}

static void valid(const record *r, const char *name)
{
	fmt_error err;
	int rc = record_validate(r, &err);

	if (!ok(rc == FMT_OK, "valid: %s", name))
		diag("detail \"%s\"", err.detail);
}

#define BAD(sample, stmt, part) do { \
	record r_ = sample(); \
	stmt; \
	invalid(&r_, part, #sample ": " #stmt); \
} while (0)

#define GOOD(sample, stmt) do { \
	record r_ = sample(); \
	stmt; \
	valid(&r_, #sample ": " #stmt); \
} while (0)

/* A count on the wire with one change from count_wire(), refused with
 * code and a detail containing part, or accepted. */
#define WIRE_BAD(stmt, code, part) do { \
	struct count_wire c_ = count_wire(); \
	struct wb w_; \
	stmt; \
	build_count(&w_, &c_); \
	refused(w_.b, w_.n, code, part, "count on the wire: " #stmt); \
} while (0)

#define WIRE_GOOD(stmt) do { \
	struct count_wire c_ = count_wire(); \
	struct wb w_; \
	stmt; \
	build_count(&w_, &c_); \
	accepted(w_.b, w_.n, "count on the wire: " #stmt); \
} while (0)

/* ------------------------------------------------------------------ */
/* Round trips                                                         */

static void round_trip(record (*make)(void), const char *name)
{
	uint8_t buf[REC_ENCODED_MAX], again[REC_ENCODED_MAX];
	record in = make(), out;
	fmt_error err;
	size_t len, len2;
	int rc;

	rc = record_encode(&in, buf, sizeof buf, &len, &err);
	if (!ok(rc == FMT_OK, "%s: encodes", name))
		diag("%s", err.detail);
	is_int(buf[0] | buf[1] << 8, len - 2, "%s: length prefix", name);
	rc = record_decode(buf, len, &out, &err);
	if (!ok(rc == FMT_OK, "%s: decodes", name))
		diag("%s", err.detail);
	ok(memcmp(&in, &out, sizeof in) == 0, "%s: decoded struct equals the original", name);
	rc = record_encode(&out, again, sizeof again, &len2, &err);
	ok(rc == FMT_OK && len2 == len && memcmp(buf, again, len) == 0,
	   "%s: re-encoding gives the same bytes", name);
}

static void test_round_trips(void)
{
	uint8_t buf[REC_ENCODED_MAX];
	record r, t;
	fmt_error err;
	size_t len;

	round_trip(sample_org, "org");
	round_trip(sample_action, "action");
	round_trip(sample_count, "count");
	round_trip(sample_count_long, "count of one dimension, codes at their cap");
	round_trip(sample_training, "training");
	round_trip(sample_tombstone, "tombstone");

	r = sample_count();
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK &&
	   len == sizeof COUNT_VECTOR && memcmp(buf, COUNT_VECTOR, len) == 0,
	   "count record encodes to the documented vector");
	ok(record_decode(COUNT_VECTOR, sizeof COUNT_VECTOR, &t, &err) == FMT_OK &&
	   memcmp(&t, &r, sizeof r) == 0, "and the vector decodes to it");
	r = sample_count_long();
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK &&
	   len == 32 + 2 + 32 + 2 + 7 + 3 + 1 + 2 + 32 + 4, "count of one dimension: %zu bytes",
	   len);

	/* Two records equal in every field have equal bytes in memory too:
	 * the codes' unused slots are empty. */
	r = sample_count();
	r.u.count.ndims = 2;
	memset(r.u.count.dims[2], 0, sizeof r.u.count.dims[2]);
	memset(r.u.count.dims[3], 0, sizeof r.u.count.dims[3]);
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK &&
	   record_decode(buf, len, &t, &err) == FMT_OK && memcmp(&t, &r, sizeof r) == 0,
	   "a count of two codes round trips, slots 3 and 4 empty");

	/* the tombstone example of docs/FORMAT.md, Part II */
	r = sample_count();
	r.deleted = 1;
	r.version = 2;
	memset(&r.u, 0, sizeof r.u);
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK && len == 32 &&
	   memcmp(buf, "\x1e\x00\x03\x01", 4) == 0 && memcmp(buf + 4, ID, 16) == 0 &&
	   memcmp(buf + 20, "\x02\x00\x00\x00", 4) == 0 &&
	   memcmp(buf + 24, COUNT_VECTOR + 24, 8) == 0, "documented tombstone bytes");

	r = sample_tombstone();
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK && len == 32 &&
	   buf[0] == 30 && buf[1] == 0 && buf[2] == REC_ACTION && buf[3] == 1,
	   "tombstone: 32 bytes, flags 1, no body");
	ok(record_decode(buf, len, &t, &err) == FMT_OK && t.deleted == 1 && t.version == 3 &&
	   all_zero(&t.u, sizeof t.u), "tombstone decodes with a zeroed body");

	/* A tombstone's body is not looked at, nor written. */
	r = sample_action();
	r.deleted = 1;
	r.u.action.type = 200;
	ok(record_validate(&r, &err) == FMT_OK, "tombstone body ignored by validate");
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK && len == 32,
	   "tombstone body not encoded");

	/* Longest record: action with every text at its cap. */
	r = sample_action();
	memset(r.u.action.partners, 'p', REC_TEXT_MAX);
	memset(r.u.action.note, 'n', REC_NOTE_MAX);
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK, "action at the caps encodes");
	is_int(len, 2260, "the largest record is 2260 bytes, well under REC_ENCODED_MAX");
	accepted(buf, len, "action at the caps");

	r = sample_org();
	r.u.org.ndepts = DEPT_COUNT;
	for (int i = 0; i < DEPT_COUNT; i++)
		r.u.org.depts[i] = (uint8_t)i;
	memset(r.u.org.name, 'a', REC_NAME_MAX);
	ok(record_encode(&r, buf, sizeof buf, &len, &err) == FMT_OK, "org in all 101 départements");
	accepted(buf, len, "org in all 101 départements");
}

static void test_encode_errors(void)
{
	uint8_t buf[REC_ENCODED_MAX];
	record r = sample_count();
	fmt_error err;
	size_t len = 7;
	int rc;

	memset(buf, 0xEE, sizeof buf);
	rc = record_encode(&r, buf, sizeof COUNT_VECTOR - 1, &len, &err);
	is_int(rc, FMT_E_LENGTH, "buffer one byte short: FMT_E_LENGTH");
	ok(buf[sizeof COUNT_VECTOR - 1] == 0xEE, "nothing written past cap");
	ok(strstr(err.detail, "needs 87 bytes") != NULL, "detail: %s", err.detail);
	is_int(len, 0, "len 0 on failure");
	rc = record_encode(&r, buf, sizeof COUNT_VECTOR, &len, &err);
	ok(rc == FMT_OK && len == sizeof COUNT_VECTOR, "exact buffer suffices");
	memset(buf, 0xEE, sizeof buf);
	rc = record_encode(&r, buf, 10, &len, &err);
	ok(rc == FMT_E_LENGTH && buf[10] == 0xEE && len == 0, "a buffer of 10 bytes: refused, "
	   "nothing past it");
}

static void test_digest(void)
{
	uint8_t buf[REC_ENCODED_MAX], d1[16], d2[16], want[16];
	record r = sample_action(), s;
	fmt_error err;
	size_t len;

	ok(record_digest(&r, d1, &err) == FMT_OK, "digest");
	record_encode(&r, buf, sizeof buf, &len, &err);
	crypto_generichash(want, 16, buf, len, NULL, 0);
	ok(memcmp(d1, want, 16) == 0, "digest is BLAKE2b-128 of the encoding");
	s = r;
	s.u.action.people = 41;
	record_digest(&s, d2, &err);
	ok(memcmp(d1, d2, 16) != 0, "one field changed: another digest");
	s = r;
	record_digest(&s, d2, &err);
	ok(memcmp(d1, d2, 16) == 0, "same record: same digest");
	s.u.action.type = 99;
	ok(record_digest(&s, d2, &err) == FMT_E_FIELD && all_zero(d2, 16),
	   "invalid record: no digest");
}

/* ------------------------------------------------------------------ */
/* Validation of the struct                                            */

static void test_validate(void)
{
	BAD(sample_count, r_.version = 0, "field version: must be at least 1");
	BAD(sample_count, r_.recorded_at = 946684799, "field recorded-at");
	GOOD(sample_count, r_.recorded_at = 946684800);
	GOOD(sample_count, r_.recorded_at = 4102444799LL);
	BAD(sample_count, r_.recorded_at = 4102444800LL, "field recorded-at");
	BAD(sample_count, r_.recorded_at = -1, "field recorded-at");
	BAD(sample_count, r_.kind = 0, "record kind 0 unknown");
	BAD(sample_count, r_.kind = 5, "record kind 5 unknown");
	BAD(sample_count, r_.deleted = 2, "deleted flag");

	BAD(sample_org, r_.u.org.name[0] = 0, "field name: empty");
	BAD(sample_org, strcpy(r_.u.org.name, "a\nb"), "field name: line break");
	BAD(sample_org, memset(r_.u.org.name, 'a', REC_NAME_MAX + 1), "field name: not terminated");
	GOOD(sample_org, memset(r_.u.org.name, 'a', REC_NAME_MAX));
	BAD(sample_org, strcpy(r_.u.org.name, "\xC0\x80"), "field name: invalid UTF-8 at byte 1");
	BAD(sample_org, strcpy(r_.u.org.name, "ab\x1b[2J"),
	    "field name: control character at byte 3");
	BAD(sample_org, r_.u.org.kind = 7, "field kind: unknown value 7 (allowed: association, "
	    "barreau, prefecture, justice, police, collectivite, other)");
	BAD(sample_org, r_.u.org.ndepts = 0, "field dept: 0 départements");
	BAD(sample_org, r_.u.org.ndepts = 102, "field dept: 102 départements");
	BAD(sample_org, r_.u.org.depts[2] = 101, "field dept: no département with index 101");
	BAD(sample_org, r_.u.org.depts[1] = r_.u.org.depts[0], "field dept: \"2A\" after \"2A\"");
	BAD(sample_org, r_.u.org.depts[0] = 80, "field dept: \"75\" after \"80\"");
	GOOD(sample_org, r_.u.org.email[0] = 0);
	GOOD(sample_org, strcpy(r_.u.org.email, "a@b"));
	BAD(sample_org, strcpy(r_.u.org.email, "ab"), "field email");
	BAD(sample_org, strcpy(r_.u.org.email, "@b"), "field email");
	BAD(sample_org, strcpy(r_.u.org.email, "a@"), "field email");
	BAD(sample_org, strcpy(r_.u.org.email, "a@b@c"), "field email");
	BAD(sample_org, strcpy(r_.u.org.email, "a b@c"), "field email: blank");
	BAD(sample_org, strcpy(r_.u.org.email, "a@b\t"), "field email");
	BAD(sample_org, memset(r_.u.org.email, 'a', REC_TEXT_MAX + 1), "field email");
	GOOD(sample_org, r_.u.org.phone[0] = 0);
	GOOD(sample_org, strcpy(r_.u.org.phone, "01 23 45 67 89"));
	GOOD(sample_org, strcpy(r_.u.org.phone, "123456"));
	BAD(sample_org, strcpy(r_.u.org.phone, "12345"), "field phone: fewer than 6 digits");
	BAD(sample_org, strcpy(r_.u.org.phone, "01 23 45 67 8x"), "field phone: only digits");
	BAD(sample_org, strcpy(r_.u.org.phone, "01/23/45/67/89"), "field phone");
	GOOD(sample_org, r_.u.org.website[0] = 0);
	GOOD(sample_org, strcpy(r_.u.org.website, "example.org"));
	BAD(sample_org, strcpy(r_.u.org.website, "http://a b"), "field website");
	BAD(sample_org, strcpy(r_.u.org.website, "http://a\tb"), "field website");
	BAD(sample_org, strcpy(r_.u.org.website, "x\ny"), "field website");
	GOOD(sample_org, r_.u.org.national_id[0] = 0);
	GOOD(sample_org, strcpy(r_.u.org.national_id, "123456789"));
	GOOD(sample_org, strcpy(r_.u.org.national_id, "W123456789"));
	BAD(sample_org, strcpy(r_.u.org.national_id, "12345678"), "field national-id");
	BAD(sample_org, strcpy(r_.u.org.national_id, "1234567890"), "field national-id");
	BAD(sample_org, strcpy(r_.u.org.national_id, "w123456789"), "field national-id");
	BAD(sample_org, strcpy(r_.u.org.national_id, "W12345678A"), "field national-id");
	BAD(sample_org, strcpy(r_.u.org.national_id, "123 456 789"), "field national-id");

	BAD(sample_action, r_.u.action.dept = 101, "field dept");
	BAD(sample_action, r_.u.action.type = 15, "field type: unknown value 15 (allowed: "
	    "prevention, awareness,");
	BAD(sample_action, r_.u.action.type = 255, "administrative-support, court-support, "
	    "exit-programme, employment, advocacy, coordination, other)");
	BAD(sample_action, r_.u.action.start = 0, "field start");
	BAD(sample_action, r_.u.action.start = 20260229, "field start: 20260229 is not a date");
	BAD(sample_action, r_.u.action.end = 20260314, "field end: 2026-03-14 is before the start "
	    "2026-03-15");
	BAD(sample_action, r_.u.action.end = 20260431, "field end");
	GOOD(sample_action, r_.u.action.end = 0);
	GOOD(sample_action, r_.u.action.end = 20260315);
	BAD(sample_action, r_.u.action.publics = 1u << 5, "field public: unknown values");
	GOOD(sample_action, r_.u.action.publics = 0x1F);
	GOOD(sample_action, r_.u.action.publics = 0);
	BAD(sample_action, r_.u.action.exploitation = 1u << 9, "field exploitation");
	BAD(sample_action, r_.u.action.exploitation = 0x80000000u, "field exploitation");
	GOOD(sample_action, r_.u.action.exploitation = 0x1FF);
	GOOD(sample_action, r_.u.action.people = 0);
	GOOD(sample_action, r_.u.action.people = REC_NUMBER_MAX);
	GOOD(sample_action, r_.u.action.people = REC_NONE);
	BAD(sample_action, r_.u.action.people = REC_NUMBER_MAX + 1, "field people: 1000001");
	BAD(sample_action, strcpy(r_.u.action.partners, "a\nb"), "field partners: line break");
	GOOD(sample_action, memset(r_.u.action.partners, 'p', REC_TEXT_MAX));
	GOOD(sample_action, strcpy(r_.u.action.note, "a\nb\tc"));
	GOOD(sample_action, memset(r_.u.action.note, 'n', REC_NOTE_MAX));
	BAD(sample_action, memset(r_.u.action.note, 'n', REC_NOTE_MAX + 1),
	    "field note: not terminated");
	BAD(sample_action, strcpy(r_.u.action.note, "a\r\nb"), "field note: control character");
	BAD(sample_action, strcpy(r_.u.action.note, "a\x7f"), "field note: control character");

	BAD(sample_count, strcpy(r_.u.count.period, "2026-q3"), "field period");
	BAD(sample_count, strcpy(r_.u.count.period, "2026-Q5"), "field period");
	BAD(sample_count, strcpy(r_.u.count.period, "1999"), "field period");
	BAD(sample_count, strcpy(r_.u.count.period, "2026-13"), "field period");
	BAD(sample_count, strcpy(r_.u.count.period, "2026-00"), "field period");
	BAD(sample_count, strcpy(r_.u.count.period, ""), "field period");
	GOOD(sample_count, strcpy(r_.u.count.period, "2026"));
	GOOD(sample_count, strcpy(r_.u.count.period, "2026-12"));
	BAD(sample_count, r_.u.count.dept = 101, "field dept: no département with index 101");
	BAD(sample_count, r_.u.count.dept = 255, "field dept");

	/* The table: a code, spelled as codes are (the questionnaire says
	 * which tables exist). */
	BAD(sample_count, r_.u.count.table[0] = 0,
	    "field table: \"\" is not a code (1 to 32 letters, digits, - or _)");
	BAD(sample_count, strcpy(r_.u.count.table, "vict ms"), "field table: \"vict ms\" is not a code");
	BAD(sample_count, strcpy(r_.u.count.table, "-victims"), "field table: \"-victims\"");
	BAD(sample_count, strcpy(r_.u.count.table, "_victims"), "field table");
	BAD(sample_count, strcpy(r_.u.count.table, "vict/ms"), "field table");
	BAD(sample_count, strcpy(r_.u.count.table, "vict|ms"), "field table");
	BAD(sample_count, strcpy(r_.u.count.table, "vict,ms"), "field table");
	BAD(sample_count, strcpy(r_.u.count.table, "vict.ms"), "field table");
	BAD(sample_count, strcpy(r_.u.count.table, "victimes\xc3\xa9"),
	    "field table: \"victimes\xc3\xa9\" is not a code");
	BAD(sample_count, strcpy(r_.u.count.table, "vic\"ms"), "field table: \"vic\\x22ms\"");
	BAD(sample_count, strcpy(r_.u.count.table, "vic\tms"), "field table: \"vic\\x09ms\"");
	BAD(sample_count, strcpy(r_.u.count.table, "vic\x1b[2Jms"), "field table: \"vic\\x1b[2Jms\"");
	BAD(sample_count, memset(r_.u.count.table, 'a', REC_CODE_MAX + 1),
	    "field table: not terminated");
	GOOD(sample_count, memset(r_.u.count.table, 'a', REC_CODE_MAX));
	GOOD(sample_count, strcpy(r_.u.count.table, "Victims_2-b"));
	GOOD(sample_count, strcpy(r_.u.count.table, "9"));
	GOOD(sample_count, strcpy(r_.u.count.table, "victims-"));
	GOOD(sample_count, strcpy(r_.u.count.table, "no-such-table"));

	/* The codes: 1 to 4, each spelled as a code, unused slots empty. */
	BAD(sample_count, r_.u.count.ndims = 0, "field dims: 0 codes (must be 1 to 4)");
	BAD(sample_count, r_.u.count.ndims = 5, "field dims: 5 codes (must be 1 to 4)");
	BAD(sample_count, r_.u.count.ndims = 255, "field dims: 255 codes");
	GOOD(sample_count, (r_.u.count.ndims = 3, r_.u.count.dims[3][0] = 0));
	GOOD(sample_count, (r_.u.count.ndims = 1, memset(&r_.u.count.dims[1], 0,
							  3 * sizeof r_.u.count.dims[1])));
	BAD(sample_count, r_.u.count.ndims = 3, "field dims: code 4 given beyond the 3 declared");
	BAD(sample_count, r_.u.count.ndims = 1, "field dims: code 2 given beyond the 1 declared");
	BAD(sample_count, (r_.u.count.ndims = 2, r_.u.count.dims[2][0] = 0),
	    "field dims: code 4 given beyond the 2 declared");
	BAD(sample_count, r_.u.count.dims[0][0] = 0, "field dims: \"\" is not a code");
	BAD(sample_count, r_.u.count.dims[3][0] = 0, "field dims: \"\" is not a code");
	BAD(sample_count, strcpy(r_.u.count.dims[1], "sex ual"), "field dims: \"sex ual\" is not a code");
	BAD(sample_count, strcpy(r_.u.count.dims[2], "-f"), "field dims: \"-f\"");
	BAD(sample_count, strcpy(r_.u.count.dims[3], "ad\xc3\xa9lt"), "field dims");
	BAD(sample_count, strcpy(r_.u.count.dims[0], "a\nb"), "field dims: \"a\\x0ab\"");
	BAD(sample_count, memset(r_.u.count.dims[1], 'x', REC_CODE_MAX + 1),
	    "field dims: not terminated");
	BAD(sample_count, memset(r_.u.count.dims[3], 'x', REC_CODE_MAX + 1),
	    "field dims: not terminated");
	GOOD(sample_count, memset(r_.u.count.dims[3], 'x', REC_CODE_MAX));
	GOOD(sample_count, strcpy(r_.u.count.dims[0], "Supported"));
	GOOD(sample_count, strcpy(r_.u.count.dims[1], "NG"));

	GOOD(sample_count, r_.u.count.count = 0);
	GOOD(sample_count, r_.u.count.count = REC_COUNT_MAX);
	BAD(sample_count, r_.u.count.count = REC_COUNT_MAX + 1,
	    "field count: 100001 outside 0..100000");
	BAD(sample_count, r_.u.count.count = REC_NONE, "field count");

	BAD(sample_training, r_.u.training.date = 20260229, "field date");
	GOOD(sample_training, r_.u.training.date = 20280229);
	BAD(sample_training, r_.u.training.dept = 200, "field dept");
	BAD(sample_training, r_.u.training.audiences = 0, "field audience: at least one");
	BAD(sample_training, r_.u.training.audiences = 1u << 10, "field audience: unknown values");
	BAD(sample_training, r_.u.training.participants = 0, "field participants");
	GOOD(sample_training, r_.u.training.participants = REC_NUMBER_MAX);
	BAD(sample_training, r_.u.training.participants = REC_NUMBER_MAX + 1,
	    "field participants");
	BAD(sample_training, r_.u.training.participants = REC_NONE, "field participants");
	BAD(sample_training, r_.u.training.minutes = 0,
	    "field hours: a duration of 0 minutes is not between 1 minute and 8760 hours");
	GOOD(sample_training, r_.u.training.minutes = 1);
	GOOD(sample_training, r_.u.training.minutes = REC_MINUTES_MAX);
	GOOD(sample_training, r_.u.training.minutes = REC_NONE);
	BAD(sample_training, r_.u.training.minutes = REC_MINUTES_MAX + 1, "field hours");
	BAD(sample_training, r_.u.training.exploitation = 0x200, "field exploitation");
	BAD(sample_training, strcpy(r_.u.training.note, "\xED\xA0\x80"), "field note: invalid");
	GOOD(sample_training, r_.u.training.note[0] = 0);
}

/* ------------------------------------------------------------------ */
/* Decoding refusals                                                   */

static size_t encode(record (*make)(void), uint8_t *buf)
{
	record r = make();
	size_t len = 0;

	record_encode(&r, buf, REC_ENCODED_MAX, &len, NULL);
	return len;
}

/* Every strict prefix of a valid encoding is refused: as is (the length
 * prefix then promises more than there is), and with the length prefix
 * rewritten to match (so that the fields themselves run short). */
static void truncations(record (*make)(void), const char *name)
{
	uint8_t buf[REC_ENCODED_MAX], cut[REC_ENCODED_MAX];
	record r;
	fmt_error err;
	size_t len = encode(make, buf), i;
	int bad = 0;

	for (i = 0; i < len; i++) {
		memset(&r, 0xA5, sizeof r);
		if (record_decode(buf, i, &r, &err) != FMT_E_RECORD || !all_zero(&r, sizeof r))
			bad++;
		if (i < 2)
			continue;
		memcpy(cut, buf, i);
		cut[0] = (uint8_t)((i - 2) & 0xFF);
		cut[1] = (uint8_t)((i - 2) >> 8);
		memset(&r, 0xA5, sizeof r);
		if (record_decode(cut, i, &r, &err) != FMT_E_RECORD || !all_zero(&r, sizeof r)) {
			if (bad++ < 3)
				diag("%s cut at %zu: \"%s\"", name, i, err.detail);
		}
	}
	ok(len > 0 && bad == 0, "%s: all %zu truncations refused as FMT_E_RECORD", name, len);
}

/* Any single byte changed to any value: either refused (struct zeroed) or
 * accepted only if that is again a canonical encoding.  Catches a decode
 * that accepts a second spelling of some value. */
static void mutations(record (*make)(void), const char *name)
{
	uint8_t buf[REC_ENCODED_MAX], again[REC_ENCODED_MAX];
	record r;
	fmt_error err;
	size_t len = encode(make, buf), i, n;
	unsigned v, orig, tried = 0, passed = 0, bad = 0;

	for (i = 0; i < len; i++) {
		orig = buf[i];
		for (v = 0; v < 256; v++) {
			if (v == orig)
				continue;
			buf[i] = (uint8_t)v;
			tried++;
			if (record_decode(buf, len, &r, &err) == FMT_OK) {
				passed++;
				if (record_encode(&r, again, sizeof again, &n, &err) != FMT_OK ||
				    n != len || memcmp(again, buf, len) != 0)
					bad++;
			} else if (!all_zero(&r, sizeof r)) {
				bad++;
			}
		}
		buf[i] = (uint8_t)orig;
	}
	ok(bad == 0, "%s: %u one-byte changes, %u still valid, all canonical", name, tried, passed);
}

static void test_structure(void)
{
	uint8_t buf[REC_ENCODED_MAX], big[REC_ENCODED_MAX + 2];
	struct wb w;
	size_t len;

	truncations(sample_org, "org");
	truncations(sample_action, "action");
	truncations(sample_count, "count");
	truncations(sample_count_long, "count of one dimension");
	truncations(sample_training, "training");
	truncations(sample_tombstone, "tombstone");

	refused(NULL, 0, FMT_E_RECORD, "no room for its length", "empty buffer");
	refused(COUNT_VECTOR, 1, FMT_E_RECORD, "no room for its length", "one byte");

	memcpy(buf, COUNT_VECTOR, sizeof COUNT_VECTOR);
	buf[sizeof COUNT_VECTOR] = 0;
	refused(buf, sizeof COUNT_VECTOR + 1, FMT_E_RECORD, "1 byte after the end of the record",
		"a trailing byte after the record");
	buf[0]++;
	refused(buf, sizeof COUNT_VECTOR + 1, FMT_E_RECORD, "1 byte after the last field",
		"a trailing byte inside the declared length");
	buf[0] = 0xFF;
	buf[1] = 0xFF;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "declares 65535 bytes",
		"length prefix larger than the data");

	/* A buffer larger than any record: its prefix cannot describe it. */
	memset(big, 0, sizeof big);
	big[0] = 0xFE;
	big[1] = 0x1F;
	refused(big, sizeof big, FMT_E_RECORD, NULL, "8 KiB of zeros");

	w_head(&w, REC_COUNT, 0, 1, T2026);
	w.n = 12;
	w_end(&w);
	refused(w.b, w.n, FMT_E_RECORD, "less than its 30-byte header", "header cut short");

	memcpy(buf, COUNT_VECTOR, sizeof COUNT_VECTOR);
	buf[3] = 0x02;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "reserved flag bits set (flags 0x02)",
		"flag bit 1");
	buf[3] = 0x80;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "reserved flag", "flag bit 7");
	buf[3] = 0x03;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "reserved flag", "deleted plus bit 1");
	buf[3] = 0x01;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "deleted record carries 55 bytes",
		"tombstone with a body");

	/* A count's body under the other kinds, and theirs under a count's. */
	memcpy(buf, COUNT_VECTOR, sizeof COUNT_VECTOR);
	buf[2] = 0;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "unknown record kind 0", "kind 0");
	buf[2] = 5;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "unknown record kind 5", "kind 5");
	buf[2] = 0xFF;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_RECORD, "unknown record kind 255", "kind 255");
	buf[2] = REC_TRAINING;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_FIELD, "field dept: unknown département code "
		"\"cti\"", "count body under kind training");
	buf[2] = REC_ORG;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_FIELD, "field dept: 0 départements",
		"count body under kind org");
	buf[2] = REC_ACTION;
	refused(buf, sizeof COUNT_VECTOR, FMT_E_FIELD, "field dept: malformed code",
		"count body under kind action");
	len = encode(sample_training, buf);
	buf[2] = REC_COUNT;
	refused(buf, len, FMT_E_FIELD, "field table", "training body under kind count");
	len = encode(sample_action, buf);
	buf[2] = REC_COUNT;
	refused(buf, len, FMT_E_FIELD, "field table: 13113 bytes, more than 32",
		"action body under kind count");

	w_head(&w, REC_COUNT, 1, 1, T2026);
	w_end(&w);
	accepted(w.b, w.n, "tombstone of a count");
	w_head(&w, REC_COUNT, 1, 0, T2026);
	w_end(&w);
	refused(w.b, w.n, FMT_E_FIELD, "field version: must be at least 1", "version 0");
	w_head(&w, REC_COUNT, 1, 1, 946684799);
	w_end(&w);
	refused(w.b, w.n, FMT_E_FIELD, "field recorded-at", "recorded before 2000");
	w_head(&w, REC_COUNT, 1, 1, -1);
	w_end(&w);
	refused(w.b, w.n, FMT_E_FIELD, "field recorded-at", "negative time");
	w_head(&w, REC_COUNT, 1, 1, 4102444800LL);
	w_end(&w);
	refused(w.b, w.n, FMT_E_FIELD, "field recorded-at", "recorded in 2100");

	len = encode(sample_org, buf);
	accepted(buf, len, "org sample");
	mutations(sample_count, "count");
	mutations(sample_count_long, "count of one dimension");
	mutations(sample_tombstone, "tombstone");
	mutations(sample_training, "training");
	mutations(sample_action, "action");
	mutations(sample_org, "org");
}

/* Decoding a count changed by stmt fails with code, reason and field: the
 * structure the programs word their messages from. */
#define WIRE_WHY(stmt, want_code, want_reason, want_field) do { \
	struct count_wire c_ = count_wire(); \
	struct wb w_; \
	record r_; \
	fmt_error e_; \
	int rc_; \
	stmt; \
	build_count(&w_, &c_); \
	memset(&e_, 0, sizeof e_); \
	rc_ = record_decode(w_.b, w_.n, &r_, &e_); \
	if (!ok(rc_ == (want_code) && e_.reason == (want_reason) && \
		strcmp(e_.field, want_field) == 0, "reason and field: " #stmt)) \
		diag("rc %d reason %d field \"%s\": %s", rc_, e_.reason, e_.field, e_.detail); \
} while (0)

static void test_reasons(void)
{
	WIRE_WHY(c_.table = B("vict ms"), FMT_E_FIELD, FMT_R_CODE, "table");
	WIRE_WHY(c_.table = B(""), FMT_E_FIELD, FMT_R_REQUIRED, "table");
	WIRE_WHY(c_.table = B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), FMT_E_FIELD, FMT_R_TOO_LONG,
		 "table");
	WIRE_WHY(c_.table = B("a\x01"), FMT_E_FIELD, FMT_R_TEXT, "table");
	WIRE_WHY(c_.period = B("2026-5"), FMT_E_FIELD, FMT_R_PERIOD, "period");
	WIRE_WHY(c_.period = B("2026-q1"), FMT_E_NONCANONICAL, FMT_R_PERIOD, "period");
	WIRE_WHY(c_.dept = B("975"), FMT_E_FIELD, FMT_R_UNKNOWN, "dept");
	WIRE_WHY(c_.dept = B("2a\0"), FMT_E_NONCANONICAL, FMT_R_CODE, "dept");
	WIRE_WHY((c_.ndims = 5, c_.ncodes = 0), FMT_E_FIELD, FMT_R_RANGE, "dims");
	WIRE_WHY((c_.ndims = c_.ncodes = 0), FMT_E_FIELD, FMT_R_RANGE, "dims");
	WIRE_WHY(c_.codes[1] = B("sex ual"), FMT_E_FIELD, FMT_R_CODE, "dims");
	WIRE_WHY(c_.codes[3] = B("fffffffffffffffffffffffffffffffff"), FMT_E_FIELD,
		 FMT_R_TOO_LONG, "dims");
	WIRE_WHY(c_.count = 100001, FMT_E_FIELD, FMT_R_RANGE, "count");
	WIRE_WHY(c_.ncodes = 3, FMT_E_RECORD, FMT_R_NONE, "");
}

/* Offset of the first département code in the encoding of sample_org(). */
static size_t org_depts_offset(void)
{
	return 2 + 30 + 2 + strlen(sample_org().u.org.name) + 1 + 1;
}

static void test_fields_on_wire(void)
{
	uint8_t buf[REC_ENCODED_MAX];
	char text[REC_NOTE_MAX + 2];
	struct wb w;
	size_t len, off;

	struct count_wire cw = count_wire();

	build_count(&w, &cw);
	ok(w.n == sizeof COUNT_VECTOR && memcmp(w.b, COUNT_VECTOR, w.n) == 0,
	   "the hand-made writer agrees with the vector");

	/* départements */
	WIRE_BAD(c_.dept = B("975"), FMT_E_FIELD, "field dept: unknown département code \"975\"");
	WIRE_BAD(c_.dept = B("20\0"), FMT_E_FIELD, "unknown département code \"20\"");
	WIRE_BAD(c_.dept = B("2a\0"), FMT_E_NONCANONICAL,
		 "field dept: code \"2a\" must be written in capitals");
	WIRE_BAD(c_.dept = B("2b\0"), FMT_E_NONCANONICAL, "field dept");
	WIRE_GOOD(c_.dept = B("2A\0"));
	WIRE_GOOD(c_.dept = B("976"));
	WIRE_BAD(c_.dept = B("7\0" "5"), FMT_E_FIELD, "field dept: malformed code \"7\\x005\"");
	WIRE_BAD(c_.dept = B("\0\0\0"), FMT_E_FIELD, "unknown département code \"\"");
	WIRE_BAD(c_.dept = B("75 "), FMT_E_FIELD, "unknown département code \"75 \"");
	WIRE_BAD(c_.dept = B("\x1b[H"), FMT_E_FIELD, "unknown département code \"\\x1b[H\"");

	/* lists of départements */
	len = encode(sample_org, buf);
	off = org_depts_offset();
	ok(memcmp(buf + off, "2A\0" "75\0" "971", 9) == 0, "org départements where expected");
	memcpy(buf + off, "75\0" "2A\0", 6);
	refused(buf, len, FMT_E_NONCANONICAL, "field dept: \"2A\" after \"75\"",
		"départements out of order");
	memcpy(buf + off, "75\0" "75\0", 6);
	refused(buf, len, FMT_E_NONCANONICAL, "field dept: \"75\" after \"75\"",
		"département repeated");
	len = encode(sample_org, buf);
	buf[off - 1] = 0;
	refused(buf, len, FMT_E_FIELD, "field dept: 0 départements", "no département");
	buf[off - 1] = 102;
	refused(buf, len, FMT_E_FIELD, "field dept: 102 départements", "102 départements");
	buf[off - 1] = 2;
	refused(buf, len, FMT_E_FIELD, "field email", "one département fewer than the data holds");

	/* periods */
	WIRE_BAD(c_.period = B("2026-q3"), FMT_E_NONCANONICAL,
		 "field period: \"2026-q3\" must be written \"2026-Q3\"");
	WIRE_BAD(c_.period = B("2026-5"), FMT_E_FIELD, "field period: \"2026-5\" is not a period");
	WIRE_BAD(c_.period = B("2026-Q3 "), FMT_E_FIELD, "field period: 8 bytes, more than 7");
	WIRE_BAD(c_.period = B("2026-Q\0"), FMT_E_FIELD, "field period: NUL byte");
	WIRE_BAD(c_.period = B(""), FMT_E_FIELD, "field period");
	WIRE_BAD(c_.period = B("2100"), FMT_E_FIELD, "field period");
	WIRE_GOOD(c_.period = B("2026"));
	WIRE_GOOD(c_.period = B("2026-05"));

	/* the table: a code, at most 32 bytes */
	WIRE_BAD(c_.table = B(""), FMT_E_FIELD, "field table: \"\" is not a code");
	WIRE_BAD(c_.table = B("vict ms"), FMT_E_FIELD, "field table: \"vict ms\" is not a code");
	WIRE_BAD(c_.table = B("vict/ms"), FMT_E_FIELD, "field table: \"vict/ms\" is not a code");
	WIRE_BAD(c_.table = B("-victims"), FMT_E_FIELD, "field table: \"-victims\" is not a code");
	WIRE_BAD(c_.table = B("victimes\xc3\xa9"), FMT_E_FIELD, "field table: \"victimes\xc3\xa9\"");
	WIRE_BAD(c_.table = B("vic\tms"), FMT_E_FIELD, "field table: \"vic\\x09ms\" is not a code");
	WIRE_BAD(c_.table = B("vict\x01ms"), FMT_E_FIELD, "field table: control character at byte 5");
	WIRE_BAD(c_.table = B("vict\nms"), FMT_E_FIELD, "field table: line break not allowed here");
	WIRE_BAD(c_.table = B("vict\0ms"), FMT_E_FIELD, "field table: NUL byte at byte 5");
	WIRE_BAD(c_.table = B("\xff"), FMT_E_FIELD, "field table: invalid UTF-8 at byte 1");
	WIRE_BAD(c_.table = B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), FMT_E_FIELD,
		 "field table: 33 bytes, more than 32");
	WIRE_GOOD(c_.table = B("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	WIRE_GOOD(c_.table = B("victims-origin"));
	WIRE_BAD(LIE(c_.table, 0xFFFF), FMT_E_FIELD, "field table: 65535 bytes, more than 32");
	WIRE_BAD(LIE(c_.table, 20), FMT_E_FIELD, NULL);
	WIRE_BAD(LIE(c_.table, 6), FMT_E_FIELD, NULL);

	/* the codes: 1 to 4, the count checked before a code is read */
	WIRE_BAD((c_.ndims = c_.ncodes = 0), FMT_E_FIELD, "field dims: 0 codes (must be 1 to 4)");
	WIRE_BAD((c_.ndims = 5, c_.ncodes = 5, c_.codes[4] = B("x")), FMT_E_FIELD,
		 "field dims: 5 codes (must be 1 to 4)");
	WIRE_BAD((c_.ndims = 5, c_.ncodes = 0, c_.count = 0x41414141), FMT_E_FIELD,
		 "field dims: 5 codes (must be 1 to 4)");
	WIRE_BAD((c_.ndims = 255, c_.ncodes = 0), FMT_E_FIELD, "field dims: 255 codes");
	WIRE_GOOD((c_.ndims = c_.ncodes = 1));
	WIRE_GOOD((c_.ndims = c_.ncodes = 2, c_.codes[1] = B("NG")));
	WIRE_GOOD(c_.codes[1] = B("Sexual"));
	WIRE_BAD(c_.ncodes = 3, FMT_E_RECORD, "record truncated in field dims");
	WIRE_BAD(c_.ndims = 3, FMT_E_RECORD, "bytes after the last field");
	WIRE_BAD(c_.codes[0] = B(""), FMT_E_FIELD, "field dims: \"\" is not a code");
	WIRE_BAD(c_.codes[2] = B("sex ual"), FMT_E_FIELD, "field dims: \"sex ual\" is not a code");
	WIRE_BAD(c_.codes[3] = B("a,b"), FMT_E_FIELD, "field dims: \"a,b\" is not a code");
	WIRE_BAD(c_.codes[3] = B("_adult"), FMT_E_FIELD, "field dims: \"_adult\"");
	WIRE_BAD(c_.codes[1] = B("sex\tual"), FMT_E_FIELD, "field dims: \"sex\\x09ual\"");
	WIRE_BAD(c_.codes[1] = B("sex\x1bual"), FMT_E_FIELD, "field dims: control character at byte 4");
	WIRE_BAD(c_.codes[1] = B("se\0ual"), FMT_E_FIELD, "field dims: NUL byte at byte 3");
	WIRE_BAD(c_.codes[0] = B("\xc3("), FMT_E_FIELD, "field dims: invalid UTF-8 at byte 1");
	WIRE_BAD(c_.codes[2] = B("fffffffffffffffffffffffffffffffff"), FMT_E_FIELD,
		 "field dims: 33 bytes, more than 32");
	WIRE_GOOD(c_.codes[2] = B("ffffffffffffffffffffffffffffffff"));
	WIRE_BAD(LIE(c_.codes[3], 0x8000), FMT_E_FIELD, "field dims: 32768 bytes, more than 32");
	WIRE_BAD(LIE(c_.codes[3], 30), FMT_E_RECORD, "record truncated in field dims");
	WIRE_BAD(LIE(c_.codes[3], 9), FMT_E_FIELD, "field dims: control character at byte 6");
	WIRE_BAD((LIE(c_.codes[3], 9), c_.count = 0x41414141), FMT_E_RECORD,
		 "record truncated in field count");
	WIRE_BAD(LIE(c_.codes[3], 4), FMT_E_RECORD, "1 byte after the last field");

	/* the count */
	WIRE_BAD(c_.count = 100001, FMT_E_FIELD, "field count: 100001 outside 0..100000");
	WIRE_BAD(c_.count = REC_NONE, FMT_E_FIELD, "field count: 4294967295 outside 0..100000");
	WIRE_GOOD(c_.count = 100000);
	WIRE_GOOD(c_.count = 0);

	build_action(&w, "93\0", 20260315, 20260314, 0x5, 40, "", 0, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field end: 2026-03-14 is before", "end before start");
	build_action(&w, "93\0", 20260229, 0, 0x5, 40, "", 0, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field start", "start 2026-02-29");
	build_action(&w, "93\0", 20280229, 0, 0x5, 40, "", 0, "", 0);
	accepted(w.b, w.n, "start 2028-02-29");
	build_action(&w, "93\0", 20260315, 0, 0x20, 40, "", 0, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field public", "public bit 5");
	build_action(&w, "93\0", 20260315, 0, 0x5, 1000001, "", 0, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field people", "people 1000001");
	build_action(&w, "93\0", 20260315, 0, 0x5, REC_NONE, "", 0, "", 0);
	accepted(w.b, w.n, "people not given");

	/* strings */
	build_action(&w, "93\0", 20260315, 0, 0x5, 40, "a\nb", 3, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field partners: line break not allowed here at byte 2",
		"partners with a line break");
	memset(text, 'n', sizeof text);
	build_note(&w, text, REC_NOTE_MAX + 1);
	refused(w.b, w.n, FMT_E_FIELD, "field note: 2001 bytes, more than 2000", "note 2001 bytes");
	build_note(&w, text, REC_NOTE_MAX);
	accepted(w.b, w.n, "note 2000 bytes");
	build_action(&w, "93\0", 20260315, 0, 0x5, 40, text, REC_TEXT_MAX + 1, "", 0);
	refused(w.b, w.n, FMT_E_FIELD, "field partners: 201 bytes, more than 200",
		"partners 201 bytes");

	/* A string whose declared length runs past the record. */
	build_note(&w, "abc", 3);
	w.b[w.n - 5] = 100;
	refused(w.b, w.n, FMT_E_RECORD, "record truncated in field note", "note longer than data");

	build_note(&w, "\xC0\x80", 2);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8 at byte 1", "overlong C0 80");
	build_note(&w, "ab\xE0\x80\x80", 5);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8 at byte 3", "overlong E0 80 80");
	build_note(&w, "\xF0\x80\x80\x80", 4);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "overlong F0 80 80 80");
	build_note(&w, "\xED\xA0\x80", 3);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "surrogate ED A0 80");
	build_note(&w, "\xED\xBF\xBF", 3);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "surrogate ED BF BF");
	build_note(&w, "\xF5\x80\x80\x80", 4);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "F5 lead byte");
	build_note(&w, "\xF4\x90\x80\x80", 4);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "above U+10FFFF");
	build_note(&w, "\xFF", 1);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "FF byte");
	build_note(&w, "x\x80", 2);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8 at byte 2", "lone continuation");
	build_note(&w, "\xC3(", 2);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8", "lead byte then ASCII");
	build_note(&w, "abc\xE2\x82", 5);
	refused(w.b, w.n, FMT_E_FIELD, "field note: invalid UTF-8 (sequence cut short) at byte 4",
		"multibyte cut at the end of the string");
	build_note(&w, "\xF0\x9F\x98", 3);
	refused(w.b, w.n, FMT_E_FIELD, "sequence cut short", "4-byte sequence cut");
	build_note(&w, "a\0b", 3);
	refused(w.b, w.n, FMT_E_FIELD, "field note: NUL byte at byte 2", "NUL inside a note");
	build_note(&w, "\x1b[31m", 5);
	refused(w.b, w.n, FMT_E_FIELD, "field note: control character at byte 1", "ESC");
	build_note(&w, "a\rb", 3);
	refused(w.b, w.n, FMT_E_FIELD, "field note: control character", "CR");
	build_note(&w, "\x7f", 1);
	refused(w.b, w.n, FMT_E_FIELD, "field note: control character", "DEL");
	build_note(&w, "é€😀\t\n\xF4\x8F\xBF\xBF", 15);
	accepted(w.b, w.n, "accents, euro, emoji, tab, newline, U+10FFFF");
	build_note(&w, "\xC2\x85", 2);
	accepted(w.b, w.n, "a C1 character is valid UTF-8 text (escaped when shown)");
}

/* ------------------------------------------------------------------ */
/* Dates, periods, text, ids                                           */

static void test_dates(void)
{
	static const char *const bad[] = {
		"2026-02-29", "2100-02-29", "1999-12-31", "2100-01-01", "2026-13-01", "2026-00-10",
		"2026-04-31", "2026-04-00", "2026-4-01", "2026-04-1", "2026-04-01 ", " 2026-04-01",
		"", "2026/04/01", "20260401", "2026-04-01T00:00", "abcd-ef-gh", "2026-0a-01",
		"+026-04-01",
	};
	fmt_error err;
	uint32_t d;
	char buf[11];
	size_t i;

	ok(date_parse("2028-02-29", &d, &err) == FMT_OK && d == 20280229, "2028-02-29 (leap)");
	ok(date_parse("2000-02-29", &d, &err) == FMT_OK && d == 20000229, "2000-02-29 (÷400)");
	ok(date_parse("2000-01-01", &d, &err) == FMT_OK && d == 20000101, "first day");
	ok(date_parse("2099-12-31", &d, &err) == FMT_OK && d == 20991231, "last day");
	ok(date_parse("2026-01-31", &d, &err) == FMT_OK && d == 20260131, "31 January");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		d = 1;
		ok(date_parse(bad[i], &d, &err) == FMT_E_FIELD && d == 0, "date \"%s\" refused",
		   bad[i]);
	}
	date_parse("2026-02-29", &d, &err);
	is_str(err.detail, "\"2026-02-29\" is not a day of the calendar", "leap detail");
	date_parse("26-02-28", &d, &err);
	is_str(err.detail, "\"26-02-28\" is not a date written YYYY-MM-DD", "form detail");
	date_parse("1999-12-31", &d, &err);
	is_str(err.detail, "\"1999-12-31\": the year must be between 2000 and 2099", "year detail");
	ok(date_parse(NULL, &d, NULL) == FMT_E_FIELD, "NULL date");

	ok(date_valid(20280229) && !date_valid(20260229) && !date_valid(21000229) &&
	   date_valid(20240229) && !date_valid(0) && !date_valid(20261301) &&
	   !date_valid(20260100) && date_valid(20260430) && !date_valid(20260431) &&
	   !date_valid(19991231) && !date_valid(0xFFFFFFFFu), "date_valid");
	date_format(20260315, buf);
	is_str(buf, "2026-03-15", "date_format");
	date_format(20000101, buf);
	is_str(buf, "2000-01-01", "date_format start of range");
}

static void test_periods(void)
{
	static const char *const bad[] = {
		"2026-5", "2026-Q0", "2026-Q5", "2026-q", "2026-13", "2026-00", "1999", "2100",
		"26", "", "2026-", "2026-Q12", "2026-012", "2026 ", "2026-S1", "2026-H1",
		"2026Q3", "2026-1Q", "Q3-2026",
	};
	char out[REC_PERIOD_MAX + 1];
	fmt_error err;
	size_t i;

	ok(period_parse("2026", out, &err) == FMT_OK && strcmp(out, "2026") == 0, "year");
	ok(period_parse("2026-Q3", out, &err) == FMT_OK && strcmp(out, "2026-Q3") == 0, "quarter");
	ok(period_parse("2026-q3", out, &err) == FMT_OK && strcmp(out, "2026-Q3") == 0,
	   "2026-q3 normalised to 2026-Q3");
	ok(period_parse("2026-05", out, &err) == FMT_OK && strcmp(out, "2026-05") == 0, "month");
	ok(period_parse("2000-12", out, &err) == FMT_OK, "2000-12");
	ok(period_parse("2099-Q4", out, &err) == FMT_OK, "2099-Q4");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		strcpy(out, "x");
		ok(period_parse(bad[i], out, &err) == FMT_E_FIELD && out[0] == 0,
		   "period \"%s\" refused", bad[i]);
	}
	period_parse("2026-5", out, &err);
	ok(strstr(err.detail, "\"2026-5\" is not a period") != NULL, "detail: %s", err.detail);

	ok(period_valid("2026") && period_valid("2026-Q1") && period_valid("2026-01") &&
	   !period_valid("2026-q1") && !period_valid("2026-1") && !period_valid(NULL) &&
	   !period_valid(""), "period_valid accepts only canonical forms");
	/* period_valid() is period_parse()'s canonical output, checked directly. */
	{
		static const char *const probe[] = {
			"2026", "2026-Q1", "2026-Q4", "2026-01", "2026-12", "2000", "2099-Q4",
			"1999", "2100", "2026-13", "2026-00", "2026-Q0", "2026-Q5", "2026-q3",
			"2026/01", "20261", "2026-Q1x", "2026-1", "202a", " 2026", "2026-",
			"2026-Q", "2026-1a", "mars 2026",
		};
		int same = 1;

		for (i = 0; i < sizeof probe / sizeof probe[0]; i++) {
			int canon = period_parse(probe[i], out, &err) == FMT_OK &&
				    strcmp(out, probe[i]) == 0;

			if (canon != period_valid(probe[i])) {
				diag("period_valid(\"%s\") disagrees with period_parse", probe[i]);
				same = 0;
			}
		}
		ok(same, "period_valid agrees with period_parse's canonical forms");
	}
	is_int(period_year("2026-Q2"), 2026, "period_year");
	is_int(period_year("2026-q2"), -1, "period_year of a non-canonical period");
	is_int(period_granularity("2026"), 0, "year granularity");
	is_int(period_granularity("2026-Q2"), 1, "quarter granularity");
	is_int(period_granularity("2026-05"), 2, "month granularity");
	is_int(period_granularity("x"), -1, "no granularity");

	is_int(period_within("2026-05", "2026-Q2"), 1, "May in Q2");
	is_int(period_within("2026-04", "2026-Q2"), 1, "April in Q2");
	is_int(period_within("2026-06", "2026-Q2"), 1, "June in Q2");
	is_int(period_within("2026-07", "2026-Q2"), 0, "July not in Q2");
	is_int(period_within("2026-03", "2026-Q2"), 0, "March not in Q2");
	is_int(period_within("2026-12", "2026-Q4"), 1, "December in Q4");
	is_int(period_within("2026-01", "2026-Q1"), 1, "January in Q1");
	is_int(period_within("2026-Q2", "2026"), 1, "Q2 in the year");
	is_int(period_within("2026-05", "2026"), 1, "May in the year");
	is_int(period_within("2026", "2026"), 1, "year in itself");
	is_int(period_within("2026-Q2", "2026-Q2"), 1, "quarter in itself");
	is_int(period_within("2026-05", "2026-05"), 1, "month in itself");
	is_int(period_within("2026", "2026-Q2"), 0, "year not in a quarter");
	is_int(period_within("2026-Q2", "2026-05"), 0, "quarter not in a month");
	is_int(period_within("2026-05", "2026-06"), 0, "other month");
	is_int(period_within("2026-Q1", "2026-Q2"), 0, "other quarter");
	is_int(period_within("2025-05", "2026"), 0, "other year");
	is_int(period_within("2025-Q2", "2026-Q2"), 0, "same quarter, other year");
	is_int(period_within("2026-q2", "2026"), 0, "non-canonical period");
}

static void test_text(void)
{
	ok(text_valid("", 0, 0), "empty text");
	ok(text_valid(NULL, 0, 0), "NULL, empty");
	ok(text_valid("Hébergement", strlen("Hébergement"), 0), "accents");
	ok(text_valid("a\tb", 3, 0), "tab allowed");
	ok(!text_valid("a\nb", 3, 0) && text_valid("a\nb", 3, 1), "newline only when allowed");
	ok(!text_valid("a\rb", 3, 1), "CR refused");
	ok(!text_valid("a\0b", 3, 1), "NUL refused");
	ok(!text_valid("\x01", 1, 1) && !text_valid("\x1f", 1, 1) && !text_valid("\x7f", 1, 1),
	   "C0 and DEL refused");
	ok(!text_valid("\xC1\xBF", 2, 0), "overlong C1 BF refused");
	ok(text_valid("\xC2\x80", 2, 0), "U+0080 is valid UTF-8");
	ok(text_valid("\xE0\xA0\x80", 3, 0) && !text_valid("\xE0\x9F\xBF", 3, 0),
	   "E0 boundary (U+0800)");
	ok(text_valid("\xED\x9F\xBF", 3, 0) && !text_valid("\xED\xA0\x80", 3, 0),
	   "surrogate boundary (U+D7FF ok, U+D800 refused)");
	ok(text_valid("\xEE\x80\x80", 3, 0), "U+E000");
	ok(text_valid("\xF0\x90\x80\x80", 4, 0) && !text_valid("\xF0\x8F\xBF\xBF", 4, 0),
	   "F0 boundary (U+10000)");
	ok(text_valid("\xF4\x8F\xBF\xBF", 4, 0) && !text_valid("\xF4\x90\x80\x80", 4, 0),
	   "U+10FFFF ok, U+110000 refused");
	ok(!text_valid("\xE2\x82", 2, 0), "truncated sequence refused");
	ok(!text_valid("\xE2\x82\xAC", 2, 0), "length cuts a sequence: refused");
	ok(text_valid("ab\n", 2, 0), "only len bytes looked at");
}

/* code_valid(): 1 to 32 ASCII letters, digits, '-' and '_', the first a
 * letter or a digit; exactly those, whatever byte comes. */
static void test_code_valid(void)
{
	char s[40];
	int first_ok = 1, next_ok = 1;

	ok(code_valid("victims", 7) && code_valid("a", 1) && code_valid("9", 1) &&
	   code_valid("NG", 2) && code_valid("A-b_9", 5) && code_valid("a-", 2) &&
	   code_valid("a__--b", 6), "codes");
	ok(!code_valid("", 0) && !code_valid(NULL, 0) && !code_valid(NULL, 3), "empty or NULL");
	ok(!code_valid("-a", 2) && !code_valid("_a", 2), "'-' or '_' first");
	ok(!code_valid("a b", 3) && !code_valid("a\tb", 3) && !code_valid("a.b", 3) &&
	   !code_valid("a|b", 3) && !code_valid("a,b", 3) && !code_valid("a/b", 3) &&
	   !code_valid("a:b", 3), "blank, tab, dot, bar, comma, slash, colon");
	ok(!code_valid("\xc3\xa9", 2) && !code_valid("a\xc3\xa9", 3), "a letter with an accent");
	ok(!code_valid("a\0b", 3), "a NUL inside");
	ok(code_valid("ab cd", 2), "only len bytes looked at");
	memset(s, 'x', sizeof s);
	ok(code_valid(s, REC_CODE_MAX) && !code_valid(s, REC_CODE_MAX + 1), "32 bytes, not 33");
	for (int c = 0; c < 256; c++) {
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');

		s[0] = (char)c;
		s[1] = 'x';
		if (code_valid(s, 2) != alnum)
			first_ok = 0;
		s[0] = 'x';
		s[1] = (char)c;
		if (code_valid(s, 2) != (alnum || c == '-' || c == '_'))
			next_ok = 0;
	}
	ok(first_ok, "first byte: a letter or a digit, nothing else of the 256");
	ok(next_ok, "next bytes: also '-' and '_', nothing else of the 256");
}

/* The creation time an id made by record_new_id() carries, in ms. */
static uint64_t id_time_ms(const uint8_t id[16])
{
	uint64_t ms = 0;

	for (int i = 0; i < REC_ID_TIME_BYTES; i++)
		ms = ms << 8 | id[REC_ID_PREFIX_BYTES + i];
	return ms;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* record_new_id(): the 4-byte prefix, 6 bytes of creation time in ms,
 * big-endian, then 6 random bytes. */
static void test_id_layout(void)
{
	enum { N = 64, TAIL = REC_ID_PREFIX_BYTES + REC_ID_TIME_BYTES };
	static const uint8_t prefix[REC_ID_PREFIX_BYTES] = { 0x9b, 0x8d, 0x79, 0x19 };
	static uint8_t ids[N][16];
	uint64_t before, after, t0, t1;
	int ordered = 1, tails_differ = 1, prefixed = 1, i, j;
	record r;

	before = now_ms();
	for (i = 0; i < N; i++) {
		record_new_id(&r, prefix);
		memcpy(ids[i], r.id, 16);
	}
	after = now_ms();
	for (i = 0; i < N; i++)
		if (memcmp(ids[i], prefix, REC_ID_PREFIX_BYTES) != 0)
			prefixed = 0;
	ok(prefixed, "every id starts with the prefix");
	t0 = id_time_ms(ids[0]);
	t1 = id_time_ms(ids[N - 1]);
	/* Within a minute of the clock: a time in seconds, little-endian, or
	 * random would be far off. */
	ok(t0 + 60000 >= before && t0 <= after + 60000, "then the time in ms");
	ok(t1 + 60000 >= after && t1 <= after + 60000, "last id's time too");
	for (i = 1; i < N; i++) {
		/* Bytewise, as the B-trees keyed by id compare them. */
		if (memcmp(ids[i], ids[i - 1], TAIL) < 0)
			ordered = 0;
	}
	ok(ordered, "successive ids of one prefix sort in the order they were made");
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			if (!memcmp(ids[i] + TAIL, ids[j] + TAIL, REC_ID_RANDOM_BYTES))
				tails_differ = 0;
	ok(tails_differ, "random tails of successive ids differ");
	ok(!all_zero(ids[0] + TAIL, REC_ID_RANDOM_BYTES) &&
	   !all_zero(ids[1] + TAIL, REC_ID_RANDOM_BYTES), "tails not zero");
}

/* record_id_prefix(): the first 4 bytes of a key id, or zeros. */
static void test_id_prefix(void)
{
	uint8_t p[REC_ID_PREFIX_BYTES];

	ok(record_id_prefix("9b8d791901ec18c7", p) == FMT_OK &&
	   p[0] == 0x9b && p[1] == 0x8d && p[2] == 0x79 && p[3] == 0x19, "prefix of a key id");
	ok(record_id_prefix("9B8D7919", p) == FMT_OK && p[0] == 0x9b && p[3] == 0x19,
	   "upper case, and only the first 8 digits are read");
	memset(p, 0xff, sizeof p);
	ok(record_id_prefix("9b8d791", p) == FMT_E_FIELD && all_zero(p, sizeof p),
	   "7 digits: refused, zeros");
	memset(p, 0xff, sizeof p);
	ok(record_id_prefix("9b8dx919", p) == FMT_E_FIELD && all_zero(p, sizeof p),
	   "non-hex digit: refused, zeros");
	ok(record_id_prefix("", p) == FMT_E_FIELD && record_id_prefix(NULL, p) == FMT_E_FIELD,
	   "empty or absent: refused");
}

static void test_ids(void)
{
	uint8_t id[16], back[16], a[16], b[16];
	char hex[33];
	record r;
	int i;

	for (i = 0; i < 16; i++)
		id[i] = (uint8_t)(i * 17 + 3);
	id_format(id, hex);
	is_str(hex, "031425364758697a8b9cadbecfe0f102", "id_format");
	ok(id_parse(hex, back) == FMT_OK && memcmp(id, back, 16) == 0, "id_parse round trip");
	ok(id_parse("031425364758697A8B9CADBECFE0F102", back) == FMT_OK &&
	   memcmp(id, back, 16) == 0, "upper-case accepted");
	ok(id_parse("031425364758697a8b9cadbecfe0f10", back) == FMT_E_FIELD, "31 digits");
	ok(id_parse("031425364758697a8b9cadbecfe0f1022", back) == FMT_E_FIELD, "33 digits");
	ok(id_parse("031425364758697a8b9cadbecfe0f10g", back) == FMT_E_FIELD && all_zero(back, 16),
	   "non-hex refused, id zeroed");
	ok(id_parse("", back) == FMT_E_FIELD && id_parse(NULL, back) == FMT_E_FIELD, "empty");

	memset(id, 0, sizeof id);
	record_new_id(&r, id);
	memcpy(a, r.id, 16);
	record_new_id(&r, id);
	memcpy(b, r.id, 16);
	ok(memcmp(a, b, 16) != 0 && !all_zero(a, 16), "record_new_id gives random ids");
	test_id_layout();
	test_id_prefix();
}

/* Whether a and b have the same natural key (model.h: FF_KEY fields). */
static int same_key(const record *a, const record *b)
{
	char ka[NATKEY_CAP], kb[NATKEY_CAP];

	record_natkey(a, ka);
	record_natkey(b, kb);
	return ka[0] && strcmp(ka, kb) == 0;
}

static void test_count_key(void)
{
	record a = sample_count(), b = sample_count();
	char key[NATKEY_CAP];

	b.u.count.count = 99;
	b.version = 7;
	b.recorded_at++;
	b.id[0] ^= 1;
	ok(same_key(&a, &b), "count, version, time and id not in key");
	b = a;
	strcpy(b.u.count.table, "victims-origin");
	ok(!same_key(&a, &b), "table in key");
	b = a;
	strcpy(b.u.count.period, "2026-Q2");
	ok(!same_key(&a, &b), "period in key");
	b = a;
	b.u.count.dept++;
	ok(!same_key(&a, &b), "dept in key");
	b = a;
	strcpy(b.u.count.dims[0], "spotted");
	ok(!same_key(&a, &b), "first code (status) in key");
	b = a;
	strcpy(b.u.count.dims[1], "labour");
	ok(!same_key(&a, &b), "second code (exploitation) in key");
	b = a;
	strcpy(b.u.count.dims[2], "m");
	ok(!same_key(&a, &b), "third code (sex) in key");
	b = a;
	strcpy(b.u.count.dims[3], "minor");
	ok(!same_key(&a, &b), "fourth code (age) in key");
	b = a;
	strcpy(b.u.count.dims[3], "Adult");
	ok(!same_key(&a, &b), "codes are case-sensitive in the key");
	b = a;
	b.u.count.ndims = 3;
	b.u.count.dims[3][0] = '\0';
	ok(!same_key(&a, &b), "one code fewer: another key");
	record_natkey(&a, key);
	is_str(key, "victims|2026-Q1|93|supported|sexual|f|adult", "natural key in codes");
	a = sample_action();
	record_natkey(&a, key);
	is_str(key, "", "an action has no natural key");
}

int main(void)
{
	fmt_error err;

	if (format_init(&err) != FMT_OK) {
		printf("Bail out! format_init: %s\n", fmt_error_message(&err));
		return 1;
	}
	test_round_trips();
	test_encode_errors();
	test_digest();
	test_validate();
	test_structure();
	test_fields_on_wire();
	test_reasons();
	test_dates();
	test_periods();
	test_text();
	test_code_valid();
	test_ids();
	test_count_key();
	return done_testing();
}
