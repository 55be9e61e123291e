/*
 * test_subscribers.c: the subscribers list through the real binary at
 * 80x24: staff open it from the home menu and make a pending address
 * active only with a reason; a municipal user sees its own body's
 * subscribers and nobody else's, and cannot change them; a kiosk is not
 * offered the list at all.
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

/* A fresh database with three pending subscribers: two asked for news of
 * Amtali, one of Barguna. */
static void seed(void)
{
    char *path, *out;

    tu_create_db(tu_test_db());
    path = xasprintf("%s/subscribers.csv", tu_tmpdir());
    assert_int_equal(tu_write_file(path, "email,name,lang,municipality\n"
                                         "rahim@example.org,রহিম উদ্দিন,bn,Amtali\n"
                                         "salma@example.org,Salma Begum,en,Amtali\n"
                                         "karim@example.org,Karim Ahmed,en,Barguna\n"),
                     0);
    out = tu_mabdesk(tu_test_db(), "import", "subscribers", path, NULL);
    free(out);
    free(path);
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM subscriber"), 3);
}

/* Home -> Subscribers, the fourth entry. */
static void open_subscribers(struct vt *vt)
{
    VT_EXPECT_TEXT(vt, "The Municipality Digest");
    for (int i = 0; i < 3; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Subscribers");
}

static void test_staff_activate_needs_reason(void **state)
{
    struct vt *vt;

    seed();
    vt = tu_start("--role", "editor", NULL);
    open_subscribers(vt);
    VT_EXPECT_TEXT(vt, "3 of 3");
    vt_send(vt, "/salma");
    VT_EXPECT_TEXT(vt, "1 of 3");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Subscriber");
    VT_EXPECT_TEXT(vt, "Pending confirmation");
    vt_send(vt, "e");
    VT_EXPECT_ROW(vt, 0, "Edit subscriber");
    tu_go_to_field(vt, "Status");
    vt_send(vt, " "); /* pending -> active */
    VT_EXPECT_TEXT(vt, "Active");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Nothing was saved");
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM subscriber"
                                              " WHERE status = 'active'"),
                     0);
    tu_go_to_field(vt, "Reason for the status");
    tu_replace_field(vt, "Asked by phone");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Salma Begum.");
    VT_EXPECT_TEXT(vt, "Asked by phone");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM subscriber WHERE status ="
                                              " 'active' AND email = 'salma@example.org'"
                                              " AND status_reason = 'Asked by phone'"),
                     1);
}

static void test_municipal_sees_own_only(void **state)
{
    struct vt *vt;
    char *arg;

    seed();
    arg = xasprintf(
        "%lld", tu_sql_int(tu_test_db(), "SELECT id FROM municipality WHERE name_en = 'Amtali'"));
    vt = tu_start("--role", "municipal", "--municipality", arg, NULL);
    open_subscribers(vt);
    VT_EXPECT_TEXT(vt, "2 of 2");
    VT_EXPECT_TEXT(vt, "rahim@example.org");
    VT_EXPECT_TEXT(vt, "salma@example.org");
    VT_EXPECT_ABSENT(vt, "karim@example.org");
    VT_EXPECT_ABSENT(vt, "e Edit");
    VT_EXPECT_ABSENT(vt, "n New");
    /* Searching does not reach past the body either. */
    vt_send(vt, "/karim");
    VT_EXPECT_TEXT(vt, "0 of 2");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(arg);
}

static void test_kiosk_and_viewer_not_offered(void **state)
{
    static const char *const roles[][2] = {{"--kiosk", NULL}, {"--role", "viewer"}};
    struct vt *vt;

    seed();
    for (size_t i = 0; i < nitems(roles); i++) {
        vt = tu_start(roles[i][0], roles[i][1], NULL);
        VT_EXPECT_TEXT(vt, "Directory");
        VT_EXPECT_ABSENT(vt, "Subscribers");
        VT_EXPECT_ABSENT(vt, "Municipality Digest");
        vt_close(vt);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_staff_activate_needs_reason),
        TU_SCREEN_TEST(test_municipal_sees_own_only),
        TU_SCREEN_TEST(test_kiosk_and_viewer_not_offered),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
