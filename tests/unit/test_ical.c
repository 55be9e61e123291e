/*
 * test_ical.c: iCalendar written and read (src/fmt/ical.c, ical_in.c,
 * ical_fields.c) without a database: a round trip of events with Bengali
 * text long enough to cross the 75-octet fold (every line checked: at
 * most 75 octets, whole UTF-8 characters, CRLF) and with the characters
 * TEXT escapes; every length of a line around the fold (libical 3.0
 * breaks some); a file as calendar programs write them (TZID times of
 * another zone and of a VTIMEZONE named the Windows way, UTC, floating,
 * all-day, DURATION, folded lines, RRULE with EXDATE and a moved
 * occurrence); what cannot be kept listed with its line; malformed files
 * refused with the line named.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evrecur.h"
#include "fmt/ical.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

static const char long_bn[] =
    "পৌরসভার বাজেট প্রণয়ন, বাস্তবায়ন ও পর্যবেক্ষণ বিষয়ে মেয়র ও কাউন্সিলরদের প্রশিক্ষণ";

static void event(struct record *r, const char *uid, const char *start, const char *end)
{
    record_init(r, &kind_event);
    str_set(&r->x[EX_UID], uid);
    record_set(r, EF_TITLE_EN, "Budget training");
    record_set(r, EF_CATEGORY, "training");
    record_set(r, EF_START, start);
    record_set(r, EF_END, end);
    record_set(r, EF_REPEAT, "none");
}

/* Every physical line: CRLF-ended, at most 75 octets, valid UTF-8. */
static void check_lines(const char *text)
{
    const char *p = text;

    while (*p != '\0') {
        const char *e = strstr(p, "\r\n");
        size_t n;

        assert_non_null(e);
        n = (size_t)(e - p);
        if (n > 75)
            fail_msg("a line of %zu octets: %.*s", n, (int)n, p);
        if (!text_valid_utf8(p, n))
            fail_msg("a fold splits a character: %.*s", (int)n, p);
        p = e + 2;
    }
}

static char *write_one(const struct record *r, const char *zone)
{
    struct ical_out *o = ical_out_new(zone);

    ical_out_add(o, r);
    return ical_out_finish(o);
}

static void read_ok(const char *text, const char *zone, struct ical_in *in)
{
    char *err = NULL;

    if (ical_read("t.ics", text, strlen(text), zone, in, &err) != 0)
        fail_msg("%s", err);
}

static void test_round_trip(void **state)
{
    struct record r;
    struct ical_in in;
    char *text;

    (void)state;
    event(&r, "abc@mabdesk", "2026-12-01 10:30", "2026-12-01 13:00");
    record_set(&r, EF_TITLE_BN, long_bn);
    record_set(&r, EF_DESCRIPTION_BN, "প্রথম লাইন, কমা; সেমিকোলন\\ব্যাকস্ল্যাশ\nদ্বিতীয় লাইন");
    record_set(&r, EF_LOCATION, "Dhaka, MAB office; 3rd floor");
    text = write_one(&r, "Asia/Dhaka");
    check_lines(text);
    assert_non_null(strstr(text, "PRODID:"));
    assert_non_null(strstr(text, "VERSION:2.0\r\n"));
    assert_non_null(strstr(text, "DTSTART;TZID=Asia/Dhaka:20261201T103000\r\n"));
    assert_non_null(strstr(text, "BEGIN:VTIMEZONE\r\nTZID:Asia/Dhaka\r\n"));
    assert_non_null(strstr(text, "LOCATION:Dhaka\\, MAB office\\; 3rd floor\r\n"));
    assert_non_null(strstr(text, "CATEGORIES:Training\r\n"));
    /* The Bengali title does not fit one line. */
    assert_null(strstr(text, long_bn));
    read_ok(text, "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 1);
    assert_int_equal(in.nnotes, 0);
    assert_string_equal(in.ev[0].r.x[EX_UID], "abc@mabdesk");
    for (int f = 0; f < EF_COUNT; f++)
        if (f != EF_ALL_DAY && f != EF_INTERVAL && strcmp(in.ev[0].r.f[f], r.f[f]) != 0)
            fail_msg("%s: '%s', not '%s'", kind_event.fields[f].key, in.ev[0].r.f[f], r.f[f]);
    ical_in_free(&in);
    free(text);
    /* Read in another zone: the same moment, there. */
    text = write_one(&r, "Asia/Dhaka");
    read_ok(text, "Europe/London", &in);
    assert_string_equal(in.ev[0].r.f[EF_START], "2026-12-01 04:30");
    ical_in_free(&in);
    free(text);
    record_free(&r);
}

/* libical 3.0 breaks a line whose last folded piece is 73 or 74 octets
 * (a CR inside the line); every length around the fold is written well
 * and read back. */
static void test_fold_lengths(void **state)
{
    (void)state;
    for (int n = 60; n < 240; n++) {
        struct record r;
        struct ical_in in;
        char title[256], *text;

        memset(title, 'a', (size_t)n);
        title[n] = '\0';
        event(&r, "fold@mabdesk", "2026-12-01 10:30", "2026-12-01 13:00");
        record_set(&r, EF_TITLE_EN, title);
        text = write_one(&r, "Asia/Dhaka");
        check_lines(text);
        assert_null(strstr(text, "\r\r"));
        read_ok(text, "Asia/Dhaka", &in);
        assert_string_equal(in.ev[0].r.f[EF_TITLE_EN], title);
        ical_in_free(&in);
        free(text);
        record_free(&r);
    }
}

static void test_round_trip_repeating(void **state)
{
    struct record r;
    struct ical_in in;
    char *text;

    (void)state;
    /* All day, yearly. */
    event(&r, "victory@mabdesk", "2026-12-16", "2026-12-16");
    record_set(&r, EF_REPEAT, "yearly");
    record_set(&r, EF_TITLE_EN, "");
    record_set(&r, EF_TITLE_BN, "বিজয় দিবস");
    text = write_one(&r, "Asia/Dhaka");
    assert_non_null(strstr(text, "DTSTART;VALUE=DATE:20261216\r\n"));
    assert_non_null(strstr(text, "DTEND;VALUE=DATE:20261217\r\n"));
    assert_non_null(strstr(text, "SUMMARY;LANGUAGE=bn:বিজয় দিবস\r\n"));
    read_ok(text, "Asia/Dhaka", &in);
    assert_string_equal(in.ev[0].r.f[EF_END], "2026-12-16");
    assert_string_equal(in.ev[0].r.f[EF_REPEAT], "yearly");
    assert_string_equal(in.ev[0].r.f[EF_TITLE_BN], "বিজয় দিবস");
    ical_in_free(&in);
    free(text);
    record_free(&r);
    /* Last Friday monthly until a date, one cancelled and one moved. */
    event(&r, "fri@mabdesk", "2026-11-27 15:00", "2026-11-27 16:00");
    record_set(&r, EF_REPEAT, "monthly");
    record_set(&r, EF_MONTHLY, "last_weekday");
    record_set(&r, EF_UNTIL, "2027-06-30");
    str_set(&r.x[EX_EXCEPTIONS], "2026-12-25T09:00:00Z|1||;2027-01-29T09:00:00Z|0|"
                                 "2027-01-28T09:00:00Z|2027-01-28T10:00:00Z");
    text = write_one(&r, "Asia/Dhaka");
    assert_non_null(strstr(text, "RRULE:FREQ=MONTHLY;UNTIL=20270630T175959Z;BYDAY=-1FR\r\n"));
    assert_non_null(strstr(text, "EXDATE;TZID=Asia/Dhaka:20261225T150000\r\n"));
    assert_non_null(strstr(text, "RECURRENCE-ID;TZID=Asia/Dhaka:20270129T150000\r\n"));
    read_ok(text, "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 1);
    assert_string_equal(in.ev[0].r.f[EF_MONTHLY], "last_weekday");
    assert_string_equal(in.ev[0].r.f[EF_UNTIL], "2027-06-30");
    assert_string_equal(in.ev[0].r.x[EX_EXCEPTIONS], r.x[EX_EXCEPTIONS]);
    ical_in_free(&in);
    free(text);
    record_free(&r);
}

/* As Google Calendar and Outlook write them. */
static const char others[] = "BEGIN:VCALENDAR\r\n"
                             "PRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n"
                             "VERSION:2.0\r\n"
                             "BEGIN:VTIMEZONE\r\n"
                             "TZID:Bangladesh Standard Time\r\n"
                             "BEGIN:STANDARD\r\n"
                             "DTSTART:16010101T000000\r\n"
                             "TZOFFSETFROM:+0600\r\n"
                             "TZOFFSETTO:+0600\r\n"
                             "END:STANDARD\r\n"
                             "END:VTIMEZONE\r\n"
                             "BEGIN:VEVENT\r\n" /* line 12 */
                             "UID:ny@example.com\r\n"
                             "DTSTART;TZID=America/New_York:20260710T090000\r\n"
                             "DTEND;TZID=America/New_York:20260710T103000\r\n"
                             "SUMMARY:Partners' call\\, with the\r\n"
                             "  donors\r\n"
                             "DESCRIPTION:Agenda:\\n1. budget\\n2. training\r\n"
                             "RRULE:FREQ=WEEKLY;BYDAY=FR;COUNT=3\r\n"
                             "EXDATE;TZID=America/New_York:20260717T090000\r\n"
                             "BEGIN:VALARM\r\n"
                             "ACTION:DISPLAY\r\n"
                             "TRIGGER:-PT10M\r\n"
                             "END:VALARM\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n" /* line 26 */
                             "UID:ny@example.com\r\n"
                             "RECURRENCE-ID;TZID=America/New_York:20260724T090000\r\n"
                             "DTSTART;TZID=America/New_York:20260724T110000\r\n"
                             "DTEND;TZID=America/New_York:20260724T123000\r\n"
                             "SUMMARY:Partners' call (moved)\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n" /* line 33 */
                             "UID:windows@example.com\r\n"
                             "DTSTART;TZID=Bangladesh Standard Time:20261205T100000\r\n"
                             "DURATION:PT2H\r\n"
                             "SUMMARY:বর্জ্য ব্যবস্থাপনা সভা\r\n"
                             "CATEGORIES:MEETING,Dhaka\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n" /* line 40 */
                             "UID:utc@example.com\r\n"
                             "DTSTART:20261206T040000Z\r\n"
                             "DTEND:20261206T050000Z\r\n"
                             "SUMMARY:UTC\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n" /* line 46 */
                             "UID:floating@example.com\r\n"
                             "DTSTART:20261207T093000\r\n"
                             "SUMMARY:Floating\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VEVENT\r\n" /* line 51 */
                             "UID:fair@example.com\r\n"
                             "DTSTART;VALUE=DATE:20261220\r\n"
                             "DTEND;VALUE=DATE:20261223\r\n"
                             "SUMMARY:Municipal fair\r\n"
                             "END:VEVENT\r\n"
                             "BEGIN:VTODO\r\n" /* line 57 */
                             "UID:todo@example.com\r\n"
                             "SUMMARY:Send invitations\r\n"
                             "END:VTODO\r\n"
                             "BEGIN:VEVENT\r\n" /* line 61 */
                             "UID:setpos@example.com\r\n"
                             "DTSTART:20261201T040000Z\r\n"
                             "SUMMARY:Last weekday of the month\r\n"
                             "RRULE:FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1\r\n"
                             "END:VEVENT\r\n"
                             "END:VCALENDAR\r\n";

static const struct ical_event *by_uid(const struct ical_in *in, const char *uid)
{
    for (int i = 0; i < in->nev; i++)
        if (strcmp(in->ev[i].r.x[EX_UID], uid) == 0)
            return &in->ev[i];
    fail_msg("no event %s", uid);
    return NULL;
}

static void test_other_programs(void **state)
{
    struct ical_in in;
    const struct ical_event *e;

    (void)state;
    read_ok(others, "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 5);
    /* New York's 09:00 in July (EDT, UTC-4) is 19:00 in Dhaka. */
    e = by_uid(&in, "ny@example.com");
    assert_int_equal(e->line, 12);
    assert_string_equal(e->r.f[EF_START], "2026-07-10 19:00");
    assert_string_equal(e->r.f[EF_END], "2026-07-10 20:30");
    assert_string_equal(e->r.f[EF_TITLE_EN], "Partners' call, with the donors");
    assert_string_equal(e->r.f[EF_DESCRIPTION_EN], "Agenda:\n1. budget\n2. training");
    assert_string_equal(e->r.f[EF_REPEAT], "weekly");
    assert_string_equal(e->r.f[EF_WEEKDAYS], "FR");
    assert_string_equal(e->r.f[EF_TIMES], "3");
    assert_string_equal(e->r.x[EX_EXCEPTIONS], "2026-07-17T13:00:00Z|1||;2026-07-24T13:00:00Z|0|"
                                               "2026-07-24T15:00:00Z|2026-07-24T16:30:00Z");
    /* A VTIMEZONE of the file, named as Windows names it. */
    e = by_uid(&in, "windows@example.com");
    assert_string_equal(e->r.f[EF_START], "2026-12-05 10:00");
    assert_string_equal(e->r.f[EF_END], "2026-12-05 12:00");
    assert_string_equal(e->r.f[EF_TITLE_BN], "বর্জ্য ব্যবস্থাপনা সভা");
    assert_string_equal(e->r.f[EF_TITLE_EN], "");
    assert_string_equal(e->r.f[EF_CATEGORY], "meeting");
    e = by_uid(&in, "utc@example.com");
    assert_string_equal(e->r.f[EF_START], "2026-12-06 10:00");
    assert_string_equal(e->r.f[EF_CATEGORY], "other");
    /* Floating: the configured zone's wall clock; no end: it ends as it starts. */
    e = by_uid(&in, "floating@example.com");
    assert_string_equal(e->r.f[EF_START], "2026-12-07 09:30");
    assert_string_equal(e->r.f[EF_END], "2026-12-07 09:30");
    /* DTEND of an all-day event is the day after its last. */
    e = by_uid(&in, "fair@example.com");
    assert_string_equal(e->r.f[EF_START], "2026-12-20");
    assert_string_equal(e->r.f[EF_END], "2026-12-22");
    /* Listed, with their lines: the reminder, the to-do, the rule
     * mabdesk cannot repeat. */
    assert_int_equal(in.nnotes, 3);
    for (int i = 0; i < in.nnotes; i++) {
        const struct ical_note *n = &in.notes[i];

        if (strstr(n->msg, "VALARM") != NULL)
            assert_int_equal(n->line, 21);
        else if (strstr(n->msg, "VTODO") != NULL)
            assert_int_equal(n->line, 57);
        else if (strstr(n->msg, "setpos@example.com") != NULL)
            assert_int_equal(n->line, 65);
        else
            fail_msg("unexpected note %d: %s", n->line, n->msg);
    }
    ical_in_free(&in);
}

/* One VEVENT with DTSTART line start and RRULE rule, read in Dhaka: 1 if
 * the event was taken, 0 if it was left out with a note saying so. */
static int rule_taken(const char *start, const char *rule)
{
    char text[512];
    struct ical_in in;
    int taken;

    snprintf(text, sizeof text,
             "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:r\r\nSUMMARY:x\r\n%s\r\n"
             "RRULE:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
             start, rule);
    read_ok(text, "Asia/Dhaka", &in);
    taken = in.nev == 1;
    assert_int_equal(in.nnotes, taken ? 0 : 1);
    if (!taken)
        assert_non_null(strstr(in.notes[0].msg, "cannot repeat it as RRULE"));
    ical_in_free(&in);
    return taken;
}

/* A rule is taken without comparing occurrences only when the fields give
 * libical the same rule from the same start in the same zone; each case
 * below differs in one of those and must still be compared, and refused. */
static void test_rules_compared(void **state)
{
    (void)state;
    /* The same rule in the file's words and the fields': taken. */
    assert_true(rule_taken("DTSTART;TZID=Asia/Dhaka:20261204T100000", "FREQ=WEEKLY;COUNT=10"));
    assert_true(rule_taken("DTSTART:20261204T100000", "FREQ=MONTHLY"));
    assert_true(rule_taken("DTSTART;VALUE=DATE:20261204", "FREQ=YEARLY;INTERVAL=2"));
    /* Another zone: New York's clocks change in March, Dhaka's do not, so
     * the twentieth Friday is an hour earlier in Dhaka than the first. */
    assert_false(
        rule_taken("DTSTART;TZID=America/New_York:20261204T090000", "FREQ=WEEKLY;COUNT=20"));
    /* Seconds the fields do not keep. */
    assert_false(rule_taken("DTSTART;TZID=Asia/Dhaka:20261204T100030", "FREQ=DAILY;COUNT=5"));
    /* An UNTIL before the start: no occurrence at all. */
    assert_false(rule_taken("DTSTART;TZID=Asia/Dhaka:20261204T100000",
                            "FREQ=WEEKLY;UNTIL=20261101T175959Z"));
}

static void expect_refused(const char *text, const char *want)
{
    struct ical_in in;
    char *err = NULL;

    assert_int_equal(ical_read("bad.ics", text, strlen(text), "Asia/Dhaka", &in, &err), -1);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("'%s' does not start with '%s'", err, want);
    assert_int_equal(in.nev, 0);
    free(err);
}

static void test_malformed(void **state)
{
    static const char nul[] = "BEGIN:VCALENDAR\r\nX:a\0b\r\nEND:VCALENDAR\r\n";
    struct ical_in in;
    char *err = NULL;

    (void)state;
    expect_refused("", "bad.ics:1: no calendar");
    expect_refused("BEGIN:VEVENT\r\nEND:VEVENT\r\n", "bad.ics:1: a calendar starts");
    expect_refused("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:x\r\n"
                   "DTSTART:20261201T100000\r\nthis is not a property\r\nEND:VEVENT\r\n"
                   "END:VCALENDAR\r\n",
                   "bad.ics:6: not a content line");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VCALENDAR\r\n",
                   "bad.ics:4: END:VCALENDAR does not close BEGIN:VEVENT of line 2");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n",
                   "bad.ics:4: BEGIN:VCALENDAR of line 1 is never closed");
    expect_refused("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n"
                   "DTSTART:2026120XT100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                   "bad.ics:4: ");
    expect_refused("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
                   "bad.ics:3: text after END:VCALENDAR");
    expect_refused("BEGIN:VCALENDAR\r\nSUMMARY:\xff\xfe\r\nEND:VCALENDAR\r\n",
                   "bad.ics:2: not valid UTF-8");
    expect_refused("BEGIN:VCALENDAR\r\nUID:a\rUID:b\r\nEND:VCALENDAR\r\n",
                   "bad.ics:2: control character U+000D");
    expect_refused("BEGIN:VCALENDAR\r\nSUMMARY:\x1b[31mred\r\nEND:VCALENDAR\r\n",
                   "bad.ics:2: control character U+001B");
    assert_int_equal(ical_read("bad.ics", nul, sizeof nul - 1, "Asia/Dhaka", &in, &err), -1);
    assert_string_equal(err, "bad.ics:2: a NUL byte: not a text file");
    free(err);
    /* The same UID twice: the first is the event, the second listed. */
    read_ok("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:same\r\nDTSTART:20261201T040000Z\r\n"
            "END:VEVENT\r\nBEGIN:VEVENT\r\nUID: same \r\nDTSTART:20261202T040000Z\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n",
            "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 1);
    assert_string_equal(in.ev[0].r.f[EF_START], "2026-12-01 10:00");
    assert_int_equal(in.nnotes, 1);
    assert_int_equal(in.notes[0].line, 6);
    assert_non_null(strstr(in.notes[0].msg, "a second event with this UID"));
    ical_in_free(&in);
    /* An unknown zone leaves that event out, listed. */
    read_ok(
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID=Mars/Olympus:20261201T100000\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n",
        "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 0);
    assert_int_equal(in.nnotes, 1);
    assert_int_equal(in.notes[0].line, 4);
    assert_non_null(strstr(in.notes[0].msg, "Mars/Olympus"));
    ical_in_free(&in);
    /* A year beyond those kept comes as the file gives it, for the
     * import's checks to refuse by line, not first converted (which
     * would expand the zone's rules up to year 9999). */
    read_ok("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:far\r\n"
            "DTSTART;TZID=America/New_York:99990101T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "Asia/Dhaka", &in);
    assert_int_equal(in.nev, 1);
    assert_string_equal(in.ev[0].r.f[EF_START], "9999-01-01 09:00");
    ical_in_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),           cmocka_unit_test(test_fold_lengths),
        cmocka_unit_test(test_round_trip_repeating), cmocka_unit_test(test_other_programs),
        cmocka_unit_test(test_rules_compared),       cmocka_unit_test(test_malformed),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
