/*
 * cli.c: what every command of the command line shares (cli.h): usage
 * errors, --help, the exit code of a db/ status, and opening the
 * database for the session the global options describe.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "db/db.h"
#include "i18n.h"
#include "util.h"

int usage_error(const char *fmt, ...)
{
    va_list ap;

    fputs("mabdesk: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fprintf(stderr, "%s\n", _("Try 'mabdesk --help'."));
    return EX_USAGE_;
}

/* "--help" or "-h" as a command's only argument, or after its noun
 * ("import subscribers --help"): its usage, exit 0. */
int asks_help(int argc, char **argv, const char *text)
{
    const char *last = argv[argc - 1];

    if ((argc == 2 || argc == 3) && (strcmp(last, "--help") == 0 || strcmp(last, "-h") == 0)) {
        printf("%s\n", text);
        return 1;
    }
    return 0;
}

int exit_code(int status)
{
    switch (status) {
    case DB_OK:
        return EX_OK_;
    case DB_NOTFOUND:
        return EX_NOINPUT_;
    case DB_INVALID:
    case DB_CONFLICT:
        return EX_DATAERR_;
    case DB_DENIED:
        return EX_NOPERM_;
    case DB_BUSY:
    case DB_NEWER: /* try again with a newer release */
        return EX_TEMPFAIL_;
    default:
        return EX_IOERR_;
    }
}

/* Open the database for the session the global options describe; on failure
 * print the reason and return NULL with *code set. */
struct db *open_db(struct globals *g, int *code)
{
    struct session s;
    struct db *db = NULL;
    char *path, *err = NULL;
    int rc;

    auth_session_local(&s, g->kiosk ? ROLE_KIOSK : g->role);
    if (g->kiosk)
        snprintf(s.user, sizeof s.user, "%s", "kiosk");
    /* Only a municipal user has one of its own (auth.h), as over SSH. */
    s.municipality_id = s.role == ROLE_MUNICIPAL ? g->municipality_id : 0;
    path = xstrdup(config_str(&g->conf, CK_DATABASE));
    rc = db_open(&db, path, &s, &err);
    if (rc != DB_OK) {
        /* db_open()'s messages name the file. */
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
        *code = exit_code(rc);
        free(err);
        free(path);
        return NULL;
    }
    free(path);
    return db;
}

/* Open the database, run fn (a command parsed elsewhere) on it and say
 * what went wrong: the exit code. */
int with_db(struct globals *g, int (*fn)(struct db *, void *, char **), void *arg)
{
    struct db *db;
    char *err = NULL;
    int code = 0, rc;

    if ((db = open_db(g, &code)) == NULL)
        return code;
    rc = fn(db, arg, &err);
    if (rc != DB_OK)
        fprintf(stderr, "mabdesk: %s\n", err != NULL ? err : "?");
    free(err);
    db_close(db);
    return fflush(stdout) != 0 ? EX_IOERR_ : exit_code(rc);
}
