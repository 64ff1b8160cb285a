/*
 * init.c - `merger init` (a new home: coordinator identity, national
 * database, working folders) and `merger kit` (the coordinator's public
 * keys, signed, for the field collectors).
 *
 * init builds the whole home in a private temporary folder next to it and
 * only then moves it into place, the database last: an interrupted or
 * failed init leaves no half-made home that a later command could
 * mistake for a real one.
 */
#include "merger.h"
#include "cli.h"
#include "schema.h"
#include "edition.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "fileio.h"
#include "format.h"
#include "record.h"
#include "refdata.h"
#include "signed.h"

/* The entries of a new home, in the order they are moved into an existing
 * home folder: the database last, so that "initialised" (national.db
 * exists) is only ever true of a complete home. */
static const char *const home_entries[] = {
	"quarantine", "receipts", "coordinator.key", "national.db",
};
#define HOME_ENTRIES (sizeof home_entries / sizeof home_entries[0])

/* See merger.h. */
void home_scratch_remove(const char *dir)
{
	char p[PATH_CAP];
	static const char *const extra[] = { "national.db-wal", "national.db-shm",
					     "national.db-journal" };

	for (size_t i = 0; i < HOME_ENTRIES; i++) {
		if (path_join(p, dir, home_entries[i], NULL) == FMT_OK && unlink(p) != 0)
			rmdir(p);       /* the two folders */
	}
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (path_join(p, dir, extra[i], NULL) == FMT_OK)
			unlink(p);
	rmdir(dir);
}

/* Writes the meta rows of a new database in one transaction. */
static int write_meta(sqlite3 *db, const char *name, int64_t now, fmt_error *err)
{
	static const char sql[] = "INSERT INTO meta(key, value) VALUES (?1, ?2)";
	char created[24], refv[16], fmtv[16];
	const char *rows[][2] = {
		{ "name", name },
		{ "created", created },
		{ "refdata_version", refv },
		{ "format_version", fmtv },
	};
	sqlite3_stmt *st;
	int rc;

	snprintf(created, sizeof created, "%lld", (long long)now);
	snprintf(refv, sizeof refv, "%d", REFDATA_VERSION);
	snprintf(fmtv, sizeof fmtv, "%d", FORMAT_VERSION);
	rc = db_begin(db, err);
	if (rc)
		return rc;
	rc = db_prepare(db, &st, sql, err);
	for (size_t i = 0; rc == FMT_OK && i < sizeof rows / sizeof rows[0]; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, rows[i][0], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, rows[i][1], -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s != SQLITE_DONE)
			rc = db_fail(db, s, "writing the database settings", err);
	}
	sqlite3_finalize(st);
	if (rc == FMT_OK)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	return rc;
}

/* The default questionnaire (the national survey's core and annex) as
 * edition 1. */
static int publish_default(sqlite3 *db, fmt_error *err)
{
	questionnaire *q = NULL;
	int rc = edition_default(&q, err);

	if (rc == FMT_OK && (rc = db_begin(db, err)) == FMT_OK) {
		rc = edition_publish(db, q, shell_now(), NULL, NULL, err);
		if (rc == FMT_OK)
			rc = db_commit(db, err);
		else
			db_rollback(db);
	}
	qn_free(q);
	return rc;
}

/* Fills the temporary folder dir with a complete home. */
static int build_home(const char *dir, const char *name, identity **idp,
		      fmt_error *err)
{
	char p[PATH_CAP];
	const db_migration *m;
	sqlite3 *db = NULL;
	int n, rc;

	rc = keys_generate(idp, err);
	if (rc == FMT_OK)
		rc = path_join(p, dir, "coordinator.key", err);
	if (rc == FMT_OK)
		rc = keys_save(*idp, p, err);
	if (rc == FMT_OK)
		rc = path_join(p, dir, "national.db", err);
	if (rc == FMT_OK) {
		m = merger_migrations(&n);
		rc = db_open(&db, p, 1, m, n, err);
	}
	if (rc == FMT_OK)
		rc = write_meta(db, name, shell_now(), err);
	if (rc == FMT_OK)
		rc = publish_default(db, err);
	db_close(db);
	for (int i = 0; rc == FMT_OK && i < 2; i++) {
		rc = path_join(p, dir, home_entries[i], err);
		if (rc == FMT_OK && mkdir(p, 0700) != 0)
			rc = fmt_fail(err, FMT_E_IO, _("%s: cannot create folder: %s"), p,
				      strerror(errno));
	}
	return rc;
}

/* Moves the entries of the finished scratch folder into the existing,
 * uninitialised folder home.  On failure what was moved is removed. */
static int move_entries(const char *scratch, const char *home, fmt_error *err)
{
	char from[PATH_CAP], to[PATH_CAP];
	size_t moved = 0;
	int rc = FMT_OK;

	for (; moved < HOME_ENTRIES; moved++) {
		rc = path_join(from, scratch, home_entries[moved], err);
		if (rc == FMT_OK)
			rc = path_join(to, home, home_entries[moved], err);
		if (rc)
			break;
		/* The home may already hold a quarantine or receipts folder of
		 * the user's own: keep it rather than fail. */
		if (moved < 2 && path_exists(to)) {
			rmdir(from);
			continue;
		}
		if (rename(from, to) != 0) {
			rc = fmt_fail(err, FMT_E_IO, _("%s: %s"), to, strerror(errno));
			break;
		}
	}
	if (rc) {
		/* Undo only what is certainly ours: the key and the database. */
		while (moved-- > 2) {
			if (path_join(to, home, home_entries[moved], NULL) == FMT_OK)
				unlink(to);
		}
	}
	return rc;
}

/* Makes sure the folder that will hold the home exists; returns it in
 * parent[PATH_CAP]. */
static int prepare_parent(const char *home, char parent[PATH_CAP], fmt_error *err)
{
	const char *slash = strrchr(home, '/');
	size_t n;

	if (!slash) {
		strcpy(parent, ".");
		return FMT_OK;
	}
	n = slash == home ? 1 : (size_t)(slash - home);
	if (n >= PATH_CAP)
		return fmt_fail(err, FMT_E_LENGTH, _("path too long: %s"), home);
	memcpy(parent, home, n);
	parent[n] = '\0';
	return mkdir_p(parent, 0700, err);
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	fsync(fd);
	close(fd);
	return 0;
}

/* See merger.h. */
int home_scratch_make(const merger_ctx *ctx, const char *what, char scratch[PATH_CAP],
		      int *home_exists, fmt_error *err)
{
	char parent[PATH_CAP];
	struct stat st;
	int rc;

	*home_exists = stat(ctx->home, &st) == 0;
	if (*home_exists && !S_ISDIR(st.st_mode))
		return fmt_fail(err, FMT_E_NOT_SETUP, _("%s: exists and is not a folder"),
				ctx->home);
	rc = prepare_parent(ctx->home, parent, err);
	if (rc == FMT_OK && snprintf(scratch, PATH_CAP, "%s.%s-XXXXXX", ctx->home, what) >=
			    PATH_CAP)
		rc = fmt_fail(err, FMT_E_LENGTH, _("path too long: %s"), ctx->home);
	if (rc == FMT_OK && !mkdtemp(scratch))
		rc = fmt_fail(err, FMT_E_IO, _("%s: cannot create a folder next to it: %s"),
			      ctx->home, strerror(errno));
	return rc;
}

/* See merger.h. */
int home_scratch_place(const merger_ctx *ctx, const char *scratch, int home_exists,
		       fmt_error *err)
{
	char parent[PATH_CAP];
	int rc = FMT_OK;

	if (!home_exists) {
		if (rename(scratch, ctx->home) != 0)
			rc = fmt_fail(err, FMT_E_IO, _("%s: %s"), ctx->home, strerror(errno));
	} else {
		rc = move_entries(scratch, ctx->home, err);
		if (rc == FMT_OK && chmod(ctx->home, 0700) != 0)
			rc = fmt_fail(err, FMT_E_IO, _("%s: %s"), ctx->home, strerror(errno));
	}
	if (rc || home_exists)
		home_scratch_remove(scratch);
	if (rc)
		return rc;
	fsync_dir(ctx->home);
	if (prepare_parent(ctx->home, parent, NULL) == FMT_OK)
		fsync_dir(parent);
	return FMT_OK;
}

int cmd_init(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "name", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	const char *name = MERGER_DEFAULT_NAME;
	char scratch[PATH_CAP];
	char keyid[KEY_ID_CHARS + 1], fpr[KEY_FINGERPRINT_CHARS + 1];
	identity *id = NULL;
	struct stat st;
	fmt_error err;
	char *pos[1];
	int npos, rc, home_exists;

	fmt_error_clear(&err);
	if ((rc = args_parse("init", argc, argv, opts, 3, pos, 0, &npos)))
		return rc;
	if (opts[1].value || opts[2].value) {
		printf(_("usage: merger init [--name TEXT]\n"));
		return 0;
	}
	if (opts[0].value)
		name = opts[0].value;
	if (!*name || strlen(name) > REC_NAME_MAX || !text_valid(name, strlen(name), 0))
		return usage_error("init: --name must be 1 to %d bytes of text on one line",
				   REC_NAME_MAX);

	if (stat(ctx->home, &st) == 0 && !S_ISDIR(st.st_mode)) {
		msg("%s: exists and is not a folder", ctx->home);
		return 4;
	}
	if (path_exists(ctx->db_path) || path_exists(ctx->key_path)) {
		msg("%s: already initialised (%s exists); nothing changed", ctx->home,
		    path_exists(ctx->db_path) ? "national.db" : "coordinator.key");
		return 4;
	}

	rc = home_scratch_make(ctx, "init", scratch, &home_exists, &err);
	if (rc)
		return fail(&err, NULL);
	rc = build_home(scratch, name, &id, &err);
	if (rc == FMT_OK)
		rc = home_scratch_place(ctx, scratch, home_exists, &err);
	else
		home_scratch_remove(scratch);
	if (rc) {
		keys_free(id);
		return fail(&err, NULL);
	}

	keys_id(&id->pub, keyid);
	keys_fingerprint(&id->pub, fpr);
	keys_free(id);
	printf(_("home:        %s\n"), ctx->home);
	printf(_("coordinator: %s\n"), name);
	printf(_("key id:      %s\n"), keyid);
	printf(_("fingerprint: %s\n"), fpr);
	return 0;
}

int cmd_kit(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "o", 1, NULL }, { "output", 1, NULL }, { "help", 0, NULL },
		       { "h", 0, NULL } };
	const char *out;
	char fpr[KEY_FINGERPRINT_CHARS + 1];
	identity *id = NULL;
	sqlite3 *db = NULL;
	uint8_t *bytes = NULL;
	size_t len = 0;
	fmt_error err;
	char *pos[1];
	int npos, rc;
	kit k;

	fmt_error_clear(&err);
	if ((rc = args_parse("kit", argc, argv, opts, 4, pos, 0, &npos)))
		return rc;
	if (opts[2].value || opts[3].value) {
		printf(_("usage: merger kit -o FILE\n"));
		return 0;
	}
	out = opts[0].value ? opts[0].value : opts[1].value;
	if (!out || !*out)
		return usage_error("kit: -o FILE is required (- for standard output)");

	memset(&k, 0, sizeof k);
	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK)
		rc = meta_get(db, "name", k.name, sizeof k.name, &err);
	if (rc == FMT_OK && (rc = edition_latest(db, &k.qn, &err)) == FMT_DONE)
		rc = fmt_fail(&err, FMT_E_NOT_SETUP, _("no questionnaire was published"));
	db_close(db);
	if (rc == FMT_OK)
		rc = merger_load_identity(ctx, &id, &err);
	if (rc) {
		kit_free(&k);
		return fail(&err, NULL);
	}
	if (!k.name[0])
		snprintf(k.name, sizeof k.name, "%s", MERGER_DEFAULT_NAME);
	k.coord = id->pub;
	k.refdata_version = REFDATA_VERSION;
	k.created = shell_now();
	rc = kit_write(id, &k, &bytes, &len, &err);
	keys_fingerprint(&id->pub, fpr);
	keys_free(id);
	if (rc == FMT_OK)
		rc = atomic_write_file(out, bytes, len, 0644, 0, &err);
	free(bytes);
	if (rc) {
		kit_free(&k);
		return fail(&err, out);
	}
	if (strcmp(out, "-") != 0)
		msg("%s: kit written (coordinator fingerprint %s, questionnaire edition %u)",
		    out, fpr, (unsigned)k.qn->edition);
	kit_free(&k);
	return 0;
}
