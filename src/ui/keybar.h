/*
 * keybar.h: the key bar on the last line: the actions given, each as its
 * key and label; when they do not fit, the least important are dropped,
 * rightmost first.  It remembers where each entry was drawn, so that a
 * click on it is that key.  Which actions to offer is the caller's
 * question (app.c: the top screen's allowed ones, then the global ones).
 */
#ifndef MABDESK_UI_KEYBAR_H
#define MABDESK_UI_KEYBAR_H

#include "actions.h"

#define KEYBAR_MAX 32

struct keybar {
    struct {
        enum action_id id;
        int x0, x1; /* columns [x0, x1) */
    } item[KEYBAR_MAX];
    int n;
};

/* The key the bar names for an action: its function key, or, where the
 * terminal's description has no such key (TERM=ansi has none), the first
 * other key that does it: "^S" for F2, "?" for F1.  Static or the table's. */
const char *keybar_key(const struct action_def *);
/* Draw ids[0..n) on row y in cols columns, into kb. */
void keybar_draw(struct keybar *kb, const enum action_id *ids, int n, int y, int cols);
/* The action drawn at column x, or ACT_NONE. */
enum action_id keybar_at(const struct keybar *kb, int x);

#endif
