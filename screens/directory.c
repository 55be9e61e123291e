/*
 * directory.c: the directory of municipalities: the list of the
 * municipality kind (records.c) and what only it has, the filters by
 * division and district with their pickers.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "records.h"
#include "screens.h"
#include "ui/dialog.h"
#include "ui/screen.h"
#include "util.h"

struct directory {
    char *div_en, *div_bn, *dist_en, *dist_bn; /* the filters' names */
    struct geo_item *geo;                      /* the items of the open picker */
    int ngeo;
    struct records *list; /* while a picker is open */
};

static const enum action_id list_actions[] = {
    ACT_OPEN,   ACT_SEARCH, ACT_DIVISION, ACT_DISTRICT, ACT_CLEAR, ACT_SORT, ACT_EDIT,   ACT_NEW,
    ACT_DELETE, ACT_UP,     ACT_DOWN,     ACT_PGUP,     ACT_PGDN,  ACT_TOP,  ACT_BOTTOM, ACT_NONE};

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

static void draw_filters(struct records *r, int y, int x, int w)
{
    struct directory *d = records_state(r);
    const struct record_query *q = records_query(r);
    const char *div, *dist;
    char *line;

    div = q->filter[MUNI_FILTER_DIVISION] != 0 ? i18n_pick(d->div_en, d->div_bn) : _("all");
    dist = q->filter[MUNI_FILTER_DISTRICT] != 0 ? i18n_pick(d->dist_en, d->dist_bn) : _("all");
    line = xasprintf(_("Division: %s   District: %s   Sorted by %s"), div, dist,
                     records_sort_label(r));
    ui_put(stdscr, y, x, w, line, ui_attr(UI_NORMAL));
    free(line);
}

static void picked(struct directory *d, int index, int district)
{
    struct record_query *q = records_query(d->list);
    long long *div = &q->filter[MUNI_FILTER_DIVISION], *dist = &q->filter[MUNI_FILTER_DISTRICT];

    if (index < 0)
        return;
    if (district) {
        *dist = index == 0 ? 0 : d->geo[index - 1].id;
        if (index > 0 && *div == 0)
            *div = d->geo[index - 1].parent_id;
    } else {
        long long v = index == 0 ? 0 : d->geo[index - 1].id;

        if (v != *div)
            *dist = 0;
        *div = v;
    }
    if (*div != 0)
        geo_names(*div, 0, &d->div_en, &d->div_bn);
    if (*dist != 0)
        geo_names(*div, *dist, &d->dist_en, &d->dist_bn);
    records_reset(d->list);
}

static void division_picked(void *ctx, int index)
{
    picked(ctx, index, 0);
}

static void district_picked(void *ctx, int index)
{
    picked(ctx, index, 1);
}

static void pick_geo(struct records *r, int district)
{
    struct directory *d = records_state(r);
    const struct record_query *q = records_query(r);
    long long current_id = q->filter[district ? MUNI_FILTER_DISTRICT : MUNI_FILTER_DIVISION];
    char *err = NULL;
    const char **labels;
    int rc, current = 0;

    geo_items_free(d->geo, d->ngeo);
    d->geo = NULL;
    d->ngeo = 0;
    d->list = r;
    rc = district ? db_districts(app_db(), q->filter[MUNI_FILTER_DIVISION], &d->geo, &d->ngeo, &err)
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
        if (d->geo[i].id == current_id)
            current = i + 1;
    }
    app_push(ui_pick_new(district ? _("Show one district") : _("Show one division"), labels,
                         d->ngeo + 1, current, district ? district_picked : division_picked, d));
    free(labels);
}

static int dir_key(struct records *r, enum action_id a)
{
    if (a != ACT_DIVISION && a != ACT_DISTRICT)
        return 0;
    pick_geo(r, a == ACT_DISTRICT);
    return 1;
}

static void dir_free(void *arg)
{
    struct directory *d = arg;

    geo_items_free(d->geo, d->ngeo);
    free(d->div_en);
    free(d->div_bn);
    free(d->dist_en);
    free(d->dist_bn);
    free(d);
}

static const struct records_extra directory_extra = {list_actions, draw_filters, dir_key, dir_free};

struct screen *screen_directory_new(void)
{
    return records_screen_new(&kind_municipality, &directory_extra,
                              xcalloc(1, sizeof(struct directory)), 0);
}
