/*
 * test_eventcmd.c: the events on the command line through the real
 * binary (src/eventcmd.c): events imported from CSV (the generic import,
 * times typed in Dhaka's time), then "agenda" in English and in Bengali
 * (Bengali digits, the Bangla date beside the Gregorian one), a
 * municipality's events alone, a kiosk reading them, stored control
 * characters shown as visible marks, and usage errors; "export events"
 * read back by python3-icalendar; "import events" of a file as Google
 * Calendar writes it, again (updated by UID, never added twice), and
 * malformed or refused files changing nothing.
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

/* --- iCalendar ------------------------------------------------------------ */

/* An independent reader: python3-icalendar from Debian (the python3 on
 * PATH may be another one, without Debian's modules). */
static const char python_check[] =
    "import sys, icalendar\n"
    "cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n"
    "assert cal['VERSION'] == '2.0' and 'PRODID' in cal\n"
    "for e in cal.walk('VEVENT'):\n"
    "    assert e.get('UID') and e.get('DTSTAMP') and e.get('DTSTART')\n"
    "    print(e['UID'].split('@')[1], e.decoded('DTSTART').isoformat(),\n"
    "          str(e.get('SUMMARY')), str(e.get('RRULE', '').to_ical().decode()\n"
    "          if e.get('RRULE') else ''), len(e.get('EXDATE', [])) if isinstance(\n"
    "          e.get('EXDATE'), list) else (1 if e.get('EXDATE') else 0), sep='|')\n";

static char *python_read(const char *ics)
{
    char *argv[] = {(char *)"/usr/bin/python3", (char *)"-c", (char *)python_check, (char *)ics,
                    NULL};
    char *out = NULL, *err = NULL;
    int rc = tu_run(argv, NULL, &out, &err);

    if (rc != 0)
        fail_msg("python3-icalendar refused %s (%d): %s", ics, rc, err);
    free(err);
    return out;
}

static void test_export_ics(void **state)
{
    char *db = make_db(), *ics = xasprintf("%s/out.ics", tu_tmpdir()), *out, *text;

    (void)state;
    sql_exec(db, "INSERT INTO event_exception(event_id, original_start, cancelled) SELECT id,"
                 " '2026-12-02T09:00:00Z', 1 FROM event WHERE title_en = 'Weekly meeting'");
    free(tu_mabdesk(db, "export", "events", "-o", ics, NULL));
    text = tu_read_file(ics);
    assert_non_null(strstr(text, "BEGIN:VCALENDAR\r\n"));
    assert_non_null(strstr(text, "EXDATE;TZID=Asia/Dhaka:20261202T150000\r\n"));
    out = python_read(ics);
    assert_string_equal(out, "mabdesk|2026-11-30T15:00:00+06:00|Weekly meeting|"
                             "FREQ=WEEKLY;COUNT=4;BYDAY=MO,WE|1\n"
                             "mabdesk|2026-12-01T10:30:00+06:00|Budget workshop||0\n"
                             "mabdesk|2026-12-16|Victory Day|FREQ=YEARLY|0\n");
    free(out);
    free(text);
    /* A window: what happens in it; an organiser's alone. */
    out = tu_mabdesk(db, "export", "events", "--from", "2026-12-03", "--to", "2026-12-10", NULL);
    assert_non_null(strstr(out, "SUMMARY;LANGUAGE=en:Weekly meeting"));
    assert_null(strstr(out, "Budget workshop"));
    assert_null(strstr(out, "Victory Day"));
    free(out);
    /* The generic CSV export still answers --format csv. */
    out = tu_mabdesk(db, "export", "events", "--format", "csv", NULL);
    assert_true(strncmp(out, "id,version,title_en,", 20) == 0);
    free(out);
    free(ics);
    free(db);
}

static const char google_ics[] = "BEGIN:VCALENDAR\r\n"
                                 "VERSION:2.0\r\n"
                                 "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
                                 "BEGIN:VEVENT\r\n"
                                 "UID:ws1@google.com\r\n"
                                 "DTSTART;TZID=Europe/London:20261203T100000\r\n"
                                 "DTEND;TZID=Europe/London:20261203T120000\r\n"
                                 "SUMMARY:Donor workshop\r\n"
                                 "LOCATION:London\\, UK\r\n"
                                 "END:VEVENT\r\n"
                                 "BEGIN:VJOURNAL\r\n"
                                 "UID:j1@google.com\r\n"
                                 "END:VJOURNAL\r\n"
                                 "END:VCALENDAR\r\n";

static long long count(const char *db, const char *sql)
{
    return tu_sql_int(db, sql);
}

static void test_import_ics(void **state)
{
    char *db = tu_db_path(), *ics = xasprintf("%s/google.ics", tu_tmpdir()), *out = NULL;
    char *err = NULL, *changed;

    (void)state;
    tu_create_db(db);
    assert_int_equal(tu_write_file(ics, google_ics), 0);
    out = tu_mabdesk(db, "import", "events", ics, "--dry-run", NULL);
    assert_non_null(strstr(out, "1 added, 0 updated, 0 unchanged, 1 not imported; nothing"));
    assert_non_null(strstr(out, ":11: VJOURNAL: not an event"));
    free(out);
    assert_int_equal(count(db, "SELECT count(*) FROM event"), 0);
    out = tu_mabdesk(db, "import", "events", ics, NULL);
    free(out);
    /* London's 10:00 is Dhaka's 16:00 in December. */
    out = tu_mabdesk(db, "agenda", "--from", "2026-12-03", "--days", "1", NULL);
    assert_string_equal(out, "2026-12-03\t16:00-18:00\tDonor workshop\tMunicipal Association of "
                             "Bangladesh\tLondon, UK\n");
    free(out);
    /* Again: found by its UID, not added twice. */
    out = tu_mabdesk(db, "import", "events", ics, NULL);
    assert_non_null(strstr(out, "0 added, 0 updated, 1 unchanged"));
    free(out);
    changed = xasprintf("%s/changed.ics", tu_tmpdir());
    {
        char *text = xstrdup(google_ics), *p = strstr(text, "Donor workshop");

        memcpy(p, "Donor meeting!", 14);
        assert_int_equal(tu_write_file(changed, text), 0);
        free(text);
    }
    out = tu_mabdesk(db, "import", "events", changed, NULL);
    assert_non_null(strstr(out, "0 added, 1 updated, 0 unchanged"));
    free(out);
    assert_int_equal(count(db, "SELECT count(*) FROM event"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM event WHERE title_en = 'Donor meeting!'"), 1);
    /* The search index, brought up to date once at the end of each import:
     * the new title is found, the old one no more, and nothing is left
     * waiting to be indexed. */
    assert_int_equal(count(db, "SELECT count(*) FROM event_fts WHERE event_fts MATCH 'meeting'"),
                     1);
    assert_int_equal(count(db, "SELECT count(*) FROM event_fts WHERE event_fts MATCH 'donor'"), 1);
    assert_int_equal(count(db, "SELECT count(*) FROM event_fts WHERE event_fts MATCH 'workshop'"),
                     0);
    assert_int_equal(count(db, "SELECT count(*) FROM search_defer"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM audit WHERE record_kind = 'event'"
                               " AND action = 'import'"),
                     2);
    /* Only staff import. */
    assert_int_equal(
        tu_mabdesk_status(db, &out, &err, "--role", "viewer", "import", "events", ics, NULL), 77);
    free(out);
    free(err);
    free(changed);
    free(ics);
    free(db);
}

static void test_import_malformed(void **state)
{
    char *db = make_db(), *ics = xasprintf("%s/bad.ics", tu_tmpdir()), *out = NULL, *err = NULL;
    long long events, audit;

    (void)state;
    events = count(db, "SELECT count(*) FROM event");
    audit = count(db, "SELECT count(*) FROM audit");
    /* A good event first, then a broken line: nothing of it lands. */
    assert_int_equal(tu_write_file(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                        "BEGIN:VEVENT\r\nUID:good@x\r\n"
                                        "DTSTART:20261210T040000Z\r\nSUMMARY:Good\r\n"
                                        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:bad@x\r\n"
                                        "DTSTART:20261211T040000Z\r\nSUMMARY:Bad\r\n"
                                        "END:VEVENT\r\nEND:VCALENDAR\r\n"),
                     0);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "import", "events", ics, NULL), 0);
    free(out);
    free(err);
    assert_int_equal(tu_write_file(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                        "BEGIN:VEVENT\r\nUID:good2@x\r\n"
                                        "DTSTART:20261210T040000Z\r\nSUMMARY:Good\r\n"
                                        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:bad2@x\r\n"
                                        "DTSTART:20261211T040000Z\r\nSUMMARY:Bad\r\n"
                                        "END:VEVENTS\r\nEND:VCALENDAR\r\n"),
                     0);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "import", "events", ics, NULL), 65);
    assert_non_null(strstr(err, "bad.ics:12: END:VEVENTS does not close BEGIN:VEVENT of line 8"));
    free(out);
    free(err);
    /* An event its checks refuse (its end before its start): named by its
     * line, and the good one before it is not kept either. */
    assert_int_equal(tu_write_file(ics, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
                                        "BEGIN:VEVENT\r\nUID:good3@x\r\n"
                                        "DTSTART:20261210T040000Z\r\nSUMMARY:Good\r\n"
                                        "END:VEVENT\r\nBEGIN:VEVENT\r\nUID:bad3@x\r\n"
                                        "DTSTART:20261211T040000Z\r\n"
                                        "DTEND:20261211T030000Z\r\nSUMMARY:Bad\r\n"
                                        "END:VEVENT\r\nEND:VCALENDAR\r\n"),
                     0);
    assert_int_equal(tu_mabdesk_status(db, &out, &err, "import", "events", ics, NULL), 65);
    assert_non_null(strstr(err, "bad.ics:8: Ends (all day: the last day): must not be before"));
    assert_non_null(strstr(err, "nothing was imported"));
    free(out);
    free(err);
    assert_int_equal(count(db, "SELECT count(*) FROM event"), events + 2);
    assert_int_equal(count(db, "SELECT count(*) FROM audit"), audit + 2);
    free(ics);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agenda),       cmocka_unit_test(test_agenda_filters_and_kiosk),
        cmocka_unit_test(test_agenda_usage), cmocka_unit_test(test_export_ics),
        cmocka_unit_test(test_import_ics),   cmocka_unit_test(test_import_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, tu_teardown_tmpdir);
}
