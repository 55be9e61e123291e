/*
 * test_events_list.c: the Events entry of the home menu through the real
 * binary at 80x24: the generic list, detail and form serve the event
 * kind; times are shown and typed in Dhaka's time and stored in UTC; a
 * municipal user is offered edits of its own body's events only, and a
 * kiosk none at all.  (The month, agenda and day screens are not these.)
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

static void import_events(void)
{
    char *path = xasprintf("%s/events.csv", tu_tmpdir());

    tu_create_db(tu_test_db());
    assert_int_equal(tu_write_file(path, "title_en,category,municipality,start,end,location\n"
                                         "Budget workshop,workshop,,2026-12-01 10:30,"
                                         "2026-12-01 13:00,Dhaka\n"
                                         "Amtali meeting,meeting,Amtali,2026-12-02 15:00,"
                                         "2026-12-02 16:00,Town hall\n"),
                     0);
    free(tu_mabdesk(tu_test_db(), "import", "events", path, NULL));
    free(path);
}

/* Home -> Events (selected by its label) -> the list. */
static void open_events(struct vt *vt)
{
    tu_home_open(vt, "Trainings, workshops");
    /* The calendar first; l is every event as the generic list. */
    VT_EXPECT_ROW(vt, 0, "Events calendar");
    vt_send(vt, "l");
    VT_EXPECT_ROW(vt, 0, "Events");
    VT_EXPECT_TEXT(vt, " of ");
}

static void test_staff_add_event(void **state)
{
    struct vt *vt;
    char *s;

    import_events();
    vt = tu_start(NULL);
    open_events(vt);
    VT_EXPECT_TEXT(vt, "2026-12-01 10:30");
    VT_EXPECT_TEXT(vt, "Budget workshop");
    VT_EXPECT_TEXT(vt, "2 of 2");
    vt_send(vt, "n");
    VT_EXPECT_ROW(vt, 0, "New event");
    tu_go_to_field(vt, "Title (English)");
    tu_replace_field(vt, "Mayors' conference");
    tu_go_to_field(vt, "Starts");
    tu_replace_field(vt, "2027-01-20 09:00");
    tu_go_to_field(vt, "Ends");
    tu_replace_field(vt, "2027-01-19 17:00");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "must not be before the start");
    tu_go_to_field(vt, "Ends");
    tu_replace_field(vt, "2027-01-20 17:00");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_TEXT(vt, "Saved Mayors' conference.");
    VT_EXPECT_TEXT(vt, "3 of 3");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    s = tu_sql_text(tu_test_db(), "SELECT start_at || ' ' || end_at || ' ' || length(uid)"
                                  " FROM event WHERE title_en = 'Mayors'' conference'");
    assert_string_equal(s, "2027-01-20T03:00:00Z 2027-01-20T11:00:00Z 40");
    free(s);
}

static void test_municipal_and_kiosk(void **state)
{
    char *arg;
    struct vt *vt;

    import_events();
    arg = tu_sql_text(tu_test_db(), "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    vt = tu_start("--role", "municipal", "--municipality", arg, NULL);
    open_events(vt);
    /* The association's event, first: read only. */
    VT_EXPECT_TEXT(vt, "Budget workshop");
    VT_EXPECT_ABSENT(vt, "e Edit");
    vt_key(vt, VT_KEY_DOWN);
    VT_EXPECT_ROW(vt, 23, "Edit");
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Event");
    VT_EXPECT_TEXT(vt, "2026-12-02 15:00");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    vt = tu_start("--kiosk", NULL);
    open_events(vt);
    VT_EXPECT_TEXT(vt, "Amtali meeting");
    VT_EXPECT_ABSENT(vt, "Edit");
    VT_EXPECT_ABSENT(vt, "New");
    vt_send(vt, "n");
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_ABSENT(vt, "New event");
    vt_close(vt);
    free(arg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_staff_add_event),
        TU_SCREEN_TEST(test_municipal_and_kiosk),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
