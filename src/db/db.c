/*
 * db.c: cached statements, transactions, the audit log, divisions and
 * districts, and pages of text; opening the database is open.c, the schema
 * schema.c.
 *
 * This file is where SQLite result codes become messages for a person
 * (db_fail), once.  It must never include curses, and it must never paste
 * a value into SQL text: values are always bound.
 */
#include "db/db.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db/internal.h"
#include "i18n.h"
#include "util.h"

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

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
int db_fail_h(sqlite3 *h, int rc, char **err)
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
        return db_err(err, DB_DENIED, "%s", _("this session may not change the database"));
    case SQLITE_READONLY:
        /* The file (db_fail() tells a session's query_only apart). */
        return db_err(err, DB_ERROR, "%s",
                      ext == SQLITE_READONLY_DIRECTORY
                          ? _("the directory of the database file is not writable")
                          : _("the database file is not writable"));
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
    /* SQLite says "read-only" both for a session's query_only and for a
     * file this process cannot write: the first is the role's (77), the
     * second the file's (74), with what is wrong with it. */
    if (db != NULL && (rc & 0xff) == SQLITE_READONLY) {
        if (db->read_only)
            return db_err(err, DB_DENIED, "%s", _("this session may not change the database"));
        if (db->ro_reason != NULL)
            return db_err(err, DB_ERROR, "%s", db->ro_reason);
    }
    return db_fail_h(db != NULL ? db->h : NULL, rc, err);
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

int db_two(struct db *db, sqlite3_stmt *st, char **a, char **b, char **err)
{
    int rc;

    *a = *b = NULL;
    if (st == NULL)
        return DB_ERROR;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *a = db_col_str(st, 0);
        *b = db_col_str(st, 1);
    }
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
    int rc;

    /* A file this process cannot write: say so before any work. */
    if (db->ro_reason != NULL && !db->read_only)
        return db_err(err, DB_ERROR, "%s", db->ro_reason);
    rc = sqlite3_exec(db->h, "BEGIN IMMEDIATE", NULL, NULL, NULL);
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

/* --- waiting for another program ------------------------------------------ */

static long long now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* SQLite's busy handler; count: calls before this one in this wait. */
static int busy_wait(void *ud, int count)
{
    struct db *db = ud;
    long long start = now_ms(), left;

    if (count == 0)
        db->busy_since_ms = start;
    if (!db->busy_fn(db->busy_ctx, (long)(start - db->busy_since_ms)))
        return 0;
    left = DB_BUSY_STEP_MS - (now_ms() - start);
    if (left > 0)
        sqlite3_sleep((int)left);
    return 1;
}

void db_set_busy_wait(struct db *db, int (*fn)(void *ctx, long waited_ms), void *ctx)
{
    db->busy_fn = fn;
    db->busy_ctx = ctx;
    if (fn != NULL)
        sqlite3_busy_handler(db->h, busy_wait, db);
    else
        sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
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
