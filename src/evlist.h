/*
 * evlist.h: the occurrences of every event in a window of time, in time
 * order -- what the agenda prints, the digest mails and the screens list.
 * Each keeps the values it is read with in both scripts, so one list
 * serves readers of either language; evlist_day() and evlist_time() say
 * the day and time in the session's language at the time they are
 * called.  Nothing here writes to the terminal.
 */
#ifndef MABDESK_EVLIST_H
#define MABDESK_EVLIST_H

#include <time.h>

struct db;

struct ev_line {
    time_t t; /* the start, as a moment */
    long long event_id;
    long long municipality_id; /* the organiser; 0: the association */
    char *start, *end;         /* as stored (UTC, or dates of an all-day event) */
    char *title_en, *title_bn;
    char *organiser_en, *organiser_bn; /* "" for the association */
    char *location;
    char *category; /* as stored: "training", ... */
};

/* Every occurrence overlapping [from, to) of the events of municipality
 * (0: of everyone), in time order (*n of them in *v).  Reads only the
 * events that can reach the window (db_event_window()).  DB_OK or a db/
 * status with *err. */
int evlist_window(struct db *, time_t from, time_t to, long long municipality, struct ev_line **v,
                  int *n, char **err);
void evlist_free(struct ev_line *, int n);

/* "2026-12-01", or in Bengali "২০২৬-১২-০১ (১৬ অগ্রহায়ণ ১৪৩৩)". Malloc'd. */
char *evlist_day(const struct ev_line *);
/* "10:30-13:00" (Bengali digits in Bengali), or "all day".  Malloc'd. */
char *evlist_time(const struct ev_line *);
/* The title and the organiser in the session's language, sanitised for a
 * line of text (the association by its name).  Malloc'd. */
char *evlist_title(const struct ev_line *);
char *evlist_organiser(const struct ev_line *);

#endif
