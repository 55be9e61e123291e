/*
 * test_pages.c: the pages beside the directory through the real binary at
 * 80x24: About (vision, mission, scope of work from data/about_en.md,
 * scrolling, the Bengali text with its unofficial-translation note), Help
 * (generated from the action table, so it lists only the keys the session
 * may use), and the audit log (admin only: newest first, one entry's
 * before and after, the filter by user).
 *
 * Each test has its own database in its own temporary directory; the
 * audit test makes its entries through the screens and checks them in the
 * database as well.
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

/* Home, with its menu drawn (admin: Directory, About, Help, Users, Audit
 * log). */
static void wait_home(struct vt *vt)
{
    VT_EXPECT_TEXT(vt, "Municipal Association of Bangladesh");
    VT_EXPECT_TEXT(vt, "Directory");
}

static void test_about_scrolls(void **state)
{
    struct vt *vt = tu_start(NULL);
    int i;

    wait_home(vt);
    VT_EXPECT_TEXT(vt, "Vision, mission and scope of work");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "About");
    VT_EXPECT_TEXT(vt, "Municipal Association of Bangladesh (MAB)");
    VT_EXPECT_TEXT(vt, "Vision");
    VT_EXPECT_TEXT(vt, "To include all the municipalities of Bangladesh as a family");
    VT_EXPECT_TEXT(vt, "Mission");
    VT_EXPECT_TEXT(vt, "To ensure the civil rights to the municipal dwellers.");
    /* The end of the page is below the screen. */
    VT_EXPECT_ABSENT(vt, "Project development and management");
    VT_EXPECT_ABSENT(vt, "Scope of Work");

    /* PgDn brings it up, and the top goes away. */
    for (i = 0; i < 3; i++) {
        vt_key(vt, VT_KEY_PGDN);
        if (vt_wait_text(vt, "Project development and management", 2000))
            break;
    }
    VT_EXPECT_TEXT(vt, "Project development and management");
    VT_EXPECT_TEXT(vt, "Scope of Work");
    VT_EXPECT_TEXT(vt, "Research and knowledge management");
    VT_EXPECT_ABSENT(vt, "To include all the municipalities of Bangladesh as a family");
    VT_ASSERT(vt, strstr(vt_row(vt, 0), "About") != NULL);

    /* Home goes back to the top. */
    vt_key(vt, VT_KEY_HOME);
    VT_EXPECT_TEXT(vt, "To include all the municipalities of Bangladesh as a family");
    VT_EXPECT_ABSENT(vt, "Project development and management");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_about_bengali(void **state)
{
    struct vt *vt = tu_start("--lang", "bn", NULL);

    VT_EXPECT_ROW(vt, 23, "F1");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "মিউনিসিপ্যাল অ্যাসোসিয়েশন অব বাংলাদেশ (ম্যাব)");
    /* The note that the translation is not the association's own. */
    VT_EXPECT_TEXT(vt, "অনানুষ্ঠানিক অনুবাদ");
    VT_EXPECT_TEXT(vt, "রূপকল্প");
    VT_EXPECT_TEXT(vt, "অভিলক্ষ্য");
    VT_EXPECT_ABSENT(vt, "Vision");
    VT_EXPECT_ABSENT(vt, "Mission");
    VT_EXPECT_ABSENT(vt, "To include all");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* The row that holds text, or -1. */
static int row_of(struct vt *vt, const char *text)
{
    int y;

    return vt_find(vt, text, &y, NULL) ? y : -1;
}

/* The help line of a key: row of help, with key first on it. */
static void expect_key_line(struct vt *vt, const char *key, const char *help)
{
    char want[64];
    int y;

    VT_EXPECT_TEXT(vt, help);
    y = row_of(vt, help);
    snprintf(want, sizeof want, " %s ", key);
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), want) != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, y), want) < strstr(vt_row(vt, y), help));
}

static void test_help_admin(void **state)
{
    struct vt *vt = tu_start(NULL);

    tu_open_directory(vt);
    vt_key(vt, VT_KEY_F1);
    VT_EXPECT_ROW(vt, 0, "Help");
    VT_EXPECT_TEXT(vt, "Keys on this screen (Directory)");
    expect_key_line(vt, "/", "Search as you type");
    expect_key_line(vt, "e", "Edit the selected municipality");
    expect_key_line(vt, "n", "Add a municipality");
    expect_key_line(vt, "d", "Delete the selected municipality (asks first)");
    expect_key_line(vt, "v", "Show only one division");
    expect_key_line(vt, "s", "Change the order of the list");
    /* Esc goes back to the directory as it was. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    VT_EXPECT_GONE(vt, "Keys on this screen");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_help_viewer(void **state)
{
    struct vt *vt = tu_start("--role", "viewer", NULL);

    tu_open_directory(vt);
    VT_EXPECT_ABSENT(vt, "Edit");
    vt_key(vt, VT_KEY_F1);
    VT_EXPECT_TEXT(vt, "Keys on this screen (Directory)");
    expect_key_line(vt, "/", "Search as you type");
    expect_key_line(vt, "t", "Show only one district");
    VT_EXPECT_TEXT(vt, "Keys on every screen");
    VT_EXPECT_ABSENT(vt, "Edit the selected municipality");
    VT_EXPECT_ABSENT(vt, "Add a municipality");
    VT_EXPECT_ABSENT(vt, "Delete the selected municipality");
    /* And the key does nothing: the next key still acts on the list. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, TU_SEED_TOTAL " of " TU_SEED_TOTAL);
    vt_send(vt, "e");
    vt_send(vt, "s");
    VT_EXPECT_TEXT(vt, "Sorted by district.");
    VT_EXPECT_ABSENT(vt, "Edit municipality");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_home_by_role(void **state)
{
    struct vt *vt = tu_start("--role", "viewer", NULL);

    wait_home(vt);
    VT_EXPECT_TEXT(vt, "About");
    VT_EXPECT_TEXT(vt, "Help");
    VT_EXPECT_ABSENT(vt, "Audit log");
    VT_EXPECT_ABSENT(vt, "Who changed what");
    /* The last item is Help: End and Enter do not reach an audit log. */
    vt_key(vt, VT_KEY_END);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Help");
    VT_EXPECT_ABSENT(vt, "Entries:");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    /* The admin's home has it. */
    vt = tu_start(NULL);
    wait_home(vt);
    VT_EXPECT_TEXT(vt, "Audit log");
    VT_EXPECT_TEXT(vt, "Who changed what, and when");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* As user, set Amtali's wards to wards through the edit form. */
static void edit_wards_as(const char *user, const char *wards)
{
    struct vt *vt;

    assert_int_equal(setenv("USER", user, 1), 0);
    vt = tu_start(NULL);
    tu_edit_record(vt, "Amtali");
    tu_go_to_field(vt, "Wards");
    tu_replace_field(vt, wards);
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Amtali.");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

/* Home -> Audit log (the last item of the admin's menu). */
static void open_audit(struct vt *vt)
{
    wait_home(vt);
    VT_EXPECT_TEXT(vt, "Audit log");
    vt_key(vt, VT_KEY_END);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Audit log");
}

/* The first and second rows of the audit list at 80x24. */
#define AUDIT_TOP 3

static void test_audit_log(void **state)
{
    const char *db = tu_test_db();
    const char *saved_user = getenv("USER");
    char *keep_user = saved_user != NULL ? strdup(saved_user) : NULL;
    struct vt *vt;
    char *v;
    int y;

    tu_create_db(db);
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 0);
    edit_wards_as("audit-ana", "13");
    edit_wards_as("audit-bob", "14");
    v = tu_sql_text(db, "SELECT group_concat(user || ':' || action, ',') FROM"
                        " (SELECT user, action FROM audit ORDER BY id)");
    assert_non_null(v);
    assert_string_equal(v, "audit-ana:update,audit-bob:update");
    free(v);

    assert_int_equal(setenv("USER", "audit-admin", 1), 0);
    vt = tu_start(NULL);
    open_audit(vt);
    VT_EXPECT_TEXT(vt, "Entries: 2   User: all   Record: all   (newest first)");
    /* Newest first: bob's change, then ana's, both of Amtali. */
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP), "audit-bob") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP), "changed") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP), "Amtali") != NULL);
    VT_ASSERT(vt, vt_row_reverse(vt, AUDIT_TOP));
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP + 1), "audit-ana") != NULL);
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP + 1), "Amtali") != NULL);
    VT_ASSERT(vt, vt_row(vt, AUDIT_TOP + 2)[0] == '\0');

    /* Enter: the entry, with the field that changed before and after. */
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Audit entry");
    VT_EXPECT_TEXT(vt, "What changed (before → after)");
    y = row_of(vt, "audit-bob");
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), "User") != NULL);
    y = row_of(vt, "Wards");
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), "13 → 14") != NULL);
    /* Fields that did not change are not listed. */
    VT_EXPECT_ABSENT(vt, "Name (English)");
    VT_EXPECT_ABSENT(vt, "Version");

    /* Back to the list; u keeps only the selected entry's user. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Entries: 2");
    vt_send(vt, "u");
    VT_EXPECT_TEXT(vt, "Entries: 1   User: audit-bob   Record: all");
    VT_ASSERT(vt, strstr(vt_row(vt, AUDIT_TOP), "audit-bob") != NULL);
    VT_EXPECT_ABSENT(vt, "audit-ana");
    /* u again: everyone. */
    vt_send(vt, "u");
    VT_EXPECT_TEXT(vt, "Entries: 2   User: all");
    VT_EXPECT_TEXT(vt, "audit-ana");
    /* The older entry, by its own user. */
    vt_key(vt, VT_KEY_DOWN);
    VT_EXPECT_REVERSE(vt, AUDIT_TOP + 1);
    vt_send(vt, "u");
    VT_EXPECT_TEXT(vt, "Entries: 1   User: audit-ana");
    VT_EXPECT_ABSENT(vt, "audit-bob");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Audit entry");
    y = row_of(vt, "Wards");
    VT_ASSERT(vt, y >= 0 && strstr(vt_row(vt, y), "→ 13") != NULL);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);

    /* Looking changed nothing. */
    assert_int_equal(tu_sql_int(db, "SELECT count(*) FROM audit"), 2);
    if (keep_user != NULL)
        setenv("USER", keep_user, 1);
    else
        unsetenv("USER");
    free(keep_user);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_about_scrolls), TU_SCREEN_TEST(test_about_bengali),
        TU_SCREEN_TEST(test_help_admin),    TU_SCREEN_TEST(test_help_viewer),
        TU_SCREEN_TEST(test_home_by_role),  TU_SCREEN_TEST(test_audit_log),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
