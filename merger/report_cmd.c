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
#include "output.h"
#include "report.h"
#include "report_cmd.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "fileio.h"
#include "textout.h"

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
		{ "rates", TABLE_RATES },
		{ "rates-departements", TABLE_RATES_DEPTS },
		{ "reminders", TABLE_REMINDERS },
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
			   "directory, rates, rates-departements, reminders, tables or the "
			   "code of a table of the questionnaire, "
			   "not \"%s\"", term_text(code, shown, sizeof shown));
}

int report_parse_period(const char *command, const char *s, char out[REC_PERIOD_MAX + 1])
{
	fmt_error err;

	fmt_error_clear(&err);
	if (period_parse(s, out, &err) != FMT_OK)
		return usage_error("%s: --period %s", command, fmt_error_message(&err));
	return 0;
}

int report_parse_threshold(const char *command, const char *v, int *out)
{
	char *end;
	long t = strtol(v, &end, 10);

	if (*v < '0' || *v > '9' || *end || t < RPT_THRESHOLD_MIN || t > RPT_THRESHOLD_MAX)
		return usage_error("%s: --threshold is a number from %d to %d, not \"%s\"",
				   command, RPT_THRESHOLD_MIN, RPT_THRESHOLD_MAX, v);
	*out = (int)t;
	return 0;
}

int report_load(const merger_ctx *ctx, const char *period, const char *table, int flags,
		report *r)
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
		rc = report_build(db, p, now, r, flags, &err);
	/* An export carries the period alone; a report shows the change
	 * since a year before. */
	if (!rc && !(flags & REPORT_CELLS))
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

/* The tables of r (CSV or a workbook) to o; title for a workbook. */
static int write_sheets(output *o, enum out_format format, const report *r,
			enum report_table table, const char *code, int directory, int dept)
{
	char title[128], label[48];
	sheet_out *s;
	int rc;

	snprintf(title, sizeof title, "%s, %s", directory ? "Annuaire des acteurs" :
		 "Diagnostic national", period_label(r->period, label, sizeof label));
	if ((rc = output_sheet(o, format, title, &s)))
		return rc;
	if (directory)
		directory_write_sheet(s, r, dept);
	else
		report_write_sheet(s, r, table, code);
	return output_sheet_close(o, s);
}

int cmd_report(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "period", 1, NULL }, { "format", 1, NULL }, { "table", 1, NULL },
		       { "o", 1, NULL }, { "output", 1, NULL }, { "public", 0, NULL },
		       { "threshold", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL },
		       { "csv-excel", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "";
	enum out_format format;
	enum report_table table = TABLE_ALL;
	const char *out, *code = NULL, *v;
	int rc, npos, public_mode, threshold = 0;
	output o;
	fmt_error err;
	char *pos[1];
	report r;

	fmt_error_clear(&err);
	if ((rc = args_parse("report", argc, argv, opts, 10, pos, 0, &npos)))
		return rc;
	if (opts[7].value || opts[8].value) {
		printf(_("usage: merger report [--period P] [--format text|csv|json|html|xlsx]\n"
		       "                     [--csv-excel]\n"
		       "                     [--table totals|departements|gaps|"
		       "completeness|directory|rates|\n"
		       "                      rates-departements|reminders|tables|TABLE]\n"
		       "                     [-o FILE] [--public [--threshold N]]\n"));
		return 0;
	}
	out = opts[3].value ? opts[3].value : opts[4].value;
	if (opts[0].value && report_parse_period("report", opts[0].value, period))
		return EXIT_USAGE;
	if (out_format_parse("report", opts[1].value, opts[9].value != NULL, out,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON) |
			     OUT_ALLOW(OUT_HTML) | OUT_ALLOW(OUT_XLSX), &format))
		return EXIT_USAGE;
	if (opts[2].value && parse_table(opts[2].value, &table, &code))
		return EXIT_USAGE;
	public_mode = opts[5].value != NULL;
	if ((v = opts[6].value) && report_parse_threshold("report", v, &threshold))
		return EXIT_USAGE;
	if (table != TABLE_ALL && (format == OUT_JSON || format == OUT_HTML ||
				   format == OUT_XLSX))
		return usage_error("report: --table is for --format csv or text (JSON, "
				   "HTML and xlsx hold every table)");
	if (threshold && !public_mode)
		return usage_error("report: --threshold only applies with --public");
	if (format == OUT_CSV && table == TABLE_ALL)
		table = TABLE_DEPTS;    /* one table per CSV file */

	rc = report_load(ctx, period, code, 0, &r);
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
		switch (format) {
		case OUT_CSV:
		case OUT_XLSX:
			rc = write_sheets(&o, format, &r, table, code, 0, -1);
			break;
		case OUT_JSON:
			rc = output_close(&o, report_write_json(o.f, &r));
			break;
		case OUT_HTML:
			rc = output_close(&o, report_write_html(o.f, &r));
			break;
		default:
			rc = output_close(&o, report_write_text(o.f, &r, table, code));
		}
		if (!rc && o.path)
			msg("%s: report for %s written%s", o.path, r.period,
			    public_mode ? _(" (public: small counts suppressed)") : "");
	}
	report_free(&r);
	return rc;
}

/* On a terminal: a title, then the départements in aligned columns. */
static void gaps_table(const report *r)
{
	char label[48];
	int d, n = 0, w = (int)strlen("Département");

	for (d = 0; d < DEPT_COUNT; d++)
		if (report_is_gap(r, d)) {
			int dw = text_width(DEPTS[d].name);

			n++;
			if (dw > w)
				w = dw;
		}
	printf("Départements sans victime accompagnée, %s : %d sur %d\n\n",
	       period_label(r->period, label, sizeof label), n, DEPT_COUNT);
	if (!n)
		return;
	printf("Code  Département");
	printf("%*s  Région\n", w - text_width("Département"), "");
	for (d = 0; d < DEPT_COUNT; d++)
		if (report_is_gap(r, d))
			printf("%-4s  %s%*s  %s\n", DEPTS[d].code, DEPTS[d].name,
			       w - text_width(DEPTS[d].name), "",
			       region_find(DEPTS[d].region)->name);
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
	if (opts[0].value && report_parse_period("gaps", opts[0].value, period))
		return EXIT_USAGE;
	rc = report_load(ctx, period, NULL, 0, &r);
	if (!rc) {
		if (isatty(STDOUT_FILENO)) {
			gaps_table(&r);
		} else {
			/* In a pipe, nothing but the lines, code first: for
			 * scripts. */
			for (d = 0; d < DEPT_COUNT; d++)
				if (report_is_gap(&r, d))
					printf("%s\t%s\t%s\n", DEPTS[d].code, DEPTS[d].name,
					       region_find(DEPTS[d].region)->name);
		}
		rc = output_close(&(output){ .path = NULL }, 0);
	}
	report_free(&r);
	return rc;
}

int cmd_directory(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "dept", 1, NULL }, { "format", 1, NULL }, { "period", 1, NULL },
		       { "help", 0, NULL }, { "h", 0, NULL }, { "o", 1, NULL },
		       { "output", 1, NULL }, { "csv-excel", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "", shown[64];
	enum out_format format;
	const char *dept_arg, *out;
	char *pos[1];
	int rc, npos, dept = -1;
	output o;
	report r;

	if ((rc = args_parse("directory", argc, argv, opts, 8, pos, 0, &npos)))
		return rc;
	if (opts[3].value || opts[4].value) {
		printf(_("usage: merger directory [--dept CODE] [--format text|csv|json|xlsx] "
		       "[--csv-excel]\n"
		       "                        [--period P] [-o FILE]\n"));
		return 0;
	}
	dept_arg = opts[0].value;
	out = opts[5].value ? opts[5].value : opts[6].value;
	if (out_format_parse("directory", opts[1].value, opts[7].value != NULL, out,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON) |
			     OUT_ALLOW(OUT_XLSX), &format))
		return EXIT_USAGE;
	if (opts[2].value && report_parse_period("directory", opts[2].value, period))
		return EXIT_USAGE;
	if (dept_arg) {
		dept = dept_find(dept_arg);
		if (dept < 0) {
			msg("directory: unknown département code \"%s\" (expected an INSEE code "
			    "such as 01, 2A, 75 or 974)", term_text(dept_arg, shown, sizeof shown));
			return EXIT_REFUSED;
		}
	}
	rc = report_load(ctx, period, NULL, 0, &r);
	/* The directory lists public contacts: readable by others, like a
	 * public report. */
	if (!rc)
		rc = output_open(&o, out, 0644);
	if (!rc) {
		if (format == OUT_CSV || format == OUT_XLSX) {
			rc = write_sheets(&o, format, &r, TABLE_DIRECTORY, NULL, 1, dept);
		} else if (format == OUT_JSON) {
			rc = output_close(&o, directory_write_json(o.f, &r, dept));
		} else {
			char label[48];

			fprintf(o.f, "Annuaire des acteurs, %s\n\n",
				period_label(r.period, label, sizeof label));
			rc = output_close(&o, directory_write_text(o.f, &r, dept));
		}
		if (!rc && o.path)
			msg("%s: directory for %s written", o.path, r.period);
	}
	report_free(&r);
	return rc;
}

int cmd_rates(merger_ctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "period", 1, NULL }, { "format", 1, NULL }, { "table", 1, NULL },
		       { "o", 1, NULL }, { "help", 0, NULL }, { "h", 0, NULL } };
	char period[REC_PERIOD_MAX + 1] = "", when[TIME_BUF];
	enum out_format format = OUT_TEXT;
	enum report_table table = TABLE_RATES;
	const char *code;
	output o;
	char *pos[1];
	int rc, npos, w;
	report r;

	if ((rc = args_parse("rates", argc, argv, opts, 6, pos, 0, &npos)))
		return rc;
	if (opts[4].value || opts[5].value) {
		printf("usage: merger rates [--period P] [--format text|csv|json|xlsx]\n"
		       "                    [--table rates|rates-departements|reminders] "
		       "[-o FILE]\n");
		return 0;
	}
	if (opts[0].value && report_parse_period("rates", opts[0].value, period))
		return EXIT_USAGE;
	if (out_format_parse("rates", opts[1].value, 0, opts[3].value,
			     OUT_ALLOW(OUT_TEXT) | OUT_ALLOW(OUT_CSV) | OUT_ALLOW(OUT_JSON) |
			     OUT_ALLOW(OUT_XLSX), &format))
		return EXIT_USAGE;
	if (opts[2].value && (parse_table(opts[2].value, &table, &code) ||
			      (table != TABLE_RATES && table != TABLE_RATES_DEPTS &&
			       table != TABLE_REMINDERS)))
		return usage_error("rates: --table is rates, rates-departements or reminders");
	if (opts[2].value && format != OUT_CSV)
		return usage_error("rates: --table is for --format csv (text, JSON and xlsx "
				   "hold every table)");
	rc = report_load(ctx, period, NULL, 0, &r);
	if (!rc)
		rc = output_open(&o, opts[3].value, 0600);
	if (!rc) {
		if (format == OUT_CSV || format == OUT_XLSX) {
			sheet_out *so;

			/* A workbook holds the three tables, a CSV file one. */
			if ((rc = output_sheet(&o, format, "Remontées", &so)) == 0) {
				rates_write_sheet(so, &r, table);
				if (format == OUT_XLSX && !opts[2].value) {
					rates_write_sheet(so, &r, TABLE_RATES_DEPTS);
					rates_write_sheet(so, &r, TABLE_REMINDERS);
				}
				rc = output_sheet_close(&o, so);
			}
			report_free(&r);
			return rc;
		} else if (format == OUT_JSON) {
			time_format(r.generated, TIME_ISO, when);
			fputs("{\n  \"period\": ", o.f);
			out_json_string(o.f, r.period);
			fputs(", \"generated\": ", o.f);
			out_json_string(o.f, when);
			fputs(",\n", o.f);
			rates_write_json(o.f, &r);
			fputs("\n}\n", o.f);
		} else {
			char label[48];

			fprintf(o.f, "Remontées de %s", period_label(r.period, label, sizeof label));
			fputc('\n', o.f);
			rates_write_text(o.f, &r);
		}
		w = ferror(o.f) ? EOF : 0;
		rc = output_close(&o, w);
	}
	report_free(&r);
	return rc;
}
