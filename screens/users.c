/*
 * users.c: the accounts that may log in over SSH (admin only): the list
 * of accounts, one account with its keys and their fingerprints, and the
 * forms that add an account, a public key or a password.
 *
 * Every write goes through db/ (which asks auth_allowed(AUTH_MANAGE_USERS)
 * and audits) by the functions "mabdesk user" uses: key lines are parsed
 * by cred_pubkey_parse(), passwords hashed by usercmd_add_account() and
 * usercmd_set_password().  Must never draw, log or keep a password: secret
 * fields show '*' and are wiped when their form goes.  A save that fails
 * keeps what was typed; its message goes to the status line.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "db/user.h"
#include "i18n.h"
#include "screens.h"
#include "ssh/cred.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "usercmd.h"
#include "util.h"

/* At most this many municipalities in the picker; typing narrows it. */
enum { PICK_MAX = 400 };

static const char *const role_choices[] = {"admin", "editor", "municipal", "viewer", NULL};
static const char *const role_labels[] = {N_("administrator"), N_("editor"), N_("municipal"),
                                          N_("viewer"), NULL};

static const char *role_label(enum role r)
{
    const char *name = auth_role_name(r);

    for (int i = 0; role_choices[i] != NULL; i++) {
        if (strcmp(role_choices[i], name) == 0)
            return _(role_labels[i]);
    }
    return name;
}

static const char *none_mark(void)
{
    return ui_ascii() ? "-" : "—";
}

/* The name of municipality id in the session's language.  Malloc'd. */
static char *muni_name(long long id)
{
    struct record m;
    char *err = NULL, *s;

    record_init(&m, &kind_municipality);
    if (db_record_get(app_db(), &kind_municipality, id, &m, &err) == DB_OK) {
        s = xstrdup(i18n_pick(m.f[MF_NAME_EN], m.f[MF_NAME_BN]));
    } else {
        char *n = ui_number(id);

        s = xasprintf(_("municipality %s"), n);
        free(n);
    }
    free(err);
    record_free(&m);
    return s;
}

/* "2 keys" in the session's digits.  Malloc'd. */
static char *key_count(int n)
{
    char *num = ui_number(n), *s;

    s = xasprintf(ngettext("%s key", "%s keys", (unsigned long)n), num);
    free(num);
    return s;
}

/* "Label: value" at (y, x) in at most w columns; the columns used. */
static int put_kv(int y, int x, int w, const char *label, const char *value)
{
    char *l = xasprintf("%s:", label);
    int used = ui_put(stdscr, y, x, w, l, ui_attr(UI_LABEL));

    free(l);
    if (used + 1 < w)
        used += 1 + ui_put(stdscr, y, x + used + 1, w - used - 1, value, ui_attr(UI_NORMAL));
    return used;
}

/* --- disable / enable, shared by the list and the account ------------------- */

static void ask_disable(const char *name, int disabled_now, void (*done)(void *, int), void *ctx)
{
    char *text;

    if (disabled_now)
        text = xasprintf(_("Enable the account %s again? It can then log in with its keys "
                           "and password."),
                         name);
    else
        text = xasprintf(_("Disable the account %s? It can no longer log in; its keys and "
                           "password are kept, and it can be enabled again."),
                         name);
    app_push(
        ui_confirm_new(disabled_now ? _("Enable account") : _("Disable account"), text, done, ctx));
    free(text);
}

static void set_disabled(const char *name, int disable)
{
    char *err = NULL;

    if (db_user_set_disabled(app_db(), name, disable, &err) == DB_OK)
        app_status(disable ? _("The account %s is disabled.") : _("The account %s is enabled."),
                   name);
    else
        app_error(_("Nothing was changed: %s"), err != NULL ? err : "?");
    free(err);
}

/* --- the forms: new account, new password, new key ---------------------------- */

enum form_kind { FORM_NEW, FORM_PASSWORD, FORM_KEY };

/* What a form field is, whichever table it comes from. */
enum ufield { UF_NAME, UF_ROLE, UF_MUNI, UF_PASSWORD, UF_REPEAT, UF_KEY, UF_COUNT };

static const char *const ufield_keys[UF_COUNT] = {"name",     "role",   "municipality",
                                                  "password", "repeat", "key"};

/* Names of accounts: user_name_problem(); passwords: cred_password_hash();
 * a key line of a 16384-bit RSA key is about 2.8 kB. */
static const struct field_def new_fields[] = {
    {"name", N_("Name"), FT_TEXT, 1, 32, .min = 0},
    {"role", N_("Role"), FT_CHOICE, 1, 16, role_choices, role_labels, .min = 0},
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

static const enum action_id new_actions[] = {ACT_USER_SAVE, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                             ACT_CHOICE,    ACT_PICK,       ACT_PGUP,
                                             ACT_PGDN,      ACT_BACK,       ACT_NONE};
/* Enter goes to the next field, as in every form (ACT_PICK off a picker). */
static const enum action_id password_actions[] = {ACT_USER_SAVE, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                                  ACT_PICK,      ACT_BACK,       ACT_NONE};
static const enum action_id key_actions[] = {ACT_USER_SAVE, ACT_BACK, ACT_NONE};

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

static void discard_answer(void *ctx, int yes)
{
    (void)ctx;
    if (yes)
        app_pop();
}

static int form_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct uform *u = s->st;
    int r;

    if (a == ACT_USER_SAVE) {
        if (u->kind == FORM_NEW)
            save_new(u);
        else if (u->kind == FORM_PASSWORD)
            save_password(u);
        else
            save_key(u);
        return 1;
    }
    if (a == ACT_BACK) {
        if (u->form.dirty)
            app_push(ui_confirm_new(_("Throw away changes"),
                                    _("You have changes that are not saved. Throw them away?"),
                                    discard_answer, u));
        else
            app_pop();
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

static struct screen *form_new(enum form_kind kind, const char *name)
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
    s->draw = form_draw;
    s->key = form_key;
    s->unsaved = form_unsaved;
    s->leave = form_leave;
    return s;
}

/* --- one account: its details and its keys ------------------------------------ */

struct account {
    char *name;
    struct user u;
    int found;
    char *muni; /* the municipality's name (municipal role) */
    struct user_key *keys;
    int nkeys;
    struct ui_list list;
    char *pending_fp; /* the key a confirm dialog is about */
};

static const enum action_id account_actions[] = {ACT_USER_KEY_ADD,
                                                 ACT_USER_KEY_REMOVE,
                                                 ACT_USER_PASSWORD,
                                                 ACT_USER_DISABLE,
                                                 ACT_UP,
                                                 ACT_DOWN,
                                                 ACT_PGUP,
                                                 ACT_PGDN,
                                                 ACT_TOP,
                                                 ACT_BOTTOM,
                                                 ACT_NONE};

static int keys_count(void *ctx, int *n, char **err)
{
    struct account *ac = ctx;

    *n = ac->nkeys;
    return 0;
}

static int keys_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct account *ac = ctx;

    *page = ac->keys + off;
    return off + lim <= ac->nkeys ? lim : ac->nkeys - off;
}

/* Column widths of the key list. */
struct key_cols {
    int fp, type, comment, added;
};

static struct key_cols key_columns(int w)
{
    struct key_cols c;

    c.fp = 50; /* "SHA256:" and 43 characters */
    c.type = 12;
    c.added = w >= 100 ? 16 : 0;
    c.comment = w - 1 - (c.fp + 1) - (c.type + 1) - (c.added > 0 ? c.added + 1 : 0) - 1;
    return c;
}

static void keys_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct user_key *k = (const struct user_key *)page + i;
    struct key_cols c = key_columns(w);

    x += 1;
    ui_put(stdscr, y, x, c.fp, k->fingerprint, attr);
    x += c.fp + 1;
    ui_put(stdscr, y, x, c.type, k->algo, attr);
    x += c.type + 1;
    ui_put(stdscr, y, x, c.comment, *k->comment != '\0' ? k->comment : none_mark(), attr);
    if (c.added > 0) {
        char *when = ui_local_time(k->created_at);

        ui_put(stdscr, y, x + c.comment + 1, c.added, when, attr);
        free(when);
    }
}

static void keys_free_page(void *ctx, void *page, int n)
{
}

static const struct ui_list_ops keys_ops = {keys_count, keys_fetch, keys_draw_row, keys_free_page};

static void account_load(struct account *ac)
{
    char *err = NULL;

    user_free(&ac->u);
    user_keys_free(ac->keys, ac->nkeys);
    ac->keys = NULL;
    ac->nkeys = 0;
    str_set(&ac->muni, NULL);
    ac->found = db_user_get(app_db(), ac->name, &ac->u, &err) == DB_OK &&
                db_user_keys(app_db(), ac->name, &ac->keys, &ac->nkeys, &err) == DB_OK;
    if (!ac->found)
        app_error("%s", err != NULL ? err : "?");
    else if (ac->u.municipality_id != 0)
        ac->muni = muni_name(ac->u.municipality_id);
    free(err);
    ui_list_reload(&ac->list);
}

static void account_draw(struct screen *s, const struct ui_rect *r)
{
    struct account *ac = s->st;
    struct key_cols c = key_columns(r->w);
    struct ui_rect lr = {r->y + 6, r->x, r->h - 6, r->w};
    char *v, *created, *changed;
    int x = r->x + 1, w = r->w - 2, used;

    if (!ac->found) {
        ui_put(stdscr, r->y + 1, x, w, _("This account could not be loaded."), ui_attr(UI_ERROR));
        return;
    }
    ui_put(stdscr, r->y, x, w, ac->name, ui_attr(UI_HEADING));
    used = put_kv(r->y + 1, x, w, _("Role"), role_label(ac->u.role));
    if (ac->muni != NULL)
        put_kv(r->y + 1, x + used + 3, w - used - 3, _("Municipality"), ac->muni);
    used = put_kv(r->y + 2, x, w, _("Status"), ac->u.disabled ? _("disabled") : _("active"));
    used += 3;
    used += put_kv(r->y + 2, x + used, w - used, _("Password"),
                   ac->u.has_password ? _("set") : _("none"));
    v = ui_number(ac->u.nkeys);
    put_kv(r->y + 2, x + used + 3, w - used - 3, _("Keys"), v);
    free(v);
    created = ui_local_time(ac->u.created_at);
    changed = ui_local_time(ac->u.updated_at);
    used = put_kv(r->y + 3, x, w, _("Added"), created);
    put_kv(r->y + 3, x + used + 3, w - used - 3, _("Last changed"), changed);
    free(created);
    free(changed);
    ui_fill(stdscr, r->y + 5, r->x, r->w, ui_attr(UI_HEADER));
    ui_put(stdscr, r->y + 5, x, c.fp, _("Key fingerprint"), ui_attr(UI_HEADER));
    x += c.fp + 1;
    ui_put(stdscr, r->y + 5, x, c.type, _("Type"), ui_attr(UI_HEADER));
    x += c.type + 1;
    ui_put(stdscr, r->y + 5, x, c.comment, _("Comment"), ui_attr(UI_HEADER));
    if (c.added > 0)
        ui_put(stdscr, r->y + 5, x + c.comment + 1, c.added, _("Added"), ui_attr(UI_HEADER));
    ui_list_draw(&ac->list, &lr);
}

static void account_disable_answer(void *ctx, int yes)
{
    struct account *ac = ctx;

    if (!yes)
        return;
    set_disabled(ac->name, !ac->u.disabled);
    account_load(ac);
}

static void key_remove_answer(void *ctx, int yes)
{
    struct account *ac = ctx;
    char *err = NULL;

    if (!yes || ac->pending_fp == NULL)
        return;
    if (db_user_key_remove(app_db(), ac->name, ac->pending_fp, &err) == DB_OK)
        app_status(_("Key %s removed from %s."), ac->pending_fp, ac->name);
    else
        app_error(_("Nothing was changed: %s"), err != NULL ? err : "?");
    free(err);
    account_load(ac);
}

static void ask_key_remove(struct account *ac, const struct user_key *k)
{
    char *text;

    str_set(&ac->pending_fp, k->fingerprint);
    text = xasprintf(_("Remove the key %s (%s) from %s? It can no longer be used to log in."),
                     k->fingerprint, *k->comment != '\0' ? k->comment : k->algo, ac->name);
    app_push(ui_confirm_new(_("Remove key"), text, key_remove_answer, ac));
    free(text);
}

static int account_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct account *ac = s->st;
    struct user_key *page;
    int i, lr;

    if (!ac->found)
        return 0;
    lr = ui_list_key(&ac->list, a, k);
    if (lr != UI_LIST_UNHANDLED)
        return 1;
    switch (a) {
    case ACT_USER_KEY_ADD:
        app_push(form_new(FORM_KEY, ac->name));
        return 1;
    case ACT_USER_KEY_REMOVE:
        page = ui_list_current(&ac->list, &i);
        if (page != NULL)
            ask_key_remove(ac, &page[i]);
        else
            app_error("%s", _("This account has no key to remove."));
        return 1;
    case ACT_USER_PASSWORD:
        app_push(form_new(FORM_PASSWORD, ac->name));
        return 1;
    case ACT_USER_DISABLE:
        ask_disable(ac->name, ac->u.disabled, account_disable_answer, ac);
        return 1;
    default:
        return 0;
    }
}

static void account_reload(struct screen *s)
{
    account_load(s->st);
}

static void account_leave(struct screen *s)
{
    struct account *ac = s->st;

    ui_list_free(&ac->list);
    user_free(&ac->u);
    user_keys_free(ac->keys, ac->nkeys);
    free(ac->muni);
    free(ac->pending_fp);
    free(ac->name);
    free(ac);
    free(s);
}

static struct screen *account_new(const char *name)
{
    struct account *ac = xcalloc(1, sizeof *ac);
    struct screen *s = screen_new("user", N_("Account"), ac);

    ac->name = xstrdup(name);
    ui_list_init(&ac->list, &keys_ops, ac, N_("No public key yet. Press a to add one."));
    account_load(ac);
    s->actions = account_actions;
    s->draw = account_draw;
    s->key = account_key;
    s->reload = account_reload;
    s->leave = account_leave;
    return s;
}

/* --- the list of accounts ------------------------------------------------------- */

struct users {
    struct ui_list list;
    char *pending; /* the account a confirm dialog is about */
    int pending_disabled;
};

/* A page of accounts and the names of their municipalities. */
struct user_page {
    struct user *u;
    char **muni; /* NULL for accounts without one */
    int n;
};

static const enum action_id list_actions[] = {
    ACT_OPEN, ACT_USER_NEW, ACT_USER_PASSWORD, ACT_USER_KEY_ADD, ACT_USER_DISABLE, ACT_UP,
    ACT_DOWN, ACT_PGUP,     ACT_PGDN,          ACT_TOP,          ACT_BOTTOM,       ACT_NONE};

static int users_count(void *ctx, int *n, char **err)
{
    return db_user_count(app_db(), n, err) == DB_OK ? 0 : -1;
}

static int users_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct user_page *p = xcalloc(1, sizeof *p);

    if (db_user_page(app_db(), off, lim, &p->u, &p->n, err) != DB_OK) {
        free(p);
        return -1;
    }
    p->muni = xcalloc((size_t)p->n + 1, sizeof *p->muni);
    for (int i = 0; i < p->n; i++) {
        if (p->u[i].municipality_id != 0)
            p->muni[i] = muni_name(p->u[i].municipality_id);
    }
    *page = p;
    return p->n;
}

static void users_free_page(void *ctx, void *page, int n)
{
    struct user_page *p = page;

    for (int i = 0; i < p->n; i++)
        free(p->muni[i]);
    free(p->muni);
    users_free(p->u, p->n);
    free(p);
}

struct user_cols {
    int name, role, muni, status, keys, pw;
};

static struct user_cols user_columns(int w)
{
    struct user_cols c;

    c.name = 16 + (w > 80 ? (w - 80) / 4 : 0);
    c.role = 13;
    c.status = 9;
    c.keys = 7;
    c.pw = 8;
    c.muni = w - 1 - (c.name + 1) - (c.role + 1) - (c.status + 1) - (c.keys + 1) - (c.pw + 1);
    return c;
}

static void users_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct user_page *p = page;
    const struct user *u = &p->u[i];
    struct user_cols c = user_columns(w);
    char *keys = key_count(u->nkeys);

    x += 1;
    ui_put(stdscr, y, x, c.name, u->name, attr);
    x += c.name + 1;
    ui_put(stdscr, y, x, c.role, role_label(u->role), attr);
    x += c.role + 1;
    ui_put(stdscr, y, x, c.muni, p->muni[i] != NULL ? p->muni[i] : none_mark(), attr);
    x += c.muni + 1;
    ui_put(stdscr, y, x, c.status, u->disabled ? _("disabled") : _("active"),
           u->disabled ? attr | A_BOLD : attr);
    x += c.status + 1;
    ui_put(stdscr, y, x, c.keys, keys, attr);
    x += c.keys + 1;
    ui_put(stdscr, y, x, c.pw, u->has_password ? _("set") : _("none"), attr);
    free(keys);
}

static const struct ui_list_ops users_ops = {users_count, users_fetch, users_draw_row,
                                             users_free_page};

static const struct user *current_user(struct users *us)
{
    int i;
    struct user_page *p = ui_list_current(&us->list, &i);

    return p != NULL ? &p->u[i] : NULL;
}

static void users_draw(struct screen *s, const struct ui_rect *r)
{
    struct users *us = s->st;
    struct user_cols c = user_columns(r->w);
    struct ui_rect lr = {r->y + 2, r->x, r->h - 2, r->w};
    char *n = ui_number(ui_list_count(&us->list)), *line;
    int x = r->x + 1, y = r->y + 1;

    line = xasprintf(_("Accounts: %s"), n);
    x += ui_put(stdscr, r->y, x, r->w / 3, line, ui_attr(UI_NORMAL));
    ui_put_right(stdscr, r->y, x, r->x + r->w - 1 - x,
                 _("Enter shows an account's keys and fingerprints."), ui_attr(UI_DIM));
    free(line);
    free(n);
    x = r->x + 1;
    ui_fill(stdscr, y, r->x, r->w, ui_attr(UI_HEADER));
    ui_put(stdscr, y, x, c.name, _("Name"), ui_attr(UI_HEADER));
    x += c.name + 1;
    ui_put(stdscr, y, x, c.role, _("Role"), ui_attr(UI_HEADER));
    x += c.role + 1;
    ui_put(stdscr, y, x, c.muni, _("Municipality"), ui_attr(UI_HEADER));
    x += c.muni + 1;
    ui_put(stdscr, y, x, c.status, _("Status"), ui_attr(UI_HEADER));
    x += c.status + 1;
    ui_put(stdscr, y, x, c.keys, _("Keys"), ui_attr(UI_HEADER));
    x += c.keys + 1;
    ui_put(stdscr, y, x, c.pw, _("Password"), ui_attr(UI_HEADER));
    ui_list_draw(&us->list, &lr);
}

static void users_disable_answer(void *ctx, int yes)
{
    struct users *us = ctx;

    if (yes && us->pending != NULL) {
        set_disabled(us->pending, !us->pending_disabled);
        ui_list_reload(&us->list);
    }
}

static int users_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct users *us = s->st;
    const struct user *u;
    int lr = ui_list_key(&us->list, a, k);

    if (lr == UI_LIST_MOVED)
        return 1;
    if (lr == UI_LIST_OPEN)
        a = ACT_OPEN;
    if (a == ACT_USER_NEW) {
        app_push(form_new(FORM_NEW, NULL));
        return 1;
    }
    u = current_user(us);
    switch (a) {
    case ACT_OPEN:
    case ACT_USER_PASSWORD:
    case ACT_USER_KEY_ADD:
    case ACT_USER_DISABLE:
        if (u == NULL) {
            app_error("%s", _("There is no account yet: press n to add one."));
            return 1;
        }
        break;
    default:
        return 0;
    }
    if (a == ACT_OPEN) {
        app_push(account_new(u->name));
    } else if (a == ACT_USER_PASSWORD) {
        app_push(form_new(FORM_PASSWORD, u->name));
    } else if (a == ACT_USER_KEY_ADD) {
        app_push(form_new(FORM_KEY, u->name));
    } else {
        str_set(&us->pending, u->name);
        us->pending_disabled = u->disabled;
        ask_disable(us->pending, us->pending_disabled, users_disable_answer, us);
    }
    return 1;
}

static void users_reload(struct screen *s)
{
    struct users *us = s->st;

    ui_list_reload(&us->list);
}

static void users_leave(struct screen *s)
{
    struct users *us = s->st;

    ui_list_free(&us->list);
    free(us->pending);
    free(us);
    free(s);
}

struct screen *screen_users_new(void)
{
    struct users *us = xcalloc(1, sizeof *us);
    struct screen *s = screen_new("users", N_("Users"), us);

    ui_list_init(&us->list, &users_ops, us, N_("No account yet. Press n to add one."));
    s->actions = list_actions;
    s->draw = users_draw;
    s->key = users_key;
    s->reload = users_reload;
    s->leave = users_leave;
    return s;
}
