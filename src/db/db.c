/*
 * db.c: opening the database, its schema and migrations, the read-only
 * guard, cached statements, transactions, the audit log, divisions and
 * districts, and pages of text.
 *
 * This file is where SQLite result codes become messages for a person
 * (db_fail), once.  It must never include curses, and it must never paste
 * a value into SQL text: values are always bound.
 *
 * Migrations are forward-only and keyed on PRAGMA user_version: entry i of
 * migrations[] takes the schema from version i to i + 1, in its own
 * transaction.  Later features append entries; never edit a released one.
 */
#include "db/db.h"

#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/internal.h"
#include "i18n.h"
#include "util.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* Bengali vowel signs and virama are category M*: they stay inside words. */
#define FTS_TOKENIZER "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"

static const char migration_1[] =
    "CREATE TABLE division ("
    " id INTEGER PRIMARY KEY,"
    " name_en TEXT NOT NULL UNIQUE,"
    " name_bn TEXT NOT NULL,"
    " alt_name_en TEXT,"
    " website TEXT,"
    " source TEXT"
    ");"
    "CREATE TABLE district ("
    " id INTEGER PRIMARY KEY,"
    " division_id INTEGER NOT NULL REFERENCES division(id),"
    " name_en TEXT NOT NULL UNIQUE,"
    " name_bn TEXT NOT NULL,"
    " alt_name_en TEXT,"
    " lat REAL,"
    " lon REAL,"
    " website TEXT,"
    " source TEXT"
    ");"
    "CREATE INDEX district_division ON district(division_id);"
    "CREATE TABLE municipality ("
    " id INTEGER PRIMARY KEY,"
    " kind TEXT NOT NULL CHECK (kind IN ('paurashava', 'city_corporation')),"
    " name_en TEXT NOT NULL CHECK (name_en <> ''),"
    " name_bn TEXT NOT NULL CHECK (name_bn <> ''),"
    " class TEXT CHECK (class IN ('A', 'B', 'C')),"
    " district_id INTEGER NOT NULL REFERENCES district(id),"
    " established INTEGER,"
    " wards INTEGER CHECK (wards >= 1),"
    " population INTEGER CHECK (population >= 0),"
    " area REAL CHECK (area > 0),"
    " mayor_en TEXT,"
    " mayor_bn TEXT,"
    " phone TEXT,"
    " email TEXT,"
    " website TEXT,"
    " address TEXT,"
    " notes TEXT,"
    " source TEXT,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX municipality_district ON municipality(district_id);"
    "CREATE INDEX municipality_name_en ON municipality(name_en COLLATE NOCASE);"
    "CREATE INDEX municipality_name_bn ON municipality(name_bn);"
    /* A row here (only ever inside a write transaction) makes the triggers
     * below leave muni_fts alone: a bulk writer (seed, import) then
     * indexes all its rows with one statement at the end, which is many
     * times faster than one FTS5 flush per row (db_search_sync()). */
    "CREATE TABLE search_defer (on_ INTEGER);"
    "CREATE VIRTUAL TABLE muni_fts USING fts5(name_en, name_bn, district_en, district_bn,"
    " division_en, division_bn, mayor_en, mayor_bn, tokenize = \"" FTS_TOKENIZER "\");"
    /* Kept in sync by triggers, so no code path can forget it. */
    "CREATE TRIGGER municipality_fts_insert AFTER INSERT ON municipality"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
        "new") " FROM district d"
               " JOIN division v ON v.id = d.division_id WHERE d.id = new.district_id;"
               " END;"
               "CREATE TRIGGER municipality_fts_delete AFTER DELETE ON municipality"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM muni_fts WHERE rowid = old.id;"
               " END;"
               "CREATE TRIGGER municipality_fts_update AFTER UPDATE ON municipality"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM muni_fts WHERE rowid = old.id;"
               " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                   "new") " FROM district d"
                          " JOIN division v ON v.id = d.division_id WHERE d.id = new.district_id;"
                          " END;"
                          "CREATE TRIGGER district_fts_update AFTER UPDATE OF name_en, name_bn, "
                          "alt_name_en,"
                          " division_id ON district BEGIN"
                          " DELETE FROM muni_fts WHERE rowid IN (SELECT id FROM municipality WHERE "
                          "district_id = new.id);"
                          " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                              "m") " FROM municipality m"
                                   " JOIN district d ON d.id = m.district_id JOIN division v ON "
                                   "v.id = d.division_id"
                                   " WHERE d.id = new.id;"
                                   " END;"
                                   "CREATE TRIGGER division_fts_update AFTER UPDATE OF name_en, "
                                   "name_bn, alt_name_en"
                                   " ON division BEGIN"
                                   " DELETE FROM muni_fts WHERE rowid IN (SELECT m.id FROM "
                                   "municipality m"
                                   " JOIN district d ON d.id = m.district_id WHERE d.division_id = "
                                   "new.id);"
                                   " INSERT INTO muni_fts(" FTS_COLUMNS ") SELECT " FTS_VALUES(
                                       "m") " FROM municipality m"
                                            " JOIN district d ON d.id = m.district_id JOIN "
                                            "division v ON v.id = d.division_id"
                                            " WHERE v.id = new.id;"
                                            " END;"
                                            "CREATE TABLE audit ("
                                            " id INTEGER PRIMARY KEY,"
                                            " at TEXT NOT NULL,"
                                            " user TEXT NOT NULL,"
                                            " action TEXT NOT NULL,"
                                            " record_kind TEXT NOT NULL,"
                                            " record_id INTEGER NOT NULL,"
                                            " before TEXT,"
                                            " after TEXT"
                                            ");"
                                            "CREATE INDEX audit_record ON audit(record_kind, "
                                            "record_id);"
                                            "CREATE INDEX audit_user ON audit(user);"
                                            "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
                                            "BEGIN"
                                            " SELECT RAISE(ABORT, 'the audit log is append-only');"
                                            " END;"
                                            "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
                                            "BEGIN"
                                            " SELECT RAISE(ABORT, 'the audit log is append-only');"
                                            " END;"
                                            "CREATE TABLE pages ("
                                            " key TEXT NOT NULL,"
                                            " lang TEXT NOT NULL,"
                                            " body TEXT NOT NULL,"
                                            " version INTEGER NOT NULL DEFAULT 1,"
                                            " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " updated_by TEXT NOT NULL DEFAULT '',"
                                            " PRIMARY KEY (key, lang)"
                                            ");"
                                            /* SSH users and their public keys (src/db/user.c). */
                                            "CREATE TABLE users ("
                                            " id INTEGER PRIMARY KEY,"
                                            " name TEXT NOT NULL UNIQUE,"
                                            " role TEXT NOT NULL,"
                                            " municipality_id INTEGER REFERENCES municipality(id),"
                                            " password_hash TEXT,"
                                            " disabled INTEGER NOT NULL DEFAULT 0,"
                                            " created_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
                                            " version INTEGER NOT NULL DEFAULT 1"
                                            ");"
                                            "CREATE TABLE user_keys ("
                                            " id INTEGER PRIMARY KEY,"
                                            " user_id INTEGER NOT NULL REFERENCES users(id) ON "
                                            "DELETE CASCADE,"
                                            " algo TEXT NOT NULL,"
                                            " key_b64 TEXT NOT NULL,"
                                            " fingerprint TEXT NOT NULL UNIQUE,"
                                            " comment TEXT,"
                                            " created_at TEXT NOT NULL DEFAULT (" NOW_SQL ")"
                                            ");"
                                            "CREATE INDEX user_keys_user ON user_keys(user_id);";

/* 0.2: the people of each municipality (src/kinds/contact.c). */
static const char migration_2[] =
    "CREATE TABLE contact ("
    " id INTEGER PRIMARY KEY,"
    " name_en TEXT,"
    " name_bn TEXT,"
    " position TEXT NOT NULL CHECK (position IN ('mayor', 'panel_mayor', 'councillor',"
    " 'reserved_councillor', 'ceo', 'secretary', 'executive_engineer', 'assistant_engineer',"
    " 'focal_person', 'other')),"
    " position_other TEXT,"
    " municipality_id INTEGER NOT NULL REFERENCES municipality(id),"
    " phone TEXT,"
    " email TEXT,"
    " from_date TEXT,"
    " to_date TEXT,"
    " notes TEXT,"
    " version INTEGER NOT NULL DEFAULT 1,"
    " updated_at TEXT NOT NULL DEFAULT (" NOW_SQL "),"
    " updated_by TEXT NOT NULL DEFAULT '',"
    " CHECK (coalesce(name_en, '') <> '' OR coalesce(name_bn, '') <> '')"
    ");"
    "CREATE INDEX contact_municipality ON contact(municipality_id);"
    "CREATE INDEX contact_name_en ON contact(name_en COLLATE NOCASE);"
    "CREATE INDEX contact_name_bn ON contact(name_bn);"
    "CREATE VIRTUAL TABLE contact_fts USING fts5(name_en, name_bn, position, municipality_en,"
    " municipality_bn, tokenize = \"" FTS_TOKENIZER "\");"
    "CREATE TRIGGER contact_fts_insert AFTER INSERT ON contact"
    " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
    " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS ") SELECT " CONTACT_FTS_VALUES(
        "new") " FROM municipality m WHERE m.id = new.municipality_id;"
               " END;"
               "CREATE TRIGGER contact_fts_delete AFTER DELETE ON contact"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM contact_fts WHERE rowid = old.id;"
               " END;"
               "CREATE TRIGGER contact_fts_update AFTER UPDATE ON contact"
               " WHEN NOT EXISTS (SELECT 1 FROM search_defer) BEGIN"
               " DELETE FROM contact_fts WHERE rowid = old.id;"
               " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS ") SELECT " CONTACT_FTS_VALUES(
                   "new") " FROM municipality m WHERE m.id = new.municipality_id;"
                          " END;"
                          /* A body's new name is found in its people too (rare: not deferred). */
                          "CREATE TRIGGER municipality_contact_fts AFTER UPDATE OF name_en, "
                          "name_bn ON municipality"
                          " BEGIN"
                          " DELETE FROM contact_fts WHERE rowid IN (SELECT id FROM contact WHERE "
                          "municipality_id ="
                          " new.id);"
                          " INSERT INTO contact_fts(" CONTACT_FTS_COLUMNS
                          ") SELECT " CONTACT_FTS_VALUES(
                              "c") " FROM contact c JOIN municipality m ON m.id = "
                                   "c.municipality_id WHERE m.id = new.id;"
                                   " END;";

struct migration {
    const char *sql;
    /* Run after sql in the same transaction (seed data), or NULL. */
    int (*hook)(sqlite3 *, char **err);
};

static const struct migration migrations[] = {
    {migration_1, db_seed_load},
    {migration_2, NULL},
};

int db_err(char **err, int status, const char *fmt, ...)
{
    va_list ap;

    if (err != NULL) {
        va_start(ap, fmt);
        *err = xvasprintf(fmt, ap);
        va_end(ap);
    }
    return status;
}

/* The mapping itself, usable before a struct db exists. */
static int fail_h(sqlite3 *h, int rc, char **err)
{
    int ext = h != NULL ? sqlite3_extended_errcode(h) : rc;
    const char *detail = h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(rc);

    if ((ext & 0xff) != (rc & 0xff))
        ext = rc;
    switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return db_err(err, DB_BUSY, "%s", _("the database is busy, try again"));
    case SQLITE_CONSTRAINT:
        switch (ext) {
        case SQLITE_CONSTRAINT_FOREIGNKEY:
            return db_err(err, DB_INVALID, "%s", _("the record is still in use by other records"));
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
            return db_err(err, DB_INVALID, "%s", _("a record with this value already exists"));
        case SQLITE_CONSTRAINT_TRIGGER:
            return db_err(err, DB_DENIED, _("not allowed: %s"), detail);
        default:
            return db_err(err, DB_INVALID, _("a value is not allowed: %s"), detail);
        }
    case SQLITE_AUTH:
    case SQLITE_READONLY:
        return db_err(err, DB_DENIED, "%s", _("this session may not change the database"));
    case SQLITE_FULL:
        return db_err(err, DB_ERROR, "%s", _("the disk is full"));
    case SQLITE_CANTOPEN:
        return db_err(err, DB_ERROR, "%s", _("cannot open the database file"));
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return db_err(err, DB_ERROR, "%s",
                      _("the database file is damaged or is not a mabdesk database"));
    case SQLITE_IOERR:
        return db_err(err, DB_ERROR, "%s", _("cannot read or write the database file"));
    case SQLITE_NOMEM:
        fatal("SQLite: out of memory");
    default:
        return db_err(err, DB_ERROR, _("database error: %s"), detail);
    }
}

int db_fail(struct db *db, int rc, char **err)
{
    return fail_h(db != NULL ? db->h : NULL, rc, err);
}

static int exec_h(sqlite3 *h, const char *sql, char **err)
{
    int rc = sqlite3_exec(h, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? DB_OK : fail_h(h, rc, err);
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
                 : fail_h(*out, rc, err);
        sqlite3_close_v2(*out);
        *out = NULL;
        return rc;
    }
    return DB_OK;
}

/* Bring the schema up to date, one migration per transaction. */
static int migrate(sqlite3 *h, char **err)
{
    int n = (int)nitems(migrations), v = user_version(h), rc;

    if (v < 0)
        return fail_h(h, sqlite3_errcode(h), err);
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
        rc = exec_h(h, migrations[i].sql, err);
        if (rc == DB_OK && migrations[i].hook != NULL)
            rc = migrations[i].hook(h, err);
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
            rc = fail_h(h, sqlite3_errcode(h), err);
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

sqlite3_stmt *db_stmt(struct db *db, const char *sql, char **err)
{
    sqlite3_stmt *st;
    int rc;

    for (int i = 0; i < db->ncache; i++) {
        if (db->cache[i].sql == sql) {
            st = db->cache[i].stmt;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            return st;
        }
    }
    rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        db_fail(db, rc, err);
        return NULL;
    }
    if (db->ncache == db->cache_cap) {
        db->cache_cap = db->cache_cap ? db->cache_cap * 2 : 32;
        db->cache = xreallocarray(db->cache, (size_t)db->cache_cap, sizeof *db->cache);
    }
    db->cache[db->ncache].sql = sql;
    db->cache[db->ncache].stmt = st;
    db->ncache++;
    return st;
}

void db_done(sqlite3_stmt *st)
{
    if (st != NULL) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
}

int db_one(struct db *db, sqlite3_stmt *st, long long *i64, char **text, char **err)
{
    int rc;

    if (i64 != NULL)
        *i64 = 0;
    if (text != NULL)
        *text = NULL;
    if (st == NULL)
        return DB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && i64 != NULL)
        *i64 = sqlite3_column_int64(st, 0);
    if (rc == SQLITE_ROW && text != NULL)
        *text = db_col_str(st, 0);
    db_done(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    return rc == SQLITE_DONE ? DB_NOTFOUND : db_fail(db, rc, err);
}

/* db_stmt() with ?1, if the statement has parameters, bound to id. */
static sqlite3_stmt *stmt_id(struct db *db, const char *sql, long long id, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql, err);

    if (st != NULL && sqlite3_bind_parameter_count(st) > 0)
        sqlite3_bind_int64(st, 1, id);
    return st;
}

int db_one_id(struct db *db, const char *sql, long long id, long long *i64, char **text, char **err)
{
    return db_one(db, stmt_id(db, sql, id, err), i64, text, err);
}

int db_exec_id(struct db *db, const char *sql, long long id, char **err)
{
    sqlite3_stmt *st = stmt_id(db, sql, id, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, err);
}

int db_begin(struct db *db, char **err)
{
    int rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);

    return rc == SQLITE_OK ? DB_OK : db_fail(db, rc, err);
}

int db_commit(struct db *db, char **err)
{
    int rc = sqlite3_exec(db->h, "COMMIT", NULL, NULL, NULL);

    if (rc != SQLITE_OK) {
        rc = db_fail(db, rc, err);
        db_rollback(db);
        return rc;
    }
    return DB_OK;
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

char *db_col_str(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);

    return xstrdup(s != NULL ? (const char *)s : "");
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    if (s != NULL)
        sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

static const char sql_audit_add[] =
    "INSERT INTO audit(at, user, action, record_kind, record_id, before, after)"
    " VALUES (" NOW_SQL ", ?1, ?2, ?3, ?4, ?5, ?6)";

int db_audit_add(struct db *db, const char *action, const char *record_kind, long long record_id,
                 const char *before, const char *after, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_audit_add, err);
    int rc;

    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, db->s.user, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, record_kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, record_id);
    bind_text_or_null(st, 5, before);
    bind_text_or_null(st, 6, after);
    rc = sqlite3_step(st);
    db_done(st);
    return rc == SQLITE_DONE ? DB_OK : db_fail(db, rc, err);
}

/* --- divisions and districts ------------------------------------------- */

static const char sql_divisions[] =
    "SELECT id, 0, name_en, name_bn FROM division ORDER BY name_en COLLATE NOCASE, id";
static const char sql_districts[] =
    "SELECT id, division_id, name_en, name_bn FROM district"
    " WHERE ?1 = 0 OR division_id = ?1 ORDER BY name_en COLLATE NOCASE, id";

static int geo_list(struct db *db, const char *sql, long long parent, struct geo_item **items,
                    int *n, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql, err);
    struct geo_item *v = NULL;
    int cnt = 0, cap = 0, rc;

    *items = NULL;
    *n = 0;
    if (st == NULL)
        return DB_ERROR;
    if (sql == sql_districts)
        sqlite3_bind_int64(st, 1, parent);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 16;
            v = xreallocarray(v, (size_t)cap, sizeof *v);
        }
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].parent_id = sqlite3_column_int64(st, 1);
        v[cnt].name_en = db_col_str(st, 2);
        v[cnt].name_bn = db_col_str(st, 3);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        geo_items_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *items = v;
    *n = cnt;
    return DB_OK;
}

int db_divisions(struct db *db, struct geo_item **items, int *n, char **err)
{
    return geo_list(db, sql_divisions, 0, items, n, err);
}

int db_districts(struct db *db, long long division_id, struct geo_item **items, int *n, char **err)
{
    return geo_list(db, sql_districts, division_id, items, n, err);
}

void geo_items_free(struct geo_item *items, int n)
{
    for (int i = 0; i < n; i++) {
        free(items[i].name_en);
        free(items[i].name_bn);
    }
    free(items);
}

/* --- audit log ------------------------------------------------------------ */

#define AUDIT_WHERE                                                                                \
    " WHERE (?1 IS NULL OR user = ?1) AND (?2 IS NULL OR record_kind = ?2)"                        \
    " AND (?3 = 0 OR record_id = ?3)"

static const char sql_audit_count[] = "SELECT count(*) FROM audit" AUDIT_WHERE;
static const char sql_audit_page[] =
    "SELECT id, at, user, action, record_kind, record_id, before, after FROM audit" AUDIT_WHERE
    " ORDER BY id DESC LIMIT ?4 OFFSET ?5";

static void bind_audit_query(sqlite3_stmt *st, const struct audit_query *q)
{
    const char *user = q != NULL && q->user != NULL && *q->user != '\0' ? q->user : NULL;
    const char *kind =
        q != NULL && q->record_kind != NULL && *q->record_kind != '\0' ? q->record_kind : NULL;

    bind_text_or_null(st, 1, user);
    bind_text_or_null(st, 2, kind);
    sqlite3_bind_int64(st, 3, q != NULL ? q->record_id : 0);
}

static int audit_allowed(struct db *db, char **err)
{
    if (auth_allowed(&db->s, AUTH_READ_AUDIT, 0))
        return DB_OK;
    return db_err(err, DB_DENIED, "%s", _("only an administrator may read the audit log"));
}

int db_audit_count(struct db *db, const struct audit_query *q, int *n, char **err)
{
    sqlite3_stmt *st;
    long long v;
    int rc;

    *n = 0;
    if ((rc = audit_allowed(db, err)) != DB_OK)
        return rc;
    if ((st = db_stmt(db, sql_audit_count, err)) != NULL)
        bind_audit_query(st, q);
    rc = db_one(db, st, &v, NULL, err);
    *n = (int)v;
    /* A count always yields its row. */
    return rc == DB_NOTFOUND ? db_fail(db, SQLITE_DONE, err) : rc;
}

static char *col_str_or_null(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);

    return s != NULL ? xstrdup((const char *)s) : NULL;
}

int db_audit_page(struct db *db, const struct audit_query *q, int offset, int limit,
                  struct audit_row **rows, int *n, char **err)
{
    sqlite3_stmt *st;
    struct audit_row *v = NULL;
    int cnt = 0, cap = 0, rc;

    *rows = NULL;
    *n = 0;
    if ((rc = audit_allowed(db, err)) != DB_OK)
        return rc;
    if ((st = db_stmt(db, sql_audit_page, err)) == NULL)
        return DB_ERROR;
    bind_audit_query(st, q);
    sqlite3_bind_int(st, 4, limit);
    sqlite3_bind_int(st, 5, offset > 0 ? offset : 0);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (cnt == cap) {
            cap = cap ? cap * 2 : 32;
            v = xreallocarray(v, (size_t)cap, sizeof *v);
        }
        v[cnt].id = sqlite3_column_int64(st, 0);
        v[cnt].at = db_col_str(st, 1);
        v[cnt].user = db_col_str(st, 2);
        v[cnt].action = db_col_str(st, 3);
        v[cnt].record_kind = db_col_str(st, 4);
        v[cnt].record_id = sqlite3_column_int64(st, 5);
        v[cnt].before = col_str_or_null(st, 6);
        v[cnt].after = col_str_or_null(st, 7);
        cnt++;
    }
    db_done(st);
    if (rc != SQLITE_DONE) {
        audit_rows_free(v, cnt);
        return db_fail(db, rc, err);
    }
    *rows = v;
    *n = cnt;
    return DB_OK;
}

void audit_rows_free(struct audit_row *rows, int n)
{
    for (int i = 0; i < n; i++) {
        free(rows[i].at);
        free(rows[i].user);
        free(rows[i].action);
        free(rows[i].record_kind);
        free(rows[i].before);
        free(rows[i].after);
    }
    free(rows);
}

/* --- pages ----------------------------------------------------------------- */

static const char sql_page_get[] = "SELECT body FROM pages WHERE key = ?1 AND lang = ?2";

int db_page_get(struct db *db, const char *key, const char *lang, char **text, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_page_get, err);
    int rc;

    *text = NULL;
    if (st == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, lang, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *text = db_col_str(st, 0);
    db_done(st);
    if (rc == SQLITE_ROW)
        return DB_OK;
    if (rc == SQLITE_DONE)
        return db_err(err, DB_NOTFOUND, _("no page \"%s\" in language \"%s\""), key, lang);
    return db_fail(db, rc, err);
}
