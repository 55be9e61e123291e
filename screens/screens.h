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

struct screen *screen_home_new(void);
struct screen *screen_directory_new(void);
/* The detail view of one record of kind k. */
struct screen *screen_record_new(const struct kind *k, long long id);
/* The list of kind k; owner != 0: only the records of that municipality. */
struct screen *screen_records_new(const struct kind *k, long long owner);
/* Edit record id of kind k, or add one (id 0) starting from the non-empty
 * fields of preset (may be NULL). */
struct screen *screen_edit_new(const struct kind *k, long long id, const struct record *preset);
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
