/*
 * enroll.c - the register of collectors: `merger enroll` (a collector's
 * request read, shown and, once confirmed, attached to an organisation),
 * `merger revoke` (a key whose later bundles are refused) and
 * `merger collectors` (the register as a table, CSV or JSON).
 *
 * Attaching a collector to an organisation is the one decision here that
 * a mistake would make costly (two associations' counts mixed, or one
 * association split in two), so it follows a fixed rule, shown to the
 * coordinator before confirmation: the same national id attaches; --org
 * attaches explicitly; --new-org creates; a similar name alone never
 * attaches but refuses, with the hint to choose.
 */
#include "merger.h"
#include "cli.h"
#include "output.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "fileio.h"
#include "record.h"
#include "refdata.h"
#include "signed.h"
#include "textout.h"

/* What enrolling a request would do. */
enum plan_kind { PLAN_CREATE, PLAN_ATTACH, PLAN_ALREADY, PLAN_REFUSE };

typedef struct plan {
	enum plan_kind kind;
	sqlite3_int64 org_id;        /* organisation attached to (ATTACH, ALREADY) */
	char how[4096];              /* how it was decided, or why it is refused */
} plan;

/* Options of one `merger enroll` run. */
typedef struct enroll_opts {
	int yes;
	sqlite3_int64 org;           /* --org ID, 0 when not given */
	int new_org;
} enroll_opts;

/* Name of an organisation by id into buf ("" when absent). */
static int org_name(sqlite3 *db, sqlite3_int64 org, char *buf, size_t cap,
		    int *found, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "SELECT name FROM organisation WHERE id = ?1", err);

	*found = 0;
	buf[0] = '\0';
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, org);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*found = 1;
		term_text((const char *)sqlite3_column_text(st, 0), buf, cap);
		rc = FMT_OK;
	} else if (rc == SQLITE_DONE) {
		rc = FMT_OK;
	} else {
		rc = db_fail(db, rc, "reading the organisations", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Is the key of q already enrolled?  Fills p (ALREADY or REFUSE for a
 * revoked key) and sets *yes. */
static int find_key(sqlite3 *db, const request *q, const char *keyid, plan *p,
		    int *yes, fmt_error *err)
{
	static const char sql[] =
		"SELECT c.org_id, c.enrolled_at, c.revoked_at, o.name FROM collector c "
		"JOIN organisation o ON o.id = c.org_id "
		"WHERE c.sign_pk = ?1 OR c.key_id = ?2";
	char when[TIME_BUF], name[1024];
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, sql, err);

	*yes = 0;
	if (rc)
		return rc;
	sqlite3_bind_blob(st, 1, q->collector.sign_pk, KEY_SIGN_PK, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, keyid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*yes = 1;
		p->org_id = sqlite3_column_int64(st, 0);
		term_text((const char *)sqlite3_column_text(st, 3), name, sizeof name);
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			time_format(sqlite3_column_int64(st, 2), TIME_HUMAN, when);
			p->kind = PLAN_REFUSE;
			snprintf(p->how, sizeof p->how, _("key %s of \"%s\" was revoked on %s; "
				 "a revoked key cannot be enrolled again"), keyid, name, when);
		} else {
			time_format(sqlite3_column_int64(st, 1), TIME_HUMAN, when);
			p->kind = PLAN_ALREADY;
			snprintf(p->how, sizeof p->how, _("key %s already enrolled on %s for "
				 "organisation %lld \"%s\"; nothing changed"), keyid, when,
				 (long long)p->org_id, name);
		}
		rc = FMT_OK;
	} else if (rc == SQLITE_DONE) {
		rc = FMT_OK;
	} else {
		rc = db_fail(db, rc, "reading the collectors", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* The organisation holding national id nid, or 0. */
static int find_national_id(sqlite3 *db, const char *nid, sqlite3_int64 *org,
			    fmt_error *err)
{
	sqlite3_stmt *st;
	int rc;

	*org = 0;
	if (!*nid)
		return FMT_OK;
	rc = db_prepare(db, &st, "SELECT id FROM organisation WHERE national_id = ?1", err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, nid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*org = sqlite3_column_int64(st, 0);
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? FMT_OK :
	     db_fail(db, rc, "reading the organisations", err);
	sqlite3_finalize(st);
	return rc;
}

/* An organisation whose name folds to the same text as name (case,
 * accents, punctuation and spaces aside), or 0. */
static int find_similar_name(sqlite3 *db, const char *name, sqlite3_int64 *org,
			     fmt_error *err)
{
	char want[4 * REC_NAME_MAX + 8], have[4 * REC_NAME_MAX + 8];
	sqlite3_stmt *st;
	int rc;

	*org = 0;
	name_fold(name, want, sizeof want, 0);
	rc = db_prepare(db, &st, "SELECT id, name FROM organisation ORDER BY id", err);
	if (rc)
		return rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 1);

		name_fold(n ? n : "", have, sizeof have, 0);
		if (strcmp(want, have) == 0) {
			*org = sqlite3_column_int64(st, 0);
			break;
		}
	}
	rc = (rc == SQLITE_ROW || rc == SQLITE_DONE) ? FMT_OK :
	     db_fail(db, rc, "reading the organisations", err);
	sqlite3_finalize(st);
	return rc;
}

/* Decides what enrolling q would do (see the rule at the top). */
static int decide(sqlite3 *db, const request *q, const char *keyid,
		  const enroll_opts *o, plan *p, fmt_error *err)
{
	const rec_org *org = &q->org.u.org;
	char name[1024], nid[4 * REC_TEXT_MAX + 8];
	sqlite3_int64 by_nid, by_name;
	int rc, found;

	memset(p, 0, sizeof *p);
	rc = find_key(db, q, keyid, p, &found, err);
	if (rc || found)
		return rc;
	term_text(org->national_id, nid, sizeof nid);
	rc = find_national_id(db, org->national_id, &by_nid, err);
	if (rc)
		return rc;
	if (o->org) {
		rc = org_name(db, o->org, name, sizeof name, &found, err);
		if (rc)
			return rc;
		p->org_id = o->org;
		if (!found) {
			p->kind = PLAN_REFUSE;
			snprintf(p->how, sizeof p->how, _("there is no organisation %lld "
				 "(merger collectors lists them)"), (long long)o->org);
		} else if (by_nid && by_nid != o->org) {
			p->kind = PLAN_REFUSE;
			snprintf(p->how, sizeof p->how, _("national id %s belongs to "
				 "organisation %lld, not to %lld \"%s\""), nid,
				 (long long)by_nid, (long long)o->org, name);
		} else {
			p->kind = PLAN_ATTACH;
			snprintf(p->how, sizeof p->how, _("attach to organisation %lld \"%s\" "
				 "(--org)"), (long long)o->org, name);
		}
		return FMT_OK;
	}
	if (by_nid) {
		rc = org_name(db, by_nid, name, sizeof name, &found, err);
		if (rc)
			return rc;
		p->org_id = by_nid;
		if (o->new_org) {
			p->kind = PLAN_REFUSE;
			snprintf(p->how, sizeof p->how, _("national id %s already belongs to "
				 "organisation %lld \"%s\": use --org %lld, not --new-org"), nid,
				 (long long)by_nid, name, (long long)by_nid);
		} else {
			p->kind = PLAN_ATTACH;
			snprintf(p->how, sizeof p->how, _("attach to organisation %lld \"%s\" "
				 "(same national id %s)"), (long long)by_nid, name, nid);
		}
		return FMT_OK;
	}
	if (o->new_org) {
		p->kind = PLAN_CREATE;
		snprintf(p->how, sizeof p->how, _("new organisation (--new-org)"));
		return FMT_OK;
	}
	rc = find_similar_name(db, org->name, &by_name, err);
	if (rc == FMT_OK && by_name)
		rc = org_name(db, by_name, name, sizeof name, &found, err);
	if (rc)
		return rc;
	if (by_name) {
		p->kind = PLAN_REFUSE;
		p->org_id = by_name;
		snprintf(p->how, sizeof p->how, _("an organisation named \"%s\" already exists "
			 "(organisation %lld): use --org %lld to attach this collector to it, "
			 "or --new-org to create a separate organisation"), name,
			 (long long)by_name, (long long)by_name);
		return FMT_OK;
	}
	p->kind = PLAN_CREATE;
	snprintf(p->how, sizeof p->how, _("new organisation"));
	return FMT_OK;
}

/* Shows the request on stdout, so that the coordinator can compare the
 * fingerprint with the one the collector reads out. */
static void show_request(const char *path, const request *q, const plan *p)
{
	const rec_org *org = &q->org.u.org;
	char keyid[KEY_ID_CHARS + 1], fpr[KEY_FINGERPRINT_CHARS + 1], when[TIME_BUF];
	const char *contact[3] = { org->email, org->phone, org->website };
	int first = 1;

	keys_id(&q->collector, keyid);
	keys_fingerprint(&q->collector, fpr);
	time_format(q->created, TIME_HUMAN, when);
	printf(_("request:      "));
	out_term(stdout, path, 0);
	printf(_("\norganisation: "));
	out_term(stdout, org->name, 0);
	printf(_("\nkind:         %s (%s)\n"), ENUM_ORG_KIND.items[org->kind].code,
	       ENUM_ORG_KIND.items[org->kind].en);
	printf(_("départements:"));
	for (int i = 0; i < org->ndepts; i++)
		printf(" %s", DEPTS[org->depts[i]].code);
	printf(_("\nnational id:  "));
	out_term(stdout, org->national_id[0] ? org->national_id : _("(none)"), 0);
	printf(_("\ncontact:      "));
	for (int i = 0; i < 3; i++) {
		if (!contact[i][0])
			continue;
		if (!first)
			printf(", ");
		out_term(stdout, contact[i], 0);
		first = 0;
	}
	if (first)
		printf(_("(none)"));
	printf(_("\nrequested:    %s\n"), when);
	printf(_("key id:       %s\n"), keyid);
	printf(_("fingerprint:  %s\n"), fpr);
	if (p->kind == PLAN_CREATE || p->kind == PLAN_ATTACH) {
		printf(_("enrollment:   "));
		out_term(stdout, p->how, 0);
		putchar('\n');
	}
	fflush(stdout);
}

/* Creates the organisation of q; its id in *org. */
static int create_org(sqlite3 *db, const request *q, int64_t now, sqlite3_int64 *org,
		      fmt_error *err)
{
	static const char ins[] =
		"INSERT INTO organisation(name, kind, national_id, email, phone, website, "
		"profile_at, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	const rec_org *o = &q->org.u.org;
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, ins, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, o->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, ENUM_ORG_KIND.items[o->kind].code, -1, SQLITE_STATIC);
	bind_text_or_null(st, 3, o->national_id);
	bind_text_or_null(st, 4, o->email);
	bind_text_or_null(st, 5, o->phone);
	bind_text_or_null(st, 6, o->website);
	sqlite3_bind_int64(st, 7, q->org.recorded_at);
	sqlite3_bind_int64(st, 8, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, rc, "creating the organisation", err);
	*org = sqlite3_last_insert_rowid(db);
	rc = db_prepare(db, &st, "INSERT INTO organisation_dept(org_id, dept) "
			"VALUES (?1, ?2)", err);
	for (int i = 0; rc == FMT_OK && i < o->ndepts; i++) {
		sqlite3_reset(st);
		sqlite3_bind_int64(st, 1, *org);
		sqlite3_bind_text(st, 2, DEPTS[o->depts[i]].code, -1, SQLITE_STATIC);
		int s = sqlite3_step(st);
		if (s != SQLITE_DONE)
			rc = db_fail(db, s, "saving the départements", err);
	}
	sqlite3_finalize(st);
	return rc;
}

/* Writes the collector (and its new organisation) in one transaction,
 * deciding again inside it: the register may have changed while the
 * coordinator was reading. */
static int apply_plan(sqlite3 *db, const request *q, const char *keyid,
		      const enroll_opts *o, const plan *shown, plan *done, int *changed,
		      fmt_error *err)
{
	static const char ins[] =
		"INSERT INTO collector(key_id, sign_pk, box_pk, org_id, enrolled_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)";
	int64_t now = shell_now();
	sqlite3_int64 org;
	sqlite3_stmt *st;
	int rc;

	memset(done, 0, sizeof *done);
	*changed = 0;
	rc = db_begin(db, err);
	if (rc == FMT_OK)
		rc = decide(db, q, keyid, o, done, err);
	*changed = rc == FMT_OK && (done->kind != shown->kind ||
				    done->org_id != shown->org_id);
	if (rc == FMT_OK && *changed) {
		db_rollback(db);
		return FMT_OK;   /* the caller shows the new plan */
	}
	org = done->org_id;
	if (rc == FMT_OK && done->kind == PLAN_CREATE)
		rc = create_org(db, q, now, &org, err);
	if (rc == FMT_OK)
		rc = db_prepare(db, &st, ins, err);
	if (rc == FMT_OK) {
		sqlite3_bind_text(st, 1, keyid, -1, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, q->collector.sign_pk, KEY_SIGN_PK, SQLITE_STATIC);
		sqlite3_bind_blob(st, 3, q->collector.box_pk, KEY_BOX_PK, SQLITE_STATIC);
		sqlite3_bind_int64(st, 4, org);
		sqlite3_bind_int64(st, 5, now);
		int s = sqlite3_step(st);
		sqlite3_finalize(st);
		if (s != SQLITE_DONE)
			rc = db_fail(db, s, "saving the collector", err);
	}
	if (rc == FMT_OK)
		rc = db_commit(db, err);
	else
		db_rollback(db);
	done->org_id = org;
	return rc;
}

/* Enrolls one request file; returns its exit status. */
static int enroll_one(merger_ctx *ctx, sqlite3 *db, const identity *coord,
		      const char *path, const enroll_opts *o)
{
	char keyid[KEY_ID_CHARS + 1], name[1024];
	uint8_t *data = NULL;
	size_t len = 0;
	fmt_error err;
	request q;
	plan p, done;
	int rc, found, changed;

	fmt_error_clear(&err);
	/* Read as far as the largest of the small signed files, so that a kit
	 * given by mistake is named as one (request_read refuses the size). */
	rc = read_file_capped(path, KIT_MAX_BYTES, &data, &len, &err);
	if (rc == FMT_OK)
		rc = request_read(data, len, &q, &err);
	free(data);
	if (rc)
		return fail(&err, path);
	keys_id(&q.collector, keyid);
	if (memcmp(q.coord_sign_pk, coord->pub.sign_pk, KEY_SIGN_PK) != 0) {
		msg("%s: this request was made for another coordinator (not this "
		    "home's key): the collector must be initialised with this "
		    "coordinator's kit", path);
		return EXIT_REFUSED;
	}
	rc = decide(db, &q, keyid, o, &p, &err);
	if (rc)
		return fail(&err, path);
	if (p.kind == PLAN_ALREADY) {
		msg("%s: %s", path, p.how);
		return 0;
	}
	show_request(path, &q, &p);
	if (p.kind == PLAN_REFUSE) {
		msg("%s: not enrolled: %s", path, p.how);
		return EXIT_REFUSED;
	}
	if (!o->yes) {
		if (!ctx->interactive)
			return usage_error("enroll: %s: confirmation needed but there is no "
					   "terminal to ask on: check the fingerprint, then "
					   "run again with --yes", path);
		if (!shell_confirm(_("Enroll? [y/N] "))) {
			msg("%s: not enrolled (not confirmed)", path);
			return EXIT_REFUSED;
		}
	}
	rc = apply_plan(db, &q, keyid, o, &p, &done, &changed, &err);
	if (rc)
		return fail(&err, path);
	if (changed) {
		msg("%s: the register changed meanwhile (%s); not enrolled, run the "
		    "command again", path, done.how);
		return EXIT_REFUSED;
	}
	org_name(db, done.org_id, name, sizeof name, &found, &err);
	printf(_("enrolled: key %s of \"%s\" (organisation %lld, %s)\n"), keyid, name,
	       (long long)done.org_id, p.kind == PLAN_CREATE ? _("new") : _("existing"));
	fflush(stdout);
	return 0;
}

int cmd_enroll(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "yes", 0, NULL }, { "org", 1, NULL }, { "new-org", 0, NULL },
		       { "help", 0, NULL }, { "h", 0, NULL }, { "y", 0, NULL } };
	enroll_opts o = { 0, 0, 0 };
	identity *coord = NULL;
	sqlite3 *db = NULL;
	fmt_error err;
	char **pos = NULL;
	int rc, npos, status = 0;

	fmt_error_clear(&err);
	if (!(pos = calloc((size_t)argc + 1, sizeof *pos))) {
		msg("out of memory");
		return EXIT_INTERNAL;
	}
	if ((rc = args_parse("enroll", argc, argv, opts, 6, pos, argc, &npos)))
		goto out;
	if (opts[3].value || opts[4].value) {
		printf(_("usage: merger enroll [--yes] [--org ID | --new-org] REQUEST...\n"));
		goto out;
	}
	o.yes = opts[0].value || opts[5].value;
	o.new_org = opts[2].value != NULL;
	if (opts[1].value) {
		const char *v = opts[1].value;
		char *end;
		long long id = strtoll(v, &end, 10);

		if (*v < '0' || *v > '9' || *end || id <= 0) {
			rc = usage_error("enroll: --org needs an organisation number, as merger "
					 "collectors shows it");
			goto out;
		}
		o.org = id;
	}
	if (o.org && o.new_org) {
		rc = usage_error("enroll: --org and --new-org exclude each other");
		goto out;
	}
	if (npos == 0) {
		rc = usage_error("enroll: give at least one request file");
		goto out;
	}

	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK)
		rc = merger_load_identity(ctx, &coord, &err);
	if (rc) {
		db_close(db);
		rc = fail(&err, NULL);
		goto out;
	}
	for (int i = 0; i < npos; i++) {
		int s = enroll_one(ctx, db, coord, pos[i], &o);

		if (s > status)
			status = s;
		if (s == EXIT_USAGE || s >= 4)
			break;      /* no terminal, or the database failed */
	}
	keys_free(coord);
	db_close(db);
	rc = status;
out:
	free(pos);
	return rc;
}

int cmd_revoke(merger_ctx *ctx, int argc, char **argv)
{
	static const char find[] =
		"SELECT c.key_id, c.revoked_at, o.name FROM collector c "
		"JOIN organisation o ON o.id = c.org_id "
		"WHERE substr(c.key_id, 1, length(?1)) = ?1";
	char want[KEY_ID_CHARS + 1], keyid[KEY_ID_CHARS + 1] = "", name[1024] = "";
	char when[TIME_BUF];
	sqlite3_int64 revoked_at = 0;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	fmt_error err;
	size_t n;
	int rc, matches = 0, s;

	fmt_error_clear(&err);
	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf(_("usage: merger revoke KEY-ID\n"));
		return 0;
	}
	if (argc != 2)
		return usage_error("revoke: give one key id (merger collectors lists them)");
	n = strlen(argv[1]);
	if (n < 8 || n > KEY_ID_CHARS ||
	    strspn(argv[1], "0123456789abcdefABCDEF") != n)
		return usage_error("revoke: \"%s\" is not a key id (8 to 16 hexadecimal "
				   "characters, as merger collectors shows them)", argv[1]);
	for (size_t i = 0; i <= n; i++)
		want[i] = (char)(argv[1][i] >= 'A' && argv[1][i] <= 'F' ?
				 argv[1][i] - 'A' + 'a' : argv[1][i]);

	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK)
		rc = db_begin(db, &err);
	if (rc == FMT_OK)
		rc = db_prepare(db, &st, find, &err);
	if (rc == FMT_OK) {
		sqlite3_bind_text(st, 1, want, -1, SQLITE_STATIC);
		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			matches++;
			snprintf(keyid, sizeof keyid, "%s",
				 (const char *)sqlite3_column_text(st, 0));
			revoked_at = sqlite3_column_type(st, 1) == SQLITE_NULL ? 0 :
				     sqlite3_column_int64(st, 1);
			term_text((const char *)sqlite3_column_text(st, 2), name, sizeof name);
		}
		if (s != SQLITE_DONE)
			rc = db_fail(db, s, "reading the collectors", &err);
		sqlite3_finalize(st);
	}
	if (rc == FMT_OK && matches == 1 && revoked_at == 0) {
		rc = db_prepare(db, &st, "UPDATE collector SET revoked_at = ?1 "
				"WHERE key_id = ?2 AND revoked_at IS NULL", &err);
		if (rc == FMT_OK) {
			revoked_at = shell_now();
			sqlite3_bind_int64(st, 1, revoked_at);
			sqlite3_bind_text(st, 2, keyid, -1, SQLITE_STATIC);
			s = sqlite3_step(st);
			sqlite3_finalize(st);
			if (s != SQLITE_DONE)
				rc = db_fail(db, s, "revoking the key", &err);
		}
		if (rc == FMT_OK)
			rc = db_commit(db, &err);
		if (rc == FMT_OK) {
			printf(_("revoked: key %s of \"%s\"; its bundles are refused from now on\n"),
			       keyid, name);
			db_close(db);
			return 0;
		}
	}
	db_rollback(db);
	db_close(db);
	if (rc)
		return fail(&err, NULL);
	if (matches == 0) {
		msg("revoke: no enrolled collector has key id %s", want);
		return EXIT_REFUSED;
	}
	if (matches > 1) {
		msg("revoke: %s matches %d keys; give more of the key id", want, matches);
		return EXIT_REFUSED;
	}
	time_format(revoked_at, TIME_HUMAN, when);
	msg("revoke: key %s of \"%s\" was already revoked on %s; nothing changed",
	    keyid, name, when);
	return 0;
}

/* --- merger collectors ---------------------------------------------------- */

static const char list_sql[] =
	"SELECT o.name, o.id, c.key_id, c.enrolled_at, c.last_bundle_at, c.last_seq, "
	"c.revoked_at FROM collector c JOIN organisation o ON o.id = c.org_id "
	"ORDER BY o.name COLLATE NOCASE, o.id, c.enrolled_at, c.key_id";

/* Column i of the row as a time in style, or "" / "-" when NULL. */
static const char *col_time(sqlite3_stmt *st, int i, enum time_style style,
			    const char *none, char buf[TIME_BUF])
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return none;
	time_format(sqlite3_column_int64(st, i), style, buf);
	return buf;
}

static void list_json_row(FILE *f, sqlite3_stmt *st, int first)
{
	char t[TIME_BUF];

	fprintf(f, "%s\n  {\"organisation\": ", first ? "" : ",");
	out_json_string(f, (const char *)sqlite3_column_text(st, 0));
	fprintf(f, ", \"organisation_id\": %lld, \"key_id\": \"%s\", \"enrolled_at\": \"%s\"",
		(long long)sqlite3_column_int64(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		col_time(st, 3, TIME_ISO, "", t));
	if (sqlite3_column_type(st, 4) == SQLITE_NULL)
		fprintf(f, ", \"last_bundle_at\": null, \"last_seq\": null");
	else
		fprintf(f, ", \"last_bundle_at\": \"%s\", \"last_seq\": %lld",
			col_time(st, 4, TIME_ISO, "", t),
			(long long)sqlite3_column_int64(st, 5));
	if (sqlite3_column_type(st, 6) == SQLITE_NULL)
		fprintf(f, ", \"status\": \"active\", \"revoked_at\": null}");
	else
		fprintf(f, ", \"status\": \"revoked\", \"revoked_at\": \"%s\"}",
			col_time(st, 6, TIME_ISO, "", t));
}

static const sheet_col list_head[8] = {
	SHEET_FIELD("organisation", REC_ORG, "name"),
	SHEET_COL("organisation_id", "N° de l'organisation"),
	SHEET_COL("key_id", "Identifiant de clé"),
	SHEET_COL("enrolled_at", "Enrôlé le (UTC)"),
	SHEET_COL("last_bundle_at", "Dernier envoi le (UTC)"),
	SHEET_COL("last_seq", "N° du dernier envoi"),
	SHEET_COL("status", "Statut"),
	SHEET_COL("revoked_at", "Révoqué le (UTC)"),
};

static void list_sheet_row(sheet_out *o, sqlite3_stmt *st)
{
	char t1[TIME_BUF], t2[TIME_BUF], t3[TIME_BUF];
	const sheet_cell row[8] = {
		sheet_text((const char *)sqlite3_column_text(st, 0)),
		sheet_int(sqlite3_column_int64(st, 1)),
		sheet_code((const char *)sqlite3_column_text(st, 2)),
		sheet_code(col_time(st, 3, TIME_ISO, "", t1)),
		sheet_code(col_time(st, 4, TIME_ISO, "", t2)),
		sqlite3_column_type(st, 5) == SQLITE_NULL ? sheet_text(NULL) :
			sheet_int(sqlite3_column_int64(st, 5)),
		sheet_code(sqlite3_column_type(st, 6) == SQLITE_NULL ? "active" : "revoked"),
		sheet_code(col_time(st, 6, TIME_ISO, "", t3)),
	};

	sheet_row(o, row, 8);
}

/* Text: an aligned table; the organisation column as wide as its widest
 * name (measured once the names are escaped for the terminal). */
static void list_text_row(FILE *f, sqlite3_stmt *st, int width)
{
	char name[1024], t1[TIME_BUF], t2[TIME_BUF], t3[TIME_BUF], seq[24];
	int pad;

	term_text((const char *)sqlite3_column_text(st, 0), name, sizeof name);
	pad = width - text_width(name);
	if (sqlite3_column_type(st, 5) == SQLITE_NULL)
		strcpy(seq, "-");
	else
		snprintf(seq, sizeof seq, "%lld", (long long)sqlite3_column_int64(st, 5));
	fprintf(f, "%s%*s  %5lld  %-16s  %-10s  %-20s  %6s  %s%s\n", name, pad > 0 ? pad : 0,
		"", (long long)sqlite3_column_int64(st, 1),
		(const char *)sqlite3_column_text(st, 2),
		col_time(st, 3, TIME_DATE, "-", t1), col_time(st, 4, TIME_HUMAN, "-", t2),
		seq, sqlite3_column_type(st, 6) == SQLITE_NULL ? _("active") : _("revoked "),
		col_time(st, 6, TIME_DATE, "", t3));
}

int cmd_collectors(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "format", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL },
		       { "o", 1, NULL }, { "output", 1, NULL }, { "csv-excel", 0, NULL } };
	enum out_format f;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	sheet_out *sh = NULL;
	const char *out;
	fmt_error err;
	output o;
	char *pos[1];
	int npos, rc, s, rows = 0, width = (int)strlen("ORGANISATION");

	fmt_error_clear(&err);
	if ((rc = args_parse("collectors", argc, argv, opts, 6, pos, 0, &npos)))
		return rc;
	if (opts[1].value || opts[2].value) {
		printf(_("usage: merger collectors [--format text|csv|json|xlsx] [--csv-excel] "
		       "[-o FILE]\n"));
		return 0;
	}
	out = opts[3].value ? opts[3].value : opts[4].value;
	if (out_format_parse("collectors", opts[0].value, opts[5].value != NULL, out,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON) |
			     OUT_ALLOW(OUT_XLSX), &f))
		return EXIT_USAGE;

	rc = merger_open_db(ctx, &db, &err);
	if (rc == FMT_OK)
		rc = db_prepare(db, &st, list_sql, &err);
	if (rc) {
		db_close(db);
		return fail(&err, NULL);
	}
	/* Key ids and dates of enrolment: the coordinator's own. */
	if ((rc = output_open(&o, out, 0600)) ||
	    ((f == OUT_CSV || f == OUT_XLSX) &&
	     (rc = output_sheet(&o, f, "Collecteurs enrôlés", &sh)))) {
		sqlite3_finalize(st);
		db_close(db);
		return rc;
	}
	/* A read transaction, so that the two passes of the text table see
	 * the same rows. */
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	if (f == OUT_TEXT) {
		char name[1024];

		while ((s = sqlite3_step(st)) == SQLITE_ROW) {
			int w = text_width(term_text((const char *)sqlite3_column_text(st, 0),
						     name, sizeof name));
			if (w > width)
				width = w;
		}
		sqlite3_reset(st);
		fprintf(o.f, "%-*s  %5s  %-16s  %-10s  %-20s  %6s  %s\n", width,
			_("ORGANISATION"), _("ORG"), _("KEY ID"), _("ENROLLED"), _("LAST BUNDLE"),
			_("SEQ"), _("STATUS"));
	} else if (sh) {
		sheet_table(sh, "Collecteurs", list_head, 8);
	} else {
		fprintf(o.f, "[");
	}
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (f == OUT_TEXT)
			list_text_row(o.f, st, width);
		else if (sh)
			list_sheet_row(sh, st);
		else
			list_json_row(o.f, st, rows == 0);
		rows++;
	}
	if (f == OUT_JSON)
		fprintf(o.f, rows ? "\n]\n" : "]\n");
	if (s != SQLITE_DONE)
		rc = db_fail(db, s, "reading the collectors", &err);
	sqlite3_finalize(st);
	db_rollback(db);
	db_close(db);
	if (rc) {
		fmt_error ignored;

		fmt_error_clear(&ignored);
		sheet_close(sh, &ignored);
		output_abort(&o);
		return fail(&err, NULL);
	}
	rc = sh ? output_sheet_close(&o, sh) : output_close(&o, 0);
	if (!rc && o.path)
		msg("%s: %d collector%s written", o.path, rows, rows == 1 ? "" : "s");
	return rc;
}
