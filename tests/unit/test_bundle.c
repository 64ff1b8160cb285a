/*
 * test_bundle.c - bundles: round trips (every record kind and a
 * tombstone, no record at all, several blocks), every single bit of a
 * small bundle flipped, truncation at every length, trailing bytes, wrong
 * recipient, forged signer, decompression bombs and lying lengths,
 * determinism, and the reader's behaviour after an error.
 */
#include <sys/wait.h>

#include "../tools/samplegen.h"
#include "tap.h"
#include "scratch.h"

static identity *coord, *collector, *other;
static int nfile;

/* Writes a bundle of recs (plus a forge) into a new file; returns its
 * bytes (malloc()ed) and fills *info. */
/* The reason the next bundle made gives ("": none). */
static const char *next_reason = "";

static uint8_t *make_bundle(const record *recs, unsigned n, const struct bundle_forge *f,
			    const pubkeys *to, uint32_t flags, bundle_info *info, size_t *len,
			    int *rc_out)
{
	bundle_writer *w = NULL;
	char path[4200];
	fmt_error e;
	uint8_t *b = NULL;
	unsigned i;
	int fd, rc;

	snprintf(path, sizeof path, "%s/out%d.bundle", scratch_dir, nfile++);
	memset(info, 0, sizeof *info);
	memset(info->bundle_id, 0x42, 16);
	info->seq = 7;
	info->created = 1783123200;
	info->flags = flags;
	snprintf(info->reason, sizeof info->reason, "%s", next_reason);
	rc = bundle_writer_open(&w, scratch_dir, &e);
	for (i = 0; rc == FMT_OK && i < n; i++)
		rc = bundle_writer_add(w, &recs[i], &e);
	if (f && rc == FMT_OK)
		bundle_writer_forge(w, f);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (rc == FMT_OK)
		rc = bundle_writer_finish(w, collector, to ? to : &coord->pub, info, fd, &e);
	bundle_writer_free(w);
	close(fd);
	*rc_out = rc;
	*len = 0;
	if (rc == FMT_OK && read_file_capped(path, BUNDLE_MAX_BYTES, &b, len, &e) != FMT_OK)
		b = NULL;
	if (rc != FMT_OK)
		diag("writer: %s", fmt_error_message(&e));
	unlink(path);
	return b;
}

/* Records whose bundle_reader_digest() differs from record_digest(). */
static unsigned digest_mismatches, digests_checked;

/* Reads bundle bytes as `as`: every record, to the end.  Returns the
 * final code (FMT_OK when every record was read and FMT_DONE came),
 * *nrec the records returned, and the records in out (when not NULL). */
static int read_bundle(const uint8_t *b, size_t len, const identity *as, record *out,
		       unsigned max, unsigned *nrec, bundle_info *info, fmt_error *e)
{
	char path[4200];
	bundle_reader *r = NULL;
	bundle_info in;
	record rec;
	int fd, rc;

	*nrec = 0;
	snprintf(path, sizeof path, "%s/in.bundle", scratch_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (write_all(fd, b, len, e) != FMT_OK)
		return -1;
	rc = bundle_reader_open(&r, fd, as, &in, e);
	if (rc == FMT_OK && r == NULL)
		rc = -1;
	if (info)
		*info = in;
	while (rc == FMT_OK) {
		rc = bundle_reader_next(r, &rec, e);
		if (rc == FMT_OK) {
			uint8_t d1[16], d2[16];

			bundle_reader_digest(r, d1);
			if (record_digest(&rec, d2, NULL) != FMT_OK || memcmp(d1, d2, 16) != 0)
				digest_mismatches++;
			digests_checked++;
			if (out && *nrec < max)
				out[*nrec] = rec;
			(*nrec)++;
		}
	}
	bundle_reader_free(r);
	close(fd);
	unlink(path);
	return rc == FMT_DONE ? FMT_OK : rc;
}

static void test_round_trip(void)
{
	record recs[SG_RECORDS], back[SG_RECORDS + 1];
	bundle_info wi, ri;
	uint8_t *b, h[32];
	size_t len;
	unsigned n, i;
	fmt_error e;
	int rc, same = 1;

	sg_records(recs);
	b = make_bundle(recs, SG_RECORDS, NULL, NULL, BUNDLE_FLAG_FULL, &wi, &len, &rc);
	is_int(rc, FMT_OK, "bundle of 8 records (every kind, a tombstone) written");
	ok(memcmp(b, "MLLGB\x02\x01\x00", 8) == 0, "outer header MLLG B 2 1 0");
	is_int(len, 8 + 80 + 24 + 17 + 192 + wi.comp_len + 64, "size: 112 + 17 + 192 + comp + 64");
	is_int(wi.record_count, SG_RECORDS, "writer counts the records");
	rc = read_bundle(b, len, coord, back, SG_RECORDS + 1, &n, &ri, &e);
	if (!ok(rc == FMT_OK, "bundle reads to the end"))
		diag("%s", fmt_error_message(&e));
	is_int(n, SG_RECORDS, "8 records back");
	for (i = 0; i < SG_RECORDS && i < n; i++)
		same &= memcmp(&back[i], &recs[i], sizeof recs[i]) == 0;
	ok(same, "every record equals what was written, in order");
	ok(back[2].deleted == 1 && back[2].kind == REC_ACTION, "the tombstone is a tombstone");
	ok(memcmp(ri.sender_sign_pk, collector->pub.sign_pk, 32) == 0 &&
	   memcmp(ri.sender_box_pk, collector->pub.box_pk, 32) == 0 &&
	   memcmp(ri.recipient_sign_pk, coord->pub.sign_pk, 32) == 0 &&
	   memcmp(ri.recipient_box_pk, coord->pub.box_pk, 32) == 0, "identities in the header");
	ok(ri.seq == 7 && ri.created == 1783123200 && ri.flags == BUNDLE_FLAG_FULL &&
	   memcmp(ri.bundle_id, wi.bundle_id, 16) == 0 && ri.record_count == SG_RECORDS &&
	   ri.plain_len == wi.plain_len && ri.comp_len == wi.comp_len, "header fields round trip");
	crypto_generichash(h, 32, b, len, NULL, 0);
	ok(memcmp(h, ri.file_hash, 32) == 0 && ri.file_size == len,
	   "reader's file hash is BLAKE2b-256 of the file");
	ok(memcmp(h, wi.file_hash, 32) == 0 && wi.file_size == len, "so is the writer's");
	free(b);

	/* No record at all. */
	b = make_bundle(recs, 0, NULL, NULL, 0, &wi, &len, &rc);
	is_int(rc, FMT_OK, "empty bundle written");
	rc = read_bundle(b, len, coord, NULL, 0, &n, &ri, &e);
	ok(rc == FMT_OK && n == 0 && ri.record_count == 0 && ri.plain_len == 0,
	   "empty bundle reads: 0 records");
	free(b);

	/* Writer refusals. */
	recs[0].u.org.depts[0] = 200;
	b = make_bundle(recs, 1, NULL, NULL, 0, &wi, &len, &rc);
	is_int(rc, FMT_E_FIELD, "the writer refuses a record that does not validate");
	sg_org(&recs[0]);
	b = make_bundle(recs, 1, NULL, NULL, 4, &wi, &len, &rc);
	is_int(rc, FMT_E_RESERVED, "the writer refuses unknown flags");
	b = make_bundle(recs, 1, NULL, NULL, BUNDLE_FLAG_OVERRIDE, &wi, &len, &rc);
	is_int(rc, FMT_E_FIELD, "the writer refuses a bundle sent despite errors without reason");
	{
		bundle_writer *w = NULL;

		is_int(bundle_writer_open(&w, "/nonexistent-folder", &e), FMT_E_IO,
		       "scratch folder missing: FMT_E_IO");
		ok(w == NULL && strstr(e.detail, "/nonexistent-folder"), "%s", e.detail);
		bundle_writer_free(NULL);
		bundle_reader_free(NULL);
	}
	ok(digests_checked > 0 && digest_mismatches == 0,
	   "bundle_reader_digest gives record_digest's value (%u records)", digests_checked);
}

static void test_large(void)
{
	record *fill = calloc(300, sizeof *fill), *back = calloc(300, sizeof *back);
	bundle_info wi, ri;
	uint8_t *b;
	size_t len, total, blocks;
	unsigned n, i;
	fmt_error e;
	int rc, same = 1;

	for (i = 0; i < 300; i++)
		sg_filler(&fill[i], i);
	b = make_bundle(fill, 300, NULL, NULL, 0, &wi, &len, &rc);
	total = 192 + wi.comp_len + 64;
	blocks = (total + BUNDLE_CHUNK - 1) / BUNDLE_CHUNK;
	ok(rc == FMT_OK && blocks > 3, "bundle of %zu blocks written", blocks);
	is_int(len, 112 + total + 17 * blocks, "size: 112 + plaintext + 17 per block");
	rc = read_bundle(b, len, coord, back, 300, &n, &ri, &e);
	ok(rc == FMT_OK && n == 300, "all 300 records read back");
	for (i = 0; i < 300 && i < n; i++)
		same &= memcmp(&back[i], &fill[i], sizeof fill[i]) == 0;
	ok(same, "identical");

	/* Cut at every block boundary, and in the middle of each block. */
	for (i = 1; i <= blocks; i++) {
		size_t cut = 112 + (size_t)i * (BUNDLE_CHUNK + 17);

		if (cut < len) {
			rc = read_bundle(b, cut, coord, NULL, 0, &n, NULL, &e);
			is_int(rc, FMT_E_NO_FINAL, "cut after block %u: no final block", i);
		}
		rc = read_bundle(b, cut - 1000, coord, NULL, 0, &n, NULL, &e);
		ok(rc == FMT_E_DECRYPT || rc == FMT_E_NO_FINAL, "cut inside block %u: refused (%s)",
		   i, fmt_error_message(&e));
	}
	{
		uint8_t *t = sg_dup(b, len, "tail", 4);

		rc = read_bundle(t, len + 4, coord, NULL, 0, &n, NULL, &e);
		is_int(rc, FMT_E_TRAILING, "large bundle with bytes appended: FMT_E_TRAILING");
		free(t);
		t = calloc(1, len + 70000);
		memcpy(t, b, len);
		rc = read_bundle(t, len + 70000, coord, NULL, 0, &n, NULL, &e);
		ok(rc == FMT_E_DECRYPT || rc == FMT_E_TRAILING,
		   "large bundle with 70000 bytes appended: refused (%s)", fmt_error_message(&e));
		free(t);
	}
	free(b);
	free(fill);
	free(back);
}

/* Exactly BUNDLE_CHUNK bytes of plaintext: one full block, tagged FINAL;
 * a full FINAL block followed by anything is FMT_E_TRAILING.  The
 * content is pseudo-random bytes added raw (zlib stores them, so the
 * compressed length follows the raw length and a few tries hit the
 * target); only the first pass matters here. */
static uint8_t *raw_bundle(size_t rawlen, bundle_info *wi, size_t *len)
{
	bundle_writer *w = NULL;
	uint8_t *noise = malloc(rawlen + 1), *b = NULL;
	char path[4200];
	uint32_t x = 88172645u;
	size_t i;
	int fd;

	for (i = 0; i < rawlen; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		noise[i] = (uint8_t)x;
	}
	snprintf(path, sizeof path, "%s/raw.bundle", scratch_dir);
	memset(wi, 0, sizeof *wi);
	bundle_writer_open(&w, scratch_dir, NULL);
	bundle_writer_add_raw(w, noise, rawlen, 0, NULL);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	bundle_writer_finish(w, collector, &coord->pub, wi, fd, NULL);
	bundle_writer_free(w);
	close(fd);
	read_file_capped(path, BUNDLE_MAX_BYTES, &b, len, NULL);
	unlink(path);
	free(noise);
	return b;
}

static void test_exact_block(void)
{
	bundle_reader *r = NULL;
	bundle_info wi, in;
	uint8_t *b = NULL;
	size_t len = 0, rawlen = BUNDLE_CHUNK - 256 - 20;
	long long diff = 1;
	char path[4200];
	fmt_error e;
	int tries, fd, rc;

	for (tries = 0; tries < 20 && diff != 0; tries++) {
		free(b);
		b = raw_bundle(rawlen, &wi, &len);
		diff = (long long)BUNDLE_CHUNK - (long long)(192 + wi.comp_len + 64);
		rawlen = (size_t)((long long)rawlen + diff);
	}
	if (!ok(diff == 0 && len == 112 + BUNDLE_CHUNK + 17,
		"a bundle of exactly one full block (%zu bytes)", len)) {
		free(b);
		return;
	}
	snprintf(path, sizeof path, "%s/exact.bundle", scratch_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write_all(fd, b, len, NULL);
	rc = bundle_reader_open(&r, fd, coord, &in, &e);
	is_int(rc, FMT_OK, "its single full block is the FINAL one: first pass succeeds");
	bundle_reader_free(r);
	write_all(fd, "x", 1, NULL);
	rc = bundle_reader_open(&r, fd, coord, &in, &e);
	is_int(rc, FMT_E_TRAILING, "with one byte appended: FMT_E_TRAILING");
	ok(strstr(e.detail, "1 unexpected byte after"), "%s", e.detail);
	close(fd);
	unlink(path);
	free(b);
}

static void test_every_bit(void)
{
	record recs[3];
	bundle_info wi;
	uint8_t *b, *t;
	size_t len, i;
	unsigned n;
	fmt_error e;
	int rc, bit, accepted = 0, codes[100] = { 0 };

	sg_org(&recs[0]);
	sg_count(&recs[1], 0);
	sg_tombstone(&recs[2]);
	b = make_bundle(recs, 3, NULL, NULL, 0, &wi, &len, &rc);
	t = malloc(len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(t, b, len);
			t[i] ^= (uint8_t)(1 << bit);
			rc = read_bundle(t, len, coord, NULL, 0, &n, NULL, &e);
			if (rc == FMT_OK) {
				accepted++;
				diag("byte %zu bit %d accepted", i, bit);
			} else if (rc >= 0 && rc < 100) {
				codes[rc]++;
			}
		}
	}
	ok(accepted == 0, "every one of the %zu single-bit changes of a %zu-byte bundle is refused",
	   len * 8, len);
	diag("codes: MAGIC %d VERSION %d SUITE %d RESERVED %d NOT_FOR_US %d DECRYPT %d",
	     codes[FMT_E_MAGIC], codes[FMT_E_VERSION], codes[FMT_E_SUITE], codes[FMT_E_RESERVED],
	     codes[FMT_E_NOT_FOR_US], codes[FMT_E_DECRYPT]);
	ok(codes[FMT_E_NOT_FOR_US] == 80 * 8, "every bit of the sealed key: FMT_E_NOT_FOR_US");
	is_int(codes[FMT_E_DECRYPT], (len - 88) * 8,
	       "every bit of the stream header and blocks: FMT_E_DECRYPT");

	accepted = 0;
	for (i = 0; i < len; i++) {
		rc = read_bundle(b, i, coord, NULL, 0, &n, NULL, &e);
		if (rc == FMT_OK || rc < 0) {
			accepted++;
			diag("cut to %zu bytes: %d", i, rc);
		}
	}
	ok(accepted == 0, "truncated at every length 0..%zu: refused", len - 1);
	rc = read_bundle(b, 100, coord, NULL, 0, &n, NULL, &e);
	is_int(rc, FMT_E_TRUNCATED, "100 bytes: FMT_E_TRUNCATED");
	rc = read_bundle(b, len - 1, coord, NULL, 0, &n, NULL, &e);
	is_int(rc, FMT_E_DECRYPT, "last byte cut: FMT_E_DECRYPT");

	for (i = 1; i <= 257; i += (i < 4 ? 1 : 253)) {
		uint8_t *x = calloc(1, len + i);

		memcpy(x, b, len);
		rc = read_bundle(x, len + i, coord, NULL, 0, &n, NULL, &e);
		is_int(rc, i <= 256 ? FMT_E_TRAILING : FMT_E_DECRYPT, "%zu bytes appended", i);
		free(x);
	}
	free(t);
	free(b);
}

static struct sg_edit edit;

static int forged(const char *what, struct sg_edit ed, const identity *signer, int64_t flip_at,
		  uint8_t mask, unsigned *nrec, fmt_error *e)
{
	record recs[SG_RECORDS];
	struct bundle_forge f;
	bundle_info wi;
	uint8_t *b;
	size_t len;
	int rc;

	(void)what;
	sg_records(recs);
	memset(&f, 0, sizeof f);
	edit = ed;
	if (ed.n)
		f.edit_header = sg_apply_edit;
	f.arg = &edit;
	f.signer = signer;
	f.flip_at = flip_at;
	f.flip_mask = mask;
	b = make_bundle(recs, SG_RECORDS, &f, NULL, 0, &wi, &len, &rc);
	rc = read_bundle(b, len, coord, NULL, 0, nrec, NULL, e);
	free(b);
	return rc;
}

static void test_hostile(void)
{
	record recs[SG_RECORDS], one;
	struct sg_edit none;
	bundle_info wi;
	uint8_t *b, raw[REC_ENCODED_MAX];
	size_t len, rl, plain;
	unsigned n;
	fmt_error e;
	int rc;

	memset(&none, 0, sizeof none);
	sg_records(recs);
	b = make_bundle(recs, SG_RECORDS, NULL, &other->pub, 0, &wi, &len, &rc);
	is_int(read_bundle(b, len, coord, NULL, 0, &n, NULL, &e), FMT_E_NOT_FOR_US,
	       "bundle for another coordinator: FMT_E_NOT_FOR_US");
	ok(strstr(e.detail, "another coordinator"), "%s", e.detail);
	is_int(read_bundle(b, len, other, NULL, 0, &n, NULL, &e), FMT_OK,
	       "which that coordinator reads");
	free(b);

	is_int(forged("signer", none, other, 0, 0, &n, &e), FMT_E_SIGNATURE,
	       "signed by another key than the sender named: FMT_E_SIGNATURE");
	is_int(forged("sig", none, NULL, -64, 0x01, &n, &e), FMT_E_SIGNATURE,
	       "first signature byte changed");
	is_int(forged("hdr", none, NULL, 0, 0x01, &n, &e), FMT_E_MAGIC,
	       "inner magic changed after signing: FMT_E_MAGIC (checked first)");
	is_int(forged("hdr", none, NULL, 140, 0x01, &n, &e), FMT_E_SIGNATURE,
	       "bundle id changed after signing");
	is_int(forged("zlib", none, NULL, 200, 0x04, &n, &e), FMT_E_SIGNATURE,
	       "compressed records changed after signing");
	ok(n == 0, "and no record was decoded");
	is_int(forged("sender", sg_edit_u64(8, 1, 0x55), NULL, 0, 0, &n, &e), FMT_E_SIGNATURE,
	       "inner header naming another sender");

	is_int(forged("ratio", sg_edit_u64(176, 8, BUNDLE_RATIO_FLOOR + 1), NULL, 0, 0, &n, &e),
	       FMT_E_RATIO, "declared length just over the ratio floor: FMT_E_RATIO");
	is_int(forged("ratio", sg_edit_u64(176, 8, BUNDLE_MAX_PLAIN + 1), NULL, 0, 0, &n, &e),
	       FMT_E_DECLARED_SIZE, "declared length over 1 GiB: FMT_E_DECLARED_SIZE");
	for (n = 0, plain = 0; n < SG_RECORDS; n++) {
		record_encode(&recs[n], raw, sizeof raw, &rl, NULL);
		plain += rl;
	}
	is_int(forged("short", sg_edit_u64(176, 8, plain - 1), NULL, 0, 0, &n, &e), FMT_E_RECORD,
	       "declared length one byte shorter than the records");
	is_int(n, SG_RECORDS - 1, "(the records before the cut one were returned)");
	is_int(forged("long", sg_edit_u64(176, 8, plain + 1), NULL, 0, 0, &n, &e), FMT_E_DECOMPRESS,
	       "declared length one byte longer than the records: stream ends early");
	ok(strstr(e.detail, "end after"), "%s", e.detail);
	is_int(n, SG_RECORDS, "(the records before the end were returned; the caller discards)");
	is_int(forged("count", sg_edit_u64(172, 4, 0), NULL, 0, 0, &n, &e), FMT_E_COUNT,
	       "declared count 0 with 8 records: FMT_E_COUNT before the first is returned");
	is_int(n, 0, "no record returned");
	is_int(forged("comp", sg_edit_u64(184, 8, 1), NULL, 0, 0, &n, &e), FMT_E_LENGTH,
	       "declared compressed length wrong: FMT_E_LENGTH");
	is_int(forged("recip", sg_edit_u64(104, 1, 0), NULL, 0, 0, &n, &e), FMT_E_NOT_FOR_US,
	       "inner recipient encryption key differs: FMT_E_NOT_FOR_US");
	ok(e.value[0] && strstr(e.detail, e.value) != NULL,
	   "the other coordinator's key id is given apart, for the programs' words");

	/* A bomb: one record, then 50 MiB of zeros (about 50 KB compressed),
	 * declared as the record alone; and the same declared honestly,
	 * which the ratio cap refuses before inflating anything. */
	{
		static const uint8_t zero[65536];
		bundle_writer *w = NULL;
		struct bundle_forge f;
		char path[4200];
		int fd, k;

		sg_count(&one, 0);
		record_encode(&one, raw, sizeof raw, &rl, NULL);
		for (k = 0; k < 2; k++) {
			memset(&f, 0, sizeof f);
			edit = sg_edit_u64(176, 8, rl);
			f.edit_header = k == 0 ? sg_apply_edit : NULL;
			f.arg = &edit;
			bundle_writer_open(&w, scratch_dir, NULL);
			bundle_writer_add(w, &one, NULL);
			for (n = 0; n < 800; n++)
				bundle_writer_add_raw(w, zero, sizeof zero, 0, NULL);
			bundle_writer_forge(w, &f);
			snprintf(path, sizeof path, "%s/bomb.bundle", scratch_dir);
			fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
			memset(&wi, 0, sizeof wi);
			bundle_writer_finish(w, collector, &coord->pub, &wi, fd, NULL);
			bundle_writer_free(w);
			close(fd);
			read_file_capped(path, BUNDLE_MAX_BYTES, &b, &len, NULL);
			unlink(path);
			rc = read_bundle(b, len, coord, NULL, 0, &n, NULL, &e);
			if (k == 0) {
				is_int(rc, FMT_E_DECOMPRESS,
				       "bomb (50 MiB of zeros declared as %zu bytes): "
				       "FMT_E_DECOMPRESS", rl);
				is_int(n, 1, "after the one honest record");
			} else {
				is_int(rc, FMT_E_RATIO,
				       "50 MiB declared from %zu bytes: FMT_E_RATIO", len);
			}
			free(b);
		}
	}

	/* Error is sticky: the same code on every later call. */
	{
		struct sg_bundle_spec s;
		bundle_reader *r = NULL;
		bundle_info in;
		record rec;
		char path[4200];
		int fd, rc2, rc3;
		struct sg_ctx c;

		memset(&c, 0, sizeof c);
		snprintf(c.tmp, sizeof c.tmp, "%s", scratch_dir);
		c.collector = collector;
		c.coord = coord;
		memset(&s, 0, sizeof s);
		s.seed = "sticky";
		s.recs = recs;
		s.nrecs = 1;
		sg_count(&one, 3);
		s.raw = raw;
		s.raw_records = 1;
		s.raw_len = sg_patched(&one, "974", "975", raw);
		b = sg_bundle(&c, &s, &len, NULL);
		snprintf(path, sizeof path, "%s/sticky.bundle", scratch_dir);
		fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
		write_all(fd, b, len, NULL);
		rc = bundle_reader_open(&r, fd, coord, &in, &e);
		is_int(rc, FMT_OK, "a bundle with a bad second record opens (signature fine)");
		is_int(bundle_reader_next(r, &rec, &e), FMT_OK, "first record read");
		rc = bundle_reader_next(r, &rec, &e);
		is_int(rc, FMT_E_FIELD, "second record: FMT_E_FIELD");
		ok(strstr(e.detail, "record 2: field dept: unknown département code \"975\""),
		   "message names the record and field: %s", e.detail);
		rc2 = bundle_reader_next(r, &rec, &e);
		rc3 = bundle_reader_next(r, &rec, &e);
		ok(rc2 == FMT_E_FIELD && rc3 == FMT_E_FIELD && strstr(e.detail, "975"),
		   "the error is repeated on later calls");
		bundle_reader_free(r);
		close(fd);
		unlink(path);
		free(b);
	}
}

static void test_files(void)
{
	record recs[SG_RECORDS];
	bundle_reader *r = NULL;
	bundle_info wi, in;
	uint8_t *b, *b2;
	size_t len, len2;
	char path[4200];
	record rec;
	fmt_error e;
	int fd, rc, p[2];

	sg_records(recs);

	/* The reader needs a regular file (open_input() copies a stream). */
	if (pipe(p) == 0) {
		rc = bundle_reader_open(&r, p[0], coord, &in, &e);
		ok(rc == FMT_E_IO && r == NULL, "a pipe is refused: %s", e.detail);
		close(p[0]);
		close(p[1]);
	}

	/* Size cap before anything is read: a sparse file over 256 MiB. */
	snprintf(path, sizeof path, "%s/huge.bundle", scratch_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && ftruncate(fd, (off_t)BUNDLE_MAX_BYTES + 1) == 0) {
		rc = bundle_reader_open(&r, fd, coord, &in, &e);
		is_int(rc, FMT_E_TOO_BIG, "file over 256 MiB: FMT_E_TOO_BIG");
	} else {
		ok(1, "sparse file not possible here (skipped)");
	}
	if (fd >= 0)
		close(fd);
	unlink(path);

	/* The file changes between the passes: never FMT_DONE. */
	b = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &len, &rc);
	b2 = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &len2, &rc);
	snprintf(path, sizeof path, "%s/changing.bundle", scratch_dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	write_all(fd, b, len, NULL);
	rc = bundle_reader_open(&r, fd, coord, &in, &e);
	is_int(rc, FMT_OK, "first pass over the original");
	if (len2 == len && pwrite(fd, b2, len2, 0) == (ssize_t)len2) {
		while ((rc = bundle_reader_next(r, &rec, &e)) == FMT_OK)
			;
		ok(rc != FMT_DONE, "file replaced between the passes: refused (%s)",
		   fmt_error_message(&e));
	}
	bundle_reader_free(r);
	close(fd);
	unlink(path);
	free(b);
	free(b2);
}

static void test_determinism(void)
{
	static const uint8_t seed1[32] = "maillage-test/determinism-1";
	static const uint8_t seed2[32] = "maillage-test/determinism-2";
	record recs[SG_RECORDS];
	bundle_info wi;
	uint8_t *a, *b, *c;
	size_t la, lb, lc;
	int rc;

	sg_records(recs);
	format_use_deterministic_rng(seed1);
	a = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &la, &rc);
	format_use_deterministic_rng(seed1);
	b = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &lb, &rc);
	format_use_deterministic_rng(seed2);
	c = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &lc, &rc);
	ok(la == lb && memcmp(a, b, la) == 0, "same seed, same inputs: same bytes");
	ok(la == lc && memcmp(a, c, 8) == 0 && memcmp(a + 8, c + 8, la - 8) != 0,
	   "another seed: another file key, other bytes");
	free(a);
	free(b);
	free(c);
}

/* A bundle sent despite errors carries its reason, signed with the
 * records; the writer refuses a reason that is not one line, and one
 * without the flag. */
static void test_reason(void)
{
	record recs[SG_RECORDS], back[SG_RECORDS];
	bundle_info wi, ri;
	uint8_t *b, *b0;
	size_t len, len0;
	unsigned n;
	fmt_error e;
	int rc, refused = 1;

	sg_records(recs);
	next_reason = "Données vérifiées avec la directrice : les plaintes datent d'avant.";
	b = make_bundle(recs, SG_RECORDS, NULL, NULL, BUNDLE_FLAG_OVERRIDE, &wi, &len, &rc);
	ok(rc == FMT_OK && b, "a bundle sent despite errors, with its reason");
	rc = read_bundle(b, len, coord, back, SG_RECORDS, &n, &ri, &e);
	ok(rc == FMT_OK && n == SG_RECORDS && ri.flags == BUNDLE_FLAG_OVERRIDE &&
	   strcmp(ri.reason, next_reason) == 0 && memcmp(&back[0], &recs[0], sizeof recs[0]) == 0,
	   "read back: its records and its reason");
	next_reason = "";
	b0 = make_bundle(recs, SG_RECORDS, NULL, NULL, 0, &wi, &len0, &rc);
	ok(rc == FMT_OK && len == len0 + strlen(ri.reason), "the reason takes its length only");
	rc = read_bundle(b0, len0, coord, back, SG_RECORDS, &n, &ri, &e);
	ok(rc == FMT_OK && ri.reason[0] == 0 && ri.flags == 0, "a bundle without reason");
	free(b0);
	/* every byte of the reason flipped: the signature no longer matches */
	for (size_t i = 0; b && i < 3; i++) {
		struct bundle_forge f = { 0 };

		next_reason = "raison";
		f.flip_at = 192 + (int64_t)i;
		f.flip_mask = 0x01;
		b0 = make_bundle(recs, 1, &f, NULL, BUNDLE_FLAG_OVERRIDE, &wi, &len0, &rc);
		if (b0 && read_bundle(b0, len0, coord, NULL, 0, &n, NULL, &e) != FMT_E_SIGNATURE)
			refused = 0;
		free(b0);
	}
	ok(refused, "a changed reason fails the signature");
	free(b);
	next_reason = "deux\nlignes";
	b = make_bundle(recs, 1, NULL, NULL, BUNDLE_FLAG_OVERRIDE, &wi, &len, &rc);
	is_int(rc, FMT_E_FIELD, "the writer refuses a reason on two lines");
	free(b);
	next_reason = "raison";
	b = make_bundle(recs, 1, NULL, NULL, 0, &wi, &len, &rc);
	is_int(rc, FMT_E_FIELD, "the writer refuses a reason without the flag");
	free(b);
	next_reason = "";
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	scratch_make("bundle");
	keys_generate(&coord, NULL);
	keys_generate(&collector, NULL);
	keys_generate(&other, NULL);
	test_round_trip();
	test_large();
	test_exact_block();
	test_every_bit();
	test_hostile();
	test_files();
	test_determinism();
	test_reason();
	keys_free(coord);
	keys_free(collector);
	keys_free(other);
	scratch_remove();
	return done_testing();
}
