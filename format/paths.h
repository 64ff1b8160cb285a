/*
 * paths.h - where the programs keep their data.
 *
 * A home is a private folder (mode 0700) holding a program's database,
 * its identity and its working folders.  It is chosen, in order, by the
 * --home flag, an environment variable (COLLECTOR_HOME, MERGER_HOME),
 * or $XDG_DATA_HOME/maillage/<program> (default ~/.local/share/...).
 */
#ifndef MAILLAGE_PATHS_H
#define MAILLAGE_PATHS_H

#include <stddef.h>

#include "error.h"

#define PATH_CAP 4096

/* out = dir "/" name; FMT_E_LENGTH when it does not fit in PATH_CAP. */
int path_join(char out[PATH_CAP], const char *dir, const char *name,
	      fmt_error *err);

/* Creates dir and its missing parents with the given mode (existing
 * folders are left as they are). */
int mkdir_p(const char *dir, int mode, fmt_error *err);

/* 1 when path exists (any kind of file), 0 otherwise. */
int path_exists(const char *path);

/* The last component of path (no allocation: points into path). */
const char *path_base(const char *path);

#endif
