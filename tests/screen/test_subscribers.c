/*
 * test_subscribers.c: the subscribers list through the real binary at
 * 80x24: staff open it from the home menu and make a pending address
 * active only with a reason; a municipal user sees its own body's
 * subscribers and nobody else's, and cannot change them; a kiosk is not
 * offered the list at all, nor shown the addresses on a municipality's
 * page.  The public form: a kiosk subscribes (its only
 * write), an active address is left as it is, and the fourth submission of
 * a session is refused with the reason, the typing kept.
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

/* Home -> entry n (from 0) -> a screen titled title. */
static void open_entry(struct vt *vt, int n, const char *title)
{
    VT_EXPECT_TEXT(vt, "The Municipality Digest");
    vt_key(vt, VT_KEY_HOME);
    for (int i = 0; i < n; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, title);
}

/* Home -> Subscribers, after Subscribe. */
static void open_subscribers(struct vt *vt)
{
    open_entry(vt, 4, "Subscribers");
}

/* Home -> Subscribe, the fourth entry: send email through the form. */
static void subscribe(struct vt *vt, const char *email)
{
    open_entry(vt, 3, "Subscribe to the Municipality Digest");
    VT_EXPECT_ROW(vt, 23, "F2 Subscribe");
    vt_send(vt, email);
    vt_key(vt, VT_KEY_F2);
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
    /* The page's status history: imported, then made active, and why. */
    vt_key(vt, VT_KEY_END);
    VT_EXPECT_TEXT(vt, "Status history");
    VT_EXPECT_TEXT(vt, "Pending confirmation → Active, by ");
    VT_EXPECT_TEXT(vt, ": Asked by phone");
    /* Back in the list: only the active ones, then only those in Bengali. */
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, 0, "Subscribers");
    vt_send(vt, "x"); /* the search */
    VT_EXPECT_TEXT(vt, "3 of 3");
    vt_send(vt, "f");
    VT_EXPECT_TEXT(vt, "Language");
    vt_key(vt, VT_KEY_ENTER); /* Status */
    VT_EXPECT_TEXT(vt, "Unsubscribed");
    vt_send(vt, "Active");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 2, "Status: Active");
    VT_EXPECT_TEXT(vt, "1 of 3");
    VT_EXPECT_TEXT(vt, "salma@example.org");
    VT_EXPECT_ABSENT(vt, "rahim@example.org");
    vt_send(vt, "f");
    VT_EXPECT_TEXT(vt, "Language");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "English");
    vt_send(vt, "Bengali");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 2, "Status: Active  Language: Bengali");
    VT_EXPECT_TEXT(vt, "0 of 3");
    vt_send(vt, "x");
    VT_EXPECT_TEXT(vt, "3 of 3");
    VT_EXPECT_ABSENT(vt, "Status: Active");
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
        VT_EXPECT_ABSENT(vt, "who receives it");
        VT_EXPECT_TEXT(vt, "Subscribe");
        /* Nor on the page of the body the addresses asked news of. */
        tu_open_directory(vt);
        vt_send(vt, "/Amtali");
        VT_EXPECT_TEXT(vt, "1 of ");
        vt_key(vt, VT_KEY_ENTER);
        VT_EXPECT_ROW(vt, 0, "Municipality");
        vt_key(vt, VT_KEY_END);
        VT_EXPECT_TEXT(vt, "People");
        VT_EXPECT_ABSENT(vt, "rahim@example.org");
        VT_EXPECT_ABSENT(vt, "Subscribers");
        vt_close(vt);
    }
}

static long long count(const char *where)
{
    char *sql = xasprintf("SELECT count(*) FROM subscriber WHERE %s", where);
    long long n = tu_sql_int(tu_test_db(), sql);

    free(sql);
    return n;
}

/* Staff mark rows with Space and act on all of them with m: confirm
 * (with the reason asked once and kept with each), unsubscribe (asked yes
 * or no), delete; what a rule refuses is said address by address. */
static void test_staff_bulk_confirm(void **state)
{
    struct vt *vt;

    seed();
    vt = tu_start("--role", "editor", NULL);
    open_subscribers(vt);
    VT_EXPECT_TEXT(vt, "3 of 3");
    VT_EXPECT_TEXT(vt, "m Marked");
    vt_send(vt, "m");
    VT_EXPECT_TEXT(vt, "Nothing is marked: Space marks the selected entry.");
    /* Sorted by email: karim, rahim, salma; Space marks and moves down. */
    vt_send(vt, "  ");
    VT_EXPECT_TEXT(vt, "2 marked  3 of 3");
    VT_EXPECT_ROW(vt, 4, "*karim@example.org");
    VT_EXPECT_ROW(vt, 5, "*rahim@example.org");
    VT_EXPECT_ROW(vt, 6, " salma@example.org");
    vt_send(vt, "m");
    VT_EXPECT_TEXT(vt, "Unmark all");
    vt_key(vt, VT_KEY_ENTER); /* Confirm */
    VT_EXPECT_ROW(vt, 0, "Confirm");
    VT_EXPECT_TEXT(vt, "Where did these people consent?");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Nothing was sent");
    assert_int_equal(count("status = 'active'"), 0);
    vt_send(vt, "Paper forms, Barguna workshop");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Confirmed: 2 of 2.");
    assert_int_equal(count("status = 'active' AND status_reason = 'Paper forms, Barguna workshop'"
                           " AND email IN ('karim@example.org', 'rahim@example.org')"),
                     2);
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM audit WHERE action = 'update'"
                                              " AND record_kind = 'subscriber'"),
                     2);
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, 0, "Subscribers");
    VT_EXPECT_ROW(vt, 1, "3 of 3");
    VT_EXPECT_ABSENT(vt, "marked");
    VT_EXPECT_ABSENT(vt, "*karim");

    /* Unsubscribe two, asked first. */
    vt_key(vt, VT_KEY_HOME);
    vt_send(vt, " ");
    vt_key(vt, VT_KEY_DOWN);
    vt_send(vt, " ");
    VT_EXPECT_TEXT(vt, "2 marked");
    vt_send(vt, "m");
    VT_EXPECT_TEXT(vt, "Unmark all");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Unsubscribe (2)");
    vt_send(vt, "y");
    VT_EXPECT_TEXT(vt, "Unsubscribed: 2 of 2.");
    assert_int_equal(count("status = 'unsubscribed'"), 2);

    /* An unsubscribed address is not confirmed by staff: said, by address. */
    vt_key(vt, VT_KEY_HOME);
    vt_send(vt, " m");
    VT_EXPECT_TEXT(vt, "Unmark all");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Confirm");
    vt_send(vt, "Asked again");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Confirmed: 0 of 1.");
    VT_EXPECT_TEXT(vt, "karim@example.org: Status: only its owner can subscribe");
    assert_int_equal(count("email = 'karim@example.org' AND status = 'unsubscribed'"), 1);
    vt_key(vt, VT_KEY_ESC);

    /* Delete, asked first. */
    VT_EXPECT_ROW(vt, 0, "Subscribers");
    vt_key(vt, VT_KEY_END);
    vt_send(vt, " m");
    VT_EXPECT_TEXT(vt, "Unmark all");
    vt_send(vt, "Delete");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_TEXT(vt, "Delete the 1 marked entry?");
    vt_send(vt, "y");
    VT_EXPECT_TEXT(vt, "Deleted: 1 of 1.");
    VT_EXPECT_TEXT(vt, "2 of 2");
    assert_int_equal(count("email = 'salma@example.org'"), 0);
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
}

static void test_kiosk_subscribes(void **state)
{
    struct vt *vt;
    char *token, *out;

    seed();
    /* Rahim confirms through his link. */
    token = tu_sql_text(tu_test_db(),
                        "SELECT confirm_token FROM subscriber WHERE email = 'rahim@example.org'");
    out = tu_mabdesk(tu_test_db(), "subscribers", "confirm", token, NULL);
    free(out);
    free(token);
    assert_int_equal(count("email = 'rahim@example.org' AND status = 'active'"), 1);
    vt = tu_start("--kiosk", NULL);
    subscribe(vt, "New.Reader@example.org");
    VT_EXPECT_TEXT(vt, "You have been successfully subscribed!");
    VT_EXPECT_ROW(vt, 23, "Esc Back");
    VT_EXPECT_ABSENT(vt, "F2 Subscribe");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, 0, "Home");
    /* An active address: nothing changes, and it says so. */
    subscribe(vt, "RAHIM@example.org");
    VT_EXPECT_TEXT(vt, "is subscribed already");
    vt_key(vt, VT_KEY_ESC);
    /* A bad address never reaches the database. */
    subscribe(vt, "not an address");
    VT_EXPECT_TEXT(vt, "Nothing was sent");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Throw away");
    vt_send(vt, "y"); /* the typing */
    /* The third and the fourth submission of the session. */
    subscribe(vt, "third@example.org");
    VT_EXPECT_TEXT(vt, "successfully subscribed");
    vt_key(vt, VT_KEY_ESC);
    subscribe(vt, "fourth@example.org");
    VT_EXPECT_ROW(vt, 1, "Oops! Something went wrong, please try again.");
    VT_EXPECT_TEXT(vt, "too many subscriptions");
    VT_EXPECT_TEXT(vt, "fourth@example.org"); /* the typing stays */
    vt_close(vt);
    assert_int_equal(count("email = 'New.Reader@example.org' AND status = 'pending' AND"
                           " consent_how = 'kiosk' AND lang = 'en'"),
                     1);
    assert_int_equal(count("email = 'rahim@example.org' AND status = 'active'"), 1);
    assert_int_equal(count("email = 'third@example.org'"), 1);
    assert_int_equal(count("email = 'fourth@example.org'"), 0);
    assert_int_equal(count("1"), 5);
}

static void test_local_form_is_staff_consent(void **state)
{
    struct vt *vt;

    seed();
    vt = tu_start("--lang", "bn", "--role", "viewer", NULL);
    VT_EXPECT_TEXT(vt, "ডাইজেস্ট");
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "মিউনিসিপ্যালিটি ডাইজেস্টের গ্রাহক হোন");
    vt_send(vt, "bn.reader@example.org");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "সফলভাবে গ্রাহক হয়েছেন!");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(count("email = 'bn.reader@example.org' AND consent_how = 'staff' AND"
                           " lang = 'bn' AND municipality_id IS NULL"),
                     1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_staff_activate_needs_reason),
        TU_SCREEN_TEST(test_staff_bulk_confirm),
        TU_SCREEN_TEST(test_municipal_sees_own_only),
        TU_SCREEN_TEST(test_kiosk_and_viewer_not_offered),
        TU_SCREEN_TEST(test_kiosk_subscribes),
        TU_SCREEN_TEST(test_local_form_is_staff_consent),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
