/*
 * evrecur.h: the occurrences of an event.  An event's recurrence is kept
 * as its form asks it (kinds.h: EF_REPEAT .. EF_TIMES); here it becomes
 * an RFC 5545 RRULE and libical expands it in the configured zone, so a
 * weekly 10:00 stays 10:00 across a change of daylight saving time.
 * Cancelled and moved occurrences (EX_EXCEPTIONS) are honoured.  Works on
 * a record as db/ reads it (local times); nothing here touches the
 * database or the terminal.
 */
#ifndef MABDESK_EVRECUR_H
#define MABDESK_EVRECUR_H

#include <time.h>

#include "evtime.h"
#include "record.h"

/* One occurrence, its times as stored (UTC, or dates for an all-day
 * event, whose end is its last day). */
struct ev_occurrence {
    char start[EVTIME_LEN];
    char end[EVTIME_LEN];
    char original[EVTIME_LEN]; /* the start the rule gives it (RECURRENCE-ID) */
    time_t start_t, end_t;     /* as moments; an all-day end: the next midnight */
    int moved;
};

/* A cancelled or moved occurrence: EX_EXCEPTIONS holds them, each
 * "ORIGINAL|CANCELLED|START|END" (stored times; START and END empty when
 * cancelled), separated by ';'. */
struct ev_exception {
    char original[EVTIME_LEN];
    int cancelled;
    char start[EVTIME_LEN];
    char end[EVTIME_LEN];
};
/* Parse EX_EXCEPTIONS: the number read (at most max), or -1 when malformed. */
int evrecur_exceptions(const char *s, struct ev_exception *out, int max);

/* The RRULE of the event's recurrence ("FREQ=WEEKLY;BYDAY=MO,WE"), or NULL
 * when it does not repeat; UNTIL is UTC for a timed event.  Malloc'd. */
char *evrecur_rrule(const struct record *ev, const char *zone);

/*
 * The occurrences of ev (local values, valid) that overlap [from, to),
 * cancelled ones left out and moved ones where they were moved to; fn is
 * called with each, in no promised order, and a non-zero return stops
 * the walk.  The number given to fn, or -1 when ev's times cannot be
 * read.
 */
int evrecur_expand(const struct record *ev, const char *zone, time_t from, time_t to,
                   int (*fn)(const struct ev_occurrence *, void *), void *arg);

/* 1 if the recurrence gives at least one occurrence (exceptions aside). */
int evrecur_any(const struct record *ev, const char *zone);

#endif
