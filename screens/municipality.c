/*
 * municipality.c: the detail view of one municipality: every field of
 * kind_municipality.fields[] with its label, both names, the division, when and by whom
 * it was last changed, and where the data came from.
 *
 * Read-only: editing is the edit screen's, offered only if allowed.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "util.h"
#include "view.h"

struct detail {
    long long id;
    struct record m;
    int found;
};

static const enum action_id detail_actions[] = {
    ACT_EDIT, ACT_HISTORY, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_TOP, ACT_BOTTOM, ACT_NONE};

/* A field's value as a person reads it: choice labels translated, numbers
 * in the session's digits.  Malloc'd. */
static char *shown_value(enum muni_field f, const char *v)
{
    const struct field_def *d = &kind_municipality.fields[f];

    if (d->type == FT_CHOICE) {
        for (int i = 0; d->choices[i] != NULL; i++) {
            if (strcmp(d->choices[i], v) == 0)
                return xstrdup(*v != '\0' || f != MF_CLASS ? _(d->choice_labels[i]) : "");
        }
    }
    if (d->type == FT_INT || d->type == FT_YEAR || d->type == FT_REAL)
        return i18n_digits(v);
    if (d->type == FT_LONGTEXT)
        return xstrdup(v);
    /* One-line values show a newline as a mark, not as a second line. */
    return text_sanitize(v);
}

static void detail_fill(struct ui_textview *tv, void *arg)
{
    struct detail *d = arg;
    char *err = NULL, *v, *when;
    const char *none = ui_ascii() ? "-" : "—";

    record_free(&d->m);
    record_init(&d->m, &kind_municipality);
    d->found = db_record_get(app_db(), &kind_municipality, d->id, &d->m, &err) == DB_OK;
    if (!d->found) {
        ui_tv_para(tv, err != NULL ? err : "?", UI_ERROR);
        free(err);
        return;
    }
    /* One-line values show a newline as a mark, not as a second line. */
    v = text_sanitize(i18n_pick(d->m.f[MF_NAME_EN], d->m.f[MF_NAME_BN]));
    ui_tv_heading(tv, v);
    free(v);
    ui_tv_blank(tv);
    for (int f = 0; f < MF_COUNT; f++) {
        v = shown_value((enum muni_field)f, d->m.f[f]);
        if (f == MF_DISTRICT && d->m.x[MX_DISTRICT_BN] != NULL && *d->m.x[MX_DISTRICT_BN] != '\0') {
            char *both = xasprintf("%s (%s)", v, d->m.x[MX_DISTRICT_BN]);

            free(v);
            v = both;
        }
        ui_tv_kv(tv, _(kind_municipality.fields[f].label), *v != '\0' ? v : none);
        free(v);
        if (f == MF_DISTRICT) {
            v = xasprintf("%s (%s)", d->m.x[MX_DIVISION_EN] != NULL ? d->m.x[MX_DIVISION_EN] : "",
                          d->m.x[MX_DIVISION_BN] != NULL ? d->m.x[MX_DIVISION_BN] : "");
            ui_tv_kv(tv, _("Division"), v);
            free(v);
        }
    }
    ui_tv_blank(tv);
    when = ui_local_time(d->m.updated_at);
    v = xasprintf(_("%s by %s"), when, d->m.updated_by != NULL ? d->m.updated_by : "?");
    ui_tv_kv(tv, _("Last changed"), v);
    free(v);
    free(when);
    v = ui_number(d->m.version);
    ui_tv_kv(tv, _("Version"), v);
    free(v);
    ui_tv_kv(tv, _("Source"),
             d->m.x[MX_SOURCE] != NULL && *d->m.x[MX_SOURCE] != '\0' ? d->m.x[MX_SOURCE] : none);
}

static int detail_key(void *arg, enum action_id a)
{
    struct detail *d = arg;

    switch (a) {
    case ACT_EDIT:
        if (d->found)
            app_push(screen_edit_new(&kind_municipality, d->id, NULL));
        return 1;
    case ACT_HISTORY:
        app_push(screen_audit_new("municipality", d->id));
        return 1;
    default:
        return 0;
    }
}

static long long detail_record(void *arg)
{
    struct detail *d = arg;

    return d->found ? d->id : 0;
}

static void detail_free(void *arg)
{
    struct detail *d = arg;

    record_free(&d->m);
    free(d);
}

static const struct view_ops detail_ops = {detail_fill, detail_key, detail_record, detail_free};

struct screen *screen_municipality_new(long long id)
{
    struct detail *d = xcalloc(1, sizeof *d);

    d->id = id;
    record_init(&d->m, &kind_municipality);
    return view_screen_new("municipality", N_("Municipality"), detail_actions, &detail_ops, d);
}
