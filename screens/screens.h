/*
 * screens.h: the constructors of every screen.  Each returns a filled
 * struct screen (src/ui/screen.h) for app_push().  Only the callers need
 * this header: main.c and ui_entry.c hand home and help to app_run(), and
 * screens open one another; the app and the widgets never include it.
 */
#ifndef MABDESK_SCREENS_H
#define MABDESK_SCREENS_H

struct screen;
struct kind;
struct record;
struct ui_form;

#include "actions.h"

struct screen *screen_home_new(void);
struct screen *screen_directory_new(void);
/* The event calendar: the month grid, from which the agenda and the day
 * views open (calendar.c). */
struct screen *screen_calendar_new(void);
/* The detail view of one record of kind k. */
struct screen *screen_record_new(const struct kind *k, long long id);
/* The list of kind k; owner != 0: only the records of that municipality. */
struct screen *screen_records_new(const struct kind *k, long long owner);
/* Edit record id of kind k, or add one (id 0) starting from the non-empty
 * fields of preset (may be NULL). */
struct screen *screen_edit_new(const struct kind *k, long long id, const struct record *preset);
/* A form over kind k's fields (started from preset, may be NULL) that
 * hands what was typed to send() instead of saving a record: 0 with *done
 * (malloc'd) to show in place of the fields, or non-zero with *err for the
 * status line (the typing stays).  The public subscribe form (subscribe.c). */
struct form_submit {
    const enum action_id *actions; /* the form's keys, action among them */
    enum action_id action;         /* the key that sends */
    int (*send)(const struct record *, char **done, char **err);
    const char *failed; /* N_(): heads the form after a failed send (*err below) */
};
struct screen *screen_form_new(const struct kind *k, const struct record *preset,
                               const struct form_submit *);
/* Below a subscriber's fields: its status history. */
struct ui_textview;
void subscriber_history_fill(struct ui_textview *, long long id);
/* The public subscribe form: every session's, the kiosk's only write. */
struct screen *screen_subscribe_new(void);
/* Esc on any form screen: leave at once when nothing was typed, else ask
 * before throwing the typing away. */
void form_screen_back(const struct ui_form *form);
struct screen *screen_about_new(void);
/* Help for the screen from (its actions first), then every key. */
struct screen *screen_help_new(const struct screen *from);
/* The audit log; record_id != 0 shows only that record's entries. */
struct screen *screen_audit_new(const char *record_kind, long long record_id);
/* The accounts that may log in over SSH (admin): list, one account and
 * its keys, and the forms that add an account, a key or a password. */
struct screen *screen_users_new(void);

#endif
