/*
 * init.c - `collector init` (a new home: identity, pinned kit, store and
 * the organisation's profile) and `collector request` (the enrollment
 * request the coordinator registers).
 *
 * A home appears whole or not at all: everything is made in a private
 * folder next to the target, which is renamed into place only once the
 * identity, the kit copy and the store are complete.  A failure midway
 * removes that folder, so a second attempt starts from nothing.
 */
#include "collector.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fields.h"
#include "portable.h"
#include "fileio.h"
#include "refdata.h"
#include "store.h"

/* Removes the files of a folder this run created, then the folder. */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (d) {
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				unlinkat(dirfd(d), e->d_name, 0);
		closedir(d);
	}
	rmdir(dir);
}

/* Whether dir holds anything besides . and .. */
static int folder_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int empty = 1;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
			empty = 0;
			break;
		}
	closedir(d);
	return empty;
}

/* The organisation record from the flags of init (its id is made with the
 * store, once the key id is known). */
static int org_from_flags(record *r, const opt *opts, int nopts, int64_t now)
{
	static const char *const names[][2] = {
		{ "org", "name" }, { "kind", "kind" }, { "dept", "dept" },
		{ "email", "email" }, { "phone", "phone" }, { "website", "website" },
		{ "national-id", "national-id" },
	};
	char m[1024];
	size_t i;

	record_blank(r, REC_ORG);
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *v = opt_value(opts, nopts, names[i][0]);

		if (v && field_set(r, field_find(REC_ORG, names[i][1]), v, m, sizeof m) != 0) {
			const char *code = strstr(m, " (name) :");

			/* The field is name, the flag --org: name the flag. */
			if (strcmp(names[i][0], "org") == 0 && code)
				msg("%.*s (--org)%s", (int)(code - m), m, code + 7);
			else
				msg("%s", m);
			return EXIT_REFUSED;
		}
	}
	r->version = 1;
	r->recorded_at = now;
	if (record_check(r, m, sizeof m) != 0) {
		msg("%s", m);
		return EXIT_REFUSED;
	}
	return 0;
}

/* Everything of a new home, made in dir. */
static int build_home(const char *dir, const uint8_t *kitdata, size_t kitlen,
		      const kit *k, record *org, identity **idp, fmt_error *err,
		      char *what, size_t wcap)
{
	char path[PATH_CAP], keyid[KEY_ID_CHARS + 1], num[32];
	identity *id = NULL;
	store *s = NULL;
	int rc, fd;

	if ((rc = keys_generate(&id, err)) != FMT_OK)
		return rc;
	*idp = id;
	if ((rc = path_join(path, dir, "identity.key", err)) ||
	    (rc = keys_save(id, path, err))) {
		snprintf(what, wcap, "identity.key");
		return rc;
	}
	if ((rc = path_join(path, dir, "kit", err)) ||
	    (rc = atomic_write_file(path, kitdata, kitlen, 0600, 1, err))) {
		snprintf(what, wcap, "kit");
		return rc;
	}
	snprintf(what, wcap, "store.db");
	if ((rc = path_join(path, dir, "store.db", err)))
		return rc;
	/* Created empty first, private to its owner; SQLite gives its
	 * journal files the same mode. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return fmt_fail(err, FMT_E_IO, "%s: %s", path, strerror(errno));
	close(fd);
	if ((rc = store_create(&s, path, err)))
		return rc;
	rc = store_begin(s, err);
	keys_id(&id->pub, keyid);
	/* The key id first: the organisation record's id is made from it. */
	if (rc == FMT_OK)
		rc = store_meta_set(s, "collector_key_id", keyid, err);
	if (rc == FMT_OK)
		rc = store_new_id(s, org, err);
	if (rc == FMT_OK)
		rc = store_put(s, org, err);
	keys_id(&k->coord, keyid);
	if (rc == FMT_OK)
		rc = store_meta_set(s, "coordinator_key_id", keyid, err);
	snprintf(num, sizeof num, "%lld", (long long)org->recorded_at);
	if (rc == FMT_OK)
		rc = store_meta_set(s, "created", num, err);
	if (rc == FMT_OK)
		rc = store_commit(s, err);
	else
		store_rollback(s);
	store_close(s);
	return rc;
}

/* The folder holding path, and its last component. */
static int split_path(const char *path, char *parent, size_t pcap, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!slash)
		snprintf(parent, pcap, ".");
	else if (slash == path)
		snprintf(parent, pcap, "/");
	else
		snprintf(parent, pcap, "%.*s", (int)(slash - path), path);
	return **base ? 0 : -1;
}

int cmd_init(cctx *ctx, int argc, char **argv)
{
	opt opts[] = {
		{ "kit", 1, NULL }, { "org", 1, NULL }, { "kind", 1, NULL }, { "dept", 1, NULL },
		{ "email", 1, NULL }, { "phone", 1, NULL }, { "website", 1, NULL },
		{ "national-id", 1, NULL }, { "portable", 0, NULL },
	};
	int nopts = (int)(sizeof opts / sizeof opts[0]);
	char parent[PATH_CAP], tmp[PATH_CAP], what[64] = "", fp[KEY_FINGERPRINT_CHARS + 1];
	const char *kitpath, *base, *missing[4];
	fmt_error err = { 0 };
	uint8_t *kitdata = NULL;
	size_t kitlen = 0;
	identity *id = NULL;
	record *org = NULL;
	struct stat st;
	char *pos[1];
	int npos, rc, i, nmissing = 0;
	int64_t now;
	kit k;

	if ((rc = args_parse("init", argc, argv, opts, nopts, pos, 0, &npos)))
		return rc;
	for (i = 0; i < 4; i++)
		if (!opts[i].value)
			missing[nmissing++] = opts[i].name;
	if (nmissing) {
		char list[128] = "";

		for (i = 0; i < nmissing; i++) {
			strcat(list, i ? ", --" : "--");
			strcat(list, missing[i]);
		}
		return usage_error("init : option%s obligatoire%s manquante%s : %s",
				   nmissing > 1 ? "s" : "", nmissing > 1 ? "s" : "",
				   nmissing > 1 ? "s" : "", list);
	}
	if ((now = shell_now()) < 0)
		return EXIT_USAGE;
	if (opt_value(opts, nopts, "portable") && (rc = portable_use(ctx)))
		return rc;

	/* Refuse before reading anything: an existing home is never touched. */
	if (lstat(ctx->home, &st) == 0) {
		if (path_exists(ctx->db_path) || path_exists(ctx->key_path) ||
		    path_exists(ctx->kit_path)) {
			msg("le dossier de travail %s est déjà initialisé (rien n'a été modifié)",
			    esc(ctx->home));
			return EXIT_ENV;
		}
		if (!S_ISDIR(st.st_mode) || !folder_empty(ctx->home)) {
			msg("%s existe déjà et n'est pas un dossier vide : choisissez un autre "
			    "dossier avec --home (rien n'a été modifié)", esc(ctx->home));
			return EXIT_ENV;
		}
	}

	kitpath = opt_value(opts, nopts, "kit");
	rc = read_file_capped(kitpath, KIT_MAX_BYTES, &kitdata, &kitlen, &err);
	if (rc == FMT_OK)
		rc = kit_read(kitdata, kitlen, &k, &err);
	if (rc != FMT_OK) {
		rc = fail(&err, kitpath);
		free(kitdata);
		return rc;
	}
	if (k.refdata_version > REFDATA_VERSION) {
		msg("%s : ce kit utilise des listes de référence plus récentes (version %u) que "
		    "ce collector (version %d) : mettez collector à jour", esc(kitpath),
		    k.refdata_version, REFDATA_VERSION);
		kit_free(&k);
		free(kitdata);
		return EXIT_REFUSED;
	}

	org = malloc(sizeof *org);
	if (!org) {
		kit_free(&k);
		free(kitdata);
		msg("mémoire insuffisante");
		return EXIT_INTERNAL;
	}
	if ((rc = org_from_flags(org, opts, nopts, now)))
		goto out;

	if (split_path(ctx->home, parent, sizeof parent, &base) != 0) {
		rc = usage_error("init : dossier de travail invalide « %s »", esc(ctx->home));
		goto out;
	}
	if (mkdir_p(parent, 0700, &err) != FMT_OK) {
		rc = fail(&err, parent);
		goto out;
	}
	if (snprintf(tmp, sizeof tmp, "%s/.%s.init-XXXXXX", parent, base) >= (int)sizeof tmp ||
	    !mkdtemp(tmp)) {
		msg("%s : impossible de créer le dossier de travail (%s)", esc(parent),
		    strerror(errno));
		rc = EXIT_IO;
		goto out;
	}
	if (build_home(tmp, kitdata, kitlen, &k, org, &id, &err, what, sizeof what) != FMT_OK) {
		char w[PATH_CAP + 80];

		snprintf(w, sizeof w, "%s (%s)", ctx->home, what);
		rc = fail(&err, w);
		remove_tree(tmp);
		goto out;
	}
	if (rename(tmp, ctx->home) != 0) {
		int e = errno;

		remove_tree(tmp);
		msg("%s : impossible de créer le dossier de travail (%s) ; rien n'a été modifié",
		    esc(ctx->home), e == ENOTEMPTY || e == EEXIST ?
		    "il est apparu entre-temps et n'est pas vide" : strerror(e));
		rc = e == ENOTEMPTY || e == EEXIST ? EXIT_ENV : EXIT_IO;
		goto out;
	}
	/* The new name itself must survive a power cut. */
	{
		int dfd = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}

	printf(_("Poste initialisé : %s\n"), esc(ctx->home));
	printf(_("Organisation : %s\n"), esc(org->u.org.name));
	if (opt_value(opts, nopts, "portable"))
		printf(_("Poste portable : le programme, les données et l'identité de ce poste "
		       "voyagent ensemble ; gardez ce support en lieu sûr.\n"));
	keys_fingerprint(&id->pub, fp);
	printf(_("Empreinte de ce poste : %s\n"), fp);
	keys_fingerprint(&k.coord, fp);
	printf(_("Empreinte du coordinateur (%s) : %s\n"), esc(k.name), fp);
	printf(_("Vérifiez par téléphone avec le coordinateur que son empreinte est bien "
	       "celle-ci, puis envoyez-lui votre demande d'inscription "
	       "(collector request -o demande.request).\n"));
	rc = 0;
out:
	keys_free(id);
	kit_free(&k);
	free(org);
	free(kitdata);
	return rc;
}

int cmd_request(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "o", 1, NULL }, { "output", 1, NULL } };
	const char *out;
	fmt_error err = { 0 };
	identity *id = NULL;
	store *s = NULL;
	uint8_t *data = NULL;
	size_t len = 0;
	request *q = NULL;
	stored *org = NULL;
	const char *what = NULL;
	char *pos[1];
	int npos, rc;
	int64_t now;
	kit k;

	if ((rc = args_parse("request", argc, argv, opts, 2, pos, 0, &npos)))
		return rc;
	out = opts[0].value ? opts[0].value : opts[1].value;
	if (!out)
		return usage_error("request : option -o FICHIER obligatoire "
				   "(par exemple -o demande.request, ou -o - pour la sortie)");
	if (strcmp(out, "-") == 0 && isatty(STDOUT_FILENO))
		return usage_error("request : refus d'écrire un fichier binaire sur le terminal ; "
				   "utilisez -o FICHIER");
	if ((rc = home_ready(ctx, &now, &k)))
		return rc;
	q = calloc(1, sizeof *q);
	org = malloc(sizeof *org);
	if (!q || !org) {
		rc = fmt_fail(&err, FMT_E_NOMEM, "out of memory");
		goto fail;
	}
	what = ctx->db_path;
	if ((rc = store_open(&s, ctx->db_path, &err)) ||
	    (rc = store_org(s, org, &err)))
		goto fail;
	what = ctx->key_path;
	if ((rc = keys_load(&id, ctx->key_path, &err)))
		goto fail;
	what = NULL;
	q->collector = id->pub;
	memcpy(q->coord_sign_pk, k.coord.sign_pk, KEY_SIGN_PK);
	q->created = now;
	q->org = org->rec;
	if ((rc = request_write(id, q, &data, &len, &err)))
		goto fail;
	what = out;
	if ((rc = atomic_write_file(out, data, len, 0644, 0, &err)))
		goto fail;
	if (strcmp(out, "-") != 0)
		msg("demande d'inscription écrite dans %s : envoyez-la au coordinateur "
		    "(%s)", esc(out), esc(k.name));
	rc = 0;
	goto out;
fail:
	rc = fail(&err, what);
out:
	free(data);
	free(q);
	free(org);
	keys_free(id);
	kit_free(&k);
	store_close(s);
	return rc;
}
