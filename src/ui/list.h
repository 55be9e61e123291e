/*
 * list.h: the one list widget, for every list-like screen (directory,
 * audit, pickers, menus; events, subscribers and users later).
 *
 * The widget never holds the whole list: it asks a callback for the row
 * count and for pages of rows around what is visible, and a callback draws
 * each row.  It keeps the cursor and the first visible row, and handles
 * the movement actions and mouse clicks.  The cursor row is drawn with
 * ui_attr(UI_SELECTED), which always includes A_REVERSE.
 */
#ifndef MABDESK_UI_LIST_H
#define MABDESK_UI_LIST_H

#include "actions.h"
#include "ui/ui.h"

struct ui_list_ops {
    /* The number of rows, or -1 with *err set. */
    int (*count)(void *ctx, int *n, char **err);
    /* Rows [offset, offset + limit) as a page the widget keeps until it
     * calls free_page; the number of rows loaded, or -1 with *err set. */
    int (*fetch)(void *ctx, int offset, int limit, void **page, char **err);
    /* Draw row i of page in w columns at (y, x).  The row is already filled
     * with attr (selected or not); draw with attr as the base. */
    void (*draw_row)(void *ctx, void *page, int i, int y, int x, int w, attr_t attr);
    void (*free_page)(void *ctx, void *page, int n);
};

struct ui_list {
    const struct ui_list_ops *ops;
    void *ctx;
    const char *empty; /* N_(): shown when there are no rows */
    int count;
    int cur;    /* cursor row */
    int top;    /* first visible row */
    int height; /* rows drawn last time */
    struct ui_rect rect;
    void *page;
    int page_off, page_n, loaded;
    char *err;
};

enum ui_list_result {
    UI_LIST_UNHANDLED,
    UI_LIST_MOVED,
    UI_LIST_OPEN, /* a click on the cursor row: open it */
};

void ui_list_init(struct ui_list *, const struct ui_list_ops *, void *ctx, const char *empty);
void ui_list_free(struct ui_list *);
/* Count again and drop the cached page (the data changed); the cursor
 * stays where it was, within the new count. */
void ui_list_reload(struct ui_list *);
/* As ui_list_reload() with the cursor back on the first row. */
void ui_list_reset(struct ui_list *);
void ui_list_draw(struct ui_list *, const struct ui_rect *);
/* Movement actions and mouse events; see enum ui_list_result. */
int ui_list_key(struct ui_list *, enum action_id, const struct ui_key *);
/* The page holding the cursor row and its index in it; NULL when empty. */
void *ui_list_current(struct ui_list *, int *index);
/* The number of rows (counted now if not yet). */
int ui_list_count(struct ui_list *);

#endif
