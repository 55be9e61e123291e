/*
 * open.c: opening the database: its default path, creating a new one,
 * refusing a file that is not one (or is from a newer release), bringing
 * the schema up to date (schema.c), reading a database this process cannot
 * write, and the guard of read-only sessions; closing it.
 *
 * A database is created and seeded only where no file exists: it is built
 * under a temporary name beside its path, mode 0600 whatever the umask (it
 * holds password hashes; SQLite gives its -wal and -shm files the same
 * mode), in a directory made 0700, and linked into place complete.  So no
 * one opens it half-made, and an existing file -- empty, cut short, of
 * another program or of a newer release -- is left exactly as it is.
 *
 * Every message for a failure here names the file.  Must never include
 * curses.
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

enum refusal { REFUSE_EMPTY, REFUSE_NO_TABLES, REFUSE_FOREIGN, REFUSE_DAMAGED };

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

/* *err (if set) prefixed with "path: "; returns status. */
static int named(const char *path, int status, char **err)
{
    char *m;

    if (err != NULL && *err != NULL) {
        m = xasprintf("%s: %s", path, *err);
        free(*err);
        *err = m;
    }
    return status;
}

/* An existing file at path that is no database of ours: left as it is,
 * and the message says what to do. */
static int refuse(const char *path, enum refusal why, char **err)
{
    const char *advice = _("It was left as it is: restore it from a backup copy, or move it aside "
                           "to start a new database.");
    char *what;
    int rc;

    switch (why) {
    case REFUSE_EMPTY:
        what = xasprintf(_("%s is empty (0 bytes)."), path);
        break;
    case REFUSE_NO_TABLES:
        what = xasprintf(_("%s is an empty SQLite database, without mabdesk's tables."), path);
        break;
    case REFUSE_FOREIGN:
        what =
            xasprintf(_("%s is not a mabdesk database: it holds another program's tables."), path);
        advice = _("It was left as it is: check the path given with --db or in MABDESK_DB.");
        break;
    default:
        what = xasprintf(_("%s is damaged or is not a mabdesk database."), path);
        break;
    }
    rc = db_err(err, DB_ERROR, "%s %s", what, advice);
    free(what);
    return rc;
}

/* SQLite's result rc on the database at path, as a message naming it. */
static int open_fail(const char *path, sqlite3 *h, int rc, char **err)
{
    int e = h != NULL ? sqlite3_system_errno(h) : 0;

    switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return refuse(path, REFUSE_DAMAGED, err);
    case SQLITE_CANTOPEN:
        if (e != 0)
            return db_err(err, DB_ERROR, _("cannot open the database file %s: %s"), path,
                          strerror(e));
        return db_err(err, DB_ERROR, _("cannot open the database file %s"), path);
    default:
        return named(path, db_fail_h(h, rc, err), err);
    }
}

static int exec_p(sqlite3 *h, const char *path, const char *sql, char **err)
{
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? DB_OK : open_fail(path, h, rc, err);
}

/* The integer sql yields in *v; a SQLite result code. */
static int read_int(sqlite3 *h, const char *sql, int *v)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);

    *v = -1;
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? SQLITE_OK : sqlite3_errcode(h);
}

/*
 * The schema version of an existing database in *version.  Refused: a
 * file that is not a SQLite database or is damaged, one without a schema
 * version (never seeded over: an empty database or another program's),
 * and one from a newer release.  Only reads.
 */
int db_check_schema(sqlite3 *h, const char *path, int *version, char **err)
{
    int rc, v, tables;

    if ((rc = read_int(h, "PRAGMA user_version", &v)) != SQLITE_OK)
        return open_fail(path, h, rc, err);
    if (v > db_nmigrations)
        return db_err(err, DB_NEWER,
                      _("%s was made by a newer release of mabdesk (schema %d; this release knows "
                        "up to %d) and was left as it is: open it with that release or a later "
                        "one."),
                      path, v, db_nmigrations);
    if (v == 0) {
        if ((rc = read_int(h, "SELECT count(*) FROM sqlite_master", &tables)) != SQLITE_OK)
            return open_fail(path, h, rc, err);
        return refuse(path, tables == 0 ? REFUSE_NO_TABLES : REFUSE_FOREIGN, err);
    }
    *version = v;
    return DB_OK;
}

/* Open name (path, or a URI for it with SQLITE_OPEN_URI in flags), which
 * must exist. */
static int open_h(sqlite3 **out, const char *path, const char *name, int flags, char **err)
{
    int rc = sqlite3_open_v2(name, out, flags | SQLITE_OPEN_NOMUTEX, NULL);

    if (rc != SQLITE_OK) {
        rc = open_fail(path, *out, rc, err);
        sqlite3_close_v2(*out);
        *out = NULL;
        return rc;
    }
    sqlite3_extended_result_codes(*out, 1);
    sqlite3_busy_timeout(*out, DB_BUSY_TIMEOUT_MS);
    return DB_OK;
}

static int setup_connection(sqlite3 *h, const char *path, int rw, char **err)
{
    int rc;

    if (rw && (rc = exec_p(h, path, "PRAGMA journal_mode=WAL", err)) != DB_OK)
        return rc;
    return exec_p(h, path, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL", err);
}

/* Bring the schema from version v up to date, one migration per
 * transaction. */
static int migrate(sqlite3 *h, const char *path, int v, char **err)
{
    int rc;

    for (int i = v; i < db_nmigrations; i++) {
        char *set;
        int now;

        if ((rc = exec_p(h, path, "BEGIN IMMEDIATE", err)) != DB_OK)
            return rc;
        /* Another process may have migrated while this one waited. */
        if (read_int(h, "PRAGMA user_version", &now) == SQLITE_OK && now > i) {
            sqlite3_exec(h, "COMMIT", NULL, NULL, NULL);
            continue;
        }
        rc = exec_p(h, path, db_migrations[i].sql, err);
        if (rc == DB_OK && db_migrations[i].hook != NULL)
            rc = named(path, db_migrations[i].hook(h, err), err);
        if (rc == DB_OK) {
            set = xasprintf("PRAGMA user_version = %d", i + 1);
            rc = exec_p(h, path, set, err);
            free(set);
        }
        if (rc == DB_OK)
            rc = exec_p(h, path, "COMMIT", err);
        if (rc != DB_OK) {
            sqlite3_exec(h, "ROLLBACK", NULL, NULL, NULL);
            return rc;
        }
    }
    return DB_OK;
}

/* Move the complete new database tmp to path, unless a file appeared at
 * path meanwhile (another process made it): then that one is kept. */
static int put_in_place(const char *tmp, const char *path, char **err)
{
    /* link() never replaces a file. */
    if (link(tmp, path) == 0 || errno == EEXIST)
        return DB_OK;
    if (access(path, F_OK) == 0)
        return DB_OK;
    /* A file system without hard links: rename() would replace a file
     * made in the moment since access() saw none. */
    if (rename(tmp, path) == 0)
        return DB_OK;
    return db_err(err, DB_ERROR, _("cannot create the database %s: %s"), path, strerror(errno));
}

/* A new database at path, where there is no file: created, migrated and
 * seeded under a temporary name (see the top of this file). */
static int create_db(const char *path, char **err)
{
    sqlite3 *h = NULL;
    char *tmp;
    int fd, rc;

    if ((rc = make_parent(path, err)) != DB_OK)
        return rc;
    tmp = xasprintf("%s.new-XXXXXX", path);
    fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        rc = db_err(err, DB_ERROR, _("cannot create the database %s: %s"), path, strerror(errno));
        free(tmp);
        return rc;
    }
    close(fd);
    rc = open_h(&h, path, tmp, SQLITE_OPEN_READWRITE, err);
    if (rc == DB_OK)
        rc = setup_connection(h, path, 1, err);
    if (rc == DB_OK)
        rc = migrate(h, path, 0, err);
    /* Closing the last connection writes the WAL into the file and
     * removes tmp-wal and tmp-shm. */
    if (h != NULL && sqlite3_close(h) != SQLITE_OK && rc == DB_OK)
        rc = db_err(err, DB_ERROR, _("cannot create the database %s: %s"), path, sqlite3_errmsg(h));
    if (rc == DB_OK)
        rc = put_in_place(tmp, path, err);
    unlink(tmp);
    free(tmp);
    return rc;
}

/* A path that exists: it with symbolic links resolved, as SQLite puts
 * -wal and -shm beside that (malloc'd). */
static char *real_path(const char *path)
{
    char *real = realpath(path, NULL);

    return real != NULL ? real : xstrdup(path);
}

/* Why dir cannot be written by this process, for a message. */
static char *dir_not_writable(const char *dir)
{
    if (access(dir, W_OK) == 0)
        return NULL;
    if (errno == EROFS)
        return xasprintf(_("%s is on a read-only file system"), dir);
    return xasprintf(_("the directory %s is not writable (the database keeps its -wal and -shm "
                       "files there)"),
                     dir);
}

/*
 * Why this process cannot change the database at real (a real path), as a
 * message (malloc'd), or NULL if it can.  In WAL mode SQLite writes the
 * file and real-wal and real-shm beside it, creating those in the
 * directory when they are missing.
 */
static char *not_writable(const char *real)
{
    static const char *const sides[] = {"-wal", "-shm"};
    char *why = NULL, *dir, *slash;
    int missing = 0;

    if (access(real, W_OK) != 0)
        return errno == EROFS ? xasprintf(_("%s is on a read-only file system"), real)
                              : xasprintf(_("the database file %s is not writable"), real);
    for (size_t i = 0; i < nitems(sides) && why == NULL; i++) {
        char *side = xasprintf("%s%s", real, sides[i]);

        if (access(side, F_OK) != 0)
            missing = 1;
        else if (access(side, W_OK) != 0)
            why = xasprintf(_("%s is not writable"), side);
        free(side);
    }
    if (why != NULL || !missing)
        return why;
    dir = xstrdup(real);
    slash = strrchr(dir, '/');
    if (slash == NULL)
        str_set(&dir, ".");
    else if (slash == dir)
        slash[1] = '\0'; /* "/" */
    else
        *slash = '\0';
    why = dir_not_writable(dir);
    free(dir);
    return why;
}

/* "file:PATH?immutable=1", for sqlite3_open_v2() with SQLITE_OPEN_URI. */
static char *immutable_uri(const char *path)
{
    struct buf b = {0};

    /* "file:///abs" (an empty authority) or "file:relative". */
    buf_adds(&b, path[0] == '/' ? "file://" : "file:");
    for (const char *p = path; *p != '\0'; p++) {
        if (*p == '%' || *p == '?' || *p == '#')
            buf_printf(&b, "%%%02X", (unsigned char)*p);
        else
            buf_addc(&b, *p);
    }
    buf_adds(&b, "?immutable=1");
    return buf_take(&b);
}

/*
 * An existing database this process cannot write (why says why): read in
 * SQLite's read-only mode, which cannot bring an older schema up to date.
 * With nothing waiting in real-wal, the file is opened "immutable", which
 * creates neither real-wal nor real-shm: in a directory this process
 * cannot write, SQLite could not create them and would refuse to read;
 * where it can, it would leave them behind with the file's read-only mode,
 * keeping the database read-only for its owner too after it is made
 * writable again.  (Immutable also means unlocked: a writer that starts
 * meanwhile writes to real-wal first, which this connection then does not
 * see.)
 */
static int open_read_only(sqlite3 **out, const char *path, const char *real, const char *why,
                          char **err)
{
    char *wal = xasprintf("%s-wal", real), *uri = NULL;
    struct stat st;
    int rc, v = 0, flags = SQLITE_OPEN_READONLY;

    if (stat(wal, &st) != 0 || st.st_size == 0) {
        uri = immutable_uri(path);
        flags |= SQLITE_OPEN_URI;
    }
    rc = open_h(out, path, uri != NULL ? uri : path, flags, err);
    if (rc == DB_OK)
        rc = db_check_schema(*out, path, &v, err);
    if (rc == DB_OK && v < db_nmigrations)
        rc = db_err(err, DB_ERROR,
                    _("%s must be brought up to this release's schema (%d to %d), which writes "
                      "to it, but %s"),
                    path, v, db_nmigrations, why);
    if (rc == DB_OK)
        rc = setup_connection(*out, path, 0, err);
    if (rc != DB_OK) {
        sqlite3_close_v2(*out);
        *out = NULL;
    }
    free(wal);
    free(uri);
    return rc;
}

/*
 * A database from an earlier release is copied before its first
 * migration runs, as PATH.before-upgrade-from-schema-N: a migration is one
 * transaction, but what it does to the records is only known afterwards.
 * No upgrade without its copy.
 */
static int copy_before_upgrade(sqlite3 *h, const char *path, int v, char **err)
{
    char *copy = xasprintf("%s.before-upgrade-from-schema-%d", path, v);
    int rc = access(copy, F_OK) == 0 ? DB_OK : db_copy_to(h, copy, err);

    free(copy);
    return rc;
}

/*
 * An existing database this process can write: checked before anything
 * writes to it (even setting WAL mode does), brought up to date.  A
 * read-only session then reads through a connection of its own.
 */
static int open_writable(sqlite3 **out, const char *path, int ro, char **err)
{
    sqlite3 *h = NULL;
    int rc, v = 0;

    rc = open_h(&h, path, path, SQLITE_OPEN_READWRITE, err);
    if (rc == DB_OK)
        rc = db_check_schema(h, path, &v, err);
    if (rc == DB_OK)
        rc = setup_connection(h, path, 1, err);
    if (rc == DB_OK && v < db_nmigrations)
        rc = copy_before_upgrade(h, path, v, err);
    if (rc == DB_OK)
        rc = migrate(h, path, v, err);
    if (rc == DB_OK && ro) {
        sqlite3_close_v2(h);
        h = NULL;
        rc = open_h(&h, path, path, SQLITE_OPEN_READWRITE, err);
        if (rc == DB_OK)
            rc = setup_connection(h, path, 0, err);
    }
    if (rc != DB_OK) {
        sqlite3_close_v2(h);
        h = NULL;
    }
    *out = h;
    return rc;
}

/*
 * Read-only sessions: only reading is authorised.  PRAGMAs that only read
 * (no argument) are allowed; a PRAGMA with a value could undo query_only.
 * Connections that may write a little (subscriber.c) start from this.
 */
int db_authorize_read(int action, const char *a, const char *b)
{
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

static int ro_authorizer(void *ud, int action, const char *a, const char *b, const char *dbname,
                         const char *trigger)
{
    (void)ud;
    (void)dbname;
    (void)trigger;
    return db_authorize_read(action, a, b);
}

/* Read-only sessions: a connection that refuses every write itself.
 * Others that may write: the scratch table of bulk writes. */
static int guard(sqlite3 *h, const char *path, int ro, int writable, char **err)
{
    int rc;

    if (!ro)
        return writable ? exec_p(h, path,
                                 /* Records a bulk write changed, indexed at its end
                                  * (db/import.c). */
                                 "CREATE TEMP TABLE search_pending (id INTEGER PRIMARY KEY)", err)
                        : DB_OK;
    if ((rc = exec_p(h, path, "PRAGMA query_only=1", err)) != DB_OK)
        return rc;
    if (sqlite3_set_authorizer(h, ro_authorizer, NULL) != SQLITE_OK)
        return open_fail(path, h, sqlite3_errcode(h), err);
    return DB_OK;
}

int db_open(struct db **out, const char *path, const struct session *s, char **err)
{
    struct stat st;
    struct db *db;
    sqlite3 *h = NULL;
    char *real, *why;
    int rc, ro = auth_read_only(s);

    *out = NULL;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return db_err(err, DB_ERROR, _("cannot open the database file %s: %s"), path,
                          strerror(errno));
        if ((rc = create_db(path, err)) != DB_OK)
            return rc;
    } else if (S_ISREG(st.st_mode) && st.st_size == 0) {
        return refuse(path, REFUSE_EMPTY, err);
    }
    real = real_path(path);
    why = not_writable(real);
    if (why != NULL)
        rc = open_read_only(&h, path, real, why, err);
    else
        rc = open_writable(&h, path, ro, err);
    free(real);
    if (rc == DB_OK)
        rc = guard(h, path, ro, why == NULL, err);
    if (rc == DB_OK && db_event_functions(h) != SQLITE_OK)
        rc = open_fail(path, h, sqlite3_errcode(h), err);
    if (rc != DB_OK) {
        sqlite3_close_v2(h);
        free(why);
        return rc;
    }
    db = xcalloc(1, sizeof *db);
    db->h = h;
    db->s = *s;
    db->read_only = ro;
    db->ro_reason = why;
    *out = db;
    return DB_OK;
}

const char *db_read_only_reason(const struct db *db)
{
    return db->ro_reason;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < db->ncache; i++)
        sqlite3_finalize(db->cache[i].stmt);
    free(db->cache);
    if (sqlite3_close(db->h) != SQLITE_OK)
        fatal("db_close: %s", sqlite3_errmsg(db->h));
    free(db->ro_reason);
    free(db);
}

const struct session *db_session(const struct db *db)
{
    return &db->s;
}

int db_schema_version(struct db *db)
{
    int v;

    read_int(db->h, "PRAGMA user_version", &v);
    return v;
}

int db_side_open(struct db *db,
                 int (*auth)(void *, int, const char *, const char *, const char *, const char *),
                 struct db **out, char **err)
{
    const char *path = sqlite3_db_filename(db->h, "main");
    struct db *w;
    sqlite3 *h = NULL;
    int rc;

    *out = NULL;
    if (db->ro_reason != NULL)
        return db_err(err, DB_ERROR, "%s", db->ro_reason);
    if (path == NULL || *path == '\0')
        return db_err(err, DB_ERROR, "%s", _("the database has no file to write to"));
    rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_extended_result_codes(h, 1);
        sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
        rc = sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_set_authorizer(h, auth, NULL);
    if (rc != SQLITE_OK) {
        rc = db_fail_h(h, rc, err);
        sqlite3_close_v2(h);
        return rc;
    }
    w = xcalloc(1, sizeof *w);
    w->h = h;
    w->s = db->s;
    *out = w;
    return DB_OK;
}
