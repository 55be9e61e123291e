/*
 * edit.c: the form that adds or edits one municipality.
 *
 * F2 saves through db_muni_save().  When someone else saved first
 * (DB_CONFLICT) the conflict dialog shows both values of every differing
 * field and the user chooses; nothing is ever overwritten silently.  When
 * a save fails for any reason, what the user typed stays in the form.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/form.h"
#include "ui/screen.h"
#include "util.h"

struct edit {
    long long id;
    struct municipality orig;   /* as loaded: its version is the lock */
    struct municipality theirs; /* the version saved meanwhile, during a conflict */
    struct ui_form form;
    struct geo_item *districts; /* for the district picker */
    int ndistricts;
    int loaded;
};

static const enum action_id edit_actions[] = {ACT_SAVE,   ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                              ACT_CHOICE, ACT_PICK,       ACT_PGUP,
                                              ACT_PGDN,   ACT_BACK,       ACT_NONE};

static const char *check(void *ctx, int field, const char *value, char *msg, size_t msgsz)
{
    return muni_check_field((enum muni_field)field, value, msg, msgsz);
}

static void load_form(struct edit *e, const struct municipality *m)
{
    for (int i = 0; i < MF_COUNT; i++) {
        ui_form_set(&e->form, i, m->f[i]);
        /* A new, empty form is not yet wrong: messages come with typing. */
        if (m->id == 0)
            ui_form_set_msg(&e->form, i, NULL);
    }
    e->form.dirty = 0;
}

static void edit_draw(struct screen *s, const struct ui_rect *r)
{
    struct edit *e = s->st;
    struct ui_rect fr = {r->y + 2, r->x + 1, r->h - 2, r->w - 2};
    char *head;

    if (!e->loaded) {
        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, _("This municipality could not be loaded."),
               ui_attr(UI_ERROR));
        return;
    }
    if (e->id == 0)
        head = xstrdup(_("A new municipality. Fields marked * are required."));
    else
        head = xasprintf(_("Editing %s. Fields marked * are required."),
                         i18n_pick(e->orig.f[MF_NAME_EN], e->orig.f[MF_NAME_BN]));
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, head, ui_attr(UI_DIM));
    free(head);
    ui_form_draw(&e->form, &fr);
}

static void save(struct edit *e);

/* The value of field f as a person reads it (choice labels). */
static const char *readable(enum muni_field f, const char *v)
{
    const struct field_def *d = &muni_fields[f];

    if (d->type == FT_CHOICE) {
        for (int i = 0; d->choices[i] != NULL; i++) {
            if (strcmp(d->choices[i], v) == 0)
                return _(d->choice_labels[i]);
        }
    }
    return v;
}

static void conflict_answer(void *ctx, enum ui_conflict_choice c)
{
    struct edit *e = ctx;

    switch (c) {
    case UI_CONFLICT_KEEP_MINE:
        /* The user saw theirs and chose to save over it. */
        e->orig.version = e->theirs.version;
        save(e);
        break;
    case UI_CONFLICT_TAKE_THEIRS:
        muni_copy(&e->orig, &e->theirs);
        load_form(e, &e->orig);
        app_status("%s", _("Loaded the version saved meanwhile; your changes were dropped."));
        break;
    case UI_CONFLICT_BACK:
        app_status("%s", _("Nothing was saved. Saving again shows the differences again."));
        break;
    }
}

static void show_conflict(struct edit *e)
{
    struct ui_conflict_row rows[MF_COUNT];
    char *clean[MF_COUNT];
    char *when = ui_local_time(e->theirs.updated_at);
    int n = 0;

    for (int i = 0; i < MF_COUNT; i++) {
        clean[i] = text_clean(ui_form_value(&e->form, i));
        if (strcmp(clean[i], e->theirs.f[i]) == 0)
            continue;
        rows[n].label = _(muni_fields[i].label);
        rows[n].mine = readable((enum muni_field)i, clean[i]);
        rows[n].theirs = readable((enum muni_field)i, e->theirs.f[i]);
        n++;
    }
    app_push(ui_conflict_new(rows, n, e->theirs.updated_by, when, app_allowed(ACT_KEEP_MINE, e->id),
                             conflict_answer, e));
    for (int i = 0; i < MF_COUNT; i++)
        free(clean[i]);
    free(when);
}

static void save(struct edit *e)
{
    struct municipality m;
    enum muni_field bad = MF_NAME_EN;
    char *err = NULL;
    int rc, first_bad = ui_form_check_all(&e->form);

    if (first_bad >= 0) {
        ui_form_focus(&e->form, first_bad);
        app_error("%s", _("Nothing was saved: please correct the marked fields."));
        return;
    }
    muni_init(&m);
    muni_copy(&m, &e->orig);
    for (int i = 0; i < MF_COUNT; i++)
        muni_set(&m, (enum muni_field)i, ui_form_value(&e->form, i));
    rc = db_muni_save(app_db(), &m, &e->theirs, &bad, &err);
    switch (rc) {
    case DB_OK:
        muni_copy(&e->orig, &m);
        e->id = m.id;
        e->form.dirty = 0;
        app_status(_("Saved %s."), i18n_pick(m.f[MF_NAME_EN], m.f[MF_NAME_BN]));
        app_pop();
        break;
    case DB_CONFLICT:
        show_conflict(e);
        break;
    case DB_INVALID: {
        /* "Label: message": the message goes beside its field. */
        const char *label = _(muni_fields[bad].label), *msg = err != NULL ? err : "?";
        size_t ll = strlen(label);

        if (strncmp(msg, label, ll) == 0 && strncmp(msg + ll, ": ", 2) == 0)
            msg += ll + 2;
        ui_form_set_msg(&e->form, bad, msg);
        ui_form_focus(&e->form, bad);
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
        break;
    }
    default:
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
        break;
    }
    free(err);
    muni_free(&m);
}

static void district_picked(void *ctx, int index)
{
    struct edit *e = ctx;

    if (index < 0 || index >= e->ndistricts)
        return;
    ui_form_set(&e->form, MF_DISTRICT, e->districts[index].name_en);
    e->form.dirty = 1;
}

static void pick_district(struct edit *e)
{
    const char **labels;
    char *err = NULL;
    int current = -1;

    if (e->districts == NULL &&
        db_districts(app_db(), 0, &e->districts, &e->ndistricts, &err) != DB_OK) {
        app_error("%s", err != NULL ? err : "?");
        free(err);
        return;
    }
    labels = xreallocarray(NULL, (size_t)e->ndistricts + 1, sizeof *labels);
    for (int i = 0; i < e->ndistricts; i++) {
        labels[i] = i18n_pick(e->districts[i].name_en, e->districts[i].name_bn);
        if (strcmp(e->districts[i].name_en, ui_form_value(&e->form, MF_DISTRICT)) == 0)
            current = i;
    }
    app_push(ui_pick_new(_("District"), labels, e->ndistricts, current, district_picked, e));
    free(labels);
}

static void discard_answer(void *ctx, int yes)
{
    (void)ctx;
    if (yes)
        app_pop();
}

static int edit_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct edit *e = s->st;
    int r;

    if (!e->loaded)
        return 0;
    if (a == ACT_SAVE) {
        save(e);
        return 1;
    }
    if (a == ACT_BACK) {
        if (e->form.dirty)
            app_push(ui_confirm_new(_("Throw away changes"),
                                    _("You have changes that are not saved. Throw them away?"),
                                    discard_answer, e));
        else
            app_pop();
        return 1;
    }
    r = ui_form_key(&e->form, a, k);
    if (r == UI_FORM_PICK)
        pick_district(e);
    else if (r == UI_FORM_FULL)
        app_error("%s", _("This field is full."));
    return r != UI_FORM_UNHANDLED;
}

static long long edit_record(struct screen *s)
{
    struct edit *e = s->st;

    return e->id;
}

static int edit_unsaved(struct screen *s)
{
    struct edit *e = s->st;

    return e->form.dirty;
}

static void edit_leave(struct screen *s)
{
    struct edit *e = s->st;

    ui_form_free(&e->form);
    muni_free(&e->orig);
    muni_free(&e->theirs);
    geo_items_free(e->districts, e->ndistricts);
    free(e);
    free(s);
}

struct screen *screen_edit_new(long long id)
{
    struct edit *e = xcalloc(1, sizeof *e);
    struct screen *s =
        screen_new("edit", id != 0 ? N_("Edit municipality") : N_("New municipality"), e);
    char *err = NULL;

    e->id = id;
    muni_init(&e->orig);
    muni_init(&e->theirs);
    ui_form_init(&e->form, muni_fields, MF_COUNT, check, e);
    if (id != 0) {
        e->loaded = db_muni_get(app_db(), id, &e->orig, &err) == DB_OK;
        if (!e->loaded)
            app_error("%s", err != NULL ? err : "?");
        free(err);
    } else {
        muni_set(&e->orig, MF_KIND, muni_fields[MF_KIND].choices[MUNI_PAURASHAVA]);
        e->loaded = 1;
    }
    if (e->loaded)
        load_form(e, &e->orig);
    s->actions = edit_actions;
    s->draw = edit_draw;
    s->key = edit_key;
    s->leave = edit_leave;
    s->record = edit_record;
    s->unsaved = edit_unsaved;
    return s;
}
