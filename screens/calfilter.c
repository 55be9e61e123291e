/*
 * calfilter.c: the event calendar's days, its reading of occurrences and
 * its filters (calendar.h).  Writes nothing; draws nothing but the pick
 * dialogs it opens.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "calendar.h"
#include "db/db.h"
#include "evtime.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/screen.h"

/* Howard Hinnant's days_from_civil: exact for every Gregorian date. */
long cal_days(int y, int m, int d)
{
    long yy = y - (m <= 2), era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;

    return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

void cal_civil(long day, int *y, int *m, int *d)
{
    long z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int cal_weekday(long day)
{
    return (int)(((day + 4) % 7 + 7) % 7);
}

int cal_month_days(int y, int m)
{
    return (int)(cal_days(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) - cal_days(y, m, 1));
}

static long day_of_text(const char *s)
{
    int y, m, d, hh, mm, is_date;

    if (evtime_parse(s, &y, &m, &d, &hh, &mm, &is_date) != 0)
        return 0;
    return cal_days(y, m, d);
}

long cal_today(void)
{
    char today[EVTIME_LEN];

    evtime_today(evtime_zone(), today);
    return day_of_text(today);
}

int cal_week_start(void)
{
    const char *s = getenv("MABDESK_WEEK_START");

    return s != NULL && strcmp(s, "sunday") == 0 ? 0 : 6;
}

/* A stored UTC time ("2026-12-01T04:00:00Z") as a moment, without
 * libical: -1 when it is not one. */
static time_t utc_moment(const char *s)
{
    struct tm tm = {0};
    char z = 0;

    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &z) != 7 ||
        z != 'Z')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon--;
    return timegm(&tm);
}

/* The day of moment t among the midnights m[0..n] of days first..first+n
 * (first - 1 before, first + n after). */
static long day_among(const time_t *m, int n, long first, time_t t)
{
    int lo = 0, hi = n + 1;

    /* The number of midnights at or before t. */
    while (lo < hi) {
        int mid = (lo + hi) / 2;

        if (m[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return first + lo - 1;
}

void cal_days_of(const struct ev_line *v, int nv, long first, int n, long *a, long *b)
{
    time_t *m = xcalloc((size_t)n + 1, sizeof *m);
    char day[EVTIME_LEN];

    /* The zone's midnights once: one conversion a day, not two an event. */
    for (int i = 0; i <= n; i++) {
        int y, mo, d;

        cal_civil(first + i, &y, &mo, &d);
        snprintf(day, sizeof day, "%04d-%02d-%02d", y, mo, d);
        evtime_epoch(day, evtime_zone(), &m[i]);
    }
    for (int i = 0; i < nv; i++) {
        time_t s = utc_moment(v[i].start), e = utc_moment(v[i].end);

        if (evtime_is_date(v[i].start) || s < 0) {
            a[i] = day_of_text(v[i].start);
            b[i] = day_of_text(v[i].end);
        } else {
            a[i] = day_among(m, n, first, s);
            /* An end at midnight belongs to the day before. */
            b[i] = day_among(m, n, first, e > s ? e - 1 : s);
        }
        if (b[i] < a[i])
            b[i] = a[i];
    }
    free(m);
}

int cal_load(long first, int n, struct ev_line **v, int *nv)
{
    int y, m, d, rc;
    char day[EVTIME_LEN], *err = NULL;
    time_t from, to;

    cal_civil(first, &y, &m, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
    evtime_epoch(day, evtime_zone(), &from);
    cal_civil(first + n, &y, &m, &d);
    snprintf(day, sizeof day, "%04d-%02d-%02d", y, m, d);
    evtime_epoch(day, evtime_zone(), &to);
    rc = evlist_window(app_db(), from, to, 0, v, nv, &err);
    if (rc != DB_OK) {
        app_error("%s", err != NULL ? err : "?");
        free(err);
    }
    return rc;
}

char *cal_short_day(const struct ev_line *l)
{
    char *day = evlist_day(l), *cut = strstr(day, " (");

    if (cut != NULL)
        *cut = '\0';
    return day;
}

char *cal_day_text(long day)
{
    int y, m, d;
    char ymd[EVTIME_LEN], *greg, *bangla, *s;
    time_t t;

    cal_civil(day, &y, &m, &d);
    snprintf(ymd, sizeof ymd, "%04d-%02d-%02d", y, m, d);
    /* Noon: the right day in any zone. */
    if (evtime_epoch(ymd, evtime_zone(), &t) != 0)
        return i18n_format_ymd(y, m - 1, d);
    greg = i18n_format_date(t + 12 * 3600);
    if (!i18n_is_bn())
        return greg;
    bangla = i18n_format_bangla_ymd(y, m - 1, d);
    s = xasprintf("%s (%s)", greg, bangla);
    free(greg);
    free(bangla);
    return s;
}

/* --- filters -------------------------------------------------------------- */

void cal_filter_init(struct cal_filter *f)
{
    memset(f, 0, sizeof *f);
    f->organiser = -1;
    buf_adds(&f->search, "");
}

void cal_filter_free(struct cal_filter *f)
{
    free(f->organiser_name);
    buf_free(&f->search);
}

void cal_filter_clear(struct cal_filter *f)
{
    f->category = NULL;
    f->organiser = -1;
    free(f->organiser_name);
    f->organiser_name = NULL;
    f->search.len = 0;
    f->search.data[0] = '\0';
    f->searching = 0;
}

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* needle (n bytes) in hay, ASCII letters in either case (Bengali has no
 * case). */
static int contains(const char *hay, const char *needle, size_t n)
{
    for (; *hay != '\0'; hay++) {
        size_t i = 0;

        while (i < n && hay[i] != '\0' && lower(hay[i]) == lower(needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Every word of the search in either title. */
static int matches(const char *search, const struct ev_line *l)
{
    const char *p = search;

    while (*p != '\0') {
        size_t n;

        while (*p == ' ')
            p++;
        n = strcspn(p, " ");
        if (n > 0 && !contains(l->title_en, p, n) && !contains(l->title_bn, p, n))
            return 0;
        p += n;
    }
    return 1;
}

int cal_filter_keep(const struct cal_filter *f, const struct ev_line *l)
{
    if (f == NULL)
        return 1;
    if (f->category != NULL && strcmp(f->category, l->category) != 0)
        return 0;
    if (f->organiser >= 0 && f->organiser != l->municipality_id)
        return 0;
    return matches(f->search.data, l);
}

char *cal_filter_text(const struct cal_filter *f)
{
    struct buf b = {0};
    const char *sep = "";

    buf_adds(&b, "");
    if (f->category != NULL) {
        buf_adds(&b, field_readable(&kind_event.fields[EF_CATEGORY], f->category));
        sep = ", ";
    }
    if (f->organiser >= 0 && f->organiser_name != NULL) {
        buf_printf(&b, "%s%s", sep, f->organiser_name);
        sep = ", ";
    }
    if (f->search.len > 0)
        buf_printf(&b, "%s\"%s\"", sep, f->search.data);
    return buf_take(&b);
}

int cal_filter_search_key(struct cal_filter *f, int is_back, int is_open, const struct ui_key *k)
{
    char u[8];

    if (ui_key_printable(k)) {
        ui_key_utf8(k, u);
        if (f->search.len < 200)
            buf_adds(&f->search, u);
    } else if (k->code == (UI_FN | KEY_BACKSPACE) || k->code == 127 || k->code == 8) {
        if (f->search.len == 0) {
            f->searching = 0;
            return 1;
        }
        do
            f->search.len--;
        while (f->search.len > 0 && ((unsigned char)f->search.data[f->search.len] & 0xc0) == 0x80);
        f->search.data[f->search.len] = '\0';
    } else if (is_back) {
        f->search.len = 0;
        f->search.data[0] = '\0';
        f->searching = 0;
    } else if (is_open || k->code == '\t') {
        f->searching = 0;
    } else {
        return 0;
    }
    return 1;
}

struct pick {
    struct cal_filter *f;
    void (*changed)(void *);
    void *ctx;
    long long *ids; /* the organisers offered, after "All" */
    char **names;
    int n;
};

static void pick_free(struct pick *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->names[i]);
    free(p->names);
    free(p->ids);
    free(p);
}

static void category_picked(void *ctx, int index)
{
    struct pick *p = ctx;

    if (index >= 0) {
        p->f->category = index == 0 ? NULL : event_categories[index - 1];
        p->changed(p->ctx);
    }
    pick_free(p);
}

void cal_filter_pick_category(struct cal_filter *f, void (*changed)(void *), void *ctx)
{
    const char *labels[16];
    int n = 0, cur = 0;
    struct pick *p = xcalloc(1, sizeof *p);

    p->f = f;
    p->changed = changed;
    p->ctx = ctx;
    labels[n++] = _("All");
    for (int i = 0; event_categories[i] != NULL && n < (int)nitems(labels); i++) {
        if (f->category != NULL && strcmp(f->category, event_categories[i]) == 0)
            cur = n;
        labels[n++] = _(event_category_labels[i]);
    }
    app_push(ui_pick_new(_("Category"), labels, n, cur, category_picked, p));
}

static void organiser_picked(void *ctx, int index)
{
    struct pick *p = ctx;

    if (index >= 0) {
        free(p->f->organiser_name);
        p->f->organiser_name = NULL;
        p->f->organiser = index == 0 ? -1 : p->ids[index - 1];
        if (index > 0)
            p->f->organiser_name = xstrdup(p->names[index]);
        p->changed(p->ctx);
    }
    pick_free(p);
}

/* The organisers of v, each once: the association first. */
static void add_organisers(struct pick *p, const struct ev_line *v, int n)
{
    for (int i = 0; i < n; i++) {
        int seen = 0;

        for (int j = 0; j < p->n - 1 && !seen; j++)
            seen = p->ids[j] == v[i].municipality_id;
        if (seen)
            continue;
        p->ids = xreallocarray(p->ids, (size_t)p->n, sizeof *p->ids);
        p->names = xreallocarray(p->names, (size_t)p->n + 1, sizeof *p->names);
        p->ids[p->n - 1] = v[i].municipality_id;
        p->names[p->n++] = evlist_organiser(&v[i]);
    }
}

void cal_filter_pick_organiser(struct cal_filter *f, const struct ev_line *v, int n,
                               void (*changed)(void *), void *ctx)
{
    struct pick *p = xcalloc(1, sizeof *p);
    struct ev_line assoc = {0};
    int cur = 0;

    p->f = f;
    p->changed = changed;
    p->ctx = ctx;
    p->names = xcalloc(1, sizeof *p->names);
    p->names[0] = xstrdup(_("All"));
    p->n = 1;
    add_organisers(p, &assoc, 1);
    add_organisers(p, v, n);
    for (int i = 1; i < p->n; i++)
        if (p->ids[i - 1] == f->organiser)
            cur = i;
    app_push(
        ui_pick_new(_("Organiser"), (const char *const *)p->names, p->n, cur, organiser_picked, p));
}
