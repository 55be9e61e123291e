/*
 * user_account.c: one account of the Users screens (admin): its details,
 * its public keys with their fingerprints, and the keys that change them.
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

/* The fingerprint whole where it fits; on a narrow screen the comment,
 * then the type go (width 0), and the fingerprint is cut last. */
static struct key_cols key_columns(int w)
{
    struct key_cols c;

    c.fp = 50; /* "SHA256:" and 43 characters */
    c.type = 12;
    c.added = w >= 100 ? 16 : 0;
    c.comment = w - 1 - (c.fp + 1) - (c.type + 1) - (c.added > 0 ? c.added + 1 : 0) - 1;
    if (c.comment >= 8)
        return c;
    c.comment = 0;
    if (w - 2 < c.fp + 1 + c.type)
        c.type = 0;
    if (c.type > 0)
        c.fp = w - 2 - c.type - 1;
    else if (c.fp > w - 2)
        c.fp = w - 2;
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

static void keys_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct user_key *k = (const struct user_key *)page + i;
    struct key_cols c = key_columns(w);

    x += 1;
    put_col(y, &x, c.fp, k->fingerprint, attr);
    put_col(y, &x, c.type, k->algo, attr);
    put_col(y, &x, c.comment, *k->comment != '\0' ? k->comment : none_mark(), attr);
    if (c.added > 0) {
        char *when = ui_local_time(k->created_at);

        put_col(y, &x, c.added, when, attr);
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
    put_col(r->y + 5, &x, c.fp, _("Key fingerprint"), ui_attr(UI_HEADER));
    put_col(r->y + 5, &x, c.type, _("Type"), ui_attr(UI_HEADER));
    put_col(r->y + 5, &x, c.comment, _("Comment"), ui_attr(UI_HEADER));
    put_col(r->y + 5, &x, c.added, _("Added"), ui_attr(UI_HEADER));
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
        app_push(user_form_new(FORM_KEY, ac->name));
        return 1;
    case ACT_USER_KEY_REMOVE:
        page = ui_list_current(&ac->list, &i);
        if (page != NULL)
            ask_key_remove(ac, &page[i]);
        else
            app_error("%s", _("This account has no key to remove."));
        return 1;
    case ACT_USER_PASSWORD:
        app_push(user_form_new(FORM_PASSWORD, ac->name));
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

struct screen *user_account_new(const char *name)
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
