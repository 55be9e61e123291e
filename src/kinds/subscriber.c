/*
 * subscriber.c: the readers of the Municipality Digest as a kind of
 * record: a descriptor, and the hooks for what no table can say -- the
 * rules of a status change, the tokens a new subscriber gets, and how a
 * row of an imported list meets the subscriber it names.
 *
 * The rules (issue 9): a pending address becomes active only when its
 * owner confirms (db/subscriber.c, by token) or when staff say why; an
 * unsubscribed address is never made active again except by its owner
 * confirming again (staff may set it back to pending, which asks for that
 * confirmation); an active address never goes back to pending.  Tokens
 * are never shown: no list value, export column or audit picture holds
 * them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "i18n.h"
#include "kinds/kinds.h"
#include "util.h"

const char *const subscriber_statuses[] = {"pending", "active", "unsubscribed", "bounced", NULL};
static const char *const status_labels[] = {
    N_("Pending confirmation"), N_("Active"), N_("Unsubscribed"), N_("Bounced"), NULL,
};
const char *const subscriber_langs[] = {"bn", "en", NULL};
static const char *const lang_labels[] = {N_("Bengali"), N_("English"), NULL};
static const char *const hows[] = {"kiosk", "ssh", "staff", "import", NULL};
static const char *const how_labels[] = {
    N_("Kiosk form"), N_("SSH form"), N_("Staff entry"), N_("Import"), NULL,
};

static const struct field_def fields[SF_COUNT] = {
    [SF_EMAIL] = {"email", N_("Email"), FT_EMAIL, 1, 254},
    [SF_NAME] = {"name", N_("Name"), FT_TEXT, 0, 200},
    [SF_MUNICIPALITY] = {"municipality", N_("Municipality (empty: all)"), FT_REF, 0, 400,
                         .ref = &kinds_municipality_ref, .column = "municipality_id",
                         .flags = FF_OWNER},
    [SF_LANG] = {"lang", N_("Language"), FT_CHOICE, 1, 2, subscriber_langs, lang_labels},
    [SF_STATUS] = {"status", N_("Status"), FT_CHOICE, 1, 16, subscriber_statuses, status_labels},
    [SF_REASON] = {"status_reason", N_("Reason for the status"), FT_TEXT, 0, 400},
    [SF_CONSENT_HOW] = {"consent_how", N_("Consent given through"), FT_CHOICE, 1, 8, hows,
                        how_labels, .flags = FF_NOEDIT},
    [SF_CONSENT_BY] = {"consent_by", N_("Consent recorded by"), FT_TEXT, 0, 400,
                       .flags = FF_NOEDIT},
    [SF_CONSENT_NOTE] = {"consent_note", N_("Where consent was given"), FT_TEXT, 0, 400},
};

static const struct extra_def extras[SX_COUNT] = {
    [SX_MUNICIPALITY_EN] = {"municipality_en", "m.name_en", XF_EXPORT},
    [SX_MUNICIPALITY_BN] = {"municipality_bn", "m.name_bn", XF_EXPORT},
    [SX_CONSENT_AT] = {"consent_at", "t.consent_at", XF_EXPORT | XF_AUDIT, N_("Consent given")},
    [SX_CREATED_AT] = {"created_at", "t.created_at", XF_EXPORT | XF_AUDIT, N_("Subscribed")},
    [SX_CONFIRMED_AT] = {"confirmed_at", "t.confirmed_at", XF_EXPORT | XF_AUDIT, N_("Confirmed")},
    [SX_UNSUBSCRIBED_AT] = {"unsubscribed_at", "t.unsubscribed_at", XF_EXPORT | XF_AUDIT,
                            N_("Unsubscribed")},
    [SX_BOUNCED_AT] = {"bounced_at", "t.bounced_at", XF_EXPORT | XF_AUDIT, N_("Bounced")},
    [SX_CONFIRM_TOKEN] = {"confirm_token", "t.confirm_token", XF_STORED},
    [SX_UNSUBSCRIBE_TOKEN] = {"unsubscribe_token", "t.unsubscribe_token", XF_STORED},
    [SX_TOKEN_ISSUED_AT] = {"token_issued_at", "t.token_issued_at", 0},
};

enum { J_MUNICIPALITY = 1 << 0 };

static const char *const joins[] = {
    " LEFT JOIN municipality m ON m.id = t.municipality_id",
    NULL,
};

static const char *const list_values[SL_COUNT] = {
    "t.email", "t.name", "t.status", "t.lang", "m.name_en", "m.name_bn", "t.municipality_id",
};

static const struct list_col cols[] = {
    {N_("Email"), SL_EMAIL, -1, NULL, NULL, -1, 34, 20},
    {N_("Name"), SL_NAME, -1, NULL, NULL, -1, 0, 8},
    {N_("Status"), SL_STATUS, -1, subscriber_statuses, status_labels, -1, 14, 10},
    {N_("Language"), SL_LANG, -1, subscriber_langs, lang_labels, -1, 9, 7},
    {N_("Municipality"), SL_MUNICIPALITY_EN, SL_MUNICIPALITY_BN, NULL, NULL, -1, 20, 12},
};

static const struct detail_row detail[] = {
    {NULL, SF_EMAIL, -1, -1, 0},
    {NULL, SF_NAME, -1, -1, 0},
    {NULL, SF_MUNICIPALITY, SX_MUNICIPALITY_EN, SX_MUNICIPALITY_BN, 0},
    {NULL, SF_LANG, -1, -1, 0},
    {NULL, SF_STATUS, -1, -1, 0},
    {NULL, SF_REASON, -1, -1, 0},
    {NULL, SF_CONSENT_HOW, -1, -1, 0},
    {NULL, SF_CONSENT_BY, -1, -1, 0},
    {NULL, SF_CONSENT_NOTE, -1, -1, 0},
    {N_("Consent given"), -1, SX_CONSENT_AT, -1, 0},
    {N_("Subscribed"), -1, SX_CREATED_AT, -1, 0},
    {N_("Confirmed"), -1, SX_CONFIRMED_AT, -1, 0},
    {N_("Unsubscribed"), -1, SX_UNSUBSCRIBED_AT, -1, 0},
    {N_("Bounced"), -1, SX_BOUNCED_AT, -1, 0},
};

static const struct sort_def sorts[SUB_SORT_COUNT] = {
    [SUB_SORT_EMAIL] = {N_("email"), "t.email_key, t.id", "t.email_key, t.id", 0},
    [SUB_SORT_NAME] = {N_("name"), "t.name COLLATE NOCASE, t.id", "t.name, t.id", 0},
    [SUB_SORT_NEWEST] = {N_("newest"), "t.id DESC", "t.id DESC", 0},
};

static const struct filter_def filters[SUB_FILTER_COUNT] = {
    [SUB_FILTER_MUNICIPALITY] = {"t.municipality_id = ?", 0},
    [SUB_FILTER_STATUS] = {"t.status = (CASE ? WHEN 1 THEN 'pending' WHEN 2 THEN 'active'"
                           " WHEN 3 THEN 'unsubscribed' WHEN 4 THEN 'bounced' END)",
                           0, 1 + SF_STATUS},
    [SUB_FILTER_LANG] = {"t.lang = (CASE ? WHEN 1 THEN 'bn' WHEN 2 THEN 'en' END)", 0, 1 + SF_LANG},
};

static const struct bulk_def bulk[] = {
    {N_("Confirm"), SF_STATUS, "active", SF_REASON,
     N_("Where did these people consent? The reason is kept with each address."), N_("Confirmed")},
    {N_("Unsubscribe"), SF_STATUS, "unsubscribed", -1,
     N_("Unsubscribe the marked addresses? They receive nothing more until they subscribe and "
        "confirm again."),
     N_("Unsubscribed")},
};

void subscriber_token(char out[SUBSCRIBER_TOKEN_LEN + 1])
{
    unsigned long long now = (unsigned long long)time(NULL);

    snprintf(out, 9, "%08llx", now & 0xffffffffULL);
    random_hex(out + 8, (SUBSCRIBER_TOKEN_LEN - 8) / 2);
}

static int is(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int refuse(char *msg, size_t msgsz, int field, const char *why)
{
    snprintf(msg, msgsz, "%s", why);
    return field;
}

/* A new subscriber: its tokens, and whose entry it is when nothing says. */
static int change_new(struct record *c, const struct session *s, char *msg, size_t msgsz)
{
    char token[SUBSCRIBER_TOKEN_LEN + 1];

    if (*c->x[SX_CONFIRM_TOKEN] == '\0') {
        subscriber_token(token);
        str_set(&c->x[SX_CONFIRM_TOKEN], token);
    }
    if (*c->x[SX_UNSUBSCRIBE_TOKEN] == '\0') {
        subscriber_token(token);
        str_set(&c->x[SX_UNSUBSCRIBE_TOKEN], token);
    }
    if (*c->f[SF_CONSENT_HOW] == '\0')
        str_set(&c->f[SF_CONSENT_HOW], "staff");
    if (*c->f[SF_CONSENT_BY] == '\0')
        str_set(&c->f[SF_CONSENT_BY], s->user);
    if (is(c->f[SF_STATUS], "active") && *c->f[SF_REASON] == '\0')
        return refuse(msg, msgsz, SF_REASON,
                      _("an address is active only once its owner confirms it: say where this "
                        "person consented"));
    return -1;
}

static int change(const struct record *stored, struct record *c, const struct session *s, char *msg,
                  size_t msgsz)
{
    const char *from, *to = c->f[SF_STATUS];

    if (stored == NULL)
        return change_new(c, s, msg, msgsz);
    from = stored->f[SF_STATUS];
    if (is(from, to))
        return -1;
    if (is(to, "active") && is(from, "unsubscribed"))
        return refuse(msg, msgsz, SF_STATUS,
                      _("only its owner can subscribe an unsubscribed address again, by "
                        "confirming: set it to pending"));
    if (is(to, "active") && (*c->f[SF_REASON] == '\0' || is(c->f[SF_REASON], stored->f[SF_REASON])))
        return refuse(msg, msgsz, SF_REASON,
                      _("say why this address is active without its owner's confirmation"));
    if (is(to, "pending") && is(from, "active"))
        return refuse(msg, msgsz, SF_STATUS, _("a confirmed address does not go back to pending"));
    return -1;
}

/* The status a row of a file asks for: active only when the import says
 * where those people consented. */
static const char *row_status(const struct record *row, const struct import_opts *o)
{
    int noted = o->consent_note != NULL && *o->consent_note != '\0';
    const char *want = row->f[SF_STATUS];

    if (!o->present[SF_STATUS] || *want == '\0')
        want = noted ? "active" : "pending";
    if (is(want, "active") && !noted)
        want = "pending";
    /* A stored value, not the row's own text, which the caller replaces. */
    for (int i = 0; subscriber_statuses[i] != NULL; i++)
        if (is(want, subscriber_statuses[i]))
            return subscriber_statuses[i];
    return "pending";
}

/*
 * A row of an imported list: a new address comes in as row_status() says;
 * for a known one, an unsubscribe or a bounce in the file is respected,
 * a pending address may become what the file asks, and an active,
 * unsubscribed or bounced one keeps its status (never un-confirmed, never
 * re-activated).  The consent on record stays that of the first
 * subscription.
 */
static void import_row(const struct record *stored, struct record *row, const struct import_opts *o)
{
    const char *want = row_status(row, o), *to;
    const char *note = o->consent_note != NULL ? o->consent_note : "";

    if (stored == NULL) {
        to = want;
        str_set(&row->f[SF_CONSENT_HOW], "import");
        if (*row->f[SF_CONSENT_BY] == '\0')
            str_set(&row->f[SF_CONSENT_BY], o->source);
        if (*row->f[SF_CONSENT_NOTE] == '\0')
            str_set(&row->f[SF_CONSENT_NOTE], note);
    } else {
        to = stored->f[SF_STATUS];
        if (is(want, "unsubscribed") || is(want, "bounced") || is(to, "pending"))
            to = want;
        for (int f = SF_CONSENT_HOW; f <= SF_CONSENT_NOTE; f++)
            str_set(&row->f[f], stored->f[f]);
        /* The same address in another case is not a change. */
        if (strcasecmp(row->f[SF_EMAIL], stored->f[SF_EMAIL]) == 0)
            str_set(&row->f[SF_EMAIL], stored->f[SF_EMAIL]);
        if (is(to, stored->f[SF_STATUS])) {
            str_set(&row->f[SF_REASON], stored->f[SF_REASON]);
            str_set(&row->f[SF_STATUS], to);
            return;
        }
    }
    str_set(&row->f[SF_STATUS], to);
    if (is(to, "active"))
        str_set(&row->f[SF_REASON], note);
    else if (stored != NULL && is(row->f[SF_REASON], stored->f[SF_REASON]))
        str_set(&row->f[SF_REASON], "");
    if (stored != NULL && *row->f[SF_REASON] == '\0') {
        char *why = xasprintf(_("imported from %s"), o->source);

        str_set(&row->f[SF_REASON], why);
        free(why);
    }
}

const struct kind kind_subscriber = {
    .name = "subscriber",
    .label = N_("Subscriber"),
    .plural = "subscribers",
    .table = "subscriber",
    .fields = fields,
    .nfields = SF_COUNT,
    .extras = extras,
    .nextras = SX_COUNT,
    .joins = joins,
    .auth =
        {
            [VERB_READ] = AUTH_READ_SUBSCRIBERS,
            [VERB_CREATE] = AUTH_EDIT_SUBSCRIBERS,
            [VERB_EDIT] = AUTH_EDIT_SUBSCRIBERS,
            [VERB_DELETE] = AUTH_EDIT_SUBSCRIBERS,
            [VERB_IMPORT] = AUTH_EDIT_SUBSCRIBERS,
            [VERB_EXPORT] = AUTH_EXPORT_SUBSCRIBERS,
        },
    .msgs =
        {
            .noun = N_("subscriber"),
            .may_not =
                {
                    [VERB_READ] = N_("you may not read the subscribers"),
                    [VERB_CREATE] = N_("you may not add subscribers"),
                    [VERB_EDIT] = N_("you may not change subscribers"),
                    [VERB_DELETE] = N_("you may not remove subscribers"),
                    [VERB_IMPORT] = N_("you may not import subscribers"),
                    [VERB_EXPORT] = N_("this session may not export the subscribers"),
                },
            .deleted = N_("someone else deleted this subscriber in the meantime"),
            .changed = N_("someone else changed this subscriber; look again before deleting"),
        },
    .ui =
        {
            .edit_title = N_("Edit subscriber"),
            .new_title = N_("New subscriber"),
            .new_head = N_("A new subscriber. Fields marked * are required."),
            .not_loaded = N_("This subscriber could not be loaded."),
            .view_title = N_("Subscriber"),
            .list_title = N_("Subscribers"),
            .empty = N_("No subscriber matches."),
            .hint = N_("Press / to search by email or name."),
            .delete_title = N_("Delete subscriber"),
        },
    .name_en = SF_NAME,
    .name_bn = SF_NAME,
    .detail = detail,
    .ndetail = (int)(sizeof detail / sizeof detail[0]),
    .cols = cols,
    .ncols = (int)(sizeof cols / sizeof cols[0]),
    .fts_table = "subscriber_fts",
    .fts_columns = SUBSCRIBER_FTS_COLUMNS,
    .fts_values = SUBSCRIBER_FTS_VALUES("t"),
    .fts_joins = 0,
    .list_values = list_values,
    .nlist_values = SL_COUNT,
    .list_owner = SL_MUNICIPALITY_ID,
    .list_joins = J_MUNICIPALITY,
    .sorts = sorts,
    .nsorts = SUB_SORT_COUNT,
    .filters = filters,
    .nfilters = SUB_FILTER_COUNT,
    .owner_filter = SUB_FILTER_MUNICIPALITY,
    .owner_field = SF_MUNICIPALITY,
    .bulk = bulk,
    .nbulk = (int)(sizeof bulk / sizeof bulk[0]),
    .change = change,
    .key_find = "SELECT id FROM subscriber WHERE email_key = lower(?1)",
    .key_field = SF_EMAIL,
    .import_row = import_row,
};

/* The public subscribe form: the first four fields, which a person gives
 * about themselves.  Never saved as a record: db_subscribe_public() takes
 * the values (screens/subscribe.c). */
const struct kind kind_subscription = {
    .name = "subscription",
    .label = N_("Subscribe"),
    .fields = fields,
    .nfields = SF_FORM_COUNT,
    .ui =
        {
            .new_title = N_("Subscribe to the Municipality Digest"),
            .new_head = N_("News of the association or of one body, by email. * is required."),
        },
    .name_en = SF_NAME,
    .name_bn = SF_NAME,
};
