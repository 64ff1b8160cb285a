/*
 * os_posix.c - os.h on Linux and the other POSIX systems (on Windows,
 * os_win.c is built instead and this file is empty).
 */
#ifndef _WIN32

#include "os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
