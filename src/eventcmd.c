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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "db/records.h"
#include "evrecur.h"
#include "evtime.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define MAX_DAYS 3660

static const char *agenda_usage(void)
{
    return _("usage: mabdesk agenda [--from YYYY-MM-DD] [--days N] [--municipality ID]\n");
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

int eventcmd_is(int argc, char **argv)
{
    return argc >= 1 && strcmp(argv[0], "agenda") == 0;
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

int eventcmd_parse(int argc, char **argv, struct eventcmd *c)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},
        {"days", required_argument, NULL, 'd'},
        {"municipality", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    const char *text = agenda_usage();
    long long n;
    int ch;

    memset(c, 0, sizeof *c);
    c->op = EVENTCMD_AGENDA;
    c->days = 7;
    if (argc == 2 && is_help(argv[1])) {
        fputs(text, stdout);
        return 1;
    }
    optind = 0; /* 0, not 1: glibc then forgets the "+" of the first scan */
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (ch == 'f' && is_day(optarg))
            c->from = optarg;
        else if (ch == 'f')
            return usage(
                xasprintf(_("--from: '%s' is not a date that exists (YYYY-MM-DD)"), optarg), text);
        else if (ch == 'd' && number(optarg, 1, MAX_DAYS, &n) == 0)
            c->days = (int)n;
        else if (ch == 'd')
            return usage(
                xasprintf(_("--days: '%s' is not a number from 1 to %d"), optarg, MAX_DAYS), text);
        else if (ch == 'm' && number(optarg, 1, INT64_MAX, &n) == 0)
            c->municipality = n;
        else if (ch == 'm')
            return usage(xasprintf(_("bad municipality id '%s' (a number)"), optarg), text);
        else
            return usage(xasprintf(_("bad option '%s'"), argv[optind - 1]), text);
    }
    if (optind < argc)
        return usage(xasprintf(_("unexpected argument '%s'"), argv[optind]), text);
    return 0;
}

/* --- agenda ----------------------------------------------------------------- */

struct line {
    time_t t;
    int seq;
    char *text;
};

struct agenda {
    const struct eventcmd *c;
    const char *zone;
    time_t from, to;
    struct line *lines;
    int n, cap;
    const struct record *ev; /* the event being expanded */
};

/* "2026-12-01", or in Bengali "২০২৬-১২-০১ (১৬ অগ্রহায়ণ ১৪৩৩)". */
static char *day_column(const char *local)
{
    int y, m, d, hh, mm, is_date;
    char day[11], *digits, *bangla, *s;

    snprintf(day, sizeof day, "%.10s", local);
    if (!i18n_is_bn() || evtime_parse(day, &y, &m, &d, &hh, &mm, &is_date) != 0)
        return xstrdup(day);
    digits = i18n_digits(day);
    bangla = i18n_format_bangla_ymd(y, m - 1, d);
    s = xasprintf("%s (%s)", digits, bangla);
    free(digits);
    free(bangla);
    return s;
}

/* "10:30-13:00", or "all day". */
static char *time_column(const struct ev_occurrence *o, const char *zone)
{
    char s[EVTIME_LEN], e[EVTIME_LEN], *plain;
    char *r;

    if (evtime_is_date(o->start))
        return xstrdup(_("all day"));
    evtime_to_local(o->start, zone, s);
    evtime_to_local(o->end, zone, e);
    plain = xasprintf("%s-%s", s + 11, e + 11);
    r = i18n_digits(plain);
    free(plain);
    return r;
}

/* One value of the database for a line of text. */
static char *safe(const char *en, const char *bn)
{
    return text_sanitize(i18n_pick(en, bn));
}

static int add_occurrence(const struct ev_occurrence *o, void *arg)
{
    struct agenda *a = arg;
    const struct record *ev = a->ev;
    char local[EVTIME_LEN], *cols[5];

    evtime_to_local(o->start, a->zone, local);
    cols[0] = day_column(local);
    cols[1] = time_column(o, a->zone);
    cols[2] = safe(ev->f[EF_TITLE_EN], ev->f[EF_TITLE_BN]);
    cols[3] = *ev->f[EF_MUNICIPALITY] != '\0'
                  ? safe(ev->x[EX_MUNICIPALITY_EN], ev->x[EX_MUNICIPALITY_BN])
                  : xstrdup(_("Municipal Association of Bangladesh"));
    cols[4] = text_sanitize(ev->f[EF_LOCATION]);
    if (a->n == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 64;
        a->lines = xrealloc(a->lines, (size_t)a->cap * sizeof *a->lines);
    }
    a->lines[a->n].t = o->start_t;
    a->lines[a->n].seq = a->n;
    a->lines[a->n].text =
        xasprintf("%s\t%s\t%s\t%s\t%s", cols[0], cols[1], cols[2], cols[3], cols[4]);
    a->n++;
    for (int i = 0; i < 5; i++)
        free(cols[i]);
    return 0;
}

static int agenda_event(const struct record *ev, void *arg)
{
    struct agenda *a = arg;
    char id[32];

    snprintf(id, sizeof id, "%lld", a->c->municipality);
    if (a->c->municipality != 0 && strcmp(ev->f[EF_MUNICIPALITY], id) != 0)
        return DB_OK;
    a->ev = ev;
    evrecur_expand(ev, a->zone, a->from, a->to, add_occurrence, a);
    return DB_OK;
}

static int by_time(const void *x, const void *y)
{
    const struct line *a = x, *b = y;

    if (a->t != b->t)
        return a->t < b->t ? -1 : 1;
    return a->seq - b->seq;
}

static int agenda(struct db *db, const struct eventcmd *c, char **err)
{
    struct agenda a = {c, evtime_zone(), 0, 0, NULL, 0, 0, NULL};
    char from[EVTIME_LEN], to[EVTIME_LEN];
    int rc;

    if (c->from != NULL)
        snprintf(from, sizeof from, "%s", c->from);
    else
        evtime_today(a.zone, from);
    evtime_add_days(from, c->days, to);
    evtime_epoch(from, a.zone, &a.from);
    evtime_epoch(to, a.zone, &a.to);
    rc = db_record_each(db, &kind_event, agenda_event, &a, err);
    if (a.n > 1)
        qsort(a.lines, (size_t)a.n, sizeof *a.lines, by_time);
    for (int i = 0; i < a.n; i++) {
        if (rc == DB_OK)
            printf("%s\n", a.lines[i].text);
        free(a.lines[i].text);
    }
    free(a.lines);
    return rc;
}

int eventcmd_exec(struct db *db, void *arg, char **err)
{
    const struct eventcmd *c = arg;

    return agenda(db, c, err);
}
