/*
 * os_posix.c - os.h on Linux and the other POSIX systems (on Windows,
 * os_win.c is built instead and this file is empty).
 */
#ifndef _WIN32

#include "os.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* See os.h.  The kernel's own answer first: a symbolic link on $PATH to
 * the program on a stick still gives the stick's folder. */
int os_self_path(const char *argv0, char exe[PATH_CAP])
{
	ssize_t n = readlink("/proc/self/exe", exe, PATH_CAP);
	char *real;

	if (n > 0 && n < PATH_CAP && exe[0] == '/') {
		exe[n] = '\0';
		return 0;
	}
	/* Without /proc: a name with a slash was run as given (relative to
	 * the current folder or absolute); a bare name came from $PATH,
	 * which we do not search again. */
	if (!argv0 || !strchr(argv0, '/'))
		return -1;
	real = realpath(argv0, NULL);
	if (!real)
		return -1;
	n = (ssize_t)strlen(real);
	if (n >= PATH_CAP || real[0] != '/') {
		free(real);
		return -1;
	}
	memcpy(exe, real, (size_t)n + 1);
	free(real);
	return 0;
}

/* See os.h: the XDG base directory rules. */
int os_default_home(const char *prog, char out[PATH_CAP])
{
	const char *v;
	int n;

	out[0] = '\0';
	if ((v = getenv("XDG_DATA_HOME")) && *v && v[0] == '/')
		n = snprintf(out, PATH_CAP, "%s/maillage/%s", v, prog);
	else if ((v = getenv("HOME")) && *v)
		n = snprintf(out, PATH_CAP, "%s/.local/share/maillage/%s", v, prog);
	else
		return 0;
	if (n <= 0 || n >= PATH_CAP) {
		out[0] = '\0';
		return -1;
	}
	return n;
}

void os_path_fix(char *path)
{
	(void)path;
}

/* See os.h.  xdg-open may return at once or stay until the browser
 * closes: it runs with no signal blocked, its chatter off the terminal. */
int os_open_url(const char *url)
{
	char *argv[] = { "xdg-open", (char *)url, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	pid_t pid;
	int rc, st = 0;

	if (posix_spawn_file_actions_init(&fa) != 0)
		return -1;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return -1;
	}
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setpgroup(&at, 0);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
	rc = posix_spawnp(&pid, "xdg-open", &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	if (rc != 0)
		return -1;
	for (int i = 0; i < 50; i++) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };
		pid_t w = waitpid(pid, &st, WNOHANG);

		if (w == pid)
			return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
		if (w < 0)
			return -1;
		nanosleep(&ts, NULL);
	}
	return 0;       /* still running: it has the browser in hand */
}

static sigset_t stop_sigs;

int os_stop_prepare(void)
{
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	signal(SIGPIPE, SIG_IGN);
	return pthread_sigmask(SIG_BLOCK, &stop_sigs, NULL) == 0 ? 0 : -1;
}

void os_stop_wait(void)
{
	int sig;

	do {
		if (sigwait(&stop_sigs, &sig) != 0)
			return;
	} while (sig != SIGINT && sig != SIGTERM);
}

void os_stop(void)
{
	kill(getpid(), SIGTERM);
}

int os_bare_start_is_desktop(void)
{
	return 0;
}

#endif
