/*
 * subscribers.c: what a subscriber's page shows below its fields -- the
 * history of its status, oldest first, each change with when, who and why.
 * Everything else about subscribers is the generic screens over the
 * descriptor (records.c, record.c, edit.c) and the public form
 * (subscribe.c).
 */
#include <stdlib.h>

#include "app.h"
#include "db/db.h"
#include "db/subscriber.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "screens.h"
#include "text.h"
#include "ui/textview.h"
#include "ui/ui.h"
#include "util.h"

/* One change as a line: "when: from -> to, by whom: why". */
static char *change_line(const struct sub_change *c)
{
    const struct field_def *st = &kind_subscriber.fields[SF_STATUS];
    char *when = ui_local_time(c->at), *by = text_sanitize(c->by), *why = text_sanitize(c->reason),
         *line;

    if (*c->from == '\0')
        line = xasprintf(_("%s: %s, by %s"), when, field_readable(st, c->to), by);
    else
        line = xasprintf(_("%s: %s → %s, by %s"), when, field_readable(st, c->from),
                         field_readable(st, c->to), by);
    if (*why != '\0') {
        char *with = xasprintf("%s: %s", line, why);

        free(line);
        line = with;
    }
    free(when);
    free(by);
    free(why);
    return line;
}

void subscriber_history_fill(struct ui_textview *tv, long long id)
{
    struct sub_change *v = NULL;
    char *err = NULL;
    int n = 0;

    ui_tv_blank(tv);
    ui_tv_heading(tv, _("Status history"));
    if (db_subscriber_history(app_db(), id, &v, &n, &err) != DB_OK) {
        ui_tv_para(tv, err != NULL ? err : "?", UI_ERROR);
        free(err);
        return;
    }
    for (int i = 0; i < n; i++) {
        char *line = change_line(&v[i]);

        ui_tv_item(tv, line);
        free(line);
    }
    sub_changes_free(v, n);
}
