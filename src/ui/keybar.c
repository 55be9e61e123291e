/*
 * keybar.c: the key bar (keybar.h).
 */
#include "ui/keybar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "text.h"
#include "ui/ui.h"
#include "util.h"

const char *keybar_key(const struct action_def *d)
{
    static char alt[8];
    char cap[8];
    const char *s;

    if (d->bar_key[0] != 'F' || d->bar_key[1] < '1' || d->bar_key[1] > '9')
        return d->bar_key;
    snprintf(cap, sizeof cap, "kf%d", atoi(d->bar_key + 1));
    s = tigetstr(cap);
    if (s != NULL && s != (char *)-1 && *s != '\0')
        return d->bar_key;
    /* A control key first: a letter would be typed into a form's field. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < nitems(d->keys) && d->keys[i] != 0; i++) {
            int c = d->keys[i];

            if (pass == 0 && c > 0 && c < 32)
                snprintf(alt, sizeof alt, "^%c", c + '@');
            else if (pass == 1 && c >= 32 && c < 127)
                snprintf(alt, sizeof alt, "%c", c);
            else
                continue;
            return alt;
        }
    }
    return d->bar_key;
}

static int item_width(enum action_id id)
{
    const struct action_def *d = action_def(id);

    return text_width(keybar_key(d)) + 1 + text_width(_(d->label));
}

void keybar_draw(struct keybar *kb, const enum action_id *given, int n, int y, int cols)
{
    enum action_id ids[KEYBAR_MAX];
    int total = 0, x = 0;

    if (n > KEYBAR_MAX)
        n = KEYBAR_MAX;
    memcpy(ids, given, (size_t)n * sizeof *ids);
    for (int i = 0; i < n; i++)
        total += item_width(ids[i]) + 1;
    while (total > cols && n > 0) {
        int drop = n - 1;

        for (int i = n - 1; i >= 0; i--) {
            if (action_def(ids[i])->bar < action_def(ids[drop])->bar)
                drop = i;
        }
        total -= item_width(ids[drop]) + 1;
        memmove(ids + drop, ids + drop + 1, (size_t)(n - drop - 1) * sizeof *ids);
        n--;
    }
    kb->n = 0;
    for (int i = 0; i < n && x < cols; i++) {
        const struct action_def *d = action_def(ids[i]);
        int x0 = x;

        x += ui_put(stdscr, y, x, cols - x, keybar_key(d), ui_attr(UI_KEY));
        x += 1;
        x += ui_put(stdscr, y, x, cols - x, _(d->label), ui_attr(UI_KEYLABEL));
        kb->item[kb->n].id = ids[i];
        kb->item[kb->n].x0 = x0;
        kb->item[kb->n].x1 = x;
        kb->n++;
        x += 1;
    }
}

enum action_id keybar_at(const struct keybar *kb, int x)
{
    for (int i = 0; i < kb->n; i++)
        if (x >= kb->item[i].x0 && x < kb->item[i].x1)
            return kb->item[i].id;
    return ACT_NONE;
}
