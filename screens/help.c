/*
 * help.c: the help screen, generated from the action table: the keys of
 * the screen it was opened from, then the keys that work everywhere.  The
 * same table drives the key bar, so the two never disagree, and actions
 * the session may not do are left out of both.
 */
#include <stdlib.h>

#include "app.h"
#include "i18n.h"
#include "screens.h"
#include "ui/screen.h"
#include "util.h"
#include "view.h"

struct help {
    const char *title;             /* N_() title of the screen explained */
    const enum action_id *actions; /* its actions (static tables) */
    long long record;
};

static const enum action_id help_actions[] = {ACT_UP,  ACT_DOWN,   ACT_PGUP, ACT_PGDN,
                                              ACT_TOP, ACT_BOTTOM, ACT_NONE};

static void add_actions(struct ui_textview *tv, const enum action_id *list, long long record)
{
    for (; list != NULL && *list != ACT_NONE; list++) {
        const struct action_def *d = action_def(*list);

        if (app_allowed(*list, record))
            ui_tv_kv(tv, d->keys_text, _(d->help));
    }
}

static void help_fill(struct ui_textview *tv, void *arg)
{
    struct help *h = arg;
    char *head;

    if (h->actions != NULL && h->actions[0] != ACT_NONE) {
        head = h->title != NULL ? xasprintf(_("Keys on this screen (%s)"), _(h->title))
                                : xstrdup(_("Keys on this screen"));
        ui_tv_heading(tv, head);
        free(head);
        add_actions(tv, h->actions, h->record);
        ui_tv_blank(tv);
    }
    ui_tv_heading(tv, _("Keys on every screen"));
    add_actions(tv, action_globals, h->record);
    ui_tv_blank(tv);
    ui_tv_heading(tv, _("Editing a field"));
    ui_tv_kv(tv, "Left, Right", _("Move by one letter"));
    ui_tv_kv(tv, "Home, End", _("Go to the start or the end of the field"));
    ui_tv_kv(tv, "Backspace", _("Delete what was typed last"));
    ui_tv_kv(tv, "Delete", _("Delete the letter under the cursor"));
    ui_tv_kv(tv, "Ctrl-U", _("Delete up to the cursor"));
    ui_tv_blank(tv);
    ui_tv_para(tv,
               _("Mouse clicks select a row where the terminal sends them; a second click "
                 "opens it. Keys not shown here are not available to you."),
               UI_DIM);
}

static const struct view_ops help_ops = {help_fill, NULL, NULL, free};

struct screen *screen_help_new(const struct screen *from)
{
    struct help *h = xcalloc(1, sizeof *h);

    if (from != NULL) {
        h->title = from->title;
        h->actions = from->actions;
        h->record = from->record != NULL ? from->record((struct screen *)from) : 0;
    }
    return view_screen_new("help", N_("Help"), help_actions, &help_ops, h);
}
