/*
 * qn_codec.c - the questionnaire's canonical binary encoding, the form the
 * kit carries (docs/QUESTIONNAIRE.md, "The binary encoding").
 *
 * The encoder validates before it writes a byte; the decoder checks every
 * length against its cap before it reads or allocates, refuses reserved
 * flag bits and trailing bytes, applies qn_validate() to what it read, and
 * encodes the result again to compare with its input, so that a check
 * forgotten on one side cannot let a second spelling of a questionnaire
 * through.
 */
#include "questionnaire.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "qn_priv.h"
#include "value_priv.h"

#define QN_NO_ROLLUP    0xFFFFu  /* a list's rollup on the wire when it has none */
#define QN_FLAG         0x01u    /* the one defined bit of a flags byte */
#define QN_NO_TABLE     0xFFFFu  /* a side of a rule without table */
/* The smallest rules section: its count, then one rule of a 1-byte code,
 * empty messages, kind, severity, two sides without table, constant. */
#define QN_RULES_WIRE_MIN (2 + 3 + 2 + 2 + 1 + 1 + 2 + 2 + 4)

/* The largest valid encoding, every count and length at its cap: a
 * value is 3 strings, a flags byte and a rollup index; a list its code,
 * its 2 labels, flags, rollup, count and values; a table 4 strings, flags,
 * the number of dimensions and their indexes. */
#define QN_VALUE_WIRE_MAX (2 + QN_CODE_MAX + 2 * (2 + QN_LABEL_MAX) + 1 + 2)
#define QN_LIST_WIRE_MAX  (2 + QN_CODE_MAX + 2 * (2 + QN_LABEL_MAX) + 1 + 2 + 2 + \
			   QN_VALUES_MAX * QN_VALUE_WIRE_MAX)
#define QN_TABLE_WIRE_MAX (2 + QN_CODE_MAX + 2 * (2 + QN_LABEL_MAX) + 2 + QN_HELP_MAX + 2 + \
			   2 * QN_DIMS_MAX)
#define QN_SIDE_WIRE_MAX  (2 + QN_DIMS_MAX * (2 + 2 * QN_FILTER_MAX))
#define QN_RULE_WIRE_MAX  (2 + QN_CODE_MAX + 2 * (2 + QN_MESSAGE_MAX) + 2 + 2 * QN_SIDE_WIRE_MAX + 4)
_Static_assert(4 + 8 + 2 + (size_t)QN_ALL_LISTS * QN_LIST_WIRE_MAX + 2 +
	       (size_t)QN_TABLES_MAX * QN_TABLE_WIRE_MAX + 2 +
	       (size_t)QN_RULES_MAX * QN_RULE_WIRE_MAX <= QN_ENCODED_MAX,
	       "QN_ENCODED_MAX must bound every valid encoding");

/* ------------------------------------------------------------------ */
/* Binary encoding                                                     */

/* A side of a rule: its table, then for each dimension of it the values
 * it is restricted to. */
static void enc_side(struct enc *e, const questionnaire *q, const qn_side *s)
{
	int k, i;

	enc_u16(e, s->table < 0 ? QN_NO_TABLE : (unsigned)s->table);
	if (s->table < 0)
		return;
	for (k = 0; k < q->tables[s->table].ndims; k++) {
		enc_u16(e, (unsigned)s->nvalues[k]);
		for (i = 0; i < s->nvalues[k]; i++)
			enc_u16(e, s->values[k][i]);
	}
}

/* q was validated: every count and length fits its field. */
static void encode(struct enc *e, const questionnaire *q)
{
	uint8_t b[8];
	int li, v, ti, k, ri;

	put_u32(b, q->edition);
	enc_bytes(e, b, 4);
	put_i64(b, q->published);
	enc_bytes(e, b, 8);
	enc_u16(e, (unsigned)q->nlists);
	for (li = 0; li < q->nlists; li++) {
		const qn_list *l = &q->lists[li];

		enc_str(e, l->t.name);
		enc_str(e, l->label_fr);
		enc_str(e, l->label_en);
		enc_u8(e, l->builtin ? QN_FLAG : 0);
		enc_u16(e, l->rollup < 0 ? QN_NO_ROLLUP : (unsigned)l->rollup);
		enc_u16(e, (unsigned)l->t.count);
		for (v = 0; v < l->t.count; v++) {
			enc_str(e, l->t.items[v].code);
			enc_str(e, l->t.items[v].fr);
			enc_str(e, l->t.items[v].en);
			enc_u8(e, l->retired[v] ? QN_FLAG : 0);
			if (l->rollup >= 0)
				enc_u16(e, (unsigned)l->rollup_of[v]);
		}
	}
	enc_u16(e, (unsigned)q->ntables);
	for (ti = 0; ti < q->ntables; ti++) {
		const qn_table *t = &q->tables[ti];

		enc_str(e, t->code);
		enc_str(e, t->title_fr);
		enc_str(e, t->title_en);
		enc_str(e, t->help_fr);
		enc_u8(e, t->retired ? QN_FLAG : 0);
		enc_u8(e, (unsigned)t->ndims);
		for (k = 0; k < t->ndims; k++)
			enc_u16(e, (unsigned)t->dims[k]);
	}
	/* The rules: only when there are any, so that a questionnaire without
	 * rules ends with its tables. */
	if (!q->nrules)
		return;
	enc_u16(e, (unsigned)q->nrules);
	for (ri = 0; ri < q->nrules; ri++) {
		const qn_rule *r = &q->rules[ri];

		enc_str(e, r->code);
		enc_str(e, r->message_fr);
		enc_str(e, r->message_en);
		enc_u8(e, (unsigned)r->kind);
		enc_u8(e, (unsigned)r->severity);
		enc_side(e, q, &r->left);
		enc_side(e, q, &r->right);
		put_u32(b, r->constant);
		enc_bytes(e, b, 4);
	}
}

/* encode() into a buffer of the size a first pass measured. */
static int encode_alloc(const questionnaire *q, uint8_t **buf, size_t *len, fmt_error *err)
{
	struct enc e = { NULL, 0, 0 };

	encode(&e, q);
	e.cap = e.n;
	e.n = 0;
	if (!(e.p = malloc(e.cap)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory (%zu bytes)", e.cap);
	encode(&e, q);
	*buf = e.p;
	*len = e.n;
	return FMT_OK;
}

/* q is any questionnaire from memory: validated before a byte is written. */
int qn_encode(const questionnaire *q, uint8_t **buf, size_t *len, fmt_error *err)
{
	struct sink s;

	*buf = NULL;
	*len = 0;
	if (!q)
		return fmt_fail(err, FMT_E_FIELD, "no questionnaire");
	qn_sink_init(&s, NULL, NULL, "");
	qn_validate(q, &s);
	if (s.count) {
		if (err)
			*err = s.first;
		return s.first.code;
	}
	return encode_alloc(q, buf, len, err);
}

/* ------------------------------------------------------------------ */
/* Binary decoding                                                     */

static int truncated(fmt_error *err, const char *what)
{
	return fmt_fail(err, FMT_E_TRUNCATED, "questionnaire truncated in %s", what);
}

static int dec_u16(struct cursor *c, const char *what, uint16_t *v, fmt_error *err)
{
	return cursor_u16(c, v) ? truncated(err, what) : FMT_OK;
}

/* A flags byte: bit 0 into *v, the other bits reserved. */
static int dec_flag(struct cursor *c, const char *what, int *v, fmt_error *err)
{
	uint8_t b;

	if (cursor_u8(c, &b))
		return truncated(err, what);
	if (b & ~QN_FLAG)
		return fmt_fail_field(err, FMT_E_RESERVED, FMT_R_NONE, what,
				      "flags 0x%02x: only bit 0 is defined", b);
	*v = b & QN_FLAG;
	return FMT_OK;
}

/* A string of at most max bytes, checked as text before it is copied (a
 * NUL inside would shorten it silently). */
static int dec_str(struct cursor *c, const char *what, size_t max, char **out, fmt_error *err)
{
	const uint8_t *p;
	const char *why;
	uint16_t n;
	size_t at;

	if (cursor_u16(c, &n))
		return truncated(err, what);
	if (n > max)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_TOO_LONG, what,
				      "%u bytes, more than %zu", (unsigned)n, max);
	if (cursor_view(c, &p, n))
		return truncated(err, what);
	why = text_check((const char *)p, n, 0, &at);
	if (why)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_TEXT, what, "%s at byte %zu", why,
				      at + 1);
	if (!(*out = copy_mem(p, n)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	return FMT_OK;
}

/* dec_str() into a field that enum_table declares const. */
static int dec_cstr(struct cursor *c, const char *what, size_t max, const char **out,
		    fmt_error *err)
{
	char *p = NULL;
	int rc = dec_str(c, what, max, &p, err);

	*out = p;
	return rc;
}

/* One list into l (zeroed, already counted in q->nlists so that qn_free
 * releases whatever was read). */
static int dec_list(struct cursor *c, qn_list *l, fmt_error *err)
{
	uint16_t rollup = 0, n = 0, idx = 0;
	enum_item *it;
	int rc, flag, v;
	size_t least;

	l->rollup = -1;
	if ((rc = dec_cstr(c, "list", QN_CODE_MAX, &l->t.name, err)) ||
	    (rc = dec_str(c, "label_fr", QN_LABEL_MAX, &l->label_fr, err)) ||
	    (rc = dec_str(c, "label_en", QN_LABEL_MAX, &l->label_en, err)) ||
	    (rc = dec_flag(c, "list", &l->builtin, err)) ||
	    (rc = dec_u16(c, "rollup", &rollup, err)) || (rc = dec_u16(c, "value", &n, err)))
		return rc;
	if (n == 0)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, "value",
				      "list without value");
	if (n > QN_VALUES_MAX)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "value",
				      "%u values, more than %d", (unsigned)n, QN_VALUES_MAX);
	/* Nothing is allocated for values the bytes cannot hold: each takes
	 * at least three lengths, a code byte, a label byte and its flags. */
	least = (size_t)n * (2 + 1 + 2 + 1 + 2 + 1 + (rollup != QN_NO_ROLLUP ? 2 : 0));
	if (cursor_left(c) < least)
		return truncated(err, "values");
	if (qn_list_alloc(l, n))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	if (rollup != QN_NO_ROLLUP) {
		l->rollup = rollup;
		if (!(l->rollup_of = calloc(n, sizeof *l->rollup_of)))
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	}
	it = items_of(l);
	for (v = 0; v < n; v++) {
		l->t.count++;
		if ((rc = dec_cstr(c, "value", QN_CODE_MAX, &it[v].code, err)) ||
		    (rc = dec_cstr(c, "label_fr", QN_LABEL_MAX, &it[v].fr, err)) ||
		    (rc = dec_cstr(c, "label_en", QN_LABEL_MAX, &it[v].en, err)) ||
		    (rc = dec_flag(c, "retired", &flag, err)))
			return rc;
		l->retired[v] = (uint8_t)flag;
		if (l->rollup_of) {
			if ((rc = dec_u16(c, "rollup", &idx, err)))
				return rc;
			l->rollup_of[v] = idx;
		}
	}
	return FMT_OK;
}

static int dec_table(struct cursor *c, qn_table *t, fmt_error *err)
{
	uint16_t d = 0;
	uint8_t n = 0;
	int rc, k;

	if ((rc = dec_str(c, "table", QN_CODE_MAX, &t->code, err)) ||
	    (rc = dec_str(c, "title_fr", QN_LABEL_MAX, &t->title_fr, err)) ||
	    (rc = dec_str(c, "title_en", QN_LABEL_MAX, &t->title_en, err)) ||
	    (rc = dec_str(c, "help_fr", QN_HELP_MAX, &t->help_fr, err)) ||
	    (rc = dec_flag(c, "retired", &t->retired, err)))
		return rc;
	if (cursor_u8(c, &n))
		return truncated(err, "dim1");
	if (n == 0)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_REQUIRED, "dim1",
				      "table without dimension");
	if (n > QN_DIMS_MAX)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "dim1",
				      "%u dimensions, more than %d", (unsigned)n, QN_DIMS_MAX);
	for (k = 0; k < n; k++) {
		if ((rc = dec_u16(c, "dims", &d, err)))
			return rc;
		t->dims[t->ndims++] = d;
	}
	return FMT_OK;
}

/* A side of a rule; q's tables are read. */
static int dec_side(struct cursor *c, const questionnaire *q, qn_side *s, const char *field,
		    fmt_error *err)
{
	uint16_t t = 0, n = 0, v = 0;
	int rc, k, i;

	if ((rc = dec_u16(c, field, &t, err)))
		return rc;
	s->table = -1;
	if (t == QN_NO_TABLE)
		return FMT_OK;
	if (t >= q->ntables)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, field,
				      "table %u is not there (%d tables)", (unsigned)t + 1,
				      q->ntables);
	s->table = t;
	for (k = 0; k < q->tables[t].ndims; k++) {
		if ((rc = dec_u16(c, field, &n, err)))
			return rc;
		if (n > QN_FILTER_MAX)
			return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, field,
					      "%u values, more than %d", (unsigned)n, QN_FILTER_MAX);
		s->nvalues[k] = n;
		for (i = 0; i < n; i++) {
			if ((rc = dec_u16(c, field, &v, err)))
				return rc;
			s->values[k][i] = v;
		}
	}
	return FMT_OK;
}

static int dec_rule(struct cursor *c, const questionnaire *q, qn_rule *r, fmt_error *err)
{
	uint8_t kind = 0, sev = 0;
	int rc;

	if ((rc = dec_str(c, "code", QN_CODE_MAX, &r->code, err)) ||
	    (rc = dec_str(c, "message_fr", QN_MESSAGE_MAX, &r->message_fr, err)) ||
	    (rc = dec_str(c, "message_en", QN_MESSAGE_MAX, &r->message_en, err)))
		return rc;
	if (cursor_u8(c, &kind) || cursor_u8(c, &sev))
		return truncated(err, "op");
	if (kind < QN_RULE_LE || kind > QN_RULE_ABOVE)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, "op", "rule kind %u",
				      (unsigned)kind);
	if (sev > QN_ERROR)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, "severity",
				      "severity %u", (unsigned)sev);
	r->kind = kind;
	r->severity = sev;
	if ((rc = dec_side(c, q, &r->left, "left_table", err)) ||
	    (rc = dec_side(c, q, &r->right, "right_table", err)))
		return rc;
	if (cursor_u32(c, &r->constant))
		return truncated(err, "constant");
	return FMT_OK;
}

static int decode(struct cursor *c, questionnaire *q, fmt_error *err)
{
	uint16_t n = 0;
	int rc, i;

	if (cursor_u32(c, &q->edition) || cursor_i64(c, &q->published))
		return truncated(err, "edition");
	if ((rc = dec_u16(c, "lists", &n, err)))
		return rc;
	if (n < QN_BUILTIN_LISTS || n > QN_ALL_LISTS)
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_LIMIT, "list",
				      "%u lists (must be %d to %d)", (unsigned)n, QN_BUILTIN_LISTS,
				      QN_ALL_LISTS);
	if (!(q->lists = calloc(n, sizeof *q->lists)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		q->nlists++;
		if ((rc = dec_list(c, &q->lists[i], err)))
			return rc;
	}
	if ((rc = dec_u16(c, "tables", &n, err)))
		return rc;
	if (n < 1 || n > QN_TABLES_MAX)
		return fmt_fail_field(err, n ? FMT_E_LENGTH : FMT_E_FIELD,
				      n ? FMT_R_LIMIT : FMT_R_REQUIRED, "table",
				      "%u tables (must be 1 to %d)", (unsigned)n, QN_TABLES_MAX);
	if (!(q->tables = calloc(n, sizeof *q->tables)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		q->ntables++;
		if ((rc = dec_table(c, &q->tables[i], err)))
			return rc;
	}
	/* The rules, when bytes enough for one follow the tables (fewer are
	 * bytes after the end); the dimensions of every table must be valid
	 * before a side's restrictions are read. */
	if (cursor_left(c) >= QN_RULES_WIRE_MIN) {
		for (i = 0; i < q->ntables; i++)
			for (int k = 0; k < q->tables[i].ndims; k++)
				if (q->tables[i].dims[k] >= q->nlists)
					return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN,
							      "table", "table %d, dimension %d: "
							      "no list %d", i + 1, k + 1,
							      q->tables[i].dims[k] + 1);
		if ((rc = dec_u16(c, "rules", &n, err)))
			return rc;
		if (n < 1 || n > QN_RULES_MAX)
			return fmt_fail_field(err, n ? FMT_E_LENGTH : FMT_E_NONCANONICAL,
					      FMT_R_LIMIT, "code",
					      "%u rules (must be 1 to %d when given)", (unsigned)n,
					      QN_RULES_MAX);
		if (!(q->rules = calloc(n, sizeof *q->rules)))
			return fmt_fail(err, FMT_E_NOMEM, "out of memory");
		for (i = 0; i < n; i++) {
			q->nrules++;
			if ((rc = dec_rule(c, q, &q->rules[i], err)))
				return rc;
		}
	}
	if (cursor_left(c))
		return fmt_fail(err, FMT_E_TRAILING,
				"%zu byte%s after the end of the questionnaire", cursor_left(c),
				cursor_left(c) == 1 ? "" : "s");
	return FMT_OK;
}

int qn_decode(const uint8_t *buf, size_t len, questionnaire **out, fmt_error *err)
{
	questionnaire *q;
	struct cursor c;
	struct sink s;
	uint8_t *again = NULL;
	size_t n = 0;
	int rc;

	*out = NULL;
	if (!buf)
		len = 0;
	if (len > QN_ENCODED_MAX)
		return fmt_fail(err, FMT_E_TOO_BIG, "questionnaire of %zu bytes, more than %u", len,
				QN_ENCODED_MAX);
	if (!(q = calloc(1, sizeof *q)))
		return fmt_fail(err, FMT_E_NOMEM, "out of memory");
	cursor_init(&c, buf, len);
	rc = decode(&c, q, err);
	if (!rc) {
		qn_sink_init(&s, NULL, NULL, "");
		qn_validate(q, &s);
		if (s.count) {
			rc = s.first.code;
			if (err)
				*err = s.first;
		}
	}
	/* Every field was read in its one form above; encoding the result
	 * again and comparing keeps that true should a field ever be added to
	 * one side and not the other. */
	if (!rc && !(rc = encode_alloc(q, &again, &n, err)) &&
	    (n != len || memcmp(again, buf, len) != 0))
		rc = fmt_fail(err, FMT_E_NONCANONICAL,
			      "questionnaire is not in its canonical encoding");
	free(again);
	if (rc) {
		qn_free(q);
		return rc;
	}
	*out = q;
	return FMT_OK;
}
