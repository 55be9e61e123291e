/*
 * evlist.c: the occurrences of the events in a window (evlist.h), from
 * every event's recurrence (evrecur.c) in the configured zone.
 */
#include "evlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/event.h"
#include "db/records.h"
#include "evrecur.h"
#include "evtime.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

struct walk {
    const char *zone;
    time_t from, to;
    long long municipality;
    const struct record *ev;
    struct ev_line *v;
    int n, cap;
};

static int add_occurrence(const struct ev_occurrence *o, void *arg)
{
    struct walk *w = arg;
    const struct record *ev = w->ev;
    struct ev_line *l;

    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 64;
        w->v = xreallocarray(w->v, (size_t)w->cap, sizeof *w->v);
    }
    l = &w->v[w->n++];
    l->t = o->start_t;
    l->event_id = ev->id;
    l->municipality_id = strtoll(ev->f[EF_MUNICIPALITY], NULL, 10);
    l->start = xstrdup(o->start);
    l->end = xstrdup(o->end);
    l->title_en = xstrdup(ev->f[EF_TITLE_EN]);
    l->title_bn = xstrdup(ev->f[EF_TITLE_BN]);
    l->organiser_en = xstrdup(l->municipality_id != 0 ? ev->x[EX_MUNICIPALITY_EN] : "");
    l->organiser_bn = xstrdup(l->municipality_id != 0 ? ev->x[EX_MUNICIPALITY_BN] : "");
    l->location = xstrdup(ev->f[EF_LOCATION]);
    l->category = xstrdup(ev->f[EF_CATEGORY]);
    return 0;
}

static int each_event(const struct record *ev, void *arg)
{
    struct walk *w = arg;

    w->ev = ev;
    evrecur_expand(ev, w->zone, w->from, w->to, add_occurrence, w);
    return DB_OK;
}

static int by_time(const void *x, const void *y)
{
    const struct ev_line *a = x, *b = y;

    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->event_id < b->event_id ? -1 : a->event_id > b->event_id;
}

int evlist_window(struct db *db, time_t from, time_t to, long long municipality, struct ev_line **v,
                  int *n, char **err)
{
    struct walk w = {evtime_zone(), from, to, municipality, NULL, NULL, 0, 0};
    char lo[EVTIME_LEN], hi[EVTIME_LEN];
    int rc;

    /* Dates two days wider than the window: a local date of an all-day
     * event is within a day of its UTC moments. */
    evtime_from_epoch(from - 2 * 86400, lo);
    evtime_from_epoch(to + 2 * 86400, hi);
    lo[10] = hi[10] = '\0';
    rc = db_event_window(db, lo, hi, municipality, each_event, &w, err);

    if (rc != DB_OK) {
        evlist_free(w.v, w.n);
        *v = NULL;
        *n = 0;
        return rc;
    }
    if (w.n > 1)
        qsort(w.v, (size_t)w.n, sizeof *w.v, by_time);
    *v = w.v;
    *n = w.n;
    return DB_OK;
}

void evlist_free(struct ev_line *v, int n)
{
    for (int i = 0; i < n; i++) {
        free(v[i].start);
        free(v[i].end);
        free(v[i].title_en);
        free(v[i].title_bn);
        free(v[i].organiser_en);
        free(v[i].organiser_bn);
        free(v[i].location);
        free(v[i].category);
    }
    free(v);
}

/* A stored time as a local one ("2026-12-01 10:30"), or as stored if it
 * cannot be read (text put in by another program), padded so that the
 * time is always at offset 11. */
static void local_of(const char *stored, char out[EVTIME_LEN])
{
    if (evtime_to_local(stored, evtime_zone(), out) != 0)
        snprintf(out, EVTIME_LEN, "%-16.16s", stored);
}

char *evlist_day(const struct ev_line *l)
{
    int y, m, d, hh, mm, is_date;
    char local[EVTIME_LEN], day[11], *digits, *bangla, *s;

    local_of(l->start, local);
    snprintf(day, sizeof day, "%.10s", local);
    if (!i18n_is_bn() || evtime_parse(day, &y, &m, &d, &hh, &mm, &is_date) != 0)
        return text_sanitize(day);
    digits = i18n_digits(day);
    bangla = i18n_format_bangla_ymd(y, m - 1, d);
    s = xasprintf("%s (%s)", digits, bangla);
    free(digits);
    free(bangla);
    return s;
}

char *evlist_time(const struct ev_line *l)
{
    char s[EVTIME_LEN], e[EVTIME_LEN], *plain, *r;

    if (evtime_is_date(l->start))
        return xstrdup(_("all day"));
    local_of(l->start, s);
    local_of(l->end, e);
    plain = xasprintf("%s-%s", s + 11, e + 11);
    r = i18n_digits(plain);
    free(plain);
    return r;
}

char *evlist_title(const struct ev_line *l)
{
    return text_sanitize(i18n_pick(l->title_en, l->title_bn));
}

char *evlist_organiser(const struct ev_line *l)
{
    if (l->municipality_id == 0)
        return xstrdup(_("Municipal Association of Bangladesh"));
    return text_sanitize(i18n_pick(l->organiser_en, l->organiser_bn));
}
