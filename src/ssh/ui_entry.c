/*
 * ui_entry.c: "mabdesk ui", the application inside an SSH session's pty.
 *
 * The identity comes only from the pipe the session process leaves on file
 * descriptor 3 (IDENTITY_FD), written after authentication and closed
 * before the client can send a byte to this process.  Never from the
 * environment or the command line, which a client may influence; and this
 * process never holds the host key or the client's socket.
 */
#include "ssh/serve.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int read_handover(struct handover *h, char **err)
{
    struct stat st;
    struct buf b = {0};
    char chunk[512];
    ssize_t n;
    int rc;

    if (fstat(IDENTITY_FD, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        *err = xstrdup(_("'mabdesk ui' is started by 'mabdesk serve' for an SSH session; "
                         "run 'mabdesk' for the local application"));
        return -1;
    }
    while ((n = read(IDENTITY_FD, chunk, sizeof chunk)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        buf_add(&b, chunk, (size_t)n);
        if (b.len > 4096)
            break;
    }
    close(IDENTITY_FD);
    if (b.data == NULL) {
        *err = xstrdup(_("the session's identity is missing"));
        return -1;
    }
    rc = parse_handover(b.data, h, err);
    buf_free(&b);
    return rc;
}

int serve_ui_main(const char *db_path, const char *lang, int argc, char **argv, char **err)
{
    struct handover h;
    struct app_options o = {0};
    struct db *db = NULL;
    char *saved_lang = NULL;
    int rc, saved_lean = -1;

    if (argc > 1) {
        fprintf(stderr, "mabdesk: %s\n", _("usage: mabdesk ui (started by mabdesk serve)"));
        return SERVE_USAGE;
    }
    if (read_handover(&h, err) != 0)
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
