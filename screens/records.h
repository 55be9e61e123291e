/*
 * records.h: the list screen of any kind of record: a list paged from the
 * database, search as you type, the kind's sort orders, and the ways into
 * detail, edit, add and delete, each offered through the action table and
 * resolved through the kind.  A kind's list adds only what no table says
 * (the directory's division and district filters) through records_extra.
 */
#ifndef MABDESK_SCREENS_RECORDS_H
#define MABDESK_SCREENS_RECORDS_H

#include "actions.h"
#include "db/records.h"

struct records;
struct screen;

struct records_extra {
    /* The list's actions, ACT_NONE-terminated; NULL: the generic ones. */
    const enum action_id *actions;
    /* Line 2 of the screen (the generic one names the order). */
    void (*draw_filters)(struct records *, int y, int x, int w);
    /* A key the generic list does not know: 1 if handled. */
    int (*key)(struct records *, enum action_id);
    /* Free the state handed to records_screen_new(). */
    void (*free_state)(void *);
};

/* The list of kind k (extra and state may be NULL); owner != 0 lists only
 * the records of that municipality, and new ones belong to it. */
struct screen *records_screen_new(const struct kind *k, const struct records_extra *extra,
                                  void *state, long long owner);
/* The query the list shows: filters may be changed, then records_reset(). */
struct record_query *records_query(struct records *);
void records_reset(struct records *);
void *records_state(struct records *);
const char *records_sort_label(struct records *);

/* bulk.c: apply the kind's bulk change which (an index into k->bulk, or
 * -1: delete) to the n records ids, after asking (a reason form, or yes
 * or no); applied(ctx) runs once it was applied. */
void bulk_start(const struct kind *k, int which, const long long *ids, int n,
                void (*applied)(void *), void *ctx);

#endif
