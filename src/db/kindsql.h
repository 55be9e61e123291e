/*
 * kindsql.h: the SQL of a kind of record, built once from its descriptor
 * and kept for the life of the process (db_stmt() keys its cache on these
 * pointers).  Only column names, expressions and joins written in the
 * descriptors go into this text; every value is a bound parameter.
 * Internal to src/db/.
 */
#ifndef MABDESK_DB_KINDSQL_H
#define MABDESK_DB_KINDSQL_H

#include <sqlite3.h>

#include "db/records.h"
#include "record.h"

struct db;

#define NOW_SQL "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

/* New records an import adds with one many-row INSERT, at most. */
#define IMPORT_BATCH 64

struct kind_sql {
    const struct kind *kind;
    int nparams;  /* of one row of insert: fields, stored extras, user */
    char *from;   /* "<table> t" and every join */
    char *json;   /* the audit log's JSON of t (an expression) */
    char *get;    /* ?1 id */
    char *all;    /* every record, in the first sort's order */
    char *select; /* the columns of get and all FROM from, for a WHERE of a kind's own */
    char *get_json;
    char *insert; /* ?1.. fields, stored extras, user */
    char *update; /* ?1.. fields, ?P user, ?P+1 id, ?P+2 version */
    char *delete_;
    char *version;
    char *owner; /* the owning municipality of record ?1 */
    char *max_id;
    char *added_json;  /* ?1 above */
    char *added_audit; /* ?1 above, ?2 user, ?3 kind */
    char *added_ids;
    char *fts_unindex, *fts_index; /* of temp.search_pending; NULL without an index */
    char *batch[IMPORT_BATCH + 1];
    /* Lists: [filters in use: bit 0 search, bit 1 + i filter i][sort][bn]. */
    char *page[1 << (1 + KIND_MAX_FILTERS)][KIND_MAX_SORTS][2];
    char *count[1 << (1 + KIND_MAX_FILTERS)];
    /* A search's page in the index's order, and its capped count. */
    char *found[1 << (1 + KIND_MAX_FILTERS)];
    char *found_many;
};

/* The kind's SQL (built on first use). */
struct kind_sql *kind_sql(const struct kind *);
/* The many-row INSERT of k rows (k <= IMPORT_BATCH). */
const char *kind_sql_batch(struct kind_sql *, int k);
/* The list statements for the filters in use (bit 0 search, bit 1 + i
 * filter i), a sort and a language. */
const char *kind_sql_page(struct kind_sql *, unsigned used, int sort, int bn);
const char *kind_sql_count(struct kind_sql *, unsigned used);
/* A search's page in the order the search index finds its matches (the
 * order records were added), with the same parameters as the page: for a
 * search with more matches than sorting them costs (see db_record_page()). */
const char *kind_sql_found(struct kind_sql *, unsigned used);
/* SELECT whether search ?1 has more than DB_SEARCH_SORT_MAX matches. */
const char *kind_sql_found_many(struct kind_sql *);

/* --- shared by record.c and import.c ------------------------------------ */

/* dst (uninitialised) becomes src with every field NFC and trimmed and
 * choices by their stored value, as every input path stores. */
void db_record_clean(struct record *dst, const struct record *src);
/* The kind's change hook (record.h) on c, cleaned, against the record as
 * stored: DB_OK with *bad -1 when allowed, else the bad field (or
 * RECORD_BAD) and msg; another status only when the database fails. */
int db_record_rules(struct db *, struct record *c, int *bad, char *msg, size_t msgsz, char **err);
/* fn on each record of kind k that st (from db_stmt(), bound, selecting
 * kind_sql(k)->select's columns) returns, then db_done(st): as
 * db_record_each(), which the caller checked the permission of. */
int db_record_each_stmt(struct db *, const struct kind *, sqlite3_stmt *,
                        int (*fn)(const struct record *, void *), void *arg, char **err);
/* Validate c and find the ids its references name (refs[field]); on
 * DB_INVALID *bad names the field (or RECORD_BAD). */
int db_record_resolve(struct db *, const struct record *c, long long *refs, int *bad, char **err);
/* Bind c's values from parameter base + 1 (see kind_sql's insert). */
void db_record_bind(struct db *, sqlite3_stmt *, int base, const struct record *c,
                    const long long *refs, int inserting);
/* Insert (c->id == 0) or update (WHERE id AND version) one cleaned,
 * validated record and append its audit row, inside a transaction.
 * DB_NOTFOUND / DB_CONFLICT come back without a message. */
int db_record_write(struct db *, const struct record *c, const long long *refs,
                    const struct record_also *also, const char *action, long long *id, char **err);

#endif
