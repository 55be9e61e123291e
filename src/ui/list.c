/*
 * list.c: the paged list widget (see list.h).
 *
 * Must never ask for every row: it fetches a window of about three screens
 * around the visible part, and only when the visible part leaves it.
 */
#include "ui/list.h"

#include <stdlib.h>

#include "i18n.h"
#include "util.h"

enum { DEFAULT_HEIGHT = 10, WHEEL_STEP = 3 };

void ui_list_init(struct ui_list *l, const struct ui_list_ops *ops, void *ctx, const char *empty)
{
    *l = (struct ui_list){0};
    l->ops = ops;
    l->ctx = ctx;
    l->empty = empty;
    l->height = DEFAULT_HEIGHT;
    l->count = -1;
}

static void drop_page(struct ui_list *l)
{
    if (l->loaded && l->page != NULL)
        l->ops->free_page(l->ctx, l->page, l->page_n);
    l->page = NULL;
    l->page_n = 0;
    l->loaded = 0;
}

void ui_list_free(struct ui_list *l)
{
    drop_page(l);
    free(l->err);
    l->err = NULL;
}

static void clamp(struct ui_list *l)
{
    int h = l->height > 0 ? l->height : 1;

    if (l->cur >= l->count)
        l->cur = l->count - 1;
    if (l->cur < 0)
        l->cur = 0;
    if (l->top > l->cur)
        l->top = l->cur;
    if (l->cur >= l->top + h)
        l->top = l->cur - h + 1;
    /* No empty space below the last row when the list could fill it. */
    if (l->top > l->count - h)
        l->top = l->count - h;
    if (l->top < 0)
        l->top = 0;
}

static void recount(struct ui_list *l)
{
    int n = 0;

    drop_page(l);
    free(l->err);
    l->err = NULL;
    if (l->ops->count(l->ctx, &n, &l->err) != 0 || n < 0)
        n = 0;
    l->count = n;
}

void ui_list_reload(struct ui_list *l)
{
    recount(l);
    clamp(l);
}

void ui_list_reset(struct ui_list *l)
{
    recount(l);
    l->cur = 0;
    l->top = 0;
    clamp(l);
}

/* Make sure rows [from, from + n) are in the cached page. */
static void ensure(struct ui_list *l, int from, int n)
{
    int off, lim, got;
    void *page = NULL;

    if (l->count < 0)
        recount(l);
    if (n > l->count - from)
        n = l->count - from;
    if (n <= 0)
        return;
    if (l->loaded && from >= l->page_off && from + n <= l->page_off + l->page_n)
        return;
    drop_page(l);
    off = from - l->height;
    if (off < 0)
        off = 0;
    lim = 3 * (l->height > n ? l->height : n);
    free(l->err);
    l->err = NULL;
    got = l->ops->fetch(l->ctx, off, lim, &page, &l->err);
    if (got < 0) {
        l->page = NULL;
        return;
    }
    l->page = page;
    l->page_off = off;
    l->page_n = got;
    l->loaded = 1;
}

void ui_list_draw(struct ui_list *l, const struct ui_rect *r)
{
    attr_t sel = ui_attr(UI_SELECTED), norm = ui_attr(UI_NORMAL);

    l->rect = *r;
    if (r->h <= 0 || r->w <= 0)
        return;
    l->height = r->h;
    if (l->count < 0)
        recount(l);
    clamp(l);
    if (l->count == 0) {
        ui_put(stdscr, r->y, r->x + 1, r->w - 1, l->err != NULL ? l->err : _(l->empty),
               ui_attr(l->err != NULL ? UI_ERROR : UI_DIM));
        return;
    }
    ensure(l, l->top, r->h);
    for (int i = 0; i < r->h && l->top + i < l->count; i++) {
        int row = l->top + i, in = row - l->page_off;
        attr_t a = row == l->cur ? sel : norm;

        if (!l->loaded || in < 0 || in >= l->page_n)
            break;
        if (row == l->cur)
            ui_fill(stdscr, r->y + i, r->x, r->w, a);
        l->ops->draw_row(l->ctx, l->page, in, r->y + i, r->x, r->w, a);
        /* Without reverse video (a VT52), and in lean mode (moving it then
         * rewrites two cells, not two rows), the selection is a marker in
         * the first column, which rows leave blank. */
        if (row == l->cur && (ui_lean() || !(termattrs() & A_REVERSE)))
            mvwaddch(stdscr, r->y + i, r->x, '>' | a);
    }
    if (l->err != NULL)
        ui_put(stdscr, r->y + r->h - 1, r->x + 1, r->w - 1, l->err, ui_attr(UI_ERROR));
}

static int move_to(struct ui_list *l, int row)
{
    l->cur = row;
    clamp(l);
    return UI_LIST_MOVED;
}

static int mouse(struct ui_list *l, const struct ui_key *k)
{
    int row;

    if (k->mouse_y < l->rect.y || k->mouse_y >= l->rect.y + l->rect.h || k->mouse_x < l->rect.x ||
        k->mouse_x >= l->rect.x + l->rect.w)
        return UI_LIST_UNHANDLED;
    if (k->mouse_bstate & BUTTON4_PRESSED)
        return move_to(l, l->cur - WHEEL_STEP);
#ifdef BUTTON5_PRESSED
    if (k->mouse_bstate & BUTTON5_PRESSED)
        return move_to(l, l->cur + WHEEL_STEP);
#endif
    if (!(k->mouse_bstate & BUTTON1_PRESSED))
        return UI_LIST_UNHANDLED;
    row = l->top + (k->mouse_y - l->rect.y);
    if (row >= l->count)
        return UI_LIST_UNHANDLED;
    if (row == l->cur)
        return UI_LIST_OPEN;
    return move_to(l, row);
}

int ui_list_key(struct ui_list *l, enum action_id a, const struct ui_key *k)
{
    int h = l->height > 1 ? l->height : 1;

    if (l->count < 0)
        recount(l);
    if (k != NULL && k->code == (UI_FN | KEY_MOUSE))
        return mouse(l, k);
    switch (a) {
    case ACT_UP:
        return move_to(l, l->cur - 1);
    case ACT_DOWN:
        return move_to(l, l->cur + 1);
    case ACT_PGUP:
        l->top -= h;
        if (l->top < 0)
            l->top = 0;
        return move_to(l, l->cur - h);
    case ACT_PGDN:
        if (l->top + h < l->count)
            l->top += h;
        return move_to(l, l->cur + h);
    case ACT_TOP:
        return move_to(l, 0);
    case ACT_BOTTOM:
        return move_to(l, l->count - 1);
    default:
        return UI_LIST_UNHANDLED;
    }
}

void *ui_list_current(struct ui_list *l, int *index)
{
    if (l->count < 0)
        recount(l);
    if (l->count == 0)
        return NULL;
    clamp(l);
    ensure(l, l->cur, 1);
    if (!l->loaded || l->cur < l->page_off || l->cur >= l->page_off + l->page_n)
        return NULL;
    *index = l->cur - l->page_off;
    return l->page;
}

int ui_list_count(struct ui_list *l)
{
    if (l->count < 0)
        recount(l);
    return l->count;
}
