/*
 * ui.h - the collector's window (`collector ui`): a small web server on
 * 127.0.0.1 that shows pages in the browser of the laptop, in French or,
 * when the locale of `collector ui` asks for it, in English.
 *
 * ui.c is the server: the address, the lock of the home, the browser,
 * the security checks every request passes, the bodies of POST requests.
 * ui_pages.c draws the pages and does what they ask, through the same
 * store functions and commands as the command line.  Both run in the
 * server's one thread, one request at a time.
 */
#ifndef COLLECTOR_UI_H
#define COLLECTOR_UI_H

#include <stddef.h>
#include <stdio.h>

#include "collector.h"

#define UI_FIELDS_MAX 256

/* One field of a POST body (a form field or an uploaded file). */
typedef struct ui_field {
	char name[64];
	char filename[256];          /* "" when not a file */
	char *data;                  /* malloc()ed, NUL-terminated */
	size_t len, cap;
} ui_field;

/* A request as the pages see it. */
typedef struct ui_req {
	const char *path;            /* "/comptages" */
	int post;
	ui_field fields[UI_FIELDS_MAX];
	int nfields;
	void *conn;                  /* for query arguments (ui_arg) */
} ui_req;

/* What a page answers. */
typedef struct ui_resp {
	unsigned status;             /* 200 when 0 */
	char *body;                  /* malloc()ed */
	size_t len;
	const char *type;            /* "text/html; charset=utf-8" when NULL */
	char location[512];          /* a redirection (303) when set */
	char filename[128];          /* sent as an attachment when set */
} ui_resp;

/* The window's state, kept between requests. */
typedef struct ui {
	cctx *ctx;
	unsigned port;
	char csrf[65];               /* carried by every POST */
	int quit;                    /* Quitter was pressed */
	char flash[4096];            /* said on the next page */
	int flash_bad;
	char said[16384];            /* what the commands said (shell_msg_sink) */
	char said_last[2048];        /* the last thing said, kept when said is full */
	unsigned said_dropped;       /* messages that did not fit in said */
	char tmpdir[PATH_CAP];       /* home/ui-XXXXXX: uploads, downloads */
	char pending[PATH_CAP];      /* a checked CSV waiting for its confirmation */
	char pending_table[64];
} ui;

/* Answers one request that passed the checks of ui.c. */
void ui_route(ui *u, ui_req *q, ui_resp *r);

/* A POST field's value ("" when absent) and the field itself (NULL). */
const char *ui_form(const ui_req *q, const char *name);
const ui_field *ui_form_field(const ui_req *q, const char *name, int nth);
/* A query argument ("" when absent). */
const char *ui_arg(const ui_req *q, const char *name);

/* Runs a command of the command line (cmd_export, cmd_ack...) with its
 * messages captured into u->said instead of stderr; returns its exit
 * status. */
int ui_run(ui *u, int (*cmd)(cctx *, int, char **), int argc, const char *const *argv);

/* Text, HTML-escaped, into f. */
void ui_html(FILE *f, const char *s);
/* The pages' language for <html lang>: "fr", or "en" when the program
 * speaks English (docs/TRANSLATION.md). */
const char *ui_lang(void);

/* The embedded files (ui_assets.c, made by tools/embed from collector/ui/). */
extern const unsigned char ui_style_css[], ui_app_js[];
extern const size_t ui_style_css_len, ui_app_js_len;

#endif
