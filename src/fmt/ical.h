/*
 * ical.h: events as iCalendar (RFC 5545), written and read through
 * libical, which escapes TEXT values; lines are folded at 75 octets
 * without splitting a UTF-8 character (tests/unit/test_ical.c holds the
 * writer to that, fuzz_ical too).
 *
 * Records are events as db/ reads them (kinds.h, EF_*): times local to
 * the configured zone.  Timed events are written with TZID and that
 * zone's VTIMEZONE, so a repetition keeps its wall-clock time across
 * daylight saving; all-day events as VALUE=DATE, their DTEND the day
 * after the last.  Nothing here touches the database or the terminal.
 */
#ifndef MABDESK_ICAL_H
#define MABDESK_ICAL_H

#include "record.h"

/* --- writing --------------------------------------------------------------- */

struct ical_out;

/* A calendar of events whose times are local to zone (an Olson name). */
struct ical_out *ical_out_new(const char *zone);
/* ev's VEVENT, with its RRULE and EXDATEs, and one VEVENT (RECURRENCE-ID)
 * per moved occurrence. */
void ical_out_add(struct ical_out *, const struct record *ev);
/* The calendar as text (CRLF, folded), and the writer freed.  Malloc'd. */
char *ical_out_finish(struct ical_out *);

/* --- reading --------------------------------------------------------------- */

/* An event read from a file: a record of kind_event whose times are local
 * to the zone given to ical_read(), its UID (EX_UID) and its cancelled
 * and moved occurrences (EX_EXCEPTIONS) set, and no organiser. */
struct ical_event {
    struct record r;
    int line; /* of its BEGIN:VEVENT */
};
/* What the file holds that mabdesk cannot keep: a whole component (a
 * VTODO, an event whose repetition it cannot represent) or a part of one
 * (a reminder), each with its line and why. */
struct ical_note {
    int line;
    char *msg;
};
struct ical_in {
    struct ical_event *ev;
    int nev;
    struct ical_note *notes;
    int nnotes;
};

/*
 * Read a whole file's text (name in messages): folded lines, escapes,
 * TZID times in any zone of the system's database or of a VTIMEZONE in
 * the file, UTC and floating times (floating: in zone), all-day events,
 * RRULE, EXDATE and RECURRENCE-ID overrides.  0, or -1 with *err
 * "name:LINE: why" when the file is not well-formed iCalendar (nothing
 * of it is then to be used).
 */
int ical_read(const char *name, const char *text, size_t len, const char *zone, struct ical_in *,
              char **err);
void ical_in_free(struct ical_in *);

#endif
