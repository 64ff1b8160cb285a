/*
 * feed.c - the records of a bundle, read ahead by a second thread (see
 * feed.h).
 *
 * One producer (the feed thread), one consumer (the merge thread), a ring
 * of FEED_SLOTS records.  Two counters, under the mutex, say whose each
 * slot is: the producer writes slots [published, released + FEED_SLOTS),
 * the consumer reads slots [released, published).  Neither takes the lock
 * per record: the producer publishes FEED_BATCH records at a time (and the
 * first one alone), the consumer releases an eighth of the ring at a
 * time, and each sleeps on its condition only when the other is behind.
 *
 * The producer is about ten times as fast as the consumer, so it spends
 * most of a bundle asleep, waiting for room.  Waking it is not instant (on
 * a virtual machine whose idle processor was handed back, a millisecond
 * or more): the consumer must still have records to read meanwhile.  With
 * 1,024 slots released 128 at a time it has about 900, some 8 ms of work,
 * against 64 with the earlier 128 slots released 64 at a time, which left
 * the merge waiting 60 to 150 ms per 100,000 records instead of ~35 (the
 * first record of each bundle).  The ring costs 2.3 MB.
 *
 * Those ~35 ms were the start of a thread per bundle, on a processor
 * that had gone idle: the producer now reads the first FEED_FIRST
 * records of the next input when it opens it ahead, and feed_begin
 * publishes them before it wakes the producer, so the merge of a bundle
 * begins at once.  A record
 * written into its slot before `published` moves past it is seen whole by
 * the consumer, since both sides go through the mutex to move the
 * counters.
 *
 * The thread is started at the first feed_begin and serves every bundle
 * of the run: feed_begin hands it a bundle (`job`), feed_end waits until
 * it is done with it.  Starting a thread per bundle cost its stack's
 * mappings each time (about 0.2 ms a bundle here).
 */
#include "feed.h"
#include "shell.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

#ifndef FEED_SLOTS              /* smaller in tests/t/t7250, to wrap often */
#define FEED_SLOTS 1024
#endif
#define FEED_RELEASE (FEED_SLOTS / 8)
#define FEED_FIRST FEED_RELEASE   /* records read with an input opened ahead */
#define FEED_BATCH 16

typedef struct slot {
	record rec;
	uint8_t digest[16];
} slot;

struct feed {
	slot *ring;
	pthread_t thread;
	int started;                 /* the thread exists (joined by feed_free) */
	int running;                 /* a bundle is being read: feed_begin, not feed_end */

	pthread_mutex_t mu;
	pthread_cond_t more;         /* published moved, or finished */
	pthread_cond_t room;         /* released moved, or stop */
	pthread_cond_t go;           /* job set, or quit */
	pthread_cond_t idle;         /* job done */
	/* under mu */
	int job;                     /* a bundle is the producer's (feed_begin to its end) */
	int quit;                    /* feed_free: the thread ends */
	uint64_t published;          /* records the consumer may read */
	uint64_t released;           /* records the consumer is done with */
	int finished;                /* the producer ended: the fields below are final */
	int stop;                    /* the consumer wants no more */
	int status;                  /* FMT_DONE or what failed */
	int in_receipt;              /* the failure was writing the receipt */
	fmt_error err;

	/* the producer's, between feed_begin and feed_end */
	bundle_reader *reader;
	receipt_writer *rw;
	atomic_file *rf;             /* the file of rw */
	const char *next;            /* the input to open ahead, or NULL */
	const identity *coord;

	/* the next input, opened by the producer after the last record, the
	 * consumer's after feed_end (the mutex orders the two: feed_end sees
	 * the job done) */
	struct {
		const char *path;    /* NULL: nothing opened ahead */
		int rc;              /* of open_input, then bundle_reader_open */
		int fd;
		bundle_reader *reader;
		bundle_info info;
		fmt_error err;
	} ahead;

	/* Its first records, read with it, so that the merge starts on them
	 * at once when it begins that bundle (feed_begin), without waiting
	 * for a thread to start.  They stay here once the reader is taken,
	 * for feed_begin with that reader; the producer starts after them. */
	struct {
		slot *rec;           /* FEED_FIRST slots */
		uint32_t n;
		int rc;              /* FMT_OK (more to read), FMT_DONE or what failed */
		fmt_error err;
		const bundle_reader *reader; /* whose they are, or NULL */
	} first;

	/* the consumer's */
	uint64_t taken;              /* records handed out by feed_next */
	uint64_t visible;            /* published, when last looked at */
};

int feed_open(feed **out, fmt_error *err)
{
	feed *f = calloc(1, sizeof *f);

	*out = NULL;
	if (f) {
		f->ring = malloc(FEED_SLOTS * sizeof *f->ring);
		f->first.rec = malloc(FEED_FIRST * sizeof *f->first.rec);
	}
	if (!f || !f->ring || !f->first.rec) {
		if (f) {
			free(f->ring);
			free(f->first.rec);
		}
		free(f);
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	}
	f->ahead.fd = -1;
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->more, NULL);
	pthread_cond_init(&f->room, NULL);
	pthread_cond_init(&f->go, NULL);
	pthread_cond_init(&f->idle, NULL);
	*out = f;
	return FMT_OK;
}

/* Closes what was opened ahead and not taken. */
static void ahead_drop(feed *f)
{
	if (!f->ahead.path)
		return;
	bundle_reader_free(f->ahead.reader);
	if (f->ahead.fd >= 0)
		close(f->ahead.fd);
	f->ahead.path = NULL;
	f->ahead.reader = NULL;
	f->ahead.fd = -1;
	f->first.reader = NULL;
}

void feed_free(feed *f)
{
	if (!f)
		return;
	feed_end(f);
	if (f->started) {
		pthread_mutex_lock(&f->mu);
		f->quit = 1;
		pthread_cond_signal(&f->go);
		pthread_mutex_unlock(&f->mu);
		pthread_join(f->thread, NULL);
	}
	ahead_drop(f);
	pthread_cond_destroy(&f->idle);
	pthread_cond_destroy(&f->go);
	pthread_cond_destroy(&f->room);
	pthread_cond_destroy(&f->more);
	pthread_mutex_destroy(&f->mu);
	free(f->first.rec);
	free(f->ring);
	free(f);
}

/* Makes records [published, n) visible; returns the first record the
 * producer may not write (released + FEED_SLOTS), waiting for room when
 * the ring is full, or 0 when asked to stop. */
static uint64_t publish(feed *f, uint64_t n, int wait_room)
{
	uint64_t limit;

	pthread_mutex_lock(&f->mu);
	f->published = n;
	pthread_cond_signal(&f->more);
	while (wait_room && !f->stop && n - f->released >= FEED_SLOTS)
		pthread_cond_wait(&f->room, &f->mu);
	limit = f->stop ? 0 : f->released + FEED_SLOTS;
	pthread_mutex_unlock(&f->mu);
	return limit;
}

/* Reads the first records of the input just opened ahead into
 * f->first, until FEED_FIRST of them, the last or a failure, which is
 * kept for the producer to report in its turn. */
static void read_first(feed *f)
{
	f->first.n = 0;
	f->first.rc = FMT_OK;
	fmt_error_clear(&f->first.err);
	f->first.reader = f->ahead.reader;
	while (f->first.n < FEED_FIRST) {
		slot *s = &f->first.rec[f->first.n];

		f->first.rc = bundle_reader_next(f->ahead.reader, &s->rec, &f->first.err);
		if (f->first.rc != FMT_OK)
			return;
		bundle_reader_digest(f->ahead.reader, s->digest);
		f->first.n++;
	}
}

/* The producer's work on one bundle.  It starts after the records
 * feed_begin published already (read with the bundle when it was opened
 * ahead), which go into the receipt first. */
static void feed_bundle(feed *f)
{
	uint64_t n = f->published, limit = FEED_SLOTS;
	int rc = f->first.rc, in_receipt = 0;
	fmt_error e = f->first.err;

	for (uint64_t i = 0; f->rw && i < n && !in_receipt; i++) {
		int added = receipt_writer_add(f->rw, f->ring[i].rec.id, f->ring[i].rec.version,
					       &e);

		if (added != FMT_OK) {
			rc = added;
			in_receipt = 1;
		}
	}
	while (rc == FMT_OK) {
		slot *s;

		if (n == limit && (limit = publish(f, n, 1)) == 0)
			return;
		s = &f->ring[n % FEED_SLOTS];
		rc = bundle_reader_next(f->reader, &s->rec, &e);
		if (rc != FMT_OK)
			break;
		bundle_reader_digest(f->reader, s->digest);
		if (f->rw && (rc = receipt_writer_add(f->rw, s->rec.id, s->rec.version,
						      &e)) != FMT_OK) {
			in_receipt = 1;
			break;
		}
		n++;
		/* The first record at once: the merge thread is waiting for it. */
		if ((n == 1 || n % FEED_BATCH == 0) && (limit = publish(f, n, 0)) == 0)
			return;
	}
	/* Every record read and in the receipt: the receipt is signed and
	 * made durable here, while the merge thread applies the records (it
	 * only renames the file once its transaction is committed).  The last
	 * records are published first, so that it never waits for this. */
	if (rc == FMT_DONE && f->rw) {
		if (publish(f, n, 0) == 0)
			return;
		rc = receipt_writer_finish(f->rw, f->coord, &e);
		if (rc == FMT_OK)
			rc = atomic_sync(f->rf, &e);
		in_receipt = rc != FMT_OK;
		if (rc == FMT_OK)
			rc = FMT_DONE;
	}
	pthread_mutex_lock(&f->mu);
	f->published = n;
	f->finished = 1;
	f->status = rc;
	f->in_receipt = in_receipt;
	f->err = e;
	pthread_cond_signal(&f->more);
	pthread_mutex_unlock(&f->mu);

	/* The merge thread has most of this bundle still to apply: open the
	 * next input meanwhile (read, size, signature, header), exactly as
	 * merge.c would, for feed_take_ahead(), and read its first records. */
	if (f->next) {
		f->ahead.fd = -1;
		f->ahead.reader = NULL;
		fmt_error_clear(&f->ahead.err);
		f->ahead.rc = open_input(f->next, BUNDLE_MAX_BYTES, &f->ahead.fd, &f->ahead.err);
		if (f->ahead.rc == FMT_OK)
			f->ahead.rc = bundle_reader_open(&f->ahead.reader, f->ahead.fd, f->coord,
							 &f->ahead.info, &f->ahead.err);
		if (f->ahead.rc == FMT_OK)
			read_first(f);
		f->ahead.path = f->next;
	}
}

/* The thread: each bundle feed_begin hands it, until feed_free. */
static void *feed_main(void *arg)
{
	feed *f = arg;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (!f->job && !f->quit)
			pthread_cond_wait(&f->go, &f->mu);
		if (f->quit)
			break;
		pthread_mutex_unlock(&f->mu);
		feed_bundle(f);
		pthread_mutex_lock(&f->mu);
		f->job = 0;
		pthread_cond_signal(&f->idle);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

int feed_begin(feed *f, bundle_reader *r, receipt_writer *rw, atomic_file *rf,
	       const char *next, const identity *coord, fmt_error *err)
{
	feed_end(f);
	ahead_drop(f);
	f->published = f->released = f->taken = f->visible = 0;
	if (r && r == f->first.reader) {
		/* read with r when it was opened ahead: the merge starts on them */
		memcpy(f->ring, f->first.rec, f->first.n * sizeof *f->ring);
		f->published = f->first.n;
	} else {
		f->first.rc = FMT_OK;
		fmt_error_clear(&f->first.err);
	}
	f->first.reader = NULL;
	f->finished = f->stop = f->in_receipt = 0;
	f->status = FMT_OK;
	fmt_error_clear(&f->err);
	f->reader = r;
	f->rw = rw;
	f->rf = rf;
	/* Standard input is read when its turn comes, never ahead. */
	f->next = next && strcmp(next, "-") != 0 ? next : NULL;
	f->coord = coord;
	if (!f->started) {
		if (pthread_create(&f->thread, NULL, feed_main, f) != 0)
			return fmt_fail(err, FMT_E_NOMEM,
					_("cannot start a thread to read the bundle"));
		f->started = 1;
	}
	pthread_mutex_lock(&f->mu);
	f->job = 1;
	pthread_cond_signal(&f->go);
	pthread_mutex_unlock(&f->mu);
	f->running = 1;
	return FMT_OK;
}

/* Releases every record handed out so far and looks again at what the
 * producer published, waiting for it when nothing is left to read. */
static void refill(feed *f)
{
	pthread_mutex_lock(&f->mu);
	f->released = f->taken;
	pthread_cond_signal(&f->room);
	while (f->published == f->taken && !f->finished)
		pthread_cond_wait(&f->more, &f->mu);
	f->visible = f->published;
	pthread_mutex_unlock(&f->mu);
}

int feed_next(feed *f, const record **rec, const uint8_t **digest, int *in_receipt,
	      fmt_error *err)
{
	slot *s;

	*in_receipt = 0;
	if (!f->running)
		return fmt_fail(err, FMT_E_IO, _("no bundle is being read"));
	if (f->taken == f->visible || f->taken - f->released >= FEED_RELEASE)
		refill(f);
	if (f->taken == f->visible) {
		/* Nothing left: the producer finished (refill waits otherwise),
		 * and what it left in status and err is final. */
		if (f->status == FMT_DONE)
			return FMT_DONE;
		*in_receipt = f->in_receipt;
		if (err)
			*err = f->err;
		return f->status;
	}
	s = &f->ring[f->taken % FEED_SLOTS];
	f->taken++;
	*rec = &s->rec;
	*digest = s->digest;
	return FMT_OK;
}

void feed_end(feed *f)
{
	if (!f->running)
		return;
	pthread_mutex_lock(&f->mu);
	f->stop = 1;
	pthread_cond_signal(&f->room);
	while (f->job)
		pthread_cond_wait(&f->idle, &f->mu);
	pthread_mutex_unlock(&f->mu);
	f->running = 0;
}

int feed_take_ahead(feed *f, const char *path, int *fd, bundle_reader **reader,
		    bundle_info *info, int *rc, fmt_error *err)
{
	if (f->running || !f->ahead.path || f->ahead.path != path) {
		ahead_drop(f);
		f->first.reader = NULL;
		return 0;
	}
	*fd = f->ahead.fd;
	*reader = f->ahead.reader;
	*info = f->ahead.info;
	*rc = f->ahead.rc;
	if (err)
		*err = f->ahead.err;
	f->ahead.path = NULL;
	f->ahead.reader = NULL;
	f->ahead.fd = -1;
	return 1;
}
