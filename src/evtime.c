/*
 * evtime.c: local event times and their stored UTC form (evtime.h).
 */
#include "evtime.h"

#include <ctype.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *evtime_zone(void)
{
    const char *z = getenv("MABDESK_TZ");

    return z != NULL && *z != '\0' ? z : "Asia/Dhaka";
}

/* Digits where pattern has '9', the same character elsewhere. */
static int shaped(const char *s, const char *pattern)
{
    for (; *pattern != '\0'; s++, pattern++) {
        if (*pattern == '9' ? !isdigit((unsigned char)*s) : *s != *pattern)
            return 0;
    }
    return *s == '\0';
}

int evtime_is_date(const char *s)
{
    return shaped(s, "9999-99-99");
}

/* Years libical writes (it writes none after 3000). */
static int date_exists(int y, int m, int d)
{
    return y >= EVTIME_FIRST_YEAR && y <= EVTIME_LAST_YEAR && m >= 1 && m <= 12 && d >= 1 &&
           d <= icaltime_days_in_month(m, y);
}

/* A local value broken down: 0, or -1. */
static int parse_local(const char *s, struct icaltimetype *t)
{
    int y, m, d, hh = 0, mm = 0;

    *t = icaltime_null_time();
    if (evtime_is_date(s)) {
        sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
        t->is_date = 1;
    } else if (shaped(s, "9999-99-99 99:99")) {
        sscanf(s, "%4d-%2d-%2d %2d:%2d", &y, &m, &d, &hh, &mm);
    } else {
        return -1;
    }
    if (!date_exists(y, m, d) || hh > 23 || mm > 59)
        return -1;
    t->year = y;
    t->month = m;
    t->day = d;
    t->hour = hh;
    t->minute = mm;
    return 0;
}

/* A stored value broken down (UTC unless a date): 0, or -1. */
static int parse_stored(const char *s, struct icaltimetype *t)
{
    int y, m, d, hh = 0, mm = 0, ss = 0;

    *t = icaltime_null_time();
    if (evtime_is_date(s)) {
        sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
        t->is_date = 1;
    } else if (shaped(s, "9999-99-99T99:99:99Z")) {
        sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &m, &d, &hh, &mm, &ss);
    } else {
        return -1;
    }
    if (!date_exists(y, m, d) || hh > 23 || mm > 59 || ss > 59)
        return -1;
    t->year = y;
    t->month = m;
    t->day = d;
    t->hour = hh;
    t->minute = mm;
    t->second = ss;
    if (!t->is_date)
        t->zone = icaltimezone_get_utc_timezone();
    return 0;
}

int evtime_parse(const char *s, int *y, int *m, int *d, int *hh, int *mm, int *is_date)
{
    struct icaltimetype t;

    if (parse_local(s, &t) != 0)
        return -1;
    *y = t.year;
    *m = t.month;
    *d = t.day;
    *hh = t.hour;
    *mm = t.minute;
    *is_date = t.is_date;
    return 0;
}

int evtime_valid_local(const char *s)
{
    struct icaltimetype t;

    return parse_local(s, &t) == 0;
}

icaltimezone *evtime_libical_zone(const char *name)
{
    static char last[64];
    static icaltimezone *last_zone;
    icaltimezone *z;

    if (last_zone != NULL && strcmp(name, last) == 0)
        return last_zone;
    z = icaltimezone_get_builtin_timezone(name);
    if (z == NULL)
        z = icaltimezone_get_utc_timezone();
    if (strlen(name) < sizeof last) {
        memcpy(last, name, strlen(name) + 1);
        last_zone = z;
    }
    return z;
}

/* A date is the same day in every zone: written as it is, 0. */
static int same_date(const struct icaltimetype *t, char out[EVTIME_LEN])
{
    snprintf(out, EVTIME_LEN, "%04d-%02d-%02d", t->year, t->month, t->day);
    return 0;
}

int evtime_to_utc(const char *s, const char *zone, char out[EVTIME_LEN])
{
    struct icaltimetype t;

    if (parse_local(s, &t) != 0)
        return -1;
    if (t.is_date)
        return same_date(&t, out);
    t = icaltime_set_timezone(&t, evtime_libical_zone(zone));
    t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    if (!date_exists(t.year, t.month, t.day))
        return -1;
    snprintf(out, EVTIME_LEN, "%04d-%02d-%02dT%02d:%02d:%02dZ", t.year, t.month, t.day, t.hour,
             t.minute, t.second);
    return 0;
}

int evtime_to_local(const char *s, const char *zone, char out[EVTIME_LEN])
{
    struct icaltimetype t;

    if (parse_stored(s, &t) != 0)
        return -1;
    if (t.is_date)
        return same_date(&t, out);
    t = icaltime_convert_to_zone(t, evtime_libical_zone(zone));
    if (!date_exists(t.year, t.month, t.day))
        return -1; /* beyond what libical's zones reach */
    /* All in range (date_exists()); the modulos tell the compiler so. */
    snprintf(out, EVTIME_LEN, "%04u-%02u-%02u %02u:%02u", (unsigned)t.year % 10000u,
             (unsigned)t.month % 100u, (unsigned)t.day % 100u, (unsigned)t.hour % 100u,
             (unsigned)t.minute % 100u);
    return 0;
}

int evtime_epoch(const char *s, const char *zone, time_t *out)
{
    struct icaltimetype t;

    if (parse_stored(s, &t) != 0)
        return -1;
    if (t.is_date) {
        t.is_date = 0;
        t = icaltime_set_timezone(&t, evtime_libical_zone(zone));
    }
    *out = icaltime_as_timet_with_zone(t, t.zone);
    return 0;
}

void evtime_from_epoch(time_t t, char out[EVTIME_LEN])
{
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, EVTIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void evtime_add_days(const char *d, int n, char out[EVTIME_LEN])
{
    struct icaltimetype t;

    if (parse_local(d, &t) != 0)
        t = icaltime_from_timet_with_zone(0, 1, NULL);
    icaltime_adjust(&t, n, 0, 0, 0);
    snprintf(out, EVTIME_LEN, "%04d-%02d-%02d", t.year, t.month, t.day);
}

void evtime_today(const char *zone, char out[EVTIME_LEN])
{
    char utc[EVTIME_LEN];

    evtime_from_epoch(time(NULL), utc);
    evtime_to_local(utc, zone, out);
    out[10] = '\0';
}
