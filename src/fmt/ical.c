/*
 * ical.c: writing events as iCalendar (ical.h).
 *
 * Hazards: libical names its built-in zones "/freeassociation.sourceforge
 * .net/Asia/Dhaka"; other programs look a TZID up by its Olson name, so
 * the VTIMEZONE written here and every TZID parameter say "Asia/Dhaka".
 * libical's folding can break a line (refold()), so lines are folded
 * here, at 75 octets, never inside a UTF-8 character.
 */
#include "fmt/ical.h"

#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "evrecur.h"
#include "evtime.h"
#include "fmt/vcard.h"
#include "kinds/kinds.h"
#include "text.h"
#include "util.h"

#define PRODID "-//Municipal Association of Bangladesh//mabdesk " MABDESK_VERSION "//EN"

struct ical_out {
    icalcomponent *cal;
    const char *zone;
    int utc;        /* the zone is UTC: times are written with Z */
    int zone_added; /* its VTIMEZONE is in cal */
};

struct ical_out *ical_out_new(const char *zone)
{
    struct ical_out *o = xcalloc(1, sizeof *o);

    o->cal = icalcomponent_new_vcalendar();
    o->zone = zone;
    o->utc = strcmp(zone, "UTC") == 0 || icaltimezone_get_builtin_timezone(zone) == NULL;
    icalcomponent_add_property(o->cal, icalproperty_new_prodid(PRODID));
    icalcomponent_add_property(o->cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(o->cal, icalproperty_new_calscale("GREGORIAN"));
    return o;
}

/* The zone's VTIMEZONE, once, named by its Olson name. */
static void add_zone(struct ical_out *o)
{
    icaltimezone *z = icaltimezone_get_builtin_timezone(o->zone);
    icalcomponent *vtz;
    icalproperty *id;

    if (o->zone_added || o->utc || z == NULL)
        return;
    vtz = icalcomponent_new_clone(icaltimezone_get_component(z));
    id = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    if (id != NULL)
        icalproperty_set_tzid(id, o->zone);
    icalcomponent_add_component(o->cal, vtz);
    o->zone_added = 1;
}

/* A local value (or, stored, a UTC one) as a property of kind: DATE,
 * TZID=zone, or UTC. */
static icalproperty *time_prop(struct ical_out *o, icalproperty_kind kind, const char *value,
                               int stored, int day_after)
{
    char local[EVTIME_LEN];
    struct icaltimetype t = icaltime_null_time();
    int is_date;
    icalproperty *p;

    if (stored && evtime_to_local(value, o->zone, local) == 0)
        value = local;
    else if (stored && !evtime_is_date(value))
        return NULL; /* not a time libical can place in the zone */
    if (evtime_parse(value, &t.year, &t.month, &t.day, &t.hour, &t.minute, &is_date) != 0)
        return NULL;
    t.is_date = is_date;
    if (is_date && day_after)
        icaltime_adjust(&t, 1, 0, 0, 0);
    if (!is_date && o->utc)
        t = icaltime_set_timezone(&t, icaltimezone_get_utc_timezone());
    p = icalproperty_new(kind);
    icalproperty_set_value(p, is_date ? icalvalue_new_date(t) : icalvalue_new_datetime(t));
    if (is_date) {
        icalproperty_add_parameter(p, icalparameter_new_value(ICAL_VALUE_DATE));
    } else if (!o->utc) {
        icalproperty_add_parameter(p, icalparameter_new_tzid(o->zone));
        add_zone(o);
    }
    return p;
}

/* A TEXT property (libical escapes it), made safe as on screen first:
 * whatever reads the file may show it on a terminal. */
static void add_text(icalcomponent *c, icalproperty_kind kind, const char *x_name, const char *s,
                     const char *lang)
{
    icalproperty *p;
    char *safe;

    if (s == NULL || *s == '\0')
        return;
    p = icalproperty_new(kind);
    if (x_name != NULL)
        icalproperty_set_x_name(p, x_name);
    safe = text_sanitize_ml(s);
    /* A line break is "\n" in TEXT; libical would write a CR as it is. */
    for (char *r = safe, *w = safe;; r++) {
        if (*r != '\r')
            *w++ = *r;
        if (*r == '\0')
            break;
    }
    /* libical writes an X- property's TEXT with its commas unescaped and
     * reads such commas as separators of several values: as an X value it
     * keeps the text whole (escaping backslash and newline). */
    icalproperty_set_value(p, x_name != NULL ? icalvalue_new_x(safe) : icalvalue_new_text(safe));
    free(safe);
    if (lang != NULL)
        icalproperty_add_parameter(p, icalparameter_new_language(lang));
    icalcomponent_add_property(c, p);
}

/* SUMMARY or DESCRIPTION in English, else Bengali; the Bengali one beside
 * an English one as X-MABDESK-...-BN (a VEVENT has one of each). */
static void add_pair(icalcomponent *c, icalproperty_kind kind, const char *x_name, const char *en,
                     const char *bn)
{
    if (*en != '\0') {
        add_text(c, kind, NULL, en, "en");
        add_text(c, ICAL_X_PROPERTY, x_name, bn, "bn");
    } else {
        add_text(c, kind, NULL, bn, "bn");
    }
}

static void add_organiser(icalcomponent *c, const struct record *ev)
{
    const char *id = ev->f[EF_MUNICIPALITY];
    const char *name =
        *id != '\0' ? ev->x[EX_MUNICIPALITY_EN] : "Municipal Association of Bangladesh";
    char *uri = *id != '\0' ? xasprintf("urn:mabdesk:municipality:%s", id)
                            : xstrdup("urn:mabdesk:association");
    icalproperty *p = icalproperty_new_organizer(uri);

    if (*name != '\0')
        icalproperty_add_parameter(p, icalparameter_new_cn(name));
    icalcomponent_add_property(c, p);
    free(uri);
}

static const char *category_label(const char *value)
{
    for (int i = 0; event_categories[i] != NULL; i++)
        if (strcmp(event_categories[i], value) == 0)
            return event_category_labels[i]; /* English: for every reader */
    return "Other";
}

/* What every VEVENT of ev says: UID, DTSTAMP, texts, organiser. */
static icalcomponent *vevent_base(const struct record *ev)
{
    icalcomponent *c = icalcomponent_new_vevent();
    struct icaltimetype now = icaltime_current_time_with_zone(icaltimezone_get_utc_timezone());

    icalcomponent_add_property(c, icalproperty_new_uid(ev->x[EX_UID]));
    icalcomponent_add_property(c, icalproperty_new_dtstamp(now));
    icalcomponent_add_property(
        c, icalproperty_new_sequence((int)(ev->version > 0 ? ev->version - 1 : 0)));
    add_pair(c, ICAL_SUMMARY_PROPERTY, "X-MABDESK-SUMMARY-BN", ev->f[EF_TITLE_EN],
             ev->f[EF_TITLE_BN]);
    add_pair(c, ICAL_DESCRIPTION_PROPERTY, "X-MABDESK-DESCRIPTION-BN", ev->f[EF_DESCRIPTION_EN],
             ev->f[EF_DESCRIPTION_BN]);
    add_text(c, ICAL_LOCATION_PROPERTY, NULL, ev->f[EF_LOCATION], NULL);
    add_text(c, ICAL_CONTACT_PROPERTY, NULL, ev->f[EF_CONTACT], NULL);
    add_text(c, ICAL_CATEGORIES_PROPERTY, NULL, category_label(ev->f[EF_CATEGORY]), NULL);
    add_organiser(c, ev);
    return c;
}

static void add_prop(icalcomponent *c, icalproperty *p)
{
    if (p != NULL)
        icalcomponent_add_property(c, p);
}

/* The EXDATEs of the cancelled occurrences, and a VEVENT per moved one. */
static void add_exceptions(struct ical_out *o, icalcomponent *master, const struct record *ev)
{
    struct ev_exception *ex = xcalloc(512, sizeof *ex);
    int n = evrecur_exceptions(ev->x[EX_EXCEPTIONS], ex, 512);

    for (int i = 0; i < n; i++) {
        icalcomponent *c;

        if (ex[i].cancelled) {
            add_prop(master, time_prop(o, ICAL_EXDATE_PROPERTY, ex[i].original, 1, 0));
            continue;
        }
        c = vevent_base(ev);
        add_prop(c, time_prop(o, ICAL_RECURRENCEID_PROPERTY, ex[i].original, 1, 0));
        add_prop(c, time_prop(o, ICAL_DTSTART_PROPERTY, ex[i].start, 1, 0));
        add_prop(c, time_prop(o, ICAL_DTEND_PROPERTY, ex[i].end, 1, 1));
        icalcomponent_add_component(o->cal, c);
    }
    free(ex);
}

void ical_out_add(struct ical_out *o, const struct record *ev)
{
    icalcomponent *c = vevent_base(ev);
    char *rrule = evrecur_rrule(ev, o->zone);
    int repeats = rrule != NULL;

    add_prop(c, time_prop(o, ICAL_DTSTART_PROPERTY, ev->f[EF_START], 0, 0));
    add_prop(c, time_prop(o, ICAL_DTEND_PROPERTY, ev->f[EF_END], 0, 1));
    if (rrule != NULL) {
        icalcomponent_add_property(c,
                                   icalproperty_new_rrule(icalrecurrencetype_from_string(rrule)));
        free(rrule);
    }
    icalcomponent_add_component(o->cal, c);
    if (repeats)
        add_exceptions(o, c, ev);
}

/*
 * libical's text unfolded and folded again here: when a line's last piece
 * is 73 or 74 octets, libical 3.0 folds between the CR and the LF that
 * end it, leaving a CR inside a line and an empty continuation.  Its
 * folds are all "CRLF space", so unfolding gives the content lines whole.
 */
static char *refold(const char *s)
{
    char *flat = vcard_unfold(s), *line = flat;
    struct buf b = {0};

    buf_adds(&b, "");
    while (*line != '\0') {
        char *end = strstr(line, "\r\n"), *folded;

        if (end != NULL)
            *end = '\0';
        folded = vcard_fold(line);
        buf_adds(&b, folded);
        free(folded);
        line = end != NULL ? end + 2 : line + strlen(line);
    }
    free(flat);
    return buf_take(&b);
}

char *ical_out_finish(struct ical_out *o)
{
    char *s = icalcomponent_as_ical_string_r(o->cal);
    char *r = refold(s);

    free(s);
    icalcomponent_free(o->cal);
    free(o);
    return r;
}
