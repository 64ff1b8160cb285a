/*
 * test_backup.c - the backup file (format/backup.c): a round trip of keys
 * and an image of several messages (one of exactly BACKUP_CHUNK bytes),
 * then a wrong passphrase, a cut at every message boundary and inside a
 * message, a flipped byte in the header, a length and a ciphertext,
 * trailing bytes, limits out of range: each refused with its code.
 * Every derivation costs Argon2id's moderate limits, so the cases share
 * one written file.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backup.h"
#include "format.h"
#include "keys.h"
#include "tap.h"

static const char PASS[] = "correct horse battery staple";

/* A temporary file holding data[0..n), rewound; -1 on failure. */
static int file_of(const uint8_t *data, size_t n)
{
	FILE *f = tmpfile();
	int fd;

	if (!f)
		return -1;
	fd = dup(fileno(f));
	fclose(f);
	if (fd < 0 || (n && write(fd, data, n) != (ssize_t)n) || lseek(fd, 0, SEEK_SET) != 0)
		return -1;
	return fd;
}

/* Reads a backup held in data[0..n) with pass; the code of the first
 * failure (FMT_OK when it reads whole).  The image read goes to img. */
static int read_back(const uint8_t *data, size_t n, const char *pass, uint8_t *img,
		     size_t cap, size_t *got, identity **id)
{
	backup_reader *r = NULL;
	backup_info info;
	const uint8_t *p;
	size_t len;
	fmt_error e;
	int fd = file_of(data, n), rc;

	*id = NULL;
	*got = 0;
	if (fd < 0)
		return -1;
	rc = backup_reader_open(&r, fd, &e);
	if (rc == FMT_OK)
		rc = backup_reader_unlock(r, pass, strlen(pass), &info, id, &e);
	while (rc == FMT_OK && (rc = backup_reader_data(r, &p, &len, &e)) == FMT_OK) {
		if (*got + len > cap) {
			rc = -1;
			break;
		}
		memcpy(img + *got, p, len);
		*got += len;
	}
	if (rc == FMT_DONE)
		rc = FMT_OK;
	if (rc)
		diag("read: %d %s", rc, fmt_error_message(&e));
	backup_reader_free(r);
	close(fd);
	if (rc) {
		keys_free(*id);
		*id = NULL;
	}
	return rc;
}

int main(void)
{
	enum { IMG = 2 * BACKUP_CHUNK + 1000 };
	uint8_t *img = malloc(IMG), *back = malloc(IMG), *file = NULL, *bad = NULL;
	identity *id = NULL, *id2 = NULL;
	backup_writer *w = NULL;
	backup_info info = { 1773568800, IMG, 1 };
	fmt_error e;
	size_t n = 0, got, last;
	int fd, rc;

	if (!img || !back || format_init(&e) || keys_generate(&id, &e))
		return 2;
	randombytes_buf(img, IMG);

	/* write: INFO, KEYS, DATA of BACKUP_CHUNK, BACKUP_CHUNK and 1000, END */
	fd = file_of(NULL, 0);
	rc = backup_writer_open(&w, fd, PASS, strlen(PASS), &info, id, &e);
	if (rc == FMT_OK)
		rc = backup_writer_data(w, img, BACKUP_CHUNK, &e);
	if (rc == FMT_OK)
		rc = backup_writer_data(w, img + BACKUP_CHUNK, IMG - BACKUP_CHUNK, &e);
	if (rc == FMT_OK)
		rc = backup_writer_finish(w, &e);
	is_int(rc, FMT_OK, "a backup of an image of three messages is written");
	backup_writer_free(w);
	n = (size_t)lseek(fd, 0, SEEK_END);
	file = malloc(n);
	bad = malloc(n + 1);
	if (!file || !bad || lseek(fd, 0, SEEK_SET) != 0 || read(fd, file, n) != (ssize_t)n)
		return 2;
	close(fd);
	/* the header, then six messages (INFO, KEYS, three DATA, END) of a
	 * length, a type byte and 17 bytes of overhead each */
	is_int(n, BACKUP_HEADER + 6 * (4 + 1 + 17) + 20 + 128 + IMG, "its size");

	rc = read_back(file, n, PASS, back, IMG, &got, &id2);
	is_int(rc, FMT_OK, "read back with the passphrase");
	ok(got == IMG && memcmp(back, img, IMG) == 0, "the same image");
	ok(id2 && sodium_memcmp(id2, id, sizeof *id) == 0, "the same keys");
	keys_free(id2);

	is_int(read_back(file, n, "correct horse battery stapler", back, IMG, &got, &id2),
	       FMT_E_DECRYPT, "a wrong passphrase: FMT_E_DECRYPT");

	/* cuts: inside the header, at the boundary before END, inside END */
	last = n - (4 + 17 + 1);
	is_int(read_back(file, 50, PASS, back, IMG, &got, &id2), FMT_E_TRUNCATED,
	       "cut inside the header");
	is_int(read_back(file, last, PASS, back, IMG, &got, &id2), FMT_E_NO_FINAL,
	       "cut before the end mark: FMT_E_NO_FINAL");
	is_int(read_back(file, n - 1, PASS, back, IMG, &got, &id2), FMT_E_TRUNCATED,
	       "cut inside the end mark");
	is_int(read_back(file, n / 2, PASS, back, IMG, &got, &id2), FMT_E_TRUNCATED,
	       "cut inside a message");

	/* flips */
	memcpy(bad, file, n);
	bad[40] ^= 1;                           /* salt */
	is_int(read_back(bad, n, PASS, back, IMG, &got, &id2), FMT_E_DECRYPT,
	       "a changed salt fails like a wrong passphrase");
	memcpy(bad, file, n);
	bad[5] ^= 0xff;                         /* version */
	is_int(read_back(bad, n, PASS, back, IMG, &got, &id2), FMT_E_VERSION,
	       "another version");
	memcpy(bad, file, n);
	bad[31] = 0xff;                         /* memlimit above the cap */
	is_int(read_back(bad, n, PASS, back, IMG, &got, &id2), FMT_E_LENGTH,
	       "limits out of range refused before any derivation");
	memcpy(bad, file, n);
	bad[n / 2] ^= 0x10;                     /* inside the second DATA */
	is_int(read_back(bad, n, PASS, back, IMG, &got, &id2), FMT_E_DECRYPT,
	       "a flipped byte in a message: FMT_E_DECRYPT");
	memcpy(bad, file, n);
	bad[last + 1] ^= 0x01;                  /* length of END */
	rc = read_back(bad, n, PASS, back, IMG, &got, &id2);
	ok(rc == FMT_E_TRUNCATED || rc == FMT_E_DECRYPT || rc == FMT_E_LENGTH,
	   "a changed length is refused (%d)", rc);
	memcpy(bad, file, n);
	bad[n] = 0;
	is_int(read_back(bad, n + 1, PASS, back, IMG, &got, &id2), FMT_E_TRAILING,
	       "a byte after the end mark");

	keys_free(id);
	free(img);
	free(back);
	free(file);
	free(bad);
	return done_testing();
}
