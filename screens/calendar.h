/*
 * calendar.h: what the event calendar's screens share (calendar.c the
 * month grid, calendar_list.c the agenda and the day): the days as
 * numbers, the occurrences of a run of local days, and the filters the
 * month grid sets and every view of it applies.
 *
 * Filters work on occurrences already read (evlist.c), so changing one
 * never reads the database again.
 */
#ifndef MABDESK_SCREENS_CALENDAR_H
#define MABDESK_SCREENS_CALENDAR_H

#include "evlist.h"
#include "ui/ui.h"
#include "util.h"

/* A day: days since 1970-01-01, m 1-12. */
long cal_days(int y, int m, int d);
void cal_civil(long day, int *y, int *m, int *d);
/* 0 Sunday .. 6 Saturday. */
int cal_weekday(long day);
int cal_month_days(int y, int m);
/* Today in the configured zone. */
long cal_today(void);
/* The first day of the week: 6 Saturday (the default) or 0 Sunday
 * ($MABDESK_WEEK_START, from the week_start setting). */
int cal_week_start(void);
/* The local days each of the nv occurrences of v covers, first in a[i]
 * and last in b[i], for a window of the n days from first: days outside
 * it come back as first - 1 or first + n (a day view and a grid need no
 * more).  Few time zone conversions: fast enough for a month of 50,000
 * events. */
void cal_days_of(const struct ev_line *v, int nv, long first, int n, long *a, long *b);
/* The occurrences of the local days [first, first + n): DB_OK, or the
 * database's status after putting its message in the status line. */
int cal_load(long first, int n, struct ev_line **v, int *nv);
/* The day of l for a narrow line: evlist_day() without the Bangla date
 * ("২০২৬-১২-০২").  Malloc'd. */
char *cal_short_day(const struct ev_line *l);
/* Below this width a line of an event drops the Bangla date. */
enum { CAL_WIDE = 72 };
/* "Tuesday, 1 December 2026", in Bengali with the Bangla date beside:
 * "মঙ্গলবার, ১ ডিসেম্বর ২০২৬ (১৬ অগ্রহায়ণ ১৪৩৩)".  Malloc'd. */
char *cal_day_text(long day);

struct cal_filter {
    const char *category; /* a stored category; NULL: every one */
    long long organiser;  /* -1: everyone; 0: the association; else a municipality */
    char *organiser_name; /* what the organiser filter shows */
    struct buf search;    /* words every one of which a title must hold */
    int searching;        /* typing into the search */
};

void cal_filter_init(struct cal_filter *);
void cal_filter_free(struct cal_filter *);
void cal_filter_clear(struct cal_filter *);
/* 1 if l passes every filter. */
int cal_filter_keep(const struct cal_filter *, const struct ev_line *l);
/* What is filtered, "" for nothing ("Training, Amtali, "budget""). Malloc'd. */
char *cal_filter_text(const struct cal_filter *);
/* A key while searching: 1 if it edited the search (or ended it). */
int cal_filter_search_key(struct cal_filter *, int is_back, int is_open, const struct ui_key *);
/* Pick a category, or an organiser among those of v; changed(ctx) once
 * one was picked. */
void cal_filter_pick_category(struct cal_filter *, void (*changed)(void *), void *ctx);
void cal_filter_pick_organiser(struct cal_filter *, const struct ev_line *v, int n,
                               void (*changed)(void *), void *ctx);

/* The occurrences of the local days [first, first + ndays) as a list
 * (ndays 1: the day view; more: the agenda), through filter (NULL: none;
 * it must outlive the screen: the month grid below it owns it). */
struct screen;
struct screen *screen_cal_list_new(long first, int ndays, struct cal_filter *filter);

/* Below a municipality's details: the events of the next 7 days, its own
 * and the association's. */
struct ui_textview;
void cal_coming_fill(struct ui_textview *, long long municipality);

#endif
