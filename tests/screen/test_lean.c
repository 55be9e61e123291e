/*
 * test_lean.c: lean mode for slow lines (issue "Every terminal, every
 * link"): with --lean, or "lean = yes" in the configuration, the selection
 * is a marker, not reverse video, and moving it down one row costs at most
 * 30 bytes on the line (the goal), counted by the vt harness.
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

/* The bytes of one Down in the directory's list (rows 4 and 5). */
static unsigned long long one_move(struct vt *vt)
{
    unsigned long long n;

    tu_open_directory(vt);
    vt_key(vt, VT_KEY_TAB); /* out of the search line, to the list's keys */
    VT_EXPECT_ROW(vt, 23, "Edit");
    VT_ASSERT(vt, vt_row(vt, 4)[0] == '>');
    vt_settle(vt, 100, vt_timeout());
    vt_reset_bytes(vt);
    vt_key(vt, VT_KEY_DOWN);
    for (int i = 0; i < 100 && vt_row(vt, 5)[0] != '>'; i++)
        vt_pump(vt, 50);
    vt_settle(vt, 100, vt_timeout());
    n = vt_bytes_out(vt);
    fprintf(stderr, "lean: one list cursor move: %llu bytes\n", n);
    VT_ASSERT(vt, vt_row(vt, 5)[0] == '>');
    VT_ASSERT(vt, vt_row(vt, 4)[0] == ' ');
    VT_ASSERT(vt, !vt_row_reverse(vt, 5));
    return n;
}

static void test_lean_option(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = tu_start("--lean", NULL);
    assert_true(one_move(vt) <= 30);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_lean_configured(void **state)
{
    char *conf = xasprintf("%s/lean.conf", tu_tmpdir());
    FILE *f = fopen(conf, "w");
    struct vt *vt;

    assert_non_null(f);
    fputs("lean = yes\n", f);
    fclose(f);
    tu_create_db(tu_test_db());
    vt = tu_start("--config", conf, NULL);
    assert_true(one_move(vt) <= 30);
    vt_close(vt);
    free(conf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_lean_option),
        TU_SCREEN_TEST(test_lean_configured),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
