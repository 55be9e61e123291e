/*
 * user_form.c: the forms of the Users screens (admin): a new account, a
 * new password, a new public key.  Must never draw, log or keep a
 * password: secret fields show '*' and are wiped when their form goes.  A
 * save that fails keeps what was typed.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "db/user.h"
#include "i18n.h"
#include "screens.h"
#include "users.h"
#include "ssh/cred.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "usercmd.h"
#include "util.h"

/* --- the forms: new account, new password, new key ---------------------------- */

/* What a form field is, whichever table it comes from. */
enum ufield { UF_NAME, UF_ROLE, UF_MUNI, UF_PASSWORD, UF_REPEAT, UF_KEY, UF_COUNT };

static const char *const ufield_keys[UF_COUNT] = {"name",     "role",   "municipality",
                                                  "password", "repeat", "key"};

/* Names of accounts: user_name_problem(); passwords: cred_password_hash();
 * a key line of a 16384-bit RSA key is about 2.8 kB. */
static const struct field_def new_fields[] = {
    {"name", N_("Name"), FT_TEXT, 1, 32, .min = 0},
    {"role", N_("Role"), FT_CHOICE, 1, 16, user_role_choices, user_role_labels, .min = 0},
    {"municipality", N_("Municipality"), FT_TEXT, 0, 200, .min = 0},
    {"password", N_("Password"), FT_SECRET, 0, 1024, .min = 0},
    {"repeat", N_("Password again"), FT_SECRET, 0, 1024, .min = 0},
    {"key", N_("Public key"), FT_TEXT, 0, 8192, .min = 0},
};
static const struct field_def password_fields[] = {
    {"password", N_("New password"), FT_SECRET, 1, 1024, .min = 0},
    {"repeat", N_("Password again"), FT_SECRET, 1, 1024, .min = 0},
};
static const struct field_def key_fields[] = {
    {"key", N_("Public key"), FT_TEXT, 1, 8192, .min = 0},
};

struct uform {
    enum form_kind kind;
    char *name; /* the account (password and key forms) */
    struct ui_form form;
    int idx[UF_COUNT]; /* form index of each field, -1 if not on this form */
    char *key_fp;      /* fingerprint of the key field while it parses */
    long long muni_id; /* the municipality picked ... */
    char *muni_label;  /* ... and the text the pick put in the field */
    struct record_row *picks;
    int npicks;
};

static const enum action_id new_actions[] = {ACT_SAVE,   ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                             ACT_CHOICE, ACT_PICK,       ACT_PGUP,
                                             ACT_PGDN,   ACT_BACK,       ACT_NONE};
/* Enter goes to the next field, as in every form (ACT_PICK off a picker). */
static const enum action_id password_actions[] = {ACT_SAVE, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                                  ACT_PICK, ACT_BACK,       ACT_NONE};
static const enum action_id key_actions[] = {ACT_SAVE, ACT_BACK, ACT_NONE};

static const char *value(const struct uform *u, enum ufield f)
{
    return u->idx[f] >= 0 ? ui_form_value(&u->form, u->idx[f]) : "";
}

static enum ufield current_field(const struct uform *u)
{
    for (int f = 0; f < UF_COUNT; f++) {
        if (u->idx[f] == u->form.cur)
            return (enum ufield)f;
    }
    return UF_COUNT;
}

static int municipal(const struct uform *u)
{
    return u->idx[UF_ROLE] >= 0 && strcmp(value(u, UF_ROLE), "municipal") == 0;
}

static const char *say(char *msg, size_t msgsz, const char *text)
{
    snprintf(msg, msgsz, "%s", text);
    return msg;
}

static const char *check(void *ctx, int field, const char *v, char *msg, size_t msgsz)
{
    struct uform *u = ctx;
    const struct field_def *d = u->form.f[field].def;
    const char *problem, *pw;
    struct cred_pubkey k;
    char *err = NULL;

    for (int f = 0; f < UF_COUNT; f++) {
        if (u->idx[f] != field)
            continue;
        if (*v == '\0' && d->required && f != UF_NAME)
            return say(msg, msgsz, _("required"));
        switch ((enum ufield)f) {
        case UF_NAME:
            problem = user_name_problem(v);
            return problem != NULL ? say(msg, msgsz, problem) : NULL;
        case UF_ROLE:
            return NULL;
        case UF_MUNI:
            if (!municipal(u))
                return *v != '\0' ? say(msg, msgsz, _("only for the municipal role")) : NULL;
            return *v == '\0' ? say(msg, msgsz, _("needed for the municipal role")) : NULL;
        case UF_PASSWORD:
            return NULL;
        case UF_REPEAT:
            /* While it is being typed, only a wrong letter is wrong. */
            pw = value(u, UF_PASSWORD);
            if (strncmp(pw, v, strlen(v)) != 0)
                return say(msg, msgsz, _("the two passwords differ"));
            return NULL;
        case UF_KEY:
            str_set(&u->key_fp, NULL);
            if (*v == '\0')
                return NULL;
            if (cred_pubkey_parse(v, &k, &err) != 0) {
                say(msg, msgsz, err);
                free(err);
                return msg;
            }
            str_set(&u->key_fp, k.fingerprint);
            cred_pubkey_free(&k);
            return NULL;
        case UF_COUNT:
            break;
        }
    }
    return NULL;
}

/* Check field f again (another field it depends on changed). */
static void recheck(struct uform *u, enum ufield f)
{
    char msg[256];
    int i = u->idx[f];

    if (i >= 0)
        ui_form_set_msg(&u->form, i, check(u, i, ui_form_value(&u->form, i), msg, sizeof msg));
}

/* Put msg beside field f, go there, and say that nothing was saved. */
static void refuse(struct uform *u, enum ufield f, const char *msg)
{
    ui_form_set_msg(&u->form, u->idx[f], msg);
    ui_form_focus(&u->form, u->idx[f]);
    app_error(_("Nothing was saved: %s"), msg);
}

static void muni_picked(void *ctx, int index)
{
    struct uform *u = ctx;
    const struct record_row *r;

    if (index < 0 || index >= u->npicks)
        return;
    r = &u->picks[index];
    u->muni_id = r->id;
    str_set(&u->muni_label, i18n_pick(r->v[ML_NAME_EN], r->v[ML_NAME_BN]));
    ui_form_set(&u->form, u->idx[UF_MUNI], u->muni_label);
    u->form.dirty = 1;
}

/* Enter on the municipality field: a picker of what matches the text. */
static void pick_muni(struct uform *u)
{
    struct record_query q = {0};
    const char **labels;
    char **owned;
    char *err = NULL;
    int total = 0;

    record_rows_free(&kind_municipality, u->picks, u->npicks);
    u->picks = NULL;
    u->npicks = 0;
    q.search = value(u, UF_MUNI);
    q.lang_bn = i18n_is_bn();
    if (db_record_count(app_db(), &kind_municipality, &q, &total, &err) != DB_OK ||
        db_record_page(app_db(), &kind_municipality, &q, 0, PICK_MAX, &u->picks, &u->npicks,
                       &err) != DB_OK) {
        app_error("%s", err != NULL ? err : "?");
        free(err);
        return;
    }
    if (u->npicks == 0) {
        app_error(_("No municipality matches \"%s\"."), q.search);
        return;
    }
    if (total > u->npicks)
        app_status("%s", _("Only the first matches are listed: type more of the name first."));
    labels = xreallocarray(NULL, (size_t)u->npicks, sizeof *labels);
    owned = xreallocarray(NULL, (size_t)u->npicks, sizeof *owned);
    for (int i = 0; i < u->npicks; i++) {
        const struct record_row *r = &u->picks[i];

        owned[i] = xasprintf("%s (%s)", i18n_pick(r->v[ML_NAME_EN], r->v[ML_NAME_BN]),
                             i18n_pick(r->v[ML_DISTRICT_EN], r->v[ML_DISTRICT_BN]));
        labels[i] = owned[i];
    }
    app_push(ui_pick_new(_("Municipality"), labels, u->npicks, 0, muni_picked, u));
    for (int i = 0; i < u->npicks; i++)
        free(owned[i]);
    free(owned);
    free(labels);
}

/* The municipality the field names: the one picked, a number (its id) or
 * the only match of the text.  0 and *id, or -1 after saying why. */
static int resolve_muni(struct uform *u, long long *id)
{
    const char *v = value(u, UF_MUNI);
    struct record_query q = {0};
    struct record_row *rows = NULL;
    char *err = NULL, *msg;
    int n = 0;

    if (u->muni_label != NULL && strcmp(v, u->muni_label) == 0) {
        *id = u->muni_id;
        return 0;
    }
    if (v[strspn(v, "0123456789")] == '\0') {
        struct record m;
        int rc;

        record_init(&m, &kind_municipality);
        *id = strtoll(v, NULL, 10);
        rc = db_record_get(app_db(), &kind_municipality, *id, &m, &err);
        record_free(&m);
        if (rc == DB_OK)
            return 0;
        refuse(u, UF_MUNI, err != NULL ? err : _("no such municipality"));
        free(err);
        return -1;
    }
    q.search = v;
    if (db_record_count(app_db(), &kind_municipality, &q, &n, &err) == DB_OK && n == 1 &&
        db_record_page(app_db(), &kind_municipality, &q, 0, 1, &rows, &n, &err) == DB_OK &&
        n == 1) {
        *id = rows[0].id;
        record_rows_free(&kind_municipality, rows, n);
        return 0;
    }
    record_rows_free(&kind_municipality, rows, n);
    if (err != NULL)
        msg = err;
    else if (n == 0)
        msg = xstrdup(_("no municipality matches: type part of its name"));
    else
        msg = xstrdup(_("several municipalities match: press Enter to pick one"));
    refuse(u, UF_MUNI, msg);
    free(msg);
    return -1;
}

/* Every field good and the two passwords the same; else -1 after saying. */
static int form_ready(struct uform *u)
{
    int bad = ui_form_check_all(&u->form);

    if (bad >= 0) {
        ui_form_focus(&u->form, bad);
        app_error("%s", _("Nothing was saved: please correct the marked fields."));
        return -1;
    }
    if (u->idx[UF_REPEAT] >= 0 && strcmp(value(u, UF_PASSWORD), value(u, UF_REPEAT)) != 0) {
        refuse(u, UF_REPEAT, _("the two passwords differ"));
        return -1;
    }
    return 0;
}

/* The key field parsed into *k: 1, 0 when empty, -1 after saying why. */
static int parsed_key(struct uform *u, struct cred_pubkey *k)
{
    char *err = NULL;

    if (*value(u, UF_KEY) == '\0')
        return 0;
    if (cred_pubkey_parse(value(u, UF_KEY), k, &err) != 0) {
        refuse(u, UF_KEY, err != NULL ? err : "?");
        free(err);
        return -1;
    }
    return 1;
}

static void saved(struct uform *u)
{
    u->form.dirty = 0;
    app_pop();
}

static void save_new(struct uform *u)
{
    struct cred_pubkey k;
    const char *pw = value(u, UF_PASSWORD);
    char *err = NULL;
    enum role role = ROLE_VIEWER;
    long long muni_id = 0;
    int nk;

    if (form_ready(u) != 0)
        return;
    if (auth_role_parse(value(u, UF_ROLE), &role) != 0) {
        refuse(u, UF_ROLE, _("the role must be admin, editor, municipal or viewer"));
        return;
    }
    if (role == ROLE_MUNICIPAL && resolve_muni(u, &muni_id) != 0)
        return;
    if ((nk = parsed_key(u, &k)) < 0)
        return;
    if (usercmd_add_account(app_db(), value(u, UF_NAME), role, muni_id, *pw != '\0' ? pw : NULL,
                            nk > 0 ? &k : NULL, nk, NULL, &err) == DB_OK) {
        if (*pw == '\0' && nk == 0)
            app_status(_("Added %s. It has no key or password yet, so it cannot log in."),
                       value(u, UF_NAME));
        else
            app_status(_("Added the account %s."), value(u, UF_NAME));
        saved(u);
    } else {
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
    }
    if (nk > 0)
        cred_pubkey_free(&k);
    free(err);
}

static void save_password(struct uform *u)
{
    char *err = NULL;

    if (form_ready(u) != 0)
        return;
    if (usercmd_set_password(app_db(), u->name, value(u, UF_PASSWORD), &err) == DB_OK) {
        app_status(_("The password of %s is changed."), u->name);
        saved(u);
    } else {
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
    }
    free(err);
}

static void save_key(struct uform *u)
{
    struct cred_pubkey k;
    char *err = NULL;

    if (form_ready(u) != 0 || parsed_key(u, &k) <= 0)
        return;
    if (db_user_key_add(app_db(), u->name, k.algo, k.b64, k.fingerprint, k.comment, &err) ==
        DB_OK) {
        app_status(_("Key %s added to %s."), k.fingerprint, u->name);
        saved(u);
    } else {
        app_error(_("Nothing was saved: %s"), err != NULL ? err : "?");
    }
    cred_pubkey_free(&k);
    free(err);
}

/* One line of help for the field being typed in. */
static char *form_hint(const struct uform *u)
{
    switch (current_field(u)) {
    case UF_MUNI:
        if (!municipal(u))
            return xstrdup(_("Only an account of the municipal role has a municipality."));
        return xstrdup(_("Type part of the municipality's name, then press Enter to pick it."));
    case UF_PASSWORD:
    case UF_REPEAT:
        return xstrdup(u->kind == FORM_NEW
                           ? _("Typed twice, shown as *. Leave both empty for a key-only account.")
                           : _("Typed twice, shown as *."));
    case UF_KEY:
        if (u->key_fp != NULL)
            return xasprintf(_("Fingerprint: %s"), u->key_fp);
        return xstrdup(_("Paste the public key as one line: ssh-ed25519 AAAA... comment"));
    default:
        return xstrdup(_("The account logs in with a password, a key, or both."));
    }
}

static void form_draw(struct screen *s, const struct ui_rect *r)
{
    struct uform *u = s->st;
    struct ui_rect fr = {r->y + 3, r->x + 1, r->h - 3, r->w - 2};
    char *head, *hint;

    if (u->kind == FORM_NEW)
        head = xstrdup(_("A new account. Fields marked * are required."));
    else if (u->kind == FORM_PASSWORD)
        head = xasprintf(_("A new password for %s."), u->name);
    else
        head = xasprintf(_("A new public key for %s."), u->name);
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, head, ui_attr(UI_NORMAL));
    hint = form_hint(u);
    ui_put(stdscr, r->y + 1, r->x + 1, r->w - 2, hint, ui_attr(UI_DIM));
    free(hint);
    free(head);
    ui_form_draw(&u->form, &fr);
}

static int form_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct uform *u = s->st;
    int r;

    if (a == ACT_SAVE) {
        if (u->kind == FORM_NEW)
            save_new(u);
        else if (u->kind == FORM_PASSWORD)
            save_password(u);
        else
            save_key(u);
        return 1;
    }
    if (a == ACT_BACK) {
        form_screen_back(&u->form);
        return 1;
    }
    if (a == ACT_PICK && current_field(u) == UF_MUNI && municipal(u)) {
        pick_muni(u);
        return 1;
    }
    r = ui_form_key(&u->form, a, k);
    if (r == UI_FORM_FULL)
        app_error("%s", _("This field is full."));
    /* The fields that depend on the one just changed. */
    if (r == UI_FORM_HANDLED && u->form.dirty) {
        if (u->idx[UF_MUNI] >= 0 && *value(u, UF_MUNI) != '\0')
            recheck(u, UF_MUNI);
        if (*value(u, UF_REPEAT) != '\0')
            recheck(u, UF_REPEAT);
    }
    return r != UI_FORM_UNHANDLED;
}

static int form_unsaved(struct screen *s)
{
    struct uform *u = s->st;

    return u->form.dirty;
}

static void form_leave(struct screen *s)
{
    struct uform *u = s->st;

    for (int i = 0; i < u->form.n; i++) {
        if (u->form.f[i].def->type == FT_SECRET)
            explicit_bzero(u->form.f[i].value, strlen(u->form.f[i].value));
    }
    ui_form_free(&u->form);
    record_rows_free(&kind_municipality, u->picks, u->npicks);
    free(u->muni_label);
    free(u->key_fp);
    free(u->name);
    free(u);
    free(s);
}

struct screen *user_form_new(enum form_kind kind, const char *name)
{
    static const char *const titles[] = {N_("New account"), N_("New password"),
                                         N_("New public key")};
    struct uform *u = xcalloc(1, sizeof *u);
    struct screen *s = screen_new("user-form", titles[kind], u);
    const struct field_def *defs = kind == FORM_NEW        ? new_fields
                                   : kind == FORM_PASSWORD ? password_fields
                                                           : key_fields;
    int n = kind == FORM_NEW        ? (int)nitems(new_fields)
            : kind == FORM_PASSWORD ? (int)nitems(password_fields)
                                    : (int)nitems(key_fields);

    u->kind = kind;
    u->name = name != NULL ? xstrdup(name) : NULL;
    for (int f = 0; f < UF_COUNT; f++) {
        u->idx[f] = -1;
        for (int i = 0; i < n; i++) {
            if (strcmp(defs[i].key, ufield_keys[f]) == 0)
                u->idx[f] = i;
        }
    }
    ui_form_init(&u->form, defs, n, check, u);
    if (u->idx[UF_ROLE] >= 0)
        ui_form_set(&u->form, u->idx[UF_ROLE], "viewer"); /* the least a mistake can give */
    for (int i = 0; i < n; i++)
        ui_form_set_msg(&u->form, i, NULL); /* messages come with typing */
    u->form.dirty = 0;
    s->actions = kind == FORM_NEW        ? new_actions
                 : kind == FORM_PASSWORD ? password_actions
                                         : key_actions;
    s->kind = &kind_user; /* F2 saves as the kind says: AUTH_MANAGE_USERS */
    s->draw = form_draw;
    s->key = form_key;
    s->unsaved = form_unsaved;
    s->leave = form_leave;
    return s;
}
