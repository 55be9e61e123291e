/*
 * test_import_progress.c: `mabdesk import` on a terminal shows a progress
 * bar on stderr while it reads, and erases it before the summary; with
 * stderr a pipe (a script, a log) no bar and no carriage return at all.
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

#define ROWS 60000

static char *subscribers_file(void)
{
    char *path = xasprintf("%s/many.csv", tu_tmpdir());
    struct buf b = {0};

    buf_adds(&b, "email,name,lang\n");
    for (int i = 0; i < ROWS; i++)
        buf_printf(&b, "reader%06d@example.org,Reader %d,%s\n", i, i, i % 2 ? "bn" : "en");
    assert_int_equal(tu_write_file(path, b.data), 0);
    buf_free(&b);
    return path;
}

static void test_bar_on_a_terminal(void **state)
{
    const char *db = tu_test_db();
    char *path = subscribers_file();
    struct vt *vt;

    (void)state;
    tu_create_db(db);
    vt = tu_start("import", "subscribers", path, NULL);
    VT_EXPECT_TEXT(vt, "] ");
    VT_EXPECT_TEXT(vt, "Importing ");
    VT_EXPECT_TEXT(vt, "[#");
    VT_EXPECT_EXIT(vt, 0);
    VT_EXPECT_TEXT(vt, "60000 added");
    /* Erased: no bar is left over, and it never wrapped (a long file name
     * is shortened to fit the terminal, else every step adds a row). */
    VT_EXPECT_ROW(vt, 0, "60000 added");
    VT_EXPECT_ABSENT(vt, "Importing");
    VT_EXPECT_ABSENT(vt, "[#");
    free(path);
}

static void test_no_bar_in_a_pipe(void **state)
{
    const char *db = tu_test_db();
    char *path = subscribers_file(), *out = NULL, *err = NULL;

    (void)state;
    tu_create_db(db);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "import", "subscribers", path, NULL), 0);
    assert_non_null(strstr(out, "60000 added"));
    assert_null(strstr(err, "Importing"));
    assert_null(strchr(err, '\r'));
    free(out);
    free(err);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_bar_on_a_terminal),
        TU_SCREEN_TEST(test_no_bar_in_a_pipe),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
