/*
 * paths.c - small path helpers (paths.h).
 */
#include "paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int path_join(char out[PATH_CAP], const char *dir, const char *name,
	      fmt_error *err)
{
	int n = snprintf(out, PATH_CAP, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_CAP) {
		out[0] = '\0';
		return fmt_fail_field(err, FMT_E_LENGTH, FMT_R_PATH_LONG, NULL,
				      "path too long: %s/%s", dir, name);
	}
	return FMT_OK;
}

int mkdir_p(const char *dir, int mode, fmt_error *err)
{
	char buf[PATH_CAP];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof buf)
		return fmt_fail(err, FMT_E_LENGTH, "bad folder name");
	memcpy(buf, dir, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;
			*p = '\0';
			if (mkdir(buf, (mode_t)mode) != 0 && errno != EEXIST)
				return fmt_fail_errno(err, errno, "%s: cannot create folder", buf);
			*p = c;
			if (c == '\0')
				break;
		}
	}
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return fmt_fail(err, FMT_E_IO, "%s: not a folder", dir);
	return FMT_OK;
}

int path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

const char *path_base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}
