/*
 * test_keys.c: every action without function keys (issue "Every terminal,
 * every link"): Ctrl-S saves, Esc then a digit is that F-key, F2 sent as
 * Esc O Q to a terminal whose description has no function keys still
 * saves, an unknown escape sequence does nothing (it never acts as a
 * lone Esc that would leave the form), and where the terminal has no F2
 * the key bar names ^S.
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
#include "util.h"
#include "vt.h"

/* The edit form of Amtali, on a terminal of type term (env: NULL or one
 * more entry). */
static struct vt *edit_amtali(const char *term, const char *more)
{
    const char *env[] = {term, more, NULL};
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), NULL};
    struct vt *vt = vt_spawn(argv, 24, 80, env);

    tu_edit_record(vt, "Amtali");
    return vt;
}

/* Change the wards, press keys, and see it saved with that value. */
static void save_with(struct vt *vt, const char *wards, const char *keys)
{
    char want[64];

    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, wards);
    vt_send(vt, keys);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    snprintf(want, sizeof want, "SELECT count(*) FROM municipality WHERE wards = %s", wards);
    assert_int_equal(tu_sql_int(tu_test_db(), want), 1);
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
}

static void test_saves_without_function_keys(void **state)
{
    /* xterm without F1..F12: what the program does without function keys
     * is tested, not how another description draws. */
    char *terminfo = tu_terminfo("mabdesk-nofkeys|xterm without function keys,\n"
                                 "\tkf1@, kf2@, kf3@, kf4@, kf5@, kf6@, kf7@, kf8@, kf9@, kf10@,"
                                 " kf11@, kf12@,\n\tuse=xterm,\n");
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = edit_amtali("TERM=mabdesk-nofkeys", terminfo);
    /* The terminal names no F-key: the bar offers Ctrl-S. */
    VT_EXPECT_ROW(vt, 23, "^S Save");
    save_with(vt, "11", "\x13"); /* Ctrl-S */
    save_with(vt, "12",
              "\x1b"
              "2");                /* Esc 2, as mc */
    save_with(vt, "13", "\x1bOQ"); /* F2 as a VT100 sends it */
    /* An unknown sequence: nothing happens, the form stays, no question. */
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "14");
    vt_send(vt, "\x1b[99~");
    vt_settle(vt, 400, vt_timeout());
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    VT_EXPECT_ABSENT(vt, "Throw away");
    /* A lone Esc still goes back (asking, as the form has changes). */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away");
    vt_send(vt, "y");
    VT_EXPECT_GONE(vt, "Editing Amtali.");
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT wards FROM municipality WHERE name_en ="
                                              " 'Amtali'"),
                     13);
    vt_send(vt, "q");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(terminfo);
}

/* A terminal with F2 keeps naming it; help lists the alternatives. */
static void test_help_names_alternatives(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = edit_amtali("TERM=xterm", NULL);
    VT_EXPECT_ROW(vt, 23, "F2 Save");
    vt_send(vt, "\x07"); /* Ctrl-G: help */
    VT_EXPECT_ROW(vt, 0, "Help");
    VT_EXPECT_TEXT(vt, "F2, Ctrl-S, Ctrl-X");
    VT_EXPECT_TEXT(vt, "F9, Ctrl-T");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_saves_without_function_keys),
        TU_SCREEN_TEST(test_help_names_alternatives),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
