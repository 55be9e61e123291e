/*
 * open.c: opening the database: its default path, creating its file and
 * directory, bringing its schema up to date (schema.c) and the read-only
 * guard of read-only sessions; closing it.
 *
 * Must never include curses.
 */
#include "db/db.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/internal.h"
#include "i18n.h"
#include "util.h"

static int exec_h(sqlite3 *h, const char *sql, char **err)
{
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? DB_OK : db_fail_h(h, rc, err);
}

char *db_default_path(void)
{
    const char *env = getenv("MABDESK_DB");
    const char *home;
    struct passwd *pw;

    if (env != NULL && *env != '\0')
        return xstrdup(env);
    env = getenv("XDG_DATA_HOME");
    if (env != NULL && env[0] == '/')
        return xasprintf("%s/mabdesk/mabdesk.db", env);
    home = getenv("HOME");
    if (home == NULL || *home == '\0') {
        pw = getpwuid(getuid());
        home = pw != NULL ? pw->pw_dir : "/";
    }
    return xasprintf("%s/.local/share/mabdesk/mabdesk.db", home);
}

/* mkdir -p of the directory that holds path. */
static int make_parent(const char *path, char **err)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');

    if (slash == NULL || slash == dir) {
        free(dir);
        return DB_OK;
    }
    *slash = '\0';
    for (char *p = dir + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;

            *p = '\0';
            if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
                int e = errno;

                db_err(err, DB_ERROR, _("cannot create the directory %s: %s"), dir, strerror(e));
                free(dir);
                return DB_ERROR;
            }
            *p = c;
            if (c == '\0')
                break;
        }
    }
    free(dir);
    return DB_OK;
}

static int user_version(sqlite3 *h)
{
    sqlite3_stmt *st;
    int v = -1;

    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

static int setup_connection(sqlite3 *h, int rw, char **err)
{
    int rc;

    sqlite3_extended_result_codes(h, 1);
    sqlite3_busy_timeout(h, 5000);
    if (rw && (rc = exec_h(h, "PRAGMA journal_mode=WAL", err)) != DB_OK)
        return rc;
    if ((rc = exec_h(h, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", err)) != DB_OK)
        return rc;
    return DB_OK;
}

static int open_h(sqlite3 **out, const char *path, int create, char **err)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, out, flags, NULL);

    if (rc != SQLITE_OK) {
        rc = rc == SQLITE_CANTOPEN
                 ? db_err(err, DB_ERROR, _("cannot open the database file %s"), path)
                 : db_fail_h(*out, rc, err);
        sqlite3_close_v2(*out);
        *out = NULL;
        return rc;
    }
    return DB_OK;
}

/* Bring the schema up to date, one migration per transaction. */
static int migrate(sqlite3 *h, char **err)
{
    int n = db_nmigrations, v = user_version(h), rc;

    if (v < 0)
        return db_fail_h(h, sqlite3_errcode(h), err);
    if (v > n)
        return db_err(err, DB_ERROR,
                      _("the database was made by a newer mabdesk (schema %d, this one knows %d)"),
                      v, n);
    for (int i = v; i < n; i++) {
        char *set;

        if ((rc = exec_h(h, "BEGIN IMMEDIATE", err)) != DB_OK)
            return rc;
        /* Another process may have migrated while this one waited. */
        if (user_version(h) > i) {
            exec_h(h, "COMMIT", NULL);
            continue;
        }
        rc = exec_h(h, db_migrations[i].sql, err);
        if (rc == DB_OK && db_migrations[i].hook != NULL)
            rc = db_migrations[i].hook(h, err);
        if (rc == DB_OK) {
            set = xasprintf("PRAGMA user_version = %d", i + 1);
            rc = exec_h(h, set, err);
            free(set);
        }
        if (rc == DB_OK)
            rc = exec_h(h, "COMMIT", err);
        if (rc != DB_OK) {
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    return DB_OK;
}

/*
 * Read-only sessions: only reading is authorised.  PRAGMAs that only read
 * (no argument) are allowed; a PRAGMA with a value could undo query_only.
 */
static int ro_authorizer(void *ud, int action, const char *a, const char *b, const char *dbname,
                         const char *trigger)
{
    (void)ud;
    (void)dbname;
    (void)trigger;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        return b == NULL ? SQLITE_OK : SQLITE_DENY;
    case SQLITE_UPDATE:
        /* FTS5's constructor asks this while the schema is read; SQLite
         * itself never lets a statement change sqlite_master, and
         * query_only stops every write that gets this far. */
        return a != NULL && strcmp(a, "sqlite_master") == 0 ? SQLITE_OK : SQLITE_DENY;
    default:
        return SQLITE_DENY;
    }
}

int db_open(struct db **out, const char *path, const struct session *s, char **err)
{
    struct db *db;
    sqlite3 *h = NULL;
    int rc, ro = auth_read_only(s);

    *out = NULL;
    if ((rc = make_parent(path, err)) != DB_OK)
        return rc;
    /* Create, migrate and seed on a read-write connection; a read-only
     * session then gets its own connection that cannot write. */
    if ((rc = open_h(&h, path, 1, err)) != DB_OK)
        return rc;
    rc = setup_connection(h, 1, err);
    if (rc == DB_OK)
        rc = migrate(h, err);
    if (rc == DB_OK && ro) {
        sqlite3_close_v2(h);
        h = NULL;
        rc = open_h(&h, path, 0, err);
        if (rc == DB_OK)
            rc = setup_connection(h, 0, err);
        if (rc == DB_OK)
            rc = exec_h(h, "PRAGMA query_only=1", err);
        if (rc == DB_OK && sqlite3_set_authorizer(h, ro_authorizer, NULL) != SQLITE_OK)
            rc = db_fail_h(h, sqlite3_errcode(h), err);
    } else if (rc == DB_OK) {
        /* Records a bulk write changed, indexed at its end (db_search_sync). */
        rc = exec_h(h, "CREATE TEMP TABLE search_pending (id INTEGER PRIMARY KEY)", err);
    }
    if (rc != DB_OK) {
        sqlite3_close_v2(h);
        return rc;
    }
    db = xcalloc(1, sizeof *db);
    db->h = h;
    db->s = *s;
    db->read_only = ro;
    *out = db;
    return DB_OK;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    free(db->cache);
    for (int a = 0; a < 8; a++) {
        sqlite3_finalize(db->count_stmt[a]);
        for (int b = 0; b < 8; b++)
            for (int c = 0; c < 2; c++)
                sqlite3_finalize(db->page_stmt[a][b][c]);
    }
    if (sqlite3_close(db->h) != SQLITE_OK)
        fatal("db_close: %s", sqlite3_errmsg(db->h));
    free(db);
}

const struct session *db_session(const struct db *db)
{
    return &db->s;
}

int db_schema_version(struct db *db)
{
    return user_version(db->h);
}
