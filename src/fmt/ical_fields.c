/*
 * ical_fields.c: a VEVENT's properties as an event's fields, for
 * ical_in.c: its texts and category, and its RRULE as the form's
 * repetition fields (kinds.h EF_REPEAT .. EF_TIMES).  The fields say less
 * than RRULE can; a rule is taken only when the fields give the same
 * occurrences, which ical_rule_same() checks by expanding both.
 */
#include "fmt/ical_fields.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evrecur.h"
#include "evtime.h"
#include "kinds/kinds.h"
#include "util.h"

/* --- texts ------------------------------------------------------------------ */

/* 1 if s holds a letter of the Bengali block (U+0980..U+09FF). */
static int bengali(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
        if (p[0] == 0xe0 && (p[1] == 0xa6 || p[1] == 0xa7))
            return 1;
    return 0;
}

/* SUMMARY or DESCRIPTION into the English or Bengali field by its
 * LANGUAGE (else by its script); X-MABDESK-...-BN (our own export) into
 * the Bengali one. */
static void read_pair(icalcomponent *c, icalproperty_kind kind, const char *x_name,
                      struct record *r, int f_en, int f_bn)
{
    icalproperty *p = icalcomponent_get_first_property(c, kind);

    if (p != NULL) {
        icalparameter *lang = icalproperty_get_first_parameter(p, ICAL_LANGUAGE_PARAMETER);
        const char *text = icalvalue_get_text(icalproperty_get_value(p)), *l;
        int bn;

        l = lang != NULL ? icalparameter_get_language(lang) : NULL;
        bn = l != NULL ? strncasecmp(l, "bn", 2) == 0 : bengali(text != NULL ? text : "");
        record_set(r, bn ? f_bn : f_en, text);
    }
    for (p = icalcomponent_get_first_property(c, ICAL_X_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_X_PROPERTY))
        if (strcasecmp(icalproperty_get_x_name(p), x_name) == 0) {
            icalvalue *v = icalproperty_get_value(p);
            const char *t =
                icalvalue_isa(v) == ICAL_TEXT_VALUE ? icalvalue_get_text(v) : icalvalue_get_x(v);

            if (t != NULL)
                record_set(r, f_bn, t);
        }
}

/* The first of the CATEGORIES that is one of ours (by value or English
 * label), else "other". */
static void read_category(icalcomponent *c, struct record *r)
{
    record_set(r, EF_CATEGORY, "other");
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_CATEGORIES_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_CATEGORIES_PROPERTY)) {
        const char *v = icalproperty_get_categories(p);

        for (int i = 0; v != NULL && event_categories[i] != NULL; i++) {
            if (strcasecmp(v, event_categories[i]) == 0 ||
                strcasecmp(v, event_category_labels[i]) == 0) {
                record_set(r, EF_CATEGORY, event_categories[i]);
                return;
            }
        }
    }
}

void ical_read_texts(icalcomponent *c, struct record *r)
{
    icalproperty *p;

    read_pair(c, ICAL_SUMMARY_PROPERTY, "X-MABDESK-SUMMARY-BN", r, EF_TITLE_EN, EF_TITLE_BN);
    read_pair(c, ICAL_DESCRIPTION_PROPERTY, "X-MABDESK-DESCRIPTION-BN", r, EF_DESCRIPTION_EN,
              EF_DESCRIPTION_BN);
    if ((p = icalcomponent_get_first_property(c, ICAL_LOCATION_PROPERTY)) != NULL)
        record_set(r, EF_LOCATION, icalproperty_get_location(p));
    if ((p = icalcomponent_get_first_property(c, ICAL_CONTACT_PROPERTY)) != NULL)
        record_set(r, EF_CONTACT, icalproperty_get_contact(p));
    read_category(c, r);
}

/* --- repetition --------------------------------------------------------------- */

static const char *const weekday_codes[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

static int empty(const short *a)
{
    return a[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

static int count_of(const short *a)
{
    int n = 0;

    while (a[n] != ICAL_RECURRENCE_ARRAY_MAX)
        n++;
    return n;
}

/* BYDAY of plain weekdays as "MO,WE"; -1 when one has a position. */
static int plain_days(const struct icalrecurrencetype *r, struct record *ev)
{
    struct buf b = {0};

    buf_adds(&b, "");
    for (int i = 0; r->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
        if (icalrecurrencetype_day_position(r->by_day[i]) != 0) {
            buf_free(&b);
            return -1;
        }
        buf_printf(&b, "%s%s", i ? "," : "",
                   weekday_codes[icalrecurrencetype_day_day_of_week(r->by_day[i]) - 1]);
    }
    record_set(ev, EF_WEEKDAYS, b.data);
    buf_free(&b);
    return 0;
}

/* The monthly BYDAY or BYMONTHDAY of a rule starting on day d: 0 with
 * EF_MONTHLY set, or -1. */
static int monthly_by(const struct icalrecurrencetype *r, int d, struct record *ev)
{
    int pos;

    if (!empty(r->by_day)) {
        if (count_of(r->by_day) != 1 || !empty(r->by_month_day))
            return -1;
        pos = icalrecurrencetype_day_position(r->by_day[0]);
        if (pos != -1 && (pos < 1 || pos > 5))
            return -1;
        record_set(ev, EF_MONTHLY, pos == -1 ? "last_weekday" : "weekday");
        return 0;
    }
    if (!empty(r->by_month_day) && (count_of(r->by_month_day) != 1 || r->by_month_day[0] != d))
        return -1;
    record_set(ev, EF_MONTHLY, "day");
    return 0;
}

/* The rule as the form's fields, if they can say it (the comparison of
 * occurrences in read_rrule() has the last word): 0, or -1. */
int ical_rule_fields(const struct icalrecurrencetype *r, struct icaltimetype start,
                     struct record *ev)
{
    static const char *const freq[] = {[ICAL_DAILY_RECURRENCE] = "daily",
                                       [ICAL_WEEKLY_RECURRENCE] = "weekly",
                                       [ICAL_MONTHLY_RECURRENCE] = "monthly",
                                       [ICAL_YEARLY_RECURRENCE] = "yearly"};
    char n[32];

    if (r->freq < ICAL_DAILY_RECURRENCE || r->freq > ICAL_YEARLY_RECURRENCE ||
        !empty(r->by_second) || !empty(r->by_minute) || !empty(r->by_hour) ||
        !empty(r->by_year_day) || !empty(r->by_week_no) || !empty(r->by_set_pos))
        return -1;
    record_set(ev, EF_REPEAT, freq[r->freq]);
    snprintf(n, sizeof n, "%d", r->interval > 0 ? r->interval : 1);
    record_set(ev, EF_INTERVAL, n);
    if (r->count > 0) {
        snprintf(n, sizeof n, "%d", r->count);
        record_set(ev, EF_TIMES, n);
    }
    if (r->freq == ICAL_DAILY_RECURRENCE && !empty(r->by_day) && r->interval <= 1)
        record_set(ev, EF_REPEAT, "weekly"); /* every weekday: weekly on those days */
    else if (r->freq == ICAL_DAILY_RECURRENCE)
        return empty(r->by_day) && empty(r->by_month_day) && empty(r->by_month) ? 0 : -1;
    if (r->freq != ICAL_YEARLY_RECURRENCE && !empty(r->by_month))
        return -1;
    switch (r->freq) {
    case ICAL_WEEKLY_RECURRENCE:
    case ICAL_DAILY_RECURRENCE:
        return empty(r->by_month_day) ? plain_days(r, ev) : -1;
    case ICAL_MONTHLY_RECURRENCE:
        return monthly_by(r, start.day, ev);
    default:
        return empty(r->by_day) &&
                       (empty(r->by_month) ||
                        (count_of(r->by_month) == 1 && r->by_month[0] == start.month)) &&
                       (empty(r->by_month_day) ||
                        (count_of(r->by_month_day) == 1 && r->by_month_day[0] == start.day))
                   ? 0
                   : -1;
    }
}

/* How many occurrences of a repetition are compared with the file's. */
#define COMPARE 60

struct starts {
    time_t t[COMPARE];
    int n;
};

static int collect_start(const struct ev_occurrence *o, void *arg)
{
    struct starts *s = arg;

    s->t[s->n++] = o->start_t;
    return s->n == COMPARE;
}

/* The moment of t, a time of zone z or a date (its midnight in cz). */
static time_t moment(struct icaltimetype t, icaltimezone *z, icaltimezone *cz)
{
    if (t.is_date) {
        t.is_date = 0;
        t = icaltime_set_timezone(&t, cz);
        return icaltime_as_timet_with_zone(t, cz);
    }
    t = icaltime_set_timezone(&t, z);
    return icaltime_as_timet_with_zone(t, z);
}

/* 1 when the fields would give libical the very rule and start the file
 * does: r with what RFC 5545 lets a rule leave to DTSTART written in (a
 * weekly rule's day, a monthly rule's day of the month), the same as the
 * fields' rule, from the same local start in the same zone.  Both
 * expansions would then be libical's of one input: nothing to compare.
 * (Most files: mabdesk's own exports, and other programs' simple rules.) */
static int same_input(struct icalrecurrencetype r, struct icaltimetype dtstart, icaltimezone *z,
                      icaltimezone *cz, const char *zone, const struct record *ev)
{
    struct icalrecurrencetype o;
    char *ours, *a, *b;
    int same;

    /* Without UNTIL, a rule the fields can give has occurrences. */
    if (z != cz || (!dtstart.is_date && dtstart.second != 0) || !icaltime_is_null_time(r.until) ||
        (ours = evrecur_rrule(ev, zone)) == NULL)
        return 0;
    if (r.freq == ICAL_WEEKLY_RECURRENCE && empty(r.by_day)) {
        r.by_day[0] = (short)icaltime_day_of_week(dtstart);
        r.by_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
    }
    if (r.freq == ICAL_MONTHLY_RECURRENCE && empty(r.by_day) && empty(r.by_month_day)) {
        r.by_month_day[0] = (short)dtstart.day;
        r.by_month_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
    }
    o = icalrecurrencetype_from_string(ours);
    a = icalrecurrencetype_as_string_r(&r);
    b = icalrecurrencetype_as_string_r(&o);
    same = a != NULL && b != NULL && strcmp(a, b) == 0;
    free(a);
    free(b);
    free(ours);
    icalerror_clear_errno();
    return same;
}

/* 1 if ev's fields repeat as the file's rule r from dtstart (of zone z;
 * NULL: floating) does, over the first COMPARE occurrences. */
int ical_rule_same(struct icalrecurrencetype r, struct icaltimetype dtstart, icaltimezone *z,
                   const char *zone, const struct record *ev)
{
    icaltimezone *cz = evtime_libical_zone(zone);
    struct starts *ours, *theirs;
    icalrecur_iterator *it;
    struct icaltimetype t;
    int same;

    if (z == NULL)
        z = cz;
    if (same_input(r, dtstart, z, cz, zone, ev))
        return 1;
    ours = xcalloc(1, sizeof *ours);
    theirs = xcalloc(1, sizeof *theirs);
    evrecur_expand(ev, zone, (time_t)INT64_MIN / 2, (time_t)INT64_MAX / 2, collect_start, ours);
    if (!dtstart.is_date)
        dtstart = icaltime_set_timezone(&dtstart, z);
    it = icalrecur_iterator_new(r, dtstart);
    while (it != NULL && theirs->n < COMPARE &&
           !icaltime_is_null_time(t = icalrecur_iterator_next(it)))
        theirs->t[theirs->n++] = moment(t, z, cz);
    if (it != NULL)
        icalrecur_iterator_free(it);
    icalerror_clear_errno();
    same = ours->n == theirs->n && ours->n > 0 &&
           memcmp(ours->t, theirs->t, (size_t)ours->n * sizeof ours->t[0]) == 0;
    free(ours);
    free(theirs);
    return same;
}
