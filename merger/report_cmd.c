/*
 * report_cmd.c - the commands that publish the national diagnostic:
 * `merger report`, `merger gaps` and `merger directory`.  Each parses its
 * options, opens the national database, computes the diagnostic for the
 * period (report.c), applies suppression when asked (suppress.c) and
 * hands the model to a writer (report_*.c).  A file given with -o is
 * written atomically: it is either the complete new report or untouched.
 */
#include "merger.h"
#include "cli.h"
#include "report.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fileio.h"

enum report_format { FORMAT_TEXT, FORMAT_CSV, FORMAT_JSON, FORMAT_HTML };

static int parse_format(const char *command, const char *s, int html, enum report_format *out)
{
	if (strcmp(s, "text") == 0)
		*out = FORMAT_TEXT;
	else if (strcmp(s, "csv") == 0)
		*out = FORMAT_CSV;
	else if (strcmp(s, "json") == 0)
		*out = FORMAT_JSON;
	else if (html && strcmp(s, "html") == 0)
		*out = FORMAT_HTML;
	else
		return usage_error("%s: --format is text, csv, json%s, not \"%s\"", command,
				   html ? _(" or html") : "", s);
	return 0;
}

/* --table: one of the report's own tables, "tables" for every count
 * table of the questionnaire, or one count table's code (*code, checked
 * once the questionnaire is read: check_table).  "victims" is the table
 * by status, totals. */
static int parse_table(const char *s, enum report_table *out, const char **code)
{
	static const struct {
		const char *name;
		enum report_table t;
	} tables[] = {
		{ "totals", TABLE_TOTALS },
		{ "victims", TABLE_TOTALS },
		{ "departements", TABLE_DEPTS },
		{ "gaps", TABLE_GAPS },
		{ "completeness", TABLE_COMPLETENESS },
		{ "directory", TABLE_DIRECTORY },
		{ "tables", TABLE_COUNTS },
	};
	size_t i;

	*code = NULL;
	for (i = 0; i < sizeof tables / sizeof tables[0]; i++)
		if (strcmp(s, tables[i].name) == 0) {
			*out = tables[i].t;
			return 0;
		}
	*out = TABLE_COUNTS;
	*code = s;
	return 0;
}

/* The code given to --table names a count table of the questionnaire. */
static int check_table(const report *r, const char *code)
{
	char shown[64];

	if (!code || qn_table_find(r->qn, code))
		return 0;
	return usage_error("report: --table is totals, departements, gaps, completeness, "
			   "directory, tables or the code of a table of the questionnaire, "
			   "not \"%s\"", term_text(code, shown, sizeof shown));
}

static int parse_period(const char *command, const char *s, char out[REC_PERIOD_MAX + 1])
{
	fmt_error err;

	fmt_error_clear(&err);
	if (period_parse(s, out, &err) != FMT_OK)
		return usage_error("%s: --period %s", command, fmt_error_message(&err));
	return 0;
}

/* Opens the database and computes the diagnostic for period ("" for the
 * default).  table is the code given to --table, or NULL: it must name a
 * table of the questionnaire.  On failure prints the message and returns
 * the exit status. */
static int load(const merger_ctx *ctx, const char *period, const char *table, report *r)
{
	char p[REC_PERIOD_MAX + 1];
	sqlite3 *db = NULL;
	fmt_error err;
	int64_t now = shell_now();
	int rc;

	fmt_error_clear(&err);
	memset(r, 0, sizeof *r);
	rc = merger_open_db(ctx, &db, &err);
	if (!rc) {
		if (period[0])
			snprintf(p, sizeof p, "%s", period);
		else
			rc = report_default_period(db, now, p, &err);
	}
	if (!rc)
		rc = report_build(db, p, now, r, &err);
	if (!rc)
		rc = report_build_previous(db, r, &err);
	db_close(db);
	if (rc)
		return fail(&err, ctx->db_path);
	if (check_table(r, table))
		return EXIT_USAGE;
	if (r->ignored)
		msg("%s: left out %lld row(s) whose codes this version does not know",
		    ctx->db_path, r->ignored);
	return 0;
}

/* Where the output goes: stdout, or an atomic file. */
struct output {
	atomic_file af;
	FILE *f;
	const char *path;     /* NULL for stdout */
};

static int output_open(struct output *o, const char *path, int mode)
{
	fmt_error err;
	int fd;

	fmt_error_clear(&err);
	o->af.fd = -1;
	o->path = path && strcmp(path, "-") != 0 ? path : NULL;
	if (!o->path) {
		o->f = stdout;
		return 0;
	}
	if (atomic_open(&o->af, o->path, mode, 0, &err))
		return fail(&err, NULL);
	/* A stream on a duplicate, so that closing it leaves af.fd open for
	 * the fsync of atomic_commit. */
	fd = dup(o->af.fd);
	o->f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!o->f) {
		if (fd >= 0)
			close(fd);
		atomic_abort(&o->af);
		fmt_fail(&err, FMT_E_IO, _("%s: cannot write: out of file descriptors or memory"),
			 o->path);
		return fail(&err, NULL);
	}
	return 0;
}

/* Finishes the output; wrote is the writer's result.  Returns the exit
 * status. */
static int output_close(struct output *o, int wrote)
{
	fmt_error err;
	int bad;

	fmt_error_clear(&err);
	if (!o->path) {
		if (wrote || fflush(stdout) == EOF || ferror(stdout)) {
			fmt_fail(&err, FMT_E_IO, _("standard output: write error"));
			return fail(&err, NULL);
		}
		return 0;
	}
	bad = wrote || ferror(o->f);
	if (fclose(o->f) == EOF)
		bad = 1;
	o->f = NULL;
	if (bad) {
		atomic_abort(&o->af);
		fmt_fail(&err, FMT_E_IO, _("%s: write error (disk full?); nothing was written"),
			 o->path);
		return fail(&err, NULL);
	}
	if (atomic_commit(&o->af, &err))
		return fail(&err, NULL);
	return 0;
}

int cmd_report(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "period", 1, NULL }, { "format", 1, NULL }, { "table", 1, NULL },
		       { "o", 1, NULL }, { "output", 1, NULL }, { "public", 0, NULL },
		       { "threshold", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "";
	enum report_format format = FORMAT_TEXT;
	enum report_table table = TABLE_ALL;
	const char *out, *code = NULL, *v;
	int rc, npos, public_mode, threshold = 0;
	struct output o;
	fmt_error err;
	char *pos[1];
	report r;

	fmt_error_clear(&err);
	if ((rc = args_parse("report", argc, argv, opts, 9, pos, 0, &npos)))
		return rc;
	if (opts[7].value || opts[8].value) {
		printf(_("usage: merger report [--period P] [--format text|csv|json|html]\n"
		       "                     [--table totals|departements|gaps|"
		       "completeness|directory|tables|TABLE]\n"
		       "                     [-o FILE] [--public [--threshold N]]\n"));
		return 0;
	}
	if (opts[0].value && parse_period("report", opts[0].value, period))
		return EXIT_USAGE;
	if (opts[1].value && parse_format("report", opts[1].value, 1, &format))
		return EXIT_USAGE;
	if (opts[2].value && parse_table(opts[2].value, &table, &code))
		return EXIT_USAGE;
	out = opts[3].value ? opts[3].value : opts[4].value;
	public_mode = opts[5].value != NULL;
	if ((v = opts[6].value)) {
		char *end;
		long t = strtol(v, &end, 10);

		if (*v < '0' || *v > '9' || *end || t < RPT_THRESHOLD_MIN || t > RPT_THRESHOLD_MAX)
			return usage_error("report: --threshold is a number from %d to %d, not "
					   "\"%s\"", RPT_THRESHOLD_MIN, RPT_THRESHOLD_MAX, v);
		threshold = (int)t;
	}
	if (table != TABLE_ALL && (format == FORMAT_JSON || format == FORMAT_HTML))
		return usage_error("report: --table is for --format csv or text (JSON and "
				   "HTML hold every table)");
	if (threshold && !public_mode)
		return usage_error("report: --threshold only applies with --public");
	if (format == FORMAT_CSV && table == TABLE_ALL)
		table = TABLE_DEPTS;    /* one table per CSV file */

	rc = load(ctx, period, code, &r);
	if (!rc && public_mode &&
	    report_suppress(&r, threshold ? threshold : RPT_THRESHOLD_DEFAULT, &err))
		rc = fail(&err, NULL);
	if (rc) {
		report_free(&r);
		return rc;
	}
	/* A report with exact small counts stays private to its owner; the
	 * public one is meant to be shared. */
	rc = output_open(&o, out, public_mode ? 0644 : 0600);
	if (!rc) {
		int w;

		switch (format) {
		case FORMAT_CSV:
			w = report_write_csv(o.f, &r, table, code);
			break;
		case FORMAT_JSON:
			w = report_write_json(o.f, &r);
			break;
		case FORMAT_HTML:
			w = report_write_html(o.f, &r);
			break;
		default:
			w = report_write_text(o.f, &r, table, code);
		}
		rc = output_close(&o, w);
		if (!rc && o.path)
			msg("%s: report for %s written%s", o.path, r.period,
			    public_mode ? _(" (public: small counts suppressed)") : "");
	}
	report_free(&r);
	return rc;
}

int cmd_gaps(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "period", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "";
	char *pos[1];
	int d, rc, npos;
	report r;

	if ((rc = args_parse("gaps", argc, argv, opts, 3, pos, 0, &npos)))
		return rc;
	if (opts[1].value || opts[2].value) {
		printf(_("usage: merger gaps [--period P]\n"));
		return 0;
	}
	if (opts[0].value && parse_period("gaps", opts[0].value, period))
		return EXIT_USAGE;
	rc = load(ctx, period, NULL, &r);
	if (!rc) {
		/* Nothing but the lines on stdout: meant for scripts. */
		for (d = 0; d < DEPT_COUNT; d++)
			if (report_is_gap(&r, d))
				printf("%s\t%s\t%s\n", DEPTS[d].code, DEPTS[d].name,
				       region_find(DEPTS[d].region)->name);
		rc = output_close(&(struct output){ .path = NULL }, 0);
	}
	report_free(&r);
	return rc;
}

int cmd_directory(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "dept", 1, NULL }, { "format", 1, NULL }, { "period", 1, NULL },
		       { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "", shown[64];
	enum report_format format = FORMAT_TEXT;
	const char *dept_arg;
	char *pos[1];
	int rc, w, npos, dept = -1;
	report r;

	if ((rc = args_parse("directory", argc, argv, opts, 5, pos, 0, &npos)))
		return rc;
	if (opts[3].value || opts[4].value) {
		printf(_("usage: merger directory [--dept CODE] [--format text|csv|json] "
		       "[--period P]\n"));
		return 0;
	}
	dept_arg = opts[0].value;
	if (opts[1].value && parse_format("directory", opts[1].value, 0, &format))
		return EXIT_USAGE;
	if (opts[2].value && parse_period("directory", opts[2].value, period))
		return EXIT_USAGE;
	if (dept_arg) {
		dept = dept_find(dept_arg);
		if (dept < 0) {
			msg("directory: unknown département code \"%s\" (expected an INSEE code "
			    "such as 01, 2A, 75 or 974)", term_text(dept_arg, shown, sizeof shown));
			return EXIT_REFUSED;
		}
	}
	rc = load(ctx, period, NULL, &r);
	if (!rc) {
		if (format == FORMAT_CSV)
			w = directory_write_csv(stdout, &r, dept);
		else if (format == FORMAT_JSON)
			w = directory_write_json(stdout, &r, dept);
		else {
			char label[48];

			printf("Annuaire des acteurs, %s\n\n",
			       period_label(r.period, label, sizeof label));
			w = directory_write_text(stdout, &r, dept);
		}
		rc = output_close(&(struct output){ .path = NULL }, w);
	}
	report_free(&r);
	return rc;
}
