/*
 * eventcmd.c: "mabdesk agenda" and the iCalendar commands (eventcmd.h).
 *
 * Text from the database is never printed raw: every value goes through
 * text_sanitize(), which also turns a tab or a newline into a visible
 * mark, so each occurrence stays one line of tab-separated columns.
 */
#include "eventcmd.h"

#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/event.h"
#include "db/records.h"
#include "evlist.h"
#include "evrecur.h"
#include "evtime.h"
#include "fmt/ical.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define MAX_DAYS 3660

static const char *agenda_usage(void)
{
    return _("usage: mabdesk agenda [--from YYYY-MM-DD] [--days N] [--municipality ID]\n");
}

static const char *export_usage(void)
{
    return _("usage: mabdesk export events [--from YYYY-MM-DD] [--to YYYY-MM-DD] "
             "[--municipality ID] [-o FILE]\n");
}

static const char *import_usage(void)
{
    return _("usage: mabdesk import events FILE.ics [--municipality ID] [--dry-run]\n");
}

/* Print msg (taken over) and the usage text; returns -1. */
static int usage(char *msg, const char *text)
{
    fprintf(stderr, "mabdesk: %s\n%s", msg, text);
    free(msg);
    return -1;
}

static int is_help(const char *s)
{
    return strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0;
}

/* "--format csv" (or -f csv, --format=csv): the generic CSV export. */
static int asks_csv(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-f") == 0) && i + 1 < argc &&
            strcmp(argv[i + 1], "csv") == 0)
            return 1;
        if (strcmp(argv[i], "--format=csv") == 0 || strcmp(argv[i], "-fcsv") == 0)
            return 1;
    }
    return 0;
}

/* An argument naming an iCalendar file. */
static int names_ics(int argc, char **argv)
{
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]);

        if (n > 4 && strcasecmp(argv[i] + n - 4, ".ics") == 0)
            return 1;
    }
    return 0;
}

int eventcmd_is(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "agenda") == 0)
        return 1;
    if (argc < 2 || strcmp(argv[1], "events") != 0)
        return 0;
    if (strcmp(argv[0], "export") == 0)
        return !asks_csv(argc, argv);
    return strcmp(argv[0], "import") == 0 && names_ics(argc, argv);
}

/* A whole number in [min, max]: 0, or -1. */
static int number(const char *s, long long min, long long max, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    return errno == 0 && end != s && *end == '\0' && *out >= min && *out <= max ? 0 : -1;
}

static int is_day(const char *s)
{
    return evtime_is_date(s) && evtime_valid_local(s);
}

/* One option of any event command: 0, or -1 after a usage message. */
static int option(struct eventcmd *c, int ch, const char *arg, const char *bad, const char *text)
{
    long long n;

    if ((ch == 'f' || ch == 't') && !is_day(arg))
        return usage(xasprintf(_("--%s: '%s' is not a date that exists (YYYY-MM-DD)"),
                               ch == 'f' ? "from" : "to", arg),
                     text);
    if (ch == 'f')
        c->from = arg;
    else if (ch == 't')
        c->to = arg;
    else if (ch == 'd' && number(arg, 1, MAX_DAYS, &n) == 0)
        c->days = (int)n;
    else if (ch == 'd')
        return usage(xasprintf(_("--days: '%s' is not a number from 1 to %d"), arg, MAX_DAYS),
                     text);
    else if (ch == 'm' && number(arg, 1, INT64_MAX, &n) == 0)
        c->municipality = n;
    else if (ch == 'm')
        return usage(xasprintf(_("bad municipality id '%s' (a number)"), arg), text);
    else if (ch == 'o')
        c->output = arg;
    else if (ch == 'n')
        c->dry_run = 1;
    else if (ch == 'F' && strcmp(arg, "ics") != 0)
        return usage(xasprintf(_("unknown export format '%s' (ics or csv)"), arg), text);
    else if (ch != 'F')
        return usage(xasprintf(_("bad option '%s'"), bad), text);
    return 0;
}

int eventcmd_parse(int argc, char **argv, struct eventcmd *c)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},   {"to", required_argument, NULL, 't'},
        {"days", required_argument, NULL, 'd'},   {"municipality", required_argument, NULL, 'm'},
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'F'},
        {"dry-run", no_argument, NULL, 'n'},      {NULL, 0, NULL, 0},
    };
    int agenda = strcmp(argv[0], "agenda") == 0, import = strcmp(argv[0], "import") == 0;
    int skip = agenda ? 1 : 2, ch;
    const char *text = agenda ? agenda_usage() : import ? import_usage() : export_usage();
    /* Each command's own options. */
    const char *own = agenda ? "fdm" : import ? "mn" : "ftmoF";

    memset(c, 0, sizeof *c);
    c->op = agenda ? EVENTCMD_AGENDA : import ? EVENTCMD_IMPORT : EVENTCMD_EXPORT;
    c->days = 7;
    if (argc == skip + 1 && is_help(argv[skip])) {
        fputs(text, stdout);
        return 1;
    }
    /* From the command's noun on; 0, not 1: glibc then forgets the "+" of
     * the first scan. */
    argc -= skip - 1;
    argv += skip - 1;
    optind = 0;
    while ((ch = getopt_long(argc, argv, agenda ? "" : import ? "" : "o:", opts, NULL)) != -1)
        if (option(c, ch != 0 && strchr(own, ch) != NULL ? ch : '?', optarg, argv[optind - 1],
                   text) != 0)
            return -1;
    if (import && optind == argc - 1)
        c->file = argv[optind++];
    else if (import)
        return usage(xasprintf("%s", _("import events needs one FILE.ics")), text);
    if (optind < argc)
        return usage(xasprintf(_("unexpected argument '%s'"), argv[optind]), text);
    if (c->from != NULL && c->to != NULL && strcmp(c->to, c->from) < 0)
        return usage(xasprintf("%s", _("--to is before --from")), text);
    return 0;
}

/* --- agenda ----------------------------------------------------------------- */

/* Every occurrence in the window, one line each: day, time, title,
 * organiser, location, tab-separated (evlist.c says them). */
static int agenda(struct db *db, const struct eventcmd *c, char **err)
{
    const char *zone = evtime_zone();
    char from[EVTIME_LEN], to[EVTIME_LEN];
    struct ev_line *v = NULL;
    time_t t0 = 0, t1 = 0;
    int n = 0, rc;

    if (c->from != NULL)
        snprintf(from, sizeof from, "%s", c->from);
    else
        evtime_today(zone, from);
    evtime_add_days(from, c->days, to);
    evtime_epoch(from, zone, &t0);
    evtime_epoch(to, zone, &t1);
    rc = evlist_window(db, t0, t1, c->municipality, &v, &n, err);
    for (int i = 0; i < n && rc == DB_OK; i++) {
        char *cols[5] = {evlist_day(&v[i]), evlist_time(&v[i]), evlist_title(&v[i]),
                         evlist_organiser(&v[i]), text_sanitize(v[i].location)};

        printf("%s\t%s\t%s\t%s\t%s\n", cols[0], cols[1], cols[2], cols[3], cols[4]);
        for (int k = 0; k < 5; k++)
            free(cols[k]);
    }
    evlist_free(v, n);
    return rc;
}

/* --- export ---------------------------------------------------------------- */

struct export
{
    const struct eventcmd *c;
    struct ical_out *cal;
    time_t from, to;
    int n;
};

static int stop_at_one(const struct ev_occurrence *o, void *arg)
{
    (void)o;
    (void)arg;
    return 1;
}

static int export_event(const struct record *ev, void *arg)
{
    struct export *x = arg;
    char id[32];

    snprintf(id, sizeof id, "%lld", x->c->municipality);
    if (x->c->municipality != 0 && strcmp(ev->f[EF_MUNICIPALITY], id) != 0)
        return DB_OK;
    if (evrecur_expand(ev, evtime_zone(), x->from, x->to, stop_at_one, NULL) <= 0)
        return DB_OK;
    ical_out_add(x->cal, ev);
    x->n++;
    return DB_OK;
}

/* The whole calendar to c->output (standard output when NULL or "-"),
 * written only once it is complete. */
static int write_out(const struct eventcmd *c, const char *text, char **err)
{
    int to_stdout = c->output == NULL || strcmp(c->output, "-") == 0;
    FILE *f = to_stdout ? stdout : fopen(c->output, "wb");
    size_t len = strlen(text);

    if (f == NULL) {
        *err = xasprintf(_("cannot write %s: %s"), c->output, strerror(errno));
        return DB_ERROR;
    }
    if (fwrite(text, 1, len, f) != len || (to_stdout ? fflush(f) : fclose(f)) != 0) {
        *err =
            xasprintf(_("cannot write %s: %s"), to_stdout ? "stdout" : c->output, strerror(errno));
        if (!to_stdout)
            fclose(f);
        return DB_ERROR;
    }
    return DB_OK;
}

static int export_events(struct db *db, const struct eventcmd *c, char **err)
{
    struct export x = {c, NULL, (time_t)INT64_MIN / 2, (time_t)INT64_MAX / 2, 0};
    const char *zone = evtime_zone();
    char day[EVTIME_LEN], *text;
    int rc;

    if (!auth_allowed(db_session(db), kind_event.auth[VERB_EXPORT], 0)) {
        *err = xstrdup(_(kind_event.msgs.may_not[VERB_EXPORT]));
        return DB_DENIED;
    }
    if (c->from != NULL)
        evtime_epoch(c->from, zone, &x.from);
    if (c->to != NULL) { /* the last day, included */
        evtime_add_days(c->to, 1, day);
        evtime_epoch(day, zone, &x.to);
    }
    x.cal = ical_out_new(zone);
    rc = db_record_each(db, &kind_event, export_event, &x, err);
    text = ical_out_finish(x.cal);
    if (rc == DB_OK)
        rc = write_out(c, text, err);
    free(text);
    return rc;
}

/* --- import ---------------------------------------------------------------- */

/* The whole file: DB_OK with *text (malloc'd) and *len, else a message. */
static int read_all(const char *path, char **text, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    struct buf b = {0};
    char chunk[65536];
    size_t n;

    if (f == NULL) {
        *err = xasprintf(_("cannot read %s: %s"), path, strerror(errno));
        return errno == ENOENT ? DB_NOTFOUND : DB_ERROR;
    }
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    if (ferror(f)) {
        *err = xasprintf(_("cannot read %s: %s"), path, strerror(errno));
        fclose(f);
        buf_free(&b);
        return DB_ERROR;
    }
    fclose(f);
    *len = b.len;
    buf_adds(&b, "");
    *text = buf_take(&b);
    return DB_OK;
}

/* What an import did, or (dry run) would do, and what it left out. */
static void import_report(const struct eventcmd *c, const struct ical_in *in,
                          const struct event_import_stats *st)
{
    for (int i = 0; i < in->nnotes; i++) {
        char *safe = text_sanitize(in->notes[i].msg);

        printf("%s:%d: %s\n", c->file, in->notes[i].line, safe);
        free(safe);
    }
    printf(_("%s: %d added, %d updated, %d unchanged, %d not imported%s\n"), c->file, st->added,
           st->updated, st->unchanged, in->nnotes,
           c->dry_run ? _("; nothing was changed (dry run)") : "");
}

/* The rejected events, each by the line of its VEVENT. */
static void import_errors(const struct eventcmd *c, const struct ical_in *in,
                          const struct row_error *errs, int nerrs)
{
    for (int i = 0; i < nerrs; i++) {
        char *safe = text_sanitize(errs[i].msg);

        fprintf(stderr, "%s:%d: %s\n", c->file, in->ev[errs[i].row].line, safe);
        free(safe);
    }
}

static int import_events(struct db *db, const struct eventcmd *c, char **err)
{
    struct event_import_stats st;
    struct row_error *errs = NULL;
    struct record *rows;
    struct ical_in in;
    char *text, id[32];
    size_t len;
    int nerrs = 0, rc = read_all(c->file, &text, &len, err);

    if (rc != DB_OK)
        return rc;
    rc = ical_read(c->file, text, len, evtime_zone(), &in, err) == 0 ? DB_OK : DB_INVALID;
    free(text);
    if (rc != DB_OK)
        return rc;
    /* The records stay in's: the array only points at them. */
    rows = xcalloc((size_t)in.nev + 1, sizeof *rows);
    for (int i = 0; i < in.nev; i++)
        rows[i] = in.ev[i].r;
    snprintf(id, sizeof id, "%lld", c->municipality);
    rc = db_event_import(db, rows, in.nev, c->municipality != 0 ? id : NULL, c->dry_run, &st, &errs,
                         &nerrs, err);
    for (int i = 0; i < in.nev; i++)
        in.ev[i].r = rows[i]; /* as the import left them */
    if (rc == DB_OK)
        import_report(c, &in, &st);
    import_errors(c, &in, errs, nerrs);
    if (rc != DB_OK && nerrs > 0) {
        free(*err);
        *err = xasprintf(ngettext("%s: %d event rejected; nothing was imported",
                                  "%s: %d events rejected; nothing was imported",
                                  (unsigned long)nerrs),
                         c->file, nerrs);
    }
    row_errors_free(errs, nerrs);
    free(rows);
    ical_in_free(&in);
    return rc;
}

int eventcmd_exec(struct db *db, void *arg, char **err)
{
    const struct eventcmd *c = arg;

    if (c->op == EVENTCMD_EXPORT)
        return export_events(db, c, err);
    if (c->op == EVENTCMD_IMPORT)
        return import_events(db, c, err);
    return agenda(db, c, err);
}
