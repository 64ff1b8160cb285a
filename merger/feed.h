/*
 * feed.h - the records of a bundle, read ahead by a second thread.
 *
 * While the merge thread applies record n to the database, the feed
 * thread decrypts, inflates, decodes and validates the records after it
 * (bundle_reader_next), computes their digests and streams their ids and
 * versions into the receipt.  The two meet in a ring of FEED_SLOTS
 * records allocated once per run, so memory stays flat whatever the size
 * of the bundle.  Between feed_begin() and feed_end(), the reader and the
 * receipt writer belong to the feed thread: the caller touches neither.
 * Nothing else is shared; SQLite is used by the merge thread alone.
 */
#ifndef MERGER_FEED_H
#define MERGER_FEED_H

#include <stdint.h>

#include "bundle.h"
#include "error.h"
#include "fileio.h"
#include "record.h"
#include "signed.h"

typedef struct feed feed;

/* The ring, allocated once per run.  Free with feed_free(). */
int feed_open(feed **f, fmt_error *err);
/* Stops a running thread (feed_end) and frees; accepts NULL. */
void feed_free(feed *f);

/* Starts reading the records of r ahead; each one goes into rw (when
 * not NULL) in the order of the bundle.  When r was opened ahead (and
 * taken with feed_take_ahead), its first records were read with it: the
 * first feed_next returns at once.  After the last record the thread
 * finishes rw (receipt_writer_finish with coord) and fsyncs its file rf
 * (atomic_sync): a failure there is reported by feed_next with
 * *in_receipt set, after the last record.  Then, when next
 * is not NULL (nor "-"), the thread opens that input too, as the merge
 * would (open_input, then bundle_reader_open with coord), while the merge
 * applies the records: feed_take_ahead() hands it over.  FMT_OK, or an
 * error when the thread cannot start (nothing was read then). */
int feed_begin(feed *f, bundle_reader *r, receipt_writer *rw, atomic_file *rf,
	       const char *next, const identity *coord, fmt_error *err);

/* The next record and the digest of its canonical encoding, valid until
 * the next call: FMT_OK, FMT_DONE after the last, or what failed, with
 * err filled; *in_receipt then tells a failure to write the receipt (the
 * coordinator's disk) from one of reading the bundle (its sender's
 * fault, or an unreadable file). */
int feed_next(feed *f, const record **rec, const uint8_t **digest, int *in_receipt,
	      fmt_error *err);

/* Stops the thread, wherever it is, and waits for it; the reader and the
 * receipt writer are the caller's again.  Does nothing when no thread
 * runs. */
void feed_end(feed *f);

/* After feed_end(): when the input opened ahead is path (the same
 * pointer as feed_begin's next), moves its descriptor, reader and header
 * into *fd, *reader and *info, what opening it returned into *rc and
 * err, and returns 1.  The reader has then been read past its first
 * records, which the feed keeps for feed_begin with that reader: read
 * its records through the feed, never with bundle_reader_next.  Otherwise closes whatever was opened ahead and
 * returns 0: the caller opens path itself. */
int feed_take_ahead(feed *f, const char *path, int *fd, bundle_reader **reader,
		    bundle_info *info, int *rc, fmt_error *err);

#endif
