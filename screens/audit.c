/*
 * audit.c: the audit log (admin): newest first, paged from the database,
 * filtered by the selected entry's record or user, and the before / after
 * of one entry.
 *
 * Read-only: the audit log is append-only for everyone.  Values from the
 * log are drawn sanitised like any other stored text.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "ui/list.h"
#include "ui/screen.h"
#include "util.h"
#include "view.h"

struct audit {
    struct ui_list list;
    char *user;        /* filter, or NULL */
    char *record_kind; /* filter, or NULL */
    long long record_id;
};

static const enum action_id audit_actions[] = {ACT_OPEN, ACT_BY_RECORD, ACT_BY_USER, ACT_CLEAR,
                                               ACT_UP,   ACT_DOWN,      ACT_PGUP,    ACT_PGDN,
                                               ACT_TOP,  ACT_BOTTOM,    ACT_NONE};
static const enum action_id entry_actions[] = {ACT_UP,  ACT_DOWN,   ACT_PGUP, ACT_PGDN,
                                               ACT_TOP, ACT_BOTTOM, ACT_NONE};

static const char *action_label(const char *a)
{
    static const char *const names[][2] = {
        {"create", N_("added")},
        {"update", N_("changed")},
        {"delete", N_("deleted")},
        {"import", N_("imported")},
    };

    for (size_t i = 0; i < nitems(names); i++) {
        if (a != NULL && strcmp(a, names[i][0]) == 0)
            return _(names[i][1]);
    }
    return a != NULL ? a : "";
}

static struct audit_query query(const struct audit *a)
{
    struct audit_query q = {a->user, a->record_kind, a->record_id};

    return q;
}

static int audit_count(void *ctx, int *n, char **err)
{
    struct audit_query q = query(ctx);

    return db_audit_count(app_db(), &q, n, err) == DB_OK ? 0 : -1;
}

static int audit_fetch(void *ctx, int off, int lim, void **page, char **err)
{
    struct audit_query q = query(ctx);
    struct audit_row *rows = NULL;
    int n = 0;

    if (db_audit_page(app_db(), &q, off, lim, &rows, &n, err) != DB_OK)
        return -1;
    *page = rows;
    return n;
}

/* A flat JSON object {"key": "string" | number | true | false | null, ...}
 * as parallel arrays of keys and values (lit: 1 where the value was no
 * string); -1 if it is anything else. */
struct flat {
    char **k, **v;
    unsigned char *lit;
    int n;
};

static const char *json_string(const char *p, struct buf *out)
{
    if (*p != '"')
        return NULL;
    for (p++; *p != '\0' && *p != '"'; p++) {
        if (*p != '\\') {
            buf_addc(out, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'n':
            buf_addc(out, '\n');
            break;
        case 't':
            buf_addc(out, '\t');
            break;
        case 'r':
            buf_addc(out, '\r');
            break;
        case 'b':
        case 'f':
            buf_addc(out, ' ');
            break;
        case 'u': {
            unsigned c = 0;
            char u[8];
            struct ui_key k;

            for (int i = 1; i <= 4; i++) {
                char h = p[i];

                if (h == '\0')
                    return NULL;
                c = c * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
            }
            p += 4;
            /* Surrogates are not joined: they become U+FFFD, visibly. */
            k.code = (int)(c >= 0xd800 && c <= 0xdfff ? 0xfffd : c);
            ui_key_utf8(&k, u);
            buf_adds(out, u);
            break;
        }
        case '\0':
            return NULL;
        default:
            buf_addc(out, *p);
            break;
        }
    }
    return *p == '"' ? p + 1 : NULL;
}

static void flat_free(struct flat *f)
{
    for (int i = 0; i < f->n; i++) {
        free(f->k[i]);
        free(f->v[i]);
    }
    free(f->k);
    free(f->v);
    free(f->lit);
    *f = (struct flat){0};
}

static int flat_parse(const char *s, struct flat *f)
{
    const char *p = s;

    *f = (struct flat){0};
    if (s == NULL)
        return -1;
    p += strspn(p, " \t\r\n");
    if (*p++ != '{')
        return -1;
    for (;;) {
        struct buf k = {0}, v = {0};
        int lit = 0;

        p += strspn(p, " \t\r\n,");
        if (*p == '}')
            return 0;
        buf_adds(&k, "");
        buf_adds(&v, "");
        p = json_string(p, &k);
        if (p != NULL) {
            p += strspn(p, " \t\r\n");
            p = *p == ':' ? p + 1 : NULL;
        }
        if (p != NULL) {
            p += strspn(p, " \t\r\n");
            if (*p == '"') {
                p = json_string(p, &v);
            } else {
                size_t n = strcspn(p, ",}");

                lit = 1;
                if (strncmp(p, "null", 4) != 0)
                    buf_add(&v, p, n);
                p += n;
            }
        }
        if (p == NULL) {
            buf_free(&k);
            buf_free(&v);
            flat_free(f);
            return -1;
        }
        f->k = xreallocarray(f->k, (size_t)f->n + 1, sizeof *f->k);
        f->v = xreallocarray(f->v, (size_t)f->n + 1, sizeof *f->v);
        f->lit = xreallocarray(f->lit, (size_t)f->n + 1, sizeof *f->lit);
        f->lit[f->n] = (unsigned char)lit;
        f->k[f->n] = buf_take(&k);
        f->v[f->n] = buf_take(&v);
        f->n++;
        buf_free(&k);
        buf_free(&v);
    }
}

/* The index of key in f, or -1. */
static int flat_find(const struct flat *f, const char *key)
{
    for (int i = 0; i < f->n; i++) {
        if (strcmp(f->k[i], key) == 0)
            return i;
    }
    return -1;
}

static const char *flat_get(const struct flat *f, const char *key)
{
    int i = flat_find(f, key);

    return i >= 0 ? f->v[i] : NULL;
}

/* A stored field's (or audited extra's) name as a person reads it. */
static const char *key_label(const char *kind, const char *key)
{
    const struct kind *k = kind_audited(kind != NULL ? kind : "");
    int f, x;

    if (k == NULL)
        return key;
    if ((f = kind_field_by_key(k, key)) >= 0)
        return _(k->fields[f].label);
    x = kind_extra_by_key(k, key);
    return x >= 0 && k->extras[x].label != NULL ? _(k->extras[x].label) : key;
}

/* A stored value as a person reads it: a JSON true / false as yes / no,
 * choice fields by their label. */
static const char *value_label(const char *kind, const char *key, const char *v, int lit)
{
    const struct kind *k;
    int f;

    if (lit && strcmp(v, "true") == 0)
        return _("yes");
    if (lit && strcmp(v, "false") == 0)
        return _("no");
    k = kind_audited(kind != NULL ? kind : "");
    f = k != NULL ? kind_field_by_key(k, key) : -1;
    return f >= 0 ? field_readable(&k->fields[f], v) : v;
}

/* The kind of record as a person reads it. */
static const char *kind_label(const char *kind)
{
    const struct kind *k = kind_audited(kind != NULL ? kind : "");

    if (k != NULL)
        return _(k->label);
    return kind != NULL ? kind : "";
}

/* "Municipality 12 Amtali": the record's kind, id and, when the entry
 * holds it, its name in the session's language.  Malloc'd. */
static char *record_text(const struct audit_row *r)
{
    struct flat f;
    char *id = ui_number(r->record_id), *s;
    const char *name = NULL;

    if (flat_parse(r->after != NULL ? r->after : r->before, &f) == 0)
        name = i18n_pick(flat_get(&f, "name_en"), flat_get(&f, "name_bn"));
    s = xasprintf("%s %s%s%s", kind_label(r->record_kind), id, name != NULL ? " " : "",
                  name != NULL ? name : "");
    flat_free(&f);
    free(id);
    return s;
}

/* The user column: a fifth of the width, or none on a narrow screen,
 * where when, what and which record matter more than who. */
static int user_cols(int w)
{
    return w < 60 ? 0 : w / 5;
}

static void audit_draw_row(void *ctx, void *page, int i, int y, int x, int w, attr_t attr)
{
    const struct audit_row *r = (const struct audit_row *)page + i;
    char *when = ui_local_time(r->at), *rec = record_text(r);
    int uw = user_cols(w), end = x + w;

    x += 1;
    ui_put(stdscr, y, x, 16, when, attr);
    x += 17;
    if (uw > 0) {
        ui_put(stdscr, y, x, uw, r->user, attr);
        x += uw + 1;
    }
    ui_put(stdscr, y, x, 12, action_label(r->action), attr);
    x += 13;
    ui_put(stdscr, y, x, end - x, rec, attr);
    free(when);
    free(rec);
}

static void audit_free_page(void *ctx, void *page, int n)
{
    audit_rows_free(page, n);
}

static const struct ui_list_ops audit_ops = {audit_count, audit_fetch, audit_draw_row,
                                             audit_free_page};

static void audit_draw(struct screen *s, const struct ui_rect *r)
{
    struct audit *a = s->st;
    struct ui_rect lr = {r->y + 2, r->x, r->h - 2, r->w};
    char *n = ui_number(ui_list_count(&a->list)), *line, *rec = NULL;
    int uw = user_cols(r->w), x = r->x + 1;

    if (a->record_id != 0) {
        char *id = ui_number(a->record_id);

        rec = xasprintf("%s %s", kind_label(a->record_kind), id);
        free(id);
    }
    line = xasprintf(_("Entries: %s   User: %s   Record: %s   (newest first)"), n,
                     a->user != NULL ? a->user : _("all"), rec != NULL ? rec : _("all"));
    ui_put(stdscr, r->y, r->x + 1, r->w - 2, line, ui_attr(UI_NORMAL));
    free(line);
    free(rec);
    free(n);
    ui_fill(stdscr, r->y + 1, r->x, r->w, ui_attr(UI_HEADER));
    ui_put(stdscr, r->y + 1, x, 16, _("When"), ui_attr(UI_HEADER));
    x += 17;
    if (uw > 0) {
        ui_put(stdscr, r->y + 1, x, uw, _("User"), ui_attr(UI_HEADER));
        x += uw + 1;
    }
    ui_put(stdscr, r->y + 1, x, 12, _("Action"), ui_attr(UI_HEADER));
    x += 13;
    ui_put(stdscr, r->y + 1, x, r->x + r->w - x, _("Record"), ui_attr(UI_HEADER));
    ui_list_draw(&a->list, &lr);
}

/* --- one entry ---------------------------------------------------------------- */

static void entry_fill(struct ui_textview *tv, void *arg)
{
    const struct audit_row *r = arg;
    struct flat before, after;
    char *when = ui_local_time(r->at), *rec = record_text(r);
    int pb = flat_parse(r->before, &before), pa = flat_parse(r->after, &after);
    const char *arrow = ui_ascii() ? " -> " : " → ";

    ui_tv_kv(tv, _("When"), when);
    ui_tv_kv(tv, _("User"), r->user);
    ui_tv_kv(tv, _("Action"), action_label(r->action));
    ui_tv_kv(tv, _("Record"), rec);
    ui_tv_blank(tv);
    if (pb == 0 && pa == 0) {
        char *head = xasprintf(_("What changed (before%safter)"), arrow);

        ui_tv_heading(tv, head);
        free(head);
        for (int i = 0; i < after.n; i++) {
            int o = flat_find(&before, after.k[i]);
            const char *old = o >= 0 ? before.v[o] : NULL;

            /* The lock and stamp change with every save: not news. */
            if (strcmp(after.k[i], "version") == 0 || strcmp(after.k[i], "updated_at") == 0 ||
                strcmp(after.k[i], "updated_by") == 0)
                continue;
            if (old == NULL || strcmp(old, after.v[i]) != 0) {
                char *v = xasprintf(
                    "%s%s%s",
                    old != NULL ? value_label(r->record_kind, after.k[i], old, before.lit[o]) : "",
                    arrow, value_label(r->record_kind, after.k[i], after.v[i], after.lit[i]));

                ui_tv_kv(tv, key_label(r->record_kind, after.k[i]), v);
                free(v);
            }
        }
    } else if (pa == 0 || pb == 0) {
        const struct flat *only = pa == 0 ? &after : &before;

        ui_tv_heading(tv, pa == 0 ? _("After") : _("Before"));
        for (int i = 0; i < only->n; i++)
            ui_tv_kv(tv, key_label(r->record_kind, only->k[i]),
                     value_label(r->record_kind, only->k[i], only->v[i], only->lit[i]));
    }
    if (pb != 0 && r->before != NULL) {
        ui_tv_heading(tv, _("Before"));
        ui_tv_para(tv, r->before, UI_NORMAL);
    }
    if (pa != 0 && r->after != NULL) {
        ui_tv_heading(tv, _("After"));
        ui_tv_para(tv, r->after, UI_NORMAL);
    }
    flat_free(&before);
    flat_free(&after);
    free(when);
    free(rec);
}

static void entry_free(void *arg)
{
    audit_rows_free(arg, 1);
}

static const struct view_ops entry_ops = {entry_fill, NULL, NULL, entry_free};

static void open_entry(const struct audit_row *r)
{
    /* A copy of its own: the list's page may be dropped meanwhile. */
    struct audit_row *row = xcalloc(1, sizeof *row);

    row->id = r->id;
    row->at = r->at != NULL ? xstrdup(r->at) : NULL;
    row->user = r->user != NULL ? xstrdup(r->user) : NULL;
    row->action = r->action != NULL ? xstrdup(r->action) : NULL;
    row->record_kind = r->record_kind != NULL ? xstrdup(r->record_kind) : NULL;
    row->record_id = r->record_id;
    row->before = r->before != NULL ? xstrdup(r->before) : NULL;
    row->after = r->after != NULL ? xstrdup(r->after) : NULL;
    app_push(view_screen_new("audit-entry", N_("Audit entry"), entry_actions, &entry_ops, row));
}

/* --- keys --------------------------------------------------------------------- */

static int audit_key(struct screen *s, enum action_id act, const struct ui_key *k)
{
    struct audit *a = s->st;
    int i, lr = ui_list_key(&a->list, act, k);
    struct audit_row *page;

    if (lr == UI_LIST_MOVED)
        return 1;
    if (lr == UI_LIST_OPEN)
        act = ACT_OPEN;
    page = ui_list_current(&a->list, &i);
    switch (act) {
    case ACT_OPEN:
        if (page != NULL)
            open_entry(&page[i]);
        return 1;
    case ACT_BY_USER:
        str_set(&a->user, a->user == NULL && page != NULL ? page[i].user : NULL);
        ui_list_reset(&a->list);
        return 1;
    case ACT_BY_RECORD:
        if (a->record_id == 0 && page != NULL) {
            str_set(&a->record_kind, page[i].record_kind);
            a->record_id = page[i].record_id;
        } else {
            str_set(&a->record_kind, NULL);
            a->record_id = 0;
        }
        ui_list_reset(&a->list);
        return 1;
    case ACT_CLEAR:
        str_set(&a->user, NULL);
        str_set(&a->record_kind, NULL);
        a->record_id = 0;
        ui_list_reset(&a->list);
        return 1;
    default:
        return 0;
    }
}

static void audit_reload(struct screen *s)
{
    struct audit *a = s->st;

    ui_list_reload(&a->list);
}

static void audit_leave(struct screen *s)
{
    struct audit *a = s->st;

    ui_list_free(&a->list);
    free(a->user);
    free(a->record_kind);
    free(a);
    free(s);
}

struct screen *screen_audit_new(const char *record_kind, long long record_id)
{
    struct audit *a = xcalloc(1, sizeof *a);
    struct screen *s = screen_new("audit", N_("Audit log"), a);

    if (record_id != 0) {
        a->record_kind = record_kind != NULL ? xstrdup(record_kind) : NULL;
        a->record_id = record_id;
    }
    ui_list_init(&a->list, &audit_ops, a, N_("The audit log has no entries here."));
    s->actions = audit_actions;
    s->draw = audit_draw;
    s->key = audit_key;
    s->reload = audit_reload;
    s->leave = audit_leave;
    return s;
}
