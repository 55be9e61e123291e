/*
 * about.c: the association's vision, mission and scope of work, from the
 * "about" page kept in the database, in the session's language (the
 * Bengali text says itself that it is an unofficial translation).
 * Read-only.
 */
#include <stdlib.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "screens.h"
#include "util.h"
#include "view.h"

static const enum action_id about_actions[] = {ACT_UP,  ACT_DOWN,   ACT_PGUP, ACT_PGDN,
                                               ACT_TOP, ACT_BOTTOM, ACT_NONE};

static void about_fill(struct ui_textview *tv, void *arg)
{
    char *text = NULL, *err = NULL;

    if (db_page_get(app_db(), "about", i18n_is_bn() ? "bn" : "en", &text, &err) != DB_OK) {
        ui_tv_para(tv, err != NULL ? err : "?", UI_ERROR);
        free(err);
        return;
    }
    ui_tv_markdown(tv, text != NULL ? text : "");
    free(text);
}

static const struct view_ops about_ops = {about_fill, NULL, NULL, NULL};

struct screen *screen_about_new(void)
{
    return view_screen_new("about", N_("About"), about_actions, &about_ops, NULL);
}
