/*
 * mailcmd.c: the two mail commands (mailcmd.h).  Each subscriber's
 * message is written in that subscriber's language: the session's
 * language is switched for the message (gettext, i18n.c) and set back
 * before anything is printed.  Text from the database reaches a message
 * only sanitised (text.c), and fmt/mail.c sanitises again at the header
 * and body boundary.
 *
 * The digest's body is a list of sections, each a function that appends
 * to it: the coming events (evlist.c), then the directory's changes.
 */
#include "mailcmd.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "db/db.h"
#include "db/mailing.h"
#include "evlist.h"
#include "fmt/mail.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

enum { PAGE = 500, WRAP = 72 };

static const char *usage_of(enum mailcmd_op op)
{
    return op == MAILCMD_DIGEST
               ? _("usage: mabdesk digest [--days N] [--maildir DIR | --sendmail PATH] [--dry-run]")
               : _("usage: mabdesk subscribers send-confirmations [--maildir DIR | --sendmail "
                   "PATH] [--dry-run]");
}

static int usage(enum mailcmd_op op, const char *msg)
{
    fprintf(stderr, "mabdesk: %s\n%s\n", msg, usage_of(op));
    return -1;
}

int mailcmd_parse(int argc, char **argv, struct mailcmd *c)
{
    static const struct option opts[] = {
        {"maildir", required_argument, NULL, 'M'}, {"sendmail", required_argument, NULL, 'S'},
        {"dry-run", no_argument, NULL, 'n'},       {"days", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0},
    };
    int ch, dry = 0, outs = 0;
    long long days;

    memset(c, 0, sizeof *c);
    c->op = strcmp(argv[0], "digest") == 0 ? MAILCMD_DIGEST : MAILCMD_CONFIRMATIONS;
    c->days = 14;
    optind = 0; /* 0, not 1: glibc then forgets the "+" of the first scan */
    while ((ch = getopt_long(argc, argv, ":hn", opts, NULL)) != -1) {
        if (ch == 'h') {
            printf("%s\n", usage_of(c->op));
            return 1;
        } else if (ch == 'M' || ch == 'S') {
            c->mode = ch == 'M' ? MAILOUT_MAILDIR : MAILOUT_SENDMAIL;
            c->path = optarg;
            outs++;
        } else if (ch == 'n') {
            dry = 1;
        } else if (ch == 'd' && c->op == MAILCMD_DIGEST && str_whole(optarg, &days) == 0 &&
                   days >= 1 && days <= 366) {
            c->days = (int)days;
        } else if (ch == 'd' && c->op == MAILCMD_DIGEST) {
            return usage(c->op, _("--days: a number of days from 1 to 366 is wanted"));
        } else {
            return usage(c->op, _("unknown option or missing value"));
        }
    }
    if (optind < argc)
        return usage(c->op, _("unexpected argument"));
    if (outs > 1 || (outs == 0 && !dry))
        return usage(c->op, _("say where the messages go: one of --maildir DIR or --sendmail PATH "
                              "(or --dry-run)"));
    if (dry)
        c->mode = MAILOUT_DRY;
    return 0;
}

int mailcmd_config(struct mailcmd *c, const struct config *conf, char **err)
{
    const enum config_key need[] = {CK_MAIL_FROM, CK_UNSUBSCRIBE_URL, CK_CONFIRM_URL};
    size_t n = c->op == MAILCMD_DIGEST ? 2 : 3;

    for (size_t i = 0; i < n; i++) {
        if (config_str(conf, need[i]) == NULL) {
            *err = xasprintf(_("%s is not set in the configuration: the messages need it (see "
                               "mabdesk.conf(5))"),
                             config_key_name(need[i]));
            return MAILCMD_CONFIG;
        }
    }
    c->from = config_str(conf, CK_MAIL_FROM);
    c->unsubscribe_url = config_str(conf, CK_UNSUBSCRIBE_URL);
    c->confirm_url = config_str(conf, CK_CONFIRM_URL);
    c->list_id = config_str(conf, CK_LIST_ID);
    return DB_OK;
}

/* --- the text of the messages ------------------------------------------------ */

/* s wrapped to WRAP columns, then an empty line. */
static void paragraph(struct buf *b, const char *s)
{
    int n;
    char **lines = text_wrap(s, WRAP, &n);

    for (int i = 0; i < n; i++)
        buf_printf(b, "%s\n", lines[i]);
    buf_addc(b, '\n');
    text_lines_free(lines, n);
}

/* A value from the database for one line: no controls, no line breaks. */
static char *one_line(const char *s)
{
    return text_sanitize(s != NULL ? s : "");
}

static void greeting(struct buf *b, const struct mailee *m)
{
    char *name = one_line(m->name), *s;

    s = *name != '\0' ? xasprintf(_("Hello %s,"), name) : xstrdup(_("Hello,"));
    paragraph(b, s);
    free(s);
    free(name);
}

/* A number in the message's language (Bengali digits in Bengali). */
static char *number(int n)
{
    char d[16];

    snprintf(d, sizeof d, "%d", n);
    return i18n_digits(d);
}

/* What the subscriber asked for: one municipality's news, or all. */
static char *interest(const struct mailee *m)
{
    if (m->municipality_id == 0)
        return xstrdup(_("all municipalities"));
    return one_line(i18n_pick(m->municipality_en, m->municipality_bn));
}

static void confirmation_text(const struct mailcmd *c, const struct mailee *m, char **subject,
                              struct buf *b)
{
    char *what = interest(m), *days = number(SUBSCRIBER_TOKEN_DAYS), *s;
    char *confirm = config_url(c->confirm_url, m->confirm_token);
    char *unsub = config_url(c->unsubscribe_url, m->unsubscribe_token);

    *subject = xstrdup(_("Please confirm your subscription to the Municipality Digest"));
    greeting(b, m);
    s = xasprintf(_("Someone, most likely you, asked for the Municipality Digest of the "
                    "Municipal Association of Bangladesh to be sent to this address, with the "
                    "news of %s."),
                  what);
    paragraph(b, s);
    free(s);
    s = xasprintf(_("To confirm, open this link within %s days:"), days);
    paragraph(b, s);
    buf_printf(b, "%s\n\n", confirm);
    paragraph(b, _("If you did not ask for it, ignore this message: nothing more will be sent to "
                   "this address unless it is confirmed."));
    paragraph(b, _("To refuse the digest for good, open:"));
    buf_printf(b, "%s\n", unsub);
    free(s);
    free(what);
    free(days);
    free(confirm);
    free(unsub);
}

/* The digest's sections: each appends its part of the body for the
 * subscriber (ctx->m). */
struct digest_ctx {
    const struct mailcmd *c;
    const struct mailee *m;
    const struct dir_change *changes;
    int nchanges;
    const struct ev_line *events;
    int nevents;
};

typedef void digest_section(struct buf *, const struct digest_ctx *);

/* The municipalities added, changed or removed in the last days: all of
 * them for a subscriber of all, else that subscriber's one. */
static void section_directory(struct buf *b, const struct digest_ctx *x)
{
    static const char *const what[] = {
        [DIR_ADDED] = N_("added to the directory"),
        [DIR_CHANGED] = N_("details updated"),
        [DIR_REMOVED] = N_("removed from the directory"),
    };
    char *days = number(x->c->days), *s;
    int shown = 0;

    for (int i = 0; i < x->nchanges; i++) {
        const struct dir_change *d = &x->changes[i];
        char *name;

        if (x->m->municipality_id != 0 && d->id != x->m->municipality_id)
            continue;
        if (shown++ == 0) {
            s = xasprintf(_("Changes in the directory in the last %s days:"), days);
            paragraph(b, s);
            free(s);
        }
        name = one_line(i18n_pick(d->name_en, d->name_bn));
        buf_printf(b, "  * %s: %s\n", name, _(what[d->what]));
        free(name);
    }
    if (shown > 0) {
        buf_addc(b, '\n');
    } else {
        s = xasprintf(_("No changes in the directory in the last %s days."), days);
        paragraph(b, s);
        free(s);
    }
    free(days);
}

/* The events of the coming days: the association's, and those of the
 * subscriber's municipality (of every one, for a subscriber of all). */
static void section_events(struct buf *b, const struct digest_ctx *x)
{
    char *days = number(x->c->days), *s;
    int shown = 0;

    for (int i = 0; i < x->nevents; i++) {
        const struct ev_line *l = &x->events[i];
        char *day, *time, *title, *org, *where;

        if (x->m->municipality_id != 0 && l->municipality_id != 0 &&
            l->municipality_id != x->m->municipality_id)
            continue;
        if (shown++ == 0) {
            s = xasprintf(_("Events in the next %s days:"), days);
            paragraph(b, s);
            free(s);
        }
        day = evlist_day(l);
        time = evlist_time(l);
        title = evlist_title(l);
        org = evlist_organiser(l);
        where = one_line(l->location);
        buf_printf(b, "  * %s, %s: %s (%s%s%s)\n", day, time, title, org, *where ? ", " : "",
                   where);
        free(day);
        free(time);
        free(title);
        free(org);
        free(where);
    }
    if (shown > 0) {
        buf_addc(b, '\n');
    } else {
        s = xasprintf(_("No events in the next %s days."), days);
        paragraph(b, s);
        free(s);
    }
    free(days);
}

static digest_section *const digest_sections[] = {section_events, section_directory};

static void digest_text(const struct digest_ctx *x, char **subject, struct buf *b)
{
    char *days = number(x->c->days), *what = interest(x->m), *s;
    char *unsub = config_url(x->c->unsubscribe_url, x->m->unsubscribe_token);

    *subject = xasprintf(_("Municipality Digest: the last %s days"), days);
    greeting(b, x->m);
    s = xasprintf(_("The news of the Municipal Association of Bangladesh for you, with %s."), what);
    paragraph(b, s);
    free(s);
    for (size_t i = 0; i < nitems(digest_sections); i++)
        digest_sections[i](b, x);
    paragraph(b, _("You receive the Municipality Digest because you subscribed to it. To "
                   "unsubscribe, open:"));
    buf_printf(b, "%s\n", unsub);
    free(days);
    free(what);
    free(unsub);
}

/* --- a run ---------------------------------------------------------------------- */

struct run {
    const struct mailcmd *c;
    struct mailout out;
    char *from_name, *from_addr;
    const struct dir_change *changes;
    int nchanges;
    const struct ev_line *events;
    int nevents;
    int written, skipped;
};

/* m's message in m's language: subject and body (malloc'd / appended). */
static void compose(const struct run *r, const struct mailee *m, char **subject, struct buf *body)
{
    char *lang = xstrdup(i18n_lang());

    if (strcmp(lang, m->lang) != 0)
        i18n_set_lang(m->lang);
    if (r->c->op == MAILCMD_DIGEST) {
        struct digest_ctx x = {r->c, m, r->changes, r->nchanges, r->events, r->nevents};

        digest_text(&x, subject, body);
    } else {
        confirmation_text(r->c, m, subject, body);
    }
    if (strcmp(lang, m->lang) != 0)
        i18n_set_lang(lang);
    free(lang);
}

/* Build and deliver m's message: 1 delivered (or counted, in a dry run),
 * 0 skipped with a warning (an address no header can carry), -1 when
 * delivery failed (*err). */
static int mail_one(struct run *r, const struct mailee *m, char **err)
{
    char *subject = NULL, *why = NULL;
    char *unsub = config_url(r->c->unsubscribe_url, m->unsubscribe_token);
    struct buf body = {0}, msg = {0};
    struct mail mail;
    int rc;

    compose(r, m, &subject, &body);
    mail = (struct mail){r->from_name, r->from_addr,  m->name, m->email,  subject,
                         body.data,    r->c->list_id, unsub,   time(NULL)};
    if (mail_build(&mail, &msg, &why) != 0) {
        fprintf(stderr, _("mabdesk: skipped subscriber %lld: %s\n"), m->id, why);
        free(why);
        r->skipped++;
        rc = 0;
    } else if (mailout_send(&r->out, m->email, msg.data, msg.len, err) != 0) {
        rc = -1;
    } else {
        r->written++;
        rc = 1;
    }
    buf_free(&msg);
    buf_free(&body);
    free(subject);
    free(unsub);
    return rc;
}

/* Every subscriber of set, a page at a time; a confirmation is stamped
 * right after its delivery. */
static int run_set(struct db *db, struct run *r, enum mailee_set set, char **err)
{
    long long after = 0;
    int rc = DB_OK;

    for (;;) {
        struct mailee *v;
        int n;

        if ((rc = db_mailees_page(db, set, after, PAGE, &v, &n, err)) != DB_OK)
            return rc;
        for (int i = 0; i < n && rc == DB_OK; i++) {
            int k = mail_one(r, &v[i], err);

            after = v[i].id;
            if (k < 0)
                rc = r->c->mode == MAILOUT_SENDMAIL ? MAILCMD_DELIVERY : MAILCMD_IO;
            else if (k > 0 && set == MAILEES_CONFIRM && r->c->mode != MAILOUT_DRY)
                rc = db_mailee_confirm_mailed(db, v[i].id, v[i].confirm_token, err);
        }
        mailees_free(v, n);
        if (rc != DB_OK || n < PAGE)
            return rc;
    }
}

static void summary(const struct run *r, FILE *out)
{
    int dry = r->c->mode == MAILOUT_DRY;

    if (r->c->op == MAILCMD_DIGEST && dry)
        fprintf(out,
                _("%d digest messages would be written (%d skipped); nothing was sent (dry "
                  "run)\n"),
                r->written, r->skipped);
    else if (r->c->op == MAILCMD_DIGEST)
        fprintf(out, _("%d digest messages written (%d skipped)\n"), r->written, r->skipped);
    else if (dry)
        fprintf(out,
                _("%d confirmation messages would be written (%d skipped); nothing was sent "
                  "(dry run)\n"),
                r->written, r->skipped);
    else
        fprintf(out, _("%d confirmation messages written (%d skipped)\n"), r->written, r->skipped);
}

/* Every event of the next days (from now), for all the digests of a run. */
static int coming_events(struct db *db, const struct mailcmd *c, struct ev_line **v, int *n,
                         char **err)
{
    time_t now = time(NULL);

    return evlist_window(db, now, now + (time_t)c->days * 86400, 0, v, n, err);
}

int mailcmd_exec(struct db *db, const struct mailcmd *c, FILE *out, char **err)
{
    struct run r = {0};
    struct dir_change *changes = NULL;
    struct ev_line *events = NULL;
    int expired = 0, rc;

    r.c = c;
    if (mail_parse_mailbox(c->from, &r.from_name, &r.from_addr) != 0)
        return MAILCMD_CONFIG; /* config.c checked it: cannot happen */
    if (mailout_open(&r.out, c->mode, c->path, err) != 0)
        rc = c->mode == MAILOUT_SENDMAIL ? MAILCMD_DELIVERY : MAILCMD_IO;
    else if (c->op == MAILCMD_DIGEST &&
             (rc = coming_events(db, c, &events, &r.nevents, err)) == DB_OK)
        rc = db_directory_changes(db, c->days, &changes, &r.nchanges, err);
    else if (c->op != MAILCMD_DIGEST)
        rc = db_mailees_expired(db, &expired, err);
    r.changes = changes;
    r.events = events;
    r.skipped = expired;
    if (rc == DB_OK) {
        rc = run_set(db, &r, c->op == MAILCMD_DIGEST ? MAILEES_DIGEST : MAILEES_CONFIRM, err);
        summary(&r, out);
    }
    dir_changes_free(changes, r.nchanges);
    evlist_free(events, r.nevents);
    free(r.from_name);
    free(r.from_addr);
    return rc;
}
