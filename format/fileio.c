/*
 * fileio.c - reading files with a size cap, and writing them atomically.
 *
 * Writing: the data goes to "<path>.XXXXXX.tmp" in the same folder
 * (created with O_EXCL, so two writers never share it), which is fsynced
 * and then renamed into place (or linked, when an existing file must not
 * be replaced), and the folder is fsynced so that the new name itself
 * survives a power cut.  A crash at any point leaves the old file or the
 * new one, plus at worst a stray *.tmp file, never a partial file.
 *
 * Reading: a file is read with a cap and refused as soon as it exceeds
 * it, so a hostile multi-gigabyte input costs nothing.  "-" is standard
 * input; open_input() copies it to an unlinked temporary file so that
 * readers needing two passes (the bundle reader) can seek.
 *
 * Every message names the file, with the system's own words for the
 * cause: "march.bundle: No such file or directory".
 */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* How a path is named in messages. */
static const char *shown(const char *path, int output)
{
	if (strcmp(path, "-") == 0)
		return output ? "standard output" : "standard input";
	return path;
}

static const char tmp_set[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/* A writer's temporary file that was not touched for this long and that
 * no process holds locked was left by a run that died. */
#define STRAY_AGE_S 60

/* Six characters for a temporary name.  Uniqueness comes from O_EXCL and
 * the retry loop; these only make collisions rare.  Deliberately not
 * libsodium's generator: writing a file must not consume the
 * deterministic randomness of test vectors. */
static void tmp_letters(char out[7])
{
	static unsigned long counter;
	struct timespec ts;
	unsigned long long v;
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	v = (unsigned long long)ts.tv_nsec * 2654435761u ^
	    ((unsigned long long)getpid() << 20) ^
	    ((unsigned long long)++counter * 0x9E3779B97F4A7C15ull) ^
	    (unsigned long long)ts.tv_sec;
	for (i = 0; i < 6; i++) {
		out[i] = tmp_set[v % (sizeof tmp_set - 1)];
		v /= sizeof tmp_set - 1;
		v ^= (unsigned long long)counter << (i * 7);
	}
	out[6] = '\0';
}

/* See fileio.h.  Folders on some file systems cannot be fsynced
 * (EINVAL): that is not an error. */
int fsync_parent(const char *path, fmt_error *err)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	size_t n;
	int fd, rc = FMT_OK;

	if (!slash) {
		strcpy(dir, ".");
	} else {
		n = (size_t)(slash - path);
		if (n == 0)
			n = 1;          /* "/name": the root folder */
		if (n >= sizeof dir)
			return fmt_fail_field(err, FMT_E_IO, FMT_R_PATH_LONG, NULL, "%s: path too long", path);
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return fmt_fail_errno(err, errno, "%s", dir);
	if (fsync(fd) < 0 && errno != EINVAL)
		rc = fmt_fail_errno(err, errno, "%s", dir);
	close(fd);
	return rc;
}

/* See fileio.h.  On failure f->fd is -1 and nothing was created. */
int atomic_open(atomic_file *f, const char *path, int mode, int no_replace,
		fmt_error *err)
{
	char letters[7];
	int tries, n;

	f->fd = -1;
	f->tmp[0] = '\0';
	f->no_replace = no_replace;
	f->synced = 0;
	if (strlen(path) >= sizeof f->path)
		return fmt_fail_field(err, FMT_E_IO, FMT_R_PATH_LONG, NULL, "%s: path too long", path);
	strcpy(f->path, path);
	if (strcmp(path, "-") == 0) {
		f->fd = STDOUT_FILENO;
		return FMT_OK;
	}
	/* 100 attempts: only a folder full of our own leftovers, or an
	 * attacker guessing names, makes the first one fail. */
	for (tries = 0; tries < 100; tries++) {
		tmp_letters(letters);
		n = snprintf(f->tmp, sizeof f->tmp, "%s.%s.tmp", path, letters);
		if (n < 0 || (size_t)n >= sizeof f->tmp) {
			f->tmp[0] = '\0';
			return fmt_fail_field(err, FMT_E_IO, FMT_R_PATH_LONG, NULL, "%s: path too long", path);
		}
		f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			     (mode_t)mode);
		if (f->fd >= 0) {
			/* Held until the file is closed: atomic_remove_stray()
			 * of another process leaves a file in use alone.  A
			 * file system without locks loses only that cleaning. */
			flock(f->fd, LOCK_EX | LOCK_NB);
			return FMT_OK;
		}
		if (errno != EEXIST)
			break;
	}
	n = errno;
	f->tmp[0] = '\0';
	return fmt_fail_errno(err, n, "%s: cannot create a temporary file next to it", path);
}

/* Puts the finished temporary file at f->path without replacing an
 * existing file.  link() fails when path exists, atomically; file systems
 * without hard links (FAT on a USB stick) get an O_EXCL placeholder that
 * the rename then replaces. */
static int place_no_replace(atomic_file *f, fmt_error *err)
{
	int fd, e;

	if (link(f->tmp, f->path) == 0) {
		unlink(f->tmp);
		return FMT_OK;
	}
	e = errno;
	if (e == EEXIST)
		return fmt_fail(err, FMT_E_EXISTS, "%s: file already exists; not replacing it",
				f->path);
	if (e != EPERM && e != EOPNOTSUPP && e != ENOSYS && e != EMLINK)
		return fmt_fail_errno(err, e, "%s", f->path);
	fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		e = errno;
		if (e == EEXIST)
			return fmt_fail(err, FMT_E_EXISTS,
					"%s: file already exists; not replacing it", f->path);
		return fmt_fail_errno(err, e, "%s", f->path);
	}
	close(fd);
	if (rename(f->tmp, f->path) < 0) {
		e = errno;
		unlink(f->path);
		return fmt_fail_errno(err, e, "%s", f->path);
	}
	return FMT_OK;
}

/* atomic_commit(), with the folder fsynced or not.  Whatever happens,
 * f->fd is -1 afterwards and the temporary file is gone. */
static int commit(atomic_file *f, int sync_folder, fmt_error *err)
{
	int rc, e;

	if (f->fd < 0)
		return fmt_fail(err, FMT_E_IO, "%s: file is not open for writing", f->path);
	if (f->tmp[0] == '\0') {
		/* Standard output: nothing to rename.  Our writes are
		 * unbuffered; fsync only matters when stdout is a file. */
		if (fsync(f->fd) < 0 && errno != EINVAL && errno != EROFS &&
		    errno != EBADF) {
			e = errno;
			f->fd = -1;
			return fmt_fail_errno(err, e, "standard output");
		}
		f->fd = -1;
		return FMT_OK;
	}
	if (!f->synced && fsync(f->fd) < 0) {
		e = errno;
		atomic_abort(f);
		return fmt_fail_errno(err, e, "%s", f->path);
	}
	if (close(f->fd) < 0) {
		e = errno;
		f->fd = -1;
		unlink(f->tmp);
		f->tmp[0] = '\0';
		return fmt_fail_errno(err, e, "%s", f->path);
	}
	f->fd = -1;
	if (f->no_replace) {
		rc = place_no_replace(f, err);
	} else if (rename(f->tmp, f->path) < 0) {
		rc = fmt_fail_errno(err, errno, "%s", f->path);
	} else {
		rc = FMT_OK;
	}
	if (rc != FMT_OK) {
		unlink(f->tmp);
		f->tmp[0] = '\0';
		return rc;
	}
	f->tmp[0] = '\0';
	return sync_folder ? fsync_parent(f->path, err) : FMT_OK;
}

int atomic_sync(atomic_file *f, fmt_error *err)
{
	if (f->fd < 0 || f->tmp[0] == '\0')
		return fmt_fail(err, FMT_E_IO, "%s: file is not open for writing", f->path);
	if (fsync(f->fd) < 0)
		return fmt_fail_errno(err, errno, "%s", f->path);
	f->synced = 1;
	return FMT_OK;
}

int atomic_commit(atomic_file *f, fmt_error *err)
{
	return commit(f, 1, err);
}

int atomic_commit_later(atomic_file *f, fmt_error *err)
{
	return commit(f, 0, err);
}

/* See fileio.h.  Never closes standard output. */
void atomic_abort(atomic_file *f)
{
	if (!f)
		return;
	if (f->fd >= 0 && f->tmp[0])
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0]) {
		unlink(f->tmp);
		f->tmp[0] = '\0';
	}
}

/* See fileio.h.  The detail has no file name: the caller knows it. */
int atomic_write_file(const char *path, const uint8_t *data, size_t len, int mode,
		      int no_replace, fmt_error *err)
{
	atomic_file f;
	int rc = atomic_open(&f, path, mode, no_replace, err);

	if (rc != FMT_OK)
		return rc;
	rc = write_all(f.fd, data, len, err);
	if (rc == FMT_OK)
		rc = atomic_commit(&f, err);
	if (rc != FMT_OK)
		atomic_abort(&f);
	return rc;
}

/* 1 when name is "<something>.XXXXXX.tmp" as atomic_open() makes it. */
static int stray_name(const char *name)
{
	size_t n = strlen(name);

	if (n < 13 || strcmp(name + n - 4, ".tmp") != 0 || name[n - 11] != '.')
		return 0;
	for (size_t i = n - 10; i < n - 4; i++)
		if (!name[i] || !strchr(tmp_set, name[i]))
			return 0;
	return 1;
}

/* See fileio.h. */
int atomic_remove_stray(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);
	int removed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char p[4096];
		struct stat st;
		int fd;

		if (!stray_name(e->d_name) ||
		    snprintf(p, sizeof p, "%s/%s", dir, e->d_name) >= (int)sizeof p)
			continue;
		fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
		if (fd < 0)
			continue;
		/* A recent file may belong to a writer between its open()
		 * and its flock(); a locked one to a writer still at work. */
		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
		    st.st_mtime + STRAY_AGE_S < now && flock(fd, LOCK_EX | LOCK_NB) == 0 &&
		    unlink(p) == 0)
			removed++;
		close(fd);
	}
	closedir(d);
	return removed;
}

int write_all(int fd, const void *buf, size_t len, fmt_error *err)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fmt_fail_errno(err, errno, "write failed");
		}
		if (n == 0)
			return fmt_fail(err, FMT_E_IO, "write failed: no progress");
		p += n;
		len -= (size_t)n;
	}
	return FMT_OK;
}

/* See fileio.h. */
int read_full(int fd, void *buf, size_t len, size_t *got, fmt_error *err)
{
	uint8_t *p = buf;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = read(fd, p + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*got = done;
			return fmt_fail_errno(err, errno, "read failed");
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return FMT_OK;
}

/* See fileio.h.  The buffer grows by doubling up to max + 1 bytes: the
 * one extra byte is how "more than max" is seen without reading on. */
int read_file_capped(const char *path, size_t max, uint8_t **out, size_t *len,
		     fmt_error *err)
{
	const char *name = shown(path, 0);
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, used = 0, want, got;
	fmt_error sub;
	struct stat st;
	int fd, rc = FMT_OK;

	*out = NULL;
	*len = 0;
	if (max >= SIZE_MAX - 1)
		max = SIZE_MAX - 2;
	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fmt_fail_errno(err, errno, "%s", name);
	}
	if (fstat(fd, &st) < 0) {
		rc = fmt_fail_errno(err, errno, "%s", name);
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		rc = fmt_fail_errno(err, EISDIR, "%s", name);
		goto out;
	}
	if (S_ISREG(st.st_mode) && st.st_size >= 0 && (uintmax_t)st.st_size > max) {
		rc = fmt_fail(err, FMT_E_TOO_BIG, "%s: file is too large (%jd bytes; at most %zu)",
			      name, (intmax_t)st.st_size, max);
		goto out;
	}
	for (;;) {
		if (used == cap) {
			if (cap > max)
				break;
			cap = cap ? cap * 2 : 4096;
			if (cap > max + 1)
				cap = max + 1;
			nb = realloc(buf, cap);
			if (!nb) {
				rc = fmt_fail(err, FMT_E_NOMEM, "%s: out of memory", name);
				goto out;
			}
			buf = nb;
		}
		want = cap - used;
		if (read_full(fd, buf + used, want, &got, &sub) != FMT_OK) {
			rc = fmt_fail_in(err, &sub, name);
			goto out;
		}
		used += got;
		if (got < want)
			break;
	}
	if (used > max) {
		rc = fmt_fail(err, FMT_E_TOO_BIG, "%s: file is too large (more than %zu bytes)",
			      name, max);
		goto out;
	}
	if (!buf) {
		/* Empty input: still hand back a valid pointer. */
		buf = malloc(1);
		if (!buf) {
			rc = fmt_fail(err, FMT_E_NOMEM, "%s: out of memory", name);
			goto out;
		}
	}
	*out = buf;
	*len = used;
	buf = NULL;
out:
	free(buf);
	if (fd != STDIN_FILENO)
		close(fd);
	return rc;
}

/* Copies from src to a new unlinked file in $TMPDIR (or /tmp), at most
 * max bytes, and returns it rewound in *fd. */
static int copy_to_temp(int src, const char *name, size_t max, int *fd,
			fmt_error *err)
{
	const char *dir = getenv("TMPDIR");
	char tmpl[4096];
	uint8_t buf[65536];
	size_t total = 0, got;
	fmt_error sub;
	int t, n, rc;

	if (!dir || !*dir)
		dir = "/tmp";
	n = snprintf(tmpl, sizeof tmpl, "%s/maillage-input.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof tmpl)
		return fmt_fail_field(err, FMT_E_IO, FMT_R_PATH_LONG, NULL, "%s: temporary folder path too long", dir);
	t = mkstemp(tmpl);
	if (t < 0)
		return fmt_fail_errno(err, errno, "%s: cannot create a temporary file", dir);
	unlink(tmpl);
	for (;;) {
		if (read_full(src, buf, sizeof buf, &got, &sub) != FMT_OK) {
			rc = fmt_fail_in(err, &sub, name);
			goto fail;
		}
		if (got > max - total) {
			rc = fmt_fail(err, FMT_E_TOO_BIG,
				      "%s: input is too large (more than %zu bytes)", name, max);
			goto fail;
		}
		if (write_all(t, buf, got, &sub) != FMT_OK) {
			rc = fmt_fail(err, FMT_E_IO, "%s: cannot copy it to %s: %s", name, dir,
				      sub.detail);
			goto fail;
		}
		total += got;
		if (got < sizeof buf)
			break;
	}
	if (lseek(t, 0, SEEK_SET) < 0) {
		rc = fmt_fail_errno(err, errno, "%s", name);
		goto fail;
	}
	*fd = t;
	return FMT_OK;
fail:
	close(t);
	return rc;
}

/* See fileio.h.  A pipe or terminal given by name ("<(cmd)") is copied
 * like standard input, since it cannot be read twice either. */
int open_input(const char *path, size_t max, int *fd, fmt_error *err)
{
	const char *name = shown(path, 0);
	struct stat st;
	int f, rc;

	*fd = -1;
	if (strcmp(path, "-") == 0)
		return copy_to_temp(STDIN_FILENO, name, max, fd, err);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return fmt_fail_errno(err, errno, "%s", name);
	if (fstat(f, &st) < 0) {
		rc = fmt_fail_errno(err, errno, "%s", name);
		close(f);
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		close(f);
		return fmt_fail_errno(err, EISDIR, "%s", name);
	}
	if (!S_ISREG(st.st_mode)) {
		rc = copy_to_temp(f, name, max, fd, err);
		close(f);
		return rc;
	}
	if ((uintmax_t)st.st_size > max) {
		close(f);
		return fmt_fail(err, FMT_E_TOO_BIG,
				"%s: file is too large (%jd bytes; at most %zu)", name,
				(intmax_t)st.st_size, max);
	}
	*fd = f;
	return FMT_OK;
}
