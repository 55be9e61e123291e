/*
 * record.c: the detail view of one record of any kind: the lines its
 * descriptor names (each field with its label, references by name, the
 * read-only values), when and by whom it was last changed, for a
 * municipality the people who belong to it, and what below_fields[] adds
 * for a kind (a subscriber's status history).
 *
 * Read-only: editing is the edit screen's, offered only if allowed.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "calendar.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "util.h"
#include "view.h"

/* People listed on a municipality's page, at most. */
#define CHILDREN_SHOWN 30

struct detail {
    const struct kind *kind;
    long long id;
    struct record m;
    int found;
};

static const enum action_id owner_actions[] = {ACT_EDIT,   ACT_PEOPLE, ACT_HISTORY, ACT_UP,
                                               ACT_DOWN,   ACT_PGUP,   ACT_PGDN,    ACT_TOP,
                                               ACT_BOTTOM, ACT_NONE};
static const enum action_id detail_actions[] = {
    ACT_EDIT, ACT_HISTORY, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_TOP, ACT_BOTTOM, ACT_NONE};

/* A field's value as a person reads it: choice labels translated, numbers
 * in the session's digits.  Malloc'd. */
static char *shown_value(const struct field_def *d, const char *v)
{
    if (*v == '\0')
        return xstrdup("");
    if (d->type == FT_CHOICE)
        return xstrdup(field_readable(d, v));
    if (d->type == FT_INT || d->type == FT_YEAR || d->type == FT_REAL || d->type == FT_DATE ||
        d->type == FT_DATETIME)
        return i18n_digits(v);
    if (d->type == FT_LONGTEXT)
        return xstrdup(v);
    /* One-line values show a newline as a mark, not as a second line. */
    return text_sanitize(v);
}

/* "value (bengali)" or the value alone. */
static char *with_bn(char *v, const char *bn)
{
    char *both;

    if (bn == NULL || *bn == '\0' || *v == '\0')
        return v;
    both = xasprintf("%s (%s)", v, bn);
    free(v);
    return both;
}

/* The field a terminal without Bengali shows instead of field: its English
 * twin ("name_bn" -> "name_en"), or field itself when it has none. */
static int shown_field(const struct kind *k, int field)
{
    const char *key = k->fields[field].key;
    size_t n = strlen(key);

    if (!ui_ascii() || n < 3 || strcmp(key + n - 3, "_bn") != 0)
        return field;
    for (int i = 0; i < k->nfields; i++) {
        if (strncmp(k->fields[i].key, key, n - 3) == 0 &&
            strcmp(k->fields[i].key + n - 3, "_en") == 0)
            return i;
    }
    return field;
}

static void fill_row(struct ui_textview *tv, const struct record *m, const struct detail_row *r)
{
    const struct kind *k = m->kind;
    const char *none = ui_ascii() ? "-" : "—";
    const char *label = r->label != NULL ? r->label : k->fields[r->field].label;
    char *v;

    if (r->x_en >= 0) {
        v = text_sanitize(m->x[r->x_en]);
    } else {
        int f = shown_field(k, r->field);

        v = shown_value(&k->fields[f], m->f[f]);
    }
    /* Bengali beside the English only where the terminal can show it. */
    v = with_bn(v, r->x_bn >= 0 && !ui_ascii() ? m->x[r->x_bn] : NULL);
    ui_tv_kv(tv, _(label), *v != '\0' ? v : none);
    free(v);
}

static void fill_changed(struct ui_textview *tv, const struct record *m)
{
    char *when = ui_local_time(m->updated_at);
    char *v = xasprintf(_("%s by %s"), when, m->updated_by);

    ui_tv_kv(tv, _("Last changed"), v);
    free(v);
    free(when);
    v = ui_number(m->version);
    ui_tv_kv(tv, _("Version"), v);
    free(v);
}

/* The records of another kind that belong to this municipality. */
static void fill_children(struct ui_textview *tv, const struct kind *child, long long owner)
{
    struct record_query q = {0};
    struct record_row *rows = NULL;
    int n = 0, total = 0;
    char *err = NULL;

    q.filter[child->owner_filter] = owner;
    q.lang_bn = i18n_is_bn();
    ui_tv_blank(tv);
    ui_tv_heading(tv, _(child->ui.list_title));
    if (db_record_count(app_db(), child, &q, &total, &err) != DB_OK ||
        db_record_page(app_db(), child, &q, 0, CHILDREN_SHOWN, &rows, &n, &err) != DB_OK) {
        ui_tv_para(tv, err != NULL ? err : "?", UI_ERROR);
        free(err);
        return;
    }
    if (n == 0)
        ui_tv_para(tv, _("Nobody yet."), UI_DIM);
    for (int i = 0; i < n; i++) {
        char *name = text_sanitize(
            i18n_pick(rows[i].v[child->cols[0].v_en], rows[i].v[child->cols[0].v_bn]));
        const struct list_col *c = &child->cols[1];
        const char *what = rows[i].v[c->v_en];

        for (int j = 0; c->values != NULL && c->values[j] != NULL; j++)
            if (strcmp(c->values[j], what) == 0)
                what = _(c->value_labels[j]);
        ui_tv_kv(tv, what, name);
        free(name);
    }
    if (total > n)
        ui_tv_para(tv, _("More in the list of people (p)."), UI_DIM);
    record_rows_free(child, rows, n);
}

/* What a kind's page shows below the descriptor's lines. */
static const struct {
    const struct kind *kind;
    void (*fill)(struct ui_textview *, long long id);
} below_fields[] = {
    {&kind_subscriber, subscriber_history_fill},
    {&kind_municipality, cal_coming_fill},
};

/* The kind listed on a municipality's page (the people). */
static const struct kind *child_kind(void)
{
    for (int i = 0; kinds_all[i] != NULL; i++)
        if (kinds_all[i]->on_owner_page && kinds_all[i]->owner_filter >= 0)
            return kinds_all[i];
    return NULL;
}

static void detail_fill(struct ui_textview *tv, void *arg)
{
    struct detail *d = arg;
    const struct kind *k = d->kind;
    char *err = NULL, *v;

    record_free(&d->m);
    record_init(&d->m, k);
    d->found = db_record_get(app_db(), k, d->id, &d->m, &err) == DB_OK;
    if (!d->found) {
        ui_tv_para(tv, err != NULL ? err : "?", UI_ERROR);
        free(err);
        return;
    }
    v = text_sanitize(i18n_pick(d->m.f[k->name_en], d->m.f[k->name_bn]));
    ui_tv_heading(tv, v);
    free(v);
    ui_tv_blank(tv);
    for (int i = 0; i < k->ndetail; i++)
        if (!k->detail[i].footer)
            fill_row(tv, &d->m, &k->detail[i]);
    ui_tv_blank(tv);
    fill_changed(tv, &d->m);
    for (int i = 0; i < k->ndetail; i++)
        if (k->detail[i].footer)
            fill_row(tv, &d->m, &k->detail[i]);
    for (size_t i = 0; i < nitems(below_fields); i++)
        if (below_fields[i].kind == k)
            below_fields[i].fill(tv, d->id);
    if (k->owner_field < 0 && child_kind() != NULL &&
        auth_allowed(app_session(), child_kind()->auth[VERB_READ], d->id))
        fill_children(tv, child_kind(), d->id);
}

static int detail_key(void *arg, enum action_id a)
{
    struct detail *d = arg;

    switch (a) {
    case ACT_EDIT:
        if (d->found)
            app_push(screen_edit_new(d->kind, d->id, NULL));
        return 1;
    case ACT_PEOPLE:
        if (d->found && d->kind->owner_field < 0 && child_kind() != NULL)
            app_push(screen_records_new(child_kind(), d->id));
        return 1;
    case ACT_HISTORY:
        app_push(screen_audit_new(d->kind->name, d->id));
        return 1;
    default:
        return 0;
    }
}

static long long detail_record(void *arg)
{
    struct detail *d = arg;

    return d->found ? record_owner(&d->m) : 0;
}

static void detail_free(void *arg)
{
    struct detail *d = arg;

    record_free(&d->m);
    free(d);
}

static const struct view_ops detail_ops = {detail_fill, detail_key, detail_record, detail_free};

struct screen *screen_record_new(const struct kind *k, long long id)
{
    struct detail *d = xcalloc(1, sizeof *d);
    struct screen *s;

    d->kind = k;
    d->id = id;
    record_init(&d->m, k);
    s = view_screen_new(k->name, k->ui.view_title,
                        k->owner_field < 0 && child_kind() != NULL ? owner_actions : detail_actions,
                        &detail_ops, d);
    s->kind = k;
    return s;
}
