/*
 * test_vt.c: the screen-test harness itself (tests/lib/vt.c), driven with
 * /bin/sh, so that the other screen tests can trust it: it sees what a
 * program draws, notices a retitle, a cleared screen and reverse video
 * (the escape-sequence test relies on that), passes keys and the window
 * size, and reports exit statuses.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

static struct vt *sh(int rows, int cols, const char *script)
{
    return vt_spawnl(rows, cols, NULL, "/bin/sh", "-c", script, NULL);
}

static void test_sees_text_attributes_title_and_clear(void **state)
{
    struct vt *vt = sh(24, 80,
                       "printf 'plain \\033[7mREVERSED\\033[0m after\\n'; "
                       "printf 'বাংলা পৌরসভা\\n'; read x; "
                       "printf '\\033]0;new title\\007\\033[2J\\033[HCLEARED'; read x; exit 3");

    VT_EXPECT_TEXT(vt, "plain REVERSED after");
    VT_EXPECT_TEXT(vt, "বাংলা পৌরসভা");
    assert_int_equal(vt_text_reverse(vt, "REVERSED"), 1);
    assert_int_equal(vt_text_reverse(vt, "plain"), 0);
    assert_int_equal(vt_text_reverse(vt, "absent"), -1);
    assert_null(vt_title(vt));
    assert_int_equal(vt_clears(vt), 0);
    assert_string_equal(vt_row(vt, 1), "বাংলা পৌরসভা");

    vt_send(vt, "\r");
    VT_EXPECT_TEXT(vt, "CLEARED");
    VT_EXPECT_GONE(vt, "REVERSED");
    assert_non_null(vt_title(vt));
    assert_string_equal(vt_title(vt), "new title");
    assert_int_equal(vt_clears(vt), 1);
    assert_true(vt_bytes_out(vt) > 40);
    assert_true(vt_bytes_in(vt) >= 1);

    vt_send(vt, "\r");
    VT_EXPECT_EXIT(vt, 3);
    vt_close(vt);
}

static void test_keys_size_and_environment(void **state)
{
    /* Read one line with the terminal in raw mode and show its bytes. */
    struct vt *vt = sh(24, 80,
                       "echo \"size $(stty size) term $TERM lang $LANG\"; "
                       "stty raw -echo; k=$(dd bs=3 count=1 2>/dev/null | od -An -tx1); "
                       "stty sane; echo \"key$k\"; read x; echo \"size $(stty size)\"; read x");

    VT_EXPECT_TEXT(vt, "size 24 80 term xterm-256color lang C.UTF-8");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_TEXT(vt, "key 1b 5b 32");
    vt_resize(vt, 40, 120);
    vt_send(vt, "\r");
    VT_EXPECT_TEXT(vt, "size 40 120");
    vt_send(vt, "\r");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_close_kills_and_failures_are_reported(void **state)
{
    struct vt *vt = sh(24, 80, "echo running; trap '' INT; while :; do sleep 1; done");
    int pid;

    VT_EXPECT_TEXT(vt, "running");
    pid = vt_pid(vt);
    assert_true(vt_alive(vt));
    /* A check that does not hold says so (and prints the screen). */
    fprintf(stderr, "test_vt: the report below is expected:\n");
    assert_int_equal(vt_check_text(vt, "never there", 100, __FILE__, __LINE__), 0);
    assert_int_equal(vt_wait_exit(vt, 100), -1);
    vt_close(vt);
    /* Gone and reaped: the pid no longer names our child. */
    assert_true(kill(pid, 0) != 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_sees_text_attributes_title_and_clear, tu_screen_teardown),
        cmocka_unit_test_teardown(test_keys_size_and_environment, tu_screen_teardown),
        cmocka_unit_test_teardown(test_close_kills_and_failures_are_reported, tu_screen_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
