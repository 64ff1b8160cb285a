/*
 * main.c - the collector's entry point: global options (--home, --help,
 * --version), the home folder, and dispatch to the commands.
 *
 * The collector is the field worker's tool: it records actions, victim
 * counts and trainings on a laptop without network, and writes them into
 * encrypted bundles for the national coordinator (collector.1).
 */
#include "collector.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fileio.h"
#include "format.h"
#include "os.h"
#include "portable.h"

static const char *const usage_text = N_(
"Utilisation : collector [--home DOSSIER] COMMANDE [OPTIONS]\n"
"\n"
"Commandes :\n"
"  init --kit FICHIER --org NOM --kind TYPE --dept CODE[,CODE...]\n"
"       [--email E] [--phone T] [--website W] [--national-id ID] [--portable]\n"
"                          prépare ce poste avec le kit reçu du coordinateur\n"
"                          (--portable : données dans maillage-data, à côté\n"
"                          du programme, par exemple sur une clé USB)\n"
"  request -o FICHIER      demande d'inscription à envoyer au coordinateur\n"
"  add action --dept D --type T --start DATE [--end DATE] [--public P,...]\n"
"       [--exploitation E,...] [--people N] [--partners TEXTE] [--note TEXTE]\n"
"  add count TABLEAU --period P --dept D --DIMENSION CODE... --count N\n"
"  add support --period P --dept D --status S --exploitation E --sex X\n"
"       --age A --count N       (le tableau victims)\n"
"  add training --date DATE --dept D --audience A,... --participants N\n"
"       [--hours H] [--exploitation E,...] [--note TEXTE]\n"
"                          enregistre une action, un comptage ou une formation\n"
"                          (affiche son identifiant)\n"
"  list [action|training|organisation|TABLEAU|support] [--format text|csv|json]\n"
"  edit ID --CHAMP VALEUR...   modifie un enregistrement (ou l'organisation)\n"
"  delete ID               supprime un enregistrement\n"
"  import [--table TABLEAU] [--check] FICHIER.csv\n"
"                          importe un tableur (en-tête : collector template)\n"
"  tables                  les tableaux du questionnaire et leurs colonnes\n"
"  template TABLEAU [-o FICHIER]  l'en-tête CSV d'un tableur à remplir\n"
"  update --kit FICHIER    nouvelle édition du questionnaire du coordinateur\n"
"  check                   les règles du questionnaire en échec, avec les comptages\n"
"  export -o FICHIER [--full] [--despite-errors --reason TEXTE]\n"
"                          écrit le fichier chiffré pour le coordinateur (refusé\n"
"                          si une règle de gravité « erreur » échoue, sauf\n"
"                          --despite-errors avec la raison)\n"
"  ack ACCUSÉ...           applique les accusés de réception du coordinateur\n"
"  status                  ce qui reste à envoyer, derniers envois et accusés\n"
"  ui [--no-browser]       la fenêtre de saisie dans le navigateur (sans réseau)\n"
"\n"
"Options générales :\n"
"  --home DOSSIER          dossier de travail (sinon $COLLECTOR_HOME, sinon\n"
"                          maillage-data à côté du programme s'il existe,\n"
"                          sinon $XDG_DATA_HOME/maillage/collector)\n"
"  --help                  cette aide\n"
"  --version               version du programme\n"
"\n"
"« - » remplace un fichier par l'entrée ou la sortie standard.\n"
"Codes de sortie : 0 réussi, 1 donnée refusée, 2 mauvaise utilisation,\n"
"3 erreur de lecture/écriture, 4 environnement (dossier de travail absent,\n"
"non initialisé ou déjà initialisé, base occupée), 5 erreur interne.\n"
"Langue : français, ou anglais si LC_ALL, LC_MESSAGES ou LANG commence par « en ».\n"
"Documentation complète : man collector\n");

static const struct {
	const char *name;
	int (*fn)(cctx *, int, char **);
} commands[] = {
	{ "init", cmd_init },
	{ "request", cmd_request },
	{ "add", cmd_add },
	{ "list", cmd_list },
	{ "edit", cmd_edit },
	{ "delete", cmd_delete },
	{ "import", cmd_import },
	{ "export", cmd_export },
	{ "ack", cmd_ack },
	{ "status", cmd_status },
	{ "check", cmd_check },
	{ "tables", cmd_tables },
	{ "template", cmd_template },
	{ "update", cmd_update },
	{ "ui", cmd_ui },
};

/* Whether the command is followed by --help ("collector add --help",
 * "collector add support --help").  Later positions are values: a note
 * may well read "--help". */
static int wants_help(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0))
		return 1;
	return argc > 2 && argv[1][0] != '-' &&
	       (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0);
}

int main(int argc, char **argv)
{
	const char *home_flag = NULL;
	fmt_error err = { 0 };
	cctx ctx;
	size_t c;
	int i = 1, rc;

	/* Secret keys live in this process's memory: no core dump may ever
	 * write them to disk (the hard limit too, so nothing raises it). */
	setrlimit(RLIMIT_CORE, &(struct rlimit){ 0, 0 });
	shell_init("collector", N_("voir collector --help"));
	memset(&ctx, 0, sizeof ctx);
	/* A double click on collector.exe gives no argument: the window,
	 * rather than the usage in a console that closes at once. */
	if (argc == 1 && os_bare_start_is_desktop()) {
		static char *window[] = { NULL, "ui", NULL };

		window[0] = argv[0];
		argc = 2;
		argv = window;
	}
	while (i < argc && argv[i][0] == '-' && argv[i][1]) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(tr(usage_text), stdout);
			return 0;
		}
		if (strcmp(a, "--version") == 0) {
			printf("collector %s\n", MAILLAGE_VERSION);
			return 0;
		}
		if (strcmp(a, "--home") == 0) {
			if (i + 1 >= argc)
				return usage_error("il manque le dossier après --home");
			home_flag = argv[i + 1];
			i += 2;
			continue;
		}
		if (strncmp(a, "--home=", 7) == 0) {
			home_flag = a + 7;
			i++;
			continue;
		}
		return usage_error("option inconnue « %s »", esc(a));
	}
	if (i >= argc) {
		fputs(tr(usage_text), stderr);
		return EXIT_USAGE;
	}
	for (c = 0; c < sizeof commands / sizeof commands[0]; c++)
		if (strcmp(argv[i], commands[c].name) == 0)
			break;
	if (c == sizeof commands / sizeof commands[0])
		return usage_error("commande inconnue « %s »", esc(argv[i]));
	if (wants_help(argc - i, argv + i)) {
		fputs(tr(usage_text), stdout);
		return 0;
	}

	/* A malformed MAILLAGE_NOW is said once, here. */
	if (shell_now() < 0)
		return EXIT_USAGE;
	if (format_init(&err) != FMT_OK)
		return fail(&err, NULL);
	home_flag = portable_resolve(&ctx, argv[0], home_flag);
	if (home_resolve(home_flag, "COLLECTOR_HOME", "collector", ctx.home, &err) != FMT_OK) {
		if (err.code == FMT_E_IO) {
			msg("pas de dossier de travail : utilisez --home DOSSIER ou définissez "
			    "COLLECTOR_HOME");
			return EXIT_ENV;
		}
		return fail(&err, NULL);
	}
	if (path_join(ctx.db_path, ctx.home, "store.db", &err) ||
	    path_join(ctx.key_path, ctx.home, "identity.key", &err) ||
	    path_join(ctx.kit_path, ctx.home, "kit", &err)) {
		msg("%s : chemin trop long", esc(ctx.home));
		return EXIT_USAGE;
	}
	ctx.interactive = isatty(STDIN_FILENO) && isatty(STDERR_FILENO);
	/* What a killed run left half-written in the home. */
	if (path_exists(ctx.db_path))
		atomic_remove_stray(ctx.home);
	rc = commands[c].fn(&ctx, argc - i, argv + i);
	/* Data that did not reach standard output (a full disk, a closed
	 * pipe) is a failure, whichever command printed it. */
	if ((fflush(stdout) != 0 || ferror(stdout)) && rc == 0) {
		msg("sortie standard : erreur d'écriture");
		rc = EXIT_IO;
	}
	return rc;
}
