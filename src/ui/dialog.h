/*
 * dialog.h: modal dialogs as overlay screens: confirm, pick one of a list,
 * and the edit-conflict dialog.
 *
 * Each constructor copies what it is given and returns the dialog as a
 * screen; whoever opens it pushes it (app_push()).  Once answered, the
 * dialog is closed by the app (SCREEN_CLOSE in screen.h) and then reports
 * the answer through the callback it was handed, so the callback may push
 * another screen or pop its owner.  A dialog never decides anything itself
 * and knows nothing of the application or of the screens.
 */
#ifndef MABDESK_UI_DIALOG_H
#define MABDESK_UI_DIALOG_H

struct screen;

/* y / n (Esc = no). */
struct screen *ui_confirm_new(const char *title, const char *text, void (*done)(void *ctx, int yes),
                              void *ctx);
/* Pick one of n labels (drawn sanitised); typing narrows the list.  done
 * gets the index or -1 when cancelled. */
struct screen *ui_pick_new(const char *title, const char *const *labels, int n, int current,
                           void (*done)(void *ctx, int index), void *ctx);

/* The conflict dialog: for every differing field, the user's value and
 * the one saved in the meantime.  Never resolves anything by itself. */
struct ui_conflict_row {
    const char *label; /* translated */
    const char *mine;
    const char *theirs;
};
enum ui_conflict_choice {
    UI_CONFLICT_BACK,        /* go back to editing, nothing saved */
    UI_CONFLICT_KEEP_MINE,   /* save mine over theirs */
    UI_CONFLICT_TAKE_THEIRS, /* throw mine away, load theirs */
};
/* who / when: who saved in the meantime, and when (already formatted).
 * may_keep_mine: 0 hides that choice (the session may not save). */
struct screen *ui_conflict_new(const struct ui_conflict_row *rows, int n, const char *who,
                               const char *when, int may_keep_mine,
                               void (*done)(void *ctx, enum ui_conflict_choice), void *ctx);

#endif
