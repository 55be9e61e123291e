/*
 * event.h (db/): what the database does for events beyond the generic
 * record code: the import of events read from an iCalendar file.
 */
#ifndef MABDESK_DB_EVENT_H
#define MABDESK_DB_EVENT_H

#include "db/records.h"

struct db;

struct event_import_stats {
    int added, updated, unchanged;
};

/*
 * rows: events of kind_event (fmt/ical.h's ical_read(): local times, UID
 * and exceptions set).  All in one transaction: an event whose UID is
 * stored is updated (keeping its organiser unless organiser is given: a
 * municipality's id), another is added with that UID; its cancelled and
 * moved occurrences replace the stored ones; one audit row ("import")
 * each, with the same checks as every save.  A row the same as what is
 * stored is left alone.  Every rejected row is in *errs (row: index into
 * rows); any of them, or dry_run, rolls it all back.  Needs the kind's
 * import permission.
 */
int db_event_import(struct db *, struct record *rows, int n, const char *organiser, int dry_run,
                    struct event_import_stats *, struct row_error **errs, int *nerrs, char **err);

/*
 * fn on every event of municipality (0: everyone's; the association's
 * have none) that may have an occurrence between lo and hi, stored
 * values or dates ("2026-11-28"): a superset, never a miss, that the
 * caller expands and cuts (evlist.c).  Needs the kind's read permission.
 */
int db_event_window(struct db *, const char *lo, const char *hi, long long municipality,
                    int (*fn)(const struct record *, void *), void *arg, char **err);

#endif
