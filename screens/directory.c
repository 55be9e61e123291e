/*
 * directory.c: the directory of municipalities: a list paged from the
 * database, search as you type, filters by division and district, sort
 * orders, and the ways into detail, edit, add and delete.
 *
 * Must never load the whole directory: every count and page goes to
 * db_record_count() / db_record_page() with the current query, &kind_municipality,
 * &kind_municipality, on every key that changes it.  Offers edit / add / delete only through the
 * action table, so sessions that may not do them never see them.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "util.h"

struct directory {
    struct ui_list list;
    struct buf search;
    int searching; /* keys go to the search text */
    long long division_id, district_id;
    char *div_en, *div_bn, *dist_en, *dist_bn; /* their names */
    struct geo_item *geo;                      /* the items of the open picker */
    int ngeo;
    enum muni_sort sort;
    int total;            /* rows with no search and no filter */
    long long pending_id; /* the record a confirm dialog is about */
    char *pending_name;
};

static const char *const sort_names[MUNI_SORT_COUNT] = {
    [MUNI_SORT_NAME] = N_("name"),
    [MUNI_SORT_DISTRICT] = N_("district"),
    [MUNI_SORT_DIVISION] = N_("division"),
    [MUNI_SORT_KIND_CLASS] = N_("kind and class"),
    [MUNI_SORT_ESTABLISHED] = N_("year established"),
};

static const enum action_id list_actions[] = {
    ACT_OPEN,   ACT_SEARCH, ACT_DIVISION, ACT_DISTRICT, ACT_CLEAR, ACT_SORT, ACT_EDIT,   ACT_NEW,
    ACT_DELETE, ACT_UP,     ACT_DOWN,     ACT_PGUP,     ACT_PGDN,  ACT_TOP,  ACT_BOTTOM, ACT_NONE};
/* While typing a search only the keys that are not letters act. */
static const enum action_id search_actions[] = {ACT_OPEN, ACT_UP,   ACT_DOWN,
                                                ACT_PGUP, ACT_PGDN, ACT_NONE};

static struct record_query query(const struct directory *d)
{
    struct record_query q = {0};

    q.search = d->search.data;
    q.filter[MUNI_FILTER_DIVISION] = d->division_id;
    q.filter[MUNI_FILTER_DISTRICT] = d->district_id;
    q.sort = d->sort;
    q.lang_bn = i18n_is_bn();
    return q;
}

static int dir_count(void *ctx, int *n, char **err)
{
    struct record_query q = query(ctx);

    return db_record_count(app_db(), &kind_municipality, &q, n, err) == DB_OK ? 0 : -1;
}

static int dir_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct record_query q = query(ctx);
    struct record_row *rows = NULL;
    int n = 0;

    if (db_record_page(app_db(), &kind_municipality, &q, off, lim, &rows, &n, err) != DB_OK)
        return -1;
    *page = rows;
    return n;
}

/* Column widths for a list w columns wide. */
struct cols {
    int name, kind, district, division;
};

static struct cols columns(int w)
{
    struct cols c;

    c.kind = 15;
    c.division = w * 15 / 100;
    c.district = w * 18 / 100;
    c.name = w - c.kind - c.division - c.district - 4;
    return c;
}

static char *kind_class(const struct record_row *r)
{
    const char *k =
        strcmp(r->v[ML_KIND], "city_corporation") == 0 ? _("City corp.") : _("Paurashava");

    if (r->v[ML_CLASS][0] == '\0')
        return xstrdup(k);
    return xasprintf("%s, %s", k, _(r->v[ML_CLASS]));
}

static void dir_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct record_row *r = (const struct record_row *)page + i;
    struct cols c = columns(w);
    char *kc = kind_class(r);

    x += 1;
    ui_put(stdscr, y, x, c.name, i18n_pick(r->v[ML_NAME_EN], r->v[ML_NAME_BN]), attr);
    x += c.name + 1;
    ui_put(stdscr, y, x, c.kind, kc, attr);
    x += c.kind + 1;
    ui_put(stdscr, y, x, c.district, i18n_pick(r->v[ML_DISTRICT_EN], r->v[ML_DISTRICT_BN]), attr);
    x += c.district + 1;
    ui_put(stdscr, y, x, c.division, i18n_pick(r->v[ML_DIVISION_EN], r->v[ML_DIVISION_BN]), attr);
    free(kc);
}

static void dir_free_page(void *ctx, void *page, int n)
{
    record_rows_free(&kind_municipality, page, n);
}

static const struct ui_list_ops dir_ops = {dir_count, dir_fetch, dir_draw_row, dir_free_page};

static const struct record_row *current(struct directory *d)
{
    int i;
    struct record_row *page = ui_list_current(&d->list, &i);

    return page != NULL ? page + i : NULL;
}

static void count_total(struct directory *d)
{
    struct record_query q = {0};
    char *err = NULL;

    if (db_record_count(app_db(), &kind_municipality, &q, &d->total, &err) != DB_OK) {
        d->total = 0;
        app_error("%s", err != NULL ? err : "?");
    }
    free(err);
}

/* The names of a division or district by id, from the database (asked
 * once, when a filter is chosen, never while drawing). */
static void geo_names(long long division_id, long long district_id, char **en, char **bn)
{
    struct geo_item *items = NULL;
    int n = 0;
    char *err = NULL;
    long long want = district_id != 0 ? district_id : division_id;
    int rc = district_id != 0 ? db_districts(app_db(), division_id, &items, &n, &err)
                              : db_divisions(app_db(), &items, &n, &err);

    str_set(en, "?");
    str_set(bn, NULL);
    for (int i = 0; rc == DB_OK && i < n; i++) {
        if (items[i].id == want) {
            str_set(en, items[i].name_en);
            str_set(bn, items[i].name_bn);
        }
    }
    geo_items_free(items, n);
    free(err);
}

static void dir_draw(struct screen *s, const struct ui_rect *r)
{
    struct directory *d = s->st;
    struct cols c = columns(r->w);
    struct ui_rect lr = {r->y + 3, r->x, r->h - 3, r->w};
    char *shown, *total, *count, *line;
    const char *div, *dist;
    int x;

    /* Line 1: the search, and the count tests and people wait for. */
    shown = ui_number(ui_list_count(&d->list));
    total = ui_number(d->total);
    count = xasprintf(_("%s of %s"), shown, total);
    ui_put_right(stdscr, r->y, r->x, r->w - 1, count, ui_attr(UI_STATUS));
    if (d->searching || d->search.len > 0) {
        x = r->x + 1;
        x += ui_put(stdscr, r->y, x, 12, _("Search:"), ui_attr(UI_LABEL)) + 1;
        line = xstrdup(d->search.data != NULL ? d->search.data : "");
        x += ui_put(stdscr, r->y, x, r->w - x - text_width(count) - 3, line,
                    ui_attr(d->searching ? UI_FIELD_CUR : UI_NORMAL));
        if (d->searching)
            ui_cursor(r->y, x);
        free(line);
    } else {
        ui_put(stdscr, r->y, r->x + 1, r->w - text_width(count) - 4,
               _("Press / to search by name, district, division or mayor."), ui_attr(UI_DIM));
    }
    /* Line 2: filters and order. */
    div = d->division_id != 0 ? i18n_pick(d->div_en, d->div_bn) : _("all");
    dist = d->district_id != 0 ? i18n_pick(d->dist_en, d->dist_bn) : _("all");
    line = xasprintf(_("Division: %s   District: %s   Sorted by %s"), div, dist,
                     _(sort_names[d->sort]));
    ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, line, ui_attr(UI_NORMAL));
    free(line);
    /* Line 3: column headings. */
    x = r->x + 1;
    ui_fill(stdscr, r->y + 2, r->x, r->w, ui_attr(UI_HEADER));
    ui_put(stdscr, r->y + 2, x, c.name, _("Name"), ui_attr(UI_HEADER));
    x += c.name + 1;
    ui_put(stdscr, r->y + 2, x, c.kind, _("Kind, class"), ui_attr(UI_HEADER));
    x += c.kind + 1;
    ui_put(stdscr, r->y + 2, x, c.district, _("District"), ui_attr(UI_HEADER));
    x += c.district + 1;
    ui_put(stdscr, r->y + 2, x, c.division, _("Division"), ui_attr(UI_HEADER));
    ui_list_draw(&d->list, &lr);
    free(count);
    free(shown);
    free(total);
}

static void set_searching(struct screen *s, struct directory *d, int on)
{
    d->searching = on;
    s->actions = on ? search_actions : list_actions;
}

static void search_changed(struct directory *d)
{
    ui_list_reset(&d->list);
}

/* --- filters ------------------------------------------------------------------ */

static void picked(struct directory *d, int index, int district)
{
    if (index < 0)
        return;
    if (district) {
        d->district_id = index == 0 ? 0 : d->geo[index - 1].id;
        if (index > 0 && d->division_id == 0)
            d->division_id = d->geo[index - 1].parent_id;
    } else {
        long long div = index == 0 ? 0 : d->geo[index - 1].id;

        if (div != d->division_id)
            d->district_id = 0;
        d->division_id = div;
    }
    if (d->division_id != 0)
        geo_names(d->division_id, 0, &d->div_en, &d->div_bn);
    if (d->district_id != 0)
        geo_names(d->division_id, d->district_id, &d->dist_en, &d->dist_bn);
    ui_list_reset(&d->list);
}

static void division_picked(void *ctx, int index)
{
    picked(ctx, index, 0);
}

static void district_picked(void *ctx, int index)
{
    picked(ctx, index, 1);
}

static void pick_geo(struct directory *d, int district)
{
    char *err = NULL;
    const char **labels;
    int rc, current = 0;

    geo_items_free(d->geo, d->ngeo);
    d->geo = NULL;
    d->ngeo = 0;
    rc = district ? db_districts(app_db(), d->division_id, &d->geo, &d->ngeo, &err)
                  : db_divisions(app_db(), &d->geo, &d->ngeo, &err);
    if (rc != DB_OK) {
        app_error("%s", err != NULL ? err : "?");
        free(err);
        return;
    }
    labels = xreallocarray(NULL, (size_t)d->ngeo + 1, sizeof *labels);
    labels[0] = district ? _("All districts") : _("All divisions");
    for (int i = 0; i < d->ngeo; i++) {
        labels[i + 1] = i18n_pick(d->geo[i].name_en, d->geo[i].name_bn);
        if (d->geo[i].id == (district ? d->district_id : d->division_id))
            current = i + 1;
    }
    app_push(ui_pick_new(district ? _("Show one district") : _("Show one division"), labels,
                         d->ngeo + 1, current, district ? district_picked : division_picked, d));
    free(labels);
}

/* --- delete ------------------------------------------------------------------- */

static void delete_answer(void *ctx, int yes)
{
    struct directory *d = ctx;
    struct record m;
    char *err = NULL;
    int rc;

    if (!yes)
        return;
    record_init(&m, &kind_municipality);
    rc = db_record_get(app_db(), &kind_municipality, d->pending_id, &m, &err);
    if (rc == DB_OK)
        rc = db_record_delete(app_db(), &kind_municipality, m.id, m.version, &err);
    if (rc == DB_OK)
        app_status(_("Deleted %s."), d->pending_name);
    else
        app_error("%s", err != NULL ? err : "?");
    free(err);
    record_free(&m);
    ui_list_reload(&d->list);
    count_total(d);
}

static void ask_delete(struct directory *d, const struct record_row *r)
{
    char *text;

    d->pending_id = r->id;
    str_set(&d->pending_name, i18n_pick(r->v[ML_NAME_EN], r->v[ML_NAME_BN]));
    text = xasprintf(_("Delete %s from the directory? Its history stays in the audit log."),
                     d->pending_name);
    app_push(ui_confirm_new(_("Delete municipality"), text, delete_answer, d));
    free(text);
}

/* --- keys --------------------------------------------------------------------- */

static int search_key(struct screen *s, struct directory *d, enum action_id a,
                      const struct ui_key *k)
{
    char u[8];

    if (ui_key_printable(k)) {
        ui_key_utf8(k, u);
        if (d->search.len < 200) {
            buf_adds(&d->search, u);
            search_changed(d);
        }
        return 1;
    }
    switch (k->code) {
    case UI_FN | KEY_BACKSPACE:
    case 127:
    case 8:
        if (d->search.len == 0) {
            set_searching(s, d, 0);
            return 1;
        }
        /* One code point back: the last key typed. */
        do
            d->search.len--;
        while (d->search.len > 0 && ((unsigned char)d->search.data[d->search.len] & 0xc0) == 0x80);
        d->search.data[d->search.len] = '\0';
        search_changed(d);
        return 1;
    case 21: /* Ctrl-U */
        d->search.len = 0;
        d->search.data[0] = '\0';
        search_changed(d);
        return 1;
    default:
        break;
    }
    if (a == ACT_BACK) {
        /* Esc: forget the search, stay on the directory. */
        d->search.len = 0;
        if (d->search.data != NULL)
            d->search.data[0] = '\0';
        set_searching(s, d, 0);
        search_changed(d);
        return 1;
    }
    if (a == ACT_OPEN || k->code == '\t')
        set_searching(s, d, 0);
    return 0;
}

static int dir_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct directory *d = s->st;
    const struct record_row *r;
    int lr;

    if (d->searching && search_key(s, d, a, k))
        return 1;
    lr = ui_list_key(&d->list, a, k);
    if (lr == UI_LIST_MOVED)
        return 1;
    if (lr == UI_LIST_OPEN)
        a = ACT_OPEN;
    r = current(d);
    switch (a) {
    case ACT_OPEN:
        if (r != NULL)
            app_push(screen_municipality_new(r->id));
        return 1;
    case ACT_SEARCH:
        set_searching(s, d, 1);
        return 1;
    case ACT_DIVISION:
        pick_geo(d, 0);
        return 1;
    case ACT_DISTRICT:
        pick_geo(d, 1);
        return 1;
    case ACT_CLEAR:
        d->search.len = 0;
        if (d->search.data != NULL)
            d->search.data[0] = '\0';
        d->division_id = d->district_id = 0;
        ui_list_reset(&d->list);
        return 1;
    case ACT_SORT:
        d->sort = (enum muni_sort)((d->sort + 1) % MUNI_SORT_COUNT);
        ui_list_reset(&d->list);
        app_status(_("Sorted by %s."), _(sort_names[d->sort]));
        return 1;
    case ACT_EDIT:
        if (r != NULL)
            app_push(screen_edit_new(&kind_municipality, r->id, NULL));
        return 1;
    case ACT_NEW:
        app_push(screen_edit_new(&kind_municipality, 0, NULL));
        return 1;
    case ACT_DELETE:
        if (r != NULL)
            ask_delete(d, r);
        return 1;
    default:
        return 0;
    }
}

static long long dir_record(struct screen *s)
{
    const struct record_row *r = current(s->st);

    return r != NULL ? r->id : 0;
}

static void dir_reload(struct screen *s)
{
    struct directory *d = s->st;

    count_total(d);
    ui_list_reload(&d->list);
}

static void dir_leave(struct screen *s)
{
    struct directory *d = s->st;

    ui_list_free(&d->list);
    buf_free(&d->search);
    geo_items_free(d->geo, d->ngeo);
    free(d->pending_name);
    free(d->div_en);
    free(d->div_bn);
    free(d->dist_en);
    free(d->dist_bn);
    free(d);
    free(s);
}

struct screen *screen_directory_new(void)
{
    struct directory *d = xcalloc(1, sizeof *d);
    struct screen *s = screen_new("directory", N_("Directory"), d);

    buf_adds(&d->search, "");
    ui_list_init(&d->list, &dir_ops, d, N_("No municipality matches."));
    count_total(d);
    s->actions = list_actions;
    s->draw = dir_draw;
    s->key = dir_key;
    s->reload = dir_reload;
    s->leave = dir_leave;
    s->record = dir_record;
    return s;
}
