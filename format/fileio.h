/*
 * fileio.h - reading files with a size cap, and writing files atomically.
 *
 * Every file that matters is written to a temporary file in the same
 * folder, fsynced, renamed into place and the folder fsynced, so that a
 * crash (even kill -9 or a power cut) leaves either the old file or the
 * new one, never a partial one.  "-" means standard input or output.
 */
#ifndef MAILLAGE_FILEIO_H
#define MAILLAGE_FILEIO_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* An output file being written.  Between atomic_open() and
 * atomic_commit()/atomic_abort(), write to fd.  For path "-", fd is 1 and
 * commit only flushes. */
typedef struct atomic_file {
	int fd;
	char path[4096];
	char tmp[4096];     /* "" for stdout */
	int no_replace;     /* set by atomic_open() */
	int synced;         /* atomic_sync() done: commit need not fsync */
} atomic_file;

/* Creates "<path>.XXXXXX.tmp" with the given mode (O_EXCL).  When
 * no_replace, commit fails with FMT_E_EXISTS rather than replace an
 * existing path (link + unlink instead of rename). */
int atomic_open(atomic_file *f, const char *path, int mode, int no_replace,
		fmt_error *err);
/* fsync, rename (or link) into place, fsync the folder.  On failure the
 * temporary file is removed and path is untouched. */
int atomic_commit(atomic_file *f, fmt_error *err);
/* fsyncs the temporary file now, for a writer that finishes it in one
 * thread and commits it in another; the commit then skips that fsync.
 * Write nothing more after it. */
int atomic_sync(atomic_file *f, fmt_error *err);
/* atomic_commit() without the fsync of the folder: a writer of many files
 * in one folder calls fsync_parent() once after the last.  Until then a
 * power failure may lose the new name (never the content under it). */
int atomic_commit_later(atomic_file *f, fmt_error *err);
/* fsyncs the folder holding path, so that a rename or link into it is
 * durable. */
int fsync_parent(const char *path, fmt_error *err);
/* Closes and removes the temporary file; accepts a never-opened or
 * already-committed file (f->fd < 0). */
void atomic_abort(atomic_file *f);

/* Removes from dir the temporary files "<name>.XXXXXX.tmp" that a writer
 * killed before its commit left behind: those untouched for a minute and
 * that no process holds (atomic_open() locks its file until commit or
 * abort).  Programs call it at start on the folders they own.  Returns
 * how many were removed; a folder that cannot be read is left alone.
 * Can't fail. */
int atomic_remove_stray(const char *dir);

/* Writes data[0..len) to path ("-": standard output) atomically, with the
 * given mode: atomic_open(), write_all(), atomic_commit().  On failure
 * path is untouched. */
int atomic_write_file(const char *path, const uint8_t *data, size_t len, int mode,
		      int no_replace, fmt_error *err);

/* Writes all of buf to fd, retrying short writes and EINTR. */
int write_all(int fd, const void *buf, size_t len, fmt_error *err);
/* Reads exactly len bytes, or fewer at end of file: *got tells. */
int read_full(int fd, void *buf, size_t len, size_t *got, fmt_error *err);

/* Reads the whole of path ("-" for stdin) into a malloc()ed buffer; fails
 * with FMT_E_TOO_BIG as soon as more than max bytes are seen, without
 * reading the rest.  Caller frees *out. */
int read_file_capped(const char *path, size_t max, uint8_t **out, size_t *len,
		     fmt_error *err);

/* Opens path for reading ("-": a private unlinked copy of stdin, capped at
 * max bytes, so that callers may read it twice).  Returns the fd in *fd. */
int open_input(const char *path, size_t max, int *fd, fmt_error *err);

#endif
