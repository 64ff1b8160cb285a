/*
 * backup.c - `merger backup` and `merger restore`: the coordinator's keys
 * and a consistent copy of the national database in one file encrypted
 * with a passphrase (format/backup.c; docs/FORMAT.md, "Backup file"), and
 * a new home made from it.
 *
 * The copy is taken with SQLite's online backup API into a database held
 * in memory, in one step: one read transaction, which in WAL mode never
 * blocks a merge and never sees half of one.  The image is then streamed
 * through the encryption; the database is never written in clear outside
 * the home, not even to a temporary file.  The memory this takes is the
 * size of the database.
 *
 * restore builds the new home in a scratch folder next to it, like init,
 * and moves it into place only once the whole backup has been read,
 * authenticated and the database opened and checked: a wrong passphrase
 * or a damaged file leaves nothing behind.
 */
#include "merger.h"
#include "cli.h"
#include "schema.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "fileio.h"

#define PASS_MIN_CHARS 8          /* a backup's only protection: no short passphrase */

/* --- the passphrase ----------------------------------------------------------- */

/* The terminal's settings while echo is off, restored by the handler when
 * a signal ends the program mid-prompt. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_fd = -1;

static void tty_restore_and_die(int sig)
{
	if (tty_fd >= 0)
		tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Reads one line from fd into buf[0..BACKUP_PASS_MAX] (guarded memory),
 * without its end of line.  -1 when it is too long. */
static int read_line(int fd, char *buf, size_t *len)
{
	size_t n = 0;
	char c;

	for (;;) {
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0 || c == '\n')
			break;
		if (n == BACKUP_PASS_MAX) {
			sodium_memzero(&c, sizeof c);
			return -1;
		}
		buf[n++] = c;
	}
	sodium_memzero(&c, sizeof c);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

/* Asks on the terminal, echo off; the answer into buf. */
static int ask_tty(int fd, const char *prompt, char *buf, size_t *len)
{
	struct termios quiet;
	int rc;

	if (write(fd, prompt, strlen(prompt)) < 0)
		return -1;
	if (tcgetattr(fd, &tty_saved) != 0)
		return -1;
	quiet = tty_saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	quiet.c_lflag |= ECHONL;
	tty_fd = fd;
	signal(SIGINT, tty_restore_and_die);
	signal(SIGTERM, tty_restore_and_die);
	signal(SIGHUP, tty_restore_and_die);
	signal(SIGQUIT, tty_restore_and_die);
	tcsetattr(fd, TCSAFLUSH, &quiet);
	rc = read_line(fd, buf, len);
	tcsetattr(fd, TCSAFLUSH, &tty_saved);
	tty_fd = -1;
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	return rc;
}

/* The passphrase, into *out (sodium_malloc()ed: free with sodium_free(),
 * which wipes it): from file descriptor fd_arg when given (its first
 * line), else asked on the terminal, twice when new.  Returns 0, or an
 * exit status after a message. */
static int passphrase_get(const char *fd_arg, int new, char **out, size_t *len)
{
	char *pass = sodium_malloc(BACKUP_PASS_MAX + 1), *again = NULL;
	size_t chars = 0, len2;
	int status = 0;

	*out = NULL;
	if (!pass) {
		msg("out of memory");
		return EXIT_INTERNAL;
	}
	if (fd_arg) {
		char *end;
		long fd = strtol(fd_arg, &end, 10);

		if (!*fd_arg || *end || fd < 0 || fd > 1000000 ||
		    fcntl((int)fd, F_GETFD) < 0) {
			sodium_free(pass);
			return usage_error("--passphrase-fd: \"%s\" is not an open file "
					   "descriptor", esc(fd_arg));
		}
		if (read_line((int)fd, pass, len) != 0) {
			msg("--passphrase-fd: the passphrase is longer than %d bytes",
			    BACKUP_PASS_MAX);
			status = EXIT_USAGE;
		}
	} else {
		int tty = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);

		if (tty < 0) {
			sodium_free(pass);
			msg("no terminal to ask the passphrase on: give it with "
			    "--passphrase-fd N");
			return EXIT_USAGE;
		}
		if (ask_tty(tty, _("Passphrase: "), pass, len) != 0) {
			msg("the passphrase is longer than %d bytes, or the terminal "
			    "could not be read", BACKUP_PASS_MAX);
			status = EXIT_USAGE;
		} else if (new) {
			again = sodium_malloc(BACKUP_PASS_MAX + 1);
			if (!again) {
				msg("out of memory");
				status = EXIT_INTERNAL;
			} else if (ask_tty(tty, _("Passphrase again: "), again, &len2) != 0 ||
				   len2 != *len || sodium_memcmp(again, pass, *len) != 0) {
				msg("the two passphrases differ; nothing written");
				status = EXIT_USAGE;
			}
			sodium_free(again);
		}
		close(tty);
	}
	for (size_t i = 0; status == 0 && i < *len; i++)
		chars += ((unsigned char)pass[i] & 0xC0) != 0x80;
	if (status == 0 && *len == 0) {
		msg("the passphrase is empty");
		status = EXIT_USAGE;
	} else if (status == 0 && new && chars < PASS_MIN_CHARS) {
		msg("the passphrase is too short: at least %d characters", PASS_MIN_CHARS);
		status = EXIT_USAGE;
	}
	if (status) {
		sodium_free(pass);
		return status;
	}
	*out = pass;
	return 0;
}

/* --- backup ------------------------------------------------------------------- */

/* Writes the backup of id and of the database image img[0..size) to f. */
static int write_backup(atomic_file *f, const char *pass, size_t passlen,
			const identity *id, const uint8_t *img, size_t size,
			uint32_t schema, fmt_error *err)
{
	backup_info info = { shell_now(), size, schema };
	backup_writer *w = NULL;
	int rc = backup_writer_open(&w, f->fd, pass, passlen, &info, id, err);

	if (rc == FMT_OK)
		rc = backup_writer_data(w, img, size, err);
	if (rc == FMT_OK)
		rc = backup_writer_finish(w, err);
	backup_writer_free(w);
	return rc;
}

int cmd_backup(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "o", 1, NULL }, { "output", 1, NULL }, { "passphrase-fd", 1, NULL },
		       { "help", 0, NULL }, { "h", 0, NULL } };
	char keyid[KEY_ID_CHARS + 1], size_text[32];
	sqlite3 *db = NULL, *mem = NULL;
	unsigned char *img = NULL;
	identity *id = NULL;
	char *pass = NULL, *pos[1];
	const char *out;
	sqlite3_int64 size = 0;
	size_t passlen = 0;
	int schema = 0;
	int npos, rc, copied = 0;
	atomic_file f = { .fd = -1 };
	fmt_error err;

	fmt_error_clear(&err);
	if ((rc = args_parse("backup", argc, argv, opts, 5, pos, 0, &npos)))
		return rc;
	if (opts[3].value || opts[4].value) {
		printf("usage: merger backup -o FILE [--passphrase-fd N]\n");
		return 0;
	}
	out = opts[0].value ? opts[0].value : opts[1].value;
	if (!out || !*out || strcmp(out, "-") == 0)
		return usage_error("backup: -o FILE is required (a file, not standard output)");
	if (path_exists(out)) {
		msg("%s: already exists; not replacing it", out);
		return EXIT_REFUSED;
	}

	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK)
		rc = merger_load_identity(ctx, &id, &err);
	if (rc) {
		db_close(db);
		return fail(&err, NULL);
	}
	rc = passphrase_get(opts[2].value, 1, &pass, &passlen);
	if (rc) {
		db_close(db);
		keys_free(id);
		return rc;
	}

	/* The schema version of the copy is the one of the database, which
	 * opening it just brought up to date. */
	rc = db_user_version(db, &schema, &err);
	if (rc == FMT_OK)
		rc = merger_snapshot(db, &mem, 1, &err);
	db_close(db);
	/* The image is read as it is, never through SQLite: its header still
	 * says WAL, which a database in memory cannot open. */
	if (rc == FMT_OK) {
		img = sqlite3_serialize(mem, "main", &size, SQLITE_SERIALIZE_NOCOPY);
		if (!img) {
			img = sqlite3_serialize(mem, "main", &size, 0);
			copied = 1;
		}
		if (!img)
			rc = fmt_fail(&err, FMT_E_NOMEM, _("out of memory for the copy of the "
				      "database"));
	}
	if (rc == FMT_OK)
		rc = atomic_open(&f, out, 0600, 1, &err);
	if (rc == FMT_OK)
		rc = write_backup(&f, pass, passlen, id, img, (size_t)size, (uint32_t)schema, &err);
	if (rc == FMT_OK)
		rc = atomic_commit(&f, &err);
	else
		atomic_abort(&f);
	sodium_free(pass);
	if (copied)
		sqlite3_free(img);
	sqlite3_close_v2(mem);
	keys_id(&id->pub, keyid);
	keys_free(id);
	if (rc)
		return fail(&err, out);
	snprintf(size_text, sizeof size_text, "%.1f MiB", (double)size / (1024.0 * 1024.0));
	msg("%s: backup written (coordinator key %s, database of %s); keep the "
	    "passphrase apart from it", out, keyid, size_text);
	return 0;
}

/* --- restore ------------------------------------------------------------------ */

/* 1 when dir holds no entry (or does not exist), 0 otherwise. */
static int folder_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return errno == ENOENT;
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* Writes the database of the backup into path, then opens it (which
 * brings an older schema up to date) and checks it. */
static int restore_db(backup_reader *r, const char *path, fmt_error *err)
{
	const db_migration *m;
	const uint8_t *data;
	sqlite3 *db = NULL;
	sqlite3_stmt *st;
	size_t len;
	int fd, rc, n;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fmt_fail_errno(err, errno, "%s", path);
	while ((rc = backup_reader_data(r, &data, &len, err)) == FMT_OK)
		if ((rc = write_all(fd, data, len, err)) != FMT_OK)
			break;
	if (rc == FMT_DONE)
		rc = fsync(fd) == 0 ? FMT_OK : fmt_fail_errno(err, errno, "%s", path);
	close(fd);
	if (rc)
		return rc;

	m = merger_migrations(&n);
	rc = db_open(&db, path, 0, m, n, err);
	if (rc == FMT_OK)
		rc = db_prepare(db, &st, "PRAGMA quick_check", err);
	if (rc == FMT_OK) {
		const char *res;

		if (sqlite3_step(st) != SQLITE_ROW ||
		    !(res = (const char *)sqlite3_column_text(st, 0)) || strcmp(res, "ok") != 0)
			rc = fmt_fail(err, FMT_E_DB, _("the database in the backup is damaged"));
		sqlite3_finalize(st);
	}
	db_close(db);
	return rc;
}

/* Fills the scratch folder dir from the backup. */
static int restore_into(backup_reader *r, const identity *id, const char *dir,
			fmt_error *err)
{
	static const char *const folders[] = { "quarantine", "receipts" };
	char p[PATH_CAP];
	int rc = path_join(p, dir, "national.db", err);

	if (rc == FMT_OK)
		rc = restore_db(r, p, err);
	if (rc == FMT_OK)
		rc = path_join(p, dir, "coordinator.key", err);
	if (rc == FMT_OK)
		rc = keys_save(id, p, err);
	for (size_t i = 0; rc == FMT_OK && i < sizeof folders / sizeof folders[0]; i++) {
		rc = path_join(p, dir, folders[i], err);
		if (rc == FMT_OK && mkdir(p, 0700) != 0)
			rc = fmt_fail_errno(err, errno, "%s: cannot create folder", p);
	}
	return rc;
}

int cmd_restore(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "home", 1, NULL }, { "passphrase-fd", 1, NULL },
		       { "help", 0, NULL }, { "h", 0, NULL } };
	char scratch[PATH_CAP], keyid[KEY_ID_CHARS + 1], fpr[KEY_FINGERPRINT_CHARS + 1];
	char name[256] = "", when[TIME_BUF];
	backup_reader *r = NULL;
	backup_info info;
	identity *id = NULL;
	char *pass = NULL, *pos[1];
	const char *file;
	size_t passlen = 0;
	int npos, rc, fd, home_exists = 0;
	sqlite3 *db = NULL;
	struct stat st;
	fmt_error err;

	fmt_error_clear(&err);
	if ((rc = args_parse("restore", argc, argv, opts, 4, pos, 1, &npos)))
		return rc;
	if (opts[2].value || opts[3].value) {
		printf("usage: merger restore FILE --home DIR [--passphrase-fd N]\n");
		return 0;
	}
	if (npos != 1)
		return usage_error("restore: give the backup file");
	file = pos[0];
	if (opts[0].value) {
		if (!*opts[0].value)
			return usage_error("restore: --home needs a folder");
		if (snprintf(ctx->home, sizeof ctx->home, "%s", opts[0].value) >=
		    (int)sizeof ctx->home ||
		    path_join(ctx->db_path, ctx->home, "national.db", &err) ||
		    path_join(ctx->key_path, ctx->home, "coordinator.key", &err))
			return usage_error("restore: --home: path too long");
	}
	if (stat(ctx->home, &st) == 0 && (!S_ISDIR(st.st_mode) || !folder_empty(ctx->home))) {
		msg("%s: %s; a backup is restored only into an empty or new folder "
		    "(nothing changed)", ctx->home,
		    S_ISDIR(st.st_mode) ? "not empty" : "exists and is not a folder");
		return EXIT_ENV;
	}

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		msg("%s: %s", file, strerror(errno));
		return EXIT_IO;
	}
	/* The header is checked before the passphrase is asked: a file that
	 * is not a backup is said so at once. */
	rc = backup_reader_open(&r, fd, &err);
	if (rc == FMT_OK) {
		rc = passphrase_get(opts[1].value, 0, &pass, &passlen);
		if (rc) {
			backup_reader_free(r);
			close(fd);
			return rc;
		}
		rc = backup_reader_unlock(r, pass, passlen, &info, &id, &err);
		sodium_free(pass);
	}
	if (rc == FMT_OK)
		rc = home_scratch_make(ctx, "restore", scratch, &home_exists, &err);
	if (rc == FMT_OK) {
		rc = restore_into(r, id, scratch, &err);
		if (rc == FMT_OK)
			rc = home_scratch_place(ctx, scratch, home_exists, &err);
		else
			home_scratch_remove(scratch);
	}
	backup_reader_free(r);
	close(fd);
	if (rc) {
		keys_free(id);
		msg("%s: %s (nothing restored)", file, err_detail(&err, file));
		return shell_exit_status(err.code) ? shell_exit_status(err.code) : EXIT_INTERNAL;
	}
	keys_id(&id->pub, keyid);
	keys_fingerprint(&id->pub, fpr);
	keys_free(id);
	if (merger_open_db(ctx, &db, &err) == FMT_OK)
		meta_get(db, "name", name, sizeof name, &err);
	db_close(db);
	time_format(info.created, TIME_HUMAN, when);
	printf(_("home:        %s\n"), ctx->home);
	printf(_("coordinator: %s\n"), esc(name));
	printf(_("key id:      %s\n"), keyid);
	printf(_("fingerprint: %s\n"), fpr);
	printf(_("backup of:   %s\n"), when);
	return 0;
}
