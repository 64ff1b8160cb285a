/*
 * os_win.c - os.h and os_win.h on Windows (mingw-w64).  On POSIX this
 * file is empty and os_posix.c is built instead.
 *
 * Paths are UTF-8 everywhere in the programs; here they become UTF-16
 * for the wide Win32 functions, and what Windows hands back (the command
 * line, the environment, folder listings, the program's own path) becomes
 * UTF-8.  Errors come back as errno values, so that the callers' messages
 * stay the same on both systems.
 *
 * wmain() is the entry point (gcc -municode): it sets the console to
 * UTF-8, every standard stream and every later fopen() to binary (a
 * bundle written to standard output must not have its bytes 0x0A turned
 * into 0x0D 0x0A), turns the UTF-16 arguments into UTF-8 and calls the
 * program's main().
 */
#ifdef _WIN32

#include "os.h"
#include "termios.h"

#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <windows.h>
#include <shellapi.h>

/* The real C runtime functions, under the names os_win.h redefines. */
#undef fflush
#undef fclose

#define WPATH 4096      /* UTF-16 units: PATH_CAP bytes never need more */

/* --- conversions ---------------------------------------------------------- */

/* UTF-8 path into w[WPATH]; -1 with errno set when it is not UTF-8 or
 * too long. */
static int wide(const char *s, wchar_t *w)
{
	if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, WPATH) > 0)
		return 0;
	errno = GetLastError() == ERROR_INSUFFICIENT_BUFFER ? ENAMETOOLONG : EINVAL;
	return -1;
}

/* A malloc()ed UTF-8 copy of w, or NULL. */
static char *narrow(const wchar_t *w)
{
	int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
	char *s;

	if (n <= 0 || !(s = malloc((size_t)n)))
		return NULL;
	WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL);
	return s;
}

/* The errno of the last Win32 error. */
static int win_errno(void)
{
	switch (GetLastError()) {
	case ERROR_FILE_NOT_FOUND:
	case ERROR_PATH_NOT_FOUND:
	case ERROR_INVALID_DRIVE:
	case ERROR_BAD_NETPATH:
	case ERROR_BAD_PATHNAME:
	case ERROR_INVALID_NAME:
		return ENOENT;
	case ERROR_ACCESS_DENIED:
	case ERROR_SHARING_VIOLATION:
	case ERROR_LOCK_VIOLATION:
		return EACCES;
	case ERROR_ALREADY_EXISTS:
	case ERROR_FILE_EXISTS:
		return EEXIST;
	case ERROR_DIR_NOT_EMPTY:
		return ENOTEMPTY;
	case ERROR_NOT_SAME_DEVICE:
		return EXDEV;
	case ERROR_DISK_FULL:
	case ERROR_HANDLE_DISK_FULL:
		return ENOSPC;
	case ERROR_WRITE_PROTECT:
		return EROFS;
	case ERROR_FILENAME_EXCED_RANGE:
		return ENAMETOOLONG;
	case ERROR_NOT_ENOUGH_MEMORY:
	case ERROR_OUTOFMEMORY:
		return ENOMEM;
	case ERROR_INVALID_FUNCTION:
	case ERROR_NOT_SUPPORTED:
	case ERROR_TOO_MANY_LINKS:
		return EPERM;
	case ERROR_DIRECTORY:
		return ENOTDIR;
	default:
		return EIO;
	}
}

static int fail_win(void)
{
	errno = win_errno();
	return -1;
}

static DWORD attributes(const wchar_t *w)
{
	return GetFileAttributesW(w);
}

static int is_dir(const wchar_t *w)
{
	DWORD a = attributes(w);

	return a != INVALID_FILE_ATTRIBUTES && (a & FILE_ATTRIBUTE_DIRECTORY);
}

/* Six letters for a temporary name; O_EXCL and the callers' loops make
 * it unique. */
static void letters(char *out)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned counter;
	LARGE_INTEGER t;
	unsigned long long v;

	QueryPerformanceCounter(&t);
	v = (unsigned long long)t.QuadPart * 2654435761u ^
	    ((unsigned long long)GetCurrentProcessId() << 24) ^
	    (unsigned long long)++counter * 0x9E3779B97F4A7C15ull;
	for (int i = 0; i < 6; i++) {
		out[i] = set[v % (sizeof set - 1)];
		v /= sizeof set - 1;
	}
}

/* --- files ---------------------------------------------------------------- */

int os_win_open(const char *path, int flags, ...)
{
	wchar_t w[WPATH];
	int mode = 0;

	if (flags & O_CREAT) {
		va_list ap;

		va_start(ap, flags);
		mode = va_arg(ap, int);
		va_end(ap);
	}
	/* The POSIX name of the null device. */
	if (strcmp(path, "/dev/null") == 0)
		path = "NUL";
	if (wide(path, w) < 0)
		return -1;
	if (flags & O_DIRECTORY) {
		/* A folder opened as itself, for fsync(): only a handle made
		 * with FILE_FLAG_BACKUP_SEMANTICS can name one. */
		HANDLE h;
		int fd;

		if (!is_dir(w)) {
			errno = attributes(w) == INVALID_FILE_ATTRIBUTES ? win_errno() : ENOTDIR;
			return -1;
		}
		h = CreateFileW(w, GENERIC_READ,
				FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
				OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, NULL);
		if (h == INVALID_HANDLE_VALUE)
			return fail_win();
		fd = _open_osfhandle((intptr_t)h, _O_RDONLY);
		if (fd < 0)
			CloseHandle(h);
		return fd;
	}
	/* File modes mean nothing to Windows; a read-only file could not be
	 * replaced later, so every file is created writable. */
	(void)mode;
	return _wopen(w, flags | _O_BINARY | _O_NOINHERIT, _S_IREAD | _S_IWRITE);
}

/* fsync: the file's data and size on disk.  A folder needs nothing:
 * every rename is made with MOVEFILE_WRITE_THROUGH, which returns only
 * once the new name is on disk, and Windows cannot flush a folder
 * opened for reading.  Not a file on disk (console, pipe): EINVAL, as
 * POSIX says for a descriptor that cannot be synchronised. */
int os_win_fsync(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	BY_HANDLE_FILE_INFORMATION fi;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	if (GetFileType(h) != FILE_TYPE_DISK) {
		errno = EINVAL;
		return -1;
	}
	if (GetFileInformationByHandle(h, &fi) &&
	    (fi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
		return 0;
	if (!FlushFileBuffers(h))
		return fail_win();
	return 0;
}

/* The position is put back, as pread leaves it alone; not atomic, which
 * the programs never need (no descriptor is shared between threads). */
ssize_t os_win_pread(int fd, void *buf, size_t n, off_t off)
{
	__int64 pos = _lseeki64(fd, 0, SEEK_CUR);
	int got, e;

	if (pos < 0 || _lseeki64(fd, (__int64)off, SEEK_SET) < 0)
		return -1;
	got = _read(fd, buf, n > 0x7fffffff ? 0x7fffffffu : (unsigned)n);
	e = errno;
	if (_lseeki64(fd, pos, SEEK_SET) < 0)
		return -1;
	errno = e;
	return got;
}

ssize_t os_win_pwrite(int fd, const void *buf, size_t n, off_t off)
{
	__int64 pos = _lseeki64(fd, 0, SEEK_CUR);
	int put, e;

	if (pos < 0 || _lseeki64(fd, (__int64)off, SEEK_SET) < 0)
		return -1;
	put = _write(fd, buf, n > 0x7fffffff ? 0x7fffffffu : (unsigned)n);
	e = errno;
	if (_lseeki64(fd, pos, SEEK_SET) < 0)
		return -1;
	errno = e;
	return put;
}

/* Windows locks are mandatory: a locked byte cannot be read by anyone
 * else.  The lock is taken on one byte far past any content (allowed
 * beyond the end of a file), so the file itself stays readable: the
 * window's lock file tells a second window where the first one is. */
#define LOCK_BYTE_HIGH 0x40000000u

int os_win_flock(int fd, int op)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	OVERLAPPED ov = { 0 };

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	ov.OffsetHigh = LOCK_BYTE_HIGH;
	if (op & LOCK_UN)
		return UnlockFileEx(h, 0, 1, 0, &ov) ? 0 : fail_win();
	if (LockFileEx(h, LOCKFILE_EXCLUSIVE_LOCK | ((op & LOCK_NB) ? LOCKFILE_FAIL_IMMEDIATELY : 0),
		       0, 1, 0, &ov))
		return 0;
	if (GetLastError() == ERROR_LOCK_VIOLATION || GetLastError() == ERROR_IO_PENDING) {
		errno = EWOULDBLOCK;
		return -1;
	}
	return fail_win();
}

int os_win_fchdir(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	wchar_t w[WPATH];
	DWORD n;

	if (h == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	n = GetFinalPathNameByHandleW(h, w, WPATH, FILE_NAME_NORMALIZED);
	if (n == 0 || n >= WPATH)
		return fail_win();
	return SetCurrentDirectoryW(w) ? 0 : fail_win();
}

int os_win_fcntl(int fd, int cmd)
{
	if (cmd != F_GETFD) {
		errno = EINVAL;
		return -1;
	}
	if ((HANDLE)_get_osfhandle(fd) == INVALID_HANDLE_VALUE) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

/* out holds PATH_MAX bytes (POSIX's contract); NULL: allocated. */
char *os_win_realpath(const char *path, char *out)
{
	wchar_t w[WPATH], full[WPATH];
	char *s;
	size_t len;

	if (wide(path, w) < 0)
		return NULL;
	if (!_wfullpath(full, w, WPATH)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (attributes(full) == INVALID_FILE_ATTRIBUTES) {
		fail_win();
		return NULL;
	}
	if (!(s = narrow(full)))
		return NULL;
	os_path_fix(s);
	len = strlen(s);
	if (!out)
		return s;
	if (len >= PATH_MAX) {
		free(s);
		errno = ENAMETOOLONG;
		return NULL;
	}
	memcpy(out, s, len + 1);
	free(s);
	return out;
}

/* format/win/termios.h: the console's echo, nothing else. */
int tcgetattr(int fd, struct termios *t)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	DWORD mode;

	if (h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode)) {
		errno = ENOTTY;
		return -1;
	}
	t->c_lflag = (mode & ENABLE_ECHO_INPUT) ? ECHO : 0;
	return 0;
}

int tcsetattr(int fd, int when, const struct termios *t)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	DWORD mode;

	(void)when;
	if (h == INVALID_HANDLE_VALUE || !GetConsoleMode(h, &mode)) {
		errno = ENOTTY;
		return -1;
	}
	mode = (t->c_lflag & ECHO) ? mode | ENABLE_ECHO_INPUT : mode & ~(DWORD)ENABLE_ECHO_INPUT;
	return SetConsoleMode(h, mode) ? 0 : fail_win();
}

/* Replaces to, like POSIX rename: a file atomically (MoveFileExW), an
 * empty folder by removing it first (Windows never replaces a folder). */
int os_win_rename(const char *from, const char *to)
{
	wchar_t wf[WPATH], wt[WPATH];
	DWORD e;

	if (wide(from, wf) < 0 || wide(to, wt) < 0)
		return -1;
	if (MoveFileExW(wf, wt, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
		return 0;
	e = GetLastError();
	if ((e == ERROR_ACCESS_DENIED || e == ERROR_ALREADY_EXISTS) && is_dir(wf) && is_dir(wt)) {
		if (!RemoveDirectoryW(wt))
			return fail_win();
		if (MoveFileExW(wf, wt, MOVEFILE_WRITE_THROUGH))
			return 0;
	}
	return fail_win();
}

int os_win_link(const char *from, const char *to)
{
	wchar_t wf[WPATH], wt[WPATH];

	if (wide(from, wf) < 0 || wide(to, wt) < 0)
		return -1;
	if (CreateHardLinkW(wt, wf, NULL))
		return 0;
	return fail_win();
}

int os_win_unlink(const char *path)
{
	wchar_t w[WPATH];

	if (wide(path, w) < 0)
		return -1;
	return DeleteFileW(w) ? 0 : fail_win();
}

int os_win_rmdir(const char *path)
{
	wchar_t w[WPATH];

	if (wide(path, w) < 0)
		return -1;
	return RemoveDirectoryW(w) ? 0 : fail_win();
}

/* "C:" and "C:/" exist as folders but cannot be created: EEXIST, as for
 * any folder already there, so that mkdir_p() walks through them. */
int os_win_mkdir(const char *path, int mode)
{
	wchar_t w[WPATH];

	(void)mode;
	if (wide(path, w) < 0)
		return -1;
	if (CreateDirectoryW(w, NULL))
		return 0;
	if (attributes(w) != INVALID_FILE_ATTRIBUTES) {
		errno = EEXIST;
		return -1;
	}
	return fail_win();
}

int os_win_chmod(const char *path, int mode)
{
	wchar_t w[WPATH];

	(void)mode;
	if (wide(path, w) < 0)
		return -1;
	return attributes(w) != INVALID_FILE_ATTRIBUTES ? 0 : fail_win();
}

/* What the C runtime's own stat says of modes: 0666 (0444 read-only),
 * 0777 for a folder.  Windows has no symbolic links in the POSIX sense
 * here: lstat is stat. */
int os_win_stat(const char *path, struct stat *st)
{
	WIN32_FILE_ATTRIBUTE_DATA a;
	wchar_t w[WPATH];
	unsigned long long size;

	if (wide(path, w) < 0)
		return -1;
	if (!GetFileAttributesExW(w, GetFileExInfoStandard, &a))
		return fail_win();
	memset(st, 0, sizeof *st);
	size = (unsigned long long)a.nFileSizeHigh << 32 | a.nFileSizeLow;
	if (a.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
		st->st_mode = _S_IFDIR | 0777;
	else
		st->st_mode = _S_IFREG | ((a.dwFileAttributes & FILE_ATTRIBUTE_READONLY) ?
					  0444 : 0666);
	st->st_size = size > 0x7fffffff ? 0x7fffffff : (_off_t)size;
	st->st_mtime = (time_t)(((unsigned long long)a.ftLastWriteTime.dwHighDateTime << 32 |
				 a.ftLastWriteTime.dwLowDateTime) / 10000000ull - 11644473600ull);
	st->st_nlink = 1;
	return 0;
}

/* _fstat64's answer in the program's struct stat (sizes are capped far
 * below 2 GB by every reader). */
int os_win_fstat(int fd, struct stat *st)
{
	struct _stat64 s;

	if (_fstat64(fd, &s) != 0)
		return -1;
	memset(st, 0, sizeof *st);
	st->st_mode = s.st_mode;
	st->st_size = s.st_size > 0x7fffffff ? 0x7fffffff : (_off_t)s.st_size;
	st->st_mtime = (time_t)s.st_mtime;
	st->st_nlink = s.st_nlink;
	return 0;
}

char *os_win_mkdtemp(char *tmpl)
{
	size_t n = strlen(tmpl);
	wchar_t w[WPATH];

	if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return NULL;
	}
	for (int tries = 0; tries < 100; tries++) {
		letters(tmpl + n - 6);
		if (wide(tmpl, w) < 0)
			return NULL;
		if (CreateDirectoryW(w, NULL))
			return tmpl;
		if (GetLastError() != ERROR_ALREADY_EXISTS)
			break;
	}
	fail_win();
	return NULL;
}

/* The file is deleted when closed (_O_TEMPORARY): the callers unlink it
 * at once, which Windows refuses for an open file, so this is what does
 * it.  Their unlink() then removes nothing and is harmless. */
int os_win_mkstemp(char *tmpl)
{
	size_t n = strlen(tmpl);
	wchar_t w[WPATH];
	int fd;

	if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return -1;
	}
	for (int tries = 0; tries < 100; tries++) {
		letters(tmpl + n - 6);
		if (wide(tmpl, w) < 0)
			return -1;
		fd = _wopen(w, _O_RDWR | _O_CREAT | _O_EXCL | _O_BINARY | _O_NOINHERIT |
			    _O_TEMPORARY, _S_IREAD | _S_IWRITE);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	return -1;
}

/* --- environment, terminal ------------------------------------------------ */

/* Values stay allocated for the life of the program, like the
 * environment itself: callers keep the pointers. */
char *os_win_getenv(const char *name)
{
	static struct { char *name, *value; } seen[32];
	static int nseen;
	wchar_t w[256], *v;
	char *s;

	if (wide(name, w) < 0 || wcslen(w) >= 256)
		return NULL;
	v = _wgetenv(w);
	/* The temporary folder of POSIX, where Windows has another name. */
	if ((!v || !*v) && strcmp(name, "TMPDIR") == 0)
		v = _wgetenv(L"TEMP");
	if (!v)
		return NULL;
	s = narrow(v);
	if (!s)
		return NULL;
	for (int i = 0; i < nseen; i++)
		if (strcmp(seen[i].name, name) == 0) {
			if (strcmp(seen[i].value, s) == 0) {
				free(s);
				return seen[i].value;
			}
			seen[i].value = s;      /* the old value may still be in use */
			return s;
		}
	if (nseen < 32) {
		seen[nseen].name = _strdup(name);
		seen[nseen].value = s;
		if (seen[nseen].name)
			nseen++;
	}
	return s;
}

/* A console, not merely a character device (the C runtime's _isatty
 * says yes for NUL too). */
int os_win_isatty(int fd)
{
	HANDLE h = (HANDLE)_get_osfhandle(fd);
	DWORD mode;

	return h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode);
}

/* --- memory streams --------------------------------------------------------- */

/* The C runtime has no memory streams: a temporary file deleted on
 * close stands for one, and fflush() and fclose() copy what it holds to
 * the caller's buffer, as glibc does at those points.  fclose() keeps
 * the file, emptied, for the next stream (esc() makes one per message
 * and `collector list` one per cell): Windows deletes it when the
 * program ends, however it ends. */
static struct memstream {
	FILE *f;
	int busy;
	char *buf;              /* fmemopen: the caller's buffer of cap bytes */
	size_t cap;
	char **out;             /* open_memstream: a malloc()ed copy */
	size_t *len;
} streams[8];

static FILE *temp_stream(void)
{
	wchar_t dir[MAX_PATH + 1], name[MAX_PATH + 1];

	if (!GetTempPathW(MAX_PATH + 1, dir) || !GetTempFileNameW(dir, L"mlg", 0, name))
		return NULL;
	return _wfopen(name, L"w+bD");
}

static struct memstream *stream_of(FILE *f)
{
	for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++)
		if (f && streams[i].busy && streams[i].f == f)
			return &streams[i];
	return NULL;
}

static FILE *stream_new(char *buf, size_t cap, char **out, size_t *len)
{
	struct memstream *m = NULL;

	for (size_t i = 0; i < sizeof streams / sizeof streams[0]; i++)
		if (!streams[i].busy && (!m || streams[i].f))
			m = &streams[i];        /* a kept file first */
	if (!m) {
		errno = EMFILE;
		return NULL;
	}
	if (!m->f && !(m->f = temp_stream())) {
		errno = EIO;
		return NULL;
	}
	clearerr(m->f);
	rewind(m->f);
	m->busy = 1;
	m->buf = buf;
	m->cap = cap;
	m->out = out;
	m->len = len;
	return m->f;
}

/* Copies the stream's content out; the position is kept. */
static int stream_sync(struct memstream *m)
{
	long pos = ftell(m->f), size;
	char *p;
	size_t got;

	if (pos < 0 || fseek(m->f, 0, SEEK_END) != 0 || (size = ftell(m->f)) < 0 ||
	    fseek(m->f, 0, SEEK_SET) != 0)
		return EOF;
	if (m->buf) {
		got = m->cap ? fread(m->buf, 1, (size_t)size < m->cap - 1 ? (size_t)size :
				     m->cap - 1, m->f) : 0;
		if (m->cap)
			m->buf[got] = '\0';
	} else {
		p = realloc(*m->out, (size_t)size + 1);
		if (!p)
			return EOF;
		got = fread(p, 1, (size_t)size, m->f);
		p[got] = '\0';
		*m->out = p;
		*m->len = got;
	}
	return fseek(m->f, pos, SEEK_SET) == 0 ? 0 : EOF;
}

FILE *os_win_fmemopen(void *buf, size_t cap, const char *mode)
{
	(void)mode;
	if (cap)
		((char *)buf)[0] = '\0';
	return stream_new(buf, cap, NULL, NULL);
}

FILE *os_win_open_memstream(char **out, size_t *len)
{
	*out = NULL;
	*len = 0;
	return stream_new(NULL, 0, out, len);
}

int os_win_fflush(FILE *f)
{
	struct memstream *m = stream_of(f);
	int rc = fflush(f);

	if (m && rc == 0)
		rc = stream_sync(m);
	return rc;
}

int os_win_fclose(FILE *f)
{
	struct memstream *m = stream_of(f);
	int rc = 0;

	if (!m)
		return fclose(f);
	if (fflush(f) != 0 || stream_sync(m) != 0)
		rc = EOF;
	/* Emptied for the next one; closed if that fails. */
	rewind(f);
	if (_chsize(_fileno(f), 0) != 0) {
		fclose(f);
		m->f = NULL;
	}
	m->busy = 0;
	return rc;
}

/* --- folders ------------------------------------------------------------------ */

struct os_win_dir {
	HANDLE h;
	int first;              /* found holds an entry not yet returned */
	WIN32_FIND_DATAW found;
	struct os_win_dirent e;
	char path[PATH_CAP];
};

os_win_dir *os_win_opendir(const char *path)
{
	wchar_t w[WPATH];
	os_win_dir *d;
	size_t n = strlen(path);

	if (n + 3 >= PATH_CAP) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	d = calloc(1, sizeof *d);
	if (!d) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(d->path, path, n + 1);
	{
		char pattern[PATH_CAP];

		snprintf(pattern, sizeof pattern, "%s/*", path);
		if (wide(pattern, w) < 0) {
			free(d);
			return NULL;
		}
	}
	d->h = FindFirstFileW(w, &d->found);
	if (d->h == INVALID_HANDLE_VALUE) {
		fail_win();
		free(d);
		return NULL;
	}
	d->first = 1;
	return d;
}

struct os_win_dirent *os_win_readdir(os_win_dir *d)
{
	for (;;) {
		if (!d->first && !FindNextFileW(d->h, &d->found))
			return NULL;
		d->first = 0;
		if (WideCharToMultiByte(CP_UTF8, 0, d->found.cFileName, -1, d->e.d_name,
					(int)sizeof d->e.d_name, NULL, NULL) > 0)
			return &d->e;
	}
}

int os_win_closedir(os_win_dir *d)
{
	if (!d)
		return -1;
	FindClose(d->h);
	free(d);
	return 0;
}

int os_win_unlinkat(os_win_dir *d, const char *name, int flags)
{
	char p[PATH_CAP];

	(void)flags;
	if (snprintf(p, sizeof p, "%s/%s", d->path, name) >= (int)sizeof p) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return os_win_unlink(p);
}

int os_win_scandir(const char *path, struct os_win_dirent ***list,
		   int (*keep)(const struct os_win_dirent *),
		   int (*cmp)(const struct os_win_dirent **, const struct os_win_dirent **))
{
	os_win_dir *d = os_win_opendir(path);
	struct os_win_dirent *e, **v = NULL, **nv;
	size_t n = 0, cap = 0;

	*list = NULL;
	if (!d)
		return -1;
	while ((e = os_win_readdir(d))) {
		if (keep && !keep(e))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * sizeof *v);
			if (!nv)
				goto nomem;
			v = nv;
		}
		if (!(v[n] = malloc(sizeof *e)))
			goto nomem;
		*v[n++] = *e;
	}
	os_win_closedir(d);
	if (cmp && n > 1)
		qsort(v, n, sizeof *v, (int (*)(const void *, const void *))cmp);
	*list = v;
	return (int)n;
nomem:
	while (n)
		free(v[--n]);
	free(v);
	os_win_closedir(d);
	errno = ENOMEM;
	return -1;
}

/* --- os.h ------------------------------------------------------------------------ */

void os_path_fix(char *path)
{
	for (; *path; path++)
		if (*path == '\\')
			*path = '/';
}

int os_self_path(const char *argv0, char exe[PATH_CAP])
{
	wchar_t w[WPATH];
	DWORD n = GetModuleFileNameW(NULL, w, WPATH);
	char *s;
	size_t len;

	(void)argv0;
	if (n == 0 || n >= WPATH || !(s = narrow(w)))
		return -1;
	len = strlen(s);
	if (len >= PATH_CAP) {
		free(s);
		return -1;
	}
	memcpy(exe, s, len + 1);
	free(s);
	os_path_fix(exe);
	return 0;
}

/* %LOCALAPPDATA%\Maillage\PROG: the user's own, not roaming, data. */
int os_default_home(const char *prog, char out[PATH_CAP])
{
	const char *v = os_win_getenv("LOCALAPPDATA");
	int n;

	out[0] = '\0';
	if (!v || !*v)
		return 0;
	n = snprintf(out, PATH_CAP, "%s/Maillage/%s", v, prog);
	if (n <= 0 || n >= PATH_CAP) {
		out[0] = '\0';
		return -1;
	}
	os_path_fix(out);
	return n;
}

/* --- the window ------------------------------------------------------------------ */

/* The default browser, through the shell's association of http:. */
int os_open_url(const char *url)
{
	wchar_t *w;
	int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, url, -1, NULL, 0);
	INT_PTR rc;

	if (n <= 0 || !(w = calloc((size_t)n, sizeof *w)))
		return -1;
	MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, url, -1, w, n);
	rc = (INT_PTR)ShellExecuteW(NULL, L"open", w, NULL, NULL, SW_SHOWNORMAL);
	free(w);
	return rc > 32 ? 0 : -1;
}

/* Set by Ctrl-C, Ctrl-Break, the console's closing or os_stop(). */
static HANDLE stop_event;

static BOOL WINAPI on_console(DWORD what)
{
	SetEvent(stop_event);
	/* Closing the console ends the process when this returns: the main
	 * thread gets a moment to close the window and remove its files. */
	if (what == CTRL_CLOSE_EVENT || what == CTRL_LOGOFF_EVENT || what == CTRL_SHUTDOWN_EVENT)
		Sleep(3000);
	return TRUE;
}

int os_stop_prepare(void)
{
	if (!stop_event && !(stop_event = CreateEventW(NULL, TRUE, FALSE, NULL)))
		return -1;
	return SetConsoleCtrlHandler(on_console, TRUE) ? 0 : -1;
}

void os_stop_wait(void)
{
	WaitForSingleObject(stop_event, INFINITE);
}

void os_stop(void)
{
	SetEvent(stop_event);
}

int os_bare_start_is_desktop(void)
{
	return 1;
}

/* --- start-up --------------------------------------------------------------------- */

int main(int argc, char **argv);
int wmain(int argc, wchar_t **wargv);

/* The console's code pages belong to the console, which outlives the
 * program: they are put back at exit. */
static UINT console_out_cp, console_in_cp;

static void console_restore(void)
{
	if (console_out_cp)
		SetConsoleOutputCP(console_out_cp);
	if (console_in_cp)
		SetConsoleCP(console_in_cp);
}

int wmain(int argc, wchar_t **wargv)
{
	char **argv = calloc((size_t)argc + 1, sizeof *argv);

	/* French messages and UTF-8 names on the console. */
	console_out_cp = GetConsoleOutputCP();
	console_in_cp = GetConsoleCP();
	if (console_out_cp || console_in_cp)
		atexit(console_restore);
	SetConsoleOutputCP(CP_UTF8);
	SetConsoleCP(CP_UTF8);
	/* No "insert a disk" dialog when a path names an empty drive. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOOPENFILEERRORBOX);
	_setmode(0, _O_BINARY);
	_setmode(1, _O_BINARY);
	_setmode(2, _O_BINARY);
	_fmode = _O_BINARY;
	if (!argv) {
		fputs("out of memory\n", stderr);
		return 70;
	}
	for (int i = 0; i < argc; i++)
		if (!(argv[i] = narrow(wargv[i]))) {
			fputs("out of memory\n", stderr);
			return 70;
		}
	return main(argc, argv);
}

#endif
