/*
 * rates.c - reporting rates: who was asked for a period's return, who
 * sent it, on time or late against the coordinator's deadline, by
 * organisation and by département, and who never sent anything at all
 * (docs/REPORT.md, "Reporting rates").  Also `merger deadline`, which
 * sets a period's deadline, and the rates section of every report format.
 *
 * The rules, in one place:
 *  - the cutoff is the end of the deadline's day (UTC) when the
 *    coordinator set one for the period, else the end of the period;
 *  - an organisation is asked for the period when one of its collectors
 *    was enrolled by the cutoff and not revoked before the period began;
 *  - its return is the first merge that brought a count of it for the
 *    period or a period within it (table submission, kept by the
 *    database's triggers, docs/SCHEMA.md); on time when merged by the
 *    cutoff of a period with a deadline, late after it;
 *  - an organisation with an active collector and no bundle ever merged
 *    has never sent anything: it is listed with its public contact.
 */
#include "merger.h"
#include "cli.h"
#include "report.h"
#include "sheet.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv.h"
#include "db.h"
#include "textout.h"

/* ------------------------------------------------------------------ */
/* The rules                                                           */

/* Unix time of 00:00 UTC on day "YYYY-MM-DD" (already checked). */
static int64_t day_start(const char *ymd)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = atoi(ymd) - 1900;
	tm.tm_mon = atoi(ymd + 5) - 1;
	tm.tm_mday = atoi(ymd + 8);
	return (int64_t)timegm(&tm);
}

static int read_deadline(sqlite3 *db, report *r, fmt_error *err)
{
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, "SELECT due FROM deadline WHERE period = ?1", err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, r->period, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *due = (const char *)sqlite3_column_text(st, 0);
		uint32_t d;

		/* A deadline edited by hand into something else is no deadline. */
		if (due && date_parse(due, &d, NULL) == FMT_OK)
			date_format(d, r->rates.due);
		else
			r->ignored++;
		rc = sqlite3_step(st);
	}
	return report_rows_end(db, st, rc, "reading the deadline", err);
}

/* Which organisations were asked, and which ever sent anything. */
static int read_collectors(sqlite3 *db, report *r, int64_t start, uint8_t *asked,
			   fmt_error *err)
{
	static const char sql[] =
		"SELECT org_id,"
		" max(enrolled_at <= ?1 AND (revoked_at IS NULL OR revoked_at >= ?2)),"
		" max(last_bundle_at IS NOT NULL)"
		" FROM collector GROUP BY org_id";
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, sql, err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, r->rates.cutoff);
	sqlite3_bind_int64(st, 2, start);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = report_org_by_id(r, sqlite3_column_int64(st, 0));

		if (!o)
			continue;
		asked[o - r->orgs] = (uint8_t)sqlite3_column_int(st, 1);
		o->sent = sqlite3_column_int(st, 2);
	}
	return report_rows_end(db, st, rc, "reading the collectors", err);
}

/* When each organisation's first counts for the period arrived. */
static int read_submissions(sqlite3 *db, report *r, fmt_error *err)
{
	static const char sql[] =
		"SELECT s.org_id, s.period, b.merged_at FROM submission s"
		" JOIN bundle b ON b.id = s.bundle WHERE substr(s.period, 1, 4) = ?1";
	sqlite3_stmt *st;
	int rc = db_prepare(db, &st, sql, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, r->period, 4, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		report_org *o = report_org_by_id(r, sqlite3_column_int64(st, 0));
		const char *p = (const char *)sqlite3_column_text(st, 1);
		int64_t at = sqlite3_column_int64(st, 2);

		if (!o || !p || !period_within(p, r->period))
			continue;
		if (!o->received_at || at < o->received_at)
			o->received_at = at > 0 ? at : 1;
	}
	return report_rows_end(db, st, rc, "reading the returns", err);
}

static void tally_add(rate_tally *t, int status)
{
	switch (status) {
	case RATE_MISSING:
		t->expected++;
		t->missing++;
		break;
	case RATE_ON_TIME:
		t->expected++;
		t->received++;
		t->on_time++;
		break;
	case RATE_LATE:
		t->expected++;
		t->received++;
		t->late++;
		break;
	case RATE_RECEIVED:
		t->expected++;
		t->received++;
		break;
	case RATE_UNASKED:
		t->unasked++;
		break;
	default:
		break;
	}
}

int report_load_rates(sqlite3 *db, report *r, fmt_error *err)
{
	report_rates *rt = &r->rates;
	uint8_t *asked = NULL;
	int64_t start = day_start(r->first_day);
	int rc, i, d;

	rc = read_deadline(db, r, err);
	if (rc)
		return rc;
	rt->cutoff = day_start(rt->due[0] ? rt->due : r->last_day) + 86399;
	if (r->norgs && !(asked = calloc((size_t)r->norgs, 1)))
		return fmt_fail(err, FMT_E_NOMEM, _("out of memory reading the returns"));
	rc = read_collectors(db, r, start, asked, err);
	if (!rc)
		rc = read_submissions(db, r, err);
	for (i = 0; !rc && i < r->norgs; i++) {
		report_org *o = &r->orgs[i];

		if (!o->received_at)
			o->rate = asked[i] ? RATE_MISSING : RATE_NONE;
		else if (!asked[i])
			o->rate = RATE_UNASKED;
		else if (!rt->due[0])
			o->rate = RATE_RECEIVED;
		else
			o->rate = o->received_at <= rt->cutoff ? RATE_ON_TIME : RATE_LATE;
		tally_add(&rt->all, o->rate);
		for (d = 0; d < DEPT_COUNT; d++)
			if (o->listed[d])
				tally_add(&rt->dept[d], o->rate);
		if (!o->sent && o->collectors > o->revoked)
			rt->never++;
	}
	free(asked);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Words and numbers shared by the writers                             */

static const struct {
	const char *code, *fr;
} status_words[] = {
	[RATE_NONE] = { "not-asked", "non sollicitée" },
	[RATE_MISSING] = { "missing", "manquante" },
	[RATE_ON_TIME] = { "on-time", "dans les délais" },
	[RATE_LATE] = { "late", "en retard" },
	[RATE_RECEIVED] = { "received", "reçue" },
	[RATE_UNASKED] = { "unasked", "reçue sans être attendue" },
};

/* Received among expected, in tenths of a percent, rounded half up; -1
 * when nothing was expected. */
static int rate_tenths(const rate_tally *t)
{
	if (t->expected <= 0)
		return -1;
	return (int)(((long long)t->received * 2000 + t->expected) / (2LL * t->expected));
}

/* The départements an organisation declares, codes joined by sep. */
static const char *listed_text(const report_org *o, const char *sep, char *buf, size_t cap)
{
	size_t len = 0;
	int d, n;

	buf[0] = '\0';
	for (d = 0; d < DEPT_COUNT; d++) {
		if (!o->listed[d])
			continue;
		n = snprintf(buf + len, cap - len, "%s%s", len ? sep : "", DEPTS[d].code);
		if (n < 0 || (size_t)n >= cap - len) {
			buf[len] = '\0';
			break;
		}
		len += (size_t)n;
	}
	return buf;
}

static int reminded(const report_org *o)
{
	return !o->sent && o->collectors > o->revoked;
}

/* ------------------------------------------------------------------ */
/* Text                                                                */

static void text_tally(FILE *f, const rate_tally *t)
{
	int tenths = rate_tenths(t);

	fprintf(f, "%10d %7d", t->expected, t->received);
	if (tenths >= 0)
		fprintf(f, " %5d,%d %%", tenths / 10, tenths % 10);
	else
		fprintf(f, " %9s", "");
	fprintf(f, " %8d %7d %10d\n", t->on_time, t->late, t->missing);
}

void rates_write_text(FILE *f, const report *r)
{
	const report_rates *rt = &r->rates;
	char when[TIME_BUF], period[48], buf[DEPT_COUNT * 4];
	int i, d, tenths = rate_tenths(&rt->all);

	period_label(r->period, period, sizeof period);
	fputs("\nTaux de réponse\n===============\n\n", f);
	if (rt->due[0])
		fprintf(f, "  Échéance de %s : %s (fin de journée, UTC)\n", period, rt->due);
	else
		fprintf(f, "  Aucune échéance fixée pour %s (merger deadline) : les réponses\n"
			"  reçues sont comptées, sans être dites à temps ni en retard.\n", period);
	fprintf(f, "  Réponses attendues : %d ; reçues : %d", rt->all.expected,
		rt->all.received);
	if (tenths >= 0)
		fprintf(f, " (%d,%d %%)", tenths / 10, tenths % 10);
	fprintf(f, " ; dans les délais : %d ; en retard : %d ; manquantes : %d\n",
		rt->all.on_time, rt->all.late, rt->all.missing);
	if (rt->all.unasked)
		fprintf(f, "  Reçues d'organisations enrôlées après l'échéance : %d\n",
			rt->all.unasked);

	fputs("\n  Par organisation :\n", f);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (o->rate == RATE_NONE)
			continue;
		fputs("    ", f);
		out_term(f, o->name, 0);
		fprintf(f, " : %s", status_words[o->rate].fr);
		if (o->received_at) {
			time_format(o->received_at, TIME_HUMAN, when);
			fprintf(f, " (le %s)", when);
		}
		if (listed_text(o, ", ", buf, sizeof buf)[0])
			fprintf(f, " — %s", buf);
		fputc('\n', f);
	}

	fprintf(f, "\n  Par département :\n    %-26s %10s %7s %9s %8s %7s %10s\n",
		"", "attendues", "reçues", "taux", "à temps", "retard", "manquantes");
	for (d = 0; d < DEPT_COUNT; d++) {
		const rate_tally *t = &rt->dept[d];

		if (!t->expected && !t->unasked)
			continue;
		snprintf(buf, sizeof buf, "%s %s", DEPTS[d].code, DEPTS[d].name);
		fputs("    ", f);
		fputs(buf, f);
		for (i = text_width(buf); i < 26; i++)
			fputc(' ', f);
		fputc(' ', f);
		text_tally(f, t);
	}
	fprintf(f, "    %-26s ", "France");
	text_tally(f, &rt->all);

	fprintf(f, "\n  N'ont jamais rien transmis (à relancer) : %d\n", rt->never);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];
		const char *contact[3] = { o->email, o->phone, o->website };
		int k, first = 1;

		if (!reminded(o))
			continue;
		fputs("    - ", f);
		out_term(f, o->name, 0);
		for (k = 0; k < 3; k++) {
			if (!contact[k])
				continue;
			fputs(first ? " — " : " | ", f);
			out_term(f, contact[k], 0);
			first = 0;
		}
		if (first)
			fputs(" — aucun contact public", f);
		fputc('\n', f);
	}
}

/* ------------------------------------------------------------------ */
/* Tables (CSV or workbook, sheet.h)                                   */

static void sheet_orgs(sheet_out *out, const report *r)
{
	static const sheet_col cols[7] = {
		SHEET_COL("period", "Période"), SHEET_COL("deadline", "Échéance"),
		SHEET_COL("organisation_id", "N° d'organisation"),
		SHEET_COL("organisation", "Organisation"), SHEET_COL("status", "Remontée"),
		SHEET_COL("received_at", "Reçue le"),
		SHEET_COL("departements", "Départements"),
	};
	char when[TIME_BUF], depts[DEPT_COUNT * 4];
	int i;

	sheet_table(out, "Remontées", cols, 7);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (o->rate == RATE_NONE)
			continue;
		when[0] = '\0';
		if (o->received_at)
			time_format(o->received_at, TIME_ISO, when);
		sheet_row(out, (sheet_cell[7]){
			sheet_code(r->period), sheet_code(r->rates.due), sheet_int(o->id),
			sheet_text(o->name), sheet_code(status_words[o->rate].code),
			sheet_code(when), sheet_code(listed_text(o, " ", depts, sizeof depts)) }, 7);
	}
}

static void sheet_tally(sheet_out *out, const report *r, const char *code, const char *name,
			const rate_tally *t)
{
	sheet_row(out, (sheet_cell[11]){
		sheet_code(r->period), sheet_code(r->rates.due), sheet_code(code),
		sheet_text(name), sheet_int(t->expected), sheet_int(t->received),
		sheet_share(rate_tenths(t)), sheet_int(t->on_time), sheet_int(t->late),
		sheet_int(t->missing), sheet_int(t->unasked) }, 11);
}

static void sheet_depts(sheet_out *out, const report *r)
{
	static const sheet_col cols[11] = {
		SHEET_COL("period", "Période"), SHEET_COL("deadline", "Échéance"),
		SHEET_COL("code", "Code"), SHEET_COL("name", "Département"),
		SHEET_COL("expected", "Attendues"), SHEET_COL("received", "Reçues"),
		SHEET_COL("rate", "Taux"), SHEET_COL("on_time", "À temps"),
		SHEET_COL("late", "En retard"), SHEET_COL("missing", "Manquantes"),
		SHEET_COL("unasked", "Non demandées"),
	};
	int d;

	sheet_table(out, "Remontées par département", cols, 11);
	for (d = 0; d < DEPT_COUNT; d++)
		sheet_tally(out, r, DEPTS[d].code, DEPTS[d].name, &r->rates.dept[d]);
	sheet_tally(out, r, "FR", "France", &r->rates.all);
}

static void sheet_reminders(sheet_out *out, const report *r)
{
	static const sheet_col cols[7] = {
		SHEET_COL("organisation_id", "N° d'organisation"),
		SHEET_COL("organisation", "Organisation"), SHEET_COL("kind", "Type"),
		SHEET_COL("email", "Courriel"), SHEET_COL("phone", "Téléphone"),
		SHEET_COL("website", "Site web"), SHEET_COL("departements", "Départements"),
	};
	char depts[DEPT_COUNT * 4];
	int i;

	sheet_table(out, "À relancer", cols, 7);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (!reminded(o))
			continue;
		sheet_row(out, (sheet_cell[7]){
			sheet_int(o->id), sheet_text(o->name),
			sheet_code(ENUM_ORG_KIND.items[o->kind].code), sheet_text(o->email),
			sheet_text(o->phone), sheet_text(o->website),
			sheet_code(listed_text(o, " ", depts, sizeof depts)) }, 7);
	}
}

void rates_write_sheet(sheet_out *out, const report *r, enum report_table t)
{
	if (t == TABLE_RATES_DEPTS)
		sheet_depts(out, r);
	else if (t == TABLE_REMINDERS)
		sheet_reminders(out, r);
	else
		sheet_orgs(out, r);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */

static void json_or_null(FILE *f, const char *s)
{
	if (s && *s)
		out_json_string(f, s);
	else
		fputs("null", f);
}

static void json_tally(FILE *f, const rate_tally *t)
{
	int tenths = rate_tenths(t);

	fprintf(f, "\"expected\": %d, \"received\": %d, \"on_time\": %d, \"late\": %d, "
		"\"missing\": %d, \"unasked\": %d, \"rate\": ", t->expected, t->received,
		t->on_time, t->late, t->missing, t->unasked);
	if (tenths >= 0)
		fprintf(f, "%d.%d", tenths / 10, tenths % 10);
	else
		fputs("null", f);
}

void rates_write_json(FILE *f, const report *r)
{
	const report_rates *rt = &r->rates;
	char when[TIME_BUF];
	int i, d, first;

	fputs("  \"rates\": {\"deadline\": ", f);
	json_or_null(f, rt->due);
	fputs(", ", f);
	json_tally(f, &rt->all);
	fputs(",\n    \"organisations\": [", f);
	for (i = 0, first = 1; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (o->rate == RATE_NONE)
			continue;
		fprintf(f, "%s\n      {\"id\": %lld, \"name\": ", first ? "" : ",", o->id);
		first = 0;
		out_json_string(f, o->name);
		fputs(", \"status\": ", f);
		out_json_string(f, status_words[o->rate].code);
		fputs(", \"received_at\": ", f);
		if (o->received_at) {
			time_format(o->received_at, TIME_ISO, when);
			out_json_string(f, when);
		} else {
			fputs("null", f);
		}
		fputs(", \"departements\": [", f);
		for (d = 0, first = 1; d < DEPT_COUNT; d++) {
			if (!o->listed[d])
				continue;
			fputs(first ? "" : ", ", f);
			first = 0;
			out_json_string(f, DEPTS[d].code);
		}
		fputs("]}", f);
		first = 0;
	}
	fputs(first ? "],\n" : "\n    ],\n", f);
	fputs("    \"departements\": {", f);
	for (d = 0, first = 1; d < DEPT_COUNT; d++) {
		const rate_tally *t = &rt->dept[d];

		if (!t->expected && !t->unasked)
			continue;
		fputs(first ? "\n      " : ",\n      ", f);
		first = 0;
		out_json_string(f, DEPTS[d].code);
		fputs(": {", f);
		json_tally(f, t);
		fputc('}', f);
	}
	fputs(first ? "},\n" : "\n    },\n", f);
	fputs("    \"never_sent\": [", f);
	for (i = 0, first = 1; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (!reminded(o))
			continue;
		fprintf(f, "%s\n      {\"id\": %lld, \"name\": ", first ? "" : ",", o->id);
		first = 0;
		out_json_string(f, o->name);
		fputs(", \"kind\": ", f);
		out_json_string(f, ENUM_ORG_KIND.items[o->kind].code);
		fputs(", \"email\": ", f);
		json_or_null(f, o->email);
		fputs(", \"phone\": ", f);
		json_or_null(f, o->phone);
		fputs(", \"website\": ", f);
		json_or_null(f, o->website);
		fputc('}', f);
	}
	fputs(first ? "]}" : "\n    ]}", f);
}

/* ------------------------------------------------------------------ */
/* HTML                                                                */

void rates_write_html(FILE *f, const report *r)
{
	const report_rates *rt = &r->rates;
	char when[TIME_BUF];
	int i, tenths = rate_tenths(&rt->all);

	fputs("<section id=\"taux\">\n<h2>Taux de réponse</h2>\n<p>", f);
	if (rt->due[0]) {
		fputs("Échéance : ", f);
		out_html(f, rt->due);
		fputs(". ", f);
	} else {
		fputs("Aucune échéance fixée pour la période. ", f);
	}
	fprintf(f, "Réponses attendues : <b>%d</b> ; reçues : <b>%d</b>", rt->all.expected,
		rt->all.received);
	if (tenths >= 0)
		fprintf(f, " (%d,%d %%)", tenths / 10, tenths % 10);
	fprintf(f, " ; dans les délais : <b>%d</b> ; en retard : <b>%d</b> ; "
		"manquantes : <b>%d</b>.</p>\n", rt->all.on_time, rt->all.late, rt->all.missing);
	fputs("<table>\n<thead><tr><th>Organisation</th><th>Réponse</th><th>Reçue le</th>"
	      "</tr></thead>\n<tbody>\n", f);
	for (i = 0; i < r->norgs; i++) {
		const report_org *o = &r->orgs[i];

		if (o->rate == RATE_NONE)
			continue;
		fputs("<tr><td>", f);
		out_html(f, o->name);
		fputs("</td><td>", f);
		out_html(f, status_words[o->rate].fr);
		fputs("</td><td>", f);
		if (o->received_at) {
			time_format(o->received_at, TIME_HUMAN, when);
			out_html(f, when);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody>\n</table>\n", f);
	if (rt->never) {
		fputs("<h3>N'ont jamais rien transmis</h3>\n<ul class=\"silent\">\n", f);
		for (i = 0; i < r->norgs; i++) {
			const report_org *o = &r->orgs[i];
			const char *contact[3] = { o->email, o->phone, o->website };
			int k;

			if (!reminded(o))
				continue;
			fputs("<li>", f);
			out_html(f, o->name);
			for (k = 0; k < 3; k++) {
				if (!contact[k])
					continue;
				fputs(" · ", f);
				out_html(f, contact[k]);
			}
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	fputs("</section>\n", f);
}

/* ------------------------------------------------------------------ */
/* merger deadline                                                     */

static int list_deadlines(const merger_ctx *ctx, sqlite3 *db)
{
	sqlite3_stmt *st;
	fmt_error err;
	int rc;

	fmt_error_clear(&err);
	rc = db_prepare(db, &st, "SELECT period, due FROM deadline ORDER BY period", &err);
	if (rc)
		return fail(&err, ctx->db_path);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("%s\t%s\n", (const char *)sqlite3_column_text(st, 0),
		       (const char *)sqlite3_column_text(st, 1));
	if (report_rows_end(db, st, rc, "reading the deadlines", &err))
		return fail(&err, ctx->db_path);
	return 0;
}

int cmd_deadline(merger_ctx *ctx, int argc, char **argv)
{
	static const char sql[] =
		"INSERT INTO deadline(period, due, set_at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (period) DO UPDATE SET due = excluded.due, set_at = excluded.set_at";
	opt opts[] = { { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1], due[11], first[11], last[11], shown[64];
	sqlite3_stmt *st = NULL;
	sqlite3 *db = NULL;
	char *pos[2];
	fmt_error err;
	uint32_t d;
	int rc, npos;

	fmt_error_clear(&err);
	if ((rc = args_parse("deadline", argc, argv, opts, 2, pos, 2, &npos)))
		return rc;
	if (opts[0].value || opts[1].value) {
		printf("usage: merger deadline [PERIOD DATE]\n");
		return 0;
	}
	if (npos == 1)
		return usage_error("deadline: give a period and a date (YYYY-MM-DD), or "
				   "nothing to list the deadlines");
	if (npos == 2) {
		if (period_parse(pos[0], period, &err) != FMT_OK)
			return usage_error("deadline: %s", fmt_error_message(&err));
		if (date_parse(pos[1], &d, NULL) != FMT_OK)
			return usage_error("deadline: \"%s\" is not a date (YYYY-MM-DD, "
					   "2000 to 2099)", term_text(pos[1], shown, sizeof shown));
		date_format(d, due);
		/* A deadline before the period is over would make every return
		 * late: a typing mistake, most likely. */
		period_bounds(period, first, last);
		if (strcmp(due, last) < 0) {
			msg("deadline: the deadline of %s must be on or after its last day, %s, "
			    "not %s", period, last, due);
			return EXIT_REFUSED;
		}
	}
	rc = merger_open_db(ctx, &db, &err);
	if (rc)
		return fail(&err, ctx->db_path);
	if (npos == 0) {
		rc = list_deadlines(ctx, db);
		db_close(db);
		return rc;
	}
	rc = db_prepare(db, &st, sql, &err);
	if (!rc) {
		sqlite3_bind_text(st, 1, period, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, due, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, shell_now());
		rc = sqlite3_step(st);
		rc = rc == SQLITE_DONE ? FMT_OK : db_fail(db, rc, "saving the deadline", &err);
		sqlite3_finalize(st);
	}
	db_close(db);
	if (rc)
		return fail(&err, ctx->db_path);
	msg("deadline of %s: %s", period, due);
	return 0;
}
