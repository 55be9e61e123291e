/*
 * db.h: the only way into the database.
 *
 * Every function takes the open handle, which carries the session it was
 * opened for.  Every write asks auth_allowed() first, then writes and appends
 * its audit row in the same transaction.  No curses here, ever.
 *
 * Functions return an enum db_status; on anything but DB_OK they set *err (if
 * err is not NULL) to a malloc'd one-line message for a person.
 */
#ifndef MABDESK_DB_H
#define MABDESK_DB_H

#include "auth.h"
#include "db/records.h"
#include "kinds/kinds.h"

enum db_status {
    DB_OK = 0,
    DB_NOTFOUND,
    DB_CONFLICT, /* someone else saved first */
    DB_DENIED,   /* the session may not do this */
    DB_INVALID,  /* bad value: see the field / message */
    DB_BUSY,
    DB_ERROR, /* the database itself: cannot be read or written, damaged, not ours */
    DB_NEWER  /* made by a newer release: refused, left as it is */
};

struct db;

/* $MABDESK_DB, else $XDG_DATA_HOME/mabdesk/mabdesk.db, else
 * ~/.local/share/mabdesk/mabdesk.db.  Malloc'd. */
char *db_default_path(void);

/*
 * Open the database at path for session s.  Where no file exists, it is
 * created (mode 0600, its new directories 0700), migrated and seeded; an
 * existing file is only brought up to date: an empty or damaged one, one
 * that is not a mabdesk database (DB_ERROR) or is from a newer release
 * (DB_NEWER) is refused and left as it is.  Read-only sessions get a
 * connection that refuses writes at the SQLite level too.  Every message
 * names the file.
 *
 * A database this process cannot write (the file, its directory, its -wal
 * or -shm file) is opened for reading, if its schema is current: writes
 * then fail with DB_ERROR and db_read_only_reason(), while sessions that
 * may not write still get DB_DENIED.
 */
int db_open(struct db **out, const char *path, const struct session *s, char **err);
void db_close(struct db *);
/* Why this process cannot write the open database ("the directory /x is
 * not writable ..."), or NULL when it can. */
const char *db_read_only_reason(const struct db *);
/*
 * While another program holds the database, wait through fn instead of
 * sleeping blindly: fn is called about every DB_BUSY_STEP_MS with the time
 * waited so far (0 on the first call of each wait); it may block up to
 * DB_BUSY_STEP_MS itself (waiting for a key, say), and db/ sleeps what is
 * left of the step.  fn returns non-zero to go on waiting, 0 to give up:
 * the operation then fails with DB_BUSY.  fn must not call db/: SQLite
 * does not allow the waiting connection to be used.  fn NULL: wait up to
 * 5 s, then DB_BUSY (the default).
 */
enum { DB_BUSY_STEP_MS = 50 };
void db_set_busy_wait(struct db *, int (*fn)(void *ctx, long waited_ms), void *ctx);
const struct session *db_session(const struct db *);
/* Schema version of the open database (PRAGMA user_version). */
int db_schema_version(struct db *);

/* Divisions and districts. */
struct geo_item {
    long long id;
    long long parent_id; /* a district's division; 0 for divisions */
    char *name_en;
    char *name_bn;
};
int db_divisions(struct db *, struct geo_item **items, int *n, char **err);
/* division_id 0: all districts. */
int db_districts(struct db *, long long division_id, struct geo_item **items, int *n, char **err);
void geo_items_free(struct geo_item *, int n);
/* The district called name (English, alternative spelling or Bengali;
 * Latin letters case-insensitive): DB_OK and *id, or DB_NOTFOUND. */
int db_district_lookup(struct db *, const char *name, long long *id, char **err);

/* Audit log: append-only, newest first.  Reading it needs AUTH_READ_AUDIT
 * (admin); other sessions get DB_DENIED. */
struct audit_query {
    const char *user;        /* NULL: any */
    const char *record_kind; /* "municipality", ...; NULL: any */
    long long record_id;     /* 0: any */
};
struct audit_row {
    long long id;
    char *at; /* UTC ISO 8601 */
    char *user;
    char *action; /* "create" | "update" | "delete" | "import" */
    char *record_kind;
    long long record_id;
    char *before; /* JSON or NULL */
    char *after;  /* JSON or NULL */
};
int db_audit_count(struct db *, const struct audit_query *, int *n, char **err);
int db_audit_page(struct db *, const struct audit_query *, int offset, int limit,
                  struct audit_row **rows, int *n, char **err);
void audit_rows_free(struct audit_row *, int n);

/*
 * Safety copies (backup.c).  db_backup(): a consistent copy of the open
 * database at dest, taken online while others read and write, made 0600
 * and put in place when complete; admin only (it holds the accounts).
 * db_health(): of the file at path, opened read-only and never migrated:
 * its schema version against this release's, integrity_check ("ok" or
 * its first problems) and the number of foreign key problems.
 * db_restore(): the database at path replaced by a copy of from, after
 * checking from (a sound mabdesk database of this or an earlier release);
 * refused (DB_BUSY) while any process has path open; the old files are
 * kept as *kept (malloc'd; NULL when there were none).
 */
int db_backup(struct db *, const char *dest, char **err);
struct db_health {
    int version, latest;
    char *integrity;
    int fk_problems;
};
int db_health(const char *path, struct db_health *, char **err);
void db_health_free(struct db_health *);
int db_restore(const char *path, const char *from, char **kept, char **err);

/* Pages of text kept in the database: "about" in "en" and "bn". */
int db_page_get(struct db *, const char *key, const char *lang, char **text, char **err);

#endif
