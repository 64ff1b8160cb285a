/*
 * mksamples - writes the test vectors and the broken files of samples/.
 *
 *   build/tools/mksamples samples
 *
 * makes samples/vectors/ (test identities, a kit and its questionnaire, a
 * request, bundles, a receipt, and the decoded content of each) and
 * samples/broken/ (files each reader must refuse, with EXPECTED and
 * README.md), all of them deterministic: running it again gives the same
 * bytes.  What is made, and how, is in samplegen.h;
 * tests/unit/test_samples.c checks the committed files against it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "samplegen.h"

static const char *root;
static int written;

/* Writes root/rel atomically; secret key files get mode 0600. */
static int write_sample(void *arg, const char *rel, const uint8_t *data, size_t len)
{
	const char *ext = strrchr(rel, '.');
	char path[4200], dir[4200], *slash;
	atomic_file f;
	fmt_error e;
	int mode = ext && strcmp(ext, ".key") == 0 ? 0600 : 0644;

	(void)arg;
	snprintf(path, sizeof path, "%s/%s", root, rel);
	snprintf(dir, sizeof dir, "%s", path);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			fprintf(stderr, "mksamples: %s: %s\n", dir, strerror(errno));
			return -1;
		}
	}
	if (atomic_open(&f, path, mode, 0, &e) != FMT_OK ||
	    write_all(f.fd, data, len, &e) != FMT_OK || atomic_commit(&f, &e) != FMT_OK) {
		atomic_abort(&f);
		fprintf(stderr, "mksamples: %s: %s\n", path, fmt_error_message(&e));
		return -1;
	}
	written++;
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: mksamples OUTPUT-ROOT   (e.g. mksamples samples)\n");
		return 2;
	}
	root = argv[1];
	if (mkdir(root, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "mksamples: %s: %s\n", root, strerror(errno));
		return 1;
	}
	if (sg_generate(write_sample, NULL) != 0) {
		fprintf(stderr, "mksamples: some samples are wrong (see above)\n");
		return 1;
	}
	fprintf(stderr, "mksamples: %d files written under %s\n", written, root);
	return 0;
}
