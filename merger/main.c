/*
 * main.c - the merger's entry point: global options (--home, --help,
 * --version), the home folder, libsodium, and dispatch to the command
 * files.  Each command parses its own options and returns the exit status
 * documented in merger.1.
 */
#include "merger.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"

static const char *const usage_text = N_(
	"usage: merger [--home DIR] COMMAND [ARGS...]\n"
	"\n"
	"The coordinator's program: validates the bundles sent by field collectors\n"
	"and merges them into the national diagnostic database.\n"
	"\n"
	"Commands:\n"
	"  init [--name TEXT]                    create the home: national database, keys\n"
	"  kit -o FILE                           write the kit for field collectors\n"
	"  questionnaire check|publish DIR | show [--format text|csv|json]\n"
	"                                        what the field counts (tables.csv, lists.csv)\n"
	"  enroll [--yes] [--org ID | --new-org] REQUEST...\n"
	"                                        register collectors from their requests\n"
	"  revoke KEY-ID                         refuse every later bundle of that key\n"
	"  collectors [--format text|csv|json|xlsx] [-o FILE]\n"
	"                                        enrolled collectors and their last bundle\n"
	"  verify BUNDLE...                      full check, no change to the database\n"
	"  merge [--receipts DIR] BUNDLE...|DIR  check and merge; refused files go to quarantine\n"
	"  report [--period P] [--format text|csv|json|html|xlsx] [-o FILE] [--public]\n"
	"                                        the national diagnostic (--csv-excel: CSV\n"
	"                                        for a French Excel, also for directory\n"
	"                                        and collectors)\n"
	"  gaps [--period P]                     départements with no victim support\n"
	"  directory [--dept CODE] [--format text|csv|json|xlsx] [-o FILE]\n"
	"                                        who does what, per département\n"
	"  deadline [PERIOD DATE]                set (or list) the deadline of a period's return\n"
	"  rates [--period P] [--format text|csv|json|xlsx]\n"
	"                                        who sent the period's return, on time or late\n"
	"  quality [--period P] [--format text|csv|json]\n"
	"                                        failed rules, outliers, bundles sent despite errors\n"
	"  export --format dhis2-json|dhis2-csv|adx|eurostat|csv|mapping [--period P]\n"
	"         [--dept CODE] [-o FILE] [--public]\n"
	"                                        the aggregate in exchange formats\n"
	"  history [--org ID] [--dept CODE] [--period P] [--format text|csv|json]\n"
	"                                        every change of a count: from, to, who, when\n"
	"  backup -o FILE [--passphrase-fd N]    keys and database in one encrypted file\n"
	"  restore FILE --home DIR [--passphrase-fd N]\n"
	"                                        a new home from a backup\n"
	"\n"
	"Options:\n"
	"  --home DIR    home folder (default: $MERGER_HOME, else\n"
	"                $XDG_DATA_HOME/maillage/merger or ~/.local/share/maillage/merger)\n"
	"  --help        this help\n"
	"  --version     the version\n"
	"\n"
	"Exit status: 0 ok, 1 input refused, 2 usage, 3 input/output,\n"
	"4 environment (home not or already initialised, database busy or newer), 5 internal.\n"
	"Language: French, or English when LC_ALL, LC_MESSAGES or LANG starts with \"en\".\n"
	"See merger(1).\n");

static const struct command {
	const char *name;
	int (*run)(merger_ctx *ctx, int argc, char **argv);
} commands[] = {
	{ "init", cmd_init },
	{ "kit", cmd_kit },
	{ "enroll", cmd_enroll },
	{ "revoke", cmd_revoke },
	{ "collectors", cmd_collectors },
	{ "verify", cmd_verify },
	{ "merge", cmd_merge },
	{ "report", cmd_report },
	{ "gaps", cmd_gaps },
	{ "directory", cmd_directory },
	{ "questionnaire", cmd_questionnaire },
	{ "deadline", cmd_deadline },
	{ "rates", cmd_rates },
	{ "export", cmd_export },
	{ "history", cmd_history },
	{ "backup", cmd_backup },
	{ "restore", cmd_restore },
	{ "quality", cmd_quality },
};

int main(int argc, char **argv)
{
	const char *home_flag = NULL;
	merger_ctx ctx;
	fmt_error err;
	int i, rc;

	/* The coordinator's secret key lives in this process's memory: no
	 * core dump may ever write it to disk (the hard limit too, so nothing
	 * raises it). */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	shell_init("merger", N_("see merger --help"));
	fmt_error_clear(&err);
	/* Global options come before the command; the command's own options
	 * after it belong to the command. */
	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(tr(usage_text), stdout);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			printf("merger %s\n", MAILLAGE_VERSION);
			return 0;
		} else if (strcmp(a, "--home") == 0) {
			if (i + 1 >= argc)
				return usage_error("option --home needs a folder");
			home_flag = argv[++i];
		} else if (strncmp(a, "--home=", 7) == 0) {
			home_flag = a + 7;
		} else {
			return usage_error("unknown option %s", a);
		}
	}
	if (i >= argc) {
		fputs(tr(usage_text), stderr);
		return EXIT_USAGE;
	}
	if (home_flag && !*home_flag)
		return usage_error("option --home needs a folder");
	if (strcmp(argv[i], "help") == 0) {
		fputs(tr(usage_text), stdout);
		return 0;
	}

	for (size_t c = 0; c < sizeof commands / sizeof commands[0]; c++) {
		if (strcmp(argv[i], commands[c].name) != 0)
			continue;
		memset(&ctx, 0, sizeof ctx);
		if (home_resolve(home_flag, "MERGER_HOME", "merger", ctx.home, &err) ||
		    path_join(ctx.db_path, ctx.home, "national.db", &err) ||
		    path_join(ctx.key_path, ctx.home, "coordinator.key", &err))
			return fail(&err, NULL);
		ctx.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
		/* What a killed run left half-written in the home's folders. */
		if (path_exists(ctx.db_path)) {
			static const char *const owned[] = { ".", "receipts", "quarantine" };
			char dir[PATH_CAP];

			for (size_t d = 0; d < sizeof owned / sizeof owned[0]; d++)
				if (path_join(dir, ctx.home, owned[d], NULL) == FMT_OK)
					atomic_remove_stray(dir);
		}
		/* A malformed MAILLAGE_NOW is said once, here. */
		if (shell_now() < 0)
			return EXIT_USAGE;
		if (format_init(&err))
			return fail(&err, NULL);
		rc = commands[c].run(&ctx, argc - i, argv + i);
		/* Data that did not reach standard output (a full disk, a
		 * closed pipe) is a failure, whichever command printed it. */
		if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
			msg("standard output: write error");
			rc = 3;
		}
		return rc;
	}
	return usage_error("unknown command \"%s\"", argv[i]);
}
