/*
 * calendar_list.c: the event calendar as a list (calendar.h): the agenda
 * (the occurrences of the coming days) and the day view (those of one
 * day), in time order, through the month grid's filters.  Enter opens an
 * event's detail, e its edit form where the session may change it.
 *
 * The occurrences are read when the screen opens and again when it comes
 * back to the top; scrolling never reads the database.  Never writes.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "calendar.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "screens.h"
#include "text.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/textview.h"

struct cal_list {
    long first;
    int ndays;
    struct cal_filter *filter; /* the month grid's, or NULL */
    struct ev_line *v;
    int n;
    int *shown; /* indices into v that pass the filter */
    int nshown;
    int day_w; /* the widest day shown, for the agenda's column */
    struct ui_list list;
};

static const enum action_id list_actions[] = {ACT_OPEN, ACT_EDIT, ACT_UP,     ACT_DOWN, ACT_PGUP,
                                              ACT_PGDN, ACT_TOP,  ACT_BOTTOM, ACT_NONE};

static void load(struct cal_list *l)
{
    long *a, *b;

    evlist_free(l->v, l->n);
    l->v = NULL;
    l->n = 0;
    free(l->shown);
    l->nshown = 0;
    cal_load(l->first, l->ndays, &l->v, &l->n);
    l->shown = xcalloc((size_t)l->n + 1, sizeof *l->shown);
    a = xcalloc((size_t)l->n + 1, sizeof *a);
    b = xcalloc((size_t)l->n + 1, sizeof *b);
    cal_days_of(l->v, l->n, l->first, l->ndays, a, b);
    for (int i = 0; i < l->n; i++) {
        /* The window holds what overlaps it; a day view lists the day's. */
        if (b[i] >= l->first && a[i] < l->first + l->ndays && cal_filter_keep(l->filter, &l->v[i]))
            l->shown[l->nshown++] = i;
    }
    free(a);
    free(b);
    l->day_w = 0;
    for (int i = 0; i < l->nshown && l->ndays > 1; i++) {
        char *day = evlist_day(&l->v[l->shown[i]]);
        int w = text_width(day);

        l->day_w = w > l->day_w ? w : l->day_w;
        free(day);
    }
}

static int list_count(void *ctx, int *n, char **err)
{
    struct cal_list *l = ctx;

    (void)err;
    *n = l->nshown;
    return 0;
}

static int list_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct cal_list *l = ctx;

    (void)err;
    *page = l->shown + off;
    return off + lim <= l->nshown ? lim : l->nshown - off;
}

/* Day (in the agenda), time, title, and the organiser when there is room
 * for a useful title beside it. */
static void list_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    struct cal_list *l = ctx;
    const struct ev_line *e = &l->v[((int *)page)[i]];
    int wide = w >= CAL_WIDE;
    char *day = l->ndays < 2 ? NULL : wide ? evlist_day(e) : cal_short_day(e);
    char *t = evlist_time(e);
    char *title = evlist_title(e), *org = evlist_organiser(e);
    int cx = x + 1, tw;

    if (day != NULL) {
        ui_put(stdscr, y, cx, w - 2, day, attr);
        cx += (wide ? l->day_w : text_width(day)) + 2;
    }
    cx += ui_put(stdscr, y, cx, x + w - cx - 1, t, attr) + 2;
    tw = x + w - cx - 1;
    if (tw >= 50) {
        ui_put(stdscr, y, cx, tw * 3 / 5 - 1, title, attr | A_BOLD);
        ui_put(stdscr, y, cx + tw * 3 / 5, tw - tw * 3 / 5, org, attr);
    } else if (tw > 0) {
        ui_put(stdscr, y, cx, tw, title, attr | A_BOLD);
    }
    free(day);
    free(t);
    free(title);
    free(org);
}

static void list_free_page(void *ctx, void *page, int n)
{
    (void)ctx;
    (void)page;
    (void)n;
}

static const struct ui_list_ops ops = {list_count, list_fetch, list_draw_row, list_free_page};

static const struct ev_line *current(struct cal_list *l)
{
    int i;
    int *page = ui_list_current(&l->list, &i);

    return page != NULL ? &l->v[page[i]] : NULL;
}

/* What the list is of, the filters, then the list. */
static void list_draw(struct screen *s, const struct ui_rect *r)
{
    struct cal_list *l = s->st;
    char *head, *from = cal_day_text(l->first), *f, *count = ui_number(l->nshown);
    struct ui_rect lr = {r->y + 2, r->x, r->h - 2, r->w};

    if (l->ndays > 1) {
        char *after = ui_number(l->ndays - 1);

        head = xasprintf(_("%s and the %s days after"), from, after);
        free(after);
    } else {
        head = xstrdup(from);
    }
    ui_put(stdscr, r->y, r->x + 1, r->w - text_width(count) - 4, head, ui_attr(UI_HEADING));
    ui_put_right(stdscr, r->y, r->x, r->w - 1, count, ui_attr(UI_STATUS));
    f = l->filter != NULL ? cal_filter_text(l->filter) : xstrdup("");
    if (*f != '\0') {
        char *line = xasprintf(_("Showing only: %s"), f);

        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, line, ui_attr(UI_STATUS));
        free(line);
    }
    ui_list_draw(&l->list, &lr);
    free(f);
    free(head);
    free(from);
    free(count);
}

static int list_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct cal_list *l = s->st;
    int r = ui_list_key(&l->list, a, k);
    const struct ev_line *e = current(l);

    if ((r == UI_LIST_OPEN || a == ACT_OPEN) && e != NULL) {
        app_push(screen_record_new(&kind_event, e->event_id));
        return 1;
    }
    if (a == ACT_EDIT && e != NULL) {
        app_push(screen_edit_new(&kind_event, e->event_id, NULL));
        return 1;
    }
    return r != UI_LIST_UNHANDLED || a == ACT_OPEN || a == ACT_EDIT;
}

static void list_reload(struct screen *s)
{
    struct cal_list *l = s->st;

    load(l);
    ui_list_reload(&l->list);
}

/* The organiser of the selected event: e is offered only for one's own. */
static long long list_record(struct screen *s)
{
    const struct ev_line *e = current(s->st);

    return e != NULL ? e->municipality_id : -1;
}

static void list_leave(struct screen *s)
{
    struct cal_list *l = s->st;

    ui_list_free(&l->list);
    evlist_free(l->v, l->n);
    free(l->shown);
    free(l);
    free(s);
}

struct screen *screen_cal_list_new(long first, int ndays, struct cal_filter *filter)
{
    struct cal_list *l = xcalloc(1, sizeof *l);
    struct screen *s = screen_new(ndays > 1 ? "agenda" : "day",
                                  ndays > 1 ? N_("Events: agenda") : N_("Events of the day"), l);

    l->first = first;
    l->ndays = ndays;
    l->filter = filter;
    load(l);
    ui_list_init(&l->list, &ops, l,
                 ndays > 1 ? N_("No events in these days.") : N_("No events on this day."));
    s->kind = &kind_event;
    s->actions = list_actions;
    s->draw = list_draw;
    s->key = list_key;
    s->reload = list_reload;
    s->record = list_record;
    s->leave = list_leave;
    return s;
}

void cal_coming_fill(struct ui_textview *tv, long long municipality)
{
    struct ev_line *v = NULL;
    int n = 0, shown = 0;

    ui_tv_blank(tv);
    ui_tv_heading(tv, _("Coming this week"));
    if (cal_load(cal_today(), 7, &v, &n) != 0)
        return;
    for (int i = 0; i < n; i++) {
        char *day, *t, *when, *title;

        if (v[i].municipality_id != municipality && v[i].municipality_id != 0)
            continue;
        day = evlist_day(&v[i]);
        t = evlist_time(&v[i]);
        when = xasprintf("%s %s", day, t);
        title = evlist_title(&v[i]);
        if (v[i].municipality_id == 0) {
            /* The association's, beside the body's own: say whose. */
            char *org = evlist_organiser(&v[i]), *both = xasprintf("%s (%s)", title, org);

            free(title);
            free(org);
            title = both;
        }
        ui_tv_kv(tv, when, title);
        free(day);
        free(t);
        free(when);
        free(title);
        shown++;
    }
    if (shown == 0)
        ui_tv_para(tv, _("No events in the next 7 days."), UI_DIM);
    evlist_free(v, n);
}
