/*
 * os_win.h - the POSIX calls of the code, with their Windows meaning.
 *
 * Included before every file of the Windows build (gcc -include
 * format/os_win.h, see the Makefile's windows target), never on POSIX.
 * The code stays POSIX; here each call it makes that Windows spells or
 * means differently is sent to a function of os_win.c, which takes UTF-8
 * paths and calls the wide (UTF-16) Win32 functions:
 *
 *   open       _wopen, always binary and not inherited; O_DIRECTORY opens
 *              the folder itself (CreateFileW, FILE_FLAG_BACKUP_SEMANTICS)
 *   fsync      FlushFileBuffers; a folder: nothing (see rename)
 *   pread      seek, read, seek back (one thread per descriptor, as here)
 *   rename     MoveFileExW(REPLACE_EXISTING | WRITE_THROUGH): replaced
 *              and on disk when it returns; an empty folder is replaced
 *              like on POSIX
 *   link       CreateHardLinkW (NTFS); EPERM on FAT and exFAT, where the
 *              callers fall back to an O_EXCL placeholder
 *   mkstemp    _wopen(O_EXCL | _O_TEMPORARY): removed when closed, since
 *              an open file cannot be unlinked on Windows
 *   mkdtemp, mkdir, rmdir, unlink, stat, lstat, chmod, opendir...
 *              the wide functions (CreateDirectoryW, FindFirstFileW...)
 *   getenv     _wgetenv, in UTF-8; TMPDIR defaults to %TEMP%
 *   isatty     a console (GetConsoleMode), not any character device
 *   fmemopen, open_memstream
 *              a temporary file, copied to the caller's buffer by fflush
 *              and fclose (the C runtime has no memory streams)
 *   flock      LockFileEx on one byte far past the end of the file, so
 *              that the lock keeps others from locking, not from reading
 *   pwrite     seek, write, seek back (as pread)
 *   fchdir     the folder's path (GetFinalPathNameByHandleW), made current
 *   fcntl      F_GETFD only: whether the descriptor is open
 *   timegm     _mkgmtime
 *   realpath   GetFullPathNameW (_wfullpath), at most PATH_MAX bytes; the
 *              path must exist, as on POSIX
 *   tcgetattr, tcsetattr (format/win/termios.h)
 *              the console's echo (GetConsoleMode, ENABLE_ECHO_INPUT)
 *   newlocale, uselocale
 *              nothing: the programs never change the C runtime's
 *              locale, whose numbers are always written the "C" way
 *   setrlimit  nothing (no core files on Windows); fstatfs says the file
 *              system keeps no POSIX modes (keys.c then skips the 0600
 *              check, as on a FAT stick)
 */
#ifndef MAILLAGE_OS_WIN_H
#define MAILLAGE_OS_WIN_H

#ifdef _WIN32

/* Every system header whose names are redefined below comes first, so
 * that its own declarations are not rewritten. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* Flags POSIX has and the C runtime has not.  Every descriptor is opened
 * not inheritable (_O_NOINHERIT), which is what O_CLOEXEC asks. */
#ifndef O_CLOEXEC
#define O_CLOEXEC 0
#endif
#define O_DIRECTORY 0x01000000
#define O_NOFOLLOW 0            /* no symbolic links are made here */
#define O_NONBLOCK 0            /* only regular files are opened */
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
/* A console has Ctrl-C and Ctrl-Break only: the hang-up and quit of a
 * terminal are Ctrl-Break. */
#define SIGHUP SIGBREAK
#define SIGQUIT SIGBREAK
#define O_NOCTTY 0
#define F_GETFD 1
typedef int locale_t;
#define LC_ALL_MASK 0
static inline locale_t os_win_newlocale(void) { return 0; }
static inline locale_t os_win_uselocale(locale_t l) { return l; }
#define newlocale(m, n, b) os_win_newlocale()
#define uselocale(l) os_win_uselocale(l)
#define freelocale(l) ((void)(l))
#define timegm(t) _mkgmtime(t)
#ifndef EOPNOTSUPP
#define EOPNOTSUPP 130
#endif
#ifndef EDQUOT
#define EDQUOT 10069            /* never set on Windows: WSAEDQUOT's number */
#endif

int os_win_open(const char *path, int flags, ...);
int os_win_fsync(int fd);
ssize_t os_win_pread(int fd, void *buf, size_t n, off_t off);
ssize_t os_win_pwrite(int fd, const void *buf, size_t n, off_t off);
int os_win_flock(int fd, int op);
int os_win_fchdir(int fd);
int os_win_fcntl(int fd, int cmd);
char *os_win_realpath(const char *path, char *out);
int os_win_rename(const char *from, const char *to);
int os_win_link(const char *from, const char *to);
int os_win_unlink(const char *path);
int os_win_rmdir(const char *path);
int os_win_mkdir(const char *path, int mode);
int os_win_chmod(const char *path, int mode);
int os_win_stat(const char *path, struct stat *st);
int os_win_fstat(int fd, struct stat *st);
char *os_win_mkdtemp(char *tmpl);
int os_win_mkstemp(char *tmpl);
char *os_win_getenv(const char *name);
int os_win_isatty(int fd);
FILE *os_win_fmemopen(void *buf, size_t cap, const char *mode);
FILE *os_win_open_memstream(char **out, size_t *len);
int os_win_fflush(FILE *f);
int os_win_fclose(FILE *f);

#define open os_win_open
#define fsync(fd) os_win_fsync(fd)
#define pread(fd, b, n, o) os_win_pread(fd, b, n, o)
#define pwrite(fd, b, n, o) os_win_pwrite(fd, b, n, o)
#define flock(fd, op) os_win_flock(fd, op)
#define fchdir(fd) os_win_fchdir(fd)
#define fcntl(fd, cmd) os_win_fcntl(fd, cmd)
#define realpath(p, o) os_win_realpath(p, o)
#define rename(a, b) os_win_rename(a, b)
#define link(a, b) os_win_link(a, b)
#define unlink(p) os_win_unlink(p)
#define rmdir(p) os_win_rmdir(p)
#define mkdir(p, m) os_win_mkdir(p, (int)(m))
#define chmod(p, m) os_win_chmod(p, (int)(m))
#define stat(p, s) os_win_stat(p, s)
#define lstat(p, s) os_win_stat(p, s)
#define fstat(fd, s) os_win_fstat(fd, s)
#define mkdtemp(t) os_win_mkdtemp(t)
#define mkstemp(t) os_win_mkstemp(t)
#define getenv(n) os_win_getenv(n)
#define isatty(fd) os_win_isatty(fd)
#define fmemopen(b, c, m) os_win_fmemopen(b, c, m)
#define open_memstream(o, l) os_win_open_memstream(o, l)
#define fflush(f) os_win_fflush(f)
#define fclose(f) os_win_fclose(f)

/* Folders: FindFirstFileW, names in UTF-8 (the C runtime's dirent.h
 * speaks the ANSI code page).  dirfd() and unlinkat() name the folder by
 * its DIR. */
typedef struct os_win_dir os_win_dir;
struct os_win_dirent {
	char d_name[1024];
};
os_win_dir *os_win_opendir(const char *path);
struct os_win_dirent *os_win_readdir(os_win_dir *d);
int os_win_closedir(os_win_dir *d);
int os_win_unlinkat(os_win_dir *d, const char *name, int flags);
int os_win_scandir(const char *path, struct os_win_dirent ***list,
		   int (*keep)(const struct os_win_dirent *),
		   int (*cmp)(const struct os_win_dirent **, const struct os_win_dirent **));

#define DIR os_win_dir
#define dirent os_win_dirent
#define opendir(p) os_win_opendir(p)
#define readdir(d) os_win_readdir(d)
#define closedir(d) os_win_closedir(d)
#define dirfd(d) (d)
#define unlinkat(d, n, f) os_win_unlinkat(d, n, f)
#define scandir(p, l, k, c) os_win_scandir(p, l, k, c)

#endif /* _WIN32 */
#endif
