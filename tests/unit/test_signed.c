/*
 * test_signed.c - kit, request and receipt: round trips, and every
 * refusal: truncation at every length, every header byte changed, every
 * signature and body byte flipped, trailing bytes, wrong type, bodies
 * that are validly signed but do not parse, wrong signer.  The kit
 * carries the questionnaire: its length and bytes are checked like the
 * rest, and the coordination's name refuses every control character.
 */
#include "../tools/samplegen.h"
#include "tap.h"

static identity *coord, *collector, *other;

/* Readers with one shape, for the loops. */
typedef int (*reader_fn)(const uint8_t *d, size_t n, fmt_error *e);

static int read_kit(const uint8_t *d, size_t n, fmt_error *e)
{
	kit k;
	int rc = kit_read(d, n, &k, e);
	static const kit zero;

	if (rc != FMT_OK && memcmp(&k, &zero, sizeof k) != 0)
		return -1;      /* a failed read must leave *k zeroed */
	if (rc == FMT_OK && (!k.qn || k.qn->edition < 1))
		rc = -1;        /* a kit read carries a published edition */
	kit_free(&k);
	return rc;
}

static int read_request(const uint8_t *d, size_t n, fmt_error *e)
{
	static request q, zero;
	int rc = request_read(d, n, &q, e);

	if (rc != FMT_OK && memcmp(&q, &zero, sizeof q) != 0)
		return -1;
	return rc;
}

static int read_receipt(const uint8_t *d, size_t n, fmt_error *e)
{
	receipt r;
	int rc = receipt_read(d, n, coord->pub.sign_pk, &r, e);

	if (rc != FMT_OK && (r.entries != NULL || r.count != 0))
		rc = -1;
	receipt_free(&r);
	return rc;
}

/* The refusals every signed file shares. */
static void refusals(const char *what, const uint8_t *good, size_t len, reader_fn rd)
{
	uint8_t *b = malloc(len + 2);
	size_t n, i;
	fmt_error e;
	int rc, all, bit, want;

	is_int(rd(good, len, &e), FMT_OK, "%s: the good file reads", what);

	all = 1;
	for (n = 0; n < len; n++) {
		rc = rd(good, n, &e);
		if (rc != FMT_E_TRUNCATED) {
			all = 0;
			diag("%s cut to %zu bytes: got %d (%s)", what, n, rc,
			     fmt_error_message(&e));
		}
	}
	ok(all, "%s: truncated at every length 0..%zu: FMT_E_TRUNCATED", what, len - 1);

	memcpy(b, good, len);
	b[len] = '\n';
	is_int(rd(b, len + 1, &e), FMT_E_TRAILING, "%s: one byte appended", what);

	/* Every bit of the header and of the length field. */
	all = 1;
	for (i = 0; i < 12; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, good, len);
			b[i] ^= (uint8_t)(1 << bit);
			want = i < 5 ? FMT_E_MAGIC : i == 5 ? FMT_E_VERSION : i == 6 ? FMT_E_SUITE
				: i == 7 ? FMT_E_RESERVED : -2;
			rc = rd(b, len, &e);
			if (want == -2)   /* length field: shorter or longer than the file */
				want = get_u32(b + 8) > len - 76 ? FMT_E_TRUNCATED : FMT_E_TRAILING;
			if (rc != want) {
				all = 0;
				diag("%s header byte %zu bit %d: got %d want %d (%s)", what, i, bit,
				     rc, want, fmt_error_message(&e));
			}
		}
	}
	ok(all, "%s: every bit of the header and length refused with its code", what);

	/* Every bit of the body and of the signature. */
	all = 1;
	for (i = 12; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(b, good, len);
			b[i] ^= (uint8_t)(1 << bit);
			rc = rd(b, len, &e);
			/* The receipt's first 32 body bytes name the signer: a
			 * change there is a wrong signer, found before the
			 * signature. */
			want = rd == read_receipt && i < 12 + 32 ? FMT_E_WRONG_SIGNER
								 : FMT_E_SIGNATURE;
			if (rc != want) {
				all = 0;
				diag("%s byte %zu bit %d: got %d (%s)", what, i, bit, rc,
				     fmt_error_message(&e));
			}
		}
	}
	ok(all, "%s: every bit of the body and signature refused", what);
	free(b);
}

/* A kit's body put together by hand: the fixed part of good (its keys,
 * reference data version and time), then name[0..nlen), then u32 qlen
 * and q[0..qn): validly signed by coord, so that only what is wrong in
 * the parts is refused.  *len receives the file's length. */
static uint8_t *kit_made(const uint8_t *good, const char *name, size_t nlen, uint32_t qlen,
			 const uint8_t *q, size_t qn, size_t *len)
{
	uint8_t *body = malloc(78 + nlen + 4 + qn + 1), *p;

	memcpy(body, good + 12, 76);
	put_u16(body + 76, (uint16_t)nlen);
	memcpy(body + 78, name, nlen);
	put_u32(body + 78 + nlen, qlen);
	if (qn)
		memcpy(body + 78 + nlen + 4, q, qn);
	p = sg_signed('K', body, 78 + nlen + 4 + qn, coord->sign_sk, len);
	free(body);
	return p;
}

/* kit_read() of a kit made by kit_made() must fail with code (and, when
 * part is not NULL, a detail containing it). */
static void kit_refused(const uint8_t *good, const char *name, size_t nlen, uint32_t qlen,
			const uint8_t *q, size_t qn, int code, const char *part, const char *what)
{
	size_t n;
	uint8_t *p = kit_made(good, name, nlen, qlen, q, qn, &n);
	fmt_error e;
	int rc;

	memset(&e, 0, sizeof e);
	rc = read_kit(p, n, &e);
	if (!ok(rc == code && (!part || strstr(e.detail, part)), "kit refused: %s", what))
		diag("got %d (want %d): %s", rc, code, e.detail);
	free(p);
}

static void test_kit(void)
{
	kit k, back;
	questionnaire *qn = sg_questionnaire(), *qn0;
	uint8_t *b = NULL, body[400], *p, *q = NULL, *q2 = NULL, *qx;
	size_t len, n, qlen = 0, q2len = 0;
	const char *name = "Coordination nationale \xe2\x80\x94 test";
	fmt_error e;

	memset(&k, 0, sizeof k);
	k.coord = coord->pub;
	k.refdata_version = REFDATA_VERSION;
	k.created = 1782864000;
	strcpy(k.name, name);
	k.qn = qn;
	is_int(qn_encode(qn, &q, &qlen, &e), FMT_OK, "the sample questionnaire encodes");
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_OK, "kit_write");
	is_int(len, 12 + 78 + strlen(k.name) + 4 + qlen + 64,
	       "kit size: 12 + 78 + name + 4 + questionnaire + 64");
	ok(memcmp(b, "MLLGK\x02\x01\x00", 8) == 0, "kit header: MLLG K, version 2, suite 1");
	is_int(get_u32(b + 8), 78 + strlen(k.name) + 4 + qlen, "body length field");
	ok(memcmp(b + 12, coord->pub.sign_pk, 32) == 0 &&
	   memcmp(b + 44, coord->pub.box_pk, 32) == 0, "body starts with both public keys");
	is_int(get_u32(b + 12 + 78 + strlen(k.name)), qlen, "the questionnaire's length after the name");
	ok(memcmp(b + 12 + 78 + strlen(k.name) + 4, q, qlen) == 0,
	   "then its canonical encoding (qn_encode)");
	is_int(kit_read(b, len, &back, &e), FMT_OK, "kit_read");
	ok(memcmp(&back.coord, &k.coord, sizeof k.coord) == 0 &&
	   back.refdata_version == k.refdata_version && back.created == k.created &&
	   strcmp(back.name, k.name) == 0, "kit round trip: keys, versions, time, name");
	ok(back.qn && back.qn != qn && back.qn->edition == 1 &&
	   back.qn->published == SG_T_KIT && back.qn->ntables == 2 && back.qn->nlists == 5 &&
	   strcmp(back.qn->tables[1].code, "victims-origin") == 0,
	   "kit round trip: the questionnaire, edition 1, its tables and lists");
	ok(back.qn && qn_encode(back.qn, &q2, &q2len, &e) == FMT_OK && q2len == qlen &&
	   memcmp(q, q2, qlen) == 0, "the questionnaire read back encodes to the same bytes");
	free(q2);
	kit_free(&back);
	ok(back.qn == NULL && back.name[0] == 0, "kit_free releases and zeroes");
	kit_free(&back);
	kit_free(NULL);
	ok(1, "kit_free twice, and of NULL");
	refusals("kit", b, len, read_kit);

	is_int(read_request(b, len, &e), FMT_E_MAGIC, "a kit given as a request");
	ok(strstr(e.detail, "this is a kit, not an enrollment request") != NULL, "%s", e.detail);
	is_int(read_receipt(b, len, &e), FMT_E_MAGIC, "a kit given as a receipt");
	ok(strstr(e.detail, "this is a kit, not a receipt") != NULL, "%s", e.detail);
	is_int(read_kit((const uint8_t *)"hello world, this is text", 25, &e), FMT_E_MAGIC,
	       "a text file is not a kit");
	is_str(e.detail, "not a Maillage kit", "message for a text file");
	p = calloc(1, KIT_MAX_BYTES + 1);
	memcpy(p, b, len);
	is_int(read_kit(p, KIT_MAX_BYTES + 1, &e), FMT_E_TOO_BIG, "kit over its size cap");
	free(p);

	/* The version of the format before the questionnaire. */
	memcpy(body, b + 12, 78 + strlen(name));
	p = sg_signed('K', body, 78 + strlen(name), coord->sign_sk, &n);
	p[5] = 1;
	is_int(read_kit(p, n, &e), FMT_E_VERSION, "a kit of format version 1");
	is_str(e.detail, "kit of format version 1; this program reads version 2",
	       "it says which version it is and which this program reads");
	free(p);

	/* Validly signed, wrong inside: the name. */
	kit_refused(b, "", 0, (uint32_t)qlen, q, qlen, FMT_E_LENGTH, "kit name is 0 bytes",
		    "an empty name");
	memcpy(body, b + 12, 78);
	put_u16(body + 76, 5);
	memcpy(body + 78, "abcd", 4);
	p = sg_signed('K', body, 82, coord->sign_sk, &n);
	is_int(read_kit(p, n, &e), FMT_E_LENGTH, "signed kit whose name runs past its end");
	free(p);
	kit_refused(b, "a\nbc", 4, (uint32_t)qlen, q, qlen, FMT_E_FIELD,
		    "not valid UTF-8 text on one line", "a name with a line break");
	kit_refused(b, "Co\xc3(x", 5, (uint32_t)qlen, q, qlen, FMT_E_FIELD, "not valid UTF-8",
		    "a name that is not UTF-8");
	kit_refused(b, "Coordination\tnationale", 22, (uint32_t)qlen, q, qlen, FMT_E_FIELD,
		    "kit name holds a control character at byte 13", "a name with a TAB");
	kit_refused(b, "Coordination\xc2\x85nationale", 23, (uint32_t)qlen, q, qlen,
		    FMT_E_FIELD, "control character at byte 13", "a name with U+0085 NEXT LINE");
	kit_refused(b, "\xc2\x80", 2, (uint32_t)qlen, q, qlen, FMT_E_FIELD,
		    "control character at byte 1", "a name that is U+0080");
	kit_refused(b, "x\xc2\x9f", 3, (uint32_t)qlen, q, qlen, FMT_E_FIELD,
		    "control character at byte 2", "a name ending in U+009F");
	{
		uint8_t *g = kit_made(b, "Coordination\xc2\xa0nationale \xc3\xa9", 26,
				      (uint32_t)qlen, q, qlen, &n);

		is_int(read_kit(g, n, &e), FMT_OK, "U+00A0 and \xc3\xa9 in a name: accepted");
		free(g);
		g = kit_made(b, name, strlen(name), (uint32_t)qlen, q, qlen, &n);
		ok(n == len && memcmp(g, b, len) == 0, "kit_made() of the good parts: the good kit");
		free(g);
	}
	memset(&e, 0, sizeof e);
	{
		uint8_t *g = kit_made(b, "a\tb", 3, (uint32_t)qlen, q, qlen, &n);

		read_kit(g, n, &e);
		/* the file's content, not a field someone typed: no field */
		ok(e.reason == FMT_R_TEXT && e.field[0] == '\0',
		   "a name refused: reason FMT_R_TEXT, no field");
		free(g);
	}

	/* Validly signed, wrong inside: the questionnaire's length. */
	p = sg_signed('K', body, 60, coord->sign_sk, &n);
	is_int(read_kit(p, n, &e), FMT_E_LENGTH, "signed kit with a body shorter than 78");
	free(p);
	memcpy(body, b + 12, 78 + strlen(name));
	p = sg_signed('K', body, 78 + strlen(name), coord->sign_sk, &n);
	is_int(read_kit(p, n, &e), FMT_E_LENGTH, "a kit that ends after its name");
	is_str(e.detail, "kit ends before its questionnaire", "detail");
	free(p);
	body[78 + strlen(name)] = 0;
	p = sg_signed('K', body, 78 + strlen(name) + 3, coord->sign_sk, &n);
	is_int(read_kit(p, n, &e), FMT_E_LENGTH, "3 bytes of the questionnaire's length");
	free(p);
	kit_refused(b, name, strlen(name), (uint32_t)qlen + 1, q, qlen, FMT_E_LENGTH,
		    "runs past the end of the kit", "a length one byte over");
	kit_refused(b, name, strlen(name), 0xFFFFFFFFu, q, qlen, FMT_E_LENGTH,
		    "length 4294967295 runs past", "a length of 4 GiB");
	kit_refused(b, name, strlen(name), (uint32_t)qlen - 1, q, qlen, FMT_E_TRAILING,
		    "1 unexpected byte after its questionnaire", "a length one byte short");
	kit_refused(b, name, strlen(name), 0, q, qlen, FMT_E_TRAILING, NULL, "a length of 0");

	/* Validly signed, wrong inside: the questionnaire's bytes. */
	kit_refused(b, name, strlen(name), 0, q, 0, FMT_E_TRUNCATED, "questionnaire truncated",
		    "no questionnaire at all");
	kit_refused(b, name, strlen(name), (uint32_t)qlen - 1, q, qlen - 1, FMT_E_TRUNCATED,
		    "questionnaire truncated", "its last byte cut (length agreeing)");
	kit_refused(b, name, strlen(name), 20, q, 20, FMT_E_TRUNCATED, NULL,
		    "its first 20 bytes only");
	qx = malloc(qlen + 1);
	memcpy(qx, q, qlen);
	qx[qlen] = 0;
	kit_refused(b, name, strlen(name), (uint32_t)qlen + 1, qx, qlen + 1, FMT_E_TRAILING,
		    "1 byte after the end of the questionnaire", "a byte after it (length agreeing)");
	put_u16(qx + qlen - 2, 9);
	kit_refused(b, name, strlen(name), (uint32_t)qlen, qx, qlen, FMT_E_FIELD,
		    "list 10 is not there (5 lists)", "a table naming a list that is not there");
	memcpy(qx, q, qlen);
	qx[qlen - 1] = 0;
	qx[qlen - 2] = 0;
	kit_refused(b, name, strlen(name), (uint32_t)qlen, qx, qlen, FMT_E_FIELD, NULL,
		    "a table whose two dimensions are the same list");
	memcpy(qx, q, qlen);
	put_u32(qx, 0);
	kit_refused(b, name, strlen(name), (uint32_t)qlen, qx, qlen, FMT_E_FIELD,
		    "edition 0 published at", "an edition 0 with a publication time");
	put_i64(qx + 4, 0);
	kit_refused(b, name, strlen(name), (uint32_t)qlen, qx, qlen, FMT_E_FIELD,
		    "kit questionnaire has no edition number", "an edition 0, unpublished");
	memcpy(qx, q, qlen);
	qx[12] = 3;     /* lists: 3, fewer than the built-in ones */
	kit_refused(b, name, strlen(name), (uint32_t)qlen, qx, qlen, FMT_E_LENGTH, NULL,
		    "three lists");
	free(qx);
	p = sg_signed('K', b + 12, len - 76, other->sign_sk, &n);
	is_int(read_kit(p, n, &e), FMT_E_SIGNATURE,
	       "kit signed by a key other than the one inside");
	free(p);
	free(b);

	/* Writer refusals. */
	k.coord = other->pub;
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_WRONG_SIGNER,
	       "kit_write with keys other than the signer's");
	ok(b == NULL && len == 0, "nothing written");
	k.coord = coord->pub;
	k.name[0] = '\0';
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_LENGTH, "kit_write with an empty name");
	strcpy(k.name, "bad \xc3 utf8");
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD, "kit_write with invalid UTF-8");
	strcpy(k.name, "Coordination\tnationale");
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD, "kit_write with a TAB in the name");
	strcpy(k.name, "Coordination\xc2\x85nationale");
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD, "kit_write with U+0085 in the name");
	ok(b == NULL, "nothing written");
	strcpy(k.name, name);
	k.qn = NULL;
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD, "kit_write without questionnaire");
	ok(b == NULL && strstr(e.detail, "published questionnaire"), "%s", e.detail);
	qn->edition = 0;
	k.qn = qn;
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD,
	       "kit_write with an unpublished questionnaire (edition 0)");
	ok(b == NULL, "nothing written");
	qn->edition = 1;
	qn0 = sg_questionnaire();
	qn0->tables[0].dims[1] = 17;
	k.qn = qn0;
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_E_FIELD,
	       "kit_write with a questionnaire that breaks a rule");
	ok(b == NULL && strstr(e.detail, "list 18 is not there"), "%s", e.detail);
	qn0->tables[0].dims[1] = 1;
	qn_free(qn0);
	k.qn = qn;
	memset(k.name, 'a', REC_NAME_MAX);
	k.name[REC_NAME_MAX] = '\0';
	is_int(kit_write(coord, &k, &b, &len, &e), FMT_OK, "a name of 200 bytes is accepted");
	ok(kit_read(b, len, &back, &e) == FMT_OK && strlen(back.name) == REC_NAME_MAX,
	   "and reads back");
	kit_free(&back);
	free(b);
	free(q);
	qn_free(qn);
}

static void test_request(void)
{
	request q, *back = calloc(1, sizeof *back);
	record act;
	uint8_t *b = NULL, body[200 + REC_ENCODED_MAX], *p, d1[16], d2[16];
	size_t len, n, rl;
	fmt_error e;

	memset(&q, 0, sizeof q);
	q.collector = collector->pub;
	memcpy(q.coord_sign_pk, coord->pub.sign_pk, 32);
	q.created = 1782950400;
	sg_org(&q.org);
	is_int(request_write(collector, &q, &b, &len, &e), FMT_OK, "request_write");
	ok(memcmp(b, "MLLGQ\x02\x01\x00", 8) == 0, "request header: version 2");
	ok(memcmp(b + 12, collector->pub.sign_pk, 32) == 0 &&
	   memcmp(b + 12 + 64, coord->pub.sign_pk, 32) == 0,
	   "body: collector keys, coordinator key");
	is_int(request_read(b, len, back, &e), FMT_OK, "request_read");
	record_digest(&q.org, d1, NULL);
	record_digest(&back->org, d2, NULL);
	ok(memcmp(&back->collector, &q.collector, sizeof q.collector) == 0 &&
	   memcmp(back->coord_sign_pk, q.coord_sign_pk, 32) == 0 && back->created == q.created &&
	   memcmp(d1, d2, 16) == 0 && strcmp(back->org.u.org.name, q.org.u.org.name) == 0,
	   "request round trip");
	refusals("request", b, len, read_request);

	/* Validly signed, wrong inside. */
	memcpy(body, b + 12, 104);
	sg_action(&act);
	record_encode(&act, body + 104, REC_ENCODED_MAX, &rl, NULL);
	p = sg_signed('Q', body, 104 + rl, collector->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_RECORD, "request holding an action");
	free(p);
	act.deleted = 1;
	act.kind = REC_ORG;
	record_encode(&act, body + 104, REC_ENCODED_MAX, &rl, NULL);
	p = sg_signed('Q', body, 104 + rl, collector->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_RECORD, "request holding a deleted organisation");
	free(p);
	record_encode(&q.org, body + 104, REC_ENCODED_MAX, &rl, NULL);
	body[104 + rl] = 0;
	p = sg_signed('Q', body, 104 + rl + 1, collector->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_RECORD, "request with a byte after its record");
	free(p);
	p = sg_signed('Q', body, 104 + rl - 1, collector->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_RECORD, "request whose record is cut");
	free(p);
	p = sg_signed('Q', body, 100, collector->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_LENGTH, "request body shorter than its fixed part");
	free(p);
	p = sg_signed('Q', body, 104 + rl, other->sign_sk, &n);
	is_int(read_request(p, n, &e), FMT_E_SIGNATURE, "request signed by another key");
	free(p);
	free(b);

	/* Writer refusals. */
	is_int(request_write(other, &q, &b, &len, &e), FMT_E_WRONG_SIGNER,
	       "request_write by another identity");
	sg_action(&q.org);
	is_int(request_write(collector, &q, &b, &len, &e), FMT_E_RECORD,
	       "request_write with an action");
	sg_org(&q.org);
	q.org.u.org.ndepts = 0;
	is_int(request_write(collector, &q, &b, &len, &e), FMT_E_FIELD,
	       "request_write with an invalid organisation");
	free(back);
}

static uint8_t *write_receipt(const receipt *h, const receipt_entry *ents, uint32_t n,
			      const identity *signer, size_t *len, int *rc_out)
{
	char path[] = "/tmp/maillage-test-receipt.XXXXXX";
	receipt_writer *w = NULL;
	uint8_t *b = NULL;
	fmt_error e;
	uint32_t i;
	int fd = mkstemp(path), rc;

	unlink(path);
	rc = receipt_writer_open(&w, fd, h, &e);
	for (i = 0; rc == FMT_OK && i < n; i++)
		rc = receipt_writer_add(w, ents[i].id, ents[i].version, &e);
	if (rc == FMT_OK)
		rc = receipt_writer_finish(w, signer, &e);
	receipt_writer_free(w);
	*rc_out = rc;
	*len = 0;
	if (rc == FMT_OK) {
		off_t end = lseek(fd, 0, SEEK_END);

		b = malloc((size_t)end + 1);
		if (pread(fd, b, (size_t)end, 0) != end)
			diag("short read");
		*len = (size_t)end;
	}
	close(fd);
	return b;
}

static void test_receipt(void)
{
	receipt h, r;
	receipt_entry *ents;
	uint8_t *b, body[200], *p;
	size_t len, n;
	fmt_error e;
	uint32_t i;
	int rc, same = 1;

	ents = calloc(3000, sizeof *ents);
	for (i = 0; i < 3000; i++) {
		put_u32(ents[i].id, i);
		put_u32(ents[i].id + 12, ~i);
		ents[i].version = i % 7 + 1;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.coord_sign_pk, coord->pub.sign_pk, 32);
	memcpy(h.collector_sign_pk, collector->pub.sign_pk, 32);
	memset(h.bundle_id, 0xab, 16);
	h.seq = 42;
	memset(h.bundle_hash, 0xcd, 32);
	h.merged_at = 1783209600;
	h.count = 3000;

	b = write_receipt(&h, ents, 3000, coord, &len, &rc);
	is_int(rc, FMT_OK, "receipt of 3000 entries written in a stream");
	is_int(len, 12 + 132 + 20 * 3000 + 64, "receipt size: 12 + 132 + 20 x count + 64");
	is_int(get_u32(b + 8), 132 + 20 * 3000, "body length 132 + 20 x count");
	is_int(receipt_read(b, len, coord->pub.sign_pk, &r, &e), FMT_OK, "receipt_read");
	ok(r.count == 3000 && r.seq == 42 && r.merged_at == h.merged_at &&
	   memcmp(r.bundle_id, h.bundle_id, 16) == 0 &&
	   memcmp(r.bundle_hash, h.bundle_hash, 32) == 0 &&
	   memcmp(r.collector_sign_pk, h.collector_sign_pk, 32) == 0 &&
	   memcmp(r.coord_sign_pk, h.coord_sign_pk, 32) == 0, "receipt header round trip");
	for (i = 0; i < 3000 && r.count == 3000; i++)
		same &= memcmp(&r.entries[i], &ents[i], sizeof ents[i]) == 0;
	ok(same, "3000 entries round trip");
	receipt_free(&r);
	is_int(receipt_read(b, len, other->pub.sign_pk, &r, &e), FMT_E_WRONG_SIGNER,
	       "receipt read as another coordinator's: wrong signer");
	ok(r.entries == NULL && r.count == 0, "nothing left on failure");
	free(b);

	/* Small receipt for the byte loops, and an empty one. */
	h.count = 2;
	b = write_receipt(&h, ents, 2, coord, &len, &rc);
	refusals("receipt", b, len, read_receipt);
	is_int(read_kit(b, len, &e), FMT_E_MAGIC, "a receipt given as a kit");

	/* Validly signed, wrong inside. */
	memcpy(body, b + 12, 172);
	put_u32(body + 128, 3);
	p = sg_signed('R', body, 172, coord->sign_sk, &n);
	is_int(read_receipt(p, n, &e), FMT_E_LENGTH,
	       "receipt declaring more entries than it holds");
	free(p);
	put_u32(body + 128, 1);
	p = sg_signed('R', body, 172, coord->sign_sk, &n);
	is_int(read_receipt(p, n, &e), FMT_E_TRAILING, "receipt holding more than it declares");
	free(p);
	put_u32(body + 128, BUNDLE_MAX_RECORDS + 1);
	p = sg_signed('R', body, 172, coord->sign_sk, &n);
	is_int(read_receipt(p, n, &e), FMT_E_LENGTH, "receipt declaring over 2000000 entries");
	free(p);
	p = sg_signed('R', body, 131, coord->sign_sk, &n);
	is_int(read_receipt(p, n, &e), FMT_E_LENGTH, "receipt body shorter than 132");
	free(p);
	put_u32(body + 128, 2);
	p = sg_signed('R', body, 172, other->sign_sk, &n);
	is_int(read_receipt(p, n, &e), FMT_E_SIGNATURE,
	       "receipt naming this coordinator, signed by another");
	free(p);
	free(b);

	h.count = 0;
	b = write_receipt(&h, ents, 0, coord, &len, &rc);
	ok(rc == FMT_OK && len == 208, "empty receipt: 208 bytes");
	ok(receipt_read(b, len, coord->pub.sign_pk, &r, &e) == FMT_OK && r.count == 0 &&
	   r.entries == NULL, "empty receipt reads");
	receipt_free(&r);
	free(b);

	/* Writer refusals. */
	h.count = 2;
	write_receipt(&h, ents, 1, coord, &len, &rc);
	is_int(rc, FMT_E_COUNT, "finish after fewer entries than announced");
	h.count = 1;
	write_receipt(&h, ents, 2, coord, &len, &rc);
	is_int(rc, FMT_E_COUNT, "more entries than announced");
	write_receipt(&h, ents, 1, other, &len, &rc);
	is_int(rc, FMT_E_WRONG_SIGNER, "finish by another coordinator than the one named");
	h.count = BUNDLE_MAX_RECORDS + 1;
	write_receipt(&h, ents, 0, coord, &len, &rc);
	is_int(rc, FMT_E_LENGTH, "announcing over 2000000 entries");
	receipt_writer_free(NULL);
	receipt_free(NULL);
	ok(1, "free functions accept NULL");
	free(ents);
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	keys_generate(&coord, NULL);
	keys_generate(&collector, NULL);
	keys_generate(&other, NULL);
	test_kit();
	test_request();
	test_receipt();
	keys_free(coord);
	keys_free(collector);
	keys_free(other);
	return done_testing();
}
