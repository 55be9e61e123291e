/*
 * test_terms.c: terminals from the issue "Every terminal, every link":
 * TERM=dumb gets a clear refusal (exit 69) instead of an empty screen,
 * and on a terminal without reverse video (xterm without rev and smso, so
 * that libvterm reads the screen; the real VT52 is in test_term_matrix)
 * the selected row is still visible, by a marker in the first column.
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

static struct vt *start_as(const char *term, const char *more)
{
    const char *env[] = {term, more, NULL};
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), NULL};

    return vt_spawn(argv, 24, 80, env);
}

static void test_dumb_refused(void **state)
{
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = start_as("TERM=dumb", NULL);
    VT_EXPECT_TEXT(vt, "cannot move the cursor");
    VT_EXPECT_EXIT(vt, 69);
    vt_close(vt);
}

static void test_selection_without_reverse(void **state)
{
    char *ti = tu_terminfo("mabdesk-norev|xterm without reverse video,\n"
                           "\trev@, smso@, rmso@,\n\tuse=xterm-mono,\n");
    struct vt *vt;

    tu_create_db(tu_test_db());
    vt = start_as("TERM=mabdesk-norev", ti);
    tu_open_directory(vt);
    /* The first row is selected: its marker, and no other row's. */
    VT_EXPECT_TEXT(vt, ">");
    VT_ASSERT(vt, vt_row(vt, 4)[0] == '>');
    VT_ASSERT(vt, vt_row(vt, 5)[0] == ' ');
    vt_key(vt, VT_KEY_DOWN);
    vt_settle(vt, 100, vt_timeout());
    VT_ASSERT(vt, vt_row(vt, 5)[0] == '>');
    VT_ASSERT(vt, vt_row(vt, 4)[0] == ' ');
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(ti);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_dumb_refused),
        TU_SCREEN_TEST(test_selection_without_reverse),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
