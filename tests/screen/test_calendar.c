/*
 * test_calendar.c: the event calendar through the real binary: an event
 * added from the month grid shows as a marked day, in the agenda, in the
 * day view and on the home screen, and is edited from the day view; a
 * municipal user is offered the edit of its own body's event only; a
 * kiosk sees the coming week on its home screen and can change nothing;
 * the grid at 80x24 in English and Bengali (with the Bangla month) and
 * at 40x15, and a narrow Bengali agenda.
 *
 * Days are counted from today in Dhaka, the default zone, so the test
 * runs on any day.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "util.h"
#include "vt.h"

/* The date n days from today in Dhaka (UTC+6, no summer time). */
static struct tm dhaka_day(int n)
{
    time_t t = time(NULL) + 6 * 3600 + (time_t)n * 86400;
    struct tm tm;

    gmtime_r(&t, &tm);
    return tm;
}

static void day_text(int n, char *out, size_t size)
{
    struct tm tm = dhaka_day(n);

    strftime(out, size, "%Y-%m-%d", &tm);
}

/* The association's event tomorrow at 10:00, Amtali's at 15:00 and
 * Barguna's at 17:00. */
static void import_events(void)
{
    char *path = xasprintf("%s/events.csv", tu_tmpdir()), d[16], *csv;

    day_text(1, d, sizeof d);
    csv = xasprintf("title_en,title_bn,category,municipality,start,end\n"
                    "Budget workshop,বাজেট কর্মশালা,workshop,,%s 10:00,%s 13:00\n"
                    "Amtali meeting,,meeting,Amtali,%s 15:00,%s 16:00\n"
                    "Barguna training,,training,Barguna,%s 17:00,%s 18:00\n",
                    d, d, d, d, d, d);
    tu_create_db(tu_test_db());
    assert_int_equal(tu_write_file(path, csv), 0);
    free(tu_mabdesk(tu_test_db(), "import", "events", path, NULL));
    free(csv);
    free(path);
}

/* Home -> Events, selected by its label; the month grid opens. */
static void open_calendar(struct vt *vt)
{
    tu_home_open(vt, "Trainings, workshops");
    VT_EXPECT_ROW(vt, 0, "Events calendar");
}

/* Today's cell as the grid shows it: bracketed, with its mark. */
static void today_cell(char *out, size_t size, const char *mark)
{
    struct tm tm = dhaka_day(0);

    snprintf(out, size, "[%2d]%s", tm.tm_mday, mark);
}

static void test_add_from_month(void **state)
{
    struct vt *vt;
    char cell[32];

    (void)state;
    tu_create_db(tu_test_db());
    vt = tu_start(NULL);
    open_calendar(vt);
    today_cell(cell, sizeof cell, "");
    VT_EXPECT_TEXT(vt, cell);
    VT_EXPECT_TEXT(vt, "No events on this day.");
    vt_send(vt, "n");
    VT_EXPECT_ROW(vt, 0, "New event");
    tu_go_to_field(vt, "Title (English)");
    tu_replace_field(vt, "Mayors' conference");
    vt_key(vt, VT_KEY_F2);
    /* Back on the grid: today marked, the event below it. */
    VT_EXPECT_ROW(vt, 0, "Events calendar");
    today_cell(cell, sizeof cell, "•1");
    VT_EXPECT_TEXT(vt, cell);
    VT_EXPECT_TEXT(vt, "10:00-11:00 Mayors' conference");
    vt_send(vt, "a");
    VT_EXPECT_ROW(vt, 0, "Events: agenda");
    VT_EXPECT_TEXT(vt, "Mayors' conference");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_ROW(vt, 0, "Events calendar");
    vt_key(vt, VT_KEY_ESC);
    VT_EXPECT_TEXT(vt, "Coming this week");
    VT_EXPECT_TEXT(vt, "Mayors' conference");
    /* Edit it from the day view. */
    open_calendar(vt);
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Events of the day");
    VT_EXPECT_TEXT(vt, "Mayors' conference");
    vt_send(vt, "e");
    VT_EXPECT_ROW(vt, 0, "Edit event");
    tu_go_to_field(vt, "Title (English)");
    tu_replace_field(vt, "Mayors' summit");
    vt_key(vt, VT_KEY_F2);
    VT_EXPECT_ROW(vt, 0, "Events of the day");
    VT_EXPECT_TEXT(vt, "Mayors' summit");
    VT_EXPECT_ABSENT(vt, "Mayors' conference");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    assert_int_equal(tu_sql_int(tu_test_db(), "SELECT count(*) FROM event WHERE title_en ="
                                              " 'Mayors'' summit' AND version = 2"),
                     1);
}

/* Tomorrow's list, from the grid. */
static void open_tomorrow(struct vt *vt)
{
    vt_key(vt, VT_KEY_RIGHT);
    vt_settle(vt, 25, vt_timeout());
    vt_key(vt, VT_KEY_ENTER);
    VT_EXPECT_ROW(vt, 0, "Events of the day");
    VT_EXPECT_TEXT(vt, "Barguna training");
}

static void test_municipal_edits_own_only(void **state)
{
    char *id;
    struct vt *vt;

    (void)state;
    import_events();
    id = tu_sql_text(tu_test_db(), "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    vt = tu_start("--role", "municipal", "--municipality", id, NULL);
    open_calendar(vt);
    open_tomorrow(vt);
    /* The association's, first: neither offered nor done. */
    VT_EXPECT_REVERSE(vt, 3);
    VT_EXPECT_ABSENT(vt, "e Edit");
    vt_send(vt, "e");
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_ABSENT(vt, "Edit event");
    /* Its own: offered. */
    vt_key(vt, VT_KEY_DOWN);
    VT_EXPECT_ROW(vt, 23, "e Edit");
    /* Barguna's: not. */
    vt_key(vt, VT_KEY_DOWN);
    VT_EXPECT_REVERSE(vt, 5);
    VT_EXPECT_ABSENT(vt, "e Edit");
    vt_send(vt, "e");
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_ABSENT(vt, "Edit event");
    vt_key(vt, VT_KEY_F10);
    VT_EXPECT_EXIT(vt, 0);
    vt_close(vt);
    free(id);
}

static void test_kiosk_sees_coming_week(void **state)
{
    struct vt *vt;

    (void)state;
    import_events();
    vt = tu_start("--kiosk", NULL);
    VT_EXPECT_TEXT(vt, "Coming this week");
    VT_EXPECT_TEXT(vt, "10:00-13:00  Budget workshop");
    vt_key(vt, VT_KEY_F9);
    VT_EXPECT_TEXT(vt, "বাজেট কর্মশালা");
    VT_EXPECT_TEXT(vt, "১০:০০-১৩:০০");
    vt_key(vt, VT_KEY_F9);
    open_calendar(vt);
    VT_EXPECT_ABSENT(vt, "New");
    vt_send(vt, "n");
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_ABSENT(vt, "New event");
    open_tomorrow(vt);
    VT_EXPECT_ABSENT(vt, "Edit");
    vt_send(vt, "e");
    vt_settle(vt, 100, vt_timeout());
    VT_EXPECT_ABSENT(vt, "Edit event");
    vt_close(vt);
}

/* Home entry 6, Events, by position (a narrow home shows no
 * descriptions to find it by). */
static void open_sixth_entry(struct vt *vt, const char *label)
{
    VT_EXPECT_TEXT(vt, label);
    vt_key(vt, VT_KEY_HOME);
    for (int i = 0; i < 5; i++)
        vt_key(vt, VT_KEY_DOWN);
    vt_key(vt, VT_KEY_ENTER);
}

static struct vt *start_sized(int rows, int cols, const char *lang)
{
    const char *argv[] = {tu_bin(), "--db", tu_test_db(), "--lang", lang, NULL};

    return vt_spawn(argv, rows, cols, NULL);
}

/* The header row holds one of the Bangla months and a year 14xx. */
static int has_bangla_month(const char *row)
{
    static const char *const months[] = {"বৈশাখ",  "জ্যৈষ্ঠ",   "আষাঢ়", "শ্রাবণ", "ভাদ্র",  "আশ্বিন",
                                         "কার্তিক", "অগ্রহায়ণ", "পৌষ",  "মাঘ",   "ফাল্গুন", "চৈত্র"};

    for (size_t i = 0; i < nitems(months); i++)
        if (strstr(row, months[i]) != NULL)
            return strstr(row, "১৪") != NULL;
    return 0;
}

static void test_grid_sizes(void **state)
{
    struct vt *vt;
    char cell[32];
    (void)state;
    import_events();
    vt = start_sized(24, 80, "en");
    open_calendar(vt);
    /* Saturday first, as in Bangladesh. */
    VT_EXPECT_TEXT(vt, "Sat        Sun        Mon");
    today_cell(cell, sizeof cell, "");
    VT_EXPECT_TEXT(vt, cell);
    VT_EXPECT_ROW(vt, 23, "t Today");
    vt_close(vt);

    vt = start_sized(24, 80, "bn");
    open_sixth_entry(vt, "অনুষ্ঠান");
    VT_EXPECT_ROW(vt, 0, "অনুষ্ঠান পঞ্জিকা");
    VT_EXPECT_TEXT(vt, "শনি");
    VT_ASSERT(vt, has_bangla_month(vt_row(vt, 1)));
    vt_close(vt);

    vt = start_sized(15, 40, "en");
    open_sixth_entry(vt, "Events");
    VT_EXPECT_ROW(vt, 0, "Events calendar");
    VT_EXPECT_TEXT(vt, "Sat  Sun");
    today_cell(cell, sizeof cell, "");
    VT_EXPECT_TEXT(vt, cell);
    /* Tomorrow's mark is whole, not cut. */
    VT_EXPECT_TEXT(vt, "•");
    VT_EXPECT_ABSENT(vt, "…");
    VT_ASSERT(vt, strstr(vt_row(vt, 14), "F10") != NULL);
    vt_close(vt);

    /* A narrow agenda in Bengali drops the Bangla date, not the title. */
    vt = start_sized(15, 40, "bn");
    open_sixth_entry(vt, "অনুষ্ঠান");
    VT_EXPECT_ROW(vt, 0, "অনুষ্ঠান পঞ্জিকা");
    vt_send(vt, "a");
    VT_EXPECT_ROW(vt, 0, "অনুষ্ঠান: কর্মসূচি");
    VT_EXPECT_TEXT(vt, "১০:০০-১৩:০০  বাজেট কর্মশালা");
    vt_close(vt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        TU_SCREEN_TEST(test_add_from_month),
        TU_SCREEN_TEST(test_municipal_edits_own_only),
        TU_SCREEN_TEST(test_kiosk_sees_coming_week),
        TU_SCREEN_TEST(test_grid_sizes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
