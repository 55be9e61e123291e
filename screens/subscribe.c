/*
 * subscribe.c: the public subscribe form to the Municipality Digest --
 * email, name, municipality and language -- open to every session and the
 * only thing a kiosk may send.  The generic form (edit.c) over
 * kind_subscription; db_subscribe_public() decides and writes, on its own
 * connection, a few times a session at most.
 */
#include <stdlib.h>

#include "app.h"
#include "db/db.h"
#include "db/subscriber.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "screens.h"
#include "util.h"

static const enum action_id subscribe_actions[] = {ACT_SUBSCRIBE, ACT_NEXT_FIELD, ACT_PREV_FIELD,
                                                   ACT_CHOICE,    ACT_PICK,       ACT_PGUP,
                                                   ACT_PGDN,      ACT_BACK,       ACT_NONE};

/* How the person's consent reached us, for the record of it. */
static const char *consent_how(void)
{
    if (app_kiosk())
        return "kiosk";
    return app_remote() ? "ssh" : "staff";
}

static int send_subscription(const struct record *m, char **done, char **err)
{
    enum sub_result res;
    char *why = NULL;
    int rc = db_subscribe_public(app_db(), m->f[SF_EMAIL], m->f[SF_NAME],
                                 strtoll(m->f[SF_MUNICIPALITY], NULL, 10), m->f[SF_LANG],
                                 consent_how(), &res, &why);

    if (rc != DB_OK) {
        *err = why != NULL ? why : xstrdup("?");
        return -1;
    }
    if (res == SUB_ALREADY)
        *done = xasprintf(_("%s is subscribed already: nothing has changed."), m->f[SF_EMAIL]);
    else
        *done = xasprintf(_("You have been successfully subscribed! A message asking you to "
                            "confirm is on its way to %s; the digest starts once you confirm."),
                          m->f[SF_EMAIL]);
    return 0;
}

static const struct form_submit subscribe = {subscribe_actions, ACT_SUBSCRIBE, send_subscription,
                                             N_("Oops! Something went wrong, please try again.")};

struct screen *screen_subscribe_new(void)
{
    struct record preset;
    struct screen *s;

    record_init(&preset, &kind_subscription);
    record_set(&preset, SF_LANG, i18n_is_bn() ? "bn" : "en");
    s = screen_form_new(&kind_subscription, &preset, &subscribe);
    record_free(&preset);
    return s;
}
