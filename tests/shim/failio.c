/*
 * failio.c - an LD_PRELOAD shim that makes file I/O fail, or kills the
 * process, at a chosen point, so that the reliability tests (tests/t/t7*)
 * can show what the real collector and merger do on a full disk, a
 * failing device or a crash between two system calls.
 *
 * It wraps the calls through which the programs and SQLite change files
 * (open, write, pwrite, writev, ftruncate, fallocate, fsync, fdatasync,
 * rename, link, unlink) and acts only on "watched" files: those whose path,
 * as given to open() or rename(), contains the text of FAILIO_PATH.  Without
 * FAILIO_PATH it does nothing.  Environment:
 *
 *   FAILIO_PATH=TEXT        watch the files whose path contains TEXT
 *   FAILIO_WRITE_AFTER=N    after N bytes written to watched files, writes
 *                           fail (the one that crosses N is cut short)
 *   FAILIO_FSYNC=1          fsync/fdatasync of a watched file fails
 *   FAILIO_FSYNC=dir        fsync of a watched folder fails (files sync)
 *   FAILIO_RENAME=1         rename/link to or from a watched path fails
 *   FAILIO_ERRNO=NAME       the error: ENOSPC (default), EIO, EDQUOT, EROFS
 *   FAILIO_KILL_AT=N        SIGKILL just before the Nth change to a watched
 *                           file (write, truncate, fsync, rename, link, unlink)
 *   FAILIO_COUNT_FILE=PATH  at exit, append the number of such changes
 *
 * Writes made inside the C library (stdio's buffered output) do not go
 * through these wrappers: the tests use a small tmpfs for those.  Only
 * file descriptors opened through open()/openat() (and their dup()s) are
 * tracked; a table of FAILIO_MAX_FD flags is enough for these programs.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#define FAILIO_MAX_FD 4096

static const char *watch;            /* FAILIO_PATH, NULL when unset */
static long long write_budget = -1;  /* bytes left before writes fail; -1: no limit */
static int fail_fsync, fail_rename, fail_errno = ENOSPC;
static long long kill_at = -1, events;
static const char *count_file;
static unsigned char watched[FAILIO_MAX_FD];

/* The real function behind each wrapper, found on first use. */
#define REAL(type, name, args) \
	static type (*real_##name) args; \
	if (!real_##name) \
		real_##name = (type (*) args)dlsym(RTLD_NEXT, #name)

static int env_errno(const char *s)
{
	if (!s || !*s || strcmp(s, "ENOSPC") == 0)
		return ENOSPC;
	if (strcmp(s, "EIO") == 0)
		return EIO;
	if (strcmp(s, "EDQUOT") == 0)
		return EDQUOT;
	if (strcmp(s, "EROFS") == 0)
		return EROFS;
	return EIO;
}

static void failio_exit(void)
{
	FILE *f;

	if (!count_file)
		return;
	f = fopen(count_file, "a");
	if (f) {
		fprintf(f, "%lld\n", events);
		fclose(f);
	}
}

__attribute__((constructor)) static void failio_init(void)
{
	const char *v;

	watch = getenv("FAILIO_PATH");
	if (watch && !*watch)
		watch = NULL;
	if ((v = getenv("FAILIO_WRITE_AFTER")) && *v)
		write_budget = atoll(v);
	if ((v = getenv("FAILIO_FSYNC")) && *v == '1')
		fail_fsync = 1;
	else if (v && strcmp(v, "dir") == 0)
		fail_fsync = 2;
	if ((v = getenv("FAILIO_RENAME")) && *v == '1')
		fail_rename = 1;
	fail_errno = env_errno(getenv("FAILIO_ERRNO"));
	if ((v = getenv("FAILIO_KILL_AT")) && *v)
		kill_at = atoll(v);
	count_file = getenv("FAILIO_COUNT_FILE");
	if (count_file && *count_file)
		atexit(failio_exit);
	else
		count_file = NULL;
}

static int path_watched(const char *path)
{
	return watch && path && strstr(path, watch) != NULL;
}

static int fd_watched(int fd)
{
	return fd >= 0 && fd < FAILIO_MAX_FD && watched[fd];
}

static void fd_track(int fd, int on)
{
	if (fd >= 0 && fd < FAILIO_MAX_FD)
		watched[fd] = (unsigned char)on;
}

/* One change to a watched file: counted, and the process killed when it is
 * the chosen one (before the change happens). */
static void event(void)
{
	events++;
	if (kill_at >= 0 && events >= kill_at)
		raise(SIGKILL);
}

/* How many of len bytes a write to a watched file may write: len, fewer
 * (the budget's end), or -1 with errno set. */
static ssize_t budget(size_t len)
{
	if (write_budget < 0)
		return (ssize_t)len;
	if (write_budget == 0) {
		errno = fail_errno;
		return -1;
	}
	if ((long long)len > write_budget)
		len = (size_t)write_budget;
	return (ssize_t)len;
}

static void spent(ssize_t n)
{
	if (write_budget > 0 && n > 0)
		write_budget = n > write_budget ? 0 : write_budget - n;
}

/* --- opening and closing -------------------------------------------------- */

static mode_t mode_arg(int flags, va_list ap)
{
	if (flags & (O_CREAT | O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;
	REAL(int, open, (const char *, int, ...));

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = real_open(path, flags, mode);
	fd_track(fd, path_watched(path));
	return fd;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;
	REAL(int, open64, (const char *, int, ...));

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = real_open64(path, flags, mode);
	fd_track(fd, path_watched(path));
	return fd;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;
	REAL(int, openat, (int, const char *, int, ...));

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = real_openat(dirfd, path, flags, mode);
	fd_track(fd, path_watched(path));
	return fd;
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;
	int fd;
	REAL(int, openat64, (int, const char *, int, ...));

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	fd = real_openat64(dirfd, path, flags, mode);
	fd_track(fd, path_watched(path));
	return fd;
}

int close(int fd)
{
	REAL(int, close, (int));

	fd_track(fd, 0);
	return real_close(fd);
}

int dup(int fd)
{
	int n;
	REAL(int, dup, (int));

	n = real_dup(fd);
	fd_track(n, fd_watched(fd));
	return n;
}

int dup2(int fd, int to)
{
	int n;
	REAL(int, dup2, (int, int));

	n = real_dup2(fd, to);
	if (n >= 0)
		fd_track(n, fd_watched(fd));
	return n;
}

int dup3(int fd, int to, int flags)
{
	int n;
	REAL(int, dup3, (int, int, int));

	n = real_dup3(fd, to, flags);
	if (n >= 0)
		fd_track(n, fd_watched(fd));
	return n;
}

/* --- writing -------------------------------------------------------------- */

ssize_t write(int fd, const void *buf, size_t len)
{
	ssize_t n;
	REAL(ssize_t, write, (int, const void *, size_t));

	if (!fd_watched(fd))
		return real_write(fd, buf, len);
	event();
	if ((n = budget(len)) < 0)
		return -1;
	n = real_write(fd, buf, (size_t)n);
	spent(n);
	return n;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
	ssize_t n;
	REAL(ssize_t, pwrite, (int, const void *, size_t, off_t));

	if (!fd_watched(fd))
		return real_pwrite(fd, buf, len, off);
	event();
	if ((n = budget(len)) < 0)
		return -1;
	n = real_pwrite(fd, buf, (size_t)n, off);
	spent(n);
	return n;
}

ssize_t pwrite64(int fd, const void *buf, size_t len, off64_t off)
{
	ssize_t n;
	REAL(ssize_t, pwrite64, (int, const void *, size_t, off64_t));

	if (!fd_watched(fd))
		return real_pwrite64(fd, buf, len, off);
	event();
	if ((n = budget(len)) < 0)
		return -1;
	n = real_pwrite64(fd, buf, (size_t)n, off);
	spent(n);
	return n;
}

/* Vectored writes are all or nothing here: simpler, and still a failure
 * the caller must handle. */
ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	size_t total = 0;
	ssize_t n;
	int i;
	REAL(ssize_t, writev, (int, const struct iovec *, int));

	if (!fd_watched(fd))
		return real_writev(fd, iov, cnt);
	event();
	for (i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	if (write_budget >= 0 && (long long)total > write_budget) {
		write_budget = 0;
		errno = fail_errno;
		return -1;
	}
	n = real_writev(fd, iov, cnt);
	spent(n);
	return n;
}

/* Growing a file needs space too. */
int ftruncate(int fd, off_t len)
{
	REAL(int, ftruncate, (int, off_t));

	if (fd_watched(fd)) {
		event();
		if (write_budget == 0) {
			errno = fail_errno;
			return -1;
		}
	}
	return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	REAL(int, ftruncate64, (int, off64_t));

	if (fd_watched(fd)) {
		event();
		if (write_budget == 0) {
			errno = fail_errno;
			return -1;
		}
	}
	return real_ftruncate64(fd, len);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	REAL(int, fallocate, (int, int, off_t, off_t));

	if (fd_watched(fd)) {
		event();
		if (write_budget == 0) {
			errno = fail_errno;
			return -1;
		}
	}
	return real_fallocate(fd, mode, off, len);
}

int posix_fallocate(int fd, off_t off, off_t len)
{
	REAL(int, posix_fallocate, (int, off_t, off_t));

	if (fd_watched(fd)) {
		event();
		if (write_budget == 0)
			return fail_errno;
	}
	return real_posix_fallocate(fd, off, len);
}

/* --- making it durable ---------------------------------------------------- */

/* Whether fsync(fd) must fail: FAILIO_FSYNC=1, or =dir and fd a folder. */
static int fsync_fails(int fd)
{
	struct stat st;

	return fail_fsync == 1 ||
	       (fail_fsync == 2 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode));
}

int fsync(int fd)
{
	REAL(int, fsync, (int));

	if (fd_watched(fd)) {
		event();
		if (fsync_fails(fd)) {
			errno = EIO;
			return -1;
		}
	}
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(int, fdatasync, (int));

	if (fd_watched(fd)) {
		event();
		if (fsync_fails(fd)) {
			errno = EIO;
			return -1;
		}
	}
	return real_fdatasync(fd);
}

/* --- names ---------------------------------------------------------------- */

static int name_change(const char *from, const char *to)
{
	if (!path_watched(from) && !path_watched(to))
		return 0;
	event();
	if (fail_rename) {
		errno = fail_errno;
		return -1;
	}
	return 0;
}

int rename(const char *from, const char *to)
{
	REAL(int, rename, (const char *, const char *));

	if (name_change(from, to))
		return -1;
	return real_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	REAL(int, renameat, (int, const char *, int, const char *));

	if (name_change(from, to))
		return -1;
	return real_renameat(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to, unsigned flags)
{
	REAL(int, renameat2, (int, const char *, int, const char *, unsigned));

	if (name_change(from, to))
		return -1;
	return real_renameat2(fd1, from, fd2, to, flags);
}

int link(const char *from, const char *to)
{
	REAL(int, link, (const char *, const char *));

	if (name_change(from, to))
		return -1;
	return real_link(from, to);
}

int linkat(int fd1, const char *from, int fd2, const char *to, int flags)
{
	REAL(int, linkat, (int, const char *, int, const char *, int));

	if (name_change(from, to))
		return -1;
	return real_linkat(fd1, from, fd2, to, flags);
}

/* Removing a file is counted as a change (a crash point) but never fails:
 * the programs' clean-up must be able to run. */
int unlink(const char *path)
{
	REAL(int, unlink, (const char *));

	if (path_watched(path))
		event();
	return real_unlink(path);
}
