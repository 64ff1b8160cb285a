/*
 * test_lang.c - unit tests of the language rule and of the catalogue
 * lookup (shell/lang.c): which variable decides, that the generated
 * tables are sorted as the binary search needs, and that a text the
 * catalogue lacks comes back as written.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "tr.h"
#include "tap.h"

static void test_rule(void)
{
	is_int(shell_lang_of(NULL, NULL, NULL), LANG_FR, "nothing set: French");
	is_int(shell_lang_of(NULL, NULL, "C"), LANG_FR, "the C locale: French");
	is_int(shell_lang_of(NULL, NULL, "POSIX"), LANG_FR, "POSIX: French");
	is_int(shell_lang_of(NULL, NULL, "en_GB.UTF-8"), LANG_EN, "LANG=en_GB: English");
	is_int(shell_lang_of(NULL, NULL, "en"), LANG_EN, "LANG=en: English");
	is_int(shell_lang_of(NULL, NULL, "fr_FR.UTF-8"), LANG_FR, "LANG=fr_FR: French");
	is_int(shell_lang_of(NULL, NULL, "de_DE.UTF-8"), LANG_FR, "another language: French");
	is_int(shell_lang_of(NULL, "en_US.UTF-8", "fr_FR.UTF-8"), LANG_EN,
	       "LC_MESSAGES before LANG");
	is_int(shell_lang_of(NULL, "fr_FR.UTF-8", "en_US.UTF-8"), LANG_FR,
	       "LC_MESSAGES=fr wins over LANG=en");
	is_int(shell_lang_of("C.UTF-8", "en_US.UTF-8", "en_US.UTF-8"), LANG_FR,
	       "LC_ALL before everything");
	is_int(shell_lang_of("en_IE.UTF-8", "fr_FR.UTF-8", NULL), LANG_EN, "LC_ALL=en");
	is_int(shell_lang_of("", "", "en_GB.UTF-8"), LANG_EN, "empty variables are not set");
}

static void test_table(const tr_entry *t, size_t n, const char *name)
{
	size_t unsorted = 0, missed = 0;

	ok(n > 0, "%s: not empty", name);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(t[i - 1].id, t[i].id) >= 0)
			unsorted++;
		if (tr_find(t, n, t[i].id) != t[i].str)
			missed++;
	}
	is_int(unsorted, 0, "%s: sorted, without duplicates", name);
	is_int(missed, 0, "%s: every entry found by the search", name);
	ok(!tr_find(t, n, "") && !tr_find(t, n, "\x7f no such text"),
	   "%s: absent texts are not found", name);
}

static void test_tr(void)
{
	setenv("LANG", "en_GB.UTF-8", 1);
	unsetenv("LC_ALL");
	unsetenv("LC_MESSAGES");
	shell_lang_init();
	is_int(shell_lang(), LANG_EN, "English from the environment");
	is_str(tr("voir collector --help"), "see collector --help", "a French text in English");
	is_str(tr("see merger --help"), "see merger --help", "an English text stays as it is");
	is_str(tr("no such text %s"), "no such text %s", "a text without translation");
	setenv("LANG", "fr_FR.UTF-8", 1);
	shell_lang_init();
	is_int(shell_lang(), LANG_FR, "French from the environment");
	is_str(tr("see merger --help"), "voir merger --help", "an English text in French");
	is_str(tr("voir collector --help"), "voir collector --help", "a French text stays");
	ok(tr(NULL) == NULL, "NULL stays NULL");
}

int main(void)
{
	test_rule();
	test_table(catalogue_fr, catalogue_fr_n, "French");
	test_table(catalogue_en, catalogue_en_n, "English");
	test_tr();
	return done_testing();
}
