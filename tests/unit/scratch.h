/*
 * scratch.h - a private scratch folder for a unit test, under $TMPDIR (or
 * /tmp), removed with everything in it at the end.
 *
 *   scratch_make("keys")   creates maillage-test-keys.XXXXXX (exit 2 when
 *                          it cannot); its path is then in scratch_dir
 *   scratch_path("a.key")  a path inside it (the last two results stay
 *                          valid, so that one call can name two files)
 *   scratch_entries()      how many entries it holds, to spot leftover
 *                          temporary files (-1 when it cannot tell)
 *   scratch_remove()       removes it
 *
 * Header-only, like tap.h (which must be included first).
 */
#ifndef MAILLAGE_SCRATCH_H
#define MAILLAGE_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

static char scratch_dir[4096];

static __attribute__((unused)) void scratch_make(const char *name)
{
	const char *t = getenv("TMPDIR");

	snprintf(scratch_dir, sizeof scratch_dir, "%s/maillage-test-%s.XXXXXX",
		 t && *t ? t : "/tmp", name);
	if (!mkdtemp(scratch_dir)) {
		perror("mkdtemp");
		exit(2);
	}
}

static __attribute__((unused)) void scratch_remove(void)
{
	char cmd[4200];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", scratch_dir);
	if (system(cmd) != 0)
		diag("could not remove %s", scratch_dir);
}

static __attribute__((unused)) const char *scratch_path(const char *name)
{
	static char p[2][4200];
	static int k;

	k ^= 1;
	snprintf(p[k], sizeof p[k], "%s/%s", scratch_dir, name);
	return p[k];
}

static __attribute__((unused)) int scratch_entries(void)
{
	char cmd[4300];
	FILE *p;
	int n = -1;

	snprintf(cmd, sizeof cmd, "ls -A '%s' | wc -l", scratch_dir);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%d", &n) != 1)
			n = -1;
		pclose(p);
	}
	return n;
}

#endif
