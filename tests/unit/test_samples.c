/*
 * test_samples.c - the committed files of samples/ are what the generator
 * makes, and read as they should.
 *
 *   1. Every file samplegen.h makes (with the same seeds) is byte for byte
 *      the committed one: the vectors are reproducible, and a change to a
 *      writer that changes bytes cannot go unnoticed.
 *   2. Each committed vector reads back (with the committed coordinator
 *      key) and decodes to exactly its committed *.expected.txt; every
 *      file of vectors/ is a vector with its expected.txt, or README.md.
 *   3. Each file of samples/broken/ is refused with exactly the code its
 *      line of EXPECTED gives, and no file there lacks a line.
 *
 * samples/ is found through MAILLAGE_SRC (set by tools/run-tests), or in
 * the current folder.
 */
#include <dirent.h>

#include "../tools/samplegen.h"
#include "tap.h"

static char samples[4096];
static char tmp[4096];
static int regenerated;

static uint8_t *committed(const char *rel, size_t *len)
{
	char path[4300];
	uint8_t *b = NULL;
	fmt_error e;

	snprintf(path, sizeof path, "%s/%s", samples, rel);
	if (read_file_capped(path, BUNDLE_MAX_BYTES, &b, len, &e) != FMT_OK) {
		diag("%s", fmt_error_message(&e));
		return NULL;
	}
	return b;
}

/* Sink of the generator: compare with the committed file. */
static int compare(void *arg, const char *rel, const uint8_t *data, size_t len)
{
	uint8_t *b;
	size_t n = 0, i;

	(void)arg;
	regenerated++;
	b = committed(rel, &n);
	if (!ok(b && n == len && memcmp(b, data, len) == 0, "%s is what the generator makes",
		rel)) {
		for (i = 0; b && i < n && i < len && b[i] == data[i]; i++)
			;
		diag("committed %zu bytes, generated %zu, first difference at %zu", n, len, i);
		diag("regenerate with: build/tools/mksamples samples");
	}
	free(b);
	return 0;
}

static identity *load_coordinator(void)
{
	char src[4300], dst[4300];
	identity *id = NULL;
	uint8_t *b;
	size_t n;
	fmt_error e;
	int fd;

	/* Git does not keep the 0600 mode: load a private copy. */
	snprintf(src, sizeof src, "vectors/coordinator.key");
	b = committed(src, &n);
	snprintf(dst, sizeof dst, "%s/coordinator.key", tmp);
	fd = open(dst, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (!b || fd < 0 || write_all(fd, b, n, &e) != FMT_OK) {
		diag("cannot copy the coordinator key");
		exit(1);
	}
	close(fd);
	free(b);
	if (keys_load(&id, dst, &e) != FMT_OK) {
		diag("%s", fmt_error_message(&e));
		exit(1);
	}
	unlink(dst);
	return id;
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

/* Every file of vectors/ but README.md and the expected.txt files is a
 * vector: it reads, and decodes to its expected.txt. */
static void check_vectors(const identity *coord)
{
	struct sg_text t = { 0 };
	char rel[4600], dirpath[4200], name[300];
	struct dirent *d;
	uint8_t *b, *want;
	size_t n, wn = 0;
	fmt_error e;
	int rc, nvec = 0, nexp = 0, orphans = 0;
	DIR *dir;

	snprintf(dirpath, sizeof dirpath, "%s/vectors", samples);
	dir = opendir(dirpath);
	while (dir && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "README.md") == 0)
			continue;
		if (ends_with(d->d_name, ".expected.txt")) {
			/* its vector must be there */
			nexp++;
			snprintf(name, sizeof name, "%.*s", (int)(strlen(d->d_name) - 13), d->d_name);
			snprintf(rel, sizeof rel, "%s/%s", dirpath, name);
			if (access(rel, F_OK) != 0) {
				diag("vectors/%s has no vector", d->d_name);
				orphans++;
			}
			continue;
		}
		nvec++;
		snprintf(name, sizeof name, "%s", d->d_name);
		snprintf(rel, sizeof rel, "vectors/%s", name);
		b = committed(rel, &n);
		snprintf(rel, sizeof rel, "vectors/%s.expected.txt", name);
		want = committed(rel, &wn);
		rc = b ? sg_check(name, b, n, coord, tmp, &t, &e) : FMT_E_IO;
		if (!ok(rc == FMT_OK, "vectors/%s reads", name))
			diag("%s", fmt_error_message(&e));
		ok(want && t.p && t.len == wn && memcmp(t.p, want, wn) == 0,
		   "vectors/%s decodes to its expected.txt", name);
		free(t.p);
		memset(&t, 0, sizeof t);
		free(b);
		free(want);
	}
	if (dir)
		closedir(dir);
	ok(dir && nvec >= 10 && nvec == nexp && orphans == 0,
	   "%d vectors, each with its expected.txt", nvec);
}

static int listed(const char *name, char **names, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static void check_broken(const identity *coord)
{
	char *names[256], file[256], code[64], rel[300], dirpath[4200];
	uint8_t *list, *b;
	size_t n, len;
	const char *p;
	struct dirent *d;
	fmt_error e;
	DIR *dir;
	int count = 0, rc, i, unlisted = 0;

	list = committed("broken/EXPECTED", &n);
	if (!ok(list != NULL, "broken/EXPECTED exists"))
		return;
	list[n ? n - 1 : 0] = '\0';     /* the file ends with a line end */
	for (p = (const char *)list; *p && count < 256;) {
		if (sscanf(p, "%255s %63s", file, code) != 2)
			break;
		snprintf(rel, sizeof rel, "broken/%s", file);
		b = committed(rel, &len);
		rc = b ? sg_check(file, b, len, coord, tmp, NULL, &e) : FMT_E_IO;
		if (!ok(strcmp(sg_code_name(rc), code) == 0, "broken/%s: %s", file, code))
			diag("got %s: %s", sg_code_name(rc), fmt_error_message(&e));
		free(b);
		names[count++] = strdup(file);
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	ok(count >= 57, "%d broken files listed (at least 57)", count);

	snprintf(dirpath, sizeof dirpath, "%s/broken", samples);
	dir = opendir(dirpath);
	while (dir && (d = readdir(dir)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "EXPECTED") == 0 ||
		    strcmp(d->d_name, "README.md") == 0)
			continue;
		if (!listed(d->d_name, names, count)) {
			diag("broken/%s has no line in EXPECTED", d->d_name);
			unlisted++;
		}
	}
	if (dir)
		closedir(dir);
	ok(dir && unlisted == 0, "every file of broken/ has its expected code");
	for (i = 0; i < count; i++)
		free(names[i]);
	free(list);
}

int main(void)
{
	const char *src = getenv("MAILLAGE_SRC"), *t = getenv("TMPDIR");
	identity *coord;

	snprintf(samples, sizeof samples, "%s/samples", src && *src ? src : ".");
	snprintf(tmp, sizeof tmp, "%s/maillage-test-samples.XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(tmp))
		return 2;

	ok(sg_generate(compare, NULL) == 0, "the generator's own checks pass");
	ok(regenerated >= 80, "%d files compared", regenerated);

	coord = load_coordinator();
	check_vectors(coord);
	check_broken(coord);
	keys_free(coord);
	rmdir(tmp);
	return done_testing();
}
