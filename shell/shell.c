/*
 * shell.c - the program shell both programs share (shell.h).
 *
 * Everything here is about the edge of a program: what it prints, how it
 * exits, what it reads from its environment and command line.  The
 * words this file writes itself are French, translated like every
 * message (lang.c).
 */
#include "shell.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "os.h"
#include "textout.h"

static const char *program = "maillage";
static const char *help_hint = "";
static void (*sink)(void *, const char *);
static void *sink_ctx;

void shell_init(const char *name, const char *hint)
{
	program = name;
	help_hint = hint;
	shell_lang_init();
}

const char *shell_program(void)
{
	return program;
}

static void vline(const char *fmt, va_list ap, const char *tail)
	__attribute__((format(printf, 1, 0)));
static void vline(const char *fmt, va_list ap, const char *tail)
{
	if (sink) {
		char line[2048];

		vsnprintf(line, sizeof line, tr(fmt), ap);
		sink(sink_ctx, line);
		return;
	}
	fflush(stdout);     /* keep the order of data and messages on a terminal */
	fprintf(stderr, "%s: ", program);
	vfprintf(stderr, tr(fmt), ap);
	fputs(tail, stderr);
}

void shell_msg_sink(void (*fn)(void *ctx, const char *line), void *ctx)
{
	sink = fn;
	sink_ctx = ctx;
}

void msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(fmt, ap, "\n");
	va_end(ap);
}

int usage_error(const char *fmt, ...)
{
	char tail[128];
	va_list ap;

	snprintf(tail, sizeof tail, " (%s)\n", tr(help_hint));
	va_start(ap, fmt);
	vline(fmt, ap, tail);
	va_end(ap);
	return EXIT_USAGE;
}

int shell_exit_status(int code)
{
	switch (code) {
	case FMT_OK:
	case FMT_DONE:
		return 0;
	case FMT_E_NOMEM:
	case FMT_E_CRYPTO_INIT:
		return EXIT_INTERNAL;
	case FMT_E_IO:
	case FMT_E_EXISTS:
		return EXIT_IO;
	case FMT_E_BUSY:
	case FMT_E_DB:
	case FMT_E_SCHEMA:
	case FMT_E_NOT_SETUP:
	case FMT_E_KEYFILE:
		return EXIT_ENV;
	default:
		return EXIT_REFUSED;
	}
}

int64_t shell_now(void)
{
	const char *v = getenv("MAILLAGE_NOW");
	char *end;
	long long t;

	if (!v || !*v)
		return (int64_t)time(NULL);
	errno = 0;
	t = strtoll(v, &end, 10);
	/* The range every record accepts (record.h): 2000-01-01 .. 2099. */
	if (errno || *end || t < 946684800LL || t >= 4102444800LL) {
		msg("MAILLAGE_NOW : « %s » n'est pas une date valide en secondes depuis "
		    "1970 (entre 2000 et 2099)", esc(v));
		return -1;
	}
	return (int64_t)t;
}

void time_format(int64_t t, enum time_style style, char buf[TIME_BUF])
{
	struct tm tm;
	time_t tt = (time_t)t;
	size_t n = 0;
	int local = style == TIME_FR || style == TIME_FR_DATE;

	/* Times come from our databases or from signed files; years beyond
	 * 9999 would not fit the formats, so they show as "?".  Literal
	 * formats, so that the compiler checks each one. */
	if (t >= 0 && t <= 253402300799 && (local ? localtime_r(&tt, &tm) : gmtime_r(&tt, &tm))) {
		switch (style) {
		case TIME_HUMAN:
			n = strftime(buf, TIME_BUF, "%Y-%m-%d %H:%M UTC", &tm);
			break;
		case TIME_ISO:
			n = strftime(buf, TIME_BUF, "%Y-%m-%dT%H:%M:%SZ", &tm);
			break;
		case TIME_COMPACT:
			n = strftime(buf, TIME_BUF, "%Y%m%dT%H%M%SZ", &tm);
			break;
		case TIME_DATE:
			n = strftime(buf, TIME_BUF, "%Y-%m-%d", &tm);
			break;
		case TIME_FR:
			n = strftime(buf, TIME_BUF, "%d/%m/%Y à %H:%M", &tm);
			break;
		case TIME_FR_DATE:
			n = strftime(buf, TIME_BUF, "%d/%m/%Y", &tm);
			break;
		}
	}
	if (n == 0)
		strcpy(buf, "?");
}

const char *term_text(const char *s, char *buf, size_t cap)
{
	FILE *f;
	long n;

	buf[0] = '\0';
	if (cap < 2 || !s)
		return buf;
	/* fmemopen writes at most cap-1 bytes and keeps the NUL. */
	f = fmemopen(buf, cap, "w");
	if (!f)
		return buf;
	setvbuf(f, NULL, _IONBF, 0);
	out_term(f, s, 0);
	n = ftell(f);
	fclose(f);
	if (n >= 0 && (size_t)n < cap)
		buf[n] = '\0';
	else
		buf[cap - 1] = '\0';
	return buf;
}

const char *esc(const char *s)
{
	/* Four buffers: the most any one message quotes. */
	static char bufs[4][512];
	static int next;
	char *b = bufs[next];

	next = (next + 1) % 4;
	return term_text(s, b, sizeof bufs[0]);
}

#ifndef _WIN32
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* fgets() that Ctrl-C interrupts: while it waits, SIGINT only sets a
 * flag (without SA_RESTART, so that the read returns).  A SIGINT ignored
 * by whoever started us stays ignored. */
static char *read_interruptible(char *buf, size_t cap)
{
	struct sigaction sa, old;
	int caught = 0;
	char *got;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	interrupted = 0;
	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler != SIG_IGN)
		caught = sigaction(SIGINT, &sa, NULL) == 0;
	got = fgets(buf, (int)cap, stdin);
	if (caught)
		sigaction(SIGINT, &old, NULL);
	if (interrupted) {
		clearerr(stdin);
		return NULL;
	}
	return got;
}
#else
/* A Windows console's Ctrl-C ends the program, as it always has: nothing
 * is written before the last answer, so nothing is lost either. */
static char *read_interruptible(char *buf, size_t cap)
{
	return fgets(buf, (int)cap, stdin);
}
#endif

int shell_read_line(char *buf, size_t cap)
{
	size_t n;

	fflush(stderr);
	if (!read_interruptible(buf, cap))
		return -1;
	n = strlen(buf);
	if (n && buf[n - 1] == '\n') {
		buf[--n] = '\0';
	} else if (n == cap - 1) {
		int c;

		/* Over-long line: drop the rest, the answer is refused anyway. */
		while ((c = getchar()) != EOF && c != '\n')
			;
	}
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

/* 1 when s, blanks around it aside, is one of words[0..n) in any case. */
static int answer_is(const char *s, const char *const *words, size_t n)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < n; i++)
		if (strlen(words[i]) == len && strncasecmp(s, words[i], len) == 0)
			return 1;
	return 0;
}

int shell_confirm(const char *question)
{
	/* Both languages in both programs: a French coordinator answers o. */
	static const char *const yes[] = { "o", "oui", "y", "yes" };
	static const char *const no[] = { "n", "non", "no", "" };
	char line[64];

	for (;;) {
		fputs(question, stderr);
		if (shell_read_line(line, sizeof line) != 0) {
			fputc('\n', stderr);
			return 0;
		}
		if (answer_is(line, yes, sizeof yes / sizeof yes[0]))
			return 1;
		if (answer_is(line, no, sizeof no / sizeof no[0]))
			return 0;
		msg("répondez o (oui) ou n (non)");
	}
}

int home_resolve(const char *flag, const char *envname, const char *prog,
		 char out[PATH_CAP], fmt_error *err)
{
	const char *v;
	int n;

	if (flag && *flag)
		v = flag;
	else if ((v = getenv(envname)) && *v)
		;
	else if ((n = os_default_home(prog, out)) != 0)
		goto done;
	else {
		out[0] = '\0';
		return fmt_fail(err, FMT_E_IO,
				"no home folder: use --home DIR or set %s", envname);
	}
	n = snprintf(out, PATH_CAP, "%s", v);
done:
	if (n < 0 || n >= PATH_CAP) {
		out[0] = '\0';
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_PATH_LONG, NULL,
				      "home folder path too long");
	}
	os_path_fix(out);
	/* "dir/" and "dir" are the same home: drop trailing slashes. */
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
	return FMT_OK;
}

static opt *opt_find(opt *opts, int nopts, const char *name, size_t len)
{
	for (int i = 0; i < nopts; i++)
		if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
			return &opts[i];
	return NULL;
}

int args_parse(const char *cmd, int argc, char **argv, opt *opts, int nopts,
	       char **pos, int max_pos, int *npos)
{
	int i, only_pos = 0;

	*npos = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *name, *eq;
		size_t len;
		opt *o;

		if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
			if (*npos >= max_pos)
				return usage_error("%s : argument en trop « %s »", cmd, esc(a));
			pos[(*npos)++] = argv[i];
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		name = a + (a[1] == '-' ? 2 : 1);
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		o = opt_find(opts, nopts, name, len);
		if (!o)
			return usage_error("%s : option inconnue « %s »", cmd, esc(a));
		if (!o->has_arg) {
			if (eq)
				return usage_error("%s : l'option --%s ne prend pas de valeur",
						   cmd, o->name);
			o->value = "1";
			continue;
		}
		if (o->value)
			return usage_error("%s : option --%s donnée deux fois", cmd, o->name);
		if (eq) {
			o->value = eq + 1;
		} else {
			if (i + 1 >= argc)
				return usage_error("%s : il manque la valeur de l'option --%s",
						   cmd, o->name);
			o->value = argv[++i];
		}
	}
	return 0;
}

const char *opt_value(const opt *opts, int nopts, const char *name)
{
	for (int i = 0; i < nopts; i++)
		if (strcmp(opts[i].name, name) == 0)
			return opts[i].value;
	return NULL;
}
