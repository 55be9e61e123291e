/*
 * fixtures.c: shared set-up and look-ups for the suites (see fixtures.h).
 *
 * Everything here may fail the calling test through cmocka, so it must
 * never be linked into anything but the test binaries (bench/ links vt.c
 * only).  It reads and starts things and checks only what it needs to go
 * on (fixtures.h says what with each); what a test expects of the results
 * stays in the test.  It reads the handle's connection through
 * db/internal.h, as the db/ unit tests do.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "vt.h"

#include "db/db.h"
#include "db/internal.h"
#include "util.h"

static char *test_db;

int tu_teardown_tmpdir(void **state)
{
    (void)state;
    tu_cleanup();
    return 0;
}

/* --- a database through db.h ------------------------------------------- */

struct db *tu_db_open(const char *path, enum role r, long long municipality_id)
{
    struct session s = tu_session(r, municipality_id);
    struct db *db = NULL;
    char *err = NULL;

    if (db_open(&db, path, &s, &err) != DB_OK)
        fail_msg("db_open %s: %s", path, err);
    return db;
}

long long tu_db_int(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    long long v = -1;

    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

char *tu_db_text(struct db *db, const char *sql)
{
    sqlite3_stmt *st;
    char *v = NULL;

    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db->h));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

int tu_muni_count(struct db *db, const char *search)
{
    struct record_query q = {0};
    char *err = NULL;
    int n = -1;

    q.search = search;
    if (db_record_count(db, &kind_municipality, &q, &n, &err) != DB_OK)
        fail_msg("count %s: %s", search != NULL ? search : "(all)", err);
    return n;
}

/* --- a database file, read beside a running program -------------------- */

char *tu_sql_text(const char *path, const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *v = NULL;

    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

long long tu_sql_int(const char *path, const char *sql)
{
    char *v = tu_sql_text(path, sql);
    long long n;

    assert_non_null(v);
    n = atoll(v);
    free(v);
    return n;
}

/* --- the binary without a terminal -------------------------------------- */

/* mabdesk --db db and the arguments in ap; *first gets the first of them
 * (or ""), for messages. */
static int mabdesk_v(const char *db, char **out, char **err, va_list ap, const char **first)
{
    const char *argv[32];
    const char *a;
    int n = 0, rc;

    argv[n++] = tu_bin();
    argv[n++] = "--db";
    argv[n++] = db;
    while ((a = va_arg(ap, const char *)) != NULL && n < 31)
        argv[n++] = a;
    argv[n] = NULL;
    if (first != NULL)
        *first = n > 3 ? argv[3] : "";
    rc = tu_run((char *const *)argv, NULL, out, err);
    assert_true(rc >= 0);
    return rc;
}

int tu_mabdesk_status(const char *db, char **out, char **err, ...)
{
    va_list ap;
    int rc;

    va_start(ap, err);
    rc = mabdesk_v(db, out, err, ap, NULL);
    va_end(ap);
    return rc;
}

char *tu_mabdesk(const char *db, ...)
{
    char *out = NULL, *err = NULL;
    const char *first;
    va_list ap;
    int rc;

    va_start(ap, db);
    rc = mabdesk_v(db, &out, &err, ap, &first);
    va_end(ap);
    if (rc != 0)
        fprintf(stderr, "mabdesk %s: exit %d\n%s%s", first, rc, out ? out : "", err ? err : "");
    assert_int_equal(rc, 0);
    free(err);
    return out != NULL ? out : xstrdup("");
}

void tu_create_db(const char *db)
{
    free(tu_mabdesk(db, "find", "Amtali", NULL));
}

/* --- screen tests ------------------------------------------------------ */

int tu_screen_setup(void **state)
{
    (void)state;
    free(test_db);
    test_db = tu_db_path();
    return 0;
}

int tu_screen_teardown(void **state)
{
    (void)state;
    vt_close_all();
    free(test_db);
    test_db = NULL;
    tu_cleanup();
    return 0;
}

const char *tu_test_db(void)
{
    if (test_db == NULL)
        fatal("tu_test_db() outside a test set up by tu_screen_setup()");
    return test_db;
}

char *tu_terminfo(const char *source)
{
    char *dir = xasprintf("%s/terminfo", tu_tmpdir()), *src = xasprintf("%s.src", dir);
    char *argv[] = {(char *)"/usr/bin/tic", (char *)"-o", dir, src, NULL};
    char *entry = xasprintf("TERMINFO=%s", dir);

    assert_int_equal(tu_write_file(src, source), 0);
    assert_int_equal(tu_run(argv, NULL, NULL, NULL), 0);
    free(src);
    free(dir);
    return entry;
}

struct vt *tu_start(const char *arg, ...)
{
    const char *argv[64];
    va_list ap;
    int n = 0;

    argv[n++] = tu_bin();
    argv[n++] = "--db";
    argv[n++] = tu_test_db();
    va_start(ap, arg);
    for (const char *a = arg; a != NULL; a = va_arg(ap, const char *)) {
        if (n + 1 >= (int)nitems(argv))
            fatal("tu_start: too many arguments");
        argv[n++] = a;
    }
    va_end(ap);
    argv[n] = NULL;
    return vt_spawn(argv, 24, 80, NULL);
}

void tu_open_directory(struct vt *vt)
{
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
}

void tu_home_open(struct vt *vt, const char *text)
{
    int y;

    VT_EXPECT_TEXT(vt, text);
    assert_true(vt_find(vt, text, &y, NULL));
    for (int i = 0; i < 16 && !vt_row_reverse(vt, y); i++) {
        vt_key(vt, VT_KEY_DOWN);
        vt_settle(vt, 25, vt_timeout());
    }
    VT_EXPECT_REVERSE(vt, y);
    vt_key(vt, VT_KEY_ENTER);
}

void tu_edit_record(struct vt *vt, const char *name)
{
    char search[256], editing[256];

    snprintf(search, sizeof search, "/%s", name);
    snprintf(editing, sizeof editing, "Editing %s.", name);
    tu_open_directory(vt);
    vt_send(vt, search);
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    vt_key(vt, VT_KEY_TAB); /* out of the search line, to the list's keys */
    VT_EXPECT_ROW(vt, 23, "Edit");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, editing);
}

void tu_go_to_field(struct vt *vt, const char *label)
{
    int fy, cy, cx;

    VT_EXPECT_TEXT(vt, label);
    assert_true(vt_find(vt, label, &fy, NULL));
    /* The label can show before the form has put its cursor down. */
    vt_settle(vt, 25, vt_timeout());
    for (int i = 0; i < 20; i++) {
        vt_cursor(vt, &cy, &cx);
        if (cy == fy)
            return;
        vt_key(vt, cy < fy ? VT_KEY_TAB : VT_KEY_BACKTAB);
        if (!vt_wait_cursor_moved(vt, cy, cx, vt_timeout()))
            break;
        vt_settle(vt, 25, vt_timeout());
    }
    fprintf(stderr, "the cursor never reached the field \"%s\" (row %d)\n", label, fy);
    vt_print_screen(vt, "screen");
    fail();
}

void tu_replace_field(struct vt *vt, const char *text)
{
    vt_key(vt, VT_KEY_END);
    vt_send(vt, "\x15");
    vt_send(vt, text);
    VT_EXPECT_TEXT(vt, text);
}
