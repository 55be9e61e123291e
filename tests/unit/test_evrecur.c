/*
 * test_evrecur.c: event times and occurrences (src/evtime.c,
 * src/evrecur.c): local times in Asia/Dhaka (UTC+6, no daylight saving)
 * and Europe/London (with it) to UTC and back; the RRULE built from the
 * form's fields; expansion of weekly on two weekdays, monthly "last
 * Friday", count and until, all-day events, cancelled and moved
 * occurrences, and a weekly time that stays the same wall-clock time
 * across a change of daylight saving time.
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
#include "evtime.h"
#include "kinds/kinds.h"
#include "util.h"

/* local in zone is utc, and utc back in zone is local. */
static void utc_is(const char *local, const char *zone, const char *utc)
{
    char out[EVTIME_LEN];

    assert_int_equal(evtime_to_utc(local, zone, out), 0);
    assert_string_equal(out, utc);
    if (strchr(local, ':') == NULL)
        return; /* a date */
    assert_int_equal(evtime_to_local(utc, zone, out), 0);
    assert_string_equal(out, local);
}

static void test_zones(void **state)
{
    char out[EVTIME_LEN];
    time_t t;

    (void)state;
    utc_is("2026-12-01 10:30", "Asia/Dhaka", "2026-12-01T04:30:00Z");
    utc_is("2026-01-01 03:00", "Asia/Dhaka", "2025-12-31T21:00:00Z"); /* the day before in UTC */
    /* London: GMT in winter, BST (UTC+1) in summer. */
    utc_is("2026-01-15 10:00", "Europe/London", "2026-01-15T10:00:00Z");
    utc_is("2026-07-15 10:00", "Europe/London", "2026-07-15T09:00:00Z");
    /* The zone kept from the last call is the one asked for, back and forth. */
    utc_is("2026-07-15 10:00", "Asia/Dhaka", "2026-07-15T04:00:00Z");
    utc_is("2026-07-15 10:00", "Europe/London", "2026-07-15T09:00:00Z");
    /* A zone libical does not know is UTC. */
    utc_is("2026-07-15 10:00", "Mars/Olympus", "2026-07-15T10:00:00Z");
    utc_is("2026-07-15 10:00", "Asia/Dhaka", "2026-07-15T04:00:00Z");
    /* A date stays a date; its moment is its midnight in the zone. */
    utc_is("2026-12-16", "Asia/Dhaka", "2026-12-16");
    assert_int_equal(evtime_epoch("2026-12-16", "Asia/Dhaka", &t), 0);
    assert_int_equal((long long)t, 1797357600LL); /* 2026-12-15T18:00:00Z */
    /* Values that do not exist or are not times. */
    assert_int_equal(evtime_to_utc("2026-02-29 10:00", "Asia/Dhaka", out), -1);
    assert_int_equal(evtime_to_utc("2026-12-01 24:00", "Asia/Dhaka", out), -1);
    assert_int_equal(evtime_to_utc("2026-12-01T10:00", "Asia/Dhaka", out), -1);
    assert_int_equal(evtime_to_utc("1 Dec 2026", "Asia/Dhaka", out), -1);
    assert_true(evtime_valid_local("2024-02-29 23:59"));
    assert_false(evtime_valid_local("2025-02-29"));
}

static void event(struct record *r, const char *start, const char *end, const char *repeat)
{
    record_init(r, &kind_event);
    record_set(r, EF_TITLE_EN, "Training");
    record_set(r, EF_CATEGORY, "training");
    record_set(r, EF_START, start);
    record_set(r, EF_END, end);
    record_set(r, EF_REPEAT, repeat);
}

/* The occurrences' starts, local, "; "-separated, in order. */
struct got {
    char items[64][EVTIME_LEN * 2 + 2];
    int n;
    const char *zone;
};

static int collect(const struct ev_occurrence *o, void *arg)
{
    struct got *g = arg;
    char s[EVTIME_LEN], e[EVTIME_LEN];

    if (g->n >= 64)
        return 1;
    assert_int_equal(evtime_to_local(o->start, g->zone, s), 0);
    assert_int_equal(evtime_to_local(o->end, g->zone, e), 0);
    snprintf(g->items[g->n++], sizeof g->items[0], "%s>%s", s, e + 11 * !evtime_is_date(e));
    return 0;
}

static int by_text(const void *a, const void *b)
{
    return strcmp(a, b);
}

static char *expand(const struct record *r, const char *zone, const char *from, const char *to)
{
    struct got *g = xcalloc(1, sizeof *g);
    struct buf b = {0};
    char uf[EVTIME_LEN], ut[EVTIME_LEN];
    time_t tf, tt;
    int n;

    g->zone = zone;
    assert_int_equal(evtime_to_utc(from, zone, uf), 0);
    assert_int_equal(evtime_to_utc(to, zone, ut), 0);
    assert_int_equal(evtime_epoch(uf, zone, &tf), 0);
    assert_int_equal(evtime_epoch(ut, zone, &tt), 0);
    n = evrecur_expand(r, zone, tf, tt, collect, g);
    assert_int_equal(n, g->n);
    qsort(g->items, (size_t)g->n, sizeof g->items[0], by_text);
    buf_adds(&b, "");
    for (int i = 0; i < g->n; i++)
        buf_printf(&b, "%s%s", i ? "; " : "", g->items[i]);
    free(g);
    return buf_take(&b);
}

static void expect(const struct record *r, const char *zone, const char *from, const char *to,
                   const char *want)
{
    char *s = expand(r, zone, from, to);

    if (strcmp(s, want) != 0)
        fail_msg("got      %s\nexpected %s", s, want);
    free(s);
}

static void test_weekly_two_days(void **state)
{
    struct record r;
    char *rule;

    (void)state;
    /* Mondays and Wednesdays at 10:00 from Monday 30 November 2026. */
    event(&r, "2026-11-30 10:00", "2026-11-30 12:00", "weekly");
    record_set(&r, EF_WEEKDAYS, "MO,WE");
    rule = evrecur_rrule(&r, "Asia/Dhaka");
    assert_string_equal(rule, "FREQ=WEEKLY;BYDAY=MO,WE");
    free(rule);
    expect(&r, "Asia/Dhaka", "2026-11-29", "2026-12-10",
           "2026-11-30 10:00>12:00; 2026-12-02 10:00>12:00; 2026-12-07 10:00>12:00; "
           "2026-12-09 10:00>12:00");
    /* The window cuts: from 1 December, until (not including) 7 December. */
    expect(&r, "Asia/Dhaka", "2026-12-01", "2026-12-07", "2026-12-02 10:00>12:00");
    /* Until a date, which is included; every second week. */
    record_set(&r, EF_UNTIL, "2026-12-14");
    record_set(&r, EF_INTERVAL, "2");
    rule = evrecur_rrule(&r, "Asia/Dhaka");
    assert_string_equal(rule, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261214T175959Z");
    free(rule);
    expect(&r, "Asia/Dhaka", "2026-11-01", "2027-02-01",
           "2026-11-30 10:00>12:00; 2026-12-02 10:00>12:00; 2026-12-14 10:00>12:00");
    record_free(&r);
}

static void test_monthly_last_friday(void **state)
{
    struct record r;
    char *rule;

    (void)state;
    /* The last Friday of each month, 15:00-16:30, five times. */
    event(&r, "2026-11-27 15:00", "2026-11-27 16:30", "monthly");
    record_set(&r, EF_MONTHLY, "last_weekday");
    record_set(&r, EF_TIMES, "5");
    rule = evrecur_rrule(&r, "Asia/Dhaka");
    assert_string_equal(rule, "FREQ=MONTHLY;BYDAY=-1FR;COUNT=5");
    free(rule);
    expect(&r, "Asia/Dhaka", "2026-01-01", "2028-01-01",
           "2026-11-27 15:00>16:30; 2026-12-25 15:00>16:30; 2027-01-29 15:00>16:30; "
           "2027-02-26 15:00>16:30; 2027-03-26 15:00>16:30");
    /* The second Tuesday instead, by the start's place in its month. */
    record_free(&r);
    event(&r, "2026-12-08 09:00", "2026-12-08 10:00", "monthly");
    record_set(&r, EF_MONTHLY, "weekday");
    expect(&r, "Asia/Dhaka", "2026-12-01", "2027-03-01",
           "2026-12-08 09:00>10:00; 2027-01-12 09:00>10:00; 2027-02-09 09:00>10:00");
    record_free(&r);
}

static void test_all_day_and_yearly(void **state)
{
    struct record r;

    (void)state;
    /* Victory Day, all day, every year, three times. */
    event(&r, "2026-12-16", "2026-12-16", "yearly");
    record_set(&r, EF_TIMES, "3");
    expect(&r, "Asia/Dhaka", "2026-01-01", "2035-01-01",
           "2026-12-16>2026-12-16; 2027-12-16>2027-12-16; 2028-12-16>2028-12-16");
    /* A three-day workshop: overlapping the window counts. */
    record_free(&r);
    event(&r, "2027-01-10", "2027-01-12", "none");
    expect(&r, "Asia/Dhaka", "2027-01-12", "2027-01-13", "2027-01-10>2027-01-12");
    expect(&r, "Asia/Dhaka", "2027-01-13", "2027-01-20", "");
    record_free(&r);
}

static void test_exceptions(void **state)
{
    struct record r;
    char ex[200];

    (void)state;
    /* Daily at 10:00 Dhaka (04:00 UTC); the 2nd cancelled, the 3rd moved
     * to 14:00, and the 10th (outside the window) moved into it. */
    event(&r, "2026-12-01 10:00", "2026-12-01 11:00", "daily");
    snprintf(ex, sizeof ex, "%s",
             "2026-12-02T04:00:00Z|1||;"
             "2026-12-03T04:00:00Z|0|2026-12-03T08:00:00Z|2026-12-03T09:00:00Z;"
             "2026-12-10T04:00:00Z|0|2026-12-04T12:00:00Z|2026-12-04T13:00:00Z");
    str_set(&r.x[EX_EXCEPTIONS], ex);
    expect(&r, "Asia/Dhaka", "2026-12-01", "2026-12-05",
           "2026-12-01 10:00>11:00; 2026-12-03 14:00>15:00; 2026-12-04 10:00>11:00; "
           "2026-12-04 18:00>19:00");
    /* The moved 10th is not there any more. */
    expect(&r, "Asia/Dhaka", "2026-12-10", "2026-12-11", "");
    str_set(&r.x[EX_EXCEPTIONS], "2026-12-02T04:00:00Z|1|");
    {
        struct ev_exception e[4];

        assert_int_equal(evrecur_exceptions("2026-12-02T04:00:00Z|1|", e, 4), -1);
        assert_int_equal(evrecur_exceptions("a|1||;b|0|c|d", e, 4), 2);
        assert_string_equal(e[1].start, "c");
        assert_int_equal(evrecur_exceptions("", e, 4), 0);
    }
    record_free(&r);
}

static void test_daylight_saving(void **state)
{
    struct record r;
    char *rule;

    (void)state;
    /* Weekly on Saturdays at 10:00 in London across the end of BST
     * (25 October 2026): 10:00 local each time, 09:00 then 10:00 UTC. */
    event(&r, "2026-10-17 10:00", "2026-10-17 11:00", "weekly");
    record_set(&r, EF_TIMES, "3");
    expect(&r, "Europe/London", "2026-10-01", "2026-12-01",
           "2026-10-17 10:00>11:00; 2026-10-24 10:00>11:00; 2026-10-31 10:00>11:00");
    {
        struct got g = {.zone = "UTC"};
        time_t from = 0, to = (time_t)4000000000LL;

        assert_int_equal(evrecur_expand(&r, "Europe/London", from, to, collect, &g), 3);
        qsort(g.items, (size_t)g.n, sizeof g.items[0], by_text);
        assert_string_equal(g.items[0], "2026-10-17 09:00>10:00");
        assert_string_equal(g.items[2], "2026-10-31 10:00>11:00");
    }
    /* Until: the end of that day in the zone, as UTC. */
    record_set(&r, EF_TIMES, "");
    record_set(&r, EF_UNTIL, "2026-10-24");
    rule = evrecur_rrule(&r, "Europe/London");
    assert_string_equal(rule, "FREQ=WEEKLY;BYDAY=SA;UNTIL=20261024T225959Z");
    free(rule);
    /* A repetition that ends before it starts gives nothing. */
    record_set(&r, EF_UNTIL, "2026-10-16");
    assert_false(evrecur_any(&r, "Europe/London"));
    record_set(&r, EF_UNTIL, "2026-10-17");
    assert_true(evrecur_any(&r, "Europe/London"));
    record_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_weekly_two_days),
        cmocka_unit_test(test_monthly_last_friday),
        cmocka_unit_test(test_all_day_and_yearly),
        cmocka_unit_test(test_exceptions),
        cmocka_unit_test(test_daylight_saving),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
