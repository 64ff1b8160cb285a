/*
 * lang.c - the language the programs speak, and the catalogue lookup
 * behind msg(), usage_error() and tr() (shell.h).
 *
 * French by default; English when the locale asks for it: the first of
 * LC_ALL, LC_MESSAGES and LANG that is set and not empty decides, as
 * POSIX orders them, and English is any value starting with "en".  The
 * C and POSIX locales therefore give French, the programs' first
 * language.  Only the words change: dates, numbers and the C library's
 * own locale stay as they are (setlocale() is never called).
 *
 * Source texts are written once in C (the merger's in English, the
 * collector's and this shell's in French) and are the keys, as GNU
 * gettext's msgids are.  The active language's catalogue, carried in the
 * program (po/LANG.po compiled by tools/po2c.c), gives the translation;
 * a text it does not hold is printed as written.  Looking up a French
 * text in the French catalogue thus finds nothing and prints it as is.
 */
#include "shell.h"
#include "tr.h"

#include <stdlib.h>
#include <string.h>

static int lang = -1;

enum shell_lang shell_lang_of(const char *lc_all, const char *lc_messages, const char *lang_env)
{
	const char *v = lc_all && *lc_all ? lc_all :
			lc_messages && *lc_messages ? lc_messages : lang_env;

	return v && strncmp(v, "en", 2) == 0 ? LANG_EN : LANG_FR;
}

void shell_lang_init(void)
{
	lang = shell_lang_of(getenv("LC_ALL"), getenv("LC_MESSAGES"), getenv("LANG"));
}

enum shell_lang shell_lang(void)
{
	if (lang < 0)
		shell_lang_init();
	return (enum shell_lang)lang;
}

const char *tr_find(const tr_entry *t, size_t n, const char *id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, t[mid].id);

		if (c == 0)
			return t[mid].str;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *tr(const char *id)
{
	const char *s;

	if (!id)
		return id;
	s = shell_lang() == LANG_EN ? tr_find(catalogue_en, catalogue_en_n, id)
				    : tr_find(catalogue_fr, catalogue_fr_n, id);
	return s ? s : id;
}
