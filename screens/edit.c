/*
 * edit.c: the form that adds or edits one record of any kind, built from
 * the kind's field table.
 *
 * F2 saves through db_record_save().  When someone else saved first
 * (DB_CONFLICT) the conflict dialog shows both values of every differing
 * field and the user chooses; nothing is ever overwritten silently.  When
 * a save fails for any reason, what the user typed stays in the form.
 *
 * screen_form_new() is the same form handing its values to a function of
 * the caller's instead (the public subscribe form): what that says on
 * success replaces the fields; on failure the typing stays.
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
    const struct kind *kind;
    long long id;
    struct record orig;   /* as loaded: its version is the lock */
    struct record theirs; /* the version saved meanwhile, during a conflict */
    struct ui_form form;
    struct ref_choice *choices; /* of the open pick list */
    int nchoices, picking;      /* ... and its field */
    char *shown;                /* the last reference name display() gave */
    int loaded;
    const struct form_submit *submit; /* NULL: F2 saves the record */
    char *done;                       /* what submit said: the form is sent */
    int failed;                       /* the last send failed: submit->failed heads the form */
};

static const enum action_id edit_actions[] = {ACT_SAVE,   ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                              ACT_CHOICE, ACT_PICK,       ACT_PGUP,
                                              ACT_PGDN,   ACT_BACK,       ACT_NONE};

static const enum action_id sent_actions[] = {ACT_BACK, ACT_NONE};

static const char *check(void *ctx, int field, const char *value, char *msg, size_t msgsz)
{
    struct edit *e = ctx;

    return record_check_field(e->kind, field, value, msg, msgsz);
}

/* A reference whose value is an id reads as the name of what it names. */
static const char *display(void *ctx, int field, const char *value)
{
    struct edit *e = ctx;
    const struct field_def *d = &e->kind->fields[field];
    char *en = NULL, *bn = NULL;

    if (d->type != FT_REF || d->ref->label == NULL || *value == '\0')
        return NULL;
    if (db_ref_label(app_db(), d, value, &en, &bn, NULL) == DB_OK) {
        free(e->shown);
        e->shown = xstrdup(i18n_pick(en, bn));
    }
    free(en);
    free(bn);
    return e->shown;
}

/* The record's name in the session's language. */
static const char *record_name(const struct record *r)
{
    const struct kind *k = r->kind;

    return i18n_pick(k->name_en >= 0 ? r->f[k->name_en] : "",
                     k->name_bn >= 0 ? r->f[k->name_bn] : "");
}

static void load_form(struct edit *e, const struct record *m)
{
    for (int i = 0; i < e->kind->nfields; i++) {
        ui_form_set(&e->form, i, m->f[i]);
        /* A new, empty form is not yet wrong: messages come with typing. */
        if (m->id == 0)
            ui_form_set_msg(&e->form, i, NULL);
    }
    e->form.dirty = 0;
}

/* A sent form: what the receiver said, wrapped. */
static void draw_done(const struct edit *e, const struct ui_rect *r)
{
    int n = 0;
    char **lines = text_wrap(e->done, r->w > 4 ? r->w - 4 : 1, &n);

    for (int i = 0; i < n && 1 + i < r->h; i++)
        ui_put(stdscr, r->y + 1 + i, r->x + 2, r->w - 4, lines[i], i == 0 ? A_BOLD : A_NORMAL);
    text_lines_free(lines, n);
}

/* The line above the form; on a narrow screen it takes the blank line
 * under it too rather than lose its end. */
static void draw_head(const char *head, const struct ui_rect *r)
{
    int n = 0;
    char **lines = text_wrap(head, r->w > 3 ? r->w - 2 : 1, &n);

    if (n == 2) {
        for (int i = 0; i < n; i++)
            ui_put(stdscr, r->y + i, r->x + 1, r->w - 2, lines[i], ui_attr(UI_DIM));
    } else {
        ui_put(stdscr, r->y, r->x + 1, r->w - 2, head, ui_attr(UI_DIM));
    }
    text_lines_free(lines, n);
}

static void edit_draw(struct screen *s, const struct ui_rect *r)
{
    struct edit *e = s->st;
    struct ui_rect fr = {r->y + 2, r->x + 1, r->h - 2, r->w - 2};
    char *head;

    if (!e->loaded) {
        ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, _(e->kind->ui.not_loaded), ui_attr(UI_ERROR));
        return;
    }
    if (e->done != NULL) {
        draw_done(e, r);
        return;
    }
    if (e->failed) {
        ui_put(stdscr, r->y, r->x + 1, r->w - 2, _(e->submit->failed), ui_attr(UI_ERROR));
        ui_form_draw(&e->form, &fr);
        return;
    }
    if (e->id == 0)
        head = xstrdup(_(e->kind->ui.new_head));
    else
        head = xasprintf(_("Editing %s. Fields marked * are required."), record_name(&e->orig));
    draw_head(head, r);
    free(head);
    ui_form_draw(&e->form, &fr);
}

static void save(struct edit *e);

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
        record_copy(&e->orig, &e->theirs);
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
    const struct kind *k = e->kind;
    struct ui_conflict_row *rows = xcalloc((size_t)k->nfields, sizeof *rows);
    char **clean = xcalloc((size_t)k->nfields, sizeof *clean);
    char *when = ui_local_time(e->theirs.updated_at);
    int n = 0;

    for (int i = 0; i < k->nfields; i++) {
        clean[i] = text_clean(ui_form_value(&e->form, i));
        if (strcmp(clean[i], e->theirs.f[i]) == 0)
            continue;
        rows[n].label = _(k->fields[i].label);
        rows[n].mine = field_readable(&k->fields[i], clean[i]);
        rows[n].theirs = field_readable(&k->fields[i], e->theirs.f[i]);
        n++;
    }
    app_push(ui_conflict_new(rows, n, e->theirs.updated_by, when,
                             app_allowed(ACT_KEEP_MINE, record_owner(&e->orig)), conflict_answer,
                             e));
    for (int i = 0; i < k->nfields; i++)
        free(clean[i]);
    free(clean);
    free(rows);
    free(when);
}

/* "Label: message" from the database: the message goes beside its field. */
static void mark_bad(struct edit *e, int bad, const char *err)
{
    const char *msg = err != NULL ? err : "?";

    if (bad >= 0) {
        const char *label = _(e->kind->fields[bad].label);
        size_t ll = strlen(label);

        if (strncmp(msg, label, ll) == 0 && strncmp(msg + ll, ": ", 2) == 0)
            msg += ll + 2;
        ui_form_set_msg(&e->form, bad, msg);
        ui_form_focus(&e->form, bad);
    }
    app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
}

/* The form to the caller's function; on failure the typing stays. */
static void send_form(struct edit *e, const struct record *m)
{
    char *err = NULL;

    e->failed = e->submit->send(m, &e->done, &err) != 0;
    if (!e->failed) {
        e->form.dirty = 0;
        app_status("%s", _("Sent."));
    } else {
        free(e->done);
        e->done = NULL;
        app_error("%s", err != NULL ? err : "?");
    }
    free(err);
}

static void save(struct edit *e)
{
    const struct kind *k = e->kind;
    struct record m;
    int bad = RECORD_BAD;
    char *err = NULL;
    int rc, first_bad = ui_form_check_all(&e->form);

    if (first_bad >= 0) {
        ui_form_focus(&e->form, first_bad);
        app_error("%s", e->submit != NULL
                            ? _("Nothing was sent: please correct the marked fields.")
                            : _("Nothing was saved: please correct the marked fields."));
        return;
    }
    record_init(&m, k);
    record_copy(&m, &e->orig);
    for (int i = 0; i < k->nfields; i++)
        record_set(&m, i, ui_form_value(&e->form, i));
    if (e->submit != NULL) {
        send_form(e, &m);
        record_free(&m);
        return;
    }
    rc = db_record_save(app_db(), &m, &e->theirs, &bad, &err);
    switch (rc) {
    case DB_OK:
        record_copy(&e->orig, &m);
        e->id = m.id;
        e->form.dirty = 0;
        app_status(_("Saved %s."), record_name(&m));
        app_pop();
        break;
    case DB_CONFLICT:
        show_conflict(e);
        break;
    case DB_INVALID:
        mark_bad(e, bad, err);
        break;
    default:
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
        break;
    }
    free(err);
    record_free(&m);
}

static void ref_picked(void *ctx, int index)
{
    struct edit *e = ctx;
    const struct field_def *d = &e->kind->fields[e->picking];
    char id[32];

    if (index < 0 || index >= e->nchoices)
        return;
    /* A name where the value is a name, else the id. */
    snprintf(id, sizeof id, "%lld", e->choices[index].id);
    ui_form_set(&e->form, e->picking, d->ref->label == NULL ? e->choices[index].name_en : id);
    e->form.dirty = 1;
}

/* Enter on a reference field: the list of what it may name. */
static void pick_ref(struct edit *e, int field)
{
    const struct field_def *d = &e->kind->fields[field];
    const char *value = ui_form_value(&e->form, field);
    const char **labels;
    char *err = NULL;
    int current = -1;

    ref_choices_free(e->choices, e->nchoices);
    e->choices = NULL;
    e->nchoices = 0;
    if (db_ref_choices(app_db(), d, &e->choices, &e->nchoices, &err) != DB_OK) {
        app_error("%s", err != NULL ? err : "?");
        free(err);
        return;
    }
    e->picking = field;
    labels = xreallocarray(NULL, (size_t)e->nchoices + 1, sizeof *labels);
    for (int i = 0; i < e->nchoices; i++) {
        labels[i] = i18n_pick(e->choices[i].name_en, e->choices[i].name_bn);
        if (d->ref->label == NULL ? strcmp(e->choices[i].name_en, value) == 0
                                  : e->choices[i].id == strtoll(value, NULL, 10))
            current = i;
    }
    app_push(ui_pick_new(_(d->label), labels, e->nchoices, current, ref_picked, e));
    free(labels);
}

static void discard_answer(void *ctx, int yes)
{
    (void)ctx;
    if (yes)
        app_pop();
}

void form_screen_back(const struct ui_form *form)
{
    if (form->dirty)
        app_push(ui_confirm_new(_("Throw away changes"),
                                _("You have changes that are not saved. Throw them away?"),
                                discard_answer, NULL));
    else
        app_pop();
}

static int edit_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct edit *e = s->st;
    int r;

    if (!e->loaded)
        return 0;
    if (e->done != NULL) {
        if (a != ACT_BACK)
            return 0;
        app_pop();
        return 1;
    }
    if (a == ACT_SAVE || (e->submit != NULL && a == e->submit->action)) {
        save(e);
        if (e->done != NULL)
            s->actions = sent_actions;
        return 1;
    }
    if (a == ACT_BACK) {
        form_screen_back(&e->form);
        return 1;
    }
    r = ui_form_key(&e->form, a, k);
    if (r == UI_FORM_PICK)
        pick_ref(e, e->form.cur);
    else if (r == UI_FORM_FULL)
        app_error("%s", _("This field is full."));
    return r != UI_FORM_UNHANDLED;
}

static long long edit_record(struct screen *s)
{
    struct edit *e = s->st;

    return record_owner(&e->orig);
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
    record_free(&e->orig);
    record_free(&e->theirs);
    ref_choices_free(e->choices, e->nchoices);
    free(e->shown);
    free(e->done);
    free(e);
    free(s);
}

struct screen *screen_edit_new(const struct kind *k, long long id, const struct record *preset)
{
    struct edit *e = xcalloc(1, sizeof *e);
    struct screen *s = screen_new("edit", id != 0 ? k->ui.edit_title : k->ui.new_title, e);
    char *err = NULL;

    e->kind = k;
    e->id = id;
    record_init(&e->orig, k);
    record_init(&e->theirs, k);
    ui_form_init(&e->form, k->fields, k->nfields, check, e);
    e->form.display = display;
    if (id != 0) {
        e->loaded = db_record_get(app_db(), k, id, &e->orig, &err) == DB_OK;
        if (!e->loaded)
            app_error("%s", err != NULL ? err : "?");
        free(err);
    } else {
        /* A required choice starts at its first; then what the caller knows. */
        for (int i = 0; i < k->nfields; i++)
            if (k->fields[i].type == FT_CHOICE && k->fields[i].required)
                record_set(&e->orig, i, k->fields[i].choices[0]);
        for (int i = 0; preset != NULL && i < k->nfields; i++)
            if (*preset->f[i] != '\0')
                record_set(&e->orig, i, preset->f[i]);
        e->loaded = 1;
    }
    if (e->loaded)
        load_form(e, &e->orig);
    s->kind = k;
    s->actions = edit_actions;
    s->draw = edit_draw;
    s->key = edit_key;
    s->leave = edit_leave;
    s->record = edit_record;
    s->unsaved = edit_unsaved;
    return s;
}

struct screen *screen_form_new(const struct kind *k, const struct record *preset,
                               const struct form_submit *submit)
{
    struct screen *s = screen_edit_new(k, 0, preset);
    struct edit *e = s->st;

    e->submit = submit;
    s->actions = submit->actions;
    return s;
}
