/*
 * prompt.c - questions on the terminal for the values `add` was not
 * given (prompt.h).
 *
 * An enumeration is a numbered menu ("Type d'action :\n  1) Prévention
 * ...\nVotre choix : "); the answer is a number, or the code itself for
 * people who know it.  A set takes several numbers separated by commas
 * or blanks.  Every answer goes through field_set(), like a flag, so a
 * wrong answer gets the same message as a wrong flag and the question
 * is asked again.
 */
#include "prompt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

#define ANSWER_MAX 4096      /* longer than any field (notes: 2000 bytes) */

/* Reads one line from stdin without its line end.  -1 at end of input. */
static int read_answer(char *buf, size_t cap)
{
	size_t n;

	fflush(stderr);
	if (!fgets(buf, (int)cap, stdin))
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n') {
		buf[--n] = '\0';
	} else if (n == cap - 1) {
		int c;

		/* Over-long line: drop the rest, the value is refused anyway. */
		while ((c = getchar()) != EOF && c != '\n')
			;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* "Prévention" for "prévention", "Âge" for "âge": menus read better
 * capitalised.  Labels are French: ASCII, or a Latin-1 letter (UTF-8
 * C3 A0..C3 BE, whose capital is 0x20 lower) at the start. */
static void print_label(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	if (*u >= 'a' && *u <= 'z') {
		fputc(toupper(*u), stderr);
		s++;
	} else if (u[0] == 0xC3 && u[1] >= 0xA0 && u[1] <= 0xBE && u[1] != 0xB7) {
		fputc(0xC3, stderr);
		fputc(u[1] - 0x20, stderr);
		s += 2;
	}
	fputs(s, stderr);
}

/* Turns "1, 3" into "code1,code3" for table t.  Non-numbers are kept as
 * typed, so that codes may be answered too. */
static void numbers_to_codes(const enum_table *t, const char *answer, char *out, size_t cap)
{
	const char *p = answer;
	size_t n = 0;

	out[0] = '\0';
	while (*p) {
		const char *s, *e;
		char item[64];
		size_t len;
		char *end;
		long v;

		while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != ' ' && *p != ',' && *p != ';' && *p != '\t')
			p++;
		e = p;
		len = (size_t)(e - s) < sizeof item ? (size_t)(e - s) : sizeof item - 1;
		memcpy(item, s, len);
		item[len] = '\0';
		v = strtol(item, &end, 10);
		if (!*end && v >= 1 && v <= t->count)
			snprintf(item, sizeof item, "%s", t->items[v - 1].code);
		if (n + strlen(item) + 2 < cap)
			n += (size_t)snprintf(out + n, cap - n, "%s%s", n ? "," : "", item);
	}
}

static const char *question(const field_desc *f, char *buf, size_t cap)
{
	switch (f->type) {
	case FT_DEPT:
	case FT_DEPTS:
		snprintf(buf, cap, _("%s (code INSEE, par exemple 75, 2A, 971) : "), f->fr);
		break;
	case FT_DATE:
		snprintf(buf, cap, _("%s (AAAA-MM-JJ) : "), f->fr);
		break;
	case FT_PERIOD:
		snprintf(buf, cap, _("%s (année 2026, trimestre 2026-Q3 ou mois 2026-05) : "),
			 f->fr);
		break;
	case FT_HOURS:
		snprintf(buf, cap, _("%s en heures (par exemple 3 ou 3.5) : "), f->fr);
		break;
	case FT_SET:
		snprintf(buf, cap, _("Votre choix (un ou plusieurs numéros séparés par des "
			 "virgules) : "));
		break;
	case FT_ENUM:
	case FT_CODE:
		snprintf(buf, cap, _("Votre choix : "));
		break;
	default:
		snprintf(buf, cap, "%s : ", f->fr);
	}
	return buf;
}

int prompt_field(record *r, const field_desc *f)
{
	char answer[ANSWER_MAX], value[ANSWER_MAX], m[1024], q[256];
	int i;

	for (;;) {
		if (f->type == FT_ENUM || f->type == FT_SET || (f->type == FT_CODE && f->list)) {
			fprintf(stderr, "%s :\n", f->fr);
			for (i = 0; i < f->list->count; i++) {
				fprintf(stderr, "  %d) ", i + 1);
				print_label(f->list->items[i].fr);
				fputc('\n', stderr);
			}
		}
		fputs(question(f, q, sizeof q), stderr);
		if (read_answer(answer, sizeof answer) != 0) {
			fputc('\n', stderr);
			msg("saisie interrompue : rien n'a été enregistré");
			return EXIT_USAGE;
		}
		if (f->type == FT_ENUM || f->type == FT_SET || (f->type == FT_CODE && f->list))
			numbers_to_codes(f->list, answer, value, sizeof value);
		else
			snprintf(value, sizeof value, "%s", answer);
		if (field_set(r, f, value, m, sizeof m) == 0)
			return 0;
		msg("%s", m);
	}
}
