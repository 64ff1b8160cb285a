/*
 * samplegen.h - how the files of samples/vectors/ and samples/broken/ are
 * made, and how each one is checked.
 *
 * Shared by tests/tools/mksamples.c, which writes the files, and by
 * tests/unit/test_samples.c, which makes them again in memory and
 * compares them byte for byte with the committed ones, then checks the
 * committed ones with the library's readers.  Every random byte comes
 * from the deterministic generator (format_use_deterministic_rng), seeded
 * afresh before each artefact from a fixed label, so each file depends
 * only on its own inputs; times are fixed constants.
 *
 * The identities made here are test keys, published on purpose: never use
 * them for real data.
 *
 * Header-only (static functions) so that both programs build from it with
 * no extra library: sg_generate() is the one entry point for making
 * files, sg_check() for reading one.
 */
#ifndef MAILLAGE_SAMPLEGEN_H
#define MAILLAGE_SAMPLEGEN_H

#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bundle.h"
#include "bundle_internal.h"
#include "bytes.h"
#include "fileio.h"
#include "format.h"
#include "keys.h"
#include "model.h"
#include "questionnaire.h"
#include "record.h"
#include "refdata.h"
#include "signed.h"

#define SG static __attribute__((unused))

/* Fixed times of the samples (unix seconds, UTC). */
#define SG_T_KIT     1782864000LL   /* 2026-07-01T00:00:00Z */
#define SG_T_REQUEST 1782950400LL   /* 2026-07-02 */
#define SG_T_RECORDS 1783036800LL   /* 2026-07-03 */
#define SG_T_BUNDLE  1783123200LL   /* 2026-07-04 */
#define SG_T_MERGED  1783209600LL   /* 2026-07-05 */

/* --- names of the error codes (for EXPECTED and the messages) ---------- */

SG const char *sg_code_name(int code)
{
	switch (code) {
	case FMT_OK: return "FMT_OK";
	case FMT_DONE: return "FMT_DONE";
	case FMT_E_NOMEM: return "FMT_E_NOMEM";
	case FMT_E_IO: return "FMT_E_IO";
	case FMT_E_EXISTS: return "FMT_E_EXISTS";
	case FMT_E_CRYPTO_INIT: return "FMT_E_CRYPTO_INIT";
	case FMT_E_TOO_BIG: return "FMT_E_TOO_BIG";
	case FMT_E_TRUNCATED: return "FMT_E_TRUNCATED";
	case FMT_E_MAGIC: return "FMT_E_MAGIC";
	case FMT_E_VERSION: return "FMT_E_VERSION";
	case FMT_E_SUITE: return "FMT_E_SUITE";
	case FMT_E_RESERVED: return "FMT_E_RESERVED";
	case FMT_E_TRAILING: return "FMT_E_TRAILING";
	case FMT_E_LENGTH: return "FMT_E_LENGTH";
	case FMT_E_NOT_FOR_US: return "FMT_E_NOT_FOR_US";
	case FMT_E_DECRYPT: return "FMT_E_DECRYPT";
	case FMT_E_NO_FINAL: return "FMT_E_NO_FINAL";
	case FMT_E_SIGNATURE: return "FMT_E_SIGNATURE";
	case FMT_E_WRONG_SIGNER: return "FMT_E_WRONG_SIGNER";
	case FMT_E_KEYFILE: return "FMT_E_KEYFILE";
	case FMT_E_DECLARED_SIZE: return "FMT_E_DECLARED_SIZE";
	case FMT_E_RATIO: return "FMT_E_RATIO";
	case FMT_E_DECOMPRESS: return "FMT_E_DECOMPRESS";
	case FMT_E_RECORD: return "FMT_E_RECORD";
	case FMT_E_FIELD: return "FMT_E_FIELD";
	case FMT_E_COUNT: return "FMT_E_COUNT";
	case FMT_E_NONCANONICAL: return "FMT_E_NONCANONICAL";
	}
	return "FMT_E_UNKNOWN";
}

/* --- growable text -------------------------------------------------------- */

struct sg_text {
	char *p;
	size_t len, cap;
};

SG void sg_printf(struct sg_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
SG void sg_printf(struct sg_text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if (t->p && t->len + (size_t)n < t->cap) {
			t->len += (size_t)n;
			return;
		}
		t->cap = (t->cap + (size_t)n + 1) * 2;
		t->p = realloc(t->p, t->cap);
		if (!t->p) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
	}
}

SG void sg_hex(struct sg_text *t, const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		sg_printf(t, "%02x", b[i]);
}

SG void sg_time(struct sg_text *t, int64_t s)
{
	time_t tt = (time_t)s;
	struct tm tm;
	char buf[32];

	gmtime_r(&tt, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
	sg_printf(t, "%lld (%s)", (long long)s, buf);
}

/* --- rendering of decoded content (the *.expected.txt files) ----------- */

SG void sg_render_pub(struct sg_text *t, const char *who, const pubkeys *pk)
{
	char id[KEY_ID_CHARS + 1], fp[KEY_FINGERPRINT_CHARS + 1];

	keys_id(pk, id);
	keys_fingerprint(pk, fp);
	sg_printf(t, "%s signing key (Ed25519): ", who);
	sg_hex(t, pk->sign_pk, KEY_SIGN_PK);
	sg_printf(t, "\n%s encryption key (X25519): ", who);
	sg_hex(t, pk->box_pk, KEY_BOX_PK);
	sg_printf(t, "\n%s key id: %s\n%s fingerprint: %s\n", who, id, who, fp);
}

SG void sg_render_text(struct sg_text *t, const char *name, const char *s)
{
	const char *p;

	sg_printf(t, "  %s: \"", name);
	for (p = s; *p; p++) {
		if (*p == '\n')
			sg_printf(t, "\\n");
		else if (*p == '\t')
			sg_printf(t, "\\t");
		else if (*p == '"' || *p == '\\')
			sg_printf(t, "\\%c", *p);
		else
			sg_printf(t, "%c", *p);
	}
	sg_printf(t, "\"\n");
}

/* One line per field, in descriptor order: its code, then its canonical
 * text; free text quoted, with line break, tab, quote and backslash
 * escaped (\n \t \" \\); "(none)" for an empty set or an absent date,
 * "(not given)" for an absent number. */
SG void sg_render_record(struct sg_text *t, unsigned n, const record *r)
{
	const kind_desc *k = kind_desc_of(r->kind);
	char v[REC_NOTE_MAX + 1];

	sg_printf(t, "record %u: %s%s\n  id: ", n, record_kind_name(r->kind),
		  r->deleted ? " (deleted)" : "");
	sg_hex(t, r->id, 16);
	sg_printf(t, "\n  version: %u\n  recorded at: ", r->version);
	sg_time(t, r->recorded_at);
	sg_printf(t, "\n");
	if (r->deleted || !k)
		return;
	for (int i = 0; i < k->nfields; i++) {
		const field_desc *f = &k->fields[i];

		field_text(r, f, v, sizeof v);
		if (f->type == FT_TEXT || f->type == FT_NOTE)
			sg_render_text(t, f->code, v);
		else
			sg_printf(t, "  %s: %s\n", f->code, v[0] ? v :
				  f->type == FT_NUMBER || f->type == FT_HOURS ? "(not given)" :
				  "(none)");
	}
}

SG void sg_render_kit(struct sg_text *t, const kit *k)
{
	sg_printf(t, "kit\n");
	sg_render_pub(t, "coordinator", &k->coord);
	sg_printf(t, "reference data version: %u\ncreated: ", k->refdata_version);
	sg_time(t, k->created);
	sg_printf(t, "\nname: \"%s\"\n", k->name);
	sg_printf(t, "questionnaire edition: %u\npublished: ", (unsigned)k->qn->edition);
	sg_time(t, k->qn->published);
	sg_printf(t, "\nlists: %d\n", k->qn->nlists);
	for (int i = 0; i < k->qn->nlists; i++)
		sg_printf(t, "  %s (%s): %d values\n", k->qn->lists[i].t.name,
			  k->qn->lists[i].builtin ? "built in" : "defined", k->qn->lists[i].t.count);
	sg_printf(t, "tables: %d\n", k->qn->ntables);
	for (int i = 0; i < k->qn->ntables; i++) {
		sg_printf(t, "  %s:", k->qn->tables[i].code);
		for (int d = 0; d < k->qn->tables[i].ndims; d++)
			sg_printf(t, " %s", k->qn->lists[k->qn->tables[i].dims[d]].t.name);
		sg_printf(t, "\n");
	}
}

SG void sg_render_request(struct sg_text *t, const request *q)
{
	sg_printf(t, "enrollment request\n");
	sg_render_pub(t, "collector", &q->collector);
	sg_printf(t, "for coordinator signing key: ");
	sg_hex(t, q->coord_sign_pk, KEY_SIGN_PK);
	sg_printf(t, "\ncreated: ");
	sg_time(t, q->created);
	sg_printf(t, "\n");
	sg_render_record(t, 1, &q->org);
}

SG void sg_render_receipt(struct sg_text *t, const receipt *r)
{
	uint32_t i;

	sg_printf(t, "receipt\ncoordinator signing key: ");
	sg_hex(t, r->coord_sign_pk, KEY_SIGN_PK);
	sg_printf(t, "\ncollector signing key: ");
	sg_hex(t, r->collector_sign_pk, KEY_SIGN_PK);
	sg_printf(t, "\nbundle id: ");
	sg_hex(t, r->bundle_id, 16);
	sg_printf(t, "\nbundle sequence: %llu\nbundle hash: ", (unsigned long long)r->seq);
	sg_hex(t, r->bundle_hash, 32);
	sg_printf(t, "\nmerged at: ");
	sg_time(t, r->merged_at);
	sg_printf(t, "\nentries: %u\n", r->count);
	for (i = 0; i < r->count; i++) {
		sg_printf(t, "  ");
		sg_hex(t, r->entries[i].id, 16);
		sg_printf(t, " version %u\n", r->entries[i].version);
	}
}

SG void sg_render_bundle_info(struct sg_text *t, const bundle_info *b)
{
	pubkeys s, r;

	memcpy(s.sign_pk, b->sender_sign_pk, 32);
	memcpy(s.box_pk, b->sender_box_pk, 32);
	memcpy(r.sign_pk, b->recipient_sign_pk, 32);
	memcpy(r.box_pk, b->recipient_box_pk, 32);
	sg_printf(t, "bundle\nfile size: %llu\nfile hash (BLAKE2b-256): ",
		  (unsigned long long)b->file_size);
	sg_hex(t, b->file_hash, 32);
	sg_printf(t, "\n");
	sg_render_pub(t, "sender", &s);
	sg_render_pub(t, "recipient", &r);
	sg_printf(t, "bundle id: ");
	sg_hex(t, b->bundle_id, 16);
	sg_printf(t, "\nsequence: %llu\ncreated: ", (unsigned long long)b->seq);
	sg_time(t, b->created);
	sg_printf(t, "\nflags: 0x%08x%s\nrecord count: %u\nrecords length: %llu\n"
		  "compressed length: %llu\n", b->flags,
		  b->flags & BUNDLE_FLAG_FULL ? " (full export)" : "", b->record_count,
		  (unsigned long long)b->plain_len, (unsigned long long)b->comp_len);
}

/* --- scratch folder and files ------------------------------------------------ */

struct sg_ctx {
	char tmp[4096];              /* private scratch folder */
	identity *coord, *collector, *other, *forger;
	pubkeys other_pub;
	int (*sink)(void *arg, const char *rel, const uint8_t *data, size_t len);
	void *arg;
	struct sg_text expected;     /* broken/EXPECTED */
	struct sg_text readme;       /* broken/README.md table rows */
	int failed;
};

SG void sg_die(const char *what, const fmt_error *e)
{
	fprintf(stderr, "samplegen: %s: %s\n", what, e ? fmt_error_message(e) : "failed");
	exit(2);
}

SG void sg_path(const struct sg_ctx *c, const char *name, char out[4200])
{
	snprintf(out, 4200, "%s/%s", c->tmp, name);
}

/* Reads a whole scratch file (malloc()ed) and removes it. */
SG uint8_t *sg_slurp(const char *path, size_t *len)
{
	uint8_t *b = NULL;
	fmt_error e;

	if (read_file_capped(path, BUNDLE_MAX_BYTES, &b, len, &e) != FMT_OK)
		sg_die(path, &e);
	unlink(path);
	return b;
}

/* Seeds the deterministic generator from a label: the label's bytes,
 * NUL-padded to 32 (e.g. "maillage-sample/coordinator"). */
SG void sg_seed(const char *label)
{
	uint8_t seed[32] = { 0 };
	char s[64];

	snprintf(s, sizeof s, "maillage-sample/%s", label);
	memcpy(seed, s, strlen(s) < 32 ? strlen(s) : 32);
	format_use_deterministic_rng(seed);
}

/* A fixed record id: BLAKE2b-128 of a label. */
SG void sg_id(uint8_t id[16], const char *label)
{
	crypto_generichash(id, 16, (const uint8_t *)label, strlen(label), NULL, 0);
}

SG void sg_emit(struct sg_ctx *c, const char *rel, const uint8_t *data, size_t len)
{
	if (c->sink(c->arg, rel, data, len) != 0)
		c->failed = 1;
}

SG void sg_emit_text(struct sg_ctx *c, const char *rel, struct sg_text *t)
{
	sg_emit(c, rel, (const uint8_t *)(t->p ? t->p : ""), t->p ? t->len : 0);
	free(t->p);
	memset(t, 0, sizeof *t);
}

/* --- the sample records ----------------------------------------------------- */

SG int sg_dept(const char *code)
{
	int d = dept_find(code);

	if (d < 0) {
		fprintf(stderr, "samplegen: unknown département %s\n", code);
		exit(2);
	}
	return d;
}

SG int sg_enum(const enum_table *t, const char *code)
{
	int v = enum_find(t, code);

	if (v < 0) {
		fprintf(stderr, "samplegen: unknown %s %s\n", t->name, code);
		exit(2);
	}
	return v;
}

SG uint32_t sg_set(const enum_table *t, const char *list)
{
	uint32_t m = 0;
	fmt_error e;

	if (enum_parse_set(t, list, &m, &e) != FMT_OK)
		sg_die(list, &e);
	return m;
}

SG void sg_org(record *r)
{
	rec_org *o = &r->u.org;

	memset(r, 0, sizeof *r);
	r->kind = REC_ORG;
	sg_id(r->id, "sample organisation");
	r->version = 2;
	r->recorded_at = SG_T_RECORDS;
	strcpy(o->name, "Association Exemple \xe2\x80\x94 Hors les murs");
	o->kind = (uint8_t)sg_enum(&ENUM_ORG_KIND, "association");
	o->ndepts = 4;
	o->depts[0] = (uint8_t)sg_dept("2A");
	o->depts[1] = (uint8_t)sg_dept("75");
	o->depts[2] = (uint8_t)sg_dept("93");
	o->depts[3] = (uint8_t)sg_dept("971");
	strcpy(o->email, "contact@exemple.org");
	strcpy(o->phone, "01 23 45 67 89");
	strcpy(o->website, "https://exemple.org");
	strcpy(o->national_id, "W751234567");
}

SG void sg_action(record *r)
{
	rec_action *a = &r->u.action;

	memset(r, 0, sizeof *r);
	r->kind = REC_ACTION;
	sg_id(r->id, "sample action");
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 60;
	a->dept = (uint8_t)sg_dept("93");
	a->type = (uint8_t)sg_enum(&ENUM_ACTION_TYPE, "outreach");
	a->start = 20260302;
	a->end = 20260630;
	a->publics = sg_set(&ENUM_PUBLIC, "minors,young-adults");
	a->exploitation = sg_set(&ENUM_EXPLOITATION, "sexual,forced-crime");
	a->people = 42;
	strcpy(a->partners, "Barreau de Bobigny");
	strcpy(a->note, "Maraudes de nuit,\nsecteur gare du Nord \xc2\xab t\xc3\xa9moin \xc2\xbb.");
}

SG void sg_tombstone(record *r)
{
	memset(r, 0, sizeof *r);
	r->kind = REC_ACTION;
	r->deleted = 1;
	sg_id(r->id, "sample deleted action");
	r->version = 3;
	r->recorded_at = SG_T_RECORDS + 120;
}

/* Counts of the sample questionnaire (SG_QN_TABLES): three of table
 * victims, one of victims-origin. */
SG void sg_count(record *r, int which)
{
	static const struct {
		const char *table, *period, *dept;
		int ndims;
		const char *dims[4];
		uint32_t count;
	} s[] = {
		{ "victims", "2026-Q1", "75", 4, { "supported", "sexual", "f", "adult" }, 17 },
		{ "victims", "2026-03", "2A", 4, { "spotted", "labour", "m", "minor" }, 0 },
		{ "victims", "2026", "971", 4, { "supported", "domestic-servitude", "unknown",
						  "unknown" }, 3 },
		{ "victims-origin", "2026-Q2", "974", 2, { "supported", "NG" }, 5 },
	};
	rec_count *p = &r->u.count;
	char label[32];

	memset(r, 0, sizeof *r);
	r->kind = REC_COUNT;
	snprintf(label, sizeof label, "sample count %d", which);
	sg_id(r->id, label);
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 180 + which;
	strcpy(p->table, s[which].table);
	strcpy(p->period, s[which].period);
	p->dept = (uint8_t)sg_dept(s[which].dept);
	p->ndims = (uint8_t)s[which].ndims;
	for (int i = 0; i < s[which].ndims; i++)
		strcpy(p->dims[i], s[which].dims[i]);
	p->count = s[which].count;
}

/* The questionnaire of the sample kit: small, so that the vectors stay
 * readable; the default edition is in samples/questionnaire/. */
#define SG_QN_TABLES \
	"table,title_fr,title_en,help_fr,dim1,dim2,dim3,dim4,retired\r\n" \
	"victims,Victimes repérées et accompagnées,Victims spotted and supported," \
	"Comptez chaque victime une fois.,status,exploitation,sex,age,\r\n" \
	"victims-origin,Victimes par pays d'origine,Victims by country of origin,," \
	"status,country,,,\r\n"
#define SG_QN_LISTS \
	"list,value,label_fr,label_en,retired,rollup\r\n" \
	"country,,Pays d'origine,Country of origin,,\r\n" \
	"country,FR,France,France,,\r\n" \
	"country,NG,Nigeria,Nigeria,,\r\n" \
	"country,RO,Roumanie,Romania,,\r\n" \
	"country,unknown,Inconnu,Unknown,,\r\n"

SG questionnaire *sg_questionnaire(void)
{
	questionnaire *q = NULL;
	fmt_error e;

	if (qn_parse(SG_QN_TABLES, sizeof SG_QN_TABLES - 1, SG_QN_LISTS,
		     sizeof SG_QN_LISTS - 1, &q, NULL, NULL, &e) != FMT_OK)
		sg_die("qn_parse", &e);
	q->edition = 1;
	q->published = SG_T_KIT;
	return q;
}

SG void sg_training(record *r)
{
	rec_training *t = &r->u.training;

	memset(r, 0, sizeof *r);
	r->kind = REC_TRAINING;
	sg_id(r->id, "sample training");
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 240;
	t->date = 20260415;
	t->dept = (uint8_t)sg_dept("75");
	t->audiences = sg_set(&ENUM_AUDIENCE, "police,justice");
	t->participants = 24;
	t->minutes = 210;
	t->exploitation = sg_set(&ENUM_EXPLOITATION, "sexual,labour");
	strcpy(t->note, "Formation \xc2\xab rep\xc3\xa9rage des victimes \xc2\xbb");
}

/* The records of samples/vectors/records.bundle, in order. */
#define SG_RECORDS 8
SG void sg_records(record out[SG_RECORDS])
{
	sg_org(&out[0]);
	sg_action(&out[1]);
	sg_tombstone(&out[2]);
	sg_count(&out[3], 0);
	sg_count(&out[4], 1);
	sg_count(&out[5], 2);
	sg_count(&out[6], 3);
	sg_training(&out[7]);
}

/* A filler record for large bundles: an action whose note is 2000
 * pseudo-random letters, so that it compresses poorly. */
SG void sg_filler(record *r, unsigned n)
{
	static const char letters[] = "abcdefghijklmnopqrstuvwxyz ";
	uint32_t x = 2463534242u ^ (n * 2654435761u);
	char label[32];
	int i;

	sg_action(r);
	snprintf(label, sizeof label, "filler %u", n);
	sg_id(r->id, label);
	for (i = 0; i < REC_NOTE_MAX; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		r->u.action.note[i] = letters[x % 27];
	}
	r->u.action.note[REC_NOTE_MAX] = '\0';
}

/* The records of samples/vectors/full.bundle: every optional value left
 * out, every optional set empty, and tombstones of a count and of a
 * training. */
#define SG_SPARSE 6
SG void sg_sparse(record out[SG_SPARSE])
{
	record *r;

	r = &out[0];
	record_blank(r, REC_ORG);
	sg_id(r->id, "sparse organisation");
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 300;
	strcpy(r->u.org.name, "Collectif");
	r->u.org.kind = (uint8_t)sg_enum(&ENUM_ORG_KIND, "other");
	r->u.org.ndepts = 1;
	r->u.org.depts[0] = (uint8_t)sg_dept("01");

	r = &out[1];
	record_blank(r, REC_ACTION);
	sg_id(r->id, "sparse action");
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 301;
	r->u.action.dept = (uint8_t)sg_dept("2B");
	r->u.action.type = (uint8_t)sg_enum(&ENUM_ACTION_TYPE, "advocacy");
	r->u.action.start = 20260101;

	r = &out[2];
	record_blank(r, REC_TRAINING);
	sg_id(r->id, "sparse training");
	r->version = 1;
	r->recorded_at = SG_T_RECORDS + 302;
	r->u.training.date = 20260601;
	r->u.training.dept = (uint8_t)sg_dept("976");
	r->u.training.audiences = sg_set(&ENUM_AUDIENCE, "associations");
	r->u.training.participants = 1;

	/* A count of the least: a year, a count of 0. */
	r = &out[3];
	sg_count(r, 0);
	sg_id(r->id, "sparse count");
	r->recorded_at = SG_T_RECORDS + 303;
	strcpy(r->u.count.period, "2026");
	r->u.count.dept = (uint8_t)sg_dept("01");
	r->u.count.count = 0;

	r = &out[4];
	memset(r, 0, sizeof *r);
	r->kind = REC_COUNT;
	r->deleted = 1;
	sg_id(r->id, "sample count 1");
	r->version = 2;
	r->recorded_at = SG_T_RECORDS + 304;

	r = &out[5];
	memset(r, 0, sizeof *r);
	r->kind = REC_TRAINING;
	r->deleted = 1;
	sg_id(r->id, "sample training");
	r->version = 2;
	r->recorded_at = SG_T_RECORDS + 305;
}

/* The records of samples/vectors/text.bundle: free text with tabs, line
 * breaks, double quotes, backslashes and characters of two, three and
 * four bytes, stored verbatim: every writer of CSV, JSON, HTML or a
 * terminal line must escape them its own way. */
#define SG_TEXTS 3
SG void sg_texts(record out[SG_TEXTS])
{
	record *r;

	r = &out[0];
	sg_org(r);
	sg_id(r->id, "text organisation");
	strcpy(r->u.org.name, "Le \"Nid\"\tLyon \\ Villeurbanne");
	strcpy(r->u.org.website, "https://exemple.org/a\\b\"c");
	r->u.org.email[0] = r->u.org.phone[0] = r->u.org.national_id[0] = '\0';

	r = &out[1];
	sg_action(r);
	sg_id(r->id, "text action");
	strcpy(r->u.action.partners, "ASE\t93 \"urgence\" C:\\dossiers\\2026");
	strcpy(r->u.action.note, "Ligne 1\n\tLigne 2, \"entre guillemets\" \\ barre\n"
	       "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 fin\\");

	r = &out[2];
	sg_training(r);
	sg_id(r->id, "text training");
	strcpy(r->u.training.note, "\\\"\t\"\\");
}

/* The records of samples/vectors/blocks.bundle: actions whose notes are
 * 2000 pseudo-random printable characters (no quote, no backslash), so
 * that the records compress poorly and fill more than one block. */
#define SG_BLOCKS 40
SG void sg_noisy(record *r, unsigned n)
{
	uint32_t x = 2654435761u ^ (n * 40503u + 1);
	char label[32];
	int i;

	sg_action(r);
	snprintf(label, sizeof label, "noisy %u", n);
	sg_id(r->id, label);
	r->recorded_at = SG_T_RECORDS + 400 + n;
	for (i = 0; i < REC_NOTE_MAX;) {
		char ch;

		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		ch = (char)(' ' + x % 95);
		if (ch != '"' && ch != '\\')
			r->u.action.note[i++] = ch;
	}
	r->u.action.note[REC_NOTE_MAX] = '\0';
}

/* --- bundles ------------------------------------------------------------------ */

/* What goes into a bundle: records, then raw bytes, then a forge. */
struct sg_bundle_spec {
	const char *seed;
	const record *recs;
	unsigned nrecs;
	const uint8_t *raw;          /* added after the records, counted as raw_records */
	size_t raw_len;
	uint32_t raw_records;
	size_t zeros;                /* zero bytes added after that, counted as 0 records */
	const pubkeys *recipient;    /* NULL: the coordinator */
	const struct bundle_forge *forge;
	uint32_t flags;
};

SG uint8_t *sg_bundle(struct sg_ctx *c, const struct sg_bundle_spec *s, size_t *len,
		      bundle_info *info_out)
{
	static const uint8_t zero[65536];
	bundle_writer *w = NULL;
	bundle_info info;
	char path[4200];
	fmt_error e;
	size_t left, k;
	unsigned i;
	int fd;

	sg_seed(s->seed);
	memset(&info, 0, sizeof info);
	sg_id(info.bundle_id, s->seed);
	info.seq = 1;
	info.created = SG_T_BUNDLE;
	info.flags = s->flags;
	if (bundle_writer_open(&w, c->tmp, &e) != FMT_OK)
		sg_die("bundle_writer_open", &e);
	for (i = 0; i < s->nrecs; i++)
		if (bundle_writer_add(w, &s->recs[i], &e) != FMT_OK)
			sg_die("bundle_writer_add", &e);
	if (s->raw && bundle_writer_add_raw(w, s->raw, s->raw_len, s->raw_records, &e) != FMT_OK)
		sg_die("bundle_writer_add_raw", &e);
	for (left = s->zeros; left > 0; left -= k) {
		k = left < sizeof zero ? left : sizeof zero;
		if (bundle_writer_add_raw(w, zero, k, 0, &e) != FMT_OK)
			sg_die("bundle_writer_add_raw", &e);
	}
	if (s->forge)
		bundle_writer_forge(w, s->forge);
	sg_path(c, "bundle.tmp", path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0) {
		perror(path);
		exit(2);
	}
	if (bundle_writer_finish(w, c->collector, s->recipient ? s->recipient : &c->coord->pub,
				 &info, fd, &e) != FMT_OK)
		sg_die("bundle_writer_finish", &e);
	close(fd);
	bundle_writer_free(w);
	if (info_out)
		*info_out = info;
	return sg_slurp(path, len);
}

/* --- checking one file with the library's readers -------------------------- */

/* Reads the file `name` (its kind from its extension) with the reader
 * the programs use, as the sample coordinator.  For a bundle, every
 * record is read.  Appends the decoded content to out when not NULL.
 * Returns FMT_OK or the error, with its message in *err. */
SG int sg_check(const char *name, const uint8_t *data, size_t len, const identity *coord,
		const char *tmpdir, struct sg_text *out, fmt_error *err)
{
	const char *ext = strrchr(name, '.');
	char path[4200];
	int rc, fd;

	fmt_error_clear(err);
	if (!ext)
		return fmt_fail(err, FMT_E_IO, "%s: no extension", name);
	if (strcmp(ext, ".kit") == 0) {
		kit k;

		rc = kit_read(data, len, &k, err);
		if (rc == FMT_OK && out)
			sg_render_kit(out, &k);
		kit_free(&k);
		return rc;
	}
	if (strcmp(ext, ".request") == 0) {
		request *q = malloc(sizeof *q);

		if (!q)
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		rc = request_read(data, len, q, err);
		if (rc == FMT_OK && out)
			sg_render_request(out, q);
		free(q);
		return rc;
	}
	if (strcmp(ext, ".receipt") == 0) {
		receipt r;

		rc = receipt_read(data, len, coord->pub.sign_pk, &r, err);
		if (rc == FMT_OK && out)
			sg_render_receipt(out, &r);
		receipt_free(&r);
		return rc;
	}
	snprintf(path, sizeof path, "%s/check%s", tmpdir, ext);
	unlink(path);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write_all(fd, data, len, err) != FMT_OK) {
		if (fd >= 0)
			close(fd);
		return fmt_fail(err, FMT_E_IO, "%s: cannot copy to %s", name, path);
	}
	if (strcmp(ext, ".key") == 0) {
		identity *id = NULL;

		close(fd);
		rc = keys_load(&id, path, err);
		/* Name the sample rather than the scratch copy, so that the
		 * message does not depend on the scratch folder. */
		if (rc != FMT_OK && strncmp(err->detail, path, strlen(path)) == 0) {
			char rest[sizeof err->detail];

			snprintf(rest, sizeof rest, "%s", err->detail + strlen(path));
			snprintf(err->detail, sizeof err->detail, "%s%s", name, rest);
		}
		if (rc == FMT_OK && out) {
			sg_printf(out, "secret key file (test key: never use it for real data)\n");
			sg_render_pub(out, "identity", &id->pub);
		}
		keys_free(id);
		unlink(path);
		return rc;
	}
	if (strcmp(ext, ".bundle") == 0) {
		bundle_reader *br = NULL;
		bundle_info info;
		record rec;
		unsigned n = 0;

		rc = bundle_reader_open(&br, fd, coord, &info, err);
		if (rc == FMT_OK && out)
			sg_render_bundle_info(out, &info);
		while (rc == FMT_OK) {
			rc = bundle_reader_next(br, &rec, err);
			if (rc == FMT_OK && out)
				sg_render_record(out, ++n, &rec);
		}
		if (rc == FMT_DONE) {
			rc = FMT_OK;
			fmt_error_clear(err);
		}
		bundle_reader_free(br);
		close(fd);
		unlink(path);
		return rc;
	}
	close(fd);
	unlink(path);
	return fmt_fail(err, FMT_E_IO, "%s: unknown kind of file", name);
}

/* --- broken files --------------------------------------------------------------- */

/* Emits broken/<name>, after checking that it fails with `code`; records
 * the expectation and the message. */
SG void sg_broken(struct sg_ctx *c, const char *name, const char *what, int code,
		  const uint8_t *data, size_t len)
{
	char rel[256];
	fmt_error e;
	int rc;

	rc = sg_check(name, data, len, c->coord, c->tmp, NULL, &e);
	if (rc != code) {
		fprintf(stderr, "samplegen: broken/%s gives %s (%s), expected %s\n", name,
			sg_code_name(rc), fmt_error_message(&e), sg_code_name(code));
		c->failed = 1;
	}
	snprintf(rel, sizeof rel, "broken/%s", name);
	sg_emit(c, rel, data, len);
	sg_printf(&c->expected, "%s %s\n", name, sg_code_name(code));
	sg_printf(&c->readme, "| `%s` | %s | `%s` | %s |\n", name, what, sg_code_name(code),
		  fmt_error_message(&e));
}

/* Inner-header edits applied before signing (bundle_forge.edit_header). */
struct sg_edit {
	size_t off, n;
	uint8_t bytes[64];
};

SG void sg_apply_edit(uint8_t *hdr, void *arg)
{
	const struct sg_edit *ed = arg;

	memcpy(hdr + ed->off, ed->bytes, ed->n);
}

SG struct sg_edit sg_edit_u64(size_t off, size_t width, uint64_t v)
{
	struct sg_edit ed;

	memset(&ed, 0, sizeof ed);
	ed.off = off;
	ed.n = width;
	if (width == 1)
		ed.bytes[0] = (uint8_t)v;
	else if (width == 2)
		put_u16(ed.bytes, (uint16_t)v);
	else if (width == 4)
		put_u32(ed.bytes, (uint32_t)v);
	else
		put_u64(ed.bytes, v);
	return ed;
}

/* Encodes r and replaces, after its 32-byte header, the first `from`
 * by `to` (same length): a record the writer would refuse. */
SG size_t sg_patched(const record *r, const char *from, const char *to, uint8_t *buf)
{
	size_t len, i, n = strlen(from);
	fmt_error e;

	if (record_encode(r, buf, REC_ENCODED_MAX, &len, &e) != FMT_OK)
		sg_die("record_encode", &e);
	for (i = 32; i + n <= len; i++)
		if (memcmp(buf + i, from, n) == 0) {
			memcpy(buf + i, to, n);
			return len;
		}
	fprintf(stderr, "samplegen: \"%s\" not found in the record\n", from);
	exit(2);
}

/* A copy of data[0..len) with extra bytes appended (malloc()ed). */
SG uint8_t *sg_dup(const uint8_t *data, size_t len, const void *extra, size_t elen)
{
	uint8_t *p = malloc(len + elen + 1);

	if (!p)
		exit(2);
	memcpy(p, data, len);
	if (elen)
		memcpy(p + len, extra, elen);
	return p;
}

/* A signed file of any type and format version, built by hand so that
 * its body can be wrong: header | u32 length | body | Ed25519ph signature
 * by sk. */
SG uint8_t *sg_signed_v(uint8_t type, uint8_t version, const uint8_t *body, size_t blen,
			const uint8_t *sk, size_t *len)
{
	crypto_sign_state st;
	uint8_t *p = malloc(blen + 76);

	if (!p)
		exit(2);
	memcpy(p, "MLLG", 4);
	p[4] = type;
	p[5] = version;
	p[6] = FORMAT_SUITE;
	p[7] = 0;
	put_u32(p + 8, (uint32_t)blen);
	memcpy(p + 12, body, blen);
	crypto_sign_init(&st);
	crypto_sign_update(&st, p, blen + 12);
	crypto_sign_final_create(&st, p + 12 + blen, NULL, sk);
	*len = blen + 76;
	return p;
}

/* The same in the format version of this program. */
SG uint8_t *sg_signed(uint8_t type, const uint8_t *body, size_t blen, const uint8_t *sk,
		      size_t *len)
{
	return sg_signed_v(type, FORMAT_VERSION, body, blen, sk, len);
}

/* A kit put together by hand from the sample kit kitb: its keys,
 * reference data version and time, then name[0..nlen), then the u32
 * qlen and q[0..qn), validly signed by the coordinator, so that only
 * what is wrong in the parts is refused.  kitb's questionnaire is found
 * with sg_kit_qn(). */
SG uint8_t *sg_kit_made(const struct sg_ctx *c, const uint8_t *kitb, const char *name,
			size_t nlen, uint32_t qlen, const uint8_t *q, size_t qn, size_t *len)
{
	uint8_t *body = malloc(78 + nlen + 4 + qn + 1), *p;

	if (!body)
		exit(2);
	memcpy(body, kitb + 12, 76);
	put_u16(body + 76, (uint16_t)nlen);
	memcpy(body + 78, name, nlen);
	put_u32(body + 78 + nlen, qlen);
	if (qn)
		memcpy(body + 78 + nlen + 4, q, qn);
	p = sg_signed('K', body, 78 + nlen + 4 + qn, c->coord->sign_sk, len);
	free(body);
	return p;
}

/* The questionnaire's encoding inside kit kitb (a copy, malloc()ed). */
SG uint8_t *sg_kit_qn(const uint8_t *kitb, size_t *qlen)
{
	size_t n = get_u16(kitb + 12 + 76);

	*qlen = get_u32(kitb + 12 + 78 + n);
	return sg_dup(kitb + 12 + 78 + n + 4, *qlen, NULL, 0);
}

/* Emits name and name.expected.txt (the decoded content) in vectors/. */
SG void sg_vector(struct sg_ctx *c, const char *name, const uint8_t *data, size_t len)
{
	struct sg_text t = { 0 };
	char rel[256];
	fmt_error e;

	snprintf(rel, sizeof rel, "vectors/%s", name);
	sg_emit(c, rel, data, len);
	if (sg_check(name, data, len, c->coord, c->tmp, &t, &e) != FMT_OK) {
		fprintf(stderr, "samplegen: vectors/%s does not read back: %s\n", name,
			fmt_error_message(&e));
		c->failed = 1;
	}
	snprintf(rel, sizeof rel, "vectors/%s.expected.txt", name);
	sg_emit_text(c, rel, &t);
}

SG uint8_t *sg_key_file(struct sg_ctx *c, const identity *id, size_t *len)
{
	char path[4200];
	fmt_error e;

	sg_path(c, "saved.key", path);
	unlink(path);
	if (keys_save(id, path, &e) != FMT_OK)
		sg_die("keys_save", &e);
	return sg_slurp(path, len);
}

SG identity *sg_identity(const char *label)
{
	identity *id = NULL;
	fmt_error e;

	sg_seed(label);
	if (keys_generate(&id, &e) != FMT_OK)
		sg_die("keys_generate", &e);
	return id;
}

/* Emits a copy of data with byte `at` XORed with mask. */
SG void sg_broken_flip(struct sg_ctx *c, const char *name, const char *what, int code,
		       const uint8_t *data, size_t len, size_t at, uint8_t mask)
{
	uint8_t *p = sg_dup(data, len, NULL, 0);

	p[at] ^= mask;
	sg_broken(c, name, what, code, p, len);
	free(p);
}

/* Emits a bundle of the sample records made with an inner-header edit. */
SG void sg_broken_edit(struct sg_ctx *c, const char *name, const char *what, int code,
		       struct sg_edit ed)
{
	record recs[SG_RECORDS];
	struct bundle_forge f;
	struct sg_bundle_spec s;
	uint8_t *b;
	size_t len;

	sg_records(recs);
	memset(&f, 0, sizeof f);
	f.edit_header = sg_apply_edit;
	f.arg = &ed;
	memset(&s, 0, sizeof s);
	s.seed = name;
	s.recs = recs;
	s.nrecs = SG_RECORDS;
	s.forge = &f;
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, name, what, code, b, len);
	free(b);
}

/* The encoding of sg_count(0) with a fifth code before its count: a
 * record no writer makes (raw: REC_ENCODED_MAX bytes).  Returns its
 * length. */
SG size_t sg_count_5_dims(uint8_t *raw)
{
	uint8_t buf[REC_ENCODED_MAX];
	size_t len, at;
	record r;

	sg_count(&r, 0);
	if (record_encode(&r, buf, sizeof buf, &len, NULL) != FMT_OK)
		sg_die("record_encode", NULL);
	/* length, header, table, period, dept: then the number of codes */
	at = 2 + 30 + 2 + strlen(r.u.count.table) + 2 + strlen(r.u.count.period) + 3;
	if (buf[at] != 4) {
		fprintf(stderr, "samplegen: no count of codes where expected\n");
		exit(2);
	}
	memcpy(raw, buf, len - 4);
	raw[at] = 5;
	put_u16(raw + len - 4, 7);
	memcpy(raw + len - 2, "unknown", 7);
	memcpy(raw + len + 5, buf + len - 4, 4);
	put_u16(raw, (uint16_t)(len + 9 - 2));
	return len + 9;
}

SG void sg_broken_bundles(struct sg_ctx *c, const uint8_t *B, size_t BL, const bundle_info *bi,
			  const uint8_t *kitb, size_t kitl, const uint8_t *blocks)
{
	record recs[SG_RECORDS], one[2];
	struct bundle_forge f;
	struct sg_bundle_spec s;
	struct sg_edit ed;
	uint8_t raw[REC_ENCODED_MAX], *b;
	size_t len, rl;

	sg_records(recs);
	sg_broken(c, "empty.bundle", "empty file", FMT_E_TRUNCATED, B, 0);
	sg_broken(c, "truncated-header.bundle", "first 50 bytes only", FMT_E_TRUNCATED, B, 50);
	sg_broken(c, "truncated.bundle", "last 10 bytes cut off", FMT_E_DECRYPT, B, BL - 10);
	b = sg_dup(B, BL, "\r\n", 2);
	sg_broken(c, "trailing.bundle", "two bytes (CR LF) appended", FMT_E_TRAILING, b, BL + 2);
	free(b);
	b = sg_dup(B, BL, NULL, 0);
	b[5] = FORMAT_VERSION + 1;
	sg_broken(c, "version-outer.bundle", "outer header says version 3", FMT_E_VERSION, b, BL);
	b[5] = FORMAT_VERSION;
	b[6] = 2;
	sg_broken(c, "suite-outer.bundle", "outer header says suite 2", FMT_E_SUITE, b, BL);
	free(b);
	sg_broken_flip(c, "flip-outer-type.bundle", "one bit flipped in the outer header (type)",
		       FMT_E_MAGIC, B, BL, 4, 0x01);
	sg_broken_flip(c, "flip-outer-reserved.bundle",
		       "one bit flipped in the outer header (reserved byte)", FMT_E_RESERVED, B,
		       BL, 7, 0x20);
	sg_broken_flip(c, "flip-sealed-key.bundle", "one bit flipped in the sealed file key",
		       FMT_E_NOT_FOR_US, B, BL, 8 + 20, 0x10);
	sg_broken_flip(c, "flip-stream-header.bundle",
		       "one bit flipped in the secretstream header", FMT_E_DECRYPT, B, BL, 88 + 3,
		       0x04);
	sg_broken_flip(c, "flip-block.bundle", "one bit flipped in an encrypted block",
		       FMT_E_DECRYPT, B, BL, 112 + 300, 0x01);
	sg_broken(c, "not-a-bundle.bundle", "a kit given as a bundle", FMT_E_MAGIC, kitb, kitl);

	/* Valid encryption, inner content altered after signing. */
	memset(&s, 0, sizeof s);
	s.recs = recs;
	s.nrecs = SG_RECORDS;
	s.forge = &f;
	memset(&f, 0, sizeof f);
	f.flip_at = 152;
	f.flip_mask = 0x01;
	s.seed = "flip-inner-header";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "flip-inner-header.bundle",
		  "one bit flipped in the inner header (sequence) after signing", FMT_E_SIGNATURE,
		  b, len);
	free(b);
	f.flip_at = -1;
	f.flip_mask = 0x80;
	s.seed = "flip-signature";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "flip-signature.bundle", "one bit flipped in the signature",
		  FMT_E_SIGNATURE, b, len);
	free(b);
	memset(&f, 0, sizeof f);
	f.signer = c->forger;
	s.seed = "forged-signature";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "forged-signature.bundle",
		  "signed by another key while naming the enrolled collector", FMT_E_SIGNATURE, b,
		  len);
	free(b);

	s.forge = NULL;
	s.recipient = &c->other_pub;
	s.seed = "wrong-recipient";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "wrong-recipient.bundle", "encrypted to another coordinator",
		  FMT_E_NOT_FOR_US, b, len);
	free(b);
	s.recipient = NULL;

	memset(&ed, 0, sizeof ed);
	ed.off = 72;
	ed.n = 32;
	memcpy(ed.bytes, c->other_pub.sign_pk, 32);
	sg_broken_edit(c, "wrong-recipient-inner.bundle",
		       "encrypted to this coordinator, but its signed header names another",
		       FMT_E_NOT_FOR_US, ed);
	memset(&ed, 0, sizeof ed);
	ed.n = 4;
	memcpy(ed.bytes, "MLLX", 4);
	sg_broken_edit(c, "inner-magic.bundle", "inner header magic \"MLLX\"", FMT_E_MAGIC, ed);
	sg_broken_edit(c, "version-inner.bundle", "inner header says version 3", FMT_E_VERSION,
		       sg_edit_u64(4, 1, FORMAT_VERSION + 1));
	sg_broken_edit(c, "suite-inner.bundle", "inner header says suite 2", FMT_E_SUITE,
		       sg_edit_u64(5, 1, 2));
	sg_broken_edit(c, "inner-reserved.bundle",
		       "inner header reason length 1 without the flag sent despite errors",
		       FMT_E_RESERVED, sg_edit_u64(6, 2, 1));
	sg_broken_edit(c, "unknown-flags.bundle", "inner header sets flag 0x4", FMT_E_RESERVED,
		       sg_edit_u64(168, 4, 4));
	sg_broken_edit(c, "override-no-reason.bundle",
		       "inner header sets the flag sent despite errors (0x2), reason length 0",
		       FMT_E_LENGTH, sg_edit_u64(168, 4, 2));
	sg_broken_edit(c, "count-too-high.bundle", "declares 9 records, holds 8", FMT_E_COUNT,
		       sg_edit_u64(172, 4, SG_RECORDS + 1));
	sg_broken_edit(c, "count-too-low.bundle", "declares 7 records, holds 8", FMT_E_COUNT,
		       sg_edit_u64(172, 4, SG_RECORDS - 1));
	sg_broken_edit(c, "too-many-records.bundle", "declares 3000000 records", FMT_E_LENGTH,
		       sg_edit_u64(172, 4, 3000000));
	sg_broken_edit(c, "comp-len.bundle", "declared compressed length one byte too long",
		       FMT_E_LENGTH, sg_edit_u64(184, 8, bi->comp_len + 1));
	sg_broken_edit(c, "record-past-end.bundle",
		       "declared records length one byte short: the last record is cut",
		       FMT_E_RECORD, sg_edit_u64(176, 8, bi->plain_len - 1));
	sg_broken_edit(c, "ratio.bundle", "declares 512 MiB of records from a few hundred bytes",
		       FMT_E_RATIO, sg_edit_u64(176, 8, 512ull << 20));
	sg_broken_edit(c, "declared-size.bundle", "declares 4 GiB of records",
		       FMT_E_DECLARED_SIZE, sg_edit_u64(176, 8, 4ull << 30));

	/* Decompression bomb: a valid record, then 8 MiB of zeros that
	 * compress to a few kilobytes, all declared as the record's length. */
	sg_count(&one[0], 0);
	if (record_encode(&one[0], raw, sizeof raw, &rl, NULL) != FMT_OK)
		sg_die("record_encode", NULL);
	ed = sg_edit_u64(176, 8, rl);
	memset(&f, 0, sizeof f);
	f.edit_header = sg_apply_edit;
	f.arg = &ed;
	memset(&s, 0, sizeof s);
	s.seed = "bomb";
	s.recs = one;
	s.nrecs = 1;
	s.zeros = 8u << 20;
	s.forge = &f;
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "bomb.bundle",
		  "decompression bomb: 8 MiB of zeros behind one record, declared as "
		  "that record's length",
		  FMT_E_DECOMPRESS, b, len);
	free(b);

	/* Signed and encrypted properly, but holding a record that does not
	 * validate: the writer would refuse it, so it goes in raw. */
	memset(&s, 0, sizeof s);
	s.recs = recs;
	s.nrecs = 1;                 /* the organisation */
	s.raw = raw;
	s.raw_records = 1;
	sg_count(&one[1], 3);        /* département 974 */
	s.raw_len = sg_patched(&one[1], "974", "975", raw);
	s.seed = "dept-975";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "dept-975.bundle", "a count for département \"975\"", FMT_E_FIELD,
		  b, len);
	free(b);
	sg_count(&one[1], 0);
	s.raw_len = sg_patched(&one[1], "victims", "vict ms", raw);
	s.seed = "count-table-code";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "count-table-code.bundle", "a count whose table code holds a blank",
		  FMT_E_FIELD, b, len);
	free(b);
	s.raw_len = sg_count_5_dims(raw);
	s.seed = "count-5-dims";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "count-5-dims.bundle", "a count of five codes (a table has four at most)",
		  FMT_E_FIELD, b, len);
	free(b);
	s.raw_len = sg_patched(&recs[1], "Maraudes", "\xff" "araudes", raw);
	s.seed = "bad-utf8";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "bad-utf8-note.bundle", "an action whose note is not valid UTF-8",
		  FMT_E_FIELD, b, len);
	free(b);
	s.raw_len = sg_patched(&recs[4], "2A", "2a", raw);
	s.seed = "noncanonical";
	b = sg_bundle(c, &s, &len, NULL);
	sg_broken(c, "noncanonical-record.bundle",
		  "a count for département \"2a\" (must be written \"2A\")",
		  FMT_E_NONCANONICAL, b, len);
	free(b);

	/* The bundle of several blocks of vectors/, cut just after its
	 * first block. */
	sg_broken(c, "truncated-at-block.bundle",
		  "vectors/blocks.bundle cut after its first block", FMT_E_NO_FINAL, blocks,
		  112 + 65553);
}

SG void sg_broken_signed(struct sg_ctx *c, const uint8_t *kitb, size_t kitl,
			 const uint8_t *reqb, size_t reql, const uint8_t *recb, size_t recl,
			 const uint8_t *B, size_t BL, const uint8_t *keyb, size_t keyl)
{
	uint8_t body[512 + REC_ENCODED_MAX], *p, *q;
	record r;
	size_t len, rl, qlen, nlen = get_u16(kitb + 12 + 76);

	/* kits */
	sg_broken(c, "kit-truncated.kit", "last byte cut off", FMT_E_TRUNCATED, kitb, kitl - 1);
	p = sg_dup(kitb, kitl, "\n", 1);
	sg_broken(c, "kit-trailing.kit", "a line end appended", FMT_E_TRAILING, p, kitl + 1);
	free(p);
	sg_broken_flip(c, "kit-flip-signature.kit", "one bit flipped in the signature",
		       FMT_E_SIGNATURE, kitb, kitl, kitl - 5, 0x02);
	sg_broken_flip(c, "kit-flip-name.kit", "one bit flipped in the coordination's name",
		       FMT_E_SIGNATURE, kitb, kitl, 12 + 78 + 2, 0x20);
	sg_broken_flip(c, "kit-flip-questionnaire.kit",
		       "one bit flipped in the questionnaire (a table's title)", FMT_E_SIGNATURE,
		       kitb, kitl, kitl - 64 - 40, 0x04);
	sg_broken_flip(c, "kit-version.kit", "header says version 3", FMT_E_VERSION, kitb, kitl,
		       5, 0x01);
	/* A kit as version 1 wrote them, validly signed: keys, reference
	 * data version, time and name, no questionnaire. */
	p = sg_signed_v('K', 1, kitb + 12, 78 + nlen, c->coord->sign_sk, &len);
	sg_broken(c, "kit-v1.kit", "a kit of format version 1 (no questionnaire), validly signed",
		  FMT_E_VERSION, p, len);
	free(p);
	sg_broken(c, "bundle-as-kit.kit", "a bundle given as a kit", FMT_E_MAGIC, B, BL < 4096 ?
		  BL : 4096);

	/* Validly signed kits, wrong inside. */
	q = sg_kit_qn(kitb, &qlen);
	p = sg_kit_made(c, kitb, "Co\xc3(x", 5, (uint32_t)qlen, q, qlen, &len);
	sg_broken(c, "kit-bad-name.kit", "validly signed, name not valid UTF-8", FMT_E_FIELD, p,
		  len);
	free(p);
	p = sg_kit_made(c, kitb, "Coordination\tnationale", 22, (uint32_t)qlen, q, qlen, &len);
	sg_broken(c, "kit-name-tab.kit", "validly signed, a TAB in the coordination's name",
		  FMT_E_FIELD, p, len);
	free(p);
	p = sg_kit_made(c, kitb, (const char *)kitb + 12 + 78, nlen, (uint32_t)qlen - 1, q, qlen - 1, &len);
	sg_broken(c, "kit-qn-truncated.kit",
		  "validly signed, its questionnaire's last byte cut (the length agrees)",
		  FMT_E_TRUNCATED, p, len);
	free(p);
	put_u16(q + qlen - 2, 9);    /* the last table's last dimension: list 10 of 5 */
	p = sg_kit_made(c, kitb, (const char *)kitb + 12 + 78, nlen, (uint32_t)qlen, q, qlen, &len);
	sg_broken(c, "kit-qn-unknown-list.kit",
		  "validly signed, its questionnaire's table victims-origin names a list that is "
		  "not there", FMT_E_FIELD, p, len);
	free(p);
	free(q);
	q = sg_kit_qn(kitb, &qlen);
	put_u32(q, 0);
	put_i64(q + 4, 0);
	p = sg_kit_made(c, kitb, (const char *)kitb + 12 + 78, nlen, (uint32_t)qlen, q, qlen, &len);
	sg_broken(c, "kit-qn-unpublished.kit",
		  "validly signed, its questionnaire never published (edition 0)", FMT_E_FIELD, p,
		  len);
	free(p);
	free(q);

	/* requests */
	sg_broken_flip(c, "request-flip.request", "one bit flipped in the organisation's name",
		       FMT_E_SIGNATURE, reqb, reql, 12 + 104 + 34, 0x01);
	memcpy(body, reqb + 12, 104);
	sg_action(&r);
	if (record_encode(&r, body + 104, REC_ENCODED_MAX, &rl, NULL) != FMT_OK)
		sg_die("record_encode", NULL);
	p = sg_signed('Q', body, 104 + rl, c->collector->sign_sk, &len);
	sg_broken(c, "request-not-org.request", "validly signed, holding an action record",
		  FMT_E_RECORD, p, len);
	free(p);
	sg_org(&r);
	r.u.org.depts[3] = (uint8_t)sg_dept("974");
	rl = sg_patched(&r, "974", "975", body + 104);
	p = sg_signed('Q', body, 104 + rl, c->collector->sign_sk, &len);
	sg_broken(c, "request-dept-975.request",
		  "validly signed, organisation active in département \"975\"",
		  FMT_E_FIELD, p, len);
	free(p);

	/* receipts */
	p = sg_signed('R', recb + 12, recl - 76, c->forger->sign_sk, &len);
	sg_broken(c, "receipt-forged.receipt",
		  "names this coordinator, signed by another key", FMT_E_SIGNATURE, p, len);
	free(p);
	memcpy(body, recb + 12, 132);
	memcpy(body, c->other->pub.sign_pk, 32);
	put_u32(body + 128, 0);
	p = sg_signed('R', body, 132, c->other->sign_sk, &len);
	sg_broken(c, "receipt-other-coordinator.receipt", "issued by another coordinator",
		  FMT_E_WRONG_SIGNER, p, len);
	free(p);
	memcpy(body, recb + 12, recl - 76);
	put_u32(body + 128, get_u32(body + 128) + 1);
	p = sg_signed('R', body, recl - 76, c->coord->sign_sk, &len);
	sg_broken(c, "receipt-count.receipt", "declares one entry more than it holds",
		  FMT_E_LENGTH, p, len);
	free(p);

	/* secret key files */
	sg_broken_flip(c, "key-damaged.key", "one bit flipped in the secret key",
		       FMT_E_KEYFILE, keyb, keyl, 50, 0x08);
	sg_broken(c, "key-truncated.key", "first 100 bytes only", FMT_E_KEYFILE, keyb, 100);
}

static const char SG_VECTORS_README[] =
"# Test vectors\n"
"\n"
"Made by `build/tools/mksamples samples` (tests/tools/mksamples.c) and\n"
"checked by tests/unit/test_samples.c, which makes them again and compares\n"
"them byte for byte.  Every random byte comes from the deterministic\n"
"generator of `format_use_deterministic_rng()`, seeded before each file\n"
"with the ASCII bytes of `maillage-sample/<label>` padded with zeros to\n"
"32 bytes; times are fixed.  Each `X.expected.txt` is the decoded content\n"
"of `X` as the library reads it.\n"
"\n"
"**`coordinator.key` and `collector.key` are TEST KEYS, published on\n"
"purpose. Never use them for real data.**  Git does not keep file modes:\n"
"`chmod 600` them before giving them to a program (it refuses a secret key\n"
"file that other users can read).\n"
"\n"
"| file | what |\n"
"|---|---|\n"
"| `coordinator.key` | secret key file of the sample coordinator (label `coordinator`) |\n"
"| `collector.key` | secret key file of the sample collector (label `collector`) |\n"
"| `coordinator.kit` | kit of the sample coordinator, carrying a small questionnaire "
"(edition 1: tables `victims` and `victims-origin`, list `country`) |\n"
"| `collector.request` | enrollment request of the sample collector, for that coordinator |\n"
"| `records.bundle` | bundle from the collector to the coordinator: an organisation, an "
"action, a deleted action, three counts of table `victims` and one of `victims-origin`, a "
"training (label `records`) |\n"
"| `records.receipt` | the coordinator's receipt for that bundle |\n"
"| `empty.bundle` | a bundle holding no record (label `empty`) |\n"
"| `full.bundle` | a full export (flag FULL): an organisation, an action and a training "
"with every optional value left out and every optional set empty, a count of 0 for a "
"year, a deleted count and a deleted training (label `full`) |\n"
"| `text.bundle` | free text with tabs, line breaks, double quotes, backslashes and "
"characters of two to four bytes, stored verbatim (label `text`); `expected.txt` shows "
"them escaped as `\\t`, `\\n`, `\\\"` and `\\\\` |\n"
"| `blocks.bundle` | a bundle of more than one encrypted block: 40 actions whose notes "
"are 2000 pseudo-random characters (label `blocks`) |\n";

SG int sg_generate(int (*sink)(void *, const char *, const uint8_t *, size_t), void *arg)
{
	struct sg_ctx c;
	const char *tmpenv = getenv("TMPDIR");
	record recs[SG_RECORDS], sparse[SG_SPARSE], texts[SG_TEXTS], *noisy;
	bundle_info bi;
	struct sg_bundle_spec s;
	receipt_writer *rw = NULL;
	receipt h;
	request *q;
	kit k;
	fmt_error e;
	uint8_t *kitb, *reqb, *B, *recb, *ckey, *lkey, *b, *blocks;
	size_t kitl, reql, BL, recl, ckeyl, lkeyl, bl, blocksl;
	struct sg_text t = { 0 };
	char path[4200];
	unsigned i;
	int fd;

	memset(&c, 0, sizeof c);
	c.sink = sink;
	c.arg = arg;
	snprintf(c.tmp, sizeof c.tmp, "%s/maillage-samples.XXXXXX",
		 tmpenv && *tmpenv ? tmpenv : "/tmp");
	if (!mkdtemp(c.tmp)) {
		perror("mkdtemp");
		return 1;
	}
	/* libsodium draws a canary at initialisation: seed once for that,
	 * then again before each key, so that the keys do not depend on
	 * whether the library was initialised before. */
	sg_seed("init");
	if (format_init(&e) != FMT_OK)
		sg_die("format_init", &e);

	c.coord = sg_identity("coordinator");
	c.collector = sg_identity("collector");
	c.other = sg_identity("other-coordinator");
	c.forger = sg_identity("forger");
	c.other_pub = c.other->pub;

	ckey = sg_key_file(&c, c.coord, &ckeyl);
	lkey = sg_key_file(&c, c.collector, &lkeyl);
	sg_vector(&c, "coordinator.key", ckey, ckeyl);
	sg_vector(&c, "collector.key", lkey, lkeyl);

	memset(&k, 0, sizeof k);
	k.coord = c.coord->pub;
	k.refdata_version = REFDATA_VERSION;
	k.created = SG_T_KIT;
	strcpy(k.name, "Coordination nationale (exemple)");
	k.qn = sg_questionnaire();
	if (kit_write(c.coord, &k, &kitb, &kitl, &e) != FMT_OK)
		sg_die("kit_write", &e);
	kit_free(&k);
	sg_vector(&c, "coordinator.kit", kitb, kitl);

	q = calloc(1, sizeof *q);
	if (!q)
		exit(2);
	q->collector = c.collector->pub;
	memcpy(q->coord_sign_pk, c.coord->pub.sign_pk, KEY_SIGN_PK);
	q->created = SG_T_REQUEST;
	sg_org(&q->org);
	if (request_write(c.collector, q, &reqb, &reql, &e) != FMT_OK)
		sg_die("request_write", &e);
	free(q);
	sg_vector(&c, "collector.request", reqb, reql);

	sg_records(recs);
	memset(&s, 0, sizeof s);
	s.seed = "records";
	s.recs = recs;
	s.nrecs = SG_RECORDS;
	B = sg_bundle(&c, &s, &BL, &bi);
	sg_vector(&c, "records.bundle", B, BL);

	memset(&h, 0, sizeof h);
	memcpy(h.coord_sign_pk, c.coord->pub.sign_pk, KEY_SIGN_PK);
	memcpy(h.collector_sign_pk, c.collector->pub.sign_pk, KEY_SIGN_PK);
	memcpy(h.bundle_id, bi.bundle_id, 16);
	h.seq = bi.seq;
	memcpy(h.bundle_hash, bi.file_hash, 32);
	h.merged_at = SG_T_MERGED;
	h.count = SG_RECORDS;
	sg_path(&c, "receipt.tmp", path);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || receipt_writer_open(&rw, fd, &h, &e) != FMT_OK)
		sg_die("receipt_writer_open", &e);
	for (i = 0; i < SG_RECORDS; i++)
		if (receipt_writer_add(rw, recs[i].id, recs[i].version, &e) != FMT_OK)
			sg_die("receipt_writer_add", &e);
	if (receipt_writer_finish(rw, c.coord, &e) != FMT_OK)
		sg_die("receipt_writer_finish", &e);
	receipt_writer_free(rw);
	close(fd);
	recb = sg_slurp(path, &recl);
	sg_vector(&c, "records.receipt", recb, recl);
	/* More bundles, each for what it shows. */
	memset(&s, 0, sizeof s);
	s.seed = "empty";
	b = sg_bundle(&c, &s, &bl, NULL);
	sg_vector(&c, "empty.bundle", b, bl);
	free(b);
	sg_sparse(sparse);
	memset(&s, 0, sizeof s);
	s.seed = "full";
	s.recs = sparse;
	s.nrecs = SG_SPARSE;
	s.flags = BUNDLE_FLAG_FULL;
	b = sg_bundle(&c, &s, &bl, NULL);
	sg_vector(&c, "full.bundle", b, bl);
	free(b);
	sg_texts(texts);
	memset(&s, 0, sizeof s);
	s.seed = "text";
	s.recs = texts;
	s.nrecs = SG_TEXTS;
	b = sg_bundle(&c, &s, &bl, NULL);
	sg_vector(&c, "text.bundle", b, bl);
	free(b);
	noisy = calloc(SG_BLOCKS, sizeof *noisy);
	if (!noisy)
		exit(2);
	for (i = 0; i < SG_BLOCKS; i++)
		sg_noisy(&noisy[i], i);
	memset(&s, 0, sizeof s);
	s.seed = "blocks";
	s.recs = noisy;
	s.nrecs = SG_BLOCKS;
	blocks = sg_bundle(&c, &s, &blocksl, NULL);
	free(noisy);
	if (blocksl <= 112 + 65553) {
		fprintf(stderr, "samplegen: vectors/blocks.bundle has a single block\n");
		c.failed = 1;
		blocks = realloc(blocks, 112 + 65553);
		if (!blocks)
			exit(2);
	}
	sg_vector(&c, "blocks.bundle", blocks, blocksl);

	sg_printf(&t, "%s", SG_VECTORS_README);
	sg_emit_text(&c, "vectors/README.md", &t);

	sg_broken_bundles(&c, B, BL, &bi, kitb, kitl, blocks);
	free(blocks);
	sg_broken_signed(&c, kitb, kitl, reqb, reql, recb, recl, B, BL, ckey, ckeyl);

	sg_emit_text(&c, "broken/EXPECTED", &c.expected);
	sg_printf(&t,
		  "# Broken files\n"
		  "\n"
		  "Each file here must be refused with the error code given, by the\n"
		  "reader of its kind (the extension), reading as the sample coordinator\n"
		  "of `../vectors/`.  `EXPECTED` lists the same in a form for programs\n"
		  "(`file CODE`); tests/unit/test_samples.c checks every line.  They are\n"
		  "made by `build/tools/mksamples samples` from the vectors, and most\n"
		  "bundles are validly signed and encrypted around the fault, so that the\n"
		  "checks behind the signature are reached.  The message is the detail\n"
		  "the library gives; the programs put the file name in front.\n"
		  "\n"
		  "| file | what is wrong | code | message |\n"
		  "|---|---|---|---|\n"
		  "%s", c.readme.p ? c.readme.p : "");
	free(c.readme.p);
	sg_emit_text(&c, "broken/README.md", &t);

	free(kitb);
	free(reqb);
	free(B);
	free(recb);
	sodium_memzero(ckey, ckeyl);
	sodium_memzero(lkey, lkeyl);
	free(ckey);
	free(lkey);
	keys_free(c.coord);
	keys_free(c.collector);
	keys_free(c.other);
	keys_free(c.forger);
	if (rmdir(c.tmp) != 0) {
		fprintf(stderr, "samplegen: %s: not empty after the run\n", c.tmp);
		c.failed = 1;
	}
	return c.failed;
}

#endif
