/*
 * view.h: a screen that shows a text view (About, Help, detail views).
 * The screen's content is filled by a callback, again whenever the data
 * or the language may have changed.  Screens with keys of their own pass a
 * key callback; scrolling is handled here.
 */
#ifndef MABDESK_SCREENS_VIEW_H
#define MABDESK_SCREENS_VIEW_H

#include "ui/screen.h"
#include "ui/textview.h"

struct view_ops {
    /* Fill tv (already cleared). */
    void (*fill)(struct ui_textview *tv, void *arg);
    /* Optional: keys beyond scrolling; 1 if handled. */
    int (*key)(void *arg, enum action_id);
    /* Optional: the record per-record actions apply to. */
    long long (*record)(void *arg);
    /* Optional: free arg. */
    void (*free_arg)(void *arg);
};

/* actions: what the screen offers besides the global keys (static,
 * ACT_NONE-terminated); the scrolling actions are always understood. */
struct screen *view_screen_new(const char *name, const char *title, const enum action_id *actions,
                               const struct view_ops *ops, void *arg);

#endif
