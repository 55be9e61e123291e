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

#include "fixtures.h"
#include "testutil.h"
#include "vt.h"

#define CONFLICT_TITLE "Someone else saved this record"

/* A program with the edit form of Amtali open. */
static struct vt *start_editing(void)
{
    struct vt *vt = tu_start(NULL);

    tu_edit_record(vt, "Amtali");
    tu_go_to_field(vt, "Mayor (English)");
    return vt;
}

/* Both open the record; a saves "Mayor From A"; b types "Mayor From B",
 * saves, and must see the dialog with both. */
static void make_conflict(struct vt **pa, struct vt **pb)
{
    const char *db = tu_test_db();
    struct vt *a, *b;

    tu_create_db(db);
    a = start_editing();
    b = start_editing();
    tu_replace_field(a, "Mayor From A");
    tu_replace_field(b, "Mayor From B");
    vt_key(a, VT_KEY_F2);
    VT_EXPECT_TEXT(a, "Saved Amtali.");
    assert_int_equal(tu_sql_int(db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"),
                     2);

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
    assert_int_equal(tu_sql_int(db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"),
                     2);
    *pa = a;
    *pb = b;
}

static void test_conflict_keep_mine(void **state)
{
    const char *db = tu_test_db();
    struct vt *a, *b;
    char *v;

    make_conflict(&a, &b);
    vt_send(b, "m");
    VT_EXPECT_GONE(b, CONFLICT_TITLE);
    VT_EXPECT_TEXT(b, "Saved Amtali.");
    v = tu_sql_text(db,
                    "SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Mayor From B|3");
    free(v);
    /* A's value is not lost: it is in the audit log, as is B's. */
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE after LIKE '%Mayor From A%'"),
                     1);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE after LIKE '%Mayor From B%'"),
                     1);
    vt_key(a, VT_KEY_F10);
    VT_EXPECT_EXIT(a, 0);
    vt_key(b, VT_KEY_F10);
    VT_EXPECT_EXIT(b, 0);
    vt_close(a);
    vt_close(b);
}

static void test_conflict_take_theirs(void **state)
{
    const char *db = tu_test_db();
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
    v = tu_sql_text(db,
                    "SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Mayor From A|2");
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE after LIKE '%Mayor From B%'"),
                     0);
    vt_close(a);
    vt_close(b);
}

static void test_conflict_back_keeps_typing(void **state)
{
    const char *db = tu_test_db();
    struct vt *a, *b;
    char *v;

    make_conflict(&a, &b);
    vt_key(b, VT_KEY_ESC);
    VT_EXPECT_GONE(b, CONFLICT_TITLE);
    /* Still editing, with what B typed; nothing saved. */
    VT_EXPECT_TEXT(b, "Editing Amtali.");
    VT_EXPECT_TEXT(b, "Mayor From B");
    v = tu_sql_text(db,
                    "SELECT mayor_en || '|' || version FROM municipality WHERE name_en = 'Amtali'");
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
        TU_SCREEN_TEST(test_conflict_keep_mine),
        TU_SCREEN_TEST(test_conflict_take_theirs),
        TU_SCREEN_TEST(test_conflict_back_keeps_typing),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
