/*
 * ical_in.c: reading events from iCalendar (ical.h).
 *
 * libical parses leniently: a line it cannot read becomes an X-LIC-ERROR
 * property, and it knows no line numbers.  So the file is first checked
 * here line by line (UTF-8, content-line shape, BEGIN/END nesting), which
 * names the line of any malformation; then libical parses it, and its
 * components are matched, in order, with the BEGIN lines seen here to
 * name the line of anything found later.
 */
#include <ctype.h>
#include <stdint.h>
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evrecur.h"
#include "evtime.h"
#include "fmt/ical.h"
#include "fmt/ical_fields.h"
#include "i18n.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define MAX_DEPTH 16
#define MAX_UID 255

/* A logical (unfolded) line: where it starts and its text. */
struct lline {
    int line;
    char *text;
};

/* The cancelled and moved occurrences of one event being read, each as
 * EX_EXCEPTIONS says (evrecur.h). */
struct exlist {
    char **v;
    int n;
};

struct reader {
    const char *name, *zone;
    struct exlist *ex; /* per event of out */
    struct lline *l;
    int nl;
    int *vevent_at; /* index into l of each VEVENT's BEGIN, in order */
    int nvevent;
    icalcomponent *root;
    struct ical_in *out;
    char **err;
    /* The events by UID: open addressing, slots hold index + 1 (0: empty);
     * cap is 0 or a power of two. */
    int *by_uid;
    size_t cap;
};

static size_t uid_hash(const char *s)
{
    size_t h = 14695981039346656037u;

    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

/* The event with this UID, or -1. */
static int uid_find(const struct reader *rd, const char *uid)
{
    for (size_t i = rd->cap ? uid_hash(uid) & (rd->cap - 1) : 0; rd->cap && rd->by_uid[i];
         i = (i + 1) & (rd->cap - 1))
        if (strcmp(rd->out->ev[rd->by_uid[i] - 1].r.x[EX_UID], uid) == 0)
            return rd->by_uid[i] - 1;
    return -1;
}

/* Event k (its UID set) into the table, which stays at most half full. */
static void uid_add(struct reader *rd, int k)
{
    size_t i;

    if (2 * ((size_t)k + 1) > rd->cap) {
        int *old = rd->by_uid;
        size_t oldcap = rd->cap;

        rd->cap = rd->cap ? 2 * rd->cap : 64;
        rd->by_uid = xcalloc(rd->cap, sizeof *rd->by_uid);
        for (size_t j = 0; j < oldcap; j++)
            if (old[j])
                uid_add(rd, old[j] - 1);
        free(old);
    }
    i = uid_hash(rd->out->ev[k].r.x[EX_UID]) & (rd->cap - 1);
    while (rd->by_uid[i])
        i = (i + 1) & (rd->cap - 1);
    rd->by_uid[i] = k + 1;
}

/* why (taken over) may quote the file: made safe to print. */
static int fail(struct reader *rd, int line, char *why)
{
    char *safe = text_sanitize(why);

    *rd->err = xasprintf("%s:%d: %s", rd->name, line, safe);
    free(safe);
    free(why);
    return -1;
}

static void note(struct reader *rd, int line, char *msg)
{
    struct ical_in *o = rd->out;

    o->notes = xreallocarray(o->notes, (size_t)o->nnotes + 1, sizeof *o->notes);
    o->notes[o->nnotes].line = line;
    o->notes[o->nnotes++].msg = msg;
}

static void push(struct reader *rd, int line, struct buf *b)
{
    buf_adds(b, "");
    rd->l = xreallocarray(rd->l, (size_t)rd->nl + 1, sizeof *rd->l);
    rd->l[rd->nl].line = line;
    rd->l[rd->nl++].text = buf_take(b);
}

/* Split text into logical lines: CRLF or LF ends a line, a line starting
 * with a space or tab continues the one before. */
static void unfold(struct reader *rd, const char *text, size_t len)
{
    struct buf b = {0};
    int line = 0, start = 0; /* the line the logical line began on; 0: none yet */

    for (size_t i = 0; i < len;) {
        size_t e = i, n;

        while (e < len && text[e] != '\n')
            e++;
        n = e - i;
        if (n > 0 && text[i + n - 1] == '\r')
            n--;
        line++;
        if (start != 0 && n > 0 && (text[i] == ' ' || text[i] == '\t')) {
            buf_add(&b, text + i + 1, n - 1);
        } else {
            if (start != 0)
                push(rd, start, &b);
            start = line;
            buf_add(&b, text + i, n);
        }
        i = e + 1;
    }
    if (start != 0)
        push(rd, start, &b);
}

/* The name of a content line ("DTSTART" of "DTSTART;TZID=...:..."), its
 * length; 0 when the line is not NAME[;params]:value. */
static size_t line_name(const char *s)
{
    size_t n = 0;

    while (isalnum((unsigned char)s[n]) || s[n] == '-')
        n++;
    if (n == 0 || (s[n] != ':' && s[n] != ';') || strchr(s + n, ':') == NULL)
        return 0;
    return n;
}

static int named(const char *s, const char *name)
{
    size_t n = line_name(s);

    return n == strlen(name) && strncasecmp(s, name, n) == 0;
}

/* BEGIN/END in order and nested, everything inside one VCALENDAR. */
static int check_nesting(struct reader *rd, const struct lline *l, char **stack, int *lines,
                         int *depth)
{
    const char *v = strchr(l->text, ':') + 1;

    if (named(l->text, "BEGIN")) {
        if (*depth == 0 && strcasecmp(v, "VCALENDAR") != 0)
            return fail(rd, l->line, xstrdup(_("a calendar starts with BEGIN:VCALENDAR")));
        if (*depth == MAX_DEPTH)
            return fail(rd, l->line, xstrdup(_("components nested too deep")));
        if (*depth == 1 && strcasecmp(v, "VEVENT") == 0) {
            rd->vevent_at = xreallocarray(rd->vevent_at, (size_t)rd->nvevent + 1, sizeof(int));
            rd->vevent_at[rd->nvevent++] = (int)(l - rd->l);
        }
        lines[*depth] = l->line;
        stack[(*depth)++] = (char *)v;
        return 0;
    }
    if (named(l->text, "END")) {
        if (*depth == 0 || strcasecmp(v, stack[*depth - 1]) != 0)
            return fail(rd, l->line,
                        *depth == 0 ? xasprintf(_("END:%s without a BEGIN"), v)
                                    : xasprintf(_("END:%s does not close BEGIN:%s of line %d"), v,
                                                stack[*depth - 1], lines[*depth - 1]));
        (*depth)--;
        return 0;
    }
    if (*depth == 0)
        return fail(rd, l->line, xstrdup(_("a calendar starts with BEGIN:VCALENDAR")));
    return 0;
}

/* What no line may hold (text.h: controls, bidirectional overrides,
 * invalid UTF-8; a tab is a value's own), or NULL. */
static char *line_problem(const char *s)
{
    char *copy = xstrdup(s), *why;

    for (char *p = copy; *p != '\0'; p++)
        if (*p == '\t')
            *p = ' ';
    why = text_forbidden_problem(copy, 0);
    free(copy);
    return why;
}

/* The file's shape, line by line. */
static int check_lines(struct reader *rd)
{
    char *stack[MAX_DEPTH];
    int lines[MAX_DEPTH], depth = 0, ended = 0, last = 1;
    char *why;

    for (int i = 0; i < rd->nl; i++) {
        const struct lline *l = &rd->l[i];

        if (*l->text == '\0')
            continue;
        last = l->line;
        if (ended)
            return fail(rd, l->line, xstrdup(_("text after END:VCALENDAR")));
        if ((why = line_problem(l->text)) != NULL)
            return fail(rd, l->line, why);
        if (line_name(l->text) == 0)
            return fail(rd, l->line, xstrdup(_("not a content line (NAME:value)")));
        if (check_nesting(rd, l, stack, lines, &depth) != 0)
            return -1;
        ended = depth == 0;
    }
    if (!ended && depth == 0)
        return fail(rd, last, xstrdup(_("no calendar in this file (BEGIN:VCALENDAR)")));
    if (depth != 0)
        return fail(rd, last,
                    xasprintf(_("BEGIN:%s of line %d is never closed"), stack[depth - 1],
                              lines[depth - 1]));
    return 0;
}

/* The first line holding what, or dflt. */
static int line_of(const struct reader *rd, const char *what, int dflt)
{
    for (int i = 0; what != NULL && *what != '\0' && i < rd->nl; i++)
        if (strstr(rd->l[i].text, what) != NULL)
            return rd->l[i].line;
    return dflt;
}

/* The line of property name in the VEVENT whose BEGIN is logical line b. */
static int prop_line(const struct reader *rd, int b, const char *name)
{
    for (int i = b + 1; i < rd->nl && !named(rd->l[i].text, "END"); i++)
        if (named(rd->l[i].text, name))
            return rd->l[i].line;
    return rd->l[b].line;
}

/* libical's complaints (X-LIC-ERROR) in c and below: the first refuses
 * the file, naming the line that holds what it quotes; one about a
 * parameter only drops the parameter (a note). */
static int check_errors(struct reader *rd, icalcomponent *c)
{
    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_XLICERROR_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_XLICERROR_PROPERTY)) {
        const char *msg = icalproperty_get_xlicerror(p), *q;
        icalparameter *t = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
        icalparameter_xlicerrortype type =
            t != NULL ? icalparameter_get_xlicerrortype(t) : ICAL_XLICERRORTYPE_NONE;
        int line;

        if (msg == NULL)
            msg = "?";
        q = strrchr(msg, ':');
        /* What the message quotes: after its last colon. */
        while (q != NULL && (*q == ':' || *q == ' '))
            q++;
        line = line_of(rd, q, 1);

        if (type == ICAL_XLICERRORTYPE_PARAMETERNAMEPARSEERROR ||
            type == ICAL_XLICERRORTYPE_PARAMETERVALUEPARSEERROR) {
            note(rd, line, xasprintf(_("ignored: %s"), msg));
            continue;
        }
        return fail(rd, line, xstrdup(msg));
    }
    for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != NULL;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        if (check_errors(rd, k) != 0)
            return -1;
    return 0;
}

/* --- times ------------------------------------------------------------------ */

/* The zone of a time property: UTC ("Z"), its TZID (an Olson name, one of
 * libical's, or a VTIMEZONE of the file), or NULL for a floating time.
 * *unknown when the TZID names nothing. */
static icaltimezone *prop_zone(struct reader *rd, icalproperty *p, struct icaltimetype t,
                               const char **unknown)
{
    icalparameter *tz = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char *id;
    icaltimezone *z;

    *unknown = NULL;
    if (icaltime_is_utc(t))
        return icaltimezone_get_utc_timezone();
    if (tz == NULL || (id = icalparameter_get_tzid(tz)) == NULL)
        return NULL;
    if ((z = icaltimezone_get_builtin_timezone(id)) == NULL &&
        (z = icaltimezone_get_builtin_timezone_from_tzid(id)) == NULL &&
        (z = icalcomponent_get_timezone(rd->root, id)) == NULL)
        *unknown = id;
    return z;
}

/* t (in zone from; NULL: floating) as a local value of the configured
 * zone cz, or its date alone.  A time outside the years mabdesk keeps is
 * left as it is, to be refused: converting it would make libical expand
 * the zone's rules up to that year (year 9999: a second and megabytes). */
static void to_local(struct icaltimetype t, icaltimezone *from, icaltimezone *cz,
                     char out[EVTIME_LEN])
{
    if (!t.is_date && from != NULL && t.year >= EVTIME_FIRST_YEAR - 1 &&
        t.year <= EVTIME_LAST_YEAR + 1) {
        t = icaltime_set_timezone(&t, from);
        t = icaltime_convert_to_zone(t, cz);
    }
    if (t.is_date)
        snprintf(out, EVTIME_LEN, "%04d-%02d-%02d", t.year, t.month, t.day);
    else
        snprintf(out, EVTIME_LEN, "%04d-%02d-%02d %02d:%02d", t.year, t.month, t.day, t.hour,
                 t.minute);
}

/* The time of a property as a local value; -1 with a note when its zone
 * is unknown. */
static int prop_local(struct reader *rd, icalproperty *p, int line, char out[EVTIME_LEN])
{
    struct icaltimetype t = icalvalue_get_datetime(icalproperty_get_value(p));
    const char *unknown;
    icaltimezone *z = prop_zone(rd, p, t, &unknown);

    if (unknown != NULL) {
        note(rd, line,
             xasprintf(_("%s: unknown time zone '%s': this event is not imported"),
                       icalproperty_get_property_name(p), unknown));
        return -1;
    }
    to_local(t, z, evtime_libical_zone(rd->zone), out);
    return 0;
}

/* A local value as stored (UTC), or the date of an all-day event: 0, or
 * -1 (out: local as it is) when it is not a time mabdesk keeps. */
static int stored(const char *local, int all_day, const char *zone, char out[EVTIME_LEN])
{
    char day[11];

    snprintf(day, sizeof day, "%.10s", local);
    if (evtime_to_utc(all_day ? day : local, zone, out) == 0)
        return 0;
    snprintf(out, EVTIME_LEN, "%s", all_day ? day : local);
    return -1;
}

static void note_time(struct reader *rd, int line, const char *what, const char *local)
{
    note(rd, line,
         xasprintf(_("%s %s: not a time mabdesk keeps (years %d to %d): ignored"), what, local,
                   EVTIME_FIRST_YEAR, EVTIME_LAST_YEAR));
}

/* The event's RRULE as its fields: 0, or -1 with a note. */
static int read_rrule(struct reader *rd, icalcomponent *c, int b, struct record *ev)
{
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_RRULE_PROPERTY);
    icalproperty *dp = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    struct icaltimetype dtstart = icalvalue_get_datetime(icalproperty_get_value(dp)), start;
    struct icalrecurrencetype r;
    const char *unknown;
    icaltimezone *z = prop_zone(rd, dp, dtstart, &unknown);
    char until[EVTIME_LEN];
    int line = prop_line(rd, b, "RRULE");

    record_set(ev, EF_REPEAT, "none");
    if (p == NULL)
        return 0;
    r = icalproperty_get_rrule(p);
    if (icalcomponent_count_properties(c, ICAL_RRULE_PROPERTY) > 1 ||
        icalcomponent_get_first_property(c, ICAL_RDATE_PROPERTY) != NULL) {
        note(rd, line,
             xasprintf(_("%s: more than one rule or extra dates (RDATE): this event "
                         "is not imported"),
                       ev->x[EX_UID]));
        return -1;
    }
    start = icaltime_null_time(); /* the local DTSTART, as the fields read it */
    evtime_parse(ev->f[EF_START], &start.year, &start.month, &start.day, &start.hour, &start.minute,
                 &start.is_date);
    if (!icaltime_is_null_time(r.until)) {
        to_local(r.until, icaltime_is_utc(r.until) ? icaltimezone_get_utc_timezone() : NULL,
                 evtime_libical_zone(rd->zone), until);
        until[10] = '\0';
        record_set(ev, EF_UNTIL, until);
    }
    if (ical_rule_fields(&r, start, ev) != 0 || !ical_rule_same(r, dtstart, z, rd->zone, ev)) {
        char *rule = icalrecurrencetype_as_string_r(&r);

        note(rd, line,
             xasprintf(_("%s: mabdesk cannot repeat it as RRULE:%s does: this event "
                         "is not imported"),
                       ev->x[EX_UID], rule));
        free(rule);
        return -1;
    }
    return 0;
}

/* --- events -------------------------------------------------------------------- */

static void ex_add(struct reader *rd, int i, char *item)
{
    struct exlist *l = &rd->ex[i];

    l->v = xreallocarray(l->v, (size_t)l->n + 1, sizeof *l->v);
    l->v[l->n++] = item;
}

/* The end as a local value: DTEND (an all-day event's: the day before,
 * its last), else DTSTART + DURATION, else the start itself. */
static int read_end(struct reader *rd, icalcomponent *c, int b, struct record *ev)
{
    icalproperty *p = icalcomponent_get_first_property(c, ICAL_DTEND_PROPERTY);
    int all_day = evtime_is_date(ev->f[EF_START]);
    char end[EVTIME_LEN];

    if (p != NULL) {
        if (prop_local(rd, p, prop_line(rd, b, "DTEND"), end) != 0)
            return -1;
        if (all_day && evtime_is_date(end)) {
            evtime_add_days(end, -1, end);
            if (strcmp(end, ev->f[EF_START]) < 0)
                snprintf(end, sizeof end, "%s", ev->f[EF_START]);
        }
    } else if ((p = icalcomponent_get_first_property(c, ICAL_DURATION_PROPERTY)) != NULL) {
        struct icaltimetype t = icaltime_null_time();
        struct icaldurationtype d = icalproperty_get_duration(p);

        evtime_parse(ev->f[EF_START], &t.year, &t.month, &t.day, &t.hour, &t.minute, &t.is_date);
        t = icaltime_add(t, d);
        if (all_day)
            icaltime_adjust(&t, -1, 0, 0, 0);
        to_local(t, NULL, NULL, end);
    } else {
        snprintf(end, sizeof end, "%s", ev->f[EF_START]);
    }
    record_set(ev, EF_END, end);
    return 0;
}

/* The EXDATEs: cancelled occurrences. */
static int read_exdates(struct reader *rd, icalcomponent *c, int b, int i)
{
    struct record *ev = &rd->out->ev[i].r;
    int all_day = evtime_is_date(ev->f[EF_START]);

    for (icalproperty *p = icalcomponent_get_first_property(c, ICAL_EXDATE_PROPERTY); p != NULL;
         p = icalcomponent_get_next_property(c, ICAL_EXDATE_PROPERTY)) {
        char local[EVTIME_LEN], at[EVTIME_LEN];

        int line = prop_line(rd, b, "EXDATE");

        if (prop_local(rd, p, line, local) != 0)
            return -1;
        if (stored(local, all_day, rd->zone, at) != 0)
            note_time(rd, line, "EXDATE", local);
        else
            ex_add(rd, i, xasprintf("%s|1||", at));
    }
    return 0;
}

/* What cannot be kept of a VEVENT that is otherwise imported. */
static void note_parts(struct reader *rd, icalcomponent *c, int b)
{
    for (icalcomponent *k = icalcomponent_get_first_component(c, ICAL_ANY_COMPONENT); k != NULL;
         k = icalcomponent_get_next_component(c, ICAL_ANY_COMPONENT))
        note(rd, prop_line(rd, b, "BEGIN"),
             xasprintf(_("%s: %s inside an event is not kept (reminders and the like)"),
                       icalcomponent_get_uid(c),
                       icalcomponent_kind_to_string(icalcomponent_isa(k))));
}

/* A VEVENT without RECURRENCE-ID, logical line b: one more event, or a
 * note of why not. */
/* The UID of c as kept (NFC, trimmed: malloc'd), or NULL with a note
 * when there is none mabdesk can keep. */
static char *usable_uid(struct reader *rd, icalcomponent *c, int line)
{
    const char *raw = icalcomponent_get_uid(c);
    char *uid = text_clean(raw != NULL ? raw : "");

    if (*uid == '\0') {
        note(rd, line, xasprintf(_("an event without %s is not imported"), "UID"));
    } else if (strlen(uid) > MAX_UID || text_forbidden(uid, 0, NULL) >= 0) {
        /* libical turns escapes such as \f into control characters. */
        note(rd, line,
             xstrdup(_("an event whose UID is too long or holds control characters "
                       "is not imported")));
    } else {
        return uid;
    }
    free(uid);
    return NULL;
}

/* 1 if c (UID uid) is to be one more event: not cancelled, its UID not
 * taken by an earlier event of the file; else 0 with a note. */
static int new_master(struct reader *rd, icalcomponent *c, const char *uid, int line)
{
    if (icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED) {
        note(rd, line, xasprintf(_("%s: cancelled (STATUS:CANCELLED): not imported"), uid));
        return 0;
    }
    if (uid_find(rd, uid) >= 0) {
        note(rd, line, xasprintf(_("%s: a second event with this UID is not imported"), uid));
        return 0;
    }
    return 1;
}

static void read_master(struct reader *rd, icalcomponent *c, int b)
{
    struct ical_in *o = rd->out;
    icalproperty *dp = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    int line = rd->l[b].line, i = o->nev;
    char start[EVTIME_LEN], *uid;
    struct record *ev;

    if (dp == NULL) {
        note(rd, line, xasprintf(_("an event without %s is not imported"), "DTSTART"));
        return;
    }
    if ((uid = usable_uid(rd, c, line)) == NULL)
        return;
    if (!new_master(rd, c, uid, line)) {
        free(uid);
        return;
    }
    if (prop_local(rd, dp, prop_line(rd, b, "DTSTART"), start) != 0) {
        free(uid);
        return;
    }
    o->ev = xreallocarray(o->ev, (size_t)o->nev + 1, sizeof *o->ev);
    rd->ex = xreallocarray(rd->ex, (size_t)o->nev + 1, sizeof *rd->ex);
    memset(&rd->ex[i], 0, sizeof rd->ex[i]);
    ev = &o->ev[i].r;
    record_init(ev, &kind_event);
    o->ev[i].line = line;
    o->nev++;
    str_set(&ev->x[EX_UID], uid);
    free(uid);
    record_set(ev, EF_START, start);
    ical_read_texts(c, ev);
    if (read_end(rd, c, b, ev) != 0 || read_rrule(rd, c, b, ev) != 0 ||
        read_exdates(rd, c, b, i) != 0) {
        o->nev--; /* noted: forget it */
        record_free(ev);
        for (int k = 0; k < rd->ex[i].n; k++)
            free(rd->ex[i].v[k]);
        free(rd->ex[i].v);
        return;
    }
    uid_add(rd, i);
    note_parts(rd, c, b);
}

/* The times an occurrence is moved to (tmp's start and end): of the
 * event's sort (dates or times), that exist, in order; else a note. */
static int moved_ok(struct reader *rd, const struct record *tmp, int all_day, int line,
                    const char *uid)
{
    const char *s = tmp->f[EF_START], *e = tmp->f[EF_END];
    char utc[EVTIME_LEN];

    if (evtime_valid_local(s) && evtime_valid_local(e) && evtime_is_date(s) == all_day &&
        evtime_is_date(e) == all_day && strcmp(e, s) >= 0 && evtime_to_utc(s, rd->zone, utc) == 0 &&
        evtime_to_utc(e, rd->zone, utc) == 0)
        return 1;
    note(rd, line,
         xasprintf(_("%s: an occurrence moved to times mabdesk cannot keep "
                     "(%s to %s): not imported"),
                   uid, s, e));
    return 0;
}

/* The event of this file that c (a changed occurrence) belongs to, or
 * -1 with a note. */
static int master_of(struct reader *rd, icalcomponent *c, int line)
{
    const char *raw = icalcomponent_get_uid(c);
    char *uid = text_clean(raw != NULL ? raw : "");
    int i = uid_find(rd, uid);

    if (i >= 0) {
        free(uid);
        return i;
    }
    note(rd, line,
         xasprintf(_("%s: a changed occurrence of an event this file does not "
                     "hold (or could not import) is not imported"),
                   *uid != '\0' ? uid : "?"));
    free(uid);
    return -1;
}

/* A VEVENT with RECURRENCE-ID (logical line b): an occurrence of an event
 * of this file moved, or cancelled; only its times are kept. */
static void read_override(struct reader *rd, icalcomponent *c, int b)
{
    icalproperty *rp = icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY);
    icalproperty *dp = icalcomponent_get_first_property(c, ICAL_DTSTART_PROPERTY);
    int line = rd->l[b].line, i = master_of(rd, c, line), all_day;
    char orig[EVTIME_LEN], at[EVTIME_LEN], start[EVTIME_LEN], end[EVTIME_LEN];
    struct record tmp;

    if (i < 0 || prop_local(rd, rp, prop_line(rd, b, "RECURRENCE-ID"), orig) != 0)
        return;
    all_day = evtime_is_date(rd->out->ev[i].r.f[EF_START]);
    if (stored(orig, all_day, rd->zone, at) != 0) {
        note_time(rd, prop_line(rd, b, "RECURRENCE-ID"), "RECURRENCE-ID", orig);
        return;
    }
    if (icalcomponent_get_status(c) == ICAL_STATUS_CANCELLED || dp == NULL) {
        ex_add(rd, i, xasprintf("%s|1||", at)); /* without a new start: not there */
        return;
    }
    record_init(&tmp, &kind_event);
    if (prop_local(rd, dp, prop_line(rd, b, "DTSTART"), start) == 0) {
        record_set(&tmp, EF_START, start);
        if (read_end(rd, c, b, &tmp) == 0 &&
            moved_ok(rd, &tmp, all_day, line, rd->out->ev[i].r.x[EX_UID])) {
            stored(start, all_day, rd->zone, start);
            stored(tmp.f[EF_END], all_day, rd->zone, end);
            ex_add(rd, i, xasprintf("%s|0|%s|%s", at, start, end));
        }
    }
    record_free(&tmp);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Each event's exceptions as EX_EXCEPTIONS, in order, one per occurrence
 * (a moved one wins over the same one cancelled: "|0|" sorts first). */
static void join_exceptions(struct reader *rd)
{
    for (int i = 0; i < rd->out->nev; i++) {
        struct exlist *l = &rd->ex[i];
        struct buf b = {0};
        const char *last = NULL;
        size_t lastlen = 0;

        if (l->n > 1)
            qsort(l->v, (size_t)l->n, sizeof *l->v, by_text);
        buf_adds(&b, "");
        for (int k = 0; k < l->n; k++) {
            size_t n = strcspn(l->v[k], "|");

            if (last == NULL || n != lastlen || strncmp(last, l->v[k], n) != 0)
                buf_printf(&b, "%s%s", b.len ? ";" : "", l->v[k]);
            last = l->v[k];
            lastlen = n;
        }
        str_set(&rd->out->ev[i].r.x[EX_EXCEPTIONS], b.data);
        buf_free(&b);
    }
}

/* The calendar's components: events first, their changed occurrences
 * after; everything else noted. */
static void read_components(struct reader *rd)
{
    int k = 0;

    for (icalcomponent *c = icalcomponent_get_first_component(rd->root, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(rd->root, ICAL_ANY_COMPONENT)) {
        icalcomponent_kind kind = icalcomponent_isa(c);

        if (kind == ICAL_VEVENT_COMPONENT && k < rd->nvevent) {
            if (icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) == NULL)
                read_master(rd, c, rd->vevent_at[k]);
            k++;
        } else if (kind != ICAL_VTIMEZONE_COMPONENT) {
            const char *what = icalcomponent_kind_to_string(kind);

            note(rd, line_of(rd, what, 1),
                 xasprintf(_("%s: not an event: not imported"), what != NULL ? what : "?"));
        }
    }
    k = 0;
    for (icalcomponent *c = icalcomponent_get_first_component(rd->root, ICAL_VEVENT_COMPONENT);
         c != NULL && k < rd->nvevent;
         c = icalcomponent_get_next_component(rd->root, ICAL_VEVENT_COMPONENT), k++)
        if (icalcomponent_get_first_property(c, ICAL_RECURRENCEID_PROPERTY) != NULL)
            read_override(rd, c, rd->vevent_at[k]);
    join_exceptions(rd);
}

int ical_read(const char *name, const char *text, size_t len, const char *zone, struct ical_in *out,
              char **err)
{
    struct reader rd = {.name = name, .zone = zone, .out = out, .err = err};
    const char *nul = memchr(text, '\0', len);
    char *copy;
    int rc = -1;

    memset(out, 0, sizeof *out);
    unfold(&rd, text, len);
    if (nul != NULL) {
        int line = 1;

        for (const char *p = text; p < nul; p++)
            line += *p == '\n';
        rc = fail(&rd, line, xstrdup(_("a NUL byte: not a text file")));
    } else if (check_lines(&rd) == 0) {
        copy = xstrndup(text, len);
        rd.root = icalparser_parse_string(copy);
        free(copy);
        icalerror_clear_errno();
        if (rd.root == NULL || icalcomponent_isa(rd.root) != ICAL_VCALENDAR_COMPONENT)
            rc = fail(&rd, 1, xstrdup(_("not an iCalendar file")));
        else if ((rc = check_errors(&rd, rd.root)) == 0)
            read_components(&rd);
    }
    if (rd.root != NULL)
        icalcomponent_free(rd.root);
    for (int i = 0; i < rd.nl; i++)
        free(rd.l[i].text);
    free(rd.l);
    free(rd.vevent_at);
    free(rd.by_uid);
    for (int i = 0; rd.ex != NULL && i < out->nev; i++) {
        for (int k = 0; k < rd.ex[i].n; k++)
            free(rd.ex[i].v[k]);
        free(rd.ex[i].v);
    }
    free(rd.ex);
    if (rc != 0)
        ical_in_free(out);
    return rc;
}

void ical_in_free(struct ical_in *in)
{
    for (int i = 0; i < in->nev; i++)
        record_free(&in->ev[i].r);
    free(in->ev);
    for (int i = 0; i < in->nnotes; i++)
        free(in->notes[i].msg);
    free(in->notes);
    memset(in, 0, sizeof *in);
}
