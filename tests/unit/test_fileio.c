/*
 * test_fileio.c - atomic writes (temporary name, mode, replace or not,
 * abort), capped reads of files and of standard input, and open_input's
 * private seekable copy of a stream.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"
#include "tap.h"
#include "scratch.h"


static int file_is(const char *path, const char *want)
{
	char buf[256];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof buf);
	close(fd);
	return n == (ssize_t)strlen(want) && memcmp(buf, want, (size_t)n) == 0;
}

static void put_file(const char *path, const void *data, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || write(fd, data, n) != (ssize_t)n)
		diag("cannot write %s", path);
	if (fd >= 0)
		close(fd);
}

/* Replaces standard input by a pipe holding data (at most a pipe's
 * buffer, 64 KiB, so that no writer process is needed). */
static int saved_stdin = -1;

static void stdin_from(const void *data, size_t n)
{
	int p[2];

	if (saved_stdin < 0)
		saved_stdin = dup(0);
	if (pipe(p) < 0 || write(p[1], data, n) != (ssize_t)n)
		diag("pipe failed");
	close(p[1]);
	dup2(p[0], 0);
	close(p[0]);
}

static void test_atomic(void)
{
	atomic_file f;
	fmt_error e;
	struct stat st;
	size_t plen;
	int rc;

	rc = atomic_open(&f, scratch_path("a.txt"), 0644, 0, &e);
	is_int(rc, FMT_OK, "atomic_open");
	plen = strlen(scratch_path("a.txt"));
	ok(strncmp(f.tmp, scratch_path("a.txt"), plen) == 0 && f.tmp[plen] == '.' &&
	   strlen(f.tmp) == plen + 11 && strcmp(f.tmp + plen + 7, ".tmp") == 0,
	   "temporary name is <path>.XXXXXX.tmp: %s", f.tmp);
	ok(access(f.tmp, F_OK) == 0, "temporary file exists while writing");
	ok(access(scratch_path("a.txt"), F_OK) != 0, "target does not exist before commit");
	write_all(f.fd, "one\n", 4, &e);
	is_int(atomic_commit(&f, &e), FMT_OK, "atomic_commit");
	ok(file_is(scratch_path("a.txt"), "one\n"), "content in place");
	is_int(f.fd, -1, "fd is -1 after commit");
	is_int(scratch_entries(), 1, "no temporary file left");
	stat(scratch_path("a.txt"), &st);
	is_int(st.st_mode & 0777, 0644, "mode 0644 as asked");

	/* Replace, with the old content visible until the commit. */
	atomic_open(&f, scratch_path("a.txt"), 0600, 0, &e);
	write_all(f.fd, "two\n", 4, &e);
	ok(file_is(scratch_path("a.txt"), "one\n"), "old content intact while the new one is written");
	is_int(atomic_commit(&f, &e), FMT_OK, "commit replacing a file");
	ok(file_is(scratch_path("a.txt"), "two\n"), "replaced");
	stat(scratch_path("a.txt"), &st);
	is_int(st.st_mode & 0777, 0600, "mode 0600 as asked");

	/* Abort. */
	atomic_open(&f, scratch_path("a.txt"), 0644, 0, &e);
	write_all(f.fd, "three\n", 6, &e);
	atomic_abort(&f);
	ok(file_is(scratch_path("a.txt"), "two\n"), "abort leaves the old file");
	is_int(scratch_entries(), 1, "abort removes the temporary file");
	atomic_abort(&f);
	ok(1, "a second abort is harmless");

	/* No replace. */
	atomic_open(&f, scratch_path("a.txt"), 0600, 1, &e);
	write_all(f.fd, "four\n", 5, &e);
	rc = atomic_commit(&f, &e);
	is_int(rc, FMT_E_EXISTS, "no_replace refuses an existing file");
	ok(strstr(e.detail, "a.txt") != NULL, "message names it: %s", e.detail);
	ok(file_is(scratch_path("a.txt"), "two\n"), "existing file untouched");
	is_int(scratch_entries(), 1, "refused commit removes the temporary file");
	atomic_open(&f, scratch_path("b.txt"), 0600, 1, &e);
	write_all(f.fd, "five\n", 5, &e);
	is_int(atomic_commit(&f, &e), FMT_OK, "no_replace creates a new file");
	ok(file_is(scratch_path("b.txt"), "five\n"), "new file in place");
	is_int(scratch_entries(), 2, "and no temporary file left");

	/* Missing folder. */
	rc = atomic_open(&f, scratch_path("nope/c.txt"), 0644, 0, &e);
	is_int(rc, FMT_E_IO, "atomic_open in a missing folder fails");
	ok(strstr(e.detail, "nope/c.txt") && strstr(e.detail, "No such file or directory"),
	   "message: %s", e.detail);
	is_int(f.fd, -1, "fd is -1 after a failed open");

	/* Standard output: nothing created, stdout never closed. */
	rc = atomic_open(&f, "-", 0644, 0, &e);
	ok(rc == FMT_OK && f.fd == 1 && f.tmp[0] == '\0', "\"-\" is standard output");
	is_int(atomic_commit(&f, &e), FMT_OK, "commit of standard output");
	atomic_open(&f, "-", 0644, 0, &e);
	atomic_abort(&f);
	ok(fcntl(1, F_GETFD) != -1, "abort of standard output leaves it open");
}

static void test_read_capped(void)
{
	uint8_t big[5000], *out = NULL;
	size_t len = 0;
	fmt_error e;
	int rc, i;

	for (i = 0; i < 5000; i++)
		big[i] = (uint8_t)(i * 7);
	put_file(scratch_path("r.bin"), big, 5000);
	rc = read_file_capped(scratch_path("r.bin"), 5000, &out, &len, &e);
	ok(rc == FMT_OK && len == 5000 && memcmp(out, big, 5000) == 0,
	   "a file of exactly the cap is read whole");
	free(out);
	rc = read_file_capped(scratch_path("r.bin"), 4999, &out, &len, &e);
	ok(rc == FMT_E_TOO_BIG && out == NULL && len == 0, "one byte over the cap: FMT_E_TOO_BIG");
	ok(strstr(e.detail, "r.bin") != NULL, "message names it: %s", e.detail);

	put_file(scratch_path("empty"), "", 0);
	rc = read_file_capped(scratch_path("empty"), 10, &out, &len, &e);
	ok(rc == FMT_OK && out != NULL && len == 0, "empty file: length 0, valid pointer");
	free(out);

	rc = read_file_capped(scratch_path("march.bundle"), 10, &out, &len, &e);
	is_int(rc, FMT_E_IO, "missing file: FMT_E_IO");
	ok(strstr(e.detail, "march.bundle: No such file or directory") != NULL,
	   "message in the system's words: %s", e.detail);
	rc = read_file_capped(scratch_dir, 10, &out, &len, &e);
	ok(rc == FMT_E_IO && strstr(e.detail, "Is a directory"), "a folder: %s", e.detail);

	stdin_from(big, 5000);
	rc = read_file_capped("-", 10000, &out, &len, &e);
	ok(rc == FMT_OK && len == 5000 && memcmp(out, big, 5000) == 0,
	   "\"-\" reads standard input");
	free(out);
	stdin_from(big, 5000);
	rc = read_file_capped("-", 4096, &out, &len, &e);
	ok(rc == FMT_E_TOO_BIG && out == NULL, "standard input over the cap: FMT_E_TOO_BIG");
	ok(strstr(e.detail, "standard input") != NULL, "message: %s", e.detail);
}

static void test_open_input(void)
{
	uint8_t data[3000], back[4000];
	size_t got;
	fmt_error e;
	pid_t pid;
	int fd, rc, i, status;

	for (i = 0; i < 3000; i++)
		data[i] = (uint8_t)(i ^ (i >> 3));
	put_file(scratch_path("in.bin"), data, 3000);
	rc = open_input(scratch_path("in.bin"), 3000, &fd, &e);
	ok(rc == FMT_OK && fd >= 0, "open_input of a file");
	read_full(fd, back, sizeof back, &got, &e);
	ok(got == 3000 && memcmp(back, data, 3000) == 0, "read_full stops at end of file");
	close(fd);
	rc = open_input(scratch_path("in.bin"), 2999, &fd, &e);
	ok(rc == FMT_E_TOO_BIG && fd == -1, "open_input of a file over the cap");
	rc = open_input(scratch_path("none"), 10, &fd, &e);
	ok(rc == FMT_E_IO && strstr(e.detail, "none: No such file"), "missing: %s", e.detail);

	stdin_from(data, 3000);
	rc = open_input("-", 3000, &fd, &e);
	ok(rc == FMT_OK && fd > 2, "open_input(\"-\") gives a private copy");
	read_full(fd, back, sizeof back, &got, &e);
	ok(got == 3000 && memcmp(back, data, 3000) == 0, "the copy holds standard input");
	ok(lseek(fd, 0, SEEK_SET) == 0, "the copy can be rewound");
	read_full(fd, back, sizeof back, &got, &e);
	ok(got == 3000 && memcmp(back, data, 3000) == 0, "and read a second time");
	close(fd);
	stdin_from(data, 3000);
	rc = open_input("-", 2000, &fd, &e);
	ok(rc == FMT_E_TOO_BIG && fd == -1, "standard input over the cap");

	/* A named pipe is copied too, so that it can be read twice. */
	if (mkfifo(scratch_path("fifo"), 0600) == 0) {
		pid = fork();
		if (pid == 0) {
			int w = open(scratch_path("fifo"), O_WRONLY);

			if (w >= 0 && write(w, data, 3000) == 3000)
				_exit(0);
			_exit(1);
		}
		rc = open_input(scratch_path("fifo"), 10000, &fd, &e);
		waitpid(pid, &status, 0);
		ok(rc == FMT_OK && lseek(fd, 0, SEEK_SET) == 0, "a named pipe becomes seekable");
		read_full(fd, back, sizeof back, &got, &e);
		ok(got == 3000 && memcmp(back, data, 3000) == 0, "with the pipe's content");
		if (fd >= 0)
			close(fd);
	} else {
		ok(0, "mkfifo: %s", strerror(errno));
	}

	/* write_all and read_full through a pipe. */
	{
		int p[2];

		if (pipe(p) == 0) {
			is_int(write_all(p[1], data, 1000, &e), FMT_OK, "write_all into a pipe");
			close(p[1]);
			read_full(p[0], back, 600, &got, &e);
			is_int(got, 600, "read_full reads what was asked");
			read_full(p[0], back, 600, &got, &e);
			is_int(got, 400, "and fewer at end of file");
			close(p[0]);
		}
		rc = write_all(-1, data, 1, &e);
		ok(rc == FMT_E_IO && strstr(e.detail, "Bad file descriptor"),
		   "write_all failure: %s", e.detail);
	}
	if (saved_stdin >= 0)
		dup2(saved_stdin, 0);
}

int main(void)
{
	if (format_init(NULL) != FMT_OK)
		return 2;
	umask(022);
	scratch_make("fileio");
	test_atomic();
	test_read_capped();
	test_open_input();
	scratch_remove();
	return done_testing();
}
