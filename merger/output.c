/*
 * output.c - where a command's data goes, and in which format (output.h).
 */
#include "merger.h"
#include "output.h"

#include <string.h>
#include <unistd.h>

#include "csv.h"

static const char *const format_names[] = { "text", "csv", "json", "html", "xlsx" };
#define NFORMATS ((int)(sizeof format_names / sizeof format_names[0]))

int out_format_parse(const char *cmd, const char *format, int csv_excel, const char *path,
		     unsigned allowed, enum out_format *out)
{
	char list[64] = "";
	int f, n = 0, k = 0;

	*out = csv_excel ? OUT_CSV : OUT_TEXT;
	if (format) {
		for (f = 0; f < NFORMATS; f++)
			if ((allowed & OUT_ALLOW(f)) && strcmp(format, format_names[f]) == 0)
				break;
		if (f == NFORMATS) {
			for (f = 0; f < NFORMATS; f++)
				n += (allowed & OUT_ALLOW(f)) != 0;
			for (f = 0; f < NFORMATS; f++) {
				if (!(allowed & OUT_ALLOW(f)))
					continue;
				k++;
				snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
					 k == 1 ? "" : k == n ? " or " : ", ", format_names[f]);
			}
			return usage_error("%s: --format is %s, not \"%s\"", cmd, list,
					   esc(format));
		}
		*out = (enum out_format)f;
	}
	if (csv_excel && *out != OUT_CSV)
		return usage_error("%s: --csv-excel is a kind of CSV: it does not go with "
				   "--format %s", cmd, format);
	if (csv_excel)
		csv_set_excel(1);
	if (*out == OUT_XLSX && (!path || strcmp(path, "-") == 0))
		return usage_error("%s: --format xlsx writes a workbook into a file: give "
				   "-o FILE.xlsx", cmd);
	return 0;
}

int output_open(output *o, const char *path, int mode)
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

int output_close(output *o, int wrote)
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

void output_abort(output *o)
{
	if (!o->path)
		return;
	fclose(o->f);
	o->f = NULL;
	atomic_abort(&o->af);
}

int output_sheet(output *o, enum out_format format, const char *title, sheet_out **s)
{
	fmt_error err;
	int rc;

	fmt_error_clear(&err);
	/* libxlsxwriter writes the workbook by name: into the temporary
	 * file, which atomic_commit() then renames into place. */
	if (format != OUT_XLSX)
		rc = sheet_open_csv(s, o->f, &err);
	else if (o->path)
		rc = sheet_open_xlsx(s, o->af.tmp, title, shell_now(), &err);
	else
		rc = fmt_fail(&err, FMT_E_IO, _("a workbook is written into a file (-o FILE), "
			      "never to standard output"));
	if (rc) {
		output_abort(o);
		return fail(&err, NULL);
	}
	return 0;
}

int output_sheet_close(output *o, sheet_out *s)
{
	fmt_error err;

	fmt_error_clear(&err);
	if (sheet_close(s, &err)) {
		output_abort(o);
		return fail(&err, o->path);
	}
	return output_close(o, 0);
}
