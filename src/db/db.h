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
    DB_ERROR
};

struct db;

/* $MABDESK_DB, else $XDG_DATA_HOME/mabdesk/mabdesk.db, else
 * ~/.local/share/mabdesk/mabdesk.db.  Malloc'd. */
char *db_default_path(void);

/*
 * Open (creating the file and its directory, migrating and seeding as needed)
 * the database at path for session s.  Read-only sessions get a connection
 * that refuses writes at the SQLite level too.
 */
int db_open(struct db **out, const char *path, const struct session *s, char **err);
void db_close(struct db *);
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

/* Pages of text kept in the database: "about" in "en" and "bn". */
int db_page_get(struct db *, const char *key, const char *lang, char **text, char **err);

#endif
