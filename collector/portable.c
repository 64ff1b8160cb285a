/*
 * portable.c - where the portable home is (portable.h): the folder of the
 * running executable, as the system knows it (os_self_path():
 * /proc/self/exe, GetModuleFileNameW on Windows) rather than as $PATH or
 * the current folder suggest, and the hooks main.c and
 * `init --portable` call.
 *
 * A field worker may carry the collector and its data on a USB stick and
 * plug it into whichever laptop is free; the stick is mounted at a
 * different place each time, so the home cannot be written down anywhere
 * but must be found from where the program itself lies.
 */
#include "portable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

int portable_home(const char *argv0, char out[PATH_CAP])
{
	char exe[PATH_CAP];
	char *slash;
	int n;

	out[0] = '\0';
	if (os_self_path(argv0, exe) != 0)
		return -1;
	slash = strrchr(exe, '/');
	/* exe is absolute, so there is a slash; "/collector" lives in "/". */
	*slash = '\0';
	n = snprintf(out, PATH_CAP, "%s/%s", exe, PORTABLE_DIR);
	if (n < 0 || n >= PATH_CAP) {
		out[0] = '\0';
		return -1;
	}
	return 0;
}

static int nonempty_env(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

const char *portable_resolve(cctx *ctx, const char *argv0, const char *home_flag)
{
	char other[PATH_CAP];

	if (home_flag && *home_flag)
		ctx->home_from = "--home";
	else if (nonempty_env("COLLECTOR_HOME"))
		ctx->home_from = "COLLECTOR_HOME";
	else
		ctx->home_from = NULL;
	portable_home(argv0, ctx->portable);
	/* Any kind of file counts: a broken maillage-data gets a clear
	 * message from the command rather than a silent switch to another
	 * home, which would look like lost data. */
	if (!ctx->home_from && ctx->portable[0] && path_exists(ctx->portable))
		return ctx->portable;
	/* Nothing else can name a home (neither $HOME nor an absolute
	 * $XDG_DATA_HOME, as in a bare chroot; %LOCALAPPDATA% on Windows):
	 * the portable folder is the last resort, so that `init --portable`
	 * works there too. */
	if (!ctx->home_from && ctx->portable[0] && os_default_home("collector", other) == 0)
		return ctx->portable;
	return home_flag;
}

int portable_use(cctx *ctx)
{
	fmt_error err = { 0 };

	if (ctx->home_from && strcmp(ctx->home_from, "--home") == 0)
		return usage_error("init : --portable et --home s'excluent (un poste portable "
				   "garde ses données dans %s à côté du programme)", PORTABLE_DIR);
	if (ctx->home_from)
		return usage_error("init --portable : COLLECTOR_HOME est défini (%s) et les "
				   "commandes suivantes utiliseraient ce dossier ; retirez-le "
				   "(unset COLLECTOR_HOME) pour un poste portable",
				   esc(getenv("COLLECTOR_HOME")));
	if (!ctx->portable[0]) {
		msg("init --portable : impossible de trouver le dossier où se trouve le "
		    "programme ; utilisez --home DOSSIER");
		return EXIT_ENV;
	}
	if (strlen(ctx->portable) >= sizeof ctx->home ||
	    path_join(ctx->db_path, ctx->portable, "store.db", &err) ||
	    path_join(ctx->key_path, ctx->portable, "identity.key", &err) ||
	    path_join(ctx->kit_path, ctx->portable, "kit", &err)) {
		msg("%s : chemin trop long", esc(ctx->portable));
		return EXIT_USAGE;
	}
	memcpy(ctx->home, ctx->portable, strlen(ctx->portable) + 1);
	return 0;
}
