/*
 * calendar.c: the event calendar's month grid, what the home menu's
 * Events opens.  Weeks start on the configured day (week_start); a day
 * with events shows how many; today is bracketed as well as bold, so it
 * shows without colour; below the grid, when there is room, the selected
 * day's events.  The agenda and the day view are calendar_list.c; the
 * records themselves are the generic detail, form and list.
 *
 * The month's occurrences are read once (cal_load()) and kept until the
 * month or the data changes: moving the cursor never reads the database.
 * Never writes: adding goes to the edit screen, offered only if allowed.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "calendar.h"
#include "db/db.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "record.h"
#include "screens.h"
#include "text.h"
#include "ui/screen.h"

/* A grid is six weeks at most. */
#define GRID_DAYS 42

struct cal {
    long cur;    /* the selected day */
    long today;  /* as of the last redraw */
    long loaded; /* the first day of the grid read into v; 0: none */
    struct ev_line *v;
    int n;
    long *first_day, *last_day; /* of each of v, within the grid */
    int counts[GRID_DAYS];
    struct cal_filter filter;
    struct screen *self;
};

static const enum action_id month_actions[] = {
    ACT_OPEN,      ACT_AGENDA, ACT_TODAY,      ACT_NEW,      ACT_SEARCH,   ACT_FILTER,
    ACT_ORGANISER, ACT_CLEAR,  ACT_EVENT_LIST, ACT_PREV_DAY, ACT_NEXT_DAY, ACT_UP,
    ACT_DOWN,      ACT_PGUP,   ACT_PGDN,       ACT_NONE};
static const enum action_id searching_actions[] = {ACT_OPEN, ACT_NONE};

/* The first day of the grid of the month holding day. */
static long grid_first(long day)
{
    int y, m, d;
    long first;

    cal_civil(day, &y, &m, &d);
    first = cal_days(y, m, 1);
    return first - (cal_weekday(first) - cal_week_start() + 7) % 7;
}

/* The weeks the month of day needs: 4 to 6. */
static int grid_weeks(long day)
{
    int y, m, d;
    long first;

    cal_civil(day, &y, &m, &d);
    first = cal_days(y, m, 1);
    return (int)((first - grid_first(day) + cal_month_days(y, m) + 6) / 7);
}

static void count_days(struct cal *c)
{
    long last = c->loaded + GRID_DAYS - 1;

    memset(c->counts, 0, sizeof c->counts);
    for (int i = 0; i < c->n; i++) {
        /* Within the grid: an all-day event may span years. */
        long from = c->first_day[i] > c->loaded ? c->first_day[i] : c->loaded;
        long to = c->last_day[i] < last ? c->last_day[i] : last;

        if (!cal_filter_keep(&c->filter, &c->v[i]))
            continue;
        for (long d = from; d <= to; d++)
            c->counts[d - c->loaded]++;
    }
}

/* Read the grid's occurrences if the month changed (or force). */
static void load(struct cal *c, int force)
{
    long first = grid_first(c->cur);

    if (!force && first == c->loaded)
        return;
    evlist_free(c->v, c->n);
    c->v = NULL;
    c->n = 0;
    c->loaded = first;
    cal_load(first, GRID_DAYS, &c->v, &c->n);
    free(c->first_day);
    free(c->last_day);
    c->first_day = xcalloc((size_t)c->n + 1, sizeof *c->first_day);
    c->last_day = xcalloc((size_t)c->n + 1, sizeof *c->last_day);
    cal_days_of(c->v, c->n, first, GRID_DAYS, c->first_day, c->last_day);
    count_days(c);
}

static void filter_changed(void *ctx)
{
    count_days(ctx);
}

/* "December 2026", in Bengali "ডিসেম্বর ২০২৬ · অগ্রহায়ণ-পৌষ ১৪৩৩". */
static char *month_text(long day)
{
    int y, m, d;
    char *greg, *bangla, *s;

    cal_civil(day, &y, &m, &d);
    greg = i18n_format_month(y, m - 1);
    if (!i18n_is_bn())
        return greg;
    bangla = i18n_format_bangla_months(y, m - 1, 1, cal_month_days(y, m));
    s = xasprintf("%s  %s %s", greg, ui_ascii() ? "-" : "·", bangla);
    free(greg);
    free(bangla);
    return s;
}

/* One day's cell: "[30]•3", cut to what the cell holds; in lean mode,
 * which has no reverse video, the selected day starts with '>'. */
static void draw_cell(struct cal *c, long day, int y, int x, int cw, int month)
{
    int dy, dm, dd, count = c->counts[day - c->loaded], today = day == c->today;
    char *num, *n = NULL, *cell;
    attr_t a;

    cal_civil(day, &dy, &dm, &dd);
    num = ui_number(dd);
    if (count > 0 && cw >= 7)
        n = ui_number(count > 99 ? 99 : count);
    cell = xasprintf("%s%s%s%s%s%s",
                     day == c->cur && ui_lean() ? ">"
                     : today                    ? "["
                                                : " ",
                     dd < 10 ? " " : "", num, today ? "]" : " ",
                     count > 0 ? (ui_ascii() ? "*" : "•") : "", n != NULL ? n : "");
    a = day == c->cur ? ui_attr(UI_SELECTED) : dm != month ? ui_attr(UI_DIM) : ui_attr(UI_NORMAL);
    if (today)
        a |= A_BOLD | A_UNDERLINE;
    /* Narrow cells touch: each starts with a space or a bracket. */
    ui_put_pad(stdscr, y, x, cw < 7 ? cw : cw - 1, cell, a);
    free(cell);
    free(n);
    free(num);
}

/* The weekday names and the weeks from row y; the rows used. */
static int draw_grid(struct cal *c, int y, int x, int w, int rows_each)
{
    int cw = w / 7, gx = x + (w - 7 * cw) / 2, weeks = grid_weeks(c->cur), cy, cm, cd;

    cal_civil(c->cur, &cy, &cm, &cd);
    for (int i = 0; i < 7; i++)
        ui_put(stdscr, y, gx + i * cw + 1, cw - 1, i18n_weekday_short((cal_week_start() + i) % 7),
               ui_attr(UI_HEADER));
    for (int wk = 0; wk < weeks; wk++)
        for (int i = 0; i < 7; i++)
            draw_cell(c, c->loaded + wk * 7 + i, y + 1 + wk * rows_each, gx + i * cw, cw, cm);
    return 1 + weeks * rows_each;
}

/* The selected day's events in the rows left, from y. */
static void draw_day(struct cal *c, int y, int x, int w, int h)
{
    char *head = cal_day_text(c->cur);
    int shown = 0, total = 0;

    ui_put(stdscr, y, x + 1, w - 2, head, ui_attr(UI_LABEL) | A_BOLD);
    free(head);
    for (int i = 0; i < c->n; i++) {
        if (c->cur < c->first_day[i] || c->cur > c->last_day[i] ||
            !cal_filter_keep(&c->filter, &c->v[i]))
            continue;
        total++;
        if (shown < h - 1) {
            char *t = evlist_time(&c->v[i]), *title = evlist_title(&c->v[i]);
            int used = ui_put(stdscr, y + 1 + shown, x + 2, 12, t, ui_attr(UI_DIM));

            ui_put(stdscr, y + 1 + shown, x + 3 + (used > 11 ? used : 11), w - 16, title,
                   ui_attr(UI_NORMAL));
            free(t);
            free(title);
            shown++;
        }
    }
    if (total == 0 && h > 1)
        ui_put(stdscr, y + 1, x + 2, w - 3, _("No events on this day."), ui_attr(UI_DIM));
}

/* The filters, or the search being typed, on row y. */
static void draw_filters(struct cal *c, int y, int x, int w)
{
    char *f = cal_filter_text(&c->filter);
    int used;

    if (c->filter.searching) {
        used = ui_put(stdscr, y, x + 1, 12, _("Search:"), ui_attr(UI_LABEL)) + 2;
        used +=
            ui_put(stdscr, y, x + used, w - used - 1, c->filter.search.data, ui_attr(UI_FIELD_CUR));
        ui_cursor(y, x + used);
    } else {
        char *line = xasprintf(_("Showing only: %s"), f);

        ui_put(stdscr, y, x + 1, w - 2, line, ui_attr(UI_STATUS));
        free(line);
    }
    free(f);
}

/*
 * The month's name, the filters when some are set, the grid (two rows a
 * week when there is room, leaving some for the day) and the day's
 * events.  At 40x15 the grid still fits with a week a row.
 */
static void cal_draw(struct screen *s, const struct ui_rect *r)
{
    struct cal *c = s->st;
    char *head = month_text(c->cur), *f = cal_filter_text(&c->filter);
    int y = r->y, weeks = grid_weeks(c->cur), rows_each;

    c->today = cal_today();
    load(c, 0);
    ui_put_centre(stdscr, y++, r->x + 1, r->w - 2, head, ui_attr(UI_HEADING));
    free(head);
    if (c->filter.searching || *f != '\0')
        draw_filters(c, y++, r->x, r->w);
    free(f);
    rows_each = r->y + r->h - y - 1 >= 2 * weeks + 4 ? 2 : 1;
    y += draw_grid(c, y, r->x, r->w, rows_each);
    if (r->y + r->h - y >= 2)
        draw_day(c, y, r->x, r->w, r->y + r->h - y);
}

/* A new event on the selected day, of the user's own municipality. */
static void add_new(struct cal *c)
{
    struct record preset;
    int y, m, d;
    char v[32];

    record_init(&preset, &kind_event);
    cal_civil(c->cur, &y, &m, &d);
    snprintf(v, sizeof v, "%04d-%02d-%02d 10:00", y, m, d);
    record_set(&preset, EF_START, v);
    snprintf(v, sizeof v, "%04d-%02d-%02d 11:00", y, m, d);
    record_set(&preset, EF_END, v);
    if (app_session()->municipality_id != 0) {
        snprintf(v, sizeof v, "%lld", app_session()->municipality_id);
        record_set(&preset, EF_MUNICIPALITY, v);
    }
    app_push(screen_edit_new(&kind_event, 0, &preset));
    record_free(&preset);
}

/* Move to day, keeping within the years events may have. */
static void go(struct cal *c, long day)
{
    int y, m, d;

    cal_civil(day, &y, &m, &d);
    if (y >= 1900 && y <= 2999)
        c->cur = day;
}

/* The same day of the month n months on (or its last day). */
static void go_months(struct cal *c, int n)
{
    int y, m, d;

    cal_civil(c->cur, &y, &m, &d);
    m += n;
    while (m > 12) {
        m -= 12;
        y++;
    }
    while (m < 1) {
        m += 12;
        y--;
    }
    if (d > cal_month_days(y, m))
        d = cal_month_days(y, m);
    go(c, cal_days(y, m, d));
}

static void set_searching(struct cal *c, int on)
{
    c->filter.searching = on;
    c->self->actions = on ? searching_actions : month_actions;
}

static int cal_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct cal *c = s->st;

    if (c->filter.searching) {
        if (cal_filter_search_key(&c->filter, a == ACT_BACK, a == ACT_OPEN, k)) {
            set_searching(c, c->filter.searching);
            count_days(c);
            return 1;
        }
    }
    switch (a) {
    case ACT_PREV_DAY:
        go(c, c->cur - 1);
        return 1;
    case ACT_NEXT_DAY:
        go(c, c->cur + 1);
        return 1;
    case ACT_UP:
        go(c, c->cur - 7);
        return 1;
    case ACT_DOWN:
        go(c, c->cur + 7);
        return 1;
    case ACT_PGUP:
        go_months(c, -1);
        return 1;
    case ACT_PGDN:
        go_months(c, 1);
        return 1;
    case ACT_TODAY:
        c->cur = cal_today();
        return 1;
    case ACT_OPEN:
        app_push(screen_cal_list_new(c->cur, 1, &c->filter));
        return 1;
    case ACT_AGENDA:
        app_push(screen_cal_list_new(c->cur, 30, &c->filter));
        return 1;
    case ACT_NEW:
        add_new(c);
        return 1;
    case ACT_SEARCH:
        set_searching(c, 1);
        return 1;
    case ACT_FILTER:
        cal_filter_pick_category(&c->filter, filter_changed, c);
        return 1;
    case ACT_ORGANISER:
        cal_filter_pick_organiser(&c->filter, c->v, c->n, filter_changed, c);
        return 1;
    case ACT_CLEAR:
        cal_filter_clear(&c->filter);
        count_days(c);
        return 1;
    case ACT_EVENT_LIST:
        app_push(screen_records_new(&kind_event, 0));
        return 1;
    default:
        return 0;
    }
}

/* Back on top (an event may have been saved) or another language. */
static void cal_reload(struct screen *s)
{
    load(s->st, 1);
}

/* Adding is allowed for the user's own body (staff: the association). */
static long long cal_record(struct screen *s)
{
    (void)s;
    return app_session()->municipality_id;
}

static void cal_leave(struct screen *s)
{
    struct cal *c = s->st;

    evlist_free(c->v, c->n);
    free(c->first_day);
    free(c->last_day);
    cal_filter_free(&c->filter);
    free(c);
    free(s);
}

struct screen *screen_calendar_new(void)
{
    struct cal *c = xcalloc(1, sizeof *c);
    struct screen *s = screen_new("calendar", N_("Events calendar"), c);

    c->self = s;
    c->cur = cal_today();
    cal_filter_init(&c->filter);
    s->kind = &kind_event;
    s->actions = month_actions;
    s->draw = cal_draw;
    s->key = cal_key;
    s->reload = cal_reload;
    s->record = cal_record;
    s->leave = cal_leave;
    return s;
}
