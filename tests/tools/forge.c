/*
 * forge.c - bundles that an attacker holding some keys could make, for the
 * hostile-bundle tests (tests/t/t7100-*).  It reads a real bundle with the
 * coordinator's key (as the merger does) and writes its records again:
 *
 *   forge resign COORD.key IN SENDER.key SIGNER.key OUT
 *       a bundle that names SENDER as its author but is signed by SIGNER:
 *       a collector posing as another (must fail its signature check)
 *   forge resend COORD.key IN SENDER.key OUT
 *       the records of IN, validly signed by SENDER: another enrolled
 *       collector sending records it does not own (must be refused)
 *   forge bump COORD.key IN SENDER.key OUT
 *       the records of IN with their versions raised by one, signed by
 *       SENDER (a stolen or copied key: accepted when SENDER owns them)
 *   forge twin COORD.key IN SENDER.key TABLE COUNT OUT
 *       the records of IN, signed by SENDER, and after them a second count
 *       of the same cell as IN's first count of TABLE: another id, made a
 *       second later, of COUNT (two live counts of one cell from one
 *       collector, which only a forged bundle holds)
 *   forge records COORD.key IN
 *       prints "hex-id version" of every record of IN (one a line)
 *
 * Key files are the programs' own (mode 0600).  The new bundle has a fresh
 * id and the sequence number of IN.  Exit 0, or 2 with a message.
 */
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bundle.h"
#include "bundle_internal.h"
#include "fileio.h"
#include "format.h"
#include "keys.h"
#include "record.h"

static identity *load_key(const char *path)
{
	identity *id = NULL;
	fmt_error err;

	if (keys_load(&id, path, &err) != FMT_OK) {
		fprintf(stderr, "forge: %s\n", fmt_error_message(&err));
		exit(2);
	}
	return id;
}

static int failed(const char *what, const fmt_error *err)
{
	fprintf(stderr, "forge: %s: %s\n", what, fmt_error_message(err));
	return 2;
}

/* The twin mode: the table whose first count is copied, and its count. */
static const char *twin_table;
static uint32_t twin_count;

/* Writes the records of `in` again into `out`, named as sent by sender,
 * signed by signer (NULL: sender), versions raised by bump; then the
 * twin of the first count of twin_table, if set. */
static int rewrite(const identity *coord, const char *in, const identity *sender,
		   const identity *signer, uint32_t bump, const char *out)
{
	record twin;
	int have_twin = 0;

	bundle_reader *r = NULL;
	bundle_writer *w = NULL;
	bundle_info info, ninfo;
	struct bundle_forge f;
	atomic_file af = { .fd = -1 };
	fmt_error err;
	record rec;
	int fd = -1, rc;

	if (open_input(in, BUNDLE_MAX_BYTES, &fd, &err) ||
	    bundle_reader_open(&r, fd, coord, &info, &err)) {
		rc = failed(in, &err);
		goto out;
	}
	if (bundle_writer_open(&w, ".", &err)) {
		rc = failed("scratch file", &err);
		goto out;
	}
	while ((rc = bundle_reader_next(r, &rec, &err)) == FMT_OK) {
		rec.version += bump;
		if (bundle_writer_add(w, &rec, &err)) {
			rc = failed(in, &err);
			goto out;
		}
		if (twin_table && !have_twin && rec.kind == REC_COUNT && !rec.deleted &&
		    strcmp(rec.u.count.table, twin_table) == 0) {
			twin = rec;
			twin.id[15] ^= 0x5a;
			twin.recorded_at += 1;
			twin.u.count.count = twin_count;
			have_twin = 1;
		}
	}
	if (rc != FMT_DONE) {
		rc = failed(in, &err);
		goto out;
	}
	if (twin_table && !have_twin) {
		fprintf(stderr, "forge: %s: no count of table %s\n", in, twin_table);
		rc = 2;
		goto out;
	}
	if (have_twin && bundle_writer_add(w, &twin, &err)) {
		rc = failed(in, &err);
		goto out;
	}
	if (signer) {
		memset(&f, 0, sizeof f);
		f.signer = signer;
		f.flip_at = 0;
		f.flip_mask = 0;
		bundle_writer_forge(w, &f);
	}
	memset(&ninfo, 0, sizeof ninfo);
	randombytes_buf(ninfo.bundle_id, sizeof ninfo.bundle_id);
	ninfo.seq = info.seq;
	ninfo.created = info.created;
	ninfo.flags = info.flags;
	if (atomic_open(&af, out, 0644, 0, &err) ||
	    bundle_writer_finish(w, sender, &coord->pub, &ninfo, af.fd, &err) ||
	    atomic_commit(&af, &err)) {
		atomic_abort(&af);
		rc = failed(out, &err);
		goto out;
	}
	rc = 0;
out:
	bundle_writer_free(w);
	bundle_reader_free(r);
	if (fd >= 0)
		close(fd);
	return rc;
}

static int list_records(const identity *coord, const char *in)
{
	bundle_reader *r = NULL;
	bundle_info info;
	fmt_error err;
	record rec;
	int fd = -1, rc;

	if (open_input(in, BUNDLE_MAX_BYTES, &fd, &err) ||
	    bundle_reader_open(&r, fd, coord, &info, &err)) {
		rc = failed(in, &err);
		goto out;
	}
	while ((rc = bundle_reader_next(r, &rec, &err)) == FMT_OK) {
		for (int i = 0; i < 16; i++)
			printf("%02x", rec.id[i]);
		printf(" %u\n", (unsigned)rec.version);
	}
	rc = rc == FMT_DONE ? 0 : failed(in, &err);
out:
	bundle_reader_free(r);
	if (fd >= 0)
		close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	identity *coord = NULL, *sender = NULL, *signer = NULL;
	fmt_error err;
	int rc = 2;

	if (format_init(&err) != FMT_OK)
		return failed("libsodium", &err);
	if (argc == 7 && strcmp(argv[1], "resign") == 0) {
		coord = load_key(argv[2]);
		sender = load_key(argv[4]);
		signer = load_key(argv[5]);
		rc = rewrite(coord, argv[3], sender, signer, 0, argv[6]);
	} else if (argc == 6 && (strcmp(argv[1], "resend") == 0 ||
				 strcmp(argv[1], "bump") == 0)) {
		coord = load_key(argv[2]);
		sender = load_key(argv[4]);
		rc = rewrite(coord, argv[3], sender, NULL, argv[1][0] == 'b', argv[5]);
	} else if (argc == 8 && strcmp(argv[1], "twin") == 0) {
		coord = load_key(argv[2]);
		sender = load_key(argv[4]);
		twin_table = argv[5];
		twin_count = (uint32_t)strtoul(argv[6], NULL, 10);
		rc = rewrite(coord, argv[3], sender, NULL, 0, argv[7]);
	} else if (argc == 4 && strcmp(argv[1], "records") == 0) {
		coord = load_key(argv[2]);
		rc = list_records(coord, argv[3]);
	} else {
		fprintf(stderr, "usage: forge resign|resend|bump|twin|records COORD.key BUNDLE ...\n");
	}
	keys_free(coord);
	keys_free(sender);
	keys_free(signer);
	return rc;
}
