/*
 * merge.c - `merger merge` and `merger verify`: each bundle checked in
 * full and applied to the national database in one transaction, its
 * signed receipt written, or, when it is refused, the database left as it
 * was and a copy kept in quarantine/ with the reason.
 *
 * One bundle, in order:
 *   1. open_input + bundle_reader_open: size, framing, decryption with the
 *      coordinator's key, the sender's signature (format/bundle_read.c),
 *      done ahead by the reading thread of the bundle before (feed.c);
 *   2. BEGIN IMMEDIATE, then the sender must be an enrolled, unrevoked
 *      collector, whatever creation time the bundle declares (a thief can
 *      backdate);
 *   3. a bundle id already in the `bundle` table is "already merged": not
 *      a refusal, and its receipt is written again, identical (Ed25519 is
 *      deterministic, merged_at comes from the bundle row), so that a lost
 *      receipt heals;
 *   4. every record through apply.c, read ahead by a second thread that
 *      decodes it, computes its digest and streams its id and version into
 *      the receipt, a temporary file in the receipts folder, which it then
 *      signs and fsyncs (feed.c);
 *   5. any conflict or ownership problem refuses the whole bundle;
 *   6. bundle row, COMMIT, then the receipt renamed into place; the
 *      receipts folder is fsynced once, at the end of the run (a receipt
 *      whose new name a power failure loses is written again by the next
 *      merge of its bundle, as in 3).
 * verify runs the same steps on a private copy of the database
 * (merger_snapshot) and rolls back at the end.
 *
 * Refusals (the bundle's fault) are quarantined and the run goes on; an
 * unreadable input is reported and skipped; a failure of the database or
 * of the home (busy, disk full) stops the run without quarantining
 * anything, since the bundle was not at fault.
 */
#include "merger.h"
#include "apply.h"
#include "cli.h"
#include "feed.h"
#include "quality.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "db.h"
#include "fileio.h"
#include "signed.h"
#include "textout.h"

/* SQLite's page cache during a merge.  A bundle is one transaction; with
 * SQLite's default 2 MiB cache a bundle of 100,000 records spills pages
 * to the WAL again and again and takes twice as long.  A fixed cap: memory
 * still does not grow with the number of records or bundles. */
#define MERGE_CACHE_KIB 16384

enum outcome { OUT_MERGED, OUT_ALREADY, OUT_REFUSED, OUT_UNREADABLE, OUT_FATAL };

/* One run of merge or verify. */
typedef struct run {
	sqlite3 *db;
	identity *coord;
	applier *ap;
	feed *feed;                  /* the records of the bundle being merged */
	int verify;                  /* roll back; no receipt, no quarantine */
	int progress;                /* a progress line on the terminal */
	char receipts[PATH_CAP];
	int receipts_named;          /* renamed into receipts/, folder not fsynced */
	char quarantine[PATH_CAP];
	long merged, already, refused, unreadable;
	merge_stats total;
	int status;                  /* worst exit status so far */
	problems pb;                 /* of the bundle being merged */
} run;

/* One bundle being merged. */
typedef struct job {
	const char *path;
	const char *next;            /* the input after it, or NULL */
	int fd;
	bundle_reader *reader;
	int opened;                  /* info is filled */
	bundle_info info;
	sender from;
	merge_stats stats;
	atomic_file rf;              /* the receipt */
	receipt_writer *rw;
	char receipt_name[PATH_CAP];
	fmt_error err;
} job;

static void worse(run *R, int status)
{
	if (status > R->status)
		R->status = status;
}

static void progress_clear(run *R)
{
	if (R->progress)
		fputs("\r\033[K", stderr);
}

static void progress_show(run *R, size_t i, size_t n, const char *path)
{
	char shown[256];

	if (!R->progress)
		return;
	fputs("\r\033[K", stderr);
	fprintf(stderr, _("merger: %s %zu/%zu: %s"), R->verify ? _("verifying") :
		_("merging"), i + 1, n, term_text(path_base(path), shown, sizeof shown));
	fflush(stderr);
}

/* The key id of the identity that signed the bundle. */
static void sender_key_id(const bundle_info *info, char keyid[KEY_ID_CHARS + 1])
{
	pubkeys pk;

	memcpy(pk.sign_pk, info->sender_sign_pk, KEY_SIGN_PK);
	memcpy(pk.box_pk, info->sender_box_pk, KEY_BOX_PK);
	keys_id(&pk, keyid);
}

static void job_end(job *j)
{
	receipt_writer_free(j->rw);
	j->rw = NULL;
	atomic_abort(&j->rf);
	bundle_reader_free(j->reader);
	j->reader = NULL;
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

/* --- receipts --------------------------------------------------------------- */

/* Opens the receipt of j (merged at `at`) as a temporary file in the
 * receipts folder: <org-name-slug>-<keyid>-<seq>.receipt. */
static int receipt_start(run *R, job *j, int64_t at, fmt_error *err)
{
	char org[REC_NAME_MAX + 1], slug[48], path[PATH_CAP];
	receipt h;
	int rc;

	rc = applier_org_name(R->ap, j->from.org_id, org, err);
	if (rc)
		return rc;
	name_fold(org, slug, sizeof slug, 1);
	if (!slug[0])
		strcpy(slug, "organisation");
	snprintf(j->receipt_name, sizeof j->receipt_name, "%s-%s-%llu.receipt", slug,
		 j->from.key_id, (unsigned long long)j->info.seq);
	rc = path_join(path, R->receipts, j->receipt_name, err);
	if (rc == FMT_OK)
		rc = atomic_open(&j->rf, path, 0644, 0, err);
	if (rc)
		return rc;
	memset(&h, 0, sizeof h);
	memcpy(h.coord_sign_pk, R->coord->pub.sign_pk, KEY_SIGN_PK);
	memcpy(h.collector_sign_pk, j->info.sender_sign_pk, KEY_SIGN_PK);
	memcpy(h.bundle_id, j->info.bundle_id, 16);
	h.seq = j->info.seq;
	memcpy(h.bundle_hash, j->info.file_hash, 32);
	h.merged_at = at;
	h.count = j->info.record_count;
	return receipt_writer_open(&j->rw, j->rf.fd, &h, err);
}

/* --- quarantine ------------------------------------------------------------- */

/* Copies the input (fd, seekable) into the quarantine file path. */
static int copy_input(int fd, const char *path, fmt_error *err)
{
	atomic_file f;
	uint8_t buf[65536];
	ssize_t n;
	int rc;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return fmt_fail(err, FMT_E_IO, _("input: %s"), strerror(errno));
	rc = atomic_open(&f, path, 0600, 1, err);
	while (rc == FMT_OK) {
		n = read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = fmt_fail(err, FMT_E_IO, _("input: %s"), strerror(errno));
		else if (n == 0)
			break;
		else
			rc = write_all(f.fd, buf, (size_t)n, err);
	}
	if (rc == FMT_OK)
		return atomic_commit(&f, err);
	atomic_abort(&f);
	return rc;
}

/* Writes the reason file: the reason on its first line, then details. */
static int write_reason(run *R, job *j, const char *path, const char *reason,
			const char *copied, fmt_error *err)
{
	char t[TIME_BUF], hex[33];
	atomic_file f;
	FILE *out;
	int rc, fd;

	rc = atomic_open(&f, path, 0600, 1, err);
	if (rc)
		return rc;
	fd = dup(f.fd);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		if (fd >= 0)
			close(fd);
		atomic_abort(&f);
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory"));
	}
	fprintf(out, "%s\n", reason);
	fputs(_("file: "), out);
	out_term(out, j->path, 0);
	time_format(shell_now(), TIME_ISO, t);
	fprintf(out, _("\nrefused at: %s\n"), t);
	if (copied) {
		/* The copy is named after the input: as hostile as its name. */
		fputs(_("copy: "), out);
		out_term(out, copied, 0);
		fputc('\n', out);
	}
	if (j->opened) {
		char keyid[KEY_ID_CHARS + 1];

		sender_key_id(&j->info, keyid);
		id_format(j->info.bundle_id, hex);
		time_format(j->info.created, TIME_ISO, t);
		fprintf(out, _("sender key: %s"), keyid);
		if (j->from.found) {
			fputs(" (\"", out);
			out_term(out, j->from.org_name, 0);
			fputs("\")", out);
		}
		fprintf(out, _("\nbundle: id %s, sequence %llu, created %s, %lu records\n"),
			hex, (unsigned long long)j->info.seq, t,
			(unsigned long)j->info.record_count);
	}
	for (long i = 0; i < R->pb.count && i < PROBLEMS_MAX; i++) {
		const problem *p = &R->pb.list[i];

		id_format(p->id, hex);
		fprintf(out, _("%srecord %s (%s, version %lu) %s\n"), p->conflict ? _("conflict: ") : "",
			hex, record_kind_name(p->kind), (unsigned long)p->version, p->text);
	}
	if (R->pb.count > PROBLEMS_MAX)
		fprintf(out, _("... and %ld more records\n"), R->pb.count - PROBLEMS_MAX);
	if (fclose(out) != 0) {
		atomic_abort(&f);
		return fmt_fail(err, FMT_E_IO, _("%s: %s"), path, strerror(errno));
	}
	return atomic_commit(&f, err);
}

/* Keeps a copy of the input and its reason in quarantine/; the name of the
 * copy in name[PATH_CAP] (of the reason file alone when the input could
 * not be copied: *copied then 0). */
static int quarantine(run *R, job *j, const char *reason, char name[PATH_CAP],
		      int *copied_out, fmt_error *err)
{
	char ts[TIME_BUF], copy[PATH_CAP], rpath[PATH_CAP];
	const char *base = strcmp(j->path, "-") == 0 ? "stdin.bundle" : path_base(j->path);
	const char *copied = NULL;
	struct stat st;
	int rc = FMT_OK;

	if (!*base)
		base = "bundle";
	time_format(shell_now(), TIME_COMPACT, ts);
	/* The same file refused twice in one second gets a second name. */
	for (int n = 1; ; n++) {
		if (n == 1)
			snprintf(name, PATH_CAP, "%s-%s", ts, base);
		else
			snprintf(name, PATH_CAP, "%s-%d-%s", ts, n, base);
		rc = path_join(copy, R->quarantine, name, err);
		if (rc == FMT_OK && snprintf(rpath, sizeof rpath, "%s.reason", copy) >=
				    (int)sizeof rpath)
			rc = fmt_fail(err, FMT_E_LENGTH, _("path too long: %s"), copy);
		if (rc)
			return rc;
		if (!path_exists(copy) && !path_exists(rpath))
			break;
		if (n == 1000)
			return fmt_fail(err, FMT_E_EXISTS, _("%s: too many files of that name"),
					R->quarantine);
	}
	/* A file over the size cap is not copied: quarantine must not be a
	 * way to fill the coordinator's disk. */
	if (j->fd >= 0 && fstat(j->fd, &st) == 0 && (uint64_t)st.st_size <= BUNDLE_MAX_BYTES) {
		rc = copy_input(j->fd, copy, err);
		if (rc)
			return rc;
		copied = name;
	}
	rc = write_reason(R, j, rpath, reason, copied ? copied : "(not copied: the file "
			  "is missing or larger than the limit)", err);
	if (rc == FMT_OK && !copied)
		snprintf(name, PATH_CAP, "%s", path_base(rpath));
	*copied_out = copied != NULL;
	return rc;
}

/* --- outcomes --------------------------------------------------------------- */

/* Refuses the bundle of j: nothing of it stays in the database, a copy
 * goes to quarantine (merge only), and one line on stderr says so, with
 * the full path of the copy. */
static enum outcome refuse(run *R, job *j, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static enum outcome refuse(run *R, job *j, const char *fmt, ...)
{
	char reason[1024], name[PATH_CAP], shown[1024], where[PATH_CAP];
	fmt_error qerr;
	va_list ap;
	int copied = 0;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	feed_end(R->feed);
	db_rollback(R->db);
	receipt_writer_free(j->rw);
	j->rw = NULL;
	atomic_abort(&j->rf);
	progress_clear(R);
	term_text(j->path, shown, sizeof shown);
	R->refused++;
	worse(R, EXIT_REFUSED);
	if (R->verify) {
		msg("%s: %s (refused)", shown, reason);
		return OUT_REFUSED;
	}
	fmt_error_clear(&qerr);
	if (quarantine(R, j, reason, name, &copied, &qerr) == FMT_OK &&
	    path_join(where, R->quarantine, name, &qerr) == FMT_OK) {
		/* The copy is named after the input: as hostile as its name. */
		msg("%s: %s (refused, %s %s)", shown, reason,
		    copied ? _("copy in") : _("not copied, reason in"), esc(where));
	} else {
		msg("%s: %s (refused; no copy in quarantine: %s)", shown, reason,
		    fmt_error_message(&qerr));
		worse(R, shell_exit_status(qerr.code));
	}
	return OUT_REFUSED;
}

/* A failure reported by the library while reading the bundle: the file's
 * fault (refused), an unreadable file, or the environment (stop). */
static enum outcome read_failed(run *R, job *j)
{
	int status = shell_exit_status(j->err.code);
	char shown[1024];

	feed_end(R->feed);
	if (status == EXIT_REFUSED)
		return refuse(R, j, "%s", err_detail(&j->err, j->path));
	db_rollback(R->db);
	progress_clear(R);
	msg("%s: %s", term_text(j->path, shown, sizeof shown), err_detail(&j->err, j->path));
	worse(R, status);
	if (status == 3) {
		R->unreadable++;
		return OUT_UNREADABLE;
	}
	return OUT_FATAL;
}

/* A failure of the database or the home: stop the run. */
static enum outcome fatal(run *R, job *j)
{
	char shown[1024];

	feed_end(R->feed);
	db_rollback(R->db);
	progress_clear(R);
	msg("%s: %s", term_text(j->path, shown, sizeof shown), err_detail(&j->err, j->path));
	worse(R, shell_exit_status(j->err.code) ? shell_exit_status(j->err.code) : 5);
	return OUT_FATAL;
}

/* A bundle signed by a key that is not enrolled: the reason names the
 * organisation the bundle says it comes from (its profile record, which
 * only that unknown key vouches for: unverified) and how to enroll its
 * collector. */
static enum outcome refuse_unknown(run *R, job *j, const char *keyid)
{
	char claimed[1024], org[1024];
	const record *rec;
	const uint8_t *digest;
	int in_receipt;

	snprintf(claimed, sizeof claimed, "%s", _("; the bundle names no organisation"));
	if (feed_begin(R->feed, j->reader, NULL, NULL, j->next, R->coord, NULL) == FMT_OK)
		while (feed_next(R->feed, &rec, &digest, &in_receipt, NULL) == FMT_OK)
			if (rec->kind == REC_ORG) {
				snprintf(claimed, sizeof claimed, _(", from \"%s\" according to "
					 "the bundle, unverified"),
					 term_text(rec->u.org.name, org, sizeof org));
				break;
			}
	feed_end(R->feed);
	return refuse(R, j, _("signed by a key that is not enrolled (key id %s%s); to "
		      "enroll this collector, get its request (collector request -o "
		      "demande.request) and run: merger enroll demande.request"), keyid,
		      claimed);
}

/* The one-line reason for the problems found in a bundle's records. */
static enum outcome refuse_problems(run *R, job *j)
{
	char hex[33], more[96] = "";
	const problems *pb = &R->pb;

	const problem *p = &pb->list[0];

	id_format(p->id, hex);
	if (pb->count > 1)
		snprintf(more, sizeof more, _(" (and %ld other record%s%s)"), pb->count - 1,
			 pb->count > 2 ? "s" : "",
			 R->verify ? "" : _(", listed in the reason file"));
	return refuse(R, j, _("%srecord %s (%s, version %lu) %s%s"),
		      p->conflict ? _("conflict: ") : "", hex, record_kind_name(p->kind),
		      (unsigned long)p->version, p->text, more);
}

/* The bundle was merged before: write its receipt again (merge only). */
static enum outcome already_merged(run *R, job *j, const merged_bundle *m)
{
	char when[TIME_BUF], shown[1024];
	const record *rec;
	const uint8_t *digest;
	int rc, in_receipt;

	db_rollback(R->db);
	time_format(m->merged_at, TIME_HUMAN, when);
	term_text(j->path, shown, sizeof shown);
	R->already++;
	if (R->verify) {
		progress_clear(R);
		printf(_("%s: ok (already merged on %s)\n"), shown, when);
		return OUT_ALREADY;
	}
	/* The records into the receipt, as in a merge (feed.c), which
	 * signs the receipt and makes it durable. */
	rc = receipt_start(R, j, m->merged_at, &j->err);
	if (rc == FMT_OK)
		rc = feed_begin(R->feed, j->reader, j->rw, &j->rf, j->next, R->coord, &j->err);
	while (rc == FMT_OK)
		rc = feed_next(R->feed, &rec, &digest, &in_receipt, &j->err);
	feed_end(R->feed);
	if (rc == FMT_DONE && (rc = atomic_commit_later(&j->rf, &j->err)) == FMT_OK)
		R->receipts_named = 1;
	progress_clear(R);
	if (rc) {
		msg("%s: already merged on %s, but its receipt could not be written "
		    "again: %s", shown, when, fmt_error_message(&j->err));
		worse(R, shell_exit_status(j->err.code));
		return OUT_ALREADY;
	}
	printf(_("%s: already merged on %s; receipt %s written again\n"), shown, when,
	       j->receipt_name);
	return OUT_ALREADY;
}

/* --- one bundle ------------------------------------------------------------- */

static enum outcome merge_steps(run *R, job *j)
{
	char keyid[KEY_ID_CHARS + 1], when[TIME_BUF], org[1024], shown[1024];
	const char *path = j->path;
	fmt_error *err = &j->err;
	merged_bundle m;
	int64_t now = shell_now();
	const record *rec;
	const uint8_t *digest;
	unsigned rule_errors = 0, rule_warnings = 0;
	int rc, in_receipt;

	/* Opened ahead while the bundle before was applied, or now. */
	if (!feed_take_ahead(R->feed, path, &j->fd, &j->reader, &j->info, &rc, err)) {
		rc = open_input(path, BUNDLE_MAX_BYTES, &j->fd, err);
		if (rc == FMT_OK)
			rc = bundle_reader_open(&j->reader, j->fd, R->coord, &j->info, err);
	}
	if (rc)
		return read_failed(R, j);
	j->opened = 1;
	if (db_begin(R->db, err) ||
	    applier_sender(R->ap, j->info.sender_sign_pk, &j->from, err))
		return fatal(R, j);
	sender_key_id(&j->info, keyid);
	term_text(j->from.org_name, org, sizeof org);
	if (!j->from.found)
		return refuse_unknown(R, j, keyid);
	if (memcmp(j->from.box_pk, j->info.sender_box_pk, KEY_BOX_PK) != 0)
		return refuse(R, j, _("signed by the enrolled key %s of \"%s\" but naming "
			      "another encryption key"), j->from.key_id, org);
	if (j->from.revoked) {
		time_format(j->from.revoked_at, TIME_HUMAN, when);
		return refuse(R, j, _("signed by key %s of \"%s\", revoked on %s"),
			      j->from.key_id, org, when);
	}
	if (applier_bundle_get(R->ap, j->info.bundle_id, &m, err))
		return fatal(R, j);
	if (m.found && strcmp(m.collector, j->from.key_id) != 0)
		return refuse(R, j, _("its bundle id was already used by another collector "
			      "(key %s)"), m.collector);
	if (m.found && memcmp(m.file_hash, j->info.file_hash, 32) != 0) {
		time_format(m.merged_at, TIME_HUMAN, when);
		return refuse(R, j, _("its bundle id was already merged on %s from a "
			      "different file"), when);
	}
	if (m.found)
		return already_merged(R, j, &m);
	/* Sequence numbers are stored as SQLite's signed 64-bit integers. */
	if (j->info.seq > (uint64_t)INT64_MAX)
		return refuse(R, j, _("sequence number %llu is out of range"),
			      (unsigned long long)j->info.seq);

	if (!R->verify && receipt_start(R, j, now, err))
		return fatal(R, j);
	applier_begin(R->ap, &j->from, j->info.bundle_id, now);
	if (feed_begin(R->feed, j->reader, j->rw, R->verify ? NULL : &j->rf, j->next,
		       R->coord, err))
		return fatal(R, j);
	while ((rc = feed_next(R->feed, &rec, &digest, &in_receipt, err)) == FMT_OK) {
		rc = applier_record(R->ap, rec, digest, &j->stats, &R->pb, err);
		if (rc && shell_exit_status(rc) == EXIT_REFUSED)
			return refuse(R, j, "%s", err_detail(err, path));
		if (rc)
			return fatal(R, j);
	}
	feed_end(R->feed);
	if (in_receipt)
		return fatal(R, j);
	if (rc != FMT_DONE)
		return read_failed(R, j);
	if (R->pb.count)
		return refuse_problems(R, j);
	if (applier_finish(R->ap, &j->info, &j->stats, err))
		return fatal(R, j);
	/* The rules, re-checked where the bundle changed the organisation's
	 * counts: recorded with the bundle, never a reason to refuse it. */
	if (quality_after_merge(R->db, R->ap, j->from.org_id, &j->info, &rule_errors,
				&rule_warnings, err))
		return fatal(R, j);

	term_text(path, shown, sizeof shown);
	if (R->verify) {
		db_rollback(R->db);
		progress_clear(R);
		printf(_("%s: ok (%lu records, from \"%s\")\n"), shown,
		       (unsigned long)j->info.record_count, org);
		R->merged++;
		return OUT_MERGED;
	}
	/* The receipt is signed and on disk (feed.c): commit, then name it. */
	if (db_commit(R->db, err))
		return fatal(R, j);
	R->merged++;
	R->total.inserted += j->stats.inserted;
	R->total.updated += j->stats.updated;
	R->total.unchanged += j->stats.unchanged;
	R->total.deleted += j->stats.deleted;
	R->total.overlaps += j->stats.overlaps;
	progress_clear(R);
	printf(_("%s: merged %lu record%s from \"%s\" (%ld inserted, %ld updated, "
	       "%ld unchanged, %ld deleted"), shown, (unsigned long)j->info.record_count,
	       j->info.record_count == 1 ? "" : "s", org, j->stats.inserted,
	       j->stats.updated, j->stats.unchanged, j->stats.deleted);
	if (j->stats.overlaps)
		printf(_("; %ld support count%s also recorded by another collector of the "
		       "organisation"), j->stats.overlaps, j->stats.overlaps > 1 ? "s" : "");
	printf(")\n");
	if (rule_errors || rule_warnings)
		printf(_("%s: rules failing for \"%s\": %u error%s, %u warning%s (merger quality)\n"),
		       shown, org, rule_errors, rule_errors == 1 ? "" : "s", rule_warnings,
		       rule_warnings == 1 ? "" : "s");
	if (j->info.reason[0])
		printf(_("%s: sent despite errors: \"%s\"\n"), shown,
		       term_text(j->info.reason, org, sizeof org));
	/* The merge is committed: a receipt that cannot be put in place is
	 * written again by the next merge of the same file. */
	if (atomic_commit_later(&j->rf, err)) {
		msg("%s: merged, but the receipt could not be written: %s (merge the "
		    "same file again to write it)", shown, fmt_error_message(err));
		worse(R, shell_exit_status(err->code));
	} else {
		R->receipts_named = 1;
		printf(_("%s: receipt %s\n"), shown, j->receipt_name);
	}
	return OUT_MERGED;
}

static enum outcome merge_one(run *R, const char *path, const char *next)
{
	enum outcome o;
	job j;

	memset(&j, 0, sizeof j);
	j.path = path;
	j.next = next;
	j.fd = -1;
	j.rf.fd = -1;
	R->pb.count = 0;
	o = merge_steps(R, &j);
	feed_end(R->feed);
	job_end(&j);
	return o;
}

/* --- the list of inputs ------------------------------------------------------ */

static int bundle_entry(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 7 && d->d_name[0] != '.' && strcmp(d->d_name + n - 7, ".bundle") == 0;
}

/* Byte order, not the locale's: the same folder merges in the same order
 * on every machine. */
static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

typedef struct inputs {
	char **paths;
	size_t n, cap;
} inputs;

static int inputs_add(inputs *in, const char *dir, const char *name)
{
	size_t len = (dir ? strlen(dir) + 1 : 0) + strlen(name) + 1;
	char *p;

	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 16;
		char **np = realloc(in->paths, cap * sizeof *np);
		if (!np)
			return -1;
		in->paths = np;
		in->cap = cap;
	}
	p = malloc(len);
	if (!p)
		return -1;
	if (dir)
		snprintf(p, len, "%s/%s", dir, name);
	else
		snprintf(p, len, "%s", name);
	in->paths[in->n++] = p;
	return 0;
}

static void inputs_free(inputs *in)
{
	for (size_t i = 0; i < in->n; i++)
		free(in->paths[i]);
	free(in->paths);
}

/* Expands the arguments: a folder stands for its *.bundle files, sorted
 * by name. */
static int collect_inputs(int argc, char **argv, inputs *in)
{
	struct stat st;
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		struct dirent **list = NULL;
		int n;

		if (strcmp(argv[i], "-") == 0 || stat(argv[i], &st) != 0 ||
		    !S_ISDIR(st.st_mode)) {
			if (inputs_add(in, NULL, argv[i]))
				return -1;
			continue;
		}
		n = scandir(argv[i], &list, bundle_entry, by_name);
		if (n < 0) {
			msg("%s: %s", argv[i], strerror(errno));
			return 3;
		}
		if (n == 0)
			msg("%s: no *.bundle file in this folder", argv[i]);
		for (int k = 0; k < n; k++) {
			char p[PATH_CAP];

			if (rc == 0 && snprintf(p, sizeof p, "%s/%s", argv[i],
						list[k]->d_name) < (int)sizeof p &&
			    stat(p, &st) == 0 && S_ISREG(st.st_mode))
				rc = inputs_add(in, argv[i], list[k]->d_name);
			free(list[k]);
		}
		free(list);
		if (rc)
			return rc;
	}
	return 0;
}

/* --- the commands ------------------------------------------------------------ */

static int run_all(merger_ctx *ctx, int verify, const char *receipts, int argc,
		   char **argv)
{
	inputs in = { NULL, 0, 0 };
	char full[PATH_MAX];
	fmt_error err;
	run *R;
	int rc, status;

	fmt_error_clear(&err);
	R = calloc(1, sizeof *R);
	if (!R) {
		msg("out of memory");
		return 5;
	}
	R->verify = verify;
	rc = collect_inputs(argc, argv, &in);
	if (rc) {
		inputs_free(&in);
		free(R);
		if (rc < 0)
			msg("out of memory");
		return rc < 0 ? 5 : rc;
	}
	rc = merger_open_db(ctx, &R->db, &err);
	/* verify works on a snapshot: it never takes the write lock, so it
	 * runs while a merge does, and what it applies is thrown away with
	 * the copy. */
	if (rc == FMT_OK && verify) {
		sqlite3 *copy = NULL;

		rc = merger_snapshot(R->db, &copy, 0, &err);
		db_close(R->db);
		R->db = copy;
	}
	if (rc == FMT_OK)
		rc = merger_load_identity(ctx, &R->coord, &err);
	if (rc == FMT_OK) {
		char pragma[64];

		snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", MERGE_CACHE_KIB);
		rc = db_exec(R->db, pragma, &err);
	}
	if (rc == FMT_OK)
		rc = applier_open(&R->ap, R->db, &err);
	if (rc == FMT_OK)
		rc = feed_open(&R->feed, &err);
	if (rc == FMT_OK && !verify) {
		if (receipts)
			snprintf(R->receipts, sizeof R->receipts, "%s", receipts);
		else
			rc = path_join(R->receipts, ctx->home, "receipts", &err);
		if (rc == FMT_OK)
			rc = path_join(R->quarantine, ctx->home, "quarantine", &err);
		if (rc == FMT_OK)
			rc = mkdir_p(R->receipts, receipts ? 0755 : 0700, &err);
		if (rc == FMT_OK)
			rc = mkdir_p(R->quarantine, 0700, &err);
		/* Messages give the full path of what goes there. */
		if (rc == FMT_OK && realpath(R->quarantine, full))
			snprintf(R->quarantine, sizeof R->quarantine, "%s", full);
	}
	if (rc) {
		status = fail(&err, NULL);
		goto out;
	}
	R->progress = isatty(STDERR_FILENO) && in.n > 1;
	for (size_t i = 0; i < in.n; i++) {
		progress_show(R, i, in.n, in.paths[i]);
		if (merge_one(R, in.paths[i], i + 1 < in.n ? in.paths[i + 1] : NULL) == OUT_FATAL) {
			if (i + 1 < in.n)
				msg("stopped: %zu bundle%s not processed", in.n - i - 1,
				    in.n - i - 1 > 1 ? "s" : "");
			break;
		}
	}
	progress_clear(R);
	if (R->receipts_named) {
		char any[PATH_CAP];

		if (path_join(any, R->receipts, "receipt", &err) || fsync_parent(any, &err)) {
			msg("%s: receipts written, but the folder could not be synced to disk: "
			    "%s (merge the same files again if the computer stopped since)",
			    R->receipts, fmt_error_message(&err));
			worse(R, shell_exit_status(err.code));
		}
	}
	if (!verify) {
		printf(_("bundles merged:         %ld\n"), R->merged);
		printf(_("bundles already merged: %ld\n"), R->already);
		printf(_("bundles refused:        %ld\n"), R->refused);
		if (R->refused)
			printf(_("quarantine:             %s\n"), esc(R->quarantine));
		if (R->unreadable)
			printf(_("bundles unreadable:     %ld\n"), R->unreadable);
		printf(_("records inserted:       %ld\n"), R->total.inserted);
		printf(_("records updated:        %ld\n"), R->total.updated);
		printf(_("records unchanged:      %ld\n"), R->total.unchanged);
		printf(_("records deleted:        %ld\n"), R->total.deleted);
		printf(_("support overlaps:       %ld\n"), R->total.overlaps);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		msg("standard output: write error");
		worse(R, 3);
	}
	status = R->status;
out:
	feed_free(R->feed);
	applier_free(R->ap);
	keys_free(R->coord);
	db_close(R->db);
	inputs_free(&in);
	free(R);
	return status;
}

/* The options of merge and verify, then run_all() over the files. */
static int merge_or_verify(merger_ctx *ctx, int argc, char **argv, int verify)
{
	opt opts[] = { { "help", 0, NULL }, { "h", 0, NULL }, { "receipts", 1, NULL } };
	const char *cmd = verify ? "verify" : "merge";
	char **pos = calloc((size_t)argc + 1, sizeof *pos);
	int npos, rc;

	if (!pos) {
		msg("out of memory");
		return EXIT_INTERNAL;
	}
	rc = args_parse(cmd, argc, argv, opts, verify ? 2 : 3, pos, argc, &npos);
	if (rc == 0 && (opts[0].value || opts[1].value)) {
		printf(verify ? _("usage: merger verify BUNDLE...\n") :
			        _("usage: merger merge [--receipts DIR] BUNDLE...|DIR\n"));
	} else if (rc == 0 && opts[2].value && !*opts[2].value) {
		rc = usage_error("merge: --receipts needs a folder");
	} else if (rc == 0 && npos == 0) {
		rc = usage_error("%s: give bundle files or a folder of bundles", cmd);
	} else if (rc == 0) {
		rc = run_all(ctx, verify, opts[2].value, npos, pos);
	}
	free(pos);
	return rc;
}

int cmd_merge(merger_ctx *ctx, int argc, char **argv)
{
	return merge_or_verify(ctx, argc, argv, 0);
}

int cmd_verify(merger_ctx *ctx, int argc, char **argv)
{
	return merge_or_verify(ctx, argc, argv, 1);
}
