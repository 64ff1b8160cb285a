/*
 * bundle_internal.h - hooks of the bundle writer for tests and the sample
 * generator only: they make bundles that are validly signed and encrypted
 * yet wrong inside (a forged signer, a lying header, a record that does not
 * validate), so that the reader's checks behind the signature can be
 * tested.  The programs never include this file.
 */
#ifndef MAILLAGE_BUNDLE_INTERNAL_H
#define MAILLAGE_BUNDLE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "bundle.h"

#define BUNDLE_INNER_HEADER 192

struct bundle_forge {
	/* Called on the inner header just before it is signed: whatever it
	 * writes is signed as if it were genuine. */
	void (*edit_header)(uint8_t hdr[BUNDLE_INNER_HEADER], void *arg);
	void *arg;
	/* Signs with this identity instead of the sender's (whose keys the
	 * inner header still names).  NULL: the sender. */
	const identity *signer;
	/* After signing, XORs flip_mask into the plaintext byte at flip_at
	 * (counted from the end when negative: -1 is the last byte). */
	int64_t flip_at;
	uint8_t flip_mask;
};

/* Installs f (copied) for the next bundle_writer_finish(). */
void bundle_writer_forge(bundle_writer *w, const struct bundle_forge *f);

/* Appends buf[0..len) to the record stream as is, unchecked, and counts it
 * as `records` records.  Fails only on I/O or compression errors. */
int bundle_writer_add_raw(bundle_writer *w, const uint8_t *buf, size_t len,
			  uint32_t records, fmt_error *err);

#endif
