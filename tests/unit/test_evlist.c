/*
 * test_evlist.c: the window query under the calendar, the agenda and the
 * digest (db_event_window() in src/db/event.c, used by evlist_window()):
 * it reads an event long before the window, one after it and a series
 * that ended before it (by a date or a count) not at all, and never misses a series repeating
 * into the window, an all-day event begun before it, a series ending
 * after a count (the 20 days of "Counted" end on 9 December), or an
 * occurrence moved into the window from a series long over; what evlist
 * makes of them is exact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "db/db.h"
#include "db/event.h"
#include "evlist.h"
#include "evtime.h"
#include "kinds/kinds.h"
#include "util.h"

/* Stored as UTC; Dhaka is UTC+6. */
static const char *const rows[] = {
    "'Long before', '2025-01-05T04:00:00Z', '2025-01-05T05:00:00Z', 0, 'none', NULL, NULL, NULL",
    "'Weekly into', '2026-10-01T04:00:00Z', '2026-10-01T05:00:00Z', 0, 'weekly', 1,"
    " '2027-02-01', NULL",
    "'Weekly ended', '2026-09-01T04:00:00Z', '2026-09-01T05:00:00Z', 0, 'weekly', 1,"
    " '2026-10-20', NULL",
    "'After', '2027-05-01T04:00:00Z', '2027-05-01T05:00:00Z', 0, 'none', NULL, NULL, NULL",
    "'Spanning', '2026-11-25', '2026-12-02', 1, 'none', NULL, NULL, NULL",
    "'Counted', '2026-11-20T04:00:00Z', '2026-11-20T05:00:00Z', 0, 'daily', 1, NULL, 20",
    "'Counted before', '2026-01-01T04:00:00Z', '2026-01-01T05:00:00Z', 0, 'daily', 1, NULL, 5",
    "'Moved in', '2026-06-04T04:00:00Z', '2026-06-04T05:00:00Z', 0, 'weekly', 1,"
    " '2026-07-01', NULL",
};

static struct db *make_db(char **path)
{
    struct db *db;
    char *sql;

    unsetenv("MABDESK_TZ"); /* Asia/Dhaka */
    *path = tu_db_path();
    db = tu_db_open(*path, ROLE_ADMIN, 0);
    for (size_t i = 0; i < nitems(rows); i++) {
        sql = xasprintf("INSERT INTO event(uid, category, title_en, start_at, end_at, all_day,"
                        " recur, recur_interval, recur_until, recur_count)"
                        " VALUES ('uid-%zu', 'other', %s)",
                        i, rows[i]);
        assert_int_equal(tu_db_int(db, sql), -1);
        free(sql);
    }
    /* The 2026-06-11 occurrence of "Moved in" moved to 10 December. */
    assert_int_equal(tu_db_int(db,
                               "INSERT INTO event_exception(event_id, original_start,"
                               " cancelled, start_at, end_at) SELECT id,"
                               " '2026-06-11T04:00:00Z', 0, '2026-12-10T04:00:00Z',"
                               " '2026-12-10T05:00:00Z' FROM event WHERE title_en = 'Moved in'"),
                     -1);
    return db;
}

static int collect(const struct record *r, void *arg)
{
    struct buf *b = arg;

    buf_printf(b, "%s;", r->f[EF_TITLE_EN]);
    return DB_OK;
}

static void test_window_query(void **state)
{
    char *path, *got;
    struct db *db = make_db(&path);
    struct buf b = {0};

    (void)state;
    buf_adds(&b, "");
    assert_int_equal(db_event_window(db, "2026-11-29", "2026-12-17", 0, collect, &b, NULL), DB_OK);
    got = buf_take(&b);
    /* Read: what reaches the window (in the kind's order, not time's). */
    assert_non_null(strstr(got, "Weekly into;"));
    assert_non_null(strstr(got, "Spanning;"));
    assert_non_null(strstr(got, "Counted;"));
    assert_non_null(strstr(got, "Moved in;"));
    /* Not read: what cannot. */
    assert_null(strstr(got, "Long before;"));
    assert_null(strstr(got, "Weekly ended;"));
    assert_null(strstr(got, "After;"));
    assert_null(strstr(got, "Counted before;"));
    free(got);
    /* One organiser's: the association's events have none. */
    buf_adds(&b, "");
    assert_int_equal(db_event_window(db, "2026-11-29", "2026-12-17", 1, collect, &b, NULL), DB_OK);
    got = buf_take(&b);
    assert_string_equal(got, "");
    free(got);
    db_close(db);
    free(path);
}

/* What evlist makes of them: every occurrence from 1 to 15 December
 * (Dhaka), in time order. */
static void test_evlist_exact(void **state)
{
    char *path;
    struct db *db = make_db(&path);
    struct ev_line *v;
    int n;
    time_t from, to;
    struct buf b = {0};
    char *got;

    (void)state;
    assert_int_equal(evtime_epoch("2026-12-01", "Asia/Dhaka", &from), 0);
    assert_int_equal(evtime_epoch("2026-12-15", "Asia/Dhaka", &to), 0);
    assert_int_equal(evlist_window(db, from, to, 0, &v, &n, NULL), DB_OK);
    buf_adds(&b, "");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s %s;", v[i].start, v[i].title_en);
    got = buf_take(&b);
    assert_string_equal(got, "2026-11-25 Spanning;"
                             "2026-12-01T04:00:00Z Counted;2026-12-02T04:00:00Z Counted;"
                             "2026-12-03T04:00:00Z Weekly into;2026-12-03T04:00:00Z Counted;"
                             "2026-12-04T04:00:00Z Counted;2026-12-05T04:00:00Z Counted;"
                             "2026-12-06T04:00:00Z Counted;2026-12-07T04:00:00Z Counted;"
                             "2026-12-08T04:00:00Z Counted;2026-12-09T04:00:00Z Counted;"
                             "2026-12-10T04:00:00Z Weekly into;2026-12-10T04:00:00Z Moved in;");
    free(got);
    evlist_free(v, n);
    db_close(db);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_window_query),
        cmocka_unit_test(test_evlist_exact),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
