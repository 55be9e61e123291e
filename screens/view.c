/*
 * view.c: the text view screen shared by About, Help and the detail views
 * (see view.h).  Holds no data of its own beyond the text view.
 */
#include "view.h"

#include <stdlib.h>

#include "util.h"

struct view {
    struct ui_textview *tv;
    const struct view_ops *ops;
    void *arg;
};

static void view_draw(struct screen *s, const struct ui_rect *body)
{
    struct view *v = s->st;

    ui_tv_draw(v->tv, body);
}

static int view_key(struct screen *s, enum action_id a, const struct ui_key *k)
{
    struct view *v = s->st;

    if (v->ops->key != NULL && a != ACT_NONE && v->ops->key(v->arg, a))
        return 1;
    return ui_tv_key(v->tv, a, k);
}

static void view_reload(struct screen *s)
{
    struct view *v = s->st;

    ui_tv_clear(v->tv);
    v->ops->fill(v->tv, v->arg);
}

static long long view_record(struct screen *s)
{
    struct view *v = s->st;

    return v->ops->record != NULL ? v->ops->record(v->arg) : 0;
}

static void view_leave(struct screen *s)
{
    struct view *v = s->st;

    if (v->ops->free_arg != NULL)
        v->ops->free_arg(v->arg);
    ui_tv_free(v->tv);
    free(v);
    free(s);
}

struct screen *view_screen_new(const char *name, const char *title, const enum action_id *actions,
                               const struct view_ops *ops, void *arg)
{
    struct view *v = xcalloc(1, sizeof *v);
    struct screen *s = screen_new(name, title, v);

    v->tv = ui_tv_new();
    v->ops = ops;
    v->arg = arg;
    s->actions = actions;
    s->draw = view_draw;
    s->key = view_key;
    s->reload = view_reload;
    s->leave = view_leave;
    s->record = view_record;
    view_reload(s);
    return s;
}
