/*
 * search.c: what a person types into a search line, as an FTS5 query
 * every kind's search index understands; and the search index and page
 * cache of a big change (imports): indexed once at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/kindsql.h"
#include "text.h"
#include "util.h"

/* 1 if the word holds a character the FTS tokenizer keeps (L* N* Co M*). */
static int has_token_char(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t n =
            utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(len - i), &cp);

        if (n <= 0) {
            i++;
            continue;
        }
        i += (size_t)n;
        switch (utf8proc_category(cp)) {
        case UTF8PROC_CATEGORY_LU:
        case UTF8PROC_CATEGORY_LL:
        case UTF8PROC_CATEGORY_LT:
        case UTF8PROC_CATEGORY_LM:
        case UTF8PROC_CATEGORY_LO:
        case UTF8PROC_CATEGORY_MN:
        case UTF8PROC_CATEGORY_MC:
        case UTF8PROC_CATEGORY_ME:
        case UTF8PROC_CATEGORY_ND:
        case UTF8PROC_CATEGORY_NL:
        case UTF8PROC_CATEGORY_NO:
        case UTF8PROC_CATEGORY_CO:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * The FTS5 query for what a person typed: NFC, split into words, each word
 * a quoted prefix term ("word"*), all ANDed; quotes inside a word doubled.
 * NULL when nothing in it can match a token (no filter).
 */
char *db_fts_query(const char *search)
{
    struct buf b = {0};
    char *s;
    const char *p;

    if (search == NULL || *search == '\0')
        return NULL;
    s = text_nfc(search);
    p = s;
    while (*p != '\0') {
        const char *start;

        while (is_space(*p))
            p++;
        start = p;
        while (*p != '\0' && !is_space(*p))
            p++;
        if (p == start || !has_token_char(start, (size_t)(p - start)))
            continue;
        if (b.len > 0)
            buf_adds(&b, " AND ");
        buf_addc(&b, '"');
        for (const char *q = start; q < p; q++) {
            if (*q == '"')
                buf_addc(&b, '"');
            buf_addc(&b, *q);
        }
        buf_adds(&b, "\"*");
    }
    free(s);
    if (b.len == 0) {
        buf_free(&b);
        return NULL;
    }
    return buf_take(&b);
}

/* --- the search index, built once at the end of a big change ------------------- */

static const char sql_defer_on[] = "INSERT INTO search_defer VALUES (1)";
static const char sql_defer_off[] = "DELETE FROM search_defer";
static const char sql_pending_clear[] = "DELETE FROM temp.search_pending";
static const char sql_pending_add[] = "INSERT OR IGNORE INTO temp.search_pending VALUES (?1)";

int db_search_defer(struct db *db, const struct kind *k, char **err)
{
    int rc;

    if (k->fts_table == NULL)
        return DB_OK;
    rc = db_exec_id(db, sql_pending_clear, 0, err);
    return rc == DB_OK ? db_exec_id(db, sql_defer_on, 0, err) : rc;
}

int db_search_note(struct db *db, const struct kind *k, long long id, char **err)
{
    return k->fts_table != NULL ? db_exec_id(db, sql_pending_add, id, err) : DB_OK;
}

int db_search_sync(struct db *db, const struct kind *k, char **err)
{
    struct kind_sql *q = kind_sql(k);
    const char *const steps[] = {q->fts_unindex, q->fts_index, sql_pending_clear, sql_defer_off};
    int rc = DB_OK;

    for (size_t i = 0; k->fts_table != NULL && i < nitems(steps) && rc == DB_OK; i++)
        rc = db_exec_id(db, steps[i], 0, err);
    return rc;
}

/* --- the page cache of a big change ----------------------------------------------- */

/*
 * The page cache for the length of an import: every page the transaction
 * dirties (records, audit rows, indexes, the search index) then stays in
 * memory until the commit writes it once, instead of being spilled to the
 * WAL and read back again and again (SQLite's default is 2 MiB, a few
 * thousand rows' worth).  Only the pages used are allocated.  *old gets the
 * setting to restore (0: leave it).
 */
#define IMPORT_CACHE_KIB 65536
#define IMPORT_CACHE_SQL "PRAGMA cache_size = -32768" /* -IMPORT_CACHE_KIB */

void db_cache_widen(struct db *db, int *old)
{
    sqlite3_stmt *st;

    *old = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA cache_size", -1, &st, NULL) != SQLITE_OK)
        return;
    if (sqlite3_step(st) == SQLITE_ROW)
        *old = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    /* Negative: KiB; positive: pages.  Only ever made larger. */
    if (*old == 0 || (*old < 0 && -*old >= IMPORT_CACHE_KIB) || (*old > 0 && *old >= 16384)) {
        *old = 0;
        return;
    }
    if (sqlite3_exec(db->h, IMPORT_CACHE_SQL, NULL, NULL, NULL) != SQLITE_OK)
        *old = 0;
}

void db_cache_restore(struct db *db, int old)
{
    char sql[64];

    if (old == 0)
        return;
    /* A number read back from SQLite above, not text from a person. */
    snprintf(sql, sizeof sql, "PRAGMA cache_size = %d", old);
    sqlite3_exec(db->h, sql, NULL, NULL, NULL);
}
