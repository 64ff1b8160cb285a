/*
 * value.c - the single values records are made of, and that the programs
 * read from flags, spreadsheets and files: dates (yyyymmdd), periods
 * (year, quarter or month), UTF-8 text and ids as hex.
 *
 * Each value has one written form and one parser that accepts exactly that
 * form, so that what is stored is what was meant and two spellings of the
 * same value never reach a record.  text_show() turns untrusted bytes into
 * something a one-line message can quote.  Nothing here knows about
 * records as a whole: their validation and encoding are in record.c, which
 * shares text_check() and all_digits() through value_priv.h.
 */
#include "record.h"

#include <stdio.h>
#include <string.h>

#include "value_priv.h"

/* ------------------------------------------------------------------ */
/* Text                                                                */

int code_valid(const char *s, size_t len)
{
	if (!s || len < 1 || len > REC_CODE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '-' && c != '_')))
			return 0;
	}
	return 1;
}

/* Checks s[0..len) as UTF-8 text (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF) without NUL, C0 controls other than
 * tab and, when allowed, newline, or DEL.  Returns NULL when valid,
 * otherwise what is wrong, with *at the offset of the offending byte. */
const char *text_check(const char *str, size_t len, int allow_newline, size_t *at)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, k, n;
	unsigned char c, lo, hi;

	while (i < len) {
		c = s[i];
		*at = i;
		if (c < 0x80) {
			if (c == 0)
				return "NUL byte";
			if (c == '\n' && !allow_newline)
				return "line break not allowed here";
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
				return "control character";
			i++;
			continue;
		}
		/* Lead byte: sequence length and the range of the second byte
		 * that excludes overlongs (E0, F0), surrogates (ED) and code
		 * points above U+10FFFF (F4). */
		lo = 0x80;
		hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3;
			if (c == 0xE0)
				lo = 0xA0;
			else if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4;
			if (c == 0xF0)
				lo = 0x90;
			else if (c == 0xF4)
				hi = 0x8F;
		} else {
			return "invalid UTF-8";
		}
		if (len - i < n)
			return "invalid UTF-8 (sequence cut short)";
		if (s[i + 1] < lo || s[i + 1] > hi)
			return "invalid UTF-8";
		for (k = 2; k < n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return "invalid UTF-8";
		i += n;
	}
	return NULL;
}

/* 1 when s[0..len) is valid text; see text_check(). */
int text_valid(const char *s, size_t len, int allow_newline)
{
	size_t at;

	if (!s)
		return len == 0;
	return text_check(s, len, allow_newline, &at) == NULL;
}

/* See record.h.  Messages stay one harmless line whatever a file holds. */
void text_show(const void *data, size_t n, char *out, size_t cap)
{
	const unsigned char *p = data;
	size_t i = 0, o = 0, k, len;

	while (i < n && o + 5 < cap) {
		len = 1;
		if (p[i] >= 0xC2 && p[i] <= 0xF4)
			len = p[i] < 0xE0 ? 2 : p[i] < 0xF0 ? 3 : 4;
		/* a whole printable character (not a C1 control) stays readable */
		if (len > 1 && i + len <= n && o + len < cap &&
		    text_valid((const char *)p + i, len, 0) && !(p[i] == 0xC2 && p[i + 1] < 0xA0)) {
			for (k = 0; k < len; k++)
				out[o++] = (char)p[i + k];
			i += len;
		} else if (p[i] >= 0x20 && p[i] < 0x7F && p[i] != '"' && p[i] != '\\') {
			out[o++] = (char)p[i++];
		} else {
			snprintf(out + o, cap - o, "\\x%02x", p[i++]);
			o += 4;
		}
	}
	out[o] = '\0';
}

/* See record.h.  The table holds the Latin-1 letters U+00C0..U+00FF
 * (UTF-8 C3 80..C3 BF) without accents; NULL keeps a sign (×, ÷) or a
 * letter French does not write (þ) as it is. */
size_t text_fold(const char *str, size_t len, char *out, size_t cap)
{
	static const char *const latin1[64] = {
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", NULL, "ss",
		"a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
		"d", "n", "o", "o", "o", "o", "o", NULL, "o", "u", "u", "u", "u", "y", NULL, "y",
	};
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, o = 0, n, plen;
	const char *piece;
	char one[5];

	while (i < len && s[i]) {
		unsigned char c = s[i];

		n = 1;
		piece = NULL;
		if (c == ' ' || c == '\t' || c == '-' || c == '_' || c == '\'') {
			piece = "";
		} else if (c >= 'A' && c <= 'Z') {
			one[0] = (char)(c - 'A' + 'a');
			one[1] = '\0';
			piece = one;
		} else if (c == 0xC3 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] <= 0xBF) {
			n = 2;
			piece = latin1[s[i + 1] - 0x80];
		} else if (c == 0xC2 && i + 1 < len && (s[i + 1] == 0xA0 || s[i + 1] == 0xB7)) {
			n = 2;                  /* no-break space, middle dot */
			piece = "";
		} else if (c == 0xC5 && i + 1 < len && (s[i + 1] == 0x92 || s[i + 1] == 0x93)) {
			n = 2;
			piece = "oe";
		} else if (c == 0xC5 && i + 1 < len && s[i + 1] == 0xB8) {
			n = 2;
			piece = "y";
		} else if (c == 0xE2 && i + 2 < len && s[i + 1] == 0x80 &&
			   (s[i + 2] == 0x99 || s[i + 2] == 0xAF)) {
			n = 3;                  /* ’, narrow no-break space */
			piece = "";
		}
		if (!piece) {
			/* kept as it is, a whole UTF-8 sequence at a time */
			if (c >= 0xC0)
				while (i + n < len && n < 4 && (s[i + n] & 0xC0) == 0x80)
					n++;
			memcpy(one, s + i, n);
			one[n] = '\0';
			piece = one;
		}
		plen = strlen(piece);
		if (o + plen >= cap)
			break;
		memcpy(out + o, piece, plen);
		o += plen;
		i += n;
	}
	if (cap)
		out[o < cap ? o : cap - 1] = '\0';
	return o;
}

unsigned text_distance(const char *a, const char *b)
{
	unsigned row[65], prev, cur;
	size_t la = strnlen(a, 64), lb = strnlen(b, 64), i, j;

	for (j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = (unsigned)i;
		for (j = 1; j <= lb; j++) {
			cur = row[j];
			row[j] = prev + (a[i - 1] != b[j - 1]);
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			if (cur + 1 < row[j])
				row[j] = cur + 1;
			prev = cur;
		}
	}
	return row[lb];
}

/* ------------------------------------------------------------------ */
/* Dates and periods                                                   */

static int is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* 1 when d is a calendar date yyyymmdd with a year in 2000..2099. */
int date_valid(uint32_t d)
{
	unsigned y = d / 10000, m = d / 100 % 100, day = d % 100;

	if (y < 2000 || y > 2099 || m < 1 || m > 12 || day < 1)
		return 0;
	return day <= days_in_month(y, m);
}

static unsigned digits_value(const char *s, size_t n)
{
	unsigned v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (unsigned)(s[i] - '0');
	return v;
}

/* Year y, month m (1..12) and day d as yyyymmdd into *out, when that is
 * a day of the calendar with a year in 2000..2099; otherwise the refusal
 * of the date the person wrote, shown. */
static int date_set(unsigned y, unsigned m, unsigned d, const char *shown, uint32_t *out,
		    fmt_error *err)
{
	if (y < 2000 || y > 2099)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE_YEAR, NULL,
				      "\"%s\": the year must be between 2000 and 2099",
				shown);
	if (!date_valid(y * 10000 + m * 100 + d))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE_CALENDAR, NULL,
				      "\"%s\" is not a day of the calendar", shown);
	*out = y * 10000 + m * 100 + d;
	return FMT_OK;
}

/* "YYYY-MM-DD" -> yyyymmdd.  Exactly that form: "2026-3-5" or a date
 * followed by a time is refused, so what is stored is what was meant. */
int date_parse(const char *s, uint32_t *out, fmt_error *err)
{
	char shown[48];
	unsigned y, m, d;

	*out = 0;
	if (!s)
		s = "";
	text_show(s, strnlen(s, 20), shown, sizeof shown);
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4) ||
	    !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE, NULL,
				      "\"%s\" is not a date written YYYY-MM-DD", shown);
	y = digits_value(s, 4);
	m = digits_value(s + 5, 2);
	d = digits_value(s + 8, 2);
	return date_set(y, m, d, shown, out, err);
}

/* yyyymmdd -> "YYYY-MM-DD".  Prints whatever digits d holds: callers
 * format valid dates. */
void date_format(uint32_t d, char buf[11])
{
	snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)(d / 10000 % 10000),
		 (unsigned)(d / 100 % 100), (unsigned)(d % 100));
}

/* Accepts "YYYY", "YYYY-Qn"/"YYYY-qn" (n 1..4) and "YYYY-MM" (two
 * digits, 01..12) with a year in 2000..2099; writes the canonical form
 * (upper-case Q).  Refuses everything else, "2026-5" included: a month
 * is always two digits so that periods sort and compare as text. */
int period_parse(const char *s, char out[REC_PERIOD_MAX + 1], fmt_error *err)
{
	char shown[48];
	size_t n;
	unsigned y, m;

	out[0] = '\0';
	if (!s)
		s = "";
	n = strnlen(s, REC_PERIOD_MAX + 1);
	text_show(s, strnlen(s, 20), shown, sizeof shown);
	if ((n != 4 && n != 7) || !all_digits(s, 4))
		goto bad;
	y = digits_value(s, 4);
	if (y < 2000 || y > 2099)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE_YEAR, NULL,
				      "\"%s\": the year must be between 2000 and 2099",
				shown);
	if (n == 7) {
		if (s[4] != '-')
			goto bad;
		if (s[5] == 'Q' || s[5] == 'q') {
			if (s[6] < '1' || s[6] > '4')
				goto bad;
		} else {
			if (!all_digits(s + 5, 2))
				goto bad;
			m = digits_value(s + 5, 2);
			if (m < 1 || m > 12)
				goto bad;
		}
	}
	memcpy(out, s, n);
	out[n] = '\0';
	if (n == 7 && out[5] == 'q')
		out[5] = 'Q';
	return FMT_OK;
bad:
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PERIOD, NULL,
			"\"%s\" is not a period: expected a year (2026), a quarter (2026-Q3) "
			"or a month (2026-05)", shown);
}

/* The words of a date or a period as people write them: runs of digits
 * and runs of letters (folded, text_fold), whatever separates them
 * ("15/03/26", "15 mars 2026", "T3 2026", "2026-Q3"). */
#define TOKENS_MAX 5

typedef struct token {
	int digits;             /* a run of digits (else letters) */
	size_t len;             /* its length as typed */
	unsigned value;         /* digits: their value (runs of at most 4) */
	char word[16];          /* letters: folded */
} token;

/* 0 and the tokens of s into t[0..*n), or -1 when s has too many or too
 * long ones to be a date or a period. */
static int tokenise(const char *s, token t[TOKENS_MAX], int *n)
{
	const unsigned char *p = (const unsigned char *)s;

	*n = 0;
	while (*p) {
		const unsigned char *b = p;
		int digits = *p >= '0' && *p <= '9';
		int letter = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p >= 0x80;

		if (!digits && !letter) {
			if (!strchr(" \t/.-,", *p))
				return -1;
			p++;
			continue;
		}
		if (*n == TOKENS_MAX)
			return -1;
		if (digits)
			while (*p >= '0' && *p <= '9')
				p++;
		else
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p >= 0x80)
				p++;
		t[*n].digits = digits;
		t[*n].len = (size_t)(p - b);
		if (digits) {
			if (t[*n].len > 4)
				return -1;
			t[*n].value = digits_value((const char *)b, t[*n].len);
		} else {
			if (t[*n].len >= sizeof t[*n].word)
				return -1;
			text_fold((const char *)b, t[*n].len, t[*n].word, sizeof t[*n].word);
		}
		(*n)++;
	}
	return 0;
}

/* Month 1..12 of a French month name or its usual abbreviation, folded
 * ("mars", "fevrier", "aout", "sept"); 0 when it is none. */
static unsigned month_of(const char *w)
{
	static const struct { const char *name; unsigned month; } months[] = {
		{ "janvier", 1 }, { "janv", 1 }, { "fevrier", 2 }, { "fevr", 2 },
		{ "fev", 2 }, { "mars", 3 }, { "avril", 4 }, { "avr", 4 }, { "mai", 5 },
		{ "juin", 6 }, { "juillet", 7 }, { "juil", 7 }, { "aout", 8 },
		{ "septembre", 9 }, { "sept", 9 }, { "octobre", 10 }, { "oct", 10 },
		{ "novembre", 11 }, { "nov", 11 }, { "decembre", 12 }, { "dec", 12 },
	};

	for (size_t i = 0; i < sizeof months / sizeof months[0]; i++)
		if (strcmp(w, months[i].name) == 0)
			return months[i].month;
	return 0;
}

/* A month given as digits (1 or 2 of them) or a name: 1..12, else 0. */
static unsigned token_month(const token *t)
{
	if (!t->digits)
		return month_of(t->word);
	return t->len <= 2 && t->value >= 1 && t->value <= 12 ? t->value : 0;
}

static int is_year(const token *t)
{
	return t->digits && t->len == 4;
}

/* "q" or "t" (trimestre) followed by the quarter's digit at t[0..1]. */
static unsigned token_quarter(const token *t)
{
	if (t[0].digits || (strcmp(t[0].word, "q") != 0 && strcmp(t[0].word, "t") != 0) ||
	    !t[1].digits || t[1].len != 1 || t[1].value < 1 || t[1].value > 4)
		return 0;
	return t[1].value;
}

int period_read(const char *s, char out[REC_PERIOD_MAX + 1], fmt_error *err)
{
	char shown[48];
	token t[TOKENS_MAX];
	unsigned y = 0, q = 0, m = 0;
	int n;

	out[0] = '\0';
	if (!s)
		s = "";
	if (period_parse(s, out, NULL) == FMT_OK)
		return FMT_OK;
	text_show(s, strnlen(s, 20), shown, sizeof shown);
	if (tokenise(s, t, &n) != 0)
		n = 0;
	if (n == 1 && is_year(&t[0])) {
		y = t[0].value;
	} else if (n == 2 && is_year(&t[0]) && token_month(&t[1])) {
		y = t[0].value;                 /* 2026-3 */
		m = token_month(&t[1]);
	} else if (n == 2 && is_year(&t[1]) && token_month(&t[0])) {
		y = t[1].value;                 /* 03/2026, mars 2026 */
		m = token_month(&t[0]);
	} else if (n == 3 && is_year(&t[0]) && token_quarter(&t[1])) {
		y = t[0].value;                 /* 2026-T3 */
		q = token_quarter(&t[1]);
	} else if (n == 3 && is_year(&t[2]) && token_quarter(&t[0])) {
		y = t[2].value;                 /* T3 2026 */
		q = token_quarter(&t[0]);
	} else {
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_PERIOD, NULL,
				      "\"%s\" is not a period: expected a year (2026), a quarter "
				      "(2026-Q3, T3 2026) or a month (2026-05, mars 2026, 03/2026)",
				      shown);
	}
	if (y < 2000 || y > 2099)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE_YEAR, NULL,
				      "\"%s\": the year must be between 2000 and 2099", shown);
	/* y is 2000..2099, q 1..4, m 1..12: written digit by digit. */
	snprintf(out, REC_PERIOD_MAX + 1, "%04u", y % 10000);
	if (q || m) {
		out[4] = '-';
		out[5] = q ? 'Q' : (char)('0' + m / 10);
		out[6] = (char)('0' + (q ? q : m % 10));
		out[7] = '\0';
	}
	return FMT_OK;
}

int date_read(const char *s, uint32_t *out, fmt_error *err)
{
	char shown[48];
	token t[TOKENS_MAX];
	unsigned d, m, y;
	char iso[11];
	size_t len;
	int n, i = 0;

	*out = 0;
	if (!s)
		s = "";
	text_show(s, strnlen(s, 20), shown, sizeof shown);
	if (tokenise(s, t, &n) != 0)
		n = 0;
	/* Year first is the ISO form, and only it: "2026-3-5" is refused. */
	if (n > 0 && is_year(&t[0])) {
		while (*s == ' ' || *s == '\t')
			s++;
		len = strlen(s);
		while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
			len--;
		if (len != 10)
			return date_parse(s, out, err);
		memcpy(iso, s, 10);
		iso[10] = '\0';
		return date_parse(iso, out, err);
	}
	if (n >= 3 && t[0].digits && t[0].len <= 2) {
		d = t[0].value;
		i = 1;
		if (n == 4 && d == 1 && !t[1].digits && strcmp(t[1].word, "er") == 0)
			i = 2;          /* 1er mars 2026 */
		if (n == i + 2 && (m = token_month(&t[i])) != 0 && t[i + 1].digits &&
		    (t[i + 1].len == 2 || t[i + 1].len == 4)) {
			y = t[i + 1].len == 2 ? 2000 + t[i + 1].value : t[i + 1].value;
			return date_set(y, m, d, shown, out, err);
		}
	}
	return fmt_fail_field(err, FMT_E_FIELD, FMT_R_DATE, NULL,
			      "\"%s\" is not a date: expected 15/03/2026, 15 mars 2026 or "
			      "2026-03-15", shown);
}

/* 1 when s is a period exactly as period_parse() writes it. */
int period_valid(const char *s)
{
	size_t n = s ? strnlen(s, REC_PERIOD_MAX + 1) : 0;
	unsigned y;

	/* The canonical forms alone, checked directly: every record and
	 * count of a merge passes here. */
	if ((n != 4 && n != 7) || !all_digits(s, 4))
		return 0;
	y = digits_value(s, 4);
	if (y < 2000 || y > 2099)
		return 0;
	if (n == 4)
		return 1;
	if (s[4] != '-')
		return 0;
	if (s[5] == 'Q')
		return s[6] >= '1' && s[6] <= '4';
	return all_digits(s + 5, 2) && digits_value(s + 5, 2) - 1 < 12;
}

/* Year of a canonical period, or -1. */
int period_year(const char *p)
{
	if (!period_valid(p))
		return -1;
	return (int)digits_value(p, 4);
}

/* 0 year, 1 quarter, 2 month; -1 when p is not a canonical period. */
int period_granularity(const char *p)
{
	if (!period_valid(p))
		return -1;
	if (p[4] == '\0')
		return 0;
	return p[5] == 'Q' ? 1 : 2;
}

int period_previous(const char *p, char out[REC_PERIOD_MAX + 1])
{
	int g = period_granularity(p);
	unsigned y, n;

	out[0] = '\0';
	if (g < 0)
		return -1;
	y = digits_value(p, 4);
	n = g == 0 ? 0 : g == 1 ? (unsigned)(p[6] - '0') : digits_value(p + 5, 2);
	if (g == 0 || n == 1) {
		if (y == 2000)
			return -1;
		y--;
		n = g == 1 ? 4 : 12;
	} else {
		n--;
	}
	/* y is 2000..2098 and n 1..12: each digit written by hand */
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '\0';
	if (g == 1) {
		memcpy(out + 4, "-Q", 2);
		out[6] = (char)('0' + n);
		out[7] = '\0';
	} else if (g == 2) {
		out[4] = '-';
		out[5] = (char)('0' + n / 10);
		out[6] = (char)('0' + n % 10);
		out[7] = '\0';
	}
	return 0;
}

/* 1 when period p lies within period outer (both canonical; a period
 * lies within itself); 0 otherwise, and for anything not canonical. */
int period_within(const char *p, const char *outer)
{
	int gp = period_granularity(p), go = period_granularity(outer);
	unsigned month;

	if (gp < 0 || go < 0 || memcmp(p, outer, 4) != 0)
		return 0;
	switch (go) {
	case 0:
		return 1;
	case 1:
		if (gp == 1)
			return p[6] == outer[6];
		if (gp == 2) {
			month = digits_value(p + 5, 2);
			return (int)((month - 1) / 3 + 1) == outer[6] - '0';
		}
		return 0;
	default:
		return gp == 2 && strcmp(p, outer) == 0;
	}
}

/* ------------------------------------------------------------------ */
/* Ids                                                                 */

void id_format(const uint8_t id[16], char buf[33])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 0x0F];
	}
	buf[32] = '\0';
}

int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 32 hex digits (either case) -> id.  Returns FMT_OK, or
 * FMT_E_FIELD with id zeroed. */
int id_parse(const char *s, uint8_t id[16])
{
	int i, hi, lo;

	memset(id, 0, 16);
	if (!s || strlen(s) != 32)
		return FMT_E_FIELD;
	for (i = 0; i < 16; i++) {
		hi = hex_digit(s[2 * i]);
		lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			memset(id, 0, 16);
			return FMT_E_FIELD;
		}
		id[i] = (uint8_t)(hi << 4 | lo);
	}
	return FMT_OK;
}
