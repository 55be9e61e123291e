/*
 * dialog.h: modal dialogs, pushed as overlay screens: confirm, message,
 * pick one of a list, and the edit-conflict dialog.
 *
 * Each copies what it is given and reports the answer through a callback
 * after it has taken itself off the stack, so the callback may push another
 * screen or pop its owner.  A dialog never decides anything itself.
 */
#ifndef MABDESK_UI_DIALOG_H
#define MABDESK_UI_DIALOG_H

/* y / n (Esc = no). */
void ui_confirm(const char *title, const char *text, void (*done)(void *ctx, int yes), void *ctx);
/* Pick one of n labels (drawn sanitised); typing narrows the list.  done
 * gets the index or -1 when cancelled. */
void ui_pick(const char *title, const char *const *labels, int n, int current,
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
void ui_conflict(const struct ui_conflict_row *rows, int n, const char *who, const char *when,
                 int may_keep_mine, void (*done)(void *ctx, enum ui_conflict_choice), void *ctx);

#endif
