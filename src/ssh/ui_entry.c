/*
 * ui_entry.c: "mabdesk ui", the UI template, and the application inside
 * an SSH session's pty that it forks for each session (ui_template.c).
 *
 * The identity comes only from the session process's request, sent on the
 * template's socket (TEMPLATE_FD) after authentication; never from the
 * environment or the command line, which a client may influence.  The
 * request is read only in the child forked for it.  Neither the template
 * nor a UI ever holds the host key or the client's socket.
 */
#include "ssh/serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "db/db.h"
#include "db/user.h"
#include "i18n.h"
#include "screens.h"
#include "ssh/serve_internal.h"
#include "util.h"

struct handover {
    struct session s;
    int idle;
    int max;
};

/* Parse "key=value" lines; 0, or -1 with *err. */
static int parse_handover(char *text, struct handover *h, char **err)
{
    int have_user = 0, have_role = 0;
    char *save = NULL;

    memset(h, 0, sizeof *h);
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        char *eq = strchr(line, '='), *end;
        const char *val;

        if (eq == NULL)
            continue;
        *eq = '\0';
        val = eq + 1;
        if (strcmp(line, "user") == 0 && *val != '\0' && strlen(val) < sizeof h->s.user) {
            snprintf(h->s.user, sizeof h->s.user, "%s", val);
            have_user = 1;
        } else if (strcmp(line, "role") == 0) {
            have_role = auth_role_parse(val, &h->s.role) == 0;
        } else if (strcmp(line, "municipality") == 0) {
            h->s.municipality_id = strtoll(val, &end, 10);
        } else if (strcmp(line, "idle") == 0) {
            h->idle = (int)strtol(val, &end, 10);
        } else if (strcmp(line, "max") == 0) {
            h->max = (int)strtol(val, &end, 10);
        }
    }
    if (!have_user || !have_role) {
        *err = xstrdup(_("the session's identity is incomplete"));
        return -1;
    }
    return 0;
}

/* 1 when fd is what the listener leaves the template: its end of an
 * AF_UNIX SOCK_SEQPACKET socket pair. */
static int is_template_socket(int fd)
{
    int type = 0, domain = 0;
    socklen_t len = sizeof type;

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_SEQPACKET)
        return 0;
    len = sizeof domain;
    return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX;
}

/* What every UI would otherwise load for itself, loaded once here to be
 * shared: both catalogues.  Nothing of a session, and no SQLite
 * connection (not to be used across fork()). */
static void preload(void)
{
    i18n_set_lang("bn");
    (void)_("Directory");
    i18n_set_lang("en");
}

/* In the UI: the pty as the controlling terminal on 0, 1 and 2, and no
 * other descriptor of the template's.  0, or -1 with *err. */
static int take_terminal(int tty, char **err)
{
    if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) != 0) {
        *err = xasprintf("cannot take the session's terminal: %s", strerror(errno));
        return -1;
    }
    closelog();
    dup2(tty, 0);
    dup2(tty, 1);
    dup2(tty, 2);
    close_range(3, ~0U, 0);
    return 0;
}

/* The request's environment in place of the template's; the language
 * ("" for the locale's) and the identity from it. */
static int take_request(struct ui_request *r, struct handover *h, char **lang, char **err)
{
    char *end = r->text + r->len, *identity = r->text, *p;

    p = identity + strlen(identity) + 1;
    if (p >= end) {
        *err = xstrdup(_("the session's identity is missing"));
        return -1;
    }
    *lang = *p != '\0' ? p : NULL;
    clearenv();
    for (p += strlen(p) + 1; p < end; p += strlen(p) + 1) {
        char *eq = strchr(p, '=');

        if (eq != NULL && eq != p) {
            *eq = '\0';
            setenv(p, eq + 1, 1);
            *eq = '=';
        }
    }
    i18n_reset(*lang);
    return parse_handover(identity, h, err);
}

/* In the UI forked for one session: to the end of that session. */
static int run_ui(const char *db_path, struct ui_request *r, char **err)
{
    struct handover h;
    struct app_options o = {0};
    struct db *db = NULL;
    char *saved_lang = NULL, *lang = NULL;
    int rc, saved_lean = -1;

    if (take_terminal(r->tty, err) != 0 || take_request(r, &h, &lang, err) != 0)
        return DB_DENIED;
    openlog("mabdesk", LOG_PID, LOG_AUTH);
    rc = db_open(&db, db_path, &h.s, err);
    if (rc != DB_OK) {
        syslog(LOG_ERR, "%s", *err);
        return rc;
    }
    if (db_read_only_reason(db) != NULL && !auth_read_only(&h.s))
        syslog(LOG_WARNING, "changes by %s cannot be saved: %s", h.s.user, db_read_only_reason(db));
    o.lang = lang;
    /* What the account chose last time comes before the server's default. */
    if (db_user_prefs(db, &saved_lang, &saved_lean, NULL) == DB_OK) {
        if (*saved_lang != '\0')
            o.lang = saved_lang;
        o.lean = saved_lean == 1;
    }
    o.kiosk = h.s.role == ROLE_KIOSK;
    o.idle_timeout = h.idle;
    o.idle_exit = 1;
    o.remote = 1;
    o.max_session = h.max;
    o.root = screen_home_new;
    o.help = screen_help_new;
    rc = app_run(db, &o, err);
    free(saved_lang);
    db_close(db);
    return rc == 0 ? DB_OK : DB_ERROR;
}

int serve_ui_main(const char *db_path, int argc, char **argv, char **err)
{
    int log_stderr = argc == 2 && strcmp(argv[1], "--log-stderr") == 0;
    struct ui_request r = {-1, NULL, 0};
    int rc;

    if (argc > 1 && !log_stderr) {
        fprintf(stderr, "mabdesk: %s\n", _("usage: mabdesk ui (started by mabdesk serve)"));
        return SERVE_USAGE;
    }
    if (!is_template_socket(TEMPLATE_FD)) {
        *err = xstrdup(_("'mabdesk ui' is started by 'mabdesk serve' for an SSH session; "
                         "run 'mabdesk' for the local application"));
        return DB_DENIED;
    }
    openlog("mabdesk", LOG_PID | (log_stderr ? LOG_PERROR : 0), LOG_AUTH);
    preload();
    if (!ui_template_run(TEMPLATE_FD, &r)) {
        close(TEMPLATE_FD);
        closelog();
        return DB_OK;
    }
    rc = run_ui(db_path, &r, err);
    free(r.text);
    return rc;
}
