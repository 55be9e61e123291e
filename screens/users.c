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
#include "users.h"
#include "ssh/cred.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/form.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "usercmd.h"
#include "util.h"

const char *role_label(enum role r)
{
    const char *name = auth_role_name(r);

    for (int i = 0; user_role_choices[i] != NULL; i++) {
        if (strcmp(user_role_choices[i], name) == 0)
            return _(user_role_labels[i]);
    }
    return name;
}

const char *none_mark(void)
{
    return ui_ascii() ? "-" : "—";
}

/* The name of municipality id in the session's language.  Malloc'd. */
char *muni_name(long long id)
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
char *key_count(int n)
{
    char *num = ui_number(n), *s;

    s = xasprintf(ngettext("%s key", "%s keys", (unsigned long)n), num);
    free(num);
    return s;
}

/* "Label: value" at (y, x) in at most w columns; the columns used. */
int put_kv(int y, int x, int w, const char *label, const char *value)
{
    char *l = xasprintf("%s:", label);
    int used = ui_put(stdscr, y, x, w, l, ui_attr(UI_LABEL));

    free(l);
    if (used + 1 < w)
        used += 1 + ui_put(stdscr, y, x + used + 1, w - used - 1, value, ui_attr(UI_NORMAL));
    return used;
}

/* --- disable / enable, shared by the list and the account ------------------- */

void ask_disable(const char *name, int disabled_now, void (*done)(void *, int), void *ctx)
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

void set_disabled(const char *name, int disable)
{
    char *err = NULL;

    if (db_user_set_disabled(app_db(), name, disable, &err) == DB_OK)
        app_status(disable ? _("The account %s is disabled.") : _("The account %s is enabled."),
                   name);
    else
        app_error(_("Nothing was changed: %s"), err != NULL ? err : "?");
    free(err);
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

/* Columns in use, each with the blank before it. */
static int used_cols(const struct user_cols *c)
{
    const int all[] = {c->name, c->role, c->muni, c->status, c->keys, c->pw};
    int n = 0;

    for (size_t i = 0; i < nitems(all); i++)
        n += all[i] > 0 ? all[i] + 1 : 0;
    return n;
}

/*
 * The municipality takes what is left; on a narrow screen it goes, then
 * the keys, the password and the role (width 0: not drawn), and the name
 * takes what is left instead.
 */
static struct user_cols user_columns(int w)
{
    struct user_cols c = {16 + (w > 80 ? (w - 80) / 4 : 0), 13, 0, 9, 7, 8};
    int *drop[] = {&c.keys, &c.pw, &c.role};

    c.muni = w - 1 - used_cols(&c);
    if (c.muni >= 10)
        return c;
    c.muni = 0;
    for (size_t i = 0; i < nitems(drop) && used_cols(&c) > w; i++)
        *drop[i] = 0;
    c.name += w - used_cols(&c);
    return c;
}

/* One cell at *x, unless its column was dropped. */
static void put_col(int y, int *x, int cols, const char *text, attr_t attr)
{
    if (cols <= 0)
        return;
    ui_put(stdscr, y, *x, cols, text, attr);
    *x += cols + 1;
}

static void users_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct user_page *p = page;
    const struct user *u = &p->u[i];
    struct user_cols c = user_columns(w);
    char *keys = key_count(u->nkeys);

    x += 1;
    put_col(y, &x, c.name, u->name, attr);
    put_col(y, &x, c.role, role_label(u->role), attr);
    put_col(y, &x, c.muni, p->muni[i] != NULL ? p->muni[i] : none_mark(), attr);
    put_col(y, &x, c.status, u->disabled ? _("disabled") : _("active"),
            u->disabled ? attr | A_BOLD : attr);
    put_col(y, &x, c.keys, keys, attr);
    put_col(y, &x, c.pw, u->has_password ? _("set") : _("none"), attr);
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
    x += ui_put(stdscr, r->y, x, r->w / 3, line, ui_attr(UI_NORMAL)) + 2;
    ui_put_right(stdscr, r->y, x, r->x + r->w - 1 - x,
                 _("Enter shows an account's keys and fingerprints."), ui_attr(UI_DIM));
    free(line);
    free(n);
    x = r->x + 1;
    ui_fill(stdscr, y, r->x, r->w, ui_attr(UI_HEADER));
    put_col(y, &x, c.name, _("Name"), ui_attr(UI_HEADER));
    put_col(y, &x, c.role, _("Role"), ui_attr(UI_HEADER));
    put_col(y, &x, c.muni, _("Municipality"), ui_attr(UI_HEADER));
    put_col(y, &x, c.status, _("Status"), ui_attr(UI_HEADER));
    put_col(y, &x, c.keys, _("Keys"), ui_attr(UI_HEADER));
    put_col(y, &x, c.pw, _("Password"), ui_attr(UI_HEADER));
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
        app_push(user_form_new(FORM_NEW, NULL));
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
        app_push(user_account_new(u->name));
    } else if (a == ACT_USER_PASSWORD) {
        app_push(user_form_new(FORM_PASSWORD, u->name));
    } else if (a == ACT_USER_KEY_ADD) {
        app_push(user_form_new(FORM_KEY, u->name));
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
