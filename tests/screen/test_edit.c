/*
 * test_edit.c: editing through the real binary at 80x24: F2 saves and the
 * change survives a restart (and is in the database), Esc on a changed
 * form asks before throwing the changes away, a letter that does not fit
 * a field is refused with a word in the status line, and a record whose
 * stored text holds escape sequences is drawn harmlessly.
 *
 * Each test has its own database in its own temporary directory; the
 * database is checked afterwards with the SQLite C API.
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

/* Let the program create and seed the database, without a terminal. */
static void create_db(void)
{
    char *out = tu_mabdesk(tu_test_db(), "find", "Amtali", NULL);

    assert_non_null(strstr(out, "Amtali"));
    free(out);
}

/* Home -> directory -> search for word -> exactly one match, selected. */
static void find_one(struct vt *vt, const char *word)
{
    char want[128];

    tu_open_directory(vt);
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    vt_send(vt, word);
    snprintf(want, sizeof want, "Search: %s", word);
    VT_EXPECT_TEXT(vt, want);
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_ASSERT(vt, vt_row_reverse(vt, 4));
    /* Tab leaves the search line (keeping the search) for the list's keys. */
    vt_key(vt, VT_KEY_TAB);
    VT_EXPECT_ROW(vt, 23, "Edit");
}

static void test_edit_save_restart(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *v;

    create_db();
    assert_int_equal(tu_sql_int(db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"),
                     1);

    vt = tu_start(NULL);
    find_one(vt, "Amtali");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Barguna (বরগুনা)");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Edit municipality");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Rahim Uddin Test");
    tu_go_to_field(vt, "Mayor (Bengali)");
    tu_replace_field(vt, "রহিম উদ্দিন");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "12");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    VT_EXPECT_GONE(vt, "Edit municipality");
    /* Back on the detail view, which shows the saved values. */
    VT_EXPECT_TEXT(vt, "Rahim Uddin Test");
    VT_EXPECT_TEXT(vt, "রহিম উদ্দিন");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    /* The database has the new values, a new version and an audit row. */
    v = tu_sql_text(db, "SELECT mayor_en || '|' || mayor_bn || '|' || wards || '|' || version"
                        " FROM municipality WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "Rahim Uddin Test|রহিম উদ্দিন|12|2");
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit WHERE record_kind = 'municipality'"
                                    " AND action = 'update' AND after LIKE '%Rahim Uddin Test%'"),
                     1);

    /* A new program sees the change. */
    vt = tu_start(NULL);
    find_one(vt, "Rahim");
    VT_EXPECT_TEXT(vt, "Amtali");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Rahim Uddin Test");
    VT_EXPECT_TEXT(vt, "রহিম উদ্দিন");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_esc_asks_before_discarding(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;
    char *v;

    create_db();
    vt = tu_start(NULL);
    find_one(vt, "Amtali");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");

    /* Unchanged: Esc leaves at once, no question. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_GONE(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_ABSENT(vt, "Throw away changes");

    /* Changed: Esc asks; "n" keeps the form and what was typed. */
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Not To Be Kept");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away changes");
    VT_EXPECT_TEXT(vt, "You have changes that are not saved. Throw them away?");
    vt_send(vt, "n");
    VT_EXPECT_GONE(vt, "Throw away changes");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "Not To Be Kept");

    /* Esc again, "y": back to the list, nothing saved. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away changes");
    vt_send(vt, "y");
    VT_EXPECT_GONE(vt, "Editing Amtali.");
    VT_EXPECT_TEXT(vt, "1 of " TU_SEED_TOTAL);
    VT_EXPECT_ABSENT(vt, "Not To Be Kept");
    /* F10 quits without a question now that nothing is unsaved. */
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    v = tu_sql_text(db, "SELECT coalesce(mayor_en, '') || '|' || version FROM municipality"
                        " WHERE name_en = 'Amtali'");
    assert_non_null(v);
    assert_string_equal(v, "|1");
    free(v);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);
}

static void test_full_field_says_so(void **state)
{
    struct vt *vt;
    int y;

    create_db();
    vt = tu_start(NULL);
    find_one(vt, "Amtali");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    /* Wards holds at most 6 characters: the 7th is refused, and said so. */
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, "123456");
    vt_send(vt, "7");
    VT_EXPECT_ROW(vt, 22, "This field is full.");
    assert_true(vt_find(vt, "123456", &y, NULL));
    VT_ASSERT(vt, strstr(vt_row(vt, y), "Wards") != NULL);
    VT_EXPECT_ABSENT(vt, "1234567");
    /* The message lasts until the next key, which edits as usual. */
    vt_key(vt, VT_KEY_BACKSPACE);
    VT_EXPECT_GONE(vt, "This field is full.");
    VT_EXPECT_GONE(vt, "123456");
    VT_EXPECT_TEXT(vt, "12345");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away changes");
    vt_send(vt, "y");
    VT_EXPECT_GONE(vt, "Editing Amtali.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* Written straight into the database, as a bad import or a hostile
 * remote user might have left it. */
#define EVIL_EN "Evil\x1b]0;pwned\x07\x1b[2J"
#define EVIL_EN_SHOWN "Evil\u241b]0;pwned\u2407\u241b[2J"
#define EVIL_BN                                                                                    \
    "দুষ্ট\xc2\x9b"                                                                      \
    "2Jলাল"
#define EVIL_MAYOR "\x1b[1;1H\x1b[7mOwned\x1b[0m"
#define EVIL_MAYOR_SHOWN "\u241b[1;1H\u241b[7mOwned\u241b[0m"

static void insert_evil(void)
{
    sqlite3 *h;
    sqlite3_stmt *st;

    assert_int_equal(sqlite3_open(tu_test_db(), &h), SQLITE_OK);
    sqlite3_busy_timeout(h, 5000);
    assert_int_equal(
        sqlite3_prepare_v2(h,
                           "INSERT INTO municipality (kind, name_en, name_bn, district_id, "
                           "mayor_en) VALUES ('paurashava', ?1, ?2, (SELECT id FROM district "
                           "WHERE name_en = 'Dhaka'), ?3)",
                           -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, EVIL_EN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, EVIL_BN, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, EVIL_MAYOR, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "insert: %s\n", sqlite3_errmsg(h));
        fail();
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
}

static void test_escape_sequences_shown_harmlessly(void **state)
{
    struct vt *vt;
    char keybar[512], header[512];
    long clears;
    int y;

    create_db();
    insert_evil();
    vt = tu_start(NULL);
    VT_EXPECT_TEXT(vt, "Directory");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "343 of 343");
    vt_send(vt, "/");
    VT_EXPECT_TEXT(vt, "Search:");
    snprintf(keybar, sizeof keybar, "%s", vt_row(vt, 23));
    snprintf(header, sizeof header, "%s", vt_row(vt, 3));
    clears = vt_clears(vt);

    vt_send(vt, "Evil");
    VT_EXPECT_TEXT(vt, "1 of 343");
    /* The name with every control character replaced by a visible symbol,
     * on the list row, which is still where it belongs. */
    VT_EXPECT_TEXT(vt, EVIL_EN_SHOWN);
    assert_true(vt_find(vt, EVIL_EN_SHOWN, &y, NULL));
    VT_ASSERT(vt, y == 4);
    VT_ASSERT(vt, strstr(vt_row(vt, 4), "Dhaka") != NULL);
    /* Nothing was cleared, retitled or moved. */
    VT_ASSERT(vt, vt_title(vt) == NULL);
    VT_ASSERT(vt, vt_clears(vt) == clears);
    VT_ASSERT(vt, strcmp(vt_row(vt, 3), header) == 0);
    VT_ASSERT(vt, strcmp(vt_row(vt, 23), keybar) == 0);
    VT_ASSERT(vt, strstr(vt_row(vt, 0), "Directory") != NULL);
    VT_EXPECT_TEXT(vt, "Search: Evil");

    /* The detail view: both names and the mayor, all harmless. */
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Name (English)");
    VT_EXPECT_TEXT(vt, EVIL_EN_SHOWN);
    VT_EXPECT_TEXT(vt, EVIL_MAYOR_SHOWN);
    VT_EXPECT_TEXT(vt, "দুষ্ট");
    assert_true(vt_find(vt, "দুষ্ট", &y, NULL));
    /* The C1 CSI (U+009B) did not act: "2J" and the rest are still there. */
    VT_ASSERT(vt, strstr(vt_row(vt, y), "2Jলাল") != NULL);
    VT_ASSERT(vt, vt_title(vt) == NULL);
    VT_ASSERT(vt, vt_clears(vt) == clears);
    VT_ASSERT(vt, strstr(vt_row(vt, 0), "Municipality") != NULL);
    /* No cell was turned to reverse video by the mayor's "ESC [7m". */
    VT_ASSERT(vt, vt_text_reverse(vt, "Owned") == 0);
    VT_ASSERT(vt, vt_row(vt, 23)[0] != '\0');
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* A pasted bidi override (it reaches the form as an ordinary UTF-8
 * character) is refused on save, beside its field; nothing is written and
 * the typing stays. */
static void test_form_refuses_control_characters(void **state)
{
    const char *db = tu_test_db();
    struct vt *vt;

    create_db();
    vt = tu_start(NULL);
    find_one(vt, "Amtali");
    vt_send(vt, "e");
    VT_EXPECT_TEXT(vt, "Editing Amtali.");
    tu_go_to_field(vt, "Mayor (English)");
    tu_replace_field(vt, "Rahim");
    vt_send(vt, "\xe2\x80\xae"
                "Evil");
    VT_EXPECT_TEXT(vt, "Evil");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "control character U+202E");
    VT_EXPECT_TEXT(vt, "Edit municipality");
    VT_EXPECT_TEXT(vt, "Rahim");
    VT_EXPECT_TEXT(vt, "Evil");
    assert_int_equal(tu_sql_int(db, "SELECT version FROM municipality WHERE name_en = 'Amtali'"),
                     1);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM municipality WHERE mayor_en LIKE "
                                    "'%Evil%'"),
                     0);
    vt_key(vt, VT_KEY_F10);
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_edit_save_restart),
        TU_SCREEN_TEST(test_esc_asks_before_discarding),
        TU_SCREEN_TEST(test_full_field_says_so),
        TU_SCREEN_TEST(test_escape_sequences_shown_harmlessly),
        TU_SCREEN_TEST(test_form_refuses_control_characters),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
