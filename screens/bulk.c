/*
 * bulk.c: one change to every marked record of a list (records.c): the
 * kind's own (struct bulk_def: confirm, unsubscribe) or delete.  Each
 * record is saved or deleted as one edit of its own, through db/, so the
 * kind's rules, the permissions, the optimistic lock and the audit log
 * apply to each exactly as to an edit by hand; what could not be done is
 * said record by record.  A change with a reason asks for it first in a
 * form of that one field; any other asks yes or no.
 */
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db/db.h"
#include "i18n.h"
#include "records.h"
#include "screens.h"
#include "text.h"
#include "ui/dialog.h"
#include "ui/ui.h"
#include "util.h"

/* Reasons not done, said in full; the rest are counted. */
#define BULK_SAID 5

/* The change under way: one at a time, as there is one list on top. */
static struct {
    const struct kind *kind;
    const struct bulk_def *def; /* NULL: delete */
    long long *ids;
    int n;
    void (*applied)(void *);
    void *ctx;
    struct field_def reason; /* the form's one field */
    struct kind reason_kind; /* ... as a kind for the form */
} job;

/* How a message names a record: by its key (an address), else its name,
 * else its id. */
static char *named(const struct record *m, long long id)
{
    const struct kind *k = m->kind;
    const char *name =
        i18n_pick(k->name_en >= 0 ? m->f[k->name_en] : "", k->name_bn >= 0 ? m->f[k->name_bn] : "");

    if (k->key_find != NULL && *m->f[k->key_field] != '\0')
        name = m->f[k->key_field];
    return *name != '\0' ? xstrdup(name) : xasprintf("%lld", id);
}

/* One record: DB_OK or a failure with *err. */
static int apply_one(long long id, const char *reason, char **err)
{
    struct record m;
    int rc, bad = RECORD_BAD;

    record_init(&m, job.kind);
    rc = db_record_get(app_db(), job.kind, id, &m, err);
    if (rc == DB_OK && job.def == NULL) {
        rc = db_record_delete(app_db(), job.kind, m.id, m.version, err);
    } else if (rc == DB_OK) {
        record_set(&m, job.def->field, job.def->value);
        if (job.def->reason >= 0)
            record_set(&m, job.def->reason, reason);
        rc = db_record_save(app_db(), &m, NULL, &bad, err);
    }
    if (rc != DB_OK) {
        /* "name@example.org: why". */
        char *who = named(&m, id), *line = xasprintf("%s: %s", who, *err != NULL ? *err : "?");

        free(who);
        free(*err);
        *err = line;
    }
    record_free(&m);
    return rc;
}

/* Every marked record: what was done, then what was not, one per line. */
static char *apply_all(const char *reason)
{
    struct buf b = {0};
    int done = 0, failed = 0;
    char *head, *all, *d, *of;

    buf_adds(&b, "");
    for (int i = 0; i < job.n; i++) {
        char *err = NULL;

        if (apply_one(job.ids[i], reason, &err) == DB_OK) {
            done++;
        } else if (failed++ < BULK_SAID) {
            char *shown = text_sanitize(err != NULL ? err : "?");

            buf_printf(&b, "\n%s", shown);
            free(shown);
        }
        free(err);
    }
    if (failed > BULK_SAID) {
        char *more = xasprintf(ngettext("... and %d more not done.", "... and %d more not done.",
                                        (unsigned long)(failed - BULK_SAID)),
                               failed - BULK_SAID);

        buf_printf(&b, "\n%s", more);
        free(more);
    }
    d = ui_number(done);
    of = ui_number(job.n);
    head = xasprintf(_("%s: %s of %s."), job.def != NULL ? _(job.def->done) : _("Deleted"), d, of);
    free(d);
    free(of);
    all = xasprintf("%s%s", head, b.data);
    free(head);
    buf_free(&b);
    if (job.applied != NULL)
        job.applied(job.ctx);
    return all;
}

static void said(char *text)
{
    char *first = strchr(text, '\n');

    if (first == NULL) {
        app_status("%s", text);
    } else {
        *first = '\0';
        app_error("%s %s", text, first + 1);
    }
    free(text);
}

static void yes_no(void *ctx, int yes)
{
    (void)ctx;
    if (yes)
        said(apply_all(""));
}

static int send_reason(const struct record *m, char **done, char **err)
{
    (void)err;
    *done = apply_all(m->f[0]);
    return 0;
}

static const enum action_id reason_actions[] = {ACT_SAVE, ACT_NEXT_FIELD, ACT_PREV_FIELD, ACT_BACK,
                                                ACT_NONE};
static const struct form_submit reason_submit = {reason_actions, ACT_SAVE, send_reason,
                                                 N_("Nothing was changed.")};

/* The form of the reason: the kind's reason field, required. */
static struct screen *reason_form(void)
{
    job.reason = job.kind->fields[job.def->reason];
    job.reason.required = 1;
    job.reason.flags = 0;
    memset(&job.reason_kind, 0, sizeof job.reason_kind);
    job.reason_kind.name = job.kind->name;
    job.reason_kind.label = job.def->label;
    job.reason_kind.fields = &job.reason;
    job.reason_kind.nfields = 1;
    job.reason_kind.auth[VERB_CREATE] = job.kind->auth[VERB_EDIT];
    job.reason_kind.auth[VERB_EDIT] = job.kind->auth[VERB_EDIT];
    job.reason_kind.ui.new_title = job.def->label;
    job.reason_kind.ui.new_head = job.def->ask;
    job.reason_kind.ui.edit_title = job.def->label;
    return screen_form_new(&job.reason_kind, NULL, &reason_submit);
}

void bulk_start(const struct kind *k, int which, const long long *ids, int n,
                void (*applied)(void *), void *ctx)
{
    char *text, *title, *count;

    free(job.ids);
    job.kind = k;
    job.def = which >= 0 ? &k->bulk[which] : NULL;
    job.ids = xreallocarray(NULL, n > 0 ? (size_t)n : 1, sizeof *job.ids);
    memcpy(job.ids, ids, (size_t)n * sizeof *ids);
    job.n = n;
    job.applied = applied;
    job.ctx = ctx;
    if (job.def != NULL && job.def->reason >= 0) {
        app_push(reason_form());
        return;
    }
    count = ui_number(n);
    if (job.def != NULL)
        text = xstrdup(_(job.def->ask));
    else
        text = xasprintf(ngettext("Delete the %s marked entry? Its history stays in the audit log.",
                                  "Delete the %s marked entries? Their history stays in the audit "
                                  "log.",
                                  (unsigned long)n),
                         count);
    title =
        xasprintf("%s (%s)", job.def != NULL ? _(job.def->label) : _(k->ui.delete_title), count);
    app_push(ui_confirm_new(title, text, yes_no, NULL));
    free(title);
    free(text);
    free(count);
}
