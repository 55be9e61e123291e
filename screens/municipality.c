/*
 * municipality.c: the detail view of one municipality: every field of
 * muni_fields[] with its label, both names, the division, when and by whom
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
    struct municipality m;
    int found;
};

static const enum action_id detail_actions[] = {
    ACT_EDIT, ACT_HISTORY, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_TOP, ACT_BOTTOM, ACT_NONE};

/* A field's value as a person reads it: choice labels translated, numbers
 * in the session's digits.  Malloc'd. */
static char *shown_value(enum muni_field f, const char *v)
{
    const struct field_def *d = &muni_fields[f];

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

    muni_free(&d->m);
    muni_init(&d->m);
    d->found = db_muni_get(app_db(), d->id, &d->m, &err) == DB_OK;
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
        if (f == MF_DISTRICT && d->m.district_bn != NULL && *d->m.district_bn != '\0') {
            char *both = xasprintf("%s (%s)", v, d->m.district_bn);

            free(v);
            v = both;
        }
        ui_tv_kv(tv, _(muni_fields[f].label), *v != '\0' ? v : none);
        free(v);
        if (f == MF_DISTRICT) {
            v = xasprintf("%s (%s)", d->m.division_en != NULL ? d->m.division_en : "",
                          d->m.division_bn != NULL ? d->m.division_bn : "");
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
    ui_tv_kv(tv, _("Source"), d->m.source != NULL && *d->m.source != '\0' ? d->m.source : none);
}

static int detail_key(void *arg, enum action_id a)
{
    struct detail *d = arg;

    switch (a) {
    case ACT_EDIT:
        if (d->found)
            app_push(screen_edit_new(d->id));
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

    muni_free(&d->m);
    free(d);
}

static const struct view_ops detail_ops = {detail_fill, detail_key, detail_record, detail_free};

struct screen *screen_municipality_new(long long id)
{
    struct detail *d = xcalloc(1, sizeof *d);

    d->id = id;
    muni_init(&d->m);
    return view_screen_new("municipality", N_("Municipality"), detail_actions, &detail_ops, d);
}
