/*
 * test_resize.c: the terminal changes size under the running program:
 * 80x24 -> 120x40 uses the room, -> 39x14 says to make the window larger,
 * -> 80x24 is exactly the screen it was; typing in a form survives resizes.
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

#define TOO_SMALL "Make the window larger"

/* Rows of the list holding text (rows 4 .. rows-4). */
static int list_rows_used(struct vt *vt)
{
    int n = 0;

    for (int y = 4; y <= vt_rows(vt) - 4; y++)
        if (vt_row(vt, y)[0] != '\0')
            n++;
    return n;
}

static void test_resize_directory(void **state)
{
    struct vt *vt = tu_start(NULL);
    char *before;
    int rows80;

    tu_open_directory(vt);
    vt_keys(vt, VT_KEY_DOWN, 3);
    VT_EXPECT_REVERSE(vt, 7);
    before = strdup(vt_screen(vt));
    rows80 = list_rows_used(vt);
    VT_ASSERT(vt, rows80 >= 17);
    VT_ASSERT(vt, strstr(vt_row(vt, 23), "F10") != NULL);

    /* Larger: title on top, key bar on the new bottom line, a longer list
     * with the same row selected. */
    vt_resize(vt, 40, 120);
    VT_EXPECT_ROW(vt, 39, "F10");
    vt_settle(vt, 100, vt_timeout());
    VT_ASSERT(vt, strstr(vt_row(vt, 0), "Directory") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 39), "F10") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, 1), TU_SEED_TOTAL " of " TU_SEED_TOTAL) != NULL);
    VT_ASSERT(vt, list_rows_used(vt) > rows80 + 10);
    VT_ASSERT(vt, vt_row_reverse(vt, 7));
    /* The row drawn at the right edge: the count ends near column 119. */
    VT_ASSERT(vt, strlen(vt_row(vt, 1)) > 100);

    /* Too small: only the message. */
    vt_resize(vt, 14, 39);
    VT_EXPECT_TEXT(vt, TOO_SMALL);
    VT_EXPECT_GONE(vt, TU_SEED_TOTAL " of ");
    VT_EXPECT_ABSENT(vt, "F10");
    /* Keys other than quitting are ignored meanwhile. */
    vt_key(vt, VT_KEY_DOWN);
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_TEXT(vt, TOO_SMALL);

    /* Back to 80x24: the very same screen as before. */
    vt_resize(vt, 24, 80);
    VT_EXPECT_GONE(vt, TOO_SMALL);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_settle(vt, 100, vt_timeout());
    if (strcmp(vt_screen(vt), before) != 0) {
        fprintf(stderr, "screen before the resizes:\n%s\n", before);
        vt_print_screen(vt, "screen after");
        fail();
    }
    VT_ASSERT(vt, vt_row_reverse(vt, 7));
    free(before);

    /* And it still works. */
    vt_key(vt, VT_KEY_DOWN);
    VT_EXPECT_REVERSE(vt, 8);
    VT_ASSERT(vt, !vt_row_reverse(vt, 7));
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_resize_keeps_typing(void **state)
{
    struct vt *vt = tu_start(NULL);

    tu_edit_record(vt, "Amtali");
    /* The first text field is the English name: the cursor is at its end. */
    vt_key(vt, VT_KEY_TAB);
    vt_send(vt, " Typed");
    VT_EXPECT_TEXT(vt, "Amtali Typed");

    vt_resize(vt, 14, 39);
    VT_EXPECT_TEXT(vt, TOO_SMALL);
    vt_resize(vt, 40, 120);
    VT_EXPECT_ROW(vt, 39, "F2");
    VT_EXPECT_TEXT(vt, "Amtali Typed");
    vt_resize(vt, 24, 80);
    VT_EXPECT_ROW(vt, 23, "F2");
    VT_EXPECT_TEXT(vt, "Amtali Typed");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    /* The typing goes on where it was. */
    vt_send(vt, "X");
    VT_EXPECT_TEXT(vt, "Amtali TypedX");
    /* Quitting with unsaved changes asks first. */
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_TEXT(vt, "Quit anyway?");
    vt_send(vt, "y");
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_resize_directory),
        TU_SCREEN_TEST(test_resize_keeps_typing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
