/*
 * ui.c - `collector ui`: the window's server (ui.h).
 *
 * GNU libmicrohttpd parses HTTP; this file decides who may talk to it.
 * The server listens on 127.0.0.1 only, on a port the system chooses.
 * Anyone on the laptop can reach that port, so every request must prove
 * it comes from the browser this command opened:
 *
 *   - the first address carries a one-time random key (/ouvrir?cle=...);
 *     it gives the browser a session cookie (HttpOnly, SameSite=Strict)
 *     and cannot be used twice;
 *   - every other request must carry that cookie, and a Host header
 *     naming 127.0.0.1 or localhost on this port: a web page elsewhere
 *     that points a name of its own at 127.0.0.1 (DNS rebinding) is
 *     refused;
 *   - every POST carries the page's CSRF key as well, and its Origin,
 *     when the browser sends one, must be this server;
 *   - bodies and uploads are capped; every answer forbids frames, inline
 *     scripts and anything not from this server (Content-Security-Policy).
 *
 * One window per home: home/ui.lock is held (flock, LockFileEx on Windows) while the window is
 * open and says its address, for a second `collector ui` to tell.
 */
#include "ui.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "os.h"
#include "textout.h"

#ifdef MAILLAGE_MHD_DLOPEN
/* In the ordinary (dynamic) build, libmicrohttpd is loaded when the window
 * opens, not when the program starts: Debian's copy brings GnuTLS and
 * eight more libraries, whose loading cost every other command about
 * 9 ms (hyperfine, `collector --version`: 11.8 ms against 3.0 ms for the
 * static program).  The static and Windows programs link their own copy
 * and do not define MAILLAGE_MHD_DLOPEN.  The calls below go through this
 * table under their usual names. */
#include <dlfcn.h>
#include <stddef.h>

static struct {
	__typeof__(MHD_start_daemon) *start_daemon;
	__typeof__(MHD_stop_daemon) *stop_daemon;
	__typeof__(MHD_get_daemon_info) *get_daemon_info;
	__typeof__(MHD_lookup_connection_value) *lookup_connection_value;
	__typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
	__typeof__(MHD_add_response_header) *add_response_header;
	__typeof__(MHD_queue_response) *queue_response;
	__typeof__(MHD_destroy_response) *destroy_response;
	__typeof__(MHD_create_post_processor) *create_post_processor;
	__typeof__(MHD_post_process) *post_process;
	__typeof__(MHD_destroy_post_processor) *destroy_post_processor;
} mhd;

#define MHD_start_daemon mhd.start_daemon
#define MHD_stop_daemon mhd.stop_daemon
#define MHD_get_daemon_info mhd.get_daemon_info
#define MHD_lookup_connection_value mhd.lookup_connection_value
#define MHD_create_response_from_buffer mhd.create_response_from_buffer
#define MHD_add_response_header mhd.add_response_header
#define MHD_queue_response mhd.queue_response
#define MHD_destroy_response mhd.destroy_response
#define MHD_create_post_processor mhd.create_post_processor
#define MHD_post_process mhd.post_process
#define MHD_destroy_post_processor mhd.destroy_post_processor

/* Loads the library and fills the table; 0, or -1 after a message. */
static int mhd_load(void)
{
	static const struct { const char *name; size_t off; } syms[] = {
#define SYM(f) { "MHD_" #f, offsetof(__typeof__(mhd), f) }
		SYM(start_daemon), SYM(stop_daemon), SYM(get_daemon_info),
		SYM(lookup_connection_value), SYM(create_response_from_buffer),
		SYM(add_response_header), SYM(queue_response), SYM(destroy_response),
		SYM(create_post_processor), SYM(post_process), SYM(destroy_post_processor),
#undef SYM
	};
	void *h = dlopen("libmicrohttpd.so.12", RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		msg("la fenêtre a besoin de la bibliothèque libmicrohttpd, introuvable ou inutilisable "
		    "(paquet Debian libmicrohttpd12) : %s", dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof syms / sizeof syms[0]; i++) {
		void *f = dlsym(h, syms[i].name);

		if (!f) {
			msg("la bibliothèque libmicrohttpd n'a pas %s : installez le paquet "
			    "Debian libmicrohttpd12", syms[i].name);
			return -1;
		}
		/* POSIX: a function's address comes back as a void *. */
		memcpy((char *)&mhd + syms[i].off, &f, sizeof f);
	}
	return 0;
}
#else
static int mhd_load(void)
{
	return 0;
}
#endif

/* A form is a few KiB; an upload (a CSV, a receipt) at most this. */
#define UI_FORM_MAX   (64u << 10)
#define UI_UPLOAD_MAX (16u << 20)

/* The cookie's name carries the port: browsers keep cookies by host, not
 * by port, and two windows (two homes) may be open at once. */
#define SESSION_COOKIE "maillage_session_%u"

/* The secrets of the window: the one-time key of the first address and
 * the session the browser gets for it.  In sodium's guarded memory. */
typedef struct secrets {
	char open_key[65];
	char session[65];
	int opened;                  /* the one-time key was used */
} secrets;

typedef struct server {
	ui u;
	secrets *sec;
	char host_ip[32], host_name[32];   /* "127.0.0.1:PORT", "localhost:PORT" */
	char origin_ip[48], origin_name[48];
} server;

/* Per-request state, from the first call of the handler to the last. */
typedef struct conn_state {
	ui_req q;
	struct MHD_PostProcessor *pp;
	size_t total;
	int refused;                 /* an answer is already queued */
} conn_state;

static void random_hex(char out[65])
{
	unsigned char b[32];

	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, 65, b, sizeof b);
	sodium_memzero(b, sizeof b);
}

/* Compares two hex keys of 64 characters in constant time. */
static int key_equal(const char *given, const char *key)
{
	return given && strlen(given) == 64 && sodium_memcmp(given, key, 64) == 0;
}

void ui_html(FILE *f, const char *s)
{
	out_html(f, s ? s : "");
}

const char *ui_lang(void)
{
	return shell_lang() == LANG_EN ? "en" : "fr";
}

const ui_field *ui_form_field(const ui_req *q, const char *name, int nth)
{
	for (int i = 0; i < q->nfields; i++)
		if (strcmp(q->fields[i].name, name) == 0 && nth-- == 0)
			return &q->fields[i];
	return NULL;
}

const char *ui_form(const ui_req *q, const char *name)
{
	const ui_field *f = ui_form_field(q, name, 0);

	return f && f->data ? f->data : "";
}

const char *ui_arg(const ui_req *q, const char *name)
{
	const char *v = MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);

	return v ? v : "";
}

/* ---- messages of the commands -------------------------------------------- */

static void said(void *ctx, const char *line)
{
	ui *u = ctx;
	size_t n = strlen(u->said);

	/* Room is kept for the last message (an import's summary) and the
	 * count of those left out. */
	if (!u->said_dropped && n + strlen(line) + 2 + sizeof u->said_last + 64 < sizeof u->said)
		snprintf(u->said + n, sizeof u->said - n, "%s\n", line);
	else
		u->said_dropped++;
	snprintf(u->said_last, sizeof u->said_last, "%s", line);
}

int ui_run(ui *u, int (*cmd)(cctx *, int, char **), int argc, const char *const *argv)
{
	char *args[16];
	int rc;

	if (argc > 15)
		argc = 15;
	for (int i = 0; i < argc; i++)
		args[i] = (char *)argv[i];
	args[argc] = NULL;
	u->said[0] = '\0';
	u->said_dropped = 0;
	shell_msg_sink(said, u);
	rc = cmd(u->ctx, argc, args);
	shell_msg_sink(NULL, NULL);
	if (u->said_dropped > 1) {
		size_t n = strlen(u->said);

		snprintf(u->said + n, sizeof u->said - n, _("… et %u autres messages\n%s\n"),
			 u->said_dropped - 1, u->said_last);
	} else if (u->said_dropped) {
		size_t n = strlen(u->said);

		snprintf(u->said + n, sizeof u->said - n, "%s\n", u->said_last);
	}
	fflush(stdout);
	return rc;
}

/* ---- answers --------------------------------------------------------------- */

static enum MHD_Result send_resp(struct MHD_Connection *c, ui_resp *r, const char *cookie)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	unsigned status = r->status ? r->status : 200;
	char disp[256];

	if (r->location[0])
		status = 303;
	resp = MHD_create_response_from_buffer(r->len, r->body ? r->body : (void *)"",
					       r->body ? MHD_RESPMEM_MUST_FREE :
					       MHD_RESPMEM_PERSISTENT);
	if (!resp) {
		free(r->body);
		return MHD_NO;
	}
	r->body = NULL;
	MHD_add_response_header(resp, "Content-Type",
				r->type ? r->type : "text/html; charset=utf-8");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"img-src 'self'; connect-src 'self'; form-action 'self'; "
				"frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	/* same-origin, not no-referrer: with no-referrer, browsers send
	 * "Origin: null" on the window's own forms. */
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Cross-Origin-Opener-Policy", "same-origin");
	MHD_add_response_header(resp, "Cross-Origin-Resource-Policy", "same-origin");
	if (r->location[0])
		MHD_add_response_header(resp, "Location", r->location);
	if (r->filename[0]) {
		snprintf(disp, sizeof disp, "attachment; filename=\"%s\"", r->filename);
		MHD_add_response_header(resp, "Content-Disposition", disp);
	}
	if (cookie)
		MHD_add_response_header(resp, "Set-Cookie", cookie);
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* A refusal: a short page, nothing else. */
static enum MHD_Result refuse(struct MHD_Connection *c, unsigned status, const char *why)
{
	ui_resp r = { .status = status };
	FILE *f = open_memstream(&r.body, &r.len);

	if (!f)
		return MHD_NO;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">"
		"<title>", ui_lang());
	ui_html(f, _("Maillage : refusé"));
	fputs("</title><link rel=\"stylesheet\" href=\"/style.css\"></head><body><main><h1>", f);
	ui_html(f, _("Refusé"));
	fputs("</h1><p>", f);
	ui_html(f, why);
	fputs("</p></main></body></html>\n", f);
	if (fclose(f) != 0)
		return MHD_NO;
	return send_resp(c, &r, NULL);
}

/* ---- the checks ----------------------------------------------------------- */

static const char *header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

static int host_ok(const server *sv, struct MHD_Connection *c)
{
	const char *h = header(c, MHD_HTTP_HEADER_HOST);

	return h && (strcmp(h, sv->host_ip) == 0 || strcmp(h, sv->host_name) == 0);
}

static int origin_ok(const server *sv, struct MHD_Connection *c)
{
	const char *o = header(c, "Origin");

	return !o || strcmp(o, sv->origin_ip) == 0 || strcmp(o, sv->origin_name) == 0;
}

/* The one-time address: gives the session cookie and goes home. */
static enum MHD_Result open_window(server *sv, struct MHD_Connection *c)
{
	const char *key = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cle");
	char cookie[160];
	ui_resp r = { 0 };

	if (sv->sec->opened || !key_equal(key, sv->sec->open_key))
		return refuse(c, 403, _("Cette adresse d'ouverture n'est plus valable (elle ne "
					"sert qu'une fois) ou elle est fausse. Fermez la fenêtre avec "
					"Ctrl-C dans son terminal et relancez collector ui."));
	sv->sec->opened = 1;
	sodium_memzero(sv->sec->open_key, sizeof sv->sec->open_key);
	snprintf(cookie, sizeof cookie, SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict",
		 sv->u.port, sv->sec->session);
	snprintf(r.location, sizeof r.location, "/");
	return send_resp(c, &r, cookie);
}

static int session_ok(const server *sv, struct MHD_Connection *c)
{
	char name[64];
	const char *v;

	snprintf(name, sizeof name, SESSION_COOKIE, sv->u.port);
	v = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, name);

	return sv->sec->opened && key_equal(v, sv->sec->session);
}

/* ---- bodies ----------------------------------------------------------------- */

static enum MHD_Result post_field(void *cls, enum MHD_ValueKind kind, const char *key,
				  const char *filename, const char *content_type,
				  const char *transfer_encoding, const char *data, uint64_t off,
				  size_t size)
{
	conn_state *cs = cls;
	ui_req *q = &cs->q;
	ui_field *f = q->nfields ? &q->fields[q->nfields - 1] : NULL;
	char *np;

	/* A new field, or the next piece of the last one. */
	if (!f || off == 0 || strcmp(f->name, key) != 0) {
		if (q->nfields == UI_FIELDS_MAX || strlen(key) >= sizeof f->name)
			return MHD_NO;
		f = &q->fields[q->nfields++];
		memset(f, 0, sizeof *f);
		snprintf(f->name, sizeof f->name, "%s", key);
		if (filename) {
			/* Only the last part of the name a browser gives. */
			const char *b = strrchr(filename, '/');

			b = b ? b + 1 : filename;
			if (strrchr(b, '\\'))
				b = strrchr(b, '\\') + 1;
			snprintf(f->filename, sizeof f->filename, "%s", b);
		}
		if (!(f->data = calloc(1, 1)))
			return MHD_NO;
		f->cap = 1;
	}
	if (size == 0)
		return MHD_YES;
	if (f->len + size + 1 > f->cap) {
		/* Doubling: an upload comes in many small pieces. */
		size_t cap = f->cap * 2 > f->len + size + 1 ? f->cap * 2 : f->len + size + 1;

		if (!(np = realloc(f->data, cap)))
			return MHD_NO;
		f->data = np;
		f->cap = cap;
	}
	memcpy(f->data + f->len, data, size);
	f->len += size;
	f->data[f->len] = '\0';
	return MHD_YES;
}

static void free_state(conn_state *cs)
{
	if (!cs)
		return;
	if (cs->pp)
		MHD_destroy_post_processor(cs->pp);
	for (int i = 0; i < cs->q.nfields; i++) {
		if (cs->q.fields[i].data)
			sodium_memzero(cs->q.fields[i].data, cs->q.fields[i].len);
		free(cs->q.fields[i].data);
	}
	free(cs);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	free_state(*con_cls);
	*con_cls = NULL;
}

static int is_upload(struct MHD_Connection *c)
{
	const char *t = header(c, MHD_HTTP_HEADER_CONTENT_TYPE);

	return t && strncasecmp(t, "multipart/form-data", 19) == 0;
}

/* ---- the handler ------------------------------------------------------------ */

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	server *sv = cls;
	conn_state *cs = *con_cls;
	int post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
	ui_resp r = { 0 };

	if (!cs) {
		const char *len = header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);
		size_t cap = is_upload(c) ? UI_UPLOAD_MAX : UI_FORM_MAX;

		if (!(cs = calloc(1, sizeof *cs)))
			return MHD_NO;
		*con_cls = cs;
		/* Who asks, before anything is read. */
		if (!host_ok(sv, c))
			return refuse(c, 403, _("Adresse refusée : la fenêtre de Maillage ne "
						"répond qu'à 127.0.0.1 et localhost."));
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
		    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0 && !post)
			return refuse(c, 405, _("Méthode refusée."));
		if (strcmp(url, "/ouvrir") == 0 && !post)
			return open_window(sv, c);
		if (strcmp(url, "/style.css") != 0 && !session_ok(sv, c))
			return refuse(c, 403, _("Accès refusé : ouvrez la fenêtre avec l'adresse "
						"que donne collector ui (elle ne sert qu'une "
						"fois)."));
		if (!post)
			goto answer;
		if (!origin_ok(sv, c))
			return refuse(c, 403, _("Formulaire refusé : il ne vient pas de cette "
						"fenêtre."));
		if (len && strtoull(len, NULL, 10) > cap)
			return refuse(c, 413, is_upload(c) ?
				      _("Fichier trop gros (16 Mo au plus).") :
				      _("Formulaire trop long."));
		cs->pp = MHD_create_post_processor(c, 16384, post_field, cs);
		if (!cs->pp)
			return refuse(c, 400, _("Formulaire illisible."));
		return MHD_YES;
	}
	if (post && *upload_size) {
		size_t cap = is_upload(c) ? UI_UPLOAD_MAX : UI_FORM_MAX;

		cs->total += *upload_size;
		/* Past the cap, or a body the post processor could not read:
		 * the connection is closed, nothing was done. */
		if (cs->total > cap || MHD_post_process(cs->pp, upload, *upload_size) != MHD_YES)
			return MHD_NO;
		*upload_size = 0;
		return MHD_YES;
	}
	if (post && !key_equal(ui_form(&cs->q, "csrf"), sv->u.csrf))
		return refuse(c, 403, _("Formulaire refusé : il ne vient pas de cette fenêtre "
					"(rechargez la page et recommencez)."));
answer:
	if (strcmp(url, "/style.css") == 0 || strcmp(url, "/app.js") == 0) {
		int css = url[1] == 's';

		r.type = css ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
		r.len = css ? ui_style_css_len : ui_app_js_len;
		if (!(r.body = malloc(r.len + 1)))
			return MHD_NO;
		memcpy(r.body, css ? ui_style_css : ui_app_js, r.len);
		return send_resp(c, &r, NULL);
	}
	if (strcmp(url, "/favicon.ico") == 0) {
		r.status = 204;
		return send_resp(c, &r, NULL);
	}
	cs->q.path = url;
	cs->q.post = post;
	cs->q.conn = c;
	ui_route(&sv->u, &cs->q, &r);
	if (sv->u.quit)
		/* The main thread waits for it (os_stop_wait). */
		os_stop();
	return send_resp(c, &r, NULL);
}

/* ---- the browser ------------------------------------------------------------ */

/* Opens url in the default browser (os_open_url: xdg-open, or
 * ShellExecuteW on Windows).  0, or -1 when it could not be started. */
static int open_browser(const char *url)
{
	return os_open_url(url);
}

/* ---- the command ------------------------------------------------------------ */

/* Holds home/ui.lock.  When another window holds it, says where that one
 * is and returns EXIT_ENV.  *fd stays open while the window is. */
static int take_lock(const cctx *ctx, char *path, size_t cap, int *fd)
{
	char other[256] = "";
	ssize_t n;

	snprintf(path, cap, "%s/ui.lock", ctx->home);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (*fd < 0) {
		msg("%s : %s", esc(path), strerror(errno));
		return EXIT_IO;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	n = pread(*fd, other, sizeof other - 1, 0);
	other[n > 0 ? n : 0] = '\0';
	other[strcspn(other, "\n")] = '\0';
	close(*fd);
	*fd = -1;
	msg("la fenêtre de ce dossier de travail est déjà ouverte%s%s (retrouvez-la dans le "
	    "navigateur, ou fermez-la avec son bouton Quitter ou Ctrl-C)",
	    other[0] ? _(" à l'adresse ") : "", esc(other));
	return EXIT_ENV;
}

/* Empties and removes the window's folder (files only: it holds no
 * folder). */
static void remove_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_CAP + 300];

	while (d && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

int cmd_ui(cctx *ctx, int argc, char **argv)
{
	opt opts[] = { { "no-browser", 0, NULL } };
	char *pos[1], lock_path[PATH_CAP + 16], url[256], real[PATH_CAP];
	struct sockaddr_in sa;
	struct MHD_Daemon *d = NULL;
	const union MHD_DaemonInfo *info;
	server *sv = NULL;
	fmt_error err = { 0 };
	int npos, rc, lock = -1;

	if ((rc = args_parse("ui", argc, argv, opts, 1, pos, 0, &npos)))
		return rc;
	if ((rc = check_home(ctx)))
		return rc;
	if (shell_now() < 0)
		return EXIT_USAGE;
	if (mhd_load() != 0)
		return EXIT_ENV;
	/* The pages change folder for a moment (uploads keep their names in
	 * messages): the home's paths must not depend on it. */
	if (!realpath(ctx->home, real) || path_join(ctx->home, real, "", &err) ||
	    path_join(ctx->db_path, real, "store.db", &err) ||
	    path_join(ctx->key_path, real, "identity.key", &err) ||
	    path_join(ctx->kit_path, real, "kit", &err)) {
		msg("%s : chemin illisible ou trop long", esc(ctx->home));
		return EXIT_ENV;
	}
	snprintf(ctx->home, sizeof ctx->home, "%s", real);
	ctx->interactive = 0;
	if ((rc = take_lock(ctx, lock_path, sizeof lock_path, &lock)))
		return rc;
	sv = calloc(1, sizeof *sv);
	if (!sv || !(sv->sec = sodium_malloc(sizeof *sv->sec))) {
		msg("mémoire insuffisante");
		rc = EXIT_INTERNAL;
		goto out;
	}
	memset(sv->sec, 0, sizeof *sv->sec);
	random_hex(sv->sec->open_key);
	random_hex(sv->sec->session);
	random_hex(sv->u.csrf);
	sv->u.ctx = ctx;
	if (snprintf(sv->u.tmpdir, sizeof sv->u.tmpdir, "%s/ui-XXXXXX", ctx->home) >=
	    (int)sizeof sv->u.tmpdir || !mkdtemp(sv->u.tmpdir)) {
		msg("%s : impossible de créer le dossier de travail de la fenêtre (%s)",
		    esc(ctx->home), strerror(errno));
		sv->u.tmpdir[0] = '\0';
		rc = EXIT_IO;
		goto out;
	}

	/* Ctrl-C is waited for by this thread: prepared before the
	 * server's thread starts (POSIX signal masks are inherited). */
	if (os_stop_prepare() != 0) {
		msg("la fenêtre n'a pas pu démarrer (Ctrl-C ne pourrait pas l'arrêter)");
		rc = EXIT_ENV;
		goto out;
	}

	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_port = 0;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL, handle, sv,
			     MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
			     MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			     MHD_OPTION_CONNECTION_LIMIT, (unsigned)32,
			     MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
			     MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64u << 10),
			     MHD_OPTION_END);
	if (!d || !(info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)) ||
	    !info->port) {
		msg("la fenêtre n'a pas pu démarrer (aucun port libre sur 127.0.0.1 ?)");
		rc = EXIT_ENV;
		goto out;
	}
	sv->u.port = info->port;
	snprintf(sv->host_ip, sizeof sv->host_ip, "127.0.0.1:%u", sv->u.port);
	snprintf(sv->host_name, sizeof sv->host_name, "localhost:%u", sv->u.port);
	snprintf(sv->origin_ip, sizeof sv->origin_ip, "http://127.0.0.1:%u", sv->u.port);
	snprintf(sv->origin_name, sizeof sv->origin_name, "http://localhost:%u", sv->u.port);

	/* The lock says where the window is, without its key. */
	{
		char line[128];
		int n = snprintf(line, sizeof line, "http://127.0.0.1:%u/\n", sv->u.port);

		if (ftruncate(lock, 0) != 0 || pwrite(lock, line, (size_t)n, 0) != n) {
			msg("%s : %s", esc(lock_path), strerror(errno));
			rc = EXIT_IO;
			goto out;
		}
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%u/ouvrir?cle=%s", sv->u.port,
		 sv->sec->open_key);
	if (opts[0].value) {
		printf("%s\n", url);
		fflush(stdout);
		msg("fenêtre prête : ouvrez l'adresse ci-dessus dans le navigateur de ce poste "
		    "(elle ne sert qu'une fois) ; Ctrl-C pour arrêter");
	} else if (open_browser(url) != 0) {
		msg("le navigateur n'a pas pu être ouvert ; ouvrez cette adresse (elle ne sert "
		    "qu'une fois) : %s", url);
	} else {
		msg("fenêtre ouverte dans le navigateur ; Ctrl-C ou le bouton Quitter pour "
		    "arrêter");
	}
	sodium_memzero(url, sizeof url);

	os_stop_wait();
	/* The goodbye page of Quitter has been queued: let it leave, and the
	 * browser's own requests after it (its icon) find the window. */
	if (sv->u.quit) {
		struct timespec ts = { 1, 0 };

		nanosleep(&ts, NULL);
	}
	msg("fenêtre fermée");
	rc = 0;
out:
	if (d)
		MHD_stop_daemon(d);
	if (sv && sv->u.tmpdir[0])
		remove_tree(sv->u.tmpdir);
	if (sv)
		sodium_free(sv->sec);
	free(sv);
	if (lock >= 0) {
		if (ftruncate(lock, 0) != 0) {
			/* Harmless: the next window rewrites it. */
		}
		close(lock);
	}
	return rc;
}
