/*
 * test_shell.c - unit tests of the program shell both programs share
 * (shell/shell.h): exit statuses, MAILLAGE_NOW, time formats, terminal
 * escaping, home folder resolution and option parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shell.h"
#include "tap.h"

static void test_exit_statuses(void)
{
	is_int(shell_exit_status(FMT_OK), 0, "exit 0 on success");
	is_int(shell_exit_status(FMT_DONE), 0, "and at the end of an iteration");
	is_int(shell_exit_status(FMT_E_FIELD), 1, "input refused: 1");
	is_int(shell_exit_status(FMT_E_SIGNATURE), 1, "a bad signature: 1");
	is_int(shell_exit_status(FMT_E_IO), 3, "I/O: 3");
	is_int(shell_exit_status(FMT_E_EXISTS), 3, "existing file: 3");
	is_int(shell_exit_status(FMT_E_BUSY), 4, "busy database: 4");
	is_int(shell_exit_status(FMT_E_KEYFILE), 4, "damaged key file: 4");
	is_int(shell_exit_status(FMT_E_NOMEM), 5, "out of memory: 5");
}

static void test_now(void)
{
	setenv("MAILLAGE_NOW", "1773568800", 1);
	is_int((int)(shell_now() - 1773568800), 0, "MAILLAGE_NOW replaces the clock");
	setenv("MAILLAGE_NOW", "12x", 1);
	is_int((int)shell_now(), -1, "a malformed MAILLAGE_NOW: -1");
	setenv("MAILLAGE_NOW", "946684799", 1);
	is_int((int)shell_now(), -1, "before 2000: -1");
	unsetenv("MAILLAGE_NOW");
	ok(shell_now() > 1700000000, "without it, the clock");
}

static void test_times(void)
{
	char b[TIME_BUF];

	time_format(1773568800, TIME_ISO, b);
	is_str(b, "2026-03-15T10:00:00Z", "TIME_ISO");
	time_format(1773568800, TIME_HUMAN, b);
	is_str(b, "2026-03-15 10:00 UTC", "TIME_HUMAN");
	time_format(1773568800, TIME_COMPACT, b);
	is_str(b, "20260315T100000Z", "TIME_COMPACT");
	time_format(1773568800, TIME_DATE, b);
	is_str(b, "2026-03-15", "TIME_DATE");
	setenv("TZ", "UTC", 1);
	time_format(1773568800, TIME_FR, b);
	is_str(b, "15/03/2026 à 10:00", "TIME_FR");
	time_format(1773568800, TIME_FR_DATE, b);
	is_str(b, "15/03/2026", "TIME_FR_DATE");
	time_format(-1, TIME_ISO, b);
	is_str(b, "?", "a time before 1970: ?");
}

static void test_text(void)
{
	char b[16];

	is_str(esc("a\x1b[2Jb"), "a\\x1b[2Jb", "terminal escapes shown, not run");
	term_text("0123456789abcdefghij", b, sizeof b);
	is_int((int)strlen(b), 15, "cut to fit");
	is_str(esc(NULL), "", "NULL is empty");
}

static void test_home(void)
{
	char out[PATH_CAP];
	fmt_error e;

	is_int(home_resolve("/a/b//", "X_HOME", "p", out, &e), FMT_OK, "a flag");
	is_str(out, "/a/b", "trailing slashes dropped");
	setenv("X_HOME", "/env", 1);
	home_resolve(NULL, "X_HOME", "p", out, &e);
	is_str(out, "/env", "then the variable");
	unsetenv("X_HOME");
	setenv("XDG_DATA_HOME", "/xdg", 1);
	home_resolve(NULL, "X_HOME", "p", out, &e);
	is_str(out, "/xdg/maillage/p", "then XDG_DATA_HOME");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/h", 1);
	home_resolve(NULL, "X_HOME", "p", out, &e);
	is_str(out, "/h/.local/share/maillage/p", "then HOME");
	unsetenv("HOME");
	is_int(home_resolve(NULL, "X_HOME", "p", out, &e), FMT_E_IO, "none: FMT_E_IO");
}

static void test_args(void)
{
	opt o[] = { { "org", 1, NULL }, { "o", 1, NULL }, { "full", 0, NULL } };
	char *argv[] = { "cmd", "--org=A", "-o", "f", "--full", "pos", "--", "--x", NULL };
	char *bad1[] = { "cmd", "--nope", NULL };
	char *bad2[] = { "cmd", "--org", "a", "--org", "b", NULL };
	char *bad3[] = { "cmd", "--org", NULL };
	char *pos[2];
	int n;

	is_int(args_parse("cmd", 8, argv, o, 3, pos, 2, &n), 0, "flags, values, -- and positionals");
	is_str(opt_value(o, 3, "org"), "A", "--org=A");
	is_str(opt_value(o, 3, "o"), "f", "-o f");
	is_str(opt_value(o, 3, "full"), "1", "a switch");
	ok(n == 2 && strcmp(pos[0], "pos") == 0 && strcmp(pos[1], "--x") == 0,
	   "positionals, and what follows --");
	o[0].value = o[1].value = o[2].value = NULL;
	is_int(args_parse("cmd", 2, bad1, o, 3, pos, 2, &n), EXIT_USAGE, "an unknown option");
	is_int(args_parse("cmd", 5, bad2, o, 3, pos, 2, &n), EXIT_USAGE, "an option twice");
	o[0].value = NULL;
	is_int(args_parse("cmd", 2, bad3, o, 3, pos, 2, &n), EXIT_USAGE, "a value missing");
}

int main(void)
{
	shell_init("test", "see test --help");
	test_exit_statuses();
	test_now();
	test_times();
	test_text();
	test_home();
	test_args();
	return done_testing();
}
