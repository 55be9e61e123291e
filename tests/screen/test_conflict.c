/*
 * test_conflict.c: two programs edit the same record on one database.  The
 * first saves; the second's save must show the conflict dialog with both
 * values, and whatever the second chooses nothing is lost: "keep mine"
 * saves over the other (whose value stays in the audit log), "take
 * theirs" drops the typing and loads the saved record, Esc saves nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "testutil.h"
#include "vt.h"

#define SEED_TOTAL "342"
#define CONFLICT_TITLE "Someone else saved this record"

static char *db;

static int setup(void **state)
{
    db = tu_db_path();
    return 0;
}

static int teardown(void **state)
{
    vt_close_all();
    free(db);
    db = NULL;
    tu_cleanup();
    return 0;
}

static struct vt *start(void)
{
    return vt_spawnl(24, 80, NULL, tu_bin(), "--db", db, NULL);
}

static void create_db(void)
{
    const char *argv[] = {tu_bin(), "--db", db, "find", "Amtali", NULL};
    char *out = NULL, *err = NULL;
    int rc = tu_run((char *const *)argv, NULL, &out, &err);

    if (rc != 0)
        fprintf(stderr, "mabdesk find: exit %d\n%s%s", rc, out ? out : "", err ? err : "");
    assert_int_equal(rc, 0);
    free(out);
    free(err);
}

static char *sql_text(const char *sql)
{
    sqlite3 *h;
    sqlite3_stmt *st;
    char *v = NULL;

    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, sqlite3_errmsg(h));
        fail();
    }
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(h);
    return v;
}

static long long sql_int(const char *sql)
{
    char *v = sql_text(sql);
    long long n;

    assert_non_null(v);
    n = atoll(v);
    free(v);
    return n;
}

static void go_to_field(struct vt *vt, const char *label)
{
    int fy, cy, cx;

    VT_EXPECT_TEXT(vt, label);
    assert_true(vt_find(vt, label, &fy, NULL));
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

/* A program with the edit form of Amtali open. */
static struct vt *start_editing(void)
{
    struct vt *vt = start();

    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, SEED_TOTAL " of " SEED_TOTAL);
    vt_send(vt, "/Amtali");
    VT_EXPECT_TEXT(vt, "1 of " SEED_TOTAL);
    vt_key(vt, VT_KEY_TAB); /* out of the search line, to the list's keys */
    VT_EXPECT_ROW(vt, 23, "Edit");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    go_to_field(vt, "Mayor (English)");
    return vt;
}

static void type_mayor(struct vt *vt, const char *name)
{
    vt_key(vt, VT_KEY_END);
    vt_send(vt, "\x15");
    vt_send(vt, name);
    VT_EXPECT_TEXT(vt, name);
}

/* Both open the record; a saves "Mayor From A"; b types "Mayor From B",
 * saves, and must see the dialog with both. */
static void make_conflict(struct vt **pa, struct vt **pb)
{
    struct vt *a, *b;

    create_db();
    a = start_editing();
    b = start_editing();
    type_mayor(a, "Mayor From A");
    type_mayor(b, "Mayor From B");
    vt_key(a, VT_KEY_F2);
    VT_EXPECT_TEXT(a, "Saved Amtali.");
    assert_int_equal(sql_int("SELECT version FROM municipality WHERE name_en = 'Amtali'"), 2);

    vt_key(b, VT_KEY_F2);
    VT_EXPECT_TEXT(b, CONFLICT_TITLE);
    VT_EXPECT_TEXT(b, "Yours");
    VT_EXPECT_TEXT(b, "Theirs (saved)");
    VT_EXPECT_TEXT(b, "Mayor From B");
    VT_EXPECT_TEXT(b, "Mayor From A");
    /* Both values on the same row, beside the field's label. */
    {
        int y;

        assert_true(vt_find(b, "Mayor From B", &y, NULL));
        VT_ASSERT(b, strstr(vt_row(b, y), "Mayor From A") != NULL);
        VT_ASSERT(b, strstr(vt_row(b, y), "Mayor (English)") != NULL);
    }
    /* Nothing written yet. */
    assert_int_equal(sql_int("SELECT version FROM municipality WHERE name_en = 'Amtali'"), 2);
    *pa = a;
    *pb = b;
}

static void test_conflict_keep_mine(void **state)
{
    struct vt *a, *b;
    char *v;

    make_conflict(&a, &b);
    vt_send(b, "m");
    VT_EXPECT_GONE(b, CONFLICT_TITLE);
    VT_EXPECT_TEXT(b, "Saved Amtali.");
    v = sql_text("SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Mayor From B|3");
    free(v);
    /* A's value is not lost: it is in the audit log, as is B's. */
    assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE after LIKE '%Mayor From A%'"), 1);
    assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE after LIKE '%Mayor From B%'"), 1);
    vt_key(a, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    vt_close(a);
    vt_close(b);
}

static void test_conflict_take_theirs(void **state)
{
    struct vt *a, *b;
    char *v;

    make_conflict(&a, &b);
    vt_send(b, "t");
    VT_EXPECT_GONE(b, CONFLICT_TITLE);
    /* The form now holds the saved record, B's typing is gone. */
    VT_EXPECT_TEXT(b, "Editing Amtali.");
    VT_EXPECT_TEXT(b, "Mayor From A");
    VT_EXPECT_ABSENT(b, "Mayor From B");
    /* Unchanged now: Esc leaves without a question. */
    vt_key(b, VT_KEY_ESC);
    VT_EXPECT_GONE(b, "Editing Amtali.");
    VT_EXPECT_ABSENT(b, "Throw away changes");
    v = sql_text("SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Mayor From A|2");
    free(v);
    assert_int_equal(sql_int("SELECT count(*) FROM audit WHERE after LIKE '%Mayor From B%'"), 0);
    vt_close(a);
    vt_close(b);
}

static void test_conflict_back_keeps_typing(void **state)
{
    struct vt *a, *b;
    char *v;

    make_conflict(&a, &b);
    vt_key(b, VT_KEY_ESC);
    VT_EXPECT_GONE(b, CONFLICT_TITLE);
    /* Still editing, with what B typed; nothing saved. */
    VT_EXPECT_TEXT(b, "Editing Amtali.");
    VT_EXPECT_TEXT(b, "Mayor From B");
    v = sql_text("SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Mayor From A|2");
    free(v);
    /* Saving again shows the differences again. */
    vt_key(b, VT_KEY_F2);
    VT_EXPECT_TEXT(b, CONFLICT_TITLE);
    VT_EXPECT_TEXT(b, "Mayor From A");
    vt_close(a);
    vt_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_conflict_keep_mine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_take_theirs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict_back_keeps_typing, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
