/*
 * test_typeahead.c: keys typed ahead are all handled before the screen is
 * drawn again (issue "Every terminal, every link": five PageDowns over a
 * slow line sent five full repaints).  Counted in bytes written to the
 * terminal, not in time.
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

#define PGDN "\x1b[6~"

static void test_five_pagedowns_one_repaint(void **state)
{
    struct vt *vt = tu_start(NULL);
    unsigned long long one, five;
    char *row_after_one, *row_after_five;

    tu_open_directory(vt);
    vt_settle(vt, 100, vt_timeout());
    /* One PageDown, drawn. */
    vt_reset_bytes(vt);
    vt_send(vt, PGDN);
    vt_settle(vt, 200, vt_timeout());
    one = vt_bytes_out(vt);
    row_after_one = strdup(vt_row(vt, 4));
    assert_true(one > 0);
    /* Back to the top, then five at once. */
    vt_key(vt, VT_KEY_HOME);
    vt_settle(vt, 200, vt_timeout());
    vt_reset_bytes(vt);
    vt_send(vt, PGDN PGDN PGDN PGDN PGDN);
    vt_settle(vt, 300, vt_timeout());
    five = vt_bytes_out(vt);
    row_after_five = strdup(vt_row(vt, 4));
    /* Five pages further on, at no more than two single PageDowns' cost. */
    VT_ASSERT(vt, strcmp(row_after_one, row_after_five) != 0);
    VT_ASSERT(vt, five <= 2 * one);
    printf("one PageDown: %llu bytes; five typed ahead: %llu bytes\n", one, five);
    free(row_after_one);
    free(row_after_five);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_five_pagedowns_one_repaint),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
