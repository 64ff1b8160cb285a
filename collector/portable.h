/*
 * portable.h - portable mode: the collector's home travels with the
 * program, in a folder "maillage-data" beside the executable (a USB stick
 * carrying both), so that the same post can be used from any laptop.
 *
 * The home is chosen, in order, by --home, COLLECTOR_HOME, that folder
 * when it exists, and the XDG data folder (paths.h).  `collector init
 * --portable` creates it.
 */
#ifndef COLLECTOR_PORTABLE_H
#define COLLECTOR_PORTABLE_H

#include "collector.h"

/* The folder name, beside the executable. */
#define PORTABLE_DIR "maillage-data"

/* Fills out with "<folder of the running executable>/maillage-data".
 * The executable is found through /proc/self/exe; where /proc is not
 * mounted (a chroot, a rescue system) argv0 is used when it names a path
 * (holds a '/'), since then it was not looked up in $PATH.  Returns 0, or
 * -1 with out = "" when the folder cannot be known.  Creates nothing. */
int portable_home(const char *argv0, char out[PATH_CAP]);

/* Called by main.c before the home is resolved: records in ctx which
 * setting named the home (home_flag, COLLECTOR_HOME or none) and the
 * portable folder, and returns the flag to give home_resolve(): home_flag
 * itself, or the portable folder when neither --home nor COLLECTOR_HOME
 * is given and that folder exists.  Can't fail. */
const char *portable_resolve(cctx *ctx, const char *argv0, const char *home_flag);

/* For `init --portable`: makes the portable folder ctx's home.  Refuses
 * (usage error) when --home or COLLECTOR_HOME named another home, since
 * later commands would then not find the portable one.  Returns 0, or the
 * exit status after printing one line. */
int portable_use(cctx *ctx);

#endif
