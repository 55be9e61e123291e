/*
 * event.c (db/): what the database does for events beyond the generic
 * record code: the SQL function local_time() that reads a stored UTC
 * time in the configured zone (the event kind's fields and list use it;
 * db_record_bind() stores the other way), and the import of events read
 * from iCalendar: the generic save's checks and writes (kindsql.h), one
 * transaction, exceptions written inside each event's save.
 */
#include "db/event.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/internal.h"
#include "db/kindsql.h"
#include "evrecur.h"
#include "evtime.h"
#include "i18n.h"
#include "util.h"

/* local_time(x): a stored time (evtime.h) as a local one; NULL stays NULL
 * and anything unreadable comes back as it is. */
static void local_time_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const unsigned char *s = sqlite3_value_text(argv[0]);
    char out[EVTIME_LEN];

    (void)argc;
    if (s == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    if (evtime_to_local((const char *)s, evtime_zone(), out) != 0) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    sqlite3_result_text(ctx, out, -1, SQLITE_TRANSIENT);
}

int db_event_functions(sqlite3 *h)
{
    return sqlite3_create_function(h, "local_time", 1, SQLITE_UTF8 | SQLITE_INNOCUOUS, NULL,
                                   local_time_fn, NULL, NULL);
}

/* --- import ------------------------------------------------------------------- */

static const char sql_uid[] = "SELECT id FROM event WHERE uid = ?1";
static const char sql_ex_clear[] = "DELETE FROM event_exception WHERE event_id = ?1";
static const char sql_ex_add[] = "INSERT INTO event_exception(event_id, original_start, cancelled,"
                                 " start_at, end_at) VALUES (?1, ?2, ?3, ?4, ?5)";

#define MAX_EXCEPTIONS 512

static void bind_or_null(sqlite3_stmt *st, int p, const char *s)
{
    if (*s != '\0')
        sqlite3_bind_text(st, p, s, -1, SQLITE_TRANSIENT);
}

/* The event's exceptions (arg: EX_EXCEPTIONS) in place of the stored
 * ones; runs inside the save (struct record_also). */
static int write_exceptions(struct db *db, long long id, const void *arg, char **err)
{
    struct ev_exception *ex = xcalloc(MAX_EXCEPTIONS, sizeof *ex);
    int n = evrecur_exceptions(arg, ex, MAX_EXCEPTIONS), rc;

    if (n < 0)
        rc = db_err(err, DB_INVALID, "%s", _("too many cancelled or moved occurrences"));
    else
        rc = db_exec_id(db, sql_ex_clear, id, err);
    for (int i = 0; rc == DB_OK && i < n; i++) {
        sqlite3_stmt *st = db_stmt(db, sql_ex_add, err);
        int step;

        if (st == NULL) {
            rc = DB_ERROR;
            break;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_text(st, 2, ex[i].original, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 3, ex[i].cancelled);
        bind_or_null(st, 4, ex[i].start);
        bind_or_null(st, 5, ex[i].end);
        step = sqlite3_step(st);
        db_done(st);
        if (step != SQLITE_DONE)
            rc = db_fail(db, step, err);
    }
    free(ex);
    return rc;
}

struct import_state {
    struct event_import_stats *stats;
    struct row_error *errs;
    int nerrs;
};

static void row_error(struct import_state *s, int row, int field, char *msg)
{
    s->errs = xreallocarray(s->errs, (size_t)s->nerrs + 1, sizeof *s->errs);
    s->errs[s->nerrs].row = row;
    s->errs[s->nerrs].field = field;
    s->errs[s->nerrs++].msg = msg;
}

/* The stored event with row's UID, if any, into *stored (its id 0 if none). */
static int find_stored(struct db *db, const struct record *row, struct record *stored, char **err)
{
    sqlite3_stmt *st = db_stmt(db, sql_uid, err);
    long long id = 0;
    int rc;

    if (st != NULL)
        sqlite3_bind_text(st, 1, row->x[EX_UID], -1, SQLITE_TRANSIENT);
    rc = db_one(db, st, &id, NULL, err);
    if (rc == DB_NOTFOUND)
        return DB_OK;
    return rc == DB_OK ? db_record_load(db, &kind_event, id, stored, err) : rc;
}

/* Check and write row i (cleaned into c); DB_OK also when the row is
 * rejected (noted in s) or unchanged. */
static int import_row(struct db *db, struct record *c, const struct record *stored,
                      struct import_state *s, int i, char **err)
{
    long long *refs = xcalloc(EF_COUNT, sizeof *refs), id;
    struct record_also also = {write_exceptions, c->x[EX_EXCEPTIONS]};
    char msg[256], *why = NULL;
    int bad = -1, rc = db_record_rules(db, c, &bad, msg, sizeof msg, err);

    if (rc == DB_OK && bad != -1) {
        row_error(s, i, bad,
                  bad >= 0 ? xasprintf("%s: %s", _(kind_event.fields[bad].label), msg)
                           : xstrdup(msg));
    } else if (rc == DB_OK && (rc = db_record_resolve(db, c, refs, &bad, &why)) == DB_INVALID) {
        row_error(s, i, bad, why);
        why = NULL;
        rc = DB_OK;
    } else if (rc == DB_OK && stored->id != 0 && record_same_fields(stored, c) &&
               strcmp(stored->x[EX_EXCEPTIONS], c->x[EX_EXCEPTIONS]) == 0) {
        s->stats->unchanged++;
    } else if (rc == DB_OK) {
        rc = db_record_write(db, c, refs, &also, "import", &id, &why);
        if (rc == DB_OK)
            rc = db_search_note(db, &kind_event, id, &why);
        if (rc == DB_OK && stored->id != 0)
            s->stats->updated++;
        else if (rc == DB_OK)
            s->stats->added++;
    }
    if (rc != DB_OK && why != NULL && err != NULL) {
        free(*err);
        *err = why;
        why = NULL;
    }
    free(why);
    free(refs);
    return rc;
}

/* Row i as it is to be written: the stored event it updates (its id and
 * version, and its organiser unless one is given), else a new one. */
static int prepare_row(struct db *db, struct record *row, const char *organiser,
                       struct record *stored, char **err)
{
    int rc = find_stored(db, row, stored, err);

    if (rc != DB_OK)
        return rc;
    row->id = stored->id;
    row->version = stored->version;
    if (organiser != NULL)
        record_set(row, EF_MUNICIPALITY, organiser);
    else if (stored->id != 0)
        record_set(row, EF_MUNICIPALITY, stored->f[EF_MUNICIPALITY]);
    return DB_OK;
}

int db_event_import(struct db *db, struct record *rows, int n, const char *organiser, int dry_run,
                    struct event_import_stats *stats, struct row_error **errs, int *nerrs,
                    char **err)
{
    struct import_state s = {stats, NULL, 0};
    int rc, old_cache = 0;

    memset(stats, 0, sizeof *stats);
    *errs = NULL;
    *nerrs = 0;
    if (!auth_allowed(&db->s, kind_event.auth[VERB_IMPORT], 0))
        return db_err(err, DB_DENIED, "%s", _(kind_event.msgs.may_not[VERB_IMPORT]));
    if ((rc = db_begin(db, err)) != DB_OK)
        return rc;
    db_cache_widen(db, &old_cache);
    rc = db_search_defer(db, &kind_event, err);
    for (int i = 0; rc == DB_OK && i < n; i++) {
        struct record stored, c;

        record_init(&stored, &kind_event);
        rc = prepare_row(db, &rows[i], organiser, &stored, err);
        if (rc == DB_OK) {
            db_record_clean(&c, &rows[i]);
            /* Not a stored value of the record: what write_exceptions() writes. */
            str_set(&c.x[EX_EXCEPTIONS], rows[i].x[EX_EXCEPTIONS]);
            rc = import_row(db, &c, &stored, &s, i, err);
            record_free(&c);
        }
        record_free(&stored);
    }
    /* Indexed even for a dry run: a problem there must show now too. */
    if (rc == DB_OK && s.nerrs == 0)
        rc = db_search_sync(db, &kind_event, err);
    db_cache_restore(db, old_cache);
    if (rc == DB_OK && s.nerrs == 0 && !dry_run)
        return db_commit(db, err);
    db_rollback(db);
    *errs = s.errs;
    *nerrs = s.nerrs;
    if (rc == DB_OK && s.nerrs > 0)
        rc = db_err(err, DB_INVALID, "%s", _("nothing was imported"));
    return rc;
}

/*
 * The events that can have an occurrence in [lo, hi): one that does not
 * repeat by its own start and end; a series by its start and the latest
 * day its last occurrence can end: until (a date), or after a count the
 * start plus count times interval times the longest its period can be
 * (a monthly day 31 skips to the next month that has one, a yearly 29
 * February may wait 8 years), plus one occurrence's length in days; a
 * series with neither, always; and any with a moved occurrence in the
 * window.  Stored times and dates compare as text ("2026-12-01" sorts
 * before that day's times), so lo and hi are dates a little wider than
 * the window, and evrecur_expand() cuts exactly.
 */
#define DAYS_LONG                                                                                  \
    "CAST(julianday(substr(e.end_at, 1, 10)) - julianday(substr(e.start_at, 1, 10)) AS INTEGER)"
/* The ids first, from the covering index event_window alone (an OR of
 * the two kinds of row at the top would have the planner read the
 * table for every event begun before the window). */
static const char window_where[] =
    " WHERE (?3 = 0 OR coalesce(t.municipality_id, 0) = ?3) AND t.id IN (SELECT e.id FROM event e"
    " WHERE e.start_at < ?2 AND ((e.recur = 'none' AND e.end_at >= ?1) OR (e.recur <> 'none' AND"
    " ((e.recur_until IS NULL AND e.recur_count IS NULL)"
    " OR date(e.recur_until, '+' || " DAYS_LONG " || ' days') >= ?1"
    " OR date(substr(e.start_at, 1, 10), '+' || (e.recur_count * coalesce(e.recur_interval, 1)"
    " * CASE e.recur WHEN 'daily' THEN 1 WHEN 'weekly' THEN 7 WHEN 'monthly' THEN 62"
    " ELSE 2922 END + " DAYS_LONG ") || ' days') >= ?1)))"
    " UNION SELECT event_id FROM event_exception WHERE cancelled = 0 AND start_at < ?2"
    " AND end_at >= ?1)";

int db_event_window(struct db *db, const char *lo, const char *hi, long long municipality,
                    int (*fn)(const struct record *, void *), void *arg, char **err)
{
    static char *sql;
    sqlite3_stmt *st;

    if (!auth_allowed(&db->s, kind_event.auth[VERB_READ], 0))
        return db_err(err, DB_DENIED, "%s", _(kind_event.msgs.may_not[VERB_READ]));
    if (sql == NULL)
        sql = xasprintf("%s%s", kind_sql(&kind_event)->select, window_where);
    if ((st = db_stmt(db, sql, err)) == NULL)
        return DB_ERROR;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, hi, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, municipality);
    return db_record_each_stmt(db, &kind_event, st, fn, arg, err);
}
