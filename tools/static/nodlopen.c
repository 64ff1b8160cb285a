/*
 * nodlopen.c - linked into the static collector and merger only (make
 * static), in place of glibc's dlopen().
 *
 * SQLite's unix layer can load extensions, so Debian's libsqlite3.a calls
 * dlopen().  In a static program glibc's dlopen needs, at run time, the
 * shared libraries of the very glibc the program was linked with: exactly
 * what a static program exists not to need, and what the linker warns
 * about.  Neither program ever enables extension loading; the link
 * (-Wl,--wrap=dlopen) sends that one call here, where it always fails, so
 * nothing in either program calls glibc's dlopen and nothing can be loaded
 * at run time.
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

/* Fails like dlopen() on a missing library: NULL.  SQLite then reports
 * "unable to open shared library", should anything ever ask it to. */
void *__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}
