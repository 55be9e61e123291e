/*
 * test_eventcmd.c: the events on the command line through the real
 * binary (src/eventcmd.c): events imported from CSV (the generic import,
 * times typed in Dhaka's time), then "agenda" in English and in Bengali
 * (Bengali digits, the Bangla date beside the Gregorian one), a
 * municipality's events alone, a kiosk reading them, stored control
 * characters shown as visible marks, and usage errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "testutil.h"

#include "util.h"

static const char events_csv[] =
    "title_en,title_bn,category,municipality,start,end,location,repeat,weekdays,monthly_by,"
    "until,count\n"
    "Budget workshop,বাজেট কর্মশালা,workshop,,2026-12-01 10:30,2026-12-01 13:00,Dhaka,none,,,,\n"
    "Weekly meeting,,meeting,Amtali,2026-11-30 15:00,2026-11-30 16:00,Town hall,weekly,"
    "\"MO,WE\",,,4\n"
    "Victory Day,বিজয় দিবস,holiday,,2026-12-16,2026-12-16,,yearly,,,,\n";

static char *make_db(void)
{
    char *db = tu_db_path(), *csv = xasprintf("%s/events.csv", tu_tmpdir());

    unsetenv("MABDESK_TZ");
    tu_create_db(db);
    assert_int_equal(tu_write_file(csv, events_csv), 0);
    free(tu_mabdesk(db, "import", "events", csv, NULL));
    free(csv);
    return db;
}

static void test_agenda(void **state)
{
    char *db = make_db(), *out;

    (void)state;
    out = tu_mabdesk(db, "agenda", "--from", "2026-11-29", "--days", "20", NULL);
    assert_string_equal(out, "2026-11-30\t15:00-16:00\tWeekly meeting\tAmtali\tTown hall\n"
                             "2026-12-01\t10:30-13:00\tBudget workshop\tMunicipal Association of "
                             "Bangladesh\tDhaka\n"
                             "2026-12-02\t15:00-16:00\tWeekly meeting\tAmtali\tTown hall\n"
                             "2026-12-07\t15:00-16:00\tWeekly meeting\tAmtali\tTown hall\n"
                             "2026-12-09\t15:00-16:00\tWeekly meeting\tAmtali\tTown hall\n"
                             "2026-12-16\tall day\tVictory Day\tMunicipal Association of "
                             "Bangladesh\t\n");
    free(out);
    /* One day; the window ends before the next. */
    out = tu_mabdesk(db, "agenda", "--from", "2026-12-01", "--days", "1", NULL);
    assert_string_equal(out, "2026-12-01\t10:30-13:00\tBudget workshop\tMunicipal Association of "
                             "Bangladesh\tDhaka\n");
    free(out);
    /* In Bengali: Bengali titles where there are, digits, Bangla dates. */
    out = tu_mabdesk(db, "--lang", "bn", "agenda", "--from", "2026-12-01", "--days", "16", NULL);
    assert_string_equal(out, "২০২৬-১২-০১ (১৬ অগ্রহায়ণ ১৪৩৩)\t১০:৩০-১৩:০০\tবাজেট কর্মশালা\t"
                             "মিউনিসিপ্যাল অ্যাসোসিয়েশন অব বাংলাদেশ\tDhaka\n"
                             "২০২৬-১২-০২ (১৭ অগ্রহায়ণ ১৪৩৩)\t১৫:০০-১৬:০০\tWeekly meeting\t"
                             "আমতলী পৌরসভা\tTown hall\n"
                             "২০২৬-১২-০৭ (২২ অগ্রহায়ণ ১৪৩৩)\t১৫:০০-১৬:০০\tWeekly meeting\t"
                             "আমতলী পৌরসভা\tTown hall\n"
                             "২০২৬-১২-০৯ (২৪ অগ্রহায়ণ ১৪৩৩)\t১৫:০০-১৬:০০\tWeekly meeting\t"
                             "আমতলী পৌরসভা\tTown hall\n"
                             "২০২৬-১২-১৬ (১ পৌষ ১৪৩৩)\tসারাদিন\tবিজয় দিবস\t"
                             "মিউনিসিপ্যাল অ্যাসোসিয়েশন অব বাংলাদেশ\t\n");
    free(out);
    free(db);
}

/* Change the database behind mabdesk's back, as another program might. */
static void sql_exec(const char *path, const char *sql)
{
    sqlite3 *h;

    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
}

static void test_agenda_filters_and_kiosk(void **state)
{
    char *db = make_db(), *out, *id;

    (void)state;
    id = tu_sql_text(db, "SELECT id FROM municipality WHERE name_en = 'Amtali'");
    out =
        tu_mabdesk(db, "agenda", "--from", "2026-12-01", "--days", "6", "--municipality", id, NULL);
    assert_string_equal(out, "2026-12-02\t15:00-16:00\tWeekly meeting\tAmtali\tTown hall\n");
    free(out);
    /* Text stored before the rules (or by another program) cannot drive
     * the terminal or break the columns. */
    sql_exec(db, "UPDATE event SET location = 'Dha' || char(27) || '[31m' || char(9) || 'ka'"
                 " WHERE title_en = 'Budget workshop'");
    out = tu_mabdesk(db, "--kiosk", "agenda", "--from", "2026-12-01", "--days", "1", NULL);
    assert_null(strchr(out, 27));
    assert_non_null(strstr(out, "\tDha"));
    assert_int_equal(strchr(strstr(out, "\tDha") + 1, '\t') == NULL, 1);
    free(out);
    free(id);
    free(db);
}

static void test_agenda_usage(void **state)
{
    char *db = tu_db_path(), *out = NULL, *err = NULL;

    (void)state;
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "agenda", "--days", "0", NULL), 64);
    assert_non_null(strstr(err, "--days"));
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "agenda", "--from", "2026-02-29", NULL), 64);
    assert_non_null(strstr(err, "2026-02-29"));
    free(out);
    free(err);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "agenda", "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: mabdesk agenda"));
    free(out);
    free(err);
    /* No database was made by a usage error. */
    assert_false(tu_exists(db));
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agenda),
        cmocka_unit_test(test_agenda_filters_and_kiosk),
        cmocka_unit_test(test_agenda_usage),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
