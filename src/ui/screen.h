/*
 * screen.h: what a screen is.  What the application offers screens (the
 * stack, the status line, the database and the session) is in app.h.
 *
 * Every screen (one file each in screens/) fills one struct screen.  The app owns the
 * stack, the key loop and resizing; a screen never reads keys itself, never
 * calls refresh() and never ends the program.  Dialogs are screens too,
 * drawn over the screen below them (overlay), so resize, idle timeout and
 * the key bar work the same while a dialog is open.
 */
#ifndef MABDESK_UI_SCREEN_H
#define MABDESK_UI_SCREEN_H

#include "actions.h"
#include "ui/ui.h"

/* What a key function may return besides 0 (not handled) and 1. */
enum { SCREEN_CLOSE = 2 };

struct screen {
    const char *name;              /* stable identifier: "directory" */
    const char *title;             /* N_(): shown on the top line, translated when drawn */
    const enum action_id *actions; /* offered here, ACT_NONE-terminated; may be
                                      replaced by the screen as its state changes */
    int overlay;                   /* a dialog: the screens below stay visible */
    const struct kind *kind;       /* optional: the kind of record shown; the
                                      verbs of the actions resolve through it */
    /* Draw into body (stdscr coordinates).  No refresh. */
    void (*draw)(struct screen *, const struct ui_rect *body);
    /* A key: its action (ACT_NONE if unbound here) and the key itself.
     * Return 1 if handled; 0 lets the app handle the global actions;
     * SCREEN_CLOSE: handled, and this screen is finished (a dialog was
     * answered): the app takes it off the stack, then calls closed. */
    int (*key)(struct screen *, enum action_id, const struct ui_key *);
    /* Optional: the screen is off the stack after its key function
     * returned SCREEN_CLOSE; it is freed after the current key.  A dialog
     * reports its answer from here, so whoever hears the answer may push
     * another screen or pop the one that opened the dialog. */
    void (*closed)(struct screen *);
    /* Optional: the terminal changed size. */
    void (*resize)(struct screen *, const struct ui_rect *body);
    /* Optional: stored data or the language may have changed (the screen
     * came back to the top, or the language was switched): reload caches.
     * Must never throw away what the user typed. */
    void (*reload)(struct screen *);
    /* Free the screen and its state. */
    void (*leave)(struct screen *);
    /* Optional: the owning municipality of the record per-record actions
     * apply to (0 for none): record_owner(). */
    long long (*record)(struct screen *);
    /* Optional: 1 while the screen holds typing that is not saved (quitting
     * asks first). */
    int (*unsaved)(struct screen *);
    void *st; /* the screen's own state */
};

/* A new zeroed screen; the caller fills it. */
struct screen *screen_new(const char *name, const char *title, void *st);

#endif
