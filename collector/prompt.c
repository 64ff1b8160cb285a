/*
 * prompt.c - questions on the terminal for the values `add` was not
 * given (prompt.h).
 *
 * An enumeration is a numbered menu ("Type d'action :\n  1) Prévention
 * ...\nVotre choix : "); the answer is a number, or the value's label or
 * code.  A set takes several numbers separated by commas or blanks.  A
 * number outside the menu is asked again ("choisissez un numéro entre 1
 * et 9"); every other answer goes through field_set(), like a flag, so a
 * wrong answer gets the same message as a wrong flag and the question is
 * asked again.  An optional field is skipped with an empty answer.
 *
 * Ctrl-D (end of input) and Ctrl-C stop the questions the same way:
 * nothing has been written yet, and the command says so.  The terminal is
 * left in its ordinary line mode throughout: there is nothing to restore.
 */
#include "prompt.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"

#define ANSWER_MAX 4096      /* longer than any field (notes: 2000 bytes) */

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

/* Appends item to the list in out[0..cap) at *n. */
static void add_item(char *out, size_t cap, size_t *n, const char *item, size_t len)
{
	if (*n + len + 2 < cap) {
		*n += (size_t)snprintf(out + *n, cap - *n, "%s%.*s", *n ? "," : "", (int)len, item);
	}
}

/* Turns "1, 3" or "1 3" into "code1,code3" for table t.  Other answers
 * ("mineurs, adultes") are kept as typed, for field_set() to read as
 * labels or codes.  Returns -1 when a number is not one of the menu's
 * (and not a code of t either). */
static int numbers_to_codes(const enum_table *t, const char *answer, char *out, size_t cap)
{
	const char *p = answer;
	size_t n = 0;

	out[0] = '\0';
	while (*p) {
		const char *s, *e, *q;
		char num[16];
		int words = 0;

		while (*p == ' ' || *p == ',' || *p == ';' || *p == '\t')
			p++;
		if (!*p)
			break;
		s = p;
		while (*p && *p != ',' && *p != ';')
			p++;
		e = p;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		for (q = s; q < e; q++)
			if (!isdigit((unsigned char)*q) && *q != ' ' && *q != '\t')
				words = 1;
		if (words) {
			add_item(out, cap, &n, s, (size_t)(e - s));
			continue;
		}
		/* Numbers separated by blanks. */
		for (q = s; q < e;) {
			const char *b;
			size_t len;
			long v;

			while (q < e && (*q == ' ' || *q == '\t'))
				q++;
			b = q;
			while (q < e && isdigit((unsigned char)*q))
				q++;
			len = (size_t)(q - b);
			if (!len)
				continue;
			if (len >= sizeof num)
				return -1;
			memcpy(num, b, len);
			num[len] = '\0';
			v = strtol(num, NULL, 10);
			if (v >= 1 && v <= t->count)
				add_item(out, cap, &n, t->items[v - 1].code,
					 strlen(t->items[v - 1].code));
			else if (enum_find(t, num) >= 0)
				add_item(out, cap, &n, num, len);
			else
				return -1;
		}
	}
	return 0;
}

static const char *question(const field_desc *f, char *buf, size_t cap)
{
	const char *skip = f->flags & FF_REQUIRED ? "" : _(", Entrée pour passer");

	switch (f->type) {
	case FT_DEPT:
	case FT_DEPTS:
		snprintf(buf, cap, _("%s (numéro ou nom, par exemple 75, 2A, Seine-Saint-Denis%s) : "),
			 f->fr, skip);
		break;
	case FT_DATE:
		snprintf(buf, cap, _("%s (par exemple 15/03/2026%s) : "), f->fr, skip);
		break;
	case FT_PERIOD:
		snprintf(buf, cap, _("%s (année 2026, trimestre T3 2026 ou mois mars 2026%s) : "),
			 f->fr, skip);
		break;
	case FT_HOURS:
		snprintf(buf, cap, _("%s en heures (par exemple 3 ou 3,5%s) : "), f->fr, skip);
		break;
	case FT_SET:
		snprintf(buf, cap, _("Votre choix (un ou plusieurs numéros séparés par des "
			 "virgules%s) : "), skip);
		break;
	case FT_ENUM:
	case FT_CODE:
		snprintf(buf, cap, _("Votre choix%s%s%s : "), *skip ? " (" : "", skip + (*skip ? 2 : 0),
			 *skip ? ")" : "");
		break;
	default:
		snprintf(buf, cap, _("%s%s%s%s : "), f->fr, *skip ? " (" : "", skip + (*skip ? 2 : 0),
			 *skip ? ")" : "");
	}
	return buf;
}

int prompt_field(record *r, const field_desc *f)
{
	char answer[ANSWER_MAX], value[ANSWER_MAX], m[1024], q[256];
	int i, menu = f->type == FT_ENUM || f->type == FT_SET || (f->type == FT_CODE && f->list);

	for (;;) {
		if (menu) {
			fprintf(stderr, "%s :\n", f->fr);
			for (i = 0; i < f->list->count; i++) {
				fprintf(stderr, "  %d) ", i + 1);
				print_label(f->list->items[i].fr);
				fputc('\n', stderr);
			}
		}
		fputs(question(f, q, sizeof q), stderr);
		if (shell_read_line(answer, sizeof answer) != 0) {
			fputc('\n', stderr);
			msg("saisie interrompue : rien n'a été enregistré");
			return EXIT_USAGE;
		}
		if (!menu) {
			snprintf(value, sizeof value, "%s", answer);
		} else if (numbers_to_codes(f->list, answer, value, sizeof value) != 0) {
			msg("choisissez un numéro entre 1 et %d", f->list->count);
			continue;
		}
		if (field_set(r, f, value, m, sizeof m) == 0)
			return 0;
		msg("%s", m);
	}
}
