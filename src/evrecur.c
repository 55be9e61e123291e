/*
 * evrecur.c: an event's occurrences through libical (evrecur.h).
 *
 * Hazard: libical's iterator gives the rule's times without saying their
 * zone; each is put back in the event's zone before it is compared or
 * converted, so the wall-clock time is what repeats.
 */
#include "evrecur.h"

#include <libical/ical.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evtime.h"
#include "kinds/kinds.h"
#include "util.h"

/* Walks stop here, whatever the rule says: a daily event for 270 years. */
#define MAX_STEPS 100000
#define MAX_EXCEPTIONS 512

static const char *const weekday_codes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

/* A local value as a libical time in zone z: 0, or -1. */
static int local_time(const char *s, icaltimezone *z, struct icaltimetype *t)
{
    int is_date;

    *t = icaltime_null_time();
    if (evtime_parse(s, &t->year, &t->month, &t->day, &t->hour, &t->minute, &is_date) != 0)
        return -1;
    t->is_date = is_date;
    if (!is_date)
        *t = icaltime_set_timezone(t, z);
    return 0;
}

static int is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

/* The BYxxx part of the rule for the event's start t. */
static void rule_by(struct buf *b, const struct record *ev, struct icaltimetype t)
{
    const char *repeat = ev->f[EF_REPEAT], *monthly = ev->f[EF_MONTHLY];
    int wd = icaltime_day_of_week(t) - 1; /* 0 Sunday */

    if (is(repeat, "weekly"))
        buf_printf(b, ";BYDAY=%s", *ev->f[EF_WEEKDAYS] ? ev->f[EF_WEEKDAYS] : weekday_codes[wd]);
    else if (is(repeat, "monthly") && is(monthly, "weekday"))
        buf_printf(b, ";BYDAY=%d%s", (t.day - 1) / 7 + 1, weekday_codes[wd]);
    else if (is(repeat, "monthly") && is(monthly, "last_weekday"))
        buf_printf(b, ";BYDAY=-1%s", weekday_codes[wd]);
    else if (is(repeat, "monthly"))
        buf_printf(b, ";BYMONTHDAY=%d", t.day);
}

/* ";UNTIL=...": the end of the until day in zone z (UTC), or the date
 * itself for an all-day event. */
static void rule_until(struct buf *b, const char *until, int all_day, icaltimezone *z)
{
    struct icaltimetype u;

    if (local_time(until, z, &u) != 0)
        return;
    if (all_day) {
        buf_printf(b, ";UNTIL=%04d%02d%02d", u.year, u.month, u.day);
        return;
    }
    u.is_date = 0;
    u.hour = 23;
    u.minute = 59;
    u.second = 59;
    u = icaltime_set_timezone(&u, z);
    u = icaltime_convert_to_zone(u, icaltimezone_get_utc_timezone());
    buf_printf(b, ";UNTIL=%04d%02d%02dT%02d%02d%02dZ", u.year, u.month, u.day, u.hour, u.minute,
               u.second);
}

char *evrecur_rrule(const struct record *ev, const char *zone)
{
    const char *repeat = ev->f[EF_REPEAT];
    icaltimezone *z = evtime_libical_zone(zone);
    struct icaltimetype t;
    struct buf b = {0};
    char *up;

    if (*repeat == '\0' || is(repeat, "none") || local_time(ev->f[EF_START], z, &t) != 0)
        return NULL;
    up = xstrdup(repeat);
    for (char *p = up; *p != '\0'; p++)
        *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
    buf_printf(&b, "FREQ=%s", up);
    free(up);
    if (*ev->f[EF_INTERVAL] != '\0' && !is(ev->f[EF_INTERVAL], "1"))
        buf_printf(&b, ";INTERVAL=%s", ev->f[EF_INTERVAL]);
    rule_by(&b, ev, t);
    if (*ev->f[EF_UNTIL] != '\0')
        rule_until(&b, ev->f[EF_UNTIL], t.is_date, z);
    else if (*ev->f[EF_TIMES] != '\0')
        buf_printf(&b, ";COUNT=%s", ev->f[EF_TIMES]);
    return buf_take(&b);
}

int evrecur_exceptions(const char *s, struct ev_exception *out, int max)
{
    int n = 0;

    while (s != NULL && *s != '\0') {
        const char *end = strchr(s, ';');
        size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
        char item[4 * EVTIME_LEN], *f[4], *p = item, *tok;
        int k = 0;

        if (len >= sizeof item || n >= max)
            return -1;
        memcpy(item, s, len);
        item[len] = '\0';
        /* strsep keeps empty fields: a cancelled one has no times. */
        while (k < 4 && (tok = strsep(&p, "|")) != NULL)
            f[k++] = tok;
        if (k != 4 || p != NULL || strlen(f[0]) >= EVTIME_LEN || strlen(f[2]) >= EVTIME_LEN ||
            strlen(f[3]) >= EVTIME_LEN)
            return -1;
        snprintf(out[n].original, EVTIME_LEN, "%s", f[0]);
        out[n].cancelled = is(f[1], "1");
        snprintf(out[n].start, EVTIME_LEN, "%s", f[2]);
        snprintf(out[n].end, EVTIME_LEN, "%s", f[3]);
        n++;
        s = end != NULL ? end + 1 : "";
    }
    return n;
}

/* What a walk over the occurrences carries. */
struct walk {
    icaltimezone *z;
    const char *zone;
    time_t from, to;
    struct ev_exception *ex;
    int nex;
    char *seen; /* per exception: the rule gave its occurrence */
    int (*fn)(const struct ev_occurrence *, void *);
    void *arg;
    int n, stop;
};

/* The moment after an all-day event's last day d ("YYYY-MM-DD"). */
static time_t after_day(const char *d, icaltimezone *z)
{
    struct icaltimetype t;

    if (local_time(d, z, &t) != 0)
        return 0;
    icaltime_adjust(&t, 1, 0, 0, 0);
    t.is_date = 0;
    t = icaltime_set_timezone(&t, z);
    return icaltime_as_timet_with_zone(t, z);
}

/* o's start and end (stored) as moments; then to fn when in the window. */
static void emit(struct walk *w, struct ev_occurrence *o)
{
    time_t last;

    if (evtime_epoch(o->start, w->zone, &o->start_t) != 0)
        return;
    if (evtime_is_date(o->end))
        o->end_t = after_day(o->end, w->z);
    else if (evtime_epoch(o->end, w->zone, &o->end_t) != 0)
        return;
    last = o->end_t > o->start_t ? o->end_t : o->start_t + 1;
    if (o->start_t >= w->to || last <= w->from)
        return;
    w->n++;
    if (w->fn(o, w->arg) != 0)
        w->stop = 1;
}

/* The occurrence the rule gives at t, unless an exception cancels or
 * moves it. */
static void occurrence(struct walk *w, struct icaltimetype t, long dur)
{
    struct ev_occurrence o = {0};

    if (t.is_date) {
        struct icaltimetype e = t;

        snprintf(o.start, EVTIME_LEN, "%04d-%02d-%02d", t.year, t.month, t.day);
        icaltime_adjust(&e, (int)dur, 0, 0, 0);
        snprintf(o.end, EVTIME_LEN, "%04d-%02d-%02d", e.year, e.month, e.day);
    } else {
        time_t s = icaltime_as_timet_with_zone(t, w->z);

        evtime_from_epoch(s, o.start);
        evtime_from_epoch(s + dur, o.end);
    }
    memcpy(o.original, o.start, EVTIME_LEN);
    for (int i = 0; i < w->nex; i++) {
        if (!is(w->ex[i].original, o.original))
            continue;
        w->seen[i] = 1;
        if (w->ex[i].cancelled)
            return;
        memcpy(o.start, w->ex[i].start, EVTIME_LEN);
        memcpy(o.end, w->ex[i].end, EVTIME_LEN);
        o.moved = 1;
    }
    emit(w, &o);
}

/* Occurrences moved from beyond the window into it. */
static void moved_in(struct walk *w)
{
    for (int i = 0; i < w->nex && !w->stop; i++) {
        struct ev_occurrence o = {0};

        if (w->seen[i] || w->ex[i].cancelled)
            continue;
        memcpy(o.original, w->ex[i].original, EVTIME_LEN);
        memcpy(o.start, w->ex[i].start, EVTIME_LEN);
        memcpy(o.end, w->ex[i].end, EVTIME_LEN);
        o.moved = 1;
        emit(w, &o);
    }
}

/* Walk the rule from start; 1 when it stopped at the window's end (more
 * occurrences follow), 0 when the rule ran out. */
static int walk_rule(struct walk *w, const char *rrule, struct icaltimetype start, long dur)
{
    struct icalrecurrencetype rule = icalrecurrencetype_from_string(rrule);
    icalrecur_iterator *it;
    struct icaltimetype t;
    int steps = 0, more = 0;

    if (rule.freq == ICAL_NO_RECURRENCE || (it = icalrecur_iterator_new(rule, start)) == NULL) {
        icalerror_clear_errno();
        return 0;
    }
    while (!w->stop && !icaltime_is_null_time(t = icalrecur_iterator_next(it))) {
        if (!t.is_date)
            t = icaltime_set_timezone(&t, w->z);
        if (++steps > MAX_STEPS || icaltime_as_timet_with_zone(t, w->z) >= w->to) {
            more = 1;
            break;
        }
        occurrence(w, t, dur);
    }
    icalrecur_iterator_free(it);
    return more;
}

/* The length of ev: seconds, or days for an all-day event. */
static int duration(const struct record *ev, icaltimezone *z, struct icaltimetype s, long *dur)
{
    struct icaltimetype e;

    if (local_time(ev->f[EF_END], z, &e) != 0 || e.is_date != s.is_date)
        return -1;
    if (s.is_date) /* dates read as UTC midnights: whole days apart */
        *dur = (long)((icaltime_as_timet(e) - icaltime_as_timet(s)) / 86400);
    else
        *dur = (long)(icaltime_as_timet_with_zone(e, z) - icaltime_as_timet_with_zone(s, z));
    return *dur < 0 ? -1 : 0;
}

int evrecur_expand(const struct record *ev, const char *zone, time_t from, time_t to,
                   int (*fn)(const struct ev_occurrence *, void *), void *arg)
{
    struct walk w = {evtime_libical_zone(zone), zone, from, to, NULL, 0, NULL, fn, arg, 0, 0};
    struct icaltimetype start;
    char *rrule;
    long dur;

    if (local_time(ev->f[EF_START], w.z, &start) != 0 || duration(ev, w.z, start, &dur) != 0)
        return -1;
    rrule = evrecur_rrule(ev, zone);
    if (rrule == NULL) {
        occurrence(&w, start, dur);
        return w.n;
    }
    w.ex = xcalloc(MAX_EXCEPTIONS, sizeof *w.ex);
    w.nex = evrecur_exceptions(ev->x[EX_EXCEPTIONS], w.ex, MAX_EXCEPTIONS);
    if (w.nex < 0)
        w.nex = 0;
    w.seen = xcalloc((size_t)w.nex + 1, 1);
    if (walk_rule(&w, rrule, start, dur))
        moved_in(&w);
    free(w.seen);
    free(w.ex);
    free(rrule);
    return w.n;
}

static int count_one(const struct ev_occurrence *o, void *arg)
{
    (void)o;
    (void)arg;
    return 1;
}

int evrecur_any(const struct record *ev, const char *zone)
{
    struct record bare = *ev;
    char *none[EX_COUNT] = {(char *)"", (char *)"", (char *)"", (char *)""};

    /* Exceptions aside: the rule alone. */
    bare.x = none;
    return evrecur_expand(&bare, zone, (time_t)INT64_MIN / 2, (time_t)INT64_MAX / 2, count_one,
                          NULL) > 0;
}
