/*
 * evtime.h: the times of events.  A person types and reads them in the
 * configured zone ("2026-12-01 10:00", or "2026-12-01" for an all-day
 * event); the database keeps them in UTC ("2026-12-01T04:00:00Z"; a date
 * stays a date).  Conversions go through libical's copy of the system's
 * time zone database, so any Olson zone works, daylight saving included.
 * Nothing here touches the database or the terminal.
 */
#ifndef MABDESK_EVTIME_H
#define MABDESK_EVTIME_H

#include <time.h>

/* Room for any value here, with its NUL. */
#define EVTIME_LEN 24
/* The years an event may be in (libical writes none after 3000). */
#define EVTIME_FIRST_YEAR 1800
#define EVTIME_LAST_YEAR 2999

/* The configured zone: $MABDESK_TZ (main.c sets it from the
 * configuration), else Asia/Dhaka. */
const char *evtime_zone(void);
/* libical's zone of that name, else UTC; the last one asked is kept, as
 * an import asks for the same zone for every time it reads. */
struct _icaltimezone *evtime_libical_zone(const char *name);
/* 1 if s is a date alone, "YYYY-MM-DD" (it need not exist). */
int evtime_is_date(const char *s);
/* 1 if s is a local time "YYYY-MM-DD HH:MM" or a date "YYYY-MM-DD",
 * either of which exists, in the years above. */
int evtime_valid_local(const char *s);
/* A local value broken down (month 1-12): 0, or -1 when it is not one;
 * *is_date 1 for a date alone (hour and minute 0). */
int evtime_parse(const char *s, int *y, int *m, int *d, int *hh, int *mm, int *is_date);
/* A local value in zone as stored: 0, or -1 when s is not one. */
int evtime_to_utc(const char *s, const char *zone, char out[EVTIME_LEN]);
/* A stored value as a local one in zone: 0, or -1 when s is not one. */
int evtime_to_local(const char *s, const char *zone, char out[EVTIME_LEN]);
/* The moment of a stored value (a date: its midnight in zone). */
int evtime_epoch(const char *s, const char *zone, time_t *out);
/* The date n days after date d ("YYYY-MM-DD", which exists). */
void evtime_add_days(const char *d, int n, char out[EVTIME_LEN]);
/* Today's date in zone. */
void evtime_today(const char *zone, char out[EVTIME_LEN]);
/* A moment as stored UTC. */
void evtime_from_epoch(time_t t, char out[EVTIME_LEN]);

#endif
