/*
 * edition.c - the questionnaire's editions in the national database, and
 * `merger questionnaire check|publish|show` (edition.h).
 *
 * The coordinator edits two sheets (docs/QUESTIONNAIRE.md); `check` says
 * every problem at once, with its sheet, line and column; `publish` makes
 * them the next edition, refusing one that would remove or redefine a code
 * that an earlier edition had: records made under any edition must stay
 * readable under every later one.  `merger init` publishes the default
 * edition (samples/questionnaire/, carried inside the program), and
 * `merger kit` carries the latest.
 */
#include "edition.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "csv.h"
#include "db.h"
#include "merger.h"
#include "output.h"
#include "record.h"
#include "signed.h"
#include "textout.h"

/* What a kit holds beside its questionnaire: keys, name, lengths, header
 * and signature, with room to spare. */
#define KIT_ROOM 1024u

/* tools/embed.c's output for samples/questionnaire (the Makefile). */
extern const unsigned char default_qn_tables[], default_qn_lists[], default_qn_rules[];
extern const size_t default_qn_tables_len, default_qn_lists_len, default_qn_rules_len;

int edition_default(questionnaire **q, fmt_error *err)
{
	return qn_parse_rules((const char *)default_qn_tables, default_qn_tables_len,
			      (const char *)default_qn_lists, default_qn_lists_len,
			      (const char *)default_qn_rules, default_qn_rules_len, q, NULL, NULL,
			      err);
}

int edition_latest(sqlite3 *db, questionnaire **q, fmt_error *err)
{
	static const char sql[] =
		"SELECT body FROM questionnaire ORDER BY edition DESC LIMIT 1";
	sqlite3_stmt *st;
	int rc;

	*q = NULL;
	if ((rc = db_prepare(db, &st, sql, err)))
		return rc;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		rc = qn_decode(sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), q,
			       err);
		if (rc)
			fmt_fail(err, rc, _("the latest questionnaire edition in the database is "
				 "damaged (%s)"), fmt_error_message(err));
	} else if (rc == SQLITE_DONE) {
		rc = FMT_DONE;
	} else {
		rc = db_fail(db, rc, "reading the questionnaire", err);
	}
	sqlite3_finalize(st);
	return rc;
}

int edition_publish(sqlite3 *db, questionnaire *q, int64_t now, qn_problem_fn fn,
		    void *ctx, fmt_error *err)
{
	static const char sql[] =
		"INSERT INTO questionnaire(edition, published, body) VALUES (?1, ?2, ?3)";
	questionnaire *prev = NULL;
	sqlite3_stmt *st = NULL;
	uint8_t *body = NULL;
	size_t len;
	int rc;

	rc = edition_latest(db, &prev, err);
	if (rc && rc != FMT_DONE)
		return rc;
	q->edition = prev ? prev->edition + 1 : 1;
	q->published = now;
	if (prev && (rc = qn_evolves(prev, q, fn, ctx, err)))
		goto out;
	if ((rc = qn_encode(q, &body, &len, err)))
		goto out;
	/* Every edition must travel in a kit: refused here rather than by
	 * `merger kit` once published. */
	if (len > KIT_MAX_BYTES - KIT_ROOM) {
		rc = fmt_fail(err, FMT_E_TOO_BIG, _("the questionnaire encodes in %zu bytes; a kit "
			      "holds at most %u"), len, KIT_MAX_BYTES - KIT_ROOM);
		goto out;
	}
	if ((rc = db_prepare(db, &st, sql, err)))
		goto out;
	sqlite3_bind_int64(st, 1, q->edition);
	sqlite3_bind_int64(st, 2, q->published);
	sqlite3_bind_blob(st, 3, body, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	rc = rc == SQLITE_DONE ? FMT_OK : db_fail(db, rc, "saving the questionnaire", err);
out:
	sqlite3_finalize(st);
	free(body);
	qn_free(prev);
	return rc;
}

int edition_check_count(const questionnaire *q, edition_seen *seen, const record *r,
			fmt_error *err)
{
	const rec_count *c = &r->u.count;
	const qn_table *t = seen->t;

	if (!t || strcmp(t->code, c->table) != 0) {
		seen->t = t = qn_table_find(q, c->table);
		for (int i = 0; i < QN_DIMS_MAX; i++)
			seen->v[i] = -1;
	}
	if (!t)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, "table",
				      "table \"%s\" is in no published edition of the "
				      "questionnaire", c->table);
	if (c->ndims != t->ndims)
		return fmt_fail_field(err, FMT_E_FIELD, FMT_R_RANGE, "dims",
				      "%u values for table \"%s\", which has %d dimension%s",
				      c->ndims, c->table, t->ndims, t->ndims > 1 ? "s" : "");
	for (int i = 0; i < t->ndims; i++) {
		const qn_list *l = &q->lists[t->dims[i]];
		int v = seen->v[i];

		if (v >= 0 && strcmp(l->t.items[v].code, c->dims[i]) == 0)
			continue;
		if ((seen->v[i] = qn_value_find(l, c->dims[i])) < 0)
			return fmt_fail_field(err, FMT_E_FIELD, FMT_R_UNKNOWN, l->t.name,
					      "\"%s\" is not a value of list \"%s\" (table \"%s\")",
					      c->dims[i], l->t.name, c->table);
	}
	return FMT_OK;
}

/* ------------------------------------------------------------------ */
/* merger questionnaire                                                */

/* Prints one problem of the sheets: "merger: tables.csv, line 3, column
 * dim2: ...". */
static void print_problem(void *ctx, const fmt_error *p)
{
	char where[96] = "", text[256];
	size_t n = 0;
	int *count = ctx;

	(*count)++;
	if (p->where[0])
		n += (size_t)snprintf(where + n, sizeof where - n, "%s", p->where);
	if (p->line && n < sizeof where)
		n += (size_t)snprintf(where + n, sizeof where - n, _("%sline %u"), n ? ", " : "",
				      p->line);
	if (p->field[0] && n < sizeof where)
		n += (size_t)snprintf(where + n, sizeof where - n, _("%scolumn %s"), n ? ", " : "",
				      p->field);
	term_text(fmt_error_bare(p), text, sizeof text);
	if (where[0])
		msg("%s: %s", where, text);
	else
		msg("%s", text);
}

/* Reads and checks the sheets of dir, printing every problem.  Returns 0
 * with *q set, or an exit status. */
static int read_sheets(const char *dir, questionnaire **q)
{
	fmt_error err = { 0 };
	int problems = 0, rc;

	rc = qn_read_dir(dir, q, print_problem, &problems, &err);
	if (rc == FMT_OK)
		return 0;
	if (rc == FMT_E_NOMEM)
		return fail(&err, NULL);
	msg("%s: %d problem%s: the questionnaire was not %s", dir, problems,
	    problems > 1 ? "s" : "", _("accepted"));
	return shell_exit_status(rc);
}

static void print_text(const questionnaire *q)
{
	char when[TIME_BUF], text[512];

	time_format(q->published, TIME_DATE, when);
	printf(_("Questionnaire, edition %u (published %s): %d table%s\n"), (unsigned)q->edition,
	       q->published ? when : "-", q->ntables, q->ntables > 1 ? "s" : "");
	for (int i = 0; i < q->ntables; i++) {
		const qn_table *t = &q->tables[i];

		term_text(t->title_fr, text, sizeof text);
		printf(_("\n%s%s: %s\n  dimensions:"), t->code, t->retired ? _(" (retired)") : "", text);
		for (int d = 0; d < t->ndims; d++) {
			const qn_list *l = &q->lists[t->dims[d]];

			printf(_("%s %s (%d value%s)"), d ? "," : "", l->t.name, l->t.count,
			       l->t.count > 1 ? "s" : "");
		}
		putchar('\n');
		if (t->help_fr[0]) {
			term_text(t->help_fr, text, sizeof text);
			printf("  %s\n", text);
		}
	}
	if (q->nrules)
		printf("\n%d rule%s:\n", q->nrules, q->nrules > 1 ? "s" : "");
	for (int i = 0; i < q->nrules; i++) {
		const qn_rule *r = &q->rules[i];
		char left[512], right[512];

		qn_side_describe(q, r, 0, 1, left, sizeof left);
		qn_side_describe(q, r, 1, 1, right, sizeof right);
		printf("  %s (%s): %s %s %s\n", r->code, r->severity == QN_ERROR ? "error" :
		       "warning", r->left.table < 0 ? "every table" : left, qn_rule_op(r->kind),
		       right);
	}
}

static void print_json(const questionnaire *q)
{
	printf("{\"edition\": %u, \"published\": %lld, \"lists\": [", (unsigned)q->edition,
	       (long long)q->published);
	for (int i = 0; i < q->nlists; i++) {
		const qn_list *l = &q->lists[i];

		printf("%s\n  {\"code\": ", i ? "," : "");
		out_json_string(stdout, l->t.name);
		printf(", \"label_fr\": ");
		out_json_string(stdout, qn_list_label(l, 0));
		printf(", \"builtin\": %s, \"rollup\": ", l->builtin ? "true" : "false");
		if (l->rollup >= 0)
			out_json_string(stdout, q->lists[l->rollup].t.name);
		else
			fputs("null", stdout);
		fputs(", \"values\": [", stdout);
		for (int v = 0; v < l->t.count; v++) {
			printf("%s\n    {\"code\": ", v ? "," : "");
			out_json_string(stdout, l->t.items[v].code);
			fputs(", \"label_fr\": ", stdout);
			out_json_string(stdout, l->t.items[v].fr);
			fputs(", \"label_en\": ", stdout);
			out_json_string(stdout, l->t.items[v].en);
			printf(", \"retired\": %s", l->retired[v] ? "true" : "false");
			if (l->rollup >= 0) {
				fputs(", \"rollup\": ", stdout);
				out_json_string(stdout,
						q->lists[l->rollup].t.items[l->rollup_of[v]].code);
			}
			putchar('}');
		}
		fputs("]}", stdout);
	}
	fputs("],\n \"tables\": [", stdout);
	for (int i = 0; i < q->ntables; i++) {
		const qn_table *t = &q->tables[i];

		printf("%s\n  {\"code\": ", i ? "," : "");
		out_json_string(stdout, t->code);
		fputs(", \"title_fr\": ", stdout);
		out_json_string(stdout, t->title_fr);
		fputs(", \"title_en\": ", stdout);
		out_json_string(stdout, t->title_en);
		fputs(", \"help_fr\": ", stdout);
		out_json_string(stdout, t->help_fr);
		printf(", \"retired\": %s, \"dimensions\": [", t->retired ? "true" : "false");
		for (int d = 0; d < t->ndims; d++) {
			printf("%s", d ? ", " : "");
			out_json_string(stdout, q->lists[t->dims[d]].t.name);
		}
		fputs("]}", stdout);
	}
	fputs("],\n \"rules\": [", stdout);
	for (int i = 0; i < q->nrules; i++) {
		const qn_rule *r = &q->rules[i];
		char side[512];

		printf("%s\n  {\"code\": ", i ? "," : "");
		out_json_string(stdout, r->code);
		printf(", \"op\": \"%s\", \"severity\": \"%s\", \"left\": ", qn_rule_op(r->kind),
		       r->severity == QN_ERROR ? "error" : "warning");
		qn_side_describe(q, r, 0, 1, side, sizeof side);
		if (r->left.table >= 0)
			out_json_string(stdout, side);
		else
			fputs("null", stdout);
		fputs(", \"right\": ", stdout);
		qn_side_describe(q, r, 1, 1, side, sizeof side);
		out_json_string(stdout, side);
		fputs(", \"message_fr\": ", stdout);
		out_json_string(stdout, r->message_fr);
		fputs(", \"message_en\": ", stdout);
		out_json_string(stdout, r->message_en);
		putchar('}');
	}
	fputs("]}\n", stdout);
}

static int qn_check(merger_ctx *ctx, int argc, char **argv, int publish)
{
	const char *cmd = publish ? "questionnaire publish" : "questionnaire check";
	questionnaire *q = NULL, *prev = NULL;
	fmt_error err = { 0 };
	sqlite3 *db = NULL;
	int problems = 0, rc;

	if (argc != 2)
		return usage_error("%s: give the folder holding tables.csv and lists.csv", cmd);
	if ((rc = merger_open_db(ctx, &db, &err)))
		return fail(&err, NULL);
	if ((rc = read_sheets(argv[1], &q)))
		goto out;
	if (!publish) {
		rc = edition_latest(db, &prev, &err);
		if (rc == FMT_OK && qn_evolves(prev, q, print_problem, &problems, &err)) {
			msg("%s: %d change%s that an edition may not make (codes are permanent: "
			    "add or retire, never remove or redefine)", argv[1], problems,
			    problems > 1 ? "s" : "");
			rc = EXIT_REFUSED;
			goto out;
		}
		if (rc && rc != FMT_DONE) {
			rc = fail(&err, ctx->db_path);
			goto out;
		}
		printf(_("%s: questionnaire valid: %d table%s, %d list%s"), argv[1], q->ntables,
		       q->ntables > 1 ? "s" : "", q->nlists, q->nlists > 1 ? "s" : "");
		if (q->nrules)
			printf(_(", %d rule%s"), q->nrules, q->nrules > 1 ? "s" : "");
		putchar('\n');
		rc = 0;
		goto out;
	}
	if ((rc = db_begin(db, &err))) {
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	rc = edition_publish(db, q, shell_now(), print_problem, &problems, &err);
	if (rc == FMT_OK)
		rc = db_commit(db, &err);
	else
		db_rollback(db);
	if (rc == FMT_E_FIELD) {
		msg("%s: %d change%s that an edition may not make (codes are permanent: add or "
		    "retire, never remove or redefine); nothing was published", argv[1],
		    problems, problems > 1 ? "s" : "");
		rc = EXIT_REFUSED;
		goto out;
	}
	if (rc) {
		rc = fail(&err, ctx->db_path);
		goto out;
	}
	msg("published edition %u: %d table%s; write a new kit (merger kit -o FILE) and send "
	    "it to the collectors (collector update --kit FILE)", (unsigned)q->edition,
	    q->ntables, q->ntables > 1 ? "s" : "");
	rc = 0;
out:
	qn_free(q);
	qn_free(prev);
	db_close(db);
	return rc;
}

static int qn_show(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "format", 1, NULL }, { "sheet", 1, NULL }, { "help", 0, NULL },
		       { "h", 0, NULL }, { "csv-excel", 0, NULL } };
	enum out_format format;
	const char *sheet;
	questionnaire *q = NULL;
	fmt_error err = { 0 };
	sqlite3 *db = NULL;
	char *pos[1];
	int npos, rc;

	if ((rc = args_parse("questionnaire show", argc, argv, opts, 5, pos, 0, &npos)))
		return rc;
	if (opts[2].value || opts[3].value) {
		printf(_("usage: merger questionnaire show [--format text|csv|json] [--csv-excel] "
		       "[--sheet tables|lists|rules]\n"));
		return 0;
	}
	if (out_format_parse("questionnaire show", opts[0].value, opts[4].value != NULL, NULL,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON),
			     &format))
		return EXIT_USAGE;
	sheet = opts[1].value ? opts[1].value : "tables";
	if (strcmp(sheet, "tables") && strcmp(sheet, "lists") && strcmp(sheet, "rules"))
		return usage_error("questionnaire show: unknown sheet \"%s\" (tables, lists or "
				   "rules)", sheet);
	if ((rc = merger_open_db(ctx, &db, &err)) ||
	    (rc = edition_latest(db, &q, &err)) == FMT_E_DB) {
		db_close(db);
		return fail(&err, NULL);
	}
	db_close(db);
	if (rc == FMT_DONE) {
		msg("no questionnaire was published: merger questionnaire publish DIR");
		return 4;
	}
	if (rc)
		return fail(&err, ctx->db_path);
	if (format == OUT_JSON)
		print_json(q);
	else if (format == OUT_CSV) {
		csv_start(stdout);       /* the byte order mark of --csv-excel */
		if (strcmp(sheet, "lists") == 0)
			qn_write_lists_csv(stdout, q);
		else if (strcmp(sheet, "rules") == 0)
			qn_write_rules_csv(stdout, q);
		else
			qn_write_tables_csv(stdout, q);
	} else {
		print_text(q);
	}
	qn_free(q);
	return 0;
}

int cmd_questionnaire(merger_ctx *ctx, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "check") == 0)
		return qn_check(ctx, argc - 1, argv + 1, 0);
	if (argc >= 2 && strcmp(argv[1], "publish") == 0)
		return qn_check(ctx, argc - 1, argv + 1, 1);
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return qn_show(ctx, argc - 1, argv + 1);
	return usage_error("questionnaire: check DIR, publish DIR or show [--format "
			   "text|csv|json]");
}
