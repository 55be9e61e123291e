/*
 * test_readonly.c: viewer and kiosk sessions through the real binary.
 * Neither shows the edit / add / delete keys, and pressing them changes
 * nothing on the screen or in the database.  A kiosk cannot be left or
 * stopped from the keyboard: F10, q, Ctrl-C, Ctrl-Z and Ctrl-\ do nothing.
 *
 * A key that "does nothing" is proven processed by a key sent after it
 * whose effect is visible: keys are handled in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

/* Nothing in the database changed since it was seeded. */
static void assert_db_untouched(void)
{
    const char *db = tu_test_db();

    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality"), 342);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality WHERE version <> 1"), 0);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);
}

/* No write action named anywhere in the key bar. */
static void assert_no_write_keys(struct vt *vt)
{
    const char *bar;

    vt_settle(vt, 50, vt_timeout());
    bar = vt_row(vt, vt_rows(vt) - 1);
    VT_ASSERT(vt, bar[0] != '\0');
    VT_ASSERT(vt, strstr(bar, "Edit") == NULL);
    VT_ASSERT(vt, strstr(bar, "New") == NULL);
    VT_ASSERT(vt, strstr(bar, "Delete") == NULL);
    VT_ASSERT(vt, strstr(bar, "Save") == NULL);
}

/* Send key, then Down; once the selection has moved one row, key has been
 * handled.  The screen must be the directory list still. */
static void press_then_prove(struct vt *vt, const char *key, int *sel)
{
    vt_send(vt, key);
    vt_key(vt, VT_KEY_DOWN);
    (*sel)++;
    VT_EXPECT_REVERSE(vt, *sel);
    VT_EXPECT_ABSENT(vt, "Edit municipality");
    VT_EXPECT_ABSENT(vt, "New municipality");
    VT_EXPECT_ABSENT(vt, "Delete municipality");
    VT_EXPECT_ABSENT(vt, "Fields marked * are required.");
    VT_ASSERT(vt, strstr(vt_row(vt, 0), "Directory") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 1), TU_SEED_TOTAL " of " TU_SEED_TOTAL) != NULL);
}

/* In the directory and in a detail view, e / n / d do nothing. */
static void check_directory_read_only(struct vt *vt)
{
    int sel = 4;

    tu_open_directory(vt);
    vt_settle(vt, 50, vt_timeout());
    VT_ASSERT(vt, vt_row_reverse(vt, sel));
    assert_no_write_keys(vt);
    press_then_prove(vt, "e", &sel);
    press_then_prove(vt, "n", &sel);
    press_then_prove(vt, "d", &sel);
    VT_EXPECT_ABSENT(vt, "Delete ");
    press_then_prove(vt, "y", &sel);

    /* The detail view: no edit key either. */
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Name (English)");
    assert_no_write_keys(vt);
    vt_send(vt, "e");
    vt_key(vt, VT_KEY_F1); /* help opens: "e" was handled before it */
    VT_EXPECT_GONE(vt, "Name (English)");
    VT_EXPECT_ABSENT(vt, "Edit municipality");
    VT_EXPECT_ABSENT(vt, "Fields marked * are required.");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Name (English)");
}

static void test_viewer(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = tu_start("--role", "viewer", NULL);
    VT_EXPECT_TEXT(vt, "(viewer)");
    check_directory_read_only(vt);
    /* A viewer may quit. */
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_db_untouched();
}

/* In a kiosk each of these keys must leave the program running and
 * listening. */
static void check_not_left(struct vt *vt, const char *key, const char *what)
{
    vt_send(vt, key);
    /* Help opens on F1 and closes on Esc: proof the key above was taken
     * and the program still reads keys. */
    vt_key(vt, VT_KEY_F1);
    if (!vt_wait_gone(vt, "Name (English)", vt_timeout()) || !vt_alive(vt)) {
        fprintf(stderr, "after %s the kiosk no longer answers\n", what);
        vt_print_screen(vt, "screen");
        fail();
    }
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Name (English)");
    VT_ASSERT(vt, vt_alive(vt));
}

static void test_kiosk(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = tu_start("--kiosk", NULL);
    VT_EXPECT_TEXT(vt, "Public information kiosk");
    assert_no_write_keys(vt);
    VT_ASSERT(vt, strstr(vt_row(vt, 23), "Quit") == NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 23), "F10") == NULL);
    check_directory_read_only(vt);

    /* Nothing typed leaves, stops or suspends a kiosk. */
    check_not_left(vt, "\x1b[21~", "F10");
    check_not_left(vt, "q", "q");
    check_not_left(vt, "\x03", "Ctrl-C");
    check_not_left(vt, "\x1a", "Ctrl-Z");
    check_not_left(vt, "\x1c", "Ctrl-\\");
    check_not_left(vt, "\x04", "Ctrl-D");
    VT_ASSERT(vt, vt_alive(vt));
    vt_close(vt);
    assert_db_untouched();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_viewer),
        TU_SCREEN_TEST(test_kiosk),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
