/*
 * home.c: the first screen: the association's name, today's date and a
 * menu of what exists.  At a kiosk it also shows the association's vision.
 *
 * Offers only what the session may open (auth_allowed()); never writes.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "calendar.h"
#include "auth.h"
#include "db/db.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "screens.h"
#include "text.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "ui/textview.h"
#include "util.h"

struct home_item {
    const char *label; /* N_() */
    const char *what;  /* N_(): one line beside the label */
    enum auth_action need;
    struct screen *(*open)(void);
};

static struct screen *open_directory(void)
{
    return screen_directory_new();
}

static struct screen *open_people(void)
{
    return screen_records_new(&kind_contact, 0);
}

/* A municipal user's list is of its own municipality (db/ holds it there
 * too); every other session's municipality_id is 0: all of them. */
static struct screen *open_subscribers(void)
{
    return screen_records_new(&kind_subscriber, app_session()->municipality_id);
}

/* Every session sees every event; a municipal user changes only its own
 * body's (db/ decides, the calendar offers what auth_allowed() says).  The
 * month grid first; the generic list is one key away from it. */
static struct screen *open_events(void)
{
    return screen_calendar_new();
}

static struct screen *open_subscribe(void)
{
    return screen_subscribe_new();
}

static struct screen *open_about(void)
{
    return screen_about_new();
}

static struct screen *open_audit(void)
{
    return screen_audit_new(NULL, 0);
}

static struct screen *open_users(void)
{
    return screen_users_new();
}

/* open NULL: the help screen (it needs the screen it explains). */
static const struct home_item items[] = {
    {N_("Directory"), N_("Every city corporation and paurashava"), AUTH_READ_DIRECTORY,
     open_directory},
    {N_("About"), N_("Vision, mission and scope of work"), AUTH_READ_DIRECTORY, open_about},
    {N_("People"), N_("Officials and contacts of every body"), AUTH_READ_DIRECTORY, open_people},
    {N_("Subscribe"), N_("The Municipality Digest by email"), AUTH_SUBSCRIBE, open_subscribe},
    {N_("Subscribers"), N_("The Municipality Digest: who receives it"), AUTH_READ_SUBSCRIBERS,
     open_subscribers},
    {N_("Events"), N_("Trainings, workshops and meetings of the association and every body"),
     AUTH_READ_EVENTS, open_events},
    {N_("Help"), N_("The keys of every screen"), AUTH_READ_DIRECTORY, NULL},
    {N_("Users"), N_("SSH accounts: roles, keys and passwords"), AUTH_MANAGE_USERS, open_users},
    {N_("Audit log"), N_("Who changed what, and when"), AUTH_READ_AUDIT, open_audit},
};

struct home {
    const struct home_item *shown[nitems(items)];
    int nshown;
    struct ui_list list;
    struct ui_textview *vision; /* kiosk only */
    struct ev_line *coming;     /* the events of the next 7 days */
    int ncoming;
    struct screen *self;
};

static const enum action_id home_actions[] = {ACT_OPEN,   ACT_UP,   ACT_DOWN, ACT_TOP,
                                              ACT_BOTTOM, ACT_PGUP, ACT_PGDN, ACT_NONE};

static int menu_count(void *ctx, int *n, char **err)
{
    struct home *h = ctx;

    *n = h->nshown;
    return 0;
}

static int menu_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct home *h = ctx;

    *page = h->shown + off;
    return off + lim <= h->nshown ? lim : h->nshown - off;
}

/* The label column: a third of the menu, or what the widest label needs. */
static int label_cols(const struct home *h, int w)
{
    int lw = w / 3;

    for (int i = 0; i < h->nshown; i++) {
        int need = text_width(_(h->shown[i]->label)) + 3;

        if (need > lw)
            lw = need;
    }
    return lw < w ? lw : w;
}

/* On a narrow screen (a phone) the labels alone: a description cut to a
 * few letters says nothing. */
enum { MIN_WHAT = 24 };

static void menu_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct home_item *it = ((const struct home_item **)page)[i];
    int lw = label_cols(ctx, w);

    ui_put(stdscr, y, x + 2, lw - 2, _(it->label), attr | A_BOLD);
    if (w - lw - 2 >= MIN_WHAT)
        ui_put(stdscr, y, x + lw + 1, w - lw - 2, _(it->what), attr);
}

static void menu_free_page(void *ctx, void *page, int n)
{
}

static const struct ui_list_ops menu_ops = {menu_count, menu_fetch, menu_draw_row, menu_free_page};

/* The first section of the About page (the vision) into tv. */
static void load_vision(struct home *h)
{
    char *text = NULL, *err = NULL;
    const char *s, *e;

    ui_tv_clear(h->vision);
    if (db_page_get(app_db(), "about", i18n_is_bn() ? "bn" : "en", &text, &err) != DB_OK ||
        text == NULL) {
        free(err);
        return;
    }
    s = strstr(text, "\n## ");
    if (s != NULL) {
        e = strstr(s + 4, "\n## ");
        char *section = e != NULL ? xstrndup(s + 1, (size_t)(e - s - 1)) : xstrdup(s + 1);

        ui_tv_markdown(h->vision, section);
        free(section);
    }
    free(text);
}

/* Today and the 6 days after it. */
enum { COMING_DAYS = 7 };

static void load_coming(struct home *h)
{
    evlist_free(h->coming, h->ncoming);
    h->coming = NULL;
    h->ncoming = 0;
    if (auth_allowed(app_session(), AUTH_READ_EVENTS, 0))
        cal_load(cal_today(), COMING_DAYS, &h->coming, &h->ncoming);
}

/* The coming events from row y, in at most h rows (a heading, then one
 * a line, then how many more); the rows used. */
static int draw_coming(struct home *h, int y, int x, int w, int rows)
{
    int n = 0, more = 0;
    char *line;

    if (h->ncoming == 0 || rows < 2)
        return 0;
    ui_put(stdscr, y, x, w, _("Coming this week"), ui_attr(UI_HEADING));
    /* A line saying how many more only where it leaves an event shown. */
    if (h->ncoming > rows - 1 && rows >= 3)
        more = h->ncoming - (rows - 2);
    for (; n < h->ncoming && n < rows - 1 - (more > 0); n++) {
        const struct ev_line *e = &h->coming[n];
        char *day = w >= CAL_WIDE ? evlist_day(e) : cal_short_day(e), *t = evlist_time(e);
        char *title = evlist_title(e);
        int cx = x + 1;

        cx += ui_put(stdscr, y + 1 + n, cx, w - 1, day, ui_attr(UI_NORMAL)) + 2;
        cx += ui_put(stdscr, y + 1 + n, cx, x + w - cx, t, ui_attr(UI_DIM)) + 2;
        ui_put(stdscr, y + 1 + n, cx, x + w - cx, title, ui_attr(UI_NORMAL) | A_BOLD);
        free(day);
        free(t);
        free(title);
    }
    if (more > 0) {
        char *num = ui_number(more);

        line = xasprintf(_("and %s more: Events shows them all"), num);
        ui_put(stdscr, y + 1 + n, x + 1, w - 1, line, ui_attr(UI_DIM));
        free(line);
        free(num);
        n++;
    }
    return 1 + n;
}

static void home_reload(struct screen *s)
{
    struct home *h = s->st;

    load_coming(h);

    if (h->vision != NULL)
        load_vision(h);
    ui_list_reload(&h->list);
}

/*
 * The name, the date, the menu and below it the hint (or a kiosk's
 * vision).  When the menu and the spacing around it do not fit (a phone,
 * a short window) the spacing goes first, then the hint; the menu
 * scrolls rather than run into the status line.
 */
/* Today's date; in Bengali with the Bangla date beside it. */
static char *today_text(void)
{
    char *g = i18n_today(), *b, *both;

    if (!i18n_is_bn())
        return g;
    b = i18n_format_bangla_date(time(NULL));
    both = xasprintf("%s (%s)", g, b);
    free(g);
    free(b);
    return both;
}

static void home_draw(struct screen *s, const struct ui_rect *r)
{
    struct home *h = s->st;
    char *today = today_text();
    int y, used, mw = r->w > 70 ? 70 : r->w - 4, mx = r->x + (r->w - mw) / 2;
    int roomy = r->h >= h->nshown + 8, top = roomy ? 1 : 0;
    struct ui_rect lr = {r->y + (roomy ? 5 : 3), mx, h->nshown, mw};

    if (lr.h > r->y + r->h - lr.y)
        lr.h = r->y + r->h - lr.y;
    ui_put_centre(stdscr, r->y + top, r->x + 1, r->w - 2, _("Municipal Association of Bangladesh"),
                  ui_attr(UI_HEADING));
    ui_put_centre(stdscr, r->y + top + 1, r->x + 1, r->w - 2, today, ui_attr(UI_NORMAL));
    free(today);
    ui_list_draw(&h->list, &lr);
    /* The coming events before the vision or the hint: what is on
     * matters more to a passer-by. */
    y = lr.y + lr.h + (roomy ? 2 : 1);
    used = draw_coming(h, y, mx, mw, r->y + r->h - y > 9 ? 9 : r->y + r->h - y);
    if (used > 0)
        y += used + 1;
    if (h->vision != NULL) {
        struct ui_rect vr = {y, mx, r->y + r->h - y, mw};

        /* A heading alone is not worth its room. */
        if (vr.h >= 3)
            ui_tv_draw(h->vision, &vr);
    } else if (used == 0 && lr.y + lr.h + 2 < r->y + r->h) {
        /* TRANSLATORS: %s is the help key as the key bar names it: F1, or
         * ^G on a terminal without function keys. */
        char *hint = xasprintf(_("Choose with the arrow keys and Enter; %s shows every key."),
                               app_key_name(ACT_HELP));

        ui_put_centre(stdscr, lr.y + lr.h + 2, r->x + 1, r->w - 2, hint, ui_attr(UI_DIM));
        free(hint);
    }
}

static void open_current(struct screen *s, struct home *h)
{
    int i;
    const struct home_item **page = ui_list_current(&h->list, &i);

    if (page == NULL)
        return;
    if (page[i]->open == NULL)
        app_push(screen_help_new(s));
    else
        app_push(page[i]->open());
}

static int home_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct home *h = s->st;
    int r = ui_list_key(&h->list, a, k);

    if (r == UI_LIST_OPEN || a == ACT_OPEN) {
        open_current(s, h);
        return 1;
    }
    if (r == UI_LIST_UNHANDLED && h->vision != NULL && k->code == (UI_FN | KEY_MOUSE))
        return ui_tv_key(h->vision, a, k);
    return r != UI_LIST_UNHANDLED;
}

static void home_leave(struct screen *s)
{
    struct home *h = s->st;

    ui_list_free(&h->list);
    ui_tv_free(h->vision);
    evlist_free(h->coming, h->ncoming);
    free(h);
    free(s);
}

struct screen *screen_home_new(void)
{
    struct home *h = xcalloc(1, sizeof *h);
    struct screen *s = screen_new("home", N_("Home"), h);

    for (size_t i = 0; i < nitems(items); i++) {
        if (auth_allowed(app_session(), items[i].need, app_session()->municipality_id))
            h->shown[h->nshown++] = &items[i];
    }
    ui_list_init(&h->list, &menu_ops, h, N_("Nothing to show."));
    if (app_kiosk()) {
        h->vision = ui_tv_new();
        load_vision(h);
    }
    load_coming(h);
    s->actions = home_actions;
    s->draw = home_draw;
    s->key = home_key;
    s->reload = home_reload;
    s->leave = home_leave;
    return s;
}
