/*
 * internal.h: what the files of src/db/ share and nothing outside db/ may
 * include: the handle, cached statements, transactions, the audit log and
 * the one place where SQLite result codes become messages for a person.
 *
 * Never include this from screens, ssh/ or main.c: they go through db.h.
 */
#ifndef MABDESK_DB_INTERNAL_H
#define MABDESK_DB_INTERNAL_H

#include <sqlite3.h>

#include "auth.h"
#include "kinds/kinds.h"
#include "util.h"

/* Statements prepared once per handle, keyed by the address of their SQL
 * text (always a string literal or a static array). */
struct db_cached_stmt {
    const char *sql;
    sqlite3_stmt *stmt;
};

/* How long a connection waits for another program's lock before
 * DB_BUSY, unless db_set_busy_wait() says otherwise. */
enum { DB_BUSY_TIMEOUT_MS = 5000 };

struct db {
    sqlite3 *h;
    struct session s;
    int read_only;   /* the session may not write (viewer, kiosk) */
    char *ro_reason; /* this process cannot write the file: why (db_read_only_reason) */
    int (*busy_fn)(void *ctx, long waited_ms);
    void *busy_ctx;
    long long busy_since_ms; /* when the current wait began (CLOCK_MONOTONIC) */
    struct db_cached_stmt *cache;
    int ncache;
    int cache_cap;
    int public_writes; /* db_subscribe_public() calls made so far */
};

/*
 * A cached statement for sql (a string with static storage: the pointer is
 * the key), reset and with its bindings cleared.  Call db_done() when
 * finished stepping it, so it does not hold a read snapshot open.  NULL and
 * *err set if it cannot be prepared.
 */
sqlite3_stmt *db_stmt(struct db *, const char *sql, char **err);
void db_done(sqlite3_stmt *);

/*
 * One step of a statement, then db_done().
 * db_one: st from db_stmt(), bound (NULL when db_stmt() failed: DB_ERROR).
 * DB_OK when it yields a row, whose column 0 goes to *i64 and *text (each
 * if not NULL; text malloc'd, "" for NULL); DB_NOTFOUND with no message
 * when there is none (*i64 0, *text NULL).
 * db_one_id: the same for the cached statement sql with ?1 bound to id (a
 * statement without parameters ignores id).
 * db_exec_id: likewise, for a statement that yields no rows; DB_OK when it
 * ran.
 * Anything else: DB_ERROR if sql cannot be prepared, or db_fail()'s status
 * and message.
 */
int db_one(struct db *, sqlite3_stmt *st, long long *i64, char **text, char **err);
/* The same for a row of two texts: columns 0 and 1 to *a and *b. */
int db_two(struct db *, sqlite3_stmt *st, char **a, char **b, char **err);
int db_one_id(struct db *, const char *sql, long long id, long long *i64, char **text, char **err);
int db_exec_id(struct db *, const char *sql, long long id, char **err);

/*
 * Map a SQLite result code to a status and a message for a person; sets
 * *err (if not NULL) and returns the status.  The only place that turns
 * SQLite's codes into words.
 */
int db_fail(struct db *, int rc, char **err);
/* The same for a connection before its struct db exists (h may be NULL). */
int db_fail_h(sqlite3 *h, int rc, char **err);
/* db_record_get() without the session's read check: for the writes that
 * load what is stored (save, delete, import, the public form). */
int db_record_load(struct db *, const struct kind *, long long id, struct record *out, char **err);
/* The authorizer answer of a read-only connection (open.c). */
int db_authorize_read(int action, const char *a, const char *b);
/* Set *err (if not NULL) to a formatted copy; returns status. */
int db_err(char **err, int status, const char *fmt, ...) MAB_PRINTF(3, 4);

/* BEGIN IMMEDIATE (a write transaction taken up front, so a busy database
 * is reported before any work), COMMIT, ROLLBACK. */
int db_begin(struct db *, char **err);
int db_commit(struct db *, char **err);
void db_rollback(struct db *);

/*
 * Append one audit row in the current transaction: who is the session's
 * user, when is now (UTC), before / after are JSON or NULL.
 */
int db_audit_add(struct db *, const char *action, const char *record_kind, long long record_id,
                 const char *before, const char *after, char **err);

/* A column as a malloc'd string ("" for NULL). */
char *db_col_str(sqlite3_stmt *, int col);

/* The FTS5 query for search text (see db_muni_count), or NULL for no
 * filter.  Malloc'd. */
char *db_fts_query(const char *search);

/*
 * A big change (an import) leaves kind k's search index alone while it
 * writes (db_search_defer), notes each record it writes (db_search_note),
 * and brings the index up to date once at the end, in one statement
 * (db_search_sync), all inside its transaction.
 */
struct kind;
int db_search_defer(struct db *, const struct kind *k, char **err);
int db_search_note(struct db *, const struct kind *k, long long id, char **err);
int db_search_sync(struct db *, const struct kind *k, char **err);

/* A larger page cache for the length of a big change (*old: what to give
 * back to db_cache_restore, 0 when nothing was changed). */
void db_cache_widen(struct db *, int *old);
void db_cache_restore(struct db *, int old);

/* The schema's migrations (schema.c): entry i takes PRAGMA user_version
 * from i to i + 1, its sql then its hook (or NULL) in one transaction. */
struct db_migration {
    const char *sql;
    int (*hook)(sqlite3 *, char **err);
};
extern const struct db_migration db_migrations[];
extern const int db_nmigrations;

/*
 * The schema version of the database open on h (read from path, named in
 * messages) in *version: DB_OK, or refused with a message saying what the
 * file is and what to do (not SQLite, damaged, no schema version, another
 * program's, DB_NEWER from a newer release).  Only reads.
 */
int db_check_schema(sqlite3 *h, const char *path, int *version, char **err);
/* A consistent copy of the database open on src in a new file at dest
 * (0600; complete, or not there at all). */
int db_copy_to(sqlite3 *src, const char *dest, char **err);

/* Seed data: run inside migration 1's transaction on a new database.
 * Fatal on a seed row that cannot be resolved (a bug in data/). */
int db_seed_load(sqlite3 *, char **err);
/* The SQL functions events need on every connection (db/event.c):
 * local_time(x).  An SQLite result code. */
int db_event_functions(sqlite3 *);
/* The district a seed row names: English name, alternative spelling or
 * Bengali name (any normalisation form).  Fatal when there is none. */
long long db_seed_district(sqlite3 *, const char *name_en, const char *name_bn, const char *where);

/*
 * A connection of its own to the file db is open on, for a write the
 * session's connection may not make (a kiosk's subscription, a viewer's
 * choice of language): only what auth allows, whatever code runs on it.
 * The session (db->s) comes along; close it with db_close().
 */
int db_side_open(struct db *db,
                 int (*auth)(void *, int, const char *, const char *, const char *, const char *),
                 struct db **out, char **err);

#endif
